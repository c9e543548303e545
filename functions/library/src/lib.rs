//! The device library. The engine's built-in library of generic devices, for the web
//! client's library picker: `GET /library` lists every relay curve family, power fuse,
//! breaker frame, cable and transformer; `GET /library/{id}` answers one item with its kind.
//! That data is the engine's own ([`domain::library::builtin`]), the same for every company.
//!
//! The company's own library (`/library/company…`, [`company`]): items entered from a
//! maker's catalogue, every version kept, and the CSV import of catalogue points ([`csv`]);
//! `GET /projects/{id}/library-updates` lists a project's devices whose copy is older than
//! the library's newest version (docs/library.md).

pub mod company;
pub mod csv;

use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::error::ApiError;
use platform::http::{self, Call, Reply};
use platform::Backend;
use serde::Serialize;

use domain::library::{BreakerItem, BuiltinLibrary, CableItem, FuseItem, RelayItem, TransformerItem};

/// One library item and what kind of device it is.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "item", rename_all = "snake_case")]
pub enum LibraryEntry<'a> {
    Relay(&'a RelayItem),
    Fuse(&'a FuseItem),
    Breaker(&'a BreakerItem),
    Cable(&'a CableItem),
    Transformer(&'a TransformerItem),
}

/// The item with this id, if the library has one.
pub fn find<'a>(library: &'a BuiltinLibrary, id: &str) -> Option<LibraryEntry<'a>> {
    library
        .relay(id)
        .map(LibraryEntry::Relay)
        .or_else(|| library.fuse(id).map(LibraryEntry::Fuse))
        .or_else(|| library.breaker(id).map(LibraryEntry::Breaker))
        .or_else(|| library.cable(id).map(LibraryEntry::Cable))
        .or_else(|| library.transformer(id).map(LibraryEntry::Transformer))
}

/// How long a browser may reuse an answer: the library changes only with a deployment.
const CACHE_CONTROL: &str = "private, max-age=3600";

/// The Lambda entry point.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    call.auth()?;
    match call.route.key().as_str() {
        "GET /library" | "GET /library/{id}" => builtin(&call),
        "GET /library/company" => company::list(&backend, &call).await,
        "POST /library/company" => company::create(&backend, &call).await,
        "GET /library/company/{id}" => company::get(&backend, &call).await,
        "PUT /library/company/{id}" => company::replace(&backend, &call).await,
        "DELETE /library/company/{id}" => company::delete(&backend, &call).await,
        "GET /projects/{id}/library-updates" => company::updates(&backend, &call).await,
        "POST /library/company/csv" => csv::import(&call),
        _ => Err(ApiError::NotFound),
    }
}

/// `GET /library` and `GET /library/{id}`: the built-in items, cacheable for an hour.
fn builtin(call: &Call) -> Reply {
    let library = domain::library::builtin();
    let mut resp = match call.route.key().as_str() {
        "GET /library" => http::json_response(StatusCode::OK, library)?,
        _ => {
            let id = call.path_param("id").unwrap_or_default();
            let entry = find(library, &id).ok_or(ApiError::NotFound)?;
            http::json_response(StatusCode::OK, &entry)?
        }
    };
    if let Ok(v) = CACHE_CONTROL.parse() {
        resp.headers_mut().insert("cache-control", v);
    }
    Ok(resp)
}
