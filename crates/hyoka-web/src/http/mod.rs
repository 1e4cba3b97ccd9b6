//! Shared HTTP plumbing, below every feature: the state handlers reach
//! (`AppState`), the error answer, typed path
//! parameters, strict form bodies and query strings, sessions and CSRF, who the request is
//! from, security headers, caching, and the declared routes. Features use
//! these; nothing here uses a feature.

pub mod cache;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod form;
pub mod identity;
pub mod query;
pub mod routes;
pub mod security;
pub mod session;
pub mod state;
pub mod trace;
pub mod upload;
pub mod url;

pub use error::AppError;
pub use extract::{CityCode, Fy, Id, Params};
pub use form::Form;
pub use identity::Staff;
pub use query::{Done, Query};
pub use routes::{Routes, Rule};
pub use state::AppState;
