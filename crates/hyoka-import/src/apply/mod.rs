//! Writing batches to the store, in one transaction so that a failed import
//! writes nothing.
//!
//! Everything is decided before the first write: the city as stored and as
//! it will be after the import are compared ([`changes`]), which gives the
//! report — the same for a dry run and a real one — and the changes to
//! locked or published fiscal years, which refuse the whole import.

mod changes;
mod derive;
mod findings;
mod merge;
mod write;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use hyoka_core::sheet::Finding;
use hyoka_core::FiscalYear;
use hyoka_store::{Store, StoreError, StoreTx};
use sha2::{Digest, Sha256};

pub use changes::{Change, ChangeKind, CityChanges, FrozenChange, Tally};

use crate::batch::SectionRow;
use crate::load::load_city;
use crate::Batch;

/// What an import does, or with `dry_run` would do. A dry run and a real
/// run of the same files on the same database give equal reports (apart
/// from `dry_run`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub cities: Vec<CityChanges>,
    /// The findings of this import: what the readers could not place and
    /// what the imported numbers contradict. Stored for people to review.
    pub findings: Vec<Finding>,
    /// Stored findings added and removed (conflicts that went away).
    pub findings_stored: Tally,
    pub dry_run: bool,
    /// A digest of the stored data the report compares against (each
    /// city as [`load_city`] reads it). Equal digests mean the same
    /// stored data, so a dry run's report is what a later run with the
    /// same digest does: the web's confirm step checks it.
    pub basis: String,
}

impl ApplyReport {
    /// Whether the import leaves the database as it was.
    pub fn is_unchanged(&self) -> bool {
        self.cities.iter().all(CityChanges::is_unchanged) && self.findings_stored.is_unchanged()
    }

    /// Rows removed, in every city.
    pub fn removed(&self) -> usize {
        self.cities.iter().map(CityChanges::removed).sum()
    }

    /// The report for people, in Japanese: counts per city and kind of row,
    /// then every removal and every change to what has no fiscal year (up
    /// to `limit` lines of each).
    pub fn summary(&self, limit: usize) -> String {
        let mut out = String::new();
        let heading = if self.dry_run {
            "取り込んだ場合の変更（--dry-run: 何も書き込んでいません）"
        } else {
            "取り込み結果"
        };
        out.push_str(&format!("{heading}:\n"));
        for c in &self.cities {
            out.push_str(&format!("  {} ({})\n", c.name, c.code));
            for (label, t) in c.tallies() {
                out.push_str(&format!("    {label}: {}\n", tally_text(t)));
            }
            if c.is_unchanged() {
                out.push_str("    変更はありません\n");
            }
            list(&mut out, &format!("削除 {}件", c.removed()), c.removals(), limit);
            let yearless: Vec<&Change> = c.yearless().filter(|ch| ch.kind != ChangeKind::Removed).collect();
            list(&mut out, &format!("年度のない項目の変更 {}件", yearless.len()), yearless.into_iter(), limit);
            if !c.not_in_file.is_empty() {
                out.push_str(&format!(
                    "    このファイルにない同じ年度の事業 {}件は、保存されたまま変えていません（ファイルが途中で終わっていないか確かめてください）:\n",
                    c.not_in_file.len()
                ));
                for (fy, label) in c.not_in_file.iter().take(limit) {
                    out.push_str(&format!("      {} {label}\n", fy.label()));
                }
                if c.not_in_file.len() > limit {
                    out.push_str(&format!("      ほか {}件\n", c.not_in_file.len() - limit));
                }
            }
        }
        let f = self.findings_stored;
        if f.added > 0 || f.removed > 0 {
            out.push_str(&format!("  要確認事項の保存: 追加 {}、解消 {}\n", f.added, f.removed));
        }
        if !self.findings.is_empty() {
            out.push_str(&format!("要確認: {} 件（hyoka report findings で一覧を表示します）\n", self.findings.len()));
            for f in self.findings.iter().take(5) {
                let line = f.line.map(|l| format!(" {l}行目")).unwrap_or_default();
                out.push_str(&format!("  {}{line}: {}\n", f.file, f.message));
            }
        }
        out
    }
}

fn tally_text(t: Tally) -> String {
    let mut s = format!("追加 {}、変更 {}、変更なし {}", t.added, t.changed, t.unchanged);
    if t.removed > 0 {
        s.push_str(&format!("、削除 {}", t.removed));
    }
    s
}

fn list<'a>(out: &mut String, heading: &str, changes: impl Iterator<Item = &'a Change>, limit: usize) {
    let changes: Vec<&Change> = changes.collect();
    if changes.is_empty() {
        return;
    }
    out.push_str(&format!("    {heading}:\n"));
    for c in changes.iter().take(limit) {
        out.push_str(&format!("      {c}\n"));
    }
    if changes.len() > limit {
        out.push_str(&format!("      ほかに {} 件\n", changes.len() - limit));
    }
}

/// Why an import was not applied. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The import would change fiscal years that are locked or published.
    #[error("{}", frozen_message(.0))]
    Frozen(Vec<FrozenChange>),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl ApplyError {
    /// At most this many frozen changes are listed in the message.
    pub const MAX_LISTED: usize = 30;
}

fn frozen_message(changes: &[FrozenChange]) -> String {
    let years: BTreeSet<(&str, FiscalYear)> = changes.iter().map(|c| (c.city.as_str(), c.fiscal_year)).collect();
    let years: Vec<String> = years.into_iter().map(|(city, fy)| format!("{city} {}", fy.label())).collect();
    let mut out = format!(
        "確定または公開した年度（{}）の内容を変える行が {} 件あるため、取り込みを中止しました。何も書き込んでいません。",
        years.join("、"),
        changes.len()
    );
    for c in changes.iter().take(ApplyError::MAX_LISTED) {
        out.push_str(&format!("\n  {c}"));
    }
    if changes.len() > ApplyError::MAX_LISTED {
        out.push_str(&format!("\n  ほかに {} 件", changes.len() - ApplyError::MAX_LISTED));
    }
    out.push_str(
        "\n確定・公開した年度の内容は取り込みでは変えられません。その年度の行をファイルから除くか、保存されている内容に戻してから取り込んでください。",
    );
    let mut codes: Vec<(&str, FiscalYear, bool)> =
        changes.iter().map(|c| (c.municipality.as_str(), c.fiscal_year, c.published)).collect();
    codes.sort();
    codes.dedup();
    out.push_str("\n変える必要がある場合は、管理者が先にその年度を");
    if codes.iter().any(|c| c.2) {
        out.push_str("取り下げ（公開中の年度）、");
    }
    out.push_str("確定を解除してから取り込み直してください（管理画面の「年度」、またはコマンド:");
    for (code, fy, published) in codes.iter().take(5) {
        if *published {
            out.push_str(&format!("\n  hyoka year withdraw --municipality {code} --fiscal-year {}", fy.year()));
        }
        out.push_str(&format!(
            "\n  hyoka year unlock --municipality {code} --fiscal-year {} --reason \"理由\"",
            fy.year()
        ));
    }
    out.push_str("\n）。解除は理由とともに変更履歴に記録されます。");
    out
}

/// An import written into an open transaction that is not committed yet,
/// with its report. The caller adds its own records (an audit entry) to
/// the same transaction and commits, or rolls back (a dry run); dropping it
/// rolls back.
pub struct Staged {
    pub tx: StoreTx,
    pub report: ApplyReport,
}

/// Everything decided before writing.
pub(crate) struct Prepared {
    pub incoming: BTreeMap<String, merge::Incoming>,
    /// Each city's sections already stored.
    pub stored_sections: BTreeMap<String, HashSet<SectionRow>>,
    pub findings: findings::FindingsPlan,
}

/// Writes batches read from named files into a new transaction stamped
/// with `at` (the application's clock) and returns it uncommitted, with
/// the report. Refused, with nothing written, when a change touches a
/// locked or published fiscal year.
///
/// Only `hyoka_app::import::ImportBatches` calls this, adding the audit
/// record to the same transaction; the web's and the command line's
/// `clippy.toml` forbid it there.
pub async fn stage_at(
    store: &Store,
    batches: &[(String, Batch)],
    at: hyoka_core::time::Timestamp,
) -> Result<Staged, ApplyError> {
    stage(store, batches, at, async {}, None).await
}

/// How far a running import has come, for a progress display: first the
/// files' rows are compared with the stored data, then written (in the
/// transaction, which the caller commits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStep {
    /// The files bring `rows` rows; they were compared with the store.
    Compared { rows: usize },
    /// `done` of the `total` rows are written.
    Writing { done: usize, total: usize },
}

/// Told each [`ImportStep`] as it is reached, on the task running the
/// import: it should return quickly.
pub type Observer = std::sync::Arc<dyn Fn(ImportStep) + Send + Sync>;

/// [`stage_at`], telling `observer` how far it has come.
pub async fn stage_observed(
    store: &Store,
    batches: &[(String, Batch)],
    at: hyoka_core::time::Timestamp,
    observer: Option<&Observer>,
) -> Result<Staged, ApplyError> {
    stage(store, batches, at, async {}, observer).await
}

/// [`stage_at`], running `pause` after the import is prepared (read and
/// compared outside the transaction) and before the transaction begins:
/// tests use it to lock a year in between and see it refused.
#[doc(hidden)]
#[cfg(feature = "testing")]
pub async fn stage_with_pause(
    store: &Store,
    batches: &[(String, Batch)],
    at: hyoka_core::time::Timestamp,
    pause: impl std::future::Future<Output = ()>,
) -> Result<Staged, ApplyError> {
    stage(store, batches, at, pause, None).await
}

async fn stage(
    store: &Store,
    batches: &[(String, Batch)],
    at: hyoka_core::time::Timestamp,
    pause: impl std::future::Future<Output = ()>,
    observer: Option<&Observer>,
) -> Result<Staged, ApplyError> {
    let (mut prepared, mut report, mut frozen, seen) = prepare(store, batches, None).await?;
    if !frozen.is_empty() {
        return Err(ApplyError::Frozen(frozen));
    }
    pause.await;
    let mut tx = store.begin_at(at).await?;
    // The locked years were read before the transaction: read them again
    // inside it, and compare again when one was locked or published since.
    let mut now = BTreeMap::new();
    for code in prepared.incoming.keys() {
        now.insert(code.clone(), tx.frozen_years(code).await?.into_iter().collect::<BTreeMap<_, _>>());
    }
    if now != seen {
        (prepared, report, frozen, _) = prepare(store, batches, Some(&now)).await?;
        if !frozen.is_empty() {
            tx.rollback().await?;
            return Err(ApplyError::Frozen(frozen));
        }
    }
    let tell = |step| {
        if let Some(o) = observer {
            o(step)
        }
    };
    let total = prepared.incoming.values().map(|i| write::rows(&i.city)).sum();
    tell(ImportStep::Compared { rows: total });
    write::write(&mut tx, &prepared, &mut |done| tell(ImportStep::Writing { done, total })).await?;
    Ok(Staged { tx, report })
}

/// Applies batches read from named files, without an audit record: for
/// tests' fixtures only (the `testing` feature). With `dry_run` everything
/// is written and checked in a transaction that is then rolled back.
/// Everything else imports through `hyoka_app::import::ImportBatches`.
#[cfg(feature = "testing")]
pub async fn apply(store: &Store, batches: &[(String, Batch)], dry_run: bool) -> Result<ApplyReport, ApplyError> {
    let Staged { tx, mut report } = stage_at(store, batches, hyoka_store::now()).await?;
    report.dry_run = dry_run;
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(report)
}

/// Each city's locked years, with whether each is published.
type FrozenYears = BTreeMap<String, BTreeMap<FiscalYear, bool>>;

/// Reads the stored cities and compares them with the import. The locked
/// years are read from the store unless `years` gives them; the years used
/// are returned.
async fn prepare(
    store: &Store,
    batches: &[(String, Batch)],
    years: Option<&FrozenYears>,
) -> Result<(Prepared, ApplyReport, Vec<FrozenChange>, FrozenYears), StoreError> {
    let mut seen = FrozenYears::new();
    let incoming = merge::incoming(batches);
    let mut report = ApplyReport::default();
    let mut frozen = Vec::new();
    let mut derived = Vec::new();
    let mut stored_sections = BTreeMap::new();
    let mut basis = Sha256::new();
    for (code, inc) in &incoming {
        let before = load_city(store, code).await?;
        basis.update(code.as_bytes());
        basis.update([0]);
        basis.update(serde_json::to_vec(&before).map_err(|e| StoreError::Invalid(e.to_string()))?);
        stored_sections.insert(code.clone(), before.sections.iter().cloned().collect());
        let years = match years.and_then(|y| y.get(code)) {
            Some(y) => y.clone(),
            None => frozen_years(store, code).await?,
        };
        let after = merge::after(&before, &inc.city);
        let (changes, touched) = changes::compare(&before, &after, &inc.city, &years);
        report.cities.push(changes);
        frozen.extend(touched);
        seen.insert(code.clone(), years);
        for ind in &after.indicators {
            let file = inc.indicator_file.get(&ind.key);
            for f in derive::derive(code, ind).findings {
                derived.push((Finding { file: file.cloned().unwrap_or_default(), ..f }, file.is_some()));
            }
        }
    }
    let cities: BTreeSet<String> = incoming.keys().cloned().collect();
    let findings = findings::plan(store.findings(None).await?, batches, derived, &cities);
    report.findings = findings.of_import.clone();
    report.findings_stored = findings.tally;
    report.basis = basis.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((Prepared { incoming, stored_sections, findings }, report, frozen, seen))
}

/// The city's locked fiscal years, with whether each is published.
async fn frozen_years(store: &Store, code: &str) -> Result<BTreeMap<FiscalYear, bool>, StoreError> {
    let mut years: BTreeMap<FiscalYear, bool> =
        store.fiscal_years(code).await?.into_iter().filter(|y| y.locked).map(|y| (y.fiscal_year, false)).collect();
    for p in store.published_years(code).await? {
        years.insert(p.fiscal_year, true);
    }
    Ok(years)
}
