//! Lossless exports: every format that can be read back is read back by a real reader
//! (NetworkX for GraphML, GEXF, node-link and Cytoscape JSON; oxigraph and rdflib with
//! SPARQL for Turtle, N-Triples and JSON-LD; `csv` for the neo4j-admin set; our own loader
//! for `json`), the graph is rebuilt from what the reader returns, and it must equal the
//! `graph.json` contract of the graph written: every entity, every edge with its confidence,
//! every evidence item (document, sentence, span, rule, tier, confidence, date) and every
//! conflict. Expected values come from the graph, never from the exported text.

mod common;

use kg::export::{csv as kcsv, cytoscape, gexf, graphml, nodelink, rdf};
use kg::graph::ConflictTable;
use kg::graph::KnowledgeGraph;
use kg::model::{Confidence, Entity, EntityKind, Evidence, RelationKind, Tier, When};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::Path;

type Writer = fn(&KnowledgeGraph, &mut dyn std::io::Write) -> std::io::Result<()>;

const SCO: &str = "shanghai-cooperation-organization";

fn entity(id: &str, label: &str, kind: EntityKind, aliases: &[&str], q: Option<&str>) -> Entity {
    Entity {
        id: id.into(),
        label: label.into(),
        kind,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        wikidata: q.map(Into::into),
    }
}

fn when(start: Option<&str>, end: Option<&str>, point: Option<&str>) -> Option<Box<When>> {
    Some(Box::new(When {
        start: start.map(Into::into),
        end: end.map(Into::into),
        point: point.map(Into::into),
    }))
}

#[allow(clippy::too_many_arguments)]
fn ev(
    doc: &str,
    sentence: &str,
    start: usize,
    rule: &str,
    tier: Tier,
    p: f64,
    when: Option<Box<When>>,
) -> Evidence {
    Evidence {
        document: doc.into(),
        sentence: sentence.into(),
        start,
        end: start + sentence.len(),
        rule: rule.into(),
        tier,
        confidence: Confidence::new(p),
        when,
    }
}

/// A graph with every kind of fact an export must keep: dates of every shape (a year, a
/// month, a day, a start, an end, a range), implied and explicit items, several documents
/// and confidences per edge, a symmetric relation, parallel edges, hostile text, conflicts
/// (found by the built-in conflict table), and aliases in a non-alphabetical order.
fn rich_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    for d in ["a.txt", "b \"two\" <&>.md", "unused.txt"] {
        g.add_document(d);
    }
    g.add_entity(entity(
        SCO,
        "Shanghai Cooperation Organisation",
        EntityKind::Organization,
        &["SCO", "上海合作组织", "ШОС"],
        Some("Q485207"),
    ));
    g.add_entity(entity(
        "iran",
        "Iran",
        EntityKind::Country,
        &[],
        Some("Q794"),
    ));
    g.add_entity(entity(
        "belarus",
        "Belarus <\"&\">",
        EntityKind::Country,
        &["Z; last", "A, first"],
        None,
    ));
    g.add_entity(entity(
        "xi",
        "Xi Jinping",
        EntityKind::Person,
        &["习近平"],
        None,
    ));
    g.add_entity(entity("putin", "=Putin", EntityKind::Person, &[], None));
    g.add_entity(entity("lonely", "No Edges", EntityKind::Place, &[], None));
    let facts: Vec<(&str, RelationKind, &str, Vec<Evidence>)> = vec![
        (
            "iran",
            RelationKind::ObserverOf,
            SCO,
            vec![
                ev(
                    "a.txt",
                    "Iran was an observer from 2005.",
                    10,
                    "status.observer",
                    Tier::Explicit,
                    0.9,
                    when(Some("2005"), None, None),
                ),
                ev(
                    "b \"two\" <&>.md",
                    "It observed until 2023-07.",
                    400,
                    "status.observer",
                    Tier::Implied,
                    0.765,
                    when(None, Some("2023-07"), None),
                ),
            ],
        ),
        (
            "iran",
            RelationKind::MemberOf,
            SCO,
            vec![ev(
                "a.txt",
                "Iran joined on 2023-07-04.",
                90,
                "member.join",
                Tier::Explicit,
                0.95,
                when(None, None, Some("2023-07-04")),
            )],
        ),
        (
            "belarus",
            RelationKind::ObserverOf,
            SCO,
            vec![ev(
                "a.txt",
                "Belarus: observer 2015–2024;\r\nthen \"member\" \\ <b>]]>",
                150,
                "status.observer",
                Tier::Explicit,
                0.85,
                when(Some("2015"), Some("2024"), None),
            )],
        ),
        (
            "belarus",
            RelationKind::MemberOf,
            SCO,
            vec![ev(
                "a.txt",
                "Belarus became a member in 2024.",
                220,
                "member.join",
                Tier::Explicit,
                0.9,
                when(None, None, Some("2024")),
            )],
        ),
        (
            "xi",
            RelationKind::Leads,
            "iran",
            vec![
                ev(
                    "a.txt",
                    "He leads it.",
                    300,
                    "leads.title",
                    Tier::Implied,
                    0.6,
                    None,
                ),
                ev(
                    "a.txt",
                    "He leads it, again.",
                    330,
                    "leads.coref",
                    Tier::Implied,
                    0.5,
                    None,
                ),
            ],
        ),
        (
            "putin",
            RelationKind::MetWith,
            "xi",
            vec![ev(
                "b \"two\" <&>.md",
                "=Putin met Xi 🙂.",
                12,
                "meeting.met",
                Tier::Explicit,
                0.8,
                when(None, None, Some("2024-02")),
            )],
        ),
    ];
    for (s, r, o, items) in facts {
        g.add_relation(s, r, o, &items).unwrap();
    }
    g.detect_conflicts(&ConflictTable::builtin());
    assert_eq!(
        g.conflicts().len(),
        2,
        "the fixture needs its two conflicts"
    );
    g
}

/// The SCO graph built from the seed article (`output/graph.json`).
fn sco_graph() -> KnowledgeGraph {
    KnowledgeGraph::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("output/graph.json")).unwrap()
}

fn graphs() -> [(&'static str, KnowledgeGraph); 2] {
    [("rich", rich_graph()), ("sco", sco_graph())]
}

/// How much order a format keeps: JSON and the graph formats keep lists in order; RDF
/// values are sets, so aliases and evidence items are compared sorted there.
#[derive(Clone, Copy, PartialEq)]
enum Order {
    Kept,
    Unordered,
}

/// The contract of `g` (`graph.json`) in the shape the readers rebuild: nodes by id, edges
/// by (source, relation, target) without the redundant `key`, conflicts sorted; documents
/// only when the format keeps the graph's own list.
fn contract(g: &KnowledgeGraph, order: Order, documents: bool) -> Value {
    let mut v: Value = serde_json::from_str(&g.to_json_string()).unwrap();
    let mut out = Map::new();
    let mut nodes = v["nodes"].as_array().unwrap().clone();
    let mut edges: Vec<Value> = v["edges"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .map(|e| {
            e.as_object_mut().unwrap().remove("key");
            e.clone()
        })
        .collect();
    if order == Order::Unordered {
        for n in &mut nodes {
            sort_array(&mut n["aliases"]);
        }
        for e in &mut edges {
            sort_array(&mut e["evidence"]);
        }
    }
    out.insert("nodes".into(), sorted_by(nodes, |n| n["id"].to_string()));
    out.insert("edges".into(), sorted_by(edges, edge_key));
    let conflicts = v["conflicts"].as_array().unwrap().clone();
    out.insert("conflicts".into(), sorted_by(conflicts, |c| c.to_string()));
    if documents {
        out.insert("documents".into(), v["meta"]["documents"].clone());
    }
    Value::Object(out)
}

fn edge_key(e: &Value) -> String {
    format!("{}|{}|{}", e["source"], e["relation"], e["target"])
}

fn sort_array(v: &mut Value) {
    if let Some(a) = v.as_array_mut() {
        a.sort_by_key(|x| x.to_string());
    }
}

fn sorted_by(mut items: Vec<Value>, key: impl Fn(&Value) -> String) -> Value {
    items.sort_by_key(|x| key(x));
    Value::Array(items)
}

/// Puts what a reader returned into the [`contract`] shape.
fn normalise(mut got: Value, order: Order) -> Value {
    let obj = got.as_object_mut().unwrap();
    let mut nodes = obj.remove("nodes").unwrap().as_array().unwrap().clone();
    let mut edges = obj.remove("edges").unwrap().as_array().unwrap().clone();
    if order == Order::Unordered {
        for n in &mut nodes {
            sort_array(&mut n["aliases"]);
        }
        for e in &mut edges {
            sort_array(&mut e["evidence"]);
        }
    }
    obj.insert("nodes".into(), sorted_by(nodes, |n| n["id"].to_string()));
    obj.insert("edges".into(), sorted_by(edges, edge_key));
    let mut conflicts = obj.remove("conflicts").unwrap().as_array().unwrap().clone();
    conflicts.sort_by_key(|c| c.to_string());
    conflicts.dedup();
    obj.insert("conflicts".into(), Value::Array(conflicts));
    got
}

fn to_bytes(g: &KnowledgeGraph, write: Writer) -> Vec<u8> {
    let mut buf = Vec::new();
    write(g, &mut buf).unwrap();
    buf
}

// ---------------------------------------------------------------- json

#[test]
fn json_round_trips_through_the_loader() {
    for (name, g) in graphs() {
        let back = KnowledgeGraph::from_json_str(&g.to_json_string(), "back").unwrap();
        assert_eq!(
            contract(&back, Order::Kept, true),
            contract(&g, Order::Kept, true),
            "{name}"
        );
        assert_eq!(back.to_json_string(), g.to_json_string(), "{name}");
    }
}

// ---------------------------------------------------------------- NetworkX

/// Rebuilds the contract from what NetworkX reads. Flat formats (GraphML, GEXF) carry lists
/// as JSON text; GEXF has no graph attributes, so its conflicts come from the edges. GEXF
/// spells are printed beside, per edge.
const NETWORKX_SCRIPT: &str = r#"
import json, sys
import networkx as nx
fmt, path = sys.argv[1], sys.argv[2]
if fmt == "graphml":
    G = nx.read_graphml(path)
elif fmt == "gexf":
    G = nx.read_gexf(path)
elif fmt == "nodelink":
    G = nx.node_link_graph(json.load(open(path, encoding="utf-8")), edges="edges")
elif fmt == "cytoscape":
    G = nx.cytoscape_graph(json.load(open(path, encoding="utf-8")))
flat = fmt in ("graphml", "gexf")
load = lambda v: json.loads(v) if flat else v
nodes, edges, conflicts, spells, inferred = [], [], [], {}, {}
for n, d in G.nodes(data=True):
    node = {"id": n, "label": d["label"], "type": d["type"], "aliases": load(d["aliases"])}
    if d.get("wikidata") is not None:
        node["wikidata"] = d["wikidata"]
    nodes.append(node)
for s, t, d in G.edges(data=True):
    assert type(d["confidence"]) is float and type(d["evidence_count"]) is int, d
    evidence = load(d["evidence"])
    assert d["evidence_count"] == len(evidence)
    edges.append({"source": s, "target": t, "relation": d["relation"],
                  "confidence": d["confidence"], "evidence": evidence})
    key = "|".join([s, d["relation"], t])
    if flat:
        inferred[key] = d["inferred"]
    for c in load(d.get("conflicts", "[]" if flat else [])):
        conflicts.append({"subject": s, "object": t, "relations": c["relations"], "reason": c["reason"]})
    if "spells" in d:
        # NetworkX reads an absent start or end (an open interval) as the string "None".
        fix = lambda v: None if v == "None" else v
        spells[key] = sorted([[fix(a), fix(b)] for a, b in d["spells"]], key=json.dumps)
out = {"nodes": nodes, "edges": edges, "conflicts": conflicts, "spells": spells, "inferred": inferred}
if fmt != "gexf":
    out["graph_conflicts"] = load(G.graph["conflicts"])
    out["documents"] = load(G.graph["documents"])
print(json.dumps(out))
"#;

const FLAT_AND_JSON: [(&str, &str, Writer); 4] = [
    ("graphml", "graph.graphml", graphml::write),
    ("gexf", "graph.gexf", gexf::write),
    ("nodelink", "graph.nodelink.json", nodelink::write),
    ("cytoscape", "graph.cyjs", cytoscape::write),
];

/// The GEXF spells an edge must carry: one per distinct dated interval, dates padded to
/// whole days (a year spans it, a month too; a start or an end alone stays open).
fn expected_spells(evidence: &[Evidence]) -> Value {
    fn pad(d: &str, end: bool) -> String {
        let parts: Vec<&str> = d.split('-').collect();
        match (parts.len(), end) {
            (1, false) => format!("{d}-01-01"),
            (1, true) => format!("{d}-12-31"),
            (2, false) => format!("{d}-01"),
            (2, true) => {
                let (y, m): (u32, u32) = (parts[0].parse().unwrap(), parts[1].parse().unwrap());
                let days = match m {
                    2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                format!("{d}-{days}")
            }
            _ => d.to_string(),
        }
    }
    let mut spells: Vec<Value> = evidence
        .iter()
        .filter_map(|e| e.when.as_deref())
        .map(|w| match &w.point {
            Some(p) => json!([pad(p, false), pad(p, true)]),
            None => json!([
                w.start.as_deref().map(|s| pad(s, false)),
                w.end.as_deref().map(|e| pad(e, true))
            ]),
        })
        .collect();
    spells.sort_by_key(|s| s.to_string());
    spells.dedup();
    Value::Array(spells)
}

#[test]
fn networkx_reads_every_evidence_item_conflict_and_date_back() {
    let Some(python) = common::python_or_skip("networkx", &[("networkx", "networkx")]) else {
        return;
    };
    for (name, g) in graphs() {
        let dir = tempfile::tempdir().unwrap();
        let want = contract(&g, Order::Kept, false);
        for (fmt, file, write) in FLAT_AND_JSON {
            let path = dir.path().join(file);
            std::fs::write(&path, to_bytes(&g, write)).unwrap();
            let out = common::run_python(&python, NETWORKX_SCRIPT, &[Path::new(fmt), &path]);
            let mut got: Value = serde_json::from_str(&out).unwrap();
            let obj = got.as_object_mut().unwrap();
            let spells = obj.remove("spells").unwrap();
            let inferred = obj.remove("inferred").unwrap();
            let graph_level = obj.remove("graph_conflicts");
            let documents = obj.remove("documents");
            let got = normalise(got, Order::Kept);
            assert_eq!(got, want, "{name} {fmt}");
            if let Some(list) = graph_level {
                let list = sorted_by(list.as_array().unwrap().clone(), |c| c.to_string());
                assert_eq!(list, want["conflicts"], "{name} {fmt} graph conflicts");
                assert_eq!(documents.unwrap(), json!(g.documents()), "{name} {fmt}");
            }
            let edges = g.sorted_edges();
            if matches!(fmt, "graphml" | "gexf") {
                for e in &edges {
                    let key = format!("{}|{}|{}", e.source.id, e.relation.kind, e.target.id);
                    let all_implied = e.relation.evidence.iter().all(|x| x.tier == Tier::Implied);
                    assert_eq!(inferred[&key], json!(all_implied), "{name} {fmt} {key}");
                }
            }
            if fmt == "gexf" {
                let mut dated = 0;
                for e in &edges {
                    let key = format!("{}|{}|{}", e.source.id, e.relation.kind, e.target.id);
                    let want = expected_spells(&e.relation.evidence);
                    let got = spells.get(&key).cloned().unwrap_or(json!([]));
                    assert_eq!(got, want, "{name} gexf spells of {key}");
                    dated += usize::from(want != json!([]));
                }
                assert!(dated > 0, "{name}: no dated edge to check spells on");
            }
        }
    }
}

// ---------------------------------------------------------------- RDF

const RDF_PREFIXES: &str = "
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <http://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://kg.example/vocab#>
";

/// (name, query): every fact of the graph, as rows of plain strings.
const RDF_QUERIES: [(&str, &str); 5] = [
    (
        "nodes",
        "SELECT ?id ?label ?class ?wd WHERE { ?n schema:identifier ?id ; schema:name ?label ; a ?class .
           OPTIONAL { ?n owl:sameAs ?wd } }",
    ),
    (
        "aliases",
        "SELECT ?id ?alias WHERE { ?n schema:identifier ?id ; schema:alternateName ?alias }",
    ),
    (
        "evidence",
        "SELECT ?source ?relation ?target ?predicate ?direct ?confidence ?count ?document ?sentence ?start ?end
                ?rule ?tier ?itemConfidence ?validFrom ?validUntil ?pointInTime WHERE {
           ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?predicate ; rdf:object ?o ;
               kg:relation ?relation ; kg:confidence ?confidence ; kg:evidenceCount ?count ;
               prov:wasDerivedFrom ?ev .
           ?s schema:identifier ?source . ?o schema:identifier ?target .
           BIND(EXISTS { ?s ?predicate ?o } AS ?direct)
           ?ev a kg:Evidence, prov:Entity ; kg:document ?document ; kg:sentence ?sentence ;
               kg:start ?start ; kg:end ?end ; kg:rule ?rule ; kg:tier ?tier ;
               kg:confidence ?itemConfidence .
           OPTIONAL { ?ev kg:validFrom ?validFrom } OPTIONAL { ?ev kg:validUntil ?validUntil }
           OPTIONAL { ?ev kg:pointInTime ?pointInTime }
         }",
    ),
    (
        "dates",
        "SELECT ?date ?dateType WHERE { ?ev kg:validFrom|kg:validUntil|kg:pointInTime ?d .
           BIND(STR(?d) AS ?date) BIND(STR(DATATYPE(?d)) AS ?dateType) }",
    ),
    (
        "conflicts",
        "SELECT ?subject ?object ?first ?second ?reason ?between WHERE {
           ?c a kg:Conflict ; kg:subject ?s ; kg:object ?o ; kg:firstRelation ?first ;
              kg:secondRelation ?second ; kg:reason ?reason .
           ?s schema:identifier ?subject . ?o schema:identifier ?object .
           { SELECT ?c (COUNT(?st) AS ?between) WHERE { ?c kg:between ?st . ?st a rdf:Statement } GROUP BY ?c }
         }",
    ),
];

type Rows = Vec<BTreeMap<String, String>>;

fn class_kind(class: &str) -> &'static str {
    let name = class.rsplit(['/', '#']).next().unwrap();
    EntityKind::ALL
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(name))
        .unwrap_or_else(|| panic!("unknown class {class}"))
        .as_str()
}

fn number(s: &str) -> Value {
    if let Ok(n) = s.parse::<u64>() {
        json!(n)
    } else {
        json!(s.parse::<f64>().unwrap())
    }
}

/// Rebuilds the contract from the rows of [`RDF_QUERIES`].
fn from_rdf_rows(rows: &BTreeMap<String, Rows>) -> Value {
    let mut aliases: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &rows["aliases"] {
        aliases.entry(&r["id"]).or_default().push(&r["alias"]);
    }
    let nodes: Vec<Value> = rows["nodes"]
        .iter()
        .map(|r| {
            let mut n = json!({"id": r["id"], "label": r["label"], "type": class_kind(&r["class"]),
                               "aliases": aliases.get(r["id"].as_str()).cloned().unwrap_or_default()});
            if let Some(wd) = r.get("wd") {
                n["wikidata"] = json!(wd.rsplit('/').next().unwrap());
            }
            n
        })
        .collect();
    let mut edges: BTreeMap<(String, String, String), Value> = BTreeMap::new();
    for r in &rows["evidence"] {
        let kind: RelationKind = r["relation"].parse().unwrap();
        assert_eq!(r["predicate"], rdf::predicate_iri(kind).as_str());
        assert_eq!(r["direct"], "true", "the plain triple of {r:?} is missing");
        let key = (
            r["source"].clone(),
            r["relation"].clone(),
            r["target"].clone(),
        );
        let edge = edges.entry(key).or_insert_with(|| {
            json!({"source": r["source"], "target": r["target"], "relation": r["relation"],
                   "confidence": number(&r["confidence"]), "evidence": [], "count": number(&r["count"])})
        });
        let mut item = json!({"document": r["document"], "sentence": r["sentence"],
            "start": number(&r["start"]), "end": number(&r["end"]), "rule": r["rule"],
            "tier": r["tier"], "confidence": number(&r["itemConfidence"])});
        let mut when = Map::new();
        for (field, col) in [
            ("start", "validFrom"),
            ("end", "validUntil"),
            ("point", "pointInTime"),
        ] {
            if let Some(d) = r.get(col) {
                when.insert(field.into(), json!(d));
            }
        }
        if !when.is_empty() {
            item["when"] = Value::Object(when);
        }
        edge["evidence"].as_array_mut().unwrap().push(item);
    }
    let edges: Vec<Value> = edges
        .into_values()
        .map(|mut e| {
            let count = e.as_object_mut().unwrap().remove("count").unwrap();
            assert_eq!(count, json!(e["evidence"].as_array().unwrap().len()));
            e
        })
        .collect();
    // Dates are typed by their precision.
    assert!(
        !rows["dates"].is_empty()
            || rows["evidence"]
                .iter()
                .all(|r| !r.contains_key("validFrom"))
    );
    for r in &rows["dates"] {
        let want = match r["date"].len() {
            4 => "#gYear",
            7 => "#gYearMonth",
            _ => "#date",
        };
        assert!(r["dateType"].ends_with(want), "{r:?}: expected xsd:{want}");
    }
    let conflicts: Vec<Value> = rows["conflicts"]
        .iter()
        .map(|r| {
            assert_eq!(
                r["between"], "2",
                "a conflict must point at both statements"
            );
            json!({"subject": r["subject"], "object": r["object"],
                   "relations": [r["first"], r["second"]], "reason": r["reason"]})
        })
        .collect();
    json!({"nodes": nodes, "edges": edges, "conflicts": conflicts})
}

fn oxigraph_rows(store: &oxigraph::store::Store, query: &str) -> Rows {
    use oxigraph::sparql::{QueryResults, SparqlEvaluator};
    let QueryResults::Solutions(solutions) = SparqlEvaluator::new()
        .parse_query(&format!("{RDF_PREFIXES}{query}"))
        .unwrap()
        .on_store(store)
        .execute()
        .unwrap()
    else {
        panic!("not a SELECT")
    };
    solutions
        .map(|s| {
            s.unwrap()
                .iter()
                .map(|(var, term)| {
                    let text = match term {
                        oxigraph::model::Term::Literal(l) => l.value().to_string(),
                        oxigraph::model::Term::NamedNode(n) => n.as_str().to_string(),
                        other => other.to_string(),
                    };
                    (var.as_str().to_string(), text)
                })
                .collect()
        })
        .collect()
}

const RDF_FORMATS: [(&str, &str, Writer); 3] = [
    ("turtle", "ttl", rdf::write_turtle),
    ("nt", "nt", rdf::write_ntriples),
    ("json-ld", "jsonld", rdf::write_jsonld),
];

#[test]
fn oxigraph_sparql_gets_every_evidence_item_conflict_and_date_back() {
    use oxigraph::io::RdfFormat;
    for (name, g) in graphs() {
        let want = contract(&g, Order::Unordered, false);
        for (_, ext, write) in RDF_FORMATS {
            let store = oxigraph::store::Store::new().unwrap();
            store
                .load_from_slice(
                    RdfFormat::from_extension(ext).unwrap(),
                    &to_bytes(&g, write),
                )
                .unwrap();
            let rows: BTreeMap<String, Rows> = RDF_QUERIES
                .iter()
                .map(|(k, q)| (k.to_string(), oxigraph_rows(&store, q)))
                .collect();
            assert_eq!(
                normalise(from_rdf_rows(&rows), Order::Unordered),
                want,
                "{name} {ext}"
            );
        }
    }
}

const RDFLIB_SCRIPT: &str = r#"
import json, sys
import rdflib
fmt, path, queries = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3], encoding="utf-8"))
g = rdflib.Graph()
g.parse(path, format=fmt)
out = {}
for name, q in queries.items():
    res = g.query(q)
    out[name] = [{str(v): str(row[v]) for v in res.vars if row[v] is not None} for row in res]
print(json.dumps(out))
"#;

#[test]
fn rdflib_sparql_gets_every_evidence_item_conflict_and_date_back() {
    let Some(python) = common::python_or_skip("rdflib", &[("rdflib", "rdflib")]) else {
        return;
    };
    for (name, g) in graphs() {
        let dir = tempfile::tempdir().unwrap();
        let queries: BTreeMap<&str, String> = RDF_QUERIES
            .iter()
            .map(|(k, q)| (*k, format!("{RDF_PREFIXES}{q}")))
            .collect();
        let qfile = dir.path().join("queries.json");
        std::fs::write(&qfile, serde_json::to_string(&queries).unwrap()).unwrap();
        let want = contract(&g, Order::Unordered, false);
        for (fmt, ext, write) in RDF_FORMATS {
            let file = dir.path().join(format!("graph.{ext}"));
            std::fs::write(&file, to_bytes(&g, write)).unwrap();
            let out = common::run_python(&python, RDFLIB_SCRIPT, &[Path::new(fmt), &file, &qfile]);
            let rows: BTreeMap<String, Rows> = serde_json::from_str(&out).unwrap();
            // rdflib spells booleans "true"; numbers keep their lexical form.
            assert_eq!(
                normalise(from_rdf_rows(&rows), Order::Unordered),
                want,
                "{name} {fmt}"
            );
        }
    }
}

// ---------------------------------------------------------------- neo4j-admin CSV

#[test]
fn the_neo4j_csv_set_keeps_every_evidence_item_and_conflict() {
    for (name, g) in graphs() {
        let dir = tempfile::tempdir().unwrap();
        kcsv::write_dir(&g, dir.path()).unwrap();
        let read = |file: &str| -> (Vec<String>, Vec<Vec<String>>) {
            let mut r = csv::Reader::from_path(dir.path().join(file)).unwrap();
            let header = r.headers().unwrap().iter().map(String::from).collect();
            let rows = r
                .records()
                .map(|rec| rec.unwrap().iter().map(String::from).collect())
                .collect();
            (header, rows)
        };
        let cell = |s: &str| kcsv::unescape_cell(s).to_string();
        let array = |s: &str| -> Vec<String> {
            if s.is_empty() {
                vec![]
            } else {
                s.split(';')
                    .map(|x| kcsv::unescape_cell(x).to_string())
                    .collect()
            }
        };
        let (header, rows) = read("nodes.csv");
        assert_eq!(header, kcsv::NODES_HEADER);
        let nodes: Vec<Value> = rows
            .iter()
            .map(|r| {
                let aliases: Vec<String> = serde_json::from_str(&cell(&r[6])).unwrap();
                // The neo4j array splits on ';': it matches wherever no alias holds one.
                if aliases.iter().all(|a| !a.contains(';')) {
                    assert_eq!(array(&r[3]), aliases);
                }
                let mut n = json!({"id": cell(&r[0]), "label": cell(&r[1]), "type": r[2], "aliases": aliases});
                if !r[4].is_empty() {
                    n["wikidata"] = json!(cell(&r[4]));
                }
                n
            })
            .collect();
        let (header, rows) = read("relationships.csv");
        assert_eq!(header, kcsv::RELATIONSHIPS_HEADER);
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        let edges: Vec<Value> = rows
            .iter()
            .map(|r| {
                let evidence: Value =
                    serde_json::from_str(&cell(&r[col("evidence_json")])).unwrap();
                let items = evidence.as_array().unwrap();
                // The per-item columns agree with the JSON list, item by item.
                let per_item = |field: &str| -> Vec<String> {
                    items
                        .iter()
                        .map(|x| match &x[field] {
                            Value::String(s) => s.clone(),
                            v => v.to_string(),
                        })
                        .collect()
                };
                assert_eq!(array(&r[col("evidence_start:long[]")]), per_item("start"));
                assert_eq!(array(&r[col("evidence_end:long[]")]), per_item("end"));
                assert_eq!(array(&r[col("evidence_rule:string[]")]), per_item("rule"));
                assert_eq!(array(&r[col("evidence_tier:string[]")]), per_item("tier"));
                assert_eq!(
                    array(&r[col("evidence_confidence:float[]")]),
                    per_item("confidence")
                );
                let relation = &r[col("relation")];
                assert_eq!(r[col(":TYPE")], relation.replace('-', "_").to_uppercase());
                json!({"source": cell(&r[0]), "target": cell(&r[1]), "relation": relation,
                       "confidence": number(&r[col("confidence:float")]), "evidence": evidence})
            })
            .collect();
        let (header, rows) = read("conflicts.csv");
        assert_eq!(header, kcsv::CONFLICTS_HEADER);
        let conflicts: Vec<Value> = rows
            .iter()
            .map(|r| {
                assert_eq!(r[2], "CONFLICT");
                json!({"subject": cell(&r[0]), "object": cell(&r[1]), "relations": [r[3], r[4]], "reason": cell(&r[5])})
            })
            .collect();
        let got = normalise(
            json!({"nodes": nodes, "edges": edges, "conflicts": conflicts}),
            Order::Kept,
        );
        assert_eq!(got, contract(&g, Order::Kept, false), "{name}");
    }
}

#[cfg(unix)]
#[test]
fn csv_and_kuzu_files_get_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    std::fs::File::create(&plain).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let g = rich_graph();
    for format in [kg::export::Format::Csv, kg::export::Format::Kuzu] {
        let out = dir.path().join(format.as_str());
        kg::export::export(&g, format, &Default::default(), &out).unwrap();
        for f in std::fs::read_dir(&out).unwrap() {
            let f = f.unwrap().path();
            assert_eq!(mode(&f), mode(&plain), "{}", f.display());
        }
    }
    // csv::write_dir into an existing directory, as a library user calls it.
    let csv_dir = dir.path().join("direct");
    kcsv::write_dir(&g, &csv_dir).unwrap();
    assert_eq!(mode(&csv_dir.join("relationships.csv")), mode(&plain));
}
