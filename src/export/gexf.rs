//! GEXF 1.3 with attributes, time spells, and viz colour (by entity type) and size (by
//! degree).
//!
//! The namespaces are `http://gexf.net/1.3` and `http://gexf.net/1.3/viz`, the forms
//! NetworkX's reader accepts (not the `www.` form of the XSD). Node attributes: `type`,
//! `aliases` (a JSON array), `wikidata`; edge attributes: `relation`, `confidence`
//! (`double`), `evidence_count` (`integer`), `evidence` (the whole evidence list as a JSON
//! array, exactly the `evidence` of `graph.json`), `evidence_documents` (a JSON array),
//! `inferred` (`boolean`), `conflicts` (a JSON array of `{"relations", "reason"}`, only on edges
//! in a conflict). The edge `label` is the relation too, so Gephi shows it.
//!
//! Claim dates become `<spells>`: when any evidence item carries a date the graph is
//! `mode="dynamic" timeformat="date"`, and each dated edge gets one spell per distinct
//! interval ([`super::fields::date_interval`]: a point `2017` spans the year, a start runs
//! open-ended), so Gephi's timeline can filter by them. Undated edges have no spell and are
//! always shown. The exact dates stay in `evidence`. GEXF has no graph-level attributes, so
//! a document without any evidence is not named. No timestamp is written: the same graph
//! gives the same bytes.

use super::fields::{
    ConflictIndex, confidence_text, conflicts_json, date_interval, evidence_documents,
    evidence_json, is_inferred, json_array, xml_attr,
};
use crate::graph::KnowledgeGraph;
use crate::model::EntityKind;
use petgraph::Direction;
use std::io::{self, Write};

/// Node attributes: (id, title, type).
const NODE_ATTRS: [(&str, &str, &str); 3] = [
    ("type", "type", "string"),
    ("aliases", "aliases", "string"),
    ("wikidata", "wikidata", "string"),
];

/// Edge attributes: (id, title, type).
const EDGE_ATTRS: [(&str, &str, &str); 7] = [
    ("relation", "relation", "string"),
    ("confidence", "confidence", "double"),
    ("evidence_count", "evidence_count", "integer"),
    ("evidence", "evidence", "string"),
    ("evidence_documents", "evidence_documents", "string"),
    ("inferred", "inferred", "boolean"),
    ("conflicts", "conflicts", "string"),
];

/// The distinct time intervals of an edge's evidence, sorted (empty when none is dated).
fn spells(evidence: &[crate::model::Evidence]) -> Vec<(Option<String>, Option<String>)> {
    let mut out: Vec<_> = evidence
        .iter()
        .filter_map(|e| e.when.as_deref().and_then(date_interval))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The viz colour of an entity type (a colour-blind-safe palette, Okabe–Ito).
pub fn colour(kind: EntityKind) -> (u8, u8, u8) {
    match kind {
        EntityKind::Country => (0, 114, 178),
        EntityKind::Organization => (230, 159, 0),
        EntityKind::Person => (0, 158, 115),
        EntityKind::Initiative => (204, 121, 167),
        EntityKind::Place => (86, 180, 233),
        EntityKind::Event => (213, 94, 0),
    }
}

/// The viz size of a node of `degree` edges: grows with the square root so hubs stay readable.
pub fn size(degree: usize) -> f64 {
    let s = 4.0 + 4.0 * (degree as f64).sqrt();
    (s * 100.0).round() / 100.0
}

/// Writes GEXF 1.3.
pub fn write(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    )?;
    writeln!(
        w,
        "  <meta>\n    <creator>{}</creator>\n  </meta>",
        xml_attr(&crate::graph::json::generator())
    )?;
    let edges = graph.sorted_edges();
    let dynamic = edges
        .iter()
        .any(|e| !spells(&e.relation.evidence).is_empty());
    w.write_all(if dynamic {
        &b"  <graph defaultedgetype=\"directed\" mode=\"dynamic\" timeformat=\"date\">\n"[..]
    } else {
        &b"  <graph defaultedgetype=\"directed\" mode=\"static\">\n"[..]
    })?;
    for (class, attrs) in [("node", &NODE_ATTRS[..]), ("edge", &EDGE_ATTRS[..])] {
        writeln!(w, "    <attributes class=\"{class}\">")?;
        for (id, title, ty) in attrs {
            writeln!(
                w,
                "      <attribute id=\"{id}\" title=\"{title}\" type=\"{ty}\"/>"
            )?;
        }
        w.write_all(b"    </attributes>\n")?;
    }
    let pg = graph.petgraph();
    w.write_all(b"    <nodes>\n")?;
    for ix in graph.sorted_nodes() {
        let e = graph.entity(ix);
        writeln!(
            w,
            "      <node id=\"{}\" label=\"{}\">\n        <attvalues>",
            xml_attr(&e.id),
            xml_attr(&e.label)
        )?;
        attvalue(&mut w, "type", e.kind.as_str())?;
        attvalue(&mut w, "aliases", &json_array(&e.aliases))?;
        if let Some(q) = &e.wikidata {
            attvalue(&mut w, "wikidata", q)?;
        }
        let degree = pg.edges_directed(ix, Direction::Outgoing).count()
            + pg.edges_directed(ix, Direction::Incoming).count();
        let (r, g, b) = colour(e.kind);
        writeln!(
            w,
            "        </attvalues>\n        <viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\"/>\n        \
<viz:size value=\"{}\"/>\n      </node>",
            size(degree)
        )?;
    }
    w.write_all(b"    </nodes>\n    <edges>\n")?;
    let conflicts = ConflictIndex::new(graph);
    for (i, e) in edges.into_iter().enumerate() {
        let evidence = &e.relation.evidence;
        let relation = e.relation.kind.as_str();
        writeln!(
            w,
            "      <edge id=\"e{i}\" source=\"{}\" target=\"{}\" label=\"{relation}\">\n        <attvalues>",
            xml_attr(&e.source.id),
            xml_attr(&e.target.id)
        )?;
        attvalue(&mut w, "relation", relation)?;
        attvalue(
            &mut w,
            "confidence",
            &confidence_text(e.relation.confidence()),
        )?;
        attvalue(&mut w, "evidence_count", &evidence.len().to_string())?;
        attvalue(&mut w, "evidence", &evidence_json(evidence))?;
        attvalue(
            &mut w,
            "evidence_documents",
            &json_array(&evidence_documents(evidence)),
        )?;
        attvalue(
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
            attvalue(&mut w, "conflicts", &conflicts_json(clashes))?;
        }
        w.write_all(b"        </attvalues>\n")?;
        let spells = spells(evidence);
        if !spells.is_empty() {
            w.write_all(b"        <spells>\n")?;
            for (start, end) in spells {
                w.write_all(b"          <spell")?;
                if let Some(s) = start {
                    write!(w, " start=\"{s}\"")?;
                }
                if let Some(e) = end {
                    write!(w, " end=\"{e}\"")?;
                }
                w.write_all(b"/>\n")?;
            }
            w.write_all(b"        </spells>\n")?;
        }
        w.write_all(b"      </edge>\n")?;
    }
    w.write_all(b"    </edges>\n  </graph>\n</gexf>\n")?;
    w.flush()
}

fn attvalue(w: &mut impl Write, key: &str, value: &str) -> io::Result<()> {
    w.write_all(b"          <attvalue for=\"")?;
    w.write_all(key.as_bytes())?;
    w.write_all(b"\" value=\"")?;
    w.write_all(xml_attr(value).as_bytes())?;
    w.write_all(b"\"/>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_grows_with_degree() {
        assert_eq!(size(0), 4.0);
        assert!(size(9) > size(4));
        assert_eq!(size(4), 12.0);
    }
}
