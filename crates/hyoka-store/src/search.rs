//! Full-text search that works for Japanese on both backends.
//!
//! Japanese has no spaces between words, and two-character words (予算,
//! 道路) are common; trigram indexes find nothing for them. Each item's
//! text is kept width-folded and lower-cased in `search_documents`, and a
//! query matches by substring (`LIKE`), every term required. At a city's
//! scale (thousands of sheets) this is fast and always correct.

use hyoka_core::text::fold_width;
use sqlx::Row;

use crate::tx::StoreTx;
use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub item_id: i64,
    pub title: String,
    /// A short excerpt around the first term.
    pub excerpt: String,
}

/// The form both documents and queries are compared in.
pub fn search_form(text: &str) -> String {
    fold_width(text).to_lowercase()
}

impl StoreTx {
    /// Rebuilds an item's search document from what is stored for it.
    pub async fn reindex_item(&mut self, item_id: i64) -> Result<(), StoreError> {
        let item = sqlx::query("SELECT municipality_code, code, title FROM items WHERE id = $1")
            .bind(item_id)
            .fetch_one(self.conn())
            .await?;
        let (city, code, title): (String, String, String) =
            (item.try_get("municipality_code")?, item.try_get("code")?, item.try_get("title")?);
        let mut parts = vec![code, title.clone()];
        for (sql, col) in [
            ("SELECT plain AS t FROM narratives WHERE item_id = $1 ORDER BY position", "t"),
            ("SELECT name AS t FROM indicators WHERE item_id = $1", "t"),
            ("SELECT comment AS t FROM evaluations WHERE item_id = $1 AND comment IS NOT NULL", "t"),
            ("SELECT label AS t FROM schedules WHERE item_id = $1", "t"),
        ] {
            for r in sqlx::query(sql).bind(item_id).fetch_all(self.conn()).await? {
                parts.push(r.try_get::<String, _>(col)?);
            }
        }
        let body = search_form(&parts.join("\n"));
        sqlx::query(
            "INSERT INTO search_documents (municipality_code, item_id, title, body) VALUES ($1, $2, $3, $4)
             ON CONFLICT (item_id) DO UPDATE SET title = excluded.title, body = excluded.body",
        )
        .bind(city)
        .bind(item_id)
        .bind(title)
        .bind(body)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    /// Items of a city whose text contains every term of the query.
    pub async fn search(&self, municipality: &str, query: &str, limit: i64) -> Result<Vec<SearchHit>, StoreError> {
        let terms: Vec<String> = search_form(query).split_whitespace().map(str::to_string).take(8).collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from("SELECT item_id, title, body FROM search_documents WHERE municipality_code = $1");
        for i in 0..terms.len() {
            sql.push_str(&format!(" AND body LIKE ${} ESCAPE '\\'", i + 2));
        }
        sql.push_str(&format!(" ORDER BY item_id LIMIT ${}", terms.len() + 2));
        let mut q = sqlx::query(&sql).bind(municipality);
        for t in &terms {
            q = q.bind(format!("%{}%", escape_like(t)));
        }
        let rows = q.bind(limit).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body")?;
                Ok(SearchHit {
                    item_id: r.try_get("item_id")?,
                    title: r.try_get("title")?,
                    excerpt: excerpt(&body, &terms[0]),
                })
            })
            .collect()
    }
}

fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// About forty characters either side of the first match.
fn excerpt(body: &str, term: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    let needle: Vec<char> = term.chars().collect();
    let at = (0..chars.len()).find(|&i| chars[i..].starts_with(&needle)).unwrap_or(0);
    let from = at.saturating_sub(40);
    let to = (at + needle.len() + 40).min(chars.len());
    let text: String = chars[from..to].iter().collect::<String>().replace('\n', " ");
    format!("{}{}{}", if from > 0 { "…" } else { "" }, text, if to < chars.len() { "…" } else { "" })
}
