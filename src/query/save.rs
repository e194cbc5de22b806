//! A query result saved as a subgraph: the graph.json contract, or Graphviz DOT with the
//! result drawn thick and red.

use super::{QueryError, Selection, subgraph};
use crate::graph::KnowledgeGraph;
use std::path::Path;

/// Formats a result can be saved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveFormat {
    /// The graph.json contract.
    Json,
    /// Graphviz DOT, with the result highlighted.
    Dot,
}

/// Writes the selected part of `graph` to `out` (atomically).
pub fn save(
    graph: &KnowledgeGraph,
    sel: &Selection,
    format: SaveFormat,
    out: &Path,
) -> Result<(), QueryError> {
    let sub = subgraph(graph, sel.nodes.iter().copied(), sel.edges.iter().copied());
    match format {
        SaveFormat::Json => write_atomic(out, &sub.to_json_string()),
        SaveFormat::Dot => export_dot(&sub, sel, out),
    }
}

/// Writes `text` to `path` atomically ([`crate::atomic::write_file`]).
fn write_atomic(path: &Path, text: &str) -> Result<(), QueryError> {
    crate::atomic::write_file(path, text.as_bytes()).map_err(|e| QueryError::Write {
        path: path.display().to_string(),
        source: e.source,
    })?;
    Ok(())
}

/// DOT of a query result, with `sel.highlight_nodes` (entity ids) and the edges of
/// `sel.highlight_edges` drawn bold in their relations' own colours (so the legend holds),
/// and every edge labelled.
fn export_dot(sub: &KnowledgeGraph, sel: &Selection, out: &Path) -> Result<(), QueryError> {
    use crate::export::dot::{DotStyle, EdgeLabels, Highlight, to_dot};
    let style = DotStyle {
        edge_labels: EdgeLabels::All,
        highlight: Some(Highlight {
            what: "the result",
            nodes: sel.highlight_nodes.clone(),
            edges: sel.highlight_edges.clone(),
        }),
        ..DotStyle::default()
    };
    write_atomic(out, &to_dot(sub, &style))
}
