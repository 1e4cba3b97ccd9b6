//! A count of the entries the organisation's and the plan trees' indexes
//! look at, so that tests can assert, as a count and not a time, that
//! building them stays linear in their size (one million sections once
//! took 161 s to import: a search through the list per section). A hash
//! look-up counts one; rebuilding an index counts every entry it holds;
//! a search through a list counts every entry it passes. Per thread, so
//! that tests running side by side do not count each other's work.
//! A relaxed thread-local add: nothing measurable in production.

use std::cell::Cell;

thread_local! {
    static EXAMINED: Cell<u64> = const { Cell::new(0) };
}

/// Entries examined on this thread so far.
pub fn examined() -> u64 {
    EXAMINED.with(Cell::get)
}

/// Counts `n` entries examined (also by other crates' indexes and keys:
/// hyoka-import's sections count each comparison and hash).
pub fn examine(n: usize) {
    EXAMINED.with(|c| c.set(c.get().saturating_add(n as u64)));
}
