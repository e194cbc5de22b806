//! `kg export --format kuzu --out DIR` loaded into a real Kùzu database (PyPI `kuzu`, set up
//! by `tests/common`) with the directory's own `load.py`, then asked in Cypher: the five
//! observer states of the SCO article, the shortest path `kg path` finds, and every stored
//! value read back into the `graph.json` contract (lists through the separator encoding,
//! hostile text included).

mod common;

use assert_cmd::Command;
use kg::graph::KnowledgeGraph;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

const SCO: &str = "shanghai-cooperation-organization";

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Exports `graph_file` with the CLI and loads it with `load.py` into a new database.
fn export_and_load(python: &Path, graph_file: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("kuzu");
    Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "--format", "kuzu", "--graph"])
        .arg(graph_file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    for f in ["schema.cypher", "load.cypher", "load.py", "entities.csv"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let db = dir.join("graph.kuzu");
    let run = std::process::Command::new(python)
        .arg(out.join("load.py"))
        .arg(&db)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "load.py failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    db
}

/// Runs Cypher queries (a JSON object name -> query) and prints every row.
const QUERY_SCRIPT: &str = r#"
import json, sys
import kuzu
conn = kuzu.Connection(kuzu.Database(sys.argv[1]))
out = {}
for name, q in json.loads(sys.argv[2]).items():
    r = conn.execute(q)
    rows = []
    while r.has_next():
        rows.append(r.get_next())
    out[name] = rows
print(json.dumps(out))
"#;

fn query(python: &Path, db: &Path, queries: &[(&str, String)]) -> Value {
    let map: Map<String, Value> = queries
        .iter()
        .map(|(k, q)| (k.to_string(), json!(q)))
        .collect();
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(QUERY_SCRIPT)
        .arg(db)
        .arg(Value::Object(map).to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every relation table, for patterns that cross all of them but not `CONFLICT`.
fn relation_tables() -> String {
    kg::model::RelationKind::ALL
        .map(kg::export::fields::relation_type)
        .join("|")
}

#[test]
fn kuzu_answers_the_sco_questions_in_cypher() {
    let Some(python) = common::python_or_skip("kuzu", &[("kuzu", "kuzu")]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = export_and_load(&python, &manifest("output/graph.json"), dir.path());
    let got = query(
        &python,
        &db,
        &[
            (
                "observers",
                format!(
                    "MATCH (s:Entity)-[:OBSERVER_OF]->(o:Entity {{id: '{SCO}'}}) \
                     RETURN s.label ORDER BY s.label"
                ),
            ),
            (
                "paths",
                format!(
                    "MATCH p = (a:Entity {{id: 'xi-jinping'}})-[:{}* ALL SHORTEST 1..10]-\
                     (b:Entity {{id: 'kazakhstan'}}) \
                     RETURN list_transform(nodes(p), n -> n.id), \
                     list_transform(rels(p), r -> r.relation)",
                    relation_tables()
                ),
            ),
            (
                "conflicts",
                "MATCH (a:Entity)-[c:CONFLICT]->(b:Entity) RETURN a.id, c.first_relation, \
                 c.second_relation, b.id ORDER BY a.id"
                    .to_string(),
            ),
        ],
    );
    assert_eq!(
        got["observers"],
        json!([
            ["Afghanistan"],
            ["Belarus"],
            ["Iran"],
            ["Mongolia"],
            ["Pakistan"]
        ])
    );
    // `kg path` picks one shortest path (by id order); Kùzu lists all of them: the same
    // length, and ours among them.
    let out = Command::cargo_bin("kg")
        .unwrap()
        .args(["path", "--json", "Xi Jinping", "Kazakhstan", "--graph"])
        .arg(manifest("output/graph.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = &ours["paths"][0];
    let relations: Vec<&Value> = ours["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["relation"])
        .collect();
    // Nodes are ids, or (newer JSON) objects with an `id`.
    let ids: Vec<&Value> = ours["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.get("id").unwrap_or(n))
        .collect();
    let ours = json!([ids, relations]);
    let paths = got["paths"].as_array().unwrap();
    assert!(!paths.is_empty(), "Kùzu found no path");
    for p in paths {
        assert_eq!(
            p[0].as_array().unwrap().len(),
            ours[0].as_array().unwrap().len(),
            "{p}"
        );
    }
    assert!(
        paths.contains(&ours),
        "kg path {ours} is not among Kùzu's shortest paths {paths:?}"
    );
    let g = KnowledgeGraph::load(&manifest("output/graph.json")).unwrap();
    let want: Vec<Value> = {
        let mut c: Vec<Value> = g
            .conflicts()
            .iter()
            .map(|c| json!([c.subject, c.relations[0], c.relations[1], c.object]))
            .collect();
        c.sort_by_key(|v| v.to_string());
        c
    };
    assert_eq!(got["conflicts"], json!(want));
}

/// The columns of a relation table, as the test reads them back.
const EDGE_COLUMNS: &str = "s.id, o.id, r.relation, r.confidence, r.evidence_count, r.inferred, \
    r.evidence_documents, r.evidence, r.evidence_document, r.evidence_start, r.evidence_end, \
    r.evidence_rule, r.evidence_tier, r.evidence_confidence, r.evidence_valid_from, \
    r.evidence_valid_until, r.evidence_point_in_time, r.evidence_json, label(r)";

#[test]
fn kuzu_keeps_every_value_of_hostile_and_real_graphs() {
    let Some(python) = common::python_or_skip("kuzu", &[("kuzu", "kuzu")]) else {
        return;
    };
    for file in [
        "output/graph.json",
        "tests/fixtures/render/hostile.json",
        "tests/fixtures/sco.json",
    ] {
        let path = manifest(file);
        let g = KnowledgeGraph::load(&path).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let db = export_and_load(&python, &path, dir.path());
        let got = query(
            &python,
            &db,
            &[
                (
                    "nodes",
                    "MATCH (n:Entity) RETURN n.id, n.label, n.type, n.aliases, n.wikidata"
                        .to_string(),
                ),
                (
                    "edges",
                    format!(
                        "MATCH (s:Entity)-[r:{}]->(o:Entity) RETURN {EDGE_COLUMNS}",
                        relation_tables()
                    ),
                ),
                (
                    "conflicts",
                    "MATCH (s:Entity)-[c:CONFLICT]->(o:Entity) RETURN s.id, o.id, \
                     c.first_relation, c.second_relation, c.reason"
                        .to_string(),
                ),
            ],
        );
        let mut nodes: Vec<Value> = got["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| json!([r[0], r[1], r[2], r[3], r[4]]))
            .collect();
        nodes.sort_by_key(|v| v.to_string());
        let mut want: Vec<Value> = g
            .entities()
            .map(|e| json!([e.id, e.label, e.kind.as_str(), e.aliases, e.wikidata]))
            .collect();
        want.sort_by_key(|v| v.to_string());
        assert_eq!(nodes, want, "{file} nodes");

        let mut edges: Vec<Value> = got["edges"].as_array().unwrap().clone();
        edges.sort_by_key(|v| v.to_string());
        let mut want: Vec<Value> = g
            .sorted_edges()
            .into_iter()
            .map(|e| {
                let ev = &e.relation.evidence;
                let field =
                    |f: fn(&kg::model::Evidence) -> Value| -> Value { ev.iter().map(f).collect() };
                let date = |f: fn(&kg::model::When) -> &Option<String>| -> Value {
                    ev.iter()
                        .map(|x| {
                            json!(
                                x.when
                                    .as_deref()
                                    .and_then(|w| f(w).clone())
                                    .unwrap_or_default()
                            )
                        })
                        .collect()
                };
                let mut docs: Vec<&str> = ev.iter().map(|x| &*x.document).collect();
                docs.sort();
                docs.dedup();
                json!([
                    e.source.id,
                    e.target.id,
                    e.relation.kind.as_str(),
                    e.relation.confidence().get(),
                    ev.len(),
                    ev.iter().all(|x| x.tier == kg::model::Tier::Implied),
                    docs,
                    field(|x| json!(x.sentence)),
                    field(|x| json!(&*x.document)),
                    field(|x| json!(x.start)),
                    field(|x| json!(x.end)),
                    field(|x| json!(&*x.rule)),
                    field(|x| json!(x.tier)),
                    field(|x| json!(x.confidence.get())),
                    date(|w| &w.start),
                    date(|w| &w.end),
                    date(|w| &w.point),
                    serde_json::to_string(ev).unwrap(),
                    kg::export::fields::relation_type(e.relation.kind),
                ])
            })
            .collect();
        want.sort_by_key(|v| v.to_string());
        assert_eq!(edges.len(), g.edge_count(), "{file} edge count");
        assert_eq!(edges, want, "{file} edges");

        let mut conflicts = got["conflicts"].as_array().unwrap().clone();
        conflicts.sort_by_key(|v| v.to_string());
        let mut want: Vec<Value> = g
            .conflicts()
            .iter()
            .map(|c| {
                json!([
                    c.subject,
                    c.object,
                    c.relations[0],
                    c.relations[1],
                    c.reason
                ])
            })
            .collect();
        want.sort_by_key(|v| v.to_string());
        assert_eq!(conflicts, want, "{file} conflicts");
    }
}
