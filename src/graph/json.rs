//! `graph.json`, the contract other tools and our tests rely on.
//!
//! ```text
//! {"directed": true, "multigraph": true,
//!  "meta": {"generator": "kg <version>", "documents": ["sco-summit.txt"]},
//!  "nodes": [{"id", "label", "type", "aliases", "wikidata"?}],
//!  "edges": [{"source", "target", "key", "relation", "confidence",
//!             "evidence": [{"document", "sentence", "start", "end", "rule", "tier",
//!                           "confidence", "when"?: {"start"?, "end"?, "point"?}}]}],
//!  "conflicts": [{"subject", "object", "relations": [a, b], "reason"}]}
//! ```
//!
//! Nodes are sorted by id, edges by (source, relation, target), evidence by document and
//! offset, so the same graph always serialises to the same bytes. NetworkX reads the file
//! with `node_link_graph(data, edges="edges")`. The JSON Schema is `schema/graph.schema.json`.

use super::{GraphError, KnowledgeGraph};
use crate::model::{Confidence, Conflict, Entity, Evidence, RelationKind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The `meta` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// `kg <version>`.
    pub generator: String,
    /// Names of the source documents.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// One edge as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeRecord<'a> {
    /// Subject node id.
    pub source: Cow<'a, str>,
    /// Object node id.
    pub target: Cow<'a, str>,
    /// The edge key NetworkX uses in a multigraph: the relation name.
    #[serde(default, skip_deserializing)]
    pub key: Option<RelationKind>,
    /// Relation name.
    pub relation: RelationKind,
    /// Confidence in the edge from all its evidence (recomputed when a file is loaded).
    #[serde(default)]
    pub confidence: Confidence,
    /// Supporting sentences.
    #[serde(default)]
    pub evidence: Cow<'a, [Evidence]>,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphFile<'a> {
    /// Always true: relations have a subject and an object.
    #[serde(default = "yes")]
    pub directed: bool,
    /// Always true: two entities may be linked by several relations (one edge per
    /// (subject, relation, object), evidence merged); each edge's `key` is its relation.
    #[serde(default)]
    pub multigraph: bool,
    /// Generator and sources.
    pub meta: Meta,
    /// Entities.
    pub nodes: Vec<Cow<'a, Entity>>,
    /// Relations.
    pub edges: Vec<EdgeRecord<'a>>,
    /// Reported contradictions.
    #[serde(default)]
    pub conflicts: Cow<'a, [Conflict]>,
}

fn yes() -> bool {
    true
}

/// The generator string written into `meta.generator`.
pub fn generator() -> String {
    format!("kg {}", env!("CARGO_PKG_VERSION"))
}

impl KnowledgeGraph {
    /// The serialisable view of this graph, borrowing from it.
    pub fn to_file(&self) -> GraphFile<'_> {
        GraphFile {
            directed: true,
            multigraph: true,
            meta: Meta {
                generator: generator(),
                documents: self.documents().to_vec(),
            },
            nodes: self.entities().map(Cow::Borrowed).collect(),
            edges: self
                .sorted_edges()
                .into_iter()
                .map(|e| EdgeRecord {
                    source: Cow::Borrowed(e.source.id.as_str()),
                    target: Cow::Borrowed(e.target.id.as_str()),
                    key: Some(e.relation.kind),
                    relation: e.relation.kind,
                    confidence: e.relation.confidence(),
                    evidence: Cow::Borrowed(&e.relation.evidence),
                })
                .collect(),
            conflicts: Cow::Borrowed(self.conflicts()),
        }
    }

    /// Serialises to pretty JSON with a trailing newline.
    pub fn to_json_string(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.to_file()).expect("graph serialises");
        s.push('\n');
        s
    }

    /// Builds a graph from a parsed file, checking that every edge names known nodes.
    pub fn from_file(file: GraphFile<'_>, name: &str) -> Result<Self, GraphError> {
        let mut g = KnowledgeGraph::new();
        for doc in &file.meta.documents {
            g.add_document(doc);
        }
        for node in file.nodes {
            let node = node.into_owned();
            if g.node(&node.id).is_some() {
                return Err(GraphError::DuplicateEntity {
                    context: name.to_string(),
                    id: node.id,
                });
            }
            g.add_entity(node);
        }
        for (i, edge) in file.edges.into_iter().enumerate() {
            for end in [&edge.source, &edge.target] {
                if g.node(end).is_none() {
                    return Err(GraphError::UnknownEntity {
                        context: format!(
                            "{name}: edge {i} ({} {} {})",
                            edge.source, edge.relation, edge.target
                        ),
                        id: end.to_string(),
                    });
                }
            }
            g.add_relation(&edge.source, edge.relation, &edge.target, &edge.evidence)?;
        }
        g.set_conflicts(file.conflicts.into_owned());
        Ok(g)
    }

    /// Parses `graph.json` text; syntax and contract errors carry `name:line:column`.
    pub fn from_json_str(text: &str, name: &str) -> Result<Self, GraphError> {
        let file: GraphFile<'_> = serde_json::from_str(text).map_err(|e| GraphError::Syntax {
            path: name.to_string(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        Self::from_file(file, name)
    }

    /// Reads and parses a `graph.json` file.
    pub fn load(path: &std::path::Path) -> Result<Self, GraphError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| GraphError::Io {
            path: name.clone(),
            source,
        })?;
        Self::from_json_str(&text, &name)
    }
}

/// serde_json appends " at line L column C"; we print the position up front instead.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, Tier};

    fn sample() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.add_document("a.txt");
        for (id, label, kind) in [
            (
                "sco",
                "Shanghai Cooperation Organization",
                EntityKind::Organization,
            ),
            ("iran", "Iran", EntityKind::Country),
        ] {
            g.add_entity(Entity {
                id: id.into(),
                label: label.into(),
                kind,
                aliases: vec!["x\"y".into()],
                wikidata: Some("Q1".into()),
            });
        }
        g.add_relation(
            "iran",
            RelationKind::ObserverOf,
            "sco",
            &[Evidence {
                document: "a.txt".into(),
                sentence: "Iran is an observer.".into(),
                start: 0,
                end: 20,
                rule: "r".into(),
                tier: Tier::Explicit,
                confidence: Default::default(),
                when: None,
            }],
        )
        .unwrap();
        g
    }

    #[test]
    fn round_trips_byte_identically() {
        let text = sample().to_json_string();
        let back = KnowledgeGraph::from_json_str(&text, "g.json").unwrap();
        assert_eq!(back.to_json_string(), text);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = KnowledgeGraph::from_json_str("{\n  \"meta\": ,\n}", "g.json").unwrap_err();
        assert!(err.to_string().starts_with("g.json:2:11: "), "{err}");
    }

    #[test]
    fn edge_to_missing_node_is_refused() {
        let text = sample()
            .to_json_string()
            .replace("\"source\": \"iran\"", "\"source\": \"ghost\"");
        let err = KnowledgeGraph::from_json_str(&text, "g.json").unwrap_err();
        assert!(
            err.to_string().contains("unknown entity id 'ghost'"),
            "{err}"
        );
    }
}
