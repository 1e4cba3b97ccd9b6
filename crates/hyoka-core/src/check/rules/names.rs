//! Names and codes printed twice: a summary list and the sheet, a table of
//! contents and a heading.

use crate::check::input::{NameField, Printing};
use crate::check::similar::{key, same_text};
use crate::check::view::{CityView, SheetView};
use crate::check::{Out, Place, Rule, Run, Scope, Severity, Side};
use crate::text::squeeze;

pub const NAME_MISMATCH: Rule = Rule {
    code: "name_mismatch",
    title: "名称・番号の食い違い",
    explanation: "同じ項目の名称・番号・目的が、一覧表と調査票など二か所で異なるものを示します。全角と半角、空白、括弧、句読点の違いは同じとみなします。\
一方が他方を省略しただけのもの（括弧書きの省略など）は参考、それ以外（「デリバリーこだいら」と「デリバリーこだい」など）は要確認です。",
    scope: Scope::Sheet,
    run: Run::Sheet(name_mismatch),
};

pub const PLAN_NAME_MISMATCH: Rule = Rule {
    code: "plan_name_mismatch",
    title: "計画体系の名称・番号の食い違い",
    explanation: "計画の体系（目次・体系図・見出し）で同じ番号の項目の名称や番号の書き方が異なるもの（「危機管理力の向上」と「危機管理能力の向上」、「5-(2)」と「5-2)」）を示します。",
    scope: Scope::CityYear,
    run: Run::City(plan_name_mismatch),
};

/// Whether two printings of a field say the same.
fn same(field: NameField, a: &str, b: &str) -> bool {
    match field {
        // A code's brackets are part of it: `5-(2)` is not `5-2)`.
        NameField::Code => squeeze(a) == squeeze(b),
        _ => same_text(a, b),
    }
}

/// The differing middle of two texts after their common start and end:
/// (`ら`, ``) for `デリバリーこだいら` / `デリバリーこだい`.
fn difference(a: &str, b: &str) -> (String, String) {
    let (x, y): (Vec<char>, Vec<char>) = (key(a), key(b));
    let pre = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let max_suf = x.len().min(y.len()) - pre;
    let suf = x.iter().rev().zip(y.iter().rev()).take(max_suf).take_while(|(p, q)| p == q).count();
    (x[pre..x.len() - suf].iter().collect(), y[pre..y.len() - suf].iter().collect())
}

fn is_kana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

fn is_kanji(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// One side is a few kanji, the other a few kana: a choice of writing.
fn kana_variant(a: &str, b: &str) -> bool {
    let one_way = |k: &str, h: &str| {
        let kanji = k.chars().count();
        !k.is_empty()
            && k.chars().all(is_kanji)
            && !h.is_empty()
            && h.chars().all(is_kana)
            && h.chars().count() <= kanji * 3
    };
    one_way(a, b) || one_way(b, a)
}

fn contains(a: &str, b: &str) -> bool {
    let (x, y) = (key(a), key(b));
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    !short.is_empty() && long.windows(short.len()).any(|w| w == short.as_slice())
}

/// Flags every printing that differs from the reference.
fn compare(out: &mut Out, place: impl Fn(&Printing) -> Place, what: &str, reference: &Printing, others: &[&Printing]) {
    for p in others {
        if same(p.field, &reference.text, &p.text) {
            continue;
        }
        let omitted = p.field != NameField::Code && contains(&reference.text, &p.text);
        let (da, db) = difference(&reference.text, &p.text);
        // `更なる` / `さらなる`: the same word in kanji and in kana.
        let variant = p.field != NameField::Code && kana_variant(&da, &db);
        let hint = match (da.is_empty(), db.is_empty()) {
            (false, false) => format!("「{da}」と「{db}」"),
            (false, true) => format!("「{da}」の有無"),
            (true, false) => format!("「{db}」の有無"),
            (true, true) => "書き方".to_string(),
        };
        let message = format!(
            "{what}の{}が、{}では「{}」、{}では「{}」と異なります（{hint}）。{}",
            p.field.label(),
            reference.place,
            reference.text.trim(),
            p.place,
            p.text.trim(),
            if omitted {
                "一方は他方の省略です。"
            } else if variant {
                "漢字とかなの表記の違いです。"
            } else {
                ""
            }
        );
        out.push(
            if omitted || variant { Severity::Info } else { Severity::Warning },
            place(p),
            message,
            Side::new(format!("{}（{}）", p.field.label(), reference.place), reference.text.trim()),
            Side::new(format!("{}（{}）", p.field.label(), p.place), p.text.trim()),
        );
    }
}

/// The printings of each field, with the registered value as reference
/// when only one printing is given.
fn by_field<'p>(printings: &'p [Printing], registered: &[(NameField, &str)]) -> Vec<(Printing, Vec<&'p Printing>)> {
    let mut out = Vec::new();
    for field in [NameField::Title, NameField::Code, NameField::Purpose] {
        let list: Vec<&Printing> = printings.iter().filter(|p| p.field == field).collect();
        let own = registered.iter().find(|(f, t)| *f == field && !t.trim().is_empty());
        match (list.split_first(), own) {
            (Some((first, rest)), _) if !rest.is_empty() => out.push(((*first).clone(), rest.to_vec())),
            (Some((first, _)), Some((_, text))) => {
                out.push((Printing { field, place: "登録".into(), text: (*text).into(), line: None }, vec![*first]))
            }
            _ => {}
        }
    }
    out
}

fn name_mismatch(v: &SheetView, out: &mut Out) {
    let registered = [(NameField::Title, v.sheet.title.as_str()), (NameField::Code, v.sheet.code.as_str())];
    for (reference, others) in by_field(&v.sheet.printings, &registered) {
        let place = |p: &Printing| v.place(&p.place, Some(p.field.label()), v.sheet.fiscal_year, p.line);
        compare(out, place, "この項目", &reference, &others);
    }
}

fn plan_name_mismatch(c: &CityView, out: &mut Out) {
    for plan in &c.city.plans {
        for node in &plan.nodes {
            let registered = [(NameField::Title, node.title.as_str()), (NameField::Code, node.code.as_str())];
            for (reference, others) in by_field(&node.printings, &registered) {
                let place = |p: &Printing| Place {
                    part: Some(format!("{} {}", plan.name, node.code)),
                    field: Some(p.field.label().into()),
                    fiscal_year: c.city.fiscal_year,
                    line: p.line,
                    ..Place::default()
                };
                compare(out, place, &format!("{}「{}」", plan.name, node.code), &reference, &others);
            }
        }
    }
}
