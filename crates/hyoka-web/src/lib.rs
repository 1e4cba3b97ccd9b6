//! The HTTP side of hyoka: server-rendered pages in Japanese.
//!
//! Each feature owns its router; they are merged at the root. At this stage
//! there is the read-only browse of plans, items and indicators; the staff
//! application, review, admin, the public portal and the JSON API come as
//! routers of their own.

mod admin;
mod api;
pub mod auth;
mod browse;
mod error;
mod layout;
mod portal;
mod print;
pub mod routes;
mod search;
mod security;
pub mod staff;
mod system;
pub mod workflow;

use std::net::SocketAddr;

use axum::Router;
use hyoka_store::Store;
use tokio::net::TcpListener;

pub use error::AppError;

pub use auth::session::SessionConfig;
pub use routes::{RouteSpec, Rule};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub session: SessionConfig,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        AppState { store, session: SessionConfig::default() }
    }
}

/// Every feature's routes, with the rule guarding each.
fn routes() -> routes::Routes {
    let r = routes::Routes::new().get("/static/hyoka.css", Rule::Public, layout::stylesheet).get(
        "/healthz",
        Rule::Public,
        || async { "ok" },
    );
    let r = auth::routes(r);
    let r = workflow::routes(r);
    let r = admin::routes(r);
    let r = system::routes(r);
    let r = search::routes(r);
    let r = staff::routes(r);
    let r = print::routes(r);
    let r = portal::routes(r);
    let r = api::routes(r);
    browse::routes(r)
}

/// The declared routes, for the authorisation matrix test.
pub fn route_specs() -> Vec<RouteSpec> {
    routes().specs
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    routes()
        .router
        .fallback(|| async { AppError::NotFound("ページ".into()) })
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session::middleware))
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
