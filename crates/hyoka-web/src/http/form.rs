//! Form bodies, read strictly: a field whose bytes are not UTF-8, or that
//! holds a control character other than tab and newline, is refused with
//! 422 naming the field. (axum's own `Form` would replace bad bytes with
//! U+FFFD and store the damage silently.) Both backends then see the same
//! text: PostgreSQL refuses NUL where SQLite would keep it.

use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use percent_encoding::percent_decode;
use serde::de::DeserializeOwned;

use super::csrf::MAX_FORM_BYTES;
use super::error::AppError;

/// A form body as `T`, every field checked.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, AppError> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::Invalid("フォームの形式で送信してください。".into()));
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::Invalid("送信された内容が大きすぎます。".into()))?;
        check(&bytes)?;
        serde_urlencoded::from_bytes(&bytes).map(Form).map_err(|_| {
            AppError::Invalid("送信された内容を読み取れません。画面を開き直してから、もう一度送信してください。".into())
        })
    }
}

/// Every name and value of the body, decoded, must be clean text.
pub fn check(body: &[u8]) -> Result<(), AppError> {
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &pair[..0]),
        };
        let decode = |raw: &[u8]| -> Vec<u8> {
            let plus: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
            percent_decode(&plus).collect()
        };
        let name = String::from_utf8_lossy(&decode(name)).into_owned();
        let value = decode(value);
        let Ok(text) = std::str::from_utf8(&value) else {
            return Err(AppError::Invalid(format!(
                "「{}」の内容に文字として読めないデータ（UTF-8 でないバイト）が含まれています。入力し直してください。",
                shown(&name)
            )));
        };
        let control = |s: &str| s.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
        if let Some(c) = control(text).or_else(|| control(&name)) {
            return Err(AppError::Invalid(format!(
                "「{}」に使えない制御文字（U+{:04X}）が含まれています。その文字を削除してください。",
                shown(&name),
                c as u32
            )));
        }
    }
    Ok(())
}

/// A field name as shown in a message: control characters dropped, short.
fn shown(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_passes() {
        assert!(check(b"a=1&n.overview.0=%E4%BA%88%E7%AE%97+%0A%09x&_csrf=ab").is_ok());
        assert!(check(b"").is_ok());
    }

    #[test]
    fn bad_bytes_and_controls_name_the_field() {
        let e = check(b"a=1&comment=%FF%FE").unwrap_err().to_string();
        assert!(e.contains("「comment」") && e.contains("UTF-8"), "{e}");
        let e = check(b"d.reason=abc%00def").unwrap_err().to_string();
        assert!(e.contains("「d.reason」") && e.contains("U+0000"), "{e}");
        assert!(check(b"x=%1B").is_err());
    }
}
