//! Many writers on one project at once, on both backends: optimistic concurrency holds under
//! load, so no engineer's change is ever silently lost.

use platform::auth::Role;
use serde_json::Value;
use crate::support::{join_all, sample_project, TestApp};

both_backends!(fifty_writers_on_one_version_one_wins_the_rest_get_412_and_nothing_is_lost);

/// Given a project at version 1, when 50 clients replace it at once, each with
/// `If-Match: "1"` and its own name, then exactly one gets 200 (version 2) and the other 49
/// get 412 naming version 2; the stored project is the winner's, whole; then, when the 49
/// retry one after another with the version they are told, every retry wins in turn
/// (version 51 at the end); and the audit chain of all this verifies whole.
async fn fifty_writers_on_one_version_one_wins_the_rest_get_412_and_nothing_is_lost(app: TestApp) {
    let token = app.token("acme", "ann", Role::TenantAdmin).await;
    let created = app.create_project(&token, "Plant").await;
    let id = created["id"].as_str().expect("id").to_owned();
    let path = format!("/projects/{id}");
    let writers: Vec<_> = (0..50)
        .map(|i| {
            let req = app.put_json(&path, &token, &sample_project(&format!("writer {i}"))).header("if-match", "\"1\"");
            async move {
                let resp = req.send().await.expect("send");
                let status = resp.status().as_u16();
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                (i, status, body)
            }
        })
        .collect();
    let answers = join_all(writers).await;
    let winners: Vec<_> = answers.iter().filter(|(_, s, _)| *s == 200).collect();
    assert_eq!(winners.len(), 1, "{} backend: one write per version: {:?}", app.backend_name(), answers.iter().map(|a| a.1).collect::<Vec<_>>());
    let losers: Vec<_> = answers.iter().filter(|(_, s, _)| *s == 412).collect();
    assert_eq!(losers.len(), 49, "{} backend: the rest are told the project changed", app.backend_name());
    for (_, _, body) in &losers {
        assert_eq!(body["current_version"].as_u64(), Some(2), "{body}");
    }
    let (winner, _, won) = winners[0];
    assert_eq!(won["version"].as_u64(), Some(2));
    let stored: Value = app.get(&path, &token).send().await.expect("get").json().await.expect("json");
    assert_eq!(stored["name"], format!("writer {winner}"), "the stored project is the winner's");
    assert_eq!(stored["version"].as_u64(), Some(2));
    assert_eq!(stored["content"], sample_project(&format!("writer {winner}")), "the content is the winner's, whole");

    // Each loser retries with the version it is told: every change lands, in turn.
    let mut version = 2;
    for (i, _, _) in &losers {
        let resp = app
            .put_json(&path, &token, &sample_project(&format!("writer {i}")))
            .header("if-match", format!("\"{version}\""))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 200, "retry of writer {i} at version {version}");
        version += 1;
    }
    assert_eq!(version, 51);

    let report: Value = app.get("/audit/verify", &token).send().await.expect("verify").json().await.expect("json");
    assert_eq!(report["intact"], true, "{} backend: {report}", app.backend_name());
    // Create, then 50 + 49 replaces: each change has its started and outcome events.
    assert!(report["events"].as_u64().is_some_and(|n| n >= 2 * (1 + 50 + 49)), "{report}");
}
