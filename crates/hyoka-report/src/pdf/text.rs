//! Line breaking for Japanese text with kinsoku shori (禁則処理).
//!
//! Japanese breaks between any two characters, except that some may not
//! start a line (closing brackets, 、。, small kana, the long-vowel mark)
//! and some may not end one (opening brackets). Runs of Latin letters and
//! digits (`2,274,948`, `t-CO2`, `Society5.0`) are kept whole unless one
//! is wider than the line. A 、 or 。 that would start a line hangs in the
//! margin instead (ぶら下げ), as in printed Japanese.

/// Characters that may not start a line (行頭禁則).
pub fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | ','
            | '.'
            | '）'
            | ')'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '］'
            | ']'
            | '｝'
            | '}'
            | '〙'
            | '〗'
            | '〟'
            | '’'
            | '”'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
            | 'ー'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | '々'
            | '〻'
            | '・'
            | '：'
            | '；'
            | ':'
            | ';'
            | '？'
            | '！'
            | '?'
            | '!'
            | '‐'
            | '゠'
            | '～'
            | '〜'
            | '％'
            | '%'
    )
}

/// Characters that may not end a line (行末禁則).
pub fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '（' | '('
            | '「'
            | '『'
            | '【'
            | '〔'
            | '〈'
            | '《'
            | '［'
            | '['
            | '｛'
            | '{'
            | '〘'
            | '〖'
            | '〝'
            | '‘'
            | '“'
    )
}

/// Punctuation that may hang past the right margin rather than start a line.
fn hangs(c: char) -> bool {
    matches!(c, '、' | '。' | '，' | '．' | ',' | '.')
}

/// Characters that join a Latin run: letters, digits and the marks that
/// belong inside numbers, codes and units.
fn joins(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '.' | ',' | '-' | '+' | '_' | '/' | '%' | '#' | '&' | '@' | '\'' | '"' | '=' | '~' | '^' | '*')
        || ('Ａ'..='Ｚ').contains(&c)
        || ('ａ'..='ｚ').contains(&c)
        || ('０'..='９').contains(&c)
}

#[derive(Clone, Debug)]
struct Token {
    text: String,
    width: f32,
    space: bool,
}

impl Token {
    fn first(&self) -> char {
        self.text.chars().next().unwrap_or(' ')
    }
    fn last(&self) -> char {
        self.text.chars().last().unwrap_or(' ')
    }
}

fn tokens(text: &str, width: f32, measure: &impl Fn(char) -> f32) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if word.is_empty() {
            return;
        }
        let w: f32 = word.chars().map(measure).sum();
        if w > width {
            // Wider than the line: it has to break somewhere.
            out.extend(word.chars().map(|c| Token { text: c.to_string(), width: measure(c), space: false }));
        } else {
            out.push(Token { text: std::mem::take(word), width: w, space: false });
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            if !out.last().is_some_and(|t| t.space) {
                out.push(Token { text: " ".into(), width: measure(' '), space: true });
            }
        } else if joins(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(Token { text: c.to_string(), width: measure(c), space: false });
        }
    }
    flush(&mut word, &mut out);
    out
}

fn forbidden_break(tokens: &[Token], at: usize) -> bool {
    no_line_start(tokens[at].first()) || no_line_end(tokens[at - 1].last())
}

fn line_of(tokens: &[Token]) -> String {
    let s: String = tokens.iter().map(|t| t.text.as_str()).collect();
    s.trim_end().to_string()
}

/// Breaks one paragraph into lines no wider than `width`, where
/// `measure(c)` is the width of a character. Line breaks in the text are
/// kept. An empty text gives no lines.
pub fn break_lines(text: &str, width: f32, measure: impl Fn(char) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let para = para.trim_end_matches('\r');
        if para.trim().is_empty() {
            continue;
        }
        break_paragraph(para, width, &measure, &mut lines);
    }
    lines
}

fn break_paragraph(text: &str, width: f32, measure: &impl Fn(char) -> f32, lines: &mut Vec<String>) {
    let tokens = tokens(text, width, measure);
    let mut start = 0;
    while start < tokens.len() {
        if tokens[start].space {
            start += 1;
            continue;
        }
        let mut x = 0.0;
        let mut i = start;
        while i < tokens.len() && (i == start || x + tokens[i].width <= width + 0.01) {
            x += tokens[i].width;
            i += 1;
        }
        if i == tokens.len() {
            lines.push(line_of(&tokens[start..]));
            break;
        }
        let t = &tokens[i];
        let end = if t.space {
            i
        } else if hangs(t.first()) && t.text.chars().count() == 1 {
            // ぶら下げ: the comma or full stop stays on this line.
            i + 1
        } else {
            let mut b = i;
            while b > start + 1 && forbidden_break(&tokens, b) {
                b -= 1;
            }
            if forbidden_break(&tokens, b) {
                i
            } else {
                b
            }
        };
        lines.push(line_of(&tokens[start..end]));
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Full width 1, half width 0.5: BIZ UDGothic's metrics.
    fn w(c: char) -> f32 {
        if c.is_ascii() {
            0.5
        } else {
            1.0
        }
    }

    #[test]
    fn japanese_breaks_anywhere_but_keeps_numbers_whole() {
        let lines = break_lines("利用件数は2,274,948件となった", 10.0, w);
        assert_eq!(lines, ["利用件数は2,274,948", "件となった"]);
        assert_eq!(lines.concat(), "利用件数は2,274,948件となった");
    }

    #[test]
    fn closing_marks_and_small_kana_never_start_a_line() {
        // 「」 at the break: the closing bracket pulls the previous character down.
        let lines = break_lines("あいうえ」かきく", 4.0, w);
        assert_eq!(lines, ["あいう", "え」かき", "く"]);
        let lines = break_lines("あいうっとりする", 3.0, w);
        assert!(lines.iter().all(|l| !l.starts_with('っ')), "{lines:?}");
        // An opening bracket never ends a line.
        let lines = break_lines("あいう「えお」", 4.0, w);
        assert!(lines.iter().all(|l| !l.ends_with('「')), "{lines:?}");
    }

    #[test]
    fn commas_and_full_stops_hang() {
        let lines = break_lines("あいうえ。かきくけ、こ", 4.0, w);
        assert_eq!(lines, ["あいうえ。", "かきくけ、", "こ"]);
    }

    #[test]
    fn spaces_break_latin_and_overlong_runs_split() {
        assert_eq!(break_lines("Society 5.0 社会", 4.0, w), ["Society", "5.0 社会"]);
        let long = "https://example.jp/a/very/long/path";
        let lines = break_lines(long, 5.0, w);
        assert!(lines.len() > 1 && lines.concat() == long);
    }

    #[test]
    fn line_breaks_in_the_text_are_kept() {
        assert_eq!(break_lines("一行目\n\n二行目", 10.0, w), ["一行目", "二行目"]);
        assert!(break_lines("  ", 10.0, w).is_empty());
    }
}
