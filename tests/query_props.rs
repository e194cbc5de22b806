//! Property tests of the path algorithms on random graphs, against independent reference
//! implementations written here (plain BFS, brute-force enumeration).

use kg::graph::KnowledgeGraph;
use kg::model::{Entity, EntityKind, Evidence, RelationKind, Tier};
use kg::query::paths::{self, Filter, Path, PathFinder};
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use proptest::prelude::*;
use std::collections::{HashSet, VecDeque};

const KINDS: [EntityKind; 3] = [
    EntityKind::Country,
    EntityKind::Organization,
    EntityKind::Person,
];
const RELS: [RelationKind; 3] = [
    RelationKind::MemberOf,
    RelationKind::MetWith,
    RelationKind::Leads,
];

#[derive(Debug, Clone)]
struct Spec {
    /// Node ids are assigned in this (shuffled) order, so index order differs from id order.
    ids: Vec<usize>,
    kinds: Vec<usize>,
    edges: Vec<(usize, usize, usize, usize)>,
}

fn spec(max_nodes: usize) -> impl Strategy<Value = Spec> {
    (2..=max_nodes).prop_flat_map(|n| {
        (
            Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
            prop::collection::vec(0..KINDS.len(), n),
            prop::collection::vec((0..n, 0..n, 0..RELS.len(), 1..4usize), 0..n * 3),
        )
            .prop_map(|(ids, kinds, edges)| Spec { ids, kinds, edges })
    })
}

fn build(s: &Spec) -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    for (&id, &k) in s.ids.iter().zip(&s.kinds) {
        g.add_entity(Entity {
            id: format!("n{id:02}"),
            label: format!("Node {id}"),
            kind: KINDS[k],
            aliases: vec![],
            wikidata: None,
        });
    }
    for &(a, b, r, ev) in &s.edges {
        let evidence: Vec<Evidence> = (0..ev)
            .map(|i| Evidence {
                document: "d".into(),
                sentence: format!("s{i}"),
                start: i,
                end: i + 1,
                rule: "r".into(),
                tier: Tier::Explicit,
                confidence: Default::default(),
                when: None,
            })
            .collect();
        g.add_relation(&format!("n{a:02}"), RELS[r], &format!("n{b:02}"), &evidence)
            .unwrap();
    }
    g
}

/// Reference: plain BFS distance honouring the same filter semantics.
fn bfs_distance(g: &KnowledgeGraph, from: NodeIndex, to: NodeIndex, f: &Filter) -> Option<usize> {
    let pg = g.petgraph();
    let allowed = |n: NodeIndex| {
        n == from
            || n == to
            || (!f.avoid.contains(&n) && (f.types.is_empty() || f.types.contains(&pg[n].kind)))
    };
    let mut dist = std::collections::HashMap::from([(from, 0usize)]);
    let mut queue = VecDeque::from([from]);
    while let Some(u) = queue.pop_front() {
        if u == to {
            return Some(dist[&u]);
        }
        for e in pg.edge_references() {
            if !f.relations.is_empty() && !f.relations.contains(&e.weight().kind) {
                continue;
            }
            let both = !f.directed || e.weight().kind.is_symmetric();
            let next = if e.source() == u {
                Some(e.target())
            } else if e.target() == u && both {
                Some(e.source())
            } else {
                None
            };
            if let Some(v) = next
                && allowed(v)
                && !dist.contains_key(&v)
            {
                dist.insert(v, dist[&u] + 1);
                queue.push_back(v);
            }
        }
    }
    None
}

/// Checks that a path is a connected walk from `from` to `to` over real edges, and simple.
fn check_path(g: &KnowledgeGraph, p: &Path, from: NodeIndex, to: NodeIndex) {
    let pg = g.petgraph();
    let nodes = p.nodes();
    assert_eq!(nodes[0], from);
    assert_eq!(*nodes.last().unwrap(), to);
    let distinct: HashSet<_> = nodes.iter().collect();
    assert_eq!(distinct.len(), nodes.len(), "path is not simple");
    let mut cur = from;
    for h in &p.hops {
        assert_eq!(h.from, cur);
        let (s, t) = pg.edge_endpoints(h.edge).unwrap();
        assert_eq!(
            (s, t),
            if h.forward {
                (h.from, h.to)
            } else {
                (h.to, h.from)
            }
        );
        cur = h.to;
    }
}

fn filter_from(
    g: &KnowledgeGraph,
    directed: bool,
    rel_mask: u8,
    type_mask: u8,
    avoid: &[usize],
) -> Filter {
    let nodes = g.sorted_nodes();
    Filter {
        directed,
        relations: RELS
            .iter()
            .enumerate()
            .filter(|(i, _)| rel_mask & (1 << i) != 0)
            .map(|(_, r)| *r)
            .collect(),
        types: KINDS
            .iter()
            .enumerate()
            .filter(|(i, _)| type_mask & (1 << i) != 0)
            .map(|(_, k)| *k)
            .collect(),
        avoid: avoid.iter().map(|&i| nodes[i % nodes.len()]).collect(),
    }
}

fn key(g: &KnowledgeGraph, p: &Path) -> Vec<(String, Option<RelationKind>, bool)> {
    let pg = g.petgraph();
    std::iter::once((pg[p.start].id.clone(), None, false))
        .chain(
            p.hops
                .iter()
                .map(|h| (pg[h.to].id.clone(), Some(pg[h.edge].kind), !h.forward)),
        )
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn shortest_path_length_is_the_bfs_distance_and_ties_go_to_the_smallest_ids(
        s in spec(9), a in 0usize..9, b in 0usize..9, directed: bool,
        rel_mask in 0u8..8, type_mask in 0u8..8, avoid in prop::collection::vec(0usize..9, 0..2),
    ) {
        let g = build(&s);
        let nodes = g.sorted_nodes();
        let (from, to) = (nodes[a % nodes.len()], nodes[b % nodes.len()]);
        let mut f = filter_from(&g, directed, rel_mask, type_mask, &avoid);
        f.avoid.remove(&from);
        f.avoid.remove(&to);
        let mut finder = PathFinder::new(&g);
        let got = finder.shortest(from, to, &f);
        let expected = bfs_distance(&g, from, to, &f);
        prop_assert_eq!(got.as_ref().map(Path::len), expected);
        if let Some(p) = got {
            check_path(&g, &p, from, to);
            // Every simple path has at most n-1 <= 8 hops, so this enumerates them all.
            let all = paths::all_simple_paths(&g, from, to, 8, &f).unwrap();
            let best = all.iter().filter(|q| q.len() == p.len()).map(|q| key(&g, q)).min();
            if from != to {
                prop_assert_eq!(Some(key(&g, &p)), best);
            }
        }
    }

    #[test]
    fn all_paths_are_simple_bounded_and_distinct(
        s in spec(8), a in 0usize..8, b in 0usize..8, directed: bool, max in 1usize..5,
    ) {
        let g = build(&s);
        let nodes = g.sorted_nodes();
        let (from, to) = (nodes[a % nodes.len()], nodes[b % nodes.len()]);
        prop_assume!(from != to);
        let f = Filter { directed, ..Filter::default() };
        let all = paths::all_simple_paths(&g, from, to, max, &f).unwrap();
        let mut seen = HashSet::new();
        for p in &all {
            check_path(&g, p, from, to);
            prop_assert!(p.len() <= max && !p.is_empty());
            prop_assert!(seen.insert(p.hops.clone()), "duplicate path");
        }
        for w in all.windows(2) {
            prop_assert!(w[0].compare(&w[1], &g) != std::cmp::Ordering::Greater);
        }
        let shortest = PathFinder::new(&g).shortest(from, to, &f).map(|p| p.len());
        prop_assert_eq!(all.first().map(Path::len), shortest.filter(|&l| l <= max));
    }

    #[test]
    fn k_shortest_are_ordered_distinct_and_complete(
        s in spec(7), a in 0usize..7, b in 0usize..7, directed: bool, k in 1usize..40,
    ) {
        let g = build(&s);
        let nodes = g.sorted_nodes();
        let (from, to) = (nodes[a % nodes.len()], nodes[b % nodes.len()]);
        prop_assume!(from != to);
        let f = Filter { directed, ..Filter::default() };
        let mut finder = PathFinder::new(&g);
        let ks = paths::k_shortest(&mut finder, from, to, k, &f).unwrap();
        let all = paths::all_simple_paths(&g, from, to, 8, &f).unwrap();
        prop_assert_eq!(ks.len(), k.min(all.len()));
        let mut seen = HashSet::new();
        for p in &ks {
            check_path(&g, p, from, to);
            prop_assert!(seen.insert(p.hops.clone()), "duplicate path");
        }
        for w in ks.windows(2) {
            prop_assert!(w[0].len() <= w[1].len());
        }
        // Yen returns the k shortest: its lengths are the k smallest of all simple paths.
        let mut lens: Vec<usize> = all.iter().map(Path::len).collect();
        lens.sort_unstable();
        lens.truncate(ks.len());
        prop_assert_eq!(ks.iter().map(Path::len).collect::<Vec<_>>(), lens);
    }
}
