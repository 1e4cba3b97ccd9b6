//! Whether an indicator achieved its target, for the share of indicators
//! achieved (達成率) that white papers and summary lists quote.
//!
//! # Which cells count
//!
//! For a report on fiscal year `Y`, an indicator is judged on exactly one
//! pair of printed cells, chosen in this order:
//!
//! 1. **The year's target** (年度目標): the latest fiscal year `≤ Y` that has
//!    both a target and an actual with a value (not blank, not a dash or
//!    another placeholder). Its actual is judged against its target.
//! 2. **The final target** (最終目標): when no year has both, the latest
//!    actual with a value in a year `≤ Y`, judged against the first target
//!    with a value in that year or later (typically the plan's last year:
//!    the 目標値 of a white paper). "Achieved" then means the goal is
//!    already reached.
//! 3. Otherwise the indicator is **not judged** (判定不能): it counts in
//!    neither the numerator nor the denominator, and is listed with the
//!    reason.
//!
//! The judgement itself is [`hyoka_core::judge`]: it respects the
//! indicator's declared direction (lower is better for crimes and waiting
//! lists), bounds (`80台以下`), `維持` (kept against the latest baseline up to
//! the judged year, else the earliest earlier actual) and units; a cell it
//! cannot compare (text against a number, different units) is not judged.
//! The label is the indicator's vocabulary (`達成/未達成`, `順調/遅れ`,
//! `S/A/B`) when it names a known one, else `達成/未達成/未実施`.
//!
//! The share is achieved ÷ judged, in percent rounded half up to one
//! decimal (52.9%). "Not carried out" (an actual of zero against a positive
//! target) counts as not achieved.

use hyoka_core::judgement::{judge, JudgementVocabulary, Outcome};
use hyoka_core::{Direction, FiscalYear, IndicatorCell, ValueRole};

/// Which pair of cells an indicator was judged on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The latest year with both a target and an actual.
    YearTarget { year: FiscalYear },
    /// The latest actual against a later (final) target.
    FinalTarget { actual_year: FiscalYear, target_year: FiscalYear },
}

impl Basis {
    /// `令和2年度の目標` / `令和2年度の実績と令和4年度の目標値`.
    pub fn describe(&self) -> String {
        match self {
            Basis::YearTarget { year } => format!("{}の目標と実績", year.label()),
            Basis::FinalTarget { actual_year, target_year } => {
                format!("{}の実績と{}の目標", actual_year.label(), target_year.label())
            }
        }
    }

    /// The year of the judged actual.
    pub fn actual_year(&self) -> FiscalYear {
        match self {
            Basis::YearTarget { year } => *year,
            Basis::FinalTarget { actual_year, .. } => *actual_year,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Achieved,
    NotAchieved,
    NotCarriedOut,
    /// Not judged, with the reason in Japanese.
    NotJudged(String),
}

/// The judgement of one indicator for a report year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Achievement {
    pub basis: Option<Basis>,
    pub status: Status,
    /// The label in the indicator's vocabulary (`達成`, `遅れ`, `S`).
    pub label: Option<String>,
    /// The judged cells as printed.
    pub target: Option<String>,
    pub actual: Option<String>,
}

impl Achievement {
    pub fn is_judged(&self) -> bool {
        !matches!(self.status, Status::NotJudged(_))
    }

    pub fn is_achieved(&self) -> bool {
        self.status == Status::Achieved
    }

    /// The label to print: the vocabulary's word, or why it is not judged.
    pub fn display(&self) -> String {
        match (&self.status, &self.label) {
            (Status::NotJudged(_), _) => "判定不能".into(),
            (_, Some(l)) => l.clone(),
            (Status::Achieved, None) => "達成".into(),
            (Status::NotAchieved, None) => "未達成".into(),
            (Status::NotCarriedOut, None) => "未実施".into(),
        }
    }
}

/// One printed cell of an indicator.
#[derive(Clone, Copy, Debug)]
pub struct CellRef<'a> {
    pub fiscal_year: FiscalYear,
    pub role: ValueRole,
    pub cell: &'a IndicatorCell,
}

fn has_value(c: &IndicatorCell) -> bool {
    !c.is_empty_value()
}

/// Judges an indicator for report year `year` by the rules of this module.
pub fn assess(direction: Direction, vocabulary: Option<&str>, cells: &[CellRef], year: FiscalYear) -> Achievement {
    let find = |fy: FiscalYear, role: ValueRole| {
        cells.iter().find(|c| c.fiscal_year == fy && c.role == role && has_value(c.cell)).map(|c| c.cell)
    };
    let mut years: Vec<FiscalYear> = cells.iter().map(|c| c.fiscal_year).collect();
    years.sort();
    years.dedup();
    let pair_year = years
        .iter()
        .rev()
        .find(|fy| **fy <= year && find(**fy, ValueRole::Target).is_some() && find(**fy, ValueRole::Actual).is_some());
    let (basis, target, actual) = if let Some(fy) = pair_year {
        (Basis::YearTarget { year: *fy }, find(*fy, ValueRole::Target), find(*fy, ValueRole::Actual))
    } else {
        let actual_year = years.iter().rev().find(|fy| **fy <= year && find(**fy, ValueRole::Actual).is_some());
        let target_year =
            actual_year.and_then(|a| years.iter().find(|fy| **fy >= *a && find(**fy, ValueRole::Target).is_some()));
        match (actual_year, target_year) {
            (Some(a), Some(t)) => (
                Basis::FinalTarget { actual_year: *a, target_year: *t },
                find(*t, ValueRole::Target),
                find(*a, ValueRole::Actual),
            ),
            (None, _) => return not_judged("対象年度までの実績値がありません"),
            (Some(_), None) => return not_judged("実績値の年度以降の目標値がありません"),
        }
    };
    let (Some(target), Some(actual)) = (target, actual) else {
        return not_judged("目標値または実績値がありません");
    };
    // The level a 維持 target keeps: the latest baseline up to the judged
    // year, else the earliest actual before it.
    let judged_year = basis.actual_year();
    let reference = cells
        .iter()
        .filter(|c| c.role == ValueRole::Baseline && c.fiscal_year <= judged_year && has_value(c.cell))
        .max_by_key(|c| c.fiscal_year)
        .or_else(|| {
            cells
                .iter()
                .filter(|c| c.role == ValueRole::Actual && c.fiscal_year < judged_year && has_value(c.cell))
                .min_by_key(|c| c.fiscal_year)
        })
        .map(|c| c.cell);
    let verdict = judge(direction, target, actual, reference);
    let status = match &verdict.outcome {
        Outcome::Achieved => Status::Achieved,
        Outcome::NotAchieved => Status::NotAchieved,
        Outcome::NotCarriedOut => Status::NotCarriedOut,
        Outcome::Undetermined { reason } => Status::NotJudged(reason.message()),
    };
    let vocabulary = vocabulary
        .and_then(|code| JudgementVocabulary::presets().into_iter().find(|v| v.code == code))
        .unwrap_or_else(JudgementVocabulary::achievement);
    Achievement {
        basis: Some(basis),
        label: vocabulary.label(&verdict),
        status,
        target: Some(target.printed().trim().to_string()),
        actual: Some(actual.printed().trim().to_string()),
    }
}

fn not_judged(reason: &str) -> Achievement {
    Achievement { basis: None, status: Status::NotJudged(reason.into()), label: None, target: None, actual: None }
}

/// Counts of judged indicators and the share achieved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub achieved: usize,
    /// Not achieved, including not carried out.
    pub not_achieved: usize,
    pub not_judged: usize,
}

impl Tally {
    pub fn add(&mut self, a: &Achievement) {
        match a.status {
            Status::Achieved => self.achieved += 1,
            Status::NotAchieved | Status::NotCarriedOut => self.not_achieved += 1,
            Status::NotJudged(_) => self.not_judged += 1,
        }
    }

    pub fn judged(&self) -> usize {
        self.achieved + self.not_achieved
    }

    pub fn total(&self) -> usize {
        self.judged() + self.not_judged
    }

    /// Achieved ÷ judged in tenths of a percent, rounded half up; `None`
    /// when nothing was judged.
    pub fn share_tenths(&self) -> Option<u64> {
        let judged = self.judged() as u64;
        (judged > 0).then(|| (self.achieved as u64 * 2000 + judged) / (2 * judged))
    }

    /// `52.9%`, or `—` when nothing was judged.
    pub fn share_text(&self) -> String {
        match self.share_tenths() {
            Some(t) => format!("{}.{}%", t / 10, t % 10),
            None => "—".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn run(direction: Direction, cells: &[(i32, ValueRole, &str)], year: i32) -> Achievement {
        let parsed: Vec<(FiscalYear, ValueRole, IndicatorCell)> =
            cells.iter().map(|(y, r, p)| (fy(*y), *r, IndicatorCell::parse(p))).collect();
        let refs: Vec<CellRef> =
            parsed.iter().map(|(f, r, c)| CellRef { fiscal_year: *f, role: *r, cell: c }).collect();
        assess(direction, None, &refs, fy(year))
    }

    #[test]
    fn the_latest_year_with_target_and_actual_counts() {
        use ValueRole::*;
        let a = run(
            Direction::HigherIsBetter,
            &[
                (2016, Target, "3,800件"),
                (2016, Actual, "3,245件"),
                (2017, Target, "4,000件"),
                (2017, Actual, "5,696件"),
                (2018, Target, "4,200件"),
            ],
            2018,
        );
        assert_eq!(a.basis, Some(Basis::YearTarget { year: fy(2017) }));
        assert_eq!(a.status, Status::Achieved);
        // A year after the report year never counts.
        let b = run(
            Direction::HigherIsBetter,
            &[(2016, Target, "1件"), (2016, Actual, "0件"), (2017, Target, "1件"), (2017, Actual, "1件")],
            2016,
        );
        assert_eq!((b.status.clone(), b.display().as_str()), (Status::NotCarriedOut, "未実施"));
    }

    #[test]
    fn otherwise_the_latest_actual_against_the_final_target() {
        use ValueRole::*;
        // 三鷹市: 刑法犯罪認知件数 goes down; the final target is 令和4年度.
        let cells = [
            (2010, Baseline, "2,500件"),
            (2018, Actual, "1,500件"),
            (2020, Actual, "1,059件"),
            (2022, Target, "1,200件"),
        ];
        let a = run(Direction::LowerIsBetter, &cells, 2020);
        assert_eq!(a.basis, Some(Basis::FinalTarget { actual_year: fy(2020), target_year: fy(2022) }));
        assert!(a.is_achieved());
        assert_eq!(a.actual.as_deref(), Some("1,059件"));
        let up = run(Direction::HigherIsBetter, &cells, 2020);
        assert_eq!(up.status, Status::NotAchieved);
        // 維持 keeps the baseline.
        let keep = run(
            Direction::Maintain,
            &[(2010, Baseline, "149か所"), (2020, Actual, "147か所"), (2022, Target, "維持")],
            2020,
        );
        assert_eq!(keep.status, Status::NotAchieved);
    }

    #[test]
    fn dashes_and_words_are_not_judged() {
        use ValueRole::*;
        let a = run(
            Direction::Milestone,
            &[(2018, Actual, "—"), (2020, Actual, "—"), (2022, Target, "都市計画決定")],
            2020,
        );
        assert!(!a.is_judged());
        let b = run(Direction::HigherIsBetter, &[(2020, Actual, "5件")], 2020);
        assert!(matches!(b.status, Status::NotJudged(_)));
    }

    #[test]
    fn shares_round_half_up() {
        let t = Tally { achieved: 9, not_achieved: 8, not_judged: 3 };
        assert_eq!(t.share_text(), "52.9%"); // 9/17 = 52.94…
        let t = Tally { achieved: 1, not_achieved: 7, not_judged: 0 };
        assert_eq!(t.share_text(), "12.5%");
        let t = Tally { achieved: 1, not_achieved: 15, not_judged: 0 };
        assert_eq!(t.share_text(), "6.3%"); // 6.25 → 6.3
        assert_eq!(Tally::default().share_text(), "—");
    }
}
