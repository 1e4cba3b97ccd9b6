//! Indicators, their printed cells per fiscal year, and judgements.

use hyoka_core::judgement::{Declared, Judgement};
use std::collections::HashMap;

use hyoka_core::{FiscalYear, IndicatorCell, RelatedNode, ValueRole};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::bulk::Bind;
use crate::org::{fy_from_i64, fy_i64};
use crate::search_index::json_ids;
use crate::tx::StoreTx;
use crate::{opt_i64, IndicatorRecord, IndicatorValue, JudgementRecord, NewIndicator, Store, StoreError};

impl StoreTx {
    /// Creates or updates an indicator by its key. Returns its id.
    pub async fn upsert_indicator(&mut self, municipality: &str, ind: &NewIndicator) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO indicators
               (municipality_code, indicator_key, name, kind, definition, unit, direction, vocabulary, item_id, node_id,
                related_node_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (municipality_code, indicator_key) DO UPDATE SET
               name = excluded.name, kind = excluded.kind, definition = excluded.definition,
               unit = excluded.unit, direction = excluded.direction, vocabulary = excluded.vocabulary,
               item_id = excluded.item_id, node_id = excluded.node_id, related_node_id = excluded.related_node_id
             RETURNING id",
        )
        .bind(municipality)
        .bind(&ind.key)
        .bind(&ind.name)
        .bind(ind.kind.code())
        .bind(&ind.definition)
        .bind(&ind.unit)
        .bind(ind.direction.code())
        .bind(&ind.vocabulary)
        .bind(ind.item_id)
        .bind(ind.node_id)
        .bind(ind.related_node_id)
        .fetch_one(self.conn())
        .await?
        .try_get("id")?;
        Ok(id)
    }

    /// Stores a cell as printed, with its parsed meaning beside it.
    pub async fn set_indicator_value(
        &mut self,
        indicator_id: i64,
        fy: FiscalYear,
        role: ValueRole,
        cell: &IndicatorCell,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO indicator_values (indicator_id, fiscal_year, role, printed, shape, value, unit, meaning)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (indicator_id, fiscal_year, role) DO UPDATE SET
               printed = excluded.printed, shape = excluded.shape, value = excluded.value,
               unit = excluded.unit, meaning = excluded.meaning",
        )
        .bind(indicator_id)
        .bind(fy_i64(fy))
        .bind(role.code())
        .bind(cell.printed())
        .bind(cell.meaning().kind())
        .bind(cell.primary_number().map(|n| n.plain()))
        .bind(cell.primary_unit().filter(|u| !u.is_empty()))
        .bind(serde_json::to_string(cell)?)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Removes an indicator's cells and judgements before they are written
    /// again from a file.
    pub async fn clear_indicator_values(&mut self, indicator_id: i64) -> Result<(), StoreError> {
        for table in ["indicator_values", "judgements"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE indicator_id = $1"))
                .bind(indicator_id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Replaces an indicator's cells and judgements with these, in a few
    /// statements (an import writes thousands of indicators).
    pub async fn replace_indicator_values(
        &mut self,
        indicator_id: i64,
        values: &[(FiscalYear, ValueRole, &IndicatorCell)],
        judgements: &[(FiscalYear, &Judgement)],
    ) -> Result<(), StoreError> {
        self.clear_indicator_values(indicator_id).await?;
        // The parsed forms are computed first: the rows borrow them.
        let parsed: Vec<(Option<String>, String)> = values
            .iter()
            .map(|(_, _, cell)| Ok((cell.primary_number().map(|n| n.plain()), serde_json::to_string(cell)?)))
            .collect::<Result<_, serde_json::Error>>()?;
        let rows: Vec<Vec<Bind>> =
            values.iter().zip(&parsed).map(|(v, parsed)| value_binds(indicator_id, v, parsed)).collect();
        self.insert_rows("indicator_values", &VALUE_COLUMNS, &rows).await?;
        let rows: Vec<Vec<Bind>> = judgements
            .iter()
            .map(|(fy, j)| {
                vec![
                    Bind::Int(Some(indicator_id)),
                    Bind::Int(Some(fy_i64(*fy))),
                    Bind::Text(j.printed.as_deref()),
                    Bind::Text(j.computed.as_deref()),
                    Bind::Text(j.declared.as_ref().map(|d| d.label.as_str())),
                    Bind::Text(j.declared.as_ref().map(|d| d.reason.as_str())),
                ]
            })
            .collect();
        let columns = ["indicator_id", "fiscal_year", "printed", "computed", "declared", "declared_reason"];
        self.insert_rows("judgements", &columns, &rows).await
    }

    pub async fn set_judgement(&mut self, indicator_id: i64, fy: FiscalYear, j: &Judgement) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO judgements (indicator_id, fiscal_year, printed, computed, declared, declared_reason)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (indicator_id, fiscal_year) DO UPDATE SET
               printed = excluded.printed, computed = excluded.computed,
               declared = excluded.declared, declared_reason = excluded.declared_reason",
        )
        .bind(indicator_id)
        .bind(fy_i64(fy))
        .bind(&j.printed)
        .bind(&j.computed)
        .bind(j.declared.as_ref().map(|d| d.label.clone()))
        .bind(j.declared.as_ref().map(|d| d.reason.clone()))
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

pub(crate) const INDICATOR_COLUMNS: &str = "id, municipality_code, indicator_key, name, kind, definition, unit, \
     direction, vocabulary, item_id, node_id, related_node_id";

pub(crate) fn indicator_record(r: &AnyRow) -> Result<IndicatorRecord, StoreError> {
    let parse_err = |e: String| StoreError::Invalid(e);
    Ok(IndicatorRecord {
        id: r.try_get("id")?,
        municipality_code: r.try_get("municipality_code")?,
        key: r.try_get("indicator_key")?,
        name: r.try_get("name")?,
        kind: r.try_get::<String, _>("kind")?.parse().map_err(parse_err)?,
        definition: r.try_get("definition")?,
        unit: r.try_get("unit")?,
        direction: r.try_get::<String, _>("direction")?.parse().map_err(parse_err)?,
        vocabulary: r.try_get("vocabulary")?,
        item_id: opt_i64(r, "item_id")?,
        node_id: opt_i64(r, "node_id")?,
        related_node_id: opt_i64(r, "related_node_id")?,
    })
}

impl Store {
    pub async fn indicator(&self, id: i64) -> Result<IndicatorRecord, StoreError> {
        let sql = format!("SELECT {INDICATOR_COLUMNS} FROM indicators WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "指標", key: id.to_string() })?;
        indicator_record(&row)
    }

    pub async fn indicators(&self, municipality: &str) -> Result<Vec<IndicatorRecord>, StoreError> {
        let sql = format!("SELECT {INDICATOR_COLUMNS} FROM indicators WHERE municipality_code = $1 ORDER BY id");
        let rows = sqlx::query(&sql).bind(municipality).fetch_all(self.pool()).await?;
        rows.iter().map(indicator_record).collect()
    }

    pub async fn node_indicators(&self, node_id: i64) -> Result<Vec<IndicatorRecord>, StoreError> {
        let sql = format!("SELECT {INDICATOR_COLUMNS} FROM indicators WHERE node_id = $1 ORDER BY id");
        let rows = sqlx::query(&sql).bind(node_id).fetch_all(self.pool()).await?;
        rows.iter().map(indicator_record).collect()
    }

    pub async fn item_indicators(&self, item_id: i64) -> Result<Vec<IndicatorRecord>, StoreError> {
        let sql = format!("SELECT {INDICATOR_COLUMNS} FROM indicators WHERE item_id = $1 ORDER BY id");
        let rows = sqlx::query(&sql).bind(item_id).fetch_all(self.pool()).await?;
        rows.iter().map(indicator_record).collect()
    }

    /// The plan nodes these are the ids of, with their plan's code and name
    /// (the nodes indicators name as related): one statement for a list.
    pub async fn related_nodes(&self, node_ids: &[i64]) -> Result<HashMap<i64, RelatedNode>, StoreError> {
        if node_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT n.id, n.code, n.title, p.code AS plan_code, p.name AS plan_name
             FROM plan_nodes n JOIN plans p ON p.id = n.plan_id WHERE n.id IN {}",
            self.backend().id_list("$1")
        );
        let rows = sqlx::query(&sql).bind(json_ids(node_ids)).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    RelatedNode {
                        plan_code: r.try_get("plan_code")?,
                        plan_name: r.try_get("plan_name")?,
                        code: r.try_get("code")?,
                        title: r.try_get("title")?,
                    },
                ))
            })
            .collect()
    }

    /// Every stored cell of an indicator, by fiscal year then role.
    pub async fn indicator_values(&self, indicator_id: i64) -> Result<Vec<IndicatorValue>, StoreError> {
        let rows = sqlx::query(
            "SELECT fiscal_year, role, printed, meaning FROM indicator_values
             WHERE indicator_id = $1 ORDER BY fiscal_year, role",
        )
        .bind(indicator_id)
        .fetch_all(self.pool())
        .await?;
        let mut values: Vec<IndicatorValue> = rows.iter().map(indicator_value).collect::<Result<_, StoreError>>()?;
        values.sort_by_key(|v| (v.fiscal_year, v.role));
        Ok(values)
    }

    pub async fn judgements(&self, indicator_id: i64) -> Result<Vec<JudgementRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT fiscal_year, printed, computed, declared, declared_reason FROM judgements
             WHERE indicator_id = $1 ORDER BY fiscal_year",
        )
        .bind(indicator_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(judgement_record).collect()
    }
}

/// A row of `indicator_values` (fiscal_year, role, printed, meaning).
pub(crate) fn indicator_value(r: &AnyRow) -> Result<IndicatorValue, StoreError> {
    let printed: String = r.try_get("printed")?;
    let cell = stored_cell(&printed, &r.try_get::<String, _>("meaning")?);
    Ok(IndicatorValue {
        fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
        role: r.try_get::<String, _>("role")?.parse().map_err(StoreError::Invalid)?,
        cell,
    })
}

/// The cell of a row of `indicator_values`. The stored meaning is what
/// the sheet showed; a row written by another tool without one is parsed
/// again from its text.
pub(crate) fn stored_cell(printed: &str, meaning: &str) -> IndicatorCell {
    serde_json::from_str::<IndicatorCell>(meaning).unwrap_or_else(|_| IndicatorCell::parse(printed))
}

/// A row of `judgements` (fiscal_year, printed, computed, declared, declared_reason).
pub(crate) fn judgement_record(r: &AnyRow) -> Result<JudgementRecord, StoreError> {
    let declared =
        match (r.try_get::<Option<String>, _>("declared")?, r.try_get::<Option<String>, _>("declared_reason")?) {
            (Some(label), reason) => Some(Declared { label, reason: reason.unwrap_or_default() }),
            (None, _) => None,
        };
    Ok(JudgementRecord {
        fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
        judgement: Judgement { printed: r.try_get("printed")?, computed: r.try_get("computed")?, declared },
    })
}

/// The columns of an `indicator_values` row, in the order of [`value_binds`].
pub(crate) const VALUE_COLUMNS: [&str; 8] =
    ["indicator_id", "fiscal_year", "role", "printed", "shape", "value", "unit", "meaning"];

/// An indicator's cell of a year and role, with its parsed forms (the
/// number as plain text, the meaning as JSON) computed beforehand.
pub(crate) fn value_binds<'a>(
    indicator_id: i64,
    (fy, role, cell): &'a (FiscalYear, ValueRole, &IndicatorCell),
    (value, meaning): &'a (Option<String>, String),
) -> Vec<Bind<'a>> {
    vec![
        Bind::Int(Some(indicator_id)),
        Bind::Int(Some(fy_i64(*fy))),
        Bind::Text(Some(role.code())),
        Bind::Text(Some(cell.printed())),
        Bind::Text(Some(cell.meaning().kind())),
        Bind::Text(value.as_deref()),
        Bind::Text(cell.primary_unit().filter(|u| !u.is_empty())),
        Bind::Text(Some(meaning)),
    ]
}
