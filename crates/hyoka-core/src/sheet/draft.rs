//! The editable content of one sheet: a [`SheetDraft`], an ordered list of
//! typed fields.
//!
//! One list serves the form (each [`FieldKey`] has a stable name, the
//! form field's), the history (each changed field is a readable before →
//! after) and conflict handling (the person's input, the stored values
//! now, and what the form started from are compared field by field).
//! Values are kept as typed, cleaned to their canonical printed form: a
//! draft read from a form is the only way to build one for saving, so the
//! save command never re-checks it.
//!
//! This module holds the value and its pure rules: field names, cleaning
//! and limits ([`read_form`], [`canonical`]), budget text, schedule and
//! 工程表 rows, the readable diff ([`diff`]). What it needs to know of a
//! sheet beyond its stored draft comes in as [`DraftRules`]; building the
//! stored draft from the database is the application's
//! (`hyoka_app::sheet::draft::stored`).
//!
//! | name | key |
//! |---|---|
//! | `n.{slot}.{k}` | the k-th narrative of a slot, in line markup |
//! | `i.{id}.{year}.t` / `.a` | an indicator's target / actual as typed |
//! | `i.{id}.{year}.j` / `.r` | a declared judgement and its reason |
//! | `b.{initial,final,settlement,general_revenue,carried_over}` | the year's budget in the layout's unit |
//! | `s.{row}.{kind,label,m0…m11,hr,ho}` | a schedule row with staff hours |
//! | `r.{row}.step` / `r.{row}.{year}.p` / `.a` | a 工程表 step, a year's planned / actual |
//! | `g.{stage}.{evaluator}` / `gc.…` | the section's own grade and comment |
//! | `d.dir` / `d.reason` / `d.transfer` | next year's direction |

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use crate::judgement::JudgementVocabulary;
use crate::layout::{MoneyInputUnit, SectionKind, SheetLayout};
use crate::money::MoneyUnit;
use crate::narrative::Narrative;
use crate::paste::clean_pasted;
use crate::sheet::{ScheduleRow, FISCAL_MONTHS};
use crate::vocabulary::CityVocabulary;
use crate::{BudgetFigures, EvaluationScale, Evaluator, FiscalYear, Hours, NextDirection, Number, Stage, Yen};

/// The longest narrative a form saves, in characters.
pub const MAX_NARRATIVE_CHARS: usize = 20_000;
/// The longest short text (a cell, a reason, a comment), in characters.
pub const MAX_SHORT_CHARS: usize = 2_000;
/// Schedule rows beyond this are not read from a form.
pub const MAX_SCHEDULE_ROWS: usize = 200;

/// A line of the year's budget: the 予算・決算 table ([`BudgetField::BUDGET`])
/// and the cost table of 財源内訳 and トータルコスト ([`BudgetField::COST`]).
pub use crate::budget::BudgetLine as BudgetField;

/// A budget line as the form shows it: amounts in the sheet's unit (the
/// hourly cost always in yen), hours as a number.
pub fn budget_text(line: BudgetField, f: &BudgetFigures, unit: MoneyInputUnit) -> Option<String> {
    if line == BudgetField::StaffHours {
        return f.staff.hours.map(Hours::number);
    }
    let unit = if line.in_yen() { MoneyInputUnit::Yen } else { unit };
    f.amount(line).map(|y| money_text(y, unit))
}

/// Reads what a person typed for a budget line into `f`; the message
/// completes 「{label}」を….
pub fn set_budget(line: BudgetField, f: &mut BudgetFigures, typed: &str, unit: MoneyInputUnit) -> Result<(), String> {
    let typed = typed.trim();
    let Some(amount) = f.amount_mut(line) else {
        f.staff.hours = match typed {
            "" => None,
            t => Some(Hours::parse(t).ok_or("時間として読み取れません（小数第2位までの数で、例: 1,234.5）")?),
        };
        return Ok(());
    };
    let unit = if line.in_yen() { MoneyInputUnit::Yen } else { unit };
    *amount = match typed {
        "" => None,
        t => Some(
            Yen::parse(t, money_unit(unit))
                .map_err(|_| format!("金額として読み取れません（{}単位の数字で、例: 7,368）", unit.label()))?,
        ),
    };
    Ok(())
}

/// Rows of a 工程表 beyond this are not read from a form.
pub const MAX_ROADMAP_ROWS: usize = 100;

/// A cell of a 工程表 row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoadmapPart {
    /// 実施内容.
    Step,
    /// A year column's 計画.
    Planned(FiscalYear),
    /// A year column's 実績.
    Actual(FiscalYear),
}

impl RoadmapPart {
    fn code(self) -> String {
        match self {
            RoadmapPart::Step => "step".into(),
            RoadmapPart::Planned(y) => format!("{}.p", y.year()),
            RoadmapPart::Actual(y) => format!("{}.a", y.year()),
        }
    }

    fn parse(s: &str) -> Option<RoadmapPart> {
        if s == "step" {
            return Some(RoadmapPart::Step);
        }
        let (year, part) = s.split_once('.')?;
        let year = FiscalYear::new(year.parse().ok()?).ok()?;
        match part {
            "p" => Some(RoadmapPart::Planned(year)),
            "a" => Some(RoadmapPart::Actual(year)),
            _ => None,
        }
    }
}

/// A cell of a schedule row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchedulePart {
    /// `planned` or `actual`.
    Kind,
    Label,
    /// 0 = April … 11 = March.
    Month(u8),
    HoursRegular,
    HoursOther,
}

impl SchedulePart {
    fn code(self) -> String {
        match self {
            SchedulePart::Kind => "kind".into(),
            SchedulePart::Label => "label".into(),
            SchedulePart::Month(m) => format!("m{m}"),
            SchedulePart::HoursRegular => "hr".into(),
            SchedulePart::HoursOther => "ho".into(),
        }
    }

    fn parse(s: &str) -> Option<SchedulePart> {
        Some(match s {
            "kind" => SchedulePart::Kind,
            "label" => SchedulePart::Label,
            "hr" => SchedulePart::HoursRegular,
            "ho" => SchedulePart::HoursOther,
            m => SchedulePart::Month(m.strip_prefix('m')?.parse().ok().filter(|m: &u8| *m < 12)?),
        })
    }
}

/// Which field of a sheet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldKey {
    Narrative {
        slot: String,
        index: usize,
    },
    Target {
        indicator: i64,
        year: FiscalYear,
    },
    Actual {
        indicator: i64,
        year: FiscalYear,
    },
    Declared {
        indicator: i64,
        year: FiscalYear,
    },
    DeclaredReason {
        indicator: i64,
        year: FiscalYear,
    },
    Budget(BudgetField),
    Schedule {
        row: usize,
        part: SchedulePart,
    },
    Roadmap {
        row: usize,
        part: RoadmapPart,
    },
    Grade {
        stage: Stage,
        evaluator: Evaluator,
    },
    GradeComment {
        stage: Stage,
        evaluator: Evaluator,
    },
    Direction,
    DirectionReason,
    Transfer,
    /// A field of an item in one of the sheet's child rows.
    Child {
        item: i64,
        key: Box<FieldKey>,
    },
}

impl FieldKey {
    /// The field of a child row's item.
    pub fn child(item: i64, key: FieldKey) -> FieldKey {
        FieldKey::Child { item, key: Box::new(key) }
    }

    /// The item a child row's field belongs to, and the field itself.
    pub fn as_child(&self) -> Option<(i64, &FieldKey)> {
        match self {
            FieldKey::Child { item, key } => Some((*item, key)),
            _ => None,
        }
    }

    pub fn is_schedule(&self) -> bool {
        matches!(self, FieldKey::Schedule { .. })
    }

    pub fn is_roadmap(&self) -> bool {
        matches!(self, FieldKey::Roadmap { .. })
    }

    pub fn is_narrative(&self) -> bool {
        matches!(self, FieldKey::Narrative { .. })
    }

    pub fn is_budget(&self) -> bool {
        matches!(self, FieldKey::Budget(_))
    }

    pub fn is_direction(&self) -> bool {
        matches!(self, FieldKey::Direction | FieldKey::DirectionReason | FieldKey::Transfer)
    }

    /// The indicator and year of an indicator field.
    pub fn indicator_year(&self) -> Option<(i64, FiscalYear)> {
        match *self {
            FieldKey::Target { indicator, year }
            | FieldKey::Actual { indicator, year }
            | FieldKey::Declared { indicator, year }
            | FieldKey::DeclaredReason { indicator, year } => Some((indicator, year)),
            _ => None,
        }
    }
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldKey::Narrative { slot, index } => write!(f, "n.{slot}.{index}"),
            FieldKey::Target { indicator, year } => write!(f, "i.{indicator}.{}.t", year.year()),
            FieldKey::Actual { indicator, year } => write!(f, "i.{indicator}.{}.a", year.year()),
            FieldKey::Declared { indicator, year } => write!(f, "i.{indicator}.{}.j", year.year()),
            FieldKey::DeclaredReason { indicator, year } => write!(f, "i.{indicator}.{}.r", year.year()),
            FieldKey::Budget(b) => write!(f, "b.{}", b.code()),
            FieldKey::Schedule { row, part } => write!(f, "s.{row}.{}", part.code()),
            FieldKey::Roadmap { row, part } => write!(f, "r.{row}.{}", part.code()),
            FieldKey::Grade { stage, evaluator } => write!(f, "g.{}.{}", stage.code(), evaluator.code()),
            FieldKey::GradeComment { stage, evaluator } => write!(f, "gc.{}.{}", stage.code(), evaluator.code()),
            FieldKey::Direction => f.write_str("d.dir"),
            FieldKey::DirectionReason => f.write_str("d.reason"),
            FieldKey::Transfer => f.write_str("d.transfer"),
            FieldKey::Child { item, key } => write!(f, "c{item}.{key}"),
        }
    }
}

impl FromStr for FieldKey {
    type Err = ();

    fn from_str(s: &str) -> Result<FieldKey, ()> {
        let (head, rest) = s.split_once('.').ok_or(())?;
        if let Some(item) = head.strip_prefix('c').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
            let key: FieldKey = rest.parse()?;
            if key.as_child().is_some() || key.indicator_year().is_some() || key.is_budget() || key.is_roadmap() {
                return Err(());
            }
            return Ok(FieldKey::child(item.parse().map_err(|_| ())?, key));
        }
        let year = |y: &str| y.parse::<i32>().ok().and_then(|y| FiscalYear::new(y).ok()).ok_or(());
        let stage_evaluator = |r: &str| -> Result<(Stage, Evaluator), ()> {
            let (st, ev) = r.split_once('.').ok_or(())?;
            Ok((st.parse().map_err(|_| ())?, ev.parse().map_err(|_| ())?))
        };
        Ok(match head {
            "n" => {
                let (slot, index) = rest.rsplit_once('.').ok_or(())?;
                FieldKey::Narrative { slot: slot.to_string(), index: index.parse().map_err(|_| ())? }
            }
            "i" => {
                let mut p = rest.split('.');
                let indicator: i64 = p.next().ok_or(())?.parse().map_err(|_| ())?;
                let year = year(p.next().ok_or(())?)?;
                let key = match p.next().ok_or(())? {
                    "t" => FieldKey::Target { indicator, year },
                    "a" => FieldKey::Actual { indicator, year },
                    "j" => FieldKey::Declared { indicator, year },
                    "r" => FieldKey::DeclaredReason { indicator, year },
                    _ => return Err(()),
                };
                if p.next().is_some() {
                    return Err(());
                }
                key
            }
            "b" => FieldKey::Budget(*BudgetField::ALL.iter().find(|b| b.code() == rest).ok_or(())?),
            "s" => {
                let (row, part) = rest.split_once('.').ok_or(())?;
                FieldKey::Schedule { row: row.parse().map_err(|_| ())?, part: SchedulePart::parse(part).ok_or(())? }
            }
            "r" => {
                let (row, part) = rest.split_once('.').ok_or(())?;
                FieldKey::Roadmap { row: row.parse().map_err(|_| ())?, part: RoadmapPart::parse(part).ok_or(())? }
            }
            "g" => {
                let (stage, evaluator) = stage_evaluator(rest)?;
                FieldKey::Grade { stage, evaluator }
            }
            "gc" => {
                let (stage, evaluator) = stage_evaluator(rest)?;
                FieldKey::GradeComment { stage, evaluator }
            }
            "d" => match rest {
                "dir" => FieldKey::Direction,
                "reason" => FieldKey::DirectionReason,
                "transfer" => FieldKey::Transfer,
                _ => return Err(()),
            },
            _ => return Err(()),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub key: FieldKey,
    /// The form field's name (`key` as text).
    pub name: String,
    /// Readable, for history and the comparison: 「実績 平成30年度 …」.
    pub label: String,
    pub value: String,
}

/// A sheet's editable content, in the order of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetDraft {
    pub list: Vec<Field>,
}

impl SheetDraft {
    /// The value of the field with this form name ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.list.iter().find(|f| f.name == name).map_or("", |f| f.value.as_str())
    }

    pub fn value(&self, key: &FieldKey) -> Option<&str> {
        self.list.iter().find(|f| f.key == *key).map(|f| f.value.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.list.iter().any(|f| f.name == name)
    }

    pub fn push(&mut self, key: FieldKey, label: String, value: String) {
        self.list.push(Field { name: key.to_string(), key, label, value });
    }

    /// The row indices `row_of` finds among the keys, in order, once each.
    fn rows(&self, row_of: impl Fn(&FieldKey) -> Option<usize>) -> Vec<usize> {
        let set: BTreeSet<usize> = self.list.iter().filter_map(|f| row_of(&f.key)).collect();
        set.into_iter().collect()
    }

    /// The 工程表 rows' indices present, in order.
    pub fn roadmap_rows(&self) -> Vec<usize> {
        self.rows(|k| match k {
            FieldKey::Roadmap { row, .. } => Some(*row),
            _ => None,
        })
    }

    /// The 工程表 as a draft holds it: each row's step and its cells of the
    /// given year columns.
    pub fn roadmap(&self, fy: FiscalYear, years: &[FiscalYear]) -> Vec<crate::roadmap::RoadmapRow> {
        self.roadmap_rows()
            .into_iter()
            .map(|row| {
                let get = |part| self.value(&FieldKey::Roadmap { row, part }).unwrap_or("").to_string();
                let mut r =
                    crate::roadmap::RoadmapRow { fiscal_year: fy, step: get(RoadmapPart::Step), cells: Vec::new() };
                for &y in years {
                    r.set(y, get(RoadmapPart::Planned(y)), get(RoadmapPart::Actual(y)));
                }
                r
            })
            .collect()
    }

    /// The schedule rows' indices present, in order.
    pub fn schedule_rows(&self) -> Vec<usize> {
        self.rows(|k| match k {
            FieldKey::Schedule { row, .. } => Some(*row),
            _ => None,
        })
    }

    /// The rows of a child row's schedule present (its marker aside), in
    /// order.
    pub fn child_schedule_rows(&self, item: i64) -> Vec<usize> {
        self.rows(|k| match k.as_child() {
            Some((i, FieldKey::Schedule { row, .. })) if i == item && *row != usize::MAX => Some(*row),
            _ => None,
        })
    }

    /// A schedule row of the year as the draft holds it; `key` places a
    /// cell's key (a child row's: `|k| FieldKey::child(item, k)`).
    pub fn schedule_row(&self, fy: FiscalYear, row: usize, key: impl Fn(FieldKey) -> FieldKey) -> ScheduleRow {
        let get = |part| self.value(&key(FieldKey::Schedule { row, part })).unwrap_or("").to_string();
        let opt = |part| Some(get(part)).filter(|v| !v.is_empty());
        ScheduleRow {
            fiscal_year: fy,
            kind: get(SchedulePart::Kind),
            label: get(SchedulePart::Label),
            months: (0..12).map(|m| get(SchedulePart::Month(m))).collect(),
            hours_regular: opt(SchedulePart::HoursRegular),
            hours_other: opt(SchedulePart::HoursOther),
        }
    }
}

/// A message next to a field, by form name.
pub type FieldErrors = BTreeMap<String, String>;

/// An amount in the layout's unit, or in yen when it has a remainder.
pub fn money_text(y: Yen, unit: MoneyInputUnit) -> String {
    if y.yen() % unit.factor() == 0 {
        Number::from_int(y.yen() / unit.factor()).grouped()
    } else {
        format!("{}円", Number::from_int(y.yen()).grouped())
    }
}

pub fn money_unit(unit: MoneyInputUnit) -> MoneyUnit {
    match unit {
        MoneyInputUnit::Thousand => MoneyUnit::Thousand,
        MoneyInputUnit::Yen => MoneyUnit::Yen,
    }
}

/// One 工程表 row's fields: its step, then per year column 計画 and 実績.
pub fn push_roadmap_row<'a>(
    f: &mut SheetDraft,
    row: usize,
    step: &str,
    years: &[FiscalYear],
    cell: impl Fn(FiscalYear) -> (&'a str, &'a str),
) {
    let line = format!("工程表 {}行目", row + 1);
    f.push(FieldKey::Roadmap { row, part: RoadmapPart::Step }, format!("{line} 実施内容"), step.to_string());
    for &y in years {
        let (planned, actual) = cell(y);
        f.push(
            FieldKey::Roadmap { row, part: RoadmapPart::Planned(y) },
            format!("{line} {} 計画", y.label()),
            planned.to_string(),
        );
        f.push(
            FieldKey::Roadmap { row, part: RoadmapPart::Actual(y) },
            format!("{line} {} 実績", y.label()),
            actual.to_string(),
        );
    }
}

/// The rows of the 工程表 as the form sends them (`r.{row}.…`), renumbered
/// from 0; blank rows are dropped. Each problem names its row (as the
/// form numbers them) and year.
fn read_roadmap(form: &BTreeMap<String, String>, years: &[FiscalYear], out: &mut SheetDraft, errors: &mut FieldErrors) {
    let rows: BTreeSet<usize> = form
        .keys()
        .filter_map(|k| k.strip_prefix("r.")?.split('.').next()?.parse().ok())
        .filter(|i: &usize| *i < MAX_ROADMAP_ROWS)
        .collect();
    let mut n = 0;
    for i in rows {
        let get = |part: RoadmapPart| {
            form.get(&FieldKey::Roadmap { row: i, part }.to_string()).map(String::as_str).unwrap_or("")
        };
        let cells: Vec<(FiscalYear, &str, &str)> =
            years.iter().map(|&y| (y, get(RoadmapPart::Planned(y)), get(RoadmapPart::Actual(y)))).collect();
        // Rows are numbered as the form shows them (`r.{i}` is row i + 1).
        match crate::roadmap::clean_row(i + 1, get(RoadmapPart::Step), &cells) {
            Ok(None) => continue,
            Ok(Some((step, clean))) => {
                let row = crate::roadmap::RoadmapRow { fiscal_year: years[0], step, cells: clean };
                push_roadmap_row(out, n, &row.step, years, |y| (row.planned(y), row.actual(y)));
            }
            Err(problems) => {
                use crate::roadmap::RoadmapError as E;
                for p in problems {
                    let part = match &p {
                        E::StepTooLong { .. } => RoadmapPart::Step,
                        E::CellTooLong { year, part, .. } | E::CellLineBreak { year, part, .. } => {
                            let y = years.iter().copied().find(|y| y.label() == *year).unwrap_or(years[0]);
                            if *part == "計画" {
                                RoadmapPart::Planned(y)
                            } else {
                                RoadmapPart::Actual(y)
                            }
                        }
                    };
                    errors.entry(FieldKey::Roadmap { row: i, part }.to_string()).or_insert_with(|| p.to_string());
                }
                // Kept as typed, so the form shows it back with the message.
                let step = get(RoadmapPart::Step).to_string();
                push_roadmap_row(out, n, &step, years, |y| (get(RoadmapPart::Planned(y)), get(RoadmapPart::Actual(y))));
            }
        }
        n += 1;
    }
}

#[allow(clippy::too_many_arguments)]
pub fn push_schedule_row(
    f: &mut SheetDraft,
    layout: &SheetLayout,
    row: usize,
    kind: &str,
    label: &str,
    months: &[String],
    hr: Option<&str>,
    ho: Option<&str>,
) {
    let line = format!("スケジュール {}行目", row + 1);
    let key = |part| FieldKey::Schedule { row, part };
    f.push(key(SchedulePart::Kind), format!("{line} 区分"), kind.to_string());
    f.push(key(SchedulePart::Label), format!("{line} 内容"), label.to_string());
    for (m, name) in FISCAL_MONTHS.iter().enumerate() {
        f.push(key(SchedulePart::Month(m as u8)), format!("{line} {name}"), months.get(m).cloned().unwrap_or_default());
    }
    f.push(
        key(SchedulePart::HoursRegular),
        format!("{line} 従事時間（{}）", layout.label("hours.regular")),
        hr.unwrap_or("").to_string(),
    );
    f.push(
        key(SchedulePart::HoursOther),
        format!("{line} 従事時間（{}）", layout.label("hours.other")),
        ho.unwrap_or("").to_string(),
    );
}

/// The person's input as a draft, cleaned: pasted text tidied, amounts in
/// their canonical form. A field the form did not send keeps its stored
/// value. Returns the messages for fields that cannot be saved; a draft
/// with messages must not be saved.
/// What reading a form needs to know of the sheet beyond its stored
/// draft: the layout, the 工程表's year columns, which child rows' schedule
/// the form holds, and the words and grades a field may take. The
/// application builds it from the stored sheet
/// (`hyoka_app::sheet::draft::rules`).
#[derive(Clone, Debug)]
pub struct DraftRules<'a> {
    pub layout: &'a SheetLayout,
    /// The 工程表's year columns (none: the form shows no 工程表).
    pub roadmap_years: Vec<FiscalYear>,
    /// The child rows whose kind has a schedule, in the sheet's order; a
    /// row's schedule is read when the stored draft has its marker
    /// ([`marker_field`]).
    pub child_schedules: Vec<i64>,
    /// The words of a declared judgement, by indicator.
    pub judgements: BTreeMap<i64, JudgementVocabulary>,
    /// The scale a grade is given on, by stage and evaluator (the first
    /// slot of the layout that has them).
    pub scales: BTreeMap<(Stage, Evaluator), EvaluationScale>,
    /// The city's direction words.
    pub vocabulary: &'a CityVocabulary,
}

/// The person's input as a draft, cleaned: pasted text tidied, amounts in
/// their canonical form. `form` holds the form's fields by name; a field
/// the form did not send keeps its stored value. Returns the messages for
/// fields that cannot be saved, each naming the field as the form labels
/// it; a draft with messages must not be saved.
pub fn read_form(
    stored: &SheetDraft,
    form: &BTreeMap<String, String>,
    rules: &DraftRules,
) -> (SheetDraft, FieldErrors) {
    let layout = rules.layout;
    let mut out = SheetDraft::default();
    let mut errors = FieldErrors::new();
    for field in &stored.list {
        if field.key.is_schedule()
            || field.key.is_roadmap()
            || field.key.as_child().is_some_and(|(_, k)| k.is_schedule())
        {
            continue;
        }
        let raw = form.get(&field.name).map(String::as_str).unwrap_or(&field.value);
        let (value, error) = clean_field(rules, &field.key, &field.label, raw, form);
        // A value left as stored never blocks a save, even one a rule
        // would refuse today (an imported override without a reason).
        let judgement_changed = match field.key {
            FieldKey::DeclaredReason { indicator, year } => {
                let j = FieldKey::Declared { indicator, year }.to_string();
                form.get(&j).map(|v| v.trim()).unwrap_or(stored.get(&j)) != stored.get(&j)
            }
            _ => false,
        };
        if let Some(e) = error.filter(|_| value != field.value || judgement_changed) {
            errors.insert(field.name.clone(), e);
        }
        out.push(field.key.clone(), field.label.clone(), value);
    }
    let years = &rules.roadmap_years;
    if layout.has(SectionKind::Roadmap) && !years.is_empty() {
        read_roadmap(form, years, &mut out, &mut errors);
    } else {
        out.list.extend(stored.list.iter().filter(|f| f.key.is_roadmap()).cloned());
    }
    if layout.has(SectionKind::Schedule) || layout.has(SectionKind::StaffHours) {
        read_schedule(form, "", layout, &|k| k, &mut out, &mut errors);
    } else {
        // Rows kept as they are when the layout shows no schedule.
        out.list.extend(stored.list.iter().filter(|f| f.key.is_schedule()).cloned());
    }
    // Child rows whose schedule the person writes (the stored draft has
    // their schedule "unit" when they may).
    for &id in &rules.child_schedules {
        if stored.list.iter().any(|f| f.name == child_schedule_marker(id)) {
            read_schedule(form, &format!("c{id}."), layout, &|k| FieldKey::child(id, k), &mut out, &mut errors);
            out.list.push(marker_field(id));
        }
    }
    (out, errors)
}

/// Stored values in the form a save would give them, so that opening and
/// saving a sheet is never a change (a stray space in an imported cell is
/// not an edit).
pub fn canonical(draft: &mut SheetDraft, rules: &DraftRules) {
    let empty = BTreeMap::new();
    for field in &mut draft.list {
        field.value = if field.key.is_schedule()
            || field.key.is_roadmap()
            || field.key.as_child().is_some_and(|(_, k)| k.is_schedule())
        {
            field.value.trim().to_string()
        } else {
            clean_field(rules, &field.key, &field.label, &field.value, &empty).0
        };
    }
}

/// The rows of one schedule as the form sends them (`{prefix}s.{row}.…`),
/// renumbered from 0; blank rows are dropped.
fn read_schedule(
    form: &BTreeMap<String, String>,
    prefix: &str,
    layout: &SheetLayout,
    wrap: &dyn Fn(FieldKey) -> FieldKey,
    out: &mut SheetDraft,
    errors: &mut FieldErrors,
) {
    let rows: BTreeSet<usize> = form
        .keys()
        .filter_map(|k| k.strip_prefix(prefix)?.strip_prefix("s.")?.split('.').next()?.parse().ok())
        .filter(|i: &usize| *i < MAX_SCHEDULE_ROWS)
        .collect();
    let mut n = 0;
    for i in rows {
        let get = |k: &str| form.get(&format!("{prefix}s.{i}.{k}")).map(|v| v.trim().to_string()).unwrap_or_default();
        let months: Vec<String> = (0..12).map(|m| get(&format!("m{m}"))).collect();
        let (label, hr, ho) = (get("label"), get("hr"), get("ho"));
        if label.is_empty() && hr.is_empty() && ho.is_empty() && months.iter().all(String::is_empty) {
            continue;
        }
        let kind = match get("kind").as_str() {
            "" | "planned" => "planned",
            "actual" => "actual",
            _ => {
                errors.insert(format!("{prefix}s.{i}.kind"), "区分は「計画」か「実績」を選んでください".into());
                "planned"
            }
        };
        for (k, v) in [("label", &label), ("hr", &hr), ("ho", &ho)].into_iter().chain(months.iter().map(|m| ("m", m))) {
            if v.chars().count() > MAX_SHORT_CHARS {
                errors.insert(
                    format!("{prefix}s.{i}.{k}"),
                    format!("スケジュール {}行目は{MAX_SHORT_CHARS}文字以内で入力してください", n + 1),
                );
            }
        }
        let mut row = SheetDraft::default();
        push_schedule_row(&mut row, layout, n, kind, &label, &months, Some(&hr), Some(&ho));
        for f in row.list {
            out.push(wrap(f.key), f.label, f.value);
        }
        n += 1;
    }
}

/// A child row's schedule is written on this sheet: the stored draft says
/// so with this hidden, always-equal field (a schedule may have no rows).
fn child_schedule_marker(item: i64) -> String {
    format!("c{item}.s.writable")
}

pub fn marker_field(item: i64) -> Field {
    Field {
        key: FieldKey::child(item, FieldKey::Schedule { row: usize::MAX, part: SchedulePart::Label }),
        name: child_schedule_marker(item),
        label: String::new(),
        value: String::new(),
    }
}

fn too_long(label: &str, max: usize) -> String {
    format!("「{label}」は{max}文字以内で入力してください")
}

/// Cleans one field's input; returns the value to keep and a message when
/// it cannot be saved (the value is then kept as typed for the form).
fn clean_field(
    rules: &DraftRules,
    key: &FieldKey,
    label: &str,
    raw: &str,
    form: &BTreeMap<String, String>,
) -> (String, Option<String>) {
    let layout = rules.layout;
    let short = |v: String| {
        if v.chars().count() > MAX_SHORT_CHARS {
            let e = too_long(label, MAX_SHORT_CHARS);
            (v, Some(e))
        } else {
            (v, None)
        }
    };
    let multi_line = |v: &str| v.replace("\r\n", "\n").replace('\r', "\n").trim().to_string();
    match key {
        FieldKey::Narrative { .. } => {
            let v = clean_pasted(raw);
            if v.chars().count() > MAX_NARRATIVE_CHARS {
                return (v, Some(too_long(label, MAX_NARRATIVE_CHARS)));
            }
            (v, None)
        }
        FieldKey::Declared { indicator, .. } => {
            let v = raw.trim().to_string();
            if !v.is_empty() {
                if let Some(voc) = rules.judgements.get(indicator) {
                    if !voc.labels().any(|l| l == v) {
                        let labels: Vec<&str> = voc.labels().collect();
                        return (v, Some(format!("「{label}」は {} のいずれかを選んでください", labels.join("・"))));
                    }
                }
            }
            short(v)
        }
        FieldKey::DeclaredReason { indicator, year } => {
            let declared_name = FieldKey::Declared { indicator: *indicator, year: *year }.to_string();
            let declared = form.get(&declared_name).map(|s| s.trim()).unwrap_or("");
            let v = multi_line(raw);
            if !declared.is_empty() && v.is_empty() {
                return (v, Some("判定を上書きするときは、その理由を入力してください".into()));
            }
            short(v)
        }
        FieldKey::Target { .. } | FieldKey::Actual { .. } => short(raw.trim().to_string()),
        FieldKey::Budget(field) => {
            let v = raw.trim();
            let mut figures = BudgetFigures::default();
            match set_budget(*field, &mut figures, v, layout.money_unit) {
                Ok(()) => (budget_text(*field, &figures, layout.money_unit).unwrap_or_default(), None),
                Err(why) => (v.to_string(), Some(format!("「{label}」を{why}"))),
            }
        }
        FieldKey::Child { key, .. } => clean_field(rules, key, label, raw, form),
        FieldKey::Grade { stage, evaluator } => {
            let v = raw.trim().to_string();
            if v.is_empty() {
                return (v, None);
            }
            match rules.scales.get(&(*stage, *evaluator)) {
                Some(s) if s.grade(&v).is_none() => {
                    let codes: Vec<&str> = s.grades.iter().map(|g| g.code.as_str()).collect();
                    (v, Some(format!("「{label}」は {} のいずれかを選んでください", codes.join("・"))))
                }
                _ => (v, None),
            }
        }
        FieldKey::Direction => {
            let v = raw.trim().to_string();
            // The city's own word first (「２　改革改善（縮小・統合含む）」), then hyoka's.
            if let Some(w) = rules.vocabulary.direction_word(&v).filter(|_| !v.is_empty()) {
                return (w.word.clone(), None);
            }
            if v.is_empty() || v.parse::<NextDirection>().is_ok() {
                let code = v.parse::<NextDirection>().map(|d| d.code().to_string()).unwrap_or_default();
                return (code, None);
            }
            let labels: Vec<&str> = if rules.vocabulary.directions.is_empty() {
                NextDirection::ALL.iter().map(|d| d.label()).collect()
            } else {
                rules.vocabulary.directions.iter().map(|d| d.word.as_str()).collect()
            };
            (v, Some(format!("「{label}」は {} のいずれかを選んでください", labels.join("・"))))
        }
        FieldKey::Schedule { .. }
        | FieldKey::Roadmap { .. }
        | FieldKey::GradeComment { .. }
        | FieldKey::DirectionReason
        | FieldKey::Transfer => short(multi_line(raw)),
    }
}

/// How a value reads in the history and the comparison.
pub fn display(layout: &SheetLayout, key: &FieldKey, value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if let FieldKey::Child { key, .. } = key {
        return display(layout, key, value);
    }
    Some(match key {
        FieldKey::Narrative { .. } => Narrative::from_markup(value).to_plain_text(),
        FieldKey::Budget(BudgetField::StaffHours) => format!("{value}時間"),
        FieldKey::Budget(BudgetField::HourlyCost) => format!("{value}円"),
        FieldKey::Budget(_) => {
            if value.ends_with('円') {
                value.to_string()
            } else {
                format!("{value}{}", layout.money_unit.label())
            }
        }
        FieldKey::Direction => {
            value.parse::<NextDirection>().map(|d| d.label().to_string()).unwrap_or_else(|_| value.to_string())
        }
        FieldKey::Schedule { part: SchedulePart::Kind, .. } => {
            if value == "actual" { layout.label("schedule.actual") } else { layout.label("schedule.planned") }
                .to_string()
        }
        _ => value.to_string(),
    })
}

/// A field's change, readable: its label, and its value before and after
/// as [`display`] reads it. The application records it in the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The changes from `before` to `after`, readable.
pub fn diff(layout: &SheetLayout, before: &SheetDraft, after: &SheetDraft) -> Vec<FieldChange> {
    let mut fields: Vec<&Field> = after.list.iter().collect();
    fields.extend(before.list.iter().filter(|f| !after.has(&f.name)));
    fields
        .into_iter()
        .filter_map(|f| {
            let (b, a) = (before.get(&f.name), after.get(&f.name));
            (b != a).then(|| FieldChange {
                field: f.label.clone(),
                before: display(layout, &f.key, b),
                after: display(layout, &f.key, a),
            })
        })
        .collect()
}

/// The keys whose values differ between two drafts.
pub fn changed_keys(before: &SheetDraft, after: &SheetDraft) -> BTreeSet<FieldKey> {
    let mut keys = BTreeSet::new();
    for f in after.list.iter().chain(&before.list) {
        if before.get(&f.name) != after.get(&f.name) {
            keys.insert(f.key.clone());
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_their_names() {
        let fy = FiscalYear::new(2018).unwrap();
        let keys = [
            FieldKey::Narrative { slot: "outcome_target".into(), index: 2 },
            FieldKey::Target { indicator: 7, year: fy },
            FieldKey::Roadmap { row: 3, part: RoadmapPart::Step },
            FieldKey::Roadmap { row: 0, part: RoadmapPart::Planned(fy) },
            FieldKey::Roadmap { row: 0, part: RoadmapPart::Actual(fy) },
            FieldKey::Actual { indicator: 7, year: fy },
            FieldKey::Declared { indicator: 7, year: fy },
            FieldKey::DeclaredReason { indicator: 7, year: fy },
            FieldKey::Schedule { row: 3, part: SchedulePart::Month(11) },
            FieldKey::Schedule { row: 0, part: SchedulePart::HoursOther },
            FieldKey::Grade { stage: Stage::YearEnd, evaluator: Evaluator::Section },
            FieldKey::GradeComment { stage: Stage::First, evaluator: Evaluator::Section },
            FieldKey::Direction,
            FieldKey::DirectionReason,
            FieldKey::Transfer,
            FieldKey::child(42, FieldKey::Narrative { slot: "plan".into(), index: 0 }),
            FieldKey::child(42, FieldKey::Grade { stage: Stage::YearEnd, evaluator: Evaluator::DepartmentHead }),
            FieldKey::child(7, FieldKey::Transfer),
        ];
        // Every budget line and every schedule cell, too.
        let budget = BudgetField::ALL.iter().map(|&b| FieldKey::Budget(b));
        let schedule = [SchedulePart::Kind, SchedulePart::Label, SchedulePart::HoursRegular, SchedulePart::HoursOther]
            .into_iter()
            .chain((0..12).map(SchedulePart::Month))
            .map(|part| FieldKey::Schedule { row: 1, part });
        let mut names = BTreeSet::new();
        for k in keys.into_iter().chain(budget).chain(schedule) {
            assert_eq!(k.to_string().parse::<FieldKey>(), Ok(k.clone()), "{k}");
            assert!(names.insert(k.to_string()), "two keys print as {k}");
        }
        assert_eq!(FieldKey::Budget(BudgetField::GeneralRevenue).to_string(), "b.general_revenue");
        assert_eq!(FieldKey::child(42, FieldKey::Transfer).to_string(), "c42.d.transfer");
        for bad in [
            "",
            "x.1",
            "i.7.2018.z",
            "i.x.2018.t",
            "s.1.m12",
            "b.tax",
            "g.nostage.section",
            "d.x",
            "c.n.a.0",
            "c1.c2.d.dir",
            "c1.i.7.2018.t",
        ] {
            assert!(bad.parse::<FieldKey>().is_err(), "{bad}");
        }
    }

    fn rules<'a>(layout: &'a SheetLayout, vocabulary: &'a CityVocabulary) -> DraftRules<'a> {
        DraftRules {
            layout,
            roadmap_years: Vec::new(),
            child_schedules: Vec::new(),
            judgements: BTreeMap::new(),
            scales: BTreeMap::new(),
            vocabulary,
        }
    }

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn stored() -> SheetDraft {
        let mut d = SheetDraft::default();
        d.push(FieldKey::Narrative { slot: "overview".into(), index: 0 }, "事業の概要".into(), "元の記述".into());
        d.push(FieldKey::Budget(BudgetField::Settlement), "決算額 平成30年度".into(), "7,368".into());
        d.push(FieldKey::DirectionReason, "今後の方向性 理由".into(), String::new());
        d
    }

    #[test]
    fn a_form_over_the_limits_names_the_field() {
        let layout = SheetLayout::preset("mitaka").unwrap();
        let vocabulary = CityVocabulary::default();
        let rules = rules(&layout, &vocabulary);
        let long = "あ".repeat(MAX_NARRATIVE_CHARS + 1);
        let reason = "い".repeat(MAX_SHORT_CHARS + 1);
        let (draft, errors) = read_form(
            &stored(),
            &form(&[("n.overview.0", &long), ("b.settlement", "七千"), ("d.reason", &reason)]),
            &rules,
        );
        assert_eq!(
            errors.get("n.overview.0").map(String::as_str),
            Some("「事業の概要」は20000文字以内で入力してください")
        );
        assert_eq!(
            errors.get("b.settlement").map(String::as_str),
            Some("「決算額 平成30年度」を金額として読み取れません（千円単位の数字で、例: 7,368）")
        );
        assert_eq!(
            errors.get("d.reason").map(String::as_str),
            Some("「今後の方向性 理由」は2000文字以内で入力してください")
        );
        // The input comes back as typed, for the form to show with the message.
        assert_eq!(draft.get("b.settlement"), "七千");
        assert_eq!(draft.get("n.overview.0").chars().count(), MAX_NARRATIVE_CHARS + 1);
    }

    #[test]
    fn a_form_is_cleaned_to_the_values_a_save_keeps() {
        let layout = SheetLayout::preset("mitaka").unwrap();
        let vocabulary = CityVocabulary::default();
        let rules = rules(&layout, &vocabulary);
        // Amounts in their canonical form; a field the form did not send keeps its value.
        let (draft, errors) = read_form(&stored(), &form(&[("b.settlement", " 7368 ")]), &rules);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(draft.get("b.settlement"), "7,368");
        assert_eq!(draft.get("n.overview.0"), "元の記述");
        // An amount with a remainder is kept in yen.
        let mut figures = BudgetFigures::default();
        set_budget(BudgetField::Settlement, &mut figures, "1,234,567円", MoneyInputUnit::Thousand).unwrap();
        assert_eq!(
            budget_text(BudgetField::Settlement, &figures, MoneyInputUnit::Thousand).as_deref(),
            Some("1,234,567円")
        );
        // A stored value read back is no change.
        let mut again = draft.clone();
        canonical(&mut again, &rules);
        assert_eq!(again, draft);
    }

    #[test]
    fn the_diff_reads_before_and_after() {
        let layout = SheetLayout::preset("mitaka").unwrap();
        let before = stored();
        let mut after = SheetDraft::default();
        after.push(FieldKey::Narrative { slot: "overview".into(), index: 0 }, "事業の概要".into(), "元の記述".into());
        after.push(FieldKey::Budget(BudgetField::Settlement), "決算額 平成30年度".into(), "8,000".into());
        after.push(FieldKey::DirectionReason, "今後の方向性 理由".into(), "継続する".into());
        let changes = diff(&layout, &before, &after);
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "決算額 平成30年度".into(),
                    before: Some("7,368千円".into()),
                    after: Some("8,000千円".into())
                },
                FieldChange {
                    field: "今後の方向性 理由".into(), before: None, after: Some("継続する".into())
                },
            ]
        );
        let keys: Vec<FieldKey> = changed_keys(&before, &after).into_iter().collect();
        assert_eq!(keys, vec![FieldKey::Budget(BudgetField::Settlement), FieldKey::DirectionReason]);
        assert!(diff(&layout, &before, &before).is_empty());
    }

    #[test]
    fn schedule_rows_read_back_from_a_draft() {
        let layout = SheetLayout::preset("mitaka").unwrap();
        let fy = FiscalYear::new(2018).unwrap();
        let mut months = vec![String::new(); 12];
        months[0] = "←".into();
        let mut d = SheetDraft::default();
        push_schedule_row(&mut d, &layout, 0, "actual", "周知", &months, Some("747H"), None);
        let mut child = SheetDraft::default();
        push_schedule_row(&mut child, &layout, 0, "planned", "準備", &months, None, Some("3H"));
        d.list.push(marker_field(9));
        for f in child.list {
            d.push(FieldKey::child(9, f.key), f.label, f.value);
        }
        assert_eq!(d.schedule_rows(), vec![0]);
        assert_eq!(d.child_schedule_rows(9), vec![0], "the marker is no row");
        assert!(d.child_schedule_rows(8).is_empty());
        let row = d.schedule_row(fy, 0, |k| k);
        assert_eq!((row.kind.as_str(), row.label.as_str(), row.months[0].as_str()), ("actual", "周知", "←"));
        assert_eq!((row.hours_regular.as_deref(), row.hours_other), (Some("747H"), None));
        let row = d.schedule_row(fy, 0, |k| FieldKey::child(9, k));
        assert_eq!((row.label.as_str(), row.hours_other.as_deref()), ("準備", Some("3H")));
    }
}
