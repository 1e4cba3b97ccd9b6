//! The organisation: departments (部) and their sections (課), which change
//! between fiscal years.

use serde::{Deserialize, Serialize};

use crate::text::normalise;
use crate::wareki::FiscalYear;

/// The fiscal years an organisational unit exists in; open ends are
/// unbounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    pub from: Option<FiscalYear>,
    pub until: Option<FiscalYear>,
}

impl Validity {
    pub fn contains(&self, fy: FiscalYear) -> bool {
        self.from.is_none_or(|f| fy >= f) && self.until.is_none_or(|u| fy <= u)
    }
}

/// A name a department or section had before it was renamed, and the
/// last fiscal year it was used: sheets of that year and before print it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormerName {
    pub name: String,
    pub until: FiscalYear,
}

/// The name a unit went by in a fiscal year: the former name whose period
/// covers it, else the current one.
pub fn name_in(current: &str, former: &[FormerName], fy: FiscalYear) -> String {
    let mut covering: Vec<&FormerName> = former.iter().filter(|f| fy <= f.until).collect();
    covering.sort_by_key(|f| f.until);
    covering.first().map_or_else(|| current.to_string(), |f| f.name.clone())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub name: String,
    pub validity: Validity,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub name: String,
    pub validity: Validity,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub departments: Vec<Department>,
}

impl Organisation {
    /// Adds a section under a department, creating the department when new.
    pub fn add_section(&mut self, department: &str, section: &str, validity: Validity) {
        let (dname, sname) = (normalise(department), normalise(section));
        let dept = match self.departments.iter().position(|d| d.name == dname) {
            Some(i) => &mut self.departments[i],
            None => {
                self.departments.push(Department { name: dname, validity: Validity::default(), sections: Vec::new() });
                self.departments.last_mut().expect("just pushed")
            }
        };
        if !dept.sections.iter().any(|s| s.name == sname && s.validity == validity) {
            dept.sections.push(Section { name: sname, validity });
        }
    }

    /// The department a section belongs to in a fiscal year.
    pub fn department_of(&self, section: &str, fy: FiscalYear) -> Option<&Department> {
        let name = normalise(section);
        self.departments
            .iter()
            .filter(|d| d.validity.contains(fy))
            .find(|d| d.sections.iter().any(|s| s.name == name && s.validity.contains(fy)))
    }

    /// (department, section) pairs in force in a fiscal year.
    pub fn as_of(&self, fy: FiscalYear) -> Vec<(&str, &str)> {
        self.departments
            .iter()
            .filter(|d| d.validity.contains(fy))
            .flat_map(|d| {
                d.sections
                    .iter()
                    .filter(move |s| s.validity.contains(fy))
                    .map(move |s| (d.name.as_str(), s.name.as_str()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_move_between_years() {
        let fy = |y| FiscalYear::new(y).unwrap();
        let mut org = Organisation::default();
        // 三島市: 情報政策課 work moved to 広報広聴課 from H31 (FY2019).
        org.add_section("企画戦略部", "情報政策課", Validity { from: None, until: Some(fy(2018)) });
        org.add_section("企画戦略部", "広報広聴課", Validity::default());
        assert_eq!(org.department_of("情報政策課", fy(2018)).unwrap().name, "企画戦略部");
        assert!(org.department_of("情報政策課", fy(2019)).is_none());
        assert_eq!(org.as_of(fy(2019)), vec![("企画戦略部", "広報広聴課")]);
        assert_eq!(org.as_of(fy(2018)).len(), 2);
    }

    #[test]
    fn a_renamed_unit_keeps_its_old_names_for_old_years() {
        let fy = |y| FiscalYear::new(y).unwrap();
        let former = [
            FormerName { name: "情報推進課".into(), until: fy(2015) },
            FormerName { name: "情報政策課".into(), until: fy(2018) },
        ];
        assert_eq!(name_in("デジタル戦略課", &former, fy(2014)), "情報推進課");
        assert_eq!(name_in("デジタル戦略課", &former, fy(2016)), "情報政策課");
        assert_eq!(name_in("デジタル戦略課", &former, fy(2018)), "情報政策課");
        assert_eq!(name_in("デジタル戦略課", &former, fy(2019)), "デジタル戦略課");
    }
}
