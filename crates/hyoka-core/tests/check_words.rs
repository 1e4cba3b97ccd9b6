//! criterion_category: a criterion rated with a category the city does not
//! use (its words, kept per city), on a 事務事業評価シート's ratings.

mod check_support;

use check_support::*;
use hyoka_core::check::{check_sheet, Severity, SheetContext};
use hyoka_core::vocabulary::CityVocabulary;

fn rated(category: &str) -> hyoka_core::check::SheetInput {
    let mut s = sheet("001", "001", 2024, MITAKA);
    // Category first, then the reason, as the mapping importer stores them.
    s.narratives.push(narrative("criterion", "有効性", &format!("{category}\n成果指標は目標を上回った"), 0));
    s.narratives.push(narrative("criterion", "公平性", "受益者負担は適正", 0));
    s
}

fn check_in(sheet: &hyoka_core::check::SheetInput, words: &CityVocabulary) -> Vec<hyoka_core::check::Flag> {
    let scales = scales();
    check_sheet(sheet, &SheetContext { scales: &scales, vocabularies: &[], related: Vec::new(), words: Some(words) })
}

#[test]
fn a_category_outside_the_citys_is_named_with_the_citys_list() {
    let words = CityVocabulary::parse("有効性: 向上余地がある / 向上余地がない\n公平性\n", "").unwrap();
    assert!(check_in(&rated("向上余地がない"), &words).is_empty());
    assert!(check_in(&rated("向上余地が　ない"), &words).is_empty(), "compared as words");
    let flags = check_in(&rated("向上の余地なし"), &words);
    assert_eq!(codes(&flags), ["criterion_category"], "{flags:#?}");
    assert_eq!(flags[0].severity, Severity::Warning);
    assert_eq!(
        (flags[0].left.value.as_str(), flags[0].right.value.as_str()),
        ("向上の余地なし", "向上余地がある・向上余地がない")
    );
    // Without the city's words nothing is compared.
    assert!(check(&rated("向上の余地なし")).is_empty());
}
