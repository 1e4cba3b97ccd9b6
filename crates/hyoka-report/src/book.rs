//! A whole year in one file: every sheet of a city's fiscal year (or of one
//! 部), each in its city's layout, behind a cover (city, year, title, date)
//! and a table of contents (sheet code, title, responsible units, page or
//! worksheet). As one PDF, and as one workbook with a 目次 worksheet and one
//! formatted worksheet per sheet.
//!
//! The sheets are those of the staff's list of the year
//! (`Store::year_sheets`: sheets begun, and items printed for the year that
//! have none yet), in printed-code order (企-2 before 企-10). Each is the
//! same document as the single sheet's print ([`SheetView::document`]),
//! its headings one level down under the sheet's own heading.

use hyoka_core::text::natural_key;
use hyoka_core::{FiscalYear, JpDate};
use hyoka_store::Store;

use crate::doc::{Align, Block, Cell, Document, Orientation, Table};
use crate::sheet::{load_sheet, SheetView};
use crate::xlsx::{form_sheet, sheet_name, Sheet, XCell};
use crate::ReportError;

/// The sheets of a year with what the cover prints.
#[derive(Clone, Debug)]
pub struct SheetBook {
    pub municipality_code: String,
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    /// The 部 the book is limited to, if any.
    pub department: Option<String>,
    /// The name of the city's sheet (個別事業評価表, 行政評価表…).
    pub form: String,
    pub printed_on: JpDate,
    /// Whether the year is locked (確定): the cover then says the content is
    /// final, else that drafts are in it.
    pub locked: bool,
    pub sheets: Vec<SheetView>,
}

/// The page column of the table of contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pages<'a> {
    /// A print page: the browser numbers the pages.
    Omitted,
    /// The first layout pass: a stand-in as wide as a page number.
    Unknown,
    /// The first page (1-based) of each sheet.
    Known(&'a [usize]),
}

/// The name of the 目次 worksheet and the TOC heading.
pub const CONTENTS: &str = "目次";

/// Gathers the sheets of a year, calling `progress(done, total, code)` after
/// each one. `department` is a 部's name (or its id) and limits the book to
/// the sheets of its sections.
pub async fn compile_book(
    store: &Store,
    municipality: &str,
    fiscal_year: FiscalYear,
    department: Option<&str>,
    printed_on: JpDate,
    progress: &mut (dyn FnMut(usize, usize, &str) + Send),
) -> Result<SheetBook, ReportError> {
    let city = store.municipality(municipality).await?;
    let department = match department.map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(wanted) => {
            let all = store.departments(municipality).await?;
            match all.iter().find(|d| d.name == wanted || d.id.to_string() == wanted) {
                Some(d) => Some(d.name.clone()),
                None => {
                    let names: Vec<&str> = all.iter().map(|d| d.name.as_str()).collect();
                    return Err(ReportError::Empty(format!(
                        "部「{wanted}」は{}にありません（部の名前で指定してください: {}）",
                        city.name,
                        if names.is_empty() { "部の登録がありません".to_string() } else { names.join("、") }
                    )));
                }
            }
        }
    };
    let mut listed = store.year_sheets(municipality, fiscal_year).await?;
    if let Some(d) = &department {
        listed.retain(|s| s.departments.iter().any(|x| x == d));
    }
    listed.sort_by_cached_key(|s| natural_key(&s.code));
    if listed.is_empty() {
        let scope = department.as_deref().map(|d| format!("の{d}")).unwrap_or_default();
        return Err(ReportError::Empty(format!("{}{scope}の{}の調査票はありません", city.name, fiscal_year.label())));
    }
    let total = listed.len();
    let mut sheets = Vec::with_capacity(total);
    for (i, s) in listed.iter().enumerate() {
        sheets.push(load_sheet(store, s.item_id, fiscal_year).await?);
        progress(i + 1, total, &s.code);
    }
    let form = crate::city::sheet_layout(store, municipality).await.name;
    let locked = store.fiscal_years(municipality).await?.iter().any(|y| y.fiscal_year == fiscal_year && y.locked);
    Ok(SheetBook {
        municipality_code: city.code.clone(),
        municipality: city.name.clone(),
        fiscal_year,
        department,
        form,
        printed_on,
        locked,
        sheets,
    })
}

impl SheetBook {
    /// `三鷹市 令和2年度 個別事業評価表`: the cover's title and every page's
    /// footer.
    pub fn title(&self) -> String {
        format!("{} {} {}", self.municipality, self.fiscal_year.label(), self.form)
    }

    /// The 部 the book is limited to, or 全庁.
    pub fn scope(&self) -> String {
        self.department.clone().unwrap_or_else(|| "全庁".into())
    }

    /// The file name without extension: `三鷹市_令和2年度_個別事業評価表_企画部`.
    pub fn file_stem(&self) -> String {
        let mut s = format!("{}_{}_{}", self.municipality, self.fiscal_year.label(), self.form);
        if let Some(d) = &self.department {
            s.push('_');
            s.push_str(d);
        }
        s
    }

    /// The heading each sheet starts with: `企-1 地域ケアネットワークの推進`.
    pub fn sheet_heading(view: &SheetView) -> String {
        format!("{} {}", view.item.code, view.item.title)
    }

    /// The book as one document for a print page (HTML): its contents
    /// have no page column, the browser numbers the pages.
    pub fn document(&self) -> Document {
        self.document_with(Pages::Omitted)
    }

    fn document_with(&self, pages: Pages) -> Document {
        let mut doc = Document::new(self.title());
        // One orientation per file: landscape when every sheet is (東村山市).
        if self.sheets.iter().all(|v| v.orientation() == Orientation::Landscape) {
            doc.orientation = Orientation::Landscape;
        }
        doc.dense = !self.sheets.is_empty() && self.sheets.iter().all(SheetView::dense);
        doc.subtitle = Some(self.scope());
        doc.push(Block::Facts(vec![
            ("団体".into(), format!("{}（{}）", self.municipality, self.municipality_code)),
            ("年度".into(), self.fiscal_year.label_with_western()),
            ("対象".into(), self.scope()),
            ("調査票".into(), format!("{}件", self.sheets.len())),
            ("作成日".into(), self.printed_on.wareki()),
        ]));
        let content = if self.locked {
            "確定した年度の内容です。"
        } else {
            "作成日現在の内容です（この年度は確定前のため、下書きを含みます）。"
        };
        doc.push(Block::Note(format!("{content}各調査票は、その様式の見出しと順序で印刷しています。")));
        doc.push(Block::PageBreak);
        doc.heading(1, CONTENTS);
        let mut toc = Table { caption: Some(CONTENTS.into()), widths: vec![0.6, 1.4, 4.6, 2.6], ..Table::default() };
        let mut head: Vec<Cell> = ["No.", "調査票", "名称", "担当"].into_iter().map(Cell::col).collect();
        if pages != Pages::Omitted {
            head.push(Cell::col("ページ"));
            toc.widths.push(0.8);
        }
        toc.head.push(head);
        for (i, v) in self.sheets.iter().enumerate() {
            let mut row = vec![
                Cell::figure((i + 1).to_string()),
                Cell::row(v.item.code.clone()),
                Cell::text(v.item.title.clone()),
                Cell::text(v.responsible()),
            ];
            match pages {
                Pages::Omitted => {}
                // Before the pages are known the column holds a stand-in as
                // wide as a page number, so the contents take the same pages.
                Pages::Unknown => row.push(Cell::figure("000").align(Align::End)),
                Pages::Known(p) => {
                    row.push(Cell::figure(p.get(i).map(ToString::to_string).unwrap_or_default()).align(Align::End))
                }
            }
            toc.body.push(row);
        }
        doc.push(Block::Table(toc));
        for v in &self.sheets {
            doc.push(Block::PageBreak);
            doc.heading(1, Self::sheet_heading(v));
            let sheet = v.document();
            // The form and year as the city heads its sheet; the heading
            // above already names the item (the sheet's title repeated it).
            doc.paragraph(format!("{} {}", v.fiscal_year.label(), v.layout.name));
            for block in sheet.blocks {
                doc.push(match block {
                    Block::Heading { level, text } => Block::Heading { level: (level + 1).min(5), text },
                    other => other,
                });
            }
        }
        doc
    }

    /// The first page (1-based) of each sheet in `laid`.
    fn sheet_pages(laid: &crate::pdf::layout::Laid) -> Vec<usize> {
        // The first break starts the contents; one break per sheet follows.
        laid.breaks.iter().skip(1).map(|p| p + 1).collect()
    }

    /// The book as PDF: laid out once to learn where each sheet starts, then
    /// again with those pages in the contents (the stand-in takes the same
    /// room, so the pages do not move; checked, with a third pass if they do).
    pub fn pdf(&self) -> Vec<u8> {
        let mut doc = self.document_with(Pages::Unknown);
        let mut laid = crate::pdf::layout::layout(&doc);
        let mut pages: Option<Vec<usize>> = None;
        for _ in 0..3 {
            let found = Self::sheet_pages(&laid);
            if pages.as_ref() == Some(&found) {
                break;
            }
            doc = self.document_with(Pages::Known(&found));
            laid = crate::pdf::layout::layout(&doc);
            pages = Some(found);
        }
        crate::pdf::write::write(&laid, &doc.title)
    }

    /// The worksheet names: 目次, then one per sheet (its code, made valid
    /// and unique).
    pub fn worksheet_names(&self) -> Vec<String> {
        let mut names = vec![CONTENTS.to_string()];
        for v in &self.sheets {
            let name = sheet_name(&v.item.code, &names);
            names.push(name);
        }
        names
    }

    /// 目次 and one formatted worksheet per sheet.
    pub fn sheets(&self) -> Vec<Sheet> {
        let names = self.worksheet_names();
        let mut toc = Sheet { name: CONTENTS.into(), layout: true, ..Sheet::default() };
        toc.widths = vec![6.0, 14.0, 52.0, 30.0, 14.0];
        toc.rows.push(vec![XCell::Heading(self.title())]);
        toc.spans.push((0, 0, 4));
        toc.rows.push(vec![XCell::text(self.scope())]);
        toc.spans.push((1, 0, 4));
        for (k, v) in [
            ("団体", format!("{}（{}）", self.municipality, self.municipality_code)),
            ("年度", self.fiscal_year.label_with_western()),
            ("対象", self.scope()),
            ("調査票", format!("{}件", self.sheets.len())),
            ("作成日", self.printed_on.wareki()),
        ] {
            let r = toc.rows.len();
            toc.rows.push(vec![XCell::Label(k.into()), XCell::Empty, XCell::text(v)]);
            toc.spans.push((r, 0, 1));
        }
        toc.rows.push(Vec::new());
        toc.rows.push(["No.", "調査票", "名称", "担当", "ワークシート"].map(|h| XCell::Head(h.into())).to_vec());
        for (i, (v, name)) in self.sheets.iter().zip(names.iter().skip(1)).enumerate() {
            toc.rows.push(vec![
                XCell::int(i as i64 + 1),
                XCell::Label(v.item.code.clone()),
                XCell::text(v.item.title.clone()),
                XCell::text(v.responsible()),
                XCell::Link { text: name.clone(), sheet: name.clone() },
            ]);
        }
        let mut out = vec![toc];
        for (v, name) in self.sheets.iter().zip(names.iter().skip(1)) {
            out.push(form_sheet(name, &v.document()));
        }
        out
    }

    pub fn xlsx(&self) -> Result<Vec<u8>, ReportError> {
        crate::xlsx::workbook(&self.title(), &self.sheets())
    }
}
