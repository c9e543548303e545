//! The `token-claims` Lambda function (a Cognito trigger, not an HTTP route): wiring only.

use lambda_http::lambda_runtime::{self, service_fn, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    platform::http::init_tracing();
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        token_claims::add_tenant_claim(event.payload).map_err(|e| {
            tracing::warn!(error = %e, "no token for this user");
            lambda_runtime::Error::from(e.to_string())
        })
    }))
    .await
}
