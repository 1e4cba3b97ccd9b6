//! Saving a sheet's draft: claim the next version, write what changed
//! with the rules that keep printed values honest, and record each change.
//!
//! A save names the version the form was opened at. In one transaction it
//! claims the next version (it succeeds only if nobody saved since),
//! writes the changed fields, and reindexes the item for search. A stale
//! save writes nothing.

use std::collections::BTreeSet;

use hyoka_core::access::Action;
use hyoka_core::judgement::{judge, Declared, Judgement};
use hyoka_core::narrative::Narrative;
use hyoka_core::sheet::draft::{self as core_draft, set_budget, BudgetField, FieldKey, SheetDraft};
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::workflow::Transition;
use hyoka_core::{BudgetFigures, FiscalYear, IndicatorCell, NextDirection, ValueRole};
use hyoka_store::StoreTx;

use super::draft::{self, editable_years, slot_label};
use super::{IndicatorData, SheetContent, SheetContext};
use crate::{Command, CommandError, Cx};

/// Saves a draft read from the sheet's form (see
/// `hyoka_core::sheet::draft::read_form`).
pub struct SaveSheet {
    pub municipality: String,
    pub item_id: i64,
    pub fiscal_year: FiscalYear,
    /// The version the form was opened at.
    pub version: i64,
    pub draft: SheetDraft,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Written; the sheet is now at this version.
    Changed,
    /// The draft equals what is stored: nothing written.
    Unchanged,
}

impl Command for SaveSheet {
    const CODE: &'static str = "sheet.save";
    type Output = Saved;

    async fn run(self, cx: &mut Cx<'_>) -> Result<Saved, CommandError> {
        let ctx =
            SheetContext::load(cx.store, cx.actor, &self.municipality, self.item_id, self.fiscal_year, Action::Edit)
                .await?;
        if let Some(reason) = ctx.edit_refusal() {
            return Err(CommandError::Conflict(reason));
        }
        if self.version != ctx.version {
            return Err(CommandError::Stale);
        }
        let content = SheetContent::load(cx.store, &ctx).await?;
        let stored = draft::stored(&ctx, &content, cx.actor);
        let next = ctx.status.apply(Transition::Save).map_err(|e| CommandError::Conflict(e.to_string()))?;
        let changes = core_draft::diff(&ctx.layout, &stored, &self.draft);
        if changes.is_empty() && next == ctx.status {
            cx.unchanged();
            return Ok(Saved::Unchanged);
        }
        let account = cx.actor.account_id();
        cx.about(&ctx.code, Some(ctx.item.id), Some(ctx.fy));
        let tx = cx.tx().await?;
        let sheet = tx.sheet_for_update(ctx.item.id, ctx.fy).await?;
        let claimed = sheet.version == self.version
            && sheet.status.is_editable()
            && tx.advance_sheet(sheet.id, self.version, next, account).await?;
        if !claimed {
            return Err(CommandError::Stale);
        }
        let extra = write(tx, &ctx, &content, &stored, &self.draft).await?;
        tx.reindex_item(ctx.item.id).await?;
        let count = changes.len();
        for c in changes.into_iter().map(into_change).chain(extra) {
            cx.change(c.field, c.before, c.after);
        }
        if next != sheet.status {
            cx.change("状態", Some(sheet.status.label().into()), Some(next.label().into()));
        }
        cx.summary(format!("{} {}（{}）を保存（{count}項目）", ctx.item.code, ctx.item.title, ctx.fy.label()));
        Ok(Saved::Changed)
    }
}

/// A field's change as the history records it.
fn into_change(c: core_draft::FieldChange) -> hyoka_store::Change {
    hyoka_store::Change { field: c.field, before: c.before, after: c.after }
}

/// Writes the changed parts of the sheet. Returns changes to record beyond
/// the fields themselves (a printed execution rate that no longer holds).
async fn write(
    tx: &mut StoreTx,
    ctx: &SheetContext,
    content: &SheetContent,
    before: &SheetDraft,
    after: &SheetDraft,
) -> Result<Vec<hyoka_store::Change>, CommandError> {
    // Only fields the actor may write are in `before` (the stored draft is
    // built for the actor); anything else a draft carries is ignored.
    let mut changed = core_draft::changed_keys(before, after);
    let writes_schedule_of = |item: i64| {
        before
            .list
            .iter()
            .any(|f| matches!(f.key.as_child(), Some((i, FieldKey::Schedule { row: usize::MAX, .. })) if i == item))
    };
    changed.retain(|k| match k.as_child() {
        Some((item, inner)) if inner.is_schedule() => writes_schedule_of(item),
        _ => k.is_schedule() || k.is_roadmap() || before.value(k).is_some(),
    });
    let item = ctx.item.id;
    let fy = ctx.fy;
    let mut extra = Vec::new();

    if changed.iter().any(FieldKey::is_narrative) {
        let edits = after.list.iter().filter(|f| changed.contains(&f.key)).filter_map(|f| match &f.key {
            FieldKey::Narrative { slot, index } => Some((slot.as_str(), *index, f.value.as_str())),
            _ => None,
        });
        let rows = narratives(ctx, &content.narratives, edits);
        tx.replace_narratives(item, &rows).await?;
    }

    for child in &content.children {
        let id = child.item.id;
        let mine = |k: &FieldKey| k.as_child().filter(|(i, _)| *i == id).map(|(_, k)| k.clone());
        let keys: BTreeSet<FieldKey> = changed.iter().filter_map(mine).collect();
        if keys.is_empty() {
            continue;
        }
        let value = |k: FieldKey| after.value(&FieldKey::child(id, k)).unwrap_or("").to_string();
        if keys.iter().any(FieldKey::is_narrative) {
            let edits: Vec<(String, usize, String)> = keys
                .iter()
                .filter_map(|k| match k {
                    FieldKey::Narrative { slot, index } => Some((slot.clone(), *index, value(k.clone()))),
                    _ => None,
                })
                .collect();
            let rows = narratives(ctx, &child.narratives, edits.iter().map(|(s, i, v)| (s.as_str(), *i, v.as_str())));
            tx.replace_narratives(id, &rows).await?;
        }
        if let Some(rows) = ctx.layout.rows_for(&child.item.kind) {
            for g in &rows.grades {
                let (stage, evaluator) = (g.stage, g.evaluator);
                let (gk, ck) = (FieldKey::Grade { stage, evaluator }, FieldKey::GradeComment { stage, evaluator });
                if keys.contains(&gk) || keys.contains(&ck) {
                    let scale = content.scale(&g.scale).map(|s| s.code.clone());
                    write_grade(tx, &ctx.code, id, fy, g, scale, &value(gk), &value(ck)).await?;
                }
            }
        }
        if keys.iter().any(FieldKey::is_direction) {
            let d = (value(FieldKey::Direction), value(FieldKey::DirectionReason), value(FieldKey::Transfer));
            write_direction(tx, content, id, fy, child.direction.as_ref(), &d.0, &d.1, &d.2).await?;
        }
        if keys.iter().any(FieldKey::is_schedule) {
            let mut rows: Vec<ScheduleRow> = child.schedule.iter().filter(|r| r.fiscal_year != fy).cloned().collect();
            let schedule = after.child_schedule_rows(id).into_iter();
            rows.extend(schedule.map(|row| after.schedule_row(fy, row, |k| FieldKey::child(id, k))));
            tx.replace_schedule(id, &rows).await?;
        }
        tx.reindex_item(id).await?;
    }

    for ind in content.all_indicators() {
        // Locked later years are never written from a draft.
        for y in editable_years(ctx, &ind.values) {
            if !changed.iter().any(|k| k.indicator_year() == Some((ind.record.id, y))) {
                continue;
            }
            let (target, actual) = (
                FieldKey::Target { indicator: ind.record.id, year: y },
                FieldKey::Actual { indicator: ind.record.id, year: y },
            );
            for (key, role) in [(&target, ValueRole::Target), (&actual, ValueRole::Actual)] {
                if !changed.contains(key) {
                    continue;
                }
                match after.value(key).unwrap_or("") {
                    "" => tx.delete_indicator_value(ind.record.id, y, role).await?,
                    v => tx.set_indicator_value(ind.record.id, y, role, &IndicatorCell::parse(v)).await?,
                }
            }
            let j = judgement_after(ind, y, after);
            if j == Judgement::default() {
                tx.delete_judgement(ind.record.id, y).await?;
            } else {
                tx.set_judgement(ind.record.id, y, &j).await?;
            }
        }
    }

    if changed.iter().any(FieldKey::is_budget) {
        let (row, dropped_rate) = budget_after(ctx, content, &changed, after);
        extra.extend(dropped_rate);
        match row {
            Some(r) => tx.set_budget(item, fy, &r.figures, r.execution_rate_printed.as_deref()).await?,
            None => tx.delete_budget(item, fy).await?,
        }
    }

    if changed.iter().any(FieldKey::is_schedule) {
        let mut rows: Vec<ScheduleRow> = content.schedule.iter().filter(|r| r.fiscal_year != fy).cloned().collect();
        rows.extend(after.schedule_rows().into_iter().map(|row| after.schedule_row(fy, row, |k| k)));
        tx.replace_schedule(item, &rows).await?;
    }

    if changed.iter().any(FieldKey::is_roadmap) {
        let (_, years) = content.roadmap_of(ctx);
        tx.replace_roadmap_year(item, fy, &after.roadmap(fy, &years)).await?;
    }

    for g in ctx.layout.grade_slots() {
        let (stage, evaluator) = (g.stage, g.evaluator);
        let (gk, ck) = (FieldKey::Grade { stage, evaluator }, FieldKey::GradeComment { stage, evaluator });
        if !changed.contains(&gk) && !changed.contains(&ck) {
            continue;
        }
        let (grade, comment) = (after.value(&gk).unwrap_or(""), after.value(&ck).unwrap_or(""));
        // The grade is on the city's scale when the city has it stored.
        let scale = content.scale(&g.scale).map(|s| s.code.clone());
        write_grade(tx, &ctx.code, item, fy, g, scale, grade, comment).await?;
    }

    if changed.iter().any(FieldKey::is_direction) {
        let value = |k: FieldKey| after.value(&k).unwrap_or("");
        let (dir, reason, transfer) =
            (value(FieldKey::Direction), value(FieldKey::DirectionReason), value(FieldKey::Transfer));
        write_direction(tx, content, item, fy, content.direction.as_ref(), dir, reason, transfer).await?;
    }
    Ok(extra)
}

/// The year's budget as a draft with budget fields `changed` leaves it
/// (`None`: nothing left to store), and the change to record when a
/// printed execution rate goes because the figures it was printed from
/// changed.
pub(crate) fn budget_after(
    ctx: &SheetContext,
    content: &SheetContent,
    changed: &BTreeSet<FieldKey>,
    after: &SheetDraft,
) -> (Option<BudgetRow>, Option<hyoka_store::Change>) {
    let fy = ctx.fy;
    let old = content.budgets.iter().find(|b| b.fiscal_year == fy);
    // Lines the form does not show (the cost table on a sheet kind without
    // it) keep what is stored.
    let mut figures = old.map(|b| b.figures.clone()).unwrap_or_default();
    for &field in BudgetField::ALL {
        if let Some(typed) = after.value(&FieldKey::Budget(field)) {
            // The draft was cleaned: what does not read leaves the line blank.
            if set_budget(field, &mut figures, typed, ctx.layout.money_unit).is_err() {
                set_budget(field, &mut figures, "", ctx.layout.money_unit).expect("blank always reads");
            }
        }
    }
    // A printed rate stays only while the figures it was printed from do.
    let rate_inputs_changed = changed.iter().any(|k| matches!(k, FieldKey::Budget(b) if b.feeds_rate()));
    let printed = old.and_then(|b| b.execution_rate_printed.clone()).filter(|_| !rate_inputs_changed);
    let dropped = old.and_then(|b| b.execution_rate_printed.clone()).filter(|_| rate_inputs_changed).map(|p| {
        hyoka_store::Change {
            field: format!("{}（記載） {}", ctx.layout.label("budget.rate"), fy.label()),
            before: Some(p),
            after: None,
        }
    });
    let keep = figures != BudgetFigures::default() || printed.is_some();
    let row = keep.then_some(BudgetRow { fiscal_year: fy, figures, execution_rate_printed: printed });
    (row, dropped)
}

/// Every narrative of an item with this sheet's edited ones replaced;
/// emptied ones are removed, new ones added under the layout's label.
/// Narratives not edited stay exactly as stored.
pub(crate) fn narratives<'a>(
    ctx: &SheetContext,
    stored: &[NarrativeRow],
    edits: impl Iterator<Item = (&'a str, usize, &'a str)>,
) -> Vec<NarrativeRow> {
    let mut rows: Vec<Option<NarrativeRow>> = stored.iter().cloned().map(Some).collect();
    let mut added = Vec::new();
    for (slot, index, value) in edits {
        let text = Narrative::from_markup(value);
        let existing = stored
            .iter()
            .enumerate()
            .filter(|(_, n)| n.fiscal_year.is_none_or(|y| y == ctx.fy) && n.slot == slot)
            .map(|(i, _)| i)
            .nth(index);
        match existing {
            Some(i) => rows[i] = (!text.is_empty()).then(|| NarrativeRow { text, ..stored[i].clone() }),
            None if !text.is_empty() => added.push(NarrativeRow {
                fiscal_year: Some(ctx.fy),
                slot: slot.to_string(),
                label: slot_label(&ctx.layout, slot, None),
                text,
            }),
            None => {}
        }
    }
    rows.into_iter().flatten().chain(added).collect()
}

/// Writes one grade and its comment, or removes both when blank.
#[allow(clippy::too_many_arguments)]
async fn write_grade(
    tx: &mut StoreTx,
    city: &str,
    item: i64,
    fy: FiscalYear,
    slot: &hyoka_core::layout::GradeSlot,
    scale: Option<String>,
    grade: &str,
    comment: &str,
) -> Result<(), CommandError> {
    if grade.is_empty() && comment.is_empty() {
        tx.delete_evaluation(item, fy, slot.stage, slot.evaluator).await?;
    } else {
        let row = EvaluationRow {
            fiscal_year: fy,
            stage: slot.stage,
            evaluator: slot.evaluator,
            scale,
            grade: Some(grade.to_string()).filter(|v| !v.is_empty()),
            comment: Some(comment.to_string()).filter(|v| !v.is_empty()),
        };
        tx.set_evaluation(city, item, &row).await?;
    }
    Ok(())
}

/// Writes next year's direction of one year, or removes it when blank. The
/// printed word stays while the direction it names does.
#[allow(clippy::too_many_arguments)]
async fn write_direction(
    tx: &mut StoreTx,
    content: &SheetContent,
    item: i64,
    fy: FiscalYear,
    stored: Option<&NextDirectionRow>,
    typed: &str,
    reason: &str,
    transfer: &str,
) -> Result<(), CommandError> {
    // The city's word is printed as the city writes it, with the direction
    // it stands for (none for a word hyoka has no direction for).
    let word = content.vocabulary.direction_word(typed).filter(|_| !typed.is_empty());
    let direction: Option<NextDirection> = match word {
        Some(w) => w.direction,
        None => typed.parse().ok(),
    };
    if word.is_none() && direction.is_none() && reason.is_empty() && transfer.is_empty() {
        tx.set_next_direction(item, fy, None).await?;
        return Ok(());
    }
    let printed = match (word, stored, direction) {
        (Some(w), _, _) => w.word.clone(),
        (None, Some(d), dir) if d.direction == dir && !d.printed.is_empty() => d.printed.clone(),
        (None, _, Some(dir)) => dir.label().to_string(),
        _ => String::new(),
    };
    let row = NextDirectionRow {
        fiscal_year: fy,
        printed,
        direction,
        reason: Some(reason.to_string()).filter(|v| !v.is_empty()),
        transfer: Some(transfer.to_string()).filter(|v| !v.is_empty()),
    };
    tx.set_next_direction(item, fy, Some(&row)).await?;
    Ok(())
}

/// The judgement of a year after the edit: printed as stored, computed
/// from the new cells, declared as typed.
pub(crate) fn judgement_after(ind: &IndicatorData, y: FiscalYear, after: &SheetDraft) -> Judgement {
    let id = ind.record.id;
    let stored = ind.judgements.iter().find(|j| j.fiscal_year == y).map(|j| j.judgement.clone()).unwrap_or_default();
    let cell = |key: FieldKey, role: ValueRole| -> Option<IndicatorCell> {
        match after.value(&key) {
            Some(v) => Some(v).filter(|v| !v.is_empty()).map(IndicatorCell::parse),
            None => ind.cell(y, role).cloned(),
        }
    };
    let computed = match (
        cell(FieldKey::Target { indicator: id, year: y }, ValueRole::Target),
        cell(FieldKey::Actual { indicator: id, year: y }, ValueRole::Actual),
    ) {
        (Some(t), Some(a)) => ind.vocabulary.label(&judge(ind.record.direction, &t, &a, ind.reference(y))),
        _ => None,
    };
    let declared = match after.value(&FieldKey::Declared { indicator: id, year: y }) {
        Some(label) => (!label.is_empty()).then(|| Declared {
            label: label.to_string(),
            reason: after.value(&FieldKey::DeclaredReason { indicator: id, year: y }).unwrap_or("").to_string(),
        }),
        None => stored.declared.clone(),
    };
    Judgement { printed: stored.printed, computed, declared }
}
