//! The company's own device library over HTTP, on both backends: items with every version
//! kept, conditional writes (`If-Match`: 428 without, 412 stale), companies kept apart, the
//! CSV import naming every bad cell by row and column, and a project that uses a company
//! relay and PF — analysed on the entered points, unchanged when the library publishes a new
//! version, listed as outdated, and changed only when the engineer adopts the new version.
//!
//! The items are those of `shared/domain/tests/library_company.rs`: relay `acme.ocr.ei`
//! (EI catalogue points, × tap against s at lever 10) on feeder VCB_TR1 of
//! `tests/fixtures/cb_multi.json` (CT 75/5, tap 3.5 A, lever 6 → TMS 0.6), and PF
//! `acme.pf.t` (T 40 A, three curves in A) on PF_TR3.

use platform::auth::Role;
use serde_json::{json, Value};
use crate::support::{problem, TestApp};

/// Relative tolerance against hand interpolation: the engine's line and the hand formula are
/// the same log-log line, so only floating-point rounding (and JSON's shortest round-trip
/// printing of each sampled number) separates them.
const TOL: f64 = 1e-6;

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

const RELAY_POINTS: [(f64, f64); 7] = [(1.5, 90.0), (2.0, 30.0), (3.0, 12.0), (5.0, 4.0), (7.0, 2.0), (10.0, 1.0), (20.0, 0.3)];
const CLEARING: [(f64, f64); 10] =
    [(100.0, 340.0), (150.0, 46.0), (200.0, 14.0), (300.0, 3.5), (400.0, 1.4), (600.0, 0.42), (1000.0, 0.12), (1500.0, 0.05), (2500.0, 0.02), (4000.0, 0.01)];

/// The company relay without a version, every time × `scale`.
fn relay_item(scale: f64) -> Value {
    let pts: Vec<Value> = RELAY_POINTS.iter().map(|&(m, t)| json!({ "multiple": m, "time_s": t * scale })).collect();
    json!({
        "id": "acme.ocr.ei", "maker": "Acme 電機", "model": "OCR-9E",
        "source_document": "Acme 保護継電器カタログ No. C-123", "revision": "第1版",
        "device": { "type": "relay", "curve": "ei", "characteristic": { "form": "points", "points": pts } }
    })
}

/// The company PF (T 40 A) without a version, every time × `scale`.
fn fuse_item(scale: f64) -> Value {
    let curve = |v: &[(f64, f64)]| -> Vec<Value> { v.iter().map(|&(i, t)| json!({ "current_a": i, "time_s": t * scale })).collect() };
    let melting = [(100.0, 300.0), (150.0, 40.0), (200.0, 12.0), (300.0, 3.0), (400.0, 1.2), (600.0, 0.35), (1000.0, 0.09), (1500.0, 0.035), (2500.0, 0.012), (4000.0, 0.005)];
    let allowable: Vec<(f64, f64)> = melting.iter().map(|&(i, t)| (0.8 * i, t)).collect();
    json!({
        "id": "acme.pf.t", "maker": "Acme 電機", "model": "PF-T7.2",
        "source_document": "Acme 限流ヒューズ技術資料 T-45", "revision": "2024-04",
        "device": {
            "type": "fuse", "fuse_type": "T", "rated_voltage_kv": 7.2, "breaking_capacity_ka": 40,
            "ratings": [{ "rating_a": 40, "allowable": curve(&allowable), "melting": curve(&melting), "clearing": curve(&CLEARING) }]
        }
    })
}

fn cb_multi() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cb_multi.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("fixture JSON")
}

fn index(doc: &Value, id: &str) -> usize {
    doc["devices"].as_array().unwrap().iter().position(|d| d["id"] == id).unwrap()
}

async fn create_item(app: &TestApp, token: &str, item: &Value) -> Value {
    let resp = app.post_json("/library/company", token, item).send().await.unwrap();
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

async fn json_of(resp: reqwest::Response) -> (u16, Option<String>, Value) {
    let status = resp.status().as_u16();
    let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = resp.text().await.unwrap();
    (status, etag, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) })
}

fn pointers(p: &Value) -> Vec<String> {
    p["errors"].as_array().map(|e| e.iter().filter_map(|e| e["pointer"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// Given a designer, when an item is created, published again and withdrawn, then each step
/// answers with the version as ETag, a write without `If-Match` is a 428, one naming an older
/// version a 412, every version stays readable, and the changes are in the audit log.
async fn items_are_written_only_over_the_version_read(app: TestApp) {
    let designer = app.token("acme", "alice", Role::Designer).await;
    let viewer = app.token("acme", "victor", Role::Viewer).await;

    let resp = app.post_json("/library/company", &designer, &relay_item(1.0)).send().await.unwrap();
    assert_eq!(resp.headers()["location"], "/library/company/acme.ocr.ei");
    let (status, etag, created) = json_of(resp).await;
    assert_eq!((status, etag.as_deref()), (201, Some("\"1\"")), "{created}");
    assert_eq!(created["version"], 1);
    assert_eq!(created["maker"], "Acme 電機");

    // The same id again is a conflict; a viewer may read but not write.
    let (status, _, again) = json_of(app.post_json("/library/company", &designer, &relay_item(1.0)).send().await.unwrap()).await;
    assert_eq!((status, again["code"].as_str()), (409, Some("already_exists")));
    assert_eq!(app.post_json("/library/company", &viewer, &fuse_item(1.0)).send().await.unwrap().status(), 403);
    let (status, etag, read) = json_of(app.get("/library/company/acme.ocr.ei", &viewer).send().await.unwrap()).await;
    assert_eq!((status, etag.as_deref()), (200, Some("\"1\"")));
    assert_eq!(read, created, "the answer is the item as a project copies it");

    // Version 2: every time 1.5 × longer (12 s at 3 × becomes 18 s).
    let path = "/library/company/acme.ocr.ei";
    let p = problem(app.put_json(path, &designer, &relay_item(1.5)).send().await.unwrap()).await;
    assert_eq!((p["status"].as_u64(), p["code"].as_str()), (Some(428), Some("precondition_required")));
    let (status, etag, v2) = json_of(app.put_json(path, &designer, &relay_item(1.5)).header("if-match", "\"1\"").send().await.unwrap()).await;
    assert_eq!((status, etag.as_deref()), (200, Some("\"2\"")), "{v2}");
    assert_eq!(v2["device"]["characteristic"]["points"][2]["time_s"], 18.0);
    let p = problem(app.put_json(path, &designer, &relay_item(2.0)).header("if-match", "\"1\"").send().await.unwrap()).await;
    assert_eq!((p["status"].as_u64(), p["code"].as_str(), p["current_version"].as_u64()), (Some(412), Some("version_mismatch"), Some(2)));
    // A body naming another version than the next is refused at `/version`.
    let mut wrong = relay_item(1.5);
    wrong["version"] = json!(7);
    let p = problem(app.put_json(path, &designer, &wrong).header("if-match", "\"2\"").send().await.unwrap()).await;
    assert_eq!((p["status"].as_u64(), pointers(&p)), (Some(422), vec!["/version".to_owned()]));

    let (_, etag, old) = json_of(app.get(&format!("{path}?version=1"), &viewer).send().await.unwrap()).await;
    assert_eq!((etag.as_deref(), old["device"]["characteristic"]["points"][2]["time_s"].as_f64()), (Some("\"1\""), Some(12.0)));
    assert_eq!(app.get(&format!("{path}?version=3"), &viewer).send().await.unwrap().status(), 404);
    let p = problem(app.get(&format!("{path}?version=zero"), &viewer).send().await.unwrap()).await;
    assert_eq!(p["errors"][0]["parameter"], "version");

    let (status, _, list) = json_of(app.get("/library/company", &viewer).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!((list["items"][0]["version"].as_u64(), &list["next_cursor"]), (Some(2), &Value::Null));

    assert_eq!(app.delete(path, &designer).send().await.unwrap().status(), 428);
    assert_eq!(app.delete(path, &designer).header("if-match", "\"1\"").send().await.unwrap().status(), 412);
    assert_eq!(app.delete(path, &designer).header("if-match", "\"2\"").send().await.unwrap().status(), 204);
    assert_eq!(app.get(path, &viewer).send().await.unwrap().status(), 404);
    let (_, _, list) = json_of(app.get("/library/company", &viewer).send().await.unwrap()).await;
    assert_eq!(list["items"], json!([]));

    // The audit log names the item on every change.
    let tenant = platform::ids::TenantId::parse("acme").unwrap();
    let now = time::OffsetDateTime::now_utc();
    let month = format!("{:04}-{:02}", now.year(), u8::from(now.month()));
    let events = app.gateway.backend.audit.list_month(&tenant, &month, None, 1000).await.unwrap().items;
    let done: Vec<&str> = events
        .iter()
        .filter(|e| e.event.target.as_deref() == Some("library:acme.ocr.ei") && e.event.result == platform::ports::AuditResult::Success)
        .map(|e| e.event.operation.as_str())
        .collect();
    assert_eq!(done, ["POST /library/company", "PUT /library/company/{id}", "DELETE /library/company/{id}"]);
}

/// Given an item that breaks the rules, when it is sent, then the 422 names each failing field
/// by JSON pointer, and unreadable bodies are a 400 — never a 500.
async fn bad_items_are_refused_at_their_field(app: TestApp) {
    let designer = app.token("acme", "alice", Role::Designer).await;
    // The 5 × point slower than the 3 × point: time must fall as current rises.
    let mut not_monotone = relay_item(1.0);
    not_monotone["device"]["characteristic"]["points"][3]["time_s"] = json!(13.0);
    let p = problem(app.post_json("/library/company", &designer, &not_monotone).send().await.unwrap()).await;
    assert_eq!(p["status"], 422);
    assert!(pointers(&p).iter().any(|ptr| ptr.starts_with("/device/characteristic/points/3")), "{p}");
    let mut unknown = relay_item(1.0);
    unknown["colour"] = json!("red");
    let p = problem(app.post_json("/library/company", &designer, &unknown).send().await.unwrap()).await;
    assert_eq!(pointers(&p), ["/colour"], "{p}");
    let mut bad_id = relay_item(1.0);
    bad_id["id"] = json!("acme#ocr");
    let p = problem(app.post_json("/library/company", &designer, &bad_id).send().await.unwrap()).await;
    assert_eq!(pointers(&p), ["/id"], "{p}");
    let resp = app.client.post(app.url("/library/company")).bearer_auth(&designer).header("content-type", "application/json").body("{\"id\":").send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let resp = app.client.put(app.url("/library/company/a%23b")).bearer_auth(&designer).header("if-match", "\"1\"").json(&relay_item(1.0)).send().await.unwrap();
    assert_eq!(resp.status(), 400, "an id that is not an item id");
}

/// Given company Globex's item and project, when Acme names their ids on every route, then
/// each answers 404 and Globex's item is unchanged.
async fn another_companys_items_are_not_found(app: TestApp) {
    let globex = app.token("globex", "gina", Role::Designer).await;
    let acme = app.token("acme", "alice", Role::TenantAdmin).await;
    create_item(&app, &globex, &relay_item(1.0)).await;
    let project: Value = app.post_json("/projects", &globex, &cb_multi()).send().await.unwrap().json().await.unwrap();
    let project_id = project["id"].as_str().unwrap();

    let path = "/library/company/acme.ocr.ei";
    for (what, resp) in [
        ("get", app.get(path, &acme).send().await.unwrap()),
        ("get v1", app.get(&format!("{path}?version=1"), &acme).send().await.unwrap()),
        ("put", app.put_json(path, &acme, &relay_item(2.0)).header("if-match", "\"1\"").send().await.unwrap()),
        ("put *", app.put_json(path, &acme, &relay_item(2.0)).header("if-match", "*").send().await.unwrap()),
        ("delete", app.delete(path, &acme).header("if-match", "\"1\"").send().await.unwrap()),
        ("delete *", app.delete(path, &acme).header("if-match", "*").send().await.unwrap()),
        ("updates", app.get(&format!("/projects/{project_id}/library-updates"), &acme).send().await.unwrap()),
    ] {
        assert_eq!(resp.status(), 404, "{what}");
        assert_eq!(problem(resp).await["code"], "not_found", "{what}");
    }
    let (_, _, list) = json_of(app.get("/library/company", &acme).send().await.unwrap()).await;
    assert_eq!(list["items"], json!([]), "Acme lists Globex's items");
    let (status, etag, theirs) = json_of(app.get(path, &globex).send().await.unwrap()).await;
    assert_eq!((status, etag.as_deref()), (200, Some("\"1\"")));
    assert_eq!(theirs["device"]["characteristic"]["points"][2]["time_s"], 12.0);
}

async fn import(app: &TestApp, token: &str, curve: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/library/company/csv?curve={curve}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// (row, column, code) of each error of a refused CSV file.
async fn csv_errors(resp: reqwest::Response) -> Vec<(u64, Option<String>, String)> {
    let p = problem(resp).await;
    assert_eq!((p["status"].as_u64(), p["code"].as_str()), (Some(400), Some("invalid_csv")), "{p}");
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().expect("row"), e["column"].as_str().map(str::to_owned), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

/// Given catalogue points as CSV, when a file is sound it reads into points (in UTF-8 and in
/// Shift_JIS with Japanese headers); when it holds hostile cells, every one is named by its
/// row (the header is row 1) and column.
async fn csv_files_are_read_or_refused_cell_by_cell(app: TestApp) {
    let designer = app.token("acme", "alice", Role::Designer).await;
    let rows = |f: &dyn Fn(usize, f64, f64) -> String| -> String {
        RELAY_POINTS.iter().enumerate().map(|(i, &(m, t))| f(i, m, t) + "\r\n").collect()
    };
    let sound = format!("multiple,time_s\r\n{}", rows(&|_, m, t| format!("{m},{t}")));
    let (status, _, answer) = json_of(import(&app, &designer, "relay_points", "text/csv", sound.into_bytes()).await).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["curve"], "relay_points");
    let got: Vec<(f64, f64)> = answer["points"].as_array().unwrap().iter().map(|p| (p["multiple"].as_f64().unwrap(), p["time_s"].as_f64().unwrap())).collect();
    assert_eq!(got, RELAY_POINTS);

    // Excel on Japanese Windows: Shift_JIS, Japanese headers with units.
    let ja = format!("倍率,動作時間[s]\r\n{}", rows(&|_, m, t| format!("{m},{t}")));
    let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(&ja);
    assert!(!lossy);
    let (status, _, answer) = json_of(import(&app, &designer, "relay_points", "text/csv; charset=Shift_JIS", sjis.into_owned()).await).await;
    assert_eq!((status, answer["points"].as_array().map(Vec::len)), (200, Some(7)), "{answer}");

    // One hostile cell per row, rows 3 to 7 (data rows 2 to 6; the header is row 1), in a file
    // with CR LF line ends as Excel writes them.
    let hostile = ["=1+2", "twelve", "-4", "NaN", ""];
    let file = format!(
        "multiple,time_s\r\n{}",
        rows(&|i, m, t| if (1..=5).contains(&i) { format!("{m},{}", hostile[i - 1]) } else { format!("{m},{t}") })
    );
    let errors = csv_errors(import(&app, &designer, "relay_points", "text/csv", file.into_bytes()).await).await;
    let time_s = Some("time_s".to_owned());
    for (row, code) in [(3, "formula_not_allowed"), (4, "not_a_number"), (5, "not_positive"), (6, "not_a_number"), (7, "empty_cell")] {
        assert!(errors.contains(&(row, time_s.clone(), code.to_owned())), "row {row} {code} not reported: {errors:?}");
    }
    // A formula in the multiple column, in a fuse file with Japanese headers.
    let fuse = "曲線,電流[A],時間（s）\n許容,80,300\n許容,@SUM(A1),40\n";
    let errors = csv_errors(import(&app, &designer, "fuse", "text/csv", fuse.as_bytes().to_vec()).await).await;
    assert!(errors.contains(&(3, Some("電流[A]".to_owned()), "formula_not_allowed".to_owned())), "{errors:?}");
    // One row past the 5 000-row limit is named at that row.
    let mut many = String::from("multiple,time_s\n");
    for i in 0..=domain::library::csv_import::MAX_CSV_ROWS {
        many.push_str(&format!("{},{}\n", 1.01 + i as f64 * 0.01, 1000.0 / (1.0 + i as f64)));
    }
    let errors = csv_errors(import(&app, &designer, "relay_points", "text/csv", many.into_bytes()).await).await;
    assert_eq!(errors, [(domain::library::csv_import::MAX_CSV_ROWS as u64 + 2, None, "too_many_rows".to_owned())]);

    // The request itself: a JSON body, an unknown curve.
    assert_eq!(import(&app, &designer, "relay_points", "application/json", b"{}".to_vec()).await.status(), 415);
    let p = problem(import(&app, &designer, "spline", "text/csv", b"multiple,time_s\n".to_vec()).await).await;
    assert_eq!(p["errors"][0]["parameter"], "curve");
}

/// Log-log interpolation of `points` at `x` (the line the engine draws between entered points).
fn hand(points: &[(f64, f64)], x: f64) -> f64 {
    let w = points.windows(2).find(|w| x >= w[0].0 && x <= w[1].0).expect("inside the entered span");
    let f = (x / w[0].0).ln() / (w[1].0 / w[0].0).ln();
    (w[0].1.ln() + f * (w[1].1 / w[0].1).ln()).exp()
}

async fn analyse(app: &TestApp, token: &str, project: &str) -> Value {
    let (status, _, a) = json_of(app.post_json(&format!("/projects/{project}/analysis"), token, &json!({})).send().await.unwrap()).await;
    assert_eq!(status, 200, "{a}");
    a
}

/// (300 %, 700 %) nominal times of a relay's test-sheet row, s.
fn test_sheet_times(a: &Value, id: &str) -> (f64, f64) {
    let row = a["test_sheet"].as_array().unwrap().iter().find(|r| r["device_id"] == id).expect("test sheet row");
    (row["points"][0]["nominal_s"].as_f64().unwrap(), row["points"][1]["nominal_s"].as_f64().unwrap())
}

/// Given a project whose VCB_TR1 relay and PF_TR3 fuse use company items v1 (copies in
/// `company_library`), when it is analysed, then the relay operates on the entered points and
/// the fuse's clearing line follows them; the TCC export draws the company devices; a new
/// version in the library changes nothing until adopted but is listed as an update; once
/// adopted (the project saved with the new copies) the result changes.
async fn a_project_on_company_items_follows_them_until_a_new_version_is_adopted(app: TestApp) {
    let designer = app.token("acme", "alice", Role::Designer).await;
    let relay_v1 = create_item(&app, &designer, &relay_item(1.0)).await;
    let fuse_v1 = create_item(&app, &designer, &fuse_item(1.0)).await;

    let mut doc = cb_multi();
    let (r, f) = (index(&doc, "VCB_TR1"), index(&doc, "PF_TR3"));
    doc["devices"][r]["ocr"]["library_ref"] = json!({ "id": "acme.ocr.ei", "version": 1 });
    doc["devices"][f]["fuse"]["library_ref"] = json!({ "id": "acme.pf.t", "version": 1 });
    doc["company_library"] = json!([relay_v1, fuse_v1]);
    let (status, _, project) = json_of(app.post_json("/projects", &designer, &doc).send().await.unwrap()).await;
    assert_eq!(status, 201, "{project}");
    let id = project["id"].as_str().unwrap().to_owned();

    let before = analyse(&app, &designer, &id).await;
    // Test sheet at 300 % and 700 % of tap: the entered points (3 ×, 12 s) and (7 ×, 2 s) ×
    // TMS 0.6 = 7.2 s and 1.2 s (the JIS EI formula would give 6.0 s and 1.0 s).
    let (t300, t700) = test_sheet_times(&before, "VCB_TR1");
    assert!(rel(t300, 7.2) < TOL && rel(t700, 1.2) < TOL, "{t300} s, {t700} s");
    // PF_TR3's clearing line: every sampled point between 100 A and 4 000 A lies on the
    // log-log line through the entered points, e.g. 800 A → 0.207 418 s.
    assert!(rel(hand(&CLEARING, 800.0), 0.207_417_816) < 1e-8);
    let curve = before["chart"]["curves"].as_array().unwrap().iter().find(|c| c["device_id"] == "PF_TR3").expect("PF_TR3 on the chart");
    let scale = curve["current_scale"].as_f64().unwrap();
    let line = curve["lines"].as_array().unwrap().iter().find(|l| l["line"] == "clearing").expect("clearing line");
    let mut checked = 0;
    for q in line["points"].as_array().unwrap() {
        let amps = q["current_a"].as_f64().unwrap() / scale;
        if (100.0..=4000.0).contains(&amps) {
            let t = q["time_s"].as_f64().unwrap();
            assert!(rel(t, hand(&CLEARING, amps)) < TOL, "{amps} A: {t} s vs {} s", hand(&CLEARING, amps));
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} sampled points on the entered span");
    // The setting table names whose data each device rests on.
    let named = |a: &Value, id: &str| -> String {
        a["setting_table"].as_array().unwrap().iter().find(|r| r["device_id"] == id).unwrap()["library_item"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(named(&before, "VCB_TR1"), "Acme 電機 OCR-9E（Acme 保護継電器カタログ No. C-123 第1版; acme.ocr.ei v1）");
    assert!(named(&before, "PF_TR3").contains("acme.pf.t v1"));

    // The coordination chart towards TR3's feeder, drawn as SVG, shows the company PF.
    let export = json!({ "what": "tcc", "format": "svg", "path": "F3" });
    let (status, _, made) = json_of(app.post_json(&format!("/projects/{id}/exports"), &designer, &export).send().await.unwrap()).await;
    assert_eq!(status, 201, "{made}");
    let svg = app.client.get(made["url"].as_str().unwrap()).send().await.unwrap().text().await.unwrap();
    assert!(svg.contains("<svg"), "not an SVG");
    let pf_name = doc["devices"][f]["name"].as_str().unwrap();
    assert!(svg.contains(pf_name) || svg.contains("PF_TR3"), "the TCC does not name PF_TR3 ({pf_name})");

    // The library publishes version 2 of both items (every time 1.5 × longer).
    for (path, item) in [("/library/company/acme.ocr.ei", relay_item(1.5)), ("/library/company/acme.pf.t", fuse_item(1.5))] {
        let resp = app.put_json(path, &designer, &item).header("if-match", "\"1\"").send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
    }
    let unchanged = analyse(&app, &designer, &id).await;
    assert_eq!(unchanged, before, "a new library version changed a project that did not adopt it");
    let (status, etag, updates) = json_of(app.get(&format!("/projects/{id}/library-updates"), &designer).send().await.unwrap()).await;
    assert_eq!((status, etag.as_deref()), (200, Some("\"1\"")), "{updates}");
    let mut listed: Vec<(String, String, u64, u64)> = updates["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["device_id"].as_str().unwrap().to_owned(), d["pointer"].as_str().unwrap().to_owned(), d["project_version"].as_u64().unwrap(), d["latest_version"].as_u64().unwrap()))
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        [
            ("PF_TR3".to_owned(), format!("/devices/{f}/fuse/library_ref"), 1, 2),
            ("VCB_TR1".to_owned(), format!("/devices/{r}/ocr/library_ref"), 1, 2),
        ]
    );

    // Adopt: the client copies the new versions into the project and moves the references.
    let relay_v2 = json_of(app.get("/library/company/acme.ocr.ei", &designer).send().await.unwrap()).await.2;
    let fuse_v2 = json_of(app.get("/library/company/acme.pf.t", &designer).send().await.unwrap()).await.2;
    doc["devices"][r]["ocr"]["library_ref"]["version"] = json!(2);
    doc["devices"][f]["fuse"]["library_ref"]["version"] = json!(2);
    doc["company_library"] = json!([relay_v2, fuse_v2]);
    let resp = app.put_json(&format!("/projects/{id}"), &designer, &doc).header("if-match", "\"1\"").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let adopted = analyse(&app, &designer, &id).await;
    // 300 % of tap is now 12 × 1.5 × 0.6 = 10.8 s; 700 %: 2 × 1.5 × 0.6 = 1.8 s.
    let (t300, t700) = test_sheet_times(&adopted, "VCB_TR1");
    assert!(rel(t300, 10.8) < TOL && rel(t700, 1.8) < TOL, "{t300} s, {t700} s");
    assert!(named(&adopted, "VCB_TR1").ends_with("acme.ocr.ei v2）"), "{}", named(&adopted, "VCB_TR1"));
    let (_, _, updates) = json_of(app.get(&format!("/projects/{id}/library-updates"), &designer).send().await.unwrap()).await;
    assert_eq!(updates["devices"], json!([]));
    assert_eq!(updates["project_version"], 2);
}

both_backends!(
    items_are_written_only_over_the_version_read,
    bad_items_are_refused_at_their_field,
    another_companys_items_are_not_found,
    csv_files_are_read_or_refused_cell_by_cell,
    a_project_on_company_items_follows_them_until_a_new_version_is_adopted,
);
