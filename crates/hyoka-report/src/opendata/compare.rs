//! Indicators compared across cities: those whose name contains the words
//! asked for (width and case folded, as search does), optionally of one
//! kind, with the open-data rows of every city's published years. The
//! portal's comparison page and the API's `/api/v1/compare` read this.

use std::collections::BTreeSet;

use hyoka_core::IndicatorKind;
use hyoka_store::{search_form, IndicatorRecord, Municipality, Store};

use super::rows::indicator_rows;
use super::{load_public_indicators, IndicatorRow};
use crate::ReportError;

/// One city's indicator and its published rows.
pub struct CompareGroup {
    pub municipality: Municipality,
    pub indicator: IndicatorRecord,
    pub rows: Vec<IndicatorRow>,
}

/// Every public indicator matching the query, by city code, then name: the
/// open-data rows of its published years.
pub async fn compare_rows(
    store: &Store,
    name: &str,
    kind: Option<IndicatorKind>,
) -> Result<Vec<CompareGroup>, ReportError> {
    let needle = search_form(name.trim());
    if needle.is_empty() && kind.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for city in store.public_cities().await? {
        let code = &city.municipality.code;
        let ids: BTreeSet<i64> = store
            .public_indicators(code, None)
            .await?
            .into_iter()
            .filter(|p| kind.is_none_or(|k| p.indicator.kind == k))
            .filter(|p| search_form(&p.indicator.name).contains(&needle))
            .map(|p| p.indicator.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let Some(mut data) = load_public_indicators(store, code, &ids).await? else { continue };
        // One indicator at a time in the city's data (the rows of one
        // indicator need its plans and items, never a copy of them).
        let mut groups: Vec<CompareGroup> = Vec::new();
        for i in std::mem::take(&mut data.indicators) {
            let indicator = i.indicator.clone();
            data.indicators = vec![i];
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
