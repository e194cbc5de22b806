//! Reading articles from files and directories.

use super::Document;
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
    #[error("{path}: no articles (.txt or .md files) in this directory")]
    NoArticles {
        /// The directory.
        path: PathBuf,
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
    /// A file has no text.
    #[error("{path}: empty article (no text to read)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

fn is_article(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("txt" | "md" | "markdown")
    )
}

/// Loads documents from files and directories (searched recursively for `.txt`/`.md`).
///
/// A file is named by its file name; a file found in a directory by its path relative to
/// that directory, with `/` separators. Documents come back sorted by name within each
/// input, inputs in the order given.
pub fn load_inputs(inputs: &[PathBuf]) -> Result<Vec<Document>, TextError> {
    let mut docs = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|source| TextError::Io {
            path: input.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(input, &mut files)?;
            files.sort();
            if files.is_empty() {
                return Err(TextError::NoArticles {
                    path: input.clone(),
                });
            }
            for file in files {
                let rel = file.strip_prefix(input).unwrap_or(&file);
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                docs.push(read_document(&file, name)?);
            }
        } else {
            let name = input.file_name().map_or_else(
                || input.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            docs.push(read_document(input, name)?);
        }
    }
    Ok(docs)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), TextError> {
    let entries = std::fs::read_dir(dir).map_err(|source| TextError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| TextError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_article(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one file as a document, refusing invalid UTF-8 and empty text.
pub fn read_document(path: &Path, name: String) -> Result<Document, TextError> {
    let bytes = std::fs::read(path).map_err(|source| TextError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        let (line, column) = super::line_col(valid, offset);
        TextError::NotUtf8 {
            path: path.to_path_buf(),
            offset,
            line,
            column,
        }
    })?;
    if text.trim().is_empty() {
        return Err(TextError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(Document::new(name, text))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn directories_are_read_sorted_with_relative_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("z")).unwrap();
        std::fs::write(dir.path().join("z/b.md"), "B.").unwrap();
        std::fs::write(dir.path().join("a.txt"), "A.").unwrap();
        let docs = load_inputs(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<&str> = docs.iter().map(|d| d.name()).collect();
        assert_eq!(names, ["a.txt", "z/b.md"]);
    }
}
