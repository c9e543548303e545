//! The workspace tests, linked as one test binary: each file beside this one is a module
//! (`cargo nextest run -p kyocho-tests -E 'test(/^isolation::/)'` runs one of them). One
//! binary instead of one per file keeps a fresh build's `target/` several gigabytes smaller
//! — every file links the AWS SDK and the whole service — and the link step short.

#[macro_use]
mod support;

mod admin;
mod analysis;
mod answer_limits;
mod api;
mod archives;
mod audit_log;
mod auth;
mod backup_template;
mod cognito;
mod company_library;
mod concurrency;
mod contract;
mod deploy_template;
mod desk;
mod edge;
mod events;
mod exports;
mod iam_template;
mod identity_template;
mod integrity;
mod isolation;
mod library;
mod local_keys;
mod permissions;
mod render;
mod repository;
mod retention;
mod routes;
mod schemas;
mod security;
mod tenant_scope;
mod tenants;
