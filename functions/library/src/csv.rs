//! `POST /library/company/csv?curve=fuse|breaker_band|relay_points`: catalogue points
//! digitised into a CSV file (UTF-8 or Shift_JIS, as Excel saves it), read with the engine's
//! importer ([`domain::library::csv_import`]) and answered as the curves an item is built
//! from. Nothing is stored: the client puts the curves into an item and sends the item.
//! A file the importer refuses is a 400 whose `errors` each name the row and column.

use lambda_http::{http::StatusCode, Body};
use platform::error::{ApiError, FieldError};
use platform::http::{self, Call, Reply};
use serde::Serialize;

use domain::library::company::{FuseRating, MultiplePoint};
use domain::library::csv_import::{self, CsvError, MAX_CSV_BYTES};

/// The curves read from a CSV file, tagged by the `curve` asked for.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "curve", rename_all = "snake_case")]
pub enum CsvCurves {
    /// A power fuse's ratings, each with its allowable, melting and clearing curves (A, s).
    Fuse { ratings: Vec<FuseRating> },
    /// A breaker's long-time band, × In.
    BreakerBand { min: Vec<MultiplePoint>, max: Vec<MultiplePoint> },
    /// A relay's operating curve, × tap, time at TMS 1 (lever 10).
    RelayPoints { points: Vec<MultiplePoint> },
}

fn parameter(name: &str, code: &str, message: &str) -> ApiError {
    ApiError::bad_field(FieldError::parameter(name, code, message))
}

/// The body's bytes after the media-type and size checks: `text/csv` (any charset; the
/// importer tells UTF-8 from Shift_JIS itself), at most [`MAX_CSV_BYTES`].
fn csv_body(call: &Call) -> Result<&[u8], ApiError> {
    let media = call.header("content-type").unwrap_or("");
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence != "text/csv" {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes: &[u8] = match call.req.body() {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
    };
    if bytes.len() > MAX_CSV_BYTES {
        return Err(ApiError::PayloadTooLarge { limit_bytes: MAX_CSV_BYTES });
    }
    Ok(bytes)
}

fn refused(errors: Vec<CsvError>) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_csv",
        detail: format!("The CSV file has {} error(s); each names its row (the header is row 1) and column.", errors.len()),
        errors: errors.into_iter().map(Into::into).collect(),
    }
}

/// Read the file as the curve the `curve` parameter names.
pub fn import(call: &Call) -> Reply {
    call.auth()?;
    let curve = call.query("curve").ok_or_else(|| parameter("curve", "required", "curve is fuse, breaker_band or relay_points"))?;
    let rating_a = match call.query("rating_a") {
        None => None,
        Some(r) => match r.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Some(v),
            _ => return Err(parameter("rating_a", "invalid_value", "rating_a is a positive number of amperes")),
        },
    };
    let bytes = csv_body(call)?;
    let curves = match curve.as_str() {
        "fuse" => CsvCurves::Fuse { ratings: csv_import::import_fuse_ratings(bytes, rating_a).map_err(refused)? },
        "breaker_band" => {
            let band = csv_import::import_breaker_band(bytes).map_err(refused)?;
            CsvCurves::BreakerBand { min: band.min, max: band.max }
        }
        "relay_points" => CsvCurves::RelayPoints { points: csv_import::import_relay_points(bytes).map_err(refused)? },
        _ => return Err(parameter("curve", "invalid_value", "curve is fuse, breaker_band or relay_points")),
    };
    http::json_response(StatusCode::OK, &curves)
}
