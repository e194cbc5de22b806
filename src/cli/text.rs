//! Human output of the query commands: evidence-first edge blocks, entity cards, aligned
//! tables, optional colour.
//!
//! Every edge is shown with its sentences wrapped to the width, the two mentions marked
//! (bold yellow on a terminal, `[brackets]` without colour), then one line of where the
//! sentence comes from: document and offsets, rule, reading, confidence and date.

use kg::model::When;
use kg::query::centrality::Stats;
use kg::query::explore::{
    Cell, Communities, EntityCard, MatchTable, Neighborhood, PathResult, PathStep, Ranking,
};
use kg::query::{EdgeView, EvidenceView, RankBy};
use std::io::{self, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How to draw: colour or not, and the column to wrap at (0: no wrapping).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit ANSI escapes.
    pub color: bool,
    /// Wrap width in columns; 0 does not wrap.
    pub width: usize,
}

/// ANSI style of a marked mention: bold yellow.
const MENTION: &str = "1;33";

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn entity(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn relation(self, text: &str) -> String {
        self.paint("36", text)
    }

    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    fn heading(self, text: &str) -> String {
        self.paint("1;4", text)
    }

    fn warn(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    fn inferred(self, text: &str) -> String {
        self.paint("35", text)
    }
}

/// A character of wrapped text and whether it belongs to a marked mention.
type Atom = (char, bool);

/// Lays `atoms` out in lines of at most `style.width` columns (first line after
/// `first`, the others after `rest`), breaking at spaces and around wide (CJK) characters,
/// and paints marked runs when colour is on.
fn wrap(atoms: &[Atom], first: &str, rest: &str, style: Style) -> Vec<String> {
    // Units that may not be split: runs of narrow non-space characters, single wide ones.
    let mut units: Vec<(bool, Vec<Atom>)> = Vec::new(); // (space before, atoms)
    let mut space = false;
    for &(c, marked) in atoms {
        if c == ' ' {
            space = true;
            continue;
        }
        let wide = c.width() == Some(2);
        let joins = !space
            && !wide
            && units
                .last()
                .is_some_and(|(_, u)| u.last().is_some_and(|&(p, _)| p.width() != Some(2)));
        if joins {
            units.last_mut().expect("checked").1.push((c, marked));
        } else {
            units.push((space, vec![(c, marked)]));
        }
        space = false;
    }
    let mut lines: Vec<Vec<Atom>> = vec![Vec::new()];
    let mut used = first.width();
    for (space, unit) in units {
        let w: usize = unit.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
        let line = lines.last_mut().expect("one line");
        let gap = usize::from(space && !line.is_empty());
        if style.width > 0 && !line.is_empty() && used + gap + w > style.width {
            lines.push(unit);
            used = rest.width() + w;
        } else {
            if gap == 1 {
                // A space between two marked characters stays marked.
                let marked = line.last().is_some_and(|a| a.1) && unit[0].1;
                line.push((' ', marked));
            }
            used += gap + w;
            line.extend(unit);
        }
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut s = String::from(if i == 0 { first } else { rest });
            let mut open = false;
            for &(c, marked) in line {
                if style.color && marked != open {
                    if marked {
                        s.push_str(&format!("\x1b[{MENTION}m"));
                    } else {
                        s.push_str("\x1b[0m");
                    }
                    open = marked;
                }
                s.push(c);
            }
            if open {
                s.push_str("\x1b[0m");
            }
            s
        })
        .collect()
}

/// The sentence in quotes as atoms: whitespace runs folded to one space, mentions marked
/// (and bracketed when there is no colour).
fn sentence_atoms(ev: &EvidenceView, color: bool) -> Vec<Atom> {
    let mut atoms: Vec<Atom> = vec![('“', false)];
    let mut spans = ev.mentions.iter().peekable();
    let mut inside: Option<usize> = None;
    for (i, c) in ev.sentence.trim().char_indices() {
        let i = i + (ev.sentence.len() - ev.sentence.trim_start().len());
        if let Some(end) = inside
            && i >= end
        {
            inside = None;
            if !color {
                atoms.push((']', false));
            }
        }
        while spans.peek().is_some_and(|m| m.end <= i) {
            spans.next();
        }
        if inside.is_none()
            && let Some(m) = spans.peek()
            && m.start == i
        {
            inside = Some(m.end);
            spans.next();
            if !color {
                atoms.push(('[', false));
            }
        }
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' && atoms.last().is_some_and(|a| a.0 == ' ') {
            continue;
        }
        atoms.push((c, inside.is_some()));
    }
    if inside.is_some() && !color {
        atoms.push((']', false));
    }
    atoms.push(('”', false));
    atoms
}

fn plain_atoms(text: &str) -> Vec<Atom> {
    text.chars().map(|c| (c, false)).collect()
}

/// `since 2018`, `until 2023`, `2006–2008`, `in 2001`.
pub fn when_text(w: &When) -> Option<String> {
    match (&w.start, &w.end, &w.point) {
        (_, _, Some(p)) => Some(format!("in {p}")),
        (Some(s), Some(e), None) => Some(format!("{s}–{e}")),
        (Some(s), None, None) => Some(format!("since {s}")),
        (None, Some(e), None) => Some(format!("until {e}")),
        (None, None, None) => None,
    }
}

/// The line naming where a sentence comes from; it breaks only between its parts (the
/// spaces inside a part are no-break spaces until [`unglue`]).
fn source_line(ev: &EvidenceView) -> String {
    let mut parts = vec![
        format!("{} {}..{}", ev.document, ev.start, ev.end),
        ev.rule.clone(),
        ev.reading.as_str().to_string(),
        format!("{:.2}", ev.confidence),
    ];
    if let Some(w) = ev.when.as_ref().and_then(when_text) {
        parts.push(w);
    }
    parts
        .iter()
        .map(|p| p.replace(' ', "\u{a0}"))
        .collect::<Vec<_>>()
        .join("\u{a0}· ")
}

fn unglue(line: &str) -> String {
    line.replace('\u{a0}', " ")
}

/// `A —rel→ B` in walking order; against the stored direction the arrow points back.
fn hop_text(from: &str, to: &str, rel: &str, forward: bool, style: Style) -> String {
    let rel = style.relation(rel);
    if forward {
        format!("{} —{rel}→ {}", style.entity(from), style.entity(to))
    } else {
        format!("{} ←{rel}— {}", style.entity(from), style.entity(to))
    }
}

/// Writes one edge: the hop line with its marks, then each sentence and its source.
fn edge_block(
    out: &mut dyn Write,
    edge: &EdgeView,
    forward: bool,
    indent: &str,
    style: Style,
) -> io::Result<()> {
    let (from, to) = if forward {
        (&edge.source_label, &edge.target_label)
    } else {
        (&edge.target_label, &edge.source_label)
    };
    let hop = hop_text(from, to, edge.relation.as_str(), forward, style);
    let confidence = format!("confidence {:.2}", edge.confidence);
    // The plain width of the hop line decides whether the confidence still fits on it.
    let hop_width = indent.width()
        + from.width()
        + to.width()
        + edge.relation.as_str().width()
        + 5
        + 2
        + confidence.width();
    let mut marks: Vec<String> = Vec::new();
    if style.width == 0 || hop_width <= style.width {
        writeln!(out, "{indent}{hop}  {}", style.dim(&confidence))?;
    } else {
        writeln!(out, "{indent}{hop}")?;
        marks.push(confidence);
    }
    if edge.inferred {
        marks.push("[inferred]".to_string());
    }
    for reason in &edge.conflicts {
        marks.push(format!("[conflict: {reason}]"));
    }
    if !marks.is_empty() {
        let lead = format!("{indent}    ");
        let text = marks.join("  ");
        for line in wrap(&plain_atoms(&text), &lead, &lead, style) {
            let painted = if edge.conflicts.is_empty() && !edge.inferred {
                style.dim(&line)
            } else if edge.conflicts.is_empty() {
                style.inferred(&line)
            } else {
                style.warn(&line)
            };
            writeln!(out, "{painted}")?;
        }
    }
    let (quote, meta) = (format!("{indent}    "), format!("{indent}      "));
    let quote_rest = format!("{indent}     ");
    for ev in &edge.evidence {
        for line in wrap(&sentence_atoms(ev, style.color), &quote, &quote_rest, style) {
            writeln!(out, "{line}")?;
        }
        let source = wrap(&plain_atoms(&source_line(ev)), &meta, &meta, style);
        for line in source {
            writeln!(out, "{}", style.dim(&unglue(&line)))?;
        }
    }
    let more = edge.evidence_total - edge.evidence.len();
    if more > 0 {
        let s = if more == 1 { "" } else { "s" };
        writeln!(
            out,
            "{quote}{}",
            style.dim(&format!("… and {more} more sentence{s} (--evidence all)"))
        )?;
    }
    Ok(())
}

fn step_block(out: &mut dyn Write, step: &PathStep, indent: &str, style: Style) -> io::Result<()> {
    edge_block(out, &step.edge, step.forward, indent, style)
}

/// `kg path`.
pub fn path(out: &mut dyn Write, r: &PathResult, style: Style) -> io::Result<()> {
    for (i, p) in r.paths.iter().enumerate() {
        if r.paths.len() > 1 {
            if i > 0 {
                writeln!(out)?;
            }
            let evidence: usize = p.edges.iter().map(|s| s.edge.evidence_total).sum();
            let heading = format!(
                "path {} ({} hops, {evidence} evidence)",
                i + 1,
                p.edges.len()
            );
            writeln!(out, "{}", style.heading(&heading))?;
        }
        if p.edges.is_empty() {
            writeln!(
                out,
                "{} is {}",
                style.entity(&r.from.label),
                style.entity(&r.to.label)
            )?;
        }
        for step in &p.edges {
            step_block(out, step, "", style)?;
        }
    }
    Ok(())
}

/// `kg neighbors`.
pub fn neighbors(out: &mut dyn Write, r: &Neighborhood, style: Style) -> io::Result<()> {
    let n = r.neighbors.len();
    let heading = format!(
        "{}: {n} neighbour{} within {} hop{}",
        r.center.label,
        if n == 1 { "" } else { "s" },
        r.depth,
        if r.depth == 1 { "" } else { "s" }
    );
    writeln!(out, "{}", style.heading(&heading))?;
    for nb in &r.neighbors {
        writeln!(
            out,
            "\n{} · {} · depth {}",
            style.entity(&nb.entity.label),
            nb.entity.kind,
            nb.depth
        )?;
        step_block(out, &nb.via, "  ", style)?;
    }
    Ok(())
}

/// `kg show`.
pub fn card(out: &mut dyn Write, c: &EntityCard, style: Style) -> io::Result<()> {
    writeln!(out, "{}", style.heading(&c.label))?;
    let mut fields = vec![("id", c.id.clone()), ("type", c.kind.to_string())];
    if !c.aliases.is_empty() {
        fields.push(("aliases", c.aliases.join(", ")));
    }
    if let Some(q) = &c.wikidata {
        fields.push(("wikidata", q.clone()));
    }
    for (k, v) in &fields {
        writeln!(out, "  {k:<10}{v}")?;
    }
    let mut current = None;
    for r in &c.relations {
        let kind = r.edge.relation;
        if current != Some(kind) {
            let count = c
                .relations
                .iter()
                .filter(|x| x.edge.relation == kind)
                .count();
            writeln!(out, "\n{} ({count})", style.relation(kind.as_str()))?;
            current = Some(kind);
        }
        edge_block(out, &r.edge, r.outgoing, "  ", style)?;
    }
    if c.relations.is_empty() {
        writeln!(out, "\nno relations")?;
    }
    if !c.conflicts.is_empty() {
        writeln!(out, "\n{}", style.heading("conflicts"))?;
        for x in &c.conflicts {
            writeln!(
                out,
                "  {} {} / {} {}: {}",
                x.subject_label, x.relations[0], x.relations[1], x.object_label, x.reason
            )?;
        }
    }
    if !c.merges.is_empty() {
        writeln!(out, "\n{}", style.heading("merges"))?;
        for m in &c.merges {
            writeln!(
                out,
                "  {} '{}' from {}: {}",
                m.kind, m.label, m.document, m.reason
            )?;
        }
    }
    Ok(())
}

/// `kg match`: one block per row, the bindings then the edges the row uses.
pub fn matches(out: &mut dyn Write, m: &MatchTable, style: Style) -> io::Result<()> {
    let n = m.rows.len();
    writeln!(
        out,
        "{}",
        style.heading(&format!("{n} match{}", if n == 1 { "" } else { "es" }))
    )?;
    for (i, row) in m.rows.iter().enumerate() {
        let bindings: Vec<String> = m
            .columns
            .iter()
            .zip(&row.values)
            .map(|(col, v)| match v {
                Cell::Entity(e) => format!("{col} = {}", style.entity(&e.label)),
                Cell::Edges(es) => format!(
                    "{col} = {}",
                    style.relation(
                        &es.iter()
                            .map(|e| e.relation.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    )
                ),
            })
            .collect();
        let title = if bindings.is_empty() {
            format!("match {}", i + 1)
        } else {
            bindings.join(" · ")
        };
        writeln!(out, "\n{title}")?;
        for e in &row.edges {
            edge_block(out, e, true, "  ", style)?;
        }
    }
    Ok(())
}

/// Writes rows as columns padded to their display width (CJK counts double), with a header.
pub fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
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

/// `kg stats`.
pub fn stats(out: &mut dyn Write, s: &Stats, style: Style) -> io::Result<()> {
    let rows = vec![
        vec!["entities".into(), s.nodes.to_string()],
        vec!["edges".into(), s.edges.to_string()],
        vec!["evidence sentences".into(), s.evidence.to_string()],
        vec!["components".into(), s.components.to_string()],
        vec!["largest component".into(), s.largest_component.to_string()],
        vec!["isolated entities".into(), s.isolated.to_string()],
        vec!["density".into(), format!("{:.6}", s.density)],
        vec![
            "degree min/median/mean/max".into(),
            format!(
                "{}/{}/{:.2}/{}",
                s.degree_min, s.degree_median, s.degree_mean, s.degree_max
            ),
        ],
    ];
    writeln!(out, "{}", style.heading("graph"))?;
    table(out, &["measure", "value"], &rows)?;
    writeln!(out, "\n{}", style.heading("entities by type"))?;
    let rows: Vec<Vec<String>> = s
        .types
        .iter()
        .map(|(k, c)| vec![k.to_string(), c.to_string()])
        .collect();
    table(out, &["type", "count"], &rows)?;
    writeln!(out, "\n{}", style.heading("edges by relation"))?;
    let rows: Vec<Vec<String>> = s
        .relations
        .iter()
        .map(|(k, c)| vec![k.to_string(), c.to_string()])
        .collect();
    table(out, &["relation", "count"], &rows)?;
    writeln!(out, "\n{}", style.heading("degree distribution"))?;
    let rows: Vec<Vec<String>> = s
        .degree_histogram
        .iter()
        .map(|(d, c)| vec![d.to_string(), c.to_string()])
        .collect();
    table(out, &["degree", "entities"], &rows)
}

/// `kg rank` (a plain table: escape codes would break the alignment).
pub fn ranking(out: &mut dyn Write, r: &Ranking) -> io::Result<()> {
    let rows: Vec<Vec<String>> = r
        .ranking
        .iter()
        .map(|x| {
            vec![
                x.rank.to_string(),
                x.entity.label.clone(),
                x.entity.kind.to_string(),
                match r.by {
                    RankBy::Degree => format!("{}", x.score),
                    _ => format!("{:.6}", x.score),
                },
            ]
        })
        .collect();
    table(out, &["rank", "entity", "type", "score"], &rows)
}

/// `kg communities`.
pub fn communities(out: &mut dyn Write, c: &Communities, style: Style) -> io::Result<()> {
    for x in &c.communities {
        let names: Vec<&str> = x.members.iter().map(|m| m.label.as_str()).collect();
        writeln!(
            out,
            "{} ({} members): {}",
            style.heading(&format!("community {}", x.community)),
            x.size,
            names.join(", ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kg::model::Tier;
    use kg::query::{MentionSpan, Reading};

    fn ev(sentence: &str, spans: &[(usize, usize)]) -> EvidenceView {
        EvidenceView {
            document: "a.txt".into(),
            sentence: sentence.into(),
            start: 0,
            end: sentence.len(),
            rule: "r".into(),
            tier: Tier::Explicit,
            reading: Reading::Stated,
            confidence: 0.9,
            when: None,
            mentions: spans
                .iter()
                .map(|&(start, end)| MentionSpan {
                    entity: "e".into(),
                    start,
                    end,
                })
                .collect(),
        }
    }

    fn lines(sentence: &str, spans: &[(usize, usize)], color: bool, width: usize) -> Vec<String> {
        let style = Style { color, width };
        wrap(
            &sentence_atoms(&ev(sentence, spans), color),
            "  ",
            "   ",
            style,
        )
    }

    #[test]
    fn brackets_mark_mentions_and_lines_fit_the_width() {
        let s = "Chinese President Xi Jinping opened the summit of the Shanghai Cooperation Organization.";
        let got = lines(s, &[(18, 28), (54, 87)], false, 40);
        assert_eq!(
            got,
            [
                "  “Chinese President [Xi Jinping] opened",
                "   the summit of the [Shanghai",
                "   Cooperation Organization].”",
            ]
        );
        assert!(got.iter().all(|l| l.width() <= 40));
    }

    #[test]
    fn colour_reopens_a_mention_split_over_two_lines() {
        let s = "The summit of the Shanghai Cooperation Organization.";
        let got = lines(s, &[(18, 51)], true, 30);
        assert_eq!(got[0], "  “The summit of the \x1b[1;33mShanghai\x1b[0m");
        assert_eq!(got[1], "   \x1b[1;33mCooperation Organization\x1b[0m.”");
    }

    #[test]
    fn cjk_breaks_between_characters_and_width_zero_never_wraps() {
        let s = "中国是上海合作组织的创始成员国。";
        let got = lines(s, &[(0, 6)], false, 12);
        assert!(got.len() > 1, "{got:?}");
        assert!(got.iter().all(|l| l.width() <= 12), "{got:?}");
        assert_eq!(
            got.concat().replace(' ', ""),
            "“[中国]是上海合作组织的创始成员国。”"
        );
        let long = "word ".repeat(60);
        assert_eq!(lines(&long, &[], false, 0).len(), 1);
    }

    #[test]
    fn whitespace_runs_fold_to_one_space() {
        let got = lines("A\n  B\tC.", &[], false, 80);
        assert_eq!(got, ["  “A B C.”"]);
    }

    #[test]
    fn dates_read_naturally() {
        let w = |s: Option<&str>, e: Option<&str>, p: Option<&str>| When {
            start: s.map(String::from),
            end: e.map(String::from),
            point: p.map(String::from),
        };
        assert_eq!(
            when_text(&w(Some("2018"), None, None)).unwrap(),
            "since 2018"
        );
        assert_eq!(
            when_text(&w(None, Some("2023"), None)).unwrap(),
            "until 2023"
        );
        assert_eq!(
            when_text(&w(Some("2006"), Some("2008"), None)).unwrap(),
            "2006–2008"
        );
        assert_eq!(when_text(&w(None, None, Some("2001"))).unwrap(), "in 2001");
    }
}
