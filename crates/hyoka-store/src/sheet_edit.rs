//! What editing a sheet needs beyond the import's writes: the city's sheet
//! layout (preset and label overrides), the item's sections as ids for
//! permission checks, the sheets of a fiscal year with their items, and
//! single-row writes that leave other fiscal years alone.

use std::collections::BTreeMap;

use hyoka_core::layout::{default_kinds_for, default_preset_for, LayoutError, SheetLayout};
use hyoka_core::sheet::NextDirectionRow;
use hyoka_core::workflow::SheetStatus;
use hyoka_core::{Evaluator, FiscalYear, Stage, ValueRole};
use sqlx::Row;

use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{Store, StoreError};

/// One of a city's sheet kinds: its code (a preset's, or the city's own
/// kind's), the city's labels, and the city's own definition if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetKindRecord {
    pub preset: String,
    pub labels: BTreeMap<String, String>,
    /// Chosen by the city (stored), rather than a default for its code.
    pub chosen: bool,
    /// The city's own definition (TOML); `None` for a built-in preset.
    pub definition: Option<String>,
}

impl SheetKindRecord {
    /// The kind as a layout, the city's labels applied: its own definition,
    /// else the preset of its code.
    pub fn layout(&self) -> Result<SheetLayout, LayoutError> {
        let base = match &self.definition {
            Some(text) => SheetLayout::from_toml(text)?,
            None => SheetLayout::preset(&self.preset)?,
        };
        Ok(base.with_labels(&self.labels))
    }
}

impl Store {
    /// The city's sheet kinds in precedence order: the ones it chose (by
    /// position), then its defaults it has not switched off.
    pub async fn sheet_kinds(&self, municipality: &str) -> Result<Vec<SheetKindRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT preset, enabled, labels, definition FROM sheet_kinds WHERE municipality_code = $1
             ORDER BY position, preset",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        let mut kinds = Vec::new();
        let mut seen = Vec::new();
        for r in &rows {
            let preset: String = r.try_get("preset")?;
            seen.push(preset.clone());
            if r.try_get::<i64, _>("enabled")? != 0 {
                let labels = serde_json::from_str(&r.try_get::<String, _>("labels")?)?;
                let definition = r.try_get::<Option<String>, _>("definition")?;
                kinds.push(SheetKindRecord { preset, labels, chosen: true, definition });
            }
        }
        for preset in default_kinds_for(municipality) {
            if !seen.iter().any(|s| s == preset) {
                kinds.push(SheetKindRecord {
                    preset: preset.to_string(),
                    labels: BTreeMap::new(),
                    chosen: false,
                    definition: None,
                });
            }
        }
        Ok(kinds)
    }

    /// The city's sheet kinds as layouts (the city's labels applied), in
    /// precedence order; kinds whose preset this hyoka does not know (or
    /// whose definition no longer reads) are left out.
    pub async fn city_layouts(&self, municipality: &str) -> Result<Vec<SheetLayout>, StoreError> {
        Ok(self.sheet_kinds(municipality).await?.iter().filter_map(|k| k.layout().ok()).collect())
    }

    /// The layout of an item's sheet: the city's first kind for the item's
    /// kind, else the city's main kind (any item can be looked at as a
    /// sheet), else 三鷹市's project sheet.
    pub async fn layout_for(&self, item: &crate::ItemRecord) -> Result<SheetLayout, StoreError> {
        let layouts = self.city_layouts(&item.municipality_code).await?;
        let fallback = layouts.first().cloned();
        Ok(layouts
            .into_iter()
            .find(|l| l.is_for(&item.kind))
            .or(fallback)
            .unwrap_or_else(|| SheetLayout::preset("mitaka").expect("a preset of hyoka")))
    }

    /// Which items of the city have sheets, and what a new year carries.
    pub async fn sheet_plan(&self, municipality: &str) -> Result<crate::SheetPlan, StoreError> {
        let mut plan = crate::SheetPlan::default();
        for layout in self.city_layouts(municipality).await? {
            for k in &layout.item_kinds {
                if !plan.item_kinds.contains(k) {
                    plan.item_kinds.push(k.clone());
                }
            }
            for s in layout.carried_slots() {
                if !plan.carried_slots.iter().any(|c| c == s) {
                    plan.carried_slots.push(s.to_string());
                }
            }
        }
        Ok(plan)
    }

    /// The city's first sheet kind: its main sheet, for pages about the
    /// whole city (summary lists, the review's legends).
    pub async fn sheet_layout(&self, municipality: &str) -> Result<(String, BTreeMap<String, String>), StoreError> {
        Ok(match self.sheet_kinds(municipality).await?.into_iter().next() {
            Some(k) => (k.preset, k.labels),
            None => (default_preset_for(municipality).to_string(), BTreeMap::new()),
        })
    }
}

impl StoreTx {
    /// Uses a preset for the city, with its label overrides: added (first in
    /// precedence, so it wins over defaults for the same kind of item) or
    /// updated. The preset must exist and every override must name one of
    /// its labels; overrides are trimmed, and blank ones (or ones equal to
    /// the preset's) are dropped. Returns the overrides as stored.
    pub async fn set_sheet_layout(
        &mut self,
        municipality: &str,
        preset: &str,
        labels: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let defined: Option<Option<String>> =
            sqlx::query_scalar("SELECT definition FROM sheet_kinds WHERE municipality_code = $1 AND preset = $2")
                .bind(municipality)
                .bind(preset)
                .fetch_optional(self.conn())
                .await?;
        let base = match defined.flatten() {
            Some(text) => SheetLayout::from_toml(&text),
            None => SheetLayout::preset(preset),
        };
        let clean = base.and_then(|l| l.clean_labels(labels)).map_err(|e| StoreError::Invalid(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sheet_kinds (municipality_code, preset, position, enabled, labels)
             VALUES ($1, $2, (SELECT COALESCE(MIN(position), 0) - 1 FROM sheet_kinds WHERE municipality_code = $1), 1, $3)
             ON CONFLICT (municipality_code, preset) DO UPDATE SET enabled = 1, labels = excluded.labels",
        )
        .bind(municipality)
        .bind(preset)
        .bind(serde_json::to_string(&clean)?)
        .execute(self.conn())
        .await?;
        Ok(clean)
    }

    /// Stores a city's own kind (its TOML definition, already checked) under
    /// its code: added first in precedence, or its definition replaced (the
    /// city's label overrides stay). Used again after being stopped, it is
    /// used again.
    pub async fn define_sheet_kind(
        &mut self,
        municipality: &str,
        code: &str,
        definition: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sheet_kinds (municipality_code, preset, position, enabled, labels, definition)
             VALUES ($1, $2, (SELECT COALESCE(MIN(position), 0) - 1 FROM sheet_kinds WHERE municipality_code = $1), 1, '{}', $3)
             ON CONFLICT (municipality_code, preset) DO UPDATE SET enabled = 1, definition = excluded.definition",
        )
        .bind(municipality)
        .bind(code)
        .bind(definition)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Stops using a preset (a default one stays off).
    pub async fn disable_sheet_kind(&mut self, municipality: &str, preset: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sheet_kinds (municipality_code, preset, position, enabled, labels) VALUES ($1, $2, 0, 0, '{}')
             ON CONFLICT (municipality_code, preset) DO UPDATE SET enabled = 0",
        )
        .bind(municipality)
        .bind(preset)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

/// One row of "my sheets": an item and its sheet for a fiscal year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetListRow {
    pub item_id: i64,
    pub code: String,
    pub title: String,
    /// `部 課` names of the responsible sections.
    pub sections: Vec<String>,
    /// `None` while no one has saved the sheet (未着手).
    pub status: Option<SheetStatus>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// The most sections a form lists (a transfer's suggestions, an account's
/// section): a city may have many thousands.
pub const SECTION_CHOICES_MAX: usize = 200;

impl Store {
    /// The ids of the sections responsible for an item, for permission checks.
    pub async fn sheet_section_ids(&self, item_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query("SELECT section_id FROM item_sections WHERE item_id = $1 ORDER BY section_id")
            .bind(item_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get("section_id")?)).collect()
    }

    /// Every section of a city as (id, `部 課`), for choosing a transfer target.
    pub async fn sheet_section_choices(&self, municipality: &str) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, d.name AS department, s.name AS section
             FROM sections s JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1 ORDER BY d.id, s.id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let (d, s): (String, String) = (r.try_get("department")?, r.try_get("section")?);
                Ok((r.try_get("id")?, if s.is_empty() { d } else { format!("{d} {s}") }))
            })
            .collect()
    }

    /// At most `limit` sections of a city as (id, `部 課`), for a form's
    /// list: those of the departments of `item` (when given) first, then
    /// the rest in the city's order; with how many sections the city has.
    /// A form lists these and lets a person type any other.
    pub async fn section_choices_capped(
        &self,
        municipality: &str,
        item: Option<i64>,
        limit: usize,
    ) -> Result<(Vec<(i64, String)>, i64), StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, d.name AS department, s.name AS section
             FROM sections s JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1
             ORDER BY CASE WHEN d.id IN (SELECT s2.department_id FROM item_sections x
                                          JOIN sections s2 ON s2.id = x.section_id WHERE x.item_id = $2)
                      THEN 0 ELSE 1 END, d.id, s.id
             LIMIT $3",
        )
        .bind(municipality)
        .bind(item.unwrap_or(-1))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        let choices = rows
            .iter()
            .map(|r| {
                let (d, s): (String, String) = (r.try_get("department")?, r.try_get("section")?);
                Ok((r.try_get("id")?, if s.is_empty() { d } else { format!("{d} {s}") }))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM sections s JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1",
        )
        .bind(municipality)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        Ok((choices, total))
    }

    /// One section of a city as `部 課`, or `None` when the city has no
    /// section with this id.
    pub async fn section_choice(&self, municipality: &str, id: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT d.name AS department, s.name AS section
             FROM sections s JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1 AND s.id = $2",
        )
        .bind(municipality)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            let (d, s): (String, String) = (r.try_get("department")?, r.try_get("section")?);
            Ok(if s.is_empty() { d } else { format!("{d} {s}") })
        })
        .transpose()
    }

    /// The fiscal years with sheets, items or a fiscal-year record, newest
    /// first; with `section`, the years of the section's items and every
    /// opened year (a section's work may be rows of another's sheet, as
    /// 東村山市's 課 on their department's).
    pub async fn sheet_years(&self, municipality: &str, section: Option<i64>) -> Result<Vec<FiscalYear>, StoreError> {
        let own = "($2 IS NULL OR EXISTS (SELECT 1 FROM item_sections x WHERE x.item_id = i.id AND x.section_id = $2))";
        let sql = format!(
            "SELECT i.fiscal_year AS y FROM items i WHERE i.municipality_code = $1 AND i.fiscal_year IS NOT NULL AND {own}
             UNION SELECT s.fiscal_year AS y FROM sheets s JOIN items i ON i.id = s.item_id
               WHERE i.municipality_code = $1 AND {own}
             UNION SELECT fiscal_year AS y FROM fiscal_years WHERE municipality_code = $1"
        );
        let rows = sqlx::query(&sql).bind(municipality).bind(section).fetch_all(self.pool()).await?;
        let mut years = rows.iter().map(|r| fy_from_i64(r.try_get("y")?)).collect::<Result<Vec<_>, _>>()?;
        years.sort();
        years.dedup();
        years.reverse();
        Ok(years)
    }

    /// The sheets of a fiscal year: items of that year whose kind has
    /// sheets, and items with a sheet for it; with `section`, those the
    /// section works on — its own items, and the sheets whose rows hold its
    /// items (東村山市's department sheet for each of its 課).
    pub async fn sheet_list(
        &self,
        municipality: &str,
        fy: FiscalYear,
        section: Option<i64>,
    ) -> Result<Vec<SheetListRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.id, i.code, i.title, i.kind, s.status, s.updated_at, a.display_name
             FROM items i
             LEFT JOIN sheets s ON s.item_id = i.id AND s.fiscal_year = $2
             LEFT JOIN accounts a ON a.id = s.updated_by
             WHERE i.municipality_code = $1 AND (i.fiscal_year = $2 OR s.id IS NOT NULL)
             ORDER BY i.id",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .fetch_all(self.pool())
        .await?;
        let names = sqlx::query(
            "SELECT x.item_id, x.section_id, d.name AS department, s.name AS section
             FROM item_sections x JOIN sections s ON s.id = x.section_id JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1 ORDER BY d.name, s.name",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        let mut by_item: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        let mut ids_by_item: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for r in &names {
            let (d, s): (String, String) = (r.try_get("department")?, r.try_get("section")?);
            let item: i64 = r.try_get("item_id")?;
            by_item.entry(item).or_default().push(if s.is_empty() { d } else { format!("{d} {s}") });
            ids_by_item.entry(item).or_default().push(r.try_get("section_id")?);
        }
        let layouts = self.city_layouts(municipality).await?;
        let mut out = Vec::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let kind: String = r.try_get("kind")?;
            let status: Option<String> = r.try_get("status")?;
            let layout = layouts.iter().find(|l| l.is_for(&kind));
            if status.is_none() && layout.is_none() {
                continue;
            }
            if let Some(section) = section {
                let own = ids_by_item.get(&id).is_some_and(|s| s.contains(&section));
                let in_rows = !own && layout.is_some_and(|l| l.child_sections().next().is_some()) && {
                    let item = self.item(id).await?;
                    let scope = self.entry_scope(&item).await?;
                    scope.below.iter().any(|c| ids_by_item.get(&c.id).is_some_and(|s| s.contains(&section)))
                };
                if !own && !in_rows {
                    continue;
                }
            }
            out.push(SheetListRow {
                item_id: id,
                code: r.try_get("code")?,
                title: r.try_get("title")?,
                sections: by_item.get(&id).cloned().unwrap_or_default(),
                status: status.map(|s| s.parse()).transpose().map_err(StoreError::Invalid)?,
                updated_at: r.try_get("updated_at")?,
                updated_by: r.try_get("display_name")?,
            });
        }
        Ok(out)
    }
}

impl StoreTx {
    /// Sets (or with `None` removes) next year's direction written in one
    /// fiscal year, leaving other years' alone.
    pub async fn set_next_direction(
        &mut self,
        item_id: i64,
        fy: FiscalYear,
        row: Option<&NextDirectionRow>,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM next_directions WHERE item_id = $1 AND fiscal_year = $2")
            .bind(item_id)
            .bind(fy_i64(fy))
            .execute(self.conn())
            .await?;
        if let Some(d) = row {
            sqlx::query(
                "INSERT INTO next_directions (item_id, fiscal_year, printed, direction, reason, transfer)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(item_id)
            .bind(fy_i64(fy))
            .bind(&d.printed)
            .bind(d.direction.map(|x| x.code()))
            .bind(&d.reason)
            .bind(&d.transfer)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Removes one cell: a blank is not stored as a value.
    pub async fn delete_indicator_value(
        &mut self,
        indicator_id: i64,
        fy: FiscalYear,
        role: ValueRole,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM indicator_values WHERE indicator_id = $1 AND fiscal_year = $2 AND role = $3")
            .bind(indicator_id)
            .bind(fy_i64(fy))
            .bind(role.code())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_judgement(&mut self, indicator_id: i64, fy: FiscalYear) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM judgements WHERE indicator_id = $1 AND fiscal_year = $2")
            .bind(indicator_id)
            .bind(fy_i64(fy))
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_budget(&mut self, item_id: i64, fy: FiscalYear) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM budgets WHERE item_id = $1 AND fiscal_year = $2")
            .bind(item_id)
            .bind(fy_i64(fy))
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_evaluation(
        &mut self,
        item_id: i64,
        fy: FiscalYear,
        stage: Stage,
        evaluator: Evaluator,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM evaluations WHERE item_id = $1 AND fiscal_year = $2 AND stage = $3 AND evaluator = $4",
        )
        .bind(item_id)
        .bind(fy_i64(fy))
        .bind(stage.code())
        .bind(evaluator.code())
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    /// Next year's direction as written in one fiscal year's sheet.
    pub async fn next_direction_for(
        &self,
        item_id: i64,
        fy: FiscalYear,
    ) -> Result<Option<NextDirectionRow>, StoreError> {
        let row = sqlx::query(
            "SELECT printed, direction, reason, transfer FROM next_directions WHERE item_id = $1 AND fiscal_year = $2",
        )
        .bind(item_id)
        .bind(fy_i64(fy))
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(NextDirectionRow {
                fiscal_year: fy,
                printed: r.try_get("printed")?,
                direction: r
                    .try_get::<Option<String>, _>("direction")?
                    .map(|d| d.parse())
                    .transpose()
                    .map_err(StoreError::Invalid)?,
                reason: r.try_get("reason")?,
                transfer: r.try_get("transfer")?,
            })
        })
        .transpose()
    }
}
