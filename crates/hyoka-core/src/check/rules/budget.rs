//! Budget lines: the printed execution rate and the figures it follows from.

use crate::check::view::SheetView;
use crate::check::{Out, Rule, Run, Scope, Severity, Side};
use crate::cost::rounding_tolerance;
use crate::money::{ExecutionRate, Yen};
use crate::scale::Stage;

pub const EXECUTION_RATE: Rule = Rule {
    code: "execution_rate",
    title: "執行率の計算違い",
    explanation: "印字された執行率を、決算額 ÷ 補正後の予算額（補正がなければ当初予算額）を小数第1位で四捨五入した値と比べます。\
当初予算額で割った値になっているもの、予算額が0や空欄で計算できないのに印字されているもの、決算額がないのに印字されているものも示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(execution_rate),
};

pub const BUDGET_FIGURES: Rule = Rule {
    code: "budget_figures",
    title: "予算・決算の記載の不整合",
    explanation: "決算額が予算額を上回るもの、うち一般財源が予算額を上回るもの、事後評価まで済んだ年度なのに決算額が空欄のものを示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(budget_figures),
};

pub const COST: Rule = Rule {
    code: "cost",
    title: "財源内訳・人件費・トータルコストの計算違い",
    explanation:
        "財源内訳（国庫支出金・都道府県支出金・地方債・その他・一般財源）の合計を事業費（決算額、なければ予算額）と、\
印字された人件費を従事時間 × 人件費単価と、印字されたトータルコストを事業費 + 人件費と比べます。\
千円単位の表の丸め（1つの額につき500円まで）の範囲の違いは示しません。",
    scope: Scope::Sheet,
    run: Run::Sheet(cost),
};

fn thousands(y: Option<Yen>) -> String {
    y.map(Yen::printed_thousands).unwrap_or_else(|| "空欄".into())
}

fn execution_rate(v: &SheetView, out: &mut Out) {
    for b in &v.sheet.budgets {
        let row = &b.row;
        let Some(printed_text) = row.execution_rate_printed.as_deref().map(str::trim).filter(|p| !p.is_empty()) else {
            continue;
        };
        let Some(printed) = ExecutionRate::parse(printed_text) else { continue };
        let f = &row.figures;
        let place = v.place("予算執行", Some("執行率"), Some(row.fiscal_year), b.line);
        let figures = format!(
            "当初予算額 {}・予算額 {}・決算額 {}",
            thousands(f.initial),
            thousands(f.final_budget),
            thousands(f.settlement)
        );
        match f.execution_rate() {
            Some(c) if c == printed => {}
            Some(c) => {
                let against_initial = f
                    .final_budget
                    .zip(f.initial)
                    .filter(|(fin, init)| fin != init)
                    .and_then(|(_, init)| ExecutionRate::compute(f.settlement?, init))
                    .is_some_and(|r| r == printed);
                let why = if against_initial {
                    "補正後の予算額ではなく当初予算額で割った値になっています。"
                } else {
                    "印字された値と一致しません。"
                };
                out.push(
                    Severity::Error,
                    place,
                    format!("執行率「{printed_text}」は、決算額 ÷ 予算額 = {c} と一致しません（{figures}）。{why}"),
                    Side::new("印字された執行率", printed_text),
                    Side::new(
                        "計算した執行率",
                        format!("{c}（{} ÷ {}）", thousands(f.settlement), thousands(f.effective_budget())),
                    ),
                );
            }
            None => {
                let (severity, why) = match (f.settlement, f.effective_budget()) {
                    (None, _) => (Severity::Warning, "決算額が記載されていないため、執行率は計算できません。"),
                    (_, None) => (Severity::Warning, "予算額が記載されていないため、執行率は計算できません。"),
                    _ => (Severity::Info, "予算額が0のため、執行率は計算できません（0.0%ではなく「—」が適切です）。"),
                };
                out.push(
                    severity,
                    place,
                    format!("執行率「{printed_text}」が印字されていますが、{why}（{figures}）"),
                    Side::new("印字された執行率", printed_text),
                    Side::new("予算と決算", figures),
                );
            }
        }
    }
}

fn budget_figures(v: &SheetView, out: &mut Out) {
    let evaluated = |fy| {
        v.sheet
            .evaluations
            .iter()
            .any(|e| e.row.fiscal_year == fy && e.row.stage != Stage::MidYear && e.row.grade.is_some())
    };
    for b in &v.sheet.budgets {
        let row = &b.row;
        let f = &row.figures;
        let place = |field: &str| v.place("予算執行", Some(field), Some(row.fiscal_year), b.line);
        if let (Some(s), Some(budget)) = (f.settlement, f.effective_budget()) {
            if s > budget {
                out.push(
                    Severity::Warning,
                    place("決算額"),
                    format!("決算額 {} が予算額 {} を上回っています。", thousands(Some(s)), thousands(Some(budget))),
                    Side::new("決算額", thousands(Some(s))),
                    Side::new("予算額", thousands(Some(budget))),
                );
            }
        }
        if let (Some(g), Some(budget)) = (f.general_revenue, f.effective_budget()) {
            if g > budget {
                out.push(
                    Severity::Warning,
                    place("うち一般財源"),
                    format!(
                        "うち一般財源 {} が予算額 {} を上回っています。",
                        thousands(Some(g)),
                        thousands(Some(budget))
                    ),
                    Side::new("うち一般財源", thousands(Some(g))),
                    Side::new("予算額", thousands(Some(budget))),
                );
            }
        }
        let has_budget = f.effective_budget().is_some_and(|y| y.yen() > 0);
        if has_budget && f.settlement.is_none() && row.execution_rate_printed.is_none() && evaluated(row.fiscal_year) {
            out.push(
                Severity::Info,
                place("決算額"),
                format!(
                    "{}の事後評価は済んでいますが、予算額 {} に対する決算額が記載されていません。",
                    row.fiscal_year.label(),
                    thousands(f.effective_budget())
                ),
                Side::new("予算額", thousands(f.effective_budget())),
                Side::new("決算額", "空欄"),
            );
        }
    }
}

fn cost(v: &SheetView, out: &mut Out) {
    for b in &v.sheet.budgets {
        let row = &b.row;
        let f = &row.figures;
        let place = |field: &str| v.place("予算執行", Some(field), Some(row.fiscal_year), b.line);
        let cost_name = if f.settlement.is_some() { "事業費（決算額）" } else { "事業費（予算額）" };
        if let (Some(sum), Some(cost)) = (f.funding_total(), f.project_cost()) {
            let parts = f.funding_parts();
            if (sum.yen() - cost.yen()).abs() > rounding_tolerance(parts.len()) {
                let listed: Vec<String> =
                    parts.iter().map(|(name, y)| format!("{name} {}", y.printed_thousands())).collect();
                out.push(
                    Severity::Warning,
                    place("財源内訳"),
                    format!(
                        "財源内訳の合計 {} が{cost_name} {} と一致しません（{}）。",
                        sum.printed_thousands(),
                        cost.printed_thousands(),
                        listed.join("、")
                    ),
                    Side::new("財源内訳の合計", sum.printed_thousands()),
                    Side::new(cost_name, cost.printed_thousands()),
                );
            }
        }
        if let (Some(printed), Some(computed)) = (f.staff.personnel, f.computed_personnel_cost()) {
            if (printed.yen() - computed.yen()).abs() > rounding_tolerance(1) {
                let (h, rate) = (f.staff.hours.unwrap_or_default(), f.staff.hourly.unwrap_or_default());
                out.push(
                    Severity::Warning,
                    place("人件費"),
                    format!(
                        "人件費 {} は、従事時間 {h} × 人件費単価 {rate} = {} と一致しません。",
                        printed.printed_thousands(),
                        computed.printed_thousands()
                    ),
                    Side::new("印字された人件費", printed.printed_thousands()),
                    Side::new("従事時間 × 単価", format!("{} （{h} × {rate}）", computed.printed_thousands())),
                );
            }
        }
        if let (Some(printed), Some(computed)) = (f.staff.total, f.computed_total_cost()) {
            if (printed.yen() - computed.yen()).abs() > rounding_tolerance(2) {
                out.push(
                    Severity::Warning,
                    place("トータルコスト"),
                    format!(
                        "トータルコスト {} は、{cost_name} {} + 人件費 {} = {} と一致しません。",
                        printed.printed_thousands(),
                        thousands(f.project_cost()),
                        thousands(f.personnel_cost()),
                        computed.printed_thousands()
                    ),
                    Side::new("印字されたトータルコスト", printed.printed_thousands()),
                    Side::new("事業費 + 人件費", computed.printed_thousands()),
                );
            }
        }
    }
}
