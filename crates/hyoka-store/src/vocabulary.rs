//! A city's criteria and direction words (hyoka_core::vocabulary), kept as
//! data per city: two small tables read and replaced whole.

use hyoka_core::vocabulary::{CityVocabulary, Criterion, DirectionWord};
use hyoka_core::NextDirection;
use sqlx::Row;

use crate::tx::StoreTx;
use crate::{Store, StoreError};

impl Store {
    pub async fn city_vocabulary(&self, municipality: &str) -> Result<CityVocabulary, StoreError> {
        let criteria = sqlx::query(
            "SELECT name, categories FROM evaluation_criteria WHERE municipality_code = $1 ORDER BY position",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Criterion {
                name: r.try_get("name")?,
                categories: serde_json::from_str(&r.try_get::<String, _>("categories")?)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
        let directions =
            sqlx::query("SELECT word, direction FROM direction_words WHERE municipality_code = $1 ORDER BY position")
                .bind(municipality)
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| {
                    let direction: Option<String> = r.try_get("direction")?;
                    Ok(DirectionWord {
                        word: r.try_get("word")?,
                        direction: direction
                            .map(|d| d.parse::<NextDirection>())
                            .transpose()
                            .map_err(StoreError::Invalid)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
        Ok(CityVocabulary { criteria, directions })
    }
}

impl StoreTx {
    /// Replaces the city's criteria and direction words.
    pub async fn set_city_vocabulary(&mut self, municipality: &str, v: &CityVocabulary) -> Result<(), StoreError> {
        for table in ["evaluation_criteria", "direction_words"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE municipality_code = $1"))
                .bind(municipality)
                .execute(self.conn())
                .await?;
        }
        for (i, c) in v.criteria.iter().enumerate() {
            sqlx::query(
                "INSERT INTO evaluation_criteria (municipality_code, name, position, categories) VALUES ($1, $2, $3, $4)",
            )
            .bind(municipality)
            .bind(&c.name)
            .bind(i as i64)
            .bind(serde_json::to_string(&c.categories)?)
            .execute(self.conn())
            .await?;
        }
        for (i, d) in v.directions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO direction_words (municipality_code, word, position, direction) VALUES ($1, $2, $3, $4)",
            )
            .bind(municipality)
            .bind(&d.word)
            .bind(i as i64)
            .bind(d.direction.map(|d| d.code()))
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }
}
