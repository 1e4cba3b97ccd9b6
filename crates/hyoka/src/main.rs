//! `hyoka`: the command line. Thin: each subcommand parses its arguments
//! and calls the libraries; every change goes through `hyoka_app`'s
//! commands, like the web's.

mod backup;
mod check;
mod city;
mod cli;
mod db;
mod demo;
mod export;
mod import;
mod layout;
mod outcome;
mod progress;
mod reports;
mod serve;
mod user;
mod year;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HYOKA_LOG")
                .unwrap_or_else(|_| "hyoka=info,hyoka_web=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("エラー: 実行環境を準備できません: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("エラー: {e}");
            let mut source = std::error::Error::source(&*e);
            while let Some(s) = source {
                eprintln!("  原因: {s}");
                source = s.source();
            }
            ExitCode::from(outcome::exit_code(&e))
        }
    }
}
