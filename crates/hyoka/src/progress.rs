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

/// An import's steps on stderr: a bar of the rows written on a terminal,
/// else a line per step (rows compared, rows written).
pub fn import_observer() -> hyoka_import::Observer {
    use hyoka_import::ImportStep;
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} 行 {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix("import");
        std::sync::Arc::new(move |step| match step {
            ImportStep::Compared { rows } => {
                bar.set_length(rows as u64);
                bar.set_message("保存済みの内容と比較しました。書き込み中");
            }
            ImportStep::Writing { done, total } => {
                bar.set_position(done as u64);
                if done >= total {
                    bar.finish_with_message("書き込み完了");
                }
            }
        })
    } else {
        std::sync::Arc::new(|step| match step {
            ImportStep::Compared { rows } => eprintln!("import: 保存済みの内容と比較しました（{rows} 行）"),
            ImportStep::Writing { done, total } => eprintln!("import: 書き込み {done}/{total} 行"),
        })
    }
}
