//! The attribute set every data export carries, and the escaping helpers they share.
//!
//! Every format writes the same facts: for a node its id, label, type, aliases and Wikidata
//! id; for an edge its relation, evidence count and evidence. Formats whose attribute values
//! are flat strings (GraphML, GEXF) write list values as JSON arrays, so the exact strings
//! come back with any JSON parser, whatever characters they contain.

use crate::graph::{EdgeView, KnowledgeGraph};
use crate::model::{Confidence, Evidence, RelationKind};
use serde::Serialize;
use std::borrow::Cow;

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
}

impl<'g> JsonEdge<'g> {
    /// The attributes of `edge`; `multigraph` adds the `key`.
    pub fn new(edge: &EdgeView<'g>, multigraph: bool) -> Self {
        JsonEdge {
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
