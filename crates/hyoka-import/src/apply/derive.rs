//! What the store keeps beside an indicator's printings, computed without
//! touching the store: the value of each year and role (its first
//! printing), the judgement of each year, and the findings the numbers
//! raise. Writing and comparing use the same function, so a comparison
//! that finds nothing changed means the writes change nothing either.

use std::collections::BTreeMap;

use hyoka_core::judgement::{judge, Judgement, JudgementVocabulary};
use hyoka_core::sheet::Finding;
use hyoka_core::{FiscalYear, IndicatorCell, ValueRole};

use crate::batch::IndicatorRow;

/// Finding kinds computed here from the numbers (not read from a file).
/// They carry no line: that is how they are told from a reader's own
/// findings of the same kind.
pub(crate) const DERIVED_KINDS: [&str; 2] = ["value_conflict", "judgement_mismatch"];

pub(crate) fn is_derived(f: &Finding) -> bool {
    f.line.is_none() && DERIVED_KINDS.contains(&f.kind.as_str())
}

pub(crate) struct Derived {
    /// The value of each year and role: the first printing of it.
    pub values: BTreeMap<(FiscalYear, ValueRole), IndicatorCell>,
    pub judgements: BTreeMap<FiscalYear, Judgement>,
    /// With an empty `file`: the caller says which file they belong to.
    pub findings: Vec<Finding>,
}

pub(crate) fn derive(municipality: &str, ind: &IndicatorRow) -> Derived {
    let finding = |kind: &str, fy: FiscalYear, text: String, message: String| Finding {
        municipality: Some(municipality.to_string()),
        kind: kind.into(),
        file: String::new(),
        line: None,
        text,
        message: format!("{}（{}）: {message}", ind.name, fy.label()),
    };
    let mut findings = Vec::new();
    let mut first: BTreeMap<(FiscalYear, ValueRole), (IndicatorCell, &str)> = BTreeMap::new();
    for v in &ind.values {
        let cell = IndicatorCell::parse(&v.printed);
        match first.get(&(v.fiscal_year, v.role)) {
            None => {
                first.insert((v.fiscal_year, v.role), (cell, v.source.as_deref().unwrap_or("")));
            }
            Some((kept, kept_source)) if kept.meaning() != cell.meaning() => findings.push(finding(
                "value_conflict",
                v.fiscal_year,
                format!("{} / {}", kept.printed(), v.printed),
                format!(
                    "{}が表によって異なります（{}「{}」、{}「{}」）。両方の記載を保存しています",
                    v.role.label(),
                    source_name(kept_source),
                    kept.printed(),
                    source_name(v.source.as_deref().unwrap_or("")),
                    v.printed
                ),
            )),
            Some(_) => {}
        }
    }

    let vocabulary =
        ind.vocabulary.as_deref().and_then(|c| JudgementVocabulary::presets().into_iter().find(|v| v.code == c));
    let mut years: Vec<FiscalYear> = ind.judgements.iter().map(|j| j.fiscal_year).collect();
    years.extend(first.keys().filter(|(_, r)| *r == ValueRole::Actual).map(|(fy, _)| *fy));
    years.sort();
    years.dedup();
    let mut judgements = BTreeMap::new();
    for fy in years {
        let printed: Vec<_> = ind.judgements.iter().filter(|j| j.fiscal_year == fy).collect();
        let verdict = match (first.get(&(fy, ValueRole::Target)), first.get(&(fy, ValueRole::Actual))) {
            (Some((t, _)), Some((a, _))) => Some(judge(ind.direction, t, a, None)),
            _ => None,
        };
        let judgement = match (&vocabulary, &verdict) {
            (Some(v), Some(verdict)) => Judgement::compute(printed.first().map(|j| j.printed.as_str()), v, verdict),
            _ => Judgement { printed: printed.first().map(|j| j.printed.clone()), computed: None, declared: None },
        };
        if judgement.printed.is_none() && judgement.computed.is_none() {
            continue;
        }
        judgements.insert(fy, judgement);
        // Every printed judgement is checked, not only the first: the same
        // year judged in two tables may be right in one and wrong in the other.
        if let (Some(v), Some(verdict)) = (&vocabulary, &verdict) {
            for j in printed {
                // One indicator printed in two tables may be judged in two
                // vocabularies (順調/遅れ in one, 達成/未達成 in the other):
                // each printed word is checked in the vocabulary it belongs to.
                let own = vocabulary_of(&j.printed).filter(|_| !v.labels().any(|l| l == j.printed.trim()));
                let check = Judgement::compute(Some(&j.printed), own.as_ref().unwrap_or(v), verdict);
                if let Some(d) = check.disagreement() {
                    findings.push(finding(
                        "judgement_mismatch",
                        fy,
                        j.printed.clone(),
                        format!(
                            "{}の判定「{}」は目標と実績から計算した「{}」と一致しません",
                            source_name(j.source.as_deref().unwrap_or("")),
                            d.stated,
                            d.computed
                        ),
                    ));
                }
            }
        }
    }
    let values = first.into_iter().map(|(k, (cell, _))| (k, cell)).collect();
    Derived { values, judgements, findings }
}

/// The preset vocabulary a printed judgement word belongs to.
fn vocabulary_of(printed: &str) -> Option<JudgementVocabulary> {
    let word = printed.trim();
    JudgementVocabulary::presets().into_iter().find(|v| v.labels().any(|l| l == word))
}

fn source_name(source: &str) -> &str {
    if source.is_empty() {
        "表"
    } else {
        source
    }
}
