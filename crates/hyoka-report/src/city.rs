//! Everything the print reports read about one city, loaded once, and the
//! lookups they share: plans walked in printed order, the items placed at
//! each node, an indicator's printed tables.

use std::collections::HashMap;

use hyoka_core::sheet::NarrativeRow;
use hyoka_core::text::squeeze;
use hyoka_core::{FiscalYear, IndicatorCell, ValueRole};
use hyoka_store::{NodeRecord, Printing, Store};

use crate::opendata::rows::{load_city, CityData, IndicatorData, ItemData, PlanData};
use crate::ReportError;

/// A city with its narratives and printings.
pub struct City {
    pub data: CityData,
    /// Narratives per item id, in stored order.
    pub narratives: HashMap<i64, Vec<NarrativeRow>>,
    /// Printings per indicator id (which table printed which cell).
    pub printings: HashMap<i64, Vec<Printing>>,
}

impl City {
    pub async fn load(store: &Store, municipality: &str) -> Result<City, ReportError> {
        let data = load_city(store, municipality).await?;
        let mut narratives = HashMap::new();
        for item in &data.items {
            narratives.insert(item.item.id, store.narratives(item.item.id).await?);
        }
        let mut printings = HashMap::new();
        for ind in &data.indicators {
            printings.insert(ind.indicator.id, store.printings(ind.indicator.id).await?);
        }
        Ok(City { data, narratives, printings })
    }

    pub fn name(&self) -> &str {
        &self.data.municipality.name
    }

    pub fn item(&self, id: i64) -> Option<&ItemData> {
        self.data.items.iter().find(|i| i.item.id == id)
    }

    /// Items placed directly at a node, with their re-listing flag, in
    /// stored order.
    pub fn items_at(&self, node_id: i64) -> Vec<(&ItemData, bool)> {
        self.data
            .items
            .iter()
            .filter_map(|i| i.placements.iter().find(|(n, _)| *n == node_id).map(|(_, r)| (i, *r)))
            .collect()
    }

    /// The plan and node an item is placed at first, re-listings last.
    pub fn home(&self, item: &ItemData) -> Option<(&PlanData, &NodeRecord)> {
        let mut placed: Vec<(i64, bool)> = item.placements.clone();
        placed.sort_by_key(|(_, relisting)| *relisting);
        placed.iter().find_map(|(id, _)| self.node(*id))
    }

    pub fn node(&self, id: i64) -> Option<(&PlanData, &NodeRecord)> {
        self.data.plans.iter().find_map(|p| p.nodes.iter().find(|n| n.id == id).map(|n| (p, n)))
    }

    pub fn narratives_of(&self, item_id: i64) -> &[NarrativeRow] {
        self.narratives.get(&item_id).map_or(&[], Vec::as_slice)
    }

    /// The responsible units of an item as printed: `企画部企画経営課`,
    /// `企画部` (department only), `政策課` (section only).
    pub fn responsible(item: &ItemData) -> Vec<String> {
        item.sections.iter().map(|(d, s)| format!("{d}{s}")).filter(|s| !s.is_empty()).collect()
    }
}

/// A plan's nodes in printed (pre-)order with their depth.
pub fn preorder(plan: &PlanData) -> Vec<&NodeRecord> {
    let mut children: HashMap<Option<i64>, Vec<&NodeRecord>> = HashMap::new();
    for n in &plan.nodes {
        let parent = n.parent_id.filter(|p| plan.nodes.iter().any(|x| x.id == *p));
        children.entry(parent).or_default().push(n);
    }
    let mut out = Vec::new();
    let mut stack: Vec<&NodeRecord> = children.get(&None).cloned().unwrap_or_default();
    stack.reverse();
    while let Some(n) = stack.pop() {
        out.push(n);
        if let Some(kids) = children.get(&Some(n.id)) {
            stack.extend(kids.iter().rev());
        }
    }
    out
}

/// Whether a node's printed code and an item's are the same entry
/// (`第1-1`, `No.1`): the item is the node's own.
pub fn same_code(a: &str, b: &str) -> bool {
    squeeze(a) == squeeze(b)
}

/// One printed table of an indicator: where it was printed and its cells.
#[derive(Clone, Debug)]
pub struct PrintedTable {
    /// The table's name as the importer kept it (`基本計画 第1-1 目標指標`),
    /// or `None` for the indicator's stored values.
    pub source: Option<String>,
    pub cells: Vec<(FiscalYear, ValueRole, IndicatorCell)>,
}

/// The tables an indicator was printed in, in order of first printing; an
/// indicator never printed (entered in hyoka) has one table of its values.
pub fn printed_tables(city: &City, ind: &IndicatorData) -> Vec<PrintedTable> {
    let printings = city.printings.get(&ind.indicator.id).map_or(&[][..], Vec::as_slice);
    let mut tables: Vec<PrintedTable> = Vec::new();
    for p in printings {
        let Ok(role) = p.role.parse::<ValueRole>() else { continue };
        let source = Some(p.source.clone()).filter(|s| !s.is_empty());
        // The stored cell when it is this printing: it may carry more (a
        // resolved 同左) than the printed text alone.
        let cell = ind
            .values
            .iter()
            .find(|v| v.fiscal_year == p.fiscal_year && v.role == role && v.cell.printed() == p.printed)
            .map_or_else(|| IndicatorCell::parse(&p.printed), |v| v.cell.clone());
        match tables.iter_mut().find(|t| t.source == source) {
            Some(t) => {
                if !t.cells.iter().any(|(fy, r, _)| *fy == p.fiscal_year && *r == role) {
                    t.cells.push((p.fiscal_year, role, cell));
                }
            }
            None => tables.push(PrintedTable { source, cells: vec![(p.fiscal_year, role, cell)] }),
        }
    }
    if tables.is_empty() {
        tables.push(PrintedTable {
            source: None,
            cells: ind.values.iter().map(|v| (v.fiscal_year, v.role, v.cell.clone())).collect(),
        });
    } else {
        // Stored values the printings do not cover (edited in hyoka) join the
        // first table.
        for v in &ind.values {
            if !tables.iter().any(|t| t.cells.iter().any(|(fy, r, _)| *fy == v.fiscal_year && *r == v.role)) {
                tables[0].cells.push((v.fiscal_year, v.role, v.cell.clone()));
            }
        }
    }
    tables
}

/// The city's main sheet layout (its first kind, a preset or its own, with
/// its own labels). A layout that cannot be read falls back to the preset
/// for the city's code.
pub async fn sheet_layout(store: &Store, municipality: &str) -> hyoka_core::layout::SheetLayout {
    use hyoka_core::layout::{default_preset_for, SheetLayout};
    match store.city_layouts(municipality).await.ok().and_then(|l| l.into_iter().next()) {
        Some(layout) => layout,
        None => SheetLayout::preset(default_preset_for(municipality)).expect("default presets exist"),
    }
}
