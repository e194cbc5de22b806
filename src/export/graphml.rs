//! GraphML with a typed `<key>` for every attribute, all declared before `<graph>`.
//!
//! Node keys: `label`, `type`, `aliases` (a JSON array of strings), `wikidata` (omitted when
//! unknown). Edge keys: `relation`, `confidence` (`double`), `evidence_count` (`int`), `evidence` (the first evidence
//! sentence), `evidence_documents` (a JSON array of the distinct documents). NetworkX reads it
//! with `nx.read_graphml`; Gephi and yEd open it. Text goes through quick-xml's escaping, so
//! quotes, `<`, `]]>` and carriage returns survive; characters XML 1.0 forbids become U+FFFD.

use super::fields::{confidence_text, evidence_documents, json_array, xml_attr, xml_text};
use crate::graph::KnowledgeGraph;
use std::io::{self, Write};

/// The `<key>` declarations: (id, for, attr.name, attr.type).
const KEYS: [(&str, &str, &str, &str); 9] = [
    ("label", "node", "label", "string"),
    ("type", "node", "type", "string"),
    ("aliases", "node", "aliases", "string"),
    ("wikidata", "node", "wikidata", "string"),
    ("relation", "edge", "relation", "string"),
    ("confidence", "edge", "confidence", "double"),
    ("evidence_count", "edge", "evidence_count", "int"),
    ("evidence", "edge", "evidence", "string"),
    ("evidence_documents", "edge", "evidence_documents", "string"),
];

/// Writes GraphML.
pub fn write(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    )?;
    for (id, domain, name, ty) in KEYS {
        writeln!(
            w,
            "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        )?;
    }
    w.write_all(b"  <graph id=\"kg\" edgedefault=\"directed\">\n")?;
    for e in graph.entities() {
        writeln!(w, "    <node id=\"{}\">", xml_attr(&e.id))?;
        data(&mut w, "label", &e.label)?;
        data(&mut w, "type", e.kind.as_str())?;
        data(&mut w, "aliases", &json_array(&e.aliases))?;
        if let Some(q) = &e.wikidata {
            data(&mut w, "wikidata", q)?;
        }
        w.write_all(b"    </node>\n")?;
    }
    for (i, e) in graph.sorted_edges().into_iter().enumerate() {
        writeln!(
            w,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            xml_attr(&e.source.id),
            xml_attr(&e.target.id)
        )?;
        let evidence = &e.relation.evidence;
        data(&mut w, "relation", e.relation.kind.as_str())?;
        data(
            &mut w,
            "confidence",
            &confidence_text(e.relation.confidence()),
        )?;
        data(&mut w, "evidence_count", &evidence.len().to_string())?;
        if let Some(first) = evidence.first() {
            data(&mut w, "evidence", &first.sentence)?;
        }
        data(
            &mut w,
            "evidence_documents",
            &json_array(&evidence_documents(evidence)),
        )?;
        w.write_all(b"    </edge>\n")?;
    }
    w.write_all(b"  </graph>\n</graphml>\n")?;
    w.flush()
}

fn data(w: &mut impl Write, key: &str, value: &str) -> io::Result<()> {
    // Plain writes, no formatting machinery: this runs once per attribute.
    w.write_all(b"      <data key=\"")?;
    w.write_all(key.as_bytes())?;
    w.write_all(b"\">")?;
    w.write_all(xml_text(value).as_bytes())?;
    w.write_all(b"</data>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_comes_before_the_graph_and_text_is_escaped() {
        let mut buf = Vec::new();
        write(&super::super::fields::tiny_graph(), &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let graph_at = text.find("<graph ").unwrap();
        assert_eq!(text.matches("<key ").count(), KEYS.len());
        assert!(text.rfind("<key ").unwrap() < graph_at);
        assert!(text.contains("<data key=\"label\">Iran &lt;&quot;&amp;&quot;&gt;</data>"));
        assert!(text.contains("observer.&#13;\nYes."));
        assert!(text.contains("<data key=\"evidence_count\">1</data>"));
    }
}
