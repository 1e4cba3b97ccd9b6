//! Deadlines and lateness, and the order the admin dashboard shows
//! departments in. Pure: "today" is passed in, so tests need no clock.

use std::collections::BTreeMap;

use crate::time::Timestamp;
use crate::wareki::JpDate;
use crate::workflow::SheetStatus;

/// The calendar date in Japan at an instant (the one place this is
/// computed). Deadlines are dates in the city's calendar, so "today" must
/// be Japan's, not the server's UTC date.
pub fn today_in_japan(now: Timestamp) -> JpDate {
    let d = now.in_japan().date();
    // Only a corrupt instant falls outside JpDate's years (1868..=2200);
    // it reads as the epoch's day rather than failing a page.
    JpDate::new(i32::from(d.year()), d.month() as u8, d.day() as u8)
        .unwrap_or_else(|_| JpDate::new(1970, 1, 1).expect("a valid date"))
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: JpDate, to: JpDate) -> i64 {
    match (from.civil(), to.civil()) {
        (Some(a), Some(b)) => i64::from((b - a).get_days()),
        _ => 0,
    }
}

/// A sheet is late when its deadline has passed and the section still
/// holds it (未着手, 作成中 or 差戻し). A returned sheet counts: the
/// section owes it again.
pub fn is_late(status: SheetStatus, deadline: Option<JpDate>, today: JpDate) -> bool {
    status.is_editable() && deadline.is_some_and(|d| today > d)
}

/// How many days past the deadline a late sheet is (0 when not late).
pub fn days_late(status: SheetStatus, deadline: Option<JpDate>, today: JpDate) -> i64 {
    match deadline {
        Some(d) if is_late(status, deadline, today) => days_between(d, today),
        _ => 0,
    }
}

/// One department's sheets for a fiscal year, counted by status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentTally {
    pub department: String,
    pub by_status: BTreeMap<SheetStatus, usize>,
    pub late: usize,
    pub total: usize,
}

impl DepartmentTally {
    pub fn count(&self, status: SheetStatus) -> usize {
        self.by_status.get(&status).copied().unwrap_or(0)
    }

    /// Sheets the section has not handed in yet, late or not.
    pub fn outstanding(&self) -> usize {
        self.by_status.iter().filter(|(s, _)| s.is_editable()).map(|(_, n)| n).sum()
    }
}

/// Counts sheets per department; each sheet is `(departments, status)`.
/// A sheet shared by several departments counts in each, since each
/// department head answers for it. Departments with late sheets come
/// first (most late first), then those with most sheets outstanding, then
/// by name, so the dashboard starts with whom to chase.
pub fn tally<'a>(
    sheets: impl IntoIterator<Item = (&'a [String], SheetStatus)>,
    deadline: Option<JpDate>,
    today: JpDate,
) -> Vec<DepartmentTally> {
    let mut by_dept: BTreeMap<String, DepartmentTally> = BTreeMap::new();
    for (departments, status) in sheets {
        let late = is_late(status, deadline, today);
        for d in departments {
            let t = by_dept.entry(d.clone()).or_insert_with(|| DepartmentTally {
                department: d.clone(),
                by_status: BTreeMap::new(),
                late: 0,
                total: 0,
            });
            *t.by_status.entry(status).or_insert(0) += 1;
            t.total += 1;
            t.late += usize::from(late);
        }
    }
    let mut out: Vec<DepartmentTally> = by_dept.into_values().collect();
    out.sort_by(|a, b| {
        b.late.cmp(&a.late).then(b.outstanding().cmp(&a.outstanding())).then(a.department.cmp(&b.department))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> JpDate {
        JpDate::new(y, m, day).unwrap()
    }

    #[test]
    fn today_is_japans_date() {
        // 2020-03-31T15:30Z is already 1 April in Japan: a new fiscal year.
        let t = Timestamp::parse_iso("2020-03-31T15:30:00Z").unwrap();
        assert_eq!(today_in_japan(t), d(2020, 4, 1));
        let t = Timestamp::parse_iso("2020-03-31T14:59:59Z").unwrap();
        assert_eq!(today_in_japan(t), d(2020, 3, 31));
    }

    #[test]
    fn late_means_past_the_deadline_and_still_with_the_section() {
        let deadline = Some(d(2019, 5, 31));
        assert!(!is_late(SheetStatus::Drafting, deadline, d(2019, 5, 31)), "due today is not late");
        assert!(is_late(SheetStatus::Drafting, deadline, d(2019, 6, 1)));
        assert!(is_late(SheetStatus::Returned, deadline, d(2019, 6, 1)));
        assert!(!is_late(SheetStatus::Submitted, deadline, d(2019, 6, 1)));
        assert!(!is_late(SheetStatus::NotStarted, None, d(2100, 1, 1)), "no deadline, never late");
        assert_eq!(days_late(SheetStatus::NotStarted, deadline, d(2019, 6, 3)), 3);
        assert_eq!(days_late(SheetStatus::Approved, deadline, d(2019, 6, 3)), 0);
        assert_eq!(days_between(d(2020, 2, 28), d(2020, 3, 1)), 2, "2020 is a leap year");
    }

    #[test]
    fn departments_with_late_sheets_come_first() {
        let (a, b, c) = (vec!["総務部".to_string()], vec!["企画部".to_string()], vec!["市民部".to_string()]);
        let both = vec!["企画部".to_string(), "市民部".to_string()];
        let sheets = vec![
            (a.as_slice(), SheetStatus::Approved),
            (b.as_slice(), SheetStatus::Submitted),
            (c.as_slice(), SheetStatus::Drafting),
            (both.as_slice(), SheetStatus::NotStarted),
        ];
        let t = tally(sheets, Some(d(2019, 5, 31)), d(2019, 6, 10));
        let names: Vec<&str> = t.iter().map(|x| x.department.as_str()).collect();
        assert_eq!(names, ["市民部", "企画部", "総務部"]);
        assert_eq!(t[0].late, 2);
        assert_eq!(t[1].count(SheetStatus::Submitted), 1);
        assert_eq!(t[1].total, 2);
        // Before the deadline nobody is late: outstanding sheets order them.
        let t = tally(
            vec![(a.as_slice(), SheetStatus::Drafting), (b.as_slice(), SheetStatus::Approved)],
            Some(d(2019, 5, 31)),
            d(2019, 5, 1),
        );
        assert_eq!(t[0].department, "総務部");
        assert_eq!(t[0].late, 0);
    }
}
