//! Import errors name the place of the problem in plain Japanese.

use std::fmt;

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub place: Place,
    pub message: String,
}

impl ImportError {
    pub fn new(place: Place, message: impl Into<String>) -> Self {
        ImportError { place, message: message.into() }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

impl std::error::Error for ImportError {}
