//! Which findings the store keeps after an import.
//!
//! A reader's findings belong to its file: importing the file again
//! replaces them. Findings computed from the numbers (conflicting
//! printings, contradicted judgements) belong to the data: after an import
//! the store holds exactly those the cities' data raise, wherever the data
//! came from. One that was already stored stays where it is, so importing
//! an export of the data (under another file name) adds nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hyoka_core::sheet::Finding;

use super::changes::Tally;
use super::derive::is_derived;
use crate::Batch;

pub(crate) struct FindingsPlan {
    /// Files whose stored findings change, with their new list.
    pub files: Vec<(String, Vec<Finding>)>,
    pub tally: Tally,
    /// The findings of this import: what the readers noticed and what the
    /// imported indicators' numbers raise.
    pub of_import: Vec<Finding>,
}

type Key = (Option<String>, String, Option<usize>, String, String);

fn key(f: &Finding) -> Key {
    (f.municipality.clone(), f.kind.clone(), f.line, f.text.clone(), f.message.clone())
}

/// `existing`: every stored finding. `derived`: the findings raised by the
/// data of the cities the import touches (`cities`), after it, each with
/// the file it should go to if new (empty for data the import does not
/// bring). `imported`: whether a derived finding is about imported data.
pub(crate) fn plan(
    existing: Vec<Finding>,
    batches: &[(String, Batch)],
    derived: Vec<(Finding, bool)>,
    cities: &BTreeSet<String>,
) -> FindingsPlan {
    let mut stored: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for f in existing {
        stored.entry(f.file.clone()).or_default().push(f);
    }
    // Stored derived findings of the touched cities, by what they say.
    let mut unmatched: HashMap<Key, Vec<(String, usize)>> = HashMap::new();
    for (file, list) in &stored {
        for (i, f) in list.iter().enumerate() {
            if is_derived(f) && f.municipality.as_ref().is_some_and(|m| cities.contains(m)) {
                unmatched.entry(key(f)).or_default().push((file.clone(), i));
            }
        }
    }
    let mut added: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    let mut of_import = Vec::new();
    for (f, imported) in derived {
        let kept = unmatched.get_mut(&key(&f)).and_then(Vec::pop);
        if imported {
            of_import.push(match &kept {
                Some((file, _)) => Finding { file: file.clone(), ..f.clone() },
                None => f.clone(),
            });
        }
        if kept.is_none() && !f.file.is_empty() {
            added.entry(f.file.clone()).or_default().push(f);
        }
    }
    let removed: BTreeSet<(String, usize)> = unmatched.into_values().flatten().collect();

    let mut read: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for (file, batch) in batches {
        let list = read.entry(file.clone()).or_default();
        list.extend(batch.findings.iter().map(|f| Finding { file: file.clone(), ..f.clone() }));
    }
    of_import.splice(0..0, read.values().flatten().cloned());

    let mut files: BTreeSet<String> = read.keys().cloned().collect();
    files.extend(added.keys().cloned());
    files.extend(removed.iter().map(|(f, _)| f.clone()));
    let mut plan = FindingsPlan { files: Vec::new(), tally: Tally::default(), of_import };
    for file in files {
        let old = stored.get(&file).map_or(&[][..], Vec::as_slice);
        let imported = read.get(&file);
        let mut new: Vec<Finding> = Vec::new();
        if let Some(list) = imported {
            new.extend(list.iter().cloned());
        }
        for (i, f) in old.iter().enumerate() {
            let keep = if imported.is_some() { is_derived(f) } else { true };
            if keep && !removed.contains(&(file.clone(), i)) {
                new.push(f.clone());
            }
        }
        new.extend(added.remove(&file).unwrap_or_default());
        let before = count(old);
        let after = count(&new);
        let mut same = true;
        for (k, n) in &after {
            let b = before.get(k).copied().unwrap_or(0);
            plan.tally.unchanged += b.min(*n);
            plan.tally.added += n.saturating_sub(b);
            same &= b == *n;
        }
        for (k, b) in &before {
            let n = after.get(k).copied().unwrap_or(0);
            plan.tally.removed += b.saturating_sub(n);
            same &= *b == n;
        }
        if !same {
            plan.files.push((file, new));
        }
    }
    plan
}

fn count(list: &[Finding]) -> HashMap<Key, usize> {
    let mut m = HashMap::new();
    for f in list {
        *m.entry(key(f)).or_default() += 1;
    }
    m
}
