//! Grades (S/A/B, 1/2/3) against the achievement the sheet reports.

use crate::check::bands::infer;
use crate::check::input::GradeBand;
use crate::check::prose::{Figure, Relation, Sentence};
use crate::check::similar::{coverage, same_thing, trim_label};
use crate::check::view::{achievement, percent, SheetView, Text};
use crate::check::{Out, Rule, Run, Scope, Severity, Side};
use crate::number::Number;
use crate::scale::{Evaluator, Stage};
use crate::text::normalise;
use crate::FiscalYear;

pub const GRADE_VS_ACHIEVEMENT: Rule = Rule {
    code: "grade_vs_achievement",
    title: "評価と達成度の不一致",
    explanation: "年度末の評価（事後評価・1次評価・2次評価）を、その年度の指標の達成度（実績÷目標、低いほど良い指標は目標÷実績）と、\
その自治体の尺度の段階（例: 三鷹市「1 計画どおり」は7割以上、「2 計画の7割未満」）に照らして比べます。\
指標の表がない調査票では「成果目標」と「成果目標の達成状況」に書かれた同じ項目・同じ単位の数値を組にします。\
すべての目標の達成度が評価の段階と合わない場合だけ示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(grade_vs_achievement),
};

pub const GRADE_ON_SCALE: Rule = Rule {
    code: "grade_on_scale",
    title: "評価の記載漏れ・尺度にない評価",
    explanation: "評価欄が空のもの、またはその尺度にない評価（「C」など）を示します。",
    scope: Scope::Sheet,
    run: Run::Sheet(grade_on_scale),
};

/// One target with its result, from a table or from the narrative.
struct Measured {
    what: String,
    target: String,
    actual: String,
    ratio: Option<f64>,
    achieved: bool,
}

impl Measured {
    fn ratio_or_met(&self) -> Option<f64> {
        self.ratio.or(self.achieved.then_some(1.0))
    }

    fn contradicts(&self, band: &GradeBand) -> bool {
        let one = Number::from_int(1);
        match self.ratio_or_met() {
            Some(r) => {
                band.min.is_some_and(|m| r < m.to_f64() - 1e-9) || band.max.is_some_and(|m| r >= m.to_f64() - 1e-9)
            }
            // Not met, by how much unknown: only a grade that needs the
            // target met is contradicted.
            None => band.min.is_some_and(|m| m >= one),
        }
    }

    fn describe(&self) -> String {
        let r = self.ratio.map(|r| format!(" {}", percent(r))).unwrap_or_else(|| " 未達成".into());
        format!("「{}」目標{}・実績{}{}", self.what, self.target, self.actual, r)
    }
}

fn grade_vs_achievement(v: &SheetView, out: &mut Out) {
    // One flag per year and grade: a section and a board (or a first and
    // a second evaluation) that gave the same grade are one disagreement.
    struct Group {
        fy: FiscalYear,
        grade: String,
        scale: Option<String>,
        given: Vec<(Evaluator, Stage)>,
        line: Option<usize>,
    }
    let mut groups: Vec<Group> = Vec::new();
    for e in &v.sheet.evaluations {
        let row = &e.row;
        let Some(grade) = row.grade.as_deref().map(normalise).filter(|g| !g.is_empty()) else { continue };
        if row.stage == Stage::MidYear {
            continue;
        }
        match groups.iter_mut().find(|g| g.fy == row.fiscal_year && g.grade == grade && g.scale == row.scale) {
            Some(g) => g.given.push((row.evaluator, row.stage)),
            None => groups.push(Group {
                fy: row.fiscal_year,
                grade,
                scale: row.scale.clone(),
                given: vec![(row.evaluator, row.stage)],
                line: e.line,
            }),
        }
    }
    for Group { fy, grade, scale: scale_code, given, line, .. } in groups {
        let who = who(&given);
        let Some(scale) = v.scales.iter().find(|s| scale_code.as_deref() == Some(s.scale.code.as_str())) else {
            continue;
        };
        let bands = scale.bands.clone().unwrap_or_else(|| infer(&scale.scale));
        let Some(band) = bands.iter().find(|b| normalise(&b.grade) == grade) else { continue };
        if band.min.is_none() && band.max.is_none() {
            continue;
        }
        let mut measured: Vec<Measured> = v
            .own
            .iter()
            .filter_map(|ind| achievement(ind, fy, None))
            .map(|a| Measured {
                what: a.name.clone(),
                target: a.target.cell.printed().trim().to_string(),
                actual: a.actual.cell.printed().trim().to_string(),
                ratio: a.ratio,
                achieved: a.achieved(),
            })
            .collect();
        measured.extend(narrative_targets(v, fy));
        if measured.is_empty() || !measured.iter().all(|m| m.contradicts(band)) {
            continue;
        }
        let label = scale.scale.grade(&grade).map(|g| g.label.clone()).unwrap_or_default();
        let worst = measured.iter().filter_map(Measured::ratio_or_met).fold(f64::INFINITY, f64::min);
        let fitting = worst.is_finite().then(|| fitting_grade(&bands, worst)).flatten();
        let suggestion = fitting
            .and_then(|g| scale.scale.grade(&g.grade))
            .map(|g| format!("達成度からは「{} {}」にあたります。", g.code, g.label))
            .unwrap_or_default();
        let details: Vec<String> = measured.iter().map(Measured::describe).collect();
        let message = format!(
            "{}「{} {}」は、この尺度では達成度{}の評価ですが、{}。{}",
            who,
            grade,
            label,
            range_words(band),
            details.join("、"),
            suggestion
        );
        let achieved: Vec<String> = measured
            .iter()
            .map(|m| {
                format!("{}（{}／{}）", m.ratio.map(percent).unwrap_or_else(|| "未達成".into()), m.actual, m.target)
            })
            .collect();
        out.push(
            Severity::Warning,
            v.place(given[0].1.label(), None, Some(fy), line),
            message,
            Side::new(who.clone(), format!("{grade} {label}").trim().to_string()),
            Side::new("達成度", achieved.join("、")),
        );
    }
}

/// `主管課・事業評価審査会の事後評価`, `主管課の1次評価・行革本部の2次評価`.
fn who(given: &[(Evaluator, Stage)]) -> String {
    let stage = given[0].1;
    if given.iter().all(|(_, s)| *s == stage) {
        let names: Vec<&str> = given.iter().map(|(e, _)| e.label()).collect();
        format!("{}の{}", names.join("・"), stage.label())
    } else {
        given.iter().map(|(e, s)| format!("{}の{}", e.label(), s.label())).collect::<Vec<_>>().join("・")
    }
}

fn range_words(b: &GradeBand) -> String {
    let p = |n: Number| format!("{}%", n.to_f64() * 100.0);
    match (b.min, b.max) {
        (Some(lo), Some(hi)) => format!("{}以上{}未満", p(lo), p(hi)),
        (Some(lo), None) => format!("{}以上", p(lo)),
        (None, Some(hi)) => format!("{}未満", p(hi)),
        (None, None) => "を問わない".into(),
    }
}

/// The best grade whose band holds the ratio.
fn fitting_grade(bands: &[GradeBand], r: f64) -> Option<&GradeBand> {
    bands.iter().find(|b| {
        (b.min.is_some() || b.max.is_some())
            && b.min.is_none_or(|m| r >= m.to_f64() - 1e-9)
            && b.max.is_none_or(|m| r < m.to_f64() - 1e-9)
    })
}

/// Targets written in the narrative (`成果目標`) paired with the results
/// written under `成果目標の達成状況`: the same item, the same unit.
fn narrative_targets(v: &SheetView, fy: FiscalYear) -> Vec<Measured> {
    let of_year = |t: &&Text| t.fiscal_year.is_none_or(|y| y == fy);
    let figures = |slot: &str| -> Vec<(String, Figure)> {
        v.narratives
            .iter()
            .filter(of_year)
            .filter(|t| t.slot == slot)
            .flat_map(|t| t.sentences.iter())
            .flat_map(|s: &Sentence| {
                s.figures.iter().filter(|f| f.is_level() && !f.total).map(move |f| (trim_label(&s.label(f)), f.clone()))
            })
            .filter(|(label, _)| label.chars().count() >= 2)
            .collect()
    };
    let targets = figures("outcome_target");
    if targets.is_empty() {
        return Vec::new();
    }
    let results = figures("outcome_result");
    let mut used = vec![false; results.len()];
    let mut out = Vec::new();
    for (tl, t) in &targets {
        let best = results
            .iter()
            .enumerate()
            .filter(|(i, (rl, r))| !used[*i] && r.unit == t.unit && same_thing(tl, rl))
            .max_by(|(_, (a, _)), (_, (b, _))| coverage(tl, a).total_cmp(&coverage(tl, b)));
        let Some((i, (_, r))) = best else { continue };
        used[i] = true;
        let (tv, rv) = (t.value.to_f64(), r.value.to_f64());
        let lower_is_better = matches!(t.relation, Relation::AtMost | Relation::Below) || tv == 0.0;
        let (ratio, achieved) = if lower_is_better {
            let met = rv <= tv;
            (met.then_some(1.0), met)
        } else {
            let ratio = rv / tv;
            (Some(ratio), ratio >= 1.0)
        };
        out.push(Measured { what: tl.clone(), target: t.printed.clone(), actual: r.printed.clone(), ratio, achieved });
    }
    out
}

fn grade_on_scale(v: &SheetView, out: &mut Out) {
    // A comment without a grade is a forgotten grade (an empty row is a
    // stage the sheet does not use): one flag per year for all of them.
    type Missing = (FiscalYear, Vec<(Evaluator, Stage)>, String, Option<usize>);
    let mut missing: Vec<Missing> = Vec::new();
    for e in &v.sheet.evaluations {
        let row = &e.row;
        let commented = row.comment.as_deref().is_some_and(|c| !c.trim().is_empty());
        if row.grade.as_deref().map(normalise).is_none_or(|g| g.is_empty()) && commented {
            match missing.iter_mut().find(|m| m.0 == row.fiscal_year) {
                Some(m) => m.1.push((row.evaluator, row.stage)),
                None => missing.push((
                    row.fiscal_year,
                    vec![(row.evaluator, row.stage)],
                    row.comment.clone().unwrap_or_default(),
                    e.line,
                )),
            }
        }
    }
    for (fy, given, comment, line) in missing {
        let who = who(&given);
        out.push(
            Severity::Info,
            v.place(given[0].1.label(), None, Some(fy), line),
            format!("{who}に所見はありますが、評価が記載されていません。"),
            Side::new(who.clone(), ""),
            Side::new("所見", comment),
        );
    }
    for e in &v.sheet.evaluations {
        let row = &e.row;
        let who = format!("{}の{}", row.evaluator.label(), row.stage.label());
        match row.grade.as_deref().map(normalise).filter(|g| !g.is_empty()) {
            None => {}
            Some(g) => {
                let Some(scale) = v.scales.iter().find(|s| row.scale.as_deref() == Some(s.scale.code.as_str())) else {
                    continue;
                };
                if scale.scale.grade(&g).is_none() {
                    out.push(
                        Severity::Warning,
                        v.place(row.stage.label(), None, Some(row.fiscal_year), e.line),
                        format!(
                            "{who}「{g}」は尺度「{}」（{}）にない評価です。",
                            scale.scale.name,
                            scale.scale.legend()
                        ),
                        Side::new(format!("{who}の評価"), g.clone()),
                        Side::new("尺度", scale.scale.legend()),
                    );
                }
            }
        }
    }
}
