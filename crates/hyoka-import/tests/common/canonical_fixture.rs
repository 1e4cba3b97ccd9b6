//! Shared by the canonical-format tests: a batch built by hand that uses
//! every field of the model, a store seeded with it, and small helpers to
//! edit exported tables as a person would in Excel.
//!
//! Used with `#[path = "common/canonical_fixture.rs"] mod canonical_fixture;`.
#![allow(dead_code)]

use hyoka_core::narrative::Block;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::{
    BudgetFigures, Direction, EvaluationScale, Evaluator, FiscalYear, Grade, IndicatorKind, Narrative, NextDirection,
    Stage, ValueRole, Yen,
};
use hyoka_import::batch::{
    CityBatch, IndicatorRow, ItemRow, JudgementRow, NodeRef, NodeRow, PlacementRow, PlanRow, SectionRow, ValueRow,
};
use hyoka_import::{apply, canonical, load_city, Batch};
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

pub const MITAKA: &str = "132047";
/// 札幌市: a code with a leading zero, which must stay text.
pub const SAPPORO: &str = "011002";
pub const CITIES: [&str; 2] = [MITAKA, SAPPORO];
pub const ITEM: &str = "mitaka-2018-kika-1";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn s(v: &str) -> String {
    v.to_string()
}

fn some(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn section(d: &str, sec: &str) -> SectionRow {
    SectionRow { department: s(d), section: s(sec) }
}

fn node(code: &str, parent: Option<&str>, title: &str, tags: &[&str]) -> NodeRow {
    NodeRow { code: s(code), parent: parent.map(s), title: s(title), tags: tags.iter().map(|t| s(t)).collect() }
}

fn value(y: i32, role: ValueRole, printed: &str, source: Option<&str>) -> ValueRow {
    // A value printed in a table is printed in the document of its year.
    ValueRow {
        fiscal_year: fy(y),
        role,
        printed: s(printed),
        source: source.map(s),
        printed_in: source.map(|_| fy(2018)),
    }
}

fn months(cells: &[(usize, &str)]) -> Vec<String> {
    let mut m = vec![String::new(); 12];
    for (i, c) in cells {
        m[*i] = s(c);
    }
    m
}

/// The rich fixture. With `sjis_safe`, only characters that Shift_JIS
/// (CP932) can hold: `―` (U+2015) instead of the em dash `—` (U+2014),
/// which Japanese Excel cannot save in a Shift_JIS CSV.
pub fn batch(sjis_safe: bool) -> Batch {
    let dash = if sjis_safe { "―" } else { "—" };
    let tilde = if sjis_safe { "～" } else { "〜" };
    let mitaka = CityBatch {
        code: s(MITAKA),
        name: s("三鷹市"),
        sections: vec![section("企画部", "企画経営課"), section("総務部", "情報推進課"), section("", "会計課")],
        scales: vec![
            EvaluationScale::mitaka_midyear(),
            EvaluationScale::mitaka_yearend(),
            EvaluationScale {
                code: s("custom-ab"),
                name: s("独自, \"A・B\""),
                grades: vec![
                    Grade { code: s("A"), label: s("順調, 計画どおり") },
                    Grade { code: s("B"), label: s("遅れ\n（要改善）") },
                ],
                legend_printed: false,
            },
        ],
        plans: vec![
            PlanRow {
                code: s("basic-plan-4"),
                name: s("第4次三鷹市基本計画（第2次改定）"),
                level_names: vec![s("部"), s("施策"), s("施策の方向")],
                nodes: vec![
                    node("第3", None, "都市再生, 安全・安心", &["主要"]),
                    node("第3-2", Some("第3"), "市民参加と\"協働\"の推進", &[]),
                    node("第3-2-(1)", Some("第3-2"), "情報発信の充実　ＡＢＣ１２３", &["新規", "主要"]),
                    node("第4", None, "<script>alert(1)</script>", &[]),
                ],
            },
            PlanRow {
                code: s("action-plan-2022"),
                name: s("アクションプラン2022"),
                level_names: vec![s("体系"), s("個別課題")],
                nodes: vec![node("1", None, "行政経営", &[]), node("1-(2)", Some("1"), "ＩＣＴの活用", &["主要"])],
            },
        ],
        items: vec![
            ItemRow {
                key: s(ITEM),
                kind: s("project"),
                code: s("企-1"),
                title: s("SNSを活用した情報発信「みたか」, \"公式\""),
                fiscal_year: Some(fy(2018)),
                tags: vec![s("新規"), s("主要")],
                placements: vec![
                    PlacementRow { plan: s("action-plan-2022"), node: s("1-(2)"), relisting: false },
                    PlacementRow { plan: s("basic-plan-4"), node: s("第3-2-(1)"), relisting: false },
                ],
                relisting_of: None,
                sections: vec![section("企画部", "企画経営課"), section("総務部", "情報推進課")],
                narratives: vec![
                    NarrativeRow {
                        fiscal_year: Some(fy(2018)),
                        slot: s("overview"),
                        label: s("事業概要"),
                        text: Narrative {
                            blocks: vec![
                                Block::Paragraph(s("市の情報を, \"SNS\"で発信する。<script>alert('x')</script>")),
                                Block::List(vec![
                                    s("・市Facebook"),
                                    s("・Ｘ（旧Twitter）"),
                                    s(&format!("LINE{tilde}")),
                                    s("- 入れ子ではない"),
                                ]),
                                Block::Paragraph(s("- で始まる段落")),
                                Block::List(vec![s("二つ目の箇条書き")]),
                                Block::Paragraph(s("\\バックスラッシュで始まる段落")),
                            ],
                        },
                    },
                    NarrativeRow {
                        fiscal_year: None,
                        slot: s("opinion"),
                        label: String::new(),
                        text: Narrative {
                            blocks: vec![Block::Paragraph(s("審査会意見：特になし")), Block::Paragraph(s(dash))],
                        },
                    },
                    NarrativeRow {
                        fiscal_year: Some(fy(2019)),
                        slot: s("plan"),
                        label: s("計画"),
                        text: Narrative::default(),
                    },
                ],
                budgets: vec![
                    BudgetRow {
                        fiscal_year: fy(2018),
                        figures: BudgetFigures {
                            initial: Some(Yen(309_424_000)),
                            final_budget: Some(Yen(308_934_000)),
                            settlement: Some(Yen(301_762_000)),
                            general_revenue: Some(Yen(0)),
                            carried_over: Some(Yen(140_000_000_000)),
                            funding: hyoka_core::Funding {
                                national: Some(Yen(100_000_000)),
                                prefectural: Some(Yen(50_000_000)),
                                bonds: None,
                                other: Some(Yen(0)),
                            },
                            staff: hyoka_core::StaffCost {
                                hours: hyoka_core::Hours::parse("1,234.5"),
                                hourly: Some(Yen(4_321)),
                                personnel: Some(Yen(5_334_000)),
                                total: Some(Yen(307_096_000)),
                            },
                        },
                        execution_rate_printed: some("97.7%"),
                    },
                    BudgetRow {
                        fiscal_year: fy(2019),
                        figures: BudgetFigures { initial: Some(Yen(-500_000)), ..BudgetFigures::default() },
                        execution_rate_printed: None,
                    },
                ],
                evaluations: vec![
                    EvaluationRow {
                        fiscal_year: fy(2018),
                        stage: Stage::MidYear,
                        evaluator: Evaluator::Section,
                        scale: some("mitaka-midyear"),
                        grade: some("1"),
                        comment: some("上半期は順調。\n下半期も継続, \"重点\"。"),
                    },
                    EvaluationRow {
                        fiscal_year: fy(2018),
                        stage: Stage::YearEnd,
                        evaluator: Evaluator::ReviewBoard,
                        scale: some("mitaka-yearend"),
                        grade: some("S"),
                        comment: None,
                    },
                    EvaluationRow {
                        fiscal_year: fy(2018),
                        stage: Stage::First,
                        evaluator: Evaluator::DepartmentHead,
                        scale: None,
                        grade: some("Ａ"),
                        comment: some(dash),
                    },
                    EvaluationRow {
                        fiscal_year: fy(2019),
                        stage: Stage::Second,
                        evaluator: Evaluator::Headquarters,
                        scale: some("custom-ab"),
                        grade: None,
                        comment: None,
                    },
                ],
                schedule: vec![
                    ScheduleRow {
                        fiscal_year: fy(2018),
                        kind: s("planned"),
                        label: s("情報発信, 更新"),
                        months: months(&[(0, "←"), (5, "→"), (11, "説明会\n（2回）")]),
                        hours_regular: some("747H"),
                        hours_other: some("0H"),
                    },
                    ScheduleRow {
                        fiscal_year: fy(2018),
                        kind: s("actual"),
                        label: String::new(),
                        months: months(&[]),
                        hours_regular: None,
                        hours_other: None,
                    },
                ],
                next_direction: Some(NextDirectionRow {
                    fiscal_year: fy(2019),
                    printed: s("拡充"),
                    direction: Some(NextDirection::Expand),
                    reason: some("利用者が増えたため。\n来年度は動画も。"),
                    transfer: some("情報推進課へ移管"),
                }),
                // A 工程表 of two sheet years: arrows, text and a step with
                // nothing in any year, all as typed.
                roadmap: vec![
                    hyoka_core::roadmap::RoadmapRow {
                        fiscal_year: fy(2018),
                        step: s("・庁内研修, \"啓発\""),
                        cells: vec![
                            hyoka_core::roadmap::RoadmapCell {
                                year: fy(2018), planned: s("→"), actual: s("2回実施")
                            },
                            hyoka_core::roadmap::RoadmapCell {
                                year: fy(2019),
                                planned: s("検討・実施"),
                                actual: String::new(),
                            },
                        ],
                    },
                    hyoka_core::roadmap::RoadmapRow { fiscal_year: fy(2018), step: s("・周知"), cells: vec![] },
                    hyoka_core::roadmap::RoadmapRow {
                        fiscal_year: fy(2019),
                        step: s("・庁内研修"),
                        cells: vec![hyoka_core::roadmap::RoadmapCell {
                            year: fy(2020),
                            planned: String::new(),
                            actual: s("前倒し"),
                        }],
                    },
                ],
            },
            ItemRow {
                key: s("mitaka-2018-issue-1-2"),
                kind: s("issue"),
                code: s("1-(2)"),
                title: String::new(),
                fiscal_year: None,
                tags: vec![],
                placements: vec![PlacementRow { plan: s("action-plan-2022"), node: s("1-(2)"), relisting: true }],
                relisting_of: some(ITEM),
                sections: vec![section("", "会計課")],
                next_direction: Some(NextDirectionRow {
                    fiscal_year: fy(2019),
                    printed: s("継続（見直し）"),
                    direction: None,
                    reason: None,
                    transfer: None,
                }),
                ..ItemRow::default()
            },
            ItemRow { key: s("objective-01"), kind: s("objective"), title: s("目標管理"), ..ItemRow::default() },
        ],
        indicators: vec![
            IndicatorRow {
                key: s("ind-sns"),
                name: s("SNSフォロワー数"),
                kind: IndicatorKind::Outcome,
                definition: some("フォロワー数の合計（年度末, 各SNS）"),
                unit: some("人"),
                direction: Direction::HigherIsBetter,
                vocabulary: some("achievement"),
                item: some(ITEM),
                node: None,
                // An item's indicator that names a node of another plan (as
                // 三島市's 成果指標 name their 行政改革大綱 item).
                related: Some(NodeRef { plan: s("action-plan-2022"), node: s("1-(2)") }),
                values: vec![
                    value(2016, ValueRole::Baseline, "1,200人", None),
                    value(2018, ValueRole::Target, "3,000人", None),
                    value(2018, ValueRole::Actual, "3,100人", Some("成果指標")),
                    value(2018, ValueRole::Actual, "3,100 人", Some("施策評価")),
                    value(2019, ValueRole::Target, dash, None),
                    value(2020, ValueRole::Target, "", None),
                ],
                judgements: vec![
                    JudgementRow {
                        fiscal_year: fy(2018),
                        printed: s("達成"),
                        source: some("成果指標"),
                        printed_in: Some(fy(2018)),
                    },
                    JudgementRow {
                        fiscal_year: fy(2018),
                        printed: s("達成"),
                        source: some("施策評価"),
                        printed_in: None,
                    },
                ],
            },
            IndicatorRow {
                key: s("ind-crime"),
                name: s("刑法犯認知件数"),
                kind: IndicatorKind::Kpi,
                definition: None,
                unit: some("件"),
                direction: Direction::LowerIsBetter,
                vocabulary: None,
                item: None,
                node: Some(NodeRef { plan: s("basic-plan-4"), node: s("第3-2") }),
                related: None,
                values: vec![
                    value(2017, ValueRole::Actual, "132047", None),
                    value(2018, ValueRole::Target, "80件以下", None),
                    value(2018, ValueRole::Actual, "0件", None),
                ],
                judgements: vec![],
            },
            IndicatorRow {
                key: s("ind-milestone"),
                name: s("オープンデータ\"導入\""),
                kind: IndicatorKind::Activity,
                definition: None,
                unit: None,
                direction: Direction::Milestone,
                vocabulary: None,
                item: some("objective-01"),
                node: Some(NodeRef { plan: s("action-plan-2022"), node: s("1") }),
                related: None,
                values: vec![
                    value(2018, ValueRole::Target, "導入", None),
                    value(2018, ValueRole::Actual, "※アンケート未実施", None),
                ],
                judgements: vec![JudgementRow {
                    fiscal_year: fy(2018),
                    printed: s("未実施"),
                    source: None,
                    printed_in: None,
                }],
            },
        ],
    };
    let sapporo = CityBatch {
        code: s(SAPPORO),
        name: s("札幌市"),
        sections: vec![section("総務局", "行政改革推進室")],
        scales: vec![EvaluationScale::higashimurayama_ab()],
        plans: vec![PlanRow {
            code: s("plan"),
            name: s("まちづくり戦略ビジョン"),
            level_names: vec![s("分野")],
            nodes: vec![node("01", None, "地域", &[])],
        }],
        items: vec![ItemRow {
            key: s("0001"),
            kind: s("project"),
            code: s("0001"),
            title: s("地域活動の支援"),
            fiscal_year: Some(fy(2019)),
            placements: vec![PlacementRow { plan: s("plan"), node: s("01"), relisting: false }],
            sections: vec![section("総務局", "行政改革推進室")],
            evaluations: vec![EvaluationRow {
                fiscal_year: fy(2019),
                stage: Stage::YearEnd,
                evaluator: Evaluator::PolicyCouncil,
                scale: some("higashimurayama-ab"),
                grade: some("B"),
                comment: None,
            }],
            ..ItemRow::default()
        }],
        indicators: vec![IndicatorRow {
            key: s("0001-1"),
            name: s("参加団体数"),
            kind: IndicatorKind::Activity,
            definition: None,
            unit: some("団体"),
            direction: Direction::Maintain,
            vocabulary: some("progress"),
            item: some("0001"),
            node: None,
            related: None,
            values: vec![value(2019, ValueRole::Actual, "0012", None)],
            judgements: vec![],
        }],
    };
    Batch { cities: vec![mitaka, sapporo], findings: vec![] }
}

/// A fresh database with the fixture applied.
pub async fn seeded(sjis_safe: bool) -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    apply(&store, &[("fixture".to_string(), batch(sjis_safe))], false).await.expect("the fixture applies");
    (db, store)
}

/// The cities as stored, as an export sees them.
pub async fn stored(store: &Store) -> Batch {
    let mut cities = Vec::new();
    for code in CITIES {
        cities.push(load_city(store, code).await.unwrap());
    }
    Batch { cities, findings: vec![] }
}

// ------------------------------------------------------ editing the tables

/// The canonical tables as rows of strings, header first, as a person
/// sees them in a spreadsheet.
#[derive(Clone, Debug)]
pub struct Sheets(pub Vec<(String, Vec<Vec<String>>)>);

impl Sheets {
    /// From the exported CSV files (UTF-8, any BOM).
    pub fn from_csv(files: &[(String, Vec<u8>)]) -> Sheets {
        Sheets(
            files
                .iter()
                .map(|(name, bytes)| {
                    let text = std::str::from_utf8(bytes).unwrap().trim_start_matches('\u{FEFF}');
                    (name.trim_end_matches(".csv").to_string(), parse_csv(text))
                })
                .collect(),
        )
    }

    pub fn table(&mut self, name: &str) -> &mut Vec<Vec<String>> {
        &mut self.0.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no table {name}")).1
    }

    /// The spreadsheet row (header = 1) of the first row whose cells in
    /// `column` equals `value`.
    pub fn row_where(&mut self, table: &str, column: &str, value: &str) -> usize {
        let rows = self.table(table);
        let c = rows[0].iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
        rows.iter().position(|r| r[c] == value).unwrap_or_else(|| panic!("no row with {column} = {value}")) + 1
    }

    /// Sets one cell; `row` as the spreadsheet shows it (header = 1).
    pub fn set(&mut self, table: &str, row: usize, column: &str, value: &str) -> &mut Self {
        let rows = self.table(table);
        let c = rows[0].iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
        rows[row - 1][c] = value.to_string();
        self
    }

    pub fn get(&mut self, table: &str, row: usize, column: &str) -> String {
        let rows = self.table(table);
        let c = rows[0].iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
        rows[row - 1][c].clone()
    }

    pub fn csv_text(&mut self, table: &str) -> String {
        write_csv(self.table(table))
    }

    /// CSV files, UTF-8 without BOM.
    pub fn to_csv(&self) -> Vec<(String, Vec<u8>)> {
        self.0.iter().map(|(n, rows)| (format!("{n}.csv"), write_csv(rows).into_bytes())).collect()
    }

    /// A workbook as a person might type it: with `numbers`, every cell
    /// that reads as a number is a number cell (`132047`, `2018`).
    pub fn to_xlsx(&self, numbers: bool) -> Vec<u8> {
        self.to_xlsx_with(numbers, |_, _| {})
    }

    /// As [`Self::to_xlsx`], then `edit` may change each sheet.
    pub fn to_xlsx_with(&self, numbers: bool, edit: impl Fn(&str, &mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        for (name, rows) in &self.0 {
            let sheet = book.add_worksheet();
            sheet.set_name(name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if v.is_empty() {
                        continue;
                    }
                    let numeric = numbers && r > 0 && v.parse::<f64>().is_ok() && (v == "0" || !v.starts_with('0'));
                    if numeric {
                        sheet.write_number(r as u32, c as u16, v.parse::<f64>().unwrap()).unwrap();
                    } else {
                        sheet.write_string(r as u32, c as u16, v).unwrap();
                    }
                }
            }
            edit(name, sheet);
        }
        book.save_to_buffer().unwrap()
    }
}

/// The cells of CSV text, as the cells' text (a neutralised formula's
/// apostrophe removed, as the importer does).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(|f| canonical::restore_csv_text(f.to_string())).collect())
        .collect()
}

/// CSV text of cells, CRLF, text that looks like a formula neutralised.
pub fn write_csv(rows: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(|v| canonical::neutralise_csv_text(v))).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}
