//! CSV as RFC 4180 and Excel write it: comma-separated, fields with a
//! comma, a quote or a line break in double quotes, quotes doubled, CRLF
//! between records. Line breaks inside a quoted field are kept as written.

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
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let (mut number, mut line) = (1, 1);
    loop {
        if chars.peek().is_none() {
            break;
        }
        let start_line = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        loop {
            // One field.
            if chars.peek() == Some(&'"') {
                chars.next();
                let open_line = line;
                loop {
                    match chars.next() {
                        None => {
                            return Err(ImportError::new(
                                Place::line(file, number),
                                format!(
                                    "引用符（\"）が閉じられていません（{}個目の値、ファイルの{open_line}行目から）。ファイルが途中で切れていないか確かめてください",
                                    fields.len() + 1
                                ),
                            ));
                        }
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                match chars.peek() {
                    None | Some(',') | Some('\r') | Some('\n') => {}
                    Some(c) => {
                        return Err(ImportError::new(
                            Place::line(file, number),
                            format!(
                                "引用符（\"）で囲んだ値の後に「{c}」があります（{}個目の値）。値の中の \" は \"\" と2つ重ねてください",
                                fields.len() + 1
                            ),
                        ));
                    }
                }
            } else {
                // Unquoted: a stray quote inside is kept, as Excel does.
                while let Some(&c) = chars.peek() {
                    if c == ',' || c == '\r' || c == '\n' {
                        break;
                    }
                    field.push(c);
                    chars.next();
                }
            }
            fields.push(std::mem::take(&mut field));
            match chars.next() {
                Some(',') => continue,
                Some('\r') => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    break;
                }
                Some('\n') => {
                    line += 1;
                    break;
                }
                None => break,
                Some(_) => unreachable!("a field ends at a comma, a line break or the end"),
            }
        }
        // A blank line is a blank row: counted, not kept.
        if !(fields.len() == 1 && fields[0].is_empty()) {
            records.push(Record { number, line: start_line, fields });
        }
        number += 1;
    }
    Ok(records)
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
        let cells = r.fields.into_iter().map(|f| if f.is_empty() { Cell::Empty } else { Cell::Text(f) }).collect();
        rows.push(GridRow { number: r.number, cells });
    }
    Ok(Grid { file: file.to_string(), sheet: None, header, rows })
}

/// Writes rows as CSV, with a UTF-8 BOM when asked (Excel needs it to
/// read UTF-8).
pub(crate) fn write(rows: &[Vec<String>], bom: bool) -> Vec<u8> {
    let mut out = String::new();
    if bom {
        out.push('\u{FEFF}');
    }
    for row in rows {
        for (i, field) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if field.contains([',', '"', '\r', '\n']) {
                out.push('"');
                out.push_str(&field.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(field);
            }
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
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
        assert!(e.message.contains("閉じられていません"));
    }
}
