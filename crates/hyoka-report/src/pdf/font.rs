//! The one font of every PDF: BIZ UDゴシック (BIZ UDGothic) Regular,
//! compiled into the binary so that PDFs show Japanese on any machine.
//!
//! The font is licensed under the SIL Open Font License 1.1
//! (`crates/hyoka-report/fonts/OFL.txt`), which allows embedding it in
//! software and in documents. Bold is drawn from the regular face (fill and
//! stroke), so a second 4.6 MB file is not needed.

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

/// The TrueType file, as shipped in `crates/hyoka-report/fonts/`.
pub static FONT_DATA: &[u8] = include_bytes!("../../fonts/BIZUDGothic-Regular.ttf");

/// The PostScript name, without the subset tag.
pub const FONT_NAME: &str = "BIZUDGothic-Regular";

/// Printed instead of a character the font lacks (an emoji, a rare
/// ideograph): the geta mark, as Japanese typesetting does.
pub const MISSING: char = '〓';

pub struct Font {
    face: Face<'static>,
    /// Font units per em.
    pub units_per_em: f32,
    pub ascender: f32,
    pub descender: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
}

/// The parsed font, read once.
pub fn font() -> &'static Font {
    static FONT: OnceLock<Font> = OnceLock::new();
    FONT.get_or_init(|| {
        let face = Face::parse(FONT_DATA, 0).expect("the bundled font parses");
        let bbox = face.global_bounding_box();
        Font {
            units_per_em: f32::from(face.units_per_em()),
            ascender: f32::from(face.ascender()),
            descender: f32::from(face.descender()),
            cap_height: f32::from(face.capital_height().unwrap_or(face.ascender())),
            bbox: [f32::from(bbox.x_min), f32::from(bbox.y_min), f32::from(bbox.x_max), f32::from(bbox.y_max)],
            face,
        }
    })
}

impl Font {
    /// The glyph for a character and the character it stands for: a
    /// character the font lacks becomes [`MISSING`].
    pub fn glyph(&self, c: char) -> (u16, char) {
        let c = match c {
            '\t' => ' ',
            c if c.is_control() => ' ',
            c => c,
        };
        match self.face.glyph_index(c) {
            Some(g) if g.0 != 0 => (g.0, c),
            _ => (self.face.glyph_index(MISSING).map_or(0, |g| g.0), MISSING),
        }
    }

    /// A glyph's advance in thousandths of an em (the unit of PDF widths).
    pub fn advance(&self, glyph: u16) -> f32 {
        let units = self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0);
        f32::from(units) * 1000.0 / self.units_per_em
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(self.glyph(c).0)).sum::<f32>() * size / 1000.0
    }

    /// The width of one character at `size` points.
    pub fn char_width(&self, c: char, size: f32) -> f32 {
        self.advance(self.glyph(c).0) * size / 1000.0
    }

    /// Scales a font-unit measure to thousandths of an em.
    pub fn to_pdf_units(&self, v: f32) -> f32 {
        v * 1000.0 / self.units_per_em
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_has_japanese_and_fixed_widths() {
        let f = font();
        for c in ['あ', '漢', '、', '①', 'Ａ'] {
            assert_ne!(f.glyph(c).1, MISSING, "{c}");
            assert!((f.advance(f.glyph(c).0) - 1000.0).abs() < 1.0, "{c} is full width");
        }
        assert!((f.advance(f.glyph('A').0) - 500.0).abs() < 1.0, "BIZ UDGothic has half-width Latin");
        assert_eq!(f.glyph('😀').1, MISSING);
        assert!((f.width("日本", 10.0) - 20.0).abs() < 0.01);
    }
}
