//! Cognito's pre-token-generation trigger (event version 2): every access token Cognito
//! issues — at sign-in and at each refresh — carries the user's company as the claim
//! `custom:tenant_id`, copied from the user's attribute of the same name. The API refuses
//! access tokens without it (`platform::http::authenticate`), and a user whose attribute is
//! missing or malformed gets no token at all: this trigger fails and Cognito refuses the
//! sign-in.

use platform::ids::TenantId;
use serde_json::{json, Value};

/// The user attribute and token claim naming the company.
pub const TENANT_CLAIM: &str = "custom:tenant_id";

/// Why no token may be issued.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClaimError {
    #[error("the event is not a version 2 pre-token-generation event")]
    NotVersion2,
    #[error("the user has no {TENANT_CLAIM} attribute")]
    NoTenant,
    #[error("the user's {TENANT_CLAIM} attribute is not a company id")]
    BadTenant,
}

/// The event answered: `response.claimsAndScopeOverrideDetails` adds the company to the
/// access token (and, for clients reading it, to the ID token, where the attribute is
/// already present under the same name).
pub fn add_tenant_claim(mut event: Value) -> Result<Value, ClaimError> {
    if event.get("version").and_then(Value::as_str) != Some("2") {
        return Err(ClaimError::NotVersion2);
    }
    let tenant = event
        .pointer("/request/userAttributes/custom:tenant_id")
        .and_then(Value::as_str)
        .ok_or(ClaimError::NoTenant)?;
    let tenant = TenantId::parse(tenant).map_err(|_| ClaimError::BadTenant)?;
    let claims = json!({ TENANT_CLAIM: tenant.as_str() });
    event["response"] = json!({
        "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": { "claimsToAddOrOverride": claims },
            "accessTokenGeneration": { "claimsToAddOrOverride": claims }
        }
    });
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(attributes: Value) -> Value {
        let text = include_str!("../events/pre-token-generation.json");
        let mut event: Value = serde_json::from_str(text).expect("the sample event");
        event["request"]["userAttributes"] = attributes;
        event
    }

    /// Given the sample event Cognito sends at sign-in, then the answer adds the user's
    /// company to the access token and keeps the rest of the event.
    #[test]
    fn the_users_company_goes_into_the_access_token() {
        let text = include_str!("../events/pre-token-generation.json");
        let sample: Value = serde_json::from_str(text).expect("the sample event");
        let answered = add_tenant_claim(sample.clone()).expect("a token may be issued");
        assert_eq!(
            answered.pointer("/response/claimsAndScopeOverrideDetails/accessTokenGeneration/claimsToAddOrOverride/custom:tenant_id"),
            Some(&json!("demo"))
        );
        assert_eq!(answered["request"], sample["request"]);
        assert_eq!(answered["triggerSource"], sample["triggerSource"]);
    }

    /// Given a user without the attribute, or with one that is not a company id, then no
    /// token may be issued.
    #[test]
    fn no_company_means_no_token() {
        assert_eq!(add_tenant_claim(event(json!({ "sub": "x" }))), Err(ClaimError::NoTenant));
        assert_eq!(
            add_tenant_claim(event(json!({ "sub": "x", "custom:tenant_id": "../other" }))),
            Err(ClaimError::BadTenant)
        );
        let mut v1 = event(json!({ "custom:tenant_id": "demo" }));
        v1["version"] = json!("1");
        assert_eq!(add_tenant_claim(v1), Err(ClaimError::NotVersion2));
    }
}
