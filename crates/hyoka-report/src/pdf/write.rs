//! Laid-out pages as a PDF file.
//!
//! One font: a subset of BIZ UDGothic (only the outlines the document uses;
//! glyph ids unchanged) embedded as a CID-keyed TrueType font with
//! `Identity-H` encoding, and a `ToUnicode` map from every glyph back to
//! its character, so text can be selected, copied, searched and extracted
//! (`pdftotext`). Each line of text is one text object, drawn in reading
//! order. Streams are Flate-compressed. The output is deterministic: the
//! same document gives the same bytes (no dates, no random ids).

use std::collections::BTreeMap;
use std::io::Write as _;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::font::{font, FONT_DATA, FONT_NAME};
use super::layout::{Laid, Op};

const FONT_RESOURCE: Name<'static> = Name(b"F1");

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("writing to memory");
    e.finish().expect("writing to memory")
}

/// Six capital letters naming the subset, derived from its glyphs (FNV-1a),
/// as PDF requires for subset fonts.
fn subset_tag(glyphs: &[u16]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for g in glyphs {
        for b in g.to_be_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| {
            let letter = ((h >> (i * 5)) % 26) as u8;
            char::from(b'A' + letter)
        })
        .collect()
}

/// Writes the pages; the footer (title, page number) is added here because
/// only now is the number of pages known.
pub fn write(laid: &Laid, title: &str) -> Vec<u8> {
    let font = font();
    let total = laid.pages.len();
    // Glyphs and what they mean, for the subset, the widths and ToUnicode.
    let mut glyphs: BTreeMap<u16, char> = BTreeMap::new();
    let encode = |text: &str, glyphs: &mut BTreeMap<u16, char>| -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (g, shown) = font.glyph(c);
            glyphs.entry(g).or_insert(shown);
            bytes.extend(g.to_be_bytes());
        }
        bytes
    };

    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog_id = alloc();
    let tree_id = alloc();
    let info_id = alloc();
    let type0_id = alloc();
    let cid_id = alloc();
    let descriptor_id = alloc();
    let file_id = alloc();
    let cmap_id = alloc();
    let page_ids: Vec<(Ref, Ref)> = (0..total).map(|_| (alloc(), alloc())).collect();

    let mut pdf = Pdf::new();
    let mut streams = Vec::new();
    for (n, page) in laid.pages.iter().enumerate() {
        let mut content = Content::new();
        for op in &page.ops {
            draw(&mut content, op, &mut |t| encode(t, &mut glyphs));
        }
        // Footer: the document's title and the page number.
        let size = 7.0;
        let footer = format!("{}　{}/{}", title, n + 1, total);
        let w = font.width(&footer, size);
        let op = Op::Text { x: (laid.width - w) / 2.0, y: 26.0, size, bold: false, text: footer };
        draw(&mut content, &op, &mut |t| encode(t, &mut glyphs));
        streams.push(deflate(&content.finish()));
    }

    pdf.catalog(catalog_id).pages(tree_id).lang(TextStr("ja")).viewer_preferences().display_doc_title(true);
    pdf.pages(tree_id).kids(page_ids.iter().map(|(p, _)| *p)).count(total as i32);
    pdf.document_info(info_id)
        .title(TextStr(title))
        .creator(TextStr("hyoka"))
        .producer(TextStr(concat!("hyoka-report ", env!("CARGO_PKG_VERSION"))));
    for ((page_id, content_id), stream) in page_ids.iter().zip(&streams) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, laid.width, laid.height));
        page.parent(tree_id);
        page.contents(*content_id);
        page.resources().fonts().pair(FONT_RESOURCE, type0_id);
        page.finish();
        pdf.stream(*content_id, stream).filter(Filter::FlateDecode);
    }

    // The font: a subset that keeps glyph ids, so CIDs are glyph ids.
    let ids: Vec<u16> = glyphs.keys().copied().collect();
    let base = format!("{}+{FONT_NAME}", subset_tag(&ids));
    let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    pdf.type0_font(type0_id)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(system)
        .font_descriptor(descriptor_id)
        .default_width(1000.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut widths = cid.widths();
        let mut run: Vec<(u16, f32)> = Vec::new();
        for g in &ids {
            if run.last().is_some_and(|(last, _)| last + 1 != *g) {
                widths.consecutive(run[0].0, run.iter().map(|(_, w)| *w));
                run.clear();
            }
            run.push((*g, font.advance(*g)));
        }
        if !run.is_empty() {
            widths.consecutive(run[0].0, run.iter().map(|(_, w)| *w));
        }
    }
    cid.finish();
    pdf.font_descriptor(descriptor_id)
        .name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            font.to_pdf_units(font.bbox[0]),
            font.to_pdf_units(font.bbox[1]),
            font.to_pdf_units(font.bbox[2]),
            font.to_pdf_units(font.bbox[3]),
        ))
        .italic_angle(0.0)
        .ascent(font.to_pdf_units(font.ascender))
        .descent(font.to_pdf_units(font.descender))
        .cap_height(font.to_pdf_units(font.cap_height))
        .stem_v(80.0)
        .font_file2(file_id);
    let subset = subsetter::subset(FONT_DATA, 0, subsetter::Profile::pdf(&ids)).unwrap_or_else(|_| FONT_DATA.to_vec());
    pdf.stream(file_id, &deflate(&subset)).filter(Filter::FlateDecode).pair(Name(b"Length1"), subset.len() as i32);
    let mut cmap = UnicodeCmap::new(Name(b"hyoka-UCS"), system);
    for (g, c) in &glyphs {
        cmap.pair(*g, *c);
    }
    pdf.cmap(cmap_id, &cmap.finish());
    pdf.finish()
}

fn draw(content: &mut Content, op: &Op, encode: &mut dyn FnMut(&str) -> Vec<u8>) {
    match op {
        Op::Text { x, y, size, bold, text } => {
            if text.is_empty() {
                return;
            }
            let bytes = encode(text);
            content.begin_text();
            content.set_fill_rgb(0.1, 0.1, 0.1);
            content.set_font(FONT_RESOURCE, *size);
            if *bold {
                // Bold from the regular face: fill and stroke the outlines.
                content.set_text_rendering_mode(TextRenderingMode::FillStroke);
                content.set_stroke_rgb(0.1, 0.1, 0.1);
                content.set_line_width(size * 0.045);
            }
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
            content.show(Str(&bytes));
            if *bold {
                content.set_text_rendering_mode(TextRenderingMode::Fill);
            }
            content.end_text();
        }
        Op::Stroke { points, closed, width, rgb, dash } => {
            let Some((first, rest)) = points.split_first() else { return };
            content.save_state();
            content.set_stroke_rgb(rgb[0], rgb[1], rgb[2]);
            content.set_line_width(*width);
            if *dash {
                content.set_dash_pattern([3.0, 2.0], 0.0);
            }
            content.move_to(first.0, first.1);
            for p in rest {
                content.line_to(p.0, p.1);
            }
            if *closed {
                content.close_path();
            }
            content.stroke();
            content.restore_state();
        }
        Op::Fill { points, rgb } => {
            let Some((first, rest)) = points.split_first() else { return };
            content.save_state();
            content.set_fill_rgb(rgb[0], rgb[1], rgb[2]);
            content.move_to(first.0, first.1);
            for p in rest {
                content.line_to(p.0, p.1);
            }
            content.close_path();
            content.fill_nonzero();
            content.restore_state();
        }
    }
}
