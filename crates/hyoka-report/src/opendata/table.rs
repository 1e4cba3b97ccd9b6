//! The four tables of the open-data set, defined once.
//!
//! Each [`Table`] names its columns in English and Japanese with a
//! description in both languages and a type. The CSV header, the CSV and
//! JSON cells, and `metadata.json` are all produced from these definitions,
//! so they cannot disagree with one another.

use hyoka_core::{Direction, Evaluator, IndicatorKind, Number, Stage, ValueRole};

use crate::csvfile::Field;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// Free text, as printed.
    Text,
    /// A stable English code from a fixed list (see [`Column::codes`]).
    Code,
    /// A whole number (yen, fiscal years, levels).
    Integer,
    /// A decimal number, written with `.` and no grouping.
    Decimal,
}

impl ColumnType {
    /// The name used in `metadata.json`.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "string",
            ColumnType::Code => "code",
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "decimal",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Decimal)
    }
}

/// The codes of a code column with their Japanese labels.
pub type CodeList = fn() -> Vec<(&'static str, &'static str)>;

#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The English header; fixed, other tools rely on it.
    pub name_en: &'static str,
    /// The Japanese header (the default).
    pub name_ja: &'static str,
    pub description_ja: &'static str,
    pub description_en: &'static str,
    pub kind: ColumnType,
    /// For [`ColumnType::Code`] columns: every code and its Japanese label.
    pub codes: Option<CodeList>,
}

#[derive(Clone, Copy, Debug)]
pub struct Table {
    /// The file stem: `indicators` → `indicators.csv`, `indicators.json`.
    pub name: &'static str,
    pub title_ja: &'static str,
    pub title_en: &'static str,
    /// What one row is.
    pub row_ja: &'static str,
    pub row_en: &'static str,
    pub columns: &'static [Column],
}

impl Table {
    pub fn header(&self, language: super::Header) -> Vec<&'static str> {
        self.columns
            .iter()
            .map(|c| match language {
                super::Header::Ja => c.name_ja,
                super::Header::En => c.name_en,
            })
            .collect()
    }

    pub fn names_en(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name_en).collect()
    }

    pub fn csv_file(&self) -> String {
        format!("{}.csv", self.name)
    }

    pub fn json_file(&self) -> String {
        format!("{}.json", self.name)
    }
}

/// One cell of a row. Blank is distinct from zero: a missing value is
/// [`Value::Null`] (an empty CSV field, JSON `null`), never `0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Text(String),
    /// A number as plain decimal text (`1279`, `-3.5`, `97.7`): valid in CSV
    /// and as a JSON number, exact (never through floating point).
    Number(String),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// `None` and the empty string are both blank.
    pub fn opt_text(s: Option<impl Into<String>>) -> Value {
        match s.map(Into::into) {
            Some(s) if !s.is_empty() => Value::Text(s),
            _ => Value::Null,
        }
    }

    pub fn int(v: i64) -> Value {
        Value::Number(v.to_string())
    }

    pub fn opt_int(v: Option<i64>) -> Value {
        v.map_or(Value::Null, Value::int)
    }

    pub fn decimal(n: Number) -> Value {
        Value::Number(n.plain())
    }

    /// The value as plain text (blank for [`Value::Null`]), exactly as
    /// stored: before the CSV writer neutralises text.
    pub fn as_str(&self) -> &str {
        match self {
            Value::Null => "",
            Value::Text(s) | Value::Number(s) => s,
        }
    }

    /// The CSV field: text is neutralised against formula injection,
    /// numbers stay numbers.
    pub fn field(&self) -> Field<'_> {
        match self {
            Value::Null => Field::Blank,
            Value::Text(s) => Field::Text(s),
            Value::Number(s) => Field::Number(s),
        }
    }

    /// Whether the value may stand in a column of this type.
    pub fn fits(&self, kind: ColumnType) -> bool {
        match self {
            Value::Null => true,
            Value::Text(_) => !kind.is_numeric(),
            Value::Number(_) => kind.is_numeric(),
        }
    }
}

/// A row of one of the tables: one value per column, in column order.
pub trait TableRow {
    fn table() -> &'static Table;
    fn values(&self) -> Vec<Value>;
}

const fn col(
    name_en: &'static str,
    name_ja: &'static str,
    description_ja: &'static str,
    description_en: &'static str,
    kind: ColumnType,
) -> Column {
    Column { name_en, name_ja, description_ja, description_en, kind, codes: None }
}

const fn code(
    name_en: &'static str,
    name_ja: &'static str,
    description_ja: &'static str,
    description_en: &'static str,
    codes: CodeList,
) -> Column {
    Column { name_en, name_ja, description_ja, description_en, kind: ColumnType::Code, codes: Some(codes) }
}

use ColumnType::{Decimal, Integer, Text};

fn kinds() -> Vec<(&'static str, &'static str)> {
    IndicatorKind::ALL.iter().map(|k| (k.code(), k.label())).collect()
}
fn directions() -> Vec<(&'static str, &'static str)> {
    Direction::ALL.iter().map(|d| (d.code(), d.label())).collect()
}
fn roles() -> Vec<(&'static str, &'static str)> {
    ValueRole::ALL.iter().map(|r| (r.code(), r.label())).collect()
}
fn stages() -> Vec<(&'static str, &'static str)> {
    Stage::ALL.iter().map(|s| (s.code(), s.label())).collect()
}
fn evaluators() -> Vec<(&'static str, &'static str)> {
    Evaluator::ALL.iter().map(|e| (e.code(), e.label())).collect()
}

const MUNICIPALITY_CODE: Column = col(
    "municipality_code",
    "団体コード",
    "全国地方公共団体コード（6桁、検査数字を含む）。先頭の0を保つため文字列です。",
    "Local government code (全国地方公共団体コード), six digits including the check digit; text, so that leading zeros are kept.",
    Text,
);
const MUNICIPALITY: Column = col("municipality", "団体名", "団体（市）の名称。", "Name of the municipality.", Text);
const FISCAL_YEAR: Column = col(
    "fiscal_year",
    "年度",
    "年度を西暦で表した整数（4月1日に始まる年の西暦。2018 は平成30年度、2019 は令和元年度）。",
    "Fiscal year as the Western calendar year in which it starts on 1 April (2018 = 平成30年度, 2019 = 令和元年度).",
    Integer,
);
const ITEM_CODE: Column = col(
    "code",
    "事業コード",
    "事業・課題・目標の番号（記載のとおり。例: 企-1、No.2-1、1-(2)）。番号のない場合は空欄。",
    "Code of the project, issue or objective as printed (e.g. 企-1, No.2-1, 1-(2)); empty when it has none.",
    Text,
);
const ITEM_TITLE: Column = col(
    "title",
    "事業名",
    "事業・課題・目標の名称（記載のとおり）。",
    "Title of the project, issue or objective, as printed.",
    Text,
);
const ITEM_PLAN: Column = col(
    "plan",
    "計画",
    "事業等が掲載された計画の名称（再掲でない最初の掲載先）。計画に掲載されていない場合は空欄。",
    "Name of the plan the item is placed in (its first placement that is not a re-listing, 再掲); empty when it is in no plan.",
    Text,
);

pub const INDICATORS: Table = Table {
    name: "indicators",
    title_ja: "指標の基準値・目標値・実績値",
    title_en: "Indicator baselines, targets and actuals",
    row_ja: "指標 × 年度 × 区分（基準値・目標・実績）ごとに1行",
    row_en: "One row per indicator × fiscal year × role (baseline, target or actual)",
    columns: &[
        MUNICIPALITY_CODE,
        MUNICIPALITY,
        col(
            "plan",
            "計画",
            "指標が属する計画の名称（指標の施策の計画、または指標を持つ事業が再掲でなく掲載された最初の計画）。なければ空欄。",
            "Name of the plan the indicator belongs to: the plan of its node, or of the first placement (not a re-listing) of the project that owns it; empty when none.",
            Text,
        ),
        col(
            "node_code",
            "体系コード",
            "その計画の施策体系上のコード（記載のとおり。例: IV-7-48-(1)、第3-2）。なければ空欄。",
            "Printed code of that plan node (e.g. IV-7-48-(1), 第3-2); empty when none.",
            Text,
        ),
        col(
            "project",
            "事業",
            "指標を持つ事業・課題・目標の名称。施策そのものの指標では空欄。",
            "Title of the project, issue or objective that owns the indicator; empty for an indicator of a plan node itself.",
            Text,
        ),
        col("indicator", "指標名", "指標の名称（記載のとおり）。", "Name of the indicator, as printed.", Text),
        code(
            "indicator_kind",
            "指標の種類",
            "指標の種類のコード（outcome 成果指標、activity 活動指標、kpi KPI、population 対象指標）。",
            "Kind of indicator, as a code: outcome, activity, kpi or population (the size of the target population).",
            kinds,
        ),
        col(
            "unit",
            "単位",
            "数値の単位（セルに記載された単位、なければ指標の単位。例: 人、件、%）。数値の列には単位を含めません。",
            "Unit of the value: the unit printed in the cell, else the indicator's unit (e.g. 人 persons, 件 cases, %). Values never carry units.",
            Text,
        ),
        code(
            "direction",
            "目指す方向",
            "指標の目指す方向のコード（higher 高いほど良い、lower 低いほど良い、maintain 維持、bound 範囲内、milestone 達成型）。",
            "Which way the indicator should move, as a code: higher, lower, maintain, bound or milestone.",
            directions,
        ),
        FISCAL_YEAR,
        col(
            "fiscal_year_label",
            "年度（和暦）",
            "和暦の年度表記（例: 平成30年度、令和元年度）。",
            "The fiscal year in the Japanese era, as printed in documents (e.g. 平成30年度, 令和元年度).",
            Text,
        ),
        code(
            "role",
            "区分",
            "値の区分のコード（baseline 基準値、target 目標、actual 実績）。",
            "Which value of the year the row holds, as a code: baseline, target or actual.",
            roles,
        ),
        col(
            "printed",
            "記載値",
            "資料に記載されたとおりのセルの内容（単位・注記を含む）。空欄のセルは空。",
            "The cell exactly as printed in the document, with its unit and notes; empty when the cell was blank.",
            Text,
        ),
        col(
            "value",
            "数値",
            "記載値の数値（桁区切りなし、単位なし）。数値のないセル（空欄、「—」、文言のみ）では空欄で、0とは区別します。範囲の目標（例: 80台以下）ではその境界値、複数の値を含むセルでは最初の値。",
            "The number of the printed cell, without grouping or unit. Empty (JSON null) when the cell holds no number (blank, a dash, words only), which is distinct from 0. For a bound (e.g. 80台以下, 80 or fewer) the limit; for a cell with several values the first.",
            Decimal,
        ),
        col(
            "judgement",
            "判定（記載）",
            "資料に記載された判定（例: 達成、未達成、順調、遅れ）。区分が実績（actual）の行にのみ記載し、ほかの行は空欄。",
            "The judgement printed in the document (e.g. 達成 achieved, 未達成 not achieved, 順調 on track, 遅れ behind); only on rows whose role is actual, empty otherwise.",
            Text,
        ),
        col(
            "judgement_computed",
            "判定（計算）",
            "その年度の目標と実績から、指標の目指す方向に従って計算した判定（記載の判定と同じ語彙）。計算できない場合は空欄。区分が実績の行にのみ記載。記載の判定と異なる場合があります。",
            "The judgement computed from the year's target and actual with the indicator's direction, in the same vocabulary as the printed one; empty when it cannot be computed; only on actual rows. It may differ from the printed judgement.",
            Text,
        ),
        col(
            "related_plan",
            "関連する計画",
            "指標が名を挙げる別の計画の名称（例: 成果指標が属する行政改革大綱）。なければ空欄。",
            "Name of another plan whose node the indicator names as related (e.g. the administrative reform plan, 行政改革大綱, an outcome indicator belongs to); empty when none.",
            Text,
        ),
        col(
            "related_node_code",
            "関連する計画の項目コード",
            "その計画の項目のコード（記載のとおり。例: 行政改革大綱の取組事項 24）。項目名は nodes の title。なければ空欄。",
            "Printed code of that node (e.g. reform item 24); its title is in nodes. Empty when none.",
            Text,
        ),
    ],
};

pub const EVALUATIONS: Table = Table {
    name: "evaluations",
    title_ja: "事業等の評価",
    title_en: "Grades given to projects",
    row_ja: "事業等 × 年度 × 評価段階 × 評価者ごとに1行",
    row_en: "One row per graded item × fiscal year × stage × evaluator",
    columns: &[
        MUNICIPALITY_CODE,
        MUNICIPALITY,
        ITEM_PLAN,
        ITEM_CODE,
        ITEM_TITLE,
        FISCAL_YEAR,
        code(
            "stage",
            "評価段階",
            "評価の段階のコード（midyear 中間評価、yearend 事後評価、first 1次評価、second 2次評価）。",
            "When in the year the grade was given, as a code: midyear, yearend, first or second.",
            stages,
        ),
        code(
            "evaluator",
            "評価者",
            "評価者のコード（section 主管課、department_head 部長、review_board 事業評価審査会、headquarters 行革本部、policy_council 政策会議）。",
            "Who gave the grade, as a code: section, department_head, review_board, headquarters or policy_council.",
            evaluators,
        ),
        col(
            "grade",
            "評価",
            "記載された評価（例: S、A、1）。評価のない場合は空欄。",
            "The grade as printed (e.g. S, A, 1); empty when none was given.",
            Text,
        ),
        col(
            "grade_label",
            "評価の意味",
            "評価の尺度の凡例による評価の意味（例: 計画どおり）。凡例が記載されていない尺度では空欄。",
            "The meaning of the grade from the scale's printed legend (e.g. 計画どおり, as planned); empty when the scale has no printed legend.",
            Text,
        ),
        col(
            "comment",
            "コメント",
            "評価者のコメント（記載のとおり）。",
            "The evaluator's comment, as printed.",
            Text,
        ),
    ],
};

pub const BUDGETS: Table = Table {
    name: "budgets",
    title_ja: "事業等の予算・決算",
    title_en: "Budgets and settlements of projects",
    row_ja: "事業等 × 年度ごとに1行",
    row_en: "One row per item × fiscal year",
    columns: &[
        MUNICIPALITY_CODE,
        MUNICIPALITY,
        ITEM_CODE,
        ITEM_TITLE,
        FISCAL_YEAR,
        col(
            "initial_budget_yen",
            "当初予算額（円）",
            "当初予算額（円、整数）。記載のない場合は空欄（0ではありません）。",
            "Initial budget in yen (integer); empty when not printed, which is not 0.",
            Integer,
        ),
        col(
            "final_budget_yen",
            "最終予算額（円）",
            "補正・流用後の最終予算額（円、整数）。記載のない場合は空欄。",
            "Final budget after supplementary changes and transfers, in yen; empty when not printed.",
            Integer,
        ),
        col("settlement_yen", "決算額（円）", "決算額（円、整数）。記載のない場合は空欄。", "Settlement (amount spent) in yen; empty when not printed.", Integer),
        col(
            "general_revenue_yen",
            "うち一般財源（円）",
            "予算のうち一般財源の額（円、整数）。記載のない場合は空欄。",
            "The part funded from general revenue, in yen; empty when not printed.",
            Integer,
        ),
        col(
            "carried_over_yen",
            "繰越額（円）",
            "繰越明許費などの翌年度への繰越額（円、整数）。記載のない場合は空欄。",
            "Amount carried over to the next fiscal year (繰越明許), in yen; empty when not printed.",
            Integer,
        ),
        col(
            "execution_rate",
            "執行率（%）",
            "決算額 ÷ 最終予算額（最終予算額がなければ当初予算額）を百分率で小数第1位に四捨五入した値（%記号なし）。予算額がないか0の場合は空欄。",
            "Settlement ÷ final budget (the initial budget when there is no final one) in percent, rounded half up to one decimal, without the % sign; empty when the budget is missing or zero.",
            Decimal,
        ),
        col(
            "execution_rate_printed",
            "執行率（記載）",
            "資料に記載された執行率（記載のとおり）。",
            "The execution rate as printed in the document.",
            Text,
        ),
        col(
            "national_yen",
            "国庫支出金（円）",
            "財源内訳のうち国庫支出金（円、整数）。記載のない場合は空欄。",
            "Funding from national treasury disbursements, in yen; empty when not printed.",
            Integer,
        ),
        col(
            "prefectural_yen",
            "都道府県支出金（円）",
            "財源内訳のうち都道府県支出金（円、整数）。記載のない場合は空欄。",
            "Funding from prefectural disbursements, in yen; empty when not printed.",
            Integer,
        ),
        col("bonds_yen", "地方債（円）", "財源内訳のうち地方債（円、整数）。記載のない場合は空欄。", "Funding from local bonds, in yen; empty when not printed.", Integer),
        col(
            "other_funding_yen",
            "その他特定財源（円）",
            "財源内訳のうちその他の特定財源（円、整数）。記載のない場合は空欄。",
            "Other specific funding, in yen; empty when not printed.",
            Integer,
        ),
        col(
            "staff_hours",
            "従事時間",
            "事業に従事した全職員の年間の時間数（小数第2位まで）。記載のない場合は空欄。",
            "Staff hours spent on the project in the year (up to two decimals); empty when not printed.",
            Decimal,
        ),
        col(
            "hourly_cost_yen",
            "人件費単価（円/時間）",
            "人件費の計算に使った1時間あたりの単価（円、整数）。",
            "The hourly staff cost used to compute personnel cost, in yen.",
            Integer,
        ),
        col(
            "personnel_cost_yen",
            "人件費（円）",
            "資料に記載された人件費（円、整数）。",
            "Personnel cost as printed, in yen.",
            Integer,
        ),
        col(
            "total_cost_yen",
            "トータルコスト（円）",
            "資料に記載されたトータルコスト（事業費 + 人件費、円、整数）。",
            "Total cost as printed (project cost + personnel cost), in yen.",
            Integer,
        ),
        col(
            "total_cost_computed_yen",
            "トータルコスト（計算、円）",
            "事業費（決算額、なければ予算額）+ 人件費（記載、なければ従事時間 × 単価）。計算できない場合は空欄。",
            "Project cost (settlement, else budget) + personnel cost (as printed, else hours × hourly cost); empty when it cannot be computed.",
            Integer,
        ),
    ],
};

pub const NODES: Table = Table {
    name: "nodes",
    title_ja: "計画の施策体系と事業等",
    title_en: "Plan hierarchies and their items",
    row_ja: "計画の体系の項目ごとに1行、その下に掲載された事業等の掲載ごとに1行",
    row_en: "One row per plan node, and one per placement of an item under a node",
    columns: &[
        MUNICIPALITY_CODE,
        MUNICIPALITY,
        col(
            "plan",
            "計画",
            "計画の名称。どの計画にも掲載されていない事業等では空欄。",
            "Name of the plan; empty for an item placed in no plan.",
            Text,
        ),
        col(
            "code",
            "コード",
            "体系の項目または事業等のコード（記載のとおり）。",
            "Printed code of the plan node or item.",
            Text,
        ),
        col(
            "parent_code",
            "親コード",
            "上位の項目のコード。事業等では掲載先の項目のコード。最上位と計画外の事業等では空欄。",
            "Code of the parent node; for an item, the node it is placed under; empty at the top level and for items in no plan.",
            Text,
        ),
        col(
            "level",
            "階層",
            "体系の階層（最上位が1）。事業等は掲載先の項目の1つ下。計画外の事業等では空欄。",
            "Depth in the plan, 1 for the top level; an item is one below the node it is placed under; empty for items in no plan.",
            Integer,
        ),
        col("title", "名称", "項目または事業等の名称（記載のとおり）。", "Title of the node or item, as printed.", Text),
        col(
            "departments",
            "担当部課",
            "事業等を担当する部と課（「部 課」を「;」で区切って列挙）。体系の項目では空欄。",
            "Departments and sections responsible for the item, each as \"部 課\", separated by \";\"; empty for plan nodes.",
            Text,
        ),
        col(
            "tags",
            "タグ",
            "記載された区分（例: 新規、フォローアップ、主要）を「;」で区切って列挙。再掲の行には「再掲」を含みます。",
            "Tags as printed (e.g. 新規 new, フォローアップ follow-up, 主要 major), separated by \";\"; a re-listing row includes 再掲.",
            Text,
        ),
    ],
};

/// Every table, in the order files are written and described.
pub const TABLES: [&Table; 4] = [&INDICATORS, &EVALUATIONS, &BUDGETS, &NODES];

/// The separator of the list columns (`departments`, `tags`).
pub const LIST_SEPARATOR: &str = ";";
