//! A column as a mapping names it: by letter (`AB`) or header text
//! (`事業名`, the n-th of that header with `事業名#2`), in the main sheet
//! or in a joined one (`指標・コスト!指標名`, as Excel writes `Sheet!A1`),
//! and on the first or a later row of a project that spans several rows
//! (`{ header = "指標名", row = 2 }`).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::canonical::limits::column_letters;
use crate::error::shown;

/// A column, by its letter (`AB`) or its header text (`事業名`); the n-th
/// column of that header with `事業名#2` or `{ header = "事業名", nth = 2 }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRef {
    /// A joined sheet by the name its `[[join]]` gives it; `None`: the
    /// main sheet.
    pub sheet: Option<String>,
    /// The row within the project's rows (1-based); a project spans
    /// several rows when its key cell is merged over them.
    pub row: Option<u32>,
    pub at: Column,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    /// 0-based.
    Letter(u32),
    Header {
        text: String,
        nth: Option<usize>,
    },
}

impl ColumnRef {
    /// A column of the main sheet by its 0-based index.
    pub fn letter(index: u32) -> ColumnRef {
        ColumnRef { sheet: None, row: None, at: Column::Letter(index) }
    }

    /// The column `by` columns to the right: a letter moves, a header
    /// with a number (`単位#1`) takes the `steps`-th next one of its name.
    /// The sheet and the row stay.
    pub(super) fn shifted(&self, by: u32, steps: u32) -> Result<ColumnRef, String> {
        let at = match &self.at {
            Column::Letter(i) => match i.checked_add(by) {
                Some(n) if n < 16_384 => Column::Letter(n),
                _ => return Err("繰り返した列が最後の列（XFD）を超えます".into()),
            },
            Column::Header { text, nth: Some(n) } => {
                Column::Header { text: text.clone(), nth: Some(n + steps as usize) }
            }
            Column::Header { text, nth: None } => {
                return Err(format!(
                    "繰り返す列は列記号か「{}#1」のように番号つきの見出しで書いてください",
                    shown(text)
                ))
            }
        };
        Ok(ColumnRef { at, ..self.clone() })
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.sheet {
            write!(f, "シート「{s}」の")?;
        }
        match &self.at {
            Column::Letter(i) => write!(f, "{}列", column_letters(*i))?,
            Column::Header { text, nth: None } => write!(f, "見出し「{text}」")?,
            Column::Header { text, nth: Some(n) } => write!(f, "{n}番目の見出し「{text}」")?,
        }
        if let Some(r) = self.row {
            write!(f, "（{r}行目）")?;
        }
        Ok(())
    }
}

/// `AB` → 27; anything else is not a column letter.
fn letters(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let n = s.bytes().fold(0u32, |n, b| n * 26 + (b - b'A' + 1) as u32);
    // XFD, the last column of a sheet.
    (n <= 16_384).then(|| n - 1)
}

fn column_from_text(s: &str) -> Result<ColumnRef, String> {
    let s = s.trim();
    // `指標・コスト!指標名`: a joined sheet, as Excel writes `Sheet!A1`.
    if let Some((sheet, rest)) = s.split_once('!') {
        let sheet = sheet.trim().trim_matches('\'').trim();
        if sheet.is_empty() {
            return Err("「!」の前にシートの名前がありません".into());
        }
        let inner = column_from_text(rest)?;
        if inner.sheet.is_some() {
            return Err("「!」は1つだけ書けます".into());
        }
        return Ok(ColumnRef { sheet: Some(sheet.to_string()), ..inner });
    }
    if s.is_empty() {
        return Err("列が空です".into());
    }
    if let Some(i) = letters(s) {
        return Ok(ColumnRef::letter(i));
    }
    if let Some((text, n)) = s.rsplit_once('#') {
        if let Ok(nth) = n.trim().parse::<usize>() {
            if nth == 0 {
                return Err("「#」の後の番号は 1 から数えます".into());
            }
            return Ok(ColumnRef {
                sheet: None,
                row: None,
                at: Column::Header { text: text.trim().to_string(), nth: Some(nth) },
            });
        }
    }
    Ok(ColumnRef { sheet: None, row: None, at: Column::Header { text: s.to_string(), nth: None } })
}

impl<'de> Deserialize<'de> for ColumnRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ColumnRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColumnRef, E> {
                column_from_text(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ColumnRef, A::Error> {
                let (mut letter, mut header, mut nth) = (None::<String>, None::<String>, None::<usize>);
                let (mut sheet, mut row) = (None::<String>, None::<u32>);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "letter" => letter = Some(map.next_value()?),
                        "header" => header = Some(map.next_value()?),
                        "nth" => nth = Some(map.next_value()?),
                        "sheet" => sheet = Some(map.next_value()?),
                        "row" => row = Some(map.next_value()?),
                        other => {
                            return Err(de::Error::custom(format!(
                                "キー {} は使えません（letter、header、nth、sheet、row のいずれか）",
                                shown(other)
                            )))
                        }
                    }
                }
                if row == Some(0) {
                    return Err(de::Error::custom("row は 1 から数えます"));
                }
                let sheet = match sheet.map(|s| s.trim().to_string()) {
                    Some(s) if s.is_empty() => return Err(de::Error::custom("sheet が空です")),
                    s => s,
                };
                let at = match (letter, header) {
                    (Some(l), None) if nth.is_none() => letters(l.trim()).map(Column::Letter).ok_or_else(|| {
                        de::Error::custom(format!("「{}」は列記号（A〜XFD）ではありません", shown(&l)))
                    })?,
                    (None, Some(h)) if !h.trim().is_empty() => match nth {
                        Some(0) => return Err(de::Error::custom("nth は 1 から数えます")),
                        nth => Column::Header { text: h.trim().to_string(), nth },
                    },
                    _ => return Err(de::Error::custom("letter か header（と nth）のどちらか一方を書いてください")),
                };
                Ok(ColumnRef { sheet, row, at })
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str, nth: Option<usize>) -> Column {
        Column::Header { text: text.into(), nth }
    }

    #[test]
    fn columns_by_letter_header_and_nth() {
        assert_eq!(column_from_text("AB").unwrap(), ColumnRef::letter(27));
        assert_eq!(column_from_text("事業名").unwrap().at, header("事業名", None));
        assert_eq!(column_from_text("目標#2").unwrap().at, header("目標", Some(2)));
        assert_eq!(column_from_text("Ab").unwrap().at, header("Ab", None));
    }

    #[test]
    fn a_joined_sheet_is_named_before_an_exclamation_mark() {
        let c = column_from_text("指標・コスト!目標#2").unwrap();
        assert_eq!((c.sheet.as_deref(), c.row, c.at), (Some("指標・コスト"), None, header("目標", Some(2))));
        let c = column_from_text("'指標・コスト'!C").unwrap();
        assert_eq!((c.sheet.as_deref(), c.at), (Some("指標・コスト"), Column::Letter(2)));
        assert!(column_from_text("!C").unwrap_err().contains("シートの名前"));
        assert!(column_from_text("a!b!C").unwrap_err().contains("1つだけ"));
    }

    #[test]
    fn a_table_names_the_sheet_and_the_row() {
        #[derive(Deserialize)]
        struct T {
            c: ColumnRef,
        }
        let t: T = toml::from_str("c = { sheet = \"指標\", header = \"指標名\", row = 2 }").unwrap();
        assert_eq!((t.c.sheet.as_deref(), t.c.row, &t.c.at), (Some("指標"), Some(2), &header("指標名", None)));
        assert!(toml::from_str::<T>("c = { letter = \"C\", row = 0 }").is_err());
        // Repeating keeps the sheet and the row.
        let t: T = toml::from_str("c = { sheet = \"指標\", letter = \"C\", row = 2 }").unwrap();
        let moved = t.c.shifted(3, 1).unwrap();
        assert_eq!((moved.sheet.as_deref(), moved.row, moved.at), (Some("指標"), Some(2), Column::Letter(5)));
        assert_eq!(
            ColumnRef { sheet: Some("指標".into()), row: Some(2), at: Column::Letter(2) }.to_string(),
            "シート「指標」のC列（2行目）"
        );
    }
}
