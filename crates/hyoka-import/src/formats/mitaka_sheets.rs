//! 三鷹市 個別事業評価表 (seed 000): the sheets of 「各部の運営方針と目標」,
//! one per project (`企-1` …), each with its plan (当初計画), mid-year
//! evaluation (中間評価) and year-end evaluation (事後評価) with the budget.
//!
//! The extraction lays the same sheet out in many ways: cells merged, whole
//! blocks flattened onto one line, the budget table as HTML followed by the
//! same table flattened and then once more as cells. The reader therefore
//! does not trust columns: it turns every line into a stream of labels and
//! values, and the printed labels say where the values belong. Only the
//! monthly schedule is read by column, because its meaning is the column.
//!
//! Identities, all derived from printed text:
//! - plan `mitaka-dept-policy-<western FY>` (「各部の運営方針と目標」 of that
//!   year), levels 部 → 個別事業;
//! - one node per department prefix of the printed number (`企`);
//! - item key `<plan code>/<number>`, the number normalised to `企-1`
//!   (printed `企 — 1`, `企 ー 3`, or split over cells `企 — 2`).

use hyoka_core::money::MoneyUnit;
use hyoka_core::text::{fold_width, is_dash, squeeze};
use hyoka_core::{BudgetFigures, EvaluationScale, Evaluator, ExecutionRate, FiscalYear, Narrative, Stage, Yen};

use super::outline::{self, Outline};
use crate::batch::{
    BudgetRow, CityBatch, EvaluationRow, Finding, ItemRow, NarrativeRow, NodeRow, PlacementRow, PlanRow, ScheduleRow,
    SectionRow,
};
use crate::source::Source;
use crate::{Batch, ImportError, Place};

const CITY_CODE: &str = "132047";
const CITY_NAME: &str = "三鷹市";
const DOCUMENT_TITLE: &str = "各部の運営方針と目標";

/// The first character of a printed project number names the department.
/// The sheets never print the department's name, so it comes from here.
const DEPARTMENTS: &[(&str, &str)] = &[("企", "企画部")];

const MONTHS: [&str; 12] = ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"];

/// Signatures only this format prints: the sheet title, the project-number
/// caption and the review board's grade.
pub fn matches(text: &str) -> bool {
    text.contains("個別事業評価表") && text.contains("掲載No") && text.contains("事業評価審査会評価")
}

pub fn read(src: &Source) -> Result<Batch, ImportError> {
    let mut findings = Vec::new();
    let fy = document_year(src, &mut findings)?;
    let plan_code = format!("mitaka-dept-policy-{}", fy.year());
    let starts = sheet_starts(src);
    if starts.is_empty() {
        return Err(ImportError::new(Place::file(&src.file), "「事業名」で始まる個別事業評価表が見つかりません"));
    }
    for (i, &start) in starts.iter().enumerate() {
        check_complete(src, start, starts.get(i + 1).map_or(src.len(), |next| next - 1))?;
    }
    let mut items: Vec<ItemRow> = Vec::new();
    let mut nodes: Vec<NodeRow> = Vec::new();
    let mut previous: Option<(usize, u32)> = None;
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(src.len(), |next| next - 1);
        let sheet = SheetReader::new(src, start, end)?.read();
        // The sheets are numbered 1, 2, 3 … in print order; a gap or a
        // step back means pages are missing or out of order.
        let number: u32 = sheet.number.number.parse().unwrap_or(0);
        let expected = previous.map_or(1, |(_, n)| n + 1);
        if number != expected {
            let after = previous.map_or(String::new(), |(line, n)| format!("{n}（{line}行目）の次が"));
            return Err(outline::incomplete(
                src,
                start,
                &format!(
                    "個別事業掲載Noが順に並んでいません（{after}{}、{expected} であるはずです）",
                    sheet.number.code()
                ),
            ));
        }
        previous = Some((start, number));
        let key = format!("{plan_code}/{}", sheet.number.code());
        if items.iter().any(|it| it.key == key) {
            return Err(ImportError::new(
                Place::line(&src.file, start),
                format!("個別事業掲載No「{}」が二度現れます。どちらの評価表か判断できません", sheet.number.code()),
            ));
        }
        if !nodes.iter().any(|n| n.code == sheet.number.prefix) {
            nodes.push(NodeRow {
                code: sheet.number.prefix.clone(),
                parent: None,
                title: department_name(&sheet.number.prefix).to_string(),
                tags: Vec::new(),
            });
        }
        let (item, sheet_findings) = sheet.into_item(src, fy, key, &plan_code);
        items.push(item);
        findings.extend(sheet_findings);
    }
    let sections = nodes.iter().map(|n| section_of(&n.title)).collect();
    let plan = PlanRow {
        code: plan_code,
        name: format!("{} {DOCUMENT_TITLE}", fy.label()),
        level_names: vec!["部".into(), "個別事業".into()],
        nodes,
    };
    findings.extend(src.unplaced(CITY_CODE, is_layout));
    Ok(Batch {
        cities: vec![CityBatch {
            code: CITY_CODE.into(),
            name: CITY_NAME.into(),
            sections,
            scales: vec![EvaluationScale::mitaka_midyear(), EvaluationScale::mitaka_yearend()],
            plans: vec![plan],
            items,
            indicators: Vec::new(),
        }],
        findings,
    })
}

/// Page headers are read for the fiscal year; nothing else is layout.
fn is_layout(line: &str) -> bool {
    is_page_header(line)
}

fn is_page_header(line: &str) -> bool {
    line.contains("個別事業評価表") && line.contains(DOCUMENT_TITLE)
}

/// Blank lines and the `-----` rules under the 事業名 row; the source
/// leaves them out of its findings too.
fn is_rule_or_blank(line: &str) -> bool {
    line.chars().all(|c| c.is_whitespace() || c == '-')
}

fn department_name(prefix: &str) -> &str {
    DEPARTMENTS.iter().find(|(p, _)| *p == prefix).map_or(prefix, |(_, name)| name)
}

/// The sheets name no section (課), only the department through the number.
fn section_of(department: &str) -> SectionRow {
    SectionRow { department: department.to_string(), section: String::new() }
}

/// The fiscal year of the page headers (`平成30年度 「各部の運営方針と目標」 …`).
/// Every header must agree; a header that does not is shown to a person.
fn document_year(src: &Source, findings: &mut Vec<Finding>) -> Result<FiscalYear, ImportError> {
    let mut year = None;
    for n in src.find_all("個別事業評価表") {
        let line = src.line(n);
        if !is_page_header(line) {
            continue;
        }
        let printed = line.split('「').next().unwrap_or("").trim();
        let parsed = FiscalYear::parse(printed)
            .map_err(|e| ImportError::new(Place::line(&src.file, n), format!("見出しの年度を読み取れません: {e}")))?;
        src.take(n);
        match year {
            None => year = Some(parsed),
            Some(fy) if fy != parsed => findings.push(finding(
                src,
                "value_conflict",
                n,
                line.trim(),
                &format!("見出しの年度が文書の他の見出し（{}）と異なります", fy.label()),
            )),
            Some(_) => {}
        }
    }
    year.ok_or_else(|| {
        ImportError::new(Place::file(&src.file), "「平成30年度 「各部の運営方針と目標」 掲載」の見出しが見つかりません")
    })
}

/// Every sheet prints its plan, its mid-year evaluation with the section's
/// grade, and its year-end evaluation with the summary and the grades, in
/// this order; a sheet without them is cut short or out of order.
fn check_complete(src: &Source, start: usize, end: usize) -> Result<(), ImportError> {
    let mut o = Outline::new(src, format!("{start}行目からの個別事業評価表"), start, end);
    let first = |l: &str, caption: &str| squeeze(l).starts_with(caption);
    o.expect("「当初計画」の欄", |l| first(l, "当初計画"))?;
    o.expect("「中間評価」の欄", |l| first(l, "中間評価"))?;
    o.expect("中間評価の「主管課評価」", |l| l.contains("主管課評価"))?;
    o.expect("「事後評価」の欄", |l| first(l, "事後評価"))?;
    o.expect("「事業の総括（主管課）」", |l| squeeze(l).contains("事業の総括"))?;
    o.expect("事後評価の「主管課評価」", |l| l.contains("主管課評価"))?;
    Ok(())
}

/// Lines whose first cell is 事業名: each opens a sheet.
fn sheet_starts(src: &Source) -> Vec<usize> {
    src.numbered().filter(|(n, _)| src.filled(*n).first() == Some(&"事業名")).map(|(n, _)| n).collect()
}

fn finding(src: &Source, kind: &str, line: usize, text: &str, message: &str) -> Finding {
    Finding {
        municipality: Some(CITY_CODE.into()),
        kind: kind.into(),
        file: src.file.clone(),
        line: Some(line),
        text: text.to_string(),
        message: message.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Labels

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Plan,
    MidYear,
    YearEnd,
}

impl Part {
    fn stage(self) -> Option<Stage> {
        match self {
            Part::Plan => None,
            Part::MidYear => Some(Stage::MidYear),
            Part::YearEnd => Some(Stage::YearEnd),
        }
    }

    /// What unlabelled text right after the part's caption is: 企-3 prints
    /// its overview without the 事業概要・事業量 caption.
    fn default_text(self) -> TextSlot {
        match self {
            Part::Plan => TextSlot::Overview,
            Part::MidYear => TextSlot::MidYear,
            Part::YearEnd => TextSlot::VolumeResult,
        }
    }

    fn schedule_kind(self) -> &'static str {
        match self {
            Part::Plan => "planned",
            Part::MidYear | Part::YearEnd => "actual",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextSlot {
    Overview,
    OutcomeTarget,
    MidYear,
    BoardNote,
    PolicyCouncil,
    VolumeResult,
    OutcomeResult,
    Summary,
    BoardOpinion,
}

impl TextSlot {
    fn code(self) -> &'static str {
        match self {
            TextSlot::Overview => "overview",
            TextSlot::OutcomeTarget => "outcome_target",
            TextSlot::MidYear => "midyear",
            TextSlot::BoardNote => "board_note_midyear",
            TextSlot::PolicyCouncil => "policy_council_midyear",
            TextSlot::VolumeResult => "volume_result",
            TextSlot::OutcomeResult => "outcome_result",
            TextSlot::Summary => "summary",
            TextSlot::BoardOpinion => "board_opinion",
        }
    }

    /// The heading as most sheets print it; others wrap it (`事業評価 審査会
    /// 特記意見`) or fold its width, which carries no meaning.
    fn label(self) -> &'static str {
        match self {
            TextSlot::Overview => "事業概要・事業量",
            TextSlot::OutcomeTarget => "成果目標",
            TextSlot::MidYear => "上半期の実績・課題等",
            TextSlot::BoardNote => "事業評価審査会特記意見",
            TextSlot::PolicyCouncil => "政策会議評価・意見等",
            TextSlot::VolumeResult => "【事業量の実績】",
            TextSlot::OutcomeResult => "成果目標の達成状況",
            TextSlot::Summary => "事業の総括（主管課）",
            TextSlot::BoardOpinion => "事業評価審査会評価・意見等",
        }
    }
}

/// A row of the 予算執行 table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row {
    Budget,
    Settlement,
    Rate,
    /// 実績額: printed by 企-6 where the others print the final budget.
    ActualAmount,
    /// 達成率: printed by 企-6 where the others print the execution rate.
    Achievement,
}

impl Row {
    fn holds_rates(self) -> bool {
        matches!(self, Row::Rate | Row::Achievement)
    }

    fn label(self) -> &'static str {
        match self {
            Row::Budget => "予算額",
            Row::Settlement => "決算額",
            Row::Rate => "執行率（%）",
            Row::ActualAmount => "実績額",
            Row::Achievement => "達成率",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Part(Part),
    Text(TextSlot),
    Grade(Evaluator),
    /// 予算執行, 30年度予算, 30年度実績: captions of the budget table.
    BudgetCaption,
    Budget(Row),
}

const LABELS: &[(&str, Label)] = &[
    ("当初計画", Label::Part(Part::Plan)),
    ("中間評価", Label::Part(Part::MidYear)),
    ("事後評価", Label::Part(Part::YearEnd)),
    ("事業概要・事業量", Label::Text(TextSlot::Overview)),
    ("成果目標", Label::Text(TextSlot::OutcomeTarget)),
    ("上半期の実績・課題等", Label::Text(TextSlot::MidYear)),
    ("事業評価審査会特記意見", Label::Text(TextSlot::BoardNote)),
    ("政策会議評価・意見等", Label::Text(TextSlot::PolicyCouncil)),
    ("【事業量の実績】", Label::Text(TextSlot::VolumeResult)),
    ("成果目標の達成状況", Label::Text(TextSlot::OutcomeResult)),
    ("事業の総括（主管課）", Label::Text(TextSlot::Summary)),
    ("事業評価審査会評価・意見等", Label::Text(TextSlot::BoardOpinion)),
    ("主管課評価", Label::Grade(Evaluator::Section)),
    ("事業評価審査会評価", Label::Grade(Evaluator::ReviewBoard)),
    ("予算執行", Label::BudgetCaption),
    ("予算額", Label::Budget(Row::Budget)),
    ("決算額", Label::Budget(Row::Settlement)),
    ("執行率（%）", Label::Budget(Row::Rate)),
    ("実績額", Label::Budget(Row::ActualAmount)),
    ("達成率", Label::Budget(Row::Achievement)),
];

/// Text without tags and entities, for recognising captions that some
/// sheets wrap in `<p>`.
fn plain(cell: &str) -> String {
    if cell.contains('<') || cell.contains('&') {
        Narrative::from_html_fragment(cell).to_plain_text()
    } else {
        cell.to_string()
    }
}

/// `30年度予算`, `30年度実績`: the column captions of the budget table.
fn is_budget_year_caption(squeezed: &str) -> bool {
    let head = squeezed.strip_suffix("年度予算").or_else(|| squeezed.strip_suffix("年度実績"));
    head.is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_digit()))
}

/// A cell that is a caption, ignoring spaces from wrapping and width.
fn exact_label(cell: &str) -> Option<Label> {
    let s = squeeze(&plain(cell));
    if is_budget_year_caption(&s) {
        return Some(Label::BudgetCaption);
    }
    LABELS.iter().find(|(l, _)| squeeze(l) == s).map(|(_, label)| *label)
}

/// A caption followed by more text in the same cell, as flattened lines
/// print them (`予算額 309,424千円 308,934千円 決算額 …`). The longest caption
/// wins, so that 事業評価審査会評価・意見等 is not read as 事業評価審査会評価.
fn prefix_label(text: &str) -> Option<(Label, &str)> {
    if let Some((word, rest)) = text.split_once(char::is_whitespace) {
        if is_budget_year_caption(&squeeze(word)) {
            return Some((Label::BudgetCaption, rest.trim_start()));
        }
    }
    LABELS
        .iter()
        .filter_map(|(l, label)| strip_caption(text, l).map(|rest| (squeeze(l).chars().count(), *label, rest)))
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, label, rest)| (label, rest))
}

/// The text after `caption` when it starts `text` (spaces inside ignored)
/// and is followed by white space.
fn strip_caption<'t>(text: &'t str, caption: &str) -> Option<&'t str> {
    let want: Vec<char> = squeeze(caption).chars().collect();
    let mut k = 0;
    for (i, c) in text.char_indices() {
        if k == want.len() {
            let rest = &text[i..];
            return rest.starts_with(char::is_whitespace).then(|| rest.trim_start());
        }
        if c.is_whitespace() {
            continue;
        }
        if !fold_width(c.encode_utf8(&mut [0; 4])).starts_with(want[k]) {
            return None;
        }
        k += 1;
    }
    None
}

/// `7,368千円`, `0千円`.
fn is_money(text: &str) -> bool {
    let s = squeeze(text);
    s.strip_suffix("千円").is_some_and(|d| {
        d.starts_with(|c: char| c.is_ascii_digit() || c == '△')
            && d.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '△')
    })
}

/// `86.7%`, `0.0%`.
fn is_rate(text: &str) -> bool {
    let s = squeeze(text);
    s.strip_suffix('%').is_some_and(|d| {
        d.starts_with(|c: char| c.is_ascii_digit()) && d.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// A cell of a grade column: a code of either Mitaka scale.
fn is_grade_code(text: &str) -> bool {
    EvaluationScale::mitaka_yearend().grade(text).is_some() || EvaluationScale::mitaka_midyear().grade(text).is_some()
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Label(Label),
    Text(String),
}

/// The line as labels and values. The grade legends printed beside the
/// grades are dropped here: they are the scales' own legends, which the
/// batch carries in full.
fn line_tokens(src: &Source, n: usize) -> Vec<Token> {
    let mut cells = src.filled(n);
    cells.truncate(cells.len() - legend_len(&cells));
    let mut out = Vec::new();
    for cell in cells {
        tokenize_cell(cell, &mut out);
    }
    out
}

/// How many trailing cells spell a grade legend. 企-5 splits the year-end
/// legend into `S` and `計画以上 1 計画どおり …`.
fn legend_len(cells: &[&str]) -> usize {
    let legends =
        [squeeze(&EvaluationScale::mitaka_midyear().legend()), squeeze(&EvaluationScale::mitaka_yearend().legend())];
    (0..cells.len())
        .find(|&i| {
            let tail: String = cells[i..].iter().map(|c| squeeze(&plain(c))).collect();
            legends.contains(&tail)
        })
        .map_or(0, |i| cells.len() - i)
}

fn tokenize_cell(cell: &str, out: &mut Vec<Token>) {
    if cell.trim_start().starts_with("<table") {
        for c in html_table_cells(cell) {
            tokenize_cell(&c, out);
        }
        return;
    }
    if let Some(label) = exact_label(cell) {
        out.push(Token::Label(label));
        return;
    }
    if cell.contains('<') {
        out.push(Token::Text(cell.trim().to_string()));
        return;
    }
    let mut rest = cell.trim();
    while !rest.is_empty() {
        if let Some(label) = exact_label(rest) {
            out.push(Token::Label(label));
            return;
        }
        if let Some((label, after)) = prefix_label(rest) {
            out.push(Token::Label(label));
            rest = after;
            continue;
        }
        match rest.split_once(char::is_whitespace) {
            Some((word, after)) if is_money(word) || is_rate(word) => {
                out.push(Token::Text(word.to_string()));
                rest = after.trim_start();
            }
            _ => {
                out.push(Token::Text(rest.to_string()));
                return;
            }
        }
    }
}

/// The non-empty `<th>`/`<td>` contents of an HTML table, in order.
fn html_table_cells(html: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut rest = html;
    while let Some(open) = next_cell_open(rest) {
        let Some(gt) = rest[open..].find('>') else { break };
        let body = &rest[open + gt + 1..];
        let close = body.find("</t").unwrap_or(body.len());
        let text = plain(&body[..close]);
        if !text.trim().is_empty() {
            cells.push(text.trim().to_string());
        }
        rest = &body[close..];
    }
    cells
}

/// The position of the next `<td` or `<th` (not `<thead`).
fn next_cell_open(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find('<') {
        let at = from + i;
        let tag = &s[at + 1..];
        let is_cell = (tag.starts_with("td") || tag.starts_with("th"))
            && tag[2..].starts_with(|c: char| c == '>' || c.is_whitespace());
        if is_cell {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

// ---------------------------------------------------------------------------
// The schedule

enum ScheduleHeader {
    /// `スケジュール | 4月 | … | 3月` in cells; the index of the 4月 cell.
    Columns(Option<usize>),
    /// `スケジュール 4月 5月 … 3月 ○専門家WS …` on one line: the text after 3月.
    Flattened(String),
}

fn schedule_header(src: &Source, n: usize) -> Option<ScheduleHeader> {
    let cells = src.cells(n);
    for cell in &cells {
        let text = plain(cell);
        let text = text.trim();
        if squeeze(text) == "スケジュール" {
            return Some(ScheduleHeader::Columns(cells.iter().position(|c| *c == MONTHS[0])));
        }
        if let Some(rest) = strip_caption(text, "スケジュール") {
            return Some(ScheduleHeader::Flattened(strip_months(rest).to_string()));
        }
    }
    None
}

/// The text after the month captions `4月 5月 … 3月`.
fn strip_months(text: &str) -> &str {
    let mut rest = text.trim_start();
    for m in MONTHS {
        match rest.strip_prefix(m) {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    rest.trim()
}

fn starts_with_label(src: &Source, n: usize) -> bool {
    src.filled(n).first().is_some_and(|c| exact_label(c).is_some() || prefix_label(c).is_some())
}

/// The row as printed, tags removed: the bars' text and arrows.
fn row_label(cells: &[&str]) -> String {
    cells.iter().filter(|c| !c.is_empty()).map(|c| one_line(&plain(c))).collect::<Vec<_>>().join(" ")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn empty_months() -> Vec<String> {
    vec![String::new(); 12]
}

#[derive(Clone)]
struct ScheduleBlock {
    part: Part,
    header_line: usize,
    /// (line, label, months)
    rows: Vec<(usize, String, Vec<String>)>,
    /// Rows recovered from the outcome cell the extraction merged them into.
    embedded: bool,
}

/// Schedule rows recovered from the outcome cell of a part, with the cell's line.
struct EmbeddedSchedule {
    part: Part,
    line: usize,
    rows: Vec<String>,
}

/// 企-5 and 企-10 print no schedule rows: the extraction ran the schedule's
/// text into the next cell, 成果目標, as leading `<p>` paragraphs. When the
/// schedule is empty and that cell is two or more paragraphs of which the
/// first carries bar or event marks, all but the last are the schedule.
fn split_embedded_schedule(raw: &str) -> Option<(Vec<String>, &str)> {
    let paragraphs = html_paragraphs(raw)?;
    let (last, rows) = paragraphs.split_last()?;
    let first = plain(rows.first()?);
    if !first.contains(['→', '←', '○']) {
        return None;
    }
    Some((rows.iter().map(|p| one_line(&plain(p))).collect(), last))
}

/// The `<p>…</p>` elements of a cell that holds nothing else.
fn html_paragraphs(raw: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut rest = raw.trim();
    while !rest.is_empty() {
        if !(rest.starts_with("<p>") || rest.starts_with("<p ")) {
            return None;
        }
        let end = rest.find("</p>")? + "</p>".len();
        out.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// One sheet

/// The printed project number: `企 — 1` is prefix `企`, number `1`.
struct Number {
    prefix: String,
    number: String,
}

impl Number {
    fn parse(printed: &str) -> Option<Number> {
        let s = squeeze(printed);
        let prefix: String = s.chars().take_while(|c| !is_dash(*c) && !c.is_ascii_digit()).collect();
        let number = s[prefix.len()..].trim_start_matches(is_dash);
        let ok = !prefix.is_empty() && !number.is_empty() && number.chars().all(|c| c.is_ascii_digit());
        ok.then(|| Number { prefix, number: number.to_string() })
    }

    fn code(&self) -> String {
        format!("{}-{}", self.prefix, self.number)
    }
}

struct PendingText {
    slot: TextSlot,
    line: usize,
    parts: Vec<String>,
}

struct GradeCell {
    stage: Stage,
    evaluator: Evaluator,
    line: usize,
    printed: Option<String>,
}

struct BudgetLine {
    row: Row,
    line: usize,
    values: Vec<String>,
    /// Placed by its position under the table's captions: 企-2 prints its
    /// figures without the row captions.
    inferred: bool,
}

#[derive(Clone, Copy)]
enum Slot {
    Idle,
    /// Right after a part's caption, before any other caption.
    PartStart(Part),
    Text(usize),
    Grade(usize),
    /// Inside the budget table; the row being read, if any.
    Budget(Option<usize>),
}

struct SheetReader<'s, 'a> {
    src: &'s Source<'a>,
    start: usize,
    end: usize,
    number: Number,
    title: String,
    part: Part,
    slot: Slot,
    texts: Vec<PendingText>,
    schedules: Vec<ScheduleBlock>,
    grades: Vec<GradeCell>,
    /// Grade codes printed without their caption (企-5 repeats its year-end
    /// grades on the legend's line): (stage, line, printed).
    loose_grades: Vec<(Option<Stage>, usize, String)>,
    budget: Vec<BudgetLine>,
    /// Rows read since the last budget caption, for placing uncaptioned rows.
    budget_block: Vec<Row>,
    strays: Vec<(usize, String)>,
}

/// What one sheet yields.
struct Sheet {
    number: Number,
    title: String,
    end: usize,
    texts: Vec<PendingText>,
    schedules: Vec<ScheduleBlock>,
    grades: Vec<GradeCell>,
    loose_grades: Vec<(Option<Stage>, usize, String)>,
    budget: Vec<BudgetLine>,
    strays: Vec<(usize, String)>,
    saw_year_end: bool,
}

impl<'s, 'a> SheetReader<'s, 'a> {
    fn new(src: &'s Source<'a>, start: usize, end: usize) -> Result<Self, ImportError> {
        let (title, number) = read_title(src, start)?;
        Ok(SheetReader {
            src,
            start,
            end,
            number,
            title,
            part: Part::Plan,
            slot: Slot::Idle,
            texts: Vec::new(),
            schedules: Vec::new(),
            grades: Vec::new(),
            loose_grades: Vec::new(),
            budget: Vec::new(),
            budget_block: Vec::new(),
            strays: Vec::new(),
        })
    }

    fn read(mut self) -> Sheet {
        let src = self.src;
        src.take(self.start);
        let mut saw_year_end = false;
        let mut n = self.start + 1;
        while n <= self.end {
            let line = src.line(n);
            if is_rule_or_blank(line) || is_page_header(line) {
                n += 1;
                continue;
            }
            if let Some(header) = schedule_header(src, n) {
                n = self.read_schedule(n, header);
                continue;
            }
            src.take(n);
            for token in line_tokens(src, n) {
                if token == Token::Label(Label::Part(Part::YearEnd)) {
                    saw_year_end = true;
                }
                self.feed(n, token);
            }
            n += 1;
        }
        Sheet {
            number: self.number,
            title: self.title,
            end: self.end,
            texts: self.texts,
            schedules: self.schedules,
            grades: self.grades,
            loose_grades: self.loose_grades,
            budget: self.budget,
            strays: self.strays,
            saw_year_end,
        }
    }

    /// Reads the header at `n` and the rows under it; returns the next line.
    fn read_schedule(&mut self, n: usize, header: ScheduleHeader) -> usize {
        let src = self.src;
        src.take(n);
        let mut block = ScheduleBlock { part: self.part, header_line: n, rows: Vec::new(), embedded: false };
        let april = match header {
            ScheduleHeader::Columns(april) => april,
            ScheduleHeader::Flattened(rest) => {
                if !rest.is_empty() {
                    block.rows.push((n, rest, empty_months()));
                }
                None
            }
        };
        let mut m = n + 1;
        while m <= self.end {
            let line = src.line(m);
            if is_rule_or_blank(line) || is_page_header(line) || starts_with_label(src, m) {
                break;
            }
            let cells = src.cells(m);
            let months = match april {
                Some(h) => (0..12).map(|i| cells.get(h + i).copied().unwrap_or("").to_string()).collect(),
                None => empty_months(),
            };
            block.rows.push((m, row_label(&cells), months));
            src.take(m);
            m += 1;
        }
        self.schedules.push(block);
        // The schedule interrupts the text it sits in; what follows has its own caption.
        self.slot = Slot::Idle;
        m
    }

    fn feed(&mut self, line: usize, token: Token) {
        match token {
            Token::Label(label) => self.feed_label(line, label),
            Token::Text(text) => self.feed_text(line, text),
        }
    }

    fn feed_label(&mut self, line: usize, label: Label) {
        match label {
            Label::Part(part) => {
                self.part = part;
                self.slot = Slot::PartStart(part);
            }
            Label::Text(slot) => self.slot = Slot::Text(self.text_index(slot, line)),
            Label::Grade(evaluator) => match self.part.stage() {
                Some(stage) => {
                    self.grades.push(GradeCell { stage, evaluator, line, printed: None });
                    self.slot = Slot::Grade(self.grades.len() - 1);
                }
                None => {
                    self.strays.push((line, evaluator.label().to_string()));
                    self.slot = Slot::Idle;
                }
            },
            Label::BudgetCaption => {
                self.budget_block.clear();
                self.slot = Slot::Budget(None);
            }
            Label::Budget(row) => {
                self.slot = Slot::Budget(Some(self.open_budget_row(row, line, false)));
            }
        }
    }

    fn text_index(&mut self, slot: TextSlot, line: usize) -> usize {
        match self.texts.iter().position(|t| t.slot == slot) {
            Some(i) => i,
            None => {
                self.texts.push(PendingText { slot, line, parts: Vec::new() });
                self.texts.len() - 1
            }
        }
    }

    fn open_budget_row(&mut self, row: Row, line: usize, inferred: bool) -> usize {
        self.budget.push(BudgetLine { row, line, values: Vec::new(), inferred });
        self.budget_block.push(row);
        self.budget.len() - 1
    }

    fn feed_text(&mut self, line: usize, text: String) {
        match self.slot {
            Slot::Text(i) => self.texts[i].parts.push(text),
            Slot::PartStart(part) => {
                let i = self.text_index(part.default_text(), line);
                self.texts[i].parts.push(text);
                self.slot = Slot::Text(i);
            }
            Slot::Grade(i) if self.grades[i].printed.is_none() && is_grade_code(&text) => {
                self.grades[i].printed = Some(text);
            }
            Slot::Budget(current) if is_money(&text) || is_rate(&text) => self.feed_figure(line, current, text),
            _ if is_grade_code(&text) => self.loose_grades.push((self.part.stage(), line, text)),
            _ => self.strays.push((line, text)),
        }
    }

    /// A figure goes to the row captioned on the same line; a money figure
    /// on a line without a caption takes the next row in the table's order.
    fn feed_figure(&mut self, line: usize, current: Option<usize>, text: String) {
        let rate = is_rate(&text);
        if let Some(i) = current {
            let row = &mut self.budget[i];
            if row.line == line && row.row.holds_rates() == rate {
                row.values.push(text);
                return;
            }
        }
        let next = match self.budget_block.last() {
            None => Some(Row::Budget),
            Some(Row::Budget) => Some(Row::Settlement),
            Some(_) => None,
        };
        match next {
            Some(row) if !rate => {
                let i = self.open_budget_row(row, line, true);
                self.budget[i].values.push(text);
                self.slot = Slot::Budget(Some(i));
            }
            _ => self.strays.push((line, text)),
        }
    }
}

/// 事業名 | title | 個別事業掲載No | 企 — 1 (the number may be split over cells).
fn read_title(src: &Source, n: usize) -> Result<(String, Number), ImportError> {
    let cells = src.filled(n);
    let caption = cells.iter().skip(1).position(|c| squeeze(c).contains("掲載No")).map(|i| i + 1);
    let fail = |m: &str| ImportError::new(Place::line(&src.file, n), m.to_string());
    let Some(caption) = caption else {
        return Err(fail("「個別事業掲載No」が見つからないため、事業を識別できません"));
    };
    let title = cells[1..caption].join(" ");
    let after_caption = squeeze(cells[caption]).split_once("掲載No").map(|(_, r)| r.to_string()).unwrap_or_default();
    let printed = format!("{after_caption}{}", cells[caption + 1..].concat());
    let number = Number::parse(&printed)
        .ok_or_else(|| fail(&format!("個別事業掲載No「{printed}」を「企-1」の形として読み取れません")))?;
    if title.trim().is_empty() {
        return Err(fail("事業名が空です"));
    }
    Ok((title.trim().to_string(), number))
}

// ---------------------------------------------------------------------------
// From a sheet to an item

impl Sheet {
    fn into_item(self, src: &Source, fy: FiscalYear, key: String, plan: &str) -> (ItemRow, Vec<Finding>) {
        let mut findings = Vec::new();
        let (narratives, embedded) = self.narratives(fy);
        let schedule = self.schedule(src, fy, embedded, &mut findings);
        let evaluations = self.evaluations(src, fy, &mut findings);
        let budgets = self.budget(src, fy, &mut findings).into_iter().collect();
        for (line, text) in &self.strays {
            findings.push(finding(
                src,
                "unplaced",
                *line,
                text,
                &format!("{}: 取り込み先を判断できなかった記載です。内容を確認してください", self.number.code()),
            ));
        }
        let department = department_name(&self.number.prefix).to_string();
        let item = ItemRow {
            key,
            kind: "project".into(),
            code: self.number.code(),
            title: self.title,
            fiscal_year: Some(fy),
            tags: Vec::new(),
            placements: vec![PlacementRow { plan: plan.into(), node: self.number.prefix.clone(), relisting: false }],
            relisting_of: None,
            sections: vec![section_of(&department)],
            narratives,
            budgets,
            evaluations,
            schedule,
            next_direction: None,
            roadmap: Vec::new(),
        };
        (item, findings)
    }

    /// The narratives, and the schedule rows found inside outcome cells.
    fn narratives(&self, fy: FiscalYear) -> (Vec<NarrativeRow>, Vec<EmbeddedSchedule>) {
        let mut rows = Vec::new();
        let mut embedded = Vec::new();
        for t in &self.texts {
            let raw = t.parts.join("\n");
            let mut body = raw.as_str();
            let part = match t.slot {
                TextSlot::OutcomeTarget => Some(Part::Plan),
                TextSlot::OutcomeResult => Some(Part::YearEnd),
                _ => None,
            };
            if let Some(part) = part.filter(|p| self.schedule_is_empty(*p)) {
                if let Some((schedule_rows, rest)) = split_embedded_schedule(&raw) {
                    embedded.push(EmbeddedSchedule { part, line: t.line, rows: schedule_rows });
                    body = rest;
                }
            }
            let text = Narrative::from_html_fragment(body);
            if !text.is_empty() {
                rows.push(NarrativeRow {
                    fiscal_year: Some(fy),
                    slot: t.slot.code().into(),
                    label: t.slot.label().into(),
                    text,
                });
            }
        }
        (rows, embedded)
    }

    fn schedule_is_empty(&self, part: Part) -> bool {
        self.schedules.iter().any(|b| b.part == part && b.rows.is_empty())
    }

    fn schedule(
        &self,
        src: &Source,
        fy: FiscalYear,
        embedded: Vec<EmbeddedSchedule>,
        findings: &mut Vec<Finding>,
    ) -> Vec<ScheduleRow> {
        let mut blocks: Vec<ScheduleBlock> = Vec::new();
        for b in &self.schedules {
            let mut block = b.clone();
            if let Some(e) = embedded.iter().find(|e| e.part == b.part).filter(|_| b.rows.is_empty()) {
                block.rows = e.rows.iter().map(|r| (e.line, r.clone(), empty_months())).collect();
                block.embedded = true;
            }
            blocks.push(block);
        }
        let mut out = Vec::new();
        for block in &blocks {
            if let Some((line, label, _)) = block.rows.iter().find(|(_, _, m)| m.iter().all(String::is_empty)) {
                findings.push(unaligned_schedule(src, &self.number, block, *line, label));
            }
            out.extend(block.rows.iter().map(|(_, label, months)| ScheduleRow {
                fiscal_year: fy,
                kind: block.part.schedule_kind().into(),
                label: label.clone(),
                months: months.clone(),
                hours_regular: None,
                hours_other: None,
            }));
        }
        out
    }

    fn evaluations(&self, src: &Source, fy: FiscalYear, findings: &mut Vec<Finding>) -> Vec<EvaluationRow> {
        let mut printed: Vec<(Stage, Evaluator, usize, Option<String>)> =
            self.grades.iter().map(|g| (g.stage, g.evaluator, g.line, g.printed.clone())).collect();
        // Grades printed again without their captions must repeat the captioned ones.
        for stage in [Stage::MidYear, Stage::YearEnd] {
            let loose = self.loose_grades.iter().filter(|(s, _, _)| *s == Some(stage));
            let mut cells = printed.iter_mut().filter(|p| p.0 == stage);
            for (_, line, grade) in loose {
                match cells.next() {
                    Some(cell) if cell.3.is_none() => cell.3 = Some(grade.clone()),
                    Some(cell) if cell.3.as_deref() == Some(grade.as_str()) => {}
                    other => findings.push(finding(
                        src,
                        "value_conflict",
                        *line,
                        grade,
                        &format!(
                            "{}: 見出しのない評価「{grade}」が{}の評価（{}）と一致しません",
                            self.number.code(),
                            stage.label(),
                            other.and_then(|c| c.3.clone()).unwrap_or_else(|| "記載なし".into())
                        ),
                    )),
                }
            }
        }
        for (_, line, grade) in self.loose_grades.iter().filter(|(s, _, _)| s.is_none()) {
            findings.push(finding(src, "unplaced", *line, grade, "当初計画の欄に評価が記載されています"));
        }
        if self.saw_year_end && !printed.iter().any(|p| p.0 == Stage::YearEnd) {
            findings.push(finding(
                src,
                "missing",
                self.end,
                src.line(self.end).trim(),
                &format!(
                    "{}: 事後評価の主管課評価・事業評価審査会評価が記載されていません（評価表が途中で終わっています）",
                    self.number.code()
                ),
            ));
        }
        printed
            .into_iter()
            .map(|(stage, evaluator, line, grade)| {
                let scale = scale_of(stage);
                if let Some(g) = grade.as_deref().filter(|g| scale.grade(g).is_none()) {
                    findings.push(finding(
                        src,
                        "unknown_grade",
                        line,
                        g,
                        &format!(
                            "{}: 評価「{g}」は{}の区分（{}）にありません",
                            self.number.code(),
                            scale.name,
                            scale.legend()
                        ),
                    ));
                }
                EvaluationRow { fiscal_year: fy, stage, evaluator, scale: Some(scale.code), grade, comment: None }
            })
            .collect()
    }

    fn budget(&self, src: &Source, fy: FiscalYear, findings: &mut Vec<Finding>) -> Option<BudgetRow> {
        let code = self.number.code();
        let mut values = |row: Row| -> Vec<String> {
            let printings: Vec<&BudgetLine> = self.budget.iter().filter(|b| b.row == row).collect();
            let Some(first) = printings.first() else { return Vec::new() };
            for other in &printings[1..] {
                if other.values != first.values {
                    findings.push(finding(
                        src,
                        "value_conflict",
                        other.line,
                        &other.values.join(" "),
                        &format!(
                            "{code}: 予算執行欄の「{}」が同じ表の別の印刷（{}行目: {}）と異なります",
                            row.label(),
                            first.line,
                            first.values.join(" ")
                        ),
                    ));
                }
            }
            first.values.clone()
        };
        let budget = values(Row::Budget);
        let settlement = values(Row::Settlement);
        let rate = values(Row::Rate);
        let actual = values(Row::ActualAmount);
        let achievement = values(Row::Achievement);
        if let Some(first) = self.budget.iter().find(|b| b.inferred) {
            findings.push(finding(
                src,
                "inferred",
                first.line,
                src.line(first.line).trim(),
                &format!(
                    "{code}: 予算執行欄の行見出し（予算額・決算額）が印刷されていないため、表の行の順序から予算額・決算額として読み取りました"
                ),
            ));
        }
        if !actual.is_empty() || !achievement.is_empty() {
            let line = self
                .budget
                .iter()
                .find(|b| matches!(b.row, Row::ActualAmount | Row::Achievement))
                .map_or(self.end, |b| b.line);
            let mut printed = Vec::new();
            if !actual.is_empty() {
                printed.push(format!("実績額 {}", actual.join(" ")));
            }
            if !achievement.is_empty() {
                printed.push(format!("達成率 {}", achievement.join(" ")));
            }
            findings.push(finding(
                src,
                "unmodelled",
                line,
                &printed.join(" / "),
                &format!(
                    "{code}: 予算執行欄に決算額・執行率ではなく「実績額」「達成率」が印刷されています。決算額・執行率としては扱わず、印刷どおりここに残します"
                ),
            ));
        }
        if budget.is_empty() && settlement.is_empty() && rate.is_empty() {
            return None;
        }
        let line_of = |row: Row| self.budget.iter().find(|b| b.row == row).map_or(self.end, |b| b.line);
        let mut parse = |row: Row, printed: &str| -> Option<Yen> {
            match Yen::parse(printed, MoneyUnit::Thousand) {
                Ok(y) => Some(y),
                Err(e) => {
                    findings.push(finding(src, "unreadable", line_of(row), printed, &format!("{code}: {e}")));
                    None
                }
            }
        };
        let amounts: Vec<Option<Yen>> = budget.iter().map(|p| parse(Row::Budget, p)).collect();
        let paid: Vec<Option<Yen>> = settlement.iter().map(|p| parse(Row::Settlement, p)).collect();
        // One figure stands in the 実績 column: the budget the year ended with.
        let (initial, final_budget) = match amounts.as_slice() {
            [] => (None, None),
            [only] => (None, *only),
            [first, .., last] => (*first, *last),
        };
        let middle_disagrees =
            amounts.len() > 2 && amounts[1..amounts.len() - 1].iter().any(|a| *a != initial && *a != final_budget);
        let settlements_disagree = paid.windows(2).any(|w| w[0] != w[1]);
        if middle_disagrees || settlements_disagree {
            findings.push(finding(
                src,
                "value_conflict",
                line_of(if middle_disagrees { Row::Budget } else { Row::Settlement }),
                &format!("予算額 {} / 決算額 {}", budget.join(" "), settlement.join(" ")),
                &format!("{code}: 予算執行欄の同じ行に異なる金額が印刷されています"),
            ));
        }
        let figures = BudgetFigures {
            initial,
            final_budget,
            settlement: paid.last().copied().flatten(),
            ..BudgetFigures::default()
        };
        let rate_printed = rate.first().cloned();
        if rate.len() > 1 {
            findings.push(finding(
                src,
                "value_conflict",
                line_of(Row::Rate),
                &rate.join(" "),
                &format!("{code}: 執行率が複数印刷されています"),
            ));
        }
        check_rate(src, &code, line_of(Row::Rate), &figures, rate_printed.as_deref(), findings);
        Some(BudgetRow { fiscal_year: fy, figures, execution_rate_printed: rate_printed })
    }
}

fn scale_of(stage: Stage) -> EvaluationScale {
    match stage {
        Stage::YearEnd => EvaluationScale::mitaka_yearend(),
        _ => EvaluationScale::mitaka_midyear(),
    }
}

/// The printed rate must be settlement ÷ final budget; when it cannot be
/// computed (企-2's 0千円 budget) a person is told rather than agreed with.
fn check_rate(
    src: &Source,
    code: &str,
    line: usize,
    figures: &BudgetFigures,
    printed: Option<&str>,
    findings: &mut Vec<Finding>,
) {
    let Some(printed) = printed else { return };
    let computed = figures.execution_rate();
    let message = match (ExecutionRate::parse(printed), computed) {
        (Some(p), Some(c)) if p == c => return,
        (_, Some(c)) => {
            ("rate_mismatch", format!("{code}: 印刷された執行率 {printed} は決算額 ÷ 最終予算額（{c}）と一致しません"))
        }
        (_, None) => (
            "rate_uncomputable",
            format!(
                "{code}: 予算額が0または空欄、あるいは決算額が空欄のため、執行率を計算できません（印刷値 {printed}）"
            ),
        ),
    };
    findings.push(finding(src, message.0, line, printed, &message.1));
}

fn unaligned_schedule(src: &Source, number: &Number, block: &ScheduleBlock, line: usize, label: &str) -> Finding {
    let kind = if block.part == Part::Plan { "当初計画" } else { "事後評価" };
    let message = if block.embedded {
        format!(
            "{}: {kind}のスケジュール（{}行目）の記載が成果目標欄に続けて抽出されていたため、段落ごとにスケジュールの行として取り出しました。月の位置は読み取れないため、月欄は空です",
            number.code(),
            block.header_line
        )
    } else {
        format!(
            "{}: {kind}のスケジュールの月の位置が抽出結果から読み取れないため、記載を行の見出しとして保存しました。月欄は空です",
            number.code()
        )
    };
    finding(src, "schedule_unaligned", line, label, &message)
}
