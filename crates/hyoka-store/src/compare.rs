//! The reads of the cross-city comparison: every public indicator whose
//! name contains the words asked for, in every city at once, with what its
//! open-data rows need (the cities' plans, the owning items and where they
//! are placed). A fixed number of statements however many cities match:
//! the indicators are found by name through the index on
//! `indicators (name, kind)`, and everything else is read for that set of
//! ids or cities bound as one JSON array.
//!
//! It sees what [`Store::public_indicator_sets_of`] sees city by city: the
//! cells and judgements of each city's published (locked and public)
//! years, and what its published documents printed of other years.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hyoka_core::IndicatorKind;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::fold::search_form;
use crate::indicators::{indicator_value, judgement_record, INDICATOR_COLUMNS};
use crate::plans::{item_record, node_record, plan_record, ITEM_COLUMNS, PLAN_COLUMNS};
use crate::public_sets::{grouped, indicator_sets_of};
use crate::publication::printed_history_of;
use crate::Backend;
use crate::{ItemRecord, Municipality, NodeRecord, PlanRecord, PublicCity, PublicIndicatorSet, Store, StoreError};

/// One city's share of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareCity {
    pub city: PublicCity,
    /// Every plan of the city in stored order, each with its nodes in
    /// printed order (the order of the city's open data).
    pub plans: Vec<(PlanRecord, Vec<NodeRecord>)>,
    /// The items owning a matching indicator, in stored order, each with
    /// its placements (node id, re-listing) by node id.
    pub items: Vec<(ItemRecord, Vec<(i64, bool)>)>,
    /// The matching indicators with cells or judgements in the city's
    /// published years, in stored order.
    pub indicators: Vec<PublicIndicatorSet>,
}

/// `{year}` is a published (locked and public) year of the city `{city}`.
fn published(city: &str, year: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM fiscal_years f WHERE f.municipality_code = {city} AND f.fiscal_year = {year}
           AND f.status = 'locked' AND f.published_at IS NOT NULL)"
    )
}

fn json<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).expect("a list of strings or integers")
}

/// One page of a comparison: the matching indicators are counted and
/// ordered by city code, name and id in SQL, and only the page's are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComparePage {
    /// The matching public indicators in every city (the page's total).
    pub total: u64,
    /// Every city with a matching public indicator, by code (not only the
    /// page's).
    pub municipalities: Vec<Municipality>,
    /// The page's indicators by city, with what their rows need.
    pub cities: Vec<CompareCity>,
    /// Indicator, value, judgement and printing rows read for the page:
    /// bounded by the page, whatever the number of matches (tests count it).
    pub rows_read: usize,
}

impl Store {
    /// The public indicators whose name contains `words` (width and case
    /// folded, spaces ignored, as search does), of `kind` when given, by
    /// city code: the cities with none are left out. Nothing when neither
    /// words nor a kind is asked for. Every one of them: see
    /// [`Store::compare_page`] for a page.
    pub async fn compare_sets(&self, words: &str, kind: Option<IndicatorKind>) -> Result<Vec<CompareCity>, StoreError> {
        Ok(self.compare_page(words, kind, 0, i64::MAX as u64).await?.cities)
    }

    /// `limit` matching indicators from `offset`, in the order of the
    /// answer (city code, name, indicator id), with the count of all of
    /// them. A fixed number of statements however many cities and
    /// indicators match; values, judgements, printings, plans and items
    /// are read for the page's indicators and cities only.
    pub async fn compare_page(
        &self,
        words: &str,
        kind: Option<IndicatorKind>,
        offset: u64,
        limit: u64,
    ) -> Result<ComparePage, StoreError> {
        let empty = ComparePage { total: 0, municipalities: Vec::new(), cities: Vec::new(), rows_read: 0 };
        let needle = search_form(words.trim());
        if needle.is_empty() && kind.is_none() {
            return Ok(empty);
        }
        let backend = self.backend();
        let kind = kind.map(|k| k.code());
        // Names are folded in Rust, so the distinct names are read (from
        // the index alone) and the matching ones looked up by equality.
        let names: Option<Vec<String>> = if needle.is_empty() {
            None
        } else {
            let rows =
                sqlx::query("SELECT DISTINCT name FROM indicators WHERE ($1 IS NULL OR kind = $1) ORDER BY name")
                    .bind(kind)
                    .fetch_all(self.pool())
                    .await?;
            let mut names = Vec::new();
            for r in &rows {
                let name: String = r.try_get("name")?;
                if search_form(&name).contains(&needle) {
                    names.push(name);
                }
            }
            if names.is_empty() {
                return Ok(empty);
            }
            Some(names)
        };
        // A matching indicator is public when it has a cell or a judgement
        // in a published year of its city (what `indicator_sets_of` keeps).
        let by_name = match names {
            Some(_) => format!(" AND d.name IN {}", backend.text_list("$2")),
            None => String::new(),
        };
        let matching = format!(
            "FROM indicators d WHERE ($1 IS NULL OR d.kind = $1){by_name}
               AND (EXISTS (SELECT 1 FROM indicator_values v WHERE v.indicator_id = d.id AND {})
                 OR EXISTS (SELECT 1 FROM judgements j WHERE j.indicator_id = d.id AND {}))",
            published("d.municipality_code", "v.fiscal_year"),
            published("d.municipality_code", "j.fiscal_year")
        );
        // The count, by city: the total and the cities of the whole answer.
        let sql = format!("SELECT d.municipality_code, COUNT(*) AS n {matching} GROUP BY d.municipality_code");
        let mut q = sqlx::query(&sql).bind(kind);
        if let Some(names) = &names {
            q = q.bind(json(names));
        }
        let mut total = 0u64;
        let mut found: BTreeSet<String> = BTreeSet::new();
        for r in &q.fetch_all(self.pool()).await? {
            total += u64::try_from(r.try_get::<i64, _>("n")?).unwrap_or(0);
            found.insert(r.try_get("municipality_code")?);
        }
        if total == 0 {
            return Ok(empty);
        }
        // The page, in the answer's order (names compared as bytes, as
        // Rust does, whatever the database's collation).
        let name_order = match backend {
            Backend::Sqlite => "d.name",
            Backend::Postgres => "d.name COLLATE \"C\"",
        };
        let (lim, off) = if names.is_some() { ("$3", "$4") } else { ("$2", "$3") };
        let sql = format!(
            "SELECT {} {matching} ORDER BY d.municipality_code, {name_order}, d.id LIMIT {lim} OFFSET {off}",
            INDICATOR_COLUMNS.split(',').map(|c| format!("d.{}", c.trim())).collect::<Vec<_>>().join(", ")
        );
        let mut q = sqlx::query(&sql).bind(kind);
        if let Some(names) = &names {
            q = q.bind(json(names));
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let indicators: Vec<AnyRow> = q.bind(limit).bind(offset).fetch_all(self.pool()).await?;
        let public = self.public_cities().await?;
        let municipalities: Vec<Municipality> =
            public.iter().filter(|c| found.contains(&c.municipality.code)).map(|c| c.municipality.clone()).collect();
        let mut rows_read = indicators.len();
        if indicators.is_empty() {
            return Ok(ComparePage { total, municipalities, cities: Vec::new(), rows_read });
        }
        let ids: Vec<i64> = indicators.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
        let ids = json(&ids);
        let id_list = backend.id_list("$1");

        let sql = format!(
            "SELECT v.indicator_id, v.fiscal_year, v.role, v.printed, v.meaning
             FROM indicator_values v JOIN indicators d ON d.id = v.indicator_id
             WHERE v.indicator_id IN {id_list} AND {}
             ORDER BY v.indicator_id, v.fiscal_year",
            published("d.municipality_code", "v.fiscal_year")
        );
        let rows = sqlx::query(&sql).bind(&ids).fetch_all(self.pool()).await?;
        rows_read += rows.len();
        let values = grouped(&rows, "indicator_id", indicator_value)?;
        let sql = format!(
            "SELECT j.indicator_id, j.fiscal_year, j.printed, j.computed, j.declared, j.declared_reason
             FROM judgements j JOIN indicators d ON d.id = j.indicator_id
             WHERE j.indicator_id IN {id_list} AND {}
             ORDER BY j.indicator_id, j.fiscal_year",
            published("d.municipality_code", "j.fiscal_year")
        );
        let rows = sqlx::query(&sql).bind(&ids).fetch_all(self.pool()).await?;
        rows_read += rows.len();
        let judgements = grouped(&rows, "indicator_id", judgement_record)?;
        let sql = format!(
            "SELECT p.indicator_id, p.fiscal_year, p.role, p.printed FROM indicator_printings p
               JOIN indicators d ON d.id = p.indicator_id
             WHERE p.indicator_id IN {id_list} AND {} AND NOT {}
             ORDER BY p.indicator_id, p.fiscal_year, p.role, p.source",
            published("d.municipality_code", "p.printed_in"),
            published("d.municipality_code", "p.fiscal_year")
        );
        let rows = sqlx::query(&sql).bind(&ids).fetch_all(self.pool()).await?;
        rows_read += rows.len();
        let history = printed_history_of(&rows)?;
        let indicators = indicator_sets_of(&indicators, values, judgements, history, None)?;

        // The cities with a public matching indicator, by code.
        let codes: BTreeSet<&str> = indicators.iter().map(|i| i.indicator.municipality_code.as_str()).collect();
        let mut cities: Vec<CompareCity> = public
            .into_iter()
            .filter(|c| codes.contains(c.municipality.code.as_str()))
            .map(|city| CompareCity { city, plans: Vec::new(), items: Vec::new(), indicators: Vec::new() })
            .collect();
        if cities.is_empty() {
            return Ok(ComparePage { total, municipalities, cities, rows_read });
        }
        let at: HashMap<String, usize> =
            cities.iter().enumerate().map(|(n, c)| (c.city.municipality.code.clone(), n)).collect();
        let codes = json(&cities.iter().map(|c| c.city.municipality.code.as_str()).collect::<Vec<_>>());
        let code_list = backend.text_list("$1");

        // Plans and nodes of those cities.
        let sql = format!("SELECT {PLAN_COLUMNS} FROM plans p WHERE p.municipality_code IN {code_list} ORDER BY p.id");
        let plans = sqlx::query(&sql).bind(&codes).fetch_all(self.pool()).await?;
        let sql = format!(
            "SELECT n.id, n.plan_id, n.parent_id, n.level, n.code, n.title, n.tags
             FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
             WHERE p.municipality_code IN {code_list} ORDER BY p.id, n.position, n.id"
        );
        let mut nodes: HashMap<i64, Vec<NodeRecord>> = HashMap::new();
        for r in &sqlx::query(&sql).bind(&codes).fetch_all(self.pool()).await? {
            let n = node_record(r)?;
            nodes.entry(n.plan_id).or_default().push(n);
        }
        for r in &plans {
            let plan = plan_record(r)?;
            if let Some(&n) = at.get(&plan.municipality_code) {
                let plan_nodes = nodes.remove(&plan.id).unwrap_or_default();
                cities[n].plans.push((plan, plan_nodes));
            }
        }

        // The owning items. An indicator with a cell or judgement in a
        // published year gives its item content in that year (the
        // indicator branches of `ITEM_YEARS`), so the owner of a public
        // indicator is a public item.
        let owners: BTreeSet<i64> = indicators.iter().filter_map(|i| i.indicator.item_id).collect();
        if !owners.is_empty() {
            let owners = json(&owners.into_iter().collect::<Vec<_>>());
            let sql = format!(
                "SELECT pl.item_id, pl.node_id, pl.relisting FROM item_placements pl
                 WHERE pl.item_id IN {id_list} ORDER BY pl.item_id, pl.node_id"
            );
            let rows = sqlx::query(&sql).bind(&owners).fetch_all(self.pool()).await?;
            let mut placements = grouped(&rows, "item_id", |r| {
                Ok((r.try_get::<i64, _>("node_id")?, r.try_get::<i64, _>("relisting")? != 0))
            })?;
            let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id IN {id_list} ORDER BY i.id");
            for r in &sqlx::query(&sql).bind(&owners).fetch_all(self.pool()).await? {
                let item = item_record(r)?;
                if let Some(&n) = at.get(&item.municipality_code) {
                    let placed = placements.remove(&item.id).unwrap_or_default();
                    cities[n].items.push((item, placed));
                }
            }
        }
        let mut by_city: BTreeMap<usize, Vec<PublicIndicatorSet>> = BTreeMap::new();
        for i in indicators {
            if let Some(&n) = at.get(&i.indicator.municipality_code) {
                by_city.entry(n).or_default().push(i);
            }
        }
        for (n, list) in by_city {
            cities[n].indicators = list;
        }
        Ok(ComparePage { total, municipalities, cities, rows_read })
    }
}
