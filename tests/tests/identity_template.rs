//! The Cognito user pool in `infra/template.yaml` agrees with the platform's one password
//! policy, offers the three second factors, and lets only the backend start a sign-in.

use platform::password::COGNITO;
use serde_yaml::Value;

fn template() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml");
    let text = std::fs::read_to_string(&path).expect("infra/template.yaml");
    serde_yaml::from_str(&text).expect("template YAML")
}

fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, k| v.get(*k).unwrap_or_else(|| panic!("template has no {path:?}")))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence().expect("a list").iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()
}

#[test]
fn the_user_pool_password_policy_is_the_platforms() {
    let t = template();
    let policy = at(&t, &["Resources", "UserPool", "Properties", "Policies", "PasswordPolicy"]);
    let num = |k: &str| at(policy, &[k]).as_u64().unwrap_or_else(|| panic!("{k} is not a number"));
    let flag = |k: &str| at(policy, &[k]).as_bool().unwrap_or_else(|| panic!("{k} is not a boolean"));
    assert_eq!(num("MinimumLength") as usize, COGNITO.minimum_length, "MinimumLength");
    assert_eq!(flag("RequireUppercase"), COGNITO.require_uppercase, "RequireUppercase");
    assert_eq!(flag("RequireLowercase"), COGNITO.require_lowercase, "RequireLowercase");
    assert_eq!(flag("RequireSymbols"), COGNITO.require_symbols, "RequireSymbols");
    assert_eq!(flag("RequireNumbers"), COGNITO.require_numbers, "RequireNumbers");
    assert_eq!(num("PasswordHistorySize") as usize, COGNITO.password_history_size, "PasswordHistorySize");
    assert_eq!(num("TemporaryPasswordValidityDays") as u32, COGNITO.temporary_password_validity_days);
}

#[test]
fn the_user_pool_offers_email_sms_and_authenticator_codes_on_a_plan_that_allows_email() {
    let t = template();
    let pool = at(&t, &["Resources", "UserPool", "Properties"]);
    let mut mfas = strings(at(pool, &["EnabledMfas"]));
    mfas.sort();
    assert_eq!(mfas, ["EMAIL_OTP", "SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    assert_eq!(at(pool, &["MfaConfiguration"]).as_str(), Some("OPTIONAL"), "tenants choose; the backend enforces");
    let tier = at(pool, &["UserPoolTier"]).as_str().unwrap();
    assert!(tier == "ESSENTIALS" || tier == "PLUS", "e-mail MFA and password history need Essentials or Plus, not {tier}");
    assert_eq!(at(pool, &["EmailConfiguration", "EmailSendingAccount"]).as_str(), Some("DEVELOPER"), "e-mail MFA needs SES");
    assert!(pool.get("SmsConfiguration").is_some(), "SMS codes need an SMS configuration");
    assert!(pool.get("UsernameAttributes").is_none(), "user names are `<tenant>.<user>`; an e-mail may be in several companies");
    let tenant = at(pool, &["Schema"]).as_sequence().unwrap().iter().find(|a| a.get("Name").and_then(Value::as_str) == Some("tenant_id")).unwrap();
    assert_eq!(tenant.get("Mutable").and_then(Value::as_bool), Some(false), "custom:tenant_id is immutable");
}

#[test]
fn the_app_client_allows_only_the_admin_flow_and_refresh() {
    let t = template();
    let mut flows = strings(at(&t, &["Resources", "UserPoolClient", "Properties", "ExplicitAuthFlows"]));
    flows.sort();
    assert_eq!(flows, ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    assert_eq!(at(&t, &["Resources", "UserPoolClient", "Properties", "GenerateSecret"]).as_bool(), Some(false));
}

/// Every access token names its company: the pool calls the token-claims trigger (version 2
/// events, the ones that may change access tokens) through its published alias, and only
/// this pool may invoke it.
#[test]
fn the_user_pool_puts_the_company_into_every_access_token() {
    let t = template();
    let config = at(&t, &["Resources", "UserPool", "Properties", "LambdaConfig", "PreTokenGenerationConfig"]);
    assert_eq!(config["LambdaVersion"].as_str(), Some("V2_0"));
    assert!(format!("{:?}", config["LambdaArn"]).contains("TokenClaimsFunction.Alias"), "{:?}", config["LambdaArn"]);
    let permission = at(&t, &["Resources", "TokenClaimsInvokedByCognito", "Properties"]);
    assert_eq!(permission["Principal"].as_str(), Some("cognito-idp.amazonaws.com"));
    assert!(format!("{:?}", permission["SourceArn"]).contains("UserPool.Arn"));
    assert!(format!("{:?}", permission["FunctionName"]).contains("TokenClaimsFunction.Alias"));
}
