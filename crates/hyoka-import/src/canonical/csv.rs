//! CSV as RFC 4180 and Excel write it, through the `csv` crate:
//! comma-separated, fields with a comma, a quote or a line break in double
//! quotes, quotes doubled, CRLF between records. Line breaks inside a
//! quoted field are kept as written.
//!
//! Text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`,
//! tab or CR first) is written with a leading apostrophe, so that opening
//! the file runs nothing; reading removes it again ([`neutralise`],
//! [`restore`]).

use super::grid::{Cell, Grid, GridRow};
use crate::error::{ImportError, Place};

/// A record and the row number a spreadsheet shows for it (1 = header).
#[derive(Debug, PartialEq)]
pub(crate) struct Record {
    pub number: usize,
    /// The physical line it starts on, which differs from `number` once a
    /// field above held a line break.
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits text into records. A quote left open is an error naming the row
/// where it opened.
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Record>, ImportError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = Vec::new();
    // The crate skips blank lines; a spreadsheet counts them as rows. Lines
    // are counted here from the byte where each record starts (the crate
    // places it before the previous record's line break).
    let (mut number, mut next_line) = (0usize, 1usize);
    let (mut counted_to, mut line) = (0usize, 1usize);
    for result in reader.records() {
        let record = result.map_err(|_| {
            ImportError::new(
                Place::line(file, number + 1),
                "CSV として読み取れません（壊れているか途中で切れています）",
            )
        })?;
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).clamp(counted_to, text.len());
        start += text[start..].bytes().take_while(|b| *b == b'\r' || *b == b'\n').count();
        line += text.as_bytes()[counted_to..start].iter().filter(|b| **b == b'\n').count();
        counted_to = start;
        number += 1 + line.saturating_sub(next_line);
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        next_line = line + 1 + fields.iter().map(|f| f.matches('\n').count()).sum::<usize>();
        // A quote opened and never closed swallows the rest of the file
        // into one field; the crate takes it as written.
        if let Some(k) = open_quote(&text[start..]) {
            return Err(ImportError::new(
                Place::line(file, number),
                format!(
                    "引用符（\"）が閉じられていません（{k}個目の値、ファイルの{line}行目から）。ファイルが途中で切れていないか確かめてください"
                ),
            ));
        }
        // A blank line is a blank row: counted, not kept.
        if !(fields.len() == 1 && fields[0].is_empty()) {
            records.push(Record { number, line, fields });
        }
    }
    Ok(records)
}

/// For a record (the text from its start) that runs to the end of the
/// text, the 1-based index of a field whose opening quote is never closed.
/// Inside a quoted field quotes come in pairs (doubled) and one closes it.
fn open_quote(rest: &str) -> Option<usize> {
    let mut field = 1;
    let mut chars = rest.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                // A quoted field: up to the quote that is not doubled.
                loop {
                    match chars.next() {
                        None => return Some(field),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                        }
                        Some('"') => break,
                        Some(_) => {}
                    }
                }
                at_field_start = false;
            }
            ',' => {
                field += 1;
                at_field_start = true;
            }
            '\n' => return None,
            _ => at_field_start = false,
        }
    }
    None
}

/// Reads a CSV file into a grid: the first record is the header, and every
/// record has as many fields as the header.
pub(crate) fn grid(file: &str, text: &str) -> Result<Grid, ImportError> {
    let mut records = parse(file, text)?.into_iter();
    let header = match records.next() {
        Some(h) if h.number == 1 => h.fields,
        _ => return Err(ImportError::new(Place::line(file, 1), "1行目に見出しがありません")),
    };
    let mut rows = Vec::new();
    for r in records {
        if r.fields.len() != header.len() {
            let more = r.fields.len() > header.len();
            let at = if r.line != r.number { format!("、ファイルの{}行目", r.line) } else { String::new() };
            return Err(ImportError::new(
                Place::line(file, r.number),
                format!(
                    "値の数が見出しより{}（見出し{}個、この行{}個{at}）。値の中の , や改行は \" で囲んでください",
                    if more { "多くあります" } else { "少なくあります" },
                    header.len(),
                    r.fields.len()
                ),
            ));
        }
        let cells =
            r.fields.into_iter().map(|f| if f.is_empty() { Cell::Empty } else { Cell::Text(restore(f)) }).collect();
        rows.push(GridRow { number: r.number, cells });
    }
    Ok(Grid { file: file.to_string(), sheet: None, header, rows })
}

/// Writes rows as CSV, with a UTF-8 BOM when asked (Excel needs it to
/// read UTF-8). Text cells are neutralised by the caller.
pub(crate) fn write(rows: &[Vec<String>], bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{FEFF}".as_bytes());
    }
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    for row in rows {
        writer.write_record(row).expect("writing to memory does not fail");
    }
    writer.into_inner().expect("writing to memory does not fail")
}

/// What a spreadsheet reads as the start of a formula.
fn is_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Text as a CSV cell holds it: one more apostrophe in front of text that
/// starts with apostrophes and then a formula character (`=1+1` → `'=1+1`,
/// `'=x` → `''=x`), so that [`restore`] gives back exactly the text.
pub(crate) fn neutralise(text: &str) -> String {
    if text.trim_start_matches('\'').starts_with(is_trigger) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The text a neutralised cell stands for: one apostrophe less in front
/// of apostrophes and a formula character; anything else as it is.
pub(crate) fn restore(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(is_trigger) => rest.to_string(),
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes() {
        let rows = vec![
            vec!["a".to_string(), "b,c".to_string(), "say \"hi\"".to_string()],
            vec!["一行目\n二行目".to_string(), String::new(), "x".to_string()],
        ];
        let bytes = write(&rows, false);
        let text = String::from_utf8(bytes).unwrap();
        let records = parse("t.csv", &text).unwrap();
        assert_eq!(records.iter().map(|r| r.fields.clone()).collect::<Vec<_>>(), rows);
        assert_eq!((records[1].number, records[1].line), (2, 2));
    }

    #[test]
    fn counts_rows_as_a_spreadsheet_does() {
        let records = parse("t.csv", "h1,h2\n\"a\nb\",c\n\nd,e").unwrap();
        assert_eq!(records.iter().map(|r| (r.number, r.line)).collect::<Vec<_>>(), vec![(1, 1), (2, 2), (4, 5)]);
    }

    #[test]
    fn refuses_an_open_quote() {
        let e = parse("t.csv", "h1,h2\nx,\"abc\n").unwrap_err();
        assert_eq!(e.place.row, Some(2));
        assert!(e.message.contains("閉じられていません"), "{e}");
        assert!(e.message.contains("2個目の値"), "{e}");
        // Quotes inside an unquoted field are text, as Excel reads them.
        assert_eq!(parse("t.csv", "a,b\"c\n").unwrap()[0].fields, vec!["a", "b\"c"]);
    }

    #[test]
    fn formulas_are_neutralised_and_restored_exactly() {
        for text in ["=1+1", "+81", "-", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''-", "'plain", "plain", "a=b", ""] {
            let cell = neutralise(text);
            assert!(!cell.starts_with(is_trigger), "{text:?} → {cell:?}");
            assert_eq!(restore(cell.clone()), text, "{text:?} → {cell:?}");
        }
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("'=x"), "''=x");
        assert_eq!(neutralise("'plain"), "'plain");
    }
}
