//! The domain of hyoka: administrative evaluation (行政評価) in Japanese cities.
//!
//! Pure Rust, no I/O. Every value that comes from a printed document keeps its
//! printed form next to its parsed meaning, so nothing a person typed is lost.

/// An enum with a stable code (files, database) and a Japanese label (UI),
/// both accepted when parsing.
macro_rules! coded_enum {
    ($ty:ident { $($variant:ident => $code:literal, $label:literal;)* }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];
            /// The stable code used in files and the database.
            pub fn code(self) -> &'static str {
                match self { $($ty::$variant => $code),* }
            }
            /// The usual Japanese name.
            pub fn label(self) -> &'static str {
                match self { $($ty::$variant => $label),* }
            }
        }
        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let s = $crate::text::normalise(s);
                $ty::ALL.iter().copied().find(|v| v.code() == s || v.label() == s).ok_or_else(|| {
                    let codes: Vec<&str> = $ty::ALL.iter().map(|v| v.code()).collect();
                    format!("「{s}」は使えません（{} のいずれか）", codes.join(", "))
                })
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub mod access;
pub mod budget;
pub mod cell;
pub mod chart;
pub mod check;
pub mod cost;
pub mod deadline;
pub mod indicator;
pub mod judgement;
pub mod layout;
pub mod money;
pub mod narrative;
pub mod number;
pub mod org;
pub mod outline;
pub mod paste;
pub mod plan;
pub mod roadmap;
pub mod scale;
pub mod sheet;
pub mod text;
pub mod time;
pub mod vocabulary;
pub mod wareki;
pub mod work;
pub mod workflow;

pub use budget::BudgetFigures;
pub use cell::{CellMeaning, IndicatorCell, Placeholder, Quantity};
pub use cost::{Funding, Hours, StaffCost};
pub use indicator::{IndicatorKind, RelatedNode, ValueRole};
pub use judgement::{judge, Direction, Judgement, JudgementVocabulary, Outcome, Verdict};
pub use money::{ExecutionRate, Yen};
pub use narrative::Narrative;
pub use number::Number;
pub use scale::{EvaluationScale, Evaluator, Grade, NextDirection, Stage};
pub use wareki::{Era, FiscalYear, JpDate};
