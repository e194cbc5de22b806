//! The command line: parse arguments, turn them into the library's option structs, call the
//! library, render its results (text or `--json`) and map every outcome onto the one table
//! of exit codes ([`exit`]).
//!
//! Nothing below `kg::` knows this module exists: the library takes plain structs and
//! returns values, and `kg serve` calls the same functions.

pub mod args;
pub mod progress;
pub mod text;

use args::{
    BuildArgs, Cli, ClusterByArg, Command, DirectionArg, EdgeLabelsArg, EvidenceArgs, ExtractArgs,
    FilterArgs, GraphArgs, LayoutArg, MergeArgs, RankArg, RendererArg, SaveArgs, SaveFormat,
    ServeArgs,
};
use clap::{CommandFactory, Parser};
use kg::export::render::{LayoutEngine, Renderer};
use kg::export::{ExportError, ExportJob, ExportOptions, dot};
use kg::pipeline::BuildConfig;
use kg::query::explore::{Covered, MatchQuery, NeighborsQuery, PathMode, PathQuery, RankQuery};
use kg::query::paths::Direction;
use kg::query::save::{self, SaveFormat as LibSaveFormat};
use kg::query::{EvidenceLimit, Explorer, FailureKind, Filters, QueryError, RankBy};
use serde::Serialize;
use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use text::Style;

/// The documented exit codes (README, `kg --help`): the only place they are defined.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The command ran but found nothing (no path, no neighbour, no match, no community).
    pub const NO_RESULT: u8 = 1;
    /// Bad command line, a name that is unknown or ambiguous, a bad or refused pattern.
    pub const USAGE: u8 = 2;
    /// Bad input: an unreadable or invalid article, lexicon, rules or graph file.
    pub const BAD_INPUT: u8 = 3;
    /// Output could not be written, or an external tool (Graphviz) is missing or failed.
    pub const OUTPUT: u8 = 4;
    /// `kg serve` could not listen (address in use, not allowed).
    pub const SERVE: u8 = 5;
    /// A query needs more work than its budget (refused before or stopped during the search).
    pub const TOO_BIG: u8 = 6;
}

/// Runs `kg` with the process arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = wants_json(&cli);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("kg: error: {}", chain(&err));
            if json {
                // `--json` output is one JSON value whatever happens.
                let _ = print_json(&ErrorBody {
                    error: error_report(&err),
                });
            }
            ExitCode::from(exit_code(&err))
        }
    }
}

fn wants_json(cli: &Cli) -> bool {
    match &cli.command {
        Some(Command::Path(a)) => a.graph.json,
        Some(Command::Neighbors(a)) => a.graph.json,
        Some(Command::Show(a)) => a.graph.json,
        Some(Command::Stats(a)) => a.graph.json,
        Some(Command::Rank(a)) => a.graph.json,
        Some(Command::Communities(a)) => a.graph.json,
        Some(Command::Match(a)) => a.graph.json,
        _ => false,
    }
}

/// The wrap width: `--width`, else the terminal's, else `$COLUMNS`, else 80.
fn width(given: Option<usize>) -> usize {
    if let Some(w) = given {
        return w;
    }
    if std::io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
    {
        return usize::from(w);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(80)
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let color = cli.color.enabled();
    // `kg` alone means `kg build` with its defaults.
    let command = match cli.command {
        Some(c) => c,
        None => Cli::parse_from(["kg", "build"])
            .command
            .expect("build parses"),
    };
    match command {
        Command::Build(args) => build(args, color),
        Command::Extract(args) => extract(args),
        Command::Merge(args) => merge(args, color),
        Command::Eval(args) => {
            let gold = kg::eval::Gold::load(&args.gold)?;
            let graph = kg::eval::load_graph(&args.graph)?;
            let report = kg::eval::score(&gold, &graph);
            let text = if args.json {
                report.to_json(args.verbose)
            } else {
                report.to_text(args.verbose)
            };
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(exit::OK)
        }
        Command::Export(args) => {
            let default = std::path::Path::new(kg::query::DEFAULT_GRAPH);
            ensure_default_graph(Some(args.graph.as_path()).filter(|g| *g != default))?;
            export(args)
        }
        Command::Path(a) => {
            let loaded = Loaded::open(&a.graph)?;
            let ex = loaded.explorer();
            let q = PathQuery {
                from: a.from,
                to: a.to,
                directed: a.directed,
                avoid: a.avoid,
                mode: if a.all {
                    PathMode::AllUpTo(a.max_hops.unwrap_or(kg::query::paths::MAX_ALL_HOPS))
                } else {
                    PathMode::Shortest(a.k)
                },
                filters: filters(&a.filter),
                evidence: evidence(&a.evidence, &a.graph),
            };
            let r = ex.path(&q)?;
            emit(&a.graph, &r, |out| {
                text::path(out, &r, style(color, &a.evidence))
            })?;
            save_result(&ex, Covered::Paths(&r), &a.export)?;
            if r.paths.is_empty() {
                let filters = if r.filters.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", r.filters)
                };
                eprintln!(
                    "kg: no path from {} to {}{filters}",
                    r.from.label, r.to.label
                );
                return Ok(exit::NO_RESULT);
            }
            Ok(exit::OK)
        }
        Command::Neighbors(a) => {
            let loaded = Loaded::open(&a.graph)?;
            let ex = loaded.explorer();
            let q = NeighborsQuery {
                name: a.name,
                depth: a.depth,
                direction: match a.direction {
                    DirectionArg::Out => Direction::Out,
                    DirectionArg::In => Direction::In,
                    DirectionArg::Both => Direction::Both,
                },
                filters: filters(&a.filter),
                evidence: evidence(&a.evidence, &a.graph),
                limit: usize::MAX,
            };
            let r = ex.neighbors(&q)?;
            emit(&a.graph, &r, |out| {
                text::neighbors(out, &r, style(color, &a.evidence))
            })?;
            save_result(&ex, Covered::Neighborhood(&r), &a.export)?;
            if r.neighbors.is_empty() {
                eprintln!(
                    "kg: {} has no neighbours under these filters",
                    r.center.label
                );
                return Ok(exit::NO_RESULT);
            }
            Ok(exit::OK)
        }
        Command::Show(a) => {
            let loaded = Loaded::open(&a.graph)?;
            let ex = loaded.explorer();
            let card = ex.card(&a.name, evidence(&a.evidence, &a.graph), usize::MAX)?;
            emit(&a.graph, &card, |out| {
                text::card(out, &card, style(color, &a.evidence))
            })?;
            save_result(&ex, Covered::Card(&card), &a.export)?;
            Ok(exit::OK)
        }
        Command::Stats(a) => {
            let loaded = Loaded::open(&a.graph)?;
            let s = loaded.explorer().stats();
            emit(&a.graph, &s, |out| {
                text::stats(out, &s, Style { color, width: 0 })
            })?;
            Ok(exit::OK)
        }
        Command::Rank(a) => {
            let loaded = Loaded::open(&a.graph)?;
            let ex = loaded.explorer();
            let r = ex.rank(&RankQuery {
                by: match a.by {
                    RankArg::Degree => RankBy::Degree,
                    RankArg::Pagerank => RankBy::Pagerank,
                    RankArg::Betweenness => RankBy::Betweenness,
                    RankArg::Closeness => RankBy::Closeness,
                },
                types: a.types,
                top: a.top,
            })?;
            emit(&a.graph, &r, |out| text::ranking(out, &r))?;
            save_result(&ex, Covered::Ranking(&r), &a.export)?;
            Ok(exit::OK)
        }
        Command::Communities(a) => {
            let loaded = Loaded::open(&a.graph)?;
            let c = loaded.explorer().communities(a.min_size);
            emit(&a.graph, &c, |out| {
                text::communities(out, &c, Style { color, width: 0 })
            })?;
            if c.communities.is_empty() {
                eprintln!("kg: no community with at least {} members", a.min_size);
                return Ok(exit::NO_RESULT);
            }
            Ok(exit::OK)
        }
        Command::Match(a) => {
            // A syntax error is reported before the graph is read.
            kg::query::pattern::parse(&a.pattern)?;
            let loaded = Loaded::open(&a.graph)?;
            let ex = loaded.explorer();
            let m = ex.find(&MatchQuery {
                pattern: a.pattern,
                evidence: evidence(&a.evidence, &a.graph),
                limit: usize::MAX,
            })?;
            emit(&a.graph, &m, |out| {
                text::matches(out, &m, style(color, &a.evidence))
            })?;
            save_result(&ex, Covered::Match(&m), &a.export)?;
            if m.rows.is_empty() {
                eprintln!("kg: no match");
                return Ok(exit::NO_RESULT);
            }
            Ok(exit::OK)
        }
        Command::Serve(a) => serve(a),
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut Cli::command(), "kg", &mut out);
            out.flush()?;
            Ok(exit::OK)
        }
    }
}

/// A loaded graph and its merge log, for one command.
struct Loaded {
    graph: kg::graph::KnowledgeGraph,
    merges: Vec<kg::graph::MergeRecord>,
}

impl Loaded {
    fn open(args: &GraphArgs) -> anyhow::Result<Loaded> {
        ensure_default_graph(args.graph.as_deref())?;
        let graph = kg::query::load_graph(args.graph.as_deref(), args.min_confidence)?;
        let merges = kg::query::read_merges(args.graph.as_deref())?;
        Ok(Loaded { graph, merges })
    }

    fn explorer(&self) -> Explorer<'_> {
        Explorer::new(&self.graph, &self.merges)
    }
}

fn filters(f: &FilterArgs) -> Filters {
    Filters {
        relations: f.relations.clone(),
        types: f.types.clone(),
    }
}

/// `--evidence`, else 3 sentences for people and all of them for `--json`.
fn evidence(e: &EvidenceArgs, g: &GraphArgs) -> EvidenceLimit {
    e.evidence.unwrap_or(if g.json {
        EvidenceLimit::All
    } else {
        EvidenceLimit::AtMost(3)
    })
}

fn style(color: bool, e: &EvidenceArgs) -> Style {
    Style {
        color,
        width: width(e.width),
    }
}

fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Prints `value` as JSON under `--json`, else through `human`.
fn emit<T: Serialize>(
    g: &GraphArgs,
    value: &T,
    human: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    if g.json {
        return print_json(value);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    human(&mut out)?;
    out.flush()?;
    Ok(())
}

fn save_result(ex: &Explorer<'_>, covered: Covered<'_>, args: &SaveArgs) -> anyhow::Result<()> {
    let (Some(format), Some(out)) = (args.export, args.out.as_deref()) else {
        return Ok(());
    };
    let format = match format {
        SaveFormat::Json => LibSaveFormat::Json,
        SaveFormat::Dot => LibSaveFormat::Dot,
    };
    save::save(ex.graph(), &ex.selection(covered), format, out)?;
    Ok(())
}

fn export(args: args::ExportArgs) -> anyhow::Result<u8> {
    let job = ExportJob {
        graph: args.graph,
        format: args.format,
        out: args.out,
        options: ExportOptions {
            render: kg::export::render::RenderOptions {
                style: dot::DotStyle {
                    edge_labels: match args.edge_labels {
                        EdgeLabelsArg::Auto => dot::EdgeLabels::Auto,
                        EdgeLabelsArg::All => dot::EdgeLabels::All,
                        EdgeLabelsArg::None => dot::EdgeLabels::None,
                    },
                    cluster_by: args.cluster_by.map(|c| match c {
                        ClusterByArg::Type => dot::ClusterBy::Type,
                    }),
                    legend: !args.no_legend,
                    isolated: match args.isolated {
                        args::IsolatedArg::Hide => dot::Isolated::Hide,
                        args::IsolatedArg::Show => dot::Isolated::Show,
                    },
                    ..dot::DotStyle::default()
                },
                layout: args.layout.map(|l| match l {
                    LayoutArg::Dot => LayoutEngine::Dot,
                    LayoutArg::Neato => LayoutEngine::Neato,
                    LayoutArg::Sfdp => LayoutEngine::Sfdp,
                    LayoutArg::Fdp => LayoutEngine::Fdp,
                    LayoutArg::Twopi => LayoutEngine::Twopi,
                    LayoutArg::Circo => LayoutEngine::Circo,
                }),
                renderer: match args.renderer {
                    RendererArg::Graphviz => Renderer::Graphviz,
                    RendererArg::Builtin => Renderer::Builtin,
                },
            },
            links_key: args.links_key,
        },
    };
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let written = kg::export::run(&job, &mut stdout.lock(), terminal)?;
    if let Some(path) = &job.out {
        eprintln!(
            "kg: wrote {} ({} nodes, {} edges) to {}",
            job.format,
            written.nodes,
            written.edges,
            path.display()
        );
    }
    Ok(exit::OK)
}

fn serve(a: ServeArgs) -> anyhow::Result<u8> {
    if !a.bind.is_loopback() && !a.allow_remote {
        return Err(Usage(format!(
            "--bind {} is not a loopback address: it would expose the graph to the network; \
             add --allow-remote to mean it",
            a.bind
        ))
        .into());
    }
    let g = GraphArgs {
        graph: a.graph.clone(),
        json: false,
        min_confidence: a.min_confidence,
    };
    let loaded = Loaded::open(&g)?;
    let options = kg::serve::ServeOptions {
        addr: std::net::SocketAddr::new(a.bind, a.port),
        threads: usize::from(a.threads),
        ..kg::serve::ServeOptions::default()
    };
    let server = kg::serve::Server::bind(&options)?;
    eprintln!(
        "kg: serving {} ({} entities, {} edges) on http://{}/api/ (Ctrl-C stops)",
        a.graph
            .as_deref()
            .unwrap_or(std::path::Path::new(kg::query::DEFAULT_GRAPH))
            .display(),
        loaded.graph.node_count(),
        loaded.graph.edge_count(),
        server.local_addr()
    );
    server.run(&loaded.graph, &loaded.merges, &options)?;
    Ok(exit::OK)
}

/// A command-line mistake found after parsing.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Usage(String);

fn build(args: BuildArgs, color: bool) -> anyhow::Result<u8> {
    let config = BuildConfig {
        inputs: args.inputs,
        lexicons: args.lexicons,
        rules: args.rules,
        merges: args.merges,
        builtin_only: args.builtin_only,
        min_confidence: args.min_confidence,
        threads: args.threads.map(usize::from),
        keep_going: args.keep_going,
        max_article_bytes: args.max_article_mib.map(|m| u64::from(m) << 20),
        max_evidence: args.max_evidence.map(|n| n as usize),
        evidence_file: args.evidence_file,
        update: args.update,
        ..Default::default()
    };
    let bar = progress::Bar::new("read", !args.quiet && !args.json);
    let summary = kg::pipeline::build_with(&config, &args.out, &bar)?;
    finish(&summary, &bar, args.json, args.quiet, color)
}

fn extract(args: ExtractArgs) -> anyhow::Result<u8> {
    let config = BuildConfig {
        inputs: args.inputs,
        lexicons: args.lexicons,
        rules: args.rules,
        builtin_only: args.builtin_only,
        threads: args.threads.map(usize::from),
        keep_going: args.keep_going,
        max_article_bytes: args.max_article_mib.map(|m| u64::from(m) << 20),
        ..Default::default()
    };
    let bar = progress::Bar::new("extracted", !args.quiet);
    match &args.output {
        Some(path) => {
            kg::pipeline::extract_claims_to_file(&config, path, &bar)?;
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            kg::pipeline::extract_claims(&config, &mut out, &bar)?;
        }
    }
    if !args.quiet || bar.skipped_count() > 0 {
        eprintln!("{}", bar.totals_line());
    }
    Ok(exit::OK)
}

fn merge(args: MergeArgs, color: bool) -> anyhow::Result<u8> {
    let config = BuildConfig {
        merges: args.merges,
        min_confidence: args.min_confidence,
        threads: args.threads.map(usize::from),
        max_evidence: args.max_evidence.map(|n| n as usize),
        evidence_file: args.evidence_file,
        ..Default::default()
    };
    let bar = progress::Bar::new("merged", !args.quiet && !args.json);
    let summary = kg::pipeline::merge_claims(&config, &args.claims, &args.out, &bar)?;
    finish(&summary, &bar, args.json, args.quiet, color)
}

/// The summary (JSON on stdout, or the report on stderr) and the closing totals line.
fn finish(
    summary: &kg::pipeline::Summary,
    bar: &progress::Bar,
    json: bool,
    quiet: bool,
    color: bool,
) -> anyhow::Result<u8> {
    // Warnings are shown even with --quiet or --json: each one is an input to fix.
    for warning in &summary.warnings {
        eprintln!("kg: warning: {warning}");
    }
    if json {
        print_json(summary)?;
    } else if !quiet {
        kg::report::print_summary(&mut std::io::stderr().lock(), summary, color)?;
    }
    if (!quiet && !json) || bar.skipped_count() > 0 {
        eprintln!("{}", bar.totals_line());
    }
    Ok(exit::OK)
}

/// Query and export commands read `output/graph.json` by default; when it is missing and
/// the bundled articles are here, build it first (and say so) instead of failing.
fn ensure_default_graph(given: Option<&std::path::Path>) -> anyhow::Result<()> {
    let default = std::path::Path::new(kg::query::DEFAULT_GRAPH);
    let input = std::path::Path::new(kg::pipeline::DEFAULT_INPUT);
    if given.is_some() || default.exists() || !input.is_dir() {
        return Ok(());
    }
    eprintln!(
        "kg: {} not found; building it from {} first",
        default.display(),
        input.display()
    );
    let out = default.parent().unwrap_or(std::path::Path::new("."));
    kg::pipeline::build(&BuildConfig::default(), out)?;
    Ok(())
}

/// The error and its causes on one line, without repeating a cause the message already shows.
fn chain(err: &anyhow::Error) -> String {
    let mut msg = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    msg
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `{"error": ...}`, what `--json` prints when a command fails.
#[derive(Serialize)]
struct ErrorBody {
    error: kg::query::ErrorReport,
}

fn error_report(err: &anyhow::Error) -> kg::query::ErrorReport {
    if let Some(q) = err.chain().find_map(|c| c.downcast_ref::<QueryError>()) {
        return q.report();
    }
    let kind = match exit_code(err) {
        exit::BAD_INPUT => FailureKind::BadGraph,
        exit::USAGE => FailureKind::BadRequest,
        _ => FailureKind::Output,
    };
    kg::query::ErrorReport {
        kind,
        message: chain(err),
        suggestions: Vec::new(),
        candidates: Vec::new(),
        column: None,
    }
}

/// The exit code of a failure: the one table (see [`exit`]).
fn exit_code(err: &anyhow::Error) -> u8 {
    use kg::pipeline::BuildError;
    for cause in err.chain() {
        if let Some(q) = cause.downcast_ref::<QueryError>() {
            return match q.kind() {
                FailureKind::UnknownEntity
                | FailureKind::AmbiguousName
                | FailureKind::Syntax
                | FailureKind::Refused
                | FailureKind::BadRequest => exit::USAGE,
                FailureKind::TooBig => exit::TOO_BIG,
                FailureKind::BadGraph => exit::BAD_INPUT,
                FailureKind::Output => exit::OUTPUT,
            };
        }
        if let Some(e) = cause.downcast_ref::<ExportError>() {
            return match e {
                ExportError::Input(_) => exit::BAD_INPUT,
                ExportError::NeedsDirectory(_) | ExportError::BinaryToTerminal(_) => exit::USAGE,
                _ => exit::OUTPUT,
            };
        }
        if let Some(b) = cause.downcast_ref::<BuildError>() {
            return match b {
                BuildError::Write { .. } => exit::OUTPUT,
                _ => exit::BAD_INPUT,
            };
        }
        if cause.is::<kg::serve::ServeError>() {
            return exit::SERVE;
        }
        if cause.is::<Usage>() {
            return exit::USAGE;
        }
        if cause.is::<kg::text::TextError>()
            || cause.is::<kg::claims::ClaimsError>()
            || cause.is::<kg::graph::GraphError>()
            || cause.is::<kg::extract::KnowledgeError>()
            || cause.is::<kg::eval::EvalError>()
        {
            return exit::BAD_INPUT;
        }
    }
    exit::OUTPUT
}
