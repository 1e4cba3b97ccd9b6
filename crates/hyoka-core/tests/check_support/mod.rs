//! Helpers for the check tests: the seed documents read by line and cell,
//! and builders for sheets. Cases are taken from the shipped seeds, so a
//! test fails if the document it quotes is not what it says.
#![allow(dead_code)]

use hyoka_core::check::{check_sheet, Flag, IndicatorInput, Located, ScaleInput, SheetContext, SheetInput, ValueInput};
use hyoka_core::money::{MoneyUnit, Yen};
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow};
use hyoka_core::{
    BudgetFigures, Direction, EvaluationScale, Evaluator, FiscalYear, JudgementVocabulary, Narrative, Stage, ValueRole,
};

pub const MITAKA: &str = "000_1a8dd8067da68eba.txt";
pub const MISHIMA: &str = "001_9b686f713a20fe01.txt";
pub const WHITEPAPER: &str = "002_f160ebe9d3a69d59.txt";
pub const KODAIRA: &str = "003_cdfef3ca57f45fe5.txt";
pub const HIGASHIMURAYAMA: &str = "004_14ceec0f4c63a17a.txt";

pub fn seed(file: &str) -> String {
    let path = format!("{}/../../demo/seeds/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Line `n` (1-based) of a seed.
pub fn line(file: &str, n: usize) -> String {
    seed(file).lines().nth(n - 1).unwrap_or_else(|| panic!("{file} has no line {n}")).to_string()
}

/// The non-empty tab-separated cells of a line, trimmed.
pub fn cells(file: &str, n: usize) -> Vec<String> {
    line(file, n).split('\t').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}

/// The cell of line `n` that contains `fragment`; fails if none does.
pub fn cell_with(file: &str, n: usize, fragment: &str) -> String {
    cells(file, n)
        .into_iter()
        .find(|c| c.contains(fragment))
        .unwrap_or_else(|| panic!("{file}:{n} has no cell with 「{fragment}」: {:?}", cells(file, n)))
}

/// Asserts that line `n` contains `text` and returns it: for short
/// quotations inside long cells.
pub fn quote(file: &str, n: usize, text: &str) -> String {
    let l = line(file, n);
    assert!(l.contains(text), "{file}:{n} does not contain 「{text}」: {l}");
    text.to_string()
}

pub fn fy(year: i32) -> FiscalYear {
    FiscalYear::new(year).unwrap()
}

pub fn sheet(key: &str, code: &str, year: i32, file: &str) -> SheetInput {
    SheetInput {
        key: key.into(),
        code: code.into(),
        title: key.into(),
        fiscal_year: Some(fy(year)),
        file: Some(file.into()),
        ..SheetInput::default()
    }
}

/// A narrative from a printed cell (HTML fragments allowed).
pub fn narrative(slot: &str, label: &str, text: &str, line: usize) -> Located<NarrativeRow> {
    Located::at(
        NarrativeRow {
            fiscal_year: None,
            slot: slot.into(),
            label: label.into(),
            text: Narrative::from_html_fragment(text),
        },
        Some(line),
    )
}

pub fn indicator(name: &str, direction: Direction) -> IndicatorInput {
    IndicatorInput::new(name, name, direction)
}

pub fn value(year: i32, role: ValueRole, printed: &str, source: &str, line: usize) -> ValueInput {
    ValueInput::new(fy(year), role, printed).from_source(source).at_line(line)
}

pub fn evaluation(
    year: i32,
    stage: Stage,
    evaluator: Evaluator,
    scale: &str,
    grade: &str,
    line: usize,
) -> Located<EvaluationRow> {
    Located::at(
        EvaluationRow {
            fiscal_year: fy(year),
            stage,
            evaluator,
            scale: Some(scale.into()),
            grade: Some(grade.into()).filter(|g: &String| !g.is_empty()),
            comment: None,
        },
        Some(line),
    )
}

/// A budget line from printed amounts (千円 by default).
pub fn budget(
    year: i32,
    initial: Option<&str>,
    final_budget: Option<&str>,
    settlement: Option<&str>,
    rate: Option<&str>,
    line: usize,
) -> Located<BudgetRow> {
    let yen = |s: Option<&str>| s.map(|s| Yen::parse(s, MoneyUnit::Thousand).unwrap());
    Located::at(
        BudgetRow {
            fiscal_year: fy(year),
            figures: BudgetFigures {
                initial: yen(initial),
                final_budget: yen(final_budget),
                settlement: yen(settlement),
                ..BudgetFigures::default()
            },
            execution_rate_printed: rate.map(Into::into),
        },
        Some(line),
    )
}

pub fn scales() -> Vec<ScaleInput> {
    EvaluationScale::presets().into_iter().map(ScaleInput::new).collect()
}

/// Runs the sheet rules with the preset scales.
pub fn check(sheet: &SheetInput) -> Vec<Flag> {
    let scales = scales();
    let vocabularies: Vec<JudgementVocabulary> = Vec::new();
    check_sheet(sheet, &SheetContext { scales: &scales, vocabularies: &vocabularies, related: Vec::new(), words: None })
}

/// Runs the sheet rules with indicators of a sheet above.
pub fn check_with(sheet: &SheetInput, related: &[IndicatorInput]) -> Vec<Flag> {
    let scales = scales();
    check_sheet(
        sheet,
        &SheetContext { scales: &scales, vocabularies: &[], related: related.iter().collect(), words: None },
    )
}

/// The flags of one rule.
pub fn of<'f>(flags: &'f [Flag], rule: &str) -> Vec<&'f Flag> {
    flags.iter().filter(|f| f.rule == rule).collect()
}

pub fn codes(flags: &[Flag]) -> Vec<&str> {
    flags.iter().map(|f| f.rule.as_str()).collect()
}
