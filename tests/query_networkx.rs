//! Consumer check: our centralities and path lengths against NetworkX on the SCO fixture.
//!
//! NetworkX (with numpy and scipy) runs from the consumers' venv of `tests/common`: without
//! Python or the package index the test says loudly that it skipped; with
//! `KG_REQUIRE_CONSUMERS=1` (CI) a skip is a failure.

mod common;

use kg::graph::KnowledgeGraph;
use kg::query::centrality::Dense;
use kg::query::paths::{Filter, PathFinder};
use std::path::Path;
use std::process::Command;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sco.json");

const SCRIPT: &str = r#"
import json, sys
import networkx as nx
data = json.load(open(sys.argv[1], encoding="utf-8"))
g = nx.node_link_graph(data, directed=True, multigraph=False, edges="edges")
u = g.to_undirected()
d = nx.DiGraph()
d.add_nodes_from(g.nodes)
for e in data["edges"]:
    d.add_edge(e["source"], e["target"])
    if e["relation"] in ("met-with", "cooperates-with"):
        d.add_edge(e["target"], e["source"])
lengths = {s: dict(t) for s, t in nx.all_pairs_shortest_path_length(u)}
json.dump({
    "betweenness": nx.betweenness_centrality(u),
    "closeness": nx.closeness_centrality(u),
    "pagerank": nx.pagerank(d),
    "lengths": lengths,
}, sys.stdout)
"#;

#[test]
fn centralities_and_path_lengths_match_networkx() {
    let Some(py) = common::python_or_skip(
        "networkx centralities",
        &[
            ("networkx", "networkx"),
            ("numpy", "numpy"),
            ("scipy", "scipy"),
        ],
    ) else {
        return;
    };
    let out = Command::new(py)
        .args(["-c", SCRIPT, FIXTURE])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nx: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let g = KnowledgeGraph::load(Path::new(FIXTURE)).unwrap();
    let dense = Dense::new(&g);
    let ids: Vec<&str> = dense
        .nodes
        .iter()
        .map(|&n| g.entity(n).id.as_str())
        .collect();
    for (name, ours, tol) in [
        ("betweenness", dense.betweenness(), 1e-12),
        ("closeness", dense.closeness(), 1e-12),
        // NetworkX stops iterating at the same tolerance from the same start: the same steps.
        ("pagerank", dense.page_rank(), 1e-9),
    ] {
        for (id, value) in ids.iter().zip(&ours) {
            let theirs = nx[name][id].as_f64().unwrap();
            assert!(
                (value - theirs).abs() < tol,
                "{name} of {id}: kg {value}, networkx {theirs}"
            );
        }
    }

    let mut finder = PathFinder::new(&g);
    let f = Filter::default();
    for (i, &a) in dense.nodes.iter().enumerate() {
        for (j, &b) in dense.nodes.iter().enumerate() {
            let ours = finder.shortest(a, b, &f).map(|p| p.len() as u64);
            let theirs = nx["lengths"][ids[i]][ids[j]].as_u64();
            assert_eq!(ours, theirs, "{} -> {}", ids[i], ids[j]);
        }
    }
}
