//! From the bytes of a file to the text extraction reads: encoding detection (UTF-8 with or
//! without a byte-order mark, UTF-16 with one), Unicode NFC, and line ends.
//!
//! Extraction works on a *working text*: NFC, without a leading byte-order mark, with every
//! lone carriage return read as a line feed (old Mac files). Evidence must still point into
//! what the file holds, so a [`SourceMap`] takes working-text offsets back to the original
//! text. NFC is computed segment by segment, each segment starting at a character that
//! composes with nothing before it (combining class 0 and NFC quick check "yes"), so a
//! changed segment maps to its original bytes as a whole and every unchanged byte maps one to
//! one.

use std::ops::Range;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Why bytes are not text we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not valid UTF-8 (and no UTF-16 byte-order mark).
    #[error("{line}:{column}: not valid UTF-8 (byte offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
        /// 1-based column (in characters) of that byte.
        column: usize,
    },
    /// UTF-16 with a byte-order mark, but an unpaired surrogate or an odd length.
    #[error("invalid UTF-16 ({endian}) at byte offset {offset}")]
    BadUtf16 {
        /// "little-endian" or "big-endian".
        endian: &'static str,
        /// Byte offset of the bad unit.
        offset: usize,
    },
    /// Looks like UTF-16 (every other byte zero) but has no byte-order mark to say which.
    #[error(
        "looks like UTF-16 without a byte-order mark; convert it to UTF-8 (iconv -f UTF-16LE -t UTF-8)"
    )]
    Utf16WithoutBom,
}

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a leading byte-order mark, if any, stays in the original text).
    Utf8,
    /// UTF-16 little-endian, from its byte-order mark; offsets are into the UTF-8 decoding.
    Utf16Le,
    /// UTF-16 big-endian, from its byte-order mark.
    Utf16Be,
}

/// Decodes a file's bytes to text: UTF-8, or UTF-16 when a byte-order mark says so. For
/// UTF-16 the decoded text (without its mark) is the "original" that evidence offsets index.
pub fn decode(bytes: Vec<u8>) -> Result<(String, Encoding), DecodeError> {
    let utf16 = |bytes: &[u8], le: bool| -> Result<String, DecodeError> {
        let endian = if le { "little-endian" } else { "big-endian" };
        let body = &bytes[2..];
        if body.len() % 2 == 1 {
            return Err(DecodeError::BadUtf16 {
                endian,
                offset: bytes.len() - 1,
            });
        }
        let units = body.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        let mut out = String::with_capacity(body.len());
        let mut offset = 2;
        for r in char::decode_utf16(units) {
            match r {
                Ok(c) => {
                    offset += 2 * c.len_utf16();
                    out.push(c);
                }
                Err(_) => return Err(DecodeError::BadUtf16 { endian, offset }),
            }
        }
        Ok(out)
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return Ok((utf16(&bytes, true)?, Encoding::Utf16Le)),
        Some([0xFE, 0xFF]) => return Ok((utf16(&bytes, false)?, Encoding::Utf16Be)),
        _ => {}
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, Encoding::Utf8)),
        Err(e) => {
            let b = e.as_bytes();
            if looks_like_utf16(b) {
                return Err(DecodeError::Utf16WithoutBom);
            }
            let offset = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&b[..offset]).expect("valid prefix");
            let (line, column) = super::line_col(valid, offset);
            Err(DecodeError::NotUtf8 {
                offset,
                line,
                column,
            })
        }
    }
}

/// Mostly-ASCII UTF-16 has a zero in every other byte: at least a third of the even (or odd)
/// bytes of the first kilobyte, and none of the others.
fn looks_like_utf16(b: &[u8]) -> bool {
    let head = &b[..b.len().min(1024)];
    if head.len() < 4 {
        return false;
    }
    let zeros = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&x| x == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let half = head.len() / 2;
    (odd * 3 >= half && even == 0) || (even * 3 >= half && odd == 0)
}

/// One stretch of the working text that differs from the original.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Changed {
    work: Range<usize>,
    orig: Range<usize>,
}

/// Working-text offsets → original-text offsets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMap {
    /// Sorted, disjoint; between them offsets shift by a constant.
    changed: Vec<Changed>,
}

impl SourceMap {
    /// The original range of a working-text range: a start inside a changed stretch moves to
    /// the stretch's start, an end inside one to its end, so the original range covers
    /// everything the working range came from.
    pub fn span(&self, r: Range<usize>) -> Range<usize> {
        self.start(r.start)..self.end(r.end)
    }

    fn locate(&self, x: usize) -> Option<&Changed> {
        let i = self.changed.partition_point(|c| c.work.start <= x);
        i.checked_sub(1).map(|i| &self.changed[i])
    }

    fn shift(c: &Changed, x: usize) -> usize {
        x - c.work.end + c.orig.end
    }

    fn start(&self, x: usize) -> usize {
        // A start at an empty (deleted) stretch skips what was deleted.
        match self.locate(x) {
            None => x,
            Some(c) if x < c.work.end => c.orig.start,
            Some(c) => Self::shift(c, x),
        }
    }

    fn end(&self, x: usize) -> usize {
        // An end at a stretch's start belongs to what came before it.
        let i = self.changed.partition_point(|c| c.work.start < x);
        match i.checked_sub(1).map(|i| &self.changed[i]) {
            None => x,
            Some(c) if x <= c.work.end => c.orig.end,
            Some(c) => Self::shift(c, x),
        }
    }

    /// True when working and original text are the same bytes.
    pub fn is_identity(&self) -> bool {
        self.changed.is_empty()
    }
}

/// The working text of `original` and the map back (see the module docs).
pub fn prepare(original: &str) -> (String, SourceMap) {
    let bom = original.starts_with('\u{feff}');
    let needs_nfc = is_nfc_quick(original.chars()) != IsNormalized::Yes;
    let lone_cr = has_lone_cr(original);
    if !bom && !needs_nfc && !lone_cr {
        return (original.to_string(), SourceMap::default());
    }
    let mut work = String::with_capacity(original.len());
    let mut map = SourceMap::default();
    let push_changed = |map: &mut SourceMap, work: &mut String, orig: Range<usize>, new: &str| {
        let start = work.len();
        work.push_str(new);
        map.changed.push(Changed {
            work: start..work.len(),
            orig,
        });
    };
    let body_start = if bom {
        push_changed(&mut map, &mut work, 0..3, "");
        3
    } else {
        0
    };
    let body = &original[body_start..];
    // Segments: each starts at a character that composes with nothing before it.
    let mut seg_start = 0;
    let flush = |map: &mut SourceMap, work: &mut String, seg: Range<usize>| {
        let s = &body[seg.clone()];
        let orig = seg.start + body_start..seg.end + body_start;
        if is_nfc_quick(s.chars()) == IsNormalized::Yes {
            work.push_str(s);
        } else {
            let n: String = s.nfc().collect();
            if n == s {
                work.push_str(s);
            } else {
                push_changed(map, work, orig, &n);
            }
        }
    };
    for (i, c) in body.char_indices() {
        if i > seg_start && starts_segment(c) {
            flush(&mut map, &mut work, seg_start..i);
            seg_start = i;
        }
    }
    flush(&mut map, &mut work, seg_start..body.len());
    if lone_cr {
        // CR and LF are one byte each: the map is unchanged.
        work = replace_lone_cr(&work);
    }
    (work, map)
}

fn starts_segment(c: char) -> bool {
    let starter = |c: char| {
        canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
    };
    // A character NFC never keeps ("ਖ਼" U+0A59, a composition exclusion) starts a segment
    // when its decomposition opens with a starter: nothing before it changes with it, so a
    // sentence ending just before it ("。ਖ਼") keeps its own span.
    c.is_ascii()
        || starter(c)
        || (is_nfc_quick(std::iter::once(c)) == IsNormalized::No
            && canonical_combining_class(c) == 0
            && std::iter::once(c).nfd().next().is_some_and(starter))
}

fn has_lone_cr(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &x)| x == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// `s` with every CR not followed by LF replaced by LF.
fn replace_lone_cr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_text_is_composed_and_maps_back_to_its_bytes() {
        let original = "Tu\u{308}rkiye and Erdog\u{306}an met.";
        let (work, map) = prepare(original);
        assert_eq!(work, "Türkiye and Erdoğan met.");
        let at = work.find("Erdoğan").unwrap();
        let back = map.span(at..at + "Erdoğan".len());
        assert_eq!(&original[back], "Erdog\u{306}an");
        let whole = map.span(0..work.len());
        assert_eq!(whole, 0..original.len());
        let t = map.span(0.."Türkiye".len());
        assert_eq!(&original[t], "Tu\u{308}rkiye");
    }

    #[test]
    fn a_composition_exclusion_changes_only_itself() {
        // U+0A59 decomposes under NFC; the full stop before it stays unchanged.
        let original = "開催。\u{a59}";
        let (work, map) = prepare(original);
        assert_eq!(work, "開催。\u{a16}\u{a3c}");
        let stop = "開催。".len();
        assert_eq!(map.span(0..stop), 0..stop);
        assert_eq!(map.span(stop..work.len()), stop..original.len());
    }

    #[test]
    fn nfc_text_is_left_alone() {
        let (work, map) = prepare("Türkiye, 日本, Ερντογάν.");
        assert_eq!(work, "Türkiye, 日本, Ερντογάν.");
        assert!(map.is_identity());
    }

    #[test]
    fn a_utf8_byte_order_mark_is_dropped_from_the_working_text_only() {
        let original = "\u{feff}Iran met Oman.";
        let (work, map) = prepare(original);
        assert_eq!(work, "Iran met Oman.");
        assert_eq!(&original[map.span(0..4)], "Iran");
        assert_eq!(map.span(5..8), 8..11);
    }

    #[test]
    fn lone_carriage_returns_are_line_ends() {
        let (work, map) = prepare("Title\r\rBody.\r\nNext.\r");
        assert_eq!(work, "Title\n\nBody.\r\nNext.\n");
        assert!(map.is_identity());
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let text = "Iran 日本 😀";
        for le in [true, false] {
            let mut bytes = if le {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            for u in text.encode_utf16() {
                bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let (s, enc) = decode(bytes).unwrap();
            assert_eq!(s, text);
            assert_eq!(
                enc,
                if le {
                    Encoding::Utf16Le
                } else {
                    Encoding::Utf16Be
                }
            );
        }
    }

    #[test]
    fn bad_utf16_and_utf16_without_a_mark_are_named() {
        let err = decode(vec![0xFF, 0xFE, 0x00, 0xD8, b'a', 0]).unwrap_err();
        assert_eq!(
            err,
            DecodeError::BadUtf16 {
                endian: "little-endian",
                offset: 2
            }
        );
        assert!(matches!(
            decode(vec![0xFF, 0xFE, b'a']).unwrap_err(),
            DecodeError::BadUtf16 { .. }
        ));
        let mut bytes = Vec::new();
        for u in "Iran is a member of the SCO.".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        bytes.push(0xFF);
        let err = decode(bytes).unwrap_err();
        assert_eq!(err, DecodeError::Utf16WithoutBom);
        assert!(err.to_string().contains("UTF-16"));
        assert_eq!(
            decode(b"ab\xffc".to_vec()).unwrap_err(),
            DecodeError::NotUtf8 {
                offset: 2,
                line: 1,
                column: 3
            }
        );
    }

    #[test]
    fn hangul_jamo_compose_across_what_looks_like_starters() {
        // L + V + T jamo are combining class 0 but compose into one syllable.
        let original = "\u{1100}\u{1161}\u{11A8} x";
        let (work, map) = prepare(original);
        assert_eq!(work, "\u{AC01} x");
        assert_eq!(map.span(0..3), 0..9);
        assert_eq!(map.span(4..5), 10..11);
    }
}
