//! Throughput of the drawing exports on a large graph, in MB/s of output.
//!
//! The graph comes from `KG_BENCH_GRAPH` (a `graph.json`, e.g. written by the shared
//! `gen_graph.py` generator under `target/`); without it a deterministic synthetic graph of
//! 100,000 nodes and 500,000 edges is built in memory, so the bench always runs.
//!
//! Each export is measured twice: wall time (what a user waits) and CPU time of all
//! threads (the work done, which the neighbours on a shared machine do not change).
//!
//! ```sh
//! KG_BENCH_GRAPH=target/graph-100k.json cargo bench --bench export_render
//! ```

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kg::export::dot::{DotStyle, to_dot};
use kg::export::mermaid::to_mermaid;
use kg::graph::KnowledgeGraph;
use kg::model::{Entity, EntityKind, Evidence, RelationKind, Tier};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// CPU time of this process (all threads), from /proc; `None` off Linux.
///
/// The machines this runs on are shared, so wall time mostly measures the neighbours; CPU
/// time measures the work. Clock ticks are 1/100 s on Linux.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs `f` `iters` times and returns the CPU time it took (wall time off Linux).
fn cpu_timed<T>(iters: u64, mut f: impl FnMut() -> T) -> Duration {
    let (wall, cpu) = (Instant::now(), cpu_time());
    for _ in 0..iters {
        black_box(f());
    }
    match (cpu, cpu_time()) {
        (Some(a), Some(b)) => b - a,
        _ => wall.elapsed(),
    }
}

fn synthetic(nodes: usize, edges: usize) -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    for i in 0..nodes {
        g.add_entity(Entity {
            id: format!("entity-{i:07}"),
            label: format!("Synthetic Entity Number {i}"),
            kind: EntityKind::ALL[i % EntityKind::ALL.len()],
            aliases: vec![],
            wikidata: None,
        });
    }
    // A fixed linear congruential sequence: same graph every run.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (x >> 33) as usize
    };
    let mut added = 0;
    while added < edges {
        let (a, b) = (next() % nodes, next() % nodes);
        let kind = RelationKind::ALL[next() % 5];
        if a == b || (kind.is_symmetric() && a > b) {
            continue;
        }
        let sentence = format!("Entity {a} and entity {b} appear in sentence {added}.");
        let ev = Evidence {
            document: format!("doc-{:05}.txt", added % 10_000).into(),
            end: sentence.len(),
            sentence,
            start: 0,
            rule: "bench".into(),
            tier: Tier::Explicit,
            confidence: Default::default(),
            when: None,
        };
        let (s, t) = (format!("entity-{a:07}"), format!("entity-{b:07}"));
        if g.find_edge(&s, kind, &t).is_none() {
            g.add_relation(&s, kind, &t, &[ev]).unwrap();
            added += 1;
        }
    }
    g
}

fn load() -> KnowledgeGraph {
    match std::env::var_os("KG_BENCH_GRAPH") {
        Some(path) => KnowledgeGraph::load(std::path::Path::new(&path)).expect("KG_BENCH_GRAPH"),
        None => synthetic(100_000, 500_000),
    }
}

fn bench(c: &mut Criterion) {
    let graph = load();
    eprintln!(
        "graph: {} nodes, {} edges",
        graph.node_count(),
        graph.edge_count()
    );
    let style = DotStyle::default();
    let dot_len = to_dot(&graph, &style).len();
    let mermaid_len = to_mermaid(&graph).len();
    eprintln!("dot output: {dot_len} bytes; mermaid output: {mermaid_len} bytes");

    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(dot_len as u64));
    group.bench_function("dot", |b| {
        b.iter(|| black_box(to_dot(black_box(&graph), &style)))
    });
    group.bench_function("dot, per CPU-second", |b| {
        b.iter_custom(|iters| cpu_timed(iters, || to_dot(black_box(&graph), &style)))
    });
    group.throughput(Throughput::Bytes(mermaid_len as u64));
    group.bench_function("mermaid", |b| {
        b.iter(|| black_box(to_mermaid(black_box(&graph))))
    });
    group.bench_function("mermaid, per CPU-second", |b| {
        b.iter_custom(|iters| cpu_timed(iters, || to_mermaid(black_box(&graph))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
