//! Search and "indicators at a glance", over real HTTP, on the test backend:
//! the five published documents imported, plus small hand-made cities for
//! exact cases (width folding, AND, `%` and `_`, script payloads).

use crate::support;

use hyoka_core::access::Role;
use hyoka_core::judgement::{Declared, Judgement};
use hyoka_core::narrative::{Block, Narrative};
use hyoka_core::sheet::NarrativeRow;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, ValueRole};
use hyoka_import::{apply, read_published};
use hyoka_store::testing::TestDb;
use hyoka_store::{Change, Municipality, NewIndicator, NewItem, Store};

const MITAKA: &str = "132047";
const MISHIMA: &str = "222062";

fn search_path(code: &str, q: &str) -> String {
    format!("/m/{code}/search?{}", serde_urlencoded::to_string([("q", q)]).unwrap())
}

/// The number in `N件見つかりました`, or 0 when nothing matched.
fn total(body: &str) -> usize {
    match body.find("件見つかりました") {
        Some(end) => {
            let start = body[..end].rfind(|c: char| !c.is_ascii_digit()).map_or(0, |i| i + 1);
            body[start..end].parse().unwrap()
        }
        None => {
            assert!(body.contains("見つかりませんでした"), "neither hits nor the no-hit message");
            0
        }
    }
}

async fn import_seeds(store: &Store) {
    let batches: Vec<_> = [
        "000_1a8dd8067da68eba.txt",
        "001_9b686f713a20fe01.txt",
        "002_f160ebe9d3a69d59.txt",
        "003_cdfef3ca57f45fe5.txt",
        "004_14ceec0f4c63a17a.txt",
    ]
    .iter()
    .map(|f| {
        let path = format!("{}/../../demo/seeds/{f}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        (f.to_string(), read_published(f, &text).unwrap_or_else(|e| panic!("{f}: {e}")).1)
    })
    .collect();
    apply(store, &batches, false).await.unwrap();
}

#[tokio::test]
async fn seeds_two_character_words_and_words_inside_sentences() {
    let db = TestDb::new().await;
    let store = db.store().await;
    import_seeds(&store).await;
    support::account(&store, "mitaka", Role::Viewer, Some(MITAKA), None).await;
    support::account(&store, "mishima", Role::Viewer, Some(MISHIMA), None).await;

    // The store: 予算 finds the 企-… project sheets of 平成30年度.
    let r = store.search(MITAKA, "予算", 200).await.unwrap();
    let codes: Vec<&str> = r.hits.iter().map(|h| h.code.as_str()).collect();
    assert!(codes.iter().any(|c| c.starts_with("企-")), "{codes:?}");
    assert_eq!(r.total, r.hits.len());
    let sheet = r.hits.iter().find(|h| h.code.starts_with("企-")).unwrap();
    assert_eq!(sheet.fiscal_year, Some(FiscalYear::new(2018).unwrap()));
    // 道路 finds the white paper's 施策 第3-1 安全で快適な道路の整備, title match first.
    let road = store.search(MITAKA, "道路", 200).await.unwrap();
    assert_eq!(road.hits[0].code, "第3-1", "{:?}", road.hits.iter().map(|h| &h.code).collect::<Vec<_>>());

    let server = support::spawn(store.clone()).await;
    let mut app = server.signed_in("mitaka").await;
    let page = app.get(&search_path(MITAKA, "予算")).await;
    assert_eq!(page.status, 200);
    assert!(total(&page.body) >= 3, "{}", page.body);
    assert!(page.body.contains("<mark>予算</mark>"), "matches are marked");
    assert!(page.body.contains(&format!("/m/{MITAKA}/items/{}", sheet.item_id)));
    assert!(
        page.body.contains(&format!("/m/{MITAKA}/sheets/{}/2018", sheet.item_id)),
        "a sheet with a fiscal year links to that year's sheet"
    );
    assert!(page.body.contains("平成30年度の調査票"));

    let page = app.get(&search_path(MITAKA, "道路")).await;
    assert!(page.body.contains("安全で快適な<mark>道路</mark>の整備"), "the title is marked too");

    // A word in the middle of a sentence: 債権 inside
    // 「三鷹市の適正な債権管理の推進に関する条例」の趣旨の普及と定着.
    let page = app.get(&search_path(MITAKA, "債権")).await;
    assert!(page.body.contains("企-1"), "{}", page.body);
    assert!(page.body.contains("適正な<mark>債権</mark>管理"));

    // Only the person's own city: ICT is a 三島市 word, and 三鷹市 data never
    // appears in 三島市's results.
    let mishima_hits = store.search(MISHIMA, "ICT", 200).await.unwrap();
    assert!(mishima_hits.total > 0);
    let mut mishima = server.signed_in("mishima").await;
    let own = mishima.get(&search_path(MISHIMA, "道路")).await;
    assert_eq!(own.status, 200);
    assert!(!own.body.contains("安全で快適な"), "no 三鷹市 item in 三島市's results");
    let other = mishima.get(&search_path(MITAKA, "道路")).await;
    assert_eq!(other.status, 404, "another city's search is not found");
    assert!(!other.body.contains("安全で快適な"));
    for h in store.search(MISHIMA, "事業", 500).await.unwrap().hits {
        assert_eq!(store.item(h.item_id).await.unwrap().municipality_code, MISHIMA);
    }

    // Full-width and half-width, upper and lower case are one.
    let a = mishima.get(&search_path(MISHIMA, "ＩＣＴ")).await;
    let b = mishima.get(&search_path(MISHIMA, "ict")).await;
    assert_eq!(total(&a.body), mishima_hits.total);
    assert_eq!(total(&b.body), mishima_hits.total);
    assert!(a.body.contains("<mark>ICT</mark>活用"), "the text is shown as written, the match marked");
}

struct Fixture {
    store: Store,
    budget: i64,
    both: i64,
    percent: i64,
    script: i64,
    indicator: i64,
}

fn narrative(label: &str, text: &str) -> NarrativeRow {
    NarrativeRow {
        fiscal_year: Some(FiscalYear::new(2018).unwrap()),
        slot: "overview".into(),
        label: label.into(),
        text: Narrative { blocks: vec![Block::Paragraph(text.into())] },
    }
}

/// 三鷹市 with four hand-made items, and 三島市 with one item that shares
/// every word, to prove the other city is never searched.
async fn fixture() -> (TestDb, Fixture) {
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: MITAKA.into(), name: "三鷹市".into() }).await.unwrap();
    tx.upsert_municipality(&Municipality { code: MISHIMA.into(), name: "三島市".into() }).await.unwrap();
    let item = |city: &'static str, key: &'static str, code: &'static str, title: &'static str| {
        let new = NewItem { key: key.into(), kind: "project".into(), code: code.into(), title: title.into() };
        (city, new)
    };
    let specs = [
        item(MITAKA, "budget", "企-1", "予算編成の見直し"),
        item(MITAKA, "both", "企-2", "道路の維持管理"),
        item(MITAKA, "percent", "企-3", "オープンデータの推進"),
        item(MITAKA, "script", "企-4", "<script>alert('x')</script>予算の公開"),
        item(MISHIMA, "other", "1", "予算と道路とＩＣＴと100%とopen_data"),
    ];
    let mut ids = Vec::new();
    for (city, new) in &specs {
        ids.push(tx.upsert_item(city, new).await.unwrap());
    }
    let fy = FiscalYear::new(2018).unwrap();
    let texts = [
        "当初予算を見直し、経常経費を削減しました。ＩＣＴを活用します。",
        "道路の補修に充てる予算を確保しました。",
        "データの公開率は100%です。ファイル名は open_data.csv です。",
        "<img src=x onerror=alert(1)>予算の<b>公開</b>を進めました。",
        "予算 道路 ICT 100% open_data",
    ];
    for (id, text) in ids.iter().zip(texts) {
        tx.set_item_details(*id, Some(fy), &[], None).await.unwrap();
        tx.replace_narratives(*id, &[narrative("事業概要", text)]).await.unwrap();
    }
    let indicator = tx
        .upsert_indicator(
            MITAKA,
            &NewIndicator {
                key: "pub".into(),
                name: "<script>x</script>公開データセット数".into(),
                kind: IndicatorKind::Outcome,
                definition: None,
                unit: Some("件".into()),
                direction: Direction::HigherIsBetter,
                vocabulary: Some("achievement".into()),
                item_id: Some(ids[2]),
                node_id: None,
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    let cells = [
        (2016, "100件", "90件"),
        (2017, "120件", ""),
        (2018, "140件", "—"),
        (2019, "160件", "170件"),
        (2020, "導入", "導入"),
    ];
    for (year, t, a) in cells {
        let fy = FiscalYear::new(year).unwrap();
        tx.set_indicator_value(indicator, fy, ValueRole::Target, &IndicatorCell::parse(t)).await.unwrap();
        if !a.is_empty() {
            tx.set_indicator_value(indicator, fy, ValueRole::Actual, &IndicatorCell::parse(a)).await.unwrap();
        }
    }
    // 平成28年度 printed 達成 against 90 of 100: flagged. 令和元年度 declared
    // 未達成 over the computed 達成, with a reason.
    tx.set_judgement(
        indicator,
        FiscalYear::new(2016).unwrap(),
        &Judgement { printed: Some("達成".into()), computed: Some("未達成".into()), declared: None },
    )
    .await
    .unwrap();
    tx.set_judgement(
        indicator,
        FiscalYear::new(2019).unwrap(),
        &Judgement {
            printed: None,
            computed: Some("達成".into()),
            declared: Some(Declared {
                label: "未達成".into(), reason: "集計方法の変更で<b>過大</b>のため".into()
            }),
        },
    )
    .await
    .unwrap();
    support::history_in(
        &mut tx,
        MITAKA,
        Some(ids[2]),
        Some(FiscalYear::new(2019).unwrap()),
        None,
        &[Change {
            field: "実績 令和元年度 <script>x</script>公開データセット数".into(),
            before: Some("160件".into()),
            after: Some("170件".into()),
        }],
    )
    .await;
    // 企-2 carried forward to 令和元年度: its sheets of both years are linked.
    tx.sheet_for_update(ids[1], FiscalYear::new(2019).unwrap()).await.unwrap();
    for id in &ids {
        tx.reindex_item(*id).await.unwrap();
    }
    tx.commit().await.unwrap();
    support::account(&store, "mitaka", Role::Viewer, Some(MITAKA), None).await;
    support::account(&store, "mishima", Role::Viewer, Some(MISHIMA), None).await;
    let f = Fixture { store, budget: ids[0], both: ids[1], percent: ids[2], script: ids[3], indicator };
    (db, f)
}

fn ids(r: &hyoka_store::SearchResults) -> Vec<i64> {
    let mut v: Vec<i64> = r.hits.iter().map(|h| h.item_id).collect();
    v.sort();
    v
}

#[tokio::test]
async fn terms_widths_and_wildcards() {
    let (_db, f) = fixture().await;
    let s = &f.store;
    // Two-character words, in titles and inside sentences.
    assert_eq!(ids(&s.search(MITAKA, "予算", 50).await.unwrap()), [f.budget, f.both, f.script]);
    assert_eq!(ids(&s.search(MITAKA, "道路", 50).await.unwrap()), [f.both]);
    assert_eq!(ids(&s.search(MITAKA, "経常経費", 50).await.unwrap()), [f.budget]);
    // Every term is required, whichever space separates them.
    assert_eq!(ids(&s.search(MITAKA, "予算 道路", 50).await.unwrap()), [f.both]);
    assert_eq!(ids(&s.search(MITAKA, "予算　道路", 50).await.unwrap()), [f.both]);
    assert!(s.search(MITAKA, "予算 存在しない語", 50).await.unwrap().hits.is_empty());
    // Full-width and half-width, upper and lower case.
    for q in ["ICT", "ＩＣＴ", "ict", "ｉｃｔ"] {
        assert_eq!(ids(&s.search(MITAKA, q, 50).await.unwrap()), [f.budget], "{q}");
    }
    // `%` and `_` are text, not wildcards.
    assert_eq!(ids(&s.search(MITAKA, "%", 50).await.unwrap()), [f.percent]);
    assert_eq!(ids(&s.search(MITAKA, "100%", 50).await.unwrap()), [f.percent]);
    assert_eq!(ids(&s.search(MITAKA, "_", 50).await.unwrap()), [f.percent]);
    assert_eq!(ids(&s.search(MITAKA, "open_data", 50).await.unwrap()), [f.percent]);
    assert!(s.search(MITAKA, "open%data", 50).await.unwrap().hits.is_empty());
    assert!(s.search(MITAKA, "予_", 50).await.unwrap().hits.is_empty());
    assert!(s.search(MITAKA, "\\", 50).await.unwrap().hits.is_empty());
    // Title matches come first.
    assert_eq!(s.search(MITAKA, "予算", 50).await.unwrap().hits[0].item_id, f.budget);
    // The limit cuts the list, not the count.
    let one = s.search(MITAKA, "予算", 1).await.unwrap();
    assert_eq!((one.total, one.hits.len()), (3, 1));
    // Nothing from the other city, although it has every word.
    for q in ["予算", "道路", "ICT", "100%", "open_data"] {
        for h in s.search(MITAKA, q, 50).await.unwrap().hits {
            assert_ne!(h.code, "1", "{q} found 三島市's item");
        }
    }
    assert!(s.search(MITAKA, "   ", 50).await.unwrap().hits.is_empty());
}

#[tokio::test]
async fn search_page_form_messages_and_isolation() {
    let (_db, f) = fixture().await;
    let server = support::spawn(f.store.clone()).await;

    // Signed out: to the login form, then back.
    let anon = server.get(&search_path(MITAKA, "予算")).await;
    assert!(anon.status == 303 || anon.status == 302 || anon.status == 307, "{}", anon.status);
    assert!(anon.location().unwrap_or_default().starts_with("/login"));

    let mut app = server.signed_in("mitaka").await;
    let empty = app.get(&format!("/m/{MITAKA}/search")).await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("<label for=\"search-q\">検索する語</label>"));
    assert!(empty.body.contains("type=\"search\"") && empty.body.contains("name=\"q\""));
    assert!(empty.body.contains("role=\"search\""));
    assert!(empty.body.contains("2文字の語も探せます"), "guidance for an empty query");
    assert!(!empty.body.contains("見つかりました"));

    let blank = app.get(&search_path(MITAKA, "　 ")).await;
    assert_eq!(blank.status, 200);
    assert!(blank.body.contains("2文字の語も探せます"));

    let none = app.get(&search_path(MITAKA, "存在しない語")).await;
    assert_eq!(none.status, 200);
    assert!(none.body.contains("「存在しない語」に一致するものは見つかりませんでした"));
    assert!(none.body.contains("value=\"存在しない語\""), "the query stays in the box");

    let both = app.get(&search_path(MITAKA, "予算 道路")).await;
    assert_eq!(total(&both.body), 1);
    assert!(both.body.contains(&format!("href=\"/m/{MITAKA}/items/{}\"", f.both)));
    let (y2019, y2018) = (format!("/sheets/{}/2019\"", f.both), format!("/sheets/{}/2018\"", f.both));
    assert!(both.body.find(&y2019).unwrap() < both.body.find(&y2018).unwrap(), "every year's sheet, newest first");
    assert!(both.body.contains("<mark>道路</mark>の補修に充てる<mark>予算</mark>を確保"), "{}", both.body);

    // 三島市's person cannot search 三鷹市, and sees only 三島市's item.
    let mut other = server.signed_in("mishima").await;
    let r = other.get(&search_path(MITAKA, "予算")).await;
    assert_eq!(r.status, 404);
    assert!(!r.body.contains("予算編成の見直し"));
    let own = other.get(&search_path(MISHIMA, "予算")).await;
    assert_eq!(total(&own.body), 1);
    assert!(!own.body.contains("予算編成の見直し"));
    assert_eq!(other.get(&search_path("999999", "予算")).await.status, 404);
}

#[tokio::test]
async fn script_payloads_render_inert_in_results_and_excerpts() {
    let (_db, f) = fixture().await;
    let server = support::spawn(f.store.clone()).await;
    let mut app = server.signed_in("mitaka").await;
    for q in ["予算", "公開", "<script>", "onerror", "<b>"] {
        let r = app.get(&search_path(MITAKA, q)).await;
        assert_eq!(r.status, 200, "{q}");
        assert!(!r.body.contains("<script>") && !r.body.contains("<img") && !r.body.contains("<b>"), "{q}: {}", r.body);
        assert!(r.body.contains(&format!("/items/{}", f.script)), "{q} finds the item with the payload");
    }
    let r = app.get(&search_path(MITAKA, "予算")).await;
    assert!(r.body.contains("&lt;script&gt;alert('x')&lt;/script&gt;<mark>予算</mark>の公開"), "{}", r.body);
    assert!(r.body.contains("&lt;img src=x onerror=alert(1)&gt;<mark>予算</mark>の&lt;b&gt;公開&lt;/b&gt;"));
    // A query that is itself a payload is shown as text in the box, the
    // heading and the marks.
    let r = app.get(&search_path(MITAKA, "<script>")).await;
    assert!(r.body.contains("「&lt;script&gt;」の検索結果"));
    assert!(r.body.contains("<mark>&lt;script&gt;</mark>"));
    assert!(r.body.contains("value=\"&lt;script&gt;\""));
}

#[tokio::test]
async fn indicator_page_shows_chart_table_and_judgement_history() {
    let (_db, f) = fixture().await;
    let server = support::spawn(f.store.clone()).await;
    let mut app = server.signed_in("mitaka").await;
    let r = app.get(&format!("/m/{MITAKA}/indicators/{}", f.indicator)).await;
    assert_eq!(r.status, 200);
    let body = &r.body;

    // The chart, inline, accessible, and inert.
    let svg = &body[body.find("<svg").expect("an inline chart")..body.find("</svg>").unwrap()];
    assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"indicator-trend-title\">"));
    assert!(svg.contains("&lt;script&gt;x&lt;/script&gt;公開データセット数の推移"));
    assert!(!body.contains("<script") && !body.contains("style="));
    assert!(svg.contains("class=\"series target\"") && svg.contains("class=\"series actual\""));
    assert!(svg.contains("令和2年度 目標「導入」（文字による記載）"), "a milestone is a note, not a point");
    let actual = &svg[svg.find("class=\"series actual\"").unwrap()..];
    let actual = &actual[..actual.find("</g>").unwrap()];
    assert_eq!(actual.matches("<circle").count(), 2, "90件 and 170件; the blank and the dash are gaps");

    // Beside it, the same numbers in a table.
    assert!(body.contains("<caption>年度別の目標と実績（記載どおりの表記）</caption>"));
    assert!(body.contains("<th scope=\"row\">平成28年度</th>"));
    for printed in ["100件", "90件", "120件", "140件", "—", "160件", "170件", "導入"] {
        assert!(body.contains(&format!(">{printed}<")), "{printed} printed as is");
    }

    // The judgement history: printed, computed and declared with reason.
    let history = &body[body.find("判定の履歴").unwrap()..];
    assert!(history.contains("計算と不一致"), "H28 printed 達成 against 90 of 100");
    assert!(history.contains("「達成」に対し、数値からは「未達成」"));
    assert!(history.contains("集計方法の変更で&lt;b&gt;過大&lt;/b&gt;のため"), "the reason, escaped");
    assert!(history.contains("<td>未達成</td>"), "the declared label");

    // Recorded changes to this indicator.
    assert!(body.contains("この指標の変更の記録"));
    assert!(body.contains("実績 令和元年度 &lt;script&gt;x&lt;/script&gt;公開データセット数"));

    // Phrases only (`再構築`, `導入`): the table, and no empty chart.
    let mut tx = f.store.begin().await.unwrap();
    let words = tx
        .upsert_indicator(
            MITAKA,
            &NewIndicator {
                key: "net".into(),
                name: "ネットワークの再構築".into(),
                kind: IndicatorKind::Activity,
                definition: None,
                unit: None,
                direction: Direction::Milestone,
                vocabulary: Some("achievement".into()),
                item_id: None,
                node_id: None,
                related_node_id: None,
            },
        )
        .await
        .unwrap();
    for (role, cell) in [(ValueRole::Target, "再構築"), (ValueRole::Actual, "再構築")] {
        tx.set_indicator_value(words, FiscalYear::new(2016).unwrap(), role, &IndicatorCell::parse(cell)).await.unwrap();
    }
    tx.commit().await.unwrap();
    let r = app.get(&format!("/m/{MITAKA}/indicators/{words}")).await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("<svg"));
    assert!(r.body.contains("グラフは表示していません") && r.body.contains(">再構築<"));
    assert!(r.body.contains("<td>達成</td>"), "a milestone reached is computed as 達成");

    // Another city's person gets nothing.
    let mut other = server.signed_in("mishima").await;
    assert_eq!(other.get(&format!("/m/{MITAKA}/indicators/{}", f.indicator)).await.status, 404);
    assert_eq!(other.get(&format!("/m/{MISHIMA}/indicators/{}", f.indicator)).await.status, 404);
}

#[tokio::test]
async fn seed_indicator_page_charts_the_white_paper() {
    let db = TestDb::new().await;
    let store = db.store().await;
    import_seeds(&store).await;
    support::account(&store, "mitaka", Role::Viewer, Some(MITAKA), None).await;
    let ind = store
        .indicators(MITAKA)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.name == "英語版ホームページのアクセス件数")
        .expect("the white paper's indicator");
    let server = support::spawn(store).await;
    let mut app = server.signed_in("mitaka").await;
    let r = app.get(&format!("/m/{MITAKA}/indicators/{}", ind.id)).await;
    assert_eq!(r.status, 200);
    for s in ["<svg", "基準値", "34,677件", "293,478件", "400,000件", ">H22<", ">R04<", "単位: 件"] {
        assert!(r.body.contains(s), "{s}");
    }
}
