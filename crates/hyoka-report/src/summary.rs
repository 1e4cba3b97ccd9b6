//! Summary lists (評価結果一覧): every entry of a plan with its grades per
//! evaluator, counts of each grade per group, per department and per
//! evaluator, and the share of indicators achieved — like 小平市's list of
//! 43 items graded S/A/B by 所管課 and 行革本部 (seed 003).
//!
//! # What is listed and what is counted
//!
//! One list per plan that has an entry graded in the fiscal year or an
//! indicator with a value up to it. The entries are the items placed in
//! the plan, in printed order (node by node). Two kinds of entries are
//! listed but never counted:
//!
//! - **re-listings (再掲)**: a placement flagged as a re-listing, or an item
//!   that repeats another (`relisting_of`). Totals use
//!   [`hyoka_core::plan::tally`], which counts each item once per group and
//!   never a re-listing;
//! - **parts (内訳)**: items placed at a node next to the node's own item
//!   whose code extends it (`No.2-1`, `No.2-1~5` under `No.2`): sub-sheets
//!   that report a part of the entry.
//!
//! Groups are the plan's top-level nodes (小平市's five groups). Departments
//! are an entry's responsible departments (or its sections where the
//! document names no department); an entry shared by two departments
//! counts in each, so the department rows may add up to more than the
//! total. A grade column is a (stage, evaluator) pair, labelled as the
//! city's sheet layout labels it (`1次評価（所管課）`); its grades are listed
//! in the order of the city's scale, then any other printed grade, then
//! 未評価 for entries without a grade.
//!
//! An item with the node's own code describes the node when other entries
//! sit at the same node (東村山市's department, whose objectives are the
//! entries): it is not listed.
//!
//! An entry carries its aim (the narrative slot `purpose`, 小平市's
//! 目的・ねらい) as the city's list prints it beside the title: the one of the
//! year, else the latest earlier one (the plan part is carried forward). The
//! column is shown when an entry of the list has one.
//!
//! The share of indicators achieved follows [`crate::achievement`]: the
//! indicators of the counted entries and of the plan's nodes, each judged
//! once on its stored values. A plan is in the year's summary when one of
//! its entries was graded in the year or one of its indicators has a value
//! of the year.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use hyoka_core::layout::SheetLayout;
use hyoka_core::plan::{tally, Placement};
use hyoka_core::{Evaluator, FiscalYear, Stage};
use hyoka_store::Store;

use crate::achievement::{assess, Achievement, CellRef, Tally};
use crate::city::{preorder, same_code, sheet_layout, City};
use crate::csvfile::{CsvFile, Field};
use crate::doc::{Block, Cell, Document, Table};
use crate::opendata::rows::ItemData;
use crate::xlsx::{Sheet, XCell};
use crate::ReportError;

/// The column of the list that says whether an entry is counted (1 or 0):
/// a number, not text.
const LIST_COUNTED: usize = 8;

/// The grade printed for an entry without one in a column.
pub const UNGRADED: &str = "未評価";

/// The narrative slot an entry's aim is kept in.
const PURPOSE_SLOT: &str = "purpose";

#[derive(Clone, Debug)]
pub struct SummaryReport {
    pub municipality_code: String,
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    pub lists: Vec<SummaryList>,
}

#[derive(Clone, Debug)]
pub struct SummaryList {
    pub plan_code: String,
    pub plan_name: String,
    pub columns: Vec<GradeColumn>,
    /// The heading of the entries' aims (`目的・ねらい`), when one has an aim.
    pub purpose_label: Option<String>,
    pub entries: Vec<Entry>,
    /// One row per group (top-level node), in printed order.
    pub by_group: Vec<CountRow>,
    /// One row per department, in order of first appearance.
    pub by_department: Vec<CountRow>,
    /// All counted entries.
    pub total: CountRow,
    /// Indicators of the counted entries and of the plan's nodes.
    pub indicators: Vec<IndicatorResult>,
    pub achievement: Tally,
    /// Achievement per group, in the order of `by_group`.
    pub achievement_by_group: Vec<(String, Tally)>,
}

/// A grade column: a stage and an evaluator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeColumn {
    pub stage: Stage,
    pub evaluator: Evaluator,
    /// `1次評価（所管課）`.
    pub label: String,
    /// The grades counted, in order, ending with [`UNGRADED`].
    pub grades: Vec<String>,
    /// The scale's legend when it prints one: `S 計画以上に進んでいる …`.
    pub legend: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    /// The top-level node: (code, title).
    pub group: Option<(String, String)>,
    pub node_code: String,
    pub item_id: i64,
    pub code: String,
    pub title: String,
    /// The entry's aim as printed (目的・ねらい), if it has one.
    pub purpose: Option<String>,
    pub tags: Vec<String>,
    pub responsible: Vec<String>,
    /// A re-listing, with the code of the entry it repeats when known.
    pub relisting: Option<String>,
    /// A part (内訳) of the entry with this code.
    pub part_of: Option<String>,
    /// One grade per column, as printed.
    pub grades: Vec<Option<String>>,
}

impl Entry {
    pub fn counted(&self) -> bool {
        self.relisting.is_none() && self.part_of.is_none()
    }

    /// `再掲（No.15）`, `内訳（No.2）`, or nothing.
    pub fn note(&self) -> String {
        match (&self.relisting, &self.part_of) {
            (Some(o), _) if !o.is_empty() => format!("再掲（{o}）"),
            (Some(_), _) => "再掲".into(),
            (None, Some(p)) => format!("内訳（{p}）"),
            (None, None) => String::new(),
        }
    }
}

/// Counts per column and grade for one row of a count table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountRow {
    pub label: String,
    /// Entries counted in the row.
    pub entries: usize,
    /// `counts[column][grade]`, in the order of the columns' grades.
    pub counts: Vec<Vec<usize>>,
}

#[derive(Clone, Debug)]
pub struct IndicatorResult {
    pub group: Option<String>,
    pub entry_code: Option<String>,
    pub entry_title: Option<String>,
    pub name: String,
    pub achievement: Achievement,
}

// ---------------------------------------------------------------- compile

pub async fn compile_summary(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
) -> Result<SummaryReport, ReportError> {
    let city = City::load(store, municipality).await?;
    let layout = sheet_layout(store, municipality).await;
    build(&city, &layout, fiscal_year)
}

pub async fn summary_html(store: &Store, municipality: &str, fiscal_year: FiscalYear) -> Result<String, ReportError> {
    Ok(compile_summary(store, municipality, fiscal_year).await?.html())
}

pub async fn summary_pdf(store: &Store, municipality: &str, fiscal_year: FiscalYear) -> Result<Vec<u8>, ReportError> {
    Ok(compile_summary(store, municipality, fiscal_year).await?.pdf())
}

pub async fn summary_xlsx(store: &Store, municipality: &str, fiscal_year: FiscalYear) -> Result<Vec<u8>, ReportError> {
    compile_summary(store, municipality, fiscal_year).await?.xlsx()
}

/// The list as CSV (one row per entry), with a BOM when `bom` (for Excel).
pub async fn summary_csv(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
    bom: bool,
) -> Result<String, ReportError> {
    Ok(compile_summary(store, municipality, fiscal_year).await?.csv(bom))
}

/// The column label of a (stage, evaluator): the city's layout's, else
/// `1次評価（主管課）`.
/// An item's aim of the year, else its latest earlier one; undated counts
/// as earlier than any year.
fn purpose(city: &City, item_id: i64, fy: FiscalYear) -> Option<String> {
    city.narratives_of(item_id)
        .iter()
        .filter(|n| n.slot == PURPOSE_SLOT && n.fiscal_year.is_none_or(|y| y <= fy) && !n.text.is_empty())
        .max_by_key(|n| n.fiscal_year)
        .map(|n| n.text.to_plain_text())
}

fn column_label(layout: &SheetLayout, stage: Stage, evaluator: Evaluator) -> String {
    layout
        .grade_slots()
        .find(|g| g.stage == stage && g.evaluator == evaluator)
        .map(|g| g.label.clone())
        .unwrap_or_else(|| format!("{}（{}）", stage.label(), evaluator.label()))
}

/// Whether `code` extends `parent`: `No.2-1`, `No.2-1~5` under `No.2`.
fn extends(code: &str, parent: &str) -> bool {
    let (code, parent) = (hyoka_core::text::squeeze(code), hyoka_core::text::squeeze(parent));
    code.len() > parent.len() && code.starts_with(&parent) && code[parent.len()..].starts_with(['-', '~', '～', ':'])
}

pub fn build(city: &City, layout: &SheetLayout, fy: FiscalYear) -> Result<SummaryReport, ReportError> {
    let data = &city.data;
    let mut lists = Vec::new();
    for plan in &data.plans {
        let order = preorder(plan);
        let root_of = |node_id: i64| {
            let mut n = order.iter().find(|n| n.id == node_id)?;
            while let Some(p) = n.parent_id.and_then(|p| order.iter().find(|x| x.id == p)) {
                n = p;
            }
            Some((n.code.clone(), n.title.clone()))
        };
        // Entries, node by node.
        let mut raw: Vec<(&ItemData, Entry)> = Vec::new();
        for node in &order {
            let here = city.items_at(node.id);
            let own =
                here.iter().find(|(i, r)| !r && same_code(&i.item.code, &node.code)).map(|(i, _)| i.item.code.clone());
            // The node's own item describes the node (a department's goals)
            // when other entries sit at the node: it is not an entry.
            let header = own
                .as_ref()
                .filter(|o| here.iter().any(|(i, _)| !same_code(&i.item.code, o) && !extends(&i.item.code, o)));
            for (item, relisting) in here {
                if !relisting && header.is_some_and(|h| same_code(&item.item.code, h)) {
                    continue;
                }
                let relisting_of = item.item.relisting_of.as_ref().map(|key| {
                    data.items.iter().find(|i| &i.item.key == key).map_or_else(String::new, |i| i.item.code.clone())
                });
                let relisting =
                    if relisting || relisting_of.is_some() { Some(relisting_of.unwrap_or_default()) } else { None };
                let part_of = own.clone().filter(|o| extends(&item.item.code, o));
                raw.push((
                    item,
                    Entry {
                        group: root_of(node.id),
                        node_code: node.code.clone(),
                        item_id: item.item.id,
                        code: item.item.code.clone(),
                        title: item.item.title.clone(),
                        purpose: purpose(city, item.item.id, fy),
                        tags: item.item.tags.clone(),
                        responsible: City::responsible(item),
                        relisting,
                        part_of,
                        grades: Vec::new(),
                    },
                ));
            }
        }
        // An item placed twice in the plan without a re-listing flag is
        // listed twice but counted at its first place only (tally counts it
        // once per group; the second place is marked a re-listing).
        let mut seen: HashSet<i64> = HashSet::new();
        for (_, e) in raw.iter_mut() {
            if e.counted() && !seen.insert(e.item_id) {
                e.relisting = Some(e.code.clone());
            }
        }

        // Grade columns: every (stage, evaluator) graded in the year.
        let mut pairs: BTreeMap<(Stage, Evaluator), (Option<String>, BTreeSet<String>)> = BTreeMap::new();
        for (item, _) in &raw {
            for ev in item.evaluations.iter().filter(|e| e.fiscal_year == fy) {
                let slot = pairs.entry((ev.stage, ev.evaluator)).or_default();
                if slot.0.is_none() {
                    slot.0 = ev.scale.clone();
                }
                if let Some(g) = ev.grade.as_deref().map(hyoka_core::text::normalise).filter(|g| !g.is_empty()) {
                    slot.1.insert(g);
                }
            }
        }
        let columns: Vec<GradeColumn> = pairs
            .into_iter()
            .map(|((stage, evaluator), (scale, seen))| {
                let scale = scale.and_then(|code| data.scales.iter().find(|s| s.code == code));
                let mut grades: Vec<String> =
                    scale.map(|s| s.grades.iter().map(|g| g.code.clone()).collect()).unwrap_or_default();
                for g in seen {
                    if !grades.contains(&g) {
                        grades.push(g);
                    }
                }
                grades.push(UNGRADED.into());
                GradeColumn {
                    stage,
                    evaluator,
                    label: column_label(layout, stage, evaluator),
                    grades,
                    legend: scale.filter(|s| s.legend_printed).map(|s| s.legend()),
                }
            })
            .collect();
        // A re-listing shows the grades of the item it repeats where it has
        // none of its own (the importer stores what the copy prints alike
        // once, on the original).
        let grade = |item: &ItemData, c: &GradeColumn| {
            item.evaluations
                .iter()
                .find(|ev| ev.fiscal_year == fy && ev.stage == c.stage && ev.evaluator == c.evaluator)
                .and_then(|ev| ev.grade.as_deref().map(hyoka_core::text::normalise))
                .filter(|g| !g.is_empty())
        };
        for (item, e) in raw.iter_mut() {
            let origin = item.item.relisting_of.as_ref().and_then(|key| data.items.iter().find(|i| &i.item.key == key));
            e.grades = columns.iter().map(|c| grade(item, c).or_else(|| origin.and_then(|o| grade(o, c)))).collect();
        }

        // Indicators of the counted entries and of the plan's nodes.
        let node_ids: HashSet<i64> = plan.nodes.iter().map(|n| n.id).collect();
        let mut indicators = Vec::new();
        let mut year_values = false;
        for ind in &data.indicators {
            let rec = &ind.indicator;
            let owner = rec.item_id.and_then(|id| raw.iter().find(|(i, e)| i.item.id == id && e.counted()));
            let group = match (owner, rec.node_id) {
                (Some((_, e)), _) => e.group.as_ref().map(|g| g.1.clone()),
                (None, Some(n)) if node_ids.contains(&n) && rec.item_id.is_none() => root_of(n).map(|g| g.1),
                _ => continue,
            };
            let refs: Vec<CellRef> = ind
                .values
                .iter()
                .map(|v| CellRef { fiscal_year: v.fiscal_year, role: v.role, cell: &v.cell })
                .collect();
            if !refs.iter().any(|c| c.fiscal_year <= fy) {
                continue;
            }
            year_values |= refs.iter().any(|c| c.fiscal_year == fy && !c.cell.is_empty_value());
            indicators.push(IndicatorResult {
                group,
                entry_code: owner.map(|(_, e)| e.code.clone()),
                entry_title: owner.map(|(_, e)| e.title.clone()),
                name: rec.name.clone(),
                achievement: assess(rec.direction, rec.vocabulary.as_deref(), &refs, fy),
            });
        }

        let entries: Vec<Entry> = raw.into_iter().map(|(_, e)| e).collect();
        // A plan is in the year's summary when it was graded in the year or
        // one of its indicators has a value of the year.
        if columns.is_empty() && !year_values {
            continue;
        }
        let (by_group, total, by_department) = counts(&plan.plan.code, &entries, &columns);
        let mut achievement = Tally::default();
        let mut achievement_by_group: Vec<(String, Tally)> =
            by_group.iter().map(|r| (r.label.clone(), Tally::default())).collect();
        for r in &indicators {
            achievement.add(&r.achievement);
            if let Some(g) = &r.group {
                match achievement_by_group.iter_mut().find(|(l, _)| l == g) {
                    Some((_, t)) => t.add(&r.achievement),
                    None => {
                        let mut t = Tally::default();
                        t.add(&r.achievement);
                        achievement_by_group.push((g.clone(), t));
                    }
                }
            }
        }
        let purpose_label = entries.iter().find_map(|e| e.purpose.as_ref()).map(|_| {
            let labels = entries.iter().flat_map(|e| city.narratives_of(e.item_id));
            labels.filter(|n| n.slot == PURPOSE_SLOT).map(|n| n.label.clone()).next().unwrap_or_else(|| "目的".into())
        });
        lists.push(SummaryList {
            plan_code: plan.plan.code.clone(),
            plan_name: plan.plan.name.clone(),
            columns,
            purpose_label,
            entries,
            by_group,
            by_department,
            total,
            indicators,
            achievement,
            achievement_by_group,
        });
    }
    if lists.is_empty() {
        return Err(ReportError::Empty(format!(
            "{}の{}の評価結果はありません（評価も指標の値も登録されていません）",
            city.name(),
            fy.label()
        )));
    }
    Ok(SummaryReport {
        municipality_code: data.municipality.code.clone(),
        municipality: data.municipality.name.clone(),
        fiscal_year: fy,
        lists,
    })
}

/// The count tables, with [`tally`]: each item once per group, re-listings
/// never.
fn counts(plan: &str, entries: &[Entry], columns: &[GradeColumn]) -> (Vec<CountRow>, CountRow, Vec<CountRow>) {
    // Parts (内訳) are not entries of the plan: they get no placement.
    let placements: Vec<Placement> = entries
        .iter()
        .filter(|e| e.part_of.is_none())
        .map(|e| Placement {
            item: e.item_id.to_string(),
            plan: plan.to_string(),
            node: e.node_code.clone(),
            relisting: e.relisting.is_some(),
        })
        .collect();
    let entry_of = |p: &Placement| {
        entries.iter().find(|e| e.item_id.to_string() == p.item && e.node_code == p.node && e.relisting.is_none())
    };
    let grade_of = |e: &Entry, c: usize| e.grades[c].clone().unwrap_or_else(|| UNGRADED.to_string());
    let group_label = |e: &Entry| e.group.as_ref().map_or_else(|| "（グループなし）".to_string(), |g| g.1.clone());

    let mut group_order: Vec<String> = Vec::new();
    for e in entries.iter().filter(|e| e.counted()) {
        let g = group_label(e);
        if !group_order.contains(&g) {
            group_order.push(g);
        }
    }
    let row = |label: &str, key: &dyn Fn(&Entry) -> Option<String>| {
        let per_entry = tally(&placements, |p| entry_of(p).and_then(key).filter(|k| k == label));
        let n = per_entry.get(&Some(label.to_string())).copied().unwrap_or(0);
        let counts = columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let t = tally(&placements, |p| {
                    entry_of(p).filter(|e| key(e).as_deref() == Some(label)).map(|e| grade_of(e, c))
                });
                col.grades.iter().map(|g| t.get(&Some(g.clone())).copied().unwrap_or(0)).collect()
            })
            .collect();
        CountRow { label: label.to_string(), entries: n, counts }
    };
    let by_group: Vec<CountRow> = group_order.iter().map(|g| row(g, &|e: &Entry| Some(group_label(e)))).collect();
    let total = row("合計", &|_: &Entry| Some("合計".to_string()));

    // Departments: an entry counts in each of its departments.
    let mut departments: Vec<String> = Vec::new();
    for e in entries.iter().filter(|e| e.counted()) {
        for r in departments_of(e) {
            if !departments.contains(&r) {
                departments.push(r);
            }
        }
    }
    let by_department = departments
        .iter()
        .map(|d| {
            let n = entries.iter().filter(|e| e.counted() && departments_of(e).contains(d)).count();
            let counts = columns
                .iter()
                .enumerate()
                .map(|(c, col)| {
                    let t = tally(&placements, |p| {
                        entry_of(p).filter(|e| departments_of(e).contains(d)).map(|e| grade_of(e, c))
                    });
                    col.grades.iter().map(|g| t.get(&Some(g.clone())).copied().unwrap_or(0)).collect()
                })
                .collect();
            CountRow { label: d.clone(), entries: n, counts }
        })
        .collect();
    (by_group, total, by_department)
}

/// The departments of an entry: `企画部`, or the section where the
/// document names no department; `（担当なし）` when none.
fn departments_of(e: &Entry) -> Vec<String> {
    if e.responsible.is_empty() {
        return vec!["（担当なし）".to_string()];
    }
    let mut out: Vec<String> = Vec::new();
    for r in &e.responsible {
        // `企画部企画経営課` → 企画部; a section alone stays as it is.
        let d = match r.find('部') {
            Some(i) => r[..i + '部'.len_utf8()].to_string(),
            None => r.clone(),
        };
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

// ---------------------------------------------------------------- render

impl SummaryReport {
    pub fn title(&self) -> String {
        format!("{} 評価結果一覧（{}）", self.municipality, self.fiscal_year.label())
    }

    pub fn document(&self) -> Document {
        let mut doc = Document::new(self.title());
        doc.subtitle = Some(format!("{}　{}", self.municipality, self.fiscal_year.label_with_western()));
        for list in &self.lists {
            doc.heading(1, list.plan_name.clone());
            let counted = list.entries.iter().filter(|e| e.counted()).count();
            let relisted = list.entries.iter().filter(|e| e.relisting.is_some()).count();
            let parts = list.entries.iter().filter(|e| e.part_of.is_some()).count();
            let mut facts = vec![("集計した項目".to_string(), format!("{counted}件"))];
            if relisted > 0 {
                facts.push(("再掲（集計に含めない）".into(), format!("{relisted}件")));
            }
            if parts > 0 {
                facts.push(("内訳（集計に含めない）".into(), format!("{parts}件")));
            }
            for (c, col) in list.columns.iter().enumerate() {
                let counts: Vec<String> = col
                    .grades
                    .iter()
                    .zip(&list.total.counts[c])
                    .filter(|(g, n)| **n > 0 || *g != UNGRADED)
                    .map(|(g, n)| format!("{g} {n}件"))
                    .collect();
                facts.push((col.label.clone(), counts.join("、")));
            }
            if !list.indicators.is_empty() {
                let t = &list.achievement;
                facts.push((
                    "指標の達成率".into(),
                    format!(
                        "{}（達成 {} ／ 判定 {}、判定不能 {}）",
                        t.share_text(),
                        t.achieved,
                        t.judged(),
                        t.not_judged
                    ),
                ));
            }
            doc.push(Block::Facts(facts));
            for col in &list.columns {
                if let Some(l) = &col.legend {
                    doc.push(Block::Note(format!("{}の評価: {l}", col.label)));
                }
            }

            if !list.columns.is_empty() {
                doc.heading(2, "項目ごとの評価");
                doc.push(Block::Table(entry_table(list)));
                doc.heading(2, "グループ別の集計");
                doc.push(Block::Table(count_table(list, "グループ", &list.by_group, true)));
                doc.heading(2, "担当部課別の集計");
                doc.push(Block::Table(count_table(list, "担当部課", &list.by_department, false)));
                doc.push(Block::Note("複数の部課が担当する項目は、それぞれの部課に計上しています。".into()));
                doc.heading(2, "評価者別の集計");
                doc.push(Block::Table(evaluator_table(list)));
            }
            if !list.indicators.is_empty() {
                doc.heading(2, "指標の達成状況");
                doc.push(Block::Table(achievement_table(list)));
                doc.push(Block::Note(crate::whitepaper::WhitePaper::ACHIEVEMENT_RULE.into()));
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

    pub fn xlsx(&self) -> Result<Vec<u8>, ReportError> {
        crate::xlsx::workbook(&self.title(), &self.sheets())
    }

    /// The list in long form: one row per entry and grade column.
    fn list_header(&self) -> Vec<&'static str> {
        vec![
            "計画",
            "グループ",
            "体系コード",
            "コード",
            "項目",
            "タグ",
            "担当",
            "再掲・内訳",
            "集計対象",
            "評価段階",
            "評価者",
            "評価",
            "目的・ねらい",
        ]
    }

    fn list_rows(&self) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for list in &self.lists {
            for e in &list.entries {
                let base = vec![
                    list.plan_name.clone(),
                    e.group.as_ref().map(|g| g.1.clone()).unwrap_or_default(),
                    e.node_code.clone(),
                    e.code.clone(),
                    e.title.clone(),
                    e.tags.join(";"),
                    e.responsible.join(";"),
                    e.note(),
                    if e.counted() { "1" } else { "0" }.to_string(),
                ];
                let purpose = e.purpose.clone().unwrap_or_default();
                if list.columns.is_empty() {
                    let mut r = base.clone();
                    r.extend([String::new(), String::new(), String::new(), purpose.clone()]);
                    rows.push(r);
                }
                for (c, col) in list.columns.iter().enumerate() {
                    let mut r = base.clone();
                    r.push(col.stage.label().to_string());
                    r.push(col.evaluator.label().to_string());
                    r.push(e.grades[c].clone().unwrap_or_default());
                    r.push(purpose.clone());
                    rows.push(r);
                }
            }
        }
        rows
    }

    /// The list as CSV: one row per entry and grade column (long format),
    /// RFC 4180, CRLF, UTF-8 (with a BOM when `bom`, for Excel). A missing
    /// grade is an empty field; text is neutralised against formula
    /// injection, the 集計対象 flag stays a number.
    pub fn csv(&self, bom: bool) -> String {
        let mut file = CsvFile::new(bom);
        file.header(self.list_header());
        for r in self.list_rows() {
            file.record(
                r.iter().enumerate().map(|(i, v)| if i == LIST_COUNTED { Field::Number(v) } else { Field::Text(v) }),
            );
        }
        file.finish()
    }

    /// The counts as CSV: one row per plan, grouping, group, column and
    /// grade (long format); the count is a number, the rest text.
    pub fn counts_csv(&self, bom: bool) -> String {
        let mut file = CsvFile::new(bom);
        file.header(["計画", "集計の単位", "区分", "評価段階", "評価者", "評価", "件数"]);
        for r in self.count_rows() {
            let last = r.len() - 1;
            file.record(r.iter().enumerate().map(|(i, v)| if i == last { Field::Number(v) } else { Field::Text(v) }));
        }
        file.finish()
    }

    fn count_rows(&self) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for list in &self.lists {
            let sets: [(&str, Vec<&CountRow>); 3] = [
                ("グループ", list.by_group.iter().collect()),
                ("担当部課", list.by_department.iter().collect()),
                ("合計", vec![&list.total]),
            ];
            for (unit, set) in sets {
                for row in set {
                    for (c, col) in list.columns.iter().enumerate() {
                        for (g, n) in col.grades.iter().zip(&row.counts[c]) {
                            rows.push(vec![
                                list.plan_name.clone(),
                                unit.to_string(),
                                row.label.clone(),
                                col.stage.label().to_string(),
                                col.evaluator.label().to_string(),
                                g.clone(),
                                n.to_string(),
                            ]);
                        }
                    }
                }
            }
        }
        rows
    }

    /// 一覧 (the list, long), 集計 (counts, long), 指標 (each indicator's
    /// judgement): one table per sheet, no merged cells.
    pub fn sheets(&self) -> Vec<Sheet> {
        let mut list = Sheet::new("一覧", &self.list_header());
        list.rows = self
            .list_rows()
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .enumerate()
                    .map(|(i, v)| if i == LIST_COUNTED { XCell::int(v.parse().unwrap_or(0)) } else { XCell::text(v) })
                    .collect()
            })
            .collect();
        list.widths = vec![28.0, 24.0, 10.0, 10.0, 44.0, 16.0, 28.0, 12.0, 8.0, 10.0, 14.0, 6.0, 60.0];
        let mut counts = Sheet::new("集計", &["計画", "集計の単位", "区分", "評価段階", "評価者", "評価", "件数"]);
        counts.rows = self
            .count_rows()
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .enumerate()
                    .map(|(i, v)| if i == 6 { XCell::int(v.parse().unwrap_or(0)) } else { XCell::text(v) })
                    .collect()
            })
            .collect();
        let mut indicators =
            Sheet::new("指標", &["計画", "グループ", "コード", "項目", "指標", "判定", "判定の根拠", "目標", "実績"]);
        for l in &self.lists {
            for r in &l.indicators {
                let a = &r.achievement;
                indicators.rows.push(vec![
                    XCell::text(l.plan_name.clone()),
                    XCell::text(r.group.clone().unwrap_or_default()),
                    XCell::text(r.entry_code.clone().unwrap_or_default()),
                    XCell::text(r.entry_title.clone().unwrap_or_default()),
                    XCell::text(r.name.clone()),
                    XCell::text(a.display()),
                    XCell::text(match (&a.basis, &a.status) {
                        (_, crate::achievement::Status::NotJudged(why)) => why.clone(),
                        (Some(b), _) => b.describe(),
                        _ => String::new(),
                    }),
                    XCell::text(a.target.clone().unwrap_or_default()),
                    XCell::text(a.actual.clone().unwrap_or_default()),
                ]);
            }
        }
        vec![list, counts, indicators]
    }
}

fn entry_table(list: &SummaryList) -> Table {
    let mut t = Table { caption: Some(format!("{}　項目ごとの評価", list.plan_name)), ..Table::default() };
    let mut head = vec![Cell::col("No."), Cell::col("項目")];
    head.extend(list.purpose_label.iter().map(|l| Cell::col(l.clone())));
    head.push(Cell::col("担当"));
    head.extend(list.columns.iter().map(|c| Cell::col(c.label.clone())));
    t.head.push(head);
    t.widths = if list.purpose_label.is_some() { vec![1.3, 4.0, 5.0, 2.2] } else { vec![1.3, 5.0, 2.6] };
    t.widths.extend(list.columns.iter().map(|_| 1.2));
    let span = t.widths.len();
    let mut group: Option<&(String, String)> = None;
    for e in &list.entries {
        if e.group.is_some() && e.group.as_ref() != group {
            group = e.group.as_ref();
            if let Some((code, title)) = group {
                let label = if same_code(code, title) { title.clone() } else { format!("{code} {title}") };
                t.body.push(vec![Cell::row(label).span(span)]);
            }
        }
        let tags: String = e.tags.iter().map(|t| format!("【{t}】")).collect();
        let note = e.note();
        let title = if note.is_empty() {
            format!("{tags}{}", e.title)
        } else {
            format!("{tags}{}\n〔{note}・集計に含めない〕", e.title)
        };
        let code = if e.part_of.is_some() { format!("　{}", e.code) } else { e.code.clone() };
        let mut row = vec![Cell::row(code), Cell::text(title)];
        if list.purpose_label.is_some() {
            row.push(Cell::text(e.purpose.clone().unwrap_or_default()));
        }
        row.push(Cell::text(e.responsible.join("、")));
        row.extend(
            e.grades
                .iter()
                .map(|g| Cell::text(g.clone().unwrap_or_else(|| "—".into())).align(crate::doc::Align::Center)),
        );
        t.body.push(row);
    }
    t
}

fn count_table(list: &SummaryList, what: &str, rows: &[CountRow], with_total: bool) -> Table {
    let mut t =
        Table { caption: Some(format!("{}　{what}別の評価の件数", list.plan_name)), ..Table::default() };
    let mut head = vec![Cell::col(what), Cell::col("項目数")];
    for c in &list.columns {
        head.extend(c.grades.iter().map(|g| Cell::col(format!("{}\n{g}", c.label))));
    }
    t.head.push(head);
    let grades: usize = list.columns.iter().map(|c| c.grades.len()).sum();
    t.widths = vec![4.0, 1.2];
    t.widths.extend((0..grades).map(|_| 1.3));
    t.compact = grades > 8;
    let push = |t: &mut Table, r: &CountRow| {
        let mut row = vec![Cell::row(r.label.clone()), Cell::figure(r.entries.to_string())];
        for counts in &r.counts {
            row.extend(counts.iter().map(|n| Cell::figure(n.to_string())));
        }
        t.body.push(row);
    };
    for r in rows {
        push(&mut t, r);
    }
    if with_total {
        push(&mut t, &list.total);
    }
    t
}

fn evaluator_table(list: &SummaryList) -> Table {
    let mut t =
        Table { caption: Some(format!("{}　評価者別の評価の件数", list.plan_name)), ..Table::default() };
    t.head.push(vec![Cell::col("評価者"), Cell::col("評価"), Cell::col("件数"), Cell::col("割合")]);
    t.widths = vec![3.0, 1.5, 1.0, 1.0];
    for (c, col) in list.columns.iter().enumerate() {
        let total: usize = list.total.counts[c].iter().sum();
        for (g, n) in col.grades.iter().zip(&list.total.counts[c]) {
            let share = if total == 0 { "—".to_string() } else { percent(*n, total) };
            t.body.push(vec![
                Cell::row(col.label.clone()),
                Cell::text(g.clone()).align(crate::doc::Align::Center),
                Cell::figure(n.to_string()),
                Cell::figure(share),
            ]);
        }
    }
    t
}

fn percent(n: usize, d: usize) -> String {
    let tenths = (n as u64 * 2000 + d as u64) / (2 * d as u64);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn achievement_table(list: &SummaryList) -> Table {
    let mut t = Table { caption: Some(format!("{}　指標の達成状況", list.plan_name)), ..Table::default() };
    t.head.push(["グループ", "指標", "達成", "未達成", "判定不能", "達成率"].into_iter().map(Cell::col).collect());
    t.widths = vec![4.0, 1.0, 1.0, 1.0, 1.0, 1.2];
    let mut push = |label: &str, tl: &Tally| {
        t.body.push(vec![
            Cell::row(label.to_string()),
            Cell::figure(tl.total().to_string()),
            Cell::figure(tl.achieved.to_string()),
            Cell::figure(tl.not_achieved.to_string()),
            Cell::figure(tl.not_judged.to_string()),
            Cell::figure(tl.share_text()),
        ])
    };
    for (g, tl) in &list.achievement_by_group {
        if tl.total() > 0 {
            push(g, tl);
        }
    }
    push("合計", &list.achievement);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_extend_their_entry() {
        assert!(extends("No.2-1", "No.2"));
        assert!(extends("No.2-1~5", "No.2"));
        assert!(!extends("No.21", "No.2"));
        assert!(!extends("No.2", "No.2"));
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(2, 3), "66.7%");
    }
}
