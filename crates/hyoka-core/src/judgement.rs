//! Judging an actual against a target (判定).
//!
//! The direction of an indicator is declared, never guessed: crimes and
//! waste go down, and some higher-is-better targets sit below their
//! baseline. [`judge`] gives a city-independent [`Verdict`]; a
//! [`JudgementVocabulary`] (data, not code) turns it into the city's words:
//! `達成/未達成/未実施`, `順調/遅れ`, `S/A/B`.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::cell::{Bound, CellMeaning, IndicatorCell, Part, Quantity};
use crate::number::Number;
use crate::text::normalise;

/// Which way an indicator should move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 高いほど良い: users, applications, satisfaction.
    HigherIsBetter,
    /// 低いほど良い: crimes, waiting-list children, waste per person.
    LowerIsBetter,
    /// 維持: keep the reference level.
    Maintain,
    /// 範囲: the target is a bound such as `80台以下`.
    Bound,
    /// 達成型: the target is a state in words such as `導入`.
    Milestone,
}

coded_enum!(Direction {
    HigherIsBetter => "higher", "高いほど良い";
    LowerIsBetter => "lower", "低いほど良い";
    Maintain => "maintain", "維持";
    Bound => "bound", "範囲内";
    Milestone => "milestone", "達成型";
});

/// The city-independent result of comparing an actual with its target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// Achievement as a fraction (actual ÷ target, or target ÷ actual when
    /// lower is better), when both are numbers.
    pub ratio: Option<Ratio>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Achieved,
    NotAchieved,
    /// The actual is zero against a positive target: nothing was done.
    NotCarriedOut,
    /// No judgement can be computed; the reason says why.
    Undetermined {
        reason: Undetermined,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Undetermined {
    NoTarget,
    NoActual,
    /// `維持` needs a level to keep, and none was given.
    NoReference,
    UnitMismatch {
        target: String,
        actual: String,
    },
    /// The cells have shapes that cannot be compared (text against a number).
    Incomparable,
}

impl Undetermined {
    pub fn message(&self) -> String {
        match self {
            Undetermined::NoTarget => "目標値がないため判定できません".into(),
            Undetermined::NoActual => "実績値がないため判定できません".into(),
            Undetermined::NoReference => "維持の基準となる値がないため判定できません".into(),
            Undetermined::UnitMismatch { target, actual } => {
                format!("目標の単位「{target}」と実績の単位「{actual}」が異なるため判定できません")
            }
            Undetermined::Incomparable => "目標と実績の形式が異なるため判定できません".into(),
        }
    }
}

/// An exact fraction of two printed numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub numerator: Number,
    pub denominator: Number,
}

impl Ratio {
    /// Compares the ratio with a threshold exactly, without floating point.
    /// A zero denominator with a positive numerator is infinitely large.
    pub fn cmp_threshold(self, threshold: Number) -> Ordering {
        if self.denominator.is_zero() {
            // 0 of 0 is "as planned"; anything of 0 is beyond any threshold.
            return if self.numerator.is_zero() { Number::from_int(1).cmp(&threshold) } else { Ordering::Greater };
        }
        let scale = self.numerator.scale().max(self.denominator.scale()).max(threshold.scale()) as u32;
        let widen = |n: Number| n.mantissa() as i128 * 10i128.pow(scale - n.scale() as u32);
        let (num, den, thr) = (widen(self.numerator), widen(self.denominator), widen(threshold));
        let unit = 10i128.pow(scale);
        // num/den ⋛ thr/unit  ⇔  num·unit ⋛ thr·den (den > 0)
        let (lhs, rhs) = (num * unit, thr * den);
        if den > 0 {
            lhs.cmp(&rhs)
        } else {
            rhs.cmp(&lhs)
        }
    }

    pub fn to_f64(self) -> f64 {
        if self.denominator.is_zero() {
            f64::INFINITY
        } else {
            self.numerator.to_f64() / self.denominator.to_f64()
        }
    }
}

/// Judges `actual` against `target` under `direction`. `reference` is the
/// level to keep for `維持` targets (the baseline or the previous year).
pub fn judge(
    direction: Direction,
    target: &IndicatorCell,
    actual: &IndicatorCell,
    reference: Option<&IndicatorCell>,
) -> Verdict {
    judge_meanings(direction, target.meaning(), actual.meaning(), reference.map(IndicatorCell::meaning))
}

fn undetermined(reason: Undetermined) -> Verdict {
    Verdict { outcome: Outcome::Undetermined { reason }, ratio: None }
}

fn judge_meanings(
    direction: Direction,
    target: &CellMeaning,
    actual: &CellMeaning,
    reference: Option<&CellMeaning>,
) -> Verdict {
    use CellMeaning as M;
    match (target, actual) {
        (_, M::Blank | M::Placeholder(_)) => undetermined(Undetermined::NoActual),
        (M::Blank | M::Placeholder(_), _) => undetermined(Undetermined::NoTarget),
        (M::Milestone { text: t }, M::Milestone { text: a }) => Verdict {
            outcome: if normalise(t) == normalise(a) { Outcome::Achieved } else { Outcome::NotAchieved },
            ratio: None,
        },
        (M::Maintain, _) => match reference {
            Some(r) if !matches!(r, M::Maintain) => {
                let keep = if direction == Direction::LowerIsBetter {
                    Direction::LowerIsBetter
                } else {
                    Direction::HigherIsBetter
                };
                let mut v = judge_meanings(keep, r, actual, None);
                v.ratio = None;
                v
            }
            _ => undetermined(Undetermined::NoReference),
        },
        (M::Bound(b), M::Quantity(a)) => judge_bound(b, a),
        (M::Quantity(t), M::Quantity(a)) => judge_quantities(direction, t, a),
        (M::Composite { parts: t }, M::Composite { parts: a }) => judge_composite(direction, t, a),
        // `1,524人 (78人)` against `1,600人`: the main values are compared.
        (M::Composite { parts }, M::Quantity(_)) | (M::Quantity(_), M::Composite { parts })
            if main_parts(parts).len() == 1 =>
        {
            let (t, a) = match (target, actual) {
                (M::Composite { parts }, a) => (main_parts(parts)[0].meaning.clone(), a.clone()),
                (t, M::Composite { parts }) => (t.clone(), main_parts(parts)[0].meaning.clone()),
                _ => unreachable!("one side is composite"),
            };
            judge_meanings(direction, &t, &a, reference)
        }
        _ => undetermined(Undetermined::Incomparable),
    }
}

fn main_parts(parts: &[Part]) -> Vec<&Part> {
    parts.iter().filter(|p| !p.bracketed).collect()
}

/// Units agree when equal, or when one side printed no unit at all
/// (documents often drop the counter in one cell).
fn units_agree(t: &Quantity, a: &Quantity) -> bool {
    let unit_ok = t.unit == a.unit || t.unit.is_empty() || a.unit.is_empty();
    unit_ok && t.per == a.per
}

fn judge_quantities(direction: Direction, t: &Quantity, a: &Quantity) -> Verdict {
    if !units_agree(t, a) {
        return undetermined(Undetermined::UnitMismatch { target: unit_text(t), actual: unit_text(a) });
    }
    match direction {
        Direction::LowerIsBetter => {
            let outcome = if a.value <= t.value { Outcome::Achieved } else { Outcome::NotAchieved };
            Verdict { outcome, ratio: Some(Ratio { numerator: t.value, denominator: a.value }) }
        }
        Direction::Milestone | Direction::HigherIsBetter | Direction::Maintain | Direction::Bound => {
            let outcome = if a.value >= t.value {
                Outcome::Achieved
            } else if a.value.is_zero() && !t.value.is_zero() {
                Outcome::NotCarriedOut
            } else {
                Outcome::NotAchieved
            };
            Verdict { outcome, ratio: Some(Ratio { numerator: a.value, denominator: t.value }) }
        }
    }
}

fn unit_text(q: &Quantity) -> String {
    match &q.per {
        Some(p) => format!("{}/{}", q.unit, p),
        None => q.unit.clone(),
    }
}

fn judge_bound(b: &Bound, a: &Quantity) -> Verdict {
    if !(b.unit == a.unit || b.unit.is_empty() || a.unit.is_empty()) {
        return undetermined(Undetermined::UnitMismatch { target: b.unit.clone(), actual: a.unit.clone() });
    }
    let outcome = if b.contains(a.value) { Outcome::Achieved } else { Outcome::NotAchieved };
    Verdict { outcome, ratio: None }
}

/// Part by part; achieved when every part is, with the weakest ratio.
fn judge_composite(direction: Direction, t: &[Part], a: &[Part]) -> Verdict {
    let (t, a) = (main_parts(t), main_parts(a));
    if t.len() != a.len() || t.iter().zip(&a).any(|(x, y)| x.label.is_some() && y.label.is_some() && x.label != y.label)
    {
        return undetermined(Undetermined::Incomparable);
    }
    let mut worst: Option<Verdict> = None;
    for (tp, ap) in t.iter().zip(&a) {
        let v = judge_meanings(direction, &tp.meaning, &ap.meaning, None);
        if let Outcome::Undetermined { .. } = v.outcome {
            return v;
        }
        let replace = match &worst {
            None => true,
            Some(w) => rank(&v.outcome) < rank(&w.outcome),
        };
        if replace {
            worst = Some(v);
        }
    }
    let mut v = worst.unwrap_or_else(|| undetermined(Undetermined::Incomparable));
    v.ratio = None;
    v
}

fn rank(o: &Outcome) -> u8 {
    match o {
        Outcome::Undetermined { .. } => 0,
        Outcome::NotCarriedOut => 1,
        Outcome::NotAchieved => 2,
        Outcome::Achieved => 3,
    }
}

/// How a city words its judgements. Bands are read top-down: the first
/// whose `min_ratio` the achievement reaches gives the label; a band
/// without `min_ratio` catches the rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgementVocabulary {
    pub code: String,
    pub name: String,
    pub bands: Vec<Band>,
    /// The label for "not carried out" (actual zero), when the city has one;
    /// otherwise such a year takes the lowest band.
    pub not_carried_out: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub label: String,
    /// The least achievement ratio for this band, e.g. `1.0` for 達成.
    pub min_ratio: Option<Number>,
}

impl JudgementVocabulary {
    fn new(code: &str, name: &str, bands: &[(&str, Option<&str>)], not_carried_out: Option<&str>) -> Self {
        JudgementVocabulary {
            code: code.into(),
            name: name.into(),
            bands: bands
                .iter()
                .map(|(label, min)| Band {
                    label: (*label).into(),
                    min_ratio: min.map(|m| Number::parse(m).expect("preset thresholds are numbers")),
                })
                .collect(),
            not_carried_out: not_carried_out.map(Into::into),
        }
    }

    /// 達成 / 未達成 / 未実施 (三島市 業務計画).
    pub fn achievement() -> Self {
        Self::new("achievement", "達成・未達成・未実施", &[("達成", Some("1")), ("未達成", None)], Some("未実施"))
    }

    /// 達成 / 未達成 without 未実施 (三島市 成果指標).
    pub fn achievement_two() -> Self {
        Self::new("achievement2", "達成・未達成", &[("達成", Some("1")), ("未達成", None)], None)
    }

    /// 順調 / 遅れ: progress towards a multi-year target.
    pub fn progress() -> Self {
        Self::new("progress", "順調・遅れ", &[("順調", Some("1")), ("遅れ", None)], None)
    }

    /// S / A / B (小平市): S well ahead, A as planned, B behind. The 120%
    /// line for S is a preset a city can change.
    pub fn grade_sab() -> Self {
        Self::new("sab", "S・A・B", &[("S", Some("1.2")), ("A", Some("1")), ("B", None)], None)
    }

    pub fn presets() -> Vec<Self> {
        vec![Self::achievement(), Self::achievement_two(), Self::progress(), Self::grade_sab()]
    }

    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.bands.iter().map(|b| b.label.as_str()).chain(self.not_carried_out.as_deref())
    }

    /// The label for a verdict, or `None` when it is undetermined.
    pub fn label(&self, verdict: &Verdict) -> Option<String> {
        let lowest = self.bands.last()?;
        let band = match (&verdict.outcome, verdict.ratio) {
            (Outcome::Undetermined { .. }, _) => return None,
            (Outcome::NotCarriedOut, _) => {
                return Some(self.not_carried_out.clone().unwrap_or_else(|| lowest.label.clone()))
            }
            (Outcome::NotAchieved, None) => lowest,
            (Outcome::Achieved, None) => {
                // Met without a ratio (a bound, a milestone): "as planned".
                self.band_for(|min| Number::from_int(1) >= min)
            }
            (outcome, Some(r)) => {
                let b = self.band_for(|min| r.cmp_threshold(min) != Ordering::Less);
                // Never call an achieved year by a failing label or the
                // reverse because of a threshold below or above 100%.
                match outcome {
                    Outcome::NotAchieved if b.min_ratio.is_some_and(|m| m >= Number::from_int(1)) => lowest,
                    _ => b,
                }
            }
        };
        Some(band.label.clone())
    }

    fn band_for(&self, reaches: impl Fn(Number) -> bool) -> &Band {
        self.bands
            .iter()
            .find(|b| b.min_ratio.is_none_or(&reaches))
            .unwrap_or_else(|| self.bands.last().expect("a vocabulary has bands"))
    }
}

/// A judgement as kept for one indicator and year: what the document
/// printed, what hyoka computed, and a person's override with its reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    pub printed: Option<String>,
    pub computed: Option<String>,
    pub declared: Option<Declared>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declared {
    pub label: String,
    pub reason: String,
}

/// A judgement whose printed (or declared) label contradicts the numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    pub stated: String,
    pub computed: String,
}

impl Judgement {
    pub fn compute(printed: Option<&str>, vocabulary: &JudgementVocabulary, verdict: &Verdict) -> Self {
        Judgement {
            printed: printed.map(normalise).filter(|p| !p.is_empty()),
            computed: vocabulary.label(verdict),
            declared: None,
        }
    }

    /// The label people see: declared, else printed, else computed.
    pub fn effective(&self) -> Option<&str> {
        self.declared.as_ref().map(|d| d.label.as_str()).or(self.printed.as_deref()).or(self.computed.as_deref())
    }

    /// A stated label that differs from the computed one. Never hidden: the
    /// sheet shows it and the import reports it.
    pub fn disagreement(&self) -> Option<Disagreement> {
        let stated = self.declared.as_ref().map(|d| d.label.as_str()).or(self.printed.as_deref())?;
        let computed = self.computed.as_deref()?;
        (stated != computed).then(|| Disagreement { stated: stated.into(), computed: computed.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(direction: Direction, target: &str, actual: &str) -> Verdict {
        judge(direction, &IndicatorCell::parse(target), &IndicatorCell::parse(actual), None)
    }

    fn label(v: &JudgementVocabulary, direction: Direction, target: &str, actual: &str) -> Option<String> {
        v.label(&verdict(direction, target, actual))
    }

    #[test]
    fn higher_is_better() {
        let v = JudgementVocabulary::achievement();
        assert_eq!(label(&v, Direction::HigherIsBetter, "3,800件", "3,245件").as_deref(), Some("未達成"));
        assert_eq!(label(&v, Direction::HigherIsBetter, "4,000件", "5,696件").as_deref(), Some("達成"));
        assert_eq!(label(&v, Direction::HigherIsBetter, "1回", "1回").as_deref(), Some("達成"));
        assert_eq!(label(&v, Direction::HigherIsBetter, "1回", "0回").as_deref(), Some("未実施"));
        assert_eq!(
            label(&JudgementVocabulary::achievement_two(), Direction::HigherIsBetter, "1件", "0件").as_deref(),
            Some("未達成")
        );
    }

    #[test]
    fn lower_is_better_is_declared_not_guessed() {
        let v = JudgementVocabulary::achievement();
        // Waste per person: 553.3 g against a target of 577 g is achieved.
        assert_eq!(label(&v, Direction::LowerIsBetter, "577g/人日", "553.3g/人日").as_deref(), Some("達成"));
        assert_eq!(label(&v, Direction::HigherIsBetter, "577g/人日", "553.3g/人日").as_deref(), Some("未達成"));
    }

    #[test]
    fn bounds_milestones_and_units() {
        let v = JudgementVocabulary::achievement();
        assert_eq!(label(&v, Direction::Bound, "80台以下", "82台").as_deref(), Some("未達成"));
        assert_eq!(label(&v, Direction::Bound, "80台以下", "66台").as_deref(), Some("達成"));
        assert_eq!(label(&v, Direction::Milestone, "再構築", "再構築").as_deref(), Some("達成"));
        assert_eq!(label(&v, Direction::Milestone, "改善維持", "導入").as_deref(), Some("未達成"));
        assert_eq!(label(&v, Direction::HigherIsBetter, "年間2回", "年間5回").as_deref(), Some("達成"));
        let mismatch = verdict(Direction::HigherIsBetter, "30件", "31人");
        assert!(matches!(mismatch.outcome, Outcome::Undetermined { reason: Undetermined::UnitMismatch { .. } }));
        assert_eq!(v.label(&mismatch), None);
    }

    #[test]
    fn blank_and_dash_are_undetermined_not_zero() {
        for (t, a) in [("—", "1件"), ("1件", ""), ("", ""), ("1件", "-")] {
            let v = verdict(Direction::HigherIsBetter, t, a);
            assert!(matches!(v.outcome, Outcome::Undetermined { .. }), "{t} / {a}");
        }
    }

    #[test]
    fn maintain_needs_a_reference() {
        let t = IndicatorCell::parse("維持");
        let a = IndicatorCell::parse("92%");
        assert!(matches!(judge(Direction::HigherIsBetter, &t, &a, None).outcome, Outcome::Undetermined { .. }));
        let r = IndicatorCell::parse("90%");
        assert_eq!(judge(Direction::HigherIsBetter, &t, &a, Some(&r)).outcome, Outcome::Achieved);
    }

    #[test]
    fn sab_thresholds_are_exact() {
        let v = JudgementVocabulary::grade_sab();
        assert_eq!(label(&v, Direction::HigherIsBetter, "85回/年", "106回/年").as_deref(), Some("S"));
        assert_eq!(label(&v, Direction::HigherIsBetter, "100回", "120回").as_deref(), Some("S"));
        assert_eq!(label(&v, Direction::HigherIsBetter, "100回", "119.9回").as_deref(), Some("A"));
        assert_eq!(label(&v, Direction::HigherIsBetter, "100回", "99回").as_deref(), Some("B"));
    }

    #[test]
    fn disagreement_is_visible() {
        let v = JudgementVocabulary::progress();
        let verdict = verdict(Direction::HigherIsBetter, "1,285人", "1,279人");
        let j = Judgement::compute(Some("順調"), &v, &verdict);
        assert_eq!(j.computed.as_deref(), Some("遅れ"));
        assert_eq!(j.disagreement(), Some(Disagreement { stated: "順調".into(), computed: "遅れ".into() }));
        let agree = Judgement::compute(Some("遅れ"), &v, &verdict);
        assert_eq!(agree.disagreement(), None);
    }
}
