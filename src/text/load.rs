//! Reading articles: files, directories, globs and JSON Lines, as a stream.
//!
//! Inputs are first resolved into a list of [`Source`]s ([`sources`]): a plain file is one
//! article; a directory is walked recursively for `.txt`, `.md`, `.markdown`, `.jsonl` and
//! `.ndjson` files (extensions in any case); a path that does not exist but holds `*`, `?` or
//! `[` is a glob; `-` is JSON Lines on standard input. A JSON Lines source holds one article
//! per line: `{"id": "...", "text": "..."}` plus optional `date`, `url` and `title`.
//!
//! [`Articles`] then reads the sources lazily, one article at a time, so a corpus is never
//! held in memory whole. An article larger than [`MAX_ARTICLE_BYTES`] (a file, or one JSON
//! Lines record's line) is refused without being read: a file by its size, a record as soon
//! as its line passes the limit (the rest of the line is skipped unread into memory), so
//! memory stays bounded whatever the input. Each bad article (unreadable, not UTF-8, empty, a bad JSON line) is
//! an `Err` item and reading goes on after it: the caller decides whether to stop.

use super::Document;
use crate::error::{Position, SyntaxError};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Why an input could not be read as articles.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// The path does not exist or cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The input path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A directory holds no `.txt` or `.md` file.
    #[error("{path}: no articles (.txt, .md or .jsonl files) in this directory")]
    NoArticles {
        /// The directory.
        path: PathBuf,
    },
    /// A glob matches no article.
    #[error("{pattern}: no file matches this pattern")]
    NoMatch {
        /// The pattern as given.
        pattern: String,
    },
    /// A glob pattern is malformed.
    #[error("{pattern}: bad pattern: {message}")]
    BadPattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong.
        message: String,
    },
    /// A file is not valid UTF-8.
    #[error("{path}:{line}:{column}: not valid UTF-8 (byte offset {offset})")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
        /// 1-based column of that byte.
        column: usize,
    },
    /// A file is UTF-16 that cannot be decoded, or UTF-16 without a byte-order mark.
    #[error("{path}: {source}")]
    Encoding {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: super::DecodeError,
    },
    /// A file has no text.
    #[error("{path}: empty article (no text to read)")]
    Empty {
        /// The file (for JSON Lines, `file:line`).
        path: PathBuf,
    },
    /// An article is larger than the limit ([`MAX_ARTICLE_BYTES`] unless set otherwise).
    #[error(
        "{path}: article too large: {}over the limit of {limit} bytes (split it into \
         several articles)",
        size_text(.size)
    )]
    TooLarge {
        /// The file (for JSON Lines, `file:line`).
        path: PathBuf,
        /// Its size, when known (a file's; a JSON line is not read to its end).
        size: Option<u64>,
        /// The limit.
        limit: u64,
    },
    /// A JSON Lines record is not valid JSON or lacks `id` or `text`.
    #[error("{0}")]
    Json(#[from] crate::error::SyntaxError),
}

fn size_text(size: &Option<u64>) -> String {
    size.map_or_else(String::new, |s| format!("{s} bytes, "))
}

impl TextError {
    /// Whether reading can go on after this error (`--keep-going`): true for a bad article,
    /// false for an input that cannot be listed at all.
    pub fn is_per_document(&self) -> bool {
        // Inputs that do not exist at all were refused before reading began ([`sources`]);
        // an I/O error now is one file that cannot be read (or went away).
        matches!(
            self,
            TextError::NotUtf8 { .. }
                | TextError::Encoding { .. }
                | TextError::Empty { .. }
                | TextError::TooLarge { .. }
                | TextError::Json(_)
                | TextError::Io { .. }
        )
    }
}

/// What a JSON Lines record may say about its article besides the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArticleMeta {
    /// Publication date, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The largest article `kg` reads by default, in bytes (64 MiB): a file, or one JSON Lines
/// record's line. Extraction is linear in an article's length but holds the whole article,
/// its sentences, mentions and claims at once: about 28 bytes of memory per byte of text (a
/// 10 MB one-line article peaks at 0.38 GB, a 64 MiB one at 1.8 GB, release build). Past
/// this size an article is refused (a bad-input error, skipped with `--keep-going`) rather than risk
/// running out of memory. A larger text is better split into several articles.
pub const MAX_ARTICLE_BYTES: u64 = 64 << 20;

/// One article read from an input, not yet split into sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// How evidence names the article: the file name, the path relative to the directory
    /// searched, or a JSON Lines record's `id`.
    pub name: String,
    /// The full text.
    pub text: String,
    /// Date, URL and title, when a JSON Lines record gives them.
    pub meta: ArticleMeta,
    /// Bytes of input it was read from (the file, or the JSON line with its newline).
    pub source_bytes: u64,
}

impl Article {
    /// Splits the text into sentences.
    pub fn into_document(self) -> Document {
        Document::new(self.name, self.text)
    }
}

/// Where articles are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One file, one article.
    File {
        /// Where it is.
        path: PathBuf,
        /// How evidence names it.
        name: String,
        /// Its size in bytes (for progress).
        bytes: u64,
    },
    /// A JSON Lines file, one article per line.
    Lines {
        /// Where it is.
        path: PathBuf,
        /// Its size in bytes (for progress).
        bytes: u64,
    },
    /// JSON Lines on standard input.
    Stdin,
}

impl Source {
    /// Size in bytes, when known.
    pub fn bytes(&self) -> Option<u64> {
        match self {
            Source::File { bytes, .. } | Source::Lines { bytes, .. } => Some(*bytes),
            Source::Stdin => None,
        }
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

fn is_lines(path: &Path) -> bool {
    matches!(extension(path).as_deref(), Some("jsonl" | "ndjson"))
}

fn is_article(path: &Path) -> bool {
    matches!(
        extension(path).as_deref(),
        Some("txt" | "md" | "markdown" | "jsonl" | "ndjson")
    )
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// What identifies a file or directory on disk, so a file reached twice (through a symlink
/// or a hard link) is read once and a symlink back up the tree is not followed forever.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata, _path: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata, path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

/// Resolves inputs into sources, in the order given; within a directory or glob, files are
/// sorted by path. A file met twice (the same device and inode) is listed once, where it is
/// first met.
pub fn sources(inputs: &[PathBuf]) -> Result<Vec<Source>, TextError> {
    let mut seen: HashSet<Identity> = HashSet::new();
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(Source::Stdin);
            continue;
        }
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(_) if is_glob(&input.to_string_lossy()) => {
                glob_sources(input, &mut seen, &mut out)?;
                continue;
            }
            Err(source) => {
                return Err(TextError::Io {
                    path: input.clone(),
                    source,
                });
            }
        };
        if meta.is_dir() {
            let before = out.len();
            walk(input, input, &mut seen, &mut out)?;
            if out.len() == before {
                return Err(TextError::NoArticles {
                    path: input.clone(),
                });
            }
        } else if seen.insert(identity(&meta, input)) {
            let name = input
                .file_name()
                .map_or_else(|| input.display().to_string(), document_name);
            out.push(file_source(input.clone(), name, meta.len()));
        }
    }
    Ok(out)
}

fn file_source(path: PathBuf, name: String, bytes: u64) -> Source {
    if is_lines(&path) {
        Source::Lines { path, bytes }
    } else {
        Source::File { path, name, bytes }
    }
}

/// Relative name with `/` separators.
fn relative_name(base: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(base).unwrap_or(file);
    rel.components()
        .map(|c| document_name(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// A file name as evidence names its document: the name itself when it is UTF-8, else its
/// UTF-8 parts with each other byte written `\xHH`. A lossy conversion would give every
/// invalid byte the same U+FFFD, so `a\xff.txt` and `a\xfe.txt` would become one name.
///
/// ```text
/// b"caf\xe9.txt"  ->  "caf\xE9.txt"
/// ```
fn document_name(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                let _ = write!(out, "\\x{b:02X}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

fn glob_sources(
    pattern: &Path,
    seen: &mut HashSet<Identity>,
    out: &mut Vec<Source>,
) -> Result<(), TextError> {
    let text = pattern.to_string_lossy().into_owned();
    // Names are relative to the pattern's literal directory part (`news/` of `news/**/*.txt`).
    let base: PathBuf = pattern
        .components()
        .take_while(|c| !is_glob(&c.as_os_str().to_string_lossy()))
        .collect();
    let paths = glob::glob(&text).map_err(|e| TextError::BadPattern {
        pattern: text.clone(),
        message: e.msg.to_string(),
    })?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in paths {
        let path = entry.map_err(|e| TextError::Io {
            path: e.path().to_path_buf(),
            source: std::io::Error::new(e.error().kind(), e.error().to_string()),
        })?;
        files.push(path);
    }
    files.sort();
    let before = out.len();
    for path in files {
        let meta = std::fs::metadata(&path).map_err(|source| TextError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(&path, &base, seen, out)?;
        } else if seen.insert(identity(&meta, &path)) {
            out.push(file_source(
                path.clone(),
                relative_name(&base, &path),
                meta.len(),
            ));
        }
    }
    if out.len() == before {
        return Err(TextError::NoMatch { pattern: text });
    }
    Ok(())
}

/// Walks `dir` depth first with each directory's entries sorted by name (so files come out
/// sorted by path), following symlinks but entering each directory once.
fn walk(
    dir: &Path,
    base: &Path,
    seen: &mut HashSet<Identity>,
    out: &mut Vec<Source>,
) -> Result<(), TextError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TextError::Io { path, source }
    };
    let meta = std::fs::metadata(dir).map_err(io(dir))?;
    if !seen.insert(identity(&meta, dir)) {
        // A symlink to a directory already entered (a loop, or a second way in).
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io(dir))?;
    entries.sort();
    for path in entries {
        // A dangling symlink is skipped like any other non-article.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, base, seen, out)?;
        } else if meta.is_file() && is_article(&path) && seen.insert(identity(&meta, &path)) {
            out.push(file_source(
                path.clone(),
                relative_name(base, &path),
                meta.len(),
            ));
        }
    }
    Ok(())
}

/// Loads every document of the inputs, stopping at the first bad one.
///
/// A file is named by its file name; a file found in a directory by its path relative to
/// that directory, with `/` separators; a JSON Lines record by its `id`. Documents come back
/// sorted by name within each directory, inputs in the order given.
pub fn load_inputs(inputs: &[PathBuf]) -> Result<Vec<Document>, TextError> {
    Articles::new(sources(inputs)?)
        .map(|a| a.map(Article::into_document))
        .collect()
}

fn not_utf8(path: &Path, bytes: &[u8], valid_up_to: usize, base_line: usize) -> TextError {
    let valid = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    let (line, column) = super::line_col(valid, valid_up_to);
    TextError::NotUtf8 {
        path: path.to_path_buf(),
        offset: valid_up_to,
        line: line + base_line,
        column,
    }
}

/// Reads one file as an article, refusing invalid UTF-8, empty text and more than `limit`
/// bytes (never reading more than `limit + 1`).
fn read_article(path: &Path, name: String, limit: u64) -> Result<Article, TextError> {
    let io = |source| TextError::Io {
        path: path.to_path_buf(),
        source,
    };
    let too_large = |size| TextError::TooLarge {
        path: path.to_path_buf(),
        size: Some(size),
        limit,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(too_large(size));
    }
    // The size can change, and is 0 for a pipe or a device: read at most one byte more
    // than the limit, enough to know it was passed.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    // UTF-8, or UTF-16 with a byte-order mark (decoded; offsets then index the UTF-8).
    let text = match super::decode(bytes) {
        Ok((text, _)) => text,
        Err(super::DecodeError::NotUtf8 {
            offset,
            line,
            column,
        }) => {
            return Err(TextError::NotUtf8 {
                path: path.to_path_buf(),
                offset,
                line,
                column,
            });
        }
        Err(source) => {
            return Err(TextError::Encoding {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if text.trim().is_empty() {
        return Err(TextError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(Article {
        name,
        source_bytes: text.len() as u64,
        text,
        meta: ArticleMeta::default(),
    })
}

/// One JSON Lines record.
#[derive(serde::Deserialize)]
struct Record {
    id: String,
    text: String,
    #[serde(flatten)]
    meta: ArticleMeta,
}

/// An open JSON Lines stream.
struct Lines {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    line: usize,
    /// Byte offset of the current line's start in the stream.
    offset: usize,
    buf: Vec<u8>,
    /// Longest line read, in bytes, without its newline.
    limit: u64,
    /// The last line was refused as too long and its rest is still to be skipped.
    skip_rest: bool,
}

impl Lines {
    /// The next record, `None` at the end of the stream.
    fn next_article(&mut self) -> Option<Result<Article, TextError>> {
        loop {
            if self.skip_rest {
                self.skip_rest = false;
                if let Err(source) = self.skip_line() {
                    return Some(Err(TextError::Io {
                        path: self.path.clone(),
                        source,
                    }));
                }
            }
            self.buf.clear();
            let (read, complete) =
                match read_line_upto(&mut self.reader, &mut self.buf, self.limit as usize + 1) {
                    Ok((0, _)) => return None,
                    Ok(r) => r,
                    Err(source) => {
                        return Some(Err(TextError::Io {
                            path: self.path.clone(),
                            source,
                        }));
                    }
                };
            self.line += 1;
            let start = self.offset;
            self.offset += read;
            if !complete {
                // Refused at once, before the rest of the line is read (from a pipe, that
                // may take long): the next call skips it.
                self.skip_rest = true;
                self.buf.clear();
                return Some(Err(TextError::TooLarge {
                    path: PathBuf::from(format!("{}:{}", self.path.display(), self.line)),
                    size: None,
                    limit: self.limit,
                }));
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(self.parse(start));
        }
    }

    /// Reads past the end of the current line, keeping nothing.
    fn skip_line(&mut self) -> std::io::Result<()> {
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            let (used, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            self.reader.consume(used);
            self.offset += used;
            if done {
                return Ok(());
            }
        }
    }

    fn parse(&self, start: usize) -> Result<Article, TextError> {
        let text = std::str::from_utf8(&self.buf).map_err(|e| {
            let mut err = not_utf8(&self.path, &self.buf, e.valid_up_to(), self.line - 1);
            if let TextError::NotUtf8 { offset, .. } = &mut err {
                *offset += start;
            }
            err
        })?;
        // Without its line end, an error at the record's end stays on the record's line.
        let text = text.trim_end_matches(['\n', '\r']);
        let place = |p: Position| p.shifted(Some(self.path.clone()), self.line, start);
        let record: Record = serde_json::from_str(text).map_err(|e| {
            let mut err = SyntaxError::json(None, text, &e);
            err.position = place(err.position);
            TextError::Json(err)
        })?;
        if record.text.trim().is_empty() {
            return Err(TextError::Empty {
                path: PathBuf::from(format!("{}:{}", self.path.display(), self.line)),
            });
        }
        if record.id.is_empty() {
            let at = place(Position::at(None, text, 0));
            return Err(TextError::Json(SyntaxError::new(at, "empty `id`")));
        }
        Ok(Article {
            name: record.id,
            text: record.text,
            meta: record.meta,
            source_bytes: self.buf.len() as u64,
        })
    }
}

/// Reads one line (with its newline) into `buf`, at most `max` bytes of it: returns the
/// bytes consumed and whether the line ended (a newline or the end of the stream) within
/// them.
fn read_line_upto(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<(usize, bool)> {
    let mut read = 0;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((read, true));
        }
        let room = max - buf.len();
        let (used, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) if i < room => (i + 1, true),
            _ => (chunk.len().min(room), false),
        };
        buf.extend_from_slice(&chunk[..used]);
        reader.consume(used);
        read += used;
        if done {
            return Ok((read, true));
        }
        if buf.len() >= max {
            return Ok((read, false));
        }
    }
}

/// The articles of a list of sources, read one at a time, in order.
///
/// Each item is an article or the error of one bad article; the iterator goes on after an
/// error, so `--keep-going` can skip it. An error opening a JSON Lines file ends that file.
pub struct Articles {
    sources: std::vec::IntoIter<Source>,
    lines: Option<Lines>,
    /// Bytes of the sources finished so far plus the current JSON Lines position.
    done_bytes: u64,
    /// The largest article read, in bytes.
    max_bytes: u64,
}

impl Articles {
    /// Reads `sources` in order, refusing articles over [`MAX_ARTICLE_BYTES`].
    pub fn new(sources: Vec<Source>) -> Self {
        Articles {
            sources: sources.into_iter(),
            lines: None,
            done_bytes: 0,
            max_bytes: MAX_ARTICLE_BYTES,
        }
    }

    /// Refuses articles over `bytes` instead ([`TextError::TooLarge`]).
    pub fn max_article_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// Bytes of input read so far (file sizes, or bytes of JSON Lines consumed).
    pub fn bytes_read(&self) -> u64 {
        self.done_bytes + self.lines.as_ref().map_or(0, |l| l.offset as u64)
    }
}

impl Iterator for Articles {
    type Item = Result<Article, TextError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(lines) = &mut self.lines {
                match lines.next_article() {
                    Some(item) => return Some(item),
                    None => {
                        self.done_bytes += lines.offset as u64;
                        self.lines = None;
                    }
                }
            }
            match self.sources.next()? {
                Source::File { path, name, bytes } => {
                    self.done_bytes += bytes;
                    return Some(read_article(&path, name, self.max_bytes));
                }
                Source::Lines { path, .. } => match std::fs::File::open(&path) {
                    Ok(file) => {
                        self.lines = Some(Lines {
                            path,
                            reader: Box::new(BufReader::with_capacity(1 << 20, file)),
                            line: 0,
                            offset: 0,
                            buf: Vec::new(),
                            limit: self.max_bytes,
                            skip_rest: false,
                        });
                    }
                    Err(source) => return Some(Err(TextError::Io { path, source })),
                },
                Source::Stdin => {
                    self.lines = Some(Lines {
                        path: PathBuf::from("-"),
                        reader: Box::new(BufReader::with_capacity(
                            1 << 20,
                            Box::new(std::io::stdin()) as Box<dyn Read + Send>,
                        )),
                        line: 0,
                        offset: 0,
                        buf: Vec::new(),
                        limit: self.max_bytes,
                        skip_rest: false,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(inputs: &[PathBuf]) -> Vec<String> {
        load_inputs(inputs)
            .unwrap()
            .iter()
            .map(|d| d.name().to_string())
            .collect()
    }

    #[test]
    fn invalid_utf8_names_file_and_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.txt");
        std::fs::write(&path, b"ok\nab\xffcd").unwrap();
        let err = load_inputs(&[path]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.ends_with("bad.txt:2:3: not valid UTF-8 (byte offset 5)"),
            "{msg}"
        );
    }

    #[test]
    fn empty_and_missing_inputs_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, " \n").unwrap();
        assert!(matches!(
            load_inputs(&[empty]),
            Err(TextError::Empty { .. })
        ));
        assert!(matches!(
            load_inputs(&[dir.path().join("nope.txt")]),
            Err(TextError::Io { .. })
        ));
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("notes.json"), "{}").unwrap();
        assert!(matches!(
            load_inputs(&[sub]),
            Err(TextError::NoArticles { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn file_names_that_are_not_utf8_keep_their_bytes_apart() {
        use std::os::unix::ffi::OsStrExt;
        let name = |b: &[u8]| document_name(std::ffi::OsStr::from_bytes(b));
        assert_eq!(name(b"a\xff.txt"), "a\\xFF.txt");
        assert_eq!(name(b"a\xfe.txt"), "a\\xFE.txt");
        assert_eq!(name(b"caf\xc3\xa9\xc3.txt"), "caf\u{e9}\\xC3.txt");
        assert_eq!(name("Türkiye.txt".as_bytes()), "Türkiye.txt");
    }

    #[test]
    fn directories_are_read_sorted_with_relative_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("z")).unwrap();
        std::fs::write(dir.path().join("z/b.md"), "B.").unwrap();
        std::fs::write(dir.path().join("a.txt"), "A.").unwrap();
        std::fs::write(dir.path().join("C.TXT"), "C.").unwrap();
        std::fs::write(dir.path().join("d.Md"), "D.").unwrap();
        std::fs::write(dir.path().join("e.json"), "{}").unwrap();
        assert_eq!(
            names(&[dir.path().to_path_buf()]),
            ["C.TXT", "a.txt", "d.Md", "z/b.md"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_end_and_each_file_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let l = dir.path().join("L");
        std::fs::create_dir(&l).unwrap();
        std::fs::write(l.join("a.txt"), "A.").unwrap();
        std::os::unix::fs::symlink(".", l.join("self")).unwrap();
        std::os::unix::fs::symlink("../L", l.join("up")).unwrap();
        std::os::unix::fs::symlink("a.txt", l.join("z-link.txt")).unwrap();
        std::os::unix::fs::symlink("missing.txt", l.join("dangling.txt")).unwrap();
        assert_eq!(names(std::slice::from_ref(&l)), ["a.txt"]);
        // The same file given twice is read once too.
        assert_eq!(names(&[l.join("a.txt"), l.join("z-link.txt")]), ["a.txt"]);
    }

    #[test]
    fn globs_expand_sorted_relative_to_their_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("news/2024")).unwrap();
        std::fs::write(dir.path().join("news/2024/b.txt"), "B.").unwrap();
        std::fs::write(dir.path().join("news/a.txt"), "A.").unwrap();
        std::fs::write(dir.path().join("news/c.md"), "C.").unwrap();
        let pattern = dir.path().join("news/**/*.txt");
        assert_eq!(names(&[pattern]), ["2024/b.txt", "a.txt"]);
        let none = dir.path().join("news/*.pdf");
        assert!(matches!(
            load_inputs(&[none]),
            Err(TextError::NoMatch { .. })
        ));
    }

    #[test]
    fn json_lines_give_one_article_per_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("corpus.JSONL");
        std::fs::write(
            &path,
            "{\"id\": \"n1\", \"text\": \"A.\", \"date\": \"2024-07-04\", \"extra\": 1}\n\n{\"id\": \"n2\", \"text\": \"B.\", \"url\": \"http://x\", \"title\": \"T\"}\n",
        )
        .unwrap();
        let all: Vec<Article> = Articles::new(sources(&[path]).unwrap())
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].name, "n1");
        assert_eq!(all[0].meta.date.as_deref(), Some("2024-07-04"));
        assert_eq!(all[1].meta.title.as_deref(), Some("T"));
    }

    #[test]
    fn a_bad_json_line_is_one_error_and_reading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        std::fs::write(
            &path,
            b"{\"id\": \"a\", \"text\": \"A.\"}\n{\"id\": \"b\"}\n{\"id\": \"c\", \"text\": \"\xff\"}\n{\"id\": \"d\", \"text\": \"D.\"}\n",
        )
        .unwrap();
        let items: Vec<_> = Articles::new(sources(&[path]).unwrap()).collect();
        assert_eq!(items.len(), 4);
        let missing = items[1].as_ref().unwrap_err().to_string();
        assert!(
            missing.ends_with("c.jsonl:2:11: missing field `text`"),
            "{missing}"
        );
        let bad = items[2].as_ref().unwrap_err().to_string();
        // Line 3 starts at byte 38; the bad byte is its 22nd.
        assert!(
            bad.ends_with("c.jsonl:3:22: not valid UTF-8 (byte offset 59)"),
            "{bad}"
        );
        assert!(items[1].as_ref().unwrap_err().is_per_document());
        assert_eq!(items[3].as_ref().unwrap().name, "d");
    }

    #[test]
    fn a_record_cut_short_is_placed_at_its_own_line_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        std::fs::write(
            &path,
            "{\"id\": \"a\", \"text\": \"A.\"}\r\n{\"id\": \"b\"\r\n",
        )
        .unwrap();
        let items: Vec<_> = Articles::new(sources(&[path]).unwrap()).collect();
        let Err(TextError::Json(e)) = &items[1] else {
            panic!("{:?}", items[1]);
        };
        assert_eq!((e.position.line, e.position.column), (2, 10), "{e}");
        assert_eq!(e.position.offset, 27 + 9);
        assert!(
            e.to_string()
                .ends_with("c.jsonl:2:10: EOF while parsing an object"),
            "{e}"
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_one_at_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("at.txt");
        std::fs::write(&at, "A.".repeat(50)).unwrap();
        let over = dir.path().join("over.txt");
        std::fs::write(&over, "A.".repeat(50) + "B").unwrap();
        let items: Vec<_> = Articles::new(sources(&[at, over]).unwrap())
            .max_article_bytes(100)
            .collect();
        assert_eq!(items[0].as_ref().unwrap().text.len(), 100);
        let err = items[1].as_ref().unwrap_err();
        assert!(err.is_per_document());
        assert!(
            err.to_string().ends_with(
                "over.txt: article too large: 101 bytes, over the limit of 100 bytes \
                 (split it into several articles)"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_json_line_over_the_limit_is_refused_before_it_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let long = format!("{{\"id\": \"b\", \"text\": \"{}\"}}", "x".repeat(10_000));
        let short = "{\"id\": \"a\", \"text\": \"A.\"}";
        std::fs::write(&path, format!("{short}\n{long}\n{short}\n{long}")).unwrap();
        let limit = short.len() as u64;
        let mut articles = Articles::new(sources(&[path]).unwrap()).max_article_bytes(limit);
        assert_eq!(articles.next().unwrap().unwrap().name, "a");
        let err = articles.next().unwrap().unwrap_err().to_string();
        let expected = format!(
            "c.jsonl:2: article too large: over the limit of {limit} bytes (split it into \
             several articles)"
        );
        assert!(err.ends_with(&expected), "{err}");
        // Refused having read no more than the limit (and a byte) of the long line.
        let line2 = short.len() as u64 + 1;
        assert_eq!(articles.bytes_read(), line2 + limit + 1);
        // The rest of the line is skipped: the next record is read, and the last (long, with
        // no newline) is refused too.
        assert_eq!(articles.next().unwrap().unwrap().name, "a");
        assert!(matches!(
            articles.next(),
            Some(Err(TextError::TooLarge { size: None, .. }))
        ));
        assert!(articles.next().is_none());
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_read_with_or_without_its_newline() {
        let mut buf = Vec::new();
        let mut r: &[u8] = b"abc\nde";
        assert_eq!(read_line_upto(&mut r, &mut buf, 4).unwrap(), (4, true));
        assert_eq!(buf, b"abc\n");
        buf.clear();
        assert_eq!(read_line_upto(&mut r, &mut buf, 2).unwrap(), (2, false));
        buf.clear();
        let mut r: &[u8] = b"abcd\n";
        assert_eq!(read_line_upto(&mut r, &mut buf, 4).unwrap(), (4, false));
    }
}
