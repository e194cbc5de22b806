//! The `kg` binary: parse arguments, call the library, map errors to exit codes.

use clap::{CommandFactory, Parser};
use kg::cli::{Cli, Command, exit};
use std::io::Write;
use std::process::ExitCode;

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
    match cli.command.unwrap_or(Command::Build(Default::default())) {
        Command::Build(args) => {
            let _ = (args, color);
            anyhow::bail!("kg build is not wired yet")
        }
        Command::Path(args) => Ok(kg::query::commands::path(&args, color)?),
        Command::Neighbors(args) => Ok(kg::query::commands::neighbors(&args, color)?),
        Command::Show(args) => Ok(kg::query::commands::show(&args, color)?),
        Command::Stats(args) => Ok(kg::query::commands::stats_cmd(&args, color)?),
        Command::Rank(args) => Ok(kg::query::commands::rank(&args, color)?),
        Command::Communities(args) => Ok(kg::query::commands::communities(&args, color)?),
        Command::Match(args) => Ok(kg::query::commands::match_cmd(&args, color)?),
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut Cli::command(), "kg", &mut out);
            out.flush()?;
            Ok(exit::OK)
        }
    }
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
    for cause in err.chain() {
        if let Some(q) = cause.downcast_ref::<kg::query::QueryError>() {
            return q.exit_code();
        }
        if cause.is::<kg::text::TextError>() || cause.is::<kg::graph::GraphError>() {
            return exit::BAD_INPUT;
        }
    }
    exit::OUTPUT
}
