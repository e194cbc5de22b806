//! The `kg` binary: parse arguments, call the library, map errors to exit codes.

use clap::{CommandFactory, Parser};
use kg::cli::{BuildArgs, Cli, Command, ExtractArgs, MergeArgs, exit};
use kg::pipeline::BuildConfig;
use std::io::Write;
use std::process::ExitCode;

// Loading and extraction allocate tens of millions of small strings; mimalloc does that
// faster than the system allocator and, with fewer fresh pages per megabyte, touches less
// memory (benches/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("kg: error: {}", chain(&err));
            ExitCode::from(exit_code(&err))
        }
    }
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
            kg::export::run(&args)?;
            Ok(exit::OK)
        }
        Command::Path(args) => {
            ensure_default_graph(args.graph.graph.as_deref())?;
            Ok(kg::query::commands::path(&args, color)?)
        }
        Command::Neighbors(args) => {
            ensure_default_graph(args.graph.graph.as_deref())?;
            Ok(kg::query::commands::neighbors(&args, color)?)
        }
        Command::Show(args) => {
            ensure_default_graph(args.graph.graph.as_deref())?;
            Ok(kg::query::commands::show(&args, color)?)
        }
        Command::Stats(args) => {
            ensure_default_graph(args.graph.graph.as_deref())?;
            Ok(kg::query::commands::stats_cmd(&args, color)?)
        }
        Command::Rank(args) => {
            ensure_default_graph(args.graph.graph.as_deref())?;
            Ok(kg::query::commands::rank(&args, color)?)
        }
        Command::Communities(args) => {
            ensure_default_graph(args.graph.graph.as_deref())?;
            Ok(kg::query::commands::communities(&args, color)?)
        }
        Command::Match(args) => {
            ensure_default_graph(args.graph.graph.as_deref())?;
            Ok(kg::query::commands::match_cmd(&args, color)?)
        }
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut Cli::command(), "kg", &mut out);
            out.flush()?;
            Ok(exit::OK)
        }
    }
}

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
        max_evidence: args.max_evidence.map(|n| n as usize),
        evidence_file: args.evidence_file,
        update: args.update,
        ..Default::default()
    };
    let bar = kg::progress::Bar::new("read", !args.quiet && !args.json);
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
        ..Default::default()
    };
    let bar = kg::progress::Bar::new("extracted", !args.quiet);
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
    let bar = kg::progress::Bar::new("merged", !args.quiet && !args.json);
    let summary = kg::pipeline::merge_claims(&config, &args.claims, &args.out, &bar)?;
    finish(&summary, &bar, args.json, args.quiet, color)
}

/// The summary (JSON on stdout, or the report on stderr) and the closing totals line.
fn finish(
    summary: &kg::pipeline::Summary,
    bar: &kg::progress::Bar,
    json: bool,
    quiet: bool,
    color: bool,
) -> anyhow::Result<u8> {
    if json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, summary)?;
        writeln!(out)?;
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

fn exit_code(err: &anyhow::Error) -> u8 {
    use kg::pipeline::BuildError;
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<kg::export::ExportError>() {
            return e.exit_code();
        }
        if let Some(b) = cause.downcast_ref::<BuildError>() {
            return match b {
                BuildError::Write { .. } => exit::OUTPUT,
                _ => exit::BAD_INPUT,
            };
        }
        if cause.is::<kg::text::TextError>()
            || cause.is::<kg::claims::ClaimsError>()
            || cause.is::<kg::graph::GraphError>()
            || cause.is::<kg::extract::KnowledgeError>()
            || cause.is::<kg::eval::EvalError>()
        {
            return exit::BAD_INPUT;
        }
        if let Some(q) = cause.downcast_ref::<kg::query::QueryError>() {
            return q.exit_code();
        }
    }
    exit::OUTPUT
}
