//! The `tenants` Lambda function: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::identity::run(tenants::handle).await
}
