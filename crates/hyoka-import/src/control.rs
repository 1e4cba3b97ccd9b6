//! Control characters in imported text. Tab and line breaks (LF, CR) are
//! text; every other control character (NUL, the other C0 codes, DEL and
//! the C1 codes) is not: PostgreSQL refuses NUL outright, and the others
//! are invisible on a sheet and break printing. They are refused where
//! text enters, naming the place.

/// The first control character of `s` that text may not hold, with its
/// 1-based position in characters.
pub(crate) fn find(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|(_, c)| is_forbidden(*c)).map(|(i, c)| (i + 1, c))
}

pub(crate) fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}')
}

/// `U+0000（NUL）`.
pub(crate) fn name(c: char) -> String {
    let code = c as u32;
    let short = match code {
        0x00 => Some("NUL"),
        0x07 => Some("BEL"),
        0x08 => Some("BS"),
        0x0B => Some("VT"),
        0x0C => Some("FF"),
        0x1B => Some("ESC"),
        0x7F => Some("DEL"),
        _ => None,
    };
    match short {
        Some(s) => format!("U+{code:04X}（{s}）"),
        None => format!("U+{code:04X}"),
    }
}

/// The message for a control character at `position` (characters).
pub(crate) fn message(position: usize, c: char) -> String {
    format!(
        "{position}文字目に制御文字 {}があります。タブと改行のほかの制御文字は使えません（元のファイルで削除してください）",
        name(c)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_line_breaks_are_text_other_controls_are_not() {
        assert_eq!(find("a\tb\nc\r\nd"), None);
        assert_eq!(find("三鷹\u{0}市"), Some((3, '\u{0}')));
        assert_eq!(find("x\u{1B}"), Some((2, '\u{1B}')));
        assert_eq!(find("\u{85}"), Some((1, '\u{85}')));
        assert_eq!(name('\u{0}'), "U+0000（NUL）");
        assert_eq!(name('\u{1F}'), "U+001F");
    }
}
