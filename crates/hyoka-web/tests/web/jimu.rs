//! The 事務事業評価シート (preset `jimu`). Its cost part: 財源内訳,
//! 従事時間 × 単価 = 人件費 and トータルコスト are entered on the form,
//! stored, computed beside the printed figures and checked; a sheet kind
//! without the part shows stored cost and a save leaves it as it was. And
//! a city's own workbook, imported through its mapping, worked on in the
//! next year with the city's words, and published with its history.

use std::collections::BTreeMap;

use hyoka_core::access::Role;
use hyoka_core::{FiscalYear, Hours, Yen};
use hyoka_store::testing::TestDb;
use hyoka_store::{FiscalYearRecord, Store};

use crate::sheets::{form_fields, post, set};
use crate::support;

const MITAKA: &str = "132047";

/// 三鷹市 as published, its projects on the `jimu` sheet kind, and an
/// editor of 企画部. Returns 企-1.
async fn seed(store: &Store) -> i64 {
    let file = "000_1a8dd8067da68eba.txt";
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/000_1a8dd8067da68eba.txt"))
            .unwrap();
    let (_, batch) = hyoka_import::read_published(file, &text).unwrap();
    hyoka_import::apply(store, &[(file.to_string(), batch)], false).await.unwrap();
    let kikaku = store.section_id(MITAKA, "企画部", "").await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let item = tx.item_id(MITAKA, "mitaka-dept-policy-2018/企-1").await.unwrap();
    tx.set_sheet_layout(MITAKA, "jimu", &BTreeMap::new()).await.unwrap();
    tx.commit().await.unwrap();
    support::account(store, "editor", Role::Editor, Some(MITAKA), Some(kikaku)).await;
    support::account(store, "admin", Role::Admin, Some(MITAKA), None).await;
    item
}

#[tokio::test]
async fn cost_is_entered_computed_checked_and_kept_by_other_sheet_kinds() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let item = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let sheet = format!("/m/{MITAKA}/sheets/{item}/2018");
    let edit = format!("{sheet}/edit");
    let mut editor = server.signed_in("editor").await;

    let form = editor.get(&edit).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("財源内訳・トータルコスト") && form.body.contains("人件費単価（円/時間）"));
    let mut fields = form_fields(&form.body, "sheet-form");
    // 企-1 printed a settlement of 6,385千円.
    assert_eq!(fields.iter().find(|(k, _)| k == "b.settlement").map(|(_, v)| v.as_str()), Some("6,385"));

    // Hours that do not read are sent back, naming the field; nothing is stored.
    set(&mut fields, "b.staff_hours", "約800");
    let r = post(&mut editor, &edit, &fields).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("「従事時間 平成30年度」を時間として読み取れません"), "{}", r.body);
    assert!(store.budgets(item).await.unwrap()[0].figures.staff.is_empty());

    for (name, value) in [
        ("b.national", "3,000"),
        ("b.general_revenue", "3,385"),
        ("b.staff_hours", "1,200"),
        ("b.hourly_cost", "4,500"),
        ("b.personnel_cost", "5,400"),
        // 6,385 + 5,400 = 11,785: the printed total is 5千円 off.
        ("b.total_cost", "11,790"),
    ] {
        set(&mut fields, name, value);
    }
    let r = post(&mut editor, &edit, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let stored = &store.budgets(item).await.unwrap()[0];
    assert_eq!(stored.fiscal_year, FiscalYear::new(2018).unwrap());
    let f = &stored.figures;
    assert_eq!(
        (f.funding.national, f.general_revenue, f.staff.hours, f.staff.hourly, f.staff.personnel, f.staff.total),
        (
            Some(Yen(3_000_000)),
            Some(Yen(3_385_000)),
            Hours::parse("1200"),
            Some(Yen(4_500)),
            Some(Yen(5_400_000)),
            Some(Yen(11_790_000))
        ),
        "the hourly cost is yen, the rest 千円"
    );
    let history = store.history(item).await.unwrap();
    assert!(
        history.iter().any(|h| h.field == "トータルコスト 平成30年度" && h.after.as_deref() == Some("11,790千円")),
        "the audit record names the line: {history:#?}"
    );

    let page = editor.get(&sheet).await;
    assert!(page.body.contains("11,785"), "the computed total beside the printed one");
    assert!(page.body.contains("計算値と不一致"));
    assert!(
        page.body.contains(
            "トータルコスト 11,790千円 は、事業費（決算額） 6,385千円 + 人件費 5,400千円 = 11,785千円 と一致しません"
        ),
        "the sheet's checks name both values"
    );

    // Back on 三鷹市's own kind: the form has no cost lines, the page still
    // shows them, and saving the budget keeps them.
    let mut tx = store.begin().await.unwrap();
    tx.disable_sheet_kind(MITAKA, "jimu").await.unwrap();
    tx.commit().await.unwrap();
    let form = editor.get(&edit).await;
    assert!(!form.body.contains("name=\"b.total_cost\""));
    let mut fields = form_fields(&form.body, "sheet-form");
    set(&mut fields, "b.settlement", "6,400");
    let r = post(&mut editor, &edit, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let after = &store.budgets(item).await.unwrap()[0].figures;
    assert_eq!(after.settlement, Some(Yen(6_400_000)));
    assert_eq!((&after.funding, &after.staff), (&f.funding, &f.staff), "lines the form does not show are kept");
    let page = editor.get(&sheet).await;
    assert!(page.body.contains("財源内訳・トータルコスト") && page.body.contains("11,800"), "6,400 + 5,400");

    // Published, the portal's item page and the open data carry them.
    let fy = FiscalYear::new(2018).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.set_fiscal_year(&FiscalYearRecord {
        municipality: MITAKA.into(),
        fiscal_year: fy,
        locked: true,
        deadline: None,
    })
    .await
    .unwrap();
    tx.publish_year(MITAKA, fy, None).await.unwrap();
    tx.commit().await.unwrap();
    let mut public = server.client();
    let page = public.get(&format!("/p/{MITAKA}/2018/items/{item}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("財源内訳とトータルコスト"), "{}", page.body);
    assert!(page.body.contains("1,200時間") && page.body.contains("11,790,000"), "printed total in yen");
    let csv = public.get(&format!("/p/{MITAKA}/2018/data/budgets?item={item}")).await;
    assert_eq!(csv.status, 200);
    let header = csv.body.lines().next().unwrap().to_string();
    assert!(
        header.trim_start_matches('\u{feff}').ends_with("トータルコスト（円）,トータルコスト（計算、円）"),
        "{header}"
    );
    assert!(csv.body.contains("11790000") && csv.body.contains("11800000"), "printed and computed: {}", csv.body);
}

#[tokio::test]
async fn a_citys_workbook_is_worked_on_next_year_in_its_own_words_and_published() {
    use crate::jimu_sheet;
    const MIHON: &str = "132080";
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&hyoka_store::Municipality { code: MIHON.into(), name: "見本市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    support::account(&store, "mihon-admin", Role::Admin, Some(MIHON), None).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("mihon-admin").await;

    // The workbook of 令和6年度 comes in through the city's mapping.
    let import = format!("/m/{MIHON}/admin/import");
    let book = jimu_sheet::xlsx(false);
    let files: &[(&str, &str, &[u8])] =
        &[("files", "jimu.xlsx", &book), ("files", "jimu.toml", jimu_sheet::MAPPING.as_bytes())];
    let r = admin.post_files(&import, &[], files).await;
    let token = r.location().unwrap_or_else(|| panic!("{}", r.body)).split("check=").nth(1).unwrap().to_string();
    let check = admin.get(r.location().unwrap()).await;
    assert!(check.body.contains("方向性の語 3件を、この市の言葉として保存します"), "{}", check.body);
    assert!(store.city_vocabulary(MIHON).await.unwrap().is_empty(), "nothing before confirming");
    let r = admin.post(&format!("{import}/confirm"), &[("token", &token)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(store.city_vocabulary(MIHON).await.unwrap().directions.len(), 3);
    let vocabulary = admin.get(&format!("/m/{MIHON}/admin/vocabulary")).await;
    assert!(vocabulary.body.contains("２　改革改善（縮小・統合含む） = なし"), "{}", vocabulary.body);

    // The city works on the 事務事業評価シート; 令和7年度 opens.
    let mut tx = store.begin().await.unwrap();
    tx.set_sheet_layout(MIHON, "jimu", &BTreeMap::new()).await.unwrap();
    tx.commit().await.unwrap();
    let opened = admin.post(&format!("/m/{MIHON}/admin/years/2025/open"), &[]).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let item = store.items(MIHON).await.unwrap().into_iter().find(|i| i.title == "子育て支援事業").unwrap().id;
    let section = store.sheet_section_ids(item).await.unwrap()[0];
    support::account(&store, "mihon-editor", Role::Editor, Some(MIHON), Some(section)).await;
    let mut editor = server.signed_in("mihon-editor").await;
    let sheet = format!("/m/{MIHON}/sheets/{item}/2025");
    let edit = format!("{sheet}/edit");
    let form = editor.get(&edit).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body.contains("財源内訳・トータルコスト") && form.body.contains("name=\"b.total_cost\""),
        "{}",
        form.body
    );
    // The plan part came along from 令和6年度; the directions are the city's words.
    assert!(form.body.contains("value=\"１　現状維持\""), "the city's words are offered: {}", form.body);
    let mut fields = form_fields(&form.body, "sheet-form");
    set(&mut fields, "d.dir", "1 現状維持");
    set(&mut fields, "b.settlement", "11,800");
    set(&mut fields, "b.staff_hours", "1,000");
    set(&mut fields, "b.hourly_cost", "4,000");
    set(&mut fields, "b.personnel_cost", "4,000");
    set(&mut fields, "b.total_cost", "15,800");
    let r = post(&mut editor, &edit, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let d = store.next_direction_for(item, FiscalYear::new(2025).unwrap()).await.unwrap().unwrap();
    assert_eq!(
        (d.printed.as_str(), d.direction),
        ("１　現状維持", Some(hyoka_core::NextDirection::Keep)),
        "stored as the city writes it, with the direction it stands for"
    );
    let form = editor.get(&edit).await;
    assert!(form.body.contains("value=\"１　現状維持\" checked"), "shown chosen again");

    // The printed sheet follows the 事務事業評価シート: its parts, the cost
    // table with the computed lines, the direction in the city's word.
    let pdf = editor.get(&format!("{sheet}/print/pdf")).await;
    assert_eq!(pdf.status, 200);
    let text = crate::report_support::pdftotext(&pdf.bytes);
    for part in [
        "事務事業評価シート",
        "対象（誰・何を）",
        "財源内訳・トータルコスト",
        "トータルコスト（計算: 事業費 + 人件費）",
        "総合評価",
        "現状維持",
    ] {
        assert!(text.contains(part), "{part} is printed:\n{text}");
    }
    assert!(text.contains("15,800") && text.contains("4,000"), "{text}");

    // Both years locked and published, the portal shows the project's history.
    for year in [2024, 2025] {
        for step in ["lock", "publish"] {
            let r = admin.post(&format!("/m/{MIHON}/admin/years/{year}/{step}"), &[("confirm", "yes")]).await;
            assert_eq!(r.status, 303, "{year} {step}: {}", r.body);
        }
    }
    let mut public = server.client();
    let page = public.get(&format!("/p/{MIHON}/2025/items/{item}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("１　現状維持"), "{}", page.body);
    assert!(page.body.contains("15,800,000") && page.body.contains("1,000時間"), "{}", page.body);
    assert!(
        page.body.contains("令和6年度") && page.body.contains("令和7年度"),
        "the history of both years: {}",
        page.body
    );
    // 令和6年度's page still says what the workbook printed.
    let before = public.get(&format!("/p/{MIHON}/2024/items/{item}")).await;
    assert!(
        before.body.contains("２　改革改善（縮小・統合含む）") && before.body.contains("１，３１０"),
        "{}",
        before.body
    );
}
