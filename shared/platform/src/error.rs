//! One error type for every handler, mapped once to `application/problem+json`
//! (RFC 9457) with a stable `code`. A 500 says nothing about its cause; the log says all.

use lambda_http::{http::StatusCode, Body, Response};
use serde::Serialize;

use crate::ports::StoreError;
use crate::seal::SealError;

/// One invalid input, located by a JSON pointer into the body, by header or parameter name,
/// or — in a CSV body — by row (the header being row 1; 0 for the whole file) and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Row of a CSV body, 1-based with the header as row 1; 0 for the file as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// Column of a CSV body, as its header is written in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub code: String,
    pub message: String,
    /// The same message in Japanese, where the rule provides one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_ja: Option<String>,
}

impl FieldError {
    fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            pointer: None,
            header: None,
            parameter: None,
            row: None,
            column: None,
            code: code.into(),
            message: message.into(),
            message_ja: None,
        }
    }
    pub fn body(pointer: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { pointer: Some(pointer.into()), ..FieldError::new(code, message) }
    }
    pub fn header(name: &str, code: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { header: Some(name.to_owned()), ..FieldError::new(code, message) }
    }
    pub fn parameter(name: &str, code: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { parameter: Some(name.to_owned()), ..FieldError::new(code, message) }
    }
}

impl From<domain::library::csv_import::CsvError> for FieldError {
    /// A CSV import error, with its row, column, code and both messages.
    fn from(e: domain::library::csv_import::CsvError) -> Self {
        FieldError { row: Some(e.row), column: e.column, message_ja: Some(e.message_ja), ..FieldError::new(e.code, e.message_en) }
    }
}

impl From<domain::validate::ValidationError> for FieldError {
    /// An engine validation error, with its pointer, code and both messages.
    fn from(e: domain::validate::ValidationError) -> Self {
        FieldError { message_ja: Some(e.message_ja), ..FieldError::body(e.pointer, e.code, e.message_en) }
    }
}

/// Everything a handler can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed; `errors` names each bad field.
    #[error("invalid request")]
    BadRequest { code: &'static str, detail: String, errors: Vec<FieldError> },
    /// 422: well-formed, but the document breaks the model's rules.
    #[error("invalid document")]
    Unprocessable { detail: String, errors: Vec<FieldError> },
    #[error("authentication required")]
    Unauthenticated { code: &'static str },
    #[error("forbidden")]
    Forbidden { code: &'static str, detail: String },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict")]
    Conflict { code: &'static str, detail: String },
    /// 412: the `If-Match` version is not the stored one.
    #[error("precondition failed")]
    PreconditionFailed { current_version: u64 },
    /// 428: a conditional header is required.
    #[error("precondition required")]
    PreconditionRequired { header: &'static str },
    #[error("payload too large")]
    PayloadTooLarge { limit_bytes: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 429: too many failed attempts from this source; retry after `retry_after_secs`.
    #[error("too many requests")]
    TooManyRequests { code: &'static str, retry_after_secs: u64 },
    /// 400, 413 or 422 with a code of its own: an uploaded file (an archive) refused for a
    /// reason its format names (docs/archive.md).
    #[error("refused")]
    Refused { status: u16, code: &'static str, detail: String, errors: Vec<FieldError> },
    /// 500: the cause is logged, never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
    /// 503: a dependency is down; retry later.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
}

/// Check a required text field of a JSON body: not blank, at most `max` characters (after
/// trimming); a problem is added to `errors` with the field's pointer.
pub fn check_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    let n = value.trim().chars().count();
    if n == 0 {
        errors.push(FieldError::body(format!("/{field}"), "required", "must not be empty"));
    } else if n > max {
        errors.push(FieldError::body(format!("/{field}"), "too_long", format!("at most {max} characters")));
    }
}

impl ApiError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }

    pub fn bad_field(error: FieldError) -> Self {
        ApiError::BadRequest { code: "invalid_request", detail: error.message.clone(), errors: vec![error] }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired { .. } => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Refused { status, .. } => StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable machine-readable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } => code,
            ApiError::Unprocessable { .. } => "validation_failed",
            ApiError::Unauthenticated { code } => code,
            ApiError::Forbidden { code, .. } => code,
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict { code, .. } => code,
            ApiError::PreconditionFailed { .. } => "version_mismatch",
            ApiError::PreconditionRequired { .. } => "precondition_required",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::TooManyRequests { code, .. } => code,
            ApiError::Refused { code, .. } => code,
            ApiError::Internal(_) => "internal_error",
            ApiError::Unavailable(_) => "service_unavailable",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::BadRequest { detail, .. } | ApiError::Unprocessable { detail, .. } | ApiError::Refused { detail, .. } => detail.clone(),
            ApiError::Unauthenticated { code } => match *code {
                "invalid_credentials" => "The company, e-mail address or password is not right.",
                "invalid_code" => "The code is wrong or has expired.",
                "invalid_refresh_token" => "The session has ended: sign in again.",
                "challenge_expired" | "expired" => "This sign-in step has expired: start again.",
                _ => "A valid bearer token is required.",
            }
            .into(),
            ApiError::Forbidden { detail, .. } | ApiError::Conflict { detail, .. } => detail.clone(),
            ApiError::NotFound => "No such resource.".into(),
            ApiError::MethodNotAllowed => "This method is not allowed here.".into(),
            ApiError::PreconditionFailed { current_version } => {
                format!("The resource has changed; its current version is {current_version}. Reload and retry.")
            }
            ApiError::PreconditionRequired { header } => format!("The {header} header is required."),
            ApiError::PayloadTooLarge { limit_bytes } => format!("The body exceeds {limit_bytes} bytes."),
            ApiError::UnsupportedMediaType => "The body's media type is not accepted here (JSON bodies are application/json).".into(),
            ApiError::TooManyRequests { retry_after_secs, .. } => {
                format!("Too many failed attempts from this address; retry in {retry_after_secs} seconds.")
            }
            ApiError::Internal(_) => "An internal error occurred.".into(),
            ApiError::Unavailable(_) => "The service is temporarily unavailable; retry later.".into(),
        }
    }

    fn errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::BadRequest { errors, .. } | ApiError::Unprocessable { errors, .. } | ApiError::Refused { errors, .. } => errors.clone(),
            ApiError::PreconditionRequired { header } => {
                vec![FieldError::header(header, "required", format!("{header} is required"))]
            }
            ApiError::PayloadTooLarge { limit_bytes } => {
                vec![FieldError::body("", "too_large", format!("at most {limit_bytes} bytes"))]
            }
            _ => Vec::new(),
        }
    }

    /// The problem+json response. `request_id` lets support find the log line.
    pub fn to_response(&self, request_id: &str) -> Response<Body> {
        #[derive(Serialize)]
        struct Problem<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
            title: &'a str,
            status: u16,
            code: &'a str,
            detail: String,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            errors: Vec<FieldError>,
            #[serde(skip_serializing_if = "Option::is_none")]
            current_version: Option<u64>,
            request_id: &'a str,
        }
        let status = self.status();
        let problem = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            code: self.code(),
            detail: self.detail(),
            errors: self.errors(),
            current_version: match self {
                ApiError::PreconditionFailed { current_version } => Some(*current_version),
                _ => None,
            },
            request_id,
        };
        let body = serde_json::to_string(&problem).unwrap_or_else(|_| "{}".into());
        let mut builder = Response::builder().status(status).header("content-type", "application/problem+json");
        if let ApiError::TooManyRequests { retry_after_secs, .. } = self {
            builder = builder.header("retry-after", retry_after_secs.to_string());
        }
        builder.body(Body::Text(body)).unwrap_or_default()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::AlreadyExists => ApiError::Conflict { code: "already_exists", detail: "It already exists.".into() },
            StoreError::VersionMismatch { current } => ApiError::PreconditionFailed { current_version: current },
            StoreError::TooLarge { bytes } => ApiError::Conflict {
                code: "too_large_to_store",
                detail: format!("It is too large to store ({bytes} bytes after compression and sealing)."),
            },
            StoreError::Unavailable(cause) => ApiError::Unavailable(cause),
        }
    }
}

impl From<SealError> for ApiError {
    fn from(e: SealError) -> Self {
        match e {
            SealError::Unavailable(cause) => ApiError::Unavailable(cause),
            other => ApiError::Internal(other.into()),
        }
    }
}
