//! One module per published document format. Each has `matches(text)`,
//! which recognises the format by content, and `read(source)`, which
//! returns a [`crate::Batch`].

pub mod higashimurayama;
pub mod kodaira;
pub mod mishima;
pub mod mitaka_sheets;
pub mod mitaka_whitepaper;
mod outline;
