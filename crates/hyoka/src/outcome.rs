//! How a command ends: the result type every subcommand returns, the exit
//! code an error maps to (documented in docs/cli.md), and the arguments
//! several subcommands read the same way.

use hyoka_core::FiscalYear;

pub type CliError = Box<dyn std::error::Error + Send + Sync>;
pub type CliResult = Result<(), CliError>;

/// The exit code for an error: the application's refusals keep their kind
/// (2 input, 3 state, 4 not found, 5 not permitted); a file that cannot be
/// imported is bad input; anything else is 1.
pub fn exit_code(e: &CliError) -> u8 {
    if let Some(c) = e.downcast_ref::<hyoka_app::CommandError>() {
        return c.exit_code() as u8;
    }
    if e.downcast_ref::<hyoka_import::ImportError>().is_some() {
        return hyoka_app::ExitCode::Invalid as u8;
    }
    hyoka_app::ExitCode::Failure as u8
}

/// A fiscal year on the command line: `2020` as well as every printed form
/// (`令和2年度`, `R02`).
pub fn fiscal_year_arg(s: &str) -> Result<FiscalYear, String> {
    let parsed = match s.trim().parse::<i32>() {
        Ok(y) if s.trim().len() == 4 => FiscalYear::new(y),
        _ => FiscalYear::parse(s),
    };
    parsed.map_err(|e| format!("--fiscal-year: {e}"))
}
