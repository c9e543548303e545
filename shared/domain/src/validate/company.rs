//! Reading company library items from untrusted JSON: the item alone (the API's request body)
//! or a project's copies. serde's internally tagged enums hide the path of a failing field, so
//! a failure inside `device` (or its tagged `characteristic` / `trip`) is re-read as the
//! variant's own struct to point at the field.

use serde_json::Value;

use super::{deserialize_at, syntax_error, ValidationError, MAX_INPUT_BYTES};
use crate::library::company::CompanyItem;

/// Parses and validates one company library item from untrusted JSON (the API's request
/// body): structure errors pointed at the failing field, then
/// [`crate::library::company_validate::validate_item`]. Pointers are relative to the item.
pub fn parse_company_item(json: &str) -> Result<CompanyItem, Vec<ValidationError>> {
    if json.len() > MAX_INPUT_BYTES {
        return Err(vec![ValidationError::new(
            "",
            "input_too_large",
            format!("入力が大きすぎます（{} バイト、上限 {} バイト）", json.len(), MAX_INPUT_BYTES),
            format!("input is too large ({} bytes, limit {})", json.len(), MAX_INPUT_BYTES),
        )]);
    }
    let root: Value = serde_json::from_str(json).map_err(|e| vec![syntax_error(&e)])?;
    let item = deserialize_company_item("", &root).map_err(|e| vec![e])?;
    let errors = crate::library::company_validate::validate_item(&item);
    if errors.is_empty() {
        Ok(item)
    } else {
        Err(errors)
    }
}

/// An object without its tag field: `(tag value, the rest)`.
fn without_tag(value: &Value, tag: &str) -> Option<(String, Value)> {
    let obj = value.as_object()?;
    let t = obj.get(tag)?.as_str()?.to_string();
    let mut rest = obj.clone();
    rest.remove(tag);
    Some((t, Value::Object(rest)))
}

/// Deserializes one company item; on failure inside `device` (or its tagged
/// `characteristic` / `trip`), re-reads that part as its variant's struct to point at the
/// failing field, as the project's devices are re-read.
pub(super) fn deserialize_company_item(pointer: &str, value: &Value) -> Result<CompanyItem, ValidationError> {
    use crate::library::company::*;
    let first = match deserialize_at::<CompanyItem>(pointer, value) {
        Ok(i) => return Ok(i),
        Err(e) => e,
    };
    let dp = format!("{pointer}/device");
    let Some((kind, rest)) = value.get("device").filter(|_| first.pointer == dp).and_then(|d| without_tag(d, "type")) else {
        return Err(first);
    };
    let inner = match kind.as_str() {
        "relay" => deserialize_at::<CompanyRelay>(&dp, &rest).err(),
        "fuse" => deserialize_at::<CompanyFuse>(&dp, &rest).err(),
        "breaker" => deserialize_at::<CompanyBreaker>(&dp, &rest).err(),
        "cable" => deserialize_at::<CompanyCable>(&dp, &rest).err(),
        "transformer" => deserialize_at::<CompanyTransformer>(&dp, &rest).err(),
        _ => None,
    };
    let Some(inner) = inner else { return Err(first) };
    let field = match kind.as_str() {
        "relay" => "characteristic",
        "breaker" => "trip",
        _ => return Err(inner),
    };
    let fp = format!("{dp}/{field}");
    let Some((form, body)) = rest.get(field).filter(|_| inner.pointer == fp).and_then(|v| without_tag(v, "form")) else {
        return Err(inner);
    };
    let deepest = match (kind.as_str(), form.as_str()) {
        ("relay", "equation") => deserialize_at::<RelayEquation>(&fp, &body).err(),
        ("relay", "points") => deserialize_at::<RelayPoints>(&fp, &body).err(),
        ("breaker", "thermal_magnetic") => deserialize_at::<ThermalMagneticData>(&fp, &body).err(),
        ("breaker", "electronic") => deserialize_at::<ElectronicData>(&fp, &body).err(),
        _ => None,
    };
    Err(deepest.unwrap_or(inner))
}

