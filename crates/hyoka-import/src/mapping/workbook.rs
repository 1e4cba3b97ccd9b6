//! The city's file as rows of cells: one sheet of an .xlsx or .xls
//! workbook (formulas give their cached values), or a CSV file in UTF-8
//! or Shift_JIS. An .xlsx is measured against the limits before it is
//! opened (zip bombs) and read cell by cell, never as the rectangle a
//! sheet declares; an .xls is measured too (canonical/xls_scan.rs), since
//! calamine builds its sheets as rectangles.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Reader, Xls, Xlsx};

use super::spec::SheetSpec;
use super::value::printed;
use crate::canonical::encoding::decode;
use crate::canonical::grid::Cell;
use crate::canonical::limits::{column_letters, TextBudget, MAX_CELL_CHARS, MAX_ROWS};
use crate::canonical::xls_scan::{self, XLS_CORRUPT};
use crate::canonical::xlsx::ZIP_MAGIC;
use crate::canonical::xlsx_scan::{inspect, CORRUPT};
use crate::canonical::{check_size, csv, OLE_MAGIC};
use crate::control;
use crate::error::{shown, ImportError, Place};

/// One sheet's cells by 0-based row; a row's cells from column A.
pub struct Sheet {
    pub file: String,
    /// `None` for a CSV file.
    pub name: Option<String>,
    pub rows: BTreeMap<u32, Vec<Cell>>,
    /// What was read, for the person importing.
    pub note: String,
    /// The merged ranges of the sheet as the workbook declares them.
    pub merges: Vec<Merge>,
    /// Rows that continue the project above them: its key cell is merged
    /// over them (mapping/join.rs). The rows are read as one project.
    pub continued: HashSet<u32>,
    /// Columns beyond the sheet's own, filled on each project's first row
    /// from a later row of the project or from a joined sheet.
    pub extra: Vec<Segment>,
    /// The sheets joined to this one, as `extra` names them.
    pub joined: Vec<Joined>,
}

/// A merged range, 0-based and inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

/// `width` columns from `base` on hold row `row` (1-based) of each
/// project, read from this sheet (`joined: None`) or from `joined[j]`.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    pub base: u32,
    pub width: u32,
    pub row: u32,
    pub joined: Option<usize>,
}

/// A sheet joined to the main one: the name the mapping calls it, its
/// own name, its header, and which of its rows joined each project.
#[derive(Debug)]
pub struct Joined {
    pub alias: String,
    pub name: String,
    pub header_row: u32,
    pub header: Vec<String>,
    /// The column of the join key.
    pub key: u32,
    /// The main sheet's first row of a project → the joined sheet's.
    pub partner: HashMap<u32, u32>,
}

impl Sheet {
    fn new(file: &str, name: Option<String>, note: String) -> Sheet {
        Sheet {
            file: file.into(),
            name,
            rows: BTreeMap::new(),
            note,
            merges: Vec::new(),
            continued: HashSet::new(),
            extra: Vec::new(),
            joined: Vec::new(),
        }
    }

    pub fn cell(&self, row: u32, col: u32) -> &Cell {
        self.rows.get(&row).and_then(|r| r.get(col as usize)).unwrap_or(&Cell::Empty)
    }

    pub fn place(&self, row: u32) -> Place {
        Place { sheet: self.name.clone(), row: Some(row as usize + 1), ..Place::file(&self.file) }
    }

    /// Where the cell of column `col` in a project's first row `row` came
    /// from: this sheet's row, a later row of the project, or a joined
    /// sheet's row.
    pub fn place_at(&self, row: u32, col: u32) -> Place {
        match self.segment(col) {
            None => self.place(row),
            Some(Segment { joined: None, row: n, .. }) => self.place(row + n - 1),
            Some(Segment { joined: Some(j), row: n, .. }) => {
                let joined = &self.joined[j];
                let at = joined.partner.get(&row).map(|p| *p as usize + n as usize);
                Place { sheet: Some(joined.name.clone()), row: at, ..Place::file(&self.file) }
            }
        }
    }

    /// Blank cells of these columns take the value above them, from row
    /// `first` on (what a merged cell looks like once read).
    pub fn fill_down(&mut self, cols: impl IntoIterator<Item = u32>, first: u32) {
        for col in cols {
            let i = col as usize;
            let mut above: Option<Cell> = None;
            for cells in self.rows.range_mut(first..).map(|(_, c)| c) {
                let blank = cells.get(i).is_none_or(|c| printed(c).ok().flatten().is_none());
                match (&above, blank) {
                    (Some(v), true) => {
                        if cells.len() <= i {
                            cells.resize(i + 1, Cell::Empty);
                        }
                        cells[i] = v.clone();
                    }
                    (_, false) => above = Some(cells[i].clone()),
                    (None, true) => {}
                }
            }
        }
    }

    /// The extra columns `col` is one of, if it is.
    pub fn segment(&self, col: u32) -> Option<Segment> {
        self.extra.iter().find(|s| (s.base..s.base + s.width).contains(&col)).copied()
    }
}

/// Reads the sheets the specs name, in order, opening the workbook once.
/// A CSV file is one sheet.
pub fn read(file: &str, bytes: &[u8], specs: &[&SheetSpec]) -> Result<Vec<Sheet>, ImportError> {
    check_size(file, bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(ImportError::new(Place::file(file), "ファイルが空です"));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        inspect(file, bytes)?;
        let mut book: Xlsx<_> =
            Xlsx::new(Cursor::new(bytes)).map_err(|_| ImportError::new(Place::file(file), CORRUPT))?;
        let mut sheets = Vec::new();
        let mut text = TextBudget::default();
        for spec in specs {
            let name = choose(file, &book.sheet_names(), spec)?;
            let corrupt = |_| ImportError::new(Place { sheet: Some(name.clone()), ..Place::file(file) }, CORRUPT);
            let mut sheet = Sheet::new(file, Some(name.clone()), format!("{file}: XLSX シート「{name}」"));
            {
                let mut reader = book.worksheet_cells_reader(&name).map_err(corrupt)?;
                while let Some(c) = reader.next_cell().map_err(corrupt)? {
                    let (row, col) = c.get_position();
                    let cell = cell_of(c.get_value());
                    if let Cell::Text(t) = &cell {
                        text.take(t).map_err(|m| ImportError::new(sheet.place(row), m))?;
                    }
                    put(&mut sheet, row, col, cell)?;
                }
            }
            if let Some(merges) = book.worksheet_merge_cells(&name) {
                sheet.merges = merges.map_err(corrupt)?.iter().map(merge_of).collect();
            }
            sheets.push(sheet);
        }
        return Ok(sheets);
    }
    if bytes.starts_with(OLE_MAGIC) {
        xls_scan::inspect(file, bytes)?;
        // Within the limits, calamine may still stop on a record it does
        // not expect by panicking; that is a file it cannot read.
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_xls(file, bytes, specs)))
            .unwrap_or_else(|_| Err(ImportError::new(Place::file(file), XLS_CORRUPT)));
    }
    if file.to_ascii_lowercase().ends_with(".xls") {
        return Err(ImportError::new(
            Place::file(file),
            "XLS ファイルとして読み取れません（Excel 97-2003 ブックの形式ではありません。CSV や HTML の名前を .xls に変えたものなら、拡張子を合わせるか、Excel でブック（*.xlsx）として保存し直してください）",
        ));
    }
    if specs.len() > 1 {
        return Err(ImportError::new(
            Place::file(file),
            "CSV ファイルにはシートが1つしかないため、対応表の join（シートの結合）は使えません",
        ));
    }
    let (text, encoding) = decode(file, bytes)?;
    let mut sheet = Sheet::new(file, None, format!("{file}: CSV 文字コード {}", encoding.label()));
    if specs.first().is_some_and(|spec| spec.name.is_some() || spec.pattern.is_some()) {
        sheet.note.push_str("（CSV にはシートがないため sheet.name・sheet.pattern は使いません）");
    }
    for record in csv::parse(file, &text)? {
        let row = record.number as u32 - 1;
        for (col, field) in record.fields.into_iter().enumerate() {
            let cell = if field.is_empty() { Cell::Empty } else { Cell::Text(csv::restore(field)) };
            put(&mut sheet, row, col as u32, cell)?;
        }
    }
    Ok(vec![sheet])
}

/// The sheets of an .xls the scan let through.
fn read_xls(file: &str, bytes: &[u8], specs: &[&SheetSpec]) -> Result<Vec<Sheet>, ImportError> {
    let mut book: Xls<_> =
        Xls::new(Cursor::new(bytes)).map_err(|_| ImportError::new(Place::file(file), XLS_CORRUPT))?;
    let mut sheets = Vec::new();
    for spec in specs {
        let name = choose(file, &book.sheet_names(), spec)?;
        let range = book.worksheet_range(&name).map_err(|_| {
            ImportError::new(Place { sheet: Some(name.clone()), ..Place::file(file) }, "シートを読み取れません")
        })?;
        let mut sheet = Sheet::new(file, Some(name.clone()), format!("{file}: XLS シート「{name}」"));
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, data) in range.used_cells() {
            put(&mut sheet, r0 + r as u32, c0 + c as u32, cell_of_owned(data))?;
        }
        sheet.merges = book.worksheet_merge_cells(&name).unwrap_or_default().iter().map(merge_of).collect();
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn merge_of(d: &Dimensions) -> Merge {
    Merge { first: d.start, last: d.end }
}

/// Keeps a cell, refusing text no sheet may hold.
fn put(sheet: &mut Sheet, row: u32, col: u32, cell: Cell) -> Result<(), ImportError> {
    if matches!(cell, Cell::Empty) {
        return Ok(());
    }
    let at = || format!("{}{}", column_letters(col), row as u64 + 1);
    let place = || Place { column: Some(column_letters(col)), ..sheet.place(row) };
    if row >= MAX_ROWS {
        return Err(ImportError::new(place(), format!("セル {} は {MAX_ROWS} 行目より下にあります", at())));
    }
    if let Cell::Text(t) = &cell {
        let chars = t.chars().count();
        if chars > MAX_CELL_CHARS {
            return Err(ImportError::new(
                place(),
                format!("セル {} の文字数 {chars} が上限（{MAX_CELL_CHARS} 文字）を超えています", at()),
            ));
        }
        if let Some((n, c)) = control::find(t) {
            return Err(ImportError::new(place(), format!("セル {}: {}", at(), control::message(n, c))));
        }
    }
    let cells = sheet.rows.entry(row).or_default();
    if cells.len() <= col as usize {
        cells.resize(col as usize + 1, Cell::Empty);
    }
    cells[col as usize] = cell;
    Ok(())
}

/// The sheet the mapping names: by exact name, by a pattern with `*`, or
/// the first sheet.
fn choose(file: &str, names: &[String], spec: &SheetSpec) -> Result<String, ImportError> {
    let found = match (&spec.name, &spec.pattern) {
        (Some(n), _) => names.iter().find(|s| s.trim() == n.trim()),
        (None, Some(p)) => names.iter().find(|s| glob(p.trim(), s.trim())),
        (None, None) => names.first(),
    };
    found.cloned().ok_or_else(|| {
        let wanted = spec.name.as_ref().or(spec.pattern.as_ref()).map(|s| shown(s)).unwrap_or_default();
        let key = if spec.name.is_some() { "sheet.name" } else { "sheet.pattern" };
        let list: Vec<String> = names.iter().take(20).map(|s| format!("「{}」", shown(s))).collect();
        ImportError::new(
            Place::file(file),
            format!("シート「{wanted}」がありません（対応表の {key}）。このブックのシート: {}", list.join("、")),
        )
    })
}

/// `*` matches any characters (none included); everything else itself.
fn glob(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || !name[first.len()..].ends_with(last) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

fn cell_of(data: &DataRef) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Int(i) => Cell::Int(*i),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => {
            Cell::Unusable("日付・時刻の値".into())
        }
        DataRef::Error(e) => Cell::Unusable(format!("エラー値（{e}）")),
    }
}

fn cell_of_owned(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Cell::Unusable("日付・時刻の値".into()),
        Data::Error(e) => Cell::Unusable(format!("エラー値（{e}）")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_with_stars() {
        assert!(glob("事務事業*", "事務事業評価シート"));
        assert!(glob("*評価*", "R6評価一覧"));
        assert!(!glob("*評価", "評価一覧"));
        assert!(glob("一覧", "一覧") && !glob("一覧", "一覧2"));
    }
}
