//! The `projects` Lambda function: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::lambda::run(projects::handle).await
}
