//! Pieces of pages that the staff pages and the public portal share.

use hyoka_core::chart::TrendChart;
use hyoka_core::sheet::{ScheduleRow, FISCAL_MONTHS};
use hyoka_core::Yen;
use hyoka_store::HistoryEntry;
use maud::{html, Markup, PreEscaped};

use crate::ui::format::jst;

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

/// One year of an indicator's trend as its table shows it: the cells as
/// each page marks them up (`td`s), the judgement printed and computed.
pub struct TrendLine {
    pub year: String,
    pub baseline: Markup,
    pub target: Markup,
    pub actual: Markup,
    pub printed: Option<String>,
    pub computed: Option<String>,
}

/// An indicator's chart and, beside it, a table with the same values for
/// people who cannot see the chart (and for copying the numbers), with the
/// note on how to read it; `note` adds a sentence. A printed judgement
/// that contradicts the numbers is flagged. The staff's indicator page and
/// the portal's show the same.
pub fn trend_chart_and_table(chart: &TrendChart, lines: &[TrendLine], baselines: bool, note: Option<&str>) -> Markup {
    // Milestones and phrases only (`導入`, `再構築`): an empty axis says nothing.
    let plotted = !chart.years.is_empty() && !chart.plot().points.is_empty();
    html! {
        div class="chart-pair" {
            @if plotted {
                // The SVG escapes all of its text itself (hyoka_core::chart).
                div class="chart" { (PreEscaped(chart.to_svg())) }
            }
            div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                table class="chart-data" {
                    caption { "年度別の目標と実績（記載どおりの表記）" }
                    thead { tr {
                        th scope="col" { "年度" }
                        @if baselines { th scope="col" { "基準値" } }
                        th scope="col" { "目標" } th scope="col" { "実績" }
                        th scope="col" { "判定（記載）" } th scope="col" { "判定（計算）" }
                    } }
                    tbody {
                        @for l in lines {
                            @let differs = matches!((&l.printed, &l.computed), (Some(p), Some(c)) if p != c);
                            tr {
                                th scope="row" { (l.year) }
                                @if baselines { (l.baseline) }
                                (l.target)
                                (l.actual)
                                td class={ @if differs { "warn" } } {
                                    (l.printed.clone().unwrap_or_default())
                                    @if differs { " " span class="badge" { "計算と不一致" } }
                                }
                                td { (l.computed.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
        p class="note" {
            @if plotted {
                "グラフでは、目標を破線と四角、実績を実線と丸で示します。"
                "空欄や「—」は0ではないため点を打たず、線を途切れさせています。"
            } @else {
                "数値で表せる記載がないため、グラフは表示していません。年度ごとの記載は表のとおりです。"
            }
            @if let Some(n) = note { (n) }
        }
    }
}

/// Changes as recorded (a sheet's procedure, a city's administration):
/// when, who, which field, before and after.
pub fn history_table(entries: &[HistoryEntry]) -> Markup {
    html! {
        table {
            thead { tr {
                th scope="col" { "日時" } th scope="col" { "操作した人" } th scope="col" { "項目" }
                th scope="col" { "変更前" } th scope="col" { "変更後" }
            } }
            tbody {
                @for h in entries {
                    tr {
                        th scope="row" { (jst(&h.at)) }
                        td { (h.account_name.clone().unwrap_or_default()) }
                        td { (h.field) }
                        td { (h.before.clone().unwrap_or_default()) }
                        td { (h.after.clone().unwrap_or_default()) }
                    }
                }
            }
        }
    }
}
