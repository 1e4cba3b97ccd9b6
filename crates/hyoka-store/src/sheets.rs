//! The parts of a sheet beyond indicators: item details, narratives,
//! schedules, next year's direction, budgets and grades as whole lists,
//! second printings of indicator cells, and findings.
//!
//! Lists are replaced whole: the imported file is the truth for the item,
//! so importing it again yields exactly the same rows.

use hyoka_core::sheet::{BudgetRow, EvaluationRow, Finding, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::FiscalYear;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::bulk::Bind;
use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{opt_i64, Printing, Store, StoreError};

impl StoreTx {
    pub async fn set_item_details(
        &mut self,
        item_id: i64,
        fiscal_year: Option<FiscalYear>,
        tags: &[String],
        relisting_of: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE items SET fiscal_year = $1, tags = $2, relisting_of = $3 WHERE id = $4")
            .bind(fiscal_year.map(fy_i64))
            .bind(serde_json::to_string(tags)?)
            .bind(relisting_of)
            .bind(item_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn set_node_tags(&mut self, node_id: i64, tags: &[String]) -> Result<(), StoreError> {
        sqlx::query("UPDATE plan_nodes SET tags = $1 WHERE id = $2")
            .bind(serde_json::to_string(tags)?)
            .bind(node_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn replace_narratives(&mut self, item_id: i64, rows: &[NarrativeRow]) -> Result<(), StoreError> {
        self.delete_children("narratives", item_id).await?;
        let bodies: Vec<(String, String)> = rows
            .iter()
            .map(|n| Ok((serde_json::to_string(&n.text)?, n.text.to_plain_text())))
            .collect::<Result<_, serde_json::Error>>()?;
        let rows: Vec<Vec<Bind>> = rows
            .iter()
            .zip(&bodies)
            .enumerate()
            .map(|(position, (n, body))| narrative_binds(item_id, position, n, body))
            .collect();
        self.insert_rows("narratives", &NARRATIVE_COLUMNS, &rows).await
    }

    pub async fn replace_schedule(&mut self, item_id: i64, rows: &[ScheduleRow]) -> Result<(), StoreError> {
        self.delete_children("schedules", item_id).await?;
        let months: Vec<String> = rows.iter().map(|s| serde_json::to_string(&s.months)).collect::<Result<_, _>>()?;
        let rows: Vec<Vec<Bind>> = rows
            .iter()
            .zip(&months)
            .enumerate()
            .map(|(position, (s, months))| schedule_binds(item_id, position, s, months))
            .collect();
        self.insert_rows("schedules", &SCHEDULE_COLUMNS, &rows).await
    }

    pub async fn replace_next_direction(
        &mut self,
        item_id: i64,
        row: Option<&NextDirectionRow>,
    ) -> Result<(), StoreError> {
        self.delete_children("next_directions", item_id).await?;
        if let Some(d) = row {
            sqlx::query(
                "INSERT INTO next_directions (item_id, fiscal_year, printed, direction, reason, transfer)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(item_id)
            .bind(fy_i64(d.fiscal_year))
            .bind(&d.printed)
            .bind(d.direction.map(|x| x.code()))
            .bind(&d.reason)
            .bind(&d.transfer)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    pub async fn replace_budgets(&mut self, item_id: i64, rows: &[BudgetRow]) -> Result<(), StoreError> {
        self.delete_children("budgets", item_id).await?;
        for b in rows {
            self.set_budget(item_id, b.fiscal_year, &b.figures, b.execution_rate_printed.as_deref()).await?;
        }
        Ok(())
    }

    pub async fn replace_evaluations(
        &mut self,
        municipality: &str,
        item_id: i64,
        rows: &[EvaluationRow],
    ) -> Result<(), StoreError> {
        self.delete_children("evaluations", item_id).await?;
        for e in rows {
            self.set_evaluation(municipality, item_id, e).await?;
        }
        Ok(())
    }

    /// Replaces every printing of an indicator's cells.
    pub async fn replace_printings(&mut self, indicator_id: i64, rows: &[Printing]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM indicator_printings WHERE indicator_id = $1")
            .bind(indicator_id)
            .execute(self.conn())
            .await?;
        let rows: Vec<Vec<Bind>> = rows
            .iter()
            .map(|p| {
                vec![
                    Bind::Int(Some(indicator_id)),
                    Bind::Int(Some(fy_i64(p.fiscal_year))),
                    Bind::Text(Some(&p.role)),
                    Bind::Text(Some(&p.source)),
                    Bind::Text(Some(&p.printed)),
                    Bind::Int(p.printed_in.map(fy_i64)),
                ]
            })
            .collect();
        let columns = ["indicator_id", "fiscal_year", "role", "source", "printed", "printed_in"];
        self.insert_rows("indicator_printings", &columns, &rows).await
    }

    /// Replaces the findings that came from one file.
    pub async fn replace_findings(&mut self, file: &str, rows: &[Finding]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM findings WHERE file = $1").bind(file).execute(self.conn()).await?;
        let rows: Vec<Vec<Bind>> = rows
            .iter()
            .map(|f| {
                vec![
                    Bind::Text(f.municipality.as_deref()),
                    Bind::Text(Some(&f.kind)),
                    Bind::Text(Some(&f.file)),
                    Bind::Int(f.line.map(|l| l as i64)),
                    Bind::Text(Some(&f.text)),
                    Bind::Text(Some(&f.message)),
                ]
            })
            .collect();
        let columns = ["municipality_code", "kind", "file", "line", "text", "message"];
        self.insert_rows("findings", &columns, &rows).await
    }

    /// `table` is one of our own table names, never user input.
    async fn delete_children(&mut self, table: &'static str, item_id: i64) -> Result<(), StoreError> {
        sqlx::query(&format!("DELETE FROM {table} WHERE item_id = $1")).bind(item_id).execute(self.conn()).await?;
        Ok(())
    }
}

impl Store {
    /// The narratives of each of `items` that belong to `fy` (one stored
    /// without a year belongs to the item's printed year), by item id:
    /// one statement, however many items.
    pub async fn public_narratives_of(
        &self,
        items: &[&crate::ItemRecord],
        fy: FiscalYear,
    ) -> Result<std::collections::HashMap<i64, Vec<NarrativeRow>>, StoreError> {
        let mut out: std::collections::HashMap<i64, Vec<NarrativeRow>> = std::collections::HashMap::new();
        if items.is_empty() {
            return Ok(out);
        }
        let ids = serde_json::to_string(&items.iter().map(|i| i.id).collect::<Vec<_>>()).expect("a list of integers");
        let sql = format!(
            "SELECT item_id, fiscal_year, slot, label, body FROM narratives WHERE item_id IN {}
             ORDER BY item_id, position",
            self.backend().id_list("$1")
        );
        for r in sqlx::query(&sql).bind(ids).fetch_all(self.pool()).await? {
            let item_id: i64 = r.try_get("item_id")?;
            let row = NarrativeRow {
                fiscal_year: opt_i64(&r, "fiscal_year")?.map(fy_from_i64).transpose()?,
                slot: r.try_get("slot")?,
                label: r.try_get("label")?,
                text: serde_json::from_str(&r.try_get::<String, _>("body")?)?,
            };
            let printed = items.iter().find(|i| i.id == item_id).and_then(|i| i.fiscal_year);
            if row.fiscal_year.or(printed) == Some(fy) {
                out.entry(item_id).or_default().push(row);
            }
        }
        Ok(out)
    }

    pub async fn narratives(&self, item_id: i64) -> Result<Vec<NarrativeRow>, StoreError> {
        let rows =
            sqlx::query("SELECT fiscal_year, slot, label, body FROM narratives WHERE item_id = $1 ORDER BY position")
                .bind(item_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(NarrativeRow {
                    fiscal_year: opt_i64(r, "fiscal_year")?.map(fy_from_i64).transpose()?,
                    slot: r.try_get("slot")?,
                    label: r.try_get("label")?,
                    text: serde_json::from_str(&r.try_get::<String, _>("body")?)?,
                })
            })
            .collect()
    }

    pub async fn schedule(&self, item_id: i64) -> Result<Vec<ScheduleRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT fiscal_year, kind, label, months, hours_regular, hours_other FROM schedules
             WHERE item_id = $1 ORDER BY position",
        )
        .bind(item_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ScheduleRow {
                    fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
                    kind: r.try_get("kind")?,
                    label: r.try_get("label")?,
                    months: serde_json::from_str(&r.try_get::<String, _>("months")?)?,
                    hours_regular: r.try_get("hours_regular")?,
                    hours_other: r.try_get("hours_other")?,
                })
            })
            .collect()
    }

    pub async fn next_direction(&self, item_id: i64) -> Result<Option<NextDirectionRow>, StoreError> {
        let row = sqlx::query(
            "SELECT fiscal_year, printed, direction, reason, transfer FROM next_directions WHERE item_id = $1
             ORDER BY fiscal_year DESC",
        )
        .bind(item_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(next_direction_row).transpose()
    }

    pub async fn printings(&self, indicator_id: i64) -> Result<Vec<Printing>, StoreError> {
        let rows = sqlx::query(
            "SELECT fiscal_year, role, source, printed, printed_in FROM indicator_printings WHERE indicator_id = $1
             ORDER BY fiscal_year, role, source",
        )
        .bind(indicator_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Printing {
                    fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
                    role: r.try_get("role")?,
                    source: r.try_get("source")?,
                    printed: r.try_get("printed")?,
                    printed_in: r.try_get::<Option<i64>, _>("printed_in")?.map(fy_from_i64).transpose()?,
                })
            })
            .collect()
    }

    /// Findings for a city, or all when `municipality` is `None`.
    pub async fn findings(&self, municipality: Option<&str>) -> Result<Vec<Finding>, StoreError> {
        let rows = sqlx::query(
            "SELECT municipality_code, kind, file, line, text, message FROM findings
             WHERE $1 IS NULL OR municipality_code = $1 ORDER BY file, line, id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Finding {
                    municipality: r.try_get("municipality_code")?,
                    kind: r.try_get("kind")?,
                    file: r.try_get("file")?,
                    line: opt_i64(r, "line")?.map(|l| l as usize),
                    text: r.try_get("text")?,
                    message: r.try_get("message")?,
                })
            })
            .collect()
    }
}

/// A row of `next_directions` (fiscal_year, printed, direction, reason, transfer).
pub(crate) fn next_direction_row(r: &AnyRow) -> Result<NextDirectionRow, StoreError> {
    Ok(NextDirectionRow {
        fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
        printed: r.try_get("printed")?,
        direction: r
            .try_get::<Option<String>, _>("direction")?
            .map(|d| d.parse())
            .transpose()
            .map_err(StoreError::Invalid)?,
        reason: r.try_get("reason")?,
        transfer: r.try_get("transfer")?,
    })
}

/// The columns of a `schedules` row, in the order of [`schedule_binds`].
pub(crate) const SCHEDULE_COLUMNS: [&str; 8] =
    ["item_id", "position", "fiscal_year", "kind", "label", "months", "hours_regular", "hours_other"];

/// A schedule row of an item at `position`, its months as JSON.
pub(crate) fn schedule_binds<'a>(item_id: i64, position: usize, s: &'a ScheduleRow, months: &'a str) -> Vec<Bind<'a>> {
    vec![
        Bind::Int(Some(item_id)),
        Bind::Int(Some(position as i64)),
        Bind::Int(Some(fy_i64(s.fiscal_year))),
        Bind::Text(Some(&s.kind)),
        Bind::Text(Some(&s.label)),
        Bind::Text(Some(months)),
        Bind::Text(s.hours_regular.as_deref()),
        Bind::Text(s.hours_other.as_deref()),
    ]
}

/// The columns of a `narratives` row, in the order of [`narrative_binds`].
pub(crate) const NARRATIVE_COLUMNS: [&str; 7] =
    ["item_id", "position", "fiscal_year", "slot", "label", "body", "plain"];

/// A narrative of an item at `position`, with its body as JSON and as
/// plain text computed beforehand.
pub(crate) fn narrative_binds<'a>(
    item_id: i64,
    position: usize,
    n: &'a NarrativeRow,
    (body, plain): &'a (String, String),
) -> Vec<Bind<'a>> {
    vec![
        Bind::Int(Some(item_id)),
        Bind::Int(Some(position as i64)),
        Bind::Int(n.fiscal_year.map(fy_i64)),
        Bind::Text(Some(&n.slot)),
        Bind::Text(Some(&n.label)),
        Bind::Text(Some(body)),
        Bind::Text(Some(plain)),
    ]
}
