//! The text of a published document as extracted from its PDF: numbered
//! lines of tab-separated cells.
//!
//! Readers mark the lines they use. Whatever is left unmarked, and is not
//! layout (blank lines, rules, repeated page headers), becomes an
//! `unplaced` finding: nothing is dropped silently.

use std::cell::RefCell;

use crate::batch::Finding;

/// A document's text with its file name, for messages that name the place.
pub struct Source<'a> {
    pub file: String,
    pub text: &'a str,
    lines: Vec<&'a str>,
    used: RefCell<Vec<bool>>,
}

impl<'a> Source<'a> {
    pub fn new(file: impl Into<String>, text: &'a str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let used = RefCell::new(vec![false; lines.len()]);
        Source { file: file.into(), text, lines, used }
    }

    /// Marks line `n` as read into the batch.
    pub fn take(&self, n: usize) {
        if let Some(u) = self.used.borrow_mut().get_mut(n.wrapping_sub(1)) {
            *u = true;
        }
    }

    /// Marks lines `from..=to`.
    pub fn take_range(&self, from: usize, to: usize) {
        for n in from..=to {
            self.take(n);
        }
    }

    pub fn is_taken(&self, n: usize) -> bool {
        self.used.borrow().get(n.wrapping_sub(1)).copied().unwrap_or(false)
    }

    /// A finding for every line that was neither read nor layout. `layout`
    /// says which lines are layout only (headers repeated on every page,
    /// column captions already understood).
    pub fn unplaced(&self, municipality: &str, layout: impl Fn(&str) -> bool) -> Vec<Finding> {
        self.numbered()
            .filter(|(n, l)| !self.is_taken(*n) && !is_rule_or_blank(l) && !layout(l))
            .map(|(n, l)| Finding {
                municipality: Some(municipality.to_string()),
                kind: "unplaced".into(),
                file: self.file.clone(),
                line: Some(n),
                text: l.trim().to_string(),
                message: "取り込み先を判断できなかった記載です。内容を確認してください".into(),
            })
            .collect()
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Line `n`, 1-based as editors and messages count.
    pub fn line(&self, n: usize) -> &'a str {
        self.lines.get(n.wrapping_sub(1)).copied().unwrap_or("")
    }

    /// The tab-separated cells of line `n`, trimmed.
    pub fn cells(&self, n: usize) -> Vec<&'a str> {
        self.line(n).split('\t').map(str::trim).collect()
    }

    /// The non-empty cells of line `n`.
    pub fn filled(&self, n: usize) -> Vec<&'a str> {
        self.cells(n).into_iter().filter(|c| !c.is_empty()).collect()
    }

    /// 1-based numbers of the lines containing `needle`.
    pub fn find_all(&self, needle: &str) -> Vec<usize> {
        self.lines.iter().enumerate().filter(|(_, l)| l.contains(needle)).map(|(i, _)| i + 1).collect()
    }

    /// The first line at or after `from` containing `needle`.
    pub fn find_from(&self, from: usize, needle: &str) -> Option<usize> {
        (from.max(1)..=self.lines.len()).find(|&n| self.line(n).contains(needle))
    }

    /// 1-based line numbers with their text.
    pub fn numbered(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        self.lines.iter().enumerate().map(|(i, l)| (i + 1, *l))
    }
}

/// Blank lines and the `-----` rules the extraction prints under headers.
fn is_rule_or_blank(line: &str) -> bool {
    line.chars().all(|c| c.is_whitespace() || c == '-' || c == '\t')
}
