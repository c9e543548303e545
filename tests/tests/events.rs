//! Every route has an API Gateway event in its function's `events/` folder, and every event
//! answers with the status its `expected-status.json` names when it runs through its
//! function's handler on a freshly seeded local world (`kyocho_tests::events::seed`) — the
//! same files `tests/lambda-invoke.sh` sends to `cargo lambda watch` on seeded moto.

use std::collections::BTreeSet;
use std::sync::Arc;

use kyocho_tests::events::{event_text, expectations, seed};
use platform::routes::ROUTES;

#[test]
fn every_route_has_an_event_with_an_expected_status() {
    let expected = expectations();
    let mut covered = BTreeSet::new();
    for (function, events) in &expected {
        for file in events.keys() {
            let path = kyocho_tests::events::repo_root().join("functions").join(function).join("events").join(file);
            let event: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).expect("JSON");
            let key = event["routeKey"].as_str().unwrap_or_else(|| panic!("{}: no routeKey", path.display())).to_owned();
            assert_eq!(event["requestContext"]["routeKey"].as_str(), Some(key.as_str()), "{}", path.display());
            let route = ROUTES.iter().find(|r| r.key() == key).unwrap_or_else(|| panic!("{}: {key} is not a route", path.display()));
            assert_eq!(route.function, function, "{}: {key} belongs to {}", path.display(), route.function);
            covered.insert(key);
        }
        // No event file without an expectation.
        let dir = kyocho_tests::events::repo_root().join("functions").join(function).join("events");
        for entry in std::fs::read_dir(&dir).expect("events folder") {
            let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && name != "expected-status.json" {
                assert!(events.contains_key(&name), "{function}/events/{name} has no expected status");
            }
        }
    }
    let missing: Vec<String> = ROUTES.iter().map(|r| r.key()).filter(|k| !covered.contains(k)).collect();
    assert!(missing.is_empty(), "routes without an event: {missing:?}");
}

#[tokio::test]
async fn every_event_answers_the_status_its_test_expects() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (function, events) in expectations() {
        let handler = kyocho::gateway::handler_for(&function).unwrap_or_else(|| panic!("no handler for {function}"));
        for (file, status) in events {
            // A world of its own for each event: the order of the files does not matter.
            let dir = tempfile::tempdir().expect("data folder");
            let (gateway, _) = kyocho::open(dir.path()).await.expect("open");
            let seeded = seed(&gateway.backend, gateway.local_identity.as_ref()).await.expect("seed");
            let text = event_text(&function, &file, &seeded);
            let mut req = lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{function}/{file}: {e}"));
            req.extensions_mut().insert(gateway.identity.clone());
            let resp = handler(Arc::clone(&gateway.backend), req).await;
            count += 1;
            if resp.status().as_u16() != status {
                let body = match resp.body() {
                    lambda_http::Body::Text(t) => t.chars().take(300).collect(),
                    lambda_http::Body::Binary(b) => format!("{} bytes", b.len()),
                    lambda_http::Body::Empty => String::new(),
                };
                failures.push(format!("{function}/{file}: {} (expected {status}) {body}", resp.status().as_u16()));
            }
        }
    }
    assert!(count >= 40, "{count} events");
    assert!(failures.is_empty(), "{} of {count} events:\n{}", failures.len(), failures.join("\n"));
}
