//! Questions over a built graph: name resolution, paths, neighbourhoods, entity cards,
//! statistics, centrality rankings, communities and a small Cypher-like pattern language.
//!
//! The graph is loaded once with [`load_graph`] and only read: queries walk the petgraph
//! model directly, and every tie is broken by entity id so the same graph always gives the
//! same answer. [`Explorer`] is the face callers use (the command line and `kg serve`): plain
//! option structs in, `Serialize` results out, nothing printed.
//!
//! * [`explore`]: [`Explorer`], the query option structs and the result types;
//! * [`evidence`]: edges as results show them, with readings and mention spans;
//! * [`resolve`]: names → entities (label, alias or id; case-, accent- and width-insensitive);
//! * [`paths`]: shortest path (bidirectional BFS), Yen's k shortest, bounded all simple paths,
//!   k-hop neighbourhoods;
//! * [`centrality`]: degree, PageRank, Brandes betweenness, closeness, label-propagation
//!   communities, summary statistics;
//! * [`pattern`]: the `kg match` lexer, parser and matcher;
//! * [`save`]: a result saved as a subgraph (graph.json or highlighted DOT).

pub mod budget;
pub mod centrality;
pub mod evidence;
pub mod explore;
pub mod paths;
pub mod pattern;
pub mod resolve;
pub mod save;

pub use evidence::{EdgeView, EvidenceLimit, EvidenceView, MentionSpan, Reading};
pub use explore::{
    Cell, Communities, Covered, EntityCard, EntityRef, EntitySearch, Explorer, Filters, MatchQuery,
    MatchTable, Neighborhood, NeighborsQuery, PathMode, PathQuery, PathResult, RankBy, RankQuery,
    Ranking,
};

use crate::graph::{GraphError, KnowledgeGraph};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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
    /// `kg match` pattern syntax error (printed with the pattern and a caret).
    #[error("{0}")]
    Syntax(crate::error::SyntaxError),
    /// A query too expensive or too deep to run; refused before running.
    #[error("refused: {0}")]
    Refused(String),
    /// A search that needs more work than its budget, refused before it starts or stopped
    /// while it runs ([`budget`]).
    #[error("too big: {0}")]
    TooBig(#[from] budget::TooBig),
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

impl From<paths::Refusal> for QueryError {
    fn from(r: paths::Refusal) -> Self {
        match r {
            paths::Refusal::TooBig(t) => QueryError::TooBig(t),
            paths::Refusal::ZeroK => QueryError::Usage(r.to_string()),
            other => QueryError::Refused(other.to_string()),
        }
    }
}

/// The graph file read when none is given.
pub const DEFAULT_GRAPH: &str = "output/graph.json";

/// Loads `path` (or the default `output/graph.json`), without the edges whose confidence is
/// below `min_confidence`.
pub fn load_graph(
    path: Option<&Path>,
    min_confidence: Option<f64>,
) -> Result<KnowledgeGraph, QueryError> {
    let path = match path {
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
    if let Some(min) = min_confidence {
        graph.retain_confident(min);
    }
    Ok(graph)
}

/// The merge log (`merges.json`) written beside the graph file by `kg build`; empty when
/// there is no such file.
pub fn read_merges(graph: Option<&Path>) -> Result<Vec<crate::graph::MergeRecord>, QueryError> {
    let graph = graph.unwrap_or(Path::new(DEFAULT_GRAPH));
    let path = graph.parent().unwrap_or(Path::new(".")).join("merges.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    #[derive(serde::Deserialize)]
    struct Log {
        merges: Vec<crate::graph::MergeRecord>,
    }
    let log: Log = serde_json::from_str(&text).map_err(|e| {
        QueryError::Graph(GraphError::Syntax(crate::error::SyntaxError::json(
            Some(path.clone()),
            &text,
            &e,
        )))
    })?;
    Ok(log.merges)
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

/// What kind of failure a [`QueryError`] is, for the callers' own codes (the command
/// line's exit codes, the server's HTTP statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// No entity has the name.
    UnknownEntity,
    /// Several entities have the name.
    AmbiguousName,
    /// A pattern does not parse.
    Syntax,
    /// A query over the limits.
    Refused,
    /// A search that needs more work than its budget ([`budget`]).
    TooBig,
    /// A bad combination of options.
    BadRequest,
    /// The graph (or its merge log) is missing or invalid.
    BadGraph,
    /// A result could not be written.
    Output,
}

/// A query error as data: its kind, message, and the names that may help.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorReport {
    /// The kind.
    pub kind: FailureKind,
    /// The message, one line (a syntax error's caret drawing is left out).
    pub message: String,
    /// For an unknown name: the closest labels, best first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    /// For an ambiguous name: every candidate as `label (type, id)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// For a syntax error: the 1-based column in the pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl QueryError {
    /// The kind of failure.
    pub fn kind(&self) -> FailureKind {
        match self {
            QueryError::UnknownName { .. } => FailureKind::UnknownEntity,
            QueryError::Ambiguous { .. } => FailureKind::AmbiguousName,
            QueryError::Syntax(_) => FailureKind::Syntax,
            QueryError::Refused(_) => FailureKind::Refused,
            QueryError::TooBig(_) => FailureKind::TooBig,
            QueryError::Usage(_) => FailureKind::BadRequest,
            QueryError::MissingGraph { .. } | QueryError::Graph(_) => FailureKind::BadGraph,
            QueryError::Write { .. } => FailureKind::Output,
        }
    }

    /// The error as data.
    pub fn report(&self) -> ErrorReport {
        let mut r = ErrorReport {
            kind: self.kind(),
            message: self.to_string(),
            suggestions: Vec::new(),
            candidates: Vec::new(),
            column: None,
        };
        match self {
            QueryError::UnknownName { suggestions, .. } => r.suggestions = suggestions.clone(),
            QueryError::Ambiguous { candidates, .. } => r.candidates = candidates.clone(),
            QueryError::Syntax(e) => {
                r.message = format!("{} at column {}", e.message, e.position.column);
                r.column = Some(e.position.column);
            }
            _ => {}
        }
        r
    }
}
