//! What a reader produces: one city's data as domain values, before it
//! touches the database. Every importer fills a [`Batch`]; `apply` writes it
//! in one transaction, and the canonical JSON format is its serialisation.

use hyoka_core::{Direction, EvaluationScale, FiscalYear, IndicatorKind, ValueRole};
use serde::{Deserialize, Serialize};

// The rows a sheet is made of are domain values shared with the store.
pub use hyoka_core::plan::NodeRef;
pub use hyoka_core::roadmap::{RoadmapCell, RoadmapRow};
pub use hyoka_core::sheet::{BudgetRow, EvaluationRow, Finding, NarrativeRow, NextDirectionRow, ScheduleRow};

/// Everything read from one or more files.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub cities: Vec<CityBatch>,
    /// Fragments a reader could not place, and other things a person should
    /// look at. They are stored and shown, never dropped.
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CityBatch {
    /// 全国地方公共団体コード: `132047`.
    pub code: String,
    pub name: String,
    pub sections: Vec<SectionRow>,
    pub scales: Vec<EvaluationScale>,
    pub plans: Vec<PlanRow>,
    pub items: Vec<ItemRow>,
    pub indicators: Vec<IndicatorRow>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SectionRow {
    pub department: String,
    pub section: String,
}

// Compared and hashed by department, then section, as a derive would; each
// comparison or hash counts as one entry examined (`hyoka_core::work`), so
// that tests/import_linear.rs can assert that staging an import's sections
// stays linear (a search through a list per section counts each one).
impl PartialEq for SectionRow {
    fn eq(&self, other: &Self) -> bool {
        hyoka_core::work::examine(1);
        (&self.department, &self.section) == (&other.department, &other.section)
    }
}

impl Eq for SectionRow {}

impl PartialOrd for SectionRow {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SectionRow {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        hyoka_core::work::examine(1);
        (&self.department, &self.section).cmp(&(&other.department, &other.section))
    }
}

impl std::hash::Hash for SectionRow {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        hyoka_core::work::examine(1);
        self.department.hash(state);
        self.section.hash(state);
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRow {
    /// Stable code of the plan within the city: `basic-plan-4`, `action-plan-2022`.
    pub code: String,
    pub name: String,
    pub level_names: Vec<String>,
    /// Parents before children.
    pub nodes: Vec<NodeRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRow {
    /// As printed, unique within the plan: `IV-7-48-(1)`, `第3-2`, `1-(2)`.
    pub code: String,
    pub parent: Option<String>,
    pub title: String,
    /// 主要, 新規, … as printed.
    pub tags: Vec<String>,
}

/// A project, action-plan issue, reform item or objective.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemRow {
    /// Stable identity within the city; importing again finds the item by it.
    pub key: String,
    /// `project`, `issue`, `objective`, `activity`.
    pub kind: String,
    /// As printed: `企-1`, `No.2-1`, `1-(2)`.
    pub code: String,
    pub title: String,
    /// The fiscal year the sheet reports.
    pub fiscal_year: Option<FiscalYear>,
    /// 新規, フォローアップ, 主要, 総計, 行革, … as printed.
    pub tags: Vec<String>,
    pub placements: Vec<PlacementRow>,
    /// For a re-listing (再掲): the key of the item it repeats.
    pub relisting_of: Option<String>,
    pub sections: Vec<SectionRow>,
    pub narratives: Vec<NarrativeRow>,
    pub budgets: Vec<BudgetRow>,
    pub evaluations: Vec<EvaluationRow>,
    pub schedule: Vec<ScheduleRow>,
    pub next_direction: Option<NextDirectionRow>,
    /// The multi-year 工程表 of each sheet year (小平市): absent in files
    /// written before it existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roadmap: Vec<RoadmapRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementRow {
    pub plan: String,
    pub node: String,
    pub relisting: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub key: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub definition: Option<String>,
    pub unit: Option<String>,
    pub direction: Direction,
    /// Judgement vocabulary code: `achievement`, `progress`, …
    pub vocabulary: Option<String>,
    /// The owning item's key, or the plan node it measures.
    pub item: Option<String>,
    pub node: Option<NodeRef>,
    /// Another plan node the indicator names ([`hyoka_core::RelatedNode`]:
    /// the 行政改革大綱 item 三島市 prints beside a 成果指標).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<NodeRef>,
    pub values: Vec<ValueRow>,
    pub judgements: Vec<JudgementRow>,
}

/// One printed cell. When the same indicator is printed in two tables, both
/// printings are kept: `source` names the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueRow {
    pub fiscal_year: FiscalYear,
    pub role: ValueRole,
    pub printed: String,
    pub source: Option<String>,
    /// The fiscal year of the document that printed it (see
    /// [`CityBatch::stamp_printed_in`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_in: Option<FiscalYear>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgementRow {
    pub fiscal_year: FiscalYear,
    pub printed: String,
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_in: Option<FiscalYear>,
}

impl CityBatch {
    /// Marks every printed cell with the year of the document read: a
    /// published document reports one fiscal year (its items'), and the
    /// values of earlier years it prints are public once that year is.
    pub fn stamp_printed_in(&mut self) {
        let Some(year) = self.items.iter().filter_map(|i| i.fiscal_year).max() else { return };
        for ind in &mut self.indicators {
            for v in &mut ind.values {
                v.printed_in.get_or_insert(year);
            }
            for j in &mut ind.judgements {
                j.printed_in.get_or_insert(year);
            }
        }
    }

    pub fn item(&self, key: &str) -> Option<&ItemRow> {
        self.items.iter().find(|i| i.key == key)
    }

    pub fn indicator(&self, key: &str) -> Option<&IndicatorRow> {
        self.indicators.iter().find(|i| i.key == key)
    }

    pub fn plan(&self, code: &str) -> Option<&PlanRow> {
        self.plans.iter().find(|p| p.code == code)
    }
}
