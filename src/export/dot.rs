//! Graphviz DOT: the styled drawing of a graph that `kg build` writes as `graph.dot`.
//!
//! The DOT text is built as a `dot_structures` syntax tree and printed with graphviz-rust's
//! printer, never assembled with format strings. That printer writes ids verbatim, so every
//! id and attribute value that carries text goes through one helper, [`quote`], which is the
//! only place that knows DOT's string rules (and [`unquote`] is its exact inverse).
//!
//! Styling, for pictures that go into a report as they are: one fill colour and shape per
//! entity type, one colour per relation, dashed lines for inferred edges (every evidence
//! item `implied`), [`CONFLICT_MARK`] on edges in a conflict, a compact legend (types and
//! relations with counts, the line styles and marks, how many entities without relations
//! were left out) in a `rank=sink` group so the layered layout puts it beside the graph,
//! names wrapped at [`DotStyle::wrap_width`] characters, tooltips with the first evidence
//! sentence, optional clusters per entity type. An edge with visible text (its relation on
//! small graphs, or the conflict mark) runs through a small label node, so the text sits on
//! its edge with every engine and force-directed engines (`overlap=prism`, `splines`) keep it
//! clear of other labels as they do nodes. Entities without relations are left out unless
//! [`Isolated::Show`]. Output depends only on the graph and the style: nodes go by entity
//! id, edges by (source, relation, target).

use crate::graph::EdgeView;
use crate::graph::KnowledgeGraph;
use crate::model::{Entity, EntityKind, RelationKind};
use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Which edges carry their relation name as a visible label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EdgeLabels {
    /// Label edges only when the graph is small enough for labels to stay readable.
    #[default]
    Auto,
    /// Label every edge.
    All,
    /// Label no edge (colour and the legend still tell relations apart).
    None,
}

/// How to group nodes into Graphviz clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterBy {
    /// One cluster per entity type.
    Type,
}

/// Drawing options for [`to_dot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotStyle {
    /// Which edges get a visible relation label.
    pub edge_labels: EdgeLabels,
    /// Above this many edges, `EdgeLabels::Auto` drops the labels.
    pub auto_label_limit: usize,
    /// Group nodes into clusters, or not.
    pub cluster_by: Option<ClusterBy>,
    /// Wrap names longer than this many characters at spaces; 0 keeps names on one line.
    pub wrap_width: usize,
    /// Draw a legend of the entity types and relations present.
    pub legend: bool,
    /// Draw entities without relations, or leave them out (the legend counts them).
    pub isolated: Isolated,
    /// Put shown entities without edges in a box, in rows. Only the layered `dot` layout
    /// keeps such a box apart (force-directed layouts draw it around everything), so the
    /// renderer turns this off for them.
    pub group_unlinked: bool,
    /// A query result to draw bold (in the relations' own colours, so the legend holds).
    pub highlight: Option<Highlight>,
}

/// Whether entities without relations are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Isolated {
    /// Leave them out; the legend says how many.
    #[default]
    Hide,
    /// Draw them (in a box of rows with the layered layout).
    Show,
}

/// The part of a drawing to emphasise: a path, a match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Highlight {
    /// What it is, for the legend ("the path").
    pub what: &'static str,
    /// Entity ids drawn with a bold border.
    pub nodes: std::collections::BTreeSet<String>,
    /// Edges drawn bold, as (source id, relation, target id).
    pub edges: std::collections::BTreeSet<(String, String, String)>,
}

impl Default for DotStyle {
    fn default() -> Self {
        DotStyle {
            edge_labels: EdgeLabels::Auto,
            auto_label_limit: 60,
            cluster_by: None,
            wrap_width: 18,
            legend: true,
            isolated: Isolated::Hide,
            group_unlinked: true,
            highlight: None,
        }
    }
}

/// Fill colour, border colour and Graphviz shape of an entity type.
pub fn kind_style(kind: EntityKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        EntityKind::Country => ("#9ecae1", "#3182bd", "ellipse"),
        EntityKind::Organization => ("#fdd0a2", "#e6550d", "box"),
        EntityKind::Person => ("#c7e9c0", "#31a354", "note"),
        EntityKind::Initiative => ("#dadaeb", "#756bb1", "component"),
        EntityKind::Place => ("#fcbba1", "#de2d26", "house"),
        EntityKind::Event => ("#f2f0a1", "#b8a90b", "octagon"),
    }
}

/// Line colour and Graphviz line style of a relation.
pub fn relation_style(kind: RelationKind) -> (&'static str, &'static str) {
    match kind {
        RelationKind::MemberOf => ("#1f78b4", "solid"),
        RelationKind::ObserverOf => ("#6a3d9a", "dashed"),
        RelationKind::DialoguePartnerOf => ("#33a02c", "dashed"),
        RelationKind::MetWith => ("#e31a1c", "dotted"),
        RelationKind::Leads => ("#ff7f00", "bold"),
        RelationKind::PartOf => ("#a6761d", "solid"),
        RelationKind::Hosted => ("#b15928", "dashed"),
        RelationKind::AffiliatedWith => ("#666666", "solid"),
        RelationKind::EducatedAt => ("#1b9e77", "dotted"),
        RelationKind::CooperatesWith => ("#e7298a", "dashed"),
        RelationKind::EvolvedFrom => ("#7570b3", "dotted"),
        RelationKind::LocatedIn => ("#999999", "dashed"),
    }
}

/// Quotes `text` as a DOT string whose rendered value is exactly `text`.
///
/// DOT only escapes `"` inside quoted strings, but Graphviz then reads most string
/// attributes as escStrings (`\n`, `\l`, `\N`, `\\`) and decodes `&name;` entities in
/// labels, so a faithful value needs all three treated:
/// `\` → `\\`, `"` → `\"`, newline → `\n`, carriage return → `\r`, and `&` → `&amp;` when
/// it starts something that reads as an entity (`&amp;`, `&#38;`). A tab becomes a space
/// and other control characters, which the SVG Graphviz writes could not carry (XML 1.0
/// forbids them), become U+FFFD; those are the only changes [`unquote`] cannot undo.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    // Most names need no escaping: copy them whole. 0xC2 leads the C1 controls.
    let special = |b: &u8| matches!(b, 0..=0x1f | b'"' | b'&' | b'\\' | 0x7f | 0xc2);
    if !text.as_bytes().iter().any(special) {
        out.push_str(text);
        out.push('"');
        return out;
    }
    for (i, ch) in text.char_indices() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '&' if looks_like_entity(&text[i + 1..]) => out.push_str("&amp;"),
            '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether the text after an `&` would be read as an entity reference (`amp;`, `#38;`).
fn looks_like_entity(rest: &str) -> bool {
    let body_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .count();
    body_len > 0 && rest.as_bytes().get(body_len) == Some(&b';')
}

/// Reverses [`quote`]: the text a quoted DOT string stands for, or `None` if `quoted` is
/// not a double-quoted string.
///
/// ```
/// use kg::export::dot::{quote, unquote};
/// let name = "Say \"hi\" \\ 上海\n&amp;";
/// assert_eq!(unquote(&quote(name)).as_deref(), Some(name));
/// ```
pub fn unquote(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            match chars.next() {
                Some('n') | Some('l') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(ch);
        }
    }
    Some(out.replace("&amp;", "&"))
}

/// Wraps `text` greedily at spaces so lines stay within `width` characters where words
/// allow; existing line breaks are kept, and 0 disables wrapping.
pub fn wrap(text: &str, width: usize) -> String {
    if width == 0 || text.chars().count() <= width {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut len = 0;
        for (w, word) in line.split(' ').enumerate() {
            let wlen = word.chars().count();
            if w > 0 {
                if len > 0 && len + 1 + wlen > width {
                    out.push('\n');
                    len = 0;
                } else {
                    out.push(' ');
                    len += 1;
                }
            }
            out.push_str(word);
            len += wlen;
        }
    }
    out
}

fn q(text: &str) -> Id {
    Id::Escaped(quote(text))
}

/// For values known to be plain DOT ids (keywords, numbers).
fn plain(text: &str) -> Id {
    Id::Plain(text.to_string())
}

/// A tooltip value. Graphviz expands `\G`, `\E`, ... in tooltips a second time, after
/// `\\` has been undone, so no escaping keeps a backslash there; tooltips show the
/// look-alike U+29F5 instead (labels keep the real one).
pub fn tooltip(text: &str) -> Id {
    if text.contains('\\') {
        q(&text.replace('\\', "\u{29F5}"))
    } else {
        q(text)
    }
}

fn attr(key: &str, value: Id) -> Attribute {
    Attribute(plain(key), value)
}

fn node_id(id: &str) -> NodeId {
    NodeId(q(id), None)
}

/// The tooltip of an entity: its name, type and other names.
fn entity_tooltip(e: &Entity) -> String {
    let mut t = format!("{} ({})", e.label, e.kind);
    if !e.aliases.is_empty() {
        t.push_str("\naka: ");
        t.push_str(&e.aliases.join("; "));
    }
    t
}

fn entity_node(e: &Entity, style: &DotStyle) -> Node {
    let (fill, border, shape) = kind_style(e.kind);
    let mut attributes = vec![
        attr("label", q(&wrap(&e.label, style.wrap_width))),
        attr("shape", plain(shape)),
        attr("fillcolor", q(fill)),
        attr("color", q(border)),
        attr("tooltip", tooltip(&entity_tooltip(e))),
    ];
    if e.kind == EntityKind::Organization {
        attributes.push(attr("style", q("filled,rounded")));
    }
    if style
        .highlight
        .as_ref()
        .is_some_and(|h| h.nodes.contains(&e.id))
    {
        attributes.push(attr("penwidth", plain("3")));
    }
    Node::new(node_id(&e.id), attributes)
}

fn edge_stmt(from: &str, to: &str, attributes: Vec<Attribute>) -> Stmt {
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(Vertex::N(node_id(from)), Vertex::N(node_id(to))),
        attributes,
    })
}

/// An id that no entity has, for legend and cluster helper nodes.
fn fresh_id(graph: &KnowledgeGraph, base: &str) -> String {
    let mut id = format!("__{base}");
    while graph.node(&id).is_some() {
        id.insert(0, '_');
    }
    id
}

/// What the legend explains beyond types and relations.
#[derive(Debug, Default, Clone, Copy)]
struct LegendNotes {
    /// Edges whose evidence is all `implied` (drawn dashed).
    inferred: usize,
    /// Edges in a conflict (marked with [`CONFLICT_MARK`]).
    conflicting: usize,
    /// Entities without relations left out of the drawing.
    hidden: usize,
    /// A highlighted result (drawn bold), with its name.
    highlight: Option<&'static str>,
}

/// The mark on an edge that takes part in a conflict.
pub const CONFLICT_MARK: &str = "\u{26A0}";

/// The legend's rows as (swatch, text, count) — shared with the builtin renderer, which
/// draws the same legend. A swatch is a type's (fill, border) or a relation's line colour.
#[derive(Debug, Clone, PartialEq)]
pub enum LegendRow {
    /// An entity type: fill and border colour, name, count drawn.
    Kind(&'static str, &'static str, EntityKind, usize),
    /// A relation: line colour, name, count, whether it has a direction.
    Relation(&'static str, RelationKind, usize, bool),
    /// A line or mark explained: (swatch text, explanation).
    Note(&'static str, String),
}

/// The legend rows of a drawing with these counts.
fn legend_rows(
    kinds: &BTreeMap<EntityKind, usize>,
    relations: &BTreeMap<RelationKind, usize>,
    notes: LegendNotes,
) -> Vec<LegendRow> {
    let mut rows = vec![];
    for (kind, count) in kinds {
        let (fill, border, _) = kind_style(*kind);
        rows.push(LegendRow::Kind(fill, border, *kind, *count));
    }
    for (kind, count) in relations {
        let (color, _) = relation_style(*kind);
        rows.push(LegendRow::Relation(
            color,
            *kind,
            *count,
            !kind.is_symmetric(),
        ));
    }
    if notes.inferred > 0 {
        rows.push(LegendRow::Note(
            "- - -",
            format!("inferred ({})", notes.inferred),
        ));
    }
    if notes.conflicting > 0 {
        rows.push(LegendRow::Note(
            CONFLICT_MARK,
            format!("conflicting claim ({})", notes.conflicting),
        ));
    }
    if let Some(what) = notes.highlight {
        rows.push(LegendRow::Note("\u{2501}\u{2501}", format!("bold: {what}")));
    }
    if notes.hidden > 0 {
        rows.push(LegendRow::Note(
            "",
            format!("{} entities without relations not shown", notes.hidden),
        ));
    }
    rows
}

/// The legend's rows for `graph` drawn with `style` (for renderers that draw it themselves).
pub fn legend_for(graph: &KnowledgeGraph, style: &DotStyle) -> Vec<LegendRow> {
    let p = parts(graph, style);
    p.legend_rows
}

/// A prefix no entity id starts with, for the numbered label nodes (`__e0`, `__e1`, ...).
fn fresh_prefix(graph: &KnowledgeGraph, base: &str) -> String {
    let mut prefix = format!("__{base}");
    while graph
        .petgraph()
        .node_weights()
        .any(|e| e.id.starts_with(&prefix))
    {
        prefix.insert(0, '_');
    }
    prefix
}

/// The legend: one plain node whose HTML-like label is a compact table of the entity types
/// and relations drawn, with their counts, and the line styles and marks used. Only `kg`'s
/// own names and colours go into it, so the HTML needs no escaping.
fn legend(graph: &KnowledgeGraph, rows: &[LegendRow]) -> Stmt {
    let mut html = String::from(
        "<<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"2\">\
         <tr><td colspan=\"2\" align=\"left\"><b>Legend</b></td></tr>",
    );
    for row in rows {
        match row {
            LegendRow::Kind(fill, border, kind, count) => html.push_str(&format!(
                "<tr><td bgcolor=\"{fill}\" color=\"{border}\" border=\"1\" align=\"left\">{kind}</td>\
                 <td align=\"right\">{count}</td></tr>"
            )),
            LegendRow::Relation(color, kind, count, directed) => {
                let head = if *directed { "&#9654;" } else { "&#9472;" };
                html.push_str(&format!(
                    "<tr><td align=\"left\"><font color=\"{color}\">&#9472;&#9472;{head} {kind}</font></td>\
                     <td align=\"right\">{count}</td></tr>"
                ))
            }
            LegendRow::Note(swatch, text) => html.push_str(&format!(
                "<tr><td align=\"left\" colspan=\"2\">{} {text}</td></tr>",
                html_escape(swatch)
            )),
        }
    }
    html.push_str("</table>>");
    Stmt::Node(Node::new(
        node_id(&fresh_id(graph, "legend")),
        vec![
            attr("shape", plain("plain")),
            attr("style", q("")),
            attr("fontsize", plain("9")),
            attr("label", Id::Html(html)),
        ],
    ))
}

/// Characters as HTML-label entities (the legend's marks are not ASCII).
fn html_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                format!("&#{};", c as u32)
            }
        })
        .collect()
}

/// Invisible edges that chain `ids` into rows (about as many rows as columns), so that
/// unconnected nodes form a block instead of one long column.
fn grid_rows(ids: &[&str]) -> Vec<Stmt> {
    let cols = (ids.len() as f64).sqrt().ceil().max(1.0) as usize;
    ids.chunks(cols)
        .flat_map(|row| row.windows(2))
        .map(|pair| edge_stmt(pair[0], pair[1], vec![attr("style", plain("invis"))]))
        .collect()
}

/// One edge as drawn: the view, its label text (empty: none) and its place in the layout.
struct DrawnEdge<'g> {
    edge: EdgeView<'g>,
    /// The id of the label node the edge runs through, when it carries text.
    label_node: Option<String>,
    /// The visible text: the relation (when labels are on) with the conflict mark.
    text: String,
    inferred: bool,
    highlighted: bool,
}

/// The parts of a drawing, in output order: graph-wide attributes, top-level nodes,
/// clusters, edges, legend. [`to_dot_graph`] puts them into one tree; [`write_dot`] prints
/// them statement by statement, the long runs of nodes and edges in parallel.
struct Parts<'g> {
    header: Vec<Stmt>,
    top_nodes: Vec<&'g Entity>,
    clusters: Vec<Stmt>,
    edges: Vec<DrawnEdge<'g>>,
    legend: Option<Stmt>,
    legend_rows: Vec<LegendRow>,
}

fn header() -> Vec<Stmt> {
    let font = q("Helvetica,Arial,Noto Sans CJK SC,sans-serif");
    vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", plain("LR")),
            attr("fontname", font.clone()),
            attr("bgcolor", q("white")),
            attr("nodesep", plain("0.12")),
            attr("ranksep", plain("0.35")),
            // Force-directed engines: remove node overlaps (label nodes included) and route
            // edges around nodes; `dot` ignores both.
            attr("overlap", plain("prism")),
            attr("splines", plain("true")),
            attr("sep", q("+6")),
            attr("outputorder", plain("edgesfirst")),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("style", q("filled")),
            attr("fontname", font.clone()),
            attr("fontsize", plain("11")),
            attr("margin", q("0.08,0.03")),
            attr("height", plain("0.3")),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", font),
            attr("fontsize", plain("9")),
            attr("arrowsize", plain("0.6")),
        ])),
    ]
}

/// Edges sorted by (source id, relation, target id), like
/// [`KnowledgeGraph::sorted_edges`], but comparing the ids' ranks instead of the strings
/// and in parallel: keys are unique, so the unstable sort is deterministic.
pub(crate) fn sorted_edges(graph: &KnowledgeGraph) -> Vec<EdgeView<'_>> {
    let g = graph.petgraph();
    let mut rank = vec![0u32; g.node_bound()];
    for (r, ix) in graph.sorted_nodes().into_iter().enumerate() {
        rank[ix.index()] = r as u32;
    }
    let mut keyed: Vec<((u32, RelationKind, u32), EdgeView<'_>)> = g
        .edge_references()
        .map(|e| {
            let key = (
                rank[e.source().index()],
                e.weight().kind,
                rank[e.target().index()],
            );
            let view = EdgeView {
                index: e.id(),
                source: &g[e.source()],
                target: &g[e.target()],
                relation: e.weight(),
            };
            (key, view)
        })
        .collect();
    keyed.par_sort_unstable_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, view)| view).collect()
}

/// Whether edge labels are drawn for a graph of `edges` edges.
pub fn labels_on(style: &DotStyle, edges: usize) -> bool {
    match style.edge_labels {
        EdgeLabels::All => true,
        EdgeLabels::None => false,
        EdgeLabels::Auto => edges <= style.auto_label_limit,
    }
}

fn parts<'g>(graph: &'g KnowledgeGraph, style: &DotStyle) -> Parts<'g> {
    let edges = sorted_edges(graph);
    let label_edges = labels_on(style, edges.len());
    let pg = graph.petgraph();
    let show_isolated = style.isolated == Isolated::Show;

    // Nodes without edges would all land on the first rank, one tall column: they are left
    // out (the legend says how many), or laid out in a grid of rows in their own box.
    let mut kinds: BTreeMap<EntityKind, usize> = BTreeMap::new();
    let mut top_nodes = vec![];
    let mut hidden = 0;
    let mut by_kind: BTreeMap<EntityKind, (Vec<Stmt>, Vec<&str>)> = BTreeMap::new();
    let mut unlinked: (Vec<Stmt>, Vec<&str>) = (vec![], vec![]);
    for ix in graph.sorted_nodes() {
        let e = graph.entity(ix);
        let has_edges = pg.neighbors_undirected(ix).next().is_some();
        if !has_edges && !show_isolated {
            hidden += 1;
            continue;
        }
        *kinds.entry(e.kind).or_default() += 1;
        let is_linked = !style.group_unlinked || has_edges;
        let bucket = match style.cluster_by {
            Some(ClusterBy::Type) => by_kind.entry(e.kind).or_default(),
            None if is_linked => {
                top_nodes.push(e);
                continue;
            }
            None => &mut unlinked,
        };
        bucket.0.push(Stmt::Node(entity_node(e, style)));
        if !is_linked {
            bucket.1.push(e.id.as_str());
        }
    }
    let mut clusters = vec![];
    for (kind, (members, isolated)) in by_kind {
        let (_, border, _) = kind_style(kind);
        let mut body = vec![
            Stmt::Attribute(attr("label", q(kind.as_str()))),
            Stmt::Attribute(attr("style", q("rounded"))),
            Stmt::Attribute(attr("color", q(border))),
        ];
        body.extend(members);
        body.extend(grid_rows(&isolated));
        clusters.push(Stmt::Subgraph(Subgraph {
            id: q(&format!("cluster_type_{kind}")),
            stmts: body,
        }));
    }
    if !unlinked.0.is_empty() {
        let mut body = vec![
            Stmt::Attribute(attr(
                "label",
                q(&format!("no relation found ({})", unlinked.0.len())),
            )),
            Stmt::Attribute(attr("style", q("rounded,dashed"))),
            Stmt::Attribute(attr("color", q("#bbbbbb"))),
            Stmt::Attribute(attr("fontcolor", q("#777777"))),
        ];
        body.extend(unlinked.0);
        body.extend(grid_rows(&unlinked.1));
        clusters.push(Stmt::Subgraph(Subgraph {
            id: plain("cluster_unlinked"),
            stmts: body,
        }));
    }

    let conflicts = super::fields::ConflictIndex::new(graph);
    let label_prefix = fresh_prefix(graph, "e");
    let mut relations: BTreeMap<RelationKind, usize> = BTreeMap::new();
    let mut notes = LegendNotes {
        hidden,
        highlight: style.highlight.as_ref().map(|h| h.what),
        ..LegendNotes::default()
    };
    let drawn: Vec<DrawnEdge<'g>> = edges
        .into_iter()
        .enumerate()
        .map(|(i, edge)| {
            *relations.entry(edge.relation.kind).or_default() += 1;
            let conflicting = !conflicts.is_empty() && !conflicts.of(&edge).is_empty();
            let inferred = super::fields::is_inferred(&edge.relation.evidence);
            notes.inferred += usize::from(inferred);
            notes.conflicting += usize::from(conflicting);
            let text = match (label_edges, conflicting) {
                (true, true) => format!("{CONFLICT_MARK} {}", edge.relation.kind),
                (true, false) => edge.relation.kind.as_str().to_string(),
                (false, true) => CONFLICT_MARK.to_string(),
                (false, false) => String::new(),
            };
            let highlighted = style.highlight.as_ref().is_some_and(|h| {
                h.edges.contains(&(
                    edge.source.id.clone(),
                    edge.relation.kind.as_str().to_string(),
                    edge.target.id.clone(),
                ))
            });
            DrawnEdge {
                label_node: (!text.is_empty()).then(|| format!("{label_prefix}{i}")),
                text,
                inferred,
                highlighted,
                edge,
            }
        })
        .collect();
    let legend_rows = legend_rows(&kinds, &relations, notes);
    let legend = (style.legend && !kinds.is_empty()).then(|| legend(graph, &legend_rows));
    Parts {
        header: header(),
        top_nodes,
        clusters,
        edges: drawn,
        legend,
        legend_rows,
    }
}

/// The statements of one drawn edge: a plain edge, or — when it carries text — a small
/// label node with the edge running through it, so the text sits on its edge whatever the
/// engine (and force-directed engines keep it clear of other labels as they do nodes).
fn relation_edge(d: &DrawnEdge<'_>, out: &mut Vec<Stmt>) {
    let e = &d.edge;
    let kind = e.relation.kind;
    let (color, _) = relation_style(kind);
    let mut attrs = vec![
        attr("color", q(color)),
        attr("style", plain(if d.inferred { "dashed" } else { "solid" })),
    ];
    if d.highlighted {
        attrs.push(attr("penwidth", plain("3")));
    }
    let tip = match e.relation.evidence.first() {
        Some(ev) => format!(
            "{} {} {}: {}",
            e.source.label, kind, e.target.label, ev.sentence
        ),
        None => format!("{} {} {}", e.source.label, kind, e.target.label),
    };
    attrs.push(attr("tooltip", tooltip(&tip)));
    let head = if kind.is_symmetric() {
        vec![attr("dir", plain("none"))]
    } else {
        vec![]
    };
    let Some(label_id) = &d.label_node else {
        attrs.extend(head);
        out.push(edge_stmt(&e.source.id, &e.target.id, attrs));
        return;
    };
    out.push(Stmt::Node(Node::new(
        node_id(label_id),
        vec![
            attr("label", q(&d.text)),
            attr("shape", plain("plain")),
            attr("style", q("")),
            attr("fontsize", plain("9")),
            attr("fontcolor", q(color)),
            attr("tooltip", tooltip(&tip)),
        ],
    )));
    let mut first = attrs.clone();
    first.push(attr("dir", plain("none")));
    out.push(edge_stmt(&e.source.id, label_id, first));
    let mut second = attrs;
    second.extend(head);
    out.push(edge_stmt(label_id, &e.target.id, second));
}

/// Builds the DOT syntax tree of `graph` drawn with `style`.
pub fn to_dot_graph(graph: &KnowledgeGraph, style: &DotStyle) -> Graph {
    let p = parts(graph, style);
    let mut stmts = p.header;
    stmts.extend(
        p.top_nodes
            .iter()
            .map(|e| Stmt::Node(entity_node(e, style))),
    );
    stmts.extend(p.clusters);
    for d in &p.edges {
        relation_edge(d, &mut stmts);
    }
    stmts.extend(p.legend.map(legend_stmt));
    Graph::DiGraph {
        id: plain(GRAPH_ID),
        strict: false,
        stmts,
    }
}

/// The legend of `graph` drawn with `style` as a DOT graph of its own (the drawing's
/// header and the legend node, `None` when there is no legend), for renderers that place
/// the legend themselves: they lay it out alone to learn its size.
pub fn legend_dot(graph: &KnowledgeGraph, style: &DotStyle) -> Option<(String, String)> {
    let p = parts(graph, style);
    let legend = p.legend?;
    let mut ctx = statement_context();
    let node = legend.print(&mut ctx);
    let mut stmts = p.header;
    stmts.push(legend);
    let alone = print(&Graph::DiGraph {
        id: plain(GRAPH_ID),
        strict: false,
        stmts,
    });
    Some((alone, node))
}

/// The legend node in a `rank=sink` group, so that the layered layout puts it beside the
/// graph (after the last rank, on the right) rather than above it.
fn legend_stmt(legend: Stmt) -> Stmt {
    Stmt::Subgraph(Subgraph {
        id: plain("legend_rank"),
        stmts: vec![Stmt::Attribute(attr("rank", plain("sink"))), legend],
    })
}

const GRAPH_ID: &str = "kg";

/// A printer context for statements inside `digraph kg { ... }`.
///
/// graphviz-rust keeps the edge operator (`->` or `--`) in a private flag that only
/// printing a whole graph sets, and that print also indents the statements; printing an
/// empty digraph once leaves the context exactly as it is inside one. The test
/// `streamed_dot_equals_printed_tree` holds this to the printer's own output.
fn statement_context() -> PrinterContext {
    let mut ctx = PrinterContext::default();
    let empty = Graph::DiGraph {
        id: plain(GRAPH_ID),
        strict: false,
        stmts: vec![],
    };
    let _ = empty.print(&mut ctx);
    ctx
}

/// The text of an id as graphviz-rust prints it: verbatim (ids are quoted and escaped
/// once, by [`quote`], when the tree is built).
fn id_text(id: &Id) -> Option<&str> {
    match id {
        Id::Escaped(s) | Id::Plain(s) => Some(s),
        _ => None,
    }
}

fn push_attributes(attributes: &[Attribute], out: &mut String) -> bool {
    out.push('[');
    for (i, Attribute(k, v)) in attributes.iter().enumerate() {
        let (Some(k), Some(v)) = (id_text(k), id_text(v)) else {
            return false;
        };
        if i > 0 {
            out.push(' ');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out.push(']');
    true
}

/// Appends a top-level node or edge statement exactly as graphviz-rust's printer writes it
/// inside `digraph kg { ... }` — `  "id"[a=b c=d]` and `  "a" -> "b" [a=b]` — without its
/// per-token `format!`s, which were half the time of a large export. Returns false (having
/// appended nothing) for any other shape, which the caller prints with graphviz-rust.
/// `streamed_dot_equals_printed_tree` and the export tests hold this to the printer's output.
fn push_statement(stmt: &Stmt, out: &mut String) -> bool {
    let mark = out.len();
    let ok = match stmt {
        Stmt::Node(Node {
            id: NodeId(id, None),
            attributes,
        }) if !attributes.is_empty() => id_text(id).is_some_and(|id| {
            out.push_str("  ");
            out.push_str(id);
            push_attributes(attributes, out)
        }),
        Stmt::Edge(Edge {
            ty: EdgeTy::Pair(Vertex::N(NodeId(a, None)), Vertex::N(NodeId(b, None))),
            attributes,
        }) if !attributes.is_empty() => match (id_text(a), id_text(b)) {
            (Some(a), Some(b)) => {
                out.push_str("  ");
                out.push_str(a);
                out.push_str(" -> ");
                out.push_str(b);
                out.push(' ');
                push_attributes(attributes, out)
            }
            _ => false,
        },
        _ => false,
    };
    if !ok {
        out.truncate(mark);
    }
    ok
}

/// Prints statements made from `items` in parallel chunks, in order, to `out`.
fn print_many<T: Sync>(
    items: &[T],
    make: impl Fn(&T, &mut Vec<Stmt>) + Sync,
    out: &mut dyn Write,
) -> io::Result<()> {
    const CHUNK: usize = 2048;
    // Bounded batches keep memory flat on huge graphs while both cores stay busy.
    for batch in items.chunks(CHUNK * 16) {
        let texts: Vec<String> = batch
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut ctx = statement_context();
                let mut text = String::with_capacity(chunk.len() * 160);
                let mut stmts = Vec::with_capacity(3);
                for item in chunk {
                    stmts.clear();
                    make(item, &mut stmts);
                    for stmt in &stmts {
                        text.push('\n');
                        if !push_statement(stmt, &mut text) {
                            text.push_str(&stmt.print(&mut ctx));
                        }
                    }
                }
                text
            })
            .collect();
        for t in texts {
            out.write_all(t.as_bytes())?;
        }
    }
    Ok(())
}

/// Writes the DOT text of `graph` to `out`, byte for byte what [`to_dot`] returns,
/// printing statement by statement so a large graph never exists twice in memory.
pub fn write_dot(graph: &KnowledgeGraph, style: &DotStyle, out: &mut dyn Write) -> io::Result<()> {
    let p = parts(graph, style);
    let mut ctx = statement_context();
    let singles = |stmts: &[Stmt], ctx: &mut PrinterContext, out: &mut dyn Write| {
        stmts.iter().try_for_each(|s| {
            out.write_all(b"\n")?;
            out.write_all(s.print(ctx).as_bytes())
        })
    };
    // The frame mirrors graphviz-rust's `Graph` printer: "digraph ID {" NL body NL "}".
    write!(out, "digraph {GRAPH_ID} {{")?;
    singles(&p.header, &mut ctx, out)?;
    print_many(
        &p.top_nodes,
        |e, out| out.push(Stmt::Node(entity_node(e, style))),
        out,
    )?;
    singles(&p.clusters, &mut ctx, out)?;
    print_many(&p.edges, relation_edge, out)?;
    if let Some(legend) = p.legend {
        singles(&[legend_stmt(legend)], &mut ctx, out)?;
    }
    out.write_all(b"\n}\n")
}

/// Prints a DOT syntax tree the way `kg` writes it (two-space indent, newline-terminated).
pub fn print(graph: &Graph) -> String {
    let mut ctx = PrinterContext::default();
    let mut s = graph.print(&mut ctx);
    s.push('\n');
    s
}

/// The DOT text of `graph` drawn with `style`: what `kg build` writes as `graph.dot`.
pub fn to_dot(graph: &KnowledgeGraph, style: &DotStyle) -> String {
    // Roughly the bytes a node and an edge take, so the buffer rarely has to grow.
    let mut buf = Vec::with_capacity(1024 + 200 * graph.node_count() + 240 * graph.edge_count());
    write_dot(graph, style, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("DOT text is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_what_dot_and_graphviz_read_specially() {
        assert_eq!(quote("plain"), r#""plain""#);
        assert_eq!(quote(r#"say "hi""#), r#""say \"hi\"""#);
        assert_eq!(quote(r"C:\path\"), r#""C:\\path\\""#);
        assert_eq!(quote("two\nlines"), r#""two\nlines""#);
        assert_eq!(quote("上海合作组织"), "\"上海合作组织\"");
        assert_eq!(quote("<script>]]>"), "\"<script>]]>\"");
        assert_eq!(quote("AT&T"), "\"AT&T\"");
        assert_eq!(quote("a &amp; b"), "\"a &amp;amp; b\"");
        assert_eq!(quote("&#38;"), "\"&amp;#38;\"");
        assert_eq!(quote("bell\u{7}"), "\"bell\u{FFFD}\"");
    }

    #[test]
    fn unquote_reverses_quote() {
        for text in [
            "",
            "\\",
            "\"",
            "\\\"",
            "ends with backslash\\",
            "x\\ny",
            "real\nnewline\r",
            "&amp; &lt; &x &;",
            "上海 🇨🇳 \"q\" \\N \\G",
        ] {
            assert_eq!(unquote(&quote(text)).as_deref(), Some(text), "{text:?}");
        }
        assert_eq!(unquote("no quotes"), None);
    }

    fn graph(nodes: usize, edges: &[(usize, usize)]) -> KnowledgeGraph {
        use crate::model::{Evidence, Tier};
        let mut g = KnowledgeGraph::new();
        for i in 0..nodes {
            g.add_entity(Entity {
                id: format!("e{i:02}"),
                label: format!("E {i}"),
                kind: EntityKind::Organization,
                aliases: vec![],
                wikidata: None,
            });
        }
        let ev = Evidence {
            document: "d".into(),
            sentence: "s".into(),
            start: 0,
            end: 1,
            rule: "r".into(),
            tier: Tier::Explicit,
            confidence: Default::default(),
            when: None,
        };
        for (a, b) in edges {
            g.add_relation(
                &format!("e{a:02}"),
                RelationKind::MemberOf,
                &format!("e{b:02}"),
                std::slice::from_ref(&ev),
            )
            .unwrap();
        }
        g
    }

    #[test]
    fn auto_edge_labels_stop_above_the_limit() {
        let pairs: Vec<_> = (0..12)
            .flat_map(|a| (a + 1..12).map(move |b| (a, b)))
            .collect();
        let label = "label=\"member-of\"";
        let small = graph(12, &pairs[..60]);
        assert_eq!(
            to_dot(&small, &DotStyle::default()).matches(label).count(),
            60
        );
        let big = graph(12, &pairs[..61]);
        assert_eq!(to_dot(&big, &DotStyle::default()).matches(label).count(), 0);
        let all = DotStyle {
            edge_labels: EdgeLabels::All,
            ..DotStyle::default()
        };
        assert_eq!(to_dot(&big, &all).matches(label).count(), 61);
    }

    #[test]
    fn unlinked_nodes_form_a_grid_in_their_own_box() {
        let g = graph(6, &[(0, 1)]);
        let hidden = to_dot(&g, &DotStyle::default());
        assert!(!hidden.contains("\"e02\""), "{hidden}");
        assert!(
            hidden.contains("4 entities without relations not shown"),
            "{hidden}"
        );
        let show = DotStyle {
            isolated: Isolated::Show,
            ..DotStyle::default()
        };
        let dot = to_dot(&g, &show);
        assert!(dot.contains("subgraph cluster_unlinked"), "{dot}");
        assert!(dot.contains("no relation found (4)"));
        // Four loose nodes: two rows of two, one invisible edge per row.
        assert!(dot.contains("\"e02\" -> \"e03\" [style=invis]"), "{dot}");
        assert!(dot.contains("\"e04\" -> \"e05\" [style=invis]"), "{dot}");
        assert!(!dot.contains("\"e03\" -> \"e04\""));
        let loose = DotStyle {
            group_unlinked: false,
            ..show
        };
        let dot = to_dot(&g, &loose);
        assert!(
            !dot.contains("cluster_unlinked") && !dot.contains("invis"),
            "{dot}"
        );
    }

    #[test]
    fn streamed_dot_equals_printed_tree() {
        let pairs: Vec<_> = (0..40)
            .map(|a| (a, (a * 7 + 3) % 50))
            .filter(|(a, b)| a != b)
            .collect();
        let g = graph(50, &pairs);
        for style in [
            DotStyle::default(),
            DotStyle {
                cluster_by: Some(ClusterBy::Type),
                edge_labels: EdgeLabels::None,
                ..DotStyle::default()
            },
            DotStyle {
                legend: false,
                ..DotStyle::default()
            },
        ] {
            assert_eq!(to_dot(&g, &style), print(&to_dot_graph(&g, &style)));
        }
        let empty = KnowledgeGraph::new();
        assert_eq!(
            to_dot(&empty, &DotStyle::default()),
            print(&to_dot_graph(&empty, &DotStyle::default()))
        );
    }

    #[test]
    fn wrap_breaks_at_spaces_within_width() {
        assert_eq!(
            wrap("Shanghai Cooperation Organisation", 18),
            "Shanghai\nCooperation\nOrganisation"
        );
        assert_eq!(wrap("Short name", 18), "Short name");
        assert_eq!(
            wrap("Averyveryverylongsingleword here", 10),
            "Averyveryverylongsingleword\nhere"
        );
        assert_eq!(
            wrap("Keep\nbreaks and wrap too long", 10),
            "Keep\nbreaks and\nwrap too\nlong"
        );
        assert_eq!(wrap("no wrap", 0), "no wrap");
    }
}
