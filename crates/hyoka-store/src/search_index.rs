//! The search index: one document per item in `search_documents` (its text
//! in search form) and the document's bigrams in `search_grams`.
//!
//! A term of two or more characters is found through its bigrams: the
//! items whose documents hold every bigram of every term are the
//! candidates, and `LIKE` on those documents alone confirms that each term
//! occurs as written (the bigrams of 予算額 occur in 予算と金額 too). A
//! one-character term has no bigram and is confirmed by `LIKE` only. All
//! of it is one statement, the same on both backends.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::fold::search_form;
use crate::tx::StoreTx;
use crate::{Backend, StoreError};

/// Rows per multi-row INSERT: below both backends' limits on binds.
/// Small: sqlx's SQLite driver spends time in the square of a statement's binds
/// (docs/performance.md, import).
const ROWS_PER_INSERT: usize = 130;

/// The distinct bigrams of a text in search form, line by line: fields are
/// kept apart by line breaks, and no term spans two.
pub(crate) fn bigrams(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.split('\n') {
        let chars: Vec<char> = line.chars().collect();
        for pair in chars.windows(2) {
            out.insert(pair.iter().collect());
        }
    }
    out
}

pub(crate) fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The condition that a document `d` of city `$1` holds every term, with
/// its binds, numbered from `$first`.
pub(crate) fn matching(terms: &[String], first: usize) -> (String, Vec<String>) {
    let grams: BTreeSet<String> = terms.iter().flat_map(|t| bigrams(t)).collect();
    let mut binds: Vec<String> = Vec::new();
    let mut sql = String::new();
    if !grams.is_empty() {
        let params: Vec<String> = (0..grams.len()).map(|i| format!("${}", first + i)).collect();
        sql.push_str(&format!(
            " AND d.item_id IN (SELECT g.item_id FROM search_grams g
               WHERE g.municipality_code = $1 AND g.gram IN ({})
               GROUP BY g.item_id HAVING COUNT(*) = {})",
            params.join(", "),
            grams.len()
        ));
        binds.extend(grams);
    }
    for t in terms {
        // `%` and `_` in a query are text, not wildcards.
        sql.push_str(&format!(" AND d.body LIKE ${} ESCAPE '\\'", first + binds.len()));
        binds.push(format!("%{}%", escape_like(t)));
    }
    (sql, binds)
}

/// The condition that a candidate document `d` of city `$1` is public and
/// holds every term in what its published years show (`search_years`),
/// with its binds, numbered from `$first`. `published` is the list of the
/// city's published years (a subquery on `$1`).
pub(crate) fn public_matching(terms: &[String], first: usize, published: &str) -> (String, Vec<String>) {
    let mut sql = format!(
        " AND EXISTS (SELECT 1 FROM search_years y WHERE y.item_id = d.item_id AND y.fiscal_year IN ({published}))"
    );
    let mut binds = Vec::new();
    for t in terms {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM search_years y WHERE y.item_id = d.item_id
                AND (y.fiscal_year = 0 OR y.fiscal_year IN ({published})) AND y.body LIKE ${} ESCAPE '\\')",
            first + binds.len()
        ));
        binds.push(format!("%{}%", escape_like(t)));
    }
    (sql, binds)
}

/// Per item, per fiscal year, the text that year shows the public once
/// published (see `search_years` in migration 0016), each part in search
/// form on a line of its own; year 0 is what every year shows (code,
/// title, sections, tags). Every year the item has content in has an
/// entry (blank when it has no text), as `publication::ITEM_YEARS` counts
/// them. Two statements for any number of items.
async fn year_texts(
    conn: &mut AnyConnection,
    backend: Backend,
    ids: &[i64],
) -> Result<BTreeMap<(i64, i64), String>, StoreError> {
    let list = backend.id_list("$1");
    let cells = "SELECT indicator_id, fiscal_year FROM indicator_values
                 UNION SELECT indicator_id, fiscal_year FROM judgements";
    let sql = format!(
        "SELECT n.item_id, COALESCE(n.fiscal_year, i.fiscal_year) AS y, CAST(0 AS BIGINT) AS part,
                n.position AS k1, '' AS k2, '' AS k3, n.plain AS t
           FROM narratives n JOIN items i ON i.id = n.item_id
           WHERE n.item_id IN {list} AND COALESCE(n.fiscal_year, i.fiscal_year) IS NOT NULL
         UNION ALL SELECT item_id, fiscal_year, 1, 0, '', '', printed FROM next_directions WHERE item_id IN {list}
         UNION ALL SELECT item_id, fiscal_year, 2, 0, '', '', reason FROM next_directions
           WHERE item_id IN {list} AND reason IS NOT NULL
         UNION ALL SELECT item_id, fiscal_year, 3, 0, '', '', transfer FROM next_directions
           WHERE item_id IN {list} AND transfer IS NOT NULL
         UNION ALL SELECT item_id, fiscal_year, 4, position, '', '', label FROM schedules WHERE item_id IN {list}
         UNION ALL SELECT d.item_id, c.fiscal_year, 10, d.id, 'a', '', d.name
           FROM indicators d JOIN ({cells}) c ON c.indicator_id = d.id WHERE d.item_id IN {list}
         UNION ALL SELECT d.item_id, c.fiscal_year, 10, d.id, 'b', '', d.definition
           FROM indicators d JOIN ({cells}) c ON c.indicator_id = d.id
           WHERE d.item_id IN {list} AND d.definition IS NOT NULL
         UNION ALL SELECT item_id, fiscal_year, 11, 0, stage, evaluator, COALESCE(comment, '') FROM evaluations
           WHERE item_id IN {list}
         UNION ALL SELECT id, fiscal_year, 20, 0, '', '', '' FROM items WHERE id IN {list} AND fiscal_year IS NOT NULL
         UNION ALL SELECT item_id, fiscal_year, 20, 0, '', '', '' FROM sheets WHERE item_id IN {list}
         UNION ALL SELECT item_id, fiscal_year, 20, 0, '', '', '' FROM budgets WHERE item_id IN {list}
         UNION ALL SELECT id, 0, 30, 0, '', '', code FROM items WHERE id IN {list}
         UNION ALL SELECT id, 0, 31, 0, '', '', title FROM items WHERE id IN {list}
         UNION ALL SELECT x.item_id, 0, 32, s.id, '', '', d.name || ' ' || s.name
           FROM item_sections x JOIN sections s ON s.id = x.section_id JOIN departments d ON d.id = s.department_id
           WHERE x.item_id IN {list}
         UNION ALL SELECT id, 0, 33, 0, '', '', tags FROM items WHERE id IN {list}
         ORDER BY 1, 2, 3, 4, 5, 6"
    );
    let rows = sqlx::query(&sql).bind(json_ids(ids)).fetch_all(&mut *conn).await?;
    let mut out: BTreeMap<(i64, i64), String> = BTreeMap::new();
    for r in &rows {
        let (item, year, part): (i64, i64, i64) = (r.try_get("item_id")?, r.try_get("y")?, r.try_get("part")?);
        let text: Option<String> = r.try_get("t")?;
        let text = text.unwrap_or_default();
        let text = if part == 33 {
            serde_json::from_str::<Vec<String>>(&text).map(|v| v.join(" ")).unwrap_or(text)
        } else {
            text
        };
        let body = out.entry((item, year)).or_default();
        let line = search_form(&text);
        if !line.is_empty() {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(&line);
        }
    }
    Ok(out)
}

/// The text of items that the staff's search reads, beyond code and title:
/// narratives, directions with reason and transfer, indicator names and
/// definitions, review comments, schedule rows, responsible sections and
/// tags, in that order. One statement for any number of items.
pub(crate) async fn item_texts(
    conn: &mut AnyConnection,
    backend: Backend,
    ids: &[i64],
) -> Result<BTreeMap<i64, Vec<String>>, StoreError> {
    let list = backend.id_list("$1");
    let sql = format!(
        "SELECT item_id, CAST(0 AS BIGINT) AS part, position AS k1, '' AS k2, '' AS k3, plain AS t
           FROM narratives WHERE item_id IN {list}
         UNION ALL SELECT item_id, 1, fiscal_year, '', '', printed FROM next_directions WHERE item_id IN {list}
         UNION ALL SELECT item_id, 2, fiscal_year, '', '', reason FROM next_directions
           WHERE item_id IN {list} AND reason IS NOT NULL
         UNION ALL SELECT item_id, 3, fiscal_year, '', '', transfer FROM next_directions
           WHERE item_id IN {list} AND transfer IS NOT NULL
         UNION ALL SELECT item_id, 4, id, '', '', name FROM indicators WHERE item_id IN {list}
         UNION ALL SELECT item_id, 5, id, '', '', definition FROM indicators
           WHERE item_id IN {list} AND definition IS NOT NULL
         UNION ALL SELECT item_id, 6, fiscal_year, stage, evaluator, comment FROM evaluations
           WHERE item_id IN {list} AND comment IS NOT NULL
         UNION ALL SELECT item_id, 7, position, '', '', label FROM schedules WHERE item_id IN {list}
         UNION ALL SELECT x.item_id, 8, s.id, '', '', d.name || ' ' || s.name
           FROM item_sections x JOIN sections s ON s.id = x.section_id JOIN departments d ON d.id = s.department_id
           WHERE x.item_id IN {list}
         UNION ALL SELECT id, 9, 0, '', '', tags FROM items WHERE id IN {list}
         ORDER BY 1, 2, 3, 4, 5"
    );
    let rows = sqlx::query(&sql).bind(json_ids(ids)).fetch_all(&mut *conn).await?;
    texts_by_item(&rows, "part", 9)
}

/// Groups the `t` column of text rows by item, the tags row (part
/// `tags_part`, a JSON array) as its words; blank texts are dropped.
pub(crate) fn texts_by_item(
    rows: &[AnyRow],
    part: &str,
    tags_part: i64,
) -> Result<BTreeMap<i64, Vec<String>>, StoreError> {
    let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for r in rows {
        let text: String = r.try_get("t")?;
        let text = if r.try_get::<i64, _>(part)? == tags_part {
            serde_json::from_str::<Vec<String>>(&text).map(|v| v.join(" ")).unwrap_or(text)
        } else {
            text
        };
        let parts = out.entry(r.try_get("item_id")?).or_default();
        if !text.trim().is_empty() {
            parts.push(text);
        }
    }
    Ok(out)
}

pub(crate) fn json_ids(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("a list of integers")
}

impl StoreTx {
    /// Rebuilds an item's search document and its bigrams from what is
    /// stored for it. Call it after changing any of the item's text, in the
    /// same transaction.
    pub async fn reindex_item(&mut self, item_id: i64) -> Result<(), StoreError> {
        self.reindex_items(&[item_id]).await
    }

    /// Rebuilds the search documents of several items at once: about five
    /// statements, however many items (an import reindexes everything it
    /// wrote with one call).
    pub async fn reindex_items(&mut self, item_ids: &[i64]) -> Result<(), StoreError> {
        if item_ids.is_empty() {
            return Ok(());
        }
        let backend = self.backend();
        let sql = format!("SELECT id, municipality_code, code, title FROM items WHERE id IN {}", backend.id_list("$1"));
        let items = sqlx::query(&sql).bind(json_ids(item_ids)).fetch_all(self.conn()).await?;
        let mut texts = item_texts(self.conn(), backend, item_ids).await?;
        let years = year_texts(self.conn(), backend, item_ids).await?;
        let mut documents = Vec::new();
        for r in &items {
            let (id, city, code, title): (i64, String, String, String) =
                (r.try_get("id")?, r.try_get("municipality_code")?, r.try_get("code")?, r.try_get("title")?);
            let mut parts = vec![code, title.clone()];
            parts.extend(texts.remove(&id).unwrap_or_default());
            // Parts are kept apart by a line break so that a term never
            // matches across the end of one field and the start of the next.
            let body: Vec<String> = parts.iter().map(|p| search_form(p)).collect();
            documents.push(Document { city, item_id: id, title, body: body.join("\n") });
        }
        self.write_documents(&documents).await?;
        self.write_years(&items, years).await
    }

    /// Rebuilds the public search's index (`search_years`) of every item
    /// (after a restore, which does not copy it, and when it is created).
    pub async fn rebuild_search_years(&mut self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM search_years").execute(self.conn()).await?;
        let items = sqlx::query("SELECT id, municipality_code FROM items ORDER BY id").fetch_all(self.conn()).await?;
        let backend = self.backend();
        for chunk in items.chunks(ROWS_PER_INSERT) {
            let ids: Vec<i64> = chunk.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
            let years = year_texts(self.conn(), backend, &ids).await?;
            self.write_years(chunk, years).await?;
        }
        Ok(())
    }

    /// Replaces the `search_years` rows of the items (rows with `id` and
    /// `municipality_code`).
    async fn write_years(&mut self, items: &[AnyRow], years: BTreeMap<(i64, i64), String>) -> Result<(), StoreError> {
        let mut city: BTreeMap<i64, String> = BTreeMap::new();
        for r in items {
            city.insert(r.try_get("id")?, r.try_get("municipality_code")?);
        }
        let ids: Vec<i64> = city.keys().copied().collect();
        let sql = format!("DELETE FROM search_years WHERE item_id IN {}", self.backend().id_list("$1"));
        sqlx::query(&sql).bind(json_ids(&ids)).execute(self.conn()).await?;
        let rows: Vec<(&String, i64, i64, String)> = years
            .into_iter()
            .filter_map(|((item, year), body)| city.get(&item).map(|c| (c, item, year, body)))
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO search_years (municipality_code, item_id, fiscal_year, body) VALUES {}",
                tuples(chunk.len(), 4)
            );
            let mut q = sqlx::query(&sql);
            for (c, item, year, body) in chunk {
                q = q.bind(*c).bind(*item).bind(*year).bind(body);
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    /// Rebuilds every search document of a city, e.g. after the search
    /// form changed. Returns how many items were indexed.
    pub async fn reindex_city(&mut self, municipality: &str) -> Result<usize, StoreError> {
        let ids: Vec<i64> = sqlx::query("SELECT id FROM items WHERE municipality_code = $1 ORDER BY id")
            .bind(municipality)
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        self.reindex_items(&ids).await?;
        Ok(ids.len())
    }

    /// Rebuilds the bigrams of every stored search document (after a
    /// restore, which does not copy them, and when the index is created).
    pub async fn rebuild_search_grams(&mut self) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM search_grams").execute(self.conn()).await?;
        let rows = sqlx::query("SELECT municipality_code, item_id, body FROM search_documents ORDER BY item_id")
            .fetch_all(self.conn())
            .await?;
        let mut grams = Vec::new();
        for r in &rows {
            let (city, item_id, body): (String, i64, String) =
                (r.try_get("municipality_code")?, r.try_get("item_id")?, r.try_get("body")?);
            grams.extend(bigrams(&body).into_iter().map(|g| (city.clone(), g, item_id)));
        }
        let count = grams.len() as u64;
        self.insert_grams(&grams).await?;
        Ok(count)
    }

    async fn write_documents(&mut self, documents: &[Document]) -> Result<(), StoreError> {
        let ids: Vec<i64> = documents.iter().map(|d| d.item_id).collect();
        let sql = format!("DELETE FROM search_grams WHERE item_id IN {}", self.backend().id_list("$1"));
        sqlx::query(&sql).bind(json_ids(&ids)).execute(self.conn()).await?;
        for chunk in documents.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO search_documents (municipality_code, item_id, title, body) VALUES {}
                 ON CONFLICT (item_id) DO UPDATE SET municipality_code = excluded.municipality_code,
                   title = excluded.title, body = excluded.body",
                tuples(chunk.len(), 4)
            );
            let mut q = sqlx::query(&sql);
            for d in chunk {
                q = q.bind(&d.city).bind(d.item_id).bind(&d.title).bind(&d.body);
            }
            q.execute(self.conn()).await?;
        }
        let grams: Vec<(String, String, i64)> = documents
            .iter()
            .flat_map(|d| bigrams(&d.body).into_iter().map(|g| (d.city.clone(), g, d.item_id)))
            .collect();
        self.insert_grams(&grams).await
    }

    async fn insert_grams(&mut self, grams: &[(String, String, i64)]) -> Result<(), StoreError> {
        for chunk in grams.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO search_grams (municipality_code, gram, item_id) VALUES {}",
                tuples(chunk.len(), 3)
            );
            let mut q = sqlx::query(&sql);
            for (city, gram, item_id) in chunk {
                q = q.bind(city).bind(gram).bind(*item_id);
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }
}

struct Document {
    city: String,
    item_id: i64,
    title: String,
    body: String,
}

/// `($1, $2), ($3, $4)` for `rows` rows of `width` values.
fn tuples(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_stay_inside_a_line() {
        let g = bigrams("予算額\nab");
        assert_eq!(g.into_iter().collect::<Vec<_>>(), ["ab", "予算", "算額"]);
        assert!(bigrams("予").is_empty());
        assert_eq!(bigrams("ああああ").len(), 1, "distinct");
    }

    #[test]
    fn every_term_is_required_and_confirmed() {
        let (sql, binds) = matching(&["予算額".to_string(), "%".to_string()], 2);
        assert_eq!(binds, ["予算", "算額", "%予算額%", "%\\%%"]);
        assert!(sql.contains("g.gram IN ($2, $3)") && sql.contains("HAVING COUNT(*) = 2"), "{sql}");
        assert!(sql.contains("d.body LIKE $4") && sql.contains("d.body LIKE $5"), "{sql}");
        let (sql, binds) = matching(&["_".to_string()], 2);
        assert!(!sql.contains("search_grams") && binds == ["%\\_%"], "one character: no bigram");
    }

    #[test]
    fn tuples_number_their_parameters() {
        assert_eq!(tuples(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
