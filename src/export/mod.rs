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

use crate::atomic;
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

/// Writes `format` to `out_path` atomically ([`crate::atomic`]): a file (or, for csv and
/// kuzu, a directory) is written beside the target under a temporary name and put in its
/// place only when complete.
pub fn export(
    graph: &KnowledgeGraph,
    format: Format,
    options: &ExportOptions,
    out_path: &Path,
) -> Result<(), ExportError> {
    if format.is_directory() {
        return atomic::write_dir(out_path, |dir| {
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
        atomic::write_file_with(out_path, |out| {
            dot::write_dot(graph, &options.render.style, out)
        })?;
        return Ok(());
    }
    let bytes = to_bytes(graph, format, options)?;
    atomic::write_file(out_path, &bytes)?;
    Ok(())
}

impl From<atomic::WriteError> for ExportError {
    fn from(e: atomic::WriteError) -> Self {
        ExportError::Write {
            path: e.path,
            source: e.source,
        }
    }
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
}
