//! The whole database as text, for tests that assert an import changed
//! nothing (or exactly what it said): every table the database holds, every
//! row, in a canonical order that does not depend on generated ids.
//!
//! Generated ids are replaced by the row they name: a column that refers to
//! another table's `id` shows that row's content (recursively), and `id`
//! columns themselves are left out. Tables are discovered from the database,
//! so a table added by a later migration is covered without touching this.
//!
//! Used with `#[path = "common/dump.rs"] mod dump;`.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};

use sqlx::{AnyPool, Row};

/// One line per row, `table: column=value, …`, sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dump(pub Vec<String>);

impl Dump {
    /// Lines only in `self` (`-`) or only in `other` (`+`), at most `limit`.
    pub fn difference(&self, other: &Dump, limit: usize) -> Vec<String> {
        let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
        for l in &self.0 {
            *counts.entry(l).or_default() -= 1;
        }
        for l in &other.0 {
            *counts.entry(l).or_default() += 1;
        }
        counts
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|(l, n)| format!("{} {}", if n < 0 { "-" } else { "+" }, clip(l)))
            .take(limit)
            .collect()
    }

    /// Panics with the differing lines unless both dumps are equal.
    pub fn assert_same(&self, after: &Dump, what: &str) {
        assert!(
            self == after,
            "{what}: the database changed ({} rows before, {} after):\n{}",
            self.0.len(),
            after.0.len(),
            self.difference(after, 40).join("\n")
        );
    }

    /// The lines of one table.
    pub fn table(&self, name: &str) -> Vec<&str> {
        let prefix = format!("{name}: ");
        self.0.iter().filter(|l| l.starts_with(&prefix)).map(String::as_str).collect()
    }
}

fn clip(line: &str) -> String {
    if line.chars().count() > 400 {
        format!("{}…", line.chars().take(400).collect::<String>())
    } else {
        line.to_string()
    }
}

struct Table {
    columns: Vec<String>,
    /// Column → referenced table, for references to another table's `id`.
    refs: HashMap<String, String>,
    rows: Vec<Vec<Option<String>>>,
    /// Row index by `id`, for tables that have one.
    by_id: HashMap<String, usize>,
}

/// Reads every table of the database at `url`.
pub async fn dump(url: &str) -> Dump {
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(url).await.expect("connect for the dump");
    let postgres = url.starts_with("postgres");
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for name in table_names(&pool, postgres).await {
        let columns = column_names(&pool, postgres, &name).await;
        let refs = id_references(&pool, postgres, &name).await;
        let select: Vec<String> =
            columns.iter().enumerate().map(|(i, c)| format!("CAST(\"{c}\" AS TEXT) AS c{i}")).collect();
        let sql = format!("SELECT {} FROM \"{name}\"", select.join(", "));
        let rows: Vec<Vec<Option<String>>> = sqlx::query(&sql)
            .fetch_all(&pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .iter()
            .map(|r| (0..columns.len()).map(|i| r.try_get::<Option<String>, _>(i).unwrap()).collect())
            .collect();
        let by_id = match columns.iter().position(|c| c == "id") {
            Some(at) => rows.iter().enumerate().filter_map(|(i, r)| r[at].clone().map(|id| (id, i))).collect(),
            None => HashMap::new(),
        };
        tables.insert(name, Table { columns, refs, rows, by_id });
    }
    pool.close().await;

    let mut resolver = Resolver { tables: &tables, memo: HashMap::new() };
    let mut lines = Vec::new();
    for (name, table) in &tables {
        for row in &table.rows {
            lines.push(format!("{name}: {}", resolver.content(name, row)));
        }
    }
    lines.sort();
    Dump(lines)
}

struct Resolver<'a> {
    tables: &'a BTreeMap<String, Table>,
    memo: HashMap<(String, String), String>,
}

impl Resolver<'_> {
    /// A row without its id, references replaced by what they name.
    fn content(&mut self, table: &str, row: &[Option<String>]) -> String {
        let t = &self.tables[table];
        let mut parts = Vec::new();
        for (c, v) in t.columns.iter().zip(row) {
            if c == "id" {
                continue;
            }
            let shown = match (v, t.refs.get(c)) {
                (None, _) => "NULL".to_string(),
                (Some(id), Some(target)) => format!("[{}]", self.named(target, id)),
                (Some(v), None) => format!("{v:?}"),
            };
            parts.push(format!("{c}={shown}"));
        }
        parts.join(", ")
    }

    fn named(&mut self, table: &str, id: &str) -> String {
        let key = (table.to_string(), id.to_string());
        if let Some(s) = self.memo.get(&key) {
            return s.clone();
        }
        let tables = self.tables;
        let t = &tables[table];
        let shown = match t.by_id.get(id) {
            Some(&i) => format!("{table} {}", self.content(table, &t.rows[i])),
            None => format!("{table} #{id} (missing)"),
        };
        self.memo.insert(key, shown.clone());
        shown
    }
}

async fn strings(pool: &AnyPool, sql: &str, bind: Option<&str>) -> Vec<Vec<String>> {
    let mut q = sqlx::query(sql);
    if let Some(b) = bind {
        q = q.bind(b.to_string());
    }
    q.fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| (0..r.len()).map(|i| r.try_get::<String, _>(i).unwrap()).collect())
        .collect()
}

async fn table_names(pool: &AnyPool, postgres: bool) -> Vec<String> {
    let sql = if postgres {
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    let mut names: Vec<String> = strings(pool, sql, None).await.into_iter().map(|r| r[0].clone()).collect();
    names.sort();
    assert!(names.iter().any(|n| n == "items"), "the dump sees the schema: {names:?}");
    names
}

async fn column_names(pool: &AnyPool, postgres: bool, table: &str) -> Vec<String> {
    let sql = if postgres {
        "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name"
    } else {
        "SELECT name FROM pragma_table_info($1) ORDER BY name"
    };
    strings(pool, sql, Some(table)).await.into_iter().map(|r| r[0].clone()).collect()
}

async fn id_references(pool: &AnyPool, postgres: bool, table: &str) -> HashMap<String, String> {
    let sql = if postgres {
        "SELECT CAST(kcu.column_name AS TEXT), CAST(ccu.table_name AS TEXT), CAST(ccu.column_name AS TEXT)
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu
           ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
         JOIN information_schema.constraint_column_usage ccu
           ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1"
    } else {
        "SELECT \"from\", \"table\", COALESCE(\"to\", 'id') FROM pragma_foreign_key_list($1)"
    };
    strings(pool, sql, Some(table))
        .await
        .into_iter()
        .filter(|r| r[2] == "id")
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
}
