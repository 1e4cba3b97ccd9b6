//! Budgets, evaluation scales and grades.

use hyoka_core::sheet::{BudgetRow, EvaluationRow};
use hyoka_core::{BudgetFigures, EvaluationScale, FiscalYear, Funding, Grade, Hours, StaffCost, Yen};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{opt_i64, Counts, Store, StoreError};

impl StoreTx {
    pub async fn set_budget(
        &mut self,
        item_id: i64,
        fy: FiscalYear,
        figures: &BudgetFigures,
        execution_rate_printed: Option<&str>,
    ) -> Result<(), StoreError> {
        let y = |v: Option<Yen>| v.map(Yen::yen);
        let (funding, staff) = (&figures.funding, &figures.staff);
        sqlx::query(
            "INSERT INTO budgets (item_id, fiscal_year, initial_yen, final_yen, settlement_yen,
                                  general_revenue_yen, carried_over_yen, national_yen, prefectural_yen, bonds_yen,
                                  other_funding_yen, staff_hours_centi, hourly_cost_yen, personnel_cost_yen,
                                  total_cost_yen, execution_rate_printed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (item_id, fiscal_year) DO UPDATE SET
               initial_yen = excluded.initial_yen, final_yen = excluded.final_yen,
               settlement_yen = excluded.settlement_yen, general_revenue_yen = excluded.general_revenue_yen,
               carried_over_yen = excluded.carried_over_yen, national_yen = excluded.national_yen,
               prefectural_yen = excluded.prefectural_yen, bonds_yen = excluded.bonds_yen,
               other_funding_yen = excluded.other_funding_yen, staff_hours_centi = excluded.staff_hours_centi,
               hourly_cost_yen = excluded.hourly_cost_yen, personnel_cost_yen = excluded.personnel_cost_yen,
               total_cost_yen = excluded.total_cost_yen, execution_rate_printed = excluded.execution_rate_printed",
        )
        .bind(item_id)
        .bind(fy_i64(fy))
        .bind(y(figures.initial))
        .bind(y(figures.final_budget))
        .bind(y(figures.settlement))
        .bind(y(figures.general_revenue))
        .bind(y(figures.carried_over))
        .bind(y(funding.national))
        .bind(y(funding.prefectural))
        .bind(y(funding.bonds))
        .bind(y(funding.other))
        .bind(staff.hours.map(Hours::hundredths))
        .bind(y(staff.hourly))
        .bind(y(staff.personnel))
        .bind(y(staff.total))
        .bind(execution_rate_printed)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn save_scale(&mut self, municipality: &str, scale: &EvaluationScale) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO evaluation_scales (municipality_code, code, name, grades, legend_printed) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (municipality_code, code) DO UPDATE
               SET name = excluded.name, grades = excluded.grades, legend_printed = excluded.legend_printed
             RETURNING id",
        )
        .bind(municipality)
        .bind(&scale.code)
        .bind(&scale.name)
        .bind(serde_json::to_string(&scale.grades)?)
        .bind(scale.legend_printed as i64)
        .fetch_one(self.conn())
        .await?
        .try_get("id")?;
        Ok(id)
    }

    /// Records a grade. A grade that is not on the named scale is refused.
    pub async fn set_evaluation(
        &mut self,
        municipality: &str,
        item_id: i64,
        e: &EvaluationRow,
    ) -> Result<(), StoreError> {
        let scale_id = match &e.scale {
            Some(code) => {
                let row =
                    sqlx::query("SELECT id, grades FROM evaluation_scales WHERE municipality_code = $1 AND code = $2")
                        .bind(municipality)
                        .bind(code)
                        .fetch_optional(self.conn())
                        .await?
                        .ok_or_else(|| StoreError::NotFound { what: "評価の尺度", key: code.clone() })?;
                let grades: Vec<Grade> = serde_json::from_str(&row.try_get::<String, _>("grades")?)?;
                if let Some(g) = &e.grade {
                    if !grades.iter().any(|x| &x.code == g) {
                        let codes: Vec<&str> = grades.iter().map(|x| x.code.as_str()).collect();
                        return Err(StoreError::Invalid(format!(
                            "評価「{g}」は尺度「{code}」にありません（{} のいずれか）",
                            codes.join("・")
                        )));
                    }
                }
                Some(row.try_get::<i64, _>("id")?)
            }
            None => None,
        };
        sqlx::query(
            "INSERT INTO evaluations (item_id, fiscal_year, stage, evaluator, scale_id, grade, comment)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (item_id, fiscal_year, stage, evaluator) DO UPDATE SET
               scale_id = excluded.scale_id, grade = excluded.grade, comment = excluded.comment",
        )
        .bind(item_id)
        .bind(fy_i64(e.fiscal_year))
        .bind(e.stage.code())
        .bind(e.evaluator.code())
        .bind(scale_id)
        .bind(&e.grade)
        .bind(&e.comment)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    pub async fn budgets(&self, item_id: i64) -> Result<Vec<BudgetRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT fiscal_year, {} FROM budgets WHERE item_id = $1 ORDER BY fiscal_year",
            budget_columns("")
        ))
        .bind(item_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(budget_row).collect()
    }

    pub async fn scales(&self, municipality: &str) -> Result<Vec<EvaluationScale>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name, grades, legend_printed FROM evaluation_scales WHERE municipality_code = $1 ORDER BY id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EvaluationScale {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    grades: serde_json::from_str(&r.try_get::<String, _>("grades")?)?,
                    legend_printed: r.try_get::<i64, _>("legend_printed")? != 0,
                })
            })
            .collect()
    }

    pub async fn evaluations(&self, item_id: i64) -> Result<Vec<EvaluationRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.fiscal_year, e.stage, e.evaluator, s.code AS scale_code, e.grade, e.comment
             FROM evaluations e LEFT JOIN evaluation_scales s ON s.id = e.scale_id
             WHERE e.item_id = $1 ORDER BY e.fiscal_year, e.stage, e.evaluator",
        )
        .bind(item_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(evaluation_row).collect()
    }

    /// How much a city holds.
    pub async fn counts(&self, municipality: &str) -> Result<Counts, StoreError> {
        let row = sqlx::query(
            "SELECT
               (SELECT COUNT(*) FROM plans WHERE municipality_code = $1) AS plans,
               (SELECT COUNT(*) FROM plan_nodes n JOIN plans p ON p.id = n.plan_id WHERE p.municipality_code = $1) AS nodes,
               (SELECT COUNT(*) FROM items WHERE municipality_code = $1) AS items,
               (SELECT COUNT(*) FROM indicators WHERE municipality_code = $1) AS indicators,
               (SELECT COUNT(*) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
                 WHERE i.municipality_code = $1) AS indicator_values",
        )
        .bind(municipality)
        .fetch_one(self.pool())
        .await?;
        Ok(Counts {
            plans: row.try_get("plans")?,
            nodes: row.try_get("nodes")?,
            items: row.try_get("items")?,
            indicators: row.try_get("indicators")?,
            indicator_values: row.try_get("indicator_values")?,
        })
    }
}

/// The amount columns of `budgets`, in the order [`budget_row`] reads and an
/// import writes them.
pub(crate) const BUDGET_COLUMNS: [&str; 14] = [
    "initial_yen",
    "final_yen",
    "settlement_yen",
    "general_revenue_yen",
    "carried_over_yen",
    "national_yen",
    "prefectural_yen",
    "bonds_yen",
    "other_funding_yen",
    "staff_hours_centi",
    "hourly_cost_yen",
    "personnel_cost_yen",
    "total_cost_yen",
    "execution_rate_printed",
];

/// The columns [`budget_row`] reads besides `fiscal_year`, each prefixed
/// with `alias` (`"b."`), so every read of budgets reads them all.
pub(crate) fn budget_columns(alias: &str) -> String {
    BUDGET_COLUMNS.map(|c| format!("{alias}{c}")).join(", ")
}

/// A row of `budgets` (fiscal_year and [`budget_columns`]).
pub(crate) fn budget_row(r: &AnyRow) -> Result<BudgetRow, StoreError> {
    let y = |c: &str| opt_i64(r, c).map(|v| v.map(Yen));
    Ok(BudgetRow {
        fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
        figures: BudgetFigures {
            initial: y("initial_yen")?,
            final_budget: y("final_yen")?,
            settlement: y("settlement_yen")?,
            general_revenue: y("general_revenue_yen")?,
            carried_over: y("carried_over_yen")?,
            funding: Funding {
                national: y("national_yen")?,
                prefectural: y("prefectural_yen")?,
                bonds: y("bonds_yen")?,
                other: y("other_funding_yen")?,
            },
            staff: StaffCost {
                hours: opt_i64(r, "staff_hours_centi")?.map(Hours::from_hundredths),
                hourly: y("hourly_cost_yen")?,
                personnel: y("personnel_cost_yen")?,
                total: y("total_cost_yen")?,
            },
        },
        execution_rate_printed: r.try_get("execution_rate_printed")?,
    })
}

/// A row of `evaluations` with its scale's code as `scale_code`.
pub(crate) fn evaluation_row(r: &AnyRow) -> Result<EvaluationRow, StoreError> {
    Ok(EvaluationRow {
        fiscal_year: fy_from_i64(r.try_get("fiscal_year")?)?,
        stage: r.try_get::<String, _>("stage")?.parse().map_err(StoreError::Invalid)?,
        evaluator: r.try_get::<String, _>("evaluator")?.parse().map_err(StoreError::Invalid)?,
        scale: r.try_get("scale_code")?,
        grade: r.try_get("grade")?,
        comment: r.try_get("comment")?,
    })
}
