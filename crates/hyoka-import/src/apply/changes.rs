//! What an import adds, changes and removes, row by row, for `--dry-run`,
//! for the summary after a real import, and to find changes to fiscal
//! years that are locked or published.
//!
//! The comparison is between the city as stored and the city as it will
//! be stored ([`super::merge::after`]); derived values (the value of a
//! year, the computed judgement) are compared as well, so a comparison that
//! finds nothing means the writes change nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hyoka_core::judgement::Judgement;
use hyoka_core::roadmap::RoadmapRow;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::{Evaluator, FiscalYear, Stage, ValueRole};

use super::derive::derive;
use crate::batch::{CityBatch, IndicatorRow, ItemRow, SectionRow};

/// Counts for one kind of row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Tally {
    pub fn is_unchanged(&self) -> bool {
        self.added == 0 && self.changed == 0 && self.removed == 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "追加",
            ChangeKind::Changed => "変更",
            ChangeKind::Removed => "削除",
        }
    }
}

/// One row an import adds, changes or removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The fiscal year the row belongs to; `None` for what has no year
    /// (titles, plan nodes, the organisation).
    pub fiscal_year: Option<FiscalYear>,
    /// What holds the row, as printed: `No.2-1 協働事業の推進`, `指標「ボランティア参加者数」（No.2-1）`.
    pub subject: String,
    /// The row: `記述「事業の総括」`, `実績（No.2-1~5）`, `名称`.
    pub part: String,
    /// Before and after, shortened: `「2,067人 …」→「117人」`.
    pub detail: Option<String>,
}

impl Change {
    /// The change without its year: `No.2-1 協働事業の推進: 記述「総括」を変更`.
    pub fn what(&self) -> String {
        let mut s = format!("{}: {}を{}", self.subject, self.part, self.kind.label());
        if let Some(d) = &self.detail {
            s.push(' ');
            s.push_str(d);
        }
        s
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(fy) = self.fiscal_year {
            write!(f, "{} ", fy.label())?;
        }
        f.write_str(&self.what())
    }
}

/// A change to a fiscal year that is locked (確定) or published (公開).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrozenChange {
    pub municipality: String,
    pub city: String,
    pub fiscal_year: FiscalYear,
    pub published: bool,
    pub change: Change,
}

impl std::fmt::Display for FrozenChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.published { "公開済み" } else { "確定済み" };
        write!(f, "{} {}（{state}）: {}", self.city, self.fiscal_year.label(), self.change.what())
    }
}

/// What an import does to one city.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CityChanges {
    pub code: String,
    pub name: String,
    /// The city's name, its sections, scales and plans.
    pub organisation: Tally,
    pub plan_nodes: Tally,
    /// Items apart from their yearly rows: code, title, tags, placements, sections.
    pub items: Tally,
    /// The yearly rows of items: narratives, budgets, grades, schedules, directions.
    pub records: Tally,
    /// Indicators apart from their cells.
    pub indicators: Tally,
    /// Printed cells, one by one.
    pub values: Tally,
    /// Judgements, one per indicator and year.
    pub judgements: Tally,
    /// Every change and removal, in the order met.
    pub changes: Vec<Change>,
    /// Every addition, in the order met (kept apart from `changes`, which
    /// the command line lists; the web's dry run shows both).
    pub additions: Vec<Change>,
    /// Stored items of the years the file reports that the file does not
    /// hold, as (year, printed label). They are kept as stored; a document
    /// that ends early between two sheets is told this way.
    pub not_in_file: Vec<(FiscalYear, String)>,
}

impl CityChanges {
    pub fn tallies(&self) -> [(&'static str, Tally); 7] {
        [
            ("自治体・組織・尺度・計画", self.organisation),
            ("計画の項目", self.plan_nodes),
            ("事業・項目", self.items),
            ("記述・予算・評価・日程・方向性", self.records),
            ("指標", self.indicators),
            ("指標の値", self.values),
            ("判定", self.judgements),
        ]
    }

    pub fn is_unchanged(&self) -> bool {
        self.tallies().iter().all(|(_, t)| t.is_unchanged())
    }

    /// Rows removed, all kinds together.
    pub fn removed(&self) -> usize {
        self.tallies().iter().map(|(_, t)| t.removed).sum()
    }

    pub fn removals(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.kind == ChangeKind::Removed)
    }

    /// Changes to what has no fiscal year (names, titles, plan nodes);
    /// those printed on a locked year's sheet (an item's title, an
    /// indicator's name or unit) are refused instead.
    pub fn yearless(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.fiscal_year.is_none())
    }
}

#[derive(Clone, Copy)]
enum Part {
    Organisation,
    PlanNodes,
    Items,
    Records,
    Indicators,
    Values,
    Judgements,
}

/// Counts rows and collects changes, and those that touch a frozen year.
struct Sink<'a> {
    c: CityChanges,
    /// Locked years, with whether they are published.
    frozen_years: &'a BTreeMap<FiscalYear, bool>,
    frozen: Vec<FrozenChange>,
}

impl Sink<'_> {
    /// Compares one row. `describe` is only called for a change: it gives
    /// the subject, the part and the detail.
    fn row<T: PartialEq>(
        &mut self,
        part: Part,
        fy: Option<FiscalYear>,
        before: Option<&T>,
        after: Option<&T>,
        describe: impl FnOnce(ChangeKind) -> (String, String, Option<String>),
    ) {
        let kind = match (before, after) {
            (None, None) => return,
            (Some(b), Some(a)) if b == a => {
                self.tally(part).unchanged += 1;
                return;
            }
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            (Some(_), Some(_)) => ChangeKind::Changed,
        };
        let tally = self.tally(part);
        match kind {
            ChangeKind::Added => tally.added += 1,
            ChangeKind::Changed => tally.changed += 1,
            ChangeKind::Removed => tally.removed += 1,
        }
        let frozen = fy.and_then(|y| self.frozen_years.get(&y).map(|p| (y, *p)));
        let (subject, part, detail) = describe(kind);
        let change = Change { kind, fiscal_year: fy, subject, part, detail };
        if let Some((fiscal_year, published)) = frozen {
            self.frozen.push(FrozenChange {
                municipality: self.c.code.clone(),
                city: self.c.name.clone(),
                fiscal_year,
                published,
                change: change.clone(),
            });
        }
        if kind == ChangeKind::Added {
            self.c.additions.push(change);
        } else {
            self.c.changes.push(change);
        }
    }

    /// A change without a year to what the print of every year of its
    /// item or indicator shows (an item's number and title, an indicator's
    /// name and unit, the order of narratives and schedule rows): refused
    /// for each of `years` that is locked or published.
    fn printed_in(&mut self, years: &BTreeSet<FiscalYear>, change: Change) {
        for fy in years {
            if let Some(published) = self.frozen_years.get(fy) {
                self.frozen.push(FrozenChange {
                    municipality: self.c.code.clone(),
                    city: self.c.name.clone(),
                    fiscal_year: *fy,
                    published: *published,
                    change: change.clone(),
                });
            }
        }
    }

    fn tally(&mut self, part: Part) -> &mut Tally {
        match part {
            Part::Organisation => &mut self.c.organisation,
            Part::PlanNodes => &mut self.c.plan_nodes,
            Part::Items => &mut self.c.items,
            Part::Records => &mut self.c.records,
            Part::Indicators => &mut self.c.indicators,
            Part::Values => &mut self.c.values,
            Part::Judgements => &mut self.c.judgements,
        }
    }
}

/// Shortens printed text for a one-line message.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 30;
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX {
        format!("{}…", one_line.chars().take(MAX).collect::<String>())
    } else {
        one_line
    }
}

fn from_to(kind: ChangeKind, before: Option<&str>, after: Option<&str>) -> Option<String> {
    let q = |s: Option<&str>| format!("「{}」", clip(s.unwrap_or("")));
    match kind {
        ChangeKind::Added => after.map(|a| q(Some(a))),
        ChangeKind::Removed => before.map(|b| q(Some(b))),
        ChangeKind::Changed => Some(format!("{}→{}", q(before), q(after))),
    }
}

/// Compares the stored city with the city after the import, for the rows
/// the import brings (`incoming`); rows it does not name do not change.
/// Returns the changes and those that touch a frozen year.
pub(crate) fn compare(
    before: &CityBatch,
    after: &CityBatch,
    incoming: &CityBatch,
    frozen_years: &BTreeMap<FiscalYear, bool>,
) -> (CityChanges, Vec<FrozenChange>) {
    let c = CityChanges { code: after.code.clone(), name: after.name.clone(), ..CityChanges::default() };
    let mut sink = Sink { c, frozen_years, frozen: Vec::new() };
    organisation(&mut sink, before, after, incoming);
    let item_labels: HashMap<&str, String> =
        after.items.iter().map(|i| (i.key.as_str(), item_label(i.code.as_str(), i.title.as_str()))).collect();
    let before_items: HashMap<&str, &ItemRow> = before.items.iter().map(|i| (i.key.as_str(), i)).collect();
    let after_items: HashMap<&str, &ItemRow> = after.items.iter().map(|i| (i.key.as_str(), i)).collect();
    let mut seen = BTreeSet::new();
    for key in incoming.items.iter().map(|i| i.key.as_str()) {
        if seen.insert(key) {
            if let Some(a) = after_items.get(key) {
                item(&mut sink, before_items.get(key).copied(), a);
            }
        }
    }
    let years: BTreeSet<FiscalYear> = incoming.items.iter().filter_map(|i| i.fiscal_year).collect();
    let incoming_keys: BTreeSet<&str> = incoming.items.iter().map(|i| i.key.as_str()).collect();
    sink.c.not_in_file = before
        .items
        .iter()
        .filter(|i| i.fiscal_year.is_some_and(|fy| years.contains(&fy)) && !incoming_keys.contains(i.key.as_str()))
        .filter_map(|i| Some((i.fiscal_year?, item_label(&i.code, &i.title))))
        .collect();
    let before_inds: HashMap<&str, &IndicatorRow> = before.indicators.iter().map(|i| (i.key.as_str(), i)).collect();
    let after_inds: HashMap<&str, &IndicatorRow> = after.indicators.iter().map(|i| (i.key.as_str(), i)).collect();
    let mut seen = BTreeSet::new();
    for key in incoming.indicators.iter().map(|i| i.key.as_str()) {
        if seen.insert(key) {
            if let Some(a) = after_inds.get(key) {
                indicator(&mut sink, &after.code, before_inds.get(key).copied(), a, &item_labels);
            }
        }
    }
    (sink.c, sink.frozen)
}

fn item_label(code: &str, title: &str) -> String {
    match (code.trim().is_empty(), title.trim().is_empty()) {
        (false, false) => format!("{code} {}", clip(title)),
        (false, true) => code.to_string(),
        _ => clip(title),
    }
}

fn organisation(sink: &mut Sink, before: &CityBatch, after: &CityBatch, incoming: &CityBatch) {
    let existed = !before.name.is_empty();
    sink.row(Part::Organisation, None, existed.then_some(&before.name), Some(&after.name), |k| {
        ("自治体".into(), "名称".into(), from_to(k, Some(&before.name), Some(&after.name)))
    });

    let stored: BTreeSet<&SectionRow> = before.sections.iter().collect();
    let brought: BTreeSet<&SectionRow> =
        incoming.sections.iter().chain(incoming.items.iter().flat_map(|i| i.sections.iter())).collect();
    for s in brought {
        sink.row(Part::Organisation, None, stored.get(s).copied(), Some(s), |_| {
            ("組織".into(), format!("課「{} {}」", s.department, s.section).trim().to_string(), None)
        });
    }

    let scales: HashMap<&str, _> = before.scales.iter().map(|s| (s.code.as_str(), s)).collect();
    for s in &incoming.scales {
        let now = after.scales.iter().find(|x| x.code == s.code);
        sink.row(Part::Organisation, None, scales.get(s.code.as_str()).copied(), now, |_| {
            ("評価の尺度".into(), format!("尺度「{}」", s.name), None)
        });
    }

    for p in &incoming.plans {
        let old = before.plan(&p.code);
        let new = after.plan(&p.code).expect("every incoming plan is in the city after");
        // The plan itself: name, level names and the order of its nodes.
        let shape = |plan: &crate::batch::PlanRow| {
            (plan.name.clone(), plan.level_names.clone(), plan.nodes.iter().map(|n| n.code.clone()).collect::<Vec<_>>())
        };
        let (old_shape, new_shape) = (old.map(shape), shape(new));
        sink.row(Part::Organisation, None, old_shape.as_ref(), Some(&new_shape), |k| {
            let detail = match (k, &old_shape) {
                (ChangeKind::Changed, Some(o)) if o.0 != new_shape.0 => from_to(k, Some(&o.0), Some(&new_shape.0)),
                (ChangeKind::Changed, Some(o)) if o.1 != new_shape.1 => Some("階層の名前".into()),
                (ChangeKind::Changed, _) => Some("項目の並び順".into()),
                _ => None,
            };
            (format!("計画「{}」", new.name), "計画".into(), detail)
        });
        let old_nodes: HashMap<&str, _> =
            old.map(|o| o.nodes.iter().map(|n| (n.code.as_str(), n)).collect()).unwrap_or_default();
        let new_nodes: HashMap<&str, _> = new.nodes.iter().map(|n| (n.code.as_str(), n)).collect();
        for n in &p.nodes {
            let now = new_nodes.get(n.code.as_str()).copied();
            let was = old_nodes.get(n.code.as_str()).copied();
            sink.row(Part::PlanNodes, None, was, now, |k| {
                let detail = match (was, now) {
                    (Some(w), Some(a)) if w.title != a.title => from_to(k, Some(&w.title), Some(&a.title)),
                    (Some(w), Some(a)) if w.parent != a.parent => from_to(
                        k,
                        Some(w.parent.as_deref().unwrap_or("（最上位）")),
                        Some(a.parent.as_deref().unwrap_or("（最上位）")),
                    ),
                    (Some(_), Some(_)) => Some("印".into()),
                    _ => None,
                };
                (format!("計画「{}」", new.name), format!("項目 {} {}", n.code, clip(&n.title)), detail)
            });
        }
    }
}

/// An item's fields that have no fiscal year.
#[derive(PartialEq)]
struct ItemMeta<'a> {
    kind: &'a str,
    code: &'a str,
    title: &'a str,
    fiscal_year: Option<FiscalYear>,
    tags: &'a [String],
    placements: &'a [crate::batch::PlacementRow],
    relisting_of: Option<&'a str>,
    sections: &'a [SectionRow],
}

impl<'a> ItemMeta<'a> {
    fn of(i: &'a ItemRow) -> Self {
        ItemMeta {
            kind: &i.kind,
            code: &i.code,
            title: &i.title,
            fiscal_year: i.fiscal_year,
            tags: &i.tags,
            placements: &i.placements,
            relisting_of: i.relisting_of.as_deref(),
            sections: &i.sections,
        }
    }

    /// The fields that differ, in words.
    fn differences(&self, other: &Self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let checks: [(bool, &'static str); 8] = [
            (self.kind != other.kind, "種類"),
            (self.code != other.code, "番号"),
            (self.title != other.title, "名称"),
            (self.fiscal_year != other.fiscal_year, "年度"),
            (self.tags != other.tags, "印"),
            (self.placements != other.placements, "計画上の位置"),
            (self.relisting_of != other.relisting_of, "再掲元"),
            (self.sections != other.sections, "担当課"),
        ];
        for (differs, name) in checks {
            if differs {
                out.push(name);
            }
        }
        out
    }
}

fn item(sink: &mut Sink, before: Option<&ItemRow>, after: &ItemRow) {
    let subject = || item_label(&after.code, &after.title);
    let (old_meta, new_meta) = (before.map(ItemMeta::of), ItemMeta::of(after));
    sink.row(Part::Items, None, old_meta.as_ref(), Some(&new_meta), |k| {
        let detail = match (&old_meta, k) {
            (Some(o), ChangeKind::Changed) if o.title != new_meta.title => {
                from_to(k, Some(o.title), Some(new_meta.title))
            }
            (Some(o), ChangeKind::Changed) => Some(format!("（{}）", o.differences(&new_meta).join("・"))),
            _ => None,
        };
        (subject(), "事業・項目".into(), detail)
    });
    // The number and title are printed on every year's sheet.
    if let Some(b) = before.filter(|b| b.title != after.title || b.code != after.code) {
        let detail = if b.title != after.title {
            from_to(ChangeKind::Changed, Some(&b.title), Some(&after.title))
        } else {
            from_to(ChangeKind::Changed, Some(&b.code), Some(&after.code))
        };
        let change = Change {
            kind: ChangeKind::Changed,
            fiscal_year: None,
            subject: item_label(&b.code, &b.title),
            part: if b.title != after.title { "名称".into() } else { "番号".into() },
            detail,
        };
        sink.printed_in(&item_years(b), change);
    }

    let empty = ItemRow::default();
    let b = before.unwrap_or(&empty);
    // Narratives and schedule rows belong to their own year, or else to
    // the item's; they are compared year by year, in order.
    let (nb, na) = (narratives(b), narratives(after));
    for fy in nb.keys().chain(na.keys()).collect::<BTreeSet<_>>() {
        let (lb, la) = (nb.get(fy).map_or(&[][..], Vec::as_slice), na.get(fy).map_or(&[][..], Vec::as_slice));
        for i in 0..lb.len().max(la.len()) {
            let (was, now) = (lb.get(i).copied(), la.get(i).copied());
            sink.row(Part::Records, *fy, was, now, |_| {
                let n = now.or(was).expect("one side has the row");
                let label = if n.label.trim().is_empty() { n.slot.as_str() } else { n.label.as_str() };
                (subject(), format!("記述「{}」", clip(label)), None)
            });
        }
    }
    let positions = |i: &ItemRow| -> Vec<(Option<FiscalYear>, String)> {
        i.narratives.iter().map(|n| (n.fiscal_year.or(i.fiscal_year), n.label.clone())).collect()
    };
    if before.is_some() && nb == na && positions(b) != positions(after) {
        sink.row(Part::Records, None, Some(&0), Some(&1), |_| (subject(), "記述の並び順".into(), None));
        let change = yearless_change(subject(), "記述の並び順");
        sink.printed_in(&nb.keys().flatten().copied().collect(), change);
    }

    let (bb, ba) = (budgets(b), budgets(after));
    for fy in bb.keys().chain(ba.keys()).collect::<BTreeSet<_>>() {
        sink.row(Part::Records, Some(*fy), bb.get(fy).copied(), ba.get(fy).copied(), |_| {
            (subject(), "予算・決算".into(), None)
        });
    }

    let (gb, ga) = (grades(b), grades(after));
    for key in gb.keys().chain(ga.keys()).collect::<BTreeSet<_>>() {
        let (was, now) = (gb.get(key).copied(), ga.get(key).copied());
        sink.row(Part::Records, Some(key.0), was, now, |k| {
            let grade = |e: Option<&EvaluationRow>| e.and_then(|e| e.grade.clone());
            let detail = from_to(k, grade(was).as_deref(), grade(now).as_deref())
                .filter(|_| grade(was) != grade(now) || k != ChangeKind::Changed);
            (subject(), format!("評価（{}・{}）", key.1.label(), key.2.label()), detail)
        });
    }

    let (sb, sa) = (schedule(b), schedule(after));
    for fy in sb.keys().chain(sa.keys()).collect::<BTreeSet<_>>() {
        let (lb, la) = (sb.get(fy).map_or(&[][..], Vec::as_slice), sa.get(fy).map_or(&[][..], Vec::as_slice));
        for i in 0..lb.len().max(la.len()) {
            let (was, now) = (lb.get(i).copied(), la.get(i).copied());
            sink.row(Part::Records, Some(*fy), was, now, |_| {
                let s = now.or(was).expect("one side has the row");
                (subject(), format!("スケジュール「{}」", clip(&s.label)), None)
            });
        }
    }
    let order = |i: &ItemRow| i.schedule.iter().map(|s| (s.fiscal_year, s.label.clone())).collect::<Vec<_>>();
    if before.is_some() && sb == sa && order(b) != order(after) {
        sink.row(Part::Records, None, Some(&0), Some(&1), |_| (subject(), "スケジュールの並び順".into(), None));
        let change = yearless_change(subject(), "スケジュールの並び順");
        sink.printed_in(&sb.keys().copied().collect(), change);
    }

    let (rb, ra) = (roadmap(b), roadmap(after));
    for fy in rb.keys().chain(ra.keys()).collect::<BTreeSet<_>>() {
        let (lb, la) = (rb.get(fy).map_or(&[][..], Vec::as_slice), ra.get(fy).map_or(&[][..], Vec::as_slice));
        for i in 0..lb.len().max(la.len()) {
            let (was, now) = (lb.get(i).copied(), la.get(i).copied());
            sink.row(Part::Records, Some(*fy), was, now, |_| {
                let r = now.or(was).expect("one side has the row");
                (subject(), format!("工程表「{}」", clip(&r.step)), None)
            });
        }
    }

    let (db, da) = (direction(b), direction(after));
    for fy in db.keys().chain(da.keys()).collect::<BTreeSet<_>>() {
        let (was, now) = (db.get(fy).copied(), da.get(fy).copied());
        sink.row(Part::Records, Some(*fy), was, now, |k| {
            let detail = from_to(k, was.map(|d| d.printed.as_str()), now.map(|d| d.printed.as_str()));
            (subject(), "今後の方向性".into(), detail)
        });
    }
}

fn indicator(
    sink: &mut Sink,
    municipality: &str,
    before: Option<&IndicatorRow>,
    after: &IndicatorRow,
    item_labels: &HashMap<&str, String>,
) {
    let subject = || match after.item.as_deref().and_then(|k| item_labels.get(k)) {
        Some(item) => format!("指標「{}」（{item}）", clip(&after.name)),
        None => format!("指標「{}」", clip(&after.name)),
    };
    let strip = |i: &IndicatorRow| IndicatorRow { values: vec![], judgements: vec![], ..i.clone() };
    let (old_meta, new_meta) = (before.map(strip), strip(after));
    sink.row(Part::Indicators, None, old_meta.as_ref(), Some(&new_meta), |k| {
        let detail = match &old_meta {
            Some(o) if o.name != new_meta.name => from_to(k, Some(&o.name), Some(&new_meta.name)),
            _ => None,
        };
        (subject(), "指標".into(), detail)
    });
    // The name and unit are printed with every year's values.
    if let Some(b) = before.filter(|b| b.name != after.name || b.unit != after.unit) {
        let (part, detail) = if b.name != after.name {
            ("名称", from_to(ChangeKind::Changed, Some(&b.name), Some(&after.name)))
        } else {
            ("単位", from_to(ChangeKind::Changed, b.unit.as_deref(), after.unit.as_deref()))
        };
        let years: BTreeSet<FiscalYear> =
            b.values.iter().map(|v| v.fiscal_year).chain(b.judgements.iter().map(|j| j.fiscal_year)).collect();
        sink.printed_in(&years, yearless_change(subject(), part).with_detail(detail));
    }

    let empty = IndicatorRow { values: vec![], judgements: vec![], ..after.clone() };
    let b = before.unwrap_or(&empty);
    let (pb, pa) = (printed(b), printed(after));
    let mut groups_changed = BTreeSet::new();
    for key in pb.keys().chain(pa.keys()).collect::<BTreeSet<_>>() {
        let (was, now) = (pb.get(key), pa.get(key));
        if was != now {
            groups_changed.insert((key.0, key.1));
        }
        sink.row(Part::Values, Some(key.0), was, now, |k| {
            let part = match key.2 {
                Some(source) => format!("{}（{}）", key.1.label(), clip(source)),
                None => key.1.label().to_string(),
            };
            (subject(), part, from_to(k, was.map(|w| w.as_str()), now.map(|n| n.as_str())))
        });
    }
    // The same printings, but another of them first: the value of the year
    // and role changes.
    let (fb, fa) = (first_printed(b), first_printed(after));
    for (group, now) in &fa {
        if let Some(was) = fb.get(group).filter(|w| *w != now && !groups_changed.contains(group)) {
            sink.row(Part::Values, Some(group.0), Some(was), Some(now), |k| {
                (subject(), format!("{}（表の値として使う記載）", group.1.label()), from_to(k, Some(was), Some(now)))
            });
        }
    }

    let (jb, ja) = (judged(municipality, b), judged(municipality, after));
    for fy in jb.keys().chain(ja.keys()).collect::<BTreeSet<_>>() {
        let (was, now) = (jb.get(fy), ja.get(fy));
        sink.row(Part::Judgements, Some(*fy), was, now, |k| {
            let shown =
                |j: Option<&Judged>| j.and_then(|(_, d)| d.as_ref()).and_then(|d| d.effective().map(str::to_string));
            (subject(), "判定".into(), from_to(k, shown(was).as_deref(), shown(now).as_deref()))
        });
    }
}

fn yearless_change(subject: String, part: &str) -> Change {
    Change { kind: ChangeKind::Changed, fiscal_year: None, subject, part: part.into(), detail: None }
}

impl Change {
    fn with_detail(self, detail: Option<String>) -> Self {
        Change { detail, ..self }
    }
}

/// Every year an item's rows belong to (its own year included).
fn item_years(i: &ItemRow) -> BTreeSet<FiscalYear> {
    let mut out: BTreeSet<FiscalYear> = i.fiscal_year.into_iter().collect();
    out.extend(i.narratives.iter().filter_map(|n| n.fiscal_year));
    out.extend(i.budgets.iter().map(|b| b.fiscal_year));
    out.extend(i.evaluations.iter().map(|e| e.fiscal_year));
    out.extend(i.schedule.iter().map(|s| s.fiscal_year));
    out.extend(i.next_direction.iter().map(|d| d.fiscal_year));
    out
}

/// Narratives by the year they belong to: their own, or else the item's.
fn narratives(i: &ItemRow) -> BTreeMap<Option<FiscalYear>, Vec<&NarrativeRow>> {
    let mut m: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for n in &i.narratives {
        m.entry(n.fiscal_year.or(i.fiscal_year)).or_default().push(n);
    }
    m
}

fn budgets(i: &ItemRow) -> BTreeMap<FiscalYear, &BudgetRow> {
    i.budgets.iter().map(|r| (r.fiscal_year, r)).collect()
}

fn grades(i: &ItemRow) -> BTreeMap<(FiscalYear, Stage, Evaluator), &EvaluationRow> {
    i.evaluations.iter().map(|e| ((e.fiscal_year, e.stage, e.evaluator), e)).collect()
}

fn schedule(i: &ItemRow) -> BTreeMap<FiscalYear, Vec<&ScheduleRow>> {
    let mut m: BTreeMap<FiscalYear, Vec<_>> = BTreeMap::new();
    for s in &i.schedule {
        m.entry(s.fiscal_year).or_default().push(s);
    }
    m
}

fn roadmap(i: &ItemRow) -> BTreeMap<FiscalYear, Vec<&RoadmapRow>> {
    let mut m: BTreeMap<FiscalYear, Vec<_>> = BTreeMap::new();
    for r in &i.roadmap {
        m.entry(r.fiscal_year).or_default().push(r);
    }
    m
}

fn direction(i: &ItemRow) -> BTreeMap<FiscalYear, &NextDirectionRow> {
    i.next_direction.iter().map(|d| (d.fiscal_year, d)).collect()
}

/// Each printing by year, role and source (the store keeps one per key).
fn printed(i: &IndicatorRow) -> BTreeMap<(FiscalYear, ValueRole, Option<&str>), &String> {
    let mut out = BTreeMap::new();
    for v in &i.values {
        out.insert((v.fiscal_year, v.role, v.source.as_deref()), &v.printed);
    }
    out
}

/// The value of each year and role: the text of its first printing.
fn first_printed(i: &IndicatorRow) -> BTreeMap<(FiscalYear, ValueRole), &String> {
    let mut out = BTreeMap::new();
    for v in &i.values {
        out.entry((v.fiscal_year, v.role)).or_insert(&v.printed);
    }
    out
}

/// A year's printed judgements (source and words, the first being the
/// judgement) and the judgement computed from them and the numbers.
type Judged<'a> = (Vec<(Option<&'a str>, &'a str)>, Option<Judgement>);

fn judged<'a>(municipality: &str, i: &'a IndicatorRow) -> BTreeMap<FiscalYear, Judged<'a>> {
    let mut out: BTreeMap<FiscalYear, Judged<'a>> = BTreeMap::new();
    for j in &i.judgements {
        out.entry(j.fiscal_year).or_default().0.push((j.source.as_deref(), j.printed.as_str()));
    }
    for (fy, j) in derive(municipality, i).judgements {
        out.entry(fy).or_default().1 = Some(j);
    }
    out
}
