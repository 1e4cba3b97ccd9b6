//! An indicator's trend as an SVG line chart: targets and actuals per fiscal
//! year.
//!
//! The output is a self-contained `<svg>` string that can be inlined in a
//! page under a strict CSP: presentation attributes only (no `style`, no
//! scripts), `role="img"` with a Japanese `<title>` and `<desc>`, and every
//! text escaped. It is deterministic (same input, same bytes) so it can be
//! snapshot-tested. A chart never invents a value: a blank or a dash is a gap
//! in the line, not a zero, and a cell that is not a plain number (a bound, a
//! milestone, `維持`) is listed as a note under the plot instead of a point.

use std::fmt::Write as _;

use crate::cell::{CellMeaning, IndicatorCell, Placeholder};
use crate::wareki::FiscalYear;

/// The printed cells of one fiscal year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearCells {
    pub baseline: Option<IndicatorCell>,
    pub target: Option<IndicatorCell>,
    pub actual: Option<IndicatorCell>,
}

/// What to draw: an indicator's name, its unit, and its cells per year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrendChart {
    /// Prefix for the element ids (`{id}-title`, `{id}-desc`); must be
    /// unique in the page. Characters other than ASCII letters, digits, `-`
    /// and `_` are dropped.
    pub id: String,
    pub name: String,
    /// The indicator's declared unit, used when the cells print none.
    pub unit: Option<String>,
    pub years: Vec<(FiscalYear, YearCells)>,
}

/// The series a point belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Series {
    Baseline,
    Target,
    Actual,
}

impl Series {
    pub fn label(self) -> &'static str {
        match self {
            Series::Baseline => "基準値",
            Series::Target => "目標",
            Series::Actual => "実績",
        }
    }

    fn cell(self, cells: &YearCells) -> Option<&IndicatorCell> {
        match self {
            Series::Baseline => cells.baseline.as_ref(),
            Series::Target => cells.target.as_ref(),
            Series::Actual => cells.actual.as_ref(),
        }
    }
}

/// A value the chart places on the plot.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotPoint {
    pub series: Series,
    pub fiscal_year: FiscalYear,
    pub value: f64,
    pub printed: String,
}

/// A printed cell the chart does not place, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlotNote {
    pub series: Series,
    pub fiscal_year: FiscalYear,
    pub printed: String,
    pub reason: &'static str,
}

/// What the chart will show, before any geometry: testable on its own.
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    /// The unit of the value axis (`人`, `%`, `回/年`), when known.
    pub unit: Option<String>,
    pub points: Vec<PlotPoint>,
    pub notes: Vec<PlotNote>,
    /// Years in which a series has no value at all (blank, dash, missing):
    /// gaps, never zeros.
    pub gaps: Vec<(Series, FiscalYear)>,
}

const WIDTH: f64 = 640.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 56.0;
const PLOT_HEIGHT: f64 = 240.0;
/// Space inside the plot so the first and last markers clear the axes.
const INSET: f64 = 28.0;
const NOTE_LINE: f64 = 18.0;
/// Printed text longer than this is shortened in notes; the data table
/// beside the chart has it in full.
const NOTE_TEXT_CHARS: usize = 24;

const COLOUR_ACTUAL: &str = "#0b5cad";
const COLOUR_TARGET: &str = "#5c5c5c";
const COLOUR_BASELINE: &str = "#1a1a1a";
const COLOUR_AXIS: &str = "#555555";
const COLOUR_GRID: &str = "#dddddd";

impl TrendChart {
    pub fn new(id: &str, name: &str, unit: Option<&str>) -> Self {
        TrendChart { id: id.into(), name: name.into(), unit: unit.map(Into::into), years: Vec::new() }
    }

    /// Adds a year's cells; years may come in any order.
    pub fn year(mut self, fiscal_year: FiscalYear, cells: YearCells) -> Self {
        self.years.push((fiscal_year, cells));
        self
    }

    fn sorted_years(&self) -> Vec<(FiscalYear, &YearCells)> {
        let mut years: Vec<(FiscalYear, &YearCells)> = self.years.iter().map(|(fy, c)| (*fy, c)).collect();
        years.sort_by_key(|(fy, _)| *fy);
        years.dedup_by_key(|(fy, _)| *fy);
        years
    }

    /// Decides which cells become points, which become notes, and where
    /// the gaps are.
    pub fn plot(&self) -> Plot {
        let years = self.sorted_years();
        // The axis unit: the unit most cells print, else the declared one.
        // Cells in another unit cannot share the axis.
        let mut units: Vec<(String, usize)> = Vec::new();
        for (_, cells) in &years {
            for s in [Series::Baseline, Series::Target, Series::Actual] {
                if let Some(Some((_, u))) = s.cell(cells).map(number_of) {
                    if !u.is_empty() {
                        match units.iter_mut().find(|(x, _)| *x == u) {
                            Some((_, n)) => *n += 1,
                            None => units.push((u, 1)),
                        }
                    }
                }
            }
        }
        let mut axis_unit: Option<String> = None;
        let mut best = 0;
        for (u, n) in &units {
            if *n > best {
                best = *n;
                axis_unit = Some(u.clone());
            }
        }
        let declared = self.unit.as_deref().map(crate::text::normalise).filter(|u| !u.is_empty());
        let unit = axis_unit.clone().or(declared);

        let mut plot = Plot { unit, points: Vec::new(), notes: Vec::new(), gaps: Vec::new() };
        for (fy, cells) in &years {
            for s in [Series::Baseline, Series::Target, Series::Actual] {
                let Some(cell) = s.cell(cells) else {
                    if s != Series::Baseline {
                        plot.gaps.push((s, *fy));
                    }
                    continue;
                };
                let printed = crate::text::normalise(cell.printed());
                match number_of(cell) {
                    Some((value, u)) => {
                        if !u.is_empty() && axis_unit.as_deref().is_some_and(|a| a != u) {
                            plot.notes
                                .push(PlotNote { series: s, fiscal_year: *fy, printed, reason: "単位が異なる" });
                        } else {
                            plot.points.push(PlotPoint { series: s, fiscal_year: *fy, value, printed });
                        }
                    }
                    None => match non_number_reason(cell.meaning()) {
                        Some(reason) => plot.notes.push(PlotNote { series: s, fiscal_year: *fy, printed, reason }),
                        None => {
                            if s != Series::Baseline {
                                plot.gaps.push((s, *fy));
                            }
                        }
                    },
                }
            }
        }
        plot
    }

    /// The chart as an SVG document.
    pub fn to_svg(&self) -> String {
        let plot = self.plot();
        let years: Vec<FiscalYear> = self.sorted_years().into_iter().map(|(fy, _)| fy).collect();
        let id: String = self.id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        let id = if id.is_empty() { "chart".to_string() } else { id };
        let note_lines = if plot.notes.is_empty() { 0 } else { plot.notes.len() + 1 };
        let empty = plot.points.is_empty();
        let height = TOP + PLOT_HEIGHT + 52.0 + NOTE_LINE * note_lines as f64 + if empty { NOTE_LINE } else { 0.0 };
        let (x0, x1) = (LEFT, WIDTH - RIGHT);
        let (y0, y1) = (TOP, TOP + PLOT_HEIGHT);

        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" \
             font-family=\"sans-serif\" font-size=\"12\">",
            w = fmt(WIDTH),
            h = fmt(height),
        );
        let _ = write!(out, "<title id=\"{id}-title\">{}の推移（目標と実績）</title>", escape(&self.name));
        let _ = write!(out, "<desc id=\"{id}-desc\">{}</desc>", escape(&self.description(&plot, &years)));

        // The value axis: nice round ticks covering every plotted value.
        let values: Vec<f64> = plot.points.iter().map(|p| p.value).collect();
        let scale = Scale::covering(&values);
        let y_of = |v: f64| y1 - (v - scale.lo) / (scale.hi - scale.lo) * PLOT_HEIGHT;
        // The time axis is proportional: H22, H26, H30 are four years apart.
        let (first, last) = match (years.first(), years.last()) {
            (Some(f), Some(l)) => (f.year(), l.year()),
            _ => (0, 0),
        };
        let x_of = |fy: FiscalYear| {
            if last == first {
                (x0 + x1) / 2.0
            } else {
                x0 + INSET + (fy.year() - first) as f64 / (last - first) as f64 * (x1 - x0 - 2.0 * INSET)
            }
        };

        // Legend and unit above the plot.
        out.push_str("<g class=\"legend\">");
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"20\" fill=\"#1a1a1a\">単位: {}</text>",
            fmt(x0),
            escape(plot.unit.as_deref().unwrap_or("なし（数値のみ）"))
        );
        let mut lx = x0;
        for s in [Series::Actual, Series::Target, Series::Baseline] {
            if s == Series::Baseline && !plot.points.iter().any(|p| p.series == s) {
                continue;
            }
            let ly = 40.0;
            if s != Series::Baseline {
                let _ = write!(
                    out,
                    "<line x1=\"{}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" {}/>",
                    fmt(lx),
                    fmt(lx + 28.0),
                    line_attrs(s)
                );
            }
            out.push_str(&marker(s, lx + 14.0, ly, None));
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">{}</text>",
                fmt(lx + 34.0),
                fmt(ly + 4.0),
                s.label()
            );
            lx += 100.0;
        }
        out.push_str("</g>");

        // Grid and value ticks.
        out.push_str("<g class=\"axis-y\">");
        for t in &scale.ticks {
            let y = y_of(*t);
            let _ = write!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{COLOUR_GRID}\" stroke-width=\"1\"/>",
                fmt(x0),
                fmt(x1),
                y = fmt(y)
            );
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1a1a1a\">{}</text>",
                fmt(x0 - 8.0),
                fmt(y + 4.0),
                escape(&scale.label(*t))
            );
        }
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{COLOUR_AXIS}\" stroke-width=\"1\"/>",
            fmt(y0),
            fmt(y1),
            x = fmt(x0)
        );
        out.push_str("</g>");

        // Fiscal years along the bottom.
        out.push_str("<g class=\"axis-x\">");
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{COLOUR_AXIS}\" stroke-width=\"1\"/>",
            fmt(x0),
            fmt(x1),
            y = fmt(y1)
        );
        for fy in &years {
            let x = x_of(*fy);
            let _ = write!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{COLOUR_AXIS}\" stroke-width=\"1\"/>",
                fmt(y1),
                fmt(y1 + 5.0),
                x = fmt(x)
            );
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}<title>{}</title></text>",
                fmt(x),
                fmt(y1 + 20.0),
                escape(&fy.short_label()),
                escape(&fy.label())
            );
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1a1a1a\">年度</text>",
            fmt((x0 + x1) / 2.0),
            fmt(y1 + 40.0)
        );
        out.push_str("</g>");

        // Lines break at every year without a value of their own.
        // Actuals last, on top: a baseline equal to an actual (the same
        // survey printed twice) must not hide it.
        for s in [Series::Baseline, Series::Target, Series::Actual] {
            if s == Series::Baseline && !plot.points.iter().any(|p| p.series == s) {
                continue;
            }
            let _ = write!(out, "<g class=\"series {}\">", series_class(s));
            if s != Series::Baseline {
                for run in runs(&plot, &years, s) {
                    if run.len() > 1 {
                        let pts: Vec<String> = run
                            .iter()
                            .map(|p| format!("{},{}", fmt(x_of(p.fiscal_year)), fmt(y_of(p.value))))
                            .collect();
                        let _ = write!(out, "<polyline points=\"{}\" fill=\"none\" {}/>", pts.join(" "), line_attrs(s));
                    }
                }
            }
            for p in plot.points.iter().filter(|p| p.series == s) {
                let tip = format!("{} {} {}", p.fiscal_year.label(), s.label(), p.printed);
                out.push_str(&marker(s, x_of(p.fiscal_year), y_of(p.value), Some(&tip)));
            }
            out.push_str("</g>");
        }

        // What is printed but not a point.
        let mut y = y1 + 64.0;
        if empty {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">グラフにできる数値の記載がありません。</text>",
                fmt(x0 - 64.0),
                fmt(y)
            );
            y += NOTE_LINE;
        }
        if !plot.notes.is_empty() {
            out.push_str("<g class=\"notes\">");
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">グラフに含めていない記載:</text>",
                fmt(x0 - 64.0),
                fmt(y)
            );
            for n in &plot.notes {
                y += NOTE_LINE;
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">{} {}「{}」（{}）</text>",
                    fmt(x0 - 52.0),
                    fmt(y),
                    escape(&n.fiscal_year.label()),
                    n.series.label(),
                    escape(&shorten(&n.printed)),
                    n.reason
                );
            }
            out.push_str("</g>");
        }
        out.push_str("</svg>");
        out
    }

    /// The chart in words, for people who cannot see it.
    fn description(&self, plot: &Plot, years: &[FiscalYear]) -> String {
        let mut d = format!("「{}」の目標と実績を年度ごとに示す折れ線グラフです。", self.name);
        if let Some(u) = &plot.unit {
            let _ = write!(d, "単位は{u}です。");
        }
        for fy in years {
            let mut parts = Vec::new();
            for s in [Series::Baseline, Series::Target, Series::Actual] {
                let cells = self.years.iter().find(|(y, _)| y == fy).map(|(_, c)| c);
                match cells.and_then(|c| s.cell(c)) {
                    Some(c) if !c.is_empty_value() => {
                        parts.push(format!("{} {}", s.label(), crate::text::normalise(c.printed())))
                    }
                    Some(_) if s != Series::Baseline => parts.push(format!("{}は記載なし", s.label())),
                    _ => {}
                }
            }
            if !parts.is_empty() {
                let _ = write!(d, "{}: {}。", fy.label(), parts.join("、"));
            }
        }
        if !plot.notes.is_empty() {
            d.push_str("数値でない記載は点を打たず、グラフの下に注記しています。");
        }
        d
    }
}

/// The plotted number of a cell and its unit (with `/per`), or `None` when
/// the cell is not a single number.
fn number_of(cell: &IndicatorCell) -> Option<(f64, String)> {
    match cell.meaning() {
        CellMeaning::Quantity(q) => Some((q.value.to_f64(), unit_text(&q.unit, q.per.as_deref()))),
        // `4,372人 (198人)`: the main value; `8施設 98事業者` has two and
        // cannot be one point.
        CellMeaning::Composite { parts } => {
            let main: Vec<_> = parts.iter().filter(|p| !p.bracketed).collect();
            match main.as_slice() {
                [only] => match &only.meaning {
                    CellMeaning::Quantity(q) => Some((q.value.to_f64(), unit_text(&q.unit, q.per.as_deref()))),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

fn unit_text(unit: &str, per: Option<&str>) -> String {
    match per {
        Some(p) => format!("{unit}/{p}"),
        None => unit.to_string(),
    }
}

/// Why a printed cell is not a point; `None` for "no value" (a gap).
fn non_number_reason(m: &CellMeaning) -> Option<&'static str> {
    match m {
        CellMeaning::Blank | CellMeaning::Placeholder(Placeholder::Dash | Placeholder::SameAsLeft) => None,
        CellMeaning::Placeholder(Placeholder::Remark { .. }) => Some("注記"),
        CellMeaning::Bound(_) => Some("範囲の目標"),
        CellMeaning::Maintain => Some("維持"),
        CellMeaning::Milestone { .. } => Some("文字による記載"),
        CellMeaning::Composite { .. } => Some("複数の値"),
        CellMeaning::Unparsed => Some("読み取れない表記"),
        CellMeaning::Quantity(_) => None,
    }
}

/// Consecutive plotted points of a series; a year of the chart where the
/// series has no point ends a run.
fn runs<'a>(plot: &'a Plot, years: &[FiscalYear], s: Series) -> Vec<Vec<&'a PlotPoint>> {
    let mut out: Vec<Vec<&PlotPoint>> = vec![Vec::new()];
    for fy in years {
        match plot.points.iter().find(|p| p.series == s && p.fiscal_year == *fy) {
            Some(p) => out.last_mut().expect("never empty").push(p),
            None => {
                if !out.last().expect("never empty").is_empty() {
                    out.push(Vec::new());
                }
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

fn series_class(s: Series) -> &'static str {
    match s {
        Series::Baseline => "baseline",
        Series::Target => "target",
        Series::Actual => "actual",
    }
}

/// Target and actual differ by dash and marker shape, not colour alone.
fn line_attrs(s: Series) -> String {
    match s {
        Series::Target => format!("stroke=\"{COLOUR_TARGET}\" stroke-width=\"2\" stroke-dasharray=\"6 4\""),
        Series::Actual => format!("stroke=\"{COLOUR_ACTUAL}\" stroke-width=\"2.5\""),
        Series::Baseline => format!("stroke=\"{COLOUR_BASELINE}\" stroke-width=\"1.5\""),
    }
}

/// A circle for actuals, a square for targets, a diamond for baselines.
fn marker(s: Series, x: f64, y: f64, tip: Option<&str>) -> String {
    let tip = tip.map(|t| format!("<title>{}</title>", escape(t))).unwrap_or_default();
    match s {
        Series::Actual => format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{COLOUR_ACTUAL}\" stroke=\"#ffffff\" stroke-width=\"1\">{tip}</circle>",
            fmt(x),
            fmt(y)
        ),
        Series::Target => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"9\" height=\"9\" fill=\"#ffffff\" stroke=\"{COLOUR_TARGET}\" stroke-width=\"2\">{tip}</rect>",
            fmt(x - 4.5),
            fmt(y - 4.5)
        ),
        Series::Baseline => format!(
            "<polygon points=\"{},{} {},{} {},{} {},{}\" fill=\"{COLOUR_BASELINE}\">{tip}</polygon>",
            fmt(x),
            fmt(y - 6.0),
            fmt(x + 6.0),
            fmt(y),
            fmt(x),
            fmt(y + 6.0),
            fmt(x - 6.0),
            fmt(y)
        ),
    }
}

/// A value axis with round ticks, shared by every chart writer (SVG here,
/// PDF in hyoka-report) so that all charts of an indicator agree.
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub decimals: usize,
}

impl Scale {
    pub fn covering(values: &[f64]) -> Scale {
        let (mut min, mut max) =
            values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        if !min.is_finite() || !max.is_finite() {
            (min, max) = (0.0, 1.0);
        }
        // Zero is shown when it does not squash the data into a band.
        if min > 0.0 && min <= max / 2.0 {
            min = 0.0;
        }
        if (max - min).abs() < f64::EPSILON {
            let pad = if min == 0.0 { 1.0 } else { min.abs() / 10.0 };
            (min, max) = (min - pad, max + pad);
            if values.iter().all(|v| *v >= 0.0) && min < 0.0 {
                min = 0.0;
            }
        }
        let raw = (max - min) / 5.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = magnitude
            * match raw / magnitude {
                n if n <= 1.0 => 1.0,
                n if n <= 2.0 => 2.0,
                n if n <= 5.0 => 5.0,
                _ => 10.0,
            };
        let lo = (min / step).floor() * step;
        let mut hi = (max / step).ceil() * step;
        if hi - lo < step / 2.0 {
            hi = lo + step;
        }
        let count = ((hi - lo) / step).round() as usize;
        let ticks = (0..=count).map(|i| lo + step * i as f64).collect();
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        Scale { lo, hi, ticks, decimals }
    }

    /// `12,000`, `0.5`: grouped, with as many decimals as the step needs.
    pub fn label(&self, v: f64) -> String {
        let text = format!("{:.*}", self.decimals, v + 0.0);
        let text = if text.trim_start_matches(['-', '0', '.']).is_empty() { text.replace('-', "") } else { text };
        let (sign, rest) = text.strip_prefix('-').map_or(("", text.as_str()), |r| ("-", r));
        let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        match frac {
            Some(f) => format!("{sign}{grouped}.{f}"),
            None => format!("{sign}{grouped}"),
        }
    }
}

/// Coordinates with one decimal: enough for the screen, stable as text.
fn fmt(v: f64) -> String {
    let s = format!("{:.1}", v + 0.0);
    match s.strip_suffix(".0") {
        Some(int) if int != "-0" => int.to_string(),
        Some(_) => "0".to_string(),
        None => s,
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > NOTE_TEXT_CHARS {
        let cut: String = s.chars().take(NOTE_TEXT_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

/// Escapes text for SVG content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0 text.
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_ticks_are_round() {
        let s = Scale::covering(&[1279.0, 1285.0]);
        assert!(s.ticks.iter().all(|t| (t / 1.0).fract() == 0.0), "{:?}", s.ticks);
        assert!(s.lo <= 1279.0 && s.hi >= 1285.0);
        assert_eq!(Scale::covering(&[0.0, 400000.0]).label(400000.0), "400,000");
        let small = Scale::covering(&[0.2, 0.9]);
        assert_eq!(small.label(0.5), "0.5");
        assert_eq!(small.lo, 0.0);
    }

    #[test]
    fn single_value_gets_a_range() {
        let s = Scale::covering(&[1.0]);
        assert!(s.lo <= 1.0 && s.hi > 1.0);
        let z = Scale::covering(&[0.0]);
        assert!(z.lo <= 0.0 && z.hi > 0.0);
    }

    #[test]
    fn coordinates_are_stable_text() {
        assert_eq!(fmt(12.0), "12");
        assert_eq!(fmt(12.26), "12.3");
        assert_eq!(fmt(-0.0), "0");
        assert_eq!(fmt(-0.04), "0");
    }
}
