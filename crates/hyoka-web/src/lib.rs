//! The HTTP side of hyoka: server-rendered pages in Japanese and a JSON API.
//!
//! This file only declares the modules and builds the router. Layers,
//! dependencies pointing down only:
//! - features, one folder each: `auth` (sign in/out), `browse`, `staff`
//!   (sheets and their workflow), `admin`, `system`, `search`, `print`,
//!   `portal` (public), `api` (public JSON); a feature uses `http` and `ui`,
//!   never another feature (`tests/web/layers.rs` checks);
//! - `http`: shared plumbing (the state, errors, typed paths, strict forms
//!   and queries, sessions, CSRF, identity, security headers, caching,
//!   declared routes);
//! - `ui`: the page shell, widgets and formatting.
//!
//! Handlers only translate HTTP: they read what a page shows from the
//! store, and every change goes through a command of `hyoka_app`, which
//! checks, writes and audits it.

mod admin;
mod api;
mod auth;
mod browse;
pub mod http;
mod portal;
mod print;
mod search;
mod staff;
mod system;
mod ui;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

pub use http::cache::{CacheStats, ResponseCache};
pub use http::error::AppError;
pub use http::routes::{RouteSpec, Rule};
pub use http::session::SessionConfig;
pub use http::state::AppState;

/// Every feature's routes, with the rule guarding each.
fn routes() -> http::Routes {
    let r = http::Routes::new().get("/static/hyoka.css", Rule::Public, ui::shell::stylesheet).get(
        "/healthz",
        Rule::Public,
        || async { "ok" },
    );
    let r = auth::routes(r);
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
    let counting = state.count_statements();
    let router = routes()
        .router
        .fallback(|| async { AppError::NotFound("ページ".into()) })
        // Inside the session layer: it needs to see whether there is one.
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::cache::middleware))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::session::middleware))
        .layer(axum::middleware::from_fn(http::security::headers))
        .layer(http::trace::layer())
        .with_state(state);
    #[cfg(feature = "statement-counter")]
    if counting {
        return router.layer(axum::middleware::from_fn(count_statements));
    }
    #[cfg(not(feature = "statement-counter"))]
    let _ = counting;
    router
}

/// Tests only: how many SQL statements the request ran, in the answer's
/// `x-hyoka-statements` header.
#[cfg(feature = "statement-counter")]
async fn count_statements(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let counter = hyoka_store::testing::StatementCounter::new();
    let mut res = counter.run(next.run(req)).await;
    res.headers_mut().insert(STATEMENTS_HEADER, counter.count().into());
    res
}

/// The header [`count_statements`] writes.
#[cfg(feature = "statement-counter")]
pub const STATEMENTS_HEADER: &str = "x-hyoka-statements";

/// How often expired sessions are purged.
const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// A server bound to an address, ready to run. Binding to port 0 picks a
/// free port, which tests use.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Server> {
        Ok(Server { listener: TcpListener::bind(addr).await?, state })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves. Expired sessions are purged in the
    /// background meanwhile.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (store, clock) = (self.state.store.clone(), self.state.app.clone());
        let purge = tokio::spawn(async move {
            let mut every = tokio::time::interval(PURGE_EVERY);
            loop {
                every.tick().await;
                if let Err(e) = store.delete_expired_sessions(&clock.now().iso()).await {
                    tracing::warn!(error = %e, "purging expired sessions");
                }
            }
        });
        let service = app(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await;
        purge.abort();
        result
    }
}
