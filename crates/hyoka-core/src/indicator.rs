//! What an indicator is and which cells it has per fiscal year.

use serde::{Deserialize, Serialize};

/// The kind of an indicator, as the documents name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// 成果指標 / 目標指標 / まちづくり指標
    Outcome,
    /// 活動指標
    Activity,
    /// KPI of a strategy (まち・ひと・しごと創生総合戦略)
    Kpi,
}

/// Which value of a fiscal year a cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueRole {
    /// 計画策定時 / 現状値
    Baseline,
    /// 目標
    Target,
    /// 実績
    Actual,
}

coded_enum!(IndicatorKind {
    Outcome => "outcome", "成果指標";
    Activity => "activity", "活動指標";
    Kpi => "kpi", "KPI";
});

coded_enum!(ValueRole {
    Baseline => "baseline", "基準値";
    Target => "target", "目標";
    Actual => "actual", "実績";
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in ValueRole::ALL {
            assert_eq!(r.code().parse::<ValueRole>().unwrap(), *r);
        }
        for k in IndicatorKind::ALL {
            assert_eq!(k.label().parse::<IndicatorKind>().unwrap(), *k);
        }
        assert!("x".parse::<ValueRole>().unwrap_err().contains("baseline"));
    }
}
