//! The review workflow on a sheet: submit, approve or return, grade.
//!
//! Every action names the version of the sheet the person saw; a sheet
//! changed since is refused, so nobody approves or grades content they
//! have not seen. Who may act is `authorize`'s question (403/404); whether
//! the sheet's status or a locked year allows it is the workflow's (409).

use std::collections::BTreeMap;

use hyoka_core::access::{Action, Role};
use hyoka_core::layout::{GradeSlot, NarrativeSlot, SectionKind, SheetLayout, Writer};
use hyoka_core::narrative::Narrative;
use hyoka_core::paste::clean_pasted;
use hyoka_core::sheet::EvaluationRow;
use hyoka_core::workflow::{SheetStatus, Transition};
use hyoka_core::{EvaluationScale, Evaluator, FiscalYear, Stage};
use hyoka_store::{ItemRecord, SheetRecord, RETURN_REASON_FIELD};

use crate::{Actor, Command, CommandError, Cx};

/// The longest comment a return or a review may carry.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// Which sheet, and the version the person saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRef {
    pub municipality: String,
    pub item_id: i64,
    pub fiscal_year: FiscalYear,
    pub version: i64,
}

/// The item, checked to be the city's, with its sections, after checking
/// the actor's right to `action` on it.
async fn item_for(cx: &mut Cx<'_>, sheet: &SheetRef, action: Action) -> Result<(ItemRecord, Vec<i64>), CommandError> {
    let code = sheet.municipality.as_str();
    // Only the city first, so that another city's item is "not found"
    // whatever the person's role; the section check follows.
    match cx.actor.require(action, code, &[]) {
        Ok(()) | Err(CommandError::Forbidden) => {}
        Err(e) => return Err(e),
    }
    let item = match cx.store.item(sheet.item_id).await {
        Ok(i) if i.municipality_code == code => i,
        Ok(_) | Err(hyoka_store::StoreError::NotFound { .. }) => return Err(CommandError::NotFound("調査票".into())),
        Err(e) => return Err(e.into()),
    };
    let sections = cx.store.sheet_section_ids(item.id).await?;
    cx.actor.require(action, code, &sections)?;
    Ok((item, sections))
}

/// The sheet, checked against the year's lock, the version the person
/// saw and the transition; returns it with its next status.
async fn claim(cx: &mut Cx<'_>, sheet: &SheetRef, t: Transition) -> Result<(SheetRecord, SheetStatus), CommandError> {
    let fy = sheet.fiscal_year;
    if cx.store.fiscal_year(&sheet.municipality, fy).await?.locked {
        return Err(CommandError::Conflict(format!("{}は確定済みのため、変更できません。", fy.label())));
    }
    let record = cx.tx().await?.sheet_for_update(sheet.item_id, fy).await?;
    if record.version != sheet.version {
        return Err(CommandError::Stale);
    }
    let next = record.status.apply(t).map_err(|e| CommandError::Conflict(format!("{e}。")))?;
    Ok((record, next))
}

/// Moves the sheet on and records the status change first.
async fn advance(cx: &mut Cx<'_>, record: &SheetRecord, next: SheetStatus) -> Result<(), CommandError> {
    let account = cx.actor.account_id();
    if !cx.tx().await?.advance_sheet(record.id, record.version, next, account).await? {
        return Err(CommandError::Stale);
    }
    if next != record.status {
        cx.change("状態", Some(record.status.label().into()), Some(next.label().into()));
    }
    Ok(())
}

/// Submits a sheet (the section) or approves it (the head). An approval
/// may carry the grades the layout leaves to the head (東村山市's 部長
/// grades each objective A/B once the sections have written).
pub struct MoveSheet {
    pub sheet: SheetRef,
    /// [`Transition::Submit`] or [`Transition::Approve`].
    pub transition: Transition,
    /// Head's grades given with an approval.
    pub grades: Vec<HeadGrade>,
}

/// A grade the head gives on approving: of the sheet's item (`item` None)
/// or of an item in one of its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadGrade {
    pub item: Option<i64>,
    pub stage: Stage,
    pub evaluator: Evaluator,
    pub grade: String,
}

impl Command for MoveSheet {
    const CODE: &'static str = "sheet.move";
    type Output = SheetStatus;

    async fn run(self, cx: &mut Cx<'_>) -> Result<SheetStatus, CommandError> {
        let action = match self.transition {
            Transition::Submit => Action::Submit,
            Transition::Approve => Action::Approve,
            other => return Err(CommandError::invalid_input(format!("「{}」はここではできません", other.label()))),
        };
        let (item, _) = item_for(cx, &self.sheet, action).await?;
        let grades = head_grades(cx, &self, &item).await?;
        let (record, next) = claim(cx, &self.sheet, self.transition).await?;
        cx.about(&self.sheet.municipality, Some(item.id), Some(self.sheet.fiscal_year));
        advance(cx, &record, next).await?;
        let fy = self.sheet.fiscal_year;
        for (target, label, row, before) in grades {
            cx.tx().await?.set_evaluation(&self.sheet.municipality, target, &row).await?;
            cx.changes([hyoka_store::HistoryRow {
                item_id: Some(target),
                fiscal_year: Some(fy),
                change: hyoka_store::Change { field: format!("評価 {label}"), before, after: row.grade.clone() },
            }]);
        }
        cx.summary(format!(
            "{} {}（{}）を{}",
            item.code,
            item.title,
            self.sheet.fiscal_year.label(),
            self.transition.label()
        ));
        Ok(next)
    }
}

/// The head's grades of an approval, checked: only on approving, only the
/// layout's head-written slots, only by who writes the head's parts, each on
/// its scale. Returns (item, label, row to write, the grade before).
async fn head_grades(
    cx: &mut Cx<'_>,
    command: &MoveSheet,
    item: &ItemRecord,
) -> Result<Vec<(i64, String, EvaluationRow, Option<String>)>, CommandError> {
    if command.grades.is_empty() {
        return Ok(Vec::new());
    }
    if command.transition != Transition::Approve {
        return Err(CommandError::invalid("grade", "評価は承認のときに付けます。"));
    }
    let sheet = &command.sheet;
    let ctx =
        super::SheetContext::load(cx.store, cx.actor, &sheet.municipality, item.id, sheet.fiscal_year, Action::Approve)
            .await?;
    if !super::draft::writes_head_parts(cx.actor, &ctx) {
        return Err(CommandError::Forbidden);
    }
    let scales = cx.store.scales(&sheet.municipality).await?;
    let mut out = Vec::new();
    for g in command.grades.iter().filter(|g| !g.grade.trim().is_empty()) {
        let (target, slot, row_label) = match g.item {
            None => {
                let slot = ctx.layout.grade_slots().find(|s| s.stage == g.stage && s.evaluator == g.evaluator);
                (item.id, slot, String::new())
            }
            Some(id) => {
                let child =
                    ctx.scope.below.iter().find(|c| c.id == id).ok_or_else(|| CommandError::NotFound("行".into()))?;
                let slot = ctx
                    .layout
                    .rows_for(&child.kind)
                    .and_then(|r| r.grades.iter().find(|s| s.stage == g.stage && s.evaluator == g.evaluator));
                (id, slot, format!("{} {} ", child.code, child.title))
            }
        };
        let slot = slot
            .filter(|s| s.writer == Writer::Head)
            .ok_or_else(|| CommandError::invalid("grade", "この評価は承認のときには付けられません。"))?;
        let scale = scales
            .iter()
            .find(|s| s.code == slot.scale)
            .cloned()
            .or_else(|| EvaluationScale::presets().into_iter().find(|s| s.code == slot.scale))
            .ok_or_else(|| CommandError::invalid("grade", "評価の尺度が見つかりません。"))?;
        let grade = scale.grade(g.grade.trim()).ok_or_else(|| {
            let codes: Vec<&str> = scale.grades.iter().map(|x| x.code.as_str()).collect();
            CommandError::invalid(
                "grade",
                format!("{}{}は {} のいずれかを選んでください。", row_label, slot.label, codes.join("・")),
            )
        })?;
        let before = cx
            .store
            .evaluations(target)
            .await?
            .into_iter()
            .find(|e| e.fiscal_year == sheet.fiscal_year && e.stage == g.stage && e.evaluator == g.evaluator);
        let row = EvaluationRow {
            fiscal_year: sheet.fiscal_year,
            stage: g.stage,
            evaluator: g.evaluator,
            scale: scales.iter().any(|s| s.code == scale.code).then(|| scale.code.clone()),
            grade: Some(grade.code.clone()),
            comment: before.as_ref().and_then(|b| b.comment.clone()),
        };
        out.push((target, format!("{row_label}{}", slot.label), row, before.and_then(|b| b.grade)));
    }
    Ok(out)
}

/// Returns a sheet to the section with a reason.
pub struct ReturnSheet {
    pub sheet: SheetRef,
    pub comment: String,
}

impl Command for ReturnSheet {
    const CODE: &'static str = "sheet.return";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let (item, _) = item_for(cx, &self.sheet, Action::Approve).await?;
        let comment = self.comment.trim();
        if comment.is_empty() {
            return Err(CommandError::invalid("comment", "差戻しの理由を入力してください。"));
        }
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(CommandError::invalid(
                "comment",
                format!("差戻しの理由は{MAX_COMMENT_CHARS}文字以内で入力してください。"),
            ));
        }
        let (record, next) = claim(cx, &self.sheet, Transition::Return).await?;
        cx.about(&self.sheet.municipality, Some(item.id), Some(self.sheet.fiscal_year));
        advance(cx, &record, next).await?;
        cx.change(RETURN_REASON_FIELD, None, Some(comment.to_string()));
        cx.summary(format!("{} {}（{}）を差戻し", item.code, item.title, self.sheet.fiscal_year.label()));
        Ok(())
    }
}

/// The grade slots a person may fill in the review: the layout's reviewer
/// slots (審査会, 行革本部 …) and, for the admin, the section's own. None
/// when the kind has no review (三島市's 行政評価表, 東村山市's 目標管理シート,
/// the white paper's 施策 and 個別課題): no review is offered then.
pub fn review_slots<'a>(actor: &Actor, layout: Option<&'a SheetLayout>) -> Vec<&'a GradeSlot> {
    layout
        .into_iter()
        .flat_map(|l| l.grade_slots())
        .filter(|g| g.writer == Writer::Reviewer || (actor.is(Role::Admin) && g.evaluator == Evaluator::Section))
        .collect()
}

/// The evaluators a person may grade as in the review: those of
/// [`review_slots`] (the section's own first, for the admin); without a
/// layout, every review body.
pub fn evaluators_for(actor: &Actor, layout: Option<&SheetLayout>) -> Vec<Evaluator> {
    let mut v: Vec<Evaluator> = match layout {
        Some(_) => review_slots(actor, layout).iter().map(|g| g.evaluator).collect(),
        None => vec![Evaluator::ReviewBoard, Evaluator::Headquarters, Evaluator::PolicyCouncil],
    };
    if layout.is_none() && actor.is(Role::Admin) {
        v.insert(0, Evaluator::Section);
    }
    v.sort_by_key(|e| *e != Evaluator::Section);
    let mut seen = Vec::new();
    v.retain(|e| {
        if seen.contains(e) {
            false
        } else {
            seen.push(*e);
            true
        }
    });
    v
}

/// The stages the review offers: those of [`review_slots`], in the
/// layout's order; without a layout, every stage.
pub fn review_stages(actor: &Actor, layout: Option<&SheetLayout>) -> Vec<Stage> {
    if layout.is_none() {
        return Stage::ALL.to_vec();
    }
    let mut stages = Vec::new();
    for g in review_slots(actor, layout) {
        if !stages.contains(&g.stage) {
            stages.push(g.stage);
        }
    }
    stages
}

/// The narrative slots the layout leaves to reviewers (審査会の意見): they
/// are written with a review, not on the sheet form.
pub fn reviewer_slots(layout: Option<&SheetLayout>) -> Vec<&NarrativeSlot> {
    layout
        .into_iter()
        .flat_map(|l| l.sections.iter())
        .flat_map(|sec| sec.slots.iter())
        .filter(|slot| slot.writer == Writer::Reviewer)
        .collect()
}

/// A review: a grade at a stage by an evaluator, a comment, and the
/// reviewers' narrative slots.
pub struct ReviewSheet {
    pub sheet: SheetRef,
    pub stage: String,
    pub evaluator: String,
    /// `scale:grade` as the form sends it, or a bare grade; blank keeps
    /// the grade given before.
    pub grade: String,
    pub comment: String,
    /// Slot code → text, for the reviewers' slots the form showed.
    pub slots: BTreeMap<String, String>,
}

impl Command for ReviewSheet {
    const CODE: &'static str = "sheet.review";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let (item, _) = item_for(cx, &self.sheet, Action::Review).await?;
        let code = self.sheet.municipality.as_str();
        let fy = self.sheet.fiscal_year;
        let layout = Some(cx.store.layout_for(&item).await?);
        let evaluator: Evaluator =
            self.evaluator.parse().map_err(|_| CommandError::invalid("evaluator", "評価者を選んでください。"))?;
        if !evaluators_for(cx.actor, layout.as_ref()).contains(&evaluator) {
            // The form offers only these; anything else is not this person's to give.
            return Err(CommandError::Forbidden);
        }
        let stage: Stage = self.stage.parse().map_err(|_| CommandError::invalid("stage", "段階を選んでください。"))?;
        let slots = review_slots(cx.actor, layout.as_ref());
        if !slots.iter().any(|g| g.stage == stage && g.evaluator == evaluator) {
            return Err(CommandError::invalid(
                "stage",
                format!("この調査票に「{}」の{}による評価はありません。", stage.label(), evaluator.label()),
            ));
        }
        let comment = self.comment.trim();
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(CommandError::invalid(
                "comment",
                format!("意見は{MAX_COMMENT_CHARS}文字以内で入力してください。"),
            ));
        }
        // The reviewers' narrative slots that were changed; other slots are
        // the section's and are not written here.
        let narratives = cx.store.narratives(item.id).await?;
        let mut opinions = Vec::new();
        for slot in reviewer_slots(layout.as_ref()) {
            let Some(sent) = self.slots.get(&slot.code) else { continue };
            if sent.chars().count() > MAX_COMMENT_CHARS {
                return Err(CommandError::invalid(
                    "comment",
                    format!("{}は{MAX_COMMENT_CHARS}文字以内で入力してください。", slot.label),
                ));
            }
            let text = Narrative::from_markup(&clean_pasted(sent));
            let current = narratives
                .iter()
                .find(|n| n.fiscal_year == Some(fy) && n.slot == slot.code)
                .map(|n| n.text.clone())
                .unwrap_or_default();
            // Compared as the form shows it, so an untouched field is no change.
            if text != Narrative::from_markup(&clean_pasted(&current.to_markup())) {
                opinions.push((slot.code.clone(), slot.label.clone(), text, current));
            }
        }

        let previous = cx
            .store
            .evaluations(item.id)
            .await?
            .into_iter()
            .find(|e| e.fiscal_year == fy && e.stage == stage && e.evaluator == evaluator);
        // A blank grade keeps the one given before, so adding a comment or an
        // opinion never erases a grade.
        let grade = if !self.grade.trim().is_empty() {
            let scales = cx.store.scales(code).await?;
            let (scale, grade) = resolve_grade(stage, evaluator, &self.grade, &scales, layout.as_ref())?;
            Some((Some(scale), Some(grade)))
        } else if previous.as_ref().is_some_and(|p| p.grade.is_some()) || !comment.is_empty() {
            previous.as_ref().map(|p| (p.scale.clone(), p.grade.clone())).or(Some((None, None)))
        } else {
            None
        };
        if grade.is_none() && opinions.is_empty() {
            return Err(CommandError::invalid("grade", "評価を選んでください。"));
        }

        let (record, next) = claim(cx, &self.sheet, Transition::Review).await?;
        cx.about(code, Some(item.id), Some(fy));
        advance(cx, &record, next).await?;
        let what = format!("{}（{}）", stage.label(), evaluator.label());
        if let Some((scale, grade)) = grade {
            let row = EvaluationRow {
                fiscal_year: fy,
                stage,
                evaluator,
                scale,
                grade,
                comment: (!comment.is_empty()).then(|| comment.to_string()),
            };
            cx.tx().await?.set_evaluation(code, item.id, &row).await?;
            let (old_grade, old_comment) = previous.map(|p| (p.grade, p.comment)).unwrap_or_default();
            if old_grade != row.grade {
                cx.change(format!("評価 {what}"), old_grade, row.grade.clone());
            }
            if old_comment != row.comment {
                cx.change(format!("意見 {what}"), old_comment, row.comment.clone());
            }
        }
        let plain = |n: &Narrative| (!n.is_empty()).then(|| n.to_plain_text());
        for (slot, label, text, current) in &opinions {
            cx.tx().await?.set_narrative_slot(item.id, fy, slot, label, text).await?;
            cx.change(label.clone(), plain(current), plain(text));
        }
        cx.tx().await?.reindex_item(item.id).await?;
        cx.summary(format!("{} {}（{}）を審査: {what}", item.code, item.title, fy.label()));
        Ok(())
    }
}

/// Which scale a grade is on: the one named with it (`scale:grade`, as the
/// form sends), else the one the city's layout gives the stage and
/// evaluator, else the stage's scale by its code (`mitaka-midyear` for
/// 中間評価), else the city's only scale. A grade from another scale than
/// the layout's for that stage is refused.
pub fn resolve_grade(
    stage: Stage,
    evaluator: Evaluator,
    sent: &str,
    scales: &[EvaluationScale],
    layout: Option<&SheetLayout>,
) -> Result<(String, String), CommandError> {
    let problem = |m: String| CommandError::invalid("grade", m);
    let sent = sent.trim();
    if sent.is_empty() {
        return Err(problem("評価を選んでください。".into()));
    }
    let (named, grade) = match sent.split_once(':') {
        Some((sc, g)) => (Some(sc), g),
        None => (None, sent),
    };
    let slots: Vec<_> = layout
        .into_iter()
        .flat_map(|l| l.sections.iter())
        .filter(|s| s.kind == SectionKind::Grades)
        .flat_map(|s| s.grades.iter())
        .filter(|g| g.stage == stage)
        .collect();
    let by_layout = slots.iter().find(|g| g.evaluator == evaluator).or(slots.first()).map(|g| g.scale.as_str());
    let by_code = scales.iter().find(|s| s.code.ends_with(&format!("-{}", stage.code()))).map(|s| s.code.as_str());
    let only = (scales.len() == 1).then(|| scales[0].code.as_str());
    let expected = by_layout.filter(|c| scales.iter().any(|s| s.code == *c)).or(by_code).or(only);
    let code = match (named, expected) {
        (Some(n), Some(e)) if n != e => {
            let name = scales.iter().find(|s| s.code == e).map_or(e, |s| s.name.as_str());
            return Err(problem(format!("{}の評価は尺度「{name}」から選んでください。", stage.label())));
        }
        (Some(n), _) => n,
        (None, Some(e)) => e,
        (None, None) => return Err(problem("評価の尺度を決められません。一覧から評価を選んでください。".into())),
    };
    let Some(scale) = scales.iter().find(|s| s.code == code) else {
        return Err(problem("評価の尺度が見つかりません。一覧から評価を選んでください。".into()));
    };
    match scale.grade(grade) {
        Some(g) => Ok((scale.code.clone(), g.code.clone())),
        None => {
            let codes: Vec<&str> = scale.grades.iter().map(|g| g.code.as_str()).collect();
            Err(problem(format!(
                "評価「{grade}」は尺度「{}」にありません（{} のいずれか）。",
                scale.name,
                codes.join("・")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_resolve_to_the_stages_scale() {
        let scales = vec![EvaluationScale::mitaka_midyear(), EvaluationScale::mitaka_yearend()];
        let layout = SheetLayout::preset("mitaka").ok();
        let r = resolve_grade(Stage::YearEnd, Evaluator::ReviewBoard, "S", &scales, layout.as_ref());
        assert_eq!(r.ok(), Some(("mitaka-yearend".to_string(), "S".to_string())));
        let r = resolve_grade(Stage::MidYear, Evaluator::ReviewBoard, "mitaka-midyear:1", &scales, None);
        assert_eq!(r.ok(), Some(("mitaka-midyear".to_string(), "1".to_string())));
        // 中間評価 has no S, and a year-end grade does not fit mid-year.
        let Err(CommandError::Invalid { field, message }) =
            resolve_grade(Stage::MidYear, Evaluator::ReviewBoard, "S", &scales, None)
        else {
            panic!("S is not on the mid-year scale")
        };
        assert_eq!(field.as_deref(), Some("grade"));
        assert!(message.contains("評価「S」"), "{message}");
        assert!(resolve_grade(Stage::MidYear, Evaluator::ReviewBoard, "mitaka-yearend:S", &scales, None).is_err());
        assert!(resolve_grade(Stage::YearEnd, Evaluator::ReviewBoard, "", &scales, None).is_err());
        let one = vec![EvaluationScale::kodaira_sab()];
        let r = resolve_grade(Stage::Second, Evaluator::Headquarters, "Ａ", &one, None);
        assert_eq!(r.ok(), Some(("kodaira-sab".to_string(), "A".to_string())));
    }
}
