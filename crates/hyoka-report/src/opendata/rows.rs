//! Rows of the open-data tables, built from a city's records.
//!
//! [`load_city`] reads everything the tables need from the store into a
//! [`CityData`] of plain records; the `*_rows` functions turn it into rows
//! without I/O, so the rules are tested without a database.

use std::collections::{BTreeSet, HashMap};

use hyoka_core::cell::CellMeaning;
use hyoka_core::judgement::{judge, JudgementVocabulary};
use hyoka_core::sheet;
use hyoka_core::{
    Direction, EvaluationScale, Evaluator, ExecutionRate, FiscalYear, IndicatorCell, IndicatorKind, Number, Stage,
    ValueRole,
};
use hyoka_store::{
    IndicatorRecord, IndicatorValue, ItemRecord, JudgementRecord, Municipality, NodeRecord, PlanRecord, Store,
};

use super::table::{self, Table, TableRow, Value, LIST_SEPARATOR};
use crate::ReportError;

/// The tag added to the row of a re-listing (再掲).
pub const RELISTING_TAG: &str = "再掲";

/// Everything about one city that the open data is made of.
#[derive(Clone, Debug)]
pub struct CityData {
    pub municipality: Municipality,
    /// Plans in stored order, each with its nodes in printed order.
    pub plans: Vec<PlanData>,
    pub items: Vec<ItemData>,
    pub indicators: Vec<IndicatorData>,
    pub scales: Vec<EvaluationScale>,
}

#[derive(Clone, Debug)]
pub struct PlanData {
    pub plan: PlanRecord,
    pub nodes: Vec<NodeRecord>,
}

#[derive(Clone, Debug)]
pub struct ItemData {
    pub item: ItemRecord,
    /// Where the item is placed: node id and whether it is a re-listing.
    pub placements: Vec<(i64, bool)>,
    /// Responsible (department, section) pairs.
    pub sections: Vec<(String, String)>,
    pub budgets: Vec<sheet::BudgetRow>,
    pub evaluations: Vec<sheet::EvaluationRow>,
}

#[derive(Clone, Debug)]
pub struct IndicatorData {
    pub indicator: IndicatorRecord,
    pub values: Vec<IndicatorValue>,
    pub judgements: Vec<JudgementRecord>,
}

/// Reads one city from the store.
pub async fn load_city(store: &Store, municipality: &str) -> Result<CityData, ReportError> {
    let municipality = store.municipality(municipality).await?;
    let code = municipality.code.as_str();
    let mut plans = Vec::new();
    for plan in store.plans(code).await? {
        let nodes = store.plan_nodes(plan.id).await?;
        plans.push(PlanData { plan, nodes });
    }
    let node_ids: HashMap<(&str, &str), i64> = plans
        .iter()
        .flat_map(|p| p.nodes.iter().map(move |n| ((p.plan.code.as_str(), n.code.as_str()), n.id)))
        .collect();
    let mut placed: HashMap<String, Vec<(i64, bool)>> = HashMap::new();
    for p in store.placements(code).await? {
        if let Some(id) = node_ids.get(&(p.plan.as_str(), p.node.as_str())) {
            placed.entry(p.item).or_default().push((*id, p.relisting));
        }
    }
    let mut items = Vec::new();
    for item in store.items(code).await? {
        items.push(ItemData {
            placements: placed.remove(&item.key).unwrap_or_default(),
            sections: store.item_sections(item.id).await?,
            budgets: store.budgets(item.id).await?,
            evaluations: store.evaluations(item.id).await?,
            item,
        });
    }
    let mut indicators = Vec::new();
    for indicator in store.indicators(code).await? {
        indicators.push(IndicatorData {
            values: store.indicator_values(indicator.id).await?,
            judgements: store.judgements(indicator.id).await?,
            indicator,
        });
    }
    let scales = store.scales(code).await?;
    Ok(CityData { municipality, plans, items, indicators, scales })
}

/// A node with its plan and its place in the city's printed order.
#[derive(Clone, Copy)]
struct NodeAt<'a> {
    plan: &'a PlanData,
    node: &'a NodeRecord,
    /// (plan index, node index): the order of nodes.csv.
    order: (usize, usize),
}

/// Positions of nodes and items, computed once per city.
struct Layout<'a> {
    nodes: HashMap<i64, NodeAt<'a>>,
    /// Items in the order of their first row in nodes.csv, then unplaced ones.
    items: Vec<&'a ItemData>,
    by_id: HashMap<i64, &'a ItemData>,
    /// Each item's home: its first placement that is not a re-listing (or
    /// its first placement when every one is).
    homes: HashMap<i64, NodeAt<'a>>,
}

const UNPLACED: (usize, usize) = (usize::MAX, usize::MAX);

impl<'a> Layout<'a> {
    fn new(city: &'a CityData) -> Self {
        let mut nodes = HashMap::new();
        for (pi, plan) in city.plans.iter().enumerate() {
            for (ni, node) in plan.nodes.iter().enumerate() {
                nodes.insert(node.id, NodeAt { plan, node, order: (pi, ni) });
            }
        }
        let mut homes = HashMap::new();
        for item in &city.items {
            let mut placed: Vec<(NodeAt<'a>, bool)> =
                item.placements.iter().filter_map(|(id, relisting)| Some((*nodes.get(id)?, *relisting))).collect();
            placed.sort_by_key(|(n, relisting)| (*relisting, n.order));
            if let Some((home, _)) = placed.first() {
                homes.insert(item.item.id, *home);
            }
        }
        let mut items: Vec<&ItemData> = city.items.iter().collect();
        items.sort_by_key(|i| (homes.get(&i.item.id).map_or(UNPLACED, |n| n.order), i.item.id));
        let by_id = city.items.iter().map(|i| (i.item.id, i)).collect();
        Layout { nodes, items, by_id, homes }
    }

    fn home(&self, item_id: i64) -> Option<NodeAt<'a>> {
        self.homes.get(&item_id).copied()
    }

    fn item(&self, id: i64) -> Option<&'a ItemData> {
        self.by_id.get(&id).copied()
    }
}

// ---------------------------------------------------------------- indicators

/// One row of `indicators.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorRow {
    pub municipality_code: String,
    pub municipality: String,
    pub plan: Option<String>,
    pub node_code: Option<String>,
    pub project: Option<String>,
    /// The plan node the indicator names besides its own (三島市's
    /// 行政改革大綱 item): its plan's name and its printed code.
    pub related_plan: Option<String>,
    pub related_node_code: Option<String>,
    pub indicator: String,
    pub indicator_kind: IndicatorKind,
    pub unit: Option<String>,
    pub direction: Direction,
    pub fiscal_year: FiscalYear,
    /// [`FiscalYear::label`]: `平成30年度`.
    pub fiscal_year_label: String,
    pub role: ValueRole,
    /// The cell exactly as printed.
    pub printed: String,
    /// The cell's number; `None` when it has none (blank ≠ zero).
    pub value: Option<Number>,
    pub judgement: Option<String>,
    pub judgement_computed: Option<String>,
}

impl TableRow for IndicatorRow {
    fn table() -> &'static Table {
        &table::INDICATORS
    }

    fn values(&self) -> Vec<Value> {
        vec![
            Value::text(&self.municipality_code),
            Value::text(&self.municipality),
            Value::opt_text(self.plan.as_deref()),
            Value::opt_text(self.node_code.as_deref()),
            Value::opt_text(self.project.as_deref()),
            Value::text(&self.indicator),
            Value::text(self.indicator_kind.code()),
            Value::opt_text(self.unit.as_deref()),
            Value::text(self.direction.code()),
            Value::int(self.fiscal_year.year().into()),
            Value::text(&self.fiscal_year_label),
            Value::text(self.role.code()),
            Value::text(&self.printed),
            self.value.map_or(Value::Null, Value::decimal),
            Value::opt_text(self.judgement.as_deref()),
            Value::opt_text(self.judgement_computed.as_deref()),
            // Added after the first published list: last, so that
            // columns read by position keep their place.
            Value::opt_text(self.related_plan.as_deref()),
            Value::opt_text(self.related_node_code.as_deref()),
        ]
    }
}

/// One row per stored cell (indicator × fiscal year × role), ordered by
/// plan, node, indicator key, fiscal year and role (baseline, target,
/// actual). Judgements go on the actual row of their year; a year with a
/// printed judgement but no actual cell gets an actual row with an empty
/// printed cell to carry it.
pub fn indicator_rows(city: &CityData) -> Vec<IndicatorRow> {
    keyed_indicator_rows(city).into_iter().map(|(_, row)| row).collect()
}

/// [`indicator_rows`], each with the id of its indicator (to narrow a
/// year's table to the cells a document printed).
pub fn keyed_indicator_rows(city: &CityData) -> Vec<(i64, IndicatorRow)> {
    let layout = Layout::new(city);
    let mut located: Vec<(&IndicatorData, Option<NodeAt>, Option<&ItemData>)> = city
        .indicators
        .iter()
        .map(|ind| {
            let item = ind.indicator.item_id.and_then(|id| layout.item(id));
            let node = ind
                .indicator
                .node_id
                .and_then(|id| layout.nodes.get(&id).copied())
                .or_else(|| item.and_then(|i| layout.home(i.item.id)));
            (ind, node, item)
        })
        .collect();
    located.sort_by(|(a, an, _), (b, bn, _)| {
        let key = |n: &Option<NodeAt>| n.map_or(UNPLACED, |n| n.order);
        (key(an), &a.indicator.key, a.indicator.id).cmp(&(key(bn), &b.indicator.key, b.indicator.id))
    });

    let mut rows = Vec::new();
    for (ind, node, item) in located {
        let rec = &ind.indicator;
        let related = rec.related_node_id.and_then(|id| layout.nodes.get(&id).copied());
        let mut cells: Vec<(FiscalYear, ValueRole, Option<&IndicatorCell>)> =
            ind.values.iter().map(|v| (v.fiscal_year, v.role, Some(&v.cell))).collect();
        for j in &ind.judgements {
            let has_actual = cells.iter().any(|(fy, role, _)| *fy == j.fiscal_year && *role == ValueRole::Actual);
            if !has_actual && j.judgement.printed.as_deref().is_some_and(|p| !p.is_empty()) {
                cells.push((j.fiscal_year, ValueRole::Actual, None));
            }
        }
        cells.sort_by_key(|(fy, role, _)| (*fy, *role));
        for (fy, role, cell) in cells {
            let (judgement, judgement_computed) = if role == ValueRole::Actual {
                let stored = ind.judgements.iter().find(|j| j.fiscal_year == fy).map(|j| &j.judgement);
                (
                    stored.and_then(|j| j.printed.clone()),
                    computed_judgement(ind, fy).or_else(|| stored?.computed.clone()),
                )
            } else {
                (None, None)
            };
            rows.push((
                rec.id,
                IndicatorRow {
                    municipality_code: city.municipality.code.clone(),
                    municipality: city.municipality.name.clone(),
                    plan: node.map(|n| n.plan.plan.name.clone()),
                    node_code: node.map(|n| n.node.code.clone()),
                    project: item.map(|i| i.item.title.clone()),
                    related_plan: related.map(|n| n.plan.plan.name.clone()),
                    related_node_code: related.map(|n| n.node.code.clone()),
                    indicator: rec.name.clone(),
                    indicator_kind: rec.kind,
                    unit: cell
                        .and_then(|c| cell_unit(c.meaning()))
                        .or_else(|| rec.unit.clone().filter(|u| !u.is_empty())),
                    direction: rec.direction,
                    fiscal_year: fy,
                    fiscal_year_label: fy.label(),
                    role,
                    printed: cell.map(|c| c.printed().to_string()).unwrap_or_default(),
                    value: cell.and_then(IndicatorCell::primary_number),
                    judgement,
                    judgement_computed,
                },
            ));
        }
    }
    rows
}

/// The unit of a cell's main number, with what it is counted per:
/// `人`, `%`, `回/年`. `None` when the cell prints no unit.
fn cell_unit(meaning: &CellMeaning) -> Option<String> {
    let unit = match meaning {
        CellMeaning::Quantity(q) if q.unit.is_empty() => return None,
        CellMeaning::Quantity(q) => match &q.per {
            Some(per) => format!("{}/{per}", q.unit),
            None => q.unit.clone(),
        },
        CellMeaning::Bound(b) => b.unit.clone(),
        CellMeaning::Composite { parts } => return parts.first().and_then(|p| cell_unit(&p.meaning)),
        _ => return None,
    };
    (!unit.is_empty()).then_some(unit)
}

/// The judgement of a year computed again from the stored cells, with the
/// indicator's direction and vocabulary; the latest baseline up to that
/// year is the level a `維持` target keeps. `None` when the vocabulary is
/// not a known preset, a cell is missing, or the verdict is undetermined.
fn computed_judgement(ind: &IndicatorData, fy: FiscalYear) -> Option<String> {
    let code = ind.indicator.vocabulary.as_deref()?;
    let vocabulary = JudgementVocabulary::presets().into_iter().find(|v| v.code == code)?;
    let cell = |role: ValueRole| ind.values.iter().find(|v| v.fiscal_year == fy && v.role == role).map(|v| &v.cell);
    let (target, actual) = (cell(ValueRole::Target)?, cell(ValueRole::Actual)?);
    let reference = ind
        .values
        .iter()
        .filter(|v| v.role == ValueRole::Baseline && v.fiscal_year <= fy && !v.cell.is_empty_value())
        .max_by_key(|v| v.fiscal_year)
        .map(|v| &v.cell);
    vocabulary.label(&judge(ind.indicator.direction, target, actual, reference))
}

// ---------------------------------------------------------------- evaluations

/// One row of `evaluations.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluationRow {
    pub municipality_code: String,
    pub municipality: String,
    pub plan: Option<String>,
    pub code: String,
    pub title: String,
    pub fiscal_year: FiscalYear,
    pub stage: Stage,
    pub evaluator: Evaluator,
    pub grade: Option<String>,
    pub grade_label: Option<String>,
    pub comment: Option<String>,
}

impl TableRow for EvaluationRow {
    fn table() -> &'static Table {
        &table::EVALUATIONS
    }

    fn values(&self) -> Vec<Value> {
        vec![
            Value::text(&self.municipality_code),
            Value::text(&self.municipality),
            Value::opt_text(self.plan.as_deref()),
            Value::text(&self.code),
            Value::text(&self.title),
            Value::int(self.fiscal_year.year().into()),
            Value::text(self.stage.code()),
            Value::text(self.evaluator.code()),
            Value::opt_text(self.grade.as_deref()),
            Value::opt_text(self.grade_label.as_deref()),
            Value::opt_text(self.comment.as_deref()),
        ]
    }
}

/// One row per stored grade (item × fiscal year × stage × evaluator), in
/// item order, then year, stage and evaluator.
pub fn evaluation_rows(city: &CityData) -> Vec<EvaluationRow> {
    let layout = Layout::new(city);
    let mut rows = Vec::new();
    for item in &layout.items {
        let mut evaluations: Vec<&sheet::EvaluationRow> = item.evaluations.iter().collect();
        evaluations.sort_by_key(|e| (e.fiscal_year, e.stage, e.evaluator));
        for e in evaluations {
            let scale = e.scale.as_deref().and_then(|code| city.scales.iter().find(|s| s.code == code));
            let grade_label = match (scale, e.grade.as_deref()) {
                (Some(scale), Some(grade)) if scale.legend_printed => scale.grade(grade).map(|g| g.label.clone()),
                _ => None,
            };
            rows.push(EvaluationRow {
                municipality_code: city.municipality.code.clone(),
                municipality: city.municipality.name.clone(),
                plan: layout.home(item.item.id).map(|n| n.plan.plan.name.clone()),
                code: item.item.code.clone(),
                title: item.item.title.clone(),
                fiscal_year: e.fiscal_year,
                stage: e.stage,
                evaluator: e.evaluator,
                grade: e.grade.clone(),
                grade_label,
                comment: e.comment.clone(),
            });
        }
    }
    rows
}

// ---------------------------------------------------------------- budgets

/// One row of `budgets.csv`. Amounts are whole yen; `None` is a figure the
/// document does not give, never zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetRow {
    pub municipality_code: String,
    pub municipality: String,
    pub code: String,
    pub title: String,
    pub fiscal_year: FiscalYear,
    pub initial_budget_yen: Option<i64>,
    pub final_budget_yen: Option<i64>,
    pub settlement_yen: Option<i64>,
    pub general_revenue_yen: Option<i64>,
    pub carried_over_yen: Option<i64>,
    /// [`hyoka_core::BudgetFigures::execution_rate`]; `None` when the budget
    /// is missing or zero.
    pub execution_rate: Option<ExecutionRate>,
    pub execution_rate_printed: Option<String>,
    pub national_yen: Option<i64>,
    pub prefectural_yen: Option<i64>,
    pub bonds_yen: Option<i64>,
    pub other_funding_yen: Option<i64>,
    pub staff_hours: Option<hyoka_core::Hours>,
    pub hourly_cost_yen: Option<i64>,
    pub personnel_cost_yen: Option<i64>,
    pub total_cost_yen: Option<i64>,
    /// [`hyoka_core::BudgetFigures::computed_total_cost`].
    pub total_cost_computed_yen: Option<i64>,
}

impl TableRow for BudgetRow {
    fn table() -> &'static Table {
        &table::BUDGETS
    }

    fn values(&self) -> Vec<Value> {
        vec![
            Value::text(&self.municipality_code),
            Value::text(&self.municipality),
            Value::text(&self.code),
            Value::text(&self.title),
            Value::int(self.fiscal_year.year().into()),
            Value::opt_int(self.initial_budget_yen),
            Value::opt_int(self.final_budget_yen),
            Value::opt_int(self.settlement_yen),
            Value::opt_int(self.general_revenue_yen),
            Value::opt_int(self.carried_over_yen),
            self.execution_rate.map_or(Value::Null, |r| Value::Number(r.percent_text())),
            Value::opt_text(self.execution_rate_printed.as_deref()),
            Value::opt_int(self.national_yen),
            Value::opt_int(self.prefectural_yen),
            Value::opt_int(self.bonds_yen),
            Value::opt_int(self.other_funding_yen),
            self.staff_hours.map_or(Value::Null, |h| Value::Number(h.number().replace(',', ""))),
            Value::opt_int(self.hourly_cost_yen),
            Value::opt_int(self.personnel_cost_yen),
            Value::opt_int(self.total_cost_yen),
            Value::opt_int(self.total_cost_computed_yen),
        ]
    }
}

/// One row per stored budget year of an item, in item order, then year.
pub fn budget_rows(city: &CityData) -> Vec<BudgetRow> {
    let layout = Layout::new(city);
    let mut rows = Vec::new();
    for item in &layout.items {
        let mut budgets: Vec<&sheet::BudgetRow> = item.budgets.iter().collect();
        budgets.sort_by_key(|b| b.fiscal_year);
        for b in budgets {
            let f = &b.figures;
            rows.push(BudgetRow {
                municipality_code: city.municipality.code.clone(),
                municipality: city.municipality.name.clone(),
                code: item.item.code.clone(),
                title: item.item.title.clone(),
                fiscal_year: b.fiscal_year,
                initial_budget_yen: f.initial.map(|y| y.yen()),
                final_budget_yen: f.final_budget.map(|y| y.yen()),
                settlement_yen: f.settlement.map(|y| y.yen()),
                general_revenue_yen: f.general_revenue.map(|y| y.yen()),
                carried_over_yen: f.carried_over.map(|y| y.yen()),
                execution_rate: f.execution_rate(),
                execution_rate_printed: b.execution_rate_printed.clone(),
                national_yen: f.funding.national.map(|y| y.yen()),
                prefectural_yen: f.funding.prefectural.map(|y| y.yen()),
                bonds_yen: f.funding.bonds.map(|y| y.yen()),
                other_funding_yen: f.funding.other.map(|y| y.yen()),
                staff_hours: f.staff.hours,
                hourly_cost_yen: f.staff.hourly.map(|y| y.yen()),
                personnel_cost_yen: f.staff.personnel.map(|y| y.yen()),
                total_cost_yen: f.staff.total.map(|y| y.yen()),
                total_cost_computed_yen: f.computed_total_cost().map(|y| y.yen()),
            });
        }
    }
    rows
}

// ---------------------------------------------------------------- nodes

/// One row of `nodes.csv`: a plan node, or an item placed under one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRow {
    pub municipality_code: String,
    pub municipality: String,
    pub plan: Option<String>,
    pub code: String,
    pub parent_code: Option<String>,
    /// 1 for the top level; `None` for an item in no plan.
    pub level: Option<i64>,
    pub title: String,
    /// `部 課` names of the responsible sections (items only).
    pub departments: Vec<String>,
    pub tags: Vec<String>,
}

impl TableRow for NodeRow {
    fn table() -> &'static Table {
        &table::NODES
    }

    fn values(&self) -> Vec<Value> {
        vec![
            Value::text(&self.municipality_code),
            Value::text(&self.municipality),
            Value::opt_text(self.plan.as_deref()),
            Value::text(&self.code),
            Value::opt_text(self.parent_code.as_deref()),
            Value::opt_int(self.level),
            Value::text(&self.title),
            Value::opt_text(Some(self.departments.join(LIST_SEPARATOR))),
            Value::opt_text(Some(self.tags.join(LIST_SEPARATOR))),
        ]
    }
}

/// Each plan's nodes in printed order, each followed by the items placed
/// under it (one row per placement; a re-listing's row carries `再掲`), then
/// the items placed in no plan.
pub fn node_rows(city: &CityData) -> Vec<NodeRow> {
    let layout = Layout::new(city);
    let mut under: HashMap<i64, Vec<(&ItemData, bool)>> = HashMap::new();
    for item in &city.items {
        for (node, relisting) in &item.placements {
            under.entry(*node).or_default().push((item, *relisting));
        }
    }
    let row = |plan: Option<&str>, code: &str, parent: Option<&str>, level: Option<i64>, title: &str| NodeRow {
        municipality_code: city.municipality.code.clone(),
        municipality: city.municipality.name.clone(),
        plan: plan.map(str::to_string),
        code: code.to_string(),
        parent_code: parent.map(str::to_string),
        level,
        title: title.to_string(),
        departments: Vec::new(),
        tags: Vec::new(),
    };
    let item_row = |base: NodeRow, item: &ItemData, relisting: bool| {
        let mut tags: Vec<String> = item.item.tags.clone();
        if (relisting || item.item.relisting_of.is_some()) && !tags.iter().any(|t| t == RELISTING_TAG) {
            tags.push(RELISTING_TAG.to_string());
        }
        let departments = item
            .sections
            .iter()
            .map(|(d, s)| if d.is_empty() { s.clone() } else { format!("{d} {s}") })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        NodeRow { departments, tags, ..base }
    };

    let mut rows = Vec::new();
    for plan in &city.plans {
        for node in &plan.nodes {
            let parent = node.parent_id.and_then(|p| layout.nodes.get(&p)).map(|p| p.node.code.as_str());
            let level = node.level + 1;
            let name = Some(plan.plan.name.as_str());
            rows.push(NodeRow { tags: node.tags.clone(), ..row(name, &node.code, parent, Some(level), &node.title) });
            let mut items = under.remove(&node.id).unwrap_or_default();
            items.sort_by_key(|(i, relisting)| (i.item.id, *relisting));
            for (item, relisting) in items {
                let base = row(name, &item.item.code, Some(&node.code), Some(level + 1), &item.item.title);
                let item_row = item_row(base, item, relisting);
                // An item that is its own plan entry (小平市's No.1 is both the
                // node and the sheet) is one row: two rows with one code
                // could not be told apart.
                match rows.last_mut() {
                    Some(node_row) if !relisting && item.item.code == node.code => {
                        node_row.departments.extend(item_row.departments);
                        node_row.tags.extend(item_row.tags.into_iter().filter(|t| !node.tags.contains(t)));
                    }
                    _ => rows.push(item_row),
                }
            }
        }
    }
    for item in layout.items.iter().filter(|i| layout.home(i.item.id).is_none()) {
        rows.push(item_row(row(None, &item.item.code, None, None, &item.item.title), item, false));
    }
    rows
}

#[cfg(test)]
mod tests {
    use hyoka_core::judgement::Judgement;

    use super::*;

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn city() -> CityData {
        let node = |id, parent_id, level, code: &str| NodeRecord {
            id,
            plan_id: 1,
            parent_id,
            level,
            code: code.into(),
            title: format!("{code}の施策"),
            tags: Vec::new(),
        };
        let item = |id, key: &str, code: &str, relisting_of: Option<&str>| ItemRecord {
            id,
            municipality_code: "132047".into(),
            key: key.into(),
            kind: "issue".into(),
            code: code.into(),
            title: format!("{code}の事業"),
            fiscal_year: None,
            tags: Vec::new(),
            relisting_of: relisting_of.map(Into::into),
        };
        let item_data = |item, placements| ItemData {
            item,
            placements,
            sections: Vec::new(),
            budgets: Vec::new(),
            evaluations: Vec::new(),
        };
        CityData {
            municipality: Municipality { code: "132047".into(), name: "三鷹市".into() },
            plans: vec![PlanData {
                plan: PlanRecord {
                    id: 1,
                    municipality_code: "132047".into(),
                    code: "action".into(),
                    name: "アクションプラン".into(),
                    level_names: Vec::new(),
                    node_count: 2,
                },
                nodes: vec![node(10, None, 0, "1"), node(11, Some(10), 1, "1-(2)")],
            }],
            items: vec![
                // Placed only as a re-listing, and a separate re-listing item.
                item_data(item(21, "b", "No.2", None), vec![(11, true)]),
                item_data(item(20, "a", "No.1-再", Some("b")), vec![(11, false), (10, false)]),
            ],
            indicators: Vec::new(),
            scales: Vec::new(),
        }
    }

    fn indicator(key: &str, item_id: Option<i64>, node_id: Option<i64>, vocabulary: Option<&str>) -> IndicatorRecord {
        IndicatorRecord {
            id: 0,
            municipality_code: "132047".into(),
            key: key.into(),
            name: key.into(),
            kind: IndicatorKind::Kpi,
            definition: None,
            unit: Some("件".into()),
            direction: Direction::HigherIsBetter,
            vocabulary: vocabulary.map(Into::into),
            item_id,
            node_id,
            related_node_id: None,
        }
    }

    fn value(y: i32, role: ValueRole, printed: &str) -> IndicatorValue {
        IndicatorValue { fiscal_year: fy(y), role, cell: IndicatorCell::parse(printed) }
    }

    #[test]
    fn units_come_from_the_cell_then_the_indicator() {
        let mut city = city();
        city.indicators.push(IndicatorData {
            indicator: indicator("x", None, Some(11), None),
            values: vec![
                value(2019, ValueRole::Target, "85回/年"),
                value(2019, ValueRole::Actual, "4,372人 (198人)"),
                value(2020, ValueRole::Target, "12"),
                value(2020, ValueRole::Actual, "導入"),
            ],
            judgements: Vec::new(),
        });
        let rows = indicator_rows(&city);
        let got: Vec<(Option<&str>, Option<String>)> =
            rows.iter().map(|r| (r.unit.as_deref(), r.value.map(Number::plain))).collect();
        assert_eq!(
            got,
            [
                (Some("回/年"), Some("85".into())),
                (Some("人"), Some("4372".into())),
                (Some("件"), Some("12".into())),
                (Some("件"), None),
            ]
        );
        assert_eq!(rows[0].node_code.as_deref(), Some("1-(2)"));
        assert_eq!(rows[0].project, None);
    }

    #[test]
    fn a_printed_judgement_without_an_actual_gets_an_actual_row() {
        let mut city = city();
        city.indicators.push(IndicatorData {
            indicator: indicator("x", None, None, Some("custom")),
            values: vec![value(2019, ValueRole::Target, "10件")],
            judgements: vec![JudgementRecord {
                fiscal_year: fy(2019),
                judgement: Judgement { printed: Some("未実施".into()), computed: Some("B".into()), declared: None },
            }],
        });
        let rows = indicator_rows(&city);
        assert_eq!(rows.len(), 2);
        let actual = &rows[1];
        assert_eq!((actual.role, actual.printed.as_str(), actual.value), (ValueRole::Actual, "", None));
        assert_eq!(actual.judgement.as_deref(), Some("未実施"));
        // An unknown vocabulary cannot be recomputed: the stored label is used.
        assert_eq!(actual.judgement_computed.as_deref(), Some("B"));
        assert_eq!((rows[0].judgement.as_deref(), rows[0].plan.as_deref()), (None, None));
    }

    #[test]
    fn maintain_targets_are_judged_against_the_baseline() {
        let mut city = city();
        city.indicators.push(IndicatorData {
            indicator: indicator("x", None, Some(10), Some("achievement2")),
            values: vec![
                value(2016, ValueRole::Baseline, "90%"),
                value(2018, ValueRole::Target, "維持"),
                value(2018, ValueRole::Actual, "92%"),
            ],
            judgements: Vec::new(),
        });
        let rows = indicator_rows(&city);
        assert_eq!(rows[2].judgement_computed.as_deref(), Some("達成"));
        assert_eq!(rows[0].judgement_computed, None, "only actual rows carry judgements");
    }

    #[test]
    fn items_follow_their_first_placement_that_is_not_a_relisting() {
        let mut city = city();
        city.indicators.push(IndicatorData {
            indicator: indicator("y", Some(20), None, None),
            values: vec![value(2018, ValueRole::Actual, "1件")],
            judgements: Vec::new(),
        });
        city.indicators.push(IndicatorData {
            indicator: indicator("z", Some(21), None, None),
            values: vec![value(2018, ValueRole::Actual, "2件")],
            judgements: Vec::new(),
        });
        let rows = indicator_rows(&city);
        // Item 20 is placed under 1 (printed first) and 1-(2): its home is 1.
        assert_eq!(rows[0].node_code.as_deref(), Some("1"));
        assert_eq!(rows[0].project.as_deref(), Some("No.1-再の事業"));
        // Item 21 is only ever re-listed: that placement is still its place.
        assert_eq!(rows[1].node_code.as_deref(), Some("1-(2)"));

        let nodes = node_rows(&city);
        let summary: Vec<(&str, Option<&str>, Option<i64>, String)> =
            nodes.iter().map(|r| (r.code.as_str(), r.parent_code.as_deref(), r.level, r.tags.join(";"))).collect();
        assert_eq!(
            summary,
            [
                ("1", None, Some(1), String::new()),
                // An item that is itself a re-listing (relisting_of) is tagged everywhere.
                ("No.1-再", Some("1"), Some(2), "再掲".into()),
                ("1-(2)", Some("1"), Some(2), String::new()),
                ("No.1-再", Some("1-(2)"), Some(3), "再掲".into()),
                ("No.2", Some("1-(2)"), Some(3), "再掲".into()),
            ]
        );
    }
}
