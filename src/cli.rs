//! The command line: argument definitions shared by the binary and by shell completions.
//!
//! Each subcommand's arguments live here; the work is done by the library module that owns
//! it. Exit codes are documented in [`exit`].

use crate::model::{EntityKind, RelationKind};
use crate::query::centrality::RankBy;
use crate::query::paths::Direction;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Documented exit codes.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The command ran but found nothing (no path, no match).
    pub const NO_RESULT: u8 = 1;
    /// Bad command line, or a name that is unknown or ambiguous.
    pub const USAGE: u8 = 2;
    /// Bad input: an unreadable or invalid article, lexicon, rules or graph file.
    pub const BAD_INPUT: u8 = 3;
    /// Output could not be written, or an external tool (Graphviz) is missing or failed.
    pub const OUTPUT: u8 = 4;
}

const AFTER_HELP: &str = "\
Examples:
  kg build                                  # data/articles/ -> output/graph.json, graph.dot
  kg build article.txt --out /tmp/g         # one article into another folder
  kg build news/ --lexicon my-names.toml    # add your own names on top of the built-ins
  kg build corpus.jsonl --threads 2 --keep-going     # JSON Lines: {\"id\", \"text\"} per line
  kg extract news/ > claims.jsonl && kg merge claims.jsonl --out g   # map, then reduce
  kg eval gold.json                         # score output/graph.json against a gold file
  kg export --format svg --out graph.svg    # draw output/graph.json
  kg completions bash > ~/.local/share/bash-completion/completions/kg

Exit codes:
  0 success, 1 no result, 2 usage error or unknown/ambiguous name,
  3 bad input (article, lexicon, rules or graph file), 4 output or external tool failure";

/// kg: build knowledge graphs from articles, with the sentence behind every edge.
#[derive(Debug, Parser)]
#[command(name = "kg", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// When to use colour: auto (only on a terminal, and not when NO_COLOR is set),
    /// always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The command; `kg` alone is `kg build`.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Colour choice for human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to stdout.
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract entities and relations from articles and write the graph.
    Build(BuildArgs),
    /// The map step: each article's claims as JSON Lines (docs/claims.md), on stdout.
    Extract(ExtractArgs),
    /// The reduce step: build the graph from claims files written by `kg extract`.
    Merge(MergeArgs),
    /// Score a graph against a gold annotation (entity and relation precision/recall/F1).
    Eval(EvalArgs),
    /// Write the graph in another format (dot, svg, png, mermaid, json, ...).
    Export(ExportArgs),
    /// Shortest path(s) between two entities, with the evidence of every hop.
    Path(PathArgs),
    /// Entities within N hops of one entity.
    Neighbors(NeighborsArgs),
    /// An entity card: type, aliases, relations with evidence, conflicts.
    Show(ShowArgs),
    /// Counts, components, density and degree distribution of the graph.
    Stats(StatsArgs),
    /// The most central entities by degree, PageRank, betweenness or closeness.
    Rank(RankArgs),
    /// Communities found by label propagation.
    Communities(CommunitiesArgs),
    /// Find every binding of a Cypher-like pattern (grammar: docs/query.md).
    Match(MatchArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Arguments of `kg build`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kg build
  kg build data/articles/ --out output
  kg build a.txt b.md --lexicon extra.toml --rules extra-rules.toml --json
  kg build 'news/**/*.txt' --threads 2 --keep-going
  kg build corpus.jsonl --lexicon gazetteer.json --max-evidence 5 --evidence-file
  zcat corpus.jsonl.gz | kg build - --out g
  kg build news/ --update            # reuse output/claims.jsonl for unchanged articles

Inputs: files (one article each), directories (searched recursively for .txt, .md,
.markdown, .jsonl and .ndjson in any case; symlinks followed, each file read once), quoted
globs, and JSON Lines files or '-' (stdin), one {\"id\", \"text\"} object per line with
optional date, url and title.")]
pub struct BuildArgs {
    /// Article files, directories, globs, JSON Lines files or - (stdin) [default: data/articles]
    pub inputs: Vec<PathBuf>,
    /// Worker threads for extraction [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Skip unreadable, non-UTF-8, empty or malformed articles with a warning each,
    /// instead of stopping at the first.
    #[arg(long)]
    pub keep_going: bool,
    /// At most N evidence sentences per edge in graph.json (the edge keeps the full count
    /// in `evidence_count` and its confidence from all of them).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_evidence: Option<u32>,
    /// Also write every edge's full evidence to evidence.jsonl.
    #[arg(long)]
    pub evidence_file: bool,
    /// Reuse the claims of unchanged articles from the --out directory's claims.jsonl,
    /// extract new and changed ones, drop removed ones: the same files as a fresh build.
    #[arg(long)]
    pub update: bool,
    /// Extra lexicon file(s), merged over the built-in lexicon (repeatable).
    #[arg(long = "lexicon", value_name = "FILE")]
    pub lexicons: Vec<PathBuf>,
    /// Extra rules file(s), added to the built-in rules (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Merges file(s) of `same-as` / `distinct-from` entity pairs (repeatable).
    #[arg(long = "merges", value_name = "FILE")]
    pub merges: Vec<PathBuf>,
    /// Use only the built-in world knowledge and general rules (no data/lexicon.toml).
    #[arg(long)]
    pub builtin_only: bool,
    /// Leave out edges whose confidence (0 to 1) is below this.
    #[arg(long, value_name = "P", value_parser = probability)]
    pub min_confidence: Option<f64>,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Do not print progress or the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `kg extract`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kg extract data/articles > claims.jsonl
  kg extract - < corpus.jsonl > claims.jsonl      # JSON Lines in, claims out
  kg extract news/ --lexicon gazetteer.json --threads 2 -o claims.jsonl

Each output line is one article's claims (format: docs/claims.md), a pure function of the
article and the lexicon and rules, in input order; `kg merge` builds the graph from them.")]
pub struct ExtractArgs {
    /// Article files, directories, globs, JSON Lines files or - (stdin) [default: data/articles]
    pub inputs: Vec<PathBuf>,
    /// Write the claims here instead of standard output (atomically).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Extra lexicon file(s) (TOML, or a JSON gazetteer), merged over the built-in one.
    #[arg(long = "lexicon", value_name = "FILE")]
    pub lexicons: Vec<PathBuf>,
    /// Extra rules file(s), added to the built-in rules (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Use only the built-in world knowledge and general rules (no data/lexicon.toml).
    #[arg(long)]
    pub builtin_only: bool,
    /// Worker threads [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Skip bad articles with a warning each instead of stopping at the first.
    #[arg(long)]
    pub keep_going: bool,
    /// Do not print progress or the closing line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `kg merge`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kg merge claims.jsonl --out output
  kg merge spark-out/part-* --out graph --max-evidence 5
  kg extract - < corpus.jsonl | kg merge - --out g

Claims are merged in the order given (files, then lines), so the same claims in the same
order give the same files as `kg build` (all but claims.jsonl, which merge does not write).")]
pub struct MergeArgs {
    /// Claims files written by `kg extract`, or - (stdin).
    #[arg(required = true)]
    pub claims: Vec<PathBuf>,
    /// Merges file(s) of `same-as` / `distinct-from` entity pairs (repeatable).
    #[arg(long = "merges", value_name = "FILE")]
    pub merges: Vec<PathBuf>,
    /// Leave out edges whose confidence (0 to 1) is below this.
    #[arg(long, value_name = "P", value_parser = probability)]
    pub min_confidence: Option<f64>,
    /// At most N evidence sentences per edge in graph.json.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_evidence: Option<u32>,
    /// Also write every edge's full evidence to evidence.jsonl.
    #[arg(long)]
    pub evidence_file: bool,
    /// Worker threads for parsing claims [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Do not print progress or the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Parses a probability between 0 and 1.
pub fn probability(s: &str) -> Result<f64, String> {
    let p: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{p} is not between 0 and 1"))
    }
}

/// Arguments of `kg eval`.
#[derive(Debug, Args)]
#[command(after_help = "\
Scores like the reference scorer score.py: the same matching rules, report and JSON.
The last line of the report is the summary:
  entity_f1=0.000 relation_p=0.000 relation_r=0.000 relation_f1=0.000

Examples:
  kg eval tests/fixtures/eval/sco-summit.gold.json
  kg eval gold.json other-tool-graph.json --verbose
  kg eval gold.json output/graph.json --json | jq .relation.by_tier

Exit codes: 0 scored, 3 unreadable or malformed gold or graph file")]
pub struct EvalArgs {
    /// Gold annotation (JSON: entities with name/type/aliases, relations with
    /// subject/relation/object/tier/evidence).
    pub gold: PathBuf,
    /// Graph to score: any JSON object with nodes (id, label, type, aliases) and edges
    /// (source, target, relation).
    #[arg(default_value = "output/graph.json")]
    pub graph: PathBuf,
    /// Also list false positives and misses (misses with their gold evidence).
    #[arg(long, short)]
    pub verbose: bool,
    /// Print the metrics as JSON (the keys of `score.py --json`).
    #[arg(long)]
    pub json: bool,
}

/// Where query commands read the graph, and whether they print JSON.
#[derive(Debug, Args, Clone, Default)]
pub struct GraphArgs {
    /// Graph file to query [default: output/graph.json].
    #[arg(long, value_name = "FILE")]
    pub graph: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Ignore edges whose confidence (0 to 1) is below this.
    #[arg(long, value_name = "P", value_parser = probability)]
    pub min_confidence: Option<f64>,
}

/// Arguments of `kg export`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kg export --format dot > graph.dot
  kg export --format svg --out graph.svg
  kg export --format png --out graph.png --layout neato --edge-labels none
  kg export --format svg --renderer builtin --out graph.svg   # no Graphviz needed
  kg export --format dot --graph other/graph.json --cluster-by type")]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, short, value_enum)]
    pub format: crate::export::Format,
    /// Output file (a directory for csv) [default: standard output]
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The graph to export.
    #[arg(long, value_name = "FILE", default_value = "output/graph.json")]
    pub graph: PathBuf,
    /// Graphviz layout engine for svg/png [default: dot up to 300 nodes, neato up to 3000,
    /// sfdp above]
    #[arg(long, value_enum)]
    pub layout: Option<crate::export::render::LayoutEngine>,
    /// Who draws svg/png: Graphviz, or the builtin pure-Rust layout (SVG only).
    #[arg(long, value_enum, default_value_t = crate::export::render::Renderer::Graphviz)]
    pub renderer: crate::export::render::Renderer,
    /// Relation labels on edges: auto (only when the graph has at most 60 edges), all, none.
    #[arg(long, value_enum, default_value_t = crate::export::dot::EdgeLabels::Auto)]
    pub edge_labels: crate::export::dot::EdgeLabels,
    /// Group nodes into boxes (dot, svg, png).
    #[arg(long, value_enum)]
    pub cluster_by: Option<crate::export::dot::ClusterBy>,
    /// Leave out the legend (dot, svg, png).
    #[arg(long)]
    pub no_legend: bool,
    /// Key of the edge list in node-link JSON: `edges` (NetworkX >= 3.6) or `links` (D3,
    /// older NetworkX).
    #[arg(long, value_name = "KEY", default_value = "edges", value_parser = ["edges", "links"])]
    pub links_key: String,
}

/// Saving a query result as a subgraph.
#[derive(Debug, Args, Clone, Default)]
pub struct SaveArgs {
    /// Save the result as a subgraph in this format (needs --out).
    #[arg(long, value_enum, value_name = "FORMAT", requires = "out")]
    pub export: Option<SaveFormat>,
    /// File written by --export (atomically).
    #[arg(long, value_name = "FILE", requires = "export")]
    pub out: Option<PathBuf>,
}

/// Formats of `--export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SaveFormat {
    /// The graph.json contract.
    Json,
    /// Graphviz DOT, with the result highlighted.
    Dot,
}

/// Relation and type filters.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Follow only these relations (comma separated, e.g. member-of,observer-of).
    #[arg(long, value_name = "REL,...", value_delimiter = ',')]
    pub relations: Vec<RelationKind>,
    /// Only pass through entities of these types (comma separated); for paths the two
    /// endpoints are always allowed.
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    pub types: Vec<EntityKind>,
}

/// Arguments of `kg path`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  kg path \"Xi Jinping\" Kazakhstan
  kg path xi putin --directed
  kg path China Iran --relations member-of,observer-of --avoid SCO
  kg path China Iran -k 3 --json
  kg path China Iran --all --max-hops 4 --types country,organization
  kg path China Iran --export json --out path.json

Names match labels, aliases or ids, ignoring case, accents and width.
Exit codes: 0 found, 1 no path, 2 unknown or ambiguous name, 3 bad graph file.")]
pub struct PathArgs {
    /// Start entity (name, alias or id).
    pub from: String,
    /// End entity (name, alias or id).
    pub to: String,
    /// Follow the stored edge direction (symmetric relations still go both ways).
    #[arg(long)]
    pub directed: bool,
    /// Never pass through this entity (repeatable).
    #[arg(long = "avoid", value_name = "NAME")]
    pub avoid: Vec<String>,
    /// The k shortest simple paths (Yen).
    #[arg(
        short = 'k',
        value_name = "N",
        default_value_t = 1,
        conflicts_with = "all"
    )]
    pub k: usize,
    /// Every simple path up to --max-hops hops.
    #[arg(long, requires = "max_hops")]
    pub all: bool,
    /// Hop bound of --all (at most 8).
    #[arg(long, value_name = "N", requires = "all")]
    pub max_hops: Option<usize>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub filter: FilterArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub export: SaveArgs,
}

/// Arguments of `kg neighbors`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  kg neighbors SCO
  kg neighbors China --depth 2 --relations member-of,observer-of --types country
  kg neighbors SCO --direction in --json")]
pub struct NeighborsArgs {
    /// The entity (name, alias or id).
    pub name: String,
    /// How many hops out (at most 6).
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Which edges to follow: out (subject → object), in, or both.
    #[arg(long, value_enum, default_value_t = Direction::Both)]
    pub direction: Direction,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub filter: FilterArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub export: SaveArgs,
}

/// Arguments of `kg show`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:\n  kg show SCO\n  kg show \"Xi Jinping\" --json")]
pub struct ShowArgs {
    /// The entity (name, alias or id).
    pub name: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub export: SaveArgs,
}

/// Arguments of `kg stats`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:\n  kg stats\n  kg stats --graph other.json --json")]
pub struct StatsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
}

/// Arguments of `kg rank`.
#[derive(Debug, Args, Clone)]
#[command(
    after_help = "Examples:\n  kg rank\n  kg rank --by pagerank --types country --top 5\n  kg rank --by betweenness --json"
)]
pub struct RankArgs {
    /// The measure.
    #[arg(long, value_enum, default_value_t = RankBy::Degree)]
    pub by: RankBy,
    /// Only list entities of these types (the measure is computed on the whole graph).
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    pub types: Vec<EntityKind>,
    /// How many entities to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub export: SaveArgs,
}

/// Arguments of `kg communities`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:\n  kg communities\n  kg communities --min-size 3 --json")]
pub struct CommunitiesArgs {
    /// Hide communities smaller than this.
    #[arg(long, default_value_t = 2)]
    pub min_size: usize,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
}

/// Arguments of `kg match`.
#[derive(Debug, Args, Clone)]
#[command(after_help = r#"Examples:
  kg match '(p:person)-[:met-with]-(q:person)'
  kg match '(c:country)-[:observer-of|member-of]->(o:organization {label: "SCO"})'
  kg match '(a)-[:member-of*1..2]->(b)' --json

Grammar: docs/query.md. Exit codes: 0 matches, 1 none, 2 syntax error or refused pattern."#)]
pub struct MatchArgs {
    /// The pattern.
    pub pattern: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub export: SaveArgs,
}
