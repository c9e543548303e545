//! The `admin-settings` Lambda function: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::identity::run(admin_settings::handle).await
}
