//! A city's export that splits each project over two sheets, the way
//! such exports look: 「事業概要」 (code, name, 部 and 課 in cells merged
//! over two projects, narratives, direction) and 「指標・コスト」, which
//! names the project only by its name (written with other widths and
//! spaces), in another order, with two rows per project (the activity
//! indicator, then the outcome indicator) under a name cell and budget
//! cells merged over both rows. Shared with the CLI tests of crates/hyoka
//! (`#[path]`).

#![allow(dead_code)]

use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// The mapping of the workbook.
pub const MAPPING: &str = r#"
[city]
code = "132080"
name = "見本市"

[sheet]
name = "事業概要"
header_find = ["事業コード", "事務事業名"]

[year]
fixed = "令和6年度"

[item]
code = "事業コード"
title = "事務事業名"
code_width = 3
department = "部名"
section = "課名"

[[join]]
sheet = "指標・コスト"
header_find = ["事務事業名", "指標名"]
on = { main = "事務事業名", other = "事務事業名" }

[[narratives]]
slot = "target"
label = "対象"
column = "対象"

[[narratives]]
slot = "intent"
label = "意図"
column = "意図"

[[budgets]]
year = 0
initial = "指標・コスト!当初予算額"
settlement = "指標・コスト!決算額"

[[indicators]]
id = "activity"
kind = "活動"
name = "指標・コスト!指標名"
unit = "指標・コスト!単位"
values = [
  { role = "target", column = "指標・コスト!目標" },
  { role = "actual", column = "指標・コスト!実績" },
]

[[indicators]]
id = "outcome"
kind = "成果"
name = { sheet = "指標・コスト", header = "指標名", row = 2 }
unit = { sheet = "指標・コスト", header = "単位", row = 2 }
values = [
  { role = "target", column = { sheet = "指標・コスト", header = "目標", row = 2 } },
  { role = "actual", column = { sheet = "指標・コスト", header = "実績", row = 2 } },
]

[direction]
column = "今後の方向性"
"#;

/// What the joined sheet gets wrong.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    None,
    /// ICT推進事業 has no row in 「指標・コスト」.
    NoPartner,
    /// 「指標・コスト」 has a row for a project 「事業概要」 does not list.
    NoProject,
    /// 一時預かり事業 has two rows (not one merged name) in 「指標・コスト」.
    Twice,
}

fn text(sheet: &mut Worksheet, row: u32, col: u16, s: &str) {
    if !s.is_empty() {
        sheet.write_string(row, col, s).unwrap();
    }
}

/// The workbook: 「事業概要」 first, then 「指標・コスト」.
pub fn xlsx(flaw: Flaw) -> Vec<u8> {
    let mut book = Workbook::new();
    let merged = Format::new();

    let main = book.add_worksheet();
    main.set_name("事業概要").unwrap();
    main.write_string(0, 0, "令和6年度 事務事業評価（事業概要）").unwrap();
    for (c, h) in ["事業コード", "事務事業名", "部名", "課名", "対象", "意図", "今後の方向性"].iter().enumerate()
    {
        main.write_string(1, c as u16, *h).unwrap();
    }
    let projects = [
        (101.0, "子育て支援事業", "就学前の子どもと保護者", "安心して子育てできる", "維持"),
        (102.0, "一時預かり事業", "保護者", "急な用事に対応できる", "拡充"),
        (301.0, "ICT推進事業", "市職員", "事務が効率化する", "終了"),
    ];
    for (r, (code, name, target, intent, direction)) in projects.iter().enumerate() {
        let r = r as u32 + 2;
        main.write_number(r, 0, *code).unwrap();
        text(main, r, 1, name);
        text(main, r, 4, target);
        text(main, r, 5, intent);
        text(main, r, 6, direction);
    }
    // 部名 and 課名 of the first two projects in merged cells.
    main.merge_range(2, 2, 3, 2, "福祉部", &merged).unwrap();
    main.merge_range(2, 3, 3, 3, "子育て支援課", &merged).unwrap();
    text(main, 4, 2, "総務部");
    text(main, 4, 3, "情報政策課");

    let other = book.add_worksheet();
    other.set_name("指標・コスト").unwrap();
    let header = ["事務事業名", "指標区分", "指標名", "単位", "目標", "実績", "当初予算額", "決算額"];
    for (c, h) in header.iter().enumerate() {
        other.write_string(0, c as u16, *h).unwrap();
    }
    // Two rows a project: name, 当初予算額 and 決算額 merged over both.
    let mut row = 1u32;
    let two_rows = |sheet: &mut Worksheet, row: u32, name: &str, budget: f64, settled: f64, ind: [[&str; 5]; 2]| {
        sheet.merge_range(row, 0, row + 1, 0, name, &merged).unwrap();
        for (k, cells) in ind.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                text(sheet, row + k as u32, 1 + c as u16, v);
            }
        }
        sheet.merge_range(row, 6, row + 1, 6, "", &merged).unwrap();
        sheet.write_number(row, 6, budget).unwrap();
        sheet.merge_range(row, 7, row + 1, 7, "", &merged).unwrap();
        sheet.write_number(row, 7, settled).unwrap();
    };
    if flaw == Flaw::Twice {
        // The same project twice, each on one row.
        for _ in 0..2 {
            for (c, v) in ["一時預かり事業", "活動", "利用日数", "日", "－", "310"].iter().enumerate() {
                text(other, row, c as u16, v);
            }
            row += 1;
        }
    } else {
        two_rows(
            other,
            row,
            "一時預かり事業",
            3_000.0,
            2_950.0,
            [["活動", "利用日数", "日", "－", "310"], ["成果", "利用者満足度", "％", "80", "－"]],
        );
        row += 2;
    }
    // The name with a full-width space inside.
    two_rows(
        other,
        row,
        "子育て　支援事業",
        12_500.0,
        12_000.0,
        [
            ["活動", "相談件数", "件", "1200", "１，３１０"],
            ["成果", "子育てしやすいと感じる市民の割合", "％", "60", "58.2"],
        ],
    );
    row += 2;
    if flaw != Flaw::NoPartner {
        // One row only, the name in full-width letters; no outcome indicator.
        for (c, v) in ["ＩＣＴ推進事業", "活動", "研修回数", "回", "10", "12", "800", "－"].iter().enumerate()
        {
            text(other, row, c as u16, v);
        }
        row += 1;
    }
    if flaw == Flaw::NoProject {
        for (c, v) in ["廃止した事業", "活動", "件数", "件", "1", "1"].iter().enumerate() {
            text(other, row, c as u16, v);
        }
    }
    book.save_to_buffer().unwrap()
}
