//! An indicator across its years: the target against the baseline, values
//! of another year under a column, the same value year after year.

use crate::cell::{CellMeaning, DataPeriod};
use crate::check::similar::same_thing;
use crate::check::view::{direction_words, main_num, nums, period_year, Ind, Num, SheetView, Val};
use crate::check::{Out, Rule, Run, Scope, Severity, Side};
use crate::{Direction, FiscalYear, ValueRole};

pub const TARGET_VS_BASELINE: Rule = Rule {
    code: "target_vs_baseline",
    title: "目標と基準値の向きの不一致",
    explanation: "指標に宣言された向きに照らして、最終の目標値が計画策定時（基準値）と逆向きのもの（高いほど良い指標で目標が基準値を下回る、低いほど良い指標で上回る）、\
および「〜以上」の目標が基準値で既に満たされているものを示します。減少を抑える目標など意図したものは、確認済みにしてください。",
    scope: Scope::Sheet,
    run: Run::Sheet(target_vs_baseline),
};

pub const DATA_YEAR: Rule = Rule {
    code: "data_year",
    title: "欄と異なる年度のデータ",
    explanation: "年度の欄に、セル自身が別の年（「231事業所 (平成28年)」「(令和元年度)」）の値だと書いているものを示します。\
同じ年の同じ値が二つの欄に載っている（新しい欄に新しい値がない）ものは要確認、統計の公表時期による年のずれは参考として、指標ごとに1件にまとめます。",
    scope: Scope::Sheet,
    run: Run::Sheet(data_year),
};

pub const REPEATED_VALUE: Rule = Rule {
    code: "repeated_value",
    title: "注記のない同じ値の繰り返し",
    explanation: "実績が複数の年度で全く同じ値（3桁以上の値が2年度、または3年度以上）で、セルに年や注記がないものを示します。前年度の値の写し忘れの可能性があります。\
0や、目標どおりの値の維持は示しません。",
    scope: Scope::Sheet,
    run: Run::Sheet(repeated_value),
};

fn first_with_numbers<'v>(vals: impl Iterator<Item = &'v Val<'v>>) -> Option<&'v Val<'v>> {
    vals.into_iter().find(|v| !nums(v.cell.meaning()).is_empty() || matches!(v.cell.meaning(), CellMeaning::Bound(_)))
}

fn target_vs_baseline(v: &SheetView, out: &mut Out) {
    for ind in &v.own {
        let mut baselines: Vec<&Val> = ind.values.iter().filter(|x| x.input.role == ValueRole::Baseline).collect();
        baselines.sort_by_key(|x| x.input.fiscal_year);
        let mut targets: Vec<&Val> = ind.values.iter().filter(|x| x.input.role == ValueRole::Target).collect();
        targets.sort_by_key(|x| std::cmp::Reverse(x.input.fiscal_year));
        let (Some(base), Some(target)) =
            (first_with_numbers(baselines.into_iter()), first_with_numbers(targets.into_iter()))
        else {
            continue;
        };
        let base_nums = nums(base.cell.meaning());
        if let CellMeaning::Bound(b) = target.cell.meaning() {
            // A floor already reached when the plan was made.
            if let (Some(lower), None, false) = (b.lower, b.upper, b.maintain) {
                let Some(bn) = main_num(base.cell.meaning()) else { continue };
                let unit_ok = crate::check::prose::canonical(lower.value, &b.unit)
                    .filter(|(_, u)| *u == bn.unit || b.unit.is_empty());
                if let Some((lv, _)) = unit_ok {
                    if bn.value >= lv {
                        report(v, out, ind, base, target, None, "目標の下限が計画策定時に既に満たされています");
                    }
                }
            }
            continue;
        }
        let worse = match ind.input.direction {
            Direction::HigherIsBetter => |t: &Num, b: &Num| t.value < b.value,
            Direction::LowerIsBetter => |t: &Num, b: &Num| t.value > b.value,
            _ => continue,
        };
        let backwards: Vec<Num> = pairs(&nums(target.cell.meaning()), &base_nums)
            .into_iter()
            .filter(|(t, b)| t.unit == b.unit && worse(t, b) && !t.agrees(b))
            .map(|(t, _)| t)
            .collect();
        if backwards.is_empty() {
            continue;
        }
        let what = match ind.input.direction {
            Direction::HigherIsBetter => "目標値が基準値を下回っています",
            _ => "目標値が基準値を上回っています",
        };
        // One flag per indicator, naming the parts of a composite.
        let parts: Vec<String> = backwards.iter().filter_map(|t| t.label.clone()).collect();
        let part = (!parts.is_empty() && backwards.len() < nums(target.cell.meaning()).len()).then(|| parts.join("・"));
        report(v, out, ind, base, target, part, what);
    }
}

/// The parts of a target and a baseline that measure the same thing.
fn pairs(t: &[Num], b: &[Num]) -> Vec<(Num, Num)> {
    if t.len() == b.len() {
        let same = t.iter().zip(b).all(|(x, y)| match (&x.label, &y.label) {
            (Some(a), Some(c)) => same_thing(a, c),
            (None, None) => x.bracketed == y.bracketed,
            _ => false,
        });
        if same {
            return t.iter().cloned().zip(b.iter().cloned()).collect();
        }
    }
    Vec::new()
}

fn report(v: &SheetView, out: &mut Out, ind: &Ind, base: &Val, target: &Val, part: Option<String>, what: &str) {
    let part = part.map(|p| format!("（{p}）")).unwrap_or_default();
    let message = format!(
        "「{}」{}は{}ですが、{}の目標「{}」は、{}の基準値「{}」に対して{}。減少を抑える目標など意図したものであれば、確認済みにしてください。",
        ind.name(),
        part,
        direction_words(ind.input.direction),
        target.input.fiscal_year.label(),
        target.cell.printed().trim(),
        base.input.fiscal_year.label(),
        base.cell.printed().trim(),
        what
    );
    out.push(
        Severity::Info,
        v.place("指標", Some(ind.name()), Some(target.input.fiscal_year), target.input.line),
        message,
        Side::new(format!("目標（{}）", target.input.fiscal_year.label()), target.cell.printed().trim()),
        Side::new(format!("基準値（{}）", base.input.fiscal_year.label()), base.cell.printed().trim()),
    );
}

/// `平成28年`, `令和元年度`.
fn period_label(p: &DataPeriod) -> String {
    match p {
        DataPeriod::FiscalYear { year, .. } => year.label(),
        DataPeriod::CalendarYear { year, .. } => match FiscalYear::new(*year) {
            // The era of 1 May names a calendar year well enough here.
            Ok(fy) => fy.label().trim_end_matches('度').to_string(),
            Err(_) => format!("{year}年"),
        },
    }
}

fn data_year(v: &SheetView, out: &mut Out) {
    for ind in &v.own {
        let mut measured: Vec<&Val> = ind.values.iter().filter(|x| x.input.role != ValueRole::Target).collect();
        measured.sort_by_key(|x| x.input.fiscal_year);
        let differing: Vec<&Val> = measured
            .iter()
            .copied()
            .filter(|x| period_year(&x.cell).is_some_and(|y| y != x.input.fiscal_year.year()))
            .collect();
        let Some(first) = differing.first() else { continue };
        // The same year's value under a later column: nothing new was printed.
        let stale = differing.iter().find_map(|later| {
            measured
                .iter()
                .find(|earlier| {
                    earlier.input.fiscal_year < later.input.fiscal_year
                        && earlier.input.source == later.input.source
                        && earlier.cell.data_period() == later.cell.data_period()
                        && main_num(earlier.cell.meaning())
                            .zip(main_num(later.cell.meaning()))
                            .is_some_and(|(a, b)| a.value == b.value)
                })
                .map(|earlier| (*earlier, *later))
        });
        let period = |x: &Val| x.cell.data_period().map(period_label).unwrap_or_default();
        match stale {
            Some((earlier, later)) => {
                let fy = later.input.fiscal_year;
                out.push(
                    Severity::Warning,
                    v.place("指標", Some(ind.name()), Some(fy), later.input.line),
                    format!(
                        "「{}」の{}の欄の「{}」は、{}の欄と同じ{}の値です。{}の値が載っていません。",
                        ind.name(),
                        fy.label(),
                        later.cell.printed().trim(),
                        earlier.input.fiscal_year.label(),
                        period(later),
                        fy.label()
                    ),
                    Side::new(
                        format!("{}の欄", fy.label()),
                        format!("{}（{}の値）", later.cell.printed().trim(), period(later)),
                    ),
                    Side::new(format!("{}の欄", earlier.input.fiscal_year.label()), earlier.cell.printed().trim()),
                );
            }
            None => {
                let fy = first.input.fiscal_year;
                let others = differing.len() - 1;
                let more = if others > 0 { format!("（ほか{others}か所）") } else { String::new() };
                out.push(
                    Severity::Info,
                    v.place("指標", Some(ind.name()), Some(fy), first.input.line),
                    format!(
                        "「{}」の{}の欄の「{}」は、{}の値です{}。欄の年度と値の年が異なることを確認してください。",
                        ind.name(),
                        fy.label(),
                        first.cell.printed().trim(),
                        period(first),
                        more
                    ),
                    Side::new("欄の年度", fy.label()),
                    Side::new("値の年", format!("{}（{}）", period(first), first.cell.printed().trim())),
                );
            }
        }
    }
}

/// The number of significant digits: 3 for `46.4`, 2 for `30`.
fn significant_digits(n: crate::number::Number) -> usize {
    let m = n.mantissa().unsigned_abs().to_string();
    let trimmed = if n.scale() > 0 { m.as_str() } else { m.trim_end_matches('0') };
    trimmed.len().max(1)
}

fn repeated_value(v: &SheetView, out: &mut Out) {
    for ind in &v.own {
        let mut sources: Vec<Option<&str>> = ind.values.iter().map(|x| x.input.source.as_deref()).collect();
        sources.sort();
        sources.dedup();
        for src in sources {
            let mut series: Vec<&Val> = ind
                .values
                .iter()
                .filter(|x| x.input.source.as_deref() == src && x.input.role != ValueRole::Target)
                .collect();
            // A baseline between two actuals breaks a run; only actuals
            // repeat a year's result.
            series.sort_by_key(|x| x.input.fiscal_year);
            let mut run: Vec<&Val> = Vec::new();
            for x in series {
                if x.input.role == ValueRole::Baseline {
                    flag_run(v, out, ind, &run);
                    run.clear();
                    continue;
                }
                if run.last().is_some_and(|last| same_plain_value(last, x)) {
                    run.push(x);
                    continue;
                }
                flag_run(v, out, ind, &run);
                run = if plain_value(x).is_some() { vec![x] } else { Vec::new() };
            }
            flag_run(v, out, ind, &run);
        }
    }
}

/// A number printed with nothing that explains it.
fn plain_value(x: &Val) -> Option<Num> {
    let bare = x.cell.data_period().is_none() && x.cell.notes().is_empty() && x.cell.footnotes().is_empty();
    main_num(x.cell.meaning()).filter(|n| bare && !n.value.is_zero())
}

fn same_plain_value(a: &Val, b: &Val) -> bool {
    match (plain_value(a), plain_value(b)) {
        (Some(x), Some(y)) => x.value == y.value && x.unit == y.unit,
        _ => false,
    }
}

fn flag_run(v: &SheetView, out: &mut Out, ind: &Ind, run: &[&Val]) {
    let (Some(first), Some(last)) = (run.first(), run.last()) else { return };
    let Some(n) = plain_value(first) else { return };
    if run.len() < 2 || (run.len() < 3 && significant_digits(n.value) < 3) {
        return;
    }
    // Holding the target is no accident.
    let on_target = run.iter().all(|x| {
        ind.get(x.input.fiscal_year, ValueRole::Target, x.input.source.as_deref())
            .and_then(|t| main_num(t.cell.meaning()))
            .is_some_and(|t| t.value == n.value)
    });
    if on_target {
        return;
    }
    let years: Vec<String> = run.iter().map(|x| x.input.fiscal_year.label()).collect();
    out.push(
        Severity::Info,
        v.place("指標", Some(ind.name()), Some(last.input.fiscal_year), last.input.line),
        format!(
            "「{}」の実績が{}で同じ「{}」です。年や注記がないため、前年度の値が残っていないか確認してください。",
            ind.name(),
            years.join("・"),
            last.cell.printed().trim()
        ),
        Side::new(format!("{}の実績", first.input.fiscal_year.label()), first.cell.printed().trim()),
        Side::new(format!("{}の実績", last.input.fiscal_year.label()), last.cell.printed().trim()),
    );
}
