//! NetworkX / D3 node-link JSON.
//!
//! ```text
//! {"directed": true, "multigraph": <parallel edges?>,
//!  "graph": {"generator", "documents", "conflicts": [...]},
//!  "nodes": [{"id", "label", "type", "aliases", "wikidata"?}],
//!  "edges": [{"source", "target", "key"?, "relation", "confidence", "evidence_count",
//!             "evidence": [...], "conflicts"?: [{"relations", "reason"}]}]}
//! ```
//!
//! `evidence` is the edge's full evidence list and `graph.conflicts` the graph's conflicts,
//! both exactly as in `graph.json`; an edge in a conflict also lists it under `conflicts`.
//!
//! `multigraph` is true only when two relations join the same pair; then each edge also has
//! `"key"` (its relation), NetworkX's multigraph edge key. NetworkX ≥ 3.6 reads it with
//! `nx.node_link_graph(data, edges="edges")`. D3 and older NetworkX expect the edge list
//! under `"links"`: [`write_with`] takes the key.

use super::fields::JsonEdge;
use crate::graph::KnowledgeGraph;
use serde::Serialize;
use std::io::{self, Write};

/// The edge-list key NetworkX ≥ 3.6 uses.
pub const EDGES_KEY: &str = "edges";
/// The edge-list key D3 and NetworkX < 3.6 use.
pub const LINKS_KEY: &str = "links";

#[derive(Serialize)]
struct Meta<'g> {
    generator: String,
    documents: Vec<String>,
    conflicts: &'g [crate::model::Conflict],
}

#[derive(Serialize)]
struct Doc<'g> {
    directed: bool,
    multigraph: bool,
    graph: Meta<'g>,
    nodes: Vec<&'g crate::model::Entity>,
    #[serde(flatten)]
    edges: std::collections::BTreeMap<&'g str, Vec<JsonEdge<'g>>>,
}

/// Writes node-link JSON with the edge list under `"edges"`.
pub fn write(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    write_with(graph, out, EDGES_KEY)
}

/// Writes node-link JSON with the edge list under `links_key` (`"edges"` or `"links"`).
pub fn write_with(graph: &KnowledgeGraph, out: &mut dyn Write, links_key: &str) -> io::Result<()> {
    let multigraph = super::fields::has_parallel_edges(graph);
    let conflicts = super::fields::ConflictIndex::new(graph);
    let edges = graph
        .sorted_edges()
        .into_iter()
        .map(|e| JsonEdge::new(&e, multigraph, &conflicts))
        .collect();
    let doc = Doc {
        directed: true,
        multigraph,
        graph: Meta {
            generator: crate::graph::json::generator(),
            documents: graph.documents().to_vec(),
            conflicts: graph.conflicts(),
        },
        nodes: graph.entities().collect(),
        edges: [(links_key, edges)].into_iter().collect(),
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_go_under_the_requested_key() {
        let g = super::super::fields::tiny_graph();
        for key in [EDGES_KEY, LINKS_KEY] {
            let mut buf = Vec::new();
            write_with(&g, &mut buf, key).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
            assert_eq!(v[key][0]["relation"], "observer-of");
            assert_eq!(v[key][0]["evidence_count"], 1);
            assert_eq!(v["multigraph"], false);
            assert!(v[key][0].get("key").is_none());
        }
    }
}
