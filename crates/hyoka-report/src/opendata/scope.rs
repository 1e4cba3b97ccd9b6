//! Which fiscal years an open-data set holds.
//!
//! What the public sees (the portal, the JSON API, `hyoka export opendata`
//! by default) is the published years only: [`load_public_city`] loads a
//! city and [`restrict`] keeps the rows of those years and the items with
//! content in them. Everything, drafts included, is for internal use
//! ([`YearScope::All`]).

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use hyoka_core::{EvaluationScale, FiscalYear};
use hyoka_store::{Municipality, NodeRecord, PublicCity, PublicIndicatorSet, PublicItemSet, Store};

use super::rows::{keyed_indicator_rows, node_rows, CityData, IndicatorData, ItemData, PlanData};
use super::OpenDataSet;
use crate::ReportError;

/// The fiscal years exported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum YearScope {
    /// Every stored year, including unpublished years and drafts: for
    /// internal use only (`hyoka export opendata --include-unpublished`).
    #[default]
    All,
    /// Only the years each city has published (確定 and 公開), and only the
    /// items with content in them; a city without one is left out.
    Published,
}

impl YearScope {
    pub fn code(self) -> &'static str {
        match self {
            YearScope::All => "all",
            YearScope::Published => "published",
        }
    }
}

impl fmt::Display for YearScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for YearScope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "all" => Ok(YearScope::All),
            "published" => Ok(YearScope::Published),
            other => Err(format!("年度の範囲「{other}」は使えません（published または all）")),
        }
    }
}

/// A city's data as the public may see it: its published years and the
/// items with content in them, with what its published documents printed
/// of other years (`Store::printed_history`), as printed. `None` when the
/// city has no published year: nothing of it is public. A fixed number of
/// statements, however large the city (the store's set-based reads).
pub async fn load_public_city(store: &Store, municipality: &str) -> Result<Option<CityData>, ReportError> {
    let Some(public) = store.public_city(municipality).await? else {
        return Ok(None);
    };
    Ok(Some(public_city_data(store, public).await?.0))
}

/// The public data of a published city (what [`restrict`] keeps of
/// [`load_city`](super::rows::load_city) to its published years and public items, with the printed
/// history), and the published years each item has content in.
async fn public_city_data(
    store: &Store,
    public: PublicCity,
) -> Result<(CityData, HashMap<i64, Vec<FiscalYear>>), ReportError> {
    let code = public.municipality.code.as_str();
    let plans = plans_with_nodes(store, code).await?;
    let items = store.public_item_sets(code, None).await?;
    let indicators = store.public_indicator_sets(code, None).await?;
    let scales = store.scales(code).await?;
    Ok(assemble(public.municipality, plans, items, indicators, scales))
}

/// A city's plans, each with its nodes in printed order: two statements.
async fn plans_with_nodes(store: &Store, municipality: &str) -> Result<Vec<PlanData>, ReportError> {
    let mut nodes: HashMap<i64, Vec<NodeRecord>> = HashMap::new();
    for n in store.city_plan_nodes(municipality).await? {
        nodes.entry(n.plan_id).or_default().push(n);
    }
    Ok(store
        .plans(municipality)
        .await?
        .into_iter()
        .map(|plan| PlanData { nodes: nodes.remove(&plan.id).unwrap_or_default(), plan })
        .collect())
}

/// The open-data model of sets read from the store, in the order
/// [`load_city`](super::rows::load_city) gives (placements by node id).
fn assemble(
    municipality: Municipality,
    plans: Vec<PlanData>,
    items: Vec<PublicItemSet>,
    indicators: Vec<PublicIndicatorSet>,
    scales: Vec<EvaluationScale>,
) -> (CityData, HashMap<i64, Vec<FiscalYear>>) {
    let mut years = HashMap::new();
    let items: Vec<ItemData> = items
        .into_iter()
        .map(|p| {
            years.insert(p.item.id, p.years);
            let mut placements: Vec<(i64, bool)> = p.placements.iter().map(|x| (x.node_id, x.relisting)).collect();
            placements.sort_by_key(|(node, _)| *node);
            ItemData { item: p.item, placements, sections: p.sections, budgets: p.budgets, evaluations: p.evaluations }
        })
        .collect();
    // An indicator owned by an item that is not public is not public
    // either, whatever its cells (its item would name a draft).
    let indicators = indicators
        .into_iter()
        .filter(|i| i.indicator.item_id.is_none_or(|id| years.contains_key(&id)))
        .map(|i| IndicatorData { indicator: i.indicator, values: i.values, judgements: i.judgements })
        .collect();
    (CityData { municipality, plans, items, indicators, scales }, years)
}

/// The fiscal years of a public data set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// Every published year.
    All,
    /// One published year: its cells, grades and budgets, and the items
    /// with content in it.
    Year(FiscalYear),
    /// The published years up to and including one (an indicator's trend
    /// as of that year).
    Through(FiscalYear),
}

impl Period {
    fn includes(self, fy: FiscalYear) -> bool {
        match self {
            Period::All => true,
            Period::Year(y) => fy == y,
            Period::Through(y) => fy <= y,
        }
    }
}

/// What part of a city a public data set holds: all of it, or what one
/// page shows (an item, an indicator, a plan node).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    All,
    /// The item's grades, budgets and indicators, and its rows in `nodes`.
    Item(i64),
    /// The indicator's cells (and its item's rows in `nodes`).
    Indicator(i64),
    /// The node's own indicators and the items placed directly under it.
    Node(i64),
}

/// The open-data rows of what the public may see of a city: its published
/// years (`period` of them), narrowed to `selection`. Judgements are
/// computed with every published year at hand (a `維持` target keeps the
/// latest published baseline), so a year's rows are the same as in the
/// export of all years. `None` when nothing of the city, or no year of
/// `period`, is public.
pub async fn public_dataset(
    store: &Store,
    municipality: &str,
    period: Period,
    selection: Selection,
) -> Result<Option<OpenDataSet>, ReportError> {
    let Some(public) = store.public_city(municipality).await? else {
        return Ok(None);
    };
    let years: BTreeSet<FiscalYear> = public.fiscal_years().into_iter().collect();
    if !years.iter().any(|y| period.includes(*y)) {
        return Ok(None);
    }
    if let Period::Year(fy) = period {
        if !years.contains(&fy) {
            return Ok(None);
        }
    }
    // A year's table also carries the cells its document printed of other
    // years (the white paper's H22 baseline, H26, the R4 target), as the
    // portal shows them beside the year.
    let printed = match period {
        Period::Year(fy) => store.printed_cells(municipality, fy).await?,
        _ => BTreeSet::new(),
    };
    let (mut city, item_years) = public_city_data(store, public).await?;
    select(&mut city, selection);
    // The nodes table lists the items with content in the period.
    let mut in_period = city.clone();
    let indicators: Vec<_> = keyed_indicator_rows(&city)
        .into_iter()
        .filter(|(id, r)| period.includes(r.fiscal_year) || printed.contains(&(*id, r.fiscal_year, r.role)))
        .map(|(_, r)| r)
        .collect();
    let mut set = OpenDataSet::build(&[city]);
    set.indicators = indicators;
    set.evaluations.retain(|r| period.includes(r.fiscal_year));
    set.budgets.retain(|r| period.includes(r.fiscal_year));
    let listed = |id: &i64| item_years.get(id).is_some_and(|ys| ys.iter().any(|y| period.includes(*y)));
    in_period.items.retain(|i| listed(&i.item.id));
    in_period.indicators.retain(|i| i.indicator.item_id.is_none_or(|id| listed(&id)));
    set.nodes = node_rows(&in_period);
    Ok(Some(set))
}

/// The published cells of a few indicators of a city, with just enough
/// around them (plans, owning items) for their open-data rows: the
/// comparison across cities reads many cities at once and needs no
/// budgets or grades. `None` when the city has no published year.
pub async fn load_public_indicators(
    store: &Store,
    municipality: &str,
    ids: &BTreeSet<i64>,
) -> Result<Option<CityData>, ReportError> {
    let Some(public) = store.public_city(municipality).await? else {
        return Ok(None);
    };
    let ids: Vec<i64> = ids.iter().copied().collect();
    let plans = plans_with_nodes(store, municipality).await?;
    let indicators = store.public_indicator_sets_of(municipality, None, &ids).await?;
    let owners: BTreeSet<i64> = indicators.iter().filter_map(|i| i.indicator.item_id).collect();
    let owners: Vec<i64> = owners.into_iter().collect();
    let items =
        if owners.is_empty() { Vec::new() } else { store.public_item_sets_of(municipality, None, &owners).await? };
    Ok(Some(assemble(public.municipality, plans, items, indicators, Vec::new()).0))
}

/// Narrows a city to what one page shows.
fn select(city: &mut CityData, selection: Selection) {
    match selection {
        Selection::All => {}
        Selection::Item(id) => {
            city.items.retain(|i| i.item.id == id);
            city.indicators.retain(|i| i.indicator.item_id == Some(id));
        }
        Selection::Indicator(id) => {
            city.indicators.retain(|i| i.indicator.id == id);
            let owner = city.indicators.first().and_then(|i| i.indicator.item_id);
            city.items.retain(|i| Some(i.item.id) == owner);
        }
        Selection::Node(id) => {
            city.indicators.retain(|i| i.indicator.node_id == Some(id));
            city.items.retain(|i| i.placements.iter().any(|(node, _)| *node == id));
        }
    }
}

/// Keeps what belongs to `years`: budgets, grades, indicator cells and
/// judgements of those years, the items in `items`, and the indicators
/// left with a cell or a judgement. Plans and their nodes are kept whole
/// (they are structure, not results). A person's declared judgement is
/// dropped (it is not part of the open data).
pub fn restrict(mut city: CityData, years: &BTreeSet<FiscalYear>, items: &BTreeSet<i64>) -> CityData {
    city.items.retain(|i| items.contains(&i.item.id));
    for i in &mut city.items {
        i.budgets.retain(|b| years.contains(&b.fiscal_year));
        i.evaluations.retain(|e| years.contains(&e.fiscal_year));
    }
    for ind in &mut city.indicators {
        ind.values.retain(|v| years.contains(&v.fiscal_year));
        ind.judgements.retain(|j| years.contains(&j.fiscal_year));
        for j in &mut ind.judgements {
            j.judgement.declared = None;
        }
    }
    city.indicators.retain(|i| !i.values.is_empty() || !i.judgements.is_empty());
    // An indicator owned by an item that is not public is not public
    // either, whatever its cells (its item would name a draft).
    city.indicators.retain(|i| i.indicator.item_id.is_none_or(|id| items.contains(&id)));
    city
}

#[cfg(test)]
mod tests {
    use hyoka_core::sheet::{BudgetRow, EvaluationRow};
    use hyoka_core::{BudgetFigures, Direction, Evaluator, IndicatorCell, IndicatorKind, Stage, ValueRole};
    use hyoka_store::{IndicatorRecord, IndicatorValue, ItemRecord, Municipality};

    use super::*;
    use crate::opendata::rows::{budget_rows, evaluation_rows, indicator_rows, node_rows, IndicatorData, ItemData};

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn item(id: i64, title: &str) -> ItemData {
        ItemData {
            item: ItemRecord {
                id,
                municipality_code: "132047".into(),
                key: format!("k{id}"),
                kind: "project".into(),
                code: format!("企-{id}"),
                title: title.into(),
                fiscal_year: None,
                tags: Vec::new(),
                relisting_of: None,
            },
            placements: Vec::new(),
            sections: Vec::new(),
            budgets: [2018, 2019]
                .into_iter()
                .map(|y| BudgetRow {
                    fiscal_year: fy(y),
                    figures: BudgetFigures::default(),
                    execution_rate_printed: Some(format!("{y}%")),
                })
                .collect(),
            evaluations: [2018, 2019]
                .into_iter()
                .map(|y| EvaluationRow {
                    fiscal_year: fy(y),
                    stage: Stage::YearEnd,
                    evaluator: Evaluator::Section,
                    scale: None,
                    grade: Some("A".into()),
                    comment: Some(format!("{y}年度の意見")),
                })
                .collect(),
        }
    }

    fn indicator(id: i64, item_id: Option<i64>, years: &[i32]) -> IndicatorData {
        IndicatorData {
            indicator: IndicatorRecord {
                id,
                municipality_code: "132047".into(),
                key: format!("i{id}"),
                name: format!("指標{id}"),
                kind: IndicatorKind::Outcome,
                definition: None,
                unit: None,
                direction: Direction::HigherIsBetter,
                vocabulary: None,
                item_id,
                node_id: None,
                related_node_id: None,
            },
            values: years
                .iter()
                .map(|y| IndicatorValue {
                    fiscal_year: fy(*y),
                    role: ValueRole::Actual,
                    cell: IndicatorCell::parse(&format!("{y}件")),
                })
                .collect(),
            judgements: Vec::new(),
        }
    }

    #[test]
    fn only_the_given_years_and_items_remain() {
        let city = CityData {
            municipality: Municipality { code: "132047".into(), name: "三鷹市".into() },
            plans: Vec::new(),
            items: vec![item(1, "公開の事業"), item(2, "非公開の下書き")],
            indicators: vec![
                indicator(10, Some(1), &[2018, 2019]),
                indicator(11, Some(2), &[2018]),
                indicator(12, None, &[2019]),
            ],
            scales: Vec::new(),
        };
        let city = restrict(city, &[fy(2018)].into(), &[1].into());
        let text = format!(
            "{:?}{:?}{:?}{:?}",
            indicator_rows(&city),
            evaluation_rows(&city),
            budget_rows(&city),
            node_rows(&city)
        );
        assert!(!text.contains("2019"), "{text}");
        assert!(!text.contains("非公開の下書き") && !text.contains("指標11") && !text.contains("指標12"), "{text}");
        assert!(text.contains("公開の事業") && text.contains("指標10") && text.contains("2018年度の意見"));
    }

    #[test]
    fn scopes_parse() {
        assert_eq!("published".parse::<YearScope>(), Ok(YearScope::Published));
        assert_eq!("all".parse::<YearScope>(), Ok(YearScope::All));
        assert!("drafts".parse::<YearScope>().is_err());
    }
}
