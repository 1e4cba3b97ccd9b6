//! Printed documents for the city's staff, one click each: a sheet in its
//! city's layout, the white paper and the summary lists of a fiscal year,
//! as an A4 print page (HTML), PDF or Excel. The same documents as
//! `hyoka report` writes; staff see every year, drafts included (the
//! public portal only ever shows published years).

use crate::http::Query;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use hyoka_core::access::Action;
use hyoka_report::doc::{Document, Orientation};
use maud::{html, Markup};

use hyoka_app::sheet::SheetContext;

use crate::http::{AppError, CityCode, Fy, Id, Params, Routes, Rule, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

pub fn routes(r: Routes) -> Routes {
    r.get("/static/print.css", Rule::Public, portrait_css)
        .get("/static/print-landscape.css", Rule::Public, landscape_css)
        .get("/static/print-dense.css", Rule::Public, dense_css)
        .get("/m/{code}/sheets/{item}/{fy}/print/{format}", Rule::View, sheet)
        .get("/m/{code}/reports", Rule::View, reports_page)
        .get("/m/{code}/reports/{fy}/{report}/{format}", Rule::View, report)
        .get("/m/{code}/reports/{fy}/sheets/{format}", Rule::View, sheets_book)
}

use crate::ui::widgets::DocFormat as Format;

impl Format {
    fn parse(s: &str) -> Result<Format, AppError> {
        match s {
            "html" => Ok(Format::Html),
            "pdf" => Ok(Format::Pdf),
            "xlsx" => Ok(Format::Xlsx),
            "csv" => Ok(Format::Csv),
            _ => Err(AppError::NotFound("出力形式".into())),
        }
    }
}

/// The documents of a fiscal year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Report {
    WhitePaper,
    Summary,
}

impl Report {
    const ALL: [Report; 2] = [Report::WhitePaper, Report::Summary];

    fn parse(s: &str) -> Result<Report, AppError> {
        Report::ALL.into_iter().find(|r| r.segment() == s).ok_or_else(|| AppError::NotFound("帳票".into()))
    }

    /// The path segment.
    fn segment(self) -> &'static str {
        match self {
            Report::WhitePaper => "whitepaper",
            Report::Summary => "summary",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Report::WhitePaper => "白書",
            Report::Summary => "評価の一覧と集計",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Report::WhitePaper => "白書（施策ごとの指標と取り組み状況）",
            Report::Summary => "評価の一覧と集計（評価者・グループ・部ごとの件数、指標の達成率）",
        }
    }

    fn formats(self) -> &'static [Format] {
        match self {
            Report::WhitePaper => &[Format::Html, Format::Pdf, Format::Xlsx],
            Report::Summary => &[Format::Html, Format::Pdf, Format::Xlsx, Format::Csv],
        }
    }
}

/// A sheet as a print page, PDF or Excel, for any member of the city.
async fn sheet(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(item), Fy(fy), format)): Params<(CityCode, Id, Fy, String)>,
) -> Result<Response, AppError> {
    let ctx = SheetContext::load(&s.store, &staff.actor(), &code, item, fy, Action::View).await?;
    let format = Format::parse(&format)?;
    let view = hyoka_report::load_sheet(&s.store, ctx.item.id, ctx.fy).await?;
    let name = format!("{}_{}_{}", ctx.city.name, ctx.item.code, ctx.fy.label());
    let printed = match format {
        Format::Html => Printed::Page(view.document()),
        Format::Pdf => Printed::File(view.pdf()),
        Format::Xlsx => Printed::File(view.xlsx()?),
        Format::Csv => return Err(AppError::NotFound("出力形式".into())),
    };
    Ok(printed.respond(format, &name))
}

/// The white paper or the summary lists of a fiscal year.
async fn report(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy), report, format)): Params<(CityCode, Fy, String, String)>,
) -> Result<Response, AppError> {
    staff.require(Action::View, &code, &[])?;
    let report = Report::parse(&report)?;
    let format = Format::parse(&format)?;
    if !report.formats().contains(&format) {
        return Err(AppError::NotFound("出力形式".into()));
    }
    let city = s.store.municipality(&code).await?;
    let name = format!("{}_{}_{}", city.name, report.title(), fy.label());
    let printed = match report {
        Report::WhitePaper => {
            let paper = hyoka_report::compile_whitepaper(&s.store, &code, fy).await?;
            match format {
                Format::Pdf => Printed::File(paper.pdf()),
                Format::Xlsx => Printed::File(paper.xlsx()?),
                // CSV is not among the white paper's formats (checked above).
                Format::Html | Format::Csv => Printed::Page(paper.document()),
            }
        }
        Report::Summary => {
            let summary = hyoka_report::compile_summary(&s.store, &code, fy).await?;
            match format {
                Format::Html => Printed::Page(summary.document()),
                Format::Pdf => Printed::File(summary.pdf()),
                Format::Xlsx => Printed::File(summary.xlsx()?),
                // With a BOM: Japanese Excel reads UTF-8 only with one.
                Format::Csv => Printed::File(summary.csv(true).into_bytes()),
            }
        }
    };
    Ok(printed.respond(format, &name))
}

/// `?department=ID`: the 部 a year's sheets are limited to.
#[derive(Debug, Default, serde::Deserialize)]
struct BookQuery {
    department: Option<String>,
}

/// Every sheet of a year (or of one 部) in one file, with a cover and a
/// table of contents: PDF, Excel, or the print page.
async fn sheets_book(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Fy(fy), format)): Params<(CityCode, Fy, String)>,
    Query(q): Query<BookQuery>,
) -> Result<Response, AppError> {
    staff.require(Action::View, &code, &[])?;
    let format = Format::parse(&format)?;
    // The 部 by id, as the reports page links it; one of another city is
    // not found.
    let department = match q.department.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(id) => {
            let id: i64 = id.parse().map_err(|_| AppError::NotFound("部".into()))?;
            let d = s.store.departments(&code).await?.into_iter().find(|d| d.id == id);
            Some(d.ok_or_else(|| AppError::NotFound("部".into()))?.name)
        }
    };
    let today = hyoka_core::deadline::today_in_japan(s.app.now());
    let book = hyoka_report::compile_book(&s.store, &code, fy, department.as_deref(), today, &mut |_, _, _| {}).await?;
    let printed = match format {
        Format::Html => Printed::Page(book.document()),
        Format::Pdf => Printed::File(book.pdf()),
        Format::Xlsx => Printed::File(book.xlsx()?),
        Format::Csv => return Err(AppError::NotFound("出力形式".into())),
    };
    Ok(printed.respond(format, &book.file_stem()))
}

/// A document as the browser shows it, or a file to save.
enum Printed {
    Page(Document),
    File(Vec<u8>),
}

impl Printed {
    fn respond(self, format: Format, name: &str) -> Response {
        match self {
            Printed::Page(doc) => print_page(&doc),
            Printed::File(bytes) => download(bytes, format, name),
        }
    }
}

/// Every fiscal year of the city with its documents.
async fn reports_page(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
) -> Result<Markup, AppError> {
    staff.require(Action::View, &code, &[])?;
    let city = s.store.municipality(&code).await?;
    let mut years = s.store.sheet_years(&code, None).await?;
    years.sort_by(|a, b| b.cmp(a));
    let departments = s.store.departments(&code).await?;
    // Per year, the 部 that have sheets in it (for the per-部 files).
    let mut year_departments = Vec::with_capacity(years.len());
    for fy in &years {
        let sheets = s.store.year_sheets(&code, *fy).await?;
        let with: Vec<(i64, String)> = departments
            .iter()
            .filter(|d| sheets.iter().any(|x| x.departments.contains(&d.name)))
            .map(|d| (d.id, d.name.clone()))
            .collect();
        year_departments.push((sheets.len(), with));
    }
    let book_formats = [Format::Pdf, Format::Xlsx, Format::Html];
    let body = html! {
        p {
            "年度ごとの白書と評価の一覧を、印刷用ページ（A4）、PDF、Excel で出力します。"
            "下書きを含む現在の内容です。公開サイトには、公開した年度だけが表示されます。"
            "調査票1件ずつの印刷は、各調査票のページから行えます。"
        }
        h2 { "年度の調査票（1つのファイル）" }
        p {
            "年度の調査票すべてを、表紙と目次（調査票・名称・担当・ページ）を付けて1つの PDF または Excel ブック"
            "（目次と、調査票ごとのワークシート）にします。部ごとにも出力できます。"
        }
        @if !years.is_empty() {
            div class="table-scroll" tabindex="0" role="group" aria-label="表（横にスクロールできます）" {
                table {
                    caption class="sr-only" { "年度ごとの調査票の一括出力" }
                    thead { tr {
                        th scope="col" { "年度" }
                        th scope="col" { "件数" }
                        th scope="col" { "全庁" }
                        th scope="col" { "部ごと" }
                    } }
                    tbody {
                        @for (fy, (count, depts)) in years.iter().zip(&year_departments) {
                            tr {
                                th scope="row" { (fy.label()) }
                                td class="num" { (count) "件" }
                                td {
                                    @for (i, f) in book_formats.iter().enumerate() {
                                        @if i > 0 { " ｜ " }
                                        a href={ "/m/" (code) "/reports/" (fy.year()) "/sheets/" (f.extension()) }
                                            aria-label={ (fy.label()) "の調査票すべて（" (f.label()) "）" } { (f.label()) }
                                    }
                                }
                                td {
                                    @if depts.is_empty() { "（部の登録なし）" }
                                    @else {
                                        details {
                                            summary { (depts.len()) "部" }
                                            ul {
                                                @for (id, name) in depts {
                                                    li {
                                                        (name) "："
                                                        @for (i, f) in book_formats.iter().take(2).enumerate() {
                                                            @if i > 0 { " ｜ " }
                                                            a href={ "/m/" (code) "/reports/" (fy.year()) "/sheets/" (f.extension()) "?department=" (id) }
                                                                aria-label={ (fy.label()) "の" (name) "の調査票（" (f.label()) "）" } { (f.label()) }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "白書と評価の一覧" }
        @if years.is_empty() { p { "調査票のある年度はまだありません。" } }
        @else {
            table {
                caption class="sr-only" { "年度ごとの帳票" }
                thead { tr {
                    th scope="col" { "年度" }
                    @for report in Report::ALL { th scope="col" { (report.description()) } }
                } }
                tbody {
                    @for fy in &years {
                        tr {
                            th scope="row" { (fy.label()) }
                            @for report in Report::ALL {
                                td {
                                    @for (i, f) in report.formats().iter().enumerate() {
                                        @if i > 0 { " ｜ " }
                                        a href={ "/m/" (code) "/reports/" (fy.year()) "/" (report.segment()) "/" (f.extension()) }
                                            aria-label={ (fy.label()) "の" (report.title()) "（" (f.label()) "）" } { (f.label()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let crumbs = [(city.name.clone(), format!("/m/{code}"))];
    Ok(staff_page(staff.bar(), "帳票の出力", &crumbs, body))
}

/// The print page, its stylesheet linked: the CSP allows no inline style.
fn print_page(doc: &Document) -> Response {
    let href = match (doc.orientation, doc.dense) {
        (Orientation::Portrait, false) => "/static/print.css",
        // 三鷹市's one-page form.
        (Orientation::Portrait, true) => "/static/print-dense.css",
        (Orientation::Landscape, _) => "/static/print-landscape.css",
    };
    ([(CONTENT_TYPE, "text/html; charset=utf-8")], hyoka_report::html::render_linked(doc, href)).into_response()
}

/// A file to save, named after the city, the document and the year. The
/// name is given both ways: `filename*` (RFC 6266/5987) for browsers, an
/// ASCII fallback for others.
fn download(bytes: Vec<u8>, format: Format, name: &str) -> Response {
    let content_type = match format {
        Format::Html => "text/html; charset=utf-8", // not sent as a file today
        Format::Pdf => "application/pdf",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Format::Csv => "text/csv; charset=utf-8",
    };
    let ext = format.extension();
    let disposition =
        format!("attachment; filename=\"hyoka.{ext}\"; filename*=UTF-8''{}.{ext}", crate::http::url::encode(name));
    let mut res = ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "private, no-store")], bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(CONTENT_DISPOSITION, v);
    }
    res
}

async fn portrait_css() -> impl IntoResponse {
    css(Orientation::Portrait)
}

async fn landscape_css() -> impl IntoResponse {
    css(Orientation::Landscape)
}

async fn dense_css() -> impl IntoResponse {
    css_text(hyoka_report::html::document_stylesheet(Orientation::Portrait, true))
}

fn css(orientation: Orientation) -> impl IntoResponse {
    css_text(hyoka_report::html::stylesheet(orientation))
}

fn css_text(css: String) -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")], css)
}
