//! Setting up a city on the web, row by row: departments and sections over
//! time and their facts per fiscal year, plans and their nodes, items with
//! their placements and sections, indicators with a baseline and a final
//! target. The application layer checks and audits; these are the reads it
//! checks with and the writes it makes.
//!
//! Imports write whole batches through `upsert_*`; the writes here change
//! one thing and refuse a clash with [`StoreError::Duplicate`] instead of
//! overwriting.

use hyoka_core::org::FormerName;
use hyoka_core::{FiscalYear, IndicatorCell, ValueRole};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::accounts::is_unique_violation;
use crate::org::{fy_from_i64, fy_i64};
use crate::tx::StoreTx;
use crate::{opt_i64, Store, StoreError};

/// A department (部) with its life span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentRecord {
    pub id: i64,
    pub municipality_code: String,
    pub name: String,
    pub valid_from: Option<FiscalYear>,
    pub valid_until: Option<FiscalYear>,
    /// The department that took over its sections.
    pub merged_into: Option<i64>,
    pub former_names: Vec<FormerName>,
}

/// A section (課) with its department and life span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionRecord {
    pub id: i64,
    pub municipality_code: String,
    pub department_id: i64,
    pub department: String,
    /// Empty for a department that is its own unit (三鷹市 企画部).
    pub name: String,
    pub valid_from: Option<FiscalYear>,
    pub valid_until: Option<FiscalYear>,
    /// The section that took over its items and staff.
    pub merged_into: Option<i64>,
    pub former_names: Vec<FormerName>,
}

impl SectionRecord {
    /// `部 課`, or the department alone for a department-level unit.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.department.clone()
        } else {
            format!("{} {}", self.department, self.name)
        }
    }

    /// Whether the section exists in `fy`.
    pub fn in_force(&self, fy: FiscalYear) -> bool {
        self.valid_from.is_none_or(|f| fy >= f) && self.valid_until.is_none_or(|u| fy <= u)
    }
}

/// What a sheet prints about a section in a fiscal year. Counts are kept
/// as typed (`3`, `0.5`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionYear {
    pub section_id: i64,
    pub fiscal_year: Option<FiscalYear>,
    /// 正職員数
    pub regular_staff: Option<String>,
    /// その他職員数
    pub other_staff: Option<String>,
    /// 内線
    pub extension: Option<String>,
    /// 課長の職名（課長、担当部長）
    pub head_title: Option<String>,
    /// 課長の氏名
    pub head_name: Option<String>,
}

impl SectionYear {
    pub fn is_blank(&self) -> bool {
        [&self.regular_staff, &self.other_staff, &self.extension, &self.head_title, &self.head_name]
            .iter()
            .all(|v| v.is_none())
    }
}

/// Who and what still refers to a section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionUse {
    /// Items it is responsible for: (code, title).
    pub items: Vec<(String, String)>,
    /// Logins of editors and heads who work for it.
    pub accounts: Vec<String>,
}

/// What hangs under a plan node: a node with any of these cannot be removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeUse {
    /// Printed codes of its child nodes.
    pub children: Vec<String>,
    /// Items placed under it: (code, title).
    pub items: Vec<(String, String)>,
    /// Names of the indicators that measure it or name it as related.
    pub indicators: Vec<String>,
}

impl NodeUse {
    pub fn is_empty(&self) -> bool {
        self.children.is_empty() && self.items.is_empty() && self.indicators.is_empty()
    }
}

/// An item's fields as the admin pages edit them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemFields {
    pub kind: String,
    pub code: String,
    pub title: String,
    pub fiscal_year: Option<FiscalYear>,
    pub tags: Vec<String>,
}

fn former_names(r: &AnyRow) -> Result<Vec<FormerName>, StoreError> {
    Ok(serde_json::from_str(&r.try_get::<String, _>("former_names")?)?)
}

fn opt_fy(r: &AnyRow, col: &str) -> Result<Option<FiscalYear>, StoreError> {
    opt_i64(r, col)?.map(fy_from_i64).transpose()
}

fn department_record(r: &AnyRow) -> Result<DepartmentRecord, StoreError> {
    Ok(DepartmentRecord {
        id: r.try_get("id")?,
        municipality_code: r.try_get("municipality_code")?,
        name: r.try_get("name")?,
        valid_from: opt_fy(r, "valid_from")?,
        valid_until: opt_fy(r, "valid_until")?,
        merged_into: opt_i64(r, "merged_into")?,
        former_names: former_names(r)?,
    })
}

fn section_record(r: &AnyRow) -> Result<SectionRecord, StoreError> {
    Ok(SectionRecord {
        id: r.try_get("id")?,
        municipality_code: r.try_get("municipality_code")?,
        department_id: r.try_get("department_id")?,
        department: r.try_get("department")?,
        name: r.try_get("name")?,
        valid_from: opt_fy(r, "valid_from")?,
        valid_until: opt_fy(r, "valid_until")?,
        merged_into: opt_i64(r, "merged_into")?,
        former_names: former_names(r)?,
    })
}

fn section_year(r: &AnyRow) -> Result<SectionYear, StoreError> {
    Ok(SectionYear {
        section_id: r.try_get("section_id")?,
        fiscal_year: opt_fy(r, "fiscal_year")?,
        regular_staff: r.try_get("regular_staff")?,
        other_staff: r.try_get("other_staff")?,
        extension: r.try_get("extension")?,
        head_title: r.try_get("head_title")?,
        head_name: r.try_get("head_name")?,
    })
}

const DEPARTMENT_COLUMNS: &str = "id, municipality_code, name, valid_from, valid_until, merged_into, former_names";
const SECTION_COLUMNS: &str = "s.id, d.municipality_code, s.department_id, d.name AS department, s.name,
    s.valid_from, s.valid_until, s.merged_into, s.former_names";
const SECTION_YEAR_COLUMNS: &str =
    "section_id, fiscal_year, regular_staff, other_staff, extension, head_title, head_name";

impl Store {
    /// A city's departments, in the order they were made.
    pub async fn departments(&self, municipality: &str) -> Result<Vec<DepartmentRecord>, StoreError> {
        let sql = format!("SELECT {DEPARTMENT_COLUMNS} FROM departments WHERE municipality_code = $1 ORDER BY id");
        let rows = sqlx::query(&sql).bind(municipality).fetch_all(self.pool()).await?;
        rows.iter().map(department_record).collect()
    }

    pub async fn department(&self, id: i64) -> Result<DepartmentRecord, StoreError> {
        let sql = format!("SELECT {DEPARTMENT_COLUMNS} FROM departments WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "部", key: id.to_string() })?;
        department_record(&row)
    }

    /// A city's sections, by department then in the order they were made.
    pub async fn sections(&self, municipality: &str) -> Result<Vec<SectionRecord>, StoreError> {
        let sql = format!(
            "SELECT {SECTION_COLUMNS} FROM sections s JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1 ORDER BY d.id, s.id"
        );
        let rows = sqlx::query(&sql).bind(municipality).fetch_all(self.pool()).await?;
        rows.iter().map(section_record).collect()
    }

    pub async fn section(&self, id: i64) -> Result<SectionRecord, StoreError> {
        let sql = format!(
            "SELECT {SECTION_COLUMNS} FROM sections s JOIN departments d ON d.id = s.department_id WHERE s.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "課", key: id.to_string() })?;
        section_record(&row)
    }

    /// A section's facts per fiscal year, oldest first.
    pub async fn section_years(&self, section_id: i64) -> Result<Vec<SectionYear>, StoreError> {
        let sql =
            format!("SELECT {SECTION_YEAR_COLUMNS} FROM section_years WHERE section_id = $1 ORDER BY fiscal_year");
        let rows = sqlx::query(&sql).bind(section_id).fetch_all(self.pool()).await?;
        rows.iter().map(section_year).collect()
    }

    /// Every section's facts for one fiscal year.
    pub async fn city_section_years(&self, municipality: &str, fy: FiscalYear) -> Result<Vec<SectionYear>, StoreError> {
        let rows = sqlx::query(
            "SELECT y.section_id, y.fiscal_year, y.regular_staff, y.other_staff, y.extension, y.head_title, y.head_name
             FROM section_years y JOIN sections s ON s.id = y.section_id JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1 AND y.fiscal_year = $2 ORDER BY y.section_id",
        )
        .bind(municipality)
        .bind(fy_i64(fy))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(section_year).collect()
    }

    /// The items and accounts that refer to a section.
    pub async fn section_use(&self, section_id: i64) -> Result<SectionUse, StoreError> {
        let items = sqlx::query(
            "SELECT i.code, i.title FROM item_sections x JOIN items i ON i.id = x.item_id
             WHERE x.section_id = $1 ORDER BY i.code, i.id",
        )
        .bind(section_id)
        .fetch_all(self.pool())
        .await?;
        let accounts = sqlx::query("SELECT login FROM accounts WHERE section_id = $1 ORDER BY login")
            .bind(section_id)
            .fetch_all(self.pool())
            .await?;
        Ok(SectionUse {
            items: items
                .iter()
                .map(|r| Ok((r.try_get("code")?, r.try_get("title")?)))
                .collect::<Result<_, StoreError>>()?,
            accounts: accounts.iter().map(|r| r.try_get("login")).collect::<Result<_, _>>()?,
        })
    }

    /// What hangs under a plan node.
    pub async fn node_use(&self, node_id: i64) -> Result<NodeUse, StoreError> {
        let children = sqlx::query("SELECT code FROM plan_nodes WHERE parent_id = $1 ORDER BY position, id")
            .bind(node_id)
            .fetch_all(self.pool())
            .await?;
        let items = sqlx::query(
            "SELECT i.code, i.title FROM item_placements p JOIN items i ON i.id = p.item_id
             WHERE p.node_id = $1 ORDER BY i.code, i.id",
        )
        .bind(node_id)
        .fetch_all(self.pool())
        .await?;
        // Indicators that measure the node, and those that name it as their
        // related node (a 三島市 成果指標's 行政改革大綱 item).
        let indicators =
            sqlx::query("SELECT name FROM indicators WHERE node_id = $1 OR related_node_id = $1 ORDER BY id")
                .bind(node_id)
                .fetch_all(self.pool())
                .await?;
        Ok(NodeUse {
            children: children.iter().map(|r| r.try_get("code")).collect::<Result<_, _>>()?,
            items: items
                .iter()
                .map(|r| Ok((r.try_get("code")?, r.try_get("title")?)))
                .collect::<Result<_, StoreError>>()?,
            indicators: indicators.iter().map(|r| r.try_get("name")).collect::<Result<_, _>>()?,
        })
    }

    /// The locked (確定) fiscal years in which an item holds anything: a
    /// sheet, narratives, a budget, grades, a schedule, a direction, or a
    /// value of one of its indicators. Such an item is part of a record
    /// that may no longer change.
    pub async fn item_locked_years(&self, item_id: i64) -> Result<Vec<FiscalYear>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT y.fiscal_year FROM fiscal_years y JOIN items i ON i.municipality_code = y.municipality_code
             WHERE i.id = $1 AND y.status = 'locked' AND (
               EXISTS (SELECT 1 FROM sheets x WHERE x.item_id = i.id AND x.fiscal_year = y.fiscal_year)
               OR EXISTS (SELECT 1 FROM narratives x WHERE x.item_id = i.id AND x.fiscal_year = y.fiscal_year)
               OR EXISTS (SELECT 1 FROM budgets x WHERE x.item_id = i.id AND x.fiscal_year = y.fiscal_year)
               OR EXISTS (SELECT 1 FROM evaluations x WHERE x.item_id = i.id AND x.fiscal_year = y.fiscal_year)
               OR EXISTS (SELECT 1 FROM schedules x WHERE x.item_id = i.id AND x.fiscal_year = y.fiscal_year)
               OR EXISTS (SELECT 1 FROM next_directions x WHERE x.item_id = i.id AND x.fiscal_year = y.fiscal_year)
               OR EXISTS (SELECT 1 FROM indicator_values v JOIN indicators d ON d.id = v.indicator_id
                          WHERE d.item_id = i.id AND v.fiscal_year = y.fiscal_year))
             ORDER BY y.fiscal_year",
        )
        .bind(item_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| fy_from_i64(r.try_get("fiscal_year")?)).collect()
    }

    /// The locked fiscal years in which an indicator has a value or a
    /// judgement.
    pub async fn indicator_locked_years(&self, indicator_id: i64) -> Result<Vec<FiscalYear>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT y.fiscal_year FROM fiscal_years y JOIN indicators d ON d.municipality_code = y.municipality_code
             WHERE d.id = $1 AND y.status = 'locked' AND (
               EXISTS (SELECT 1 FROM indicator_values v WHERE v.indicator_id = d.id AND v.fiscal_year = y.fiscal_year)
               OR EXISTS (SELECT 1 FROM judgements j WHERE j.indicator_id = d.id AND j.fiscal_year = y.fiscal_year))
             ORDER BY y.fiscal_year",
        )
        .bind(indicator_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| fy_from_i64(r.try_get("fiscal_year")?)).collect()
    }

    /// The city's locked fiscal years.
    pub async fn locked_years(&self, municipality: &str) -> Result<Vec<FiscalYear>, StoreError> {
        let rows = sqlx::query(
            "SELECT fiscal_year FROM fiscal_years WHERE municipality_code = $1 AND status = 'locked' ORDER BY fiscal_year",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| fy_from_i64(r.try_get("fiscal_year")?)).collect()
    }

    /// Whether a key is taken: `items.item_key`, `indicators.indicator_key`.
    pub async fn item_key_taken(&self, municipality: &str, key: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS one FROM items WHERE municipality_code = $1 AND item_key = $2")
            .bind(municipality)
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    pub async fn indicator_key_taken(&self, municipality: &str, key: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS one FROM indicators WHERE municipality_code = $1 AND indicator_key = $2")
            .bind(municipality)
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    /// Every placement of a city's items as (item id, node id, is a 再掲),
    /// for listing them without a query per item.
    pub async fn placement_ids(&self, municipality: &str) -> Result<Vec<(i64, i64, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT pl.item_id, pl.node_id, pl.relisting FROM item_placements pl JOIN items i ON i.id = pl.item_id
             WHERE i.municipality_code = $1 ORDER BY pl.item_id, pl.node_id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("item_id")?, r.try_get("node_id")?, r.try_get::<i64, _>("relisting")? != 0)))
            .collect()
    }

    /// Every item's section ids, for listing them without a query per item.
    pub async fn item_section_ids(&self, municipality: &str) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT x.item_id, x.section_id FROM item_sections x JOIN items i ON i.id = x.item_id
             WHERE i.municipality_code = $1 ORDER BY x.item_id, x.section_id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("item_id")?, r.try_get("section_id")?))).collect()
    }

    /// Each node of a plan with its stored position, in printed order.
    pub async fn node_positions(&self, plan_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query("SELECT id, position FROM plan_nodes WHERE plan_id = $1 ORDER BY position, id")
            .bind(plan_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("position")?))).collect()
    }

    /// The field-level changes one audit event recorded, in order.
    pub async fn event_changes(&self, event_id: i64) -> Result<Vec<crate::Change>, StoreError> {
        let rows = sqlx::query("SELECT field, before, after FROM history WHERE event_id = $1 ORDER BY id")
            .bind(event_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(crate::Change {
                    field: r.try_get("field")?,
                    before: r.try_get("before")?,
                    after: r.try_get("after")?,
                })
            })
            .collect()
    }

    /// A city's audit events whose command code starts with `prefix`
    /// (`org.`), newest first: the history of one kind of change.
    pub async fn events_of_kind(
        &self,
        municipality: &str,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, summary FROM audit_events WHERE municipality_code = $1 AND command LIKE $2
             ORDER BY id DESC LIMIT $3",
        )
        .bind(municipality)
        .bind(format!("{prefix}%"))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("at")?, r.try_get("actor")?, r.try_get("summary")?))).collect()
    }

    /// Every node of a city's plans, for choosing a placement or a parent.
    pub async fn city_nodes(&self, municipality: &str) -> Result<Vec<crate::NodeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT n.id, n.plan_id, n.parent_id, n.level, n.code, n.title, n.tags FROM plan_nodes n
             JOIN plans p ON p.id = n.plan_id WHERE p.municipality_code = $1 ORDER BY p.id, n.position, n.id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(crate::plans::node_record).collect()
    }
}

/// A unique-key clash as a [`StoreError::Duplicate`] with `message`.
fn clash(e: sqlx::Error, message: impl FnOnce() -> String) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Duplicate(message())
    } else {
        e.into()
    }
}

impl StoreTx {
    pub async fn insert_department(
        &mut self,
        municipality: &str,
        name: &str,
        from: Option<FiscalYear>,
    ) -> Result<i64, StoreError> {
        sqlx::query("INSERT INTO departments (municipality_code, name, valid_from) VALUES ($1, $2, $3) RETURNING id")
            .bind(municipality)
            .bind(name)
            .bind(from.map(fy_i64))
            .fetch_one(self.conn())
            .await
            .map_err(|e| clash(e, || format!("部「{name}」は既にあります")))?
            .try_get("id")
            .map_err(Into::into)
    }

    /// Writes a department's name, life span, merge and former names.
    pub async fn update_department(&mut self, d: &DepartmentRecord) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE departments SET name = $1, valid_from = $2, valid_until = $3, merged_into = $4, former_names = $5
             WHERE id = $6",
        )
        .bind(&d.name)
        .bind(d.valid_from.map(fy_i64))
        .bind(d.valid_until.map(fy_i64))
        .bind(d.merged_into)
        .bind(serde_json::to_string(&d.former_names)?)
        .bind(d.id)
        .execute(self.conn())
        .await
        .map_err(|e| clash(e, || format!("部「{}」は既にあります", d.name)))?;
        Ok(())
    }

    pub async fn insert_section(
        &mut self,
        department_id: i64,
        name: &str,
        from: Option<FiscalYear>,
    ) -> Result<i64, StoreError> {
        sqlx::query("INSERT INTO sections (department_id, name, valid_from) VALUES ($1, $2, $3) RETURNING id")
            .bind(department_id)
            .bind(name)
            .bind(from.map(fy_i64))
            .fetch_one(self.conn())
            .await
            .map_err(|e| clash(e, || format!("課「{name}」はこの部に既にあります")))?
            .try_get("id")
            .map_err(Into::into)
    }

    /// Writes a section's department, name, life span, merge and former
    /// names.
    pub async fn update_section(&mut self, s: &SectionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sections SET department_id = $1, name = $2, valid_from = $3, valid_until = $4, merged_into = $5,
               former_names = $6 WHERE id = $7",
        )
        .bind(s.department_id)
        .bind(&s.name)
        .bind(s.valid_from.map(fy_i64))
        .bind(s.valid_until.map(fy_i64))
        .bind(s.merged_into)
        .bind(serde_json::to_string(&s.former_names)?)
        .bind(s.id)
        .execute(self.conn())
        .await
        .map_err(|e| clash(e, || format!("課「{}」は移動先の部に既にあります", s.name)))?;
        Ok(())
    }

    /// Hands a section's items and its editors and heads to another
    /// section (a merge). An item both sections shared keeps one row.
    pub async fn transfer_section(&mut self, from: i64, to: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO item_sections (item_id, section_id)
             SELECT item_id, $2 FROM item_sections WHERE section_id = $1
             ON CONFLICT (item_id, section_id) DO NOTHING",
        )
        .bind(from)
        .bind(to)
        .execute(self.conn())
        .await?;
        sqlx::query("DELETE FROM item_sections WHERE section_id = $1").bind(from).execute(self.conn()).await?;
        sqlx::query("UPDATE accounts SET section_id = $2 WHERE section_id = $1")
            .bind(from)
            .bind(to)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Sets a section's facts for a fiscal year; all blank removes them.
    pub async fn set_section_year(&mut self, y: &SectionYear, fy: FiscalYear) -> Result<(), StoreError> {
        if y.is_blank() {
            sqlx::query("DELETE FROM section_years WHERE section_id = $1 AND fiscal_year = $2")
                .bind(y.section_id)
                .bind(fy_i64(fy))
                .execute(self.conn())
                .await?;
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO section_years (section_id, fiscal_year, regular_staff, other_staff, extension, head_title, head_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (section_id, fiscal_year) DO UPDATE SET regular_staff = excluded.regular_staff,
               other_staff = excluded.other_staff, extension = excluded.extension,
               head_title = excluded.head_title, head_name = excluded.head_name",
        )
        .bind(y.section_id)
        .bind(fy_i64(fy))
        .bind(&y.regular_staff)
        .bind(&y.other_staff)
        .bind(&y.extension)
        .bind(&y.head_title)
        .bind(&y.head_name)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn insert_plan(
        &mut self,
        municipality: &str,
        code: &str,
        name: &str,
        level_names: &[String],
    ) -> Result<i64, StoreError> {
        sqlx::query(
            "INSERT INTO plans (municipality_code, code, name, level_names) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(municipality)
        .bind(code)
        .bind(name)
        .bind(serde_json::to_string(level_names)?)
        .fetch_one(self.conn())
        .await
        .map_err(|e| clash(e, || format!("計画のコード「{code}」は既に使われています")))?
        .try_get("id")
        .map_err(Into::into)
    }

    pub async fn update_plan(
        &mut self,
        id: i64,
        code: &str,
        name: &str,
        level_names: &[String],
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE plans SET code = $1, name = $2, level_names = $3 WHERE id = $4")
            .bind(code)
            .bind(name)
            .bind(serde_json::to_string(level_names)?)
            .bind(id)
            .execute(self.conn())
            .await
            .map_err(|e| clash(e, || format!("計画のコード「{code}」は既に使われています")))?;
        Ok(())
    }

    /// Adds a node; its place is set by [`StoreTx::place_node`] afterwards.
    pub async fn insert_node(
        &mut self,
        plan_id: i64,
        parent: Option<i64>,
        code: &str,
        title: &str,
        tags: &[String],
    ) -> Result<i64, StoreError> {
        sqlx::query(
            "INSERT INTO plan_nodes (plan_id, parent_id, level, code, title, position, tags)
             VALUES ($1, $2, 0, $3, $4, (SELECT COALESCE(MAX(position), -1) + 1 FROM plan_nodes WHERE plan_id = $1), $5)
             RETURNING id",
        )
        .bind(plan_id)
        .bind(parent)
        .bind(code)
        .bind(title)
        .bind(serde_json::to_string(tags)?)
        .fetch_one(self.conn())
        .await
        .map_err(|e| clash(e, || format!("コード「{code}」はこの計画で既に使われています")))?
        .try_get("id")
        .map_err(Into::into)
    }

    pub async fn update_node(&mut self, id: i64, code: &str, title: &str, tags: &[String]) -> Result<(), StoreError> {
        sqlx::query("UPDATE plan_nodes SET code = $1, title = $2, tags = $3 WHERE id = $4")
            .bind(code)
            .bind(title)
            .bind(serde_json::to_string(tags)?)
            .bind(id)
            .execute(self.conn())
            .await
            .map_err(|e| clash(e, || format!("コード「{code}」はこの計画で既に使われています")))?;
        Ok(())
    }

    /// Sets a node's parent, level (0 at the top) and position in the plan.
    pub async fn place_node(
        &mut self,
        id: i64,
        parent: Option<i64>,
        level: usize,
        position: usize,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE plan_nodes SET parent_id = $1, level = $2, position = $3 WHERE id = $4")
            .bind(parent)
            .bind(level as i64)
            .bind(position as i64)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_node(&mut self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM plan_nodes WHERE id = $1").bind(id).execute(self.conn()).await?;
        Ok(())
    }

    /// Adds an item under a new key.
    pub async fn insert_item(&mut self, municipality: &str, key: &str, f: &ItemFields) -> Result<i64, StoreError> {
        sqlx::query(
            "INSERT INTO items (municipality_code, item_key, kind, code, title, fiscal_year, tags)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(municipality)
        .bind(key)
        .bind(&f.kind)
        .bind(&f.code)
        .bind(&f.title)
        .bind(f.fiscal_year.map(fy_i64))
        .bind(serde_json::to_string(&f.tags)?)
        .fetch_one(self.conn())
        .await
        .map_err(|e| clash(e, || format!("キー「{key}」は既に使われています")))?
        .try_get("id")
        .map_err(Into::into)
    }

    pub async fn update_item(&mut self, id: i64, f: &ItemFields) -> Result<(), StoreError> {
        sqlx::query("UPDATE items SET kind = $1, code = $2, title = $3, fiscal_year = $4, tags = $5 WHERE id = $6")
            .bind(&f.kind)
            .bind(&f.code)
            .bind(&f.title)
            .bind(f.fiscal_year.map(fy_i64))
            .bind(serde_json::to_string(&f.tags)?)
            .bind(id)
            .execute(self.conn())
            .await?;
        self.reindex_item(id).await
    }

    pub async fn unplace_item(&mut self, item_id: i64, node_id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM item_placements WHERE item_id = $1 AND node_id = $2")
            .bind(item_id)
            .bind(node_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Removes an item with everything it holds (sheets, narratives,
    /// budgets, indicators and their values). The caller checks that none
    /// of it is in a locked year.
    pub async fn delete_item(&mut self, id: i64) -> Result<(), StoreError> {
        // Indicators only lose their owner on cascade (ON DELETE SET NULL):
        // an item's own indicators go with it.
        sqlx::query("DELETE FROM indicators WHERE item_id = $1").bind(id).execute(self.conn()).await?;
        sqlx::query("DELETE FROM items WHERE id = $1").bind(id).execute(self.conn()).await?;
        Ok(())
    }

    pub async fn delete_indicator(&mut self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM indicators WHERE id = $1").bind(id).execute(self.conn()).await?;
        Ok(())
    }

    /// Sets or (with `None`) removes one cell typed by hand. When the
    /// indicator was imported with printings, the printing of that year and
    /// role becomes the typed text, so the canonical export carries what a
    /// person entered rather than the old print.
    pub async fn set_typed_value(
        &mut self,
        indicator_id: i64,
        fy: FiscalYear,
        role: ValueRole,
        cell: Option<&IndicatorCell>,
    ) -> Result<(), StoreError> {
        match cell {
            Some(c) => self.set_indicator_value(indicator_id, fy, role, c).await?,
            None => {
                sqlx::query("DELETE FROM indicator_values WHERE indicator_id = $1 AND fiscal_year = $2 AND role = $3")
                    .bind(indicator_id)
                    .bind(fy_i64(fy))
                    .bind(role.code())
                    .execute(self.conn())
                    .await?;
            }
        }
        let printed = sqlx::query("SELECT 1 AS one FROM indicator_printings WHERE indicator_id = $1")
            .bind(indicator_id)
            .fetch_optional(self.conn())
            .await?
            .is_some();
        if printed {
            sqlx::query("DELETE FROM indicator_printings WHERE indicator_id = $1 AND fiscal_year = $2 AND role = $3")
                .bind(indicator_id)
                .bind(fy_i64(fy))
                .bind(role.code())
                .execute(self.conn())
                .await?;
            if let Some(c) = cell {
                sqlx::query(
                    "INSERT INTO indicator_printings (indicator_id, fiscal_year, role, source, printed)
                     VALUES ($1, $2, $3, '', $4)",
                )
                .bind(indicator_id)
                .bind(fy_i64(fy))
                .bind(role.code())
                .bind(c.printed())
                .execute(self.conn())
                .await?;
            }
        }
        Ok(())
    }
}
