//! The `admin-users` Lambda function: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::identity::run(admin_users::handle).await
}
