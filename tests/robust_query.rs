//! Bounded query work (docs/robustness.md, "Queries"): searches whose size explodes are
//! refused before they start or stopped while they run, with exit code 5, on a generated
//! 10,000-node / 100,000-edge graph shaped like `gen_graph.py`'s (power-law degrees).

use assert_cmd::Command;
use kg::graph::KnowledgeGraph;
use kg::model::{Entity, EntityKind, Evidence, RelationKind, Tier};
use kg::query::budget::{Budget, TooBig, WorkLimits};
use kg::query::paths::{self, Filter, PathFinder, Refusal};
use kg::query::pattern;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const NODES: usize = 10_000;
const EDGES: usize = 100_000;

/// A deterministic Chung–Lu graph: endpoints drawn with weights rank^-0.7, as gen_graph.py
/// does, so a few hubs have thousands of edges.
fn power_law(nodes: usize, edges: usize) -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    let kinds = [
        EntityKind::Person,
        EntityKind::Person,
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Country,
    ];
    for i in 0..nodes {
        g.add_entity(Entity {
            id: format!("n{i:05}"),
            label: format!("Node {i}"),
            kind: kinds[i % kinds.len()],
            aliases: vec![],
            wikidata: None,
        });
    }
    let mut cumulative = Vec::with_capacity(nodes);
    let mut total = 0.0;
    for r in 0..nodes {
        total += ((r + 1) as f64).powf(-0.7);
        cumulative.push(total);
    }
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let pick = |next: &mut dyn FnMut() -> f64| {
        let t = next() * total;
        cumulative.partition_point(|&c| c < t).min(nodes - 1)
    };
    let rels = [
        RelationKind::MetWith,
        RelationKind::MemberOf,
        RelationKind::Leads,
        RelationKind::ObserverOf,
    ];
    let mut added = 0;
    while added < edges {
        let a = pick(&mut next);
        let b = pick(&mut next);
        let kind = rels[(next() * rels.len() as f64) as usize % rels.len()];
        if a == b || (kind.is_symmetric() && a > b) {
            continue;
        }
        let (s, t) = (format!("n{a:05}"), format!("n{b:05}"));
        if g.find_edge(&s, kind, &t).is_some() {
            continue;
        }
        let sentence = format!("Node {a} and node {b}.");
        let ev = Evidence {
            document: "gen.txt".into(),
            end: sentence.len(),
            sentence,
            start: 0,
            rule: "gen".into(),
            tier: Tier::Explicit,
            confidence: Default::default(),
            when: None,
        };
        g.add_relation(&s, kind, &t, &[ev]).unwrap();
        added += 1;
    }
    g
}

fn big() -> &'static (KnowledgeGraph, PathBuf) {
    static BIG: OnceLock<(KnowledgeGraph, PathBuf)> = OnceLock::new();
    BIG.get_or_init(|| {
        let g = power_law(NODES, EDGES);
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("big.json");
        std::fs::write(&path, g.to_json_string()).unwrap();
        (g, path)
    })
}

fn kg_on_big(args: &[&str]) -> assert_cmd::assert::Assert {
    let (_, path) = big();
    Command::cargo_bin("kg")
        .unwrap()
        .args(args)
        .arg("--graph")
        .arg(path)
        .timeout(Duration::from_secs(120))
        .assert()
}

fn node(g: &KnowledgeGraph, id: &str) -> petgraph::stable_graph::NodeIndex {
    g.node(id).unwrap()
}

#[test]
fn match_with_six_hop_ranges_on_a_big_graph_is_too_big_and_ends_promptly() {
    let started = Instant::now();
    kg_on_big(&["match", "(a)-[*1..6]-(b)"])
        .code(6)
        .stderr(predicates::str::contains("too big"));
    // Refused from the estimate, before any search: the time is the graph load.
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn all_paths_with_eight_hops_on_a_big_graph_is_too_big_and_ends_promptly() {
    kg_on_big(&["path", "n00000", "n09999", "--all", "--max-hops", "8"])
        .code(6)
        .stderr(predicates::str::contains("too big"));
}

#[test]
fn k_zero_is_refused_as_a_usage_error() {
    kg_on_big(&["path", "n00000", "n00001", "-k", "0"])
        .code(2)
        .stderr(predicates::str::contains("-k 0"));
}

#[test]
fn small_searches_on_the_big_graph_still_answer() {
    let (g, _) = big();
    let mut budget = Budget::default();
    let found = paths::all_simple_paths_within(
        g,
        node(g, "n00000"),
        node(g, "n00001"),
        2,
        &Filter::default(),
        &mut budget,
    )
    .unwrap();
    assert!(budget.spent() > 0);
    assert!(found.iter().all(|p| p.len() <= 2));
    let mut finder = PathFinder::new(g);
    let ks = paths::k_shortest(
        &mut finder,
        node(g, "n00000"),
        node(g, "n09999"),
        5,
        &Filter::default(),
    )
    .unwrap();
    assert!(!ks.is_empty());
}

/// A search the estimate lets through is still stopped by the running count.
#[test]
fn the_budget_stops_a_search_while_it_runs() {
    let (g, _) = big();
    let tight = WorkLimits {
        max_expansions: 50,
        max_time: Duration::from_secs(60),
    };
    // n00100 has about 150 edges: the estimate (1 + its degree) is within ten times the
    // budget, so the search starts, and the running count stops it.
    let mut budget = Budget::new(tight);
    let r = paths::all_simple_paths_within(
        g,
        node(g, "n00100"),
        node(g, "n00200"),
        2,
        &Filter::default(),
        &mut budget,
    );
    match r {
        Err(Refusal::TooBig(TooBig::Expansions { limit: 50 })) => {}
        other => panic!("expected the running budget to stop the search, got {other:?}"),
    }
    // Three hops from n00100: about 150 · 210 expansions, estimated and spent alike; a
    // budget of 10,000 lets the estimate through and stops the walk.
    let mut budget = Budget::new(WorkLimits {
        max_expansions: 10_000,
        ..tight
    });
    let p = pattern::parse("(a {id: \"n00100\"})-[*1..3]-(b)").unwrap();
    match pattern::run_within(g, &p, &mut budget) {
        Err(kg::query::QueryError::TooBig(TooBig::Expansions { .. })) => {}
        other => panic!("expected TooBig, got {:?}", other.map(|m| m.rows.len())),
    }
}

#[test]
fn the_time_budget_stops_a_search_too() {
    let (g, _) = big();
    let mut budget = Budget::new(WorkLimits {
        max_expansions: u64::MAX,
        max_time: Duration::ZERO,
    });
    let p = pattern::parse("(a:country)-[*1..3]-(b)").unwrap();
    match pattern::run_within(g, &p, &mut budget) {
        Err(kg::query::QueryError::TooBig(TooBig::Time { .. })) => {}
        other => panic!(
            "expected the time budget, got {:?}",
            other.map(|m| m.rows.len())
        ),
    }
    let mut budget = Budget::new(WorkLimits {
        max_expansions: u64::MAX,
        max_time: Duration::ZERO,
    });
    let r = paths::k_shortest_within(
        &mut PathFinder::new(g),
        node(g, "n00003"),
        node(g, "n09998"),
        100,
        &Filter::default(),
        &mut budget,
    );
    assert!(
        matches!(r, Err(Refusal::TooBig(TooBig::Time { .. }))),
        "{:?}",
        r.map(|p| p.len())
    );
}

#[test]
fn estimates_refuse_before_any_work_is_spent() {
    let (g, _) = big();
    let mut budget = Budget::default();
    let p = pattern::parse("(a)-[*1..6]-(b)").unwrap();
    let started = Instant::now();
    let r = pattern::run_within(g, &p, &mut budget);
    assert!(
        matches!(
            r,
            Err(kg::query::QueryError::TooBig(TooBig::Estimated { .. }))
        ),
        "{:?}",
        r.map(|m| m.rows.len())
    );
    assert_eq!(budget.spent(), 0);
    // Estimating is one pass over the edges per segment.
    assert!(started.elapsed() < Duration::from_secs(20));
}
