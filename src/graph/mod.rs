//! The knowledge graph: a petgraph `StableDiGraph` of entities and relations, plus an id index.
//!
//! The graph is a merge of claims. Adding the same (subject, relation, object) twice gives one
//! edge with both pieces of evidence; symmetric relations (`met-with`) are stored once, from
//! the smaller id to the larger. Iteration order is by entity id, then relation, so every
//! export built from it is deterministic.
//!
//! ```
//! use kg::graph::KnowledgeGraph;
//! use kg::model::*;
//!
//! let mut g = KnowledgeGraph::new();
//! for (id, label, kind) in [("xi-jinping", "Xi Jinping", EntityKind::Person),
//!                           ("vladimir-putin", "Vladimir Putin", EntityKind::Person)] {
//!     g.add_entity(Entity { id: id.into(), label: label.into(), kind, aliases: vec![], wikidata: None });
//! }
//! let evidence = Evidence { document: "a.txt".into(), sentence: "Xi met Putin.".into(),
//!     start: 0, end: 13, rule: "verb.met".into(), tier: Tier::Explicit,
//!     confidence: Confidence::new(0.9), when: None };
//! g.add_claim(&Claim { subject: "xi-jinping".into(), relation: RelationKind::MetWith,
//!     object: "vladimir-putin".into(), evidence: evidence.clone() }).unwrap();
//! g.add_claim(&Claim { subject: "vladimir-putin".into(), relation: RelationKind::MetWith,
//!     object: "xi-jinping".into(), evidence }).unwrap();
//! assert_eq!(g.edge_count(), 1); // symmetric, stored once, evidence deduplicated
//! ```

mod conflicts;
pub mod json;
pub mod merge;

pub use conflicts::{ConflictRule, ConflictTable};
pub use merge::{MergeOverrides, MergeRecord, Merger};

mod ids;
mod load;

use crate::hash::FxBuild;
use crate::model::{Claim, Conflict, Entity, Evidence, Relation, RelationKind};
use compact_str::CompactString;
use ids::IdIndex;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Errors raised while assembling a graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// A claim or edge names an entity that is not in the graph.
    #[error("{context}: unknown entity id '{id}'")]
    UnknownEntity {
        /// Where the reference was found.
        context: String,
        /// The missing id.
        id: String,
    },
    /// Two entities share an id.
    #[error("{context}: duplicate entity id '{id}'")]
    DuplicateEntity {
        /// Where the duplicate was found.
        context: String,
        /// The id.
        id: String,
    },
    /// A graph, merges or conflicts file that is not valid or does not follow its contract.
    #[error("{0}")]
    Syntax(#[from] crate::error::SyntaxError),
    /// A merges file declares one pair both `same-as` and `distinct-from`.
    #[error(
        "{}: '{}' and '{}' are declared same-as here and distinct-from at {}",
        .0.same, .0.a, .0.b, .0.distinct
    )]
    Contradiction(Box<merge::Contradiction>),
    /// The graph file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File name.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// (subject, relation, object) → its one edge.
type EdgeMap = HashMap<(NodeIndex, RelationKind, NodeIndex), EdgeIndex, FxBuild>;

/// The entity–relation graph with evidence on every edge.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    graph: StableDiGraph<Entity, Relation>,
    /// The node of each entity id. Ids of up to 24 bytes are stored inline, so a lookup
    /// touches the table and nothing else (loading resolves two ids per edge).
    index: IdIndex,
    /// Built on first use: a graph loaded only to be queried never needs it, and building it
    /// is a third of the cost of loading a large file.
    edges: OnceLock<EdgeMap>,
    documents: Vec<String>,
    /// Hashes of the document names, so adding a document stays O(1) with a corpus of
    /// millions (a name is compared only on a hash hit).
    document_hashes: std::collections::HashMap<u64, Vec<usize>, FxBuild>,
    conflicts: Vec<Conflict>,
}

impl KnowledgeGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty graph with room for `nodes` entities and `edges` edges (used when loading).
    pub fn with_capacity(nodes: usize, edges: usize) -> Self {
        KnowledgeGraph {
            graph: StableDiGraph::with_capacity(nodes, edges),
            index: IdIndex::with_capacity(nodes),
            edges: OnceLock::new(),
            documents: Vec::new(),
            document_hashes: Default::default(),
            conflicts: Vec::new(),
        }
    }

    /// Adds an entity, or merges its aliases into the entity that already has its id.
    ///
    /// The first label and type win; later aliases are appended when new.
    pub fn add_entity(&mut self, entity: Entity) -> NodeIndex {
        let id = CompactString::new(&entity.id);
        let mut new = Some(entity);
        let graph = &mut self.graph;
        let (ix, known) = self
            .index
            .get_or_insert_with(id, || graph.add_node(new.take().expect("called once")));
        if let (true, Some(entity)) = (known, new) {
            let node = &mut self.graph[ix];
            for alias in entity.aliases {
                if alias != node.label && !node.aliases.contains(&alias) {
                    node.aliases.push(alias);
                }
            }
            if node.wikidata.is_none() {
                node.wikidata = entity.wikidata;
            }
        }
        ix
    }

    /// Adds a claim as an edge, or adds its evidence to the edge that already states it.
    ///
    /// Both endpoints must already be entities of the graph.
    pub fn add_claim(&mut self, claim: &Claim) -> Result<EdgeIndex, GraphError> {
        self.add_relation(
            &claim.subject,
            claim.relation,
            &claim.object,
            std::slice::from_ref(&claim.evidence),
        )
    }

    /// Adds evidence for `subject —relation→ object`, creating the edge if needed.
    pub fn add_relation(
        &mut self,
        subject: &str,
        relation: RelationKind,
        object: &str,
        evidence: &[Evidence],
    ) -> Result<EdgeIndex, GraphError> {
        self.add_relation_owned(subject, relation, object, evidence.to_vec())
    }

    /// [`add_relation`](Self::add_relation) taking the evidence by value, so loading a file
    /// moves each sentence into the graph instead of copying it.
    pub fn add_relation_owned(
        &mut self,
        subject: &str,
        relation: RelationKind,
        object: &str,
        evidence: Vec<Evidence>,
    ) -> Result<EdgeIndex, GraphError> {
        let lookup = |id: &str| {
            self.node(id).ok_or_else(|| GraphError::UnknownEntity {
                context: format!("{relation} claim"),
                id: id.to_string(),
            })
        };
        let (s, o) = (lookup(subject)?, lookup(object)?);
        Ok(self.add_relation_between(s, relation, o, evidence))
    }

    /// [`add_relation_owned`](Self::add_relation_owned) between two nodes already looked up.
    pub(crate) fn add_relation_between(
        &mut self,
        mut s: NodeIndex,
        relation: RelationKind,
        mut o: NodeIndex,
        mut evidence: Vec<Evidence>,
    ) -> EdgeIndex {
        if relation.is_symmetric() && self.graph[s].id > self.graph[o].id {
            std::mem::swap(&mut s, &mut o);
        }
        if let Some(&ix) = self.edge_map().get(&(s, relation, o)) {
            let list = &mut self.graph[ix].evidence;
            for ev in evidence {
                if let Err(pos) = list.binary_search(&ev) {
                    list.insert(pos, ev);
                }
            }
            return ix;
        }
        // Files list evidence sorted and unique already; only sort when they do not.
        if !evidence.is_sorted_by(|a, b| a < b) {
            evidence.sort();
            evidence.dedup();
        }
        let ix = self.graph.add_edge(
            s,
            o,
            Relation {
                kind: relation,
                evidence,
            },
        );
        self.edge_map_mut().insert((s, relation, o), ix);
        ix
    }

    /// One evidence item for `s —relation→ o` (nodes already looked up), creating the edge
    /// if needed: [`add_relation_between`](Self::add_relation_between) without a vector for
    /// an edge that exists.
    pub(crate) fn add_evidence_between(
        &mut self,
        mut s: NodeIndex,
        relation: RelationKind,
        mut o: NodeIndex,
        evidence: Evidence,
    ) -> EdgeIndex {
        if relation.is_symmetric() && self.graph[s].id > self.graph[o].id {
            std::mem::swap(&mut s, &mut o);
        }
        if let Some(&ix) = self.edge_map().get(&(s, relation, o)) {
            let list = &mut self.graph[ix].evidence;
            // Documents come in order, so new evidence mostly belongs at the end.
            match list.last() {
                Some(last) if *last < evidence => list.push(evidence),
                _ => {
                    if let Err(pos) = list.binary_search(&evidence) {
                        list.insert(pos, evidence);
                    }
                }
            }
            return ix;
        }
        self.add_relation_between(s, relation, o, vec![evidence])
    }

    /// The edge map, built from the edges on first use.
    fn edge_map(&self) -> &EdgeMap {
        self.edges.get_or_init(|| {
            let mut map =
                EdgeMap::with_capacity_and_hasher(self.graph.edge_count(), FxBuild::default());
            for e in self.graph.edge_references() {
                map.insert((e.source(), e.weight().kind, e.target()), e.id());
            }
            map
        })
    }

    fn edge_map_mut(&mut self) -> &mut EdgeMap {
        self.edge_map();
        self.edges.get_mut().expect("edge map was just built")
    }

    /// Removes the edges whose confidence is below `min` (and recomputes nothing else:
    /// conflicts are left to the caller).
    pub fn retain_confident(&mut self, min: f64) {
        let weak: Vec<EdgeIndex> = self
            .graph
            .edge_indices()
            .filter(|&e| self.graph[e].confidence().get() < min)
            .collect();
        if weak.is_empty() {
            return;
        }
        for e in weak {
            self.graph.remove_edge(e);
        }
        self.edges = OnceLock::new();
    }

    /// Records a document as a source of this graph (kept once, in the order added).
    pub fn add_document(&mut self, name: &str) {
        use std::hash::BuildHasher;
        let hash = FxBuild::default().hash_one(name);
        let places = self.document_hashes.entry(hash).or_default();
        if !places.iter().any(|&i| self.documents[i] == name) {
            places.push(self.documents.len());
            self.documents.push(name.to_string());
        }
    }

    /// The documents this graph was built from.
    pub fn documents(&self) -> &[String] {
        &self.documents
    }

    /// Recomputes the conflicts from a table of incompatible relations.
    pub fn detect_conflicts(&mut self, table: &ConflictTable) {
        self.conflicts = table.find(self);
    }

    /// Replaces the conflict list (used when loading a saved graph).
    pub fn set_conflicts(&mut self, mut conflicts: Vec<Conflict>) {
        conflicts.sort();
        self.conflicts = conflicts;
    }

    /// Conflicts found by the last [`detect_conflicts`](Self::detect_conflicts).
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// The node of an entity id.
    pub fn node(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id)
    }

    /// The entity of a node.
    pub fn entity(&self, ix: NodeIndex) -> &Entity {
        &self.graph[ix]
    }

    /// The entity with an id.
    pub fn entity_by_id(&self, id: &str) -> Option<&Entity> {
        self.node(id).map(|ix| &self.graph[ix])
    }

    /// The edge `subject —relation→ object`, if any (symmetric relations in either order).
    pub fn find_edge(
        &self,
        subject: &str,
        relation: RelationKind,
        object: &str,
    ) -> Option<&Relation> {
        let (mut s, mut o) = (self.node(subject)?, self.node(object)?);
        if relation.is_symmetric() && self.graph[s].id > self.graph[o].id {
            std::mem::swap(&mut s, &mut o);
        }
        self.edge_map()
            .get(&(s, relation, o))
            .map(|&ix| &self.graph[ix])
    }

    /// Number of entities.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of (subject, relation, object) edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The underlying petgraph graph, for algorithms.
    pub fn petgraph(&self) -> &StableDiGraph<Entity, Relation> {
        &self.graph
    }

    /// Node indices sorted by entity id.
    pub fn sorted_nodes(&self) -> Vec<NodeIndex> {
        let mut nodes: Vec<NodeIndex> = self.graph.node_indices().collect();
        // Stable, so the same on any number of threads (ids are unique anyway).
        nodes.par_sort_by(|a, b| self.graph[*a].id.cmp(&self.graph[*b].id));
        nodes
    }

    /// Entities sorted by id.
    pub fn entities(&self) -> impl Iterator<Item = &Entity> + '_ {
        self.sorted_nodes()
            .into_iter()
            .map(move |ix| &self.graph[ix])
    }

    /// Edges as `(source, relation, target)`, sorted by source id, relation, target id.
    pub fn sorted_edges(&self) -> Vec<EdgeView<'_>> {
        let mut edges: Vec<EdgeView<'_>> = self
            .graph
            .edge_references()
            .map(|e| EdgeView {
                index: e.id(),
                source: &self.graph[e.source()],
                target: &self.graph[e.target()],
                relation: e.weight(),
            })
            .collect();
        // (source, relation, target) is unique, so the parallel sort's order is the order.
        edges.par_sort_by(|a, b| {
            (&a.source.id, a.relation.kind, &a.target.id).cmp(&(
                &b.source.id,
                b.relation.kind,
                &b.target.id,
            ))
        });
        edges
    }
}

/// A borrowed view of one edge with its endpoints.
#[derive(Debug, Clone, Copy)]
pub struct EdgeView<'g> {
    /// The petgraph edge index.
    pub index: EdgeIndex,
    /// Subject entity.
    pub source: &'g Entity,
    /// Object entity.
    pub target: &'g Entity,
    /// Relation kind and evidence.
    pub relation: &'g Relation,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, Tier};

    fn entity(id: &str, kind: EntityKind) -> Entity {
        Entity {
            id: id.into(),
            label: id.into(),
            kind,
            aliases: vec![],
            wikidata: None,
        }
    }

    fn evidence(start: usize) -> Evidence {
        Evidence {
            document: "d.txt".into(),
            sentence: "s".into(),
            start,
            end: start + 1,
            rule: "r".into(),
            tier: Tier::Explicit,
            confidence: Default::default(),
            when: None,
        }
    }

    #[test]
    fn same_triple_merges_evidence() {
        let mut g = KnowledgeGraph::new();
        g.add_entity(entity("iran", EntityKind::Country));
        g.add_entity(entity("sco", EntityKind::Organization));
        for start in [5, 1, 5] {
            g.add_relation("iran", RelationKind::MemberOf, "sco", &[evidence(start)])
                .unwrap();
        }
        assert_eq!(g.edge_count(), 1);
        let rel = g.find_edge("iran", RelationKind::MemberOf, "sco").unwrap();
        assert_eq!(
            rel.evidence.iter().map(|e| e.start).collect::<Vec<_>>(),
            [1, 5]
        );
        assert!(g.find_edge("sco", RelationKind::MemberOf, "iran").is_none());
    }

    #[test]
    fn unknown_endpoint_is_an_error() {
        let mut g = KnowledgeGraph::new();
        g.add_entity(entity("iran", EntityKind::Country));
        let err = g
            .add_relation("iran", RelationKind::MemberOf, "nowhere", &[evidence(0)])
            .unwrap_err();
        assert!(err.to_string().contains("nowhere"));
    }

    #[test]
    fn entity_aliases_merge() {
        let mut g = KnowledgeGraph::new();
        let mut a = entity("china", EntityKind::Country);
        a.aliases = vec!["PRC".into()];
        g.add_entity(a);
        let mut b = entity("china", EntityKind::Country);
        b.aliases = vec!["PRC".into(), "中国".into()];
        b.wikidata = Some("Q148".into());
        g.add_entity(b);
        let e = g.entity_by_id("china").unwrap();
        assert_eq!(e.aliases, ["PRC", "中国"]);
        assert_eq!(e.wikidata.as_deref(), Some("Q148"));
        assert_eq!(g.node_count(), 1);
    }
}
