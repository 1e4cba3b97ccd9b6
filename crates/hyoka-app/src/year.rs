//! A city's fiscal year: open it (carrying the previous year forward),
//! set its deadline, lock it, unlock it with a reason, publish and
//! withdraw it.
//!
//! Locked (確定) years are read-only for every path, the web and imports
//! alike; published years are locked years the public sees. Unlocking
//! needs the year withdrawn first and a reason, and is audited like every
//! other step.

use hyoka_core::access::Action;
use hyoka_core::{FiscalYear, JpDate};
use hyoka_store::{CarryForward, FiscalYearRecord, PublishOutcome};

use crate::{Command, CommandError, Cx};

/// The longest reason an unlock may carry.
const MAX_REASON_CHARS: usize = 2000;

/// Opens `fiscal_year`: every item that ran the year before gets a 未着手
/// sheet carrying the plan part (targets, overview, planned schedule),
/// never the results. Opening again only adds what is missing.
pub struct OpenYear {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
}

impl Command for OpenYear {
    const CODE: &'static str = "year.open";
    type Output = CarryForward;

    async fn run(self, cx: &mut Cx<'_>) -> Result<CarryForward, CommandError> {
        let (code, fy) = (self.municipality.as_str(), self.fiscal_year);
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        if cx.store.fiscal_year(code, fy).await?.locked {
            return Err(CommandError::Conflict(format!("{}は確定済みのため、調査票を追加できません。", fy.label())));
        }
        let plan = cx.store.sheet_plan(code).await?;
        let report = cx.tx().await?.carry_forward(code, fy, &plan).await?;
        cx.about(code, None, Some(fy));
        cx.summary(format!("{}を開始（{}件の調査票を作成）", fy.label(), report.created.len()));
        cx.changes(report.history.iter().cloned());
        Ok(report)
    }
}

/// Sets (or with `None` clears) the date sheets are due.
pub struct SetDeadline {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    pub deadline: Option<JpDate>,
}

impl Command for SetDeadline {
    const CODE: &'static str = "year.deadline";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let (code, fy) = (self.municipality.as_str(), self.fiscal_year);
        cx.actor.require(Action::Administer, code, &[])?;
        let year = cx.store.fiscal_year(code, fy).await?;
        if year.locked {
            return Err(CommandError::Conflict(format!("{}は確定済みのため、提出期限は変更できません。", fy.label())));
        }
        let new = self.deadline.map(|d| d.iso());
        if year.deadline == new {
            cx.unchanged();
            return Ok(());
        }
        cx.tx().await?.set_fiscal_year(&FiscalYearRecord { deadline: new.clone(), ..year.clone() }).await?;
        cx.about(code, None, Some(fy));
        cx.summary(match &self.deadline {
            Some(d) => format!("{}の提出期限を{}に設定", fy.label(), d.wareki()),
            None => format!("{}の提出期限を解除", fy.label()),
        });
        cx.change(format!("提出期限 {}", fy.label()), year.deadline, new);
        Ok(())
    }
}

/// Locks a year: every sheet becomes 確定 and nothing of the year changes
/// until an admin unlocks it.
pub struct LockYear {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
}

impl Command for LockYear {
    const CODE: &'static str = "year.lock";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let (code, fy) = (self.municipality.as_str(), self.fiscal_year);
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        if cx.store.fiscal_year(code, fy).await?.locked {
            return Err(CommandError::Conflict(format!("{}は既に確定しています。", fy.label())));
        }
        let who = cx.actor.account_id();
        let plan = cx.store.sheet_plan(code).await?;
        let Some(history) = cx.tx().await?.lock_year(code, fy, who, &plan).await? else {
            return Err(CommandError::Conflict(
                "確定の途中で調査票が更新されました。もう一度確定してください。".into(),
            ));
        };
        cx.about(code, None, Some(fy));
        cx.summary(format!("{}を確定", fy.label()));
        cx.changes(history);
        Ok(())
    }
}

/// Unlocks a locked year so that it can be corrected: each sheet gets back
/// the status it had before the lock. A published year must be withdrawn
/// first: the public never sees a year that can change.
pub struct UnlockYear {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
    pub reason: String,
}

impl Command for UnlockYear {
    const CODE: &'static str = "year.unlock";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let (code, fy) = (self.municipality.as_str(), self.fiscal_year);
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        let reason = self.reason.trim();
        if reason.is_empty() {
            return Err(CommandError::invalid("reason", "確定を解除する理由を入力してください。"));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(CommandError::invalid("reason", format!("理由は{MAX_REASON_CHARS}文字以内にしてください。")));
        }
        if !cx.store.fiscal_year(code, fy).await?.locked {
            return Err(CommandError::Conflict(format!("{}は確定していません。", fy.label())));
        }
        if cx.store.published_years(code).await?.iter().any(|p| p.fiscal_year == fy) {
            return Err(CommandError::Conflict(format!(
                "{}は公開中です。確定を解除する前に、公開を取り下げてください。",
                fy.label()
            )));
        }
        let who = cx.actor.account_id();
        let history = cx.tx().await?.unlock_year(code, fy, who, reason).await?;
        cx.about(code, None, Some(fy));
        cx.summary(format!("{}の確定を解除（理由: {reason}）", fy.label()));
        cx.changes(history);
        Ok(())
    }
}

/// Publishes a locked year on the portal, the API and the open data.
pub struct PublishYear {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
}

impl Command for PublishYear {
    const CODE: &'static str = "year.publish";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let (code, fy) = (self.municipality.as_str(), self.fiscal_year);
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        let who = cx.actor.account_id();
        match cx.tx().await?.publish_year(code, fy, who).await? {
            PublishOutcome::Published => {}
            PublishOutcome::AlreadyPublished => {
                return Err(CommandError::Conflict(format!("{}は既に公開しています。", fy.label())));
            }
            PublishOutcome::NotLocked => {
                return Err(CommandError::Conflict(format!(
                    "確定していない年度は公開できません。先に{}を確定してください。",
                    fy.label()
                )));
            }
        }
        cx.about(code, None, Some(fy));
        cx.summary(format!("{}を公開", fy.label()));
        cx.change(format!("公開 {}", fy.label()), Some("非公開".into()), Some("公開".into()));
        Ok(())
    }
}

/// Withdraws a published year: the public no longer sees it.
pub struct WithdrawYear {
    pub municipality: String,
    pub fiscal_year: FiscalYear,
}

impl Command for WithdrawYear {
    const CODE: &'static str = "year.withdraw";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let (code, fy) = (self.municipality.as_str(), self.fiscal_year);
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        if !cx.tx().await?.withdraw_year(code, fy).await? {
            return Err(CommandError::Conflict(format!("{}は公開していません。", fy.label())));
        }
        cx.about(code, None, Some(fy));
        cx.summary(format!("{}の公開を取り下げ", fy.label()));
        cx.change(format!("公開 {}", fy.label()), Some("公開".into()), Some("非公開".into()));
        Ok(())
    }
}
