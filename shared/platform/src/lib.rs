//! Kyocho's tenancy and access layer: who is calling (auth context, permissions), the ports
//! every handler talks to (records, sealing, audit) with their `aws` and `local` adapters,
//! and the HTTP glue every function shares (request context, errors, JSON, paging, `run`).

pub mod auth;
pub mod ids;
pub mod ports;
pub mod seal;
pub mod backend;
pub mod aws;
pub mod local;
