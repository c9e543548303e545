//! Cloud adapters: DynamoDB single table for records, KMS for per-tenant keys.
