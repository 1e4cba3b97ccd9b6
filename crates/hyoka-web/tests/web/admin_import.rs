//! Bringing data in from the browser, over real HTTP on the test backend:
//! the canonical workbook downloaded, edited cell by cell (read with
//! calamine, saved with rust_xlsxwriter, as a spreadsheet re-saves it),
//! uploaded; the dry run shown as a diff with before and after while
//! nothing is written; confirmed, stored and audited. A broken file names
//! sheet, row and column; a change to a locked year is refused with its
//! list; data changed since the check is refused with 409; another city's
//! admin, a viewer and a form without its CSRF token are refused. A city's
//! own workbook comes in with its mapping, which is kept for next year.

use std::io::{Cursor, Write};

use calamine::{Data, Reader, Xlsx};
use hyoka_app::import::ImportBatches;
use hyoka_app::{Actor, App};
use hyoka_core::access::Role;
use hyoka_core::FiscalYear;
use hyoka_store::testing::TestDb;
use hyoka_store::{Municipality, Store};

use crate::support;
use support::{Client, Response, TestServer};

const KODAIRA: &str = "132110";
const SEED: &str = "003_cdfef3ca57f45fe5.txt";

struct City {
    _db: TestDb,
    store: Store,
    server: TestServer,
}

fn operator() -> Actor {
    Actor::Operator { name: "テストの準備".into() }
}

fn seed_text() -> String {
    std::fs::read_to_string(format!("{}/../../demo/seeds/{SEED}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// 小平市 imported from its published survey, its admin and a viewer, and
/// 三鷹市's admin.
async fn kodaira() -> City {
    let db = TestDb::new().await;
    let store = db.store().await;
    let batch = hyoka_import::read_published(SEED, &seed_text()).unwrap().1;
    App::new(store.clone()).run(&operator(), ImportBatches::new(vec![(SEED.into(), batch)], false)).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: "132047".into(), name: "三鷹市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    support::account(&store, "kodaira-admin", Role::Admin, Some(KODAIRA), None).await;
    support::account(&store, "kodaira-viewer", Role::Viewer, Some(KODAIRA), None).await;
    support::account(&store, "mitaka-admin", Role::Admin, Some("132047"), None).await;
    let server = support::spawn(store.clone()).await;
    City { _db: db, store, server }
}

/// A cell as text, as the workbook shows it (`2017`, not `2017.0`).
fn text_of(d: &Data) -> String {
    match d {
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// One edit of a sheet: in the first data row whose `match_column` reads
/// `matching`, `column` becomes `value`.
struct Edit<'a> {
    sheet: &'a str,
    match_column: &'a str,
    matching: &'a str,
    column: &'a str,
    value: &'a str,
}

/// The workbook re-saved with the edits, every other cell as it was read
/// (texts as texts, numbers as numbers), sheets in their order.
fn edit_workbook(bytes: &[u8], edits: &[Edit<'_>]) -> Vec<u8> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let mut done = vec![false; edits.len()];
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let sheet = out.add_worksheet();
        sheet.set_name(&name).unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let header: Vec<String> = rows.first().map(|r| r.iter().map(text_of).collect()).unwrap_or_default();
        let col = |n: &str| header.iter().position(|h| h == n).unwrap_or_else(|| panic!("{name} has no column {n}"));
        let mut rows = rows;
        for (i, e) in edits.iter().enumerate().filter(|(_, e)| e.sheet == name) {
            let (m, c) = (col(e.match_column), col(e.column));
            let row = rows.iter_mut().skip(1).find(|r| r.get(m).map(text_of).as_deref() == Some(e.matching));
            let row = row.unwrap_or_else(|| panic!("{name}: no row with {} = {}", e.match_column, e.matching));
            row[c] = Data::String(e.value.to_string());
            done[i] = true;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::Empty => {}
                    Data::Float(f) => drop(sheet.write_number(r, c, *f).unwrap()),
                    Data::Int(n) => drop(sheet.write_number(r, c, *n as f64).unwrap()),
                    Data::Bool(b) => drop(sheet.write_boolean(r, c, *b).unwrap()),
                    other => drop(sheet.write_string(r, c, text_of(other)).unwrap()),
                }
            }
        }
    }
    assert!(done.iter().all(|d| *d), "every edit found its row");
    out.save_to_buffer().unwrap()
}

async fn exported(admin: &mut Client) -> Vec<u8> {
    let x = admin.get(&format!("/m/{KODAIRA}/admin/export.xlsx")).await;
    assert_eq!(x.status, 200);
    x.bytes
}

/// The token of the check a redirect leads to.
fn token_of(r: &Response) -> String {
    assert_eq!(r.status, 303, "{}", r.body);
    let l = r.location().unwrap();
    assert!(l.starts_with(&format!("/m/{KODAIRA}/admin/import?check=")), "{l}");
    l.split("check=").nth(1).unwrap().to_string()
}

async fn title_of(store: &Store, code: &str) -> String {
    let city = hyoka_import::load_city(store, KODAIRA).await.unwrap();
    city.items.iter().find(|i| i.code == code).unwrap_or_else(|| panic!("item {code}")).title.clone()
}

fn title_edit(value: &str) -> Edit<'_> {
    Edit { sheet: "items", match_column: "code", matching: "No.1", column: "title", value }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_workbook_is_checked_shown_as_a_diff_then_confirmed_and_audited() {
    let city = kodaira().await;
    let mut admin = city.server.signed_in("kodaira-admin").await;
    let base = format!("/m/{KODAIRA}/admin");

    let dashboard = admin.get(&base).await;
    assert!(dashboard.body.contains(&format!("href=\"{base}/import\"")), "the admin menu links the page");
    let page = admin.get(&format!("{base}/import")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("enctype=\"multipart/form-data\"") && page.body.contains("type=\"file\""));

    let old = title_of(&city.store, "No.1").await;
    let new = "市民協働の推進（令和の見直し）";
    let book = edit_workbook(&exported(&mut admin).await, &[title_edit(new)]);
    let events = city.store.audit_event_count().await.unwrap();
    let r = admin.post_files(&format!("{base}/import"), &[], &[("files", "hyoka-132110.xlsx", &book)]).await;
    let token = token_of(&r);

    // The check: before and after, the counts, the file; nothing written.
    let check = admin.get(r.location().unwrap()).await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert!(check.body.contains("確認結果（まだ何も書き込んでいません）"), "{}", check.body);
    assert!(check.body.contains("hyoka-132110.xlsx") && check.body.contains("KB"), "the file and its size");
    let clipped: String = old.chars().take(30).collect();
    assert!(check.body.contains(&format!("「{clipped}")), "before: {old}\n{}", check.body);
    assert!(check.body.contains(&format!("「{new}」")), "after: {new}");
    assert!(check.body.contains("<td>変更</td>") && check.body.contains("件数"), "{}", check.body);
    assert!(check.body.contains(&format!("action=\"{base}/import/confirm\"")), "the confirm button");
    assert_eq!(title_of(&city.store, "No.1").await, old, "nothing written before confirming");
    assert_eq!(city.store.audit_event_count().await.unwrap(), events);

    // Without its CSRF token the confirmation is refused.
    let r = admin.post_raw(&format!("{base}/import/confirm"), &[("token", &token)]).await;
    assert_eq!(r.status, 403);
    // The same admin in another session does not find this check.
    let mut elsewhere = city.server.signed_in("kodaira-admin").await;
    let r = elsewhere.post(&format!("{base}/import/confirm"), &[("token", &token)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("確認結果が見つかりません"));
    assert_eq!(title_of(&city.store, "No.1").await, old);

    // Confirmed: stored, one audit event by the admin.
    let r = admin.post(&format!("{base}/import/confirm"), &[("token", &token)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("取り込みました"), "{}", r.body);
    assert_eq!(title_of(&city.store, "No.1").await, new);
    assert_eq!(city.store.audit_event_count().await.unwrap(), events + 1);
    let event = &city.store.audit_events(Some(KODAIRA), 1).await.unwrap()[0];
    assert_eq!((event.event.command.as_str(), event.event.actor.as_str()), ("import", "kodaira-admin さん"));
    assert_eq!(event.event.summary, "取り込み: hyoka-132110.xlsx");
    assert!(event.changes >= 1);
    let dashboard = admin.get(&base).await;
    assert!(dashboard.body.contains("取り込み 小平市"), "in the admin's history: {}", dashboard.body);
    // A token is used once.
    let r = admin.post(&format!("{base}/import/confirm"), &[("token", &token)]).await;
    assert_eq!(r.status, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_set_as_one_zip_is_checked_and_data_changed_since_the_check_is_refused() {
    let city = kodaira().await;
    let mut admin = city.server.signed_in("kodaira-admin").await;
    let base = format!("/m/{KODAIRA}/admin");
    let old = title_of(&city.store, "No.1").await;

    let (batch, _) =
        hyoka_import::canonical::read_canonical(&[("x.xlsx", exported(&mut admin).await.as_slice())]).unwrap();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in hyoka_import::canonical::csv_files(&batch, true).unwrap() {
        let bytes = if name == "items.csv" {
            String::from_utf8(bytes).unwrap().replacen(&old, "CSVで直した名前", 1).into_bytes()
        } else {
            bytes
        };
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    let zip = zip.finish().unwrap().into_inner();
    let r = admin.post_files(&format!("{base}/import"), &[], &[("files", "kodaira-csv.zip", &zip)]).await;
    let token = token_of(&r);
    let check = admin.get(r.location().unwrap()).await;
    assert!(check.body.contains("「CSVで直した名前」"), "{}", check.body);
    assert!(check.body.contains("kodaira-csv.zip/items.csv"), "the files inside the ZIP are named");

    // Meanwhile the stored data changes: the confirmation is refused with
    // 409, nothing of the check is written, and the check is run again.
    let other = seed_text().replacen("ボランティア", "ボランティア（別の取り込み）", 1);
    let batch = hyoka_import::read_published(SEED, &other).unwrap().1;
    let meanwhile =
        App::new(city.store.clone()).run(&operator(), ImportBatches::new(vec![(SEED.into(), batch)], false)).await;
    assert!(!meanwhile.unwrap().is_unchanged());
    let events = city.store.audit_event_count().await.unwrap();
    let r = admin.post(&format!("{base}/import/confirm"), &[("token", &token)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains(hyoka_app::import::CHANGED_SINCE_CHECK), "{}", r.body);
    assert!(r.body.contains("「CSVで直した名前」"), "the check run again is shown");
    assert_eq!(title_of(&city.store, "No.1").await, old);
    assert_eq!(city.store.audit_event_count().await.unwrap(), events);
    // The new check can be confirmed.
    let again = support::csrf_in(r.body.split("import/confirm").nth(1).unwrap()).unwrap();
    assert_eq!(Some(again), admin.csrf.clone());
    let token2 = r.body.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_ne!(token2, token);
    let r = admin.post(&format!("{base}/import/confirm"), &[("token", &token2)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(title_of(&city.store, "No.1").await, "CSVで直した名前");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_workbook_names_sheet_row_and_column_and_writes_nothing() {
    let city = kodaira().await;
    let mut admin = city.server.signed_in("kodaira-admin").await;
    let base = format!("/m/{KODAIRA}/admin");
    let old = title_of(&city.store, "No.1").await;
    let events = city.store.audit_event_count().await.unwrap();
    let book = edit_workbook(
        &exported(&mut admin).await,
        &[
            title_edit("直したつもりの名前"),
            Edit { sheet: "items", match_column: "code", matching: "No.1", column: "fiscal_year", value: "来年度" },
            Edit { sheet: "items", match_column: "code", matching: "No.3", column: "fiscal_year", value: "さ来年" },
        ],
    );
    let r = admin.post_files(&format!("{base}/import"), &[], &[("files", "broken.xlsx", &book)]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("ファイルに問題があるため取り込めません。何も書き込んでいません。"), "{}", r.body);
    assert!(r.body.contains("問題 2 件"), "every problem of the table: {}", r.body);
    let rows: Vec<&str> = r.body.split("<tr>").filter(|row| row.contains("<td>broken.xlsx</td>")).collect();
    assert_eq!(rows.len(), 2, "{}", r.body);
    for row in &rows {
        assert!(
            row.contains("<td>items</td>") && row.contains("行目") && row.contains("<td>fiscal_year</td>"),
            "{row}"
        );
    }
    assert!(r.body.contains("type=\"file\""), "the form to try again");
    assert_eq!(title_of(&city.store, "No.1").await, old);
    assert_eq!(city.store.audit_event_count().await.unwrap(), events);

    // No file at all, and a file of no known kind.
    let r = admin.post_files(&format!("{base}/import"), &[], &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("取り込むファイルを選んでください"));
    let r = admin.post_files(&format!("{base}/import"), &[], &[("files", "memo.txt", "ただのメモ".as_bytes())]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("memo.txt") && r.body.contains("認識できませんでした"), "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_a_locked_year_is_refused_with_its_list() {
    let city = kodaira().await;
    let app = App::new(city.store.clone());
    let fy = FiscalYear::new(2017).unwrap();
    app.run(&operator(), hyoka_app::year::LockYear { municipality: KODAIRA.into(), fiscal_year: fy }).await.unwrap();
    let mut admin = city.server.signed_in("kodaira-admin").await;
    let base = format!("/m/{KODAIRA}/admin");
    let events = city.store.audit_event_count().await.unwrap();
    let book = edit_workbook(
        &exported(&mut admin).await,
        &[Edit {
            sheet: "indicator_values",
            match_column: "fiscal_year",
            matching: "2017",
            column: "printed",
            value: "999件",
        }],
    );
    let r = admin.post_files(&format!("{base}/import"), &[], &[("files", "locked.xlsx", &book)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("確定または公開した年度（小平市 平成29年度）の内容を変える行が 1 件"), "{}", r.body);
    assert!(r.body.contains("<li>小平市 平成29年度（確定済み）: 指標「"), "{}", r.body);
    assert!(r.body.contains("「999件」"), "{}", r.body);
    assert!(r.body.contains("その年度の行をファイルから除くか"));
    assert_eq!(city.store.audit_event_count().await.unwrap(), events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_citys_admin_imports_and_only_with_the_token() {
    let city = kodaira().await;
    let base = format!("/m/{KODAIRA}/admin");
    let mut admin = city.server.signed_in("kodaira-admin").await;
    let book = exported(&mut admin).await;
    let events = city.store.audit_event_count().await.unwrap();

    let mut other = city.server.signed_in("mitaka-admin").await;
    assert_eq!(other.get(&format!("{base}/import")).await.status, 404);
    let r = other.post_files(&format!("{base}/import"), &[], &[("files", "a.xlsx", &book)]).await;
    assert_eq!(r.status, 404);
    // Their own page refuses a file of another city.
    let r = other.post_files("/m/132047/admin/import", &[], &[("files", "a.xlsx", &book)]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("ほかの自治体のデータが含まれているため取り込めません: 小平市（132110）"), "{}", r.body);

    let mut viewer = city.server.signed_in("kodaira-viewer").await;
    assert_eq!(viewer.get(&format!("{base}/import")).await.status, 403);
    let r = viewer.post_files(&format!("{base}/import"), &[], &[("files", "a.xlsx", &book)]).await;
    assert_eq!(r.status, 403);
    let r = viewer.post(&format!("{base}/import/confirm"), &[("token", "x")]).await;
    assert_eq!(r.status, 403);
    // The progress of a running import: the city's admin only.
    assert_eq!(viewer.get(&format!("{base}/import/progress")).await.status, 403);
    assert_eq!(other.get(&format!("{base}/import/progress")).await.status, 404);
    let r = admin.get(&format!("{base}/import/progress")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let p: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(p["running"], false, "no import is running: {}", r.body);

    // The admin without the token, or with another one: refused before reading.
    let r = admin.post_files(&format!("{base}/import"), &[("_csrf", "0000")], &[("files", "a.xlsx", &book)]).await;
    assert_eq!(r.status, 403);
    let mut visitor = city.server.client();
    let r = visitor.post_files(&format!("{base}/import"), &[("_csrf", "0000")], &[("files", "a.xlsx", &book)]).await;
    assert_eq!(r.status, 403);
    assert_eq!(city.store.audit_event_count().await.unwrap(), events);
}

/// A city with nothing but its own workbook: the workbook and its mapping
/// chosen together are checked and confirmed; the mapping is kept for the
/// city when asked (its own audit record), and the next upload reads the
/// workbook through the kept mapping without choosing it again. A mapping
/// that does not parse names its file and writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citys_own_workbook_comes_in_through_its_mapping_which_is_kept() {
    use crate::jimu_sheet;
    const MIHON: &str = "132080";
    let db = TestDb::new().await;
    let store = db.store().await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_municipality(&Municipality { code: MIHON.into(), name: "見本市".into() }).await.unwrap();
    tx.commit().await.unwrap();
    support::account(&store, "mihon-admin", Role::Admin, Some(MIHON), None).await;
    let server = support::spawn(store.clone()).await;
    let mut admin = server.signed_in("mihon-admin").await;
    let import = format!("/m/{MIHON}/admin/import");
    let book = jimu_sheet::xlsx(false);

    let page = admin.get(&import).await;
    assert!(page.body.contains("name=\"save_mapping\"") && !page.body.contains("use_saved_mapping"));
    let bad = admin.post_files(&import, &[], &[("files", "jimu.xlsx", &book), ("files", "bad.toml", b"[city\n")]).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("bad.toml"), "the mapping's file is named: {}", bad.body);

    let files: &[(&str, &str, &[u8])] =
        &[("files", "jimu.xlsx", &book), ("files", "jimu.toml", jimu_sheet::MAPPING.as_bytes())];
    let r = admin.post_files(&import, &[("save_mapping", "1")], files).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let token = r.location().unwrap().split("check=").nth(1).unwrap().to_string();
    let check = admin.get(r.location().unwrap()).await;
    assert!(check.body.contains("確認結果（まだ何も書き込んでいません）"), "{}", check.body);
    assert!(check.body.contains("子育て支援事業") && check.body.contains("道路維持補修事業"), "{}", check.body);
    assert!(store.items(MIHON).await.unwrap().is_empty(), "nothing written before confirming");
    assert!(store.import_mapping(MIHON).await.unwrap().is_none(), "nor the mapping");

    let r = admin.post(&format!("{import}/confirm"), &[("token", &token)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("対応表「jimu.toml」をこの自治体の対応表として保存しました"), "{}", r.body);
    assert!(store.items(MIHON).await.unwrap().iter().any(|i| i.title == "子育て支援事業"));
    let kept = store.import_mapping(MIHON).await.unwrap().expect("the mapping is kept");
    assert_eq!((kept.file_name.as_str(), kept.mapping.as_str()), ("jimu.toml", jimu_sheet::MAPPING));
    // One action, one transaction, one audit record: the import with its mapping.
    let events = store.audit_events(Some(MIHON), 2).await.unwrap();
    let commands: Vec<&str> = events.iter().map(|e| e.event.command.as_str()).collect();
    assert_eq!(commands, ["import", "account.create"], "one record for the confirmation");
    assert_eq!(events[0].event.summary, "取り込み: jimu.xlsx（対応表 jimu.toml を保存）");
    let changes = store.event_changes(events[0].id).await.unwrap();
    assert!(changes.iter().any(|c| c.field == "取り込みの対応表（jimu.toml）"), "{changes:?}");

    // Next year: the kept mapping is offered and reads the workbook.
    let page = admin.get(&import).await;
    assert!(page.body.contains("保存済みの対応表「jimu.toml」"), "{}", page.body);
    let r = admin.post_files(&import, &[("use_saved_mapping", "1")], &[("files", "jimu.xlsx", &book)]).await;
    let check = admin.get(r.location().unwrap_or_else(|| panic!("{}", r.body))).await;
    assert!(check.body.contains("変更はありません"), "the same workbook again changes nothing: {}", check.body);
}

/// A text field of the upload form that is not text: invalid UTF-8 or a
/// control character is refused with 422 naming the field by the label the
/// person sees (not its internal name), and nothing is written.
#[tokio::test]
async fn a_text_field_that_is_not_text_is_refused_by_its_label() {
    let city = kodaira().await;
    let mut admin = city.server.signed_in("kodaira-admin").await;
    let path = format!("/m/{KODAIRA}/admin/import");
    let token = admin.csrf().await.unwrap();
    let events = city.store.audit_event_count().await.unwrap();
    let label = "一緒に選んだ対応表（.toml）を、取り込んだあとこの自治体の対応表として保存する（来年も使えます）";
    for (value, expected) in [
        (&b"1\xff\xfe"[..], format!("「{label}」の内容を文字として読み取れません（UTF-8 ではありません）")),
        (&b"1\x00"[..], format!("「{label}」の2文字目に使えない制御文字が含まれています")),
        (&b"\x1b[31m"[..], format!("「{label}」の1文字目に使えない制御文字が含まれています")),
    ] {
        let boundary = "----hyokaTestBoundaryText";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n").as_bytes(),
        );
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"save_mapping\"\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"memo.txt\"\r\nContent-Type: text/plain\r\n\r\nメモ\r\n--{boundary}--\r\n"
            )
            .as_bytes(),
        );
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let r = admin.send_body("POST", &path, Some((&content_type, body)), &[]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(&expected), "{expected}: {}", r.body);
        assert!(!r.body.contains("save_mapping」"), "not the internal name: {}", r.body);
        assert!(r.body.contains("type=\"file\""), "the form to try again");
    }
    assert_eq!(city.store.audit_event_count().await.unwrap(), events);
}
