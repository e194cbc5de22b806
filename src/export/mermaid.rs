//! Mermaid flowcharts (`flowchart LR`) for pasting a graph into Markdown.
//!
//! Mermaid's grammar is fragile around names: a bare `end` closes a subgraph, `"` ends a
//! label, `%%{` starts a directive anywhere in the text, `#word;` is an entity. So node ids
//! are generated (`n0`, `n1`, ... in entity-id order), every name sits in a quoted label,
//! and [`escape_label`] turns each character Mermaid reads specially into an entity code.
//! One `classDef` per entity type and one `linkStyle` per relation carry the same colours
//! as the DOT drawing.

use crate::export::dot::{kind_style, relation_style};
use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Escapes text for a double-quoted Mermaid label.
///
/// `"`, `#`, `%`, `&`, `<`, `>`, `` ` ``, `|`, `{`, `}` become Mermaid entity codes
/// (`#quot;`, `#35;`, ...), which Mermaid decodes back to the character when drawing; line
/// breaks become `<br/>`, Mermaid's own line break in labels.
pub fn escape_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '%' => out.push_str("#37;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br/>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The opening and closing brackets of a node of this type (Mermaid shapes).
fn shape(kind: EntityKind) -> (&'static str, &'static str) {
    match kind {
        EntityKind::Country => ("([", "])"),
        EntityKind::Organization => ("[", "]"),
        EntityKind::Person => ("(", ")"),
        EntityKind::Initiative => ("[[", "]]"),
        EntityKind::Place => ("[/", "/]"),
        EntityKind::Event => ("{{", "}}"),
    }
}

/// Mermaid `linkStyle` dash pattern for a DOT line style.
fn dash(line: &str) -> &'static str {
    match line {
        "dashed" => ",stroke-dasharray:6 4",
        "dotted" => ",stroke-dasharray:2 3",
        "bold" => ",stroke-width:2.5px",
        _ => "",
    }
}

/// The Mermaid flowchart of `graph`, newline-terminated.
pub fn to_mermaid(graph: &KnowledgeGraph) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut ids: HashMap<&str, String> = HashMap::new();
    let mut kinds: BTreeMap<EntityKind, ()> = BTreeMap::new();
    for (n, e) in graph.entities().enumerate() {
        let id = format!("n{n}");
        let (open, close) = shape(e.kind);
        let _ = writeln!(
            out,
            "    {id}{open}\"{}\"{close}:::{}",
            escape_label(&e.label),
            e.kind
        );
        kinds.insert(e.kind, ());
        ids.insert(e.id.as_str(), id);
    }
    let mut by_relation: BTreeMap<RelationKind, Vec<usize>> = BTreeMap::new();
    for (n, e) in graph.sorted_edges().iter().enumerate() {
        let kind = e.relation.kind;
        let arrow = if kind.is_symmetric() { "---" } else { "-->" };
        let _ = writeln!(
            out,
            "    {} {arrow}|\"{}\"| {}",
            ids[e.source.id.as_str()],
            escape_label(kind.as_str()),
            ids[e.target.id.as_str()],
        );
        by_relation.entry(kind).or_default().push(n);
    }
    for kind in kinds.keys() {
        let (fill, border, _) = kind_style(*kind);
        let _ = writeln!(
            out,
            "    classDef {kind} fill:{fill},stroke:{border},color:#111"
        );
    }
    for (kind, edges) in by_relation {
        let (color, line) = relation_style(kind);
        let list: Vec<String> = edges.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:{color},color:{color}{}",
            list.join(","),
            dash(line)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_label_removes_every_mermaid_special() {
        let hostile = "a \"q\" #x; 50% <b>&amp; `md` |p| {c}\nend";
        let esc = escape_label(hostile);
        for bad in ['"', '%', '<', '>', '`', '|', '{', '}', '\n'] {
            let stray = esc.replace("<br/>", "");
            assert!(!stray.contains(bad), "{bad:?} left in {esc}");
        }
        assert_eq!(escape_label("say \"hi\""), "say #quot;hi#quot;");
        assert_eq!(escape_label("a#b"), "a#35;b");
        assert_eq!(escape_label("two\r\nlines"), "two<br/>lines");
        assert_eq!(escape_label("上海合作组织"), "上海合作组织");
    }
}
