//! `GET /library` and `GET /library/{id}` over HTTP: the engine's built-in device library for
//! the library picker, the same items a project's `library_ref` resolves against.

use platform::auth::Role;
use serde_json::Value;
use crate::support::{problem, TestApp};

#[tokio::test]
async fn the_library_lists_every_kind_with_the_engines_own_items() {
    let app = TestApp::spawn().await;
    let viewer = app.token("acme", "victor", Role::Viewer).await;

    let resp = app.get("/library", &viewer).send().await.unwrap();
    assert_eq!(resp.status(), 200, "a viewer may read the library");
    let library: Value = resp.json().await.unwrap();
    let builtin = domain::library::builtin();
    for (kind, count) in [
        ("relays", builtin.relays.len()),
        ("fuses", builtin.fuses.len()),
        ("breakers", builtin.breakers.len()),
        ("cables", builtin.cables.len()),
        ("transformers", builtin.transformers.len()),
    ] {
        assert!(count > 0, "the engine has {kind}");
        assert_eq!(library[kind].as_array().map(Vec::len), Some(count), "{kind}");
    }

    // Case B's cable: CVT 38 mm², R 0.491 Ω/km at 20 °C (docs/engineering.md §5), K = 134.
    let cable = library["cables"].as_array().unwrap().iter().find(|c| c["id"] == "cable.cvt.38").expect("cable.cvt.38");
    assert_eq!(cable["r_ohm_per_km"], 0.491);
    assert_eq!(cable["withstand_k"], 134.0);
    // A T-type PF 30 A with its curves, for the chart's preview.
    let fuse = library["fuses"].as_array().unwrap().iter().find(|f| f["id"] == "pf.t.30a").expect("pf.t.30a");
    assert_eq!(fuse["rating_a"], 30.0);
    assert_eq!(fuse["fuse_type"], "T");
}

#[tokio::test]
async fn one_item_comes_with_its_kind_and_an_unknown_id_is_a_404() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;

    let item: Value = app.get("/library/tr.3ph.500kva", &token).send().await.unwrap().json().await.unwrap();
    assert_eq!(item["kind"], "transformer");
    // Case B's transformer: 500 kVA, %R 1.2, %X 4.0 (docs/engineering.md §5).
    assert_eq!(item["item"]["rated_kva"], 500.0);
    assert_eq!(item["item"]["r_percent"], 1.2);
    assert_eq!(item["item"]["x_percent"], 4.0);

    let relay: Value = app.get("/library/ocr.jis.ei", &token).send().await.unwrap().json().await.unwrap();
    assert_eq!(relay["kind"], "relay");

    let missing = app.get("/library/pf.t.31a", &token).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(problem(missing).await["code"], "not_found");
    assert_eq!(app.client.get(app.url("/library")).send().await.unwrap().status(), 401);
}
