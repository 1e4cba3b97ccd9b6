//! The editable content of one sheet as a flat, ordered list of fields.
//!
//! One list serves the form (field names are the keys), the history (each
//! changed field is a readable before → after), and conflict handling (the
//! person's input, the stored values now, and what the form started from
//! are compared field by field). Keys:
//!
//! | key | what |
//! |---|---|
//! | `n.{slot}.{k}` | the k-th narrative of a slot, in line markup |
//! | `i.{id}.{year}.t` / `.a` | an indicator's target / actual as typed |
//! | `i.{id}.{year}.j` / `.r` | a declared judgement and its reason |
//! | `b.{initial,final,settlement,general_revenue,carried_over}` | the year's budget in the layout's unit |
//! | `s.{row}.{kind,label,m0…m11,hr,ho}` | a schedule row with staff hours |
//! | `g.{stage}.{evaluator}` / `gc.…` | the section's own grade and comment |
//! | `d.dir` / `d.reason` / `d.transfer` | next year's direction |

use std::collections::{BTreeMap, BTreeSet};

use hyoka_core::layout::{MoneyInputUnit, SectionKind, SheetLayout, Writer};
use hyoka_core::money::MoneyUnit;
use hyoka_core::narrative::Narrative;
use hyoka_core::paste::clean_pasted;
use hyoka_core::{BudgetFigures, FiscalYear, NextDirection, Number, ValueRole, Yen};
use hyoka_store::Change;

use super::{SheetContent, SheetContext};

pub(crate) const MONTHS: [&str; 12] =
    ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"];

/// Budget fields in form order, with their layout label keys.
pub(crate) const BUDGET_FIELDS: [(&str, &str); 5] = [
    ("initial", "budget.initial"),
    ("final", "budget.final"),
    ("settlement", "budget.settlement"),
    ("general_revenue", "budget.general_revenue"),
    ("carried_over", "budget.carried_over"),
];

const MAX_NARRATIVE_CHARS: usize = 20_000;
const MAX_SHORT_CHARS: usize = 2_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field {
    pub key: String,
    /// Readable, for history and the comparison: 「実績 平成30年度 …」.
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fields {
    pub list: Vec<Field>,
}

impl Fields {
    pub fn get(&self, key: &str) -> &str {
        self.list.iter().find(|f| f.key == key).map_or("", |f| f.value.as_str())
    }

    pub fn has(&self, key: &str) -> bool {
        self.list.iter().any(|f| f.key == key)
    }

    fn push(&mut self, key: String, label: String, value: String) {
        self.list.push(Field { key, label, value });
    }

    /// The schedule rows' indices present, in order.
    pub fn schedule_rows(&self) -> Vec<usize> {
        let set: BTreeSet<usize> =
            self.list.iter().filter_map(|f| f.key.strip_prefix("s.")?.split('.').next()?.parse().ok()).collect();
        set.into_iter().collect()
    }
}

/// What a person may write on this sheet beyond the section's own parts.
pub(crate) fn may_write(writer: Writer, head_or_admin: bool) -> bool {
    match writer {
        Writer::Section => true,
        Writer::Head => head_or_admin,
        Writer::Reviewer => false,
    }
}

/// The layout's label of a narrative slot, else the label it was stored with.
pub(crate) fn slot_label(layout: &SheetLayout, slot: &str, stored: Option<&str>) -> String {
    let preset_label = SheetLayout::preset(&layout.preset).ok().and_then(|p| p.slot(slot).map(|s| s.label.clone()));
    match (layout.slot(slot), stored) {
        // A city's rename wins; otherwise the heading as printed is kept.
        (Some(s), Some(st)) if Some(&s.label) == preset_label.as_ref() => st.to_string(),
        (Some(s), _) => s.label.clone(),
        (None, Some(st)) => st.to_string(),
        (None, None) => slot.to_string(),
    }
}

/// The narrative slots a sheet shows outside the layout's sections.
pub(crate) fn other_slots(ctx: &SheetContext, content: &SheetContent) -> Vec<String> {
    let mut seen = Vec::new();
    for (_, n) in content.narratives_of(ctx.fy) {
        if ctx.layout.slot(&n.slot).is_none() && !seen.contains(&n.slot) {
            seen.push(n.slot.clone());
        }
    }
    seen
}

pub(crate) fn money_text(y: Yen, unit: MoneyInputUnit) -> String {
    if y.yen() % unit.factor() == 0 {
        Number::from_int(y.yen() / unit.factor()).grouped()
    } else {
        format!("{}円", Number::from_int(y.yen()).grouped())
    }
}

pub(crate) fn money_unit(unit: MoneyInputUnit) -> MoneyUnit {
    match unit {
        MoneyInputUnit::Thousand => MoneyUnit::Thousand,
        MoneyInputUnit::Yen => MoneyUnit::Yen,
    }
}

pub(crate) fn budget_value(f: &BudgetFigures, field: &str) -> Option<Yen> {
    match field {
        "initial" => f.initial,
        "final" => f.final_budget,
        "settlement" => f.settlement,
        "general_revenue" => f.general_revenue,
        _ => f.carried_over,
    }
}

/// The years an indicator row is editable for on this sheet: the sheet's
/// year and later (targets for the years ahead). Earlier years belong to
/// earlier sheets.
pub(crate) fn indicator_years(values: &[hyoka_store::IndicatorValue], fy: FiscalYear) -> Vec<FiscalYear> {
    let mut years: Vec<FiscalYear> = values.iter().map(|v| v.fiscal_year).chain([fy]).collect();
    years.sort();
    years.dedup();
    years
}

/// The stored content of the sheet as fields, in the order of the form.
pub(crate) fn stored(ctx: &SheetContext, content: &SheetContent, head_or_admin: bool) -> Fields {
    let mut f = Fields::default();
    let fy = ctx.fy;
    let layout = &ctx.layout;
    let narrative_fields = |f: &mut Fields, slot: &str, always: bool| {
        let rows: Vec<_> = content.narratives_of(fy).filter(|(_, n)| n.slot == slot).map(|(_, n)| n).collect();
        for (k, n) in rows.iter().enumerate() {
            let value = clean_pasted(&n.text.to_markup());
            f.push(format!("n.{slot}.{k}"), slot_label(layout, slot, Some(&n.label)), value);
        }
        if rows.is_empty() && always {
            f.push(format!("n.{slot}.0"), slot_label(layout, slot, None), String::new());
        }
    };
    let mut schedule_done = false;
    for section in &layout.sections {
        match section.kind {
            SectionKind::Narratives => {
                for slot in section.slots.iter().filter(|s| may_write(s.writer, head_or_admin)) {
                    narrative_fields(&mut f, &slot.code, true);
                }
            }
            SectionKind::Indicators => {
                for ind in &content.indicators {
                    let name = &ind.record.name;
                    for y in indicator_years(&ind.values, fy)
                        .into_iter()
                        .filter(|y| *y >= fy && (*y == fy || !ctx.locked_years.contains(y)))
                    {
                        let cell = |role: ValueRole| {
                            ind.values
                                .iter()
                                .find(|v| v.fiscal_year == y && v.role == role)
                                .map(|v| v.cell.printed().to_string())
                                .unwrap_or_default()
                        };
                        let base = format!("i.{}.{}", ind.record.id, y.year());
                        let yl = y.label();
                        f.push(
                            format!("{base}.t"),
                            format!("{} {yl} {name}", layout.label("indicator.target")),
                            cell(ValueRole::Target),
                        );
                        if y == fy {
                            let declared = ind
                                .judgements
                                .iter()
                                .find(|j| j.fiscal_year == y)
                                .and_then(|j| j.judgement.declared.clone());
                            f.push(
                                format!("{base}.a"),
                                format!("{} {yl} {name}", layout.label("indicator.actual")),
                                cell(ValueRole::Actual),
                            );
                            f.push(
                                format!("{base}.j"),
                                format!("{}（上書き） {yl} {name}", layout.label("indicator.judgement")),
                                declared.as_ref().map(|d| d.label.clone()).unwrap_or_default(),
                            );
                            f.push(
                                format!("{base}.r"),
                                format!("{}の理由 {yl} {name}", layout.label("indicator.judgement")),
                                declared.map(|d| d.reason).unwrap_or_default(),
                            );
                        }
                    }
                }
            }
            SectionKind::Budget => {
                let row = content.budgets.iter().find(|b| b.fiscal_year == fy);
                for (field, label_key) in BUDGET_FIELDS {
                    let value = row
                        .and_then(|b| budget_value(&b.figures, field))
                        .map(|y| money_text(y, layout.money_unit))
                        .unwrap_or_default();
                    f.push(format!("b.{field}"), format!("{} {}", layout.label(label_key), fy.label()), value);
                }
            }
            SectionKind::Schedule | SectionKind::StaffHours => {
                if schedule_done {
                    continue;
                }
                schedule_done = true;
                for (i, r) in content.schedule.iter().filter(|r| r.fiscal_year == fy).enumerate() {
                    let mut months = r.months.clone();
                    months.resize(12, String::new());
                    push_schedule_row(
                        &mut f,
                        layout,
                        i,
                        &r.kind,
                        &r.label,
                        &months,
                        r.hours_regular.as_deref(),
                        r.hours_other.as_deref(),
                    );
                }
            }
            SectionKind::Grades => {
                for g in section.grades.iter().filter(|g| may_write(g.writer, head_or_admin)) {
                    let e = content
                        .evaluations
                        .iter()
                        .find(|e| e.fiscal_year == fy && e.stage == g.stage && e.evaluator == g.evaluator);
                    let key = format!("{}.{}", g.stage.code(), g.evaluator.code());
                    f.push(format!("g.{key}"), g.label.clone(), e.and_then(|e| e.grade.clone()).unwrap_or_default());
                    f.push(
                        format!("gc.{key}"),
                        format!("{} 意見・理由", g.label),
                        e.and_then(|e| e.comment.clone()).unwrap_or_default(),
                    );
                }
            }
            SectionKind::Direction => {
                let d = content.direction.as_ref();
                let heading = &section.label;
                f.push(
                    "d.dir".into(),
                    heading.clone(),
                    d.and_then(|d| d.direction).map(|x| x.code().to_string()).unwrap_or_default(),
                );
                f.push(
                    "d.reason".into(),
                    format!("{heading} {}", layout.label("direction.reason")),
                    d.and_then(|d| d.reason.clone()).unwrap_or_default(),
                );
                f.push(
                    "d.transfer".into(),
                    layout.label("direction.transfer").to_string(),
                    d.and_then(|d| d.transfer.clone()).unwrap_or_default(),
                );
            }
        }
    }
    for slot in other_slots(ctx, content) {
        narrative_fields(&mut f, &slot, false);
    }
    // Stored values in the form a save would give them, so that opening
    // and saving a sheet is never a change (a stray space in an imported
    // cell is not an edit).
    let empty = BTreeMap::new();
    for field in &mut f.list {
        field.value = if field.key.starts_with("s.") {
            field.value.trim().to_string()
        } else {
            clean_field(ctx, content, &field.key, &field.label, &field.value, &empty).0
        };
    }
    f
}

#[allow(clippy::too_many_arguments)]
fn push_schedule_row(
    f: &mut Fields,
    layout: &SheetLayout,
    i: usize,
    kind: &str,
    label: &str,
    months: &[String],
    hr: Option<&str>,
    ho: Option<&str>,
) {
    let row = format!("スケジュール {}行目", i + 1);
    f.push(format!("s.{i}.kind"), format!("{row} 区分"), kind.to_string());
    f.push(format!("s.{i}.label"), format!("{row} 内容"), label.to_string());
    for (m, name) in MONTHS.iter().enumerate() {
        f.push(format!("s.{i}.m{m}"), format!("{row} {name}"), months.get(m).cloned().unwrap_or_default());
    }
    f.push(
        format!("s.{i}.hr"),
        format!("{row} 従事時間（{}）", layout.label("hours.regular")),
        hr.unwrap_or("").to_string(),
    );
    f.push(
        format!("s.{i}.ho"),
        format!("{row} 従事時間（{}）", layout.label("hours.other")),
        ho.unwrap_or("").to_string(),
    );
}

/// A message next to a field.
pub(crate) type FieldErrors = BTreeMap<String, String>;

/// The person's input as fields, cleaned: pasted text tidied, amounts in
/// their canonical form. A field the form did not send keeps its stored
/// value. Returns the messages for fields that cannot be saved.
pub(crate) fn submitted(
    ctx: &SheetContext,
    content: &SheetContent,
    stored: &Fields,
    form: &BTreeMap<String, String>,
) -> (Fields, FieldErrors) {
    let layout = &ctx.layout;
    let mut out = Fields::default();
    let mut errors = FieldErrors::new();
    for field in &stored.list {
        if field.key.starts_with("s.") {
            continue;
        }
        let raw = form.get(&field.key).map(String::as_str).unwrap_or(&field.value);
        let (value, error) = clean_field(ctx, content, &field.key, &field.label, raw, form);
        // A value left as stored never blocks a save, even one a rule
        // would refuse today (an imported override without a reason).
        let judgement_changed = field.key.strip_suffix(".r").is_some_and(|b| {
            let j = format!("{b}.j");
            form.get(&j).map(|v| v.trim()).unwrap_or(stored.get(&j)) != stored.get(&j)
        });
        if let Some(e) = error.filter(|_| value != field.value || judgement_changed) {
            errors.insert(field.key.clone(), e);
        }
        out.push(field.key.clone(), field.label.clone(), value);
    }
    if layout.has(SectionKind::Schedule) || layout.has(SectionKind::StaffHours) {
        let rows: BTreeSet<usize> = form
            .keys()
            .filter_map(|k| k.strip_prefix("s.")?.split('.').next()?.parse().ok())
            .filter(|i: &usize| *i < 200)
            .collect();
        let mut n = 0;
        for i in rows {
            let get = |k: &str| form.get(&format!("s.{i}.{k}")).map(|v| v.trim().to_string()).unwrap_or_default();
            let months: Vec<String> = (0..12).map(|m| get(&format!("m{m}"))).collect();
            let (label, hr, ho) = (get("label"), get("hr"), get("ho"));
            if label.is_empty() && hr.is_empty() && ho.is_empty() && months.iter().all(String::is_empty) {
                continue;
            }
            let kind = match get("kind").as_str() {
                "" | "planned" => "planned",
                "actual" => "actual",
                _ => {
                    errors.insert(format!("s.{i}.kind"), "区分は「計画」か「実績」を選んでください".into());
                    "planned"
                }
            };
            for (k, v) in
                [("label", &label), ("hr", &hr), ("ho", &ho)].into_iter().chain(months.iter().map(|m| ("m", m)))
            {
                if v.chars().count() > MAX_SHORT_CHARS {
                    errors.insert(
                        format!("s.{i}.{k}"),
                        format!("スケジュール {}行目は{MAX_SHORT_CHARS}文字以内で入力してください", n + 1),
                    );
                }
            }
            push_schedule_row(&mut out, layout, n, kind, &label, &months, Some(&hr), Some(&ho));
            n += 1;
        }
    } else {
        // Rows kept as they are when the layout shows no schedule.
        out.list.extend(stored.list.iter().filter(|f| f.key.starts_with("s.")).cloned());
    }
    (out, errors)
}

fn too_long(label: &str, max: usize) -> String {
    format!("「{label}」は{max}文字以内で入力してください")
}

/// Cleans one field's input; returns the value to keep and a message when
/// it cannot be saved (the value is then kept as typed for the form).
fn clean_field(
    ctx: &SheetContext,
    content: &SheetContent,
    key: &str,
    label: &str,
    raw: &str,
    form: &BTreeMap<String, String>,
) -> (String, Option<String>) {
    let layout = &ctx.layout;
    let short = |v: String| {
        if v.chars().count() > MAX_SHORT_CHARS {
            let e = too_long(label, MAX_SHORT_CHARS);
            (v, Some(e))
        } else {
            (v, None)
        }
    };
    let multi_line = |v: &str| v.replace("\r\n", "\n").replace('\r', "\n").trim().to_string();
    if key.starts_with("n.") {
        let v = clean_pasted(raw);
        if v.chars().count() > MAX_NARRATIVE_CHARS {
            return (v, Some(too_long(label, MAX_NARRATIVE_CHARS)));
        }
        return (v, None);
    }
    if let Some(rest) = key.strip_prefix("i.") {
        let v = raw.trim().to_string();
        if rest.ends_with(".j") && !v.is_empty() {
            let id: i64 = rest.split('.').next().and_then(|x| x.parse().ok()).unwrap_or_default();
            let vocabulary = content.indicators.iter().find(|i| i.record.id == id).map(|i| &i.vocabulary);
            if let Some(voc) = vocabulary {
                if !voc.labels().any(|l| l == v) {
                    let labels: Vec<&str> = voc.labels().collect();
                    return (v, Some(format!("「{label}」は {} のいずれかを選んでください", labels.join("・"))));
                }
            }
        }
        if let Some(year) = rest.strip_suffix(".r") {
            let judgement_key = format!("i.{year}.j");
            let declared = form.get(&judgement_key).map(|s| s.trim()).unwrap_or("");
            let v = multi_line(raw);
            if !declared.is_empty() && v.is_empty() {
                return (v, Some("判定を上書きするときは、その理由を入力してください".into()));
            }
            return short(v);
        }
        return short(v);
    }
    if key.starts_with("b.") {
        let v = raw.trim();
        if v.is_empty() {
            return (String::new(), None);
        }
        return match Yen::parse(v, money_unit(layout.money_unit)) {
            Ok(y) => (money_text(y, layout.money_unit), None),
            Err(_) => (
                v.to_string(),
                Some(format!(
                    "「{label}」を金額として読み取れません（{}単位の数字で、例: 7,368）",
                    layout.money_unit.label()
                )),
            ),
        };
    }
    if let Some(rest) = key.strip_prefix("g.") {
        let v = raw.trim().to_string();
        if v.is_empty() {
            return (v, None);
        }
        let scale = ctx
            .layout
            .grade_slots()
            .find(|g| format!("{}.{}", g.stage.code(), g.evaluator.code()) == rest)
            .and_then(|g| grade_scale(content, &g.scale));
        return match scale {
            Some(s) if s.grade(&v).is_none() => {
                let codes: Vec<&str> = s.grades.iter().map(|g| g.code.as_str()).collect();
                (v, Some(format!("「{label}」は {} のいずれかを選んでください", codes.join("・"))))
            }
            _ => (v, None),
        };
    }
    if key == "d.dir" {
        let v = raw.trim().to_string();
        if v.is_empty() || v.parse::<NextDirection>().is_ok() {
            let code = v.parse::<NextDirection>().map(|d| d.code().to_string()).unwrap_or_default();
            return (code, None);
        }
        let labels: Vec<&str> = NextDirection::ALL.iter().map(|d| d.label()).collect();
        return (v, Some(format!("「{label}」は {} のいずれかを選んでください", labels.join("・"))));
    }
    short(multi_line(raw))
}

/// The city's scale by code, else hyoka's preset of that code.
pub(crate) fn grade_scale(content: &SheetContent, code: &str) -> Option<hyoka_core::EvaluationScale> {
    content.scale(code).cloned().or_else(|| hyoka_core::EvaluationScale::presets().into_iter().find(|s| s.code == code))
}

/// How a value reads in the history and the comparison.
pub(crate) fn display(layout: &SheetLayout, key: &str, value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    Some(if key.starts_with("n.") {
        Narrative::from_markup(value).to_plain_text()
    } else if key.starts_with("b.") {
        if value.ends_with('円') {
            value.to_string()
        } else {
            format!("{value}{}", layout.money_unit.label())
        }
    } else if key == "d.dir" {
        value.parse::<NextDirection>().map(|d| d.label().to_string()).unwrap_or_else(|_| value.to_string())
    } else if key.starts_with("s.") && key.ends_with(".kind") {
        if value == "actual" { layout.label("schedule.actual") } else { layout.label("schedule.planned") }.to_string()
    } else {
        value.to_string()
    })
}

/// The changes from `before` to `after`, readable.
pub(crate) fn diff(layout: &SheetLayout, before: &Fields, after: &Fields) -> Vec<Change> {
    let mut keys: Vec<&Field> = after.list.iter().collect();
    keys.extend(before.list.iter().filter(|f| !after.has(&f.key)));
    keys.into_iter()
        .filter_map(|f| {
            let (b, a) = (before.get(&f.key), after.get(&f.key));
            (b != a).then(|| Change {
                field: f.label.clone(),
                before: display(layout, &f.key, b),
                after: display(layout, &f.key, a),
            })
        })
        .collect()
}

/// The keys whose values differ between two field lists.
pub(crate) fn changed_keys(before: &Fields, after: &Fields) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for f in after.list.iter().chain(&before.list) {
        if before.get(&f.key) != after.get(&f.key) {
            keys.insert(f.key.clone());
        }
    }
    keys
}
