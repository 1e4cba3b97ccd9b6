//! The parts a sheet is made of, besides indicators: narratives under
//! printed headings, budget lines, grades, schedules, next year's direction,
//! and findings a person should review. Readers produce them, the store
//! keeps them, writers print them. A sheet's editable content is a
//! [`draft::SheetDraft`]; two people's drafts merge in [`merge`].

use serde::{Deserialize, Serialize};

pub mod draft;
pub mod merge;

use crate::scale::NextDirection;
use crate::{BudgetFigures, Evaluator, FiscalYear, Narrative, Stage};

/// The months of a fiscal year as printed in schedules, April first.
pub const FISCAL_MONTHS: [&str; 12] =
    ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"];

/// A block of narrative under a printed heading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeRow {
    pub fiscal_year: Option<FiscalYear>,
    /// A stable slot: `overview`, `plan`, `do`, `check`, `action`,
    /// `midyear`, `outcome_target`, `outcome_result`, `summary`, `opinion`, …
    pub slot: String,
    /// The heading as printed: `事業の総括（主管課）`.
    pub label: String,
    pub text: Narrative,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetRow {
    pub fiscal_year: FiscalYear,
    pub figures: BudgetFigures,
    /// The execution rate as printed, kept beside the computed one.
    pub execution_rate_printed: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationRow {
    pub fiscal_year: FiscalYear,
    pub stage: Stage,
    pub evaluator: Evaluator,
    pub scale: Option<String>,
    /// As printed: `S`, `1`, `A`.
    pub grade: Option<String>,
    pub comment: Option<String>,
}

/// One row of a monthly schedule (4月 … 3月) with staff hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    pub fiscal_year: FiscalYear,
    /// `planned` or `actual`.
    pub kind: String,
    pub label: String,
    /// Twelve cells, April first, as printed (`←`, `→`, text or empty).
    pub months: Vec<String>,
    /// 従事見込時間数 as printed: `747H`.
    pub hours_regular: Option<String>,
    pub hours_other: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextDirectionRow {
    pub fiscal_year: FiscalYear,
    pub printed: String,
    pub direction: Option<NextDirection>,
    pub reason: Option<String>,
    /// A transfer of the work to another section (事務移管), as printed.
    pub transfer: Option<String>,
}

/// Where a finding was found, and what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub municipality: Option<String>,
    /// `unplaced`, `value_conflict`, `judgement_mismatch`, `rate_mismatch`, …
    pub kind: String,
    pub file: String,
    pub line: Option<usize>,
    /// The fragment as printed.
    pub text: String,
    /// Plain Japanese for the person who reviews it.
    pub message: String,
}

impl Finding {
    /// The kind in words for the person who reviews it.
    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "unplaced" | "unplaced_item" => "取り込み先のない記載",
            "value_conflict" => "表どうしの値の食い違い",
            "judgement_mismatch" => "判定と数値の不一致",
            "judgement_conflict" => "表どうしの判定の食い違い",
            "name_mismatch" | "title_mismatch" | "text_mismatch" => "名称・記載の食い違い",
            "relisting_origin" | "relisting_conflict" => "再掲の確認",
            "split_cell" | "table_shape" | "value_assignment" | "inferred" => "読み取り方の確認",
            "schedule_unaligned" => "スケジュールの月が不明",
            "roadmap_unaligned" => "工程表の年度が不明",
            "rate_uncomputable" | "rate_mismatch" => "執行率の確認",
            "count_mismatch" => "件数の食い違い",
            "missing" | "missing_sheet" | "missing_grade" => "記載の欠落",
            "unknown_grade" => "尺度にない評価",
            "unmodelled" | "unknown_node" | "unlinked_reform" | "unreadable" => "保存先のない記載",
            "next_direction_conflict" => "方向性の食い違い",
            _ => "その他の要確認事項",
        }
    }
}
