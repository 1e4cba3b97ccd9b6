//! The white paper (自治体経営白書): one chapter per plan reported in the
//! fiscal year, in the structure of 三鷹市's white paper (seed 002).
//!
//! For every plan the paper follows the plan's own tree in printed order:
//! for 三鷹市 the 基本計画's 部 and 施策 with each 施策's indicator table
//! (計画策定時 | 達成値 … | 目標値) and its 施策の達成に向けた取り組み状況, the
//! strategy's 基本目標 with their 数値目標 and KPI tables, and the action
//! plan's 体系 with their issues (主要 flagged) and 取組状況. Nothing is
//! specific to 三鷹市: a node's section holds
//!
//! - the indicator tables printed for it: an indicator's cells are grouped
//!   by the table that printed them (the printing's source names the node:
//!   `基本計画 第1-1 目標指標`), so an indicator printed both as a 目標指標
//!   and as a KPI appears in both tables with each table's own cells; an
//!   indicator entered in hyoka has one table of its stored values;
//! - the narratives of the node's own item (the item with the node's code)
//!   for the year, footnotes (`(注1)`) as notes;
//! - other items placed there (sub-sheets, re-listings marked 再掲).
//!
//! Columns come from the stored fiscal years and roles (baseline, actual,
//! target), never from a fixed list: a table has a column per (year, role)
//! that any of its rows prints, ordered by year. A chart is drawn for each
//! indicator at its first table. Summary figures per plan count the levels,
//! the nodes with indicator tables, the indicators, and the share achieved
//! by the rules of [`crate::achievement`].
//!
//! Which plans: those with an item dated in the fiscal year (or a narrative
//! or grade of the year). The unplaced item `overview:<plan>` the importer
//! keeps for a plan (it prints no number of its own) is that plan's
//! introduction.

use std::collections::{BTreeMap, HashMap, HashSet};

use hyoka_core::chart::{TrendChart, YearCells};
use hyoka_core::{Direction, Era, FiscalYear, IndicatorCell, Narrative, ValueRole};
use hyoka_store::Store;

use crate::achievement::{assess, Achievement, CellRef, Tally};
use crate::city::{preorder, printed_tables, same_code, City};
use crate::doc::{Block, Cell, Document, Table};
use crate::opendata::rows::{IndicatorData, ItemData};
use crate::xlsx::{Sheet, XCell};
use crate::ReportError;

/// The compiled white paper: data only; render it with [`WhitePaper::html`],
/// [`WhitePaper::xlsx`] or [`WhitePaper::pdf`].
#[derive(Clone, Debug)]
pub struct WhitePaper {
    pub municipality_code: String,
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    pub chapters: Vec<Chapter>,
}

/// One plan.
#[derive(Clone, Debug)]
pub struct Chapter {
    pub plan_code: String,
    pub plan_name: String,
    pub level_names: Vec<String>,
    /// The plan's introduction (position, structure, how to read it).
    pub intro: Vec<Part>,
    /// Nodes in printed order; only nodes with something to show, and
    /// their ancestors.
    pub sections: Vec<Section>,
    /// The plan's 施策体系: every node in printed order as (depth, code,
    /// title), printed after the introduction's part on the 施策体系.
    pub tree: Vec<(usize, String, String)>,
    pub figures: Figures,
}

/// A narrative under its printed heading.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub label: String,
    pub text: Narrative,
}

/// One node of a plan: a 部, a 施策, a 基本目標, a 体系, an issue.
#[derive(Clone, Debug)]
pub struct Section {
    pub code: String,
    pub title: String,
    /// 0 for the top level.
    pub level: usize,
    pub level_name: String,
    /// As printed: 主要, 新規, 全庁.
    pub tags: Vec<String>,
    /// 主な担当課: `企画部企画経営課`.
    pub responsible: Vec<String>,
    pub tables: Vec<IndicatorTable>,
    pub narratives: Vec<Part>,
    /// Footnotes under the tables: `(注1) 特定道路：…`.
    pub notes: Vec<String>,
    /// Other items placed at the node.
    pub items: Vec<ItemPart>,
}

#[derive(Clone, Debug)]
pub struct ItemPart {
    pub code: String,
    pub title: String,
    pub relisting: bool,
    pub responsible: Vec<String>,
    pub narratives: Vec<Part>,
}

/// A column of an indicator table: a fiscal year and what its cells are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Column {
    pub fiscal_year: FiscalYear,
    pub role: ValueRole,
}

impl Column {
    /// The caption of the role, as the white paper prints it.
    pub fn caption(&self) -> &'static str {
        match self.role {
            ValueRole::Baseline => "計画策定時",
            ValueRole::Actual => "達成値",
            ValueRole::Target => "目標値",
        }
    }

    /// `平成22年度`; years of 令和 with the western year: `令和2(2020)年度`.
    pub fn year_label(&self) -> String {
        year_label(self.fiscal_year)
    }

    /// `達成値 平成26年度`.
    pub fn header(&self) -> String {
        format!("{} {}", self.caption(), self.year_label())
    }
}

/// How the white paper prints a fiscal year.
pub fn year_label(fy: FiscalYear) -> String {
    if fy.era() == Era::Reiwa {
        fy.label_with_western()
    } else {
        fy.label()
    }
}

#[derive(Clone, Debug)]
pub struct IndicatorTable {
    /// What the table is: `目標指標`, `数値目標`, `KPI`, `成果指標`.
    pub kind: String,
    pub columns: Vec<Column>,
    pub rows: Vec<IndicatorRow>,
}

#[derive(Clone, Debug)]
pub struct IndicatorRow {
    pub indicator_id: i64,
    pub name: String,
    pub unit: Option<String>,
    pub direction: Direction,
    /// One printed cell per column; empty when the row prints nothing there.
    pub cells: Vec<String>,
    pub achievement: Achievement,
    /// The indicator's chart, drawn at its first table only.
    pub chart: Option<TrendChart>,
}

/// Figures of one plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Nodes per level: `[("部", 8), ("施策", 31), ("細目", 6)]`.
    pub levels: Vec<(String, usize)>,
    /// Nodes that have an indicator table (三鷹市: the 34 施策).
    pub sections_with_indicators: usize,
    /// Distinct indicators in the plan's tables (三鷹市: 68 目標指標).
    pub indicators: usize,
    /// Each indicator judged once, at its first table in the plan.
    pub tally: Tally,
    /// Nodes per printed tag: `[("主要", 13)]`.
    pub tags: Vec<(String, usize)>,
}

// ---------------------------------------------------------------- compile

/// Reads a city from the store and compiles its white paper for a year.
pub async fn compile_whitepaper(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
) -> Result<WhitePaper, ReportError> {
    let city = City::load(store, municipality).await?;
    build(&city, fiscal_year)
}

pub async fn whitepaper_html(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
) -> Result<String, ReportError> {
    Ok(compile_whitepaper(store, municipality, fiscal_year).await?.html())
}

pub async fn whitepaper_pdf(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
) -> Result<Vec<u8>, ReportError> {
    Ok(compile_whitepaper(store, municipality, fiscal_year).await?.pdf())
}

pub async fn whitepaper_xlsx(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
) -> Result<Vec<u8>, ReportError> {
    compile_whitepaper(store, municipality, fiscal_year).await?.xlsx()
}

/// Whether an item belongs to the year's report.
fn of_year(city: &City, item: &ItemData, fy: FiscalYear) -> bool {
    item.item.fiscal_year == Some(fy)
        || city.narratives_of(item.item.id).iter().any(|n| n.fiscal_year == Some(fy))
        || item.evaluations.iter().any(|e| e.fiscal_year == fy)
}

/// Narratives of the year (or undated) as parts; footnotes apart.
/// Whether `item` is the introduction the importer keeps for the plan
/// `plan_code`: unplaced, keyed `overview:<plan>`; an older database named it
/// by the plan's code instead.
fn is_intro_of(item: &hyoka_store::ItemRecord, plan_code: &str) -> bool {
    item.key.strip_prefix("overview:") == Some(plan_code) || same_code(&item.code, plan_code)
}

fn parts(city: &City, item_id: i64, fy: FiscalYear) -> (Vec<Part>, Vec<String>) {
    let mut parts = Vec::new();
    let mut notes = Vec::new();
    for n in city.narratives_of(item_id) {
        if n.fiscal_year.is_some_and(|y| y != fy) || n.text.is_empty() {
            continue;
        }
        if n.slot.starts_with("note:") {
            notes.push(n.text.to_plain_text());
        } else {
            parts.push(Part { label: n.label.clone(), text: n.text.clone() });
        }
    }
    (parts, notes)
}

/// The compiled white paper of a loaded city.
pub fn build(city: &City, fy: FiscalYear) -> Result<WhitePaper, ReportError> {
    let data = &city.data;
    let included: Vec<usize> = data
        .plans
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let ids: HashSet<i64> = p.nodes.iter().map(|n| n.id).collect();
            data.items.iter().any(|i| i.placements.iter().any(|(n, _)| ids.contains(n)) && of_year(city, i, fy))
        })
        .map(|(i, _)| i)
        .collect();
    if included.is_empty() {
        return Err(ReportError::Empty(format!(
            "{}の{}の白書に載せる計画がありません（この年度の事業・施策が登録されていません）",
            city.name(),
            fy.label()
        )));
    }
    let tables = assign_tables(city, &included);
    let mut charted: HashSet<i64> = HashSet::new();
    let mut chapters = Vec::new();
    for &pi in &included {
        let plan = &data.plans[pi];
        let intro = data
            .items
            .iter()
            .filter(|i| i.placements.is_empty() && is_intro_of(&i.item, &plan.plan.code))
            .flat_map(|i| parts(city, i.item.id, fy).0)
            .collect();
        let order = preorder(plan);
        let mut sections = Vec::new();
        let mut keep: Vec<bool> = Vec::new();
        for node in &order {
            let mut section = Section {
                code: node.code.clone(),
                title: node.title.clone(),
                level: node.level.max(0) as usize,
                level_name: plan
                    .plan
                    .level_names
                    .get(node.level.max(0) as usize)
                    .cloned()
                    .unwrap_or_else(|| format!("第{}階層", node.level + 1)),
                tags: node.tags.clone(),
                responsible: Vec::new(),
                tables: Vec::new(),
                narratives: Vec::new(),
                notes: Vec::new(),
                items: Vec::new(),
            };
            for (item, relisting) in city.items_at(node.id) {
                if same_code(&item.item.code, &node.code) && !relisting {
                    let (p, n) = parts(city, item.item.id, fy);
                    section.narratives.extend(p);
                    section.notes.extend(n);
                    section.responsible = City::responsible(item);
                    for t in &item.item.tags {
                        if !section.tags.contains(t) {
                            section.tags.push(t.clone());
                        }
                    }
                } else if of_year(city, item, fy) || relisting {
                    let narratives = if relisting { Vec::new() } else { parts(city, item.item.id, fy).0 };
                    section.items.push(ItemPart {
                        code: item.item.code.clone(),
                        title: item.item.title.clone(),
                        relisting,
                        responsible: City::responsible(item),
                        narratives,
                    });
                }
            }
            if let Some(list) = tables.get(&node.id) {
                for (kind, ids) in list {
                    section.tables.push(indicator_table(city, kind, ids, fy, &mut charted));
                }
            }
            // A footnote a row refers to (`特定道路(注1)の整備率`) is kept as
            // the indicator's definition: printed under the table again.
            for row in section.tables.iter().flat_map(|t| &t.rows) {
                let definition = city
                    .data
                    .indicators
                    .iter()
                    .find(|i| i.indicator.id == row.indicator_id)
                    .and_then(|i| i.indicator.definition.as_deref())
                    .filter(|d| is_footnote(d));
                if let Some(d) = definition.filter(|d| !section.notes.iter().any(|n| n == d)) {
                    section.notes.push(d.to_string());
                }
            }
            let has = !section.tables.is_empty()
                || !section.narratives.is_empty()
                || !section.items.is_empty()
                || !section.notes.is_empty();
            sections.push(section);
            keep.push(has);
        }
        // Keep the ancestors of every node with content.
        let ids: Vec<i64> = order.iter().map(|n| n.id).collect();
        for i in (0..order.len()).rev() {
            if keep[i] {
                if let Some(parent) = order[i].parent_id {
                    if let Some(p) = ids.iter().position(|id| *id == parent) {
                        keep[p] = true;
                    }
                }
            }
        }
        let sections: Vec<Section> = sections.into_iter().zip(keep).filter(|(_, k)| *k).map(|(s, _)| s).collect();
        let figures = figures(plan.plan.level_names.as_slice(), &order, &sections);
        let tree = order.iter().map(|n| (n.level.max(0) as usize, n.code.clone(), n.title.clone())).collect();
        chapters.push(Chapter {
            plan_code: plan.plan.code.clone(),
            plan_name: plan.plan.name.clone(),
            level_names: plan.plan.level_names.clone(),
            intro,
            sections,
            tree,
            figures,
        });
    }
    Ok(WhitePaper {
        municipality_code: data.municipality.code.clone(),
        municipality: data.municipality.name.clone(),
        fiscal_year: fy,
        chapters,
    })
}

/// Which node each printed table belongs to: node id → [(table kind,
/// [(indicator id, table index)])], tables in order of their first row.
type Assigned = HashMap<i64, Vec<(String, Vec<(i64, usize)>)>>;

fn assign_tables(city: &City, included: &[usize]) -> Assigned {
    let data = &city.data;
    // Nodes of the included plans, in printed order, by code.
    let nodes: Vec<(i64, String)> =
        included.iter().flat_map(|&pi| preorder(&data.plans[pi]).into_iter().map(|n| (n.id, n.code.clone()))).collect();
    let in_paper: HashSet<i64> = nodes.iter().map(|(id, _)| *id).collect();
    let mut out: Assigned = HashMap::new();
    let mut indicators: Vec<_> = data.indicators.iter().collect();
    indicators.sort_by_key(|i| i.indicator.id);
    for ind in indicators {
        let home = ind.indicator.node_id.or_else(|| {
            let item = ind.indicator.item_id.and_then(|id| city.item(id))?;
            city.home(item).map(|(_, n)| n.id)
        });
        for (index, table) in printed_tables(city, ind).iter().enumerate() {
            let (node, kind) = match &table.source {
                Some(source) => {
                    let tokens: Vec<&str> = source.split_whitespace().collect();
                    let named: Vec<i64> = nodes
                        .iter()
                        .filter(|(_, code)| tokens.iter().any(|t| same_code(t, code)))
                        .map(|(id, _)| *id)
                        .collect();
                    let node = home.filter(|h| named.contains(h)).or_else(|| named.first().copied()).or(home);
                    let code = node.and_then(|n| nodes.iter().find(|(id, _)| *id == n)).map(|(_, c)| c.as_str());
                    // The table's kind: what the source says after the node's code.
                    let after = tokens
                        .iter()
                        .position(|t| code.is_some_and(|c| same_code(t, c)))
                        .map_or(tokens.as_slice(), |p| &tokens[p + 1..]);
                    let kind = if after.is_empty() { source.clone() } else { after.join(" ") };
                    (node, kind)
                }
                None => (home, ind.indicator.kind.label().to_string()),
            };
            let Some(node) = node.filter(|n| in_paper.contains(n)) else { continue };
            let list = out.entry(node).or_default();
            match list.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, rows)) => rows.push((ind.indicator.id, index)),
                None => list.push((kind, vec![(ind.indicator.id, index)])),
            }
        }
    }
    // Tables in printed order: by their first row that belongs to the node
    // itself; tables of indicators that all belong elsewhere last (a KPI
    // that is also a 目標指標 was created with its 施策, before the tables
    // of the strategy's goal, but is printed after the goal's own table).
    let homes: HashMap<i64, Option<i64>> =
        data.indicators.iter().map(|i| (i.indicator.id, i.indicator.node_id)).collect();
    for (node, list) in out.iter_mut() {
        list.sort_by_key(|(_, rows)| {
            let own = rows.iter().filter(|(id, _)| homes.get(id) == Some(&Some(*node))).map(|(id, _)| *id).min();
            (own.is_none(), own.unwrap_or_else(|| rows.iter().map(|(id, _)| *id).min().unwrap_or(i64::MAX)))
        });
    }
    out
}

/// The 施策体系 as the document lists it: each top-level node as a line of
/// its own, the nodes beneath it on one line after it (`◆第1-1 国際化の推進
/// ◆第1-2 …`), deeper levels after their parent.
fn tree(doc: &mut Document, nodes: &[(usize, String, String)]) {
    let mut line = String::new();
    let flush = |doc: &mut Document, line: &mut String| {
        if !line.is_empty() {
            doc.push(Block::Paragraph(std::mem::take(line)));
        }
    };
    for (depth, code, title) in nodes {
        if *depth == 0 {
            flush(doc, &mut line);
            doc.heading(3, format!("{code} {title}"));
        } else {
            if !line.is_empty() {
                line.push('　');
            }
            line.push_str(&format!("{}{code} {title}", if *depth == 1 { "◆" } else { "" }));
        }
    }
    flush(doc, &mut line);
}

/// A note as the document prints it under a table: `(注1) …`, `（注2）…`,
/// `(※) …`.
fn is_footnote(text: &str) -> bool {
    let t = text.trim_start();
    ["(注", "（注", "(※", "（※"].iter().any(|p| t.starts_with(p))
}

fn indicator_table(
    city: &City,
    kind: &str,
    rows: &[(i64, usize)],
    fy: FiscalYear,
    charted: &mut HashSet<i64>,
) -> IndicatorTable {
    let mut printed: Vec<(&IndicatorData, Vec<PrintedCell>)> = Vec::new();
    for (id, index) in rows {
        let Some(ind) = city.data.indicators.iter().find(|i| i.indicator.id == *id) else { continue };
        let tables = printed_tables(city, ind);
        if let Some(t) = tables.into_iter().nth(*index) {
            printed.push((ind, t.cells));
        }
    }
    let mut columns: Vec<Column> = printed
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(|(fy, role, _)| Column { fiscal_year: *fy, role: *role }))
        .collect();
    columns.sort_by_key(|c| (c.fiscal_year, role_order(c.role)));
    columns.dedup();
    let rows = printed
        .into_iter()
        .map(|(ind, cells)| {
            let rec = &ind.indicator;
            let texts = columns
                .iter()
                .map(|c| {
                    cells
                        .iter()
                        .find(|(fy, role, _)| *fy == c.fiscal_year && *role == c.role)
                        .map(|(_, _, cell)| cell.printed().trim().to_string())
                        .unwrap_or_default()
                })
                .collect();
            let refs: Vec<CellRef> =
                cells.iter().map(|(f, r, c)| CellRef { fiscal_year: *f, role: *r, cell: c }).collect();
            let achievement = assess(rec.direction, rec.vocabulary.as_deref(), &refs, fy);
            let chart = charted.insert(rec.id).then(|| chart(rec.id, &rec.name, rec.unit.as_deref(), &cells));
            IndicatorRow {
                indicator_id: rec.id,
                name: rec.name.clone(),
                unit: rec.unit.clone(),
                direction: rec.direction,
                cells: texts,
                achievement,
                chart,
            }
        })
        .collect();
    IndicatorTable { kind: kind.to_string(), columns, rows }
}

/// A printed cell of a table: its year, role and cell.
type PrintedCell = (FiscalYear, ValueRole, IndicatorCell);

/// Baselines first, then targets, then actuals within a year (a sheet's
/// 目標 row before its 実績 row).
fn role_order(role: ValueRole) -> u8 {
    match role {
        ValueRole::Baseline => 0,
        ValueRole::Target => 1,
        ValueRole::Actual => 2,
    }
}

/// An indicator's chart from one table's cells.
pub fn chart(id: i64, name: &str, unit: Option<&str>, cells: &[(FiscalYear, ValueRole, IndicatorCell)]) -> TrendChart {
    let mut by_year: BTreeMap<FiscalYear, YearCells> = BTreeMap::new();
    for (fy, role, cell) in cells {
        let y = by_year.entry(*fy).or_default();
        let slot = match role {
            ValueRole::Baseline => &mut y.baseline,
            ValueRole::Target => &mut y.target,
            ValueRole::Actual => &mut y.actual,
        };
        *slot = Some(cell.clone());
    }
    by_year.into_iter().fold(TrendChart::new(&format!("ind{id}"), name, unit), |c, (fy, cells)| c.year(fy, cells))
}

fn figures(level_names: &[String], order: &[&hyoka_store::NodeRecord], sections: &[Section]) -> Figures {
    let mut levels: Vec<(String, usize)> = Vec::new();
    for n in order {
        let i = n.level.max(0) as usize;
        let name = level_names.get(i).cloned().unwrap_or_else(|| format!("第{}階層", i + 1));
        match levels.iter_mut().find(|(l, _)| *l == name) {
            Some((_, c)) => *c += 1,
            None => levels.push((name, 1)),
        }
    }
    let mut seen = HashSet::new();
    let mut tally = Tally::default();
    for row in sections.iter().flat_map(|s| &s.tables).flat_map(|t| &t.rows) {
        if seen.insert(row.indicator_id) {
            tally.add(&row.achievement);
        }
    }
    let mut tags: Vec<(String, usize)> = Vec::new();
    for s in sections {
        for t in &s.tags {
            match tags.iter_mut().find(|(x, _)| x == t) {
                Some((_, c)) => *c += 1,
                None => tags.push((t.clone(), 1)),
            }
        }
    }
    Figures {
        levels,
        sections_with_indicators: sections.iter().filter(|s| !s.tables.is_empty()).count(),
        indicators: seen.len(),
        tally,
        tags,
    }
}

// ---------------------------------------------------------------- render

impl WhitePaper {
    pub fn title(&self) -> String {
        format!("{}自治体経営白書（{}）", self.municipality, self.fiscal_year.label_with_western())
    }

    /// The rule by which indicators are judged, in words.
    pub const ACHIEVEMENT_RULE: &'static str = "達成率は、各指標を次の一組の値で判定し、達成した指標の数を判定できた指標の数で割ったものです（小数第1位に四捨五入）。① 対象年度までで目標値と実績値がともにある最も新しい年度の、目標値と実績値。② それがない場合は、対象年度までの最も新しい実績値と、その年度以降の最初の目標値（最終目標）。目標値や実績値のない指標、数値でない記載などで比べられない指標は「判定不能」とし、達成率の計算に含めません。判定は指標の目指す方向（低いほど良い、範囲内など）に従います。";

    /// The paper as a printable document (the common source of HTML and PDF).
    pub fn document(&self) -> Document {
        let mut doc = Document::new(self.title());
        doc.subtitle = Some(format!("{}　{}の取り組み状況", self.municipality, self.fiscal_year.label()));
        doc.heading(1, "白書の概要");
        let mut t = Table {
            caption: Some("計画ごとの集計".into()),
            widths: vec![4.0, 3.2, 1.6, 1.2, 1.0, 1.0, 1.0, 1.3],
            ..Table::default()
        };
        t.head.push(
            ["計画", "体系", "指標の表がある項目", "指標", "達成", "未達成", "判定不能", "達成率"]
                .into_iter()
                .map(Cell::col)
                .collect(),
        );
        for c in &self.chapters {
            let f = &c.figures;
            let levels = f.levels.iter().map(|(n, k)| format!("{n} {k}")).collect::<Vec<_>>().join("、");
            let tags = f.tags.iter().map(|(n, k)| format!("{n} {k}")).collect::<Vec<_>>().join("、");
            let levels = if tags.is_empty() { levels } else { format!("{levels}（{tags}）") };
            t.body.push(vec![
                Cell::row(c.plan_name.clone()),
                Cell::text(levels),
                Cell::figure(f.sections_with_indicators.to_string()),
                Cell::figure(f.indicators.to_string()),
                Cell::figure(f.tally.achieved.to_string()),
                Cell::figure(f.tally.not_achieved.to_string()),
                Cell::figure(f.tally.not_judged.to_string()),
                Cell::figure(f.tally.share_text()),
            ]);
        }
        doc.push(Block::Table(t));
        doc.push(Block::Note(Self::ACHIEVEMENT_RULE.into()));

        for c in &self.chapters {
            doc.push(Block::PageBreak);
            doc.heading(1, c.plan_name.clone());
            for p in &c.intro {
                if !p.label.is_empty() {
                    doc.heading(2, p.label.clone());
                }
                doc.push(Block::Narrative(p.text.clone()));
                if p.label.contains("施策体系") {
                    tree(&mut doc, &c.tree);
                }
            }
            for s in &c.sections {
                section(&mut doc, s);
            }
        }
        doc
    }

    pub fn html(&self) -> String {
        crate::html::render(&self.document())
    }

    pub fn pdf(&self) -> Vec<u8> {
        crate::pdf::render(&self.document())
    }

    /// The workbook: 概要 (figures), one 指標 sheet per plan with tables
    /// (one row per indicator and table, a column per year and role), 記述
    /// (every narrative) and 体系 (the nodes with tags and responsible
    /// units). One table per sheet, no merged cells.
    pub fn xlsx(&self) -> Result<Vec<u8>, ReportError> {
        crate::xlsx::workbook(&self.title(), &self.sheets())
    }

    pub fn sheets(&self) -> Vec<Sheet> {
        let mut sheets = Vec::new();
        let mut summary = Sheet::new("概要", &["計画", "項目", "値"]);
        summary.widths = vec![40.0, 30.0, 12.0];
        for c in &self.chapters {
            let f = &c.figures;
            let mut add =
                |k: String, v: XCell| summary.rows.push(vec![XCell::text(c.plan_name.clone()), XCell::text(k), v]);
            for (n, k) in &f.levels {
                add(format!("{n}の数"), XCell::int(*k as i64));
            }
            for (n, k) in &f.tags {
                add(format!("{n}の数"), XCell::int(*k as i64));
            }
            add("指標の表がある項目の数".into(), XCell::int(f.sections_with_indicators as i64));
            add("指標の数".into(), XCell::int(f.indicators as i64));
            add("達成".into(), XCell::int(f.tally.achieved as i64));
            add("未達成".into(), XCell::int(f.tally.not_achieved as i64));
            add("判定不能".into(), XCell::int(f.tally.not_judged as i64));
            let share = f.tally.share_tenths().map_or(XCell::Empty, |t| XCell::Number(t as f64 / 10.0));
            add("達成率（%）".into(), share);
        }
        sheets.push(summary);

        for c in &self.chapters {
            let mut columns: Vec<Column> =
                c.sections.iter().flat_map(|s| &s.tables).flat_map(|t| t.columns.iter().copied()).collect();
            columns.sort_by_key(|c| (c.fiscal_year, role_order(c.role)));
            columns.dedup();
            if columns.is_empty() {
                continue;
            }
            let mut header: Vec<String> =
                ["体系コード", "名称", "表", "指標", "単位", "目指す方向"].iter().map(|s| s.to_string()).collect();
            header.extend(columns.iter().map(Column::header));
            header.extend(["判定".to_string(), "判定の根拠".to_string()]);
            let mut sheet = Sheet { name: format!("指標 {}", c.plan_name), header, ..Sheet::default() };
            sheet.widths = vec![10.0, 30.0, 10.0, 40.0, 8.0, 12.0];
            sheet.widths.extend(columns.iter().map(|_| 16.0));
            sheet.widths.extend([10.0, 36.0]);
            for s in &c.sections {
                for t in &s.tables {
                    for r in &t.rows {
                        let mut row = vec![
                            XCell::text(s.code.clone()),
                            XCell::text(s.title.clone()),
                            XCell::text(t.kind.clone()),
                            XCell::text(r.name.clone()),
                            XCell::text(r.unit.clone().unwrap_or_default()),
                            XCell::text(r.direction.label()),
                        ];
                        for col in &columns {
                            let cell = t.columns.iter().position(|x| x == col).map(|i| r.cells[i].clone());
                            row.push(XCell::text(cell.unwrap_or_default()));
                        }
                        row.push(XCell::text(r.achievement.display()));
                        row.push(XCell::text(basis_text(&r.achievement)));
                        sheet.rows.push(row);
                    }
                }
            }
            sheets.push(sheet);
        }

        let mut texts = Sheet::new("記述", &["計画", "体系コード", "名称", "事業等", "見出し", "本文"]);
        texts.widths = vec![30.0, 10.0, 30.0, 30.0, 30.0, 80.0];
        for c in &self.chapters {
            for p in &c.intro {
                texts.rows.push(vec![
                    XCell::text(c.plan_name.clone()),
                    XCell::Empty,
                    XCell::Empty,
                    XCell::Empty,
                    XCell::text(p.label.clone()),
                    XCell::text(p.text.to_plain_text()),
                ]);
            }
            for s in &c.sections {
                let mut push = |item: &str, label: &str, text: String| {
                    texts.rows.push(vec![
                        XCell::text(c.plan_name.clone()),
                        XCell::text(s.code.clone()),
                        XCell::text(s.title.clone()),
                        XCell::text(item),
                        XCell::text(label),
                        XCell::text(text),
                    ])
                };
                for p in &s.narratives {
                    push("", &p.label, p.text.to_plain_text());
                }
                for n in &s.notes {
                    push("", "注", n.clone());
                }
                for i in &s.items {
                    for p in &i.narratives {
                        push(&format!("{} {}", i.code, i.title), &p.label, p.text.to_plain_text());
                    }
                }
            }
        }
        sheets.push(texts);

        let mut tree = Sheet::new("体系", &["計画", "コード", "階層", "階層名", "名称", "タグ", "担当"]);
        tree.widths = vec![30.0, 12.0, 6.0, 14.0, 50.0, 12.0, 40.0];
        for c in &self.chapters {
            for s in &c.sections {
                tree.rows.push(vec![
                    XCell::text(c.plan_name.clone()),
                    XCell::text(s.code.clone()),
                    XCell::int(s.level as i64 + 1),
                    XCell::text(s.level_name.clone()),
                    XCell::text(s.title.clone()),
                    XCell::text(s.tags.join(";")),
                    XCell::text(s.responsible.join(";")),
                ]);
            }
        }
        sheets.push(tree);
        sheets
    }
}

fn basis_text(a: &Achievement) -> String {
    match (&a.basis, &a.status) {
        (_, crate::achievement::Status::NotJudged(reason)) => reason.clone(),
        (Some(b), _) => format!(
            "{}（実績 {}、目標 {}）",
            b.describe(),
            a.actual.as_deref().unwrap_or(""),
            a.target.as_deref().unwrap_or("")
        ),
        (None, _) => String::new(),
    }
}

/// The heading of a section as printed: `第1-1 国際化の推進`, with 【主要】.
pub fn section_heading(s: &Section) -> String {
    let flag = if s.tags.iter().any(|t| t == "主要") { "【主要】" } else { "" };
    format!("{} {flag}{}", s.code, s.title)
}

fn section(doc: &mut Document, s: &Section) {
    // 部 under the plan's heading, 施策 under the 部, and so on; the
    // section's own parts one level below it.
    let level = (s.level + 2).min(4) as u8;
    doc.heading(level, section_heading(s));
    if !s.responsible.is_empty() {
        doc.paragraph(format!("［主な担当課］{}", s.responsible.join("、")));
    }
    for t in &s.tables {
        doc.push(Block::Table(table(s, t)));
    }
    for n in &s.notes {
        doc.push(Block::Note(n.clone()));
    }
    for t in &s.tables {
        for r in &t.rows {
            if let Some(chart) = &r.chart {
                doc.push(Block::Chart(Box::new(chart.clone())));
                doc.push(Block::Note(format!("判定: {}（{}）", r.achievement.display(), basis_text(&r.achievement))));
            }
        }
    }
    for p in &s.narratives {
        doc.heading(level + 1, p.label.clone());
        doc.push(Block::Narrative(p.text.clone()));
    }
    for i in &s.items {
        let mark = if i.relisting { "（再掲）" } else { "" };
        doc.heading(level + 1, format!("{} {}{mark}", i.code, i.title));
        if !i.responsible.is_empty() {
            doc.paragraph(format!("［担当］{}", i.responsible.join("、")));
        }
        for p in &i.narratives {
            doc.paragraph(format!("【{}】", p.label));
            doc.push(Block::Narrative(p.text.clone()));
        }
    }
}

fn table(s: &Section, t: &IndicatorTable) -> Table {
    let mut table = Table { caption: Some(format!("{} {}　{}", s.code, s.title, t.kind)), ..Table::default() };
    table.widths = std::iter::once(3.2).chain(t.columns.iter().map(|_| 1.3)).collect();
    let mut head = vec![Cell::col("指標")];
    head.extend(t.columns.iter().map(|c| Cell::col(format!("{}\n{}", c.caption(), c.year_label()))));
    table.head.push(head);
    for r in &t.rows {
        let mut row = vec![Cell::row(r.name.clone())];
        row.extend(r.cells.iter().map(|c| Cell::figure(c.clone())));
        table.body.push(row);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_labels_follow_the_white_paper() {
        let c = Column { fiscal_year: FiscalYear::new(2010).unwrap(), role: ValueRole::Baseline };
        assert_eq!(c.header(), "計画策定時 平成22年度");
        let c = Column { fiscal_year: FiscalYear::new(2022).unwrap(), role: ValueRole::Target };
        assert_eq!(c.header(), "目標値 令和4(2022)年度");
    }
}
