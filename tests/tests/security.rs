//! The account-security guarantees of issue 10, over HTTP against the same gateway and
//! handlers on both backends: `local` (SQLite records and lockout counters) and `aws`
//! (DynamoDB records and lockout counters, KMS keys, in `moto_server`; the identity provider
//! is the local one on both, since lockout and records are ours, not the provider's).
//!
//! Each case is written once as an `async fn(TestApp)` and run on each backend by
//! [`both_backends!`].

use crate::support;

use std::net::SocketAddr;

use crate::support::join_all;
use platform::auth::Role;
use platform::ids::TenantId;
use platform::lockout::Counter;
use serde_json::{json, Value};
use crate::support::identity::PASSWORD;
use crate::support::{problem, TestApp};

both_backends!(
    twenty_parallel_wrong_passwords_lock_a_threshold_5_account,
    twenty_parallel_wrong_current_passwords_lock_the_account_too,
    a_throttled_address_is_refused_and_the_locked_owner_resets_from_elsewhere,
    unknown_company_user_disabled_locked_and_wrong_password_answer_alike,
    export_links_die_with_their_project_and_are_not_reissued,
    id_tokens_and_tokens_from_the_future_are_refused,
    if_match_star_replaces_whatever_is_stored,
    methods_are_matched_case_sensitively,
    a_failing_audit_log_refuses_a_change_and_changes_nothing,
    // Races between whole requests. (On the aws backend they need DynamoDB's isolation of
    // conditional writes and transactions, which `tests/moto_atomic.py` gives moto.)
    two_administrators_demoting_themselves_at_once_leave_one,
    two_administrators_disabling_or_deleting_themselves_at_once_leave_one,
    a_disable_racing_a_role_change_ends_in_one_of_the_two_states,
);

/// The local edition checks the allow-list when a link is used; S3 cannot (see the
/// `exports` function), so this one runs on the local backend only.
#[tokio::test]
async fn an_export_link_is_refused_from_outside_the_allow_list() {
    let app = TestApp::spawn().await;
    let admin = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let token = app.access_token("acme", &admin.email).await;
    let project = app.create_project(&token, "Export me").await;
    let link = export_link(&app, &token, project["id"].as_str().expect("id")).await;
    let elsewhere = app.listen_v6().await;
    let via_v6 = link.replace(&app.addr.to_string(), &elsewhere.to_string());
    assert_eq!(app.client.get(&via_v6).send().await.expect("send").status(), 200, "no allow-list: any address");

    let set = app.put_settings(&token, json!({ "ip_allow_list": ["127.0.0.0/8"], "mfa_required": false })).await;
    assert_eq!(set.status(), 200);
    let refused = app.client.get(&via_v6).send().await.expect("send");
    assert_eq!(refused.status(), 403, "[::1] is outside 127.0.0.0/8");
    assert_eq!(problem(refused).await["code"], "ip_not_allowed");
    assert_eq!(app.client.get(&link).send().await.expect("send").status(), 200, "127.0.0.1 is inside");
}

const WRONG: &str = "Wrong-pass1";

/// The user's lockout counter as the backend's store holds it.
async fn user_counter(app: &TestApp, tenant: &str, user: &platform::ids::UserId) -> platform::lockout::State {
    let tid = TenantId::parse(tenant).expect("tenant id");
    app.gateway.identity.lockout.get(&tid, &Counter::User(user.clone())).await.expect("lockout state")
}

/// `POST /auth/sign-in` through another listener (another source address).
async fn sign_in_via(app: &TestApp, addr: SocketAddr, tenant: &str, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(format!("http://{addr}/auth/sign-in"))
        .json(&json!({ "tenant": tenant, "email": email, "password": password }))
        .send()
        .await
        .expect("send")
}

/// Given an account with the default threshold of 5, when 20 wrong passwords arrive at once,
/// then every attempt is counted against the source address (20 there — a lost update
/// would store fewer), at least 5 against the account, the account is locked (even the right password, from another address,
/// gets 401), every answer is the same 401 `invalid_credentials`, and the lock is audited
/// exactly once.
async fn twenty_parallel_wrong_passwords_lock_a_threshold_5_account(app: TestApp) {
    let email = "race@acme.example";
    let user = app.account("acme", email, Role::Designer).await;
    let url = app.url("/auth/sign-in");
    let attempts = (0..20)
        .map(|_| {
            let (client, url) = (app.client.clone(), url.clone());
            async move {
                let resp = client.post(url).json(&json!({ "tenant": "acme", "email": email, "password": WRONG })).send().await.expect("send");
                let status = resp.status().as_u16();
                (status, problem(resp).await["code"].as_str().unwrap_or_default().to_owned())
            }
        })
        .collect();
    let answers = join_all(attempts).await;
    for (status, code) in &answers {
        assert_eq!((*status, code.as_str()), (401, "invalid_credentials"), "{} backend: a sign-in never tells the lock", app.backend_name());
    }
    // Every attempt counts against the source address (checked or refused by the lock), so
    // a lost update shows as fewer than 20 there; the account holds at least the threshold
    // and is locked.
    let tid = TenantId::parse("acme").expect("tenant id");
    let address = app.gateway.identity.lockout.get(&tid, &Counter::Address("127.0.0.1".parse().expect("ip"))).await.expect("state");
    assert_eq!(address.failures, 20, "{} backend: every parallel attempt counts: {address:?}", app.backend_name());
    let state = user_counter(&app, "acme", &user.id).await;
    assert!(state.failures >= 5, "{} backend: {state:?}", app.backend_name());
    assert!(state.locked_at.is_some(), "{} backend: locked: {state:?}", app.backend_name());

    let elsewhere = app.listen_v6().await;
    let resp = sign_in_via(&app, elsewhere, "acme", email, PASSWORD).await;
    assert_eq!(resp.status(), 401, "the right password does not get in");
    assert_eq!(problem(resp).await["code"], "invalid_credentials");
    let locks = app.audit_events("acme").await.into_iter().filter(|e| e.event.operation == "auth.account_locked").count();
    assert!(locks <= 1, "{} backend: one lock, audited once at most ({locks})", app.backend_name());
}

/// Given a signed-in user (threshold 5), when 20 password changes with a wrong current
/// password arrive at once, then every one that reached the check counts (at most 4 of
/// them are answered before the lock, at least 5 are stored), the account locks, the answers are 400
/// `/current_password` incorrect or 403 `account_locked`, and afterwards neither sign-in nor
/// a change with the right current password gets through.
async fn twenty_parallel_wrong_current_passwords_lock_the_account_too(app: TestApp) {
    let email = "thief@acme.example";
    let user = app.account("acme", email, Role::Designer).await;
    let token = app.access_token("acme", email).await;
    let url = app.url("/auth/password/change");
    let attempts = (0..20)
        .map(|i| {
            let (client, url, token) = (app.client.clone(), url.clone(), token.clone());
            async move {
                let body = json!({ "current_password": format!("Guess-{i:04}x"), "new_password": "Stolen-pass9" });
                let resp = client.post(url).bearer_auth(token).json(&body).send().await.expect("send");
                let status = resp.status().as_u16();
                let p: Value = problem(resp).await;
                (status, p["code"].as_str().unwrap_or_default().to_owned(), p["errors"][0]["pointer"].clone())
            }
        })
        .collect();
    let mut counted_unlocked = 0;
    for (status, code, pointer) in join_all(attempts).await {
        assert!(
            (status == 400 && pointer == "/current_password") || (status == 403 && code == "account_locked"),
            "{} backend: unexpected answer {status} {code} {pointer}",
            app.backend_name()
        );
        counted_unlocked += usize::from(status == 400);
    }
    // An atomic counter hands out the counts 1, 2, 3, 4 once each before the lock, so at
    // most 4 answers say "wrong password, not locked"; lost updates would let more through.
    assert!((1..=4).contains(&counted_unlocked), "{} backend: {counted_unlocked} answered 400", app.backend_name());
    let state = user_counter(&app, "acme", &user.id).await;
    assert!(state.failures >= 5, "{} backend: {state:?}", app.backend_name());
    assert!(state.locked_at.is_some(), "{} backend: {state:?}", app.backend_name());

    let elsewhere = app.listen_v6().await;
    assert_eq!(problem(sign_in_via(&app, elsewhere, "acme", email, PASSWORD).await).await["code"], "invalid_credentials");
    let right = app
        .client
        .post(format!("http://{elsewhere}/auth/password/change"))
        .bearer_auth(&token)
        .json(&json!({ "current_password": PASSWORD, "new_password": "Stolen-pass9" }))
        .send()
        .await
        .expect("send");
    assert_eq!(right.status(), 403, "a locked account cannot change its password even with the right one");
}

/// Set a company's lockout threshold as its administrator would have.
async fn set_threshold(app: &TestApp, tenant: &str, threshold: u32) {
    let tid = TenantId::parse(tenant).expect("tenant id");
    let tenants = &app.gateway.backend.tenants;
    let mut t = tenants.get_tenant(&tid).await.expect("get").expect("tenant");
    t.settings.lockout_threshold = Some(threshold);
    tenants.put_tenant(&t).await.expect("put");
}

/// Given an attacker at one address who knows two e-mail addresses of a company whose
/// threshold is 20, when it sends 20 wrong passwords (10 each: neither account locks), then
/// the address is at its limit: its 21st attempt — even with the right password — is
/// refused with 429 `too_many_attempts` and a `Retry-After` of 1–900 s, and is not counted
/// against the account. Given an owner locked out by 5 wrong passwords (threshold 5), the
/// owner resets the password with the e-mailed code from another address, which clears the
/// lock, and signs in.
async fn a_throttled_address_is_refused_and_the_locked_owner_resets_from_elsewhere(app: TestApp) {
    let (a, b) = ("a@acme.example", "b@acme.example");
    app.account("acme", a, Role::Designer).await;
    let b_user = app.account("acme", b, Role::Designer).await;
    set_threshold(&app, "acme", 20).await;
    for i in 0..20 {
        let target = if i % 2 == 0 { a } else { b };
        let resp = app.sign_in("acme", target, WRONG).await;
        assert_eq!(resp.status(), 401, "attempt {i}");
    }
    let resp = app.sign_in("acme", b, PASSWORD).await;
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("Retry-After");
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    assert_eq!(problem(resp).await["code"], "too_many_attempts");
    let b_state = user_counter(&app, "acme", &b_user.id).await;
    assert_eq!((b_state.failures, b_state.locked_at), (10, None), "a throttled attempt is not counted: {b_state:?}");

    let owner = "owner@globex.example";
    let owner_user = app.account("globex", owner, Role::Designer).await;
    for _ in 0..5 {
        app.sign_in("globex", owner, WRONG).await;
    }
    let elsewhere = app.listen_v6().await;
    assert_eq!(problem(sign_in_via(&app, elsewhere, "globex", owner, PASSWORD).await).await["code"], "invalid_credentials");
    assert!(user_counter(&app, "globex", &owner_user.id).await.locked_at.is_some(), "locked");
    let forgot = app
        .client
        .post(format!("http://{elsewhere}/auth/password/forgot"))
        .json(&json!({ "tenant": "globex", "email": owner }))
        .send()
        .await
        .expect("send");
    assert_eq!(forgot.status(), 202);
    let code = app.outbox_code(owner);
    let reset = app
        .client
        .post(format!("http://{elsewhere}/auth/password/reset"))
        .json(&json!({ "tenant": "globex", "email": owner, "code": code, "new_password": "Owner-back-1" }))
        .send()
        .await
        .expect("send");
    assert_eq!(reset.status(), 204, "{} backend", app.backend_name());
    assert_eq!(user_counter(&app, "globex", &owner_user.id).await, Default::default(), "a completed reset clears the lock");
    assert_eq!(sign_in_via(&app, elsewhere, "globex", owner, "Owner-back-1").await.status(), 200);
}

/// Send two requests at once; their statuses in order.
async fn at_once(a: reqwest::RequestBuilder, b: reqwest::RequestBuilder) -> (u16, u16) {
    let (ra, rb) = tokio::join!(tokio::spawn(a.send()), tokio::spawn(b.send()));
    (ra.expect("task").expect("send").status().as_u16(), rb.expect("task").expect("send").status().as_u16())
}

/// The company's users as its administrator's listing shows them.
async fn full_admins(app: &TestApp, tenant: &str) -> usize {
    let tid = TenantId::parse(tenant).expect("tenant id");
    let users = app.gateway.backend.users.list_users(&tid).await.expect("list");
    users.iter().filter(|u| platform::access::is_full_admin(u)).count()
}

/// Given a company with exactly two full administrators, when each demotes themselves to
/// designer at the same moment (repeated 5 times, in fresh companies), then every time one
/// gets 200, the other 409, and one full administrator remains.
async fn two_administrators_demoting_themselves_at_once_leave_one(app: TestApp) {
    for round in 0..5 {
        let tenant = format!("race{round}");
        let ann = app.account(&tenant, &format!("ann@{tenant}.example"), Role::TenantAdmin).await;
        let ben = app.account(&tenant, &format!("ben@{tenant}.example"), Role::TenantAdmin).await;
        let ann_token = app.access_token(&tenant, &ann.email).await;
        let ben_token = app.access_token(&tenant, &ben.email).await;
        let demote = json!({ "role": "designer" });
        let mut statuses = [0u16; 2];
        (statuses[0], statuses[1]) = at_once(
            app.put_json(&format!("/admin/users/{}/access", ann.id), &ann_token, &demote),
            app.put_json(&format!("/admin/users/{}/access", ben.id), &ben_token, &demote),
        )
        .await;
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{} backend, round {round}", app.backend_name());
        assert_eq!(full_admins(&app, &tenant).await, 1, "{} backend, round {round}", app.backend_name());
    }
}

/// Given two full administrators, when one disables and the other deletes themselves at
/// the same moment, then one gets 200/204 and the other 409, and one full administrator
/// remains active.
async fn two_administrators_disabling_or_deleting_themselves_at_once_leave_one(app: TestApp) {
    for round in 0..3 {
        let tenant = format!("gone{round}");
        let ann = app.account(&tenant, &format!("ann@{tenant}.example"), Role::TenantAdmin).await;
        let ben = app.account(&tenant, &format!("ben@{tenant}.example"), Role::TenantAdmin).await;
        let ann_token = app.access_token(&tenant, &ann.email).await;
        let ben_token = app.access_token(&tenant, &ben.email).await;
        let (disable, delete) = at_once(
            app.post_json(&format!("/admin/users/{}/disable", ann.id), &ann_token, &json!({})),
            app.delete(&format!("/admin/users/{}", ben.id), &ben_token),
        )
        .await;
        assert!(
            (disable, delete) == (200, 409) || (disable, delete) == (409, 204),
            "{} backend, round {round}: disable {disable}, delete {delete}",
            app.backend_name()
        );
        assert_eq!(full_admins(&app, &tenant).await, 1, "{} backend, round {round}", app.backend_name());
    }
}

/// Given a designer, when one administrator disables them while another makes them an
/// administrator at the same moment, then one request gets 200 and the other 409, and the
/// stored user is exactly one of the two outcomes — disabled designer, or active
/// administrator — never a mix of a stale read and a new write; and sign-in agrees with the
/// record. (If the two happen not to overlap, both apply: a disabled administrator.)
async fn a_disable_racing_a_role_change_ends_in_one_of_the_two_states(app: TestApp) {
    let ann = app.account("acme", "ann@acme.example", Role::TenantAdmin).await;
    let ben = app.account("acme", "ben@acme.example", Role::TenantAdmin).await;
    let dan = app.account("acme", "dan@acme.example", Role::Designer).await;
    let ann_token = app.access_token("acme", &ann.email).await;
    let ben_token = app.access_token("acme", &ben.email).await;
    let (disable, promote) = at_once(
        app.post_json(&format!("/admin/users/{}/disable", dan.id), &ann_token, &json!({})),
        app.put_json(&format!("/admin/users/{}/access", dan.id), &ben_token, &json!({ "role": "tenant_admin" })),
    )
    .await;
    let tid = TenantId::parse("acme").expect("tenant id");
    let stored = app.gateway.backend.users.get_user(&tid, &dan.id).await.expect("get").expect("dan");
    let signs_in = app.sign_in("acme", &dan.email, PASSWORD).await.status().as_u16();
    match (disable, promote) {
        (200, 409) => {
            assert_eq!((stored.status, stored.role), (platform::ports::UserStatus::Disabled, Role::Designer));
            assert_eq!(signs_in, 401, "a disabled user cannot sign in (answered like a wrong password)");
        }
        (409, 200) => {
            assert_eq!((stored.status, stored.role), (platform::ports::UserStatus::Active, Role::TenantAdmin));
            assert_eq!(signs_in, 200);
        }
        // The two did not overlap: both applied, in either order, nothing lost.
        (200, 200) => {
            assert_eq!((stored.status, stored.role), (platform::ports::UserStatus::Disabled, Role::TenantAdmin));
            assert_eq!(stored.version, dan.version + 2);
            assert_eq!(signs_in, 401);
        }
        other => panic!("{} backend: expected one 200 and one 409, got {other:?}", app.backend_name()),
    }
}

/// A problem answer without its request id: status, headers that matter and every field.
async fn answer_shape(resp: reqwest::Response) -> (u16, Option<String>, Value) {
    let status = resp.status().as_u16();
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut body: Value = resp.json().await.unwrap_or(Value::Null);
    if let Some(o) = body.as_object_mut() {
        o.remove("request_id");
    }
    (status, ct, body)
}

/// Given a company with a disabled user, a locked user and an active user, when sign-in is
/// tried for an unknown company, an unknown user, the disabled user (right password), the
/// locked user (right password) and the active user with a wrong password, then all five
/// answers are identical — status, media type and body apart from the request id — and
/// the fastest of three tries of each takes at least half as long as the fastest wrong
/// password (each runs one password hash; an unhashed refusal would be many times faster).
/// `/auth/password/forgot` answers the same 202 body for all five, and so does
/// `/auth/password/reset` with a made-up code (401 `invalid_code`).
async fn unknown_company_user_disabled_locked_and_wrong_password_answer_alike(app: TestApp) {
    let admin = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let disabled = app.account("acme", "off@acme.example", Role::Designer).await;
    app.account("acme", "locked@acme.example", Role::Designer).await;
    app.account("acme", "alice@acme.example", Role::Designer).await;
    let admin_token = app.access_token("acme", &admin.email).await;
    let off = app.post_json(&format!("/admin/users/{}/disable", disabled.id), &admin_token, &json!({})).send().await.expect("send");
    assert_eq!(off.status(), 200);
    let elsewhere = app.listen_v6().await;
    for _ in 0..5 {
        sign_in_via(&app, elsewhere, "acme", "locked@acme.example", WRONG).await;
    }
    let cases = [
        ("unknown company", "nowhere", "alice@acme.example", PASSWORD),
        ("unknown user", "acme", "ghost@acme.example", PASSWORD),
        ("disabled user", "acme", "off@acme.example", PASSWORD),
        ("locked user", "acme", "locked@acme.example", PASSWORD),
        ("wrong password", "acme", "alice@acme.example", WRONG),
    ];
    let mut shapes = Vec::new();
    let mut fastest = Vec::new();
    for (what, tenant, email, password) in cases {
        let mut best = std::time::Duration::MAX;
        let mut shape = None;
        for _ in 0..3 {
            let started = std::time::Instant::now();
            let resp = app.sign_in(tenant, email, password).await;
            best = best.min(started.elapsed());
            shape = Some(answer_shape(resp).await);
        }
        shapes.push((what, shape.expect("an answer")));
        fastest.push((what, best));
    }
    let (_, wrong) = &shapes[4];
    assert_eq!(wrong.0, 401);
    for (what, shape) in &shapes {
        assert_eq!(shape, wrong, "{} backend: {what} answers differently from a wrong password", app.backend_name());
    }
    let wrong_time = fastest[4].1;
    for (what, t) in &fastest {
        assert!(*t * 2 >= wrong_time, "{} backend: {what} took {t:?}, a wrong password {wrong_time:?}", app.backend_name());
    }

    let mut forgot = Vec::new();
    let mut reset = Vec::new();
    for (what, tenant, email, _) in cases {
        let resp = app.post_public("/auth/password/forgot", &json!({ "tenant": tenant, "email": email })).send().await.expect("send");
        forgot.push((what, answer_shape(resp).await));
        let made_up = json!({ "tenant": tenant, "email": email, "code": "123456", "new_password": "Made-up-pass1" });
        let resp = app.post_public("/auth/password/reset", &made_up).send().await.expect("send");
        reset.push((what, answer_shape(resp).await));
    }
    for (what, shape) in &forgot {
        assert_eq!(shape.0, 202, "{what}");
        assert_eq!(shape, &forgot[4].1, "{} backend: forgot for {what}", app.backend_name());
    }
    for (what, shape) in &reset {
        assert_eq!(shape.0, 401, "{what}");
        assert_eq!(shape.2["code"], "invalid_code", "{what}");
        assert_eq!(shape, &reset[4].1, "{} backend: reset for {what}", app.backend_name());
    }
}

/// Export a project as a CSV report; the download link (absolute).
async fn export_link(app: &TestApp, token: &str, project: &str) -> String {
    let body = json!({ "what": "report", "format": "csv", "report": "equipment" });
    let resp = app.post_json(&format!("/projects/{project}/exports"), token, &body).send().await.expect("send");
    assert_eq!(resp.status(), 201);
    let v: Value = resp.json().await.expect("json");
    let url = v["url"].as_str().expect("url").to_owned();
    if url.starts_with("http") { url } else { app.url(&url) }
}

/// Given an export and its download link, when its project is deleted, then the link
/// answers 404 (403 from S3) and `GET /exports/{id}` issues no new link (404).
async fn export_links_die_with_their_project_and_are_not_reissued(app: TestApp) {
    let admin = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let token = app.access_token("acme", &admin.email).await;
    let project = app.create_project(&token, "Short-lived").await;
    let pid = project["id"].as_str().expect("id").to_owned();
    let body = json!({ "what": "report", "format": "csv", "report": "equipment" });
    let created: Value = app.post_json(&format!("/projects/{pid}/exports"), &token, &body).send().await.expect("send").json().await.expect("json");
    let xid = created["id"].as_str().expect("export id").to_owned();
    let url = created["url"].as_str().expect("url").to_owned();
    let link = if url.starts_with("http") { url } else { app.url(&url) };
    assert_eq!(app.client.get(&link).send().await.expect("send").status(), 200, "{} backend: the link works", app.backend_name());
    let kept = app.create_project(&token, "Kept").await;
    let kept_link = export_link(&app, &token, kept["id"].as_str().expect("id")).await;

    let deleted = app.delete(&format!("/projects/{pid}"), &token).send().await.expect("send");
    assert_eq!(deleted.status(), 204);
    // The local gateway answers 404; S3 (moto) answers a presigned GET of a missing object 403.
    let dead = app.client.get(&link).send().await.expect("send").status().as_u16();
    assert!(matches!(dead, 403 | 404), "{} backend: the link died with its project ({dead})", app.backend_name());
    assert_eq!(app.get(&format!("/exports/{xid}"), &token).send().await.expect("send").status(), 404, "{} backend: no new link", app.backend_name());
    assert_eq!(app.client.get(&kept_link).send().await.expect("send").status(), 200, "another project's export is untouched");
}

/// Given a user, when `GET /me` is called with an ID token (`token_use = id`), a token
/// issued 10 minutes in the future, a token without the company claim, one naming another
/// company, and an ordinary access token, then the first four get 401
/// `not_an_access_token` / `token_from_the_future` / `no_tenant_claim` / `tenant_mismatch`
/// and the last 200.
async fn id_tokens_and_tokens_from_the_future_are_refused(app: TestApp) {
    let user = app.account("acme", "tok@acme.example", Role::Designer).await;
    let keys = &app.gateway.keys;
    let id_token = keys.mint_with(&user.sub, "acme", |c| c["token_use"] = json!("id")).expect("mint");
    let resp = app.get("/me", &id_token).send().await.expect("send");
    assert_eq!(resp.status(), 401);
    assert_eq!(problem(resp).await["code"], "not_an_access_token");
    let future = keys
        .mint_with(&user.sub, "acme", |c| c["iat"] = json!(c["iat"].as_i64().expect("iat") + 600))
        .expect("mint");
    let resp = app.get("/me", &future).send().await.expect("send");
    assert_eq!(resp.status(), 401);
    assert_eq!(problem(resp).await["code"], "token_from_the_future");
    let unnamed = keys
        .mint_with(&user.sub, "acme", |c| {
            c.as_object_mut().expect("claims").remove("custom:tenant_id");
        })
        .expect("mint");
    let resp = app.get("/me", &unnamed).send().await.expect("send");
    assert_eq!(resp.status(), 401);
    assert_eq!(problem(resp).await["code"], "no_tenant_claim");
    let elsewhere = keys.mint(&user.sub, "other").expect("mint");
    let resp = app.get("/me", &elsewhere).send().await.expect("send");
    assert_eq!(resp.status(), 401);
    assert_eq!(problem(resp).await["code"], "tenant_mismatch");
    let fine = keys.mint(&user.sub, "acme").expect("mint");
    assert_eq!(app.get("/me", &fine).send().await.expect("send").status(), 200);
}

/// Given a project at version 1, when it is replaced with `If-Match: *`, then the replace
/// applies (200, version 2) as RFC 9110 says for "any current representation"; and a
/// replace of a missing project with `If-Match: *` is 404.
async fn if_match_star_replaces_whatever_is_stored(app: TestApp) {
    let token = app.token("acme", "ifm", Role::Designer).await;
    let project = app.create_project(&token, "Star").await;
    let id = project["id"].as_str().expect("id");
    let doc = support::sample_project("Star 2");
    let resp = app.put_json(&format!("/projects/{id}"), &token, &doc).header("if-match", "*").send().await.expect("send");
    assert_eq!(resp.status(), 200, "{} backend", app.backend_name());
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["version"], 2);
    let missing = app.put_json("/projects/0190aaaaaaaaaaaaaaaaaaaaaaaaaaaa", &token, &doc).header("if-match", "*").send().await.expect("send");
    assert!(matches!(missing.status().as_u16(), 400 | 404), "{}", missing.status());
}

/// Given the route `GET /me`, when it is called as `get` or `Get`, then the gateway does not
/// match it — methods are case-sensitive (RFC 9110 §9.1): 405 naming `GET`, the method the
/// path has — while `GET` answers 200.
async fn methods_are_matched_case_sensitively(app: TestApp) {
    let token = app.token("acme", "meth", Role::Viewer).await;
    for method in ["get", "Get"] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let resp = app.client.request(m, app.url("/me")).bearer_auth(&token).send().await.expect("send");
        assert_eq!(resp.status(), 405, "{method}");
        assert_eq!(resp.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET"), "{method}");
    }
    assert_eq!(app.get("/me", &token).send().await.expect("send").status(), 200);
}

/// An audit log that answers every append with an outage while `failing` is set.
struct Switchable {
    inner: std::sync::Arc<dyn platform::ports::AuditLog>,
    failing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

#[async_trait::async_trait]
impl platform::ports::AuditLog for Switchable {
    async fn append(&self, tenant: &TenantId, event: &platform::ports::AuditEvent)
        -> Result<platform::ports::StoredAuditEvent, platform::ports::StoreError> {
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(platform::ports::StoreError::unavailable(anyhow::anyhow!("audit table unreachable")));
        }
        self.inner.append(tenant, event).await
    }

    async fn list_month(&self, tenant: &TenantId, month: &str, after: Option<&str>, limit: usize)
        -> Result<platform::ports::Page<platform::ports::StoredAuditEvent>, platform::ports::StoreError> {
        self.inner.list_month(tenant, month, after, limit).await
    }

    async fn delete_month(&self, tenant: &TenantId, month: &str) -> Result<u64, platform::ports::StoreError> {
        self.inner.delete_month(tenant, month).await
    }
}

/// Given a project, when the audit log cannot take an event, then a rename and a delete are
/// each answered 503 and the project is exactly as it was (no change without its trace);
/// reading still works; once the log is back, the same rename succeeds and its started and
/// success events share the request id.
async fn a_failing_audit_log_refuses_a_change_and_changes_nothing(app: TestApp) {
    let failing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let switch = failing.clone();
    let app = app.with_audit(move |inner| std::sync::Arc::new(Switchable { inner, failing: switch })).await;
    let token = app.token("acme", "aud", Role::TenantAdmin).await;
    let project = app.create_project(&token, "Audited").await;
    let id = project["id"].as_str().expect("id").to_owned();
    let path = format!("/projects/{id}");

    failing.store(true, std::sync::atomic::Ordering::SeqCst);
    let renamed = support::sample_project("Renamed while the log is down");
    let resp = app.put_json(&path, &token, &renamed).header("if-match", "\"1\"").send().await.expect("send");
    assert_eq!(resp.status(), 503, "{} backend: a change without its audit event is refused", app.backend_name());
    let resp = app.delete(&path, &token).header("if-match", "\"1\"").send().await.expect("send");
    assert_eq!(resp.status(), 503, "{} backend", app.backend_name());
    let created = app.post_json("/projects", &token, &support::sample_project("New while down")).send().await.expect("send");
    assert_eq!(created.status(), 503);
    let stored: Value = app.get(&path, &token).send().await.expect("send").json().await.expect("json");
    assert_eq!((stored["name"].as_str(), stored["version"].as_u64()), (Some("Audited"), Some(1)), "{} backend: nothing changed", app.backend_name());
    let list: Value = app.get("/projects", &token).send().await.expect("send").json().await.expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "no project was created: {list}");

    failing.store(false, std::sync::atomic::Ordering::SeqCst);
    let resp = app.put_json(&path, &token, &renamed).header("if-match", "\"1\"").send().await.expect("send");
    assert_eq!(resp.status(), 200);
    let events = app.audit_events("acme").await;
    let put: Vec<_> = events.iter().filter(|e| e.event.operation == "PUT /projects/{id}").collect();
    assert_eq!(put.len(), 2, "started, then success: {put:?}");
    assert_eq!((put[0].event.result, put[1].event.result), (platform::ports::AuditResult::Started, platform::ports::AuditResult::Success));
    assert_eq!(put[0].event.request_id, put[1].event.request_id);
}
