//! Name resolution shared by every query command: a name given on the command line (or as a
//! pattern property) → one entity.
//!
//! A name matches an entity's id exactly, or its label or one of its aliases after
//! normalisation: NFKC (full-width letters become ASCII), lower case, combining marks removed
//! (`Türkiye` = `turkiye`), runs of white space collapsed, and a leading "the " dropped. CJK
//! names match their CJK aliases unchanged. A label match beats an alias match; when several
//! entities still answer, the name is ambiguous. A miss suggests the closest names by
//! Jaro–Winkler similarity.

use super::QueryError;
use crate::graph::KnowledgeGraph;
use petgraph::stable_graph::NodeIndex;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The comparison form of a name.
///
/// ```
/// use kg::query::resolve::normalize;
/// assert_eq!(normalize("The  Shanghai Cooperation Organization"), "shanghai cooperation organization");
/// assert_eq!(normalize("ＳＣＯ"), "sco");
/// assert_eq!(normalize("Türkiye"), "turkiye");
/// assert_eq!(normalize("上海協力機構"), "上海協力機構");
/// ```
pub fn normalize(name: &str) -> String {
    // NFKD decomposes compatibility forms and separates marks; NFC afterwards recomposes what
    // is left so CJK and Hangul compare in their usual form.
    let folded: String = name
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let folded: String = folded.nfc().collect();
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    match out.strip_prefix("the ") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => out,
    }
}

/// Whether a name is one of an entity's label or aliases (normalised).
pub fn names_entity(graph: &KnowledgeGraph, node: NodeIndex, normalized: &str) -> bool {
    let e = graph.entity(node);
    normalize(&e.label) == normalized || e.aliases.iter().any(|a| normalize(a) == normalized)
}

/// An index from normalised names to entities, built once per command.
#[derive(Debug)]
pub struct Resolver<'g> {
    graph: &'g KnowledgeGraph,
    labels: HashMap<String, Vec<NodeIndex>>,
    aliases: HashMap<String, Vec<NodeIndex>>,
}

impl<'g> Resolver<'g> {
    /// Indexes every label and alias of the graph.
    pub fn new(graph: &'g KnowledgeGraph) -> Self {
        let mut labels: HashMap<String, Vec<NodeIndex>> = HashMap::new();
        let mut aliases: HashMap<String, Vec<NodeIndex>> = HashMap::new();
        for n in graph.sorted_nodes() {
            let e = graph.entity(n);
            labels.entry(normalize(&e.label)).or_default().push(n);
            for a in &e.aliases {
                let list = aliases.entry(normalize(a)).or_default();
                if list.last() != Some(&n) {
                    list.push(n);
                }
            }
        }
        Resolver {
            graph,
            labels,
            aliases,
        }
    }

    /// The entities a name could mean, sorted by id: exact id, else labels, else aliases.
    pub fn candidates(&self, name: &str) -> Vec<NodeIndex> {
        if let Some(n) = self.graph.node(name) {
            return vec![n];
        }
        let key = normalize(name);
        if let Some(list) = self.labels.get(&key) {
            return list.clone();
        }
        if let Some(list) = self.aliases.get(&key) {
            return list.clone();
        }
        Vec::new()
    }

    /// The one entity a name means, or an error with suggestions or candidates.
    pub fn resolve(&self, name: &str) -> Result<NodeIndex, QueryError> {
        let found = self.candidates(name);
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(QueryError::UnknownName {
                name: name.to_string(),
                suggestions: self.suggestions(name, 3),
            }),
            many => Err(QueryError::Ambiguous {
                name: name.to_string(),
                candidates: many
                    .iter()
                    .map(|&n| {
                        let e = self.graph.entity(n);
                        format!("{} ({}, {})", e.label, e.kind, e.id)
                    })
                    .collect(),
            }),
        }
    }

    /// Labels of the entities whose label or alias is closest to `name`, best first.
    pub fn suggestions(&self, name: &str, max: usize) -> Vec<String> {
        let key = normalize(name);
        let mut best: HashMap<NodeIndex, f64> = HashMap::new();
        for (names, list) in [&self.labels, &self.aliases]
            .into_iter()
            .flat_map(|m| m.iter())
        {
            let score = strsim::jaro_winkler(&key, names);
            if score < 0.8 {
                continue;
            }
            for &n in list {
                let s = best.entry(n).or_insert(0.0);
                if score > *s {
                    *s = score;
                }
            }
        }
        let mut ranked: Vec<(f64, &str, NodeIndex)> = best
            .into_iter()
            .map(|(n, s)| (s, self.graph.entity(n).id.as_str(), n))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        ranked
            .into_iter()
            .take(max)
            .map(|(_, _, n)| self.graph.entity(n).label.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, EntityKind};

    fn graph() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        for (id, label, aliases) in [
            (
                "sco",
                "Shanghai Cooperation Organization",
                vec!["SCO", "上海協力機構"],
            ),
            ("xi-jinping", "Xi Jinping", vec!["Xi"]),
            ("turkiye", "Türkiye", vec!["Turkey"]),
            ("georgia-country", "Georgia", vec![]),
            ("georgia-state", "Georgia", vec![]),
        ] {
            g.add_entity(Entity {
                id: id.into(),
                label: label.into(),
                kind: EntityKind::Country,
                aliases: aliases.into_iter().map(String::from).collect(),
                wikidata: None,
            });
        }
        g
    }

    #[test]
    fn resolves_labels_aliases_and_ids_loosely() {
        let g = graph();
        let r = Resolver::new(&g);
        let sco = g.node("sco").unwrap();
        for name in [
            "sco",
            "SCO",
            "ＳＣＯ",
            "上海協力機構",
            "the Shanghai  Cooperation Organization",
        ] {
            assert_eq!(r.resolve(name).unwrap(), sco, "{name}");
        }
        assert_eq!(r.resolve("TURKIYE").unwrap(), g.node("turkiye").unwrap());
        assert_eq!(
            r.resolve("georgia-state").unwrap(),
            g.node("georgia-state").unwrap()
        );
    }

    #[test]
    fn misses_suggest_and_ambiguity_lists_candidates() {
        let g = graph();
        let r = Resolver::new(&g);
        match r.resolve("Xi Jingping").unwrap_err() {
            QueryError::UnknownName { suggestions, .. } => assert_eq!(suggestions[0], "Xi Jinping"),
            other => panic!("{other}"),
        }
        match r.resolve("georgia").unwrap_err() {
            QueryError::Ambiguous { candidates, .. } => assert_eq!(candidates.len(), 2),
            other => panic!("{other}"),
        }
    }
}
