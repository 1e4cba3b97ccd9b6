//! Signing in: checking a password so that the answer never tells whether
//! a login exists, and throttling repeated failures (OWASP ASVS 2.2.1).
//!
//! - An unknown login costs the same Argon2id work as a known one: the
//!   password is checked against a dummy hash, so timing reveals nothing.
//! - Failures are counted per typed login name (whether or not it exists)
//!   and per client address. From the [`LOGIN_FREE_FAILURES`]-th failure
//!   of a login, or the [`ADDRESS_FREE_FAILURES`]-th from one address, each
//!   failure locks that key for twice as long as the one before: 1 minute,
//!   2, 4 … up to [`MAX_LOCK_SECONDS`]. A success clears the login's count;
//!   counts idle for a day are forgotten.
//!
//! Sign-in is not a command of the audit log: it changes no city's data.
//! Failures and locks are logged.

use std::sync::OnceLock;

use hyoka_core::time::Timestamp;
use hyoka_store::{AccountRecord, FailureCount, Store, StoreError};

use crate::password::{hash_password, verify_password};

pub const LOGIN_FREE_FAILURES: i64 = 5;
pub const ADDRESS_FREE_FAILURES: i64 = 20;
pub const FIRST_LOCK_SECONDS: i64 = 60;
pub const MAX_LOCK_SECONDS: i64 = 60 * 60;
/// Counts older than this are forgotten.
pub const FORGET_AFTER_SECONDS: i64 = 24 * 60 * 60;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// One message for a wrong name and a wrong password.
    #[error("ログイン名またはパスワードが違います。")]
    Wrong,
    /// Too many failures: try again after the lock.
    #[error("ログインの失敗が続いたため、しばらくログインできません。{minutes}分後にもう一度お試しください。")]
    Locked { minutes: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How long a key is locked after its `failures`-th failure; 0 while free.
pub fn lock_seconds(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(12) as u32;
    (FIRST_LOCK_SECONDS << doublings).min(MAX_LOCK_SECONDS)
}

fn login_key(login: &str) -> String {
    format!("login:{}", login.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

thread_local! {
    /// Checks against the dummy hash made on this thread (see
    /// [`dummy_checks_on_this_thread`]).
    static DUMMY_CHECKS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many passwords this thread checked against the dummy hash: a
/// statistic tests read (a sign-in runs on one thread between awaits, and
/// a test's runtime on its own thread) to see that an unknown login costs
/// a hash check, without measuring time.
pub fn dummy_checks_on_this_thread() -> u64 {
    DUMMY_CHECKS.with(|c| c.get())
}

/// Checks a password against the dummy hash, for the same work as a real
/// check; the answer is always ignored.
fn check_dummy(password: &str) {
    DUMMY_CHECKS.with(|c| c.set(c.get() + 1));
    let _ = verify_password(password, dummy_hash());
}

/// A hash to check passwords of unknown logins against, made once.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("hyoka-dummy-password-for-timing").unwrap_or_default())
}

/// Checks a sign-in. `address` is the client's, as the server sees it.
pub async fn sign_in(
    store: &Store,
    now: Timestamp,
    login: &str,
    password: &str,
    address: &str,
) -> Result<AccountRecord, SignInError> {
    let login = login.trim();
    let keys = [(login_key(login), LOGIN_FREE_FAILURES), (address_key(address), ADDRESS_FREE_FAILURES)];
    for (key, _) in &keys {
        let count = store.sign_in_failures(key).await?;
        if let Some(until) = count.locked_until.as_deref().and_then(Timestamp::parse_iso) {
            if until > now {
                // The password is still checked, so a locked and a free
                // answer take the same time.
                check_dummy(password);
                tracing::warn!(key = key.as_str(), "sign-in refused while locked");
                return Err(SignInError::Locked { minutes: ((until.0 - now.0) + 59) / 60 });
            }
        }
    }
    let account = store.account_by_login(login).await?;
    let ok = match &account {
        Some(a) => verify_password(password, &a.password_hash) && !a.disabled,
        None => {
            check_dummy(password);
            false
        }
    };
    match account.filter(|_| ok) {
        Some(a) => {
            store.clear_sign_in_failures(&keys[0].0).await?;
            Ok(a)
        }
        None => {
            for (key, free) in &keys {
                record_failure(store, now, key, *free).await?;
            }
            let _ = store.purge_sign_in_failures(&now.plus_seconds(-FORGET_AFTER_SECONDS).iso()).await;
            tracing::warn!(login, address, "sign-in failed");
            Err(SignInError::Wrong)
        }
    }
}

async fn record_failure(store: &Store, now: Timestamp, key: &str, free: i64) -> Result<(), StoreError> {
    let old = store.sign_in_failures(key).await?;
    let stale = old
        .last_failure_at
        .as_deref()
        .and_then(Timestamp::parse_iso)
        .is_none_or(|t| now.0 - t.0 > FORGET_AFTER_SECONDS);
    let failures = if stale { 1 } else { old.failures + 1 };
    let lock = lock_seconds(failures, free);
    let count = FailureCount {
        failures,
        last_failure_at: Some(now.iso()),
        locked_until: (lock > 0).then(|| now.plus_seconds(lock).iso()),
    };
    store.set_sign_in_failures(key, &count).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_double_after_the_free_failures() {
        assert_eq!(lock_seconds(4, 5), 0);
        assert_eq!(lock_seconds(5, 5), 60);
        assert_eq!(lock_seconds(6, 5), 120);
        assert_eq!(lock_seconds(7, 5), 240);
        assert_eq!(lock_seconds(50, 5), MAX_LOCK_SECONDS);
    }
}
