//! A sheet: one item in one fiscal year. Its context and stored content,
//! the typed draft its form reads into, the merge of two people's edits,
//! and the commands that save it and move it through the review.

mod context;
pub mod draft;
pub mod merge;
mod save;
pub mod workflow;

pub use context::{sheet_href, vocabulary, ChildData, IndicatorData, SheetContent, SheetContext};
pub use draft::{FieldErrors, FieldKey, SheetDraft};
pub(crate) use save::{budget_after, judgement_after, narratives};
pub use save::{SaveSheet, Saved};
pub use workflow::{MoveSheet, ReturnSheet, ReviewSheet, SheetRef};
