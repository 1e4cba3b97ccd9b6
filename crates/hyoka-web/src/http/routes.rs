//! Routes are declared with the rule that guards them. The router is built
//! from these declarations, and the authorisation matrix test reads the same
//! list, so a new route cannot be added without saying who may call it.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

/// Who may call a route. Handlers enforce it with `Staff::require`; the
/// declaration is what tests check them against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any member of the city named in the path (read only).
    View,
    /// An editor or head of the sheet's section, or an admin.
    EditSheet,
    /// A head of the sheet's section, or an admin.
    Approve,
    /// A reviewer or an admin.
    Review,
    /// The city's admin.
    Administer,
    /// The system administrator.
    System,
    /// Anyone signed in (their own pages).
    SignedIn,
}

#[derive(Clone, Debug)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub rule: Rule,
}

/// A router that remembers what it was built from.
pub struct Routes {
    pub router: Router<AppState>,
    pub specs: Vec<RouteSpec>,
}

impl Routes {
    pub fn new() -> Self {
        Routes { router: Router::new(), specs: Vec::new() }
    }

    pub fn get<H, T>(mut self, path: &'static str, rule: Rule, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.specs.push(RouteSpec { method: Method::GET, path, rule });
        self
    }

    pub fn post<H, T>(mut self, path: &'static str, rule: Rule, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        // Every state change checks its CSRF token before the handler runs.
        let route = post(handler).route_layer(axum::middleware::from_fn(super::csrf::check));
        self.router = self.router.route(path, route);
        self.specs.push(RouteSpec { method: Method::POST, path, rule });
        self
    }

    /// A POST route that receives files (`multipart/form-data`, see
    /// [`super::upload`]); its CSRF token may be a field of the upload.
    pub fn upload<H, T>(mut self, path: &'static str, rule: Rule, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = post(handler).route_layer(axum::middleware::from_fn(super::csrf::check_upload));
        self.router = self.router.route(path, route);
        self.specs.push(RouteSpec { method: Method::POST, path, rule });
        self
    }
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}
