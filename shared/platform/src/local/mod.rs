//! Embedded adapters for the local edition: a SQLite file for records, a key file for keys.
