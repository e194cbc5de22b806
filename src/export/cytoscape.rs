//! Cytoscape.js elements JSON.
//!
//! ```text
//! {"data": {"generator", "documents", "conflicts"}, "directed": true,
//!  "multigraph": <parallel edges?>,
//!  "elements": {"nodes": [{"data": {"id", "label", "type", "aliases", "wikidata"?}}],
//!               "edges": [{"data": {"id", "source", "target", "key"?, "relation",
//!                                   "confidence", "evidence_count", "evidence",
//!                                   "conflicts"?}}]}}
//! ```
//!
//! `evidence` and `data.conflicts` are exactly as in `graph.json`; an edge in a conflict
//! lists it under `conflicts` (`[{"relations", "reason"}]`), so a style can select
//! `edge[conflicts]`.
//!
//! `cytoscape({elements: doc.elements})` loads it; NetworkX reads the same document with
//! `nx.cytoscape_graph` (hence `directed`, `multigraph` and node `name`/`value`). Cytoscape.js
//! wants ids unique across nodes *and* edges: node ids are entity ids, edge ids are `e0`,
//! `e1`, … in edge order, with a `_` prefix added until no entity id collides.

use super::fields::JsonEdge;
use crate::graph::KnowledgeGraph;
use crate::model::EntityKind;
use serde::Serialize;
use std::collections::HashSet;
use std::io::{self, Write};

#[derive(Serialize)]
struct NodeData<'g> {
    id: &'g str,
    /// NetworkX's `cytoscape_graph` takes the node key from `value` and copies `name`.
    value: &'g str,
    name: &'g str,
    label: &'g str,
    #[serde(rename = "type")]
    kind: EntityKind,
    aliases: &'g [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    wikidata: Option<&'g str>,
}

#[derive(Serialize)]
struct EdgeData<'g> {
    id: String,
    #[serde(flatten)]
    attrs: JsonEdge<'g>,
}

#[derive(Serialize)]
struct Element<T> {
    data: T,
}

#[derive(Serialize)]
struct Elements<'g> {
    nodes: Vec<Element<NodeData<'g>>>,
    edges: Vec<Element<EdgeData<'g>>>,
}

#[derive(Serialize)]
struct GraphData<'g> {
    generator: String,
    documents: Vec<String>,
    conflicts: &'g [crate::model::Conflict],
}

#[derive(Serialize)]
struct Doc<'g> {
    data: GraphData<'g>,
    directed: bool,
    multigraph: bool,
    elements: Elements<'g>,
}

/// The edge id prefix: `e`, or `_e`, `__e`, … if some entity id would collide.
fn edge_prefix(node_ids: &HashSet<&str>, edge_count: usize) -> String {
    let mut prefix = String::from("e");
    while (0..edge_count).any(|i| node_ids.contains(format!("{prefix}{i}").as_str())) {
        prefix.insert(0, '_');
    }
    prefix
}

/// Writes Cytoscape.js elements JSON.
pub fn write(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let nodes: Vec<_> = graph
        .entities()
        .map(|e| Element {
            data: NodeData {
                id: &e.id,
                value: &e.id,
                name: &e.label,
                label: &e.label,
                kind: e.kind,
                aliases: &e.aliases,
                wikidata: e.wikidata.as_deref(),
            },
        })
        .collect();
    let multigraph = super::fields::has_parallel_edges(graph);
    let edges = graph.sorted_edges();
    let conflicts = super::fields::ConflictIndex::new(graph);
    let ids: HashSet<&str> = nodes.iter().map(|n| n.data.id).collect();
    let prefix = edge_prefix(&ids, edges.len());
    let edges = edges
        .into_iter()
        .enumerate()
        .map(|(i, e)| Element {
            data: EdgeData {
                id: format!("{prefix}{i}"),
                attrs: JsonEdge::new(&e, multigraph, &conflicts),
            },
        })
        .collect();
    let doc = Doc {
        data: GraphData {
            generator: crate::graph::json::generator(),
            documents: graph.documents().to_vec(),
            conflicts: graph.conflicts(),
        },
        directed: true,
        multigraph,
        elements: Elements { nodes, edges },
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
    fn edge_ids_avoid_entity_ids() {
        let ids: HashSet<&str> = ["e0", "_e1", "x"].into_iter().collect();
        assert_eq!(edge_prefix(&ids, 1), "_e");
        assert_eq!(edge_prefix(&ids, 2), "__e");
        assert_eq!(edge_prefix(&HashSet::new(), 5), "e");
    }
}
