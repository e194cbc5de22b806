//! Human-readable reports printed by the CLI (the build summary).

use crate::pipeline::Summary;
use std::io::{self, Write};

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Prints the build summary: entities by type, relations by type, conflicts, files.
pub fn print_summary(out: &mut dyn Write, s: &Summary, color: bool) -> io::Result<()> {
    let (b, r) = if color { (BOLD, RESET) } else { ("", "") };
    let entities: usize = s.entities.values().sum();
    let relations: usize = s.relations.values().sum();
    writeln!(
        out,
        "{b}kg build{r}: {} document(s), {entities} entities, {relations} relations ({} evidence), {} conflict(s), {} merge(s)",
        s.documents, s.evidence, s.conflicts, s.merges
    )?;
    let width = s
        .entities
        .keys()
        .map(|k| k.as_str().len())
        .chain(s.relations.keys().map(|k| k.as_str().len()))
        .max()
        .unwrap_or(0);
    writeln!(out, "  {b}entities{r}")?;
    for (k, n) in &s.entities {
        writeln!(out, "    {:<width$}  {n:>5}", k.as_str())?;
    }
    writeln!(out, "  {b}relations{r}")?;
    for (k, n) in &s.relations {
        writeln!(out, "    {:<width$}  {n:>5}", k.as_str())?;
    }
    for f in &s.files {
        writeln!(out, "  wrote {}", f.display())?;
    }
    Ok(())
}
