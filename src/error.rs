//! Where in an input something is, and the errors and warnings that say so.
//!
//! Every parser of kg (lexicon, rules, merges and conflict tables, `graph.json`, claims
//! lines, JSON Lines articles, gold files, `kg match` patterns) reports bad input as one
//! [`SyntaxError`]: a [`Position`] and a message, printed `path:line:column: message`. Each
//! module's error enum wraps it (`Syntax(SyntaxError)`), so a position is built, printed and
//! tested in one way whatever the format.
//!
//! Lines and columns are 1-based, columns counted in characters (what an editor shows); the
//! byte offset is 0-based, for tools that seek. Parsers that report only a line and a byte
//! column (serde_json) are turned into offsets here; toml's byte spans are taken as they are.
//!
//! ```
//! use kg::error::{Position, SyntaxError};
//!
//! let text = "[[entity]]\nname = \"Café\" x\n";
//! let at = text.find(" x").unwrap() + 1;
//! let err = SyntaxError::new(Position::in_file("l.toml", text, at), "expected a newline");
//! assert_eq!(err.to_string(), "l.toml:2:15: expected a newline");
//! assert_eq!((err.position.line, err.position.column, err.position.offset), (2, 15, 26));
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in an input: file (none for in-memory text such as a pattern), line, column and
/// byte offset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// The file, or `None` for text given on the command line.
    pub path: Option<PathBuf>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 0-based byte offset into the input.
    pub offset: usize,
}

impl Position {
    /// The position of byte `offset` of `text` (clamped to its length).
    pub fn at(path: Option<PathBuf>, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let (line, column) = crate::text::line_col(text, offset);
        Position {
            path,
            line,
            column,
            offset,
        }
    }

    /// [`Position::at`] in a file.
    pub fn in_file(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        Self::at(Some(path.into()), text, offset)
    }

    /// The position serde_json reports as (1-based line, byte column): the column counts
    /// the bytes of the line read when the error was found, so the offending byte is
    /// `column - 1` bytes into the line (column 0 is the line's start).
    pub fn from_json(path: Option<PathBuf>, text: &str, line: usize, column: usize) -> Self {
        let start = line_start(text, line);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        // serde_json's column counts bytes: step back to the start of the character it
        // points into.
        let mut offset = (start + column.saturating_sub(1)).min(end);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        Self::at(path, text, offset)
    }

    /// The same place in another file (a line read from a larger input).
    pub fn shifted(mut self, path: Option<PathBuf>, line: usize, offset: usize) -> Self {
        self.path = path;
        self.line += line.saturating_sub(1);
        self.offset += offset;
        self
    }

    /// The file, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

/// The byte offset where 1-based line `line` starts (the end of `text` past its last line).
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    memchr::memchr_iter(b'\n', text.as_bytes())
        .nth(line - 2)
        .map_or(text.len(), |i| i + 1)
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}:", path.display())?;
        }
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Bad input at a place: what every parser of kg returns.
///
/// Printed `path:line:column: message`. Text with no file and one line (a `kg match`
/// pattern) is printed with the text and a caret under the column instead:
///
/// ```
/// use kg::error::SyntaxError;
///
/// let err = SyntaxError::in_line("(a)-[x", 6, "expected ']'");
/// assert_eq!(err.to_string(), "expected ']' at column 6\n  (a)-[x\n       ^");
/// assert_eq!(err.position.offset, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where.
    pub position: Position,
    /// What is wrong.
    pub message: String,
    /// The one-line input shown under the message with a caret, for text that is no file.
    pub snippet: Option<String>,
}

impl SyntaxError {
    /// An error at a position.
    pub fn new(position: Position, message: impl Into<String>) -> Self {
        SyntaxError {
            position,
            message: message.into(),
            snippet: None,
        }
    }

    /// An error at 1-based character `column` of one line of text given on the command line.
    pub fn in_line(text: &str, column: usize, message: impl Into<String>) -> Self {
        let offset = text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len(), |(i, _)| i);
        SyntaxError {
            position: Position {
                path: None,
                line: 1,
                column,
                offset,
            },
            message: message.into(),
            snippet: Some(text.to_string()),
        }
    }

    /// A toml error in `text`, at the start of the span toml gives (the file's start when it
    /// gives none).
    pub fn toml(path: impl Into<PathBuf>, text: &str, err: &toml::de::Error) -> Self {
        let offset = err.span().map_or(0, |s| s.start);
        Self::new(
            Position::in_file(path, text, offset),
            err.message().trim().to_string(),
        )
    }

    /// A serde_json error in `text`, without the " at line L column C" serde_json appends
    /// (the position is printed first instead).
    pub fn json(path: Option<PathBuf>, text: &str, err: &serde_json::Error) -> Self {
        let message = err.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        Self::new(
            Position::from_json(path, text, err.line(), err.column()),
            message,
        )
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.snippet, &self.position.path) {
            (Some(text), None) => write!(
                f,
                "{} at column {}\n  {text}\n  {}^",
                self.message,
                self.position.column,
                " ".repeat(self.position.column.saturating_sub(1))
            ),
            _ => write!(f, "{}: {}", self.position, self.message),
        }
    }
}

impl std::error::Error for SyntaxError {}

/// Something accepted but probably wrong, returned beside a result for the caller to show
/// (library code prints nothing). Printed `path:line:column: message` when it has a place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where, when it is in an input file.
    pub position: Option<Position>,
    /// What is suspicious, and what kg did about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.position {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl serde::Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_byte_columns_become_character_columns_and_offsets() {
        let text = "{\n  \"é\": ,\n}";
        let err = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let e = SyntaxError::json(Some("g.json".into()), text, &err);
        // The ',' is the 8th character of line 2 but its 9th byte.
        assert_eq!((e.position.line, e.position.column), (2, 8));
        assert_eq!(&text[e.position.offset..e.position.offset + 1], ",");
        assert_eq!(e.to_string(), "g.json:2:8: expected value");
    }

    #[test]
    fn a_json_byte_column_inside_a_character_steps_back_to_its_start() {
        // serde_json's column may count the bytes of a character it has only partly read.
        let p = Position::from_json(None, "aé", 1, 3);
        assert_eq!((p.line, p.column, p.offset), (1, 2, 1));
        let p = Position::from_json(None, "x\n中文", 2, 3);
        assert_eq!((p.line, p.column, p.offset), (2, 1, 2));
    }

    #[test]
    fn toml_errors_take_the_span_start() {
        let text = "a = 1\nb = ?\n";
        let err = toml::from_str::<toml::Table>(text).unwrap_err();
        let e = SyntaxError::toml("x.toml", text, &err);
        assert_eq!(
            (e.position.line, e.position.column, e.position.offset),
            (2, 5, 10)
        );
        assert!(e.to_string().starts_with("x.toml:2:5: "), "{e}");
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let p = Position::from_json(None, "ab\ncd", 9, 9);
        assert_eq!((p.line, p.column, p.offset), (2, 3, 5));
        assert_eq!(p.to_string(), "2:3");
        let p = Position::from_json(None, "ab\ncd", 2, 0);
        assert_eq!((p.line, p.column, p.offset), (2, 1, 3));
    }

    #[test]
    fn a_line_position_moves_into_its_file() {
        let p = Position::at(None, "{\"x\": 1}", 5).shifted(Some("c.jsonl".into()), 7, 100);
        assert_eq!((p.line, p.column, p.offset), (7, 6, 105));
        assert_eq!(p.to_string(), "c.jsonl:7:6");
    }

    #[test]
    fn warnings_print_their_place_first() {
        let w = Warning {
            position: Some(Position::in_file("m.toml", "a\nb", 2)),
            message: "no entity 'x'".into(),
        };
        assert_eq!(w.to_string(), "m.toml:2:1: no entity 'x'");
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            "\"m.toml:2:1: no entity 'x'\""
        );
    }
}
