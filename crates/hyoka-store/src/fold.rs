//! The search form of a text: what documents and queries are compared in
//! (full-width ASCII and half-width katakana folded, lower-cased, white
//! space removed), with each folded character's place in the text as
//! written, so matches can be marked there. Both the index
//! (`search_index`) and the queries (`search`) use it.

/// The form both documents and queries are compared in.
pub fn search_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_each(text, |c, _| out.push(c));
    out
}

/// Folds text for searching, keeping for each folded character the range
/// of original characters it came from, so matches can be marked in the
/// text as written.
pub(crate) fn fold(text: &str) -> Vec<(char, (usize, usize))> {
    let mut out = Vec::with_capacity(text.len());
    fold_each(text, |c, range| out.push((c, range)));
    out
}

/// Calls `emit` with each folded character and the range of original
/// characters it came from. Streams: the public search folds the text of
/// every candidate, so nothing is collected here.
fn fold_each(text: &str, mut emit: impl FnMut(char, (usize, usize))) {
    let mut chars = text.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        let (folded, used) = match c {
            c if c.is_whitespace() => (None, 1),
            '\u{FF01}'..='\u{FF5E}' => (char::from_u32(c as u32 - 0xFEE0), 1),
            '\u{FF61}'..='\u{FF9F}' => {
                let (k, used) = half_width_kana(c, chars.peek().copied());
                if used == 2 {
                    chars.next();
                }
                (Some(k), used)
            }
            c => (Some(c), 1),
        };
        if let Some(f) = folded {
            if f.is_ascii() {
                emit(f.to_ascii_lowercase(), (i, i + used));
            } else {
                for l in f.to_lowercase() {
                    emit(l, (i, i + used));
                }
            }
        }
        i += used;
    }
}

/// Half-width katakana (pasted from old spreadsheets) as full-width; a
/// following voiced mark is combined: `ｶﾞ` → `ガ`.
fn half_width_kana(c: char, next: Option<char>) -> (char, usize) {
    const TABLE: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";
    let base = TABLE.chars().nth((c as u32 - 0xFF61) as usize).unwrap_or(c);
    let voiced = |b: char| match b {
        'ウ' => Some('ヴ'),
        // The voiced form is the next code point for these rows.
        'カ' | 'キ' | 'ク' | 'ケ' | 'コ' | 'サ' | 'シ' | 'ス' | 'セ' | 'ソ' | 'タ' | 'チ' | 'ツ' | 'テ' | 'ト'
        | 'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => char::from_u32(b as u32 + 1),
        _ => None,
    };
    let semi_voiced = |b: char| match b {
        'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => char::from_u32(b as u32 + 2),
        _ => None,
    };
    match next {
        Some('\u{FF9E}') => voiced(base).map_or((base, 1), |v| (v, 2)),
        Some('\u{FF9F}') => semi_voiced(base).map_or((base, 1), |v| (v, 2)),
        _ => (base, 1),
    }
}
