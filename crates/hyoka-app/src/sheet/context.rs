//! Who a sheet is, where it stands, how the city lays it out, and what is
//! stored in it: what every sheet page and every sheet command reads.

use hyoka_core::access::Action;
use hyoka_core::judgement::{judge, Judgement, JudgementVocabulary};
use hyoka_core::layout::SheetLayout;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::workflow::SheetStatus;
use hyoka_core::{EvaluationScale, FiscalYear, IndicatorCell, ValueRole};
use hyoka_store::{
    FiscalYearRecord, IndicatorRecord, IndicatorValue, ItemRecord, JudgementRecord, Municipality, ReturnNote, Store,
};

use crate::{Actor, CommandError};

/// Who the sheet is, where it stands, and how the city lays it out.
pub struct SheetContext {
    pub code: String,
    pub city: Municipality,
    pub item: ItemRecord,
    pub fy: FiscalYear,
    pub sections: Vec<i64>,
    pub layout: SheetLayout,
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
        let sections = store.sheet_section_ids(item_id).await?;
        actor.require(action, code, &sections)?;
        let city = store.municipality(code).await?;
        let (preset, overrides) = store.sheet_layout(code).await?;
        let layout = SheetLayout::with_overrides(&preset, &overrides)
            .or_else(|_| SheetLayout::preset(hyoka_core::layout::default_preset_for(code)))
            .map_err(|e| CommandError::invalid_input(e.to_string()))?;
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
            layout,
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

/// The content of an item as stored, every fiscal year.
pub struct SheetContent {
    pub narratives: Vec<NarrativeRow>,
    pub indicators: Vec<IndicatorData>,
    pub budgets: Vec<BudgetRow>,
    pub schedule: Vec<ScheduleRow>,
    pub evaluations: Vec<EvaluationRow>,
    pub direction: Option<NextDirectionRow>,
    pub scales: Vec<EvaluationScale>,
}

impl SheetContent {
    pub async fn load(store: &Store, ctx: &SheetContext) -> Result<SheetContent, CommandError> {
        let item_id = ctx.item.id;
        let mut indicators = Vec::new();
        for record in store.item_indicators(item_id).await? {
            let values = store.indicator_values(record.id).await?;
            let judgements = store.judgements(record.id).await?;
            let vocabulary = vocabulary(record.vocabulary.as_deref(), &ctx.layout.vocabulary);
            indicators.push(IndicatorData { record, values, judgements, vocabulary });
        }
        Ok(SheetContent {
            narratives: store.narratives(item_id).await?,
            indicators,
            budgets: store.budgets(item_id).await?,
            schedule: store.schedule(item_id).await?,
            evaluations: store.evaluations(item_id).await?,
            direction: store.next_direction_for(item_id, ctx.fy).await?,
            scales: store.scales(&ctx.code).await?,
        })
    }

    /// The narratives shown on one fiscal year's sheet: that year's and
    /// those not tied to a year, with their index in `narratives`.
    pub fn narratives_of(&self, fy: FiscalYear) -> impl Iterator<Item = (usize, &NarrativeRow)> {
        self.narratives.iter().enumerate().filter(move |(_, n)| n.fiscal_year.is_none_or(|y| y == fy))
    }

    pub fn scale(&self, code: &str) -> Option<&EvaluationScale> {
        self.scales.iter().find(|s| s.code == code)
    }
}

/// The indicator's own vocabulary, else the layout's, else 達成・未達成.
pub fn vocabulary(code: Option<&str>, fallback: &str) -> JudgementVocabulary {
    let presets = JudgementVocabulary::presets();
    code.and_then(|c| presets.iter().find(|v| v.code == c))
        .or_else(|| presets.iter().find(|v| v.code == fallback))
        .cloned()
        .unwrap_or_else(JudgementVocabulary::achievement_two)
}
