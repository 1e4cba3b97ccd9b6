//! The print view of one sheet (an item × a fiscal year) in its city's
//! layout: narratives, the indicator table, the budget with its execution
//! rate, the monthly schedule (4月…3月), staff hours, the grades of each
//! stage with the city's scale legend, and next year's direction.
//!
//! The layout is the city's [`SheetLayout`] (`hyoka_core::layout`): its
//! preset (三鷹市 個別事業評価表, 三島市 行政評価表, 小平市 進捗状況調査票,
//! 東村山市 目標管理シート; the city's choice, else the preset for its code)
//! gives the sections in their order with the city's own headings, and the
//! identification block at the top follows the seed document of the
//! preset. Narratives the layout has no slot for are printed last under
//! その他の記載, so nothing stored is hidden.
//!
//! Outputs: HTML (A4 print), PDF (the same document) and XLSX (one sheet
//! per part: 概要 with labelled rows, 記述, 指標, 予算, スケジュール, 評価,
//! 方向性; no merged cells).

use std::collections::BTreeSet;

use hyoka_core::layout::{ChildRows, RowField, SectionKind, SheetLayout};
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow, FISCAL_MONTHS};
use hyoka_core::{
    BudgetFigures, EvaluationScale, FiscalYear, Hours, IndicatorKind, Number, RelatedNode, ValueRole, Yen,
};
use hyoka_store::{IndicatorRecord, IndicatorValue, ItemRecord, JudgementRecord, Store};

use crate::doc::{Align, Bar, Block, Cell, Document, Orientation, Table};
use crate::xlsx::{Sheet, XCell};
use crate::ReportError;

/// Everything one sheet shows.
#[derive(Clone, Debug)]
pub struct SheetView {
    pub municipality_code: String,
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    pub layout: SheetLayout,
    pub item: ItemRecord,
    /// (department, section).
    pub sections: Vec<(String, String)>,
    /// Where the item is placed: the path of (level name, code, title) from
    /// the plan's top, with the plan's name and the re-listing flag.
    pub placements: Vec<Placed>,
    /// Narratives of the year (and undated ones).
    pub narratives: Vec<NarrativeRow>,
    /// Narratives of the year of the entry the item is placed under (the
    /// node's own item: 三島市's 施策の方向 holds the PDCA of its projects),
    /// with that entry's code and title; shown for slots the item leaves
    /// empty.
    pub inherited: Vec<(String, NarrativeRow)>,
    pub indicators: Vec<SheetIndicator>,
    /// The rows of the layout's child sections (三島市's 施策の方向 and
    /// 業務計画, 東村山市's 課の目標), in plan order.
    pub children: Vec<SheetChild>,
    pub budgets: Vec<BudgetRow>,
    pub schedule: Vec<ScheduleRow>,
    /// The 工程表 rows of the year (小平市).
    pub roadmap: Vec<hyoka_core::roadmap::RoadmapRow>,
    pub grades: Vec<GradeLine>,
    pub next_direction: Option<NextDirectionRow>,
    /// The city's scales, for legends.
    pub scales: Vec<EvaluationScale>,
}

#[derive(Clone, Debug)]
pub struct Placed {
    pub plan: String,
    pub path: Vec<(String, String, String)>,
    pub relisting: bool,
}

/// One row of a child section: an item beneath the sheet's entry with
/// what the layout prints of it for the year.
#[derive(Clone, Debug)]
pub struct SheetChild {
    pub item: ItemRecord,
    /// (department, section): 東村山市 prints each objective's 課名.
    pub sections: Vec<(String, String)>,
    /// The year's (and undated) narratives with text.
    pub narratives: Vec<NarrativeRow>,
    pub indicators: Vec<SheetIndicator>,
    /// The year's grades.
    pub evaluations: Vec<EvaluationRow>,
    pub direction: Option<NextDirectionRow>,
}

impl SheetChild {
    /// `IV-7-48-(1) 総合的な情報化施策の推進`.
    pub fn heading(&self) -> String {
        format!("{} {}", self.item.code, self.item.title)
    }

    /// The sections as printed: `秘書広報課`, several joined with `、`.
    pub fn section_names(&self) -> String {
        let s: Vec<&str> = self.sections.iter().map(|(_, s)| s.as_str()).filter(|s| !s.is_empty()).collect();
        s.join("、")
    }
}

#[derive(Clone, Debug)]
pub struct SheetIndicator {
    pub record: IndicatorRecord,
    /// For an indicator of an item beneath the sheet's entry (三島市's
    /// 活動指標 of a 手段 on the 施策's sheet): that item's code and title.
    pub owner: Option<String>,
    /// The plan node it names besides its own (三島市's 行政改革大綱 item,
    /// printed under the name: 【24 eコミュニティまちづくり推進事業】).
    pub related: Option<RelatedNode>,
    pub values: Vec<IndicatorValue>,
    pub judgements: Vec<JudgementRecord>,
}

/// A grade slot of the layout, filled or not, or a grade the layout has no
/// slot for.
#[derive(Clone, Debug)]
pub struct GradeLine {
    pub label: String,
    pub evaluation: Option<EvaluationRow>,
    pub scale: Option<EvaluationScale>,
}

impl GradeLine {
    /// The meaning of the grade from the scale's legend: `計画どおり`.
    pub fn meaning(&self) -> Option<String> {
        let scale = self.scale.as_ref().filter(|s| s.legend_printed)?;
        let grade = self.evaluation.as_ref()?.grade.as_deref()?;
        scale.grade(grade).map(|g| g.label.clone())
    }
}

// ---------------------------------------------------------------- load

pub async fn load_sheet(store: &Store, item_id: i64, fy: FiscalYear) -> Result<SheetView, ReportError> {
    let item = store.item(item_id).await?;
    let municipality = store.municipality(&item.municipality_code).await?;
    let layout = store.layout_for(&item).await?;
    let narratives =
        store.narratives(item_id).await?.into_iter().filter(|n| n.fiscal_year.is_none_or(|y| y == fy)).collect();
    // The item's indicators; the entry of a plan node also gets the
    // node's (三島市's 成果指標 measure the 施策) and gathers what lies at or
    // beneath it, as the city prints it: the PDCA of each 施策の方向, the
    // 活動指標 of each 手段, the projects' schedules, a department's objectives.
    let mut records: Vec<(IndicatorRecord, Option<String>)> =
        store.item_indicators(item_id).await?.into_iter().map(|r| (r, None)).collect();
    let sections = store.item_sections(item_id).await?;
    let mut schedule: Vec<ScheduleRow> =
        store.schedule(item_id).await?.into_iter().filter(|s| s.fiscal_year == fy).collect();
    let scope = store.entry_scope(&item).await?;
    for r in scope.node_indicators {
        if !records.iter().any(|(x, _)| x.id == r.id) {
            records.push((r, None));
        }
    }
    let mut inherited = Vec::new();
    let mut children = Vec::new();
    for other in &scope.below {
        let year = |n: &NarrativeRow| n.fiscal_year.is_none_or(|y| y == fy) && !n.text.is_empty();
        // The children's schedules are printed with the sheet's (三島市's
        // スケジュール表 lists every project of the 施策).
        schedule.extend(store.schedule(other.id).await?.into_iter().filter(|s| s.fiscal_year == fy));
        if let Some(rows) = layout.rows_for(&other.kind) {
            let mut indicators = Vec::new();
            if rows.indicators {
                for record in store.item_indicators(other.id).await? {
                    indicators.push(sheet_indicator(store, record, None).await?);
                }
            }
            children.push(SheetChild {
                item: other.clone(),
                sections: store.item_sections(other.id).await?,
                narratives: store.narratives(other.id).await?.into_iter().filter(year).collect(),
                indicators,
                evaluations: store.evaluations(other.id).await?.into_iter().filter(|e| e.fiscal_year == fy).collect(),
                direction: if rows.direction { store.next_direction_for(other.id, fy).await? } else { None },
            });
            continue;
        }
        // An item the layout has no row for lends its text to the slots
        // the sheet leaves empty, and its activity indicators.
        let source = format!("{} {}", other.code, other.title);
        for n in store.narratives(other.id).await?.into_iter().filter(year) {
            inherited.push((source.clone(), n));
        }
        for r in store.item_indicators(other.id).await? {
            if r.kind == IndicatorKind::Activity && !records.iter().any(|(x, _)| x.id == r.id) {
                records.push((r, Some(source.clone())));
            }
        }
    }
    let mut placements = Vec::new();
    for (plan_code, node_code, relisting) in store.item_placements(item_id).await? {
        let Some(plan) = store.plans(&municipality.code).await?.into_iter().find(|p| p.code == plan_code) else {
            continue;
        };
        let nodes = store.plan_nodes(plan.id).await?;
        let Some(node) = nodes.iter().find(|n| n.code == node_code) else { continue };
        let mut path = Vec::new();
        let mut at = Some(node);
        while let Some(n) = at {
            let level = plan.level_names.get(n.level.max(0) as usize).cloned().unwrap_or_default();
            path.push((level, n.code.clone(), n.title.clone()));
            at = n.parent_id.and_then(|p| nodes.iter().find(|x| x.id == p));
        }
        path.reverse();
        placements.push(Placed { plan: plan.name.clone(), path, relisting });
    }
    let mut indicators = Vec::new();
    for (record, owner) in records {
        indicators.push(sheet_indicator(store, record, owner).await?);
    }
    // The nodes the indicators name, read once for the sheet.
    let named: Vec<i64> = indicators
        .iter()
        .chain(children.iter().flat_map(|c| &c.indicators))
        .filter_map(|i| i.record.related_node_id)
        .collect();
    let related = store.related_nodes(&named).await?;
    for ind in indicators.iter_mut().chain(children.iter_mut().flat_map(|c| &mut c.indicators)) {
        ind.related = ind.record.related_node_id.and_then(|id| related.get(&id).cloned());
    }
    let scales = store.scales(&municipality.code).await?;
    let evaluations: Vec<EvaluationRow> =
        store.evaluations(item_id).await?.into_iter().filter(|e| e.fiscal_year == fy).collect();
    let mut grades: Vec<GradeLine> = layout
        .grade_slots()
        .map(|slot| GradeLine {
            label: slot.label.clone(),
            evaluation: evaluations.iter().find(|e| e.stage == slot.stage && e.evaluator == slot.evaluator).cloned(),
            scale: scales.iter().find(|s| s.code == slot.scale).cloned(),
        })
        .collect();
    // Grades the layout has no slot for are shown too.
    for e in &evaluations {
        if !layout.grade_slots().any(|s| s.stage == e.stage && s.evaluator == e.evaluator) {
            grades.push(GradeLine {
                label: format!("{}（{}）", e.stage.label(), e.evaluator.label()),
                evaluation: Some(e.clone()),
                scale: e.scale.as_deref().and_then(|c| scales.iter().find(|s| s.code == c)).cloned(),
            });
        }
    }
    for g in grades.iter_mut() {
        if g.scale.is_none() {
            g.scale = g
                .evaluation
                .as_ref()
                .and_then(|e| e.scale.as_deref())
                .and_then(|c| scales.iter().find(|s| s.code == c))
                .cloned();
        }
    }
    Ok(SheetView {
        municipality_code: municipality.code.clone(),
        municipality: municipality.name.clone(),
        fiscal_year: fy,
        sections,
        placements,
        narratives,
        inherited,
        indicators,
        children,
        budgets: store.budgets(item_id).await?,
        schedule,
        roadmap: store.roadmap_of_year(item_id, fy).await?,
        grades,
        next_direction: store.next_direction_for(item_id, fy).await?,
        scales,
        layout,
        item,
    })
}

async fn sheet_indicator(
    store: &Store,
    record: IndicatorRecord,
    owner: Option<String>,
) -> Result<SheetIndicator, ReportError> {
    let values = store.indicator_values(record.id).await?;
    let judgements = store.judgements(record.id).await?;
    Ok(SheetIndicator { record, owner, related: None, values, judgements })
}

pub async fn sheet_html(store: &Store, item_id: i64, fy: FiscalYear) -> Result<String, ReportError> {
    Ok(load_sheet(store, item_id, fy).await?.html())
}

pub async fn sheet_pdf(store: &Store, item_id: i64, fy: FiscalYear) -> Result<Vec<u8>, ReportError> {
    Ok(load_sheet(store, item_id, fy).await?.pdf())
}

pub async fn sheet_xlsx(store: &Store, item_id: i64, fy: FiscalYear) -> Result<Vec<u8>, ReportError> {
    load_sheet(store, item_id, fy).await?.xlsx()
}

// ---------------------------------------------------------------- render

/// The narrative slot of 三島市's staff counts and extension (the reader's).
const ORGANISATION: &str = "organisation";

/// `正職員数 8人` as (`正職員数`, `8人`), `電話番号 (内線) 055-…` as
/// (`電話番号 (内線)`, `055-…`): the label ends before the first figure.
fn labelled_figure(line: &str) -> (String, String) {
    let at = line
        .char_indices()
        .find(|(i, c)| c.is_whitespace() && line[i + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit()));
    match at {
        Some((i, _)) => (line[..i].trim().to_string(), line[i..].trim().to_string()),
        None => ("所属".to_string(), line.trim().to_string()),
    }
}

/// An amount in the layout's unit; blank stays blank and zero prints as the
/// form prints nothing (`nil`: 三島市's 「-」).
fn money(y: Option<Yen>, unit: i64, nil: &str) -> String {
    match y {
        None => String::new(),
        Some(y) if y.yen() == 0 => nil.to_string(),
        Some(y) if y.yen() % unit == 0 => Number::from_int(y.yen() / unit).grouped(),
        // Not a whole number of the unit: printed with its decimals.
        Some(y) => {
            Number::new(y.yen(), (unit as f64).log10() as u8).map_or_else(|| y.yen().to_string(), |n| n.grouped())
        }
    }
}

/// A schedule row's twelve months (4月…3月) as cells: the months before
/// the first and after the last month with an entry are empty; between
/// them one bar, cut where an entry starts, each piece spanning the months
/// up to the next entry and holding its text (the printed arrows ← → are
/// the bar itself and go). A row with no month marked has no bar.
pub fn month_bars(months: &[String], bar: Bar) -> Vec<Cell> {
    let texts: Vec<&str> = (0..12).map(|i| months.get(i).map_or("", |m| m.trim())).collect();
    let marked: Vec<usize> = (0..12).filter(|i| !texts[*i].is_empty()).collect();
    let (Some(&first), Some(&last)) = (marked.first(), marked.last()) else {
        return (0..12).map(|_| Cell::text("")).collect();
    };
    let mut cells: Vec<Cell> = (0..first).map(|_| Cell::text("")).collect();
    for (k, &at) in marked.iter().enumerate() {
        let until = marked.get(k + 1).map_or(last, |next| next - 1);
        let text = texts[at].trim_matches(|c: char| matches!(c, '←' | '→' | '⇒' | '⇔' | '↔') || c.is_whitespace());
        cells.push(Cell::text(text).span(until - at + 1).bar(bar));
    }
    cells.extend((last + 1..12).map(|_| Cell::text("")));
    cells
}

/// What a schedule row's text says beyond its months' entries, arrows
/// dropped: `データ活用研修` of `← データ活用研修 →` whose months hold only `→`.
fn uncovered(label: &str, months: &[String]) -> String {
    let arrows = |c: char| matches!(c, '←' | '→' | '⇒' | '⇔' | '↔');
    let mut rest: String = label.chars().map(|c| if arrows(c) { ' ' } else { c }).collect();
    for m in months {
        let m: String = m.chars().filter(|c| !arrows(*c)).collect();
        let m = m.trim();
        if !m.is_empty() {
            rest = rest.replacen(m, " ", 1);
        }
    }
    rest.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `評価（部長）: A・B（凡例の記載なし）`, or the scale's printed legend.
fn legend(label: &str, scale: &EvaluationScale) -> String {
    if scale.legend_printed {
        format!("{label}: {}", scale.legend())
    } else {
        let codes: Vec<&str> = scale.grades.iter().map(|g| g.code.as_str()).collect();
        format!("{label}: {}（凡例の記載なし）", codes.join("・"))
    }
}

fn role_label(layout: &SheetLayout, role: ValueRole) -> String {
    layout
        .label(match role {
            ValueRole::Baseline => "indicator.baseline",
            ValueRole::Target => "indicator.target",
            ValueRole::Actual => "indicator.actual",
        })
        .to_string()
}

impl SheetView {
    pub fn title(&self) -> String {
        format!("{} {}　{} {}", self.fiscal_year.label(), self.layout.name, self.item.code, self.item.title)
    }

    fn departments(&self) -> String {
        let d: Vec<&str> = self
            .sections
            .iter()
            .map(|(d, _)| d.as_str())
            .filter(|d| !d.is_empty())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        d.join("、")
    }

    fn section_names(&self) -> String {
        let s: Vec<&str> = self.sections.iter().map(|(_, s)| s.as_str()).filter(|s| !s.is_empty()).collect();
        s.join("、")
    }

    /// The responsible units as printed: `企画部企画経営課、…`.
    pub fn responsible(&self) -> String {
        self.sections.iter().map(|(d, s)| format!("{d}{s}")).collect::<Vec<_>>().join("、")
    }

    /// The identification block, shaped like the city's printed sheet.
    pub fn identification(&self) -> Vec<(String, String)> {
        let tags = self.item.tags.iter().map(|t| format!("【{t}】")).collect::<String>();
        let position = self
            .placements
            .iter()
            .map(|p| {
                let path = p.path.iter().map(|(l, c, t)| format!("{l} {c} {t}")).collect::<Vec<_>>().join(" ＞ ");
                format!("{}: {path}{}", p.plan, if p.relisting { "（再掲）" } else { "" })
            })
            .collect::<Vec<_>>()
            .join("\n");
        let mut rows: Vec<(String, String)> = match self.layout.preset.as_str() {
            "mishima" => {
                let mut rows = vec![("所属部".into(), self.departments()), ("所属課".into(), self.section_names())];
                // 正職員数, その他職員数, 電話番号 beside the 所属課, as the form
                // heads the sheet.
                for n in self.narratives.iter().filter(|n| n.slot == ORGANISATION) {
                    for (_, line) in crate::doc::narrative_lines(&n.text) {
                        rows.push(labelled_figure(&line));
                    }
                }
                rows.push(("事業名".into(), format!("{} {}", self.item.code, self.item.title)));
                rows
            }
            "kodaira" => vec![
                ("取り組み項目".into(), format!("{} {tags}{}", self.item.code, self.item.title)),
                ("主な推進担当課".into(), self.responsible()),
            ],
            // The department's sheet; its objectives are the rows.
            "higashimurayama" if self.item.kind == "department" => vec![("部名".into(), self.item.code.clone())],
            "higashimurayama" => vec![
                ("No.".into(), self.item.code.clone()),
                ("課名".into(), self.section_names()),
                ("総計・行革・その他".into(), self.item.tags.join(" ")),
                ("項目".into(), self.item.title.clone()),
            ],
            _ => vec![
                ("事業名".into(), format!("{tags}{}", self.item.title)),
                ("掲載No.".into(), self.item.code.clone()),
                ("担当".into(), self.responsible()),
            ],
        };
        let position_label =
            if self.layout.preset == "mishima" { "総合計画の位置付け" } else { "計画上の位置付け" };
        if !position.is_empty() {
            rows.push((position_label.into(), position));
        }
        // 三島市 lists the 施策の方向 the section is in charge of under the
        // budget table at the top of the sheet.
        if self.layout.preset == "mishima" {
            let directions: Vec<String> =
                self.children.iter().filter(|c| c.item.kind == "measure_direction").map(SheetChild::heading).collect();
            rows.push(("所管する施策の方向一覧".into(), directions.join("\n")));
        }
        rows.retain(|(_, v)| !v.trim().is_empty());
        rows
    }

    /// Narratives under a layout slot, in stored order.
    fn slot_texts(&self, code: &str) -> Vec<&NarrativeRow> {
        self.narratives.iter().filter(|n| n.slot == code && !n.text.is_empty()).collect()
    }

    /// Narratives no slot of the layout shows (三島市's staff counts are in
    /// its identification block; the form's notes under its cost table).
    fn other_narratives(&self) -> Vec<&NarrativeRow> {
        let identified = |n: &NarrativeRow| self.layout.preset == "mishima" && n.slot == ORGANISATION;
        let cost_notes = self.cost_notes();
        self.narratives
            .iter()
            .filter(|n| self.layout.slot(&n.slot).is_none() && !n.text.is_empty() && !identified(n))
            .filter(|n| !cost_notes.iter().any(|c| std::ptr::eq(*c, *n)))
            .collect()
    }

    /// The form's notes printed under its cost table (`note:N`: 三島市's
    /// 「※人件費…は含まれておりません」), when the layout has that table.
    fn cost_notes(&self) -> Vec<&NarrativeRow> {
        self.narratives.iter().filter(|n| self.layout.is_cost_note(&n.slot) && !n.text.is_empty()).collect()
    }

    fn indicator_years(indicators: &[SheetIndicator]) -> Vec<FiscalYear> {
        let years: BTreeSet<FiscalYear> = indicators
            .iter()
            .flat_map(|i| i.values.iter().map(|v| v.fiscal_year).chain(i.judgements.iter().map(|j| j.fiscal_year)))
            .collect();
        years.into_iter().collect()
    }

    fn indicator_table(&self, indicators: &[SheetIndicator]) -> Table {
        let years = Self::indicator_years(indicators);
        let mut t = Table { caption: Some("指標".into()), ..Table::default() };
        // 三島市 heads the column 成果指標 【行政改革大綱における取組事項名】 and
        // prints the item under each name it belongs to.
        let name_head = match indicators.iter().any(|i| i.related.is_some()) {
            true => format!("指標\n【{}】", self.layout.label("indicator.related")),
            false => "指標".to_string(),
        };
        let mut head = vec![Cell::col(name_head), Cell::col("区分")];
        head.extend(years.iter().map(|y| Cell::col(y.label())));
        t.head.push(head);
        t.widths = vec![3.2, 1.0];
        t.widths.extend(years.iter().map(|_| 1.2));
        t.compact = years.len() > 6;
        for ind in indicators {
            let rec = &ind.record;
            let mut name = rec.name.clone();
            if let Some(u) = rec.unit.as_deref().filter(|u| !u.is_empty()) {
                name.push_str(&format!("（{u}）"));
            }
            if let Some(node) = &ind.related {
                name.push_str(&format!("\n{}", node.printed()));
            }
            if let Some(d) = rec.definition.as_deref().filter(|d| !d.is_empty()) {
                name.push_str(&format!("\n{d}"));
            }
            if let Some(owner) = &ind.owner {
                name.push_str(&format!("\n（{}: {owner}）", rec.kind.label()));
            }
            let mut first = true;
            for role in [ValueRole::Baseline, ValueRole::Target, ValueRole::Actual] {
                if !ind.values.iter().any(|v| v.role == role) {
                    continue;
                }
                let mut row = vec![
                    Cell::text(if first { name.clone() } else { String::new() }),
                    Cell::row(role_label(&self.layout, role)),
                ];
                first = false;
                for y in &years {
                    let v = ind.values.iter().find(|v| v.fiscal_year == *y && v.role == role);
                    row.push(Cell::figure(v.map(|v| v.cell.printed().trim().to_string()).unwrap_or_default()));
                }
                t.body.push(row);
            }
            if !ind.judgements.is_empty() {
                let mut row = vec![
                    Cell::text(if first { name.clone() } else { String::new() }),
                    Cell::row(self.layout.label("indicator.judgement").to_string()),
                ];
                for y in &years {
                    let j = ind.judgements.iter().find(|j| j.fiscal_year == *y).map(|j| &j.judgement);
                    let text = match j {
                        Some(j) => match (j.effective(), j.disagreement()) {
                            (Some(e), Some(d)) => format!("{e}\n（計算: {}）", d.computed),
                            (Some(e), None) => e.to_string(),
                            (None, _) => String::new(),
                        },
                        None => String::new(),
                    };
                    row.push(Cell::text(text).align(Align::Center));
                }
                t.body.push(row);
            }
        }
        t
    }

    fn budget_table(&self) -> Table {
        let l = &self.layout;
        let unit = l.money_unit;
        let mut t =
            Table { caption: Some(format!("予算・決算（単位: {}）", unit.label())), ..Table::default() };
        t.head.push(
            [
                "年度",
                l.label("budget.initial"),
                l.label("budget.final"),
                l.label("budget.settlement"),
                l.label("budget.general_revenue"),
                l.label("budget.carried_over"),
                l.label("budget.rate"),
                "執行率（記載）",
            ]
            .into_iter()
            .map(Cell::col)
            .collect(),
        );
        for b in &self.budgets {
            let f = &b.figures;
            let u = unit.factor();
            let money = |y| money(y, u, l.nil_amount());
            t.body.push(vec![
                Cell::row(b.fiscal_year.label()),
                Cell::figure(money(f.initial)),
                Cell::figure(money(f.final_budget)),
                Cell::figure(money(f.settlement)),
                Cell::figure(money(f.general_revenue)),
                Cell::figure(money(f.carried_over)),
                Cell::figure(f.execution_rate().map(|r| r.to_string()).unwrap_or_default()),
                Cell::figure(b.execution_rate_printed.clone().unwrap_or_default()),
            ]);
        }
        t
    }

    /// Whether any year holds 財源内訳 or staff cost.
    fn has_cost(&self) -> bool {
        self.budgets.iter().any(|b| !b.figures.funding.is_empty() || !b.figures.staff.is_empty())
    }

    /// 財源内訳 and トータルコスト with the years across, as the
    /// 事務事業評価シート prints them; the computed lines sit under the printed.
    fn cost_table(&self) -> Table {
        let l = &self.layout;
        let u = l.money_unit.factor();
        let money = |y| money(y, u, l.nil_amount());
        let mut t = Table {
            caption: Some(format!("財源内訳・トータルコスト（単位: {}）", l.money_unit.label())),
            ..Table::default()
        };
        let mut head = vec![Cell::col("区分")];
        head.extend(self.budgets.iter().map(|b| Cell::col(b.fiscal_year.label())));
        t.head.push(head);
        t.widths = vec![2.6];
        t.widths.extend(self.budgets.iter().map(|_| 1.4));
        type Line<'a> = (String, Box<dyn Fn(&BudgetFigures) -> String + 'a>);
        let lines: Vec<Line> = vec![
            ("事業費".into(), Box::new(|f: &BudgetFigures| money(f.project_cost()))),
            (l.label("cost.national").into(), Box::new(|f: &BudgetFigures| money(f.funding.national))),
            (l.label("cost.prefectural").into(), Box::new(|f: &BudgetFigures| money(f.funding.prefectural))),
            (l.label("cost.bonds").into(), Box::new(|f: &BudgetFigures| money(f.funding.bonds))),
            (l.label("cost.other").into(), Box::new(|f: &BudgetFigures| money(f.funding.other))),
            ("一般財源".into(), Box::new(|f: &BudgetFigures| money(f.general_revenue))),
            (
                format!("{}（時間）", l.label("cost.hours")),
                Box::new(|f: &BudgetFigures| f.staff.hours.map(Hours::number).unwrap_or_default()),
            ),
            (
                l.label("cost.hourly").into(),
                Box::new(|f: &BudgetFigures| {
                    f.staff.hourly.map(|y| Number::from_int(y.yen()).grouped()).unwrap_or_default()
                }),
            ),
            (l.label("cost.personnel").into(), Box::new(|f: &BudgetFigures| money(f.staff.personnel))),
            (
                format!("{}（計算: 時間 × 単価）", l.label("cost.personnel")),
                Box::new(|f: &BudgetFigures| money(f.computed_personnel_cost())),
            ),
            (l.label("cost.total").into(), Box::new(|f: &BudgetFigures| money(f.staff.total))),
            (
                format!("{}（計算: 事業費 + 人件費）", l.label("cost.total")),
                Box::new(|f: &BudgetFigures| money(f.computed_total_cost())),
            ),
        ];
        for (label, value) in lines {
            let mut row = vec![Cell::row(label)];
            row.extend(self.budgets.iter().map(|b| Cell::figure(value(&b.figures))));
            t.body.push(row);
        }
        t
    }

    fn schedule_table(&self, hours: bool) -> Table {
        let l = &self.layout;
        let mut t = Table {
            caption: Some(format!("スケジュール（{}）", self.fiscal_year.label())),
            compact: true,
            ..Table::default()
        };
        // 三鷹市's form has no label column: each row is its bars across
        // the months, and a row without bars its text across them.
        let labelled = !self.dense();
        let mut head =
            if labelled { vec![Cell::col("事業・内容"), Cell::col("区分")] } else { vec![Cell::col("区分")] };
        head.extend(FISCAL_MONTHS.iter().map(|m| Cell::col(*m)));
        if hours {
            head.push(Cell::col(format!("従事見込時間数\n{}", l.label("hours.regular"))));
            head.push(Cell::col(format!("従事見込時間数\n{}", l.label("hours.other"))));
        }
        t.head.push(head);
        t.widths = if labelled { vec![4.0, 1.0] } else { vec![0.8] };
        t.widths.extend(FISCAL_MONTHS.iter().map(|_| 1.0));
        if hours {
            t.widths.extend([1.5, 1.5]);
        }
        for s in &self.schedule {
            let kind = match s.kind.as_str() {
                "planned" => l.label("schedule.planned").to_string(),
                "actual" => l.label("schedule.actual").to_string(),
                other => other.to_string(),
            };
            let bar = if s.kind == "actual" { Bar::Actual } else { Bar::Planned };
            let bars = month_bars(&s.months, bar);
            let mut row = Vec::new();
            if labelled {
                row.push(Cell::row(s.label.clone()));
                row.push(Cell::text(kind).align(Align::Center));
                row.extend(bars);
            } else {
                row.push(Cell::row(kind).align(Align::Center));
                // The row's text the months do not hold (their extraction
                // lost where it starts) goes before its first bar.
                let rest = uncovered(&s.label, &s.months);
                let lead = bars.iter().take_while(|c| c.bar.is_none()).count();
                if lead == bars.len() {
                    row.push(Cell::text(s.label.clone()).span(FISCAL_MONTHS.len()));
                } else if rest.is_empty() {
                    row.extend(bars);
                } else if lead > 0 {
                    row.push(Cell::text(rest).span(lead));
                    row.extend(bars.into_iter().skip(lead));
                } else {
                    let mut bars = bars.into_iter();
                    if let Some(first) = bars.next() {
                        let text = format!("{rest}　{}", first.plain());
                        row.push(Cell { content: crate::doc::Content::Text(text), ..first });
                    }
                    row.extend(bars);
                }
            }
            if hours {
                row.push(Cell::figure(s.hours_regular.clone().unwrap_or_default()));
                row.push(Cell::figure(s.hours_other.clone().unwrap_or_default()));
            }
            t.body.push(row);
        }
        t
    }

    fn hours_table(&self) -> Table {
        let l = &self.layout;
        let mut t = Table { caption: Some("従事見込時間数".into()), ..Table::default() };
        t.head.push(vec![
            Cell::col("事業・内容"),
            Cell::col(l.label("hours.regular")),
            Cell::col(l.label("hours.other")),
        ]);
        t.widths = vec![5.0, 1.5, 1.5];
        for s in self.schedule.iter().filter(|s| s.hours_regular.is_some() || s.hours_other.is_some()) {
            t.body.push(vec![
                Cell::row(s.label.clone()),
                Cell::figure(s.hours_regular.clone().unwrap_or_default()),
                Cell::figure(s.hours_other.clone().unwrap_or_default()),
            ]);
        }
        t
    }

    fn grades_table(&self) -> Table {
        // A form's grades without comments go two a line, as 三鷹市 prints
        // 主管課評価 beside 事業評価審査会評価.
        let commented = self.grades.iter().any(|g| g.evaluation.as_ref().is_some_and(|e| e.comment.is_some()));
        if self.dense() && !commented {
            let mut t = Table { caption: Some("評価".into()), ..Table::default() };
            t.head.push(
                ["評価", "評価", "評価の意味", "評価", "評価", "評価の意味"].into_iter().map(Cell::col).collect(),
            );
            t.widths = vec![2.6, 0.6, 1.8, 2.6, 0.6, 1.8];
            for pair in self.grades.chunks(2) {
                let mut row = Vec::new();
                for g in pair {
                    let e = g.evaluation.as_ref();
                    row.push(Cell::row(g.label.clone()));
                    row.push(
                        Cell::text(e.and_then(|e| e.grade.clone()).unwrap_or_else(|| "—".into())).align(Align::Center),
                    );
                    row.push(Cell::text(g.meaning().unwrap_or_default()));
                }
                t.body.push(row);
            }
            return t;
        }
        let mut t = Table { caption: Some("評価".into()), ..Table::default() };
        t.head.push(["評価", "評価", "評価の意味", "評価の理由・意見"].into_iter().map(Cell::col).collect());
        t.widths = vec![2.6, 0.8, 2.0, 5.0];
        for g in &self.grades {
            let e = g.evaluation.as_ref();
            t.body.push(vec![
                Cell::row(g.label.clone()),
                Cell::text(e.and_then(|e| e.grade.clone()).unwrap_or_else(|| "—".into())).align(Align::Center),
                Cell::text(g.meaning().unwrap_or_default()),
                Cell::text(e.and_then(|e| e.comment.clone()).unwrap_or_default()),
            ]);
        }
        t
    }

    /// One child row: its texts, grades and direction as labelled rows, then
    /// its indicators. Texts of slots the row does not list are printed
    /// under their own headings, so nothing stored is hidden.
    fn child_blocks(&self, doc: &mut Document, rows: &ChildRows, child: &SheetChild) {
        let mut t = Table { caption: Some(child.heading()), widths: vec![1.6, 6.0], ..Table::default() };
        t.head.push(vec![Cell::col(child.item.code.clone()), Cell::col(child.item.title.clone())]);
        for slot in &rows.slots {
            for n in child.narratives.iter().filter(|n| n.slot == slot.code) {
                t.body.push(vec![Cell::row(slot.label.clone()), Cell::narrative(&n.text)]);
            }
        }
        for n in child.narratives.iter().filter(|n| !rows.slots.iter().any(|s| s.code == n.slot)) {
            let label = if n.label.is_empty() { n.slot.clone() } else { n.label.clone() };
            t.body.push(vec![Cell::row(label), Cell::narrative(&n.text)]);
        }
        for slot in &rows.grades {
            let e = child.evaluations.iter().find(|e| e.stage == slot.stage && e.evaluator == slot.evaluator);
            let grade = e.and_then(|e| e.grade.clone()).unwrap_or_else(|| "—".into());
            let comment = e.and_then(|e| e.comment.clone()).filter(|c| !c.is_empty());
            let text = comment.map_or_else(|| grade.clone(), |c| format!("{grade}\n{c}"));
            t.body.push(vec![Cell::row(slot.label.clone()), Cell::text(text)]);
        }
        for (k, v) in self.direction_rows(child.direction.as_ref()) {
            t.body.push(vec![Cell::row(k), Cell::text(v)]);
        }
        doc.push(Block::Table(t));
        if !child.indicators.is_empty() {
            let mut t = self.indicator_table(&child.indicators);
            t.caption = Some(format!("{}の指標", child.heading()));
            doc.push(Block::Table(t));
        }
    }

    /// Child rows as one table, a line per item in plan order, as the city
    /// prints them (東村山市's 具体的な取り組み). Texts the table has no
    /// column for, directions and the rows' indicators follow it, so
    /// nothing stored is hidden.
    fn child_table(&self, doc: &mut Document, label: &str, rows: &ChildRows, children: &[&SheetChild]) {
        let slot_label = |code: &str| rows.slots.iter().find(|s| s.code == code).map(|s| s.label.clone());
        // A text column's width follows how much it holds, so the long
        // 成果又は課題 gets more room than 目標.
        let chars = |code: &str| -> usize {
            children
                .iter()
                .flat_map(|c| c.narratives.iter().filter(|n| n.slot == code))
                .map(|n| n.text.to_plain_text().chars().count())
                .sum()
        };
        let all: usize = rows
            .table
            .iter()
            .filter_map(|c| match &c.field {
                RowField::Slot(code) => Some(chars(code)),
                _ => None,
            })
            .sum();
        let mut t = Table { caption: Some(label.to_string()), ..Table::default() };
        t.head.push(
            rows.table
                .iter()
                .map(|c| match &c.field {
                    RowField::Slot(code) => Cell::col(slot_label(code).unwrap_or_else(|| c.label.clone())),
                    _ => Cell::col(c.label.clone()),
                })
                .collect(),
        );
        t.widths = rows
            .table
            .iter()
            .map(|c| match &c.field {
                RowField::Code => 0.5,
                RowField::Sections => 1.8,
                RowField::Tags => 1.1,
                RowField::Title => 1.9,
                RowField::Grade(_) => 0.6,
                RowField::Slot(code) => 3.0 + 3.0 * chars(code) as f32 / all.max(1) as f32,
            })
            .collect();
        let mut rest =
            Table {
                caption: Some(format!("{label}（その他の記載）")), widths: vec![1.6, 6.0], ..Table::default()
            };
        for child in children {
            let row = rows
                .table
                .iter()
                .map(|c| match &c.field {
                    RowField::Code => Cell::text(child.item.code.clone()).align(Align::Center),
                    RowField::Sections => Cell::text(child.section_names()),
                    RowField::Tags => Cell::text(child.item.tags.join("\n")).align(Align::Center),
                    RowField::Title => Cell::row(child.item.title.clone()),
                    RowField::Slot(code) => {
                        let blocks = child
                            .narratives
                            .iter()
                            .filter(|n| &n.slot == code)
                            .flat_map(|n| n.text.blocks.iter().cloned())
                            .collect();
                        Cell::narrative(&hyoka_core::Narrative { blocks })
                    }
                    RowField::Grade(i) => {
                        let e = rows.grades.get(*i).and_then(|slot| {
                            child.evaluations.iter().find(|e| e.stage == slot.stage && e.evaluator == slot.evaluator)
                        });
                        let grade = e.and_then(|e| e.grade.clone()).unwrap_or_else(|| "—".into());
                        let comment = e.and_then(|e| e.comment.clone()).filter(|c| !c.is_empty());
                        Cell::text(comment.map_or_else(|| grade.clone(), |c| format!("{grade}\n{c}")))
                            .align(Align::Center)
                    }
                })
                .collect();
            t.body.push(row);
            let shown = |slot: &str| rows.table.iter().any(|c| c.field == RowField::Slot(slot.to_string()));
            for n in child.narratives.iter().filter(|n| !shown(&n.slot)) {
                let l = slot_label(&n.slot).unwrap_or_else(|| {
                    if n.label.is_empty() {
                        n.slot.clone()
                    } else {
                        n.label.clone()
                    }
                });
                rest.body.push(vec![Cell::row(format!("{}　{l}", child.heading())), Cell::narrative(&n.text)]);
            }
            for (k, v) in self.direction_rows(child.direction.as_ref()) {
                rest.body.push(vec![Cell::row(format!("{}　{k}", child.heading())), Cell::text(v)]);
            }
        }
        doc.push(Block::Table(t));
        if !rest.body.is_empty() {
            doc.push(Block::Table(rest));
        }
        for child in children.iter().filter(|c| !c.indicators.is_empty()) {
            let mut t = self.indicator_table(&child.indicators);
            t.caption = Some(format!("{}の指標", child.heading()));
            doc.push(Block::Table(t));
        }
    }

    /// Whether the sheet prints on landscape A4: a table of rows with
    /// seven or more columns of text (東村山市's 具体的な取り組み) is not
    /// readable on a portrait page.
    pub fn orientation(&self) -> Orientation {
        let wide = self.layout.sections.iter().filter_map(|s| s.children.as_ref()).any(|r| r.table.len() >= 6);
        if wide {
            Orientation::Landscape
        } else {
            Orientation::Portrait
        }
    }

    /// What an empty slot of the sheet prints: （記載なし）, or where the
    /// text is when rows beneath hold it (三島市's 【行革取組項目】 are
    /// written per 施策の方向 and printed with each).
    fn held_below(&self, slot: &str) -> String {
        let codes: Vec<&str> = self
            .children
            .iter()
            .filter(|c| c.narratives.iter().any(|n| n.slot == slot && !n.text.is_empty()))
            .map(|c| c.item.code.as_str())
            .collect();
        if codes.is_empty() {
            "（記載なし）".into()
        } else {
            format!("（{}に記載）", codes.join("、"))
        }
    }

    /// Whether the sheet prints in the small type of a form: 三鷹市 prints
    /// its 個別事業評価表 on one A4 page.
    pub fn dense(&self) -> bool {
        self.layout.preset == "mitaka"
    }

    /// The legends of the scales the grades use: `S 計画以上 1 計画どおり …`.
    fn legends(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for g in &self.grades {
            if let Some(s) = &g.scale {
                if seen.insert(s.code.clone()) {
                    out.push(legend(&g.label, s));
                }
            }
        }
        out
    }

    fn direction_rows(&self, direction: Option<&NextDirectionRow>) -> Vec<(String, String)> {
        let l = &self.layout;
        let Some(d) = direction else { return Vec::new() };
        let mut rows = vec![(
            l.label("direction.direction").to_string(),
            d.direction.map_or_else(
                || d.printed.clone(),
                |x| {
                    if d.printed.is_empty() || d.printed == x.label() {
                        x.label().to_string()
                    } else {
                        format!("{}（{}）", x.label(), d.printed)
                    }
                },
            ),
        )];
        if let Some(r) = d.reason.as_deref().filter(|r| !r.is_empty()) {
            rows.push((l.label("direction.reason").to_string(), r.to_string()));
        }
        if let Some(t) = d.transfer.as_deref().filter(|t| !t.is_empty()) {
            rows.push((l.label("direction.transfer").to_string(), t.to_string()));
        }
        rows
    }

    /// The years of a multi-year 工程表: the layout's number of years from
    /// the year the item starts (moved on so that the sheet's year is in).
    pub fn roadmap_span(&self) -> Vec<FiscalYear> {
        let Some(n) = self.layout.roadmap_years() else { return Vec::new() };
        hyoka_core::roadmap::span(self.item.fiscal_year, self.fiscal_year, n, &self.roadmap)
    }

    /// What a 工程表 cell prints: the plan as printed; with an actual, both
    /// on their own line, each named (計画 / 実績).
    pub fn roadmap_cell(&self, row: &hyoka_core::roadmap::RoadmapRow, year: FiscalYear) -> String {
        let (planned, actual) = (row.planned(year), row.actual(year));
        if actual.is_empty() {
            return planned.to_string();
        }
        let l = &self.layout;
        let mut lines = Vec::new();
        if !planned.is_empty() {
            lines.push(format!("{}: {planned}", l.label("schedule.planned")));
        }
        lines.push(format!("{}: {actual}", l.label("schedule.actual")));
        lines.join("\n")
    }

    /// 小平市's 工程表: one row per 実施内容, one column per year of the
    /// plan with what is planned and done that year, as the city prints it.
    fn roadmap_table(&self, label: &str) -> Table {
        let years = self.roadmap_span();
        let mut t = Table { caption: Some(label.to_string()), ..Table::default() };
        let mut head = vec![Cell::col("実施内容")];
        head.extend(years.iter().map(|y| Cell::col(y.label())));
        t.head.push(head);
        t.widths = vec![4.0];
        t.widths.extend(years.iter().map(|_| 1.6));
        for r in &self.roadmap {
            let mut row = vec![Cell::text(r.step.clone())];
            row.extend(years.iter().map(|&y| Cell::text(self.roadmap_cell(r, y))));
            t.body.push(row);
        }
        t
    }

    /// The sheet as a printable document, sections in the layout's order.
    pub fn document(&self) -> Document {
        let mut doc = Document::new(self.title());
        doc.orientation = self.orientation();
        doc.dense = self.dense();
        doc.subtitle =
            Some(format!("{}　{}　{}", self.municipality, self.fiscal_year.label_with_western(), self.layout.name));
        let mut id = Table { caption: Some("事業の概要".into()), widths: vec![1.6, 6.0], ..Table::default() };
        if doc.dense {
            // Two fields a line where both are short, as the form prints
            // 掲載No. beside 担当.
            id.widths = vec![1.2, 2.6, 1.2, 2.6];
            let rows = self.identification();
            let short = |v: &str| v.chars().count() <= 24 && !v.contains('\n');
            let mut i = 0;
            while i < rows.len() {
                let (k, v) = &rows[i];
                match rows.get(i + 1).filter(|(_, w)| short(v) && short(w)) {
                    Some((k2, v2)) => {
                        id.body.push(vec![Cell::row(k), Cell::text(v), Cell::row(k2), Cell::text(v2)]);
                        i += 2;
                    }
                    None => {
                        id.body.push(vec![Cell::row(k), Cell::text(v).span(3)]);
                        i += 1;
                    }
                }
            }
        } else {
            for (k, v) in self.identification() {
                id.body.push(vec![Cell::row(k), Cell::text(v)]);
            }
        }
        doc.push(Block::Table(id));
        let has_hours_section = self.layout.has(SectionKind::StaffHours);
        for section in &self.layout.sections {
            match section.kind {
                SectionKind::Narratives => {
                    doc.heading(1, section.label.clone());
                    let mut t =
                        Table { caption: Some(section.label.clone()), widths: vec![1.6, 6.0], ..Table::default() };
                    for slot in &section.slots {
                        let texts = self.slot_texts(&slot.code);
                        if texts.is_empty() {
                            let from: Vec<&(String, NarrativeRow)> =
                                self.inherited.iter().filter(|(_, n)| n.slot == slot.code).collect();
                            if from.is_empty() {
                                t.body
                                    .push(vec![Cell::row(slot.label.clone()), Cell::text(self.held_below(&slot.code))]);
                            }
                            for (source, n) in from {
                                t.body.push(vec![
                                    Cell::row(format!("{}\n（{source}の記載）", slot.label)),
                                    Cell::narrative(&n.text),
                                ]);
                            }
                        }
                        for n in texts {
                            // A stored heading that differs from the layout's is kept beside it.
                            let label = if n.label.is_empty() || n.label == slot.label {
                                slot.label.clone()
                            } else {
                                format!("{}\n（{}）", slot.label, n.label)
                            };
                            t.body.push(vec![Cell::row(label), Cell::narrative(&n.text)]);
                        }
                    }
                    doc.push(Block::Table(t));
                }
                SectionKind::Indicators => {
                    doc.heading(1, section.label.clone());
                    if self.indicators.is_empty() {
                        doc.paragraph("（指標の登録はありません）");
                    } else {
                        let mut t = self.indicator_table(&self.indicators);
                        t.caption = Some(section.label.clone());
                        doc.push(Block::Table(t));
                    }
                }
                SectionKind::Budget => {
                    doc.heading(1, section.label.clone());
                    if self.budgets.is_empty() {
                        doc.paragraph("（予算・決算の記載はありません）");
                    } else {
                        doc.push(Block::Table(self.budget_table()));
                        doc.push(Block::Note("執行率は、決算額 ÷ 最終予算額（補正・流用後。なければ当初予算額）を小数第1位に四捨五入したものです。".into()));
                    }
                    for n in self.cost_notes() {
                        doc.push(Block::Note(n.text.to_plain_text()));
                    }
                    // Stored cost on a sheet kind without the cost part still prints.
                    if !self.layout.has(SectionKind::Cost) && self.has_cost() {
                        doc.push(Block::Table(self.cost_table()));
                    }
                }
                SectionKind::Cost => {
                    doc.heading(1, section.label.clone());
                    if self.has_cost() {
                        doc.push(Block::Table(self.cost_table()));
                        doc.push(Block::Note(
                            "事業費は決算額（なければ最終予算額、当初予算額）です。人件費 = 従事時間 × 人件費単価、トータルコスト = 事業費 + 人件費。".into(),
                        ));
                    } else {
                        doc.paragraph("（財源内訳・コストの記載はありません）");
                    }
                }
                SectionKind::Schedule => {
                    doc.heading(1, section.label.clone());
                    if self.schedule.is_empty() {
                        doc.paragraph("（スケジュールの記載はありません）");
                    } else {
                        let hours = self.schedule.iter().any(|s| s.hours_regular.is_some() || s.hours_other.is_some());
                        doc.push(Block::Table(self.schedule_table(hours && !has_hours_section)));
                        doc.push(Block::Note(format!(
                            "帯は{}（薄い色・破線）と{}（濃い色）の期間です。帯の中の文字は、その月から始まる記載です。",
                            self.layout.label("schedule.planned"),
                            self.layout.label("schedule.actual")
                        )));
                    }
                }
                SectionKind::StaffHours => {
                    doc.heading(1, section.label.clone());
                    let t = self.hours_table();
                    if t.body.is_empty() {
                        doc.paragraph("（従事見込時間数の記載はありません）");
                    } else {
                        doc.push(Block::Table(t));
                    }
                }
                SectionKind::Grades => {
                    doc.heading(1, section.label.clone());
                    doc.push(Block::Table(self.grades_table()));
                    for l in self.legends() {
                        doc.push(Block::Note(l));
                    }
                }
                SectionKind::Roadmap => {
                    doc.heading(1, section.label.clone());
                    if self.roadmap.is_empty() {
                        doc.paragraph("（記載はありません）");
                    } else {
                        doc.push(Block::Table(self.roadmap_table(&section.label)));
                    }
                }
                SectionKind::Children => {
                    doc.heading(1, section.label.clone());
                    let Some(rows) = &section.children else { continue };
                    let listed: Vec<&SheetChild> =
                        self.children.iter().filter(|c| rows.item_kinds.contains(&c.item.kind)).collect();
                    if listed.is_empty() {
                        doc.paragraph("（記載はありません）");
                    } else if rows.table.is_empty() {
                        for child in listed {
                            self.child_blocks(&mut doc, rows, child);
                        }
                    } else {
                        self.child_table(&mut doc, &section.label, rows, &listed);
                    }
                    for slot in &rows.grades {
                        if let Some(scale) = self.scales.iter().find(|s| s.code == slot.scale) {
                            doc.push(Block::Note(legend(&slot.label, scale)));
                        }
                    }
                }
                SectionKind::Direction => {
                    doc.heading(1, section.label.clone());
                    let rows = self.direction_rows(self.next_direction.as_ref());
                    // 三島市 writes the 今後の取組み方針 on each row of its 業務計画.
                    let on_rows: Vec<&str> = self
                        .layout
                        .sections
                        .iter()
                        .filter(|s| s.children.as_ref().is_some_and(|r| r.direction))
                        .filter(|s| {
                            let kinds = &s.children.as_ref().expect("filtered").item_kinds;
                            self.children.iter().any(|c| kinds.contains(&c.item.kind) && c.direction.is_some())
                        })
                        .map(|s| s.label.as_str())
                        .collect();
                    if rows.is_empty() && !on_rows.is_empty() {
                        doc.paragraph(format!("（{}の行ごとに記載）", on_rows.join("、")));
                    } else if rows.is_empty() {
                        doc.paragraph("（記載はありません）");
                    } else {
                        let mut t =
                            Table { caption: Some(section.label.clone()), widths: vec![1.6, 6.0], ..Table::default() };
                        for (k, v) in rows {
                            t.body.push(vec![Cell::row(k), Cell::text(v)]);
                        }
                        doc.push(Block::Table(t));
                    }
                }
            }
        }
        let others = self.other_narratives();
        if !others.is_empty() {
            doc.heading(1, "その他の記載");
            let mut t =
                Table { caption: Some("その他の記載".into()), widths: vec![1.6, 6.0], ..Table::default() };
            for n in others {
                t.body.push(vec![
                    Cell::row(if n.label.is_empty() { n.slot.clone() } else { n.label.clone() }),
                    Cell::narrative(&n.text),
                ]);
            }
            doc.push(Block::Table(t));
        }
        doc
    }

    pub fn html(&self) -> String {
        crate::html::render(&self.document())
    }

    pub fn pdf(&self) -> Vec<u8> {
        crate::pdf::render(&self.document())
    }

    pub fn xlsx(&self) -> Result<Vec<u8>, ReportError> {
        crate::xlsx::workbook(&self.title(), &self.sheets())
    }

    /// One sheet per part, each a table with its header in row 1.
    pub fn sheets(&self) -> Vec<Sheet> {
        let l = &self.layout;
        let mut out = Vec::new();
        let mut summary = Sheet::new("概要", &["項目", "内容"]);
        summary.layout = true;
        summary.widths = vec![22.0, 80.0];
        summary.rows.push(vec![XCell::Label("様式".into()), XCell::text(l.name.clone())]);
        summary.rows.push(vec![XCell::Label("団体".into()), XCell::text(self.municipality.clone())]);
        summary.rows.push(vec![XCell::Label("年度".into()), XCell::text(self.fiscal_year.label_with_western())]);
        for (k, v) in self.identification() {
            summary.rows.push(vec![XCell::Label(k), XCell::text(v)]);
        }
        out.push(summary);

        let mut texts = Sheet::new("記述", &["区分", "見出し", "本文"]);
        texts.layout = true;
        texts.widths = vec![18.0, 30.0, 90.0];
        for section in l.sections.iter().filter(|s| s.kind == SectionKind::Narratives) {
            for slot in &section.slots {
                let own = self.slot_texts(&slot.code);
                for n in &own {
                    texts.rows.push(vec![
                        XCell::text(section.label.clone()),
                        XCell::Label(slot.label.clone()),
                        XCell::text(n.text.to_plain_text()),
                    ]);
                }
                if own.is_empty() {
                    for (source, n) in self.inherited.iter().filter(|(_, n)| n.slot == slot.code) {
                        texts.rows.push(vec![
                            XCell::text(section.label.clone()),
                            XCell::Label(format!("{}（{source}の記載）", slot.label)),
                            XCell::text(n.text.to_plain_text()),
                        ]);
                    }
                }
            }
        }
        for section in l.sections.iter().filter(|s| s.kind == SectionKind::Children) {
            let Some(rows) = &section.children else { continue };
            for child in self.children.iter().filter(|c| rows.item_kinds.contains(&c.item.kind)) {
                for n in &child.narratives {
                    let label = rows.slots.iter().find(|s| s.code == n.slot).map_or(n.label.as_str(), |s| &s.label);
                    texts.rows.push(vec![
                        XCell::text(section.label.clone()),
                        XCell::Label(format!("{}　{label}", child.heading())),
                        XCell::text(n.text.to_plain_text()),
                    ]);
                }
            }
        }
        for n in self.cost_notes() {
            let budget = l.sections.iter().find(|s| s.kind == SectionKind::Budget);
            texts.rows.push(vec![
                XCell::text(budget.map_or("予算", |s| s.label.as_str())),
                XCell::Label(n.label.clone()),
                XCell::text(n.text.to_plain_text()),
            ]);
        }
        for n in self.other_narratives() {
            texts.rows.push(vec![
                XCell::text("その他の記載"),
                XCell::Label(n.label.clone()),
                XCell::text(n.text.to_plain_text()),
            ]);
        }
        out.push(texts);

        // The sheet's indicators, then its rows' with the row named.
        let all: Vec<(&SheetIndicator, Option<String>)> = self
            .indicators
            .iter()
            .map(|i| (i, i.owner.clone()))
            .chain(self.children.iter().flat_map(|c| c.indicators.iter().map(|i| (i, Some(c.heading())))))
            .collect();
        if !all.is_empty() {
            let owned: Vec<SheetIndicator> = all.iter().map(|(i, _)| (*i).clone()).collect();
            let years = Self::indicator_years(&owned);
            // The related node's column only where an indicator names one.
            let related = all.iter().any(|(i, _)| i.related.is_some());
            let mut header: Vec<String> = vec!["指標".into()];
            if related {
                header.push(l.label("indicator.related").to_string());
            }
            header.extend(["単位", "指標の説明", "目指す方向", "区分"].iter().map(|s| s.to_string()));
            header.extend(years.iter().map(|y| format!("{}（{}）", y.label(), y.year())));
            let mut sheet = Sheet { name: "指標".into(), header, ..Sheet::default() };
            sheet.widths = vec![36.0];
            if related {
                sheet.widths.push(30.0);
            }
            sheet.widths.extend([8.0, 30.0, 12.0, 8.0]);
            sheet.widths.extend(years.iter().map(|_| 14.0));
            for (ind, owner) in &all {
                let rec = &ind.record;
                let mut rows: Vec<(String, Vec<String>)> = Vec::new();
                for role in [ValueRole::Baseline, ValueRole::Target, ValueRole::Actual] {
                    if ind.values.iter().any(|v| v.role == role) {
                        let cells = years
                            .iter()
                            .map(|y| {
                                ind.values
                                    .iter()
                                    .find(|v| v.fiscal_year == *y && v.role == role)
                                    .map(|v| v.cell.printed().trim().to_string())
                                    .unwrap_or_default()
                            })
                            .collect();
                        rows.push((role_label(l, role), cells));
                    }
                }
                if !ind.judgements.is_empty() {
                    let cells = years
                        .iter()
                        .map(|y| {
                            ind.judgements
                                .iter()
                                .find(|j| j.fiscal_year == *y)
                                .and_then(|j| j.judgement.effective().map(str::to_string))
                                .unwrap_or_default()
                        })
                        .collect();
                    rows.push((l.label("indicator.judgement").to_string(), cells));
                }
                let name = match owner {
                    Some(owner) => format!("{}（{}: {owner}）", rec.name, rec.kind.label()),
                    None => rec.name.clone(),
                };
                for (role, cells) in rows {
                    let mut row = vec![XCell::text(name.clone())];
                    if related {
                        row.push(XCell::text(ind.related.as_ref().map(RelatedNode::label).unwrap_or_default()));
                    }
                    row.extend([
                        XCell::text(rec.unit.clone().unwrap_or_default()),
                        XCell::text(rec.definition.clone().unwrap_or_default()),
                        XCell::text(rec.direction.label()),
                        XCell::text(role),
                    ]);
                    row.extend(cells.into_iter().map(XCell::text));
                    sheet.rows.push(row);
                }
            }
            out.push(sheet);
        }

        if !self.budgets.is_empty() {
            let mut sheet = Sheet::new(
                "予算",
                &[
                    "年度",
                    "年度（和暦）",
                    "当初予算（円）",
                    "最終予算（円）",
                    "決算額（円）",
                    "うち一般財源（円）",
                    "繰越額（円）",
                    "執行率（%）",
                    "執行率（記載）",
                ],
            );
            for b in &self.budgets {
                let f = &b.figures;
                let yen = |y: Option<Yen>| XCell::opt_int(y.map(Yen::yen));
                sheet.rows.push(vec![
                    XCell::int(b.fiscal_year.year().into()),
                    XCell::text(b.fiscal_year.label()),
                    yen(f.initial),
                    yen(f.final_budget),
                    yen(f.settlement),
                    yen(f.general_revenue),
                    yen(f.carried_over),
                    f.execution_rate().map_or(XCell::Empty, |r| XCell::Number(r.tenths() as f64 / 10.0)),
                    XCell::text(b.execution_rate_printed.clone().unwrap_or_default()),
                ]);
            }
            out.push(sheet);
        }

        if !self.schedule.is_empty() {
            let mut header = vec!["事業・内容", "区分"];
            header.extend(FISCAL_MONTHS);
            header.extend(["従事見込時間数（正職員）", "従事見込時間数（その他職員）"]);
            let mut sheet = Sheet::new("スケジュール", &header);
            sheet.landscape = true;
            sheet.widths = vec![40.0, 8.0];
            sheet.widths.extend(FISCAL_MONTHS.iter().map(|_| 10.0));
            sheet.widths.extend([14.0, 14.0]);
            for s in &self.schedule {
                let kind = match s.kind.as_str() {
                    "planned" => l.label("schedule.planned").to_string(),
                    "actual" => l.label("schedule.actual").to_string(),
                    other => other.to_string(),
                };
                let mut row = vec![XCell::text(s.label.clone()), XCell::text(kind)];
                row.extend((0..12).map(|i| XCell::text(s.months.get(i).cloned().unwrap_or_default())));
                row.push(XCell::text(s.hours_regular.clone().unwrap_or_default()));
                row.push(XCell::text(s.hours_other.clone().unwrap_or_default()));
                sheet.rows.push(row);
            }
            out.push(sheet);
        }

        if !self.roadmap.is_empty() {
            // One row per step and year column, as the open data has it.
            let mut sheet = Sheet::new("工程表", &["実施内容", "年度", "年度（和暦）", "計画", "実績"]);
            sheet.widths = vec![50.0, 8.0, 14.0, 30.0, 30.0];
            for r in &self.roadmap {
                for c in &r.cells {
                    sheet.rows.push(vec![
                        XCell::text(r.step.clone()),
                        XCell::int(c.year.year().into()),
                        XCell::text(c.year.label()),
                        XCell::text(c.planned.clone()),
                        XCell::text(c.actual.clone()),
                    ]);
                }
                if r.cells.is_empty() {
                    sheet.rows.push(vec![
                        XCell::text(r.step.clone()),
                        XCell::Empty,
                        XCell::Empty,
                        XCell::Empty,
                        XCell::Empty,
                    ]);
                }
            }
            out.push(sheet);
        }

        let mut grades = Sheet::new(
            "評価",
            &["評価", "評価段階", "評価者", "評価（記載）", "評価の意味", "評価の理由・意見", "尺度の凡例"],
        );
        grades.widths = vec![26.0, 10.0, 14.0, 8.0, 20.0, 60.0, 50.0];
        for g in &self.grades {
            let e = g.evaluation.as_ref();
            grades.rows.push(vec![
                XCell::Label(g.label.clone()),
                XCell::text(e.map(|e| e.stage.label().to_string()).unwrap_or_default()),
                XCell::text(e.map(|e| e.evaluator.label().to_string()).unwrap_or_default()),
                XCell::text(e.and_then(|e| e.grade.clone()).unwrap_or_default()),
                XCell::text(g.meaning().unwrap_or_default()),
                XCell::text(e.and_then(|e| e.comment.clone()).unwrap_or_default()),
                XCell::text(g.scale.as_ref().filter(|s| s.legend_printed).map(|s| s.legend()).unwrap_or_default()),
            ]);
        }
        for child in &self.children {
            for e in &child.evaluations {
                let slot = l.all_grade_slots().find(|s| s.stage == e.stage && s.evaluator == e.evaluator);
                let scale = e.scale.as_deref().and_then(|c| self.scales.iter().find(|s| s.code == c));
                let meaning = scale.filter(|s| s.legend_printed).and_then(|s| s.grade(e.grade.as_deref()?));
                grades.rows.push(vec![
                    XCell::Label(format!(
                        "{}　{}",
                        child.heading(),
                        slot.map_or_else(|| e.stage.label().to_string(), |s| s.label.clone())
                    )),
                    XCell::text(e.stage.label()),
                    XCell::text(e.evaluator.label()),
                    XCell::text(e.grade.clone().unwrap_or_default()),
                    XCell::text(meaning.map(|g| g.label.clone()).unwrap_or_default()),
                    XCell::text(e.comment.clone().unwrap_or_default()),
                    XCell::text(scale.filter(|s| s.legend_printed).map(|s| s.legend()).unwrap_or_default()),
                ]);
            }
        }
        out.push(grades);

        let rows = self.direction_rows(self.next_direction.as_ref());
        if !rows.is_empty() {
            let mut d = Sheet::new("方向性", &["項目", "内容"]);
            d.layout = true;
            d.widths = vec![20.0, 80.0];
            d.rows = rows.into_iter().map(|(k, v)| vec![XCell::Label(k), XCell::text(v)]).collect();
            out.push(d);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_row_is_one_bar_cut_where_entries_start() {
        let months: Vec<String> =
            ["", "← 研修", "", "", "→ 報告（9月）", "", "", "", "", "", "", ""].iter().map(|s| s.to_string()).collect();
        let cells = month_bars(&months, Bar::Actual);
        let spans: Vec<(usize, String, bool)> = cells.iter().map(|c| (c.colspan, c.plain(), c.bar.is_some())).collect();
        assert_eq!(spans[0], (1, String::new(), false), "April is before the bar");
        assert_eq!(spans[1], (3, "研修".into(), true), "May to July, the arrows are the bar");
        assert_eq!(spans[2], (1, "報告（9月）".into(), true), "August, the last month marked");
        assert_eq!(cells.iter().map(|c| c.colspan).sum::<usize>(), 12, "twelve months in all");
        assert!(cells.iter().skip(3).all(|c| c.bar.is_none()));
        let none = month_bars(&vec![String::new(); 12], Bar::Planned);
        assert_eq!(none.len(), 12);
        assert!(none.iter().all(|c| c.bar.is_none()));
    }

    #[test]
    fn a_rows_text_beyond_its_months_is_kept() {
        let months = |m: &[(usize, &str)]| {
            let mut v = vec![String::new(); 12];
            for (i, t) in m {
                v[*i] = t.to_string();
            }
            v
        };
        assert_eq!(uncovered("← データ活用研修 →", &months(&[(5, "→")])), "データ活用研修");
        assert_eq!(
            uncovered(
                "← まちづくり総合研究所研究会の実施 → 報告書の作成（3月）",
                &months(&[(5, "→ 報告書の作成（3月）")])
            ),
            "まちづくり総合研究所研究会の実施"
        );
        let both = months(&[(0, "論点データ集、基礎用語事典策定作業"), (6, "発行（12月）")]);
        assert_eq!(uncovered("← 論点データ集、基礎用語事典策定作業 発行（12月）", &both), "");
    }

    #[test]
    fn a_staff_line_splits_before_its_figure() {
        assert_eq!(labelled_figure("正職員数 8人"), ("正職員数".into(), "8人".into()));
        assert_eq!(
            labelled_figure("電話番号 (内線) 055-971-4322 (内線2285-2288)"),
            ("電話番号 (内線)".into(), "055-971-4322 (内線2285-2288)".into())
        );
        assert_eq!(labelled_figure("なし"), ("所属".into(), "なし".into()));
    }

    #[test]
    fn money_is_shown_in_the_layouts_unit() {
        assert_eq!(money(Some(Yen(7_368_000)), 1000, "0"), "7,368");
        assert_eq!(money(Some(Yen(7_368_500)), 1000, "0"), "7,368.500");
        assert_eq!(money(None, 1000, "-"), "");
        assert_eq!(money(Some(Yen(0)), 1000, "0"), "0");
        assert_eq!(money(Some(Yen(0)), 1000, "-"), "-");
    }
}
