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
                .map(|e| {
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
                })
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
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer_pretty(&mut buffered, &self.to_file_capped(max_evidence))?;
        buffered.write_all(b"\n")?;
        buffered.flush()
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
