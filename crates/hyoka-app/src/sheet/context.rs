//! Who a sheet is, where it stands, how the city lays it out, and what is
//! stored in it: what every sheet page and every sheet command reads.

use hyoka_core::access::Action;
use hyoka_core::judgement::{judge, Judgement, JudgementVocabulary};
use hyoka_core::layout::SheetLayout;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::vocabulary::CityVocabulary;
use hyoka_core::workflow::SheetStatus;
use hyoka_core::{EvaluationScale, FiscalYear, IndicatorCell, RelatedNode, ValueRole};
use hyoka_store::{
    EntryScope, FiscalYearRecord, IndicatorRecord, IndicatorValue, ItemRecord, JudgementRecord, Municipality,
    ReturnNote, Store,
};

use crate::{Actor, CommandError};

/// Who the sheet is, where it stands, and how the city lays it out.
pub struct SheetContext {
    pub code: String,
    pub city: Municipality,
    pub item: ItemRecord,
    pub fy: FiscalYear,
    /// The sections responsible for the sheet: the item's own and, on a
    /// sheet with child rows, those of the items in its rows.
    pub sections: Vec<i64>,
    /// The item's own sections: its head writes the head's parts.
    pub own_sections: Vec<i64>,
    pub layout: SheetLayout,
    /// What the sheet gathers beneath its item.
    pub scope: EntryScope,
    /// The status and version; a sheet nobody saved yet is 未着手, version 0.
    pub status: SheetStatus,
    pub version: i64,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    pub year: FiscalYearRecord,
    /// Later fiscal years that are locked: their cells (targets printed
    /// ahead) are read-only here, so a draft cannot change a locked or
    /// published year.
    pub locked_years: Vec<FiscalYear>,
}

impl SheetContext {
    /// Checks the city, the item and the actor's right to `action`, and
    /// loads what every sheet page needs.
    pub async fn load(
        store: &Store,
        actor: &Actor,
        code: &str,
        item_id: i64,
        fy: FiscalYear,
        action: Action,
    ) -> Result<SheetContext, CommandError> {
        // Another city's address is "not found" before anything is read.
        if let Err(CommandError::NotFound(w)) = actor.require(Action::View, code, &[]) {
            return Err(CommandError::NotFound(w));
        }
        let item = match store.item(item_id).await {
            Ok(i) if i.municipality_code == code => i,
            Ok(_) | Err(hyoka_store::StoreError::NotFound { .. }) => return Err(CommandError::NotFound("事業".into())),
            Err(e) => return Err(e.into()),
        };
        let own_sections = store.sheet_section_ids(item_id).await?;
        let layout = store.layout_for(&item).await?;
        let scope = store.entry_scope(&item).await?;
        let mut sections = own_sections.clone();
        for child in scope.below.iter().filter(|c| layout.rows_for(&c.kind).is_some()) {
            for s in store.sheet_section_ids(child.id).await? {
                if !sections.contains(&s) {
                    sections.push(s);
                }
            }
        }
        actor.require(action, code, &sections)?;
        let city = store.municipality(code).await?;
        let sheet = store.sheet(item_id, fy).await?;
        let updated_by = match sheet.as_ref().and_then(|s| s.updated_by) {
            Some(id) => store.account(id).await.ok().map(|a| a.display_name),
            None => None,
        };
        let year = store.fiscal_year(code, fy).await?;
        let locked_years =
            store.fiscal_years(code).await?.into_iter().filter(|y| y.locked).map(|y| y.fiscal_year).collect();
        Ok(SheetContext {
            code: code.to_string(),
            city,
            item,
            fy,
            sections,
            own_sections,
            layout,
            scope,
            status: sheet.as_ref().map_or(SheetStatus::NotStarted, |s| s.status),
            version: sheet.as_ref().map_or(0, |s| s.version),
            updated_at: sheet.as_ref().and_then(|s| s.updated_at.clone()),
            updated_by,
            year,
            locked_years,
        })
    }

    /// The address of the sheet's page.
    pub fn href(&self) -> String {
        sheet_href(&self.code, self.item.id, self.fy)
    }

    pub fn title(&self) -> String {
        format!("{} {}", self.item.code, self.item.title)
    }

    /// Why the content cannot be changed now, if it cannot.
    pub fn edit_refusal(&self) -> Option<String> {
        if self.year.locked {
            Some(format!("{}は確定（ロック）されているため、調査票を変更できません。", self.fy.label()))
        } else if !self.status.is_editable() {
            Some(format!(
                "この調査票は「{}」のため変更できません。変更が必要な場合は差戻しを依頼してください。",
                self.status.label()
            ))
        } else {
            None
        }
    }

    /// The latest return's reason, while the sheet is 差戻し.
    pub async fn return_note(&self, store: &Store) -> Result<Option<ReturnNote>, CommandError> {
        if self.status == SheetStatus::Returned {
            Ok(store.last_return(self.item.id, self.fy).await?)
        } else {
            Ok(None)
        }
    }
}

/// The address of a sheet page.
pub fn sheet_href(code: &str, item_id: i64, fy: FiscalYear) -> String {
    format!("/m/{code}/sheets/{item_id}/{}", fy.year())
}

/// One indicator of the item with its cells and judgements.
pub struct IndicatorData {
    pub record: IndicatorRecord,
    /// The plan node it names besides its own (三島市's 行政改革大綱 item).
    pub related: Option<RelatedNode>,
    pub values: Vec<IndicatorValue>,
    pub judgements: Vec<JudgementRecord>,
    pub vocabulary: JudgementVocabulary,
}

impl IndicatorData {
    /// The cell of one year and role.
    pub fn cell(&self, y: FiscalYear, role: ValueRole) -> Option<&IndicatorCell> {
        self.values.iter().find(|v| v.fiscal_year == y && v.role == role).map(|v| &v.cell)
    }

    /// The level a `維持` target keeps: the baseline, else the last actual
    /// before `y`.
    pub fn reference(&self, y: FiscalYear) -> Option<&IndicatorCell> {
        self.values.iter().find(|v| v.role == ValueRole::Baseline).map(|v| &v.cell).or_else(|| {
            self.values.iter().rev().find(|v| v.role == ValueRole::Actual && v.fiscal_year < y).map(|v| &v.cell)
        })
    }

    /// The judgement of one year: printed and declared as stored, computed
    /// now from the cells.
    pub fn judgement(&self, y: FiscalYear) -> Judgement {
        let stored =
            self.judgements.iter().find(|j| j.fiscal_year == y).map(|j| j.judgement.clone()).unwrap_or_default();
        let computed = match (self.cell(y, ValueRole::Target), self.cell(y, ValueRole::Actual)) {
            (Some(t), Some(a)) => self.vocabulary.label(&judge(self.record.direction, t, a, self.reference(y))),
            _ => None,
        };
        Judgement { computed, ..stored }
    }
}

/// An item in one of the sheet's child rows, as stored.
pub struct ChildData {
    pub item: ItemRecord,
    pub sections: Vec<i64>,
    pub narratives: Vec<NarrativeRow>,
    pub indicators: Vec<IndicatorData>,
    pub evaluations: Vec<EvaluationRow>,
    pub direction: Option<NextDirectionRow>,
    /// Every year's schedule rows.
    pub schedule: Vec<ScheduleRow>,
}

impl ChildData {
    /// The narratives of one fiscal year (and undated ones), with their
    /// index in `narratives`.
    pub fn narratives_of(&self, fy: FiscalYear) -> impl Iterator<Item = (usize, &NarrativeRow)> {
        self.narratives.iter().enumerate().filter(move |(_, n)| n.fiscal_year.is_none_or(|y| y == fy))
    }
}

/// The content of an item as stored, every fiscal year.
pub struct SheetContent {
    pub narratives: Vec<NarrativeRow>,
    /// The item's indicators and, for a node's entry, the node's.
    pub indicators: Vec<IndicatorData>,
    /// The items of the sheet's child rows, in plan order.
    pub children: Vec<ChildData>,
    pub budgets: Vec<BudgetRow>,
    pub schedule: Vec<ScheduleRow>,
    /// Every sheet year's 工程表 rows.
    pub roadmap: Vec<hyoka_core::roadmap::RoadmapRow>,
    pub evaluations: Vec<EvaluationRow>,
    pub direction: Option<NextDirectionRow>,
    pub scales: Vec<EvaluationScale>,
    /// The city's criteria and direction words.
    pub vocabulary: CityVocabulary,
}

impl SheetContent {
    /// The 工程表 rows of the sheet's year, and its year columns (empty
    /// when the layout has no 工程表).
    pub fn roadmap_of(&self, ctx: &SheetContext) -> (Vec<&hyoka_core::roadmap::RoadmapRow>, Vec<FiscalYear>) {
        let rows: Vec<_> = self.roadmap.iter().filter(|r| r.fiscal_year == ctx.fy).collect();
        let Some(n) = ctx.layout.roadmap_years() else { return (rows, Vec::new()) };
        let years = hyoka_core::roadmap::span(ctx.item.fiscal_year, ctx.fy, n, rows.iter().copied());
        (rows, years)
    }

    pub async fn load(store: &Store, ctx: &SheetContext) -> Result<SheetContent, CommandError> {
        let item_id = ctx.item.id;
        let mut records = store.item_indicators(item_id).await?;
        records.extend(
            ctx.scope
                .node_indicators
                .iter()
                .filter(|n| !records.iter().any(|r| r.id == n.id))
                .cloned()
                .collect::<Vec<_>>(),
        );
        let mut indicators = indicator_data(store, ctx, records).await?;
        let mut children = Vec::new();
        for child in &ctx.scope.below {
            let Some(rows) = ctx.layout.rows_for(&child.kind) else { continue };
            let indicators = if rows.indicators {
                indicator_data(store, ctx, store.item_indicators(child.id).await?).await?
            } else {
                Vec::new()
            };
            children.push(ChildData {
                item: child.clone(),
                sections: store.sheet_section_ids(child.id).await?,
                narratives: store.narratives(child.id).await?,
                indicators,
                evaluations: store.evaluations(child.id).await?,
                direction: store.next_direction_for(child.id, ctx.fy).await?,
                schedule: store.schedule(child.id).await?,
            });
        }
        // The nodes the indicators name, read once for the sheet.
        let named: Vec<i64> = indicators
            .iter()
            .chain(children.iter().flat_map(|c| &c.indicators))
            .filter_map(|i| i.record.related_node_id)
            .collect();
        let related = store.related_nodes(&named).await?;
        for ind in indicators.iter_mut().chain(children.iter_mut().flat_map(|c| &mut c.indicators)) {
            ind.related = ind.record.related_node_id.and_then(|id| related.get(&id).cloned());
        }
        Ok(SheetContent {
            narratives: store.narratives(item_id).await?,
            indicators,
            children,
            budgets: store.budgets(item_id).await?,
            schedule: store.schedule(item_id).await?,
            roadmap: store.roadmap(item_id).await?,
            evaluations: store.evaluations(item_id).await?,
            direction: store.next_direction_for(item_id, ctx.fy).await?,
            scales: store.scales(&ctx.code).await?,
            vocabulary: store.city_vocabulary(&ctx.code).await?,
        })
    }

    /// The narratives shown on one fiscal year's sheet: that year's and
    /// those not tied to a year, with their index in `narratives`.
    pub fn narratives_of(&self, fy: FiscalYear) -> impl Iterator<Item = (usize, &NarrativeRow)> {
        self.narratives.iter().enumerate().filter(move |(_, n)| n.fiscal_year.is_none_or(|y| y == fy))
    }

    /// A direction as the form holds it: the city's word when the printed
    /// direction is one, else hyoka's code.
    pub fn direction_value(&self, d: Option<&NextDirectionRow>) -> String {
        let Some(d) = d else { return String::new() };
        match self.vocabulary.direction_word(&d.printed) {
            Some(w) => w.word.clone(),
            None => d.direction.map(|x| x.code().to_string()).unwrap_or_default(),
        }
    }

    pub fn scale(&self, code: &str) -> Option<&EvaluationScale> {
        self.scales.iter().find(|s| s.code == code)
    }

    /// The schedule rows of a child row's item.
    pub fn schedule_of(&self, item: i64) -> impl Iterator<Item = &ScheduleRow> {
        self.children.iter().filter(move |c| c.item.id == item).flat_map(|c| &c.schedule)
    }

    pub fn child(&self, item: i64) -> Option<&ChildData> {
        self.children.iter().find(|c| c.item.id == item)
    }

    /// Every indicator on the sheet: the item's and its rows'.
    pub fn all_indicators(&self) -> impl Iterator<Item = &IndicatorData> {
        self.indicators.iter().chain(self.children.iter().flat_map(|c| &c.indicators))
    }
}

async fn indicator_data(
    store: &Store,
    ctx: &SheetContext,
    records: Vec<IndicatorRecord>,
) -> Result<Vec<IndicatorData>, CommandError> {
    let mut out = Vec::with_capacity(records.len());
    for record in records {
        let values = store.indicator_values(record.id).await?;
        let judgements = store.judgements(record.id).await?;
        let vocabulary = vocabulary(record.vocabulary.as_deref(), &ctx.layout.vocabulary);
        out.push(IndicatorData { record, related: None, values, judgements, vocabulary });
    }
    Ok(out)
}

/// The indicator's own vocabulary, else the layout's, else 達成・未達成.
pub fn vocabulary(code: Option<&str>, fallback: &str) -> JudgementVocabulary {
    let presets = JudgementVocabulary::presets();
    code.and_then(|c| presets.iter().find(|v| v.code == c))
        .or_else(|| presets.iter().find(|v| v.code == fallback))
        .cloned()
        .unwrap_or_else(JudgementVocabulary::achievement_two)
}
