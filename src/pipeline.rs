//! The build pipeline: articles → claims (in parallel) → merged graph → files, as a stream.
//!
//! Articles are read one at a time on a reader thread and handed on in batches of a few
//! megabytes; each batch is extracted on the worker threads ([`crate::extract::extract`] is
//! pure) and merged, in document order, on the calling thread while the next batch is
//! extracted. Only a few batches are in flight at once, so memory grows with the graph, not
//! with the corpus, and the output is byte-identical whatever the thread count.
//!
//! The map step's output, one claims line per document ([`crate::claims`]), is what
//! `kg extract` prints and `kg merge` reads; `kg build` writes it as `claims.jsonl` beside
//! the graph, and `kg build --update` reuses the lines of unchanged documents from it.
//! Outputs are written into a staging directory beside the output directory, which takes
//! its place in one step only when every file is complete ([`crate::atomic::StagedDir`]):
//! readers of the output directory see the previous build or this one, never a mix, and a
//! file of the previous build that this one does not write (a `graph.svg` of a graph now
//! too large to draw) is gone with it. The output directory is otherwise the user's: only
//! the names in [`OUTPUT_FILES`] belong to `kg`, anything else there is kept.

use crate::atomic::{AtomicFile, StagedDir, WriteError};
use crate::claims::{self, ClaimsError, DocumentRecord};
use crate::error::Warning;
use crate::extract::{Extraction, Knowledge, KnowledgeError, extract};
use crate::graph::{
    ConflictTable, GraphError, KnowledgeGraph, MergeOverrides, MergeRecord, Merger,
};
use crate::model::{EntityKind, RelationKind};
use crate::text::{Article, Articles, TextError, sources};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The default input directory, relative to the working directory.
pub const DEFAULT_INPUT: &str = "data/articles";

/// The claims file `kg build` writes beside the graph (and `--update` reads).
pub const CLAIMS_FILE: &str = "claims.jsonl";

/// The full-evidence file `kg build --evidence-file` writes.
pub const EVIDENCE_FILE: &str = "evidence.jsonl";

/// Every file `kg build` and `kg merge` may write into the output directory. These names
/// belong to `kg` there: a build replaces them, or removes them when it does not write them
/// again. Every other entry of the output directory is left as it is.
pub const OUTPUT_FILES: [&str; 7] = [
    "graph.json",
    "graph.dot",
    "graph.svg",
    "graph.html",
    "merges.json",
    CLAIMS_FILE,
    EVIDENCE_FILE,
];

/// Whether `name` is one of [`OUTPUT_FILES`].
fn is_output_file(name: &std::ffi::OsStr) -> bool {
    OUTPUT_FILES.iter().any(|f| name == *f)
}

/// What to build from what.
#[derive(Debug, Clone, Default)]
pub struct BuildConfig {
    /// Article files, directories, globs, JSON Lines files, or `-` (JSON Lines on standard
    /// input); empty means [`DEFAULT_INPUT`].
    pub inputs: Vec<PathBuf>,
    /// Extra lexicon files (TOML or JSON gazetteer), merged over the built-in one.
    pub lexicons: Vec<PathBuf>,
    /// Extra rules files, added to the built-in ones.
    pub rules: Vec<PathBuf>,
    /// Merges files (`same-as` / `distinct-from` pairs), applied over `data/merges.toml`.
    pub merges: Vec<PathBuf>,
    /// Use only the built-in world knowledge and general rules: no domain lexicon
    /// (`data/lexicon.toml`). This is how extraction on unseen articles is judged.
    pub builtin_only: bool,
    /// Drop edges whose confidence is below this (0 to 1).
    pub min_confidence: Option<f64>,
    /// Worker threads for extraction; `None` is one per core.
    pub threads: Option<usize>,
    /// Skip unreadable, non-UTF-8, empty or malformed documents (each reported to
    /// [`Progress::skipped`]) instead of stopping at the first.
    pub keep_going: bool,
    /// At most this many evidence sentences per edge in `graph.json`.
    pub max_evidence: Option<usize>,
    /// Also write every edge's full evidence to [`EVIDENCE_FILE`].
    pub evidence_file: bool,
    /// Reuse the claims of unchanged documents from the output directory's
    /// [`CLAIMS_FILE`] (`kg build --update`).
    pub update: bool,
    /// The largest article read, in bytes; `None` is [`crate::text::MAX_ARTICLE_BYTES`].
    /// A larger one is refused as bad input (skipped with `keep_going`).
    pub max_article_bytes: Option<u64>,
    /// Documents per in-flight batch; `None` is [`BATCH_DOCS`]. The output never depends
    /// on it (tests use tiny batches to cross many batch boundaries).
    pub batch_docs: Option<usize>,
}

/// The compiled-in merges file.
pub const DEFAULT_MERGES: (&str, &str) = ("data/merges.toml", include_str!("../data/merges.toml"));

/// Errors of the build.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// An article could not be read.
    #[error(transparent)]
    Text(#[from] TextError),
    /// A claims file could not be read.
    #[error(transparent)]
    Claims(#[from] ClaimsError),
    /// A lexicon or rules file is bad.
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
    /// Claims could not be merged.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// Two documents have the same name, so evidence could not tell them apart.
    #[error(
        "{name}: two documents have this name (evidence names documents, so names must be unique)"
    )]
    DuplicateDocument {
        /// The name.
        name: String,
    },
    /// `--update` found no claims file from an earlier build.
    #[error(
        "{path}: not found; --update reuses the claims of an earlier `kg build` into the same --out directory"
    )]
    NoClaims {
        /// Where the claims file was expected.
        path: PathBuf,
    },
    /// The thread pool could not be started.
    #[error("cannot start {threads} worker thread(s): {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The cause.
        message: String,
    },
    /// An output file could not be written.
    #[error("{path}: {source}")]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl From<WriteError> for BuildError {
    fn from(e: WriteError) -> Self {
        BuildError::Write {
            path: e.path,
            source: e.source,
        }
    }
}

impl BuildError {
    /// Whether `--keep-going` skips this error and reads on.
    fn is_per_document(&self) -> bool {
        match self {
            BuildError::Text(e) => e.is_per_document(),
            BuildError::DuplicateDocument { .. } => true,
            _ => false,
        }
    }
}

/// Counts printed after a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of documents read.
    pub documents: usize,
    /// Bytes of text read.
    pub bytes: u64,
    /// Documents skipped by `--keep-going`.
    pub skipped: usize,
    /// With `--update`: documents whose stored claims were reused, and documents of the
    /// earlier build that are gone (their claims retracted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<UpdateCounts>,
    /// Entities by type.
    pub entities: BTreeMap<EntityKind, usize>,
    /// Edges by relation.
    pub relations: BTreeMap<RelationKind, usize>,
    /// Evidence items in all.
    pub evidence: usize,
    /// Conflicts reported.
    pub conflicts: usize,
    /// Entries of the merge log.
    pub merges: usize,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// What was accepted but looks wrong (a merges rule naming no entity), for the caller
    /// to show.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// What `--update` reused and retracted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpdateCounts {
    /// Documents unchanged since the earlier build: their claims were reused.
    pub reused: usize,
    /// Documents new or changed: extracted again.
    pub extracted: usize,
    /// Documents of the earlier build no longer in the inputs: their claims are gone.
    pub removed: usize,
}

/// Hears how a build goes; the library prints nothing itself. Every method has a default
/// that does nothing.
pub trait Progress: Sync {
    /// Reading starts: the number of input bytes, when known (standard input is not).
    fn begin(&self, _total_bytes: Option<u64>) {}
    /// `documents` documents and `bytes` input bytes are done so far.
    fn advance(&self, _documents: u64, _bytes: u64) {}
    /// A bad document was skipped (`--keep-going`).
    fn skipped(&self, _error: &dyn std::error::Error) {}
    /// Reading and merging are done; outputs are being written.
    fn end(&self) {}
}

/// A [`Progress`] that hears nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// Reads the inputs and builds the merged graph and its merge log (nothing is written).
pub fn build_graph(config: &BuildConfig) -> Result<(KnowledgeGraph, Vec<MergeRecord>), BuildError> {
    let knowledge = load_knowledge(config)?;
    let mut merger = Merger::new(load_overrides(&config.merges)?);
    let fingerprint = knowledge_fingerprint(config)?;
    let work = |a: Article| Ok(map_article(a, &knowledge, &fingerprint));
    stream(
        config,
        articles(config)?,
        &work,
        &Silent,
        &mut |m: Mapped| add_owned(&mut merger, m.extraction),
    )?;
    let (graph, log, _) = finish(merger, config.min_confidence);
    Ok((graph, log))
}

fn inputs(config: &BuildConfig) -> Vec<PathBuf> {
    if config.inputs.is_empty() {
        vec![PathBuf::from(DEFAULT_INPUT)]
    } else {
        config.inputs.clone()
    }
}

/// The articles of the inputs, and their size in bytes when known.
#[allow(clippy::type_complexity)]
fn articles(
    config: &BuildConfig,
) -> Result<
    (
        impl Iterator<Item = Result<Article, BuildError>> + Send + 'static,
        Option<u64>,
    ),
    BuildError,
> {
    let list = sources(&inputs(config))?;
    let total = list.iter().map(|s| s.bytes()).sum::<Option<u64>>();
    Ok((
        Articles::new(list)
            .max_article_bytes(
                config
                    .max_article_bytes
                    .unwrap_or(crate::text::MAX_ARTICLE_BYTES),
            )
            .map(|a| a.map_err(BuildError::from)),
        total,
    ))
}

fn load_knowledge(config: &BuildConfig) -> Result<Knowledge, BuildError> {
    Ok(Knowledge::from_files(
        &config.lexicons,
        &config.rules,
        !config.builtin_only,
    )?)
}

/// A digest of what extraction depends on besides the document: kg's version, the built-in
/// data and the user's lexicon and rules files, in order. Claims extracted with another
/// digest are never reused by `--update`.
pub fn knowledge_fingerprint(config: &BuildConfig) -> Result<String, BuildError> {
    use crate::extract::{lexicon, rules};
    let mut all: Vec<u8> = Vec::new();
    let mut part = |tag: &str, bytes: &[u8]| {
        all.extend_from_slice(tag.as_bytes());
        all.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        all.extend_from_slice(bytes);
    };
    part("kg", env!("CARGO_PKG_VERSION").as_bytes());
    for (name, text) in lexicon::WORLD_LEXICONS {
        part(name, text.as_bytes());
    }
    if !config.builtin_only {
        part(
            lexicon::DOMAIN_LEXICON.0,
            lexicon::DOMAIN_LEXICON.1.as_bytes(),
        );
    }
    part(rules::BUILTIN_RULES.0, rules::BUILTIN_RULES.1.as_bytes());
    part(rules::GIVEN_NAMES.0, rules::GIVEN_NAMES.1.as_bytes());
    // Sentence splitting and caption detection are data too.
    part(
        "data/sentences.toml",
        crate::text::split_data().0.as_bytes(),
    );
    part("data/layout.toml", crate::text::split_data().1.as_bytes());
    for (tag, files) in [("lexicon", &config.lexicons), ("rules", &config.rules)] {
        for path in files {
            let bytes = std::fs::read(path).map_err(|source| {
                // Read once already by `load_knowledge`: this fails only if it just went away.
                KnowledgeError::Lexicon(crate::extract::LexiconError::Io {
                    path: path.display().to_string(),
                    source,
                })
            })?;
            part(tag, &bytes);
        }
    }
    Ok(claims::sha256_hex(&all)[..16].to_string())
}

fn load_overrides(files: &[PathBuf]) -> Result<MergeOverrides, BuildError> {
    let mut all = MergeOverrides::from_toml(DEFAULT_MERGES.0, DEFAULT_MERGES.1)?;
    for path in files {
        let text = std::fs::read_to_string(path).map_err(|source| GraphError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let more = MergeOverrides::from_toml(&path.display().to_string(), &text)?;
        all.extend(more)?;
    }
    Ok(all)
}

/// Merges per-document extractions, in the order given, into one graph with conflicts,
/// and returns the merge log.
pub fn merge(
    extractions: &[Extraction],
    overrides: MergeOverrides,
) -> Result<(KnowledgeGraph, Vec<MergeRecord>), BuildError> {
    let mut merger = Merger::new(overrides);
    for ex in extractions {
        add(&mut merger, ex)?;
    }
    let (graph, log, _) = finish(merger, None);
    Ok((graph, log))
}

fn add(merger: &mut Merger, ex: &Extraction) -> Result<(), BuildError> {
    merger.add_document(&ex.document, &ex.entities, &ex.claims, &ex.surfaces)?;
    Ok(())
}

/// [`add`] of an extraction the caller is done with: its evidence moves into the graph.
fn add_owned(merger: &mut Merger, ex: Extraction) -> Result<(), BuildError> {
    merger.add_document_owned(&ex.document, &ex.entities, ex.claims)?;
    Ok(())
}

/// The graph, merge log and warnings of a finished merge.
type Finished = (KnowledgeGraph, Vec<MergeRecord>, Vec<Warning>);

fn finish(merger: Merger, min_confidence: Option<f64>) -> Finished {
    let warnings = merger.warnings();
    let (mut graph, log) = merger.finish();
    if let Some(min) = min_confidence {
        graph.retain_confident(min);
    }
    graph.detect_conflicts(&ConflictTable::builtin());
    (graph, log, warnings)
}

/// One document through the map step: its claims line and its extraction.
struct Mapped {
    extraction: Extraction,
    line: String,
    /// Bytes of the document's text.
    bytes: u64,
    /// True when the line was reused from an earlier build (`--update`).
    reused: bool,
}

fn record_of(article: &Article, fingerprint: &str) -> DocumentRecord {
    DocumentRecord {
        id: article.name.clone(),
        sha256: claims::sha256_hex(article.text.as_bytes()),
        bytes: article.text.len(),
        knowledge: fingerprint.to_string(),
        meta: article.meta.clone(),
    }
}

fn map_article(article: Article, knowledge: &Knowledge, fingerprint: &str) -> Mapped {
    let record = record_of(&article, fingerprint);
    map_with(record, article, knowledge)
}

fn map_with(record: DocumentRecord, article: Article, knowledge: &Knowledge) -> Mapped {
    let doc = article.into_document();
    let extraction = extract(&doc, knowledge);
    let line = claims::to_line(&record, &extraction);
    Mapped {
        extraction: for_merge(extraction),
        line,
        bytes: record.bytes as u64,
        reused: false,
    }
}

/// An extraction with only what the merge reads. The surface names are in the claims line
/// already and the merge takes no decision on them: freed here, on the worker that made
/// them, they cost a local free each instead of a cross-thread one on the merging thread,
/// which is the serial part of a build.
fn for_merge(mut extraction: Extraction) -> Extraction {
    drop(std::mem::take(&mut extraction.surfaces));
    extraction
}

/// Documents per batch at most, and bytes of input per batch at most: enough work to keep
/// every thread busy, little enough that memory stays flat.
pub const BATCH_DOCS: usize = 1024;
const BATCH_BYTES: usize = 4 << 20;

/// Runs the map step over `items` on `config.threads` workers and hands each result, in
/// input order, to `sink` on the calling thread. Returns the number of documents skipped.
fn stream<T: Send + Weighed + 'static>(
    config: &BuildConfig,
    (items, total): (
        impl Iterator<Item = Result<T, BuildError>> + Send + 'static,
        Option<u64>,
    ),
    work: &(dyn Fn(T) -> Result<Mapped, BuildError> + Sync),
    progress: &dyn Progress,
    sink: &mut dyn FnMut(Mapped) -> Result<(), BuildError>,
) -> Result<StreamCounts, BuildError> {
    let threads = config.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("kg-extract-{i}"))
        .build()
        .map_err(|e| BuildError::Threads {
            threads,
            message: e.to_string(),
        })?;
    let batch_docs = config.batch_docs.unwrap_or(BATCH_DOCS).max(1);
    progress.begin(total);
    type Batch<T> = Vec<(Result<T, BuildError>, u64)>;
    let (batch_tx, batch_rx) = std::sync::mpsc::sync_channel::<Batch<T>>(1);
    // The reader is not joined: on an error the build returns at once, even while the
    // reader still waits for standard input.
    std::thread::Builder::new()
        .name("kg-read".into())
        .spawn(move || {
            let mut batch: Batch<T> = Vec::new();
            let mut bytes = 0usize;
            let mut position = 0u64;
            for item in items {
                let weight = item.as_ref().map_or(0, Weighed::weight);
                position += weight as u64;
                bytes += weight;
                batch.push((item, position));
                if batch.len() >= batch_docs || bytes >= BATCH_BYTES {
                    if batch_tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                    bytes = 0;
                }
            }
            if !batch.is_empty() {
                let _ = batch_tx.send(batch);
            }
        })
        .map_err(|e| BuildError::Threads {
            threads: 1,
            message: e.to_string(),
        })?;
    let mut counts = StreamCounts::default();
    let mut seen: HashSet<String> = HashSet::new();
    std::thread::scope(|scope| -> Result<(), BuildError> {
        type Done = Vec<(Result<Mapped, BuildError>, u64)>;
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Done>(1);
        let pool = &pool;
        scope.spawn(move || {
            for batch in batch_rx {
                let done: Done = pool.install(|| {
                    batch
                        .into_par_iter()
                        .map(|(item, pos)| (item.and_then(work), pos))
                        .collect()
                });
                if done_tx.send(done).is_err() {
                    return;
                }
            }
        });
        for done in done_rx {
            for (item, position) in done {
                let checked = item.and_then(|m| {
                    if seen.insert(m.extraction.document.clone()) {
                        Ok(m)
                    } else {
                        Err(BuildError::DuplicateDocument {
                            name: m.extraction.document,
                        })
                    }
                });
                match checked {
                    Ok(m) => {
                        counts.documents += 1;
                        counts.bytes += m.bytes;
                        counts.reused += usize::from(m.reused);
                        sink(m)?;
                    }
                    Err(e) if config.keep_going && e.is_per_document() => {
                        counts.skipped += 1;
                        progress.skipped(&e);
                    }
                    Err(e) => return Err(e),
                }
                progress.advance(counts.documents as u64, position);
            }
        }
        Ok(())
    })?;
    counts.names = seen;
    progress.end();
    Ok(counts)
}

/// How much input an item stands for (for progress and batching).
trait Weighed {
    fn weight(&self) -> usize;
}

impl Weighed for Article {
    fn weight(&self) -> usize {
        self.source_bytes as usize
    }
}

impl Weighed for claims::RawLine {
    fn weight(&self) -> usize {
        self.text.len() + 1
    }
}

#[derive(Debug, Default)]
struct StreamCounts {
    documents: usize,
    bytes: u64,
    skipped: usize,
    reused: usize,
    names: HashSet<String>,
}

/// Counts of a graph.
pub fn summarize(graph: &KnowledgeGraph, files: Vec<PathBuf>) -> Summary {
    let mut entities = BTreeMap::new();
    for e in graph.entities() {
        *entities.entry(e.kind).or_insert(0) += 1;
    }
    let mut relations = BTreeMap::new();
    let mut evidence = 0;
    for e in graph.sorted_edges() {
        *relations.entry(e.relation.kind).or_insert(0) += 1;
        evidence += e.relation.evidence.len();
    }
    Summary {
        documents: graph.documents().len(),
        bytes: 0,
        skipped: 0,
        update: None,
        entities,
        relations,
        evidence,
        conflicts: graph.conflicts().len(),
        merges: 0,
        files,
        warnings: Vec::new(),
    }
}

/// Above this many entities `kg build` writes no `graph.svg` (layout would dominate the
/// build, and the picture would be unreadable).
pub const SVG_MAX_NODES: usize = 500;

/// How the graph files are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputOptions {
    /// At most this many evidence sentences per edge in `graph.json`.
    pub max_evidence: Option<usize>,
    /// Also write [`EVIDENCE_FILE`].
    pub evidence_file: bool,
}

/// The files `kg build` writes besides `graph.json` and the claims, as (file name, contents).
pub fn render_outputs(
    graph: &KnowledgeGraph,
    merges: &[MergeRecord],
) -> Vec<(&'static str, Vec<u8>)> {
    let mut log = serde_json::to_string_pretty(&serde_json::json!({ "merges": merges }))
        .expect("merge log serialises");
    log.push('\n');
    let style = crate::export::dot::DotStyle::default();
    let mut files = vec![
        (
            "graph.dot",
            crate::export::dot::to_dot(graph, &style).into_bytes(),
        ),
        ("merges.json", log.into_bytes()),
    ];
    // The offline viewer, unless the graph is too large for a browser to open comfortably.
    if let Some(page) = crate::export::html::build_page(graph, &Default::default()) {
        files.push(("graph.html", page.into_bytes()));
    }
    // A picture when Graphviz is installed and the graph is small enough to read (and to
    // lay out in a moment); otherwise `kg export --format svg` draws it on demand.
    if graph.node_count() <= SVG_MAX_NODES && crate::export::render::graphviz_available() {
        let options = crate::export::render::RenderOptions {
            style,
            ..Default::default()
        };
        if let Ok(svg) =
            crate::export::render::render(graph, crate::export::render::ImageFormat::Svg, &options)
        {
            files.push(("graph.svg", svg));
        }
    }
    files
}

/// One line per edge, in graph order: `{"source", "relation", "target", "evidence": [...]}`.
fn write_evidence(graph: &KnowledgeGraph, out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Line<'a> {
        source: &'a str,
        relation: RelationKind,
        target: &'a str,
        evidence: &'a [crate::model::Evidence],
    }
    for e in graph.sorted_edges() {
        serde_json::to_writer(
            &mut *out,
            &Line {
                source: &e.source.id,
                relation: e.relation.kind,
                target: &e.target.id,
                evidence: &e.relation.evidence,
            },
        )?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Builds and writes `graph.json` (and the other outputs) into `out`.
pub fn build(config: &BuildConfig, out: &Path) -> Result<Summary, BuildError> {
    build_with(config, out, &Silent)
}

/// [`build`], telling `progress` how it goes.
pub fn build_with(
    config: &BuildConfig,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    let knowledge = load_knowledge(config)?;
    let overrides = load_overrides(&config.merges)?;
    let fingerprint = knowledge_fingerprint(config)?;
    let old = if config.update {
        Some(StoredClaims::open(&out.join(CLAIMS_FILE))?)
    } else {
        None
    };
    // A build that fails leaves no trace: its staging directory goes, and the output
    // directory (or its absence) stays as it was.
    let staged = StagedDir::create(out)?;
    let mut summary = build_into(
        config,
        staged.path(),
        progress,
        &knowledge,
        overrides,
        &fingerprint,
        &old,
    )?;
    drop(old);
    staged.commit(&|name| !is_output_file(name))?;
    summary.files = summary.files.iter().map(|name| out.join(name)).collect();
    Ok(summary)
}

/// [`build_with`] once the knowledge is loaded, into the staging directory `out`; the
/// summary's files are names in it.
fn build_into(
    config: &BuildConfig,
    out: &Path,
    progress: &dyn Progress,
    knowledge: &Knowledge,
    overrides: MergeOverrides,
    fingerprint: &str,
    old: &Option<StoredClaims>,
) -> Result<Summary, BuildError> {
    let mut claims_out = AtomicFile::create(&out.join(CLAIMS_FILE))?;
    let mut merger = Merger::new(overrides);
    let work = |a: Article| -> Result<Mapped, BuildError> {
        let record = record_of(&a, fingerprint);
        if let Some(old) = &old
            && let Some(m) = old.reuse(&record)?
        {
            return Ok(m);
        }
        Ok(map_with(record, a, knowledge))
    };
    let counts = stream(
        config,
        articles(config)?,
        &work,
        progress,
        &mut |m: Mapped| {
            claims_out
                .write_all(m.line.as_bytes())
                .map_err(|source| BuildError::Write {
                    path: claims_out.path().to_path_buf(),
                    source,
                })?;
            add_owned(&mut merger, m.extraction)
        },
    )?;
    let (graph, merges, warnings) = finish(merger, config.min_confidence);
    let options = OutputOptions {
        max_evidence: config.max_evidence,
        evidence_file: config.evidence_file,
    };
    let files = write_graph(out, &graph, &merges, options, vec![claims_out])?;
    let mut summary = summarize(&graph, files);
    summary.merges = merges.len();
    summary.warnings = warnings;
    summary.bytes = counts.bytes;
    summary.skipped = counts.skipped;
    if let Some(old) = &old {
        summary.update = Some(UpdateCounts {
            reused: counts.reused,
            extracted: counts.documents - counts.reused,
            removed: old.ids().filter(|id| !counts.names.contains(*id)).count(),
        });
    }
    Ok(summary)
}

/// Writes every graph file into the staging directory `dir` and commits the already
/// started `more`; returns the names written, in order.
fn write_graph(
    dir: &Path,
    graph: &KnowledgeGraph,
    merges: &[MergeRecord],
    options: OutputOptions,
    more: Vec<AtomicFile>,
) -> Result<Vec<PathBuf>, BuildError> {
    let mut names = Vec::new();
    let mut write = |name: &str, fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>| {
        crate::atomic::write_file_with(&dir.join(name), fill)?;
        names.push(PathBuf::from(name));
        Ok::<(), BuildError>(())
    };
    // The other files are made on a thread of their own while graph.json is written: both
    // only read the graph, and this is the serial end of the build.
    std::thread::scope(|scope| {
        let rendered = scope.spawn(|| render_outputs(graph, merges));
        write("graph.json", &mut |w| {
            graph.write_json(w, options.max_evidence)
        })?;
        if options.evidence_file {
            write(EVIDENCE_FILE, &mut |w| write_evidence(graph, w))?;
        }
        let rendered = rendered
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        for (name, bytes) in rendered {
            write(name, &mut |w| w.write_all(&bytes))?;
        }
        Ok::<(), BuildError>(())
    })?;
    for file in more {
        let path = file.commit()?;
        names.push(PathBuf::from(path.file_name().unwrap_or_default()));
    }
    Ok(names)
}

/// What `kg extract` does: each document's claims line, in order, to `out`.
pub fn extract_claims(
    config: &BuildConfig,
    out: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    let knowledge = load_knowledge(config)?;
    let fingerprint = knowledge_fingerprint(config)?;
    let work = |a: Article| Ok(map_article(a, &knowledge, &fingerprint));
    let counts = stream(config, articles(config)?, &work, progress, &mut |m| {
        out.write_all(m.line.as_bytes())
            .map_err(|source| BuildError::Write {
                path: PathBuf::from("-"),
                source,
            })
    })?;
    out.flush().map_err(|source| BuildError::Write {
        path: PathBuf::from("-"),
        source,
    })?;
    Ok(Summary {
        documents: counts.documents,
        bytes: counts.bytes,
        skipped: counts.skipped,
        update: None,
        entities: BTreeMap::new(),
        relations: BTreeMap::new(),
        evidence: 0,
        conflicts: 0,
        merges: 0,
        files: Vec::new(),
        warnings: Vec::new(),
    })
}

/// [`extract_claims`] into a file, written under a temporary name and renamed into place
/// only when complete.
pub fn extract_claims_to_file(
    config: &BuildConfig,
    path: &Path,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    if path.file_name().is_none() {
        return Err(BuildError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
        });
    }
    let mut file = AtomicFile::create(path)?;
    let summary = extract_claims(config, &mut file, progress)?;
    file.commit()?;
    Ok(summary)
}

/// What `kg merge` does: builds the graph from claims files (`-` is standard input), in
/// the order given, and writes the graph files into `out` (not the claims).
pub fn merge_claims(
    config: &BuildConfig,
    claim_files: &[PathBuf],
    out: &Path,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    let overrides = load_overrides(&config.merges)?;
    let readers = claim_files
        .iter()
        .map(|p| claims::LineReader::open(p))
        .collect::<Result<Vec<_>, _>>()?;
    let total = claim_files
        .iter()
        .map(|p| std::fs::metadata(p).ok().map(|m| m.len()))
        .sum::<Option<u64>>();
    let paths: Vec<PathBuf> = claim_files.to_vec();
    let lines = readers
        .into_iter()
        .enumerate()
        .flat_map(|(i, r)| r.map(move |l| l.map(|l| (i, l)).map_err(BuildError::from)));
    let lines = lines.map(|r| r.map(Numbered));
    let work = |Numbered((file, raw)): Numbered| -> Result<Mapped, BuildError> {
        let at = claims::At {
            path: &paths[file],
            line: raw.line,
            offset: raw.offset,
        };
        let (record, extraction) = claims::parse_line(&raw.text, at)?;
        Ok(Mapped {
            extraction: for_merge(extraction),
            line: String::new(),
            bytes: record.bytes as u64,
            reused: false,
        })
    };
    let mut merger = Merger::new(overrides);
    let counts = stream(config, (lines, total), &work, progress, &mut |m| {
        add_owned(&mut merger, m.extraction)
    })?;
    let (graph, merges, warnings) = finish(merger, config.min_confidence);
    let options = OutputOptions {
        max_evidence: config.max_evidence,
        evidence_file: config.evidence_file,
    };
    // Like a build's: the whole set of files appears at once. A merge writes no claims
    // file; one already there stays, as it may be what was just merged (`kg merge
    // g/claims.jsonl --out g`).
    let staged = StagedDir::create(out)?;
    let names = write_graph(staged.path(), &graph, &merges, options, Vec::new())?;
    staged.commit(&|name| !is_output_file(name) || name == CLAIMS_FILE)?;
    let files = names.iter().map(|name| out.join(name)).collect();
    let mut summary = summarize(&graph, files);
    summary.merges = merges.len();
    summary.warnings = warnings;
    summary.skipped = counts.skipped;
    summary.bytes = counts.bytes;
    Ok(summary)
}

/// A claims line and the index of its file.
struct Numbered((usize, claims::RawLine));

impl Weighed for Numbered {
    fn weight(&self) -> usize {
        self.0.1.weight()
    }
}

/// The claims file of an earlier build, indexed by document (for `--update`).
struct StoredClaims {
    path: PathBuf,
    file: std::fs::File,
    /// Document id → (its record, byte offset and length of its line).
    index: HashMap<String, (DocumentRecord, u64, usize)>,
}

impl StoredClaims {
    fn open(path: &Path) -> Result<Self, BuildError> {
        if !path.exists() {
            return Err(BuildError::NoClaims {
                path: path.to_path_buf(),
            });
        }
        let mut index = HashMap::new();
        for raw in claims::LineReader::open(path)? {
            let raw = raw?;
            let at = claims::At {
                path,
                line: raw.line,
                offset: raw.offset,
            };
            let record = claims::parse_head(&raw.text, at)?;
            index.insert(record.id.clone(), (record, raw.offset, raw.text.len()));
        }
        let file = std::fs::File::open(path).map_err(|source| ClaimsError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(StoredClaims {
            path: path.to_path_buf(),
            file,
            index,
        })
    }

    fn ids(&self) -> impl Iterator<Item = &String> {
        self.index.keys()
    }

    /// The stored line of a document whose record (text digest, knowledge, metadata) is
    /// unchanged.
    fn reuse(&self, record: &DocumentRecord) -> Result<Option<Mapped>, BuildError> {
        let Some((old, offset, len)) = self.index.get(&record.id) else {
            return Ok(None);
        };
        if old != record {
            return Ok(None);
        }
        let mut bytes = vec![0u8; *len];
        read_at(&self.file, &mut bytes, *offset).map_err(|source| ClaimsError::Io {
            path: self.path.clone(),
            source,
        })?;
        let mut line = String::from_utf8(bytes).map_err(|_| {
            let at = crate::error::Position {
                path: Some(self.path.clone()),
                offset: *offset as usize,
                ..Default::default()
            };
            ClaimsError::Syntax(crate::error::SyntaxError::new(at, "changed while reading"))
        })?;
        let at = claims::At {
            path: &self.path,
            line: 0,
            offset: *offset,
        };
        let (_, extraction) = claims::parse_line(&line, at)?;
        line.push('\n');
        Ok(Some(Mapped {
            extraction: for_merge(extraction),
            line,
            bytes: record.bytes as u64,
            reused: true,
        }))
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek};
    let mut f = file.try_clone()?;
    f.seek(std::io::SeekFrom::Start(offset))?;
    f.read_exact(buf)
}
