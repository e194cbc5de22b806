//! A Cypher script of `MERGE` statements: every node first, then every relationship.
//!
//! One statement per line, each ending in `;` — except that a string containing a line break
//! keeps it raw, so a consumer must split statements on `;` outside string literals (as
//! `cypher-shell` and Kùzu's multi-statement `execute` do), not on newlines.
//!
//! Nodes carry the label `Entity` (one label, which every Cypher database accepts, including those without multi-label support) and the properties `id`,
//! `label`, `type`, `aliases`, `wikidata` (when known). Relationships use the `UPPER_SNAKE`
//! type (`OBSERVER_OF`) and carry `relation`, `confidence` (a float), `evidence_count`, `evidence` (every sentence,
//! as a list) and `evidence_documents`. `MERGE` on the id makes the script safe to re-run.
//!
//! Strings are single-quoted Cypher literals in which only `\` and `'` are backslash-escaped;
//! everything else (line breaks, tabs, CJK, emoji) is written as itself. Read the script as
//! bytes: a text-mode reader that translates newlines (Python's default) would change the
//! carriage returns inside strings.

use super::fields::{confidence_text, evidence_documents, relation_type};
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
        let sentences: Vec<&str> = evidence.iter().map(|ev| ev.sentence.as_str()).collect();
        writeln!(
            w,
            "MATCH (a:Entity {{id: {}}}), (b:Entity {{id: {}}}) MERGE (a)-[r:{}]->(b) \
SET r.relation = {}, r.confidence = {}, r.evidence_count = {}, r.evidence = {}, r.evidence_documents = {};",
            string_literal(&e.source.id),
            string_literal(&e.target.id),
            relation_type(e.relation.kind),
            string_literal(e.relation.kind.as_str()),
            confidence_text(e.relation.confidence()),
            evidence.len(),
            list_literal(&sentences),
            list_literal(&evidence_documents(evidence)),
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
