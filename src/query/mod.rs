//! Questions over a built graph: name resolution, paths, neighbourhoods, entity cards,
//! statistics, centrality rankings, communities and a small Cypher-like pattern language.
//!
//! This module owns everything `kg path`, `kg neighbors`, `kg show`, `kg stats`, `kg rank`,
//! `kg communities` and `kg match` do. The graph is loaded once with
//! [`KnowledgeGraph::load`] and only read: queries walk the petgraph model directly, and
//! every tie is broken by entity id so the same graph always gives the same answer.
//!
//! * [`resolve`]: names → entities (label, alias or id; case-, accent- and width-insensitive);
//! * [`paths`]: shortest path (bidirectional BFS), Yen's k shortest, bounded all simple paths,
//!   k-hop neighbourhoods;
//! * [`centrality`]: degree, PageRank, Brandes betweenness, closeness, label-propagation
//!   communities, summary statistics;
//! * [`pattern`]: the `kg match` lexer, parser and matcher;
//! * [`commands`]: the subcommands, human tables, `--json` and `--export`.

pub mod centrality;
pub mod commands;
pub mod paths;
pub mod pattern;
pub mod render;
pub mod resolve;

use crate::cli::exit;
use crate::graph::{GraphError, KnowledgeGraph};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Errors of the query commands.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// No entity has this name; the closest names are suggested.
    #[error("no entity named '{name}'{}", suggest(.suggestions))]
    UnknownName {
        /// The name as given.
        name: String,
        /// Labels of the closest entities, best first.
        suggestions: Vec<String>,
    },
    /// Several entities answer to this name.
    #[error("'{name}' is ambiguous: it names {}; use an id", .candidates.join(", "))]
    Ambiguous {
        /// The name as given.
        name: String,
        /// `label (id)` of every candidate.
        candidates: Vec<String>,
    },
    /// The endpoints are not connected under the given filters.
    #[error("no path from {from} to {to}{filters}")]
    NoPath {
        /// Label of the start.
        from: String,
        /// Label of the end.
        to: String,
        /// Which filters were in force (empty when none).
        filters: String,
    },
    /// A query that ran and found nothing.
    #[error("{0}")]
    NoResult(String),
    /// `kg match` pattern syntax error.
    #[error("{message} at column {column}\n  {pattern}\n  {caret}^", caret = " ".repeat(.column.saturating_sub(1)))]
    Syntax {
        /// The pattern text.
        pattern: String,
        /// 1-based column (in characters).
        column: usize,
        /// What was expected or found.
        message: String,
    },
    /// A query too expensive or too deep to run; refused before running.
    #[error("refused: {0}")]
    Refused(String),
    /// A bad combination of arguments.
    #[error("{0}")]
    Usage(String),
    /// The default graph file does not exist yet.
    #[error("{path} not found: run `kg build` first")]
    MissingGraph {
        /// The default graph path.
        path: String,
    },
    /// The graph file is unreadable or invalid.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// An export file could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Writing to standard output failed (a closed pipe is reported as success by `main`).
    #[error("cannot write to standard output")]
    Stdout(#[from] std::io::Error),
}

fn suggest(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl QueryError {
    /// The documented exit code (see [`crate::cli::exit`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            QueryError::UnknownName { .. }
            | QueryError::Ambiguous { .. }
            | QueryError::Syntax { .. }
            | QueryError::Refused(_)
            | QueryError::Usage(_) => exit::USAGE,
            QueryError::NoPath { .. } | QueryError::NoResult(_) => exit::NO_RESULT,
            QueryError::MissingGraph { .. } | QueryError::Graph(_) => exit::BAD_INPUT,
            QueryError::Write { .. } | QueryError::Stdout(_) => exit::OUTPUT,
        }
    }
}

/// The graph file read when `--graph` is not given.
pub const DEFAULT_GRAPH: &str = "output/graph.json";

/// Loads the graph named by `--graph` (or the default `output/graph.json`), without the
/// edges below `--min-confidence`.
pub fn load_graph(args: &crate::cli::GraphArgs) -> Result<KnowledgeGraph, QueryError> {
    let path = match args.graph.as_deref() {
        Some(p) => p.to_path_buf(),
        None => {
            let p = PathBuf::from(DEFAULT_GRAPH);
            if !p.exists() {
                return Err(QueryError::MissingGraph {
                    path: DEFAULT_GRAPH.to_string(),
                });
            }
            p
        }
    };
    let mut graph = KnowledgeGraph::load(&path)?;
    if let Some(min) = args.min_confidence {
        graph.retain_confident(min);
    }
    Ok(graph)
}

/// The merge-log entries about entity `id`, from the `merges.json` written beside the graph
/// by `kg build` (none when there is no such file).
pub fn merges_of(
    graph: Option<&std::path::Path>,
    id: &str,
) -> Result<Vec<crate::graph::MergeRecord>, QueryError> {
    let graph = graph.unwrap_or(std::path::Path::new(DEFAULT_GRAPH));
    let path = graph
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("merges.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    #[derive(serde::Deserialize)]
    struct Log {
        merges: Vec<crate::graph::MergeRecord>,
    }
    let log: Log = serde_json::from_str(&text).map_err(|e| {
        QueryError::Graph(GraphError::Syntax {
            path: path.display().to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    })?;
    Ok(log.merges.into_iter().filter(|m| m.into == id).collect())
}

/// The part of a graph a query result covers: its entities and edges, plus which of them to
/// highlight in a drawing (the path itself, the matched bindings).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Nodes in the result.
    pub nodes: BTreeSet<NodeIndex>,
    /// Edges in the result.
    pub edges: BTreeSet<EdgeIndex>,
    /// Entity ids to highlight.
    pub highlight_nodes: BTreeSet<String>,
    /// Edges to highlight, as (source id, relation, target id).
    pub highlight_edges: BTreeSet<(String, String, String)>,
}

impl Selection {
    /// Adds an edge and both its endpoints.
    pub fn add_edge(&mut self, graph: &KnowledgeGraph, edge: EdgeIndex) {
        self.edges.insert(edge);
        if let Some((s, t)) = graph.petgraph().edge_endpoints(edge) {
            self.nodes.insert(s);
            self.nodes.insert(t);
        }
    }

    /// Marks every node and edge selected so far as highlighted.
    pub fn highlight_all(&mut self, graph: &KnowledgeGraph) {
        let g = graph.petgraph();
        for &n in &self.nodes {
            self.highlight_nodes.insert(g[n].id.clone());
        }
        for &e in &self.edges {
            if let Some((s, t)) = g.edge_endpoints(e) {
                self.highlight_edges.insert((
                    g[s].id.clone(),
                    g[e].kind.to_string(),
                    g[t].id.clone(),
                ));
            }
        }
    }
}

/// A new graph holding only `nodes` and `edges` of `graph` (endpoints of the edges are added),
/// with the documents its evidence cites and the conflicts between its entities.
pub fn subgraph(
    graph: &KnowledgeGraph,
    nodes: impl IntoIterator<Item = NodeIndex>,
    edges: impl IntoIterator<Item = EdgeIndex>,
) -> KnowledgeGraph {
    let g = graph.petgraph();
    let mut keep: BTreeSet<NodeIndex> = nodes.into_iter().collect();
    let edges: BTreeSet<EdgeIndex> = edges.into_iter().collect();
    for &e in &edges {
        if let Some((s, t)) = g.edge_endpoints(e) {
            keep.insert(s);
            keep.insert(t);
        }
    }
    let mut out = KnowledgeGraph::new();
    for &n in &keep {
        out.add_entity(g[n].clone());
    }
    let mut cited = BTreeSet::new();
    for e in g.edge_references().filter(|e| edges.contains(&e.id())) {
        let rel = e.weight();
        cited.extend(rel.evidence.iter().map(|ev| &*ev.document));
        out.add_relation(
            &g[e.source()].id,
            rel.kind,
            &g[e.target()].id,
            &rel.evidence,
        )
        .expect("endpoints were added");
    }
    for doc in graph.documents() {
        if cited.contains(doc.as_str()) {
            out.add_document(doc);
        }
    }
    let conflicts = graph
        .conflicts()
        .iter()
        .filter(|c| out.node(&c.subject).is_some() && out.node(&c.object).is_some())
        .cloned()
        .collect();
    out.set_conflicts(conflicts);
    out
}
