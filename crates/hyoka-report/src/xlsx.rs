//! Workbooks of plain tables: one table per sheet, its header in row 1,
//! no merged cells, numbers as numbers (without units), blank distinct from
//! zero (an empty cell, never 0), text as printed. The header row is frozen
//! and filtered and repeats on every printed page; sheets print on A4.
//!
//! Text is always written as a string cell, never as a formula, so
//! `=HYPERLINK(…)` typed into a comment stays text. Text that looks like a
//! formula ([`crate::injection::looks_like_formula`]) also gets Excel's
//! quote prefix, so that it stays text when a person edits the cell.

use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook};

use crate::injection::looks_like_formula;
use crate::ReportError;

/// A cell of a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum XCell {
    Empty,
    Text(String),
    Number(f64),
    /// A label in a print layout: bold on grey.
    Label(String),
}

impl XCell {
    pub fn text(s: impl Into<String>) -> XCell {
        let s = s.into();
        if s.is_empty() {
            XCell::Empty
        } else {
            XCell::Text(s)
        }
    }

    pub fn int(n: i64) -> XCell {
        XCell::Number(n as f64)
    }

    pub fn opt_int(n: Option<i64>) -> XCell {
        n.map_or(XCell::Empty, XCell::int)
    }
}

/// One sheet: a header row and rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<XCell>>,
    /// Column widths in characters; missing ones are guessed.
    pub widths: Vec<f64>,
    /// A print layout rather than a data table: no filter, labels bold.
    pub layout: bool,
    pub landscape: bool,
}

impl Sheet {
    pub fn new(name: impl Into<String>, header: &[&str]) -> Sheet {
        Sheet { name: name.into(), header: header.iter().map(|h| (*h).to_string()).collect(), ..Sheet::default() }
    }
}

/// Characters Excel refuses in sheet names, and its length limit.
pub fn sheet_name(name: &str, taken: &[String]) -> String {
    let clean: String = name.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    let clean = if clean.is_empty() { "Sheet".to_string() } else { clean };
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut candidate = cut(&clean, 31);
    let mut i = 2;
    while taken.iter().any(|t| t.to_lowercase() == candidate.to_lowercase()) {
        let suffix = format!("({i})");
        candidate = format!("{}{suffix}", cut(&clean, 31 - suffix.chars().count()));
        i += 1;
    }
    candidate
}

/// The most characters an Excel cell holds.
const EXCEL_MAX_CHARS: usize = 32_767;

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ReportError {
    ReportError::Xlsx(e.to_string())
}

/// Display width of text in Excel character units (full width counts 2).
fn text_width(s: &str) -> f64 {
    s.lines().map(|l| l.chars().map(|c| if c.is_ascii() { 1.0 } else { 2.0 }).sum::<f64>()).fold(0.0, f64::max)
}

/// Of a format and its twin with the quote prefix, the one for this text.
fn quoted<'f>((plain, prefixed): &'f (Format, Format), s: &str) -> &'f Format {
    if looks_like_formula(s) {
        prefixed
    } else {
        plain
    }
}

/// The workbook as XLSX bytes.
pub fn workbook(title: &str, sheets: &[Sheet]) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_title(title).set_author("hyoka"));
    let font = "BIZ UDゴシック";
    let header = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_background_color(Color::RGB(0xE6E6E6))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let label = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let text = Format::new().set_font_name(font).set_border(FormatBorder::Thin).set_align(FormatAlign::Top);
    let wrapped = text.clone().set_text_wrap();
    // Each text format and its twin with the quote prefix, for text that
    // looks like a formula.
    let [header, label, text, wrapped] = [header, label, text, wrapped].map(|f| {
        let prefixed = f.clone().set_quote_prefix();
        (f, prefixed)
    });
    let number = Format::new().set_font_name(font).set_border(FormatBorder::Thin).set_align(FormatAlign::Top);
    let mut names: Vec<String> = Vec::new();
    for sheet in sheets {
        let name = sheet_name(&sheet.name, &names);
        names.push(name.clone());
        let ws = book.add_worksheet();
        ws.set_name(&name).map_err(xlsx_error)?;
        ws.set_paper_size(9); // A4
        if sheet.landscape {
            ws.set_landscape();
        }
        ws.set_print_fit_to_pages(1, 0);
        let columns = sheet.header.len().max(sheet.rows.iter().map(Vec::len).max().unwrap_or(0));
        // Widths: given, or from the content, within reason.
        for c in 0..columns {
            let width = sheet.widths.get(c).copied().unwrap_or_else(|| {
                let head = sheet.header.get(c).map_or(0.0, |h| text_width(h));
                let body = sheet
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| match cell {
                        XCell::Text(s) | XCell::Label(s) => text_width(s),
                        XCell::Number(n) => n.to_string().len() as f64,
                        XCell::Empty => 0.0,
                    })
                    .fold(0.0, f64::max);
                (head.max(body) + 2.0).clamp(6.0, 60.0)
            });
            ws.set_column_width(c as u16, width).map_err(xlsx_error)?;
        }
        let mut row = 0u32;
        if !sheet.header.is_empty() {
            for (c, h) in sheet.header.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, h, quoted(&header, h)).map_err(xlsx_error)?;
            }
            ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
            ws.set_repeat_rows(0, 0).map_err(xlsx_error)?;
            row = 1;
        }
        for cells in &sheet.rows {
            for (c, cell) in cells.iter().enumerate() {
                let c = c as u16;
                match cell {
                    XCell::Empty => {}
                    XCell::Number(n) => {
                        ws.write_number_with_format(row, c, *n, &number).map_err(xlsx_error)?;
                    }
                    XCell::Text(s) => {
                        let s: String = s.chars().take(EXCEL_MAX_CHARS).collect();
                        let width = sheet.widths.get(c as usize).copied().unwrap_or(60.0);
                        let f = if s.contains('\n') || text_width(&s) > width { &wrapped } else { &text };
                        ws.write_string_with_format(row, c, &s, quoted(f, &s)).map_err(xlsx_error)?;
                    }
                    XCell::Label(s) => {
                        ws.write_string_with_format(row, c, s, quoted(&label, s)).map_err(xlsx_error)?;
                    }
                }
            }
            row += 1;
        }
        if !sheet.layout && !sheet.header.is_empty() && columns > 0 {
            ws.autofilter(0, 0, row.saturating_sub(1).max(1), (columns - 1) as u16).map_err(xlsx_error)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let taken = vec!["指標".to_string()];
        assert_eq!(sheet_name("指標", &taken), "指標(2)");
        assert_eq!(sheet_name("a/b:c", &[]), "abc");
        assert_eq!(sheet_name(&"長".repeat(40), &[]).chars().count(), 31);
    }
}
