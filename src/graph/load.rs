//! Loading `graph.json` fast, with exactly the result of the plain serde reading.
//!
//! Two things make a large file slow to load: parsing it on one core, and building the graph
//! one edge at a time through hash maps far larger than the cache. Here:
//!
//! * **Parsing is parallel.** Besides the main pass from the top of the file, each other
//!   thread starts at a guess: the first line after its share of the bytes that opens an
//!   object reading as an edge. It parses edges from there up to the next thread's start. The
//!   main pass adopts a thread's edges only when it reaches that exact byte itself as an
//!   element boundary of the `edges` array, so a wrong guess costs time, never correctness.
//! * **Building is a merge of arrays.** Endpoint ids are resolved in parallel against the id
//!   index; duplicate (subject, relation, object) triples are found by one sort of packed
//!   keys (none when the file lists edges in our sorted order); edges then go into petgraph
//!   in file order, as the one-at-a-time build would add them.
//! * **Memory is asked for ahead.** A large graph's index and node slots are far larger
//!   than the cache, so each id lookup and each `add_edge` would wait for memory in turn.
//!   Ids are resolved in batches whose index slots are prefetched first, and the node slots
//!   of the edges a few places ahead are prefetched while an edge is added.
//!
//! The fast parser refuses what it does not handle (a top level that is not an object, a
//! repeated key, any syntax error); the caller then parses with serde_json's derive, whose
//! errors carry line and column. Both readings feed the same [`build`].

use super::ids::{self, IdIndex};
use super::json::{EdgeRecord, GraphFile, Meta};
use super::{GraphError, KnowledgeGraph};
use crate::model::{Conflict, Entity, Relation, RelationKind};
use compact_str::CompactString;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::ScopedJoinHandle;

/// What a graph file holds, parsed and not yet checked.
pub(super) struct Parsed<'a> {
    meta: Meta,
    nodes: Vec<Entity>,
    /// The edges in file order, in the runs the threads parsed them in.
    edges: Vec<Vec<EdgeRecord<'a>>>,
    conflicts: Vec<Conflict>,
}

impl<'a> From<GraphFile<'a>> for Parsed<'a> {
    fn from(file: GraphFile<'a>) -> Self {
        Parsed {
            meta: file.meta,
            nodes: file.nodes.into_iter().map(Cow::into_owned).collect(),
            edges: vec![file.edges],
            conflicts: file.conflicts.into_owned(),
        }
    }
}

/// Below this size one thread parses everything: starting threads costs more than it saves.
const PARALLEL_FROM: usize = 1 << 20;

/// How many lines past its share's start a thread looks for an edge before it gives up.
const PROBE_LINES: usize = 64;

/// Parses a graph file on `threads` threads, or `None` when this parser does not take it
/// (the caller's serde reading then reports the error, or reads what this one refused).
pub(super) fn parse(b: &[u8], threads: usize) -> Option<Parsed<'_>> {
    parse_with(b, threads, PARALLEL_FROM)
}

/// [`parse`], with threads for files of at least `parallel_from` bytes.
fn parse_with(b: &[u8], threads: usize, parallel_from: usize) -> Option<Parsed<'_>> {
    let starts = if threads > 1 && b.len() >= parallel_from {
        guess_starts(b, threads)
    } else {
        Vec::new()
    };
    let cancel = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let pending = starts
            .iter()
            .enumerate()
            .map(|(i, &start)| {
                let limit = starts.get(i + 1).copied().unwrap_or(usize::MAX);
                let cancel = &cancel;
                let handle = scope.spawn(move || {
                    crate::model::sharing_names(|| {
                        let mut edges = Vec::new();
                        let stop = elements(b, start, limit, limit, &mut edges, cancel)?;
                        Some(Chunk { edges, stop })
                    })
                });
                (start, handle)
            })
            .collect();
        let mut chunks = Chunks { pending };
        let parsed = crate::model::sharing_names(|| document(b, &mut chunks, &cancel));
        // Threads whose work was not adopted stop at their next element.
        cancel.store(true, Ordering::Relaxed);
        parsed
    })
}

/// Edges one thread parsed from its start.
struct Chunk<'a> {
    edges: Vec<EdgeRecord<'a>>,
    stop: Stop,
}

/// Where a run of array elements ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At the start of an element at or past the limit.
    At(usize),
    /// Just past the array's closing bracket.
    End(usize),
}

/// The other threads' chunks, in file order, joined as the main pass reaches them.
struct Chunks<'scope, 'a> {
    pending: VecDeque<(usize, ScopedJoinHandle<'scope, Option<Chunk<'a>>>)>,
}

impl<'a> Chunks<'_, 'a> {
    /// The start of the first chunk at or after `pos` (chunks before it are abandoned).
    fn next_start(&mut self, pos: usize) -> usize {
        while self.pending.front().is_some_and(|&(start, _)| start < pos) {
            self.pending.pop_front();
        }
        self.pending.front().map_or(usize::MAX, |&(start, _)| start)
    }

    /// The chunk that starts at `start` (the front one), if its thread parsed it.
    fn take(&mut self, start: usize) -> Option<Chunk<'a>> {
        let (s, handle) = self.pending.pop_front()?;
        debug_assert_eq!(s, start);
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// The top-level object, with the same fields and defaults as [`GraphFile`]'s derive.
fn document<'a>(
    b: &'a [u8],
    chunks: &mut Chunks<'_, 'a>,
    cancel: &AtomicBool,
) -> Option<Parsed<'a>> {
    let mut pos = expect(b, ws(b, 0), b'{')?;
    let (mut meta, mut nodes, mut edges, mut conflicts) = (None, None, None, None);
    let (mut directed, mut multigraph) = (false, false);
    pos = ws(b, pos);
    if b.get(pos) == Some(&b'}') {
        return None; // `meta`, `nodes` and `edges` are required
    }
    loop {
        let (key, end) = value::<Cow<'_, str>>(b, pos)?;
        pos = ws(b, expect(b, ws(b, end), b':')?);
        pos = match &*key {
            "directed" | "multigraph" => {
                let seen = if key == "directed" {
                    &mut directed
                } else {
                    &mut multigraph
                };
                if std::mem::replace(seen, true) {
                    return None;
                }
                value::<bool>(b, pos)?.1
            }
            "meta" => set(&mut meta, value::<Meta>(b, pos)?)?,
            "nodes" => set(&mut nodes, node_array(b, pos, cancel)?)?,
            "edges" => set(&mut edges, edge_array(b, pos, chunks, cancel)?)?,
            "conflicts" => set(&mut conflicts, value::<Vec<Conflict>>(b, pos)?)?,
            _ => value::<IgnoredAny>(b, pos)?.1,
        };
        pos = ws(b, pos);
        match b.get(pos)? {
            b',' => pos = ws(b, pos + 1),
            b'}' => break,
            _ => return None,
        }
    }
    if ws(b, pos + 1) != b.len() {
        return None;
    }
    Some(Parsed {
        meta: meta?,
        nodes: nodes?,
        edges: edges?,
        conflicts: conflicts.unwrap_or_default(),
    })
}

/// Stores a field's value once (a repeated key is the derive's error, so not ours to take).
fn set<T>(slot: &mut Option<T>, (value, end): (T, usize)) -> Option<usize> {
    if slot.replace(value).is_some() {
        return None;
    }
    Some(end)
}

fn node_array(b: &[u8], pos: usize, cancel: &AtomicBool) -> Option<(Vec<Entity>, usize)> {
    let pos = ws(b, expect(b, pos, b'[')?);
    let mut nodes = Vec::new();
    if b.get(pos) == Some(&b']') {
        return Some((nodes, pos + 1));
    }
    match elements(b, pos, usize::MAX, pos, &mut nodes, cancel)? {
        Stop::End(end) => Some((nodes, end)),
        Stop::At(_) => None,
    }
}

/// The `edges` array: parsed here up to the next thread's start, then that thread's edges
/// if it started on an element boundary this pass reached, and so on.
#[allow(clippy::type_complexity)]
fn edge_array<'a>(
    b: &'a [u8],
    pos: usize,
    chunks: &mut Chunks<'_, 'a>,
    cancel: &AtomicBool,
) -> Option<(Vec<Vec<EdgeRecord<'a>>>, usize)> {
    let mut pos = ws(b, expect(b, pos, b'[')?);
    let mut runs = Vec::new();
    if b.get(pos) == Some(&b']') {
        return Some((runs, pos + 1));
    }
    loop {
        let limit = chunks.next_start(pos);
        let mut edges = Vec::new();
        let stop = elements(b, pos, limit, limit, &mut edges, cancel)?;
        runs.push(edges);
        match stop {
            Stop::End(end) => return Some((runs, end)),
            Stop::At(at) => {
                pos = at;
                if at != limit {
                    continue;
                }
                if let Some(chunk) = chunks.take(limit) {
                    runs.push(chunk.edges);
                    match chunk.stop {
                        Stop::End(end) => return Some((runs, end)),
                        Stop::At(at) => pos = at,
                    }
                }
            }
        }
    }
}

/// Parses array elements from `pos` (the start of one) until the closing bracket, or until
/// an element starts at or past `limit`.
///
/// When the run is expected to reach `expected_end`, room for it is reserved once a few
/// elements tell their average size: growing a vector of millions of edges by doubling
/// copies it and touches twice the memory.
fn elements<'a, T: Deserialize<'a>>(
    b: &'a [u8],
    mut pos: usize,
    limit: usize,
    expected_end: usize,
    out: &mut Vec<T>,
    cancel: &AtomicBool,
) -> Option<Stop> {
    const SAMPLE: usize = 16;
    let first = pos;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        let (item, end) = value::<T>(b, pos)?;
        out.push(item);
        if out.len() == SAMPLE {
            let average = (end - first) / SAMPLE + 1;
            let left = expected_end.min(b.len()).saturating_sub(end) / average;
            out.reserve(left + left / 4);
        }
        pos = ws(b, end);
        match b.get(pos)? {
            b',' => {
                pos = ws(b, pos + 1);
                if pos >= limit {
                    return Some(Stop::At(pos));
                }
            }
            b']' => return Some(Stop::End(pos + 1)),
            _ => return None,
        }
    }
}

/// One JSON value at `pos`, and the offset just past it.
fn value<'a, T: Deserialize<'a>>(b: &'a [u8], pos: usize) -> Option<(T, usize)> {
    let mut stream = serde_json::Deserializer::from_slice(b.get(pos..)?).into_iter::<T>();
    let item = stream.next()?.ok()?;
    Some((item, pos + stream.byte_offset()))
}

/// Where the threads after the first start: for each further share of the bytes, the first
/// line after the share's start that opens an object reading as an edge followed by `,` or
/// `]`. Raw newlines never occur inside JSON strings, so such a line starts a value.
fn guess_starts(b: &[u8], threads: usize) -> Vec<usize> {
    let mut starts: Vec<usize> = Vec::new();
    for share in 1..threads {
        let mut p = b.len() / threads * share;
        for _ in 0..PROBE_LINES {
            let Some(nl) = b[p..].iter().position(|&c| c == b'\n') else {
                break;
            };
            p += nl + 1;
            let q = ws(b, p);
            if b.get(q) != Some(&b'{') {
                continue;
            }
            let Some((_, end)) = value::<EdgeRecord<'_>>(b, q) else {
                continue;
            };
            if matches!(b.get(ws(b, end)), Some(b',' | b']')) {
                if starts.last().is_none_or(|&last| q > last) {
                    starts.push(q);
                }
                break;
            }
        }
    }
    starts
}

fn ws(b: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\t' | b'\r') = b.get(pos) {
        pos += 1;
    }
    pos
}

fn expect(b: &[u8], pos: usize, byte: u8) -> Option<usize> {
    (b.get(pos) == Some(&byte)).then_some(pos + 1)
}

/// Builds the graph of a parsed file: entities in file order, then edges in file order,
/// duplicates (and both orientations of a symmetric relation) merged into their first
/// occurrence, evidence sorted and unique. `name` prefixes errors.
pub(super) fn build(parsed: Parsed<'_>, name: &str) -> Result<KnowledgeGraph, GraphError> {
    let Parsed {
        meta,
        nodes,
        mut edges,
        conflicts,
    } = parsed;
    let mut g = KnowledgeGraph {
        graph: StableDiGraph::with_capacity(nodes.len(), edges.iter().map(Vec::len).sum()),
        ..KnowledgeGraph::default()
    };
    for doc in &meta.documents {
        g.add_document(doc);
    }
    // The id index and the node list are built side by side: both are one pass in file
    // order (a fresh graph numbers nodes 0, 1, 2, ...), neither needs the other.
    let ids: Vec<CompactString> = nodes
        .par_iter()
        .map(|n| CompactString::new(&n.id))
        .collect();
    let (index, ()) = rayon::join(
        || {
            let mut index = IdIndex::with_capacity(ids.len());
            for (i, id) in ids.into_iter().enumerate() {
                if index.get_or_insert_with(id, || NodeIndex::new(i)).1 {
                    return Err(NodeIndex::new(i));
                }
            }
            Ok(index)
        },
        || {
            for node in nodes {
                g.graph.add_node(node);
            }
        },
    );
    // A repeated id is named by its entity: node `i` of the graph is the file's `i`th entity.
    g.index = index.map_err(|repeat| GraphError::DuplicateEntity {
        context: name.to_string(),
        id: g.graph[repeat].id.clone(),
    })?;
    // One key per edge in file order: (subject, relation, object, position), symmetric
    // relations from the smaller id, `UNKNOWN` for an id that is not an entity.
    // Ids are resolved in batches: hash a batch, ask for its slots of the index, then look
    // them up, so that the batch's cache misses overlap instead of following one another.
    const BATCH: usize = 64;
    let mut keys = vec![0u128; edges.iter().map(Vec::len).sum()];
    let mut base = 0;
    for run in &edges {
        let index = &g.index;
        keys[base..base + run.len()]
            .par_chunks_mut(BATCH)
            .zip(run.par_chunks(BATCH))
            .enumerate()
            .for_each(|(c, (keys, run))| {
                let mut hashes = [(0, 0); BATCH];
                for (h, e) in hashes.iter_mut().zip(run) {
                    *h = (ids::hash(&e.source), ids::hash(&e.target));
                    index.prefetch(h.0);
                    index.prefetch(h.1);
                }
                for (j, ((key, e), &(hs, ho))) in keys.iter_mut().zip(run).zip(&hashes).enumerate()
                {
                    let find = |id: &str, h| {
                        index
                            .get_hashed(id, h)
                            .map_or(UNKNOWN, |ix| ix.index() as u32)
                    };
                    let (s, o) = (find(&e.source, hs), find(&e.target, ho));
                    let (s, o) = if e.relation.is_symmetric() && e.source > e.target {
                        (o, s)
                    } else {
                        (s, o)
                    };
                    *key = Key::pack(s, e.relation, o, base + c * BATCH + j);
                }
            });
        base += run.len();
    }
    if let Some(i) = keys.iter().position(|&k| Key(k).has_unknown()) {
        let e = edges.iter().flatten().nth(i).expect("edge i exists");
        let missing = if g.node(&e.source).is_none() {
            &e.source
        } else {
            &e.target
        };
        return Err(GraphError::UnknownEntity {
            context: format!(
                "{name}: edge {i} ({} {} {})",
                e.source, e.relation, e.target
            ),
            id: missing.to_string(),
        });
    }

    for run in &mut edges {
        run.par_iter_mut().for_each(|e| {
            if !e.evidence.is_sorted_by(|a, b| a < b) {
                let evidence = e.evidence.to_mut();
                evidence.sort();
                evidence.dedup();
            }
        });
    }
    let repeated = merge_duplicates(&keys, &mut edges);

    // Adding an edge updates both endpoints' adjacency heads, two cache misses on a large
    // graph; prefetching the endpoints a few edges ahead has them in cache when their turn
    // comes.
    const AHEAD: usize = 16;
    let slots = NodeSlots::of(&g.graph);
    for (i, e) in edges.into_iter().flatten().enumerate() {
        if let Some(&k) = keys.get(i + AHEAD) {
            let (s, o) = Key(k).ends();
            slots.prefetch(s);
            slots.prefetch(o);
        }
        if repeated.as_ref().is_some_and(|r| r[i]) {
            continue;
        }
        let (s, o) = Key(keys[i]).ends();
        let evidence = e.evidence.into_owned();
        g.graph.add_edge(
            s,
            o,
            Relation {
                kind: e.relation,
                evidence,
            },
        );
    }
    g.set_conflicts(conflicts);
    Ok(g)
}

/// Where petgraph keeps node `i`: its node slots (weight and adjacency heads) lie in one
/// vector, so slot `i` is at `first + i * stride`. Indexing the graph instead would load
/// the slot (to check it is occupied) and wait for it, which is the miss we want to hide.
struct NodeSlots {
    first: *const u8,
    stride: usize,
}

impl NodeSlots {
    fn of(graph: &StableDiGraph<Entity, Relation>) -> Self {
        let at = |i: usize| -> *const u8 {
            graph
                .node_weight(NodeIndex::new(i))
                .map_or(std::ptr::null(), |w| (w as *const Entity).cast())
        };
        let first = at(0);
        let stride = (at(1) as usize).wrapping_sub(first as usize);
        NodeSlots { first, stride }
    }

    /// Asks the CPU to bring slot `node` into cache: the entity, and the adjacency heads a
    /// word before or after it (petgraph's field order is its own). A hint only: a wrong
    /// address costs nothing but the hint.
    #[inline(always)]
    fn prefetch(&self, node: NodeIndex) {
        let p = self
            .first
            .wrapping_add(node.index().wrapping_mul(self.stride));
        // The slot spans at most three cache lines from a word before the entity to a word
        // after it: its first byte, 64 bytes on and its last byte touch each of them.
        let size = std::mem::size_of::<Entity>();
        for at in [
            p.wrapping_sub(8),
            p.wrapping_add(56),
            p.wrapping_add(size + 7),
        ] {
            ids::prefetch(at);
        }
    }
}

/// Marks an endpoint id that is not an entity.
const UNKNOWN: u32 = u32::MAX;

/// (subject, relation, object, file position) in one integer: 32 + 8 + 32 + 32 bits, so
/// sorting keys groups equal triples in file order.
#[derive(Clone, Copy)]
struct Key(u128);

impl Key {
    fn pack(s: u32, relation: RelationKind, o: u32, position: usize) -> u128 {
        (u128::from(s) << 72)
            | ((relation as u128) << 64)
            | (u128::from(o) << 32)
            | position as u128
    }

    fn ends(self) -> (NodeIndex, NodeIndex) {
        let node = |bits: u128| NodeIndex::new(bits as u32 as usize);
        (node(self.0 >> 72), node(self.0 >> 32))
    }

    fn triple(self) -> u128 {
        self.0 >> 32
    }

    fn position(self) -> usize {
        self.0 as u32 as usize
    }

    fn has_unknown(self) -> bool {
        (self.0 >> 72) as u32 == UNKNOWN || (self.0 >> 32) as u32 == UNKNOWN
    }
}

/// Moves the evidence of every repeated (subject, relation, object) into its first
/// occurrence; returns which edges were repeats, if any were.
fn merge_duplicates(keys: &[u128], runs: &mut [Vec<EdgeRecord<'_>>]) -> Option<Vec<bool>> {
    // Our own files list edges sorted, so their triples only grow: nothing to merge.
    if keys
        .par_windows(2)
        .all(|w| Key(w[0]).triple() < Key(w[1]).triple())
    {
        return None;
    }
    let mut sorted = keys.to_vec();
    sorted.par_sort_unstable();
    let mut starts = Vec::with_capacity(runs.len());
    let mut n = 0;
    for run in runs.iter() {
        starts.push(n);
        n += run.len();
    }
    let mut repeated = vec![false; keys.len()];
    for group in sorted
        .chunk_by(|a, b| Key(*a).triple() == Key(*b).triple())
        .filter(|g| g.len() > 1)
    {
        let mut evidence = Vec::new();
        for &k in group {
            let e = record(runs, &starts, Key(k).position());
            evidence.extend(std::mem::take(&mut e.evidence).into_owned());
        }
        evidence.sort();
        evidence.dedup();
        record(runs, &starts, Key(group[0]).position()).evidence = Cow::Owned(evidence);
        for &k in &group[1..] {
            repeated[Key(k).position()] = true;
        }
    }
    Some(repeated)
}

/// The `i`th edge of the file, in runs that start at `starts`.
fn record<'r, 'a>(
    runs: &'r mut [Vec<EdgeRecord<'a>>],
    starts: &[usize],
    i: usize,
) -> &'r mut EdgeRecord<'a> {
    let r = starts.partition_point(|&start| start <= i) - 1;
    &mut runs[r][i - starts[r]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, Evidence, RelationKind, Tier};
    use proptest::prelude::*;

    /// How a test file is laid out: the layout decides where the other threads start.
    #[derive(Debug, Clone, Copy)]
    enum Layout {
        /// serde_json's pretty printer (what `kg build` writes).
        Pretty,
        /// One node or edge per line (what gen_graph.py writes).
        Lines,
        /// One line: nothing for a thread to start at.
        Minified,
    }

    fn entity(i: usize) -> Entity {
        Entity {
            id: format!("p{i:03}"),
            label: format!("Person \"{i}\""),
            kind: EntityKind::Person,
            aliases: vec![format!("P-{i}")],
            wikidata: None,
        }
    }

    /// A small pool, so that edges share evidence and repeat.
    fn evidence(k: usize) -> Evidence {
        Evidence {
            document: format!("d{}.txt", k % 3).into(),
            sentence: format!("Sentence {k} says \"so\"\\n, and 東京."),
            start: k * 10,
            end: k * 10 + 5,
            rule: format!("r{}", k % 2).into(),
            tier: Tier::Explicit,
            confidence: Default::default(),
            when: None,
        }
    }

    type Edge = (usize, RelationKind, usize, Vec<usize>);

    /// The file of `nodes` entities and `edges` in this order, laid out as asked, with
    /// `extra` as an unknown field of every edge.
    fn file(nodes: usize, edges: &[Edge], layout: Layout, extra: Option<&str>) -> String {
        let nodes: Vec<String> = (0..nodes)
            .map(|i| serde_json::to_string(&entity(i)).unwrap())
            .collect();
        let edges: Vec<String> = edges
            .iter()
            .map(|(s, r, o, ev)| {
                let record = EdgeRecord {
                    source: Cow::Owned(entity(*s).id),
                    target: Cow::Owned(entity(*o).id),
                    key: Some(*r),
                    relation: *r,
                    confidence: Default::default(),
                    evidence: Cow::Owned(ev.iter().map(|&k| evidence(k)).collect()),
                    evidence_count: None,
                };
                let mut json = match layout {
                    Layout::Pretty => serde_json::to_string_pretty(&record).unwrap(),
                    _ => serde_json::to_string(&record).unwrap(),
                };
                if let Some(extra) = extra {
                    json.pop();
                    json.push_str(&format!(", \"extra\": {extra}}}"));
                }
                json
            })
            .collect();
        let (sep, open) = match layout {
            Layout::Minified => (",", ""),
            _ => (",\n", "\n"),
        };
        format!(
            "{{\"directed\": true, \"multigraph\": true, \"meta\": {{\"generator\": \"t\", \"documents\": [\"d0.txt\"]}},{open}\"nodes\": [{open}{}{open}],{open}\"edges\": [{open}{}{open}],{open}\"conflicts\": []}}\n",
            nodes.join(sep),
            edges.join(sep)
        )
    }

    /// The graph the one-claim-at-a-time builder makes of the same edges.
    fn incremental(nodes: usize, edges: &[Edge]) -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.add_document("d0.txt");
        for i in 0..nodes {
            g.add_entity(entity(i));
        }
        for (s, r, o, ev) in edges {
            let ev: Vec<Evidence> = ev.iter().map(|&k| evidence(k)).collect();
            g.add_relation(&entity(*s).id, *r, &entity(*o).id, &ev)
                .unwrap();
        }
        g
    }

    /// Edges as (source, relation, target) in petgraph's index order.
    fn edge_order(g: &KnowledgeGraph) -> Vec<(String, RelationKind, String)> {
        g.graph
            .edge_references()
            .map(|e| {
                (
                    g.graph[e.source()].id.clone(),
                    e.weight().kind,
                    g.graph[e.target()].id.clone(),
                )
            })
            .collect()
    }

    fn assert_loads_like_incremental(text: &str, nodes: usize, edges: &[Edge], threads: usize) {
        let want = incremental(nodes, edges);
        let parsed = parse_with(text.as_bytes(), threads, 0).expect("the fast parser takes it");
        let got = build(parsed, "t.json").unwrap();
        assert_eq!(got.to_json_string(), want.to_json_string());
        assert_eq!(edge_order(&got), edge_order(&want));
        // And the derive's reading of the same text builds the same graph.
        let file: GraphFile<'_> = serde_json::from_str(text).unwrap();
        let slow = build(file.into(), "t.json").unwrap();
        assert_eq!(slow.to_json_string(), want.to_json_string());
    }

    use petgraph::visit::{EdgeRef, IntoEdgeReferences};

    fn many_edges(n: usize) -> Vec<Edge> {
        (0..n)
            .map(|i| {
                let s = (i * 7) % 50;
                let o = (i * 13 + 1) % 50;
                let o = if o == s { (o + 1) % 50 } else { o };
                let r = [RelationKind::MetWith, RelationKind::MemberOf][i % 2];
                (s, r, o, vec![i % 5, (i * 3) % 7])
            })
            .collect()
    }

    #[test]
    fn every_layout_and_thread_count_loads_the_same_graph() {
        let edges = many_edges(600);
        for layout in [Layout::Pretty, Layout::Lines, Layout::Minified] {
            let text = file(50, &edges, layout, None);
            for threads in [1, 2, 3, 8] {
                assert_loads_like_incremental(&text, 50, &edges, threads);
            }
        }
    }

    #[test]
    fn threads_start_on_edges() {
        let edges = many_edges(600);
        let text = file(50, &edges, Layout::Pretty, None);
        let starts = guess_starts(text.as_bytes(), 4);
        assert_eq!(starts.len(), 3, "{starts:?}");
        for &q in &starts {
            assert!(
                text[q..].starts_with("{\n  \"source\""),
                "{}",
                &text[q..q + 40]
            );
        }
    }

    #[test]
    fn a_thread_that_starts_inside_an_edge_is_not_adopted() {
        // Every edge carries an unknown field holding an edge-like object on its own line:
        // threads start on those, parse them as edges and stop at their array's end.
        let decoy = "[\n{\"source\": \"p001\", \"target\": \"p002\", \"relation\": \"leads\"}\n]";
        let edges = many_edges(400);
        let text = file(50, &edges, Layout::Lines, Some(decoy));
        let starts = guess_starts(text.as_bytes(), 8);
        assert!(
            starts
                .iter()
                .any(|&q| text[q..].starts_with("{\"source\": \"p001\", \"target\": \"p002\"")),
            "no thread started on a decoy"
        );
        for threads in [2, 8] {
            assert_loads_like_incremental(&text, 50, &edges, threads);
        }
    }

    #[test]
    fn refuses_what_the_derive_must_judge() {
        let text = file(
            3,
            &[(0, RelationKind::Leads, 1, vec![0])],
            Layout::Lines,
            None,
        );
        assert!(parse_with(text.as_bytes(), 1, 0).is_some());
        let cases = [
            text.replace("\"conflicts\": []}", "\"conflicts\": [], \"nodes\": []}"),
            text.replace(
                "\"directed\": true,",
                "\"directed\": true, \"directed\": true,",
            ),
            text.replace(
                "\"meta\": {\"generator\": \"t\", \"documents\": [\"d0.txt\"]},",
                "",
            ),
            format!("{text} x"),
            text.replace("\"target\":\"p001\"", "\"target\":\"p001\",,"),
            text.replace("}\n],\n\"conflicts\"", "},\n],\n\"conflicts\""),
            format!("[{text}]"),
        ];
        for case in cases {
            assert!(parse_with(case.as_bytes(), 2, 0).is_none(), "{case}");
        }
    }

    #[test]
    fn unknown_fields_and_escaped_keys_read_as_the_derive_reads_them() {
        let text = file(
            3,
            &[(0, RelationKind::Leads, 1, vec![0])],
            Layout::Lines,
            None,
        )
        .replace("\"nodes\"", "\"x\": {\"nodes\": []}, \"n\\u006fdes\"");
        assert_loads_like_incremental(&text, 3, &[(0, RelationKind::Leads, 1, vec![0])], 2);
    }

    #[test]
    fn errors_name_the_first_bad_edge() {
        let edges = many_edges(300);
        let text = file(50, &edges, Layout::Lines, None).replace(
            &format!("\"source\":\"{}\"", entity(edges[200].0).id),
            "\"source\":\"ghost\"",
        );
        let parsed = parse_with(text.as_bytes(), 4, 0).unwrap();
        let err = build(parsed, "t.json").unwrap_err().to_string();
        let first = edges.iter().position(|e| e.0 == edges[200].0).unwrap();
        assert!(
            err.starts_with(&format!("t.json: edge {first} (ghost ")),
            "{err}"
        );
        assert!(err.ends_with("unknown entity id 'ghost'"), "{err}");
    }

    #[test]
    fn a_repeated_entity_id_is_refused() {
        let text = file(
            3,
            &[(0, RelationKind::Leads, 1, vec![0])],
            Layout::Lines,
            None,
        )
        .replace("\"id\":\"p002\"", "\"id\":\"p001\"");
        for threads in [1, 2] {
            let parsed = parse_with(text.as_bytes(), threads, 0).unwrap();
            let err = build(parsed, "t.json").unwrap_err().to_string();
            assert_eq!(err, "t.json: duplicate entity id 'p001'");
        }
    }

    #[test]
    fn invalid_utf8_is_a_positioned_error() {
        let mut bytes = file(3, &[], Layout::Lines, None).into_bytes();
        let at = bytes.windows(4).position(|w| w == b"p001").unwrap();
        bytes[at] = 0xff;
        let err = KnowledgeGraph::from_json_bytes(&bytes, "g.json")
            .unwrap_err()
            .to_string();
        // Line 4 holds the second node, `{"id":"p001",...`.
        assert_eq!(err, "g.json:4:8: invalid UTF-8");
    }

    fn edge() -> impl Strategy<Value = Edge> {
        (
            0usize..12,
            prop::sample::select(vec![
                RelationKind::MetWith,
                RelationKind::MemberOf,
                RelationKind::Leads,
            ]),
            0usize..12,
            prop::collection::vec(0usize..6, 0..4),
        )
            .prop_filter("no loops", |(s, _, o, _)| s != o)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Repeats, both orientations of `met-with`, shared and unsorted evidence, any
        /// layout and thread count: the loaded graph is the incrementally built one.
        #[test]
        fn loading_is_the_incremental_build(
            edges in prop::collection::vec(edge(), 0..120),
            layout in prop::sample::select(vec![Layout::Pretty, Layout::Lines, Layout::Minified]),
            threads in 1usize..6,
        ) {
            let text = file(12, &edges, layout, None);
            assert_loads_like_incremental(&text, 12, &edges, threads);
        }
    }
}
