//! The integrity job (`GET /ops/integrity`, run daily by EventBridge Scheduler; `kyocho
//! verify` locally) on both backends: with everything intact it reports no failure; after
//! the test plants an edited audit event in one company's chain and a corrupted sealed
//! project in another's, it names exactly those two, and nothing else.

use platform::auth::Role;
use serde_json::{json, Value};
use crate::support::TestApp;

both_backends!(the_integrity_job_finds_a_broken_audit_link_and_a_corrupted_sealed_item);

async fn json_of(resp: reqwest::Response) -> Value {
    resp.json().await.expect("JSON")
}

/// Edit the second event of `tenant`'s chain in storage (its detail), as someone rewriting
/// history would.
async fn plant_edited_event(app: &TestApp, tenant: &str) {
    match app.target() {
        Some(target) => {
            let (dynamo, table) = target.dynamo().unwrap();
            let mut items: Vec<_> = kyocho_tests::contract::scan(dynamo, table)
                .await
                .into_iter()
                .filter(|i| i.get("PK").and_then(|v| v.as_s().ok()).is_some_and(|pk| pk.starts_with(&format!("TENANT#{tenant}#AUDIT#"))))
                .collect();
            items.sort_by_key(|i| i.get("seq").and_then(|v| v.as_n().ok()).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0));
            let mut item = items.into_iter().nth(1).expect("a second event");
            let mut doc: Value = serde_json::from_str(item["doc"].as_s().unwrap()).unwrap();
            doc["detail"] = json!("200 (rewritten)");
            item.insert("doc".into(), aws_sdk_dynamodb::types::AttributeValue::S(doc.to_string()));
            dynamo.put_item().table_name(table).set_item(Some(item)).send().await.unwrap();
        }
        None => {
            let db = rusqlite::Connection::open(app.data_dir().join("kyocho.db")).unwrap();
            let n = db
                .execute("UPDATE audit SET doc = json_set(doc, '$.detail', '200 (rewritten)') WHERE tenant = ?1 AND seq = 2", [tenant])
                .unwrap();
            assert_eq!(n, 1);
        }
    }
}

/// Flip one byte inside `tenant`'s sealed project content in storage.
async fn plant_corrupted_project(app: &TestApp, tenant: &str, project: &str) {
    match app.target() {
        Some(target) => {
            let (dynamo, table) = target.dynamo().unwrap();
            let mut item = kyocho_tests::contract::scan(dynamo, table)
                .await
                .into_iter()
                .find(|i| {
                    i.get("PK").and_then(|v| v.as_s().ok()).is_some_and(|pk| pk == &format!("TENANT#{tenant}"))
                        && i.get("SK").and_then(|v| v.as_s().ok()).is_some_and(|sk| sk.starts_with(&format!("PART#{project}#")))
                })
                .expect("a content part");
            let mut data = item["data"].as_b().unwrap().as_ref().to_vec();
            let mid = data.len() / 2;
            data[mid] ^= 0x55;
            item.insert("data".into(), aws_sdk_dynamodb::types::AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(data)));
            dynamo.put_item().table_name(table).set_item(Some(item)).send().await.unwrap();
        }
        None => {
            let db = rusqlite::Connection::open(app.data_dir().join("kyocho.db")).unwrap();
            let mut content: Vec<u8> = db.query_row("SELECT content FROM projects WHERE tenant = ?1 AND id = ?2", [tenant, project], |r| r.get(0)).unwrap();
            let mid = content.len() / 2;
            content[mid] ^= 0x55;
            db.execute("UPDATE projects SET content = ?3 WHERE tenant = ?1 AND id = ?2", rusqlite::params![tenant, project, content]).unwrap();
        }
    }
}

async fn the_integrity_job_finds_a_broken_audit_link_and_a_corrupted_sealed_item(app: TestApp) {
    let op = app.operator_token("olga");
    let acme = app.token("acme", "ann", Role::TenantAdmin).await;
    let globex = app.token("globex", "gil", Role::TenantAdmin).await;
    for token in [&acme, &globex] {
        let p = app.create_project(token, "Plant").await;
        let pid = p["id"].as_str().unwrap();
        assert_eq!(app.post_json(&format!("/projects/{pid}/exports"), token, &json!({ "what": "sld", "format": "svg" })).send().await.unwrap().status(), 201);
        app.create_project(token, "Second plant").await;
    }
    let globex_project = json_of(app.get("/projects", &globex).send().await.unwrap()).await["items"][0]["id"].as_str().unwrap().to_owned();

    let clean = json_of(app.get("/ops/integrity", &op).send().await.unwrap()).await;
    assert_eq!(clean["failures"], 0, "{clean:#}");
    let checked: Vec<&str> = clean["tenants"].as_array().unwrap().iter().map(|t| t["tenant"].as_str().unwrap()).collect();
    assert!(checked.contains(&"acme") && checked.contains(&"globex"), "{checked:?}");
    let acme_report = clean["tenants"].as_array().unwrap().iter().find(|t| t["tenant"] == "acme").unwrap();
    assert!(acme_report["audit"]["events"].as_u64().unwrap() >= 4);
    assert!(acme_report["sealed"]["checked"].as_u64().unwrap() >= 2);
    assert!(acme_report["exports"]["checked"].as_u64().unwrap() >= 1);
    // A tenant's token does not run it.
    assert_eq!(app.get("/ops/integrity", &acme).send().await.unwrap().status(), 403);

    plant_edited_event(&app, "acme").await;
    plant_corrupted_project(&app, "globex", &globex_project).await;

    let found = json_of(app.get("/ops/integrity", &op).send().await.unwrap()).await;
    assert_eq!(found["failures"], 2, "{found:#}");
    let of = |t: &str| found["tenants"].as_array().unwrap().iter().find(|r| r["tenant"] == t).cloned().unwrap();
    let a = of("acme");
    assert_eq!(a["audit"]["intact"], false);
    assert_eq!(a["audit"]["first_broken"]["seq"], 2);
    assert_eq!(a["audit"]["first_broken"]["reason"], "hash_mismatch");
    assert!(a["sealed"]["failed"].as_array().unwrap().is_empty(), "acme's sealed items are fine");
    let g = of("globex");
    assert_eq!(g["audit"]["intact"], true, "globex's chain is fine");
    assert_eq!(g["sealed"]["failed"], json!([format!("project:{globex_project}")]));
    // One company alone.
    let one = json_of(app.get("/ops/integrity?tenant=globex", &op).send().await.unwrap()).await;
    assert_eq!(one["tenants"].as_array().unwrap().len(), 1);
    assert_eq!(one["failures"], 1);

    // Locally, `kyocho verify` says the same and fails.
    if app.target().is_none() {
        assert!(!kyocho::ops::verify(app.data_dir(), None).await.unwrap(), "kyocho verify fails");
        assert!(kyocho::ops::verify(app.data_dir(), Some("acme")).await.is_ok());
    }
}
