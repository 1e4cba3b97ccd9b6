//! The city's file as rows of cells: one sheet of an .xlsx or .xls
//! workbook (formulas give their cached values), or a CSV file in UTF-8
//! or Shift_JIS. An .xlsx is measured against the limits before it is
//! opened (zip bombs) and read cell by cell, never as the rectangle a
//! sheet declares.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xls, Xlsx};

use super::spec::SheetSpec;
use crate::canonical::encoding::decode;
use crate::canonical::grid::Cell;
use crate::canonical::limits::{column_letters, MAX_CELL_CHARS, MAX_ROWS};
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
}

impl Sheet {
    pub fn cell(&self, row: u32, col: u32) -> &Cell {
        self.rows.get(&row).and_then(|r| r.get(col as usize)).unwrap_or(&Cell::Empty)
    }

    pub fn place(&self, row: u32) -> Place {
        Place { sheet: self.name.clone(), row: Some(row as usize + 1), ..Place::file(&self.file) }
    }
}

pub fn read(file: &str, bytes: &[u8], spec: &SheetSpec) -> Result<Sheet, ImportError> {
    check_size(file, bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(ImportError::new(Place::file(file), "ファイルが空です"));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        inspect(file, bytes)?;
        let mut book: Xlsx<_> =
            Xlsx::new(Cursor::new(bytes)).map_err(|_| ImportError::new(Place::file(file), CORRUPT))?;
        let name = choose(file, &book.sheet_names(), spec)?;
        let corrupt = |_| ImportError::new(Place { sheet: Some(name.clone()), ..Place::file(file) }, CORRUPT);
        let mut reader = book.worksheet_cells_reader(&name).map_err(corrupt)?;
        let mut sheet = Sheet {
            file: file.into(),
            name: Some(name.clone()),
            rows: BTreeMap::new(),
            note: format!("{file}: XLSX シート「{name}」"),
        };
        while let Some(c) = reader.next_cell().map_err(corrupt)? {
            let (row, col) = c.get_position();
            put(&mut sheet, row, col, cell_of(c.get_value()))?;
        }
        return Ok(sheet);
    }
    if bytes.starts_with(OLE_MAGIC) {
        let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|_| {
            ImportError::new(Place::file(file), "XLS ファイルとして読み取れません（壊れているか、暗号化されています）")
        })?;
        let name = choose(file, &book.sheet_names(), spec)?;
        let range = book.worksheet_range(&name).map_err(|_| {
            ImportError::new(Place { sheet: Some(name.clone()), ..Place::file(file) }, "シートを読み取れません")
        })?;
        let mut sheet = Sheet {
            file: file.into(),
            name: Some(name.clone()),
            rows: BTreeMap::new(),
            note: format!("{file}: XLS シート「{name}」"),
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, data) in range.used_cells() {
            put(&mut sheet, r0 + r as u32, c0 + c as u32, cell_of_owned(data))?;
        }
        return Ok(sheet);
    }
    let (text, encoding) = decode(file, bytes)?;
    let mut sheet = Sheet {
        file: file.into(),
        name: None,
        rows: BTreeMap::new(),
        note: format!("{file}: CSV 文字コード {}", encoding.label()),
    };
    if spec.name.is_some() || spec.pattern.is_some() {
        sheet.note.push_str("（CSV にはシートがないため sheet.name・sheet.pattern は使いません）");
    }
    for record in csv::parse(file, &text)? {
        let row = record.number as u32 - 1;
        for (col, field) in record.fields.into_iter().enumerate() {
            let cell = if field.is_empty() { Cell::Empty } else { Cell::Text(csv::restore(field)) };
            put(&mut sheet, row, col as u32, cell)?;
        }
    }
    Ok(sheet)
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
