//! Who is calling and what they may do: roles, permissions and the verified auth context.

use std::collections::BTreeSet;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::ids::{TenantId, UserId};

/// One thing a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ProjectRead,
    ProjectWrite,
    ProjectDelete,
    ProjectExport,
    UserManage,
    SettingsManage,
    AuditRead,
}

impl Permission {
    pub const ALL: [Permission; 7] = [
        Permission::ProjectRead,
        Permission::ProjectWrite,
        Permission::ProjectDelete,
        Permission::ProjectExport,
        Permission::UserManage,
        Permission::SettingsManage,
        Permission::AuditRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ProjectRead => "project_read",
            Permission::ProjectWrite => "project_write",
            Permission::ProjectDelete => "project_delete",
            Permission::ProjectExport => "project_export",
            Permission::UserManage => "user_manage",
            Permission::SettingsManage => "settings_manage",
            Permission::AuditRead => "audit_read",
        }
    }
}

/// A user's role inside a tenant; each role grants a default set of permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    TenantAdmin,
    Designer,
    Viewer,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "tenant_admin" => Some(Role::TenantAdmin),
            "designer" => Some(Role::Designer),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::TenantAdmin => "tenant_admin",
            Role::Designer => "designer",
            Role::Viewer => "viewer",
        }
    }

    /// The permissions this role grants unless narrowed on the user record.
    pub fn default_permissions(self) -> BTreeSet<Permission> {
        use Permission::*;
        match self {
            Role::TenantAdmin => Permission::ALL.into_iter().collect(),
            Role::Designer => [ProjectRead, ProjectWrite, ProjectDelete, ProjectExport].into(),
            Role::Viewer => [ProjectRead, ProjectExport].into(),
        }
    }
}

/// The verified caller of one request. Built only by [`crate::http`] from the API Gateway
/// request context and the stored user record — never from a path, query or body.
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub tenant: TenantId,
    pub tenant_name: String,
    pub user: UserId,
    pub user_name: String,
    pub role: Role,
    pub permissions: BTreeSet<Permission>,
    pub source_ip: Option<IpAddr>,
    pub request_id: String,
}

impl AuthContext {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}
