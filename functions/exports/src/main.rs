//! The `exports` Lambda function: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::lambda::run(exports::handle).await
}
