//! CSV (RFC 4180) and JSON text of a table.

use std::borrow::Cow;

use super::table::{Table, Value};
use super::Header;

/// The byte order mark some spreadsheet programs need to read UTF-8.
pub const BOM: char = '\u{FEFF}';

/// Line ends of CSV files: CRLF, as RFC 4180 specifies and Excel writes.
pub const CSV_LINE_END: &str = "\r\n";

/// A field quoted as RFC 4180 requires: in double quotes when it holds a
/// comma, a double quote, CR or LF, with its double quotes doubled.
pub fn csv_field(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

fn csv_line(out: &mut String, fields: impl IntoIterator<Item = impl AsRef<str>>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(f.as_ref()));
    }
    out.push_str(CSV_LINE_END);
}

/// The whole CSV file: optional BOM, one header line, one line per row.
pub fn render_csv(table: &Table, rows: &[Vec<Value>], header: Header, bom: bool) -> String {
    let mut out = String::new();
    if bom {
        out.push(BOM);
    }
    csv_line(&mut out, table.header(header));
    for row in rows {
        check_row(table, row);
        csv_line(&mut out, row.iter().map(Value::as_str));
    }
    out
}

/// The whole JSON file, one table:
/// `{"table": …, "columns": [English names], "rows": [{column: value}, …]}`.
/// Keys are always the English column names; numbers are JSON numbers
/// written exactly as in the CSV; a blank is `null`, never `0` or `""`.
/// JSON files never carry a BOM (RFC 8259).
pub fn render_json(table: &Table, rows: &[Vec<Value>]) -> String {
    let names = table.names_en();
    let mut out = String::new();
    out.push_str("{\n");
    out.push_str(&format!("  \"table\": {},\n", json_string(table.name)));
    let columns: Vec<String> = names.iter().map(|n| json_string(n)).collect();
    out.push_str(&format!("  \"columns\": [{}],\n", columns.join(", ")));
    out.push_str("  \"rows\": [");
    for (i, row) in rows.iter().enumerate() {
        check_row(table, row);
        out.push_str(if i == 0 { "\n    {" } else { ",\n    {" });
        for (j, (name, value)) in names.iter().zip(row).enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            out.push_str(&json_string(name));
            out.push_str(": ");
            match value {
                Value::Null => out.push_str("null"),
                Value::Text(s) => out.push_str(&json_string(s)),
                Value::Number(n) => out.push_str(n),
            }
        }
        out.push('}');
    }
    out.push_str(if rows.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
    out
}

fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Rows come from the table's own row type; a mismatch is a bug here.
fn check_row(table: &Table, row: &[Value]) {
    assert_eq!(row.len(), table.columns.len(), "a row of {} has the wrong number of values", table.name);
    debug_assert!(
        row.iter().zip(table.columns).all(|(v, c)| v.fits(c.kind)),
        "a value of {} does not fit its column type",
        table.name
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_as_rfc_4180() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\rhere"), "\"cr\rhere\"");
        // Japanese punctuation needs no quoting.
        assert_eq!(csv_field("施策、事業「再掲」"), "施策、事業「再掲」");
    }

    #[test]
    fn json_numbers_are_exact_and_blanks_are_null() {
        use crate::opendata::table::NODES;
        let row = vec![
            Value::text("132047"),
            Value::text("三鷹市"),
            Value::Null,
            Value::text("企-1"),
            Value::Null,
            Value::Number("2".into()),
            Value::text("a \"quoted\"\ntitle"),
            Value::Null,
            Value::Null,
        ];
        let json = render_json(&NODES, &[row]);
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["table"], "nodes");
        assert_eq!(parsed["rows"][0]["level"], 2);
        assert_eq!(parsed["rows"][0]["plan"], serde_json::Value::Null);
        assert_eq!(parsed["rows"][0]["title"], "a \"quoted\"\ntitle");
        let empty: serde_json::Value = serde_json::from_str(&render_json(&NODES, &[])).unwrap();
        assert_eq!(empty["rows"], serde_json::json!([]));
    }
}
