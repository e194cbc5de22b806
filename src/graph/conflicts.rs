//! Incompatible relations: a small declared table, checked over the merged graph.
//!
//! The table is data (`data/conflicts.toml`, compiled in as the default). A conflict is two
//! edges with the same subject and object whose relations the table declares incompatible,
//! such as `observer-of` and `member-of` of the same organization. Both edges stay in the
//! graph with their evidence; the conflict is only reported.

use super::KnowledgeGraph;
use crate::model::{Conflict, RelationKind};
use serde::Deserialize;

/// The compiled-in conflict table.
pub const DEFAULT_CONFLICTS: &str = include_str!("../../data/conflicts.toml");

/// One pair of relations that cannot both hold between the same two entities.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConflictRule {
    /// The two relations.
    pub relations: [RelationKind; 2],
    /// Why they are incompatible, shown to users.
    pub reason: String,
}

/// The declared table of incompatible relations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConflictTable {
    /// The incompatible pairs.
    #[serde(default, rename = "conflict")]
    pub rules: Vec<ConflictRule>,
}

impl ConflictTable {
    /// Parses a table from TOML text; errors carry `name:line:col`.
    pub fn from_toml(name: &str, text: &str) -> Result<Self, super::GraphError> {
        toml::from_str(text).map_err(|e| crate::error::SyntaxError::toml(name, text, &e).into())
    }

    /// The compiled-in default table.
    pub fn builtin() -> Self {
        Self::from_toml("data/conflicts.toml", DEFAULT_CONFLICTS)
            .expect("the built-in conflict table parses")
    }

    /// Every conflict in the graph, sorted.
    pub fn find(&self, graph: &KnowledgeGraph) -> Vec<Conflict> {
        let mut out = Vec::new();
        for edge in graph.sorted_edges() {
            for rule in &self.rules {
                let [a, b] = rule.relations;
                if edge.relation.kind != a {
                    continue;
                }
                let clash = graph
                    .find_edge(&edge.source.id, b, &edge.target.id)
                    .is_some();
                if clash {
                    out.push(Conflict {
                        subject: edge.source.id.clone(),
                        object: edge.target.id.clone(),
                        relations: [a, b],
                        reason: rule.reason.clone(),
                    });
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, EntityKind, Evidence, Tier};

    #[test]
    fn observer_and_member_conflict_is_reported_not_resolved() {
        let mut g = KnowledgeGraph::new();
        for (id, kind) in [
            ("iran", EntityKind::Country),
            ("sco", EntityKind::Organization),
        ] {
            g.add_entity(Entity {
                id: id.into(),
                label: id.into(),
                kind,
                aliases: vec![],
                wikidata: None,
            });
        }
        let ev = Evidence {
            document: "d".into(),
            sentence: "s".into(),
            start: 0,
            end: 1,
            rule: "r".into(),
            tier: Tier::Explicit,
            confidence: Default::default(),
            when: None,
        };
        g.add_relation(
            "iran",
            RelationKind::ObserverOf,
            "sco",
            std::slice::from_ref(&ev),
        )
        .unwrap();
        let table = ConflictTable::builtin();
        assert!(table.find(&g).is_empty());
        g.add_relation("iran", RelationKind::MemberOf, "sco", &[ev])
            .unwrap();
        g.detect_conflicts(&table);
        assert_eq!(g.conflicts().len(), 1);
        assert_eq!(
            g.conflicts()[0].relations,
            [RelationKind::ObserverOf, RelationKind::MemberOf]
        );
        assert_eq!(g.edge_count(), 2);
    }

    #[test]
    fn bad_table_names_line_and_column() {
        let err = ConflictTable::from_toml(
            "c.toml",
            "[[conflict]]\nrelations = [\"observer-of\", \"friend-of\"]\nreason = \"x\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("c.toml:2:"), "{err}");
    }
}
