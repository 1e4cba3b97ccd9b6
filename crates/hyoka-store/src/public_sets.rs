//! Set-based reads for the public side: a whole city-year, or a page of
//! it, in a fixed number of statements, however many items it holds.
//!
//! The per-item functions of `publication.rs` run a statement or two per
//! item and indicator; a list page of a city with 5,000 projects ran
//! 15,000 of them. These read each table once for the whole set (joined
//! to the city, or to a page of ids bound as one JSON array) and group the
//! rows in memory. They see exactly what the per-item functions see: only
//! published (locked and public) years.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hyoka_core::sheet::{BudgetRow, EvaluationRow, NextDirectionRow};
use hyoka_core::FiscalYear;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::figures::{budget_columns, budget_row, evaluation_row};
use crate::indicators::{indicator_record, indicator_value, judgement_record, INDICATOR_COLUMNS};
use crate::org::{fy_from_i64, fy_i64};
use crate::plans::{item_record, ITEM_COLUMNS};
use crate::publication::{ITEM_YEARS, PUBLISHED_YEARS};
use crate::sheets::next_direction_row;
use crate::{IndicatorRecord, IndicatorValue, ItemRecord, JudgementRecord, PrintedHistory, Store, StoreError};

/// Where an item is placed, with the node's printed code and title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementRecord {
    pub plan_id: i64,
    pub plan_code: String,
    pub node_id: i64,
    pub node_code: String,
    pub node_title: String,
    /// A 再掲: shown, never counted.
    pub relisting: bool,
}

/// An item with content in published years, with what the public lists
/// show of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicItemSet {
    pub item: ItemRecord,
    /// Every published year it has content in, oldest first (also when
    /// the set was read for one year: the item page links them).
    pub years: Vec<FiscalYear>,
    /// Responsible (部, 課), as [`Store::item_sections`] orders them.
    pub sections: Vec<(String, String)>,
    /// As [`Store::item_placements`] orders them (plan code, node code).
    pub placements: Vec<PlacementRecord>,
    /// Of the years read (one year, or every published year), by year.
    pub budgets: Vec<BudgetRow>,
    /// Of the years read, by year, stage and evaluator.
    pub evaluations: Vec<EvaluationRow>,
    /// Next year's direction written in each year read, by year.
    pub next_directions: Vec<NextDirectionRow>,
}

impl PublicItemSet {
    /// The direction written in `fy` ([`Store::public_next_direction`]).
    pub fn next_direction(&self, fy: FiscalYear) -> Option<&NextDirectionRow> {
        self.next_directions.iter().find(|d| d.fiscal_year == fy)
    }
}

/// An indicator with cells or judgements in published years, with all of
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicIndicatorSet {
    pub indicator: IndicatorRecord,
    /// The published years it has cells or judgements in, oldest first.
    pub years: Vec<FiscalYear>,
    /// Its cells in every published year, by year then role (a judgement
    /// of one year may need another year's baseline).
    pub values: Vec<IndicatorValue>,
    /// Its judgements in every published year, without a person's declared
    /// override (internal to the review, as [`Store::public_judgements`]).
    pub judgements: Vec<JudgementRecord>,
}

/// A page of a keyset-paginated list: rows in id order after a cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicPage<T> {
    pub rows: Vec<T>,
    /// The cursor of the next page (the last id on this one), `None` on
    /// the last page.
    pub next_after: Option<i64>,
}

/// Which rows a set reads: the whole city, or the listed ids of it.
struct Scope<'a> {
    city: &'a str,
    /// `None`: every published year.
    fy: Option<FiscalYear>,
    /// A JSON array of ids, bound as one parameter.
    ids: Option<String>,
}

impl Scope<'_> {
    /// ` AND {column} IN (ids)` with the ids at parameter `$n`, or nothing.
    fn ids_clause(&self, store: &Store, column: &str, n: usize) -> String {
        match &self.ids {
            Some(_) => format!(" AND {column} IN {}", store.backend().id_list(&format!("${n}"))),
            None => String::new(),
        }
    }
}

/// Runs `sql` with the city at `$1`, then the year at `$2` when
/// `with_year`, then the ids when scoped to some.
async fn fetch(store: &Store, scope: &Scope<'_>, sql: &str, with_year: bool) -> Result<Vec<AnyRow>, StoreError> {
    let mut q = sqlx::query(sql).bind(scope.city);
    if with_year {
        q = q.bind(scope.fy.map(fy_i64));
    }
    if let Some(ids) = &scope.ids {
        q = q.bind(ids);
    }
    Ok(q.fetch_all(store.pool()).await?)
}

/// Groups rows by their `key` column, decoding each.
pub(crate) fn grouped<T>(
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

fn json_ids(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("a list of integers")
}

impl Store {
    /// Every item with content in the city's published years (in `fy`
    /// only, when given), in stored order, each with its sections,
    /// placements, and the budgets, grades and directions of `fy` (or of
    /// every published year). Nothing when `fy` is not published.
    /// Seven statements, whatever the size of the city.
    pub async fn public_item_sets(
        &self,
        municipality: &str,
        fy: Option<FiscalYear>,
    ) -> Result<Vec<PublicItemSet>, StoreError> {
        self.item_sets(&Scope { city: municipality, fy, ids: None }).await
    }

    /// A page of [`Store::public_item_sets`] for one published year: at
    /// most `limit` items with content in `fy`, in id order after the item
    /// `after`. Eight statements, whatever the size of the city or the page.
    pub async fn public_item_page(
        &self,
        municipality: &str,
        fy: FiscalYear,
        after: Option<i64>,
        limit: usize,
    ) -> Result<PublicPage<PublicItemSet>, StoreError> {
        let sql = format!(
            "SELECT DISTINCT x.item_id FROM ({ITEM_YEARS}) x
             WHERE x.y = $2 AND x.y IN ({PUBLISHED_YEARS}) AND x.item_id > $3
             ORDER BY x.item_id LIMIT $4"
        );
        let ids = self.page_ids(&sql, municipality, fy, after, limit).await?;
        let (ids, next_after) = split_page(ids, limit);
        let rows = self.item_sets(&Scope { city: municipality, fy: Some(fy), ids: Some(json_ids(&ids)) }).await?;
        Ok(PublicPage { rows, next_after })
    }

    /// One item of [`Store::public_item_sets`] (with content in `fy`),
    /// or `None`. Seven statements.
    pub async fn public_item_set(
        &self,
        municipality: &str,
        fy: FiscalYear,
        item_id: i64,
    ) -> Result<Option<PublicItemSet>, StoreError> {
        Ok(self.public_item_sets_of(municipality, Some(fy), &[item_id]).await?.into_iter().next())
    }

    /// The items of [`Store::public_item_sets`] among `ids`, in stored
    /// order. Seven statements, however many ids.
    pub async fn public_item_sets_of(
        &self,
        municipality: &str,
        fy: Option<FiscalYear>,
        ids: &[i64],
    ) -> Result<Vec<PublicItemSet>, StoreError> {
        self.item_sets(&Scope { city: municipality, fy, ids: Some(json_ids(ids)) }).await
    }

    /// The indicators of [`Store::public_indicator_sets`] among `ids`, in
    /// stored order. Four statements, however many ids.
    pub async fn public_indicator_sets_of(
        &self,
        municipality: &str,
        fy: Option<FiscalYear>,
        ids: &[i64],
    ) -> Result<Vec<PublicIndicatorSet>, StoreError> {
        self.indicator_sets(&Scope { city: municipality, fy, ids: Some(json_ids(ids)) }).await
    }

    /// Every indicator with cells or judgements in the city's published
    /// years (in `fy`, when given), in stored order, each with its cells
    /// and judgements of every published year. The same indicators as
    /// [`Store::public_indicators`]. Three statements, whatever the size of
    /// the city.
    pub async fn public_indicator_sets(
        &self,
        municipality: &str,
        fy: Option<FiscalYear>,
    ) -> Result<Vec<PublicIndicatorSet>, StoreError> {
        self.indicator_sets(&Scope { city: municipality, fy, ids: None }).await
    }

    /// A page of [`Store::public_indicator_sets`] for one published year:
    /// at most `limit` indicators with cells or judgements in `fy`, in id
    /// order after the indicator `after`. Four statements.
    pub async fn public_indicator_page(
        &self,
        municipality: &str,
        fy: FiscalYear,
        after: Option<i64>,
        limit: usize,
    ) -> Result<PublicPage<PublicIndicatorSet>, StoreError> {
        let sql = format!(
            "SELECT DISTINCT x.indicator_id FROM (
               SELECT v.indicator_id, v.fiscal_year FROM indicator_values v
                 JOIN indicators d ON d.id = v.indicator_id WHERE d.municipality_code = $1
               UNION SELECT j.indicator_id, j.fiscal_year FROM judgements j
                 JOIN indicators d ON d.id = j.indicator_id WHERE d.municipality_code = $1) x
             WHERE x.fiscal_year = $2 AND x.fiscal_year IN ({PUBLISHED_YEARS}) AND x.indicator_id > $3
             ORDER BY x.indicator_id LIMIT $4"
        );
        let ids = self.page_ids(&sql, municipality, fy, after, limit).await?;
        let (ids, next_after) = split_page(ids, limit);
        let rows = self.indicator_sets(&Scope { city: municipality, fy: Some(fy), ids: Some(json_ids(&ids)) }).await?;
        Ok(PublicPage { rows, next_after })
    }

    /// The ids of a page, one more than asked for to know whether another
    /// page follows.
    async fn page_ids(
        &self,
        sql: &str,
        municipality: &str,
        fy: FiscalYear,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(sql)
            .bind(municipality)
            .bind(fy_i64(fy))
            .bind(after.unwrap_or(i64::MIN))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1))
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?)
    }

    async fn item_sets(&self, scope: &Scope<'_>) -> Result<Vec<PublicItemSet>, StoreError> {
        // The published years each item has content in.
        let sql = format!(
            "SELECT x.item_id, x.y FROM ({ITEM_YEARS}) x WHERE x.y IN ({PUBLISHED_YEARS}){}",
            scope.ids_clause(self, "x.item_id", 2)
        );
        let mut years: HashMap<i64, BTreeSet<FiscalYear>> = HashMap::new();
        for r in fetch(self, scope, &sql, false).await? {
            years.entry(r.try_get("item_id")?).or_default().insert(fy_from_i64(r.try_get("y")?)?);
        }
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM items i WHERE i.municipality_code = $1{} ORDER BY i.id",
            scope.ids_clause(self, "i.id", 2)
        );
        let items = fetch(self, scope, &sql, false).await?;
        let sql = format!(
            "SELECT x.item_id, d.name AS department, s.name AS section
             FROM item_sections x JOIN items i ON i.id = x.item_id
             JOIN sections s ON s.id = x.section_id JOIN departments d ON d.id = s.department_id
             WHERE i.municipality_code = $1{} ORDER BY x.item_id, d.name, s.name",
            scope.ids_clause(self, "x.item_id", 2)
        );
        let mut sections = grouped(&fetch(self, scope, &sql, false).await?, "item_id", |r| {
            Ok((r.try_get("department")?, r.try_get("section")?))
        })?;
        let sql = format!(
            "SELECT pl.item_id, p.id AS plan_id, p.code AS plan_code, n.id AS node_id, n.code AS node_code,
                    n.title AS node_title, pl.relisting
             FROM item_placements pl JOIN items i ON i.id = pl.item_id
             JOIN plan_nodes n ON n.id = pl.node_id JOIN plans p ON p.id = n.plan_id
             WHERE i.municipality_code = $1{} ORDER BY pl.item_id, p.code, n.code",
            scope.ids_clause(self, "pl.item_id", 2)
        );
        let mut placements = grouped(&fetch(self, scope, &sql, false).await?, "item_id", |r| {
            Ok(PlacementRecord {
                plan_id: r.try_get("plan_id")?,
                plan_code: r.try_get("plan_code")?,
                node_id: r.try_get("node_id")?,
                node_code: r.try_get("node_code")?,
                node_title: r.try_get("node_title")?,
                relisting: r.try_get::<i64, _>("relisting")? != 0,
            })
        })?;
        // Rows of the years read: published, and `fy` when given.
        let in_years = |column: &str| {
            format!(
                "{column} IN ({PUBLISHED_YEARS}) AND ($2 IS NULL OR {column} = $2){}",
                scope.ids_clause(self, "i.id", 3)
            )
        };
        let sql = format!(
            "SELECT b.item_id, b.fiscal_year, {}
             FROM budgets b JOIN items i ON i.id = b.item_id
             WHERE i.municipality_code = $1 AND {} ORDER BY b.item_id, b.fiscal_year",
            budget_columns("b."),
            in_years("b.fiscal_year")
        );
        let mut budgets = grouped(&fetch(self, scope, &sql, true).await?, "item_id", budget_row)?;
        let sql = format!(
            "SELECT e.item_id, e.fiscal_year, e.stage, e.evaluator, s.code AS scale_code, e.grade, e.comment
             FROM evaluations e JOIN items i ON i.id = e.item_id
             LEFT JOIN evaluation_scales s ON s.id = e.scale_id
             WHERE i.municipality_code = $1 AND {} ORDER BY e.item_id, e.fiscal_year, e.stage, e.evaluator",
            in_years("e.fiscal_year")
        );
        let mut evaluations = grouped(&fetch(self, scope, &sql, true).await?, "item_id", evaluation_row)?;
        let sql = format!(
            "SELECT x.item_id, x.fiscal_year, x.printed, x.direction, x.reason, x.transfer
             FROM next_directions x JOIN items i ON i.id = x.item_id
             WHERE i.municipality_code = $1 AND {} ORDER BY x.item_id, x.fiscal_year",
            in_years("x.fiscal_year")
        );
        let mut directions = grouped(&fetch(self, scope, &sql, true).await?, "item_id", next_direction_row)?;

        let mut out = Vec::new();
        for r in &items {
            let item = item_record(r)?;
            let Some(ys) = years.remove(&item.id) else { continue };
            if scope.fy.is_some_and(|fy| !ys.contains(&fy)) {
                continue;
            }
            out.push(PublicItemSet {
                sections: sections.remove(&item.id).unwrap_or_default(),
                placements: placements.remove(&item.id).unwrap_or_default(),
                budgets: budgets.remove(&item.id).unwrap_or_default(),
                evaluations: evaluations.remove(&item.id).unwrap_or_default(),
                next_directions: directions.remove(&item.id).unwrap_or_default(),
                years: ys.into_iter().collect(),
                item,
            });
        }
        Ok(out)
    }

    async fn indicator_sets(&self, scope: &Scope<'_>) -> Result<Vec<PublicIndicatorSet>, StoreError> {
        let sql = format!(
            "SELECT {INDICATOR_COLUMNS} FROM indicators WHERE municipality_code = $1{} ORDER BY id",
            scope.ids_clause(self, "id", 2)
        );
        let indicators = fetch(self, scope, &sql, false).await?;
        let sql = format!(
            "SELECT v.indicator_id, v.fiscal_year, v.role, v.printed, v.meaning
             FROM indicator_values v JOIN indicators d ON d.id = v.indicator_id
             WHERE d.municipality_code = $1 AND v.fiscal_year IN ({PUBLISHED_YEARS}){}
             ORDER BY v.indicator_id, v.fiscal_year",
            scope.ids_clause(self, "d.id", 2)
        );
        let values = grouped(&fetch(self, scope, &sql, false).await?, "indicator_id", indicator_value)?;
        let sql = format!(
            "SELECT j.indicator_id, j.fiscal_year, j.printed, j.computed, j.declared, j.declared_reason
             FROM judgements j JOIN indicators d ON d.id = j.indicator_id
             WHERE d.municipality_code = $1 AND j.fiscal_year IN ({PUBLISHED_YEARS}){}
             ORDER BY j.indicator_id, j.fiscal_year",
            scope.ids_clause(self, "d.id", 2)
        );
        let judgements = grouped(&fetch(self, scope, &sql, false).await?, "indicator_id", judgement_record)?;
        let history = self.printed_history(scope.city, None).await?;
        indicator_sets_of(&indicators, values, judgements, history, scope.fy)
    }
}

/// Indicators read in stored order with their cells and judgements of
/// published years (grouped by indicator id) and what published documents
/// printed of other years: those with a cell or judgement (in `fy`, when
/// given), a person's declared judgement dropped.
pub(crate) fn indicator_sets_of(
    indicators: &[AnyRow],
    mut values: HashMap<i64, Vec<IndicatorValue>>,
    mut judgements: HashMap<i64, Vec<JudgementRecord>>,
    mut history: BTreeMap<i64, PrintedHistory>,
    fy: Option<FiscalYear>,
) -> Result<Vec<PublicIndicatorSet>, StoreError> {
    let mut out = Vec::new();
    for r in indicators {
        let indicator = indicator_record(r)?;
        let mut values = values.remove(&indicator.id).unwrap_or_default();
        values.sort_by_key(|v| (v.fiscal_year, v.role));
        let mut judgements = judgements.remove(&indicator.id).unwrap_or_default();
        for j in &mut judgements {
            j.judgement.declared = None;
        }
        let mut years: BTreeSet<FiscalYear> =
            values.iter().map(|v| v.fiscal_year).chain(judgements.iter().map(|j| j.fiscal_year)).collect();
        if years.is_empty() || fy.is_some_and(|fy| !years.contains(&fy)) {
            continue;
        }
        // What a published document printed of other years, as printed.
        if let Some(h) = history.remove(&indicator.id) {
            years.extend(h.values.iter().map(|v| v.fiscal_year));
            values.extend(h.values);
            values.sort_by_key(|v| (v.fiscal_year, v.role));
            judgements.extend(h.judgements);
            judgements.sort_by_key(|j| j.fiscal_year);
        }
        out.push(PublicIndicatorSet { indicator, years: years.into_iter().collect(), values, judgements });
    }
    Ok(out)
}

/// Keeps `limit` ids and tells whether more follow.
fn split_page(mut ids: Vec<i64>, limit: usize) -> (Vec<i64>, Option<i64>) {
    let more = ids.len() > limit;
    ids.truncate(limit);
    let next = if more { ids.last().copied() } else { None };
    (ids, next)
}

#[cfg(test)]
mod tests {
    use super::split_page;

    #[test]
    fn a_page_knows_whether_another_follows() {
        assert_eq!(split_page(vec![1, 2, 3], 2), (vec![1, 2], Some(2)));
        assert_eq!(split_page(vec![1, 2], 2), (vec![1, 2], None));
        assert_eq!(split_page(vec![], 2), (vec![], None));
    }
}
