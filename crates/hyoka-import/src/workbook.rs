//! A city's own workbook read through its mapping (docs/mapping.md): the
//! one read step of `hyoka import --mapping` and of the admin page's
//! upload. The city as stored is read first (its name, its plans, and the
//! other years of each item, which the import keeps); the workbook is read
//! off the async threads, since a large one takes a while.

use std::sync::Arc;

use hyoka_core::vocabulary::CityVocabulary;
use hyoka_store::{Store, StoreError};

use crate::{load_city, mapping, Batch, ImportError, Place};

/// What a workbook brought, for the city its mapping names.
#[derive(Debug)]
pub struct Workbook {
    /// The city's code (the mapping's, or the one given beside it).
    pub municipality: String,
    /// The workbook's file name.
    pub file: String,
    pub batch: Batch,
    /// What was read and noticed, each line naming the file it is about.
    pub notes: Vec<String>,
    /// One line per project (shown by a dry run).
    pub projects: Vec<String>,
    /// The city's own words the mapping declares, kept with the import.
    pub vocabulary: Option<CityVocabulary>,
}

/// Reads the one workbook in `files` through the mapping `mapping_text`
/// (named `mapping_name`). `municipality`, when given, must be the city
/// the mapping names. The outer error is the store's; the inner one is
/// the person's, naming the file, sheet, row and column.
pub async fn read_workbook(
    store: &Store,
    mapping_name: &str,
    mapping_text: &str,
    files: Arc<Vec<(String, Vec<u8>)>>,
    municipality: Option<&str>,
) -> Result<Result<Workbook, ImportError>, StoreError> {
    let checked = match mapping::parse(mapping_name, mapping_text) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let code = match mapping::city_code(mapping_name, &checked, municipality) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    if files.len() != 1 {
        let message = format!(
            "対応表と一緒に取り込めるブックは1つだけです（{} 個指定されています）。ブックを1つにして、もう一度指定してください",
            files.len()
        );
        return Ok(Err(ImportError::new(Place::file(mapping_name), message)));
    }
    let stored = load_city(store, &code).await?;
    let mapping_name = mapping_name.to_string();
    let read = tokio::task::spawn_blocking(move || {
        let (name, bytes) = &files[0];
        let cx = mapping::Context { municipality: Some(&code), stored: Some(&stored) };
        let mapping::Mapped { batch, mut notes, projects } = mapping::read(&mapping_name, &checked, name, bytes, cx)?;
        let vocabulary = checked.vocabulary();
        notes.extend(vocabulary.as_ref().map(|v| format!("{name}: {}", mapping::vocabulary_note(v))));
        Ok(Workbook { municipality: code, file: name.clone(), batch, notes, projects, vocabulary })
    })
    .await
    .map_err(|e| StoreError::Invalid(format!("reading a workbook: {e}")))?;
    Ok(read)
}
