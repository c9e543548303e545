//! Every route's largest answer fits a synchronous Lambda answer (6 MB with its envelope: a
//! text body as a JSON string, a binary or compressed one as base64), with and without
//! `Accept-Encoding: gzip`, and is complete — except the study of the very largest projects,
//! which needs gzip and says so to a client without it. The largest project the rules allow
//! (`MAX_DEVICES`) stands for the worst case of the project routes; a full page for the lists.

use crate::support;

use platform::http::MAX_ANSWER_BYTES;
use platform::auth::Role;
use serde_json::Value;
use crate::support::TestApp;

/// The size of an answer inside Lambda's envelope, measured from what the client received.
struct Carried {
    status: u16,
    bytes: usize,
    gzip: bool,
    body: Vec<u8>,
}

async fn carried(req: reqwest::RequestBuilder, gzip: bool) -> Carried {
    let req = if gzip { req.header("accept-encoding", "gzip") } else { req };
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let compressed = resp.headers().get("content-encoding").is_some();
    let textual = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json") || t.starts_with("image/svg") || t.starts_with("text/plain"));
    let body = resp.bytes().await.unwrap().to_vec();
    let bytes = if compressed || !textual {
        body.len().div_ceil(3) * 4
    } else {
        serde_json::to_string(std::str::from_utf8(&body).unwrap()).unwrap().len() - 2
    };
    let body = if compressed {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out).unwrap();
        out
    } else {
        body
    };
    Carried { status, bytes, gzip: compressed, body }
}

#[tokio::test]
async fn the_largest_answer_of_every_project_route_fits_a_lambda_answer_and_is_complete() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::TenantAdmin).await;
    let max = domain::validate::MAX_DEVICES;
    let mut doc: Value = serde_json::from_str(&domain::synthetic::site_json(max)).unwrap();
    doc["name"] = Value::String("最大の構内 ".repeat(8).trim_end().to_owned());
    let request_body = serde_json::to_string(&doc).unwrap();
    // The request must fit too (API Gateway passes a text body as a JSON string).
    let request_bytes = serde_json::to_string(&request_body).unwrap().len();
    assert!(request_bytes < MAX_ANSWER_BYTES, "the largest project is {request_bytes} bytes as a request");

    let created = app.post_json("/projects", &token, &doc).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    // A full page of projects with the longest names.
    for n in 0..99 {
        let small = support::sample_project(&format!("{} {n}", "長い名前の案件".repeat(28)));
        assert_eq!(app.post_json("/projects", &token, &small).send().await.unwrap().status(), 201);
    }

    let direct = domain::analysis::parse_and_analyze(&request_body).unwrap();
    let mut report = Vec::new();
    for gzip in [false, true] {
        let cases: Vec<(&str, reqwest::RequestBuilder)> = vec![
            ("GET /projects/{id}", app.get(&format!("/projects/{id}"), &token)),
            ("PUT /projects/{id}", app.put_json(&format!("/projects/{id}"), &token, &doc).header("if-match", etag.clone())),
            ("GET /projects?limit=100", app.get("/projects?limit=100", &token)),
            ("POST /projects/{id}/analysis", app.post_json(&format!("/projects/{id}/analysis"), &token, &Value::Null)),
            ("POST /analysis", app.post_json("/analysis", &token, &doc)),
            ("POST /render/sld", app.post_json("/render/sld", &token, &doc)),
            ("GET /projects/{id}/library-updates", app.get(&format!("/projects/{id}/library-updates"), &token)),
            ("GET /library", app.get("/library", &token)),
            ("GET /audit?limit=1000", app.get("/audit?limit=1000", &token)),
        ];
        for (route, req) in cases {
            // PUT changes the version: the second pass sends the current one.
            let req = if route.starts_with("PUT") {
                let current = app.get(&format!("/projects/{id}"), &token).send().await.unwrap();
                let etag = current.headers()["etag"].to_str().unwrap().to_owned();
                app.put_json(&format!("/projects/{id}"), &token, &doc).header("if-match", etag)
            } else {
                req
            };
            let c = carried(req, gzip).await;
            // The study of the largest project is megabytes of JSON: it travels compressed.
            // A client that does not accept gzip is told so, never sent a cut answer.
            if !gzip && route.contains("analysis") && c.status == 400 {
                let problem: Value = serde_json::from_slice(&c.body).unwrap();
                assert_eq!(problem["code"], "answer_too_large", "{route}");
                assert!(problem["detail"].as_str().unwrap().contains("Accept-Encoding: gzip"), "{problem}");
                report.push(format!("{route}: answer_too_large without gzip"));
                continue;
            }
            assert_eq!(c.status, 200, "{route} (gzip {gzip}): {}", String::from_utf8_lossy(&c.body[..c.body.len().min(400)]));
            assert!(c.bytes < MAX_ANSWER_BYTES, "{route} (gzip {gzip}) is {} bytes in a Lambda answer", c.bytes);
            report.push(format!("{route}{}: {} bytes carried", if c.gzip { " (gzip)" } else { "" }, c.bytes));

            // Complete: the answer holds everything.
            match route {
                "GET /projects/{id}" | "PUT /projects/{id}" => {
                    let got: Value = serde_json::from_slice(&c.body).unwrap();
                    assert_eq!(got["content"]["devices"].as_array().unwrap().len(), max, "{route}");
                }
                "POST /projects/{id}/analysis" | "POST /analysis" => {
                    let got: Value = serde_json::from_slice(&c.body).unwrap();
                    assert_eq!(got, serde_json::to_value(&direct).unwrap(), "{route}: the engine's whole study");
                }
                "POST /render/sld" => {
                    let svg = String::from_utf8(c.body.clone()).unwrap();
                    let drawn = doc["devices"].as_array().unwrap().iter().filter(|d| svg.contains(&format!("data-device=\"{}\"", d["id"].as_str().unwrap()))).count();
                    assert_eq!(drawn, max, "every device is on the diagram");
                }
                "GET /projects?limit=100" => {
                    let got: Value = serde_json::from_slice(&c.body).unwrap();
                    assert_eq!(got["items"].as_array().unwrap().len(), 100);
                }
                _ => {}
            }
        }
    }
    println!("{}", report.join("\n"));
}

/// An answer that would not fit is refused with a reason, never cut or lost in the cloud:
/// the size as Lambda carries it is what counts.
#[test]
fn the_size_counted_is_the_size_lambda_carries() {
    use lambda_http::Body;
    let text = "{\"a\":\"b\\\\c\n\"}";
    let as_json_string = serde_json::to_string(text).unwrap().len() - 2;
    assert_eq!(platform::http::answer_bytes(&Body::Text(text.to_owned())), as_json_string);
    assert_eq!(platform::http::answer_bytes(&Body::Binary(vec![0; 10])), 16);
    assert_eq!(platform::http::answer_bytes(&Body::Empty), 0);
}
