//! Normalisation of printed Japanese text before parsing.
//!
//! Published documents mix full-width and half-width forms (`（）`, `１２`,
//! `％`) and carry stray spaces. Parsers work on the normalised form; callers
//! keep the original printed text.

/// Maps full-width ASCII variants and the ideographic space to their
/// half-width forms. Other characters (kana, kanji, dashes) are kept.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Width-folds, trims, and collapses runs of white space to one space.
pub fn normalise(s: &str) -> String {
    let folded = fold_width(s);
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.trim().chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Removes every white-space character: printed numbers and short labels
/// carry stray spaces (`平成 30 年度`, `0 m ³`) that mean nothing.
pub fn squeeze(s: &str) -> String {
    fold_width(s).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The dash-like characters that documents use for "nothing here".
pub fn is_dash(c: char) -> bool {
    matches!(c, '-' | '—' | '–' | '―' | '‐' | '－' | 'ー' | '−' | 'ｰ' | '─')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_forms() {
        assert_eq!(fold_width("令和２（２０２０）年度　８０％"), "令和2(2020)年度 80%");
    }

    #[test]
    fn normalise_collapses_spaces() {
        assert_eq!(normalise("  平成 30  年度 "), "平成 30 年度");
        assert_eq!(squeeze("平成 30 年度"), "平成30年度");
    }
}
