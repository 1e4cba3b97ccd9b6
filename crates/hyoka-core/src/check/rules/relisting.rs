//! Re-listings (再掲) and printed counts across a city-year: an item shown
//! twice must be counted once.

use std::collections::{HashMap, HashSet};

use crate::check::input::{Counted, SheetInput};
use crate::check::similar::key;
use crate::check::view::CityView;
use crate::check::{Out, Place, Rule, Run, Scope, Severity, Side};
use crate::number::Number;
use crate::text::{normalise, squeeze};

pub const RELISTING_ORIGIN: Rule = Rule {
    code: "relisting_origin",
    title: "再掲元の誤り",
    explanation: "再掲とされた項目の再掲元が見つからないもの、または「施策48-(4)再掲」のように印字された再掲元の施策にその項目が掲載されていないものを示します。",
    scope: Scope::CityYear,
    run: Run::City(relisting_origin),
};

pub const DOUBLE_COUNT: Rule = Rule {
    code: "double_count",
    title: "二重計上",
    explanation: "集計で二度数えられる記載を示します: 再掲なのに再掲元と同じ年度の予算・決算が記載されているもの、\
同じ計画の二か所に再掲の印なく掲載された項目。",
    scope: Scope::CityYear,
    run: Run::City(double_count),
};

pub const RELISTING_GRADE: Rule = Rule {
    code: "relisting_grade",
    title: "再掲と再掲元の評価の食い違い",
    explanation: "再掲の項目に印字された評価が、再掲元の同じ年度・段階・評価者の評価と異なるものを示します。",
    scope: Scope::CityYear,
    run: Run::City(relisting_grade),
};

pub const TALLY: Rule = Rule {
    code: "tally",
    title: "集計件数の不一致",
    explanation: "一覧や本文に印字された件数（「S 3件」「全34施策」「68の目標指標」）を、登録された項目・指標を数え直した数と比べます。\
再掲を除いた数と合わず、再掲を含めた数と合うものは「再掲の二重計上」として示します。",
    scope: Scope::CityYear,
    run: Run::City(tally),
};

/// The item a re-listing repeats: named by key, or the one item of the
/// same title that is not itself a re-listing.
fn origin<'a>(c: &CityView<'a>, sheet: &SheetInput) -> Option<&'a SheetInput> {
    let r = sheet.relisting.as_ref()?;
    if let Some(k) = &r.of_item {
        return c.by_key.get(k.as_str()).copied();
    }
    let title = key(&sheet.title);
    let mut same =
        c.city.sheets.iter().filter(|s| s.relisting.is_none() && s.key != sheet.key && key(&s.title) == title);
    let first = same.next()?;
    same.next().is_none().then_some(first)
}

/// `48-(4)` names `IV-7-48-(4)`.
fn node_matches(placed: &str, printed: &str) -> bool {
    let (a, b) = (squeeze(placed), squeeze(printed));
    !b.is_empty() && (a == b || a.ends_with(&format!("-{b}")))
}

fn relisting_origin(c: &CityView, out: &mut Out) {
    for sheet in &c.city.sheets {
        let Some(r) = &sheet.relisting else { continue };
        let place = CityView::sheet_place(sheet, "再掲", r.line);
        let Some(orig) = origin(c, sheet) else {
            let named = r.of_item.clone().or_else(|| r.of_node.clone()).unwrap_or_else(|| r.printed.clone());
            out.push(
                Severity::Warning,
                place,
                format!("「{}」は「{}」の再掲とされていますが、再掲元の項目が見つかりません。", sheet.title, named),
                Side::new("再掲の記載", r.printed.clone()),
                Side::new("再掲元", "見つからない"),
            );
            continue;
        };
        let Some(node) = &r.of_node else { continue };
        let placed: Vec<&str> = orig.placements.iter().filter(|p| !p.relisting).map(|p| p.node.as_str()).collect();
        if placed.is_empty() || placed.iter().any(|p| node_matches(p, node)) {
            continue;
        }
        out.push(
            Severity::Warning,
            place,
            format!(
                "「{}」は「{}」として{}の再掲とされていますが、{}にこの項目はありません（掲載先: {}）。",
                sheet.title,
                r.printed,
                node,
                node,
                placed.join("、")
            ),
            Side::new("印字された再掲元", node.clone()),
            Side::new("再掲元の掲載先", placed.join("、")),
        );
    }
}

fn has_money(s: &SheetInput, fy: crate::FiscalYear) -> bool {
    s.budgets.iter().any(|b| {
        let f = &b.row.figures;
        b.row.fiscal_year == fy && [f.initial, f.final_budget, f.settlement].iter().flatten().any(|y| y.yen() != 0)
    })
}

fn double_count(c: &CityView, out: &mut Out) {
    for sheet in &c.city.sheets {
        if sheet.relisting.is_some() {
            let Some(orig) = origin(c, sheet) else { continue };
            for b in &sheet.budgets {
                let fy = b.row.fiscal_year;
                if has_money(sheet, fy) && has_money(orig, fy) {
                    out.push(
                        Severity::Warning,
                        CityView::sheet_place(sheet, "予算執行", b.line),
                        format!(
                            "「{}」は{}の再掲ですが、{}の予算・決算が再掲元と再掲の両方に記載されています。合計すると二重に計上されます。",
                            sheet.title,
                            orig.code,
                            fy.label()
                        ),
                        Side::new(format!("再掲（{}）", sheet.code), "予算・決算あり"),
                        Side::new(format!("再掲元（{}）", orig.code), "予算・決算あり"),
                    );
                    break;
                }
            }
            continue;
        }
        // One item at two places of one plan, neither marked 再掲.
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for p in sheet.placements.iter().filter(|p| !p.relisting) {
            match seen.get(p.plan.as_str()) {
                Some(first) if *first != p.node => out.push(
                    Severity::Warning,
                    CityView::sheet_place(sheet, "掲載先", sheet.line),
                    format!(
                        "「{}」が計画「{}」の{}と{}の両方に再掲の印なく掲載されています。集計で二度数えられます。",
                        sheet.title,
                        // The plan as people know it, not its key.
                        c.city.plans.iter().find(|x| x.code == p.plan).map_or(p.plan.as_str(), |x| x.name.as_str()),
                        first,
                        p.node
                    ),
                    Side::new("掲載先", (*first).to_string()),
                    Side::new("掲載先", p.node.clone()),
                ),
                _ => {
                    seen.insert(&p.plan, &p.node);
                }
            }
        }
    }
}

fn relisting_grade(c: &CityView, out: &mut Out) {
    for sheet in c.city.sheets.iter().filter(|s| s.relisting.is_some()) {
        let Some(orig) = origin(c, sheet) else { continue };
        for e in &sheet.evaluations {
            let (row, mine) = (&e.row, e.row.grade.as_deref().map(normalise));
            let theirs = orig
                .evaluations
                .iter()
                .find(|o| {
                    o.row.fiscal_year == row.fiscal_year && o.row.stage == row.stage && o.row.evaluator == row.evaluator
                })
                .and_then(|o| o.row.grade.as_deref().map(normalise));
            let (Some(mine), Some(theirs)) = (mine, theirs) else { continue };
            if mine == theirs {
                continue;
            }
            out.push(
                Severity::Warning,
                CityView::sheet_place(sheet, row.stage.label(), e.line),
                format!(
                    "再掲の「{}」の{}（{}）は「{}」ですが、再掲元{}では「{}」です。",
                    sheet.title,
                    row.stage.label(),
                    row.evaluator.label(),
                    mine,
                    orig.code,
                    theirs
                ),
                Side::new(format!("再掲（{}）", sheet.code), mine),
                Side::new(format!("再掲元（{}）", orig.code), theirs),
            );
        }
    }
}

/// The grade a sheet ended its year with: the latest stage that has one.
fn last_grade(s: &SheetInput) -> Option<String> {
    s.evaluations
        .iter()
        .filter(|e| e.row.grade.is_some())
        .max_by_key(|e| e.row.stage)
        .and_then(|e| e.row.grade.as_deref().map(normalise))
}

fn tally(c: &CityView, out: &mut Out) {
    // Parent links of every plan, to count a node with its descendants.
    let parents: HashMap<(&str, &str), &str> = c
        .city
        .plans
        .iter()
        .flat_map(|p| {
            p.nodes.iter().filter_map(move |n| n.parent.as_deref().map(|par| ((p.code.as_str(), n.code.as_str()), par)))
        })
        .collect();
    let under = |plan: &str, node: &str, top: &str| {
        let mut cur = node;
        for _ in 0..64 {
            if cur == top {
                return true;
            }
            match parents.get(&(plan, cur)) {
                Some(p) => cur = p,
                None => return false,
            }
        }
        false
    };
    for t in &c.city.tallies {
        let Some(printed) = first_number(&t.printed) else { continue };
        let mut distinct: HashSet<&str> = HashSet::new();
        let mut listed = 0usize;
        let mut indicators: HashSet<&str> = HashSet::new();
        let mut indicators_listed = 0usize;
        for s in &c.city.sheets {
            if t.grade.as_ref().is_some_and(|g| last_grade(s).as_deref() != Some(normalise(g).as_str())) {
                continue;
            }
            let places: Vec<_> = if t.plan.is_none() && t.node.is_none() {
                vec![s.relisting.is_some()]
            } else {
                s.placements
                    .iter()
                    .filter(|p| t.plan.as_ref().is_none_or(|pl| *pl == p.plan))
                    .filter(|p| t.node.as_ref().is_none_or(|n| under(&p.plan, &p.node, n)))
                    .map(|p| p.relisting || s.relisting.is_some())
                    .collect()
            };
            for relisted in places {
                listed += 1;
                indicators_listed += s.indicators.len();
                if !relisted {
                    distinct.insert(&s.key);
                    indicators.extend(s.indicators.iter().map(|i| i.key.as_str()));
                }
            }
        }
        let (once, twice) = match t.counts {
            Counted::Items => (distinct.len(), listed),
            Counted::Indicators => (indicators.len(), indicators_listed),
        };
        let once_n = Number::from_int(once as i64);
        if printed == once_n {
            continue;
        }
        let place = Place {
            part: Some(t.label.clone()),
            fiscal_year: c.city.fiscal_year,
            file: t.file.clone(),
            line: t.line,
            ..Place::default()
        };
        let double = twice != once && printed == Number::from_int(twice as i64);
        let message = if double {
            format!("「{}」は{}ですが、再掲を除くと{}です。再掲を二重に数えています。", t.label, t.printed.trim(), once)
        } else {
            format!("「{}」は{}ですが、登録された内容を数えると{}です。", t.label, t.printed.trim(), once)
        };
        out.push(
            Severity::Warning,
            place,
            message,
            Side::new("印字された件数", t.printed.trim()),
            Side::new(if double { "再掲を除いて数えた件数" } else { "数えた件数" }, once.to_string()),
        );
    }
}

fn first_number(s: &str) -> Option<Number> {
    let digits: String = crate::text::fold_width(s)
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect();
    Number::parse(digits.trim_end_matches(','))
}
