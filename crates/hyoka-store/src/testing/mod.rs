//! Fresh databases for tests, on the backend chosen by the environment.
//!
//! `HYOKA_TEST_BACKEND=sqlite` (the default) gives each test its own SQLite
//! file; `HYOKA_TEST_BACKEND=postgres` gives each test its own database on
//! the server at `HYOKA_TEST_POSTGRES_URL`, dropped afterwards. The same
//! suite thus runs on both backends; `scripts/test` runs it twice.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::{Backend, Store};

pub mod libreoffice;
#[cfg(feature = "statement-counter")]
mod statements;
mod synthetic;

#[cfg(feature = "statement-counter")]
pub use statements::{count_statements, StatementCounter};
pub use synthetic::{synthetic_city, SyntheticCity, SYNTHETIC_DRAFT_WORD, SYNTHETIC_WORDS};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

/// The backend the test run asked for.
pub fn test_backend() -> Backend {
    match std::env::var("HYOKA_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("HYOKA_TEST_BACKEND={other} is neither sqlite nor postgres"),
    }
}

impl TestDb {
    /// Creates an empty database (no schema) on the requested backend.
    pub async fn new() -> TestDb {
        TestDb::create(test_backend()).await
    }

    async fn create(backend: Backend) -> TestDb {
        let unique = format!(
            "hyoka_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
        );
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{unique}.db"));
                TestDb {
                    url: format!("sqlite://{}", path.display()),
                    backend: Backend::Sqlite,
                    cleanup: Cleanup::File(path),
                }
            }
            Backend::Postgres => {
                let admin_url = std::env::var("HYOKA_TEST_POSTGRES_URL").expect(
                    "HYOKA_TEST_BACKEND=postgres needs HYOKA_TEST_POSTGRES_URL (scripts/test starts a server and sets it)",
                );
                sqlx::any::install_default_drivers();
                let admin = sqlx::AnyPool::connect(&admin_url).await.expect("connect to the test PostgreSQL server");
                sqlx::query(&format!("CREATE DATABASE {unique} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"))
                    .execute(&admin)
                    .await
                    .expect("create a test database");
                admin.close().await;
                let url = replace_database(&admin_url, &unique);
                TestDb { url, backend: Backend::Postgres, cleanup: Cleanup::Database { admin_url, name: unique } }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// An empty database on `backend`, whatever the test run asked for:
    /// for copying between backends. PostgreSQL needs
    /// `HYOKA_TEST_POSTGRES_URL`.
    pub async fn new_on(backend: Backend) -> TestDb {
        TestDb::create(backend).await
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Store {
        Store::open(&self.url).await.expect("open the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                // Drop runs inside the test's runtime, which must not block:
                // a thread of its own with a small runtime does the drop.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio_runtime();
                    rt.block_on(async {
                        if let Ok(admin) = sqlx::AnyPool::connect(&admin_url).await {
                            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&admin)
                                .await;
                            admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// The settings an SQLite connection reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqliteSettings {
    pub journal_mode: String,
    /// 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
    pub synchronous: i64,
    pub busy_timeout_ms: i64,
    pub foreign_keys: bool,
}

/// What each of `n` SQLite connections of the pool reports, the `n` held
/// at once so that the pool has to open new ones.
pub async fn sqlite_settings(store: &Store, n: u32) -> Vec<SqliteSettings> {
    use sqlx::Row;
    let mut held = Vec::new();
    for _ in 0..n {
        held.push(store.pool().acquire().await.expect("a pooled connection"));
    }
    let mut out = Vec::new();
    for conn in &mut held {
        let journal_mode: String = pragma(conn, "journal_mode").await.get(0);
        let synchronous: i64 = pragma(conn, "synchronous").await.get(0);
        let busy_timeout_ms: i64 = pragma(conn, "busy_timeout").await.get(0);
        let foreign_keys: i64 = pragma(conn, "foreign_keys").await.get(0);
        out.push(SqliteSettings { journal_mode, synchronous, busy_timeout_ms, foreign_keys: foreign_keys == 1 });
    }
    out
}

async fn pragma(conn: &mut sqlx::AnyConnection, name: &str) -> sqlx::any::AnyRow {
    sqlx::query(&format!("PRAGMA {name}")).fetch_one(conn).await.expect(name)
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime for cleanup")
}

/// `postgres://u@h:p/postgres?x` with the database name replaced.
fn replace_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host_part = path_start.map_or(base, |i| &base[..i]);
    match query {
        Some(q) => format!("{host_part}/{db}?{q}"),
        None => format!("{host_part}/{db}"),
    }
}

/// The tables of the database, from its catalogue, by name.
pub async fn table_names(store: &Store) -> Vec<String> {
    use sqlx::Row;
    let sql = match store.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables
             WHERE table_schema = current_schema() ORDER BY table_name"
        }
    };
    let rows = sqlx::query(sql).fetch_all(store.pool()).await.expect("the catalogue");
    rows.iter().map(|r| r.get("name")).collect()
}

/// How many rows a table holds (`table` from [`table_names`]).
pub async fn row_count(store: &Store, table: &str) -> i64 {
    use sqlx::Row;
    let sql = format!("SELECT COUNT(*) AS n FROM \"{table}\"");
    sqlx::query(&sql).fetch_one(store.pool()).await.expect("a count").get("n")
}

/// A city's search documents as stored (item id, text in search form), by
/// item: what a search must find, read without the index.
pub async fn search_documents(store: &Store, municipality: &str) -> Vec<(i64, String)> {
    use sqlx::Row;
    let rows = sqlx::query("SELECT item_id, body FROM search_documents WHERE municipality_code = $1 ORDER BY item_id")
        .bind(municipality)
        .fetch_all(store.pool())
        .await
        .expect("search documents");
    rows.iter().map(|r| (r.get("item_id"), r.get("body"))).collect()
}

/// The plan the database chooses for `sql` (`$1`… bound to `binds`), as
/// text. On PostgreSQL sequential scans are discouraged first, so the plan
/// shows an index whenever one can serve the query: small test tables
/// would otherwise always be scanned.
pub async fn query_plan(store: &Store, sql: &str, binds: &[&str]) -> String {
    use sqlx::Row;
    let mut conn = store.pool().acquire().await.expect("a connection");
    let explain = match store.backend() {
        Backend::Sqlite => {
            // EXPLAIN runs nothing, so a connection opened before the last
            // migration would plan with the schema it loaded then; a read
            // makes it load the current one.
            sqlx::query("SELECT COUNT(*) FROM sqlite_master").execute(&mut *conn).await.expect("the schema");
            format!("EXPLAIN QUERY PLAN {sql}")
        }
        Backend::Postgres => {
            sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.expect("planner setting");
            format!("EXPLAIN {sql}")
        }
    };
    let mut q = sqlx::query(&explain);
    for b in binds {
        q = q.bind(*b);
    }
    let rows = q.fetch_all(&mut *conn).await.expect("a plan");
    if store.backend() == Backend::Postgres {
        sqlx::query("RESET enable_seqscan").execute(&mut *conn).await.expect("planner setting");
    }
    let column = if store.backend() == Backend::Sqlite { "detail" } else { "QUERY PLAN" };
    rows.iter().map(|r| r.get::<String, _>(column)).collect::<Vec<_>>().join("\n")
}

/// Adds `n` sections 「課1」… under one department of a city in one
/// statement, for tests of forms and imports at scale (the `testing`
/// feature: it stamps its transaction with the system clock).
#[cfg(feature = "testing")]
pub async fn insert_sections(store: &Store, municipality: &str, department: &str, n: u32) {
    let mut tx = store.begin().await.expect("begin");
    tx.upsert_section(municipality, department, "", hyoka_core::org::Validity::default()).await.expect("department");
    sqlx::query(
        "INSERT INTO sections (department_id, name)
         WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $3)
         SELECT d.id, '課' || CAST(k.i AS TEXT)
         FROM k, departments d WHERE d.municipality_code = $1 AND d.name = $2",
    )
    .bind(municipality)
    .bind(department)
    .bind(i64::from(n))
    .execute(tx.conn())
    .await
    .expect("insert sections");
    tx.commit().await.expect("commit");
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_database_name() {
        assert_eq!(super::replace_database("postgres://u@h:1/postgres", "t"), "postgres://u@h:1/t");
        assert_eq!(super::replace_database("postgres://u@h:1", "t"), "postgres://u@h:1/t");
        assert_eq!(
            super::replace_database("postgres://u@h/x?sslmode=disable", "t"),
            "postgres://u@h/t?sslmode=disable"
        );
    }
}
