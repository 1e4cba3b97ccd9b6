//! The application layer: every change a person or a program makes to
//! hyoka's data is a typed [`Command`], run by [`App::run`].
//!
//! A command takes typed input (a [`hyoka_core::sheet::draft::SheetDraft`], a fiscal year, an
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

pub use command::{Actor, App, Command, Cx};
pub use error::{CommandError, ExitCode};
pub use hyoka_core::time::SystemClock;

/// The code of every command, in the order the audit test runs them.
///
/// A new command is added here, next to its `impl Command`: the unit
/// test below compares this list with every `const CODE` under `src/`,
/// and `tests/audit.rs` runs each of them once and fails on a code it
/// did not run, so a command cannot be added without its audit proof.
pub const ALL_CODES: &[&str] = &[
    <import::ImportBatches as Command>::CODE,
    <accounts::CreateAccount as Command>::CODE,
    <accounts::SetRole as Command>::CODE,
    <accounts::ResetPassword as Command>::CODE,
    <city::CreateCity as Command>::CODE,
    <city::SetCityVocabulary as Command>::CODE,
    <layout::SetLayout as Command>::CODE,
    <layout::DisableSheetKind as Command>::CODE,
    <layout::DefineSheetKind as Command>::CODE,
    <sheet::SaveSheet as Command>::CODE,
    <sheet::MoveSheet as Command>::CODE,
    <sheet::ReturnSheet as Command>::CODE,
    <sheet::ReviewSheet as Command>::CODE,
    <check::AcknowledgeFlag as Command>::CODE,
    <check::ReopenFlag as Command>::CODE,
    <year::SetDeadline as Command>::CODE,
    <year::OpenYear as Command>::CODE,
    <year::LockYear as Command>::CODE,
    <year::PublishYear as Command>::CODE,
    <year::WithdrawYear as Command>::CODE,
    <year::UnlockYear as Command>::CODE,
    <org::CreateDepartment as Command>::CODE,
    <org::RenameDepartment as Command>::CODE,
    <org::EndDepartment as Command>::CODE,
    <org::MergeDepartment as Command>::CODE,
    <org::CreateSection as Command>::CODE,
    <org::RenameSection as Command>::CODE,
    <org::EndSection as Command>::CODE,
    <org::MergeSection as Command>::CODE,
    <org::SetSectionYear as Command>::CODE,
    <plans::CreatePlan as Command>::CODE,
    <plans::EditPlan as Command>::CODE,
    <plans::AddNode as Command>::CODE,
    <plans::EditNode as Command>::CODE,
    <plans::MoveNode as Command>::CODE,
    <plans::ShiftNode as Command>::CODE,
    <plans::RemoveNode as Command>::CODE,
    <items::CreateItem as Command>::CODE,
    <items::EditItem as Command>::CODE,
    <items::PlaceItem as Command>::CODE,
    <items::UnplaceItem as Command>::CODE,
    <items::SetItemSections as Command>::CODE,
    <items::RemoveItem as Command>::CODE,
    <indicators::CreateIndicator as Command>::CODE,
    <indicators::EditIndicator as Command>::CODE,
    <indicators::RemoveIndicator as Command>::CODE,
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every `const CODE: &'static str = "…";` under `src/`.
    fn declared(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                declared(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for line in text.lines() {
                    let Some(rest) = line.trim().strip_prefix("const CODE: &'static str = \"") else { continue };
                    out.push(rest.split('"').next().unwrap().to_string());
                }
            }
        }
    }

    #[test]
    fn the_registry_names_every_command_once() {
        let mut found = Vec::new();
        declared(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        let declared: BTreeSet<&str> = found.iter().map(String::as_str).collect();
        assert_eq!(declared.len(), found.len(), "two commands share a code: {found:?}");
        let registry: BTreeSet<&str> = super::ALL_CODES.iter().copied().collect();
        assert_eq!(registry.len(), super::ALL_CODES.len(), "a code is listed twice in ALL_CODES");
        let missing: Vec<_> = declared.difference(&registry).collect();
        let stale: Vec<_> = registry.difference(&declared).collect();
        assert!(missing.is_empty() && stale.is_empty(), "add to ALL_CODES: {missing:?}; not declared: {stale:?}");
        assert!(declared.len() >= 40, "the scan found the commands: {}", declared.len());
    }
}
