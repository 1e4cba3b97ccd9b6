//! A ZIP archive of files to import (the canonical CSV set as one download,
//! or several documents together), unpacked into its files. A workbook is
//! a ZIP archive too: an archive with the parts of a workbook is left to
//! the workbook reader. Every limit is checked while unpacking, so a "zip
//! bomb" is refused with little memory.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::limits::{bytes_text, MAX_FILE_BYTES, MAX_PARTS, MAX_UNPACKED_BYTES};
use super::xlsx::ZIP_MAGIC;
use crate::error::{ImportError, Place};

/// Files as `(name, bytes)`.
pub type NamedFiles = Vec<(String, Vec<u8>)>;

const CORRUPT: &str = "ZIP ファイルとして読み取れません（壊れているか途中で切れています）";

/// The files of an archive that is not a workbook, named
/// `archive.zip/entry.csv`; `None` for anything else (a workbook, a
/// document, a CSV file). Folders, and the `__MACOSX/` and dot files that
/// some systems add, are left out.
pub fn unpack(name: &str, bytes: &[u8]) -> Result<Option<NamedFiles>, ImportError> {
    if !bytes.starts_with(ZIP_MAGIC) {
        return Ok(None);
    }
    let corrupt = |_| ImportError::new(Place::file(name), CORRUPT);
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        // A broken file named as a workbook is the workbook reader's to
        // explain (「XLSXファイルとして読み取れません」).
        Err(_) if name.to_lowercase().ends_with(".xlsx") => return Ok(None),
        Err(e) => return Err(corrupt(e)),
    };
    let is_workbook =
        archive.file_names().any(|n| n == "[Content_Types].xml" || n.starts_with("xl/") || n.ends_with(".xml"));
    if is_workbook {
        return Ok(None);
    }
    if archive.len() > MAX_PARTS {
        return Err(ImportError::new(
            Place::file(name),
            format!("ZIP に {} 個のファイルがあります（上限 {MAX_PARTS} 個）", archive.len()),
        ));
    }
    let mut files = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(corrupt)?;
        let entry_name = entry.name().to_string();
        let base = entry_name.rsplit('/').next().unwrap_or_default();
        if entry.is_dir() || entry_name.starts_with("__MACOSX/") || base.is_empty() || base.starts_with('.') {
            continue;
        }
        let shown = format!("{name}/{entry_name}");
        let too_big = || {
            ImportError::new(
                Place::file(&shown),
                format!("展開すると {} を超えるため読み込みません", bytes_text(MAX_FILE_BYTES)),
            )
        };
        if entry.size() > MAX_FILE_BYTES {
            return Err(too_big());
        }
        let mut out = Vec::new();
        // The declared size may lie: read one byte past the limit at most.
        entry
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|_| ImportError::new(Place::file(&shown), CORRUPT))?;
        if out.len() as u64 > MAX_FILE_BYTES {
            return Err(too_big());
        }
        total += out.len() as u64;
        if total > MAX_UNPACKED_BYTES {
            return Err(ImportError::new(
                Place::file(name),
                format!("ZIP を展開した大きさが合計 {} を超えるため読み込みません", bytes_text(MAX_UNPACKED_BYTES)),
            ));
        }
        files.push((shown, out));
    }
    if files.is_empty() {
        return Err(ImportError::new(Place::file(name), "ZIP の中に取り込むファイルがありません"));
    }
    Ok(Some(files))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::canonical::{csv_files, xlsx_bytes};
    use crate::Batch;

    fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        w.add_directory("hyoka/", options).unwrap();
        for (name, bytes) in files {
            w.start_file(format!("hyoka/{name}"), options).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_csv_set_unpacks_and_a_workbook_does_not() {
        let csv = csv_files(&Batch::default(), true).unwrap();
        let files = unpack("set.zip", &zip_of(&csv)).unwrap().unwrap();
        assert_eq!(files.len(), csv.len());
        assert_eq!(files[0].0, format!("set.zip/hyoka/{}", csv[0].0));
        assert_eq!(files[0].1, csv[0].1);
        assert_eq!(unpack("book.xlsx", &xlsx_bytes(&Batch::default()).unwrap()).unwrap(), None);
        assert_eq!(unpack("a.csv", &csv[0].1).unwrap(), None);
        let e = unpack("broken.zip", b"PK\x03\x04 not really").unwrap_err();
        assert!(e.to_string().contains("broken.zip"), "{e}");
    }
}
