//! GraphML with a typed `<key>` for every attribute, all declared before `<graph>`.
//!
//! * Graph keys: `documents` (a JSON array of the source documents) and `conflicts` (a JSON
//!   array of the graph's conflicts, exactly as in `graph.json`).
//! * Node keys: `label`, `type`, `aliases` (a JSON array of strings), `wikidata` (omitted
//!   when unknown).
//! * Edge keys: `relation`, `confidence` (`double`), `evidence_count` (`int`), `evidence`
//!   (the whole evidence list as a JSON array, exactly the `evidence` of `graph.json`:
//!   `document`, `sentence`, `start`, `end`, `rule`, `tier`, `confidence`, `when`?),
//!   `evidence_documents` (a JSON array of the distinct documents), `inferred` (`boolean`:
//!   every evidence item is `implied`), `conflicts` (a JSON array of `{"relations", "reason"}`,
//!   only on edges in a conflict).
//!
//! GraphML attribute values are flat, hence JSON for lists: `json.loads(d["evidence"])` in
//! Python gives the items back exactly. NetworkX reads the file with `nx.read_graphml`;
//! Gephi and yEd open it. Text goes through quick-xml's escaping, so quotes, `<`, `]]>` and
//! carriage returns survive; characters XML 1.0 forbids become U+FFFD.

use super::fields::{
    ConflictIndex, confidence_text, conflicts_json, evidence_documents, graph_conflicts_json,
    is_inferred, json_array, xml_attr, xml_json_text, xml_text,
};
use crate::graph::KnowledgeGraph;
use std::io::{self, Write};

/// The `<key>` declarations: (id, for, attr.name, attr.type).
const KEYS: [(&str, &str, &str, &str); 13] = [
    ("documents", "graph", "documents", "string"),
    ("graph_conflicts", "graph", "conflicts", "string"),
    ("label", "node", "label", "string"),
    ("type", "node", "type", "string"),
    ("aliases", "node", "aliases", "string"),
    ("wikidata", "node", "wikidata", "string"),
    ("relation", "edge", "relation", "string"),
    ("confidence", "edge", "confidence", "double"),
    ("evidence_count", "edge", "evidence_count", "int"),
    ("evidence", "edge", "evidence", "string"),
    ("evidence_documents", "edge", "evidence_documents", "string"),
    ("inferred", "edge", "inferred", "boolean"),
    ("conflicts", "edge", "conflicts", "string"),
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
    data_json(&mut w, "documents", &json_array(graph.documents()))?;
    data_json(
        &mut w,
        "graph_conflicts",
        &graph_conflicts_json(graph.conflicts()),
    )?;
    for e in graph.entities() {
        writeln!(w, "    <node id=\"{}\">", xml_attr(&e.id))?;
        data(&mut w, "label", &e.label)?;
        data(&mut w, "type", e.kind.as_str())?;
        data_json(&mut w, "aliases", &json_array(&e.aliases))?;
        if let Some(q) = &e.wikidata {
            data(&mut w, "wikidata", q)?;
        }
        w.write_all(b"    </node>\n")?;
    }
    let conflicts = ConflictIndex::new(graph);
    // One buffer for every edge's evidence JSON: millions of edges, one allocation.
    let mut json = Vec::with_capacity(4096);
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
        json.clear();
        serde_json::to_writer(&mut json, evidence).map_err(io::Error::other)?;
        data_json_bytes(&mut w, "evidence", &json)?;
        data_json(
            &mut w,
            "evidence_documents",
            &json_array(&evidence_documents(evidence)),
        )?;
        data(
            &mut w,
            "inferred",
            if is_inferred(evidence) {
                "true"
            } else {
                "false"
            },
        )?;
        let clashes = conflicts.of(&e);
        if !clashes.is_empty() {
            data_json(&mut w, "conflicts", &conflicts_json(clashes))?;
        }
        w.write_all(b"    </edge>\n")?;
    }
    w.write_all(b"  </graph>\n</graphml>\n")?;
    w.flush()
}

/// [`data_json`] for JSON bytes, escaping `<`, `>` and `&` as it copies. Text with a
/// character XML cannot carry (U+FFFE, U+FFFF: serde_json leaves them raw) takes the
/// general path.
fn data_json_bytes(w: &mut impl Write, key: &str, json: &[u8]) -> io::Result<()> {
    let nonchar = json
        .windows(3)
        .any(|b| b[0] == 0xEF && b[1] == 0xBF && (b[2] == 0xBE || b[2] == 0xBF));
    if nonchar {
        let text = std::str::from_utf8(json).map_err(io::Error::other)?;
        return data_json(w, key, text);
    }
    w.write_all(b"      <data key=\"")?;
    w.write_all(key.as_bytes())?;
    w.write_all(b"\">")?;
    let mut start = 0;
    for (i, b) in json.iter().enumerate() {
        let entity: &[u8] = match b {
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'&' => b"&amp;",
            _ => continue,
        };
        w.write_all(&json[start..i])?;
        w.write_all(entity)?;
        start = i + 1;
    }
    w.write_all(&json[start..])?;
    w.write_all(b"</data>\n")
}

/// A `<data>` element whose value is JSON text (quotes left readable).
fn data_json(w: &mut impl Write, key: &str, json: &str) -> io::Result<()> {
    w.write_all(b"      <data key=\"")?;
    w.write_all(key.as_bytes())?;
    w.write_all(b"\">")?;
    w.write_all(xml_json_text(json).as_bytes())?;
    w.write_all(b"</data>\n")
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
        // The evidence list is JSON text with only `<`, `>`, `&` escaped for XML.
        assert!(
            text.contains(r#""sentence":"Iran is an observer.\r\nYes.""#),
            "{text}"
        );
        assert!(text.contains("<data key=\"evidence_count\">1</data>"));
    }
}
