//! Projects that span rows and sheets: merged cells, a project over
//! several rows, and further sheets joined to the main one by a key
//! column (usually the project's name).
//!
//! Real exports print one project over two sheets (「事業概要」 with the
//! code, name and narratives; 「指標・コスト」 with the name again and the
//! indicators and costs), merge the cells of 部 and 課 over several
//! projects, and merge a project's key cell over the two rows it takes.
//! Before the rows are read:
//!
//! - every merged range below the header gives its value to all its cells,
//!   as a person sees it;
//! - a project whose key cell is merged over several rows is one project:
//!   its later rows are marked as continued, and their cells are copied
//!   onto the project's first row in extra columns (`row = 2`);
//! - each joined sheet's rows are matched to the projects by the join key,
//!   compared after the same normalisation as headers (width, spaces), and
//!   copied onto the project's first row in extra columns.
//!
//! So `rows` reads one row per project whatever sheet or row a column
//! names, and errors still name the sheet and row the cell came from
//! (`Sheet::place_at`). A project without a partner, a partner without a
//! project, and a key found twice are errors: nothing is guessed.

use std::collections::{HashMap, HashSet};

use super::column::ColumnRef;
use super::layout::{header, Col, Header, Resolver};
use super::spec::{Checked, JoinSpec, Until};
use super::value::code;
use super::workbook::{Joined, Segment, Sheet};
use crate::canonical::grid::Cell;
use crate::canonical::limits::{column_letters, MAX_CELLS};
use crate::error::{shown, ImportError, Place};

impl JoinSpec {
    fn until(&self) -> Until {
        match self.until.as_deref().map(str::trim) {
            Some("skip_blank") => Until::SkipBlank,
            _ => Until::BlankKey,
        }
    }
}

/// The `[[join]]` tables checked with the rest of the mapping.
pub fn check(file: &str, joins: &[JoinSpec]) -> Result<(), ImportError> {
    let mut problems = Vec::new();
    let mut fail = |key: String, message: &str| {
        problems.push(ImportError::new(Place::file(file), format!("対応表の {key}: {message}")));
    };
    let mut aliases = HashSet::new();
    for (i, j) in joins.iter().enumerate() {
        let key = format!("join[{i}]");
        match (&j.sheet, &j.pattern) {
            (Some(_), Some(_)) => fail(key.clone(), "sheet と pattern はどちらか一方だけを書いてください"),
            (None, None) => fail(format!("{key}.sheet"), "結合するシートを sheet（名前）か pattern で書いてください"),
            (None, Some(_)) if j.alias.is_none() => {
                fail(format!("{key}.as"), "pattern で選ぶシートには、列の指定で使う名前を as で付けてください")
            }
            _ => {}
        }
        let alias = j.alias();
        if alias.is_empty() {
            fail(format!("{key}.as"), "シートの名前が空です");
        } else if alias.contains('!') {
            fail(format!("{key}.as"), "名前に「!」は使えません");
        } else if !aliases.insert(hyoka_core::text::squeeze(alias)) {
            fail(format!("{key}.as"), &format!("「{}」という名前のシートが2回結合されています", shown(alias)));
        }
        match (j.header_row, j.header_find.is_empty()) {
            (Some(_), false) => fail(key.clone(), "header_row と header_find はどちらか一方だけを書いてください"),
            (None, true) => fail(
                format!("{key}.header_row"),
                "見出しの行（header_row）か、見出しを探す文字（header_find）を書いてください",
            ),
            (Some(0), _) => fail(format!("{key}.header_row"), "行は 1 から数えます"),
            _ => {}
        }
        if !matches!(j.until.as_deref().map(str::trim), None | Some("blank_key" | "skip_blank")) {
            fail(format!("{key}.until"), "使えるのは blank_key か skip_blank です");
        }
        for (side, c) in [("main", &j.on.main), ("other", &j.on.other)] {
            if c.sheet.is_some() || c.row.is_some() {
                fail(
                    format!("{key}.on.{side}"),
                    "結合のキーにはシート（!）や row を書けません。列だけを書いてください",
                );
            }
        }
        if j.fill_down.iter().any(|c| c.sheet.is_some() || c.row.is_some()) {
            fail(format!("{key}.fill_down"), "このシートの列だけを書いてください（シート（!）や row は書けません）");
        }
    }
    ImportError::all(problems)
}

/// One project's rows: the first, and how many.
#[derive(Clone, Copy)]
struct Record {
    row: u32,
    span: u32,
}

/// Prepares the main sheet for reading one row per project: spreads merged
/// cells, gathers each project's later rows, and attaches the joined
/// sheets (`others`, in the order of `m.raw.join`). Returns notes for the
/// person importing.
pub fn attach(main: &mut Sheet, head: &Header, others: Vec<Sheet>, m: &Checked) -> Result<Vec<String>, ImportError> {
    let mut notes = Vec::new();
    spread_merges(main, head.row)?;
    let first = head.row + 1 + m.raw.sheet.skip_rows;
    let key = resolve(main, head, "item.code", &m.raw.item.code)?;
    let records = project_rows(main, key.index, first, m.until, |c| code(c, m.raw.item.code_width))?;
    mark_continued(main, &records);
    let width = own_width(main);
    let longest = records.iter().map(|r| r.span).max().unwrap_or(1);
    if longest > 1 {
        let spread = records.iter().filter(|r| r.span > 1).count();
        notes.push(format!(
            "{}: 番号の結合セルで複数の行にわたる事業 {spread} 件（最大 {longest} 行）は、それぞれ1つの事業として読みます",
            main.file
        ));
    }
    // A project's later rows, side by side after the sheet's own columns.
    let mut next_base = width;
    for n in 2..=longest {
        main.extra.push(Segment { base: next_base, width, row: n, joined: None });
        for r in &records {
            if n <= r.span {
                let cells = main.rows.get(&(r.row + n - 1)).cloned().unwrap_or_default();
                place(main, r.row, next_base, cells);
            }
        }
        next_base += width;
    }

    for (j, (spec, mut other)) in m.raw.join.iter().zip(others).enumerate() {
        let jkey = format!("join[{j}]");
        let sheet_spec = spec.sheet_spec();
        let oh = header(&other, &sheet_spec, &jkey)?;
        spread_merges(&mut other, oh.row)?;
        let ofirst = oh.row + 1 + spec.skip_rows;
        let mut r = Resolver { sheet: &other, header: &oh, problems: Vec::new() };
        let fill: Vec<u32> = spec
            .fill_down
            .iter()
            .enumerate()
            .filter_map(|(i, c)| r.col(&format!("{jkey}.fill_down[{i}]"), c))
            .map(|c| c.index)
            .collect();
        let other_key = r.col(&format!("{jkey}.on.other"), &spec.on.other);
        let main_key = {
            let mut mr = Resolver { sheet: main, header: head, problems: Vec::new() };
            let c = mr.col(&format!("{jkey}.on.main"), &spec.on.main);
            r.problems.extend(mr.problems);
            c
        };
        ImportError::all(r.problems)?;
        let (other_key, main_key) = (other_key.expect("resolved"), main_key.expect("resolved"));
        other.fill_down(fill, ofirst);
        let partners = project_rows(&other, other_key.index, ofirst, spec.until(), |c| code(c, None))?;
        let (partner, problems) = pair(main, &records, &main_key, &other, &partners, &other_key);
        ImportError::all(problems)?;

        let owidth = own_width(&other);
        let olongest = partners.iter().map(|r| r.span).max().unwrap_or(1);
        let spans: HashMap<u32, u32> = partners.iter().map(|r| (r.row, r.span)).collect();
        for n in 1..=olongest {
            main.extra.push(Segment { base: next_base, width: owidth, row: n, joined: Some(j) });
            for (&row, &p) in &partner {
                if n <= spans[&p] {
                    let cells = other.rows.get(&(p + n - 1)).cloned().unwrap_or_default();
                    place(main, row, next_base, cells);
                }
            }
            next_base += owidth;
        }
        let name = other.name.clone().unwrap_or_default();
        notes.push(format!(
            "{}: シート「{}」（見出しは {}行目）を列「{}」で {} 件の事業と結合しました",
            main.file,
            shown(&name),
            oh.row + 1,
            main_key.label,
            partner.len()
        ));
        main.joined.push(Joined {
            alias: spec.alias().to_string(),
            name,
            header_row: oh.row,
            header: oh.texts,
            key: other_key.index,
            partner,
        });
    }
    Ok(notes)
}

fn resolve(sheet: &Sheet, head: &Header, key: &str, r: &ColumnRef) -> Result<Col, ImportError> {
    let mut resolver = Resolver { sheet, header: head, problems: Vec::new() };
    let col = resolver.col(key, r);
    ImportError::all(resolver.problems)?;
    Ok(col.expect("resolved, else an error above"))
}

/// The widest row of a sheet (its own columns).
fn own_width(sheet: &Sheet) -> u32 {
    sheet.rows.values().map(|r| r.len() as u32).max().unwrap_or(0)
}

/// Puts `cells` at column `base` on, in row `row` (which holds a project).
fn place(sheet: &mut Sheet, row: u32, base: u32, cells: Vec<Cell>) {
    let Some(last) = cells.iter().rposition(|c| !matches!(c, Cell::Empty)) else { return };
    let target = sheet.rows.entry(row).or_default();
    let base = base as usize;
    if target.len() < base + last + 1 {
        target.resize(base + last + 1, Cell::Empty);
    }
    for (i, c) in cells.into_iter().take(last + 1).enumerate() {
        target[base + i] = c;
    }
}

/// Gives every cell of a merged range below the header the value of its
/// top-left cell, as the sheet shows it. Ranges are clipped to the rows
/// that hold data; a sheet whose ranges would make more than the limit of
/// cells is refused.
fn spread_merges(sheet: &mut Sheet, header_row: u32) -> Result<(), ImportError> {
    let Some(&last_row) = sheet.rows.keys().next_back() else { return Ok(()) };
    let mut made: u64 = 0;
    for merge in std::mem::take(&mut sheet.merges) {
        let ((r0, c0), (r1, c1)) = (merge.first, merge.last);
        if r0 <= header_row || (r0, c0) == (r1, c1) {
            continue;
        }
        let value = sheet.cell(r0, c0).clone();
        if matches!(value, Cell::Empty) {
            continue;
        }
        let r1 = r1.min(last_row);
        made += u64::from(r1.saturating_sub(r0) + 1) * u64::from(c1.saturating_sub(c0) + 1);
        if made > MAX_CELLS {
            return Err(ImportError::new(
                Place { sheet: sheet.name.clone(), ..Place::file(&sheet.file) },
                format!("結合セルが広すぎます（結合セルの中のセルが {MAX_CELLS} を超えます）"),
            ));
        }
        for r in r0..=r1 {
            let cells = sheet.rows.entry(r).or_default();
            if cells.len() <= c1 as usize {
                cells.resize(c1 as usize + 1, Cell::Empty);
            }
            for cell in &mut cells[c0 as usize..=c1 as usize] {
                if matches!(cell, Cell::Empty) {
                    *cell = value.clone();
                }
            }
        }
        sheet.merges.push(merge);
    }
    Ok(())
}

/// The projects of a sheet from row `first` on, as `rows` reads them: a
/// blank key ends the data (or is skipped), a key cell merged over several
/// rows makes one project of them, whose later rows are marked continued.
fn project_rows(
    sheet: &Sheet,
    key: u32,
    first: u32,
    until: Until,
    read: impl Fn(&Cell) -> Result<Option<String>, String>,
) -> Result<Vec<Record>, ImportError> {
    let spans: HashMap<u32, u32> = sheet
        .merges
        .iter()
        .filter(|m| m.first.1 <= key && key <= m.last.1 && m.first.0 >= first && m.last.0 > m.first.0)
        .map(|m| (m.first.0, m.last.0 - m.first.0 + 1))
        .collect();
    let Some(&last) = sheet.rows.keys().next_back() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    let mut row = first;
    while row <= last {
        match read(sheet.cell(row, key)) {
            Ok(None) if until == Until::BlankKey => break,
            Ok(None) => {
                row += 1;
                continue;
            }
            // A bad key cell is still a project: `rows` names its error.
            Ok(Some(_)) | Err(_) => {}
        }
        let span = spans.get(&row).copied().unwrap_or(1);
        out.push(Record { row, span });
        row += span;
    }
    Ok(out)
}

/// Marks the continued rows of the main sheet's projects.
fn mark_continued(sheet: &mut Sheet, records: &[Record]) {
    for r in records {
        sheet.continued.extend(r.row + 1..r.row + r.span);
    }
}

/// Matches each project to its row of the joined sheet by the key. Every
/// project needs exactly one partner and every partner one project.
fn pair(
    main: &Sheet,
    records: &[Record],
    main_key: &Col,
    other: &Sheet,
    partners: &[Record],
    other_key: &Col,
) -> (HashMap<u32, u32>, Vec<ImportError>) {
    let mut problems = Vec::new();
    let other_name = shown(other.name.as_deref().unwrap_or_default());
    let main_name = shown(main.name.as_deref().unwrap_or_default());
    let mut by_key: HashMap<String, u32> = HashMap::new();
    for p in partners {
        match code(other.cell(p.row, other_key.index), None) {
            Ok(Some(k)) => {
                if let Some(before) = by_key.get(&k) {
                    problems.push(other_key.error(
                        other,
                        p.row,
                        format!(
                            "「{}」の行が2つあります（{}行目と{}行目）。どちらを結合するか決められません",
                            shown(&k),
                            before + 1,
                            p.row + 1
                        ),
                    ));
                } else {
                    by_key.insert(k, p.row);
                }
            }
            Ok(None) => {}
            Err(msg) => problems.push(other_key.error(other, p.row, msg)),
        }
    }
    let mut partner = HashMap::new();
    let mut used: HashMap<String, u32> = HashMap::new();
    for r in records {
        match code(main.cell(r.row, main_key.index), None) {
            Ok(Some(k)) => {
                if let Some(before) = used.get(&k) {
                    problems.push(main_key.error(
                        main,
                        r.row,
                        format!(
                            "「{}」の事業が2つあります（{}行目と{}行目）。シート「{other_name}」のどの行と結合するか決められません",
                            shown(&k),
                            before + 1,
                            r.row + 1
                        ),
                    ));
                    continue;
                }
                used.insert(k.clone(), r.row);
                match by_key.get(&k) {
                    Some(&p) => {
                        partner.insert(r.row, p);
                    }
                    None => problems.push(main_key.error(
                        main,
                        r.row,
                        format!("「{}」の行がシート「{other_name}」にありません", shown(&k)),
                    )),
                }
            }
            Ok(None) => problems.push(main_key.error(
                main,
                r.row,
                format!("結合のキーが空のため、シート「{other_name}」と結合できません"),
            )),
            Err(msg) => problems.push(main_key.error(main, r.row, msg)),
        }
    }
    let mut alone: Vec<(&String, &u32)> = by_key.iter().filter(|(k, _)| !used.contains_key(*k)).collect();
    alone.sort_by_key(|(_, row)| **row);
    for (k, &row) in alone {
        problems.push(other_key.error(
            other,
            row,
            format!("「{}」の事業がシート「{main_name}」にありません", shown(k)),
        ));
    }
    (partner, problems)
}

/// The joined sheets' header columns that no column of the mapping reads.
pub fn unread(sheet: &Sheet, used: &HashSet<u32>) -> Vec<String> {
    let mut out = Vec::new();
    for (j, joined) in sheet.joined.iter().enumerate() {
        let mut read: HashSet<u32> = sheet
            .extra
            .iter()
            .filter(|s| s.joined == Some(j))
            .flat_map(|s| (0..s.width).filter(move |i| used.contains(&(s.base + i))))
            .collect();
        read.insert(joined.key);
        let unread: Vec<String> = joined
            .header
            .iter()
            .enumerate()
            .filter(|(i, h)| !h.is_empty() && !read.contains(&(*i as u32)))
            .map(|(i, h)| format!("{}（{}）", column_letters(i as u32), shown(h)))
            .collect();
        if !unread.is_empty() {
            out.push(format!(
                "{}: シート「{}」の対応表にない列（取り込みません）: {}",
                sheet.file,
                shown(&joined.name),
                unread.join("、")
            ));
        }
    }
    out
}
