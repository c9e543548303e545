//! Running a handler as an AWS Lambda function: tracing, clients built once, the runtime loop.
//!
//! Nothing that can wait is done before the function first asks Lambda for work: the SDK
//! configuration is loaded and the clients are built when the first request needs them
//! (then kept for every later request of the instance), so Lambda's init phase is the
//! runtime's own start plus reading the environment. A missing variable still stops the
//! start; a backend that cannot be built answers 503 and is tried again by the next request.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use lambda_http::{service_fn, Body, Request, Response};
use tokio::sync::OnceCell;

use crate::aws::{backend, AwsConfig};
use crate::backend::Backend;

/// Serve `handler` forever; the AWS backend is built from the environment by the first request.
pub async fn run<F, Fut>(handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Arc<Backend>, Request) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response<Body>> + Send,
{
    crate::http::init_tracing();
    let cfg = Arc::new(AwsConfig::from_env()?);
    serve_lazy(
        move || {
            let cfg = cfg.clone();
            async move { backend(&cfg).await }
        },
        handler,
    )
    .await
}

/// Serve `handler` forever; `build` makes its state when the first request arrives (once:
/// concurrent first requests wait for the same build). Until a build succeeds each request
/// gets a 503 `unavailable` and the next one tries again.
pub async fn serve_lazy<T, B, BFut, F, Fut>(build: B, handler: F) -> Result<(), lambda_http::Error>
where
    T: Send + Sync + 'static,
    B: Fn() -> BFut + Clone + Send + Sync + 'static,
    BFut: Future<Output = anyhow::Result<T>> + Send,
    F: Fn(Arc<T>, Request) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response<Body>> + Send,
{
    let state: Arc<OnceCell<Arc<T>>> = Arc::new(OnceCell::new());
    lambda_http::run(service_fn(move |req: Request| {
        let (state, build, handler) = (state.clone(), build.clone(), handler.clone());
        async move {
            let built = state.get_or_try_init(|| async { build().await.map(Arc::new) }).await;
            Ok::<_, Infallible>(match built {
                Ok(state) => handler(state.clone(), req).await,
                Err(e) => {
                    let request_id = crate::http::GatewayContext::of(&req).request_id;
                    tracing::error!(request_id = %request_id, error = ?e, "the backend could not be built");
                    crate::ApiError::Unavailable(e).to_response(&request_id)
                }
            })
        }
    }))
    .await
}
