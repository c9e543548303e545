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
    ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerJwtDescription, ApiGatewayV2httpRequestContext,
    ApiGatewayV2httpRequestContextHttpDescription,
};
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use platform::routes::{self, Access};
use platform::Backend;

use crate::jwt::Keys;

/// A function's handler as the gateway calls it.
pub type Handler = fn(Arc<Backend>, lambda_http::Request) -> Pin<Box<dyn Future<Output = lambda_http::Response<Body>> + Send>>;

/// The handler of each function named in the route table.
pub fn handler_for(function: &str) -> Option<Handler> {
    match function {
        "analysis" => Some(|b, r| Box::pin(analysis::handle(b, r))),
        "health" => Some(|b, r| Box::pin(health::handle(b, r))),
        "projects" => Some(|b, r| Box::pin(projects::handle(b, r))),
        _ => None,
    }
}

/// API Gateway's own limit on a request body.
const MAX_REQUEST_BYTES: usize = 10 * 1024 * 1024;

/// Shared state of the local gateway.
pub struct Gateway {
    pub backend: Arc<Backend>,
    pub keys: Keys,
}

/// The axum router: JWKS plus every route of the table.
pub fn router(gateway: Arc<Gateway>) -> axum::Router {
    axum::Router::new()
        .route("/.well-known/jwks.json", axum::routing::get(jwks))
        .fallback(forward)
        .with_state(gateway)
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
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let (route, params) = match routes::resolve(parts.method.as_str(), &path) {
        Ok(found) => found,
        Err(_) => return refuse(404, "Not Found", "", &peer),
    };
    let Some(handler) = handler_for(route.function) else {
        return gateway_message(500, "Internal Server Error");
    };

    let claims = match route.access {
        Access::Public => HashMap::new(),
        Access::Requires(_) | Access::Authenticated => {
            let token = parts
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
            match token.and_then(|t| gw.keys.verify(t.trim())) {
                Some(claims) => claims,
                None => return refuse(401, "Unauthorized", &route.key(), &peer),
            }
        }
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
        authorizer: (!claims.is_empty()).then(|| ApiGatewayRequestAuthorizer {
            jwt: Some(ApiGatewayRequestAuthorizerJwtDescription { claims, scopes: None, ..Default::default() }),
            ..Default::default()
        }),
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
    let request = request
        .with_raw_http_path(path)
        .with_query_string_parameters(query)
        .with_path_parameters(path_params)
        .with_request_context(RequestContext::ApiGatewayV2(context));

    let response = handler(gw.backend.clone(), request).await;
    let (parts, body) = response.into_parts();
    let body = match body {
        Body::Empty => axum::body::Body::empty(),
        Body::Text(t) => axum::body::Body::from(t),
        Body::Binary(b) => axum::body::Body::from(b),
    };
    axum::response::Response::from_parts(parts, body)
}
