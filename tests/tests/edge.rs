//! The API behind CloudFront and WAF (`platform::edge`, `infra/edge.yaml`): with an edge
//! secret configured, a request that did not come through CloudFront is refused, and the
//! client's address is CloudFront's viewer address, so that IP allow-lists and per-address
//! counters see the real client. Read from the templates: the WAF rules and the
//! distribution that carries the API.

use platform::auth::Role;
use platform::ids::TenantId;
use serde_yaml::Value;
use crate::support::{problem, TestApp};

const SECRET: &str = "edge-secret-of-at-least-32-characters";

/// Given the edge secret set, when a client calls the API straight (around CloudFront),
/// then it gets 403 `not_through_edge`; through CloudFront (the secret and the viewer's
/// address added) it is served; and a company's allow-list judges the viewer's address,
/// not the address CloudFront connects from.
#[tokio::test]
async fn with_an_edge_only_requests_through_it_are_served_with_the_viewers_address() {
    std::env::set_var("KYOCHO_EDGE_SECRET", SECRET);
    let app = TestApp::spawn().await;
    let token = app.token("acme", "ann", Role::TenantAdmin).await;

    let straight = app.get("/projects", &token).send().await.expect("send");
    assert_eq!(straight.status(), 403);
    assert_eq!(problem(straight).await["code"], "not_through_edge");
    let forged = app.get("/projects", &token).header("x-kyocho-edge", "guessed").send().await.expect("send");
    assert_eq!(forged.status(), 403);

    let through = |addr: &'static str| {
        app.get("/projects", &token).header("x-kyocho-edge", SECRET).header("cloudfront-viewer-address", addr).send()
    };
    assert_eq!(through("203.0.113.7:50123").await.expect("send").status(), 200);

    // The company admits 203.0.113.0/24 only: the viewer's address decides.
    let tid = TenantId::parse("acme").expect("tenant");
    let mut tenant = app.gateway.backend.tenants.get_tenant(&tid).await.expect("get").expect("tenant");
    tenant.settings.ip_allow_list = vec!["203.0.113.0/24".parse().expect("CIDR")];
    app.gateway.backend.tenants.put_tenant(&tenant).await.expect("fence");
    assert_eq!(through("203.0.113.7:50123").await.expect("send").status(), 200, "an admitted viewer");
    let outside = through("198.51.100.9:40000").await.expect("send");
    assert_eq!(outside.status(), 403, "a viewer outside the list, whatever CloudFront's own address");
}

fn load(relative: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join(relative);
    serde_yaml::from_str(&std::fs::read_to_string(&path).expect("read")).expect("YAML")
}

#[test]
fn waf_limits_each_address_tightly_on_sign_in_and_the_api_goes_through_it() {
    let edge = load("infra/edge.yaml");
    let acl = &edge["Resources"]["EdgeWebAcl"]["Properties"];
    assert_eq!(acl["Scope"].as_str(), Some("CLOUDFRONT"));
    let rules = acl["Rules"].as_sequence().expect("rules");
    let auth = rules.iter().find(|r| r["Name"].as_str() == Some("AuthPerAddress")).expect("the sign-in rule");
    let rate = &auth["Statement"]["RateBasedStatement"];
    assert_eq!(rate["AggregateKeyType"].as_str(), Some("IP"), "per address");
    let scope = &rate["ScopeDownStatement"]["ByteMatchStatement"];
    assert_eq!((scope["SearchString"].as_str(), scope["PositionalConstraint"].as_str()), (Some("/auth/"), Some("STARTS_WITH")));
    assert!(auth["Action"]["Block"].is_mapping(), "over the limit is blocked");
    assert!(rules.iter().any(|r| r["Name"].as_str() == Some("ApiPerAddress")), "a limit on the whole API too");

    let t = load("infra/template.yaml");
    let dist = &t["Resources"]["ApiDistribution"];
    assert_eq!(dist["Condition"].as_str(), Some("HasEdge"));
    let config = &dist["Properties"]["DistributionConfig"];
    assert!(format!("{:?}", config["WebACLId"]).contains("EdgeWebAclArn"), "the distribution is protected by the web ACL");
    let origin = &config["Origins"][0];
    assert!(format!("{:?}", origin["DomainName"]).contains("execute-api"), "it carries the HTTP API");
    assert_eq!(origin["OriginCustomHeaders"][0]["HeaderName"].as_str(), Some("X-Kyocho-Edge"));
    assert!(format!("{:?}", t["Globals"]["Function"]["Environment"]["Variables"]["KYOCHO_EDGE_SECRET"]).contains("EdgeOriginSecret"));
    assert_eq!(t["Parameters"]["EdgeOriginSecret"]["NoEcho"].as_bool(), Some(true));
}
