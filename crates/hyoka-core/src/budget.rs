//! One project's money for one fiscal year: budget and settlement with the
//! execution rate, and the cost side (財源内訳, 人件費, トータルコスト).

use serde::{Deserialize, Serialize};

use crate::cost::{Funding, StaffCost};
use crate::money::{ExecutionRate, Yen};

/// One project's money for one fiscal year. Every figure is optional:
/// a blank cell is not zero.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BudgetFigures {
    /// 当初予算
    pub initial: Option<Yen>,
    /// 最終予算 (after 補正・流用)
    pub final_budget: Option<Yen>,
    /// 決算額
    pub settlement: Option<Yen>,
    /// うち一般財源
    pub general_revenue: Option<Yen>,
    /// 繰越明許
    pub carried_over: Option<Yen>,
    /// 財源内訳 besides 一般財源.
    pub funding: Funding,
    /// 従事時間, 人件費 and トータルコスト.
    pub staff: StaffCost,
}

impl BudgetFigures {
    /// The budget the rate is measured against: the final one, or the
    /// initial one when no change was made.
    pub fn effective_budget(&self) -> Option<Yen> {
        self.final_budget.or(self.initial)
    }

    pub fn execution_rate(&self) -> Option<ExecutionRate> {
        ExecutionRate::compute(self.settlement?, self.effective_budget()?)
    }

    /// Warnings a person should see; never a refusal.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if let Some(rate) = self.execution_rate() {
            if rate.tenths() > 1000 {
                w.push(format!("執行率が100%を超えています（{rate}）"));
            }
        }
        if let (Some(g), Some(b)) = (self.general_revenue, self.effective_budget()) {
            if g > b {
                w.push("一般財源が予算額を上回っています".to_string());
            }
        }
        w
    }
}

impl BudgetFigures {
    /// 事業費: the settlement once there is one, else the budget.
    pub fn project_cost(&self) -> Option<Yen> {
        self.settlement.or(self.effective_budget())
    }

    /// Staff hours × the hourly unit cost, rounded half up to the yen.
    pub fn computed_personnel_cost(&self) -> Option<Yen> {
        let (h, rate) = (self.staff.hours?, self.staff.hourly?);
        let cents = h.hundredths().checked_mul(rate.yen())?;
        Some(Yen((cents + 50).div_euclid(100)))
    }

    /// 人件費 as printed, or as computed when not printed.
    pub fn personnel_cost(&self) -> Option<Yen> {
        self.staff.personnel.or_else(|| self.computed_personnel_cost())
    }

    /// 事業費 + 人件費, from the other figures.
    pub fn computed_total_cost(&self) -> Option<Yen> {
        self.project_cost()?.checked_add(self.personnel_cost()?)
    }

    /// The funding sources that are filled in, with their names, in the
    /// order sheets print them; 一般財源 last.
    pub fn funding_parts(&self) -> Vec<(&'static str, Yen)> {
        let f = &self.funding;
        [
            ("国庫支出金", f.national),
            ("都道府県支出金", f.prefectural),
            ("地方債", f.bonds),
            ("その他", f.other),
            ("一般財源", self.general_revenue),
        ]
        .into_iter()
        .filter_map(|(name, y)| y.map(|y| (name, y)))
        .collect()
    }

    /// The sum of the funding sources, when a breakdown is given (an
    /// amount besides 一般財源: one alone is "うち一般財源", not a breakdown).
    pub fn funding_total(&self) -> Option<Yen> {
        if self.funding.is_empty() {
            return None;
        }
        self.funding_parts().into_iter().try_fold(Yen(0), |sum, (_, y)| sum.checked_add(y))
    }
}

/// A line of a year's budget, by the code forms, mappings and files name
/// it. One place says which field of [`BudgetFigures`] each line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BudgetLine {
    Initial,
    Final,
    Settlement,
    GeneralRevenue,
    CarriedOver,
    National,
    Prefectural,
    Bonds,
    OtherFunding,
    StaffHours,
    HourlyCost,
    PersonnelCost,
    TotalCost,
}

coded_enum!(BudgetLine {
    Initial => "initial", "当初予算";
    Final => "final", "最終予算";
    Settlement => "settlement", "決算額";
    GeneralRevenue => "general_revenue", "うち一般財源";
    CarriedOver => "carried_over", "繰越明許";
    National => "national", "国庫支出金";
    Prefectural => "prefectural", "都道府県支出金";
    Bonds => "bonds", "地方債";
    OtherFunding => "other_funding", "その他";
    StaffHours => "staff_hours", "従事時間";
    HourlyCost => "hourly_cost", "人件費単価";
    PersonnelCost => "personnel_cost", "人件費";
    TotalCost => "total_cost", "トータルコスト";
});

impl BudgetLine {
    /// The 予算・決算 table, in form order.
    pub const BUDGET: [BudgetLine; 5] = [
        BudgetLine::Initial,
        BudgetLine::Final,
        BudgetLine::Settlement,
        BudgetLine::GeneralRevenue,
        BudgetLine::CarriedOver,
    ];

    /// The cost table, in form order: 財源内訳 (一般財源 is in the budget
    /// table), then 従事時間 × 単価 = 人件費, and トータルコスト.
    pub const COST: [BudgetLine; 8] = [
        BudgetLine::National,
        BudgetLine::Prefectural,
        BudgetLine::Bonds,
        BudgetLine::OtherFunding,
        BudgetLine::StaffHours,
        BudgetLine::HourlyCost,
        BudgetLine::PersonnelCost,
        BudgetLine::TotalCost,
    ];

    /// The key of its label in a sheet kind (`budget.initial`, `cost.hours`).
    pub fn label_key(self) -> &'static str {
        match self {
            BudgetLine::Initial => "budget.initial",
            BudgetLine::Final => "budget.final",
            BudgetLine::Settlement => "budget.settlement",
            BudgetLine::GeneralRevenue => "budget.general_revenue",
            BudgetLine::CarriedOver => "budget.carried_over",
            BudgetLine::National => "cost.national",
            BudgetLine::Prefectural => "cost.prefectural",
            BudgetLine::Bonds => "cost.bonds",
            BudgetLine::OtherFunding => "cost.other",
            BudgetLine::StaffHours => "cost.hours",
            BudgetLine::HourlyCost => "cost.hourly",
            BudgetLine::PersonnelCost => "cost.personnel",
            BudgetLine::TotalCost => "cost.total",
        }
    }

    /// The lines the execution rate is computed from.
    pub fn feeds_rate(self) -> bool {
        matches!(self, BudgetLine::Initial | BudgetLine::Final | BudgetLine::Settlement)
    }

    /// Amounts per hour are written in yen whatever the table's unit.
    pub fn in_yen(self) -> bool {
        self == BudgetLine::HourlyCost
    }
}

impl BudgetFigures {
    /// The amount of a line; `None` for hours, which are not an amount.
    pub fn amount(&self, line: BudgetLine) -> Option<Yen> {
        let mut copy = self.clone();
        copy.amount_mut(line).and_then(|a| *a)
    }

    /// The amount of a line to change; `None` for hours.
    pub fn amount_mut(&mut self, line: BudgetLine) -> Option<&mut Option<Yen>> {
        Some(match line {
            BudgetLine::Initial => &mut self.initial,
            BudgetLine::Final => &mut self.final_budget,
            BudgetLine::Settlement => &mut self.settlement,
            BudgetLine::GeneralRevenue => &mut self.general_revenue,
            BudgetLine::CarriedOver => &mut self.carried_over,
            BudgetLine::National => &mut self.funding.national,
            BudgetLine::Prefectural => &mut self.funding.prefectural,
            BudgetLine::Bonds => &mut self.funding.bonds,
            BudgetLine::OtherFunding => &mut self.funding.other,
            BudgetLine::HourlyCost => &mut self.staff.hourly,
            BudgetLine::PersonnelCost => &mut self.staff.personnel,
            BudgetLine::TotalCost => &mut self.staff.total,
            BudgetLine::StaffHours => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Hours;

    #[test]
    fn the_rate_is_against_the_final_budget() {
        let f = BudgetFigures {
            initial: Some(Yen(309_424_000)),
            final_budget: Some(Yen(308_934_000)),
            settlement: Some(Yen(301_762_000)),
            ..Default::default()
        };
        assert_eq!(f.execution_rate().unwrap().to_string(), "97.7%");
    }

    #[test]
    fn every_line_but_hours_is_an_amount_of_its_own() {
        let mut f = BudgetFigures::default();
        for (i, line) in BudgetLine::ALL.iter().enumerate() {
            if let Some(a) = f.amount_mut(*line) {
                *a = Some(Yen(i as i64 + 1));
            }
        }
        for (i, line) in BudgetLine::ALL.iter().enumerate() {
            let expected = (*line != BudgetLine::StaffHours).then_some(Yen(i as i64 + 1));
            assert_eq!(f.amount(*line), expected, "{}", line.code());
        }
        assert_eq!(BudgetLine::BUDGET.len() + BudgetLine::COST.len(), BudgetLine::ALL.len());
    }

    #[test]
    fn warns_over_100_percent() {
        let f = BudgetFigures { initial: Some(Yen(100)), settlement: Some(Yen(120)), ..Default::default() };
        assert_eq!(f.warnings().len(), 1);
    }

    #[test]
    fn total_cost_is_project_cost_plus_hours_times_rate() {
        let mut f =
            BudgetFigures { initial: Some(Yen(10_000_000)), settlement: Some(Yen(9_500_000)), ..Default::default() };
        assert_eq!(f.computed_total_cost(), None, "no staff cost yet");
        f.staff.hours = Hours::parse("1,234.5");
        f.staff.hourly = Some(Yen(4_321));
        // 1,234.5 × 4,321 = 5,334,274.5 → 5,334,275
        assert_eq!(f.computed_personnel_cost(), Some(Yen(5_334_275)));
        assert_eq!(f.computed_total_cost(), Some(Yen(14_834_275)));
        // A printed 人件費 is what the total is built on.
        f.staff.personnel = Some(Yen(5_334_000));
        assert_eq!(f.computed_total_cost(), Some(Yen(14_834_000)));
        // Without a settlement, the budget is the project cost.
        f.settlement = None;
        assert_eq!(f.project_cost(), Some(Yen(10_000_000)));
    }

    #[test]
    fn funding_total_needs_a_breakdown() {
        let mut f = BudgetFigures { general_revenue: Some(Yen(3_000)), ..Default::default() };
        assert_eq!(f.funding_total(), None, "うち一般財源 alone is not a breakdown");
        f.funding.national = Some(Yen(1_000));
        f.funding.other = Some(Yen(500));
        assert_eq!(f.funding_total(), Some(Yen(4_500)));
        let names: Vec<&str> = f.funding_parts().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["国庫支出金", "その他", "一般財源"]);
    }
}
