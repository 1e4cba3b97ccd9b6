//! One error type at the edge: what the person sees, and what is logged.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hyoka_store::StoreError;
use maud::html;

use hyoka_app::CommandError;

use crate::ui::shell::page;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing named does not exist, or not in this city.
    #[error("{0}が見つかりません")]
    NotFound(String),
    /// Signed in, but not allowed.
    #[error("この操作を行う権限がありません")]
    Forbidden,
    /// Allowed, but not in the current state (a submitted sheet, a locked year,
    /// a stale version); the message says why.
    #[error("{0}")]
    Conflict(String),
    /// The input is not acceptable; the message names the field.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(StoreError),
}

/// A report that cannot be written: the store's errors as above; nothing to
/// print for that year (the message says what is missing) is a state, not a
/// fault; anything else is the input's.
impl From<hyoka_report::ReportError> for AppError {
    fn from(e: hyoka_report::ReportError) -> Self {
        match e {
            hyoka_report::ReportError::Store(e) => e.into(),
            hyoka_report::ReportError::Empty(m) => AppError::Conflict(m),
            other => AppError::Invalid(other.to_string()),
        }
    }
}

/// A command's refusal, as the web answers it: 404, 403, 409 (state or a
/// stale version) or 422 (the input).
impl From<CommandError> for AppError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::NotFound(what) => AppError::NotFound(what),
            CommandError::Forbidden => AppError::Forbidden,
            CommandError::Conflict(m) => AppError::Conflict(m),
            stale @ CommandError::Stale => AppError::Conflict(stale.to_string()),
            CommandError::Invalid { message, .. } => AppError::Invalid(message),
            CommandError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, .. } => AppError::NotFound(what.to_string()),
            other => AppError::Store(other),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, self.to_string()),
            AppError::Forbidden => (StatusCode::FORBIDDEN, self.to_string()),
            AppError::Conflict(_) => (StatusCode::CONFLICT, self.to_string()),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, self.to_string()),
            AppError::Store(e) => {
                // Internals go to the log, never to the page.
                tracing::error!(error = %e, "store error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "サーバーでエラーが発生しました。時間をおいて再度お試しください。".to_string(),
                )
            }
        };
        let body = page(
            &message,
            &[],
            html! {
                p { (message) }
                p { a href="/" { "トップページへ戻る" } }
            },
        );
        (status, body).into_response()
    }
}
