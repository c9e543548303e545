//! Workspace-level test support for Kyocho: the adapter contract suite that every backend
//! (SQLite + key file, DynamoDB + KMS) must pass, and the targets that stand each backend up
//! with fresh state. The test binaries live in `tests/tests/`.

pub mod contract;
pub mod events;
pub mod openapi;
