//! A corpus of malformed import files, made deterministically from the
//! seeds and their canonical export: documents cut short, shuffled, with
//! control characters or bad bytes; CSV sets with a table missing, a wrong
//! header, bad cells, broken quoting or encoding; JSON broken in syntax and
//! in content; workbooks that are bombs or broken; and files that would
//! change a locked year. `tests/import_corpus.rs` runs every case.
//!
//! The cases whose files are small are committed as files under
//! tests/corpus/ (one folder per case, with a README.md listing each case,
//! what is wrong and the error it gets), written by
//! `cargo run -p hyoka-import --example write_corpus -- crates/hyoka-import/tests/corpus`;
//! tests/import_corpus.rs reads them from there and fails when they and
//! this generator disagree.
//!
//! Used with `#[path = "common/corpus.rs"] mod corpus;` (with `seeds`,
//! `bombs`, `jimu_sheet` and `xls`).
#![allow(dead_code)]

use std::path::Path;

use hyoka_import::{apply, canonical, read_inputs, read_workbook, Batch};
use hyoka_store::Store;

use crate::{bombs, jimu_sheet, seeds, xls};

/// One malformed import: the files given together to `hyoka import`.
pub struct Case {
    pub name: String,
    pub files: Vec<(String, Vec<u8>)>,
    /// The error names a line or row (not only the file).
    pub names_a_row: bool,
    /// Words the error must hold.
    pub expect: &'static str,
    /// The file the error names when it is not one of the case's files
    /// (a table that is missing).
    pub names_file: Option<String>,
    /// Read as a city's own workbook through the mapping of
    /// tests/common/jimu_sheet.rs (`hyoka import --mapping`), not as
    /// canonical or published files.
    pub mapped: bool,
}

fn case(name: impl Into<String>, files: Vec<(String, Vec<u8>)>, names_a_row: bool, expect: &'static str) -> Case {
    Case { name: name.into(), files, names_a_row, expect, names_file: None, mapped: false }
}

/// The first `fraction` of a text, on a character boundary.
fn cut(text: &str, fraction: f64) -> String {
    let mut at = (text.len() as f64 * fraction) as usize;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].to_string()
}

/// Lines in a fixed pseudo-random order.
fn shuffled(text: &str, seed: u64) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let mut x = seed | 1;
    for i in (1..lines.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        lines.swap(i, (x % (i as u64 + 1)) as usize);
    }
    lines.join("\n")
}

/// `text` with `insert` placed at the start of line `line` (1-based).
fn at_line(text: &str, line: usize, insert: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == line { format!("{insert}{l}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One export per city of the seeds, as the canonical files see it.
pub fn canonical_base() -> Batch {
    let mut batch = Batch::default();
    for (file, b) in seeds::read_seeds() {
        // 三鷹市 prints two documents; one of them stands for the city.
        if file != seeds::SEEDS[0] {
            batch.cities.extend(b.cities);
        }
    }
    batch.cities.iter_mut().for_each(hyoka_import::normalize);
    batch
}

/// 東村山市 alone (seed 004), as the canonical files see it.
pub fn small_base() -> Batch {
    let mut batch = Batch::default();
    let (_, b) = seeds::read_seeds().remove(4);
    batch.cities.extend(b.cities);
    batch.cities.iter_mut().for_each(hyoka_import::normalize);
    batch
}

/// Every case, in a fixed order.
pub fn corpus() -> Vec<Case> {
    let mut cases = Vec::new();
    published(&mut cases);
    let base = canonical_base();
    csv_sets(&mut cases, &base, "");
    // The same mistakes in the CSV set of one small city (東村山市), whose
    // files are small enough to be committed (tests/corpus/).
    csv_sets(&mut cases, &small_base(), "small set: ");
    json(&mut cases, &base);
    workbooks(&mut cases, &base);
    old_workbooks(&mut cases);
    cases
}

/// Malformed .xls books (tests/common/xls.rs), read through a mapping,
/// the one way hyoka reads .xls.
fn old_workbooks(cases: &mut Vec<Case>) {
    for m in xls::malformed() {
        cases.push(Case {
            mapped: true,
            ..case(format!("mapped {}: {}", m.name, m.what), vec![(m.name.to_string(), m.bytes)], false, m.expect)
        });
    }
}

/// What each seed, shuffled (with its fixed seed) and reversed, is refused
/// for: the first part of its layout the reader no longer finds.
const SHUFFLED: [&str; 5] = [
    "15行目からの個別事業評価表に「当初計画」の欄がありません",
    "行政評価表に「総合計画の位置付け」がありません",
    "本文に目次（359行目）にある「体系5財政基盤の強化」がありません",
    "評価一覧表に項目の行がありません",
    "目標管理シートに部長の職名と氏名（【○○部長 氏名】）がありません",
];
const REVERSED: [&str; 5] = [
    "13行目からの個別事業評価表に「中間評価」の欄がありません",
    "行政評価表に「所属部」の行がありません",
    "目次の後に本文（第1章）がありません",
    "工程表の見出し（実施内容・年度）がありません",
    "目標管理シートに部長の職名と氏名（【○○部長 氏名】）がありません",
];

fn published(cases: &mut Vec<Case>) {
    assert_eq!(seeds::SEEDS.len(), SHUFFLED.len());
    for (i, file) in seeds::SEEDS.iter().enumerate() {
        let text = seeds::seed_text(file);
        let one = |bytes: Vec<u8>| vec![(file.to_string(), bytes)];
        for fraction in [0.25, 0.5, 0.75, 0.9] {
            cases.push(case(
                format!("{file} cut at {fraction}"),
                one(cut(&text, fraction).into_bytes()),
                true,
                "途中で切れ",
            ));
        }
        let half = text.as_bytes()[..text.len() / 2].to_vec();
        cases.push(case(format!("{file} cut at half its bytes"), one(half), true, "途中で切れ"));
        cases.push(case(
            format!("{file} shuffled"),
            one(shuffled(&text, 0x9E37_79B9 + i as u64).into_bytes()),
            true,
            SHUFFLED[i],
        ));
        let reversed: Vec<&str> = text.lines().rev().collect();
        cases.push(case(format!("{file} reversed"), one(reversed.join("\n").into_bytes()), true, REVERSED[i]));
        let middle = text.lines().count() / 2;
        cases.push(case(
            format!("{file} with a NUL"),
            one(at_line(&text, middle, "\u{0}").into_bytes()),
            true,
            "U+0000（NUL）",
        ));
        cases.push(case(
            format!("{file} with an ESC"),
            one(at_line(&text, 3, "\u{1B}[0m").into_bytes()),
            true,
            "U+001B（ESC）",
        ));
        let mut bad = text.clone().into_bytes();
        let mut at = bad.len() / 3;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        bad.insert(at, 0xFF);
        cases.push(case(format!("{file} with a byte that is not UTF-8"), one(bad), true, "UTF-8"));
    }
    cases.push(case("an empty document", vec![("empty.txt".into(), Vec::new())], false, "認識できません"));
    cases.push(case(
        "a document of another kind",
        vec![("memo.txt".into(), "議事録\n出席者\t5名\n".into())],
        false,
        "認識できません",
    ));
}

/// The CSV set of `base`, broken in each way; `prefix` starts the cases'
/// names. The small set leaves out what needs the seeds' 小平市 (a locked
/// year) or is large whatever the base (a 630 KB header).
fn csv_sets(cases: &mut Vec<Case>, base: &Batch, prefix: &str) {
    let small = !prefix.is_empty();
    let first = cases.len();
    let files = canonical::csv_files(base, true).unwrap();
    let with = |name: &str, bytes: Vec<u8>| -> Vec<(String, Vec<u8>)> {
        files.iter().map(|(n, b)| (n.clone(), if n == name { bytes.clone() } else { b.clone() })).collect()
    };
    let text =
        |name: &str| -> String { String::from_utf8(files.iter().find(|(n, _)| n == name).unwrap().1.clone()).unwrap() };
    for t in &canonical::TABLES {
        let name = t.file_name();
        let without: Vec<_> = files.iter().filter(|(n, _)| *n != name).cloned().collect();
        if t.may_be_absent() {
            // A table added later may be absent (older exports): read as
            // empty, it would empty the published years' 工程表, so the
            // import is refused naming them.
            if !small {
                cases.push(case(format!("CSV set without {name}"), without, false, "確定または公開した年度"));
            }
        } else {
            cases.push(Case {
                names_file: Some(name.clone()),
                ..case(format!("CSV set without {name}"), without, false, "このファイルがありません")
            });
        }
        let body = text(&name);
        let renamed = body.replacen(t.columns[0].name, "名前の違う列", 1);
        cases.push(case(
            format!("{name} with a renamed column"),
            with(&name, renamed.into_bytes()),
            true,
            "名前の違う列",
        ));
    }
    // A cell of one table made wrong, by table, row 2 and column.
    let edits: [(&str, &str, &str, &'static str); 12] = [
        ("narratives.csv", "text", "前\u{0}後", "U+0000（NUL）"),
        ("items.csv", "title", "見出し\u{7}", "U+0007（BEL）"),
        ("budgets.csv", "fiscal_year", "来年度", "を年度として読み取れません"),
        ("budgets.csv", "initial_yen", "30万円", "円単位の整数"),
        ("narratives.csv", "position", "一", "整数で入力してください"),
        ("indicators.csv", "direction", "upward", "方向（direction）は"),
        ("indicators.csv", "kind", "", "必須の値が空です"),
        ("placements.csv", "relisting", "はい", "0 または 1"),
        ("indicator_values.csv", "indicator_key", "no-such-indicator", "indicators にありません"),
        ("evaluations.csv", "stage", "final", "時期（stage）は"),
        ("item_tags.csv", "item_key", "no-such-item", "items にありません"),
        ("plan_nodes.csv", "parent_code", "no-such-node", "plan_nodes にありません"),
    ];
    for (name, column, value, expect) in edits {
        let body = text(name);
        let mut rows = canonical_rows(&body);
        if rows.len() < 2 {
            assert!(small, "{name} has rows");
            continue;
        }
        let c = rows[0].iter().position(|h| h == column).unwrap_or_else(|| panic!("{name}: {column}"));
        rows[1][c] = value.to_string();
        cases.push(case(format!("{name} with {column} = {value:?}"), with(name, csv_text(&rows)), true, expect));
    }
    let items = text("items.csv");
    let mut lines: Vec<String> = items.lines().map(str::to_string).collect();
    lines[2].push_str(",余分");
    cases.push(case(
        "items.csv with a value too many",
        with("items.csv", lines.join("\r\n").into_bytes()),
        true,
        "値の数が見出しより多く",
    ));
    let mut lines: Vec<String> = items.lines().map(str::to_string).collect();
    lines[2] = lines[2].rsplit_once(',').unwrap().0.to_string();
    cases.push(case(
        "items.csv with a value too few",
        with("items.csv", lines.join("\r\n").into_bytes()),
        true,
        "値の数が見出しより少なく",
    ));
    cases.push(case(
        "items.csv with a quote left open",
        with("items.csv", format!("{items}132110,\"open").into_bytes()),
        true,
        "閉じられていません",
    ));
    let mut twice = items.clone();
    twice.push_str(items.lines().nth(1).unwrap());
    twice.push_str("\r\n");
    cases.push(case("items.csv with a row twice", with("items.csv", twice.into_bytes()), true, "同じキー"));
    let mut bytes = items.clone().into_bytes();
    bytes.insert(bytes.len() / 2, 0xFF);
    cases.push(case("items.csv with a bad byte", with("items.csv", bytes), true, "読めないバイト"));
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(items.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    cases.push(case("items.csv in UTF-16", with("items.csv", utf16), false, "UTF-16"));
    if !small {
        let (header, rest) = items.split_once("\r\n").unwrap();
        let huge = format!("{}{}\r\n{rest}", "x".repeat(630 * 1024), &header[header.find(',').unwrap()..]);
        cases.push(case(
            "items.csv with a 630 KB header",
            with("items.csv", huge.into_bytes()),
            true,
            "の列ではありません",
        ));
    }
    let mut two = files.clone();
    two.push(("items-copy.csv".into(), items.clone().into_bytes()));
    cases.push(case("CSV set with items twice", two, false, "ファイルが2つあります"));
    if !small {
        cases.push(case("a lone empty CSV", vec![("items.csv".into(), Vec::new())], false, "ファイルが空です"));
    }
    // Would change what a locked year holds (the test locks 小平市 FY2017):
    // every table that holds rows of 小平市's years, emptied.
    for t in ["narratives", "budgets", "evaluations", "schedules", "next_directions", "indicator_values", "judgements"]
    {
        let name = format!("{t}.csv");
        let body = text(&name);
        if !body.lines().skip(1).any(|l| l.starts_with(seeds::KODAIRA)) {
            continue;
        }
        let header = body.lines().next().unwrap().to_string();
        cases.push(case(
            format!("{name} emptied in a locked year"),
            with(&name, format!("{header}\r\n").into_bytes()),
            false,
            "確定または公開した年度",
        ));
    }
    for c in &mut cases[first..] {
        c.name = format!("{prefix}{}", c.name);
    }
}

/// Cells of an exported CSV file, as written (no apostrophes removed).
fn canonical_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{FEFF}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn csv_text(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

fn json(cases: &mut Vec<Case>, base: &Batch) {
    let text = String::from_utf8(canonical::json_bytes(base)).unwrap();
    let one = |t: String| vec![("hyoka.json".to_string(), t.into_bytes())];
    for fraction in [0.1, 0.5, 0.9, 0.999] {
        cases.push(case(format!("JSON cut at {fraction}"), one(cut(&text, fraction)), true, "JSON"));
    }
    let edits: [(&str, &str, &str, &'static str); 12] = [
        ("a comma missing", "\"name\": \"三島市\",", "\"name\": \"三島市\"", "JSON の書き方に誤り"),
        ("a comma doubled", "\"name\": \"三島市\",", "\"name\": \"三島市\",,", "JSON の書き方に誤り"),
        ("a bad escape", "\"name\": \"三島市\"", "\"name\": \"三島\\q市\"", "「\\」の使い方"),
        ("an escaped NUL", "\"name\": \"三島市\"", "\"name\": \"三島\\u0000市\"", "U+0000（NUL）"),
        ("a raw control character", "\"name\": \"三島市\"", "\"name\": \"三島\u{1}市\"", "制御文字"),
        ("a year as text", "\"fiscal_year\": 2018", "\"fiscal_year\": \"来年\"", "ではなく整数"),
        ("a year out of range", "\"fiscal_year\": 2018", "\"fiscal_year\": 99999", "扱える範囲"),
        ("an unknown direction", "\"direction\": \"higher_is_better\"", "\"direction\": \"up\"", "は使えません"),
        ("null for a name", "\"name\": \"三島市\"", "\"name\": null", "nullではなく"),
        ("a field renamed", "\"level_names\":", "\"levels\":", "必要な項目 level_names"),
        (
            "another format",
            "\"format\": \"hyoka-canonical\"",
            "\"format\": \"other\"",
            "標準形式の JSON ではありません",
        ),
        ("another version", "\"version\": 1", "\"version\": 7", "対応していません"),
    ];
    for (what, from, to, expect) in edits {
        assert!(text.contains(from), "{what}: {from}");
        let names_a_row = !matches!(what, "another format" | "another version");
        cases.push(case(format!("JSON with {what}"), one(text.replacen(from, to, 1)), names_a_row, expect));
    }
    cases.push(case("JSON that is an array", one("[1, 2, 3]".into()), false, "最上位がオブジェクト"));
    cases.push(case(
        "JSON nested too deep",
        one(format!("{{\"format\": {}{}}}", "[".repeat(300), "]".repeat(300))),
        true,
        "入れ子が深すぎます",
    ));
    let item_twice = text.replacen("\"items\": [", "\"items\": [{\"key\": \"x\", \"kind\": \"project\", \"code\": \"\", \"title\": \"\", \"fiscal_year\": null, \"tags\": [], \"placements\": [], \"relisting_of\": null, \"sections\": [], \"narratives\": [], \"budgets\": [], \"evaluations\": [], \"schedule\": [], \"next_direction\": null}, {\"key\": \"x\", \"kind\": \"project\", \"code\": \"\", \"title\": \"\", \"fiscal_year\": null, \"tags\": [], \"placements\": [], \"relisting_of\": null, \"sections\": [], \"narratives\": [], \"budgets\": [], \"evaluations\": [], \"schedule\": [], \"next_direction\": null},", 1);
    cases.push(case("JSON with an item twice", one(item_twice), false, "が2回あります"));
}

fn workbooks(cases: &mut Vec<Case>, base: &Batch) {
    for b in bombs::bombs() {
        let names_a_row = b.expect.starts_with("セル ") || b.expect.contains("行目");
        cases.push(case(format!("workbook {}", b.name), vec![(b.name.to_string(), b.bytes)], names_a_row, b.expect));
    }
    let book = canonical::xlsx_bytes(base).unwrap();
    let mut truncated = book.clone();
    truncated.truncate(book.len() * 9 / 10);
    cases.push(case(
        "workbook cut at 90%",
        vec![("hyoka.xlsx".into(), truncated)],
        false,
        "XLSXファイルとして読み取れません",
    ));
    cases.push(case(
        "a text file named .xlsx",
        vec![("hyoka.xlsx".into(), b"municipality_code,name\r\n".to_vec())],
        false,
        "ZIP 形式ではありません",
    ));
    cases.push(case(
        "an old .xls",
        vec![("old.xls".into(), b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec())],
        false,
        "古い Excel 形式",
    ));
}

/// A committed case's files are each under this size...
pub const COMMITTED_FILE_BYTES: usize = 20 * 1024;
/// ...and all committed files together under this.
pub const COMMITTED_TOTAL_BYTES: usize = 1_500_000;

/// The cases committed as files, with their folder names, in order: of
/// the cases whose files are each small, the smallest first while the
/// total stays small.
pub fn committed(cases: &[Case]) -> Vec<(String, &Case)> {
    let size = |c: &Case| c.files.iter().map(|(_, b)| b.len()).sum::<usize>();
    let mut small: Vec<usize> =
        (0..cases.len()).filter(|&i| cases[i].files.iter().all(|(_, b)| b.len() < COMMITTED_FILE_BYTES)).collect();
    small.sort_by_key(|&i| (size(&cases[i]), i));
    let mut total = 0;
    let mut chosen = Vec::new();
    for i in small {
        if total + size(&cases[i]) > COMMITTED_TOTAL_BYTES {
            break;
        }
        total += size(&cases[i]);
        chosen.push(i);
    }
    chosen.sort();
    chosen.into_iter().map(|i| (folder(i, &cases[i]), &cases[i])).collect()
}

/// `017-items-csv-with-a-renamed-column`: the case's number and name in
/// ASCII.
fn folder(i: usize, c: &Case) -> String {
    let mut slug = String::new();
    for ch in c.name.to_ascii_lowercase().chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(60).collect();
    format!("{i:03}-{}", slug.trim_end_matches('-'))
}

/// What importing a case did.
pub struct Outcome {
    /// The whole message shown.
    pub shown: String,
    pub row: Option<usize>,
    /// The file the error names (read errors).
    pub file: String,
    /// Refused when writing (a locked year), not when reading.
    pub applied: bool,
    /// The import's summary, when it was (wrongly) accepted.
    pub accepted: Option<String>,
}

/// Imports a case as `hyoka import` does (with `--mapping` for a mapped
/// one), into `store`.
pub async fn import(store: &Store, c: &Case) -> Outcome {
    let read = if c.mapped {
        let files = std::sync::Arc::new(c.files.clone());
        let read = read_workbook(store, "jimu.toml", jimu_sheet::MAPPING, files, None);
        read.await.unwrap().map(|w| vec![(w.file, w.batch)])
    } else {
        read_inputs(&c.files).map(|read| read.batches)
    };
    let refused = |shown: String, row, file, applied| Outcome { shown, row, file, applied, accepted: None };
    match read {
        Err(e) => refused(e.to_string(), e.place.row, e.place.file, false),
        Ok(batches) => match apply(store, &batches, false).await {
            Err(e) => refused(e.to_string(), None, String::new(), true),
            Ok(report) => {
                Outcome { accepted: Some(report.summary(5)), ..refused(String::new(), None, String::new(), false) }
            }
        },
    }
}

/// The README of the committed corpus: each case's folder, files, what is
/// wrong and the first line of its error (`errors`, by case, in order).
pub fn readme(committed: &[(String, &Case)], errors: &[String]) -> String {
    let mut out = String::from(
        "# 不正な取り込みファイルの一式（テスト用）\n\n\
         このフォルダは `crates/hyoka-import/tests/common/corpus.rs` が作る不正な取り込みファイルのうち、\n\
         ファイルが小さいもの（1つ 20 KiB 未満、合計 1.5 MB 未満）をファイルとして置いたものです。\n\
         フォルダ1つが1件で、その中のファイルをまとめて取り込みます（`hyoka import 000-…/*`。\n\
         「対応表」の件は `hyoka import --mapping 対応表.toml …`、対応表は `tests/common/jimu_sheet.rs` の `MAPPING`）。\n\
         大きなもの（公表資料の大半、4 市の標準形式の CSV 一式・JSON、ZIP 爆弾の XLSX）はテストの中で作るだけで、置いていません。\n\
         「small set」の件は東村山市だけの CSV 一式で、そのうち1つが不正か、欠けています。\n\n\
         作り直し: `cargo run -p hyoka-import --example write_corpus -- crates/hyoka-import/tests/corpus`。\n\
         `tests/import_corpus.rs` はここにあるファイルを読み、どれも日本語のエラー（ファイル・行・列）で断られ、\n\
         データベースが変わらないことを SQLite と PostgreSQL で確かめます。ここにあるファイル・この表と、\n\
         作る手順の結果が1バイトでも違えばテストは失敗します。\n\n\
         | フォルダ | ファイル | 何が不正か | エラー（1行目） |\n|---|---|---|---|\n",
    );
    for (folder, c) in committed {
        let i: usize = folder[..3].parse().unwrap();
        let mut files: Vec<String> = c.files.iter().map(|(n, b)| format!("`{n}`（{} バイト）", b.len())).collect();
        files.sort();
        let error = errors[i].lines().next().unwrap_or("").replace('|', "\\|");
        let name = c.name.replace('|', "\\|").replace('\u{0}', "\\u{0}");
        let how = if c.mapped { "（対応表で読む）" } else { "" };
        out.push_str(&format!("| `{folder}` | {} | {name}{how} | {error} |\n", files.join("、")));
    }
    out
}

/// Writes the committed cases and the README into `dir`, replacing the
/// case folders there.
pub fn write(dir: &Path, cases: &[Case], errors: &[String]) {
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        }
    }
    let committed = committed(cases);
    for (folder, c) in &committed {
        let at = dir.join(folder);
        std::fs::create_dir_all(&at).unwrap();
        for (name, bytes) in &c.files {
            std::fs::write(at.join(name), bytes).unwrap();
        }
    }
    std::fs::write(dir.join("README.md"), readme(&committed, errors)).unwrap();
}

/// The committed folders as found in `dir`: folder → files by name.
pub fn read_committed(dir: &Path) -> std::collections::BTreeMap<String, Vec<(String, Vec<u8>)>> {
    let mut out = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&path)
            .unwrap()
            .map(|f| {
                let f = f.unwrap().path();
                (f.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&f).unwrap())
            })
            .collect();
        files.sort();
        out.insert(path.file_name().unwrap().to_string_lossy().into_owned(), files);
    }
    out
}
