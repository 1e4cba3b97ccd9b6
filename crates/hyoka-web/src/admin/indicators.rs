//! 指標: the form that adds an indicator to an item or a plan node, edits
//! it (kind, name, definition or formula, unit, direction, judgement
//! vocabulary, baseline and final target as typed), and removes it while
//! it has nothing in a locked year.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::indicators::{
    fixed_values, CreateIndicator, EditIndicator, IndicatorInput, IndicatorOwner, RemoveIndicator,
};
use hyoka_app::CommandError;
use hyoka_core::{Direction, IndicatorKind, JudgementVocabulary};
use hyoka_store::IndicatorRecord;
use maud::{html, Markup};
use serde::Deserialize;

use super::forms::{csrf, refused, select, textarea, Refusal, Text};
use super::items::city_item;
use super::{admin_city, crumbs, nav};
use crate::http::{AppError, CityCode, Form, Id, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

const FORM: &str = "indicator";
const FIELDS: [&str; 10] = [
    "kind",
    "name",
    "definition",
    "unit",
    "direction",
    "vocabulary",
    "baseline_year",
    "baseline",
    "target_year",
    "target",
];

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct IndicatorForm {
    kind: String,
    name: String,
    definition: String,
    unit: String,
    direction: String,
    vocabulary: String,
    baseline_year: String,
    baseline: String,
    target_year: String,
    target: String,
    confirm: String,
}

impl IndicatorForm {
    fn input(&self) -> IndicatorInput {
        IndicatorInput {
            kind: self.kind.clone(),
            name: self.name.clone(),
            definition: self.definition.clone(),
            unit: self.unit.clone(),
            direction: self.direction.clone(),
            vocabulary: self.vocabulary.clone(),
            baseline_year: self.baseline_year.clone(),
            baseline: self.baseline.clone(),
            target_year: self.target_year.clone(),
            target: self.target.clone(),
        }
    }

    fn typed(&self) -> Vec<(&'static str, &str)> {
        let values = [
            &self.kind,
            &self.name,
            &self.definition,
            &self.unit,
            &self.direction,
            &self.vocabulary,
            &self.baseline_year,
            &self.baseline,
            &self.target_year,
            &self.target,
        ];
        FIELDS.iter().copied().zip(values.iter().map(|v| v.as_str())).collect()
    }
}

/// A kind as the select names it; 対象指標 says what it counts.
fn kind_name(k: IndicatorKind) -> String {
    match k {
        IndicatorKind::Population => "対象指標（事業の対象の大きさ。目標は持ちません）".into(),
        other => other.label().into(),
    }
}

/// What an indicator belongs to, as the page names and links it.
struct Owner {
    label: String,
    href: String,
    action: String,
}

async fn owner_of(s: &AppState, code: &str, owner: IndicatorOwner) -> Result<Owner, AppError> {
    match owner {
        IndicatorOwner::Item(id) => {
            let item = city_item(s, code, id).await?;
            Ok(Owner {
                label: format!("事業 {} {}", item.code, item.title),
                href: format!("/m/{code}/admin/items/{id}"),
                action: format!("/m/{code}/admin/items/{id}/indicators"),
            })
        }
        IndicatorOwner::Node(id) => {
            let node = s.store.node(id).await?;
            let plan = s.store.plan(node.plan_id).await?;
            if plan.municipality_code != code {
                return Err(AppError::NotFound("計画の項目".into()));
            }
            Ok(Owner {
                label: format!("計画「{}」 {} {}", plan.name, node.code, node.title),
                href: format!("/m/{code}/admin/nodes/{id}"),
                action: format!("/m/{code}/admin/nodes/{id}/indicators"),
            })
        }
    }
}

/// The form, new (`existing` is `None`) or for an indicator.
async fn form_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    owner: &Owner,
    existing: Option<&IndicatorRecord>,
    r: &Refusal,
) -> Result<Markup, AppError> {
    let city = s.store.municipality(code).await?.name;
    let (baseline, target) = match existing {
        Some(i) => fixed_values(&s.store.indicator_values(i.id).await?),
        None => (None, None),
    };
    let stored = |f: &str| -> String {
        match (f, existing) {
            ("kind", Some(i)) => i.kind.code().into(),
            ("kind", None) => IndicatorKind::Outcome.code().into(),
            ("name", Some(i)) => i.name.clone(),
            ("definition", Some(i)) => i.definition.clone().unwrap_or_default(),
            ("unit", Some(i)) => i.unit.clone().unwrap_or_default(),
            ("direction", Some(i)) => i.direction.code().into(),
            ("direction", None) => Direction::HigherIsBetter.code().into(),
            ("vocabulary", Some(i)) => i.vocabulary.clone().unwrap_or_default(),
            ("baseline_year", _) => baseline.as_ref().map(|(y, _)| y.year().to_string()).unwrap_or_default(),
            ("baseline", _) => baseline.as_ref().map(|(_, c)| c.printed().to_string()).unwrap_or_default(),
            ("target_year", _) => target.as_ref().map(|(y, _)| y.year().to_string()).unwrap_or_default(),
            ("target", _) => target.as_ref().map(|(_, c)| c.printed().to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    };
    let v = |f: &str| r.value(FORM, f, &stored(f));
    let kinds: Vec<(String, String)> =
        IndicatorKind::ALL.iter().map(|k| (k.code().to_string(), kind_name(*k))).collect();
    let directions: Vec<(String, String)> =
        Direction::ALL.iter().map(|d| (d.code().to_string(), d.label().to_string())).collect();
    let vocabularies: Vec<(String, String)> =
        std::iter::once((String::new(), "（指定しない: 達成・未達成・未実施）".to_string()))
            .chain(JudgementVocabulary::presets().into_iter().map(|p| (p.code, p.name)))
            .collect();
    let title = match existing {
        Some(i) => format!("指標: {}", i.name),
        None => "指標の追加".to_string(),
    };
    let action = match existing {
        Some(i) => format!("/m/{code}/admin/indicators/{}", i.id),
        None => owner.action.clone(),
    };
    let mut crumbs = crumbs(code, &city);
    crumbs.push((owner.label.clone(), owner.href.clone()));
    Ok(staff_page(
        staff.bar(),
        &title,
        &crumbs,
        html! {
            (nav(code, "/items"))
            p { (owner.label) " の指標です。 " a href=(owner.href) { "戻る" } }
            form method="post" action=(action) {
                (csrf(&staff.csrf))
                (r.banner(FORM, &FIELDS))
                (select(FORM, "kind", "種類", r, &v("kind"), &kinds, None))
                (Text::new(FORM, "name", "指標名", v("name")).required().size(50).render(r))
                (textarea(FORM, "definition", "定義・計算式", r, &v("definition"), Some("例: 受診者数 ÷ 対象者数 × 100")))
                (Text::new(FORM, "unit", "単位", v("unit")).size(10).note("例: %、件、人、回").render(r))
                (select(FORM, "direction", "目指す方向", r, &v("direction"), &directions, Some("犯罪件数や待機児童数は「低いほど良い」")))
                (select(FORM, "vocabulary", "判定の表し方", r, &v("vocabulary"), &vocabularies, None))
                fieldset {
                    legend { "基準値（計画策定時・現状値）" }
                    (Text::new(FORM, "baseline_year", "年度", v("baseline_year")).size(14).note("例: 2024、令和6年度").render(r))
                    (Text::new(FORM, "baseline", "値（印刷どおり）", v("baseline")).size(20).note("例: 45.2%、4,372人、—").render(r))
                }
                fieldset {
                    legend { "最終目標（計画の最終年度）" }
                    (Text::new(FORM, "target_year", "年度", v("target_year")).size(14).note("例: 2029、令和11年度").render(r))
                    (Text::new(FORM, "target", "値（印刷どおり）", v("target")).size(20).note("例: 60%以上、80台以下、維持（対象指標では空欄）").render(r))
                }
                p class="note" { "値は入力したとおりに保存し、数値・単位・範囲を読み取って判定に使います。毎年度の目標と実績は調査票で入力します。" }
                p { button type="submit" class="primary" { @if existing.is_some() { "保存する" } @else { "指標を追加する" } } }
            }
            @if let Some(i) = existing {
                h2 { "指標の削除" }
                @let rm = "remove";
                form method="post" action={ "/m/" (code) "/admin/indicators/" (i.id) "/remove" } {
                    (csrf(&staff.csrf))
                    (r.banner(rm, &["confirm"]))
                    p {
                        input type="checkbox" id="remove-confirm" name="confirm" value="yes" required
                            aria-invalid=[r.message(rm, "confirm").map(|_| "true")];
                        " " label for="remove-confirm" { "「" (i.name) "」を、すべての年度の値とともに削除します（確定済みの年度に値があると削除できません）" }
                        @if let Some(m) = r.message(rm, "confirm") { br; span class="error" { (m) } }
                    }
                    p { button type="submit" { "削除する" } }
                }
            }
        },
    ))
}

pub(super) async fn new_for_item(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
) -> Result<Markup, AppError> {
    admin_city(&s, &staff, &code).await?;
    let owner = owner_of(&s, &code, IndicatorOwner::Item(id)).await?;
    form_page(&s, &staff, &code, &owner, None, &Refusal::default()).await
}

pub(super) async fn new_for_node(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
) -> Result<Markup, AppError> {
    admin_city(&s, &staff, &code).await?;
    let owner = owner_of(&s, &code, IndicatorOwner::Node(id)).await?;
    form_page(&s, &staff, &code, &owner, None, &Refusal::default()).await
}

async fn create(
    s: &AppState,
    staff: &Staff,
    code: &CityCode,
    owner_ref: IndicatorOwner,
    f: &IndicatorForm,
) -> Result<Response, AppError> {
    admin_city(s, staff, code).await?;
    let owner = owner_of(s, code, owner_ref).await?;
    let cmd = CreateIndicator { municipality: code.0.clone(), owner: owner_ref, input: f.input() };
    match s.app.run(&staff.actor(), cmd).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?done=indicator", owner.href)).into_response()),
        Err(e) => {
            let r = Refusal::from_command(FORM, &f.typed(), e)?;
            Ok(refused(form_page(s, staff, code, &owner, None, &r).await?, &r))
        }
    }
}

pub(super) async fn create_for_item(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<IndicatorForm>,
) -> Result<Response, AppError> {
    create(&s, &staff, &code, IndicatorOwner::Item(id), &f).await
}

pub(super) async fn create_for_node(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<IndicatorForm>,
) -> Result<Response, AppError> {
    create(&s, &staff, &code, IndicatorOwner::Node(id), &f).await
}

/// The indicator of the path with its owner, if it belongs to the city.
async fn city_indicator(s: &AppState, code: &str, id: i64) -> Result<(IndicatorRecord, Owner), AppError> {
    let i = s.store.indicator(id).await?;
    if i.municipality_code != code {
        return Err(AppError::NotFound("指標".into()));
    }
    let owner = match (i.item_id, i.node_id) {
        (Some(item), _) => owner_of(s, code, IndicatorOwner::Item(item)).await?,
        (None, Some(node)) => owner_of(s, code, IndicatorOwner::Node(node)).await?,
        // Imported without an owner: the list of items is home.
        (None, None) => Owner {
            label: "事業".into(),
            href: format!("/m/{code}/admin/items"),
            action: format!("/m/{code}/admin/indicators/{id}"),
        },
    };
    Ok((i, owner))
}

pub(super) async fn indicator(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
) -> Result<Markup, AppError> {
    admin_city(&s, &staff, &code).await?;
    let (i, owner) = city_indicator(&s, &code, id).await?;
    form_page(&s, &staff, &code, &owner, Some(&i), &Refusal::default()).await
}

pub(super) async fn edit(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<IndicatorForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let (i, owner) = city_indicator(&s, &code, id).await?;
    match s
        .app
        .run(&staff.actor(), EditIndicator { municipality: code.0.clone(), indicator_id: id, input: f.input() })
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{}?done=indicator", owner.href)).into_response()),
        Err(e) => {
            let r = Refusal::from_command(FORM, &f.typed(), e)?;
            Ok(refused(form_page(&s, &staff, &code, &owner, Some(&i), &r).await?, &r))
        }
    }
}

pub(super) async fn remove(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<IndicatorForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let (i, owner) = city_indicator(&s, &code, id).await?;
    let result = if f.confirm == "yes" {
        s.app.run(&staff.actor(), RemoveIndicator { municipality: code.0.clone(), indicator_id: id }).await
    } else {
        Err(CommandError::invalid("confirm", "削除の確認欄にチェックを入れてください。"))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("{}?done=indicator-removed", owner.href)).into_response()),
        Err(e) => {
            let r = Refusal::from_command("remove", &[], e)?;
            Ok(refused(form_page(&s, &staff, &code, &owner, Some(&i), &r).await?, &r))
        }
    }
}
