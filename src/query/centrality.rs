//! Whole-graph measures: degree, PageRank, betweenness, closeness, label-propagation
//! communities and summary statistics.
//!
//! Each measure works on a compact snapshot ([`Dense`]) whose positions are the entities in
//! id order, so every result and every tie is deterministic. Betweenness, closeness and
//! communities see the graph as undirected and simple (parallel relations between two
//! entities count once); PageRank follows the stored direction, with symmetric relations
//! (`met-with`, `cooperates-with`) pointing both ways, and uses NetworkX's definition
//! (damping 0.85, dangling mass spread uniformly, stop when the L1 change < n·1e-6).

use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use std::collections::{BTreeMap, VecDeque};

/// A read-only compressed adjacency snapshot, positions in entity-id order.
#[derive(Debug, Clone)]
pub struct Dense {
    /// Node of each position.
    pub nodes: Vec<NodeIndex>,
    /// Undirected simple adjacency (CSR offsets into `und`).
    und_off: Vec<usize>,
    und: Vec<u32>,
    /// Directed simple adjacency, symmetric relations both ways.
    out_off: Vec<usize>,
    out: Vec<u32>,
    /// Incident edge count of each position (parallel edges counted).
    degree: Vec<usize>,
}

fn csr(n: usize, mut pairs: Vec<(u32, u32)>) -> (Vec<usize>, Vec<u32>) {
    pairs.sort_unstable();
    pairs.dedup();
    let mut off = vec![0usize; n + 1];
    for &(a, _) in &pairs {
        off[a as usize + 1] += 1;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    (off, pairs.into_iter().map(|(_, b)| b).collect())
}

impl Dense {
    /// Takes the snapshot.
    pub fn new(graph: &KnowledgeGraph) -> Self {
        let g = graph.petgraph();
        let nodes = graph.sorted_nodes();
        let mut pos = vec![u32::MAX; g.node_bound()];
        for (i, n) in nodes.iter().enumerate() {
            pos[n.index()] = i as u32;
        }
        let n = nodes.len();
        let mut und = Vec::with_capacity(g.edge_count() * 2);
        let mut out = Vec::with_capacity(g.edge_count());
        let mut degree = vec![0usize; n];
        for e in g.edge_references() {
            let (a, b) = (pos[e.source().index()], pos[e.target().index()]);
            degree[a as usize] += 1;
            if a != b {
                degree[b as usize] += 1;
                und.push((a, b));
                und.push((b, a));
            }
            out.push((a, b));
            if e.weight().kind.is_symmetric() {
                out.push((b, a));
            }
        }
        let (und_off, und) = csr(n, und);
        let (out_off, out) = csr(n, out);
        Dense {
            nodes,
            und_off,
            und,
            out_off,
            out,
            degree,
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Distinct neighbours of position `i`, either direction, ascending.
    pub fn neighbors(&self, i: usize) -> &[u32] {
        &self.und[self.und_off[i]..self.und_off[i + 1]]
    }

    fn successors(&self, i: usize) -> &[u32] {
        &self.out[self.out_off[i]..self.out_off[i + 1]]
    }

    /// Incident edges per position.
    pub fn degrees(&self) -> &[usize] {
        &self.degree
    }

    /// PageRank scores per position (NetworkX's definition, at most 100 iterations).
    pub fn page_rank(&self) -> Vec<f64> {
        let n = self.len();
        if n == 0 {
            return Vec::new();
        }
        let alpha = 0.85;
        let nf = n as f64;
        let mut x = vec![1.0 / nf; n];
        let mut next = vec![0.0; n];
        for _ in 0..100 {
            let mut dangling = 0.0;
            next.fill(0.0);
            for (i, &xi) in x.iter().enumerate() {
                let succ = self.successors(i);
                if succ.is_empty() {
                    dangling += xi;
                } else {
                    let share = alpha * xi / succ.len() as f64;
                    for &j in succ {
                        next[j as usize] += share;
                    }
                }
            }
            let base = (alpha * dangling + (1.0 - alpha)) / nf;
            let mut err = 0.0;
            for (v, &old) in next.iter_mut().zip(&x) {
                *v += base;
                err += (*v - old).abs();
            }
            std::mem::swap(&mut x, &mut next);
            if err < nf * 1e-6 {
                break;
            }
        }
        x
    }

    /// Normalised betweenness (Brandes), as NetworkX's `betweenness_centrality` on the
    /// undirected simple graph.
    pub fn betweenness(&self) -> Vec<f64> {
        let n = self.len();
        let mut bc = vec![0.0; n];
        let mut sigma = vec![0.0f64; n];
        let mut dist = vec![-1i64; n];
        let mut delta = vec![0.0f64; n];
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut order = Vec::with_capacity(n);
        let mut queue = VecDeque::new();
        for s in 0..n {
            for &v in &order {
                let v: usize = v;
                sigma[v] = 0.0;
                dist[v] = -1;
                delta[v] = 0.0;
                preds[v].clear();
            }
            order.clear();
            sigma[s] = 1.0;
            dist[s] = 0;
            queue.push_back(s);
            while let Some(v) = queue.pop_front() {
                order.push(v);
                for &w in self.neighbors(v) {
                    let w = w as usize;
                    if dist[w] < 0 {
                        dist[w] = dist[v] + 1;
                        queue.push_back(w);
                    }
                    if dist[w] == dist[v] + 1 {
                        sigma[w] += sigma[v];
                        preds[w].push(v as u32);
                    }
                }
            }
            for &w in order.iter().rev() {
                for &v in &preds[w] {
                    let v = v as usize;
                    delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
                }
                if w != s {
                    bc[w] += delta[w];
                }
            }
        }
        if n > 2 {
            let scale = 1.0 / ((n - 1) * (n - 2)) as f64;
            bc.iter_mut().for_each(|b| *b *= scale);
        }
        bc
    }

    /// Closeness as NetworkX's `closeness_centrality` (Wasserman–Faust scaling for graphs
    /// that are not connected), undirected.
    pub fn closeness(&self) -> Vec<f64> {
        let n = self.len();
        let mut dist = vec![u32::MAX; n];
        let mut touched = Vec::new();
        let mut queue = VecDeque::new();
        (0..n)
            .map(|s| {
                for &v in &touched {
                    dist[v] = u32::MAX;
                }
                touched.clear();
                dist[s] = 0;
                touched.push(s);
                queue.push_back(s);
                let mut total = 0u64;
                while let Some(v) = queue.pop_front() {
                    total += u64::from(dist[v]);
                    for &w in self.neighbors(v) {
                        let w = w as usize;
                        if dist[w] == u32::MAX {
                            dist[w] = dist[v] + 1;
                            touched.push(w);
                            queue.push_back(w);
                        }
                    }
                }
                let reach = touched.len() as f64;
                if total == 0 || n < 2 {
                    0.0
                } else {
                    (reach - 1.0) / total as f64 * (reach - 1.0) / (n - 1) as f64
                }
            })
            .collect()
    }

    /// Communities by label propagation: positions visited in id order, each takes the most
    /// frequent label among its neighbours (keeping its own on a tie when it is among the
    /// best, else the smallest), until nothing changes (at most 100 passes). Returns the
    /// communities, largest first, members in id order.
    pub fn communities(&self) -> Vec<Vec<usize>> {
        let n = self.len();
        let mut label: Vec<u32> = (0..n as u32).collect();
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for _ in 0..100 {
            let mut changed = false;
            for i in 0..n {
                let nb = self.neighbors(i);
                if nb.is_empty() {
                    continue;
                }
                counts.clear();
                for &j in nb {
                    *counts.entry(label[j as usize]).or_default() += 1;
                }
                let max = counts.values().copied().max().unwrap_or(0);
                let own = counts.get(&label[i]).copied().unwrap_or(0);
                if own == max {
                    continue;
                }
                let best = counts
                    .iter()
                    .find(|(_, c)| **c == max)
                    .map(|(l, _)| *l)
                    .expect("a neighbour exists");
                label[i] = best;
                changed = true;
            }
            if !changed {
                break;
            }
        }
        let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, l) in label.into_iter().enumerate() {
            groups.entry(l).or_default().push(i);
        }
        let mut out: Vec<Vec<usize>> = groups.into_values().collect();
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        out
    }

    /// Connected components (undirected), largest first, members in id order.
    pub fn components(&self) -> Vec<Vec<usize>> {
        let n = self.len();
        let mut comp = vec![usize::MAX; n];
        let mut out = Vec::new();
        let mut stack = Vec::new();
        for s in 0..n {
            if comp[s] != usize::MAX {
                continue;
            }
            let id = out.len();
            let mut members = vec![s];
            comp[s] = id;
            stack.push(s);
            while let Some(v) = stack.pop() {
                for &w in self.neighbors(v) {
                    let w = w as usize;
                    if comp[w] == usize::MAX {
                        comp[w] = id;
                        members.push(w);
                        stack.push(w);
                    }
                }
            }
            members.sort_unstable();
            out.push(members);
        }
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        out
    }
}

/// Summary statistics of a graph.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Stats {
    /// Number of entities.
    pub nodes: usize,
    /// Number of edges.
    pub edges: usize,
    /// Number of evidence sentences over all edges.
    pub evidence: usize,
    /// Entities per type.
    pub types: BTreeMap<EntityKind, usize>,
    /// Edges per relation.
    pub relations: BTreeMap<RelationKind, usize>,
    /// Number of connected components (edge direction ignored).
    pub components: usize,
    /// Size of the largest component.
    pub largest_component: usize,
    /// Entities without any edge.
    pub isolated: usize,
    /// Edges / (n·(n−1)), as a directed graph.
    pub density: f64,
    /// Smallest, mean, median and largest degree (incident edges).
    pub degree_min: usize,
    /// Mean degree.
    pub degree_mean: f64,
    /// Median degree (lower median).
    pub degree_median: usize,
    /// Largest degree.
    pub degree_max: usize,
    /// How many entities have each degree.
    pub degree_histogram: BTreeMap<usize, usize>,
}

/// Computes [`Stats`].
pub fn stats(graph: &KnowledgeGraph, dense: &Dense) -> Stats {
    let g = graph.petgraph();
    let mut types = BTreeMap::new();
    for n in g.node_indices() {
        *types.entry(g[n].kind).or_default() += 1;
    }
    let mut relations = BTreeMap::new();
    let mut evidence = 0;
    for e in g.edge_references() {
        *relations.entry(e.weight().kind).or_default() += 1;
        evidence += e.weight().evidence.len();
    }
    let comps = dense.components();
    let mut degrees = dense.degrees().to_vec();
    degrees.sort_unstable();
    let mut degree_histogram = BTreeMap::new();
    for &d in &degrees {
        *degree_histogram.entry(d).or_default() += 1;
    }
    let n = dense.len();
    Stats {
        nodes: n,
        edges: g.edge_count(),
        evidence,
        types,
        relations,
        components: comps.len(),
        largest_component: comps.first().map_or(0, Vec::len),
        isolated: degrees.iter().take_while(|&&d| d == 0).count(),
        density: if n > 1 {
            g.edge_count() as f64 / (n * (n - 1)) as f64
        } else {
            0.0
        },
        degree_min: degrees.first().copied().unwrap_or(0),
        degree_mean: if n > 0 {
            degrees.iter().sum::<usize>() as f64 / n as f64
        } else {
            0.0
        },
        degree_median: if n > 0 { degrees[(n - 1) / 2] } else { 0 },
        degree_max: degrees.last().copied().unwrap_or(0),
        degree_histogram,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Evidence, Tier};

    /// A path a - b - c - d plus an isolated e.
    fn line() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        for id in ["a", "b", "c", "d", "e"] {
            g.add_entity(Entity {
                id: id.into(),
                label: id.into(),
                kind: EntityKind::Country,
                aliases: vec![],
                wikidata: None,
            });
        }
        let ev = Evidence {
            document: "d".into(),
            sentence: "s".into(),
            start: 0,
            end: 1,
            rule: "r".into(),
            tier: Tier::Explicit,
            confidence: Default::default(),
            when: None,
        };
        for (s, t) in [("a", "b"), ("b", "c"), ("c", "d")] {
            g.add_relation(s, RelationKind::MemberOf, t, std::slice::from_ref(&ev))
                .unwrap();
        }
        g
    }

    #[test]
    fn betweenness_and_closeness_match_networkx_on_a_line() {
        let g = line();
        let d = Dense::new(&g);
        // networkx.betweenness_centrality(path_graph(4) + isolated node): b and c lie on
        // 2 of the (n-1)(n-2) = 12 ordered pairs each way → 4/12.
        let bc = d.betweenness();
        assert!((bc[1] - 4.0 / 12.0).abs() < 1e-12, "{bc:?}");
        assert_eq!(bc[0], 0.0);
        // closeness(a) = (4-1)/(1+2+3) * (4-1)/(5-1)
        let cl = d.closeness();
        assert!((cl[0] - 0.5 * 0.75).abs() < 1e-12, "{cl:?}");
        assert_eq!(cl[4], 0.0);
    }

    #[test]
    fn pagerank_sums_to_one_and_follows_edges() {
        let g = line();
        let pr = Dense::new(&g).page_rank();
        assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(pr[3] > pr[2] && pr[2] > pr[1] && pr[1] > pr[0], "{pr:?}");
    }

    #[test]
    fn components_and_stats() {
        let g = line();
        let d = Dense::new(&g);
        assert_eq!(d.components(), vec![vec![0, 1, 2, 3], vec![4]]);
        let s = stats(&g, &d);
        assert_eq!(
            (s.components, s.isolated, s.degree_max, s.degree_median),
            (2, 1, 2, 1)
        );
    }
}
