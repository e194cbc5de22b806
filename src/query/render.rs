//! Human output of the query commands: aligned tables, hops with their evidence, optional
//! colour (ANSI, only when the caller enabled it).

use crate::graph::KnowledgeGraph;
use crate::query::paths::Hop;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Styles text when colour is on.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit ANSI escapes.
    pub color: bool,
}

impl Style {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// An entity name.
    pub fn entity(self, text: &str) -> String {
        self.wrap("1", text)
    }

    /// A relation name.
    pub fn relation(self, text: &str) -> String {
        self.wrap("36", text)
    }

    /// Secondary text (documents, ids).
    pub fn dim(self, text: &str) -> String {
        self.wrap("2", text)
    }

    /// A heading.
    pub fn heading(self, text: &str) -> String {
        self.wrap("1;4", text)
    }
}

/// Writes rows as columns padded to their display width (CJK counts double), with a header.
pub fn table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.width());
            }
        }
    }
    let line = |out: &mut dyn Write, cells: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
        let mut s = String::new();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(cell);
            if i + 1 < widths.len() {
                s.push_str(&" ".repeat(widths[i].saturating_sub(cell.width())));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &mut header.iter().copied())?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(out, &mut rule.iter().map(String::as_str))?;
    for row in rows {
        line(out, &mut row.iter().map(String::as_str))?;
    }
    Ok(())
}

/// `A —rel→ B` in walking order; when the walk goes against the stored direction the arrow
/// points back: `B ←rel— A`.
pub fn hop_text(graph: &KnowledgeGraph, hop: &Hop, style: Style) -> String {
    let g = graph.petgraph();
    let (from, to) = (&g[hop.from].label, &g[hop.to].label);
    let rel = style.relation(g[hop.edge].kind.as_str());
    if hop.forward {
        format!("{} —{rel}→ {}", style.entity(from), style.entity(to))
    } else {
        format!("{} ←{rel}— {}", style.entity(from), style.entity(to))
    }
}

/// The evidence of an edge, one sentence per line, indented, with its document.
pub fn evidence_lines(
    out: &mut impl Write,
    graph: &KnowledgeGraph,
    edge: petgraph::stable_graph::EdgeIndex,
    indent: &str,
    style: Style,
) -> io::Result<()> {
    for ev in &graph.petgraph()[edge].evidence {
        let sentence = ev.sentence.split_whitespace().collect::<Vec<_>>().join(" ");
        writeln!(
            out,
            "{indent}“{sentence}” {}",
            style.dim(&format!("({} {}..{})", ev.document, ev.start, ev.end))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_cjk_by_display_width() {
        let mut out = Vec::new();
        let rows = vec![
            vec!["上海".to_string(), "x".to_string()],
            vec!["ab".to_string(), "y".to_string()],
        ];
        table(&mut out, &["name", "v"], &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "name  v\n----  -\n上海  x\nab    y\n");
    }
}
