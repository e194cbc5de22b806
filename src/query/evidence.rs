//! Edges as query results show them: endpoints, relation, confidence, whether the edge is
//! inferred or in conflict, and its evidence sentences best first with the two mentions
//! located in each sentence.
//!
//! The graph file keeps no mention offsets, so mentions are found again here: the first
//! occurrence of the entity's label or one of its aliases in the sentence (letters compared
//! without case, whole words for alphabetic names). A sentence that names an entity by a
//! pronoun or another form ("he", "the bloc") has no mention for it.

use crate::extract::RuleSet;
use crate::graph::KnowledgeGraph;
use crate::model::{Conflict, Entity, Evidence, RelationKind, Tier, When};
use petgraph::stable_graph::EdgeIndex;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// How many evidence sentences a result carries per edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceLimit {
    /// At most this many, best first.
    AtMost(usize),
    /// Every sentence.
    All,
}

impl Default for EvidenceLimit {
    fn default() -> Self {
        EvidenceLimit::AtMost(3)
    }
}

impl EvidenceLimit {
    fn take(self) -> usize {
        match self {
            EvidenceLimit::AtMost(n) => n,
            EvidenceLimit::All => usize::MAX,
        }
    }
}

/// How a sentence supports its edge, finer than the graph file's two-valued [`Tier`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reading {
    /// The sentence states the claim and names both entities.
    Stated,
    /// A stating rule needed coreference or an earlier sentence to find an entity.
    Coreference,
    /// The rule itself reads an implication ("cooperation through the SCO"), or the rule
    /// is not one of the built-in rules.
    Implied,
    /// Derived from two other claims by an inference rule (the sentence is a premise's).
    Inferred,
}

impl Reading {
    /// The name shown in output (`stated`, `coreference`, `implied`, `inferred`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reading::Stated => "stated",
            Reading::Coreference => "coreference",
            Reading::Implied => "implied",
            Reading::Inferred => "inferred",
        }
    }
}

/// What the built-in rules say about rule ids: inference rules, and each rule's own tier.
struct RuleTiers {
    inferences: std::collections::HashSet<String>,
    tiers: HashMap<String, Tier>,
}

fn rule_tiers() -> &'static RuleTiers {
    static TIERS: OnceLock<RuleTiers> = OnceLock::new();
    TIERS.get_or_init(|| {
        let rules = RuleSet::builtin();
        RuleTiers {
            inferences: rules.inferences.iter().map(|i| i.id.to_string()).collect(),
            tiers: rules
                .rules
                .iter()
                .map(|r| (r.id.get_ref().to_string(), r.tier))
                .collect(),
        }
    })
}

/// The [`Reading`] of one evidence item.
pub fn reading(ev: &Evidence) -> Reading {
    let known = rule_tiers();
    // Inference rules of user rule files are recognised by the id convention `infer.*`.
    if known.inferences.contains(&*ev.rule) || ev.rule.starts_with("infer.") {
        return Reading::Inferred;
    }
    match (ev.tier, known.tiers.get(&*ev.rule)) {
        (Tier::Explicit, _) => Reading::Stated,
        (Tier::Implied, Some(Tier::Explicit)) => Reading::Coreference,
        (Tier::Implied, _) => Reading::Implied,
    }
}

/// Where an entity is named in a sentence: byte offsets into the sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionSpan {
    /// The entity id.
    pub entity: String,
    /// Byte offset of the mention in the sentence.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
}

/// One evidence sentence of an edge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceView {
    /// Document name.
    pub document: String,
    /// The sentence, as in the document.
    pub sentence: String,
    /// Byte offset of the sentence in the document.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// Id of the rule that read it.
    pub rule: String,
    /// The graph file's tier (`explicit` or `implied`).
    pub tier: Tier,
    /// How the sentence supports the edge.
    pub reading: Reading,
    /// This sentence's confidence, 0 to 1.
    pub confidence: f64,
    /// When the claim holds, if the sentence says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    /// The two entities' mentions found in the sentence, in sentence order (none for an
    /// entity named by a pronoun or a form the graph does not list).
    pub mentions: Vec<MentionSpan>,
}

/// An edge with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeView {
    /// Subject entity id.
    pub source: String,
    /// Subject label.
    pub source_label: String,
    /// Relation.
    pub relation: RelationKind,
    /// Object entity id.
    pub target: String,
    /// Object label.
    pub target_label: String,
    /// Combined confidence of the edge, 0 to 1.
    pub confidence: f64,
    /// Every sentence of the edge is an inference rule's conclusion.
    pub inferred: bool,
    /// Why this edge conflicts with another edge between the same two entities (empty when
    /// it does not).
    pub conflicts: Vec<String>,
    /// The sentences, best first (stated before implied, then confidence, then document
    /// order), at most the limit asked for.
    pub evidence: Vec<EvidenceView>,
    /// How many sentences the edge has in all.
    pub evidence_total: usize,
}

/// Byte ranges where `name` occurs in `text`, letters compared case-insensitively; names
/// that start or end with a letter or digit must stand as whole words there.
fn find_all(text: &str, name: &str) -> Vec<(usize, usize)> {
    let name_chars: Vec<char> = name.chars().collect();
    let Some(&first) = name_chars.first() else {
        return Vec::new();
    };
    let word_start = first.is_alphanumeric() && !is_cjk(first);
    let word_end = name_chars
        .last()
        .is_some_and(|c| c.is_alphanumeric() && !is_cjk(*c));
    let same = |a: char, b: char| a == b || a.to_lowercase().eq(b.to_lowercase());
    let mut out = Vec::new();
    for (i, _) in text.char_indices() {
        let mut it = text[i..].char_indices();
        let mut end = i;
        let mut ok = true;
        for &nc in &name_chars {
            match it.next() {
                Some((j, c)) if same(c, nc) => end = i + j + c.len_utf8(),
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        let before = text[..i].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
        if (!word_start || boundary(before)) && (!word_end || boundary(after)) {
            out.push((i, end));
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

/// The occurrences of an entity's names in `text`, longest name first, then leftmost.
fn occurrences(text: &str, e: &Entity) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = std::iter::once(&e.label)
        .chain(&e.aliases)
        .flat_map(|n| find_all(text, n.trim()))
        .collect();
    all.sort_by_key(|&(s, t)| (std::cmp::Reverse(t - s), s));
    all.dedup();
    all
}

/// The mentions of `a` and `b` in `sentence`: the more specific (longer) match is placed
/// first, then the other entity's first occurrence that does not overlap it.
pub fn mentions(sentence: &str, a: &Entity, b: &Entity) -> Vec<MentionSpan> {
    let (oa, ob) = (occurrences(sentence, a), occurrences(sentence, b));
    let len = |o: &[(usize, usize)]| o.first().map_or(0, |&(s, t)| t - s);
    let (first, second, fe, se) = if len(&oa) >= len(&ob) {
        (oa, ob, a, b)
    } else {
        (ob, oa, b, a)
    };
    let mut out = Vec::new();
    let placed = first.first().copied();
    if let Some((s, t)) = placed {
        out.push(MentionSpan {
            entity: fe.id.clone(),
            start: s,
            end: t,
        });
    }
    if fe.id != se.id {
        let free = |&(s, t): &(usize, usize)| placed.is_none_or(|(ps, pt)| t <= ps || s >= pt);
        // Among the non-overlapping occurrences, the longest name, then leftmost.
        if let Some(&(s, t)) = second.iter().find(|o| free(o)) {
            out.push(MentionSpan {
                entity: se.id.clone(),
                start: s,
                end: t,
            });
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

/// A graph's conflicts by the pair of entities they concern, so that an edge finds its own
/// without scanning them all.
#[derive(Debug, Default)]
pub struct ConflictIndex<'g> {
    by_pair: HashMap<(&'g str, &'g str), Vec<&'g Conflict>>,
}

impl<'g> ConflictIndex<'g> {
    /// Indexes `graph`'s conflicts.
    pub fn new(graph: &'g KnowledgeGraph) -> Self {
        let mut by_pair: HashMap<(&str, &str), Vec<&Conflict>> = HashMap::new();
        for c in graph.conflicts() {
            by_pair
                .entry((c.subject.as_str(), c.object.as_str()))
                .or_default()
                .push(c);
        }
        ConflictIndex { by_pair }
    }

    /// Why an edge `a —kind— b` (either way round) conflicts with another.
    fn reasons(&self, a: &str, b: &str, kind: RelationKind) -> Vec<String> {
        let pairs: &[(&str, &str)] = if a == b { &[(a, b)] } else { &[(a, b), (b, a)] };
        pairs
            .iter()
            .filter_map(|p| self.by_pair.get(p))
            .flatten()
            .filter(|c| c.relations.contains(&kind))
            .map(|c| c.reason.clone())
            .collect()
    }
}

/// The view of one edge with at most `limit` sentences.
pub fn edge_view(
    graph: &KnowledgeGraph,
    conflicts: &ConflictIndex<'_>,
    edge: EdgeIndex,
    limit: EvidenceLimit,
) -> EdgeView {
    let g = graph.petgraph();
    let (s, t) = g.edge_endpoints(edge).expect("edge exists");
    let (src, dst, rel) = (&g[s], &g[t], &g[edge]);
    let readings: Vec<Reading> = rel.evidence.iter().map(reading).collect();
    let mut order: Vec<usize> = (0..rel.evidence.len()).collect();
    // Stable: equal sentences stay in document order.
    order.sort_by(|&x, &y| {
        (readings[x], std::cmp::Reverse(rel.evidence[x].confidence))
            .cmp(&(readings[y], std::cmp::Reverse(rel.evidence[y].confidence)))
    });
    let evidence = order
        .into_iter()
        .take(limit.take())
        .map(|i| {
            let ev = &rel.evidence[i];
            EvidenceView {
                document: ev.document.to_string(),
                sentence: ev.sentence.clone(),
                start: ev.start,
                end: ev.end,
                rule: ev.rule.to_string(),
                tier: ev.tier,
                reading: readings[i],
                confidence: ev.confidence.get(),
                when: ev.when.as_deref().cloned(),
                mentions: mentions(&ev.sentence, src, dst),
            }
        })
        .collect();
    let conflicts = conflicts.reasons(&src.id, &dst.id, rel.kind);
    EdgeView {
        source: src.id.clone(),
        source_label: src.label.clone(),
        relation: rel.kind,
        target: dst.id.clone(),
        target_label: dst.label.clone(),
        confidence: rel.confidence().get(),
        inferred: !readings.is_empty() && readings.iter().all(|r| *r == Reading::Inferred),
        conflicts,
        evidence,
        evidence_total: rel.evidence.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntityKind;

    fn entity(id: &str, label: &str, aliases: &[&str]) -> Entity {
        Entity {
            id: id.into(),
            label: label.into(),
            kind: EntityKind::Country,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            wikidata: None,
        }
    }

    #[test]
    fn mentions_are_whole_words_found_without_case() {
        let iran = entity("iran", "Iran", &[]);
        let sco = entity("sco", "Shanghai Cooperation Organization", &["SCO"]);
        let s = "Iranian media said IRAN joined the sco in 2023.";
        let m = mentions(s, &iran, &sco);
        let texts: Vec<&str> = m.iter().map(|m| &s[m.start..m.end]).collect();
        assert_eq!(texts, ["IRAN", "sco"]);
    }

    #[test]
    fn the_longer_name_wins_an_overlap() {
        let shanghai = entity("shanghai", "Shanghai", &[]);
        let sco = entity("sco", "Shanghai Cooperation Organization", &[]);
        let s = "The Shanghai Cooperation Organization met in Shanghai.";
        let m = mentions(s, &shanghai, &sco);
        assert_eq!(m.len(), 2);
        assert_eq!(
            &s[m[0].start..m[0].end],
            "Shanghai Cooperation Organization"
        );
        assert_eq!(&s[m[1].start..m[1].end], "Shanghai");
        assert_eq!(m[1].entity, "shanghai");
    }

    #[test]
    fn cjk_names_match_inside_running_text_and_pronouns_find_nothing() {
        let sco = entity("sco", "SCO", &["上海合作组织"]);
        let china = entity("china", "China", &["中国"]);
        let s = "中国是上海合作组织的创始成员国。";
        let m = mentions(s, &china, &sco);
        assert_eq!(m.len(), 2);
        assert_eq!(&s[m[0].start..m[0].end], "中国");
        let none = mentions("He said so.", &china, &sco);
        assert!(none.is_empty());
    }

    #[test]
    fn readings_tell_inference_and_coreference_apart() {
        let ev = |rule: &str, tier| Evidence {
            document: "a.txt".into(),
            sentence: "S.".into(),
            start: 0,
            end: 2,
            rule: rule.into(),
            tier,
            confidence: Default::default(),
            when: None,
        };
        assert_eq!(
            reading(&ev("infer.members-carry-over", Tier::Implied)),
            Reading::Inferred
        );
        assert_eq!(
            reading(&ev("member.joined", Tier::Explicit)),
            Reading::Stated
        );
        assert_eq!(
            reading(&ev("member.joined", Tier::Implied)),
            Reading::Coreference
        );
        assert_eq!(
            reading(&ev("member.cooperation-through", Tier::Implied)),
            Reading::Implied
        );
        assert_eq!(reading(&ev("my.own-rule", Tier::Implied)), Reading::Implied);
    }
}
