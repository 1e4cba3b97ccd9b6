//! The sheet pages over real HTTP on the test backend: my sheets, the view
//! in the city's layout, editing with history, conflicts, refusals,
//! pasted text, inline markup, warnings and the live judgement.

use crate::support;

use hyoka_core::access::Role;
use hyoka_core::narrative::Block;
use hyoka_core::org::Validity;
use hyoka_core::workflow::SheetStatus;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, ValueRole};
use hyoka_store::testing::TestDb;
use hyoka_store::{FiscalYearRecord, NewIndicator, Store};

const MITAKA: &str = "132047";
const MISHIMA: &str = "222062";

fn fy2018() -> FiscalYear {
    FiscalYear::new(2018).unwrap()
}

struct Seeded {
    /// 企-1 of 三鷹市 (企画部).
    item: i64,
    /// An item of 三島市 with a schedule and staff hours.
    mishima_item: i64,
    /// An indicator added to 企-1: target 100件, actual 80件 in FY2018.
    indicator: i64,
}

/// 三鷹市's 個別事業評価表 and 三島市's 行政評価表 as published, an
/// indicator on 企-1, a second section in 三鷹市, and one account per role.
async fn seed(store: &Store) -> Seeded {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/");
    let mut batches = Vec::new();
    for file in ["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt"] {
        let text = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
        let (_, batch) = hyoka_import::read_published(file, &text).unwrap();
        batches.push((file.to_string(), batch));
    }
    hyoka_import::apply(store, &batches, false).await.unwrap();

    let kikaku = store.section_id(MITAKA, "企画部", "").await.unwrap();
    let mishima_section = store.section_id(MISHIMA, "企画戦略部", "情報政策課").await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let other = tx.upsert_section(MITAKA, "総務部", "防災課", Validity::default()).await.unwrap();
    let item = tx.item_id(MITAKA, "mitaka-dept-policy-2018/企-1").await.unwrap();
    let indicator = tx
        .upsert_indicator(
            MITAKA,
            &NewIndicator {
                key: "test:ebpm".into(),
                name: "データ活用研修の受講者数".into(),
                kind: IndicatorKind::Activity,
                definition: None,
                unit: Some("人".into()),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("achievement".into()),
                item_id: Some(item),
                node_id: None,
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    tx.set_indicator_value(indicator, fy2018(), ValueRole::Target, &IndicatorCell::parse("100人")).await.unwrap();
    tx.set_indicator_value(indicator, fy2018(), ValueRole::Actual, &IndicatorCell::parse("80人")).await.unwrap();
    tx.commit().await.unwrap();

    let mishima_items = store.items(MISHIMA).await.unwrap();
    let mut mishima_item = None;
    for i in &mishima_items {
        if store.schedule(i.id).await.unwrap().iter().any(|r| r.hours_regular.is_some()) {
            mishima_item = Some(i.id);
            break;
        }
    }

    support::account(store, "editor", Role::Editor, Some(MITAKA), Some(kikaku)).await;
    support::account(store, "head", Role::Head, Some(MITAKA), Some(kikaku)).await;
    support::account(store, "other-editor", Role::Editor, Some(MITAKA), Some(other)).await;
    support::account(store, "viewer", Role::Viewer, Some(MITAKA), None).await;
    support::account(store, "admin", Role::Admin, Some(MITAKA), None).await;
    support::account(store, "mishima-editor", Role::Editor, Some(MISHIMA), Some(mishima_section)).await;
    support::account(store, "system", Role::SystemAdmin, None, None).await;
    Seeded { item, mishima_item: mishima_item.expect("a 三島市 item with staff hours"), indicator }
}

fn sheet(item: i64) -> String {
    format!("/m/{MITAKA}/sheets/{item}/2018")
}

/// Decodes the entities maud writes.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    Some(unescape(&tag[at..at + tag[at..].find('"')?]))
}

/// The fields a browser would send for the form `id`: inputs, checked
/// radios, textareas and selected options.
pub(crate) fn form_fields(html: &str, id: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("id=\"{id}\"")).unwrap();
    let end = start + html[start..].find("</form>").unwrap();
    let form = &html[start..end];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..=tag_end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            if let Some(name) = attr(tag, "name") {
                if kind != "radio" || tag.contains(" checked") {
                    out.push((name, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap();
            let close = rest.find("</textarea>").unwrap();
            out.push((name, unescape(&rest[tag_end + 1..close])));
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let close = rest.find("</select>").unwrap();
            let options = &rest[tag_end + 1..close];
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| o[..o.find('>').unwrap()].contains(" selected"))
                .or_else(|| options.split("<option").nth(1))
                .map(|o| attr(&format!(" {o}"), "value").unwrap_or_default())
                .unwrap_or_default();
            out.push((name, chosen));
        }
        rest = &rest[1..];
    }
    out
}

pub(crate) fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    let f = fields.iter_mut().find(|(k, _)| k == name).unwrap_or_else(|| panic!("no field {name}"));
    f.1 = value.to_string();
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    &fields.iter().find(|(k, _)| k == name).unwrap_or_else(|| panic!("no field {name}")).1
}

/// Posts a form as `client`, with that client's own CSRF token.
pub(crate) async fn post(client: &mut support::Client, path: &str, fields: &[(String, String)]) -> support::Response {
    let refs: Vec<(&str, &str)> =
        fields.iter().filter(|(k, _)| k != "_csrf").map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.post(path, &refs).await
}

async fn narrative(store: &Store, item: i64, slot: &str) -> hyoka_core::Narrative {
    store.narratives(item).await.unwrap().into_iter().find(|n| n.slot == slot).map(|n| n.text).unwrap_or_default()
}

#[tokio::test]
async fn my_sheets_lists_own_section_only_for_an_editor() {
    let db = TestDb::new().await;
    let store = db.store().await;
    seed(&store).await;
    let server = support::spawn(store).await;

    let mut editor = server.signed_in("editor").await;
    let page = editor.get("/staff?fy=2018").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("企-1") && page.body.contains("企-12"), "the section's sheets");
    assert!(page.body.contains("未着手"));
    assert!(!page.body.contains("電子申請"), "no other city's items");
    let default = editor.get("/staff").await;
    assert!(default.body.contains("企-1"), "the latest year with the section's sheets is the default");

    let mut other = server.signed_in("other-editor").await;
    let page = other.get("/staff?fy=2018").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("企-1"), "another section's sheets are not listed");

    let mut viewer = server.signed_in("viewer").await;
    let page = viewer.get("/staff?fy=2018").await;
    assert!(page.body.contains("企-1") && page.body.contains("企-12"), "the whole city for a viewer");

    let mut system = server.signed_in("system").await;
    let r = system.get("/staff").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), Some("/system"));
    assert_eq!(viewer.get("/staff?fy=abc").await.status, 422);
}

#[tokio::test]
async fn the_view_renders_every_section_of_the_layout() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store).await;
    let mut viewer = server.signed_in("viewer").await;
    let page = viewer.get(&sheet(ids.item)).await;
    assert_eq!(page.status, 200);
    for heading in [
        "当初計画",
        "事業概要・事業量",
        "スケジュール",
        "指標",
        "中間評価",
        "事後評価",
        "予算執行",
        "評価",
        "今後の方向性",
    ] {
        assert!(page.body.contains(&format!(">{heading}<")), "{heading} missing");
    }
    assert!(page.body.contains("個別事業評価表") && page.body.contains("未着手"));
    assert!(page.body.contains("86.7%"), "the execution rate computed and printed");
    assert!(page.body.contains("データ活用研修の受講者数") && page.body.contains("未達成"));
    assert!(page.body.contains("/history"), "a link to the history");
    assert!(!page.body.contains("/edit\""), "a viewer gets no edit link");
    assert!(page.body.contains("提出・承認・審査") || page.body.contains("状態"), "the workflow panel");

    let mut editor = server.signed_in("editor").await;
    let page = editor.get(&sheet(ids.item)).await;
    assert!(page.body.contains(&format!("{}/edit", sheet(ids.item))), "an editor of the section may edit");

    // 三島市's layout: PDCA, schedule with staff hours and their total.
    let mut mishima = server.signed_in("mishima-editor").await;
    let page = mishima.get(&format!("/m/{MISHIMA}/sheets/{}/2018", ids.mishima_item)).await;
    assert_eq!(page.status, 200);
    for heading in ["行政評価表", "スケジュール表", "従事時間の合計", "今後の取組み方針", "事業費"]
    {
        assert!(page.body.contains(heading), "{heading} missing");
    }
}

#[tokio::test]
async fn editing_saves_records_history_and_moves_the_status() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let mut editor = server.signed_in("editor").await;
    let path = format!("{}/edit", sheet(ids.item));
    let form = editor.get(&path).await;
    assert_eq!(form.status, 200);
    let mut fields = form_fields(&form.body, "sheet-form");
    assert_eq!(get(&fields, "version"), "0");

    // Saving without a change moves 未着手 to 作成中 and changes no field.
    let r = post(&mut editor, &path, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let history = store.history(ids.item).await.unwrap();
    assert_eq!(history.len(), 1, "only the status: {history:?}");
    assert_eq!(history[0].field, "状態");
    assert_eq!((history[0].before.as_deref(), history[0].after.as_deref()), (Some("未着手"), Some("作成中")));

    let form = editor.get(&path).await;
    fields = form_fields(&form.body, "sheet-form");
    assert_eq!(get(&fields, "version"), "1");
    let narratives_before = store.narratives(ids.item).await.unwrap();
    set(&mut fields, "n.summary.0", "総括を書き直しました。\n- 論点データ集を発行");
    set(&mut fields, "b.settlement", "7,000");
    set(&mut fields, &format!("i.{}.2018.a", ids.indicator), "120人");
    set(&mut fields, "d.dir", "expand");
    set(&mut fields, "d.reason", "利用が伸びているため");
    set(&mut fields, "s.0.m1", "●");
    let r = post(&mut editor, &path, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), Some(format!("{}?saved=1", sheet(ids.item)).as_str()));

    let n = narrative(&store, ids.item, "summary").await;
    assert_eq!(
        n.blocks,
        vec![Block::Paragraph("総括を書き直しました。".into()), Block::List(vec!["論点データ集を発行".into()])]
    );
    let untouched = |rows: &[hyoka_core::sheet::NarrativeRow]| {
        rows.iter().filter(|r| r.slot != "summary").map(|r| r.text.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        untouched(&store.narratives(ids.item).await.unwrap()),
        untouched(&narratives_before),
        "others as stored"
    );
    let budget = store.budgets(ids.item).await.unwrap().into_iter().find(|b| b.fiscal_year == fy2018()).unwrap();
    assert_eq!(budget.figures.settlement.unwrap().yen(), 7_000_000);
    assert_eq!(budget.execution_rate_printed, None, "the printed 86.7% no longer holds");
    let j = store.judgements(ids.indicator).await.unwrap();
    assert_eq!(j[0].judgement.computed.as_deref(), Some("達成"), "judged again on save");
    let d = store.next_direction_for(ids.item, fy2018()).await.unwrap().unwrap();
    assert_eq!((d.printed.as_str(), d.reason.as_deref()), ("拡充", Some("利用が伸びているため")));
    let sched = store.schedule(ids.item).await.unwrap();
    assert_eq!(sched[0].months[1], "●");
    let s = store.sheet(ids.item, fy2018()).await.unwrap().unwrap();
    assert_eq!((s.status, s.version), (SheetStatus::Drafting, 2));

    let view = editor.get(&format!("{}?saved=1", sheet(ids.item))).await;
    assert!(view.body.contains("保存しました") && view.body.contains("総括を書き直しました。"));
    assert!(view.body.contains("95.0%"), "7,000 of 7,368");

    let history = editor.get(&format!("{}/history", sheet(ids.item))).await;
    assert_eq!(history.status, 200);
    for text in [
        "事業の総括（主管課）",
        "総括を書き直しました。",
        "決算額 平成30年度",
        "6,385千円",
        "7,000千円",
        "実績 平成30年度 データ活用研修の受講者数",
        "120人",
        "執行率（記載） 平成30年度",
        "拡充",
        "スケジュール 1行目 5月",
        "editor さん",
        "作成中",
    ] {
        assert!(history.body.contains(text), "history lacks {text}");
    }
    let newest = history.body.find("事業の総括（主管課）").unwrap();
    let oldest = history.body.rfind("未着手").unwrap();
    assert!(newest < oldest, "newest first");
    // Search finds the new text.
    let hits = store.search(MITAKA, "書き直し", 10).await.unwrap();
    assert!(hits.hits.iter().any(|h| h.item_id == ids.item));
}

#[tokio::test]
async fn a_stale_save_is_refused_with_both_versions_and_overwrites_nothing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let path = format!("{}/edit", sheet(ids.item));
    let mut first = server.signed_in("editor").await;
    let mut second = server.signed_in("head").await;
    let mut a = form_fields(&first.get(&path).await.body, "sheet-form");
    let mut b = form_fields(&second.get(&path).await.body, "sheet-form");

    set(&mut a, "n.summary.0", "先に保存した総括");
    assert_eq!(post(&mut first, &path, &a).await.status, 303);

    set(&mut b, "n.summary.0", "後から書いた総括");
    set(&mut b, "n.outcome_target.0", "後から書いた成果目標");
    let r = post(&mut second, &path, &b).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("他の人が先に保存しました。あなたの入力は失われていません。"));
    assert!(r.body.contains("先に保存した総括") && r.body.contains("後から書いた総括"), "both versions shown");
    assert!(r.body.contains("両方が変更"));
    assert_eq!(narrative(&store, ids.item, "summary").await.to_plain_text(), "先に保存した総括", "not overwritten");
    assert!(!narrative(&store, ids.item, "outcome_target").await.to_plain_text().contains("後から"));

    // The returned form keeps the second person's input and the new version.
    let again = form_fields(&r.body, "sheet-form");
    assert_eq!(get(&again, "version"), "1");
    assert_eq!(get(&again, "n.summary.0"), "後から書いた総括");
    assert_eq!(get(&again, "n.outcome_target.0"), "後から書いた成果目標");
    assert_eq!(post(&mut second, &path, &again).await.status, 303);
    assert_eq!(narrative(&store, ids.item, "summary").await.to_plain_text(), "後から書いた総括");

    // A change only the other person made is kept when the form comes back.
    let mut c = form_fields(&first.get(&path).await.body, "sheet-form");
    let mut d = form_fields(&second.get(&path).await.body, "sheet-form");
    set(&mut c, "n.overview.0", "概要は他の人が直した");
    assert_eq!(post(&mut first, &path, &c).await.status, 303);
    set(&mut d, "n.midyear.0", "上半期は私が直した");
    let r = post(&mut second, &path, &d).await;
    assert_eq!(r.status, 409);
    let merged = form_fields(&r.body, "sheet-form");
    assert_eq!(get(&merged, "n.overview.0"), "概要は他の人が直した");
    assert_eq!(get(&merged, "n.midyear.0"), "上半期は私が直した");
}

#[tokio::test]
async fn other_sections_and_other_cities_are_refused() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let path = format!("{}/edit", sheet(ids.item));
    let form = form_fields(&server.signed_in("editor").await.get(&path).await.body, "sheet-form");

    let mut other = server.signed_in("other-editor").await;
    assert_eq!(other.get(&sheet(ids.item)).await.status, 200, "every member of the city may read");
    assert_eq!(other.get(&path).await.status, 403);
    assert_eq!(post(&mut other, &path, &form).await.status, 403);
    let mut viewer = server.signed_in("viewer").await;
    assert_eq!(viewer.get(&path).await.status, 403);

    let mut mishima = server.signed_in("mishima-editor").await;
    for p in [sheet(ids.item), path.clone(), format!("{}/history", sheet(ids.item))] {
        assert_eq!(mishima.get(&p).await.status, 404, "{p}");
    }
    assert_eq!(post(&mut mishima, &path, &form).await.status, 404);
    // 三島市's own address with 三鷹市's item is not found either.
    assert_eq!(mishima.get(&format!("/m/{MISHIMA}/sheets/{}/2018", ids.item)).await.status, 404);
    assert_eq!(mishima.post(&format!("/m/{MITAKA}/judge"), &[("target", "1件"), ("actual", "1件")]).await.status, 404);
    assert!(store.history(ids.item).await.unwrap().is_empty(), "nothing was written");
}

#[tokio::test]
async fn a_submitted_sheet_or_a_locked_year_cannot_be_edited() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let path = format!("{}/edit", sheet(ids.item));
    let mut editor = server.signed_in("editor").await;
    let form = form_fields(&editor.get(&path).await.body, "sheet-form");

    let mut tx = store.begin().await.unwrap();
    let s = tx.sheet_for_update(ids.item, fy2018()).await.unwrap();
    assert!(tx.advance_sheet(s.id, 0, SheetStatus::Submitted, None).await.unwrap());
    tx.commit().await.unwrap();
    let r = editor.get(&path).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("提出済"));
    let mut late = form.clone();
    set(&mut late, "n.summary.0", "提出後に届いた入力");
    let r = post(&mut editor, &path, &late).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("提出後に届いた入力"), "the input comes back, not lost");
    assert!(!r.body.contains(">保存する<"), "but cannot be saved");
    assert!(!narrative(&store, ids.item, "summary").await.to_plain_text().contains("提出後"));
    let view = editor.get(&sheet(ids.item)).await;
    assert!(!view.body.contains(&format!("href=\"{path}\"")), "no edit link on a submitted sheet");

    // Returned: editable again; then the year is locked.
    let mut tx = store.begin().await.unwrap();
    let s = tx.sheet_for_update(ids.item, fy2018()).await.unwrap();
    assert!(tx.advance_sheet(s.id, s.version, SheetStatus::Returned, None).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(editor.get(&path).await.status, 200);
    let mut tx = store.begin().await.unwrap();
    tx.set_fiscal_year(&FiscalYearRecord {
        municipality: MITAKA.into(),
        fiscal_year: fy2018(),
        locked: true,
        deadline: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let r = editor.get(&path).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("確定"));
    let mut fresh = form.clone();
    set(&mut fresh, "version", "2");
    assert_eq!(post(&mut editor, &path, &fresh).await.status, 409);
    assert!(store.history(ids.item).await.unwrap().is_empty());
}

#[tokio::test]
async fn pasted_text_is_cleaned_and_inline_markup_renders_safely() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let path = format!("{}/edit", sheet(ids.item));
    let mut editor = server.signed_in("editor").await;
    let mut fields = form_fields(&editor.get(&path).await.body, "sheet-form");
    set(
        &mut fields,
        "n.summary.0",
        "\u{3000}本年度の取組\u{200B}は次のとおり。  \r\n\r\n・研修の実施\r\n●\t論点データ集\u{FEFF}の発行\r\n項目\t件数\t12件",
    );
    set(
        &mut fields,
        "n.overview.0",
        "<script>alert(1)</script> **重要** は[市HP](https://example.jp/?a=1&b=2)と[悪](javascript:alert(1))",
    );
    set(&mut fields, "d.reason", "<img src=x onerror=alert(1)>");
    assert_eq!(post(&mut editor, &path, &fields).await.status, 303);

    let n = narrative(&store, ids.item, "summary").await;
    assert_eq!(
        n.blocks,
        vec![
            Block::Paragraph("本年度の取組は次のとおり。".into()),
            Block::List(vec!["研修の実施".into(), "論点データ集の発行".into()]),
            Block::Paragraph("項目 件数 12件".into()),
        ]
    );
    let view = editor.get(&sheet(ids.item)).await;
    let body = &view.body;
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!body.contains("<script>alert"), "no script runs");
    assert!(body.contains("<strong>重要</strong>"));
    assert!(body.contains(r#"<a href="https://example.jp/?a=1&amp;b=2" rel="noopener noreferrer">市HP</a>"#));
    assert!(!body.contains("href=\"javascript"), "a javascript: link is text");
    assert!(body.contains("[悪](javascript:alert(1))"));
    assert!(body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // The form shows the markup as typed, escaped.
    let form = editor.get(&path).await;
    assert!(form.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; **重要**"));
}

#[tokio::test]
async fn numbers_that_disagree_are_warnings_not_refusals() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let path = format!("{}/edit", sheet(ids.item));
    let mut editor = server.signed_in("editor").await;
    let mut fields = form_fields(&editor.get(&path).await.body, "sheet-form");
    let judgement = format!("i.{}.2018.j", ids.indicator);
    let reason = format!("i.{}.2018.r", ids.indicator);

    // An override without a reason is sent back, naming the field.
    set(&mut fields, &judgement, "達成");
    set(&mut fields, "b.settlement", "abc");
    let r = post(&mut editor, &path, &fields).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("判定を上書きするときは、その理由を入力してください"));
    assert!(r.body.contains("「決算額 平成30年度」を金額として読み取れません"));
    assert!(r.body.contains("value=\"abc\""), "the input is kept");
    assert!(store.history(ids.item).await.unwrap().is_empty());

    set(&mut fields, &reason, "年度末に追加実施したため");
    set(&mut fields, "b.settlement", "8,000");
    let r = post(&mut editor, &path, &fields).await;
    assert_eq!(r.status, 303, "warnings never refuse a save");
    let view = editor.get(&sheet(ids.item)).await;
    assert!(view.body.contains("執行率が100%を超えています（108.6%）"), "8,000 of 7,368");
    assert!(view.body.contains("100%超"));
    assert!(view.body.contains("判定「達成」は、目標と実績から計算した「未達成」と異なります"));
    assert!(view.body.contains("年度末に追加実施したため"));
    let j = store.judgements(ids.indicator).await.unwrap();
    let declared = j[0].judgement.declared.clone().unwrap();
    assert_eq!((declared.label.as_str(), j[0].judgement.computed.as_deref()), ("達成", Some("未達成")));
    let form = editor.get(&path).await;
    assert!(form.body.contains("確認してください"), "the form shows the warnings too");
}

#[tokio::test]
async fn the_live_judgement_answers_json() {
    let db = TestDb::new().await;
    let store = db.store().await;
    seed(&store).await;
    let server = support::spawn(store).await;
    let mut viewer = server.signed_in("viewer").await;
    let judge = format!("/m/{MITAKA}/judge");
    let r = viewer
        .post(
            &judge,
            &[("direction", "higher"), ("vocabulary", "progress"), ("target", "1,285人"), ("actual", "1,279人")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.headers["content-type"].starts_with("application/json"));
    assert_eq!(r.body, r#"{"computed":"遅れ","warning":null}"#);
    let r = viewer
        .post(
            &judge,
            &[
                ("direction", "lower"),
                ("vocabulary", "achievement"),
                ("target", "577g/人日"),
                ("actual", "553.3g/人日"),
                ("stated", "未達成"),
            ],
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["computed"], "達成");
    assert!(v["warning"].as_str().unwrap().contains("未達成"));
    let r = viewer.post(&judge, &[("target", "30件"), ("actual", "31人")]).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["computed"].is_null() && v["warning"].as_str().unwrap().contains("単位"));
    // Without the CSRF token the request is refused.
    let r = viewer.post(&judge, &[("_csrf", "wrong"), ("target", "1件"), ("actual", "1件")]).await;
    assert_eq!(r.status, 403);

    let js = server.get("/static/sheet.js").await;
    assert_eq!(js.status, 200);
    assert!(js.headers["content-type"].starts_with("application/javascript"));
    assert!(js.body.contains("x-csrf-token"));
}

#[tokio::test]
async fn schedules_and_staff_hours_are_edited_in_the_citys_layout() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    // 三島市 writes one 行政評価表 per 施策: the schedules of its 手段 and
    // projects are rows of that sheet.
    let measure = store.items(MISHIMA).await.unwrap().into_iter().find(|i| i.kind == "measure").unwrap();
    let path = format!("/m/{MISHIMA}/sheets/{}/2018/edit", measure.id);
    let mut editor = server.signed_in("mishima-editor").await;
    let form = editor.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("当該年度の実施計画(Plan)"), "三島市's PDCA headings, per 施策の方向");
    let mut fields = form_fields(&form.body, "sheet-form");
    let c = format!("c{}.", ids.mishima_item);
    let rows_before = store.schedule(ids.mishima_item).await.unwrap().len();
    // Fill the first spare row: a new planned row with hours.
    let spare = (0..).find(|i| get(&fields, &format!("{c}s.{i}.label")).is_empty()).unwrap();
    set(&mut fields, &format!("{c}s.{spare}.label"), "庁内研修の実施");
    set(&mut fields, &format!("{c}s.{spare}.m6"), "●");
    set(&mut fields, &format!("{c}s.{spare}.hr"), "100H");
    set(&mut fields, &format!("{c}s.0.hr"), "800H");
    let r = post(&mut editor, &path, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let rows = store.schedule(ids.mishima_item).await.unwrap();
    assert_eq!(rows.len(), rows_before + 1);
    let added = rows.iter().find(|r| r.label == "庁内研修の実施").unwrap();
    assert_eq!((added.months[6].as_str(), added.hours_regular.as_deref()), ("●", Some("100H")));
    let history = editor.get(&format!("/m/{MISHIMA}/sheets/{}/2018/history", measure.id)).await;
    assert!(history.body.contains("従事時間（正職員）") && history.body.contains("800H"), "{}", history.body);
}

/// Every sheet of the five seed documents renders in its city's layout, and
/// opening the form and saving it unchanged changes no field: imported text
/// survives the form as it is.
#[tokio::test]
async fn every_seed_sheet_renders_and_an_unchanged_save_changes_nothing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/seeds/");
    let mut batches = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            let (_, batch) = hyoka_import::read_published(&file, &std::fs::read_to_string(&path).unwrap()).unwrap();
            batches.push((file, batch));
        }
    }
    hyoka_import::apply(&store, &batches, false).await.unwrap();
    let server = support::spawn(store.clone()).await;
    for (city, layout_heading) in [
        (MITAKA, "個別事業評価表"),
        (MISHIMA, "行政評価表"),
        ("132110", "進捗状況調査票"),
        ("132136", "目標管理シート"),
    ] {
        let login = format!("admin-{city}");
        support::account(&store, &login, Role::Admin, Some(city), None).await;
        let mut admin = server.signed_in(&login).await;
        let list = admin.get("/staff").await;
        assert_eq!(list.status, 200);
        let items = store.items(city).await.unwrap();
        let kinds = store.sheet_plan(city).await.unwrap();
        for item in items.iter().filter(|i| i.fiscal_year.is_some()) {
            let fy = item.fiscal_year.unwrap().year();
            let view_path = format!("/m/{city}/sheets/{}/{fy}", item.id);
            let view = admin.get(&view_path).await;
            assert_eq!(view.status, 200, "{view_path}");
            // Each item in the layout of its kind; the city's main sheet
            // for an item of a kind without sheets.
            let layout = store.layout_for(item).await.unwrap();
            assert!(view.body.contains(&layout.name), "{view_path} in its layout {}", layout.name);
            if kinds.has_sheet(&item.kind) && layout.preset == hyoka_core::layout::default_preset_for(city) {
                assert!(view.body.contains(layout_heading), "{view_path}: {layout_heading}");
            }
            let edit = admin.get(&format!("{view_path}/edit")).await;
            assert_eq!(edit.status, 200, "{view_path}/edit");
            let fields = form_fields(&edit.body, "sheet-form");
            let r = post(&mut admin, &format!("{view_path}/edit"), &fields).await;
            assert_eq!(r.status, 303, "{view_path}: {}", r.body);
            let history = store.history(item.id).await.unwrap();
            let fields_changed: Vec<_> = history.iter().filter(|h| h.field != "状態").collect();
            assert!(fields_changed.is_empty(), "{view_path} changed on an unchanged save: {fields_changed:?}");
        }
    }
}

/// Two saves of the same version at the same moment: one wins, the other
/// is told, on both databases.
#[tokio::test]
async fn simultaneous_saves_never_both_win() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let path = format!("{}/edit", sheet(ids.item));
    let mut first = server.signed_in("editor").await;
    let mut second = server.signed_in("head").await;
    let mut a = form_fields(&first.get(&path).await.body, "sheet-form");
    let mut b = form_fields(&second.get(&path).await.body, "sheet-form");
    set(&mut a, "n.summary.0", "同時保存A");
    set(&mut b, "n.summary.0", "同時保存B");
    let (ra, rb) = tokio::join!(post(&mut first, &path, &a), post(&mut second, &path, &b));
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [303, 409]);
    let s = store.sheet(ids.item, fy2018()).await.unwrap().unwrap();
    assert_eq!(s.version, 1);
    let winner = if ra.status == 303 { "同時保存A" } else { "同時保存B" };
    assert_eq!(narrative(&store, ids.item, "summary").await.to_plain_text(), winner);
}

/// Submitted, returned with a reason, edited again: the form shows why it
/// came back, and saving makes it 作成中.
#[tokio::test]
async fn a_returned_sheet_shows_the_reason_and_becomes_drafting_again() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let base = sheet(ids.item);
    let mut editor = server.signed_in("editor").await;
    let mut head = server.signed_in("head").await;
    let r = editor.post(&format!("{base}/submit"), &[("version", "0"), ("back", "sheet"), ("comment", "")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(editor.get(&format!("{base}/edit")).await.status, 409, "submitted");
    let r = head
        .post(
            &format!("{base}/return"),
            &[("version", "1"), ("back", "sheet"), ("comment", "成果目標の数値を入れてください")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let form = editor.get(&format!("{base}/edit")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("差戻しの理由") && form.body.contains("成果目標の数値を入れてください"));
    let mut fields = form_fields(&form.body, "sheet-form");
    set(&mut fields, "n.outcome_target.0", "- 達成率60%以上");
    assert_eq!(post(&mut editor, &format!("{base}/edit"), &fields).await.status, 303);
    let s = store.sheet(ids.item, fy2018()).await.unwrap().unwrap();
    assert_eq!(s.status, SheetStatus::Drafting);
    let history = editor.get(&format!("{base}/history")).await;
    assert!(history.body.contains("差戻し") && history.body.contains("作成中") && history.body.contains("提出済"));
}

#[tokio::test]
async fn a_draft_cannot_change_the_targets_of_a_locked_later_year() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let fy2019 = FiscalYear::new(2019).unwrap();
    let plan = store.sheet_plan(MITAKA).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.set_indicator_value(ids.indicator, fy2019, ValueRole::Target, &IndicatorCell::parse("120人")).await.unwrap();
    assert!(tx.lock_year(MITAKA, fy2019, None, &plan).await.unwrap().is_some());
    tx.commit().await.unwrap();
    let server = support::spawn(store.clone()).await;
    let path = format!("{}/edit", sheet(ids.item));
    let mut editor = server.signed_in("editor").await;
    let form = editor.get(&path).await;
    let mut fields = form_fields(&form.body, "sheet-form");
    let locked_key = format!("i.{}.2019.t", ids.indicator);
    assert!(fields.iter().all(|(k, _)| *k != locked_key), "FY2019 is locked: its target is not a form field");
    assert!(form.body.contains("120人"), "but it is shown");

    // Even a hand-made request cannot write it.
    fields.push((locked_key, "999人".into()));
    set(&mut fields, &format!("i.{}.2018.a", ids.indicator), "90人");
    let r = post(&mut editor, &path, &fields).await;
    assert_eq!(r.status, 303);
    let values = store.indicator_values(ids.indicator).await.unwrap();
    let target_2019 = values.iter().find(|v| v.fiscal_year == fy2019 && v.role == ValueRole::Target).unwrap();
    assert_eq!(target_2019.cell.printed(), "120人");
    let actual_2018 = values.iter().find(|v| v.fiscal_year == fy2018() && v.role == ValueRole::Actual).unwrap();
    assert_eq!(actual_2018.cell.printed(), "90人", "the open year's cells are saved");
}

/// The slice of a page from the section headed `id` to the next section.
fn section_of<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
    let end = body[start..].find("</section>").map_or(body.len(), |e| start + e);
    &body[start..end]
}

/// 三島市's 施策 sheet on the staff pages: each 成果指標 with the 行政改革大綱
/// item it belongs to, as the print shows it, and the form's ※ notes on its
/// costs under the 事業費 (as printed), not among その他の記載; the edit
/// form has them there too, and saving it unchanged keeps them.
#[tokio::test]
async fn mishima_sheet_shows_reform_items_and_cost_notes_where_the_form_prints_them() {
    let db = TestDb::new().await;
    let store = db.store().await;
    seed(&store).await;
    let measure = store
        .items(MISHIMA)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.kind == "measure" && i.code == "48")
        .expect("施策 48")
        .id;
    let notes_before = store.narratives(measure).await.unwrap().iter().filter(|n| n.slot.starts_with("note:")).count();
    assert_eq!(notes_before, 4, "the seed's four ※ notes");
    let server = support::spawn(store.clone()).await;
    let mut editor = server.signed_in("mishima-editor").await;
    let path = format!("/m/{MISHIMA}/sheets/{measure}/2018");
    let page = editor.get(&path).await;
    assert_eq!(page.status, 200);

    let indicators = section_of(&page.body, "s-indicators");
    let reform = "【行政改革大綱における取組事項名】【24 eコミュニティまちづくり推進事業】";
    assert_eq!(indicators.matches(reform).count(), 2, "the SNS and portal indicators name it");
    let sns = indicators.find("三島市地域SNS利用者数").unwrap();
    let next = indicators[sns..].find("<h3").map_or(indicators.len(), |e| sns + e);
    assert!(indicators[sns..next].contains(reform), "under the SNS indicator's heading");

    let budget = section_of(&page.body, "s-budget");
    for note in
        ["※人件費、一般諸経費、交際費", "※予算費目表に再掲で表示されている事業は", "※赤字：補正・流用", "※繰越明許："]
    {
        assert!(budget.contains(note), "«{note}» under the 事業費");
    }
    if page.body.contains("id=\"others-heading\"") {
        assert!(!section_of(&page.body, "others-heading").contains("※人件費"), "not among その他の記載");
    }

    let edit = editor.get(&format!("{path}/edit")).await;
    assert_eq!(edit.status, 200);
    let budget = section_of(&edit.body, "s-budget");
    assert_eq!(budget.matches("<textarea").count(), 4, "each note is edited under the 事業費");
    assert!(budget.contains("※繰越明許："));
    assert!(section_of(&edit.body, "s-indicators").contains(reform));
    let fields = form_fields(&edit.body, "sheet-form");
    let r = post(&mut editor, &format!("{path}/edit"), &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let notes_after = store.narratives(measure).await.unwrap().iter().filter(|n| n.slot.starts_with("note:")).count();
    assert_eq!(notes_after, 4, "an unchanged save keeps them");
}

/// A city with 100,000 sections: the edit form and the accounts page list
/// at most 200 of them (the item's department first), so their size stays
/// bounded; a section beyond the list can still be given by its number.
#[tokio::test]
async fn forms_list_a_bounded_number_of_sections() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let ids = seed(&store).await;
    let server = support::spawn(store.clone()).await;
    let mut editor = server.signed_in("editor").await;
    let mut admin = server.signed_in("admin").await;
    let path = format!("{}/edit", sheet(ids.item));
    let (edit_before, accounts_before) =
        (editor.get(&path).await.body.len(), admin.get(&format!("/m/{MITAKA}/admin/accounts")).await.body.len());

    hyoka_store::testing::insert_sections(&store, MITAKA, "大量部", 100_000).await;
    let edit = editor.get(&path).await;
    assert_eq!(edit.status, 200);
    let options =
        edit.body.split("datalist id=\"transfer-sections\"").nth(1).unwrap().split("</datalist>").next().unwrap();
    assert_eq!(options.matches("<option").count(), hyoka_store::SECTION_CHOICES_MAX);
    assert!(options.contains("企画部"), "the item's department comes first");
    // 200 suggestions of some 30 bytes each, whatever the city's size.
    assert!(edit.body.len() < edit_before + 20_000, "{} → {} bytes", edit_before, edit.body.len());

    let accounts = admin.get(&format!("/m/{MITAKA}/admin/accounts")).await;
    assert_eq!(accounts.status, 200);
    assert!(accounts.body.contains("候補は最初の 200 課だけです"), "{}", accounts.body.len());
    // A list per account and the creation form: 7 lists of 200.
    assert!(
        accounts.body.len() < accounts_before + 7 * 200 * 60,
        "{} → {} bytes",
        accounts_before,
        accounts.body.len()
    );

    // The last section, far beyond the list, by its number.
    let last = store.section_id(MITAKA, "大量部", "課100000").await.unwrap();
    let fields = [("login", "far-editor"), ("display_name", "遠い課の担当者"), ("role", "editor")];
    let last = last.to_string();
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("section", &last));
    let r = admin.post(&format!("/m/{MITAKA}/admin/accounts"), &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("アカウント「far-editor」を作成しました"), "{}", r.body);
    let page = admin.get(&format!("/m/{MITAKA}/admin/accounts")).await;
    assert!(page.body.contains("大量部 課100000"), "the account's section is named");
}
