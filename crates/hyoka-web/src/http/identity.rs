//! Who the request is from: a signed-in member of a city's staff (or the
//! system administrator), as the session middleware found them.

use super::error::AppError;
use super::session::Session;
use crate::ui::shell::UserBar;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::Actor;
use hyoka_core::access::{authorize, Action, Principal, Role, Target};

/// A signed-in person. A handler that takes one is for signed-in people
/// only: anyone else is sent to the login form, and back afterwards.
pub struct Staff {
    pub principal: Principal,
    pub display_name: String,
    pub csrf: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let session = parts.extensions.get::<Session>().cloned().unwrap_or_default();
        match (session.principal(), session.account, session.csrf) {
            (Some(principal), Some(account), Some(csrf)) => {
                Ok(Staff { principal, display_name: account.display_name.clone(), csrf })
            }
            _ => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = format!("/login?next={}", super::url::encode_path(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

impl Staff {
    /// The city this person works for; the system administrator has none.
    pub fn city(&self) -> Option<&str> {
        self.principal.municipality.as_deref()
    }

    /// Refuses unless the person may act. Another city's resource is "not
    /// found", so its existence is not revealed.
    pub fn require(&self, action: Action, municipality: &str, sections: &[i64]) -> Result<(), AppError> {
        if action != Action::ManageSystem && self.city() != Some(municipality) {
            return Err(AppError::NotFound("ページ".into()));
        }
        if authorize(&self.principal, action, &Target { municipality, sections }) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn is(&self, role: Role) -> bool {
        self.principal.role == role
    }

    /// This person as the actor of a command.
    pub fn actor(&self) -> Actor {
        Actor::person(self.principal.clone(), self.display_name.clone())
    }

    /// What the page shell shows of them.
    pub fn bar(&self) -> UserBar<'_> {
        UserBar {
            display_name: &self.display_name,
            role: self.principal.role.label(),
            csrf: &self.csrf,
            city: self.city(),
        }
    }
}
