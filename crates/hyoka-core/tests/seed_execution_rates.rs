//! Every execution rate printed in the 三鷹市 個別事業評価表 (000) that can
//! be computed from its own table is reproduced: settlement ÷ final budget
//! (after 補正・流用), half-up to 0.1%.
//!
//! Each row cites the lines of the shipped document; the test checks that
//! the printed figures really stand there, then parses them with hyoka's
//! own parsers, so the table cannot drift from the document.

use hyoka_core::money::{ExecutionRate, MoneyUnit, Yen};

const SEED: &str = "000_1a8dd8067da68eba.txt";

struct Sheet {
    no: &'static str,
    /// (line, printed amounts in order: initial budget then final budget).
    budget: (usize, &'static [&'static str]),
    settlement: (usize, &'static str),
    rate: (usize, &'static str),
}

const SHEETS: &[Sheet] = &[
    Sheet { no: "企-1", budget: (29, &["7,368千円"]), settlement: (30, "6,385千円"), rate: (31, "86.7%") },
    Sheet {
        no: "企-3",
        budget: (73, &["309,424千円", "308,934千円"]),
        settlement: (73, "301,762千円"),
        rate: (73, "97.7%"),
    },
    Sheet {
        no: "企-4", budget: (97, &["4,668千円", "5,772千円"]), settlement: (98, "4,394千円"), rate: (99, "76.1%")
    },
    Sheet {
        no: "企-5",
        budget: (116, &["571,128千円", "570,567千円"]),
        settlement: (117, "477,150千円"),
        rate: (118, "83.6%"),
    },
    Sheet {
        no: "企-7", budget: (159, &["472千円", "608千円"]), settlement: (160, "393千円"), rate: (161, "64.6%")
    },
    Sheet {
        no: "企-8",
        budget: (180, &["76,169千円", "76,169千円"]),
        settlement: (181, "65,450千円"),
        rate: (182, "85.9%"),
    },
    Sheet {
        no: "企-9",
        budget: (200, &["36,557千円", "32,274千円"]),
        settlement: (201, "27,726千円"),
        rate: (202, "85.9%"),
    },
    Sheet {
        no: "企-10",
        budget: (219, &["31,320千円", "31,320千円", "31,320千円"]),
        settlement: (220, "28,504千円"),
        rate: (221, "91.0%"),
    },
];

fn seed_lines() -> Vec<String> {
    let path = format!("{}/../../demo/seeds/{SEED}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")).lines().map(str::to_string).collect()
}

/// Asserts the printed strings stand on the cited line, in this order.
fn cited(lines: &[String], line: usize, printed: &[&str], sheet: &str) {
    let text = &lines[line - 1];
    let mut from = 0;
    for p in printed {
        let at = text[from..]
            .find(p)
            .unwrap_or_else(|| panic!("{SEED}:{line} ({sheet}): 「{p}」 is not on this line: {text}"));
        from += at + p.len();
    }
}

#[test]
fn printed_rates_are_reproduced_from_final_budget_and_settlement() {
    let lines = seed_lines();
    for s in SHEETS {
        cited(&lines, s.budget.0, s.budget.1, s.no);
        cited(&lines, s.settlement.0, &[s.settlement.1], s.no);
        cited(&lines, s.rate.0, &[s.rate.1], s.no);
        let budgets: Vec<Yen> = s.budget.1.iter().map(|p| Yen::parse(p, MoneyUnit::Thousand).unwrap()).collect();
        let final_budget = *budgets.last().unwrap();
        let settlement = Yen::parse(s.settlement.1, MoneyUnit::Thousand).unwrap();
        let printed = ExecutionRate::parse(s.rate.1).unwrap();
        let computed = ExecutionRate::compute(settlement, final_budget).unwrap();
        assert_eq!(
            computed, printed,
            "{} ({SEED}:{}): {} ÷ {} = {computed}, printed {printed}",
            s.no, s.rate.0, settlement, final_budget
        );
    }
}

#[test]
fn the_rate_is_against_the_final_budget_not_the_initial_one() {
    // 企-3: against the initial 309,424千円 the rate would be 97.5%, not the
    // printed 97.7%; 企-4: 94.1% instead of 76.1%.
    let y = |p| Yen::parse(p, MoneyUnit::Thousand).unwrap();
    assert_eq!(ExecutionRate::compute(y("301,762千円"), y("309,424千円")).unwrap().to_string(), "97.5%");
    assert_eq!(ExecutionRate::compute(y("4,394千円"), y("4,668千円")).unwrap().to_string(), "94.1%");
}

#[test]
fn rates_that_cannot_be_computed_are_not_invented() {
    let lines = seed_lines();
    // 企-2 prints 0千円 budgets and a rate of 0.0%: for a zero budget the
    // rate is undefined, and hyoka says so rather than agreeing with 0.0%.
    cited(&lines, 50, &["0千円", "0千円"], "企-2");
    cited(&lines, 52, &["0.0%"], "企-2");
    assert_eq!(ExecutionRate::compute(Yen(0), Yen(0)), None);
    // 企-6 prints no settlement (決算額 is blank) and a 99.8% in a column
    // labelled 達成率: there is nothing to compute it from.
    cited(&lines, 137, &["決算額", "達成率", "99.8%"], "企-6");
    let budget = Yen::parse("7,206千円", MoneyUnit::Thousand).unwrap();
    let figures = hyoka_core::BudgetFigures { final_budget: Some(budget), ..Default::default() };
    assert_eq!(figures.execution_rate(), None);
}
