//! A multi-year 工程表 (roadmap): 小平市's 進捗状況調査票 prints, under
//! 実施内容, one row per step of the plan and, per fiscal year of the plan
//! (平成29年度 … 平成32年度), what is planned for that year (計画: an arrow, a
//! school's name) and what was done (実績).
//!
//! A sheet's roadmap belongs to the sheet's year. The plan part carries
//! into the next year ([`carry`]): the steps and the planned cells, with
//! every actual empty, so the section enters that year's actuals.
//!
//! Every cell is text as printed or typed (`→`, `(二小)`, `実施`); blank is
//! blank.

use serde::{Deserialize, Serialize};

use crate::FiscalYear;

/// One step of the roadmap of one sheet year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoadmapRow {
    /// The sheet's year this row belongs to.
    pub fiscal_year: FiscalYear,
    /// 実施内容 as printed: `・庁内研修等の啓発活動の実施`.
    pub step: String,
    /// The year columns that hold something, in year order.
    pub cells: Vec<RoadmapCell>,
}

/// What one row says of one year of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoadmapCell {
    /// The year column.
    pub year: FiscalYear,
    /// 計画, as printed: `→`, `(二小)`, or empty.
    pub planned: String,
    /// 実績, as printed, or empty.
    pub actual: String,
}

impl RoadmapRow {
    /// The cell of a year column, if the row says anything of that year.
    pub fn cell(&self, year: FiscalYear) -> Option<&RoadmapCell> {
        self.cells.iter().find(|c| c.year == year)
    }

    pub fn planned(&self, year: FiscalYear) -> &str {
        self.cell(year).map(|c| c.planned.as_str()).unwrap_or("")
    }

    pub fn actual(&self, year: FiscalYear) -> &str {
        self.cell(year).map(|c| c.actual.as_str()).unwrap_or("")
    }

    /// Sets a year's planned and actual text; an all-blank cell is removed,
    /// the others are kept in year order.
    pub fn set(&mut self, year: FiscalYear, planned: String, actual: String) {
        self.cells.retain(|c| c.year != year);
        if !planned.is_empty() || !actual.is_empty() {
            self.cells.push(RoadmapCell { year, planned, actual });
            self.cells.sort_by_key(|c| c.year);
        }
    }

    pub fn is_blank(&self) -> bool {
        self.step.is_empty() && self.cells.is_empty()
    }
}

/// The year columns of a sheet's 工程表: `n` years of the plan from the
/// year the item starts (moved on so that the sheet's year is in), and any
/// other year a stored row names, in order.
pub fn span<'a>(
    start: Option<FiscalYear>,
    sheet_year: FiscalYear,
    n: u8,
    rows: impl IntoIterator<Item = &'a RoadmapRow>,
) -> Vec<FiscalYear> {
    let n = i32::from(n);
    let mut first = start.unwrap_or(sheet_year).year().min(sheet_year.year());
    if sheet_year.year() >= first + n {
        first = sheet_year.year() - n + 1;
    }
    let mut years: Vec<FiscalYear> = (first..first + n).filter_map(|y| FiscalYear::new(y).ok()).collect();
    years.extend(rows.into_iter().flat_map(|r| r.cells.iter().map(|c| c.year)));
    years.sort();
    years.dedup();
    years
}

/// The rows opened in the next year: each step with its planned cells,
/// every actual empty; a row with nothing left is kept if it names a step.
pub fn carry(rows: &[RoadmapRow], next: FiscalYear) -> Vec<RoadmapRow> {
    rows.iter()
        .map(|r| RoadmapRow {
            fiscal_year: next,
            step: r.step.clone(),
            cells: r
                .cells
                .iter()
                .filter(|c| !c.planned.is_empty())
                .map(|c| RoadmapCell { year: c.year, planned: c.planned.clone(), actual: String::new() })
                .collect(),
        })
        .filter(|r| !r.is_blank())
        .collect()
}

/// The longest 実施内容 a person may type.
pub const MAX_STEP_CHARS: usize = 500;
/// The longest planned or actual cell a person may type.
pub const MAX_CELL_CHARS: usize = 200;

/// One problem with a typed roadmap, naming its row and year.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoadmapError {
    #[error("工程表の{row}行目: 実施内容は{max}文字以内で入力してください（{len}文字）")]
    StepTooLong { row: usize, len: usize, max: usize },
    #[error("工程表の{row}行目 {year}の{part}: {max}文字以内で入力してください（{len}文字）")]
    CellTooLong { row: usize, year: String, part: &'static str, len: usize, max: usize },
    #[error("工程表の{row}行目 {year}の{part}: 改行は入力できません（1行で入力してください）")]
    CellLineBreak { row: usize, year: String, part: &'static str },
}

/// Cleans one typed row (row numbers count from 1 as a person reads them):
/// the step and cells trimmed, a step's spaces kept as typed. A row with no
/// step and no cell is `Ok(None)` (a spare row left blank).
pub fn clean_row(
    row: usize,
    step: &str,
    cells: &[(FiscalYear, &str, &str)],
) -> Result<Option<(String, Vec<RoadmapCell>)>, Vec<RoadmapError>> {
    let step = step.trim().to_string();
    let mut errors = Vec::new();
    let len = step.chars().count();
    if len > MAX_STEP_CHARS {
        errors.push(RoadmapError::StepTooLong { row, len, max: MAX_STEP_CHARS });
    }
    let mut out = Vec::new();
    for (year, planned, actual) in cells {
        let mut cell = |part: &'static str, text: &str| {
            let text = normalise_cell(text);
            let len = text.chars().count();
            if text.contains('\n') {
                errors.push(RoadmapError::CellLineBreak { row, year: year.label(), part });
            } else if len > MAX_CELL_CHARS {
                errors.push(RoadmapError::CellTooLong { row, year: year.label(), part, len, max: MAX_CELL_CHARS });
            }
            text
        };
        let planned = cell("計画", planned);
        let actual = cell("実績", actual);
        if !planned.is_empty() || !actual.is_empty() {
            out.push(RoadmapCell { year: *year, planned, actual });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.sort_by_key(|c| c.year);
    // A row with cells but no step is kept: documents print a step's later
    // lines (「新規 3団体 合計 5団体」) as rows of their own.
    Ok((!step.is_empty() || !out.is_empty()).then_some((step, out)))
}

/// A typed cell: trimmed (full-width spaces too, so a cell of them is
/// blank), Windows line ends made plain. Arrows and brackets stay as typed:
/// the printed form is the value.
fn normalise_cell(text: &str) -> String {
    text.trim().replace("\r\n", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    #[test]
    fn carrying_keeps_steps_and_plans_and_empties_actuals() {
        let mut row = RoadmapRow { fiscal_year: fy(2017), step: "・研修の実施".into(), cells: vec![] };
        row.set(fy(2018), "→".into(), String::new());
        row.set(fy(2017), "→".into(), "2回実施".into());
        row.set(fy(2019), String::new(), "前倒しで実施".into());
        assert_eq!(row.cells.iter().map(|c| c.year.year()).collect::<Vec<_>>(), [2017, 2018, 2019]);
        let blank = RoadmapRow { fiscal_year: fy(2017), step: String::new(), cells: vec![] };
        let next = carry(&[row, blank], fy(2018));
        assert_eq!(next.len(), 1, "a blank row is not carried");
        assert_eq!(next[0].fiscal_year, fy(2018));
        assert_eq!(next[0].step, "・研修の実施");
        assert_eq!(
            next[0].cells,
            vec![
                RoadmapCell { year: fy(2017), planned: "→".into(), actual: String::new() },
                RoadmapCell { year: fy(2018), planned: "→".into(), actual: String::new() },
            ],
            "an actual-only cell goes, the planned ones stay with actuals empty"
        );
    }

    #[test]
    fn a_typed_row_is_checked_naming_row_and_year() {
        let ok = clean_row(1, " ・研修 ", &[(fy(2018), " → ", ""), (fy(2017), "", "実施")]).unwrap().unwrap();
        assert_eq!(ok.0, "・研修");
        assert_eq!(ok.1[0].year, fy(2017), "cells in year order");
        assert_eq!(ok.1[1].planned, "→");
        assert_eq!(clean_row(2, "  ", &[(fy(2018), "", "\u{3000}")]).unwrap(), None, "a blank spare row");
        let kept = clean_row(3, "", &[(fy(2018), "→", "")]).unwrap().unwrap();
        assert_eq!((kept.0.as_str(), kept.1.len()), ("", 1), "a step's later line, as printed");
        let long = "あ".repeat(MAX_CELL_CHARS + 1);
        let e = clean_row(4, "・研修", &[(fy(2019), "", &long)]).unwrap_err();
        assert_eq!(e[0].to_string(), "工程表の4行目 令和元年度の実績: 200文字以内で入力してください（201文字）");
        let e = clean_row(5, "・研修", &[(fy(2020), "a\nb", "")]).unwrap_err();
        assert!(e[0].to_string().starts_with("工程表の5行目 令和2年度の計画: 改行"), "{}", e[0]);
    }
}
