//! What the store hands out and takes in: plain records of domain values.

use hyoka_core::judgement::Judgement;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, ValueRole};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Municipality {
    /// 全国地方公共団体コード, six digits with the check digit: `132047`.
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRecord {
    pub id: i64,
    pub municipality_code: String,
    pub code: String,
    pub name: String,
    pub level_names: Vec<String>,
    pub node_count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRecord {
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub level: i64,
    pub code: String,
    pub title: String,
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewItem {
    /// Stable identity within the city; importing again finds the item by it.
    pub key: String,
    /// `project`, `issue`, `objective`, `activity`.
    pub kind: String,
    pub code: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRecord {
    pub id: i64,
    pub municipality_code: String,
    pub key: String,
    pub kind: String,
    pub code: String,
    pub title: String,
    pub fiscal_year: Option<FiscalYear>,
    /// As printed: 新規, フォローアップ, 主要, 総計, 行革.
    pub tags: Vec<String>,
    /// For a re-listing (再掲): the key of the item it repeats.
    pub relisting_of: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewIndicator {
    pub key: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub definition: Option<String>,
    pub unit: Option<String>,
    pub direction: Direction,
    /// The code of the judgement vocabulary the city uses for it.
    pub vocabulary: Option<String>,
    pub item_id: Option<i64>,
    pub node_id: Option<i64>,
    /// Another plan node it names (`hyoka_core::RelatedNode`).
    pub related_node_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorRecord {
    pub id: i64,
    pub municipality_code: String,
    pub key: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub definition: Option<String>,
    pub unit: Option<String>,
    pub direction: Direction,
    pub vocabulary: Option<String>,
    pub item_id: Option<i64>,
    pub node_id: Option<i64>,
    /// Another plan node it names; [`crate::Store::related_nodes`] reads
    /// the node's plan, code and title.
    pub related_node_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorValue {
    pub fiscal_year: FiscalYear,
    pub role: ValueRole,
    pub cell: IndicatorCell,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgementRecord {
    pub fiscal_year: FiscalYear,
    pub judgement: Judgement,
}

/// How much a city holds, for summaries and progress lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub plans: i64,
    pub nodes: i64,
    pub items: i64,
    pub indicators: i64,
    pub indicator_values: i64,
}

/// One printing of an indicator's cell in a named table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printing {
    pub fiscal_year: FiscalYear,
    /// `baseline`, `target`, `actual` or `judgement`.
    pub role: String,
    pub source: String,
    pub printed: String,
    /// The fiscal year of the document that printed it: public once that
    /// year is published, whatever year the cell is of.
    pub printed_in: Option<FiscalYear>,
}
