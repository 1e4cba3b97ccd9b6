//! Values of the tables: the same value printed twice, totals of
//! composite cells, counts of listed items.

use crate::cell::CellMeaning;
use crate::check::similar::{key, same_thing};
use crate::check::view::{main_num, nums, period_year, Ind, Num, SheetView, Val};
use crate::check::{Out, Rule, Run, Scope, Severity, Side};
use crate::number::Number;
use crate::ValueRole;

pub const CROSS_TABLE_VALUE: Rule = Rule {
    code: "cross_table_value",
    title: "表どうしの値の食い違い",
    explanation: "同じ指標の同じ年度の値が二つの表（施策の表と総合戦略のKPI表、一覧と個別の調査票など）に印字されているとき、その値を比べます。\
目標は目標どうし、実績と基準値（「戦略策定時」）は同じ年度どうしで比べ、印字の桁の丸め（「42,969万円」と「429,694千円」）は一致とみなします。\
複数の値を含むセルは、同じ名前の内訳どうしを比べます。",
    scope: Scope::Sheet,
    run: Run::Sheet(cross_table_value),
};

pub const TWIN_INDICATORS: Rule = Rule {
    code: "twin_indicators",
    title: "同じ指標の別表での食い違い",
    explanation: "名前が「件数」「回数」などの違いだけで、全年度の目標が一致する二つの指標（成果指標と業務計画の活動指標など）を同じものとみなし、同じ年度の実績が異なるものを示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(twin_indicators),
};

pub const COMPOSITE_SUM: Rule = Rule {
    code: "composite_sum",
    title: "表の合計と内訳の不一致",
    explanation: "「1,777人 (スポーツボランティア延べ124人) (…)」のように合計の後に括弧で内訳が二つ以上並ぶセルで、内訳の和が合計と一致しないものを示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(composite_sum),
};

pub const COUNT_VS_LIST: Rule = Rule {
    code: "count_vs_list",
    title: "件数と列挙の不一致",
    explanation: "「2件 (④※⑤)」のように件数の後に丸数字で対象を挙げたセルで、挙げた数と件数が合わないものを示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(count_vs_list),
};

fn role_word(r: ValueRole) -> &'static str {
    match r {
        ValueRole::Actual => "実績",
        ValueRole::Baseline => "基準値",
        ValueRole::Target => "目標",
    }
}

fn source(v: &Val) -> String {
    v.input.source.clone().unwrap_or_else(|| "表".into())
}

fn cross_table_value(v: &SheetView, out: &mut Out) {
    for ind in &v.own {
        for fy in ind.years() {
            let targets: Vec<&Val> = ind.all(fy, ValueRole::Target).collect();
            let measured: Vec<&Val> = ind.all(fy, ValueRole::Actual).chain(ind.all(fy, ValueRole::Baseline)).collect();
            for group in [targets, measured] {
                compare_printings(v, out, ind, &group);
            }
        }
    }
}

/// Each printing from another table against the first printing.
fn compare_printings(v: &SheetView, out: &mut Out, ind: &Ind, group: &[&Val]) {
    let Some(first) = group.first() else { return };
    let first_nums = nums(first.cell.meaning());
    if first_nums.is_empty() {
        return;
    }
    for other in &group[1..] {
        if other.input.source == first.input.source || period_year(&other.cell) != period_year(&first.cell) {
            continue;
        }
        for (a, b) in matched_parts(&first_nums, &nums(other.cell.meaning())) {
            if a.agrees(&b) || !(a.unit == b.unit || a.unit.is_empty() || b.unit.is_empty()) {
                continue;
            }
            let fy = other.input.fiscal_year;
            let part = b.label.as_ref().or(a.label.as_ref()).map(|l| format!("（{l}）")).unwrap_or_default();
            let message = format!(
                "「{}」{}の{}{}が、{}では「{}」、{}では「{}」と異なります。",
                ind.name(),
                fy.label(),
                role_word(first.input.role),
                part,
                source(first),
                first.cell.printed().trim(),
                source(other),
                other.cell.printed().trim()
            );
            out.push(
                Severity::Warning,
                v.place(&source(other), Some(ind.name()), Some(fy), other.input.line.or(first.input.line)),
                message,
                Side::new(format!("{}（{}）", role_word(first.input.role), source(first)), first.cell.printed().trim()),
                Side::new(format!("{}（{}）", role_word(other.input.role), source(other)), other.cell.printed().trim()),
            );
        }
    }
}

/// Pairs the numbers of two printings: labelled parts by label, the
/// unlabelled main value with the main value, bracketed parts by position.
fn matched_parts(a: &[Num], b: &[Num]) -> Vec<(Num, Num)> {
    let mut out = Vec::new();
    let bracketed = |n: &[Num]| n.iter().filter(|x| x.bracketed && x.label.is_none()).cloned().collect::<Vec<_>>();
    let (ab, bb) = (bracketed(a), bracketed(b));
    for y in b {
        let x = match (&y.label, y.bracketed) {
            (Some(l), _) => {
                a.iter().find(|x| x.label.as_deref().is_some_and(|xl| same_thing(xl, l) && key(xl) == key(l)))
            }
            (None, false) => a.iter().find(|x| x.label.is_none() && !x.bracketed),
            (None, true) if ab.len() == bb.len() => {
                let i = bb.iter().position(|z| z == y).unwrap_or(usize::MAX);
                ab.get(i)
            }
            (None, true) => None,
        };
        if let Some(x) = x {
            out.push((x.clone(), y.clone()));
        }
    }
    out
}

/// `IT推進本部会議の開催件数` and `IT推進本部会議開催回数` name one thing.
fn twin_names(a: &str, b: &str) -> bool {
    let strip = |s: &str| {
        let mut k: String = key(s).into_iter().collect();
        for suffix in ["件数", "回数", "人数", "団体数", "数"] {
            if let Some(t) = k.strip_suffix(suffix) {
                k = t.to_string();
                break;
            }
        }
        k
    };
    let (x, y) = (strip(a), strip(b));
    x.chars().count() >= 4 && x == y
}

fn twin_indicators(v: &SheetView, out: &mut Out) {
    let others: Vec<&Ind> = v.all_indicators().collect();
    for (i, a) in v.own.iter().enumerate() {
        for b in others.iter().skip(i + 1) {
            if a.input.key == b.input.key || !twin_names(a.name(), b.name()) || !same_targets(a, b) {
                continue;
            }
            for fy in a.years() {
                let (Some(x), Some(y)) = (a.get(fy, ValueRole::Actual, None), b.get(fy, ValueRole::Actual, None))
                else {
                    continue;
                };
                let (Some(nx), Some(ny)) = (main_num(x.cell.meaning()), main_num(y.cell.meaning())) else { continue };
                if nx.value == ny.value {
                    continue;
                }
                let message = format!(
                    "「{}」と「{}」は全年度の目標が同じで同じ指標と考えられますが、{}の実績が「{}」と「{}」で異なります。",
                    a.name(),
                    b.name(),
                    fy.label(),
                    x.cell.printed().trim(),
                    y.cell.printed().trim()
                );
                out.push(
                    Severity::Warning,
                    v.place(&source(y), Some(b.name()), Some(fy), y.input.line.or(x.input.line)),
                    message,
                    Side::new(format!("「{}」の実績（{}）", a.name(), source(x)), x.cell.printed().trim()),
                    Side::new(format!("「{}」の実績（{}）", b.name(), source(y)), y.cell.printed().trim()),
                );
            }
        }
    }
}

/// Both print a numeric target in the same years, and every one agrees.
fn same_targets(a: &Ind, b: &Ind) -> bool {
    let mut common = 0;
    for fy in a.years() {
        let ta = a.get(fy, ValueRole::Target, None).and_then(|t| main_num(t.cell.meaning()));
        let tb = b.get(fy, ValueRole::Target, None).and_then(|t| main_num(t.cell.meaning()));
        match (ta, tb) {
            (Some(x), Some(y)) if x.value == y.value => common += 1,
            (Some(_), Some(_)) => return false,
            _ => {}
        }
    }
    common >= 2
}

fn composite_sum(v: &SheetView, out: &mut Out) {
    for ind in &v.own {
        for val in &ind.values {
            let CellMeaning::Composite { parts } = val.cell.meaning() else { continue };
            let all = nums(val.cell.meaning());
            let mains: Vec<&Num> = all.iter().filter(|n| !n.bracketed).collect();
            let items: Vec<&Num> = all.iter().filter(|n| n.bracketed).collect();
            // Every part must be read: a part we could not read would make
            // the sum wrong, not the sheet.
            if mains.len() != 1 || mains[0].label.is_some() || items.len() < 2 || all.len() != parts.len() {
                continue;
            }
            let total = mains[0];
            if items.iter().any(|n| n.unit != total.unit) {
                continue;
            }
            let Some(sum) = items.iter().try_fold(Number::ZERO, |s, n| s.checked_add(n.value)) else { continue };
            let tolerance = total.precision / 2.0 + items.iter().map(|n| n.precision / 2.0).sum::<f64>();
            if (sum.to_f64() - total.value.to_f64()).abs() <= tolerance {
                continue;
            }
            let fy = val.input.fiscal_year;
            let listed: Vec<String> = items.iter().map(|n| n.value.grouped()).collect();
            let message = format!(
                "「{}」{}の{}「{}」の内訳の和は {}{} で、合計 {}{} と一致しません。",
                ind.name(),
                fy.label(),
                role_word(val.input.role),
                val.cell.printed().trim(),
                sum.grouped(),
                total.unit,
                total.value.grouped(),
                total.unit
            );
            out.push(
                Severity::Error,
                v.place(&source(val), Some(ind.name()), Some(fy), val.input.line),
                message,
                Side::new("印字された合計", format!("{}{}", total.value.grouped(), total.unit)),
                Side::new("内訳の和", format!("{}{}（{}）", sum.grouped(), total.unit, listed.join(" + "))),
            );
        }
    }
}

const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

fn count_vs_list(v: &SheetView, out: &mut Out) {
    for ind in &v.own {
        for val in &ind.values {
            let Some(n) = main_num(val.cell.meaning()) else { continue };
            let Some(count) = n.value.to_integer() else { continue };
            if n.unit == "%" || n.unit == "円" {
                continue;
            }
            // A note that only lists circled numbers: `(④※⑤)`, `(①②③ ④)`.
            let listed: Vec<char> = val
                .cell
                .notes()
                .iter()
                .filter(|note| note.chars().all(|c| CIRCLED.contains(c) || matches!(c, '※' | ' ' | '・' | '、' | ',')))
                .flat_map(|note| note.chars().filter(|c| CIRCLED.contains(*c)))
                .collect();
            let mut distinct = listed.clone();
            distinct.sort();
            distinct.dedup();
            if distinct.is_empty() || distinct.len() as i64 == count {
                continue;
            }
            let fy = val.input.fiscal_year;
            let list: String = distinct.iter().collect();
            out.push(
                Severity::Warning,
                v.place(&source(val), Some(ind.name()), Some(fy), val.input.line),
                format!(
                    "「{}」{}の{}「{}」は{}件としていますが、括弧内に挙げた対象は{}の{}件です。",
                    ind.name(),
                    fy.label(),
                    role_word(val.input.role),
                    val.cell.printed().trim(),
                    count,
                    list,
                    distinct.len()
                ),
                Side::new("印字された件数", format!("{count}{}", n.unit)),
                Side::new("挙げられた対象", format!("{list}（{}件）", distinct.len())),
            );
        }
    }
}
