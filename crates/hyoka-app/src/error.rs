//! What a command answers when it cannot do what was asked.

use hyoka_store::StoreError;

/// Why a command was refused or failed. Messages are plain Japanese for
/// the person; the kinds map to HTTP statuses and exit codes.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The thing named does not exist, or not for this person's city.
    #[error("{0}が見つかりません")]
    NotFound(String),
    /// Known, but this person may not do it.
    #[error("この操作を行う権限がありません")]
    Forbidden,
    /// Allowed, but not in the current state (a submitted sheet, a locked
    /// year); the message says why.
    #[error("{0}")]
    Conflict(String),
    /// Someone changed the thing since the person read it.
    #[error("この内容は、画面を開いた後に他の人が更新しました。画面を開き直して内容を確かめてから、もう一度操作してください。")]
    Stale,
    /// The input cannot be accepted; `field` names the form field or
    /// argument when there is one.
    #[error("{message}")]
    Invalid { field: Option<String>, message: String },
    #[error(transparent)]
    Store(StoreError),
}

impl CommandError {
    pub fn invalid(field: &str, message: impl Into<String>) -> CommandError {
        CommandError::Invalid { field: Some(field.to_string()), message: message.into() }
    }

    pub fn invalid_input(message: impl Into<String>) -> CommandError {
        CommandError::Invalid { field: None, message: message.into() }
    }

    /// The command line's exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CommandError::Invalid { .. } => ExitCode::Invalid,
            CommandError::NotFound(_) => ExitCode::NotFound,
            CommandError::Forbidden => ExitCode::Forbidden,
            CommandError::Conflict(_) | CommandError::Stale => ExitCode::Conflict,
            CommandError::Store(_) => ExitCode::Failure,
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, .. } => CommandError::NotFound(what.to_string()),
            StoreError::Duplicate(m) => CommandError::Conflict(m),
            StoreError::Invalid(m) => CommandError::invalid_input(m),
            other => CommandError::Store(other),
        }
    }
}

/// Exit codes of the command line, documented in docs/cli.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// Anything else: the database, the file system.
    Failure = 1,
    /// The input or arguments are not acceptable.
    Invalid = 2,
    /// The state does not allow it (a locked year, a stale version, a duplicate).
    Conflict = 3,
    /// Not found.
    NotFound = 4,
    /// Not permitted.
    Forbidden = 5,
}
