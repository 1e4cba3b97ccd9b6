//! A city's own words in a mapping: the categories each criterion allows
//! (a cell with another is named, not guessed) and the direction words,
//! which the import keeps as the city's vocabulary. Pure: no database.

#[path = "common/jimu_sheet.rs"]
mod jimu_sheet;

use hyoka_core::vocabulary::{CityVocabulary, Criterion, DirectionWord};
use hyoka_core::NextDirection;
use hyoka_import::mapping::{self, Context};

/// The test mapping with categories for its two criteria; 有効性 lacks
/// 「向上余地がない」, which row 6 of the workbook prints.
fn with_categories() -> String {
    jimu_sheet::MAPPING
        .replace(
            "category = \"目的妥当性\"",
            "category = \"目的妥当性\"\ncategories = [\"結びついている\", \"見直す余地がある\"]",
        )
        .replace("category = \"有効性\"", "category = \"有効性\"\ncategories = [\"向上余地がある\"]")
}

#[test]
fn a_category_the_mapping_does_not_allow_is_named_with_its_cell() {
    let m = mapping::parse("jimu.toml", &with_categories()).unwrap();
    let e = mapping::read("jimu.toml", &m, "jimu.xlsx", &jimu_sheet::xlsx(false), Context::default())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(e.contains("シート「R6事務事業評価」 6行目"), "{e}");
    assert!(
        e.contains("有効性の区分「向上余地がない」が対応表の categories にありません（向上余地がある のいずれか）"),
        "{e}"
    );
    assert_eq!(e.matches("categories にありません").count(), 1, "the other cells are allowed: {e}");

    // Allowed, the workbook reads.
    let ok = with_categories().replace("[\"向上余地がある\"]", "[\"向上余地がある\", \"向上余地がない\"]");
    let m = mapping::parse("jimu.toml", &ok).unwrap();
    mapping::read("jimu.toml", &m, "jimu.xlsx", &jimu_sheet::xlsx(false), Context::default()).unwrap();
    assert_eq!(
        m.vocabulary(),
        Some(CityVocabulary {
            criteria: vec![
                Criterion {
                    name: "目的妥当性".into(),
                    categories: vec!["結びついている".into(), "見直す余地がある".into()]
                },
                Criterion {
                    name: "有効性".into(), categories: vec!["向上余地がある".into(), "向上余地がない".into()]
                },
            ],
            directions: vec![
                DirectionWord { word: "１　現状維持".into(), direction: Some(NextDirection::Keep) },
                DirectionWord { word: "２　改革改善（縮小・統合含む）".into(), direction: None },
                DirectionWord { word: "３　終了・廃止・休止".into(), direction: Some(NextDirection::End) },
            ],
        })
    );
}

#[test]
fn a_mapping_without_categories_or_words_declares_no_vocabulary() {
    let text = jimu_sheet::MAPPING.split("[direction]").next().unwrap();
    let m = mapping::parse("jimu.toml", text).unwrap();
    assert_eq!(m.vocabulary(), None, "criteria without categories are not the city's words");
}
