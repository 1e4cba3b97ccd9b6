//! The most an imported file may hold. A workbook is a ZIP archive: a few
//! megabytes can unpack to gigabytes (a "zip bomb"), and a sheet can name
//! a cell a million rows down. Every limit is checked before the memory it
//! guards is used, so a file beyond one is refused at once, with little
//! memory; docs/formats.md states them for people.

/// Any file given to `hyoka import`, as stored on disk.
pub const MAX_FILE_BYTES: u64 = 128 * MIB;

/// Parts (files) in a workbook's ZIP archive; ours have 29.
pub const MAX_PARTS: usize = 1_000;
/// The ZIP directory listing the parts.
pub const MAX_DIRECTORY_BYTES: u64 = MIB;
/// One worksheet or the shared strings, unpacked.
pub const MAX_SHEET_PART_BYTES: u64 = 128 * MIB;
/// Any other part (styles, relationships, workbook), unpacked.
pub const MAX_OTHER_PART_BYTES: u64 = 16 * MIB;
/// All parts together, unpacked.
pub const MAX_UNPACKED_BYTES: u64 = 256 * MIB;

/// Cells in all sheets of a workbook together.
pub const MAX_CELLS: u64 = 5_000_000;
/// Entries of the shared strings table.
pub const MAX_SHARED_STRINGS: u64 = 2_000_000;
/// Rows of a sheet: Excel's own limit.
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns of a sheet; the widest table has 20.
pub const MAX_COLUMNS: u32 = 64;
/// Characters of a cell: Excel's own limit (also for CSV and JSON text).
pub const MAX_CELL_CHARS: usize = 32_767;

/// Bytes of text the cells of an .xlsx hold together, as read: a shared
/// string is counted in every cell that names it, because each cell gets
/// its own copy. A small workbook whose cells all name one long shared
/// string would otherwise unpack into gigabytes of copies.
pub const MAX_TEXT_BYTES: u64 = 32 * MIB;

/// Counts the text the cells of a workbook hold while they are read.
#[derive(Debug, Default)]
pub struct TextBudget(u64);

impl TextBudget {
    /// Takes `text` from the budget; the error is the whole message.
    pub fn take(&mut self, text: &str) -> Result<(), String> {
        self.0 += text.len() as u64;
        if self.0 > MAX_TEXT_BYTES {
            return Err(format!(
                "ブックのセルの文字が合計 {} を超えます（同じ長い文字列を多くのセルで繰り返している可能性があります）。大きすぎるため読み込みません",
                bytes_text(MAX_TEXT_BYTES)
            ));
        }
        Ok(())
    }
}

/// Cells of the rectangles the sheets of an .xls declare or span, all
/// sheets together: calamine builds each sheet as its full rectangle.
pub const MAX_XLS_AREA: u64 = 1_000_000;
/// Characters of all the text cells of an .xls together (a shared string
/// is counted in every cell that names it: calamine copies it there).
pub const MAX_XLS_TEXT_CHARS: u64 = 16_000_000;
/// Sheets of an .xls.
pub const MAX_XLS_SHEETS: usize = 1_000;

/// Heap memory that reading any refused file stays under (the tests
/// measure it for every malformed file they make).
pub const REFUSAL_MEMORY_BYTES: usize = 64 * MIB as usize;

const MIB: u64 = 1024 * 1024;

/// `134217728` → `128 MiB`.
pub fn bytes_text(n: u64) -> String {
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} バイト")
    }
}

/// `0` → `A`, `26` → `AA`: the spreadsheet's name of a column.
pub fn column_letters(index: u32) -> String {
    let mut n = index as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_columns_as_spreadsheets_do() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }
}
