//! The organisation: departments (部) and their sections (課), which change
//! between fiscal years.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::text::normalise;
use crate::wareki::FiscalYear;

/// The fiscal years an organisational unit exists in; open ends are
/// unbounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Organisation {
    pub departments: Vec<Department>,
    /// What [`Organisation::add_section`] has added, so that building an
    /// organisation of many sections stays linear. Rebuilt when it no
    /// longer matches `departments` (changed directly, or deserialised).
    #[serde(skip)]
    index: OrgIndex,
}

#[derive(Clone, Debug, Default)]
struct OrgIndex {
    departments: HashMap<String, usize>,
    sections: HashSet<(usize, String, Validity)>,
    /// Sections per department when last indexed.
    counts: Vec<usize>,
}

/// The index is a cache, not part of the value (and a hash map would print
/// in a different order each run).
impl std::fmt::Debug for Organisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Organisation").field("departments", &self.departments).finish_non_exhaustive()
    }
}

/// Two organisations are equal when their departments are.
impl PartialEq for Organisation {
    fn eq(&self, other: &Self) -> bool {
        self.departments == other.departments
    }
}

impl Eq for Organisation {}

impl Organisation {
    /// Adds a section under a department, creating the department when new.
    pub fn add_section(&mut self, department: &str, section: &str, validity: Validity) {
        let (dname, sname) = (normalise(department), normalise(section));
        let current = |org: &Organisation, i: usize| {
            org.departments.get(i).is_some_and(|d| d.name == dname && d.sections.len() == org.index.counts[i])
        };
        // The department's look-up, then the section's.
        crate::work::examine(2);
        if self.index.counts.len() != self.departments.len()
            || self.index.departments.get(&dname).is_some_and(|&i| !current(self, i))
        {
            self.rebuild_index();
        }
        let i = match self.index.departments.get(&dname) {
            Some(&i) => i,
            None => {
                self.departments.push(Department {
                    name: dname.clone(),
                    validity: Validity::default(),
                    sections: Vec::new(),
                });
                self.index.counts.push(0);
                self.index.departments.insert(dname, self.departments.len() - 1);
                self.departments.len() - 1
            }
        };
        if self.index.sections.insert((i, sname.clone(), validity)) {
            self.departments[i].sections.push(Section { name: sname, validity });
            self.index.counts[i] += 1;
        }
    }

    fn rebuild_index(&mut self) {
        crate::work::examine(self.departments.len() + self.departments.iter().map(|d| d.sections.len()).sum::<usize>());
        let mut index = OrgIndex::default();
        for (i, d) in self.departments.iter().enumerate() {
            index.departments.entry(d.name.clone()).or_insert(i);
            index.sections.extend(d.sections.iter().map(|s| (i, s.name.clone(), s.validity)));
            index.counts.push(d.sections.len());
        }
        self.index = index;
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
    fn a_section_is_added_once_even_after_the_departments_were_changed_directly() {
        let mut org = Organisation::default();
        org.add_section("総務部", "総務課", Validity::default());
        org.add_section("総務部", "総務課", Validity::default());
        org.departments.push(Department { name: "企画部".into(), validity: Validity::default(), sections: vec![] });
        org.departments[1].sections.push(Section { name: "企画課".into(), validity: Validity::default() });
        org.add_section("企画部", "企画課", Validity::default());
        org.add_section("企画部", "財政課", Validity::default());
        // As deserialised: the departments without the index.
        let built = Organisation { departments: org.departments.clone(), index: OrgIndex::default() };
        let mut again = built.clone();
        again.add_section("総務部", "総務課", Validity::default());
        assert_eq!(again, built);
        assert_eq!(org.as_of(FiscalYear::new(2020).unwrap()).len(), 3);
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
