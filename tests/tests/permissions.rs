//! The permission matrix over HTTP: every route of `ROUTES` × every role (and an
//! administrator narrowed to user management) → allowed or refused with `permission_denied`.
//! The expectations below are written per route: a route added without a rule fails here.

use std::collections::BTreeSet;

use platform::auth::{Permission, Role};
use platform::routes::{Access, ROUTES};
use serde_json::json;
use crate::support::TestApp;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Anyone, without a token.
    Anyone,
    /// Any signed-in user.
    SignedIn,
    /// Only these callers.
    Only(&'static [Caller]),
    /// The service operator only: every tenant token is refused, whatever its role.
    OperatorOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Admin,
    Designer,
    Viewer,
    /// A `tenant_admin` narrowed to user management and reading projects.
    NarrowedAdmin,
}

use Caller::*;

const ALL: [Caller; 4] = [Admin, Designer, Viewer, NarrowedAdmin];
const READERS: &[Caller] = &[Admin, Designer, Viewer, NarrowedAdmin];
const WRITERS: &[Caller] = &[Admin, Designer];
const EXPORTERS: &[Caller] = &[Admin, Designer, Viewer];
const USER_ADMINS: &[Caller] = &[Admin, NarrowedAdmin];
const SETTINGS_ADMINS: &[Caller] = &[Admin];
/// `audit_read`: full administrators (the narrowed one lacks it).
const AUDIT_READERS: &[Caller] = &[Admin];

/// The rule of every route. A new route needs a line here.
fn rule(key: &str) -> Option<Who> {
    Some(match key {
        "GET /health" => Who::Anyone,
        "POST /auth/sign-in" | "POST /auth/challenge" | "POST /auth/refresh" | "POST /auth/sign-out" => Who::Anyone,
        "POST /auth/password/forgot" | "POST /auth/password/reset" => Who::Anyone,
        "POST /auth/password/change" | "POST /auth/mfa/totp/setup" | "POST /auth/mfa/totp/verify" => Who::SignedIn,
        "PUT /auth/mfa/preference" | "POST /auth/mfa/phone" | "POST /auth/mfa/phone/confirm" | "GET /me" => Who::SignedIn,
        "GET /projects" | "GET /projects/{id}" | "POST /projects/{id}/analysis" => Who::Only(READERS),
        "POST /analysis" | "GET /library" | "GET /library/{id}" | "POST /render/sld" => Who::Only(READERS),
        "POST /projects" | "PUT /projects/{id}" | "DELETE /projects/{id}" => Who::Only(WRITERS),
        "GET /library/company" | "GET /library/company/{id}" | "GET /projects/{id}/library-updates" => Who::Only(READERS),
        "POST /library/company" | "POST /library/company/csv" | "PUT /library/company/{id}" | "DELETE /library/company/{id}" => Who::Only(WRITERS),
        "POST /projects/{id}/exports" | "GET /exports/{id}" => Who::Only(EXPORTERS),
        "GET /admin/users" | "POST /admin/users" | "GET /admin/users/{id}" | "DELETE /admin/users/{id}" => Who::Only(USER_ADMINS),
        "PUT /admin/users/{id}/access" | "POST /admin/users/{id}/disable" | "POST /admin/users/{id}/enable" => Who::Only(USER_ADMINS),
        "POST /admin/users/{id}/unlock" | "POST /admin/users/{id}/reset-mfa" => Who::Only(USER_ADMINS),
        "GET /admin/settings" | "PUT /admin/settings" => Who::Only(SETTINGS_ADMINS),
        "GET /audit" | "GET /audit.csv" | "GET /audit/verify" => Who::Only(AUDIT_READERS),
        "POST /projects/{id}/archive" | "POST /archives" | "GET /final-archive" => Who::Only(EXPORTERS),
        "POST /imports" | "POST /imports/{id}/complete" => Who::Only(WRITERS),
        "GET /ops/tenants" | "POST /ops/tenants" | "GET /ops/tenants/{tenant}" | "POST /ops/tenants/{tenant}/suspend" => Who::OperatorOnly,
        "POST /ops/tenants/{tenant}/resume" | "POST /ops/tenants/{tenant}/terminate" | "POST /ops/tenants/{tenant}/purge" => Who::OperatorOnly,
        "GET /ops/tenants/{tenant}/certificate" | "GET /ops/certificate-key" | "GET /ops/integrity" => Who::OperatorOnly,
        "GET /status" => Who::Anyone,
        "GET /announcements" | "GET /inquiries" | "POST /inquiries" | "GET /inquiries/{id}" | "POST /inquiries/{id}/messages" => Who::SignedIn,
        "GET /support-grants" | "POST /support-grants" | "DELETE /support-grants/{id}" => Who::Only(SETTINGS_ADMINS),
        "GET /ops/announcements" | "POST /ops/announcements" | "PUT /ops/announcements/{id}" | "POST /ops/announcements/{id}/withdraw" => Who::OperatorOnly,
        "GET /ops/inquiries" | "GET /ops/tenants/{tenant}/inquiries/{id}" | "POST /ops/tenants/{tenant}/inquiries/{id}/messages" => Who::OperatorOnly,
        "POST /ops/tenants/{tenant}/inquiries/{id}/close" | "GET /ops/tenants/{tenant}/projects" | "GET /ops/tenants/{tenant}/projects/{id}" => Who::OperatorOnly,
        _ => return None,
    })
}

#[test]
fn every_route_has_a_rule_that_agrees_with_its_access() {
    let mut missing = Vec::new();
    for route in ROUTES {
        match (rule(&route.key()), route.access) {
            (None, _) => missing.push(route.key()),
            (Some(Who::Anyone), Access::Public) | (Some(Who::SignedIn), Access::Authenticated) | (Some(Who::Only(_)), Access::Requires(_)) | (Some(Who::OperatorOnly), Access::Operator) => {}
            (Some(who), access) => panic!("{}: the matrix says {who:?} but ROUTES says {access:?}", route.key()),
        }
    }
    assert!(missing.is_empty(), "routes without a rule in the permission matrix: {missing:?}");
}

#[tokio::test]
async fn every_route_times_every_role_is_allowed_or_refused_as_the_matrix_says() {
    let app = TestApp::spawn().await;
    let mut tokens = Vec::new();
    for caller in ALL {
        let (id, role) = match caller {
            Admin => ("admin-full", Role::TenantAdmin),
            Designer => ("designer", Role::Designer),
            Viewer => ("viewer", Role::Viewer),
            NarrowedAdmin => ("admin-narrow", Role::TenantAdmin),
        };
        let (mut user, _) = app.user("acme", id, role).await;
        if caller == NarrowedAdmin {
            user.permissions = Some(BTreeSet::from([Permission::UserManage, Permission::ProjectRead]));
            app.gateway.backend.users.put_user(&user).await.unwrap();
        }
        tokens.push((caller, app.gateway.keys.mint(&user.sub, "acme").unwrap()));
    }

    let mut wrong = Vec::new();
    for route in ROUTES {
        let key = route.key();
        let who = rule(&key).unwrap_or_else(|| panic!("no rule for {key}"));
        let path = route.path.replace("{id}", "zz-no-such-id").replace("{tenant}", "acme");
        for (caller, token) in &tokens {
            let mut req = app.client.request(route.method.parse().unwrap(), app.url(&path));
            if route.access.needs_token() {
                req = req.bearer_auth(token);
            }
            if route.is_mutating() {
                req = req.json(&json!({}));
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            let refused = status == 401 || (status == 403 && (text.contains("\"permission_denied\"") || who == Who::OperatorOnly));
            let expected_allowed = match who {
                Who::Anyone | Who::SignedIn => true,
                Who::Only(list) => list.contains(caller),
                Who::OperatorOnly => false,
            };
            if refused == expected_allowed || status >= 500 {
                wrong.push(format!("{key} as {caller:?}: {status} {text}"));
            }
        }
    }
    assert!(wrong.is_empty(), "the permission matrix is not what the routes do:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_public_route_never_authenticates_by_a_token_and_an_authenticated_one_needs_one() {
    let app = TestApp::spawn().await;
    for route in ROUTES.iter().filter(|r| r.access.needs_token()) {
        let path = route.path.replace("{id}", "zz-no-such-id").replace("{tenant}", "acme");
        let resp = app.client.request(route.method.parse().unwrap(), app.url(&path)).json(&json!({})).send().await.unwrap();
        // As API Gateway: the JWT authorizer answers 401, the IAM authorizer 403.
        let want = if route.access == Access::Operator { 403 } else { 401 };
        assert_eq!(resp.status(), want, "{} without a token", route.key());
    }
}
