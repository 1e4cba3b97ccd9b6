//! Shared UI, below every feature and the HTTP plumbing: the page shell,
//! narrative markup, widgets the staff pages and the portal share, and how
//! times and dates are shown. Nothing here knows about requests.

pub mod checks;
pub mod format;
pub mod markup;
pub mod shell;
pub mod widgets;
