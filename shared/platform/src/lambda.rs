//! Running a handler as an AWS Lambda function: tracing, clients built once, the runtime loop.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use lambda_http::{service_fn, Body, Request, Response};

use crate::aws::{backend, AwsConfig};
use crate::backend::Backend;

/// Build the AWS backend from the environment once, then serve `handler` forever.
pub async fn run<F, Fut>(handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Arc<Backend>, Request) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response<Body>> + Send,
{
    crate::http::init_tracing();
    let app = backend(&AwsConfig::from_env()?).await?;
    serve(app, handler).await
}

/// Serve `handler` forever with a backend the caller has already built (tracing is set up).
pub async fn serve<F, Fut>(app: Backend, handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Arc<Backend>, Request) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response<Body>> + Send,
{
    let app = Arc::new(app);
    lambda_http::run(service_fn(move |req: Request| {
        let (app, handler) = (app.clone(), handler.clone());
        async move { Ok::<_, Infallible>(handler(app, req).await) }
    }))
    .await
}
