//! What makes routine deploys need no maintenance window, and what watches the service once
//! it runs, read from `infra/template.yaml`, `infra/bootstrap.yaml` and the workflows:
//! every function is published behind an alias and shifted by a canary that its own alarms
//! roll back; the stack refuses any region but Tokyo; a custom domain speaks TLS 1.2 or newer
//! only; every route of the route table is throttled; the deploy workflow authenticates by
//! OIDC with no long-lived key.

use std::collections::BTreeSet;
use std::path::PathBuf;

use platform::routes::ROUTES;
use serde_yaml::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn load(relative: &str) -> Value {
    let path = repo_root().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `!Ref X` → `X`.
fn ref_name(v: &Value) -> Option<String> {
    match v {
        Value::Tagged(t) if t.tag == "!Ref" => t.value.as_str().map(str::to_owned),
        _ => None,
    }
}

fn resources(t: &Value) -> &serde_yaml::Mapping {
    t["Resources"].as_mapping().expect("Resources")
}

fn of_type<'a>(t: &'a Value, ty: &str) -> Vec<(String, &'a Value)> {
    resources(t)
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(ty))
        .map(|(k, r)| (k.as_str().unwrap().to_owned(), r))
        .collect()
}

#[test]
fn every_function_is_published_behind_an_alias_with_a_canary_its_alarms_roll_back() {
    let t = load("infra/template.yaml");
    let functions = of_type(&t, "AWS::Serverless::Function");
    assert!(functions.len() >= 7, "{} functions", functions.len());
    let mut problems = Vec::new();
    for (id, f) in &functions {
        let p = &f["Properties"];
        if p["AutoPublishAlias"].as_str() != Some("live") {
            problems.push(format!("{id}: no AutoPublishAlias `live`"));
        }
        let pref = &p["DeploymentPreference"];
        if ref_name(&pref["Type"]).as_deref() != Some("DeploymentType") {
            problems.push(format!("{id}: DeploymentPreference.Type is not the DeploymentType parameter"));
        }
        let alarms: Vec<String> = pref["Alarms"].as_sequence().map(|s| s.iter().filter_map(ref_name).collect()).unwrap_or_default();
        // Each function's own errors, throttles and duration alarms, watching its alias.
        for kind in ["Errors", "Throttles", "Duration"] {
            let Some(alarm) = alarms.iter().find(|a| a.ends_with(&format!("{kind}Alarm"))) else {
                problems.push(format!("{id}: no {kind} alarm in its deployment preference"));
                continue;
            };
            let a = &resources(&t)[alarm.as_str()];
            if a["Type"].as_str() != Some("AWS::CloudWatch::Alarm") {
                problems.push(format!("{id}: {alarm} is not a CloudWatch alarm"));
                continue;
            }
            let dims = a["Properties"]["Dimensions"].as_sequence().cloned().unwrap_or_default();
            let watches = dims.iter().any(|d| d["Name"] == "FunctionName" && ref_name(&d["Value"]).as_deref() == Some(id.as_str()));
            let on_alias = dims.iter().any(|d| {
                d["Name"] == "Resource"
                    && matches!(&d["Value"], Value::Tagged(tg) if tg.tag == "!Sub" && tg.value.as_str() == Some(&format!("${{{id}}}:live")))
            });
            if !watches || !on_alias {
                problems.push(format!("{id}: {alarm} does not watch {id}:live"));
            }
            if ref_name(&a["Properties"]["AlarmActions"][0]).as_deref() != Some("AlarmTopic") {
                problems.push(format!("{alarm}: does not notify AlarmTopic"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    let p = &t["Parameters"]["DeploymentType"];
    assert_eq!(p["Default"].as_str(), Some("Canary10Percent5Minutes"));
}

#[test]
fn the_service_wide_alarms_and_the_dashboard_exist() {
    let t = load("infra/template.yaml");
    for id in ["Api5xxRateAlarm", "ApiLatencyAlarm", "TableSystemErrorsAlarm", "TableThrottlesAlarm", "KmsErrorsAlarm", "StsErrorsAlarm"] {
        let a = &resources(&t)[id];
        assert_eq!(a["Type"].as_str(), Some("AWS::CloudWatch::Alarm"), "{id}");
        assert_eq!(ref_name(&a["Properties"]["AlarmActions"][0]).as_deref(), Some("AlarmTopic"), "{id}");
    }
    assert_eq!(of_type(&t, "AWS::CloudWatch::Dashboard").len(), 1);
    let sub = &resources(&t)["AlarmTopicEmail"];
    assert_eq!(sub["Condition"].as_str(), Some("HasOperatorEmail"));
    // The KMS alarm counts the log line the KMS adapter writes on a failed call.
    let filter = resources(&t)["KmsErrorsMetricFilter"]["Properties"]["FilterPattern"].as_str().unwrap().to_owned();
    assert!(filter.contains(r#"$.dependency = "kms""#), "{filter}");
    let kms = std::fs::read_to_string(repo_root().join("shared/platform/src/aws/kms.rs")).unwrap();
    assert!(kms.contains(r#"dependency = "kms""#), "the KMS adapter no longer logs `dependency = \"kms\"`");
}

#[test]
fn the_stack_refuses_every_region_but_tokyo() {
    for file in ["infra/template.yaml", "infra/bootstrap.yaml"] {
        let t = load(file);
        let assertion = &t["Rules"]["TokyoOnly"]["Assertions"][0]["Assert"];
        let Value::Tagged(eq) = assertion else { panic!("{file}: TokyoOnly is not an !Equals") };
        assert_eq!(eq.tag, "!Equals", "{file}");
        let args = eq.value.as_sequence().unwrap();
        assert_eq!(ref_name(&args[0]).as_deref(), Some("AWS::Region"), "{file}");
        assert_eq!(args[1].as_str(), Some("ap-northeast-1"), "{file}");
    }
}

#[test]
fn the_custom_domain_accepts_tls_1_2_or_newer_only() {
    let t = load("infra/template.yaml");
    let domains = of_type(&t, "AWS::ApiGatewayV2::DomainName");
    assert_eq!(domains.len(), 1);
    for (id, d) in domains {
        for c in d["Properties"]["DomainNameConfigurations"].as_sequence().unwrap() {
            assert_eq!(c["SecurityPolicy"].as_str(), Some("TLS_1_2"), "{id}");
        }
    }
}

#[test]
fn every_route_of_the_route_table_is_throttled() {
    let t = load("infra/template.yaml");
    let api = of_type(&t, "AWS::Serverless::HttpApi");
    let settings = api[0].1["Properties"]["RouteSettings"].as_mapping().expect("RouteSettings");
    let declared: BTreeSet<String> = settings.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect();
    let wanted: BTreeSet<String> = ROUTES.iter().map(|r| r.key()).collect();
    assert_eq!(declared, wanted, "RouteSettings must name exactly the routes of ROUTES");
    for (key, s) in settings {
        let key = key.as_str().unwrap();
        let rate = ref_name(&s["ThrottlingRateLimit"]);
        let burst = ref_name(&s["ThrottlingBurstLimit"]);
        let (want_rate, want_burst) = if key.contains(" /auth/") {
            ("AuthThrottlingRateLimit", "AuthThrottlingBurstLimit")
        } else {
            ("ThrottlingRateLimit", "ThrottlingBurstLimit")
        };
        assert_eq!(rate.as_deref(), Some(want_rate), "{key}");
        assert_eq!(burst.as_deref(), Some(want_burst), "{key}");
    }
}

#[test]
fn the_deploy_workflow_authenticates_by_oidc_without_long_lived_keys() {
    let text = std::fs::read_to_string(repo_root().join(".github/workflows/deploy.yml")).unwrap();
    let w: Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(w["permissions"]["id-token"].as_str(), Some("write"));
    let steps = w["jobs"]["deploy"]["steps"].as_sequence().unwrap();
    let creds = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("aws-actions/configure-aws-credentials@")))
        .expect("configure-aws-credentials step");
    assert!(creds["with"]["role-to-assume"].as_str().is_some());
    assert_eq!(creds["with"]["aws-region"].as_str(), Some("ap-northeast-1"));
    for forbidden in ["aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        assert!(!text.contains(forbidden), "deploy.yml mentions {forbidden}");
    }
    assert!(text.contains("--no-fail-on-empty-changeset"));
    // The role it assumes trusts only this repository's environments, through GitHub's OIDC.
    let b = load("infra/bootstrap.yaml");
    let trust = &resources(&b)["DeployRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Action"].as_str(), Some("sts:AssumeRoleWithWebIdentity"));
    assert_eq!(trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"].as_str(), Some("sts.amazonaws.com"));
    let subs = trust["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"].as_sequence().unwrap();
    assert_eq!(subs.len(), 2);
    // The CI workflow runs exactly what CI runs locally.
    let ci = std::fs::read_to_string(repo_root().join(".github/workflows/ci.yml")).unwrap();
    assert!(ci.contains("run: .ci/run"));
}

#[test]
fn samconfig_has_the_dev_and_prod_environments_in_tokyo() {
    let text = std::fs::read_to_string(repo_root().join("samconfig.toml")).unwrap();
    let c: toml::Table = text.parse().unwrap();
    for env in ["default", "dev", "prod"] {
        let g = &c[env]["global"]["parameters"];
        assert_eq!(g["region"].as_str(), Some("ap-northeast-1"), "{env}");
        assert!(g["stack_name"].as_str().is_some_and(|s| s.starts_with("kyocho")), "{env}");
    }
}

#[test]
fn the_web_client_is_served_privately_by_cloudfront_with_security_headers() {
    let t = load("infra/template.yaml");
    let r = resources(&t);
    // The bucket is private; only CloudFront reads it, through its origin access control.
    let block = &r["WebBucket"]["Properties"]["PublicAccessBlockConfiguration"];
    for k in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"] {
        assert_eq!(block[k].as_bool(), Some(true), "{k}");
    }
    let stmt = &r["WebBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(stmt["Principal"]["Service"].as_str(), Some("cloudfront.amazonaws.com"));
    assert!(stmt["Condition"]["StringEquals"]["AWS:SourceArn"].is_tagged_sub_containing("${WebDistribution}"));
    let d = &r["WebDistribution"]["Properties"]["DistributionConfig"];
    assert!(d["Origins"][0]["OriginAccessControlId"].is_tagged_getatt("WebOriginAccessControl.Id"));
    let behaviour = &d["DefaultCacheBehavior"];
    assert_eq!(behaviour["ViewerProtocolPolicy"].as_str(), Some("redirect-to-https"));
    assert_eq!(ref_name(&behaviour["ResponseHeadersPolicyId"]).as_deref(), Some("WebSecurityHeaders"));
    // With its own domain the distribution accepts TLS 1.2 or newer only.
    let Value::Tagged(cert) = &d["ViewerCertificate"] else { panic!("ViewerCertificate is not an !If") };
    assert_eq!(cert.value[1]["MinimumProtocolVersion"].as_str(), Some("TLSv1.2_2021"));
    // A deep link of the client reloads index.html.
    let errors: Vec<(u64, &str)> = d["CustomErrorResponses"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| (e["ErrorCode"].as_u64().unwrap(), e["ResponsePagePath"].as_str().unwrap()))
        .collect();
    assert!(errors.contains(&(404, "/index.html")) && errors.contains(&(403, "/index.html")), "{errors:?}");
    // The same strict Content-Security-Policy as `kyocho serve`, plus HSTS.
    let headers = &r["WebSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    let Value::Tagged(csp) = &headers["ContentSecurityPolicy"]["ContentSecurityPolicy"] else { panic!("CSP is not a !Sub") };
    let csp = csp.value[0].as_str().unwrap();
    for directive in ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"].as_u64().unwrap() >= 31_536_000);
}

trait TagExt {
    fn is_tagged_sub_containing(&self, needle: &str) -> bool;
    fn is_tagged_getatt(&self, what: &str) -> bool;
}

impl TagExt for Value {
    fn is_tagged_sub_containing(&self, needle: &str) -> bool {
        matches!(self, Value::Tagged(t) if t.tag == "!Sub" && t.value.as_str().is_some_and(|s| s.contains(needle)))
    }
    fn is_tagged_getatt(&self, what: &str) -> bool {
        matches!(self, Value::Tagged(t) if t.tag == "!GetAtt" && t.value.as_str() == Some(what))
    }
}
