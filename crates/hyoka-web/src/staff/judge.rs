//! The judgement computed as people type: the form's script sends the
//! indicator's direction and vocabulary with the target and actual as
//! typed, and shows the answer in a live region. Without script the
//! judgement is computed when the sheet is saved.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use hyoka_core::access::Action;
use hyoka_core::judgement::{judge, Outcome};
use hyoka_core::{Direction, IndicatorCell};
use serde::{Deserialize, Serialize};

use crate::http::{AppError, CityCode, Form, Params, Staff};
use crate::AppState;

#[derive(Deserialize)]
pub(crate) struct JudgeForm {
    direction: Option<String>,
    vocabulary: Option<String>,
    #[serde(default)]
    target: String,
    #[serde(default)]
    actual: String,
    /// The level a `維持` target keeps (the baseline), when there is one.
    reference: Option<String>,
    /// A judgement stated by the person (an override), to compare.
    stated: Option<String>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
pub(crate) struct JudgeAnswer {
    computed: Option<String>,
    warning: Option<String>,
}

pub(crate) async fn live(
    State(_s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<JudgeForm>,
) -> Result<Response, AppError> {
    staff.require(Action::View, &code, &[])?;
    let body = serde_json::to_string(&answer(&f)).map_err(|e| AppError::Invalid(e.to_string()))?;
    Ok(([(CONTENT_TYPE, "application/json; charset=utf-8"), (CACHE_CONTROL, "no-store")], body).into_response())
}

fn answer(f: &JudgeForm) -> JudgeAnswer {
    let direction: Direction = f.direction.as_deref().and_then(|d| d.parse().ok()).unwrap_or(Direction::HigherIsBetter);
    let vocabulary = hyoka_app::sheet::vocabulary(f.vocabulary.as_deref(), "achievement2");
    let (t, a) = (IndicatorCell::parse(f.target.trim()), IndicatorCell::parse(f.actual.trim()));
    let reference = f.reference.as_deref().map(IndicatorCell::parse);
    let verdict = judge(direction, &t, &a, reference.as_ref());
    let computed = vocabulary.label(&verdict);
    let unreadable = [("目標", &t), ("実績", &a)]
        .into_iter()
        .find(|(_, c)| !c.is_understood())
        .map(|(role, c)| format!("{role}「{}」を読み取れません", c.printed()));
    let warning = match (&verdict.outcome, &computed) {
        _ if unreadable.is_some() => unreadable,
        (Outcome::Undetermined { reason }, _) if !(t.is_empty_value() && a.is_empty_value()) => Some(reason.message()),
        (_, Some(c)) => f
            .stated
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty() && s != c)
            .map(|s| format!("上書きした判定「{s}」は、数値から計算した「{c}」と異なります")),
        _ => None,
    };
    JudgeAnswer { computed, warning }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(direction: &str, vocabulary: &str, target: &str, actual: &str, stated: Option<&str>) -> JudgeForm {
        JudgeForm {
            direction: Some(direction.into()),
            vocabulary: Some(vocabulary.into()),
            target: target.into(),
            actual: actual.into(),
            reference: None,
            stated: stated.map(str::to_string),
        }
    }

    #[test]
    fn answers() {
        let a = answer(&form("higher", "progress", "1,285人", "1,279人", Some("順調")));
        assert_eq!(a.computed.as_deref(), Some("遅れ"));
        assert!(a.warning.unwrap().contains("順調"));
        let a = answer(&form("lower", "achievement", "577g/人日", "553.3g/人日", None));
        assert_eq!(a, JudgeAnswer { computed: Some("達成".into()), warning: None });
        let a = answer(&form("higher", "achievement", "30件", "31人", None));
        assert_eq!(a.computed, None);
        assert!(a.warning.unwrap().contains("単位"));
        assert_eq!(answer(&form("higher", "achievement", "", "", None)).warning, None);
    }
}
