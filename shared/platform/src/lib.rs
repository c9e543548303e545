//! Kyocho's tenancy and access layer: who is calling (auth context, permissions), the ports
//! every handler talks to (records, sealing, audit) with their `aws` and `local` adapters,
//! and the HTTP glue every function shares (request context, errors, JSON, paging, `run`).

pub mod access;
pub mod anchor;
pub mod announcements;
pub mod auth;
pub mod aws;
pub mod backend;
pub mod certify;
pub mod company_library;
pub mod edge;
pub mod error;
pub mod http;
pub mod identity;
pub mod ids;
pub mod integrity;
pub mod lambda;
pub mod local;
pub mod lockout;
pub mod mail;
pub mod password;
pub mod ports;
pub mod projects;
pub mod routes;
pub mod seal;
pub mod signin;
pub mod tenancy;

pub use backend::Backend;
pub use error::{ApiError, FieldError};
