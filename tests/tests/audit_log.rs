//! The company's audit log over HTTP (`GET /audit`, `/audit.csv`, `/audit/verify`) on both
//! backends: who may read it, filters and pages newest first, the CSV an administrator
//! opens in a spreadsheet, and a chain check that names the first edited or missing event.

use crate::support;

use std::sync::Arc;

use platform::auth::Role;
use platform::ids::TenantId;
use platform::ports::{AuditEvent, AuditLog, Page, StoreError, StoredAuditEvent};
use serde_json::Value;
use crate::support::TestApp;

both_backends!(
    only_audit_readers_see_the_log_newest_first_filtered_and_paged,
    the_csv_has_japanese_headers_and_one_row_per_event_in_either_encoding,
    the_chain_check_names_the_first_edited_or_missing_event,
    a_chain_cut_after_its_anchored_head_is_found_truncated,
    a_settings_change_is_logged_with_its_values_before_and_after,
);

/// Three project changes by an administrator, as the log records them (started + outcome).
async fn some_history(app: &TestApp) -> (String, String) {
    let admin = app.token("acme", "ann", Role::TenantAdmin).await;
    let project = app.create_project(&admin, "Plant").await;
    let id = project["id"].as_str().expect("id").to_owned();
    let path = format!("/projects/{id}");
    let resp = app.put_json(&path, &admin, &support::sample_project("Plant B")).header("if-match", "\"1\"").send().await.expect("send");
    assert_eq!(resp.status(), 200);
    let resp = app.delete(&path, &admin).header("if-match", "\"2\"").send().await.expect("send");
    assert!(resp.status().is_success(), "{}", resp.status());
    (admin, id)
}

async fn json(resp: reqwest::Response) -> Value {
    assert_eq!(resp.status(), 200, "{}", resp.url());
    resp.json().await.expect("json")
}

/// Given a history, when a designer asks for the log, then 403; when the administrator
/// does, the events come newest first with their chain places, the filters narrow them, and
/// pages of two follow one another without a gap or a repeat.
async fn only_audit_readers_see_the_log_newest_first_filtered_and_paged(app: TestApp) {
    let (admin, id) = some_history(&app).await;
    let designer = app.token("acme", "dan", Role::Designer).await;
    for path in ["/audit", "/audit.csv", "/audit/verify"] {
        let resp = app.get(path, &designer).send().await.expect("send");
        assert_eq!(resp.status(), 403, "{} backend: {path} needs audit_read", app.backend_name());
    }

    let all = json(app.get("/audit", &admin).send().await.expect("send")).await;
    let items = all["items"].as_array().expect("items");
    let seqs: Vec<u64> = items.iter().map(|e| e["seq"].as_u64().expect("seq")).collect();
    assert!(seqs.len() >= 9, "started and outcome of three changes, three refusals: {seqs:?}");
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first: {seqs:?}");
    // The designer's three refused reads are the newest events, then the delete.
    for e in &items[..3] {
        assert_eq!((e["result"].as_str(), e["user_id"].as_str()), (Some("denied"), Some("dan")), "{e}");
    }
    assert_eq!(items[3]["operation"], "DELETE /projects/{id}");
    assert_eq!(items[3]["result"], "success");
    assert_eq!(items[3]["target"], format!("project:{id}"));

    let puts = json(app.get("/audit?operation=PUT%20/projects&result=success", &admin).send().await.expect("send")).await;
    let puts = puts["items"].as_array().expect("items");
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert_eq!(puts[0]["operation"], "PUT /projects/{id}");

    let mut seen = Vec::new();
    let mut url = "/audit?limit=2".to_owned();
    loop {
        let page = json(app.get(&url, &admin).send().await.expect("send")).await;
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|e| e["seq"].as_u64().expect("seq")));
        match page["next"].as_str() {
            Some(next) => url = format!("/audit?limit=2&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, seqs, "{} backend: the pages together are the whole list", app.backend_name());

    let future = json(app.get("/audit?from=2030-01-01&to=2030-01-31", &admin).send().await.expect("send")).await;
    assert_eq!(future["items"].as_array().map(Vec::len), Some(0));
    for (query, name) in [("from=2026-13-01", "from"), ("from=2026-05-01&to=2026-04-01", "from"), ("result=ok", "result"), ("from=2024-01-01&to=2026-01-01", "from")] {
        let resp = app.get(&format!("/audit?{query}"), &admin).send().await.expect("send");
        assert_eq!(resp.status(), 400, "{query}");
        let p = support::problem(resp).await;
        assert_eq!(p["errors"][0]["parameter"], name, "{query}: {p}");
    }
}

/// Given a history, when the CSV is downloaded, then it has a BOM (or is Shift_JIS when
/// asked), Japanese headers, and one row per event of the JSON list.
async fn the_csv_has_japanese_headers_and_one_row_per_event_in_either_encoding(app: TestApp) {
    let (admin, _) = some_history(&app).await;
    let listed = json(app.get("/audit?limit=1000", &admin).send().await.expect("send")).await;
    let n = listed["items"].as_array().expect("items").len();

    let resp = app.get("/audit.csv", &admin).send().await.expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = resp.bytes().await.expect("bytes");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a BOM, so that Excel reads UTF-8");
    let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("日時(JST),操作,結果,ユーザーID"), "{}", lines[0]);
    assert_eq!(lines.len(), n + 1, "a header and one row per event");
    assert!(lines[1].contains("DELETE /projects/{id}") && lines[1].contains("成功"), "{}", lines[1]);

    let resp = app.get("/audit.csv?encoding=shift_jis", &admin).send().await.expect("send");
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=Shift_JIS");
    let bytes = resp.bytes().await.expect("bytes");
    let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!bad);
    assert_eq!(decoded.lines().next(), lines.first().copied());
    assert_eq!(decoded.lines().count(), n + 1);
}

/// A log that returns what it holds with one event edited or left out, as someone who can
/// write the table but not use the chain key might leave it.
struct Edited {
    inner: Arc<dyn AuditLog>,
    seq: u64,
    drop: bool,
}

#[async_trait::async_trait]
impl AuditLog for Edited {
    async fn append(&self, tenant: &TenantId, event: &AuditEvent) -> Result<StoredAuditEvent, StoreError> {
        self.inner.append(tenant, event).await
    }

    async fn delete_month(&self, tenant: &TenantId, month: &str) -> Result<u64, StoreError> {
        self.inner.delete_month(tenant, month).await
    }

    async fn list_month(&self, tenant: &TenantId, month: &str, after: Option<&str>, limit: usize) -> Result<Page<StoredAuditEvent>, StoreError> {
        let mut page = self.inner.list_month(tenant, month, after, limit).await?;
        if self.drop {
            page.items.retain(|e| e.seq != self.seq);
        } else if let Some(e) = page.items.iter_mut().find(|e| e.seq == self.seq) {
            e.event.operation = "GET /projects".into();
        }
        Ok(page)
    }
}

/// Given a history, the chain holds; when one event's operation is changed, the check names
/// that event (`hash_mismatch`); when one is removed, it names the next (`sequence_gap`).
async fn the_chain_check_names_the_first_edited_or_missing_event(app: TestApp) {
    let (admin, _) = some_history(&app).await;
    let ok = json(app.get("/audit/verify", &admin).send().await.expect("send")).await;
    assert_eq!(ok["intact"], true, "{} backend: {ok}", app.backend_name());
    let n = ok["events"].as_u64().expect("events");
    assert!(n >= 6, "{ok}");
    assert_eq!(ok["head_seq"].as_u64(), Some(n));

    let edited = app.with_audit(|inner| Arc::new(Edited { inner, seq: 3, drop: false })).await;
    let admin2 = edited.token("acme", "ann", Role::TenantAdmin).await;
    let report = json(edited.get("/audit/verify", &admin2).send().await.expect("send")).await;
    assert_eq!(report["intact"], false, "{report}");
    assert_eq!((report["first_broken"]["seq"].as_u64(), report["first_broken"]["reason"].as_str()), (Some(3), Some("hash_mismatch")), "{report}");
    let _ = admin;

    let gap = edited.with_audit(|inner| Arc::new(Edited { inner, seq: 2, drop: true })).await;
    let admin3 = gap.token("acme", "ann", Role::TenantAdmin).await;
    let report = json(gap.get("/audit/verify", &admin3).send().await.expect("send")).await;
    assert_eq!((report["first_broken"]["seq"].as_u64(), report["first_broken"]["reason"].as_str()), (Some(3), Some("sequence_gap")), "{report}");
}

/// The log as a store that lost its newest events: every event after `keep` is gone.
struct Truncated {
    inner: Arc<dyn AuditLog>,
    keep: u64,
}

#[async_trait::async_trait]
impl AuditLog for Truncated {
    async fn append(&self, tenant: &TenantId, event: &AuditEvent) -> Result<StoredAuditEvent, StoreError> {
        self.inner.append(tenant, event).await
    }

    async fn delete_month(&self, tenant: &TenantId, month: &str) -> Result<u64, StoreError> {
        self.inner.delete_month(tenant, month).await
    }

    async fn list_month(&self, tenant: &TenantId, month: &str, after: Option<&str>, limit: usize) -> Result<Page<StoredAuditEvent>, StoreError> {
        let mut page = self.inner.list_month(tenant, month, after, limit).await?;
        page.items.retain(|e| e.seq <= self.keep);
        Ok(page)
    }
}

/// Given a history whose head is anchored outside the records after every event, the
/// chain holds and the report shows the anchor at its head; when the newest three events
/// are removed from the records (a chain that is still whole), then the check reports
/// `truncated` at the anchored place, which the chain alone could not show.
async fn a_chain_cut_after_its_anchored_head_is_found_truncated(app: TestApp) {
    let anchors = app.gateway.backend.anchors.clone();
    let app = app
        .with_audit(|inner| Arc::new(platform::anchor::AnchoredLog::new(inner, anchors, std::time::Duration::ZERO)))
        .await;
    let (admin, _) = some_history(&app).await;
    let ok = json(app.get("/audit/verify", &admin).send().await.expect("send")).await;
    assert_eq!(ok["intact"], true, "{} backend: {ok}", app.backend_name());
    let head = ok["head_seq"].as_u64().expect("head");
    let anchored = ok["anchor"]["seq"].as_u64().expect("an anchor");
    // The verify request itself is not a change: the anchor is the last change's event.
    assert!(anchored >= head - 1 && anchored <= head, "anchor {anchored}, head {head}: {ok}");
    assert_eq!(ok["anchor"]["hash"].as_str().map(str::len), Some(64), "{ok}");

    let cut = app.with_audit(|inner| Arc::new(Truncated { inner, keep: anchored - 3 })).await;
    let admin2 = cut.token("acme", "ann", Role::TenantAdmin).await;
    let report = json(cut.get("/audit/verify", &admin2).send().await.expect("send")).await;
    assert_eq!(report["intact"], false, "{} backend: {report}", cut.backend_name());
    assert_eq!(report["head_seq"].as_u64(), Some(anchored - 3), "{report}");
    assert_eq!(
        (report["first_broken"]["seq"].as_u64(), report["first_broken"]["reason"].as_str()),
        (Some(anchored), Some("truncated")),
        "{report}"
    );
}

/// Given default settings, when the administrator requires MFA and lowers the lockout
/// threshold, then the log's success event for the change names both settings with their
/// values before and after, and nothing that did not change.
async fn a_settings_change_is_logged_with_its_values_before_and_after(app: TestApp) {
    let admin = app.token("acme", "ann", Role::TenantAdmin).await;
    let body = serde_json::json!({ "ip_allow_list": [], "mfa_required": true, "lockout_threshold": 3 });
    assert_eq!(app.put_json("/admin/settings", &admin, &body).send().await.expect("send").status(), 200);
    let page = json(app.get("/audit?operation=PUT%20/admin/settings&result=success", &admin).send().await.expect("send")).await;
    let detail = page["items"][0]["detail"].as_str().unwrap_or_else(|| panic!("{} backend: {page}", app.backend_name())).to_owned();
    let (status, changes) = detail.split_once(' ').expect("status, then the changes");
    assert_eq!(status, "200");
    let changes: Value = serde_json::from_str(changes).expect("json");
    assert_eq!(changes["mfa_required"], serde_json::json!([false, true]), "{detail}");
    assert_eq!(changes["lockout_threshold"], serde_json::json!([5, 3]), "{detail}");
    assert!(changes.get("lockout_duration_minutes").is_none() && changes.get("your_ip").is_none(), "{detail}");
}
