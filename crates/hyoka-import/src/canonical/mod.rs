//! hyoka's own exchange formats, so that a city can bulk-edit in Excel and
//! load the result back: a workbook (XLSX, one table per sheet), the same
//! tables as CSV files, and JSON. docs/formats.md describes them.
//!
//! Exporting a city, importing the files and exporting again gives the
//! same content. Files are recognised by content: JSON by its `format`
//! key, XLSX by its ZIP signature and sheet names, CSV by its header row.
//! Reading checks every cell and every reference before anything is
//! written; an error names file, sheet, row and column in Japanese.

mod archive;
mod assemble;
pub(crate) mod csv;
pub(crate) mod encoding;
mod flatten;
pub(crate) mod grid;
pub(crate) mod json;
pub mod limits;
pub mod tables;
pub(crate) mod xls_scan;
pub(crate) mod xlsx;
pub(crate) mod xlsx_scan;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use archive::{unpack, NamedFiles};
pub use encoding::TextEncoding;
pub use json::{FORMAT, VERSION};
pub use tables::{ColumnKind, ColumnSpec, TableSpec, TABLES};

use crate::batch::CityBatch;
use crate::error::{ImportError, Place};
use crate::Batch;
use grid::Table;

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}: 書き込めません（{}）", path.display(), crate::error::io_reason(source))]
    Io { path: PathBuf, source: std::io::Error },
    /// The writer's own reason (English) is kept for the log, not shown.
    #[error("XLSX を作成できません（ブックの書き出しに失敗しました）")]
    Xlsx(String),
    /// Data the tables cannot hold.
    #[error("{0}")]
    Invalid(String),
}

/// The canonical forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanonicalKind {
    Json,
    Xlsx,
    Csv,
}

/// Which canonical form a file is in, if any. Any ZIP file is taken for a
/// workbook, so that a damaged one is reported as such by [`read_canonical`].
pub fn detect(bytes: &[u8]) -> Option<CanonicalKind> {
    if bytes.starts_with(xlsx::ZIP_MAGIC) {
        return Some(CanonicalKind::Xlsx);
    }
    let (text, _) = encoding::decode("", bytes).ok()?;
    if json::looks_like_json(&text) {
        return Some(CanonicalKind::Json);
    }
    let first_line = text.lines().next()?;
    let header = csv::grid("", first_line).ok()?;
    header.recognise().map(|_| CanonicalKind::Csv)
}

/// The CSV cell for a text: a text a spreadsheet would take for a formula
/// (`=`, `+`, `-`, `@`, tab or CR first, after any apostrophes) gets one more
/// apostrophe in front. docs/formats.md explains it.
pub fn neutralise_csv_text(text: &str) -> String {
    csv::neutralise(text)
}

/// The text a CSV cell stands for: the inverse of [`neutralise_csv_text`].
pub fn restore_csv_text(cell: String) -> String {
    csv::restore(cell)
}

/// Whether a file's name says it is meant as a canonical file though its
/// content is not recognised (a CSV whose header is wrong, a JSON that is
/// not ours): it is then read as one, so the error says what is wrong with
/// it instead of naming every format hyoka reads.
pub fn named_like_canonical(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".csv", ".json", ".xlsx", ".xlsm", ".xls"].iter().any(|ext| lower.ends_with(ext))
}

// ------------------------------------------------------------------ export

/// The CSV files of a batch: `(file name, bytes)`, one per table, UTF-8
/// with a BOM when `bom` (what Excel needs to open UTF-8), CRLF line ends.
pub fn csv_files(batch: &Batch, bom: bool) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    Ok(flatten::flatten(batch)?
        .into_iter()
        .map(|t| {
            let mut rows = vec![t.spec.columns.iter().map(|c| c.name.to_string()).collect::<Vec<_>>()];
            rows.extend(t.rows.iter().map(|r| {
                r.iter()
                    .map(|cell| match cell {
                        flatten::Out::Text(text) => csv::neutralise(text),
                        other => other.to_text(),
                    })
                    .collect()
            }));
            (t.spec.file_name(), csv::write(&rows, bom))
        })
        .collect())
}

/// Writes the CSV files into `dir` (created if missing); returns their paths.
pub fn write_csv_dir(batch: &Batch, dir: &Path, bom: bool) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io { path: dir.to_path_buf(), source })?;
    let mut paths = Vec::new();
    for (name, bytes) in csv_files(batch, bom)? {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| ExportError::Io { path: path.clone(), source })?;
        paths.push(path);
    }
    Ok(paths)
}

/// The workbook's bytes. The same data gives the same bytes.
pub fn xlsx_bytes(batch: &Batch) -> Result<Vec<u8>, ExportError> {
    xlsx::write(&flatten::flatten(batch)?)
}

pub fn write_xlsx(batch: &Batch, path: &Path) -> Result<(), ExportError> {
    let bytes = xlsx_bytes(batch)?;
    std::fs::write(path, bytes).map_err(|source| ExportError::Io { path: path.to_path_buf(), source })
}

/// The JSON's bytes: UTF-8, pretty-printed, ending in a newline.
pub fn json_bytes(batch: &Batch) -> Vec<u8> {
    json::write(&batch.cities)
}

pub fn write_json(batch: &Batch, path: &Path) -> Result<(), ExportError> {
    std::fs::write(path, json_bytes(batch)).map_err(|source| ExportError::Io { path: path.to_path_buf(), source })
}

// ------------------------------------------------------------------ import

/// Refuses a file larger than [`limits::MAX_FILE_BYTES`]; `hyoka import`
/// asks before reading the file into memory.
pub fn check_size(name: &str, bytes: u64) -> Result<(), ImportError> {
    if bytes > limits::MAX_FILE_BYTES {
        return Err(ImportError::new(
            Place::file(name),
            format!(
                "ファイルが大きすぎます（{} バイト、上限 {}）。自治体ごとに分けて書き出したファイルを取り込んでください",
                bytes,
                limits::bytes_text(limits::MAX_FILE_BYTES)
            ),
        ));
    }
    Ok(())
}

/// The first bytes of an old binary Excel file (.xls).
pub(crate) const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads canonical files: any number of workbooks and JSON files, and one
/// complete set of CSV files (a table per file). Returns the cities and
/// notes for the person importing (the encoding found for each CSV file,
/// sheets left alone). Nothing is half-read: a problem is an error, with
/// its place; the problems of the first bad table are listed together.
pub fn read_canonical<N: AsRef<str>, B: AsRef<[u8]>>(files: &[(N, B)]) -> Result<(Batch, Vec<String>), ImportError> {
    if files.is_empty() {
        return Err(ImportError::new(Place::default(), "読み込むファイルが指定されていません"));
    }
    let mut notes = Vec::new();
    let mut sources: Vec<(String, Vec<CityBatch>)> = Vec::new();
    let mut csv_tables: HashMap<&'static str, Table> = HashMap::new();
    let mut first_csv: Option<String> = None;
    for (name, bytes) in files {
        let (name, bytes) = (name.as_ref(), bytes.as_ref());
        if bytes.is_empty() {
            return Err(ImportError::new(Place::file(name), "ファイルが空です"));
        }
        check_size(name, bytes.len() as u64)?;
        if bytes.starts_with(xlsx::ZIP_MAGIC) {
            let (grids, others) = xlsx::read(name, bytes)?;
            let mut tables = HashMap::new();
            for g in grids {
                let spec =
                    tables::table(g.sheet.as_deref().unwrap_or_default()).expect("sheets are read by table name");
                tables.insert(spec.name, g.bind(spec)?);
            }
            sources.push((name.to_string(), assemble::assemble(&tables)?));
            notes.push(format!("{name}: XLSX（表のシート {} 枚）", TABLES.len()));
            for sheet in others {
                notes.push(format!("{name}: シート「{sheet}」は標準形式の表ではないため読み飛ばしました"));
            }
            continue;
        }
        if bytes.starts_with(OLE_MAGIC) {
            return Err(ImportError::new(
                Place::file(name),
                "古い Excel 形式（.xls）は読み込めません。Excel で「Excel ブック（*.xlsx）」として保存し直してください",
            ));
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
            return Err(ImportError::new(
                Place::file(name),
                "XLSXファイルとして読み取れません（ZIP 形式ではありません。別の形式のファイルの名前を .xlsx に変えたものではありませんか）",
            ));
        }
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(ImportError::new(
                Place::file(name),
                "UTF-16 で保存されたファイルは読み込めません。CSV UTF-8（コンマ区切り）か CSV（コンマ区切り）で保存し直してください",
            ));
        }
        // Text with a stray NUL is read, and the NUL refused at its cell;
        // a file full of them is not text.
        if bytes.iter().take(8192).filter(|&&b| b == 0).count() > 8 {
            return Err(ImportError::new(
                Place::file(name),
                "テキスト（CSV・JSON）でも XLSX でもないファイルです（画像などのバイナリファイルではありませんか）",
            ));
        }
        let (text, encoding) = encoding::decode(name, bytes)?;
        if text.trim().is_empty() {
            return Err(ImportError::new(Place::file(name), "ファイルが空です"));
        }
        if json::looks_like_json(&text) {
            let cities = json::read(name, &text)?;
            notes.push(format!("{name}: JSON（{FORMAT} 版{VERSION}、文字コード {}）", encoding.label()));
            sources.push((name.to_string(), cities));
            continue;
        }
        let grid = csv::grid(name, &text)?;
        let Some(spec) = grid.recognise() else { return Err(grid.unrecognised()) };
        if let Some(other) = csv_tables.get(spec.name) {
            return Err(ImportError::new(
                Place::file(name),
                format!("表 {} のファイルが2つあります（{} と {name}）", spec.name, other.file),
            ));
        }
        let table = grid.bind(spec)?;
        notes.push(format!("{name}: 文字コード {}、表 {}（{}行）", encoding.label(), spec.name, table.len()));
        csv_tables.insert(spec.name, table);
        first_csv.get_or_insert_with(|| name.to_string());
    }
    if let Some(first) = first_csv {
        let missing: Vec<&TableSpec> =
            TABLES.iter().filter(|t| !t.may_be_absent() && !csv_tables.contains_key(t.name)).collect();
        if let Some(m) = missing.first() {
            let path = Path::new(&first).with_file_name(m.file_name());
            let names: Vec<String> = missing.iter().map(|t| t.file_name()).collect();
            return Err(ImportError::new(
                Place::file(&path.to_string_lossy()),
                format!(
                    "このファイルがありません。CSV で読み込むときは {} の表すべてが必要です（足りない表: {}）",
                    TABLES.len(),
                    names.join(", ")
                ),
            ));
        }
        sources.push((first, assemble::assemble(&csv_tables)?));
    }
    let mut from: HashMap<String, String> = HashMap::new();
    let mut batch = Batch::default();
    for (file, cities) in sources {
        for city in cities {
            if let Some(other) = from.insert(city.code.clone(), file.clone()) {
                return Err(ImportError::new(
                    Place::file(&file),
                    format!(
                        "自治体 {}（{}）が {other} にもあります。1つの自治体は1つのファイルから読み込んでください",
                        city.code, city.name
                    ),
                ));
            }
            batch.cities.push(city);
        }
    }
    Ok((batch, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_form_by_content() {
        let empty = Batch::default();
        for (_, bytes) in csv_files(&empty, true).unwrap() {
            assert_eq!(detect(&bytes), Some(CanonicalKind::Csv));
        }
        assert_eq!(detect(&json_bytes(&empty)), Some(CanonicalKind::Json));
        assert_eq!(detect(&xlsx_bytes(&empty).unwrap()), Some(CanonicalKind::Xlsx));
        // Any JSON: a broken or foreign one is then told as JSON.
        assert_eq!(detect("{\"cities\": [".as_bytes()), Some(CanonicalKind::Json));
        let seed = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/000_1a8dd8067da68eba.txt"));
        assert_eq!(detect(&seed.unwrap()), None);
    }

    #[test]
    fn an_empty_set_reads_as_no_cities() {
        let (batch, notes) = read_canonical(&csv_files(&Batch::default(), false).unwrap()).unwrap();
        assert!(batch.cities.is_empty());
        assert_eq!(notes.len(), TABLES.len());
    }
}
