//! CSV (RFC 4180, through [`crate::csvfile`]) and JSON text of a table.

use super::table::{Table, Value};
use super::Header;
use crate::csvfile::CsvFile;
pub use crate::csvfile::{BOM, CSV_LINE_END};

/// The whole CSV file: optional BOM, one header line, one line per row.
/// Text cells are neutralised against formula injection
/// ([`crate::injection`]); numbers are written as they are.
pub fn render_csv(table: &Table, rows: &[Vec<Value>], header: Header, bom: bool) -> String {
    let mut file = CsvFile::new(bom);
    file.header(table.header(header));
    for row in rows {
        check_row(table, row);
        file.record(row.iter().map(Value::field));
    }
    file.finish()
}

/// The whole JSON file, one table:
/// `{"table": …, "columns": [English names], "rows": [{column: value}, …]}`.
/// Keys are always the English column names; numbers are JSON numbers
/// written exactly as in the CSV; text is exactly as stored (JSON needs no
/// defence against formula injection, so nothing is prefixed); a blank is
/// `null`, never `0` or `""`.
/// JSON files never carry a BOM (RFC 8259).
pub fn render_json(table: &Table, rows: &[Vec<Value>]) -> String {
    let names = table.names_en();
    let columns: Vec<String> = names.iter().map(|n| json_string(n)).collect();
    format!(
        "{{\n  \"table\": {},\n  \"columns\": [{}],\n  \"rows\": {}\n}}\n",
        json_string(table.name),
        columns.join(", "),
        json_rows(table, rows)
    )
}

/// The rows as the JSON array of [`render_json`] (`[]`, or one object per
/// line indented for a file), for answers that wrap rows in more fields.
/// Numbers keep their exact decimal text.
pub fn json_rows(table: &Table, rows: &[Vec<Value>]) -> String {
    if rows.is_empty() {
        return "[]".to_string();
    }
    let names: Vec<String> = table.names_en().iter().map(|n| json_string(n)).collect();
    let mut out = String::from("[");
    for (i, row) in rows.iter().enumerate() {
        check_row(table, row);
        out.push_str(if i == 0 { "\n    {" } else { ",\n    {" });
        for (j, (name, value)) in names.iter().zip(row).enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            out.push_str(name);
            out.push_str(": ");
            match value {
                Value::Null => out.push_str("null"),
                Value::Text(s) => out.push_str(&json_string(s)),
                Value::Number(n) => out.push_str(n),
            }
        }
        out.push('}');
    }
    out.push_str("\n  ]");
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
    fn text_cells_are_neutralised_and_numbers_stay_numbers() {
        use crate::opendata::table::BUDGETS;
        let row = vec![
            Value::text("132047"),
            Value::text("=HYPERLINK(\"http://x.invalid\")"),
            Value::text("企-1"),
            Value::text("@SUM(A1)"),
            Value::Number("2018".into()),
            Value::Number("-1000".into()),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Number("-3.5".into()),
            Value::text("-3.5%"),
        ];
        // The cost columns after the rate, blank but for the hours.
        let mut row = row;
        row.extend([Value::Null, Value::Null, Value::Null, Value::Null, Value::Number("1234.5".into())]);
        row.extend([Value::Null, Value::Null, Value::Null, Value::Null]);
        let csv = render_csv(&BUDGETS, &[row], Header::En, false);
        let line = csv.split(CSV_LINE_END).nth(1).unwrap();
        assert_eq!(
            line,
            "132047,\"'=HYPERLINK(\"\"http://x.invalid\"\")\",企-1,'@SUM(A1),2018,-1000,,,,,-3.5,'-3.5%,,,,,1234.5,,,,"
        );
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
