//! The `kyocho` binary as a newcomer uses it: `serve` on a port, `token` for a user, `curl`-like
//! requests — and one JSON log line per request on standard output.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kyocho");

/// A valid project document (reference case A) with the given name.
fn project_document(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/case_a.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["name"] = Value::String(name.to_owned());
    doc
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_then_token_then_crud_and_every_request_is_one_json_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start kyocho serve");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(30)).expect("serve prints its address");
    let base = first.split_whitespace().find(|w| w.starts_with("http://")).expect("an http:// address").to_owned();
    let mut banner = vec![first];
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(300)) {
        banner.push(line);
    }
    assert!(banner.iter().any(|l| l.contains("kyocho token")), "the banner says how to sign in: {banner:?}");

    let out = Command::new(BIN)
        .args(["token", "--tenant", "demo", "--user", "admin", "--data-dir"])
        .arg(dir.path())
        .output()
        .expect("kyocho token");
    assert!(out.status.success(), "token: {}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(token.split('.').count(), 3, "a JWT");

    let client = reqwest::Client::new();
    let created: Value = client
        .post(format!("{base}/projects"))
        .bearer_auth(&token)
        .json(&project_document("第1受電所"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().expect("created id").to_owned();
    let list: Value = client.get(format!("{base}/projects")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["items"][0]["name"], "第1受電所");
    let del = client.delete(format!("{base}/projects/{id}")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(del.status(), 204);
    let unauth = client.get(format!("{base}/projects")).send().await.unwrap();
    assert_eq!(unauth.status(), 401);
    let jwks: Value = client.get(format!("{base}/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(jwks["keys"][0]["crv"], "Ed25519");

    let mut logs = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
        logs.push(line);
    }
    drop(server);
    let requests: Vec<Value> = logs
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|_| panic!("not a JSON line: {l}")))
        .filter(|v| v["message"] == "request")
        .collect();
    let routes: Vec<(&str, u64)> =
        requests.iter().map(|v| (v["route"].as_str().unwrap_or(""), v["status"].as_u64().unwrap_or(0))).collect();
    assert_eq!(routes, vec![("POST /projects", 201), ("GET /projects", 200), ("DELETE /projects/{id}", 204), ("GET /projects", 401)]);
    for r in &requests[..3] {
        assert_eq!(r["tenant"], "demo");
        assert_eq!(r["user"], "admin");
        assert!(r["request_id"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(r["latency_ms"].as_f64().is_some());
    }
}
