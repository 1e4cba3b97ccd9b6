//! Query strings, read strictly, like form bodies (`super::form`): a field
//! given twice (`?fy=1&fy=2`), bytes that are not UTF-8, a control
//! character other than tab and newline (NUL, ESC), or a value that does
//! not read as its field's type is refused with a Japanese 422 naming the
//! field, never axum's English plain-text 400. What gets past here reaches
//! the store as the same text on both backends.

use std::collections::HashSet;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::AppError;

/// The query of a page that may say what was just done (`?done=…`).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Done {
    pub done: Option<String>,
}

/// The request's query string as `T`, every field checked.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parse(parts.uri.query().unwrap_or("")).map(Query)
    }
}

/// A raw query string (without `?`) as `T`, or the 422 naming the field.
pub fn parse<T: DeserializeOwned>(raw: &str) -> Result<T, AppError> {
    super::form::check(raw.as_bytes())?;
    let mut seen = HashSet::new();
    for (name, _) in form_urlencoded::parse(raw.as_bytes()) {
        if !seen.insert(name.clone()) {
            return Err(AppError::Invalid(format!(
                "「{}」が2回以上指定されています。1回だけ指定してください。",
                shown(&name)
            )));
        }
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let value = form_urlencoded::parse(raw.as_bytes()).find(|(k, _)| *k == field).map(|(_, v)| v.into_owned());
        AppError::Invalid(match value {
            Some(v) => format!("「{}」の値「{}」を読み取れません。", shown(&field), shown(&v)),
            None => format!("「{}」の指定を読み取れません。", shown(&field)),
        })
    })
}

/// A name or value as shown in a message: short.
fn shown(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Q {
        fy: Option<String>,
        n: Option<u32>,
    }

    #[test]
    fn clean_queries_read() {
        let q: Q = parse("fy=2018&n=3&other=x").unwrap();
        assert_eq!((q.fy.as_deref(), q.n), (Some("2018"), Some(3)));
        let q: Q = parse("").unwrap();
        assert!(q.fy.is_none() && q.n.is_none());
    }

    #[test]
    fn repeated_controls_and_bad_values_name_the_field() {
        let e = parse::<Q>("fy=1&fy=2").unwrap_err().to_string();
        assert!(e.contains("「fy」") && e.contains("2回"), "{e}");
        let e = parse::<Q>("fy=a%00b").unwrap_err().to_string();
        assert!(e.contains("「fy」") && e.contains("U+0000"), "{e}");
        let e = parse::<Q>("fy=%1B").unwrap_err().to_string();
        assert!(e.contains("「fy」") && e.contains("U+001B"), "{e}");
        let e = parse::<Q>("n=abc").unwrap_err().to_string();
        assert!(e.contains("「n」") && e.contains("abc"), "{e}");
        assert!(matches!(parse::<Q>("fy=%FF"), Err(AppError::Invalid(_))));
    }
}
