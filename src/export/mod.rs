//! Exports of a built graph to the file formats other tools read, and `kg export`.
//!
//! This module owns the list of formats ([`Format`]), the dispatcher that writes one of them
//! atomically ([`export`], [`write_to`]) and the `kg export` command ([`run`]). Each format
//! lives in its own module; all are deterministic (nodes by entity id, edges by source,
//! relation, target):
//!
//! * [`dot`]: styled Graphviz DOT (also `kg build`'s `graph.dot`);
//! * [`render`]: SVG and PNG pictures through Graphviz or a pure-Rust layout;
//! * [`mermaid`]: Mermaid flowcharts for Markdown;
//! * `json`: the `graph.json` contract of [`crate::graph::json`];
//! * [`nodelink`]: NetworkX / D3 node-link JSON;
//! * [`cytoscape`]: Cytoscape.js elements JSON;
//! * [`html`]: a self-contained interactive viewer page (also `kg build`'s `graph.html`);
//! * [`graphml`]: GraphML with typed keys (NetworkX, Gephi, yEd);
//! * [`gexf`]: GEXF 1.3 with viz colour and size (Gephi, NetworkX);
//! * [`csv`]: `neo4j-admin database import` CSV files (a directory);
//! * [`cypher`]: a Cypher `MERGE` script;
//! * [`kuzu`]: a directory that loads into Kùzu in one step (schema, COPY files, script);
//! * [`rdf`]: Turtle, N-Triples and JSON-LD over schema.org plus the `kg` vocabulary.
//!
//! [`fields`] holds what the data formats share: the attribute set and escaping helpers.

pub mod csv;
pub mod cypher;
pub mod cytoscape;
pub mod dot;
pub mod fields;
pub mod gexf;
pub mod graphml;
pub mod html;
pub mod kuzu;
pub mod mermaid;
pub mod nodelink;
pub mod rdf;
pub mod render;

use crate::graph::{GraphError, KnowledgeGraph};
use render::{ImageFormat, RenderError, RenderOptions};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Every export format `kg` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// The `graph.json` contract (`kg`'s own format).
    Json,
    /// NetworkX / D3 node-link JSON.
    NodeLink,
    /// Cytoscape.js elements JSON.
    Cytoscape,
    /// GraphML (NetworkX, Gephi, yEd).
    Graphml,
    /// GEXF 1.3 (Gephi).
    Gexf,
    /// neo4j-admin import CSV files (a directory).
    Csv,
    /// A Cypher script of MERGE statements.
    Cypher,
    /// A Kùzu database load set: schema, COPY files and a load script (a directory).
    Kuzu,
    /// RDF Turtle.
    Turtle,
    /// RDF N-Triples.
    Ntriples,
    /// JSON-LD.
    Jsonld,
    /// A Mermaid flowchart.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// An SVG picture.
    Svg,
    /// A PNG picture.
    Png,
    /// A self-contained HTML page to explore the graph in a browser.
    Html,
}

impl Format {
    /// Every format, in help order.
    pub const ALL: [Format; 16] = [
        Format::Json,
        Format::NodeLink,
        Format::Cytoscape,
        Format::Graphml,
        Format::Gexf,
        Format::Csv,
        Format::Cypher,
        Format::Kuzu,
        Format::Turtle,
        Format::Ntriples,
        Format::Jsonld,
        Format::Mermaid,
        Format::Dot,
        Format::Svg,
        Format::Png,
        Format::Html,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::NodeLink => "node-link",
            Format::Cytoscape => "cytoscape",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::Csv => "csv",
            Format::Cypher => "cypher",
            Format::Kuzu => "kuzu",
            Format::Turtle => "turtle",
            Format::Ntriples => "ntriples",
            Format::Jsonld => "jsonld",
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Html => "html",
        }
    }

    /// Whether the output is binary (not fit for a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::Png
    }

    /// Whether the output is a directory of files rather than one file.
    pub fn is_directory(self) -> bool {
        matches!(self, Format::Csv | Format::Kuzu)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = crate::model::UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        let s = match s.as_str() {
            "nodelink" | "node_link" => "node-link",
            "gv" => "dot",
            "nt" => "ntriples",
            "ttl" => "turtle",
            "json-ld" => "jsonld",
            "mmd" => "mermaid",
            "htm" => "html",
            other => other,
        };
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| crate::model::UnknownName {
                what: "export format",
                given: s.to_string(),
                expected: Format::ALL.map(Format::as_str).join(", "),
            })
    }
}

/// Errors of exporting.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The format is known but not built into this binary yet.
    /// The input graph could not be read.
    #[error(transparent)]
    Input(#[from] GraphError),
    /// Drawing failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The output file or directory could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The output path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// Writing to standard output failed (a closed pipe is reported as success by `kg`).
    #[error("cannot write to standard output")]
    Stdout(#[source] io::Error),
    /// A binary format was asked for on a terminal.
    #[error("refusing to write binary {0} to a terminal: use --out FILE or redirect stdout")]
    BinaryToTerminal(Format),
    /// A directory format was asked for without a directory.
    #[error("{0} export writes a directory of files: give --out DIR")]
    NeedsDirectory(Format),
}

/// How to export: the drawing options (the data formats ignore them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Styling, layout and renderer of dot, svg and png.
    pub render: RenderOptions,
    /// The key of the edge list in node-link JSON: `edges` (NetworkX ≥ 3.6) or `links`
    /// (older NetworkX, D3).
    pub links_key: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            render: RenderOptions::default(),
            links_key: "edges".to_string(),
        }
    }
}

/// Runs a writer of a data format into a buffer.
fn buffer(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out).expect("writing to memory cannot fail");
    out
}

/// The bytes of a single-file format.
pub fn to_bytes(
    graph: &KnowledgeGraph,
    format: Format,
    options: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        Format::Json => graph.to_json_string().into_bytes(),
        Format::Dot => dot::to_dot(graph, &options.render.style).into_bytes(),
        Format::Mermaid => mermaid::to_mermaid(graph).into_bytes(),
        Format::Svg => render::render(graph, ImageFormat::Svg, &options.render)?,
        Format::Png => render::render(graph, ImageFormat::Png, &options.render)?,
        Format::Csv | Format::Kuzu => return Err(ExportError::NeedsDirectory(format)),
        Format::NodeLink => buffer(|w| nodelink::write_with(graph, w, &options.links_key)),
        Format::Cytoscape => buffer(|w| cytoscape::write(graph, w)),
        Format::Graphml => buffer(|w| graphml::write(graph, w)),
        Format::Gexf => buffer(|w| gexf::write(graph, w)),
        Format::Cypher => buffer(|w| cypher::write(graph, w)),
        Format::Turtle => buffer(|w| rdf::write_turtle(graph, w)),
        Format::Ntriples => buffer(|w| rdf::write_ntriples(graph, w)),
        Format::Jsonld => buffer(|w| rdf::write_jsonld(graph, w)),
        Format::Html => html::html_page(graph, &html::HtmlOptions::default()).into_bytes(),
    })
}

/// Writes a single-file format to `out` (standard output, a pipe, a buffer).
pub fn write_to(
    graph: &KnowledgeGraph,
    format: Format,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    if format == Format::Dot {
        // Streamed: a large graph's DOT text is never held whole in memory.
        let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *out);
        return dot::write_dot(graph, &options.render.style, &mut buffered)
            .and_then(|()| buffered.flush())
            .map_err(ExportError::Stdout);
    }
    let bytes = to_bytes(graph, format, options)?;
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(ExportError::Stdout)
}

/// Writes `format` to `out_path` atomically: a file (or, for csv, a directory) is written
/// beside the target under a temporary name and renamed over it only when complete.
pub fn export(
    graph: &KnowledgeGraph,
    format: Format,
    options: &ExportOptions,
    out_path: &Path,
) -> Result<(), ExportError> {
    if format.is_directory() {
        return write_dir_atomically(out_path, |dir| {
            let written = match format {
                Format::Kuzu => kuzu::write_dir(graph, dir),
                _ => csv::write_dir(graph, dir),
            };
            written.map_err(|source| ExportError::Write {
                path: out_path.to_path_buf(),
                source,
            })
        });
    }
    if format == Format::Dot {
        return write_file_atomically_with(out_path, |out| {
            dot::write_dot(graph, &options.render.style, out)
        });
    }
    let bytes = to_bytes(graph, format, options)?;
    write_file_atomically(out_path, &bytes)
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    write_file_atomically_with(path, |out| out.write_all(bytes))
}

/// Lets `fill` write a temporary file (buffered) in `path`'s directory, then renames it to
/// `path`; on any error the temporary file is removed and `path` is left as it was.
pub fn write_file_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kg-export-");
    // tempfile creates private (0600) files; an export is an ordinary file, so ask for
    // what `File::create` gives (0666 less the umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder.tempfile_in(parent_dir(path)).map_err(err)?;
    let mut out = io::BufWriter::with_capacity(1 << 16, tmp);
    fill(&mut out).and_then(|()| out.flush()).map_err(err)?;
    let tmp = out.into_inner().map_err(|e| err(e.into_error()))?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Fills a temporary directory beside `path` with `fill`, then puts it in place of `path`
/// (an existing directory there is replaced only after the new one is complete).
pub fn write_dir_atomically(
    path: &Path,
    fill: impl FnOnce(&Path) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let parent = parent_dir(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kg-export-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
    let tmp = builder.tempdir_in(parent).map_err(err)?;
    fill(tmp.path())?;
    let staged = tmp.keep();
    if path.is_dir() {
        // Move the old directory aside first: rename cannot replace a non-empty directory.
        let old = tempfile::Builder::new()
            .prefix(".kg-old-")
            .tempdir_in(parent)
            .map_err(err)?
            .keep();
        std::fs::remove_dir(&old).map_err(err)?;
        std::fs::rename(path, &old).map_err(err)?;
        std::fs::rename(&staged, path).map_err(err)?;
        std::fs::remove_dir_all(&old).map_err(err)?;
    } else {
        std::fs::rename(&staged, path).map_err(err)?;
    }
    Ok(())
}

/// One `kg export` run: which graph, which format, where to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportJob {
    /// The graph file to read.
    pub graph: PathBuf,
    /// The format to write.
    pub format: Format,
    /// The output file (a directory for csv and kuzu); `None` writes to the given stream.
    pub out: Option<PathBuf>,
    /// Drawing and format options.
    pub options: ExportOptions,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    /// Entities written.
    pub nodes: usize,
    /// Edges written.
    pub edges: usize,
}

/// `kg export`: reads the graph file and writes one format to `job.out`, or to `stream`
/// when there is none (`stream_is_terminal` refuses binary formats there).
pub fn run(
    job: &ExportJob,
    stream: &mut dyn Write,
    stream_is_terminal: bool,
) -> Result<Exported, ExportError> {
    let graph = KnowledgeGraph::load(&job.graph)?;
    match &job.out {
        Some(path) => export(&graph, job.format, &job.options, path)?,
        None => {
            if job.format.is_directory() {
                return Err(ExportError::NeedsDirectory(job.format));
            }
            if job.format.is_binary() && stream_is_terminal {
                return Err(ExportError::BinaryToTerminal(job.format));
            }
            write_to(&graph, job.format, &job.options, stream)?;
        }
    }
    Ok(Exported {
        nodes: graph.node_count(),
        edges: graph.edge_count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_round_trips_through_its_name() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
        }
        assert_eq!("TTL".parse::<Format>().unwrap(), Format::Turtle);
        let err = "xlsx".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("node-link") && err.contains("png"), "{err}");
    }

    #[test]
    fn atomic_file_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.dot");
        write_file_atomically(&path, b"one").unwrap();
        write_file_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_get_ordinary_permissions_not_tempfiles_private_ones() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let ours = dir.path().join("ours");
        write_file_atomically(&ours, b"x").unwrap();
        assert_eq!(mode(&ours), mode(&plain));
        let plain_dir = dir.path().join("plain_dir");
        std::fs::create_dir(&plain_dir).unwrap();
        let our_dir = dir.path().join("our_dir");
        write_dir_atomically(&our_dir, |_| Ok(())).unwrap();
        assert_eq!(mode(&our_dir), mode(&plain_dir));
    }

    #[test]
    fn atomic_dir_write_replaces_whole_directory_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("csv");
        write_dir_atomically(&out, |d| {
            std::fs::write(d.join("old.csv"), "x").map_err(|source| ExportError::Write {
                path: d.to_path_buf(),
                source,
            })
        })
        .unwrap();
        write_dir_atomically(&out, |d| {
            std::fs::write(d.join("new.csv"), "y").map_err(|source| ExportError::Write {
                path: d.to_path_buf(),
                source,
            })
        })
        .unwrap();
        assert!(out.join("new.csv").exists() && !out.join("old.csv").exists());
        // A failing fill leaves the previous directory untouched and no temp dirs behind.
        let e = write_dir_atomically(&out, |_| Err(ExportError::NeedsDirectory(Format::Csv)));
        assert!(e.is_err());
        assert!(out.join("new.csv").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
