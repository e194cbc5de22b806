//! Argument definitions (clap), shared by parsing and shell completions.
//!
//! The library never sees these types: [`super`] turns them into the library's option
//! structs. Enums that clap parses are the command line's own ([`DirectionArg`],
//! [`RankArg`], ...) and are mapped onto the library's enums, as ripgrep's `hiargs` does.

use clap::{Args, Parser, Subcommand, ValueEnum};
use kg::export::Format;
use kg::model::{EntityKind, RelationKind};
use kg::query::EvidenceLimit;
use std::net::IpAddr;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  kg build                                  # data/articles/ -> output/graph.json, graph.dot
  kg build article.txt --out /tmp/g         # one article into another folder
  kg build news/ --lexicon my-names.toml    # add your own names on top of the built-ins
  kg build corpus.jsonl --threads 2 --keep-going     # JSON Lines: {\"id\", \"text\"} per line
  kg extract news/ > claims.jsonl && kg merge claims.jsonl --out g   # map, then reduce
  kg eval gold.json                         # score output/graph.json against a gold file
  kg export --format svg --out graph.svg    # draw output/graph.json
  kg show SCO                               # an entity card with the evidence of each edge
  kg path \"Xi Jinping\" Kazakhstan --evidence all
  kg serve --port 8080                      # JSON API on http://127.0.0.1:8080/api/
  kg completions bash > ~/.local/share/bash-completion/completions/kg

Exit codes:
  0 success, 1 no result, 2 usage error or unknown/ambiguous name,
  3 bad input (article, lexicon, rules or graph file), 4 output or external tool failure,
  5 the server could not start (address in use, not allowed),
  6 a query too big for its work budget";

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
    /// Serve the JSON API (docs/openapi.json) over HTTP, on the loopback address by default.
    Serve(ServeArgs),
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
    /// Refuse articles (a file, or one JSON Lines record) larger than this many MiB
    /// [default: 64]
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_article_mib: Option<u32>,
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
    /// Refuse articles (a file, or one JSON Lines record) larger than this many MiB
    /// [default: 64]
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_article_mib: Option<u32>,
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
    /// Print the result as one JSON value (also when it is empty).
    #[arg(long)]
    pub json: bool,
    /// Ignore edges whose confidence (0 to 1) is below this.
    #[arg(long, value_name = "P", value_parser = probability)]
    pub min_confidence: Option<f64>,
}

/// How much evidence to show, and how wide.
#[derive(Debug, Args, Clone, Default)]
pub struct EvidenceArgs {
    /// Evidence sentences per edge: a number or `all` [default: 3; all with --json]
    #[arg(long, value_name = "N|all", value_parser = evidence_limit)]
    pub evidence: Option<EvidenceLimit>,
    /// Wrap sentences at this many columns; 0 does not wrap [default: the terminal's width,
    /// else $COLUMNS, else 80]
    #[arg(long, value_name = "COLS")]
    pub width: Option<usize>,
}

/// Parses `--evidence N|all`.
pub fn evidence_limit(s: &str) -> Result<EvidenceLimit, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(EvidenceLimit::All);
    }
    s.parse()
        .map(EvidenceLimit::AtMost)
        .map_err(|_| format!("'{s}' is neither a number nor 'all'"))
}

/// Arguments of `kg export`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kg export --format dot > graph.dot
  kg export --format svg --out graph.svg
  kg export --format png --out graph.png --layout neato --edge-labels none
  kg export --format svg --renderer builtin --out graph.svg   # no Graphviz needed
  kg export --format html --out graph.html   # offline viewer: search, filters, paths
  kg export --format svg --isolated show --out all.svg       # entities without relations too
  kg export --format kuzu --out kuzu/ && python3 kuzu/load.py graph.kuzu
  kg export --format csv --out neo4j/                         # neo4j-admin import set
  kg export --format dot --graph other/graph.json --cluster-by type")]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, short, value_parser = format_parser())]
    pub format: Format,
    /// Output file (a directory for csv and kuzu) [default: standard output]
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The graph to export.
    #[arg(long, value_name = "FILE", default_value = "output/graph.json")]
    pub graph: PathBuf,
    /// Graphviz layout engine for svg/png [default: dot up to 300 nodes, neato up to 3000,
    /// sfdp above]
    #[arg(long, value_enum)]
    pub layout: Option<LayoutArg>,
    /// Who draws svg/png: Graphviz, or the builtin pure-Rust layout (SVG only).
    #[arg(long, value_enum, default_value_t = RendererArg::Graphviz)]
    pub renderer: RendererArg,
    /// Relation labels on edges: auto (only when the graph has at most 60 edges), all, none.
    #[arg(long, value_enum, default_value_t = EdgeLabelsArg::Auto)]
    pub edge_labels: EdgeLabelsArg,
    /// Group nodes into boxes (dot, svg, png).
    #[arg(long, value_enum)]
    pub cluster_by: Option<ClusterByArg>,
    /// Leave out the legend (dot, svg, png).
    #[arg(long)]
    pub no_legend: bool,
    /// Entities without relations in drawings: hide (default; the legend counts them) or
    /// show (dot, svg, png).
    #[arg(long, value_enum, default_value_t = IsolatedArg::Hide)]
    pub isolated: IsolatedArg,
    /// Key of the edge list in node-link JSON: `edges` (NetworkX >= 3.6) or `links` (D3,
    /// older NetworkX).
    #[arg(long, value_name = "KEY", default_value = "edges", value_parser = ["edges", "links"])]
    pub links_key: String,
}

/// The export formats, from the library's list (so a new format needs no change here).
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::as_str))
        .map(|s| s.parse::<Format>().expect("a listed format name parses"))
}

/// Graphviz layout engines (`kg export --layout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// Layered drawing, edges flowing left to right.
    Dot,
    /// Spring model, for mid-sized graphs.
    Neato,
    /// Multiscale force-directed, for large graphs.
    Sfdp,
    /// Force-directed, clusters kept.
    Fdp,
    /// Radial.
    Twopi,
    /// Circular.
    Circo,
}

/// Who draws pictures (`kg export --renderer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RendererArg {
    /// The Graphviz programs (`dot`, `neato`, `sfdp`): best results, SVG and PNG.
    Graphviz,
    /// The pure-Rust `layout` crate: SVG only, no outside program needed.
    Builtin,
}

/// Which edges are labelled (`kg export --edge-labels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EdgeLabelsArg {
    /// Label edges only when the graph is small enough for labels to stay readable.
    Auto,
    /// Label every edge.
    All,
    /// Label no edge (colour and the legend still tell relations apart).
    None,
}

/// Whether drawings show entities without relations (`kg export --isolated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IsolatedArg {
    /// Leave them out; the legend says how many.
    Hide,
    /// Draw them.
    Show,
}

/// How nodes are grouped (`kg export --cluster-by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClusterByArg {
    /// One cluster per entity type.
    Type,
}

/// Which way `kg neighbors` follows edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionArg {
    /// Along the stored direction (subject → object).
    Out,
    /// Against it.
    In,
    /// Either way.
    Both,
}

/// The measures of `kg rank`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RankArg {
    /// Incident edges.
    Degree,
    /// PageRank (stored direction, symmetric relations both ways).
    Pagerank,
    /// Normalised betweenness (undirected).
    Betweenness,
    /// Closeness, Wasserman–Faust scaled (undirected).
    Closeness,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
  kg path Xi Kazakhstan --evidence all --width 100

Each hop shows its sentences with the two mentions marked ([brackets] without colour), the
document, rule, reading (stated, coreference, implied, inferred), confidence and date.
Names match labels, aliases or ids, ignoring case, accents and width.
Exit codes: 0 found, 1 no path (with --json: {\"paths\": []}), 2 unknown or ambiguous name,
3 bad graph file.")]
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
    pub evidence: EvidenceArgs,
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
  kg neighbors SCO --direction in --json
  kg neighbors Iran --evidence 1

Exit codes: 0 found, 1 no neighbour (with --json: an empty \"neighbors\" list), 2 unknown
or ambiguous name or --depth above 6, 3 bad graph file.")]
pub struct NeighborsArgs {
    /// The entity (name, alias or id).
    pub name: String,
    /// How many hops out (at most 6).
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Which edges to follow: out (subject → object), in, or both.
    #[arg(long, value_enum, default_value_t = DirectionArg::Both)]
    pub direction: DirectionArg,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub filter: FilterArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub evidence: EvidenceArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub export: SaveArgs,
}

/// Arguments of `kg show`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  kg show SCO
  kg show \"Xi Jinping\" --json
  kg show Kazakhstan --evidence all

Exit codes: 0 shown, 2 unknown or ambiguous name, 3 bad graph file.")]
pub struct ShowArgs {
    /// The entity (name, alias or id).
    pub name: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub evidence: EvidenceArgs,
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
    #[arg(long, value_enum, default_value_t = RankArg::Degree)]
    pub by: RankArg,
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

Each row lists its edges with their evidence, also under --json.
Grammar: docs/query.md. Exit codes: 0 matches, 1 none (with --json: an empty "rows" list),
2 syntax error or refused pattern."#)]
pub struct MatchArgs {
    /// The pattern.
    pub pattern: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub evidence: EvidenceArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub graph: GraphArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub export: SaveArgs,
}

/// Arguments of `kg serve`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  kg serve
  kg serve --port 9000 --graph other/graph.json
  curl 'http://127.0.0.1:8080/api/path?from=Xi%20Jinping&to=Kazakhstan'

Routes (docs/openapi.json): /api/entities?q=, /api/entities/{id}, /api/path?from=&to=&k=,
/api/neighbors/{id}?depth=, /api/match?pattern=, /api/stats.
Binding an address other than loopback exposes the graph to the network: it needs
--allow-remote.
Exit codes: 0 stopped, 2 bad arguments, 3 bad graph file, 5 cannot listen.")]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Graph file to serve [default: output/graph.json].
    #[arg(long, value_name = "FILE")]
    pub graph: Option<PathBuf>,
    /// Ignore edges whose confidence (0 to 1) is below this.
    #[arg(long, value_name = "P", value_parser = probability)]
    pub min_confidence: Option<f64>,
    /// Requests answered at once (connections are bounded apart: 64 served, 64 waiting).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: u16,
    /// Allow a --bind address that is not loopback.
    #[arg(long)]
    pub allow_remote: bool,
}
