//! Printed judgements (達成/未達成, 順調/遅れ) against the figures.

use std::collections::BTreeMap;

use crate::check::view::{achievement, direction_words, percent, polarity, Achievement, Ind, SheetView};
use crate::check::{Out, Rule, Run, Scope, Severity, Side};
use crate::judgement::JudgementVocabulary;
use crate::text::normalise;

pub const JUDGEMENT_VS_FIGURES: Rule = Rule {
    code: "judgement_vs_figures",
    title: "判定と数値の不一致",
    explanation: "指標の年度ごとの判定（達成・未達成、順調・遅れ、S・A・B など）を、同じ表の目標と実績から、指標の向き（高いほど良い・低いほど良い・範囲・維持）に従って計算した結果と比べます。\
「達成」側か「未達成」側かが食い違うものだけを示します（「未達成」と「未実施」の違いは示しません）。",
    scope: Scope::Sheet,
    run: Run::Sheet(judgement_vs_figures),
};

pub const JUDGEMENT_CONFLICT: Rule = Rule {
    code: "judgement_conflict",
    title: "表どうしの判定の食い違い",
    explanation: "同じ指標・同じ年度の判定が二つの表に印字され、一方が「達成」側、他方が「未達成」側のものを示します（目標と実績から判定を計算できない場合）。",
    scope: Scope::Sheet,
    run: Run::Sheet(judgement_conflict),
};

/// The vocabulary a printed label belongs to.
fn vocabulary_of<'v>(
    label: &str,
    own: Option<&'v JudgementVocabulary>,
    city: &'v [JudgementVocabulary],
) -> Option<JudgementVocabulary> {
    let label = normalise(label);
    own.into_iter()
        .chain(city.iter())
        .find(|v| v.labels().any(|l| l == label))
        .cloned()
        .or_else(|| JudgementVocabulary::presets().into_iter().find(|v| v.labels().any(|l| l == label)))
}

fn figures(a: &Achievement) -> String {
    let ratio = a.ratio.map(|r| format!("、達成率{}", percent(r))).unwrap_or_default();
    format!("目標「{}」・実績「{}」{}", a.target.cell.printed().trim(), a.actual.cell.printed().trim(), ratio)
}

fn judgement_vs_figures(v: &SheetView, out: &mut Out) {
    for ind in &v.own {
        let own_vocabulary = ind.input.vocabulary.as_ref();
        for j in &ind.input.judgements {
            let Some(stated) = polarity(&j.printed, own_vocabulary, v.vocabularies) else { continue };
            let Some(a) = achievement(ind, j.fiscal_year, j.source.as_deref()) else { continue };
            if stated == a.achieved() {
                continue;
            }
            let computed = vocabulary_of(&j.printed, own_vocabulary, v.vocabularies)
                .and_then(|voc| voc.label(&a.verdict))
                .unwrap_or_else(|| if a.achieved() { "達成".into() } else { "未達成".into() });
            let part = j.source.clone().unwrap_or_else(|| "指標".into());
            let message = format!(
                "「{}」{}の判定は「{}」ですが、{}で、{}としては{}。数値から判定すると「{}」です。",
                ind.name(),
                j.fiscal_year.label(),
                j.printed.trim(),
                figures(&a),
                direction_words(ind.input.direction),
                if a.achieved() { "目標を達成しています" } else { "目標に届いていません" },
                computed
            );
            out.push(
                Severity::Warning,
                v.place(&part, Some(ind.name()), Some(j.fiscal_year), j.line.or(a.actual.input.line)),
                message,
                Side::new(format!("印字された判定（{part}）"), j.printed.trim()),
                Side::new("目標と実績から計算した判定", format!("{computed}（{}）", figures(&a))),
            );
        }
    }
}

fn judgement_conflict(v: &SheetView, out: &mut Out) {
    for ind in &v.own {
        let mut by_year: BTreeMap<_, Vec<_>> = BTreeMap::new();
        for j in &ind.input.judgements {
            by_year.entry(j.fiscal_year).or_default().push(j);
        }
        for (fy, js) in by_year {
            if js.len() < 2 || computable(ind, fy) {
                continue;
            }
            let own = ind.input.vocabulary.as_ref();
            let first = js[0];
            let Some(p0) = polarity(&first.printed, own, v.vocabularies) else { continue };
            let Some(other) =
                js[1..].iter().find(|j| polarity(&j.printed, own, v.vocabularies).is_some_and(|p| p != p0))
            else {
                continue;
            };
            let src = |j: &crate::check::JudgementInput| j.source.clone().unwrap_or_else(|| "表".into());
            let message = format!(
                "「{}」{}の判定が、{}では「{}」、{}では「{}」と食い違っています。",
                ind.name(),
                fy.label(),
                src(first),
                first.printed.trim(),
                src(other),
                other.printed.trim()
            );
            out.push(
                Severity::Warning,
                v.place("指標", Some(ind.name()), Some(fy), other.line.or(first.line)),
                message,
                Side::new(format!("判定（{}）", src(first)), first.printed.trim()),
                Side::new(format!("判定（{}）", src(other)), other.printed.trim()),
            );
        }
    }
}

/// The judgement of this year can be computed from the figures, so
/// [`judgement_vs_figures`] says which printing is wrong.
fn computable(ind: &Ind, fy: crate::FiscalYear) -> bool {
    achievement(ind, fy, None).is_some()
}
