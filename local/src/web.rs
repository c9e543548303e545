//! The browser client served beside the API: the built files of `web/dist` at `/`, with the
//! single-page app's `index.html` for any other page a browser navigates to, and strict
//! security headers on every file. API routes always come first: a path of the route table is
//! never answered from here.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// The Content-Security-Policy of every file of the client: scripts, styles, fonts and
/// requests only from this origin (no inline script or style), images also as `data:` URLs
/// (QR codes, inline icons), no plug-ins, and no framing by any other page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// The built client: a folder holding `index.html` and its assets.
#[derive(Debug, Clone)]
pub struct WebClient {
    dist: PathBuf,
}

impl WebClient {
    /// The client in `dist`, if that folder holds an `index.html`.
    pub fn open(dist: &Path) -> Option<WebClient> {
        dist.join("index.html").is_file().then(|| WebClient { dist: dist.to_owned() })
    }

    /// The folder served.
    pub fn dist(&self) -> &Path {
        &self.dist
    }

    /// Answer a GET or HEAD for a path that is not an API route: the file, else — when a
    /// browser asks for a page (`Accept: text/html`) — `index.html`, so the app's own routes
    /// survive a reload; else `None` (the caller answers 404 as the API does).
    pub async fn serve(&self, req: Request<Body>) -> Option<Response<Body>> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return None;
        }
        let wants_page = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
        let immutable = req.uri().path().starts_with("/assets/");
        let (parts, body) = req.into_parts();
        // ServeDir refuses `..` and absolute components, so nothing outside `dist` is reachable.
        let files = ServeDir::new(&self.dist).append_index_html_on_directories(true);
        let found = files.oneshot(Request::from_parts(parts.clone(), body)).await.ok()?;
        if found.status() != StatusCode::NOT_FOUND {
            let forever = immutable && found.status().is_success();
            return Some(secure(found.map(Body::new), forever));
        }
        if !wants_page {
            return None;
        }
        let index = ServeFile::new(self.dist.join("index.html"));
        let page = index.oneshot(Request::from_parts(parts, Body::empty())).await.ok()?;
        Some(secure(page.map(Body::new), false))
    }
}

/// Add the security and caching headers. Vite names every file under `/assets/` by its
/// content hash, so those are cached for a year; everything else is revalidated each time.
fn secure(mut resp: Response<Body>, immutable: bool) -> Response<Body> {
    let headers = resp.headers_mut();
    let fixed: [(&str, &'static str); 5] = [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}
