//! Cities, as the system administrator registers them.

use hyoka_core::access::Action;
use hyoka_core::vocabulary::CityVocabulary;
use hyoka_store::{Municipality, StoreError};

use crate::{Command, CommandError, Cx};

/// Registers a city by its 全国地方公共団体コード (six digits with the
/// check digit) and name.
pub struct CreateCity {
    pub code: String,
    pub name: String,
}

impl Command for CreateCity {
    const CODE: &'static str = "city.create";
    type Output = Municipality;

    async fn run(self, cx: &mut Cx<'_>) -> Result<Municipality, CommandError> {
        cx.actor.require(Action::ManageSystem, "", &[])?;
        let code = hyoka_core::text::normalise(&self.code);
        let name = hyoka_core::text::normalise(&self.name);
        if !(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())) {
            return Err(CommandError::invalid("code", "団体コードは6桁の数字で入力してください（例: 132047）。"));
        }
        if name.is_empty() {
            return Err(CommandError::invalid("name", "名称を入力してください。"));
        }
        if name.chars().count() > 50 {
            return Err(CommandError::invalid("name", "名称は50文字以内にしてください。"));
        }
        let city = Municipality { code: code.clone(), name: name.clone() };
        cx.tx().await?.create_municipality(&city).await.map_err(|e| match e {
            StoreError::Duplicate(m) => CommandError::invalid("code", format!("{m}。")),
            other => other.into(),
        })?;
        cx.about(&code, None, None);
        cx.summary(format!("自治体 {name}（{code}）を登録"));
        cx.change("自治体の登録", None, Some(format!("{name}（{code}）")));
        Ok(city)
    }
}

/// Replaces a city's criteria and direction words
/// (hyoka_core::vocabulary), given as the two texts the admin page edits.
/// Each line that does not read is named; nothing is saved then.
pub struct SetCityVocabulary {
    pub municipality: String,
    pub criteria: String,
    pub directions: String,
}

impl Command for SetCityVocabulary {
    const CODE: &'static str = "city.vocabulary";
    type Output = CityVocabulary;

    async fn run(self, cx: &mut Cx<'_>) -> Result<CityVocabulary, CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        let v = CityVocabulary::parse(&self.criteria, &self.directions)
            .map_err(|problems| CommandError::invalid("vocabulary", problems.join("\n")))?;
        save_vocabulary(cx, code, &v).await?;
        Ok(v)
    }
}

/// Stores `v` as the city's vocabulary with its audit record (before and
/// after as the admin page shows them); nothing when it is unchanged.
pub(crate) async fn save_vocabulary(cx: &mut Cx<'_>, code: &str, v: &CityVocabulary) -> Result<(), CommandError> {
    let before = cx.store.city_vocabulary(code).await?;
    if before == *v {
        cx.unchanged();
        return Ok(());
    }
    cx.about(code, None, None);
    cx.tx().await?.set_city_vocabulary(code, v).await?;
    let shown = |s: String| Some(s).filter(|s| !s.is_empty());
    if before.criteria != v.criteria {
        cx.change("評価の観点", shown(before.criteria_text()), shown(v.criteria_text()));
    }
    if before.directions != v.directions {
        cx.change("方向性の語", shown(before.directions_text()), shown(v.directions_text()));
    }
    cx.summary(format!("評価の観点 {}件・方向性の語 {}件を保存", v.criteria.len(), v.directions.len()));
    Ok(())
}
