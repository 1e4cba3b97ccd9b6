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

/// Orders printed codes as people read them: 企-2 before 企-10, No.2 before
/// No.2-1 and No.10. Digits compare as numbers, whatever their width.
pub fn natural_key(code: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in fold_width(code).chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
                digits.clear();
            }
            text.push(c);
        }
    }
    out.push((text, digits.parse().unwrap_or(0)));
    out
}

#[cfg(test)]
mod natural_order_tests {
    use super::natural_key;

    #[test]
    fn codes_sort_naturally() {
        let mut codes = vec!["企-10", "企-2", "No.2-1", "No.2", "企-1", "No.10", "No.１"];
        codes.sort_by_key(|c| natural_key(c));
        assert_eq!(codes, vec!["No.１", "No.2", "No.2-1", "No.10", "企-1", "企-2", "企-10"]);
    }
}
