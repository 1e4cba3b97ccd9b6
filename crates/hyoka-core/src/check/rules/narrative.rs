//! Figures in the narrative: against the tables of the same sheet, and
//! against their own arithmetic (changes, sums, shares).

use crate::check::prose::{Change, Figure, Relation, Sentence};
use crate::check::similar::{coverage, measure_word, names_measure, tail_noun, trim_label};
use crate::check::view::{main_num, nums, Ind, SheetView, Text};
use crate::check::{Out, Rule, Run, Scope, Severity, Side};
use crate::number::Number;
use crate::{FiscalYear, ValueRole};

pub const NARRATIVE_VS_TABLE: Rule = Rule {
    code: "narrative_vs_table",
    title: "記述と表の数値の食い違い",
    explanation: "本文（取組内容・評価・総括など）に書かれた数値を、同じ調査票（と上位の施策）の指標の表の同じ年度の値と比べます。\
本文の数値は、指標名と語句が一致し、単位が同じで、年度（「平成30年度の」など。書かれていなければ実績を書く欄ではその年度）が分かるものだけを比べます。\
「約」「余り」「程度」は丸めの幅で許容し、増減（「〜人減」）は比べません。",
    scope: Scope::Sheet,
    run: Run::Sheet(narrative_vs_table),
};

pub const CHANGE_RATE: Rule = Rule {
    code: "change_rate",
    title: "増減率の計算違い",
    explanation:
        "本文の増減率（「前年度比約43%増」「528万円減(7.2%減)」）を、同じ文の「AからB」、直前に書かれた今年度の値、\
または表の比較年度の値から計算し直し、印字された丸めの範囲に入らないものを示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(change_rate),
};

pub const TEXT_SUM: Rule = Rule {
    code: "text_sum",
    title: "本文の合計と内訳の不一致",
    explanation: "本文の「合計」「計」の数値を、同じ文でその前に並ぶ同じ単位の内訳の和と比べます（末尾から2つ以上の内訳の和が合えば一致とします）。",
    scope: Scope::Sheet,
    run: Run::Sheet(text_sum),
};

pub const TEXT_SHARE: Rule = Rule {
    code: "text_share",
    title: "割合と件数の不一致",
    explanation: "「107指標のうち、62本」のような件数と、同じ文の割合（57.9%）を比べます。",
    scope: Scope::Sheet,
    run: Run::Sheet(text_share),
};

/// Slots where the figures are the year's results, so an undated figure
/// belongs to the sheet's year.
const RESULT_SLOTS: &[&str] = &["check", "do", "summary", "outcome_result", "volume_result", "result"];

/// `【電子申請】電子申請の利用件数` in `【電子申請】電子申請の利用件数は、…`.
fn topic(s: &Sentence) -> String {
    let end = s.chars.iter().take(40).position(|c| matches!(c, 'は' | 'が')).unwrap_or(0);
    s.slice(0, end)
}

/// The units an indicator prints.
fn unit_fits(ind: &Ind, unit: &str) -> bool {
    let units = &ind.units;
    units.iter().any(|u| u == unit)
        || (units.iter().all(|u| u.is_empty()) && !units.is_empty() && unit != "%" && unit != "円")
}

/// The figure as a cell number, widened for 約 and 余り.
fn figure_num(f: &Figure) -> crate::check::view::Num {
    let mut precision = f.precision;
    if f.approx {
        precision = precision.max(f.value.to_f64().abs() * 0.1);
    }
    crate::check::view::Num { label: None, bracketed: false, value: f.value, unit: f.unit.clone(), precision }
}

fn narrative_vs_table(v: &SheetView, out: &mut Out) {
    let inds: Vec<&Ind> = v.all_indicators().collect();
    if inds.is_empty() {
        return;
    }
    for text in &v.narratives {
        for s in &text.sentences {
            let topic = topic(s);
            let year_of = |f: &Figure| match f.year.or(f.context_year) {
                Some(y) if y.fiscal => FiscalYear::new(y.year).ok(),
                Some(_) => None,
                None if RESULT_SLOTS.contains(&text.slot.as_str()) => text.fiscal_year,
                None => None,
            };
            // Figures without words of their own that share a unit and a
            // year are a list of parts (`4/14:約150人、6/15:約300人`): none
            // of them is the subject's value.
            let unnamed: Vec<(&Figure, Option<FiscalYear>)> = s
                .figures
                .iter()
                .filter(|f| f.is_level() && trim_label(&s.naming_words(f)).is_empty())
                .map(|f| (f, year_of(f)))
                .collect();
            let listed = |f: &Figure, fy| unnamed.iter().filter(|(g, y)| g.unit == f.unit && *y == fy).count() > 1;
            for f in s.figures.iter().filter(|f| f.is_level() && f.unit != "ポイント") {
                // The figure's own words name it (`講座Aに600人` is not the
                // sentence's subject); only a figure with no words of its
                // own takes the sentence's subject (`…は、平成29年度の5,696件`).
                let label = trim_label(&s.naming_words(f));
                let measure = measure_word(&label);
                let Some(fy) = year_of(f) else { continue };
                if label.is_empty() && listed(f, Some(fy)) {
                    continue;
                }
                let Some(ind) = best_indicator(&inds, &label, measure.as_deref(), &topic, &f.unit) else { continue };
                compare(v, out, text, f, ind, fy);
            }
        }
    }
}

/// The one indicator a figure names; none when two fit equally well.
fn best_indicator<'i, 'a>(
    inds: &[&'i Ind<'a>],
    label: &str,
    measure: Option<&str>,
    topic: &str,
    unit: &str,
) -> Option<&'i Ind<'a>> {
    let mut best: Option<(&Ind, f64)> = None;
    let mut tie = false;
    for ind in inds {
        if measure.is_some_and(|m| !names_measure(ind.name(), m)) || !unit_fits(ind, unit) {
            continue;
        }
        let score = if label.is_empty() { coverage(ind.name(), topic) } else { coverage(ind.name(), label) };
        if score < 0.6 {
            continue;
        }
        match best {
            Some((_, b)) if (score - b).abs() < 1e-9 => tie = true,
            Some((_, b)) if score < b => {}
            _ => {
                best = Some((ind, score));
                tie = false;
            }
        }
    }
    if tie {
        return None;
    }
    best.map(|(i, _)| i)
}

fn compare(v: &SheetView, out: &mut Out, text: &Text, f: &Figure, ind: &Ind, fy: FiscalYear) {
    let quoted = figure_num(f);
    let fits = |n: &crate::check::view::Num| (n.unit == quoted.unit || n.unit.is_empty()) && n.agrees(&quoted);
    let measured: Vec<_> = ind
        .all(fy, ValueRole::Actual)
        .chain(ind.all(fy, ValueRole::Baseline))
        .filter(|val| !val.cell.is_empty_value())
        .collect();
    let Some(first) = measured.first() else { return };
    // The narrative may quote any printing, any part of a composite, or
    // the target; a figure that matches another year's value names that
    // year loosely. Only a single number that matches nothing is flagged.
    if ind.values.iter().any(|val| nums(val.cell.meaning()).iter().any(fits)) {
        return;
    }
    if measured.iter().any(|val| main_num(val.cell.meaning()).is_none()) {
        return;
    }
    let place = v.place(&text.part, Some(ind.name()), Some(fy), text.line);
    let message = format!(
        "{}では{}の「{}」を「{}」としていますが、表の{}は「{}」です。どちらかが誤っています。",
        text.part,
        fy.label(),
        ind.name(),
        f.printed,
        role_word(first.input.role),
        first.cell.printed().trim()
    );
    out.push(
        Severity::Warning,
        place,
        message,
        Side::new(format!("本文（{}）", text.part), f.printed.clone()),
        Side::new(format!("表の{}（{}）", role_word(first.input.role), fy.label()), first.cell.printed().trim()),
    );
}

fn role_word(r: ValueRole) -> &'static str {
    match r {
        ValueRole::Actual => "実績",
        ValueRole::Baseline => "基準値",
        ValueRole::Target => "目標",
    }
}

/// A closed interval of possible values of a printed number.
#[derive(Clone, Copy, Debug)]
struct Span(f64, f64);

fn span(f: &Figure) -> Span {
    let x = f.value.to_f64();
    let e = f.precision;
    match (f.approx, f.relation) {
        (true, Relation::AtLeast) => Span(x, x + e.max(x * 0.02)),
        (true, _) => Span(x - e, x + e),
        _ => Span(x - e / 2.0, x + e / 2.0),
    }
}

fn overlaps(a: Span, b: Span) -> bool {
    a.0 <= b.1 + 1e-9 && b.0 <= a.1 + 1e-9
}

/// Shows a canonical value: `73,980,000円`, `82.5%`.
fn show(value: f64, unit: &str) -> String {
    let n = Number::parse(&format!("{value:.0}")).map(|n| n.grouped()).unwrap_or_else(|| format!("{value:.0}"));
    format!("{n}{unit}")
}

fn change_rate(v: &SheetView, out: &mut Out) {
    for text in v.narratives.iter().chain(&v.cell_texts) {
        for (si, s) in text.sentences.iter().enumerate() {
            for (i, p) in s.figures.iter().enumerate() {
                if p.unit != "%" || p.change.is_none() {
                    continue;
                }
                let Some((computed, basis)) = expected_rate(v, text, si, s, i) else { continue };
                let printed = span(p);
                if overlaps(Span(computed.0 * 100.0, computed.1 * 100.0), printed) {
                    continue;
                }
                let mid = (computed.0 + computed.1) / 2.0 * 100.0;
                let message = format!(
                    "{}の「{}」は、{}から計算すると約{:.1}%で、印字された{}になりません。",
                    text.part, p.printed, basis, mid, p.printed
                );
                out.push(
                    Severity::Error,
                    v.place(&text.part, None, text.fiscal_year, text.line),
                    message,
                    Side::new("本文の増減率", p.printed.clone()),
                    Side::new("計算した増減率", format!("{mid:.1}%（{basis}）")),
                );
            }
        }
    }
}

/// The rate a change should have, as an interval of fractions, and the
/// figures it was computed from in words.
fn expected_rate(v: &SheetView, text: &Text, si: usize, s: &Sentence, i: usize) -> Option<((f64, f64), String)> {
    let p = &s.figures[i];
    let before = &s.figures[..i];
    // `4,135件から令和2年度は5,929件と、前年度比約43%増`.
    let levels: Vec<&Figure> = before.iter().filter(|f| f.is_level() && f.unit != "%").collect();
    for (bi, b) in levels.iter().enumerate().rev() {
        let from = levels[..bi].iter().rev().find(|a| a.unit == b.unit && s.slice(a.end, b.start).contains("から"));
        if let Some(a) = from {
            let (sa, sb) = (span(a), span(b));
            if sa.0 <= 0.0 {
                return None;
            }
            let r = match p.change? {
                Change::Increase => (sb.0 / sa.1 - 1.0, sb.1 / sa.0 - 1.0),
                Change::Decrease => (1.0 - sb.1 / sa.0, 1.0 - sb.0 / sa.1),
            };
            return Some((r, format!("「{}」から「{}」", a.printed, b.printed)));
        }
    }
    // `528万円減(7.2%減)`: the absolute change right before the rate.
    let c = before.last().filter(|c| c.change.is_some() && c.unit != "%" && p.start <= c.end + 3)?;
    let sc = span(c);
    let compared = s.slice(0, c.start).contains('比');
    // The base year's value from the table: `平成30年度比で、24,833人減`.
    if let Some(y) = c.year.or(c.context_year).filter(|y| y.fiscal) {
        if let Some((base, printed)) = table_value(v, s, c, y.year) {
            if base.0 <= 0.0 {
                return None;
            }
            return Some((
                (sc.0 / base.1, sc.1 / base.0),
                format!("{}の表の値「{}」に対する「{}」", FiscalYear::new(y.year).ok()?.label(), printed, c.printed),
            ));
        }
    }
    if !compared {
        return None;
    }
    // The current level: earlier in the sentence, or in the two sentences
    // before it (`6千870万円余りとなり…。前年度比は、528万円減`).
    let current = before[..before.len() - 1].iter().rev().find(|f| f.is_level() && f.unit == c.unit).or_else(|| {
        text.sentences[si.saturating_sub(2)..si]
            .iter()
            .rev()
            .find_map(|o| o.figures.iter().rev().find(|f| f.is_level() && f.unit == c.unit))
    })?;
    let cur = span(current);
    let r = match c.change? {
        Change::Decrease => (sc.0 / (cur.1 + sc.0), sc.1 / (cur.0 + sc.1)),
        Change::Increase => {
            if cur.0 <= sc.1 {
                return None;
            }
            (sc.0 / (cur.1 - sc.0), sc.1 / (cur.0 - sc.1))
        }
    };
    let prior = match c.change? {
        Change::Decrease => current.value.to_f64() + c.value.to_f64(),
        Change::Increase => current.value.to_f64() - c.value.to_f64(),
    };
    let unit = if c.unit == "円" { "円" } else { c.unit.as_str() };
    Some((r, format!("「{}」と前年の値{}（{}と{}から）", c.printed, show(prior, unit), current.printed, c.printed)))
}

/// The value of the indicator a sentence is about, in a base year.
fn table_value(v: &SheetView, s: &Sentence, c: &Figure, year: i32) -> Option<(Span, String)> {
    let fy = FiscalYear::new(year).ok()?;
    let topic = topic(s);
    let label = trim_label(&s.label(c));
    let candidates: Vec<&Ind> = v.all_indicators().collect();
    // The sentence may name only the measure (`利用者数が平成30年度比で`)
    // when the paragraph is about the indicator: then the one indicator
    // of that unit whose name ends with a noun of the sentence is meant.
    let before = s.slice(0, c.start);
    let by_noun = || {
        let mut fitting = candidates.iter().copied().filter(|i| {
            let noun = tail_noun(i.name());
            unit_fits(i, &c.unit) && noun.chars().count() >= 3 && before.contains(&noun)
        });
        let first = fitting.next()?;
        fitting.next().is_none().then_some(first)
    };
    let ind = best_indicator(&candidates, &label, None, &topic, &c.unit).or_else(by_noun)?;
    let val = ind.all(fy, ValueRole::Actual).chain(ind.all(fy, ValueRole::Baseline)).find_map(|val| {
        main_num(val.cell.meaning()).filter(|n| n.unit == c.unit).map(|n| (n, val.cell.printed().trim().to_string()))
    })?;
    let x = val.0.value.to_f64();
    let e = val.0.precision;
    Some((Span(x - e / 2.0, x + e / 2.0), val.1))
}

fn text_sum(v: &SheetView, out: &mut Out) {
    for text in v.narratives.iter().chain(&v.cell_texts) {
        for s in &text.sentences {
            let mut from = 0;
            for (i, t) in s.figures.iter().enumerate() {
                if !t.total || !t.is_level() {
                    continue;
                }
                let parts: Vec<&Figure> = s.figures[from..i]
                    .iter()
                    .filter(|f| f.is_level() && !f.total && f.unit == t.unit && !s.label(f).contains("うち"))
                    .collect();
                from = i + 1;
                if parts.len() < 2 || (0..=parts.len() - 2).any(|k| sums_to(&parts[k..], t)) {
                    continue;
                }
                let listed: Vec<&str> = parts.iter().map(|p| p.printed.as_str()).collect();
                let sum: f64 = parts.iter().map(|p| p.value.to_f64()).sum();
                let message = format!(
                    "{}の「{}」は、前に並ぶ内訳（{}）の和 {} と一致しません。",
                    text.part,
                    t.printed,
                    listed.join("、"),
                    show(sum, &t.unit)
                );
                out.push(
                    Severity::Error,
                    v.place(&text.part, None, text.fiscal_year, text.line),
                    message,
                    Side::new("印字された合計", t.printed.clone()),
                    Side::new("内訳の和", format!("{}（{}）", show(sum, &t.unit), listed.join(" + "))),
                );
            }
        }
    }
}

fn sums_to(parts: &[&Figure], total: &Figure) -> bool {
    let mut sum = Number::ZERO;
    let mut tolerance = total.precision / 2.0;
    for p in parts {
        match sum.checked_add(p.value) {
            Some(s) => sum = s,
            None => return false,
        }
        tolerance += p.precision / 2.0;
    }
    if parts.iter().any(|p| p.approx) || total.approx {
        tolerance = tolerance.max(total.value.to_f64() * 0.05);
    }
    (sum.to_f64() - total.value.to_f64()).abs() <= tolerance + 1e-9
}

fn text_share(v: &SheetView, out: &mut Out) {
    for text in v.narratives.iter().chain(&v.cell_texts) {
        for s in &text.sentences {
            for w in 1..s.figures.len() {
                let (t, n) = (&s.figures[w - 1], &s.figures[w]);
                let between: String =
                    s.slice(t.end, n.start).chars().filter(|c| !c.is_whitespace() && *c != '、').collect();
                if !matches!(between.as_str(), "のうち" | "うち" | "中") || t.unit == "%" || n.unit == "%" {
                    continue;
                }
                let Some(p) = s.figures.iter().filter(|f| f.unit == "%" && f.is_level()).min_by_key(|f| {
                    if f.end <= t.start {
                        t.start - f.end
                    } else {
                        f.start.saturating_sub(n.end)
                    }
                }) else {
                    continue;
                };
                let (st, sn) = (span(t), span(n));
                if st.0 <= 0.0 {
                    continue;
                }
                let computed = Span(sn.0 / st.1 * 100.0, sn.1 / st.0 * 100.0);
                if overlaps(computed, span(p)) {
                    continue;
                }
                let ratio = n.value.to_f64() / t.value.to_f64() * 100.0;
                let message = format!(
                    "{}の割合「{}」は、「{}のうち{}」から計算した{:.1}%と一致しません。",
                    text.part, p.printed, t.printed, n.printed, ratio
                );
                out.push(
                    Severity::Error,
                    v.place(&text.part, None, text.fiscal_year, text.line),
                    message,
                    Side::new("印字された割合", p.printed.clone()),
                    Side::new("件数から計算した割合", format!("{ratio:.1}%（{} ÷ {}）", n.printed, t.printed)),
                );
            }
        }
    }
}
