//! `hyoka layout`: a city's sheet kinds. Shows a preset's definition (TOML,
//! to start a city's own kind from) or a city's kind, and defines a city's
//! own kind from a file, as the admin layout page does.

use clap::Subcommand;
use hyoka_app::layout::DefineSheetKind;
use hyoka_app::{Actor, App, CommandError};
use hyoka_core::layout::{SheetLayout, PRESETS};

use crate::outcome::CliResult;

#[derive(Subcommand)]
pub enum LayoutCommand {
    /// この市の調査票の様式を定義（同じ code があれば置き換え）する。書き方は docs/layouts.md
    Define {
        /// 全国地方公共団体コード（6桁）
        #[arg(long)]
        municipality: String,
        /// 様式の定義（TOML）のファイル
        #[arg(long, value_name = "FILE")]
        file: std::path::PathBuf,
    },
    /// 様式の定義（TOML）を表示する: 組み込みの様式（--preset）、または市の様式（--municipality と --kind）
    Show {
        /// 組み込みの様式の code（mitaka, mishima, kodaira など）
        #[arg(long, conflicts_with_all = ["municipality", "kind"])]
        preset: Option<String>,
        /// 全国地方公共団体コード（6桁）
        #[arg(long, requires = "kind")]
        municipality: Option<String>,
        /// その市の様式の code
        #[arg(long, requires = "municipality")]
        kind: Option<String>,
    },
}

impl LayoutCommand {
    /// Whether the command reads no database (a preset's definition).
    pub fn without_database(&self) -> bool {
        matches!(self, LayoutCommand::Show { preset: Some(_), .. })
    }
}

fn preset_text(code: &str) -> Result<&'static str, CommandError> {
    SheetLayout::preset_toml(code).ok_or_else(|| {
        CommandError::invalid("preset", format!("様式「{code}」はありません（{} のいずれか）", PRESETS.join(", ")))
    })
}

/// `layout show --preset`: no database needed.
pub fn show_preset(command: &LayoutCommand) -> CliResult {
    if let LayoutCommand::Show { preset: Some(code), .. } = command {
        print!("{}", preset_text(code)?);
    }
    Ok(())
}

pub async fn layout(app: &App, command: LayoutCommand) -> CliResult {
    match command {
        LayoutCommand::Define { municipality, file } => {
            let definition = std::fs::read_to_string(&file).map_err(|e| {
                CommandError::invalid("file", format!("ファイル「{}」を読めません: {e}", file.display()))
            })?;
            let layout = app.run(&Actor::command_line(), DefineSheetKind { municipality, definition }).await?;
            println!("様式「{}」（{}）を保存しました", layout.name, layout.preset);
        }
        LayoutCommand::Show { preset: Some(code), .. } => print!("{}", preset_text(&code)?),
        LayoutCommand::Show { municipality: Some(m), kind: Some(kind), .. } => {
            let kinds = app.store().sheet_kinds(&m).await?;
            let text = match kinds.iter().find(|k| k.preset == kind) {
                Some(k) => match &k.definition {
                    Some(t) => t.clone(),
                    None => preset_text(&k.preset)?.to_string(),
                },
                None => {
                    let codes: Vec<&str> = kinds.iter().map(|k| k.preset.as_str()).collect();
                    return Err(CommandError::NotFound(format!(
                        "{m} に様式「{kind}」はありません（{} のいずれか）",
                        codes.join(", ")
                    ))
                    .into());
                }
            };
            print!("{text}");
        }
        LayoutCommand::Show { .. } => {
            return Err(
                CommandError::invalid("preset", "--preset か、--municipality と --kind を指定してください").into()
            )
        }
    }
    Ok(())
}
