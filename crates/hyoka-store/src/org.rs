//! Cities, departments and sections.

use hyoka_core::org::{Organisation, Validity};
use hyoka_core::FiscalYear;
use sqlx::Row;

use crate::tx::StoreTx;
use crate::{opt_i64, Municipality, Store, StoreError};

impl StoreTx {
    pub async fn upsert_municipality(&mut self, m: &Municipality) -> Result<(), StoreError> {
        if !(m.code.len() == 6 && m.code.bytes().all(|b| b.is_ascii_digit())) {
            return Err(StoreError::Invalid(format!(
                "全国地方公共団体コード「{}」は6桁の数字でなければなりません",
                m.code
            )));
        }
        sqlx::query(
            "INSERT INTO municipalities (code, name) VALUES ($1, $2)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name",
        )
        .bind(&m.code)
        .bind(&m.name)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Returns the section's id, creating the department and section when new.
    pub async fn upsert_section(
        &mut self,
        municipality: &str,
        department: &str,
        section: &str,
        validity: Validity,
    ) -> Result<i64, StoreError> {
        let (from, until) = (validity.from.map(fy_i64), validity.until.map(fy_i64));
        let dept: i64 = sqlx::query(
            "INSERT INTO departments (municipality_code, name) VALUES ($1, $2)
             ON CONFLICT (municipality_code, name) DO UPDATE SET name = excluded.name
             RETURNING id",
        )
        .bind(municipality)
        .bind(department)
        .fetch_one(self.conn())
        .await?
        .try_get("id")?;
        let id: i64 = sqlx::query(
            "INSERT INTO sections (department_id, name, valid_from, valid_until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (department_id, name) DO UPDATE
               SET valid_from = excluded.valid_from, valid_until = excluded.valid_until
             RETURNING id",
        )
        .bind(dept)
        .bind(section)
        .bind(from)
        .bind(until)
        .fetch_one(self.conn())
        .await?
        .try_get("id")?;
        Ok(id)
    }

    /// Replaces the sections responsible for an item.
    pub async fn replace_item_sections(&mut self, item_id: i64, section_ids: &[i64]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM item_sections WHERE item_id = $1").bind(item_id).execute(self.conn()).await?;
        for id in section_ids {
            self.assign_section(item_id, *id).await?;
        }
        Ok(())
    }

    pub async fn assign_section(&mut self, item_id: i64, section_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO item_sections (item_id, section_id) VALUES ($1, $2)
             ON CONFLICT (item_id, section_id) DO NOTHING",
        )
        .bind(item_id)
        .bind(section_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    pub async fn municipalities(&self) -> Result<Vec<Municipality>, StoreError> {
        let rows = sqlx::query("SELECT code, name FROM municipalities ORDER BY code").fetch_all(self.pool()).await?;
        rows.iter().map(|r| Ok(Municipality { code: r.try_get("code")?, name: r.try_get("name")? })).collect()
    }

    pub async fn municipality(&self, code: &str) -> Result<Municipality, StoreError> {
        let row = sqlx::query("SELECT code, name FROM municipalities WHERE code = $1")
            .bind(code)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "自治体", key: code.to_string() })?;
        Ok(Municipality { code: row.try_get("code")?, name: row.try_get("name")? })
    }

    pub async fn organisation(&self, municipality: &str) -> Result<Organisation, StoreError> {
        let rows = sqlx::query(
            "SELECT d.name AS department, s.name AS section, s.valid_from, s.valid_until
             FROM sections s JOIN departments d ON d.id = s.department_id
             WHERE d.municipality_code = $1 ORDER BY d.id, s.id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        let mut org = Organisation::default();
        for r in rows {
            let validity = Validity {
                from: opt_i64(&r, "valid_from")?.map(fy_from_i64).transpose()?,
                until: opt_i64(&r, "valid_until")?.map(fy_from_i64).transpose()?,
            };
            org.add_section(&r.try_get::<String, _>("department")?, &r.try_get::<String, _>("section")?, validity);
        }
        Ok(org)
    }

    /// The sections responsible for an item, as `部 課` names.
    pub async fn item_sections(&self, item_id: i64) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.name AS department, s.name AS section
             FROM item_sections i JOIN sections s ON s.id = i.section_id
             JOIN departments d ON d.id = s.department_id
             WHERE i.item_id = $1 ORDER BY d.name, s.name",
        )
        .bind(item_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("department")?, r.try_get("section")?))).collect()
    }
}

/// Fiscal years are stored as the western year of their start.
pub(crate) fn fy_i64(fy: FiscalYear) -> i64 {
    fy.year() as i64
}

pub(crate) fn fy_from_i64(y: i64) -> Result<FiscalYear, StoreError> {
    i32::try_from(y)
        .ok()
        .and_then(|y| FiscalYear::new(y).ok())
        .ok_or_else(|| StoreError::Invalid(format!("年度 {y} が範囲外です")))
}
