//! Readers: the five published document formats and hyoka's canonical
//! CSV, XLSX and JSON. Every reader produces a [`Batch`] of domain values;
//! [`apply`] writes a batch to the store in one transaction.
//!
//! Formats are recognised by content, never by file name.

mod apply;
pub mod batch;
pub mod canonical;
mod control;
pub mod error;
pub mod formats;
mod load;
pub mod mapping;
pub mod source;
mod workbook;

#[cfg(feature = "testing")]
pub use apply::{apply, stage_with_pause};
pub use apply::{
    stage_at, stage_observed, ApplyError, ApplyReport, Change, ChangeKind, CityChanges, FrozenChange, ImportStep,
    Observer, Staged, Tally,
};
pub use batch::Batch;
pub use error::{io_reason, FurtherProblems, ImportError, Place};
pub use load::{load_city, normalize};
pub use workbook::{read_workbook, Workbook};

/// The formats hyoka reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// 三鷹市 個別事業評価表 (seed 000).
    MitakaProjectSheets,
    /// 三島市 行政評価表 with its スケジュール表 (seed 001).
    MishimaEvaluation,
    /// 三鷹市 自治体経営白書 (seed 002).
    MitakaWhitePaper,
    /// 小平市 行財政再構築プラン 進捗状況調査票 (seed 003).
    KodairaReformSurvey,
    /// 東村山市 目標管理シート (seed 004).
    HigashimurayamaObjectives,
}

impl Format {
    pub const PUBLISHED: [Format; 5] = [
        Format::MitakaProjectSheets,
        Format::MishimaEvaluation,
        Format::MitakaWhitePaper,
        Format::KodairaReformSurvey,
        Format::HigashimurayamaObjectives,
    ];

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Format::MitakaProjectSheets => "三鷹市 個別事業評価表",
            Format::MishimaEvaluation => "三島市 行政評価表",
            Format::MitakaWhitePaper => "三鷹市 自治体経営白書",
            Format::KodairaReformSurvey => "小平市 行財政再構築プラン 進捗状況調査票",
            Format::HigashimurayamaObjectives => "東村山市 目標管理シート",
        }
    }

    fn matches(self, text: &str) -> bool {
        match self {
            Format::MitakaProjectSheets => formats::mitaka_sheets::matches(text),
            Format::MishimaEvaluation => formats::mishima::matches(text),
            Format::MitakaWhitePaper => formats::mitaka_whitepaper::matches(text),
            Format::KodairaReformSurvey => formats::kodaira::matches(text),
            Format::HigashimurayamaObjectives => formats::higashimurayama::matches(text),
        }
    }
}

/// Recognises a published document by its content.
pub fn detect_published(text: &str) -> Option<Format> {
    Format::PUBLISHED.into_iter().find(|f| f.matches(text))
}

/// Reads a published document's text into a batch.
pub fn read_published(file: &str, text: &str) -> Result<(Format, Batch), ImportError> {
    for (n, line) in text.lines().enumerate() {
        if let Some((at, c)) = control::find(line) {
            return Err(ImportError::new(Place::line(file, n + 1), control::message(at, c)));
        }
    }
    let format = detect_published(text).ok_or_else(|| {
        ImportError::new(
            Place::file(file),
            "対応している形式として認識できませんでした（三鷹市 個別事業評価表・自治体経営白書、三島市 行政評価表、小平市 進捗状況調査票、東村山市 目標管理シート、または hyoka の標準形式）",
        )
    })?;
    let src = source::Source::new(file, text);
    let batch = match format {
        Format::MitakaProjectSheets => formats::mitaka_sheets::read(&src)?,
        Format::MishimaEvaluation => formats::mishima::read(&src)?,
        Format::MitakaWhitePaper => formats::mitaka_whitepaper::read(&src)?,
        Format::KodairaReformSurvey => formats::kodaira::read(&src)?,
        Format::HigashimurayamaObjectives => formats::higashimurayama::read(&src)?,
    };
    let mut batch = batch;
    for city in &mut batch.cities {
        city.stamp_printed_in();
    }
    Ok((format, batch))
}

/// Reads a published document from the bytes of its file: UTF-8 text as
/// extracted from the PDF. A file that ends in the middle of a character
/// was cut short, and says so.
pub fn read_published_bytes(file: &str, bytes: &[u8]) -> Result<(Format, Batch), ImportError> {
    canonical::check_size(file, bytes.len() as u64)?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let message = match e.error_len() {
            None => format!(
                "最後の文字が途中で切れています（{} バイト目）。ファイルが途中で切れていないか確かめてください",
                at + 1
            ),
            Some(_) => format!("UTF-8 のテキストとして読めません（{} バイト目）", at + 1),
        };
        ImportError::new(Place::line(file, line), message)
    })?;
    read_published(file, text)
}

/// A file given to `hyoka import`, from disk. Refused before it is read
/// when larger than [`canonical::limits::MAX_FILE_BYTES`]; what the
/// system says when it cannot be read is said in Japanese.
pub fn read_file(path: &std::path::Path) -> Result<(String, Vec<u8>), ImportError> {
    let name = path.display().to_string();
    let io =
        |e: std::io::Error| ImportError::new(Place::file(&name), format!("読み込めません（{}）", error::io_reason(&e)));
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(ImportError::new(Place::file(&name), "フォルダです。ファイルを指定してください"));
    }
    canonical::check_size(&name, meta.len())?;
    let bytes = std::fs::read(path).map_err(io)?;
    Ok((name, bytes))
}

/// Everything `hyoka import` reads from its files, each recognised by its
/// content: published documents one by one, files of the canonical format
/// (XLSX, CSV, JSON) together, since CSV tables refer to each other.
/// Nothing is half-read: the first problem is the error.
///
/// A ZIP archive that is not a workbook (the CSV set as one file) is read
/// as the files it holds ([`canonical::unpack`]).
pub fn read_inputs<N: AsRef<str>, B: AsRef<[u8]>>(files: &[(N, B)]) -> Result<Inputs, ImportError> {
    let mut batches = Vec::new();
    let mut notes = Vec::new();
    let mut unpacked: Vec<Option<canonical::NamedFiles>> = Vec::new();
    for (name, bytes) in files {
        let inside = canonical::unpack(name.as_ref(), bytes.as_ref())?;
        if let Some(inside) = &inside {
            notes.push(format!("{}: ZIP（ファイル {} 個）", name.as_ref(), inside.len()));
        }
        unpacked.push(inside);
    }
    let all: Vec<(&str, &[u8])> = files
        .iter()
        .zip(&unpacked)
        .flat_map(|((n, b), inside)| match inside {
            Some(inside) => inside.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect::<Vec<_>>(),
            None => vec![(n.as_ref(), b.as_ref())],
        })
        .collect();
    let mut canonical_files: Vec<(&str, &[u8])> = Vec::new();
    for (name, bytes) in all {
        if canonical::detect(bytes).is_some() || canonical::named_like_canonical(name) {
            canonical_files.push((name, bytes));
        } else {
            let (format, batch) = read_published_bytes(name, bytes)?;
            notes.push(format!("{name}: {}", format.label()));
            batches.push((name.to_string(), batch));
        }
    }
    if !canonical_files.is_empty() {
        let (batch, canonical_notes) = canonical::read_canonical(&canonical_files)?;
        notes.extend(canonical_notes);
        let names: Vec<&str> = canonical_files.iter().map(|(n, _)| *n).collect();
        batches.push((names.join(", "), batch));
    }
    Ok(Inputs { batches, notes })
}

/// What [`read_inputs`] read.
#[derive(Debug)]
pub struct Inputs {
    /// The batches, named by their files, ready for [`apply`] or [`stage`].
    pub batches: Vec<(String, Batch)>,
    /// A note per file: its format, the encoding found, sheets left alone.
    pub notes: Vec<String>,
}
