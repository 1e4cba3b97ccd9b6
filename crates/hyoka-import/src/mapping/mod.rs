//! A city's own workbook through a mapping file ("bring your own
//! spreadsheet"): the mapping says which sheet, which header row, and
//! which column holds each field of hyoka's model (docs/mapping.md). The
//! result is the same [`Batch`] the canonical import applies, so a dry
//! run, the refusal of locked years, the audit record and "a failed
//! import writes nothing" work as for every other import.
//!
//! - [`spec`]: the mapping file, checked with Japanese messages naming the key;
//! - `workbook`: .xlsx / .xls (cached values of formulas) and CSV
//!   (UTF-8 or Shift_JIS) as rows of cells;
//! - `layout`: the header row and the columns the mapping names;
//! - `column`: a column as the mapping names it (letter, header, joined
//!   sheet, row of a project);
//! - `join`: merged cells, projects over several rows, joined sheets;
//! - `rows`: each row → an item with its lists and indicators;
//! - `value`: one cell → a value (years, yen, codes, printed text).

mod column;
mod join;
mod layout;
mod rows;
pub mod spec;
mod value;
mod workbook;

pub use spec::Checked;

use crate::batch::{Batch, CityBatch};
use crate::error::{ImportError, Place};

/// What the reader is told besides the files: the city when the mapping
/// does not name it, and the city as stored (its name, its plans, and each
/// item's rows of other years, which the import keeps).
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    pub municipality: Option<&'a str>,
    pub stored: Option<&'a CityBatch>,
}

/// What [`read`] read.
#[derive(Debug)]
pub struct Mapped {
    pub batch: Batch,
    /// What was read (the sheet, the encoding, counts) and what was noticed.
    pub notes: Vec<String>,
    /// One line per project: its row and what it brings (shown by a dry run).
    pub projects: Vec<String>,
}

/// What a dry run and an import say about the city's words a mapping declares.
pub fn vocabulary_note(v: &hyoka_core::vocabulary::CityVocabulary) -> String {
    format!(
        "対応表の評価の観点 {}件・方向性の語 {}件を、この市の言葉として保存します（管理 → 評価の観点と方向性の語）",
        v.criteria.len(),
        v.directions.len()
    )
}

/// The city a mapping is for: the mapping's `city.code`, or the one given
/// beside it (`--municipality`). Both, if they differ, is an error.
pub fn city_code(mapping_file: &str, m: &Checked, given: Option<&str>) -> Result<String, ImportError> {
    let named = m.raw.city.as_ref().and_then(|c| c.code.as_deref()).map(str::trim).filter(|c| !c.is_empty());
    match (named, given.map(str::trim)) {
        (Some(a), Some(b)) if a != b => Err(ImportError::new(
            Place::file(mapping_file),
            format!("対応表の city.code は {a} ですが、自治体 {b} が指定されました。どちらかに揃えてください"),
        )),
        (Some(a), _) | (None, Some(a)) => Ok(a.to_string()),
        (None, None) => Err(ImportError::new(
            Place::file(mapping_file),
            "自治体がわかりません。対応表に city.code を書くか、--municipality で自治体コードを指定してください",
        )),
    }
}

/// Reads a workbook (or CSV file) through a checked mapping.
pub fn read(mapping_file: &str, m: &Checked, file: &str, bytes: &[u8], cx: Context<'_>) -> Result<Mapped, ImportError> {
    let code = city_code(mapping_file, m, cx.municipality)?;
    let stored = cx.stored.filter(|s| s.code == code);
    let name = m
        .raw
        .city
        .as_ref()
        .and_then(|c| c.name.clone())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .or_else(|| stored.map(|s| s.name.clone()).filter(|n| !n.is_empty()))
        .ok_or_else(|| {
            ImportError::new(
                Place::file(mapping_file),
                format!("自治体 {code} は登録されていません。対応表に city.name を書くか、先に hyoka city add で登録してください"),
            )
        })?;
    let joined: Vec<spec::SheetSpec> = m.raw.join.iter().map(spec::JoinSpec::sheet_spec).collect();
    let specs: Vec<&spec::SheetSpec> = std::iter::once(&m.raw.sheet).chain(&joined).collect();
    let mut sheets = workbook::read(file, bytes, &specs)?.into_iter();
    let mut sheet = sheets.next().expect("the main sheet");
    let mut notes: Vec<String> = std::iter::once(&sheet).chain(sheets.as_slice()).map(|s| s.note.clone()).collect();
    let header = layout::header(&sheet, &m.raw.sheet, "sheet")?;
    notes.push(format!("{}: 見出しは {}行目", file, header.row + 1));
    notes.extend(join::attach(&mut sheet, &header, sheets.collect(), m)?);
    let read = rows::city(sheet, &header, m, &code, &name, stored)?;
    notes.extend(read.notes);
    Ok(Mapped { batch: Batch { cities: vec![read.city], findings: Vec::new() }, notes, projects: read.projects })
}

/// Reads and checks a mapping file, its `[[join]]` tables included.
/// Problems of the file's syntax name its line; problems of its content
/// name the key.
pub fn parse(file: &str, text: &str) -> Result<Checked, ImportError> {
    let checked = spec::parse(file, text)?;
    join::check(file, &checked.raw.join)?;
    Ok(checked)
}
