//! A person's word on a flag: acknowledged (looked at, as intended) or
//! resolved (corrected where the check cannot see it), with a reason; and
//! reopening it. Each is one audit record on the sheet's history.
//!
//! Who: the city's admin (the planning division) for any flag; the
//! editors and heads of a sheet's section for the flags of that sheet.

use hyoka_core::access::Action;
use hyoka_core::check::rule;
use hyoka_core::FiscalYear;
use hyoka_store::AcknowledgementRecord;

use super::{check_year, FlagEntry};
use crate::{Actor, Command, CommandError, Cx};

/// The longest reason a person may give.
pub const MAX_REASON_CHARS: usize = 2000;

/// What the person says of the flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckState {
    /// Looked at: as intended (a target below its baseline on purpose).
    Acknowledged,
    /// Corrected, or known to be wrong in the printed document only.
    Resolved,
}

impl AckState {
    pub fn code(self) -> &'static str {
        match self {
            AckState::Acknowledged => "acknowledged",
            AckState::Resolved => "resolved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AckState::Acknowledged => "確認済み",
            AckState::Resolved => "対応済み",
        }
    }

    /// The state of a stored code (`acknowledged` when unknown).
    pub fn of_code(code: &str) -> AckState {
        if code == "resolved" {
            AckState::Resolved
        } else {
            AckState::Acknowledged
        }
    }
}

/// Acknowledges (or resolves) the open flag `flag` of a city-year.
pub struct AcknowledgeFlag {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    /// The flag's id (or an 8-character prefix of it) or fingerprint.
    pub flag: String,
    pub state: AckState,
    pub reason: String,
}

impl Command for AcknowledgeFlag {
    const CODE: &'static str = "check.acknowledge";
    type Output = FlagEntry;

    async fn run(self, cx: &mut Cx<'_>) -> Result<FlagEntry, CommandError> {
        let (code, fy) = (self.municipality.as_str(), self.fiscal_year);
        cx.actor.require(Action::View, code, &[])?;
        let entry = find(cx.store, code, fy, &self.flag).await?;
        require_for(cx.actor, code, &entry)?;
        let reason = self.reason.trim();
        if reason.is_empty() {
            return Err(CommandError::invalid("reason", "確認済みにする理由を入力してください。"));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(CommandError::invalid("reason", format!("理由は{MAX_REASON_CHARS}文字以内にしてください。")));
        }
        if let Some(a) = &entry.acknowledgement {
            if a.reason == reason && a.state == self.state.code() {
                cx.unchanged();
                return Ok(entry);
            }
        }
        let record = AcknowledgementRecord {
            municipality: code.to_string(),
            fiscal_year: fy,
            fingerprint_key: entry.id.clone(),
            fingerprint: entry.flag.fingerprint(),
            rule: entry.flag.rule.clone(),
            item_key: entry.flag.place.sheet.clone(),
            state: self.state.code().to_string(),
            reason: reason.to_string(),
            account_id: cx.actor.account_id(),
            actor: cx.actor.name().to_string(),
            at: cx.now.iso(),
        };
        cx.tx().await?.save_acknowledgement(&record).await?;
        cx.about(code, entry.item_id, Some(fy));
        cx.summary(format!(
            "整合性チェックの指摘を{}にしました: {} {}（理由: {reason}）",
            self.state.label(),
            title(&entry),
            entry.flag.place.describe()
        ));
        cx.change(
            field(&entry),
            Some(entry.acknowledgement.as_ref().map_or("未確認".to_string(), |a| state_text(&a.state, &a.reason))),
            Some(state_text(self.state.code(), reason)),
        );
        Ok(FlagEntry { acknowledgement: Some(record), ..entry })
    }
}

/// Withdraws the acknowledgement of a flag: it is open again.
pub struct ReopenFlag {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    pub flag: String,
}

impl Command for ReopenFlag {
    const CODE: &'static str = "check.reopen";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let (code, fy) = (self.municipality.as_str(), self.fiscal_year);
        cx.actor.require(Action::View, code, &[])?;
        let entry = find(cx.store, code, fy, &self.flag).await?;
        require_for(cx.actor, code, &entry)?;
        let Some(before) = &entry.acknowledgement else {
            return Err(CommandError::Conflict("この指摘は確認済みではありません。".into()));
        };
        cx.tx().await?.remove_acknowledgement(code, fy, &entry.id).await?;
        cx.about(code, entry.item_id, Some(fy));
        cx.summary(format!(
            "整合性チェックの指摘を未確認に戻しました: {} {}",
            title(&entry),
            entry.flag.place.describe()
        ));
        cx.change(field(&entry), Some(state_text(&before.state, &before.reason)), Some("未確認".into()));
        Ok(())
    }
}

/// The flag as the current data shows it. An acknowledgement whose flag
/// no longer appears (the data changed) cannot be found: it is unused.
async fn find(store: &hyoka_store::Store, code: &str, fy: FiscalYear, id: &str) -> Result<FlagEntry, CommandError> {
    if id.trim().is_empty() {
        return Err(CommandError::invalid("fingerprint", "指摘の識別子を指定してください。"));
    }
    let check = check_year(store, code, fy).await?;
    check.find(id).cloned().ok_or_else(|| CommandError::NotFound(format!("整合性チェックの指摘「{}」", id.trim())))
}

/// A sheet's flag: its editors or the admin. A flag of the whole year:
/// the admin.
fn require_for(actor: &Actor, code: &str, entry: &FlagEntry) -> Result<(), CommandError> {
    if entry.item_id.is_some() {
        actor.require(Action::Edit, code, &entry.section_ids)
    } else {
        actor.require(Action::Administer, code, &[])
    }
}

fn title(entry: &FlagEntry) -> String {
    rule(&entry.flag.rule).map_or_else(|| "取り込み時の要確認事項".to_string(), |r| r.title.to_string())
}

/// The history field of a flag: `整合性チェック 記述と表の数値の食い違い 成果指標「…」 平成30年度`.
fn field(entry: &FlagEntry) -> String {
    let p = &entry.flag.place;
    let mut words = vec!["整合性チェック".to_string(), title(entry)];
    words.extend(p.part.clone());
    words.extend(p.field.as_ref().map(|f| format!("「{f}」")));
    words.extend(p.fiscal_year.map(FiscalYear::label));
    words.join(" ")
}

fn state_text(state: &str, reason: &str) -> String {
    format!("{}（理由: {reason}）", AckState::of_code(state).label())
}
