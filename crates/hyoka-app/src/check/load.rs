//! Fills the checks' input (`hyoka_core::check::input`) from what the
//! store holds of a city-year (`Store::check_year_set`). No I/O here: the
//! set is read first, in a fixed number of statements.

use std::collections::{HashMap, HashSet};

use hyoka_core::check::{
    CityYearInput, IndicatorInput, JudgementInput, Located, NodeInput, PlacementInput, PlanInput, Relisting,
    ScaleInput, SheetInput, ValueInput,
};
use hyoka_core::judgement::JudgementVocabulary;
use hyoka_core::{EvaluationScale, FiscalYear, IndicatorCell, ValueRole};
use hyoka_store::{CheckIndicatorSet, CheckItemSet, CheckYearSet};

/// The checks' input for a city-year. Takes the set: its rows move into
/// the input rather than being copied (a big city's set is most of the
/// memory the checks use).
pub fn city_year_input(city: &str, fy: FiscalYear, set: CheckYearSet, scales: &[EvaluationScale]) -> CityYearInput {
    let parents = parents(&set);
    let plans = plans(&set);
    // A plan node's indicators (a 施策's, printed on its sheet) go with
    // the first item placed at the node without being a re-listing.
    let mut node_owner: HashMap<i64, i64> = HashMap::new();
    for s in &set.items {
        for p in s.placements.iter().filter(|p| !p.relisting) {
            node_owner.entry(p.node_id).or_insert(s.item.id);
        }
    }
    let mut indicators: HashMap<i64, Vec<IndicatorInput>> = HashMap::new();
    for i in set.indicators {
        let owner = i.indicator.item_id.or_else(|| i.indicator.node_id.and_then(|n| node_owner.get(&n).copied()));
        if let Some(owner) = owner {
            indicators.entry(owner).or_default().push(owned_indicator_input(i));
        }
    }
    let sheets = set
        .items
        .into_iter()
        .map(|s| SheetInput {
            parent: parents.get(&s.item.id).cloned(),
            indicators: indicators.remove(&s.item.id).unwrap_or_default(),
            ..owned_sheet_input(s, fy)
        })
        .collect();
    CityYearInput {
        city: city.to_string(),
        fiscal_year: Some(fy),
        scales: scales.iter().cloned().map(ScaleInput::new).collect(),
        vocabularies: Vec::new(),
        words: Default::default(),
        sheets,
        plans,
        tallies: Vec::new(),
    }
}

/// Gives the input's plans their names (the year set knows their keys
/// only), so that messages name a plan as people know it.
pub fn name_plans(input: &mut CityYearInput, plans: &[hyoka_store::PlanRecord]) {
    for p in &mut input.plans {
        if let Some(named) = plans.iter().find(|x| x.code == p.code) {
            p.name = named.name.clone();
        }
    }
}

/// One sheet without its indicators and parent (set by the caller).
pub fn sheet_input(s: &CheckItemSet, fy: FiscalYear) -> SheetInput {
    owned_sheet_input(s.clone(), fy)
}

fn owned_sheet_input(s: CheckItemSet, fy: FiscalYear) -> SheetInput {
    SheetInput {
        fiscal_year: Some(fy),
        narratives: s.narratives.into_iter().map(Located::new).collect(),
        budgets: s.budgets.into_iter().map(Located::new).collect(),
        evaluations: s.evaluations.into_iter().map(Located::new).collect(),
        placements: s
            .placements
            .iter()
            .map(|p| PlacementInput { plan: p.plan_code.clone(), node: p.node_code.clone(), relisting: p.relisting })
            .collect(),
        relisting: s.item.relisting_of.map(|of| Relisting {
            of_item: Some(of),
            of_node: None,
            printed: String::new(),
            line: None,
        }),
        key: s.item.key,
        code: s.item.code,
        title: s.item.title,
        ..SheetInput::default()
    }
}

/// An indicator with every printing of every cell: each table's printing
/// as its own value (so that two tables can be compared), and the stored
/// cell where no table printing was kept.
pub fn indicator_input(set: &CheckIndicatorSet) -> IndicatorInput {
    owned_indicator_input(set.clone())
}

fn owned_indicator_input(set: CheckIndicatorSet) -> IndicatorInput {
    let i = set.indicator;
    let mut input = IndicatorInput::new(&i.key, &i.name, i.direction);
    input.kind = i.kind;
    input.unit = i.unit;
    input.vocabulary =
        i.vocabulary.as_ref().and_then(|v| JudgementVocabulary::presets().into_iter().find(|p| &p.code == v));
    // A printing that reads as the stored cell takes its parsed meaning
    // (parsing every printed cell again was most of a big city's time).
    let stored: HashMap<(FiscalYear, ValueRole), &IndicatorCell> =
        set.values.iter().map(|v| ((v.fiscal_year, v.role), &v.cell)).collect();
    let mut printed: HashSet<(FiscalYear, ValueRole)> = HashSet::new();
    for p in set.printings {
        if p.role == "judgement" {
            input.judgements.push(JudgementInput {
                fiscal_year: p.fiscal_year,
                printed: p.printed,
                source: Some(p.source),
                line: None,
            });
        } else if let Ok(role) = p.role.parse::<ValueRole>() {
            printed.insert((p.fiscal_year, role));
            input.values.push(ValueInput {
                fiscal_year: p.fiscal_year,
                role,
                cell: match stored.get(&(p.fiscal_year, role)) {
                    Some(cell) if cell.printed() == p.printed => (*cell).clone(),
                    _ => IndicatorCell::parse(&p.printed),
                },
                source: Some(p.source),
                line: None,
            });
        }
    }
    drop(stored);
    for v in set.values.into_iter().filter(|v| !printed.contains(&(v.fiscal_year, v.role))) {
        input.values.push(ValueInput {
            fiscal_year: v.fiscal_year,
            role: v.role,
            cell: v.cell,
            source: None,
            line: None,
        });
    }
    input.values.sort_by_key(|v| (v.fiscal_year, v.role));
    let judged: HashSet<FiscalYear> = input.judgements.iter().map(|j| j.fiscal_year).collect();
    for j in set.judgements.into_iter().filter(|j| !judged.contains(&j.fiscal_year)) {
        if let Some(printed) = j.judgement.printed {
            input.judgements.push(JudgementInput { fiscal_year: j.fiscal_year, printed, source: None, line: None });
        }
    }
    input.judgements.sort_by_key(|j| j.fiscal_year);
    input
}

/// The sheet each sheet reports under: the first item placed (not as a
/// re-listing) at its own plan node, or else at the nearest node above
/// (三島市: the 施策の方向 under its 施策, the 事業 under its 方向;
/// 小平市: `No.2-1` under `No.2`). Falls back to the item whose code is the
/// longest prefix of its own followed by `-`.
pub fn parents(set: &CheckYearSet) -> HashMap<i64, String> {
    let items = &set.items;
    let mut owner: HashMap<i64, &CheckItemSet> = HashMap::new();
    for s in items {
        for p in s.placements.iter().filter(|p| !p.relisting) {
            owner.entry(p.node_id).or_insert(s);
        }
    }
    let up: HashMap<i64, Option<i64>> = set.nodes.iter().map(|(_, n)| (n.id, n.parent_id)).collect();
    let by_code: HashMap<&str, &CheckItemSet> =
        items.iter().filter(|s| s.item.relisting_of.is_none()).map(|s| (s.item.code.as_str(), s)).collect();
    let mut out = HashMap::new();
    for s in items {
        let mut parent = None;
        if let Some(p) = s.placements.iter().find(|p| !p.relisting) {
            let mut node = Some(p.node_id);
            // At most as many steps as there are nodes: a loop stops.
            for _ in 0..=set.nodes.len() {
                let Some(n) = node else { break };
                if let Some(o) = owner.get(&n).filter(|o| o.item.id != s.item.id) {
                    parent = Some(*o);
                    break;
                }
                node = up.get(&n).copied().flatten();
            }
        }
        let code = s.item.code.as_str();
        let parent = parent.or_else(|| {
            code.char_indices()
                .filter(|&(_, c)| c == '-')
                .rev()
                .find_map(|(at, _)| by_code.get(&code[..at]).copied().filter(|p| p.item.id != s.item.id))
        });
        if let Some(p) = parent {
            out.insert(s.item.id, p.item.key.clone());
        }
    }
    out
}

fn plans(set: &CheckYearSet) -> Vec<PlanInput> {
    let codes: HashMap<i64, &str> = set.nodes.iter().map(|(_, n)| (n.id, n.code.as_str())).collect();
    let mut plans: Vec<PlanInput> = Vec::new();
    for (plan, n) in &set.nodes {
        if plans.last().is_none_or(|p| &p.code != plan) {
            plans.push(PlanInput { code: plan.clone(), name: plan.clone(), nodes: Vec::new() });
        }
        if let Some(p) = plans.last_mut() {
            p.nodes.push(NodeInput {
                code: n.code.clone(),
                parent: n.parent_id.and_then(|id| codes.get(&id)).map(|c| c.to_string()),
                title: n.title.clone(),
                printings: Vec::new(),
            });
        }
    }
    plans
}
