//! Property tests: every fiscal year and date prints in each form and
//! parses back to itself.

use hyoka_core::wareki::{days_in_month, Era};
use hyoka_core::{FiscalYear, JpDate};
use proptest::prelude::*;

fn any_fiscal_year() -> impl Strategy<Value = FiscalYear> {
    (1868i32..=2200).prop_map(|y| FiscalYear::new(y).unwrap())
}

fn any_date() -> impl Strategy<Value = JpDate> {
    (1868i32..=2200, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| JpDate::new(y, m, d.min(days_in_month(y, m))).unwrap())
}

proptest! {
    #[test]
    fn fiscal_year_labels_round_trip(fy in any_fiscal_year()) {
        prop_assert_eq!(FiscalYear::parse(&fy.label()).unwrap(), fy);
        prop_assert_eq!(FiscalYear::parse(&fy.label_with_western()).unwrap(), fy);
        prop_assert_eq!(FiscalYear::parse(&fy.western_label()).unwrap(), fy);
        prop_assert_eq!(FiscalYear::parse(&format!("FY{}", fy.year())).unwrap(), fy);
        prop_assert_eq!(FiscalYear::parse(&fy.short_label()).unwrap(), fy);
    }

    #[test]
    fn fiscal_year_labels_survive_spacing_and_full_width(fy in any_fiscal_year()) {
        let spaced = fy.label().replace("年度", " 年度").replacen(fy.era().name(), &format!("{} ", fy.era().name()), 1);
        prop_assert_eq!(FiscalYear::parse(&spaced).unwrap(), fy);
        let full: String = fy.label_with_western().chars().map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            '(' => '（',
            ')' => '）',
            c => c,
        }).collect();
        prop_assert_eq!(FiscalYear::parse(&full).unwrap(), fy);
    }

    #[test]
    fn any_era_year_in_use_names_the_same_fiscal_year(fy in any_fiscal_year()) {
        // A year can be printed in the era that names it, or, around a change
        // of era, in the previous one (平成31年度 = 令和元年度).
        for era in Era::ALL {
            let n = fy.year() - era.first_day().year() + 1;
            if (1..=999).contains(&n) {
                let printed = format!("{}{}年度", era.name(), n);
                prop_assert_eq!(FiscalYear::parse(&printed).unwrap(), fy, "{}", printed);
            }
        }
    }

    #[test]
    fn dates_round_trip(d in any_date()) {
        prop_assert_eq!(JpDate::parse(&d.wareki()).unwrap(), d);
        prop_assert_eq!(JpDate::parse(&d.iso()).unwrap(), d);
        let fy = FiscalYear::containing(d).unwrap_or(FiscalYear::new(1868).unwrap());
        if d >= FiscalYear::new(1868).unwrap().first_day() {
            prop_assert!(fy.first_day() <= d && d <= fy.last_day());
        }
    }

    #[test]
    fn month_end_is_the_last_day(y in 1868i32..=2200, m in 1u8..=12) {
        let era = Era::of_date(JpDate::new(y, m, 1).unwrap()).unwrap();
        let n = y - era.first_day().year() + 1;
        let printed = format!("{}{}年{}月末", era.name(), if n == 1 { "元".to_string() } else { n.to_string() }, m);
        let d = JpDate::parse(&printed).unwrap();
        prop_assert_eq!(d.day(), days_in_month(y, m));
    }

    #[test]
    fn garbage_never_panics(s in "\\PC{0,12}") {
        let _ = FiscalYear::parse(&s);
        let _ = JpDate::parse(&s);
    }
}
