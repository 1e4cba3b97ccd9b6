//! Cities, as the system administrator registers them.

use hyoka_core::access::Action;
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
