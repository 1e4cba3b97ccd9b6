//! CSV files as hyoka writes them: RFC 4180 through the `csv` crate
//! (fields quoted only where needed, quotes doubled), CRLF line ends as
//! Excel writes them, UTF-8 with an optional byte order mark, and every
//! text cell neutralised against formula injection ([`crate::injection`]).
//!
//! Every CSV file of this crate (the open data, the summary lists) is
//! written here, so the rule cannot be forgotten in one of them.

use crate::injection::neutralise;

/// The byte order mark some spreadsheet programs need to read UTF-8.
pub const BOM: char = '\u{FEFF}';

/// Line ends of CSV files: CRLF, as RFC 4180 specifies and Excel writes.
pub const CSV_LINE_END: &str = "\r\n";

/// One field of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field<'a> {
    /// Text from the data or a label: neutralised when a spreadsheet would
    /// read it as a formula.
    Text(&'a str),
    /// A number of a numeric column in plain decimal (`1279`, `-3.5`):
    /// written as it is, so that it stays a number.
    Number(&'a str),
    /// An empty field (a blank, distinct from zero).
    Blank,
}

/// A CSV file being written in memory.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvFile {
    /// A new file, starting with a byte order mark when `bom` (for Excel).
    pub fn new(bom: bool) -> CsvFile {
        let mut start = Vec::new();
        if bom {
            start.extend_from_slice(BOM.to_string().as_bytes());
        }
        let writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(start);
        CsvFile { writer }
    }

    /// A header line: column names are text like any other.
    pub fn header<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.record(names.into_iter().map(Field::Text));
    }

    /// One record. Every record of a file has the same number of fields.
    pub fn record<'a>(&mut self, fields: impl IntoIterator<Item = Field<'a>>) {
        for f in fields {
            let text = match f {
                Field::Text(s) => neutralise(s),
                Field::Number(s) => s.into(),
                Field::Blank => "".into(),
            };
            self.writer.write_field(text.as_bytes()).expect("writing CSV into memory cannot fail");
        }
        // Into memory nothing can fail but a record of another length than
        // the first, which is a bug in the caller's table.
        self.writer.write_record(None::<&[u8]>).expect("every record of a CSV file has the same length");
    }

    /// The whole file as text.
    pub fn finish(self) -> String {
        let bytes = self.writer.into_inner().expect("writing CSV into memory cannot fail");
        String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(field: Field<'_>) -> String {
        let mut f = CsvFile::new(false);
        f.record([field, Field::Blank]);
        f.finish()
    }

    #[test]
    fn quotes_as_rfc_4180() {
        assert_eq!(one(Field::Text("plain")), "plain,\r\n");
        assert_eq!(one(Field::Text("")), ",\r\n");
        assert_eq!(one(Field::Text("a,b")), "\"a,b\",\r\n");
        assert_eq!(one(Field::Text("say \"hi\"")), "\"say \"\"hi\"\"\",\r\n");
        assert_eq!(one(Field::Text("two\nlines")), "\"two\nlines\",\r\n");
        assert_eq!(one(Field::Text("cr\rhere")), "\"cr\rhere\",\r\n");
        // Japanese punctuation needs no quoting.
        assert_eq!(one(Field::Text("施策、事業「再掲」")), "施策、事業「再掲」,\r\n");
    }

    #[test]
    fn text_is_neutralised_and_numbers_are_not() {
        assert_eq!(one(Field::Text("=1+1")), "'=1+1,\r\n");
        assert_eq!(one(Field::Text("-3.5")), "'-3.5,\r\n");
        assert_eq!(one(Field::Number("-3.5")), "-3.5,\r\n");
        // A hostile formula with quotes is both neutralised and quoted.
        assert_eq!(
            one(Field::Text("=HYPERLINK(\"http://x.invalid\")")),
            "\"'=HYPERLINK(\"\"http://x.invalid\"\")\",\r\n"
        );
        // A tab-led formula: prefixed (the tab needs no quoting).
        assert_eq!(one(Field::Text("\t=1")), "'\t=1,\r\n");
    }

    #[test]
    fn the_bom_starts_the_file_when_asked() {
        let mut f = CsvFile::new(true);
        f.header(["a", "b"]);
        assert_eq!(f.finish(), "\u{FEFF}a,b\r\n");
    }
}
