//! The staff application's sheet pages: "my sheets this fiscal year", a
//! sheet in its city's layout, the editing form with conflict detection,
//! the change history, and the live judgement the form asks for as people
//! type.
//!
//! Every handler first asks for the city (another city's address is "not
//! found"), then loads the item and checks it belongs to that city, then
//! asks `authorize` with the item's sections. Whether the sheet's state
//! allows editing is asked separately, so "not yours" (403) and "not now"
//! (409) stay distinct.

mod conflict;
mod edit;
mod fields;
mod history;
mod judge;
pub mod markup;
mod my_sheets;
mod sheet;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use hyoka_core::access::Action;
use hyoka_core::judgement::JudgementVocabulary;
use hyoka_core::layout::SheetLayout;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::time::Timestamp;
use hyoka_core::workflow::SheetStatus;
use hyoka_core::{EvaluationScale, FiscalYear};
use hyoka_store::{
    FiscalYearRecord, IndicatorRecord, IndicatorValue, ItemRecord, JudgementRecord, Municipality, Store,
};

use crate::auth::Staff;
use crate::routes::{Routes, Rule};
use crate::AppError;

pub fn routes(r: Routes) -> Routes {
    r.get("/staff", Rule::SignedIn, my_sheets::page)
        .get("/static/sheet.js", Rule::Public, script)
        .get("/m/{code}/sheets/{item}/{fy}", Rule::View, sheet::view)
        .get("/m/{code}/sheets/{item}/{fy}/edit", Rule::EditSheet, edit::form)
        .post("/m/{code}/sheets/{item}/{fy}/edit", Rule::EditSheet, edit::save)
        .get("/m/{code}/sheets/{item}/{fy}/history", Rule::View, history::page)
        .post("/m/{code}/judge", Rule::View, judge::live)
}

const SCRIPT: &str = include_str!("../static/sheet.js");

async fn script() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/javascript; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")], SCRIPT)
}

/// The address of a sheet page.
pub fn sheet_href(code: &str, item_id: i64, fy: FiscalYear) -> String {
    format!("/m/{code}/sheets/{item_id}/{}", fy.year())
}

/// Who the sheet is, where it stands, and how the city lays it out.
pub(crate) struct SheetContext {
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
    /// Checks the city, the item and the person's right to `action`, and
    /// loads what every sheet page needs.
    pub async fn load(
        store: &Store,
        staff: &Staff,
        code: &str,
        item_id: i64,
        fy: i32,
        action: Action,
    ) -> Result<SheetContext, AppError> {
        // Another city's address is "not found" before anything is read.
        staff.require(Action::View, code, &[])?;
        let fy = FiscalYear::new(fy).map_err(|_| AppError::NotFound("年度".into()))?;
        let item = store.item(item_id).await?;
        if item.municipality_code != code {
            return Err(AppError::NotFound("事業".into()));
        }
        let sections = store.sheet_section_ids(item_id).await?;
        staff.require(action, code, &sections)?;
        let city = store.municipality(code).await?;
        let (preset, overrides) = store.sheet_layout(code).await?;
        let layout = SheetLayout::with_overrides(&preset, &overrides)
            .or_else(|_| SheetLayout::preset(hyoka_core::layout::default_preset_for(code)))
            .map_err(|e| AppError::Invalid(e.to_string()))?;
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

    pub fn href(&self) -> String {
        sheet_href(&self.code, self.item.id, self.fy)
    }

    pub fn title(&self) -> String {
        format!("{} {}", self.item.code, self.item.title)
    }

    pub fn crumbs(&self) -> Vec<(String, String)> {
        vec![
            (self.city.name.clone(), format!("/m/{}", self.code)),
            ("担当の調査票".to_string(), format!("/staff?fy={}", self.fy.year())),
            (format!("{}（{}）", self.title(), self.fy.label()), self.href()),
        ]
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
}

/// One indicator of the item with its cells and judgements.
pub(crate) struct IndicatorData {
    pub record: IndicatorRecord,
    pub values: Vec<IndicatorValue>,
    pub judgements: Vec<JudgementRecord>,
    pub vocabulary: JudgementVocabulary,
}

/// The content of an item as stored, every fiscal year.
pub(crate) struct SheetContent {
    pub narratives: Vec<NarrativeRow>,
    pub indicators: Vec<IndicatorData>,
    pub budgets: Vec<BudgetRow>,
    pub schedule: Vec<ScheduleRow>,
    pub evaluations: Vec<EvaluationRow>,
    pub direction: Option<NextDirectionRow>,
    pub scales: Vec<EvaluationScale>,
}

impl SheetContent {
    pub async fn load(store: &Store, ctx: &SheetContext) -> Result<SheetContent, AppError> {
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
pub(crate) fn vocabulary(code: Option<&str>, fallback: &str) -> JudgementVocabulary {
    let presets = JudgementVocabulary::presets();
    code.and_then(|c| presets.iter().find(|v| v.code == c))
        .or_else(|| presets.iter().find(|v| v.code == fallback))
        .cloned()
        .unwrap_or_else(JudgementVocabulary::achievement_two)
}

/// A stored UTC timestamp shown in Japan time: `2019年4月1日 09:30`.
pub(crate) fn jst(iso: &str) -> String {
    match Timestamp::parse_iso(iso) {
        Some(t) => {
            let local = t.plus_seconds(9 * 3600).iso();
            let n = |r: std::ops::Range<usize>| local[r].trim_start_matches('0').to_string();
            let day = |r: std::ops::Range<usize>| {
                let v = n(r);
                if v.is_empty() {
                    "0".to_string()
                } else {
                    v
                }
            };
            format!("{}年{}月{}日 {}", &local[0..4], day(5..7), day(8..10), &local[11..16])
        }
        None => iso.to_string(),
    }
}

/// Orders item codes as people read them: 企-2 before 企-10, No.2-1 after No.2.
pub(crate) fn natural_key(code: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in hyoka_core::text::fold_width(code).chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
                digits.clear();
            }
            text.push(c);
        }
    }
    out.push((text, digits.parse().unwrap_or(0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_time() {
        assert_eq!(jst("2019-03-31T15:30:00Z"), "2019年4月1日 00:30");
        assert_eq!(jst("not a time"), "not a time");
    }

    #[test]
    fn codes_sort_naturally() {
        let mut codes = vec!["企-10", "企-2", "No.2-1", "No.2", "企-1"];
        codes.sort_by_key(|c| natural_key(c));
        assert_eq!(codes, vec!["No.2", "No.2-1", "企-1", "企-2", "企-10"]);
    }
}
