//! A Cypher script of `MERGE` statements: every node first, then every relationship.
//!
//! One statement per line, each ending in `;` — except that a string containing a line break
//! keeps it raw, so a consumer must split statements on `;` outside string literals (as
//! `cypher-shell` and Kùzu's multi-statement `execute` do), not on newlines.
//!
//! Nodes carry the label `Entity` (one label, which every Cypher database accepts, including
//! those without multi-label support) and the properties `id`, `label`, `type`, `aliases`,
//! `wikidata` (when known). Relationships use the `UPPER_SNAKE` type (`OBSERVER_OF`) and
//! carry `relation`, `confidence` (a float), `evidence_count`, `inferred` (every item
//! `implied`), `evidence_documents` (the distinct documents) and the evidence items as
//! parallel lists (Cypher properties cannot hold maps; item `i` of each list is evidence
//! item `i`): `evidence` (the sentences), `evidence_document`, `evidence_start`,
//! `evidence_end`, `evidence_rule`, `evidence_tier`, `evidence_confidence`,
//! `evidence_valid_from`, `evidence_valid_until`, `evidence_point_in_time` (empty strings
//! where an item has no such date), plus `evidence_json`, the whole list as `graph.json`
//! writes it. Each conflict is a `CONFLICT` relationship from its subject to its object with
//! `first_relation`, `second_relation` and `reason`. `MERGE` makes the script safe to
//! re-run. A Kùzu database needs its tables first: `kg export --format kuzu` writes them.
//!
//! Strings are single-quoted Cypher literals in which only `\` and `'` are backslash-escaped;
//! everything else (line breaks, tabs, CJK, emoji) is written as itself. Read the script as
//! bytes: a text-mode reader that translates newlines (Python's default) would change the
//! carriage returns inside strings.

use super::fields::{
    EvidenceColumns, confidence_text, evidence_documents, evidence_json, is_inferred, relation_type,
};
use crate::graph::KnowledgeGraph;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Quotes and escapes a string as a Cypher string literal.
///
/// Only `\\` and `'` are escaped: they are the escapes every Cypher implementation reads
/// (Kùzu, for one, turns `\n` into `n`), and openCypher allows any other character raw inside
/// a literal, line breaks included.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        if matches!(ch, '\\' | '\'') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('\'');
    out
}

/// A Cypher list of string literals.
fn list_literal<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| string_literal(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// Writes the script.
pub fn write(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    for e in graph.entities() {
        let mut line = format!(
            "MERGE (n:Entity {{id: {}}}) SET n.label = {}, n.type = {}, n.aliases = {}",
            string_literal(&e.id),
            string_literal(&e.label),
            string_literal(e.kind.as_str()),
            list_literal(&e.aliases),
        );
        if let Some(q) = &e.wikidata {
            let _ = write!(line, ", n.wikidata = {}", string_literal(q));
        }
        writeln!(w, "{line};")?;
    }
    for e in graph.sorted_edges() {
        let evidence = &e.relation.evidence;
        let c = EvidenceColumns::new(evidence);
        let numbers = |v: &[usize]| {
            let items: Vec<String> = v.iter().map(usize::to_string).collect();
            format!("[{}]", items.join(", "))
        };
        writeln!(
            w,
            "MATCH (a:Entity {{id: {}}}), (b:Entity {{id: {}}}) MERGE (a)-[r:{}]->(b) \
SET r.relation = {}, r.confidence = {}, r.evidence_count = {}, r.inferred = {}, \
r.evidence_documents = {}, r.evidence = {}, r.evidence_document = {}, r.evidence_start = {}, \
r.evidence_end = {}, r.evidence_rule = {}, r.evidence_tier = {}, r.evidence_confidence = [{}], \
r.evidence_valid_from = {}, r.evidence_valid_until = {}, r.evidence_point_in_time = {}, \
r.evidence_json = {};",
            string_literal(&e.source.id),
            string_literal(&e.target.id),
            relation_type(e.relation.kind),
            string_literal(e.relation.kind.as_str()),
            confidence_text(e.relation.confidence()),
            evidence.len(),
            is_inferred(evidence),
            list_literal(&evidence_documents(evidence)),
            list_literal(&c.sentence),
            list_literal(&c.document),
            numbers(&c.start),
            numbers(&c.end),
            list_literal(&c.rule),
            list_literal(&c.tier),
            c.confidence.join(", "),
            list_literal(&c.valid_from),
            list_literal(&c.valid_until),
            list_literal(&c.point_in_time),
            string_literal(&evidence_json(evidence)),
        )?;
    }
    for c in graph.conflicts() {
        let [a, b] = c.relations;
        writeln!(
            w,
            "MATCH (a:Entity {{id: {}}}), (b:Entity {{id: {}}}) \
MERGE (a)-[c:CONFLICT {{first_relation: {}, second_relation: {}}}]->(b) SET c.reason = {};",
            string_literal(&c.subject),
            string_literal(&c.object),
            string_literal(a.as_str()),
            string_literal(b.as_str()),
            string_literal(&c.reason),
        )?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes_only() {
        assert_eq!(string_literal(r#"a'b"c\d"#), r#"'a\'b"c\\d'"#);
        assert_eq!(string_literal("x\ny\r\tz"), "'x\ny\r\tz'");
        assert_eq!(string_literal("上海🙂"), "'上海🙂'");
        assert_eq!(list_literal::<&str>(&[]), "[]");
    }
}
