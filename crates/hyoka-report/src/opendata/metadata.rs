//! `metadata.json`: the data set, its source, licence and date, the rules
//! it follows, and every column of every table in Japanese and English.

use hyoka_store::Municipality;
use serde::Serialize;

use super::format::CSV_LINE_END;
use super::table::{Table, TABLES};
use super::{Header, Licence};

#[derive(Clone, Debug, Serialize)]
pub struct Bilingual {
    pub ja: String,
    pub en: String,
}

fn both(ja: &str, en: &str) -> Bilingual {
    Bilingual { ja: ja.into(), en: en.into() }
}

#[derive(Clone, Debug, Serialize)]
pub struct Metadata {
    pub title: Bilingual,
    pub description: Bilingual,
    pub source: Bilingual,
    pub municipalities: Vec<MunicipalityMeta>,
    pub licence: Licence,
    /// ISO 8601 date of this export.
    pub updated: String,
    pub generator: String,
    pub encoding: Encoding,
    pub rules: Vec<Bilingual>,
    pub tables: Vec<TableMeta>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MunicipalityMeta {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Encoding {
    pub charset: &'static str,
    /// Whether the CSV files start with a byte order mark.
    pub csv_bom: bool,
    pub csv_line_end: &'static str,
    pub csv_quoting: &'static str,
    /// The language of the CSV header line: `ja` or `en`.
    pub csv_header: &'static str,
    /// How text that a spreadsheet would run as a formula is written in CSV.
    pub csv_formula_guard: &'static str,
    pub json: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableMeta {
    pub name: &'static str,
    pub files: Vec<String>,
    pub title: Bilingual,
    pub row: Bilingual,
    pub rows: usize,
    pub columns: Vec<ColumnMeta>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ColumnMeta {
    pub name_en: &'static str,
    pub name_ja: &'static str,
    pub description_ja: &'static str,
    pub description_en: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// For code columns: every code with its Japanese label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codes: Option<Vec<CodeMeta>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CodeMeta {
    pub code: &'static str,
    pub label_ja: &'static str,
}

fn rules() -> Vec<Bilingual> {
    vec![
        both(
            "デジタル庁「行政データにおける機械可読性に関するルール」に沿って作成しています。",
            "Follows the Digital Agency's machine-readability rules for government data (行政データにおける機械可読性に関するルール).",
        ),
        both("1ファイルに1つの表。見出しは1行、セルの結合はありません。", "One table per file, a single header line, no merged cells."),
        both(
            "縦長（ロング）形式: 1行に1つの値（指標は年度・区分ごとに1行）。",
            "Long format: one value per row (indicators: one row per fiscal year and role).",
        ),
        both(
            "数値の列には単位・桁区切り・記号を含めません。単位は別の列にあります。",
            "Numeric columns carry no units, grouping or symbols; units have their own column.",
        ),
        both(
            "空欄と0を区別します。値のない場合はCSVでは空欄、JSONでは null です。",
            "Blank is distinct from zero: a missing value is an empty CSV field and JSON null, never 0.",
        ),
        both(
            "年度は西暦の整数で表し、指標の表では和暦の年度を別の列に併記します。",
            "Fiscal years are Western-calendar integers; the indicators table gives the Japanese-era label alongside.",
        ),
        both(
            "記載された文字列（記載値・判定・執行率）は、読み取った値と並べてそのまま残します。",
            "Printed text (cells, judgements, execution rates) is kept as printed beside the values read from it.",
        ),
        both(
            "文字コードは UTF-8。CSV は RFC 4180 形式（改行 CRLF、必要に応じて二重引用符で囲む）。",
            "Encoded in UTF-8; CSV follows RFC 4180 (CRLF line ends, double quotes where needed).",
        ),
        both(
            "表計算ソフトが数式として実行しないよう、CSV の文字列の列で先頭が = + - @ タブ 復帰 ' のいずれかである値には先頭に ' を1つ付けます（先頭の ' を1つ除くと元の文字列）。数値の列と JSON はそのままです。",
            "So that spreadsheets never run text as a formula, a CSV text field starting with = + - @ TAB CR or ' gets one leading ' (remove one leading ' to restore the text). Numeric columns and the JSON files are unchanged.",
        ),
    ]
}

fn table_meta(table: &Table, rows: usize) -> TableMeta {
    TableMeta {
        name: table.name,
        files: vec![table.csv_file(), table.json_file()],
        title: both(table.title_ja, table.title_en),
        row: both(table.row_ja, table.row_en),
        rows,
        columns: table
            .columns
            .iter()
            .map(|c| ColumnMeta {
                name_en: c.name_en,
                name_ja: c.name_ja,
                description_ja: c.description_ja,
                description_en: c.description_en,
                kind: c.kind.name(),
                codes: c
                    .codes
                    .map(|codes| codes().into_iter().map(|(code, label_ja)| CodeMeta { code, label_ja }).collect()),
            })
            .collect(),
    }
}

/// The metadata of an export; `rows` gives each table's row count in the
/// order of [`TABLES`].
pub fn metadata(
    municipalities: &[Municipality],
    rows: [usize; 4],
    header: Header,
    bom: bool,
    licence: &Licence,
    updated: &str,
) -> Metadata {
    Metadata {
        title: both("行政評価オープンデータ（指標・評価・予算・施策体系）", "Administrative evaluation open data (indicators, grades, budgets, plan hierarchies)"),
        description: both(
            "市の行政評価（施策・事業の指標の目標と実績、評価、予算と決算、計画の施策体系）を機械判読可能な形式で提供します。",
            "Administrative evaluation of Japanese municipalities in machine-readable form: indicator targets and actuals of policies and projects, grades, budgets and settlements, and plan hierarchies.",
        ),
        source: both(
            "各団体が公表した行政評価表・自治体経営白書・計画の進捗状況調査票・目標管理シート等を hyoka のデータベースに取り込んだもの。",
            "The evaluation sheets, white papers, plan progress reports and objective sheets published by each municipality, as held in the hyoka database.",
        ),
        municipalities: municipalities.iter().map(|m| MunicipalityMeta { code: m.code.clone(), name: m.name.clone() }).collect(),
        licence: licence.clone(),
        updated: updated.to_string(),
        generator: format!("hyoka {}", env!("CARGO_PKG_VERSION")),
        encoding: Encoding {
            charset: "UTF-8",
            csv_bom: bom,
            csv_line_end: if CSV_LINE_END == "\r\n" { "CRLF" } else { "LF" },
            csv_quoting: "RFC 4180",
            csv_header: header.code(),
            csv_formula_guard: "text fields starting with = + - @ TAB CR or ' get a leading '; numbers are unchanged; JSON is exact",
            json: "UTF-8 without BOM (RFC 8259); keys are the English column names",
        },
        rules: rules(),
        tables: TABLES.iter().zip(rows).map(|(t, n)| table_meta(t, n)).collect(),
    }
}
