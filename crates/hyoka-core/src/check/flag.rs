//! What a check reports: a flag says what disagrees with what, where, and
//! why, with the two values side by side as printed.

use serde::{Deserialize, Serialize};

use crate::sheet::Finding;
use crate::FiscalYear;

/// How sure a flag is that the data is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 参考: may well be intended (a target below its baseline, a value of
    /// another year under a column); a person confirms it once.
    Info,
    /// 要確認: very likely a mistake (a grade the figures contradict).
    Warning,
    /// 誤り: arithmetic that does not hold (a sum, a rate, a weekday).
    Error,
}

coded_enum!(Severity {
    Info => "info", "参考";
    Warning => "warning", "要確認";
    Error => "error", "誤り";
});

/// Mistakes in the data are kept apart from notes about how an import
/// read a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// The sheet contradicts itself or the arithmetic.
    Mistake,
    /// How an importer read or placed a cell; not a mistake of the sheet.
    ReadingNote,
}

coded_enum!(FlagKind {
    Mistake => "mistake", "データの食い違い";
    ReadingNote => "reading_note", "取り込みの注記";
});

/// Where a flag points: the sheet, the part of it, the field, the year and
/// the line of the source document when the data came from one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    /// The item's stable key.
    pub sheet: Option<String>,
    /// The item's code as printed: `企-7`, `No.2-3`.
    pub code: Option<String>,
    /// The part of the sheet: `成果指標`, `予算執行`, `事業の総括（主管課）`.
    pub part: Option<String>,
    /// The field within the part: an indicator's name, a figure's label.
    pub field: Option<String>,
    pub fiscal_year: Option<FiscalYear>,
    /// The imported file the value came from.
    pub file: Option<String>,
    /// The line of that file, 1-based.
    pub line: Option<usize>,
}

impl Place {
    /// `企-7 成果目標の達成状況 平成30年度（000_….txt 156行）`.
    pub fn describe(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        words.extend(self.code.clone().or_else(|| self.sheet.clone()));
        words.extend(self.part.clone());
        words.extend(self.field.as_ref().map(|f| format!("「{f}」")));
        words.extend(self.fiscal_year.map(FiscalYear::label));
        let mut out = words.join(" ");
        let source = match (&self.file, self.line) {
            (Some(f), Some(l)) => Some(format!("{f} {l}行")),
            (Some(f), None) => Some(f.clone()),
            (None, Some(l)) => Some(format!("{l}行")),
            (None, None) => None,
        };
        if let Some(s) = source {
            out.push_str(&format!("（{s}）"));
        }
        out
    }
}

/// One side of a disagreement: what it is, and its value as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Side {
    /// `表の実績`, `本文`, `主管課評価`.
    pub label: String,
    /// As printed: `6154件`, `6,141件`, `1`.
    pub value: String,
}

impl Side {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Side {
        Side { label: label.into(), value: value.into() }
    }
}

/// A person's note that a flag was looked at and is as intended.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Acknowledgement {
    /// The [`Flag::fingerprint`] it applies to.
    pub fingerprint: String,
    pub reason: String,
}

/// One disagreement found by a rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Flag {
    /// The rule's stable code: `narrative_vs_table`.
    pub rule: String,
    pub kind: FlagKind,
    pub severity: Severity,
    pub place: Place,
    /// Plain Japanese: what disagrees with what, and why.
    pub message: String,
    pub left: Side,
    pub right: Side,
    /// Set by [`apply_acknowledgements`].
    pub acknowledged: Option<Acknowledgement>,
}

impl Flag {
    /// A key that stays the same when the same check runs again on the same
    /// data, so that an acknowledgement survives a re-run and a re-import;
    /// it changes when either value changes.
    pub fn fingerprint(&self) -> String {
        let p = &self.place;
        [
            self.rule.as_str(),
            p.sheet.as_deref().unwrap_or(""),
            p.part.as_deref().unwrap_or(""),
            p.field.as_deref().unwrap_or(""),
            &p.fiscal_year.map(|y| y.year().to_string()).unwrap_or_default(),
            &self.left.value,
            &self.right.value,
        ]
        .join("|")
    }

    /// A flag for an import finding. Findings about how a cell was read are
    /// [`FlagKind::ReadingNote`]s; the rest report the document's own
    /// inconsistencies and are mistakes.
    pub fn from_finding(finding: &Finding) -> Flag {
        let reading = is_reading_note(&finding.kind);
        Flag {
            rule: format!("import.{}", finding.kind),
            kind: if reading { FlagKind::ReadingNote } else { FlagKind::Mistake },
            severity: if reading { Severity::Info } else { Severity::Warning },
            place: Place { file: Some(finding.file.clone()), line: finding.line, ..Place::default() },
            message: finding.message.clone(),
            left: Side::new("記載", finding.text.clone()),
            right: Side::default(),
            acknowledged: None,
        }
    }
}

/// Import finding kinds that describe the reading, not the data.
pub fn is_reading_note(kind: &str) -> bool {
    matches!(
        kind,
        "unplaced"
            | "unplaced_item"
            | "split_cell"
            | "table_shape"
            | "value_assignment"
            | "inferred"
            | "schedule_unaligned"
            | "unmodelled"
            | "unknown_node"
            | "unreadable"
            | "unlinked_reform"
    )
}

/// Marks the flags a person has acknowledged. Acknowledgements whose flag
/// no longer appears (the data changed) are simply not used.
pub fn apply_acknowledgements(flags: &mut [Flag], acknowledgements: &[Acknowledgement]) {
    let by_key: std::collections::HashMap<&str, &Acknowledgement> =
        acknowledgements.iter().map(|a| (a.fingerprint.as_str(), a)).collect();
    for f in flags {
        f.acknowledged = by_key.get(f.fingerprint().as_str()).map(|a| (*a).clone());
    }
}
