//! The canonical workbook: one sheet per table, named after it, header in
//! row 1, no merged cells. Codes and printed values are written as text
//! (and their columns formatted as text, so that what a person types there
//! stays text); years, positions, flags and yen as numbers.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::flatten::{Out, TableRows};
use super::grid::{Cell, Grid, GridRow};
use super::tables::{ColumnKind, TABLES};
use super::ExportError;
use crate::error::{ImportError, Place};

/// The first bytes of every ZIP file, and so of every XLSX file.
pub(crate) const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The most characters an Excel cell holds.
const EXCEL_MAX_CHARS: usize = 32_767;

const CORRUPT: &str = "XLSXファイルとして読み取れません（壊れているか途中で切れています）";

/// The grids of a workbook's table sheets, and the names of other sheets,
/// which are left alone (a city may keep notes in its own sheet).
pub(crate) fn read(file: &str, bytes: &[u8]) -> Result<(Vec<Grid>, Vec<String>), ImportError> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|_| ImportError::new(Place::file(file), CORRUPT))?;
    let names = book.sheet_names();
    if !TABLES.iter().any(|t| names.iter().any(|n| n == t.name)) {
        return Err(ImportError::new(
            Place::file(file),
            "hyoka の標準形式のブックではありません（municipalities、items などの表のシートがありません）",
        ));
    }
    if let Some(missing) = TABLES.iter().find(|t| !names.iter().any(|n| n == t.name)) {
        let list: Vec<&str> = TABLES.iter().filter(|t| !names.iter().any(|n| n == t.name)).map(|t| t.name).collect();
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
    for t in &TABLES {
        let range = book
            .worksheet_range(t.name)
            .map_err(|_| ImportError::new(Place { sheet: Some(t.name.to_string()), ..Place::file(file) }, CORRUPT))?;
        grids.push(grid(file, t.name, &range)?);
    }
    let others = names.into_iter().filter(|n| !TABLES.iter().any(|t| t.name == n)).collect();
    Ok((grids, others))
}

fn grid(file: &str, sheet: &str, range: &calamine::Range<Data>) -> Result<Grid, ImportError> {
    let place = |row| Place { sheet: Some(sheet.to_string()), row: Some(row), ..Place::file(file) };
    let Some((first_row, first_col)) = range.start() else {
        return Err(ImportError::new(place(1), "1行目に見出しがありません（シートが空です）"));
    };
    if first_row != 0 {
        return Err(ImportError::new(place(1), "1行目に見出しがありません"));
    }
    let pad = first_col as usize;
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        let mut out = vec![Cell::Empty; pad];
        out.extend(cells.iter().map(cell));
        (i + 1, out)
    });
    let header = match rows.next() {
        Some((_, cells)) => cells
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
        None => Vec::new(),
    };
    let rows = rows
        .filter(|(_, cells)| cells.iter().any(|c| !matches!(c, Cell::Empty)))
        .map(|(number, cells)| GridRow { number, cells })
        .collect();
    Ok(Grid { file: file.to_string(), sheet: Some(sheet.to_string()), header, rows })
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Cell::Unusable("日付・時刻の値".into()),
        Data::Error(e) => Cell::Unusable(format!("エラー値（{e}）")),
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
