//! Writers of hyoka: what the planning division publishes.
//!
//! - [`opendata`] writes the open-data set (long-format CSV and JSON with a
//!   metadata file) following the Digital Agency's machine-readability rules.
//! - [`whitepaper`] compiles the white paper (自治体経営白書) of a city and
//!   fiscal year: plans, indicator tables, narratives, charts and figures.
//! - [`summary`] lists every graded entry of a plan with counts per grade
//!   per group, department and evaluator (re-listings never counted twice)
//!   and the share of indicators achieved ([`achievement`]).
//! - [`sheet`] prints one sheet (an item × a fiscal year) in its city's
//!   layout; [`book`] puts every sheet of a year (or of one 部) in one PDF
//!   or workbook behind a cover and a table of contents.
//!
//! Each print report is built once as a [`doc::Document`] and rendered as
//! one self-contained HTML page for A4 print ([`html`]) and as PDF with the
//! bundled BIZ UDゴシック ([`pdf`]); the XLSX workbooks ([`xlsx`]) hold one
//! table per sheet without merged cells. See `docs/reports.md`.
//!
//! Every CSV file is written by [`csvfile`], which neutralises text that a
//! spreadsheet would run as a formula ([`injection`]).

pub mod achievement;
pub mod book;
pub mod city;
pub mod csvfile;
pub mod doc;
mod error;
pub mod html;
pub mod injection;
pub mod opendata;
pub mod pdf;
pub mod sheet;
pub mod summary;
pub mod whitepaper;
pub mod xlsx;

pub use book::{compile_book, SheetBook};
pub use error::ReportError;
pub use opendata::{export_opendata, Header, Licence, OpenDataOptions, OpenDataReport};
pub use sheet::{load_sheet, sheet_html, sheet_pdf, sheet_xlsx, SheetView};
pub use summary::{compile_summary, summary_csv, summary_html, summary_pdf, summary_xlsx, SummaryReport};
pub use whitepaper::{compile_whitepaper, whitepaper_html, whitepaper_pdf, whitepaper_xlsx, WhitePaper};
