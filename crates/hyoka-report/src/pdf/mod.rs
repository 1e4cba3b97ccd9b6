//! PDF output with Japanese text that renders on any machine.
//!
//! A [`Document`] is laid out by hyoka's own flow layout ([`layout`]: A4,
//! kinsoku line breaking, tables as ruled rows with repeated headers,
//! vector charts) and written with `pdf-writer` ([`write`]), embedding a
//! subset of the bundled BIZ UDゴシック ([`font`]) with a `ToUnicode` map so
//! the text stays selectable and extractable in reading order.

pub mod font;
pub mod layout;
pub mod text;
pub mod write;

use crate::doc::Document;

/// The document as PDF bytes.
pub fn render(doc: &Document) -> Vec<u8> {
    let laid = layout::layout(doc);
    write::write(&laid, &doc.title)
}
