//! The `library` Lambda function: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::lambda::run(library::handle).await
}
