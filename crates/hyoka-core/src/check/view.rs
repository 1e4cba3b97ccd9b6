//! The input prepared once for all rules: `同左` resolved, prose read into
//! sentences and figures, look-up maps built.

use std::collections::HashMap;

use crate::cell::{CellMeaning, DataPeriod, IndicatorCell, Quantity};
use crate::check::input::{CityYearInput, IndicatorInput, SheetInput, ValueInput};
use crate::check::prose::{canonical, canonical_unit, sentences, Sentence};
use crate::check::{Place, SheetContext};
use crate::judgement::{judge, JudgementVocabulary, Outcome, Verdict};
use crate::number::Number;
use crate::{Direction, FiscalYear, ValueRole};

pub(crate) struct SheetView<'a> {
    pub sheet: &'a SheetInput,
    /// The sheet's own indicators.
    pub own: Vec<Ind<'a>>,
    /// Indicators of the sheets above it.
    pub related: Vec<Ind<'a>>,
    pub scales: &'a [crate::check::ScaleInput],
    pub vocabularies: &'a [JudgementVocabulary],
    /// The city's criteria and direction words, when it keeps any.
    pub words: Option<&'a crate::vocabulary::CityVocabulary>,
    /// Narratives, read into sentences.
    pub narratives: Vec<Text>,
    /// Indicator cells with prose in them (`…57.9% →(107指標のうち、62本)`).
    pub cell_texts: Vec<Text>,
}

pub(crate) struct Ind<'a> {
    pub input: &'a IndicatorInput,
    pub values: Vec<Val<'a>>,
    /// The canonical units its cells print (empty for bare numbers).
    pub units: Vec<String>,
}

pub(crate) struct Val<'a> {
    pub input: &'a ValueInput,
    /// The cell with `同左` replaced by the cell to its left.
    pub cell: IndicatorCell,
}

pub(crate) struct Text {
    /// The heading as printed, or `指標「…」`.
    pub part: String,
    pub slot: String,
    pub fiscal_year: Option<FiscalYear>,
    pub line: Option<usize>,
    pub sentences: Vec<Sentence>,
}

impl<'a> SheetView<'a> {
    pub fn new(sheet: &'a SheetInput, context: &SheetContext<'a>) -> Self {
        let own: Vec<Ind> = sheet.indicators.iter().map(Ind::new).collect();
        let related = context.related.iter().map(|i| Ind::new(i)).collect();
        let narratives = sheet
            .narratives
            .iter()
            .map(|n| Text {
                part: n.row.label.clone(),
                slot: n.row.slot.clone(),
                fiscal_year: n.row.fiscal_year.or(sheet.fiscal_year),
                line: n.line,
                sentences: sentences(&n.row.text.to_plain_text()),
            })
            .collect();
        let cell_texts = own
            .iter()
            .flat_map(|ind| {
                ind.values.iter().filter(|v| v.cell.printed().chars().count() > 12).map(|v| Text {
                    part: format!("指標「{}」", ind.input.name),
                    slot: "cell".into(),
                    fiscal_year: Some(v.input.fiscal_year),
                    line: v.input.line,
                    sentences: sentences(v.cell.printed()),
                })
            })
            .collect();
        SheetView {
            sheet,
            own,
            related,
            scales: context.scales,
            vocabularies: context.vocabularies,
            words: context.words,
            narratives,
            cell_texts,
        }
    }

    /// A place on this sheet.
    pub fn place(
        &self,
        part: &str,
        field: Option<&str>,
        fiscal_year: Option<FiscalYear>,
        line: Option<usize>,
    ) -> Place {
        Place {
            sheet: Some(self.sheet.key.clone()),
            code: (!self.sheet.code.is_empty()).then(|| self.sheet.code.clone()),
            part: (!part.is_empty()).then(|| part.to_string()),
            field: field.map(str::to_string),
            fiscal_year,
            file: self.sheet.file.clone(),
            line: line.or(self.sheet.line),
        }
    }

    /// Own indicators, then the related ones.
    pub fn all_indicators(&self) -> impl Iterator<Item = &Ind<'a>> {
        self.own.iter().chain(self.related.iter())
    }
}

impl<'a> Ind<'a> {
    fn new(input: &'a IndicatorInput) -> Self {
        let mut values: Vec<Val> = input.values.iter().map(|v| Val { input: v, cell: v.cell.clone() }).collect();
        // `同左`: the cell of the column to the left in the same table, a
        // measured value for a measured one (a strategy table puts its
        // 戦略策定時 baseline left of the actual) and a target for a target.
        let measured = |r: ValueRole| r != ValueRole::Target;
        for i in 0..values.len() {
            if !matches!(values[i].cell.meaning(), CellMeaning::Placeholder(crate::cell::Placeholder::SameAsLeft)) {
                continue;
            }
            let me = values[i].input;
            let left = values
                .iter()
                .filter(|o| {
                    measured(o.input.role) == measured(me.role)
                        && o.input.source == me.source
                        && o.input.fiscal_year < me.fiscal_year
                })
                .max_by_key(|o| o.input.fiscal_year)
                .map(|o| o.cell.clone());
            if let Some(left) = left {
                values[i].cell.resolve_same_as_left(&left);
            }
        }
        let mut units: Vec<String> = values.iter().flat_map(|v| nums(v.cell.meaning())).map(|n| n.unit).collect();
        units.sort();
        units.dedup();
        Ind { input, values, units }
    }

    pub fn name(&self) -> &str {
        &self.input.name
    }

    /// The printings of one year and role.
    pub fn all(&self, fy: FiscalYear, role: ValueRole) -> impl Iterator<Item = &Val<'a>> {
        self.values.iter().filter(move |v| v.input.fiscal_year == fy && v.input.role == role)
    }

    /// One printing of a year and role, from `source` when there is one.
    pub fn get(&self, fy: FiscalYear, role: ValueRole, source: Option<&str>) -> Option<&Val<'a>> {
        let mut all = self.all(fy, role);
        match source {
            Some(s) => {
                let same: Vec<&Val> = self.all(fy, role).filter(|v| v.input.source.as_deref() == Some(s)).collect();
                same.first().copied().or_else(|| all.next())
            }
            None => all.next(),
        }
    }

    pub fn years(&self) -> Vec<FiscalYear> {
        let mut y: Vec<FiscalYear> = self.values.iter().map(|v| v.input.fiscal_year).collect();
        y.sort();
        y.dedup();
        y
    }
}

/// A number of a cell in canonical units, with its label when it is one
/// part of several.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Num {
    pub label: Option<String>,
    pub bracketed: bool,
    pub value: Number,
    pub unit: String,
    /// The place value of the last printed digit, in canonical units.
    pub precision: f64,
}

impl Num {
    /// Equal within the rounding of the coarser printing.
    pub fn agrees(&self, other: &Num) -> bool {
        let tolerance = self.precision.max(other.precision) / 2.0 + f64::EPSILON * self.value.to_f64().abs();
        (self.value.to_f64() - other.value.to_f64()).abs() <= tolerance
    }
}

pub(crate) fn quantity_num(q: &Quantity, label: Option<String>, bracketed: bool) -> Option<Num> {
    // The unit resolved once for the value and its precision.
    let (factor, unit) = canonical_unit(&q.unit);
    let value = match factor {
        Some(f) => q.value.checked_mul_int(f)?,
        None => q.value,
    };
    let unit = match &q.per {
        Some(p) if !unit.contains('/') => format!("{unit}/{p}"),
        _ => unit,
    };
    let factor = factor.and_then(|f| Number::from_int(1).checked_mul_int(f)).map_or(1.0, |f| f.to_f64());
    let precision = 10f64.powi(-(q.value.scale() as i32)) * factor;
    Some(Num { label, bracketed, value, unit, precision })
}

/// Every number of a cell: one for a quantity, one per part of a
/// composite.
pub(crate) fn nums(meaning: &CellMeaning) -> Vec<Num> {
    match meaning {
        CellMeaning::Quantity(q) => quantity_num(q, None, false).into_iter().collect(),
        CellMeaning::Composite { parts } => parts
            .iter()
            .filter_map(|p| match &p.meaning {
                CellMeaning::Quantity(q) => quantity_num(q, p.label.clone(), p.bracketed),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The one number a cell stands for: a quantity, or a composite with a
/// single unbracketed, unlabelled quantity (`4,372人 (198人)`).
pub(crate) fn main_num(meaning: &CellMeaning) -> Option<Num> {
    match meaning {
        CellMeaning::Quantity(q) => quantity_num(q, None, false),
        CellMeaning::Composite { parts } => {
            let main: Vec<_> = parts.iter().filter(|p| !p.bracketed).collect();
            match main.as_slice() {
                [p] if p.label.is_none() => match &p.meaning {
                    CellMeaning::Quantity(q) => quantity_num(q, None, false),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// A value dated before the year is over (`(平成30年2月末時点)`): not the
/// year's result.
pub(crate) fn is_interim(cell: &IndicatorCell) -> bool {
    match cell.data_period() {
        Some(DataPeriod::FiscalYear { note: Some(n), .. }) => {
            (n.contains("時点") || n.contains("見込")) && !n.starts_with("3月末")
        }
        _ => false,
    }
}

/// The fiscal year a cell says its value belongs to, when it says one.
pub(crate) fn period_year(cell: &IndicatorCell) -> Option<i32> {
    match cell.data_period()? {
        DataPeriod::FiscalYear { year, .. } => Some(year.year()),
        DataPeriod::CalendarYear { year, .. } => Some(*year),
    }
}

/// A target and an actual can be compared: a sub-sheet's share
/// (`図書館ボランティア延べ678人`) is not measured against the total's
/// target (`2,000人`).
fn comparable(target: &CellMeaning, actual: &CellMeaning) -> bool {
    let labelled_part = |m: &CellMeaning| match m {
        CellMeaning::Composite { parts } => parts.iter().filter(|p| !p.bracketed).any(|p| p.label.is_some()),
        _ => false,
    };
    let composite = |m: &CellMeaning| matches!(m, CellMeaning::Composite { .. });
    (composite(target) || !labelled_part(actual)) && (composite(actual) || !labelled_part(target))
}

/// How an indicator did in one year.
pub(crate) struct Achievement<'v> {
    pub name: String,
    pub target: &'v Val<'v>,
    pub actual: &'v Val<'v>,
    pub verdict: Verdict,
    /// Actual ÷ target (target ÷ actual when lower is better); 1 for a met
    /// bound or milestone; `None` when only "not met" is known.
    pub ratio: Option<f64>,
}

impl Achievement<'_> {
    pub fn achieved(&self) -> bool {
        self.verdict.outcome == Outcome::Achieved
    }
}

/// Judges an indicator's year, printings from `source` first. `None` when
/// there is nothing to judge: no target or actual, a target set for
/// another year, an interim actual, shapes that cannot be compared.
pub(crate) fn achievement<'v>(ind: &'v Ind<'v>, fy: FiscalYear, source: Option<&str>) -> Option<Achievement<'v>> {
    let actual = ind.get(fy, ValueRole::Actual, source)?;
    let target = ind.get(fy, ValueRole::Target, actual.input.source.as_deref().or(source))?;
    if period_year(&target.cell).is_some_and(|y| y != fy.year()) || is_interim(&actual.cell) {
        return None;
    }
    if !comparable(target.cell.meaning(), actual.cell.meaning()) {
        return None;
    }
    let reference = ind.get(fy, ValueRole::Baseline, None).or_else(|| {
        ind.values.iter().filter(|v| v.input.role == ValueRole::Baseline).min_by_key(|v| v.input.fiscal_year)
    });
    let verdict = judge(ind.input.direction, &target.cell, &actual.cell, reference.map(|r| &r.cell));
    if matches!(verdict.outcome, Outcome::Undetermined { .. }) {
        return None;
    }
    let ratio = match (verdict.ratio, &verdict.outcome) {
        (Some(r), _) => Some(r.to_f64()),
        (None, Outcome::Achieved) => Some(1.0),
        (None, _) => bound_ratio(&target.cell, &actual.cell),
    };
    Some(Achievement { name: ind.input.name.clone(), target, actual, verdict, ratio })
}

/// How far a value falls short of a one-sided bound: actual ÷ floor
/// (`370万件以上`), ceiling ÷ actual (`80台以下`).
fn bound_ratio(target: &IndicatorCell, actual: &IndicatorCell) -> Option<f64> {
    let CellMeaning::Bound(b) = target.meaning() else { return None };
    let a = main_num(actual.meaning())?;
    let limit = |l: crate::cell::Limit| canonical(l.value, &b.unit).map(|(v, _)| v.to_f64());
    match (b.lower, b.upper) {
        (Some(l), None) => Some(a.value.to_f64() / limit(l)?),
        (None, Some(u)) if !a.value.is_zero() => Some(limit(u)? / a.value.to_f64()),
        _ => None,
    }
}

/// Whether a printed judgement label means "met" (`達成`, `順調`, `A`) or
/// "not met" (`未達成`, `遅れ`, `B`, `未実施`), looked up in the
/// indicator's vocabulary, then the city's, then the presets.
pub(crate) fn polarity(label: &str, own: Option<&JudgementVocabulary>, city: &[JudgementVocabulary]) -> Option<bool> {
    let label = crate::text::normalise(label);
    let presets = JudgementVocabulary::presets();
    let vocabularies = own.into_iter().chain(city.iter()).chain(presets.iter());
    for v in vocabularies {
        if v.not_carried_out.as_deref() == Some(label.as_str()) {
            return Some(false);
        }
        if let Some(band) = v.bands.iter().find(|b| b.label == label) {
            return match band.min_ratio {
                None => Some(false),
                Some(m) if m >= Number::from_int(1) => Some(true),
                // A band below 100% (`概ね達成`) is neither.
                Some(_) => None,
            };
        }
    }
    None
}

/// The direction in words, for messages.
pub(crate) fn direction_words(d: Direction) -> &'static str {
    match d {
        Direction::HigherIsBetter => "高いほど良い指標",
        Direction::LowerIsBetter => "低いほど良い指標",
        Direction::Maintain => "維持を目標とする指標",
        Direction::Bound => "範囲を目標とする指標",
        Direction::Milestone => "達成型の指標",
    }
}

/// `40.7%`.
pub(crate) fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

pub(crate) struct CityView<'a> {
    pub city: &'a CityYearInput,
    pub by_key: HashMap<&'a str, &'a SheetInput>,
}

impl<'a> CityView<'a> {
    pub fn new(city: &'a CityYearInput) -> Self {
        CityView { city, by_key: city.sheets.iter().map(|s| (s.key.as_str(), s)).collect() }
    }

    pub fn sheet_place(sheet: &SheetInput, part: &str, line: Option<usize>) -> Place {
        Place {
            sheet: Some(sheet.key.clone()),
            code: (!sheet.code.is_empty()).then(|| sheet.code.clone()),
            part: (!part.is_empty()).then(|| part.to_string()),
            field: None,
            fiscal_year: sheet.fiscal_year,
            file: sheet.file.clone(),
            line: line.or(sheet.line),
        }
    }
}
