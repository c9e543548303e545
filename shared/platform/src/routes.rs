//! The one route table. The local gateway routes by it, every handler authorizes by it, and
//! tests check that `infra/template.yaml` and `openapi.yaml` declare exactly these routes.

use crate::auth::Permission;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed (health, sign-in). Such a handler makes its own checks.
    Public,
    /// Any verified user of an active tenant, acting on their own account (`/me`, password,
    /// MFA); no permission is needed.
    Authenticated,
    /// A verified user of an active tenant holding this permission.
    Requires(Permission),
    /// The service operator (`/ops/…`): an IAM-signed request on AWS (the route's `AWS_IAM`
    /// authorizer), an operator token that only `kyocho ops token` can mint locally. No
    /// tenant token is ever accepted here, and no operator credential anywhere else.
    Operator,
}

/// One API route: `METHOD /path/{param}` served by one function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    /// Path template in API Gateway syntax, e.g. `/projects/{id}`.
    pub path: &'static str,
    /// The function folder / package that serves it (`functions/<function>`).
    pub function: &'static str,
    pub access: Access,
}

impl Access {
    /// Whether a caller must present a verified credential (a tenant token or the operator's).
    pub fn needs_token(self) -> bool {
        !matches!(self, Access::Public)
    }

    /// Whether the caller is a user of a tenant (token from the identity provider).
    pub fn is_tenant(self) -> bool {
        matches!(self, Access::Authenticated | Access::Requires(_))
    }
}

impl Route {
    /// API Gateway's route key, e.g. `GET /projects/{id}`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Whether a request on this route changes state (and so is always audited).
    pub fn is_mutating(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD" | "OPTIONS")
    }

    /// Match a concrete path against the template; returns the path parameters.
    pub fn match_path(&self, path: &str) -> Option<Vec<(&'static str, String)>> {
        let mut params = Vec::new();
        let mut want = self.path.split('/');
        let mut got = path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return Some(params),
                (Some(w), Some(g)) => {
                    if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                        if g.is_empty() {
                            return None;
                        }
                        params.push((name, g.to_owned()));
                    } else if w != g {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }
}

use Access::*;
use Permission::*;

/// Every route of the API.
pub const ROUTES: &[Route] = &[
    Route { method: "GET", path: "/health", function: "health", access: Public },
    Route { method: "GET", path: "/projects", function: "projects", access: Requires(ProjectRead) },
    Route { method: "POST", path: "/projects", function: "projects", access: Requires(ProjectWrite) },
    Route { method: "GET", path: "/projects/{id}", function: "projects", access: Requires(ProjectRead) },
    Route { method: "PUT", path: "/projects/{id}", function: "projects", access: Requires(ProjectWrite) },
    Route { method: "DELETE", path: "/projects/{id}", function: "projects", access: Requires(ProjectDelete) },
    Route { method: "POST", path: "/auth/sign-in", function: "auth", access: Public },
    Route { method: "POST", path: "/auth/challenge", function: "auth", access: Public },
    Route { method: "POST", path: "/auth/refresh", function: "auth", access: Public },
    Route { method: "POST", path: "/auth/sign-out", function: "auth", access: Public },
    Route { method: "POST", path: "/auth/password/forgot", function: "auth", access: Public },
    Route { method: "POST", path: "/auth/password/reset", function: "auth", access: Public },
    Route { method: "POST", path: "/auth/password/change", function: "auth", access: Authenticated },
    Route { method: "POST", path: "/auth/mfa/totp/setup", function: "auth", access: Authenticated },
    Route { method: "POST", path: "/auth/mfa/totp/verify", function: "auth", access: Authenticated },
    Route { method: "PUT", path: "/auth/mfa/preference", function: "auth", access: Authenticated },
    Route { method: "POST", path: "/auth/mfa/phone", function: "auth", access: Authenticated },
    Route { method: "POST", path: "/auth/mfa/phone/confirm", function: "auth", access: Authenticated },
    Route { method: "GET", path: "/me", function: "auth", access: Authenticated },
    Route { method: "GET", path: "/admin/users", function: "admin-users", access: Requires(UserManage) },
    Route { method: "POST", path: "/admin/users", function: "admin-users", access: Requires(UserManage) },
    Route { method: "GET", path: "/admin/users/{id}", function: "admin-users", access: Requires(UserManage) },
    Route { method: "DELETE", path: "/admin/users/{id}", function: "admin-users", access: Requires(UserManage) },
    Route { method: "PUT", path: "/admin/users/{id}/access", function: "admin-users", access: Requires(UserManage) },
    Route { method: "POST", path: "/admin/users/{id}/disable", function: "admin-users", access: Requires(UserManage) },
    Route { method: "POST", path: "/admin/users/{id}/enable", function: "admin-users", access: Requires(UserManage) },
    Route { method: "POST", path: "/admin/users/{id}/unlock", function: "admin-users", access: Requires(UserManage) },
    Route { method: "POST", path: "/admin/users/{id}/reset-mfa", function: "admin-users", access: Requires(UserManage) },
    Route { method: "GET", path: "/admin/settings", function: "admin-settings", access: Requires(SettingsManage) },
    Route { method: "PUT", path: "/admin/settings", function: "admin-settings", access: Requires(SettingsManage) },
    Route { method: "GET", path: "/audit", function: "admin-settings", access: Requires(AuditRead) },
    Route { method: "GET", path: "/audit.csv", function: "admin-settings", access: Requires(AuditRead) },
    Route { method: "GET", path: "/audit/verify", function: "admin-settings", access: Requires(AuditRead) },
    Route { method: "POST", path: "/projects/{id}/analysis", function: "analysis", access: Requires(ProjectRead) },
    Route { method: "POST", path: "/analysis", function: "analysis", access: Requires(ProjectRead) },
    Route { method: "GET", path: "/library", function: "library", access: Requires(ProjectRead) },
    // The company library before `/library/{id}`: a literal segment wins over a parameter
    // (as in API Gateway), and `resolve` takes the first route that matches.
    Route { method: "GET", path: "/library/company", function: "library", access: Requires(ProjectRead) },
    Route { method: "POST", path: "/library/company", function: "library", access: Requires(ProjectWrite) },
    Route { method: "POST", path: "/library/company/csv", function: "library", access: Requires(ProjectWrite) },
    Route { method: "GET", path: "/library/company/{id}", function: "library", access: Requires(ProjectRead) },
    Route { method: "PUT", path: "/library/company/{id}", function: "library", access: Requires(ProjectWrite) },
    Route { method: "DELETE", path: "/library/company/{id}", function: "library", access: Requires(ProjectWrite) },
    Route { method: "GET", path: "/projects/{id}/library-updates", function: "library", access: Requires(ProjectRead) },
    Route { method: "GET", path: "/library/{id}", function: "library", access: Requires(ProjectRead) },
    Route { method: "POST", path: "/projects/{id}/exports", function: "exports", access: Requires(ProjectExport) },
    Route { method: "GET", path: "/exports/{id}", function: "exports", access: Requires(ProjectExport) },
    Route { method: "POST", path: "/render/sld", function: "exports", access: Requires(ProjectRead) },
    Route { method: "POST", path: "/projects/{id}/archive", function: "exports", access: Requires(ProjectExport) },
    Route { method: "POST", path: "/archives", function: "exports", access: Requires(ProjectExport) },
    Route { method: "POST", path: "/imports", function: "exports", access: Requires(ProjectWrite) },
    Route { method: "POST", path: "/imports/{id}/complete", function: "exports", access: Requires(ProjectWrite) },
    Route { method: "GET", path: "/final-archive", function: "exports", access: Requires(ProjectExport) },
    Route { method: "GET", path: "/status", function: "desk", access: Public },
    Route { method: "GET", path: "/announcements", function: "desk", access: Authenticated },
    Route { method: "GET", path: "/inquiries", function: "desk", access: Authenticated },
    Route { method: "POST", path: "/inquiries", function: "desk", access: Authenticated },
    Route { method: "GET", path: "/inquiries/{id}", function: "desk", access: Authenticated },
    Route { method: "POST", path: "/inquiries/{id}/messages", function: "desk", access: Authenticated },
    Route { method: "GET", path: "/support-grants", function: "desk", access: Requires(SettingsManage) },
    Route { method: "POST", path: "/support-grants", function: "desk", access: Requires(SettingsManage) },
    Route { method: "DELETE", path: "/support-grants/{id}", function: "desk", access: Requires(SettingsManage) },
    Route { method: "GET", path: "/ops/announcements", function: "desk", access: Operator },
    Route { method: "POST", path: "/ops/announcements", function: "desk", access: Operator },
    Route { method: "PUT", path: "/ops/announcements/{id}", function: "desk", access: Operator },
    Route { method: "POST", path: "/ops/announcements/{id}/withdraw", function: "desk", access: Operator },
    Route { method: "GET", path: "/ops/inquiries", function: "desk", access: Operator },
    Route { method: "GET", path: "/ops/tenants/{tenant}/inquiries/{id}", function: "desk", access: Operator },
    Route { method: "POST", path: "/ops/tenants/{tenant}/inquiries/{id}/messages", function: "desk", access: Operator },
    Route { method: "POST", path: "/ops/tenants/{tenant}/inquiries/{id}/close", function: "desk", access: Operator },
    Route { method: "GET", path: "/ops/tenants", function: "tenants", access: Operator },
    Route { method: "POST", path: "/ops/tenants", function: "tenants", access: Operator },
    Route { method: "GET", path: "/ops/tenants/{tenant}", function: "tenants", access: Operator },
    Route { method: "POST", path: "/ops/tenants/{tenant}/suspend", function: "tenants", access: Operator },
    Route { method: "POST", path: "/ops/tenants/{tenant}/resume", function: "tenants", access: Operator },
    Route { method: "POST", path: "/ops/tenants/{tenant}/terminate", function: "tenants", access: Operator },
    Route { method: "POST", path: "/ops/tenants/{tenant}/purge", function: "tenants", access: Operator },
    Route { method: "GET", path: "/ops/tenants/{tenant}/certificate", function: "tenants", access: Operator },
    Route { method: "GET", path: "/ops/certificate-key", function: "tenants", access: Operator },
    Route { method: "GET", path: "/ops/integrity", function: "tenants", access: Operator },
    Route { method: "GET", path: "/ops/tenants/{tenant}/projects", function: "desk", access: Operator },
    Route { method: "GET", path: "/ops/tenants/{tenant}/projects/{id}", function: "desk", access: Operator },
];

/// The route with this API Gateway route key.
pub fn by_key(route_key: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.key() == route_key)
}

/// Resolve a method and concrete path. `Err(true)` when the path exists for another method.
pub fn resolve(method: &str, path: &str) -> Result<(&'static Route, Vec<(&'static str, String)>), bool> {
    let mut path_known = false;
    for route in ROUTES {
        if let Some(params) = route.match_path(path) {
            if route.method == method {
                return Ok((route, params));
            }
            path_known = true;
        }
    }
    Err(path_known)
}

/// The methods the route table has for `path` (empty for an unknown path), for `Allow`.
pub fn methods_of(path: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = ROUTES.iter().filter(|r| r.match_path(path).is_some()).map(|r| r.method).collect();
    out.dedup();
    out
}

/// The names of all functions, in route-table order, without repeats.
pub fn functions() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in ROUTES {
        if !out.contains(&r.function) {
            out.push(r.function);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_only_whole_segments() {
        let (route, params) = resolve("GET", "/projects/abc").unwrap();
        assert_eq!(route.key(), "GET /projects/{id}");
        assert_eq!(params, vec![("id", "abc".to_owned())]);
        assert!(resolve("GET", "/projects/abc/x").is_err());
        assert!(resolve("GET", "/projects/").is_err());
        assert_eq!(resolve("PATCH", "/projects/abc").unwrap_err(), true);
        assert_eq!(resolve("GET", "/nowhere").unwrap_err(), false);
    }

    #[test]
    fn the_company_library_is_not_taken_for_a_built_in_item() {
        assert_eq!(resolve("GET", "/library/company").unwrap().0.key(), "GET /library/company");
        assert_eq!(resolve("GET", "/library/pf.t.30a").unwrap().0.key(), "GET /library/{id}");
        assert_eq!(resolve("POST", "/library/company/csv").unwrap().0.key(), "POST /library/company/csv");
        let (route, params) = resolve("PUT", "/library/company/acme.pf.t-30").unwrap();
        assert_eq!(route.key(), "PUT /library/company/{id}");
        assert_eq!(params, vec![("id", "acme.pf.t-30".to_owned())]);
    }

    #[test]
    fn operator_routes_are_exactly_those_under_ops() {
        for r in ROUTES {
            assert_eq!(r.access == Operator, r.path.starts_with("/ops/"), "{}", r.key());
        }
    }

    #[test]
    fn route_keys_are_unique() {
        let mut keys: Vec<String> = ROUTES.iter().map(Route::key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ROUTES.len());
    }
}
