//! What an import brings for each city, and the city as it will be
//! afterwards, computed before anything is written: the comparison, the
//! check of locked years and the report all work on these.

use std::collections::{BTreeMap, HashMap};

use hyoka_core::text::normalise;

use crate::batch::{CityBatch, NodeRow, PlanRow, SectionRow};
use crate::load::normalize;
use crate::Batch;

/// One city as every file of the import describes it.
pub(crate) struct Incoming {
    pub city: CityBatch,
    /// The file each indicator comes from (the last one that has it).
    pub indicator_file: HashMap<String, String>,
}

/// Gathers the cities of all files. A later file's item, indicator, scale
/// or plan node replaces an earlier file's with the same key, as writing
/// the files one after the other would.
pub(crate) fn incoming(batches: &[(String, Batch)]) -> BTreeMap<String, Incoming> {
    let mut out: BTreeMap<String, Incoming> = BTreeMap::new();
    for (file, batch) in batches {
        for city in &batch.cities {
            let into = out.entry(city.code.clone()).or_insert_with(|| Incoming {
                city: CityBatch { code: city.code.clone(), ..CityBatch::default() },
                indicator_file: HashMap::new(),
            });
            let mut city = city.clone();
            fold_identities(&mut city);
            for ind in &city.indicators {
                into.indicator_file.insert(ind.key.clone(), file.clone());
            }
            merge(&mut into.city, city);
        }
    }
    out
}

/// The store folds section names and plan node codes (width, spaces);
/// folding them here too makes what is compared what will be stored.
fn fold_identities(city: &mut CityBatch) {
    let fold_section =
        |s: &mut SectionRow| *s = SectionRow { department: normalise(&s.department), section: normalise(&s.section) };
    city.sections.iter_mut().for_each(fold_section);
    for plan in &mut city.plans {
        for n in &mut plan.nodes {
            n.code = normalise(&n.code);
            n.parent = n.parent.as_deref().map(normalise);
            // The plan tree keeps titles trimmed.
            if n.title.trim().len() != n.title.len() {
                n.title = n.title.trim().to_string();
            }
        }
    }
    for item in &mut city.items {
        item.sections.iter_mut().for_each(fold_section);
        for p in &mut item.placements {
            p.node = normalise(&p.node);
        }
    }
    for ind in &mut city.indicators {
        if let Some(n) = &mut ind.node {
            n.node = normalise(&n.node);
        }
    }
}

/// Adds one file's view of a city to what earlier files said of it.
fn merge(into: &mut CityBatch, city: CityBatch) {
    into.name = city.name;
    into.sections.extend(city.sections);
    upsert(&mut into.scales, city.scales, |s| s.code.clone());
    for plan in city.plans {
        match into.plans.iter_mut().find(|p| p.code == plan.code) {
            Some(p) => {
                p.name = plan.name;
                p.level_names = plan.level_names;
                upsert(&mut p.nodes, plan.nodes, |n| n.code.clone());
            }
            None => into.plans.push(plan),
        }
    }
    upsert(&mut into.items, city.items, |i| i.key.clone());
    upsert(&mut into.indicators, city.indicators, |i| i.key.clone());
}

/// Replaces rows with the same key in place and appends the others. Rows
/// of `new` sharing a key among themselves are all kept: the writer
/// refuses them with its own message.
fn upsert<T>(into: &mut Vec<T>, new: Vec<T>, key: impl Fn(&T) -> String) {
    if into.is_empty() {
        *into = new;
        return;
    }
    let at: HashMap<String, usize> = into.iter().enumerate().map(|(i, t)| (key(t), i)).collect();
    for t in new {
        match at.get(&key(&t)) {
            Some(&i) => into[i] = t,
            None => into.push(t),
        }
    }
}

/// The city as it will be stored after the import: what was stored, with
/// every row the import brings added or replaced. Nothing the import does
/// not name is removed. Normalised, like [`crate::load_city`]'s result.
pub(crate) fn after(before: &CityBatch, incoming: &CityBatch) -> CityBatch {
    let mut after = before.clone();
    after.code = incoming.code.clone();
    after.name = incoming.name.clone();
    after.sections.extend(incoming.sections.iter().cloned());
    after.sections.extend(incoming.items.iter().flat_map(|i| i.sections.iter().cloned()));
    replace_by_key(&mut after.scales, &incoming.scales, |s| s.code.clone());
    for plan in &incoming.plans {
        match after.plans.iter_mut().find(|p| p.code == plan.code) {
            Some(p) => *p = plan_after(p, plan),
            None => after.plans.push(plan.clone()),
        }
    }
    replace_by_key(&mut after.items, &incoming.items, |i| i.key.clone());
    replace_by_key(&mut after.indicators, &incoming.indicators, |i| i.key.clone());
    normalize(&mut after);
    after
}

/// A plan's nodes after saving: the incoming ones in their order (they are
/// given positions from 0), then the stored ones the import does not name.
fn plan_after(before: &PlanRow, incoming: &PlanRow) -> PlanRow {
    let named: std::collections::HashSet<&str> = incoming.nodes.iter().map(|n| n.code.as_str()).collect();
    let mut nodes: Vec<NodeRow> = incoming.nodes.clone();
    nodes.extend(before.nodes.iter().filter(|n| !named.contains(n.code.as_str())).cloned());
    PlanRow { nodes, ..incoming.clone() }
}

fn replace_by_key<T: Clone>(into: &mut Vec<T>, new: &[T], key: impl Fn(&T) -> String) {
    let at: HashMap<String, usize> = into.iter().enumerate().map(|(i, t)| (key(t), i)).collect();
    for t in new {
        match at.get(&key(t)) {
            Some(&i) => into[i] = t.clone(),
            None => into.push(t.clone()),
        }
    }
}
