//! CSV files in the form `neo4j-admin database import full` reads.
//!
//! ```sh
//! neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv \
//!     --relationships=conflicts.csv --multiline-fields=true neo4j
//! ```
//!
//! * `nodes.csv`: `id:ID(Entity),label,type,aliases:string[],wikidata,:LABEL,aliases_json`,
//!   where `:LABEL` is `Entity;<Type>` (`Entity;Country`) and `aliases_json` the aliases as
//!   a JSON array (exact even for an alias that contains `;`).
//! * `relationships.csv`: `:START_ID(Entity),:END_ID(Entity),:TYPE,relation,
//!   confidence:float,evidence_count:int,inferred:boolean,evidence,
//!   evidence_documents:string[],evidence_start:long[],evidence_end:long[],
//!   evidence_rule:string[],evidence_tier:string[],evidence_confidence:float[],evidence_json`,
//!   with `:TYPE` in `UPPER_SNAKE` (`OBSERVER_OF`), `relation` the kebab-case name,
//!   `evidence` the first sentence, the `evidence_*` arrays one element per evidence item,
//!   and `evidence_json` the whole evidence list (sentences, documents, dates included)
//!   exactly as `graph.json` writes it.
//! * `conflicts.csv`: `:START_ID(Entity),:END_ID(Entity),:TYPE,first_relation,
//!   second_relation,reason`, `:TYPE` always `CONFLICT`.
//!
//! Arrays are split on `;` (neo4j's default `--array-delimiter`), so an alias or document
//! name that itself contains `;` comes back split: `aliases_json` and `evidence_json` keep
//! those exactly. Sentences can hold line breaks, hence `--multiline-fields=true`. The `csv` crate
//! does the quoting (quotes, commas, newlines).
//!
//! # Formula injection
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return as
//! a formula. Every string value (and every array element) that starts with one of those
//! characters **or with `'`** is written with one extra leading `'`, which spreadsheets show
//! as text. The rule is reversible: a consumer that strips one leading `'` from every value
//! that starts with `'` gets back the exact text ([`unescape_cell`] does it). Escaping `'`
//! itself is what makes the rule unambiguous.

use super::fields::{
    EvidenceColumns, confidence_text, evidence_documents, is_inferred, relation_type,
};
use crate::graph::KnowledgeGraph;
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

/// The header of `nodes.csv`.
pub const NODES_HEADER: [&str; 7] = [
    "id:ID(Entity)",
    "label",
    "type",
    "aliases:string[]",
    "wikidata",
    ":LABEL",
    "aliases_json",
];

/// The header of `relationships.csv`.
pub const RELATIONSHIPS_HEADER: [&str; 15] = [
    ":START_ID(Entity)",
    ":END_ID(Entity)",
    ":TYPE",
    "relation",
    "confidence:float",
    "evidence_count:int",
    "inferred:boolean",
    "evidence",
    "evidence_documents:string[]",
    "evidence_start:long[]",
    "evidence_end:long[]",
    "evidence_rule:string[]",
    "evidence_tier:string[]",
    "evidence_confidence:float[]",
    "evidence_json",
];

/// The header of `conflicts.csv`.
pub const CONFLICTS_HEADER: [&str; 6] = [
    ":START_ID(Entity)",
    ":END_ID(Entity)",
    ":TYPE",
    "first_relation",
    "second_relation",
    "reason",
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
            escape_cell(&super::fields::json_array(&e.aliases)).as_ref(),
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
        let json = super::fields::evidence_json(evidence);
        let c = EvidenceColumns::new(evidence);
        let numbers = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join(";");
        w.write_record([
            escape_cell(&e.source.id).as_ref(),
            escape_cell(&e.target.id).as_ref(),
            &relation_type(e.relation.kind),
            e.relation.kind.as_str(),
            &confidence_text(e.relation.confidence()),
            &evidence.len().to_string(),
            if is_inferred(evidence) {
                "true"
            } else {
                "false"
            },
            escape_cell(evidence.first().map_or("", |ev| ev.sentence.as_str())).as_ref(),
            &array_cell(&evidence_documents(evidence)),
            &numbers(&c.start),
            &numbers(&c.end),
            &array_cell(&c.rule),
            &c.tier.join(";"),
            &c.confidence.join(";"),
            escape_cell(&json).as_ref(),
        ])?;
    }
    w.flush()
}

/// Writes `conflicts.csv` to `out`.
pub fn write_conflicts(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CONFLICTS_HEADER)?;
    for c in graph.conflicts() {
        let [a, b] = c.relations;
        w.write_record([
            escape_cell(&c.subject).as_ref(),
            escape_cell(&c.object).as_ref(),
            super::kuzu::CONFLICT_TYPE,
            a.as_str(),
            b.as_str(),
            escape_cell(&c.reason).as_ref(),
        ])?;
    }
    w.flush()
}

/// Writes `nodes.csv`, `relationships.csv` and `conflicts.csv` into `dir` (created if
/// missing), each atomically and with ordinary permissions ([`crate::atomic`]).
pub fn write_dir(graph: &KnowledgeGraph, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    type Writer = fn(&KnowledgeGraph, &mut dyn Write) -> io::Result<()>;
    let files: [(&str, Writer); 3] = [
        ("nodes.csv", write_nodes),
        ("relationships.csv", write_relationships),
        ("conflicts.csv", write_conflicts),
    ];
    for (name, write) in files {
        crate::atomic::write_file_with(&dir.join(name), |w| write(graph, w))?;
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
