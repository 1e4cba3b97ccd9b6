//! Writing batches to the store: everything in one transaction, so a failed
//! import writes nothing, and keyed by stable identities, so importing the
//! same file again changes nothing.

use std::collections::{BTreeMap, HashMap};

use hyoka_core::judgement::{judge, Judgement, JudgementVocabulary};
use hyoka_core::org::Validity;
use hyoka_core::plan::PlanTree;
use hyoka_core::sheet::Finding;
use hyoka_core::{FiscalYear, IndicatorCell, ValueRole};
use hyoka_store::{Municipality, NewIndicator, NewItem, Printing, Store, StoreError, StoreTx};

use crate::batch::{CityBatch, IndicatorRow, ItemRow, PlanRow};
use crate::diff::{diff_city, CityChanges};
use crate::load::load_city;
use crate::Batch;

/// What an import did, or with `dry_run` would do.
#[derive(Debug, Default)]
pub struct ApplyReport {
    pub cities: Vec<CityChanges>,
    /// Findings stored for people to review (unplaced text, conflicts).
    pub findings: Vec<Finding>,
    pub dry_run: bool,
}

/// Applies batches read from named files. With `dry_run` the changes are
/// computed and reported but nothing is written.
pub async fn apply(store: &Store, batches: &[(String, Batch)], dry_run: bool) -> Result<ApplyReport, StoreError> {
    let mut report = ApplyReport { dry_run, ..ApplyReport::default() };
    // Several files may feed the same city (三鷹市 has two documents): the
    // comparison is made against the state before any of them.
    let mut before: BTreeMap<String, CityBatch> = BTreeMap::new();
    let mut incoming: BTreeMap<String, CityBatch> = BTreeMap::new();
    for (_, batch) in batches {
        for city in &batch.cities {
            if !before.contains_key(&city.code) {
                before.insert(city.code.clone(), load_city(store, &city.code).await?);
            }
            merge_into(incoming.entry(city.code.clone()).or_default(), city);
        }
    }
    for (code, city) in &incoming {
        report.cities.push(diff_city(&before[code], city));
    }

    let mut tx = store.begin().await?;
    for (file, batch) in batches {
        let mut findings = batch.findings.clone();
        for city in &batch.cities {
            findings.extend(write_city(&mut tx, file, city).await?);
        }
        tx.replace_findings(file, &findings).await?;
        report.findings.extend(findings);
    }
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(report)
}

/// Adds one file's view of a city to what other files said of it.
fn merge_into(into: &mut CityBatch, city: &CityBatch) {
    if into.code.is_empty() {
        into.code = city.code.clone();
    }
    into.name = city.name.clone();
    into.sections.extend(city.sections.iter().cloned());
    into.scales.extend(city.scales.iter().cloned());
    into.plans.extend(city.plans.iter().cloned());
    into.items.extend(city.items.iter().cloned());
    into.indicators.extend(city.indicators.iter().cloned());
}

async fn write_city(tx: &mut StoreTx, file: &str, city: &CityBatch) -> Result<Vec<Finding>, StoreError> {
    let code = city.code.as_str();
    tx.upsert_municipality(&Municipality { code: city.code.clone(), name: city.name.clone() }).await?;
    let mut sections = HashMap::new();
    for s in city.sections.iter().chain(city.items.iter().flat_map(|i| i.sections.iter())) {
        if let std::collections::hash_map::Entry::Vacant(slot) =
            sections.entry((s.department.clone(), s.section.clone()))
        {
            slot.insert(tx.upsert_section(code, &s.department, &s.section, Validity::default()).await?);
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
    let mut findings = Vec::new();
    for ind in &city.indicators {
        findings.extend(write_indicator(tx, file, code, ind, &item_ids).await?);
    }
    // Search documents are rebuilt once everything of the item is written.
    for id in item_ids.values() {
        tx.reindex_item(*id).await?;
    }
    Ok(findings)
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
    tx.replace_next_direction(id, item.next_direction.as_ref()).await?;
    Ok(id)
}

/// Writes an indicator with all its printings. The first printing of each
/// year and role is its value; later printings that mean something else
/// are findings, as are printed judgements that contradict the numbers.
async fn write_indicator(
    tx: &mut StoreTx,
    file: &str,
    municipality: &str,
    ind: &IndicatorRow,
    item_ids: &HashMap<String, i64>,
) -> Result<Vec<Finding>, StoreError> {
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
        })
        .collect();
    printings.extend(ind.judgements.iter().map(|j| Printing {
        fiscal_year: j.fiscal_year,
        role: "judgement".into(),
        source: j.source.clone().unwrap_or_default(),
        printed: j.printed.clone(),
    }));
    tx.replace_printings(id, &printings).await?;
    tx.clear_indicator_values(id).await?;

    let finding = |kind: &str, fy: FiscalYear, text: String, message: String| Finding {
        municipality: Some(municipality.to_string()),
        kind: kind.into(),
        file: file.to_string(),
        line: None,
        text,
        message: format!("{}（{}）: {message}", ind.name, fy.label()),
    };
    let mut findings = Vec::new();
    let mut first: BTreeMap<(FiscalYear, ValueRole), (IndicatorCell, &str)> = BTreeMap::new();
    for v in &ind.values {
        let cell = IndicatorCell::parse(&v.printed);
        match first.get(&(v.fiscal_year, v.role)) {
            None => {
                tx.set_indicator_value(id, v.fiscal_year, v.role, &cell).await?;
                first.insert((v.fiscal_year, v.role), (cell, v.source.as_deref().unwrap_or("")));
            }
            Some((kept, kept_source)) if kept.meaning() != cell.meaning() => findings.push(finding(
                "value_conflict",
                v.fiscal_year,
                format!("{} / {}", kept.printed(), v.printed),
                format!(
                    "{}が表によって異なります（{}「{}」、{}「{}」）。両方の記載を保存しています",
                    v.role.label(),
                    source_name(kept_source),
                    kept.printed(),
                    source_name(v.source.as_deref().unwrap_or("")),
                    v.printed
                ),
            )),
            Some(_) => {}
        }
    }

    let vocabulary =
        ind.vocabulary.as_deref().and_then(|c| JudgementVocabulary::presets().into_iter().find(|v| v.code == c));
    let mut years: Vec<FiscalYear> = ind.judgements.iter().map(|j| j.fiscal_year).collect();
    years.extend(first.keys().filter(|(_, r)| *r == ValueRole::Actual).map(|(fy, _)| *fy));
    years.sort();
    years.dedup();
    for fy in years {
        let printed: Vec<_> = ind.judgements.iter().filter(|j| j.fiscal_year == fy).collect();
        let verdict = match (first.get(&(fy, ValueRole::Target)), first.get(&(fy, ValueRole::Actual))) {
            (Some((t, _)), Some((a, _))) => Some(judge(ind.direction, t, a, None)),
            _ => None,
        };
        let judgement = match (&vocabulary, &verdict) {
            (Some(v), Some(verdict)) => Judgement::compute(printed.first().map(|j| j.printed.as_str()), v, verdict),
            _ => Judgement { printed: printed.first().map(|j| j.printed.clone()), computed: None, declared: None },
        };
        if judgement.printed.is_none() && judgement.computed.is_none() {
            continue;
        }
        tx.set_judgement(id, fy, &judgement).await?;
        // Every printed judgement is checked, not only the first: the same
        // year judged in two tables may be right in one and wrong in the other.
        if let (Some(v), Some(verdict)) = (&vocabulary, &verdict) {
            for j in printed {
                // One indicator printed in two tables may be judged in two
                // vocabularies (順調/遅れ in one, 達成/未達成 in the other):
                // each printed word is checked in the vocabulary it belongs to.
                let own = vocabulary_of(&j.printed).filter(|_| !v.labels().any(|l| l == j.printed.trim()));
                let check = Judgement::compute(Some(&j.printed), own.as_ref().unwrap_or(v), verdict);
                if let Some(d) = check.disagreement() {
                    findings.push(finding(
                        "judgement_mismatch",
                        fy,
                        j.printed.clone(),
                        format!(
                            "{}の判定「{}」は目標と実績から計算した「{}」と一致しません",
                            source_name(j.source.as_deref().unwrap_or("")),
                            d.stated,
                            d.computed
                        ),
                    ));
                }
            }
        }
    }
    Ok(findings)
}

/// The preset vocabulary a printed judgement word belongs to.
fn vocabulary_of(printed: &str) -> Option<JudgementVocabulary> {
    let word = printed.trim();
    JudgementVocabulary::presets().into_iter().find(|v| v.labels().any(|l| l == word))
}

fn source_name(source: &str) -> &str {
    if source.is_empty() {
        "表"
    } else {
        source
    }
}
