//! Audit retention, a company setting (docs/security.md, "Audit retention"): at least a
//! year, five years unless chosen. The daily integrity job removes whole months older than the
//! retention, keeping a checkpoint, so the chain that remains still verifies from it.

use kyocho_tests::contract::audit_event;
use platform::auth::Role;
use platform::ids::TenantId;
use serde_json::{json, Value};
use crate::support::TestApp;

both_backends!(months_past_the_retention_go_and_the_rest_of_the_chain_still_verifies);

const DAY_MS: i64 = 86_400_000;

async fn months_past_the_retention_go_and_the_rest_of_the_chain_still_verifies(app: TestApp) {
    let admin = app.token("acme", "ann", Role::TenantAdmin).await;
    let op = app.operator_token("olga");
    let backend = &app.gateway.backend;
    let tenant = TenantId::parse("acme").unwrap();
    // A company two years old, with events then, 400 days ago and now.
    let now = platform::http::now_millis();
    let mut record = backend.tenants.get_tenant(&tenant).await.unwrap().unwrap();
    record.created_at = now - 800 * DAY_MS;
    record.version = backend.tenants.put_tenant(&record).await.unwrap();
    // Its first events are old: two years ago and 400 days ago (nothing was logged since the
    // company was set up: no request has changed anything yet).
    for (days_ago, count) in [(790, 3), (400, 2)] {
        for i in 0..count {
            backend.audit.append(&tenant, &audit_event(now - days_ago * DAY_MS + i as i64, &format!("test.event.{i}"))).await.unwrap();
        }
    }

    // The setting: a year at least, named by its field when refused.
    let settings: Value = app.get("/admin/settings", &admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(settings["audit_retention_days"], 1825, "five years unless chosen");
    let mut body = json!({ "ip_allow_list": [], "mfa_required": false, "audit_retention_days": 364 });
    let short = app.put_json("/admin/settings", &admin, &body).send().await.unwrap();
    assert_eq!(short.status(), 400);
    let problem: Value = short.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/audit_retention_days");
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    body["audit_retention_days"] = json!(365);
    assert_eq!(app.put_json("/admin/settings", &admin, &body).send().await.unwrap().status(), 200);

    // The daily job removes the months wholly older than a year, and the chain still verifies.
    let before: Value = app.get("/audit/verify", &admin).send().await.unwrap().json().await.unwrap();
    let report: Value = app.get("/ops/integrity?tenant=acme", &op).send().await.unwrap().json().await.unwrap();
    assert_eq!(report["failures"], 0, "{report:#}");
    let after: Value = app.get("/audit/verify", &admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["intact"], true, "{after:#}");
    // Both old months are gone (5 events), every later event stays; the integrity run and the
    // verification are not changes of the company, so nothing was logged in between.
    assert_eq!(before["events"].as_u64().unwrap() - after["events"].as_u64().unwrap(), 5, "before {before:#}, after {after:#}");
    let checkpoint = backend.tenants.get_tenant(&tenant).await.unwrap().unwrap().audit_checkpoint.expect("a checkpoint");
    assert_eq!(checkpoint.seq, 5);
    // A second run removes nothing more.
    let again: Value = app.get("/ops/integrity?tenant=acme", &op).send().await.unwrap().json().await.unwrap();
    assert_eq!(again["failures"], 0);
}
