//! 小平市 第3次行財政再構築プラン 進捗状況調査票 (seed 003).
//!
//! The document has two parts:
//! 1. a summary list (29年度末評価) of the plan's 43 items in 5 groups, each
//!    with its tags (【新規】, 【フォローアップ】), its lead sections, the grades
//!    of the section (所管課) and of the reform headquarters (行革本部), and its
//!    purpose; two rows are re-listings (【No.15の再掲】);
//! 2. one survey sheet (進捗状況調査票) per item, and sub-sheets that break
//!    an item down (`No.2-1` … `No.2-7`, the total `No.2-1~5`, `No.4-1`, …):
//!    indicators (baseline, target, second-half actual), a roadmap (工程表:
//!    steps × the plan's years, each year's planned text as printed), P (当初予定), the sections, D (取組実績), the 1次 and 2次
//!    grades with their reasons, and A (来年度に向けての課題と今後の取組).
//!
//! Identities (all derived from printed text, so importing again finds the
//! same rows):
//! - plan `kodaira-reform-3` (第3次行財政再構築プラン), levels グループ → 項目;
//! - group nodes: the group's printed name (the list prints no code for it);
//! - item nodes and items: the printed code `No.1` … `No.43`;
//! - sub-sheets: items keyed by their printed code (`No.2-1`, `No.2-1~5`),
//!   placed at their parent item's node (`No.2`): a sub-sheet reports a part
//!   of that plan item and is not an entry of the plan itself;
//! - re-listings (`No.29` = `No.15`, `No.41` = `No.7`): an item node of their
//!   own, and an item that links the original (`relisting_of`) with a
//!   re-listing placement, so totals never count them twice. What the copy
//!   prints identically is stored once, on the original; what differs is kept
//!   on the copy and reported;
//! - indicators `<sheet code>:<n>`: `n` is the circled number (①→1) or 1.
//!   Sub-sheets reprint their parent's indicators (`No.4-1` prints ① of
//!   `No.4`); such printings join the first sheet's indicator, each value
//!   naming its sheet as `source`.
//!
//! Years: the baseline column is 平成29年3月末 (FY2016) and the actual column
//! 平成30年3月末 (FY2017), unless the cell names its own year (`(H27実績値)`,
//! `(平成29年度予算)`). A target names its year when it is not the reported
//! one (`10団体(平成31年度)`, `480g/人日(平成34年度)`); an unlabelled target is
//! the yardstick of the reported year (FY2017), not the plan's last year: the
//! graders compare the FY2017 actual with it (No.3, No.8, No.10), and
//! No.30's unlabelled 44,200万円 is the H29 figure of No.30-3's yearly targets.

use std::collections::BTreeSet;

use hyoka_core::cell::DataPeriod;
use hyoka_core::scale::Grade;
use hyoka_core::text::{normalise, squeeze};
use hyoka_core::wareki::JpDate;
use hyoka_core::{
    CellMeaning, Direction, EvaluationScale, Evaluator, FiscalYear, IndicatorCell, IndicatorKind, Narrative, Stage,
    ValueRole,
};

use super::outline;
use crate::batch::{
    CityBatch, EvaluationRow, Finding, IndicatorRow, ItemRow, NarrativeRow, NodeRow, PlacementRow, PlanRow, RoadmapRow,
    SectionRow, ValueRow,
};
use crate::source::Source;
use crate::{Batch, ImportError, Place};

const CITY_CODE: &str = "132110";
const CITY_NAME: &str = "小平市";
/// The plan's stable code: 第3次行財政再構築プラン.
const PLAN_CODE: &str = "kodaira-reform-3";
const ITEM_KIND: &str = "issue";
const SCALE_CODE: &str = "kodaira-sab";

const PLAN_WORD: &str = "行財政再構築プラン";
const SURVEY_WORD: &str = "進捗状況調査票";
const SHEET_CAPTION: &str = "取り組み項目・内容";
const ROADMAP_CAPTION: &str = "実施内容";
const PDCA_CAPTION: &str = "当初予定(P)";
const PURPOSE_MARK: &str = "<目的・ねらい>";
const SUMMARY_CAPTION: &str = "担当課";

/// Words in a section cell that name no section.
const GENERIC_SECTIONS: &[&str] = &["他", "各所管課", "全課", "施設所管課", "所管課"];

/// A progress survey of the 行財政再構築プラン with its P/D/C/A columns.
pub fn matches(text: &str) -> bool {
    text.contains(PLAN_WORD) && text.contains(SURVEY_WORD) && text.contains("1次評価(C)")
}

pub fn read(src: &Source) -> Result<Batch, ImportError> {
    let title = PlanTitle::read(src)?;
    let scale = printed_scale(src);
    let notes = relisting_notes(src);
    let summary = Summary::read(src)?;
    let sheets = src.find_all(SHEET_CAPTION).into_iter().map(|n| Sheet::read(src, n)).collect::<Result<Vec<_>, _>>()?;

    // Every item of the list has its survey sheet (a re-listing prints
    // none): without it the item's sheet would be replaced by the list's
    // few cells. A document cut short or out of order lacks some.
    for row in summary.rows.iter().filter(|r| r.relisting_of.is_none()) {
        if !sheets.iter().any(|s| s.code == row.code) {
            let last = sheets
                .last()
                .map_or(String::new(), |s| format!("（最後の調査票は {}行目の {}）", s.first_line, s.code));
            return Err(outline::incomplete(
                src,
                row.line,
                &format!("評価一覧表の {} の進捗状況調査票がありません{last}", row.code),
            ));
        }
    }
    let mut reader = Reader { src, fy: title.fy, findings: Vec::new() };
    reader.check_relisting_notes(&summary, &notes);
    let mut items = Vec::new();
    for row in &summary.rows {
        let item = match &row.relisting_of {
            Some(original) => reader.relisting_item(&summary, row, original, &notes),
            None => reader.plan_item(row, sheets.iter().find(|s| s.code == row.code)),
        };
        items.push(item);
    }
    for sheet in sheets.iter().filter(|s| summary.row(&s.code).is_none()) {
        items.push(reader.sub_sheet_item(&summary, &sheets, sheet));
    }
    let indicators = reader.indicators(&sheets);
    let sections = city_sections(&items);
    let plan = PlanRow {
        code: PLAN_CODE.into(),
        name: title.plan_name,
        level_names: vec!["グループ".into(), "項目".into()],
        nodes: summary.nodes(),
    };
    let city = CityBatch {
        code: CITY_CODE.into(),
        name: CITY_NAME.into(),
        sections,
        scales: vec![scale],
        plans: vec![plan],
        items,
        indicators,
    };
    let mut findings = reader.findings;
    findings.extend(src.unplaced(CITY_CODE, is_layout));
    Ok(Batch { cities: vec![city], findings })
}

// ---------------------------------------------------------------------------
// The document's head: title, grade legend, notes on re-listings.

/// `第3次行財政再構築プラン 進捗状況 調査票 (平成29年度末)`.
struct PlanTitle {
    plan_name: String,
    fy: FiscalYear,
}

impl PlanTitle {
    fn read(src: &Source) -> Result<Self, ImportError> {
        let missing = || {
            ImportError::new(Place::file(&src.file), "表題（第○次行財政再構築プラン 進捗状況調査票）が見つかりません")
        };
        let n = src
            .find_all(PLAN_WORD)
            .into_iter()
            .find(|&n| squeeze(src.line(n)).contains(SURVEY_WORD))
            .ok_or_else(missing)?;
        let line = src.line(n).trim();
        let end = line.find(PLAN_WORD).ok_or_else(missing)? + PLAN_WORD.len();
        let year = bracketed(line).and_then(|inner| inner.strip_suffix('末').map(str::to_string)).ok_or_else(|| {
            ImportError::new(Place::line(&src.file, n), "表題に報告の年度（平成○年度末）がありません")
        })?;
        let fy = FiscalYear::parse(&year).map_err(|e| ImportError::new(Place::line(&src.file, n), e.to_string()))?;
        src.take(n);
        Ok(PlanTitle { plan_name: line[..end].trim().to_string(), fy })
    }
}

/// The text inside the last `(…)` or `（…）` of a line.
fn bracketed(line: &str) -> Option<&str> {
    let open = line.rfind(['(', '（'])?;
    let rest = &line[open..];
    let inner = rest.trim_start_matches(['(', '（']);
    let close = inner.find([')', '）'])?;
    Some(inner[..close].trim())
}

/// `「S」：年度当初の予定以上に進捗` …: the legend printed at the head. The
/// scale keeps the preset's code and takes the printed wording; without a
/// legend the preset is used as it is.
fn printed_scale(src: &Source) -> EvaluationScale {
    let mut grades = Vec::new();
    let mut lines = Vec::new();
    for (n, line) in src.numbered() {
        let t = line.trim();
        let Some(rest) = t.strip_prefix('「') else { continue };
        let Some((code, label)) = rest.split_once('」') else { continue };
        let label = label.trim_start_matches(['：', ':']).trim();
        if ["S", "A", "B"].contains(&code) && !label.is_empty() {
            grades.push(Grade { code: code.into(), label: label.into() });
            lines.push(n);
        }
    }
    let preset = EvaluationScale::kodaira_sab();
    if grades.len() != preset.grades.len() {
        return preset;
    }
    for n in lines {
        src.take(n);
    }
    // The legend's heading: 平成29年度の取組 評価 (C) 欄の評価の見方について.
    for n in src.find_all("評価の見方") {
        src.take(n);
    }
    EvaluationScale { grades, legend_printed: true, ..preset }
}

/// `※No. 29 「…」はNo. 15 の再掲のため、調査票は省略`.
struct RelistingNote {
    line: usize,
    copy: String,
    original: String,
    text: String,
}

fn relisting_notes(src: &Source) -> Vec<RelistingNote> {
    let mut notes = Vec::new();
    for n in src.find_all("の再掲のため") {
        let text = src.line(n).trim();
        let numbers: Vec<String> = text.split("No.").skip(1).filter_map(|s| leading_digits(s.trim_start())).collect();
        if let [copy, original] = &numbers[..] {
            notes.push(RelistingNote {
                line: n,
                copy: format!("No.{copy}"),
                original: format!("No.{original}"),
                text: text.to_string(),
            });
            src.take(n);
        }
    }
    notes
}

fn leading_digits(s: &str) -> Option<String> {
    let d: String = s.chars().take_while(char::is_ascii_digit).collect();
    (!d.is_empty()).then_some(d)
}

// ---------------------------------------------------------------------------
// The summary list: groups and items with their grades.

struct Group {
    name: String,
}

struct SummaryRow {
    line: usize,
    code: String,
    tags: Vec<String>,
    title: String,
    relisting_of: Option<String>,
    sections: String,
    grade_first: String,
    grade_second: String,
    purpose: String,
    group: usize,
}

struct Summary {
    groups: Vec<Group>,
    rows: Vec<SummaryRow>,
}

impl Summary {
    /// Rows carry the group's name in a first column when the group starts on
    /// them. The rows of the last group (from No.30, across the page break)
    /// print no group column at all: its merged cell's text, 執行体制の再構築,
    /// comes out as the first line after the table.
    fn read(src: &Source) -> Result<Summary, ImportError> {
        let captions: Vec<usize> = src
            .numbered()
            .filter(|(n, l)| src.cells(*n).first() == Some(&"項目") && l.contains(SUMMARY_CAPTION))
            .map(|(n, _)| n)
            .collect();
        let first = *captions.first().ok_or_else(|| {
            ImportError::new(Place::file(&src.file), "評価一覧表（項目・主な推進担当課）が見つかりません")
        })?;
        for &n in &captions {
            src.take(n);
            if src.line(n + 1).contains("所管課") {
                src.take(n + 1);
            }
        }
        // The list's heading: 第3次行財政再構築プラン 29年度末評価.
        for n in (1..first).rev() {
            if src.line(n).contains(PLAN_WORD) && !src.is_taken(n) {
                src.take(n);
                break;
            }
        }
        let end = src.find_from(first, SHEET_CAPTION).unwrap_or(src.len() + 1);
        let mut groups: Vec<Group> = Vec::new();
        let mut rows: Vec<SummaryRow> = Vec::new();
        let mut trailing_group: Option<usize> = None;
        for n in first..end {
            let cells = src.cells(n);
            let Some(at) = cells.iter().position(|c| is_summary_item(c)) else { continue };
            let cell = |i: usize| cells.get(at + i).copied().unwrap_or_default();
            let (grade_first, grade_second) = (cell(2), cell(3));
            if !is_grade(grade_first) || !is_grade(grade_second) {
                continue;
            }
            let group = if at >= 1 && !cells[0].is_empty() {
                groups.push(Group { name: cells[0].to_string() });
                groups.len() - 1
            } else if at >= 1 {
                groups.len().checked_sub(1).ok_or_else(|| {
                    ImportError::new(Place::line(&src.file, n), "評価一覧表の最初の行にグループ名がありません")
                })?
            } else {
                *trailing_group.get_or_insert_with(|| {
                    groups.push(Group { name: String::new() });
                    groups.len() - 1
                })
            };
            let (number, rest) = cell(0).split_once(char::is_whitespace).unwrap_or((cell(0), ""));
            let (tags, title, relisting_of) = parse_item_title(rest);
            rows.push(SummaryRow {
                line: n,
                code: format!("No.{number}"),
                tags,
                title,
                relisting_of,
                sections: cell(1).to_string(),
                grade_first: grade_first.to_string(),
                grade_second: grade_second.to_string(),
                purpose: cell(4).to_string(),
                group,
            });
            src.take(n);
        }
        if let Some(g) = trailing_group {
            let last_row = rows.last().map_or(first, |r| r.line);
            let label =
                (last_row + 1..end).find(|&n| src.filled(n).len() == 1 && !src.line(n).trim().starts_with('【'));
            let n = label.ok_or_else(|| {
                ImportError::new(Place::line(&src.file, last_row), "評価一覧表の後半のグループ名が見つかりません")
            })?;
            groups[g].name = src.line(n).trim().to_string();
            src.take(n);
        }
        if rows.is_empty() {
            return Err(ImportError::new(Place::line(&src.file, first), "評価一覧表に項目の行がありません"));
        }
        Ok(Summary { groups, rows })
    }

    /// Groups, each followed by its items, parents before children.
    fn nodes(&self) -> Vec<NodeRow> {
        let mut nodes = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            nodes.push(NodeRow { code: group.name.clone(), parent: None, title: group.name.clone(), tags: Vec::new() });
            for row in self.rows.iter().filter(|r| r.group == g) {
                nodes.push(NodeRow {
                    code: row.code.clone(),
                    parent: Some(group.name.clone()),
                    title: row.title.clone(),
                    tags: row.tags.clone(),
                });
            }
        }
        nodes
    }

    fn row(&self, code: &str) -> Option<&SummaryRow> {
        self.rows.iter().find(|r| r.code == code)
    }
}

/// `12 【フォローアップ】 行政評価の実施`: a number, a space, the rest.
fn is_summary_item(cell: &str) -> bool {
    cell.split_once(char::is_whitespace)
        .is_some_and(|(n, rest)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && !rest.trim().is_empty())
}

fn is_grade(cell: &str) -> bool {
    matches!(normalise(cell).as_str(), "S" | "A" | "B")
}

/// `【新規】【フォローアップ】 協働事業の推進`, `… 【No.15の再掲】`: the tags,
/// the title, and the original of a re-listing.
fn parse_item_title(text: &str) -> (Vec<String>, String, Option<String>) {
    let mut rest = text.trim();
    let mut tags = Vec::new();
    while let Some(inner) = rest.strip_prefix('【') {
        let Some((tag, after)) = inner.split_once('】') else { break };
        tags.push(tag.trim().to_string());
        rest = after.trim_start();
    }
    let mut relisting_of = None;
    if let Some(open) = rest.rfind('【') {
        let marker = rest[open..].trim_start_matches('【').trim_end_matches('】');
        if let Some(original) = marker.strip_suffix("の再掲") {
            relisting_of = Some(normalise(original).replace(' ', ""));
            tags.push("再掲".into());
            rest = rest[..open].trim_end();
        }
    }
    (tags, unwrap_text(rest), relisting_of)
}

// ---------------------------------------------------------------------------
// The survey sheets.

/// A cell fragment with the line it was printed on.
#[derive(Clone)]
struct Piece {
    marker: Option<u32>,
    text: String,
    line: usize,
}

/// A graded column: the grade and its reason.
struct GradeCell {
    grade: Option<String>,
    reason: String,
    line: usize,
}

struct Sheet {
    /// The first line of the sheet's body, where its code is printed.
    first_line: usize,
    code: String,
    title: String,
    purpose: String,
    /// 指標, 現状値, 目標値, 下半期値: each column's fragments.
    names: Vec<Piece>,
    values: [(ValueRole, Vec<Piece>); 3],
    baseline_fy: FiscalYear,
    actual_fy: FiscalYear,
    /// The 工程表's rows with the line each was printed on, and the cells
    /// printed right of the last year column (no year can be told).
    roadmap: Vec<(usize, RoadmapRow, Vec<String>)>,
    /// The printed captions of P, 所管課, D, 1次, 2次, A.
    pdca_labels: Vec<String>,
    plan: String,
    sections: String,
    done: String,
    first: GradeCell,
    second: GradeCell,
    action: String,
}

impl Sheet {
    fn read(src: &Source, caption: usize) -> Result<Sheet, ImportError> {
        let place = |n: usize| Place::line(&src.file, n);
        let head = src.cells(caption);
        let header_year = |word: &str| -> Result<FiscalYear, ImportError> {
            let cell = head.iter().find(|c| c.contains(word)).copied().unwrap_or_default();
            column_year(cell)
                .ok_or_else(|| ImportError::new(place(caption), format!("「{word}」の列見出しに年月がありません")))
        };
        let baseline_fy = header_year("現状値")?;
        let actual_fy = header_year("下半期値")?;
        let roadmap_caption = caption + 1;
        if !src.line(roadmap_caption).contains(ROADMAP_CAPTION) {
            return Err(ImportError::new(place(roadmap_caption), "工程表の見出し（実施内容・年度）がありません"));
        }
        src.take_range(caption, roadmap_caption);
        let data: Vec<usize> =
            (roadmap_caption + 1..=src.len()).take_while(|&n| !src.line(n).trim().is_empty()).collect();
        let first_data = *data.first().ok_or_else(|| ImportError::new(place(caption), "調査票の本体がありません"))?;

        let column = |i: usize| -> Vec<(usize, String)> {
            data.iter()
                .filter_map(|&n| src.cells(n).get(i).filter(|c| !c.is_empty()).map(|c| (n, c.to_string())))
                .collect()
        };
        let item_text = column(0).into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(" ");
        let (code, rest) = item_text.split_once(char::is_whitespace).unwrap_or((item_text.as_str(), ""));
        if !code.starts_with("No.") {
            return Err(ImportError::new(place(first_data), "調査票の項目番号（No.○）が読み取れません"));
        }
        let (title, purpose) = rest.split_once(PURPOSE_MARK).unwrap_or((rest, ""));
        let years: Vec<Option<FiscalYear>> =
            src.cells(roadmap_caption).into_iter().map(|c| FiscalYear::parse(c).ok()).collect();
        let roadmap = data
            .iter()
            .filter_map(|&n| roadmap_row(&src.cells(n), &years, actual_fy).map(|(row, off)| (n, row, off)))
            .collect();
        for &n in &data {
            src.take(n);
        }

        let pdca = src
            .find_from(first_data, PDCA_CAPTION)
            .filter(|&p| src.find_from(first_data, SHEET_CAPTION).is_none_or(|next| p < next))
            .ok_or_else(|| outline::incomplete(src, caption, "この進捗状況調査票に P・D・C・A の欄がありません"))?;
        src.take(pdca);
        let pdca_labels: Vec<String> = src.cells(pdca).iter().map(|c| c.to_string()).collect();
        let evaluation = pdca + 1;
        let cells = src.cells(evaluation);
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_string();
        src.take(evaluation);
        let mut first = grade_cell(&cell(3), evaluation);
        let mut second = grade_cell(&cell(4), evaluation);
        // Reasons printed under bare grades: exactly two cells, 1次 then 2次,
        // whatever columns the extraction put them in.
        let mut n = evaluation + 1;
        while !src.line(n).trim().is_empty() && !is_layout(src.line(n)) && !src.line(n).contains(SHEET_CAPTION) {
            if let [a, b] = src.filled(n)[..] {
                append(&mut first.reason, a);
                append(&mut second.reason, b);
                src.take(n);
            }
            n += 1;
        }
        Ok(Sheet {
            first_line: first_data,
            code: code.to_string(),
            title: unwrap_text(title),
            purpose: purpose.trim().to_string(),
            names: pieces(&column(1)),
            values: [
                (ValueRole::Baseline, pieces(&column(2))),
                (ValueRole::Target, pieces(&column(3))),
                (ValueRole::Actual, pieces(&column(4))),
            ],
            baseline_fy,
            actual_fy,
            roadmap,
            pdca_labels,
            plan: cell(0),
            sections: cell(1),
            done: cell(2),
            first,
            second,
            action: cell(5),
        })
    }

    /// `No.2-1` → `No.2`; `No.2` → `None`.
    fn parent_code(&self) -> Option<String> {
        family(&self.code).filter(|f| format!("No.{f}") != self.code).map(|f| format!("No.{f}"))
    }

    fn label(&self, i: usize, fallback: &str) -> String {
        self.pdca_labels.get(i).filter(|l| !l.is_empty()).cloned().unwrap_or_else(|| fallback.to_string())
    }
}

/// `No.2-1~5` → `2`: sheets of one family reprint each other's indicators.
fn family(code: &str) -> Option<String> {
    leading_digits(code.strip_prefix("No.")?)
}

/// `現状値 (計画初期値) 平成29年3月末`, `下半期値 平成30年3月末`: the fiscal
/// year that the date in a column caption falls in.
fn column_year(caption: &str) -> Option<FiscalYear> {
    let start = caption.find("平成").or_else(|| caption.find("令和"))?;
    let end = start + caption[start..].find('末')? + '末'.len_utf8();
    let date = JpDate::parse(&caption[start..end]).ok()?;
    FiscalYear::containing(date).ok()
}

/// `A 予定通り…ため。` or a bare `B`.
fn grade_cell(cell: &str, line: usize) -> GradeCell {
    let t = cell.trim();
    let (head, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
    if is_grade(head) {
        GradeCell { grade: Some(head.to_string()), reason: rest.trim().to_string(), line }
    } else {
        GradeCell { grade: None, reason: t.to_string(), line }
    }
}

fn append(text: &mut String, more: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(more.trim());
}

/// One roadmap row: the step (実施内容) and what is planned per year
/// column, as printed. Cells right of the last year column come back apart
/// (the extraction does not say which year they belong to); the caller
/// keeps them in the step, marked 欄外.
fn roadmap_row(cells: &[&str], years: &[Option<FiscalYear>], fy: FiscalYear) -> Option<(RoadmapRow, Vec<String>)> {
    const ACTIVITY: usize = 5;
    let mut step = cells.get(ACTIVITY).map(|c| plain(c)).unwrap_or_default();
    let mut row = RoadmapRow { fiscal_year: fy, step: String::new(), cells: Vec::new() };
    let mut off = Vec::new();
    for (i, cell) in cells.iter().enumerate().skip(ACTIVITY + 1) {
        let text = plain(cell);
        if text.is_empty() {
            continue;
        }
        // A shifted row puts its activity one column to the right.
        if step.is_empty() && row.cells.is_empty() && off.is_empty() && text.starts_with('・') {
            step = text;
            continue;
        }
        match years.get(i).copied().flatten() {
            Some(year) => {
                let planned = match row.cell(year) {
                    Some(c) => format!("{} {text}", c.planned),
                    None => text,
                };
                row.set(year, planned, String::new());
            }
            None => off.push(text),
        }
    }
    row.step = step;
    (!row.is_blank() || !off.is_empty()).then_some((row, off))
}

/// A cell's text without markup, on one line. Spaces where the PDF wrapped
/// a narrow column stay: they cannot be told from spaces between entries
/// (`新規 3団体 合計 5団体`).
fn plain(cell: &str) -> String {
    Narrative::from_html_fragment(&escape_stray_angles(cell)).to_plain_text().replace('\n', " ")
}

const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩";

/// Splits a column's cells at circled numbers outside brackets: `①92回/年`,
/// `①ー ②2件(①…、②…)`. Text without a number continues the piece before it
/// (a cell wrapped onto the next line).
fn pieces(cells: &[(usize, String)]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for (line, cell) in cells {
        for (marker, text) in split_markers(cell) {
            match (marker, out.last_mut()) {
                (None, Some(last)) => append(&mut last.text, &text),
                _ => out.push(Piece { marker, text, line: *line }),
            }
        }
    }
    out
}

fn split_markers(cell: &str) -> Vec<(Option<u32>, String)> {
    let mut out: Vec<(Option<u32>, String)> = vec![(None, String::new())];
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' | '（' | '<' | '「' => depth += 1,
            ')' | '）' | '>' | '」' => depth = depth.saturating_sub(1),
            _ => {}
        }
        match CIRCLED.chars().position(|m| m == c) {
            Some(i) if depth == 0 => out.push((Some(i as u32 + 1), String::new())),
            _ => out.last_mut().expect("never empty").1.push(c),
        }
    }
    out.into_iter().map(|(m, t)| (m, t.trim().to_string())).filter(|(m, t)| m.is_some() || !t.is_empty()).collect()
}

// ---------------------------------------------------------------------------
// Building the batch.

struct Reader<'s, 'a> {
    src: &'s Source<'a>,
    fy: FiscalYear,
    findings: Vec<Finding>,
}

impl Reader<'_, '_> {
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

    fn narrative(&self, slot: &str, label: &str, text: &str) -> Option<NarrativeRow> {
        let text = cell_narrative(text);
        (!text.is_empty()).then(|| NarrativeRow {
            fiscal_year: Some(self.fy),
            slot: slot.into(),
            label: label.into(),
            text,
        })
    }

    fn evaluation(&self, stage: Stage, evaluator: Evaluator, grade: Option<&str>, reason: &str) -> EvaluationRow {
        EvaluationRow {
            fiscal_year: self.fy,
            stage,
            evaluator,
            scale: Some(SCALE_CODE.into()),
            grade: grade.map(str::to_string),
            comment: (!reason.trim().is_empty()).then(|| reason.split_whitespace().collect::<Vec<_>>().join(" ")),
        }
    }

    /// The two notes above the list say which rows are re-listings; they must
    /// agree with the rows' own markers.
    fn check_relisting_notes(&mut self, summary: &Summary, notes: &[RelistingNote]) {
        for note in notes {
            let agrees = summary.row(&note.copy).is_some_and(|r| r.relisting_of.as_deref() == Some(&note.original));
            if !agrees {
                let message = format!(
                    "注記では {} は {} の再掲とされていますが、一覧表の行の記載と一致しません",
                    note.copy, note.original
                );
                self.finding("relisting_conflict", note.line, &note.text, message);
            }
        }
    }

    /// A plan item: its summary row, and its survey sheet when printed.
    fn plan_item(&mut self, row: &SummaryRow, sheet: Option<&Sheet>) -> ItemRow {
        let mut item = ItemRow {
            key: row.code.clone(),
            kind: ITEM_KIND.into(),
            code: row.code.clone(),
            title: row.title.clone(),
            fiscal_year: Some(self.fy),
            tags: row.tags.clone(),
            placements: vec![PlacementRow { plan: PLAN_CODE.into(), node: row.code.clone(), relisting: false }],
            sections: section_rows(&row.sections),
            ..ItemRow::default()
        };
        item.narratives.extend(self.narrative("purpose", "目的・ねらい", &row.purpose));
        item.narratives.extend(self.narrative("lead_sections", "主な推進担当課", &row.sections));
        let Some(sheet) = sheet else {
            self.finding(
                "missing_sheet",
                row.line,
                &row.code,
                format!("{} の調査票が見つかりません。一覧表の評価だけを取り込みました", row.code),
            );
            item.evaluations = vec![
                self.evaluation(Stage::First, Evaluator::Section, Some(&row.grade_first), ""),
                self.evaluation(Stage::Second, Evaluator::Headquarters, Some(&row.grade_second), ""),
            ];
            return item;
        };
        if !same_text(&sheet.title, &row.title) {
            let message =
                format!("調査票の項目名「{}」が一覧表の「{}」と異なります。両方を保存しました", sheet.title, row.title);
            self.finding("title_mismatch", sheet.first_line, &sheet.title, message);
            item.narratives.extend(self.narrative("sheet_title", "取り組み項目（調査票）", &sheet.title));
        }
        self.compare_purpose(&mut item, sheet, &row.purpose, &format!("一覧表の {}", row.code));
        for (stage, printed, cell) in
            [("1次評価", &row.grade_first, &sheet.first), ("2次評価", &row.grade_second, &sheet.second)]
        {
            if cell.grade.as_deref().is_some_and(|g| normalise(g) != normalise(printed)) {
                let message = format!(
                    "{} の{stage}が調査票では「{}」、一覧表では「{printed}」です。調査票の評価を取り込みました",
                    row.code,
                    cell.grade.as_deref().unwrap_or_default()
                );
                self.finding("grade_conflict", row.line, printed, message);
            }
        }
        self.add_sheet(&mut item, sheet);
        item
    }

    /// A sub-sheet: an item of its own at its parent item's node.
    fn sub_sheet_item(&mut self, summary: &Summary, sheets: &[Sheet], sheet: &Sheet) -> ItemRow {
        let parent = sheet.parent_code().filter(|p| summary.row(p).is_some());
        if parent.is_none() {
            let message = format!(
                "{} は一覧表にない項目です。計画上の位置を判断できないため、配置せずに取り込みました",
                sheet.code
            );
            self.finding("unplaced_item", sheet.first_line, &sheet.code, message);
        }
        let mut item = ItemRow {
            key: sheet.code.clone(),
            kind: ITEM_KIND.into(),
            code: sheet.code.clone(),
            title: sheet.title.clone(),
            fiscal_year: Some(self.fy),
            placements: parent
                .iter()
                .map(|p| PlacementRow { plan: PLAN_CODE.into(), node: p.clone(), relisting: false })
                .collect(),
            ..ItemRow::default()
        };
        // The sub-sheet repeats its parent's purpose; a different wording is
        // kept and reported.
        let parent_purpose = parent
            .as_deref()
            .and_then(|p| sheets.iter().find(|s| s.code == p).map(|s| s.purpose.clone()))
            .unwrap_or_default();
        item.narratives.extend(self.narrative("purpose", "目的・ねらい", &sheet.purpose));
        if !parent_purpose.is_empty() && !same_words(&parent_purpose, &sheet.purpose) {
            let message = format!(
                "{} の<目的・ねらい>が {} の調査票と異なります（{}: 「{}」）",
                sheet.code,
                parent.as_deref().unwrap_or_default(),
                parent.as_deref().unwrap_or_default(),
                parent_purpose
            );
            self.finding("text_mismatch", sheet.first_line, &sheet.purpose, message);
        }
        self.add_sheet(&mut item, sheet);
        item
    }

    /// Keeps the sheet's purpose beside the list's when the wording differs,
    /// and reports it when more than punctuation differs.
    fn compare_purpose(&mut self, item: &mut ItemRow, sheet: &Sheet, listed: &str, listed_in: &str) {
        if same_text(&sheet.purpose, listed) {
            return;
        }
        item.narratives.extend(self.narrative("purpose_sheet", PURPOSE_MARK, &sheet.purpose));
        if !same_words(&sheet.purpose, listed) {
            let message = format!(
                "{} の<目的・ねらい>が{listed_in}の記載「{listed}」と異なります。両方を保存しました",
                sheet.code
            );
            self.finding("text_mismatch", sheet.first_line, &sheet.purpose, message);
        }
    }

    /// What every sheet holds: roadmap, P/D/A, sections, both grades.
    fn add_sheet(&mut self, item: &mut ItemRow, sheet: &Sheet) {
        if sheet.first.grade.is_none() || sheet.second.grade.is_none() {
            let message = format!(
                "{} の調査票の1次評価・2次評価に S・A・B の記載がありません。評価の理由だけを取り込みました",
                sheet.code
            );
            self.finding("missing_grade", sheet.first.line, &sheet.first.reason, message);
        }
        for (line, row, off) in &sheet.roadmap {
            let mut row = RoadmapRow { fiscal_year: self.fy, ..row.clone() };
            if !off.is_empty() {
                let printed = off.join(" ");
                let message = format!(
                    "{} の工程表で「{printed}」が年度の欄の外に印刷されています。どの年度か読み取れないため、実施内容の末尾に「欄外」として保存しました",
                    sheet.code
                );
                self.finding("roadmap_unaligned", *line, &printed, message);
                row.step = [row.step.as_str(), &format!("欄外: {printed}")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ／ ");
            }
            item.roadmap.push(row);
        }
        let plan_label = sheet.label(0, "当初予定(P)");
        let narratives = [
            self.narrative("plan", &plan_label, &sheet.plan),
            self.narrative("sections", &sheet.label(1, "所管課"), &sheet.sections),
            self.narrative("do", &sheet.label(2, "取組実績(D)"), &sheet.done),
            self.narrative("action", &sheet.label(5, "来年度に向けての課題と今後の取組(A)"), &sheet.action),
        ];
        item.narratives.extend(narratives.into_iter().flatten());
        for s in section_rows(&sheet.sections) {
            if !item.sections.contains(&s) {
                item.sections.push(s);
            }
        }
        for (stage, evaluator, cell) in
            [(Stage::First, Evaluator::Section, &sheet.first), (Stage::Second, Evaluator::Headquarters, &sheet.second)]
        {
            item.evaluations.push(self.evaluation(stage, evaluator, cell.grade.as_deref(), &cell.reason));
        }
    }

    /// A re-listing: linked to its original, counted once. What it prints
    /// like the original is stored there; differences stay here, reported.
    fn relisting_item(
        &mut self,
        summary: &Summary,
        row: &SummaryRow,
        original: &str,
        notes: &[RelistingNote],
    ) -> ItemRow {
        let mut item = ItemRow {
            key: row.code.clone(),
            kind: ITEM_KIND.into(),
            code: row.code.clone(),
            title: row.title.clone(),
            fiscal_year: Some(self.fy),
            tags: row.tags.clone(),
            placements: vec![PlacementRow { plan: PLAN_CODE.into(), node: row.code.clone(), relisting: true }],
            relisting_of: Some(original.to_string()),
            ..ItemRow::default()
        };
        for note in notes.iter().filter(|n| n.copy == row.code) {
            item.narratives.extend(self.narrative("note", "注記", &note.text));
        }
        let Some(orig) = summary.row(original) else {
            let message = format!("{} の再掲元 {original} が一覧表にありません", row.code);
            self.finding("relisting_conflict", row.line, &row.code, message);
            return item;
        };
        let mut differs = Vec::new();
        if !same_text(&orig.title, &row.title) {
            differs.push(format!("項目名「{}」", orig.title));
        }
        let orig_tags: Vec<&String> = orig.tags.iter().filter(|t| *t != "再掲").collect();
        let tags: Vec<&String> = row.tags.iter().filter(|t| *t != "再掲").collect();
        if orig_tags != tags {
            differs.push(format!("区分「{}」", orig_tags.iter().map(|t| t.as_str()).collect::<Vec<_>>().join("・")));
        }
        if !same_text(&orig.sections, &row.sections) {
            differs.push(format!("主な推進担当課「{}」", orig.sections));
            item.sections = section_rows(&row.sections);
            item.narratives.extend(self.narrative("lead_sections", "主な推進担当課", &row.sections));
        }
        if !same_text(&orig.purpose, &row.purpose) {
            differs.push(format!("目的・ねらい「{}」", orig.purpose));
            item.narratives.extend(self.narrative("purpose", "目的・ねらい", &row.purpose));
        }
        if normalise(&orig.grade_first) != normalise(&row.grade_first)
            || normalise(&orig.grade_second) != normalise(&row.grade_second)
        {
            differs.push(format!("評価「{}・{}」", orig.grade_first, orig.grade_second));
            item.evaluations = vec![
                self.evaluation(Stage::First, Evaluator::Section, Some(&row.grade_first), ""),
                self.evaluation(Stage::Second, Evaluator::Headquarters, Some(&row.grade_second), ""),
            ];
        }
        if !differs.is_empty() {
            let message = format!(
                "{} は {original} の再掲ですが、再掲元と記載が異なります（再掲元: {}）。再掲側の記載も保存しました",
                row.code,
                differs.join("、")
            );
            let printed = self.src.filled(row.line).join(" ");
            self.finding("relisting_conflict", row.line, &printed, message);
        }
        item
    }

    // -- indicators --------------------------------------------------------

    fn indicators(&mut self, sheets: &[Sheet]) -> Vec<IndicatorRow> {
        let mut drafts: Vec<Draft> = Vec::new();
        for sheet in sheets {
            self.sheet_indicators(sheet, &mut drafts);
        }
        for d in &drafts {
            self.check_printings(d);
        }
        drafts.into_iter().map(|d| self.indicator_row(d)).collect()
    }

    fn sheet_indicators(&mut self, sheet: &Sheet, drafts: &mut Vec<Draft>) {
        let defs = indicator_defs(&sheet.names);
        if defs.is_empty() {
            return;
        }
        let family = family(&sheet.code).unwrap_or_default();
        // The draft index of each of the sheet's indicators, by number.
        let mut slots = Vec::new();
        for (number, name, line) in &defs {
            let found = drafts
                .iter()
                .position(|d| d.family == family && squeeze(&d.name) == squeeze(name) && d.number == *number);
            let index = found.unwrap_or_else(|| {
                drafts.push(Draft {
                    key: format!("{}:{number}", sheet.code),
                    owner: sheet.code.clone(),
                    family: family.clone(),
                    number: *number,
                    name: name.clone(),
                    line: *line,
                    values: Vec::new(),
                });
                drafts.len() - 1
            });
            slots.push((*number, index));
        }
        for (role, values) in &sheet.values {
            for piece in values {
                let targets: Vec<usize> = match piece.marker {
                    Some(m) => slots.iter().filter(|(n, _)| *n == m).map(|(_, i)| *i).collect(),
                    None if slots.len() == 1 => vec![slots[0].1],
                    // A dash without a number stands for every indicator.
                    None if IndicatorCell::parse(&piece.text).is_empty_value() => {
                        slots.iter().map(|(_, i)| *i).collect()
                    }
                    None => {
                        let message = format!(
                            "{} の指標は複数ありますが、この{}には番号（①②…）がありません。①の値として取り込みました",
                            sheet.code,
                            role_label(*role)
                        );
                        self.finding("value_assignment", piece.line, &piece.text, message);
                        vec![slots[0].1]
                    }
                };
                if targets.is_empty() {
                    let message = format!("{} の{}の番号に対応する指標がありません", sheet.code, role_label(*role));
                    self.finding("unplaced", piece.line, &piece.text, message);
                }
                for i in targets {
                    let fy = value_year(sheet, *role, &piece.text, self.fy);
                    drafts[i].values.push(Printing {
                        row: ValueRow {
                            fiscal_year: fy,
                            role: *role,
                            printed: piece.text.clone(),
                            source: Some(sheet.code.clone()),
                            printed_in: None,
                        },
                        line: piece.line,
                    });
                }
            }
        }
    }

    /// A sheet that reprints an indicator must print what the first sheet
    /// printed, or a part of it (a sub-sheet's share of a total).
    fn check_printings(&mut self, d: &Draft) {
        for p in d.values.iter().filter(|p| p.row.source.as_deref() != Some(&d.owner)) {
            let owner = d.values.iter().find(|o| o.row.role == p.row.role && o.row.source.as_deref() == Some(&d.owner));
            let Some(owner) = owner else { continue };
            if agrees(&owner.row.printed, &p.row.printed) {
                continue;
            }
            let message = format!(
                "指標「{}」の{}が {} の調査票では「{}」、{} の調査票では「{}」と異なります。両方の印字を保存しました",
                d.name,
                role_label(p.row.role),
                d.owner,
                owner.row.printed,
                p.row.source.as_deref().unwrap_or_default(),
                p.row.printed
            );
            self.finding("value_conflict", p.line, &p.row.printed, message);
        }
    }

    fn indicator_row(&mut self, d: Draft) -> IndicatorRow {
        let sources: BTreeSet<&str> = d.values.iter().filter_map(|p| p.row.source.as_deref()).collect();
        let printed_once = sources.len() <= 1;
        let direction = match DIRECTIONS.iter().find(|(k, _)| *k == d.key) {
            Some((_, dir)) => *dir,
            None => {
                let message = format!(
                    "指標 {}「{}」の望ましい方向が宣言されていません。高いほど良いとして取り込みました",
                    d.key, d.name
                );
                self.finding("direction_undeclared", d.line, &d.name, message);
                Direction::HigherIsBetter
            }
        };
        let unit = d.values.iter().find_map(|p| unit_of(&IndicatorCell::parse(&p.row.printed)));
        IndicatorRow {
            key: d.key,
            name: d.name,
            kind: IndicatorKind::Outcome,
            definition: None,
            unit,
            direction,
            // The document prints no judgement per indicator: its grades are
            // the items' evaluations, given by people.
            vocabulary: None,
            item: Some(d.owner),
            node: None,
            related: None,
            values: d
                .values
                .into_iter()
                .map(|p| ValueRow { source: if printed_once { None } else { p.row.source }, ..p.row })
                .collect(),
            judgements: Vec::new(),
        }
    }
}

/// An indicator being assembled from every sheet that prints it.
struct Draft {
    key: String,
    owner: String,
    family: String,
    number: u32,
    name: String,
    line: usize,
    values: Vec<Printing>,
}

struct Printing {
    row: ValueRow,
    line: usize,
}

/// The sheet's indicators: `(number, name, line)`; one unnumbered name is
/// indicator 1.
fn indicator_defs(names: &[Piece]) -> Vec<(u32, String, usize)> {
    let numbered: Vec<(u32, String, usize)> =
        names.iter().filter_map(|p| p.marker.map(|m| (m, unwrap_text(&p.text), p.line))).collect();
    if !numbered.is_empty() {
        return numbered;
    }
    let text = names.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(" ");
    match names.first() {
        Some(first) if !text.trim().is_empty() => vec![(1, unwrap_text(&text), first.line)],
        _ => Vec::new(),
    }
}

/// The column's year, unless the cell names its own data year. Targets
/// without a year are the reported year's yardstick (see the module notes).
fn value_year(sheet: &Sheet, role: ValueRole, printed: &str, reported: FiscalYear) -> FiscalYear {
    if let Some(DataPeriod::FiscalYear { year, .. }) = IndicatorCell::parse(printed).data_period() {
        return *year;
    }
    match role {
        ValueRole::Baseline => sheet.baseline_fy,
        ValueRole::Actual => sheet.actual_fy,
        ValueRole::Target => reported,
    }
}

fn role_label(role: ValueRole) -> &'static str {
    match role {
        ValueRole::Baseline => "現状値",
        ValueRole::Target => "目標値",
        ValueRole::Actual => "下半期値",
    }
}

/// Two printings agree when they are the same text, both say "no value",
/// or the second is a part of the first's breakdown.
fn agrees(first: &str, second: &str) -> bool {
    let (a, b) = (squeeze(first), squeeze(second));
    a == b
        || (IndicatorCell::parse(first).is_empty_value() && IndicatorCell::parse(second).is_empty_value())
        || (!b.is_empty() && a.contains(&b))
}

/// `564.9g/人日` → `g/人日`.
fn unit_of(cell: &IndicatorCell) -> Option<String> {
    match cell.meaning() {
        CellMeaning::Quantity(q) if !q.unit.is_empty() => {
            Some(q.per.as_ref().map_or_else(|| q.unit.clone(), |p| format!("{}/{p}", q.unit)))
        }
        CellMeaning::Bound(b) if !b.unit.is_empty() => Some(b.unit.clone()),
        _ => None,
    }
}

/// Which way each indicator should move. Declared from the indicator's
/// meaning, never from its numbers; a target printed as a bound (`以上`,
/// `80%台`) makes the indicator [`Direction::Bound`]; one measured by a
/// state reached (a report written, a policy revised) [`Direction::Milestone`].
/// Every key the reader produces must be listed: a missing one is reported.
const DIRECTIONS: &[(&str, Direction)] = &[
    ("No.1:1", Direction::Bound),              // 市民活動支援センター来場者数: 1万人以上
    ("No.1:2", Direction::HigherIsBetter),     // 協働事業数
    ("No.2-1~5:1", Direction::HigherIsBetter), // ボランティア参加者数
    ("No.2-6:1", Direction::HigherIsBetter),   // 総合防災訓練参加者数
    ("No.2-7:1", Direction::HigherIsBetter),   // 振り込め詐欺被害防止キャンペーン参加者数
    ("No.2-7:2", Direction::HigherIsBetter),   // 防犯講座参加者数
    ("No.3:1", Direction::Bound),              // 地域連携のための会議: 4地区以上
    ("No.4:1", Direction::HigherIsBetter),     // 協議会開催回数
    ("No.4:2", Direction::HigherIsBetter),     // 学校支援人材養成講座・研修数
    ("No.5:1", Direction::HigherIsBetter),     // アダプト制度参加団体数
    ("No.6:1", Direction::LowerIsBetter),      // 市民一人当たりごみ量
    ("No.7:1", Direction::HigherIsBetter),     // アクションプラン50の実施数
    ("No.8:1", Direction::Bound),              // 市ホームページアクセス件数: 370万件以上
    ("No.9:1", Direction::HigherIsBetter),     // 新たな市民参加の手法を活用した計画等の策定件数
    ("No.10:1", Direction::HigherIsBetter),    // 出前講座参加人数
    ("No.11:1", Direction::HigherIsBetter),    // 年度末における達成及び実施の割合
    ("No.12:1", Direction::HigherIsBetter),    // 成果が上がっている施策数（達成率100%の割合）
    ("No.13:1", Direction::HigherIsBetter),    // 評価結果が前回を上回った数
    ("No.14:1", Direction::HigherIsBetter),    // 事務事業の見直し件数
    ("No.15:1", Direction::HigherIsBetter),    // 歳出削減額
    ("No.16:1", Direction::HigherIsBetter),    // 効果検証数
    ("No.16:2", Direction::HigherIsBetter),    // 適正化数
    ("No.17:1", Direction::Milestone),         // 財政指標の改善における目標値 (No.20): No.20 の目標の達成
    ("No.18:1", Direction::HigherIsBetter),    // 職員意識の向上
    ("No.19:1", Direction::HigherIsBetter),    // 固定資産調査及び評価の進捗状況
    ("No.19:2", Direction::Milestone),         // 経営戦略の検討及び策定
    ("No.20:1", Direction::Bound),             // 経常収支比率: 80%台（低いほど健全）
    ("No.20:2", Direction::HigherIsBetter),    // 財政調整基金残高
    ("No.20:3", Direction::HigherIsBetter),    // 公共施設整備基金残高
    ("No.21:1", Direction::LowerIsBetter),     // 法定外繰入（の縮小）: 法定外繰入額の減
    ("No.21:2", Direction::Milestone),         // 保険税率の見直し
    ("No.22:1", Direction::HigherIsBetter),    // 法人市民税調定額
    ("No.22:2", Direction::HigherIsBetter),    // 創業支援件数
    ("No.22:3", Direction::HigherIsBetter),    // 就労支援のための講習会参加者数
    ("No.23:1", Direction::HigherIsBetter),    // 徴収率
    ("No.24:1", Direction::HigherIsBetter),    // 介護保険料収納率
    ("No.25:1", Direction::HigherIsBetter),    // 維持管理コストの財源確保額
    ("No.26:1", Direction::HigherIsBetter),    // 保育サービスの運営コストの財源確保額
    ("No.27:1", Direction::HigherIsBetter),    // 学童クラブ事業の運営コストの財源確保額
    ("No.28:1", Direction::HigherIsBetter),    // 財源確保額
    ("No.30:1", Direction::HigherIsBetter),    // 外郭団体の財源確保額
    ("No.31:1", Direction::Milestone),         // 国及び東京都の給与水準に準じた適正化
    ("No.32:1", Direction::Milestone),         // 新人材育成基本方針の理解度の向上
    ("No.33:1", Direction::Maintain),          // 人口1万人あたり職員数: 50人を維持（定数の抑制）
    ("No.34:1", Direction::HigherIsBetter),    // 組織再編検討実施数
    ("No.35:1", Direction::Bound),             // 窓口サービスアンケート満足度: 95%以上
    ("No.36:1", Direction::HigherIsBetter),    // 包括的管理業務委託による縮減額
    ("No.36:2", Direction::HigherIsBetter),    // 個別施設検討実施件数
    ("No.37:1", Direction::Bound),             // 地域センター利用者数: 69万人以上
    ("No.37:2", Direction::HigherIsBetter),    // 公民館事業企画委員会の設置数と実施回数
    ("No.38:1", Direction::HigherIsBetter),    // あり方の検討と策定数
    ("No.39:1", Direction::HigherIsBetter),    // 民間委託実施数: 前年度以上
    ("No.40:1", Direction::Milestone),         // 検証報告書
    ("No.42:1", Direction::Bound),             // 独自利用事務の検討実施数: 1事務以上
    ("No.43:1", Direction::Bound),             // 国分寺市との連携による市民サービス: 1件以上
];

// ---------------------------------------------------------------------------
// Text helpers.

/// Sections named in a cell: `政策課 市民協働・男女 参画推進課`,
/// `公共施設マネジメント課(旧財産管理課)全課`. Fragments wrapped inside a name
/// are joined; former names in brackets and words that name no section
/// (各所管課, 他) stay in the printed cell only.
fn section_rows(cell: &str) -> Vec<SectionRow> {
    let mut tokens: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' | '（' => {
                depth += 1;
                current.push(c);
            }
            ')' | '）' => {
                depth = depth.saturating_sub(1);
                current.push(c);
                if depth == 0 {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            '、' | ',' | '，' if depth == 0 => tokens.push(std::mem::take(&mut current)),
            c if c.is_whitespace() && depth == 0 => tokens.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    tokens.push(current);
    let mut names: Vec<String> = Vec::new();
    let mut pending = String::new();
    for token in tokens.into_iter().filter(|t| !t.trim().is_empty()) {
        // `市民課(旧市民相談課)`: the former name is not a section.
        let (name, former) = match token.find(['(', '（']) {
            Some(at) => (&token[..at], true),
            None => (token.as_str(), false),
        };
        pending.push_str(name.trim());
        let complete = ["課", "館", "室", "局", "所", "センター"].iter().any(|s| pending.ends_with(s));
        if (complete || former) && !pending.is_empty() {
            names.push(std::mem::take(&mut pending));
        }
    }
    names.extend((!pending.is_empty()).then_some(pending));
    let mut rows: Vec<SectionRow> = Vec::new();
    for name in names.into_iter().filter(|n| !GENERIC_SECTIONS.contains(&n.as_str())) {
        let row = SectionRow { department: String::new(), section: name };
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    rows
}

fn city_sections(items: &[ItemRow]) -> Vec<SectionRow> {
    let mut sections: Vec<SectionRow> = Vec::new();
    for s in items.iter().flat_map(|i| &i.sections) {
        if !sections.contains(s) {
            sections.push(s.clone());
        }
    }
    sections
}

/// Removes the spaces the PDF put where a line wrapped inside Japanese text
/// (`連携・協働の 推進`), and collapses the others.
fn unwrap_text(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let before = out.chars().last().is_some_and(|c| !c.is_ascii());
            let after = w.chars().next().is_some_and(|c| !c.is_ascii() && !BULLETS.contains(&c));
            if !(before && after) {
                out.push(' ');
            }
        }
        out.push_str(w);
    }
    out
}

/// Equal but for white space, width and leading bullets.
fn same_text(a: &str, b: &str) -> bool {
    let clean = |s: &str| squeeze(s).trim_start_matches(BULLETS).to_string();
    clean(a) == clean(b)
}

/// Equal but for white space and punctuation.
fn same_words(a: &str, b: &str) -> bool {
    let clean = |s: &str| -> String {
        squeeze(s).chars().filter(|c| !matches!(c, '、' | '。' | '・' | ',' | '.' | '，' | '．')).collect()
    };
    clean(a) == clean(b)
}

/// Bullets that start an entry when a cell was flattened to one line.
const BULLETS: [char; 6] = ['・', '●', '○', '◆', '■', '※'];

/// A narrative cell. HTML keeps its structure; a list whose items were
/// flattened (`<ul> ・a ・b`, or entries separated by `。 `) and a plain cell
/// of bulleted entries become lists. Angle brackets that are not HTML
/// (`<市税>`) are text.
fn cell_narrative(cell: &str) -> Narrative {
    let cell = escape_stray_angles(cell.trim());
    if cell.contains("<li") || cell.contains("<p") {
        return Narrative::from_html_fragment(&cell);
    }
    let in_list = cell.contains("<ul");
    let body = strip_list_tags(&cell);
    let mut entries = bullet_entries(&body);
    if in_list && entries.len() < 2 {
        entries = sentence_entries(&body);
    }
    if entries.len() < 2 && !in_list {
        return Narrative::from_html_fragment(&body);
    }
    let items: String = entries.iter().map(|e| format!("<li>{e}</li>")).collect();
    Narrative::from_html_fragment(&format!("<ul>{items}</ul>"))
}

/// `<ul style="…">` and `</ul>` without `<li>`: the list tags only.
fn strip_list_tags(cell: &str) -> String {
    let mut out = String::new();
    let mut rest = cell;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag_end = rest[lt..].find('>').map_or(rest.len(), |g| lt + g + 1);
        let tag = &rest[lt..tag_end];
        if !(tag.starts_with("<ul") || tag.starts_with("</ul")) {
            out.push_str(tag);
        }
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// Splits before every bullet that follows white space (a bullet inside a
/// word, `男女参画・推進`, is a middle dot).
fn bullet_entries(text: &str) -> Vec<String> {
    let mut entries = vec![String::new()];
    let mut after_space = true;
    for c in text.chars() {
        if after_space && BULLETS.contains(&c) && !entries.last().is_some_and(|e| e.trim().is_empty()) {
            entries.push(String::new());
        }
        after_space = c.is_whitespace();
        entries.last_mut().expect("never empty").push(c);
    }
    entries.into_iter().map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect()
}

/// Entries of a flattened list without bullets: a sentence end followed by
/// a space ends an entry (Japanese text has no other spaces there).
fn sentence_entries(text: &str) -> Vec<String> {
    let parts: Vec<&str> = text.split("。 ").map(str::trim).collect();
    let last = parts.len().saturating_sub(1);
    parts
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| if i < last { format!("{p}。") } else { p.to_string() })
        .collect()
}

/// `<` that starts no HTML tag is text: `<市税>`, `<目的・ねらい>`.
fn escape_stray_angles(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if c == '<' {
            let next = text[i + 1..].trim_start_matches('/').chars().next();
            if !next.is_some_and(|n| n.is_ascii_alphabetic()) {
                out.push_str("&lt;");
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Page headers and the captions of the (empty) results table printed
/// under every sheet.
fn is_layout(line: &str) -> bool {
    let t = line.trim();
    if !t.contains('\t') && squeeze(t).contains(&format!("行財政再構築{SURVEY_WORD}")) {
        return true;
    }
    let cells: Vec<&str> = t.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect();
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| c.strip_suffix("年度実績").is_some_and(|y| FiscalYear::parse(&format!("{y}年度")).is_ok()))
}
