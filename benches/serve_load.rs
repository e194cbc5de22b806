//! A load run of `kg serve` over loopback: 10,000 GET requests from 8 keep-alive clients
//! against the API answering about `output/graph.json`, a mix of every route. Prints the
//! throughput and the latency percentiles; exits non-zero if any request failed.
//!
//! `cargo bench --bench serve_load` runs it in full; under `cargo test --benches` (no
//! `--bench` argument) it sends 200 requests, as a smoke test.

use kg::graph::KnowledgeGraph;
use kg::serve::{ServeOptions, Server};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 8;

/// Requests cycle through these (percent-encoded), so every route is under load.
const ROUTES: [&str; 8] = [
    "/api/stats",
    "/api/entities?q=sco",
    "/api/entities?q=xi",
    "/api/entities/shanghai-cooperation-organization",
    "/api/path?from=Xi%20Jinping&to=Kazakhstan&k=3",
    "/api/neighbors/china?depth=2",
    "/api/match?pattern=(c%3Acountry)-%5B%3Aobserver-of%5D-%3E(o)",
    "/api/entities/Xi%20Jingping",
];

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let total: usize = if full { 10_000 } else { 200 };
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/output/graph.json");
    let graph = KnowledgeGraph::load(std::path::Path::new(path)).expect("output/graph.json");
    let options = ServeOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        threads: 4,
        ..ServeOptions::default()
    };
    let server = Server::bind(&options).expect("bind a loopback port");
    let addr = server.local_addr();
    let stop = server.stop_handle();
    let next = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    let mut samples: Vec<(Duration, &str)> = Vec::with_capacity(total);
    let started = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| server.run(&graph, &[], &options));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                s.spawn(|| {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(10)))
                        .build()
                        .into();
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            break;
                        }
                        let route = ROUTES[i % ROUTES.len()];
                        let url = format!("http://{addr}{route}");
                        let t = Instant::now();
                        let ok = match agent.get(&url).call() {
                            Ok(mut resp) => {
                                let expected = if route.ends_with("Jingping") {
                                    404
                                } else {
                                    200
                                };
                                resp.body_mut().read_to_string().is_ok()
                                    && resp.status().as_u16() == expected
                            }
                            Err(_) => false,
                        };
                        mine.push((t.elapsed(), route));
                        if !ok {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    mine
                })
            })
            .collect();
        for c in clients {
            samples.extend(c.join().expect("client thread"));
        }
        stop.stop();
    });
    let wall = started.elapsed();
    samples.sort();
    let latencies: Vec<Duration> = samples.iter().map(|s| s.0).collect();
    // Requests over a second: stalls. tiny_http, the server before, could leave a
    // connection of a burst waiting 5 s for a pool thread (benches/README.md).
    let slow: Vec<&str> = samples
        .iter()
        .filter(|s| s.0 > Duration::from_secs(1))
        .map(|s| s.1)
        .collect();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i]
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let errors = errors.load(Ordering::Relaxed);
    println!(
        "serve_load: {} requests ({CLIENTS} clients, {} server threads, {} routes) in {:.2} s: \
         {:.0} req/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} over 1 s; {errors} errors",
        latencies.len(),
        options.threads,
        ROUTES.len(),
        wall.as_secs_f64(),
        latencies.len() as f64 / wall.as_secs_f64(),
        ms(pct(0.50)),
        ms(pct(0.90)),
        ms(pct(0.99)),
        ms(*latencies.last().unwrap()),
        slow.len(),
    );
    assert_eq!(latencies.len(), total);
    if errors > 0 {
        eprintln!("serve_load: {errors} requests failed");
        std::process::exit(1);
    }
}
