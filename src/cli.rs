//! The command line: argument definitions shared by the binary and by shell completions.
//!
//! Each subcommand's arguments live here; the work is done by the library module that owns
//! it. Exit codes are documented in [`exit`].

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
    /// Write the graph in another format (dot, svg, png, mermaid, json, ...).
    Export(ExportArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Arguments of `kg build`.
#[derive(Debug, Args, Default)]
#[command(
    after_help = "Examples:\n  kg build\n  kg build data/articles/ --out output\n  kg build a.txt b.md --lexicon extra.toml --rules extra-rules.toml --json"
)]
pub struct BuildArgs {
    /// Article files or directories of .txt/.md files [default: data/articles]
    pub inputs: Vec<PathBuf>,
    /// Extra lexicon file(s), merged over the built-in lexicon (repeatable).
    #[arg(long = "lexicon", value_name = "FILE")]
    pub lexicons: Vec<PathBuf>,
    /// Extra rules file(s), added to the built-in rules (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
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
}
