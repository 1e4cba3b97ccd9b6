//! Importing documents and canonical files as one audited command: every
//! city the files name must be the actor's to administer; a change to a
//! locked or published year is refused with the list of what it would
//! change; a dry run writes nothing, not even an audit record. The
//! mapping a city's own workbook was read through, and the words it
//! declares, are kept by the same command: one action, one transaction,
//! one audit record.

use std::collections::BTreeSet;

use hyoka_core::access::Action;
use hyoka_core::vocabulary::CityVocabulary;
use hyoka_import::{stage_observed, ApplyError, ApplyReport, Batch, Observer};

use hyoka_store::Store;

use crate::{Actor, Command, CommandError, Cx};

/// Imports batches read from named files (see `hyoka_import::read_inputs`).
pub struct ImportBatches {
    pub batches: Vec<(String, Batch)>,
    pub dry_run: bool,
    /// The basis of the dry run this run confirms, if any.
    pub expect_basis: Option<String>,
    /// A city's own words a mapping declares (its criteria and direction
    /// words), kept as the city's vocabulary with the import.
    pub vocabulary: Option<(String, CityVocabulary)>,
    /// The mapping the workbook was read through, kept as the city's
    /// mapping with the import (one action, one transaction, one record).
    pub save_mapping: Option<MappingToKeep>,
    /// Told how far the import has come (rows compared, rows written),
    /// for a progress display.
    pub progress: Option<Observer>,
}

/// The mapping of a city's own workbook (docs/mapping.md), kept in place
/// of any earlier one so that next year's workbook comes in the same way.
/// A mapping that does not parse, or that names another city, is refused.
#[derive(Clone, Debug)]
pub struct MappingToKeep {
    pub municipality: String,
    pub file_name: String,
    pub mapping: String,
}

impl ImportBatches {
    pub fn new(batches: Vec<(String, Batch)>, dry_run: bool) -> Self {
        ImportBatches { batches, dry_run, expect_basis: None, vocabulary: None, save_mapping: None, progress: None }
    }
}

/// The refusal when the stored data changed after the dry run.
pub const CHANGED_SINCE_CHECK: &str = "確認の後に、保存されている内容が変わりました（ほかの人の入力や取り込みなど）。何も書き込んでいません。もう一度確認してから取り込んでください。";

impl Command for ImportBatches {
    const CODE: &'static str = "import";
    type Output = ApplyReport;

    async fn run(self, cx: &mut Cx<'_>) -> Result<ApplyReport, CommandError> {
        let cities: BTreeSet<&str> =
            self.batches.iter().flat_map(|(_, b)| b.cities.iter().map(|c| c.code.as_str())).collect();
        for city in &cities {
            // A city not registered yet can only come from the command line.
            if cx.store.municipality(city).await.is_ok() || cx.actor.principal().is_some() {
                cx.actor.require(Action::Administer, city, &[])?;
            }
        }
        let mut mapping = None;
        if let Some(m) = self.save_mapping {
            let before = checked_mapping(cx.store, cx.actor, &m).await?;
            if before.as_ref() != Some(&(m.file_name.clone(), m.mapping.clone())) {
                mapping = Some((m, before.map(|(_, text)| text)));
            }
        }
        let staged =
            stage_observed(cx.store, &self.batches, cx.now, self.progress.as_ref()).await.map_err(|e| match e {
                ApplyError::Frozen(_) => CommandError::Conflict(e.to_string()),
                ApplyError::Store(e) => e.into(),
            })?;
        let mut report = staged.report;
        report.dry_run = self.dry_run;
        if self.expect_basis.as_ref().is_some_and(|b| *b != report.basis) {
            staged.tx.rollback().await?;
            return Err(CommandError::Conflict(CHANGED_SINCE_CHECK.into()));
        }
        let mut vocabulary = None;
        if let Some((city, v)) = self.vocabulary {
            cx.actor.require(Action::Administer, &city, &[])?;
            if cx.store.city_vocabulary(&city).await.ok().as_ref() != Some(&v) {
                vocabulary = Some((city, v));
            }
        }
        if self.dry_run || (report.is_unchanged() && vocabulary.is_none() && mapping.is_none()) {
            staged.tx.rollback().await?;
            cx.unchanged();
            return Ok(report);
        }
        cx.adopt(staged.tx)?;
        if let Some((city, v)) = &vocabulary {
            crate::city::save_vocabulary(cx, city, v).await?;
        }
        let files: Vec<&str> = self.batches.iter().map(|(name, _)| name.as_str()).collect();
        if let [city] = cities.into_iter().collect::<Vec<_>>()[..] {
            cx.about(city, None, None);
        }
        let mut kept = None;
        if let Some((m, before)) = mapping {
            kept = Some(m.file_name.clone());
            cx.tx().await?.save_import_mapping(&m.municipality, &m.file_name, &m.mapping).await?;
            cx.change(format!("取り込みの対応表（{}）", m.file_name), before, Some(m.mapping));
        }
        for c in &report.cities {
            let counts = c
                .tallies()
                .iter()
                .map(|(label, t)| format!("{label} 追加{} 変更{} 削除{}", t.added, t.changed, t.removed))
                .collect::<Vec<_>>();
            cx.change(format!("取り込み {}", c.name), None, Some(counts.join("、")));
        }
        let kept = kept.map(|name| format!("（対応表 {name} を保存）")).unwrap_or_default();
        cx.summary(format!("取り込み: {}{kept}", files.join("、")));
        Ok(report)
    }
}

/// Checks a mapping to keep (the actor administers its city, it parses
/// and names that city) and returns the city's stored one, if any, as
/// (file name, text).
async fn checked_mapping(
    store: &Store,
    actor: &Actor,
    m: &MappingToKeep,
) -> Result<Option<(String, String)>, CommandError> {
    let code = m.municipality.as_str();
    actor.require(Action::Administer, code, &[])?;
    store.municipality(code).await?;
    let checked = hyoka_import::mapping::parse(&m.file_name, &m.mapping)
        .map_err(|e| CommandError::invalid("mapping", e.to_string()))?;
    hyoka_import::mapping::city_code(&m.file_name, &checked, Some(code))
        .map_err(|e| CommandError::invalid("mapping", e.to_string()))?;
    Ok(store.import_mapping(code).await?.map(|b| (b.file_name, b.mapping)))
}
