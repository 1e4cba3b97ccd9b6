//! `hyoka check`: the consistency checks of a city-year (docs/checks.md)
//! from the command line, and `hyoka check acknowledge` / `reopen`, the
//! same audited commands the web runs.

use clap::{Args, Subcommand, ValueEnum};
use hyoka_app::check::{check_year, AckState, AcknowledgeFlag, FlagEntry, ReopenFlag, YearCheck};
use hyoka_app::{Actor, App, CommandError};
use hyoka_core::check::{rule, FlagKind, Severity, Side};
use serde_json::json;

use crate::outcome::{fiscal_year_arg, CliResult};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CheckArgs {
    #[command(subcommand)]
    pub action: Option<CheckAction>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `hyoka check --municipality … --fiscal-year …`.
#[derive(Args)]
pub struct RunArgs {
    /// 団体コード（6桁）
    #[arg(long)]
    pub municipality: Option<String>,
    /// 年度（2021、令和3年度、R03 など）
    #[arg(long)]
    pub fiscal_year: Option<String>,
    /// この事業・項目のキーの指摘だけを表示する
    #[arg(long)]
    pub item: Option<String>,
    /// 出力の形式
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 取り込みの注記（セルの読み方の記録）も一件ずつ表示する（既定では件数だけ）
    #[arg(long)]
    pub all: bool,
    /// 未確認の指摘がこの重さ以上あれば終了コード 3 で終わる（既定: 指摘があっても 0）
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

#[derive(Args)]
pub struct CityYear {
    /// 団体コード（6桁）
    #[arg(long)]
    pub municipality: String,
    /// 年度（2021、令和3年度、R03 など）
    #[arg(long)]
    pub fiscal_year: String,
}

#[derive(Subcommand)]
pub enum CheckAction {
    /// 指摘を確認済み（意図どおり）または対応済みにする（理由は変更履歴に記録）
    Acknowledge {
        #[command(flatten)]
        year: CityYear,
        /// 指摘の識別子（hyoka check が表示する id。先頭8文字以上でよい）
        #[arg(long)]
        fingerprint: String,
        /// 理由
        #[arg(long)]
        reason: String,
        /// 対応済み（修正した）として記録する
        #[arg(long)]
        resolved: bool,
    },
    /// 確認済みを取り消して、未確認に戻す
    Reopen {
        #[command(flatten)]
        year: CityYear,
        /// 指摘の識別子
        #[arg(long)]
        fingerprint: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Which open flags fail the run.
#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// データの食い違いのうち「誤り」
    Error,
    /// データの食い違いのうち「要確認」以上
    Warning,
    /// データの食い違いすべて
    Mistake,
    /// 取り込みの注記を含むすべて
    Any,
}

impl FailOn {
    fn fails(self, f: &FlagEntry) -> bool {
        let mistake = f.flag.kind == FlagKind::Mistake;
        match self {
            FailOn::Error => mistake && f.flag.severity == Severity::Error,
            FailOn::Warning => mistake && f.flag.severity >= Severity::Warning,
            FailOn::Mistake => mistake,
            FailOn::Any => true,
        }
    }
}

pub async fn check(app: &App, args: CheckArgs) -> CliResult {
    let me = Actor::command_line();
    match (args.action, args.run) {
        (Some(CheckAction::Acknowledge { year, fingerprint, reason, resolved }), _) => {
            let fiscal_year = fiscal_year_arg(&year.fiscal_year)?;
            let state = if resolved { AckState::Resolved } else { AckState::Acknowledged };
            let command =
                AcknowledgeFlag { municipality: year.municipality, fiscal_year, flag: fingerprint, state, reason };
            let entry = app.run(&me, command).await?;
            println!("指摘を{}にしました: {}", state.label(), entry.flag.place.describe());
            Ok(())
        }
        (Some(CheckAction::Reopen { year, fingerprint }), _) => {
            let fiscal_year = fiscal_year_arg(&year.fiscal_year)?;
            app.run(&me, ReopenFlag { municipality: year.municipality, fiscal_year, flag: fingerprint }).await?;
            println!("指摘を未確認に戻しました");
            Ok(())
        }
        (None, run) => run_check(app, run).await,
    }
}

fn missing() -> crate::outcome::CliError {
    CommandError::invalid_input("--municipality と --fiscal-year を指定してください（例: hyoka check --municipality 132047 --fiscal-year 2018）").into()
}

async fn run_check(app: &App, args: RunArgs) -> CliResult {
    let (Some(city), Some(fy)) = (&args.municipality, &args.fiscal_year) else { return Err(missing()) };
    let fy = fiscal_year_arg(fy).map_err(CommandError::invalid_input)?;
    let mut result = check_year(app.store(), city, fy).await?;
    if let Some(key) = &args.item {
        if !result.flags.iter().any(|f| f.flag.place.sheet.as_deref() == Some(key)) {
            let items = app.store().check_items(city, fy).await?;
            if !items.iter().any(|i| &i.key == key) {
                return Err(CommandError::NotFound(format!("{}の事業・項目「{key}」", fy.label())).into());
            }
        }
        result = result.only_item(key);
    }
    match args.format {
        Format::Text => print!("{}", text(&result, args.all)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&as_json(&result))?),
    }
    if let Some(level) = args.fail_on {
        let failing = result.open().filter(|f| level.fails(f)).count();
        if failing > 0 {
            return Err(CommandError::Conflict(format!("未確認の指摘が {failing} 件あります（--fail-on）")).into());
        }
    }
    Ok(())
}

fn title(rule_code: &str) -> &'static str {
    rule(rule_code).map_or("取り込み時の要確認事項", |r| r.title)
}

fn side(s: &Side) -> String {
    if s.value.is_empty() && s.label.is_empty() {
        "（なし）".into()
    } else {
        format!("{}「{}」", s.label, s.value)
    }
}

/// One block per flag in Japanese.
fn block(f: &FlagEntry) -> String {
    let flag = &f.flag;
    let mut out = format!(
        "[{}] {} — {}（{}）\n  id: {}\n  場所: {}\n  内容: {}\n  値: {}\n      {}\n",
        flag.severity.label(),
        flag.kind.label(),
        title(&flag.rule),
        flag.rule,
        &f.id[..12],
        flag.place.describe(),
        flag.message,
        side(&flag.left),
        side(&flag.right),
    );
    if let Some(a) = &f.acknowledgement {
        out.push_str(&format!("  {}: {}（{}、{}）\n", AckState::of_code(&a.state).label(), a.reason, a.actor, a.at));
    }
    out
}

/// The whole report: open mistakes, open reading notes (or their count),
/// the summary, then the acknowledged flags apart.
pub fn text(r: &YearCheck, all: bool) -> String {
    let mut out = format!("整合性チェック: {} {}（調査票 {} 件）\n\n", r.municipality, r.fiscal_year.label(), r.sheets);
    let (notes, mistakes): (Vec<&FlagEntry>, Vec<&FlagEntry>) =
        r.open().partition(|f| f.flag.kind == FlagKind::ReadingNote);
    for f in &mistakes {
        out.push_str(&block(f));
        out.push('\n');
    }
    if all {
        for f in &notes {
            out.push_str(&block(f));
            out.push('\n');
        }
    }
    out.push_str(&format!("未確認の指摘: {} 件\n", mistakes.len() + notes.len()));
    for ((kind, severity), n) in r.open_counts() {
        out.push_str(&format!("  {} {}: {n} 件\n", kind.label(), severity.label()));
    }
    if !notes.is_empty() && !all {
        out.push_str("  （取り込みの注記は --all で一件ずつ表示します）\n");
    }
    let acknowledged: Vec<&FlagEntry> = r.acknowledged().collect();
    out.push_str(&format!("\n確認済みの指摘: {} 件\n", acknowledged.len()));
    for f in acknowledged {
        out.push('\n');
        out.push_str(&block(f));
    }
    out
}

fn as_json(r: &YearCheck) -> serde_json::Value {
    let flags: Vec<serde_json::Value> = r
        .flags
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "rule": f.flag.rule,
                "title": title(&f.flag.rule),
                "kind": f.flag.kind.code(),
                "severity": f.flag.severity.code(),
                "place": f.flag.place,
                "place_text": f.flag.place.describe(),
                "message": f.flag.message,
                "left": f.flag.left,
                "right": f.flag.right,
                "department": f.department,
                "acknowledgement": f.acknowledgement.as_ref().map(|a| json!({
                    "state": a.state, "reason": a.reason, "actor": a.actor, "at": a.at,
                })),
            })
        })
        .collect();
    json!({
        "municipality": r.municipality,
        "fiscal_year": r.fiscal_year.year(),
        "sheets": r.sheets,
        "open": r.open().count(),
        "acknowledged": r.acknowledged().count(),
        "flags": flags,
    })
}
