//! CSV files in the form `neo4j-admin database import full` reads.
//!
//! `nodes.csv`: `id:ID(Entity),label,type,aliases:string[],wikidata,:LABEL`, where `:LABEL`
//! is `Entity;<Type>` (`Entity;Country`). `relationships.csv`:
//! `:START_ID(Entity),:END_ID(Entity),:TYPE,relation,confidence:float,evidence_count:int,evidence,evidence_documents:string[],evidence_json`,
//! with `:TYPE` in `UPPER_SNAKE` (`OBSERVER_OF`), `relation` the kebab-case name,
//! `evidence` the first sentence and `evidence_json` the whole evidence list as JSON.
//! Arrays are split on `;` (neo4j's default `--array-delimiter`), so an alias or document
//! name that itself contains `;` comes back split: use `evidence_json` or graph.json for
//! those. The `csv` crate does the quoting (quotes, commas, newlines).
//!
//! # Formula injection
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return as
//! a formula. Every string value (and every array element) that starts with one of those
//! characters **or with `'`** is written with one extra leading `'`, which spreadsheets show
//! as text. The rule is reversible: a consumer that strips one leading `'` from every value
//! that starts with `'` gets back the exact text ([`unescape_cell`] does it). Escaping `'`
//! itself is what makes the rule unambiguous.

use super::fields::{confidence_text, evidence_documents, relation_type};
use crate::graph::KnowledgeGraph;
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

/// The header of `nodes.csv`.
pub const NODES_HEADER: [&str; 6] = [
    "id:ID(Entity)",
    "label",
    "type",
    "aliases:string[]",
    "wikidata",
    ":LABEL",
];

/// The header of `relationships.csv`.
pub const RELATIONSHIPS_HEADER: [&str; 9] = [
    ":START_ID(Entity)",
    ":END_ID(Entity)",
    ":TYPE",
    "relation",
    "confidence:float",
    "evidence_count:int",
    "evidence",
    "evidence_documents:string[]",
    "evidence_json",
];

/// Defuses a value a spreadsheet would run as a formula (see the module doc).
pub fn escape_cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Undoes [`escape_cell`]: strips one leading `'`.
pub fn unescape_cell(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

fn array_cell<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<Cow<'_, str>> = items.iter().map(|s| escape_cell(s.as_ref())).collect();
    items.join(";")
}

/// The `Type` label of an entity kind (`country` → `Country`).
fn kind_label(kind: crate::model::EntityKind) -> String {
    let s = kind.as_str();
    let mut out = s[..1].to_ascii_uppercase();
    out.push_str(&s[1..]);
    out
}

/// Writes `nodes.csv` to `out`.
pub fn write_nodes(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(NODES_HEADER)?;
    for e in graph.entities() {
        w.write_record([
            escape_cell(&e.id).as_ref(),
            escape_cell(&e.label).as_ref(),
            e.kind.as_str(),
            &array_cell(&e.aliases),
            escape_cell(e.wikidata.as_deref().unwrap_or("")).as_ref(),
            &format!("Entity;{}", kind_label(e.kind)),
        ])?;
    }
    w.flush()
}

/// Writes `relationships.csv` to `out`.
pub fn write_relationships(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(RELATIONSHIPS_HEADER)?;
    for e in graph.sorted_edges() {
        let evidence = &e.relation.evidence;
        let json = serde_json::to_string(evidence).map_err(io::Error::other)?;
        w.write_record([
            escape_cell(&e.source.id).as_ref(),
            escape_cell(&e.target.id).as_ref(),
            &relation_type(e.relation.kind),
            e.relation.kind.as_str(),
            &confidence_text(e.relation.confidence()),
            &evidence.len().to_string(),
            escape_cell(evidence.first().map_or("", |ev| ev.sentence.as_str())).as_ref(),
            &array_cell(&evidence_documents(evidence)),
            escape_cell(&json).as_ref(),
        ])?;
    }
    w.flush()
}

/// Writes `nodes.csv` and `relationships.csv` into `dir` (created if missing), each
/// atomically: a temporary file in `dir`, then a rename.
pub fn write_dir(graph: &KnowledgeGraph, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    type Writer = fn(&KnowledgeGraph, &mut dyn Write) -> io::Result<()>;
    let files: [(&str, Writer); 2] = [
        ("nodes.csv", write_nodes),
        ("relationships.csv", write_relationships),
    ];
    for (name, write) in files {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        {
            let mut buf = io::BufWriter::new(tmp.as_file_mut());
            write(graph, &mut buf)?;
            buf.flush()?;
        }
        tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_round_trip() {
        for raw in [
            "=cmd|' /C calc'!A0",
            "+1",
            "-x",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "'quoted",
            "''",
        ] {
            let cell = escape_cell(raw);
            assert!(cell.starts_with('\''), "{raw:?}");
            assert_eq!(unescape_cell(&cell), raw);
        }
        for raw in ["Iran", "", "上海", "a=b"] {
            assert_eq!(escape_cell(raw), raw);
            assert_eq!(unescape_cell(&escape_cell(raw)), raw);
        }
    }

    #[test]
    fn kind_labels_are_capitalised() {
        assert_eq!(
            kind_label(crate::model::EntityKind::Organization),
            "Organization"
        );
    }
}
