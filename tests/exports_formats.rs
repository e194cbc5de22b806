//! The data exports, checked by the tools that read them: NetworkX (GraphML, GEXF, node-link,
//! Cytoscape JSON), Cytoscape.js in headless Chromium, oxigraph and rdflib (Turtle,
//! N-Triples, JSON-LD, with SPARQL), and the embedded Cypher database Kùzu (neo4j-style CSV
//! and the MERGE script). Expected values come from the graph the test builds, never from
//! the exported text. See `tests/common/mod.rs` for how consumers are set up or skipped.

mod common;

use kg::export::{csv as kcsv, cypher, cytoscape, gexf, graphml, nodelink, rdf};
use kg::graph::KnowledgeGraph;
use kg::model::{Entity, EntityKind, Evidence, RelationKind, Tier};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

type Writer = fn(&KnowledgeGraph, &mut dyn std::io::Write) -> std::io::Result<()>;

/// Every single-stream format, by file name.
const FORMATS: [(&str, Writer); 9] = [
    ("graph.nodelink.json", nodelink::write),
    ("graph.cyjs", cytoscape::write),
    ("graph.graphml", graphml::write),
    ("graph.gexf", gexf::write),
    ("graph.cypher", cypher::write),
    ("graph.ttl", rdf::write_turtle),
    ("graph.nt", rdf::write_ntriples),
    ("graph.jsonld", rdf::write_jsonld),
    ("nodes.csv", kcsv::write_nodes),
];

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

fn evidence(document: &str, sentence: &str, start: usize) -> Evidence {
    Evidence {
        document: document.into(),
        sentence: sentence.into(),
        start,
        end: start + sentence.len(),
        rule: "test.rule".into(),
        tier: Tier::Explicit,
        confidence: kg::model::Confidence::new(0.55 + (start % 9) as f64 * 0.05),
        when: None,
    }
}

/// A small SCO-like graph: members, observers, a dialogue partner, a leader, and Iran both
/// observer and member (a parallel edge, so a multigraph for NetworkX).
fn small_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    g.add_document("sco.txt");
    g.add_entity(entity(
        SCO,
        "Shanghai Cooperation Organisation",
        EntityKind::Organization,
        &["SCO", "上海合作组织"],
        Some("Q485207"),
    ));
    for (id, label, q) in [
        ("china", "China", "Q148"),
        ("india", "India", "Q668"),
        ("iran", "Iran", "Q794"),
        ("mongolia", "Mongolia", "Q711"),
        ("belarus", "Belarus", "Q184"),
        ("turkey", "Türkiye", "Q43"),
    ] {
        g.add_entity(entity(id, label, EntityKind::Country, &[], Some(q)));
    }
    g.add_entity(entity(
        "xi-jinping",
        "Xi Jinping",
        EntityKind::Person,
        &["Xi", "习近平"],
        Some("Q15031"),
    ));
    let ev = |s: &str, at| [evidence("sco.txt", s, at)];
    let facts: [(&str, RelationKind, &str, &str); 8] = [
        (
            "china",
            RelationKind::MemberOf,
            SCO,
            "China is a founding member of the SCO.",
        ),
        (
            "india",
            RelationKind::MemberOf,
            SCO,
            "India joined the SCO in 2017.",
        ),
        (
            "iran",
            RelationKind::MemberOf,
            SCO,
            "Iran became a full member in 2023.",
        ),
        (
            "iran",
            RelationKind::ObserverOf,
            SCO,
            "Iran was an observer state before 2023.",
        ),
        (
            "mongolia",
            RelationKind::ObserverOf,
            SCO,
            "Mongolia is an observer state.",
        ),
        (
            "belarus",
            RelationKind::ObserverOf,
            SCO,
            "Belarus held observer status.",
        ),
        (
            "turkey",
            RelationKind::DialoguePartnerOf,
            SCO,
            "Türkiye is a dialogue partner.",
        ),
        (
            "xi-jinping",
            RelationKind::Leads,
            "china",
            "Xi Jinping leads China.",
        ),
    ];
    for (i, (s, r, o, sentence)) in facts.into_iter().enumerate() {
        g.add_relation(s, r, o, &ev(sentence, i * 100)).unwrap();
    }
    g.add_relation(
        "mongolia",
        RelationKind::ObserverOf,
        SCO,
        &[evidence("other.txt", "Mongolia, an observer, attended.", 7)],
    )
    .unwrap();
    g
}

/// A fact of the hostile graph: (subject, relation, object, [(HOSTILE index, start)]).
type Fact = (
    &'static str,
    RelationKind,
    &'static str,
    &'static [(usize, usize)],
);

/// Two members, no parallel edges: a plain `DiGraph` for NetworkX.
fn simple_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    g.add_entity(entity(SCO, "SCO", EntityKind::Organization, &[], None));
    g.add_entity(entity(
        "china",
        "China",
        EntityKind::Country,
        &["PRC"],
        Some("Q148"),
    ));
    g.add_entity(entity("india", "India", EntityKind::Country, &[], None));
    for (id, at) in [("china", 0), ("india", 40)] {
        g.add_relation(
            id,
            RelationKind::MemberOf,
            SCO,
            &[evidence("a.txt", "They are members.", at)],
        )
        .unwrap();
    }
    g
}

/// Strings that break naive writers.
const HOSTILE: [&str; 10] = [
    "He said \"hi\" \\ and \\\\ left",
    "line one\nline two\r\nline three\ttabbed",
    "<script>alert('x')</script>",
    "end of CDATA ]]> and comment -->",
    "\"; DROP TABLE entities; --",
    "=cmd|' /C calc'!A0",
    "🙂 emoji 🇨🇳 and CJK 上海合作组织",
    "'already quoted",
    "-leading dash",
    "@at +plus & ampersand",
];

/// A graph whose every text field is hostile: labels, aliases (none contains `;`, the
/// neo4j array delimiter), ids, documents, sentences. One entity has the id `e0`, which
/// Cytoscape edge ids must not collide with.
fn hostile_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    g.add_document("doc \"1\" <a>.txt");
    g.add_entity(entity(
        SCO,
        HOSTILE[6],
        EntityKind::Organization,
        &[HOSTILE[2], HOSTILE[5]],
        Some("Q485207"),
    ));
    g.add_entity(entity(
        "e0",
        HOSTILE[0],
        EntityKind::Country,
        &[HOSTILE[1], HOSTILE[3]],
        None,
    ));
    g.add_entity(entity(
        "weird \"id\" <&> 上海",
        HOSTILE[4],
        EntityKind::Country,
        &[HOSTILE[7]],
        None,
    ));
    g.add_entity(entity(
        "=1+1",
        HOSTILE[5],
        EntityKind::Person,
        &[HOSTILE[8], HOSTILE[9]],
        None,
    ));
    g.add_entity(entity(
        "plain",
        HOSTILE[9],
        EntityKind::Initiative,
        &[],
        None,
    ));
    let doc = "doc \"1\" <a>.txt";
    let weird = "weird \"id\" <&> 上海";
    // (subject, relation, object, [(index into HOSTILE, start offset)])
    let facts: [Fact; 6] = [
        ("e0", RelationKind::ObserverOf, SCO, &[(0, 0), (1, 50)]),
        (weird, RelationKind::ObserverOf, SCO, &[(3, 90)]),
        ("=1+1", RelationKind::MemberOf, SCO, &[(5, 120)]),
        ("=1+1", RelationKind::Leads, "plain", &[(2, 150), (4, 200)]),
        ("plain", RelationKind::LocatedIn, "e0", &[(6, 300)]),
        (
            "plain",
            RelationKind::MetWith,
            "=1+1",
            &[(7, 400), (8, 450)],
        ),
    ];
    for (s, r, o, sentences) in facts {
        let ev: Vec<Evidence> = sentences
            .iter()
            .map(|&(i, at)| evidence(doc, HOSTILE[i], at))
            .collect();
        g.add_relation(s, r, o, &ev).unwrap();
    }
    g
}

/// The SCO graph built from the seed article: the committed `output/graph.json`, which
/// `tests/output.rs` keeps equal to a fresh build.
fn sco_graph() -> KnowledgeGraph {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("output/graph.json");
    KnowledgeGraph::load(&path).unwrap()
}

/// The labels of the entities that are `observer-of` the SCO, sorted.
fn observer_labels(g: &KnowledgeGraph) -> Vec<String> {
    let mut labels: Vec<String> = g
        .sorted_edges()
        .into_iter()
        .filter(|e| e.relation.kind == RelationKind::ObserverOf && e.target.id == SCO)
        .map(|e| e.source.label.clone())
        .collect();
    labels.sort();
    labels
}

fn write_all(g: &KnowledgeGraph, dir: &Path) {
    for (name, write) in FORMATS {
        let mut f = std::fs::File::create(dir.join(name)).unwrap();
        write(g, &mut f).unwrap();
    }
    kcsv::write_dir(g, dir).unwrap();
}

fn to_string(g: &KnowledgeGraph, write: Writer) -> String {
    let mut buf = Vec::new();
    write(g, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

#[test]
fn every_format_is_byte_identical_across_writes_and_rebuilds() {
    for g in [small_graph(), hostile_graph(), sco_graph()] {
        // A graph rebuilt from its JSON has other petgraph indices: the output must not care.
        let rebuilt = KnowledgeGraph::from_json_str(&g.to_json_string(), "rebuilt").unwrap();
        for (name, write) in FORMATS {
            let a = to_string(&g, write);
            assert_eq!(a, to_string(&g, write), "{name}");
            assert_eq!(a, to_string(&rebuilt, write), "{name} after rebuild");
        }
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        kcsv::write_dir(&g, d1.path()).unwrap();
        kcsv::write_dir(&rebuilt, d2.path()).unwrap();
        for f in ["nodes.csv", "relationships.csv"] {
            assert_eq!(
                std::fs::read(d1.path().join(f)).unwrap(),
                std::fs::read(d2.path().join(f)).unwrap()
            );
        }
    }
}

#[test]
fn snapshots_of_the_small_graph() {
    let g = small_graph();
    for (name, write) in FORMATS {
        insta::assert_snapshot!(name, to_string(&g, write));
    }
    insta::assert_snapshot!(
        "relationships.csv",
        to_string(&g, kcsv::write_relationships)
    );
}

#[test]
fn links_key_is_configurable() {
    let mut buf = Vec::new();
    nodelink::write_with(&small_graph(), &mut buf, nodelink::LINKS_KEY).unwrap();
    let v: Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(
        v["links"].as_array().unwrap().len(),
        small_graph().edge_count()
    );
    assert!(v.get("edges").is_none());
}

#[test]
fn cytoscape_ids_are_unique_across_nodes_and_edges() {
    let text = to_string(&hostile_graph(), cytoscape::write);
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut ids = BTreeSet::new();
    let mut total = 0;
    for kind in ["nodes", "edges"] {
        for el in v["elements"][kind].as_array().unwrap() {
            ids.insert(el["data"]["id"].as_str().unwrap().to_string());
            total += 1;
        }
    }
    assert_eq!(ids.len(), total);
}

// ---------------------------------------------------------------- NetworkX

fn has_parallel_pair(g: &KnowledgeGraph) -> bool {
    let pairs: Vec<(String, String)> = g
        .sorted_edges()
        .iter()
        .map(|e| (e.source.id.clone(), e.target.id.clone()))
        .collect();
    pairs.iter().collect::<BTreeSet<_>>().len() < pairs.len()
}

/// What a consumer should see: nodes by id with label, type, aliases, wikidata; edges as
/// (source, target, relation, evidence count, first sentence, documents, all sentences?).
fn canonical(g: &KnowledgeGraph, all_sentences: bool) -> Value {
    let nodes: serde_json::Map<String, Value> = g
        .entities()
        .map(|e| {
            (
                e.id.clone(),
                json!({"label": e.label, "type": e.kind.as_str(), "aliases": e.aliases, "wikidata": e.wikidata}),
            )
        })
        .collect();
    let mut edges: Vec<Value> = g
        .sorted_edges()
        .into_iter()
        .map(|e| {
            let ev = &e.relation.evidence;
            let mut docs: Vec<&str> = ev.iter().map(|x| &*x.document).collect();
            docs.sort();
            docs.dedup();
            let sentences: Vec<&str> = ev.iter().map(|x| x.sentence.as_str()).collect();
            json!([
                e.source.id,
                e.target.id,
                e.relation.kind.as_str(),
                ev.len(),
                ev[0].sentence,
                docs,
                if all_sentences {
                    json!(sentences)
                } else {
                    Value::Null
                },
                e.relation.confidence().get()
            ])
        })
        .collect();
    edges.sort_by_key(|v| v.to_string());
    json!({"nodes": nodes, "edges": edges})
}

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
assert G.is_directed()
nodes = {}
for n, d in G.nodes(data=True):
    nodes[n] = {"label": d["label"], "type": d["type"],
                "aliases": json.loads(d["aliases"]) if flat else d["aliases"],
                "wikidata": d.get("wikidata")}
edges = []
for s, t, d in G.edges(data=True):
    assert type(d["evidence_count"]) is int, d
    evidence = json.loads(d["evidence"]) if flat else d["evidence"]
    sentences = [e["sentence"] for e in evidence]
    first, docs = sentences[0], sorted({e["document"] for e in evidence})
    if flat:
        assert json.loads(d["evidence_documents"]) == docs, d
    assert type(d["confidence"]) is float, d
    edges.append([s, t, d["relation"], d["evidence_count"], first, docs, sentences, d["confidence"]])
edges.sort(key=lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":")))
print(json.dumps({"nodes": nodes, "edges": edges, "multigraph": G.is_multigraph()}))
"#;

#[test]
fn networkx_reads_graphml_gexf_nodelink_and_cytoscape_back() {
    let Some(python) = common::python_or_skip("networkx", &[("networkx", "networkx")]) else {
        return;
    };
    for (name, g) in [
        ("simple", simple_graph()),
        ("small", small_graph()),
        ("hostile", hostile_graph()),
        ("sco", sco_graph()),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_all(&g, dir.path());
        for (fmt, file) in [
            ("graphml", "graph.graphml"),
            ("gexf", "graph.gexf"),
            ("nodelink", "graph.nodelink.json"),
            ("cytoscape", "graph.cyjs"),
        ] {
            let out = common::run_python(
                &python,
                NETWORKX_SCRIPT,
                &[Path::new(fmt), &dir.path().join(file)],
            );
            let mut got: Value = serde_json::from_str(&out).unwrap();
            let multigraph = got.as_object_mut().unwrap().remove("multigraph").unwrap();
            // Comparing with serde_json's key order and NetworkX's sort order alike.
            let mut edges: Vec<Value> = got["edges"].as_array().unwrap().clone();
            edges.sort_by_key(|v| v.to_string());
            got["edges"] = json!(edges);
            let want = canonical(&g, true);
            assert_eq!(
                got["nodes"].as_object().unwrap().len(),
                g.node_count(),
                "{name} {fmt} nodes"
            );
            assert_eq!(edges.len(), g.edge_count(), "{name} {fmt} edges");
            assert_eq!(got, want, "{name} {fmt}");
            assert_eq!(multigraph, json!(has_parallel_pair(&g)), "{name} {fmt}");
        }
    }
}

// ---------------------------------------------------------------- Cytoscape.js

/// Percent-decoding for `encodeURIComponent` output.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

const CYTOSCAPE_PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"></head><body><pre id="out">pending</pre>
<script>
window.onerror = (msg) => { document.getElementById('out').textContent = 'ERROR ' + msg; };
</script>
<script src="cytoscape.min.js"></script>
<script src="data.js"></script>
<script>
const cy = cytoscape({ headless: true, elements: window.KG.elements });
const result = {
  nodes: cy.nodes().length,
  edges: cy.edges().length,
  labels: cy.nodes().map(n => [n.id(), n.data('label')]).sort(),
  edgeList: cy.edges().map(e => [e.source().id(), e.target().id(), e.data('relation'),
                                 e.data('evidence').map(v => v.sentence)]).sort(),
};
document.getElementById('out').textContent = 'OK ' + encodeURIComponent(JSON.stringify(result));
</script></body></html>
"#;

#[test]
fn cytoscape_js_in_headless_chromium_loads_the_elements() {
    let Some(chromium) = common::chromium() else {
        return common::skip(
            "cytoscape.js",
            "no chromium on PATH (apt-get install chromium)",
        );
    };
    let modules = match common::npm_package("cytoscape") {
        Ok(m) => m,
        Err(why) => return common::skip("cytoscape.js", &why),
    };
    for g in [small_graph(), hostile_graph(), sco_graph()] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            modules.join("cytoscape/dist/cytoscape.min.js"),
            dir.path().join("cytoscape.min.js"),
        )
        .unwrap();
        // The exported document is a JSON value, so it is also a JavaScript expression.
        let data = format!("window.KG = {};", to_string(&g, cytoscape::write));
        std::fs::write(dir.path().join("data.js"), data).unwrap();
        std::fs::write(dir.path().join("page.html"), CYTOSCAPE_PAGE).unwrap();
        let dom = common::chromium_dump_dom(&chromium, &dir.path().join("page.html")).unwrap();
        let start =
            dom.find("<pre id=\"out\">").expect("output element") + "<pre id=\"out\">".len();
        let text = &dom[start..start + dom[start..].find("</pre>").unwrap()];
        let encoded = text
            .strip_prefix("OK ")
            .unwrap_or_else(|| panic!("page failed: {text}"));
        let got: Value = serde_json::from_str(&percent_decode(encoded)).unwrap();
        assert_eq!(got["nodes"], json!(g.node_count()));
        assert_eq!(got["edges"], json!(g.edge_count()));
        let mut labels: Vec<Value> = g.entities().map(|e| json!([e.id, e.label])).collect();
        labels.sort_by_key(|v| v.to_string());
        let mut got_labels = got["labels"].as_array().unwrap().clone();
        got_labels.sort_by_key(|v| v.to_string());
        assert_eq!(got_labels, labels);
        let mut edges: Vec<Value> = g
            .sorted_edges()
            .into_iter()
            .map(|e| {
                let s: Vec<&str> = e
                    .relation
                    .evidence
                    .iter()
                    .map(|x| x.sentence.as_str())
                    .collect();
                json!([e.source.id, e.target.id, e.relation.kind.as_str(), s])
            })
            .collect();
        edges.sort_by_key(|v| v.to_string());
        let mut got_edges = got["edgeList"].as_array().unwrap().clone();
        got_edges.sort_by_key(|v| v.to_string());
        assert_eq!(got_edges, edges);
    }
}

// ---------------------------------------------------------------- RDF

const OBSERVERS_SPARQL: &str = r#"
PREFIX schema: <http://schema.org/>
PREFIX kg: <https://kg.example/vocab#>
SELECT ?name WHERE {
  ?state kg:observerOf ?sco .
  ?sco schema:identifier "shanghai-cooperation-organization" .
  ?state schema:name ?name .
} ORDER BY ?name"#;

const TEXTS_SPARQL: &str = r#"
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <http://schema.org/>
PREFIX kg: <https://kg.example/vocab#>
SELECT ?text WHERE {
  { ?x schema:name ?text } UNION { ?x schema:alternateName ?text } UNION
  { ?x schema:identifier ?text } UNION { ?st a rdf:Statement ; prov:wasDerivedFrom ?ev . ?ev kg:sentence ?text }
  UNION { ?ev kg:document ?text }
}"#;

/// Every text the RDF must carry: ids, labels, aliases, sentences, documents (as a set).
fn all_texts(g: &KnowledgeGraph) -> BTreeSet<String> {
    let mut texts = BTreeSet::new();
    for e in g.entities() {
        texts.insert(e.id.clone());
        texts.insert(e.label.clone());
        texts.extend(e.aliases.iter().cloned());
    }
    for e in g.sorted_edges() {
        for ev in &e.relation.evidence {
            texts.insert(ev.sentence.clone());
            texts.insert(ev.document.to_string());
        }
    }
    texts
}

fn sparql_strings(store: &oxigraph::store::Store, query: &str) -> Vec<String> {
    use oxigraph::model::Term;
    use oxigraph::sparql::{QueryResults, SparqlEvaluator};
    let QueryResults::Solutions(solutions) = SparqlEvaluator::new()
        .parse_query(query)
        .unwrap()
        .on_store(store)
        .execute()
        .unwrap()
    else {
        panic!("not a SELECT")
    };
    solutions
        .map(|s| match s.unwrap().values()[0].clone() {
            Some(Term::Literal(l)) => l.value().to_string(),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

const RDF_FORMATS: [(&str, &str, Writer); 3] = [
    ("turtle", "ttl", rdf::write_turtle),
    ("nt", "nt", rdf::write_ntriples),
    ("json-ld", "jsonld", rdf::write_jsonld),
];

#[test]
fn oxigraph_parses_every_rdf_format_and_sparql_lists_the_observers() {
    use oxigraph::io::RdfFormat;
    for g in [small_graph(), hostile_graph(), sco_graph()] {
        for (_, ext, write) in RDF_FORMATS {
            let store = oxigraph::store::Store::new().unwrap();
            let format = RdfFormat::from_extension(ext).unwrap();
            store
                .load_from_slice(format, to_string(&g, write).as_bytes())
                .unwrap();
            assert_eq!(
                sparql_strings(&store, OBSERVERS_SPARQL),
                observer_labels(&g),
                "{ext}"
            );
            let texts: BTreeSet<String> =
                sparql_strings(&store, TEXTS_SPARQL).into_iter().collect();
            assert_eq!(texts, all_texts(&g), "{ext}");
        }
    }
    assert_eq!(
        observer_labels(&small_graph()),
        ["Belarus", "Iran", "Mongolia"]
    );
    assert_eq!(observer_labels(&hostile_graph()), [HOSTILE[4], HOSTILE[0]]);
}

#[test]
fn the_sco_graph_has_exactly_five_observer_states_in_sparql() {
    let g = sco_graph();
    let store = oxigraph::store::Store::new().unwrap();
    store
        .load_from_slice(
            oxigraph::io::RdfFormat::Turtle,
            to_string(&g, rdf::write_turtle).as_bytes(),
        )
        .unwrap();
    assert_eq!(
        sparql_strings(&store, OBSERVERS_SPARQL),
        ["Afghanistan", "Belarus", "Iran", "Mongolia", "Pakistan"]
    );
}

const RDFLIB_SCRIPT: &str = r#"
import json, sys
import rdflib
fmt, path, q1, q2 = sys.argv[1:5]
g = rdflib.Graph()
g.parse(path, format=fmt)
run = lambda q: [str(row[0]) for row in g.query(open(q, encoding="utf-8").read())]
print(json.dumps({"observers": sorted(run(q1)), "texts": sorted(set(run(q2))), "triples": len(g)}))
"#;

#[test]
fn rdflib_parses_every_rdf_format_and_sparql_lists_the_observers() {
    let Some(python) = common::python_or_skip("rdflib", &[("rdflib", "rdflib")]) else {
        return;
    };
    for g in [small_graph(), hostile_graph(), sco_graph()] {
        let dir = tempfile::tempdir().unwrap();
        let (q1, q2) = (dir.path().join("q1.rq"), dir.path().join("q2.rq"));
        std::fs::write(&q1, OBSERVERS_SPARQL).unwrap();
        std::fs::write(&q2, TEXTS_SPARQL).unwrap();
        let triples = rdf::triples(&g).len();
        for (fmt, ext, write) in RDF_FORMATS {
            let file = dir.path().join(format!("graph.{ext}"));
            std::fs::write(&file, to_string(&g, write)).unwrap();
            let out =
                common::run_python(&python, RDFLIB_SCRIPT, &[Path::new(fmt), &file, &q1, &q2]);
            let got: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(got["observers"], json!(observer_labels(&g)), "{fmt}");
            assert_eq!(got["texts"], json!(all_texts(&g)), "{fmt}");
            assert_eq!(got["triples"], json!(triples), "{fmt}");
        }
    }
}

// ---------------------------------------------------------------- Kùzu (Cypher)

/// Runs the Cypher script in a fresh Kùzu database whose tables come from `kg export
/// --format kuzu`'s schema, then prints the observers of the SCO and every stored value.
const KUZU_SCRIPT: &str = r#"
import json, os, sys
import kuzu
schema, src, dbdir = sys.argv[1], sys.argv[2], sys.argv[3]
conn = kuzu.Connection(kuzu.Database(os.path.join(dbdir, "db")))
def rows(q, **params):
    r = conn.execute(q, params)
    out = []
    while r.has_next():
        out.append(r.get_next())
    return out
conn.execute(open(schema, encoding="utf-8").read())
# newline="": universal-newline translation would rewrite CR LF inside the strings.
conn.execute(open(src, encoding="utf-8", newline="").read())
observers = [r[0] for r in rows("MATCH (s:Entity)-[:OBSERVER_OF]->(o:Entity {id: $sco}) RETURN s.label",
                                sco="shanghai-cooperation-organization")]
nodes = rows("MATCH (n:Entity) RETURN n.id, n.label, n.type, n.aliases, n.wikidata")
edges = rows("MATCH (s:Entity)-[r]->(o:Entity) WHERE label(r) <> 'CONFLICT' RETURN s.id, o.id, label(r), "
             "r.relation, r.evidence_count, r.evidence, r.evidence_documents, r.confidence, r.evidence_json")
conflicts = rows("MATCH (s:Entity)-[c:CONFLICT]->(o:Entity) RETURN s.id, o.id, c.first_relation, "
                 "c.second_relation, c.reason")
print(json.dumps({"observers": sorted(observers), "nodes": nodes, "edges": edges, "conflicts": conflicts}))
"#;

/// Runs [`KUZU_SCRIPT`] on the Cypher script of `g`.
fn kuzu_run_cypher(python: &Path, g: &KnowledgeGraph) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("graph.cypher");
    std::fs::write(&script, to_string(g, cypher::write)).unwrap();
    let schema = dir.path().join("schema.cypher");
    std::fs::write(&schema, kg::export::kuzu::schema()).unwrap();
    let out = common::run_python(python, KUZU_SCRIPT, &[&schema, &script, dir.path()]);
    serde_json::from_str(&out).unwrap()
}

fn kuzu_python() -> Option<std::path::PathBuf> {
    common::python_or_skip("kuzu", &[("kuzu", "kuzu")])
}

fn sorted(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_key(|x| x.to_string());
    v
}

fn documents(e: &kg::graph::EdgeView<'_>) -> Vec<String> {
    let mut docs: Vec<String> = e
        .relation
        .evidence
        .iter()
        .map(|x| x.document.to_string())
        .collect();
    docs.sort();
    docs.dedup();
    docs
}

#[test]
fn kuzu_runs_the_merge_script_and_cypher_lists_the_observers() {
    let Some(python) = kuzu_python() else { return };
    for g in [small_graph(), hostile_graph(), sco_graph()] {
        let got = kuzu_run_cypher(&python, &g);
        assert_eq!(got["observers"], json!(observer_labels(&g)));
        let want: Vec<Value> = g
            .entities()
            .map(|e| json!([e.id, e.label, e.kind.as_str(), e.aliases, e.wikidata]))
            .collect();
        assert_eq!(
            sorted(got["nodes"].as_array().unwrap().clone()),
            sorted(want)
        );
        let want: Vec<Value> = g
            .sorted_edges()
            .into_iter()
            .map(|e| {
                let kind = e.relation.kind.as_str();
                let s: Vec<&str> = e
                    .relation
                    .evidence
                    .iter()
                    .map(|x| x.sentence.as_str())
                    .collect();
                json!([
                    e.source.id,
                    e.target.id,
                    kind.replace('-', "_").to_uppercase(),
                    kind,
                    e.relation.evidence.len(),
                    s,
                    documents(&e),
                    e.relation.confidence().get(),
                    serde_json::to_string(&e.relation.evidence).unwrap()
                ])
            })
            .collect();
        assert_eq!(
            sorted(got["edges"].as_array().unwrap().clone()),
            sorted(want)
        );
        let want: Vec<Value> = g
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
        assert_eq!(
            sorted(got["conflicts"].as_array().unwrap().clone()),
            sorted(want)
        );
    }
}

#[test]
fn the_sco_graph_has_exactly_five_observer_states_in_kuzu() {
    let Some(python) = kuzu_python() else { return };
    let got = kuzu_run_cypher(&python, &sco_graph());
    assert_eq!(
        got["observers"],
        json!(["Afghanistan", "Belarus", "Iran", "Mongolia", "Pakistan"])
    );
}
