//! Evaluation scales, stages and evaluators: the grades people give.
//!
//! Scales are data: each city names its own codes and labels, and a city
//! can add or rename them without code. The presets are the scales printed
//! in the seed documents.

use serde::{Deserialize, Serialize};

use crate::text::normalise;

/// A scale of grades, best first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationScale {
    pub code: String,
    pub name: String,
    pub grades: Vec<Grade>,
    /// Whether the document prints a legend for the scale. 東村山市 prints
    /// A/B with none.
    pub legend_printed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    /// As printed in the grade cell: `S`, `1`, `A`.
    pub code: String,
    /// The meaning: `計画以上`, `重点的に取り組む`.
    pub label: String,
}

impl EvaluationScale {
    fn preset(code: &str, name: &str, grades: &[(&str, &str)], legend_printed: bool) -> Self {
        EvaluationScale {
            code: code.into(),
            name: name.into(),
            grades: grades.iter().map(|(c, l)| Grade { code: (*c).into(), label: (*l).into() }).collect(),
            legend_printed,
        }
    }

    /// 三鷹市 中間評価: `1 重点的に取り組む 2 経常業務の一環として取り組む 3 見送ることとする`.
    pub fn mitaka_midyear() -> Self {
        Self::preset(
            "mitaka-midyear",
            "三鷹市 中間評価",
            &[("1", "重点的に取り組む"), ("2", "経常業務の一環として取り組む"), ("3", "見送ることとする")],
            true,
        )
    }

    /// 三鷹市 事後評価: `S 計画以上 1 計画どおり 2 計画の7割未満 3 その他（取組方針の変更等）`.
    pub fn mitaka_yearend() -> Self {
        Self::preset(
            "mitaka-yearend",
            "三鷹市 事後評価",
            &[("S", "計画以上"), ("1", "計画どおり"), ("2", "計画の7割未満"), ("3", "その他（取組方針の変更等）")],
            true,
        )
    }

    /// 小平市: S 計画以上に進んでいる, A 計画どおり, B 計画より遅れている.
    pub fn kodaira_sab() -> Self {
        Self::preset(
            "kodaira-sab",
            "小平市 S・A・B",
            &[("S", "計画以上に進んでいる"), ("A", "計画どおり進んでいる"), ("B", "計画より遅れている")],
            true,
        )
    }

    /// 東村山市 目標管理シート: A/B, printed without a legend.
    pub fn higashimurayama_ab() -> Self {
        Self::preset("higashimurayama-ab", "東村山市 A・B", &[("A", "A"), ("B", "B")], false)
    }

    /// The 総合評価 of the common 事務事業評価シート: A … D.
    pub fn jimu_abcd() -> Self {
        Self::preset(
            "jimu-abcd",
            "事務事業評価 A〜D",
            &[("A", "順調"), ("B", "概ね順調"), ("C", "課題がある"), ("D", "見直しが必要")],
            true,
        )
    }

    pub fn presets() -> Vec<Self> {
        vec![
            Self::mitaka_midyear(),
            Self::mitaka_yearend(),
            Self::kodaira_sab(),
            Self::higashimurayama_ab(),
            Self::jimu_abcd(),
        ]
    }

    /// Finds a grade by its printed code, width-folded (`Ｓ` = `S`).
    pub fn grade(&self, printed: &str) -> Option<&Grade> {
        let p = normalise(printed);
        self.grades.iter().find(|g| g.code == p)
    }

    /// Position from the best (0). Lower is better.
    pub fn rank(&self, code: &str) -> Option<usize> {
        let p = normalise(code);
        self.grades.iter().position(|g| g.code == p)
    }

    /// The legend as printed on sheets: `S 計画以上 1 計画どおり …`.
    pub fn legend(&self) -> String {
        self.grades.iter().map(|g| format!("{} {}", g.code, g.label)).collect::<Vec<_>>().join(" ")
    }
}

/// When in the year a grade is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 中間評価
    MidYear,
    /// 事後評価
    YearEnd,
    /// 1次評価
    First,
    /// 2次評価
    Second,
}

/// Who gives a grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evaluator {
    /// 主管課 / 所管課
    Section,
    /// 部長
    DepartmentHead,
    /// 事業評価審査会
    ReviewBoard,
    /// 行革本部
    Headquarters,
    /// 政策会議
    PolicyCouncil,
}

coded_enum!(Stage {
    MidYear => "midyear", "中間評価";
    YearEnd => "yearend", "事後評価";
    First => "first", "1次評価";
    Second => "second", "2次評価";
});

coded_enum!(Evaluator {
    Section => "section", "主管課";
    DepartmentHead => "department_head", "部長";
    ReviewBoard => "review_board", "事業評価審査会";
    Headquarters => "headquarters", "行革本部";
    PolicyCouncil => "policy_council", "政策会議";
});

/// The direction for next year (今後の方向性).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextDirection {
    Expand,
    Keep,
    Shrink,
    Merge,
    Pause,
    End,
}

coded_enum!(NextDirection {
    Expand => "expand", "拡充";
    Keep => "keep", "維持";
    Shrink => "shrink", "縮小";
    Merge => "merge", "統合";
    Pause => "pause", "休止";
    End => "end", "終了";
});

impl NextDirection {
    /// Reads the printed word; `廃止` is an end too.
    pub fn parse_printed(s: &str) -> Option<NextDirection> {
        match normalise(s).as_str() {
            "廃止" | "終了・廃止" => Some(NextDirection::End),
            other => other.parse().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_match_the_printed_legends() {
        assert_eq!(
            EvaluationScale::mitaka_yearend().legend(),
            "S 計画以上 1 計画どおり 2 計画の7割未満 3 その他（取組方針の変更等）"
        );
        assert_eq!(
            EvaluationScale::mitaka_midyear().legend(),
            "1 重点的に取り組む 2 経常業務の一環として取り組む 3 見送ることとする"
        );
    }

    #[test]
    fn grades_are_found_by_printed_code() {
        let s = EvaluationScale::kodaira_sab();
        assert_eq!(s.grade("Ｓ").unwrap().label, "計画以上に進んでいる");
        assert_eq!(s.rank("B"), Some(2));
        assert!(s.grade("C").is_none());
    }

    #[test]
    fn codes_round_trip() {
        for s in Stage::ALL {
            assert_eq!(s.code().parse::<Stage>().unwrap(), *s);
            assert_eq!(s.label().parse::<Stage>().unwrap(), *s);
        }
        for e in Evaluator::ALL {
            assert_eq!(e.code().parse::<Evaluator>().unwrap(), *e);
        }
        assert_eq!(NextDirection::parse_printed("廃止"), Some(NextDirection::End));
        assert_eq!(NextDirection::parse_printed("拡充"), Some(NextDirection::Expand));
    }
}
