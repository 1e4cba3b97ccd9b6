//! Narratives on a page: paragraphs and lists, with `**強調**` and
//! `[表示](https://…)` recognised inside them. Every piece of text goes
//! through maud's escaping; a link is made only for http, https and mailto
//! addresses and opens nothing with access to this page (`rel=noopener`).

use hyoka_core::narrative::{Block, Narrative};
use hyoka_core::paste::{inline_spans, Inline};
use maud::{html, Markup};

/// A narrative as HTML.
pub fn narrative(n: &Narrative) -> Markup {
    html! {
        @for b in &n.blocks {
            @match b {
                Block::Paragraph(p) => p { (inline(p)) },
                Block::List(items) => ul { @for i in items { li { (inline(i)) } } },
            }
        }
    }
}

/// One paragraph's inline markup.
pub fn inline(text: &str) -> Markup {
    html! {
        @for span in inline_spans(text) {
            @match span {
                Inline::Text(t) => (t),
                Inline::Strong(t) => strong { (t) },
                Inline::Link { text, href } => a href=(href) rel="noopener noreferrer" { (text) },
            }
        }
    }
}

/// Multi-line plain text (a history value) as lines.
pub fn lines(text: &str) -> Markup {
    html! {
        @for (i, line) in text.lines().enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_schemes_are_inert() {
        let n = Narrative::from_markup(
            "<script>alert(1)</script> **太字**\n- [市HP](https://example.jp/?a=1&b=2)\n- [悪](javascript:alert(1))",
        );
        let html = narrative(&n).into_string();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("<strong>太字</strong>"));
        assert!(html.contains(r#"<a href="https://example.jp/?a=1&amp;b=2" rel="noopener noreferrer">市HP</a>"#));
        assert!(!html.contains("href=\"javascript"));
        assert!(html.contains("[悪](javascript:alert(1))"));
    }
}
