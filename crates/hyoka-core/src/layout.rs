//! Sheet kinds as data.
//!
//! A city uses several kinds of sheet: 三鷹市 a project sheet (個別事業評価表)
//! and a measure sheet (the 施策 of its white paper); 三島市 a 行政評価表 per
//! 施策 that gathers the PDCA of each 施策の方向 and the 業務計画 beneath it;
//! 小平市 a survey sheet per reform item with a roadmap and two grades;
//! 東村山市 one 目標管理シート per department with a table of its sections'
//! objectives graded by the department head. A kind ([`SheetLayout`]) is the
//! list of sections a sheet shows, in order, with the headings the city
//! uses, and the kinds of item it is the sheet of. Presets mirror every kind
//! in the seed documents; a city uses one or more and renames any label (kept
//! as overrides by key), so no code changes when a city calls 事業概要
//! something else.
//!
//! A section of kind [`SectionKind::Children`] is a table of the items
//! beneath the sheet's item in the plan (三島市's 施策の方向 and 手段,
//! 東村山市's objectives): each row is one such item with its own narrative
//! slots, grades, indicators and direction, edited on the parent's sheet.
//!
//! Narrative slot codes are the ones the importers write (`overview`,
//! `plan`, `do`, …), so an imported sheet lands in the right place.

use std::collections::BTreeMap;

use crate::scale::{Evaluator, Stage};

/// What kind of content a section holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Narratives,
    Indicators,
    Budget,
    /// 財源内訳, 従事時間 × 単価 = 人件費, トータルコスト.
    Cost,
    Schedule,
    StaffHours,
    Grades,
    Direction,
    /// A table of the items beneath the sheet's item.
    Children,
    /// A multi-year 工程表: steps × the plan's years, planned and actual
    /// (`hyoka_core::roadmap`; the years: [`SheetLayout::roadmap_years`]).
    Roadmap,
}

coded_enum!(SectionKind {
    Narratives => "narratives", "記述";
    Indicators => "indicators", "指標";
    Budget => "budget", "予算・決算";
    Cost => "cost", "財源内訳・コスト";
    Schedule => "schedule", "スケジュール";
    StaffHours => "staff_hours", "従事時間";
    Grades => "grades", "評価";
    Direction => "direction", "今後の方向性";
    Children => "children", "下位の項目";
    Roadmap => "roadmap", "工程表";
});

/// Who fills in a narrative slot or a grade. The sheet's editors fill the
/// section's own parts; a head's grade is the head's; the review board's
/// parts belong to the review workflow and are read-only on the sheet form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Writer {
    /// 担当課: editors and heads of the section, and the admin.
    Section,
    /// 課長・部長: the head of the section, and the admin.
    Head,
    /// 審査会・行革本部: written through the review, not on the sheet form.
    Reviewer,
}

/// A block of narrative under a heading, stored under `code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NarrativeSlot {
    pub code: String,
    pub label: String,
    pub writer: Writer,
    /// Part of the plan rather than of one year's results (目的・ねらい, 工程表,
    /// 事業概要): opening the next year copies it.
    pub carried: bool,
}

/// What a [`SectionKind::Children`] section shows of each item beneath the
/// sheet's item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChildRows {
    /// The kinds of item listed (`measure_direction`, `activity`, `objective`).
    pub item_kinds: Vec<String>,
    /// Each row's narrative slots.
    pub slots: Vec<NarrativeSlot>,
    /// Each row's grades.
    pub grades: Vec<GradeSlot>,
    /// Each row's own indicators.
    pub indicators: bool,
    /// Each row's direction for next year (and transfer).
    pub direction: bool,
    /// Each row's monthly schedule with staff hours.
    pub schedule: bool,
    /// The columns when the rows print as one table, a line per item, as
    /// the city prints them (東村山市's 具体的な取り組み: No. | 課名 |
    /// 総計・行革・その他 | 項目 | 目標 | 評価 | 成果又は課題); empty prints a
    /// block per item.
    pub table: Vec<RowColumn>,
}

/// A column of child rows printed as a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowColumn {
    pub field: RowField,
    /// The header; a slot's column is headed with the slot's label, so a
    /// city's renaming shows.
    pub label: String,
}

/// What a [`RowColumn`] shows of an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowField {
    /// Its printed code (`No.`).
    Code,
    /// Its sections (`課名`).
    Sections,
    /// Its tags (`総計`, `行革`).
    Tags,
    /// Its title (`項目`).
    Title,
    /// The year's text of one of the rows' slots, by code.
    Slot(String),
    /// The year's grade of one of the rows' grade slots, by index.
    Grade(usize),
}

fn column(field: RowField, label: &str) -> RowColumn {
    RowColumn { field, label: label.into() }
}

/// A grade at one stage by one evaluator, on one of the city's scales.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeSlot {
    pub stage: Stage,
    pub evaluator: Evaluator,
    /// The code of the evaluation scale (`mitaka-midyear`, `kodaira-sab`).
    pub scale: String,
    pub label: String,
    pub writer: Writer,
}

impl GradeSlot {
    /// The key under which a city may rename it: `grade.midyear.section`.
    pub fn key(&self) -> String {
        format!("grade.{}.{}", self.stage.code(), self.evaluator.code())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutSection {
    /// Stable within the layout; the key of the section's heading.
    pub key: String,
    pub kind: SectionKind,
    pub label: String,
    /// For [`SectionKind::Narratives`].
    pub slots: Vec<NarrativeSlot>,
    /// For [`SectionKind::Grades`].
    pub grades: Vec<GradeSlot>,
    /// For [`SectionKind::Children`].
    pub children: Option<ChildRows>,
}

/// The unit money is entered and shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyInputUnit {
    Thousand,
    Yen,
}

impl MoneyInputUnit {
    pub fn factor(self) -> i64 {
        match self {
            MoneyInputUnit::Thousand => 1_000,
            MoneyInputUnit::Yen => 1,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MoneyInputUnit::Thousand => "千円",
            MoneyInputUnit::Yen => "円",
        }
    }
}

/// A sheet kind: a preset with the city's labels applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetLayout {
    /// `mitaka`, `mitaka-measure`, `mitaka-issue`, `mishima`, `kodaira`,
    /// `higashimurayama`.
    pub preset: String,
    /// The name of the printed form: `個別事業評価表`.
    pub name: String,
    /// The kinds of item this is the sheet of (`project`, `measure`, …).
    pub item_kinds: Vec<String>,
    pub sections: Vec<LayoutSection>,
    pub money_unit: MoneyInputUnit,
    /// The judgement vocabulary for indicators that name none.
    pub vocabulary: String,
    /// Labels of table columns and fields, by key (`budget.initial`,
    /// `schedule.planned`, `direction.transfer`, …).
    pub labels: BTreeMap<String, String>,
}

/// The preset codes, in the order they are offered.
/// The kinds of item hyoka knows, with the names pages show them by: the
/// kinds sheet kinds list and the readers create. The first four are what a
/// person adds most often.
pub const ITEM_KINDS: [(&str, &str); 9] = [
    ("project", "事業"),
    ("issue", "個別課題・改革項目"),
    ("objective", "目標"),
    ("activity", "手段・活動"),
    ("measure", "施策"),
    ("measure_direction", "施策の方向"),
    ("department", "部"),
    ("goal", "基本目標"),
    ("overview", "計画の概要"),
];

/// The name of a kind of item, if hyoka knows it.
pub fn item_kind_label(code: &str) -> Option<&'static str> {
    ITEM_KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

pub const PRESETS: &[&str] =
    &["mitaka", "mitaka-measure", "mitaka-issue", "mishima", "kodaira", "higashimurayama", "jimu"];

/// The kinds a city uses until it chooses: the seed cities' own, and
/// 三鷹市's project sheet for any other city.
pub fn default_kinds_for(municipality: &str) -> &'static [&'static str] {
    match municipality {
        "132047" => &["mitaka", "mitaka-measure", "mitaka-issue"],
        "222062" => &["mishima"],
        "132110" => &["kodaira"],
        "132136" => &["higashimurayama"],
        _ => &["mitaka"],
    }
}

/// The city's first kind until it chooses: the kind of its main sheet.
pub fn default_preset_for(municipality: &str) -> &'static str {
    default_kinds_for(municipality)[0]
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("様式「{0}」はありません（{list} のいずれか）", list = PRESETS.join(", "))]
    UnknownPreset(String),
    #[error("見出し「{0}」はこの様式にありません")]
    UnknownLabel(String),
    #[error("見出し「{key}」の名前は{max}文字以内にしてください")]
    TooLong { key: String, max: usize },
}

/// The longest label a city may give; headings are short.
pub const MAX_LABEL_CHARS: usize = 60;

fn slot(code: &str, label: &str, writer: Writer) -> NarrativeSlot {
    NarrativeSlot { code: code.into(), label: label.into(), writer, carried: false }
}

/// A slot of the plan part, copied into the next year.
fn carried(code: &str, label: &str) -> NarrativeSlot {
    NarrativeSlot { carried: true, ..slot(code, label, Writer::Section) }
}

fn grade(stage: Stage, evaluator: Evaluator, scale: &str, label: &str, writer: Writer) -> GradeSlot {
    GradeSlot { stage, evaluator, scale: scale.into(), label: label.into(), writer }
}

fn section(key: &str, kind: SectionKind, label: &str) -> LayoutSection {
    LayoutSection { key: key.into(), kind, label: label.into(), slots: Vec::new(), grades: Vec::new(), children: None }
}

fn children(key: &str, label: &str, rows: ChildRows) -> LayoutSection {
    LayoutSection { children: Some(rows), ..section(key, SectionKind::Children, label) }
}

fn kinds(list: &[&str]) -> Vec<String> {
    list.iter().map(|k| k.to_string()).collect()
}

fn narratives(key: &str, label: &str, slots: Vec<NarrativeSlot>) -> LayoutSection {
    LayoutSection { slots, ..section(key, SectionKind::Narratives, label) }
}

fn grades(label: &str, grades: Vec<GradeSlot>) -> LayoutSection {
    LayoutSection { grades, ..section("grades", SectionKind::Grades, label) }
}

/// Column and field labels every layout has; presets change some.
fn common_labels(changes: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = [
        ("budget.initial", "当初予算"),
        ("budget.final", "最終予算（補正後）"),
        ("budget.settlement", "決算額"),
        ("budget.general_revenue", "うち一般財源"),
        ("budget.carried_over", "繰越明許"),
        ("budget.rate", "執行率"),
        ("cost.national", "国庫支出金"),
        ("cost.prefectural", "都道府県支出金"),
        ("cost.bonds", "地方債"),
        ("cost.other", "その他"),
        ("cost.hours", "従事時間"),
        ("cost.hourly", "人件費単価（円/時間）"),
        ("cost.personnel", "人件費"),
        ("cost.total", "トータルコスト"),
        ("schedule.planned", "計画"),
        ("schedule.actual", "実績"),
        ("hours.regular", "正職員"),
        ("hours.other", "その他職員"),
        ("indicator.baseline", "基準値"),
        ("indicator.target", "目標"),
        ("indicator.actual", "実績"),
        ("indicator.judgement", "判定"),
        // The plan node an indicator names besides its own (RelatedNode).
        ("indicator.related", "関連する計画の項目"),
        ("direction.direction", "方向性"),
        ("direction.reason", "理由"),
        ("direction.transfer", "事務移管先"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in changes {
        labels.insert((*k).to_string(), (*v).to_string());
    }
    labels
}

impl SheetLayout {
    /// A preset by code.
    pub fn preset(code: &str) -> Result<SheetLayout, LayoutError> {
        use SectionKind as K;
        use Writer::{Head, Reviewer, Section};
        let layout = match code {
            // 三鷹市 個別事業評価表: 当初計画, 中間評価, 事後評価, 予算執行.
            "mitaka" => SheetLayout {
                preset: code.into(),
                name: "個別事業評価表".into(),
                item_kinds: kinds(&["project"]),
                sections: vec![
                    narratives(
                        "part_plan",
                        "当初計画",
                        vec![carried("overview", "事業概要・事業量"), slot("outcome_target", "成果目標", Section)],
                    ),
                    section("schedule", K::Schedule, "スケジュール"),
                    section("indicators", K::Indicators, "指標"),
                    narratives(
                        "part_midyear",
                        "中間評価",
                        vec![
                            slot("midyear", "上半期の実績・課題等", Section),
                            slot("board_note_midyear", "事業評価審査会特記意見", Reviewer),
                            slot("policy_council_midyear", "政策会議評価・意見等", Reviewer),
                        ],
                    ),
                    narratives(
                        "part_yearend",
                        "事後評価",
                        vec![
                            slot("volume_result", "【事業量の実績】", Section),
                            slot("outcome_result", "成果目標の達成状況", Section),
                            slot("summary", "事業の総括（主管課）", Section),
                            slot("board_opinion", "事業評価審査会評価・意見等", Reviewer),
                        ],
                    ),
                    section("budget", K::Budget, "予算執行"),
                    grades(
                        "評価",
                        vec![
                            grade(
                                Stage::MidYear,
                                Evaluator::Section,
                                "mitaka-midyear",
                                "中間評価（主管課評価）",
                                Section,
                            ),
                            grade(
                                Stage::MidYear,
                                Evaluator::ReviewBoard,
                                "mitaka-midyear",
                                "中間評価（事業評価審査会評価）",
                                Reviewer,
                            ),
                            grade(
                                Stage::YearEnd,
                                Evaluator::Section,
                                "mitaka-yearend",
                                "事後評価（主管課評価）",
                                Section,
                            ),
                            grade(
                                Stage::YearEnd,
                                Evaluator::ReviewBoard,
                                "mitaka-yearend",
                                "事後評価（事業評価審査会評価）",
                                Reviewer,
                            ),
                        ],
                    ),
                    section("direction", K::Direction, "今後の方向性"),
                ],
                money_unit: MoneyInputUnit::Thousand,
                vocabulary: "achievement2".into(),
                labels: common_labels(&[("budget.initial", "予算額（当初）"), ("budget.final", "予算額")]),
            },
            // 三鷹市 自治体経営白書 の施策: 目標指標 (H22 baseline, actuals, R4
            // target) and 施策の達成に向けた取り組み状況; no mid-year part, no
            // schedule.
            "mitaka-measure" => SheetLayout {
                preset: code.into(),
                name: "施策の評価（自治体経営白書）".into(),
                item_kinds: kinds(&["measure"]),
                sections: vec![
                    narratives("measure_plan", "施策の概要", vec![carried("overview", "施策の概要")]),
                    section("indicators", K::Indicators, "目標指標"),
                    narratives(
                        "measure_progress",
                        "施策の達成に向けた取り組み状況",
                        vec![slot("progress", "施策の達成に向けた取り組み状況", Section)],
                    ),
                ],
                money_unit: MoneyInputUnit::Thousand,
                vocabulary: "progress".into(),
                labels: common_labels(&[
                    ("indicator.baseline", "計画策定時"),
                    ("indicator.target", "目標"),
                    ("indicator.actual", "実績"),
                    ("indicator.judgement", "達成状況"),
                ]),
            },
            // 三鷹市 アクションプラン の個別課題: the issue and how it stands.
            "mitaka-issue" => SheetLayout {
                preset: code.into(),
                name: "アクションプランの個別課題".into(),
                item_kinds: kinds(&["issue"]),
                sections: vec![
                    narratives("issue_plan", "個別課題", vec![carried("overview", "課題の内容")]),
                    section("indicators", K::Indicators, "指標"),
                    narratives("issue_progress", "取り組み状況", vec![slot("progress", "取り組み状況", Section)]),
                ],
                money_unit: MoneyInputUnit::Thousand,
                vocabulary: "progress".into(),
                labels: common_labels(&[]),
            },
            // 三島市 行政評価表 of a 施策: its 成果指標, the PDCA of each 施策の方向,
            // the 業務計画 (活動指標, 今後の取組み方針, 事務移管), costs, the schedule
            // with staff hours, and the 【行革取組項目】.
            "mishima" => SheetLayout {
                preset: code.into(),
                name: "行政評価表".into(),
                item_kinds: kinds(&["measure"]),
                sections: vec![
                    section("indicators", K::Indicators, "成果指標"),
                    children(
                        "directions",
                        "施策の方向の取組（PDCA）",
                        ChildRows {
                            item_kinds: kinds(&["measure_direction"]),
                            slots: vec![
                                slot("plan", "当該年度の実施計画(Plan)", Section),
                                slot("do", "実施計画に対する取組内容(Do)", Section),
                                slot("check", "実施内容に対する評価(Check)", Section),
                                slot("action", "評価結果に対する改善内容(Action)", Section),
                            ],
                            ..ChildRows::default()
                        },
                    ),
                    children(
                        "work_plan",
                        "業務計画",
                        ChildRows {
                            item_kinds: kinds(&["activity", "project"]),
                            indicators: true,
                            direction: true,
                            schedule: true,
                            ..ChildRows::default()
                        },
                    ),
                    narratives(
                        "reform",
                        "【行革取組項目】",
                        vec![
                            slot("reform_plan", "行革取組項目の計画(Plan)", Section),
                            slot("reform_do", "行革取組項目の取組内容(Do)", Section),
                            slot("reform_check", "行革取組項目の評価(Check)", Section),
                            slot("reform_action", "行革取組項目の改善内容(Action)", Section),
                        ],
                    ),
                    section("budget", K::Budget, "事業費"),
                    section("schedule", K::Schedule, "スケジュール表"),
                    section("staff_hours", K::StaffHours, "従事見込時間数"),
                    section("direction", K::Direction, "今後の取組み方針"),
                ],
                money_unit: MoneyInputUnit::Thousand,
                vocabulary: "achievement".into(),
                labels: common_labels(&[
                    ("budget.final", "予算額"),
                    ("indicator.baseline", "現状値"),
                    ("indicator.judgement", "進捗状況"),
                    ("indicator.related", "行政改革大綱における取組事項名"),
                ]),
            },
            // 小平市 進捗状況調査票: 目的・ねらい and 工程表 (the plan part), indicators
            // with 現状値 and 下半期値, P/D/C/A, 1次評価 by the section, 2次評価 by 行革本部.
            "kodaira" => SheetLayout {
                preset: code.into(),
                name: "進捗状況調査票".into(),
                item_kinds: kinds(&["issue"]),
                sections: vec![
                    narratives(
                        "survey",
                        "取組内容",
                        vec![
                            carried("purpose", "目的・ねらい"),
                            slot("plan", "当初予定(P)", Section),
                            slot("do", "取組実績(D)", Section),
                            slot("check", "取組の評価(C)", Section),
                            slot("action", "来年度に向けての課題と今後の取組(A)", Section),
                        ],
                    ),
                    section("indicators", K::Indicators, "指標"),
                    section("roadmap", K::Roadmap, "工程表"),
                    grades(
                        "評価",
                        vec![
                            grade(Stage::First, Evaluator::Section, "kodaira-sab", "1次評価（所管課）", Section),
                            grade(
                                Stage::Second,
                                Evaluator::Headquarters,
                                "kodaira-sab",
                                "2次評価（行革本部）",
                                Reviewer,
                            ),
                        ],
                    ),
                    section("direction", K::Direction, "今後の方向性"),
                ],
                money_unit: MoneyInputUnit::Thousand,
                vocabulary: "sab".into(),
                labels: common_labels(&[("indicator.baseline", "現状値"), ("indicator.actual", "下半期値")]),
            },
            // 東村山市 目標管理シート: one per department — 部長, 市の目標, 部の目標,
            // 人員 and 予算規模 — with its sections' objectives (区分, 目標, 成果又は
            // 課題), graded A/B by the department head.
            "higashimurayama" => SheetLayout {
                preset: code.into(),
                name: "目標管理シート".into(),
                item_kinds: kinds(&["department"]),
                sections: vec![
                    narratives(
                        "department",
                        "部の目標",
                        vec![
                            NarrativeSlot { carried: true, ..slot("head", "部長", Head) },
                            NarrativeSlot { carried: true, ..slot("city_goal", "市の目標", Head) },
                            NarrativeSlot { carried: true, ..slot("department_goal", "部の目標", Head) },
                            slot("overview", "人員・予算規模", Head),
                        ],
                    ),
                    children(
                        "objectives",
                        "具体的な取り組み",
                        ChildRows {
                            item_kinds: kinds(&["objective"]),
                            slots: vec![
                                slot("outcome_target", "目標", Section),
                                slot("outcome_result", "成果又は課題", Section),
                            ],
                            grades: vec![grade(
                                Stage::YearEnd,
                                Evaluator::DepartmentHead,
                                "higashimurayama-ab",
                                "評価（部長）",
                                Head,
                            )],
                            table: vec![
                                column(RowField::Code, "No."),
                                column(RowField::Sections, "課名"),
                                column(RowField::Tags, "総計・行革・その他"),
                                column(RowField::Title, "項目"),
                                column(RowField::Slot("outcome_target".into()), "目標"),
                                column(RowField::Grade(0), "評価"),
                                column(RowField::Slot("outcome_result".into()), "成果又は課題"),
                            ],
                            ..ChildRows::default()
                        },
                    ),
                ],
                money_unit: MoneyInputUnit::Thousand,
                vocabulary: "achievement2".into(),
                labels: common_labels(&[]),
            },
            // The 事務事業評価シート most Japanese cities use (and export as a
            // workbook of one row per project): 対象・意図・結果, three kinds of
            // indicator, 事業費 with 財源内訳 and トータルコスト, an evaluation
            // against criteria, the section head's opinion, a 総合評価 and a
            // direction. What `hyoka import --mapping` brings in lands here.
            "jimu" => SheetLayout {
                preset: code.into(),
                name: "事務事業評価シート".into(),
                item_kinds: kinds(&["project"]),
                sections: vec![
                    narratives(
                        "jimu_plan",
                        "事業の目的と内容",
                        vec![
                            carried("target", "対象（誰・何を）"),
                            carried("intent", "意図（どのような状態にしたいか）"),
                            carried("result", "結果（上位の施策への貢献）"),
                            carried("means", "手段（事業の内容）"),
                        ],
                    ),
                    section("indicators", K::Indicators, "指標（活動・対象・成果）"),
                    section("budget", K::Budget, "事業費"),
                    section("cost", K::Cost, "財源内訳・トータルコスト"),
                    narratives(
                        "jimu_evaluation",
                        "評価",
                        vec![slot("criterion", "評価の観点", Section), slot("opinion", "課長等の意見", Head)],
                    ),
                    grades(
                        "総合評価",
                        vec![grade(Stage::YearEnd, Evaluator::Section, "jimu-abcd", "総合評価", Section)],
                    ),
                    section("direction", K::Direction, "今後の方向性"),
                ],
                money_unit: MoneyInputUnit::Thousand,
                vocabulary: "achievement2".into(),
                labels: common_labels(&[("budget.initial", "当初予算額"), ("budget.settlement", "決算額")]),
            },
            other => return Err(LayoutError::UnknownPreset(other.to_string())),
        };
        Ok(layout)
    }

    pub fn presets() -> Vec<SheetLayout> {
        PRESETS.iter().map(|p| SheetLayout::preset(p).expect("presets are known")).collect()
    }

    /// A preset with a city's label overrides applied. Unknown keys (left
    /// from another preset) are ignored, so switching presets never fails.
    pub fn with_overrides(code: &str, overrides: &BTreeMap<String, String>) -> Result<SheetLayout, LayoutError> {
        let mut layout = SheetLayout::preset(code)?;
        let get = |key: &str| overrides.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        for s in &mut layout.sections {
            if let Some(l) = get(&s.key) {
                s.label = l.to_string();
            }
            for slot in &mut s.slots {
                if let Some(l) = get(&slot.code) {
                    slot.label = l.to_string();
                }
            }
            for g in &mut s.grades {
                if let Some(l) = get(&g.key()) {
                    g.label = l.to_string();
                }
            }
            if let Some(rows) = &mut s.children {
                for slot in &mut rows.slots {
                    if let Some(l) = get(&slot.code) {
                        slot.label = l.to_string();
                    }
                }
                for g in &mut rows.grades {
                    if let Some(l) = get(&g.key()) {
                        g.label = l.to_string();
                    }
                }
            }
        }
        for (k, v) in layout.labels.iter_mut() {
            if let Some(l) = get(k) {
                *v = l.to_string();
            }
        }
        Ok(layout)
    }

    /// Everything a city may rename: (key, the preset's label), in the
    /// order the sheet shows them.
    pub fn label_keys(&self) -> Vec<(String, String)> {
        let mut keys = Vec::new();
        for s in &self.sections {
            keys.push((s.key.clone(), s.label.clone()));
            keys.extend(s.slots.iter().map(|x| (x.code.clone(), x.label.clone())));
            keys.extend(s.grades.iter().map(|g| (g.key(), g.label.clone())));
            if let Some(rows) = &s.children {
                keys.extend(rows.slots.iter().map(|x| (x.code.clone(), x.label.clone())));
                keys.extend(rows.grades.iter().map(|g| (g.key(), g.label.clone())));
            }
        }
        keys.extend(self.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        keys
    }

    /// Checks a city's overrides against the preset: every key must exist,
    /// labels are trimmed and short. Labels equal to the preset's, or
    /// blank, are dropped (blank means "use the preset's").
    pub fn clean_overrides(
        code: &str,
        overrides: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, LayoutError> {
        let preset = SheetLayout::preset(code)?;
        let defaults: BTreeMap<String, String> = preset.label_keys().into_iter().collect();
        let mut out = BTreeMap::new();
        for (k, v) in overrides {
            let default = defaults.get(k).ok_or_else(|| LayoutError::UnknownLabel(k.clone()))?;
            let v = crate::text::normalise(v);
            if v.chars().count() > MAX_LABEL_CHARS {
                return Err(LayoutError::TooLong { key: default.clone(), max: MAX_LABEL_CHARS });
            }
            if !v.is_empty() && &v != default {
                out.insert(k.clone(), v);
            }
        }
        Ok(out)
    }

    /// A field label by key, or the key itself when unknown.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map(String::as_str).unwrap_or(key)
    }

    /// How the printed form shows an amount of nothing: 三島市's 行政評価表
    /// prints 「-」 (its 繰越明許 row reads `- - -`, and the reader keeps
    /// that as zero yen), the other forms print 0. Blank stays blank.
    pub fn nil_amount(&self) -> &'static str {
        match self.preset.as_str() {
            "mishima" => "-",
            _ => "0",
        }
    }

    /// The years a multi-year 工程表 (the `roadmap` slot) spans on the
    /// printed form: 小平市's 進捗状況調査票 prints 平成29年度…平成32年度 of its
    /// four-year plan as a grid.
    pub fn roadmap_years(&self) -> Option<u8> {
        match self.preset.as_str() {
            "kodaira" => Some(4),
            _ => None,
        }
    }

    pub fn has(&self, kind: SectionKind) -> bool {
        self.sections.iter().any(|s| s.kind == kind)
    }

    pub fn section(&self, kind: SectionKind) -> Option<&LayoutSection> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// The narrative slot with this code of the sheet's own item, if the
    /// layout has it.
    pub fn slot(&self, code: &str) -> Option<&NarrativeSlot> {
        self.sections.iter().flat_map(|s| &s.slots).find(|s| s.code == code)
    }

    /// Whether a narrative slot the layout has no place for holds one of
    /// the form's notes on its costs (`note:N`: 三島市's 「※人件費…は含まれて
    /// おりません」), shown under the budget table rather than with the
    /// other leftovers; only when the layout has that table.
    pub fn is_cost_note(&self, slot: &str) -> bool {
        slot.starts_with("note:") && self.slot(slot).is_none() && self.has(SectionKind::Budget)
    }

    /// The grades of the sheet's own item.
    pub fn grade_slots(&self) -> impl Iterator<Item = &GradeSlot> {
        self.sections.iter().flat_map(|s| &s.grades)
    }

    /// The child-row sections, with what each row holds.
    pub fn child_sections(&self) -> impl Iterator<Item = (&LayoutSection, &ChildRows)> {
        self.sections.iter().filter_map(|s| s.children.as_ref().map(|c| (s, c)))
    }

    /// The rows an item of `kind` beneath the sheet's item gets, if any.
    pub fn rows_for(&self, kind: &str) -> Option<&ChildRows> {
        self.child_sections().map(|(_, c)| c).find(|c| c.item_kinds.iter().any(|k| k == kind))
    }

    /// Every grade slot, own and children's, for offering stages and
    /// evaluators in the review.
    pub fn all_grade_slots(&self) -> impl Iterator<Item = &GradeSlot> {
        self.grade_slots().chain(self.child_sections().flat_map(|(_, c)| &c.grades))
    }

    /// The narrative slots copied into the next year (the plan part).
    pub fn carried_slots(&self) -> Vec<&str> {
        let own = self.sections.iter().flat_map(|s| &s.slots);
        let rows = self.child_sections().flat_map(|(_, c)| &c.slots);
        own.chain(rows).filter(|s| s.carried).map(|s| s.code.as_str()).collect()
    }

    /// Whether this is the sheet of an item of `kind`.
    pub fn is_for(&self, kind: &str) -> bool {
        self.item_kinds.iter().any(|k| k == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_has_unique_keys() {
        for layout in SheetLayout::presets() {
            let keys = layout.label_keys();
            let mut seen = std::collections::BTreeSet::new();
            for (k, _) in &keys {
                assert!(seen.insert(k.clone()), "{} repeats {k}", layout.preset);
            }
            assert!(layout.has(SectionKind::Narratives), "{}", layout.preset);
            assert!(!layout.item_kinds.is_empty(), "{} is the sheet of some kind of item", layout.preset);
            assert!(!layout.name.is_empty());
        }
        // Every kind a seed city uses exists.
        for city in ["132047", "222062", "132110", "132136", "011002"] {
            for kind in default_kinds_for(city) {
                assert!(SheetLayout::preset(kind).is_ok(), "{city}: {kind}");
            }
        }
    }

    #[test]
    fn default_preset_follows_the_city() {
        assert_eq!(default_preset_for("132047"), "mitaka");
        assert_eq!(default_preset_for("222062"), "mishima");
        assert_eq!(default_preset_for("132110"), "kodaira");
        assert_eq!(default_preset_for("132136"), "higashimurayama");
        assert_eq!(default_preset_for("011002"), "mitaka");
    }

    #[test]
    fn slots_match_the_importers() {
        let mitaka = SheetLayout::preset("mitaka").unwrap();
        assert_eq!(mitaka.slot("summary").unwrap().label, "事業の総括（主管課）");
        assert_eq!(mitaka.slot("board_opinion").unwrap().writer, Writer::Reviewer);
        assert_eq!(mitaka.carried_slots(), vec!["overview"]);
        let mishima = SheetLayout::preset("mishima").unwrap();
        assert!(mishima.has(SectionKind::StaffHours));
        assert!(mishima.is_cost_note("note:1") && !mishima.is_cost_note("organisation"));
        assert!(!SheetLayout::preset("higashimurayama").unwrap().is_cost_note("note:1"), "no cost table");
        let directions = mishima.rows_for("measure_direction").unwrap();
        assert_eq!(directions.slots[2].label, "実施内容に対する評価(Check)");
        assert!(mishima.rows_for("activity").unwrap().indicators);
        assert!(mishima.rows_for("objective").is_none());
        let kodaira = SheetLayout::preset("kodaira").unwrap();
        assert_eq!(kodaira.carried_slots(), vec!["purpose"], "the plan part goes into the next year");
        let hm = SheetLayout::preset("higashimurayama").unwrap();
        assert!(hm.is_for("department") && !hm.is_for("objective"));
        let rows = hm.rows_for("objective").unwrap();
        assert_eq!(rows.grades[0].writer, Writer::Head);
        assert_eq!(rows.grades[0].evaluator, Evaluator::DepartmentHead);
        assert!(hm.all_grade_slots().any(|g| g.scale == "higashimurayama-ab"));
        assert!(SheetLayout::preset("sapporo").is_err());
    }

    #[test]
    fn cities_rename_labels() {
        let mut o = BTreeMap::new();
        o.insert("overview".to_string(), "  事業の概要 ".to_string());
        o.insert("budget.settlement".to_string(), "決算見込額".to_string());
        o.insert("grade.yearend.section".to_string(), "自己評価".to_string());
        o.insert("part_plan".to_string(), String::new());
        let clean = SheetLayout::clean_overrides("mitaka", &o).unwrap();
        assert_eq!(clean.len(), 3, "the blank one means the preset's");
        let l = SheetLayout::with_overrides("mitaka", &clean).unwrap();
        assert_eq!(l.slot("overview").unwrap().label, "事業の概要");
        assert_eq!(l.label("budget.settlement"), "決算見込額");
        assert_eq!(l.grade_slots().nth(2).unwrap().label, "自己評価");
        assert_eq!(l.sections[0].label, "当初計画");

        o.insert("nonsense".into(), "x".into());
        assert_eq!(
            SheetLayout::clean_overrides("mitaka", &o).unwrap_err(),
            LayoutError::UnknownLabel("nonsense".into())
        );
        let long: BTreeMap<String, String> = [("overview".to_string(), "長".repeat(61))].into_iter().collect();
        assert!(matches!(SheetLayout::clean_overrides("mitaka", &long), Err(LayoutError::TooLong { .. })));
        // Overrides left from another preset are ignored, not an error.
        let stray: BTreeMap<String, String> = [("purpose".to_string(), "ねらい".to_string())].into_iter().collect();
        assert!(SheetLayout::with_overrides("mitaka", &stray).is_ok());
    }
}
