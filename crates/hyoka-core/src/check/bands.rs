//! The achievement each grade of a scale stands for, read from the
//! grades' own words when the city has not set numbers.
//!
//! `S 計画以上 / 1 計画どおり / 2 計画の7割未満 / 3 その他` gives S ≥ 100%,
//! 1 ≥ 70%, 2 < 70% and nothing for 3; `S 予定以上 / A 予定どおり / B 遅れ`
//! gives S ≥ 100%, A ≥ 100%, B < 100%. Grades whose words say nothing
//! about numbers (`重点的に取り組む`, `その他`, a bare `A`) get no band.

use crate::check::input::GradeBand;
use crate::number::Number;
use crate::text::normalise;
use crate::EvaluationScale;

/// Bands read from the labels of `scale`, best grade first.
pub fn infer(scale: &EvaluationScale) -> Vec<GradeBand> {
    let one = Number::from_int(1);
    let mut bands: Vec<(GradeBand, bool)> = scale
        .grades
        .iter()
        .map(|g| {
            let label = normalise(&g.label);
            let mut band = GradeBand { grade: g.code.clone(), min: None, max: None };
            let mut as_planned = false;
            if let Some(limit) = share_below(&label) {
                band.max = Some(limit);
            } else if label.contains("未達成") || label.contains("遅れ") {
                band.max = Some(one);
            } else if (label.contains("以上") && (label.contains("計画") || label.contains("予定"))) || label == "達成"
            {
                band.min = Some(one);
            } else if label.contains("どおり") || label.contains("通り") || label.contains("順調") {
                as_planned = true;
            }
            (band, as_planned)
        })
        .collect();
    // "As planned" reaches down to where the next grade's ceiling is.
    for i in 0..bands.len() {
        if bands[i].1 {
            let floor = bands[i + 1..].iter().find_map(|(b, _)| b.max).unwrap_or(one);
            bands[i].0.min = Some(floor);
        }
    }
    bands.into_iter().map(|(b, _)| b).collect()
}

/// `計画の7割未満` → 0.7, `80%未満` → 0.8.
fn share_below(label: &str) -> Option<Number> {
    let at = label.find("未満")?;
    let head = &label[..at];
    let digits: String = head
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n = Number::parse(&digits)?;
    let tail = &head[head.rfind(|c: char| c.is_ascii_digit())? + 1..];
    let scale = if tail.starts_with('割') {
        10
    } else if tail.starts_with('%') {
        100
    } else {
        return None;
    };
    let tenths = n.to_f64() / scale as f64;
    Number::parse(&format!("{tenths}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bands(s: &EvaluationScale) -> Vec<(String, Option<String>, Option<String>)> {
        infer(s).into_iter().map(|b| (b.grade, b.min.map(|n| n.plain()), b.max.map(|n| n.plain()))).collect()
    }

    fn b(g: &str, min: Option<&str>, max: Option<&str>) -> (String, Option<String>, Option<String>) {
        (g.into(), min.map(Into::into), max.map(Into::into))
    }

    #[test]
    fn mitaka_year_end() {
        assert_eq!(
            bands(&EvaluationScale::mitaka_yearend()),
            [b("S", Some("1"), None), b("1", Some("0.7"), None), b("2", None, Some("0.7")), b("3", None, None)]
        );
    }

    #[test]
    fn kodaira_and_scales_without_numbers() {
        assert_eq!(
            bands(&EvaluationScale::kodaira_sab()),
            [b("S", Some("1"), None), b("A", Some("1"), None), b("B", None, Some("1"))]
        );
        assert!(infer(&EvaluationScale::mitaka_midyear()).iter().all(|b| b.min.is_none() && b.max.is_none()));
        assert!(infer(&EvaluationScale::higashimurayama_ab()).iter().all(|b| b.min.is_none() && b.max.is_none()));
    }
}
