//! The tables of the canonical workbook and CSV set: one table per XLSX
//! sheet or CSV file, a header row of column names, then one row per fact.
//! docs/formats.md describes them for people; a test keeps it in step.

/// What a column holds, which decides how a cell is read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text kept exactly as written.
    Text,
    /// A code or key: text, even when it looks like a number (`132047`).
    Code,
    /// A whole number: position, level.
    Integer,
    /// A fiscal year as a western integer (`2018`); on import also `平成30年度`, `H30`, `FY2018`.
    Year,
    /// `0` or `1`.
    Boolean,
    /// An amount in whole yen.
    Yen,
}

impl ColumnKind {
    /// Written to XLSX as a number rather than as text.
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnKind::Integer | ColumnKind::Year | ColumnKind::Boolean | ColumnKind::Yen)
    }
}

#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: ColumnKind,
    /// An empty cell is refused.
    pub required: bool,
    /// What the column means, in Japanese, for docs/formats.md.
    pub meaning: &'static str,
    /// Added after files were already being written: a file without the
    /// column reads it as blank, so older exports still import.
    pub may_be_absent: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct TableSpec {
    /// The sheet name, and the CSV file name without `.csv`.
    pub name: &'static str,
    pub columns: &'static [ColumnSpec],
    /// Columns that identify a row: two rows with the same values are refused.
    pub key: &'static [&'static str],
    pub meaning: &'static str,
}

impl TableSpec {
    pub fn column(&self, name: &str) -> Option<&'static ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// Added after files were already being written: a CSV set or workbook
    /// without it reads it as empty, so older exports still import.
    pub fn may_be_absent(&self) -> bool {
        ADDED_TABLES.contains(&self.name)
    }
}

/// Tables added later (see [`TableSpec::may_be_absent`]).
const ADDED_TABLES: [&str; 1] = ["roadmaps"];

const fn col(name: &'static str, kind: ColumnKind, required: bool, meaning: &'static str) -> ColumnSpec {
    ColumnSpec { name, kind, required, meaning, may_be_absent: false }
}

/// A column added later (see [`ColumnSpec::may_be_absent`]).
const fn added(name: &'static str, kind: ColumnKind, meaning: &'static str) -> ColumnSpec {
    ColumnSpec { name, kind, required: false, meaning, may_be_absent: true }
}

use ColumnKind::{Boolean, Code, Integer, Text, Year, Yen};

const MUNICIPALITY: ColumnSpec = col("municipality_code", Code, true, "全国地方公共団体コード（6桁）");
const ITEM: ColumnSpec = col("item_key", Code, true, "事業・項目のキー（items.item_key）");
const INDICATOR: ColumnSpec = col("indicator_key", Code, true, "指標のキー（indicators.indicator_key）");
const PLAN: ColumnSpec = col("plan_code", Code, true, "計画のコード（plans.plan_code）");

pub const MUNICIPALITIES: TableSpec = TableSpec {
    name: "municipalities",
    meaning: "自治体",
    key: &["municipality_code"],
    columns: &[MUNICIPALITY, col("name", Text, true, "自治体名")],
};

pub const SECTIONS: TableSpec = TableSpec {
    name: "sections",
    meaning: "組織（部・課）",
    key: &["municipality_code", "department", "section"],
    columns: &[MUNICIPALITY, col("department", Text, false, "部"), col("section", Text, false, "課")],
};

pub const SCALES: TableSpec = TableSpec {
    name: "scales",
    meaning: "評価の尺度",
    key: &["municipality_code", "scale_code"],
    columns: &[
        MUNICIPALITY,
        col("scale_code", Code, true, "尺度のコード"),
        col("scale_name", Text, false, "尺度の名前"),
        col("legend_printed", Boolean, true, "凡例が印刷されているか（1/0）"),
    ],
};

pub const SCALE_GRADES: TableSpec = TableSpec {
    name: "scale_grades",
    meaning: "尺度の評語（良い順）",
    key: &["municipality_code", "scale_code", "position"],
    columns: &[
        MUNICIPALITY,
        col("scale_code", Code, true, "尺度のコード（scales.scale_code）"),
        col("position", Integer, true, "並び順（良い順）"),
        col("grade_code", Code, true, "評語のコード（印刷どおり: S, 1, A）"),
        col("grade_label", Text, false, "評語の意味（計画以上 など）"),
    ],
};

pub const PLANS: TableSpec = TableSpec {
    name: "plans",
    meaning: "計画（施策体系）",
    key: &["municipality_code", "plan_code"],
    columns: &[MUNICIPALITY, col("plan_code", Code, true, "計画のコード"), col("plan_name", Text, false, "計画の名前")],
};

pub const PLAN_LEVELS: TableSpec = TableSpec {
    name: "plan_levels",
    meaning: "計画の階層の名前",
    key: &["municipality_code", "plan_code", "level"],
    columns: &[
        MUNICIPALITY,
        PLAN,
        col("level", Integer, true, "階層（1 = 最上位）"),
        col("level_name", Text, false, "階層の名前（基本目標、施策 など）"),
    ],
};

pub const PLAN_NODES: TableSpec = TableSpec {
    name: "plan_nodes",
    meaning: "計画の項目",
    key: &["municipality_code", "plan_code", "node_code"],
    columns: &[
        MUNICIPALITY,
        PLAN,
        col("position", Integer, true, "並び順（親が子より先）"),
        col("node_code", Code, true, "項目のコード（印刷どおり: IV-7-48-(1)）"),
        col("parent_code", Code, false, "親の項目のコード（空 = 最上位）"),
        col("title", Text, true, "見出し"),
    ],
};

pub const NODE_TAGS: TableSpec = TableSpec {
    name: "node_tags",
    meaning: "計画の項目の印（主要 など）",
    key: &[],
    columns: &[
        MUNICIPALITY,
        PLAN,
        col("node_code", Code, true, "項目のコード（plan_nodes.node_code）"),
        col("tag", Text, true, "印"),
    ],
};

pub const ITEMS: TableSpec = TableSpec {
    name: "items",
    meaning: "事業・個別課題・改革項目・目標",
    key: &["municipality_code", "item_key"],
    columns: &[
        MUNICIPALITY,
        col("item_key", Code, true, "キー（取り込みのたびに同じ項目を見つけるための識別子）"),
        col("kind", Code, true, "種類（project, issue, objective, activity など）"),
        col("code", Code, false, "印刷された番号（企-1、No.2-1 など）"),
        col("title", Text, false, "名前"),
        col("fiscal_year", Year, false, "シートの年度"),
        col("relisting_of", Code, false, "再掲の場合、元の項目の item_key"),
    ],
};

pub const ITEM_TAGS: TableSpec = TableSpec {
    name: "item_tags",
    meaning: "項目の印（新規、フォローアップ など）",
    key: &[],
    columns: &[MUNICIPALITY, ITEM, col("tag", Text, true, "印")],
};

pub const PLACEMENTS: TableSpec = TableSpec {
    name: "placements",
    meaning: "項目の計画上の位置",
    key: &["municipality_code", "item_key", "plan_code", "node_code"],
    columns: &[
        MUNICIPALITY,
        ITEM,
        PLAN,
        col("node_code", Code, true, "計画の項目のコード（plan_nodes.node_code）"),
        col("relisting", Boolean, true, "再掲か（1/0）"),
    ],
};

pub const ITEM_SECTIONS: TableSpec = TableSpec {
    name: "item_sections",
    meaning: "項目の担当課",
    key: &["municipality_code", "item_key", "department", "section"],
    columns: &[MUNICIPALITY, ITEM, col("department", Text, false, "部"), col("section", Text, false, "課")],
};

pub const NARRATIVES: TableSpec = TableSpec {
    name: "narratives",
    meaning: "記述（事業概要、PDCA、意見など）",
    key: &["municipality_code", "item_key", "position"],
    columns: &[
        MUNICIPALITY,
        ITEM,
        col("position", Integer, true, "並び順"),
        col("fiscal_year", Year, false, "年度"),
        col("slot", Code, true, "欄の種類（overview, plan, do, check, action, summary, opinion など）"),
        col("label", Text, false, "印刷された見出し"),
        col("text", Text, false, "本文（1行1段落、「- 」で始まる行は箇条書き）"),
    ],
};

pub const BUDGETS: TableSpec = TableSpec {
    name: "budgets",
    meaning: "予算・決算（円）",
    key: &["municipality_code", "item_key", "fiscal_year"],
    columns: &[
        MUNICIPALITY,
        ITEM,
        col("fiscal_year", Year, true, "年度"),
        col("initial_yen", Yen, false, "当初予算（円）"),
        col("final_yen", Yen, false, "最終予算（補正・流用後、円）"),
        col("settlement_yen", Yen, false, "決算額（円）"),
        col("general_revenue_yen", Yen, false, "うち一般財源（円）"),
        col("carried_over_yen", Yen, false, "繰越明許（円）"),
        col("execution_rate_printed", Text, false, "印刷された執行率"),
        added("national_yen", Yen, "財源内訳: 国庫支出金（円）"),
        added("prefectural_yen", Yen, "財源内訳: 都道府県支出金（円）"),
        added("bonds_yen", Yen, "財源内訳: 地方債（円）"),
        added("other_funding_yen", Yen, "財源内訳: その他の特定財源（円）"),
        added("staff_hours", Text, "従事時間（全職員の年間合計、小数第2位まで: 1234.5）"),
        added("hourly_cost_yen", Yen, "人件費単価（円/時間）"),
        added("personnel_cost_yen", Yen, "人件費（印刷どおり、円）"),
        added("total_cost_yen", Yen, "トータルコスト（印刷どおり、円。事業費 + 人件費）"),
    ],
};

pub const EVALUATIONS: TableSpec = TableSpec {
    name: "evaluations",
    meaning: "評価（評語と意見）",
    key: &["municipality_code", "item_key", "fiscal_year", "stage", "evaluator"],
    columns: &[
        MUNICIPALITY,
        ITEM,
        col("fiscal_year", Year, true, "年度"),
        col("stage", Code, true, "時期（midyear, yearend, first, second）"),
        col("evaluator", Code, true, "評価者（section, department_head, review_board, headquarters, policy_council）"),
        col("scale", Code, false, "尺度のコード（scales.scale_code）"),
        col("grade", Code, false, "評語（印刷どおり）"),
        col("comment", Text, false, "意見"),
    ],
};

pub const SCHEDULES: TableSpec = TableSpec {
    name: "schedules",
    meaning: "月別スケジュールと従事時間",
    key: &["municipality_code", "item_key", "position"],
    columns: &[
        MUNICIPALITY,
        ITEM,
        col("position", Integer, true, "並び順"),
        col("fiscal_year", Year, true, "年度"),
        col("kind", Code, true, "planned（計画）または actual（実績）"),
        col("label", Text, false, "行の見出し"),
        col("apr", Text, false, "4月"),
        col("may", Text, false, "5月"),
        col("jun", Text, false, "6月"),
        col("jul", Text, false, "7月"),
        col("aug", Text, false, "8月"),
        col("sep", Text, false, "9月"),
        col("oct", Text, false, "10月"),
        col("nov", Text, false, "11月"),
        col("dec", Text, false, "12月"),
        col("jan", Text, false, "1月"),
        col("feb", Text, false, "2月"),
        col("mar", Text, false, "3月"),
        col("hours_regular", Text, false, "従事時間 正職員（印刷どおり: 747H）"),
        col("hours_other", Text, false, "従事時間 その他職員（印刷どおり）"),
    ],
};

/// The schedule's month columns, April first.
pub const MONTHS: [&str; 12] = ["apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar"];

pub const NEXT_DIRECTIONS: TableSpec = TableSpec {
    name: "next_directions",
    meaning: "今後の方向性（1項目に1行）",
    key: &["municipality_code", "item_key"],
    columns: &[
        MUNICIPALITY,
        ITEM,
        col("fiscal_year", Year, true, "年度"),
        col("printed", Text, false, "印刷どおりの方向性"),
        col("direction", Code, false, "方向性のコード（expand, keep, shrink, merge, pause, end）"),
        col("reason", Text, false, "理由"),
        col("transfer", Text, false, "事務移管（印刷どおり）"),
    ],
};

pub const INDICATORS: TableSpec = TableSpec {
    name: "indicators",
    meaning: "指標",
    key: &["municipality_code", "indicator_key"],
    columns: &[
        MUNICIPALITY,
        col("indicator_key", Code, true, "指標のキー"),
        col("name", Text, true, "指標名"),
        col("kind", Code, true, "種類（outcome 成果指標, activity 活動指標, kpi）"),
        col("definition", Text, false, "定義・計算式"),
        col("unit", Text, false, "単位"),
        col("direction", Code, true, "方向（higher, lower, maintain, bound, milestone）"),
        col("vocabulary", Code, false, "判定の語彙（achievement, achievement2, progress, sab）"),
        col("item_key", Code, false, "この指標を持つ項目（items.item_key）"),
        col("plan_code", Code, false, "この指標が測る計画の項目の計画（node_code と組で）"),
        col("node_code", Code, false, "この指標が測る計画の項目（plan_code と組で）"),
        added(
            "related_plan_code",
            Code,
            "この指標が名を挙げる別の計画の項目の計画（related_node_code と組で。三島市の行政改革大綱の取組事項）",
        ),
        added("related_node_code", Code, "この指標が名を挙げる別の計画の項目（related_plan_code と組で）"),
    ],
};

pub const INDICATOR_VALUES: TableSpec = TableSpec {
    name: "indicator_values",
    meaning: "指標の値（印刷どおり）",
    key: &["municipality_code", "indicator_key", "fiscal_year", "role", "source"],
    columns: &[
        MUNICIPALITY,
        INDICATOR,
        col("fiscal_year", Year, true, "年度"),
        col("role", Code, true, "値の種類（baseline 基準値, target 目標, actual 実績）"),
        col("source", Text, false, "印刷されていた表（同じ値が2つの表にあるとき）"),
        col("printed", Text, false, "印刷どおりの値（80台以下、—、0件 など）"),
        col("printed_in", Year, false, "この値を印刷した公表資料の年度（その年度の公開とともに公開）"),
    ],
};

pub const JUDGEMENTS: TableSpec = TableSpec {
    name: "judgements",
    meaning: "印刷された判定",
    key: &["municipality_code", "indicator_key", "fiscal_year", "source"],
    columns: &[
        MUNICIPALITY,
        INDICATOR,
        col("fiscal_year", Year, true, "年度"),
        col("source", Text, false, "印刷されていた表"),
        col("printed", Text, false, "印刷どおりの判定（達成、順調、S など）"),
        col("printed_in", Year, false, "この判定を印刷した公表資料の年度"),
    ],
};

pub const ROADMAPS: TableSpec = TableSpec {
    name: "roadmaps",
    meaning: "工程表（実施内容ごと・年度の欄ごとに1行。計画と実績は印刷どおり）",
    key: &["municipality_code", "item_key", "fiscal_year", "position", "year"],
    columns: &[
        MUNICIPALITY,
        ITEM,
        col("fiscal_year", Year, true, "調査票の年度（この工程表を記載した年度）"),
        col("position", Integer, true, "実施内容の並び順（その年度の中で）"),
        col("step", Text, false, "実施内容（印刷どおり。同じ並び順の行は同じ値）"),
        col("year", Year, false, "工程表の年度の欄（空欄: どの年度にも記載のない実施内容）"),
        col("planned", Text, false, "その年度の計画（印刷どおり: →、検討、(二小) など）"),
        col("actual", Text, false, "その年度の実績（印刷どおり）"),
    ],
};

/// Every table, in the order they are written and checked.
pub const TABLES: [TableSpec; 21] = [
    MUNICIPALITIES,
    SECTIONS,
    SCALES,
    SCALE_GRADES,
    PLANS,
    PLAN_LEVELS,
    PLAN_NODES,
    NODE_TAGS,
    ITEMS,
    ITEM_TAGS,
    PLACEMENTS,
    ITEM_SECTIONS,
    NARRATIVES,
    BUDGETS,
    EVALUATIONS,
    SCHEDULES,
    NEXT_DIRECTIONS,
    INDICATORS,
    INDICATOR_VALUES,
    JUDGEMENTS,
    ROADMAPS,
];

pub fn table(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}
