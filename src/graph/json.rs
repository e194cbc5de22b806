//! `graph.json`, the contract other tools and our tests rely on.
//!
//! ```text
//! {"directed": true, "multigraph": true,
//!  "meta": {"generator": "kg <version>", "documents": ["sco-summit.txt"]},
//!  "nodes": [{"id", "label", "type", "aliases", "wikidata"?}],
//!  "edges": [{"source", "target", "key", "relation", "confidence",
//!             "evidence": [{"document", "sentence", "start", "end", "rule", "tier",
//!                           "confidence", "when"?: {"start"?, "end"?, "point"?}}]}],
//!  "conflicts": [{"subject", "object", "relations": [a, b], "reason"}]}
//! ```
//!
//! Nodes are sorted by id, edges by (source, relation, target), evidence by document and
//! offset, so the same graph always serialises to the same bytes. NetworkX reads the file
//! with `node_link_graph(data, edges="edges")`. The JSON Schema is `schema/graph.schema.json`.

use super::{GraphError, KnowledgeGraph};
use crate::error::{Position, SyntaxError};
use crate::model::{Confidence, Conflict, Entity, Evidence, RelationKind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The `meta` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// `kg <version>`.
    pub generator: String,
    /// Names of the source documents.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// One edge as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeRecord<'a> {
    /// Subject node id (borrowed from the text when it has no escapes).
    #[serde(borrow)]
    pub source: Cow<'a, str>,
    /// Object node id.
    #[serde(borrow)]
    pub target: Cow<'a, str>,
    /// The edge key NetworkX uses in a multigraph: the relation name.
    #[serde(default, skip_deserializing)]
    pub key: Option<RelationKind>,
    /// Relation name.
    pub relation: RelationKind,
    /// Confidence in the edge from all its evidence (recomputed when a file is loaded).
    #[serde(default)]
    pub confidence: Confidence,
    /// Supporting sentences (the first N when the file caps evidence per edge).
    #[serde(default, deserialize_with = "exact_evidence")]
    pub evidence: Cow<'a, [Evidence]>,
    /// How many sentences support the edge in all, written only when `evidence` lists
    /// fewer (`kg build --max-evidence N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_count: Option<usize>,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphFile<'a> {
    /// Always true: relations have a subject and an object.
    #[serde(default = "yes")]
    pub directed: bool,
    /// Always true: two entities may be linked by several relations (one edge per
    /// (subject, relation, object), evidence merged); each edge's `key` is its relation.
    #[serde(default)]
    pub multigraph: bool,
    /// Generator and sources.
    pub meta: Meta,
    /// Entities.
    pub nodes: Vec<Cow<'a, Entity>>,
    /// Relations.
    #[serde(borrow)]
    pub edges: Vec<EdgeRecord<'a>>,
    /// Reported contradictions.
    #[serde(default)]
    pub conflicts: Cow<'a, [Conflict]>,
}

fn exact_evidence<'de, 'a, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Cow<'a, [Evidence]>, D::Error> {
    crate::model::exact_vec(d).map(Cow::Owned)
}

fn yes() -> bool {
    true
}

/// The generator string written into `meta.generator`.
pub fn generator() -> String {
    format!("kg {}", env!("CARGO_PKG_VERSION"))
}

impl KnowledgeGraph {
    /// The serialisable view of this graph, borrowing from it.
    pub fn to_file(&self) -> GraphFile<'_> {
        self.to_file_capped(None)
    }

    /// [`to_file`](Self::to_file) listing at most `max_evidence` sentences per edge; a capped
    /// edge keeps its confidence from all its evidence and says how many there are in all.
    pub fn to_file_capped(&self, max_evidence: Option<usize>) -> GraphFile<'_> {
        GraphFile {
            directed: true,
            multigraph: true,
            meta: Meta {
                generator: generator(),
                documents: self.documents().to_vec(),
            },
            nodes: self.entities().map(Cow::Borrowed).collect(),
            edges: self
                .sorted_edges()
                .into_iter()
                .map(|e| edge_record(e, max_evidence))
                .collect(),
            conflicts: Cow::Borrowed(self.conflicts()),
        }
    }

    /// Serialises to pretty JSON with a trailing newline.
    pub fn to_json_string(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.to_file()).expect("graph serialises");
        s.push('\n');
        s
    }

    /// Writes pretty JSON with a trailing newline, at most `max_evidence` sentences per edge,
    /// without building the text in memory first.
    pub fn write_json(
        &self,
        out: &mut dyn std::io::Write,
        max_evidence: Option<usize>,
    ) -> std::io::Result<()> {
        use std::io::Write;
        // serde_json writes token by token; a buffer of a concrete type makes each of those
        // writes an inlined copy instead of a call through `dyn Write`.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        let meta = Meta {
            generator: generator(),
            documents: self.documents().to_vec(),
        };
        let nodes: Vec<&Entity> = self.entities().collect();
        let edges = self.sorted_edges();
        // What serde_json's pretty printer writes for `to_file_capped(max_evidence)`, with
        // the nodes and edges printed in parallel chunks (each at its depth, in order).
        out.write_all(b"{\n  \"directed\": true,\n  \"multigraph\": true,\n  \"meta\": ")?;
        out.write_all(&pretty_at(&meta, 1))?;
        out.write_all(b",\n  \"nodes\": ")?;
        write_array(&mut out, &nodes, |n| *n, |n| 1 + n.aliases.len())?;
        out.write_all(b",\n  \"edges\": ")?;
        write_array(
            &mut out,
            &edges,
            |e| edge_record(*e, max_evidence),
            |e| {
                1 + max_evidence.map_or(e.relation.evidence.len(), |n| {
                    n.min(e.relation.evidence.len())
                })
            },
        )?;
        out.write_all(b",\n  \"conflicts\": ")?;
        out.write_all(&pretty_at(self.conflicts(), 1))?;
        out.write_all(b"\n}\n")?;
        out.flush()
    }

    /// Builds a graph from a parsed file, checking that every edge names known nodes.
    pub fn from_file(file: GraphFile<'_>, name: &str) -> Result<Self, GraphError> {
        super::load::build(file.into(), name)
    }

    /// Parses `graph.json` text; syntax and contract errors carry `name:line:column`.
    pub fn from_json_str(text: &str, name: &str) -> Result<Self, GraphError> {
        Self::from_json_bytes(text.as_bytes(), name)
    }

    /// Parses `graph.json` bytes (on all of rayon's threads when the file is large); syntax
    /// and contract errors carry `name:line:column`, invalid UTF-8 included.
    pub fn from_json_bytes(bytes: &[u8], name: &str) -> Result<Self, GraphError> {
        if let Some(parsed) = super::load::parse(bytes, rayon::current_num_threads()) {
            return super::load::build(parsed, name);
        }
        // The fast reader refused: read with the derive, for its error's position (or for
        // the few valid shapes the fast reader does not take).
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid prefix");
            SyntaxError::new(Position::in_file(name, valid, valid.len()), "invalid UTF-8")
        })?;
        let file: GraphFile<'_> = serde_json::from_str(text)
            .map_err(|e| SyntaxError::json(Some(name.into()), text, &e))?;
        Self::from_file(file, name)
    }

    /// Reads and parses a `graph.json` file.
    ///
    /// The file is copied into memory, never mapped: a mapped file that another process
    /// truncates while we parse it kills this one with SIGBUS, which no safe function may
    /// allow. A large file is read on all of rayon's threads, each into its own share of one
    /// buffer. A file whose size changes while it is read is refused (an in-place rewrite
    /// would otherwise give a mix of old and new bytes). [`KnowledgeGraph::load_mapped`] maps
    /// instead, for callers who can promise the file stays as it is.
    pub fn load(path: &std::path::Path) -> Result<Self, GraphError> {
        let name = path.display().to_string();
        let io = |source| GraphError::Io {
            path: name.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let bytes = read_whole(&file, size).map_err(io)?;
        Self::from_json_bytes(&bytes, &name)
    }

    /// [`KnowledgeGraph::load`] over a memory map instead of a copy: no second copy of the
    /// file in memory, and its pages are faulted in by the parsing threads.
    ///
    /// # Safety
    /// The file must not be truncated or written while this function runs: a page past a
    /// shortened end raises SIGBUS, which ends the process. `kg build` replaces its outputs
    /// by renaming, never in place, so a graph it wrote is safe unless another program
    /// rewrites it.
    pub unsafe fn load_mapped(path: &std::path::Path) -> Result<Self, GraphError> {
        let name = path.display().to_string();
        let io = |source| GraphError::Io {
            path: name.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        // SAFETY: the caller promises the file is not truncated or written while we read it;
        // the map is read only and dropped before we return.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        Self::from_json_bytes(&map, &name)
    }
}

/// The record `graph.json` writes for an edge, listing at most `max_evidence` sentences.
fn edge_record(e: super::EdgeView<'_>, max_evidence: Option<usize>) -> EdgeRecord<'_> {
    let all = &e.relation.evidence;
    let shown = max_evidence.map_or(all.len(), |n| n.min(all.len()));
    EdgeRecord {
        source: Cow::Borrowed(e.source.id.as_str()),
        target: Cow::Borrowed(e.target.id.as_str()),
        key: Some(e.relation.kind),
        relation: e.relation.kind,
        confidence: e.relation.confidence(),
        evidence: Cow::Borrowed(&all[..shown]),
        evidence_count: (shown < all.len()).then_some(all.len()),
    }
}

/// Writes `items` as the pretty JSON array serde_json writes one level into a document,
/// each item made by `record`, in parallel chunks and in order. `weight` says roughly how
/// much text an item makes (an edge's evidence sentences): chunks and batches are bounded
/// by weight, not by count, because one batch of 16,384 edges was three quarters of a
/// 341 MB `graph.json` held in memory at once, on top of the graph (the build's peak).
fn write_array<T: Sync, R: Serialize>(
    out: &mut impl std::io::Write,
    items: &[T],
    record: impl Fn(&T) -> R + Sync,
    weight: impl Fn(&T) -> usize,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    /// About 300 KB of text per chunk (an evidence item prints as about 300 bytes), and
    /// a few megabytes per batch: enough chunks to keep every core busy.
    const CHUNK_WEIGHT: usize = 1024;
    const BATCH_CHUNKS: usize = 32;
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let chunks = weighted_chunks(items.iter().map(weight), CHUNK_WEIGHT);
    for batch in chunks.chunks(BATCH_CHUNKS) {
        let texts: Vec<Vec<u8>> = batch
            .par_iter()
            .map(|range| {
                let mut text = Vec::with_capacity(range.len() * 512);
                for i in range.clone() {
                    text.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
                    pretty_into(&mut text, &record(&items[i]), 2);
                }
                text
            })
            .collect();
        for t in texts {
            out.write_all(&t)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// Splits items of the given weights into consecutive ranges, each closed as soon as its
/// weight reaches `limit` (so a range is at most `limit` plus one item's weight, and an
/// item heavier than `limit` is a range of its own). Every item is in exactly one range.
fn weighted_chunks(
    weights: impl Iterator<Item = usize>,
    limit: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut chunks = Vec::new();
    let (mut start, mut sum, mut end) = (0, 0, 0);
    for (i, w) in weights.enumerate() {
        end = i + 1;
        sum += w;
        if sum >= limit {
            chunks.push(start..end);
            (start, sum) = (end, 0);
        }
    }
    if start < end {
        chunks.push(start..end);
    }
    chunks
}

/// `value` as serde_json's pretty printer writes it `depth` levels into a document.
fn pretty_at<T: Serialize + ?Sized>(value: &T, depth: usize) -> Vec<u8> {
    let mut out = Vec::new();
    pretty_into(&mut out, value, depth);
    out
}

fn pretty_into<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T, depth: usize) {
    let formatter = Nested {
        depth,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(out, formatter);
    value
        .serialize(&mut ser)
        .expect("graph records serialise into memory");
}

/// serde_json's `PrettyFormatter` with a two-space indent, starting `depth` levels in. The
/// pretty printer only indents after a line break, by the depth, so this prints a value
/// exactly as it appears at that depth of a larger document.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.end_object_value(w)
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.begin_array_value(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Files at least this large are read on several threads.
const PARALLEL_READ_FROM: u64 = 1 << 24;

/// The first `size` bytes of `file`, which must be exactly `size` bytes long before and after
/// the read.
fn read_whole(file: &std::fs::File, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read, Seek};
    let changed = || Error::new(ErrorKind::InvalidData, "the file changed while it was read");
    let len = usize::try_from(size).map_err(|_| Error::other("the file is too large"))?;
    let mut bytes = Vec::new();
    if size < PARALLEL_READ_FROM {
        bytes.try_reserve_exact(len).map_err(Error::other)?;
        (&mut &*file).seek(std::io::SeekFrom::Start(0))?;
        (&mut &*file).take(size + 1).read_to_end(&mut bytes)?;
        if bytes.len() != len {
            return Err(changed());
        }
    } else {
        #[cfg(unix)]
        {
            use rayon::prelude::*;
            use std::os::unix::fs::FileExt;
            // Fresh zeroed pages from the allocator: the kernel zeroes each page where the
            // reading thread first touches it, so that work is shared out too.
            bytes = vec![0u8; len];
            const CHUNK: usize = 1 << 22;
            bytes
                .par_chunks_mut(CHUNK)
                .enumerate()
                .try_for_each(|(i, chunk)| {
                    file.read_exact_at(chunk, (i * CHUNK) as u64).map_err(|e| {
                        if e.kind() == ErrorKind::UnexpectedEof {
                            changed()
                        } else {
                            e
                        }
                    })
                })?;
        }
        #[cfg(not(unix))]
        {
            bytes.try_reserve_exact(len).map_err(Error::other)?;
            (&mut &*file).seek(std::io::SeekFrom::Start(0))?;
            (&mut &*file).take(size + 1).read_to_end(&mut bytes)?;
            if bytes.len() != len {
                return Err(changed());
            }
        }
    }
    if file.metadata()?.len() != size {
        return Err(changed());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, Tier};

    #[test]
    fn weighted_chunks_cover_every_item_once_and_close_at_the_limit() {
        let chunks = |w: &[usize], limit| weighted_chunks(w.iter().copied(), limit);
        assert!(chunks(&[], 4).is_empty());
        assert_eq!(chunks(&[1, 1, 1, 1, 1], 2), vec![0..2, 2..4, 4..5]);
        // A heavy item closes its chunk, and is one of its own after a full chunk.
        assert_eq!(chunks(&[1, 9, 1, 1, 9], 4), vec![0..2, 2..5]);
        assert_eq!(chunks(&[9, 9, 1], 4), vec![0..1, 1..2, 2..3]);
        assert_eq!(chunks(&[0, 0, 0], 4), vec![0..3]);
    }

    fn sample() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.add_document("a.txt");
        for (id, label, kind) in [
            (
                "sco",
                "Shanghai Cooperation Organization",
                EntityKind::Organization,
            ),
            ("iran", "Iran", EntityKind::Country),
        ] {
            g.add_entity(Entity {
                id: id.into(),
                label: label.into(),
                kind,
                aliases: vec!["x\"y".into()],
                wikidata: Some("Q1".into()),
            });
        }
        g.add_relation(
            "iran",
            RelationKind::ObserverOf,
            "sco",
            &[Evidence {
                document: "a.txt".into(),
                sentence: "Iran is an observer.".into(),
                start: 0,
                end: 20,
                rule: "r".into(),
                tier: Tier::Explicit,
                confidence: Default::default(),
                when: None,
            }],
        )
        .unwrap();
        g
    }

    #[test]
    fn a_file_shorter_or_longer_than_its_size_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        std::fs::write(&path, vec![b' '; 1000]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        for size in [999, 1001] {
            let err = read_whole(&file, size).unwrap_err();
            assert!(
                err.to_string().contains("changed while it was read"),
                "{err}"
            );
        }
        assert_eq!(read_whole(&file, 1000).unwrap().len(), 1000);
        std::fs::write(&path, vec![b' '; (PARALLEL_READ_FROM + 5) as usize]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let err = read_whole(&file, PARALLEL_READ_FROM + 6).unwrap_err();
        assert!(
            err.to_string().contains("changed while it was read"),
            "{err}"
        );
        assert_eq!(
            read_whole(&file, PARALLEL_READ_FROM + 5).unwrap().len() as u64,
            PARALLEL_READ_FROM + 5
        );
    }

    #[test]
    fn round_trips_byte_identically() {
        let text = sample().to_json_string();
        let back = KnowledgeGraph::from_json_str(&text, "g.json").unwrap();
        assert_eq!(back.to_json_string(), text);
    }

    #[test]
    fn capped_evidence_keeps_the_count_and_the_confidence() {
        let mut g = sample();
        let mut more = g
            .find_edge("iran", RelationKind::ObserverOf, "sco")
            .unwrap()
            .evidence[0]
            .clone();
        more.start = 30;
        more.end = 50;
        g.add_relation("iran", RelationKind::ObserverOf, "sco", &[more])
            .unwrap();
        let full = g.to_file();
        let capped = g.to_file_capped(Some(1));
        assert_eq!(full.edges[0].evidence.len(), 2);
        assert_eq!(full.edges[0].evidence_count, None);
        assert_eq!(capped.edges[0].evidence.len(), 1);
        assert_eq!(capped.edges[0].evidence_count, Some(2));
        assert_eq!(capped.edges[0].confidence, full.edges[0].confidence);
        let mut bytes = Vec::new();
        g.write_json(&mut bytes, None).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), g.to_json_string());
    }

    /// `write_json` prints nodes and edges in parallel chunks; the file is byte for byte
    /// what serde_json's pretty printer makes of `to_file_capped`, across chunk and batch
    /// boundaries, with and without a cap, and for an empty graph.
    #[test]
    fn the_chunked_writer_prints_what_serde_json_prints() {
        let pretty = |g: &KnowledgeGraph, cap: Option<usize>| {
            let mut want = serde_json::to_vec_pretty(&g.to_file_capped(cap)).unwrap();
            want.push(b'\n');
            let mut got = Vec::new();
            g.write_json(&mut got, cap).unwrap();
            (
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
            )
        };
        let (got, want) = pretty(&KnowledgeGraph::new(), None);
        assert_eq!(got, want);
        assert!(got.contains("\"nodes\": [],"), "{got}");
        let mut g = sample();
        let n = 140;
        for i in 0..n {
            g.add_entity(Entity {
                id: format!("c{i:03}"),
                label: format!("C \"{i}\"\u{2028}"),
                kind: EntityKind::Country,
                aliases: vec![],
                wikidata: None,
            });
        }
        let ev = g
            .find_edge("iran", RelationKind::ObserverOf, "sco")
            .unwrap()
            .evidence[0]
            .clone();
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let (a, b) = (format!("c{i:03}"), format!("c{j:03}"));
                    let mut more = ev.clone();
                    more.start = j;
                    g.add_relation(&a, RelationKind::MemberOf, &b, &[ev.clone(), more])
                        .unwrap();
                }
            }
        }
        g.add_relation("iran", RelationKind::MemberOf, "sco", &[ev])
            .unwrap();
        g.detect_conflicts(&crate::graph::ConflictTable::builtin());
        assert!(g.edge_count() > 512 * 32, "more than one batch");
        assert!(!g.conflicts().is_empty());
        for cap in [None, Some(1)] {
            let (got, want) = pretty(&g, cap);
            assert!(got == want, "cap {cap:?}: the files differ");
        }
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = KnowledgeGraph::from_json_str("{\n  \"meta\": ,\n}", "g.json").unwrap_err();
        assert!(err.to_string().starts_with("g.json:2:11: "), "{err}");
    }

    /// Found by fuzzing (target `graph`): serde_json says "column 0" for an input that ends
    /// at the start of a line, the empty file included; kg's columns start at 1.
    #[test]
    fn a_file_cut_at_a_line_start_is_column_one_not_zero() {
        for (text, want) in [
            ("", "g.json:1:1: EOF while parsing a value"),
            ("{\n", "g.json:2:1: "),
        ] {
            let err = KnowledgeGraph::from_json_str(text, "g.json").unwrap_err();
            assert!(err.to_string().starts_with(want), "{err}");
        }
    }

    #[test]
    fn edge_to_missing_node_is_refused() {
        let text = sample()
            .to_json_string()
            .replace("\"source\": \"iran\"", "\"source\": \"ghost\"");
        let err = KnowledgeGraph::from_json_str(&text, "g.json").unwrap_err();
        assert!(
            err.to_string().contains("unknown entity id 'ghost'"),
            "{err}"
        );
    }
}
