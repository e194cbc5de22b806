//! A directory that loads into the embedded graph database Kùzu in one step.
//!
//! ```text
//! schema.cypher          CREATE NODE TABLE Entity(...); one CREATE REL TABLE per relation
//!                        (MEMBER_OF, OBSERVER_OF, ...) and CONFLICT
//! entities.csv           one row per entity
//! rel_<TYPE>.csv         one file per relation type present (rel_MEMBER_OF.csv, ...)
//! conflicts.csv          one row per conflict
//! load.cypher            schema.cypher, then a COPY per file (paths relative to DIR)
//! load.py                python3 load.py DB  (pip install kuzu): runs load.cypher in DIR
//! ```
//!
//! The tables hold what the Cypher script ([`super::cypher`]) writes, with the same names,
//! so the two can share a schema: `Entity(id, label, type, aliases STRING[], wikidata)`;
//! relation tables with `relation`, `confidence`, `evidence_count`, `inferred`,
//! `evidence_documents`, the evidence items as parallel lists (`evidence` for the sentences,
//! `evidence_document`, `evidence_start`, `evidence_end`, `evidence_rule`, `evidence_tier`,
//! `evidence_confidence`, `evidence_valid_from`, `evidence_valid_until`,
//! `evidence_point_in_time`) and `evidence_json`; `CONFLICT(first_relation,
//! second_relation, reason)`.
//!
//! # Lists in CSV
//!
//! Kùzu's CSV reader keeps the quotes of quoted list elements (`["a,b"]` loads as `"a,b"`
//! with its quotes), so no quoting scheme carries arbitrary strings in a list cell. Each list
//! cell is instead written as *separator + `.` + element* per element, with a separator
//! character that occurs in none of the graph's list strings (U+241F SYMBOL FOR UNIT
//! SEPARATOR unless a string contains it, then the first free private-use character), and
//! the COPY statements rebuild the list with `string_split` (which drops the empty piece
//! before the first separator) and strip each element's `.` (which keeps empty elements
//! apart from a missing list). Every file is read with `QUOTE='"', ESCAPE='"'` (RFC 4180;
//! Kùzu's default escape is the backslash) and `PARALLEL=false` (quoted line breaks), with
//! declared column types so no value is sniffed as a number.

use super::fields::{
    EvidenceColumns, confidence_text, evidence_documents, evidence_json, is_inferred, relation_type,
};
use crate::graph::KnowledgeGraph;
use crate::model::RelationKind;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// The columns of `entities.csv` and the `Entity` table: (name, Kùzu type).
const ENTITY_COLUMNS: [(&str, &str); 5] = [
    ("id", "STRING"),
    ("label", "STRING"),
    ("type", "STRING"),
    ("aliases", "STRING[]"),
    ("wikidata", "STRING"),
];

/// The property columns of every relation table and `rel_<TYPE>.csv` (after `from`, `to`).
const RELATION_COLUMNS: [(&str, &str); 16] = [
    ("relation", "STRING"),
    ("confidence", "DOUBLE"),
    ("evidence_count", "INT64"),
    ("inferred", "BOOLEAN"),
    ("evidence_documents", "STRING[]"),
    ("evidence", "STRING[]"),
    ("evidence_document", "STRING[]"),
    ("evidence_start", "INT64[]"),
    ("evidence_end", "INT64[]"),
    ("evidence_rule", "STRING[]"),
    ("evidence_tier", "STRING[]"),
    ("evidence_confidence", "DOUBLE[]"),
    ("evidence_valid_from", "STRING[]"),
    ("evidence_valid_until", "STRING[]"),
    ("evidence_point_in_time", "STRING[]"),
    ("evidence_json", "STRING"),
];

/// The property columns of the `CONFLICT` table and `conflicts.csv` (after `from`, `to`).
const CONFLICT_COLUMNS: [(&str, &str); 3] = [
    ("first_relation", "STRING"),
    ("second_relation", "STRING"),
    ("reason", "STRING"),
];

/// The relationship type of conflicts.
pub const CONFLICT_TYPE: &str = "CONFLICT";

/// The `CREATE ... TABLE` statements, one per line: `Entity`, a table per relation type (all
/// of them, so queries on a relation the graph lacks still run) and `CONFLICT`.
pub fn schema() -> String {
    let cols = |c: &[(&str, &str)]| {
        c.iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "CREATE NODE TABLE Entity({}, PRIMARY KEY(id));\n",
        cols(&ENTITY_COLUMNS)
    );
    for kind in RelationKind::ALL {
        let _ = writeln!(
            out,
            "CREATE REL TABLE {}(FROM Entity TO Entity, {});",
            relation_type(kind),
            cols(&RELATION_COLUMNS)
        );
    }
    let _ = writeln!(
        out,
        "CREATE REL TABLE {CONFLICT_TYPE}(FROM Entity TO Entity, {});",
        cols(&CONFLICT_COLUMNS)
    );
    out
}

/// Every string that goes into a list cell, for choosing the separator.
fn list_strings(graph: &KnowledgeGraph) -> impl Iterator<Item = &str> {
    let aliases = graph
        .entities()
        .flat_map(|e| e.aliases.iter().map(String::as_str));
    let evidence = graph
        .sorted_edges()
        .into_iter()
        .flat_map(|e| e.relation.evidence.iter())
        .flat_map(|ev| {
            let when = ev.when.as_deref();
            [&*ev.document, ev.sentence.as_str(), &*ev.rule]
                .into_iter()
                .chain(
                    when.into_iter()
                        .flat_map(|w| [&w.start, &w.end, &w.point])
                        .flatten()
                        .map(String::as_str),
                )
        });
    aliases.chain(evidence)
}

/// A character none of the list strings contains (see the module doc).
pub fn separator(graph: &KnowledgeGraph) -> io::Result<char> {
    let candidates = std::iter::once('\u{241F}').chain('\u{E000}'..='\u{E0FF}');
    let mut used = std::collections::HashSet::new();
    for s in list_strings(graph) {
        used.extend(
            s.chars()
                .filter(|&c| c == '\u{241F}' || ('\u{E000}'..='\u{E0FF}').contains(&c)),
        );
    }
    candidates
        .into_iter()
        .find(|c| !used.contains(c))
        .ok_or_else(|| io::Error::other("every list separator candidate occurs in the graph"))
}

/// A list cell: separator + `.` + element, per element.
fn list_cell<S: AsRef<str>>(sep: char, items: &[S]) -> String {
    let mut out = String::new();
    for item in items {
        out.push(sep);
        out.push('.');
        out.push_str(item.as_ref());
    }
    out
}

/// The expression that turns list cell `column` back into a list of `ty` elements.
fn list_expr(sep: char, column: &str, ty: &str) -> String {
    let strings = format!(
        "CASE WHEN {column} IS NULL OR {column} = '' THEN CAST([] AS STRING[]) \
ELSE list_transform(string_split({column}, '{sep}'), x -> substring(x, 2, size(x))) END"
    );
    match ty.strip_suffix("[]") {
        Some("STRING") | None => strings,
        Some(elem) => format!("list_transform({strings}, x -> CAST(x AS {elem}))"),
    }
}

/// The COPY statement of one table from one file.
fn copy(table: &str, file: &str, keys: &[&str], columns: &[(&str, &str)], sep: char) -> String {
    let mut declared: Vec<String> = keys.iter().map(|k| format!("`{k}` STRING")).collect();
    // Lists arrive as STRING cells and are rebuilt; scalars are read as their type.
    declared.extend(columns.iter().map(|(n, t)| {
        let read = if t.ends_with("[]") { "STRING" } else { t };
        format!("`{n}` {read}")
    }));
    let mut out: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    out.extend(columns.iter().map(|(n, t)| {
        if t.ends_with("[]") {
            list_expr(sep, &format!("`{n}`"), t)
        } else {
            format!("`{n}`")
        }
    }));
    format!(
        "COPY {table} FROM (LOAD WITH HEADERS ({}) FROM '{file}' \
(HEADER=true, PARALLEL=false, QUOTE='\"', ESCAPE='\"') RETURN {});\n",
        declared.join(", "),
        out.join(", ")
    )
}

/// The file name of a relation type's CSV.
fn relation_file(kind: RelationKind) -> String {
    format!("rel_{}.csv", relation_type(kind))
}

/// The script that loads the directory: the schema, then one COPY per file written.
fn load_script(graph: &KnowledgeGraph, kinds: &[RelationKind], sep: char) -> String {
    let mut out = String::from(
        "// Load with Kùzu from this directory (COPY paths are relative to it):\n\
         //   python3 load.py DB   (or run these statements from DIR in any Kùzu client)\n",
    );
    out.push_str(&schema());
    out.push_str(&copy("Entity", "entities.csv", &[], &ENTITY_COLUMNS, sep));
    for &kind in kinds {
        out.push_str(&copy(
            &relation_type(kind),
            &relation_file(kind),
            &["from", "to"],
            &RELATION_COLUMNS,
            sep,
        ));
    }
    if !graph.conflicts().is_empty() {
        out.push_str(&copy(
            CONFLICT_TYPE,
            "conflicts.csv",
            &["from", "to"],
            &CONFLICT_COLUMNS,
            sep,
        ));
    }
    out
}

/// `load.py`: opens (or creates) the database given on the command line and runs
/// `load.cypher` from this directory.
pub const LOAD_PY: &str = r#"#!/usr/bin/env python3
"""Loads this directory into a Kuzu database: python3 load.py DB (needs `pip install kuzu`).

DB must not hold the tables yet. Written by `kg export --format kuzu`."""
import os
import sys

import kuzu

if len(sys.argv) != 2:
    sys.exit("usage: python3 load.py DB")
db = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
conn = kuzu.Connection(kuzu.Database(db))
os.chdir(here)  # the COPY statements name their files relative to this directory
with open("load.cypher", encoding="utf-8", newline="") as f:
    conn.execute(f.read())
print(f"loaded {here} into {db}")
"#;

fn csv_writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

fn header(keys: &[&str], columns: &[(&str, &str)]) -> Vec<String> {
    keys.iter()
        .map(|k| k.to_string())
        .chain(columns.iter().map(|(n, _)| n.to_string()))
        .collect()
}

fn write_entities(graph: &KnowledgeGraph, sep: char, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(header(&[], &ENTITY_COLUMNS))?;
    for e in graph.entities() {
        w.write_record([
            e.id.as_str(),
            &e.label,
            e.kind.as_str(),
            &list_cell(sep, &e.aliases),
            e.wikidata.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()
}

fn write_relations(
    graph: &KnowledgeGraph,
    kind: RelationKind,
    sep: char,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(header(&["from", "to"], &RELATION_COLUMNS))?;
    for e in graph.sorted_edges() {
        if e.relation.kind != kind {
            continue;
        }
        let ev = &e.relation.evidence;
        let c = EvidenceColumns::new(ev);
        let numbers = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>();
        let bool_text = |b: bool| if b { "true" } else { "false" };
        w.write_record([
            e.source.id.as_str(),
            &e.target.id,
            kind.as_str(),
            &confidence_text(e.relation.confidence()),
            &ev.len().to_string(),
            bool_text(is_inferred(ev)),
            &list_cell(sep, &evidence_documents(ev)),
            &list_cell(sep, &c.sentence),
            &list_cell(sep, &c.document),
            &list_cell(sep, &numbers(&c.start)),
            &list_cell(sep, &numbers(&c.end)),
            &list_cell(sep, &c.rule),
            &list_cell(sep, &c.tier),
            &list_cell(sep, &c.confidence),
            &list_cell(sep, &c.valid_from),
            &list_cell(sep, &c.valid_until),
            &list_cell(sep, &c.point_in_time),
            &evidence_json(ev),
        ])?;
    }
    w.flush()
}

fn write_conflicts(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(header(&["from", "to"], &CONFLICT_COLUMNS))?;
    for c in graph.conflicts() {
        let [a, b] = c.relations;
        w.write_record([
            c.subject.as_str(),
            &c.object,
            a.as_str(),
            b.as_str(),
            &c.reason,
        ])?;
    }
    w.flush()
}

/// Writes the Kùzu set into `dir` (which must exist, and is normally a fresh staging
/// directory: see [`super::export`]).
pub fn write_dir(graph: &KnowledgeGraph, dir: &Path) -> io::Result<()> {
    let sep = separator(graph)?;
    let kinds: Vec<RelationKind> = {
        let mut present: BTreeMap<RelationKind, ()> = BTreeMap::new();
        for e in graph.sorted_edges() {
            present.insert(e.relation.kind, ());
        }
        present.into_keys().collect()
    };
    let file = |name: &str, fill: &dyn Fn(&mut dyn Write) -> io::Result<()>| {
        crate::atomic::write_file_with(&dir.join(name), fill)?;
        Ok::<(), io::Error>(())
    };
    file("schema.cypher", &|w| w.write_all(schema().as_bytes()))?;
    file("entities.csv", &|w| write_entities(graph, sep, w))?;
    for &kind in &kinds {
        file(&relation_file(kind), &|w| {
            write_relations(graph, kind, sep, w)
        })?;
    }
    if !graph.conflicts().is_empty() {
        file("conflicts.csv", &|w| write_conflicts(graph, w))?;
    }
    file("load.cypher", &|w| {
        w.write_all(load_script(graph, &kinds, sep).as_bytes())
    })?;
    file("load.py", &|w| w.write_all(LOAD_PY.as_bytes()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_cells_keep_empty_elements_apart_from_empty_lists() {
        assert_eq!(list_cell::<&str>('|', &[]), "");
        assert_eq!(list_cell('|', &[""]), "|.");
        assert_eq!(list_cell('|', &["a,b", ""]), "|.a,b|.");
    }

    #[test]
    fn the_separator_avoids_characters_in_the_graph() {
        let mut g = super::super::fields::tiny_graph();
        assert_eq!(separator(&g).unwrap(), '\u{241F}');
        g.add_entity(crate::model::Entity {
            id: "x".into(),
            label: "x".into(),
            kind: crate::model::EntityKind::Place,
            aliases: vec!["a\u{241F}b\u{E000}".into()],
            wikidata: None,
        });
        assert_eq!(separator(&g).unwrap(), '\u{E001}');
    }

    #[test]
    fn the_schema_declares_every_relation_and_conflicts() {
        let s = schema();
        assert_eq!(s.lines().count(), 1 + RelationKind::ALL.len() + 1);
        assert!(s.contains("CREATE REL TABLE OBSERVER_OF(FROM Entity TO Entity, relation STRING"));
        assert!(s.contains("aliases STRING[]"));
    }
}
