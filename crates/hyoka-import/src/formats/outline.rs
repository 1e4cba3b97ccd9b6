//! What a complete document prints, in order. A document cut short (a
//! download that stopped, a copy of the first pages) or with its lines out
//! of order still looks like its format, and reading it would replace an
//! item's lists with part of them. Each reader therefore walks the
//! document's outline first — the headings every complete sheet prints, in
//! their order, and the lists the document keeps of itself (a table of
//! contents, a list of items) — and refuses the document, naming the place,
//! when something is missing.

use crate::error::{ImportError, Place};
use crate::source::Source;

/// A walk through a range of lines, each expected heading after the one
/// before it.
pub(crate) struct Outline<'s, 'a> {
    src: &'s Source<'a>,
    /// The unit being walked, for messages: `企-3 のシート`.
    unit: String,
    /// The last line found; the next heading is looked for after it.
    at: usize,
    end: usize,
}

impl<'s, 'a> Outline<'s, 'a> {
    /// Lines `from..=to` of `src`; `unit` names them in messages.
    pub fn new(src: &'s Source<'a>, unit: impl Into<String>, from: usize, to: usize) -> Self {
        Outline { src, unit: unit.into(), at: from.saturating_sub(1), end: to.min(src.len()) }
    }

    /// The next line after the last heading found for which `is` holds.
    pub fn expect(&mut self, what: &str, is: impl Fn(&str) -> bool) -> Result<usize, ImportError> {
        match self.find(is) {
            Some(n) => Ok(n),
            None => Err(self.missing(what)),
        }
    }

    /// The next matching line, if any; the walk moves there only when found.
    pub fn find(&mut self, is: impl Fn(&str) -> bool) -> Option<usize> {
        let found = (self.at + 1..=self.end).find(|&n| is(self.src.line(n)))?;
        self.at = found;
        Some(found)
    }

    /// The error for a heading that is not where it belongs.
    pub fn missing(&self, what: &str) -> ImportError {
        incomplete(self.src, self.at.max(1), &format!("{}に{what}がありません（この行より後）", self.unit))
    }
}

/// A document that is not complete: `what` says what is missing and
/// `line` where.
pub(crate) fn incomplete(src: &Source, line: usize, what: &str) -> ImportError {
    ImportError::new(
        Place::line(&src.file, line.min(src.len()).max(1)),
        format!(
            "{what}。文書が途中で切れているか、行の順序が崩れています。元の文書をそのまま取り込んでください（何も書き込んでいません）"
        ),
    )
}

/// Whether the HTML tags a cell opens are closed in it: a cell cut short
/// ends inside its list.
pub(crate) fn tags_balanced(cell: &str) -> bool {
    ["ul", "ol", "table", "p"].iter().all(|tag| {
        let open = cell.matches(&format!("<{tag}>")).count() + cell.matches(&format!("<{tag} ")).count();
        let close = cell.matches(&format!("</{tag}>")).count();
        open <= close
    })
}

/// Whether text ends as finished text does: a sentence end, a closing
/// bracket or a closing tag. The last cell of a document cut in the middle
/// of a sentence does not.
pub(crate) fn ends_finished(text: &str) -> bool {
    text.trim_end().chars().last().is_some_and(|c| "。．.！!？?）)」』】>".contains(c))
}
