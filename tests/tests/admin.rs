//! Administration over HTTP against the local edition: inviting users, changing roles and
//! permissions within the administrator's own powers, keeping a full administrator, tenant
//! isolation of every administrative route, and the IP allow-list (IPv4 and IPv6).

use std::collections::BTreeSet;

use platform::auth::{Permission, Role};
use platform::ids::TenantId;
use platform::routes::ROUTES;
use serde_json::{json, Value};
use crate::support::identity::PASSWORD;
use crate::support::{problem, TestApp};

async fn body(resp: reqwest::Response) -> Value {
    resp.json().await.expect("json")
}

fn pointers(p: &Value) -> Vec<String> {
    p["errors"].as_array().map(|a| a.iter().filter_map(|e| e["pointer"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

#[tokio::test]
async fn an_invited_user_gets_a_temporary_password_by_email_and_sets_their_own() {
    let app = TestApp::spawn().await;
    let admin = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let token = app.access_token("acme", &admin.email).await;

    let bad = app
        .post_json("/admin/users", &token, &json!({ "email": "no-at-sign", "name": "", "role": "wizard", "permissions": ["flying"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(pointers(&problem(bad).await), ["/email", "/name", "/role", "/permissions/0"]);

    let resp = app
        .post_json("/admin/users", &token, &json!({ "email": "ivy@acme.example", "name": "Ivy", "role": "designer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let invited = body(resp).await;
    assert_eq!(invited["role"], "designer");
    let again = app
        .post_json("/admin/users", &token, &json!({ "email": "IVY@acme.example", "name": "Ivy 2", "role": "viewer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(again).await["code"], "email_taken");

    let temporary = app.outbox_code("ivy@acme.example");
    let step = body(app.sign_in("acme", "ivy@acme.example", &temporary).await).await;
    assert_eq!(step["challenge"], "NEW_PASSWORD_REQUIRED");
    let done = body(app.answer("acme", "ivy@acme.example", &step, json!({ "new_password": "Ivy-own-pass1" })).await).await;
    let ivy = done["tokens"]["access_token"].as_str().unwrap();
    let me = body(app.get("/me", ivy).send().await.unwrap()).await;
    assert_eq!(me["role"], "designer");
    assert_eq!(me["user"]["name"], "Ivy");

    let listed = body(app.get("/admin/users", &token).send().await.unwrap()).await;
    let emails: BTreeSet<&str> = listed["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, BTreeSet::from(["boss@acme.example", "ivy@acme.example"]));

    let events = app.audit_events("acme").await;
    let invite = events
        .iter()
        .find(|e| e.event.operation == "POST /admin/users" && e.event.result == platform::ports::AuditResult::Success)
        .expect("invite audited");
    assert_eq!(invite.event.user_name.as_deref(), Some("Name of boss@acme.example"));
    assert_eq!(invite.event.company_name.as_deref(), Some("acme Co."));
    assert_eq!(invite.event.target.as_deref(), Some(format!("user:{}", invited["id"].as_str().unwrap()).as_str()));
}

#[tokio::test]
async fn an_administrator_cannot_grant_what_they_do_not_have() {
    let app = TestApp::spawn().await;
    app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let mut narrow = app.account("acme", "hr@acme.example", Role::TenantAdmin).await;
    narrow.permissions = Some(BTreeSet::from([Permission::UserManage, Permission::ProjectRead]));
    app.gateway.backend.users.put_user(&narrow).await.unwrap();
    let designer = app.account("acme", "des@acme.example", Role::Designer).await;
    let token = app.access_token("acme", &narrow.email).await;

    let refused = app
        .post_json("/admin/users", &token, &json!({ "email": "d2@acme.example", "name": "D2", "role": "designer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(problem(refused).await["code"], "grant_exceeds_own");
    let ok = app
        .post_json(
            "/admin/users",
            &token,
            &json!({ "email": "v2@acme.example", "name": "V2", "role": "viewer", "permissions": ["project_read"] }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);

    let promote = app
        .put_json(&format!("/admin/users/{}/access", narrow.id), &token, &json!({ "role": "tenant_admin" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(promote).await["code"], "grant_exceeds_own", "no raising of one's own powers");
    let manage_designer = app
        .put_json(&format!("/admin/users/{}/access", designer.id), &token, &json!({ "role": "viewer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(manage_designer).await["code"], "target_exceeds_own");
    let audit = app.get("/admin/settings", &token).send().await.unwrap();
    assert_eq!(problem(audit).await["code"], "permission_denied");
}

#[tokio::test]
async fn the_last_full_administrator_cannot_be_removed_or_demoted() {
    let app = TestApp::spawn().await;
    let boss = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let token = app.access_token("acme", &boss.email).await;
    let me = format!("/admin/users/{}", boss.id);
    for resp in [
        app.put_json(&format!("{me}/access"), &token, &json!({ "role": "designer" })).send().await.unwrap(),
        app.put_json(&format!("{me}/access"), &token, &json!({ "role": "tenant_admin", "permissions": ["user_manage"] })).send().await.unwrap(),
        app.post_json(&format!("{me}/disable"), &token, &json!({})).send().await.unwrap(),
        app.delete(&me, &token).send().await.unwrap(),
    ] {
        assert_eq!(resp.status(), 409);
        assert_eq!(problem(resp).await["code"], "last_full_admin");
    }

    let second = app.account("acme", "second@acme.example", Role::TenantAdmin).await;
    let demoted = app.put_json(&format!("{me}/access"), &token, &json!({ "role": "designer" })).send().await.unwrap();
    assert_eq!(demoted.status(), 200);
    assert_eq!(problem(app.get("/projects", &token).send().await.unwrap()).await["code"], "token_revoked", "a role change revokes at once");

    let second_token = app.access_token("acme", &second.email).await;
    let gone = app.delete(&format!("/admin/users/{}", second.id), &second_token).send().await.unwrap();
    assert_eq!(problem(gone).await["code"], "last_full_admin");
}

#[tokio::test]
async fn an_administrator_of_one_company_cannot_touch_another_companys_users() {
    let app = TestApp::spawn().await;
    let a_admin = app.account("alpha", "boss@alpha.example", Role::TenantAdmin).await;
    let b_admin = app.account("beta", "boss@beta.example", Role::TenantAdmin).await;
    let b_user = app.account("beta", "worker@beta.example", Role::Designer).await;
    let token = app.access_token("alpha", &a_admin.email).await;

    let listed = body(app.get("/admin/users", &token).send().await.unwrap()).await;
    assert!(listed["items"].as_array().unwrap().iter().all(|u| u["email"].as_str().unwrap().ends_with("@alpha.example")));

    for id in [b_user.id.to_string(), b_admin.id.to_string(), format!("beta.{}", b_user.id), "../beta".into()] {
        for route in ROUTES.iter().filter(|r| r.path.starts_with("/admin/users/{id}")) {
            let path = route.path.replace("{id}", &id);
            let mut req = app.client.request(route.method.parse().unwrap(), app.url(&path)).bearer_auth(&token);
            if route.is_mutating() {
                req = req.json(&json!({ "role": "viewer" }));
            }
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 404, "{} with {id}", route.key());
        }
    }
    let invite_into_b = app
        .post_json("/admin/users", &token, &json!({ "email": "x@beta.example", "name": "X", "role": "viewer", "tenant": "beta" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(invite_into_b).await["errors"][0]["code"], "unknown_field");

    let b_after = app.gateway.backend.users.get_user(&TenantId::parse("beta").unwrap(), &b_user.id).await.unwrap().unwrap();
    assert_eq!(b_after, b_user, "tenant beta's user is unchanged");
    app.access_token("beta", &b_user.email).await;
}

#[tokio::test]
async fn settings_are_validated_with_pointers_and_a_self_excluding_list_needs_confirmation() {
    let app = TestApp::spawn().await;
    let boss = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let token = app.access_token("acme", &boss.email).await;

    let got = body(app.get("/admin/settings", &token).send().await.unwrap()).await;
    assert_eq!(got["lockout_threshold"], 5);
    assert_eq!(got["lockout_duration_minutes"], 30);
    assert_eq!(got["your_ip"], "127.0.0.1");

    let bad = app
        .put_settings(&token, json!({ "ip_allow_list": ["10.0.0.0/8", "10.0.0.0/40", "2001:db8::/129", "host"], "mfa_required": false, "lockout_threshold": 0, "lockout_duration_minutes": 100000 }))
        .await;
    assert_eq!(bad.status(), 400);
    assert_eq!(
        pointers(&problem(bad).await),
        ["/ip_allow_list/1", "/ip_allow_list/2", "/ip_allow_list/3", "/lockout_threshold", "/lockout_duration_minutes"]
    );

    let unconfirmed = app.put_settings(&token, json!({ "ip_allow_list": ["203.0.113.0/24"], "mfa_required": false })).await;
    assert_eq!(unconfirmed.status(), 400);
    let p = problem(unconfirmed).await;
    assert_eq!(p["code"], "would_lock_out_caller");
    assert_eq!(pointers(&p), ["/confirm_lockout"]);

    let inside = app.put_settings(&token, json!({ "ip_allow_list": ["127.0.0.0/8", "2001:db8::/32"], "mfa_required": false, "lockout_threshold": 3 })).await;
    assert_eq!(inside.status(), 200);
    let saved = body(inside).await;
    assert_eq!(saved["ip_allow_list"], json!(["127.0.0.0/8", "2001:db8::/32"]));
    assert_eq!(saved["lockout_threshold"], 3);
    assert_eq!(app.get("/projects", &token).send().await.unwrap().status(), 200, "inside the list passes");
    let events = app.audit_events("acme").await;
    assert!(events.iter().any(|e| e.event.operation == "PUT /admin/settings" && e.event.user_name.is_some()));
}

#[tokio::test]
async fn outside_the_allow_list_every_authenticated_route_and_sign_in_are_refused() {
    let app = TestApp::spawn().await;
    let boss = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let token = app.access_token("acme", &boss.email).await;
    let resp = app.put_settings(&token, json!({ "ip_allow_list": ["198.51.100.0/24"], "mfa_required": false, "confirm_lockout": true })).await;
    assert_eq!(resp.status(), 200);

    for route in ROUTES.iter().filter(|r| r.access.is_tenant()) {
        let path = route.path.replace("{id}", "zz-no-such-id");
        let resp = app.client.request(route.method.parse().unwrap(), app.url(&path)).bearer_auth(&token).json(&json!({})).send().await.unwrap();
        assert_eq!(resp.status(), 403, "{}", route.key());
        assert_eq!(problem(resp).await["code"], "ip_not_allowed", "{}", route.key());
    }
    let refused = app.sign_in("acme", &boss.email, PASSWORD).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(problem(refused).await["code"], "ip_not_allowed");
    let forged = app
        .post_public("/auth/sign-in", &json!({ "tenant": "acme", "email": boss.email, "password": PASSWORD }))
        .header("x-forwarded-for", "198.51.100.7")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403, "a client-supplied header never counts");

    let events = app.audit_events("acme").await;
    let denied = events.iter().find(|e| e.event.operation == "auth.sign_in" && e.event.detail.as_deref() == Some("ip_not_allowed")).unwrap();
    assert_eq!(denied.event.source_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(denied.event.company_name.as_deref(), Some("acme Co."));
}

#[tokio::test]
async fn an_ipv6_allow_list_admits_ipv6_callers_only() {
    let app = TestApp::spawn().await;
    let v6 = app.listen_v6().await;
    let boss = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let token = app.access_token("acme", &boss.email).await;
    let resp = app.put_settings(&token, json!({ "ip_allow_list": ["::1/128"], "mfa_required": false, "confirm_lockout": true })).await;
    assert_eq!(resp.status(), 200);

    let over_v4 = app.get("/projects", &token).send().await.unwrap();
    assert_eq!(problem(over_v4).await["code"], "ip_not_allowed");
    let over_v6 = app.client.get(format!("http://{v6}/projects")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(over_v6.status(), 200);
    let me = body(app.client.get(format!("http://{v6}/me")).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(me["source_ip"], "::1");

    let sign_in_v6 = app
        .client
        .post(format!("http://{v6}/auth/sign-in"))
        .json(&json!({ "tenant": "acme", "email": boss.email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in_v6.status(), 200);
    assert_eq!(app.sign_in("acme", &boss.email, PASSWORD).await.status(), 403);
}

#[tokio::test]
async fn an_ipv4_mapped_entry_is_saved_as_the_ipv4_network_and_admits_that_caller() {
    let app = TestApp::spawn().await;
    let boss = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let token = app.access_token("acme", &boss.email).await;
    // The caller is 127.0.0.1: written in its IPv4-mapped form, the list admits it, so no
    // confirmation is asked for and requests keep passing.
    let resp = app.put_settings(&token, json!({ "ip_allow_list": ["::ffff:127.0.0.1", "::ffff:198.51.100.0/120"], "mfa_required": false })).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(body(resp).await["ip_allow_list"], json!(["127.0.0.1/32", "198.51.100.0/24"]));
    assert_eq!(app.get("/projects", &token).send().await.unwrap().status(), 200);

    let twice = app.put_settings(&token, json!({ "ip_allow_list": ["127.0.0.1", "::ffff:127.0.0.1"], "mfa_required": false })).await;
    assert_eq!(twice.status(), 400);
    assert_eq!(pointers(&problem(twice).await), ["/ip_allow_list/1"], "the same network in two spellings");
}
