//! Which character encoding a text file is in. Japanese Excel still saves
//! CSV in Shift_JIS (Windows code page 932); newer versions offer UTF-8,
//! with a byte-order mark. The command tells people which one it found.

use encoding_rs::{DecoderResult, SHIFT_JIS};

use crate::error::{ImportError, Place};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8Bom,
    Utf8,
    /// encoding_rs's Shift_JIS is the WHATWG one: Windows-31J / CP932, with
    /// the NEC and IBM extensions Excel writes (①, ㈱, 髙).
    ShiftJis,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8Bom => "UTF-8（BOMあり）",
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::ShiftJis => "Shift_JIS（CP932）",
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a text file: a BOM means UTF-8; else valid UTF-8 is UTF-8; else
/// Shift_JIS if every byte decodes. Nothing is ever replaced: a byte that
/// is neither is an error naming its offset and line.
pub fn decode(file: &str, bytes: &[u8]) -> Result<(String, TextEncoding), ImportError> {
    if let Some(rest) = bytes.strip_prefix(BOM) {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_string(), TextEncoding::Utf8Bom)),
            Err(e) => {
                let at = BOM.len() + e.valid_up_to();
                Err(ImportError::new(
                    Place::line(file, line_of(bytes, at)),
                    format!(
                        "UTF-8（BOMあり）のファイルに UTF-8 として読めないバイトがあります（先頭から{}バイト目）",
                        at + 1
                    ),
                ))
            }
        };
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_string(), TextEncoding::Utf8)),
        Err(e) => e.valid_up_to(),
    };
    let sjis_error = match decode_sjis(bytes) {
        Ok(s) => return Ok((s, TextEncoding::ShiftJis)),
        Err(at) => at,
    };
    // The encoding that read further is the likelier one; its first bad
    // byte is where a person should look.
    let at = utf8_error.max(sjis_error);
    Err(ImportError::new(
        Place::line(file, line_of(bytes, at)),
        format!(
            "文字コードを判別できません。UTF-8 としても Shift_JIS としても読めないバイトがあります（UTF-8 では先頭から{}バイト目、Shift_JIS では{}バイト目）。UTF-8 か Shift_JIS で保存し直してください",
            utf8_error + 1,
            sjis_error + 1
        ),
    ))
}

/// The text, or the offset of the first byte that is not Shift_JIS.
fn decode_sjis(bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3 / 2 + 16);
    let mut read_total = 0;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(bytes.len() - read_total + 16),
            DecoderResult::Malformed(bad, after) => return Err(read_total - bad as usize - after as usize),
        }
    }
}

/// The 1-based line holding byte `at`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        let text = "自治体,①㈱髙～－\r\n";
        let (sjis, _, unmappable) = SHIFT_JIS.encode(text);
        assert!(!unmappable);
        assert_eq!(decode("a.csv", &sjis).unwrap(), (text.to_string(), TextEncoding::ShiftJis));
        assert_eq!(decode("a.csv", text.as_bytes()).unwrap().1, TextEncoding::Utf8);
        let with_bom = [BOM, text.as_bytes()].concat();
        assert_eq!(decode("a.csv", &with_bom).unwrap(), (text.to_string(), TextEncoding::Utf8Bom));
    }

    #[test]
    fn names_the_bad_byte() {
        // 0xFF is neither UTF-8 nor a Shift_JIS byte.
        let bytes = b"a,b\nc,d\n\xE3\x81\x82\xFF\n";
        let e = decode("x.csv", bytes).unwrap_err();
        assert_eq!(e.place.row, Some(3));
        assert!(e.message.contains("文字コードを判別できません"), "{}", e.message);
    }
}
