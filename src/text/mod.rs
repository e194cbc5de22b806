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

mod load;
mod split;

pub use load::{TextError, load_inputs};
pub use split::is_abbreviation;

use std::ops::Range;

/// One article: a name and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    name: String,
    text: String,
    sentences: Vec<Sentence>,
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
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let sentences = split::split(&text);
        Document {
            name: name.into(),
            text,
            sentences,
        }
    }

    /// The document's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The full original text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Sentences and headings in order.
    pub fn sentences(&self) -> &[Sentence] {
        &self.sentences
    }

    /// The text of a byte range.
    pub fn slice(&self, span: Range<usize>) -> &str {
        &self.text[span]
    }
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
