//! Progress of long-running commands: a bar on a terminal, plain lines
//! otherwise (logs, CI), so both people and files get something readable.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub enum Progress {
    Bar(ProgressBar),
    Lines { total: u64, done: u64, label: String },
}

impl Progress {
    pub fn new(label: &str, total: u64) -> Progress {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix(label.to_string());
            Progress::Bar(bar)
        } else {
            Progress::Lines { total, done: 0, label: label.to_string() }
        }
    }

    /// One step done; `what` names it.
    pub fn step(&mut self, what: &str) {
        match self {
            Progress::Bar(bar) => {
                bar.set_message(what.to_string());
                bar.inc(1);
            }
            Progress::Lines { total, done, label } => {
                *done += 1;
                eprintln!("{label} [{done}/{total}] {what}");
            }
        }
    }

    pub fn finish(self, summary: &str) {
        match self {
            Progress::Bar(bar) => bar.finish_with_message(summary.to_string()),
            Progress::Lines { label, .. } => eprintln!("{label}: {summary}"),
        }
    }
}
