//! Exact decimal numbers as printed: `4,372`, `52.9`, `△1,200`.
//!
//! Indicator values are compared and summed; floating point would turn
//! `0.1 + 0.2` into a judgement error, so a number is a scaled integer.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::squeeze;

/// A decimal number: `mantissa × 10^-scale`.
#[derive(Clone, Copy, Debug, Eq, Serialize, Deserialize)]
pub struct Number {
    mantissa: i64,
    scale: u8,
}

/// The most decimal places kept; more is not a printed statistic.
const MAX_SCALE: u8 = 6;

impl Number {
    pub const ZERO: Number = Number { mantissa: 0, scale: 0 };

    pub fn from_int(v: i64) -> Self {
        Number { mantissa: v, scale: 0 }
    }

    pub fn new(mantissa: i64, scale: u8) -> Option<Self> {
        (scale <= MAX_SCALE).then_some(Number { mantissa, scale })
    }

    pub fn mantissa(self) -> i64 {
        self.mantissa
    }
    pub fn scale(self) -> u8 {
        self.scale
    }

    /// Parses a plain number: digits with optional thousands commas and
    /// decimal point, full-width forms and stray spaces allowed, and a
    /// leading `-`, `△` or `▲` for negatives (the accounting convention).
    /// Returns `None` for anything else.
    pub fn parse(input: &str) -> Option<Self> {
        let s = squeeze(input);
        let (negative, body) = match s.chars().next()? {
            '-' | '△' | '▲' | '−' => (true, &s[s.chars().next()?.len_utf8()..]),
            '+' => (false, &s[1..]),
            _ => (false, s.as_str()),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int_part.is_empty() || int_part.starts_with(',') || int_part.ends_with(',') {
            return None;
        }
        let mut digits = String::with_capacity(body.len());
        for c in int_part.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ',' => {}
                _ => return None,
            }
        }
        let mut scale = 0u8;
        if let Some(f) = frac_part {
            if f.is_empty() || f.len() > MAX_SCALE as usize || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.push_str(f);
            scale = f.len() as u8;
        }
        let mut mantissa: i64 = digits.parse().ok()?;
        if negative {
            mantissa = -mantissa;
        }
        Some(Number { mantissa, scale })
    }

    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }

    /// The mantissa at a larger scale, for exact comparison.
    fn widened(self, scale: u8) -> i128 {
        self.mantissa as i128 * 10i128.pow((scale - self.scale) as u32)
    }

    /// Exact multiplication by an integer (千円 → 円), `None` on overflow.
    pub fn checked_mul_int(self, factor: i64) -> Option<Number> {
        Some(Number { mantissa: self.mantissa.checked_mul(factor)?, scale: self.scale })
    }

    pub fn checked_add(self, other: Number) -> Option<Number> {
        let scale = self.scale.max(other.scale);
        let sum = self.widened(scale) + other.widened(scale);
        Some(Number { mantissa: i64::try_from(sum).ok()?, scale })
    }

    /// The integer value when there is no fractional part.
    pub fn to_integer(self) -> Option<i64> {
        let unit = 10i64.pow(self.scale as u32);
        (self.mantissa % unit == 0).then_some(self.mantissa / unit)
    }

    /// Canonical text: no grouping, the printed number of decimals kept.
    pub fn plain(self) -> String {
        let unit = 10u64.pow(self.scale as u32);
        let abs = self.mantissa.unsigned_abs();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        if self.scale == 0 {
            format!("{sign}{abs}")
        } else {
            format!("{sign}{}.{:0width$}", abs / unit, abs % unit, width = self.scale as usize)
        }
    }

    /// Text with thousands commas: `4,372`, `1,234.5`.
    pub fn grouped(self) -> String {
        let plain = self.plain();
        let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
        let (int_part, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
        let mut out = String::new();
        for (i, c) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        match frac {
            Some(f) => format!("{sign}{out}.{f}"),
            None => format!("{sign}{out}"),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl std::hash::Hash for Number {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.widened(MAX_SCALE).hash(state)
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.widened(scale).cmp(&other.widened(scale))
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_printed_numbers() {
        let n = |s| Number::parse(s).map(Number::plain);
        assert_eq!(n("4,372").as_deref(), Some("4372"));
        assert_eq!(n("6154").as_deref(), Some("6154"));
        assert_eq!(n("52.9").as_deref(), Some("52.9"));
        assert_eq!(n("１，２３４．５").as_deref(), Some("1234.5"));
        assert_eq!(n("1 319").as_deref(), Some("1319"));
        assert_eq!(n("△1,200").as_deref(), Some("-1200"));
        assert_eq!(n("0.00").as_deref(), Some("0.00"));
        for bad in ["", "1,", ",1", "1.", "1.2.3", "abc", "1件", ".5"] {
            assert_eq!(Number::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn compares_across_scales() {
        let n = |s| Number::parse(s).unwrap();
        assert_eq!(n("1.50"), n("1.5"));
        assert!(n("0.1") < n("0.15"));
        assert!(n("-1") < n("0"));
        assert_eq!(n("0.1").checked_add(n("0.2")).unwrap(), n("0.3"));
    }

    #[test]
    fn groups_thousands() {
        let n = |s| Number::parse(s).unwrap().grouped();
        assert_eq!(n("2274948"), "2,274,948");
        assert_eq!(n("-1234.5"), "-1,234.5");
        assert_eq!(n("999"), "999");
    }
}
