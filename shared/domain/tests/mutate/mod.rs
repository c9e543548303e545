//! Helpers shared by the rule and mutation tests: load a sample of `tests/fixtures/` as JSON,
//! change one thing, analyse it, and find a check by rule and devices.
#![allow(dead_code)]

use domain::analysis::{parse_and_analyze, Analysis};
use domain::checks::{CheckResult, Status};
use serde_json::Value;

/// The five samples.
pub const SAMPLES: [&str; 5] = ["case_a.json", "case_b.json", "pfs_300kva.json", "cb_multi.json", "bad_coordination.json"];

/// A sample as JSON.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Validate and analyse; the mutated project must still be valid input.
pub fn run(v: &Value) -> Analysis {
    parse_and_analyze(&v.to_string()).unwrap_or_else(|e| panic!("the mutation must stay valid input: {e:#?}"))
}

/// The check with this rule and exactly these devices.
pub fn find<'a>(a: &'a Analysis, rule: &str, devices: &[&str]) -> &'a CheckResult {
    a.checks
        .iter()
        .find(|c| c.rule == rule && c.devices == devices)
        .unwrap_or_else(|| panic!("no {rule} {devices:?} in\n{}", listing(a)))
}

/// Every check of a rule.
pub fn of_rule<'a>(a: &'a Analysis, rule: &str) -> Vec<&'a CheckResult> {
    a.checks.iter().filter(|c| c.rule == rule).collect()
}

/// Every check of a rule with this status.
pub fn with_status<'a>(a: &'a Analysis, rule: &str, status: Status) -> Vec<&'a CheckResult> {
    a.checks.iter().filter(|c| c.rule == rule && c.status == status).collect()
}

/// One line per check, for assertion messages.
pub fn listing(a: &Analysis) -> String {
    a.checks.iter().map(|c| format!("{:?} {} {:?}: {}", c.status, c.rule, c.devices, c.message_en)).collect::<Vec<_>>().join("\n")
}

/// The device object with this id.
pub fn device<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    v["devices"].as_array_mut().unwrap().iter_mut().find(|d| d["id"] == id).unwrap_or_else(|| panic!("no device {id}"))
}

/// Ids of the devices of a type.
pub fn ids_of_type(v: &Value, ty: &str) -> Vec<String> {
    v["devices"].as_array().unwrap().iter().filter(|d| d["type"] == ty).map(|d| d["id"].as_str().unwrap().to_string()).collect()
}

/// Append a device.
pub fn push(v: &mut Value, d: Value) {
    v["devices"].as_array_mut().unwrap().push(d);
}

/// Remove a device.
pub fn remove(v: &mut Value, id: &str) {
    v["devices"].as_array_mut().unwrap().retain(|d| d["id"] != id);
}

/// The margin value of a check.
pub fn margin(c: &CheckResult) -> f64 {
    c.worst_margin.and_then(|m| m.value).unwrap_or_else(|| panic!("no margin: {c:#?}"))
}
