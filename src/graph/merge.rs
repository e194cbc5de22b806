//! Merging the entities of many documents into one node each, with a log of every merge.
//!
//! Each document brings its own entities (from the lexicon or discovered in it). An incoming
//! entity joins an existing node when it has the same id, or when one of its names (label or
//! alias, normalised: NFKC, case, curly quotes, a leading "the") is a name of an existing
//! node of the same type. Single words only count when they are a node's label or an acronym
//! ("Lula" alone never merges two people). A name shared by nodes of different types is
//! reported, never merged. The log keeps the decisions a person would review, each once
//! with the first document it was taken in and the number of documents it applied to: a
//! merge by a shared name, an override applied, a name two candidates share, a type
//! conflict. A same-id merge (the lexicon's own entity met again) is no decision and is not
//! logged. Decisions are overridden with a merges file of `same-as` and `distinct-from` pairs:
//!
//! ```toml
//! [[same-as]]
//! a = "lula-da-silva"        # entity ids (or labels)
//! b = "luiz-inacio-lula-da-silva"
//!
//! [[distinct-from]]
//! a = "georgia"
//! b = "georgia-us-state"
//! ```
//!
//! A pair declared both same-as and distinct-from (in one file or across several) is
//! refused with both places; a rule naming no entity of the built graph is kept and
//! reported as a [`Warning`] ([`MergeOverrides::unknown_names`]).

use super::{GraphError, KnowledgeGraph};
use crate::error::{Position, SyntaxError, Warning};
use crate::hash::FxBuild;
use crate::model::{Claim, Entity};
use petgraph::stable_graph::NodeIndex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use unicode_normalization::UnicodeNormalization;

/// One logged decision.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MergeRecord {
    /// The node the entity was merged into (or, for a type conflict, the existing node).
    pub into: String,
    /// The incoming entity's id in its document.
    pub entity: String,
    /// The incoming entity's label.
    pub label: String,
    /// The first document (in merge order) where the decision was taken.
    pub document: String,
    /// `same-name`, `same-as`, `ambiguous-name` or `type-conflict`.
    pub kind: String,
    /// Human-readable reason: which name matched.
    pub reason: String,
    /// In how many documents the same decision applied again.
    #[serde(default = "one")]
    pub documents: usize,
}

fn one() -> usize {
    1
}

/// User overrides: pairs of ids (or labels) that are the same entity, or distinct.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeOverrides {
    /// Pairs to merge.
    #[serde(default, rename = "same-as")]
    pub same_as: Vec<Pair>,
    /// Pairs never to merge by name.
    #[serde(default, rename = "distinct-from")]
    pub distinct_from: Vec<Pair>,
}

/// Two entity ids or labels.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    /// First entity.
    pub a: String,
    /// Second entity.
    pub b: String,
    /// Where the rule's table starts in its merges file (none for a pair made in code).
    #[serde(skip)]
    pub position: Option<Position>,
}

/// One pair declared both same-as and distinct-from ([`GraphError::Contradiction`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    /// Where the `same-as` rule is.
    pub same: Position,
    /// Where the `distinct-from` rule is.
    pub distinct: Position,
    /// One side of the pair, as the same-as rule writes it.
    pub a: String,
    /// The other side.
    pub b: String,
}

/// A merges file as written, each rule with its place.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverrides {
    #[serde(default, rename = "same-as")]
    same_as: Vec<toml::Spanned<Pair>>,
    #[serde(default, rename = "distinct-from")]
    distinct_from: Vec<toml::Spanned<Pair>>,
}

impl MergeOverrides {
    /// Parses a merges file; errors carry `name:line:col`. A pair declared both same-as and
    /// distinct-from is refused ([`GraphError::Contradiction`], both places named).
    pub fn from_toml(name: &str, text: &str) -> Result<Self, GraphError> {
        let raw: RawOverrides =
            toml::from_str(text).map_err(|e| SyntaxError::toml(name, text, &e))?;
        let placed = |rules: Vec<toml::Spanned<Pair>>| -> Vec<Pair> {
            rules
                .into_iter()
                .map(|r| {
                    let start = r.span().start;
                    let mut pair = r.into_inner();
                    pair.position = Some(Position::in_file(name, text, start));
                    pair
                })
                .collect()
        };
        let overrides = MergeOverrides {
            same_as: placed(raw.same_as),
            distinct_from: placed(raw.distinct_from),
        };
        overrides.check()?;
        Ok(overrides)
    }

    /// Adds the rules of another merges file, refusing a pair that is then declared both
    /// same-as and distinct-from.
    pub fn extend(&mut self, more: MergeOverrides) -> Result<(), GraphError> {
        self.same_as.extend(more.same_as);
        self.distinct_from.extend(more.distinct_from);
        self.check()
    }

    /// Refuses a pair both same-as and distinct-from: which one wins would depend on the
    /// order entities are met in, so neither is applied.
    fn check(&self) -> Result<(), GraphError> {
        let unordered = |p: &Pair| {
            let (a, b) = (Self::key(&p.a), Self::key(&p.b));
            if a <= b { (a, b) } else { (b, a) }
        };
        let distinct: HashMap<(String, String), &Pair> = self
            .distinct_from
            .iter()
            .map(|p| (unordered(p), p))
            .collect();
        for same in &self.same_as {
            if let Some(other) = distinct.get(&unordered(same)) {
                let place = |p: &Pair| p.position.clone().unwrap_or_default();
                return Err(GraphError::Contradiction(Box::new(Contradiction {
                    same: place(same),
                    distinct: place(other),
                    a: same.a.clone(),
                    b: same.b.clone(),
                })));
            }
        }
        Ok(())
    }

    /// A warning for each side of a rule that names no entity of `graph` (by id, label or
    /// alias, compared as the merge compares them): most often a typo, and then the rule
    /// does nothing. Not an error, since one merges file serves many corpora.
    pub fn unknown_names(&self, graph: &KnowledgeGraph) -> Vec<Warning> {
        let mut wanted: BTreeSet<String> = BTreeSet::new();
        for p in self.same_as.iter().chain(&self.distinct_from) {
            wanted.insert(Self::key(&p.a));
            wanted.insert(Self::key(&p.b));
        }
        if wanted.is_empty() {
            return Vec::new();
        }
        for e in graph.entities() {
            for name in [&e.id, &e.label].into_iter().chain(&e.aliases) {
                wanted.remove(&Self::key(name));
            }
        }
        let mut out = Vec::new();
        for (kind, list) in [
            ("same-as", &self.same_as),
            ("distinct-from", &self.distinct_from),
        ] {
            for p in list {
                for side in [&p.a, &p.b] {
                    if wanted.contains(&Self::key(side)) {
                        out.push(Warning {
                            position: p.position.clone(),
                            message: format!(
                                "{kind} rule names '{side}', which is no entity of this graph: the rule does nothing"
                            ),
                        });
                    }
                }
            }
        }
        out
    }

    fn key(s: &str) -> String {
        crate::model::slug(s)
    }

    fn pairs_with<'a>(list: &'a [Pair], id: &'a str) -> impl Iterator<Item = String> + 'a {
        let id = Self::key(id);
        list.iter().filter_map(move |p| {
            let (a, b) = (Self::key(&p.a), Self::key(&p.b));
            if a == id {
                Some(b)
            } else if b == id {
                Some(a)
            } else {
                None
            }
        })
    }
}

/// Normalises a name for matching: NFKC, straight quotes, lowercase, no leading "the ",
/// single spaces.
pub fn normalize_name(s: &str) -> String {
    let s: String = s
        .nfkc()
        .map(|c| match c {
            '‘' | '’' | '‛' | '′' => '\'',
            '“' | '”' | '„' | '″' => '"',
            c => c,
        })
        .collect();
    let s = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let s = s.strip_prefix("the ").unwrap_or(&s);
    s.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
        .to_string()
}

/// Whether a name is specific enough to merge two entities on its own.
fn specific(name: &str, entity: &Entity) -> bool {
    name == entity.label
        || name.split_whitespace().count() > 1
        || (name.chars().count() >= 2
            && name
                .chars()
                .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.'))
        || !name.is_ascii()
}

/// Builds a graph document by document, merging entities and logging why.
#[derive(Debug, Default)]
pub struct Merger {
    graph: KnowledgeGraph,
    names: HashMap<String, BTreeSet<String>>,
    /// (into, entity, kind) of each decision logged, and its place in the log.
    logged: HashMap<(String, String, &'static str), usize>,
    log: Vec<MergeRecord>,
    /// For each log entry, the number of the last document that counted it.
    last_counted: HashMap<usize, usize>,
    /// Documents added so far.
    documents: usize,
    overrides: MergeOverrides,
    /// By node index: the incoming entities already placed on it by id, as they came.
    placed: Vec<Vec<Entity>>,
}

impl Merger {
    /// A merger applying `overrides`.
    pub fn new(overrides: MergeOverrides) -> Self {
        Merger {
            overrides,
            ..Default::default()
        }
    }

    /// Adds one document's entities and claims.
    ///
    /// `surfaces` gives, per entity id, the names the document used for it; the merge takes
    /// no decision on them (they are kept in the claims file for review).
    pub fn add_document(
        &mut self,
        document: &str,
        entities: &[Entity],
        claims: &[Claim],
        _surfaces: &BTreeMap<String, Vec<String>>,
    ) -> Result<(), GraphError> {
        let ends = Self::check_listed(document, entities, claims)?;
        self.add_checked(document, entities, claims.iter().cloned(), &ends);
        Ok(())
    }

    /// [`add_document`](Self::add_document) taking the claims by value, so each evidence
    /// sentence moves into the graph instead of being copied (what `kg build` does).
    pub fn add_document_owned(
        &mut self,
        document: &str,
        entities: &[Entity],
        claims: Vec<Claim>,
    ) -> Result<(), GraphError> {
        let ends = Self::check_listed(document, entities, &claims)?;
        self.add_checked(document, entities, claims.into_iter(), &ends);
        Ok(())
    }

    /// A claims file can be edited by hand: a claim naming an entity its line does not
    /// list is refused before anything of the document is merged. Returns each claim's
    /// subject and object as positions in `entities` (the last entity of an id, if a line
    /// lists one twice), so that the merge looks no id up again.
    fn check_listed(
        document: &str,
        entities: &[Entity],
        claims: &[Claim],
    ) -> Result<Vec<(usize, usize)>, GraphError> {
        let mut listed: HashMap<&str, usize, FxBuild> =
            HashMap::with_capacity_and_hasher(entities.len(), FxBuild::default());
        for (i, e) in entities.iter().enumerate() {
            listed.insert(e.id.as_str(), i);
        }
        let position = |c: &Claim, id: &String| {
            listed
                .get(id.as_str())
                .copied()
                .ok_or_else(|| GraphError::UnknownEntity {
                    context: format!(
                        "{document}: claim '{} {} {}'",
                        c.subject, c.relation, c.object
                    ),
                    id: id.clone(),
                })
        };
        claims
            .iter()
            .map(|c| Ok((position(c, &c.subject)?, position(c, &c.object)?)))
            .collect()
    }

    /// Adds a document whose claims passed [`Merger::check_listed`], which gave `ends`.
    fn add_checked(
        &mut self,
        document: &str,
        entities: &[Entity],
        claims: impl Iterator<Item = Claim>,
        ends: &[(usize, usize)],
    ) {
        self.graph.add_document(document);
        self.documents += 1;
        let nodes: Vec<NodeIndex> = entities.iter().map(|e| self.place(document, e)).collect();
        for (c, &(s, o)) in claims.zip(ends) {
            let (s, o) = (nodes[s], nodes[o]);
            if s != o {
                self.graph
                    .add_evidence_between(s, c.relation, o, c.evidence);
            }
        }
    }

    /// Whether `e` was placed on node `ix` before, exactly as it is now: placing it again
    /// would add no alias, no Wikidata id and no name (aliases and names only ever grow), so
    /// the copy and the name normalisation can be skipped. Remembers it otherwise.
    fn placed_before(&mut self, ix: NodeIndex, e: &Entity) -> bool {
        /// Past this many variants of one node (a discovered name whose aliases differ in
        /// every document) the comparisons would cost more than they save.
        const MAX_VARIANTS: usize = 8;
        let i = ix.index();
        if self.placed.len() <= i {
            self.placed.resize_with(i + 1, Vec::new);
        }
        let variants = &mut self.placed[i];
        if variants.iter().any(|v| v == e) {
            return true;
        }
        if variants.len() < MAX_VARIANTS {
            variants.push(e.clone());
        }
        false
    }

    /// Finds or creates the node for an incoming entity; returns it.
    fn place(&mut self, document: &str, e: &Entity) -> NodeIndex {
        if let Some(ix) = self.graph.node(&e.id) {
            let existing_kind = self.graph.entity(ix).kind;
            if existing_kind != e.kind {
                self.record(
                    &e.id,
                    e,
                    document,
                    "type-conflict",
                    format!(
                        "same id, but {} here and {} before: kept as one node of the first type",
                        e.kind, existing_kind
                    ),
                );
            }
            if !self.placed_before(ix, e) {
                self.graph.add_entity(e.clone());
                self.index(&e.id, e);
            }
            return ix;
        }
        // A same-as override naming an existing node.
        let partner = MergeOverrides::pairs_with(&self.overrides.same_as, &e.id)
            .chain(MergeOverrides::pairs_with(
                &self.overrides.same_as,
                &e.label,
            ))
            .find(|p| self.graph.node(p).is_some());
        if let Some(p) = partner {
            self.record(
                &p,
                e,
                document,
                "same-as",
                "declared same-as in the merges file".to_string(),
            );
            return self.absorb(&p, e);
        }
        // A specific shared name with a node of the same type.
        let blocked: BTreeSet<String> =
            MergeOverrides::pairs_with(&self.overrides.distinct_from, &e.id)
                .chain(MergeOverrides::pairs_with(
                    &self.overrides.distinct_from,
                    &e.label,
                ))
                .collect();
        let mut found: Option<(String, String)> = None;
        let mut ambiguous: Option<(String, String, String)> = None;
        for name in std::iter::once(&e.label).chain(&e.aliases) {
            let Some(ids) = self.names.get(&normalize_name(name)).cloned() else {
                continue;
            };
            for id in &ids {
                let other = self.graph.entity_by_id(id).expect("indexed node exists");
                if blocked.contains(id.as_str()) {
                    continue;
                }
                if !(specific(name, e) || other.label == *name) {
                    continue;
                }
                if other.kind != e.kind {
                    let (other_id, other_kind) = (other.id.clone(), other.kind);
                    self.record(
                        &other_id,
                        e,
                        document,
                        "type-conflict",
                        format!(
                            "'{name}' names a {other_kind} already; kept apart as a {}",
                            e.kind
                        ),
                    );
                    continue;
                }
                match &found {
                    Some((f, _)) if f != id => {
                        if ambiguous.is_none() {
                            ambiguous = Some((f.clone(), id.clone(), name.clone()));
                        }
                    }
                    _ => found = Some((id.clone(), name.clone())),
                }
            }
        }
        if let Some((first, second, name)) = &ambiguous {
            let label = |id: &str| {
                self.graph
                    .entity_by_id(id)
                    .map(|x| x.label.clone())
                    .unwrap_or_default()
            };
            let reason = format!(
                "'{name}' names both '{}' and '{}': kept apart",
                label(first),
                label(second)
            );
            self.record(first, e, document, "ambiguous-name", reason);
        }
        if let (Some((id, name)), None) = (found, &ambiguous) {
            let label = self
                .graph
                .entity_by_id(&id)
                .map(|x| x.label.clone())
                .unwrap_or_default();
            self.record(
                &id,
                e,
                document,
                "same-name",
                format!("'{name}' is also a name of '{label}'"),
            );
            return self.absorb(&id, e);
        }
        let ix = self.graph.add_entity(e.clone());
        self.index(&e.id, e);
        self.placed_before(ix, e);
        ix
    }

    /// Adds `e`'s names to node `id`.
    fn absorb(&mut self, id: &str, e: &Entity) -> NodeIndex {
        let mut merged = self.graph.entity_by_id(id).expect("node exists").clone();
        merged.aliases = std::iter::once(e.label.clone())
            .chain(e.aliases.iter().cloned())
            .collect();
        merged.wikidata = e.wikidata.clone();
        let ix = self.graph.add_entity(merged);
        self.index(id, e);
        ix
    }

    fn index(&mut self, id: &str, e: &Entity) {
        for name in std::iter::once(&e.label).chain(&e.aliases) {
            self.names
                .entry(normalize_name(name))
                .or_default()
                .insert(id.to_string());
        }
    }

    fn record(
        &mut self,
        into: &str,
        e: &Entity,
        document: &str,
        kind: &'static str,
        reason: String,
    ) {
        let key = (into.to_string(), e.id.clone(), kind);
        if let Some(&i) = self.logged.get(&key) {
            // Counted once per document, however many times a document repeats it.
            if self.last_counted.insert(i, self.documents) != Some(self.documents) {
                self.log[i].documents += 1;
            }
            return;
        }
        self.logged.insert(key, self.log.len());
        self.last_counted.insert(self.log.len(), self.documents);
        self.log.push(MergeRecord {
            into: into.to_string(),
            entity: e.id.clone(),
            label: e.label.clone(),
            document: document.to_string(),
            kind: kind.to_string(),
            reason,
            documents: 1,
        });
    }

    /// What the merges file said that this graph gives no hold to (see
    /// [`MergeOverrides::unknown_names`]); ask before [`Merger::finish`].
    pub fn warnings(&self) -> Vec<Warning> {
        self.overrides.unknown_names(&self.graph)
    }

    /// The merged graph and the merge log (sorted).
    pub fn finish(self) -> (KnowledgeGraph, Vec<MergeRecord>) {
        let mut log = self.log;
        log.sort();
        (self.graph, log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, Evidence, RelationKind, Tier};

    fn entity(id: &str, label: &str, kind: EntityKind, aliases: &[&str]) -> Entity {
        Entity {
            id: id.into(),
            label: label.into(),
            kind,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            wikidata: None,
        }
    }

    fn claim(s: &str, o: &str, doc: &str) -> Claim {
        Claim {
            subject: s.into(),
            relation: RelationKind::MetWith,
            object: o.into(),
            evidence: Evidence {
                document: doc.into(),
                sentence: "s".into(),
                start: 0,
                end: 1,
                rule: "r".into(),
                tier: Tier::Explicit,
                confidence: Default::default(),
                when: None,
            },
        }
    }

    /// Found by the claims proptest: a claim naming an entity its document does not list
    /// panicked (a map lookup); it is an error, and nothing of the document is merged.
    #[test]
    fn a_claim_about_an_unlisted_entity_is_refused_not_a_panic() {
        let e = |id: &str| Entity {
            id: id.into(),
            label: id.into(),
            kind: crate::model::EntityKind::Country,
            aliases: vec![],
            wikidata: None,
        };
        let claim = Claim {
            subject: "iran".into(),
            relation: crate::model::RelationKind::MemberOf,
            object: "ghost".into(),
            evidence: crate::model::Evidence {
                document: "a.txt".into(),
                sentence: "Iran joined.".into(),
                start: 0,
                end: 12,
                rule: "r".into(),
                tier: crate::model::Tier::Explicit,
                confidence: Default::default(),
                when: None,
            },
        };
        let mut merger = Merger::default();
        let err = merger
            .add_document("a.txt", &[e("iran")], &[claim], &Default::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "a.txt: claim 'iran member-of ghost': unknown entity id 'ghost'"
        );
        let (graph, _) = merger.finish();
        assert_eq!((graph.node_count(), graph.documents().len()), (0, 0));
    }

    #[test]
    fn same_person_under_two_ids_merges_by_full_name_with_a_log_entry() {
        let mut m = Merger::default();
        let none = BTreeMap::new();
        let lula = entity(
            "luiz-inacio-lula-da-silva",
            "Luiz Inacio Lula da Silva",
            EntityKind::Person,
            &["Lula"],
        );
        let modi = entity("narendra-modi", "Narendra Modi", EntityKind::Person, &[]);
        m.add_document(
            "a.txt",
            &[lula, modi],
            &[claim("luiz-inacio-lula-da-silva", "narendra-modi", "a.txt")],
            &none,
        )
        .unwrap();
        let lula2 = entity(
            "lula-da-silva",
            "Lula da Silva",
            EntityKind::Person,
            &["Luiz Inacio Lula da Silva", "Lula"],
        );
        let xi = entity("xi-jinping", "Xi Jinping", EntityKind::Person, &[]);
        m.add_document(
            "b.txt",
            &[lula2, xi],
            &[claim("lula-da-silva", "xi-jinping", "b.txt")],
            &none,
        )
        .unwrap();
        let (g, log) = m.finish();
        assert_eq!(g.node_count(), 3);
        assert!(
            g.find_edge(
                "luiz-inacio-lula-da-silva",
                RelationKind::MetWith,
                "xi-jinping"
            )
            .is_some()
        );
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].kind, "same-name");
        assert_eq!(log[0].document, "b.txt");
    }

    #[test]
    fn a_decision_is_logged_once_with_its_document_count_and_same_ids_not_at_all() {
        let mut m = Merger::default();
        let none = BTreeMap::new();
        let full = entity(
            "luiz-inacio-lula-da-silva",
            "Luiz Inacio Lula da Silva",
            EntityKind::Person,
            &[],
        );
        let short = entity(
            "lula-da-silva",
            "Lula da Silva",
            EntityKind::Person,
            &["Luiz Inacio Lula da Silva"],
        );
        m.add_document("a", std::slice::from_ref(&full), &[], &none)
            .unwrap();
        for doc in ["b", "c", "d"] {
            m.add_document(doc, &[full.clone(), short.clone()], &[], &none)
                .unwrap();
        }
        let (_, log) = m.finish();
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(
            (
                log[0].kind.as_str(),
                log[0].document.as_str(),
                log[0].documents
            ),
            ("same-name", "b", 3)
        );
    }

    /// The merge skips an entity it has placed before in the same form; a type conflict is
    /// still counted in every document, and a new form still brings its new alias.
    #[test]
    fn an_entity_met_again_in_the_same_form_still_counts_and_a_new_form_still_adds() {
        let mut m = Merger::default();
        let none = BTreeMap::new();
        let plain = entity("sco", "SCO", EntityKind::Organization, &[]);
        let place = entity("sco", "SCO", EntityKind::Place, &[]);
        let longer = entity(
            "sco",
            "SCO",
            EntityKind::Organization,
            &["Shanghai Cooperation Organization"],
        );
        let mut add = |doc: &str, entities: &[Entity]| {
            m.add_document(doc, entities, &[], &none).unwrap();
        };
        add("a", std::slice::from_ref(&plain));
        for doc in ["b", "c", "d"] {
            add(doc, std::slice::from_ref(&place));
        }
        add("e", &[longer.clone(), plain]);
        add("f", &[longer]);
        // Another id under the alias only the longer form brought: merged into "sco".
        let other = entity(
            "shanghai-cooperation-organization",
            "Shanghai Cooperation Organization",
            EntityKind::Organization,
            &[],
        );
        add("g", &[other]);
        let (g, log) = m.finish();
        assert_eq!(g.node_count(), 1);
        assert_eq!(
            g.entity_by_id("sco").unwrap().aliases,
            ["Shanghai Cooperation Organization"]
        );
        let kinds: Vec<(&str, usize)> =
            log.iter().map(|r| (r.kind.as_str(), r.documents)).collect();
        assert_eq!(kinds, [("type-conflict", 3), ("same-name", 1)], "{log:?}");
    }

    #[test]
    fn a_name_two_candidates_share_is_logged_and_merges_neither() {
        let overrides = MergeOverrides::from_toml(
            "m.toml",
            "[[distinct-from]]\na = \"asean-a\"\nb = \"asa-beta\"\n",
        )
        .unwrap();
        let mut m = Merger::new(overrides);
        let none = BTreeMap::new();
        m.add_document(
            "a",
            &[
                entity("asean-a", "ASEAN Alpha", EntityKind::Organization, &["ASA"]),
                entity("asa-beta", "ASA Beta", EntityKind::Organization, &["ASA"]),
            ],
            &[],
            &none,
        )
        .unwrap();
        m.add_document(
            "b",
            &[entity("asa", "ASA", EntityKind::Organization, &[])],
            &[],
            &none,
        )
        .unwrap();
        let (g, log) = m.finish();
        assert_eq!(g.node_count(), 3);
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].kind, "ambiguous-name");
        assert!(log[0].reason.contains("names both"), "{}", log[0].reason);
    }

    #[test]
    fn a_shared_single_word_does_not_merge() {
        let mut m = Merger::default();
        let none = BTreeMap::new();
        m.add_document(
            "a",
            &[entity(
                "kim-jong-un",
                "Kim Jong Un",
                EntityKind::Person,
                &["Kim"],
            )],
            &[],
            &none,
        )
        .unwrap();
        m.add_document(
            "b",
            &[entity(
                "kim-kim-hourn",
                "Kao Kim Hourn",
                EntityKind::Person,
                &["Kim"],
            )],
            &[],
            &none,
        )
        .unwrap();
        assert_eq!(m.finish().0.node_count(), 2);
    }

    #[test]
    fn type_conflicts_are_reported_not_merged() {
        let mut m = Merger::default();
        let none = BTreeMap::new();
        m.add_document(
            "a",
            &[entity("georgia", "Georgia", EntityKind::Country, &[])],
            &[],
            &none,
        )
        .unwrap();
        m.add_document(
            "b",
            &[entity(
                "georgia-state",
                "Georgia State",
                EntityKind::Place,
                &["Georgia"],
            )],
            &[],
            &none,
        )
        .unwrap();
        let (g, log) = m.finish();
        assert_eq!(g.node_count(), 2);
        assert_eq!(log[0].kind, "type-conflict");
    }

    #[test]
    fn overrides_force_and_forbid_merges() {
        let overrides = MergeOverrides::from_toml(
            "m.toml",
            "[[same-as]]\na = \"Lula\"\nb = \"luiz-inacio-lula-da-silva\"\n[[distinct-from]]\na = \"sco\"\nb = \"south-china-organization\"\n",
        )
        .unwrap();
        let mut m = Merger::new(overrides);
        let none = BTreeMap::new();
        m.add_document(
            "a",
            &[
                entity(
                    "luiz-inacio-lula-da-silva",
                    "Luiz Inacio Lula da Silva",
                    EntityKind::Person,
                    &[],
                ),
                entity("sco", "SCO", EntityKind::Organization, &[]),
            ],
            &[],
            &none,
        )
        .unwrap();
        m.add_document(
            "b",
            &[
                entity("lula", "Lula", EntityKind::Person, &[]),
                entity(
                    "south-china-organization",
                    "South China Organization",
                    EntityKind::Organization,
                    &["SCO"],
                ),
            ],
            &[],
            &none,
        )
        .unwrap();
        let (g, log) = m.finish();
        assert_eq!(g.node_count(), 3, "{log:?}");
        assert!(
            log.iter()
                .any(|r| r.kind == "same-as" && r.entity == "lula")
        );
    }

    #[test]
    fn a_pair_both_same_and_distinct_is_refused_with_both_places() {
        let text = "[[same-as]]\na = \"Georgia\"\nb = \"georgia-state\"\n\n[[distinct-from]]\na = \"georgia-state\"\nb = \"georgia\"\n";
        let err = MergeOverrides::from_toml("m.toml", text).unwrap_err();
        let GraphError::Contradiction(c) = &err else {
            panic!("{err}");
        };
        assert_eq!((c.same.line, c.distinct.line), (1, 5), "{err}");
        assert!(
            err.to_string()
                .ends_with("are declared same-as here and distinct-from at m.toml:5:1"),
            "{err}"
        );
        // Across two files too.
        let mut all =
            MergeOverrides::from_toml("a.toml", &text[..text.find("\n\n").unwrap()]).unwrap();
        let more =
            MergeOverrides::from_toml("b.toml", &text[text.find("[[distinct").unwrap()..]).unwrap();
        let err = all.extend(more).unwrap_err().to_string();
        assert!(
            err.starts_with("a.toml:1:1: 'Georgia' and 'georgia-state'"),
            "{err}"
        );
        assert!(err.ends_with("distinct-from at b.toml:1:1"), "{err}");
    }

    #[test]
    fn rules_naming_no_entity_are_warned_about_with_their_place() {
        let text = "[[same-as]]\na = \"Lula\"\nb = \"luiz-inacio-lula-da-silva\"\n[[distinct-from]]\na = \"sco\"\nb = \"nobody-at-all\"\n";
        let mut m = Merger::new(MergeOverrides::from_toml("m.toml", text).unwrap());
        let lula = entity(
            "luiz-inacio-lula-da-silva",
            "Luiz Inacio Lula da Silva",
            EntityKind::Person,
            &["Lula"],
        );
        let sco = entity("sco", "SCO", EntityKind::Organization, &[]);
        m.add_document("a", &[lula, sco], &[], &BTreeMap::new())
            .unwrap();
        let warnings: Vec<String> = m.warnings().iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "m.toml:4:1: distinct-from rule names 'nobody-at-all', which is no entity of this graph: the rule does nothing"
            ]
        );
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalize_name("  The “Shanghai  Five” "), "shanghai five");
        assert_eq!(normalize_name("ＳＣＯ"), "sco");
    }
}
