//! Checking a real response against its schema in `infra/openapi.yaml` (JSON Schema 2020-12,
//! `$ref`s resolved inside the document), so that a handler and its documented contract
//! cannot drift apart unnoticed.

use serde_json::{json, Value};

/// The `components/schemas` of the committed OpenAPI document.
fn components() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/openapi.yaml");
    let text = std::fs::read_to_string(&path).expect("infra/openapi.yaml");
    let doc: Value = serde_yaml::from_str(&text).expect("infra/openapi.yaml is YAML");
    json!({ "schemas": doc["components"]["schemas"].clone() })
}

/// Every way `value` breaks the schema `name`, as `instance path: message` lines.
pub fn violations(name: &str, value: &Value) -> Vec<String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": components(),
    });
    let validator = jsonschema::draft202012::new(&root).unwrap_or_else(|e| panic!("the schema {name} does not compile: {e}"));
    validator.iter_errors(value).map(|e| format!("{}: {e}", e.instance_path())).take(20).collect()
}

/// Fail unless `value` matches the schema `name`.
pub fn assert_matches(name: &str, value: &Value) {
    let problems = violations(name, value);
    assert!(problems.is_empty(), "the response does not match components/schemas/{name}:\n  {}", problems.join("\n  "));
}
