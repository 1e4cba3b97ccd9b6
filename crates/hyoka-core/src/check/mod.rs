//! Consistency checks (整合性チェック): the rules that find the real
//! mistakes in a sheet and across a city's year.
//!
//! A rule is a plain function registered in [`RULES`] with a stable code, a
//! Japanese title and an explanation. [`check_sheet`] runs the sheet rules
//! over one sheet (while it is written); [`check_city_year`] runs them over
//! every sheet of a city-year and adds the rules that need the whole year
//! (re-listings, printed counts, plan names). Each [`Flag`] says what
//! disagrees with what, where, and why, with both values as printed.
//!
//! Pure: the caller fills [`input`] from the store, whatever way the data
//! came in. Every rule is linear in its input (look-ups go through maps),
//! and [`check_city_year`] shares the sheets among the cores
//! (docs/checks.md, 速さの実測).

pub mod bands;
mod flag;
pub mod input;
mod prose;
mod rules;
mod similar;
mod view;

use std::collections::HashMap;

pub use flag::{apply_acknowledgements, is_reading_note, Acknowledgement, Flag, FlagKind, Place, Severity, Side};
pub use input::{
    CityYearInput, Counted, GradeBand, IndicatorInput, JudgementInput, Located, NameField, NodeInput, PlacementInput,
    PlanInput, Printing, Relisting, ScaleInput, SheetInput, TallyInput, ValueInput,
};

use crate::judgement::JudgementVocabulary;
use view::{CityView, SheetView};

/// Whether a rule looks at one sheet or at the whole city-year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Sheet,
    CityYear,
}

/// One consistency rule.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable code, used in stored flags and acknowledgements.
    pub code: &'static str,
    /// Short Japanese title: `記述と表の数値の食い違い`.
    pub title: &'static str,
    /// What the rule compares, in plain Japanese.
    pub explanation: &'static str,
    pub scope: Scope,
    run: Run,
}

#[derive(Clone, Copy)]
enum Run {
    Sheet(fn(&SheetView, &mut Out)),
    City(fn(&CityView, &mut Out)),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).field("scope", &self.scope).finish()
    }
}

/// Every rule, in the order their flags are listed.
pub const RULES: &[Rule] = &[
    rules::narrative::NARRATIVE_VS_TABLE,
    rules::narrative::CHANGE_RATE,
    rules::narrative::TEXT_SUM,
    rules::narrative::TEXT_SHARE,
    rules::judgement::JUDGEMENT_VS_FIGURES,
    rules::judgement::JUDGEMENT_CONFLICT,
    rules::grade::GRADE_VS_ACHIEVEMENT,
    rules::grade::GRADE_ON_SCALE,
    rules::budget::EXECUTION_RATE,
    rules::budget::BUDGET_FIGURES,
    rules::budget::COST,
    rules::words::CRITERION_CATEGORY,
    rules::table::CROSS_TABLE_VALUE,
    rules::table::TWIN_INDICATORS,
    rules::table::COMPOSITE_SUM,
    rules::table::COUNT_VS_LIST,
    rules::trend::TARGET_VS_BASELINE,
    rules::trend::DATA_YEAR,
    rules::trend::REPEATED_VALUE,
    rules::dates::DATE_CONTRADICTION,
    rules::names::NAME_MISMATCH,
    rules::names::PLAN_NAME_MISMATCH,
    rules::relisting::RELISTING_ORIGIN,
    rules::relisting::DOUBLE_COUNT,
    rules::relisting::RELISTING_GRADE,
    rules::relisting::TALLY,
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// What a sheet is checked against besides itself.
#[derive(Clone, Debug, Default)]
pub struct SheetContext<'a> {
    /// The city's scales, with the bands their grades stand for.
    pub scales: &'a [ScaleInput],
    /// The city's judgement vocabularies besides the presets.
    pub vocabularies: &'a [JudgementVocabulary],
    /// Indicators of the sheets above this one (its 施策, its parent
    /// item): the narrative may quote them.
    pub related: Vec<&'a IndicatorInput>,
    /// The city's criteria and direction words.
    pub words: Option<&'a crate::vocabulary::CityVocabulary>,
}

/// Runs every sheet rule over one sheet.
pub fn check_sheet(sheet: &SheetInput, context: &SheetContext) -> Vec<Flag> {
    let view = SheetView::new(sheet, context);
    let mut flags = Vec::new();
    for r in RULES {
        if let Run::Sheet(f) = r.run {
            f(&view, &mut Out { rule: r, flags: &mut flags });
        }
    }
    flags
}

/// Runs every rule over a city-year: the sheet rules on each sheet (with
/// the indicators of the sheets above it), then the city-year rules.
///
/// The sheets are shared among the machine's cores (each sheet's rules
/// read only that sheet and the indicators above it); the flags come out
/// in the sheets' order whatever the number of cores.
pub fn check_city_year(city: &CityYearInput) -> Vec<Flag> {
    let by_key: HashMap<&str, &SheetInput> = city.sheets.iter().map(|s| (s.key.as_str(), s)).collect();
    let one = |sheet: &SheetInput| {
        let context = SheetContext {
            scales: &city.scales,
            vocabularies: &city.vocabularies,
            related: ancestors(sheet, &by_key),
            words: Some(&city.words),
        };
        check_sheet(sheet, &context)
    };
    let mut flags: Vec<Flag> = in_parallel(&city.sheets, one).into_iter().flatten().collect();
    let view = CityView::new(city);
    for r in RULES {
        if let Run::City(f) = r.run {
            f(&view, &mut Out { rule: r, flags: &mut flags });
        }
    }
    flags
}

/// `f` over every element of `items`, on as many threads as the machine
/// has cores (at most one per 64 items), the results in `items`' order.
/// Threads take every n-th element, so that big and small sheets spread
/// evenly. A dozen lines of `std::thread::scope` rather than a thread-pool
/// crate: the one parallel loop of the checks.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / 64).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    let mut parts: Vec<std::vec::IntoIter<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| scope.spawn(move || items.iter().skip(t).step_by(threads).map(f).collect::<Vec<R>>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)).into_iter()).collect()
    });
    (0..items.len()).filter_map(|i| parts[i % threads].next()).collect()
}

/// The indicators of the sheets above `sheet`, nearest first. A loop in
/// the parent links stops the walk.
fn ancestors<'a>(sheet: &SheetInput, by_key: &HashMap<&str, &'a SheetInput>) -> Vec<&'a IndicatorInput> {
    let mut out = Vec::new();
    let mut seen = vec![sheet.key.as_str()];
    let mut next = sheet.parent.as_deref();
    while let Some(key) = next {
        let Some(parent) = by_key.get(key) else { break };
        if seen.contains(&parent.key.as_str()) {
            break;
        }
        seen.push(&parent.key);
        out.extend(parent.indicators.iter());
        next = parent.parent.as_deref();
    }
    out
}

/// Where a rule writes its flags; stamps the rule's code.
pub(crate) struct Out<'a> {
    rule: &'static Rule,
    flags: &'a mut Vec<Flag>,
}

impl Out<'_> {
    pub fn push(&mut self, severity: Severity, place: Place, message: String, left: Side, right: Side) {
        self.flags.push(Flag {
            rule: self.rule.code.to_string(),
            kind: FlagKind::Mistake,
            severity,
            place,
            message,
            left,
            right,
            acknowledged: None,
        });
    }
}
