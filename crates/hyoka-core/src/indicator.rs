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
    /// 対象指標: the size of the population a project acts on (高齢者数,
    /// 対象施設数). A count to read beside the others, never a target to
    /// reach: it is not judged.
    Population,
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
    Population => "population", "対象指標";
});

impl IndicatorKind {
    /// Whether the indicator has targets to judge its actuals against.
    /// A 対象指標 only counts whom the project serves.
    pub fn has_targets(self) -> bool {
        !matches!(self, IndicatorKind::Population)
    }
}

coded_enum!(ValueRole {
    Baseline => "baseline", "基準値";
    Target => "target", "目標";
    Actual => "actual", "実績";
});

/// A plan node an indicator names besides the node it measures and the
/// item that owns it: 三島市's 行政評価表 prints beside each 成果指標 the
/// 行政改革大綱 item it belongs to (【行政改革大綱における取組事項名】
/// 「【24 eコミュニティまちづくり推進事業】」). An indicator names at most one;
/// it is stored by the node's identity, so renaming the node renames it
/// everywhere it is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedNode {
    /// The plan's code and name: `mishima-gyokaku`, `行政改革大綱`.
    pub plan_code: String,
    pub plan_name: String,
    /// The node's printed code and title: `24`, `eコミュニティまちづくり推進事業`.
    pub code: String,
    pub title: String,
}

impl RelatedNode {
    /// The node as the sheet names it: `24 eコミュニティまちづくり推進事業`.
    pub fn label(&self) -> String {
        match (self.code.trim(), self.title.trim()) {
            ("", title) => title.to_string(),
            (code, "") => code.to_string(),
            (code, title) => format!("{code} {title}"),
        }
    }

    /// As the printed form puts it beside the indicator's name:
    /// `【24 eコミュニティまちづくり推進事業】`.
    pub fn printed(&self) -> String {
        format!("【{}】", self.label())
    }
}

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
        assert_eq!("対象指標".parse::<IndicatorKind>().unwrap(), IndicatorKind::Population);
        assert!(!IndicatorKind::Population.has_targets() && IndicatorKind::Kpi.has_targets());
    }

    #[test]
    fn a_related_node_prints_as_the_form_does() {
        let node = RelatedNode {
            plan_code: "mishima-gyokaku".into(),
            plan_name: "行政改革大綱".into(),
            code: "24".into(),
            title: "eコミュニティまちづくり推進事業".into(),
        };
        assert_eq!(node.printed(), "【24 eコミュニティまちづくり推進事業】");
        assert_eq!(RelatedNode { code: String::new(), ..node }.label(), "eコミュニティまちづくり推進事業");
    }
}
