//! Flow layout of a [`Document`] onto A4 pages: lines broken with kinsoku,
//! headings kept with what follows, tables as ruled rows whose header rows
//! repeat on every page and whose tall rows continue on the next page,
//! charts drawn as vectors. The result is a list of pages of drawing
//! operations in reading order; [`super::write`] turns them into PDF.

use hyoka_core::chart::Scale;
use hyoka_core::chart::{PlotPoint, Series, TrendChart};

use super::font::{font, Font};
use super::text::break_lines;
use crate::doc::{is_mark, narrative_lines, Align, Bar, Block, Cell, Content, Document, Orientation, Table};

/// A4 in points.
const A4: (f32, f32) = (595.28, 841.89);
/// Type sizes, leading, margins and padding of a page.
#[derive(Clone, Copy, Debug)]
struct Metrics {
    margin_x: f32,
    margin_top: f32,
    margin_bottom: f32,
    title: f32,
    subtitle: f32,
    body: f32,
    body_leading: f32,
    table: f32,
    table_compact: f32,
    table_leading: f32,
    note: f32,
    pad_x: f32,
    pad_y: f32,
    /// Heading sizes relative to the normal.
    heading: f32,
    /// The space around blocks relative to the normal.
    spacing: f32,
}

const NORMAL: Metrics = Metrics {
    margin_x: 40.0,
    margin_top: 44.0,
    margin_bottom: 52.0,
    title: 16.0,
    subtitle: 10.5,
    body: 9.5,
    body_leading: 1.65,
    table: 8.5,
    table_compact: 6.5,
    table_leading: 1.4,
    note: 7.5,
    pad_x: 3.0,
    pad_y: 2.5,
    heading: 1.0,
    spacing: 1.0,
};

/// A form the city prints on one page (三鷹市's 個別事業評価表): the type
/// sizes of a printed form rather than of a report.
const DENSE: Metrics = Metrics {
    margin_x: 28.0,
    margin_top: 24.0,
    margin_bottom: 36.0,
    title: 9.5,
    subtitle: 7.5,
    body: 7.0,
    body_leading: 1.35,
    table: 6.8,
    table_compact: 5.6,
    table_leading: 1.18,
    note: 5.8,
    pad_x: 2.2,
    pad_y: 1.4,
    heading: 0.62,
    spacing: 0.35,
};

pub type Rgb = [f32; 3];
const BLACK: Rgb = [0.1, 0.1, 0.1];
const RULE: Rgb = [0.33, 0.33, 0.33];
const HEAD_FILL: Rgb = [0.925, 0.925, 0.925];
const ROW_FILL: Rgb = [0.96, 0.96, 0.96];
const ACTUAL: Rgb = [0.043, 0.361, 0.678];
const TARGET: Rgb = [0.36, 0.36, 0.36];
const GRID: Rgb = [0.87, 0.87, 0.87];
const PLANNED_BAR: Rgb = [0.86, 0.91, 0.97];
const ACTUAL_BAR: Rgb = [0.64, 0.77, 0.92];

/// A drawing operation in PDF coordinates (points, origin bottom left).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// One line of text; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Stroke {
        points: Vec<(f32, f32)>,
        closed: bool,
        width: f32,
        rgb: Rgb,
        dash: bool,
    },
    Fill {
        points: Vec<(f32, f32)>,
        rgb: Rgb,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub ops: Vec<Op>,
}

/// Pages and their size.
pub struct Laid {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// For each [`Block::PageBreak`] in document order, the index of the
    /// page that what follows it starts on (a table of contents asks).
    pub breaks: Vec<usize>,
}

struct Layout {
    font: &'static Font,
    m: Metrics,
    width: f32,
    height: f32,
    pages: Vec<Page>,
    breaks: Vec<usize>,
    /// The top of the next block, in PDF coordinates.
    y: f32,
    /// The heading just laid out, if the last block was one.
    heading: Option<String>,
    /// A short line printed beside the next heading.
    aside: Option<String>,
}

/// Lays a document out on pages.
pub fn layout(doc: &Document) -> Laid {
    let (width, height) = match doc.orientation {
        Orientation::Portrait => A4,
        Orientation::Landscape => (A4.1, A4.0),
    };
    let m = if doc.dense { DENSE } else { NORMAL };
    let mut l = Layout {
        font: font(),
        m,
        width,
        height,
        pages: vec![Page::default()],
        breaks: Vec::new(),
        y: height - m.margin_top,
        heading: None,
        aside: None,
    };
    l.title(&doc.title, doc.subtitle.as_deref());
    let mut blocks = doc.blocks.iter().peekable();
    while let Some(block) = blocks.next() {
        // On a dense page an empty section's line (`（記載はありません）`)
        // sits beside its heading rather than under it.
        if let (true, Block::Heading { .. }, Some(Block::Paragraph(p))) = (doc.dense, block, blocks.peek()) {
            if p.starts_with('（') {
                l.aside = Some(p.clone());
                blocks.next();
            }
        }
        l.block(block);
        l.aside = None;
    }
    Laid { width, height, pages: l.pages, breaks: l.breaks }
}

/// Where a cell's line starts and what it says.
#[derive(Clone, Debug)]
struct CellLine {
    indent: f32,
    text: String,
}

struct LaidCell {
    x: f32,
    w: f32,
    lines: Vec<CellLine>,
    bold: bool,
    fill: Option<Rgb>,
    align: Align,
    bar: Option<Bar>,
}

struct LaidRow {
    cells: Vec<LaidCell>,
    lines: usize,
}

impl Layout {
    fn left(&self) -> f32 {
        self.m.margin_x
    }

    fn content_width(&self) -> f32 {
        self.width - 2.0 * self.m.margin_x
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    fn fresh(&self) -> bool {
        self.y >= self.height - self.m.margin_top - 0.5
    }

    fn space_left(&self) -> f32 {
        self.y - self.m.margin_bottom
    }

    fn full_page(&self) -> f32 {
        self.height - self.m.margin_top - self.m.margin_bottom
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.height - self.m.margin_top;
    }

    /// Starts a new page unless `h` points still fit (or the page is empty).
    fn ensure(&mut self, h: f32) {
        if h > self.space_left() && !self.fresh() {
            self.new_page();
        }
    }

    fn gap(&mut self, h: f32) {
        if !self.fresh() {
            self.y -= h;
        }
    }

    fn measure(&self, size: f32) -> impl Fn(char) -> f32 + '_ {
        move |c| self.font.char_width(c, size)
    }

    /// A line of text whose box starts at the current `y` and is `leading`
    /// high; moves `y` down.
    fn line(&mut self, x: f32, text: &str, size: f32, bold: bool, leading: f32) {
        let baseline = self.y - baseline_offset(size, leading);
        self.page().ops.push(Op::Text { x, y: baseline, size, bold, text: text.to_string() });
        self.y -= size * leading;
    }

    fn lines(&mut self, x: f32, width: f32, text: &str, size: f32, bold: bool, leading: f32) {
        for line in break_lines(text, width, self.measure(size)) {
            self.ensure(size * leading);
            self.line(x, &line, size, bold, leading);
        }
    }

    fn rule(&mut self, y: f32, width: f32) {
        let (x0, x1) = (self.left(), self.left() + self.content_width());
        self.page().ops.push(Op::Stroke {
            points: vec![(x0, y), (x1, y)],
            closed: false,
            width,
            rgb: BLACK,
            dash: false,
        });
    }

    fn title(&mut self, title: &str, subtitle: Option<&str>) {
        let w = self.content_width();
        self.lines(self.left(), w, title, self.m.title, true, 1.4);
        if let Some(s) = subtitle {
            self.lines(self.left(), w, s, self.m.subtitle, false, 1.6);
        }
        self.y -= 8.0 * self.m.spacing;
    }

    fn block(&mut self, block: &Block) {
        let w = self.content_width();
        let x = self.left();
        let heading = self.heading.take();
        match block {
            Block::Heading { level, text } => {
                let (size, before) = match level {
                    1 => (13.5, 14.0),
                    2 => (11.5, 10.0),
                    3 => (10.0, 8.0),
                    _ => (9.5, 6.0),
                };
                let (size, before) = (size * self.m.heading, before * self.m.spacing);
                self.gap(before);
                let lines = break_lines(text, w - 8.0, self.measure(size));
                // Keep the heading with at least three lines of what follows.
                let follows = if self.aside.is_some() { 0.0 } else { 3.0 * self.m.body * self.m.body_leading };
                self.ensure(lines.len() as f32 * size * 1.45 + follows + 6.0);
                let top = self.y;
                let indent = if *level == 2 { 8.0 } else { 0.0 };
                for (i, line) in lines.iter().enumerate() {
                    if let Some(aside) = self.aside.take().filter(|_| i + 1 == lines.len()) {
                        let ax = x + indent + self.font.width(line, size) + 8.0;
                        let y = self.y - baseline_offset(size, 1.45);
                        let body = self.m.body;
                        self.page().ops.push(Op::Text { x: ax, y, size: body, bold: false, text: aside });
                    }
                    self.line(x + indent, line, size, true, 1.45);
                }
                match level {
                    1 => {
                        let y = self.y - 1.5;
                        self.rule(y, 1.2);
                        self.y -= 5.0 * self.m.spacing;
                    }
                    2 => {
                        let bottom = self.y + 2.0;
                        self.page().ops.push(Op::Fill {
                            points: vec![(x, top - 2.0), (x + 3.5, top - 2.0), (x + 3.5, bottom), (x, bottom)],
                            rgb: BLACK,
                        });
                        self.y -= 3.0 * self.m.spacing;
                    }
                    _ => self.y -= 2.0 * self.m.spacing,
                }
                self.heading = Some(text.clone());
            }
            Block::Paragraph(text) => {
                self.lines(x, w, text, self.m.body, false, self.m.body_leading);
                self.y -= 3.0 * self.m.spacing;
            }
            Block::Narrative(n) => {
                for (item, text) in narrative_lines(n) {
                    self.narrative_line(x, w, item, &text, self.m.body, self.m.body_leading);
                    self.y -= 2.5 * self.m.spacing;
                }
                self.y -= 2.0 * self.m.spacing;
            }
            Block::Note(text) => {
                self.lines(x, w, text, self.m.note, false, 1.5);
                self.y -= 3.0 * self.m.spacing;
            }
            Block::Facts(facts) => {
                let t = Table {
                    caption: None,
                    head: Vec::new(),
                    body: facts.iter().map(|(k, v)| vec![Cell::row(k.clone()), Cell::text(v.clone())]).collect(),
                    widths: vec![2.0, 3.0],
                    compact: false,
                };
                self.table(&t);
            }
            Block::Table(t) => {
                // A caption that repeats the heading above is not printed twice.
                if t.caption.is_some() && t.caption == heading {
                    self.table(&Table { caption: None, ..t.clone() });
                } else {
                    self.table(t);
                }
            }
            Block::Chart(chart) => self.chart(chart),
            Block::PageBreak => {
                if !self.fresh() {
                    self.new_page();
                }
                self.breaks.push(self.pages.len() - 1);
            }
        }
    }

    /// A paragraph, or a list item with a hanging indent after its mark.
    fn narrative_line(&mut self, x: f32, w: f32, item: bool, text: &str, size: f32, leading: f32) {
        for l in self.narrative_cell_lines(w, item, text, size) {
            self.ensure(size * leading);
            self.line(x + l.indent, &l.text, size, false, leading);
        }
    }

    fn narrative_cell_lines(&self, w: f32, item: bool, text: &str, size: f32) -> Vec<CellLine> {
        if !item {
            return break_lines(text, w, self.measure(size))
                .into_iter()
                .map(|text| CellLine { indent: 0.0, text })
                .collect();
        }
        let text = if text.starts_with(is_mark) { text.to_string() } else { format!("・{text}") };
        let indent = self.font.char_width('・', size);
        break_lines(&text, w - indent, self.measure(size))
            .into_iter()
            .enumerate()
            .map(|(i, text)| CellLine { indent: if i == 0 { 0.0 } else { indent }, text })
            .collect()
    }

    // ------------------------------------------------------------ tables

    fn column_widths(&self, t: &Table, size: f32) -> Vec<f32> {
        let cols = t.columns().max(1);
        let avail = self.content_width();
        if t.widths.len() == cols {
            let total: f32 = t.widths.iter().sum();
            return t.widths.iter().map(|w| w / total * avail).collect();
        }
        // Natural widths: the longest line of each column, at least two
        // characters, at most half the table.
        let mut natural = vec![2.0 * size + 2.0 * self.m.pad_x; cols];
        for row in t.head.iter().chain(&t.body) {
            let mut c = 0;
            for cell in row {
                if cell.colspan <= 1 && c < cols {
                    let longest = cell.plain().lines().map(|l| self.font.width(l, size)).fold(0.0, f32::max);
                    natural[c] = natural[c].max((longest + 2.0 * self.m.pad_x + 1.0).min(avail / 2.0));
                }
                c += cell.colspan.max(1);
            }
        }
        let total: f32 = natural.iter().sum();
        natural.iter().map(|w| w / total * avail).collect()
    }

    fn lay_row(&self, row: &[Cell], widths: &[f32], size: f32, head: bool) -> LaidRow {
        let mut cells = Vec::new();
        let mut c = 0;
        let mut x = self.left();
        for cell in row {
            let span = cell.colspan.max(1);
            let w: f32 = widths.iter().skip(c).take(span).sum();
            let inner = (w - 2.0 * self.m.pad_x).max(size);
            let lines = match &cell.content {
                Content::Text(text) => break_lines(text, inner, self.measure(size))
                    .into_iter()
                    .map(|text| CellLine { indent: 0.0, text })
                    .collect(),
                Content::Narrative(n) => narrative_lines(n)
                    .iter()
                    .flat_map(|(item, text)| self.narrative_cell_lines(inner, *item, text, size))
                    .collect(),
            };
            let is_header = cell.header.is_some();
            cells.push(LaidCell {
                x,
                w,
                lines,
                bold: is_header,
                fill: match (is_header, head) {
                    (true, true) => Some(HEAD_FILL),
                    (true, false) => Some(ROW_FILL),
                    _ => None,
                },
                align: cell.align,
                bar: cell.bar,
            });
            x += w;
            c += span;
        }
        let lines = cells.iter().map(|c| c.lines.len()).max().unwrap_or(0).max(1);
        LaidRow { cells, lines }
    }

    /// Draws lines `from..to` of a row as a band from the current `y`.
    fn draw_row(&mut self, row: &LaidRow, from: usize, to: usize, size: f32) {
        let lh = size * self.m.table_leading;
        let h = (to - from) as f32 * lh + 2.0 * self.m.pad_y;
        let top = self.y;
        let font = self.font;
        let page = self.pages.last_mut().expect("a page");
        for cell in &row.cells {
            let rect = vec![(cell.x, top), (cell.x + cell.w, top), (cell.x + cell.w, top - h), (cell.x, top - h)];
            if let Some(rgb) = cell.fill {
                page.ops.push(Op::Fill { points: rect.clone(), rgb });
            }
            page.ops.push(Op::Stroke { points: rect, closed: true, width: 0.5, rgb: RULE, dash: false });
            // A schedule's bar, inset in its cell: planned light with an
            // outline, actual darker.
            if let Some(bar) = cell.bar {
                let (x0, x1, y0, y1) = (cell.x + 1.2, cell.x + cell.w - 1.2, top - 1.4, top - h + 1.4);
                let bar_rect = vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
                let (fill, edge) = match bar {
                    Bar::Planned => (PLANNED_BAR, ACTUAL),
                    Bar::Actual => (ACTUAL_BAR, ACTUAL),
                };
                page.ops.push(Op::Fill { points: bar_rect.clone(), rgb: fill });
                page.ops.push(Op::Stroke {
                    points: bar_rect,
                    closed: true,
                    width: 0.6,
                    rgb: edge,
                    dash: bar == Bar::Planned,
                });
            }
        }
        for cell in &row.cells {
            for (i, line) in cell.lines.iter().enumerate().take(to).skip(from) {
                let line_top = top - self.m.pad_y - (i - from) as f32 * lh;
                let width = font.width(&line.text, size);
                let x = match cell.align {
                    Align::Start => cell.x + self.m.pad_x + line.indent,
                    Align::End => cell.x + cell.w - self.m.pad_x - width,
                    Align::Center => cell.x + (cell.w - width) / 2.0,
                };
                page.ops.push(Op::Text {
                    x,
                    y: line_top - baseline_offset(size, self.m.table_leading),
                    size,
                    bold: cell.bold,
                    text: line.text.clone(),
                });
            }
        }
        self.y -= h;
    }

    fn row_height(&self, row: &LaidRow, size: f32) -> f32 {
        row.lines as f32 * size * self.m.table_leading + 2.0 * self.m.pad_y
    }

    fn table(&mut self, t: &Table) {
        let size = if t.compact { self.m.table_compact } else { self.m.table };
        let lh = size * self.m.table_leading;
        let widths = self.column_widths(t, size);
        let head: Vec<LaidRow> = t.head.iter().map(|r| self.lay_row(r, &widths, size, true)).collect();
        let body: Vec<LaidRow> = t.body.iter().map(|r| self.lay_row(r, &widths, size, false)).collect();
        let head_h: f32 = head.iter().map(|r| self.row_height(r, size)).sum();
        let caption: Vec<String> = t
            .caption
            .as_deref()
            .map(|c| break_lines(c, self.content_width(), self.measure(self.m.table + 0.5)))
            .unwrap_or_default();
        let caption_h = caption.len() as f32 * (self.m.table + 0.5) * 1.5;
        // Caption and header stay with the first row: all of it when it fits
        // on a page, else its first lines.
        let first = body.first().map_or(0.0, |r| {
            let h = self.row_height(r, size);
            if caption_h + head_h + h <= self.full_page() {
                h
            } else {
                3.0 * lh + 2.0 * self.m.pad_y
            }
        });
        self.gap(3.0 * self.m.spacing);
        self.ensure(caption_h + head_h + first);
        for line in &caption {
            self.line(self.left(), line, self.m.table + 0.5, true, 1.5);
        }
        let draw_head = |l: &mut Layout| {
            for r in &head {
                l.draw_row(r, 0, r.lines, size);
            }
        };
        draw_head(self);
        for row in &body {
            let h = self.row_height(row, size);
            if h > self.space_left() {
                if h <= self.full_page() - head_h {
                    self.new_page();
                    draw_head(self);
                } else {
                    // Taller than a page: the row continues on the next one.
                    let mut from = 0;
                    loop {
                        let fit = ((self.space_left() - 2.0 * self.m.pad_y) / lh).floor().max(0.0) as usize;
                        if fit == 0 {
                            self.new_page();
                            draw_head(self);
                            continue;
                        }
                        let to = (from + fit).min(row.lines);
                        self.draw_row(row, from, to, size);
                        from = to;
                        if from >= row.lines {
                            break;
                        }
                        self.new_page();
                        draw_head(self);
                    }
                    continue;
                }
            }
            self.draw_row(row, 0, row.lines, size);
        }
        self.y -= 8.0 * self.m.spacing;
    }

    // ------------------------------------------------------------ charts

    fn chart(&mut self, chart: &TrendChart) {
        let plot = chart.plot();
        let mut years: Vec<_> = chart.years.iter().map(|(fy, _)| *fy).collect();
        years.sort();
        years.dedup();
        let size = 7.5;
        let plot_h = 130.0;
        let legend_h = 14.0;
        let axis_h = 16.0;
        let notes: Vec<String> = plot
            .notes
            .iter()
            .map(|n| format!("{} {}「{}」（{}）", n.fiscal_year.label(), n.series.label(), n.printed, n.reason))
            .collect();
        let note_h = if notes.is_empty() { 0.0 } else { (notes.len() + 1) as f32 * size * 1.5 };
        let empty_h = if plot.points.is_empty() { size * 1.5 } else { 0.0 };
        let title = format!("図: {}の推移（目標と実績）", chart.name);
        let total = 9.0 * 1.5 + legend_h + plot_h + axis_h + note_h + empty_h + 8.0;
        self.gap(4.0);
        self.ensure(total);
        let x0 = self.left() + 46.0;
        let x1 = self.left() + self.content_width().min(440.0);
        self.line(self.left(), &title, 9.0, true, 1.5);

        // Legend and unit.
        let unit = format!("単位: {}", plot.unit.as_deref().unwrap_or("なし（数値のみ）"));
        let ly = self.y - legend_h / 2.0;
        let mut lx = self.left();
        let page_ops = &mut self.pages.last_mut().expect("a page").ops;
        page_ops.push(Op::Text { x: lx, y: ly - size * 0.35, size, bold: false, text: unit.clone() });
        lx += self.font.width(&unit, size) + 14.0;
        for s in [Series::Actual, Series::Target, Series::Baseline] {
            if s == Series::Baseline && !plot.points.iter().any(|p| p.series == s) {
                continue;
            }
            if s != Series::Baseline {
                page_ops.push(series_line(s, vec![(lx, ly), (lx + 18.0, ly)]));
            }
            page_ops.extend(marker(s, lx + 9.0, ly));
            page_ops.push(Op::Text { x: lx + 22.0, y: ly - size * 0.35, size, bold: false, text: s.label().into() });
            lx += 22.0 + self.font.width(s.label(), size) + 14.0;
        }
        self.y -= legend_h;

        // Axes.
        let (top, bottom) = (self.y - 4.0, self.y - plot_h);
        let values: Vec<f64> = plot.points.iter().map(|p| p.value).collect();
        let scale = Scale::covering(&values);
        let y_of = |v: f64| bottom + ((v - scale.lo) / (scale.hi - scale.lo)) as f32 * (top - bottom);
        let (first, last) = (years.first().map_or(0, |y| y.year()), years.last().map_or(0, |y| y.year()));
        let inset = 20.0;
        let x_of = |year: i32| {
            if first == last {
                (x0 + x1) / 2.0
            } else {
                x0 + inset + (year - first) as f32 / (last - first) as f32 * (x1 - x0 - 2.0 * inset)
            }
        };
        let font = self.font;
        let ops = &mut self.pages.last_mut().expect("a page").ops;
        for t in &scale.ticks {
            let y = y_of(*t);
            ops.push(Op::Stroke { points: vec![(x0, y), (x1, y)], closed: false, width: 0.4, rgb: GRID, dash: false });
            let label = scale.label(*t);
            let w = font.width(&label, size);
            ops.push(Op::Text { x: x0 - 4.0 - w, y: y - size * 0.35, size, bold: false, text: label });
        }
        ops.push(Op::Stroke {
            points: vec![(x0, top), (x0, bottom), (x1, bottom)],
            closed: false,
            width: 0.6,
            rgb: RULE,
            dash: false,
        });
        for fy in &years {
            let x = x_of(fy.year());
            ops.push(Op::Stroke {
                points: vec![(x, bottom), (x, bottom - 3.0)],
                closed: false,
                width: 0.6,
                rgb: RULE,
                dash: false,
            });
            let label = fy.short_label();
            let w = font.width(&label, size);
            ops.push(Op::Text { x: x - w / 2.0, y: bottom - 3.0 - size * 1.2, size, bold: false, text: label });
        }
        // Series: lines break where a year has no value.
        for s in [Series::Baseline, Series::Target, Series::Actual] {
            let points: Vec<&PlotPoint> = plot.points.iter().filter(|p| p.series == s).collect();
            if s != Series::Baseline {
                let mut run: Vec<(f32, f32)> = Vec::new();
                for fy in &years {
                    match points.iter().find(|p| p.fiscal_year == *fy) {
                        Some(p) => run.push((x_of(fy.year()), y_of(p.value))),
                        // A year without a value of its own breaks the line.
                        None => {
                            if run.len() > 1 {
                                ops.push(series_line(s, std::mem::take(&mut run)));
                            }
                            run.clear();
                        }
                    }
                }
                if run.len() > 1 {
                    ops.push(series_line(s, run));
                }
            }
            for p in points {
                ops.extend(marker(s, x_of(p.fiscal_year.year()), y_of(p.value)));
            }
        }
        self.y = bottom - axis_h;
        if plot.points.is_empty() {
            self.line(self.left(), "グラフにできる数値の記載がありません。", size, false, 1.5);
        }
        if !notes.is_empty() {
            self.line(self.left(), "グラフに含めていない記載:", size, false, 1.5);
            for n in &notes {
                let w = self.content_width() - 10.0;
                for l in break_lines(n, w, self.measure(size)) {
                    self.line(self.left() + 10.0, &l, size, false, 1.5);
                }
            }
        }
        self.y -= 8.0;
    }
}

/// From the top of a line box to the baseline.
fn baseline_offset(size: f32, leading: f32) -> f32 {
    (size * leading) / 2.0 + size * 0.36
}

fn series_line(s: Series, points: Vec<(f32, f32)>) -> Op {
    match s {
        Series::Actual => Op::Stroke { points, closed: false, width: 1.4, rgb: ACTUAL, dash: false },
        _ => Op::Stroke { points, closed: false, width: 1.0, rgb: TARGET, dash: true },
    }
}

/// Markers told apart by shape, not only colour: ● actual, ■ target,
/// ◆ baseline.
fn marker(s: Series, x: f32, y: f32) -> Vec<Op> {
    let r = 2.6;
    match s {
        Series::Actual => {
            let points: Vec<(f32, f32)> = (0..16)
                .map(|i| {
                    let a = i as f32 / 16.0 * std::f32::consts::TAU;
                    (x + r * a.cos(), y + r * a.sin())
                })
                .collect();
            vec![Op::Fill { points, rgb: ACTUAL }]
        }
        Series::Target => {
            let points = vec![(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)];
            vec![
                Op::Fill { points: points.clone(), rgb: [1.0, 1.0, 1.0] },
                Op::Stroke { points, closed: true, width: 1.0, rgb: TARGET, dash: false },
            ]
        }
        Series::Baseline => {
            let r = r + 0.6;
            vec![Op::Fill { points: vec![(x, y + r), (x + r, y), (x, y - r), (x - r, y)], rgb: BLACK }]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Table;

    fn texts(laid: &Laid) -> Vec<String> {
        laid.pages
            .iter()
            .flat_map(|p| &p.ops)
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn long_tables_repeat_their_header_on_every_page() {
        let mut doc = Document::new("表");
        let mut t = Table { caption: Some("一覧".into()), ..Table::default() };
        t.head.push(vec![Cell::col("番号"), Cell::col("名称")]);
        for i in 0..120 {
            t.body.push(vec![Cell::row(format!("No.{i}")), Cell::text("行の内容")]);
        }
        doc.push(Block::Table(t));
        let laid = layout(&doc);
        assert!(laid.pages.len() >= 3, "{} pages", laid.pages.len());
        for page in &laid.pages {
            let n = page.ops.iter().filter(|op| matches!(op, Op::Text { text, .. } if text == "番号")).count();
            assert_eq!(n, 1);
        }
        let t = texts(&laid);
        let rows: Vec<&String> = t.iter().filter(|s| s.starts_with("No.")).collect();
        assert_eq!(rows.len(), 120, "every row once, in order");
        assert_eq!(rows[119], "No.119");
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next() {
        let mut doc = Document::new("長い記述");
        let mut t = Table::default();
        let text = "あ".repeat(6000);
        t.body.push(vec![Cell::row("記述"), Cell::text(text.clone())]);
        doc.push(Block::Table(t));
        let laid = layout(&doc);
        assert!(laid.pages.len() >= 2);
        let joined: String = texts(&laid).into_iter().filter(|s| s.starts_with('あ')).collect();
        assert_eq!(joined, text, "nothing lost or repeated across the break");
        for p in &laid.pages {
            for op in &p.ops {
                if let Op::Text { y, .. } = op {
                    assert!(*y > NORMAL.margin_bottom - 10.0, "text below the margin");
                }
            }
        }
    }

    #[test]
    fn scale_labels() {
        let s = Scale::covering(&[34677.0, 400000.0]);
        assert_eq!(s.label(400000.0), "400,000");
        assert!(s.lo <= 0.0 + f64::EPSILON);
        let s = Scale::covering(&[1.11, 1.43]);
        assert!(s.ticks.iter().all(|t| *t >= 0.0));
    }
}
