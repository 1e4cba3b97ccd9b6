//! What an import adds or changes, entity by entity, for `--dry-run` and
//! for the summary after a real import.

use crate::batch::CityBatch;
use crate::load::normalize;

/// Counts for one kind of entity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl Tally {
    fn count<T: PartialEq>(&mut self, before: Option<&T>, after: &T) {
        match before {
            None => self.added += 1,
            Some(b) if b == after => self.unchanged += 1,
            Some(_) => self.changed += 1,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CityChanges {
    pub code: String,
    pub name: String,
    pub plan_nodes: Tally,
    pub items: Tally,
    pub indicators: Tally,
    /// Printed cells, counted one by one.
    pub values: Tally,
}

impl CityChanges {
    pub fn is_unchanged(&self) -> bool {
        [self.plan_nodes, self.items, self.indicators, self.values].iter().all(|t| t.added == 0 && t.changed == 0)
    }
}

/// Compares the stored city with what an import brings.
pub fn diff_city(before: &CityBatch, incoming: &CityBatch) -> CityChanges {
    let mut incoming = incoming.clone();
    normalize(&mut incoming);
    let mut c = CityChanges { code: incoming.code.clone(), name: incoming.name.clone(), ..CityChanges::default() };
    for plan in &incoming.plans {
        let old = before.plan(&plan.code);
        for n in &plan.nodes {
            c.plan_nodes.count(old.and_then(|p| p.nodes.iter().find(|o| o.code == n.code)), n);
        }
    }
    for item in &incoming.items {
        c.items.count(before.item(&item.key), item);
    }
    for ind in &incoming.indicators {
        let old = before.indicator(&ind.key);
        // The indicator itself, apart from its cells.
        let strip = |i: &crate::batch::IndicatorRow| crate::batch::IndicatorRow {
            values: vec![],
            judgements: vec![],
            ..i.clone()
        };
        c.indicators.count(old.map(strip).as_ref(), &strip(ind));
        for v in &ind.values {
            let prior = old.and_then(|o| {
                o.values.iter().find(|x| x.fiscal_year == v.fiscal_year && x.role == v.role && x.source == v.source)
            });
            c.values.count(prior, v);
        }
    }
    c
}
