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

use crate::doc::{Block, Document};
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
    /// A column heading inside a print layout: bold, centred, shaded.
    Head(String),
    /// A heading of a print layout: bold, larger, no border.
    Heading(String),
    /// A link to another worksheet of the workbook (a table of contents).
    Link {
        text: String,
        sheet: String,
    },
    /// A schedule's bar across months: shaded, lighter when planned.
    Band {
        text: String,
        actual: bool,
    },
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
    /// Cells merged across columns: (row in `rows`, first column, last
    /// column). Only print layouts (`layout`) use them.
    pub spans: Vec<(usize, u16, u16)>,
    /// Row heights in points, by row in `rows`, where a row holds more
    /// lines of text than a spreadsheet fits by itself (merged cells are
    /// never fitted).
    pub heights: Vec<(usize, f64)>,
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
    // rust_xlsxwriter 0.96 overflows while quoting a name of only letters,
    // digits, `_` and `.` with a `.` among its first characters (`No.27`,
    // 小平市's codes): a full-width period reads the same and is quoted.
    let plain = clean.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    let clean = if plain && clean.contains('.') { clean.replace('.', "．") } else { clean };
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
    let band = Format::new()
        .set_font_name(font)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0x0B5CAD))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let planned_band = band.clone().set_background_color(Color::RGB(0xDBE8F7)).set_border(FormatBorder::Dashed);
    let actual_band = band.set_background_color(Color::RGB(0xA3C4EA));
    let heading = Format::new().set_bold().set_font_name(font).set_font_size(13).set_align(FormatAlign::Bottom);
    let link = Format::new()
        .set_font_name(font)
        .set_font_color(Color::RGB(0x0B5CAD))
        .set_underline(rust_xlsxwriter::FormatUnderline::Single)
        .set_border(FormatBorder::Thin);
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
                        XCell::Text(s) | XCell::Label(s) | XCell::Head(s) | XCell::Heading(s) => text_width(s),
                        XCell::Link { text, .. } | XCell::Band { text, .. } => text_width(text),
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
        let first_row = row;
        for (r, cells) in sheet.rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                let c = c as u16;
                // A merged cell: its text is written over the whole range.
                if let Some((_, _, last)) = sheet.spans.iter().find(|(sr, sc, _)| *sr == r && *sc == c) {
                    let (s, f) = match cell {
                        XCell::Empty => (String::new(), &wrapped.0),
                        XCell::Number(n) => (n.to_string(), &wrapped.0),
                        XCell::Text(s) | XCell::Link { text: s, .. } => (s.clone(), quoted(&wrapped, s)),
                        XCell::Label(s) => (s.clone(), quoted(&label, s)),
                        XCell::Head(s) => (s.clone(), quoted(&header, s)),
                        XCell::Heading(s) => (s.clone(), &heading),
                        XCell::Band { text, actual } => {
                            (text.clone(), if *actual { &actual_band } else { &planned_band })
                        }
                    };
                    let s: String = s.chars().take(EXCEL_MAX_CHARS).collect();
                    if *last > c {
                        ws.merge_range(row, c, row, *last, &s, f).map_err(xlsx_error)?;
                    } else {
                        ws.write_string_with_format(row, c, &s, f).map_err(xlsx_error)?;
                    }
                    continue;
                }
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
                    XCell::Head(s) => {
                        ws.write_string_with_format(row, c, s, quoted(&header, s)).map_err(xlsx_error)?;
                    }
                    XCell::Heading(s) => {
                        ws.write_string_with_format(row, c, s, &heading).map_err(xlsx_error)?;
                    }
                    XCell::Band { text, actual } => {
                        let f = if *actual { &actual_band } else { &planned_band };
                        ws.write_string_with_format(row, c, text, f).map_err(xlsx_error)?;
                    }
                    XCell::Link { text, sheet } => {
                        let url = rust_xlsxwriter::Url::new(format!("internal:'{}'!A1", sheet.replace('\'', "''")))
                            .set_text(text);
                        ws.write_url_with_format(row, c, url, &link).map_err(xlsx_error)?;
                    }
                }
            }
            row += 1;
        }
        for (r, h) in &sheet.heights {
            ws.set_row_height(first_row + *r as u32, *h).map_err(xlsx_error)?;
        }
        if !sheet.layout && !sheet.header.is_empty() && columns > 0 {
            ws.autofilter(0, 0, row.saturating_sub(1).max(1), (columns - 1) as u16).map_err(xlsx_error)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

/// The widest column count of a document's tables (at least 2: label and
/// text).
fn grid_columns(doc: &Document) -> usize {
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Table(t) => t.columns(),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
        .max(2)
}

/// A printed document as one formatted worksheet, the way a city lays a
/// sheet out in Excel: the title and headings on their own rows, each
/// table's header cells shaded, row labels bold, and the last cell of a
/// row (a text beside its label) merged to the right edge, so one grid
/// holds every table from the two-column blocks to the twelve months of a
/// schedule. Text stays text as printed (a dash prints as a dash).
pub fn form_sheet(name: &str, doc: &Document) -> Sheet {
    let columns = grid_columns(doc);
    let landscape = doc.orientation == crate::doc::Orientation::Landscape;
    let mut sheet = Sheet { name: name.to_string(), layout: true, landscape, ..Sheet::default() };
    let widths = sheet_widths(columns, if landscape { 160.0 } else { 110.0 });
    sheet.widths = widths.clone();
    let last = (columns - 1) as u16;
    let width_of = |first: u16, end: u16| -> f64 { (first..=end).map(|c| sheet_width(&widths, c)).sum() };
    let push_wide = |sheet: &mut Sheet, cell: XCell, text: &str| {
        let r = sheet.rows.len();
        sheet.rows.push(vec![cell]);
        sheet.spans.push((r, 0, last));
        let lines = lines_in(text, width_of(0, last));
        if lines > 1 {
            sheet.heights.push((r, 15.0 * lines as f64));
        }
    };
    push_wide(&mut sheet, XCell::Heading(doc.title.clone()), &doc.title);
    if let Some(sub) = &doc.subtitle {
        push_wide(&mut sheet, XCell::text(sub.clone()), sub);
    }
    let mut last_heading: Option<String> = None;
    for block in &doc.blocks {
        let heading = last_heading.take();
        match block {
            Block::Heading { text, .. } => {
                sheet.rows.push(Vec::new());
                push_wide(&mut sheet, XCell::Heading(text.clone()), text);
                last_heading = Some(text.clone());
            }
            Block::Paragraph(t) | Block::Note(t) => push_wide(&mut sheet, XCell::text(t.clone()), t),
            Block::Narrative(n) => {
                let t = n.to_plain_text();
                push_wide(&mut sheet, XCell::text(t.clone()), &t);
            }
            Block::Facts(facts) => {
                for (k, v) in facts {
                    let r = sheet.rows.len();
                    sheet.rows.push(vec![XCell::Label(k.clone()), XCell::text(v.clone())]);
                    sheet.spans.push((r, 1, last));
                }
            }
            Block::Table(t) => {
                if let Some(c) = t.caption.as_ref().filter(|c| Some(*c) != heading.as_ref()) {
                    push_wide(&mut sheet, XCell::Label(c.clone()), c);
                }
                for (head, row) in t.head.iter().map(|r| (true, r)).chain(t.body.iter().map(|r| (false, r))) {
                    let r = sheet.rows.len();
                    let mut cells = Vec::new();
                    let mut lines = 1;
                    let mut at = 0usize;
                    for (i, cell) in row.iter().enumerate() {
                        if at >= columns {
                            break;
                        }
                        let span =
                            if i + 1 == row.len() { columns - at } else { cell.colspan.max(1).min(columns - at) };
                        let text = cell.plain();
                        let x = if let Some(bar) = cell.bar {
                            XCell::Band { text: text.clone(), actual: bar == crate::doc::Bar::Actual }
                        } else if head || cell.header == Some(crate::doc::Scope::Col) {
                            XCell::Head(text.clone())
                        } else if cell.header.is_some() {
                            XCell::Label(text.clone())
                        } else {
                            XCell::text(text.clone())
                        };
                        while cells.len() < at {
                            cells.push(XCell::Empty);
                        }
                        cells.push(x);
                        let (first, end) = (at as u16, (at + span - 1) as u16);
                        if end > first {
                            sheet.spans.push((r, first, end));
                        }
                        lines = lines.max(lines_in(&text, width_of(first, end)));
                        at += span;
                    }
                    sheet.rows.push(cells);
                    if lines > 1 {
                        sheet.heights.push((r, 15.0 * lines as f64));
                    }
                }
            }
            // Sheets carry no charts; a chart's numbers are in its table.
            Block::Chart(_) | Block::PageBreak => {}
        }
    }
    sheet
}

/// The widths [`form_sheet`] gives a grid of `columns`: column A holds
/// labels, the others share the rest of the page's width (`total`
/// characters: about 110 on portrait A4, 160 on landscape).
fn sheet_widths(columns: usize, total: f64) -> Vec<f64> {
    let rest = ((total - 22.0) / (columns - 1) as f64).max(7.0);
    std::iter::once(22.0).chain(std::iter::repeat_n(rest, columns - 1)).collect()
}

fn sheet_width(widths: &[f64], c: u16) -> f64 {
    widths.get(c as usize).copied().unwrap_or(10.0)
}

/// How many lines `text` takes in a cell `width` characters wide.
fn lines_in(text: &str, width: f64) -> usize {
    let width = (width - 1.0).max(1.0);
    text.lines().map(|l| ((text_width(l) / width).ceil() as usize).max(1)).sum::<usize>().max(1)
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
        assert_eq!(sheet_name("No.27", &[]), "No．27");
        assert_eq!(sheet_name("No.2-1", &[]), "No.2-1");
    }
}
