//! A city's own 事務事業評価シート export, made the way such exports look:
//! a title and a units row above the header, one row per project, codes
//! as numbers and as full-width text, 部 and 課 in merged cells, a formula
//! with its cached value, full-width digits in amounts, a dash for "no
//! value", repeated headers (単位, 目標, 実績) and a total row after a blank
//! row. Also the same table as a Shift_JIS CSV. Shared with the CLI tests
//! of crates/hyoka (`#[path]`).

#![allow(dead_code)]

use rust_xlsxwriter::{Format, Formula, Workbook};

pub const SHEET: &str = "R6事務事業評価";

/// The mapping of the workbook (and, with `header_row = 2`, of the CSV).
pub const MAPPING: &str = r#"
[city]
code = "132080"
name = "見本市"

[sheet]
pattern = "*事務事業評価"
header_find = ["事業コード", "事務事業名"]
skip_rows = 1
fill_down = ["部名", "課名"]

[year]
column = "年度"
era = "令和"

[item]
code = "事業コード"
title = "事務事業名"
code_width = 3
department = "部名"
section = "課名"

[plan]
code = "sogo-5"
name = "第5次総合計画"
node = "施策コード"
node_title = "施策名"

[[narratives]]
slot = "target"
label = "対象"
column = "対象（誰・何を）"

[[narratives]]
slot = "intent"
label = "意図"
column = "意図（どのような状態にしたいか）"

[[narratives]]
slot = "result"
label = "結果"
column = "結果（施策への貢献）"

[[narratives]]
slot = "opinion"
label = "課長等の意見"
column = "課長等の意見"

[[budgets]]
year = -1
settlement = "前年度決算額"

[[budgets]]
year = 0
initial = "当初予算額"
general_revenue = "うち一般財源"

[[indicators]]
id = "activity-1"
kind = "活動"
name = "活動指標名"
unit = "単位#1"
values = [
  { year = 0, role = "target", column = "目標#1" },
  { year = 0, role = "actual", column = "実績#1" },
]

[[indicators]]
id = "population-1"
kind = "対象"
name = "対象指標名"
unit = "単位#2"
values = [{ year = 0, role = "actual", column = "実績#2" }]

[[indicators]]
id = "outcome-1"
kind = "成果"
name = "成果指標名"
unit = { header = "単位", nth = 3 }
values = [
  { year = 0, role = "target", column = "W" },
  { year = 0, role = "actual", column = "X" },
]

[[criteria]]
name = "目的妥当性"
category = "目的妥当性"
reason = "目的妥当性の理由"

[[criteria]]
name = "有効性"
category = "有効性"
reason = "有効性の理由"

[[evaluations]]
stage = "yearend"
evaluator = "section"
grade = "総合評価"

[direction]
column = "今後の方向性"
reason = "方向性の理由"

[direction.words]
"１　現状維持" = "keep"
"２　改革改善（縮小・統合含む）" = "none"
"３　終了・廃止・休止" = "end"
"#;

/// The header, A to AG.
pub const HEADER: [&str; 33] = [
    "年度",
    "事業コード",
    "事務事業名",
    "部名",
    "課名",
    "施策コード",
    "施策名",
    "対象（誰・何を）",
    "意図（どのような状態にしたいか）",
    "結果（施策への貢献）",
    "前年度決算額",
    "当初予算額",
    "うち一般財源",
    "活動指標名",
    "単位",
    "目標",
    "実績",
    "対象指標名",
    "単位",
    "実績",
    "成果指標名",
    "単位",
    "目標",
    "実績",
    "目的妥当性",
    "目的妥当性の理由",
    "有効性",
    "有効性の理由",
    "総合評価",
    "課長等の意見",
    "今後の方向性",
    "方向性の理由",
    "備考",
];

/// A cell of the data rows.
#[derive(Clone, Copy)]
pub enum V {
    T(&'static str),
    N(f64),
    /// A formula and its cached value.
    F(&'static str, f64),
    Blank,
}

use V::{Blank, F, N, T};

/// Three projects. Row 2's 部名 and 課名 are blank (merged with row 1's).
pub fn rows(bad_amount: bool) -> Vec<[V; 33]> {
    vec![
        [
            N(6.0),
            N(1.0),
            T("子育て支援事業"),
            T("福祉部"),
            T("子育て支援課"),
            T("２－１"),
            T("子育て環境の充実"),
            T("就学前の子どもと保護者"),
            T("安心して子育てできる"),
            T("出生率の維持"),
            N(12_000.0),
            T("１２，５００"),
            F("=L5-2500", 10_000.0),
            T("相談件数"),
            T("件"),
            N(1200.0),
            T("１，３１０"),
            T("就学前児童数"),
            T("人"),
            N(4210.0),
            T("子育てしやすいと感じる市民の割合"),
            T("％"),
            N(60.0),
            T("58.2"),
            T("結びついている"),
            T("子育て支援は市の重点施策である。"),
            T("向上余地がある"),
            T("相談の周知に余地がある。"),
            T("B"),
            T("周知を強める。"),
            T("２　改革改善（縮小・統合含む）"),
            T("相談窓口を統合する"),
            T("補正あり"),
        ],
        [
            N(6.0),
            T("００２"),
            T("一時預かり事業"),
            Blank,
            Blank,
            T("２－１"),
            T("子育て環境の充実"),
            T("保護者"),
            T("急な用事に対応できる"),
            T("子育ての負担が減る"),
            T("－"),
            T(if bad_amount { "未定" } else { "3,000" }),
            Blank,
            T("利用日数"),
            T("日"),
            T("－"),
            N(310.0),
            Blank,
            Blank,
            Blank,
            T("利用者満足度"),
            T("％"),
            N(80.0),
            T("－"),
            T("結びついている"),
            Blank,
            T("向上余地がない"),
            Blank,
            T("A"),
            Blank,
            T("１　現状維持"),
            Blank,
            Blank,
        ],
        [
            T("令和6"),
            N(3.0),
            T("道路維持補修事業"),
            T("都市整備部"),
            T("道路課"),
            T("４－２"),
            T("安全な道路"),
            T("市道"),
            T("安全に通行できる"),
            T("事故の減少"),
            N(50_000.0),
            N(48_000.0),
            N(48_000.0),
            T("補修箇所数"),
            T("か所"),
            N(40.0),
            N(42.0),
            T("市道延長"),
            T("km"),
            N(312.5),
            T("道路の損傷による事故件数"),
            T("件"),
            T("0件"),
            N(1.0),
            T("結びついている"),
            T("市道の管理者として必要。"),
            T("向上余地がある"),
            T("予防保全へ移る。"),
            T("B"),
            T("計画的に補修する。"),
            T("３　終了・廃止・休止"),
            T("令和7年度から包括委託"),
            Blank,
        ],
    ]
}

/// The workbook: the sheet named [`SHEET`] after a notes sheet.
pub fn xlsx(bad_amount: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("記入要領").unwrap();
    notes.write_string(0, 0, "この列には記入しないでください").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET).unwrap();
    sheet.write_string(0, 0, "令和6年度 事務事業評価シート 一覧").unwrap();
    sheet.write_string(1, 10, "（単位：千円）").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    // The units row the mapping skips.
    sheet.write_string(3, 10, "千円").unwrap();
    let merged = Format::new();
    for (r, row) in rows(bad_amount).iter().enumerate() {
        let r = r as u32 + 4;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                T(s) => sheet.write_string(r, c, *s).map(|_| ()).unwrap(),
                N(n) => sheet.write_number(r, c, *n).map(|_| ()).unwrap(),
                F(f, cached) => {
                    sheet.write_formula(r, c, Formula::new(*f).set_result(cached.to_string())).map(|_| ()).unwrap();
                }
                Blank => {}
            }
        }
    }
    // 部名 and 課名 of the first two projects as merged cells.
    sheet.merge_range(4, 3, 5, 3, "福祉部", &merged).unwrap();
    sheet.merge_range(4, 4, 5, 4, "子育て支援課", &merged).unwrap();
    // A blank row, then a total row that is not a project.
    sheet.write_string(8, 2, "合計").unwrap();
    sheet.write_number(8, 11, 63_500.0).unwrap();
    book.save_to_buffer().unwrap()
}

/// The same table as CSV in Shift_JIS, with one filler row above the
/// header and no units row (the mapping then skips none).
pub fn csv_sjis() -> Vec<u8> {
    let mut text = String::from("令和6年度 事務事業評価,,,\r\n");
    text.push_str(&HEADER.join(","));
    text.push_str("\r\n");
    for row in rows(false) {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v {
                T(s) if s.contains(',') => format!("\"{s}\""),
                T(s) => s.to_string(),
                N(n) | F(_, n) => n.to_string(),
                Blank => String::new(),
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// [`MAPPING`] for the CSV: no sheet, no units row.
pub fn csv_mapping() -> String {
    MAPPING.replace("pattern = \"*事務事業評価\"\n", "").replace("skip_rows = 1\n", "")
}
