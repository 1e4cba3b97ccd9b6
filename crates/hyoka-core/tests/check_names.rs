//! name_mismatch (an item printed twice) and plan_name_mismatch (a plan's
//! table of contents, structure and headings).

mod check_support;

use check_support::*;
use hyoka_core::check::{check_city_year, CityYearInput, NameField, NodeInput, PlanInput, Printing, Severity};

fn printing(field: NameField, place: &str, text: &str, line: usize) -> Printing {
    Printing { field, place: place.into(), text: text.into(), line: Some(line) }
}

#[test]
fn a_title_that_differs_between_the_summary_and_the_sheet() {
    // 小平市 No.10: 「デリバリーこだいら」 in the summary, 「デリバリーこだい」 on the sheet.
    let summary = quote(KODAIRA, 30, "なるほど出前講座「デリバリーこだいら」の推進");
    let sheet_title = quote(KODAIRA, 323, "なるほど出前講座「デリバリーこだい」の推進");
    let mut s = sheet("No.10", "No.10", 2017, KODAIRA);
    s.title = summary.clone();
    s.printings = vec![
        printing(NameField::Title, "一覧表", &summary, 30),
        printing(NameField::Title, "調査票", &sheet_title, 323),
    ];
    let flags = check(&s);
    assert_eq!(codes(&flags), ["name_mismatch"]);
    let f = &flags[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!((f.left.value.as_str(), f.right.value.as_str()), (summary.as_str(), sheet_title.as_str()));
    assert!(f.message.contains("「ら」の有無"), "{}", f.message);
    assert_eq!(f.place.line, Some(323));
}

#[test]
fn an_omission_is_a_note_and_spacing_is_nothing() {
    // No.25: the sheet omits 「(使用料・手数料の見直し)」.
    let mut s = sheet("No.25", "No.25", 2017, KODAIRA);
    s.printings = vec![
        printing(NameField::Title, "一覧表", &quote(KODAIRA, 45, "受益者負担の適正化(使用料・手数料の見直し)"), 45),
        printing(NameField::Title, "調査票", &quote(KODAIRA, 513, "受益者負担の適正化"), 513),
    ];
    let flags = check(&s);
    assert_eq!(codes(&flags), ["name_mismatch"]);
    assert_eq!(flags[0].severity, Severity::Info);
    // Width, spaces and brackets do not count.
    s.printings = vec![
        printing(NameField::Title, "一覧表", "ＰＰＰ/ＰＦＩの推進", 59),
        printing(NameField::Title, "調査票", "PPP/PFI の推進", 670),
    ];
    assert!(check(&s).is_empty());
}

#[test]
fn kanji_and_kana_spellings_are_a_note() {
    // No.9: 「更なる」 in the summary, 「さらなる」 on the sheet.
    let mut s = sheet("No.9", "No.9", 2017, KODAIRA);
    s.printings = vec![
        printing(NameField::Title, "一覧表", &quote(KODAIRA, 29, "市民参加の更なる推進に係る検討"), 29),
        printing(NameField::Title, "調査票", &quote(KODAIRA, 310, "市民参加のさらなる推進に係る検討"), 310),
    ];
    let flags = check(&s);
    assert_eq!(codes(&flags), ["name_mismatch"]);
    assert_eq!(flags[0].severity, Severity::Info);
    assert!(flags[0].message.contains("漢字とかな"), "{}", flags[0].message);
}

#[test]
fn a_purpose_printed_differently() {
    // No.17: 「安定的に供給するため」 in the summary, 「安定的に提供するために
    // 今後の財政の見通しを策定し」 on the sheet.
    let mut s = sheet("No.17", "No.17", 2017, KODAIRA);
    s.printings = vec![
        printing(
            NameField::Purpose,
            "一覧表",
            &quote(KODAIRA, 37, "市民サービスを安定的に供給するため、計画的な財政運営を行う。"),
            37,
        ),
        printing(
            NameField::Purpose,
            "調査票",
            &quote(
                KODAIRA,
                409,
                "市民サービスを安定的に提供するために今後の財政の見通しを策定し、計画的な財政運営を行う。",
            ),
            409,
        ),
    ];
    let flags = check(&s);
    assert_eq!(codes(&flags), ["name_mismatch"]);
    assert!(flags[0].message.contains("目的"), "{}", flags[0].message);
}

#[test]
fn plan_titles_and_codes_printed_two_ways() {
    let node = |code: &str, title: &str, printings: Vec<Printing>| NodeInput {
        code: code.into(),
        parent: None,
        title: title.into(),
        printings,
    };
    let plan = PlanInput {
        code: "mitaka-action-plan-2022".into(),
        name: "三鷹市都市経営アクションプラン2022".into(),
        nodes: vec![
            // 体系10: 「危機管理力の向上」 in the contents and the structure,
            // 「危機管理能力の向上」 as the heading.
            node(
                "10",
                "危機管理力の向上",
                vec![
                    printing(NameField::Title, "目次", &quote(WHITEPAPER, 50, "危機管理力の向上"), 50),
                    printing(NameField::Title, "体系", &quote(WHITEPAPER, 910, "危機管理力の向上"), 910),
                    printing(NameField::Title, "見出し", &quote(WHITEPAPER, 1224, "危機管理能力の向上"), 1224),
                ],
            ),
            // The issue printed `5-2)` among `5-(1)`, `5-(6)`; `10- (3)` is
            // only spaced.
            node(
                "5-(2)",
                "介護保険料収納率の更なる向上",
                vec![printing(NameField::Code, "見出し", &quote(WHITEPAPER, 1074, "5-2)"), 1074)],
            ),
            node(
                "10-(3)",
                "災害時における多様な広報媒体による効率的・効果的な情報提供",
                vec![printing(NameField::Code, "見出し", &quote(WHITEPAPER, 1234, "10- (3)"), 1234)],
            ),
        ],
    };
    let city = CityYearInput {
        city: "132047".into(),
        fiscal_year: Some(fy(2020)),
        plans: vec![plan],
        ..CityYearInput::default()
    };
    let flags = check_city_year(&city);
    assert_eq!(codes(&flags), ["plan_name_mismatch", "plan_name_mismatch"], "{flags:#?}");
    assert!(flags[0].message.contains("「能」の有無"), "{}", flags[0].message);
    assert_eq!((flags[0].place.line, flags[0].severity), (Some(1224), Severity::Warning));
    assert_eq!((flags[1].left.value.as_str(), flags[1].right.value.as_str()), ("5-(2)", "5-2)"));
}
