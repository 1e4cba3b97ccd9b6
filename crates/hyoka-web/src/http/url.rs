//! Percent-encoding, in one place (the `percent-encoding` crate): text put
//! into a path segment, a query value or a header's file name.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 3986's unreserved characters; every other byte is `%XX`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The same, keeping `/` as well: a path carried in a query value.
const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Text as one path segment, one query value, or an RFC 5987 file name
/// (`filename*=UTF-8''…`): only unreserved characters stay as they are.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// A path (with its query) carried in a query value, `/` kept readable:
/// `/login?next=/m/132047/sheets`.
pub fn encode_path(s: &str) -> String {
    utf8_percent_encode(s, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(encode("三鷹市_企-1"), "%E4%B8%89%E9%B7%B9%E5%B8%82_%E4%BC%81-1");
        assert_eq!(encode("a b\"c/d&e=f~."), "a%20b%22c%2Fd%26e%3Df~.");
        assert_eq!(encode_path("/m/132047/x?fy=2018&a=b c"), "/m/132047/x%3Ffy%3D2018%26a%3Db%20c");
    }
}
