//! A [`Document`] as one self-contained HTML page for screen and print.
//!
//! The page needs nothing else: the style sheet is inline, charts are inline
//! SVG, there are no scripts, images, web fonts or links to other files. It
//! prints on A4 (`@page`), repeats table headers on every printed page and
//! keeps headings with what follows. For accessibility (JIS X 8341-3 /
//! WCAG 2.x AA): `lang="ja"`, one `<h1>` and nested headings, every table
//! with a `<caption>` and `scope` on its header cells, charts as
//! `role="img"` with a title and a description, dark text on white.
//!
//! All text from the data is escaped; narratives are rebuilt from their
//! structure (paragraphs and lists), never passed through as markup.

use std::fmt::Write as _;

use crate::doc::{is_mark, narrative_lines, Align, Bar, Block, Cell, Content, Document, Orientation, Scope, Table};

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The style sheet: screen and A4 print. Fonts: BIZ UDゴシック when the
/// reader has it (it is the font of the PDFs), else the usual Japanese
/// system fonts.
const CSS: &str = r#"
:root { color: #1a1a1a; background: #fff; }
html { font-family: "BIZ UDGothic", "BIZ UDゴシック", "BIZ UDPGothic", "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Yu Gothic", "Meiryo", "Noto Sans CJK JP", sans-serif; font-size: 10.5pt; line-height: 1.6; }
body { margin: 0 auto; max-width: 186mm; padding: 10mm 8mm; }
h1 { font-size: 17pt; margin: 0 0 0.2em; line-height: 1.3; }
.subtitle { margin: 0 0 1.2em; font-size: 11pt; }
h2 { font-size: 14pt; margin: 1.4em 0 0.5em; padding-bottom: 2px; border-bottom: 2px solid #1a1a1a; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 1.2em 0 0.4em; padding-left: 6px; border-left: 5px solid #1a1a1a; break-after: avoid; page-break-after: avoid; }
h4 { font-size: 10.5pt; margin: 1em 0 0.3em; break-after: avoid; page-break-after: avoid; }
h5, h6 { font-size: 10.5pt; margin: 0.8em 0 0.2em; break-after: avoid; page-break-after: avoid; }
p { margin: 0.3em 0 0.5em; }
ul { margin: 0.3em 0 0.5em; padding-left: 1.5em; }
ul.marked { list-style: none; padding-left: 0.5em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; font-size: 9.5pt; line-height: 1.45; }
table.compact { font-size: 7.5pt; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: 2px 0 4px; }
th, td { border: 1px solid #555; padding: 3px 5px; vertical-align: top; }
th { background: #ececec; font-weight: bold; }
th[scope="row"] { background: #f5f5f5; text-align: left; }
td p, th p { margin: 0 0 0.3em; }
td ul { margin: 0 0 0.3em; }
.start { text-align: left; }
.end { text-align: right; white-space: nowrap; }
.center { text-align: center; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 0.5em 0 1em; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 9pt; }
svg { max-width: 100%; height: auto; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 0.5em 0 1em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
.note { font-size: 8.5pt; }
.page-break { break-before: page; page-break-before: always; }
td.bar-planned, td.bar-actual { print-color-adjust: exact; -webkit-print-color-adjust: exact; box-shadow: inset 0 3px 0 #fff, inset 0 -3px 0 #fff; }
td.bar-planned { background: #d6e4f5; }
td.bar-actual { background: #9dbfe6; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media print {
  body { max-width: none; padding: 0; }
  h2 { break-before: auto; }
}
"#;

/// A form the city prints on one page: the small type of the PDF.
const DENSE_CSS: &str = "@media print { html { font-size: 8pt; line-height: 1.35; } h1 { font-size: 11pt; } \
h2 { font-size: 9.5pt; margin: 0.6em 0 0.2em; } table { font-size: 7pt; margin: 0.2em 0 0.4em; } \
table.compact { font-size: 5.8pt; } th, td { padding: 1px 3px; } .note { font-size: 6pt; } }\n";

/// The stylesheet of a page in the given orientation: the A4 page box and
/// the print rules.
pub fn stylesheet(orientation: Orientation) -> String {
    let mut css = CSS.to_string();
    css.push_str(match orientation {
        Orientation::Portrait => "@page { size: A4 portrait; margin: 14mm 12mm 16mm; }\n",
        Orientation::Landscape => "@page { size: A4 landscape; margin: 12mm 12mm 14mm; }\n",
    });
    if orientation == Orientation::Landscape {
        css.push_str("body { max-width: 273mm; }\n");
    }
    css
}

/// The stylesheet of a document: its orientation's, in a form's small type
/// when it is dense.
pub fn document_stylesheet(orientation: Orientation, dense: bool) -> String {
    let mut css = stylesheet(orientation);
    if dense {
        css.push_str(DENSE_CSS);
    }
    css
}

/// The whole page, with its stylesheet inside: a file that prints the same
/// wherever it is opened.
pub fn render(doc: &Document) -> String {
    render_page(doc, &format!("<style>{}</style>", document_stylesheet(doc.orientation, doc.dense)))
}

/// The whole page with its stylesheet at `href`: for the web app, whose
/// Content-Security-Policy allows no inline style.
pub fn render_linked(doc: &Document, href: &str) -> String {
    render_page(doc, &format!("<link rel=\"stylesheet\" href=\"{}\">", escape(href)))
}

fn render_page(doc: &Document, style: &str) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&doc.title));
    out.push_str(style);
    out.push_str("\n</head>\n<body>\n<main>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&doc.title));
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(s));
    }
    let mut state = State::default();
    for block in &doc.blocks {
        render_block(&mut out, block, &mut state);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// What rendering remembers from block to block.
#[derive(Default)]
struct State {
    charts: usize,
    /// The text of the heading just written, if the last block was one.
    heading: Option<String>,
}

fn render_block(out: &mut String, block: &Block, state: &mut State) {
    let heading = state.heading.take();
    match block {
        Block::Heading { level, text } => {
            let h = level.clamp(&1, &5) + 1;
            let _ = writeln!(out, "<h{h}>{}</h{h}>", escape(text));
            state.heading = Some(text.clone());
        }
        Block::Paragraph(text) => paragraphs(out, text),
        Block::Narrative(n) => narrative(out, &narrative_lines(n)),
        Block::Table(t) => table(out, t, heading.as_deref()),
        Block::Chart(chart) => {
            state.charts += 1;
            // Ids must be unique in the page whatever the caller chose.
            let mut chart = (**chart).clone();
            chart.id = format!("chart{}-{}", state.charts, chart.id);
            out.push_str("<figure class=\"chart\">\n");
            out.push_str(&chart.to_svg());
            let _ =
                writeln!(out, "\n<figcaption>図: {}の推移（目標と実績）</figcaption>\n</figure>", escape(&chart.name));
        }
        Block::Facts(facts) => {
            out.push_str("<dl class=\"facts\">\n");
            for (label, value) in facts {
                let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
            }
            out.push_str("</dl>\n");
        }
        Block::Note(text) => {
            for line in text.lines() {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(line));
            }
        }
        Block::PageBreak => out.push_str("<div class=\"page-break\" aria-hidden=\"true\"></div>\n"),
    }
}

/// Each line of `text` as a paragraph.
fn paragraphs(out: &mut String, text: &str) {
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
}

/// Paragraphs and lists; a list whose items carry their own marks (`・`,
/// `●`, `①`) is shown without a second bullet.
fn narrative(out: &mut String, lines: &[(bool, String)]) {
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].0 {
            let _ = writeln!(out, "<p>{}</p>", escape(&lines[i].1));
            i += 1;
            continue;
        }
        let end = lines[i..].iter().position(|(item, _)| !item).map_or(lines.len(), |p| i + p);
        let items = &lines[i..end];
        let marked = items.iter().all(|(_, t)| t.starts_with(is_mark));
        out.push_str(if marked { "<ul class=\"marked\">" } else { "<ul>" });
        for (_, t) in items {
            let _ = write!(out, "<li>{}</li>", escape(t));
        }
        out.push_str("</ul>\n");
        i = end;
    }
}

/// A table; a caption that repeats the heading just above it is kept for
/// screen readers but not shown twice.
fn table(out: &mut String, t: &Table, heading: Option<&str>) {
    let _ = write!(out, "<table{}>", if t.compact { " class=\"compact\"" } else { "" });
    if let Some(c) = &t.caption {
        let hidden = if heading == Some(c.as_str()) { " class=\"visually-hidden\"" } else { "" };
        let _ = write!(out, "<caption{hidden}>{}</caption>", escape(c));
    }
    out.push('\n');
    if !t.widths.is_empty() {
        let total: f32 = t.widths.iter().sum();
        out.push_str("<colgroup>");
        for w in &t.widths {
            // The attribute, not a style: the web app's CSP refuses inline styles.
            let _ = write!(out, "<col width=\"{:.1}%\">", w / total * 100.0);
        }
        out.push_str("</colgroup>\n");
    }
    if !t.head.is_empty() {
        out.push_str("<thead>\n");
        for row in &t.head {
            table_row(out, row);
        }
        out.push_str("</thead>\n");
    }
    out.push_str("<tbody>\n");
    for row in &t.body {
        table_row(out, row);
    }
    out.push_str("</tbody>\n</table>\n");
}

fn table_row(out: &mut String, row: &[Cell]) {
    out.push_str("<tr>");
    for cell in row {
        let class = match cell.align {
            Align::Start => "start",
            Align::End => "end",
            Align::Center => "center",
        };
        let span = if cell.colspan > 1 { format!(" colspan=\"{}\"", cell.colspan) } else { String::new() };
        let (tag, scope) = match cell.header {
            Some(Scope::Col) => ("th", " scope=\"col\""),
            Some(Scope::ColGroup) => ("th", " scope=\"colgroup\""),
            Some(Scope::Row) => ("th", " scope=\"row\""),
            None => ("td", ""),
        };
        let bar = match cell.bar {
            Some(Bar::Planned) => " bar-planned",
            Some(Bar::Actual) => " bar-actual",
            None => "",
        };
        let _ = write!(out, "<{tag}{scope}{span} class=\"{class}{bar}\">");
        match &cell.content {
            Content::Text(text) => {
                let lines: Vec<&str> = text.lines().collect();
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        out.push_str("<br>");
                    }
                    out.push_str(&escape(line));
                }
            }
            Content::Narrative(n) => narrative(out, &narrative_lines(n)),
        }
        let _ = write!(out, "</{tag}>");
    }
    out.push_str("</tr>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyoka_core::Narrative;

    #[test]
    fn nothing_from_the_data_is_markup() {
        let mut doc = Document::new("<script>alert(1)</script>");
        doc.paragraph("a & b <b>");
        doc.push(Block::Narrative(Narrative::from_html_fragment(
            "<p>段落<img src=x onerror=alert(1)></p><ul><li>・項目 \"q\"</li></ul>",
        )));
        let mut t = Table { caption: Some("表 <i>".into()), ..Table::default() };
        t.head.push(vec![Cell::col("見出し<")]);
        t.body.push(vec![Cell::text("'x'")]);
        doc.push(Block::Table(t));
        let html = render(&doc);
        assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>") && !html.contains("<i>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("<ul class=\"marked\"><li>・項目 &quot;q&quot;</li></ul>"));
        assert!(html.contains("<th scope=\"col\" class=\"center\">見出し&lt;</th>"));
        assert!(html.contains("<html lang=\"ja\">"));
    }
}
