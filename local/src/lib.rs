//! The Kyocho local edition: the same functions in one process with embedded adapters
//! (SQLite file, local key file, local identity provider), and the command-line tools.

pub mod analyze;
pub mod gateway;
pub mod jwt;
pub mod setup;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// Paths inside a data folder.
pub fn jwt_key_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("keys").join("jwt-ed25519.der")
}

/// Open the data folder: the backend (creating the demo company on first start) and the
/// gateway with its token keys. Returns the gateway and whether the folder was new.
pub async fn open(data_dir: &Path) -> anyhow::Result<(Arc<gateway::Gateway>, bool)> {
    let backend = Arc::new(platform::local::backend(data_dir)?);
    let created = setup::first_start(&backend).await?;
    let keys = jwt::Keys::load_or_create(&jwt_key_path(data_dir))?;
    Ok((Arc::new(gateway::Gateway { backend, keys }), created))
}

/// Serve `gateway` on an already bound listener until the process is stopped.
pub async fn serve_on(listener: tokio::net::TcpListener, gateway: Arc<gateway::Gateway>) -> anyhow::Result<()> {
    let app = gateway::router(gateway);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Open the data folder and start serving on `addr`. Calls `ready` with the bound address
/// and whether the folder was new, once listening.
pub async fn serve(addr: SocketAddr, data_dir: &Path, ready: impl FnOnce(SocketAddr, bool)) -> anyhow::Result<()> {
    let (gateway, created) = open(data_dir).await?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?, created);
    serve_on(listener, gateway).await
}
