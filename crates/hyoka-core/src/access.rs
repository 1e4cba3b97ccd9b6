//! Who may do what. One pure function, [`authorize`], decides every
//! permission by role, city and section; the web layer asks it on every
//! route and never decides on its own. Whether the sheet's state allows the
//! action (a submitted sheet cannot be edited, a locked year cannot change)
//! is the workflow's question, answered separately, so that "not yours"
//! (403) and "not now" (409) stay distinct.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages cities and their administrators; sees no city's sheets.
    SystemAdmin,
    /// 企画・行政評価担当: administers one city.
    Admin,
    /// 担当課: edits its own section's sheets.
    Editor,
    /// 課長・部長: approves or returns its own section's sheets.
    Head,
    /// 審査会・行革本部: grades and comments on every sheet.
    Reviewer,
    /// Reads the city's sheets.
    Viewer,
}

coded_enum!(Role {
    SystemAdmin => "system_admin", "システム管理者";
    Admin => "admin", "企画・行政評価担当（管理者）";
    Editor => "editor", "担当課（編集者）";
    Head => "head", "課長・部長（承認者）";
    Reviewer => "reviewer", "審査会・行革本部（評価者）";
    Viewer => "viewer", "閲覧者";
});

/// The signed-in person, as far as permissions go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub account_id: i64,
    pub role: Role,
    /// `None` only for a system administrator.
    pub municipality: Option<String>,
    /// The section an editor or head belongs to.
    pub section_id: Option<i64>,
}

/// What is being acted on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    pub municipality: &'a str,
    /// The sections responsible for the sheet's item; empty for city-wide
    /// actions.
    pub sections: &'a [i64],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the city's sheets, plans and indicators.
    View,
    /// Change a sheet's content.
    Edit,
    /// Send a sheet for approval.
    Submit,
    /// Approve, or return with a comment.
    Approve,
    /// Grade and comment as a reviewer.
    Review,
    /// Administer the city: fiscal years, deadlines, locks, layouts, accounts.
    Administer,
    /// Manage cities and their administrators.
    ManageSystem,
}

/// The one place permissions are decided.
pub fn authorize(who: &Principal, action: Action, target: &Target<'_>) -> bool {
    if action == Action::ManageSystem {
        return who.role == Role::SystemAdmin;
    }
    // Every other action is within one city, and only for its own people.
    if who.role == Role::SystemAdmin || who.municipality.as_deref() != Some(target.municipality) {
        return false;
    }
    let own_section = who.section_id.is_some_and(|s| target.sections.contains(&s));
    match action {
        Action::View => true,
        Action::Administer => who.role == Role::Admin,
        Action::Edit | Action::Submit => match who.role {
            Role::Admin => true,
            Role::Editor | Role::Head => own_section,
            _ => false,
        },
        Action::Approve => who.role == Role::Admin || who.role == Role::Head && own_section,
        Action::Review => matches!(who.role, Role::Reviewer | Role::Admin),
        Action::ManageSystem => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, city: &str, section: Option<i64>) -> Principal {
        Principal { account_id: 1, role, municipality: Some(city.into()), section_id: section }
    }

    fn target() -> Target<'static> {
        Target { municipality: "222062", sections: &[7] }
    }

    #[test]
    fn editors_edit_only_their_own_section() {
        let t = target();
        assert!(authorize(&who(Role::Editor, "222062", Some(7)), Action::Edit, &t));
        assert!(!authorize(&who(Role::Editor, "222062", Some(8)), Action::Edit, &t));
        assert!(!authorize(&who(Role::Viewer, "222062", Some(7)), Action::Edit, &t));
        assert!(!authorize(&who(Role::Reviewer, "222062", None), Action::Edit, &t));
    }

    #[test]
    fn no_one_crosses_cities() {
        let t = target();
        for role in Role::ALL {
            for action in
                [Action::View, Action::Edit, Action::Submit, Action::Approve, Action::Review, Action::Administer]
            {
                assert!(!authorize(&who(*role, "132047", Some(7)), action, &t), "{role:?} {action:?}");
            }
        }
        let sys = Principal { account_id: 1, role: Role::SystemAdmin, municipality: None, section_id: None };
        assert!(!authorize(&sys, Action::View, &t));
        assert!(authorize(&sys, Action::ManageSystem, &t));
    }

    #[test]
    fn approvals_and_reviews() {
        let head = who(Role::Head, "222062", Some(7));
        assert!(authorize(&head, Action::Approve, &target()));
        assert!(!authorize(&who(Role::Head, "222062", Some(8)), Action::Approve, &target()));
        assert!(!authorize(&who(Role::Editor, "222062", Some(7)), Action::Approve, &target()));
        assert!(authorize(&who(Role::Reviewer, "222062", None), Action::Review, &target()));
        assert!(!authorize(&who(Role::Viewer, "222062", None), Action::Review, &target()));
        assert!(authorize(&who(Role::Admin, "222062", None), Action::Administer, &target()));
        assert!(!authorize(&who(Role::Reviewer, "222062", None), Action::Administer, &target()));
    }
}
