//! Money in integer yen, and the budget execution rate (執行率).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::number::Number;
use crate::text::squeeze;

/// An amount in yen. Tables print 千円 or 百万円; they are multiplied out on
/// the way in so that sums are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Yen(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("「{0}」を金額として読み取れません（例: 7,368千円、1,200円）")]
    NotAnAmount(String),
    #[error("「{0}」は円未満の端数を含むため金額として扱えません")]
    Fraction(String),
}

impl Yen {
    /// Parses `7,368千円`, `309,424 千円`, `1,200円`, `140,000百万円`,
    /// `△500千円`. A bare number is read in `default_unit` (the unit of the
    /// table's header, usually 千円).
    pub fn parse(printed: &str, default_unit: MoneyUnit) -> Result<Yen, MoneyError> {
        let fail = || MoneyError::NotAnAmount(printed.trim().to_string());
        let s = squeeze(printed);
        let (digits, unit) = [
            ("百万円", MoneyUnit::Million),
            ("千円", MoneyUnit::Thousand),
            ("億円", MoneyUnit::HundredMillion),
            ("円", MoneyUnit::Yen),
        ]
        .into_iter()
        .find_map(|(suffix, unit)| s.strip_suffix(suffix).map(|d| (d, unit)))
        .unwrap_or((s.as_str(), default_unit));
        let n = Number::parse(digits).ok_or_else(fail)?;
        let yen = n.checked_mul_int(unit.factor()).ok_or_else(fail)?;
        yen.to_integer().map(Yen).ok_or_else(|| MoneyError::Fraction(printed.trim().to_string()))
    }

    pub fn from_thousands(thousands: i64) -> Yen {
        Yen(thousands * 1000)
    }

    pub fn yen(self) -> i64 {
        self.0
    }

    /// `7,368千円` when the amount is whole thousands, else `7,368,500円`.
    pub fn printed_thousands(self) -> String {
        if self.0 % 1000 == 0 {
            format!("{}千円", Number::from_int(self.0 / 1000).grouped())
        } else {
            format!("{}円", Number::from_int(self.0).grouped())
        }
    }

    pub fn checked_add(self, other: Yen) -> Option<Yen> {
        self.0.checked_add(other.0).map(Yen)
    }
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}円", Number::from_int(self.0).grouped())
    }
}

/// The unit a table states its amounts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyUnit {
    Yen,
    Thousand,
    Million,
    HundredMillion,
}

impl MoneyUnit {
    pub fn factor(self) -> i64 {
        match self {
            MoneyUnit::Yen => 1,
            MoneyUnit::Thousand => 1_000,
            MoneyUnit::Million => 1_000_000,
            MoneyUnit::HundredMillion => 100_000_000,
        }
    }
}

/// An execution rate in tenths of a percent: 86.7% is 867.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExecutionRate(i64);

impl ExecutionRate {
    /// Settlement ÷ final budget (after 補正・流用), rounded half-up to 0.1%.
    /// Undefined for a zero or negative budget.
    pub fn compute(settlement: Yen, final_budget: Yen) -> Option<ExecutionRate> {
        if final_budget.0 <= 0 {
            return None;
        }
        let (s, b) = (settlement.0 as i128, final_budget.0 as i128);
        // tenths = round(s * 1000 / b), half away from zero.
        let scaled = s * 1000;
        let q = scaled / b;
        let r = scaled % b;
        let rounded = if 2 * r.abs() >= b { q + scaled.signum() } else { q };
        Some(ExecutionRate(rounded as i64))
    }

    pub fn from_tenths(tenths: i64) -> Self {
        ExecutionRate(tenths)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    /// `86.7`.
    pub fn percent_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{}", self.0.abs() / 10, self.0.abs() % 10)
    }

    /// Parses a printed rate: `86.7%`, `86.7`, `０．０％`. Only one decimal
    /// place is meaningful; more is refused rather than silently rounded.
    pub fn parse(printed: &str) -> Option<ExecutionRate> {
        let s = squeeze(printed);
        let s = s.strip_suffix('%').unwrap_or(&s);
        let n = Number::parse(s)?;
        if n.scale() > 1 {
            return None;
        }
        Some(ExecutionRate(n.mantissa() * if n.scale() == 0 { 10 } else { 1 }))
    }
}

impl fmt::Display for ExecutionRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amounts() {
        assert_eq!(Yen::parse("7,368千円", MoneyUnit::Yen).unwrap(), Yen(7_368_000));
        assert_eq!(Yen::parse("309,424 千円", MoneyUnit::Yen).unwrap(), Yen(309_424_000));
        assert_eq!(Yen::parse("4,824", MoneyUnit::Thousand).unwrap(), Yen(4_824_000));
        assert_eq!(Yen::parse("140,000百万円", MoneyUnit::Yen).unwrap(), Yen(140_000_000_000));
        assert_eq!(Yen::parse("△500千円", MoneyUnit::Yen).unwrap(), Yen(-500_000));
        assert_eq!(Yen::parse("10,838,997円", MoneyUnit::Thousand).unwrap(), Yen(10_838_997));
        assert!(Yen::parse("1.5円", MoneyUnit::Yen).is_err());
        assert!(Yen::parse("約5千円", MoneyUnit::Yen).is_err());
    }

    #[test]
    fn execution_rate_rounds_half_up_against_final_budget() {
        let r = |s, b| ExecutionRate::compute(Yen(s), Yen(b)).map(|r| r.to_string());
        assert_eq!(r(301_762, 308_934).as_deref(), Some("97.7%"));
        assert_eq!(r(1_000, 3_000).as_deref(), Some("33.3%"));
        assert_eq!(r(2_000, 3_000).as_deref(), Some("66.7%"));
        assert_eq!(r(8_675, 10_000).as_deref(), Some("86.8%")); // 86.75 → 86.8
        assert_eq!(r(0, 1), Some("0.0%".to_string()));
        assert_eq!(r(5, 0), None);
    }

    #[test]
    fn parses_printed_rates() {
        assert_eq!(ExecutionRate::parse("86.7%"), Some(ExecutionRate(867)));
        assert_eq!(ExecutionRate::parse("０．０％"), Some(ExecutionRate(0)));
        assert_eq!(ExecutionRate::parse("100%"), Some(ExecutionRate(1000)));
        assert_eq!(ExecutionRate::parse("86.75%"), None);
    }
}
