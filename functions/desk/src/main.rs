//! The `desk` Lambda function: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::identity::run(desk::handle).await
}
