//! Open data: long-format CSV and JSON that follow the Digital Agency's
//! machine-readability rules (行政データにおける機械可読性に関するルール).
//!
//! [`export_opendata`] writes, into one directory:
//!
//! | file | one row per |
//! |---|---|
//! | `indicators.csv` / `.json` | indicator × fiscal year × role (baseline, target, actual) |
//! | `evaluations.csv` / `.json` | graded item × fiscal year × stage × evaluator |
//! | `budgets.csv` / `.json` | item × fiscal year |
//! | `nodes.csv` / `.json` | plan node, and placement of an item under a node |
//! | `metadata.json` | — (the data set, licence, date, rules, every column in Japanese and English) |
//!
//! One table per file; numbers without units (units in their own column);
//! blank distinct from zero (an empty CSV field, JSON `null`); Western
//! fiscal years with the era label alongside; UTF-8, CSV with CRLF line
//! ends and RFC 4180 quoting, optionally with a BOM for Excel.
//!
//! Every text cell of the CSV files is neutralised against spreadsheet
//! formula injection (`crate::injection`); the JSON files keep text exact.
//!
//! The tables are defined once in [`table`]; rows are built from loaded
//! records by pure functions in [`rows`], then rendered by [`format`];
//! the portal and the API look them up through [`lookup`].

pub mod compare;
pub mod format;
pub mod lookup;
pub mod metadata;
pub mod rows;
pub mod scope;
pub mod table;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use hyoka_core::JpDate;
use hyoka_store::{Municipality, Store};
use serde::Serialize;

pub use lookup::{table_named, year_dataset, year_table_page, RowPage};
pub use rows::{
    budget_rows, evaluation_rows, indicator_rows, load_city, node_rows, BudgetRow, CityData, EvaluationRow,
    IndicatorRow, NodeRow,
};
pub use scope::{load_public_city, load_public_indicators, public_dataset, restrict, Period, Selection, YearScope};
pub use table::{Column, ColumnType, Table, TableRow, Value, BUDGETS, EVALUATIONS, INDICATORS, NODES, TABLES};

use crate::ReportError;

/// The language of the CSV header line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Header {
    /// Japanese column names (the default).
    #[default]
    Ja,
    /// The fixed English column names other tools rely on.
    En,
}

impl Header {
    pub fn code(self) -> &'static str {
        match self {
            Header::Ja => "ja",
            Header::En => "en",
        }
    }
}

impl FromStr for Header {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ja" => Ok(Header::Ja),
            "en" => Ok(Header::En),
            other => Err(format!("見出しの言語「{other}」は使えません（ja または en）")),
        }
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The licence the data set is published under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Licence {
    pub name: String,
    pub url: String,
}

impl Licence {
    /// Creative Commons Attribution 4.0 International, the default: the
    /// Japanese government's standard terms of use are compatible with it.
    pub fn cc_by_4() -> Licence {
        Licence { name: "CC BY 4.0".into(), url: "https://creativecommons.org/licenses/by/4.0/".into() }
    }
}

impl Default for Licence {
    fn default() -> Self {
        Licence::cc_by_4()
    }
}

/// What to export and how.
#[derive(Clone, Debug)]
pub struct OpenDataOptions {
    /// Created when missing; files in it are replaced.
    pub out_dir: PathBuf,
    pub header: Header,
    /// Start CSV files with a byte order mark (for Excel). JSON never has one.
    pub bom: bool,
    /// A 全国地方公共団体コード; `None` exports every city.
    pub municipality: Option<String>,
    /// The update date stated in the metadata.
    pub updated: JpDate,
    pub licence: Licence,
    /// Which fiscal years: [`YearScope::Published`] for anything the public
    /// will see; [`YearScope::All`] (drafts included) for internal use.
    pub years: YearScope,
}

impl OpenDataOptions {
    /// Japanese headers, no BOM, every city, CC BY 4.0, dated `updated`
    /// (today in Japan by the caller's clock), every stored year (internal
    /// use; see [`OpenDataOptions::published`]).
    pub fn new(out_dir: impl Into<PathBuf>, updated: JpDate) -> OpenDataOptions {
        OpenDataOptions {
            out_dir: out_dir.into(),
            header: Header::Ja,
            bom: false,
            municipality: None,
            updated,
            licence: Licence::default(),
            years: YearScope::All,
        }
    }

    /// As [`OpenDataOptions::new`], but only the years each city has
    /// published: what may be handed to the public.
    pub fn published(out_dir: impl Into<PathBuf>, updated: JpDate) -> OpenDataOptions {
        OpenDataOptions { years: YearScope::Published, ..OpenDataOptions::new(out_dir, updated) }
    }
}

/// The rows of the four tables, for every exported city.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenDataSet {
    pub municipalities: Vec<Municipality>,
    pub indicators: Vec<IndicatorRow>,
    pub evaluations: Vec<EvaluationRow>,
    pub budgets: Vec<BudgetRow>,
    pub nodes: Vec<NodeRow>,
}

impl OpenDataSet {
    /// Builds every table from loaded cities (in the order given).
    pub fn build(cities: &[CityData]) -> OpenDataSet {
        let mut set = OpenDataSet::default();
        for city in cities {
            set.municipalities.push(city.municipality.clone());
            set.indicators.extend(indicator_rows(city));
            set.evaluations.extend(evaluation_rows(city));
            set.budgets.extend(budget_rows(city));
            set.nodes.extend(node_rows(city));
        }
        set
    }

    /// Each table with its rows as values, in the order of [`TABLES`].
    pub fn tables(&self) -> [(&'static Table, Vec<Vec<Value>>); 4] {
        fn values<R: TableRow>(rows: &[R]) -> (&'static Table, Vec<Vec<Value>>) {
            (R::table(), rows.iter().map(TableRow::values).collect())
        }
        [values(&self.indicators), values(&self.evaluations), values(&self.budgets), values(&self.nodes)]
    }

    /// Writes the CSV and JSON files and `metadata.json` into
    /// `opts.out_dir`. Each file is written whole to a temporary name and
    /// then renamed, so a reader never sees half a file.
    pub fn write(&self, opts: &OpenDataOptions) -> Result<OpenDataReport, ReportError> {
        let dir = &opts.out_dir;
        std::fs::create_dir_all(dir).map_err(|source| ReportError::Io { path: dir.clone(), source })?;
        let mut files = Vec::new();
        let mut counts = [0; 4];
        for (i, (table, rows)) in self.tables().into_iter().enumerate() {
            counts[i] = rows.len();
            let csv = format::render_csv(table, &rows, opts.header, opts.bom);
            files.push(write_file(dir, &table.csv_file(), &csv, Some(table.name), rows.len())?);
            let json = format::render_json(table, &rows);
            files.push(write_file(dir, &table.json_file(), &json, Some(table.name), rows.len())?);
        }
        let meta =
            metadata::metadata(&self.municipalities, counts, opts.header, opts.bom, &opts.licence, &opts.updated.iso());
        let mut text = serde_json::to_string_pretty(&meta)?;
        text.push('\n');
        files.push(write_file(dir, METADATA_FILE, &text, None, 0)?);
        Ok(OpenDataReport { out_dir: dir.clone(), municipalities: self.municipalities.clone(), files })
    }
}

pub const METADATA_FILE: &str = "metadata.json";

/// What [`export_opendata`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenDataReport {
    pub out_dir: PathBuf,
    pub municipalities: Vec<Municipality>,
    pub files: Vec<WrittenFile>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenFile {
    pub path: PathBuf,
    /// The table the file holds; `None` for `metadata.json`.
    pub table: Option<&'static str>,
    pub rows: usize,
    pub bytes: u64,
}

impl OpenDataReport {
    /// The number of rows written for a table (`indicators`, …).
    pub fn rows(&self, table: &str) -> Option<usize> {
        self.files.iter().find(|f| f.table == Some(table)).map(|f| f.rows)
    }
}

fn write_file(
    dir: &Path,
    name: &str,
    contents: &str,
    table: Option<&'static str>,
    rows: usize,
) -> Result<WrittenFile, ReportError> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let io = |source| ReportError::Io { path: path.clone(), source };
    std::fs::write(&tmp, contents).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(WrittenFile { path, table, rows, bytes: contents.len() as u64 })
}

/// Exports the open data of one city (`opts.municipality`) or of every city
/// in the store, of the years `opts.years` says: with
/// [`YearScope::Published`] a city without a published year is left out
/// (its tables are empty). An unknown city code is an error.
pub async fn export_opendata(store: &Store, opts: &OpenDataOptions) -> Result<OpenDataReport, ReportError> {
    let codes: Vec<String> = match &opts.municipality {
        Some(code) => vec![store.municipality(code).await?.code],
        None => store.municipalities().await?.into_iter().map(|m| m.code).collect(),
    };
    let mut cities = Vec::new();
    for code in &codes {
        match opts.years {
            YearScope::All => cities.push(load_city(store, code).await?),
            YearScope::Published => cities.extend(load_public_city(store, code).await?),
        }
    }
    OpenDataSet::build(&cities).write(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract of the issue: the English column names, exactly.
    #[test]
    fn english_columns_are_exactly_the_published_lists() {
        let expected: [(&str, &str); 4] = [
            (
                "indicators",
                "municipality_code, municipality, plan, node_code, project, indicator, indicator_kind, unit, direction, fiscal_year, fiscal_year_label, role, printed, value, judgement, judgement_computed, related_plan, related_node_code",
            ),
            (
                "evaluations",
                "municipality_code, municipality, plan, code, title, fiscal_year, stage, evaluator, grade, grade_label, comment",
            ),
            (
                "budgets",
                "municipality_code, municipality, code, title, fiscal_year, initial_budget_yen, final_budget_yen, settlement_yen, general_revenue_yen, carried_over_yen, execution_rate, execution_rate_printed, national_yen, prefectural_yen, bonds_yen, other_funding_yen, staff_hours, hourly_cost_yen, personnel_cost_yen, total_cost_yen, total_cost_computed_yen",
            ),
            ("nodes", "municipality_code, municipality, plan, code, parent_code, level, title, departments, tags"),
        ];
        for (table, (name, columns)) in TABLES.iter().zip(expected) {
            assert_eq!(table.name, name);
            assert_eq!(table.names_en().join(", "), columns, "{name}");
        }
    }

    #[test]
    fn column_names_are_unique_and_described_in_both_languages() {
        for table in TABLES {
            for language in [Header::Ja, Header::En] {
                let names = table.header(language);
                let mut unique = names.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), names.len(), "{} {language}", table.name);
            }
            for c in table.columns {
                assert!(!c.description_ja.is_empty() && !c.description_en.is_empty(), "{}", c.name_en);
                assert!(!c.name_ja.is_ascii(), "{} has a Japanese name", c.name_en);
                assert_eq!(c.codes.is_some(), c.kind == ColumnType::Code, "{}", c.name_en);
            }
        }
    }

    /// docs/opendata.md documents every column under both its names.
    #[test]
    fn the_documentation_lists_every_column() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/opendata.md");
        let doc = std::fs::read_to_string(&path).expect("docs/opendata.md");
        for table in TABLES {
            assert!(doc.contains(&format!("### `{}.csv`", table.name)), "{}", table.name);
            for c in table.columns {
                let line = format!("| `{}` | {} | {} |", c.name_en, c.name_ja, c.kind.name());
                assert!(doc.contains(&line), "docs/opendata.md lacks {line}");
            }
        }
    }

    #[test]
    fn headers_parse() {
        assert_eq!("ja".parse::<Header>(), Ok(Header::Ja));
        assert_eq!("EN".parse::<Header>(), Ok(Header::En));
        assert!("fr".parse::<Header>().unwrap_err().contains("ja または en"));
    }
}
