//! Measures a workbook before it is opened: the ZIP directory, every part
//! unpacked (streamed through a small buffer, never held), the cells and
//! shared strings counted, the longest text and every cell position
//! checked. calamine trusts what the file declares (it reserves as many
//! shared strings as the file says there are, and its cell positions
//! overflow on absurd references); after this scan it reads only files
//! within [`super::limits`].

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::limits::{
    bytes_text, MAX_CELLS, MAX_CELL_CHARS, MAX_DIRECTORY_BYTES, MAX_OTHER_PART_BYTES, MAX_PARTS, MAX_SHARED_STRINGS,
    MAX_SHEET_PART_BYTES, MAX_UNPACKED_BYTES,
};
use crate::error::{ImportError, Place};

pub(crate) const CORRUPT: &str = "XLSXファイルとして読み取れません（壊れているか途中で切れています）";

const WHY: &str = "標準形式のブックとしては大きすぎるため読み込みません（壊れたファイルか、意図的に作られたファイルの可能性があります）";

/// Text between two tags, in bytes: a cell's characters, each escaped at
/// worst as `&quot;`.
const MAX_TEXT_RUN: usize = MAX_CELL_CHARS * 6;
/// One tag with its attributes.
const MAX_TAG_BYTES: usize = 64 * 1024;

/// Refuses a workbook beyond the limits; reads nothing into memory.
pub(crate) fn inspect(file: &str, bytes: &[u8]) -> Result<(), ImportError> {
    let refuse = |message: String| Err(ImportError::new(Place::file(file), message));
    let corrupt = |_| ImportError::new(Place::file(file), CORRUPT);
    let (parts, directory) = directory(bytes).ok_or_else(|| ImportError::new(Place::file(file), CORRUPT))?;
    if parts > MAX_PARTS as u64 {
        return refuse(format!("XLSX の部品（ファイル）が {parts} 個あります（上限 {MAX_PARTS} 個）。{WHY}"));
    }
    if directory > MAX_DIRECTORY_BYTES {
        return refuse(format!("XLSX の目録が {} を超えます。{WHY}", bytes_text(MAX_DIRECTORY_BYTES)));
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let (mut total, mut cells) = (0u64, 0u64);
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(corrupt)?;
        let name = part.name().to_string();
        let kind = Kind::of(&name);
        let limit = match kind {
            Kind::Other => MAX_OTHER_PART_BYTES,
            Kind::Sheet | Kind::Strings => MAX_SHEET_PART_BYTES,
        };
        let too_big = || format!("XLSX の部品「{name}」は展開すると {} を超えます。{WHY}", bytes_text(limit));
        if part.size() > limit {
            return refuse(too_big());
        }
        let mut scan = Scanner { kind, ..Scanner::default() };
        let mut read = 0u64;
        loop {
            let n = part.read(&mut buf).map_err(|_| ImportError::new(Place::file(file), CORRUPT))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            total += n as u64;
            if read > limit {
                return refuse(too_big());
            }
            if total > MAX_UNPACKED_BYTES {
                return refuse(format!(
                    "XLSX を展開した大きさが合計 {} を超えます。{WHY}",
                    bytes_text(MAX_UNPACKED_BYTES)
                ));
            }
            if kind != Kind::Other {
                scan.feed(&buf[..n])
                    .map_err(|m| ImportError::new(Place::file(file), format!("部品「{name}」: {m}")))?;
            }
        }
        cells += scan.cells;
        if cells > MAX_CELLS {
            return refuse(format!("ブックのセルが合計 {MAX_CELLS} 個を超えます。{WHY}"));
        }
        let strings = scan.strings.max(scan.declared_strings);
        if strings > MAX_SHARED_STRINGS {
            return refuse(format!("ブックの共有文字列が {MAX_SHARED_STRINGS} 個を超えます（{strings} 個）。{WHY}"));
        }
    }
    Ok(())
}

/// The number of parts and the size of the directory, as the end of the
/// archive declares them; `None` when there is no such record. ZIP64
/// archives (over 4 GiB or 65,535 parts) count as too many parts.
fn directory(bytes: &[u8]) -> Option<(u64, u64)> {
    const END: &[u8] = b"PK\x05\x06";
    let from = bytes.len().saturating_sub(22 + 65_535);
    let at = bytes[from..].windows(4).rposition(|w| w == END)? + from;
    let record = bytes.get(at..at + 22)?;
    let parts = u16::from_le_bytes([record[10], record[11]]);
    let size = u32::from_le_bytes([record[12], record[13], record[14], record[15]]);
    if parts == u16::MAX || size == u32::MAX {
        return Some((u64::MAX, u64::MAX));
    }
    Some((parts.into(), size.into()))
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kind {
    Sheet,
    Strings,
    #[default]
    Other,
}

impl Kind {
    fn of(name: &str) -> Kind {
        let name = name.to_ascii_lowercase();
        if name.ends_with("sharedstrings.xml") {
            Kind::Strings
        } else if name.contains("worksheets/") && name.ends_with(".xml") {
            Kind::Sheet
        } else {
            Kind::Other
        }
    }
}

/// Reads XML a chunk at a time: tags and the text between them.
#[derive(Debug, Default)]
struct Scanner {
    kind: Kind,
    /// An unfinished tag carried over to the next chunk.
    carry: Vec<u8>,
    text_run: usize,
    cells: u64,
    strings: u64,
    declared_strings: u64,
}

impl Scanner {
    fn feed(&mut self, chunk: &[u8]) -> Result<(), String> {
        let joined;
        let data = if self.carry.is_empty() {
            chunk
        } else {
            let mut c = std::mem::take(&mut self.carry);
            c.extend_from_slice(chunk);
            joined = c;
            &joined[..]
        };
        let mut i = 0;
        while i < data.len() {
            let Some(open) = data[i..].iter().position(|&b| b == b'<') else {
                self.text(data.len() - i)?;
                break;
            };
            self.text(open)?;
            self.text_run = 0;
            let start = i + open;
            match data[start..].iter().position(|&b| b == b'>') {
                Some(close) => {
                    self.tag(&data[start + 1..start + close])?;
                    i = start + close + 1;
                }
                None => {
                    if data.len() - start > MAX_TAG_BYTES {
                        return Err(
                            "XML のタグが長すぎます（壊れているか、意図的に作られたファイルの可能性があります）".into(),
                        );
                    }
                    self.carry = data[start..].to_vec();
                    break;
                }
            }
        }
        Ok(())
    }

    fn text(&mut self, n: usize) -> Result<(), String> {
        self.text_run += n;
        if self.text_run > MAX_TEXT_RUN {
            return Err(format!("セルの文字数が上限（{MAX_CELL_CHARS} 文字）を超えています"));
        }
        Ok(())
    }

    fn tag(&mut self, tag: &[u8]) -> Result<(), String> {
        let name_end = tag.iter().position(|b| b.is_ascii_whitespace() || *b == b'/').unwrap_or(tag.len());
        let name = &tag[..name_end];
        // `x:c` as some writers prefix: the local name counts.
        let name = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        match (self.kind, name) {
            (Kind::Sheet, b"c") => {
                self.cells += 1;
                check_position(attribute(tag, b"r"))
            }
            (Kind::Sheet, b"row") => check_position(attribute(tag, b"r")),
            (Kind::Sheet, b"dimension") => match attribute(tag, b"ref") {
                Some(range) => range.split(|&b| b == b':').try_for_each(|p| check_position(Some(p))),
                None => Ok(()),
            },
            (Kind::Strings, b"si") => {
                self.strings += 1;
                Ok(())
            }
            (Kind::Strings, b"sst") => {
                for key in [&b"uniqueCount"[..], b"count"] {
                    let declared = attribute(tag, key).map(|v| {
                        if v.len() > 12 || !v.iter().all(u8::is_ascii_digit) {
                            u64::MAX
                        } else {
                            std::str::from_utf8(v).ok().and_then(|s| s.parse().ok()).unwrap_or(u64::MAX)
                        }
                    });
                    self.declared_strings = self.declared_strings.max(declared.unwrap_or(0));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// The value of ` key="…"` in a tag.
fn attribute<'t>(tag: &'t [u8], key: &[u8]) -> Option<&'t [u8]> {
    let mut from = 0;
    while let Some(at) = tag[from..].windows(key.len()).position(|w| w == key) {
        let at = from + at;
        let before = at.checked_sub(1).map(|i| tag[i]);
        let rest = &tag[at + key.len()..];
        if before.is_some_and(|b| b.is_ascii_whitespace()) {
            if let Some(value) = rest.strip_prefix(b"=\"").or_else(|| rest.strip_prefix(b"='")) {
                let end = value.iter().position(|&b| b == b'"' || b == b'\'').unwrap_or(value.len());
                return Some(&value[..end]);
            }
        }
        from = at + 1;
    }
    None
}

/// A cell or row reference: up to three letters, then one to seven digits
/// (`XFD1048576`), or digits alone for a row.
fn check_position(value: Option<&[u8]>) -> Result<(), String> {
    let Some(v) = value else { return Ok(()) };
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &v[letters..];
    let ok = letters <= 3 && !digits.is_empty() && digits.len() <= 7 && digits.iter().all(u8::is_ascii_digit);
    if ok {
        Ok(())
    } else {
        Err(format!("セルの位置「{}」を読み取れません", String::from_utf8_lossy(&v[..v.len().min(40)])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(kind: Kind, xml: &str, chunk: usize) -> Result<Scanner, String> {
        let mut s = Scanner { kind, ..Scanner::default() };
        for c in xml.as_bytes().chunks(chunk) {
            s.feed(c)?;
        }
        Ok(s)
    }

    #[test]
    fn counts_cells_and_strings_across_chunks() {
        let sheet = r#"<worksheet><dimension ref="A1:C2"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"/></row><x:c r="C2"><v>1</v></x:c></sheetData></worksheet>"#;
        for chunk in [1, 3, 7, 1000] {
            assert_eq!(scan(Kind::Sheet, sheet, chunk).unwrap().cells, 3, "chunks of {chunk}");
        }
        let strings = r#"<sst count="3" uniqueCount="2"><si><t>a</t></si><si><t>b</t></si></sst>"#;
        let s = scan(Kind::Strings, strings, 5).unwrap();
        assert_eq!((s.strings, s.declared_strings), (2, 3));
    }

    #[test]
    fn refuses_absurd_positions_and_long_text() {
        let far = r#"<row r="1"><c r="AAAAAAAAAAAAAAAAAAA99999999999"><v>1</v></c></row>"#;
        assert!(scan(Kind::Sheet, far, 16).unwrap_err().contains("セルの位置"));
        assert!(scan(Kind::Sheet, r#"<dimension ref="A1:XFD99999999999"/>"#, 16).is_err());
        assert!(scan(Kind::Sheet, r#"<c r="XFD1048576"/>"#, 16).is_ok());
        let long = format!("<si><t>{}</t></si>", "a".repeat(MAX_TEXT_RUN + 1));
        assert!(scan(Kind::Strings, &long, 4096).unwrap_err().contains("32767"));
        let huge = r#"<sst uniqueCount="18446744073709551615">"#;
        assert_eq!(scan(Kind::Strings, huge, 8).unwrap().declared_strings, u64::MAX);
    }
}
