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
//! * **Determinism.** Among equally short paths the one whose sequence of entity ids is
//!   lexicographically smallest wins (then relation, then stored direction), whatever the node
//!   indices are.
//!
//! The shortest path is a level-synchronous bidirectional BFS (the smaller frontier grows
//! first) followed by a greedy lexicographic walk over the nodes both searches proved to lie
//! on a shortest path. Scratch arrays are stamped, not cleared, so a [`PathFinder`] reused over
//! many queries costs only what each search touches.

use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, NodeIndexable};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// Which way edges are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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

/// The tie-breaking key of a step: entity id of the node reached, relation, stored direction.
fn hop_key<'g>(graph: &'g KnowledgeGraph, h: &Hop) -> (&'g str, RelationKind, bool) {
    let g = graph.petgraph();
    (g[h.to].id.as_str(), g[h.edge].kind, !h.forward)
}

/// Reusable scratch space for shortest-path searches over one graph.
#[derive(Debug)]
pub struct PathFinder<'g> {
    graph: &'g KnowledgeGraph,
    stamp: u32,
    seen_f: Vec<u32>,
    seen_b: Vec<u32>,
    dist_f: Vec<u32>,
    dist_b: Vec<u32>,
}

/// Extra exclusions used by Yen's algorithm on top of a [`Filter`].
#[derive(Debug, Default)]
struct Bans {
    nodes: HashSet<NodeIndex>,
    edges: HashSet<EdgeIndex>,
}

impl<'g> PathFinder<'g> {
    /// Scratch space sized for `graph`.
    pub fn new(graph: &'g KnowledgeGraph) -> Self {
        let n = graph.petgraph().node_bound();
        PathFinder {
            graph,
            stamp: 0,
            seen_f: vec![0; n],
            seen_b: vec![0; n],
            dist_f: vec![0; n],
            dist_b: vec![0; n],
        }
    }

    /// The shortest path from `from` to `to` under `filter`, if any.
    pub fn shortest(&mut self, from: NodeIndex, to: NodeIndex, filter: &Filter) -> Option<Path> {
        self.shortest_banned(from, to, filter, &Bans::default())
    }

    fn node_ok(
        &self,
        n: NodeIndex,
        from: NodeIndex,
        to: NodeIndex,
        filter: &Filter,
        bans: &Bans,
    ) -> bool {
        if n == from || n == to {
            return true;
        }
        if filter.avoid.contains(&n) || bans.nodes.contains(&n) {
            return false;
        }
        filter.types.is_empty() || filter.types.contains(&self.graph.entity(n).kind)
    }

    fn shortest_banned(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        filter: &Filter,
        bans: &Bans,
    ) -> Option<Path> {
        if from == to {
            return Some(Path {
                start: from,
                hops: Vec::new(),
            });
        }
        if self.stamp == u32::MAX {
            self.seen_f.fill(0);
            self.seen_b.fill(0);
            self.stamp = 0;
        }
        self.stamp += 1;
        let stamp = self.stamp;
        let dir = if filter.directed {
            Direction::Out
        } else {
            Direction::Both
        };
        let rels = filter.relations.as_slice();
        let graph = self.graph;
        let (fi, ti) = (from.index(), to.index());
        self.seen_f[fi] = stamp;
        self.dist_f[fi] = 0;
        self.seen_b[ti] = stamp;
        self.dist_b[ti] = 0;
        let mut front_f = vec![from];
        let mut front_b = vec![to];
        let mut next = Vec::new();
        let mut best = u32::MAX;
        while best == u32::MAX {
            if front_f.is_empty() || front_b.is_empty() {
                return None;
            }
            let forward = front_f.len() <= front_b.len();
            let (front, step_dir) = if forward {
                (&mut front_f, dir)
            } else {
                (&mut front_b, dir.reversed())
            };
            next.clear();
            for &u in front.iter() {
                let du = if forward {
                    self.dist_f[u.index()]
                } else {
                    self.dist_b[u.index()]
                };
                for_each_step(graph, rels, u, step_dir, |h| {
                    if bans.edges.contains(&h.edge) {
                        return;
                    }
                    let v = h.to;
                    let vi = v.index();
                    let (mine, mine_d, other, other_d) = if forward {
                        (
                            &mut self.seen_f,
                            &mut self.dist_f,
                            &self.seen_b,
                            &self.dist_b,
                        )
                    } else {
                        (
                            &mut self.seen_b,
                            &mut self.dist_b,
                            &self.seen_f,
                            &self.dist_f,
                        )
                    };
                    if mine[vi] == stamp {
                        return;
                    }
                    if !(v == from || v == to || {
                        (filter.avoid.is_empty() || !filter.avoid.contains(&v))
                            && (bans.nodes.is_empty() || !bans.nodes.contains(&v))
                            && (filter.types.is_empty()
                                || filter.types.contains(&graph.entity(v).kind))
                    }) {
                        return;
                    }
                    if other[vi] == stamp {
                        best = best.min(du + 1 + other_d[vi]);
                    }
                    mine[vi] = stamp;
                    mine_d[vi] = du + 1;
                    next.push(v);
                });
            }
            std::mem::swap(front, &mut next);
        }
        Some(self.reconstruct(from, to, best, filter, bans))
    }

    /// The lexicographically smallest path of length `len`, given complete BFS levels from both
    /// ends (every node on a shortest path is labelled by at least one side).
    fn reconstruct(
        &self,
        from: NodeIndex,
        to: NodeIndex,
        len: u32,
        filter: &Filter,
        bans: &Bans,
    ) -> Path {
        let dir = if filter.directed {
            Direction::Out
        } else {
            Direction::Both
        };
        let ctx = Search {
            from,
            to,
            len,
            filter,
            bans,
            dir,
        };
        let mut memo: HashMap<NodeIndex, bool> = HashMap::new();
        let mut hops = Vec::with_capacity(len as usize);
        let mut cur = from;
        let mut candidates = Vec::new();
        for pos in 0..len {
            candidates.clear();
            for_each_step(self.graph, &filter.relations, cur, dir, |h| {
                candidates.push(h)
            });
            let mut choice: Option<Hop> = None;
            for &h in &candidates {
                if !self.step_ok(&h, &ctx) || !self.completes(h.to, pos + 1, &ctx, &mut memo) {
                    continue;
                }
                if choice.is_none_or(|c| hop_key(self.graph, &h) < hop_key(self.graph, &c)) {
                    choice = Some(h);
                }
            }
            let h = choice.expect("a node on a shortest path has a successor on it");
            hops.push(h);
            cur = h.to;
        }
        debug_assert_eq!(cur, to);
        Path { start: from, hops }
    }

    fn step_ok(&self, h: &Hop, ctx: &Search<'_>) -> bool {
        !ctx.bans.edges.contains(&h.edge)
            && self.node_ok(h.to, ctx.from, ctx.to, ctx.filter, ctx.bans)
    }

    /// Whether `v`, reached after `pos` hops, lies on a path of total length `len` to the end.
    fn completes(
        &self,
        v: NodeIndex,
        pos: u32,
        ctx: &Search<'_>,
        memo: &mut HashMap<NodeIndex, bool>,
    ) -> bool {
        let vi = v.index();
        let stamp = self.stamp;
        if self.seen_b[vi] == stamp && self.dist_b[vi] == ctx.len - pos {
            return true;
        }
        if pos >= ctx.len || !(self.seen_f[vi] == stamp && self.dist_f[vi] == pos) {
            return false;
        }
        if let Some(&known) = memo.get(&v) {
            return known;
        }
        let mut next = Vec::new();
        for_each_step(self.graph, &ctx.filter.relations, v, ctx.dir, |h| {
            next.push(h)
        });
        let ok = next
            .iter()
            .any(|h| self.step_ok(h, ctx) && self.completes(h.to, pos + 1, ctx, memo));
        memo.insert(v, ok);
        ok
    }
}

/// The fixed parameters of one reconstruction.
struct Search<'a> {
    from: NodeIndex,
    to: NodeIndex,
    len: u32,
    filter: &'a Filter,
    bans: &'a Bans,
    dir: Direction,
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
}

/// Up to `k` shortest simple paths (Yen's algorithm), shortest first; ties in the
/// deterministic order of [`Path::compare`] (without the evidence criterion, so that each
/// length is exhausted in id order).
pub fn k_shortest(
    finder: &mut PathFinder<'_>,
    from: NodeIndex,
    to: NodeIndex,
    k: usize,
    filter: &Filter,
) -> Result<Vec<Path>, Refusal> {
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
            let Some(spur_path) = finder.shortest_banned(spur, to, filter, &bans) else {
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
/// [`MAX_ALL_PATHS`].
pub fn all_simple_paths(
    graph: &KnowledgeGraph,
    from: NodeIndex,
    to: NodeIndex,
    max_hops: usize,
    filter: &Filter,
) -> Result<Vec<Path>, Refusal> {
    if max_hops > MAX_ALL_HOPS {
        return Err(Refusal::TooDeep(max_hops));
    }
    let dir = if filter.directed {
        Direction::Out
    } else {
        Direction::Both
    };
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
        hops.push(h);
        on_path.insert(v);
        stack.push(steps(graph, filter, v, dir));
    }
    out.sort_by(|a, b| a.compare(b, graph));
    Ok(out)
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

/// Nodes within `depth` hops of `center` (breadth first, each level in id order), with the
/// step that reached each. `types` restricts which nodes are entered at all; `avoid` too.
pub fn neighborhood(
    graph: &KnowledgeGraph,
    center: NodeIndex,
    depth: usize,
    dir: Direction,
    filter: &Filter,
) -> Vec<Reached> {
    let mut seen: HashSet<NodeIndex> = HashSet::from([center]);
    let mut out = Vec::new();
    let mut queue: VecDeque<(NodeIndex, usize)> = VecDeque::from([(center, 0)]);
    while let Some((u, d)) = queue.pop_front() {
        if d == depth {
            continue;
        }
        let mut next = steps(graph, filter, u, dir);
        next.sort_by(|a, b| hop_key(graph, a).cmp(&hop_key(graph, b)));
        for h in next {
            let v = h.to;
            if seen.contains(&v)
                || filter.avoid.contains(&v)
                || !(filter.types.is_empty() || filter.types.contains(&graph.entity(v).kind))
            {
                continue;
            }
            seen.insert(v);
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
