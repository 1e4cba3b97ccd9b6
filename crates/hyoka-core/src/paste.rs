//! Text people type or paste into a narrative.
//!
//! Narratives are edited in the line markup of
//! [`Narrative::to_markup`](crate::narrative::Narrative::to_markup): a line
//! per paragraph, `- ` for list items. What arrives from Word or Excel
//! carries CRLF line ends, zero-width characters, tabs between cells,
//! trailing and full-width spaces used as indentation, and bullets typed as
//! characters (`・`, `●`, `•`). [`clean_pasted`] turns that into the markup,
//! so a pasted bullet list becomes a list.
//!
//! Within a paragraph or list item two inline forms are recognised at
//! display time: `**強調**` and `[表示](https://…)`. They stay in the stored
//! text as typed (lossless); [`inline_spans`] splits them for renderers,
//! which escape everything and make links only of http, https and mailto.

/// Characters that take no space and carry nothing a reader can see.
const INVISIBLE: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}'];

/// Bullets typed as characters at the start of a line. `※` (a note) and
/// numbered forms (`1.`, `①`) are not bullets: their marks carry meaning.
const BULLETS: &[char] = &['・', '●', '○', '◆', '◇', '■', '□', '◎', '•', '◦', '▪', '‣', '⁃', '･', '*', '＊'];

/// Cleans pasted or typed text into narrative line markup.
pub fn clean_pasted(input: &str) -> String {
    let text = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let line = clean_line(raw);
        let line = match bullet_item(&line) {
            Some(item) => format!("- {item}"),
            None => line,
        };
        // One blank line at most: it separates two lists, nothing more.
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// Drops invisible and control characters, turns tabs and no-break spaces
/// into spaces, collapses runs of spaces and trims both ends (including the
/// full-width spaces used to indent Japanese paragraphs). A single
/// full-width space inside a line is kept: it often separates words.
fn clean_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut String| {
        if !run.is_empty() {
            if !out.is_empty() {
                out.push(if run.len() == 1 && run[0] == '\u{3000}' { '\u{3000}' } else { ' ' });
            }
            run.clear();
        }
    };
    for c in raw.chars() {
        if INVISIBLE.contains(&c) || (c.is_control() && c != '\t') {
            continue;
        }
        if c.is_whitespace() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    out
}

/// The text of a line that starts with a bullet, or `None`.
fn bullet_item(line: &str) -> Option<String> {
    if let Some(item) = line.strip_prefix("- ") {
        return Some(item.trim().to_string()).filter(|s| !s.is_empty());
    }
    let first = line.chars().next()?;
    if !BULLETS.contains(&first) {
        return None;
    }
    let rest = line[first.len_utf8()..].trim_start_matches(|c: char| c.is_whitespace());
    // `**強調**` at the start of a line is emphasis, not a bullet.
    if first == '*' && rest.starts_with('*') {
        return None;
    }
    (!rest.is_empty()).then(|| rest.to_string())
}

/// A piece of a paragraph after inline markup is recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Strong(String),
    /// A link whose address is http, https or mailto.
    Link {
        text: String,
        href: String,
    },
}

/// Whether an address may become a link: http, https or mailto only, and
/// nothing that could break out of an attribute or hide a scheme.
pub fn safe_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    let scheme_ok = ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s) && lower.len() > s.len());
    scheme_ok && !href.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'))
}

/// Splits a paragraph into text, `**strong**` and `[text](href)` pieces.
/// Markup that is not closed, empty, or a link to another scheme stays text
/// exactly as typed.
pub fn inline_spans(s: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**") {
            if let Some(end) = after.find("**").filter(|&e| e > 0) {
                flush_text(&mut text, &mut out);
                out.push(Inline::Strong(after[..end].to_string()));
                rest = &after[end + 2..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let Some((label, href, consumed)) = link_at(after) {
                if safe_href(href) {
                    flush_text(&mut text, &mut out);
                    out.push(Inline::Link { text: label.to_string(), href: href.to_string() });
                    rest = &after[consumed..];
                    continue;
                }
            }
        }
        let c = rest.chars().next().expect("not empty");
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush_text(&mut text, &mut out);
    out
}

/// After a `[`: `label](href)`, with the bytes consumed.
fn link_at(after: &str) -> Option<(&str, &str, usize)> {
    let close = after.find(']')?;
    let label = &after[..close];
    if label.is_empty() || label.contains('[') {
        return None;
    }
    let tail = after[close + 1..].strip_prefix('(')?;
    let end = tail.find(')')?;
    let href = &tail[..end];
    Some((label, href, close + 2 + end + 1))
}

fn flush_text(text: &mut String, out: &mut Vec<Inline>) {
    if !text.is_empty() {
        out.push(Inline::Text(std::mem::take(text)));
    }
}

/// The paragraph as plain text: emphasis marks dropped, links as
/// `表示 (https://…)`. For search, CSV and places that show text only.
pub fn inline_plain(s: &str) -> String {
    inline_spans(s)
        .into_iter()
        .map(|i| match i {
            Inline::Text(t) | Inline::Strong(t) => t,
            Inline::Link { text, href } => format!("{text} ({href})"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrative::{Block, Narrative};

    #[test]
    fn word_paste_becomes_paragraphs_and_lists() {
        let pasted = "\u{3000}本年度は\u{200B}次の取組を行った。  \r\n\r\n\r\n・電子申請の拡充\r\n●\tオープンデータ\u{FEFF}の公開\r\n•  研修\r\n※ 予算は補正後";
        let clean = clean_pasted(pasted);
        assert_eq!(
            clean,
            "本年度は次の取組を行った。\n\n- 電子申請の拡充\n- オープンデータの公開\n- 研修\n※ 予算は補正後"
        );
        let n = Narrative::from_markup(&clean);
        assert_eq!(
            n.blocks,
            vec![
                Block::Paragraph("本年度は次の取組を行った。".into()),
                Block::List(vec!["電子申請の拡充".into(), "オープンデータの公開".into(), "研修".into()]),
                Block::Paragraph("※ 予算は補正後".into()),
            ]
        );
    }

    #[test]
    fn excel_cells_and_spaces() {
        assert_eq!(clean_pasted("項目\t\t件数\t120件\u{00A0}\n"), "項目 件数 120件");
        assert_eq!(clean_pasted("市民　協働"), "市民\u{3000}協働", "one full-width space between words stays");
        assert_eq!(clean_pasted("市民　　協働\u{7}"), "市民 協働");
        assert_eq!(clean_pasted("\n\n"), "");
        assert_eq!(clean_pasted("**強調**で始まる行"), "**強調**で始まる行");
        assert_eq!(clean_pasted("* 星印の箇条"), "- 星印の箇条");
        assert_eq!(clean_pasted("-  すでにリスト "), "- すでにリスト");
    }

    #[test]
    fn inline_markup() {
        assert_eq!(
            inline_spans("詳細は**市HP**の[こちら](https://www.city.example.jp/a?b=1)を参照"),
            vec![
                Inline::Text("詳細は".into()),
                Inline::Strong("市HP".into()),
                Inline::Text("の".into()),
                Inline::Link { text: "こちら".into(), href: "https://www.city.example.jp/a?b=1".into() },
                Inline::Text("を参照".into()),
            ]
        );
        assert_eq!(inline_spans("**閉じない"), vec![Inline::Text("**閉じない".into())]);
        assert_eq!(inline_spans("[x](javascript:alert(1))"), vec![Inline::Text("[x](javascript:alert(1))".into())]);
        assert_eq!(inline_spans("[x](JavaScript:void(0))").len(), 1);
        assert!(matches!(&inline_spans("[問合せ](mailto:a@example.jp)")[0], Inline::Link { .. }));
        assert!(!safe_href("https://a\"onmouseover=x"));
        assert!(!safe_href("https://"));
        assert_eq!(inline_plain("**A**と[B](http://b.example)"), "AとB (http://b.example)");
    }
}
