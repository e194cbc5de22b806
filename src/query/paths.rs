//! Walks over the graph: shortest paths, k shortest paths, bounded all simple paths and
//! k-hop neighbourhoods, under relation, type and avoid filters.
//!
//! Semantics, shared by all walks:
//!
//! * **Direction.** Undirected walks use every edge both ways. Directed walks follow the stored
//!   direction, except that symmetric relations (`met-with`, `cooperates-with`, stored once)
//!   can always be walked both ways.
//! * **Filters.** `relations` keeps only edges of those kinds. `types` constrains the
//!   *intermediate* nodes of a path; the two endpoints are always allowed, so
//!   `--types country` still finds a path from a person to an organization through countries.
//!   `avoid` removes nodes entirely.
//! * **Determinism.** Every walk visits neighbours in entity-id order (then relation, then
//!   stored direction) and frontiers in the order they were reached, so ties between equally
//!   short paths are broken by entity ids alone: the same graph gives the same path however its
//!   file orders nodes and edges. (It is the first path this id-ordered search meets, not the
//!   lexicographically smallest one: proving the latter costs a scan of every hub on the way,
//!   ten times the search itself on a 100k-node graph.)
//!
//! The shortest path is a level-synchronous bidirectional BFS (the smaller frontier grows
//! first) with parent pointers, over an [`Adjacency`] index: contiguous, id-sorted neighbour
//! runs built once per [`PathFinder`]. Scratch arrays are stamped, not cleared, so a finder
//! reused over many queries costs only what each search touches. k shortest paths use Yen's
//! algorithm on top of it; all simple paths a bounded depth-first enumeration.

use super::budget::{Budget, TooBig, WorkLimits, walk_estimate};
use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet, VecDeque};

/// Which way edges are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Along the stored direction (subject → object).
    Out,
    /// Against it.
    In,
    /// Either way.
    #[default]
    Both,
}

impl Direction {
    fn reversed(self) -> Self {
        match self {
            Direction::Out => Direction::In,
            Direction::In => Direction::Out,
            Direction::Both => Direction::Both,
        }
    }
}

/// Restrictions on a walk.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Follow stored edge direction (symmetric relations excepted).
    pub directed: bool,
    /// Allowed relation kinds; empty means all.
    pub relations: Vec<RelationKind>,
    /// Allowed types of intermediate nodes; empty means all.
    pub types: Vec<EntityKind>,
    /// Nodes never entered.
    pub avoid: HashSet<NodeIndex>,
}

/// One step of a walk: `from` → `to` over `edge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hop {
    /// The edge.
    pub edge: EdgeIndex,
    /// Where the step starts.
    pub from: NodeIndex,
    /// Where it ends.
    pub to: NodeIndex,
    /// Whether the step goes along the stored direction (`from` is the edge's source).
    pub forward: bool,
}

/// A path: a start node and its hops (empty when start and end coincide).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The first node.
    pub start: NodeIndex,
    /// The steps.
    pub hops: Vec<Hop>,
}

impl Path {
    /// Every node of the path, in order.
    pub fn nodes(&self) -> Vec<NodeIndex> {
        std::iter::once(self.start)
            .chain(self.hops.iter().map(|h| h.to))
            .collect()
    }

    /// Number of hops.
    pub fn len(&self) -> usize {
        self.hops.len()
    }

    /// Whether the path has no hops.
    pub fn is_empty(&self) -> bool {
        self.hops.is_empty()
    }

    /// Total number of evidence sentences over its edges.
    pub fn evidence_count(&self, graph: &KnowledgeGraph) -> usize {
        let g = graph.petgraph();
        self.hops.iter().map(|h| g[h.edge].evidence.len()).sum()
    }

    /// The deterministic order of paths: length, then more evidence first, then entity ids,
    /// then relations and directions.
    pub fn compare(&self, other: &Path, graph: &KnowledgeGraph) -> Ordering {
        self.len()
            .cmp(&other.len())
            .then_with(|| other.evidence_count(graph).cmp(&self.evidence_count(graph)))
            .then_with(|| self.key(graph).cmp(&other.key(graph)))
    }

    fn key<'g>(&self, graph: &'g KnowledgeGraph) -> Vec<(&'g str, Option<RelationKind>, bool)> {
        let g = graph.petgraph();
        std::iter::once((g[self.start].id.as_str(), None, false))
            .chain(
                self.hops
                    .iter()
                    .map(|h| (g[h.to].id.as_str(), Some(g[h.edge].kind), !h.forward)),
            )
            .collect()
    }
}

/// Calls `f` for every step out of `node` allowed by the relation filter, in the given
/// direction (symmetric relations go both ways unless `dir` is `Both`, where they already do).
pub(crate) fn for_each_step(
    graph: &KnowledgeGraph,
    relations: &[RelationKind],
    node: NodeIndex,
    dir: Direction,
    mut f: impl FnMut(Hop),
) {
    let g = graph.petgraph();
    let ok = |k: RelationKind| relations.is_empty() || relations.contains(&k);
    for e in g.edges_directed(node, Outgoing) {
        let k = e.weight().kind;
        if ok(k) && (dir != Direction::In || k.is_symmetric()) {
            f(Hop {
                edge: e.id(),
                from: node,
                to: e.target(),
                forward: true,
            });
        }
    }
    for e in g.edges_directed(node, Incoming) {
        let k = e.weight().kind;
        if ok(k) && (dir != Direction::Out || k.is_symmetric()) {
            f(Hop {
                edge: e.id(),
                from: node,
                to: e.source(),
                forward: false,
            });
        }
    }
}

/// Position of every node in entity-id order, indexed by node index.
fn id_ranks(graph: &KnowledgeGraph) -> Vec<u32> {
    let mut rank = vec![u32::MAX; graph.petgraph().node_bound()];
    // Loaded graphs are usually stored in id order already, which the sort detects in O(n).
    for (i, n) in graph.sorted_nodes().into_iter().enumerate() {
        rank[n.index()] = i as u32;
    }
    rank
}

/// A compact adjacency index over the loaded graph: for every node, its incident edges in one
/// contiguous run. petgraph's stable graph keeps adjacency as linked lists, one dependent
/// memory load per edge; walking contiguous runs is several times faster on large graphs.
/// Built once per [`PathFinder`] in O(n + m); the graph itself is not copied.
#[derive(Debug, Clone)]
pub struct Adjacency {
    offsets: Vec<u32>,
    entries: Vec<AdjEntry>,
}

#[derive(Debug, Clone, Copy)]
struct AdjEntry {
    to: u32,
    edge: u32,
    kind: RelationKind,
    forward: bool,
}

impl Adjacency {
    /// Indexes every edge of `graph` at both its endpoints; each node's run is sorted by
    /// the neighbour's position in `rank` (entity-id order), then relation, then direction.
    pub fn new(graph: &KnowledgeGraph, rank: &[u32]) -> Self {
        let g = graph.petgraph();
        let n = g.node_bound();
        let mut offsets = vec![0u32; n + 1];
        for e in g.edge_references() {
            offsets[e.source().index() + 1] += 1;
            offsets[e.target().index() + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let blank = AdjEntry {
            to: 0,
            edge: 0,
            kind: RelationKind::MemberOf,
            forward: true,
        };
        let mut entries = vec![blank; offsets[n] as usize];
        for e in g.edge_references() {
            let (s, t, kind) = (e.source().index(), e.target().index(), e.weight().kind);
            let edge = e.id().index() as u32;
            entries[fill[s] as usize] = AdjEntry {
                to: t as u32,
                edge,
                kind,
                forward: true,
            };
            fill[s] += 1;
            entries[fill[t] as usize] = AdjEntry {
                to: s as u32,
                edge,
                kind,
                forward: false,
            };
            fill[t] += 1;
        }
        let mut runs: Vec<&mut [AdjEntry]> = Vec::with_capacity(n);
        let mut rest = entries.as_mut_slice();
        for i in 0..n {
            let (run, tail) = rest.split_at_mut((offsets[i + 1] - offsets[i]) as usize);
            runs.push(run);
            rest = tail;
        }
        runs.into_par_iter().with_min_len(1 << 12).for_each(|run| {
            run.sort_unstable_by_key(|a| (rank[a.to as usize], a.kind, !a.forward))
        });
        Adjacency { offsets, entries }
    }

    /// Calls `f` for every step out of `node` that [`for_each_step`] would give.
    #[inline]
    fn for_each(
        &self,
        relations: &[RelationKind],
        node: NodeIndex,
        dir: Direction,
        mut f: impl FnMut(Hop),
    ) {
        let i = node.index();
        let run = &self.entries[self.offsets[i] as usize..self.offsets[i + 1] as usize];
        for a in run {
            let along = match dir {
                Direction::Both => true,
                Direction::Out => a.forward || a.kind.is_symmetric(),
                Direction::In => !a.forward || a.kind.is_symmetric(),
            };
            if along && (relations.is_empty() || relations.contains(&a.kind)) {
                f(Hop {
                    edge: EdgeIndex::new(a.edge as usize),
                    from: node,
                    to: NodeIndex::new(a.to as usize),
                    forward: a.forward,
                });
            }
        }
    }
}

/// Reusable scratch space for shortest-path searches over one graph.
#[derive(Debug)]
pub struct PathFinder<'g> {
    graph: &'g KnowledgeGraph,
    adj: Adjacency,
    stamp: u32,
    seen_f: Vec<u32>,
    seen_b: Vec<u32>,
    /// The step that first reached each node from the start (forward side) ...
    parent_f: Vec<Hop>,
    /// ... and from the end (backward side, in walking-backwards orientation).
    parent_b: Vec<Hop>,
}

/// Extra exclusions used by Yen's algorithm on top of a [`Filter`].
#[derive(Debug, Default)]
struct Bans {
    nodes: HashSet<NodeIndex>,
    edges: HashSet<EdgeIndex>,
}

impl Bans {
    fn edge_ok(&self, e: EdgeIndex) -> bool {
        self.edges.is_empty() || !self.edges.contains(&e)
    }
}

impl<'g> PathFinder<'g> {
    /// Scratch space and the adjacency index for `graph` (O(n + m log d), once).
    pub fn new(graph: &'g KnowledgeGraph) -> Self {
        let n = graph.petgraph().node_bound();
        let rank = id_ranks(graph);
        let none = Hop {
            edge: EdgeIndex::end(),
            from: NodeIndex::end(),
            to: NodeIndex::end(),
            forward: true,
        };
        PathFinder {
            graph,
            adj: Adjacency::new(graph, &rank),
            stamp: 0,
            seen_f: vec![0; n],
            seen_b: vec![0; n],
            parent_f: vec![none; n],
            parent_b: vec![none; n],
        }
    }

    /// The graph searched.
    pub fn graph(&self) -> &'g KnowledgeGraph {
        self.graph
    }

    /// The shortest path from `from` to `to` under `filter`, if any. One search costs at
    /// most O(n + m), so it runs without a budget.
    pub fn shortest(&mut self, from: NodeIndex, to: NodeIndex, filter: &Filter) -> Option<Path> {
        self.shortest_banned(from, to, filter, &Bans::default(), None)
            .unwrap_or(None)
    }

    fn next_stamp(&mut self) -> u32 {
        if self.stamp == u32::MAX {
            self.seen_f.fill(0);
            self.seen_b.fill(0);
            self.stamp = 0;
        }
        self.stamp += 1;
        self.stamp
    }

    /// Level-synchronous bidirectional BFS with parent pointers. Each round grows the
    /// smaller frontier by one level, frontier nodes in the order they were reached and
    /// their neighbours in entity-id order, and stops at the first node the other side has
    /// already reached. Both sides' levels are complete and disjoint until then, so that
    /// meeting closes a shortest path; and since every choice follows id order, the path
    /// depends only on the graph, not on how it was stored.
    fn shortest_banned(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        filter: &Filter,
        bans: &Bans,
        mut budget: Option<&mut Budget>,
    ) -> Result<Option<Path>, TooBig> {
        if from == to {
            return Ok(Some(Path {
                start: from,
                hops: Vec::new(),
            }));
        }
        let stamp = self.next_stamp();
        let dir = if filter.directed {
            Direction::Out
        } else {
            Direction::Both
        };
        let graph = self.graph;
        self.seen_f[from.index()] = stamp;
        self.seen_b[to.index()] = stamp;
        let (mut front_f, mut front_b) = (vec![from], vec![to]);
        let mut next = Vec::new();
        loop {
            if front_f.is_empty() || front_b.is_empty() {
                return Ok(None);
            }
            let forward = front_f.len() <= front_b.len();
            let (front, step_dir) = if forward {
                (&front_f, dir)
            } else {
                (&front_b, dir.reversed())
            };
            next.clear();
            let mut met: Option<Hop> = None;
            if let Some(b) = budget.as_deref_mut() {
                b.spend(front.len() as u64)?;
            }
            for &u in front {
                self.adj.for_each(&filter.relations, u, step_dir, |h| {
                    if met.is_some() || !bans.edge_ok(h.edge) {
                        return;
                    }
                    let v = h.to;
                    let vi = v.index();
                    let (mine, parent, other) = if forward {
                        (&mut self.seen_f, &mut self.parent_f, &self.seen_b)
                    } else {
                        (&mut self.seen_b, &mut self.parent_b, &self.seen_f)
                    };
                    if mine[vi] == stamp {
                        return;
                    }
                    let ok = v == from
                        || v == to
                        || ((filter.avoid.is_empty() || !filter.avoid.contains(&v))
                            && (bans.nodes.is_empty() || !bans.nodes.contains(&v))
                            && (filter.types.is_empty()
                                || filter.types.contains(&graph.entity(v).kind)));
                    if !ok {
                        return;
                    }
                    if other[vi] == stamp {
                        met = Some(h);
                        return;
                    }
                    mine[vi] = stamp;
                    parent[vi] = h;
                    next.push(v);
                });
                if met.is_some() {
                    break;
                }
            }
            if let Some(h) = met {
                // Orient the meeting step along the path: start side → end side.
                let (left, bridge) = if forward {
                    (h.from, h)
                } else {
                    (
                        h.to,
                        Hop {
                            edge: h.edge,
                            from: h.to,
                            to: h.from,
                            forward: !h.forward,
                        },
                    )
                };
                return Ok(Some(self.chain(from, to, left, bridge)));
            }
            if forward {
                std::mem::swap(&mut front_f, &mut next);
            } else {
                std::mem::swap(&mut front_b, &mut next);
            }
        }
    }

    /// The path `from ⇝ left → bridge.to ⇝ to` from the two parent trees.
    fn chain(&self, from: NodeIndex, to: NodeIndex, left: NodeIndex, bridge: Hop) -> Path {
        let mut hops = Vec::new();
        let mut cur = left;
        while cur != from {
            let h = self.parent_f[cur.index()];
            hops.push(h);
            cur = h.from;
        }
        hops.reverse();
        hops.push(bridge);
        let mut cur = bridge.to;
        while cur != to {
            // Backward parents were found walking from the end: flip them.
            let h = self.parent_b[cur.index()];
            hops.push(Hop {
                edge: h.edge,
                from: cur,
                to: h.from,
                forward: !h.forward,
            });
            cur = h.from;
        }
        Path { start: from, hops }
    }
}

/// Longest `--max-hops` accepted by [`all_simple_paths`].
pub const MAX_ALL_HOPS: usize = 8;
/// Most paths [`all_simple_paths`] collects before refusing.
pub const MAX_ALL_PATHS: usize = 100_000;
/// Largest `k` accepted by [`k_shortest`].
pub const MAX_K: usize = 100;

/// Why a bounded enumeration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The hop bound is above [`MAX_ALL_HOPS`].
    #[error("--max-hops {0} is above the limit of {MAX_ALL_HOPS}")]
    TooDeep(usize),
    /// More than [`MAX_ALL_PATHS`] paths.
    #[error("more than {MAX_ALL_PATHS} paths; lower --max-hops or add filters")]
    TooMany,
    /// `k` is above [`MAX_K`].
    #[error("-k {0} is above the limit of {MAX_K}")]
    TooManyK(usize),
    /// `k` is zero: no path was asked for.
    #[error("-k 0 asks for no path; use -k 1 or more")]
    ZeroK,
    /// The search needs more work than its budget (estimated, or found while searching).
    #[error(transparent)]
    TooBig(#[from] TooBig),
}

/// Up to `k` shortest simple paths (Yen's algorithm), shortest first; ties in the
/// deterministic order of [`Path::compare`] (without the evidence criterion, so that each
/// length is exhausted in id order). Runs within the default [`WorkLimits`].
pub fn k_shortest(
    finder: &mut PathFinder<'_>,
    from: NodeIndex,
    to: NodeIndex,
    k: usize,
    filter: &Filter,
) -> Result<Vec<Path>, Refusal> {
    k_shortest_within(
        finder,
        from,
        to,
        k,
        filter,
        &mut Budget::new(WorkLimits::DEFAULT),
    )
}

/// [`k_shortest`] within `budget`: every spur search's expanded nodes are counted.
pub fn k_shortest_within(
    finder: &mut PathFinder<'_>,
    from: NodeIndex,
    to: NodeIndex,
    k: usize,
    filter: &Filter,
    budget: &mut Budget,
) -> Result<Vec<Path>, Refusal> {
    if k == 0 {
        return Err(Refusal::ZeroK);
    }
    if k > MAX_K {
        return Err(Refusal::TooManyK(k));
    }
    let graph = finder.graph;
    let mut found: Vec<Path> = Vec::new();
    let Some(first) = finder.shortest(from, to, filter) else {
        return Ok(found);
    };
    found.push(first);
    type Key = (
        usize,
        Vec<(String, Option<RelationKind>, bool)>,
        Vec<EdgeIndex>,
    );
    let key = |p: &Path| -> Key {
        (
            p.len(),
            p.key(graph)
                .into_iter()
                .map(|(a, b, c)| (a.to_string(), b, c))
                .collect(),
            p.hops.iter().map(|h| h.edge).collect(),
        )
    };
    let mut candidates: BTreeMap<Key, Path> = BTreeMap::new();
    while found.len() < k {
        let last = found.last().expect("non-empty").clone();
        let last_nodes = last.nodes();
        for i in 0..last.hops.len() {
            let spur = last_nodes[i];
            let root = &last.hops[..i];
            let mut bans = Bans::default();
            for p in &found {
                if p.hops.len() > i && p.hops[..i] == *root {
                    bans.edges.insert(p.hops[i].edge);
                }
            }
            bans.nodes.extend(last_nodes[..i].iter().copied());
            // The spur search must not treat the original start as an exempt endpoint.
            let Some(spur_path) =
                finder.shortest_banned(spur, to, filter, &bans, Some(&mut *budget))?
            else {
                continue;
            };
            if spur_path
                .nodes()
                .iter()
                .any(|n| last_nodes[..i].contains(n))
            {
                continue;
            }
            let mut hops = root.to_vec();
            hops.extend(spur_path.hops);
            let path = Path { start: from, hops };
            if found.contains(&path) {
                continue;
            }
            candidates.entry(key(&path)).or_insert(path);
        }
        let Some((_, best)) = candidates.pop_first() else {
            break;
        };
        found.push(best);
    }
    Ok(found)
}

/// Every simple path from `from` to `to` of at most `max_hops` hops, sorted by
/// [`Path::compare`]. Refuses bounds above [`MAX_ALL_HOPS`] and results above
/// [`MAX_ALL_PATHS`]; runs within the default [`WorkLimits`].
pub fn all_simple_paths(
    graph: &KnowledgeGraph,
    from: NodeIndex,
    to: NodeIndex,
    max_hops: usize,
    filter: &Filter,
) -> Result<Vec<Path>, Refusal> {
    all_simple_paths_within(
        graph,
        from,
        to,
        max_hops,
        filter,
        &mut Budget::new(WorkLimits::DEFAULT),
    )
}

/// [`all_simple_paths`] within `budget`: refused before the search when its estimated size
/// (see [`branching_factor`]) is far above the budget, and stopped during it once the budget
/// is spent.
pub fn all_simple_paths_within(
    graph: &KnowledgeGraph,
    from: NodeIndex,
    to: NodeIndex,
    max_hops: usize,
    filter: &Filter,
    budget: &mut Budget,
) -> Result<Vec<Path>, Refusal> {
    if max_hops > MAX_ALL_HOPS {
        return Err(Refusal::TooDeep(max_hops));
    }
    let dir = if filter.directed {
        Direction::Out
    } else {
        Direction::Both
    };
    if max_hops >= 2 {
        // The start's own edges, then a walk of max_hops - 2 further levels below each.
        let first = steps(graph, filter, from, dir).len() as f64;
        let b = branching_factor(graph, &filter.relations, dir);
        budget.admit(1.0 + walk_estimate(first, b, max_hops as u32 - 2))?;
    }
    let mut out = Vec::new();
    let mut on_path: HashSet<NodeIndex> = HashSet::from([from]);
    let mut hops: Vec<Hop> = Vec::new();
    // Explicit stack of pending steps per depth, so depth never grows the call stack.
    let mut stack: Vec<Vec<Hop>> = vec![steps(graph, filter, from, dir)];
    while let Some(top) = stack.last_mut() {
        let Some(h) = top.pop() else {
            stack.pop();
            if let Some(h) = hops.pop() {
                on_path.remove(&h.to);
            }
            continue;
        };
        if on_path.contains(&h.to) {
            continue;
        }
        if h.to == to {
            let mut p = hops.clone();
            p.push(h);
            out.push(Path {
                start: from,
                hops: p,
            });
            if out.len() > MAX_ALL_PATHS {
                return Err(Refusal::TooMany);
            }
            continue;
        }
        let v = h.to;
        let allowed = !filter.avoid.contains(&v)
            && (filter.types.is_empty() || filter.types.contains(&graph.entity(v).kind));
        if !allowed || hops.len() + 1 >= max_hops {
            continue;
        }
        budget.spend(1)?;
        hops.push(h);
        on_path.insert(v);
        stack.push(steps(graph, filter, v, dir));
    }
    out.sort_by(|a, b| a.compare(b, graph));
    Ok(out)
}

/// The mean number of onward steps from a node reached over an edge (the "excess degree"
/// Σd(d−1)/Σd over the steps allowed by `relations` and `dir`): the branching factor of a
/// depth-first walk, used to estimate a search's size before it runs. It weighs hubs the way
/// a walk meets them (in proportion to their degree), so it is larger than the mean degree on
/// skewed graphs. O(n + m).
pub fn branching_factor(graph: &KnowledgeGraph, relations: &[RelationKind], dir: Direction) -> f64 {
    let (mut sum, mut sum_sq) = (0f64, 0f64);
    for n in graph.petgraph().node_indices() {
        let mut d = 0u64;
        for_each_step(graph, relations, n, dir, |_| d += 1);
        let d = d as f64;
        sum += d;
        sum_sq += d * (d - 1.0).max(0.0);
    }
    if sum == 0.0 { 0.0 } else { sum_sq / sum }
}

fn steps(graph: &KnowledgeGraph, filter: &Filter, node: NodeIndex, dir: Direction) -> Vec<Hop> {
    let mut v = Vec::new();
    for_each_step(graph, &filter.relations, node, dir, |h| v.push(h));
    v
}

/// A node reached by a neighbourhood walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// The node.
    pub node: NodeIndex,
    /// Hops from the centre.
    pub depth: usize,
    /// The step that first reached it.
    pub via: Hop,
}

/// Nodes within `depth` hops of `center` (breadth first, each node's neighbours in id order), with the
/// step that reached each. `types` restricts which nodes are entered at all; `avoid` too.
pub fn neighborhood(
    graph: &KnowledgeGraph,
    center: NodeIndex,
    depth: usize,
    dir: Direction,
    filter: &Filter,
) -> Vec<Reached> {
    PathFinder::new(graph).neighborhood(center, depth, dir, filter)
}

impl PathFinder<'_> {
    /// [`neighborhood`] with this finder's scratch space (for many queries on one graph).
    pub fn neighborhood(
        &mut self,
        center: NodeIndex,
        depth: usize,
        dir: Direction,
        filter: &Filter,
    ) -> Vec<Reached> {
        let stamp = self.next_stamp();
        self.seen_f[center.index()] = stamp;
        let mut out: Vec<Reached> = Vec::new();
        let mut queue: VecDeque<(NodeIndex, usize)> = VecDeque::from([(center, 0)]);
        let mut next = Vec::new();
        while let Some((u, d)) = queue.pop_front() {
            if d == depth {
                continue;
            }
            next.clear();
            self.adj
                .for_each(&filter.relations, u, dir, |h| next.push(h));
            // The adjacency index is already in entity-id order.
            for &h in &next {
                let v = h.to;
                if self.seen_f[v.index()] == stamp
                    || (!filter.avoid.is_empty() && filter.avoid.contains(&v))
                    || !(filter.types.is_empty()
                        || filter.types.contains(&self.graph.entity(v).kind))
                {
                    continue;
                }
                self.seen_f[v.index()] = stamp;
                out.push(Reached {
                    node: v,
                    depth: d + 1,
                    via: h,
                });
                queue.push_back((v, d + 1));
            }
        }
        out
    }
}
