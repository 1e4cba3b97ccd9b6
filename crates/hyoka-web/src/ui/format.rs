//! Times and dates as people in Japan read them. Stored instants are UTC;
//! every page shows Japan's time.

use hyoka_core::time::Timestamp;
use hyoka_core::JpDate;
use hyoka_store::FiscalYearRecord;

/// A stored instant in Japan time: `2019年4月1日 09:30` (text that does not
/// parse is shown as it is).
pub fn jst(iso: &str) -> String {
    Timestamp::parse_iso(iso).map(Timestamp::japanese).unwrap_or_else(|| iso.to_string())
}

/// A stored instant in Japan time, compact for tables: `2019-04-01 09:30`.
pub fn local_time(iso: &str) -> String {
    Timestamp::parse_iso(iso).map(Timestamp::japan_compact).unwrap_or_else(|| iso.to_string())
}

/// `令和元年5月31日（2019-05-31）`.
pub fn date_label(d: JpDate) -> String {
    format!("{}（{}）", d.wareki(), d.iso())
}

/// A year's deadline for sheets, if one is set (text that does not parse
/// is none).
pub fn deadline_of(year: &FiscalYearRecord) -> Option<JpDate> {
    year.deadline.as_deref().and_then(|d| JpDate::parse(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_time() {
        assert_eq!(jst("2019-03-31T15:30:00Z"), "2019年4月1日 00:30");
        assert_eq!(local_time("2019-03-31T15:30:00Z"), "2019-04-01 00:30");
        assert_eq!(jst("not a time"), "not a time");
        assert_eq!(date_label(JpDate::parse("2019-05-31").unwrap()), "令和元年5月31日（2019-05-31）");
    }
}
