//! Query benchmarks on a large generated graph, side by side with NetworkX in the same run.
//!
//! ```sh
//! python3 -m venv target/venv && target/venv/bin/pip install numpy scipy networkx
//! target/venv/bin/python /path/to/gen_graph.py --nodes 100000 --edges 500000 --out target/graph-100k.json
//! KG_BENCH_GRAPH=target/graph-100k.json cargo bench --bench query
//! ```
//!
//! Criterion measures load (bare serde_json parse vs `KnowledgeGraph::load`), 1,000 shortest
//! paths between seeded random pairs, 1,000 two-hop neighbourhoods and PageRank. Then a
//! figures pass times each path query on its own (p50/p99), runs
//! `benches/networkx_baseline.py` on the same file with the same pairs (in the venv
//! `target/venv`, override with `KG_BENCH_PYTHON`), checks both sides found the same
//! number of paths with the same total length, and prints a Markdown table (also written to
//! `target/bench-query-<file>.md`). Without the graph file the benchmark says so and does
//! nothing. `KG_BENCH_SAMPLES` sets criterion's sample size (default 10);
//! `KG_BENCH_FIGURES_ONLY=1` skips criterion and runs only the figures pass.

use criterion::{Criterion, criterion_group, criterion_main};
use kg::graph::KnowledgeGraph;
use kg::query::centrality::Dense;
use kg::query::paths::{Direction, Filter, PathFinder};
use petgraph::stable_graph::NodeIndex;
use serde::Deserialize;
use std::borrow::Cow;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

// The allocator of the `kg` binary, so both sides of each comparison run as users run them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PAIRS: usize = 1000;

/// The same seeded generator as `networkx_baseline.py`.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn pairs(g: &KnowledgeGraph) -> Vec<(NodeIndex, NodeIndex)> {
    let ids = g.sorted_nodes();
    let mut rng = Lcg(42);
    (0..PAIRS)
        .map(|_| {
            let a = ids[(rng.next() % ids.len() as u64) as usize];
            let b = ids[(rng.next() % ids.len() as u64) as usize];
            (a, b)
        })
        .collect()
}

/// The bare-parse baseline: the same document into borrowed typed structs, nothing else.
#[allow(dead_code)]
#[derive(Deserialize)]
struct BareFile<'a> {
    #[serde(borrow)]
    nodes: Vec<BareNode<'a>>,
    #[serde(borrow)]
    edges: Vec<BareEdge<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct BareNode<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    label: Cow<'a, str>,
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    aliases: Vec<Cow<'a, str>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct BareEdge<'a> {
    #[serde(borrow)]
    source: Cow<'a, str>,
    #[serde(borrow)]
    target: Cow<'a, str>,
    #[serde(borrow)]
    relation: Cow<'a, str>,
    #[serde(borrow, default)]
    evidence: Vec<BareEvidence<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct BareEvidence<'a> {
    #[serde(borrow)]
    document: Cow<'a, str>,
    #[serde(borrow)]
    sentence: Cow<'a, str>,
    start: usize,
    end: usize,
    #[serde(borrow)]
    rule: Cow<'a, str>,
}

/// The same parse into owned strings (what any graph that outlives the text must pay).
#[allow(dead_code)]
#[derive(Deserialize)]
struct OwnedFile {
    nodes: Vec<OwnedNode>,
    edges: Vec<OwnedEdge>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct OwnedNode {
    id: String,
    label: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct OwnedEdge {
    source: String,
    target: String,
    relation: String,
    #[serde(default)]
    evidence: Vec<OwnedEvidence>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct OwnedEvidence {
    document: String,
    sentence: String,
    start: usize,
    end: usize,
    rule: String,
}

fn owned_parse(path: &Path) -> OwnedFile {
    let text = std::fs::read_to_string(path).expect("graph file readable");
    serde_json::from_str(&text).expect("graph parses")
}

fn bare_parse(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("graph file readable");
    let f: BareFile<'_> = serde_json::from_str(&text).expect("graph parses");
    f.nodes.len() + f.edges.len()
}

fn path_batch(finder: &mut PathFinder<'_>, pairs: &[(NodeIndex, NodeIndex)]) -> (usize, usize) {
    let f = Filter::default();
    let mut found = 0;
    let mut hops = 0;
    for &(a, b) in pairs {
        if let Some(p) = finder.shortest(a, b, &f) {
            found += 1;
            hops += p.len();
        }
    }
    (found, hops)
}

fn two_hop_batch(finder: &mut PathFinder<'_>, pairs: &[(NodeIndex, NodeIndex)]) -> usize {
    let f = Filter::default();
    pairs
        .iter()
        .map(|&(a, _)| finder.neighborhood(a, 2, Direction::Both, &f).len())
        .sum()
}

fn graph_file() -> Option<PathBuf> {
    let p = PathBuf::from(
        std::env::var("KG_BENCH_GRAPH").unwrap_or_else(|_| "target/graph-100k.json".into()),
    );
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "benches/query: {} not found; generate it with gen_graph.py (see the top of benches/query.rs)",
            p.display()
        );
        None
    }
}

fn bench(c: &mut Criterion) {
    let Some(file) = graph_file() else { return };
    let samples: usize = std::env::var("KG_BENCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let name = file.file_stem().unwrap().to_string_lossy().to_string();
    if std::env::var_os("KG_BENCH_FIGURES_ONLY").is_some() {
        figures(&file, &name);
        return;
    }

    let mut group = c.benchmark_group(format!("load/{name}"));
    group
        .sample_size(samples.max(10))
        .measurement_time(Duration::from_secs(1))
        .warm_up_time(Duration::from_millis(1));
    group.bench_function("serde_json bare parse", |b| {
        b.iter_with_large_drop(|| bare_parse(&file))
    });
    group.bench_function("KnowledgeGraph::load", |b| {
        b.iter_with_large_drop(|| KnowledgeGraph::load(&file).unwrap())
    });
    group.finish();

    let g = KnowledgeGraph::load(&file).unwrap();
    let pairs = pairs(&g);
    let mut finder = PathFinder::new(&g);
    let mut group = c.benchmark_group(format!("query/{name}"));
    group
        .sample_size(samples.max(10))
        .warm_up_time(Duration::from_millis(500));
    group.bench_function("shortest path x1000 pairs", |b| {
        b.iter(|| black_box(path_batch(&mut finder, &pairs)))
    });
    group.bench_function("2-hop neighbourhood x1000", |b| {
        b.iter(|| black_box(two_hop_batch(&mut finder, &pairs)))
    });
    group.bench_function("pagerank", |b| {
        b.iter(|| black_box(Dense::new(&g).page_rank()))
    });
    group.finish();
    drop(g);

    figures(&file, &name);
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let out = f();
    (t.elapsed().as_secs_f64(), out)
}

/// One pass of hand-timed figures, then NetworkX on the same file, then the table.
fn figures(file: &Path, name: &str) {
    let bare = median((0..3).map(|_| time(|| bare_parse(file)).0).collect());
    // Timed without the drop, like the graph below.
    let owned = median(
        (0..3)
            .map(|_| {
                let (t, f) = time(|| owned_parse(file));
                drop(f);
                t
            })
            .collect(),
    );
    let mut loads = Vec::new();
    let mut graph: Option<KnowledgeGraph> = None;
    for _ in 0..3 {
        drop(graph.take()); // one graph in memory at a time (the 1M-node one is several GB)
        let (t, g) = time(|| KnowledgeGraph::load(file).unwrap());
        loads.push(t);
        graph = Some(g);
    }
    let load = median(loads);
    // The same load on one thread, for readers comparing with single-threaded NetworkX.
    drop(graph.take());
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let load_1t = median(
        (0..3)
            .map(|_| {
                let (t, g) = time(|| one_thread.install(|| KnowledgeGraph::load(file).unwrap()));
                drop(g);
                t
            })
            .collect(),
    );
    let g = KnowledgeGraph::load(file).unwrap();
    let pairs = pairs(&g);
    let (index_build, mut finder) = time(|| PathFinder::new(&g));
    let f = Filter::default();
    let mut lat = Vec::with_capacity(PAIRS);
    let (mut found, mut hops) = (0, 0);
    for &(a, b) in &pairs {
        let t = Instant::now();
        let p = finder.shortest(a, b, &f);
        lat.push(t.elapsed().as_secs_f64());
        if let Some(p) = p {
            found += 1;
            hops += p.len();
        }
    }
    lat.sort_by(f64::total_cmp);
    let p50 = lat[PAIRS / 2];
    let p99 = lat[PAIRS * 99 / 100];
    let (two_hop_total, reached) = time(|| two_hop_batch(&mut finder, &pairs));
    let (pagerank, _) = time(|| Dense::new(&g).page_rank());
    drop(g);

    let python =
        std::env::var("KG_BENCH_PYTHON").unwrap_or_else(|_| "target/venv/bin/python".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/networkx_baseline.py");
    if std::env::var_os("KG_BENCH_NO_NETWORKX").is_some() {
        eprintln!(
            "figures: owned parse {owned:.3}s index {index_build:.3}s load {load:.3}s load-1t {load_1t:.3}s bare {bare:.3}s p50 {p50:.6}s p99 {p99:.6}s 2hop {:.6}s pagerank {pagerank:.3}s found {found} hops {hops} reached {reached}",
            two_hop_total / PAIRS as f64
        );
        return;
    }
    let nx = std::process::Command::new(&python)
        .arg(script)
        .arg(file)
        .arg(PAIRS.to_string())
        .output();
    let nx: Option<serde_json::Value> = match nx {
        Ok(o) if o.status.success() => serde_json::from_slice(&o.stdout).ok(),
        Ok(o) => {
            eprintln!(
                "benches/query: NetworkX baseline failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Err(e) => {
            eprintln!(
                "benches/query: cannot run {python}: {e} (create the venv, see benches/query.rs)"
            );
            None
        }
    };
    let get = |k: &str| nx.as_ref().and_then(|v| v[k].as_f64());
    if let Some(v) = &nx {
        let same = v["paths_found"].as_u64() == Some(found as u64)
            && v["path_hops_total"].as_u64() == Some(hops as u64)
            && v["two_hop_reached"].as_u64() == Some(reached as u64);
        eprintln!(
            "benches/query: cross-check with NetworkX {}: paths found {found} vs {}, total hops {hops} vs {}, 2-hop reached {reached} vs {} -> {}",
            v["networkx"],
            v["paths_found"],
            v["path_hops_total"],
            v["two_hop_reached"],
            if same { "same" } else { "DIFFERENT" }
        );
    }
    let ms = |s: f64| format!("{:.3} ms", s * 1e3);
    let secs = |s: f64| format!("{s:.2} s");
    let row = |what: &str, ours: f64, theirs: Option<f64>, fmt: &dyn Fn(f64) -> String| {
        let (t, ratio) = match theirs {
            Some(t) => (fmt(t), format!("{:.0}×", t / ours)),
            None => ("n/a".into(), "n/a".into()),
        };
        format!("| {what} | {} | {t} | {ratio} |\n", fmt(ours))
    };
    let mut table =
        format!("### {name}\n\n| figure | kg | NetworkX | speed-up |\n|---|---|---|---|\n");
    table += &row(
        &format!(
            "load (read + parse + build, {} threads)",
            rayon::current_num_threads()
        ),
        load,
        get("load_s"),
        &secs,
    );
    table += &row("load on one thread", load_1t, get("load_s"), &secs);
    table += &format!(
        "| path/neighbourhood index build (once after load) | {} | — | — |\n",
        secs(index_build)
    );
    table += &row(
        "load + index build",
        load + index_build,
        get("load_s"),
        &secs,
    );
    table += &row(
        "shortest path p50 (1,000 seeded pairs, undirected)",
        p50,
        get("path_p50_s"),
        &ms,
    );
    table += &row("shortest path p99", p99, get("path_p99_s"), &ms);
    table += &row(
        "2-hop neighbourhood, mean of 1,000",
        two_hop_total / PAIRS as f64,
        get("two_hop_mean_s"),
        &ms,
    );
    table += &row("PageRank", pagerank, get("pagerank_s"), &secs);
    table += &format!(
        "\nserde_json bare typed parse of the same file (read + parse, one thread): {} — load / bare = {:.2}×, one-thread load / bare = {:.2}×\n",
        secs(bare),
        load / bare,
        load_1t / bare
    );
    table += &format!(
        "serde_json typed parse into owned strings (read + parse): {} — load / owned = {:.2}×\n",
        secs(owned),
        load / owned
    );
    println!("\n{table}");
    let out = PathBuf::from(format!("target/bench-query-{name}.md"));
    if let Err(e) = std::fs::write(&out, &table) {
        eprintln!("benches/query: cannot write {}: {e}", out.display());
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
