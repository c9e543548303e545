//! The HTTP glue every function shares: read API Gateway's request context, authenticate
//! and authorize through one path, call the handler, map errors to problem+json, append the
//! audit event and write one JSON log line per request.

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use lambda_http::request::RequestContext;
use lambda_http::{http::StatusCode, Body, Request, RequestExt, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::auth::AuthContext;
use crate::backend::Backend;
use crate::error::{ApiError, FieldError};
use crate::ids::TenantId;
use crate::ports::{AuditEvent, AuditResult, User, UserStatus};
use crate::routes::{self, Access, Route};

/// The version every function reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What API Gateway told us about a request, before any check.
#[derive(Debug, Clone, Default)]
pub struct GatewayContext {
    pub route_key: Option<String>,
    pub request_id: String,
    pub source_ip: Option<IpAddr>,
    pub claims: std::collections::HashMap<String, String>,
    /// The IAM principal that signed the request (`AWS_IAM` routes only: `/ops/…`).
    pub operator: Option<String>,
}

impl GatewayContext {
    /// Read the HTTP API (v2) request context; other event kinds carry no identity.
    pub fn of(req: &Request) -> Self {
        match req.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(ctx)) => GatewayContext {
                route_key: ctx.route_key.clone(),
                request_id: ctx.request_id.clone().unwrap_or_else(new_request_id),
                source_ip: ctx.http.source_ip.as_deref().and_then(|ip| ip.parse().ok()),
                claims: ctx
                    .authorizer
                    .as_ref()
                    .and_then(|a| a.jwt.as_ref())
                    .map(|j| j.claims.clone())
                    .unwrap_or_default(),
                operator: ctx
                    .authorizer
                    .as_ref()
                    .and_then(|a| a.iam.as_ref())
                    .and_then(|iam| iam.user_arn.clone())
                    .filter(|arn| !arn.is_empty()),
            },
            _ => GatewayContext { request_id: new_request_id(), ..Default::default() },
        }
    }
}

fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The service operator behind a request on an `/ops` route.
#[derive(Debug, Clone)]
pub struct OperatorContext {
    /// The IAM principal's ARN (AWS); `arn:kyocho:local:operator/<name>` locally.
    pub principal: String,
    pub source_ip: Option<IpAddr>,
    pub request_id: String,
}

/// A request that passed the shared checks, handed to a function's handler.
pub struct Call {
    pub route: &'static Route,
    /// Present on every tenant route ([`Access::is_tenant`]).
    pub auth: Option<AuthContext>,
    /// Present on every operator route.
    pub operator: Option<OperatorContext>,
    pub request_id: String,
    pub source_ip: Option<IpAddr>,
    pub req: Request,
}

/// What a handler returns.
pub type Reply = Result<Response<Body>, ApiError>;

/// Response extension naming what a request acted on, for the audit event.
#[derive(Debug, Clone)]
pub struct AuditTarget(pub String);

/// Response extension with what the audit event should say of the change (e.g. a setting's
/// value before and after); without it the event's detail is the status code.
#[derive(Debug, Clone)]
pub struct AuditDetail(pub String);

impl Call {
    /// The verified caller (a non-public route always has one).
    pub fn auth(&self) -> Result<&AuthContext, ApiError> {
        self.auth.as_ref().ok_or(ApiError::Unauthenticated { code: "unauthenticated" })
    }

    /// The operator (an operator route always has one).
    pub fn operator(&self) -> Result<&OperatorContext, ApiError> {
        self.operator.as_ref().ok_or(ApiError::Forbidden { code: "operator_only", detail: "Only the service operator may do this.".into() })
    }

    /// A path parameter from the route template.
    pub fn path_param(&self, name: &str) -> Option<String> {
        self.req.path_parameters_ref().and_then(|p| p.first(name)).map(str::to_owned)
    }

    /// The `{id}` path parameter as a project id.
    pub fn project_id(&self) -> Result<crate::ids::ProjectId, ApiError> {
        let raw = self.path_param("id").unwrap_or_default();
        crate::ids::ProjectId::parse(&raw)
            .map_err(|e| ApiError::bad_field(FieldError::parameter("id", "invalid_id", e.to_string())))
    }

    /// A query-string parameter.
    pub fn query(&self, name: &str) -> Option<String> {
        self.req.query_string_parameters_ref().and_then(|p| p.first(name)).map(str::to_owned)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.req.headers().get(name).and_then(|v| v.to_str().ok())
    }

    /// Parse the JSON object body into `T`, refusing wrong media types, oversize bodies and any
    /// field `T` does not accept, with a pointer to the offending field.
    pub fn json<T: DeserializeOwned>(&self, max_bytes: usize) -> Result<T, ApiError> {
        parse_json(&self.req, max_bytes)
    }

    /// The body as text, after the size and media-type checks of [`json_body_text`].
    pub fn json_text(&self, max_bytes: usize) -> Result<&str, ApiError> {
        json_body_text(&self.req, max_bytes)
    }
}

/// The body as text after the checks every JSON body gets: at most `max_bytes`, media type
/// `application/json` (or `+json`), not empty, UTF-8.
pub fn json_body_text(req: &Request, max_bytes: usize) -> Result<&str, ApiError> {
    let bytes: &[u8] = match req.body() {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
    };
    if bytes.len() > max_bytes {
        return Err(ApiError::PayloadTooLarge { limit_bytes: max_bytes });
    }
    let media = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence != "application/json" && !(essence.starts_with("application/") && essence.ends_with("+json")) {
        return Err(ApiError::UnsupportedMediaType);
    }
    if bytes.is_empty() {
        return Err(ApiError::bad_field(FieldError::body("", "required", "a JSON body is required")));
    }
    std::str::from_utf8(bytes).map_err(|_| ApiError::bad_field(FieldError::body("", "malformed_json", "the body is not UTF-8")))
}

/// See [`Call::json`].
pub fn parse_json<T: DeserializeOwned>(req: &Request, max_bytes: usize) -> Result<T, ApiError> {
    let text = json_body_text(req, max_bytes)?;
    match text.bytes().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        Some(b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => {
            return Err(ApiError::bad_field(FieldError::body("", "invalid_type", "the body must be a JSON object")));
        }
        _ => return Err(ApiError::bad_field(FieldError::body("", "malformed_json", "the body is not JSON"))),
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| ApiError::bad_field(json_field_error(&e)))?;
    de.end().map_err(|e| ApiError::bad_field(FieldError::body("", "malformed_json", e.to_string())))?;
    Ok(value)
}

/// Turn a serde error with its path into a field error with a JSON pointer.
pub fn json_field_error(e: &serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for seg in e.path().iter() {
        let part = match seg {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.replace('~', "~0").replace('/', "~1"),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => continue,
        };
        pointer.push('/');
        pointer.push_str(&part);
    }
    let inner = e.inner();
    let msg = inner.to_string();
    let quoted = || msg.split('`').nth(1).map(str::to_owned);
    let append = |pointer: String, field: Option<String>| match field {
        Some(f) if !pointer.ends_with(&format!("/{f}")) => format!("{pointer}/{f}"),
        _ => pointer,
    };
    let (code, pointer) = if inner.is_syntax() || inner.is_eof() {
        ("malformed_json", pointer)
    } else if msg.starts_with("unknown field") {
        ("unknown_field", append(pointer, quoted()))
    } else if msg.starts_with("missing field") {
        ("required", append(pointer, quoted()))
    } else if msg.starts_with("invalid type") {
        ("invalid_type", pointer)
    } else {
        ("invalid_value", pointer)
    };
    let message = match msg.find(" at line ") {
        Some(i) if code != "malformed_json" => msg[..i].to_owned(),
        _ => msg.clone(),
    };
    FieldError::body(pointer, code, message)
}

/// A JSON response.
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Reply {
    let body = serde_json::to_string(value).map_err(ApiError::internal)?;
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::Text(body))
        .map_err(ApiError::internal)
}

/// Answers at least this large are gzip-compressed for a client that accepts it, bytes.
pub const COMPRESS_MIN_BYTES: usize = 8 * 1024;

/// Whether `Accept-Encoding` admits gzip (RFC 9110 §12.5.3: `gzip` or `*`, not with `q=0`).
pub fn accepts_gzip(headers: &lambda_http::http::HeaderMap) -> bool {
    headers
        .get_all("accept-encoding")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// The answer gzip-compressed (`Content-Encoding: gzip`, `Vary: Accept-Encoding`) when it is
/// large enough to be worth it. A synchronous Lambda answer is limited to 6 MB: the analysis
/// of a 2 000-device project is about 14 MB of JSON and well under the limit compressed.
pub fn compress(resp: Response<Body>) -> Response<Body> {
    use std::io::Write;
    if resp.headers().contains_key("content-encoding") {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes: &[u8] = match &body {
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => return Response::from_parts(parts, body),
    };
    if bytes.len() < COMPRESS_MIN_BYTES {
        return Response::from_parts(parts, body);
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), flate2::Compression::new(6));
    let compressed = match encoder.write_all(bytes).and_then(|()| encoder.finish()) {
        Ok(c) => c,
        Err(_) => return Response::from_parts(parts, body),
    };
    parts.headers.insert("content-encoding", lambda_http::http::HeaderValue::from_static("gzip"));
    parts.headers.append("vary", lambda_http::http::HeaderValue::from_static("accept-encoding"));
    parts.headers.remove("content-length");
    Response::from_parts(parts, Body::Binary(compressed))
}

/// The largest body a synchronous Lambda answer carries: 6 MB for the whole answer, less room
/// for its status and headers. Every route answers within it or says why it cannot; the local
/// edition keeps the same limit, so an answer that works there works in the cloud.
pub const MAX_ANSWER_BYTES: usize = 6 * 1024 * 1024 - 32 * 1024;

/// The size `body` takes inside Lambda's answer: text as a JSON string (quotes, backslashes
/// and control characters escaped), binary as base64.
pub fn answer_bytes(body: &Body) -> usize {
    match body {
        Body::Empty => 0,
        Body::Binary(b) => b.len().div_ceil(3) * 4,
        Body::Text(t) => t
            .bytes()
            .map(|b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
                0..=0x1f => 6,
                _ => 1,
            })
            .sum(),
    }
}

/// Whether `body` does not fit one answer. A text body short enough to fit even if every byte
/// needed escaping (6 bytes at most) is not walked: most answers never are.
fn too_large_for_an_answer(body: &Body) -> bool {
    match body {
        Body::Text(t) if t.len() <= MAX_ANSWER_BYTES / 6 => false,
        other => answer_bytes(other) > MAX_ANSWER_BYTES,
    }
}

/// 400 `answer_too_large`: what was asked for does not fit one answer.
fn answer_too_large(gzip: bool) -> ApiError {
    let hint = if gzip { "" } else { " Sending Accept-Encoding: gzip lets a larger answer through." };
    ApiError::BadRequest {
        code: "answer_too_large",
        detail: format!("The answer would be larger than one API answer can carry ({} bytes): ask for less (a shorter period, a smaller page).{hint}", MAX_ANSWER_BYTES),
        errors: Vec::new(),
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// How far a token's `iat` may lie ahead of this clock (issuer and API clocks differ a little).
pub const MAX_CLOCK_SKEW_MS: i64 = 5_000;

/// Look up and check the caller: the user named by the token's `sub`, active, with a token
/// issued after the user's last revocation, in an existing tenant whose IP allow-list
/// admits the source address.
pub async fn authenticate(backend: &Backend, gw: &GatewayContext) -> Result<(AuthContext, User), Refusal> {
    let refuse = |error: ApiError| Refusal { error, user: None };
    // Only access tokens: an ID token (same issuer and signature) carries profile claims
    // and is meant for the client, not as a credential for the API.
    if gw.claims.get("token_use").map(String::as_str) != Some("access") {
        return Err(refuse(ApiError::Unauthenticated { code: "not_an_access_token" }));
    }
    let sub = gw.claims.get("sub").filter(|s| !s.is_empty()).ok_or_else(|| refuse(ApiError::Unauthenticated { code: "unauthenticated" }))?;
    // Every access token names its company (Cognito's pre-token-generation trigger,
    // `functions/token-claims`; the local edition's tokens): one without is not ours.
    let claimed = gw
        .claims
        .get("custom:tenant_id")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| refuse(ApiError::Unauthenticated { code: "no_tenant_claim" }))?;
    let user = backend
        .users
        .user_by_sub(sub)
        .await
        .map_err(|e| refuse(e.into()))?
        .ok_or_else(|| refuse(ApiError::Unauthenticated { code: "unknown_user" }))?;
    let with_user = |error: ApiError| Refusal { error, user: Some(user.clone()) };
    if claimed != user.tenant.as_str() {
        return Err(with_user(ApiError::Unauthenticated { code: "tenant_mismatch" }));
    }
    if user.status != UserStatus::Active {
        return Err(with_user(ApiError::Forbidden { code: "user_disabled", detail: "This account is disabled.".into() }));
    }
    // `iat` has whole seconds; revocation stores the next whole second (see `revoke_after`).
    let issued_ms = gw.claims.get("iat").and_then(|s| s.parse::<f64>().ok()).map(|s| s as i64 * 1000);
    if issued_ms.is_some_and(|iat| iat > now_millis() + MAX_CLOCK_SKEW_MS) {
        return Err(with_user(ApiError::Unauthenticated { code: "token_from_the_future" }));
    }
    if !issued_ms.is_some_and(|iat| iat >= user.tokens_valid_after) {
        return Err(with_user(ApiError::Unauthenticated { code: "token_revoked" }));
    }
    let tenant = backend
        .tenants
        .get_tenant(&user.tenant)
        .await
        .map_err(|e| with_user(e.into()))?
        .ok_or_else(|| with_user(ApiError::Forbidden { code: "tenant_unavailable", detail: "This company's account is not available.".into() }))?;
    if let Some(refused) = crate::tenancy::refusal(&tenant, Some(gw.route_key.as_deref().unwrap_or(""))) {
        return Err(with_user(refused));
    }
    if !crate::access::ip_allowed(&tenant.settings.ip_allow_list, gw.source_ip) {
        return Err(with_user(ApiError::Forbidden {
            code: "ip_not_allowed",
            detail: "Requests from this address are not allowed for this company.".into(),
        }));
    }
    let ctx = AuthContext {
        tenant: user.tenant.clone(),
        tenant_name: tenant.name.clone(),
        user: user.id.clone(),
        user_name: user.name.clone(),
        role: user.role,
        permissions: user.effective_permissions(),
        source_ip: gw.source_ip,
        request_id: gw.request_id.clone(),
    };
    Ok((ctx, user))
}

/// The `tokens_valid_after` value that revokes every token issued up to now: the next whole
/// second, because token issue times have whole seconds.
pub fn revoke_after(now_ms: i64) -> i64 {
    (now_ms / 1000 + 1) * 1000
}

/// A refused request, with the user when we got far enough to know them.
pub struct Refusal {
    pub error: ApiError,
    pub user: Option<User>,
}

/// The one path every request takes: route → authenticate → authorize → handler → audit → log.
pub async fn dispatch<F, Fut>(backend: Arc<Backend>, req: Request, handler: F) -> Response<Body>
where
    F: FnOnce(Arc<Backend>, Call) -> Fut,
    Fut: Future<Output = Reply>,
{
    let started = Instant::now();
    let mut gw = GatewayContext::of(&req);
    // Behind CloudFront and WAF (`crate::edge`): only requests that came through them, with
    // the viewer's own address.
    if let Some(secret) = crate::edge::secret_from_env() {
        if !crate::edge::came_through(&req, secret) {
            let resp = ApiError::Forbidden { code: "not_through_edge", detail: "Call the API at its published address.".into() }
                .to_response(&gw.request_id);
            log_request(&gw, None, None, resp.status(), started);
            return resp;
        }
        gw.source_ip = crate::edge::viewer_address(&req).or(gw.source_ip);
    }
    let route = match gw.route_key.as_deref().and_then(routes::by_key) {
        Some(r) => Some(r),
        None => routes::resolve(req.method().as_str(), &req.raw_http_path()).ok().map(|(r, _)| r),
    };
    let Some(route) = route else {
        let resp = ApiError::NotFound.to_response(&gw.request_id);
        log_request(&gw, None, None, resp.status(), started);
        return resp;
    };

    if route.access == Access::Operator {
        return dispatch_operator(backend, req, route, gw, started, handler).await;
    }
    let mut auth = None;
    let mut refusal: Option<Refusal> = None;
    if route.access.needs_token() {
        match authenticate(&backend, &gw).await {
            Ok((ctx, _)) if !matches!(route.access, Access::Requires(p) if !ctx.can(p)) => auth = Some(ctx),
            Ok((ctx, user)) => {
                refusal = Some(Refusal {
                    error: ApiError::Forbidden {
                        code: "permission_denied",
                        detail: match route.access {
                            Access::Requires(p) => format!("This action needs the {} permission.", p.as_str()),
                            _ => "This action is not allowed.".into(),
                        },
                    },
                    user: Some(user),
                });
                auth = Some(ctx);
            }
            Err(r) => refusal = Some(r),
        }
    }

    let (resp, target, detail) = match refusal {
        Some(r) => {
            let resp = r.error.to_response(&gw.request_id);
            let denied_user = r.user.clone();
            if let Err(e) = audit(&backend, route, &gw, auth.as_ref(), denied_user.as_ref(), resp.status(), None, AuditResult::Denied, None).await {
                tracing::error!(request_id = %gw.request_id, error = ?e, "audit append failed");
            }
            log_request(&gw, Some(route), auth.as_ref().or(None), resp.status(), started);
            if let ApiError::Internal(cause) | ApiError::Unavailable(cause) = &r.error {
                tracing::error!(request_id = %gw.request_id, error = ?cause, "request failed");
            }
            return resp;
        }
        None => {
            // Write-ahead: an authorised change is in the tenant's audit chain before it is
            // made. When the chain cannot take the event, the change is not made at all.
            if route.access.needs_token() && route.is_mutating() {
                if let Err(e) = audit(&backend, route, &gw, auth.as_ref(), None, StatusCode::ACCEPTED, None, AuditResult::Started, None).await {
                    tracing::error!(request_id = %gw.request_id, route = %route.key(), error = ?e, "audit append failed: request refused");
                    let resp = ApiError::Unavailable(anyhow::anyhow!("audit log unavailable: {e}")).to_response(&gw.request_id);
                    log_request(&gw, Some(route), auth.as_ref(), resp.status(), started);
                    return resp;
                }
            }
            let call = Call { route, auth: auth.clone(), operator: None, request_id: gw.request_id.clone(), source_ip: gw.source_ip, req };
            let h = run_handler(backend.clone(), call, handler).await;
            (h.resp, h.target, h.detail)
        }
    };
    let status = resp.status();
    let denied = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
    // Public routes (sign-in) write their own events: only they know whom a request names.
    if route.access.needs_token() && (route.is_mutating() || denied) {
        let result = result_of(status);
        // The change is made; its started event is in the chain, so a lost outcome is
        // still on record (and in the error log).
        if let Err(e) = audit(&backend, route, &gw, auth.as_ref(), None, status, target, result, detail).await {
            tracing::error!(request_id = %gw.request_id, error = ?e, "audit append failed after the request");
        }
    }
    log_request(&gw, Some(route), auth.as_ref(), status, started);
    resp
}

/// What a handler answered, ready to send, with what its audit event should say.
struct Handled {
    resp: Response<Body>,
    target: Option<String>,
    detail: Option<String>,
    /// The company an operator request acted on, when its path does not name it.
    tenant: Option<TenantId>,
}

/// Run `handler`: its answer gzipped when the client accepts it and replaced by
/// `answer_too_large` when Lambda could not carry it; a failure of the service is logged.
async fn run_handler<F, Fut>(backend: Arc<Backend>, call: Call, handler: F) -> Handled
where
    F: FnOnce(Arc<Backend>, Call) -> Fut,
    Fut: Future<Output = Reply>,
{
    let gzip = accepts_gzip(call.req.headers());
    let (request_id, route) = (call.request_id.clone(), call.route.key());
    let (resp, target, detail, tenant, failure) = match handler(backend, call).await {
        Ok(resp) => {
            let target = resp.extensions().get::<AuditTarget>().map(|t| t.0.clone());
            let detail = resp.extensions().get::<AuditDetail>().map(|d| d.0.clone());
            let tenant = resp.extensions().get::<AuditTenant>().map(|t| t.0.clone());
            let resp = if gzip { compress(resp) } else { resp };
            if too_large_for_an_answer(resp.body()) {
                let e = answer_too_large(gzip);
                (e.to_response(&request_id), target, detail, tenant, Some(e))
            } else {
                (resp, target, detail, tenant, None)
            }
        }
        Err(e) => (e.to_response(&request_id), None, None, None, Some(e)),
    };
    if let Some(ApiError::Internal(cause) | ApiError::Unavailable(cause)) = &failure {
        tracing::error!(request_id = %request_id, route = %route, error = ?cause, "request failed");
    }
    Handled { resp, target, detail, tenant }
}

/// Response extension: the company an operator request acted on, when its path does not
/// name it (`{tenant}`); the event then goes to that company's log as well.
#[derive(Debug, Clone)]
pub struct AuditTenant(pub TenantId);

/// The operator's path through [`dispatch`]: only a request the gateway authenticated as the
/// operator (IAM on AWS) passes; every request, read or write, is logged in the operator's
/// chain ([`TenantId::operator_log`]) — a change before it is made — and in the log of the
/// company it touches.
async fn dispatch_operator<F, Fut>(backend: Arc<Backend>, req: Request, route: &'static Route, gw: GatewayContext, started: Instant, handler: F) -> Response<Body>
where
    F: FnOnce(Arc<Backend>, Call) -> Fut,
    Fut: Future<Output = Reply>,
{
    let Some(principal) = gw.operator.clone() else {
        // A tenant token (or none) on an operator route: never the operator.
        let resp = ApiError::Forbidden { code: "operator_only", detail: "Only the service operator may do this.".into() }.to_response(&gw.request_id);
        tracing::warn!(request_id = %gw.request_id, route = %route.key(), "operator route called without operator credentials");
        log_request(&gw, Some(route), None, resp.status(), started);
        return resp;
    };
    let operator = OperatorContext { principal, source_ip: gw.source_ip, request_id: gw.request_id.clone() };
    let path_tenant =
        req.path_parameters_ref().and_then(|p| p.first("tenant")).and_then(|t| TenantId::parse(t).ok()).filter(|t| !t.is_reserved());
    if route.is_mutating() {
        if let Err(e) = audit_operator(&backend, route, &operator, None, StatusCode::ACCEPTED, None, AuditResult::Started, None).await {
            tracing::error!(request_id = %gw.request_id, route = %route.key(), error = ?e, "operator audit append failed: request refused");
            let resp = ApiError::Unavailable(anyhow::anyhow!("audit log unavailable: {e}")).to_response(&gw.request_id);
            log_request(&gw, Some(route), None, resp.status(), started);
            return resp;
        }
    }
    let call = Call { route, auth: None, operator: Some(operator.clone()), request_id: gw.request_id.clone(), source_ip: gw.source_ip, req };
    let Handled { resp, target, detail, tenant } = run_handler(backend.clone(), call, handler).await;
    let status = resp.status();
    let result = result_of(status);
    if let Err(e) = audit_operator(&backend, route, &operator, None, status, target.clone(), result, detail.clone()).await {
        tracing::error!(request_id = %gw.request_id, error = ?e, "operator audit append failed after the request");
    }
    if let Some(tenant) = tenant.or(path_tenant) {
        // Only a company that exists has a log to write to.
        if matches!(backend.tenants.get_tenant(&tenant).await, Ok(Some(_))) {
            if let Err(e) = audit_operator(&backend, route, &operator, Some(&tenant), status, target, result, detail).await {
                tracing::error!(request_id = %gw.request_id, %tenant, error = ?e, "operator audit append to the company's log failed");
            }
        }
    }
    tracing::info!(
        request_id = %gw.request_id,
        route = %route.key(),
        operator = %operator.principal,
        source_ip = gw.source_ip.map(|i| i.to_string()).unwrap_or_default(),
        status = status.as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    resp
}

/// The outcome an audit event records for an answer's status.
fn result_of(status: StatusCode) -> AuditResult {
    if status.is_success() {
        AuditResult::Success
    } else if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        AuditResult::Denied
    } else {
        AuditResult::Failed
    }
}

/// Append an operator request to the operator's chain, or (`tenant`) to that company's.
#[allow(clippy::too_many_arguments)]
async fn audit_operator(
    backend: &Backend,
    route: &Route,
    operator: &OperatorContext,
    tenant: Option<&TenantId>,
    status: StatusCode,
    target: Option<String>,
    result: AuditResult,
    detail: Option<String>,
) -> Result<(), crate::ports::StoreError> {
    let event = AuditEvent {
        at: now_millis(),
        operation: route.key(),
        user_id: Some(operator.principal.clone()),
        user_name: Some(OPERATOR_NAME.to_owned()),
        company_name: None,
        target,
        source_ip: operator.source_ip.map(|ip| ip.to_string()),
        request_id: Some(operator.request_id.clone()),
        result,
        detail: Some(match detail {
            Some(d) => format!("{} {d}", status.as_u16()),
            None => status.as_u16().to_string(),
        }),
    };
    let log = tenant.cloned().unwrap_or_else(TenantId::operator_log);
    backend.audit.append(&log, &event).await.map(|_| ())
}

/// The user name operator events carry, in the operator's log and in a company's.
pub const OPERATOR_NAME: &str = "Kyocho operator (運営者)";

#[allow(clippy::too_many_arguments)]
async fn audit(
    backend: &Backend,
    route: &Route,
    gw: &GatewayContext,
    auth: Option<&AuthContext>,
    user: Option<&User>,
    status: StatusCode,
    target: Option<String>,
    result: AuditResult,
    detail: Option<String>,
) -> Result<(), crate::ports::StoreError> {
    let (tenant, user_id, user_name, company): (Option<TenantId>, _, _, _) = match (auth, user) {
        (Some(a), _) => (Some(a.tenant.clone()), Some(a.user.to_string()), Some(a.user_name.clone()), Some(a.tenant_name.clone())),
        (None, Some(u)) => (Some(u.tenant.clone()), Some(u.id.to_string()), Some(u.name.clone()), None),
        (None, None) => (None, None, None, None),
    };
    let Some(tenant) = tenant else {
        tracing::warn!(request_id = %gw.request_id, route = %route.key(), status = status.as_u16(), "refused request from an unknown caller");
        return Ok(());
    };
    let company = match company {
        Some(c) => Some(c),
        None => backend.tenants.get_tenant(&tenant).await.ok().flatten().map(|t| t.name),
    };
    let event = AuditEvent {
        at: now_millis(),
        operation: route.key(),
        user_id,
        user_name,
        company_name: company,
        target,
        source_ip: gw.source_ip.map(|ip| ip.to_string()),
        request_id: Some(gw.request_id.clone()),
        result,
        detail: Some(match detail {
            Some(d) => format!("{} {d}", status.as_u16()),
            None => status.as_u16().to_string(),
        }),
    };
    backend.audit.append(&tenant, &event).await.map(|_| ())
}

fn log_request(gw: &GatewayContext, route: Option<&Route>, auth: Option<&AuthContext>, status: StatusCode, started: Instant) {
    tracing::info!(
        request_id = %gw.request_id,
        route = route.map(|r| r.key()).unwrap_or_default(),
        tenant = auth.map(|a| a.tenant.as_str()).unwrap_or(""),
        user = auth.map(|a| a.user.as_str()).unwrap_or(""),
        source_ip = gw.source_ip.map(|i| i.to_string()).unwrap_or_default(),
        status = status.as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
}

/// JSON log lines on stdout (CloudWatch picks them up as they are).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .try_init();
}

/// An opaque paging cursor bound to the tenant: a cursor from one tenant is refused in another.
pub fn encode_cursor(tenant: &TenantId, after: &str) -> String {
    use base64::Engine;
    let json = serde_json::json!({ "t": tenant.as_str(), "a": after });
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
}

/// Decode a cursor made by [`encode_cursor`] for this tenant.
pub fn decode_cursor(tenant: &TenantId, cursor: &str) -> Result<String, ApiError> {
    use base64::Engine;
    let bad = || ApiError::bad_field(FieldError::parameter("cursor", "invalid_cursor", "the cursor is not valid here"));
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    match (value.get("t").and_then(|t| t.as_str()), value.get("a").and_then(|a| a.as_str())) {
        (Some(t), Some(a)) if t == tenant.as_str() => Ok(a.to_owned()),
        _ => Err(bad()),
    }
}

/// The strong ETag of a version.
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

/// The version named by an `If-Match` header (`"3"`, `W/"3"` or `3`); `None` for `*`,
/// which RFC 9110 §13.1.1 defines as "any current representation": the request applies to
/// whatever version is stored, and fails only if there is none.
pub fn parse_if_match(value: &str) -> Result<Option<u64>, ApiError> {
    let v = value.trim();
    if v == "*" {
        return Ok(None);
    }
    let v = v.strip_prefix("W/").unwrap_or(v).trim_matches('"');
    v.parse::<u64>().map(Some).map_err(|_| {
        ApiError::bad_field(FieldError::header("If-Match", "invalid_value", "If-Match must be the ETag of the version you read"))
    })
}

/// A `limit` query parameter within `1..=max`, defaulting to `default`.
pub fn parse_limit(value: Option<String>, default: usize, max: usize) -> Result<usize, ApiError> {
    match value {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_field(FieldError::parameter("limit", "out_of_range", format!("limit must be 1–{max}")))),
        },
    }
}

#[cfg(test)]
mod compression_tests {
    use super::*;
    use lambda_http::http::{HeaderMap, HeaderValue};

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("accept-encoding", HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn gzip_is_used_only_when_the_client_accepts_it() {
        assert!(accepts_gzip(&headers("gzip, deflate, br")));
        assert!(accepts_gzip(&headers("br;q=1.0, gzip;q=0.8")));
        assert!(accepts_gzip(&headers("*")));
        assert!(!accepts_gzip(&headers("gzip;q=0")));
        assert!(!accepts_gzip(&headers("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn small_answers_stay_as_they_are_and_large_ones_round_trip() {
        use std::io::Read;
        let small = Response::builder().body(Body::Text("{}".into())).unwrap();
        assert!(compress(small).headers().get("content-encoding").is_none());
        let text = "[".to_string() + &"1.2345,".repeat(5_000) + "0]";
        let big = compress(Response::builder().header("content-type", "application/json").body(Body::Text(text.clone())).unwrap());
        assert_eq!(big.headers()["content-encoding"], "gzip");
        let Body::Binary(bytes) = big.body() else { panic!("not binary") };
        assert!(bytes.len() < text.len() / 4);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut back).unwrap();
        assert_eq!(back, text);
    }
}
