//! The canonical workbook: one sheet per table, named after it, header in
//! row 1, no merged cells. Codes and printed values are written as text
//! (and their columns formatted as text, so that what a person types there
//! stays text); years, positions, flags and yen as numbers.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::flatten::{Out, TableRows};
use super::grid::{Cell, Grid, GridRow};
use super::limits::{column_letters, TextBudget, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS};
use super::tables::{ColumnKind, TableSpec, TABLES};
use super::xlsx_scan::{self, CORRUPT};
use super::ExportError;
use crate::error::{ImportError, Place};

/// The first bytes of every ZIP file, and so of every XLSX file.
pub(crate) const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The most characters an Excel cell holds.
const EXCEL_MAX_CHARS: usize = MAX_CELL_CHARS;

/// The grids of a workbook's table sheets, and the names of other sheets,
/// which are left alone (a city may keep notes in its own sheet). The
/// workbook is measured first ([`xlsx_scan::inspect`]); cells are then read
/// one by one, never as the dense rectangle a sheet declares.
pub(crate) fn read(file: &str, bytes: &[u8]) -> Result<(Vec<Grid>, Vec<String>), ImportError> {
    xlsx_scan::inspect(file, bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ImportError::new(Place::file(file), CORRUPT))?;
    let names = book.sheet_names();
    if !TABLES.iter().any(|t| names.iter().any(|n| n == t.name)) {
        return Err(ImportError::new(
            Place::file(file),
            "hyoka の標準形式のブックではありません（municipalities、items などの表のシートがありません）",
        ));
    }
    let absent = |t: &&TableSpec| !t.may_be_absent() && !names.iter().any(|n| n == t.name);
    if let Some(missing) = TABLES.iter().find(absent) {
        let list: Vec<&str> = TABLES.iter().filter(absent).map(|t| t.name).collect();
        return Err(ImportError::new(
            Place { sheet: Some(missing.name.to_string()), ..Place::file(file) },
            format!(
                "シート「{}」がありません（標準形式のブックには {} 枚の表のシートが必要です。足りないシート: {}）",
                missing.name,
                TABLES.len(),
                list.join(", ")
            ),
        ));
    }
    let mut grids = Vec::new();
    let mut text = TextBudget::default();
    for t in TABLES.iter().filter(|t| names.iter().any(|n| n == t.name)) {
        grids.push(read_sheet(&mut book, file, t.name, &mut text)?);
    }
    let others = names.into_iter().filter(|n| !TABLES.iter().any(|t| t.name == n)).collect();
    Ok((grids, others))
}

/// One sheet's cells, row by row. Positions beyond the limits are refused
/// when they hold a value; empty cells anywhere are skipped.
fn read_sheet(
    book: &mut Xlsx<Cursor<&[u8]>>,
    file: &str,
    sheet: &str,
    text: &mut TextBudget,
) -> Result<Grid, ImportError> {
    let place = |row: u32| Place { sheet: Some(sheet.to_string()), row: Some(row as usize + 1), ..Place::file(file) };
    let corrupt = |_| ImportError::new(Place { sheet: Some(sheet.to_string()), ..Place::file(file) }, CORRUPT);
    let mut reader = book.worksheet_cells_reader(sheet).map_err(corrupt)?;
    let mut rows: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
    while let Some(c) = reader.next_cell().map_err(corrupt)? {
        let (row, col) = c.get_position();
        let cell = cell(c.get_value());
        if matches!(cell, Cell::Empty) {
            continue;
        }
        let at = || format!("{}{}", column_letters(col), row as u64 + 1);
        if col >= MAX_COLUMNS {
            return Err(ImportError::new(
                place(row),
                format!(
                    "セル {} に値があります。標準形式の表の列は最大 {MAX_COLUMNS} 列（{}列）までです",
                    at(),
                    column_letters(MAX_COLUMNS - 1)
                ),
            ));
        }
        if row >= MAX_ROWS {
            return Err(ImportError::new(place(row), format!("セル {} は {MAX_ROWS} 行目より下にあります", at())));
        }
        if let Cell::Text(t) = &cell {
            text.take(t).map_err(|m| ImportError::new(place(row), m))?;
            let chars = t.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(ImportError::new(
                    place(row),
                    format!("セル {} の文字数 {chars} が上限（{MAX_CELL_CHARS} 文字）を超えています", at()),
                ));
            }
        }
        let cells = rows.entry(row).or_default();
        if cells.len() <= col as usize {
            cells.resize(col as usize + 1, Cell::Empty);
        }
        cells[col as usize] = cell;
    }
    let mut rows = rows.into_iter();
    let header = match rows.next() {
        Some((0, cells)) => cells
            .into_iter()
            .map(|c| match c {
                Cell::Text(s) => s,
                Cell::Empty => String::new(),
                Cell::Int(i) => i.to_string(),
                Cell::Number(f) => super::grid::number_text(f),
                Cell::Bool(b) => b.to_string(),
                Cell::Unusable(what) => what,
            })
            .collect(),
        Some(_) => return Err(ImportError::new(place(0), "1行目に見出しがありません")),
        None => return Err(ImportError::new(place(0), "1行目に見出しがありません（シートが空です）")),
    };
    let rows = rows.map(|(r, cells)| GridRow { number: r as usize + 1, cells }).collect();
    Ok(Grid { file: file.to_string(), sheet: Some(sheet.to_string()), header, rows })
}

fn cell(data: &DataRef) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) if s.is_empty() => Cell::Empty,
        DataRef::SharedString("") => Cell::Empty,
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

/// Writes the tables as a workbook. The document's dates are fixed so that
/// the same data gives the same bytes.
pub(crate) fn write(tables: &[TableRows]) -> Result<Vec<u8>, ExportError> {
    let x = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(x)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let header = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let long_text = Format::new().set_num_format("@").set_text_wrap();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(t.spec.name).map_err(x)?;
        for (c, spec) in t.spec.columns.iter().enumerate() {
            let col = c as u16;
            let long = matches!(spec.name, "text" | "comment" | "reason" | "definition" | "title" | "name");
            let width = if long {
                40.0
            } else if spec.kind.is_numeric() {
                12.0
            } else {
                (spec.name.len() as f64 + 2.0).max(14.0)
            };
            sheet.set_column_width(col, width).map_err(x)?;
            if !spec.kind.is_numeric() {
                sheet.set_column_format(col, if long { &long_text } else { &text }).map_err(x)?;
            }
            sheet.write_string_with_format(0, col, spec.name, &header).map_err(x)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(x)?;
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                match value {
                    Out::Empty => {}
                    Out::Text(s) if s.chars().count() > EXCEL_MAX_CHARS => {
                        return Err(ExportError::Invalid(format!(
                            "表 {} の {}行目 列「{}」は {} 文字あり、Excel のセルの上限（32,767 文字）を超えるため XLSX に書けません。CSV か JSON で書き出してください",
                            t.spec.name,
                            r + 1,
                            t.spec.columns[c as usize].name,
                            s.chars().count()
                        )));
                    }
                    Out::Text(s) => {
                        sheet.write_string(r, c, s).map_err(x)?;
                    }
                    Out::Int(i) => {
                        debug_assert!(t.spec.columns[c as usize].kind != ColumnKind::Text);
                        sheet.write_number(r, c, *i as f64).map_err(x)?;
                    }
                }
            }
        }
    }
    book.save_to_buffer().map_err(x)
}
