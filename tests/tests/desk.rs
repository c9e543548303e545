//! The service desk over HTTP, on both backends: announcements reach the companies they are
//! meant for (and the public status page only when meant for all), the end of the service
//! needs 90 days' notice, an inquiry is acknowledged, answered through the outbox and never
//! seen by another company, and the operator reads a project only under the company's
//! grant — each read in the company's own audit log. Every operator request is also in the
//! operator's log.

use platform::auth::Role;
use platform::ids::TenantId;
use platform::ports::DeskKind;
use serde_json::{json, Value};
use crate::support::TestApp;

both_backends!(
    announcements_reach_the_right_companies_and_the_status_page,
    an_inquiry_is_acknowledged_answered_and_seen_only_by_its_company,
    support_access_needs_a_grant_in_force_and_every_read_is_in_the_companys_log,
);

const DAY_MS: i64 = 86_400_000;

fn at(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn now() -> i64 {
    platform::http::now_millis()
}

fn announcement(kind: &str, starts_in_days: i64, ends_in_days: Option<i64>, audience: Value) -> Value {
    let mut a = json!({
        "kind": kind,
        "title_ja": "定期メンテナンス", "title_en": "Scheduled maintenance",
        "text_ja": "計算サービスを停止します。", "text_en": "Calculations are unavailable.",
        "starts_at": at(now() + starts_in_days * DAY_MS),
        "audience": audience,
    });
    if let Some(end) = ends_in_days {
        a["ends_at"] = json!(at(now() + end * DAY_MS));
    }
    a
}

async fn json_of(resp: reqwest::Response) -> Value {
    resp.json().await.expect("JSON")
}

fn titles_of(list: &Value) -> Vec<String> {
    list["items"].as_array().expect("items").iter().map(|a| format!("{}:{}", a["kind"].as_str().unwrap(), a["audience"]["type"].as_str().unwrap())).collect()
}

/// Given a maintenance window for every company and one for acme only, when each company's
/// users and the public status page look, then acme sees both, globex the shared one, the
/// status page the shared one (not acme's); an end-of-service notice 89 days ahead is
/// refused naming `starts_at`, 91 days ahead accepted; a withdrawn window disappears; and a
/// tenant's token cannot write announcements.
async fn announcements_reach_the_right_companies_and_the_status_page(app: TestApp) {
    let op = app.operator_token("olga");
    let acme = app.token("acme", "ann", Role::Designer).await;
    let globex = app.token("globex", "gil", Role::TenantAdmin).await;

    let shared = app.post_json("/ops/announcements", &op, &announcement("maintenance", 3, Some(4), json!({ "type": "all" }))).send().await.unwrap();
    assert_eq!(shared.status(), 201);
    let shared = json_of(shared).await;
    let only_acme = announcement("maintenance", 1, Some(2), json!({ "type": "tenants", "tenants": ["acme"] }));
    assert_eq!(app.post_json("/ops/announcements", &op, &only_acme).send().await.unwrap().status(), 201);

    let seen = |token: String| {
        let app = &app;
        async move { json_of(app.get("/announcements", &token).send().await.unwrap()).await }
    };
    assert_eq!(titles_of(&seen(acme.clone()).await), ["maintenance:tenants", "maintenance:all"]);
    assert_eq!(titles_of(&seen(globex.clone()).await), ["maintenance:all"]);
    let status = app.client.get(app.url("/status")).send().await.unwrap();
    assert_eq!(status.status(), 200);
    let status = json_of(status).await;
    assert_eq!(status["state"], "operational");
    assert_eq!(titles_of(&json!({ "items": status["announcements"] })), ["maintenance:all"]);

    // The end of the service: three months' notice.
    let short = app.post_json("/ops/announcements", &op, &announcement("end_of_service", 89, None, json!({ "type": "all" }))).send().await.unwrap();
    assert_eq!(short.status(), 422);
    let problem = json_of(short).await;
    assert_eq!(problem["errors"][0]["code"], "notice_too_short");
    assert_eq!(problem["errors"][0]["pointer"], "/starts_at");
    assert_eq!(app.post_json("/ops/announcements", &op, &announcement("end_of_service", 91, None, json!({ "type": "all" }))).send().await.unwrap().status(), 201);

    // Withdrawn: gone from the status page and from the companies.
    let id = shared["id"].as_str().unwrap();
    assert_eq!(app.post_json(&format!("/ops/announcements/{id}/withdraw"), &op, &json!({})).send().await.unwrap().status(), 200);
    let status = json_of(app.client.get(app.url("/status")).send().await.unwrap()).await;
    assert!(status["announcements"].as_array().unwrap().iter().all(|a| a["kind"] != "maintenance"), "{status}");
    assert_eq!(titles_of(&seen(globex.clone()).await), ["end_of_service:all"]);

    // A tenant's token (even an administrator's) is not the operator's.
    let forged = app.post_json("/ops/announcements", &globex, &announcement("incident", 0, None, json!({ "type": "all" }))).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.get("/ops/announcements", &globex).send().await.unwrap().status(), 403);
    // … and the operator's token is no tenant's.
    assert_eq!(app.get("/announcements", &op).send().await.unwrap().status(), 401);

    // Every operator request is in the operator's own log, under the operator's name.
    let month = &at(now())[..7];
    let log = app.gateway.backend.audit.list_month(&TenantId::operator_log(), month, None, 100).await.unwrap();
    let ops: Vec<(&str, &str)> =
        log.items.iter().filter(|e| e.event.result != platform::ports::AuditResult::Started).map(|e| (e.event.operation.as_str(), e.event.user_id.as_deref().unwrap_or(""))).collect();
    assert!(ops.contains(&("POST /ops/announcements/{id}/withdraw", "arn:kyocho:local:operator/olga")), "{ops:?}");
    assert_eq!(ops.iter().filter(|(op, _)| *op == "POST /ops/announcements").count(), 4, "{ops:?}");
}

/// Given a designer of acme who files an inquiry, when colleagues, another company and the
/// operator look, then: the author is acknowledged by e-mail with the due time (two
/// business days), a fellow designer and globex's administrator do not find it, acme's
/// administrator does; the operator's queue shows it with the company's name; the
/// operator's answer reaches the author's mailbox and thread; a follow-up opens it again.
async fn an_inquiry_is_acknowledged_answered_and_seen_only_by_its_company(app: TestApp) {
    let (author, designer) = app.user("acme", "dan", Role::Designer).await;
    let colleague = app.token("acme", "dina", Role::Designer).await;
    let admin = app.token("acme", "ann", Role::TenantAdmin).await;
    let other = app.token("globex", "gil", Role::TenantAdmin).await;
    let op = app.operator_token("olga");
    let outbox = app.gateway.local_identity.outbox();

    let before = now();
    let filed = app
        .post_json("/inquiries", &designer, &json!({ "category": "calculation", "severity": "high", "subject": "三相短絡電流が合わない", "text": "変圧器の %Z を確認してください。" }))
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), 201);
    let filed = json_of(filed).await;
    let id = filed["id"].as_str().unwrap().to_owned();
    assert_eq!(filed["status"], "open");
    assert_eq!(filed["overdue"], false);
    // Due by the desk's calendar, from the moment of receipt (checked independently of the
    // handler: the calendar crate's rule, within the second the request took).
    let due = time::OffsetDateTime::parse(filed["reply_due_at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
    let received = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(before) * 1_000_000).unwrap();
    assert_eq!(due, calendar::reply_due(received, 2).unwrap());
    let ack = outbox.messages().into_iter().find(|m| m.to == author.email && m.subject.contains(&id)).expect("acknowledgement in the outbox");
    assert!(ack.body.contains("2 営業日以内") && ack.body.contains("JST"), "{}", ack.body);

    // Who finds it.
    assert_eq!(app.get(&format!("/inquiries/{id}"), &colleague).send().await.unwrap().status(), 404);
    assert_eq!(app.get(&format!("/inquiries/{id}"), &other).send().await.unwrap().status(), 404);
    assert!(json_of(app.get("/inquiries", &other).send().await.unwrap()).await["items"].as_array().unwrap().is_empty());
    assert!(json_of(app.get("/inquiries", &colleague).send().await.unwrap()).await["items"].as_array().unwrap().is_empty());
    let listed = json_of(app.get("/inquiries", &admin).send().await.unwrap()).await;
    assert_eq!(listed["items"][0]["id"], id.as_str());
    assert_eq!(app.post_json(&format!("/inquiries/{id}/messages"), &other, &json!({ "text": "x" })).send().await.unwrap().status(), 404);

    // The operator's queue, with the company's name; a filter that excludes it.
    let queue = json_of(app.get("/ops/inquiries?status=open", &op).send().await.unwrap()).await;
    let mine = queue["items"].as_array().unwrap().iter().find(|i| i["id"] == id.as_str()).expect("in the queue");
    assert_eq!(mine["tenant"], "acme");
    assert_eq!(mine["company_name"], "acme Co.");
    assert_eq!(mine["subject"], "三相短絡電流が合わない");
    let answered_only = json_of(app.get("/ops/inquiries?status=answered", &op).send().await.unwrap()).await;
    assert!(answered_only["items"].as_array().unwrap().iter().all(|i| i["id"] != id.as_str()));
    assert_eq!(app.get("/ops/inquiries?status=maybe", &op).send().await.unwrap().status(), 400);

    // The answer: in the thread and in the author's mailbox.
    let answer = app.post_json(&format!("/ops/tenants/acme/inquiries/{id}/messages"), &op, &json!({ "text": "%Z は自己容量基準で入力してください。" })).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(json_of(answer).await["status"], "answered");
    let mail = outbox.messages().into_iter().find(|m| m.to == author.email && m.body.contains("自己容量基準")).expect("the answer in the outbox");
    assert!(mail.subject.contains(&id));
    let thread = json_of(app.get(&format!("/inquiries/{id}"), &designer).send().await.unwrap()).await;
    assert_eq!(thread["messages"].as_array().unwrap().len(), 2);
    assert_eq!(thread["messages"][1]["from"], "operator");
    assert!(thread["reply_due_at"].is_null(), "no reply is due while the user has the word");
    // Another company's path does not reach it.
    assert_eq!(app.post_json(&format!("/ops/tenants/globex/inquiries/{id}/messages"), &op, &json!({ "text": "x" })).send().await.unwrap().status(), 404);

    // A follow-up: open again, due again.
    let follow = json_of(app.post_json(&format!("/inquiries/{id}/messages"), &designer, &json!({ "text": "ありがとうございます。もう一点…" })).send().await.unwrap()).await;
    assert_eq!(follow["status"], "open");
    assert!(follow["reply_due_at"].is_string());
    let closed = json_of(app.post_json(&format!("/ops/tenants/acme/inquiries/{id}/close"), &op, &json!({})).send().await.unwrap()).await;
    assert_eq!(closed["status"], "closed");

    // Bad input names its field.
    let bad = app.post_json("/inquiries", &designer, &json!({ "category": "usage", "severity": "low", "subject": "", "text": "?" })).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    assert_eq!(json_of(bad).await["errors"][0]["pointer"], "/subject");
    let unknown = app.post_json("/inquiries", &designer, &json!({ "category": "usage", "severity": "urgent!", "subject": "s", "text": "t" })).send().await.unwrap();
    assert_eq!(unknown.status(), 400);

    // The operator's reads of acme's inquiry are in acme's own log.
    let month = &at(now())[..7];
    let acme_log = app.gateway.backend.audit.list_month(&TenantId::parse("acme").unwrap(), month, None, 500).await.unwrap();
    assert!(
        acme_log.items.iter().any(|e| e.event.operation == "POST /ops/tenants/{tenant}/inquiries/{id}/messages" && e.event.target.as_deref() == Some(&format!("inquiry:{id}"))),
        "the operator's answer is in acme's log"
    );
}

/// Given a project of acme, when the operator asks for it, then without a grant the answer
/// is 403 `no_support_grant` (metadata only: no name, no content); with the administrator's
/// one-hour grant it is served and the read is in acme's audit log naming the grant; after
/// revocation, and after expiry, it is refused again. A grant over 72 hours is refused.
async fn support_access_needs_a_grant_in_force_and_every_read_is_in_the_companys_log(app: TestApp) {
    let admin = app.token("acme", "ann", Role::TenantAdmin).await;
    let designer = app.token("acme", "dan", Role::Designer).await;
    let op = app.operator_token("olga");
    let project = app.create_project(&admin, "Secret substation").await;
    let pid = project["id"].as_str().unwrap().to_owned();
    let read = || {
        let (app, op, pid) = (&app, op.clone(), pid.clone());
        async move { app.get(&format!("/ops/tenants/acme/projects/{pid}"), &op).send().await.unwrap() }
    };

    let refused = read().await;
    assert_eq!(refused.status(), 403);
    assert_eq!(json_of(refused).await["code"], "no_support_grant");
    let listing = app.get("/ops/tenants/acme/projects", &op).send().await.unwrap();
    assert_eq!(listing.status(), 200);
    let listing = listing.text().await.unwrap();
    assert!(listing.contains(&pid) && !listing.contains("Secret substation"), "metadata only: {listing}");
    assert_eq!(app.get("/ops/tenants/nobody/projects", &op).send().await.unwrap().status(), 404);

    // Only an administrator with settings_manage grants; never more than 72 hours.
    assert_eq!(app.post_json("/support-grants", &designer, &json!({ "project_id": pid, "hours": 1 })).send().await.unwrap().status(), 403);
    let long = app.post_json("/support-grants", &admin, &json!({ "project_id": pid, "hours": 73 })).send().await.unwrap();
    assert_eq!(long.status(), 422);
    assert_eq!(json_of(long).await["errors"][0]["pointer"], "/hours");
    let grant = app.post_json("/support-grants", &admin, &json!({ "project_id": pid, "hours": 1, "reason": "inquiry" })).send().await.unwrap();
    assert_eq!(grant.status(), 201);
    let grant = json_of(grant).await;
    let gid = grant["id"].as_str().unwrap().to_owned();
    assert_eq!(grant["active"], true);

    let served = read().await;
    assert_eq!(served.status(), 200);
    assert_eq!(json_of(served).await["name"], "Secret substation");
    // The read is in acme's own log, visible to its administrator, naming the grant.
    let audit = json_of(app.get("/audit?limit=200", &admin).send().await.unwrap()).await;
    let reads: Vec<&Value> = audit["items"].as_array().unwrap().iter().filter(|e| e["operation"] == "GET /ops/tenants/{tenant}/projects/{id}").collect();
    assert!(
        reads.iter().any(|e| e["result"] == "success" && e["target"] == format!("project:{pid}").as_str() && e["detail"].as_str().unwrap_or("").contains(&gid)),
        "{reads:?}"
    );
    assert!(reads.iter().any(|e| e["result"] == "denied"), "the refused read is on record too: {reads:?}");

    // Revoked: refused at once.
    let revoked = app.delete(&format!("/support-grants/{gid}"), &admin).send().await.unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(json_of(revoked).await["active"], false);
    assert_eq!(read().await.status(), 403);

    // Expired: a grant whose end has passed serves nothing.
    let again = json_of(app.post_json("/support-grants", &admin, &json!({ "project_id": pid, "hours": 1 })).send().await.unwrap()).await;
    assert_eq!(read().await.status(), 200);
    let tenant = TenantId::parse("acme").unwrap();
    let desk = &app.gateway.backend.desk;
    let mut record = desk.get_desk(DeskKind::SupportGrant, Some(&tenant), again["id"].as_str().unwrap()).await.unwrap().unwrap();
    let mut meta: Value = serde_json::from_str(&record.meta).unwrap();
    meta["expires_at"] = json!(now() - 1000);
    record.meta = meta.to_string();
    desk.put_desk(DeskKind::SupportGrant, &record).await.unwrap();
    assert_eq!(read().await.status(), 403);
    let grants = json_of(app.get("/support-grants", &admin).send().await.unwrap()).await;
    assert!(grants["items"].as_array().unwrap().iter().all(|g| g["active"] == false), "{grants}");
}
