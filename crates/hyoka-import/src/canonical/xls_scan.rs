//! Measures an old binary Excel workbook (.xls: BIFF records inside an OLE
//! compound file) before calamine opens it. calamine trusts what the file
//! declares: it reserves as many FAT and DIFAT entries as the header says,
//! follows sector chains without noticing a loop (a chain that points back
//! at itself grows until the declared length, or forever), reserves the
//! cells a sheet's DIMENSIONS record declares, builds every sheet as the
//! full rectangle its cells span, and copies a shared string into every
//! cell that names it. This scan walks the same structures with the file's
//! own bytes (nothing is copied), and lets calamine read only a file whose
//! every declared size is within [`super::limits`] and the file itself.
//!
//! Hand-written: no maintained crate reads the compound file's directory
//! and BIFF records without allocating what they declare (the `cfb` crate
//! also trusts its header), see docs/architecture.md.

use super::limits::{MAX_CELLS, MAX_SHARED_STRINGS, MAX_XLS_AREA, MAX_XLS_SHEETS, MAX_XLS_TEXT_CHARS};
use crate::error::{ImportError, Place};

/// The file is not a compound file calamine can read.
pub(crate) const XLS_CORRUPT: &str = "XLS ファイルとして読み取れません（壊れているか、暗号化されています）";

const WHY: &str =
    "取り込むブックとしては大きすぎるか壊れているため読み込みません（壊れたファイルか、意図的に作られたファイルの可能性があります）";

/// Chain ends and markers of the FAT.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
const RESERVED: u32 = 0xFFFF_FFFA;

/// DIFAT entries calamine reserves at most, from header bytes 62..66 (it
/// reads that field there): 16 MiB.
const MAX_DIFAT_RESERVE: u64 = 4 * 1024 * 1024;

/// The size of a stream below which it lives in the mini stream.
const MINI_CUTOFF: u64 = 4096;
const MINI_SECTOR: usize = 64;

/// Refuses an .xls beyond the limits or inconsistent with itself.
pub(crate) fn inspect(file: &str, bytes: &[u8]) -> Result<(), ImportError> {
    let err = |m: String| ImportError::new(Place::file(file), m);
    let cfb = Compound::open(bytes).map_err(err)?;
    let stream = cfb.workbook().map_err(err)?;
    scan_biff(&stream).map_err(err)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn cut() -> String {
    "XLS ファイルが途中で切れています（宣言された部分がファイルの外にあります）".to_string()
}

fn declared(what: &str, n: u64, most: u64) -> String {
    format!("XLS ファイルが宣言する{what}（{n}）が、ファイルの大きさから考えられる上限（{most}）を超えています。{WHY}")
}

fn looped(what: &str) -> String {
    format!("XLS ファイルの{what}のセクタの並びが循環しています。{WHY}")
}

/// A directory entry: its name, first sector and declared size.
struct Entry {
    name: String,
    start: u32,
    len: u64,
}

/// The compound file as its header, FAT and directory declare it.
struct Compound<'a> {
    bytes: &'a [u8],
    sector: usize,
    /// Sectors wholly inside the file.
    sectors: u64,
    /// The FAT's own sectors, in order.
    fat: Vec<u32>,
    entries: Vec<Entry>,
    /// The mini stream's sectors and its size (the root entry's).
    mini_stream: Vec<u32>,
    mini_len: u64,
    /// The mini FAT's sectors.
    mini_fat: Vec<u32>,
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Result<Compound<'a>, String> {
        let header = bytes.get(..512).ok_or_else(cut)?;
        let sector = match u16_at(header, 30) {
            Some(9) => 512,
            Some(12) => 4096,
            _ => return Err(XLS_CORRUPT.to_string()),
        };
        if u16_at(header, 32) != Some(6) {
            return Err(XLS_CORRUPT.to_string());
        }
        if bytes.len() < sector {
            return Err(cut());
        }
        let sectors = (bytes.len() / sector - 1) as u64;
        let field = |at| u32_at(header, at).unwrap_or(0);
        let (fat_len, dir_start, mini_fat_start) = (field(44) as u64, field(48), field(60));
        let (mini_fat_len, difat_start) = (field(64) as u64, field(68));
        if fat_len > sectors {
            return Err(declared("FAT のセクタ数", fat_len, sectors));
        }
        if mini_fat_len > sectors {
            return Err(declared("ミニ FAT のセクタ数", mini_fat_len, sectors));
        }
        // calamine reserves this many DIFAT entries before reading any.
        let reserve = field(62) as u64;
        if reserve > MAX_DIFAT_RESERVE {
            return Err(declared("DIFAT の項目数", reserve, MAX_DIFAT_RESERVE));
        }
        let mut cfb = Compound {
            bytes,
            sector,
            sectors,
            fat: Vec::new(),
            entries: Vec::new(),
            mini_stream: Vec::new(),
            mini_len: 0,
            mini_fat: Vec::new(),
        };
        // The FAT's sectors: 109 in the header, the rest in the DIFAT
        // chain, whose sectors end with the next one's number.
        let per_sector = sector / 4;
        let mut difat: Vec<u32> = (0..109).map(|i| field(76 + 4 * i)).collect();
        let mut seen = Seen::new(sectors);
        let mut id = difat_start;
        while id < RESERVED {
            let s = cfb.sector(id).ok_or_else(cut)?;
            if !seen.first(id) {
                return Err(looped("DIFAT"));
            }
            difat.extend((0..per_sector).map(|i| u32_at(s, 4 * i).unwrap_or(0)));
            id = difat.pop().unwrap_or(END_OF_CHAIN);
        }
        cfb.fat = difat.into_iter().filter(|id| *id < DIFAT_SECTOR).collect();
        if cfb.fat.len() as u64 > sectors {
            return Err(declared("FAT のセクタ数", cfb.fat.len() as u64, sectors));
        }
        if cfb.fat.iter().any(|id| cfb.sector(*id).is_none()) {
            return Err(cut());
        }
        let dirs = cfb.chain(dir_start, u64::MAX, "ディレクトリ")?;
        for id in dirs {
            let s = cfb.sector(id).ok_or_else(cut)?;
            for e in s.chunks_exact(128) {
                let units: Vec<u16> = e[..64].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
                let mut name: String = char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')).collect();
                if let Some(end) = name.find('\0') {
                    name.truncate(end);
                }
                let start = u32_at(e, 116).unwrap_or(END_OF_CHAIN);
                let len = if sector == 512 { u32_at(e, 120).unwrap_or(0) as u64 } else { u64_at(e, 120).unwrap_or(0) };
                cfb.entries.push(Entry { name, start, len });
            }
        }
        let Some(root) = cfb.entries.first() else {
            return Err(XLS_CORRUPT.to_string());
        };
        let file_len = bytes.len() as u64;
        if root.len > file_len {
            return Err(declared("ミニストリームの大きさ（バイト）", root.len, file_len));
        }
        if mini_fat_len > 0 {
            let (start, len) = (root.start, root.len);
            cfb.mini_stream = cfb.chain(start, len, "ミニストリーム")?;
            cfb.mini_len = len.min(cfb.mini_stream.len() as u64 * sector as u64);
            cfb.mini_fat = cfb.chain(mini_fat_start, mini_fat_len * sector as u64, "ミニ FAT")?;
        }
        Ok(cfb)
    }

    /// Sector `id`, when it is wholly in the file.
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(self.sector)?;
        self.bytes.get(start..start.checked_add(self.sector)?)
    }

    /// The FAT's entry for sector `id`.
    fn next(&self, id: u32) -> Option<u32> {
        let per = self.sector / 4;
        let s = self.sector(*self.fat.get(id as usize / per)?)?;
        u32_at(s, 4 * (id as usize % per))
    }

    /// The sectors of the chain from `start`, up to `len` bytes, as
    /// calamine follows it; a loop or a sector outside the file refuses.
    fn chain(&self, start: u32, len: u64, what: &str) -> Result<Vec<u32>, String> {
        let mut ids = Vec::new();
        let mut seen = Seen::new(self.sectors);
        let mut id = start;
        while id != END_OF_CHAIN {
            if self.sector(id).is_none() {
                return Err(cut());
            }
            if !seen.first(id) {
                return Err(looped(what));
            }
            ids.push(id);
            if ids.len() as u64 * self.sector as u64 >= len {
                break;
            }
            id = self.next(id).ok_or_else(cut)?;
        }
        Ok(ids)
    }

    /// The workbook stream, as calamine finds it, in pieces of the file.
    fn workbook(&self) -> Result<Stream<'a>, String> {
        let entry = ["Workbook", "Book", "WORKBOOK", "BOOK"]
            .iter()
            .find_map(|n| self.entries.iter().find(|e| e.name == *n))
            .ok_or_else(|| "XLS ファイルにブックの本体（Workbook ストリーム）がありません".to_string())?;
        let mut pieces = Vec::new();
        if entry.len < MINI_CUTOFF {
            // Mini sectors: 64 bytes of the mini stream each.
            let per = self.sector / 4;
            let count = self.mini_len / MINI_SECTOR as u64;
            let mut seen = Seen::new(count);
            let mut id = entry.start;
            while id != END_OF_CHAIN {
                if id as u64 >= count || !seen.first(id) {
                    return Err(if (id as u64) < count { looped("ミニストリーム") } else { cut() });
                }
                let at = id as usize * MINI_SECTOR;
                let host = self.sector(self.mini_stream[at / self.sector]).ok_or_else(cut)?;
                pieces.push(&host[at % self.sector..at % self.sector + MINI_SECTOR]);
                if (pieces.len() * MINI_SECTOR) as u64 >= entry.len {
                    break;
                }
                let fat = self.mini_fat.get(id as usize / per).and_then(|s| self.sector(*s)).ok_or_else(cut)?;
                id = u32_at(fat, 4 * (id as usize % per)).ok_or_else(cut)?;
            }
        } else {
            for id in self.chain(entry.start, entry.len, "ブックの本体")? {
                pieces.push(self.sector(id).ok_or_else(cut)?);
            }
        }
        // After the walk: a loop says more than the size it leads to.
        let file_len = self.bytes.len() as u64;
        if entry.len > file_len {
            return Err(declared("ブックの本体（Workbook ストリーム）の大きさ（バイト）", entry.len, file_len));
        }
        let have: u64 = pieces.iter().map(|p| p.len() as u64).sum();
        Ok(Stream { unit: pieces.first().map_or(1, |p| p.len()), pieces, len: entry.len.min(have) as usize })
    }
}

/// Which sectors a walk has been through.
struct Seen(Vec<u64>);

impl Seen {
    fn new(count: u64) -> Seen {
        Seen(vec![0; (count as usize).div_ceil(64) + 1])
    }

    /// True the first time `id` is seen.
    fn first(&mut self, id: u32) -> bool {
        let (word, bit) = (id as usize / 64, id % 64);
        match self.0.get_mut(word) {
            Some(w) if *w & (1 << bit) == 0 => {
                *w |= 1 << bit;
                true
            }
            Some(_) => false,
            // Beyond the file: refused by the caller first.
            None => true,
        }
    }
}

/// A stream read in place from its sectors (all of one size).
struct Stream<'a> {
    pieces: Vec<&'a [u8]>,
    unit: usize,
    len: usize,
}

impl Stream<'_> {
    fn byte(&self, at: usize) -> Option<u8> {
        if at >= self.len {
            return None;
        }
        self.pieces.get(at / self.unit)?.get(at % self.unit).copied()
    }

    fn u16(&self, at: usize) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte(at)?, self.byte(at + 1)?]))
    }

    fn u32(&self, at: usize) -> Option<u32> {
        Some(u32::from_le_bytes([self.byte(at)?, self.byte(at + 1)?, self.byte(at + 2)?, self.byte(at + 3)?]))
    }

    /// The records from `at` as calamine's iterator reads them: type,
    /// start of the data and its length, with the CONTINUE records that
    /// follow; stops at EOF or where the stream ends.
    fn records(&self, mut at: usize) -> impl Iterator<Item = Record> + '_ {
        std::iter::from_fn(move || {
            let typ = self.u16(at)?;
            let len = self.u16(at + 2)? as usize;
            if at + 4 + len > self.len {
                return None;
            }
            let mut parts = vec![(at + 4, len)];
            at += 4 + len;
            while self.u16(at) == Some(0x003C) {
                let n = self.u16(at + 2)? as usize;
                if at + 4 + n > self.len {
                    return None;
                }
                parts.push((at + 4, n));
                at += 4 + n;
            }
            Some(Record { typ, parts })
        })
        .take_while(|r| r.typ != 0x000A)
    }
}

/// A record: its type and its data, in the record and its CONTINUEs.
struct Record {
    typ: u16,
    parts: Vec<(usize, usize)>,
}

impl Record {
    fn start(&self) -> usize {
        self.parts[0].0
    }

    fn len(&self) -> usize {
        self.parts[0].1
    }
}

/// Reads a record's data across its CONTINUEs, as calamine's SST reader.
struct Reader<'a, 's> {
    stream: &'a Stream<'s>,
    parts: &'a [(usize, usize)],
    part: usize,
    at: usize,
}

impl Reader<'_, '_> {
    fn left(&self) -> usize {
        let (start, len) = self.parts[self.part];
        start + len - self.at
    }

    fn next_part(&mut self) -> bool {
        if self.part + 1 < self.parts.len() {
            self.part += 1;
            self.at = self.parts[self.part].0;
            true
        } else {
            false
        }
    }

    fn take(&mut self, n: usize) -> Option<usize> {
        if self.left() < n {
            return None;
        }
        let at = self.at;
        self.at += n;
        Some(at)
    }

    fn skip(&mut self, mut n: usize) -> Option<()> {
        while n > 0 {
            if self.left() == 0 && !self.next_part() {
                return None;
            }
            let l = n.min(self.left());
            self.at += l;
            n -= l;
        }
        Some(())
    }

    /// One shared string: its length in characters.
    fn string(&mut self) -> Option<u64> {
        let at = self.take(3)?;
        let cch = self.stream.u16(at)? as usize;
        let flags = self.stream.byte(at + 2)?;
        let runs = if flags & 0x8 != 0 { self.stream.u16(self.take(2)?)? as usize } else { 0 };
        let ext = if flags & 0x4 != 0 { self.stream.u32(self.take(4)?)? as usize } else { 0 };
        let (mut wide, mut left) = (flags & 0x1 != 0, cch);
        while left > 0 {
            let width = if wide { 2 } else { 1 };
            let n = left.min(self.left() / width);
            self.at += n * width;
            left -= n;
            if left > 0 {
                if !self.next_part() {
                    return None;
                }
                wide = self.stream.byte(self.take(1)?)? & 0x1 != 0;
            }
        }
        self.skip(runs * 4)?;
        self.skip(ext)?;
        Some(cch as u64)
    }
}

/// Rows × columns of a rectangle of cells, inclusive.
#[derive(Default)]
struct Span(Option<((u32, u32), (u32, u32))>);

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => ((row, col), (row, col)),
            Some(((r0, c0), (r1, c1))) => ((r0.min(row), c0.min(col)), (r1.max(row), c1.max(col))),
        });
    }

    fn area(&self) -> u64 {
        self.0.map_or(0, |((r0, c0), (r1, c1))| (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64)
    }
}

/// Counts what calamine will build from the records: the shared strings,
/// every sheet's declared and spanned rectangle, its cells and text.
fn scan_biff(stream: &Stream) -> Result<(), String> {
    let mut sheets = Vec::new();
    let mut strings: Vec<u32> = Vec::new();
    for r in stream.records(0) {
        match r.typ {
            // BoundSheet8: where the sheet's records start.
            0x0085 if r.len() >= 4 => {
                let pos = stream.u32(r.start()).unwrap_or(0) as usize;
                if pos > stream.len {
                    return Err(XLS_CORRUPT.to_string());
                }
                sheets.push(pos);
                if sheets.len() > MAX_XLS_SHEETS {
                    return Err(format!("XLS のシートが {MAX_XLS_SHEETS} 枚を超えます。{WHY}"));
                }
            }
            // SST: the shared strings, as counted and as declared.
            0x00FC if r.len() >= 8 => {
                let declared = stream.u32(r.start() + 4).unwrap_or(0).max(stream.u32(r.start()).unwrap_or(0));
                if declared as u64 > MAX_SHARED_STRINGS {
                    return Err(format!(
                        "XLS ファイルが宣言する共有文字列の数（{declared} 個）が上限（{MAX_SHARED_STRINGS} 個）を超えています。{WHY}"
                    ));
                }
                let mut reader = Reader { stream, parts: &r.parts, part: 0, at: r.start() + 8 };
                strings.clear();
                while reader.left() > 0 || reader.next_part() {
                    // An empty CONTINUE is an empty string; a string
                    // calamine cannot read stops it as well.
                    let chars = if reader.left() == 0 { Some(0) } else { reader.string() };
                    let Some(chars) = chars else { break };
                    strings.push(chars as u32);
                    if strings.len() as u64 > MAX_SHARED_STRINGS {
                        return Err(format!("XLS の共有文字列が {MAX_SHARED_STRINGS} 個を超えます。{WHY}"));
                    }
                }
            }
            _ => {}
        }
    }
    let (mut area, mut cells, mut text) = (0u64, 0u64, 0u64);
    for pos in sheets {
        let (mut span, mut formulas, mut reserved) = (Span::default(), Span::default(), 0u64);
        let mut formula_at = (0u32, 0u32);
        for r in stream.records(pos) {
            let d = r.start();
            let (len, row, col) = (r.len(), stream.u16(d).unwrap_or(0) as u32, stream.u16(d + 2).unwrap_or(0) as u32);
            match r.typ {
                // DIMENSIONS: calamine reserves rows × columns cells.
                0x0200 => {
                    let (rf, rl, mut cf, cl) = match len {
                        10 => (row, col, stream.u16(d + 4).unwrap_or(0) as u32, stream.u16(d + 6).unwrap_or(0) as u32),
                        14 => (
                            stream.u32(d).unwrap_or(0),
                            stream.u32(d + 4).unwrap_or(0),
                            stream.u16(d + 8).unwrap_or(0) as u32,
                            stream.u16(d + 10).unwrap_or(0) as u32,
                        ),
                        _ => continue,
                    };
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    let (start, end) =
                        if rl >= 1 && cl >= 1 { ((rf, cf), (rl - 1, cl - 1)) } else { ((rf, cf), (rf, cf)) };
                    if end.0 < start.0 || end.1 < start.1 {
                        return Err(format!("XLS のシートの範囲（DIMENSIONS）が正しくありません。{WHY}"));
                    }
                    let declared = (end.0 - start.0 + 1) as u64 * (end.1 - start.1 + 1) as u64;
                    if declared > MAX_XLS_AREA {
                        return Err(format!(
                            "XLS のシートが宣言する範囲（{declared} セル）が上限（{MAX_XLS_AREA} セル）を超えています。{WHY}"
                        ));
                    }
                    reserved = reserved.max(declared);
                }
                0x0203 | 0x0205 | 0x027E if len >= 4 => {
                    span.add(row, col);
                    cells += 1;
                }
                0x0204 if len >= 4 => {
                    span.add(row, col);
                    cells += 1;
                    text += stream.u16(d + 6).unwrap_or(0) as u64;
                }
                0x00FD if len >= 10 => {
                    let i = stream.u32(d + 6).unwrap_or(0) as usize;
                    if let Some(&chars) = strings.get(i).filter(|c| **c > 0) {
                        span.add(row, col);
                        cells += 1;
                        text += chars as u64;
                    }
                }
                // MULRK: values of columns first..=last of a row.
                0x00BD if len >= 6 => {
                    let last = stream.u16(d + len - 2).unwrap_or(0) as u32;
                    if last < col {
                        return Err(XLS_CORRUPT.to_string());
                    }
                    span.add(row, col);
                    span.add(row, last);
                    cells += (last - col + 1) as u64;
                }
                0x0006 if len >= 20 => {
                    formula_at = (row, col);
                    span.add(row, col);
                    formulas.add(row, col);
                    cells += 1;
                }
                // STRING: the text a formula gave.
                0x0207 if len >= 2 => {
                    span.add(formula_at.0, formula_at.1);
                    text += stream.u16(d).unwrap_or(0) as u64;
                }
                _ => {}
            }
            if cells > MAX_CELLS {
                return Err(format!("ブックのセルが合計 {MAX_CELLS} 個を超えます。{WHY}"));
            }
            if text > MAX_XLS_TEXT_CHARS {
                return Err(format!("XLS のセルの文字数が合計 {MAX_XLS_TEXT_CHARS} 文字を超えます。{WHY}"));
            }
        }
        area += reserved.max(span.area()) + formulas.area();
        if area > MAX_XLS_AREA {
            return Err(format!(
                "XLS のシートの範囲（値のあるセルを囲む長方形）が合計 {MAX_XLS_AREA} セルを超えます（{area} セル）。{WHY}"
            ));
        }
    }
    Ok(())
}
