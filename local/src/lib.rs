//! The Kyocho local edition: the same functions in one process with embedded adapters
//! (SQLite file, local key file, local identity provider), and the command-line tools.

pub mod analyze;
pub mod gateway;
pub mod jwt;
pub mod ops;
pub mod render;
pub mod setup;
pub mod users;
pub mod web;
pub mod web_build;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// The token signing key of a data folder, beside its other keys
/// ([`platform::local::keys_dir`]).
pub fn jwt_key_path(data_dir: &Path) -> std::path::PathBuf {
    platform::local::keys_dir(data_dir).unwrap_or_else(|_| data_dir.join("keys")).join("jwt-ed25519.der")
}

/// The operator's token signing key: a key of its own, so that no tenant token (nor the
/// key that signs them) can ever stand for the operator.
pub fn operator_key_path(data_dir: &Path) -> std::path::PathBuf {
    platform::local::keys_dir(data_dir)
        .unwrap_or_else(|_| data_dir.join("keys"))
        .join("operator-ed25519.der")
}

/// Open the data folder: the backend (creating the demo company on first start), the local
/// identity provider and the gateway with its token keys. Returns the gateway and whether
/// the folder was new.
pub async fn open(data_dir: &Path) -> anyhow::Result<(Arc<gateway::Gateway>, bool)> {
    let backend = Arc::new(platform::local::backend(data_dir)?);
    let keys = jwt::Keys::load_or_create(&jwt_key_path(data_dir))?;
    let operator_keys = jwt::Keys::load_or_create(&operator_key_path(data_dir))?;
    let (identity, services) = users::identity(data_dir)?;
    let created = setup::first_start(&backend, identity.as_ref()).await?;
    let blobs = Arc::new(platform::local::LocalBlobs::open(data_dir)?);
    Ok((Arc::new(gateway::Gateway { backend, keys, operator_keys, identity: services, local_identity: identity, blobs }), created))
}

/// Serve `gateway` (the API only) on an already bound listener until the process is stopped.
pub async fn serve_on(listener: tokio::net::TcpListener, gateway: Arc<gateway::Gateway>) -> anyhow::Result<()> {
    serve_with(listener, gateway, None).await
}

/// Serve `gateway` and, when given, the built web client on an already bound listener until
/// the process is stopped.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    gateway: Arc<gateway::Gateway>,
    web: Option<web::WebClient>,
) -> anyhow::Result<()> {
    tokio::spawn(sweep_blobs(gateway.blobs.clone()));
    let app = gateway::router(gateway, web);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Open the data folder and start serving on `addr` (with the web client, when given). Calls
/// `ready` with the bound address and whether the folder was new, once listening.
pub async fn serve(
    addr: SocketAddr,
    data_dir: &Path,
    web: Option<web::WebClient>,
    ready: impl FnOnce(SocketAddr, bool),
) -> anyhow::Result<()> {
    let (gateway, created) = open(data_dir).await?;
    gateway.local_identity.outbox().set_echo(true);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?, created);
    serve_with(listener, gateway, web).await
}

/// How often `kyocho serve` deletes expired blobs (exports).
pub const BLOB_SWEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Delete expired blobs every [`BLOB_SWEEP_INTERVAL`], for as long as the process runs.
/// (Expired blobs are never served meanwhile: the store refuses them on read.)
async fn sweep_blobs(blobs: Arc<platform::local::LocalBlobs>) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + BLOB_SWEEP_INTERVAL, BLOB_SWEEP_INTERVAL);
    loop {
        tick.tick().await;
        let sweeper = blobs.clone();
        match tokio::task::spawn_blocking(move || sweeper.sweep(platform::http::now_millis())).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(removed = n, "expired blobs deleted"),
            Ok(Err(e)) => tracing::warn!(error = ?e, "blob sweep failed"),
            Err(e) => tracing::warn!(error = ?e, "blob sweep task failed"),
        }
    }
}
