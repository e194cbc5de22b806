//! Deterministic node positions for the HTML viewer.
//!
//! The page draws precomputed positions (Cytoscape.js's `preset` layout), so the same graph
//! always looks the same and the browser spends no time laying out 5,000 nodes. Each
//! connected component gets a force-directed layout in the manner of ForceAtlas2 (linear
//! attraction, degree-weighted repulsion approximated with a Barnes–Hut quadtree, so a sweep
//! is O(n log n)) and a final pass that pushes overlapping nodes apart; the components are
//! then packed in rows, largest first. Everything is sequential floating point from a fixed start (a sunflower spiral in
//! breadth-first order, built without trigonometry), so the output does not depend on the
//! thread count, and positions are rounded to whole pixels.

use std::collections::{HashMap, HashSet};

/// The ideal edge length, in page pixels.
const K: f64 = 90.0;

/// Positions (`[x, y]` in pixels) of nodes `0..n` joined by the undirected `edges`.
///
/// Self-loops and repeated pairs are ignored; a pair index out of range panics.
pub fn layout(n: usize, edges: &[(usize, usize)]) -> Vec<[i32; 2]> {
    let adjacency = adjacency(n, edges);
    let mut pos = vec![[0.0f64; 2]; n];
    let mut boxes = Vec::new();
    for component in components(&adjacency) {
        let local = layout_component(&component, &adjacency);
        let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in &local {
            for d in 0..2 {
                min[d] = min[d].min(p[d]);
                max[d] = max[d].max(p[d]);
            }
        }
        for (&v, p) in component.iter().zip(&local) {
            pos[v] = [p[0] - min[0], p[1] - min[1]];
        }
        boxes.push((component, [max[0] - min[0], max[1] - min[1]]));
    }
    pack(&mut pos, &boxes);
    pos.iter()
        .map(|p| [p[0].round() as i32, p[1].round() as i32])
        .collect()
}

/// Sorted, deduplicated neighbour lists.
fn adjacency(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b {
            adj[a].push(b);
            adj[b].push(a);
        }
    }
    for list in &mut adj {
        list.sort_unstable();
        list.dedup();
    }
    adj
}

/// Connected components, each in breadth-first order from its best-connected node (ties to
/// the lowest index), largest component first.
fn components(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adj.len();
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    for start in 0..n {
        if seen[start] {
            continue;
        }
        // Collect the component first, then restart the walk from its hub so the spiral
        // grows outwards from the centre of the picture.
        let mut members = vec![start];
        seen[start] = true;
        let mut i = 0;
        while i < members.len() {
            for &w in &adj[members[i]] {
                if !seen[w] {
                    seen[w] = true;
                    members.push(w);
                }
            }
            i += 1;
        }
        let hub = *members
            .iter()
            .max_by(|&&a, &&b| adj[a].len().cmp(&adj[b].len()).then(b.cmp(&a)))
            .expect("a component has a node");
        let mut order = Vec::with_capacity(members.len());
        let mut placed: HashSet<usize> = HashSet::with_capacity(members.len());
        order.push(hub);
        placed.insert(hub);
        let mut i = 0;
        while i < order.len() {
            for &w in &adj[order[i]] {
                if placed.insert(w) {
                    order.push(w);
                }
            }
            i += 1;
        }
        out.push(order);
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

/// The radius the page draws a node of degree `deg` with (about `8 + 3.5·log2(deg + 1)`,
/// counted in whole bits so no libm call is involved), plus room around it.
fn radius(deg: usize) -> f64 {
    let bits = f64::from(usize::BITS - (deg + 1).leading_zeros());
    (8.0 + 3.5 * bits).min(30.0)
}

/// A ForceAtlas2-style layout of one component (its nodes in breadth-first order): linear
/// attraction along edges, repulsion `k²·(deg+1)(deg'+1)/d` through a Barnes–Hut quadtree, a
/// weak pull to the centre, steps capped by a cooling temperature; then overlaps removed.
fn layout_component(nodes: &[usize], adj: &[Vec<usize>]) -> Vec<[f64; 2]> {
    let m = nodes.len();
    let local: HashMap<usize, usize> = nodes.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let edges: Vec<(usize, usize)> = nodes
        .iter()
        .enumerate()
        .flat_map(|(i, &v)| {
            adj[v]
                .iter()
                .map(|w| local[w])
                .filter(move |&j| j > i)
                .map(move |j| (i, j))
        })
        .collect();
    let weight: Vec<f64> = nodes.iter().map(|&v| (adj[v].len() + 1) as f64).collect();
    // Sunflower spiral: node r at radius ∝ √r, turned by the golden angle each step (the
    // rotation is a fixed multiplication, so no libm call can differ between machines).
    let (cos_g, sin_g) = (-0.737_368_878_078_319_7_f64, 0.675_490_294_261_523_9_f64);
    let mut dir = [1.0f64, 0.0f64];
    let mut pos: Vec<[f64; 2]> = Vec::with_capacity(m);
    for r in 0..m {
        let radius = K * 0.6 * (r as f64).sqrt();
        pos.push([dir[0] * radius, dir[1] * radius]);
        dir = [
            dir[0] * cos_g - dir[1] * sin_g,
            dir[0] * sin_g + dir[1] * cos_g,
        ];
    }
    if m <= 1 {
        return pos;
    }
    // Fewer sweeps on very large components: each costs a pass over every node.
    let iterations = match m {
        0..=2_000 => 300,
        2_001..=20_000 => 200,
        _ => 60,
    };
    // Tuned by eye on the SCO graph and on a 5,000-node random graph: stronger repulsion
    // spreads hubs' leaves far apart, weaker packs them (overlaps are removed at the end).
    let repulsion = K * K / 40.0;
    let gravity = 0.05;
    let mut temperature = K * (m as f64).sqrt() * 0.3;
    let cooling = temperature / iterations as f64;
    let mut disp = vec![[0.0f64; 2]; m];
    let mut tree = QuadTree::default();
    let mut stack = Vec::new();
    for _ in 0..iterations {
        tree.build(&pos, &weight);
        for (i, d) in disp.iter_mut().enumerate() {
            let f = tree.repulsion(i, &pos, &mut stack);
            *d = [f[0] * repulsion * weight[i], f[1] * repulsion * weight[i]];
        }
        for &(a, b) in &edges {
            let (dx, dy) = (pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]);
            disp[a][0] -= dx;
            disp[a][1] -= dy;
            disp[b][0] += dx;
            disp[b][1] += dy;
        }
        // A weak pull to the centre keeps pendant trees from drifting far out.
        for ((p, d), w) in pos.iter().zip(disp.iter_mut()).zip(&weight) {
            d[0] -= p[0] * gravity * w;
            d[1] -= p[1] * gravity * w;
        }
        for (p, d) in pos.iter_mut().zip(&disp) {
            let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
            if len > 1e-9 {
                let step = len.min(temperature);
                p[0] += d[0] / len * step;
                p[1] += d[1] / len * step;
            }
        }
        temperature = (temperature - cooling).max(K * 0.02);
    }
    let radii: Vec<f64> = nodes.iter().map(|&v| radius(adj[v].len())).collect();
    remove_overlaps(&mut pos, &radii);
    pos
}

/// Pushes apart nodes closer than their radii plus a gap, a few sweeps over a grid in index
/// order (deterministic, and cheap: only neighbouring cells are compared).
fn remove_overlaps(pos: &mut [[f64; 2]], radii: &[f64]) {
    const GAP: f64 = 14.0;
    let cell = 2.0 * 30.0 + GAP;
    let key = |p: [f64; 2]| ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for _ in 0..40 {
        grid.values_mut().for_each(Vec::clear);
        for (i, p) in pos.iter().enumerate() {
            grid.entry(key(*p)).or_default().push(i);
        }
        let mut moved = false;
        for i in 0..pos.len() {
            let (cx, cy) = key(pos[i]);
            for gx in cx - 1..=cx + 1 {
                for gy in cy - 1..=cy + 1 {
                    let Some(members) = grid.get(&(gx, gy)) else {
                        continue;
                    };
                    for &j in members {
                        if j <= i {
                            continue;
                        }
                        let want = radii[i] + radii[j] + GAP;
                        let (mut dx, mut dy) = (pos[j][0] - pos[i][0], pos[j][1] - pos[i][1]);
                        let mut d = (dx * dx + dy * dy).sqrt();
                        if d >= want {
                            continue;
                        }
                        if d < 1e-6 {
                            (dx, dy) = ((1 + i % 7) as f64, (1 + j % 5) as f64);
                            d = (dx * dx + dy * dy).sqrt();
                        }
                        let push = (want - d) / 2.0 / d;
                        pos[i][0] -= dx * push;
                        pos[i][1] -= dy * push;
                        pos[j][0] += dx * push;
                        pos[j][1] += dy * push;
                        moved = true;
                    }
                }
            }
        }
        if !moved {
            break;
        }
    }
}

/// How far a quadtree cell may be seen as one mass: its size over its distance.
const THETA: f64 = 0.8;
/// Cells are not split below this depth (coincident points would recurse forever).
const MAX_DEPTH: u32 = 40;

/// A Barnes–Hut quadtree over the positions of one sweep, kept between sweeps so its arena
/// is reused.
#[derive(Default)]
struct QuadTree {
    cells: Vec<Cell>,
}

#[derive(Clone, Copy)]
struct Cell {
    /// Centre and half width of the square.
    centre: [f64; 2],
    half: f64,
    /// Number of bodies, their summed weight and weighted position sum.
    count: u32,
    mass: f64,
    sum: [f64; 2],
    /// `sum / mass`, once the tree is built.
    centre_of_mass: [f64; 2],
    /// The only body of a leaf, if it has exactly one.
    body: Option<usize>,
    /// Index of the first of four children in the arena (0: a leaf).
    children: usize,
    depth: u32,
}

impl Cell {
    fn new(centre: [f64; 2], half: f64, depth: u32) -> Self {
        Cell {
            centre,
            half,
            count: 0,
            mass: 0.0,
            sum: [0.0, 0.0],
            centre_of_mass: [0.0, 0.0],
            body: None,
            children: 0,
            depth,
        }
    }
}

impl QuadTree {
    fn build(&mut self, pos: &[[f64; 2]], weight: &[f64]) {
        let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in pos {
            for d in 0..2 {
                min[d] = min[d].min(p[d]);
                max[d] = max[d].max(p[d]);
            }
        }
        let half = ((max[0] - min[0]).max(max[1] - min[1]) / 2.0).max(1.0) * 1.001;
        let centre = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
        self.cells.clear();
        self.cells.push(Cell::new(centre, half, 0));
        for i in 0..pos.len() {
            self.insert(i, pos, weight);
        }
        // The same division every visit would make, made once per cell.
        for c in &mut self.cells {
            c.centre_of_mass = [c.sum[0] / c.mass, c.sum[1] / c.mass];
        }
    }

    fn quadrant(cell: &Cell, p: [f64; 2]) -> usize {
        usize::from(p[0] >= cell.centre[0]) + 2 * usize::from(p[1] >= cell.centre[1])
    }

    fn split(&mut self, at: usize) {
        let c = self.cells[at];
        let q = c.half / 2.0;
        self.cells[at].children = self.cells.len();
        for k in 0..4 {
            let dx = if k & 1 == 1 { q } else { -q };
            let dy = if k & 2 == 2 { q } else { -q };
            self.cells.push(Cell::new(
                [c.centre[0] + dx, c.centre[1] + dy],
                q,
                c.depth + 1,
            ));
        }
    }

    fn insert(&mut self, i: usize, pos: &[[f64; 2]], weight: &[f64]) {
        let (p, w) = (pos[i], weight[i]);
        let mut at = 0;
        loop {
            let cell = &mut self.cells[at];
            cell.count += 1;
            cell.mass += w;
            cell.sum[0] += p[0] * w;
            cell.sum[1] += p[1] * w;
            if cell.children != 0 {
                at = cell.children + Self::quadrant(cell, p);
                continue;
            }
            if cell.count == 1 {
                cell.body = Some(i);
                return;
            }
            if cell.depth >= MAX_DEPTH {
                // Many bodies at (nearly) one point: keep them as one mass.
                cell.body = None;
                return;
            }
            // A leaf with one body gets a second: split it and move the first one down.
            let Some(old) = cell.body.take() else {
                return;
            };
            self.split(at);
            let children = self.cells[at].children;
            let (q, wq) = (pos[old], weight[old]);
            let k = Self::quadrant(&self.cells[at], q);
            let child = &mut self.cells[children + k];
            child.count = 1;
            child.mass = wq;
            child.sum = [q[0] * wq, q[1] * wq];
            child.body = Some(old);
            at = children + Self::quadrant(&self.cells[at], p);
        }
    }

    /// The summed `mass·(dx, dy)/d²` on body `i` from all the others (a repulsion `mass/d`
    /// along each unit vector).
    fn repulsion(&self, i: usize, pos: &[[f64; 2]], stack: &mut Vec<usize>) -> [f64; 2] {
        let p = pos[i];
        let mut force = [0.0, 0.0];
        stack.clear();
        stack.push(0);
        while let Some(at) = stack.pop() {
            let c = &self.cells[at];
            if c.count == 0 || c.body == Some(i) {
                continue;
            }
            let com = c.centre_of_mass;
            let (mut dx, mut dy) = (p[0] - com[0], p[1] - com[1]);
            let mut d2 = dx * dx + dy * dy;
            let far = c.children == 0 || (2.0 * c.half) * (2.0 * c.half) < THETA * THETA * d2;
            if !far {
                stack.extend(c.children..c.children + 4);
                continue;
            }
            if d2 < 1e-4 {
                // Coincident with this mass: push apart along a direction fixed by the
                // indices, so the result stays deterministic.
                let j = c.body.unwrap_or(at);
                let s = if i < j { 1.0 } else { -1.0 };
                (dx, dy) = (s * (1 + i % 7) as f64 * 0.1, s * (1 + j % 5) as f64 * 0.1);
                d2 = dx * dx + dy * dy;
            }
            let f = c.mass / d2;
            force[0] += dx * f;
            force[1] += dy * f;
        }
        force
    }
}

/// Packs components (positions relative to their box's corner) into rows of about the
/// width of a square of the total area, largest first; moves `pos` accordingly.
fn pack(pos: &mut [[f64; 2]], boxes: &[(Vec<usize>, [f64; 2])]) {
    let gap = K;
    let area: f64 = boxes.iter().map(|(_, s)| (s[0] + gap) * (s[1] + gap)).sum();
    let widest = boxes.iter().map(|(_, s)| s[0] + gap).fold(0.0, f64::max);
    let row_width = area.sqrt().max(widest);
    let (mut x, mut y, mut row_height) = (0.0f64, 0.0f64, 0.0f64);
    for (members, size) in boxes {
        if x > 0.0 && x + size[0] > row_width {
            x = 0.0;
            y += row_height + gap;
            row_height = 0.0;
        }
        for &v in members {
            pos[v][0] += x;
            pos[v][1] += y;
        }
        x += size[0] + gap;
        row_height = row_height.max(size[1]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: [i32; 2], b: [i32; 2]) -> f64 {
        let (dx, dy) = (f64::from(a[0] - b[0]), f64::from(a[1] - b[1]));
        (dx * dx + dy * dy).sqrt()
    }

    #[test]
    fn the_same_graph_gets_the_same_positions() {
        let edges: Vec<(usize, usize)> = (0..200).map(|i| (i, (i * 7 + 3) % 200)).collect();
        assert_eq!(layout(200, &edges), layout(200, &edges));
    }

    #[test]
    fn no_two_nodes_share_a_position_and_neighbours_sit_closer_than_strangers() {
        // Two stars joined by a bridge, plus isolated nodes.
        let mut edges = Vec::new();
        for leaf in 1..15 {
            edges.push((0, leaf));
        }
        for leaf in 16..30 {
            edges.push((15, leaf));
        }
        edges.push((0, 15));
        let pos = layout(35, &edges);
        let mut seen = std::collections::HashSet::new();
        for p in &pos {
            assert!(seen.insert(*p), "two nodes at {p:?}");
        }
        let leaf_to_own_hub = dist(pos[1], pos[0]);
        let leaf_to_other_hub = dist(pos[1], pos[15]);
        assert!(
            leaf_to_own_hub < leaf_to_other_hub,
            "{leaf_to_own_hub} vs {leaf_to_other_hub}"
        );
        // Nothing is flung far away: the picture stays within a few edge lengths a node.
        let span = pos
            .iter()
            .map(|p| p[0].abs().max(p[1].abs()))
            .max()
            .unwrap();
        assert!(f64::from(span) < K * 35.0, "span {span}");
    }

    #[test]
    fn drawn_nodes_do_not_overlap_even_in_a_dense_random_graph() {
        let n = 400;
        let mut seed = 12_345u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        let edges: Vec<(usize, usize)> = (0..3 * n).map(|_| (next(), next())).collect();
        let pos = layout(n, &edges);
        let adj = adjacency(n, &edges);
        for i in 0..n {
            for j in i + 1..n {
                let need = radius(adj[i].len()) + radius(adj[j].len());
                let d = dist(pos[i], pos[j]);
                assert!(d >= need, "nodes {i} and {j} overlap: {d} < {need}");
            }
        }
    }

    #[test]
    fn empty_and_edgeless_graphs_lay_out() {
        assert!(layout(0, &[]).is_empty());
        let pos = layout(4, &[(1, 1)]);
        assert_eq!(pos.len(), 4);
        let distinct: std::collections::HashSet<_> = pos.iter().collect();
        assert_eq!(distinct.len(), 4);
    }
}
