//! Set-based reads for the consistency checks (docs/checks.md): everything
//! a city-year's sheets hold, in a fixed number of statements whatever the
//! size of the city (twelve for a whole year), grouped in memory.
//!
//! The sheets of a city-year are the items printed in that year
//! (`items.fiscal_year`) and the items with a sheet of that year (a year
//! opened on the web). Of each sheet the reads take its narratives of the
//! year (and those without a year), its budgets and grades of the year and
//! earlier (a document prints several years), and every cell and printing
//! of its indicators (the rules compare years).

use std::collections::HashMap;

use hyoka_core::judgement::{Declared, Judgement};
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow};
use hyoka_core::FiscalYear;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::figures::{budget_columns, budget_row, evaluation_row};
use crate::indicators::{indicator_record, stored_cell, INDICATOR_COLUMNS};
use crate::org::{fy_from_i64, fy_i64};
use crate::plans::{item_record, node_record, ITEM_COLUMNS};
use crate::{
    opt_i64, IndicatorRecord, IndicatorValue, ItemRecord, JudgementRecord, NodeRecord, PlacementRecord, Printing,
    Store, StoreError,
};

/// The ids of the items of city `$1` in fiscal year `$2`.
const YEAR_ITEMS: &str = "SELECT i.id FROM items i WHERE i.municipality_code = $1
    AND (i.fiscal_year = $2 OR i.id IN (SELECT s.item_id FROM sheets s WHERE s.fiscal_year = $2))";

/// The section an item is the responsibility of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSection {
    pub section_id: i64,
    pub department: String,
    pub section: String,
}

/// One sheet of a city-year with what the checks read of it.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckItemSet {
    pub item: ItemRecord,
    pub sections: Vec<ItemSection>,
    pub placements: Vec<PlacementRecord>,
    /// Of the year and without a year, in printed order.
    pub narratives: Vec<NarrativeRow>,
    /// Of the year and earlier.
    pub budgets: Vec<BudgetRow>,
    pub evaluations: Vec<EvaluationRow>,
}

/// An indicator of the year's sheets (or of a plan node) with every cell,
/// judgement and printing.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckIndicatorSet {
    pub indicator: IndicatorRecord,
    pub values: Vec<IndicatorValue>,
    pub judgements: Vec<JudgementRecord>,
    /// Every printing in a named table, by year, role and table.
    pub printings: Vec<Printing>,
}

/// A city-year as the checks read it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckYearSet {
    pub items: Vec<CheckItemSet>,
    /// Indicators of the items read, and of every plan node of the city.
    pub indicators: Vec<CheckIndicatorSet>,
    /// Every plan node of the city with its plan's code, parents first.
    pub nodes: Vec<(String, NodeRecord)>,
}

/// Which items: the whole year, or the listed ids of it.
struct Scope<'a> {
    city: &'a str,
    fy: FiscalYear,
    /// A JSON array of item ids, bound as `$3`.
    ids: Option<String>,
}

impl Store {
    /// The items of a city-year (see the module's note), in stored order:
    /// one statement. Cheap: for choosing which sheets to read in full.
    pub async fn check_items(&self, municipality: &str, fy: FiscalYear) -> Result<Vec<ItemRecord>, StoreError> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id IN ({YEAR_ITEMS}) ORDER BY i.id");
        let rows = sqlx::query(&sql).bind(municipality).bind(fy_i64(fy)).fetch_all(self.pool()).await?;
        rows.iter().map(item_record).collect()
    }

    /// The items of a city-year placed (not as a re-listing) at the nodes
    /// `node_ids`, as (node, item) in item order: who owns a node's sheet.
    /// One statement.
    pub async fn check_node_items(
        &self,
        municipality: &str,
        fy: FiscalYear,
        node_ids: &[i64],
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let scope = Scope { city: municipality, fy, ids: None };
        let sql = format!(
            "SELECT pl.node_id, pl.item_id FROM item_placements pl
             WHERE pl.relisting = 0 AND {} AND pl.node_id IN {} ORDER BY pl.item_id, pl.node_id",
            self.scope_items(&scope, "pl.item_id"),
            self.backend().id_list("$3")
        );
        let ids = serde_json::to_string(node_ids).expect("a list of integers");
        let rows = sqlx::query(&sql).bind(municipality).bind(fy_i64(fy)).bind(ids).fetch_all(self.pool()).await?;
        rows.iter().map(|r| Ok((r.try_get("node_id")?, r.try_get("item_id")?))).collect()
    }

    /// Everything the checks read of a city-year, or of the items `ids` of
    /// it: eleven statements, whatever the size of the city.
    pub async fn check_year_set(
        &self,
        municipality: &str,
        fy: FiscalYear,
        ids: Option<&[i64]>,
    ) -> Result<CheckYearSet, StoreError> {
        let ids = ids.map(|ids| serde_json::to_string(ids).expect("a list of integers"));
        let scope = Scope { city: municipality, fy, ids };
        let items = self.check_item_sets(&scope).await?;
        let indicators = self.check_indicator_sets(&scope).await?;
        let sql = "SELECT p.code AS plan_code, n.id, n.plan_id, n.parent_id, n.level, n.code, n.title, n.tags
                   FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
                   WHERE p.municipality_code = $1 ORDER BY p.id, n.level, n.position, n.id";
        let rows = sqlx::query(sql).bind(municipality).fetch_all(self.pool()).await?;
        let nodes =
            rows.iter().map(|r| Ok((r.try_get("plan_code")?, node_record(r)?))).collect::<Result<_, StoreError>>()?;
        Ok(CheckYearSet { items, indicators, nodes })
    }

    /// The items of the scope: `i.id IN (…)` over the year, narrowed to
    /// the listed ids.
    fn scope_items(&self, scope: &Scope<'_>, column: &str) -> String {
        let mut clause = format!("{column} IN ({YEAR_ITEMS})");
        if scope.ids.is_some() {
            clause.push_str(&format!(" AND {column} IN {}", self.backend().id_list("$3")));
        }
        clause
    }

    async fn fetch(&self, scope: &Scope<'_>, sql: &str) -> Result<Vec<AnyRow>, StoreError> {
        let mut q = sqlx::query(sql).bind(scope.city).bind(fy_i64(scope.fy));
        if let Some(ids) = &scope.ids {
            q = q.bind(ids);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    async fn check_item_sets(&self, scope: &Scope<'_>) -> Result<Vec<CheckItemSet>, StoreError> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE {} ORDER BY i.id", self.scope_items(scope, "i.id"));
        let items = self.fetch(scope, &sql).await?;
        let sql = format!(
            "SELECT x.item_id, x.section_id, d.name AS department, s.name AS section
             FROM item_sections x JOIN sections s ON s.id = x.section_id JOIN departments d ON d.id = s.department_id
             WHERE {} ORDER BY x.item_id, d.name, s.name",
            self.scope_items(scope, "x.item_id")
        );
        let mut sections = grouped(&self.fetch(scope, &sql).await?, |r| {
            Ok(ItemSection {
                section_id: r.try_get("section_id")?,
                department: r.try_get("department")?,
                section: r.try_get("section")?,
            })
        })?;
        let sql = format!(
            "SELECT pl.item_id, p.id AS plan_id, p.code AS plan_code, n.id AS node_id, n.code AS node_code,
                    n.title AS node_title, pl.relisting
             FROM item_placements pl JOIN plan_nodes n ON n.id = pl.node_id JOIN plans p ON p.id = n.plan_id
             WHERE {} ORDER BY pl.item_id, p.code, n.code",
            self.scope_items(scope, "pl.item_id")
        );
        let mut placements = grouped(&self.fetch(scope, &sql).await?, |r| {
            Ok(PlacementRecord {
                plan_id: r.try_get("plan_id")?,
                plan_code: r.try_get("plan_code")?,
                node_id: r.try_get("node_id")?,
                node_code: r.try_get("node_code")?,
                node_title: r.try_get("node_title")?,
                relisting: r.try_get::<i64, _>("relisting")? != 0,
            })
        })?;
        let sql = format!(
            "SELECT n.item_id, n.fiscal_year, n.slot, n.label, n.body FROM narratives n
             WHERE {} AND (n.fiscal_year IS NULL OR n.fiscal_year = $2) ORDER BY n.item_id, n.position",
            self.scope_items(scope, "n.item_id")
        );
        let mut narratives = grouped(&self.fetch(scope, &sql).await?, |r| {
            Ok(NarrativeRow {
                fiscal_year: opt_i64(r, "fiscal_year")?.map(fy_from_i64).transpose()?,
                slot: r.try_get("slot")?,
                label: r.try_get("label")?,
                text: serde_json::from_str(&r.try_get::<String, _>("body")?)?,
            })
        })?;
        let sql = format!(
            "SELECT b.item_id, b.fiscal_year, {}
             FROM budgets b WHERE {} AND b.fiscal_year <= $2 ORDER BY b.item_id, b.fiscal_year",
            budget_columns("b."),
            self.scope_items(scope, "b.item_id")
        );
        let mut budgets = grouped(&self.fetch(scope, &sql).await?, budget_row)?;
        let sql = format!(
            "SELECT e.item_id, e.fiscal_year, e.stage, e.evaluator, s.code AS scale_code, e.grade, e.comment
             FROM evaluations e LEFT JOIN evaluation_scales s ON s.id = e.scale_id
             WHERE {} AND e.fiscal_year <= $2 ORDER BY e.item_id, e.fiscal_year, e.stage, e.evaluator",
            self.scope_items(scope, "e.item_id")
        );
        let mut evaluations = grouped(&self.fetch(scope, &sql).await?, evaluation_row)?;
        items
            .iter()
            .map(|r| {
                let item = item_record(r)?;
                Ok(CheckItemSet {
                    sections: sections.remove(&item.id).unwrap_or_default(),
                    placements: placements.remove(&item.id).unwrap_or_default(),
                    narratives: narratives.remove(&item.id).unwrap_or_default(),
                    budgets: budgets.remove(&item.id).unwrap_or_default(),
                    evaluations: evaluations.remove(&item.id).unwrap_or_default(),
                    item,
                })
            })
            .collect()
    }

    async fn check_indicator_sets(&self, scope: &Scope<'_>) -> Result<Vec<CheckIndicatorSet>, StoreError> {
        // The indicators of the items read, and those of plan nodes (a
        // 施策's indicators, quoted by the sheets under it).
        let which = format!("(d.item_id IS NULL OR {})", self.scope_items(scope, "d.item_id"));
        let sql = format!(
            "SELECT {} FROM indicators d WHERE d.municipality_code = $1 AND {which} ORDER BY d.id",
            INDICATOR_COLUMNS.split(", ").map(|c| format!("d.{c}")).collect::<Vec<_>>().join(", ")
        );
        let indicators = self.fetch(scope, &sql).await?;
        // Each indicator's cells, judgements and printings come as one
        // JSON array per indicator (about 70 rows each on a big city).
        let folded_sql = |table: &str, columns: &str, order: &str| {
            format!(
                "SELECT t.indicator_id, {} AS folded
                 FROM {table} t JOIN indicators d ON d.id = t.indicator_id
                 WHERE d.municipality_code = $1 AND {which} GROUP BY t.indicator_id",
                self.backend().json_rows(columns, order)
            )
        };
        let sql =
            folded_sql("indicator_values", "t.fiscal_year, t.role, t.printed, t.meaning", "t.fiscal_year, t.role");
        let mut values = folded(&self.fetch(scope, &sql).await?, |(fy, role, printed, meaning): ValueRow| {
            Ok(IndicatorValue {
                fiscal_year: fy_from_i64(fy)?,
                role: role.parse().map_err(StoreError::Invalid)?,
                cell: stored_cell(&printed, &meaning),
            })
        })?;
        let sql = folded_sql(
            "judgements",
            "t.fiscal_year, t.printed, t.computed, t.declared, t.declared_reason",
            "t.fiscal_year",
        );
        let mut judgements =
            folded(&self.fetch(scope, &sql).await?, |(fy, printed, computed, declared, reason): JudgementRow| {
                Ok(JudgementRecord {
                    fiscal_year: fy_from_i64(fy)?,
                    judgement: Judgement {
                        printed,
                        computed,
                        declared: declared.map(|label| Declared { label, reason: reason.unwrap_or_default() }),
                    },
                })
            })?;
        let sql = folded_sql(
            "indicator_printings",
            "t.fiscal_year, t.role, t.source, t.printed, t.printed_in",
            "t.fiscal_year, t.role, t.source",
        );
        let mut printings =
            folded(&self.fetch(scope, &sql).await?, |(fy, role, source, printed, printed_in): PrintingRow| {
                Ok(Printing {
                    fiscal_year: fy_from_i64(fy)?,
                    role,
                    source,
                    printed,
                    printed_in: printed_in.map(fy_from_i64).transpose()?,
                })
            })?;
        indicators
            .iter()
            .map(|r| {
                let indicator = indicator_record(r)?;
                let mut values = values.remove(&indicator.id).unwrap_or_default();
                values.sort_by_key(|v| (v.fiscal_year, v.role));
                Ok(CheckIndicatorSet {
                    values,
                    judgements: judgements.remove(&indicator.id).unwrap_or_default(),
                    printings: printings.remove(&indicator.id).unwrap_or_default(),
                    indicator,
                })
            })
            .collect()
    }
}

/// `[fiscal_year, role, printed, meaning]` of `indicator_values`.
type ValueRow = (i64, String, String, String);
/// `[fiscal_year, printed, computed, declared, declared_reason]` of `judgements`.
type JudgementRow = (i64, Option<String>, Option<String>, Option<String>, Option<String>);
/// `[fiscal_year, role, source, printed, printed_in]` of `indicator_printings`.
type PrintingRow = (i64, String, String, String, Option<i64>);

/// Rows of (`indicator_id`, `folded`: a JSON array from
/// [`crate::backend::Backend::json_rows`]) decoded by indicator.
fn folded<R: serde::de::DeserializeOwned, T>(
    rows: &[AnyRow],
    decode: impl Fn(R) -> Result<T, StoreError>,
) -> Result<HashMap<i64, Vec<T>>, StoreError> {
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let parts: Vec<R> = serde_json::from_str(&r.try_get::<String, _>("folded")?)?;
        let decoded = parts.into_iter().map(&decode).collect::<Result<Vec<T>, StoreError>>()?;
        out.insert(r.try_get::<i64, _>("indicator_id")?, decoded);
    }
    Ok(out)
}

fn grouped<T>(
    rows: &[AnyRow],
    decode: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<HashMap<i64, Vec<T>>, StoreError> {
    grouped_by(rows, "item_id", decode)
}

fn grouped_by<T>(
    rows: &[AnyRow],
    key: &str,
    decode: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<HashMap<i64, Vec<T>>, StoreError> {
    let mut out: HashMap<i64, Vec<T>> = HashMap::new();
    for r in rows {
        out.entry(r.try_get(key)?).or_default().push(decode(r)?);
    }
    Ok(out)
}
