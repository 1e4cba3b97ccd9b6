//! Pieces of pages that the staff pages and the public portal share.

use hyoka_core::sheet::{ScheduleRow, FISCAL_MONTHS};
use hyoka_core::Yen;
use maud::{html, Markup};

/// A monthly schedule (4月 … 3月) with staff hours when any row has them.
pub fn schedule_table(rows: &[ScheduleRow]) -> Markup {
    let hours = rows.iter().any(|r| r.hours_regular.is_some() || r.hours_other.is_some());
    html! {
        h2 { "スケジュール" }
        div class="scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
            table {
                caption class="sr-only" { "月ごとの計画と実績" }
                thead { tr {
                    th scope="col" { "内容" } th scope="col" { "区分" }
                    @for m in FISCAL_MONTHS { th scope="col" { (m) } }
                    @if hours { th scope="col" { "従事時間（正職員）" } th scope="col" { "従事時間（その他）" } }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            th scope="row" { (r.label) }
                            td { @if r.kind == "actual" { "実績" } @else { "計画" } }
                            @for m in &r.months { td { (m) } }
                            @if hours {
                                td class="num" { (r.hours_regular.clone().unwrap_or_default()) }
                                td class="num" { (r.hours_other.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An amount as printed in a table; blank stays blank, never 0.
pub fn yen(v: Option<Yen>) -> String {
    v.map(|y| y.to_string()).unwrap_or_default()
}

/// The forms a document is offered in (`/print/{format}`, `/reports/…/{format}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocFormat {
    /// The A4 print page, opened in the browser.
    Html,
    Pdf,
    Xlsx,
    /// Summary lists only: the list of every item, for a spreadsheet.
    Csv,
}

impl DocFormat {
    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Html => "html",
            DocFormat::Pdf => "pdf",
            DocFormat::Xlsx => "xlsx",
            DocFormat::Csv => "csv",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocFormat::Html => "印刷用ページ",
            DocFormat::Pdf => "PDF",
            DocFormat::Xlsx => "Excel",
            DocFormat::Csv => "CSV",
        }
    }
}

/// Links to a sheet's print page, PDF and Excel, for the sheet page.
pub fn sheet_links(sheet_href: &str) -> Markup {
    html! {
        @for f in [DocFormat::Html, DocFormat::Pdf, DocFormat::Xlsx] {
            " ｜ "
            a href={ (sheet_href) "/print/" (f.extension()) } { "印刷・出力: " (f.label()) }
        }
    }
}
