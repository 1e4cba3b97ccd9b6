//! Old binary Excel workbooks (.xls) made byte by byte: a compound file
//! (512-byte sectors: header, one FAT sector, one directory sector, then
//! the Workbook stream) holding BIFF8 records. [`valid`] is a small book
//! calamine reads; [`malformed`] are books that declare more than they hold
//! or are cut, looped or not .xls at all, each with the words its refusal
//! must hold. Used by tests/xls_bounds.rs and the corpus.
#![allow(dead_code)]

/// Where things are in a book [`compound`] makes.
pub const FAT: usize = 512;
pub const DIRECTORY: usize = 1024;
/// The Workbook stream's directory entry.
pub const WORKBOOK_ENTRY: usize = DIRECTORY + 128;
pub const STREAM: usize = 1536;

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// A BIFF record.
pub fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    assert!(data.len() <= 8224, "a record holds at most 8224 bytes");
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = vec![0x00, 0x06];
    d.extend(dt.to_le_bytes());
    d.extend([0xBB, 0x0D, 0xCC, 0x07, 0, 0, 0, 0, 6, 0, 0, 0]);
    rec(0x0809, &d)
}

fn boundsheet(pos: u32, name: &str) -> Vec<u8> {
    let mut d = pos.to_le_bytes().to_vec();
    d.extend([0, 0, name.len() as u8, 0]);
    d.extend(name.as_bytes());
    rec(0x0085, &d)
}

/// A string as BIFF8 writes it: byte characters when it can, else UTF-16.
fn chars(s: &str) -> (u8, Vec<u8>) {
    if s.chars().all(|c| (c as u32) < 0x100) {
        (0, s.chars().map(|c| c as u8).collect())
    } else {
        (1, s.encode_utf16().flat_map(u16::to_le_bytes).collect())
    }
}

/// The shared strings, with the counts it declares (`None`: the true one).
pub fn sst(strings: &[&str], declared: Option<u32>) -> Vec<u8> {
    let n = declared.unwrap_or(strings.len() as u32);
    let mut d = n.to_le_bytes().to_vec();
    d.extend(n.to_le_bytes());
    for s in strings {
        let (flags, bytes) = chars(s);
        d.extend((s.encode_utf16().count() as u16).to_le_bytes());
        d.push(flags);
        d.extend(bytes);
    }
    rec(0x00FC, &d)
}

/// A cell naming shared string `i`.
pub fn label_sst(row: u16, col: u16, i: u32) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend([0, 0]);
    d.extend(i.to_le_bytes());
    rec(0x00FD, &d)
}

pub fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend([0, 0]);
    d.extend(v.to_le_bytes());
    rec(0x0203, &d)
}

/// DIMENSIONS: rows `first..last_plus_one`, columns likewise.
pub fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
    let mut d = rf.to_le_bytes().to_vec();
    d.extend(rl.to_le_bytes());
    d.extend(cf.to_le_bytes());
    d.extend(cl.to_le_bytes());
    d.extend([0, 0]);
    rec(0x0200, &d)
}

/// MULRK: `count` numbers from column `first` on, claiming `last` as the
/// last column.
pub fn mulrk(row: u16, first: u16, last: u16, count: usize) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(first.to_le_bytes());
    for _ in 0..count {
        d.extend([0, 0, 0x02, 0, 0, 0]);
    }
    d.extend(last.to_le_bytes());
    rec(0x00BD, &d)
}

/// A Workbook stream: the globals (`globals`, then the sheets' names) and
/// each sheet's records between its BOF and EOF, padded to 4 KiB so that
/// it lives in ordinary sectors.
pub fn stream(globals: &[Vec<u8>], sheets: &[(&str, Vec<Vec<u8>>)]) -> Vec<u8> {
    let mut head = bof(0x0005);
    head.extend(rec(0x0042, &1200u16.to_le_bytes()));
    for g in globals {
        head.extend(g);
    }
    let names: usize = sheets.iter().map(|(n, _)| boundsheet(0, n).len()).sum();
    let pad = 4200usize.saturating_sub(head.len() + names + 4 + 4).max(1);
    let globals_len = head.len() + names + 4 + pad + 4;
    let mut bodies = Vec::new();
    let mut pos = globals_len;
    let mut out = head;
    for (name, records) in sheets {
        let mut body = bof(0x0010);
        records.iter().for_each(|r| body.extend(r));
        body.extend(rec(0x000A, &[]));
        out.extend(boundsheet(pos as u32, name));
        pos += body.len();
        bodies.push(body);
    }
    out.extend(rec(0x0863, &vec![0u8; pad]));
    out.extend(rec(0x000A, &[]));
    assert_eq!(out.len(), globals_len);
    bodies.iter().for_each(|b| out.extend(b));
    out
}

/// The compound file holding `stream` as its Workbook stream.
pub fn compound(stream: &[u8]) -> Vec<u8> {
    let sectors = stream.len().div_ceil(512);
    assert!(sectors + 2 <= 128, "one FAT sector: a stream of at most 63 KiB");
    let mut b = vec![0u8; STREAM + sectors * 512];
    b[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    b[24..34].copy_from_slice(&[0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0]);
    put32(&mut b, 44, 1); // FAT sectors
    put32(&mut b, 48, 1); // the directory's first sector
    put32(&mut b, 56, 4096);
    put32(&mut b, 60, END_OF_CHAIN); // no mini FAT
    put32(&mut b, 68, END_OF_CHAIN); // no DIFAT sectors
    put32(&mut b, 76, 0); // the FAT is sector 0
    for i in 1..109 {
        put32(&mut b, 76 + 4 * i, FREE);
    }
    let mut fat = vec![FREE; 128];
    fat[0] = FAT_SECTOR;
    fat[1] = END_OF_CHAIN;
    for i in 0..sectors {
        fat[2 + i] = if i + 1 == sectors { END_OF_CHAIN } else { (3 + i) as u32 };
    }
    for (i, v) in fat.iter().enumerate() {
        put32(&mut b, FAT + 4 * i, *v);
    }
    let entry = |b: &mut [u8], at: usize, name: &str, kind: u8, child: u32, start: u32, len: u32| {
        for (i, u) in name.encode_utf16().enumerate() {
            b[at + 2 * i..at + 2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        b[at + 64..at + 66].copy_from_slice(&((name.len() as u16 + 1) * 2).to_le_bytes());
        b[at + 66] = kind;
        b[at + 67] = 1;
        put32(b, at + 68, FREE);
        put32(b, at + 72, FREE);
        put32(b, at + 76, child);
        put32(b, at + 116, start);
        put32(b, at + 120, len);
    };
    entry(&mut b, DIRECTORY, "Root Entry", 5, 1, END_OF_CHAIN, 0);
    entry(&mut b, WORKBOOK_ENTRY, "Workbook", 2, FREE, 2, stream.len() as u32);
    for e in [DIRECTORY + 256, DIRECTORY + 384] {
        for at in [e + 68, e + 72, e + 76] {
            put32(&mut b, at, FREE);
        }
    }
    b[STREAM..STREAM + stream.len()].copy_from_slice(stream);
    b
}

/// The strings of [`valid`]'s sheet.
pub const TEXTS: [&str; 3] = ["事業名", "子育て支援事業", "道路維持管理事業"];

/// A small book: sheet 「評価」 with a header and two rows.
pub fn valid() -> Vec<u8> {
    compound(&stream(
        &[sst(&TEXTS, None)],
        &[(
            "Sheet1",
            vec![
                dimensions(0, 3, 0, 2),
                label_sst(0, 0, 0),
                label_sst(1, 0, 1),
                number(1, 1, 1200.0),
                label_sst(2, 0, 2),
                number(2, 1, 3400.0),
            ],
        )],
    ))
}

/// A malformed .xls: its file name, bytes and the words its refusal holds.
pub struct Malformed {
    pub name: &'static str,
    pub what: &'static str,
    pub bytes: Vec<u8>,
    pub expect: &'static str,
}

fn patched(at: usize, v: u32) -> Vec<u8> {
    let mut b = valid();
    put32(&mut b, at, v);
    b
}

/// Every malformed .xls, in a fixed order.
pub fn malformed() -> Vec<Malformed> {
    let book = valid();
    let m = |name, what, bytes, expect| Malformed { name, what, bytes, expect };
    let sheet = |records: Vec<Vec<u8>>| compound(&stream(&[sst(&TEXTS, None)], &[("Sheet1", records)]));
    let last_sector = (book.len() - STREAM) / 512 + 1;
    let mut looped = valid();
    // The Workbook stream's last sector leads back to its first, and the
    // stream claims 4 GiB: calamine would copy the loop until then.
    put32(&mut looped, FAT + 4 * last_sector, 2);
    put32(&mut looped, WORKBOOK_ENTRY + 120, 0xFFFF_FFF0);
    let mut difat_loop = patched(68, 1);
    put32(&mut difat_loop, DIRECTORY + 512 - 4, 1);
    let mut no_workbook = valid();
    no_workbook[WORKBOOK_ENTRY..WORKBOOK_ENTRY + 2].copy_from_slice(&u16::to_le_bytes(b'X' as u16));
    let encrypted_stream = stream(&[rec(0x002F, &[1, 0, 0, 0]), sst(&TEXTS, None)], &[("Sheet1", vec![])]);
    let long = "x".repeat(8000);
    vec![
        m(
            "xls-fat-sectors-4-billion.xls",
            "ヘッダーが FAT のセクタを 20 億個と宣言",
            patched(44, 0x7FFF_FFFF),
            "FAT のセクタ数",
        ),
        m(
            "xls-mini-fat-sectors-huge.xls",
            "ヘッダーがミニ FAT のセクタを 6 万個と宣言",
            patched(64, 0xFFFF),
            "ミニ FAT のセクタ数",
        ),
        m(
            "xls-stream-4-gib.xls",
            "Workbook ストリームが 4 GiB と宣言",
            patched(WORKBOOK_ENTRY + 120, 0xFFFF_FFF0),
            "Workbook ストリーム）の大きさ",
        ),
        m(
            "xls-root-stream-huge.xls",
            "ミニストリームが 4 GiB と宣言",
            patched(DIRECTORY + 120, 0xFFFF_0000),
            "ミニストリームの大きさ",
        ),
        m("xls-stream-sectors-loop.xls", "ストリームのセクタの並びが先頭に戻る", looped, "循環"),
        m(
            "xls-directory-loop.xls",
            "ディレクトリのセクタが自分自身を指す",
            patched(FAT + 4, 1),
            "ディレクトリのセクタの並びが循環",
        ),
        m("xls-difat-loop.xls", "DIFAT のセクタが自分自身を指す", difat_loop, "DIFATのセクタの並びが循環"),
        m("xls-fat-beyond-file.xls", "FAT のセクタがファイルの外", patched(76, 100_000), "途中で切れています"),
        m(
            "xls-cut-at-60-percent.xls",
            "ファイルの 60% で切れている",
            book[..book.len() * 6 / 10].to_vec(),
            "途中で切れています",
        ),
        m("xls-cut-in-header.xls", "ヘッダーの途中で切れている", book[..300].to_vec(), "途中で切れています"),
        m(
            "xls-bad-sector-size.xls",
            "セクタの大きさが不正",
            patched(28, 0x0007_FFFE),
            "XLS ファイルとして読み取れません",
        ),
        m("xls-no-workbook-stream.xls", "Workbook ストリームがない", no_workbook, "Workbook ストリーム）がありません"),
        m("xls-encrypted.xls", "パスワードで暗号化されている（FILEPASS）", compound(&encrypted_stream), "暗号化"),
        m(
            "xls-dimensions-whole-sheet.xls",
            "DIMENSIONS が 65,536 行 × 256 列と宣言",
            sheet(vec![dimensions(0, 65_536, 0, 256)]),
            "宣言する範囲",
        ),
        m(
            "xls-dimensions-4-billion-rows.xls",
            "DIMENSIONS が 40 億行と宣言",
            sheet(vec![dimensions(0, 0xFFFF_FFF0, 0, 2)]),
            "宣言する範囲",
        ),
        m(
            "xls-dimensions-reversed.xls",
            "DIMENSIONS の最初の行が最後の行より後",
            sheet(vec![dimensions(100, 5, 0, 2)]),
            "DIMENSIONS",
        ),
        m(
            "xls-cells-far-apart.xls",
            "A1 と IV65536 の 2 セルだけ（囲む長方形が 1,677 万セル）",
            sheet(vec![label_sst(0, 0, 0), label_sst(65_535, 255, 1)]),
            "値のあるセルを囲む長方形",
        ),
        m(
            "xls-mulrk-reversed.xls",
            "MULRK の最後の列が最初の列より前",
            sheet(vec![mulrk(0, 10, 2, 1)]),
            "XLS ファイルとして読み取れません",
        ),
        m(
            "xls-sheet-beyond-stream.xls",
            "シートの位置がストリームの外",
            compound(&{
                let mut s = stream(&[sst(&TEXTS, None)], &[("Sheet1", vec![])]);
                // BOUNDSHEET of 「Sheet1」: its first four bytes are the position.
                let at = s.windows(4).position(|w| w == [0x85, 0x00, 14, 0]).unwrap() + 4;
                s[at..at + 4].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
                s
            }),
            "XLS ファイルとして読み取れません",
        ),
        m(
            "xls-sst-declares-4-billion.xls",
            "共有文字列を 40 億個と宣言",
            compound(&stream(&[sst(&TEXTS, Some(0xFFFF_FFFF))], &[("Sheet1", vec![])])),
            "共有文字列の数",
        ),
        m(
            "xls-shared-string-in-2100-cells.xls",
            "8,000 文字の共有文字列を 2,100 個のセルが参照（合計 1,680 万文字）",
            compound(&stream(
                &[sst(&[long.as_str()], None)],
                &[("Sheet1", (0..2100u16).map(|r| label_sst(r, 0, 0)).collect())],
            )),
            "文字数が合計",
        ),
        m(
            "xls-1001-sheets.xls",
            "シートが 1,001 枚",
            compound(&stream(&[sst(&TEXTS, None)], &(0..1001).map(|_| ("S", vec![])).collect::<Vec<_>>())),
            "枚を超えます",
        ),
        m(
            "xls-that-is-csv.xls",
            "中身が CSV（名前だけ .xls）",
            "事業名,予算\r\n子育て,100\r\n".as_bytes().to_vec(),
            "Excel 97-2003 ブックの形式ではありません",
        ),
        m(
            "xls-that-is-html.xls",
            "中身が HTML の表（名前だけ .xls）",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec(),
            "Excel 97-2003 ブックの形式ではありません",
        ),
        m(
            "xls-that-is-binary.xls",
            "中身が OLE でないバイナリ",
            (0..2048u32).map(|i| (i * 37 % 251) as u8).collect(),
            "Excel 97-2003 ブックの形式ではありません",
        ),
    ]
}
