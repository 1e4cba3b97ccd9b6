//! 三島市 行政評価表 (seed 001): one section's evaluation of one 施策 of the
//! 総合計画 for one fiscal year, followed by its スケジュール表.
//!
//! Where the content goes:
//! - Plan `mishima-basic` (総合計画): 基本目標 `IV` → 基本方針 `IV-7` → 施策
//!   `IV-7-48` → 施策の方向 `IV-7-48-(1)`. The sheet prints 基本方針 and 施策 as
//!   bare numbers (`7`, `48`), but both are numbered across the whole plan, so
//!   基本方針 7 and 施策 7 both exist; node codes therefore carry their parents'
//!   codes, the way the sheet itself prints the directions (`IV-7-48-(1)`).
//! - Plan `mishima-gyokaku` (行政改革大綱): one node per 取組事項 named in the
//!   outcome table (`【24 eコミュニティまちづくり推進事業】` → node `24`); the
//!   成果指標 printed with it names that node as its related node
//!   (`IndicatorRow::related`), so the print shows it beside the indicator.
//! - Items (keys are stable: printed codes and printed names, never lines):
//!   - `measure:IV-7-48/情報政策課`, kind `measure`: the sheet of the section for
//!     the 施策: the budget table at the top, and the staff counts and extension
//!     as narrative slot `organisation` (batch.rs has no field for them).
//!   - `direction:IV-7-48-(1)`, kind `measure_direction`: the PDCA paragraphs
//!     (slots `plan`, `do`, `check`, `action`; `reform_*` for 【行革取組項目】).
//!   - `project:<事業名>`, kind `project`: projects are numbered per 施策の方向,
//!     so the printed name (which the budget and the schedule also use) is the
//!     identity. A re-listing (再掲) adds a placement with `relisting: true`.
//!   - `activity:IV-7-48-(2)/3-1`, kind `activity`: a 手段・業務内容, keyed by
//!     direction, project number and means number as printed, with its
//!     今後の取組み方針. The project it belongs to is kept as narrative slot
//!     `project` (batch.rs has no parent link between items).
//! - Indicators: `indicator:IV-7-48/<name>` for 成果指標 (measuring the 施策
//!   node), `indicator:IV-7-48-(2)/3-1/<name>` for 活動指標 (owned by the
//!   activity). An activity indicator that is an outcome indicator printed a
//!   second time is merged into it; each printing keeps its table as `source`.

use std::collections::BTreeMap;

use hyoka_core::money::MoneyUnit;
use hyoka_core::text::{fold_width, squeeze};
use hyoka_core::{
    BudgetFigures, CellMeaning, Direction, FiscalYear, IndicatorCell, IndicatorKind, Narrative, NextDirection,
    ValueRole, Yen,
};

use super::outline::{self, Outline};
use crate::batch::{
    BudgetRow, CityBatch, Finding, IndicatorRow, ItemRow, JudgementRow, NarrativeRow, NextDirectionRow, NodeRef,
    NodeRow, PlacementRow, PlanRow, ScheduleRow, SectionRow, ValueRow,
};
use crate::source::Source;
use crate::{Batch, ImportError, Place};

const CITY_CODE: &str = "222062";
const CITY_NAME: &str = "三島市";
/// 総合計画: 基本目標 → 基本方針 → 施策 → 施策の方向.
const PLAN: &str = "mishima-basic";
/// 行政改革大綱: its 取組事項, numbered as printed.
const REFORM_PLAN: &str = "mishima-gyokaku";
const OUTCOME_TABLE: &str = "成果指標";
const ACTIVITY_TABLE: &str = "活動指標";

/// The form's fixed notes under the budget table. They explain conventions
/// the reader applies (予算額 is the budget after 補正・流用), not data; the
/// ※ ones are kept with the 施策 as its notes (`note:N`) to print as printed.
const BOILERPLATE: &[&str] = &[
    "※人件費、一般諸経費、交際費、積立金、繰出金、出資金及び公債費は含まれておりません。",
    "※予算費目表に再掲で表示されている事業は、再掲元の予算費目及び総括表に予算額及び決算額を記載しています。",
    "※赤字：補正・流用により当初予算額から変更した予算額",
    "※繰越明許：年度内にその支出が終わらない見込みのあるものについて、議会の議決を得て翌年度に繰越して使用するもの。",
    "予算要求年度に予算額を、実執行年度に決算額及び繰越明許額を記載。",
];

/// Indicator names whose meaning says lower is better. Declared, never
/// inferred from the numbers.
const LOWER_IS_BETTER_WORDS: &[&str] = &["事故", "犯罪", "待機児童", "ごみ排出量", "ごみの量"];

/// Recognises the sheet by its headings: the title 行政評価表 together with
/// 総合計画の位置付け, 施策の方向 and 業務計画 tables.
pub fn matches(text: &str) -> bool {
    ["行政評価表", "総合計画の", "施策の方向", "業務計画", "今後の取組み方針"].iter().all(|s| text.contains(s))
}

pub fn read(src: &Source) -> Result<Batch, ImportError> {
    check_head(src)?;
    let mut reader = Reader::new(src)?;
    check_complete(src, &reader.directions)?;
    reader.read_budget_summary();
    reader.read_outcomes();
    reader.read_schedule();
    // The schedule closes the sheet: its last row, where a document cut
    // short ends, prints the staff hours in its last columns.
    if let Some(last) = reader.schedule.last().filter(|e| e.row.hours_regular.is_none()) {
        return Err(outline::incomplete(
            src,
            last.line,
            &format!("スケジュール表の最後の行「{}」に従事見込時間数がありません", last.row.label),
        ));
    }
    reader.read_directions();
    Ok(reader.finish())
}

/// The sheet prints, in this order: its header, the position in the plan,
/// the list of the directions it covers, the outcome table, then for every
/// listed direction its page with P, D, C, A and 業務計画, the cost table,
/// and the スケジュール表. A sheet without one of them is cut short or out
/// of order.
fn check_complete(src: &Source, directions: &[(String, String)]) -> Result<(), ImportError> {
    let mut o = check_head(src)?;
    if directions.is_empty() {
        return Err(o.missing("所管する施策の方向の一覧の行"));
    }
    o.expect("「成果指標」の表", |l| first_cell(l).starts_with("成果指標"))?;
    let first = first_cell;
    for (code, _) in directions {
        let is_page = |l: &str| {
            let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
            cells[0] == "施策の方向" && cells.get(1).and_then(|c| split_direction(c)).is_some_and(|(c, _)| c == *code)
        };
        o.expect(&format!("施策の方向 {code} の頁"), is_page)?;
        for (what, phase) in [
            ("1 当該年度の実施計画(Plan)", "plan"),
            ("2 実施計画に対する取組内容(Do)", "do"),
            ("3 実施内容に対する評価(Check)", "check"),
            ("4 評価結果に対する改善内容(Action)", "action"),
        ] {
            o.expect(&format!("施策の方向 {code} の「{what}」"), |l| pdca_phase(&first(l)) == Some(phase))?;
        }
        o.expect(&format!("施策の方向 {code} の「5 業務計画」"), |l| {
            is_numbered_heading(&first(l), "業務計画")
        })?;
    }
    o.expect("「6 各事務事業に対する事業費」", |l| {
        is_numbered_heading(&first(l), "各事務事業に対する事業費")
    })?;
    o.expect("「スケジュール表」", |l| first(l).ends_with("スケジュール表"))?;
    o.expect("スケジュール表の見出し（事業名・4月…3月）", |l| {
        first(l) == "事業名" && l.contains("3月")
    })?;
    Ok(())
}

/// The head of the sheet, in order; the walk stands after it.
fn check_head<'s, 'a>(src: &'s Source<'a>) -> Result<Outline<'s, 'a>, ImportError> {
    let mut o = Outline::new(src, "行政評価表", 1, src.len());
    o.expect("表題「行政評価表」", |l| l.contains("行政評価表"))?;
    o.expect("「所属部」の行", |l| first_cell(l) == "所属部")?;
    o.expect("「総合計画の位置付け」", |l| first_cell(l).starts_with("総合計画の"))?;
    o.expect("「所管する施策の方向一覧」", |l| first_cell(l).starts_with("所管する施策の"))?;
    Ok(o)
}

/// The first filled cell of a line, tidied.
fn first_cell(line: &str) -> String {
    tidy(line.split('\t').find(|c| !c.trim().is_empty()).unwrap_or(""))
}

/// Pure layout: the form's fixed notes.
fn is_layout(line: &str) -> bool {
    let t = line.trim();
    BOILERPLATE.contains(&t)
}

// ---------------------------------------------------------------------------
// Intermediate rows, before items and indicators are assembled.

/// An indicator as printed in one table.
#[derive(Default)]
struct Printed {
    name: String,
    definition: Option<String>,
    /// 【24 eコミュニティまちづくり推進事業】 → ("24", "eコミュニティまちづくり推進事業").
    reform: Option<(String, String)>,
    target_line: usize,
    judged_line: Option<usize>,
    values: Vec<ValueRow>,
    judgements: Vec<JudgementRow>,
}

/// A project as listed in the 業務計画 table of one direction.
struct Listing {
    direction: String,
    line: usize,
    no: String,
    /// The 事業名 cell, wrap spaces removed.
    printed: String,
    name: String,
    /// `48-(4)` of `(施策48-(4)再掲)`.
    origin: Option<String>,
    means: Vec<Means>,
}

/// A 手段・業務内容 with its activity indicators.
struct Means {
    no: String,
    title: String,
    next: Option<NextDirectionRow>,
    /// The 行政改革大綱における取組 cell, when filled.
    reform: Vec<String>,
    indicators: Vec<Printed>,
}

/// A row of a 各事務事業に対する事業費 table whose money cells are blank.
struct CostRow {
    direction: String,
    line: usize,
    caption: String,
    printed: String,
}

struct ScheduleEntry {
    line: usize,
    row: ScheduleRow,
}

/// A node of the 総合計画 as printed: `IV 協働で進める自立したまち`.
#[derive(Clone, PartialEq)]
struct PositionNode {
    code: String,
    title: String,
}

struct Reader<'s> {
    src: &'s Source<'s>,
    fy: FiscalYear,
    section: SectionRow,
    goal: PositionNode,
    policy: PositionNode,
    measure: PositionNode,
    /// Direction codes and titles, in printed order.
    directions: Vec<(String, String)>,
    reform_nodes: Vec<NodeRow>,
    measure_item: ItemRow,
    direction_items: Vec<ItemRow>,
    outcomes: Vec<Printed>,
    listings: Vec<Listing>,
    costs: Vec<CostRow>,
    schedule: Vec<ScheduleEntry>,
    findings: Vec<Finding>,
}

impl<'s> Reader<'s> {
    fn new(src: &'s Source<'s>) -> Result<Self, ImportError> {
        let fy = read_title(src, "行政評価表")?;
        let org_line = src
            .numbered()
            .find(|(n, _)| src.cells(*n).first() == Some(&"所属部"))
            .map(|(n, _)| n)
            .ok_or_else(|| ImportError::new(Place::file(&src.file), "所属部・所属課の行が見つかりません"))?;
        let org = label_pairs(&src.cells(org_line));
        let department = org.get("所属部").cloned().unwrap_or_default();
        let section_name = org.get("所属課").cloned().unwrap_or_default();
        if department.is_empty() || section_name.is_empty() {
            return Err(ImportError::new(Place::line(&src.file, org_line), "所属部または所属課が空です"));
        }
        // A label without a value pair would be lost: leave such a line unplaced.
        let org_cells = src.cells(org_line);
        if org_cells.len().is_multiple_of(2) || org_cells.last().is_some_and(|c| c.is_empty()) {
            src.take(org_line);
        }
        // The スケジュール表 repeats the header; an identical copy is layout.
        for n in src.find_all("所属部").into_iter().filter(|&n| n != org_line) {
            if src.cells(n) == src.cells(org_line) {
                src.take(n);
            }
        }
        let (goal, policy, measure) = read_position(src)?;
        let section = SectionRow { department, section: section_name };
        let measure_code = format!("{}-{}-{}", goal.code, policy.code, measure.code);
        let mut measure_item = ItemRow {
            key: format!("measure:{measure_code}/{}", section.section),
            kind: "measure".into(),
            code: measure.code.clone(),
            title: measure.title.clone(),
            fiscal_year: Some(fy),
            placements: vec![placement(&measure_code, false)],
            sections: vec![section.clone()],
            ..ItemRow::default()
        };
        if let Some(text) = organisation_text(&src.cells(org_line)) {
            measure_item.narratives.push(NarrativeRow {
                fiscal_year: Some(fy),
                slot: "organisation".into(),
                label: "所属".into(),
                text: Narrative::from_html_fragment(&text),
            });
        }
        // The form's ※ notes on its costs, as printed: kept with the 施策 so
        // that its print shows them under the cost table, as the city's does.
        let notes = src.numbered().map(|(_, l)| l.trim()).filter(|l| l.starts_with('※') && is_layout(l));
        for (i, note) in notes.enumerate() {
            measure_item.narratives.push(NarrativeRow {
                fiscal_year: Some(fy),
                slot: format!("note:{}", i + 1),
                label: "注".into(),
                text: Narrative::from_html_fragment(note),
            });
        }
        let mut reader = Reader {
            src,
            fy,
            section,
            goal,
            policy,
            measure,
            directions: Vec::new(),
            reform_nodes: Vec::new(),
            measure_item,
            direction_items: Vec::new(),
            outcomes: Vec::new(),
            listings: Vec::new(),
            costs: Vec::new(),
            schedule: Vec::new(),
            findings: Vec::new(),
        };
        reader.read_direction_list();
        Ok(reader)
    }

    fn measure_code(&self) -> String {
        format!("{}-{}-{}", self.goal.code, self.policy.code, self.measure.code)
    }

    fn finding(&mut self, kind: &str, line: usize, text: &str, message: String) {
        self.findings.push(Finding {
            municipality: Some(CITY_CODE.into()),
            kind: kind.into(),
            file: self.src.file.clone(),
            line: Some(line),
            text: text.trim().to_string(),
            message,
        });
    }

    /// 所管する施策の方向一覧: the directions this section is responsible for.
    fn read_direction_list(&mut self) {
        let src = self.src;
        let Some(start) =
            src.numbered().find(|(n, _)| tidy(src.cells(*n)[0]).starts_with("所管する施策の")).map(|(n, _)| n)
        else {
            return;
        };
        let mut n = start;
        while n <= src.len() && !src.filled(n).is_empty() {
            if let Some((code, title)) = src.filled(n).last().and_then(|c| split_direction(c)) {
                self.add_direction(&code, &title);
                src.take(n);
            }
            n += 1;
        }
    }

    fn add_direction(&mut self, code: &str, title: &str) {
        if self.directions.iter().any(|(c, _)| c == code) {
            return;
        }
        self.directions.push((code.to_string(), title.to_string()));
        self.direction_items.push(ItemRow {
            key: format!("direction:{code}"),
            kind: "measure_direction".into(),
            code: code.to_string(),
            title: title.to_string(),
            fiscal_year: Some(self.fy),
            placements: vec![placement(code, false)],
            sections: vec![self.section.clone()],
            ..ItemRow::default()
        });
    }

    /// 予算額 / 決算額 / 決算額の内 繰越明許分 per year, in 千円, at the top.
    fn read_budget_summary(&mut self) {
        let src = self.src;
        let is_header = |n: usize| src.cells(n).first() == Some(&"年度") && src.cells(n + 1)[0].starts_with("予算額");
        let Some(header) = src.numbered().find(|(n, _)| is_header(*n)).map(|(n, _)| n) else {
            return;
        };
        let years = years_after(&src.cells(header), 0);
        let mut figures: Vec<BudgetFigures> = vec![BudgetFigures::default(); years.len()];
        let mut n = header + 1;
        while n <= src.len() && !src.filled(n).is_empty() {
            let cells = src.cells(n);
            let label = squeeze(cells[0]);
            let mut understood = true;
            for (i, f) in figures.iter_mut().enumerate() {
                let printed = cells.get(i + 1).copied().unwrap_or("");
                if printed.is_empty() {
                    continue;
                }
                let Some(yen) = money(printed) else {
                    understood = false;
                    continue;
                };
                // 予算額 is the budget after 補正・流用 (printed red when changed).
                if label.starts_with("決算額の内") || label.contains("繰越明許") {
                    f.carried_over = Some(yen);
                } else if label.starts_with("決算額") {
                    f.settlement = Some(yen);
                } else if label.starts_with("予算額") {
                    f.final_budget = Some(yen);
                } else {
                    understood = false;
                }
            }
            if understood {
                src.take(n);
            }
            n += 1;
        }
        src.take(header);
        for (fy, figures) in years.into_iter().zip(figures) {
            if figures != BudgetFigures::default() {
                self.measure_item.budgets.push(BudgetRow { fiscal_year: fy, figures, execution_rate_printed: None });
            }
        }
    }

    /// The 成果指標 table: name 【行革取組事項】, 指標計算式, 目標 / 実績 / 進捗状況.
    fn read_outcomes(&mut self) {
        let src = self.src;
        let Some(header) = src.numbered().find(|(n, _)| src.cells(*n)[0].starts_with(OUTCOME_TABLE)).map(|(n, _)| n)
        else {
            return;
        };
        let cells = src.cells(header);
        let Some(j) = cells.iter().position(|c| *c == "年度") else { return };
        let years = years_after(&cells, j);
        src.take(header);
        let end = src.find_from(header, "施策の方向").map_or(src.len(), |n| n - 1);
        for n in header + 1..=end {
            let cells = src.cells(n);
            let Some(k) = role_index(&cells) else { continue };
            let pre: Vec<&str> = cells[..k].iter().copied().filter(|c| !c.is_empty()).collect();
            if cells[k] == "目標" && !pre.is_empty() {
                let (name, reform) = split_reform(pre[0]);
                let definition = (pre.len() > 1).then(|| tidy(&pre[1..].join(" ")));
                self.outcomes.push(Printed { name, definition, reform, target_line: n, ..Printed::default() });
            }
            if let Some(current) = self.outcomes.last_mut() {
                if add_year_cells(current, &cells, k, &years, OUTCOME_TABLE, n) {
                    src.take(n);
                }
            }
        }
    }

    /// スケジュール表: 事業名 rows with bars across 4月 … 3月 and
    /// 従事見込時間数 (正職員 / その他職員); the lines under a 事業名 (the bar's
    /// caption, markers, events) belong to it and are kept in their months.
    fn read_schedule(&mut self) {
        let src = self.src;
        let Some(title) = src
            .numbered()
            .find(|(n, _)| src.filled(*n).first().is_some_and(|c| c.ends_with("スケジュール表")))
            .map(|(n, _)| n)
        else {
            return;
        };
        let fy = match read_title(src, "スケジュール表") {
            Ok(fy) => fy,
            Err(_) => self.fy,
        };
        src.take(title);
        self.check_repeated_position(title);
        let Some(header) = src.find_from(title, "4月").filter(|&n| src.cells(n).first() == Some(&"事業名")) else {
            return;
        };
        let cells = src.cells(header);
        let Some(april) = cells.iter().position(|c| *c == "4月") else { return };
        let hours = cells.iter().position(|c| *c == "従事見込時間数").unwrap_or(april + 12);
        src.take(header);
        let mut n = header + 1;
        if src.cells(n).contains(&"正職員") {
            src.take(n);
            n += 1;
        }
        while n <= src.len() && !src.filled(n).is_empty() {
            let cells = src.cells(n);
            let month = |m: usize| cells.get(april + m).copied().unwrap_or("").to_string();
            let beyond = cells.iter().skip(april + 12).any(|c| !c.is_empty());
            if !cells[0].is_empty() {
                let hour = |i: usize| cells.get(hours + i).filter(|c| !c.is_empty()).map(|c| c.to_string());
                self.schedule.push(ScheduleEntry {
                    line: n,
                    row: ScheduleRow {
                        fiscal_year: fy,
                        kind: "planned".into(),
                        label: cells[0].to_string(),
                        months: (0..12).map(month).collect(),
                        hours_regular: hour(0),
                        hours_other: hour(1),
                    },
                });
                src.take(n);
            } else if let Some(entry) = self.schedule.last_mut().filter(|_| !beyond) {
                for (m, cell) in entry.row.months.iter_mut().enumerate() {
                    let more = month(m);
                    if !more.is_empty() {
                        if !cell.is_empty() {
                            cell.push('\n');
                        }
                        cell.push_str(&more);
                    }
                }
                src.take(n);
            }
            n += 1;
        }
    }

    /// The スケジュール表 repeats 総合計画の位置付け; an identical copy is taken.
    fn check_repeated_position(&mut self, from: usize) {
        let src = self.src;
        let Some(start) = (from..=src.len()).find(|&n| tidy(src.cells(n)[0]).starts_with("総合計画の")) else {
            return;
        };
        let block = position_block(src, start);
        let pairs = position_pairs(src, &block);
        let same = |label: &str, node: &PositionNode| {
            pairs.get(label).and_then(|v| split_code(v)).is_none_or(|(c, t)| c == node.code && t == node.title)
        };
        if same("基本目標", &self.goal) && same("基本方針", &self.policy) && same("施策名", &self.measure) {
            for n in block {
                src.take(n);
            }
        }
    }

    /// Every 施策の方向 block: PDCA, 業務計画, 各事務事業に対する事業費.
    fn read_directions(&mut self) {
        let src = self.src;
        let starts: Vec<usize> =
            src.numbered().filter(|(n, _)| src.cells(*n)[0] == "施策の方向").map(|(n, _)| n).collect();
        let schedule_start = src
            .numbered()
            .find(|(n, _)| src.filled(*n).first().is_some_and(|c| c.ends_with("スケジュール表")))
            .map_or(src.len() + 1, |(n, _)| n);
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(schedule_start).min(schedule_start) - 1;
            let Some((code, title)) = src.cells(start).get(1).and_then(|c| split_direction(c)) else { continue };
            match self.directions.iter().find(|(c, _)| *c == code) {
                Some((_, t)) if *t != title => continue,
                Some(_) => {}
                None => self.add_direction(&code, &title),
            }
            src.take(start);
            self.read_direction_block(&code, start + 1, end);
        }
    }

    fn read_direction_block(&mut self, code: &str, from: usize, to: usize) {
        let src = self.src;
        let mut phase: Option<&'static str> = None;
        let mut n = from;
        while n <= to {
            let cells = src.cells(n);
            let first = tidy(cells[0]);
            if first.is_empty() && src.filled(n).is_empty() {
                n += 1;
                continue;
            }
            if let Some(p) = pdca_phase(&first) {
                phase = Some(p);
                src.take(n);
            } else if is_numbered_heading(&first, "業務計画") || is_numbered_heading(&first, "各事務事業に対する事業費")
            {
                phase = None;
                src.take(n);
            } else if first == "事業名" {
                n = self.read_work_plan(code, n, to);
                continue;
            } else if first.starts_with("予算費目の事業名") {
                n = self.read_costs(code, n, to);
                continue;
            } else if let Some(p) = phase {
                self.read_pdca_row(code, p, n);
            }
            n += 1;
        }
    }

    fn read_pdca_row(&mut self, code: &str, phase: &str, n: usize) {
        let src = self.src;
        let cells = src.cells(n);
        let label = tidy(cells[0]);
        if label.is_empty() {
            return;
        }
        let text = cells[1..].iter().filter(|c| !c.is_empty()).copied().collect::<Vec<_>>().join("\n");
        let slot =
            if label.starts_with("【行革取組項目】") { format!("reform_{phase}") } else { phase.to_string() };
        if !text.is_empty() {
            let fy = self.fy;
            let item = self.direction_item(code);
            item.narratives.push(NarrativeRow {
                fiscal_year: Some(fy),
                slot,
                label,
                text: Narrative::from_html_fragment(&text),
            });
        }
        src.take(n);
    }

    fn direction_item(&mut self, code: &str) -> &mut ItemRow {
        let i = self.direction_items.iter().position(|d| d.code == code).expect("directions are added before use");
        &mut self.direction_items[i]
    }

    /// 5 業務計画: 事業名 / 手段・業務内容 No. / 活動指標 / 目標・実績・達成状況 per
    /// year / 今後の取組み方針 and its reason / 行政改革大綱における取組.
    /// Returns the line after the table.
    fn read_work_plan(&mut self, direction: &str, header: usize, to: usize) -> usize {
        let src = self.src;
        src.take(header);
        let Some(years_line) = (header + 1..=to.min(header + 2)).find(|&n| src.cells(n).contains(&"年度")) else {
            return header + 1;
        };
        let cells = src.cells(years_line);
        let years = years_after(&cells, cells.iter().position(|c| *c == "年度").unwrap_or(0));
        src.take(years_line);
        let mut current: Option<(usize, usize, usize)> = None;
        let mut n = years_line + 1;
        while n <= to && !src.filled(n).is_empty() {
            let cells = src.cells(n);
            n += 1;
            let Some(k) = role_index(&cells) else { continue };
            let row = n - 1;
            let post: Vec<&str> = cells.iter().skip(k + 1 + years.len()).copied().filter(|c| !c.is_empty()).collect();
            let empty = cells.iter().enumerate().all(|(i, c)| i == k || c.is_empty());
            if empty {
                // An unused slot of the form: 目標 / 実績 / 達成状況 with nothing.
                src.take(row);
                if cells[k] == "目標" {
                    current = None;
                }
                continue;
            }
            if cells[k] == "目標" {
                current = self.start_activity_indicator(direction, &cells, k, row);
                if let (Some((l, m, _)), false) = (current, post.is_empty()) {
                    self.read_next_direction(l, m, &post, row);
                }
            }
            let Some((l, m, i)) = current else { continue };
            let printed = &mut self.listings[l].means[m].indicators[i];
            if add_year_cells(printed, &cells, k, &years, ACTIVITY_TABLE, row) {
                src.take(row);
            }
        }
        n
    }

    /// The 目標 row of an activity indicator: a new project and/or means when
    /// their cells are filled, then the indicator. Returns its position.
    fn start_activity_indicator(
        &mut self,
        direction: &str,
        cells: &[&str],
        k: usize,
        line: usize,
    ) -> Option<(usize, usize, usize)> {
        if !cells[0].is_empty() {
            let printed = tidy(cells[0]);
            let (no, rest) = split_number(&printed);
            let (name, origin) = split_relisting(&rest);
            self.listings.push(Listing {
                direction: direction.to_string(),
                line,
                no: no.unwrap_or_default(),
                printed,
                name,
                origin,
                means: Vec::new(),
            });
        }
        let parts: Vec<&str> = cells[1..k].iter().copied().filter(|c| !c.is_empty()).collect();
        let (means, indicator) = match parts.as_slice() {
            [] => return None,
            [indicator] => (None, tidy(indicator)),
            [means, indicator] => match split_number(&tidy(means)) {
                (Some(no), text) if text.is_empty() => {
                    let (title, indicator) = self.split_merged_cell(indicator, line);
                    (Some((no, title)), indicator)
                }
                (no, text) => (Some((no.unwrap_or_default(), text)), tidy(indicator)),
            },
            [no, rest @ .., indicator] => (Some((tidy(no), tidy(&rest.join(" ")))), tidy(indicator)),
        };
        let listing_index = self.listings.len().checked_sub(1)?;
        let listing = &mut self.listings[listing_index];
        if let Some((no, title)) = means {
            listing.means.push(Means { no, title, next: None, reform: Vec::new(), indicators: Vec::new() });
        } else if listing.means.is_empty() {
            let title = listing.name.clone();
            listing.means.push(Means {
                no: String::new(),
                title,
                next: None,
                reform: Vec::new(),
                indicators: Vec::new(),
            });
        }
        let means_index = listing.means.len() - 1;
        let means = &mut listing.means[means_index];
        means.indicators.push(Printed { name: indicator, target_line: line, ..Printed::default() });
        Some((listing_index, means_index, means.indicators.len() - 1))
    }

    /// A means cell printed together with its indicator (`イントラネットを使用し
    /// た職員の知識の向上 月1回以上の…`): the スケジュール表 names the means,
    /// so a schedule label that starts the cell splits it.
    fn split_merged_cell(&mut self, merged: &str, line: usize) -> (String, String) {
        let whole = squeeze(merged);
        let split = self.schedule.iter().find_map(|e| {
            let label = squeeze(&e.row.label);
            (whole.len() > label.len() && whole.starts_with(&label))
                .then(|| (tidy(&e.row.label), whole[label.len()..].to_string()))
        });
        match split {
            Some((means, indicator)) => {
                self.finding(
                    "split_cell",
                    line,
                    merged,
                    format!(
                        "手段・業務内容と活動指標が一つの欄に印字されていたため、スケジュール表の事業名に合わせて「{means}」（手段・業務内容）と「{indicator}」（活動指標）に分けました"
                    ),
                );
                (means, indicator)
            }
            None => {
                let text = tidy(merged);
                self.finding(
                    "split_cell",
                    line,
                    merged,
                    "手段・業務内容と活動指標が一つの欄に印字されており、分け方を判断できませんでした。同じ文言を両方に入れています".into(),
                );
                (text.clone(), text)
            }
        }
    }

    /// 今後の取組み方針 (`維持`, `終了`), the reason (改善内容、終了・休止理由…)
    /// with any 事務移管, and the 行政改革大綱における取組 cell.
    fn read_next_direction(&mut self, l: usize, m: usize, post: &[&str], line: usize) {
        let fy = self.fy;
        let printed = post[0].to_string();
        let reason = post.get(1).map(|r| tidy(r));
        let transfer = reason.as_deref().and_then(outgoing_transfer);
        let row = NextDirectionRow {
            fiscal_year: fy,
            direction: NextDirection::parse_printed(&printed),
            printed,
            reason,
            transfer,
        };
        let means = &mut self.listings[l].means[m];
        means.reform.extend(post.iter().skip(2).map(|c| tidy(c)));
        match &means.next {
            None => means.next = Some(row),
            Some(existing) if *existing == row => {}
            Some(existing) => {
                let message = format!(
                    "同じ手段・業務内容に異なる今後の取組み方針が印字されています（「{}」と「{}」）。最初のものを取り込みました",
                    existing.printed, row.printed
                );
                let text = printed_line(self.src, line);
                self.finding("next_direction_conflict", line, &text, message);
            }
        }
    }

    /// 6 各事務事業に対する事業費. Rows whose money cells are filled are left
    /// for a person (the filled layout has not been seen in a published sheet).
    fn read_costs(&mut self, direction: &str, header: usize, to: usize) -> usize {
        let src = self.src;
        let caption = tidy(src.cells(header)[0]);
        src.take(header);
        let mut n = header + 1;
        while n <= to && !src.filled(n).is_empty() {
            let cells = src.cells(n);
            if cells[0].is_empty() {
                // Column captions: 年度歳出(千円), 予算額 / 決算額 (うち一般財源).
                src.take(n);
            } else if cells[1..].iter().all(|c| c.is_empty()) {
                self.costs.push(CostRow {
                    direction: direction.into(),
                    line: n,
                    caption: caption.clone(),
                    printed: tidy(cells[0]),
                });
                src.take(n);
            }
            n += 1;
        }
        n
    }

    // -----------------------------------------------------------------------
    // Assembly.

    fn finish(mut self) -> Batch {
        let mut items = Items::default();
        items.push(self.measure_item.clone());
        for d in self.direction_items.clone() {
            items.push(d);
        }
        self.place_projects(&mut items);
        let activity_indicators = self.add_activities(&mut items);
        self.place_costs(&mut items);
        self.attach_schedule(&mut items);
        self.link_reform(&mut items);
        let indicators = self.assemble_indicators(activity_indicators);
        let mut plans = vec![self.basic_plan()];
        if !self.reform_nodes.is_empty() {
            plans.push(PlanRow {
                code: REFORM_PLAN.into(),
                name: "行政改革大綱".into(),
                level_names: vec!["取組事項".into()],
                nodes: self.reform_nodes.clone(),
            });
        }
        let mut findings = self.findings;
        findings.extend(self.src.unplaced(CITY_CODE, is_layout));
        Batch {
            cities: vec![CityBatch {
                code: CITY_CODE.into(),
                name: CITY_NAME.into(),
                sections: vec![self.section],
                scales: Vec::new(),
                plans,
                items: items.rows,
                indicators,
            }],
            findings,
        }
    }

    fn basic_plan(&self) -> PlanRow {
        let policy_code = format!("{}-{}", self.goal.code, self.policy.code);
        let measure_code = self.measure_code();
        let node = |code: &str, parent: Option<&str>, title: &str| NodeRow {
            code: code.into(),
            parent: parent.map(Into::into),
            title: title.into(),
            tags: Vec::new(),
        };
        let mut nodes = vec![
            node(&self.goal.code, None, &self.goal.title),
            node(&policy_code, Some(&self.goal.code), &self.policy.title),
            node(&measure_code, Some(&policy_code), &self.measure.title),
        ];
        nodes.extend(self.directions.iter().map(|(code, title)| node(code, Some(&measure_code), title)));
        PlanRow {
            code: PLAN.into(),
            name: "総合計画".into(),
            level_names: ["基本目標", "基本方針", "施策", "施策の方向"].map(String::from).to_vec(),
            nodes,
        }
    }

    fn project_row(&self, name: &str, no: &str) -> ItemRow {
        ItemRow {
            key: project_key(name),
            kind: "project".into(),
            code: no.into(),
            title: name.into(),
            fiscal_year: Some(self.fy),
            sections: vec![self.section.clone()],
            ..ItemRow::default()
        }
    }

    /// Projects are stored once: first their own listings, then re-listings
    /// (再掲), which only add a placement marked as such.
    fn place_projects(&mut self, items: &mut Items) {
        for relisted in [false, true] {
            for i in 0..self.listings.len() {
                let (name, no, direction, origin, line, printed) = {
                    let l = &self.listings[i];
                    (l.name.clone(), l.no.clone(), l.direction.clone(), l.origin.clone(), l.line, l.printed.clone())
                };
                if origin.is_some() != relisted {
                    continue;
                }
                let row = self.project_row(&name, &no);
                items.get_or_insert(row).add_placement(&direction, relisted);
                if let Some(origin) = origin {
                    self.check_origin(items, &name, &origin, line, &printed);
                }
            }
        }
    }

    /// A re-listing names where the project is listed; says so when the
    /// named direction of this sheet does not list it.
    fn check_origin(&mut self, items: &Items, name: &str, origin: &str, line: usize, printed: &str) {
        let Some(origin_code) = self.origin_direction(origin) else { return };
        let placed = items.get(&project_key(name)).map(|p| p.placements.clone()).unwrap_or_default();
        if placed.iter().any(|p| p.node == origin_code && !p.relisting) {
            return;
        }
        let actual: Vec<String> = placed.iter().filter(|p| !p.relisting).map(|p| p.node.clone()).collect();
        let where_listed = if actual.is_empty() {
            "この表のどの施策の方向にも記載がありません".to_string()
        } else {
            format!("業務計画では {} に記載されています", actual.join("、"))
        };
        self.finding(
            "relisting_origin",
            line,
            printed,
            format!("「{name}」は {origin_code} の再掲と印字されていますが、{origin_code} にこの事業の記載はありません（{where_listed}）。再掲として取り込みました"),
        );
    }

    /// `48-(4)` → `IV-7-48-(4)` when it names a direction of this 施策.
    fn origin_direction(&self, origin: &str) -> Option<String> {
        let (measure, direction) = origin.split_once('-')?;
        (measure.trim() == self.measure.code).then(|| format!("{}-{}", self.measure_code(), direction.trim()))
    }

    fn add_activities(&mut self, items: &mut Items) -> Vec<(String, Printed)> {
        let mut indicators = Vec::new();
        let fy = self.fy;
        for listing in std::mem::take(&mut self.listings) {
            for means in listing.means {
                let key = format!("activity:{}/{}-{}", listing.direction, listing.no, means.no);
                let mut row = ItemRow {
                    key: key.clone(),
                    kind: "activity".into(),
                    code: means.no.clone(),
                    title: means.title.clone(),
                    fiscal_year: Some(fy),
                    placements: vec![placement(&listing.direction, false)],
                    sections: vec![self.section.clone()],
                    next_direction: means.next,
                    ..ItemRow::default()
                };
                row.narratives.push(NarrativeRow {
                    fiscal_year: Some(fy),
                    slot: "project".into(),
                    label: "事業名".into(),
                    text: Narrative::from_html_fragment(&listing.printed),
                });
                for reform in &means.reform {
                    row.tags.push("行革".into());
                    row.narratives.push(NarrativeRow {
                        fiscal_year: Some(fy),
                        slot: "reform".into(),
                        label: "行政改革大綱における取組".into(),
                        text: Narrative::from_html_fragment(reform),
                    });
                }
                row.tags.dedup();
                items.get_or_insert(row);
                indicators.extend(means.indicators.into_iter().map(|p| (key.clone(), p)));
            }
        }
        indicators
    }

    /// 各事務事業に対する事業費 rows: `なし`, or a project (often a 再掲) with
    /// its 予算費目 code, kept as narrative (batch.rs has no field for it).
    fn place_costs(&mut self, items: &mut Items) {
        let fy = self.fy;
        for cost in std::mem::take(&mut self.costs) {
            let (_, rest) = split_number(&cost.printed);
            if rest == "なし" {
                self.direction_item_in(items, &cost.direction).narratives.push(NarrativeRow {
                    fiscal_year: Some(fy),
                    slot: "project_costs".into(),
                    label: "各事務事業に対する事業費".into(),
                    text: Narrative::from_html_fragment(&rest),
                });
                continue;
            }
            let (name, origin) = split_relisting(strip_budget_code(&rest));
            let row = self.project_row(&name, "");
            let item = items.get_or_insert(row);
            item.add_placement(&cost.direction, origin.is_some());
            item.narratives.push(NarrativeRow {
                fiscal_year: Some(fy),
                slot: "budget_account".into(),
                label: cost.caption.clone(),
                text: Narrative::from_html_fragment(&rest),
            });
            if let Some(origin) = origin {
                self.check_origin(items, &name, &origin, cost.line, &cost.printed);
            }
        }
    }

    fn direction_item_in<'i>(&self, items: &'i mut Items, code: &str) -> &'i mut ItemRow {
        items.get_mut(&format!("direction:{code}")).expect("directions are items")
    }

    /// Schedule rows go to the project (or means) of the same name; a name
    /// that differs only by inserted words is matched and reported; an
    /// unknown one becomes a project of the 施策.
    fn attach_schedule(&mut self, items: &mut Items) {
        for entry in std::mem::take(&mut self.schedule) {
            let label = squeeze(&entry.row.label);
            let exact = |kind: &str| {
                items.rows.iter().find(|i| i.kind == kind && squeeze(&i.title) == label).map(|i| i.key.clone())
            };
            let key = match exact("project").or_else(|| exact("activity")) {
                Some(key) => key,
                None => {
                    match items.rows.iter().find(|i| i.kind == "project" && is_abbreviation(&squeeze(&i.title), &label))
                    {
                        Some(item) => {
                            let message = format!(
                            "スケジュール表の事業名「{}」を業務計画の事業「{}」と同じ事業とみなしました（名称が異なります）",
                            entry.row.label, item.title
                        );
                            let key = item.key.clone();
                            self.finding("name_mismatch", entry.line, &entry.row.label, message);
                            key
                        }
                        None => {
                            let mut row = self.project_row(&tidy(&entry.row.label), "");
                            row.placements.push(placement(&self.measure_code(), false));
                            items.get_or_insert(row).key.clone()
                        }
                    }
                }
            };
            items.get_mut(&key).expect("the key was just found").schedule.push(entry.row);
        }
    }

    /// 【24 eコミュニティまちづくり推進事業】: a node of the 行政改革大綱, and the
    /// project of that name is placed in it and tagged 行革.
    fn link_reform(&mut self, items: &mut Items) {
        let reforms: Vec<((String, String), usize)> =
            self.outcomes.iter().filter_map(|o| o.reform.clone().map(|r| (r, o.target_line))).collect();
        for ((code, title), line) in reforms {
            if !self.reform_nodes.iter().any(|n| n.code == code) {
                self.reform_nodes.push(NodeRow {
                    code: code.clone(),
                    parent: None,
                    title: title.clone(),
                    tags: Vec::new(),
                });
            }
            let wanted = squeeze(&title);
            match items.rows.iter_mut().find(|i| i.kind == "project" && squeeze(&i.title) == wanted) {
                Some(item) => {
                    if !item.tags.iter().any(|t| t == "行革") {
                        item.tags.push("行革".into());
                    }
                    let p = PlacementRow { plan: REFORM_PLAN.into(), node: code, relisting: false };
                    if !item.placements.contains(&p) {
                        item.placements.push(p);
                    }
                }
                None => {
                    let text = printed_line(self.src, line);
                    self.finding(
                        "unlinked_reform",
                        line,
                        &text,
                        format!("行政改革大綱の取組事項「{code} {title}」に当たる事業が業務計画にありません。取組事項のみ取り込みました"),
                    );
                }
            }
        }
    }

    /// Outcome indicators first; an activity indicator that is one of them
    /// printed again is merged (both printings kept, disagreements reported).
    fn assemble_indicators(&mut self, activities: Vec<(String, Printed)>) -> Vec<IndicatorRow> {
        let measure_ref = NodeRef { plan: PLAN.into(), node: self.measure_code() };
        let outcomes = std::mem::take(&mut self.outcomes);
        let mut rows: Vec<IndicatorRow> = outcomes
            .iter()
            .map(|o| {
                let mut row = indicator_row(
                    format!("indicator:{}/{}", self.measure_code(), squeeze(&o.name)),
                    o,
                    IndicatorKind::Outcome,
                    OUTCOME_TABLE,
                );
                row.node = Some(measure_ref.clone());
                row
            })
            .collect();
        for (item_key, printed) in activities {
            match self.same_as_outcome(&outcomes, &printed) {
                Some(i) => {
                    self.report_disagreements(&outcomes[i], &printed);
                    let row = &mut rows[i];
                    row.item = Some(item_key);
                    row.values.extend(printed.values);
                    row.judgements.extend(printed.judgements);
                }
                None => {
                    let key =
                        format!("indicator:{}/{}", item_key.trim_start_matches("activity:"), squeeze(&printed.name));
                    let mut row = indicator_row(key, &printed, IndicatorKind::Activity, ACTIVITY_TABLE);
                    row.item = Some(item_key);
                    rows.push(row);
                }
            }
        }
        rows
    }

    /// The outcome indicator an activity indicator repeats: the same name or
    /// 指標計算式; or nearly the same (≤ 2 characters apart) with the same
    /// targets in every year, which is reported.
    fn same_as_outcome(&mut self, outcomes: &[Printed], activity: &Printed) -> Option<usize> {
        let name = squeeze(&activity.name);
        let names = |o: &Printed| {
            let mut v = vec![squeeze(&o.name)];
            v.extend(o.definition.as_deref().map(squeeze));
            v
        };
        if let Some(i) = outcomes.iter().position(|o| names(o).contains(&name)) {
            return Some(i);
        }
        let i = outcomes.iter().position(|o| {
            names(o).iter().any(|n| edit_distance(n, &name) <= 2) && same_targets(&o.values, &activity.values)
        })?;
        let o = &outcomes[i];
        self.finding(
            "name_mismatch",
            activity.target_line,
            &activity.name,
            format!(
                "活動指標「{}」を成果指標「{}」（指標計算式「{}」）と同じ指標として取り込みました。名称がわずかに異なりますが、目標値が全年度一致します",
                activity.name,
                o.name,
                o.definition.as_deref().unwrap_or("")
            ),
        );
        Some(i)
    }

    /// Judgements that the two printings of one indicator state differently
    /// (順調 in one table, 未達成 in the other). Differing values are left to
    /// `apply`, which compares every printing by meaning and reports them.
    fn report_disagreements(&mut self, outcome: &Printed, activity: &Printed) {
        for j in &activity.judgements {
            let Some(o) = outcome.judgements.iter().find(|o| o.fiscal_year == j.fiscal_year) else { continue };
            if let (Some(a), Some(b)) = (judged_positive(&o.printed), judged_positive(&j.printed)) {
                if a != b {
                    let line = activity.judged_line.unwrap_or(activity.target_line);
                    let text = printed_line(self.src, line);
                    self.finding(
                        "judgement_conflict",
                        line,
                        &text,
                        format!(
                            "「{}」の{}の判定が、成果指標の表（{}行目）では「{}」、活動指標の表では「{}」と食い違っています。両方を取り込みました",
                            outcome.name,
                            j.fiscal_year.label(),
                            outcome.judged_line.unwrap_or(outcome.target_line),
                            o.printed,
                            j.printed
                        ),
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Items in creation order, found by key.

#[derive(Default)]
struct Items {
    rows: Vec<ItemRow>,
    index: BTreeMap<String, usize>,
}

impl Items {
    fn push(&mut self, row: ItemRow) {
        self.index.insert(row.key.clone(), self.rows.len());
        self.rows.push(row);
    }

    fn get(&self, key: &str) -> Option<&ItemRow> {
        self.index.get(key).map(|&i| &self.rows[i])
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut ItemRow> {
        self.index.get(key).map(|&i| &mut self.rows[i])
    }

    /// The item with the row's key, created from the row when new.
    fn get_or_insert(&mut self, row: ItemRow) -> &mut ItemRow {
        let i = match self.index.get(&row.key) {
            Some(&i) => i,
            None => {
                self.push(row);
                self.rows.len() - 1
            }
        };
        &mut self.rows[i]
    }
}

trait Placements {
    fn add_placement(&mut self, node: &str, relisting: bool);
}

impl Placements for ItemRow {
    fn add_placement(&mut self, node: &str, relisting: bool) {
        if !self.placements.iter().any(|p| p.plan == PLAN && p.node == node) {
            self.placements.push(placement(node, relisting));
        }
    }
}

fn placement(node: &str, relisting: bool) -> PlacementRow {
    PlacementRow { plan: PLAN.into(), node: node.into(), relisting }
}

fn project_key(name: &str) -> String {
    format!("project:{}", squeeze(name))
}

// ---------------------------------------------------------------------------
// Indicators.

fn indicator_row(key: String, p: &Printed, kind: IndicatorKind, table: &str) -> IndicatorRow {
    IndicatorRow {
        key,
        name: p.name.clone(),
        kind,
        definition: p.definition.clone(),
        unit: unit_of(&p.values),
        direction: direction_of(&p.name, &p.values),
        vocabulary: vocabulary_of(&p.judgements, table),
        item: None,
        node: None,
        // The 行政改革大綱 item printed after the name: its node of plan
        // `mishima-gyokaku`, made by `link_reform`.
        related: p.reform.as_ref().map(|(code, _)| NodeRef { plan: REFORM_PLAN.into(), node: code.clone() }),
        values: p.values.clone(),
        judgements: p.judgements.clone(),
    }
}

/// The counter of the first value that prints one: `件`, `回`, `人`.
fn unit_of(values: &[ValueRow]) -> Option<String> {
    values.iter().find_map(|v| match IndicatorCell::parse(&v.printed).meaning() {
        CellMeaning::Quantity(q) if !q.unit.is_empty() => Some(q.unit.clone()),
        _ => None,
    })
}

/// Word targets (`再構築`, `導入`) are milestones, bounds are bounds, `維持`
/// keeps a level; otherwise the meaning of the name decides.
fn direction_of(name: &str, values: &[ValueRow]) -> Direction {
    let targets: Vec<IndicatorCell> =
        values.iter().filter(|v| v.role == ValueRole::Target).map(|v| IndicatorCell::parse(&v.printed)).collect();
    let set: Vec<&CellMeaning> = targets
        .iter()
        .map(IndicatorCell::meaning)
        .filter(|m| !matches!(m, CellMeaning::Blank | CellMeaning::Placeholder(_)))
        .collect();
    if !set.is_empty() && set.iter().all(|m| matches!(m, CellMeaning::Milestone { .. })) {
        Direction::Milestone
    } else if !set.is_empty() && set.iter().all(|m| matches!(m, CellMeaning::Bound(_))) {
        Direction::Bound
    } else if !set.is_empty() && set.iter().all(|m| matches!(m, CellMeaning::Maintain)) {
        Direction::Maintain
    } else if LOWER_IS_BETTER_WORDS.iter().any(|w| name.contains(w)) {
        Direction::LowerIsBetter
    } else {
        Direction::HigherIsBetter
    }
}

/// The preset whose words the judgements of the indicator's own table use.
fn vocabulary_of(judgements: &[JudgementRow], table: &str) -> Option<String> {
    let words: Vec<&str> = judgements.iter().map(|j| j.printed.as_str()).collect();
    if words.is_empty() {
        return None;
    }
    let code = if words.iter().any(|w| *w == "順調" || *w == "遅れ") {
        "progress"
    } else if words.contains(&"未実施") || table == ACTIVITY_TABLE {
        "achievement"
    } else {
        "achievement2"
    };
    Some(code.into())
}

fn judged_positive(printed: &str) -> Option<bool> {
    match printed {
        "達成" | "順調" => Some(true),
        "未達成" | "遅れ" | "未実施" => Some(false),
        _ => None,
    }
}

/// Two printings of targets agree in every year both print, with at least
/// two such years.
fn same_targets(a: &[ValueRow], b: &[ValueRow]) -> bool {
    let mut common = 0;
    for x in a.iter().filter(|v| v.role == ValueRole::Target) {
        let Some(y) = b.iter().find(|y| y.role == ValueRole::Target && y.fiscal_year == x.fiscal_year) else {
            continue;
        };
        if IndicatorCell::parse(&x.printed).meaning() != IndicatorCell::parse(&y.printed).meaning() {
            return false;
        }
        common += 1;
    }
    common >= 2
}

/// The cell index of the row's role: 目標, 実績, or a judgement row.
fn role_index(cells: &[&str]) -> Option<usize> {
    cells.iter().position(|c| matches!(*c, "目標" | "実績" | "達成状況" | "進捗状況"))
}

/// Adds the year cells of a 目標 / 実績 / judgement row to `p`. Blank cells
/// are not values; dashes are kept as printed. False when the row is not one.
fn add_year_cells(p: &mut Printed, cells: &[&str], k: usize, years: &[FiscalYear], table: &str, line: usize) -> bool {
    let role = match cells[k] {
        "目標" => Some(ValueRole::Target),
        "実績" => Some(ValueRole::Actual),
        "達成状況" | "進捗状況" => None,
        _ => return false,
    };
    if role.is_none() {
        p.judged_line = Some(line);
    }
    for (i, fy) in years.iter().enumerate() {
        let printed = cells.get(k + 1 + i).copied().unwrap_or("");
        if printed.is_empty() {
            continue;
        }
        let source = Some(table.to_string());
        match role {
            Some(role) => {
                p.values.push(ValueRow { fiscal_year: *fy, role, printed: printed.into(), source, printed_in: None })
            }
            None => {
                p.judgements.push(JudgementRow { fiscal_year: *fy, printed: printed.into(), source, printed_in: None })
            }
        }
    }
    true
}

// ---------------------------------------------------------------------------
// Header, plan position, small text helpers.

/// A line's filled cells as one text, for findings.
fn printed_line(src: &Source, n: usize) -> String {
    src.filled(n).join(" ")
}

/// `平成30年度 行政評価表` → FY2018.
fn read_title(src: &Source, title: &str) -> Result<FiscalYear, ImportError> {
    let n = src
        .numbered()
        .find(|(n, _)| src.filled(*n).first().is_some_and(|c| c.ends_with(title)))
        .map(|(n, _)| n)
        .ok_or_else(|| ImportError::new(Place::file(&src.file), format!("「{title}」の表題が見つかりません")))?;
    let printed = src.filled(n)[0];
    let year = printed.trim_end_matches(title).trim();
    let fy = FiscalYear::parse(year).map_err(|e| ImportError::new(Place::line(&src.file, n), e.to_string()))?;
    src.take(n);
    Ok(fy)
}

/// 総合計画の位置付け: 基本目標, 基本方針 and 施策名, each `code title`.
fn read_position(src: &Source) -> Result<(PositionNode, PositionNode, PositionNode), ImportError> {
    let fail = |m: &str| ImportError::new(Place::file(&src.file), m.to_string());
    let start = src
        .numbered()
        .find(|(n, _)| tidy(src.cells(*n)[0]).starts_with("総合計画の"))
        .map(|(n, _)| n)
        .ok_or_else(|| fail("総合計画の位置付けが見つかりません"))?;
    let block = position_block(src, start);
    let pairs = position_pairs(src, &block);
    let node = |label: &str| {
        pairs
            .get(label)
            .and_then(|v| split_code(v))
            .map(|(code, title)| PositionNode { code, title })
            .ok_or_else(|| fail(&format!("総合計画の位置付けに「{label}」がありません")))
    };
    let position = (node("基本目標")?, node("基本方針")?, node("施策名")?);
    for n in block {
        src.take(n);
    }
    Ok(position)
}

fn position_block(src: &Source, start: usize) -> Vec<usize> {
    (start..=src.len()).take_while(|&n| !src.filled(n).is_empty()).collect()
}

/// Label → value pairs of the position block, wherever the cells sit.
fn position_pairs(src: &Source, block: &[usize]) -> BTreeMap<String, String> {
    let mut pairs = BTreeMap::new();
    for &n in block {
        let cells = src.cells(n);
        for (i, c) in cells.iter().enumerate() {
            if matches!(*c, "基本目標" | "基本方針" | "施策名") {
                if let Some(v) = cells.get(i + 1).filter(|v| !v.is_empty()) {
                    pairs.insert(c.to_string(), v.to_string());
                }
            }
        }
    }
    pairs
}

/// Label → value of a header line: 所属部 | 企画戦略部 | 所属課 | …
fn label_pairs(cells: &[&str]) -> BTreeMap<String, String> {
    cells.chunks_exact(2).map(|c| (squeeze(c[0]), c[1].to_string())).collect()
}

/// Staff counts and the telephone extension: everything of the header line
/// after 所属部 and 所属課.
fn organisation_text(cells: &[&str]) -> Option<String> {
    let lines: Vec<String> = cells
        .chunks_exact(2)
        .filter(|c| !matches!(c[0], "所属部" | "所属課") && !c[1].is_empty())
        .map(|c| format!("{} {}", c[0], c[1]))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// `IV 協働で進める自立したまち` → (`IV`, `協働で進める自立したまち`).
fn split_code(printed: &str) -> Option<(String, String)> {
    let (code, title) = printed.trim().split_once(char::is_whitespace)?;
    Some((code.to_string(), title.trim().to_string()))
}

/// `IV-7-48-(1)総合的な情報化施策の推進` → (`IV-7-48-(1)`, title).
fn split_direction(printed: &str) -> Option<(String, String)> {
    let folded = fold_width(printed.trim());
    let close = folded.find(')')?;
    let code = &folded[..=close];
    if !code.contains("-(") {
        return None;
    }
    // fold_width keeps the character count; the title keeps its printed form.
    let title: String = printed.trim().chars().skip(code.chars().count()).collect();
    Some((code.to_string(), title.trim().to_string()))
}

/// `1 IT推進事業` → (`1`, `IT推進事業`); a bare `1` → (`1`, ``).
fn split_number(printed: &str) -> (Option<String>, String) {
    let s = printed.trim();
    let (head, rest) = s.split_once(' ').unwrap_or((s, ""));
    if !head.is_empty() && head.chars().all(|c| c.is_ascii_digit()) {
        (Some(head.to_string()), rest.trim().to_string())
    } else {
        (None, s.to_string())
    }
}

/// `セキュリティ対策事業(施策48-(4)再掲)` → (`セキュリティ対策事業`, `48-(4)`).
fn split_relisting(name: &str) -> (String, Option<String>) {
    let chars: Vec<char> = name.chars().collect();
    let folded: Vec<char> = fold_width(name).chars().collect();
    let find = |needle: &str, from: usize| {
        let n: Vec<char> = needle.chars().collect();
        (from..folded.len().saturating_sub(n.len() - 1)).find(|&i| folded[i..].starts_with(&n))
    };
    let Some(open) = find("(施策", 0) else { return (name.trim().to_string(), None) };
    let Some(close) = find("再掲)", open) else { return (name.trim().to_string(), None) };
    let origin: String = folded[open + 3..close].iter().collect();
    let base: String = chars[..open].iter().collect();
    (base.trim().to_string(), Some(origin.trim().to_string()))
}

/// `IT推進事業(施策48-(4)再掲) (01.02.01.14.020.02)` without the 予算費目 code.
fn strip_budget_code(printed: &str) -> &str {
    let s = printed.trim();
    if let Some(open) = s.rfind('(') {
        let inner = s[open + 1..].trim_end_matches(')');
        if s.ends_with(')') && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return s[..open].trim();
        }
    }
    s
}

/// 【24 eコミュニティまちづくり推進事業】 at the end of an outcome name.
fn split_reform(cell: &str) -> (String, Option<(String, String)>) {
    let t = tidy(cell);
    let Some(open) = t.find('【') else { return (t, None) };
    let inner = t[open..].trim_start_matches('【').trim_end_matches('】').trim();
    let name = t[..open].trim().to_string();
    match split_number(inner) {
        (Some(code), title) if !title.is_empty() => (name, Some((code, title))),
        _ => (t, None),
    }
}

/// The outgoing transfers of a reason: `H31広報広聴課へ事務移管`.
fn outgoing_transfer(reason: &str) -> Option<String> {
    let parts: Vec<&str> = reason.split(' ').filter(|p| p.contains("事務移管") && !p.contains("から")).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn pdca_phase(heading: &str) -> Option<&'static str> {
    let h = fold_width(heading);
    [("(Plan)", "plan"), ("(Do)", "do"), ("(Check)", "check"), ("(Action)", "action")]
        .into_iter()
        .find(|(suffix, _)| h.ends_with(suffix))
        .map(|(_, slot)| slot)
}

/// `5 業務計画`, `6 各事務事業に対する事業費`.
fn is_numbered_heading(line: &str, heading: &str) -> bool {
    matches!(split_number(line), (Some(_), rest) if rest == heading)
}

/// The fiscal years of the cells after index `j`: `H28 H29 H30 R01 R02`.
fn years_after(cells: &[&str], j: usize) -> Vec<FiscalYear> {
    cells.iter().skip(j + 1).map_while(|c| FiscalYear::parse(c).ok()).collect()
}

/// A 千円 amount; `-` means nothing carried over, i.e. zero.
fn money(printed: &str) -> Option<Yen> {
    if printed.chars().all(hyoka_core::text::is_dash) {
        return Some(Yen(0));
    }
    Yen::parse(printed, MoneyUnit::Thousand).ok()
}

/// Removes the spaces the extraction inserts where a cell wrapped
/// (`IT推進本部会議の開 催`): a space between two non-ASCII characters goes,
/// other runs of white space become one space.
fn tidy(printed: &str) -> String {
    let chars: Vec<char> = printed.trim().chars().collect();
    let mut out = String::with_capacity(printed.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let j = (i..chars.len()).find(|&j| !chars[j].is_whitespace()).unwrap_or(chars.len());
            let before = out.chars().last();
            let after = chars.get(j);
            let wrapped = matches!((before, after), (Some(b), Some(a)) if !b.is_ascii() && !a.is_ascii());
            if !wrapped {
                out.push(' ');
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `ICT活用デジタルライフ事業` is `ICT活用デジタルライフ推進事業` with words
/// left out: all of its characters, in order, and at most 4 fewer.
fn is_abbreviation(short: &str, long: &str) -> bool {
    let (s, l) = (short.chars().count(), long.chars().count());
    if s == 0 || s >= l || l - s > 4 {
        return false;
    }
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|x| x == c))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_spaces_go_between_japanese_only() {
        assert_eq!(tidy("IT推進本部会議の開 催"), "IT推進本部会議の開催");
        assert_eq!(tidy("三島市地域SNS利用者数 (登録者数)"), "三島市地域SNS利用者数 (登録者数)");
        assert_eq!(tidy("1 ICT活用デジタル ライフ事業"), "1 ICT活用デジタルライフ事業");
    }

    #[test]
    fn relistings_and_codes_are_split() {
        assert_eq!(
            split_relisting("セキュリティ対策事業(施策48-(4)再掲)"),
            ("セキュリティ対策事業".to_string(), Some("48-(4)".to_string()))
        );
        assert_eq!(split_relisting("IT推進事業"), ("IT推進事業".to_string(), None));
        assert_eq!(strip_budget_code("IT推進事業(施策48-(4)再掲) (01.02.01.14.020.02)"), "IT推進事業(施策48-(4)再掲)");
        assert_eq!(
            split_direction("IV-7-48-(1)総合的な情報化施策の推進"),
            Some(("IV-7-48-(1)".to_string(), "総合的な情報化施策の推進".to_string()))
        );
    }

    #[test]
    fn abbreviations_and_distances() {
        assert!(is_abbreviation("ICT活用デジタルライフ事業", "ICT活用デジタルライフ推進事業"));
        assert!(!is_abbreviation("セキュリティ対策事業", "地方公共団体情報セキュリティ強化事業"));
        assert_eq!(edit_distance("利用者登録", "利用登録"), 1);
    }

    #[test]
    fn transfers_out_are_picked() {
        assert_eq!(
            outgoing_transfer("H30広報広聴課から事務移管 H31広報広聴課へ事務移管").as_deref(),
            Some("H31広報広聴課へ事務移管")
        );
        assert_eq!(outgoing_transfer("見直し"), None);
    }
}
