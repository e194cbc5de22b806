//! Export throughput in MB/s of output, on a large generated graph.
//!
//! The graph comes from `gen_graph.py` (see `benches/README.md`) and is read from
//! `$KG_BENCH_GRAPH`, by default `target/bench/graph-100k.json`. Without it the benchmark
//! says how to make it and measures nothing. Each format writes into a reused in-memory
//! buffer, so the figure is the serialiser's, not the disk's. `json` is graph.json
//! (`KnowledgeGraph::to_json_string`); the others are `kg::export` writers.
//!
//! Time is the benchmark thread's CPU time (`/proc/thread-self/schedstat`, nanoseconds), not
//! wall time: the machines this runs on are shared, and under load wall-clock figures swing
//! by a factor of several while CPU time stays put. `KG_BENCH_WALL=1` measures wall time.
//!
//! `KG_BENCH_ONCE=N` skips criterion and writes each format N times into a fresh buffer,
//! printing wall and thread-CPU throughput of each run (the buffer is reused, so runs after
//! the first do not pay for growing it): at 1M nodes one criterion sample
//! takes minutes, and on an idle machine wall time is the figure the targets name.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kg::export::{csv, cypher, cytoscape, gexf, graphml, nodelink, rdf};
use kg::graph::KnowledgeGraph;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// CPU time of the calling thread, if the kernel reports it.
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

type Writer = fn(&KnowledgeGraph, &mut dyn Write) -> std::io::Result<()>;

fn json(graph: &KnowledgeGraph, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(graph.to_json_string().as_bytes())
}

/// graph.json as `kg build` writes it: streamed to the writer, not built as one string.
fn json_stream(graph: &KnowledgeGraph, out: &mut dyn Write) -> std::io::Result<()> {
    graph.write_json(out, None)
}

fn dot(graph: &KnowledgeGraph, out: &mut dyn Write) -> std::io::Result<()> {
    kg::export::dot::write_dot(graph, &kg::export::dot::DotStyle::default(), out)
}

const FORMATS: [(&str, Writer); 12] = [
    ("json", json),
    ("json-stream", json_stream),
    ("dot", dot),
    ("graphml", graphml::write),
    ("gexf", gexf::write),
    ("nodelink", nodelink::write),
    ("cytoscape", cytoscape::write),
    ("csv-relationships", csv::write_relationships),
    ("cypher", cypher::write),
    ("turtle", rdf::write_turtle),
    ("ntriples", rdf::write_ntriples),
    ("jsonld", rdf::write_jsonld),
];

fn exports(c: &mut Criterion) {
    let path = std::env::var_os("KG_BENCH_GRAPH").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench/graph-100k.json"),
        PathBuf::from,
    );
    if !path.exists() {
        eprintln!(
            "export_formats: no graph at {} — generate it as benches/README.md says, or set \
             KG_BENCH_GRAPH; nothing measured",
            path.display()
        );
        return;
    }
    let graph = KnowledgeGraph::load(&path).expect("load bench graph");
    // Formats to run: $KG_BENCH_FORMATS (comma separated), default json and graphml.
    let wanted = std::env::var("KG_BENCH_FORMATS").unwrap_or_else(|_| "json,graphml".into());
    if let Some(runs) = std::env::var("KG_BENCH_ONCE")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        once(&graph, &wanted, runs);
        return;
    }
    let cpu_time = std::env::var("KG_BENCH_WALL").is_err() && thread_cpu().is_some();
    let clock = if cpu_time { "cpu" } else { "wall" };
    let mut group = c.benchmark_group(format!("export-{clock}/{}", graph.node_count()));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, write) in FORMATS {
        if wanted != "all" && !wanted.split(',').any(|w| w == name) {
            continue;
        }
        let mut buf = Vec::new();
        write(&graph, &mut buf).unwrap();
        group.throughput(Throughput::Bytes(buf.len() as u64));
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let (cpu0, wall0) = (thread_cpu(), Instant::now());
                for _ in 0..iters {
                    buf.clear();
                    write(&graph, &mut buf).unwrap();
                    std::hint::black_box(buf.len());
                }
                match (cpu_time, cpu0, thread_cpu()) {
                    (true, Some(a), Some(b)) => b - a,
                    _ => wall0.elapsed(),
                }
            })
        });
    }
    group.finish();
}

/// One-off runs: each wanted format `runs` times into a fresh buffer, wall and thread CPU.
fn once(graph: &KnowledgeGraph, wanted: &str, runs: usize) {
    println!("| format | run | output | wall | MB/s (wall) | thread CPU | MB/s per CPU-second |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, write) in FORMATS {
        if wanted != "all" && !wanted.split(',').any(|w| w == name) {
            continue;
        }
        // One buffer for all runs of a format: the first run includes growing it (page faults
        // on fresh memory, copies on doubling), later runs measure the serialiser alone.
        let mut buf = Vec::new();
        for run in 1..=runs {
            buf.clear();
            let (cpu0, wall0) = (thread_cpu(), Instant::now());
            write(graph, &mut buf).unwrap();
            let wall = wall0.elapsed().as_secs_f64();
            let cpu = match (cpu0, thread_cpu()) {
                (Some(a), Some(b)) => (b - a).as_secs_f64(),
                _ => f64::NAN,
            };
            let mb = buf.len() as f64 / 1e6;
            println!(
                "| {name} | {run} | {mb:.0} MB | {wall:.2} s | {:.0} | {cpu:.2} s | {:.0} |",
                mb / wall,
                mb / cpu
            );
        }
    }
}

criterion_group!(benches, exports);
criterion_main!(benches);
