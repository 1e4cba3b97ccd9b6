//! Writing what an import brings: keyed by stable identities, so importing
//! the same file again changes nothing, with each item's lists replaced
//! whole.

use std::collections::{HashMap, HashSet};

use hyoka_core::org::Validity;
use hyoka_core::plan::NodeRef;
use hyoka_core::plan::PlanTree;
use hyoka_store::{IndicatorSet, ItemSet, Municipality, NewIndicator, Printing, StoreError, StoreTx};

use super::derive::{derive, Derived};
use super::Prepared;
use crate::batch::{CityBatch, IndicatorRow, ItemRow, PlanRow, SectionRow};

/// Writes every city the import brings, then the findings that change.
/// `written` is told the rows written so far (of [`rows`] of every city).
pub(crate) async fn write(
    tx: &mut StoreTx,
    prepared: &Prepared,
    written: &mut (dyn FnMut(usize) + Send),
) -> Result<(), StoreError> {
    let mut done = 0;
    for (code, incoming) in &prepared.incoming {
        let stored = prepared.stored_sections.get(code).cloned().unwrap_or_default();
        let city = &incoming.city;
        write_city(tx, city, &stored, &mut |rows| written(done + rows)).await?;
        done += rows(city);
        written(done);
    }
    for (file, findings) in &prepared.findings.files {
        tx.replace_findings(file, findings).await?;
    }
    Ok(())
}

/// `stored`: the city's sections already in the store. They are written
/// again only when an item names them (their id is needed).
/// The rows a city brings, as a progress display counts them: each item,
/// indicator, plan node and section, and each row of their lists.
pub(crate) fn rows(city: &CityBatch) -> usize {
    let items: usize = city.items.iter().map(item_rows).sum();
    let indicators: usize = city.indicators.iter().map(|i| 1 + 2 * i.values.len() + 2 * i.judgements.len()).sum();
    let plans: usize = city.plans.iter().map(|p| 1 + p.nodes.len()).sum();
    1 + city.sections.len() + city.scales.len() + plans + items + indicators
}

fn item_rows(i: &ItemRow) -> usize {
    1 + i.placements.len()
        + i.sections.len()
        + i.narratives.len()
        + i.budgets.len()
        + i.evaluations.len()
        + i.schedule.len()
        + i.roadmap.iter().map(|r| 1 + r.cells.len()).sum::<usize>()
        + usize::from(i.next_direction.is_some())
}

/// `written` is told the rows of the city written so far.
async fn write_city(
    tx: &mut StoreTx,
    city: &CityBatch,
    stored: &HashSet<SectionRow>,
    written: &mut (dyn FnMut(usize) + Send),
) -> Result<(), StoreError> {
    let code = city.code.as_str();
    tx.upsert_municipality(&Municipality { code: city.code.clone(), name: city.name.clone() }).await?;
    let mut sections = HashMap::new();
    for s in city.items.iter().flat_map(|i| i.sections.iter()) {
        if let std::collections::hash_map::Entry::Vacant(slot) =
            sections.entry((s.department.clone(), s.section.clone()))
        {
            slot.insert(tx.upsert_section(code, &s.department, &s.section, Validity::default()).await?);
        }
    }
    for s in &city.sections {
        if !stored.contains(s) && !sections.contains_key(&(s.department.clone(), s.section.clone())) {
            let id = tx.upsert_section(code, &s.department, &s.section, Validity::default()).await?;
            sections.insert((s.department.clone(), s.section.clone()), id);
        }
    }
    for scale in &city.scales {
        tx.save_scale(code, scale).await?;
    }
    for plan in &city.plans {
        write_plan(tx, code, plan).await?;
    }
    // Everything below is written as sets: a few statements per table,
    // whatever the size of the city (docs/performance.md).
    let nodes = tx.node_ids(code).await?;
    let node_id = |n: &NodeRef| -> Result<i64, StoreError> {
        nodes
            .get(&(n.plan.clone(), n.node.clone()))
            .copied()
            .ok_or_else(|| StoreError::NotFound { what: "計画の項目", key: format!("{} {}", n.plan, n.node) })
    };
    let mut items = Vec::with_capacity(city.items.len());
    for item in &city.items {
        items.push(item_set(item, &sections, &node_id)?);
    }
    let item_ids = tx.write_items(code, &items).await?;
    drop(items);
    let plans: usize = city.plans.iter().map(|p| 1 + p.nodes.len()).sum();
    written(1 + city.sections.len() + city.scales.len() + plans + city.items.iter().map(item_rows).sum::<usize>());
    let derived: Vec<Derived> = city.indicators.iter().map(|ind| derive(code, ind)).collect();
    let mut indicators = Vec::with_capacity(city.indicators.len());
    for (ind, derived) in city.indicators.iter().zip(&derived) {
        indicators.push(indicator_set(tx, code, ind, derived, &item_ids, &node_id).await?);
    }
    tx.write_indicators(code, &indicators).await?;
    // Search documents are rebuilt once everything of the items is written.
    let mut ids: Vec<i64> = item_ids.into_values().collect();
    ids.sort_unstable();
    tx.reindex_items(&ids).await?;
    Ok(())
}

async fn write_plan(tx: &mut StoreTx, municipality: &str, plan: &PlanRow) -> Result<(), StoreError> {
    let levels: Vec<&str> = plan.level_names.iter().map(String::as_str).collect();
    let mut tree = PlanTree::new(&plan.code, &plan.name, &levels);
    for n in &plan.nodes {
        let added = match &n.parent {
            Some(p) => {
                let parent = tree.find(p).ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "計画「{}」の項目「{}」の親「{p}」が先に定義されていません",
                        plan.name, n.code
                    ))
                })?;
                tree.add_child(parent, &n.code, &n.title)
            }
            None => tree.add_root(&n.code, &n.title),
        };
        added.map_err(|e| StoreError::Invalid(format!("計画「{}」: {e}", plan.name)))?;
    }
    tx.save_plan(municipality, &tree).await?;
    let ids = tx.node_ids(municipality).await?;
    let mut tags = Vec::with_capacity(plan.nodes.len());
    for n in &plan.nodes {
        let id = ids
            .get(&(plan.code.clone(), n.code.clone()))
            .copied()
            .ok_or_else(|| StoreError::NotFound {
                what: "計画の項目", key: format!("{} {}", plan.code, n.code)
            })?;
        tags.push((id, n.tags.as_slice()));
    }
    tx.set_nodes_tags(&tags).await
}

/// An item with its lists, its nodes and sections found by name.
fn item_set<'a>(
    item: &'a ItemRow,
    sections: &HashMap<(String, String), i64>,
    node_id: &impl Fn(&NodeRef) -> Result<i64, StoreError>,
) -> Result<ItemSet<'a>, StoreError> {
    let placements = item
        .placements
        .iter()
        .map(|p| Ok((node_id(&NodeRef { plan: p.plan.clone(), node: p.node.clone() })?, p.relisting)))
        .collect::<Result<_, StoreError>>()?;
    let section_ids: Vec<i64> = item
        .sections
        .iter()
        .filter_map(|s| sections.get(&(s.department.clone(), s.section.clone())).copied())
        .collect();
    Ok(ItemSet {
        key: &item.key,
        kind: &item.kind,
        code: &item.code,
        title: &item.title,
        fiscal_year: item.fiscal_year,
        tags: &item.tags,
        relisting_of: item.relisting_of.as_deref(),
        placements,
        section_ids,
        narratives: &item.narratives,
        budgets: &item.budgets,
        evaluations: &item.evaluations,
        schedule: &item.schedule,
        roadmap: &item.roadmap,
        next_direction: item.next_direction.as_ref(),
    })
}

/// An indicator with all its printings, its values (the first printing
/// of each year and role) and its judgements.
async fn indicator_set<'a>(
    tx: &mut StoreTx,
    municipality: &str,
    ind: &IndicatorRow,
    derived: &'a Derived,
    item_ids: &HashMap<String, i64>,
    node_id: &impl Fn(&NodeRef) -> Result<i64, StoreError>,
) -> Result<IndicatorSet<'a>, StoreError> {
    let item_id = match &ind.item {
        // An item of the store that this import does not bring: rare.
        Some(key) => Some(match item_ids.get(key) {
            Some(id) => *id,
            None => tx.item_id(municipality, key).await?,
        }),
        None => None,
    };
    let node_id_of = ind.node.as_ref().map(node_id).transpose()?;
    let related_node_id = ind.related.as_ref().map(node_id).transpose()?;
    let mut printings: Vec<Printing> = ind
        .values
        .iter()
        .map(|v| Printing {
            fiscal_year: v.fiscal_year,
            role: v.role.code().to_string(),
            source: v.source.clone().unwrap_or_default(),
            printed: v.printed.clone(),
            printed_in: v.printed_in,
        })
        .collect();
    printings.extend(ind.judgements.iter().map(|j| Printing {
        fiscal_year: j.fiscal_year,
        role: "judgement".into(),
        source: j.source.clone().unwrap_or_default(),
        printed: j.printed.clone(),
        printed_in: j.printed_in,
    }));
    Ok(IndicatorSet {
        indicator: NewIndicator {
            key: ind.key.clone(),
            name: ind.name.clone(),
            kind: ind.kind,
            definition: ind.definition.clone(),
            unit: ind.unit.clone(),
            direction: ind.direction,
            vocabulary: ind.vocabulary.clone(),
            item_id,
            node_id: node_id_of,
            related_node_id,
        },
        printings,
        values: derived.values.iter().map(|((fy, role), cell)| (*fy, *role, cell)).collect(),
        judgements: derived.judgements.iter().map(|(fy, j)| (*fy, j)).collect(),
    })
}
