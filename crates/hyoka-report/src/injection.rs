//! Spreadsheet formula injection (CSV injection): text that a spreadsheet
//! program would run as a formula when it opens a file.
//!
//! Excel, LibreOffice and Google Sheets read a CSV field that starts with
//! `=`, `+`, `-` or `@` (or a tab or CR before one of them) as a formula:
//! a comment `=HYPERLINK("http://…")` becomes a link, `=cmd|…` a command.
//! Everything hyoka publishes holds text that citizens and staff typed, so
//! every text cell of every CSV file starts with an apostrophe when it
//! starts with one of those characters — the usual defence (OWASP), which
//! spreadsheet programs show as text. A cell that already starts with an
//! apostrophe gets one more, so the rule is reversible: remove one leading
//! apostrophe from a text cell that starts with one, and the text is exact.
//! Numbers in numeric columns are written as they are (`-3.5` stays a
//! number); JSON and XLSX need no prefix (JSON is not a spreadsheet; XLSX
//! string cells are never formulas).

use std::borrow::Cow;

/// The prefix that makes a spreadsheet read a cell as text.
pub const TEXT_PREFIX: char = '\'';

/// Whether a spreadsheet would read this text as a formula (or could, after
/// trimming a leading tab or CR).
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text as a CSV cell may hold it: with [`TEXT_PREFIX`] before text
/// that [`looks_like_formula`] and before text that starts with the prefix
/// itself (so that removing one prefix always restores the text).
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if looks_like_formula(text) || text.starts_with(TEXT_PREFIX) {
        Cow::Owned(format!("{TEXT_PREFIX}{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text a neutralised cell stood for: one leading [`TEXT_PREFIX`]
/// removed, if there is one.
pub fn restore(cell: &str) -> &str {
    cell.strip_prefix(TEXT_PREFIX).unwrap_or(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_an_apostrophe() {
        for hostile in [
            "=HYPERLINK(\"http://example.invalid/\",\"詳細\")",
            "+1+2",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
            "-",
        ] {
            let safe = neutralise(hostile);
            assert_eq!(safe, format!("'{hostile}"), "{hostile:?}");
            assert!(!looks_like_formula(&safe));
            assert_eq!(restore(&safe), hostile);
        }
    }

    #[test]
    fn ordinary_text_is_unchanged_and_the_rule_is_reversible() {
        for plain in ["三鷹市", "企-1", "1,279人", "", "a=b", "メール@市役所", "－全角のマイナス", "＝全角"]
        {
            assert!(matches!(neutralise(plain), Cow::Borrowed(_)), "{plain:?}");
            assert_eq!(restore(&neutralise(plain)), plain);
        }
        // Text that starts with the prefix itself keeps it after a restore.
        assert_eq!(neutralise("'90年代"), "''90年代");
        assert_eq!(restore(&neutralise("'90年代")), "'90年代");
    }
}
