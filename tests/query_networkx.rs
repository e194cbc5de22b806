//! Consumer check: our centralities and path lengths against NetworkX on the SCO fixture.
//!
//! NetworkX runs from a venv under `target/` (created on first use with `pip install numpy scipy
//! networkx`). Without Python or the package index the test says loudly that it skipped;
//! with `KG_REQUIRE_CONSUMERS=1` (CI) a skip is a failure.

use kg::graph::KnowledgeGraph;
use kg::query::centrality::Dense;
use kg::query::paths::{Filter, PathFinder};
use std::path::{Path, PathBuf};
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

fn skip(why: &str) {
    if std::env::var("KG_REQUIRE_CONSUMERS").is_ok_and(|v| v == "1") {
        panic!("NetworkX consumer check could not run: {why}");
    }
    eprintln!("SKIPPED: NetworkX consumer check could not run: {why}");
}

/// A Python with NetworkX: `target/venv-networkx`, created on first use.
fn python() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv-networkx");
    let py = venv.join("bin/python");
    let has_nx = |py: &Path| {
        Command::new(py)
            .args(["-c", "import networkx, numpy, scipy"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if has_nx(&py) {
        return Ok(py);
    }
    let run = |cmd: &mut Command| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr)))
        }
    };
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(&py).args(["-m", "pip", "install", "-q", "networkx", "numpy", "scipy"]))?;
    if has_nx(&py) {
        Ok(py)
    } else {
        Err("networkx did not install".into())
    }
}

#[test]
fn centralities_and_path_lengths_match_networkx() {
    let py = match python() {
        Ok(p) => p,
        Err(e) => return skip(&e),
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
