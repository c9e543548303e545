//! The embedded Japanese font (IPAex Gothic, IPA Font License v1.0, see
//! `fonts/LICENSE-IPAexGothic.txt`) and text metrics taken from it, so that layout, the
//! label-overlap test and every back-end measure text the same way.

use std::sync::OnceLock;

/// The IPAex Gothic TrueType font file.
pub static FONT_DATA: &[u8] = include_bytes!("../fonts/ipaexg.ttf");

/// Family name written into SVG and the PDF font dictionary.
pub const FAMILY: &str = "IPAexGothic";

fn face() -> Option<&'static ttf_parser::Face<'static>> {
    static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(FONT_DATA, 0).ok()).as_ref()
}

/// Units per em of the font (1000 when the font cannot be read).
pub fn units_per_em() -> f64 {
    face().map(|f| f64::from(f.units_per_em())).unwrap_or(1000.0)
}

/// Glyph id of a character (0, the missing glyph, when the font lacks it).
pub fn glyph(c: char) -> u16 {
    face().and_then(|f| f.glyph_index(c)).map(|g| g.0).unwrap_or(0)
}

/// Horizontal advance of a glyph, in em.
pub fn advance_em(glyph: u16) -> f64 {
    match face() {
        Some(f) => f
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .map(|a| f64::from(a) / units_per_em())
            .unwrap_or(1.0),
        None => 1.0,
    }
}

/// Advance of a character, in em: from a table for the Basic Multilingual Plane (built once,
/// as layouts measure many strings), looked up in the font beyond it.
fn char_advance_em(c: char) -> f64 {
    static BMP: OnceLock<Vec<f32>> = OnceLock::new();
    let table = BMP.get_or_init(|| (0u32..0x1_0000).map(|u| char::from_u32(u).map_or(0.0, |c| advance_em(glyph(c)) as f32)).collect());
    match table.get(c as usize) {
        Some(a) => f64::from(*a),
        None => advance_em(glyph(c)),
    }
}

/// Width of a single-line text at a font size, mm.
pub fn text_width_mm(text: &str, size_mm: f64) -> f64 {
    text.chars().map(char_advance_em).sum::<f64>() * size_mm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_advance_table_agrees_with_the_font() {
        for c in ['A', 'i', '1', ' ', '受', '電', 'φ', '²', '→', '…', '\u{1F600}'] {
            let direct = advance_em(glyph(c));
            assert!((char_advance_em(c) - direct).abs() < 1e-6, "{c:?}: {} vs {direct}", char_advance_em(c));
        }
    }
}
