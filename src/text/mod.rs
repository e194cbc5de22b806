//! Documents and their pieces: loading articles, and splitting them into headings,
//! paragraphs and sentences that keep their byte spans in the original UTF-8 text.
//!
//! ```
//! use kg::text::Document;
//!
//! let doc = Document::new("a.txt", "Heading\n\nDr. Chen met the U.S. envoy. 会議はカザフスタンで開催。次。\n");
//! let texts: Vec<&str> = doc.sentences().iter().map(|s| doc.slice(s.span())).collect();
//! assert_eq!(texts, ["Heading", "Dr. Chen met the U.S. envoy.", "会議はカザフスタンで開催。", "次。"]);
//! ```

mod layout;
mod load;
pub mod normalize;
mod split;
pub mod token;

pub use layout::unmasked;
pub use load::{
    Article, ArticleMeta, Articles, MAX_ARTICLE_BYTES, Source, TextError, load_inputs, sources,
};
pub use normalize::{DecodeError, Encoding, SourceMap, decode};
pub use split::is_abbreviation;

use std::ops::Range;

/// One article: a name and its full text.
///
/// The text that sentences, mentions and spans index is the *working text*
/// ([`normalize::prepare`]): NFC, lone carriage returns read as line ends, no byte-order
/// mark. When that differs from what was given, the original and a map back to it are kept,
/// and [`Document::original_span`] turns a working span into the original bytes it came from
/// (evidence points there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    name: String,
    text: String,
    sentences: Vec<Sentence>,
    noise: Vec<Range<usize>>,
    source: Option<Box<(String, SourceMap)>>,
}

/// A sentence (or a heading line) with its place in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Index of the block (paragraph or heading) it belongs to.
    pub block: usize,
    /// True for a heading line.
    pub heading: bool,
}

impl Sentence {
    /// The byte range in the document.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl Document {
    /// Splits `text` into sentences; `name` is how evidence refers to the document.
    /// Captions and credits are found first ([`Document::noise`]); a sentence or line that
    /// is nothing else is no sentence.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let original = text.into();
        let (text, map) = normalize::prepare(&original);
        let source = (!map.is_identity() || text != original).then(|| Box::new((original, map)));
        let mut noise = layout::noise(&text);
        let sentences = split::split(&text, &mut noise);
        Document {
            name: name.into(),
            text,
            sentences,
            noise,
            source,
        }
    }

    /// The text as given, before normalisation (the same as [`Document::text`] for NFC text
    /// with ordinary line ends).
    pub fn original_text(&self) -> &str {
        self.source.as_ref().map_or(&self.text, |s| &s.0)
    }

    /// The range of the original text that a working-text range came from.
    pub fn original_span(&self, span: Range<usize>) -> Range<usize> {
        match &self.source {
            None => span,
            Some(s) => s.1.span(span),
        }
    }

    /// Whether the working text differs from the original.
    pub fn is_normalized(&self) -> bool {
        self.source.is_some()
    }

    /// The document's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The full working text (see the type's docs).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Sentences and headings in order.
    pub fn sentences(&self) -> &[Sentence] {
        &self.sentences
    }

    /// Byte ranges of picture captions and credits ("(Photo: Reuters)", "(left)", a line
    /// "Getty Images"), sorted and disjoint. They stay in the text (spans index it
    /// unchanged), but name no entity and carry no claim.
    ///
    /// ```
    /// use kg::text::Document;
    ///
    /// let doc = Document::new("a.txt", "Ruto (left) met Boric in Nairobi. (Photo: Reuters)\nGetty Images\n");
    /// let noise: Vec<&str> = doc.noise().iter().map(|r| doc.slice(r.clone())).collect();
    /// assert_eq!(noise, ["(left)", "(Photo: Reuters)", "Getty Images"]);
    /// assert_eq!(doc.sentences().len(), 1);
    /// ```
    pub fn noise(&self) -> &[Range<usize>] {
        &self.noise
    }

    /// True when a caption or credit covers some byte of `start..end`.
    pub fn is_noise(&self, start: usize, end: usize) -> bool {
        layout::overlaps(&self.noise, start, end)
    }

    /// The text of a byte range.
    pub fn slice(&self, span: Range<usize>) -> &str {
        &self.text[span]
    }
}

/// The compiled-in data that sentence splitting and caption detection read
/// (`data/sentences.toml`, `data/layout.toml`), for fingerprinting what extraction depends on.
pub(crate) fn split_data() -> (&'static str, &'static str) {
    (split::SENTENCES_TOML, layout::LAYOUT_TOML)
}

/// 1-based line and column (in characters) of a byte offset.
///
/// ```
/// assert_eq!(kg::text::line_col("ab\ncé\nx", 6), (2, 3));
/// ```
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}
