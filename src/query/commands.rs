//! The query subcommands: load the graph once, resolve names, run the query, print an aligned
//! human view or `--json`, and save `--export` subgraphs.
//!
//! Output goes through a locked, buffered stdout with `?` on every write, so a closed pipe
//! (`kg path ... | head -1`) surfaces as an `io::Error` that `main` treats as success.

use super::centrality::{Dense, RankBy, stats};
use super::paths::{self, Filter, Path, PathFinder};
use super::pattern::{self, Value};
use super::render::{Style, evidence_lines, hop_text, table};
use super::resolve::Resolver;
use super::{QueryError, Selection, load_graph, subgraph};
use crate::cli::{
    CommunitiesArgs, FilterArgs, MatchArgs, NeighborsArgs, PathArgs, RankArgs, SaveArgs,
    SaveFormat, ShowArgs, StatsArgs, exit,
};
use crate::graph::KnowledgeGraph;
use crate::model::Entity;
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::stable_graph::EdgeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use serde_json::{Value as Json, json};
use std::io::{BufWriter, Write};

/// Largest `--depth` of `kg neighbors`.
pub const MAX_DEPTH: usize = 6;
/// Largest graph on which betweenness and closeness are computed (they cost O(n·m)).
pub const MAX_ALL_PAIRS_NODES: usize = 20_000;

type Out = BufWriter<std::io::StdoutLock<'static>>;

fn stdout() -> Out {
    BufWriter::new(std::io::stdout().lock())
}

fn entity_json(e: &Entity) -> Json {
    json!({"id": e.id, "label": e.label, "type": e.kind})
}

fn edge_json(graph: &KnowledgeGraph, edge: EdgeIndex) -> Json {
    let g = graph.petgraph();
    let (s, t) = g.edge_endpoints(edge).expect("edge exists");
    json!({
        "source": g[s].id,
        "target": g[t].id,
        "relation": g[edge].kind,
        "evidence": g[edge].evidence,
    })
}

fn write_json(out: &mut Out, value: &Json) -> Result<(), QueryError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// Writes `text` to `path` atomically (see [`crate::export::write_file_atomically`]).
pub fn write_atomic(path: &std::path::Path, text: &str) -> Result<(), QueryError> {
    crate::export::write_file_atomically(path, text.as_bytes()).map_err(|e| match e {
        crate::export::ExportError::Write { source, .. } => QueryError::Write {
            path: path.display().to_string(),
            source,
        },
        other => QueryError::Write {
            path: path.display().to_string(),
            source: std::io::Error::other(other.to_string()),
        },
    })
}

/// Saves the selection as a subgraph when `--export` was given.
fn export(graph: &KnowledgeGraph, sel: &Selection, args: &SaveArgs) -> Result<(), QueryError> {
    let (Some(format), Some(out)) = (args.export, args.out.as_deref()) else {
        return Ok(());
    };
    let sub = subgraph(graph, sel.nodes.iter().copied(), sel.edges.iter().copied());
    match format {
        SaveFormat::Json => write_atomic(out, &sub.to_json_string()),
        SaveFormat::Dot => export_dot(&sub, sel, out),
    }
}

/// DOT export of a query result, with `sel.highlight_nodes` (entity ids) and the edges of
/// `sel.highlight_edges` drawn bold in their relations' colours (so the legend holds), and
/// every edge labelled.
pub fn export_dot(
    sub: &KnowledgeGraph,
    sel: &Selection,
    out: &std::path::Path,
) -> Result<(), QueryError> {
    use crate::export::dot::{DotStyle, EdgeLabels, Highlight, to_dot};
    let style = DotStyle {
        edge_labels: EdgeLabels::All,
        highlight: Some(Highlight {
            what: "the result",
            nodes: sel.highlight_nodes.clone(),
            edges: sel.highlight_edges.clone(),
        }),
        ..DotStyle::default()
    };
    write_atomic(out, &to_dot(sub, &style))
}

fn filter(
    resolver: &Resolver<'_>,
    f: &FilterArgs,
    avoid: &[String],
    directed: bool,
) -> Result<Filter, QueryError> {
    let mut out = Filter {
        directed,
        relations: f.relations.clone(),
        types: f.types.clone(),
        ..Filter::default()
    };
    for name in avoid {
        out.avoid.insert(resolver.resolve(name)?);
    }
    Ok(out)
}

fn describe_filters(args: &PathArgs) -> String {
    let mut parts = Vec::new();
    if args.directed {
        parts.push("following edge direction".to_string());
    }
    if !args.filter.relations.is_empty() {
        let r: Vec<&str> = args.filter.relations.iter().map(|r| r.as_str()).collect();
        parts.push(format!("relations {}", r.join(",")));
    }
    if !args.filter.types.is_empty() {
        let t: Vec<&str> = args.filter.types.iter().map(|t| t.as_str()).collect();
        parts.push(format!("through types {}", t.join(",")));
    }
    if !args.avoid.is_empty() {
        parts.push(format!("avoiding {}", args.avoid.join(", ")));
    }
    if let Some(h) = args.max_hops {
        parts.push(format!("within {h} hops"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// `kg path`.
pub fn path(args: &PathArgs, color: bool) -> Result<u8, QueryError> {
    let graph = load_graph(&args.graph)?;
    let resolver = Resolver::new(&graph);
    let from = resolver.resolve(&args.from)?;
    let to = resolver.resolve(&args.to)?;
    let f = filter(&resolver, &args.filter, &args.avoid, args.directed)?;
    if f.avoid.contains(&from) || f.avoid.contains(&to) {
        return Err(QueryError::Usage(
            "--avoid names an endpoint of the path".into(),
        ));
    }
    let found: Vec<Path> = if args.all {
        let hops = args.max_hops.unwrap_or(paths::MAX_ALL_HOPS);
        paths::all_simple_paths(&graph, from, to, hops, &f)
            .map_err(|e| QueryError::Refused(e.to_string()))?
    } else {
        let mut finder = PathFinder::new(&graph);
        paths::k_shortest(&mut finder, from, to, args.k.max(1), &f)
            .map_err(|e| QueryError::Refused(e.to_string()))?
    };
    let g = graph.petgraph();
    if found.is_empty() {
        return Err(QueryError::NoPath {
            from: g[from].label.clone(),
            to: g[to].label.clone(),
            filters: describe_filters(args),
        });
    }
    let mut sel = Selection::default();
    sel.nodes.extend(found.iter().flat_map(Path::nodes));
    for p in &found {
        for h in &p.hops {
            sel.add_edge(&graph, h.edge);
        }
    }
    sel.highlight_all(&graph);
    let mut out = stdout();
    if args.graph.json {
        let paths: Vec<Json> = found
            .iter()
            .map(|p| {
                json!({
                    "nodes": p.nodes().iter().map(|n| &g[*n].id).collect::<Vec<_>>(),
                    "edges": p.hops.iter().map(|h| edge_json(&graph, h.edge)).collect::<Vec<_>>(),
                })
            })
            .collect();
        write_json(
            &mut out,
            &json!({"from": g[from].id, "to": g[to].id, "paths": paths}),
        )?;
    } else {
        let style = Style { color };
        for (i, p) in found.iter().enumerate() {
            if found.len() > 1 {
                if i > 0 {
                    writeln!(out)?;
                }
                let heading = format!(
                    "path {} ({} hops, {} evidence)",
                    i + 1,
                    p.len(),
                    p.evidence_count(&graph)
                );
                writeln!(out, "{}", style.heading(&heading))?;
            }
            if p.is_empty() {
                writeln!(
                    out,
                    "{} is {}",
                    style.entity(&g[from].label),
                    style.entity(&g[to].label)
                )?;
            }
            for h in &p.hops {
                writeln!(out, "{}", hop_text(&graph, h, style))?;
                evidence_lines(&mut out, &graph, h.edge, "    ", style)?;
            }
        }
    }
    out.flush()?;
    export(&graph, &sel, &args.export)?;
    Ok(exit::OK)
}

/// `kg neighbors`.
pub fn neighbors(args: &NeighborsArgs, color: bool) -> Result<u8, QueryError> {
    if args.depth > MAX_DEPTH {
        return Err(QueryError::Refused(format!(
            "--depth {} is above the limit of {MAX_DEPTH}",
            args.depth
        )));
    }
    let graph = load_graph(&args.graph)?;
    let resolver = Resolver::new(&graph);
    let center = resolver.resolve(&args.name)?;
    let f = filter(&resolver, &args.filter, &[], false)?;
    let reached = paths::neighborhood(&graph, center, args.depth, args.direction, &f);
    let g = graph.petgraph();
    let mut sel = Selection::default();
    sel.nodes.insert(center);
    for r in &reached {
        sel.add_edge(&graph, r.via.edge);
    }
    sel.highlight_nodes.insert(g[center].id.clone());
    let mut out = stdout();
    if args.graph.json {
        let list: Vec<Json> = reached
            .iter()
            .map(|r| {
                let mut e = entity_json(&g[r.node]);
                e["depth"] = json!(r.depth);
                let mut via = edge_json(&graph, r.via.edge);
                via.as_object_mut().expect("object").remove("evidence");
                e["via"] = via;
                e
            })
            .collect();
        write_json(
            &mut out,
            &json!({"center": g[center].id, "neighbors": list}),
        )?;
    } else {
        let style = Style { color: false };
        let rows: Vec<Vec<String>> = reached
            .iter()
            .map(|r| {
                let e = &g[r.node];
                vec![
                    r.depth.to_string(),
                    e.label.clone(),
                    e.kind.to_string(),
                    hop_text(&graph, &r.via, style),
                ]
            })
            .collect();
        // Tables stay plain: escape codes would break the column alignment.
        let _ = color;
        table(&mut out, &["depth", "entity", "type", "via"], &rows)?;
    }
    out.flush()?;
    export(&graph, &sel, &args.export)?;
    if reached.is_empty() {
        eprintln!(
            "kg: {} has no neighbours under these filters",
            g[center].label
        );
        return Ok(exit::NO_RESULT);
    }
    Ok(exit::OK)
}

/// `kg show`.
pub fn show(args: &ShowArgs, color: bool) -> Result<u8, QueryError> {
    let graph = load_graph(&args.graph)?;
    let resolver = Resolver::new(&graph);
    let n = resolver.resolve(&args.name)?;
    let g = graph.petgraph();
    let e = &g[n];
    // Relations grouped by kind, then outgoing before incoming, then the other end's id.
    let mut rels: Vec<(crate::model::RelationKind, bool, &str, EdgeIndex)> = Vec::new();
    for edge in g.edges_directed(n, Outgoing) {
        rels.push((
            edge.weight().kind,
            true,
            g[edge.target()].id.as_str(),
            edge.id(),
        ));
    }
    for edge in g.edges_directed(n, Incoming) {
        if edge.source() != n {
            rels.push((
                edge.weight().kind,
                false,
                g[edge.source()].id.as_str(),
                edge.id(),
            ));
        }
    }
    rels.sort_by(|a, b| (a.0, !a.1, a.2).cmp(&(b.0, !b.1, b.2)));
    let conflicts: Vec<&crate::model::Conflict> = graph
        .conflicts()
        .iter()
        .filter(|c| c.subject == e.id || c.object == e.id)
        .collect();
    let merges = super::merges_of(args.graph.graph.as_deref(), &e.id)?;
    let mut sel = Selection::default();
    sel.nodes.insert(n);
    for r in &rels {
        sel.add_edge(&graph, r.3);
    }
    sel.highlight_nodes.insert(e.id.clone());
    let mut out = stdout();
    if args.graph.json {
        let relations: Vec<Json> = rels.iter().map(|r| edge_json(&graph, r.3)).collect();
        write_json(
            &mut out,
            &json!({
                "id": e.id, "label": e.label, "type": e.kind, "aliases": e.aliases,
                "wikidata": e.wikidata, "relations": relations, "conflicts": conflicts,
                "merges": merges,
            }),
        )?;
    } else {
        let style = Style { color };
        writeln!(out, "{}", style.heading(&e.label))?;
        let mut fields = vec![
            vec!["id".to_string(), e.id.clone()],
            vec!["type".to_string(), e.kind.to_string()],
        ];
        if !e.aliases.is_empty() {
            fields.push(vec!["aliases".into(), e.aliases.join(", ")]);
        }
        if let Some(q) = &e.wikidata {
            fields.push(vec!["wikidata".into(), q.clone()]);
        }
        for f in &fields {
            writeln!(out, "  {:<10}{}", f[0], f[1])?;
        }
        let mut current = None;
        for &(kind, outgoing, _, edge) in &rels {
            if current != Some(kind) {
                writeln!(
                    out,
                    "\n{} ({})",
                    style.relation(kind.as_str()),
                    rels.iter().filter(|r| r.0 == kind).count()
                )?;
                current = Some(kind);
            }
            let (s, t) = g.edge_endpoints(edge).expect("edge exists");
            let hop = paths::Hop {
                edge,
                from: if outgoing { s } else { t },
                to: if outgoing { t } else { s },
                forward: outgoing,
            };
            writeln!(out, "  {}", hop_text(&graph, &hop, style))?;
            evidence_lines(&mut out, &graph, edge, "      ", style)?;
        }
        if rels.is_empty() {
            writeln!(out, "\nno relations")?;
        }
        if !conflicts.is_empty() {
            writeln!(out, "\n{}", style.heading("conflicts"))?;
            for c in &conflicts {
                let label = |id: &str| {
                    graph
                        .entity_by_id(id)
                        .map_or(id.to_string(), |e| e.label.clone())
                };
                writeln!(
                    out,
                    "  {} {} / {} {}: {}",
                    label(&c.subject),
                    c.relations[0],
                    c.relations[1],
                    label(&c.object),
                    c.reason
                )?;
            }
        }
        if !merges.is_empty() {
            writeln!(out, "\n{}", style.heading("merges"))?;
            for m in &merges {
                writeln!(
                    out,
                    "  {} '{}' from {}: {}",
                    m.kind, m.label, m.document, m.reason
                )?;
            }
        }
    }
    out.flush()?;
    export(&graph, &sel, &args.export)?;
    Ok(exit::OK)
}

/// `kg stats`.
pub fn stats_cmd(args: &StatsArgs, color: bool) -> Result<u8, QueryError> {
    let graph = load_graph(&args.graph)?;
    let dense = Dense::new(&graph);
    let s = stats(&graph, &dense);
    let mut out = stdout();
    if args.graph.json {
        write_json(
            &mut out,
            &serde_json::to_value(&s).map_err(std::io::Error::from)?,
        )?;
    } else {
        let style = Style { color };
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
        table(&mut out, &["measure", "value"], &rows)?;
        writeln!(out, "\n{}", style.heading("entities by type"))?;
        let rows: Vec<Vec<String>> = s
            .types
            .iter()
            .map(|(k, c)| vec![k.to_string(), c.to_string()])
            .collect();
        table(&mut out, &["type", "count"], &rows)?;
        writeln!(out, "\n{}", style.heading("edges by relation"))?;
        let rows: Vec<Vec<String>> = s
            .relations
            .iter()
            .map(|(k, c)| vec![k.to_string(), c.to_string()])
            .collect();
        table(&mut out, &["relation", "count"], &rows)?;
        writeln!(out, "\n{}", style.heading("degree distribution"))?;
        let rows: Vec<Vec<String>> = s
            .degree_histogram
            .iter()
            .map(|(d, c)| vec![d.to_string(), c.to_string()])
            .collect();
        table(&mut out, &["degree", "entities"], &rows)?;
    }
    out.flush()?;
    Ok(exit::OK)
}

/// `kg rank`.
pub fn rank(args: &RankArgs, color: bool) -> Result<u8, QueryError> {
    let graph = load_graph(&args.graph)?;
    let dense = Dense::new(&graph);
    if matches!(args.by, RankBy::Betweenness | RankBy::Closeness)
        && dense.len() > MAX_ALL_PAIRS_NODES
    {
        return Err(QueryError::Refused(format!(
            "{:?} on {} entities needs a search from every entity (limit {MAX_ALL_PAIRS_NODES})",
            args.by,
            dense.len()
        )
        .to_lowercase()));
    }
    let scores: Vec<f64> = match args.by {
        RankBy::Degree => dense.degrees().iter().map(|&d| d as f64).collect(),
        RankBy::Pagerank => dense.page_rank(),
        RankBy::Betweenness => dense.betweenness(),
        RankBy::Closeness => dense.closeness(),
    };
    let g = graph.petgraph();
    let mut order: Vec<usize> = (0..dense.len())
        .filter(|&i| args.types.is_empty() || args.types.contains(&g[dense.nodes[i]].kind))
        .collect();
    // Positions are in id order, so a stable sort breaks score ties by id.
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order.truncate(args.top);
    let mut sel = Selection::default();
    sel.nodes.extend(order.iter().map(|&i| dense.nodes[i]));
    for e in g.edge_references() {
        if sel.nodes.contains(&e.source()) && sel.nodes.contains(&e.target()) {
            sel.edges.insert(e.id());
        }
    }
    sel.highlight_all(&graph);
    let mut out = stdout();
    let fmt = |s: f64| match args.by {
        RankBy::Degree => format!("{s}"),
        _ => format!("{s:.6}"),
    };
    if args.graph.json {
        let list: Vec<Json> = order
            .iter()
            .enumerate()
            .map(|(r, &i)| {
                let mut e = entity_json(&g[dense.nodes[i]]);
                e["rank"] = json!(r + 1);
                e["score"] = json!(scores[i]);
                e
            })
            .collect();
        write_json(
            &mut out,
            &json!({"by": format!("{:?}", args.by).to_lowercase(), "ranking": list}),
        )?;
    } else {
        // Tables stay plain: escape codes would break the column alignment.
        let _ = color;
        let rows: Vec<Vec<String>> = order
            .iter()
            .enumerate()
            .map(|(r, &i)| {
                let e = &g[dense.nodes[i]];
                vec![
                    (r + 1).to_string(),
                    e.label.clone(),
                    e.kind.to_string(),
                    fmt(scores[i]),
                ]
            })
            .collect();
        table(&mut out, &["rank", "entity", "type", "score"], &rows)?;
    }
    out.flush()?;
    export(&graph, &sel, &args.export)?;
    Ok(exit::OK)
}

/// `kg communities`.
pub fn communities(args: &CommunitiesArgs, color: bool) -> Result<u8, QueryError> {
    let graph = load_graph(&args.graph)?;
    let dense = Dense::new(&graph);
    let g = graph.petgraph();
    let groups: Vec<Vec<usize>> = dense
        .communities()
        .into_iter()
        .filter(|c| c.len() >= args.min_size)
        .collect();
    let mut out = stdout();
    if args.graph.json {
        let list: Vec<Json> = groups
            .iter()
            .enumerate()
            .map(|(i, c)| {
                json!({"community": i + 1, "size": c.len(),
                       "members": c.iter().map(|&m| &g[dense.nodes[m]].id).collect::<Vec<_>>()})
            })
            .collect();
        write_json(&mut out, &json!({"communities": list}))?;
    } else {
        let style = Style { color };
        for (i, c) in groups.iter().enumerate() {
            let names: Vec<&str> = c
                .iter()
                .map(|&m| g[dense.nodes[m]].label.as_str())
                .collect();
            writeln!(
                out,
                "{} ({} members): {}",
                style.heading(&format!("community {}", i + 1)),
                c.len(),
                names.join(", ")
            )?;
        }
    }
    out.flush()?;
    if groups.is_empty() {
        eprintln!("kg: no community with at least {} members", args.min_size);
        return Ok(exit::NO_RESULT);
    }
    Ok(exit::OK)
}

/// `kg match`.
pub fn match_cmd(args: &MatchArgs, color: bool) -> Result<u8, QueryError> {
    let pat = pattern::parse(&args.pattern)?;
    let graph = load_graph(&args.graph)?;
    let m = pattern::run(&graph, &pat)?;
    if m.rows.is_empty() {
        return Err(QueryError::NoResult("no match".into()));
    }
    let g = graph.petgraph();
    let mut sel = Selection {
        nodes: m.nodes.clone(),
        ..Selection::default()
    };
    for &e in &m.edges {
        sel.add_edge(&graph, e);
    }
    sel.highlight_all(&graph);
    let cell = |v: &Value, json: bool| -> String {
        match v {
            Value::Node(n) if json => g[*n].id.clone(),
            Value::Node(n) => g[*n].label.clone(),
            Value::Edges(es) => es
                .iter()
                .map(|e| g[*e].kind.as_str())
                .collect::<Vec<_>>()
                .join(","),
        }
    };
    let mut out = stdout();
    if args.graph.json {
        let rows: Vec<Vec<String>> = m
            .rows
            .iter()
            .map(|r| r.iter().map(|v| cell(v, true)).collect())
            .collect();
        write_json(&mut out, &json!({"columns": m.columns, "rows": rows}))?;
    } else if m.columns.is_empty() {
        // Tables stay plain: escape codes would break the column alignment.
        let _ = color;
        writeln!(out, "{} match(es)", m.rows.len())?;
    } else {
        let rows: Vec<Vec<String>> = m
            .rows
            .iter()
            .map(|r| r.iter().map(|v| cell(v, false)).collect())
            .collect();
        let header: Vec<&str> = m.columns.iter().map(String::as_str).collect();
        table(&mut out, &header, &rows)?;
    }
    out.flush()?;
    export(&graph, &sel, &args.export)?;
    Ok(exit::OK)
}
