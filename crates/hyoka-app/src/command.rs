//! Running a command: one transaction, one audit record.

use std::future::Future;
use std::sync::Arc;

use hyoka_core::access::{authorize, Action, Principal, Role, Target};
use hyoka_core::time::{Clock, SystemClock, Timestamp};
use hyoka_core::FiscalYear;
use hyoka_store::{AuditEvent, Change, HistoryRow, Store, StoreTx};

use crate::CommandError;

/// Who runs a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person; `authorize` decides what they may do.
    Person { principal: Principal, name: String },
    /// Someone with the server in hand: the command line, the demo loader.
    /// Access to the server's database is the authority; the audit record
    /// names them.
    Operator { name: String },
}

impl Actor {
    pub fn person(principal: Principal, name: impl Into<String>) -> Actor {
        Actor::Person { principal, name: name.into() }
    }

    /// The command line, named after the operating-system user.
    pub fn command_line() -> Actor {
        let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "不明".into());
        Actor::Operator { name: format!("コマンドライン（{user}）") }
    }

    pub fn account_id(&self) -> Option<i64> {
        match self {
            Actor::Person { principal, .. } => Some(principal.account_id),
            Actor::Operator { .. } => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Actor::Person { name, .. } | Actor::Operator { name } => name,
        }
    }

    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Actor::Person { principal, .. } => Some(principal),
            Actor::Operator { .. } => None,
        }
    }

    /// Whether this actor has the role (an operator has every role).
    pub fn is(&self, role: Role) -> bool {
        self.principal().is_none_or(|p| p.role == role)
    }

    /// Refuses unless the actor may act. Another city's resource is "not
    /// found", so its existence is not revealed.
    pub fn require(&self, action: Action, municipality: &str, sections: &[i64]) -> Result<(), CommandError> {
        let Some(p) = self.principal() else { return Ok(()) };
        if action != Action::ManageSystem && p.municipality.as_deref() != Some(municipality) {
            return Err(CommandError::NotFound("ページ".into()));
        }
        if authorize(p, action, &Target { municipality, sections }) {
            Ok(())
        } else {
            Err(CommandError::Forbidden)
        }
    }
}

/// A typed change. `CODE` names it in the audit log.
pub trait Command: Send {
    /// Stable code, e.g. `sheet.save`, `year.lock`.
    const CODE: &'static str;
    type Output: Send;

    /// Does the work inside `cx.tx`, describing it in `cx`'s journal. An
    /// error rolls everything back.
    fn run(self, cx: &mut Cx<'_>) -> impl Future<Output = Result<Self::Output, CommandError>> + Send;
}

/// What a running command has at hand.
///
/// The transaction begins at the first write ([`Cx::tx`]): the checks a
/// command makes before it writes read through the pool and hold no
/// connection, so a busy server never has commands holding one connection
/// while waiting for another.
pub struct Cx<'a> {
    tx: Option<StoreTx>,
    /// For reads before the first write (what the person saw).
    pub store: &'a Store,
    pub actor: &'a Actor,
    pub now: Timestamp,
    journal: Journal,
}

/// The audit record a command is building.
#[derive(Default)]
struct Journal {
    municipality: Option<String>,
    item_id: Option<i64>,
    fiscal_year: Option<FiscalYear>,
    summary: Option<String>,
    rows: Vec<HistoryRow>,
    unchanged: bool,
}

impl Cx<'_> {
    /// The command's transaction, begun on first use and stamped with the
    /// command's instant.
    pub async fn tx(&mut self) -> Result<&mut StoreTx, CommandError> {
        if self.tx.is_none() {
            self.tx = Some(self.store.begin_at(self.now).await?);
        }
        Ok(self.tx.as_mut().expect("begun above"))
    }

    /// Takes over a transaction a library opened (an import's staged
    /// writes), so the audit record commits with it.
    pub fn adopt(&mut self, tx: StoreTx) -> Result<(), CommandError> {
        if self.tx.is_some() {
            return Err(CommandError::invalid_input("a command has one transaction"));
        }
        self.tx = Some(tx);
        Ok(())
    }

    /// What the command acts on: the city, and the item and year if any.
    pub fn about(&mut self, municipality: &str, item: Option<i64>, fy: Option<FiscalYear>) {
        self.journal.municipality = Some(municipality.to_string());
        self.journal.item_id = item;
        self.journal.fiscal_year = fy;
    }

    /// The one line people read in the audit log.
    pub fn summary(&mut self, text: impl Into<String>) {
        self.journal.summary = Some(text.into());
    }

    /// A changed field of the item and year the command is about.
    pub fn change(&mut self, field: impl Into<String>, before: Option<String>, after: Option<String>) {
        let change = Change { field: field.into(), before, after };
        self.journal.rows.push(HistoryRow {
            item_id: self.journal.item_id,
            fiscal_year: self.journal.fiscal_year,
            change,
        });
    }

    /// Changed fields, each on its own item and year.
    pub fn changes(&mut self, rows: impl IntoIterator<Item = HistoryRow>) {
        self.journal.rows.extend(rows);
    }

    /// The command found nothing to change: nothing is written, not even
    /// an audit record.
    pub fn unchanged(&mut self) {
        self.journal.unchanged = true;
    }
}

/// The application: the store and the clock every command reads.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl App {
    /// An application on the system clock.
    pub fn new(store: Store) -> App {
        App::with_clock(store, Arc::new(SystemClock))
    }

    pub fn with_clock(store: Store, clock: Arc<dyn Clock>) -> App {
        App { store, clock }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Runs a command in one transaction and writes its audit record in
    /// the same transaction. Nothing is kept when the command fails.
    pub async fn run<C: Command>(&self, actor: &Actor, command: C) -> Result<C::Output, CommandError> {
        let now = self.clock.now();
        let mut cx = Cx { tx: None, store: &self.store, actor, now, journal: Journal::default() };
        let output = command.run(&mut cx).await?;
        if cx.journal.unchanged {
            if let Some(tx) = cx.tx.take() {
                tx.rollback().await?;
            }
            return Ok(output);
        }
        cx.tx().await?;
        let Cx { tx, journal, .. } = cx;
        let mut tx = tx.expect("begun above");
        let event = AuditEvent {
            municipality: journal.municipality,
            account_id: actor.account_id(),
            actor: actor.name().to_string(),
            command: C::CODE.to_string(),
            item_id: journal.item_id,
            fiscal_year: journal.fiscal_year,
            summary: journal.summary.unwrap_or_else(|| C::CODE.to_string()),
        };
        tx.write_event(&event, &journal.rows).await?;
        tx.commit().await?;
        tracing::info!(command = C::CODE, actor = actor.name(), "command");
        Ok(output)
    }
}
