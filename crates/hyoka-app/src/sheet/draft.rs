//! Building a sheet's draft from what is stored, for the actor who edits
//! it: which fields they may write ([`writes_head_parts`], [`may_write`]),
//! each field's label from the layout, and the [`DraftRules`] its form is
//! read with. The draft itself, its field names and its pure rules are
//! `hyoka_core::sheet::draft`.

use std::collections::{BTreeMap, BTreeSet};

use hyoka_core::access::{Action, Role};
use hyoka_core::layout::{ChildRows, SectionKind, SheetLayout, Writer};
use hyoka_core::paste::clean_pasted;
use hyoka_core::sheet::draft::{
    budget_text, canonical, marker_field, push_roadmap_row, push_schedule_row, BudgetField, DraftRules, FieldKey,
    SheetDraft,
};
use hyoka_core::{FiscalYear, ValueRole};

use super::{ChildData, IndicatorData, SheetContent, SheetContext};
use crate::Actor;

/// Whether the actor writes the head's parts of this sheet: the admin, the
/// command line, or a head of the item's own sections (a department's head
/// on its department's sheet, not a 課長 of one of its rows).
pub fn writes_head_parts(actor: &Actor, ctx: &SheetContext) -> bool {
    match actor.principal() {
        None => true,
        Some(p) => {
            p.role == Role::Admin || p.role == Role::Head && p.section_id.is_some_and(|s| ctx.own_sections.contains(&s))
        }
    }
}

/// What a person may write on this sheet: the section's parts (the person
/// may edit the sheet), the head's parts, never the reviewers'.
pub fn may_write(writer: Writer, head_parts: bool) -> bool {
    match writer {
        Writer::Section => true,
        Writer::Head => head_parts,
        Writer::Reviewer => false,
    }
}

/// Whether the actor writes a child row's section parts: they may edit that
/// row's item (its own section, or the admin).
pub fn writes_child(actor: &Actor, ctx: &SheetContext, child: &ChildData) -> bool {
    actor.require(Action::Edit, &ctx.code, &child.sections).is_ok()
}

/// The layout's label of a narrative slot, else the label it was stored with.
pub fn slot_label(layout: &SheetLayout, slot: &str, stored: Option<&str>) -> String {
    let preset_label = SheetLayout::preset(&layout.preset).ok().and_then(|p| p.slot(slot).map(|s| s.label.clone()));
    match (layout.slot(slot), stored) {
        // A city's rename wins; otherwise the heading as printed is kept.
        (Some(s), Some(st)) if Some(&s.label) == preset_label.as_ref() => st.to_string(),
        (Some(s), _) => s.label.clone(),
        (None, Some(st)) => st.to_string(),
        (None, None) => slot.to_string(),
    }
}

/// The narrative slots a sheet shows outside the layout's sections (the
/// form's notes on its costs are shown with the budget: [`cost_note_slots`]).
pub fn other_slots(ctx: &SheetContext, content: &SheetContent) -> Vec<String> {
    unplaced_slots(ctx, content, false)
}

/// The slots of the form's notes on its costs (三島市's `note:N`), shown
/// under the budget table as the print does (`SheetLayout::is_cost_note`).
pub fn cost_note_slots(ctx: &SheetContext, content: &SheetContent) -> Vec<String> {
    unplaced_slots(ctx, content, true)
}

fn unplaced_slots(ctx: &SheetContext, content: &SheetContent, notes: bool) -> Vec<String> {
    let mut seen = Vec::new();
    for (_, n) in content.narratives_of(ctx.fy) {
        if ctx.layout.slot(&n.slot).is_none() && ctx.layout.is_cost_note(&n.slot) == notes && !seen.contains(&n.slot) {
            seen.push(n.slot.clone());
        }
    }
    seen
}

/// The years an indicator row shows on a sheet: every year it has a value
/// for, and the sheet's year.
pub fn indicator_years(values: &[hyoka_store::IndicatorValue], fy: FiscalYear) -> Vec<FiscalYear> {
    let mut years: Vec<FiscalYear> = values.iter().map(|v| v.fiscal_year).chain([fy]).collect();
    years.sort();
    years.dedup();
    years
}

/// The years an indicator's cells are editable for on this sheet: the
/// sheet's year and later ones (targets printed ahead) that are not
/// locked. Earlier years belong to earlier sheets.
pub fn editable_years(ctx: &SheetContext, values: &[hyoka_store::IndicatorValue]) -> Vec<FiscalYear> {
    indicator_years(values, ctx.fy)
        .into_iter()
        .filter(|y| *y >= ctx.fy && (*y == ctx.fy || !ctx.locked_years.contains(y)))
        .collect()
}

/// The stored content of the sheet as a draft, in the order of the form.
pub fn stored(ctx: &SheetContext, content: &SheetContent, actor: &Actor) -> SheetDraft {
    let head_or_admin = writes_head_parts(actor, ctx);
    let mut f = SheetDraft::default();
    let fy = ctx.fy;
    let layout = &ctx.layout;
    let narrative_fields = |f: &mut SheetDraft, slot: &str, always: bool| {
        let rows: Vec<_> = content.narratives_of(fy).filter(|(_, n)| n.slot == slot).map(|(_, n)| n).collect();
        for (index, n) in rows.iter().enumerate() {
            let value = clean_pasted(&n.text.to_markup());
            f.push(FieldKey::Narrative { slot: slot.into(), index }, slot_label(layout, slot, Some(&n.label)), value);
        }
        if rows.is_empty() && always {
            f.push(FieldKey::Narrative { slot: slot.into(), index: 0 }, slot_label(layout, slot, None), String::new());
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
                    indicator_cells(&mut f, ctx, ind);
                }
            }
            SectionKind::Budget | SectionKind::Cost => {
                let row = content.budgets.iter().find(|b| b.fiscal_year == fy);
                let fields: &[BudgetField] =
                    if section.kind == SectionKind::Cost { &BudgetField::COST } else { &BudgetField::BUDGET };
                for &field in fields {
                    let value = row.and_then(|b| budget_text(field, &b.figures, layout.money_unit)).unwrap_or_default();
                    f.push(
                        FieldKey::Budget(field),
                        format!("{} {}", layout.label(field.label_key()), fy.label()),
                        value,
                    );
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
                    let (stage, evaluator) = (g.stage, g.evaluator);
                    f.push(
                        FieldKey::Grade { stage, evaluator },
                        g.label.clone(),
                        e.and_then(|e| e.grade.clone()).unwrap_or_default(),
                    );
                    f.push(
                        FieldKey::GradeComment { stage, evaluator },
                        format!("{} 意見・理由", g.label),
                        e.and_then(|e| e.comment.clone()).unwrap_or_default(),
                    );
                }
            }
            SectionKind::Children => {
                if let Some(rows) = &section.children {
                    child_fields(&mut f, ctx, content, rows, actor, head_or_admin);
                }
            }
            SectionKind::Roadmap => {
                let (rows, years) = content.roadmap_of(ctx);
                for (i, r) in rows.iter().enumerate() {
                    push_roadmap_row(&mut f, i, &r.step, &years, |y| (r.planned(y), r.actual(y)));
                }
            }
            SectionKind::Direction => {
                let d = content.direction.as_ref();
                let heading = &section.label;
                f.push(FieldKey::Direction, heading.clone(), content.direction_value(d));
                f.push(
                    FieldKey::DirectionReason,
                    format!("{heading} {}", layout.label("direction.reason")),
                    d.and_then(|d| d.reason.clone()).unwrap_or_default(),
                );
                f.push(
                    FieldKey::Transfer,
                    layout.label("direction.transfer").to_string(),
                    d.and_then(|d| d.transfer.clone()).unwrap_or_default(),
                );
            }
        }
    }
    for slot in other_slots(ctx, content).into_iter().chain(cost_note_slots(ctx, content)) {
        narrative_fields(&mut f, &slot, false);
    }
    canonical(&mut f, &rules(ctx, content));
    f
}

/// What reading this sheet's form needs beyond its stored draft (see
/// `hyoka_core::sheet::draft::read_form`).
pub fn rules<'a>(ctx: &'a SheetContext, content: &'a SheetContent) -> DraftRules<'a> {
    let layout = &ctx.layout;
    let (_, roadmap_years) = content.roadmap_of(ctx);
    let child_schedules = content
        .children
        .iter()
        .filter(|c| layout.rows_for(&c.item.kind).is_some_and(|r| r.schedule))
        .map(|c| c.item.id)
        .collect();
    let mut judgements = BTreeMap::new();
    for i in content.all_indicators() {
        judgements.entry(i.record.id).or_insert_with(|| i.vocabulary.clone());
    }
    // A grade is checked against the scale of the first slot with its
    // stage and evaluator.
    let mut seen = BTreeSet::new();
    let mut scales = BTreeMap::new();
    for g in layout.all_grade_slots() {
        if seen.insert((g.stage, g.evaluator)) {
            if let Some(s) = grade_scale(content, &g.scale) {
                scales.insert((g.stage, g.evaluator), s);
            }
        }
    }
    DraftRules { layout, roadmap_years, child_schedules, judgements, scales, vocabulary: &content.vocabulary }
}

/// The fields of the child rows of one section: each row's slots, grades,
/// direction and indicator cells, where the actor may write them.
fn child_fields(
    f: &mut SheetDraft,
    ctx: &SheetContext,
    content: &SheetContent,
    rows: &ChildRows,
    actor: &Actor,
    head_parts: bool,
) {
    let fy = ctx.fy;
    for child in content.children.iter().filter(|c| rows.item_kinds.contains(&c.item.kind)) {
        let id = child.item.id;
        let own = writes_child(actor, ctx, child);
        let row = format!("{} {}", child.item.code, child.item.title);
        let may = |w: Writer| match w {
            Writer::Section => own,
            Writer::Head => head_parts,
            Writer::Reviewer => false,
        };
        for slot in rows.slots.iter().filter(|s| may(s.writer)) {
            let texts: Vec<_> = child.narratives_of(fy).filter(|(_, n)| n.slot == slot.code).map(|(_, n)| n).collect();
            for (index, n) in texts.iter().enumerate() {
                let key = FieldKey::child(id, FieldKey::Narrative { slot: slot.code.clone(), index });
                f.push(key, format!("{row} {}", slot.label), clean_pasted(&n.text.to_markup()));
            }
            if texts.is_empty() {
                let key = FieldKey::child(id, FieldKey::Narrative { slot: slot.code.clone(), index: 0 });
                f.push(key, format!("{row} {}", slot.label), String::new());
            }
        }
        for g in rows.grades.iter().filter(|g| may(g.writer)) {
            let e = child
                .evaluations
                .iter()
                .find(|e| e.fiscal_year == fy && e.stage == g.stage && e.evaluator == g.evaluator);
            let (stage, evaluator) = (g.stage, g.evaluator);
            f.push(
                FieldKey::child(id, FieldKey::Grade { stage, evaluator }),
                format!("{row} {}", g.label),
                e.and_then(|e| e.grade.clone()).unwrap_or_default(),
            );
            f.push(
                FieldKey::child(id, FieldKey::GradeComment { stage, evaluator }),
                format!("{row} {} 意見・理由", g.label),
                e.and_then(|e| e.comment.clone()).unwrap_or_default(),
            );
        }
        if rows.direction && own {
            let d = child.direction.as_ref();
            let l = &ctx.layout;
            f.push(
                FieldKey::child(id, FieldKey::Direction),
                format!("{row} {}", l.label("direction.direction")),
                content.direction_value(d),
            );
            f.push(
                FieldKey::child(id, FieldKey::DirectionReason),
                format!("{row} {}", l.label("direction.reason")),
                d.and_then(|d| d.reason.clone()).unwrap_or_default(),
            );
            f.push(
                FieldKey::child(id, FieldKey::Transfer),
                format!("{row} {}", l.label("direction.transfer")),
                d.and_then(|d| d.transfer.clone()).unwrap_or_default(),
            );
        }
        if rows.indicators && own {
            for ind in &child.indicators {
                indicator_cells(f, ctx, ind);
            }
        }
        if rows.schedule && own {
            f.list.push(marker_field(id));
            for (i, r) in content.schedule_of(id).filter(|r| r.fiscal_year == fy).enumerate() {
                let mut months = r.months.clone();
                months.resize(12, String::new());
                let mut one = SheetDraft::default();
                let (hr, ho) = (r.hours_regular.as_deref(), r.hours_other.as_deref());
                push_schedule_row(&mut one, &ctx.layout, i, &r.kind, &r.label, &months, hr, ho);
                for field in one.list {
                    f.push(
                        FieldKey::child(id, field.key),
                        format!("{row} {}", field.label),
                        field.value.trim().to_string(),
                    );
                }
            }
        }
    }
}

/// An indicator's cells for the years editable on this sheet.
fn indicator_cells(f: &mut SheetDraft, ctx: &SheetContext, ind: &IndicatorData) {
    let layout = &ctx.layout;
    let name = &ind.record.name;
    let indicator = ind.record.id;
    for y in editable_years(ctx, &ind.values) {
        let cell = |role: ValueRole| ind.cell(y, role).map(|c| c.printed().to_string()).unwrap_or_default();
        let yl = y.label();
        let target = layout.label("indicator.target");
        f.push(FieldKey::Target { indicator, year: y }, format!("{target} {yl} {name}"), cell(ValueRole::Target));
        if y == ctx.fy {
            let declared =
                ind.judgements.iter().find(|j| j.fiscal_year == y).and_then(|j| j.judgement.declared.clone());
            let (actual, judgement) = (layout.label("indicator.actual"), layout.label("indicator.judgement"));
            f.push(FieldKey::Actual { indicator, year: y }, format!("{actual} {yl} {name}"), cell(ValueRole::Actual));
            f.push(
                FieldKey::Declared { indicator, year: y },
                format!("{judgement}（上書き） {yl} {name}"),
                declared.as_ref().map(|d| d.label.clone()).unwrap_or_default(),
            );
            f.push(
                FieldKey::DeclaredReason { indicator, year: y },
                format!("{judgement}の理由 {yl} {name}"),
                declared.map(|d| d.reason).unwrap_or_default(),
            );
        }
    }
}

/// The city's scale by code, else hyoka's preset of that code.
pub fn grade_scale(content: &SheetContent, code: &str) -> Option<hyoka_core::EvaluationScale> {
    content.scale(code).cloned().or_else(|| hyoka_core::EvaluationScale::presets().into_iter().find(|s| s.code == code))
}
