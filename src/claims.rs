//! The claims file: what `kg extract` writes and `kg merge` reads (the map step's output).
//!
//! JSON Lines, one line per document, in document order. Each line is a pure function of
//! the document and the knowledge (lexicon and rules), so documents can be extracted in any
//! order, on any number of machines, and merged later into the same graph as `kg build`:
//!
//! ```text
//! {"kg-claims": 1,
//!  "document": {"id", "sha256", "bytes", "knowledge", "date"?, "url"?, "title"?},
//!  "entities": [{"id", "label", "type", "aliases", "wikidata"?}],
//!  "sentences": [{"start", "end", "text"}],
//!  "claims": [{"subject", "relation", "object", "start", "end", "rule", "tier",
//!              "confidence", "when"?}],
//!  "surfaces": {"<entity id>": ["<name as written>", ...]}}
//! ```
//!
//! `kg-claims` is the format version ([`VERSION`]); a reader refuses any other. `sha256` is
//! the digest of the document's text and `knowledge` a digest of the lexicon and rules it
//! was extracted with: `kg build --update` reuses a stored line only when both are
//! unchanged. Evidence names no document (it is the line's `document.id`) and no sentence
//! text: that is the `sentences` entry with the claim's `start` and `end`, listed once
//! however many claims a sentence states. The full
//! description is `docs/claims.md`.

use crate::error::{Position, SyntaxError};
use crate::extract::Extraction;
use crate::model::{Claim, Confidence, Entity, Evidence, RelationKind, Tier, When};
use crate::text::ArticleMeta;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The version written in every line's `kg-claims` field.
pub const VERSION: u32 = 1;

/// Errors reading a claims file.
#[derive(Debug, thiserror::Error)]
pub enum ClaimsError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A line is not valid JSON or not a claims record.
    #[error("{0}")]
    Syntax(#[from] SyntaxError),
    /// A line of another format version.
    #[error("{path}:{line}: claims format version {found}, this kg reads version {VERSION}")]
    Version {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The version found.
        found: u32,
    },
}

/// Who a line's claims are about: the document, its digest and the knowledge used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRecord {
    /// The document's name, as evidence cites it.
    pub id: String,
    /// SHA-256 of the document's text, lowercase hex.
    pub sha256: String,
    /// Length of the text in bytes.
    pub bytes: usize,
    /// Digest of the lexicon and rules the claims were extracted with.
    pub knowledge: String,
    /// Date, URL and title from a JSON Lines input.
    #[serde(flatten)]
    pub meta: ArticleMeta,
}

/// One claim with its evidence, the document left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ClaimRecord<'a> {
    subject: std::borrow::Cow<'a, str>,
    relation: RelationKind,
    object: std::borrow::Cow<'a, str>,
    start: usize,
    end: usize,
    rule: std::borrow::Cow<'a, str>,
    tier: Tier,
    confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    when: Option<Box<When>>,
}

/// A sentence's text, once per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SentenceRecord<'a> {
    start: usize,
    end: usize,
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
struct LineOut<'a> {
    #[serde(rename = "kg-claims")]
    version: u32,
    document: &'a DocumentRecord,
    entities: &'a [Entity],
    sentences: Vec<SentenceRecord<'a>>,
    claims: Vec<ClaimRecord<'a>>,
    surfaces: &'a BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct LineIn<'a> {
    #[serde(rename = "kg-claims")]
    version: u32,
    document: DocumentRecord,
    #[serde(default)]
    entities: Vec<Entity>,
    #[serde(default, borrow)]
    sentences: Vec<SentenceRecord<'a>>,
    #[serde(default, borrow)]
    claims: Vec<ClaimRecord<'a>>,
    #[serde(default)]
    surfaces: BTreeMap<String, Vec<String>>,
}

/// Just the version and document of a line (for indexing a stored claims file).
#[derive(Deserialize)]
struct HeadIn {
    #[serde(rename = "kg-claims")]
    version: u32,
    document: DocumentRecord,
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    // Two table lookups per byte: a `format!` per byte cost more than the digest's own
    // bookkeeping, for every document.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// One document's claims line (with its newline).
pub fn to_line(document: &DocumentRecord, extraction: &Extraction) -> String {
    let mut sentences: Vec<SentenceRecord<'_>> = Vec::new();
    let mut listed: std::collections::HashSet<(usize, usize)> = Default::default();
    for c in &extraction.claims {
        let ev = &c.evidence;
        if listed.insert((ev.start, ev.end)) {
            sentences.push(SentenceRecord {
                start: ev.start,
                end: ev.end,
                text: ev.sentence.as_str().into(),
            });
        }
    }
    sentences.sort_by_key(|s| (s.start, s.end));
    let claims = extraction
        .claims
        .iter()
        .map(|c| {
            debug_assert_eq!(
                &*c.evidence.document, document.id,
                "evidence of another document"
            );
            ClaimRecord {
                subject: c.subject.as_str().into(),
                relation: c.relation,
                object: c.object.as_str().into(),
                start: c.evidence.start,
                end: c.evidence.end,
                rule: (*c.evidence.rule).into(),
                tier: c.evidence.tier,
                confidence: c.evidence.confidence,
                when: c.evidence.when.clone(),
            }
        })
        .collect();
    let mut line = serde_json::to_string(&LineOut {
        version: VERSION,
        document,
        entities: &extraction.entities,
        sentences,
        claims,
        surfaces: &extraction.surfaces,
    })
    .expect("claims serialise");
    line.push('\n');
    line
}

/// Where a line is, for error messages.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    /// The file.
    pub path: &'a Path,
    /// 1-based line.
    pub line: usize,
    /// Byte offset of the line's start in the file.
    pub offset: u64,
}

impl At<'_> {
    /// Where byte `offset` of the line `text` is in the file.
    fn position(&self, text: &str, offset: usize) -> Position {
        self.place(Position::at(None, text, offset))
    }

    /// A position within the line, moved to the line's place in the file.
    fn place(&self, p: Position) -> Position {
        p.shifted(
            Some(self.path.to_path_buf()),
            self.line,
            self.offset as usize,
        )
    }
}

fn syntax(at: At<'_>, text: &str, e: &serde_json::Error) -> ClaimsError {
    let mut err = SyntaxError::json(None, text, e);
    err.position = at.place(err.position);
    err.into()
}

fn check_version(at: At<'_>, found: u32) -> Result<(), ClaimsError> {
    if found == VERSION {
        Ok(())
    } else {
        Err(ClaimsError::Version {
            path: at.path.to_path_buf(),
            line: at.line,
            found,
        })
    }
}

/// Each sentence's span runs forward, lies inside the document (whose length the record
/// gives) and is as long as its text: the text is the document's bytes there, so a span that
/// is not (a sentence cut inside a character, or shifted) would cite other bytes.
fn check_sentences(line: &LineIn<'_>, text: &str, at: At<'_>) -> Result<(), ClaimsError> {
    let bytes = line.document.bytes;
    for (i, s) in line.sentences.iter().enumerate() {
        let why = if s.start > s.end {
            "starts after its end".to_string()
        } else if s.end > bytes {
            format!("ends past the document's {bytes} bytes")
        } else if s.end - s.start != s.text.len() {
            format!(
                "spans {} bytes but its text has {}",
                s.end - s.start,
                s.text.len()
            )
        } else {
            continue;
        };
        let message = format!("sentence {} (bytes {}..{}) {why}", i + 1, s.start, s.end);
        return Err(SyntaxError::new(at.position(text, 0), message).into());
    }
    Ok(())
}

/// Parses one line back into its document record and extraction.
pub fn parse_line(text: &str, at: At<'_>) -> Result<(DocumentRecord, Extraction), ClaimsError> {
    let line: LineIn<'_> = serde_json::from_str(text).map_err(|e| syntax(at, text, &e))?;
    check_version(at, line.version)?;
    check_sentences(&line, text, at)?;
    let document: Arc<str> = line.document.id.as_str().into();
    let sentences: HashMap<(usize, usize), &str> = line
        .sentences
        .iter()
        .map(|s| ((s.start, s.end), &*s.text))
        .collect();
    let mut rules: Vec<Arc<str>> = Vec::new();
    let claims = line
        .claims
        .into_iter()
        .map(|c| {
            let Some(sentence) = sentences.get(&(c.start, c.end)) else {
                return Err(ClaimsError::Syntax(SyntaxError::new(
                    at.position(text, 0),
                    format!(
                        "a claim cites bytes {}..{}, which no `sentences` entry has",
                        c.start, c.end
                    ),
                )));
            };
            // A document cites few rules: share each rule name like a loaded graph does.
            let rule = match rules.iter().find(|r| ***r == *c.rule) {
                Some(r) => r.clone(),
                None => {
                    let r: Arc<str> = (*c.rule).into();
                    rules.push(r.clone());
                    r
                }
            };
            Ok(Claim {
                subject: c.subject.into_owned(),
                relation: c.relation,
                object: c.object.into_owned(),
                evidence: Evidence {
                    document: document.clone(),
                    sentence: sentence.to_string(),
                    start: c.start,
                    end: c.end,
                    rule,
                    tier: c.tier,
                    confidence: c.confidence,
                    when: c.when,
                },
            })
        })
        .collect::<Result<_, _>>()?;
    let extraction = Extraction {
        document: line.document.id.clone(),
        entities: line.entities,
        claims,
        surfaces: line.surfaces,
    };
    Ok((line.document, extraction))
}

/// Parses only a line's document record.
pub fn parse_head(text: &str, at: At<'_>) -> Result<DocumentRecord, ClaimsError> {
    let head: HeadIn = serde_json::from_str(text).map_err(|e| syntax(at, text, &e))?;
    check_version(at, head.version)?;
    Ok(head.document)
}

/// The lines of a claims file (or of standard input, `-`), with their positions.
pub struct LineReader {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    line: usize,
    offset: u64,
}

/// One non-empty line of a claims file.
#[derive(Debug, Clone)]
pub struct RawLine {
    /// Its text, without the newline.
    pub text: String,
    /// 1-based line number.
    pub line: usize,
    /// Byte offset of its start.
    pub offset: u64,
}

impl LineReader {
    /// Opens a claims file; `-` is standard input.
    pub fn open(path: &Path) -> Result<Self, ClaimsError> {
        let reader: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
            Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin()))
        } else {
            let file = std::fs::File::open(path).map_err(|source| ClaimsError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            Box::new(std::io::BufReader::with_capacity(1 << 20, file))
        };
        Ok(LineReader {
            path: path.to_path_buf(),
            reader,
            line: 0,
            offset: 0,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Iterator for LineReader {
    type Item = Result<RawLine, ClaimsError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let mut buf = Vec::new();
            let n = match self.reader.read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(n) => n,
                Err(source) => {
                    return Some(Err(ClaimsError::Io {
                        path: self.path.clone(),
                        source,
                    }));
                }
            };
            self.line += 1;
            let offset = self.offset;
            self.offset += n as u64;
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                buf.pop();
            }
            return Some(match String::from_utf8(buf) {
                Ok(text) => Ok(RawLine {
                    text,
                    line: self.line,
                    offset,
                }),
                Err(e) => {
                    let bytes = e.as_bytes();
                    let valid = e.utf8_error().valid_up_to();
                    let prefix = std::str::from_utf8(&bytes[..valid]).expect("valid prefix");
                    let at = At {
                        path: &self.path,
                        line: self.line,
                        offset,
                    };
                    Err(SyntaxError::new(at.position(prefix, valid), "invalid UTF-8").into())
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Knowledge, extract};
    use crate::text::Document;

    fn record(id: &str, text: &str) -> DocumentRecord {
        DocumentRecord {
            id: id.into(),
            sha256: sha256_hex(text.as_bytes()),
            bytes: text.len(),
            knowledge: "k".into(),
            meta: ArticleMeta {
                date: Some("2024-07-04".into()),
                ..Default::default()
            },
        }
    }

    #[test]
    fn a_line_round_trips_to_the_same_extraction() {
        let text = "Chinese President Xi Jinping met Russian President Vladimir Putin in Astana. Iran joined the SCO in 2023.";
        let doc = Document::new("a.txt", text);
        let ex = extract(&doc, &Knowledge::builtin());
        assert!(ex.claims.len() >= 2, "{:?}", ex.claims);
        let rec = record("a.txt", text);
        let line = to_line(&rec, &ex);
        assert!(line.starts_with("{\"kg-claims\":1,\"document\":{\"id\":\"a.txt\""));
        assert_eq!(line.matches('\n').count(), 1);
        let at = At {
            path: Path::new("c.jsonl"),
            line: 1,
            offset: 0,
        };
        let (back_rec, back) = parse_line(line.trim_end(), at).unwrap();
        assert_eq!(back_rec, rec);
        assert_eq!(back, ex);
        assert_eq!(parse_head(&line, at).unwrap(), rec);
        // The same bytes again: the line is a function of its extraction.
        assert_eq!(to_line(&back_rec, &back), line);
    }

    #[test]
    fn other_versions_and_bad_json_are_refused_with_their_line() {
        let at = At {
            path: Path::new("c.jsonl"),
            line: 7,
            offset: 300,
        };
        let v2 = r#"{"kg-claims": 2, "document": {"id": "a", "sha256": "", "bytes": 0, "knowledge": ""}}"#;
        let err = parse_line(v2, at).unwrap_err().to_string();
        assert_eq!(
            err,
            "c.jsonl:7: claims format version 2, this kg reads version 1"
        );
        let err = parse_line("{\"kg-claims\": 1,", at)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.jsonl:7:16: "), "{err}");
        let Err(ClaimsError::Syntax(e)) = parse_line("{\"kg-claims\": 1,", at) else {
            panic!("a syntax error")
        };
        assert_eq!(e.position.offset, 300 + 15);
        let orphan = r#"{"kg-claims": 1, "document": {"id": "a", "sha256": "", "bytes": 0, "knowledge": ""}, "claims": [{"subject": "a", "relation": "leads", "object": "b", "start": 0, "end": 4, "rule": "r", "tier": "explicit", "confidence": 0.9}]}"#;
        let err = parse_line(orphan, at).unwrap_err().to_string();
        assert!(err.contains("no `sentences` entry"), "{err}");
    }

    #[test]
    fn an_empty_line_is_refused_at_column_one() {
        let at = At {
            path: Path::new("c.jsonl"),
            line: 3,
            offset: 0,
        };
        let err = parse_line("", at).unwrap_err().to_string();
        assert!(err.starts_with("c.jsonl:3:1: EOF while parsing"), "{err}");
    }

    #[test]
    fn sentence_spans_must_run_forward_fit_the_document_and_match_their_text() {
        let at = At {
            path: Path::new("c.jsonl"),
            line: 3,
            offset: 120,
        };
        let line = |start: usize, end: usize, text: &str| {
            format!(
                r#"{{"kg-claims": 1, "document": {{"id": "a", "sha256": "", "bytes": 10, "knowledge": ""}}, "sentences": [{{"start": 0, "end": 2, "text": "ab"}}, {{"start": {start}, "end": {end}, "text": "{text}"}}]}}"#
            )
        };
        assert!(parse_line(&line(3, 5, "cd"), at).is_ok());
        for (start, end, text, why) in [
            (5, 3, "cd", "sentence 2 (bytes 5..3) starts after its end"),
            (
                9,
                11,
                "cd",
                "sentence 2 (bytes 9..11) ends past the document's 10 bytes",
            ),
            (
                3,
                5,
                "é1",
                "sentence 2 (bytes 3..5) spans 2 bytes but its text has 3",
            ),
        ] {
            let err = parse_line(&line(start, end, text), at).unwrap_err();
            assert_eq!(err.to_string(), format!("c.jsonl:3:1: {why}"));
            let ClaimsError::Syntax(e) = err else {
                unreachable!()
            };
            assert_eq!(e.position.offset, 120);
        }
    }

    #[test]
    fn sha256_is_the_standard_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
