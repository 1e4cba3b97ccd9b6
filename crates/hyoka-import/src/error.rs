//! Import errors name the place of the problem in plain Japanese.

use std::fmt;

/// A value as a message shows it: at most 40 characters on one line, so
/// that a stray 600 KB cell never becomes the message.
pub(crate) fn shown(value: &str) -> String {
    clipped(value, 40)
}

/// `value` on one line, at most `max` characters.
fn clipped(value: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// What the system says when a file cannot be read or written, in
/// Japanese (its own words are English).
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "ファイルまたはフォルダがありません".to_string(),
        ErrorKind::PermissionDenied => "権限がありません".to_string(),
        ErrorKind::AlreadyExists => "同じ名前のファイルが既にあります".to_string(),
        ErrorKind::IsADirectory => "フォルダです。ファイルを指定してください".to_string(),
        ErrorKind::NotADirectory => "フォルダではありません".to_string(),
        ErrorKind::StorageFull => "ディスクの空きがありません".to_string(),
        ErrorKind::ReadOnlyFilesystem => "書き込めない場所です".to_string(),
        _ => match e.raw_os_error() {
            Some(code) => format!("OS のエラー番号 {code}"),
            None => "入出力に失敗しました".to_string(),
        },
    }
}

/// File, sheet, row and column of a problem; whatever is known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub sheet: Option<String>,
    /// 1-based row or line.
    pub row: Option<usize>,
    /// The column's header name.
    pub column: Option<String>,
}

impl Place {
    pub fn file(file: &str) -> Place {
        Place { file: file.to_string(), ..Place::default() }
    }

    pub fn line(file: &str, line: usize) -> Place {
        Place { file: file.to_string(), row: Some(line), ..Place::default() }
    }

    pub fn cell(file: &str, sheet: Option<&str>, row: usize, column: &str) -> Place {
        Place {
            file: file.to_string(),
            sheet: sheet.map(str::to_string),
            row: Some(row),
            column: Some(column.to_string()),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, " シート「{s}」")?;
        }
        if let Some(r) = self.row {
            write!(f, " {r}行目")?;
        }
        if let Some(c) = &self.column {
            write!(f, " 列「{c}」")?;
        }
        Ok(())
    }
}

/// A problem that stops an import. Nothing is written when one occurs.
///
/// Where reading can go on past a bad row (the canonical tables), the
/// problems found with it are kept in `further`, so that a person fixing a
/// spreadsheet sees them together instead of one per attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub place: Place,
    pub message: String,
    /// Boxed: errors travel in `Result`s, which should stay small.
    pub further: Option<Box<FurtherProblems>>,
}

/// Problems found in the same pass after the first, in the order met.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FurtherProblems {
    pub listed: Vec<(Place, String)>,
    /// Found beyond those listed (see [`ImportError::MAX_LISTED`]).
    pub unlisted: usize,
}

impl ImportError {
    /// At most this many problems are listed in one error; a sheet with a
    /// shifted column would otherwise produce one line per row.
    pub const MAX_LISTED: usize = 30;
    /// The longest message, in characters.
    pub const MAX_MESSAGE_CHARS: usize = 300;

    /// A message is one line of at most [`ImportError::MAX_MESSAGE_CHARS`]
    /// characters, whatever value it quotes.
    pub fn new(place: Place, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = if message.chars().count() > Self::MAX_MESSAGE_CHARS || message.contains('\n') {
            clipped(&message, Self::MAX_MESSAGE_CHARS)
        } else {
            message
        };
        let place = Place { sheet: place.sheet.map(|s| shown(&s)), column: place.column.map(|c| shown(&c)), ..place };
        ImportError { place, message, further: None }
    }

    /// One error listing every problem found, or `Ok` when there is none.
    pub fn all(errors: Vec<ImportError>) -> Result<(), ImportError> {
        let mut errors = errors.into_iter();
        let Some(mut first) = errors.next() else { return Ok(()) };
        let further = first.further.get_or_insert_with(Box::default);
        for e in errors {
            let more = e.further.unwrap_or_default();
            further.unlisted += more.unlisted;
            for problem in std::iter::once((e.place, e.message)).chain(more.listed) {
                if 1 + further.listed.len() < Self::MAX_LISTED {
                    further.listed.push(problem);
                } else {
                    further.unlisted += 1;
                }
            }
        }
        if first.further.as_ref().is_some_and(|f| f.listed.is_empty() && f.unlisted == 0) {
            first.further = None;
        }
        Err(first)
    }

    /// The problems after the first that are listed.
    pub fn also(&self) -> &[(Place, String)] {
        self.further.as_ref().map_or(&[], |f| &f.listed)
    }

    /// How many problems this error stands for.
    pub fn count(&self) -> usize {
        1 + self.further.as_ref().map_or(0, |f| f.listed.len() + f.unlisted)
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)?;
        for (place, message) in self.also() {
            write!(f, "\n{place}: {message}")?;
        }
        let unlisted = self.further.as_ref().map_or(0, |f| f.unlisted);
        if unlisted > 0 {
            write!(f, "\nほかに {unlisted} 件の問題があります（上の問題を直してから、もう一度読み込んでください）")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(row: usize) -> ImportError {
        ImportError::new(Place::cell("items.csv", None, row, "title"), format!("問題 {row}"))
    }

    #[test]
    fn no_problem_is_no_error_and_one_is_itself() {
        assert_eq!(ImportError::all(Vec::new()), Ok(()));
        assert_eq!(ImportError::all(vec![problem(2)]), Err(problem(2)));
    }

    #[test]
    fn many_problems_are_listed_up_to_the_limit_and_counted_beyond() {
        let e = ImportError::all((2..42).map(problem).collect()).unwrap_err();
        assert_eq!(e.place.row, Some(2));
        assert_eq!(e.also().len(), ImportError::MAX_LISTED - 1);
        assert_eq!(e.also().last().unwrap().0.row, Some(ImportError::MAX_LISTED + 1));
        assert_eq!(e.count(), 40);
        let shown = e.to_string();
        assert_eq!(shown.lines().count(), ImportError::MAX_LISTED + 1);
        assert!(
            shown.ends_with("ほかに 10 件の問題があります（上の問題を直してから、もう一度読み込んでください）"),
            "{shown}"
        );
    }

    #[test]
    fn errors_that_already_list_problems_merge_in_order() {
        let first = ImportError::all(vec![problem(2), problem(3)]).unwrap_err();
        let e = ImportError::all(vec![first, problem(4)]).unwrap_err();
        let rows: Vec<_> = e.also().iter().map(|(p, _)| p.row.unwrap()).collect();
        assert_eq!((e.place.row, rows), (Some(2), vec![3, 4]));
    }
}
