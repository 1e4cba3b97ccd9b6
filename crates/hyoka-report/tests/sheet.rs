//! The print view of single sheets in each city's layout (seeds 000, 001,
//! 003, 004), as HTML, PDF and XLSX, on the test backend.

mod support;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use hyoka_core::narrative::Block as NBlock;
use hyoka_core::sheet::NarrativeRow;
use hyoka_core::text::squeeze;
use hyoka_core::{FiscalYear, Narrative};
use hyoka_report::sheet::{load_sheet, sheet_html, sheet_pdf, sheet_xlsx};
use hyoka_store::testing::TestDb;
use hyoka_store::Store;

const SEEDS: [&str; 4] =
    ["000_1a8dd8067da68eba.txt", "001_9b686f713a20fe01.txt", "003_cdfef3ca57f45fe5.txt", "004_14ceec0f4c63a17a.txt"];

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

async fn item_id(store: &Store, city: &str, code: &str, kind: Option<&str>) -> i64 {
    store
        .items(city)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.code == code && kind.is_none_or(|k| i.kind == k))
        .unwrap_or_else(|| panic!("{city} has no item {code}"))
        .id
}

async fn imported() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.store().await;
    support::import(&store, &SEEDS).await;
    (db, store)
}

/// Positions of `needles` in `hay`, each after the previous one.
fn in_order(hay: &str, needles: &[&str]) {
    let mut at = 0;
    for n in needles {
        let found = hay[at..].find(n).unwrap_or_else(|| panic!("«{n}» not found after byte {at}"));
        at += found + n.len();
    }
}

#[tokio::test]
async fn mitaka_project_sheet_in_its_layout() {
    let (_db, store) = imported().await;
    let id = item_id(&store, "132047", "企-1", None).await;
    let html = sheet_html(&store, id, fy(2018)).await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    assert!(html.contains("<title>平成30年度 個別事業評価表　企-1 "));
    // The layout's sections in its order, with the city's headings.
    in_order(
        &html,
        &[
            "<h2>当初計画</h2>",
            "<h2>スケジュール</h2>",
            "<h2>中間評価</h2>",
            "<h2>事後評価</h2>",
            "<h2>予算執行</h2>",
            "<h2>評価</h2>",
        ],
    );
    in_order(&html, &["事業概要・事業量", "成果目標", "上半期の実績・課題等", "事業の総括（主管課）"]);
    // Budget: 6,385 of 7,368 thousand yen is 86.7%, computed and as printed.
    assert!(html.contains(">7,368</td>") && html.contains(">6,385</td>"));
    assert!(html.contains(">86.7%</td>"));
    // The schedule runs April to March.
    in_order(&html, &[">4月</th>", ">9月</th>", ">12月</th>", ">3月</th>"]);
    // Each row is drawn as a bar across its months, planned and actual:
    // 論点データ集… from April up to September (6 months), then 発行（12月）.
    assert!(
        html.contains("<td colspan=\"6\" class=\"start bar-planned\">論点データ集、基礎用語事典策定作業</td><td class=\"start bar-planned\">発行（12月）</td>"),
        "the planned bar"
    );
    assert!(html.contains("class=\"start bar-actual\">データ活用研修</td>"), "the actual bar, its arrows gone");
    assert!(html.contains("帯は計画（薄い色・破線）と実績（濃い色）の期間です。"));
    // Grades with the city's printed scale legend.
    assert!(html.contains("S 計画以上 1 計画どおり 2 計画の7割未満 3 その他（取組方針の変更等）"));
    assert!(html.contains("1 重点的に取り組む 2 経常業務の一環として取り組む 3 見送ることとする"));
    assert!(html.contains(">計画どおり</td>"), "the meaning of grade 1 at year end");

    let view = load_sheet(&store, id, fy(2018)).await.unwrap();
    assert_eq!(view.layout.preset, "mitaka");
    let labels: Vec<String> = view.identification().into_iter().map(|(k, _)| k).collect();
    assert_eq!(labels[..3], ["事業名", "掲載No.", "担当"]);

    let text = support::pdf_text(&sheet_pdf(&store, id, fy(2018)).await.unwrap(), &view.title());
    in_order(&text, &["当初計画", "事業概要・事業量", "中間評価", "事後評価", "予算執行"]);
    // Every paragraph of the summary narrative is intact across line breaks.
    let summary = view.narratives.iter().find(|n| n.slot == "summary").expect("事業の総括");
    for line in summary.text.to_plain_text().lines() {
        assert!(text.contains(&squeeze(line)), "«{line}» is not intact in the PDF");
    }
}

#[tokio::test]
async fn each_city_gets_its_own_variant() {
    let (_db, store) = imported().await;
    let cases = [
        // The seed's head: 所属部, 所属課, 正職員数, その他職員数, 電話番号 (内線).
        (
            "222062",
            "48",
            2018,
            "mishima",
            "行政評価表",
            &["所属部", "所属課", "正職員数", "その他職員数", "電話番号 (内線)", "事業名"][..],
        ),
        ("132110", "No.4", 2017, "kodaira", "進捗状況調査票", &["取り組み項目", "主な推進担当課", "計画上の位置付け"]),
        ("132136", "経営政策部", 2019, "higashimurayama", "目標管理シート", &["部名"]),
    ];
    for (city, code, year, preset, name, labels) in cases {
        let items = store.items(city).await.unwrap();
        let item = items.iter().find(|i| i.code == code || i.title == code).unwrap_or_else(|| panic!("{city} {code}"));
        let view = load_sheet(&store, item.id, fy(year)).await.unwrap();
        assert_eq!(view.layout.preset, preset, "{city}");
        assert_eq!(view.layout.name, name);
        let got: Vec<String> = view.identification().into_iter().map(|(k, _)| k).take(labels.len()).collect();
        assert_eq!(got, labels, "{city}");
        let html = view.html();
        for s in &view.layout.sections {
            assert!(html.contains(&format!("<h2>{}</h2>", s.label)), "{city}: section {}", s.label);
        }
        // Opens as a workbook with labelled rows and no merged cells.
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(view.xlsx().unwrap())).expect("the workbook opens");
        assert!(book.sheet_names().iter().any(|n| n == "概要") && book.sheet_names().iter().any(|n| n == "評価"));
        let summary = book.worksheet_range("概要").unwrap();
        assert!(summary.rows().any(|r| r[0] == Data::String(labels[0].to_string())), "{city}");
        assert!(book.worksheet_merge_cells("概要").is_none_or(|r| r.is_ok_and(|m| m.is_empty())));
    }

    // 三島市: the 施策's sheet prints each 施策の方向's PDCA under its heading.
    let measure = item_id(&store, "222062", "48", Some("measure")).await;
    let html = sheet_html(&store, measure, fy(2018)).await.unwrap();
    in_order(&html, &["施策の方向の取組（PDCA）", "IV-7-48-(4) セキュリティ対策", "当該年度の実施計画(Plan)"]);
    // 小平市: the grades of 所管課 and 行革本部 with the S/A/B legend.
    let no4 = item_id(&store, "132110", "No.4", None).await;
    let html = sheet_html(&store, no4, fy(2017)).await.unwrap();
    in_order(&html, &["1次評価（所管課）", "2次評価（行革本部）"]);
    assert!(html.contains("S 年度当初の予定以上に進捗"));
    // 小平市's 工程表: a grid of its 実施内容 across the plan's four years.
    let no1 = load_sheet(&store, item_id(&store, "132110", "No.1", None).await, fy(2017)).await.unwrap();
    let years: Vec<String> = no1.roadmap_span().iter().map(|y| y.label()).collect();
    assert_eq!(years, ["平成29年度", "平成30年度", "令和元年度", "令和2年度"]);
    let html = no1.html();
    in_order(
        &html,
        &[
            "<caption class=\"visually-hidden\">工程表</caption>",
            ">実施内容</th>",
            ">平成29年度</th>",
            ">平成30年度</th>",
            ">令和元年度</th>",
            ">令和2年度</th>",
            ">・市民活動支援センターの活性化の実施</td>",
            ">・庁内研修等の啓発活動の実施</td>",
        ],
    );
    let text = support::pdf_text(&no1.pdf(), &no1.title());
    in_order(&text, &["実施内容", "市民活動支援"]);
    assert!(text.contains("令和2年度"));
    // The year columns hold what is planned (as printed) and, once entered, what was done.
    let mut no26 = load_sheet(&store, item_id(&store, "132110", "No.26", None).await, fy(2017)).await.unwrap();
    assert_eq!(no26.roadmap.len(), 1);
    let html = no26.html();
    in_order(&html, &[">・保育料の見直し</td>", ">検討</td>", ">→</td>", ">条例改正</td>", ">実施</td>"]);
    no26.roadmap[0].set(fy(2018), "→".into(), "条例改正案を作成".into());
    let html = no26.html();
    in_order(&html, &[">検討</td>", "計画: →", "実績: 条例改正案を作成", ">条例改正</td>"]);
    let text = support::pdf_text(&no26.pdf(), &no26.title());
    assert!(text.contains("条例改正案を作成"), "{text}");
    // 東村山市: A/B printed without a legend.
    // 東村山市: the 具体的な取り組み with the 部長's A/B, printed without a legend.
    let hm = load_sheet(&store, item_id(&store, "132136", "経営政策部", None).await, fy(2019)).await.unwrap();
    assert_eq!(hm.children.len(), 21, "the department's 21 objectives");
    let html = hm.html();
    in_order(&html, &["具体的な取り組み", "評価（部長）: A・B（凡例の記載なし）"]);
}

/// One objective row as seed 004 prints it: No., 課名, 総計・行革・その他,
/// 項目, 評価. Read from the seed's tab-separated rows, not from hyoka.
struct Objective {
    no: String,
    section: String,
    tags: Vec<String>,
    title: String,
    grade: String,
}

fn seed_objectives() -> Vec<Objective> {
    support::seed("004_14ceec0f4c63a17a.txt")
        .lines()
        .map(|l| l.split('\t').map(str::trim).collect::<Vec<_>>())
        .filter(|c| c.len() == 7 && c[0].chars().all(|d| d.is_ascii_digit()) && !c[0].is_empty())
        .map(|c| Objective {
            no: c[0].into(),
            section: c[1].into(),
            tags: c[2].split_whitespace().map(str::to_string).collect(),
            title: c[3].into(),
            grade: c[5].into(),
        })
        .collect()
}

/// 東村山市's 目標管理シート prints its objectives as one table, No. | 課名 |
/// 総計・行革・その他 | 項目 | 目標 | 評価 | 成果又は課題, on landscape A4,
/// each objective once, in the document's order; the same in the HTML, the
/// PDF and the year's workbook.
#[tokio::test]
async fn higashimurayama_objectives_print_as_the_citys_table() {
    let (_db, store) = imported().await;
    let seed = seed_objectives();
    assert_eq!(seed.len(), 21, "the seed's 21 objectives");
    let hm = load_sheet(&store, item_id(&store, "132136", "経営政策部", None).await, fy(2019)).await.unwrap();
    let header = ["No.", "課名", "総計・行革・その他", "項目", "目標", "評価", "成果又は課題"];

    let html = hm.html();
    let mut order = vec!["具体的な取り組み</caption>".to_string()];
    order.extend(header.iter().map(|h| format!(">{h}</th>")));
    for o in &seed {
        order.push(format!(">{}</td>", o.no));
        order.push(format!(">{}</td>", o.section));
        order.push(format!(">{}", o.tags[0]));
        order.push(format!(">{}", o.title.chars().take(8).collect::<String>()));
        order.push(format!(">{}</td>", o.grade));
    }
    in_order(&html, &order.iter().map(String::as_str).collect::<Vec<_>>());
    // Each objective's title once: no block repeating its number and title.
    for o in &seed {
        assert_eq!(html.matches(&format!(">{}</", o.title)).count(), 1, "{} printed once", o.title);
    }
    assert!(html.contains("size: A4 landscape"), "seven columns of text need landscape A4");

    // The PDF read back as laid out: cells are top-aligned, so a row's
    // first line holds the first line of each cell, left to right, and a
    // second tag (総計 行革) is the first word of the line below.
    let pdf = hm.pdf();
    let raw = support::pdftotext_layout(&pdf);
    let lines: Vec<Vec<String>> =
        raw.lines().map(|l| l.split_whitespace().map(squeeze).collect::<Vec<_>>()).filter(|l| !l.is_empty()).collect();
    let mut at = 0;
    for o in &seed {
        let head: String = squeeze(&o.title).chars().take(6).collect();
        let found = lines[at..]
            .iter()
            .position(|l| {
                l.len() > 5
                    && l[0] == o.no
                    && l[1] == o.section
                    && l[2] == o.tags[0]
                    && l[3].starts_with(&head)
                    && l[4..].contains(&o.grade)
            })
            .unwrap_or_else(|| {
                panic!("No.{} {} {:?} {} {}: no such row after line {at}", o.no, o.section, o.tags, o.title, o.grade)
            });
        at += found + 1;
        for tag in &o.tags[1..] {
            assert_eq!(lines[at].first(), Some(tag), "No.{}'s second tag under the first", o.no);
        }
    }
    assert_eq!(support::pdfinfo(&pdf).1, "841.89 x 595.28", "landscape A4");

    // The year's workbook: the sheet's form worksheet holds the same table.
    let book = hyoka_report::book::compile_book(
        &store,
        "132136",
        fy(2019),
        None,
        hyoka_core::JpDate::new(2026, 12, 5).unwrap(),
        &mut |_, _, _| {},
    )
    .await
    .unwrap();
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(book.xlsx().unwrap())).unwrap();
    let range = xlsx.worksheet_range(&book.worksheet_names()[1]).unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let head = rows.iter().position(|r| r.len() >= 7 && r[..7] == header).expect("the table's header row");
    let body: Vec<&Vec<String>> =
        rows[head + 1..].iter().filter(|r| r.first().is_some_and(|c| !c.is_empty())).collect();
    for (o, r) in seed.iter().zip(&body) {
        assert_eq!(r[0], o.no);
        assert_eq!(r[1], o.section);
        assert_eq!(r[2].split_whitespace().collect::<Vec<_>>(), o.tags);
        assert_eq!(squeeze(&r[3]), squeeze(&o.title));
        assert_eq!(r[5], o.grade, "No.{}", o.no);
    }
    assert!(body.len() >= seed.len(), "{} rows", body.len());
}

/// 三島市's 行政評価表 is one section's sheet for one 施策: the seed prints
/// the PDCA of each 施策の方向, 6 成果指標, the 活動指標 of each 手段 and the
/// projects' スケジュール表 on it, so the 施策's sheet gathers them from the
/// entries beneath it.
#[tokio::test]
async fn mishima_measure_sheet_holds_what_the_document_prints_on_it() {
    let (_db, store) = imported().await;
    let measure = item_id(&store, "222062", "48", Some("measure")).await;
    let view = load_sheet(&store, measure, fy(2018)).await.unwrap();

    let outcomes: Vec<&str> = view.indicators.iter().map(|i| i.record.name.as_str()).collect();
    assert_eq!(outcomes.len(), 6, "the 6 成果指標: {outcomes:?}");
    assert!(outcomes.contains(&"三島市地域SNS利用者数 (登録者数)"), "also one printed again as an activity indicator");
    assert!(view.indicators.iter().all(|i| i.owner.is_none()), "activity indicators are on their rows");

    // The rows: each 施策の方向 with its PDCA, each 手段 and project of the
    // 業務計画 with its 活動指標.
    let kinds = |k: &str| view.children.iter().filter(|c| c.item.kind == k).map(|c| c.heading()).collect::<Vec<_>>();
    let directions = kinds("measure_direction");
    for d in ["IV-7-48-(1) 総合的な情報化施策の推進", "IV-7-48-(5) 職員の知識・能力の向上"] {
        assert!(directions.iter().any(|x| x == d), "the PDCA of {d}: {directions:?}");
    }
    let activities: Vec<(&str, String)> = view
        .children
        .iter()
        .flat_map(|c| c.indicators.iter().map(move |i| (i.record.name.as_str(), c.item.title.clone())))
        .collect();
    assert!(activities.contains(&("電子申請可能手続数", "電子申請可能手続の拡充".into())), "{activities:?}");
    let schedule: Vec<&str> = view.schedule.iter().map(|s| s.label.as_str()).collect();
    assert!(schedule.contains(&"電子申請運営事業") && schedule.contains(&"セキュリティ対策事業"), "{schedule:?}");

    let text = support::pdf_text(&view.pdf(), &view.title());
    in_order(
        &text,
        &[
            "成果指標",
            "電子申請の年間利用件数",
            "施策の方向の取組",
            "IV-7-48-(2)",
            "インターネットによる市民サービスの向上",
            "業務計画",
            "電子申請可能手続の拡充",
            "電子申請可能手続数",
            "スケジュール表",
            "セキュリティ対策事業",
        ],
    );

    // 事業費: 繰越明許 is printed 「-」 in H28–H30; a dash prints as printed,
    // never as 0, and what the document leaves blank stays blank.
    let doc = view.document();
    let budget = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            hyoka_report::doc::Block::Table(t) if t.caption.as_deref().is_some_and(|c| c.starts_with("予算・決算")) => {
                Some(t)
            }
            _ => None,
        })
        .expect("the 事業費 table");
    let header: Vec<String> = budget.head[0].iter().map(|c| c.plain()).collect();
    let carried = header.iter().position(|h| h == "繰越明許").expect("a 繰越明許 column");
    let settled = header.iter().position(|h| h == "決算額").unwrap();
    let initial = header.iter().position(|h| h == "当初予算").unwrap();
    let rows: Vec<Vec<String>> = budget.body.iter().map(|r| r.iter().map(|c| c.plain()).collect()).collect();
    assert_eq!(rows.len(), 3, "H28, H29, H30 (R01 and R02 are blank): {rows:?}");
    for (row, settlement) in rows.iter().zip(["7,014", "4,982", "4,240"]) {
        assert_eq!(row[carried], "-", "繰越明許 as printed: {row:?}");
        assert_eq!(row[settled], settlement);
        assert_eq!(row[initial], "", "the document prints no 当初予算: blank, not 0");
    }
    assert!(text.contains("平成28年度7,2837,014-96.3%"), "the PDF prints the dash: {text:.0}");
    assert!(!text.contains("7,0140"), "never as 0");

    // A project's page keeps to its own part: no activity indicators of
    // other projects.
    let project = item_id(&store, "222062", "1", Some("project")).await;
    let view = load_sheet(&store, project, fy(2018)).await.unwrap();
    assert!(view.indicators.iter().all(|i| i.owner.is_none()), "a project gathers nothing from elsewhere");
}

#[tokio::test]
async fn nothing_from_the_data_becomes_markup() {
    let (_db, store) = imported().await;
    let id = item_id(&store, "132047", "企-1", None).await;
    let mut rows = store.narratives(id).await.unwrap();
    let evil = "<script>alert('x')</script><img src=x onerror=alert(1)> & 「続き」";
    rows.push(NarrativeRow {
        fiscal_year: Some(fy(2018)),
        slot: "summary".into(),
        label: "事業の総括（主管課）".into(),
        text: Narrative { blocks: vec![NBlock::Paragraph(evil.into()), NBlock::List(vec!["<b>太字</b>".into()])] },
    });
    let mut tx = store.begin().await.unwrap();
    tx.replace_narratives(id, &rows).await.unwrap();
    tx.commit().await.unwrap();
    let html = sheet_html(&store, id, fy(2018)).await.unwrap();
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"));
    assert!(html
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; 「続き」"));
    assert!(html.contains("<li>&lt;b&gt;太字&lt;/b&gt;</li>"));
    let xlsx = sheet_xlsx(&store, id, fy(2018)).await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
    let texts = book.worksheet_range("記述").unwrap();
    assert!(
        texts.rows().any(|r| r.iter().any(|c| c.to_string().contains("<script>alert('x')</script>"))),
        "kept as text"
    );
    let text = support::pdftotext(&sheet_pdf(&store, id, fy(2018)).await.unwrap());
    assert!(text.contains("<script>alert('x')</script>"), "printed as text");
}

/// 三鷹市 prints each 個別事業評価表 on one A4 portrait page: so does hyoka,
/// for every project sheet of the seed (企-1 … 企-12), without leaving out
/// any of the sheet's texts or its schedule rows.
#[tokio::test]
async fn mitaka_project_sheets_fit_one_page_as_the_city_prints_them() {
    let (_db, store) = imported().await;
    let mut schedules = 0;
    for n in 1..=12 {
        let code = format!("企-{n}");
        let view = load_sheet(&store, item_id(&store, "132047", &code, None).await, fy(2018)).await.unwrap();
        let pdf = view.pdf();
        let (pages, size) = support::pdfinfo(&pdf);
        assert_eq!(size, "595.28 x 841.89", "{code}: portrait A4");
        assert_eq!(pages, 1, "{code} prints on one page as the city's");
        let text = support::pdf_text(&pdf, &view.title());
        for n in view.narratives.iter().filter(|n| !n.text.is_empty()) {
            let plain = squeeze(&n.text.to_plain_text().replace('\n', ""));
            let tail: String = plain.chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
            assert!(text.contains(&tail), "{code}: the end of {} «{tail}» is printed", n.slot);
        }
        schedules += view.schedule.len();
        for row in &view.schedule {
            for word in row.label.split(|c: char| c.is_whitespace() || matches!(c, '←' | '→')).filter(|w| !w.is_empty())
            {
                assert!(
                    text.contains(&squeeze(word)),
                    "{code}: «{word}» of the schedule row «{}» is printed",
                    row.label
                );
            }
        }
    }
    assert!(schedules >= 20, "the sheets' schedule rows were checked: {schedules}");
    // The year's book: cover, contents, then a page per sheet.
    let book = hyoka_report::book::compile_book(
        &store,
        "132047",
        fy(2018),
        None,
        hyoka_core::JpDate::new(2026, 12, 5).unwrap(),
        &mut |_, _, _| {},
    )
    .await
    .unwrap();
    assert_eq!(book.sheets.len(), 12);
    assert_eq!(support::pdfinfo(&book.pdf()).0, 2 + 12, "one page per sheet in the book too");
}

/// 三島市's 行政評価表 prints, besides its tables: the 【行革取組項目】 of each
/// 施策の方向, each 手段's 今後の取組み方針 (維持, 終了) with its 事務移管, the
/// ホームページ運営事業 schedule row with its hours, the 事業費 of each 施策の方向
/// and the 所管する施策の方向一覧. Each is read back from the PDF against the
/// seed's text.
#[tokio::test]
async fn mishima_sheet_prints_every_part_of_the_citys_form() {
    let (_db, store) = imported().await;
    let seed = squeeze(&support::seed("001_9b686f713a20fe01.txt"));
    let measure = item_id(&store, "222062", "48", Some("measure")).await;
    let view = load_sheet(&store, measure, fy(2018)).await.unwrap();
    let text = support::pdf_text(&view.pdf(), &view.title());
    let found = |needles: &[&str]| {
        for n in needles {
            assert!(seed.contains(&squeeze(n)), "«{n}» is the seed's text");
        }
        let folded: Vec<String> = needles.iter().map(|n| squeeze(n)).collect();
        in_order(&text, &folded.iter().map(String::as_str).collect::<Vec<_>>());
    };
    // The head of the form: 所属部, 所属課, 正職員数, その他職員数, 電話番号.
    found(&[
        "所属部",
        "企画戦略部",
        "所属課",
        "情報政策課",
        "正職員数",
        "8人",
        "その他職員数",
        "1人",
        "055-971-4322",
        "成果指標",
    ]);
    assert!(!text.contains("その他の記載"), "the staff counts are in the head, not left over at the end");
    // 所管する施策の方向一覧, in the document's order, before the 成果指標.
    found(&[
        "所管する施策の方向一覧",
        "総合的な情報化施策の推進",
        "インターネットによる市民サービスの向上",
        "セキュリティ対策",
        "職員の知識・能力の向上",
        "成果指標",
    ]);
    // 【行革取組項目】 of IV-7-48-(2): plan, do, check, action.
    found(&[
        "インターネットによる市民サービスの向上",
        "【地域SNS】平成27年度末の大幅なリニューアルで充実した機能をPRし、利用者を増やす。",
        "【地域SNS】新機能や便利になったポイントを積極的にお知らせしていく。",
        "【地域SNS】市民活用状況把握のため利用者アンケートを実施した。",
        "【地域SNS】利用者アンケート結果を踏まえ、今後の継続性について検討する。",
    ]);
    // The sheet's own 【行革取組項目】 points to where they are.
    in_order(&text, &["【行革取組項目】", &squeeze("（IV-7-48-(2)に記載）")]);
    // 事業費 of a 施策の方向: (1) has none, (5) a re-listed budget line.
    found(&["総合的な情報化施策の推進", "なし"]);
    found(&["IT推進事業(施策48-(4)再掲) (01.02.01.14.020.02)"]);
    // The form's ※ notes on its costs, under the 事業費 table, in order.
    found(&[
        "事業費",
        "※人件費、一般諸経費、交際費、積立金、繰出金、出資金及び公債費は含まれておりません。",
        "※予算費目表に再掲で表示されている事業は",
        "※赤字：補正・流用により当初予算額から変更した予算額",
        "※繰越明許：年度内にその支出が終わらない見込みのあるもの",
    ]);
    // 今後の取組み方針 with its 事務移管, per 手段.
    found(&["IT推進本部会議の開", "維持", "H31広報広聴課へ事務移管"]);
    found(&["三島市地域SNSの利", "終了", "H30広報広聴課から事務移", "H31広報広"]);
    found(&["三島市民ポータルサイ", "維持", "H30広報広聴課から事務移"]);
    // The ホームページ運営事業 row of the スケジュール表 and its staff hours.
    found(&["スケジュール表", "ホームページ運営事業", "ホームページ用機器等の管理"]);
    in_order(&text, &["従事見込時間数", "ホームページ運営事業280H"]);
    // 【行政改革大綱における取組事項名】: the column's heading, and the 行政改革大綱
    // item under each 成果指標 that belongs to it (and under no other).
    found(&[
        "成果指標",
        "【行政改革大綱における取組事項名】",
        "オープンデータの公開数",
        "三島市地域SNS利用者数 (登録者数)",
    ]);
    let reform = squeeze("【24 eコミュニティまちづくり推進事業】");
    for (name, unit) in
        [("三島市地域SNS利用者数 (登録者数)", "（人）"), ("三島市市民ポータルサイト の登録団体数", "（団体）")]
    {
        let at = text.find(&squeeze(name)).unwrap_or_else(|| panic!("«{name}» is printed"));
        let after = &text[at + squeeze(name).len()..];
        assert!(
            after.starts_with(&format!("{}{reform}", squeeze(unit))),
            "the reform item in the name's cell, after its unit: «{name}» {after:.80}"
        );
    }
    let other = squeeze("電子申請の年間利用件数（件）");
    let at = text.find(&other).expect("an indicator that names no reform item");
    assert!(!text[at + other.len()..].starts_with('【'), "nothing is invented for it");
    // The workbook: a column of its own beside the indicator's name.
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(view.xlsx().unwrap())).unwrap();
    let rows: Vec<Vec<String>> =
        book.worksheet_range("指標").unwrap().rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][..3], ["指標", "行政改革大綱における取組事項名", "単位"]);
    let named = |name: &str| rows.iter().find(|r| r[0] == name).map(|r| r[1].clone());
    assert_eq!(named("三島市地域SNS利用者数 (登録者数)").as_deref(), Some("24 eコミュニティまちづくり推進事業"));
    assert_eq!(named("三島市市民ポータルサイトの登録団体数").as_deref(), Some("24 eコミュニティまちづくり推進事業"));
    assert_eq!(named("電子申請の年間利用件数").as_deref(), Some(""), "an indicator that names none");
}
