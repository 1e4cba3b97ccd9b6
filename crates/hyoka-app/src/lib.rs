//! The application layer: every change a person or a program makes to
//! hyoka's data is a typed [`Command`], run by [`App::run`].
//!
//! A command takes typed input (a [`sheet::SheetDraft`], a fiscal year, an
//! account), checks permission with `hyoka_core::access::authorize` and
//! state with the workflow rules, writes in one store transaction, and
//! leaves exactly one audit record in that same transaction: who, when,
//! what, with the field-level before and after. The web, the command line
//! and imports all come through here, so the history is complete by
//! construction, and each rule has one place.
//!
//! Errors are domain errors ([`CommandError`]): the web maps them to
//! 403/404/409/422, the command line to exit codes and Japanese messages.

pub mod accounts;
pub mod check;
pub mod city;
mod command;
mod error;
pub mod import;
pub mod indicators;
mod input;
pub mod items;
pub mod layout;
pub mod org;
pub mod password;
pub mod plans;
pub mod sheet;
pub mod signin;
pub mod year;

pub use command::{Actor, App, Command, Cx, SystemClock};
pub use error::{CommandError, ExitCode};
