//! The company library over HTTP: list, create, read (newest or a given version), publish a
//! new version (`If-Match` required) and withdraw items; and the devices of a project whose
//! copy of an item is older than the library's newest version. Every answer is the item as
//! a project copies it into its `company_library`, with its version as the ETag.

use lambda_http::{http::StatusCode, Body, Response};
use platform::company_library::{self, MAX_ITEM_BYTES};
use platform::error::{ApiError, FieldError};
use platform::http::{self, AuditTarget, Call, Reply};
use platform::ports::library_item_id_ok;
use platform::{projects, Backend};
use serde::Serialize;

use domain::library::company::{library_refs, outdated_devices, CompanyItem, OutdatedDevice};

/// One page of the company library: the newest version of each item, ordered by id.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CompanyItemList {
    pub items: Vec<CompanyItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The devices of a project whose copy of a company item is older than the library's newest
/// version. Nothing changes until the engineer adopts the new version (copies it into the
/// project's `company_library` and moves the references, then saves the project).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LibraryUpdates {
    pub project_id: String,
    /// The project version this answer was computed from.
    pub project_version: u64,
    pub devices: Vec<OutdatedDevice>,
}

fn item_id(call: &Call) -> Result<String, ApiError> {
    let id = call.path_param("id").unwrap_or_default();
    if library_item_id_ok(&id) {
        Ok(id)
    } else {
        Err(ApiError::bad_field(FieldError::parameter("id", "invalid_id", "an item id is 1–64 characters of A–Z, a–z, 0–9, '.', '_' or '-'")))
    }
}

fn with_item(status: StatusCode, item: &CompanyItem) -> Reply {
    let mut resp = http::json_response(status, item)?;
    if let Ok(v) = http::etag(u64::from(item.version)).parse() {
        resp.headers_mut().insert("etag", v);
    }
    resp.extensions_mut().insert(AuditTarget(format!("library:{}", item.id)));
    Ok(resp)
}

/// The version `If-Match` names; `*` is the newest version stored now. Missing is a 428.
async fn expected_version(backend: &Backend, call: &Call, id: &str) -> Result<u64, ApiError> {
    let header = call.header("if-match").ok_or(ApiError::PreconditionRequired { header: "If-Match" })?;
    match http::parse_if_match(header)? {
        Some(v) => Ok(v),
        None => {
            let auth = call.auth()?;
            Ok(u64::from(company_library::get(backend, &auth.tenant, id, None).await?.version))
        }
    }
}

/// `GET /library/company?limit&cursor`.
pub async fn list(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let limit = http::parse_limit(call.query("limit"), 50, 100)?;
    let after = match call.query("cursor") {
        Some(c) => {
            let key = http::decode_cursor(&auth.tenant, &c)?;
            if !library_item_id_ok(&key) {
                return Err(ApiError::bad_field(FieldError::parameter("cursor", "invalid_cursor", "the cursor is not valid here")));
            }
            Some(key)
        }
        None => None,
    };
    let (items, next) = company_library::list(backend, &auth.tenant, after.as_deref(), limit).await?;
    let next_cursor = next.map(|n| http::encode_cursor(&auth.tenant, &n));
    http::json_response(StatusCode::OK, &CompanyItemList { items, next_cursor })
}

/// `POST /library/company`: a new item at version 1.
pub async fn create(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let item = company_library::parse_item(call.json_text(MAX_ITEM_BYTES)?, None, 1)?;
    company_library::create(backend, &auth.tenant, &item).await?;
    let mut resp = with_item(StatusCode::CREATED, &item)?;
    if let Ok(loc) = format!("/library/company/{}", item.id).parse() {
        resp.headers_mut().insert("location", loc);
    }
    Ok(resp)
}

/// `GET /library/company/{id}?version=N`.
pub async fn get(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = item_id(call)?;
    let version = match call.query("version") {
        None => None,
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return Err(ApiError::bad_field(FieldError::parameter("version", "invalid_value", "version is a whole number from 1"))),
        },
    };
    let item = company_library::get(backend, &auth.tenant, &id, version).await?;
    with_item(StatusCode::OK, &item)
}

/// `PUT /library/company/{id}` with `If-Match`: publish the next version.
pub async fn replace(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = item_id(call)?;
    let expected = expected_version(backend, call, &id).await?;
    let next = expected.checked_add(1).ok_or(ApiError::PreconditionFailed { current_version: expected })?;
    let item = company_library::parse_item(call.json_text(MAX_ITEM_BYTES)?, Some(&id), next)?;
    company_library::replace(backend, &auth.tenant, expected, &item).await?;
    with_item(StatusCode::OK, &item)
}

/// `DELETE /library/company/{id}` with `If-Match`: withdraw the item (its id stays used).
pub async fn delete(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = item_id(call)?;
    let expected = expected_version(backend, call, &id).await?;
    company_library::delete(backend, &auth.tenant, &id, Some(expected)).await?;
    let mut resp = Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).map_err(ApiError::internal)?;
    resp.extensions_mut().insert(AuditTarget(format!("library:{id}")));
    Ok(resp)
}

/// `GET /projects/{id}/library-updates`.
pub async fn updates(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = call.project_id()?;
    let (project, model) = projects::open_model(backend, &auth.tenant, &id).await?;
    let mut ids: Vec<&str> = library_refs(&model).into_iter().filter_map(|(_, _, r)| r.company().map(|c| c.id.as_str())).collect();
    ids.sort_unstable();
    ids.dedup();
    let current = company_library::newest_of(backend, &auth.tenant, &ids).await?;
    let answer = LibraryUpdates { project_id: id.to_string(), project_version: project.version, devices: outdated_devices(&model, &current) };
    let mut resp = http::json_response(StatusCode::OK, &answer)?;
    if let Ok(v) = http::etag(project.version).parse() {
        resp.headers_mut().insert("etag", v);
    }
    Ok(resp)
}
