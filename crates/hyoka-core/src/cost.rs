//! The cost side of a year's budget line, as the common 事務事業評価シート
//! prints it: 財源内訳 (funding sources) and トータルコスト = 事業費 + 人件費,
//! where 人件費 = staff hours × an hourly unit cost.
//!
//! The sheet prints 人件費 and トータルコスト; they are stored as printed and
//! compared with what follows from the other figures, never overwritten.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::money::Yen;
use crate::number::Number;

/// 財源内訳 besides 一般財源 (which the budget line keeps as `general_revenue`).
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
}
