//! A company's whole life over HTTP, on the local edition and on moto: the operator sets it
//! up (its own key, its first administrator invited through the outbox), its users work,
//! it is suspended and resumed, its contract ends (the final archive is taken), and it is
//! purged. Afterwards no record, object version, user or key of it remains — the test lists
//! the table (or the database) and the bucket (or the blob folder) — another company is
//! untouched, and the signed deletion certificate verifies while a tampered one does not.

use platform::auth::Role;
use platform::ids::TenantId;
use serde_json::{json, Value};
use crate::support::TestApp;

both_backends!(a_company_is_set_up_used_ended_and_purged_leaving_only_its_certificate);

async fn json_of(resp: reqwest::Response) -> Value {
    resp.json().await.expect("JSON")
}

/// Every place a company's data could remain, as (place, key) pairs naming it.
async fn remains(app: &TestApp, tenant: &str) -> Vec<String> {
    let mut found = Vec::new();
    match app.target() {
        Some(target) => {
            let (dynamo, table) = target.dynamo().expect("dynamo");
            for item in kyocho_tests::contract::scan(dynamo, table).await {
                let pk = item.get("PK").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
                let sk = item.get("SK").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
                let tenant_attr = item.get("tenant").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
                let names_it = pk.starts_with(&format!("TENANT#{tenant}")) || sk.starts_with(&format!("{tenant}#")) || tenant_attr == tenant;
                // The registry entry is the service's record of the contract, kept on purpose.
                if names_it && !(pk == "REGISTRY#TENANT" && sk == tenant) {
                    found.push(format!("table: {pk} | {sk}"));
                }
            }
            let (s3, bucket) = target.s3().expect("s3");
            let listed = s3.list_object_versions().bucket(bucket).prefix(format!("tenants/{tenant}/")).send().await.expect("list versions");
            for v in listed.versions() {
                found.push(format!("bucket: {} ({:?})", v.key().unwrap_or(""), v.version_id()));
            }
            for m in listed.delete_markers() {
                found.push(format!("bucket delete marker: {}", m.key().unwrap_or("")));
            }
        }
        None => {
            let db = rusqlite::Connection::open(app.data_dir().join("kyocho.db")).expect("database");
            for table in ["tenants", "users", "projects", "audit", "user_emails", "library_versions", "library_heads", "admin_guards", "desk", "lockout_counters"] {
                let column = if table == "tenants" { "id" } else { "tenant" };
                let n: i64 = db.query_row(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?1"), [tenant], |r| r.get(0)).expect("count");
                if n > 0 {
                    found.push(format!("database: {n} row(s) in {table}"));
                }
            }
            let n: i64 = db.query_row("SELECT COUNT(*) FROM idp_users WHERE username LIKE ?1", [format!("{tenant}.%")], |r| r.get(0)).expect("count");
            if n > 0 {
                found.push(format!("database: {n} sign-in identities"));
            }
            let blobs = app.data_dir().join("blobs").join("tenants").join(tenant);
            if blobs.exists() {
                found.push(format!("blob folder {}", blobs.display()));
            }
        }
    }
    found
}

/// Given the operator and two companies, when acme is provisioned, used, suspended, resumed,
/// terminated (its final archive taken) and purged, then nothing of acme remains but its
/// registry entry and certificate, its key is pending deletion (KMS) or destroyed (local),
/// globex still works, acme's id cannot be given again, and the certificate verifies with
/// the service's public key — and fails once a count is changed.
async fn a_company_is_set_up_used_ended_and_purged_leaving_only_its_certificate(app: TestApp) {
    let op = app.operator_token("olga");
    let outbox = app.gateway.local_identity.outbox();

    // Provisioning: its key, its record, its administrator invited through the outbox.
    let created = app
        .post_json("/ops/tenants", &op, &json!({ "id": "acme", "name": "Acme 電設", "admin_email": "boss@acme.example", "admin_name": "Akiko Boss" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created = json_of(created).await;
    assert_eq!(created["tenant"]["status"], "active");
    assert!(outbox.messages().iter().any(|m| m.to == "boss@acme.example" && m.code.is_some()), "the invitation with a temporary password");
    let taken = app.post_json("/ops/tenants", &op, &json!({ "id": "acme", "name": "x", "admin_email": "x@x.example", "admin_name": "x" })).send().await.unwrap();
    assert_eq!(taken.status(), 409);
    let reserved = app.post_json("/ops/tenants", &op, &json!({ "id": "_x", "name": "x", "admin_email": "x@x.example", "admin_name": "x" })).send().await.unwrap();
    assert_eq!(reserved.status(), 422);
    // A tenant's token never provisions.
    let (_, stranger) = app.user("globex", "gil", Role::TenantAdmin).await;
    assert_eq!(app.post_json("/ops/tenants", &stranger, &json!({})).send().await.unwrap().status(), 403);

    // The company works: projects, exports, an inquiry, a support grant.
    let tenant = TenantId::parse("acme").unwrap();
    let admin = app.gateway.backend.users.list_users(&tenant).await.unwrap().into_iter().next().expect("the administrator");
    let token = app.gateway.keys.mint(&admin.sub, "acme").unwrap();
    let p1 = app.create_project(&token, "Plant 1").await;
    let p1 = p1["id"].as_str().unwrap().to_owned();
    app.create_project(&token, "Plant 2").await;
    let export = app.post_json(&format!("/projects/{p1}/exports"), &token, &json!({ "what": "sld", "format": "pdf" })).send().await.unwrap();
    assert_eq!(export.status(), 201);
    assert_eq!(app.post_json("/inquiries", &token, &json!({ "category": "usage", "severity": "low", "subject": "s", "text": "t" })).send().await.unwrap().status(), 201);
    assert_eq!(app.post_json("/support-grants", &token, &json!({ "project_id": p1, "hours": 2 })).send().await.unwrap().status(), 201);
    let globex_project = app.create_project(&stranger, "Globex plant").await;
    let globex_project = globex_project["id"].as_str().unwrap().to_owned();

    // Suspended: a clear 403 with a stable code; resumed: back to work.
    assert_eq!(app.post_json("/ops/tenants/acme/suspend", &op, &json!({})).send().await.unwrap().status(), 200);
    let refused = app.get("/projects", &token).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(json_of(refused).await["code"], "tenant_suspended");
    assert_eq!(app.get("/projects", &stranger).send().await.unwrap().status(), 200, "another company is not suspended");
    assert_eq!(app.post_json("/ops/tenants/acme/resume", &op, &json!({})).send().await.unwrap().status(), 200);
    assert_eq!(app.get("/projects", &token).send().await.unwrap().status(), 200);

    // The contract ends: nothing but the final archive answers.
    let terminated = app.post_json("/ops/tenants/acme/terminate", &op, &json!({ "archive_days": 0 })).send().await.unwrap();
    assert_eq!(terminated.status(), 200);
    assert_eq!(json_of(terminated).await["status"], "terminating");
    assert!(outbox.messages().iter().any(|m| m.to == "boss@acme.example" && m.subject.contains("最終アーカイブ")), "the administrators are told");
    let refused = app.get("/projects", &token).send().await.unwrap();
    assert_eq!(json_of(refused).await["code"], "tenant_terminating");
    let final_archive = app.get("/final-archive", &token).send().await.unwrap();
    assert_eq!(final_archive.status(), 200);
    let final_archive = json_of(final_archive).await;
    let zip = app.client.get(final_archive["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    let read = archive::read_archive(&zip, &archive::Limits::default()).expect("the final archive reads");
    let names: Vec<&str> = read.manifest().projects.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), 2, "both projects: {names:?}");
    assert_eq!(final_archive["sha256"].as_str().unwrap().len(), 64);

    // Its own key: rotated yearly, with the policy that lets only its sessions use it.
    if let (Some(kms), Some(cfg)) = (app.target().and_then(|t| t.kms()), app.target().and_then(|t| t.aws_config())) {
        let alias = format!("{}acme", cfg.key_alias_prefix);
        let key_id = kms.describe_key().key_id(&alias).send().await.unwrap().key_metadata().unwrap().key_id().to_owned();
        assert_eq!(kms.get_key_rotation_status().key_id(&key_id).send().await.unwrap().key_rotation_enabled(), true);
        let policy = kms.get_key_policy().key_id(&key_id).policy_name("default").send().await.unwrap();
        let policy = policy.policy().unwrap_or_default();
        assert!(policy.contains("kms:EncryptionContext:tenant_id") && policy.contains("NoOneElseDecrypts"), "{policy}");
    }

    // The purge.
    assert!(!remains(&app, "acme").await.is_empty(), "acme's data is there before the purge");
    let purged = app.post_json("/ops/tenants/acme/purge", &op, &json!({})).send().await.unwrap();
    assert_eq!(purged.status(), 200);
    let certificate_json = purged.bytes().await.unwrap().to_vec();
    let left = remains(&app, "acme").await;
    assert!(left.is_empty(), "acme's data remains after the purge: {left:#?}");
    assert!(app.gateway.backend.users.list_users(&tenant).await.unwrap().is_empty());
    assert!(app.gateway.backend.users.user_by_sub(&admin.sub).await.unwrap().is_none());
    assert_eq!(app.get("/projects", &token).send().await.unwrap().status(), 401, "the user is gone");

    // The key: pending deletion in KMS, its file gone locally — nothing sealed for acme opens.
    match app.target().and_then(|t| t.kms()) {
        Some(kms) => {
            let certificate: Value = serde_json::from_slice(&certificate_json).unwrap();
            let key_id = certificate["certificate"]["key"]["key_id"].as_str().unwrap().to_owned();
            let described = kms.describe_key().key_id(&key_id).send().await.unwrap();
            assert_eq!(described.key_metadata().unwrap().key_state(), Some(&aws_sdk_kms::types::KeyState::PendingDeletion));
        }
        None => {
            let keys = platform::local::keys_dir(app.data_dir()).unwrap();
            assert!(!keys.join("tenant-acme.key").exists(), "the local key file is destroyed");
        }
    }
    assert!(app.gateway.backend.sealer.seal(&tenant, b"x", b"y").await.is_err(), "no data key for acme any more");

    // Another company is untouched.
    let theirs = app.get(&format!("/projects/{globex_project}"), &stranger).send().await.unwrap();
    assert_eq!(theirs.status(), 200);
    assert_eq!(json_of(theirs).await["name"], "Globex plant");
    assert!(!remains(&app, "globex").await.is_empty());

    // The registry remembers: terminated, certified, the id never given again.
    let entry = json_of(app.get("/ops/tenants/acme", &op).send().await.unwrap()).await;
    assert_eq!(entry["status"], "terminated");
    assert_eq!(entry["certified"], true);
    let again = app.post_json("/ops/tenants", &op, &json!({ "id": "acme", "name": "Acme again", "admin_email": "a@a.example", "admin_name": "A" })).send().await.unwrap();
    assert_eq!(again.status(), 409);

    // The certificate: as issued, as stored, as a PDF; it verifies, a tampered one does not.
    let stored = app.get("/ops/tenants/acme/certificate", &op).send().await.unwrap().bytes().await.unwrap().to_vec();
    assert_eq!(stored, certificate_json);
    let key = app.get("/ops/certificate-key", &op).send().await.unwrap().bytes().await.unwrap().to_vec();
    let summary = certificate::verify_file(&certificate_json, &key).expect("the certificate verifies");
    let text = summary.to_string();
    assert!(text.contains("acme"), "{text}");
    let mut doc: Value = serde_json::from_slice(&certificate_json).unwrap();
    assert_eq!(doc["certificate"]["deleted"]["users"], 1);
    // The company, its administrator, two projects and the grant at least.
    assert!(doc["certificate"]["deleted"]["records"].as_u64().unwrap() >= 5, "{}", doc["certificate"]["deleted"]);
    assert_eq!(doc["certificate"]["deleted"]["inquiries"], 1);
    assert!(doc["certificate"]["deleted"]["object_versions"].as_u64().unwrap() >= 2, "the export and the final archive");
    assert_eq!(doc["certificate"]["evidence"]["manifest_sha256"], final_archive["sha256"]);
    doc["certificate"]["deleted"]["users"] = json!(0);
    let tampered = serde_json::to_vec(&doc).unwrap();
    assert!(certificate::verify_file(&tampered, &key).is_err(), "a tampered certificate does not verify");
    let pdf = app.get("/ops/tenants/acme/certificate?format=pdf", &op).send().await.unwrap();
    assert_eq!(pdf.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/pdf"));
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // Every step is in the operator's log; the purge left nothing in acme's (there is none).
    let month = time::OffsetDateTime::now_utc().format(time::macros::format_description!("[year]-[month]")).unwrap();
    let log = app.gateway.backend.audit.list_month(&TenantId::operator_log(), &month, None, 500).await.unwrap();
    let ops: Vec<&str> = log.items.iter().filter(|e| e.event.result == platform::ports::AuditResult::Success).map(|e| e.event.operation.as_str()).collect();
    for want in ["POST /ops/tenants", "POST /ops/tenants/{tenant}/suspend", "POST /ops/tenants/{tenant}/terminate", "POST /ops/tenants/{tenant}/purge"] {
        assert!(ops.contains(&want), "{want} missing from the operator's log: {ops:?}");
    }
}
