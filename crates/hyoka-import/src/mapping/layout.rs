//! Where the mapping's columns are in the sheet: the header row (given or
//! found), then every column the mapping names, by letter or by header.

use hyoka_core::text::squeeze;

use super::column::Column;
use super::spec::{ColumnRef, SheetSpec};
use super::value::printed;
use super::workbook::Sheet;
use crate::canonical::limits::column_letters;
use crate::error::{shown, ImportError, Place};

/// How far down a sheet the header is looked for.
const HEADER_SEARCH_ROWS: u32 = 100;

/// One column the mapping uses.
#[derive(Clone, Debug)]
pub struct Col {
    pub index: u32,
    /// `AB（事業名）`: the letter and the header as printed.
    pub label: String,
    /// The header as printed, trimmed (empty when the header cell is).
    pub header: String,
    /// The mapping key that names it: `indicators[0].values[1].column`.
    pub key: String,
}

impl Col {
    /// A problem with this column's cell in `row` (0-based).
    pub fn error(&self, sheet: &Sheet, row: u32, message: impl std::fmt::Display) -> ImportError {
        ImportError::new(
            Place { column: Some(self.label.clone()), ..sheet.place_at(row, self.index) },
            format!("{message}（対応表の {}）", self.key),
        )
    }
}

/// The header row: its 0-based number and each column's text.
pub struct Header {
    pub row: u32,
    pub texts: Vec<String>,
}

pub fn header(sheet: &Sheet, spec: &SheetSpec, key: &str) -> Result<Header, ImportError> {
    let texts = |row: u32| -> Vec<String> {
        sheet.rows.get(&row).map_or_else(Vec::new, |cells| {
            cells.iter().map(|c| printed(c).ok().flatten().unwrap_or_default()).collect()
        })
    };
    if let Some(n) = spec.header_row {
        let row = n - 1;
        if !sheet.rows.contains_key(&row) {
            return Err(ImportError::new(
                sheet.place(row),
                format!("見出しの行（{n}行目）が空です（対応表の {key}.header_row）"),
            ));
        }
        return Ok(Header { row, texts: texts(row) });
    }
    let wanted: Vec<String> = spec.header_find.iter().map(|h| squeeze(h)).collect();
    for (&row, _) in sheet.rows.range(0..HEADER_SEARCH_ROWS) {
        let t = texts(row);
        let keys: Vec<String> = t.iter().map(|s| squeeze(s)).collect();
        if wanted.iter().all(|w| keys.contains(w)) {
            return Ok(Header { row, texts: t });
        }
    }
    let list: Vec<String> = spec.header_find.iter().map(|h| format!("「{}」", shown(h))).collect();
    Err(ImportError::new(
        Place { sheet: sheet.name.clone(), ..Place::file(&sheet.file) },
        format!(
            "見出し {} をすべて含む行が上から {HEADER_SEARCH_ROWS} 行の中にありません（対応表の {key}.header_find）",
            list.join("、")
        ),
    ))
}

/// Finds the columns, collecting every one that is missing.
pub struct Resolver<'a> {
    pub sheet: &'a Sheet,
    pub header: &'a Header,
    pub problems: Vec<ImportError>,
}

impl Resolver<'_> {
    pub fn col(&mut self, key: &str, r: &ColumnRef) -> Option<Col> {
        // Whose header: the main sheet's, or a joined sheet's by the name
        // its [[join]] gives it.
        let (joined, texts, sheet_place) = match &r.sheet {
            None => (None, &self.header.texts, self.sheet.place(self.header.row)),
            Some(name) => {
                let want = squeeze(name);
                match self.sheet.joined.iter().position(|j| squeeze(&j.alias) == want) {
                    Some(j) => {
                        let joined = &self.sheet.joined[j];
                        let place = Place {
                            sheet: Some(joined.name.clone()),
                            row: Some(joined.header_row as usize + 1),
                            ..Place::file(&self.sheet.file)
                        };
                        (Some(j), &joined.header, place)
                    }
                    None if self.sheet.name.as_deref().is_some_and(|n| squeeze(n) == want) => {
                        (None, &self.header.texts, self.sheet.place(self.header.row))
                    }
                    None => {
                        let names: Vec<String> =
                            self.sheet.joined.iter().map(|j| format!("「{}」", shown(&j.alias))).collect();
                        let known = if names.is_empty() {
                            "対応表に [[join]] がありません".to_string()
                        } else {
                            format!("結合したシート: {}", names.join("、"))
                        };
                        self.problems.push(ImportError::new(
                            Place { sheet: self.sheet.name.clone(), ..Place::file(&self.sheet.file) },
                            format!(
                                "シート「{}」は対応表の join で結合したシートではありません（対応表の {key}）。{known}",
                                shown(name)
                            ),
                        ));
                        return None;
                    }
                }
            }
        };
        let index = match &r.at {
            Column::Letter(i) => *i,
            Column::Header { text, nth } => {
                let want = squeeze(text);
                let found: Vec<u32> =
                    (0..texts.len() as u32).filter(|&i| squeeze(&texts[i as usize]) == want).collect();
                if nth.is_none() && found.len() > 1 {
                    let letters: Vec<String> = found.iter().map(|&i| column_letters(i)).collect();
                    self.problems.push(ImportError::new(
                        Place { column: Some(shown(text)), ..sheet_place },
                        format!(
                            "見出し「{}」の列が {} 列あります（{}）。「{}#2」のように何番目かを書くか、列記号で指定してください（対応表の {key}）",
                            shown(text),
                            found.len(),
                            letters.join("、"),
                            shown(text)
                        ),
                    ));
                    return None;
                }
                match found.get(nth.unwrap_or(1) - 1) {
                    Some(&i) => i,
                    None => {
                        let how = match found.len() {
                            0 => "がありません".to_string(),
                            n => format!("は {n} 列しかありません"),
                        };
                        self.problems.push(ImportError::new(
                            Place { column: Some(shown(text)), ..sheet_place },
                            format!(
                                "見出し「{}」の列{how}（対応表の {key}）。見出しの文字を確かめるか、列記号（AB など）で指定してください",
                                shown(text)
                            ),
                        ));
                        return None;
                    }
                }
            }
        };
        let header = texts.get(index as usize).cloned().unwrap_or_default();
        let letter = column_letters(index);
        let label = if header.is_empty() { letter } else { format!("{letter}（{}）", shown(&header)) };
        // A later row of a project, or a joined sheet: the extra columns
        // that hold it on the project's first row. A row no project has is
        // a column that is always blank.
        let row = r.row.unwrap_or(1);
        let index = if joined.is_none() && row == 1 {
            index
        } else {
            self.sheet
                .extra
                .iter()
                .find(|s| s.joined == joined && s.row == row && index < s.width)
                .map_or(u32::MAX, |s| s.base + index)
        };
        Some(Col { index, label, header, key: key.to_string() })
    }

    pub fn opt(&mut self, key: &str, r: &Option<ColumnRef>) -> Option<Col> {
        r.as_ref().and_then(|r| self.col(key, r))
    }
}
