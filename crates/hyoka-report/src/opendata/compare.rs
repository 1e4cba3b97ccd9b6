//! Indicators compared across cities: those whose name contains the words
//! asked for (width and case folded, as search does), optionally of one
//! kind, with the open-data rows of every city's published years. The
//! portal's comparison page and the API's `/api/v1/compare` read this.

use hyoka_core::IndicatorKind;
use hyoka_store::{IndicatorRecord, Municipality, Store};

use super::rows::{indicator_rows, CityData, IndicatorData, ItemData, PlanData};
use super::IndicatorRow;
use crate::ReportError;

/// One city's indicator and its published rows.
pub struct CompareGroup {
    pub municipality: Municipality,
    pub indicator: IndicatorRecord,
    pub rows: Vec<IndicatorRow>,
}

/// Every public indicator matching the query, by city code, then name: the
/// open-data rows of its published years. A fixed number of statements
/// ([`Store::compare_sets`]), however many cities match.
pub async fn compare_rows(
    store: &Store,
    name: &str,
    kind: Option<IndicatorKind>,
) -> Result<Vec<CompareGroup>, ReportError> {
    let mut out = Vec::new();
    for set in store.compare_sets(name, kind).await? {
        let mut data = CityData {
            municipality: set.city.municipality,
            plans: set.plans.into_iter().map(|(plan, nodes)| PlanData { plan, nodes }).collect(),
            // The rows of an indicator name its item and place it by the
            // item's placements; nothing else of the item is read.
            items: set
                .items
                .into_iter()
                .map(|(item, placements)| ItemData {
                    item,
                    placements,
                    sections: Vec::new(),
                    budgets: Vec::new(),
                    evaluations: Vec::new(),
                })
                .collect(),
            indicators: Vec::new(),
            scales: Vec::new(),
        };
        // One indicator at a time in the city's data (the rows of one
        // indicator need its plans and items, never a copy of them).
        let mut groups: Vec<CompareGroup> = Vec::new();
        for i in set.indicators {
            let indicator = i.indicator.clone();
            data.indicators =
                vec![IndicatorData { indicator: i.indicator, values: i.values, judgements: i.judgements }];
            let rows = indicator_rows(&data);
            if !rows.is_empty() {
                groups.push(CompareGroup { municipality: data.municipality.clone(), indicator, rows });
            }
        }
        groups.sort_by(|a, b| (&a.indicator.name, a.indicator.id).cmp(&(&b.indicator.name, b.indicator.id)));
        out.extend(groups);
    }
    Ok(out)
}
