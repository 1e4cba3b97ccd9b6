//! A sheet: one item in one fiscal year. Its context and stored content,
//! its stored draft (the draft, a `hyoka_core::sheet::draft::SheetDraft`,
//! and the merge of two people's edits are core values), and the commands
//! that save it and move it through the review.

mod context;
pub mod draft;
mod save;
pub mod workflow;

pub use context::{sheet_href, vocabulary, ChildData, IndicatorData, SheetContent, SheetContext};
pub(crate) use save::{budget_after, judgement_after, narratives};
pub use save::{SaveSheet, Saved};
pub use workflow::{MoveSheet, ReturnSheet, ReviewSheet, SheetRef};
