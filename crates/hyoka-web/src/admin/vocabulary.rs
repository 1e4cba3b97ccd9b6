//! The city's evaluation criteria (目的妥当性, 有効性 … with the categories
//! each allows) and its words for next year's direction, edited as two
//! texts, one entry a line (hyoka_core::vocabulary).

use crate::http::{Done, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::city::SetCityVocabulary;
use hyoka_app::CommandError;
use hyoka_core::scale::NextDirection;
use maud::{html, Markup};
use serde::Deserialize;

use super::{admin_city, crumbs, nav};
use crate::http::{AppError, CityCode, Form, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

// Defaults let a form without the field reach the permission check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct VocabularyForm {
    criteria: String,
    directions: String,
}

pub(super) async fn page(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<Done>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let v = s.store.city_vocabulary(&code).await?;
    let done = q.done.is_some().then_some("評価の観点と方向性の語を保存しました。");
    Ok(render(&staff, &code, &city, &v.criteria_text(), &v.directions_text(), done, None))
}

pub(super) async fn save(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<VocabularyForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let command = SetCityVocabulary {
        municipality: code.0.clone(),
        criteria: f.criteria.clone(),
        directions: f.directions.clone(),
    };
    match s.app.run(&staff.actor(), command).await {
        Ok(_) => Ok(Redirect::to(&format!("/m/{code}/admin/vocabulary?done=1")).into_response()),
        Err(CommandError::Invalid { message, .. }) => {
            let page = render(&staff, &code, &city, &f.criteria, &f.directions, None, Some(&message));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn render(
    staff: &Staff,
    code: &str,
    city: &str,
    criteria: &str,
    directions: &str,
    done: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let labels: Vec<&str> = NextDirection::ALL.iter().map(|d| d.label()).collect();
    staff_page(
        staff.bar(),
        "評価の観点と方向性の語",
        &crumbs(code, city),
        html! {
            (nav(code, "/vocabulary"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            @if let Some(e) = error {
                div class="error" role="alert" id="vocabulary-error" {
                    @for line in e.lines() { p { (line) } }
                }
            }
            p class="note" {
                "事務事業評価シートで使う、この市の言葉です。取り込みの対応表（criteria の categories、direction.words）から"
                "取り込んだときにも保存されます。調査票の入力画面は今後の方向性にこの市の語を示し、"
                "整合性チェックはここにない区分・語を示します。"
            }
            form method="post" action={ "/m/" (code) "/admin/vocabulary" } {
                input type="hidden" name="_csrf" value=(staff.csrf);
                p {
                    label for="f-criteria" { "評価の観点（1行に1つ。「観点: 区分 / 区分 …」。区分がなければ観点の名前だけ）" } br;
                    textarea id="f-criteria" name="criteria" rows="8" cols="70"
                        aria-describedby=[error.map(|_| "vocabulary-error")]
                        placeholder="目的妥当性: 妥当 / 見直しの余地あり" { (criteria) }
                }
                p {
                    label for="f-directions" {
                        "今後の方向性の語（1行に1つ。「語 = 方向性」。方向性は " (labels.join("・")) " か、対応がなければ「なし」）"
                    } br;
                    textarea id="f-directions" name="directions" rows="8" cols="70"
                        aria-describedby=[error.map(|_| "vocabulary-error")]
                        placeholder="２　改革改善（縮小・統合含む） = なし" { (directions) }
                }
                p { button type="submit" { "保存する" } }
            }
        },
    )
}
