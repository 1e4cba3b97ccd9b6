//! What every handler can reach: the application's commands, the store
//! for reads, the session settings, the cache of public answers, and the
//! values features keep between requests.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hyoka_app::App;
use hyoka_store::Store;

use super::cache::ResponseCache;
use super::session::SessionConfig;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Commands: every change goes through here.
    pub app: App,
    /// Reads.
    pub store: Store,
    pub session: SessionConfig,
    /// Uploads checked on the import page, waiting for confirmation.
    /// Public answers already rendered (`http::cache`), shared by clones.
    pub cache: Arc<ResponseCache>,
    /// What a feature keeps between requests, one value per type
    /// ([`AppState::slot`]): the import's checked uploads, the portal's
    /// built year files. The types are the features' own; this layer only
    /// holds them, so the dependency points down.
    slots: Slots,
    /// Tests only: answer with the number of SQL statements each request
    /// ran (feature `statement-counter`). Off unless asked: the counter must
    /// be the process's tracing subscriber, which a server has its own of.
    count_statements: bool,
}

impl AppState {
    /// The application on the system clock, with default sessions.
    pub fn new(store: Store) -> Self {
        AppState::with_app(App::new(store))
    }

    pub fn with_app(app: App) -> Self {
        AppState {
            store: app.store().clone(),
            app,
            session: SessionConfig::default(),
            cache: Arc::new(ResponseCache::default()),
            slots: Slots::default(),
            count_statements: false,
        }
    }

    /// Keeps at most `max_bytes` of rendered public answers (0: none).
    pub fn with_cache_bytes(mut self, max_bytes: usize) -> Self {
        self.cache = Arc::new(ResponseCache::new(max_bytes));
        self
    }

    pub fn with_session(mut self, session: SessionConfig) -> Self {
        self.session = session;
        self
    }

    /// Tests only: each answer says in [`crate::STATEMENTS_HEADER`] how many SQL
    /// statements it ran (needs the feature `statement-counter`).
    #[cfg(feature = "statement-counter")]
    pub fn counting_statements(mut self) -> Self {
        self.count_statements = true;
        self
    }
}

impl AppState {
    /// The feature's value of type `T` shared by every clone of this state,
    /// made on first use.
    pub(crate) fn slot<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        self.slots.get()
    }

    pub(crate) fn count_statements(&self) -> bool {
        self.count_statements
    }
}

/// Values by type, shared by clones.
#[derive(Clone, Default)]
struct Slots(Arc<Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>);

impl Slots {
    fn get<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut slots = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let any = slots.entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default()));
        Arc::clone(any).downcast::<T>().expect("a slot holds its own type")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Counter(std::sync::atomic::AtomicU32);

    #[test]
    fn a_slot_is_shared_by_clones_and_made_once() {
        let a = Slots::default();
        let b = a.clone();
        a.get::<Counter>().0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(b.get::<Counter>().0.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(b.get::<String>().as_str(), "", "another type, another value");
    }
}
