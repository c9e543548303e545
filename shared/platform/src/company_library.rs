//! The company library as the API sees it: each version of an item is a
//! [`CompanyItem`] sealed under the tenant's key, bound to the tenant, the item id and the
//! version, so that no sealed item opens as another item, version or company. Items are
//! parsed and validated with the engine's rules ([`domain::validate::parse_company_item`])
//! before they are stored, and every answer is the item exactly as a project copies it into
//! its `company_library`.

use domain::library::company::CompanyItem;
use serde_json::Value;

use crate::backend::Backend;
use crate::error::{ApiError, FieldError};
use crate::http::now_millis;
use crate::ids::TenantId;
use crate::ports::{LibraryItemRecord, StoreError};

/// Largest item body accepted, bytes: a fuse range of 40 ratings with three 60-point curves
/// each is about 250 KB of JSON; a sealed item must fit one DynamoDB item.
pub const MAX_ITEM_BYTES: usize = 1024 * 1024;

fn aad(id: &str, version: u64) -> Vec<u8> {
    format!("library/{id}/v{version}").into_bytes()
}

async fn seal(backend: &Backend, tenant: &TenantId, item: &CompanyItem) -> Result<LibraryItemRecord, ApiError> {
    let json = serde_json::to_vec(item).map_err(ApiError::internal)?;
    let version = u64::from(item.version);
    Ok(LibraryItemRecord {
        id: item.id.clone(),
        version,
        stored_at: now_millis(),
        content: backend.sealer.seal(tenant, &aad(&item.id, version), &json).await?,
    })
}

async fn open(backend: &Backend, tenant: &TenantId, record: &LibraryItemRecord) -> Result<CompanyItem, ApiError> {
    let plain = backend.sealer.open(tenant, &aad(&record.id, record.version), &record.content).await?;
    let item: CompanyItem = serde_json::from_slice(&plain).map_err(ApiError::internal)?;
    if item.id != record.id || u64::from(item.version) != record.version {
        return Err(ApiError::internal(anyhow::anyhow!("library record {} v{} holds another item", record.id, record.version)));
    }
    Ok(item)
}

/// Store a new item at version 1. An id in use (or used before and deleted) is a 409.
pub async fn create(backend: &Backend, tenant: &TenantId, item: &CompanyItem) -> Result<(), ApiError> {
    let record = seal(backend, tenant, item).await?;
    backend.library.create_library_item(tenant, &record).await.map_err(|e| match e {
        StoreError::AlreadyExists => ApiError::Conflict {
            code: "already_exists",
            detail: format!("The company library already has, or had, an item \"{}\"; choose another id.", item.id),
        },
        other => other.into(),
    })
}

/// The item's newest version, or the given one. Another tenant's id is simply not found.
pub async fn get(backend: &Backend, tenant: &TenantId, id: &str, version: Option<u64>) -> Result<CompanyItem, ApiError> {
    let record = backend.library.get_library_item(tenant, id, version).await?.ok_or(ApiError::NotFound)?;
    open(backend, tenant, &record).await
}

/// Publish `item` (at `expected_version + 1`) if the newest version is still
/// `expected_version`; a stale write changes nothing.
pub async fn replace(backend: &Backend, tenant: &TenantId, expected_version: u64, item: &CompanyItem) -> Result<(), ApiError> {
    let record = seal(backend, tenant, item).await?;
    backend.library.replace_library_item(tenant, &record, expected_version).await.map_err(Into::into)
}

/// Withdraw an item, optionally only at a given newest version.
pub async fn delete(backend: &Backend, tenant: &TenantId, id: &str, expected_version: Option<u64>) -> Result<(), ApiError> {
    backend.library.delete_library_item(tenant, id, expected_version).await.map_err(Into::into)
}

/// One page of the newest version of each item, ordered by id.
pub async fn list(backend: &Backend, tenant: &TenantId, after: Option<&str>, limit: usize) -> Result<(Vec<CompanyItem>, Option<String>), ApiError> {
    let page = backend.library.list_library_items(tenant, after, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for record in &page.items {
        items.push(open(backend, tenant, record).await?);
    }
    Ok((items, page.next))
}

/// The newest version of each of `ids` still in the library (ids withdrawn are left out).
pub async fn newest_of(backend: &Backend, tenant: &TenantId, ids: &[&str]) -> Result<Vec<CompanyItem>, ApiError> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(record) = backend.library.get_library_item(tenant, id, None).await? {
            out.push(open(backend, tenant, &record).await?);
        }
    }
    Ok(out)
}

/// Errors of JSON syntax or limits, which make the body unreadable rather than invalid.
const UNREADABLE: [&str; 4] = ["json_syntax", "json_too_deep", "number_out_of_range", "input_too_large"];

/// Parse and validate an item sent in a request body. `id` (from the path, on a replace)
/// and `version` (1 on a create, the next one on a replace) are filled in when the body
/// leaves them out and must agree when it gives them. Unreadable JSON is a 400; an item that
/// breaks the rules a 422 naming every failing field by JSON pointer.
pub fn parse_item(text: &str, id: Option<&str>, version: u64) -> Result<CompanyItem, ApiError> {
    let unreadable = |errors: Vec<FieldError>| ApiError::BadRequest { code: "invalid_request", detail: "The body is not readable JSON.".into(), errors };
    let invalid = |errors: Vec<FieldError>| ApiError::Unprocessable { detail: format!("The item has {} error(s).", errors.len()), errors };
    let mut value: Value = serde_json::from_str(text)
        .map_err(|e| unreadable(vec![FieldError::body("", "malformed_json", format!("the body is not JSON: {e}"))]))?;
    let Some(object) = value.as_object_mut() else {
        return Err(ApiError::bad_field(FieldError::body("", "invalid_type", "the body must be a JSON object")));
    };
    let mut errors = Vec::new();
    if let Some(id) = id {
        match object.get("id") {
            None => {
                object.insert("id".into(), Value::String(id.to_owned()));
            }
            Some(Value::String(given)) if given == id => {}
            Some(_) => errors.push(FieldError::body("/id", "id_mismatch", format!("the item's id must be the one in the path, \"{id}\""))),
        }
    }
    match object.get("version") {
        None => {
            object.insert("version".into(), Value::from(version));
        }
        Some(v) if v.as_u64() == Some(version) => {}
        Some(_) => errors.push(FieldError::body(
            "/version",
            "version_not_next",
            format!("the version this write publishes is {version}; leave `version` out or give {version}"),
        )),
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let text = serde_json::to_string(&value).map_err(ApiError::internal)?;
    domain::validate::parse_company_item(&text).map_err(|errors| {
        let bad = errors.iter().any(|e| UNREADABLE.contains(&e.code.as_str()));
        let errors: Vec<FieldError> = errors.into_iter().map(Into::into).collect();
        if bad {
            unreadable(errors)
        } else {
            invalid(errors)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cable(extra: &str) -> String {
        format!(
            r#"{{ "id": "acme.cable.cvt-38", {extra} "maker": "Acme", "model": "CVT 38", "source_document": "Cat. C-1",
                 "revision": "2024-01", "device": {{ "type": "cable", "cable_type": "CVT", "voltage_class_v": 6600,
                 "size_mm2": 38, "r_ohm_per_km": 0.491, "x_ohm_per_km": 0.12, "withstand_k": 134, "ampacity_a": 170 }} }}"#
        )
    }

    #[test]
    fn a_new_item_gets_version_1_and_a_replacement_the_next_version() {
        assert_eq!(parse_item(&cable(""), None, 1).unwrap().version, 1);
        assert_eq!(parse_item(&cable(r#""version": 4,"#), Some("acme.cable.cvt-38"), 4).unwrap().version, 4);
    }

    #[test]
    fn a_version_or_id_that_disagrees_is_refused_at_its_pointer() {
        let pointers = |e: ApiError| match e {
            ApiError::Unprocessable { errors, .. } => errors.into_iter().filter_map(|e| e.pointer).collect::<Vec<_>>(),
            other => panic!("expected a 422, got {other:?}"),
        };
        assert_eq!(pointers(parse_item(&cable(r#""version": 2,"#), None, 1).unwrap_err()), ["/version"]);
        assert_eq!(pointers(parse_item(&cable(""), Some("other.id"), 2).unwrap_err()), ["/id"]);
        let negative = cable("").replace("0.491", "-0.491");
        assert_eq!(pointers(parse_item(&negative, None, 1).unwrap_err()), ["/device/r_ohm_per_km"]);
    }

    #[test]
    fn unreadable_json_is_a_400() {
        assert!(matches!(parse_item("{\"id\": ", None, 1), Err(ApiError::BadRequest { .. })));
        assert!(matches!(parse_item("[1]", None, 1), Err(ApiError::BadRequest { .. })));
    }
}
