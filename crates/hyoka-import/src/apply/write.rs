//! Writing what an import brings: keyed by stable identities, so importing
//! the same file again changes nothing, with each item's lists replaced
//! whole.

use std::collections::{HashMap, HashSet};

use hyoka_core::org::Validity;
use hyoka_core::plan::PlanTree;
use hyoka_store::{Municipality, NewIndicator, NewItem, Printing, StoreError, StoreTx};

use super::derive::derive;
use super::Prepared;
use crate::batch::{CityBatch, IndicatorRow, ItemRow, PlanRow, SectionRow};

/// Writes every city the import brings, then the findings that change.
pub(crate) async fn write(tx: &mut StoreTx, prepared: &Prepared) -> Result<(), StoreError> {
    for (code, incoming) in &prepared.incoming {
        let stored = prepared.stored_sections.get(code).cloned().unwrap_or_default();
        write_city(tx, &incoming.city, &stored).await?;
    }
    for (file, findings) in &prepared.findings.files {
        tx.replace_findings(file, findings).await?;
    }
    Ok(())
}

/// `stored`: the city's sections already in the store. They are written
/// again only when an item names them (their id is needed).
async fn write_city(tx: &mut StoreTx, city: &CityBatch, stored: &HashSet<SectionRow>) -> Result<(), StoreError> {
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
    let mut item_ids = HashMap::new();
    for item in &city.items {
        let id = write_item(tx, code, item, &sections).await?;
        item_ids.insert(item.key.clone(), id);
    }
    for ind in &city.indicators {
        write_indicator(tx, code, ind, &item_ids).await?;
    }
    // Search documents are rebuilt once everything of the item is written.
    for id in item_ids.values() {
        tx.reindex_item(*id).await?;
    }
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
    for n in &plan.nodes {
        let id = tx.node_id(municipality, &plan.code, &n.code).await?;
        tx.set_node_tags(id, &n.tags).await?;
    }
    Ok(())
}

async fn write_item(
    tx: &mut StoreTx,
    municipality: &str,
    item: &ItemRow,
    sections: &HashMap<(String, String), i64>,
) -> Result<i64, StoreError> {
    let id = tx
        .upsert_item(
            municipality,
            &NewItem {
                key: item.key.clone(),
                kind: item.kind.clone(),
                code: item.code.clone(),
                title: item.title.clone(),
            },
        )
        .await?;
    tx.set_item_details(id, item.fiscal_year, &item.tags, item.relisting_of.as_deref()).await?;
    let mut placements = Vec::new();
    for p in &item.placements {
        placements.push((tx.node_id(municipality, &p.plan, &p.node).await?, p.relisting));
    }
    tx.replace_placements(id, &placements).await?;
    let section_ids: Vec<i64> = item
        .sections
        .iter()
        .filter_map(|s| sections.get(&(s.department.clone(), s.section.clone())).copied())
        .collect();
    tx.replace_item_sections(id, &section_ids).await?;
    tx.replace_narratives(id, &item.narratives).await?;
    tx.replace_budgets(id, &item.budgets).await?;
    tx.replace_evaluations(municipality, id, &item.evaluations).await?;
    tx.replace_schedule(id, &item.schedule).await?;
    tx.replace_roadmap(id, &item.roadmap).await?;
    tx.replace_next_direction(id, item.next_direction.as_ref()).await?;
    Ok(id)
}

/// Writes an indicator with all its printings, its values (the first
/// printing of each year and role) and its judgements.
async fn write_indicator(
    tx: &mut StoreTx,
    municipality: &str,
    ind: &IndicatorRow,
    item_ids: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    let item_id = match &ind.item {
        Some(key) => Some(match item_ids.get(key) {
            Some(id) => *id,
            None => tx.item_id(municipality, key).await?,
        }),
        None => None,
    };
    let node_id = match &ind.node {
        Some(n) => Some(tx.node_id(municipality, &n.plan, &n.node).await?),
        None => None,
    };
    let related_node_id = match &ind.related {
        Some(n) => Some(tx.node_id(municipality, &n.plan, &n.node).await?),
        None => None,
    };
    let id = tx
        .upsert_indicator(
            municipality,
            &NewIndicator {
                key: ind.key.clone(),
                name: ind.name.clone(),
                kind: ind.kind,
                definition: ind.definition.clone(),
                unit: ind.unit.clone(),
                direction: ind.direction,
                vocabulary: ind.vocabulary.clone(),
                item_id,
                node_id,
                related_node_id,
            },
        )
        .await?;
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
    tx.replace_printings(id, &printings).await?;
    let derived = derive(municipality, ind);
    let values: Vec<_> = derived.values.iter().map(|((fy, role), cell)| (*fy, *role, cell)).collect();
    let judgements: Vec<_> = derived.judgements.iter().map(|(fy, j)| (*fy, j)).collect();
    tx.replace_indicator_values(id, &values, &judgements).await
}
