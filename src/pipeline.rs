//! The build pipeline: articles → claims (in parallel) → merged graph → files.
//!
//! Each document is extracted independently ([`crate::extract::extract`] is pure), on as
//! many threads as rayon has; the graph is then merged in document order, so the output is
//! byte-identical whatever the thread count. Outputs are written to temporary files in the
//! output directory and renamed into place only when every one of them is complete.

use crate::extract::{Extraction, Knowledge, KnowledgeError, extract};
use crate::graph::{
    ConflictTable, GraphError, KnowledgeGraph, MergeOverrides, MergeRecord, Merger,
};
use crate::model::{EntityKind, RelationKind};
use crate::text::{TextError, load_inputs};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The default input directory, relative to the working directory.
pub const DEFAULT_INPUT: &str = "data/articles";

/// What to build from what.
#[derive(Debug, Clone, Default)]
pub struct BuildConfig {
    /// Article files or directories; empty means [`DEFAULT_INPUT`].
    pub inputs: Vec<PathBuf>,
    /// Extra lexicon files, merged over the built-in one.
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
    /// Show a progress bar on stderr while extracting (only drawn on a terminal).
    pub progress: bool,
}

/// The compiled-in merges file.
pub const DEFAULT_MERGES: (&str, &str) = ("data/merges.toml", include_str!("../data/merges.toml"));

/// Errors of the build.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// An article could not be read.
    #[error(transparent)]
    Text(#[from] TextError),
    /// A lexicon or rules file is bad.
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
    /// Claims could not be merged.
    #[error(transparent)]
    Graph(#[from] GraphError),
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

/// Counts printed after a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of documents read.
    pub documents: usize,
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
}

/// Reads the inputs and builds the merged graph and its merge log (nothing is written).
pub fn build_graph(config: &BuildConfig) -> Result<(KnowledgeGraph, Vec<MergeRecord>), BuildError> {
    let inputs = if config.inputs.is_empty() {
        vec![PathBuf::from(DEFAULT_INPUT)]
    } else {
        config.inputs.clone()
    };
    let docs = load_inputs(&inputs)?;
    let knowledge = Knowledge::from_files(&config.lexicons, &config.rules, !config.builtin_only)?;
    let overrides = load_overrides(&config.merges)?;
    let extractions: Vec<Extraction> = if config.progress {
        // A bar on stderr; indicatif draws nothing when stderr is not a terminal.
        use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
        let bar = ProgressBar::new(docs.len() as u64).with_style(
            ProgressStyle::with_template(
                "{spinner} extracting {pos}/{len} documents {wide_bar} {eta}",
            )
            .expect("progress template parses"),
        );
        let out = docs
            .par_iter()
            .progress_with(bar.clone())
            .map(|d| extract(d, &knowledge))
            .collect();
        bar.finish_and_clear();
        out
    } else {
        docs.par_iter().map(|d| extract(d, &knowledge)).collect()
    };
    let (mut graph, log) = merge(&extractions, overrides)?;
    if let Some(min) = config.min_confidence {
        graph.retain_confident(min);
        graph.detect_conflicts(&ConflictTable::builtin());
    }
    Ok((graph, log))
}

fn load_overrides(files: &[PathBuf]) -> Result<MergeOverrides, BuildError> {
    let mut all = MergeOverrides::from_toml(DEFAULT_MERGES.0, DEFAULT_MERGES.1)?;
    for path in files {
        let text = std::fs::read_to_string(path).map_err(|source| GraphError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let more = MergeOverrides::from_toml(&path.display().to_string(), &text)?;
        all.same_as.extend(more.same_as);
        all.distinct_from.extend(more.distinct_from);
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
        merger.add_document(&ex.document, &ex.entities, &ex.claims, &ex.surfaces)?;
    }
    let (mut graph, log) = merger.finish();
    graph.detect_conflicts(&ConflictTable::builtin());
    Ok((graph, log))
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
        entities,
        relations,
        evidence,
        conflicts: graph.conflicts().len(),
        merges: 0,
        files,
    }
}

/// Above this many entities `kg build` writes no `graph.svg` (layout would dominate the
/// build, and the picture would be unreadable).
pub const SVG_MAX_NODES: usize = 500;

/// The files `kg build` writes, as (file name, contents).
pub fn render_outputs(
    graph: &KnowledgeGraph,
    merges: &[MergeRecord],
) -> Vec<(&'static str, Vec<u8>)> {
    let mut log = serde_json::to_string_pretty(&serde_json::json!({ "merges": merges }))
        .expect("merge log serialises");
    log.push('\n');
    let style = crate::export::dot::DotStyle::default();
    let mut files = vec![
        ("graph.json", graph.to_json_string().into_bytes()),
        (
            "graph.dot",
            crate::export::dot::to_dot(graph, &style).into_bytes(),
        ),
        ("merges.json", log.into_bytes()),
    ];
    // The offline viewer, unless the graph is too large for a browser to open comfortably.
    if crate::export::html::build_writes_page(graph.node_count(), files[0].1.len()) {
        let page = crate::export::html::html_page(graph, &Default::default());
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

/// Builds and writes `graph.json` (and the other outputs) into `out`.
pub fn build(config: &BuildConfig, out: &Path) -> Result<Summary, BuildError> {
    let (graph, merges) = build_graph(config)?;
    let files = write_all(out, &render_outputs(&graph, &merges))?;
    let mut summary = summarize(&graph, files);
    summary.merges = merges.len();
    Ok(summary)
}

/// Writes every file to a temporary name first; renames them into place only when all are
/// complete, so an error never leaves a half-written output.
pub fn write_all(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<Vec<PathBuf>, BuildError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BuildError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    let mut staged = Vec::new();
    for (name, bytes) in files {
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // tempfile makes private (0600) files; outputs are ordinary files.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut tmp = builder.tempfile_in(dir).map_err(err(dir))?;
        tmp.write_all(bytes).map_err(err(tmp.path()))?;
        tmp.as_file().sync_all().map_err(err(tmp.path()))?;
        staged.push((tmp, dir.join(name)));
    }
    let mut written = Vec::new();
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| BuildError::Write {
            path: path.clone(),
            source: e.error,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_all_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_all(
            dir.path(),
            &[("a.json", b"{}".to_vec()), ("b.dot", b"x".to_vec())],
        )
        .unwrap();
        assert_eq!(written.len(), 2);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.json", "b.dot"]);
    }
}
