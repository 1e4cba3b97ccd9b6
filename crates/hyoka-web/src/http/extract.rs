//! Path parameters, typed. A segment that does not parse (a letter where an
//! id goes, a year out of range, a city code that is not six digits) is a
//! page that does not exist: a Japanese 404 page, never axum's English
//! plain-text 400.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use hyoka_core::FiscalYear;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};

use super::error::AppError;

/// The path's parameters as `T` (a tuple of the types below, or of
/// `String`s), or a Japanese 404.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| Params(t))
            .map_err(|_| AppError::NotFound("ページ".into()))
    }
}

/// A `{code}`: six digits (全国地方公共団体コード).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CityCode(pub String);

impl CityCode {
    pub fn parse(s: &str) -> Option<CityCode> {
        (s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())).then(|| CityCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for CityCode {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for CityCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CityCode::parse(&s).ok_or_else(|| D::Error::custom("not a city code"))
    }
}

/// A `{fy}`: the western year in which the fiscal year starts, digits only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fy(pub FiscalYear);

impl Fy {
    pub fn parse(s: &str) -> Option<Fy> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<i32>().ok().and_then(|y| FiscalYear::new(y).ok()).map(Fy)
    }
}

impl<'de> Deserialize<'de> for Fy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Fy::parse(&s).ok_or_else(|| D::Error::custom("not a fiscal year"))
    }
}

/// An `{id}`: a positive integer, digits only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Id(pub i64);

impl Id {
    pub fn parse(s: &str) -> Option<Id> {
        if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok().map(Id)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Id::parse(&s).ok_or_else(|| D::Error::custom("not an id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_parse_strictly() {
        assert_eq!(CityCode::parse("132047").map(|c| c.0), Some("132047".into()));
        for bad in ["13204", "1320477", "13204a", "", "１３２０４７"] {
            assert!(CityCode::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Fy::parse("2018").map(|f| f.0.year()), Some(2018));
        for bad in ["", "+2018", "20180", "abc", "99999", "1000"] {
            assert!(Fy::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Id::parse("42"), Some(Id(42)));
        for bad in ["", "-1", "1e3", "x", "9999999999999999999"] {
            assert!(Id::parse(bad).is_none(), "{bad}");
        }
    }
}
