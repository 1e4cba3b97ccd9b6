//! The web tests, in one binary (one link step instead of one per file):
//! a real server on a free port, a real HTTP client, real Chromium.

// Fixtures arrange data straight in the store; the rule that changes go
// through commands (clippy.toml) is for the server's code.
#![allow(clippy::disallowed_methods)]

mod support;

/// The report tests' helpers: seeds, pdftotext.
#[path = "../../../hyoka-report/tests/support/mod.rs"]
mod report_support;

/// A city's own evaluation workbook and its mapping (docs/mapping.md).
#[path = "../../../hyoka-import/tests/common/jimu_sheet.rs"]
mod jimu_sheet;

mod accessibility;
mod admin;
mod admin_import;
mod api_contract;
mod authz_matrix;
mod browse;
mod browser_flows;
mod checks;
mod city_cycles;
mod docs_routes;
mod hardening;
mod jimu;
mod kinds;
mod layers;
mod mobile;
mod print;
mod public_cache;
mod publication;
mod search;
mod security;
mod setup;
mod sheets;
mod statements;
mod workflow;
