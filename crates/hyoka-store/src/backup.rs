//! Backup and restore: a logical copy of every table, the same on both
//! backends.
//!
//! A backup is read inside one read transaction (a snapshot: SQLite's WAL
//! reader, PostgreSQL's REPEATABLE READ), so it is consistent while the
//! server keeps writing, which copying the live file is not. It holds the
//! schema version and the rows of every table as JSON Lines, so a backup
//! of PostgreSQL restores into SQLite and the other way round. Restoring
//! brings an empty database to the backup's schema version, writes every
//! row in one transaction, and then migrates to the current version.
//!
//! The file, one JSON value per line:
//!
//! ```text
//! {"format":"hyoka-backup","format_version":1,"schema_version":6,...}
//! {"table":"municipalities","columns":["code","name"]}
//! ["132047","三鷹市"]
//! ...
//! {"end":{"municipalities":5,...}}
//! ```
//!
//! Tables are found in the database's catalogue, not listed here, so a
//! table added by a later migration is copied without a change to this
//! module; they are written parents first (by their foreign keys).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use futures_util::TryStreamExt;
use hyoka_core::time::{Clock, SystemClock};
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Backend, Store, StoreError, MIGRATIONS};

/// The first value of the first line of every backup.
pub const BACKUP_FORMAT: &str = "hyoka-backup";
/// The version of the file's layout (not of the schema).
pub const BACKUP_FORMAT_VERSION: i64 = 1;

/// Tables a backup leaves out. `hyoka_migrations` is the schema version,
/// written in the header instead. Sessions are sign-ins of the moment: a
/// restored system asks everyone to sign in again, and a backup file that
/// travels holds no live session. `search_grams` is the search index,
/// derived from `search_documents` and many times its size, and
/// `search_years` the public search's, derived from the items: a restore
/// rebuilds both.
const NOT_COPIED: &[&str] = &["hyoka_migrations", "search_grams", "search_years", "sessions"];

/// Binds per INSERT statement on restore: below SQLite's limit (32,766)
/// and PostgreSQL's (65,535), large enough that a big table needs few
/// round trips.
const BINDS_PER_INSERT: usize = 8_000;

/// What a backup holds, or what a restore wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackupSummary {
    pub schema_version: i64,
    /// The backend the backup was taken from.
    pub source_backend: String,
    /// When it was taken (ISO 8601, UTC).
    pub created_at: String,
    /// Each table with its number of rows, in the order written.
    pub tables: Vec<(String, u64)>,
}

impl BackupSummary {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// The tables a backup leaves out, for messages and documentation.
pub fn tables_not_copied() -> &'static [&'static str] {
    NOT_COPIED
}

#[derive(Clone, Debug)]
struct Column {
    name: String,
    /// BIGINT (or another integer type); otherwise TEXT.
    integer: bool,
}

#[derive(Clone, Debug)]
struct TableInfo {
    name: String,
    columns: Vec<Column>,
    primary_key: Vec<String>,
    /// Tables this one refers to, itself excluded.
    parents: BTreeSet<String>,
    /// Columns that refer to the table itself (a plan node's parent):
    /// restored in a second pass, after every row exists.
    self_references: Vec<String>,
    /// The generated key (PostgreSQL identity), whose sequence must move
    /// past the restored ids.
    identity: Option<String>,
}

/// `"name"`: identifiers come from the catalogue, quoted for both backends.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every table of the database with its columns and keys, parents first.
async fn catalogue(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<TableInfo>, StoreError> {
    let names_sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    };
    let names: Vec<String> = sqlx::query(names_sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect::<Result<_, _>>()?;
    let mut tables = Vec::new();
    for name in names {
        tables.push(table_info(conn, backend, name).await?);
    }
    parents_first(tables)
}

async fn table_info(conn: &mut AnyConnection, backend: Backend, name: String) -> Result<TableInfo, StoreError> {
    let (columns_sql, keys_sql, refs_sql) = match backend {
        Backend::Sqlite => (
            "SELECT name, type AS declared, 0 AS identity FROM pragma_table_info($1) ORDER BY cid",
            "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
            "SELECT \"table\" AS parent, \"from\" AS col FROM pragma_foreign_key_list($1)",
        ),
        Backend::Postgres => (
            "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS declared,
                    CAST(CASE WHEN is_identity = 'YES' THEN 1 ELSE 0 END AS BIGINT) AS identity
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            "SELECT CAST(a.attname AS TEXT) AS name
             FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
             WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary
             ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)",
            "SELECT CAST(p.relname AS TEXT) AS parent, CAST(a.attname AS TEXT) AS col
             FROM pg_constraint c
             JOIN pg_class p ON p.oid = c.confrelid
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
             WHERE c.contype = 'f' AND c.conrelid = to_regclass(quote_ident($1))",
        ),
    };
    let mut columns = Vec::new();
    let mut identity = None;
    for r in sqlx::query(columns_sql).bind(&name).fetch_all(&mut *conn).await? {
        let column: String = r.try_get("name")?;
        let declared: String = r.try_get("declared")?;
        if r.try_get::<i64, _>("identity")? == 1 {
            identity = Some(column.clone());
        }
        columns.push(Column { name: column, integer: declared.to_ascii_uppercase().contains("INT") });
    }
    let primary_key: Vec<String> = sqlx::query(keys_sql)
        .bind(&name)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect::<Result<_, _>>()?;
    let mut parents = BTreeSet::new();
    let mut self_references = Vec::new();
    for r in sqlx::query(refs_sql).bind(&name).fetch_all(&mut *conn).await? {
        let parent: String = r.try_get("parent")?;
        if parent == name {
            self_references.push(r.try_get("col")?);
        } else {
            parents.insert(parent);
        }
    }
    Ok(TableInfo { name, columns, primary_key, parents, self_references, identity })
}

/// Orders tables so that every table comes after the tables it refers to
/// (by name among equals, so that backups are written in a stable order).
fn parents_first(tables: Vec<TableInfo>) -> Result<Vec<TableInfo>, StoreError> {
    let mut pending: BTreeMap<String, TableInfo> = tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .values()
            .filter(|t| t.parents.iter().all(|p| done.contains(p) || !pending.contains_key(p)))
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            let names: Vec<&str> = pending.keys().map(String::as_str).collect();
            return Err(StoreError::Invalid(format!("表の参照が循環しています: {}", names.join("、"))));
        }
        for name in ready {
            done.insert(name.clone());
            out.extend(pending.remove(&name));
        }
    }
    Ok(out)
}

/// One stored value as JSON: null, an integer or a string.
fn cell(row: &AnyRow, i: usize, column: &Column) -> Result<Value, StoreError> {
    let value = if column.integer {
        row.try_get::<Option<i64>, _>(i)?.map(Value::from)
    } else {
        row.try_get::<Option<String>, _>(i)?.map(Value::from)
    };
    Ok(value.unwrap_or(Value::Null))
}

fn write_line<W: Write>(out: &mut W, value: &Value) -> Result<(), StoreError> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n").map_err(StoreError::BackupWrite)
}

impl Store {
    /// Writes a consistent copy of the whole database to `out`, read in
    /// one snapshot while the server may keep writing. The sessions table
    /// is left out (see [`tables_not_copied`]).
    pub async fn backup<W: Write + Send>(&self, mut out: W) -> Result<BackupSummary, StoreError> {
        let mut tx = match self.backend() {
            // The snapshot starts at the first read and lasts until the end.
            Backend::Sqlite => self.pool().begin().await?,
            Backend::Postgres => self.pool().begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?,
        };
        let schema_version: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM hyoka_migrations")
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
        let tables = catalogue(&mut tx, self.backend()).await?;
        // When the copy was made, as the system clock says (no person's change).
        let created_at = SystemClock.now().iso();
        write_line(
            &mut out,
            &json!({
                "format": BACKUP_FORMAT,
                "format_version": BACKUP_FORMAT_VERSION,
                "schema_version": schema_version,
                "created_at": created_at,
                "source_backend": self.backend().name(),
                "hyoka_version": env!("CARGO_PKG_VERSION"),
                "not_copied": NOT_COPIED,
            }),
        )?;
        let mut summary = BackupSummary {
            schema_version,
            source_backend: self.backend().name().to_string(),
            created_at,
            tables: Vec::new(),
        };
        for table in tables.iter().filter(|t| !NOT_COPIED.contains(&t.name.as_str())) {
            let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
            write_line(&mut out, &json!({ "table": table.name, "columns": names }))?;
            let columns: Vec<String> = names.iter().map(|c| quoted(c)).collect();
            let mut sql = format!("SELECT {} FROM {}", columns.join(", "), quoted(&table.name));
            if !table.primary_key.is_empty() {
                let keys: Vec<String> = table.primary_key.iter().map(|c| quoted(c)).collect();
                sql.push_str(&format!(" ORDER BY {}", keys.join(", ")));
            }
            let mut count = 0u64;
            let mut rows = sqlx::query(&sql).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                let values: Vec<Value> =
                    table.columns.iter().enumerate().map(|(i, c)| cell(&row, i, c)).collect::<Result<_, _>>()?;
                write_line(&mut out, &Value::Array(values))?;
                count += 1;
            }
            summary.tables.push((table.name.clone(), count));
        }
        let counts: serde_json::Map<String, Value> =
            summary.tables.iter().map(|(t, n)| (t.clone(), Value::from(*n))).collect();
        write_line(&mut out, &json!({ "end": counts }))?;
        out.flush().map_err(StoreError::BackupWrite)?;
        // Read-only: nothing to keep.
        tx.rollback().await?;
        Ok(summary)
    }

    /// Restores a backup into this database, which must hold no data: it
    /// is brought to the backup's schema version, every row is written in
    /// one transaction (nothing is written when the file is damaged or
    /// cut short), generated keys continue after the restored ones, and
    /// then the schema is migrated to the current version.
    pub async fn restore<R: BufRead + Send>(&self, input: R) -> Result<BackupSummary, StoreError> {
        let mut lines = input.lines().enumerate().map(|(i, l)| (i + 1, l));
        let mut last = 0;
        // The next line; running out before the end line is an error.
        let mut next = move || -> Result<(usize, Value), StoreError> {
            match lines.next() {
                None if last == 0 => Err(bad(1, "ファイルが空です".into())),
                None => Err(bad(last, "終わりの行がありません（ファイルが途中で切れています）".into())),
                Some((n, Err(e))) => Err(bad(n, format!("読み取れません: {e}"))),
                Some((n, Ok(text))) => match serde_json::from_str(&text) {
                    Ok(v) => {
                        last = n;
                        Ok((n, v))
                    }
                    Err(e) => Err(bad(n, format!("JSON として読めません: {e}"))),
                },
            }
        };
        let (_, header) = next()?;
        let mut summary = read_header(&header)?;
        let known = MIGRATIONS.last().map_or(0, |m| m.version);
        if summary.schema_version > known {
            return Err(bad(
                1,
                format!(
                    "バックアップの版 {} はこの hyoka（最新 {known}）より新しいため復元できません。新しい hyoka で復元してください",
                    summary.schema_version
                ),
            ));
        }
        self.check_empty(summary.schema_version).await?;
        self.migrate_to(summary.schema_version).await?;

        let mut tx = self.begin_at(SystemClock.now()).await?;
        let tables: BTreeMap<String, TableInfo> =
            catalogue(tx.conn(), self.backend()).await?.into_iter().map(|t| (t.name.clone(), t)).collect();
        let mut current: Option<Restoring> = None;
        let (n, end) = loop {
            let (n, value) = next()?;
            match value {
                Value::Array(values) => {
                    let table = current.as_mut().ok_or_else(|| bad(n, "表の見出しより前に行があります".into()))?;
                    table.push(n, values)?;
                    if table.binds() >= BINDS_PER_INSERT {
                        table.flush(tx.conn()).await?;
                    }
                }
                Value::Object(map) if map.contains_key("table") => {
                    if let Some(done) = current.take() {
                        summary.tables.push(done.finish(tx.conn()).await?);
                    }
                    current = Some(Restoring::start(n, &map, &tables)?);
                }
                Value::Object(mut map) if map.contains_key("end") => break (n, map.remove("end").unwrap_or_default()),
                _ => return Err(bad(n, "表の見出しでも行でもありません".into())),
            }
        };
        if let Some(done) = current.take() {
            summary.tables.push(done.finish(tx.conn()).await?);
        }
        let written: BTreeMap<&str, u64> = summary.tables.iter().map(|(t, c)| (t.as_str(), *c)).collect();
        let expected: BTreeMap<&str, u64> = end
            .as_object()
            .ok_or_else(|| bad(n, "終わりの行の形が違います".into()))?
            .iter()
            .map(|(t, c)| {
                Ok((t.as_str(), c.as_u64().ok_or_else(|| bad(n, format!("表 {t} の行数が数ではありません")))?))
            })
            .collect::<Result<_, StoreError>>()?;
        if written != expected {
            return Err(bad(n, format!("行数が終わりの行と一致しません（読んだ行: {written:?}、記録: {expected:?}）")));
        }
        if tables.contains_key("search_grams") {
            // (An older backup gets it when the index's migration runs.)
            tx.rebuild_search_grams().await?;
        }
        if tables.contains_key("search_years") {
            tx.rebuild_search_years().await?;
        }
        if self.backend() == Backend::Postgres {
            for t in tables.values() {
                if let Some(id) = &t.identity {
                    // The next generated key follows the largest restored one.
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX({c}) FROM {t}), 0) + 1, false) AS v",
                        c = quoted(id),
                        t = quoted(&t.name)
                    );
                    sqlx::query(&sql).bind(&t.name).bind(id).fetch_one(tx.conn()).await?;
                }
            }
        }
        tx.commit().await?;
        self.migrate().await?;
        Ok(summary)
    }

    /// Refuses a database that holds any data, or whose schema is newer
    /// than the backup's.
    async fn check_empty(&self, backup_version: i64) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        let tables = catalogue(&mut conn, self.backend()).await?;
        if tables.iter().any(|t| t.name == "hyoka_migrations") {
            let current: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM hyoka_migrations")
                .fetch_one(&mut *conn)
                .await?
                .try_get("v")?;
            if current > backup_version {
                return Err(StoreError::RestoreTargetNewer { target: current, backup: backup_version });
            }
        }
        for t in tables.iter().filter(|t| t.name != "hyoka_migrations") {
            let sql = format!("SELECT 1 AS one FROM {} LIMIT 1", quoted(&t.name));
            if sqlx::query(&sql).fetch_optional(&mut *conn).await?.is_some() {
                return Err(StoreError::RestoreNotEmpty(t.name.clone()));
            }
        }
        Ok(())
    }
}

fn bad(line: usize, message: String) -> StoreError {
    StoreError::BackupFormat { line, message }
}

fn read_header(header: &Value) -> Result<BackupSummary, StoreError> {
    if header["format"] != BACKUP_FORMAT {
        return Err(bad(1, "hyoka のバックアップファイルではありません".into()));
    }
    if header["format_version"] != BACKUP_FORMAT_VERSION {
        return Err(bad(
            1,
            format!(
                "バックアップの形式 {} には対応していません（対応: {BACKUP_FORMAT_VERSION}）",
                header["format_version"]
            ),
        ));
    }
    Ok(BackupSummary {
        schema_version: header["schema_version"].as_i64().ok_or_else(|| bad(1, "スキーマの版がありません".into()))?,
        source_backend: header["source_backend"].as_str().unwrap_or_default().to_string(),
        created_at: header["created_at"].as_str().unwrap_or_default().to_string(),
        tables: Vec::new(),
    })
}

/// The table being restored: rows wait in `pending` and go in batches.
struct Restoring {
    table: TableInfo,
    /// The file's columns, as indexes into the table's columns.
    order: Vec<usize>,
    pending: Vec<Vec<Value>>,
    /// Self-references held back: (primary key values, column, value).
    deferred: Vec<(Vec<Value>, usize, Value)>,
    count: u64,
}

impl Restoring {
    fn start(
        line: usize,
        head: &serde_json::Map<String, Value>,
        tables: &BTreeMap<String, TableInfo>,
    ) -> Result<Restoring, StoreError> {
        let name = head["table"].as_str().ok_or_else(|| bad(line, "表の名前がありません".into()))?;
        if NOT_COPIED.contains(&name) {
            return Err(bad(line, format!("表 {name} はバックアップに含めない表です")));
        }
        let table =
            tables.get(name).ok_or_else(|| bad(line, format!("表 {name} は復元先のデータベースにありません")))?.clone();
        let columns = head["columns"].as_array().ok_or_else(|| bad(line, "列の一覧がありません".into()))?;
        let mut order = Vec::new();
        for c in columns {
            let c = c.as_str().unwrap_or_default();
            let i = table
                .columns
                .iter()
                .position(|x| x.name == c)
                .ok_or_else(|| bad(line, format!("表 {name} に列 {c} がありません")))?;
            order.push(i);
        }
        if order.len() != table.columns.len() {
            return Err(bad(line, format!("表 {name} の列がデータベースと一致しません")));
        }
        if !table.self_references.is_empty() && table.primary_key.is_empty() {
            return Err(bad(line, format!("表 {name} には主キーがないため復元できません")));
        }
        Ok(Restoring { table, order, pending: Vec::new(), deferred: Vec::new(), count: 0 })
    }

    /// Takes one row of the file: checked against the column types, in the
    /// table's column order, its self-references held back.
    fn push(&mut self, line: usize, values: Vec<Value>) -> Result<(), StoreError> {
        if values.len() != self.order.len() {
            return Err(bad(line, format!("表 {} の行の列数が違います", self.table.name)));
        }
        let mut row = vec![Value::Null; self.table.columns.len()];
        for (value, &i) in values.into_iter().zip(&self.order) {
            let column = &self.table.columns[i];
            let fits = match &value {
                Value::Null => true,
                Value::Number(n) => column.integer && n.is_i64(),
                Value::String(_) => !column.integer,
                _ => false,
            };
            if !fits {
                return Err(bad(
                    line,
                    format!("表 {} の列 {} の値 {value} は型が違います", self.table.name, column.name),
                ));
            }
            row[i] = value;
        }
        for col in &self.table.self_references {
            let i = self.table.columns.iter().position(|c| &c.name == col).expect("a column of the table");
            if !row[i].is_null() {
                let key = self.key_of(&row);
                self.deferred.push((key, i, std::mem::take(&mut row[i])));
            }
        }
        self.pending.push(row);
        self.count += 1;
        Ok(())
    }

    fn key_of(&self, row: &[Value]) -> Vec<Value> {
        self.table
            .primary_key
            .iter()
            .map(|k| row[self.table.columns.iter().position(|c| &c.name == k).expect("a key column")].clone())
            .collect()
    }

    fn binds(&self) -> usize {
        self.pending.len() * self.table.columns.len()
    }

    async fn flush(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let width = self.table.columns.len();
        let columns: Vec<String> = self.table.columns.iter().map(|c| quoted(&c.name)).collect();
        let tuples: Vec<String> = (0..self.pending.len())
            .map(|r| {
                let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql =
            format!("INSERT INTO {} ({}) VALUES {}", quoted(&self.table.name), columns.join(", "), tuples.join(", "));
        let mut q = sqlx::query(&sql);
        for row in self.pending.drain(..) {
            for (value, column) in row.into_iter().zip(&self.table.columns) {
                q = bind(q, value, column.integer);
            }
        }
        q.execute(&mut *conn).await?;
        Ok(())
    }

    /// Writes what is left, then the held-back self-references.
    async fn finish(mut self, conn: &mut AnyConnection) -> Result<(String, u64), StoreError> {
        self.flush(conn).await?;
        let keys: Vec<String> =
            self.table.primary_key.iter().enumerate().map(|(i, k)| format!("{} = ${}", quoted(k), i + 2)).collect();
        for (key, column, value) in std::mem::take(&mut self.deferred) {
            let col = &self.table.columns[column];
            let sql = format!(
                "UPDATE {} SET {} = $1 WHERE {}",
                quoted(&self.table.name),
                quoted(&col.name),
                keys.join(" AND ")
            );
            let mut q = bind(sqlx::query(&sql), value, col.integer);
            for (k, v) in self.table.primary_key.iter().zip(key) {
                let integer = self.table.columns.iter().any(|c| &c.name == k && c.integer);
                q = bind(q, v, integer);
            }
            q.execute(&mut *conn).await?;
        }
        Ok((self.table.name, self.count))
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a checked value; a NULL carries its column's type (PostgreSQL
/// refuses a text NULL for a BIGINT column).
fn bind(q: Query<'_>, value: Value, integer: bool) -> Query<'_> {
    match (value, integer) {
        (Value::Number(n), _) => q.bind(n.as_i64()),
        (Value::String(s), _) => q.bind(s),
        (_, true) => q.bind(None::<i64>),
        (_, false) => q.bind(None::<String>),
    }
}
