//! The `health` Lambda function: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::lambda::run(health::handle).await
}
