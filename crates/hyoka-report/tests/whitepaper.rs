//! The white paper compiled from the store against the published one (seed
//! 002), on the test backend (SQLite or PostgreSQL per HYOKA_TEST_BACKEND):
//! import the document with hyoka-import, compile the 令和2年度 paper, and
//! compare its 34 施策 tables (68 目標指標) with the document's, cell by
//! cell as printed; then the HTML, the XLSX (read back with calamine) and
//! the PDF (read back with pdftotext).

mod support;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use hyoka_core::text::squeeze;
use hyoka_core::{FiscalYear, ValueRole};
use hyoka_report::whitepaper::{compile_whitepaper, section_heading, Chapter, Column, WhitePaper};
use hyoka_store::testing::TestDb;

const MITAKA: &str = "132047";
const SEED: &str = "002_f160ebe9d3a69d59.txt";
const BASIC_PLAN: &str = "mitaka-basic-plan-4";

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

/// One 施策 table as the document prints it.
#[derive(Debug)]
struct SeedTable {
    code: String,
    title: String,
    columns: Vec<Column>,
    /// (indicator name without spaces and footnote markers, cells as printed).
    rows: Vec<(String, Vec<String>)>,
}

/// `特定道路(注1)の整備率` → `特定道路の整備率`: the name without the
/// spaces of wrapped cells and without footnote markers.
fn clean_name(printed: &str) -> String {
    let mut s: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
    while let Some(start) = s.find("(注").or_else(|| s.find("（注")) {
        let Some(len) = s[start..].find([')', '）']) else { break };
        let close = start + len + s[start + len..].chars().next().unwrap().len_utf8();
        s.replace_range(start..close, "");
    }
    s
}

/// Every 施策 table of the document, found the way a reader would: the
/// part heading (`第2部 …`), the 施策 heading (`第4-1 商業環境の充実 [主な担当課]
/// …`), the two header lines (`⇥計画策定時⇥達成値⇥⇥⇥目標値` over the years)
/// and the rows down to the next blank line.
fn seed_tables() -> Vec<SeedTable> {
    let text = support::seed(SEED);
    let lines: Vec<&str> = text.lines().collect();
    // The 施策 reports follow the last `第2節 各施策の進捗状況` heading.
    let start = lines.iter().rposition(|l| squeeze(l).starts_with("第2節各施策の進捗状況")).expect("the heading");
    let end = lines.iter().rposition(|l| squeeze(l).starts_with("第3節三鷹市まち・ひと・しごと創生総合戦略")).unwrap();
    let mut part = String::new();
    let mut current: Option<(String, String)> = None;
    let mut tables = Vec::new();
    let mut n = start;
    while n < end {
        let line = lines[n].trim_end();
        if !line.contains('\t') && line.starts_with('第') && line.contains("部 ") && !line.contains("[主な担当課]")
        {
            let num: String = line['第'.len_utf8()..].chars().take_while(|c| c.is_ascii_digit()).collect();
            if line['第'.len_utf8() + num.len()..].starts_with('部') {
                part = num;
            }
        }
        if let Some((head, _)) = line.split_once("[主な担当課]") {
            let head = head.trim().strip_prefix('第').unwrap();
            let (number, title) = head.split_once(' ').unwrap();
            current = Some((format!("第{part}-{number}"), title.trim().to_string()));
        }
        if line.starts_with('\t') && line.contains("計画策定時") {
            let (code, title) = current.clone().expect("a table under a 施策");
            let words: Vec<&str> = line.split('\t').skip(1).collect();
            let years: Vec<&str> = lines[n + 1].split('\t').skip(1).collect();
            let mut caption = "";
            let mut columns = Vec::new();
            for (i, year) in years.iter().enumerate() {
                if let Some(w) = words.get(i).filter(|w| !w.trim().is_empty()) {
                    caption = w.trim();
                }
                let role = match caption {
                    "計画策定時" => ValueRole::Baseline,
                    "達成値" => ValueRole::Actual,
                    "目標値" => ValueRole::Target,
                    other => panic!("caption {other}"),
                };
                // `平成26年度 (前期)`: the remark after the year is not part of it.
                let year = squeeze(year);
                let year = &year[..year.find("年度").unwrap() + "年度".len()];
                columns.push(Column { fiscal_year: FiscalYear::parse(year).unwrap(), role });
            }
            let mut rows = Vec::new();
            n += 2;
            while n < end && !lines[n].trim().is_empty() {
                let cells: Vec<&str> = lines[n].split('\t').collect();
                let mut values: Vec<String> = cells[1..].iter().map(|c| c.trim().to_string()).collect();
                values.resize(columns.len(), String::new());
                rows.push((clean_name(cells[0]), values));
                n += 1;
            }
            tables.push(SeedTable { code, title, columns, rows });
            continue;
        }
        n += 1;
    }
    tables
}

fn basic_plan(paper: &WhitePaper) -> &Chapter {
    paper.chapters.iter().find(|c| c.plan_code == BASIC_PLAN).expect("the basic plan is a chapter")
}

async fn paper(db: &TestDb) -> WhitePaper {
    let store = db.store().await;
    support::import(&store, &[SEED]).await;
    compile_whitepaper(&store, MITAKA, fy(2020)).await.expect("the white paper compiles")
}

#[test]
fn the_document_has_34_measure_tables_with_68_indicators() {
    let tables = seed_tables();
    assert_eq!(tables.len(), 34);
    assert_eq!(tables.iter().map(|t| t.rows.len()).sum::<usize>(), 68);
    let first = &tables[0];
    assert_eq!((first.code.as_str(), first.title.as_str()), ("第1-1", "国際化の推進"));
    assert_eq!(first.rows[0].1, ["34,677件", "60,359件", "293,478件", "202,850件", "400,000件"]);
    let years: Vec<(i32, ValueRole)> = first.columns.iter().map(|c| (c.fiscal_year.year(), c.role)).collect();
    assert_eq!(
        years,
        [
            (2010, ValueRole::Baseline),
            (2014, ValueRole::Actual),
            (2018, ValueRole::Actual),
            (2020, ValueRole::Actual),
            (2022, ValueRole::Target)
        ]
    );
}

#[tokio::test]
async fn every_measure_table_prints_what_the_document_prints() {
    let db = TestDb::new().await;
    let paper = paper(&db).await;
    let chapter = basic_plan(&paper);
    let seed = seed_tables();
    let mut compared = 0;
    for st in &seed {
        let section = chapter
            .sections
            .iter()
            .find(|s| s.code == st.code)
            .unwrap_or_else(|| panic!("no section {} {}", st.code, st.title));
        assert_eq!(section.title, st.title, "{}", st.code);
        let tables: Vec<_> = section.tables.iter().filter(|t| t.kind == "目標指標").collect();
        assert_eq!(tables.len(), 1, "{}: one 目標指標 table", st.code);
        let t = tables[0];
        assert_eq!(t.columns, st.columns, "{}: the columns", st.code);
        let got: Vec<(String, Vec<String>)> = t.rows.iter().map(|r| (clean_name(&r.name), r.cells.clone())).collect();
        assert_eq!(got, st.rows, "{}: the rows", st.code);
        compared += t.rows.len();
    }
    assert_eq!(compared, 68);
    // No other node of the plan has an indicator table.
    let with_tables = chapter.sections.iter().filter(|s| !s.tables.is_empty()).count();
    assert_eq!(with_tables, 34);
    assert_eq!((chapter.figures.sections_with_indicators, chapter.figures.indicators), (34, 68));
}

#[tokio::test]
async fn figures_strategy_and_action_plan() {
    let db = TestDb::new().await;
    let paper = paper(&db).await;
    let codes: Vec<&str> = paper.chapters.iter().map(|c| c.plan_code.as_str()).collect();
    assert_eq!(codes, [BASIC_PLAN, "mitaka-sousei-strategy", "mitaka-action-plan-2022"]);
    let basic = basic_plan(&paper);
    let levels: Vec<(&str, usize)> = basic.figures.levels.iter().map(|(n, k)| (n.as_str(), *k)).collect();
    assert_eq!(levels, [("部", 8), ("施策", 31), ("細目", 6)]);
    let t = basic.figures.tally;
    assert_eq!(t.total(), 68);
    assert!(t.judged() >= 60, "most 目標指標 compare their 令和2年度 value with the 令和4年度 target: {t:?}");
    // Crimes go down: 刑法犯罪認知件数 is judged lower-is-better.
    let crimes = basic
        .sections
        .iter()
        .flat_map(|s| &s.tables)
        .flat_map(|t| &t.rows)
        .find(|r| r.name.starts_with("三鷹市内の刑法犯罪認知件数"))
        .unwrap();
    assert_eq!(crimes.direction, hyoka_core::Direction::LowerIsBetter);
    assert!(crimes.achievement.is_judged());
    assert!(basic.sections.iter().any(|s| s.narratives.iter().any(|p| p.label == "施策の達成に向けた取り組み状況")));
    assert!(!basic.intro.is_empty(), "the plan's introduction");

    let strategy = &paper.chapters[1];
    let goals: Vec<&str> = strategy.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(goals, ["基本目標1", "基本目標2", "基本目標3"]);
    for s in &strategy.sections {
        let kinds: Vec<&str> = s.tables.iter().map(|t| t.kind.as_str()).collect();
        assert_eq!(kinds, ["数値目標", "KPI"], "{}", s.code);
        assert!(s.narratives.iter().any(|p| p.label == "施策の方向"), "{}", s.code);
    }
    // A KPI that is also a 目標指標 keeps the KPI table's own cells (戦略策定時 H30).
    let goal2 = &strategy.sections[1];
    let kpi = goal2.tables.iter().find(|t| t.kind == "KPI").unwrap();
    let volunteers = kpi.rows.iter().find(|r| r.name.starts_with("通訳・翻訳ボランティア")).unwrap();
    let baseline = kpi.columns.iter().position(|c| c.role == ValueRole::Baseline).unwrap();
    assert_eq!(kpi.columns[baseline].fiscal_year, fy(2018));
    assert_eq!(volunteers.cells[baseline], "255 人");
    assert_eq!(strategy.figures.indicators, 16, "3 数値目標 and 13 KPIs");

    let action = &paper.chapters[2];
    let issues = action.sections.iter().filter(|s| s.level == 2).count();
    assert_eq!(issues, 82);
    let systems = action.sections.iter().filter(|s| s.level == 1).count();
    assert_eq!(systems, 13);
    let major = action.figures.tags.iter().find(|(t, _)| t == "主要").map_or(0, |(_, k)| *k);
    assert!(major > 0, "主要 issues are flagged");
    assert!(action.sections.iter().any(|s| s.narratives.iter().any(|p| p.label.ends_with("取組状況等"))));
    let html = paper.html();
    assert!(html.contains("【主要】"));
}

#[tokio::test]
async fn html_xlsx_and_pdf_carry_the_same_tables() {
    let db = TestDb::new().await;
    let paper = paper(&db).await;
    let seed = seed_tables();
    let chapter = basic_plan(&paper);

    // HTML: one self-contained page, every 施策 heading in the document's order.
    let html = paper.html();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains(" src="));
    assert!(html.contains("@page { size: A4"));
    let mut at = 0;
    for st in &seed {
        let section = chapter.sections.iter().find(|s| s.code == st.code).unwrap();
        let heading = format!(">{}</h", hyoka_report::html::escape(&section_heading(section)));
        let found = html[at..].find(&heading).unwrap_or_else(|| panic!("heading {heading} not found after byte {at}"));
        at += found + heading.len();
        assert!(heading.contains(&st.title));
    }
    let tables: usize = paper.chapters.iter().flat_map(|c| &c.sections).map(|s| s.tables.len()).sum();
    assert_eq!(html.matches("<caption>").count(), tables + 1, "every table has a caption");
    assert!(html.matches("<th scope=\"row\"").count() >= 68);
    assert!(html.matches("<svg").count() >= 68, "a chart per indicator");

    // XLSX: the basic plan's indicator sheet has every row with the same values.
    let bytes = paper.xlsx().unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("the workbook opens");
    let name = book.sheet_names().into_iter().find(|n| n.starts_with("指標") && n.contains("基本計画")).expect("sheet");
    let range = book.worksheet_range(&name).unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let header = &rows[0];
    let col = |h: &str| header.iter().position(|x| x == h).unwrap_or_else(|| panic!("no column {h}"));
    let mut compared = 0;
    for st in &seed {
        let got: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r[col("体系コード")] == st.code).collect();
        assert_eq!(got.len(), st.rows.len(), "{}", st.code);
        for (row, (name, cells)) in got.iter().zip(&st.rows) {
            assert_eq!(clean_name(&row[col("指標")]), *name);
            assert_eq!(row[col("表")], "目標指標");
            for (c, printed) in st.columns.iter().zip(cells) {
                assert_eq!(&row[col(&c.header())], printed, "{} {name} {}", st.code, c.header());
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 68);
    assert!(book.sheet_names().iter().any(|n| n == "記述") && book.sheet_names().iter().any(|n| n == "体系"));

    // PDF: the text reads back in order with the bundled font.
    let pdf = paper.pdf();
    let text = support::pdf_text(&pdf, &paper.title());
    let mut at = 0;
    for st in &seed {
        let title = squeeze(&st.title);
        let found =
            text[at..].find(&title).unwrap_or_else(|| panic!("{} not found in the PDF text after {at}", st.title));
        at += found + title.len();
        // The table's indicators come after their 施策's heading.
        for (name, _) in &st.rows {
            let head: String = name.chars().take(8).collect();
            assert!(text[at..].contains(&head), "{}: {name} after its heading", st.code);
        }
    }
    // Narratives stay whole across line and page breaks.
    for s in chapter.sections.iter().take(12) {
        for p in &s.narratives {
            for para in p.text.to_plain_text().lines().take(3) {
                assert!(text.contains(&squeeze(para)), "{}: «{para}» is not intact in the PDF text", s.code);
            }
        }
    }
}

/// Every footnote the document prints under its tables (`(注1) 特定道路：…`,
/// `(※) …`, `（注 4）…`) is printed by the white paper, in the HTML and
/// the PDF, whether the import kept it as a note of the 施策 or as the
/// definition of the indicator whose name refers to it.
#[tokio::test]
async fn the_documents_footnotes_are_printed() {
    let db = TestDb::new().await;
    let paper = paper(&db).await;
    let seed = support::seed("002_f160ebe9d3a69d59.txt");
    let notes: Vec<String> = seed
        .lines()
        .map(str::trim)
        .filter(|l| ["(注", "（注", "(※", "（※"].iter().any(|p| l.starts_with(p)))
        .map(|l| squeeze(l).chars().take(24).collect())
        .collect();
    assert!(notes.len() >= 12, "the seed's footnotes: {notes:?}");
    let html = squeeze(&paper.html());
    let pdf = squeeze(&support::pdftotext(&paper.pdf()));
    for n in &notes {
        let escaped = hyoka_report::html::escape(n);
        assert!(html.contains(escaped.as_str()), "the HTML lacks «{n}»");
        assert!(pdf.contains(n.as_str()), "the PDF lacks «{n}»");
    }
}

/// The 施策体系 the document lists after 「次のような施策体系を定めています」:
/// every 部 and every 施策 of the basic plan, in the document's order, in
/// the HTML and the PDF before the first 施策's own section.
#[tokio::test]
async fn the_plan_structure_is_listed_as_the_document_lists_it() {
    let db = TestDb::new().await;
    let paper = paper(&db).await;
    let seed = support::seed("002_f160ebe9d3a69d59.txt");
    let lines: Vec<&str> = seed.lines().collect();
    let start = lines.iter().position(|l| l.contains("次のような施策体系を定めています")).expect("the list's lead");
    // The list: 第N部 lines, and lines of ◆第N 施策 (parts of a 施策 as 1 …, 2 …).
    let mut titles = Vec::new();
    for l in &lines[start + 1..] {
        let l = l.trim().trim_start_matches("- ");
        if l.starts_with('第') && l.contains('部') {
            titles.push(l.split_once(' ').unwrap().1.to_string());
        } else if l.starts_with('◆') {
            for part in l.split('◆').skip(1) {
                let words: Vec<&str> = part.split_whitespace().collect();
                titles.push(words[1].to_string());
            }
        } else if !l.is_empty() {
            break;
        }
    }
    assert!(titles.len() > 8 + 30, "8 部 and their 施策: {titles:?}");
    for (what, text) in [("HTML", squeeze(&paper.html())), ("PDF", squeeze(&support::pdftotext(&paper.pdf())))] {
        let lead = text.find("次のような施策体系を定めています").unwrap();
        let mut at = lead;
        for t in &titles {
            let t = squeeze(t);
            let found = text[at..].find(&t).unwrap_or_else(|| panic!("{what}: «{t}» not listed after byte {at}"));
            at += found + t.len();
        }
        // The first 施策's own section: its table of 目標指標.
        let section = lead + text[lead..].find("目標指標").expect("the first section's table");
        assert!(at < section, "{what}: the list comes before the sections ({at} ≥ {section})");
    }
}
