//! A backend: one adapter for every port, chosen once at start-up (cloud or local).

use std::sync::Arc;

use crate::ports::{AnchorStore, AuditLog, BlobStore, DeskStore, LibraryStore, ProjectStore, TenantStore, UserStore};
use crate::seal::Sealer;

/// Every port, behind trait objects so that handlers do not know which adapters serve them.
#[derive(Clone)]
pub struct Backend {
    /// `"aws"` or `"local"`, reported by `GET /health`.
    pub name: &'static str,
    pub tenants: Arc<dyn TenantStore>,
    pub users: Arc<dyn UserStore>,
    pub projects: Arc<dyn ProjectStore>,
    /// The company's own device library (every version of every item).
    pub library: Arc<dyn LibraryStore>,
    /// Announcements, support inquiries and support-access grants.
    pub desk: Arc<dyn DeskStore>,
    pub audit: Arc<dyn AuditLog>,
    /// Where the audit chains' heads are anchored (to verify a chain against).
    pub anchors: Arc<dyn AnchorStore>,
    pub sealer: Arc<dyn Sealer>,
    /// Exports and imports, each tenant in its own space.
    pub blobs: Arc<dyn BlobStore>,
    /// The keys the audit log chains each tenant's events under (to verify a chain).
    pub chain_keys: Arc<dyn crate::seal::ChainKeys>,
    /// The service's signature on deletion certificates.
    pub signer: Arc<dyn crate::certify::CertificateSigner>,
}
