//! 東村山市 目標管理シート (seed 004): one department's management-by-objectives
//! sheet for a fiscal year.
//!
//! The sheet opens with the department head's title and name, the city's goal
//! (市の目標), the department's goal (部の目標) and its overview (人員, 予算規模),
//! then lists the concrete objectives (具体的な取り組み): No., 課名, the 総計/行革
//! tags, 項目, 目標, 評価 (A/B, printed without a legend) and 成果又は課題.
//!
//! Identities (stable across imports, all derived from printed text):
//! - plan `higashimurayama-mbo-<FY>` (one plan per fiscal year, shared by
//!   every department's sheet), levels 部 → 取り組み;
//! - node: the department's name (`経営政策部`), titled with its 部の目標;
//! - item `mbo<FY>:<部>` for the department's own goal and header facts;
//! - item `mbo<FY>:<部>:<No.>` per objective. The printed No. restarts in
//!   every department's sheet, so the department is part of the key: the
//!   sheets of other departments of the same year then import beside this one.
//!
//! Grades: the sheet is published as the department head's own sheet (his
//! title and name head it) and has a single 評価 column beside the results as
//! of the year end (成果又は課題 quotes 令和2年3月31日時点). There is no section
//! evaluation column: 課名 says who carries the objective out, not who grades.
//! So the grades are [`Stage::YearEnd`] by [`Evaluator::DepartmentHead`].

use hyoka_core::money::MoneyUnit;
use hyoka_core::{BudgetFigures, EvaluationScale, Evaluator, FiscalYear, Narrative, Stage, Yen};

use super::outline::{self, Outline};
use crate::batch::{
    BudgetRow, CityBatch, EvaluationRow, Finding, ItemRow, NarrativeRow, NodeRow, PlacementRow, PlanRow, SectionRow,
};
use crate::source::Source;
use crate::{Batch, ImportError, Place};

const CITY_CODE: &str = "132136";
const CITY_NAME: &str = "東村山市";
const TITLE: &str = "目標管理シート";
const ITEM_KIND: &str = "objective";
const DEPARTMENT_KIND: &str = "department";

/// The column captions of the objectives table, as printed.
const COL_NO: &str = "No.";
const COL_SECTION: &str = "課名";
const COL_TAGS: &str = "総計";
const COL_TITLE: &str = "項目";
const COL_TARGET: &str = "目標";
const COL_GRADE: &str = "評価";
const COL_RESULT: &str = "成果又は課題";

/// A 目標管理シート names its city goal, its department goal and its results.
pub fn matches(text: &str) -> bool {
    text.contains(TITLE) && text.contains("部の目標") && text.contains(COL_RESULT)
}

pub fn read(src: &Source) -> Result<Batch, ImportError> {
    check_head(src)?;
    let fy = fiscal_year(src)?;
    let head = department_head(src)?;
    let header = DepartmentHeader::read(src)?;
    let plan_code = format!("higashimurayama-mbo-{}", fy.year());
    let scale = EvaluationScale::higashimurayama_ab();

    let mut findings = Vec::new();
    let mut items = vec![department_item(fy, &plan_code, &head, &header)];
    for row in objective_rows(src)? {
        items.push(objective_item(src, fy, &plan_code, &head.department, &row, &scale, &mut findings));
    }
    let sections = city_sections(&items);

    let plan = PlanRow {
        code: plan_code,
        name: format!("{}{}", fy.label(), TITLE),
        level_names: vec!["部".into(), "取り組み".into()],
        nodes: vec![NodeRow {
            code: head.department.clone(),
            parent: None,
            title: header.department_goal,
            tags: Vec::new(),
        }],
    };
    let city = CityBatch {
        code: CITY_CODE.into(),
        name: CITY_NAME.into(),
        sections,
        scales: vec![scale],
        plans: vec![plan],
        items,
        indicators: Vec::new(),
    };
    findings.extend(src.unplaced(CITY_CODE, is_layout));
    Ok(Batch { cities: vec![city], findings })
}

/// `## 令和元年度目標管理シート`: the fiscal year precedes the title.
fn fiscal_year(src: &Source) -> Result<FiscalYear, ImportError> {
    let n = src
        .find_all(TITLE)
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::new(Place::file(&src.file), "表題「目標管理シート」が見つかりません"))?;
    let line = src.line(n).trim_start_matches(['#', ' ']);
    let printed = line.split(TITLE).next().unwrap_or_default();
    let fy = FiscalYear::parse(printed).map_err(|e| ImportError::new(Place::line(&src.file, n), e.to_string()))?;
    src.take(n);
    Ok(fy)
}

/// `【経営政策部長 間野 雅之】`: the head's title and name.
struct DepartmentHead {
    line: usize,
    printed: String,
    department: String,
}

fn department_head(src: &Source) -> Result<DepartmentHead, ImportError> {
    let found = src.numbered().find_map(|(n, l)| {
        let inner = l.trim().strip_prefix('【')?.strip_suffix('】')?;
        let (title, _name) = inner.split_once(char::is_whitespace)?;
        let department = title.strip_suffix('長').filter(|d| d.ends_with('部'))?;
        Some(DepartmentHead { line: n, printed: collapse(inner), department: department.to_string() })
    });
    let head = found.ok_or_else(|| {
        ImportError::new(Place::file(&src.file), "部長の職名と氏名（【○○部長 氏名】）が見つかりません")
    })?;
    src.take(head.line);
    Ok(head)
}

/// 市の目標, 部の目標 and 部の概要, each on its own tab-separated line.
struct DepartmentHeader {
    city_goal: String,
    department_goal: String,
    /// `人員 44人 予算規模 5,445,323千円`, the cells joined as printed.
    overview: String,
    budget: Option<String>,
}

impl DepartmentHeader {
    fn read(src: &Source) -> Result<Self, ImportError> {
        let city_goal = labelled_line(src, "市の目標")?.join(" ");
        let department_goal = labelled_line(src, "部の目標")?.join(" ");
        let overview_cells = labelled_line(src, "部の概要")?;
        let budget = overview_cells
            .iter()
            .find_map(|c| c.strip_prefix("予算規模"))
            .map(|b| b.trim().to_string())
            .filter(|b| !b.is_empty());
        Ok(DepartmentHeader { city_goal, department_goal, overview: overview_cells.join(" "), budget })
    }
}

/// The filled cells after the label of the first line that starts with it.
fn labelled_line(src: &Source, label: &str) -> Result<Vec<String>, ImportError> {
    let n = src
        .numbered()
        .find(|(n, _)| src.cells(*n).first() == Some(&label))
        .map(|(n, _)| n)
        .ok_or_else(|| ImportError::new(Place::file(&src.file), format!("「{label}」の行が見つかりません")))?;
    src.take(n);
    Ok(src.filled(n).into_iter().skip(1).map(str::to_string).collect())
}

/// The department's own goal: it carries the header facts, which have no
/// field of their own (staff count, budget size, the head's name).
fn department_item(fy: FiscalYear, plan: &str, head: &DepartmentHead, header: &DepartmentHeader) -> ItemRow {
    let narrative = |slot: &str, label: &str, text: &str| NarrativeRow {
        fiscal_year: Some(fy),
        slot: slot.into(),
        label: label.into(),
        text: Narrative::from_html_fragment(text),
    };
    let budgets = header
        .budget
        .as_deref()
        .and_then(|b| Yen::parse(b, MoneyUnit::Thousand).ok())
        .map(|initial| BudgetRow {
            fiscal_year: fy,
            // 予算規模 is the department's budget for the year as planned.
            figures: BudgetFigures { initial: Some(initial), ..BudgetFigures::default() },
            execution_rate_printed: None,
        })
        .into_iter()
        .collect();
    ItemRow {
        key: format!("mbo{}:{}", fy.year(), head.department),
        // The department's own sheet, graded by no one; its objectives are
        // the rows beneath it.
        kind: DEPARTMENT_KIND.into(),
        code: head.department.clone(),
        title: header.department_goal.clone(),
        fiscal_year: Some(fy),
        placements: vec![PlacementRow { plan: plan.into(), node: head.department.clone(), relisting: false }],
        // The department as a whole (the 部 itself, no 課) is responsible:
        // its head approves and grades the sheet.
        sections: vec![SectionRow { department: head.department.clone(), section: String::new() }],
        narratives: vec![
            narrative("head", "部長", &head.printed),
            narrative("city_goal", "市の目標", &header.city_goal),
            narrative("department_goal", "部の目標", &header.department_goal),
            narrative("overview", "部の概要", &header.overview),
        ],
        budgets,
        ..ItemRow::default()
    }
}

/// One printed row of the objectives table.
struct ObjectiveRow {
    line: usize,
    no: String,
    section: String,
    tags: String,
    title: String,
    target: String,
    grade: String,
    result: String,
}

/// Column positions taken from the caption row, which is repeated on every
/// page; the rows below it follow that layout.
struct Columns {
    no: usize,
    section: usize,
    tags: usize,
    title: usize,
    target: usize,
    grade: usize,
    result: usize,
}

impl Columns {
    fn from_caption(cells: &[&str]) -> Option<Columns> {
        let at = |name: &str| cells.iter().position(|c| *c == name);
        Some(Columns {
            no: at(COL_NO)?,
            section: at(COL_SECTION)?,
            tags: cells.iter().position(|c| c.starts_with(COL_TAGS))?,
            title: at(COL_TITLE)?,
            target: at(COL_TARGET)?,
            grade: at(COL_GRADE)?,
            result: at(COL_RESULT)?,
        })
    }
}

fn is_caption(cells: &[&str]) -> bool {
    cells.first() == Some(&COL_NO) && cells.contains(&COL_SECTION)
}

/// The sheet's head comes first, in this order, then the objectives.
fn check_head(src: &Source) -> Result<(), ImportError> {
    let first = |l: &str| l.split('\t').next().unwrap_or("").trim().to_string();
    let mut o = Outline::new(src, "目標管理シート", 1, src.len());
    o.expect("表題「目標管理シート」", |l| l.contains(TITLE))?;
    o.expect("部長の職名と氏名（【○○部長 氏名】）", |l| {
        l.trim().starts_with('【') && l.contains("部長")
    })?;
    o.expect("「市の目標」の行", |l| first(l) == "市の目標")?;
    o.expect("「部の目標」の行", |l| first(l) == "部の目標")?;
    o.expect("「部の概要」の行", |l| first(l) == "部の概要")?;
    o.expect("取り組みの表の見出し（No. 課名 …）", |l| {
        is_caption(&l.split('\t').map(str::trim).collect::<Vec<_>>())
    })?;
    Ok(())
}

/// A row cut short: fewer cells than the table has, or a list in the last
/// cell that is not closed.
fn check_row(src: &Source, n: usize, cells: &[&str], c: &Columns, expected: usize) -> Result<(), ImportError> {
    let no = cells[c.no];
    if no != expected.to_string() {
        return Err(outline::incomplete(
            src,
            n,
            &format!("取り組みの No. が順に並んでいません（No.{no} の行ですが、No.{expected} であるはずです）"),
        ));
    }
    let last = [c.no, c.section, c.tags, c.title, c.target, c.grade, c.result].into_iter().max().unwrap_or(0);
    let result = cells.get(c.result).copied().unwrap_or("");
    if cells.len() <= last || !outline::tags_balanced(result) {
        return Err(outline::incomplete(src, n, &format!("No.{no} の行が途中で終わっています")));
    }
    Ok(())
}

fn objective_rows(src: &Source) -> Result<Vec<ObjectiveRow>, ImportError> {
    let mut rows = Vec::new();
    let mut columns: Option<Columns> = None;
    for (n, _) in src.numbered() {
        let cells = src.cells(n);
        if is_caption(&cells) {
            columns = Columns::from_caption(&cells);
            if columns.is_none() {
                return Err(ImportError::new(Place::line(&src.file, n), "取り組みの表の見出しを読み取れません"));
            }
            continue;
        }
        let (Some(c), Some(first)) = (&columns, cells.first()) else { continue };
        if first.is_empty() || !first.chars().all(|ch| ch.is_ascii_digit()) {
            continue;
        }
        check_row(src, n, &cells, c, rows.len() + 1)?;
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_string();
        rows.push(ObjectiveRow {
            line: n,
            no: cell(c.no),
            section: cell(c.section),
            tags: cell(c.tags),
            title: cell(c.title),
            target: cell(c.target),
            grade: cell(c.grade),
            result: cell(c.result),
        });
        src.take(n);
    }
    if rows.is_empty() {
        return Err(ImportError::new(Place::file(&src.file), "具体的な取り組みの行が見つかりません"));
    }
    // The last row is where a document cut short ends: its results stop in
    // the middle of a sentence.
    let last = rows.last().expect("not empty");
    if !outline::ends_finished(&last.result) {
        return Err(outline::incomplete(
            src,
            last.line,
            &format!("No.{} の「{COL_RESULT}」が文の途中で終わっています", last.no),
        ));
    }
    Ok(rows)
}

fn objective_item(
    src: &Source,
    fy: FiscalYear,
    plan: &str,
    department: &str,
    row: &ObjectiveRow,
    scale: &EvaluationScale,
    findings: &mut Vec<Finding>,
) -> ItemRow {
    let narrative = |slot: &str, label: &str, text: &str| NarrativeRow {
        fiscal_year: Some(fy),
        slot: slot.into(),
        label: label.into(),
        text: cell_narrative(text),
    };
    if scale.grade(&row.grade).is_none() {
        findings.push(Finding {
            municipality: Some(CITY_CODE.into()),
            kind: "unknown_grade".into(),
            file: src.file.clone(),
            line: Some(row.line),
            text: row.grade.clone(),
            message: format!(
                "No.{} の評価「{}」は A・B のいずれでもありません。印字のまま保存しました",
                row.no, row.grade
            ),
        });
    }
    let grade = (!row.grade.is_empty()).then(|| row.grade.clone());
    ItemRow {
        key: format!("mbo{}:{}:{}", fy.year(), department, row.no),
        kind: ITEM_KIND.into(),
        code: row.no.clone(),
        title: collapse(&row.title),
        fiscal_year: Some(fy),
        tags: row.tags.split_whitespace().map(str::to_string).collect(),
        placements: vec![PlacementRow { plan: plan.into(), node: department.into(), relisting: false }],
        sections: vec![SectionRow { department: department.into(), section: collapse(&row.section) }],
        narratives: [("outcome_target", COL_TARGET, &row.target), ("outcome_result", COL_RESULT, &row.result)]
            .into_iter()
            .filter(|(_, _, text)| !text.trim().is_empty())
            .map(|(slot, label, text)| narrative(slot, label, text))
            .collect(),
        evaluations: vec![EvaluationRow {
            fiscal_year: fy,
            stage: Stage::YearEnd,
            evaluator: Evaluator::DepartmentHead,
            scale: Some(scale.code.clone()),
            grade,
            comment: None,
        }],
        ..ItemRow::default()
    }
}

/// Runs of white space become one space; the printed characters are kept
/// (no width folding: titles are shown as printed).
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The department's sections, in the order they first appear.
fn city_sections(items: &[ItemRow]) -> Vec<SectionRow> {
    let mut sections: Vec<SectionRow> = Vec::new();
    for s in items.iter().flat_map(|i| &i.sections) {
        if !sections.contains(s) {
            sections.push(s.clone());
        }
    }
    sections
}

/// Bullets that start an entry when a cell was flattened to one line.
const BULLETS: [char; 6] = ['・', '●', '○', '◆', '■', '※'];

/// A narrative cell: HTML lists keep their structure; a flattened cell whose
/// entries start with bullets (`●… ・…`) becomes a list, one entry per bullet.
fn cell_narrative(cell: &str) -> Narrative {
    if cell.contains('<') {
        return Narrative::from_html_fragment(cell);
    }
    let entries = bullet_entries(cell);
    if entries.len() < 2 {
        return Narrative::from_html_fragment(cell);
    }
    let items: String = entries.iter().map(|e| format!("<li>{e}</li>")).collect();
    Narrative::from_html_fragment(&format!("<ul>{items}</ul>"))
}

/// Splits before every bullet that follows white space (a bullet inside a
/// word, `広報・広聴`, is a middle dot, not a bullet).
fn bullet_entries(cell: &str) -> Vec<String> {
    let mut entries = vec![String::new()];
    let mut after_space = true;
    for c in cell.trim().chars() {
        if after_space && BULLETS.contains(&c) && !entries.last().is_some_and(|e| e.trim().is_empty()) {
            entries.push(String::new());
        }
        after_space = c.is_whitespace();
        entries.last_mut().expect("never empty").push(c);
    }
    entries.into_iter().map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect()
}

/// Headings and the column captions repeated on every page.
fn is_layout(line: &str) -> bool {
    let t = line.trim();
    t.trim_start_matches(['#', ' ']) == "【具体的な取り組み】" || (t.starts_with(COL_NO) && t.contains(COL_SECTION))
}
