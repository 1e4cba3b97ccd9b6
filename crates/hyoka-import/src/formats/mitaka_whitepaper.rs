//! 三鷹市 自治体経営白書 (seed 002): the yearly white paper that reports three
//! plans at once.
//!
//! * `mitaka-basic-plan-4` — 第4次三鷹市基本計画（第2次改定）: 部 (`第1部`) →
//!   施策 (`第1-1` = 第1部の第1) → 細目 (`第2-4-1` = 第2部 第4 の 1, printed
//!   `第4-1`). Each 施策 (or 細目) that the paper reports gets an item
//!   `measure:<code>` with its [主な担当課] and its 取り組み状況, and its
//!   目標指標 (kind outcome), keyed `measure:<code>:<name>`.
//! * `mitaka-sousei-strategy` — 三鷹市まち・ひと・しごと創生総合戦略: 基本目標
//!   (`基本目標1`). Each goal gets an item `strategy:基本目標1` with its
//!   施策の方向; its 数値目標 and KPIs are indicators of kind KPI keyed
//!   `strategy:基本目標1:<name>`. A KPI printed with the name of a 目標指標 is
//!   the same indicator: it is stored once (the 目標指標's key) and both
//!   printings are kept, told apart by `source`.
//! * `mitaka-action-plan-2022` — 三鷹市都市経営アクションプラン 2022:
//!   自治体経営の基本的な考え方 (`(1)`) → 体系 (`体系1`) → 個別課題 (`1-(2)`,
//!   normalised from `3 - (14)`, `<p>3-(2)</p>`, `5-2)`). Each issue is also an
//!   item `action:<code>` (kind `issue`) with 概要 and 取組状況等.
//!
//! The introductory text of each plan is kept on an item `overview:<plan>`
//! (kind `overview`), because a plan row has no narrative of its own.
//! Responsible units are SectionRows: `企画部企画経営課` → 企画部 / 企画経営課;
//! an action-plan issue names departments only, stored with an empty section;
//! `全庁` (the whole city hall) is a tag, not a department.
//!
//! The table of contents, the chapter title pages and the cover repeat what
//! the body prints; they are layout. Every other line is read or reported.

use std::collections::{BTreeMap, BTreeSet};

use hyoka_core::cell::CellMeaning;
use hyoka_core::text::{fold_width, squeeze};
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, Narrative, ValueRole};

use super::outline::{self, Outline};
use crate::batch::{
    CityBatch, Finding, IndicatorRow, ItemRow, NarrativeRow, NodeRef, NodeRow, PlacementRow, PlanRow, SectionRow,
    ValueRow,
};
use crate::source::Source;
use crate::{Batch, ImportError, Place};

const CITY_CODE: &str = "132047";
const CITY_NAME: &str = "三鷹市";

const BASIC_PLAN: &str = "mitaka-basic-plan-4";
const STRATEGY: &str = "mitaka-sousei-strategy";
const ACTION_PLAN: &str = "mitaka-action-plan-2022";

/// Declared direction of the indicators whose direction is not the default
/// (higher is better), and of those whose target sits below the baseline
/// but which are still higher-is-better. Names as printed, spaces and
/// footnote markers removed; compared width-folded.
const DIRECTIONS: &[(&str, Direction)] = &[
    // 第4次基本計画 目標指標
    ("農家の直接販売所数", Direction::Maintain), // 目標値「維持」
    ("農地面積", Direction::HigherIsBetter),     // target 140ha < 171ha: slowing the loss
    ("緑被率", Direction::HigherIsBetter),       // target 33.00% < 33.46%
    ("三鷹市内の刑法犯罪認知件数(年間)", Direction::LowerIsBetter),
    ("駅前地域の放置自転車の台数", Direction::Bound), // 80台以下
    ("三鷹市公共施設の温室効果ガス総排出量(t-CO2)", Direction::LowerIsBetter),
    ("一人一日あたりのごみ総排出量", Direction::LowerIsBetter),
    ("最終処分場に埋め立てるごみの量", Direction::LowerIsBetter),
    ("地域ケアネットワークの設立住区数及び活動の充実", Direction::Milestone), // 充実・発展
    ("保育園待機児童の解消", Direction::LowerIsBetter),
    ("図書館の利用者数", Direction::HigherIsBetter), // target 950,000人 < 996,849人
    ("経常収支比率", Direction::Bound),              // 概ね80%台を維持
    ("実質公債費比率", Direction::Bound),            // 概ね5%を超えないこと
    ("人件費比率", Direction::Bound),                // 概ね20%を超えないこと
    // まち・ひと・しごと創生総合戦略 数値目標・KPI
    ("子ども・子育て支援施策に不満があると回答した人の割合", Direction::LowerIsBetter),
    ("「コミュニティ創生プロジェクト」に不満があると回答した市民の割合", Direction::LowerIsBetter),
    ("保育園待機児童数", Direction::LowerIsBetter),
    ("学童保育所待機児童数", Direction::LowerIsBetter),
    ("三鷹駅南口中央通り東地区再開発推進事業", Direction::Milestone), // 都市計画決定
];

/// The direction declared for an indicator name.
fn direction_of(name: &str) -> Direction {
    let key = squeeze(name);
    DIRECTIONS.iter().find(|(n, _)| squeeze(n) == key).map_or(Direction::HigherIsBetter, |(_, d)| *d)
}

pub fn matches(text: &str) -> bool {
    text.contains("自治体経営白書") && text.contains("目標指標の達成状況") && text.contains("[主な担当課]")
}

pub fn read(src: &Source) -> Result<Batch, ImportError> {
    check_contents(src)?;
    let mut r = Reader::new(src)?;
    let marks = r.landmarks()?;
    r.read_basic_plan(&marks)?;
    r.read_strategy(&marks)?;
    r.read_action_plan(&marks)?;
    r.check_printed_counts();
    r.check_conflicts();
    Ok(r.finish())
}

/// The table of contents lists the chapters, sections, parts (部) and
/// 体系 the paper prints: each must follow in the body, in that order, and
/// the paper ends with its back cover. A paper cut short or out of order
/// lacks some.
fn check_contents(src: &Source) -> Result<(), ImportError> {
    let Some(contents) = src.numbered().find(|(_, l)| squeeze(l).ends_with("目次")).map(|(n, _)| n) else {
        return Err(outline::incomplete(src, 1, "目次がありません"));
    };
    let Some(body) = first_exact(src, "第1章").filter(|&b| b > contents) else {
        return Err(outline::incomplete(src, contents, "目次の後に本文（第1章）がありません"));
    };
    let entries: Vec<(usize, String, String)> = (contents + 1..body)
        .filter_map(|n| contents_label(&squeeze(src.line(n))).map(|l| (n, l, heading_key(src.line(n)))))
        .collect();
    if entries.is_empty() {
        return Err(outline::incomplete(src, contents, "目次に章・節・部・体系の行がありません"));
    }
    let mut o = Outline::new(src, "本文", body, src.len());
    for (n, label, text) in &entries {
        // Body headings stand alone: not in a table (tab), not in a
        // chapter title page's list (`- `).
        o.expect(&format!("目次（{n}行目）にある「{text}」"), |l| {
            !l.contains('\t')
                && !l.trim_start().starts_with("- ")
                && contents_label(&squeeze(&l.replace("**", ""))).as_ref() == Some(label)
        })?;
    }
    o.expect("裏表紙（三鷹市自治体経営白書）", |l| squeeze(l).starts_with("三鷹市自治体経営白書"))?;
    Ok(())
}

/// `第1章`, `第2節`, `第3部`, `体系13` at the start of a squeezed heading.
fn contents_label(squeezed: &str) -> Option<String> {
    let (head, rest) = if let Some(rest) = squeezed.strip_prefix('第') {
        ("第", rest)
    } else {
        ("体系", squeezed.strip_prefix("体系")?)
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    match (head, rest[digits.len()..].chars().next()) {
        ("第", Some(kind @ ('章' | '節' | '部'))) => Some(format!("第{digits}{kind}")),
        ("体系", _) => Some(format!("体系{digits}")),
        _ => None,
    }
}

/// Lines where the parts of the paper begin (1-based).
struct Landmarks {
    /// 第1章 (the title page of chapter 1).
    chapter1: usize,
    /// 第2節 各施策の進捗状況: the 施策 reports start here.
    measures: usize,
    /// 第3節 まち・ひと・しごと創生総合戦略.
    strategy: usize,
    /// 第2章 (the title page of chapter 2).
    chapter2: usize,
    /// 第2節 各体系の主な取り組み状況: the action-plan issues start here.
    issues: usize,
}

/// One column of an indicator table.
#[derive(Clone, Copy)]
struct Column {
    role: ValueRole,
    year: FiscalYear,
}

struct TableRow<'a> {
    line: usize,
    name: &'a str,
    cells: Vec<&'a str>,
}

struct Table<'a> {
    columns: Vec<Column>,
    rows: Vec<TableRow<'a>>,
    /// The first line after the table.
    end: usize,
}

/// `(注1) …` under a table.
struct Footnote {
    marker: String,
    text: String,
    line: usize,
    used: bool,
}

/// Whose indicators a table holds, and how its printings are named.
struct Owner {
    item: String,
    node: NodeRef,
    kind: IndicatorKind,
    /// The table's name, kept on every printed value: `基本計画 第1-1 目標指標`.
    source: String,
}

/// The 数値目標 or KPI table of a strategy goal.
fn strategy_owner(code: &str, table: &str) -> Owner {
    Owner {
        item: format!("strategy:{code}"),
        node: NodeRef { plan: STRATEGY.into(), node: code.into() },
        kind: IndicatorKind::Kpi,
        source: format!("総合戦略 {code} {table}"),
    }
}

/// One printing of an indicator, for comparing tables.
struct Printing {
    key: String,
    source: String,
    line: usize,
}

struct Reader<'s, 'a> {
    src: &'s Source<'a>,
    /// The fiscal year the paper reports (令和2年度).
    fy: FiscalYear,
    city: CityBatch,
    findings: Vec<Finding>,
    /// Squeezed headings and titles the reader took: their repeats in the
    /// table of contents and on chapter title pages are layout.
    headings: BTreeSet<String>,
    printings: Vec<Printing>,
    /// Indicators of the basic plan, by squeezed name, for linking KPIs.
    by_name: BTreeMap<String, String>,
    measure_rows: usize,
}

impl<'s, 'a> Reader<'s, 'a> {
    fn new(src: &'s Source<'a>) -> Result<Self, ImportError> {
        let heading = last_line_starting(src, "第2節各施策の進捗状況")
            .ok_or_else(|| ImportError::new(Place::file(&src.file), "「各施策の進捗状況」の見出しが見つかりません"))?;
        let fy = fiscal_year_in(src.line(heading)).ok_or_else(|| {
            ImportError::new(Place::line(&src.file, heading), "報告対象の年度（例: 令和2年度）を読み取れません")
        })?;
        let city = CityBatch { code: CITY_CODE.into(), name: CITY_NAME.into(), ..CityBatch::default() };
        Ok(Reader {
            src,
            fy,
            city,
            findings: Vec::new(),
            headings: BTreeSet::new(),
            printings: Vec::new(),
            by_name: BTreeMap::new(),
            measure_rows: 0,
        })
    }

    fn landmarks(&self) -> Result<Landmarks, ImportError> {
        let need = |found: Option<usize>, what: &str| {
            found.ok_or_else(|| {
                ImportError::new(Place::file(&self.src.file), format!("「{what}」の見出しが見つかりません"))
            })
        };
        Ok(Landmarks {
            chapter1: need(first_exact(self.src, "第1章"), "第1章")?,
            measures: need(last_line_starting(self.src, "第2節各施策の進捗状況"), "第2節 各施策の進捗状況")?,
            strategy: need(
                last_line_starting(self.src, "第3節三鷹市まち・ひと・しごと創生総合戦略"),
                "第3節 総合戦略",
            )?,
            chapter2: need(first_exact(self.src, "第2章"), "第2章")?,
            issues: need(
                last_line_starting(self.src, "第2節各体系の主な取り組み状況"),
                "第2節 各体系の主な取り組み状況",
            )?,
        })
    }

    // ------------------------------------------------------------ plan 1

    fn read_basic_plan(&mut self, m: &Landmarks) -> Result<(), ImportError> {
        let name = "第4次三鷹市基本計画（第2次改定）";
        let mut plan = PlanRow {
            code: BASIC_PLAN.into(),
            name: name.into(),
            level_names: vec!["部".into(), "施策".into(), "細目".into()],
            nodes: Vec::new(),
        };
        let chapter_title = self.chapter_title(m.chapter1);
        self.read_measure_tree(&mut plan, m.chapter1, m.measures);
        let body = self.chapter_body_start(m.chapter1, m.measures);
        let overview = self.overview_item(BASIC_PLAN, name, &chapter_title, body, m.measures);
        self.take_heading(m.measures);
        self.read_measures(&mut plan, m.measures + 1, m.strategy)?;
        self.city.plans.push(plan);
        self.city.items.insert(0, overview);
        Ok(())
    }

    /// The 施策体系: `第1部 …` lines and `- ◆第1 … ◆第2 …` lines, where a
    /// 施策 with 細目 prints them after its title: `◆第4 商業環境の整備 1
    /// 商業環境の充実 2 都市型観光の推進`.
    fn read_measure_tree(&mut self, plan: &mut PlanRow, from: usize, to: usize) {
        let mut part: Option<String> = None;
        for n in from..to {
            let line = self.src.line(n).trim();
            if let Some((p, title)) = part_heading(line) {
                let code = format!("第{p}部");
                self.headings.insert(squeeze(line));
                plan.nodes.push(NodeRow { code: code.clone(), parent: None, title, tags: Vec::new() });
                self.src.take(n);
                part = Some(p);
                continue;
            }
            let Some(p) = &part else { continue };
            let Some(rest) = line.strip_prefix("- ").filter(|l| l.starts_with('◆')) else { continue };
            let entries: Vec<&str> = rest.split('◆').map(str::trim).filter(|e| !e.is_empty()).collect();
            // A line with an entry that is not `第N …` is left for a person to see.
            if !entries.iter().all(|e| e.strip_prefix('第').and_then(leading_number).is_some()) {
                continue;
            }
            for entry in entries {
                let Some((k, words)) = entry.strip_prefix('第').and_then(leading_number) else { continue };
                let words: Vec<&str> = words.split_whitespace().collect();
                let split = words.iter().position(|w| w.parse::<u32>().is_ok()).unwrap_or(words.len());
                let code = format!("第{p}-{k}");
                let title = words[..split].join(" ");
                plan.nodes
                    .push(NodeRow { code: code.clone(), parent: Some(format!("第{p}部")), title, tags: vec![] });
                for pair in words[split..].chunks(2) {
                    if let [num, title] = pair {
                        plan.nodes.push(NodeRow {
                            code: format!("{code}-{num}"),
                            parent: Some(code.clone()),
                            title: (*title).to_string(),
                            tags: Vec::new(),
                        });
                    }
                }
            }
            self.src.take(n);
        }
    }

    /// The 施策 reports: `第1部 …`, then per 施策 `第1 国際化の推進 [主な担当課]
    /// 企画部企画経営課`, its 目標指標 table with notes, and its 取り組み状況.
    fn read_measures(&mut self, plan: &mut PlanRow, from: usize, to: usize) -> Result<(), ImportError> {
        let mut part: Option<String> = None;
        let mut n = from;
        while n < to {
            let line = self.src.line(n).trim();
            if let Some((p, title)) = part_heading(line) {
                self.src.take(n);
                let code = format!("第{p}部");
                if !self.check_title(plan, &code, &title, n) {
                    plan.nodes.push(NodeRow { code, parent: None, title, tags: Vec::new() });
                }
                part = Some(p);
                n += 1;
            } else if let (Some(p), Some(h)) = (&part, measure_heading(line)) {
                self.src.take(n);
                let code = h.code(p);
                if plan.nodes.iter().all(|node| node.code != code) {
                    self.add_missing_node(plan, &code, &h.title, n);
                } else {
                    self.check_title(plan, &code, &h.title, n);
                }
                n = self.read_measure(&code, &h, n + 1, to)?;
            } else {
                n += 1;
            }
        }
        Ok(())
    }

    /// One 施策 report from the line after its heading; returns where the
    /// next heading starts.
    fn read_measure(&mut self, code: &str, h: &MeasureHeading, from: usize, to: usize) -> Result<usize, ImportError> {
        let key = format!("measure:{code}");
        let mut item = ItemRow {
            key: key.clone(),
            kind: "measure".into(),
            code: code.into(),
            title: h.title.clone(),
            fiscal_year: Some(self.fy),
            placements: vec![PlacementRow { plan: BASIC_PLAN.into(), node: code.into(), relisting: false }],
            sections: h.sections.clone(),
            ..ItemRow::default()
        };
        for s in &h.sections {
            self.add_section(s);
        }
        let end = (from..to).find(|&n| is_measure_boundary(self.src.line(n).trim())).unwrap_or(to);
        let mut n = from;
        let mut notes = Vec::new();
        while n < end {
            let line = self.src.line(n).trim();
            if line.starts_with("(1)") && line.contains("目標指標") {
                self.src.take(n);
                let Some(header) = next_filled(self.src, n + 1, end) else { break };
                let table = read_table(self.src, header)?;
                let (mut foot, after) = self.read_footnotes(table.end, end);
                let owner = Owner {
                    item: key.clone(),
                    node: NodeRef { plan: BASIC_PLAN.into(), node: code.into() },
                    kind: IndicatorKind::Outcome,
                    source: format!("基本計画 {code} 目標指標"),
                };
                for row in &table.rows {
                    let ind = self.add_indicator(row, &table, &owner, &mut foot);
                    self.by_name.insert(squeeze(&ind), format!("{key}:{ind}"));
                    self.measure_rows += 1;
                }
                notes.extend(foot.into_iter().filter(|f| !f.used));
                n = after;
            } else if line.starts_with("(2)") {
                self.src.take(n);
                let label = strip_number(line);
                let paras = self.paragraphs(n + 1, end);
                if !paras.is_empty() {
                    item.narratives.push(narrative(Some(self.fy), "progress", &label, &paras));
                }
                n = end;
            } else {
                n += 1;
            }
        }
        for f in notes {
            self.src.take(f.line);
            let slot = format!("note:{}", f.marker);
            item.narratives.push(narrative(Some(self.fy), &slot, &format!("({})", f.marker), &[f.text]));
        }
        self.city.items.push(item);
        Ok(end)
    }

    /// `(注1) …`, `（注 4）…`, `(※) …` lines from `from` up to the next
    /// heading; returns them and the line where the notes stop.
    fn read_footnotes(&mut self, from: usize, to: usize) -> (Vec<Footnote>, usize) {
        let mut notes = Vec::new();
        let mut n = from;
        while n < to {
            let line = self.src.line(n).trim();
            if line.is_empty() {
                n += 1;
                continue;
            }
            let Some(marker) = footnote_marker(line) else { break };
            self.src.take(n);
            notes.push(Footnote { marker, text: line.to_string(), line: n, used: false });
            n += 1;
        }
        (notes, n)
    }

    /// Adds one table row as an indicator, or as a second printing of an
    /// indicator already read; returns the indicator's name.
    fn add_indicator(&mut self, row: &TableRow, table: &Table, owner: &Owner, notes: &mut [Footnote]) -> String {
        let (source, node) = (owner.source.as_str(), &owner.node);
        self.src.take(row.line);
        let (name, mut markers) = clean_name(row.name);
        for c in &row.cells {
            markers.extend(cell_markers(c));
        }
        let definition: Vec<String> = notes
            .iter_mut()
            .filter(|f| markers.contains(&f.marker))
            .map(|f| {
                f.used = true;
                f.text.clone()
            })
            .collect();
        let values: Vec<ValueRow> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| ValueRow {
                fiscal_year: col.year,
                role: col.role,
                printed: row.cells.get(i).map_or("", |c| c.trim()).to_string(),
                source: Some(source.to_string()),
                printed_in: None,
            })
            .collect();
        if row.cells.len() != table.columns.len() {
            self.findings.push(self.finding(
                "table_shape",
                row.line,
                &format!(
                    "表の列数（{}）と行のセル数（{}）が一致しません。先頭から順に列に当てはめました",
                    table.columns.len(),
                    row.cells.len()
                ),
            ));
        }
        let existing = self.by_name.get(&squeeze(&name)).cloned();
        let key = existing.unwrap_or_else(|| format!("{}:{name}", owner.item));
        self.printings.push(Printing { key: key.clone(), source: source.into(), line: row.line });
        if let Some(ind) = self.city.indicators.iter_mut().find(|i| i.key == key) {
            ind.values.extend(values);
            if !definition.is_empty() {
                let mut text = ind.definition.take().unwrap_or_default();
                for d in definition {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&d);
                }
                ind.definition = Some(text);
            }
            return name;
        }
        let unit = unit_of(&name, &values);
        self.city.indicators.push(IndicatorRow {
            key,
            name: name.clone(),
            kind: owner.kind,
            definition: (!definition.is_empty()).then(|| definition.join("\n")),
            unit,
            direction: direction_of(&name),
            vocabulary: None,
            item: Some(owner.item.clone()),
            node: Some(node.clone()),
            related: None,
            values,
            judgements: Vec::new(),
        });
        name
    }

    // ------------------------------------------------------------ plan 2

    fn read_strategy(&mut self, m: &Landmarks) -> Result<(), ImportError> {
        let name = "三鷹市まち・ひと・しごと創生総合戦略";
        let mut plan = PlanRow {
            code: STRATEGY.into(),
            name: name.into(),
            level_names: vec!["基本目標".into()],
            nodes: Vec::new(),
        };
        let (from, to) = (m.strategy, m.chapter2);
        let goal_lines: Vec<(usize, u32)> =
            (from..to).filter_map(|n| goal_heading(self.src.line(n)).map(|g| (n, g))).collect();
        for (i, &(n, goal)) in goal_lines.iter().enumerate() {
            let end = goal_lines
                .get(i + 1)
                .map(|&(next, _)| next)
                .into_iter()
                .chain((n + 1..to).find(|&k| is_overview_heading(self.src.line(k).trim())))
                .min()
                .unwrap_or(to);
            self.src.take(n);
            let first = next_filled(self.src, n + 1, end);
            if first.is_some_and(|k| is_table_header(self.src.line(k))) {
                if plan.nodes.iter().all(|node| node.code != format!("基本目標{goal}")) {
                    let message = format!("基本目標{goal}の KPI ですが、基本目標{goal}の記載が見つかりません");
                    self.findings.push(self.finding("unknown_node", n, &message));
                }
                self.read_kpi_block(goal, first.unwrap_or(end), end)?;
            } else {
                self.read_goal_block(&mut plan, goal, n + 1, end)?;
            }
        }
        let overview = self.overview_item(STRATEGY, name, "", from, to);
        self.city.items.push(overview);
        self.city.plans.push(plan);
        Ok(())
    }

    /// `ア 基本目標1`, its title, `(施策の方向)` paragraphs and its 数値目標.
    fn read_goal_block(&mut self, plan: &mut PlanRow, goal: u32, from: usize, to: usize) -> Result<(), ImportError> {
        let code = format!("基本目標{goal}");
        let direction = (from..to).find(|&n| squeeze(self.src.line(n)) == "(施策の方向)").unwrap_or(to);
        let title: String = (from..direction).map(|n| self.src.line(n).trim()).collect();
        self.src.take_range(from, direction.min(to - 1));
        let header = (direction..to).find(|&n| is_table_header(self.src.line(n))).unwrap_or(to);
        let paras = self.paragraphs(direction + 1, header);
        let key = format!("strategy:{code}");
        plan.nodes.push(NodeRow { code: code.clone(), parent: None, title: title.clone(), tags: Vec::new() });
        let mut item = ItemRow {
            key: key.clone(),
            kind: "goal".into(),
            code: code.clone(),
            title,
            fiscal_year: Some(self.fy),
            placements: vec![PlacementRow { plan: STRATEGY.into(), node: code.clone(), relisting: false }],
            ..ItemRow::default()
        };
        if !paras.is_empty() {
            item.narratives.push(narrative(None, "direction", "施策の方向", &paras));
        }
        self.city.items.push(item);
        if header < to {
            let table = read_table(self.src, header)?;
            let (mut notes, _) = self.read_footnotes(table.end, to);
            let owner = strategy_owner(&code, "数値目標");
            for row in &table.rows {
                self.add_indicator(row, &table, &owner, &mut notes);
            }
            self.keep_unused_notes(&key, notes);
        }
        Ok(())
    }

    /// `ア 基本目標 1` under 重要業績評価指標: the KPI table and its notes.
    fn read_kpi_block(&mut self, goal: u32, header: usize, to: usize) -> Result<(), ImportError> {
        let code = format!("基本目標{goal}");
        let key = format!("strategy:{code}");
        let table = read_table(self.src, header)?;
        let (mut notes, _) = self.read_footnotes(table.end, to);
        let owner = strategy_owner(&code, "KPI");
        for row in &table.rows {
            self.add_indicator(row, &table, &owner, &mut notes);
        }
        self.keep_unused_notes(&key, notes);
        Ok(())
    }

    /// Notes no row refers to stay with the item they were printed under.
    fn keep_unused_notes(&mut self, item_key: &str, notes: Vec<Footnote>) {
        let fy = self.fy;
        let Some(item) = self.city.items.iter_mut().find(|i| i.key == item_key) else { return };
        for f in notes.into_iter().filter(|f| !f.used) {
            let slot = format!("note:{}", f.marker);
            item.narratives.push(narrative(Some(fy), &slot, &format!("({})", f.marker), &[f.text]));
        }
    }

    // ------------------------------------------------------------ plan 3

    fn read_action_plan(&mut self, m: &Landmarks) -> Result<(), ImportError> {
        let name = "三鷹市都市経営アクションプラン 2022";
        let mut plan = PlanRow {
            code: ACTION_PLAN.into(),
            name: name.into(),
            level_names: vec!["自治体経営の基本的な考え方".into(), "体系".into(), "個別課題".into()],
            nodes: Vec::new(),
        };
        self.read_action_tree(&mut plan, m.chapter2, m.issues);
        let chapter_title = self.chapter_title(m.chapter2);
        let first_system = (m.issues..=self.src.len()).find(|&n| system_heading(self.src.line(n)).is_some());
        let body = self.chapter_body_start(m.chapter2, m.issues);
        let overview = self.overview_item(ACTION_PLAN, name, &chapter_title, body, first_system.unwrap_or(m.issues));
        self.city.items.push(overview);
        self.read_issues(&mut plan, m.issues)?;
        self.city.plans.push(plan);
        Ok(())
    }

    /// `◇自治体経営の基本的な考え方(1) 行政の役割転換` and `体系 1 ⇥ 創造的な…`.
    fn read_action_tree(&mut self, plan: &mut PlanRow, from: usize, to: usize) {
        let mut principle: Option<String> = None;
        for n in from..to {
            let line = self.src.line(n).trim();
            if let Some(rest) = line.strip_prefix("◇自治体経営の基本的な考え方") {
                let rest = fold_width(rest);
                let Some((num, title)) = rest.trim().strip_prefix('(').and_then(|r| r.split_once(')')) else {
                    continue;
                };
                let code = format!("({})", num.trim());
                plan.nodes.push(NodeRow { code: code.clone(), parent: None, title: title.trim().into(), tags: vec![] });
                principle = Some(code);
                self.src.take(n);
            } else if let (Some(parent), Some((k, title))) = (&principle, system_heading(line)) {
                let code = format!("体系{k}");
                self.headings.insert(squeeze(line));
                plan.nodes.push(NodeRow { code, parent: Some(parent.clone()), title, tags: Vec::new() });
                self.src.take(n);
            }
        }
    }

    /// `体系1 …` headings and the issue blocks under them: `1-(2) ⇥ title ⇥
    /// 部`, `概要 ⇥ …`, `令和2年度の取組状況等 ⇥ …`.
    fn read_issues(&mut self, plan: &mut PlanRow, from: usize) -> Result<(), ImportError> {
        self.take_heading(from);
        let mut system: Option<String> = None;
        let mut n = from + 1;
        while n <= self.src.len() {
            let line = self.src.line(n);
            if let Some((k, title)) = system_heading(line.trim()).filter(|_| !line.contains('\t')) {
                let code = format!("体系{k}");
                self.src.take(n);
                if !self.check_title(plan, &code, &title, n) {
                    // Keep the issues under it reachable: the heading becomes a top-level node.
                    plan.nodes.push(NodeRow { code: code.clone(), parent: None, title, tags: Vec::new() });
                }
                system = Some(code);
                n += 1;
                continue;
            }
            let cells = self.src.cells(n);
            let (Some(sys), Some(code)) = (&system, issue_code(cells[0])) else {
                n += 1;
                continue;
            };
            if plan.nodes.iter().any(|node| node.code == code) {
                // A second block with the same code would break stable keys: it
                // is left unread, for a person to see.
                let message = format!("個別課題「{code}」が二度記載されています。二つ目は取り込んでいません");
                self.findings.push(self.finding("duplicate_code", n, &message));
                n += 1;
                continue;
            }
            self.src.take(n);
            let (title, mut tags) = issue_title(cells.get(1).copied().unwrap_or(""));
            let mut sections = Vec::new();
            for dept in plain(cells.get(2).copied().unwrap_or("")).split_whitespace() {
                if dept == "全庁" {
                    tags.push(dept.to_string());
                } else {
                    let s = SectionRow { department: dept.into(), section: String::new() };
                    self.add_section(&s);
                    sections.push(s);
                }
            }
            plan.nodes.push(NodeRow {
                code: code.clone(),
                parent: Some(sys.clone()),
                title: title.clone(),
                tags: tags.clone(),
            });
            let mut item = ItemRow {
                key: format!("action:{code}"),
                kind: "issue".into(),
                code: code.clone(),
                title,
                fiscal_year: Some(self.fy),
                tags,
                placements: vec![PlacementRow { plan: ACTION_PLAN.into(), node: code.clone(), relisting: false }],
                sections,
                ..ItemRow::default()
            };
            n += 1;
            while n <= self.src.len() {
                let cells = self.src.cells(n);
                let label = squeeze(&plain(cells[0]));
                if self.src.line(n).trim().chars().all(|c| c == '-' || c.is_whitespace()) {
                    n += 1;
                    continue;
                }
                let progress_year = fiscal_year_prefix(&label).filter(|_| label.ends_with("取組状況等"));
                let (slot, fy) = if label == "概要" {
                    ("overview", None)
                } else if progress_year.is_some() {
                    ("progress", progress_year)
                } else {
                    break;
                };
                self.src.take(n);
                let text = cells[1..].join("\n");
                item.narratives.push(NarrativeRow {
                    fiscal_year: fy,
                    slot: slot.into(),
                    label,
                    text: Narrative::from_html_fragment(&text),
                });
                n += 1;
            }
            // Every issue prints its 概要 and its year's 取組状況等.
            for (slot, what) in [("overview", "概要"), ("progress", "取組状況等")] {
                if !item.narratives.iter().any(|r| r.slot == slot) {
                    return Err(outline::incomplete(
                        self.src,
                        n.saturating_sub(1).max(1),
                        &format!("個別課題 {code} に「{what}」の行がありません"),
                    ));
                }
            }
            self.city.items.push(item);
        }
        Ok(())
    }

    // ------------------------------------------------------------ shared

    /// The item that keeps a plan's introductory text: every paragraph of
    /// `from..to` not read otherwise, under its printed heading.
    fn overview_item(&mut self, plan: &str, name: &str, intro_label: &str, from: usize, to: usize) -> ItemRow {
        let mut item = ItemRow {
            key: format!("overview:{plan}"),
            kind: "overview".into(),
            // The plan's introduction carries no printed number.
            code: String::new(),
            title: name.into(),
            fiscal_year: Some(self.fy),
            ..ItemRow::default()
        };
        let mut slot = "intro".to_string();
        let mut label = intro_label.to_string();
        let mut top = String::new();
        let mut paras: Vec<String> = Vec::new();
        let mut n = from;
        while n < to {
            let line = self.src.line(n).trim();
            if line.is_empty() || self.src.is_taken(n) {
                n += 1;
                continue;
            }
            if let Some((next_slot, next_label)) = overview_heading(line, &mut top) {
                self.take_heading(n);
                flush_narrative(&mut item, &slot, &label, &mut paras);
                (slot, label) = (next_slot, next_label);
                n += 1;
                continue;
            }
            let (para, next) = self.paragraph_at(n, to);
            paras.push(para);
            n = next;
        }
        flush_narrative(&mut item, &slot, &label, &mut paras);
        item
    }

    /// Paragraphs of `from..to`: runs of non-blank lines, wrapped lines joined.
    fn paragraphs(&self, from: usize, to: usize) -> Vec<String> {
        let mut paras = Vec::new();
        let mut n = from;
        while n < to {
            if self.src.line(n).trim().is_empty() || self.src.is_taken(n) {
                n += 1;
                continue;
            }
            let (para, next) = self.paragraph_at(n, to);
            paras.push(para);
            n = next;
        }
        paras
    }

    /// The paragraph starting at line `from`: the run of lines up to a blank
    /// or already read line, read as one text (a wrapped line continues the
    /// previous one, with no space in Japanese; the extraction's `**`
    /// emphasis marks are dropped like other markup). Returns it and the
    /// line after it.
    fn paragraph_at(&self, from: usize, to: usize) -> (String, usize) {
        let end = (from..to).find(|&n| self.src.line(n).trim().is_empty() || self.src.is_taken(n)).unwrap_or(to);
        self.src.take_range(from, end - 1);
        ((from..end).map(|k| self.src.line(k).trim().replace("**", "")).collect(), end)
    }

    /// `第1章` with its title on the next non-blank line; both are read.
    fn chapter_title(&mut self, chapter: usize) -> String {
        self.src.take(chapter);
        let Some(t) = next_filled(self.src, chapter + 1, self.src.len() + 1) else { return String::new() };
        self.src.take(t);
        let title = self.src.line(t).trim();
        self.headings.insert(squeeze(&format!("{}{title}", self.src.line(chapter))));
        title.to_string()
    }

    /// The first line of a chapter's own text, after the title page that
    /// lists the sections (`- …` lines and headings printed again later).
    fn chapter_body_start(&self, chapter: usize, to: usize) -> usize {
        let later: BTreeSet<String> = (to..=self.src.len()).map(|n| heading_key(self.src.line(n))).collect();
        let mut n = next_filled(self.src, chapter + 1, to).map_or(to, |t| t + 1);
        while n < to {
            let line = self.src.line(n).trim();
            let repeat = line.starts_with("- ") || (!line.is_empty() && self.is_printed_later(n, to, &later));
            if !(line.is_empty() || repeat || self.src.is_taken(n)) {
                return n;
            }
            n += 1;
        }
        to
    }

    /// Whether line `n` is a heading printed again before `to` or after it.
    fn is_printed_later(&self, n: usize, to: usize, later: &BTreeSet<String>) -> bool {
        let key = heading_key(self.src.line(n));
        later.contains(&key) || (n + 1..to).any(|k| heading_key(self.src.line(k)) == key)
    }

    fn take_heading(&mut self, n: usize) {
        self.src.take(n);
        self.headings.insert(heading_key(self.src.line(n)));
    }

    /// A heading whose title differs from the plan's structure table: the
    /// structure's title is kept, the difference reported.
    /// Returns false when the code is not in the structure table at all.
    fn check_title(&mut self, plan: &PlanRow, code: &str, printed: &str, line: usize) -> bool {
        self.headings.insert(heading_key(self.src.line(line)));
        let Some(node) = plan.nodes.iter().find(|n| n.code == code) else {
            self.findings.push(self.finding("unknown_node", line, &format!("「{code}」は体系の一覧にありません")));
            return false;
        };
        if squeeze(&node.title) != squeeze(printed) {
            let message = format!(
                "見出しの名称「{printed}」が体系の一覧の「{}」と異なります。一覧の名称で取り込みました",
                node.title
            );
            self.findings.push(self.finding("title_mismatch", line, &message));
        }
        true
    }

    fn add_missing_node(&mut self, plan: &mut PlanRow, code: &str, title: &str, line: usize) {
        let parent = code.rsplit_once('-').map(|(p, _)| p.to_string());
        let parent = parent.filter(|p| plan.nodes.iter().any(|n| &n.code == p)).or_else(|| {
            let part = code.trim_start_matches('第').split('-').next().unwrap_or("");
            Some(format!("第{part}部"))
        });
        plan.nodes.push(NodeRow { code: code.into(), parent, title: title.into(), tags: Vec::new() });
        self.findings.push(self.finding(
            "unknown_node",
            line,
            &format!("施策「{code} {title}」が施策体系の一覧にありません。見出しから追加しました"),
        ));
    }

    fn add_section(&mut self, s: &SectionRow) {
        if !self.city.sections.contains(s) {
            self.city.sections.push(s.clone());
        }
    }

    /// The paper says how many 施策 and 目標指標 the plan has; they must
    /// match what was read.
    fn check_printed_counts(&mut self) {
        let measures = self.city.items.iter().filter(|i| i.kind == "measure").count();
        let rows = self.measure_rows;
        for n in 1..=self.src.len() {
            let line = self.src.line(n);
            for (printed, counted, what) in [
                (number_before(line, "施策に定められた"), measures, "施策"),
                (number_before(line, "の施策で構成"), measures, "施策"),
                (number_before(line, "の「目標指標」"), rows, "目標指標"),
                (number_before(line, "のまちづくり指標"), rows, "目標指標"),
            ] {
                if let Some(p) = printed.filter(|&p| p != counted) {
                    let message = format!("本文では{what}が{p}とされていますが、読み取った{what}は{counted}です");
                    self.findings.push(self.finding("count_mismatch", n, &message));
                }
            }
        }
    }

    /// An indicator printed in two tables: the printings of one fiscal
    /// year must agree. Both stay; a disagreement is reported. Printings of
    /// the same year and role are compared when the batch is applied; this
    /// compares what that cannot see: the strategy's 戦略策定時 (a baseline)
    /// against the 施策 table's actual of the same year.
    fn check_conflicts(&mut self) {
        let mut found = Vec::new();
        for ind in &self.city.indicators {
            let sources: BTreeSet<&str> = ind.values.iter().filter_map(|v| v.source.as_deref()).collect();
            if sources.len() < 2 {
                continue;
            }
            for (i, a) in ind.values.iter().enumerate() {
                for b in &ind.values[i + 1..] {
                    let measured = |r: ValueRole| r != ValueRole::Target;
                    let comparable = a.fiscal_year == b.fiscal_year
                        && a.source != b.source
                        && a.role != b.role
                        && measured(a.role)
                        && measured(b.role);
                    if comparable && !same_value(&a.printed, &b.printed) {
                        found.push((ind.key.clone(), ind.name.clone(), a.clone(), b.clone()));
                    }
                }
            }
        }
        for (key, name, a, b) in found {
            let line = self
                .printings
                .iter()
                .find(|p| p.key == key && Some(&p.source) == b.source.as_ref())
                .map_or(0, |p| p.line);
            let message = format!(
                "指標「{name}」の{}の値が表によって異なります（{}の{}「{}」、{}の{}「{}」）。両方の記載を保持しました",
                b.fiscal_year.label(),
                a.source.as_deref().unwrap_or(""),
                a.role.label(),
                a.printed,
                b.source.as_deref().unwrap_or(""),
                b.role.label(),
                b.printed
            );
            self.findings.push(self.finding("value_conflict", line, &message));
        }
    }

    fn finding(&self, kind: &str, line: usize, message: &str) -> Finding {
        Finding {
            municipality: Some(CITY_CODE.into()),
            kind: kind.into(),
            file: self.src.file.clone(),
            line: (line > 0).then_some(line),
            text: self.src.line(line).trim().to_string(),
            message: message.into(),
        }
    }

    fn finish(mut self) -> Batch {
        let headings = std::mem::take(&mut self.headings);
        let unplaced = self.src.unplaced(CITY_CODE, |line| is_layout(line, &headings));
        self.findings.extend(unplaced);
        Batch { cities: vec![self.city], findings: self.findings }
    }
}

// ---------------------------------------------------------------- tables

/// Reads an indicator table from its header: either two header lines
/// (`⇥計画策定時⇥達成値⇥⇥⇥目標値` over `⇥平成22年度⇥平成26年度 (前期)…`) or
/// one (`指標⇥実績値 (平成 26 年度)⇥…`), then rows up to a blank line.
fn read_table<'a>(src: &Source<'a>, header: usize) -> Result<Table<'a>, ImportError> {
    let first = src.cells(header);
    let fail = |n: usize, what: &str| {
        ImportError::new(Place::line(&src.file, n), format!("表の見出し「{what}」を読み取れません"))
    };
    let mut columns = Vec::new();
    let body = if first[0].is_empty() {
        let years = src.cells(header + 1);
        for (i, cell) in years.iter().enumerate().skip(1).filter(|(_, c)| !c.is_empty()) {
            let word = first[1..=i.min(first.len() - 1)].iter().rev().find(|c| !c.is_empty()).copied().unwrap_or("");
            let role = role_of(word).ok_or_else(|| fail(header, word))?;
            let year = parse_year(cell).ok_or_else(|| fail(header + 1, cell))?;
            columns.push(Column { role, year });
        }
        src.take_range(header, header + 1);
        header + 2
    } else {
        for cell in first[1..].iter().filter(|c| !c.is_empty()) {
            let folded = squeeze(cell);
            let (word, rest) = folded.split_once('(').ok_or_else(|| fail(header, cell))?;
            let role = role_of(word).ok_or_else(|| fail(header, cell))?;
            let year =
                rest.strip_suffix(')').and_then(|y| FiscalYear::parse(y).ok()).ok_or_else(|| fail(header, cell))?;
            columns.push(Column { role, year });
        }
        src.take(header);
        header + 1
    };
    let mut rows = Vec::new();
    let mut n = body;
    while n <= src.len() && !src.line(n).trim().is_empty() {
        let cells = src.cells(n);
        rows.push(TableRow { line: n, name: cells[0], cells: cells[1..].to_vec() });
        n += 1;
    }
    Ok(Table { columns, rows, end: n })
}

/// The role of a column from its printed caption.
fn role_of(word: &str) -> Option<ValueRole> {
    match squeeze(word).as_str() {
        "計画策定時" | "戦略策定時" | "現状値" => Some(ValueRole::Baseline),
        "達成値" | "実績値" => Some(ValueRole::Actual),
        "目標値" => Some(ValueRole::Target),
        _ => None,
    }
}

/// `平成26年度 (前期)`, `令和2(2020) 年度`: the remark in brackets after the
/// year is dropped.
fn parse_year(cell: &str) -> Option<FiscalYear> {
    FiscalYear::parse(cell).ok().or_else(|| {
        let s = squeeze(cell);
        let (year, _) = s.rsplit_once('(').filter(|(_, r)| r.ends_with(')'))?;
        FiscalYear::parse(year).ok()
    })
}

fn is_table_header(line: &str) -> bool {
    let first = line.split('\t').next().unwrap_or("").trim();
    line.contains('\t') && matches!(first, "指標" | "目標項目")
}

/// An indicator name without the spaces of wrapped cells and without its
/// footnote markers (`(注)`, `（注 4）`), which are returned.
fn clean_name(printed: &str) -> (String, Vec<String>) {
    let mut name: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
    let mut markers = Vec::new();
    while let Some((start, end, marker)) = find_marker(&name) {
        markers.push(marker);
        name.replace_range(start..end, "");
    }
    (name, markers)
}

/// The first `(注…)` or `（注…）` in `s`: byte range and marker (`注4`).
fn find_marker(s: &str) -> Option<(usize, usize, String)> {
    let start = s.find("(注").or_else(|| s.find("（注"))?;
    let rest = &s[start..];
    let close = rest.char_indices().find(|(_, c)| *c == ')' || *c == '）')?.0;
    let end = start + close + rest[close..].chars().next()?.len_utf8();
    let marker = squeeze(&s[start..end]);
    Some((start, end, marker.trim_start_matches('(').trim_end_matches(')').to_string()))
}

/// Footnote markers inside a value cell: `32.00% (注2)`, `2件 (④※⑤)`.
fn cell_markers(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut s: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    while let Some((start, end, marker)) = find_marker(&s) {
        out.push(marker);
        s.replace_range(start..end, "");
    }
    if s.contains('※') {
        out.push("※".into());
    }
    out
}

/// The marker of a note line: `(注1) 特定道路：…` → `注1`; also `（注 4）…`,
/// `(※) …`, `(注) …`.
fn footnote_marker(line: &str) -> Option<String> {
    let folded = fold_width(line);
    let (marker, _) = folded.strip_prefix('(')?.split_once(')')?;
    let marker = squeeze(marker);
    (marker.starts_with('注') || marker == "※").then_some(marker)
}

/// The unit shared by the quantity cells, else a unit printed in the name
/// like `(t-CO2)`.
fn unit_of(name: &str, values: &[ValueRow]) -> Option<String> {
    let units: BTreeSet<String> = values
        .iter()
        .filter_map(|v| match IndicatorCell::parse(&v.printed).meaning() {
            CellMeaning::Quantity(q) if !q.unit.is_empty() => Some(q.unit.clone()),
            CellMeaning::Bound(b) if !b.unit.is_empty() => Some(b.unit.clone()),
            _ => None,
        })
        .collect();
    if units.len() == 1 {
        return units.into_iter().next();
    }
    if !units.is_empty() {
        return None;
    }
    let (_, inner) = name.rsplit_once('(')?;
    let unit = inner.split(')').next()?;
    (!unit.is_empty() && unit.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).then(|| unit.to_string())
}

/// Two printings mean the same when they parse the same (`2,554人` and
/// `2,554 人`); blanks and placeholders are not compared.
fn same_value(a: &str, b: &str) -> bool {
    let (a, b) = (IndicatorCell::parse(a), IndicatorCell::parse(b));
    a.is_empty_value() || b.is_empty_value() || (a.meaning() == b.meaning() && a.data_period() == b.data_period())
}

// ---------------------------------------------------------------- headings

struct MeasureHeading {
    number: u32,
    sub: Option<u32>,
    title: String,
    sections: Vec<SectionRow>,
}

impl MeasureHeading {
    fn code(&self, part: &str) -> String {
        match self.sub {
            Some(s) => format!("第{part}-{}-{s}", self.number),
            None => format!("第{part}-{}", self.number),
        }
    }
}

/// `第1部 世界に開かれた…` (no tab: the table of contents has page numbers).
fn part_heading(line: &str) -> Option<(String, String)> {
    if line.contains('\t') {
        return None;
    }
    let (p, rest) = leading_number(line.strip_prefix('第')?)?;
    let title = rest.strip_prefix('部')?.trim();
    (!title.is_empty()).then(|| (p.to_string(), title.to_string()))
}

/// `第1 国際化の推進 [主な担当課] 企画部企画経営課`, `第4-1 商業環境の充実 …`.
fn measure_heading(line: &str) -> Option<MeasureHeading> {
    let (head, unit) = line.split_once("[主な担当課]")?;
    let (number, rest) = leading_number(head.trim().strip_prefix('第')?)?;
    let (sub, rest) = match rest.strip_prefix('-') {
        Some(r) => leading_number(r).map(|(s, r)| (Some(s), r))?,
        None => (None, rest),
    };
    Some(MeasureHeading { number, sub, title: rest.trim().to_string(), sections: responsible(unit.trim()) })
}

/// `企画部企画経営課` → 企画部 / 企画経営課; `スポーツと文化部芸術文化課・生涯学習課`
/// → two sections of one department.
fn responsible(printed: &str) -> Vec<SectionRow> {
    let Some(i) = printed.find('部') else {
        return vec![SectionRow { department: printed.into(), section: String::new() }];
    };
    let (dept, rest) = printed.split_at(i + '部'.len_utf8());
    let sections: Vec<&str> = rest.split('・').map(str::trim).filter(|s| !s.is_empty()).collect();
    if sections.is_empty() {
        return vec![SectionRow { department: dept.into(), section: String::new() }];
    }
    sections.into_iter().map(|s| SectionRow { department: dept.into(), section: s.into() }).collect()
}

/// Where a 施策 report ends: the next 施策 or 部 heading, or 第3節.
fn is_measure_boundary(line: &str) -> bool {
    measure_heading(line).is_some() || part_heading(line).is_some() || line.starts_with("第3節")
}

/// `ア 基本目標1`, `イ 基本目標 2`.
fn goal_heading(line: &str) -> Option<u32> {
    let line = line.trim();
    let mut chars = line.chars();
    let mark = chars.next()?;
    if !"アイウエオカキクケコ".contains(mark) || !chars.next().is_some_and(char::is_whitespace) {
        return None;
    }
    let rest = squeeze(chars.as_str());
    let (n, tail) = leading_number(rest.strip_prefix("基本目標")?)?;
    tail.is_empty().then_some(n)
}

/// `体系1 創造的な自治体経営の推進`, `体系 1 ⇥ 創造的な…`.
fn system_heading(line: &str) -> Option<(u32, String)> {
    let rest = line.trim().strip_prefix("体系")?.trim_start();
    let (k, title) = leading_number(rest)?;
    let title = title.trim();
    (!title.is_empty()).then(|| (k, title.to_string()))
}

/// `1-(2)`, `3 - (14)`, `<p>3-(2)</p>`, `10- (3)`, `5-2)` → `3-(14)`.
fn issue_code(cell: &str) -> Option<String> {
    let s = squeeze(&plain(cell));
    let (a, rest) = leading_number(&s)?;
    let rest = rest.strip_prefix('-')?;
    let rest = rest.strip_prefix('(').unwrap_or(rest);
    let (b, rest) = leading_number(rest)?;
    (rest == ")").then(|| format!("{a}-({b})"))
}

/// An issue title without its 主要 flag (`主要 …`, `【主要】…`).
fn issue_title(cell: &str) -> (String, Vec<String>) {
    let title = plain(cell);
    let title = title.trim();
    let stripped = title
        .strip_prefix("【主要】")
        .or_else(|| title.strip_prefix("主要").filter(|r| r.starts_with(char::is_whitespace)));
    match stripped {
        Some(rest) => (rest.trim().to_string(), vec!["主要".to_string()]),
        None => (title.to_string(), Vec::new()),
    }
}

/// Headings of introductory text: `第1節 …` → `s1`, `1 …` → `1`, `(2) …` →
/// `1-(2)` under `1`. Returns the slot and the printed heading.
fn overview_heading(line: &str, top: &mut String) -> Option<(String, String)> {
    let label = line.replace("**", "").trim().to_string();
    if let Some((n, rest)) = label.strip_prefix('第').and_then(leading_number) {
        if rest.starts_with('節') {
            *top = String::new();
            return Some((format!("s{n}"), label));
        }
        return None;
    }
    if let Some((n, rest)) = label.strip_prefix('(').and_then(leading_number) {
        let rest = rest.strip_prefix(')')?;
        if rest.starts_with(' ') {
            let slot = if top.is_empty() { format!("({n})") } else { format!("{top}-({n})") };
            return Some((slot, label));
        }
        return None;
    }
    let (n, rest) = leading_number(&label)?;
    if rest.starts_with(' ') && !rest.trim().is_empty() && !rest.trim().starts_with(|c: char| c.is_ascii_digit()) {
        *top = n.to_string();
        return Some((n.to_string(), label));
    }
    None
}

fn is_overview_heading(line: &str) -> bool {
    overview_heading(line, &mut String::new()).is_some() || line.starts_with("第2章")
}

/// The key under which a heading's repeats are recognised: without list
/// dashes, page numbers, emphasis and spaces.
fn heading_key(line: &str) -> String {
    let line = line.trim();
    let line = line.strip_prefix("- ").unwrap_or(line);
    let line = match line.rsplit_once('\t') {
        Some((head, page)) if !page.is_empty() && page.chars().all(|c| c.is_ascii_digit()) => head,
        _ => line,
    };
    squeeze(&line.replace("**", ""))
}

/// Layout: a repeat of a heading the reader took (table of contents,
/// chapter title pages), the contents caption, and the cover and colophon.
fn is_layout(line: &str, headings: &BTreeSet<String>) -> bool {
    let key = heading_key(line);
    if headings.contains(&key) {
        return true;
    }
    const COVER: &[&str] = &[
        "「創造的な自治体経営」を目指して",
        "三鷹市",
        "を使用(ただし表紙を除く)",
        "企画部企画経営課行政評価担当",
        "(本誌への、ご意見・ご感想をお寄せください。)",
        "この冊子は庁内で印刷・製本しています。",
    ];
    const COVER_PREFIXES: &[&str] = &["三鷹市自治体経営白書", "古紙パルプ配合率", "〒", "tel", "fax", "E-mail"];
    // The slogan is printed between wave dashes on the colophon.
    let key = key.trim_matches('~');
    COVER.iter().any(|c| key == squeeze(c))
        || COVER_PREFIXES.iter().any(|p| key.starts_with(p))
        || is_issue_date(key)
        || (key.len() == 4 && key.chars().all(|c| c.is_ascii_digit()))
}

/// `令和3(2021)年7月`: the date of issue on the cover and colophon.
fn is_issue_date(s: &str) -> bool {
    s.starts_with("令和") && s.ends_with('月') && s.contains('年') && s.chars().count() <= 14
}

// ---------------------------------------------------------------- text

/// Plain text of a cell that may hold `<p>` fragments and entities.
fn plain(cell: &str) -> String {
    Narrative::from_html_fragment(cell).to_plain_text()
}

fn narrative(fy: Option<FiscalYear>, slot: &str, label: &str, paras: &[String]) -> NarrativeRow {
    NarrativeRow {
        fiscal_year: fy,
        slot: slot.into(),
        label: label.into(),
        text: Narrative::from_html_fragment(&paras.join("\n")),
    }
}

fn flush_narrative(item: &mut ItemRow, slot: &str, label: &str, paras: &mut Vec<String>) {
    if !paras.is_empty() {
        item.narratives.push(narrative(None, slot, label, paras));
        paras.clear();
    }
}

/// `(2) 施策の達成に向けた取り組み状況` → `施策の達成に向けた取り組み状況`.
fn strip_number(line: &str) -> String {
    let folded = fold_width(line);
    match folded.trim().strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((_, rest)) => rest.trim().to_string(),
        None => folded.trim().to_string(),
    }
}

/// Leading ASCII digits as a number, and the rest.
fn leading_number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// The number printed just before `keyword`: `全34施策に定められた` → 34.
fn number_before(line: &str, keyword: &str) -> Option<usize> {
    let at = line.find(keyword)?;
    let digits: String = line[..at].chars().rev().take_while(|c| c.is_ascii_digit()).collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

/// The fiscal year printed at the end of a heading: `… **令和2年度**`.
fn fiscal_year_in(line: &str) -> Option<FiscalYear> {
    let s = squeeze(&line.replace("**", ""));
    let at = ["令和", "平成"].iter().filter_map(|era| s.find(era)).min()?;
    FiscalYear::parse(&s[at..]).ok()
}

/// `令和2年度の取組状況等` → FY2020.
fn fiscal_year_prefix(label: &str) -> Option<FiscalYear> {
    let end = label.find("年度")? + "年度".len();
    FiscalYear::parse(&label[..end]).ok()
}

fn first_exact(src: &Source, text: &str) -> Option<usize> {
    src.numbered().find(|(_, l)| l.trim() == text).map(|(n, _)| n)
}

/// The last line whose squeezed text starts with `prefix`: headings are
/// printed in the table of contents and on the chapter title page first,
/// and last in the body.
fn last_line_starting(src: &Source, prefix: &str) -> Option<usize> {
    src.numbered()
        .filter(|(_, l)| !l.contains('\t') && squeeze(&l.replace("**", "")).starts_with(prefix))
        .map(|(n, _)| n)
        .last()
}

fn next_filled(src: &Source, from: usize, to: usize) -> Option<usize> {
    (from..to).find(|&n| !src.line(n).trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_codes_are_normalised() {
        assert_eq!(issue_code("3 - (14)").as_deref(), Some("3-(14)"));
        assert_eq!(issue_code("<p>3-(2)</p>").as_deref(), Some("3-(2)"));
        assert_eq!(issue_code("10- (3)").as_deref(), Some("10-(3)"));
        assert_eq!(issue_code("5-2)").as_deref(), Some("5-(2)"));
        assert_eq!(issue_code("概要"), None);
    }

    #[test]
    fn names_lose_spaces_and_markers() {
        let (name, markers) = clean_name("特定道路(注1)の整備率");
        assert_eq!((name.as_str(), markers), ("特定道路の整備率", vec!["注1".to_string()]));
        let (name, markers) = clean_name("従業者数（事業所単位）（注 4）");
        assert_eq!((name.as_str(), markers), ("従業者数（事業所単位）", vec!["注4".to_string()]));
        assert_eq!(cell_markers("2件 (④※⑤)"), vec!["※".to_string()]);
        assert_eq!(cell_markers("209 人 (注 1)"), vec!["注1".to_string()]);
    }

    #[test]
    fn responsible_sections() {
        let s = responsible("スポーツと文化部芸術文化課・生涯学習課");
        assert_eq!(s.len(), 2);
        assert_eq!((s[1].department.as_str(), s[1].section.as_str()), ("スポーツと文化部", "生涯学習課"));
    }

    #[test]
    fn every_declared_direction_names_an_indicator() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/002_f160ebe9d3a69d59.txt"))
                .expect("seed");
        let batch = read(&Source::new("002", &text)).expect("reads");
        let names: BTreeSet<String> = batch.cities[0].indicators.iter().map(|i| squeeze(&i.name)).collect();
        for (name, _) in DIRECTIONS {
            assert!(names.contains(&squeeze(name)), "no indicator named {name}");
        }
    }
}
