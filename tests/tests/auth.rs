//! Signing in over HTTP against the local edition, as a client would: passwords and the
//! policy, each second factor (e-mail and SMS codes from the outbox, authenticator codes),
//! lockout and unlock, revocation at once, and the audit trail of all of it.

use std::time::Duration;

use platform::auth::Role;
use platform::ports::AuditResult;
use serde_json::{json, Value};
use crate::support::identity::{totp_next, totp_now, PASSWORD};
use crate::support::{problem, TestApp};

async fn body(resp: reqwest::Response) -> Value {
    resp.json().await.expect("json")
}

#[tokio::test]
async fn the_demo_administrator_signs_in_with_the_printed_password_and_must_choose_a_new_one() {
    let app = TestApp::spawn().await;
    let email = kyocho::setup::DEMO_ADMIN_EMAIL;
    let temporary = app.outbox_code(email);

    let step = body(app.sign_in("demo", email, &temporary).await).await;
    assert_eq!(step["challenge"], "NEW_PASSWORD_REQUIRED");

    let weak = app.answer("demo", email, &step, json!({ "new_password": "password" })).await;
    assert_eq!(weak.status(), 400);
    let weak = problem(weak).await;
    assert_eq!(weak["code"], "weak_password");
    let codes: Vec<&str> = weak["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["missing_uppercase", "missing_symbol"]);
    assert!(weak["errors"][0]["message_ja"].as_str().unwrap().contains("英大文字"));
    assert!(weak["errors"][0]["message"].as_str().unwrap().contains("upper-case"));

    let done = body(app.answer("demo", email, &step, json!({ "new_password": "Demo-admin-2026" })).await).await;
    assert_eq!(done["status"], "signed_in", "{done}");
    let token = done["tokens"]["access_token"].as_str().unwrap();
    let me = body(app.get("/me", token).send().await.unwrap()).await;
    assert_eq!(me["company"]["name"], "Demo Company");
    assert_eq!(me["role"], "tenant_admin");
    assert_eq!(me["user"]["email"], email);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_company_or_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.account("acme", "alice@acme.example", Role::Designer).await;
    for (tenant, email, pw) in [
        ("acme", "alice@acme.example", "Wrong-pass1"),
        ("acme", "nobody@acme.example", PASSWORD),
        ("nowhere", "alice@acme.example", PASSWORD),
    ] {
        let resp = app.sign_in(tenant, email, pw).await;
        assert_eq!(resp.status(), 401, "{tenant} {email}");
        assert_eq!(problem(resp).await["code"], "invalid_credentials");
    }
}

#[tokio::test]
async fn sign_in_with_an_email_code_refuses_a_wrong_code() {
    let app = TestApp::spawn().await;
    let email = "emi@acme.example";
    app.account("acme", email, Role::Designer).await;
    let token = app.access_token("acme", email).await;
    let resp = app.put_json("/auth/mfa/preference", &token, &json!({ "method": "email", "current_password": PASSWORD })).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    let step = body(app.sign_in("acme", email, PASSWORD).await).await;
    assert_eq!(step["challenge"], "EMAIL_OTP");
    assert_eq!(step["destination"], "e***@acme.example");
    let code = app.outbox_code(email);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = app.answer("acme", email, &step, json!({ "code": wrong })).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(problem(refused).await["code"], "invalid_code");

    let done = body(app.answer("acme", email, &step, json!({ "code": code })).await).await;
    assert_eq!(done["status"], "signed_in", "{done}");
    let me = app.get("/me", done["tokens"]["access_token"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn sign_in_with_an_sms_code_once_the_phone_number_is_confirmed() {
    let app = TestApp::spawn().await;
    let email = "sam@acme.example";
    app.account("acme", email, Role::Viewer).await;
    let token = app.access_token("acme", email).await;
    let sms = json!({ "method": "sms", "current_password": PASSWORD });
    let bad = app.put_json("/auth/mfa/preference", &token, &sms).send().await.unwrap();
    assert_eq!(bad.status(), 400, "SMS without a phone number");
    let phone = |number: &str| json!({ "phone_number": number, "current_password": PASSWORD });
    let bad = app.post_json("/auth/mfa/phone", &token, &phone("090-1234")).send().await.unwrap();
    assert_eq!(problem(bad).await["errors"][0]["pointer"], "/phone_number");

    // The number waits for its code: SMS cannot be chosen yet.
    let pending = app.post_json("/auth/mfa/phone", &token, &phone("+819012345678")).send().await.unwrap();
    assert_eq!(pending.status(), 202);
    assert_eq!(body(pending).await["pending_phone_number"], "+819012345678");
    let bad = app.put_json("/auth/mfa/preference", &token, &sms).send().await.unwrap();
    assert_eq!(bad.status(), 400, "an unconfirmed number is not used");
    let code = app.outbox_code("+819012345678");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = app.post_json("/auth/mfa/phone/confirm", &token, &json!({ "code": wrong })).send().await.unwrap();
    assert_eq!(problem(refused).await["errors"][0]["pointer"], "/code");
    let confirmed = app.post_json("/auth/mfa/phone/confirm", &token, &json!({ "code": code })).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    let status = body(confirmed).await;
    assert_eq!((status["phone_number"].as_str(), status["phone_verified"].as_bool()), (Some("+819012345678"), Some(true)));
    let ok = app.put_json("/auth/mfa/preference", &token, &sms).send().await.unwrap();
    assert_eq!(ok.status(), 200);

    let step = body(app.sign_in("acme", email, PASSWORD).await).await;
    assert_eq!(step["challenge"], "SMS_MFA");
    assert_eq!(app.outbox_count("+819012345678", "sms"), 2, "the confirmation code, then the sign-in code");
    let code = app.outbox_code("+819012345678");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(app.answer("acme", email, &step, json!({ "code": wrong })).await.status(), 401);
    let done = body(app.answer("acme", email, &step, json!({ "code": code })).await).await;
    assert_eq!(done["status"], "signed_in", "{done}");
}

/// Given a signed-in user (a session token someone may have stolen), when the second
/// factors are changed without the password or with a wrong one, then nothing changes and
/// each wrong password counts toward the lock; with the password the change is made, audited
/// and the user is told by e-mail.
#[tokio::test]
async fn second_factor_changes_need_the_current_password_and_the_user_is_told() {
    let app = TestApp::spawn().await;
    let email = "rita@acme.example";
    let user = app.account("acme", email, Role::Designer).await;
    let token = app.access_token("acme", email).await;
    let mail_before = app.outbox_count(email, "email");

    let attempts = [
        ("PUT", "/auth/mfa/preference", json!({ "method": "email" })),
        ("POST", "/auth/mfa/totp/setup", json!({})),
        ("POST", "/auth/mfa/phone", json!({ "phone_number": "+819099998888" })),
    ];
    for (method, path, body_without) in &attempts {
        let send = |b: &Value| match *method {
            "PUT" => app.put_json(path, &token, b),
            _ => app.post_json(path, &token, b),
        };
        let resp = send(body_without).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{method} {path} without the password");
        assert_eq!(problem(resp).await["errors"][0]["pointer"], "/current_password", "{method} {path}");
        let mut wrong = body_without.clone();
        wrong["current_password"] = json!("Wrong-pass1");
        let resp = send(&wrong).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{method} {path} with a wrong password");
        assert_eq!(problem(resp).await["errors"][0]["code"], "incorrect");
    }
    let me = body(app.get("/me", &token).send().await.unwrap()).await;
    assert_eq!(me["mfa"]["preferred"], Value::Null, "nothing changed: {me}");
    assert_eq!(me["mfa"]["totp_configured"], false);
    assert_eq!(app.outbox_count("+819099998888", "sms"), 0, "no code went to the attacker's number");
    let tid = platform::ids::TenantId::parse("acme").unwrap();
    let counter = app.gateway.identity.lockout.get(&tid, &platform::lockout::Counter::User(user.id.clone())).await.unwrap();
    assert_eq!(counter.failures, 3, "each wrong password counts: {counter:?}");

    let ok = app.put_json("/auth/mfa/preference", &token, &json!({ "method": "email", "current_password": PASSWORD })).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(app.outbox_count(email, "email"), mail_before + 1, "one notice of the change");
    let notice = app.gateway.local_identity.outbox().messages().into_iter().rev().find(|m| m.to == email).unwrap();
    assert!(notice.body.contains("二要素認証の方式がメールになりました") && notice.code.is_none(), "{}", notice.body);
    let events = app.audit_events("acme").await;
    assert!(events.iter().any(|e| e.event.operation == "auth.mfa_preference" && e.event.result == AuditResult::Success));
    assert_eq!(events.iter().filter(|e| e.event.operation == "auth.mfa_preference" && e.event.result == AuditResult::Failed).count(), 1);
}

#[tokio::test]
async fn sign_in_with_an_authenticator_app() {
    let app = TestApp::spawn().await;
    let email = "tom@acme.example";
    app.account("acme", email, Role::Designer).await;
    let token = app.access_token("acme", email).await;
    let setup = body(app.post_json("/auth/mfa/totp/setup", &token, &json!({ "current_password": PASSWORD })).send().await.unwrap()).await;
    let secret = setup["secret"].as_str().unwrap().to_owned();
    assert!(setup["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/Kyocho:"));

    let wrong = app.post_json("/auth/mfa/totp/verify", &token, &json!({ "code": "12345x" })).send().await.unwrap();
    assert_eq!(wrong.status(), 400);
    let setup_code = totp_now(&secret);
    let verified = app.post_json("/auth/mfa/totp/verify", &token, &json!({ "code": setup_code })).send().await.unwrap();
    assert_eq!(verified.status(), 200);
    assert_eq!(body(verified).await["preferred"], "totp");

    let step = body(app.sign_in("acme", email, PASSWORD).await).await;
    assert_eq!(step["challenge"], "SOFTWARE_TOKEN_MFA");
    let replay = app.answer("acme", email, &step, json!({ "code": setup_code })).await;
    assert_eq!(replay.status(), 401, "the code used for set-up is spent (single use within its 30 s step)");
    let step = body(app.sign_in("acme", email, PASSWORD).await).await;
    // The next step's code: accepted within the one step of drift the check allows.
    let code = totp_next(&secret);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 500_000) % 1_000_000);
    assert_eq!(app.answer("acme", email, &step, json!({ "code": wrong })).await.status(), 401);
    let done = body(app.answer("acme", email, &step, json!({ "code": code })).await).await;
    assert_eq!(done["status"], "signed_in", "{done}");
}

#[tokio::test]
async fn a_company_that_requires_mfa_gets_an_email_code_even_without_a_preference() {
    let app = TestApp::spawn().await;
    let admin = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let email = "new@acme.example";
    app.account("acme", email, Role::Viewer).await;
    let admin_token = app.access_token("acme", &admin.email).await;
    let resp = app.put_settings(&admin_token, json!({ "ip_allow_list": [], "mfa_required": true })).await;
    assert_eq!(resp.status(), 200);

    let step = body(app.sign_in("acme", email, PASSWORD).await).await;
    assert_eq!(step["challenge"], "EMAIL_OTP");
    let done = body(app.answer("acme", email, &step, json!({ "code": app.outbox_code(email) })).await).await;
    let token = done["tokens"]["access_token"].as_str().unwrap();
    let off = app.put_json("/auth/mfa/preference", token, &json!({ "method": "none", "current_password": PASSWORD })).send().await.unwrap();
    assert_eq!(off.status(), 409);
    assert_eq!(problem(off).await["code"], "mfa_required");
}

#[tokio::test]
async fn five_bad_passwords_lock_the_account_until_an_administrator_unlocks_it() {
    let app = TestApp::spawn().await;
    let admin = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let email = "lock@acme.example";
    let user = app.account("acme", email, Role::Designer).await;

    for i in 1..=5 {
        let resp = app.sign_in("acme", email, "Wrong-pass1").await;
        let p = problem(resp).await;
        assert_eq!(p["code"], "invalid_credentials", "attempt {i}: a sign-in never tells the lock");
    }
    let resp = app.sign_in("acme", email, PASSWORD).await;
    assert_eq!(resp.status(), 401, "locked: even the right password is refused");
    assert_eq!(problem(resp).await["code"], "invalid_credentials");

    let admin_token = app.access_token("acme", &admin.email).await;
    let listed = body(app.get(&format!("/admin/users/{}", user.id), &admin_token).send().await.unwrap()).await;
    assert_eq!(listed["locked"], true);
    let unlocked = app.post_json(&format!("/admin/users/{}/unlock", user.id), &admin_token, &json!({})).send().await.unwrap();
    assert_eq!(unlocked.status(), 200);
    assert_eq!(body(unlocked).await["was_locked"], true);
    app.access_token("acme", email).await;

    let events = app.audit_events("acme").await;
    let find = |op: &str, detail: Option<&str>| {
        events.iter().find(|e| e.event.operation == op && detail.is_none_or(|d| e.event.detail.as_deref() == Some(d))).cloned()
    };
    let failure = find("auth.sign_in", Some("invalid_credentials")).expect("a failed sign-in event");
    assert_eq!(failure.event.result, AuditResult::Failed);
    let lock = find("auth.account_locked", None).expect("a lock event");
    let refused = find("auth.sign_in", Some("account_locked")).expect("a refused sign-in event");
    assert_eq!(refused.event.result, AuditResult::Denied);
    let unlock = events
        .iter()
        .find(|e| e.event.operation == "POST /admin/users/{id}/unlock" && e.event.result == AuditResult::Success)
        .cloned()
        .expect("an unlock event");
    assert_eq!(unlock.event.target.as_deref(), Some(format!("user:{}", user.id).as_str()));
    assert_eq!(unlock.event.user_name.as_deref(), Some("Name of boss@acme.example"));
    let success = events.iter().rev().find(|e| e.event.operation == "auth.sign_in" && e.event.result == AuditResult::Success).unwrap();
    for e in [&failure, &lock, &refused, &unlock, success] {
        assert!(e.event.at > 0);
        assert_eq!(e.event.company_name.as_deref(), Some("acme Co."), "{e:?}");
        assert!(e.event.user_name.is_some(), "{e:?}");
    }
    assert_eq!(lock.event.user_name.as_deref(), Some("Name of lock@acme.example"));
}

#[tokio::test]
async fn a_lock_runs_out_after_the_tenants_duration() {
    let app = TestApp::spawn().await;
    let email = "wait@acme.example";
    app.account("acme", email, Role::Designer).await;
    for _ in 0..5 {
        app.sign_in("acme", email, "Wrong-pass1").await;
    }
    assert_eq!(app.sign_in("acme", email, PASSWORD).await.status(), 401);
    app.gateway.identity.clock.advance(Duration::from_secs(29 * 60));
    assert_eq!(app.sign_in("acme", email, PASSWORD).await.status(), 401, "still locked after 29 minutes");
    app.gateway.identity.clock.advance(Duration::from_secs(2 * 60));
    app.access_token("acme", email).await;
}

#[tokio::test]
async fn wrong_mfa_codes_count_toward_the_lock() {
    let app = TestApp::spawn().await;
    let email = "codes@acme.example";
    app.account("acme", email, Role::Designer).await;
    let token = app.access_token("acme", email).await;
    app.put_json("/auth/mfa/preference", &token, &json!({ "method": "email", "current_password": PASSWORD })).send().await.unwrap();
    let mut last = Value::Null;
    for _ in 0..5 {
        let step = body(app.sign_in("acme", email, PASSWORD).await).await;
        let code = app.outbox_code(email);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        last = problem(app.answer("acme", email, &step, json!({ "code": wrong })).await).await;
    }
    assert_eq!(last["code"], "account_locked", "after the right password, the code step may tell the lock");
    assert_eq!(problem(app.sign_in("acme", email, PASSWORD).await).await["code"], "invalid_credentials");
}

#[tokio::test]
async fn a_password_change_checks_the_policy_and_revokes_earlier_tokens() {
    let app = TestApp::spawn().await;
    let email = "pat@acme.example";
    app.account("acme", email, Role::Designer).await;
    let token = app.access_token("acme", email).await;

    let weak = app
        .post_json("/auth/password/change", &token, &json!({ "current_password": PASSWORD, "new_password": "short" }))
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), 400);
    let weak = problem(weak).await;
    let codes: Vec<&str> = weak["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["too_short", "missing_uppercase", "missing_symbol"]);

    let wrong = app
        .post_json("/auth/password/change", &token, &json!({ "current_password": "Not-mine1", "new_password": "Newer-pass2" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(wrong).await["errors"][0]["pointer"], "/current_password");

    let reused = app
        .post_json("/auth/password/change", &token, &json!({ "current_password": PASSWORD, "new_password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(reused).await["code"], "weak_password");

    let ok = app
        .post_json("/auth/password/change", &token, &json!({ "current_password": PASSWORD, "new_password": "Newer-pass2" }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 204);
    let old = app.get("/me", &token).send().await.unwrap();
    assert_eq!(old.status(), 401);
    assert_eq!(problem(old).await["code"], "token_revoked");

    let fresh = body(app.sign_in("acme", email, "Newer-pass2").await).await;
    let fresh_token = fresh["tokens"]["access_token"].as_str().unwrap();
    assert_eq!(app.get("/me", fresh_token).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn refresh_then_sign_out_revokes_access_and_refresh_tokens() {
    let app = TestApp::spawn().await;
    let email = "rob@acme.example";
    app.account("acme", email, Role::Designer).await;
    let signed = body(app.sign_in("acme", email, PASSWORD).await).await;
    let access = signed["tokens"]["access_token"].as_str().unwrap().to_owned();
    let refresh = signed["tokens"]["refresh_token"].as_str().unwrap().to_owned();

    let renewed = body(app.post_public("/auth/refresh", &json!({ "refresh_token": refresh })).send().await.unwrap()).await;
    assert_eq!(renewed["status"], "signed_in");

    let out = app.post_public("/auth/sign-out", &json!({ "refresh_token": refresh })).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(problem(app.get("/me", &access).send().await.unwrap()).await["code"], "token_revoked");
    let again = app.post_public("/auth/refresh", &json!({ "refresh_token": refresh })).send().await.unwrap();
    assert_eq!(again.status(), 401);
    let events = app.audit_events("acme").await;
    assert!(events.iter().any(|e| e.event.operation == "auth.sign_out" && e.event.user_name.is_some()));
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_emailed_code() {
    let app = TestApp::spawn().await;
    let email = "fay@acme.example";
    app.account("acme", email, Role::Viewer).await;
    let unknown = app.post_public("/auth/password/forgot", &json!({ "tenant": "acme", "email": "ghost@acme.example" })).send().await.unwrap();
    assert_eq!(unknown.status(), 202, "no hint whether the account exists");
    let sent = app.post_public("/auth/password/forgot", &json!({ "tenant": "acme", "email": email })).send().await.unwrap();
    assert_eq!(sent.status(), 202);
    let code = app.outbox_code(email);

    let weak = app
        .post_public("/auth/password/reset", &json!({ "tenant": "acme", "email": email, "code": code, "new_password": "abc" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(weak).await["code"], "weak_password");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bad = app
        .post_public("/auth/password/reset", &json!({ "tenant": "acme", "email": email, "code": wrong, "new_password": "Reset-pass3" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let ok = app
        .post_public("/auth/password/reset", &json!({ "tenant": "acme", "email": email, "code": code, "new_password": "Reset-pass3" }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 204);
    assert_eq!(app.sign_in("acme", email, PASSWORD).await.status(), 401);
    assert_eq!(app.sign_in("acme", email, "Reset-pass3").await.status(), 200);
}

#[tokio::test]
async fn a_disabled_users_existing_token_stops_working_on_the_next_request() {
    let app = TestApp::spawn().await;
    let admin = app.account("acme", "boss@acme.example", Role::TenantAdmin).await;
    let user = app.account("acme", "dan@acme.example", Role::Designer).await;
    let token = app.access_token("acme", &user.email).await;
    assert_eq!(app.get("/projects", &token).send().await.unwrap().status(), 200);

    let admin_token = app.access_token("acme", &admin.email).await;
    let resp = app.post_json(&format!("/admin/users/{}/disable", user.id), &admin_token, &json!({})).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    let refused = app.get("/projects", &token).send().await.unwrap();
    assert!(refused.status() == 401 || refused.status() == 403);
    let code = problem(refused).await["code"].as_str().unwrap().to_owned();
    assert!(code == "user_disabled" || code == "token_revoked", "{code}");
    assert_eq!(problem(app.sign_in("acme", &user.email, PASSWORD).await).await["code"], "invalid_credentials", "a disabled account answers like an unknown one");

    let resp = app.post_json(&format!("/admin/users/{}/enable", user.id), &admin_token, &json!({})).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    app.access_token("acme", &user.email).await;
}

#[tokio::test]
async fn every_sign_in_is_in_the_audit_log_with_time_operation_user_and_company() {
    let app = TestApp::spawn().await;
    let email = "aud@acme.example";
    app.account("acme", email, Role::Designer).await;
    app.access_token("acme", email).await;
    app.sign_in("acme", email, "Wrong-pass1").await;
    let events = app.audit_events("acme").await;
    let sign_ins: Vec<_> = events.iter().filter(|e| e.event.operation == "auth.sign_in").collect();
    assert_eq!(sign_ins.len(), 2);
    assert_eq!(sign_ins[0].event.result, AuditResult::Success);
    assert_eq!(sign_ins[1].event.result, AuditResult::Failed);
    for e in sign_ins {
        assert!(e.event.at > 1_700_000_000_000);
        assert_eq!(e.event.user_name.as_deref(), Some("Name of aud@acme.example"));
        assert_eq!(e.event.company_name.as_deref(), Some("acme Co."));
        assert_eq!(e.event.source_ip.as_deref(), Some("127.0.0.1"));
    }
}
