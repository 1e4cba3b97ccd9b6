//! Counting the SQL statements a piece of code runs, for tests that assert
//! that a read does not grow with the data (feature `statement-counter`).
//!
//! sqlx emits one tracing event per statement (target `sqlx::query`). A
//! process-wide layer, installed on first use, counts each such event
//! towards the innermost counting span it happens in. The span travels
//! with the work: a PostgreSQL statement runs in the caller's task, and
//! sqlx's SQLite worker thread enters the caller's span for each command.
//! So tests running in parallel in one process count only their own
//! statements.
//!
//! Setting up a connection is not counted: the PRAGMAs SQLite runs when the
//! pool opens a connection depend on the pool's state (sqlx returns a
//! connection to the pool in the background, so the next call may open
//! another), not on the code measured. No store function runs a PRAGMA.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::instrument::Instrument;
use tracing::span::{Attributes, Id};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The target of the spans that scope a count.
const TARGET: &str = "hyoka_store::statement_counter";
/// sqlx's target for its one event per statement.
const SQLX_QUERY: &str = "sqlx::query";

/// What one counter has seen.
#[derive(Default)]
struct Tally {
    count: AtomicU64,
    /// The first line of each statement, for failure messages.
    statements: Mutex<Vec<String>>,
}

/// Tallies by the id given to their span, until the span is entered.
fn tallies() -> &'static Mutex<HashMap<u64, Arc<Tally>>> {
    static TALLIES: OnceLock<Mutex<HashMap<u64, Arc<Tally>>>> = OnceLock::new();
    TALLIES.get_or_init(Default::default)
}

/// Installs the counting layer as the process's subscriber, once.
fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(CountingLayer);
        tracing::subscriber::set_global_default(subscriber)
            .expect("the statement counter needs to be the process's tracing subscriber");
    });
}

struct CountingLayer;

fn interesting(meta: &Metadata<'_>) -> bool {
    meta.target() == TARGET || meta.target() == SQLX_QUERY
}

/// Reads the `counter` field of a counting span.
struct CounterId(Option<u64>);

impl Visit for CounterId {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "counter" {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

/// Reads the summary sqlx gives a statement.
struct Summary(String);

impl Visit for Summary {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "summary" {
            self.0 = value.to_string();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" && self.0.is_empty() {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S> Layer<S> for CountingLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if interesting(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        interesting(meta)
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().target() != TARGET {
            return;
        }
        let mut counter = CounterId(None);
        attrs.record(&mut counter);
        let tally = counter.0.and_then(|c| tallies().lock().expect("tallies").get(&c).cloned());
        if let (Some(tally), Some(span)) = (tally, ctx.span(id)) {
            span.extensions_mut().insert(tally);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != SQLX_QUERY {
            return;
        }
        let Some(scope) = ctx.event_scope(event) else { return };
        for span in scope {
            if let Some(tally) = span.extensions().get::<Arc<Tally>>() {
                let mut summary = Summary(String::new());
                event.record(&mut summary);
                if summary.0.trim_start().to_ascii_uppercase().starts_with("PRAGMA") {
                    return;
                }
                tally.count.fetch_add(1, Ordering::Relaxed);
                tally.statements.lock().expect("statements").push(summary.0);
                return;
            }
        }
    }
}

/// Counts the statements run by the futures given to [`StatementCounter::run`].
///
/// ```text
/// let counter = StatementCounter::new();
/// let items = counter.run(store.public_item_sets("132047", Some(fy))).await?;
/// assert_eq!(counter.count(), 8);
/// ```
pub struct StatementCounter {
    span: tracing::Span,
    tally: Arc<Tally>,
    id: u64,
}

impl StatementCounter {
    pub fn new() -> StatementCounter {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        install();
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let tally = Arc::new(Tally::default());
        tallies().lock().expect("tallies").insert(id, Arc::clone(&tally));
        let span = tracing::span!(target: TARGET, tracing::Level::INFO, "count_statements", counter = id);
        // The layer has taken the tally into the span; the map need not keep it.
        tallies().lock().expect("tallies").remove(&id);
        assert!(!span.is_disabled(), "the counting span is enabled");
        StatementCounter { span, tally, id }
    }

    /// Runs `f`, counting its statements (added to those counted so far).
    pub async fn run<F: Future>(&self, f: F) -> F::Output {
        f.instrument(self.span.clone()).await
    }

    pub fn count(&self) -> u64 {
        self.tally.count.load(Ordering::Relaxed)
    }

    /// The first words of each statement counted, in order.
    pub fn statements(&self) -> Vec<String> {
        self.tally.statements.lock().expect("statements").clone()
    }

    /// Forgets what was counted.
    pub fn reset(&self) {
        self.tally.count.store(0, Ordering::Relaxed);
        self.tally.statements.lock().expect("statements").clear();
    }
}

impl Default for StatementCounter {
    fn default() -> Self {
        StatementCounter::new()
    }
}

impl std::fmt::Debug for StatementCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StatementCounter {{ id: {}, count: {} }}", self.id, self.count())
    }
}

/// Runs `f` and returns its output with the number of statements it ran.
pub async fn count_statements<F: Future>(f: F) -> (F::Output, u64) {
    let counter = StatementCounter::new();
    let out = counter.run(f).await;
    (out, counter.count())
}
