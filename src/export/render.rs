//! Pictures of a graph: SVG and PNG through Graphviz, or SVG through a pure-Rust layout.
//!
//! The Graphviz renderer runs the `dot` program (through graphviz-rust's `exec`) on the
//! DOT text of [`crate::export::dot`], with a layout engine chosen by size unless one is
//! forced: `dot` (layered, the most readable) up to [`DOT_MAX_NODES`] nodes, `neato` up to
//! [`NEATO_MAX_NODES`], `sfdp` above. `dot` places the legend beside the graph itself; for
//! the other engines the graph is laid out without it, the legend is laid out alone for its
//! size and pinned right of the layout's bounding box, and `neato -n2` draws the result
//! from those positions. The builtin renderer uses the `layout` crate
//! (layout-rs), which needs no outside program but draws only hierarchical SVG, without
//! clusters or tooltips; it can panic on input it does not expect, so it runs under
//! `catch_unwind` and a panic becomes [`RenderError::Builtin`].

use crate::export::dot::{
    CONFLICT_MARK, DotStyle, Isolated, LegendRow, kind_style, labels_on, legend_for,
    relation_style, to_dot, wrap,
};
use crate::graph::KnowledgeGraph;
use graphviz_rust::cmd::{CommandArg, Format as GvFormat, Layout};
use std::io;

/// Up to this many nodes the layered `dot` layout is used.
pub const DOT_MAX_NODES: usize = 300;
/// Up to this many nodes (and above [`DOT_MAX_NODES`]) `neato` is used; `sfdp` above.
pub const NEATO_MAX_NODES: usize = 3000;
/// The builtin layout grows much faster than the graph (measured: 200 nodes and 400 edges
/// take 3 s, 300 and 600 take 34 s); above this many nodes it is refused.
pub const BUILTIN_MAX_NODES: usize = 250;
/// Above this many edges the builtin layout is refused, for the same reason.
pub const BUILTIN_MAX_EDGES: usize = 500;

/// Errors of the renderers.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The Graphviz programs are not installed.
    #[error(
        "graphviz is not installed (the `dot` program was not found): install the Debian \
         package `graphviz` (apt-get install graphviz), or use `--renderer builtin` for SVG"
    )]
    GraphvizMissing,
    /// Graphviz ran but failed.
    #[error("graphviz `{layout}` layout failed: {message}")]
    Graphviz {
        /// The layout engine that ran.
        layout: LayoutEngine,
        /// What Graphviz printed on stderr.
        message: String,
    },
    /// The builtin layout panicked or refused the graph.
    #[error("builtin renderer failed: {0}")]
    Builtin(String),
    /// The builtin renderer was asked for something only Graphviz draws.
    #[error("the builtin renderer writes SVG only; use `--renderer graphviz` for {0}")]
    BuiltinFormat(ImageFormat),
}

/// Which program lays out and draws the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Renderer {
    /// The Graphviz programs (`dot`, `neato`, `sfdp`): best results, SVG and PNG.
    #[default]
    Graphviz,
    /// The pure-Rust `layout` crate: SVG only, no outside program needed.
    Builtin,
}

/// Graphviz layout engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutEngine {
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

impl LayoutEngine {
    /// The engine used for a graph of `nodes` nodes when none is forced.
    pub fn for_size(nodes: usize) -> LayoutEngine {
        if nodes <= DOT_MAX_NODES {
            LayoutEngine::Dot
        } else if nodes <= NEATO_MAX_NODES {
            LayoutEngine::Neato
        } else {
            LayoutEngine::Sfdp
        }
    }

    fn graphviz(self) -> Layout {
        match self {
            LayoutEngine::Dot => Layout::Dot,
            LayoutEngine::Neato => Layout::Neato,
            LayoutEngine::Sfdp => Layout::Sfdp,
            LayoutEngine::Fdp => Layout::Fdp,
            LayoutEngine::Twopi => Layout::Twopi,
            LayoutEngine::Circo => Layout::Circo,
        }
    }
}

impl std::fmt::Display for LayoutEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LayoutEngine::Dot => "dot",
            LayoutEngine::Neato => "neato",
            LayoutEngine::Sfdp => "sfdp",
            LayoutEngine::Fdp => "fdp",
            LayoutEngine::Twopi => "twopi",
            LayoutEngine::Circo => "circo",
        })
    }
}

/// Picture formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics (text).
    Svg,
    /// Portable network graphics (binary).
    Png,
}

impl std::fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
        })
    }
}

/// How to draw a picture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Styling of the DOT drawing (also used, where it applies, by the builtin renderer).
    pub style: DotStyle,
    /// Force a Graphviz layout engine instead of choosing by size.
    pub layout: Option<LayoutEngine>,
    /// Graphviz or builtin.
    pub renderer: Renderer,
}

/// Whether the Graphviz `dot` program can be run here.
pub fn graphviz_available() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Draws `graph` as `format` and returns the file's bytes.
pub fn render(
    graph: &KnowledgeGraph,
    format: ImageFormat,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    match options.renderer {
        Renderer::Graphviz => render_graphviz(graph, format, options),
        Renderer::Builtin => match format {
            ImageFormat::Svg => render_builtin(graph, &options.style).map(String::into_bytes),
            ImageFormat::Png => Err(RenderError::BuiltinFormat(format)),
        },
    }
}

fn render_graphviz(
    graph: &KnowledgeGraph,
    format: ImageFormat,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    let layout = options
        .layout
        .unwrap_or_else(|| LayoutEngine::for_size(graph.node_count()));
    let gv_format = match format {
        ImageFormat::Svg => GvFormat::Svg,
        ImageFormat::Png => GvFormat::Png,
    };
    let mut args: Vec<CommandArg> = vec![gv_format.into(), layout.graphviz().into()];
    if format == ImageFormat::Png {
        // Crisp text on screens without a huge file.
        args.push(CommandArg::Custom("-Gdpi=110".to_string()));
    }
    let style = DotStyle {
        group_unlinked: options.style.group_unlinked && layout == LayoutEngine::Dot,
        ..options.style.clone()
    };
    let run = |dot: String, args: Vec<CommandArg>| {
        graphviz_rust::exec_dot(dot, args).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => RenderError::GraphvizMissing,
            _ => RenderError::Graphviz {
                layout,
                message: e.to_string().trim().to_string(),
            },
        })
    };
    // The layered layout puts the legend beside the graph by itself (`rank=sink`); the
    // others place it anywhere, so there it is pinned beside the finished layout.
    let legend = match layout {
        LayoutEngine::Dot => None,
        _ => crate::export::dot::legend_dot(graph, &style),
    };
    let Some((legend_alone, legend_node)) = legend else {
        return run(to_dot(graph, &style), args);
    };
    let bare = DotStyle {
        legend: false,
        ..style.clone()
    };
    // 1. The graph without its legend, laid out (positions in DOT).
    let laid = run(
        to_dot(graph, &bare),
        vec![GvFormat::Dot.into(), layout.graphviz().into()],
    )?;
    let laid = String::from_utf8(laid).map_err(|e| RenderError::Graphviz {
        layout,
        message: e.to_string(),
    })?;
    // 2. The legend alone, for its size.
    let sized = run(
        legend_alone,
        vec![GvFormat::Json.into(), Layout::Dot.into()],
    )?;
    let (w, h) = json_node_size(&sized).ok_or_else(|| RenderError::Graphviz {
        layout,
        message: "no legend size in graphviz's JSON".to_string(),
    })?;
    // 3. The legend pinned right of the bounding box, top-aligned, and everything drawn
    // from the given positions (`neato -n2` keeps nodes and edge routes as they are).
    let ((left, bottom, right, top), bb_at) =
        bounding_box(&laid).ok_or_else(|| RenderError::Graphviz {
            layout,
            message: "no bounding box in the laid-out graph".to_string(),
        })?;
    let (wp, hp) = (w * 72.0, h * 72.0);
    let pinned = legend_node.trim_end().trim_end_matches(']').to_string()
        + &format!(
            " pos=\"{:.1},{:.1}!\" width={w} height={h} fixedsize=true]",
            right + 18.0 + wp / 2.0,
            top - hp / 2.0
        );
    // The canvas grows to hold the legend (`-n2` draws within the given box).
    let grown = format!(
        "{left},{},{},{top}",
        bottom.min(top - hp),
        right + 18.0 + wp + 4.0
    );
    let laid = format!("{}{grown}{}", &laid[..bb_at.0], &laid[bb_at.1..]);
    // `-n2` recomputes the box from the nodes, counting only half of the legend's
    // width: an invisible point at the far corner holds the canvas open.
    let mut corner = "__legend_corner".to_string();
    while graph.node(&corner).is_some() {
        corner.insert(0, '_');
    }
    let corner = format!(
        "\"{corner}\"[shape=point style=invis width=0 height=0 label=\"\" pos=\"{:.1},{:.1}!\"]",
        right + 18.0 + wp + 4.0,
        bottom.min(top - hp)
    );
    let close = laid.rfind('}').unwrap_or(laid.len());
    let with_legend = format!("{}{pinned}\n{corner}\n}}\n", &laid[..close]);
    let mut final_args: Vec<CommandArg> = vec![gv_format.into(), Layout::Neato.into()];
    final_args.push(CommandArg::Custom("-n2".to_string()));
    final_args.extend(args.into_iter().skip(2));
    run(with_legend, final_args)
}

/// The `width` and `height` (inches) of the one node in Graphviz's `-Tjson` output.
fn json_node_size(json: &[u8]) -> Option<(f64, f64)> {
    let v: serde_json::Value = serde_json::from_slice(json).ok()?;
    let node = v.get("objects")?.as_array()?.first()?;
    let num = |k: &str| node.get(k)?.as_str()?.parse::<f64>().ok();
    Some((num("width")?, num("height")?))
}

/// The graph's `bb="llx,lly,urx,ury"` in Graphviz's `-Tdot` output (the first one: graph
/// attributes come before any cluster's), and the byte range of its value.
type BoundingBox = ((f64, f64, f64, f64), (usize, usize));
fn bounding_box(dot: &str) -> Option<BoundingBox> {
    let at = dot.find("bb=\"")? + 4;
    let end = at + dot[at..].find('"')?;
    let v: Vec<f64> = dot[at..end]
        .split(',')
        .map(|x| x.trim().parse().ok())
        .collect::<Option<_>>()?;
    (v.len() == 4).then(|| ((v[0], v[1], v[2], v[3]), (at, end)))
}

/// Draws `graph` as SVG with the pure-Rust `layout` crate.
pub fn render_builtin(graph: &KnowledgeGraph, style: &DotStyle) -> Result<String, RenderError> {
    if graph.node_count() > BUILTIN_MAX_NODES || graph.edge_count() > BUILTIN_MAX_EDGES {
        return Err(RenderError::Builtin(format!(
            "{} nodes and {} edges is more than the builtin layout handles in reasonable \
             time ({BUILTIN_MAX_NODES} nodes, {BUILTIN_MAX_EDGES} edges); use `--renderer graphviz`",
            graph.node_count(),
            graph.edge_count()
        )));
    }
    if graph.node_count() == 0 {
        // layout-rs cannot place an empty graph; an empty picture is the honest answer.
        return Ok(concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" ",
            "viewBox=\"0 0 10 10\"></svg>\n"
        )
        .to_string());
    }
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builtin_svg(graph, style)));
    result.map_err(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "layout panicked".to_string());
        RenderError::Builtin(format!("layout panicked: {msg}"))
    })
}

/// Text as layout-rs can draw it: it writes SVG text escaped, but XML 1.0 cannot carry
/// control characters at all.
fn drawable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

fn color(hex: &str) -> layout::core::color::Color {
    layout::core::color::Color::fast(hex)
}

fn builtin_svg(graph: &KnowledgeGraph, style: &DotStyle) -> String {
    use layout::backends::svg::SVGWriter;
    use layout::core::base::Orientation;
    use layout::core::geometry::Point;
    use layout::core::style::{LineStyleKind, StyleAttr};
    use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
    use layout::topo::layout::VisualGraph;
    use std::collections::HashMap;

    // One font size for nodes and edges: layout-rs keeps font classes in a HashMap and
    // prints several in random order.
    const FONT: usize = 13;
    let pg = graph.petgraph();
    let mut vg = VisualGraph::new(Orientation::LeftToRight);
    let mut handles = HashMap::new();
    for ix in graph.sorted_nodes() {
        let e = graph.entity(ix);
        if style.isolated == Isolated::Hide && pg.neighbors_undirected(ix).next().is_none() {
            continue;
        }
        let text = drawable(&wrap(&e.label, style.wrap_width));
        let (fill, border, _) = kind_style(e.kind);
        let lines = text.lines().count().max(1);
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(1);
        let size = Point::new(
            (widest as f64) * (FONT as f64) * 0.62 + 24.0,
            (lines as f64) * (FONT as f64) * 1.25 + 16.0,
        );
        let look = StyleAttr::new(color(border), 1, Some(color(fill)), 6, FONT);
        let elem = Element::create(
            ShapeKind::new_box(&text),
            look,
            Orientation::LeftToRight,
            size,
        );
        handles.insert(e.id.as_str(), vg.add_node(elem));
    }
    let edges = graph.sorted_edges();
    let label_edges = labels_on(style, edges.len());
    let conflicts = crate::export::fields::ConflictIndex::new(graph);
    for e in &edges {
        let kind = e.relation.kind;
        let (hex, _) = relation_style(kind);
        let line_style = if crate::export::fields::is_inferred(&e.relation.evidence) {
            LineStyleKind::Dashed
        } else {
            LineStyleKind::Normal
        };
        let look = StyleAttr::new(color(hex), 1, None, 0, FONT);
        let end = if kind.is_symmetric() {
            LineEndKind::None
        } else {
            LineEndKind::Arrow
        };
        let conflicting = !conflicts.of(e).is_empty();
        let text = match (label_edges, conflicting) {
            (true, true) => format!("{CONFLICT_MARK} {kind}"),
            (true, false) => kind.as_str().to_string(),
            (false, true) => CONFLICT_MARK.to_string(),
            (false, false) => String::new(),
        };
        let arrow = Arrow::new(
            LineEndKind::None,
            end,
            line_style,
            &text,
            &look,
            &None,
            &None,
        );
        vg.add_edge(
            arrow,
            handles[e.source.id.as_str()],
            handles[e.target.id.as_str()],
        );
    }
    let mut svg = SVGWriter::new();
    vg.do_it(false, false, false, &mut svg);
    let svg = svg
        .finalize()
        .replace("font-family: Times, serif;", BUILTIN_FONT);
    if style.legend {
        with_legend(&svg, &legend_for(graph, style))
    } else {
        svg
    }
}

/// The sans-serif font stack of the builtin renderer (the one the Graphviz drawing names).
const BUILTIN_FONT: &str =
    "font-family: Helvetica, Arial, 'Noto Sans CJK SC', 'Noto Sans', sans-serif;";

/// Appends the legend to a layout-rs SVG: a column right of the drawing, top-aligned, the
/// canvas widened (and heightened if need be) to hold it.
fn with_legend(svg: &str, rows: &[LegendRow]) -> String {
    const ROW: f64 = 16.0;
    const SIZE: f64 = 11.0;
    let number = |key: &str| -> Option<(f64, usize, usize)> {
        let at = svg.find(&format!("{key}=\""))? + key.len() + 2;
        let end = at + svg[at..].find('"')?;
        Some((svg[at..end].parse().ok()?, at, end))
    };
    let (Some((w, w_at, w_end)), Some((h, h_at, h_end))) = (number("width"), number("height"))
    else {
        return svg.to_string();
    };
    let text_width = |t: &str| t.chars().count() as f64 * SIZE * 0.6;
    let widest = rows
        .iter()
        .map(|r| match r {
            LegendRow::Kind(_, _, k, n) => text_width(&format!("{k} {n}")) + 16.0,
            LegendRow::Relation(_, k, n, _) => text_width(&format!("{k} {n}")) + 34.0,
            LegendRow::Note(mark, t) => text_width(&format!("{mark} {t}")) + 8.0,
        })
        .fold(text_width("Legend"), f64::max);
    let (x0, y0) = (w + 16.0, 12.0);
    let mut g = format!(
        "<g class=\"legend\" font-size=\"{SIZE}\" style=\"{BUILTIN_FONT}\">\
         <text x=\"{x0}\" y=\"{}\" font-weight=\"bold\">Legend</text>",
        y0 + SIZE
    );
    for (i, row) in rows.iter().enumerate() {
        let y = y0 + ROW * (i as f64 + 1.0);
        let base = y + SIZE;
        match row {
            LegendRow::Kind(fill, border, kind, count) => g.push_str(&format!(
                "<rect x=\"{x0}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{fill}\" \
                 stroke=\"{border}\"/><text x=\"{}\" y=\"{base}\">{kind} {count}</text>",
                y + 2.0,
                x0 + 16.0
            )),
            LegendRow::Relation(colour, kind, count, directed) => {
                let head = if *directed {
                    format!(
                        "<polygon points=\"{},{} {},{} {},{}\" fill=\"{colour}\"/>",
                        x0 + 24.0,
                        y + 4.0,
                        x0 + 30.0,
                        y + 8.0,
                        x0 + 24.0,
                        y + 12.0
                    )
                } else {
                    String::new()
                };
                g.push_str(&format!(
                    "<line x1=\"{x0}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" \
                     stroke-width=\"1.5\"/>{head}<text x=\"{}\" y=\"{base}\" fill=\"{colour}\">\
                     {kind} {count}</text>",
                    y + 8.0,
                    x0 + 26.0,
                    y + 8.0,
                    x0 + 34.0
                ))
            }
            LegendRow::Note(mark, text) => {
                let mark = quick_xml::escape::escape(*mark);
                let text = quick_xml::escape::escape(text.as_str());
                g.push_str(&format!(
                    "<text x=\"{x0}\" y=\"{base}\">{mark} {text}</text>"
                ))
            }
        }
    }
    g.push_str("</g>");
    let legend_h = y0 + ROW * (rows.len() as f64 + 1.0) + 8.0;
    let (new_w, new_h) = (x0 + widest + 12.0, h.max(legend_h));
    let view = format!("viewBox=\"0 0 {w} {h}\"");
    let mut out = String::with_capacity(svg.len() + g.len() + 64);
    out.push_str(&svg[..w_at]);
    out.push_str(&format!("{new_w}"));
    out.push_str(&svg[w_end..h_at]);
    out.push_str(&format!("{new_h}"));
    let rest = svg[h_end..].replacen(&view, &format!("viewBox=\"0 0 {new_w} {new_h}\""), 1);
    let close = rest.rfind("</svg>").unwrap_or(rest.len());
    out.push_str(&rest[..close]);
    out.push_str(&g);
    out.push_str(&rest[close..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_chosen_by_size() {
        assert_eq!(LayoutEngine::for_size(10), LayoutEngine::Dot);
        assert_eq!(LayoutEngine::for_size(DOT_MAX_NODES), LayoutEngine::Dot);
        assert_eq!(
            LayoutEngine::for_size(DOT_MAX_NODES + 1),
            LayoutEngine::Neato
        );
        assert_eq!(
            LayoutEngine::for_size(NEATO_MAX_NODES + 1),
            LayoutEngine::Sfdp
        );
    }

    #[test]
    fn missing_graphviz_error_names_the_package_and_the_way_out() {
        let msg = RenderError::GraphvizMissing.to_string();
        assert!(msg.contains("`graphviz`"), "{msg}");
        assert!(msg.contains("--renderer builtin"), "{msg}");
    }

    #[test]
    fn builtin_refuses_graphs_too_big_for_it() {
        let mut g = KnowledgeGraph::new();
        for i in 0..=BUILTIN_MAX_NODES {
            g.add_entity(crate::model::Entity {
                id: format!("e{i}"),
                label: format!("E{i}"),
                kind: crate::model::EntityKind::Person,
                aliases: vec![],
                wikidata: None,
            });
        }
        let err = render_builtin(&g, &DotStyle::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("--renderer graphviz"), "{err}");
    }

    #[test]
    fn builtin_refuses_png() {
        let g = KnowledgeGraph::new();
        let opts = RenderOptions {
            renderer: Renderer::Builtin,
            ..Default::default()
        };
        assert!(matches!(
            render(&g, ImageFormat::Png, &opts),
            Err(RenderError::BuiltinFormat(ImageFormat::Png))
        ));
    }
}
