//! Narrative text (事業概要, PDCA paragraphs, review-board opinions).
//!
//! Published sheets carry HTML fragments (`<p>`, `<ul><li>`, `&amp;`) and
//! bullets (`・`, `●`); users paste from Word and Excel. A narrative is kept
//! as a small safe structure — paragraphs and lists of plain text — that
//! every writer renders in its own way. Nothing of the input survives as
//! markup, so rendering can never run a script.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrative {
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum Block {
    Paragraph(String),
    List(Vec<String>),
}

impl Narrative {
    /// Reads text that may hold HTML fragments. Paragraphs (`<p>`, `<br>`,
    /// line breaks) and lists (`<ul>`/`<ol>` with `<li>`) keep their
    /// structure; every other tag is dropped and entities are decoded.
    pub fn from_html_fragment(input: &str) -> Narrative {
        let mut blocks = Vec::new();
        let mut text = String::new();
        let mut list: Option<Vec<String>> = None;
        let mut item = String::new();
        let mut rest = input;
        while let Some(lt) = rest.find('<') {
            let before = &rest[..lt];
            push_text(before, &mut text, &mut item, list.is_some());
            let Some(gt) = rest[lt..].find('>') else {
                // A lone `<` is text, not a tag.
                push_text(&rest[lt..], &mut text, &mut item, list.is_some());
                rest = "";
                break;
            };
            let tag = rest[lt + 1..lt + gt].trim().to_ascii_lowercase();
            let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            let closing = tag.starts_with('/');
            match name.as_str() {
                "p" | "div" | "br" | "tr" | "h1" | "h2" | "h3" | "h4" => {
                    if list.is_none() {
                        flush_paragraph(&mut text, &mut blocks);
                    } else if name == "br" {
                        item.push(' ');
                    }
                }
                "ul" | "ol" if !closing => {
                    flush_paragraph(&mut text, &mut blocks);
                    list.get_or_insert_with(Vec::new);
                }
                "ul" | "ol" => {
                    if let Some(items) = list.as_mut() {
                        flush_item(&mut item, items);
                    }
                    if let Some(items) = list.take() {
                        if !items.is_empty() {
                            blocks.push(Block::List(items));
                        }
                    }
                }
                "li" => match list.as_mut() {
                    Some(items) => flush_item(&mut item, items),
                    // An <li> outside a list still starts a new line.
                    None => flush_paragraph(&mut text, &mut blocks),
                },
                "td" | "th" => {
                    if list.is_some() {
                        item.push(' ');
                    } else {
                        text.push(' ');
                    }
                }
                _ => {}
            }
            rest = &rest[lt + gt + 1..];
        }
        push_text(rest, &mut text, &mut item, list.is_some());
        if let Some(mut items) = list.take() {
            flush_item(&mut item, &mut items);
            if !items.is_empty() {
                blocks.push(Block::List(items));
            }
        }
        flush_paragraph(&mut text, &mut blocks);
        Narrative { blocks }
    }

    /// Plain text, for search and for cells that hold text only. Paragraphs
    /// and list items are separated by line breaks; items start with `・`.
    pub fn to_plain_text(&self) -> String {
        let mut lines = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Paragraph(p) => lines.push(p.clone()),
                Block::List(items) => {
                    lines.extend(items.iter().map(
                        |i| {
                            if i.starts_with(BULLETS) {
                                i.clone()
                            } else {
                                format!("・{i}")
                            }
                        },
                    ))
                }
            }
        }
        lines.join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// A line-based form for spreadsheets and CSV, lossless: one paragraph
    /// per line, list items as lines starting with `- `, a blank line
    /// between two lists. A paragraph that itself starts with `- ` or `\`
    /// is escaped with a leading `\`.
    pub fn to_markup(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        let mut previous_was_list = false;
        for b in &self.blocks {
            match b {
                Block::Paragraph(p) => {
                    let escaped = if p.starts_with("- ") || p.starts_with('\\') { format!("\\{p}") } else { p.clone() };
                    lines.push(escaped);
                    previous_was_list = false;
                }
                Block::List(items) => {
                    if previous_was_list {
                        lines.push(String::new());
                    }
                    lines.extend(items.iter().map(|i| format!("- {i}")));
                    previous_was_list = true;
                }
            }
        }
        lines.join("\n")
    }

    /// Reads [`Self::to_markup`]'s form. Any text is accepted: lines that are
    /// not list items are paragraphs.
    pub fn from_markup(markup: &str) -> Narrative {
        let mut blocks = Vec::new();
        let mut list: Vec<String> = Vec::new();
        let flush = |list: &mut Vec<String>, blocks: &mut Vec<Block>| {
            if !list.is_empty() {
                blocks.push(Block::List(std::mem::take(list)));
            }
        };
        for line in markup.lines() {
            let line = line.trim_end_matches('\r');
            if let Some(item) = line.strip_prefix("- ") {
                list.push(item.to_string());
            } else if line.trim().is_empty() {
                flush(&mut list, &mut blocks);
            } else {
                flush(&mut list, &mut blocks);
                let p = line.strip_prefix('\\').unwrap_or(line);
                blocks.push(Block::Paragraph(p.to_string()));
            }
        }
        flush(&mut list, &mut blocks);
        Narrative { blocks }
    }
}

const BULLETS: &[char] = &['・', '●', '○', '◆', '■', '□', '◎', '※'];

fn push_text(raw: &str, text: &mut String, item: &mut String, in_list: bool) {
    let decoded = decode_entities(raw);
    // Line breaks in the source separate paragraphs outside lists.
    for (i, line) in decoded.split('\n').enumerate() {
        if i > 0 && !in_list && !text.trim().is_empty() {
            text.push('\n');
        }
        if in_list {
            item.push_str(line);
        } else {
            text.push_str(line);
        }
    }
}

fn flush_paragraph(text: &mut String, blocks: &mut Vec<Block>) {
    for line in text.split('\n') {
        let clean = collapse(line);
        if !clean.is_empty() {
            blocks.push(Block::Paragraph(clean));
        }
    }
    text.clear();
}

fn flush_item(item: &mut String, items: &mut Vec<String>) {
    let clean = collapse(item);
    if !clean.is_empty() {
        items.push(clean);
    }
    item.clear();
}

/// Collapses runs of white space (including the ideographic space) and trims.
fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Decodes the named entities found in published sheets and every numeric
/// one. Unknown entities are kept as printed.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paragraphs_and_lists() {
        let n = Narrative::from_html_fragment(
            r#"<p>【事業概要】 平成30年度は&amp;計画</p> <ul style="list-style-type: none"> <li>・市Facebook</li> <li>・新たなSNS</li> </ul>"#,
        );
        assert_eq!(
            n.blocks,
            vec![
                Block::Paragraph("【事業概要】 平成30年度は&計画".into()),
                Block::List(vec!["・市Facebook".into(), "・新たなSNS".into()]),
            ]
        );
        assert_eq!(n.to_plain_text(), "【事業概要】 平成30年度は&計画\n・市Facebook\n・新たなSNS");
    }

    #[test]
    fn scripts_become_inert_text() {
        let n = Narrative::from_html_fragment("<script>alert(1)</script>注意 &lt;b&gt;");
        assert_eq!(n.to_plain_text(), "alert(1)注意 <b>");
        // The decoded `<b>` is text in the structure; writers escape it.
        assert_eq!(n.blocks, vec![Block::Paragraph("alert(1)注意 <b>".into())]);
    }

    #[test]
    fn markup_round_trips() {
        let n = Narrative {
            blocks: vec![
                Block::Paragraph("- not a list".into()),
                Block::List(vec!["a".into(), "b".into()]),
                Block::List(vec!["c".into()]),
                Block::Paragraph("\\back".into()),
                Block::Paragraph("本文".into()),
            ],
        };
        assert_eq!(Narrative::from_markup(&n.to_markup()), n);
        assert_eq!(
            Narrative::from_markup("一\r\n- 二\n"),
            Narrative { blocks: vec![Block::Paragraph("一".into()), Block::List(vec!["二".into()])] }
        );
    }

    #[test]
    fn plain_text_and_stray_brackets() {
        let n = Narrative::from_html_fragment("1行目\n2行目 a < b");
        assert_eq!(n.blocks, vec![Block::Paragraph("1行目".into()), Block::Paragraph("2行目 a < b".into())]);
        assert_eq!(decode_entities("&#x4E00;&#19968;&unknown;&"), "一一&unknown;&");
    }
}
