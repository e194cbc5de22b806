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

/// Writes `text` to `path` atomically (see [`crate::export::write_file_atomically`]).
fn write_atomic(path: &Path, text: &str) -> Result<(), QueryError> {
    crate::export::write_file_atomically(path, text.as_bytes()).map_err(|e| match e {
        crate::export::ExportError::Write { source, .. } => QueryError::Write {
            path: path.display().to_string(),
            source,
        },
        other => QueryError::Write {
            path: path.display().to_string(),
            source: std::io::Error::other(other.to_string()),
        },
    })
}

/// DOT of a query result, with `sel.highlight_nodes` (entity ids) and the edges of
/// `sel.highlight_edges` drawn thick and red, and every edge labelled.
fn export_dot(sub: &KnowledgeGraph, sel: &Selection, out: &Path) -> Result<(), QueryError> {
    use crate::export::dot::{DotStyle, EdgeLabels, print, to_dot_graph};
    let style = DotStyle {
        edge_labels: EdgeLabels::All,
        ..DotStyle::default()
    };
    let mut graph = to_dot_graph(sub, &style);
    if let graphviz_rust::dot_structures::Graph::DiGraph { stmts, .. } = &mut graph {
        highlight(stmts, sel);
    }
    write_atomic(out, &print(&graph))
}

/// Thickens and reddens the highlighted nodes and edges of a DOT statement list.
fn highlight(stmts: &mut [graphviz_rust::dot_structures::Stmt], sel: &Selection) {
    use crate::export::dot::quote;
    use graphviz_rust::dot_structures::{Attribute, EdgeTy, Id, Stmt, Vertex};
    let is = |id: &Id, entity: &str| matches!(id, Id::Escaped(s) if *s == quote(entity));
    let marks = || {
        vec![
            Attribute(Id::Plain("penwidth".into()), Id::Plain("3".into())),
            Attribute(Id::Plain("color".into()), Id::Escaped(quote("#d62728"))),
        ]
    };
    for stmt in stmts {
        match stmt {
            Stmt::Node(n) if sel.highlight_nodes.iter().any(|h| is(&n.id.0, h)) => {
                n.attributes.extend(marks());
            }
            Stmt::Edge(e) => {
                if let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty {
                    let hit = sel.highlight_edges.iter().any(|(s, _, t)| {
                        (is(&a.0, s) && is(&b.0, t)) || (is(&a.0, t) && is(&b.0, s))
                    });
                    if hit {
                        e.attributes
                            .retain(|Attribute(k, _)| *k != Id::Plain("color".into()));
                        e.attributes.extend(marks());
                    }
                }
            }
            Stmt::Subgraph(g) => highlight(&mut g.stmts, sel),
            _ => {}
        }
    }
}
