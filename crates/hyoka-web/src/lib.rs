//! The HTTP side of hyoka: server-rendered pages in Japanese.
//!
//! Each feature owns its router; they are merged at the root. At this stage
//! there is the read-only browse of plans, items and indicators; the staff
//! application, review, admin, the public portal and the JSON API come as
//! routers of their own.

mod browse;
mod error;
mod layout;
mod security;

use std::net::SocketAddr;

use axum::routing::get;
use axum::Router;
use hyoka_store::Store;
use tokio::net::TcpListener;

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(browse::router())
        .route("/static/hyoka.css", get(layout::stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(|| async { AppError::NotFound("ページ".into()) })
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// A server bound to an address, ready to run. Binding to port 0 picks a
/// free port, which tests use.
pub struct Server {
    listener: TcpListener,
    app: Router,
}

impl Server {
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Server> {
        Ok(Server { listener: TcpListener::bind(addr).await?, app: app(state) })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        axum::serve(self.listener, self.app).with_graceful_shutdown(shutdown).await
    }
}
