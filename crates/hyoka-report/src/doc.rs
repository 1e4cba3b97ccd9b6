//! A printable document: headings, paragraphs, narratives, tables and
//! charts, in reading order.
//!
//! Every print report (the white paper, summary lists, sheets) is built
//! once as a [`Document`] and rendered twice: to HTML (the `html` module)
//! and to PDF (the `pdf` module), which both depend on this neutral model
//! and not on each other. Both renderers walk the same blocks in the same
//! order, so the HTML page and the PDF say the same things in the same
//! order. Everything here is plain text: no markup from the data survives
//! into either output.

use hyoka_core::chart::TrendChart;
use hyoka_core::narrative::Block as NarrativeBlock;
use hyoka_core::Narrative;

/// A document to print on A4.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The `<title>` and the first heading.
    pub title: String,
    /// Printed under the title: the city, the fiscal year.
    pub subtitle: Option<String>,
    pub orientation: Orientation,
    /// Set in the small type of a printed form, for a sheet the city
    /// prints on one page (三鷹市's 個別事業評価表); else a report's type.
    pub dense: bool,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Orientation {
    #[default]
    Portrait,
    /// For wide tables such as a monthly schedule.
    Landscape,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Level 1 is the highest heading under the title (`<h2>`), up to 5
    /// (`<h6>`).
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    /// Paragraphs and lists, as stored.
    Narrative(Narrative),
    Table(Table),
    Chart(Box<TrendChart>),
    /// Labelled figures: `施策数 34`, `達成率 52.9%`.
    Facts(Vec<(String, String)>),
    /// Small print: notes under a table, legends.
    Note(String),
    /// Starts a new page in print.
    PageBreak,
}

/// A table with header rows, an optional caption and relative widths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub caption: Option<String>,
    pub head: Vec<Vec<Cell>>,
    pub body: Vec<Vec<Cell>>,
    /// Relative column widths; empty means equal columns.
    pub widths: Vec<f32>,
    /// Smaller type for wide tables (schedules of twelve months).
    pub compact: bool,
}

impl Table {
    /// The number of columns, from the widest row.
    pub fn columns(&self) -> usize {
        let width = |row: &Vec<Cell>| row.iter().map(|c| c.colspan.max(1)).sum::<usize>();
        self.head.iter().chain(&self.body).map(width).max().unwrap_or(0).max(self.widths.len())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub content: Content,
    /// `Some` for a header cell (`<th>`), with what it heads.
    pub header: Option<Scope>,
    /// Columns the cell spans (1 for an ordinary cell).
    pub colspan: usize,
    pub align: Align,
    /// Drawn as a bar across its columns: a period of a schedule.
    pub bar: Option<Bar>,
}

/// A schedule's bar: the months a task was planned for, or done in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bar {
    Planned,
    Actual,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    Text(String),
    Narrative(Narrative),
}

/// What a header cell heads (`scope` in HTML).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Col,
    ColGroup,
    Row,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    #[default]
    Start,
    End,
    Center,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { content: Content::Text(text.into()), header: None, colspan: 1, align: Align::Start, bar: None }
    }

    /// A number or figure: right-aligned.
    pub fn figure(text: impl Into<String>) -> Cell {
        Cell { align: Align::End, ..Cell::text(text) }
    }

    pub fn narrative(n: &Narrative) -> Cell {
        Cell { content: Content::Narrative(n.clone()), ..Cell::text("") }
    }

    /// A column header.
    pub fn col(text: impl Into<String>) -> Cell {
        Cell { header: Some(Scope::Col), align: Align::Center, ..Cell::text(text) }
    }

    /// A header over several columns.
    pub fn colgroup(text: impl Into<String>, span: usize) -> Cell {
        Cell { header: Some(Scope::ColGroup), colspan: span.max(1), align: Align::Center, ..Cell::text(text) }
    }

    /// A row header: the label of a row.
    pub fn row(text: impl Into<String>) -> Cell {
        Cell { header: Some(Scope::Row), ..Cell::text(text) }
    }

    pub fn span(mut self, columns: usize) -> Cell {
        self.colspan = columns.max(1);
        self
    }

    /// Drawn as a bar of a schedule.
    pub fn bar(mut self, bar: Bar) -> Cell {
        self.bar = Some(bar);
        self
    }

    pub fn align(mut self, align: Align) -> Cell {
        self.align = align;
        self
    }

    /// The text of the cell as lines: paragraphs, and list items with `・`.
    pub fn plain(&self) -> String {
        match &self.content {
            Content::Text(t) => t.clone(),
            Content::Narrative(n) => n.to_plain_text(),
        }
    }
}

/// A narrative's blocks as (is a list item, text) pairs, in order.
pub fn narrative_lines(n: &Narrative) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    for b in &n.blocks {
        match b {
            NarrativeBlock::Paragraph(p) => out.push((false, p.clone())),
            NarrativeBlock::List(items) => out.extend(items.iter().map(|i| (true, i.clone()))),
        }
    }
    out
}

/// Whether a line starts with its own bullet or number (`・`, `●`, `①`…),
/// so a renderer adds none.
pub fn is_mark(c: char) -> bool {
    matches!(c, '・' | '●' | '○' | '◎' | '◆' | '◇' | '■' | '□' | '※' | '-' | '＊' | '*') || ('①'..='⑳').contains(&c)
}

impl Document {
    pub fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            subtitle: None,
            orientation: Orientation::Portrait,
            dense: false,
            blocks: Vec::new(),
        }
    }

    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading { level: level.clamp(1, 5), text: text.into() });
    }

    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }
}
