//! Placeholder until the reader lands.

use crate::source::Source;
use crate::{Batch, ImportError, Place};

pub fn matches(_text: &str) -> bool {
    false
}

pub fn read(src: &Source) -> Result<Batch, ImportError> {
    Err(ImportError::new(Place::file(&src.file), "この形式の読み取りはまだ実装されていません"))
}
