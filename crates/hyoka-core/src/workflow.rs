//! The life of a sheet in a fiscal year:
//! 未着手 → 作成中 → 提出済 → 承認済 → 審査済 → 確定, with 差戻し back to
//! the section. Transitions are pure; who may trigger them is
//! [`crate::access::authorize`]'s business.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetStatus {
    NotStarted,
    Drafting,
    Submitted,
    Returned,
    Approved,
    Reviewed,
    Final,
}

coded_enum!(SheetStatus {
    NotStarted => "not_started", "未着手";
    Drafting => "drafting", "作成中";
    Submitted => "submitted", "提出済";
    Returned => "returned", "差戻し";
    Approved => "approved", "承認済";
    Reviewed => "reviewed", "審査済";
    Final => "final", "確定";
});

/// What a person does to a sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Save,
    Submit,
    Approve,
    Return,
    Review,
    Lock,
}

coded_enum!(Transition {
    Save => "save", "保存";
    Submit => "submit", "提出";
    Approve => "approve", "承認";
    Return => "return", "差戻し";
    Review => "review", "審査";
    Lock => "lock", "確定";
});

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{from}」の調査票は「{transition}」できません")]
pub struct WorkflowError {
    pub from: &'static str,
    pub transition: &'static str,
}

impl SheetStatus {
    /// The section may still change the content.
    pub fn is_editable(self) -> bool {
        matches!(self, SheetStatus::NotStarted | SheetStatus::Drafting | SheetStatus::Returned)
    }

    /// Counted as handed in on the dashboard.
    pub fn is_submitted(self) -> bool {
        !self.is_editable()
    }

    pub fn apply(self, t: Transition) -> Result<SheetStatus, WorkflowError> {
        use SheetStatus as S;
        let next = match (self, t) {
            (S::NotStarted | S::Drafting | S::Returned, Transition::Save) => Some(S::Drafting),
            (S::NotStarted | S::Drafting | S::Returned, Transition::Submit) => Some(S::Submitted),
            (S::Submitted, Transition::Approve) => Some(S::Approved),
            (S::Submitted | S::Approved, Transition::Return) => Some(S::Returned),
            (S::Approved | S::Reviewed, Transition::Review) => Some(S::Reviewed),
            (_, Transition::Lock) => Some(S::Final),
            _ => None,
        };
        next.ok_or(WorkflowError { from: self.label(), transition: t.label() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path() {
        let s = SheetStatus::NotStarted;
        let s = s.apply(Transition::Save).unwrap();
        assert_eq!(s, SheetStatus::Drafting);
        let s = s.apply(Transition::Submit).unwrap();
        let s = s.apply(Transition::Approve).unwrap();
        let s = s.apply(Transition::Review).unwrap();
        assert_eq!(s.apply(Transition::Lock).unwrap(), SheetStatus::Final);
    }

    #[test]
    fn returns_and_refusals() {
        let returned = SheetStatus::Submitted.apply(Transition::Return).unwrap();
        assert!(returned.is_editable());
        let err = SheetStatus::Drafting.apply(Transition::Approve).unwrap_err();
        assert_eq!(err.to_string(), "「作成中」の調査票は「承認」できません");
        assert!(SheetStatus::Final.apply(Transition::Save).is_err());
    }
}
