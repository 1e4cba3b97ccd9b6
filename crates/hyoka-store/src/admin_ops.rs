//! Administering a city's evaluation cycle: which sheets a fiscal year
//! holds (the dashboard), opening a year by carrying the previous one
//! forward, locking, the latest return comment, the organisation as
//! choices for account forms, and cities for the system administrator.

use std::collections::BTreeMap;

use hyoka_core::text::natural_key;
use hyoka_core::workflow::{SheetStatus, Transition};
use hyoka_core::{FiscalYear, Narrative};
use sqlx::Row;

use crate::accounts::is_unique_violation;
use crate::audit::HistoryRow;
use crate::cycle::{Change, HistoryEntry, SheetRecord};
use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{opt_i64, Municipality, Store, StoreError};

/// The history field a return's comment is recorded under; the panel
/// reads the latest one back.
pub const RETURN_REASON_FIELD: &str = "差戻しの理由";

/// One item's sheet in a fiscal year, as the dashboard lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearSheet {
    pub item_id: i64,
    pub code: String,
    pub title: String,
    /// 未着手 when the item has no sheet row yet.
    pub status: SheetStatus,
    /// The responsible sections' departments (部), deduplicated.
    pub departments: Vec<String>,
}

/// A city as the system administrator sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CityOverview {
    pub code: String,
    pub name: String,
    pub items: i64,
    pub sheets: i64,
    pub accounts: i64,
    /// (login, display name) of the city's administrators.
    pub admins: Vec<(String, String)>,
}

/// The latest comment a sheet was returned with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnNote {
    pub at: String,
    pub by: Option<String>,
    pub comment: String,
}

/// What opening a fiscal year did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CarryForward {
    /// Items that got a new 未着手 sheet, as (code, title).
    pub created: Vec<(String, String)>,
    /// Indicator targets copied from the previous year.
    pub targets_copied: usize,
    /// Items not carried because their direction last year was 終了.
    pub ended: Vec<(String, String)>,
    /// How many of `created` are items whose evaluation starts this year.
    pub started: usize,
    /// What changed, for the command's audit record.
    pub history: Vec<HistoryRow>,
}

/// An item was worked on in fiscal year `$2` when it had a sheet then, was
/// printed for it, or holds that year's narratives, budget, grades,
/// schedule or direction: such items are carried into the next year.
/// Indicator values alone do not count: plans set targets years ahead,
/// and a white paper prints actuals of many past years for its 施策.
const ACTIVE_IN_YEAR: &str = "(
    EXISTS (SELECT 1 FROM sheets x WHERE x.item_id = i.id AND x.fiscal_year = $2)
    OR i.fiscal_year = $2
    OR EXISTS (SELECT 1 FROM narratives x WHERE x.item_id = i.id AND x.fiscal_year = $2)
    OR EXISTS (SELECT 1 FROM budgets x WHERE x.item_id = i.id AND x.fiscal_year = $2)
    OR EXISTS (SELECT 1 FROM evaluations x WHERE x.item_id = i.id AND x.fiscal_year = $2)
    OR EXISTS (SELECT 1 FROM schedules x WHERE x.item_id = i.id AND x.fiscal_year = $2)
    OR EXISTS (SELECT 1 FROM next_directions x WHERE x.item_id = i.id AND x.fiscal_year = $2)
    OR EXISTS (SELECT 1 FROM roadmap_steps x WHERE x.item_id = i.id AND x.fiscal_year = $2)
)";

/// Which items of a city have sheets, and what of them a new year carries:
/// from the city's sheet kinds (`Store::sheet_plan`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetPlan {
    /// The kinds of item that have sheets (`project`, `measure`, …).
    pub item_kinds: Vec<String>,
    /// Narrative slots of the plan part (事業概要, 目的・ねらい, 工程表), copied
    /// into the new year.
    pub carried_slots: Vec<String>,
}

impl SheetPlan {
    pub fn has_sheet(&self, kind: &str) -> bool {
        self.item_kinds.iter().any(|k| k == kind)
    }
}

impl Store {
    /// Every sheet of a city's fiscal year: items with a sheet for it, and
    /// items printed for that year that have none yet (未着手), as the
    /// staff's list of sheets has them. Re-listings (再掲) without a sheet
    /// are left out: they repeat another item, and totals count it once.
    pub async fn year_sheets(&self, municipality: &str, fy: FiscalYear) -> Result<Vec<YearSheet>, StoreError> {
        let plan = self.sheet_plan(municipality).await?;
        let rows = sqlx::query(
            "SELECT i.id, i.code, i.title, i.kind, s.status FROM items i
             LEFT JOIN sheets s ON s.item_id = i.id AND s.fiscal_year = $2
             WHERE i.municipality_code = $1 AND (s.id IS NOT NULL OR (i.relisting_of IS NULL AND i.fiscal_year = $2))
             ORDER BY i.code, i.id",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .fetch_all(self.pool())
        .await?;
        let departments = self.item_departments(municipality).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let item_id: i64 = r.try_get("id")?;
            let status: Option<String> = r.try_get("status")?;
            // An item of a kind without sheets (a 基本目標, a 手段 gathered on
            // its 施策's sheet) is listed only if it has a sheet anyway.
            if status.is_none() && !plan.has_sheet(&r.try_get::<String, _>("kind")?) {
                continue;
            }
            let status = match status {
                Some(s) => s.parse().map_err(StoreError::Invalid)?,
                None => SheetStatus::NotStarted,
            };
            out.push(YearSheet {
                item_id,
                code: r.try_get("code")?,
                title: r.try_get("title")?,
                status,
                departments: departments.get(&item_id).cloned().unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Each item's departments, in organisation order.
    async fn item_departments(&self, municipality: &str) -> Result<BTreeMap<i64, Vec<String>>, StoreError> {
        let rows = sqlx::query(
            "SELECT x.item_id, d.name FROM item_sections x
             JOIN sections s ON s.id = x.section_id JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1 ORDER BY d.id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        let mut map: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for r in &rows {
            let list = map.entry(r.try_get("item_id")?).or_default();
            let name: String = r.try_get("name")?;
            if !list.contains(&name) {
                list.push(name);
            }
        }
        Ok(map)
    }

    /// The latest comment the sheet was returned with, if any.
    pub async fn last_return(&self, item_id: i64, fy: FiscalYear) -> Result<Option<ReturnNote>, StoreError> {
        let row = sqlx::query(
            "SELECT h.at, a.display_name, h.after FROM history h LEFT JOIN accounts a ON a.id = h.account_id
             WHERE h.item_id = $1 AND h.fiscal_year = $2 AND h.field = $3 ORDER BY h.id DESC LIMIT 1",
        )
        .bind(item_id)
        .bind(fy_i64(fy))
        .bind(RETURN_REASON_FIELD)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(ReturnNote {
                at: r.try_get("at")?,
                by: r.try_get("display_name")?,
                comment: r.try_get::<Option<String>, _>("after")?.unwrap_or_default(),
            })
        })
        .transpose()
    }

    /// The city's administrative changes (deadlines, locks, openings,
    /// layouts, accounts): history entries not tied to one item, newest
    /// first.
    pub async fn admin_history(&self, municipality: &str, limit: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.id, h.fiscal_year, h.account_id, a.display_name, h.at, h.field, h.before, h.after
             FROM history h LEFT JOIN accounts a ON a.id = h.account_id
             WHERE h.municipality_code = $1 AND h.item_id IS NULL ORDER BY h.id DESC LIMIT $2",
        )
        .bind(municipality)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HistoryEntry {
                    id: r.try_get("id")?,
                    item_id: None,
                    fiscal_year: opt_i64(r, "fiscal_year")?.map(fy_from_i64).transpose()?,
                    account_id: opt_i64(r, "account_id")?,
                    account_name: r.try_get("display_name")?,
                    at: r.try_get("at")?,
                    field: r.try_get("field")?,
                    before: r.try_get("before")?,
                    after: r.try_get("after")?,
                })
            })
            .collect()
    }

    /// Every city with what it holds and who administers it.
    pub async fn city_overviews(&self) -> Result<Vec<CityOverview>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.code, m.name,
               (SELECT COUNT(*) FROM items i WHERE i.municipality_code = m.code) AS items,
               (SELECT COUNT(*) FROM sheets s JOIN items i ON i.id = s.item_id WHERE i.municipality_code = m.code) AS sheets,
               (SELECT COUNT(*) FROM accounts a WHERE a.municipality_code = m.code) AS accounts
             FROM municipalities m ORDER BY m.code",
        )
        .fetch_all(self.pool())
        .await?;
        let admins = sqlx::query(
            "SELECT municipality_code, login, display_name FROM accounts WHERE role = 'admin' AND disabled = 0 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut by_city: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for r in &admins {
            by_city
                .entry(r.try_get("municipality_code")?)
                .or_default()
                .push((r.try_get("login")?, r.try_get("display_name")?));
        }
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("code")?;
                Ok(CityOverview {
                    admins: by_city.remove(&code).unwrap_or_default(),
                    name: r.try_get("name")?,
                    items: r.try_get("items")?,
                    sheets: r.try_get("sheets")?,
                    accounts: r.try_get("accounts")?,
                    code,
                })
            })
            .collect()
    }
}

impl StoreTx {
    /// Registers a new city. Unlike [`StoreTx::upsert_municipality`] (which
    /// imports use), an existing code is refused rather than renamed.
    pub async fn create_municipality(&mut self, m: &Municipality) -> Result<(), StoreError> {
        let exists = sqlx::query("SELECT 1 AS one FROM municipalities WHERE code = $1")
            .bind(&m.code)
            .fetch_optional(self.conn())
            .await?
            .is_some();
        if exists {
            return Err(StoreError::Duplicate(format!("団体コード「{}」は既に登録されています", m.code)));
        }
        match self.upsert_municipality(m).await {
            Err(StoreError::Database(e)) if is_unique_violation(&e) => {
                Err(StoreError::Duplicate(format!("団体コード「{}」は既に登録されています", m.code)))
            }
            other => other,
        }
    }

    /// The sheets of the year as [`Store::year_sheets`] lists them, created
    /// (未着手) where missing, for locking the year.
    pub async fn year_sheets_for_update(
        &mut self,
        municipality: &str,
        fy: FiscalYear,
        plan: &SheetPlan,
    ) -> Result<Vec<SheetRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.id, i.kind,
               EXISTS (SELECT 1 FROM sheets s WHERE s.item_id = i.id AND s.fiscal_year = $2) AS has_sheet
             FROM items i
             WHERE i.municipality_code = $1 AND (
               EXISTS (SELECT 1 FROM sheets s WHERE s.item_id = i.id AND s.fiscal_year = $2)
               OR (i.relisting_of IS NULL AND i.fiscal_year = $2))
             ORDER BY i.code, i.id",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .fetch_all(self.conn())
        .await?;
        let mut ids = Vec::new();
        for r in &rows {
            // EXISTS is a boolean on PostgreSQL and an integer on SQLite.
            let has =
                r.try_get::<bool, _>("has_sheet").or_else(|_| r.try_get::<i64, _>("has_sheet").map(|n| n != 0))?;
            if has || plan.has_sheet(&r.try_get::<String, _>("kind")?) {
                ids.push(r.try_get::<i64, _>("id")?);
            }
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.sheet_for_update(id, fy).await?);
        }
        Ok(out)
    }

    /// Opens fiscal year `fy` by carrying forward from the year before:
    /// every item that belonged to that year gets a 未着手 sheet, its
    /// indicators keep their targets (a missing target for `fy` is copied
    /// from the previous year's), the project overview, the planned
    /// schedule rows and the 工程表's steps and planned cells are copied,
    /// and nothing of the results is: no
    /// actuals, budgets, grades, judgements or direction. Items with a
    /// sheet for `fy` already are left alone, so opening twice changes
    /// nothing. Items whose direction last year was 終了 are not carried.
    /// Items whose evaluation starts in `fy` (a project added on the admin
    /// pages with that year) get their first sheet too. Sheets are made and
    /// reported in the order of their printed codes (企-2 before 企-10).
    pub async fn carry_forward(
        &mut self,
        municipality: &str,
        fy: FiscalYear,
        plan: &SheetPlan,
    ) -> Result<CarryForward, StoreError> {
        let prev = FiscalYear::new(fy.year() - 1).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let (y, p) = (fy_i64(fy), fy_i64(prev));
        let sql = format!(
            "SELECT i.id, i.code, i.title, i.kind, i.fiscal_year,
               EXISTS (SELECT 1 FROM next_directions n WHERE n.item_id = i.id AND n.fiscal_year = $2
                       AND n.direction = 'end') AS ended
             FROM items i
             WHERE i.municipality_code = $1 AND i.relisting_of IS NULL AND ({ACTIVE_IN_YEAR} OR i.fiscal_year = $3)
               AND NOT EXISTS (SELECT 1 FROM sheets s WHERE s.item_id = i.id AND s.fiscal_year = $3)
             ORDER BY i.id"
        );
        let mut rows = sqlx::query(&sql).bind(municipality).bind(p).bind(y).fetch_all(self.conn()).await?;
        rows.sort_by_cached_key(|r| natural_key(&r.try_get::<String, _>("code").unwrap_or_default()));
        let mut report = CarryForward::default();
        for r in &rows {
            if !plan.has_sheet(&r.try_get::<String, _>("kind")?) {
                continue;
            }
            let (item_id, code, title): (i64, String, String) =
                (r.try_get("id")?, r.try_get("code")?, r.try_get("title")?);
            // EXISTS is a boolean on PostgreSQL and an integer on SQLite.
            let ended = r.try_get::<bool, _>("ended").or_else(|_| r.try_get::<i64, _>("ended").map(|n| n != 0))?;
            if ended {
                report.ended.push((code, title));
                continue;
            }
            self.sheet_for_update(item_id, fy).await?;
            let starts = opt_i64(r, "fiscal_year")? == Some(y);
            report.started += usize::from(starts);
            let origin = if starts { "新規".to_string() } else { format!("{}から引継ぎ", prev.label()) };
            let mut changes = vec![Change {
                field: "状態".into(),
                before: None,
                after: Some(format!("{}（{origin}）", SheetStatus::NotStarted.label())),
            }];
            changes.extend(self.carry_targets(item_id, fy, prev).await?);
            report.targets_copied += changes.len() - 1;
            self.carry_narratives(item_id, y, p, &plan.carried_slots).await?;
            self.carry_schedule(item_id, y, p).await?;
            self.carry_roadmap(item_id, y, p).await?;
            report.history.extend(changes.into_iter().map(|change| HistoryRow {
                item_id: Some(item_id),
                fiscal_year: Some(fy),
                change,
            }));
            self.reindex_item(item_id).await?;
            report.created.push((code, title));
        }
        sqlx::query(
            "INSERT INTO fiscal_years (municipality_code, fiscal_year, status) VALUES ($1, $2, 'open')
             ON CONFLICT (municipality_code, fiscal_year) DO NOTHING",
        )
        .bind(municipality)
        .bind(y)
        .execute(self.conn())
        .await?;
        if !report.created.is_empty() {
            let change = Change {
                field: format!("年度の開始 {}", fy.label()),
                before: None,
                after: Some(match report.started {
                    0 => format!("{}件の調査票を{}から引継ぎ", report.created.len(), prev.label()),
                    n => format!(
                        "{}件の調査票を作成（{}から引継ぎ{}件、新規{n}件）",
                        report.created.len(),
                        prev.label(),
                        report.created.len() - n
                    ),
                }),
            };
            report.history.push(HistoryRow { item_id: None, fiscal_year: Some(fy), change });
        }
        Ok(report)
    }

    /// Sets one narrative slot of one fiscal year (the review board's
    /// opinion, say), leaving every other narrative alone; an empty text
    /// removes it. An existing row keeps its printed heading.
    pub async fn set_narrative_slot(
        &mut self,
        item_id: i64,
        fy: FiscalYear,
        slot: &str,
        label: &str,
        text: &Narrative,
    ) -> Result<(), StoreError> {
        let rows = sqlx::query(
            "SELECT position FROM narratives WHERE item_id = $1 AND fiscal_year = $2 AND slot = $3 ORDER BY position",
        )
        .bind(item_id)
        .bind(fy_i64(fy))
        .bind(slot)
        .fetch_all(self.conn())
        .await?;
        let positions: Vec<i64> = rows.iter().map(|r| r.try_get("position")).collect::<Result<_, _>>()?;
        let keep = if text.is_empty() { None } else { positions.first().copied() };
        for p in positions.iter().filter(|p| Some(**p) != keep) {
            sqlx::query("DELETE FROM narratives WHERE item_id = $1 AND position = $2")
                .bind(item_id)
                .bind(p)
                .execute(self.conn())
                .await?;
        }
        if text.is_empty() {
            return Ok(());
        }
        let (body, plain) = (serde_json::to_string(text)?, text.to_plain_text());
        match keep {
            Some(p) => {
                sqlx::query("UPDATE narratives SET body = $1, plain = $2 WHERE item_id = $3 AND position = $4")
                    .bind(body)
                    .bind(plain)
                    .bind(item_id)
                    .bind(p)
                    .execute(self.conn())
                    .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO narratives (item_id, position, fiscal_year, slot, label, body, plain)
                     VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM narratives WHERE item_id = $1),
                             $2, $3, $4, $5, $6)",
                )
                .bind(item_id)
                .bind(fy_i64(fy))
                .bind(slot)
                .bind(label)
                .bind(body)
                .bind(plain)
                .execute(self.conn())
                .await?;
            }
        }
        Ok(())
    }

    /// Copies the previous year's target of each of the item's indicators
    /// that has none for `fy`; returns the history entries.
    async fn carry_targets(
        &mut self,
        item_id: i64,
        fy: FiscalYear,
        prev: FiscalYear,
    ) -> Result<Vec<Change>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, d.name, v.printed FROM indicators d
             JOIN indicator_values v ON v.indicator_id = d.id AND v.fiscal_year = $2 AND v.role = 'target'
             WHERE d.item_id = $1 AND NOT EXISTS (
               SELECT 1 FROM indicator_values w WHERE w.indicator_id = d.id AND w.fiscal_year = $3 AND w.role = 'target')
             ORDER BY d.id",
        )
        .bind(item_id)
        .bind(fy_i64(prev))
        .bind(fy_i64(fy))
        .fetch_all(self.conn())
        .await?;
        let mut changes = Vec::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            sqlx::query(
                "INSERT INTO indicator_values (indicator_id, fiscal_year, role, printed, shape, value, unit, meaning)
                 SELECT indicator_id, $3, role, printed, shape, value, unit, meaning FROM indicator_values
                 WHERE indicator_id = $1 AND fiscal_year = $2 AND role = 'target'",
            )
            .bind(id)
            .bind(fy_i64(prev))
            .bind(fy_i64(fy))
            .execute(self.conn())
            .await?;
            changes.push(Change {
                field: format!("目標 {} {}（前年度の目標を引継ぎ）", fy.label(), r.try_get::<String, _>("name")?),
                before: None,
                after: Some(r.try_get("printed")?),
            });
        }
        Ok(changes)
    }

    async fn carry_narratives(&mut self, item_id: i64, y: i64, p: i64, slots: &[String]) -> Result<(), StoreError> {
        for slot in slots {
            let exists =
                sqlx::query("SELECT 1 AS one FROM narratives WHERE item_id = $1 AND fiscal_year = $2 AND slot = $3")
                    .bind(item_id)
                    .bind(y)
                    .bind(slot)
                    .fetch_optional(self.conn())
                    .await?
                    .is_some();
            if exists {
                continue;
            }
            sqlx::query(
                "INSERT INTO narratives (item_id, position, fiscal_year, slot, label, body, plain)
                 SELECT item_id, (SELECT COALESCE(MAX(position), -1) + 1 FROM narratives WHERE item_id = $1) + position,
                        $2, slot, label, body, plain
                 FROM narratives WHERE item_id = $1 AND fiscal_year = $3 AND slot = $4",
            )
            .bind(item_id)
            .bind(y)
            .bind(p)
            .bind(slot)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// The planned rows of the schedule (labels, months, expected hours) are
    /// a plan, like a target; actual rows are results and stay behind.
    async fn carry_schedule(&mut self, item_id: i64, y: i64, p: i64) -> Result<(), StoreError> {
        let exists = sqlx::query("SELECT 1 AS one FROM schedules WHERE item_id = $1 AND fiscal_year = $2")
            .bind(item_id)
            .bind(y)
            .fetch_optional(self.conn())
            .await?
            .is_some();
        if exists {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO schedules (item_id, position, fiscal_year, kind, label, months, hours_regular, hours_other)
             SELECT item_id, (SELECT COALESCE(MAX(position), -1) + 1 FROM schedules WHERE item_id = $1) + position,
                    $2, kind, label, months, hours_regular, hours_other
             FROM schedules WHERE item_id = $1 AND fiscal_year = $3 AND kind = 'planned'",
        )
        .bind(item_id)
        .bind(y)
        .bind(p)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl StoreTx {
    /// Locks a fiscal year: every sheet of the year becomes 確定 (keeping
    /// the status it had, for an unlock) and the year read-only. Returns the
    /// history rows, or `None`, having changed nothing the caller will keep,
    /// when a sheet was saved meanwhile (roll back then).
    pub async fn lock_year(
        &mut self,
        municipality: &str,
        fy: FiscalYear,
        who: Option<i64>,
        plan: &SheetPlan,
    ) -> Result<Option<Vec<HistoryRow>>, StoreError> {
        let mut history = Vec::new();
        for sheet in self.year_sheets_for_update(municipality, fy, plan).await? {
            // Lock applies from every status; a sheet already final stays as is.
            let next = sheet.status.apply(Transition::Lock).map_err(|e| StoreError::Invalid(e.to_string()))?;
            if next == sheet.status {
                continue;
            }
            if !self.advance_sheet(sheet.id, sheet.version, next, who).await? {
                return Ok(None);
            }
            sqlx::query("UPDATE sheets SET status_before_lock = $1 WHERE id = $2")
                .bind(sheet.status.code())
                .bind(sheet.id)
                .execute(self.conn())
                .await?;
            let change = Change {
                field: "状態".into(),
                before: Some(sheet.status.label().into()),
                after: Some(next.label().into()),
            };
            history.push(HistoryRow { item_id: Some(sheet.item_id), fiscal_year: Some(fy), change });
        }
        self.set_year_status(municipality, fy, "locked").await?;
        let change = Change {
            field: format!("年度の状態 {}", fy.label()),
            before: Some("受付中".into()),
            after: Some("確定".into()),
        };
        history.push(HistoryRow { item_id: None, fiscal_year: Some(fy), change });
        Ok(Some(history))
    }

    /// Unlocks a locked, unpublished fiscal year: each 確定 sheet gets back
    /// the status it had before the lock, and the year takes changes again.
    /// The caller checks that the year is locked and not published.
    pub async fn unlock_year(
        &mut self,
        municipality: &str,
        fy: FiscalYear,
        who: Option<i64>,
        reason: &str,
    ) -> Result<Vec<HistoryRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.item_id, s.version, s.status_before_lock FROM sheets s JOIN items i ON i.id = s.item_id
             WHERE i.municipality_code = $1 AND s.fiscal_year = $2 AND s.status = 'final' ORDER BY i.code, i.id",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .fetch_all(self.conn())
        .await?;
        let mut history = Vec::new();
        for r in &rows {
            let (id, item_id, version): (i64, i64, i64) =
                (r.try_get("id")?, r.try_get("item_id")?, r.try_get("version")?);
            // A sheet locked before statuses were kept goes back to 承認済.
            let back: SheetStatus = match r.try_get::<Option<String>, _>("status_before_lock")? {
                Some(s) => s.parse().map_err(StoreError::Invalid)?,
                None => SheetStatus::Approved,
            };
            self.advance_sheet(id, version, back, who).await?;
            sqlx::query("UPDATE sheets SET status_before_lock = NULL WHERE id = $1")
                .bind(id)
                .execute(self.conn())
                .await?;
            let change = Change {
                field: "状態".into(),
                before: Some(SheetStatus::Final.label().into()),
                after: Some(back.label().into()),
            };
            history.push(HistoryRow { item_id: Some(item_id), fiscal_year: Some(fy), change });
        }
        self.set_year_status(municipality, fy, "open").await?;
        history.push(HistoryRow {
            item_id: None,
            fiscal_year: Some(fy),
            change: Change {
                field: format!("年度の状態 {}", fy.label()),
                before: Some("確定".into()),
                after: Some(format!("受付中（確定の解除: {reason}）")),
            },
        });
        Ok(history)
    }

    /// Sets a year's status, keeping its deadline.
    async fn set_year_status(&mut self, municipality: &str, fy: FiscalYear, status: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO fiscal_years (municipality_code, fiscal_year, status) VALUES ($1, $2, $3)
             ON CONFLICT (municipality_code, fiscal_year) DO UPDATE SET status = excluded.status",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .bind(status)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
