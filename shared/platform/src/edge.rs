//! The API behind CloudFront and AWS WAF (`infra/edge.yaml`, `ApiDistribution` in the
//! template): an HTTP API cannot be associated with WAF itself, so when the stack is given a
//! web ACL, CloudFront carries the API, WAF's rate-based rules limit each address (tightly on
//! `/auth/*`), and the functions accept only requests that came through CloudFront.
//!
//! CloudFront adds the header `x-kyocho-edge` with a secret (`KYOCHO_EDGE_SECRET`) to every
//! request it forwards. When the secret is set, a request without it — one sent straight to
//! the `execute-api` endpoint, around WAF — is refused (403 `not_through_edge`), and the
//! caller's address is CloudFront's `cloudfront-viewer-address`, not API Gateway's
//! `sourceIp` (which is then CloudFront's own): the IP allow-lists and per-address lockout
//! counters see the real client. Without the secret nothing changes.

use std::net::IpAddr;

use lambda_http::Request;

/// The header CloudFront adds with the edge secret.
pub const EDGE_HEADER: &str = "x-kyocho-edge";
/// The header in which CloudFront tells the viewer's address and port.
pub const VIEWER_ADDRESS_HEADER: &str = "cloudfront-viewer-address";

/// The edge secret from `KYOCHO_EDGE_SECRET` (read once; `None` when unset or empty).
pub fn secret_from_env() -> Option<&'static str> {
    static SECRET: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SECRET
        .get_or_init(|| std::env::var("KYOCHO_EDGE_SECRET").ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
        .as_deref()
}

/// Whether `req` came through the edge that knows `secret` (compared in constant time).
pub fn came_through(req: &Request, secret: &str) -> bool {
    let Some(given) = req.headers().get(EDGE_HEADER).map(|v| v.as_bytes()) else {
        return false;
    };
    given.len() == secret.len() && given.iter().zip(secret.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The viewer's address from `cloudfront-viewer-address` (`198.51.100.10:46532`,
/// `2001:db8::1:46532`: the address, a colon, the port).
pub fn viewer_address(req: &Request) -> Option<IpAddr> {
    let value = req.headers().get(VIEWER_ADDRESS_HEADER)?.to_str().ok()?.trim();
    let (ip, port) = value.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    ip.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut b = lambda_http::http::Request::builder().uri("/projects");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(lambda_http::Body::Empty).unwrap()
    }

    #[test]
    fn only_the_exact_secret_lets_a_request_through() {
        let secret = "s3cret-of-32-characters-at-least!";
        assert!(came_through(&request(&[(EDGE_HEADER, secret)]), secret));
        assert!(!came_through(&request(&[]), secret));
        assert!(!came_through(&request(&[(EDGE_HEADER, "s3cret")]), secret));
        assert!(!came_through(&request(&[(EDGE_HEADER, "s3cret-of-32-characters-at-least?")]), secret));
    }

    #[test]
    fn the_viewer_address_is_read_for_ipv4_and_ipv6() {
        assert_eq!(viewer_address(&request(&[(VIEWER_ADDRESS_HEADER, "198.51.100.10:46532")])), Some("198.51.100.10".parse().unwrap()));
        assert_eq!(viewer_address(&request(&[(VIEWER_ADDRESS_HEADER, "2001:db8::1:443")])), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(viewer_address(&request(&[(VIEWER_ADDRESS_HEADER, "[2001:db8::2]:443")])), Some("2001:db8::2".parse().unwrap()));
        assert_eq!(viewer_address(&request(&[(VIEWER_ADDRESS_HEADER, "not an address")])), None);
        assert_eq!(viewer_address(&request(&[])), None);
    }
}
