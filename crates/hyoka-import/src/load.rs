//! Reading a city back from the store as a [`CityBatch`]: the inverse of
//! `apply`, used for the canonical export and to compute what an import
//! changes.

use std::collections::HashMap;

use hyoka_core::text::normalise;
use hyoka_core::{FiscalYear, ValueRole};
use hyoka_store::{Store, StoreError};

use crate::batch::{
    CityBatch, IndicatorRow, ItemRow, JudgementRow, NodeRef, NodeRow, PlacementRow, PlanRow, SectionRow, ValueRow,
};

/// The city as stored, normalised; empty (with only its code) when the
/// city is not in the store yet.
pub async fn load_city(store: &Store, code: &str) -> Result<CityBatch, StoreError> {
    let name = match store.municipality(code).await {
        Ok(m) => m.name,
        Err(StoreError::NotFound { .. }) => return Ok(CityBatch { code: code.to_string(), ..CityBatch::default() }),
        Err(e) => return Err(e),
    };
    let mut city = CityBatch { code: code.to_string(), name, ..CityBatch::default() };
    let org = store.organisation(code).await?;
    for d in &org.departments {
        for s in &d.sections {
            city.sections.push(SectionRow { department: d.name.clone(), section: s.name.clone() });
        }
    }
    city.scales = store.scales(code).await?;

    let mut node_refs: HashMap<i64, NodeRef> = HashMap::new();
    for plan in store.plans(code).await? {
        let nodes = store.plan_nodes(plan.id).await?;
        let codes: HashMap<i64, String> = nodes.iter().map(|n| (n.id, n.code.clone())).collect();
        for n in &nodes {
            node_refs.insert(n.id, NodeRef { plan: plan.code.clone(), node: n.code.clone() });
        }
        city.plans.push(PlanRow {
            code: plan.code.clone(),
            name: plan.name.clone(),
            level_names: plan.level_names.clone(),
            nodes: nodes
                .iter()
                .map(|n| NodeRow {
                    code: n.code.clone(),
                    parent: n.parent_id.and_then(|p| codes.get(&p).cloned()),
                    title: n.title.clone(),
                    tags: n.tags.clone(),
                })
                .collect(),
        });
    }

    let mut item_keys: HashMap<i64, String> = HashMap::new();
    for item in store.items(code).await? {
        item_keys.insert(item.id, item.key.clone());
        city.items.push(ItemRow {
            key: item.key.clone(),
            kind: item.kind.clone(),
            code: item.code.clone(),
            title: item.title.clone(),
            fiscal_year: item.fiscal_year,
            tags: item.tags.clone(),
            placements: store
                .item_placements(item.id)
                .await?
                .into_iter()
                .map(|(plan, node, relisting)| PlacementRow { plan, node, relisting })
                .collect(),
            relisting_of: item.relisting_of.clone(),
            sections: store
                .item_sections(item.id)
                .await?
                .into_iter()
                .map(|(department, section)| SectionRow { department, section })
                .collect(),
            narratives: store.narratives(item.id).await?,
            budgets: store.budgets(item.id).await?,
            evaluations: store.evaluations(item.id).await?,
            schedule: store.schedule(item.id).await?,
            next_direction: store.next_direction(item.id).await?,
            roadmap: store.roadmap(item.id).await?,
        });
    }

    for ind in store.indicators(code).await? {
        let mut row = IndicatorRow {
            key: ind.key.clone(),
            name: ind.name.clone(),
            kind: ind.kind,
            definition: ind.definition.clone(),
            unit: ind.unit.clone(),
            direction: ind.direction,
            vocabulary: ind.vocabulary.clone(),
            item: ind.item_id.and_then(|id| item_keys.get(&id).cloned()),
            node: ind.node_id.and_then(|id| node_refs.get(&id).cloned()),
            related: ind.related_node_id.and_then(|id| node_refs.get(&id).cloned()),
            values: Vec::new(),
            judgements: Vec::new(),
        };
        let printings = store.printings(ind.id).await?;
        let values = store.indicator_values(ind.id).await?;
        let judged = store.judgements(ind.id).await?;
        if printings.is_empty() {
            // Written by hand rather than imported: the values are the record.
            for v in &values {
                row.values.push(ValueRow {
                    fiscal_year: v.fiscal_year,
                    role: v.role,
                    printed: v.cell.printed().to_string(),
                    source: None,
                    printed_in: None,
                });
            }
            for j in &judged {
                if let Some(printed) = j.judgement.printed.clone() {
                    row.judgements.push(JudgementRow {
                        fiscal_year: j.fiscal_year,
                        printed,
                        source: None,
                        printed_in: None,
                    });
                }
            }
        }
        // The printing that is the value of its year and role (or the
        // judgement of its year) comes first, as it came in the file.
        let value_of: HashMap<(FiscalYear, ValueRole), String> =
            values.into_iter().map(|v| ((v.fiscal_year, v.role), v.cell.printed().to_string())).collect();
        let judgement_of: HashMap<FiscalYear, String> =
            judged.into_iter().filter_map(|j| j.judgement.printed.map(|p| (j.fiscal_year, p))).collect();
        let mut first_value: HashMap<(FiscalYear, ValueRole), usize> = HashMap::new();
        let mut first_judgement: HashMap<FiscalYear, usize> = HashMap::new();
        let mut values = Vec::new();
        let mut judgements = Vec::new();
        for p in printings {
            let source = (!p.source.is_empty()).then_some(p.source);
            if p.role == "judgement" {
                // Stored judgements are folded (white space, width).
                if judgement_of.get(&p.fiscal_year).is_some_and(|j| *j == p.printed || *j == normalise(&p.printed)) {
                    first_judgement.entry(p.fiscal_year).or_insert(judgements.len());
                }
                judgements.push(JudgementRow {
                    fiscal_year: p.fiscal_year,
                    printed: p.printed,
                    source,
                    printed_in: p.printed_in,
                });
            } else {
                let role: ValueRole = p.role.parse().map_err(StoreError::Invalid)?;
                if value_of.get(&(p.fiscal_year, role)).is_some_and(|v| *v == p.printed) {
                    first_value.entry((p.fiscal_year, role)).or_insert(values.len());
                }
                values.push(ValueRow {
                    fiscal_year: p.fiscal_year,
                    role,
                    printed: p.printed,
                    source,
                    printed_in: p.printed_in,
                });
            }
        }
        row.values.extend(firsts_first(values, first_value.into_values().collect()));
        row.judgements.extend(firsts_first(judgements, first_judgement.into_values().collect()));
        city.indicators.push(row);
    }
    normalize(&mut city);
    Ok(city)
}

/// Puts a city's lists in a canonical order so that two batches holding the
/// same data compare equal. Order that carries meaning (plan nodes,
/// narratives, schedule rows) is kept.
pub fn normalize(city: &mut CityBatch) {
    city.sections.sort_by(|a, b| (&a.department, &a.section).cmp(&(&b.department, &b.section)));
    city.sections.dedup();
    city.scales.sort_by(|a, b| a.code.cmp(&b.code));
    city.scales.dedup_by(|a, b| a.code == b.code);
    city.plans.sort_by(|a, b| a.code.cmp(&b.code));
    city.items.sort_by(|a, b| a.key.cmp(&b.key));
    for item in &mut city.items {
        item.placements.sort_by(|a, b| (&a.plan, &a.node).cmp(&(&b.plan, &b.node)));
        item.placements.dedup_by(|a, b| a.plan == b.plan && a.node == b.node);
        item.sections.sort_by(|a, b| (&a.department, &a.section).cmp(&(&b.department, &b.section)));
        item.sections.dedup();
        item.budgets.sort_by_key(|b| b.fiscal_year);
        item.evaluations.sort_by_key(|e| (e.fiscal_year, e.stage, e.evaluator));
    }
    city.indicators.sort_by(|a, b| a.key.cmp(&b.key));
    for ind in &mut city.indicators {
        first_then_by_source(&mut ind.values, |v| (v.fiscal_year, v.role), |v| &v.printed, |v| v.source.clone());
        first_then_by_source(&mut ind.judgements, |j| j.fiscal_year, |j| &j.printed, |j| j.source.clone());
    }
}

/// The rows at `firsts` before the others, each part in its order;
/// [`normalize`] then keeps them first in their groups.
fn firsts_first<T>(rows: Vec<T>, firsts: std::collections::HashSet<usize>) -> Vec<T> {
    let (mut a, b): (Vec<_>, Vec<_>) = rows.into_iter().enumerate().partition(|(i, _)| firsts.contains(i));
    a.extend(b);
    a.into_iter().map(|(_, t)| t).collect()
}

/// Orders printings by their group (year and role). The first of each
/// group is the value the store keeps for it, so it stays first, with the
/// printings of the same text (which of them leads changes nothing
/// stored); the others follow by source.
fn first_then_by_source<T, G: Ord, S: Ord>(
    list: &mut [T],
    group: impl Fn(&T) -> G,
    text: impl Fn(&T) -> &str,
    source: impl Fn(&T) -> S,
) {
    list.sort_by_key(&group);
    let mut start = 0;
    while start < list.len() {
        let g = group(&list[start]);
        let end = start + list[start..].iter().take_while(|t| group(t) == g).count();
        let lead = text(&list[start]).to_string();
        list[start..end].sort_by_key(|t| (text(t) != lead, source(t)));
        start = end;
    }
}
