//! `kyocho serve`: one process playing API Gateway in front of every function's handler.
//! It matches the route table, checks the bearer token like the JWT authorizer, builds the
//! same HTTP API (v2) request context (route key, claims, source IP, request id) and calls
//! the same handler function a Lambda would.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerIamDescription, ApiGatewayRequestAuthorizerJwtDescription, ApiGatewayV2httpRequestContext,
    ApiGatewayV2httpRequestContextHttpDescription,
};
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use platform::routes::{self, Access};
use platform::Backend;

use crate::jwt::Keys;
use crate::web::WebClient;

/// A function's handler as the gateway calls it.
pub type Handler = fn(Arc<Backend>, lambda_http::Request) -> Pin<Box<dyn Future<Output = lambda_http::Response<Body>> + Send>>;

/// The handler of each function named in the route table.
pub fn handler_for(function: &str) -> Option<Handler> {
    match function {
        "analysis" => Some(|b, r| Box::pin(analysis::handle(b, r))),
        "health" => Some(|b, r| Box::pin(health::handle(b, r))),
        "projects" => Some(|b, r| Box::pin(projects::handle(b, r))),
        "exports" => Some(|b, r| Box::pin(exports::handle(b, r))),
        "auth" => Some(|b, r| Box::pin(auth::handle(b, r))),
        "admin-users" => Some(|b, r| Box::pin(admin_users::handle(b, r))),
        "admin-settings" => Some(|b, r| Box::pin(admin_settings::handle(b, r))),
        "library" => Some(|b, r| Box::pin(library::handle(b, r))),
        "desk" => Some(|b, r| Box::pin(desk::handle(b, r))),
        "tenants" => Some(|b, r| Box::pin(tenants::handle(b, r))),
        _ => None,
    }
}

/// API Gateway's own limit on a request body.
const MAX_REQUEST_BYTES: usize = 10 * 1024 * 1024;

/// Shared state of the local gateway.
pub struct Gateway {
    pub backend: Arc<Backend>,
    pub keys: Keys,
    /// The operator's token key (`kyocho ops token`), the local stand-in for IAM on `/ops`.
    pub operator_keys: Keys,
    /// The identity services every handler finds in its request's extensions.
    pub identity: Arc<platform::identity::Services>,
    /// The local identity provider behind `identity` (its outbox).
    pub local_identity: Arc<platform::identity::local::LocalIdentity>,
    /// The blob folder whose signed download URLs `/_blobs/…` serves.
    pub blobs: Arc<platform::local::LocalBlobs>,
}

/// The axum router: JWKS, signed downloads, every route of the table and — when given — the
/// web client for every other GET.
pub fn router(gateway: Arc<Gateway>, web: Option<WebClient>) -> axum::Router {
    axum::Router::new()
        .route("/.well-known/jwks.json", axum::routing::get(jwks))
        .route("/_blobs/{*rest}", axum::routing::get(download))
        .route("/_uploads/{*rest}", axum::routing::put(upload))
        .fallback(entry)
        .layer(axum::Extension(web.map(Arc::new)))
        .with_state(gateway)
}

/// API routes first; any other request goes to the web client (which answers only GET and
/// HEAD), and failing that gets API Gateway's own 404.
async fn entry(
    State(gw): State<Arc<Gateway>>,
    axum::Extension(web): axum::Extension<Option<Arc<WebClient>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: axum::extract::Request,
) -> axum::response::Response {
    if req.method() == axum::http::Method::OPTIONS && req.headers().contains_key("access-control-request-method") {
        return preflight(&req);
    }
    match routes::resolve(req.method().as_str(), req.uri().path()) {
        Ok((route, params)) => {
            let origin = req.headers().get("origin").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let mut resp = forward(gw, peer, req, route, params).await;
            // An allowed other origin may read the answer and its ETag and Location.
            if let Some(origin) = origin.filter(|o| cors_origins().iter().any(|a| a == o)) {
                let h = resp.headers_mut();
                if let Ok(v) = axum::http::HeaderValue::from_str(&origin) {
                    h.insert("access-control-allow-origin", v);
                    h.insert("access-control-expose-headers", axum::http::HeaderValue::from_static("etag,location"));
                    h.insert("vary", axum::http::HeaderValue::from_static("origin"));
                }
            }
            resp
        }
        Err(true) => {
            // A path of the API asked with a method it does not have (RFC 9110 §15.5.6).
            let allow = routes::methods_of(req.uri().path()).join(", ");
            let mut resp = refuse(405, "Method Not Allowed", "", &peer);
            if let Ok(v) = axum::http::HeaderValue::from_str(&allow) {
                resp.headers_mut().insert(axum::http::header::ALLOW, v);
            }
            resp
        }
        Err(false) => {
            if let Some(web) = web {
                if let Some(resp) = web.serve(req).await {
                    return resp;
                }
            }
            refuse(404, "Not Found", "", &peer)
        }
    }
}

/// Origins allowed to call the API from a browser page of another origin
/// (`KYOCHO_CORS_ORIGINS`, comma-separated, read once; none by default: the local web client is served
/// from the API's own origin). The cloud's equivalent is the HTTP API's `CorsConfiguration`.
fn cors_origins() -> &'static [String] {
    static ORIGINS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    ORIGINS.get_or_init(|| {
        std::env::var("KYOCHO_CORS_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect()
    })
}

/// A CORS preflight, answered the way API Gateway answers it with the template's
/// `CorsConfiguration`: 204; the allow headers only for an allowed origin.
fn preflight(req: &axum::extract::Request) -> axum::response::Response {
    let mut resp = axum::response::Response::builder().status(204).body(axum::body::Body::empty()).unwrap_or_default();
    let origin = req.headers().get("origin").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !origin.is_empty() && cors_origins().iter().any(|o| o == origin) {
        let h = resp.headers_mut();
        for (name, value) in [
            ("access-control-allow-origin", origin),
            ("access-control-allow-methods", "GET,POST,PUT,DELETE,OPTIONS"),
            ("access-control-allow-headers", "authorization,content-type,if-match"),
            ("access-control-expose-headers", "etag,location"),
            ("access-control-max-age", "600"),
            ("vary", "origin"),
        ] {
            if let Ok(v) = axum::http::HeaderValue::from_str(value) {
                h.insert(name, v);
            }
        }
    }
    resp
}

async fn jwks(State(gw): State<Arc<Gateway>>) -> axum::Json<serde_json::Value> {
    axum::Json(gw.keys.jwks())
}

/// A refusal by the gateway itself (as API Gateway answers before any function runs),
/// logged as one JSON line like every other request.
fn refuse(status: u16, message: &str, route: &str, peer: &SocketAddr) -> axum::response::Response {
    tracing::info!(
        request_id = %uuid::Uuid::new_v4(),
        route = route,
        tenant = "",
        user = "",
        source_ip = %peer.ip(),
        status = status,
        latency_ms = 0.0,
        "request"
    );
    gateway_message(status, message)
}

fn gateway_message(status: u16, message: &str) -> axum::response::Response {
    axum::response::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(serde_json::json!({ "message": message }).to_string()))
        .unwrap_or_default()
}

async fn forward(
    gw: Arc<Gateway>,
    peer: SocketAddr,
    req: axum::extract::Request,
    route: &'static routes::Route,
    params: Vec<(&'static str, String)>,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let Some(handler) = handler_for(route.function) else {
        return gateway_message(500, "Internal Server Error");
    };

    let token = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let mut operator = None;
    let claims = match route.access {
        Access::Public => HashMap::new(),
        Access::Requires(_) | Access::Authenticated => match token.and_then(|t| gw.keys.verify(t)) {
            Some(claims) => claims,
            None => return refuse(401, "Unauthorized", &route.key(), &peer),
        },
        // As API Gateway's IAM authorizer: an unsigned request (a tenant token is no
        // signature) is refused before any function runs.
        Access::Operator => match token.and_then(|t| gw.operator_keys.verify_operator(t)) {
            Some(name) => {
                operator = Some(name);
                HashMap::new()
            }
            None => return refuse(403, "Forbidden", &route.key(), &peer),
        },
    };

    let bytes = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(b) => b,
        Err(_) => return refuse(413, "Request Entity Too Large", &route.key(), &peer),
    };
    let body = if bytes.is_empty() {
        Body::Empty
    } else {
        match String::from_utf8(bytes.to_vec()) {
            Ok(text) => Body::Text(text),
            Err(e) => Body::Binary(e.into_bytes()),
        }
    };

    let mut query: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
        query.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    let path_params: HashMap<String, String> = params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();

    let now = time::OffsetDateTime::now_utc();
    let context = ApiGatewayV2httpRequestContext {
        route_key: Some(route.key()),
        account_id: Some("local".into()),
        stage: Some("$default".into()),
        request_id: Some(uuid::Uuid::new_v4().to_string()),
        authorizer: if let Some(name) = operator {
            Some(ApiGatewayRequestAuthorizer {
                iam: Some(ApiGatewayRequestAuthorizerIamDescription {
                    account_id: Some("local".into()),
                    caller_id: Some(name.clone()),
                    user_arn: Some(format!("arn:kyocho:local:operator/{name}")),
                    user_id: Some(name),
                    ..Default::default()
                }),
                ..Default::default()
            })
        } else {
            (!claims.is_empty()).then(|| ApiGatewayRequestAuthorizer {
                jwt: Some(ApiGatewayRequestAuthorizerJwtDescription { claims, scopes: None, ..Default::default() }),
                ..Default::default()
            })
        },
        apiid: Some("local".into()),
        domain_name: parts.headers.get("host").and_then(|h| h.to_str().ok()).map(str::to_owned),
        domain_prefix: None,
        time: None,
        time_epoch: (now.unix_timestamp_nanos() / 1_000_000) as i64,
        http: ApiGatewayV2httpRequestContextHttpDescription {
            method: parts.method.clone(),
            path: Some(path.clone()),
            protocol: Some("HTTP/1.1".into()),
            source_ip: Some(peer.ip().to_string()),
            user_agent: parts.headers.get("user-agent").and_then(|h| h.to_str().ok()).map(str::to_owned),
            ..Default::default()
        },
        authentication: None,
        ..Default::default()
    };

    let mut builder = lambda_http::http::Request::builder().method(parts.method).uri(parts.uri);
    for (name, value) in parts.headers.iter() {
        builder = builder.header(name, value);
    }
    let Ok(request) = builder.body(body) else {
        return gateway_message(400, "Bad Request");
    };
    let mut request = request
        .with_raw_http_path(path)
        .with_query_string_parameters(query)
        .with_path_parameters(path_params)
        .with_request_context(RequestContext::ApiGatewayV2(context));
    request.extensions_mut().insert(gw.identity.clone());

    to_axum(handler(gw.backend.clone(), request).await)
}

/// Whether the company's IP allow-list admits `ip` (a company that cannot be read admits
/// nobody).
async fn download_allowed_from(gw: &Gateway, tenant: &platform::ids::TenantId, ip: std::net::IpAddr) -> bool {
    match gw.backend.tenants.get_tenant(tenant).await {
        Ok(Some(t)) => platform::access::ip_allowed(&t.settings.ip_allow_list, Some(ip)),
        _ => false,
    }
}

/// The `exp` and `sig` values of a signed URL's query.
fn signed_query(uri: &axum::http::Uri) -> (String, String) {
    let (mut exp, mut sig) = (String::new(), String::new());
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "exp" => exp = v.into_owned(),
            "sig" => sig = v.into_owned(),
            _ => {}
        }
    }
    (exp, sig)
}

/// A handler's response as axum sends it.
fn to_axum(response: lambda_http::Response<Body>) -> axum::response::Response {
    let (parts, body) = response.into_parts();
    let body = match body {
        Body::Text(t) => axum::body::Body::from(t),
        Body::Binary(b) => axum::body::Body::from(b),
        Body::Empty => axum::body::Body::empty(),
    };
    axum::response::Response::from_parts(parts, body)
}

/// Largest upload to a signed upload URL (the archive limit, docs/archive.md).
const MAX_UPLOAD_BYTES: usize = 100 * 1024 * 1024;

/// `PUT /_uploads/<tid>/<key>?exp=…&sig=…`: a signed upload URL, as S3 takes a presigned
/// PUT. The bytes are stored as they came (sealed at rest); whoever asked for the URL checks
/// them afterwards.
async fn upload(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let uri = req.uri().clone();
    let path = uri.path().strip_prefix(platform::local::UPLOAD_PREFIX).unwrap_or("").to_owned();
    let (exp, sig) = signed_query(&uri);
    let now_s = time::OffsetDateTime::now_utc().unix_timestamp();
    let outcome: Result<(), platform::ApiError> = match gw.blobs.verify_upload_url(&path, &exp, &sig, now_s) {
        Err(_) => Err(platform::ApiError::Forbidden { code: "upload_refused", detail: "This upload link is not valid or has expired.".into() }),
        Ok(url) if !download_allowed_from(&gw, &url.tenant, peer.ip()).await => {
            Err(platform::ApiError::Forbidden { code: "ip_not_allowed", detail: "Requests from this address are not allowed for this company.".into() })
        }
        Ok(url) => match axum::body::to_bytes(req.into_body(), MAX_UPLOAD_BYTES).await {
            Err(_) => Err(platform::ApiError::PayloadTooLarge { limit_bytes: MAX_UPLOAD_BYTES }),
            Ok(bytes) => {
                use platform::ports::BlobStore;
                let info = platform::ports::BlobInfo {
                    content_type: "application/zip".into(),
                    file_name: url.key.file_name().to_owned(),
                    metadata: Default::default(),
                    expires_at: platform::http::now_millis() + 3_600_000,
                };
                gw.blobs.put(&url.tenant, &url.key, bytes.to_vec(), &info).await.map(|_| ()).map_err(platform::ApiError::internal)
            }
        },
    };
    let response = match outcome {
        Ok(()) => axum::response::Response::builder().status(200).body(axum::body::Body::empty()).unwrap_or_default(),
        Err(error) => {
            to_axum(error.to_response(&request_id))
        }
    };
    tracing::info!(request_id = %request_id, route = "PUT /_uploads", tenant = "", user = "", source_ip = %peer.ip(), status = response.status().as_u16(), latency_ms = 0.0, "request");
    response
}

/// `GET /_blobs/<tid>/<key>?exp=…&sig=…`: a signed download URL, as S3 would serve a
/// presigned one. An expired, altered or foreign signature gets a 403 problem; a blob that
/// is gone (deleted or expired) a 404.
async fn download(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let path = uri.path().strip_prefix(platform::local::URL_PREFIX).unwrap_or("");
    let (exp, sig) = signed_query(&uri);
    let now_s = time::OffsetDateTime::now_utc().unix_timestamp();
    let outcome = match gw.blobs.verify_url(path, &exp, &sig, now_s) {
        Err(refusal) => Err((
            refusal.to_string(),
            platform::ApiError::Forbidden { code: "download_refused", detail: "This download link is not valid or has expired.".into() },
        )),
        Ok(url) if !download_allowed_from(&gw, &url.tenant, peer.ip()).await => Err((
            "source address outside the company's allow-list".into(),
            platform::ApiError::Forbidden { code: "ip_not_allowed", detail: "Requests from this address are not allowed for this company.".into() },
        )),
        Ok(url) => match gw.blobs.read(&url.tenant, &url.key).await {
            Ok(found) => Ok(found),
            Err(platform::ports::BlobError::NotFound) => Err(("blob not found".into(), platform::ApiError::NotFound)),
            Err(e) => Err((format!("{e:?}"), platform::ApiError::internal(e))),
        },
    };
    let response = match outcome {
        Ok((head, bytes)) => axum::response::Response::builder()
            .status(200)
            .header("content-type", head.info.content_type.as_str())
            .header("content-disposition", format!("attachment; filename=\"{}\"", head.info.file_name))
            .header("cache-control", "private, no-store")
            .header("x-content-type-options", "nosniff")
            .body(axum::body::Body::from(bytes))
            .unwrap_or_default(),
        Err((why, error)) => {
            tracing::info!(request_id = %request_id, reason = %why, "download refused");
            to_axum(error.to_response(&request_id))
        }
    };
    tracing::info!(
        request_id = %request_id,
        route = "GET /_blobs",
        tenant = "",
        user = "",
        source_ip = %peer.ip(),
        status = response.status().as_u16(),
        latency_ms = 0.0,
        "request"
    );
    response
}
