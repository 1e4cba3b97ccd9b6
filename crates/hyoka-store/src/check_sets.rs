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
use std::future::Future;

use futures_util::TryStreamExt;
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

/// Which items: the whole year, or the listed ids of it. Owned, as each
/// statement of a read runs in its own task.
#[derive(Clone)]
struct Scope {
    city: String,
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
        let scope = Scope { city: municipality.to_string(), fy, ids: None };
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
    /// it: eleven statements, whatever the size of the city. They run at
    /// once, each in its own task that decodes its rows as they come (on a
    /// big city the decoding is most of the time, and no statement's rows
    /// are held whole).
    pub async fn check_year_set(
        &self,
        municipality: &str,
        fy: FiscalYear,
        ids: Option<&[i64]>,
    ) -> Result<CheckYearSet, StoreError> {
        let ids = ids.map(|ids| serde_json::to_string(ids).expect("a list of integers"));
        let scope = Scope { city: municipality.to_string(), fy, ids };
        let sql = "SELECT p.code AS plan_code, n.id, n.plan_id, n.parent_id, n.level, n.code, n.title, n.tags
                   FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
                   WHERE p.municipality_code = $1 ORDER BY p.id, n.level, n.position, n.id";
        let nodes = self.spawn_rows(&scope, sql.to_string(), Vec::new(), |nodes, r| {
            nodes.push((r.try_get("plan_code")?, node_record(r)?));
            Ok(())
        });
        let (items, indicators, nodes) =
            tokio::try_join!(self.check_item_sets(&scope), self.check_indicator_sets(&scope), nodes)?;
        Ok(CheckYearSet { items, indicators, nodes })
    }

    /// The items of the scope: `i.id IN (…)` over the year, narrowed to
    /// the listed ids.
    fn scope_items(&self, scope: &Scope, column: &str) -> String {
        let mut clause = format!("{column} IN ({YEAR_ITEMS})");
        if scope.ids.is_some() {
            clause.push_str(&format!(" AND {column} IN {}", self.backend().id_list("$3")));
        }
        clause
    }

    /// Runs a statement of the scope in a task of its own, folding each
    /// row into `acc` with `fold` as it arrives.
    fn spawn_rows<T: Send + 'static>(
        &self,
        scope: &Scope,
        sql: String,
        acc: T,
        mut fold: impl FnMut(&mut T, &AnyRow) -> Result<(), StoreError> + Send + 'static,
    ) -> impl Future<Output = Result<T, StoreError>> {
        let (store, scope) = (self.clone(), scope.clone());
        spawned(async move {
            let mut acc = acc;
            // Only the parameters the statement uses: PostgreSQL refuses
            // more (the plan nodes' statement takes the city only).
            let mut q = sqlx::query(&sql).bind(scope.city.as_str());
            if sql.contains("$2") {
                q = q.bind(fy_i64(scope.fy));
            }
            if let Some(ids) = scope.ids.as_deref().filter(|_| sql.contains("$3")) {
                q = q.bind(ids);
            }
            let mut rows = q.fetch(store.pool());
            while let Some(r) = rows.try_next().await? {
                fold(&mut acc, &r)?;
            }
            Ok(acc)
        })
    }

    /// Rows of a statement decoded by `item_id`, in a task of their own.
    fn spawn_grouped<T: Send + 'static>(
        &self,
        scope: &Scope,
        sql: String,
        decode: impl Fn(&AnyRow) -> Result<T, StoreError> + Send + 'static,
    ) -> impl Future<Output = Result<HashMap<i64, Vec<T>>, StoreError>> {
        self.spawn_rows(scope, sql, HashMap::new(), move |out: &mut HashMap<i64, Vec<T>>, r| {
            out.entry(r.try_get("item_id")?).or_default().push(decode(r)?);
            Ok(())
        })
    }

    async fn check_item_sets(&self, scope: &Scope) -> Result<Vec<CheckItemSet>, StoreError> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE {} ORDER BY i.id", self.scope_items(scope, "i.id"));
        let items = self.spawn_rows(scope, sql, Vec::new(), |items, r| {
            items.push(item_record(r)?);
            Ok(())
        });
        let sql = format!(
            "SELECT x.item_id, x.section_id, d.name AS department, s.name AS section
             FROM item_sections x JOIN sections s ON s.id = x.section_id JOIN departments d ON d.id = s.department_id
             WHERE {} ORDER BY x.item_id, d.name, s.name",
            self.scope_items(scope, "x.item_id")
        );
        let sections = self.spawn_grouped(scope, sql, |r| {
            Ok(ItemSection {
                section_id: r.try_get("section_id")?,
                department: r.try_get("department")?,
                section: r.try_get("section")?,
            })
        });
        let sql = format!(
            "SELECT pl.item_id, p.id AS plan_id, p.code AS plan_code, n.id AS node_id, n.code AS node_code,
                    n.title AS node_title, pl.relisting
             FROM item_placements pl JOIN plan_nodes n ON n.id = pl.node_id JOIN plans p ON p.id = n.plan_id
             WHERE {} ORDER BY pl.item_id, p.code, n.code",
            self.scope_items(scope, "pl.item_id")
        );
        let placements = self.spawn_grouped(scope, sql, |r| {
            Ok(PlacementRecord {
                plan_id: r.try_get("plan_id")?,
                plan_code: r.try_get("plan_code")?,
                node_id: r.try_get("node_id")?,
                node_code: r.try_get("node_code")?,
                node_title: r.try_get("node_title")?,
                relisting: r.try_get::<i64, _>("relisting")? != 0,
            })
        });
        let sql = format!(
            "SELECT n.item_id, n.fiscal_year, n.slot, n.label, n.body FROM narratives n
             WHERE {} AND (n.fiscal_year IS NULL OR n.fiscal_year = $2) ORDER BY n.item_id, n.position",
            self.scope_items(scope, "n.item_id")
        );
        let narratives = self.spawn_grouped(scope, sql, |r| {
            Ok(NarrativeRow {
                fiscal_year: opt_i64(r, "fiscal_year")?.map(fy_from_i64).transpose()?,
                slot: r.try_get("slot")?,
                label: r.try_get("label")?,
                text: serde_json::from_str(&r.try_get::<String, _>("body")?)?,
            })
        });
        let sql = format!(
            "SELECT b.item_id, b.fiscal_year, {}
             FROM budgets b WHERE {} AND b.fiscal_year <= $2 ORDER BY b.item_id, b.fiscal_year",
            budget_columns("b."),
            self.scope_items(scope, "b.item_id")
        );
        let budgets = self.spawn_grouped(scope, sql, budget_row);
        let sql = format!(
            "SELECT e.item_id, e.fiscal_year, e.stage, e.evaluator, s.code AS scale_code, e.grade, e.comment
             FROM evaluations e LEFT JOIN evaluation_scales s ON s.id = e.scale_id
             WHERE {} AND e.fiscal_year <= $2 ORDER BY e.item_id, e.fiscal_year, e.stage, e.evaluator",
            self.scope_items(scope, "e.item_id")
        );
        let evaluations = self.spawn_grouped(scope, sql, evaluation_row);
        let (items, mut sections, mut placements, mut narratives, mut budgets, mut evaluations) =
            tokio::try_join!(items, sections, placements, narratives, budgets, evaluations)?;
        Ok(items
            .into_iter()
            .map(|item| CheckItemSet {
                sections: sections.remove(&item.id).unwrap_or_default(),
                placements: placements.remove(&item.id).unwrap_or_default(),
                narratives: narratives.remove(&item.id).unwrap_or_default(),
                budgets: budgets.remove(&item.id).unwrap_or_default(),
                evaluations: evaluations.remove(&item.id).unwrap_or_default(),
                item,
            })
            .collect())
    }

    async fn check_indicator_sets(&self, scope: &Scope) -> Result<Vec<CheckIndicatorSet>, StoreError> {
        // The indicators of the items read, and those of plan nodes (a
        // 施策's indicators, quoted by the sheets under it).
        let which = format!("(d.item_id IS NULL OR {})", self.scope_items(scope, "d.item_id"));
        let sql = format!(
            "SELECT {} FROM indicators d WHERE d.municipality_code = $1 AND {which} ORDER BY d.id",
            INDICATOR_COLUMNS.split(", ").map(|c| format!("d.{c}")).collect::<Vec<_>>().join(", ")
        );
        let indicators = self.spawn_rows(scope, sql, Vec::new(), |out, r| {
            out.push(indicator_record(r)?);
            Ok(())
        });
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
        let values = self.spawn_folded(scope, sql, |(fy, role, printed, meaning): ValueRow| {
            Ok(IndicatorValue {
                fiscal_year: fy_from_i64(fy)?,
                role: role.parse().map_err(StoreError::Invalid)?,
                cell: stored_cell(&printed, &meaning),
            })
        });
        let sql = folded_sql(
            "judgements",
            "t.fiscal_year, t.printed, t.computed, t.declared, t.declared_reason",
            "t.fiscal_year",
        );
        let judgements = self.spawn_folded(scope, sql, |(fy, printed, computed, declared, reason): JudgementRow| {
            Ok(JudgementRecord {
                fiscal_year: fy_from_i64(fy)?,
                judgement: Judgement {
                    printed,
                    computed,
                    declared: declared.map(|label| Declared { label, reason: reason.unwrap_or_default() }),
                },
            })
        });
        let sql = folded_sql(
            "indicator_printings",
            "t.fiscal_year, t.role, t.source, t.printed, t.printed_in",
            "t.fiscal_year, t.role, t.source",
        );
        let printings = self.spawn_folded(scope, sql, |(fy, role, source, printed, printed_in): PrintingRow| {
            Ok(Printing {
                fiscal_year: fy_from_i64(fy)?,
                role,
                source,
                printed,
                printed_in: printed_in.map(fy_from_i64).transpose()?,
            })
        });
        let (indicators, mut values, mut judgements, mut printings) =
            tokio::try_join!(indicators, values, judgements, printings)?;
        Ok(indicators
            .into_iter()
            .map(|indicator| {
                let mut values = values.remove(&indicator.id).unwrap_or_default();
                values.sort_by_key(|v| (v.fiscal_year, v.role));
                CheckIndicatorSet {
                    values,
                    judgements: judgements.remove(&indicator.id).unwrap_or_default(),
                    printings: printings.remove(&indicator.id).unwrap_or_default(),
                    indicator,
                }
            })
            .collect())
    }

    /// Rows of (`indicator_id`, `folded`: a JSON array from
    /// [`crate::backend::Backend::json_rows`]) decoded by indicator, in a
    /// task of their own.
    fn spawn_folded<R: serde::de::DeserializeOwned, T: Send + 'static>(
        &self,
        scope: &Scope,
        sql: String,
        decode: impl Fn(R) -> Result<T, StoreError> + Send + 'static,
    ) -> impl Future<Output = Result<HashMap<i64, Vec<T>>, StoreError>> {
        self.spawn_rows(scope, sql, HashMap::new(), move |out: &mut HashMap<i64, Vec<T>>, r| {
            let parts: Vec<R> = serde_json::from_str(&r.try_get::<String, _>("folded")?)?;
            let decoded = parts.into_iter().map(&decode).collect::<Result<Vec<T>, StoreError>>()?;
            out.insert(r.try_get::<i64, _>("indicator_id")?, decoded);
            Ok(())
        })
    }
}

/// Runs `work` in a task of its own (in the caller's span, which the
/// statement counter follows), so that the statements of a read and the
/// decoding of their rows go on at once, on every core.
fn spawned<T: Send + 'static>(
    work: impl Future<Output = Result<T, StoreError>> + Send + 'static,
) -> impl Future<Output = Result<T, StoreError>> {
    let task = tokio::spawn(tracing::Instrument::in_current_span(work));
    async move {
        match task.await {
            Ok(out) => out,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(StoreError::Invalid(format!("読み込みが中断されました: {e}"))),
        }
    }
}

/// `[fiscal_year, role, printed, meaning]` of `indicator_values`.
type ValueRow = (i64, String, String, String);
/// `[fiscal_year, printed, computed, declared, declared_reason]` of `judgements`.
type JudgementRow = (i64, Option<String>, Option<String>, Option<String>, Option<String>);
/// `[fiscal_year, role, source, printed, printed_in]` of `indicator_printings`.
type PrintingRow = (i64, String, String, String, Option<i64>);
