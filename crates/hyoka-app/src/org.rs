//! The organisation over time: departments (部) and sections (課) are
//! added, renamed, ended and merged by the city's admin, and each section
//! gets its staff counts and contact per fiscal year.
//!
//! A unit keeps its id for life, so old sheets, accounts and the history
//! keep pointing at it: a rename from a fiscal year keeps the old name for
//! the years before, an end sets the last fiscal year, and a merge ends the
//! unit and hands its work to another (a section's items, editors and
//! heads; a department's sections).

use hyoka_core::access::Action;
use hyoka_core::org::FormerName;
use hyoka_core::{FiscalYear, Number};
use hyoka_store::{DepartmentRecord, SectionRecord, SectionYear, Store, StoreError};

use crate::input::{optional, required, required_year, year};
use crate::{Command, CommandError, Cx};

const MAX_NAME: usize = 50;

async fn city_department(store: &Store, code: &str, id: i64) -> Result<DepartmentRecord, CommandError> {
    match store.department(id).await {
        Ok(d) if d.municipality_code == code => Ok(d),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(CommandError::NotFound("部".into())),
        Err(e) => Err(e.into()),
    }
}

async fn city_section(store: &Store, code: &str, id: i64) -> Result<SectionRecord, CommandError> {
    match store.section(id).await {
        Ok(s) if s.municipality_code == code => Ok(s),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(CommandError::NotFound("課".into())),
        Err(e) => Err(e.into()),
    }
}

/// A clash of names as an error on the `name` field.
fn name_clash(e: StoreError) -> CommandError {
    match e {
        StoreError::Duplicate(m) => CommandError::invalid("name", format!("{m}。別の名前にしてください。")),
        other => other.into(),
    }
}

fn validity(from: Option<FiscalYear>, until: Option<FiscalYear>) -> Option<String> {
    match (from, until) {
        (None, None) => None,
        (f, u) => {
            Some(format!("{}〜{}", f.map(|y| y.label()).unwrap_or_default(), u.map(|y| y.label()).unwrap_or_default()))
        }
    }
}

/// The year before `from`: the last year of what `from` replaces. It must
/// not fall before the unit began.
fn year_before(field: &str, from: FiscalYear, began: Option<FiscalYear>) -> Result<FiscalYear, CommandError> {
    if began.is_some_and(|b| from <= b) {
        return Err(CommandError::invalid(
            field,
            format!(
                "{}は、この組織ができた{}より後の年度にしてください。",
                from.label(),
                began.map(|b| b.label()).unwrap_or_default()
            ),
        ));
    }
    FiscalYear::new(from.year() - 1).map_err(|e| CommandError::invalid(field, e.to_string()))
}

/// Adds a department, in force from a fiscal year (blank: always).
pub struct CreateDepartment {
    pub municipality: String,
    pub name: String,
    pub from: String,
}

impl Command for CreateDepartment {
    const CODE: &'static str = "org.department.create";
    type Output = i64;

    async fn run(self, cx: &mut Cx<'_>) -> Result<i64, CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        let name = required("name", "部の名前", &self.name, MAX_NAME)?;
        let from = year("from", "設置の年度", &self.from)?;
        if cx.store.departments(code).await?.iter().any(|d| d.name == name) {
            return Err(CommandError::invalid("name", format!("部「{name}」は既にあります。別の名前にしてください。")));
        }
        let id = cx.tx().await?.insert_department(code, &name, from).await.map_err(name_clash)?;
        cx.about(code, None, None);
        cx.summary(format!("部「{name}」を追加"));
        cx.change(
            format!("部 {name}"),
            None,
            Some(validity(from, None).map_or("追加".into(), |v| format!("追加（{v}）"))),
        );
        Ok(id)
    }
}

/// Renames a department. With a fiscal year, the new name applies from
/// that year and the old one is kept for the years before; without, the
/// name is corrected everywhere.
pub struct RenameDepartment {
    pub municipality: String,
    pub department_id: i64,
    pub name: String,
    pub from: String,
}

impl Command for RenameDepartment {
    const CODE: &'static str = "org.department.rename";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        let mut d = city_department(cx.store, code, self.department_id).await?;
        let name = required("name", "部の名前", &self.name, MAX_NAME)?;
        let from = year("from", "新しい名前を使う年度", &self.from)?;
        if name == d.name {
            cx.unchanged();
            return Ok(());
        }
        if cx.store.departments(code).await?.iter().any(|x| x.name == name && x.id != d.id) {
            return Err(CommandError::invalid("name", format!("部「{name}」は既にあります。別の名前にしてください。")));
        }
        let old = std::mem::replace(&mut d.name, name.clone());
        if let Some(from) = from {
            let until = year_before("from", from, d.valid_from)?;
            d.former_names.push(FormerName { name: old.clone(), until });
        }
        cx.tx().await?.update_department(&d).await.map_err(name_clash)?;
        cx.about(code, None, None);
        cx.summary(match from {
            Some(f) => format!("部「{old}」を{}から「{name}」に改称", f.label()),
            None => format!("部「{old}」の名前を「{name}」に訂正"),
        });
        cx.change(format!("部の名前 {old}"), Some(old.clone()), Some(name));
        Ok(())
    }
}

/// Ends a department after a fiscal year. Its sections must have ended by
/// then (or been merged elsewhere).
pub struct EndDepartment {
    pub municipality: String,
    pub department_id: i64,
    pub last_year: String,
}

impl Command for EndDepartment {
    const CODE: &'static str = "org.department.end";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        let mut d = city_department(cx.store, code, self.department_id).await?;
        let last = required_year("last_year", "最後の年度", &self.last_year)?;
        if d.valid_from.is_some_and(|f| last < f) {
            return Err(CommandError::invalid("last_year", "最後の年度は、設置の年度より後にしてください。"));
        }
        let open: Vec<String> = cx
            .store
            .sections(code)
            .await?
            .into_iter()
            .filter(|s| s.department_id == d.id && s.valid_until.is_none_or(|u| u > last))
            .map(|s| if s.name.is_empty() { s.department } else { s.name })
            .collect();
        if !open.is_empty() {
            return Err(CommandError::invalid(
                "last_year",
                format!(
                    "{}より後も続く課があります（{}）。先に課を廃止するか、ほかの課へ統合してください。",
                    last.label(),
                    open.join("、")
                ),
            ));
        }
        if d.valid_until == Some(last) {
            cx.unchanged();
            return Ok(());
        }
        let before = validity(d.valid_from, d.valid_until);
        d.valid_until = Some(last);
        cx.tx().await?.update_department(&d).await?;
        cx.about(code, None, None);
        cx.summary(format!("部「{}」を{}限りで廃止", d.name, last.label()));
        cx.change(format!("部の期間 {}", d.name), before, validity(d.valid_from, d.valid_until));
        Ok(())
    }
}

/// Merges a department into another from a fiscal year: its sections move
/// under the other department, and it ends the year before.
pub struct MergeDepartment {
    pub municipality: String,
    pub department_id: i64,
    pub into_id: Option<i64>,
    pub from: String,
}

impl Command for MergeDepartment {
    const CODE: &'static str = "org.department.merge";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        let mut d = city_department(cx.store, code, self.department_id).await?;
        let into_id = self.into_id.ok_or_else(|| CommandError::invalid("into", "統合先の部を選んでください。"))?;
        if into_id == d.id {
            return Err(CommandError::invalid("into", "統合先には、ほかの部を選んでください。"));
        }
        let into = city_department(cx.store, code, into_id)
            .await
            .map_err(|_| CommandError::invalid("into", "統合先の部を一覧から選んでください。"))?;
        let from = required_year("from", "統合の年度", &self.from)?;
        let last = year_before("from", from, d.valid_from)?;
        if into.valid_until.is_some_and(|u| u < from) {
            return Err(CommandError::invalid(
                "into",
                format!("部「{}」は{}には既にありません。", into.name, from.label()),
            ));
        }
        let sections = cx.store.sections(code).await?;
        let moving: Vec<&SectionRecord> = sections.iter().filter(|s| s.department_id == d.id).collect();
        for s in &moving {
            if sections.iter().any(|t| t.department_id == into.id && t.name == s.name) {
                return Err(CommandError::invalid(
                    "into",
                    format!(
                        "部「{}」には同じ名前の課「{}」があります。先にどちらかを改称してください。",
                        into.name, s.name
                    ),
                ));
            }
        }
        let before = validity(d.valid_from, d.valid_until);
        d.valid_until = Some(last);
        d.merged_into = Some(into.id);
        let tx = cx.tx().await?;
        for s in &moving {
            let mut moved = (*s).clone();
            moved.department_id = into.id;
            tx.update_section(&moved).await?;
        }
        tx.update_department(&d).await?;
        cx.about(code, None, None);
        cx.summary(format!(
            "部「{}」を{}から部「{}」に統合（課{}件を移動）",
            d.name,
            from.label(),
            into.name,
            moving.len()
        ));
        cx.change(format!("部の期間 {}", d.name), before, validity(d.valid_from, d.valid_until));
        cx.change(format!("部の統合先 {}", d.name), None, Some(into.name.clone()));
        for s in &moving {
            cx.change(format!("課の部 {}", s.name), Some(d.name.clone()), Some(into.name.clone()));
        }
        Ok(())
    }
}

/// Adds a section under a department.
pub struct CreateSection {
    pub municipality: String,
    pub department_id: Option<i64>,
    pub name: String,
    pub from: String,
}

impl Command for CreateSection {
    const CODE: &'static str = "org.section.create";
    type Output = i64;

    async fn run(self, cx: &mut Cx<'_>) -> Result<i64, CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        let department_id =
            self.department_id.ok_or_else(|| CommandError::invalid("department", "部を選んでください。"))?;
        let d = city_department(cx.store, code, department_id)
            .await
            .map_err(|_| CommandError::invalid("department", "部を一覧から選んでください。"))?;
        let name = required("name", "課の名前", &self.name, MAX_NAME)?;
        let from = year("from", "設置の年度", &self.from)?;
        if cx.store.sections(code).await?.iter().any(|s| s.department_id == d.id && s.name == name) {
            return Err(CommandError::invalid("name", format!("課「{name}」は{}に既にあります。", d.name)));
        }
        let id = cx.tx().await?.insert_section(d.id, &name, from).await.map_err(name_clash)?;
        cx.about(code, None, None);
        cx.summary(format!("課「{} {name}」を追加", d.name));
        cx.change(
            format!("課 {} {name}", d.name),
            None,
            Some(validity(from, None).map_or("追加".into(), |v| format!("追加（{v}）"))),
        );
        Ok(id)
    }
}

/// Renames a section; with a fiscal year, the old name stays for the years
/// before it.
pub struct RenameSection {
    pub municipality: String,
    pub section_id: i64,
    pub name: String,
    pub from: String,
}

impl Command for RenameSection {
    const CODE: &'static str = "org.section.rename";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        let mut s = city_section(cx.store, code, self.section_id).await?;
        let name = required("name", "課の名前", &self.name, MAX_NAME)?;
        let from = year("from", "新しい名前を使う年度", &self.from)?;
        if name == s.name {
            cx.unchanged();
            return Ok(());
        }
        if cx.store.sections(code).await?.iter().any(|x| x.department_id == s.department_id && x.name == name) {
            return Err(CommandError::invalid("name", format!("課「{name}」は{}に既にあります。", s.department)));
        }
        let old_label = s.label();
        let old = std::mem::replace(&mut s.name, name.clone());
        if let Some(from) = from {
            let until = year_before("from", from, s.valid_from)?;
            s.former_names.push(FormerName { name: old.clone(), until });
        }
        cx.tx().await?.update_section(&s).await.map_err(name_clash)?;
        cx.about(code, None, None);
        cx.summary(match from {
            Some(f) => format!("課「{old_label}」を{}から「{name}」に改称", f.label()),
            None => format!("課「{old_label}」の名前を「{name}」に訂正"),
        });
        cx.change(format!("課の名前 {old_label}"), Some(old), Some(name));
        Ok(())
    }
}

/// Ends a section after a fiscal year. Its items and accounts stay with it
/// (old sheets still name it); the page lists them so that they can be
/// handed over.
pub struct EndSection {
    pub municipality: String,
    pub section_id: i64,
    pub last_year: String,
}

impl Command for EndSection {
    const CODE: &'static str = "org.section.end";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        let mut s = city_section(cx.store, code, self.section_id).await?;
        let last = required_year("last_year", "最後の年度", &self.last_year)?;
        if s.valid_from.is_some_and(|f| last < f) {
            return Err(CommandError::invalid("last_year", "最後の年度は、設置の年度より後にしてください。"));
        }
        if s.valid_until == Some(last) {
            cx.unchanged();
            return Ok(());
        }
        let before = validity(s.valid_from, s.valid_until);
        s.valid_until = Some(last);
        cx.tx().await?.update_section(&s).await?;
        cx.about(code, None, None);
        cx.summary(format!("課「{}」を{}限りで廃止", s.label(), last.label()));
        cx.change(format!("課の期間 {}", s.label()), before, validity(s.valid_from, s.valid_until));
        Ok(())
    }
}

/// Merges a section into another from a fiscal year: its items, editors
/// and heads move to the other section, and it ends the year before.
pub struct MergeSection {
    pub municipality: String,
    pub section_id: i64,
    pub into_id: Option<i64>,
    pub from: String,
}

impl Command for MergeSection {
    const CODE: &'static str = "org.section.merge";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        let mut s = city_section(cx.store, code, self.section_id).await?;
        let into_id = self.into_id.ok_or_else(|| CommandError::invalid("into", "統合先の課を選んでください。"))?;
        if into_id == s.id {
            return Err(CommandError::invalid("into", "統合先には、ほかの課を選んでください。"));
        }
        let into = city_section(cx.store, code, into_id)
            .await
            .map_err(|_| CommandError::invalid("into", "統合先の課を一覧から選んでください。"))?;
        let from = required_year("from", "統合の年度", &self.from)?;
        let last = year_before("from", from, s.valid_from)?;
        if into.valid_until.is_some_and(|u| u < from) {
            return Err(CommandError::invalid(
                "into",
                format!("課「{}」は{}には既にありません。", into.label(), from.label()),
            ));
        }
        let used = cx.store.section_use(s.id).await?;
        let before = validity(s.valid_from, s.valid_until);
        s.valid_until = Some(last);
        s.merged_into = Some(into.id);
        let tx = cx.tx().await?;
        tx.update_section(&s).await?;
        tx.transfer_section(s.id, into.id).await?;
        cx.about(code, None, None);
        cx.summary(format!(
            "課「{}」を{}から課「{}」に統合（事業{}件・アカウント{}件を移管）",
            s.label(),
            from.label(),
            into.label(),
            used.items.len(),
            used.accounts.len()
        ));
        cx.change(format!("課の期間 {}", s.label()), before, validity(s.valid_from, s.valid_until));
        cx.change(format!("課の統合先 {}", s.label()), None, Some(into.label()));
        for (c, t) in &used.items {
            cx.change(format!("担当課 {c} {t}"), Some(s.label()), Some(into.label()));
        }
        for login in &used.accounts {
            cx.change(format!("アカウント {login} の担当課"), Some(s.label()), Some(into.label()));
        }
        Ok(())
    }
}

/// A section's staff counts and contact for a fiscal year, as typed.
pub struct SetSectionYear {
    pub municipality: String,
    pub section_id: i64,
    pub fiscal_year: String,
    pub regular_staff: String,
    pub other_staff: String,
    pub extension: String,
    pub head_title: String,
    pub head_name: String,
}

/// A head count as typed (`3`, `3人`, `０．５`): a number of zero or more,
/// kept as its plain decimal text.
fn staff_count(field: &str, label: &str, text: &str) -> Result<Option<String>, CommandError> {
    let Some(t) = optional(field, label, text, 20)? else { return Ok(None) };
    let digits = t.trim_end_matches('人').trim();
    match Number::parse(digits) {
        Some(n) if !n.is_negative() => Ok(Some(n.plain())),
        _ => Err(CommandError::invalid(field, format!("{label}「{t}」は0以上の数で入力してください（例: 3、0.5）。"))),
    }
}

impl Command for SetSectionYear {
    const CODE: &'static str = "org.section.year";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        let s = city_section(cx.store, code, self.section_id).await?;
        let fy = required_year("fiscal_year", "年度", &self.fiscal_year)?;
        if cx.store.fiscal_year(code, fy).await?.locked {
            return Err(CommandError::invalid(
                "fiscal_year",
                format!("{}は確定済みのため、変更できません。", fy.label()),
            ));
        }
        let next = SectionYear {
            section_id: s.id,
            fiscal_year: Some(fy),
            regular_staff: staff_count("regular_staff", "正職員数", &self.regular_staff)?,
            other_staff: staff_count("other_staff", "その他職員数", &self.other_staff)?,
            extension: optional("extension", "内線", &self.extension, 30)?,
            head_title: optional("head_title", "課長の職名", &self.head_title, 30)?,
            head_name: optional("head_name", "課長の氏名", &self.head_name, 50)?,
        };
        let before = cx.store.section_years(s.id).await?.into_iter().find(|y| y.fiscal_year == Some(fy));
        let before =
            before.unwrap_or(SectionYear { section_id: s.id, fiscal_year: Some(fy), ..SectionYear::default() });
        let fields: [(&str, &Option<String>, &Option<String>); 5] = [
            ("正職員数", &before.regular_staff, &next.regular_staff),
            ("その他職員数", &before.other_staff, &next.other_staff),
            ("内線", &before.extension, &next.extension),
            ("課長の職名", &before.head_title, &next.head_title),
            ("課長の氏名", &before.head_name, &next.head_name),
        ];
        let changed: Vec<(String, Option<String>, Option<String>)> = fields
            .iter()
            .filter(|(_, b, a)| b != a)
            .map(|(f, b, a)| (format!("{f} {} {}", s.label(), fy.label()), (*b).clone(), (*a).clone()))
            .collect();
        if changed.is_empty() {
            cx.unchanged();
            return Ok(());
        }
        cx.tx().await?.set_section_year(&next, fy).await?;
        cx.about(code, None, Some(fy));
        cx.summary(format!("課「{}」の{}の職員数・連絡先を設定", s.label(), fy.label()));
        for (f, b, a) in changed {
            cx.change(f, b, a);
        }
        Ok(())
    }
}

/// The years a unit existed, as shown on the pages: `令和2年度〜`.
pub fn period(from: Option<FiscalYear>, until: Option<FiscalYear>) -> String {
    validity(from, until).unwrap_or_default()
}
