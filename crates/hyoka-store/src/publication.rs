//! Publication: which fiscal years of a city the public may see.
//!
//! A city's admin publishes a fiscal year explicitly, and only a locked
//! (確定) one: its sheets are final and read-only, so what is published
//! cannot change under a reader. Withdrawing makes the year private again.
//! The public portal, the JSON API and the open-data export read through
//! the functions here, which see only published years: a row whose fiscal
//! year is not published is never returned, whatever else it belongs to.
//!
//! An indicator's cell belongs to its fiscal year too, with one addition:
//! what a published document printed of other years (the white paper of
//! FY2020 prints the H22 baseline and the H26 actual) is public with it, as
//! the document printed it ([`Store::printed_history`]).
//!
//! A row belongs to the fiscal year it is stored under. A narrative stored
//! without a year (an imported plan's introduction) belongs to its item's
//! printed year. Plans and their nodes are structure, not results: they
//! are public once the city has any published year.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hyoka_core::judgement::Judgement;
use hyoka_core::sheet::{EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::{FiscalYear, IndicatorCell, ValueRole};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::fold::search_form;
use crate::org::{fy_from_i64, fy_i64};
use crate::plans::{item_record, ITEM_COLUMNS};
use crate::search::{excerpt, highlight, search_terms, Fragment};
use crate::search_index::{json_ids, matching, public_matching, texts_by_item};
use crate::tx::StoreTx;
use crate::{opt_i64, IndicatorRecord, IndicatorValue, ItemRecord, JudgementRecord, Municipality, Store, StoreError};

/// The years of city `$1` that are public: published and still locked.
/// Locking cannot be undone today; checking it anyway means a future
/// "reopen" cannot expose drafts of a year that was once published.
pub(crate) const PUBLISHED_YEARS: &str = "SELECT fiscal_year FROM fiscal_years
    WHERE municipality_code = $1 AND status = 'locked' AND published_at IS NOT NULL";

/// Every (item, fiscal year) in which an item of city `$1` has content: its
/// printed year, a sheet, narratives, budget, grades, schedule, direction,
/// or indicator cells and judgements.
pub(crate) const ITEM_YEARS: &str = "
    SELECT i.id AS item_id, i.fiscal_year AS y FROM items i
      WHERE i.municipality_code = $1 AND i.fiscal_year IS NOT NULL
    UNION SELECT s.item_id, s.fiscal_year FROM sheets s JOIN items i ON i.id = s.item_id
      WHERE i.municipality_code = $1
    UNION SELECT n.item_id, COALESCE(n.fiscal_year, i.fiscal_year) FROM narratives n JOIN items i ON i.id = n.item_id
      WHERE i.municipality_code = $1
    UNION SELECT b.item_id, b.fiscal_year FROM budgets b JOIN items i ON i.id = b.item_id
      WHERE i.municipality_code = $1
    UNION SELECT e.item_id, e.fiscal_year FROM evaluations e JOIN items i ON i.id = e.item_id
      WHERE i.municipality_code = $1
    UNION SELECT x.item_id, x.fiscal_year FROM schedules x JOIN items i ON i.id = x.item_id
      WHERE i.municipality_code = $1
    UNION SELECT x.item_id, x.fiscal_year FROM next_directions x JOIN items i ON i.id = x.item_id
      WHERE i.municipality_code = $1
    UNION SELECT d.item_id, v.fiscal_year FROM indicator_values v JOIN indicators d ON d.id = v.indicator_id
      WHERE d.municipality_code = $1 AND d.item_id IS NOT NULL
    UNION SELECT d.item_id, j.fiscal_year FROM judgements j JOIN indicators d ON d.id = j.indicator_id
      WHERE d.municipality_code = $1 AND d.item_id IS NOT NULL";

/// A published fiscal year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedYear {
    pub fiscal_year: FiscalYear,
    /// ISO 8601 instant (UTC).
    pub published_at: String,
    pub published_by: Option<i64>,
    /// The publishing account's display name at the time of reading.
    pub published_by_name: Option<String>,
}

/// What publishing asked for did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublishOutcome {
    Published,
    /// Already public: nothing changed.
    AlreadyPublished,
    /// The year is not locked (or unknown): nothing changed.
    NotLocked,
}

/// A city as the public sees it: its published years, oldest first. A city
/// with none is not public at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicCity {
    pub municipality: Municipality,
    pub years: Vec<PublishedYear>,
}

impl PublicCity {
    pub fn fiscal_years(&self) -> Vec<FiscalYear> {
        self.years.iter().map(|y| y.fiscal_year).collect()
    }

    pub fn includes(&self, fy: FiscalYear) -> bool {
        self.years.iter().any(|y| y.fiscal_year == fy)
    }

    pub fn latest(&self) -> Option<FiscalYear> {
        self.years.last().map(|y| y.fiscal_year)
    }
}

/// An item with content in published years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicItem {
    pub item: ItemRecord,
    /// The published years it has content in, oldest first.
    pub years: Vec<FiscalYear>,
}

/// What published documents printed of an indicator in years that are not
/// published themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrintedHistory {
    pub values: Vec<IndicatorValue>,
    pub judgements: Vec<JudgementRecord>,
}

/// An indicator with cells or judgements in published years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicIndicator {
    pub indicator: IndicatorRecord,
    /// The published years it has cells or judgements in, oldest first.
    pub years: Vec<FiscalYear>,
}

/// One item found by [`Store::public_search`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicSearchHit {
    pub item_id: i64,
    pub code: String,
    pub title: String,
    /// The published years the item has content in, newest first.
    pub years: Vec<FiscalYear>,
    pub title_marked: Vec<Fragment>,
    /// A passage of the item's published text around the first match.
    pub excerpt: Vec<Fragment>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicSearchResults {
    pub terms: Vec<String>,
    pub total: usize,
    pub hits: Vec<PublicSearchHit>,
}

impl StoreTx {
    /// Publishes a locked fiscal year. Refused (nothing changes) when the
    /// year is not locked; publishing a public year again keeps its date.
    pub async fn publish_year(
        &mut self,
        municipality: &str,
        fy: FiscalYear,
        account_id: Option<i64>,
    ) -> Result<PublishOutcome, StoreError> {
        let changed = sqlx::query(
            "UPDATE fiscal_years SET published_at = $1, published_by = $2
             WHERE municipality_code = $3 AND fiscal_year = $4 AND status = 'locked' AND published_at IS NULL",
        )
        .bind(self.at_iso())
        .bind(account_id)
        .bind(municipality)
        .bind(fy_i64(fy))
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 1 {
            // The public search's index has a row for every year an item
            // has content in; a sheet opened without text is marked here.
            let sql = format!(
                "INSERT INTO search_years (municipality_code, item_id, fiscal_year, body)
                 SELECT DISTINCT $1, x.item_id, x.y, '' FROM ({ITEM_YEARS}) x WHERE x.y = $2
                 ON CONFLICT (item_id, fiscal_year) DO NOTHING"
            );
            sqlx::query(&sql).bind(municipality).bind(fy_i64(fy)).execute(self.conn()).await?;
            return Ok(PublishOutcome::Published);
        }
        let row = sqlx::query(
            "SELECT status, published_at FROM fiscal_years WHERE municipality_code = $1 AND fiscal_year = $2",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .fetch_optional(self.conn())
        .await?;
        Ok(match row {
            Some(r) if r.try_get::<String, _>("status")? == "locked" => {
                debug_assert!(r.try_get::<Option<String>, _>("published_at")?.is_some());
                PublishOutcome::AlreadyPublished
            }
            _ => PublishOutcome::NotLocked,
        })
    }

    /// Makes a published year private again. Returns whether it was public.
    pub async fn withdraw_year(&mut self, municipality: &str, fy: FiscalYear) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE fiscal_years SET published_at = NULL, published_by = NULL
             WHERE municipality_code = $1 AND fiscal_year = $2 AND published_at IS NOT NULL",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(changed == 1)
    }
}

impl Store {
    /// A city's published years, oldest first (whoever asks: the admin's
    /// years page shows them too).
    pub async fn published_years(&self, municipality: &str) -> Result<Vec<PublishedYear>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.fiscal_year, f.published_at, f.published_by, a.display_name
             FROM fiscal_years f LEFT JOIN accounts a ON a.id = f.published_by
             WHERE f.municipality_code = $1 AND f.status = 'locked' AND f.published_at IS NOT NULL
             ORDER BY f.fiscal_year",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PublishedYear {
                    fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
                    published_at: r.try_get("published_at")?,
                    published_by: opt_i64(r, "published_by")?,
                    published_by_name: r.try_get("display_name")?,
                })
            })
            .collect()
    }

    /// What the public side of a city (`Some(code)`), or of every city
    /// (`None`), is at this moment, as one opaque text: it changes with
    /// every command that changes the city (each writes an audit event:
    /// publish, withdraw, unlock, an edit of a plan) and with the set of
    /// published years. Equal versions mean equal public answers, so a
    /// cache keyed by it never serves stale bytes, in any process. `None`
    /// when nothing is published (there is nothing public to cache). One
    /// statement, read from indexes.
    pub async fn publication_version(&self, municipality: Option<&str>) -> Result<Option<String>, StoreError> {
        let row = match municipality {
            Some(code) => {
                sqlx::query(
                    "SELECT (SELECT MAX(id) FROM audit_events WHERE municipality_code = $1) AS event,
                        COUNT(*) AS n, MAX(published_at) AS latest, CAST(SUM(fiscal_year) AS BIGINT) AS years
                 FROM fiscal_years
                 WHERE municipality_code = $1 AND status = 'locked' AND published_at IS NOT NULL",
                )
                .bind(code)
                .fetch_one(self.pool())
                .await?
            }
            None => {
                sqlx::query(
                    "SELECT (SELECT MAX(id) FROM audit_events) AS event,
                        COUNT(*) AS n, MAX(published_at) AS latest, CAST(SUM(fiscal_year) AS BIGINT) AS years
                 FROM fiscal_years WHERE status = 'locked' AND published_at IS NOT NULL",
                )
                .fetch_one(self.pool())
                .await?
            }
        };
        let n: i64 = row.try_get("n")?;
        if n == 0 {
            return Ok(None);
        }
        let event = opt_i64(&row, "event")?.unwrap_or(0);
        let latest: Option<String> = row.try_get("latest")?;
        let years = opt_i64(&row, "years")?.unwrap_or(0);
        Ok(Some(format!("{event}.{n}.{years}.{}", latest.unwrap_or_default())))
    }

    /// The city as the public sees it; `None` when it does not exist or
    /// has no published year (both are "not found" to the public).
    pub async fn public_city(&self, municipality: &str) -> Result<Option<PublicCity>, StoreError> {
        let years = self.published_years(municipality).await?;
        if years.is_empty() {
            return Ok(None);
        }
        let municipality = self.municipality(municipality).await?;
        Ok(Some(PublicCity { municipality, years }))
    }

    /// Every city with at least one published year, by code. Two
    /// statements, however many cities there are.
    pub async fn public_cities(&self) -> Result<Vec<PublicCity>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.municipality_code, f.fiscal_year, f.published_at, f.published_by, a.display_name
             FROM fiscal_years f LEFT JOIN accounts a ON a.id = f.published_by
             WHERE f.status = 'locked' AND f.published_at IS NOT NULL
             ORDER BY f.municipality_code, f.fiscal_year",
        )
        .fetch_all(self.pool())
        .await?;
        let mut years: BTreeMap<String, Vec<PublishedYear>> = BTreeMap::new();
        for r in &rows {
            years.entry(r.try_get("municipality_code")?).or_default().push(PublishedYear {
                fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
                published_at: r.try_get("published_at")?,
                published_by: opt_i64(r, "published_by")?,
                published_by_name: r.try_get("display_name")?,
            });
        }
        Ok(self
            .municipalities()
            .await?
            .into_iter()
            .filter_map(|m| Some(PublicCity { years: years.remove(&m.code)?, municipality: m }))
            .collect())
    }

    /// Items with content in the city's published years, or in `fy` only
    /// (nothing when `fy` is not published), in stored order.
    pub async fn public_items(
        &self,
        municipality: &str,
        fy: Option<FiscalYear>,
    ) -> Result<Vec<PublicItem>, StoreError> {
        let sql = format!(
            "SELECT x.item_id, x.y FROM ({ITEM_YEARS}) x
             WHERE x.y IN ({PUBLISHED_YEARS}) AND ($2 IS NULL OR x.y = $2)"
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(fy.map(fy_i64)).fetch_all(self.pool()).await?;
        let mut years: BTreeMap<i64, BTreeSet<FiscalYear>> = BTreeMap::new();
        for r in &rows {
            years.entry(r.try_get("item_id")?).or_default().insert(fy_from_i64(r.try_get("y")?)?);
        }
        Ok(self
            .items(municipality)
            .await?
            .into_iter()
            .filter_map(|item| {
                let ys = years.remove(&item.id)?;
                Some(PublicItem { item, years: ys.into_iter().collect() })
            })
            .collect())
    }

    /// One item, if it belongs to the city and has content in a published
    /// year (in `fy` when given).
    pub async fn public_item(
        &self,
        municipality: &str,
        item_id: i64,
        fy: Option<FiscalYear>,
    ) -> Result<Option<PublicItem>, StoreError> {
        let item = match self.item(item_id).await {
            Ok(i) if i.municipality_code == municipality => i,
            Ok(_) | Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let sql = format!(
            "SELECT x.y FROM ({ITEM_YEARS}) x
             WHERE x.item_id = $2 AND x.y IN ({PUBLISHED_YEARS}) ORDER BY x.y"
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(item_id).fetch_all(self.pool()).await?;
        let mut years: Vec<FiscalYear> = rows.iter().map(|r| fy_from_i64(r.try_get("y")?)).collect::<Result<_, _>>()?;
        years.dedup();
        if years.is_empty() || fy.is_some_and(|fy| !years.contains(&fy)) {
            return Ok(None);
        }
        Ok(Some(PublicItem { item, years }))
    }

    /// Indicators with cells or judgements in the city's published years
    /// (in `fy` only, when given), in stored order.
    pub async fn public_indicators(
        &self,
        municipality: &str,
        fy: Option<FiscalYear>,
    ) -> Result<Vec<PublicIndicator>, StoreError> {
        // The city is filtered inside each branch: a union over every
        // city's cells, filtered afterwards, read the whole database.
        let sql = format!(
            "SELECT x.indicator_id, x.fiscal_year FROM (
               SELECT v.indicator_id, v.fiscal_year FROM indicator_values v
                 JOIN indicators d ON d.id = v.indicator_id WHERE d.municipality_code = $1
               UNION SELECT j.indicator_id, j.fiscal_year FROM judgements j
                 JOIN indicators d ON d.id = j.indicator_id WHERE d.municipality_code = $1) x
             WHERE x.fiscal_year IN ({PUBLISHED_YEARS}) AND ($2 IS NULL OR x.fiscal_year = $2)"
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(fy.map(fy_i64)).fetch_all(self.pool()).await?;
        let mut years: HashMap<i64, BTreeSet<FiscalYear>> = HashMap::new();
        for r in &rows {
            years.entry(r.try_get("indicator_id")?).or_default().insert(fy_from_i64(r.try_get("fiscal_year")?)?);
        }
        Ok(self
            .indicators(municipality)
            .await?
            .into_iter()
            .filter_map(|indicator| {
                let ys = years.remove(&indicator.id)?;
                Some(PublicIndicator { indicator, years: ys.into_iter().collect() })
            })
            .collect())
    }

    /// One indicator, if it belongs to the city and has cells or judgements
    /// in a published year (in `fy` when given).
    pub async fn public_indicator(
        &self,
        municipality: &str,
        indicator_id: i64,
        fy: Option<FiscalYear>,
    ) -> Result<Option<PublicIndicator>, StoreError> {
        let indicator = match self.indicator(indicator_id).await {
            Ok(i) if i.municipality_code == municipality => i,
            Ok(_) | Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let published = self.published_set(municipality).await?;
        let mut years: BTreeSet<FiscalYear> = BTreeSet::new();
        years.extend(self.indicator_values(indicator_id).await?.iter().map(|v| v.fiscal_year));
        years.extend(self.judgements(indicator_id).await?.iter().map(|j| j.fiscal_year));
        if fy.is_some_and(|fy| !published.contains(&fy) || !years.contains(&fy)) {
            return Ok(None);
        }
        years.retain(|y| published.contains(y));
        if years.is_empty() {
            return Ok(None);
        }
        let history = self.printed_history(municipality, Some(indicator_id)).await?.remove(&indicator_id);
        for h in history.iter().flat_map(|h| &h.values) {
            years.insert(h.fiscal_year);
        }
        Ok(Some(PublicIndicator { indicator, years: years.into_iter().collect() }))
    }

    /// An indicator's public cells in `years` only: those of published
    /// years, and what a published document printed of the others.
    pub async fn public_indicator_values(
        &self,
        indicator_id: i64,
        years: &[FiscalYear],
    ) -> Result<Vec<IndicatorValue>, StoreError> {
        let city = self.indicator(indicator_id).await?.municipality_code;
        let published = self.published_set(&city).await?;
        let mut v = self.indicator_values(indicator_id).await?;
        v.retain(|v| years.contains(&v.fiscal_year) && published.contains(&v.fiscal_year));
        if let Some(h) = self.printed_history(&city, Some(indicator_id)).await?.remove(&indicator_id) {
            v.extend(h.values.into_iter().filter(|x| years.contains(&x.fiscal_year)));
            v.sort_by_key(|x| (x.fiscal_year, x.role));
        }
        Ok(v)
    }

    /// An indicator's judgements in `years` only. A person's declared
    /// override and its reason are internal to the review and dropped.
    pub async fn public_judgements(
        &self,
        indicator_id: i64,
        years: &[FiscalYear],
    ) -> Result<Vec<JudgementRecord>, StoreError> {
        let city = self.indicator(indicator_id).await?.municipality_code;
        let published = self.published_set(&city).await?;
        let mut j = self.judgements(indicator_id).await?;
        j.retain(|j| years.contains(&j.fiscal_year) && published.contains(&j.fiscal_year));
        for j in &mut j {
            j.judgement.declared = None;
        }
        if let Some(h) = self.printed_history(&city, Some(indicator_id)).await?.remove(&indicator_id) {
            j.extend(h.judgements.into_iter().filter(|x| years.contains(&x.fiscal_year)));
            j.sort_by_key(|x| x.fiscal_year);
        }
        Ok(j)
    }

    /// What the city's published documents printed of years that are not
    /// published themselves, per indicator (of one indicator when given):
    /// the first printing of each year and role, as the store keeps values,
    /// parsed as on import.
    pub async fn printed_history(
        &self,
        municipality: &str,
        indicator: Option<i64>,
    ) -> Result<BTreeMap<i64, PrintedHistory>, StoreError> {
        let sql = format!(
            "SELECT p.indicator_id, p.fiscal_year, p.role, p.printed FROM indicator_printings p
               JOIN indicators d ON d.id = p.indicator_id
             WHERE d.municipality_code = $1 AND ($2 IS NULL OR p.indicator_id = $2)
               AND p.printed_in IN ({PUBLISHED_YEARS}) AND p.fiscal_year NOT IN ({PUBLISHED_YEARS})
             ORDER BY p.indicator_id, p.fiscal_year, p.role, p.source"
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(indicator).fetch_all(self.pool()).await?;
        printed_history_of(&rows)
    }

    /// The (indicator, fiscal year, role) cells that the city's document of
    /// the published year `printed_in` printed (its history and targets
    /// included); a printed judgement counts as the year's actual. Empty
    /// when `printed_in` is not published.
    pub async fn printed_cells(
        &self,
        municipality: &str,
        printed_in: FiscalYear,
    ) -> Result<BTreeSet<(i64, FiscalYear, ValueRole)>, StoreError> {
        let sql = format!(
            "SELECT p.indicator_id, p.fiscal_year, p.role FROM indicator_printings p
               JOIN indicators d ON d.id = p.indicator_id
             WHERE d.municipality_code = $1 AND p.printed_in = $2 AND p.printed_in IN ({PUBLISHED_YEARS})"
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(fy_i64(printed_in)).fetch_all(self.pool()).await?;
        let mut out = BTreeSet::new();
        for r in &rows {
            let role: String = r.try_get("role")?;
            let role =
                if role == "judgement" { ValueRole::Actual } else { role.parse().map_err(StoreError::Invalid)? };
            out.insert((r.try_get("indicator_id")?, fy_from_i64(r.try_get("fiscal_year")?)?, role));
        }
        Ok(out)
    }

    /// The narratives of an item that belong to `fy` (one stored without a
    /// year belongs to the item's printed year).
    pub async fn public_narratives(&self, item: &ItemRecord, fy: FiscalYear) -> Result<Vec<NarrativeRow>, StoreError> {
        let mut n = self.narratives(item.id).await?;
        n.retain(|n| n.fiscal_year.or(item.fiscal_year) == Some(fy));
        Ok(n)
    }

    pub async fn public_schedule(&self, item_id: i64, fy: FiscalYear) -> Result<Vec<ScheduleRow>, StoreError> {
        let mut s = self.schedule(item_id).await?;
        s.retain(|r| r.fiscal_year == fy);
        Ok(s)
    }

    pub async fn public_evaluations(
        &self,
        item_id: i64,
        years: &[FiscalYear],
    ) -> Result<Vec<EvaluationRow>, StoreError> {
        let mut e = self.evaluations(item_id).await?;
        e.retain(|e| years.contains(&e.fiscal_year));
        Ok(e)
    }

    pub async fn public_budgets(
        &self,
        item_id: i64,
        years: &[FiscalYear],
    ) -> Result<Vec<hyoka_core::sheet::BudgetRow>, StoreError> {
        let mut b = self.budgets(item_id).await?;
        b.retain(|b| years.contains(&b.fiscal_year));
        Ok(b)
    }

    pub async fn public_next_direction(
        &self,
        item_id: i64,
        fy: FiscalYear,
    ) -> Result<Option<NextDirectionRow>, StoreError> {
        self.next_direction_for(item_id, fy).await
    }

    /// Every fiscal year in which the city holds content (items' years,
    /// sheets, narratives, budgets, grades, schedules, directions,
    /// indicator cells and judgements), oldest first: the years that could
    /// be published.
    pub async fn data_years(&self, municipality: &str) -> Result<Vec<FiscalYear>, StoreError> {
        let sql = format!(
            "SELECT x.y FROM ({ITEM_YEARS}) x WHERE x.y IS NOT NULL
             UNION SELECT v.fiscal_year FROM indicator_values v JOIN indicators d ON d.id = v.indicator_id
               WHERE d.municipality_code = $1
             UNION SELECT j.fiscal_year FROM judgements j JOIN indicators d ON d.id = j.indicator_id
               WHERE d.municipality_code = $1"
        );
        let rows = sqlx::query(&sql).bind(municipality).fetch_all(self.pool()).await?;
        let years: BTreeSet<FiscalYear> =
            rows.iter().map(|r| fy_from_i64(r.try_get("y")?)).collect::<Result<_, _>>()?;
        Ok(years.into_iter().collect())
    }

    /// The published years of a city as a set (empty when none).
    async fn published_set(&self, municipality: &str) -> Result<BTreeSet<FiscalYear>, StoreError> {
        let rows = sqlx::query(PUBLISHED_YEARS).bind(municipality).fetch_all(self.pool()).await?;
        rows.iter().map(|r| fy_from_i64(r.try_get("fiscal_year")?)).collect()
    }

    /// The items among `ids` with rows of published years in the public
    /// search's index, with those years: two statements, reading the index
    /// rather than every table an item has content in.
    async fn public_search_items(
        &self,
        municipality: &str,
        ids: &[i64],
    ) -> Result<HashMap<i64, PublicItem>, StoreError> {
        let list = self.backend().id_list("$2");
        let sql = format!(
            "SELECT y.item_id, y.fiscal_year AS y FROM search_years y
             WHERE y.item_id IN {list} AND y.fiscal_year IN ({PUBLISHED_YEARS})"
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(json_ids(ids)).fetch_all(self.pool()).await?;
        let mut years: BTreeMap<i64, BTreeSet<FiscalYear>> = BTreeMap::new();
        for r in &rows {
            years.entry(r.try_get("item_id")?).or_default().insert(fy_from_i64(r.try_get("y")?)?);
        }
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.municipality_code = $1 AND i.id IN {list}");
        let rows = sqlx::query(&sql).bind(municipality).bind(json_ids(ids)).fetch_all(self.pool()).await?;
        let mut out = HashMap::new();
        for r in &rows {
            let item = item_record(r)?;
            if let Some(ys) = years.remove(&item.id) {
                out.insert(item.id, PublicItem { item, years: ys.into_iter().collect() });
            }
        }
        Ok(out)
    }

    /// The text of items that the public may search, beyond code and
    /// title: per published year (oldest first) the year's narratives (one
    /// stored without a year belongs to the item's printed year), next
    /// year's direction with reason and transfer, and schedule labels; then
    /// its indicators with published cells or judgements (name, then
    /// definition), review comments of published years, its sections and
    /// its tags. A draft's words are never part of it. One statement for
    /// any number of items.
    async fn public_texts(&self, municipality: &str, ids: &[i64]) -> Result<BTreeMap<i64, Vec<String>>, StoreError> {
        let list = self.backend().id_list("$2");
        let published = PUBLISHED_YEARS;
        let sql = format!(
            "SELECT n.item_id, COALESCE(n.fiscal_year, i.fiscal_year) AS k0, CAST(0 AS BIGINT) AS part,
                    n.position AS k1, '' AS k2, '' AS k3, n.plain AS t
               FROM narratives n JOIN items i ON i.id = n.item_id
               WHERE n.item_id IN {list} AND COALESCE(n.fiscal_year, i.fiscal_year) IN ({published})
             UNION ALL SELECT item_id, fiscal_year, 1, 0, '', '', printed FROM next_directions
               WHERE item_id IN {list} AND fiscal_year IN ({published})
             UNION ALL SELECT item_id, fiscal_year, 2, 0, '', '', reason FROM next_directions
               WHERE item_id IN {list} AND fiscal_year IN ({published}) AND reason IS NOT NULL
             UNION ALL SELECT item_id, fiscal_year, 3, 0, '', '', transfer FROM next_directions
               WHERE item_id IN {list} AND fiscal_year IN ({published}) AND transfer IS NOT NULL
             UNION ALL SELECT item_id, fiscal_year, 4, position, '', '', label FROM schedules
               WHERE item_id IN {list} AND fiscal_year IN ({published})
             UNION ALL SELECT d.item_id, 100000, 10, d.id, 'a', '', d.name FROM indicators d
               WHERE d.item_id IN {list} AND {indicator_public}
             UNION ALL SELECT d.item_id, 100000, 10, d.id, 'b', '', d.definition FROM indicators d
               WHERE d.item_id IN {list} AND d.definition IS NOT NULL AND {indicator_public}
             UNION ALL SELECT item_id, 100000, 11, fiscal_year, stage, evaluator, comment FROM evaluations
               WHERE item_id IN {list} AND comment IS NOT NULL AND fiscal_year IN ({published})
             UNION ALL SELECT x.item_id, 100000, 12, 0, d.name, s.name,
                 CASE WHEN d.name = '' THEN s.name ELSE d.name || ' ' || s.name END
               FROM item_sections x JOIN sections s ON s.id = x.section_id JOIN departments d ON d.id = s.department_id
               WHERE x.item_id IN {list}
             UNION ALL SELECT id, 100000, 13, 0, '', '', tags FROM items WHERE id IN {list}
             ORDER BY 1, 2, 3, 4, 5, 6",
            indicator_public = format!(
                "(d.municipality_code = $1 AND (
                   EXISTS (SELECT 1 FROM indicator_values v WHERE v.indicator_id = d.id AND v.fiscal_year IN ({published}))
                   OR EXISTS (SELECT 1 FROM judgements j WHERE j.indicator_id = d.id AND j.fiscal_year IN ({published}))))"
            )
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(json_ids(ids)).fetch_all(self.pool()).await?;
        texts_by_item(&rows, "part", 13)
    }

    /// Full-text search over what the public may see of a city: only items
    /// with content in published years, matched against their published
    /// text only (a draft's words neither match nor show in an excerpt).
    /// Best first, at most `limit` hits, and how many in all.
    pub async fn public_search(
        &self,
        municipality: &str,
        query: &str,
        limit: usize,
    ) -> Result<PublicSearchResults, StoreError> {
        let terms = search_terms(query);
        if terms.is_empty() {
            return Ok(PublicSearchResults::default());
        }
        // Documents hold every year's text: a superset found through the
        // bigrams, each term then confirmed on the text of published years
        // alone (`search_years`), so a draft's words never match.
        let (matching, mut binds) = matching(&terms, 2);
        let (public, more) = public_matching(&terms, 2 + binds.len(), PUBLISHED_YEARS);
        binds.extend(more);
        let sql = format!(
            "SELECT d.item_id, i.title,
               (SELECT MAX(y.fiscal_year) FROM search_years y
                 WHERE y.item_id = d.item_id AND y.fiscal_year IN ({PUBLISHED_YEARS})) AS latest
             FROM search_documents d JOIN items i ON i.id = d.item_id
             WHERE d.municipality_code = $1 AND i.municipality_code = $1{matching}{public}"
        );
        let mut q = sqlx::query(&sql).bind(municipality);
        for b in binds {
            q = q.bind(b);
        }
        let mut found = Vec::new();
        for r in q.fetch_all(self.pool()).await? {
            let (id, title): (i64, String) = (r.try_get("item_id")?, r.try_get("title")?);
            let in_title = terms.iter().filter(|t| search_form(&title).contains(t.as_str())).count();
            found.push(((in_title, opt_i64(&r, "latest")?), id));
        }
        if found.is_empty() {
            return Ok(PublicSearchResults { terms, total: 0, hits: Vec::new() });
        }
        // More terms in the title first, then newer years, then import order.
        found.sort_by(|(ka, a), (kb, b)| kb.cmp(ka).then_with(|| a.cmp(b)));
        let total = found.len();
        let ids: Vec<i64> = found.into_iter().take(limit).map(|(_, id)| id).collect();
        // The hits shown: their years and their published text for the excerpt.
        let public = self.public_search_items(municipality, &ids).await?;
        let mut texts = self.public_texts(municipality, &ids).await?;
        let hits = ids
            .iter()
            .filter_map(|id| public.get(id))
            .map(|p| {
                let text = texts.remove(&p.item.id).unwrap_or_default();
                PublicSearchHit {
                    item_id: p.item.id,
                    code: p.item.code.clone(),
                    title: p.item.title.clone(),
                    years: p.years.iter().rev().copied().collect(),
                    title_marked: highlight(&p.item.title, &terms),
                    excerpt: excerpt(&text.join("\n"), &terms),
                }
            })
            .collect();
        Ok(PublicSearchResults { terms, total, hits })
    }
}

/// Printings read in (indicator, fiscal year, role, source) order, as
/// [`Store::printed_history`] keeps them: the first printing of each cell,
/// and of each year's judgement.
pub(crate) fn printed_history_of(rows: &[AnyRow]) -> Result<BTreeMap<i64, PrintedHistory>, StoreError> {
    let mut out: BTreeMap<i64, PrintedHistory> = BTreeMap::new();
    for r in rows {
        let h = out.entry(r.try_get("indicator_id")?).or_default();
        let fiscal_year = fy_from_i64(r.try_get("fiscal_year")?)?;
        let (role, printed): (String, String) = (r.try_get("role")?, r.try_get("printed")?);
        if role == "judgement" {
            if !h.judgements.iter().any(|j| j.fiscal_year == fiscal_year) {
                let judgement = Judgement { printed: Some(printed), computed: None, declared: None };
                h.judgements.push(JudgementRecord { fiscal_year, judgement });
            }
            continue;
        }
        let role: ValueRole = role.parse().map_err(StoreError::Invalid)?;
        if !h.values.iter().any(|v| v.fiscal_year == fiscal_year && v.role == role) {
            h.values.push(IndicatorValue { fiscal_year, role, cell: IndicatorCell::parse(&printed) });
        }
    }
    Ok(out)
}
