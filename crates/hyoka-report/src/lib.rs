//! Writers of hyoka: what the planning division publishes.
//!
//! [`opendata`] writes the open-data set (long-format CSV and JSON with a
//! metadata file) following the Digital Agency's machine-readability rules.
//! Print, PDF and XLSX layouts and the white paper will live here too.

mod error;
pub mod opendata;

pub use error::ReportError;
pub use opendata::{export_opendata, Header, Licence, OpenDataOptions, OpenDataReport};
