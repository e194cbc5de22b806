//! The attribute set every data export carries, and the escaping helpers they share.
//!
//! Every format writes the same facts: for a node its id, label, type, aliases and Wikidata
//! id; for an edge its relation, confidence, evidence count, every evidence item (document,
//! sentence, byte span, rule, tier, confidence, date) and the conflicts it takes part in.
//! Formats whose attribute values are flat strings (GraphML, GEXF) write list values as JSON
//! arrays: an evidence list is exactly the `evidence` array of `graph.json`
//! ([`evidence_json`]) and a conflict list is [`EdgeConflict`]s, so the exact values come
//! back with any JSON parser, whatever characters they contain.

use crate::graph::{EdgeView, KnowledgeGraph};
use crate::model::{Confidence, Conflict, Evidence, RelationKind, When};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

/// One conflict seen from one of its two edges: the two relations (in the conflict's order,
/// one of them the edge's own) and why they clash. With the edge's source and target it is
/// the whole [`Conflict`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EdgeConflict<'g> {
    /// The two incompatible relations of the (subject, object) pair.
    pub relations: [RelationKind; 2],
    /// Why the two cannot both hold.
    pub reason: &'g str,
}

/// The conflicts of a graph by edge, for writers that attach them to edges.
#[derive(Debug, Default)]
pub struct ConflictIndex<'g> {
    by_edge: HashMap<(&'g str, RelationKind, &'g str), Vec<EdgeConflict<'g>>>,
}

impl<'g> ConflictIndex<'g> {
    /// Indexes `graph.conflicts()`.
    pub fn new(graph: &'g KnowledgeGraph) -> Self {
        let mut by_edge: HashMap<_, Vec<EdgeConflict<'g>>> = HashMap::new();
        for c in graph.conflicts() {
            for mine in c.relations {
                by_edge
                    .entry((c.subject.as_str(), mine, c.object.as_str()))
                    .or_default()
                    .push(EdgeConflict {
                        relations: c.relations,
                        reason: &c.reason,
                    });
            }
        }
        ConflictIndex { by_edge }
    }

    /// The conflicts `edge` takes part in (empty for most edges).
    pub fn of(&self, edge: &EdgeView<'g>) -> &[EdgeConflict<'g>] {
        let key = (
            edge.source.id.as_str(),
            edge.relation.kind,
            edge.target.id.as_str(),
        );
        // Symmetric relations are stored smaller id first; a conflict may name either order.
        let found = self.by_edge.get(&key).or_else(|| {
            edge.relation
                .kind
                .is_symmetric()
                .then(|| self.by_edge.get(&(key.2, key.1, key.0)))
                .flatten()
        });
        found.map_or(&[], Vec::as_slice)
    }

    /// Whether the graph has no conflicts at all (writers skip the lookups then).
    pub fn is_empty(&self) -> bool {
        self.by_edge.is_empty()
    }
}

/// An edge's evidence items as parallel columns, item `i` of each list describing evidence
/// item `i`: the shape of list properties in Cypher databases (whose properties cannot hold
/// maps). Dates that an item lacks are empty strings.
#[derive(Debug, Default)]
pub struct EvidenceColumns<'g> {
    /// `evidence_document`: the document of each item.
    pub document: Vec<&'g str>,
    /// `evidence` (Cypher, Kùzu): the sentence of each item.
    pub sentence: Vec<&'g str>,
    /// `evidence_start`: byte offsets.
    pub start: Vec<usize>,
    /// `evidence_end`: byte offsets one past the sentence.
    pub end: Vec<usize>,
    /// `evidence_rule`: rule ids.
    pub rule: Vec<&'g str>,
    /// `evidence_tier`: `explicit` or `implied`.
    pub tier: Vec<&'static str>,
    /// `evidence_confidence`: each item's confidence as text (`0.9`).
    pub confidence: Vec<String>,
    /// `evidence_valid_from`: `when.start`, or empty.
    pub valid_from: Vec<&'g str>,
    /// `evidence_valid_until`: `when.end`, or empty.
    pub valid_until: Vec<&'g str>,
    /// `evidence_point_in_time`: `when.point`, or empty.
    pub point_in_time: Vec<&'g str>,
}

impl<'g> EvidenceColumns<'g> {
    /// The columns of `evidence`.
    pub fn new(evidence: &'g [Evidence]) -> Self {
        let mut c = EvidenceColumns::default();
        for e in evidence {
            c.document.push(&e.document);
            c.sentence.push(&e.sentence);
            c.start.push(e.start);
            c.end.push(e.end);
            c.rule.push(&e.rule);
            c.tier.push(tier_name(e.tier));
            c.confidence.push(confidence_text(e.confidence));
            let when = e.when.as_deref();
            let date =
                |f: fn(&When) -> &Option<String>| when.and_then(|w| f(w).as_deref()).unwrap_or("");
            c.valid_from.push(date(|w| &w.start));
            c.valid_until.push(date(|w| &w.end));
            c.point_in_time.push(date(|w| &w.point));
        }
        c
    }
}

/// The name of a tier as `graph.json` writes it.
pub fn tier_name(tier: crate::model::Tier) -> &'static str {
    match tier {
        crate::model::Tier::Explicit => "explicit",
        crate::model::Tier::Implied => "implied",
    }
}

/// An edge's evidence list as compact JSON: exactly the `evidence` array of `graph.json`
/// (`document`, `sentence`, `start`, `end`, `rule`, `tier`, `confidence`, `when`?).
pub fn evidence_json(evidence: &[Evidence]) -> String {
    serde_json::to_string(evidence).expect("evidence serialises")
}

/// An edge's conflicts as compact JSON
/// (`[{"relations": ["observer-of", "member-of"], "reason": "..."}]`).
pub fn conflicts_json(conflicts: &[EdgeConflict<'_>]) -> String {
    serde_json::to_string(conflicts).expect("conflicts serialise")
}

/// A graph's conflicts as compact JSON: exactly the `conflicts` array of `graph.json`.
pub fn graph_conflicts_json(conflicts: &[Conflict]) -> String {
    serde_json::to_string(conflicts).expect("conflicts serialise")
}

/// Whether every evidence item of an edge is `implied` (coreference, an earlier sentence or
/// an inference rule): drawings dash such edges.
pub fn is_inferred(evidence: &[Evidence]) -> bool {
    !evidence.is_empty()
        && evidence
            .iter()
            .all(|e| e.tier == crate::model::Tier::Implied)
}

/// A claim date as a time interval of full ISO dates, for formats whose time axis needs
/// them (GEXF `spells`): a point `2017` is the whole year `2017-01-01`..`2017-12-31`, a
/// start is the first day of its period and an end the last. `None` when no date is given.
pub fn date_interval(when: &When) -> Option<(Option<String>, Option<String>)> {
    let first = |d: &str| pad_date(d, false);
    let last = |d: &str| pad_date(d, true);
    match (&when.point, &when.start, &when.end) {
        (Some(p), _, _) => Some((first(p), last(p))),
        (None, None, None) => None,
        (None, s, e) => Some((s.as_deref().and_then(first), e.as_deref().and_then(last))),
    }
}

/// `2017` → `2017-01-01` (or `2017-12-31` when `end`), `2024-02` → `2024-02-01` (or
/// `2024-02-29`); a full date is kept; anything else is `None`.
fn pad_date(date: &str, end: bool) -> Option<String> {
    let parts: Vec<&str> = date.split('-').collect();
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] => {
            num(y, 4)?;
            Some(if end {
                format!("{y}-12-31")
            } else {
                format!("{y}-01-01")
            })
        }
        [y, m] => {
            let year = num(y, 4)?;
            let month = num(m, 2).filter(|m| (1..=12).contains(m))?;
            let day = if end { days_in_month(year, month) } else { 1 };
            Some(format!("{y}-{m}-{day:02}"))
        }
        [y, m, d] => {
            num(y, 4)?;
            num(m, 2)?;
            num(d, 2)?;
            Some(date.to_string())
        }
        _ => None,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An edge's attributes as the JSON formats (node-link, Cytoscape) write them.
#[derive(Debug, Serialize)]
pub struct JsonEdge<'g> {
    /// Subject id.
    pub source: &'g str,
    /// Object id.
    pub target: &'g str,
    /// The relation again, as NetworkX's multigraph edge key, when the graph has parallel
    /// edges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<RelationKind>,
    /// The relation.
    pub relation: RelationKind,
    /// The edge's confidence (independent evidence combined), 0 to 1.
    pub confidence: Confidence,
    /// How many sentences state it.
    pub evidence_count: usize,
    /// The sentences, in graph order.
    pub evidence: &'g [Evidence],
    /// The conflicts this edge takes part in; left out when there are none.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub conflicts: &'g [EdgeConflict<'g>],
}

impl<'g> JsonEdge<'g> {
    /// The attributes of `edge`; `multigraph` adds the `key`.
    pub fn new(edge: &EdgeView<'g>, multigraph: bool, conflicts: &'g ConflictIndex<'g>) -> Self {
        JsonEdge {
            conflicts: conflicts.of(edge),
            source: &edge.source.id,
            target: &edge.target.id,
            key: multigraph.then_some(edge.relation.kind),
            relation: edge.relation.kind,
            confidence: edge.relation.confidence(),
            evidence_count: edge.relation.evidence.len(),
            evidence: &edge.relation.evidence,
        }
    }
}

/// The relation as an `UPPER_SNAKE` relationship type (`member-of` → `MEMBER_OF`), the form
/// Cypher databases use by convention.
pub fn relation_type(kind: RelationKind) -> String {
    kind.as_str().replace('-', "_").to_ascii_uppercase()
}

/// The relation as a lowerCamel property name (`member-of` → `memberOf`), the form RDF
/// vocabularies use.
pub fn relation_camel(kind: RelationKind) -> String {
    let mut out = String::new();
    let mut upper = false;
    for ch in kind.as_str().chars() {
        if ch == '-' {
            upper = true;
        } else if upper {
            out.push(ch.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// Whether two edges join the same (source, target) pair with different relations.
///
/// Such a graph is a multigraph to NetworkX; the JSON exports say so only then, so that a
/// simple graph still loads as a plain `DiGraph`.
pub fn has_parallel_edges(graph: &KnowledgeGraph) -> bool {
    let edges = graph.sorted_edges();
    let mut pairs: Vec<(&str, &str)> = edges
        .iter()
        .map(|e| (e.source.id.as_str(), e.target.id.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs.windows(2).any(|w| w[0] == w[1])
}

/// A confidence as text: the shortest decimal that reads back as the same number (`0.9`, `1`).
pub fn confidence_text(c: Confidence) -> String {
    c.get().to_string()
}

/// The distinct documents an edge's evidence comes from, sorted.
pub fn evidence_documents(evidence: &[Evidence]) -> Vec<&str> {
    let mut docs: Vec<&str> = evidence.iter().map(|e| &*e.document).collect();
    docs.sort_unstable();
    docs.dedup();
    docs
}

/// A JSON array of strings, compact (`["a","b"]`), for list values in flat-string formats.
pub fn json_array<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    serde_json::to_string(&items).expect("strings serialise")
}

/// Whether XML 1.0 allows a character at all, even as a character reference.
fn xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Characters XML 1.0 cannot carry (most C0 controls, U+FFFE/U+FFFF) become U+FFFD: no XML
/// parser would accept them, escaped or not.
fn xml_clean(s: &str) -> Cow<'_, str> {
    if s.chars().all(xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if xml_char(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// Escapes text for XML element content.
///
/// quick-xml escapes `<`, `>`, `&`, quotes and carriage returns (`&#13;`, which parsers
/// would otherwise normalise to a line feed), so `]]>` and `-->` are harmless too.
pub fn xml_text(s: &str) -> Cow<'_, str> {
    // Borrowed all the way when there is nothing to escape: the common case, and the one
    // that keeps large exports fast.
    match xml_clean(s) {
        Cow::Borrowed(clean) => quick_xml::escape::escape(clean),
        Cow::Owned(clean) => Cow::Owned(quick_xml::escape::escape(clean.as_str()).into_owned()),
    }
}

/// Escapes JSON text for XML element content: only `<`, `>` and `&`, so the quotes of the
/// JSON stay readable. JSON text has no raw control characters (serde_json escapes them), so
/// nothing is lost but what XML 1.0 cannot carry at all.
pub fn xml_json_text(s: &str) -> Cow<'_, str> {
    match xml_clean(s) {
        Cow::Borrowed(clean) => quick_xml::escape::partial_escape(clean),
        Cow::Owned(clean) => {
            Cow::Owned(quick_xml::escape::partial_escape(clean.as_str()).into_owned())
        }
    }
}

/// Escapes text for a double-quoted XML attribute value.
///
/// On top of [`xml_text`], tab and line feed become character references: XML parsers turn
/// literal whitespace in attribute values into spaces.
pub fn xml_attr(s: &str) -> Cow<'_, str> {
    let escaped = xml_text(s);
    if escaped.contains(['\n', '\t']) {
        Cow::Owned(escaped.replace('\n', "&#10;").replace('\t', "&#9;"))
    } else {
        escaped
    }
}

/// A two-node graph with a hostile label, for the unit tests of the format modules.
#[cfg(test)]
pub(crate) fn tiny_graph() -> KnowledgeGraph {
    use crate::model::{Entity, EntityKind, Tier};
    let mut g = KnowledgeGraph::new();
    for (id, label) in [("iran", "Iran <\"&\">"), ("sco", "SCO")] {
        g.add_entity(Entity {
            id: id.into(),
            label: label.into(),
            kind: EntityKind::Country,
            aliases: vec!["a;b".into()],
            wikidata: None,
        });
    }
    let ev = Evidence {
        document: "d.txt".into(),
        sentence: "Iran is an observer.\r\nYes.".into(),
        start: 0,
        end: 26,
        rule: "r".into(),
        tier: Tier::Explicit,
        confidence: Default::default(),
        when: None,
    };
    g.add_relation("iran", RelationKind::ObserverOf, "sco", &[ev])
        .unwrap();
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_names() {
        assert_eq!(
            relation_type(RelationKind::DialoguePartnerOf),
            "DIALOGUE_PARTNER_OF"
        );
        assert_eq!(
            relation_camel(RelationKind::DialoguePartnerOf),
            "dialoguePartnerOf"
        );
        assert_eq!(relation_camel(RelationKind::Leads), "leads");
    }

    #[test]
    fn xml_escaping_keeps_whitespace_and_drops_illegal_controls() {
        assert_eq!(xml_text("a<b>&]]>\r\n"), "a&lt;b&gt;&amp;]]&gt;&#13;\n");
        assert_eq!(xml_attr("\"x\"\n\ty"), "&quot;x&quot;&#10;&#9;y");
        assert_eq!(xml_text("a\u{1}b"), "a\u{FFFD}b");
        assert_eq!(xml_text("上海 🙂"), "上海 🙂");
    }

    #[test]
    fn json_arrays_escape() {
        assert_eq!(json_array(&["a\"b", "c"]), r#"["a\"b","c"]"#);
        assert_eq!(json_array::<&str>(&[]), "[]");
    }
}
