//! The checks of a sheet as its form would save it: the stored sheet with
//! the draft laid over it, nothing written. The edit page asks for them
//! while a person types, so that a figure the narrative quotes differently,
//! or a grade that does not follow from the achievement, shows before the
//! sheet is saved.
//!
//! The draft changes the sheet's own narratives, indicator cells (and the
//! judgements computed from them), budget and grades the way saving would
//! (the same functions of `sheet::save` decide what each field leaves
//! stored); the fields of child rows are checked once saved.

use std::collections::BTreeSet;

use hyoka_core::access::Action;
use hyoka_core::sheet::draft::{changed_keys, FieldKey, SheetDraft};
use hyoka_core::sheet::EvaluationRow;
use hyoka_core::{FiscalYear, IndicatorCell, ValueRole};
use hyoka_store::{CheckYearSet, IndicatorValue, JudgementRecord, Store};

use super::{sheet_flags, sheet_set, FlagEntry};
use crate::sheet::draft;
use crate::sheet::{budget_after, judgement_after, narratives, SheetContent, SheetContext as Sheet};
use crate::{Actor, CommandError};

/// The flags of the sheet if `draft` were saved now. Needs the right to
/// edit the sheet, as saving does.
pub async fn check_draft(
    store: &Store,
    actor: &Actor,
    city: &str,
    item_id: i64,
    fy: FiscalYear,
    draft: &SheetDraft,
) -> Result<Vec<FlagEntry>, CommandError> {
    let ctx = Sheet::load(store, actor, city, item_id, fy, Action::Edit).await?;
    let content = SheetContent::load(store, &ctx).await?;
    let Some(mut set) = sheet_set(store, city, fy, &ctx.item).await? else { return Ok(Vec::new()) };
    let stored = draft::stored(&ctx, &content, actor);
    lay_over(&mut set, &ctx, &content, &stored, draft);
    sheet_flags(store, city, fy, &ctx.item, &set).await
}

/// Replaces in `set` what the draft changes of the sheet's own fields.
fn lay_over(set: &mut CheckYearSet, ctx: &Sheet, content: &SheetContent, before: &SheetDraft, after: &SheetDraft) {
    let fy = ctx.fy;
    // Only fields the actor may write are in `before`, as when saving.
    let changed: BTreeSet<FieldKey> = changed_keys(before, after)
        .into_iter()
        .filter(|k| k.as_child().is_none() && before.value(k).is_some())
        .collect();
    if changed.is_empty() {
        return;
    }
    for ind in content.all_indicators() {
        let id = ind.record.id;
        let years: BTreeSet<FiscalYear> =
            changed.iter().filter_map(|k| k.indicator_year()).filter(|(i, _)| *i == id).map(|(_, y)| y).collect();
        let Some(target) = set.indicators.iter_mut().find(|i| i.indicator.id == id) else { continue };
        for y in years {
            for (key, role) in [
                (FieldKey::Target { indicator: id, year: y }, ValueRole::Target),
                (FieldKey::Actual { indicator: id, year: y }, ValueRole::Actual),
            ] {
                if !changed.contains(&key) {
                    continue;
                }
                target.values.retain(|v| !(v.fiscal_year == y && v.role == role));
                match after.value(&key).unwrap_or("") {
                    "" => {}
                    v => target.values.push(IndicatorValue { fiscal_year: y, role, cell: IndicatorCell::parse(v) }),
                }
            }
            target.judgements.retain(|j| j.fiscal_year != y);
            target.judgements.push(JudgementRecord { fiscal_year: y, judgement: judgement_after(ind, y, after) });
        }
    }
    let Some(sheet) = set.items.iter_mut().find(|s| s.item.id == ctx.item.id) else { return };
    if changed.iter().any(FieldKey::is_narrative) {
        let edits = after.list.iter().filter(|f| changed.contains(&f.key)).filter_map(|f| match &f.key {
            FieldKey::Narrative { slot, index } => Some((slot.as_str(), *index, f.value.as_str())),
            _ => None,
        });
        sheet.narratives = narratives(ctx, &content.narratives, edits)
            .into_iter()
            .filter(|n| n.fiscal_year.is_none_or(|y| y == fy))
            .collect();
    }
    if changed.iter().any(FieldKey::is_budget) {
        sheet.budgets.retain(|b| b.fiscal_year != fy);
        sheet.budgets.extend(budget_after(ctx, content, &changed, after).0);
    }
    for g in ctx.layout.grade_slots() {
        let (stage, evaluator) = (g.stage, g.evaluator);
        let (gk, ck) = (FieldKey::Grade { stage, evaluator }, FieldKey::GradeComment { stage, evaluator });
        if !changed.contains(&gk) && !changed.contains(&ck) {
            continue;
        }
        sheet.evaluations.retain(|e| !(e.fiscal_year == fy && e.stage == stage && e.evaluator == evaluator));
        let text = |k: &FieldKey| after.value(k).map(str::to_string).filter(|v| !v.is_empty());
        let (grade, comment) = (text(&gk), text(&ck));
        if grade.is_some() || comment.is_some() {
            let scale = content.scale(&g.scale).map(|s| s.code.clone());
            sheet.evaluations.push(EvaluationRow { fiscal_year: fy, stage, evaluator, scale, grade, comment });
        }
    }
}
