//! Indicators compared across cities: those whose name contains the words
//! asked for (width and case folded, as search does), optionally of one
//! kind, with the open-data rows of every city's published years. The
//! portal's comparison page and the API's `/api/v1/compare` read this.

use hyoka_core::IndicatorKind;
use hyoka_store::{CompareCity, IndicatorRecord, Municipality, Store};

use super::rows::{indicator_rows, CityData, IndicatorData, ItemData, PlanData};
use super::IndicatorRow;
use crate::ReportError;

/// One city's indicator and its published rows.
pub struct CompareGroup {
    pub municipality: Municipality,
    pub indicator: IndicatorRecord,
    pub rows: Vec<IndicatorRow>,
}

/// One page of the comparison ([`compare_page`]).
pub struct ComparePageRows {
    /// The matching public indicators in every city.
    pub total: u64,
    /// Every city with one (not only the page's), by code.
    pub municipalities: Vec<Municipality>,
    /// The page's indicators with their rows, in answer order.
    pub groups: Vec<CompareGroup>,
    /// Rows the store read for the page ([`hyoka_store::ComparePage::rows_read`]).
    pub rows_read: usize,
}

/// Every public indicator matching the query, by city code, then name: the
/// open-data rows of its published years. A fixed number of statements
/// ([`Store::compare_sets`]), however many cities match.
pub async fn compare_rows(
    store: &Store,
    name: &str,
    kind: Option<IndicatorKind>,
) -> Result<Vec<CompareGroup>, ReportError> {
    Ok(groups_of(store.compare_sets(name, kind).await?))
}

/// `limit` matching indicators from `offset` (in the order of
/// [`compare_rows`]) with their rows, the count of all of them and the
/// cities that have one: only the page's indicators are read
/// ([`Store::compare_page`]).
pub async fn compare_page(
    store: &Store,
    name: &str,
    kind: Option<IndicatorKind>,
    offset: u64,
    limit: u64,
) -> Result<ComparePageRows, ReportError> {
    let page = store.compare_page(name, kind, offset, limit).await?;
    Ok(ComparePageRows {
        total: page.total,
        municipalities: page.municipalities,
        groups: groups_of(page.cities),
        rows_read: page.rows_read,
    })
}

fn groups_of(cities: Vec<CompareCity>) -> Vec<CompareGroup> {
    let mut out = Vec::new();
    for set in cities {
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
    out
}
