//! The cost side of a year's budget line, as the common 事務事業評価シート
//! prints it: 財源内訳 (funding sources) and トータルコスト = 事業費 + 人件費,
//! where 人件費 = staff hours × an hourly unit cost.
//!
//! The sheet prints 人件費 and トータルコスト; they are stored as printed and
//! compared with what follows from the other figures, never overwritten.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::money::{BudgetFigures, Yen};
use crate::number::Number;

/// 財源内訳 besides 一般財源 (kept in [`BudgetFigures::general_revenue`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Funding {
    /// 国庫支出金
    pub national: Option<Yen>,
    /// 都道府県支出金
    pub prefectural: Option<Yen>,
    /// 地方債
    pub bonds: Option<Yen>,
    /// その他（特定財源）
    pub other: Option<Yen>,
}

impl Funding {
    pub fn is_empty(&self) -> bool {
        *self == Funding::default()
    }
}

/// Staff time and what it costs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffCost {
    /// 従事時間 (all staff, the year).
    pub hours: Option<Hours>,
    /// The hourly unit cost used (人件費単価、円/時間).
    pub hourly: Option<Yen>,
    /// 人件費 as printed.
    pub personnel: Option<Yen>,
    /// トータルコスト as printed.
    pub total: Option<Yen>,
}

impl StaffCost {
    pub fn is_empty(&self) -> bool {
        *self == StaffCost::default()
    }
}

/// Hours in hundredths, so `1,234.5` is exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hours(i64);

impl Hours {
    pub fn from_hundredths(h: i64) -> Self {
        Hours(h)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// Parses `1,234.5`, `１２００`, `800時間`, `800h`. At most two decimals.
    pub fn parse(printed: &str) -> Option<Hours> {
        let s = crate::text::squeeze(printed);
        let s = s.strip_suffix("時間").or_else(|| s.strip_suffix('h')).unwrap_or(&s);
        let n = Number::parse(s)?;
        if n.is_negative() || n.scale() > 2 {
            return None;
        }
        n.checked_mul_int(100)?.to_integer().map(Hours)
    }

    /// The number without a unit: `1,234.5`.
    pub fn number(self) -> String {
        let n = Number::new(self.0, 2).map(|n| n.grouped()).unwrap_or_default();
        // Number keeps its scale; drop the trailing zeros a person did not type.
        if n.contains('.') {
            n.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            n
        }
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}時間", self.number())
    }
}

/// How far two amounts may differ before a check names them: a sheet in
/// 千円 rounds each figure to the nearest thousand, so a sum of `parts`
/// rounded figures may be off by up to 500 yen per part.
pub fn rounding_tolerance(parts: usize) -> i64 {
    500 * parts.max(1) as i64
}

impl BudgetFigures {
    /// 事業費: the settlement once there is one, else the budget.
    pub fn project_cost(&self) -> Option<Yen> {
        self.settlement.or(self.effective_budget())
    }

    /// Staff hours × the hourly unit cost, rounded half up to the yen.
    pub fn computed_personnel_cost(&self) -> Option<Yen> {
        let (h, rate) = (self.staff.hours?, self.staff.hourly?);
        let cents = h.hundredths().checked_mul(rate.yen())?;
        Some(Yen((cents + 50).div_euclid(100)))
    }

    /// 人件費 as printed, or as computed when not printed.
    pub fn personnel_cost(&self) -> Option<Yen> {
        self.staff.personnel.or_else(|| self.computed_personnel_cost())
    }

    /// 事業費 + 人件費, from the other figures.
    pub fn computed_total_cost(&self) -> Option<Yen> {
        self.project_cost()?.checked_add(self.personnel_cost()?)
    }

    /// The funding sources that are filled in, with their names, in the
    /// order sheets print them; 一般財源 last.
    pub fn funding_parts(&self) -> Vec<(&'static str, Yen)> {
        let f = &self.funding;
        [
            ("国庫支出金", f.national),
            ("都道府県支出金", f.prefectural),
            ("地方債", f.bonds),
            ("その他", f.other),
            ("一般財源", self.general_revenue),
        ]
        .into_iter()
        .filter_map(|(name, y)| y.map(|y| (name, y)))
        .collect()
    }

    /// The sum of the funding sources, when a breakdown is given (an
    /// amount besides 一般財源: one alone is "うち一般財源", not a breakdown).
    pub fn funding_total(&self) -> Option<Yen> {
        if self.funding.is_empty() {
            return None;
        }
        self.funding_parts().into_iter().try_fold(Yen(0), |sum, (_, y)| sum.checked_add(y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_hours() {
        assert_eq!(Hours::parse("1,234.5"), Some(Hours(123_450)));
        assert_eq!(Hours::parse("１２００時間"), Some(Hours(120_000)));
        assert_eq!(Hours::parse("800h"), Some(Hours(80_000)));
        assert_eq!(Hours::parse("0.25"), Some(Hours(25)));
        assert_eq!(Hours::parse("1.234"), None);
        assert_eq!(Hours::parse("-3"), None);
        assert_eq!(Hours::parse("約800"), None);
        assert_eq!(Hours(123_450).to_string(), "1,234.5時間");
        assert_eq!(Hours(120_000).number(), "1,200");
        assert_eq!(Hours(25).number(), "0.25");
    }

    #[test]
    fn total_cost_is_project_cost_plus_hours_times_rate() {
        let mut f =
            BudgetFigures { initial: Some(Yen(10_000_000)), settlement: Some(Yen(9_500_000)), ..Default::default() };
        assert_eq!(f.computed_total_cost(), None, "no staff cost yet");
        f.staff.hours = Hours::parse("1,234.5");
        f.staff.hourly = Some(Yen(4_321));
        // 1,234.5 × 4,321 = 5,334,274.5 → 5,334,275
        assert_eq!(f.computed_personnel_cost(), Some(Yen(5_334_275)));
        assert_eq!(f.computed_total_cost(), Some(Yen(14_834_275)));
        // A printed 人件費 is what the total is built on.
        f.staff.personnel = Some(Yen(5_334_000));
        assert_eq!(f.computed_total_cost(), Some(Yen(14_834_000)));
        // Without a settlement, the budget is the project cost.
        f.settlement = None;
        assert_eq!(f.project_cost(), Some(Yen(10_000_000)));
    }

    #[test]
    fn funding_total_needs_a_breakdown() {
        let mut f = BudgetFigures { general_revenue: Some(Yen(3_000)), ..Default::default() };
        assert_eq!(f.funding_total(), None, "うち一般財源 alone is not a breakdown");
        f.funding.national = Some(Yen(1_000));
        f.funding.other = Some(Yen(500));
        assert_eq!(f.funding_total(), Some(Yen(4_500)));
        let names: Vec<&str> = f.funding_parts().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["国庫支出金", "その他", "一般財源"]);
    }
}
