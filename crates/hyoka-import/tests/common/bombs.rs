//! Workbooks made to exhaust a reader: a few megabytes on disk that
//! unpack to hundreds, a cell a million rows down, a shared strings table
//! that declares four billion entries. Each is built from a real exported
//! workbook by replacing or adding parts, written through the ZIP encoder a
//! piece at a time so that making one needs little memory.
//!
//! Used with `#[path = "common/bombs.rs"] mod bombs;`.
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};

use hyoka_import::canonical::{self, limits};
use hyoka_import::Batch;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// A malformed workbook: its name, bytes, and words its error must hold.
pub struct Bomb {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub expect: &'static str,
}

/// The part of a one-table workbook that holds the `sections` sheet (our
/// writer numbers sheets in table order: sections is the second).
const SECTIONS: &str = "xl/worksheets/sheet2.xml";
const STRINGS: &str = "xl/sharedStrings.xml";

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true)
}

/// The workbook of `batch` with the part `name` replaced (or added) by
/// what `write` produces, and `extra` parts added.
fn rebuild(batch: &Batch, name: &str, write: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    replace(&canonical::xlsx_bytes(batch).unwrap(), name, write)
}

/// A sheet's XML around rows written by `rows`.
fn sheet(out: &mut dyn Write, rows: impl FnOnce(&mut dyn Write)) {
    out.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>municipality_code</t></is></c><c r="B1" t="inlineStr"><is><t>department</t></is></c><c r="C1" t="inlineStr"><is><t>section</t></is></c></row>"#).unwrap();
    rows(out);
    out.write_all(b"</sheetData></worksheet>").unwrap();
}

fn repeat(out: &mut dyn Write, piece: &[u8], times: usize) {
    let block = piece.repeat(4096 / piece.len().max(1) + 1);
    let per_block = block.len() / piece.len();
    let mut left = times;
    while left >= per_block {
        out.write_all(&block).unwrap();
        left -= per_block;
    }
    for _ in 0..left {
        out.write_all(piece).unwrap();
    }
}

/// Every malformed workbook, in a fixed order.
pub fn bombs() -> Vec<Bomb> {
    let empty = Batch::default();
    let mut out = Vec::new();

    out.push(Bomb {
        name: "far-cell.xlsx",
        bytes: rebuild(&empty, SECTIONS, |w| {
            sheet(w, |w| w.write_all(br#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#).unwrap());
        }),
        expect: "セル XFD1048576 に値があります",
    });
    out.push(Bomb {
        name: "below-the-last-row.xlsx",
        bytes: rebuild(&empty, SECTIONS, |w| {
            sheet(w, |w| w.write_all(br#"<row r="2000000"><c r="A2000000"><v>1</v></c></row>"#).unwrap());
        }),
        expect: "1048576 行目より下",
    });
    out.push(Bomb {
        name: "absurd-position.xlsx",
        bytes: rebuild(&empty, SECTIONS, |w| {
            sheet(w, |w| w.write_all(br#"<row r="2"><c r="ZZZZZZZZZZZZ99999999999"><v>1</v></c></row>"#).unwrap());
        }),
        expect: "セルの位置「ZZZZZZZZZZZZ99999999999」を読み取れません",
    });
    out.push(Bomb {
        name: "four-billion-strings.xlsx",
        bytes: rebuild(&empty, STRINGS, |w| {
            w.write_all(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#).unwrap();
        }),
        expect: "共有文字列が 2000000 個を超えます",
    });
    out.push(Bomb {
        name: "many-strings.xlsx",
        bytes: rebuild(&empty, STRINGS, |w| {
            w.write_all(
                br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
            )
            .unwrap();
            repeat(w, b"<si><t/></si>", limits::MAX_SHARED_STRINGS as usize + 1);
            w.write_all(b"</sst>").unwrap();
        }),
        expect: "共有文字列が 2000000 個を超えます",
    });
    out.push(Bomb {
        name: "sheet-unpacks-too-big.xlsx",
        bytes: rebuild(&empty, SECTIONS, |w| {
            sheet(w, |w| {
                w.write_all(b"<row r=\"2\"><c r=\"A2\"><v>1</v></c></row><!--").unwrap();
                repeat(w, b"0123456789abcdef", (limits::MAX_SHEET_PART_BYTES / 16) as usize + 1);
                w.write_all(b"-->").unwrap();
            });
        }),
        expect: "は展開すると 128 MiB を超えます",
    });
    out.push(Bomb {
        name: "too-many-cells.xlsx",
        bytes: rebuild(&empty, SECTIONS, |w| {
            sheet(w, |w| {
                let row = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(50));
                repeat(w, row.as_bytes(), (limits::MAX_CELLS / 50) as usize + 1);
            });
        }),
        expect: "ブックのセルが合計 5000000 個を超えます",
    });
    out.push(Bomb {
        name: "text-run-too-long.xlsx",
        bytes: rebuild(&empty, STRINGS, |w| {
            w.write_all(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#).unwrap();
            repeat(w, b"a", limits::MAX_CELL_CHARS * 6 + 1);
            w.write_all(b"</t></si></sst>").unwrap();
        }),
        expect: "セルの文字数が上限（32767 文字）を超えています",
    });
    out.push(Bomb {
        name: "cell-too-long.xlsx",
        bytes: rebuild(&empty, SECTIONS, |w| {
            sheet(w, |w| {
                w.write_all(br#"<row r="2"><c r="A2" t="inlineStr"><is><t>"#).unwrap();
                repeat(w, "あ".as_bytes(), limits::MAX_CELL_CHARS + 1);
                w.write_all(b"</t></is></c></row>").unwrap();
            });
        }),
        expect: "セル A2 の文字数 32768 が上限（32767 文字）を超えています",
    });
    out.push(Bomb {
        name: "one-long-string-in-many-cells.xlsx",
        bytes: {
            // Every cell names the same shared string of 30,000 あ: a few
            // kilobytes that would be copied into 3 GB of cells. The string
            // is added after the workbook's own, which its sheets name.
            let base = canonical::xlsx_bytes(&empty).unwrap();
            let mut own = String::new();
            ZipArchive::new(Cursor::new(&base[..]))
                .unwrap()
                .by_name(STRINGS)
                .unwrap()
                .read_to_string(&mut own)
                .unwrap();
            let index = own.matches("<si>").count();
            let end = own.rfind("</sst>").unwrap();
            let with_string = replace(&base, STRINGS, |w| {
                w.write_all(&own.as_bytes()[..end]).unwrap();
                w.write_all(b"<si><t>").unwrap();
                repeat(w, "あ".as_bytes(), 30_000);
                w.write_all(b"</t></si></sst>").unwrap();
            });
            let cell = format!(r#"<c t="s"><v>{index}</v></c>"#);
            replace(&with_string, SECTIONS, |w| {
                sheet(w, |w| repeat(w, format!("<row>{cell}{cell}</row>").as_bytes(), 18_000));
            })
        },
        expect: "ブックのセルの文字が合計 32 MiB を超えます",
    });
    out.push(Bomb {
        name: "unpacks-too-big-in-all.xlsx",
        bytes: {
            let mut bytes = rebuild(&empty, "xl/padding-0.bin", |w| {
                repeat(w, b"0123456789abcdef", (limits::MAX_OTHER_PART_BYTES / 16) as usize - 1);
            });
            for i in 1..(limits::MAX_UNPACKED_BYTES / limits::MAX_OTHER_PART_BYTES) as usize + 1 {
                bytes = add_part(&bytes, &format!("xl/padding-{i}.bin"), |w| {
                    repeat(w, b"0123456789abcdef", (limits::MAX_OTHER_PART_BYTES / 16) as usize - 1);
                });
            }
            bytes
        },
        expect: "展開した大きさが合計 256 MiB を超えます",
    });
    out.push(Bomb {
        name: "too-many-parts.xlsx",
        bytes: {
            let base = canonical::xlsx_bytes(&empty).unwrap();
            let mut archive = ZipArchive::new(Cursor::new(&base[..])).unwrap();
            let mut w = ZipWriter::new(Cursor::new(Vec::new()));
            for i in 0..archive.len() {
                w.raw_copy_file(archive.by_index(i).unwrap()).unwrap();
            }
            for i in 0..limits::MAX_PARTS {
                w.start_file(format!("x/{i}"), options()).unwrap();
            }
            w.finish().unwrap().into_inner()
        },
        expect: "XLSX の部品（ファイル）が",
    });
    out.push(Bomb {
        name: "not-a-zip-after-all.xlsx",
        bytes: {
            let mut b = canonical::xlsx_bytes(&empty).unwrap();
            b.truncate(b.len() / 2);
            b
        },
        expect: "XLSXファイルとして読み取れません",
    });
    out
}

/// `bytes` with the part `name` replaced (or added) by what `write` produces.
fn replace(bytes: &[u8], name: &str, write: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let part = archive.by_index(i).unwrap();
        if part.name() != name {
            out.raw_copy_file(part).unwrap();
        }
    }
    out.start_file(name, options()).unwrap();
    write(&mut out);
    out.finish().unwrap().into_inner()
}

/// `bytes` with one more part.
fn add_part(bytes: &[u8], name: &str, write: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    let mut w = ZipWriter::new_append(Cursor::new(bytes.to_vec())).unwrap();
    w.start_file(name, options()).unwrap();
    write(&mut w);
    w.finish().unwrap().into_inner()
}
