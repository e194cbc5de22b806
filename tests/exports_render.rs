//! Drawing exports (dot, svg, png, mermaid) checked by their real consumers: Graphviz `dot`,
//! graphviz-rust's parser, mermaid's own parser (Node.js + the `mermaid` npm package, set up
//! under `target/`) and an XML parser for the SVG files.
//!
//! A consumer that is missing makes its test print a loud SKIP; with
//! `KG_REQUIRE_CONSUMERS=1` (as in CI) a skip is a failure.

use assert_cmd::Command;
use graphviz_rust::dot_structures::{Attribute, EdgeTy, Graph, Id, Stmt, Vertex};
use kg::export::dot::{ClusterBy, DotStyle, EdgeLabels, Isolated, to_dot, unquote, wrap};
use kg::export::mermaid::to_mermaid;
use kg::export::render::render_builtin;
use kg::graph::KnowledgeGraph;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/render")
        .join(name)
}

fn load(name: &str) -> KnowledgeGraph {
    KnowledgeGraph::load(&fixture(name)).unwrap()
}

fn scratch() -> tempfile::TempDir {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tempfile::tempdir_in(base).unwrap()
}

/// Skips loudly, or fails when consumers are required.
fn skip(what: &str) {
    if std::env::var("KG_REQUIRE_CONSUMERS").as_deref() == Ok("1") {
        panic!("KG_REQUIRE_CONSUMERS=1 but {what}");
    }
    eprintln!("\n*** SKIPPED: {what} ***\n");
}

fn have(program: &str, arg: &str) -> bool {
    std::process::Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

// ---------------------------------------------------------------- snapshots

#[test]
fn dot_snapshot_small() {
    insta::assert_snapshot!(
        "dot_small",
        to_dot(&load("small.json"), &DotStyle::default())
    );
}

#[test]
fn dot_snapshot_clustered_without_labels() {
    let style = DotStyle {
        cluster_by: Some(ClusterBy::Type),
        edge_labels: EdgeLabels::None,
        legend: false,
        ..DotStyle::default()
    };
    insta::assert_snapshot!("dot_small_clustered", to_dot(&load("small.json"), &style));
}

/// A drawing with everything the styling marks: a conflict (⚠), inferred (dashed) edges,
/// an entity without relations (left out, counted in the legend), a highlighted path.
#[test]
fn dot_snapshot_marks_conflicts_inferred_edges_and_hidden_entities() {
    let g = load_sco_fixture();
    assert!(!g.conflicts().is_empty());
    insta::assert_snapshot!("dot_sco_fixture", to_dot(&g, &DotStyle::default()));
    let highlight = kg::export::dot::Highlight {
        what: "the path",
        nodes: ["china".to_string()].into_iter().collect(),
        edges: g
            .sorted_edges()
            .iter()
            .filter(|e| e.source.id == "china")
            .map(|e| {
                (
                    e.source.id.clone(),
                    e.relation.kind.to_string(),
                    e.target.id.clone(),
                )
            })
            .collect(),
    };
    let style = DotStyle {
        highlight: Some(highlight),
        edge_labels: EdgeLabels::None,
        ..DotStyle::default()
    };
    insta::assert_snapshot!("dot_sco_fixture_highlight", to_dot(&g, &style));
}

fn load_sco_fixture() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sco.json"),
    )
    .unwrap();
    // One entity without relations, to be left out and counted.
    g.add_entity(kg::model::Entity {
        id: "nowhere".into(),
        label: "Nowhere".into(),
        kind: kg::model::EntityKind::Place,
        aliases: vec![],
        wikidata: None,
    });
    g
}

#[test]
fn mermaid_snapshot_small() {
    insta::assert_snapshot!("mermaid_small", to_mermaid(&load("small.json")));
}

// ---------------------------------------------------------------- graphviz-rust parser

/// Nodes (id -> attributes) and edges (from, to, attributes) of a parsed DOT graph, with
/// ids and values unquoted.
type Parsed = (
    BTreeMap<String, BTreeMap<String, String>>,
    Vec<(String, String, BTreeMap<String, String>)>,
);

fn text_of(id: &Id) -> String {
    match id {
        Id::Escaped(s) => unquote(s).expect("escaped id is quoted"),
        Id::Plain(s) | Id::Html(s) | Id::Anonymous(s) => s.clone(),
    }
}

fn attrs(list: &[Attribute]) -> BTreeMap<String, String> {
    list.iter()
        .map(|a| (text_of(&a.0), text_of(&a.1)))
        .collect()
}

fn collect(stmts: &[Stmt], out: &mut Parsed) {
    for stmt in stmts {
        match stmt {
            Stmt::Node(n) => {
                out.0.insert(text_of(&n.id.0), attrs(&n.attributes));
            }
            // Invisible edges only shape the layout.
            Stmt::Edge(e)
                if attrs(&e.attributes).get("style").map(String::as_str) == Some("invis") => {}
            Stmt::Edge(e) => match &e.ty {
                EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) => {
                    out.1
                        .push((text_of(&a.0), text_of(&b.0), attrs(&e.attributes)))
                }
                other => panic!("unexpected edge form {other:?}"),
            },
            Stmt::Subgraph(s) => collect(&s.stmts, out),
            _ => {}
        }
    }
}

fn parse_dot(text: &str) -> Parsed {
    let graph = graphviz_rust::parse(text).unwrap_or_else(|e| panic!("graphviz-rust: {e}"));
    let Graph::DiGraph { stmts, .. } = graph else {
        panic!("not a digraph")
    };
    let mut out = Parsed::default();
    collect(&stmts, &mut out);
    out
}

/// The relation edges of a parsed drawing: an edge with a label runs through a label node
/// (`__e<i>`), drawn as two halves, which are joined back here (keeping the first half's
/// attributes and the label node's text under `label`).
fn relation_edges(parsed: &Parsed) -> Vec<(String, String, BTreeMap<String, String>)> {
    let is_label = |id: &str| id.starts_with("__e") && parsed.0.contains_key(id);
    let mut first_half: BTreeMap<&str, (&str, &BTreeMap<String, String>)> = BTreeMap::new();
    let mut out = vec![];
    for (a, b, attrs) in &parsed.1 {
        if is_label(b) {
            first_half.insert(b, (a, attrs));
        } else if is_label(a) {
            let (source, attrs) = first_half[a.as_str()];
            let mut attrs = attrs.clone();
            attrs.insert("label".into(), parsed.0[a.as_str()]["label"].clone());
            out.push((source.to_string(), b.clone(), attrs));
        } else {
            out.push((a.clone(), b.clone(), attrs.clone()));
        }
    }
    out
}

/// Parses the DOT of `graph` back and checks every id, label and tooltip came through.
fn check_round_trip(graph: &KnowledgeGraph, style: &DotStyle) {
    let style = &DotStyle {
        isolated: Isolated::Show,
        ..style.clone()
    };
    let parsed = parse_dot(&to_dot(graph, style));
    let edges = relation_edges(&parsed);
    let nodes = parsed.0;
    let entity_nodes: Vec<_> = nodes.keys().filter(|k| !k.starts_with("__")).collect();
    assert_eq!(entity_nodes.len(), graph.node_count());
    assert_eq!(edges.len(), graph.edge_count());
    for e in graph.entities() {
        let a = nodes
            .get(&e.id)
            .unwrap_or_else(|| panic!("node {:?} missing", e.id));
        assert_eq!(
            a["label"],
            wrap(&e.label, style.wrap_width),
            "label of {:?}",
            e.id
        );
    }
    for (edge, (from, to, a)) in graph.sorted_edges().iter().zip(&edges) {
        assert_eq!((&edge.source.id, &edge.target.id), (from, to));
        let sentence = &edge.relation.evidence[0].sentence;
        assert!(
            a["tooltip"].ends_with(&sentence.replace('\\', "\u{29F5}")),
            "tooltip {:?} lacks {sentence:?}",
            a["tooltip"]
        );
    }
}

#[test]
fn graphviz_rust_reads_small_dot_back() {
    check_round_trip(&load("small.json"), &DotStyle::default());
}

#[test]
fn graphviz_rust_reads_hostile_dot_back_with_exact_labels() {
    let g = load("hostile.json");
    // Unwrapped: the parsed, unescaped label is the original name, byte for byte.
    check_round_trip(
        &g,
        &DotStyle {
            wrap_width: 0,
            ..DotStyle::default()
        },
    );
    check_round_trip(&g, &DotStyle::default());
    let clustered = DotStyle {
        cluster_by: Some(ClusterBy::Type),
        edge_labels: EdgeLabels::All,
        ..DotStyle::default()
    };
    check_round_trip(&g, &clustered);
}

// ---------------------------------------------------------------- real Graphviz

fn graphviz_svg(dot: &str) -> Option<String> {
    if !have("dot", "-V") {
        skip("Graphviz `dot` is not installed (Debian package graphviz)");
        return None;
    }
    let dir = scratch();
    let path = dir.path().join("g.dot");
    std::fs::write(&path, dot).unwrap();
    let out = std::process::Command::new("dot")
        .arg("-Tsvg")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dot rejected the file: {stderr}");
    assert!(!stderr.contains("Error"), "dot complained: {stderr}");
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Parses an SVG file strictly (Graphviz's carries a DOCTYPE, which is fine).
fn parse_svg(svg: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(svg, opts).unwrap_or_else(|e| panic!("bad SVG: {e}"))
}

/// All text content of `<text>` elements and node `<title>`s in an SVG.
fn svg_texts(svg: &str) -> (Vec<String>, Vec<String>) {
    let doc = parse_svg(svg);
    let mut texts = vec![];
    let mut titles = vec![];
    for n in doc.descendants() {
        match n.tag_name().name() {
            "text" => texts.push(n.text().unwrap_or("").to_string()),
            "title" if n.parent().and_then(|p| p.attribute("class")) == Some("node") => {
                titles.push(n.text().unwrap_or("").to_string())
            }
            _ => {}
        }
    }
    (texts, titles)
}

#[test]
fn graphviz_dot_accepts_small_and_hostile_and_draws_the_exact_names() {
    for name in ["small.json", "hostile.json"] {
        let g = load(name);
        let style = DotStyle {
            isolated: Isolated::Show,
            ..DotStyle::default()
        };
        let Some(svg) = graphviz_svg(&to_dot(&g, &style)) else {
            return;
        };
        let (texts, titles) = svg_texts(&svg);
        for e in g.entities() {
            assert!(titles.contains(&e.id), "{name}: no node titled {:?}", e.id);
            // Graphviz draws one <text> per label line; `\r` ends a line too.
            for line in wrap(&e.label, style.wrap_width).split(['\n', '\r']) {
                if line.trim().is_empty() {
                    continue;
                }
                assert!(
                    texts.iter().any(|t| t.trim() == line.trim()),
                    "{name}: line {line:?} of {:?} not drawn; texts: {texts:?}",
                    e.label
                );
            }
        }
    }
}

#[test]
fn cli_png_is_a_png_and_svg_is_well_formed() {
    if !have("dot", "-V") {
        return skip("Graphviz `dot` is not installed (Debian package graphviz)");
    }
    let dir = scratch();
    for (format, check) in [("png", "png"), ("svg", "svg")] {
        let out = dir.path().join(format!("g.{format}"));
        Command::cargo_bin("kg")
            .unwrap()
            .args(["export", "--format", format, "--graph"])
            .arg(fixture("hostile.json"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let bytes = std::fs::read(&out).unwrap();
        match check {
            "png" => assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n"),
            _ => {
                parse_svg(std::str::from_utf8(&bytes).unwrap());
            }
        }
    }
    // A forced layout engine is used whatever the size.
    for layout in ["neato", "sfdp", "circo"] {
        let out = Command::cargo_bin("kg")
            .unwrap()
            .args(["export", "-f", "svg", "--layout", layout, "--graph"])
            .arg(fixture("small.json"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{layout}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse_svg(std::str::from_utf8(&out.stdout).unwrap());
    }
    // Binary PNG to a pipe (not a terminal) is allowed.
    let out = Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "-f", "png", "--graph"])
        .arg(fixture("small.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(&out.stdout[..4], b"\x89PNG");
}

#[test]
fn missing_graphviz_is_exit_4_naming_the_package() {
    let empty = scratch();
    Command::cargo_bin("kg")
        .unwrap()
        .env("PATH", empty.path())
        .args(["export", "-f", "svg", "--graph"])
        .arg(fixture("small.json"))
        .assert()
        .code(4)
        .stderr(predicates::str::contains("graphviz"))
        .stderr(predicates::str::contains("--renderer builtin"));
}

// ---------------------------------------------------------------- builtin renderer

#[test]
fn builtin_svg_is_well_formed_deterministic_and_shows_names() {
    for name in ["small.json", "hostile.json"] {
        let g = load(name);
        let style = DotStyle {
            isolated: Isolated::Show,
            ..DotStyle::default()
        };
        let svg = render_builtin(&g, &style).unwrap();
        assert!(
            svg == render_builtin(&g, &style).unwrap(),
            "{name}: not deterministic"
        );
        let doc = parse_svg(&svg);
        let all: String = doc
            .descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        for e in g.entities() {
            let first = e.label.split_whitespace().next().unwrap();
            assert!(all.contains(first), "{name}: {first:?} not in builtin SVG");
        }
    }
    let empty = render_builtin(&KnowledgeGraph::new(), &DotStyle::default()).unwrap();
    parse_svg(&empty);
}

#[test]
fn cli_builtin_renderer_needs_no_graphviz() {
    let empty = scratch();
    let out = Command::cargo_bin("kg")
        .unwrap()
        .env("PATH", empty.path())
        .args(["export", "-f", "svg", "--renderer", "builtin", "--graph"])
        .arg(fixture("small.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_svg(std::str::from_utf8(&out.stdout).unwrap());
}

// ---------------------------------------------------------------- mermaid

/// Installs mermaid + jsdom under target/ once; None (after a loud skip) if impossible.
fn mermaid_checker() -> Option<PathBuf> {
    if !have("node", "--version") || !have("npm", "--version") {
        skip("Node.js/npm not installed: mermaid's parser cannot run");
        return None;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/consumers/mermaid");
    if !dir.join("node_modules/mermaid/package.json").exists()
        || !dir.join("node_modules/jsdom/package.json").exists()
    {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("package.json"),
            "{\"private\":true,\"type\":\"module\"}\n",
        )
        .unwrap();
        let ok = std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent"])
            .args(["mermaid@11.17.2", "jsdom@29.1.1"])
            .current_dir(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            skip("npm could not install mermaid and jsdom");
            return None;
        }
    }
    let script = dir.join("mermaid_parse.mjs");
    std::fs::copy(fixture("mermaid_parse.mjs"), &script).unwrap();
    Some(script)
}

#[test]
fn mermaid_parser_accepts_small_and_hostile_and_rejects_broken() {
    let Some(script) = mermaid_checker() else {
        return;
    };
    let dir = scratch();
    let mut files = vec![];
    for name in ["small.json", "hostile.json"] {
        let path = dir.path().join(name.replace(".json", ".mmd"));
        std::fs::write(&path, to_mermaid(&load(name))).unwrap();
        files.push(path);
    }
    let out = std::process::Command::new("node")
        .arg(&script)
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mermaid rejected our output: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The checker can fail: a raw quote inside a label is a parse error.
    let bad = dir.path().join("bad.mmd");
    std::fs::write(&bad, "flowchart LR\n    n0[\"a\"b\"]\n").unwrap();
    let out = std::process::Command::new("node")
        .arg(&script)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the mermaid check accepted a broken file"
    );
}

// ---------------------------------------------------------------- CLI and determinism

#[test]
fn cli_text_formats_are_byte_identical_across_runs_and_match_the_library() {
    let g = load("hostile.json");
    for (format, expected) in [
        ("dot", to_dot(&g, &DotStyle::default())),
        ("mermaid", to_mermaid(&g)),
        ("json", g.to_json_string()),
    ] {
        let run = || {
            Command::cargo_bin("kg")
                .unwrap()
                .args(["export", "--format", format, "--graph"])
                .arg(fixture("hostile.json"))
                .output()
                .unwrap()
        };
        let (a, b) = (run(), run());
        assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
        assert_eq!(a.stdout, b.stdout, "{format} differs between runs");
        assert_eq!(String::from_utf8(a.stdout).unwrap(), expected, "{format}");
    }
}

#[test]
fn cli_writes_out_file_and_reports_errors_with_documented_codes() {
    let dir = scratch();
    let out = dir.path().join("g.dot");
    Command::cargo_bin("kg")
        .unwrap()
        .args([
            "export",
            "-f",
            "dot",
            "--edge-labels",
            "none",
            "--cluster-by",
            "type",
        ])
        .arg("--graph")
        .arg(fixture("small.json"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("subgraph \"cluster_type_country\""));
    assert!(!text.contains("label=\"member-of\""));

    // A missing or invalid graph is bad input (3).
    Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "-f", "dot", "--graph"])
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(3);
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"nodes\": [}").unwrap();
    Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "-f", "dot", "--graph"])
        .arg(&broken)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("broken.json:1:"));
    // An unknown format is a usage error (2).
    Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "-f", "xlsx"])
        .assert()
        .code(2);
    // An unwritable output is exit 4, and nothing is left half-written.
    Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "-f", "dot", "--graph"])
        .arg(fixture("small.json"))
        .arg("--out")
        .arg(dir.path().join("no/such/dir/g.dot"))
        .assert()
        .code(4);
}

// ---------------------------------------------------------------- report-ready pictures

fn sco_output() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("output/graph.json")
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn the_sco_png_has_a_report_friendly_size_and_aspect_ratio() {
    if !have("dot", "-V") {
        return skip("Graphviz `dot` is not installed (Debian package graphviz)");
    }
    let dir = scratch();
    let out = dir.path().join("sco.png");
    Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "--format", "png", "--graph"])
        .arg(sco_output())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let (w, h) = png_size(&std::fs::read(&out).unwrap());
    let ratio = f64::from(w) / f64::from(h);
    // The old picture was 1723×4470 (1:2.6, a third of it legend and loose entities).
    assert!((0.6..=1.8).contains(&ratio), "{w}×{h}: aspect {ratio:.2}");
    assert!(w <= 2400 && h <= 2400, "{w}×{h} is too large for a page");
    assert!(w >= 800, "{w}×{h} is too small to read");
}

/// One `<text>` of an SVG: its group (the enclosing node, edge or cluster `<g>`), content
/// and box, from its position, anchor and font size.
#[derive(Debug)]
struct TextBox {
    group: usize,
    text: String,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

/// The boxes of every text, estimated from the font size: Helvetica's glyphs average about
/// 0.55 em for these labels (wide characters, CJK, count twice), ascent 0.75 em, descent
/// 0.25 em.
fn text_boxes(doc: &roxmltree::Document<'_>) -> Vec<TextBox> {
    let mut out = vec![];
    for n in doc.descendants().filter(|n| n.tag_name().name() == "text") {
        let group = n
            .ancestors()
            .find(|a| {
                a.tag_name().name() == "g"
                    && matches!(a.attribute("class"), Some("node" | "edge" | "cluster"))
            })
            .map_or(0, |g| g.id().get_usize());
        let text = n.text().unwrap_or("").to_string();
        if text.trim().is_empty() {
            continue;
        }
        let num = |k: &str| n.attribute(k).unwrap().parse::<f64>().unwrap();
        let (x, y, size) = (num("x"), num("y"), num("font-size"));
        let width = unicode_width::UnicodeWidthStr::width(text.as_str()) as f64 * size * 0.55;
        let (x0, x1) = match n.attribute("text-anchor") {
            Some("middle") => (x - width / 2.0, x + width / 2.0),
            Some("end") => (x - width, x),
            _ => (x, x + width),
        };
        out.push(TextBox {
            group,
            text,
            x0,
            x1,
            y0: y - 0.75 * size,
            y1: y + 0.25 * size,
        });
    }
    out
}

#[test]
fn the_sco_svg_draws_every_label_once_without_overlaps_with_every_engine() {
    if !have("dot", "-V") {
        return skip("Graphviz `dot` is not installed (Debian package graphviz)");
    }
    let g = KnowledgeGraph::load(&sco_output()).unwrap();
    let pg = g.petgraph();
    let drawn: Vec<&kg::model::Entity> = g
        .sorted_nodes()
        .into_iter()
        .filter(|ix| pg.neighbors_undirected(*ix).next().is_some())
        .map(|ix| g.entity(ix))
        .collect();
    assert!(
        drawn.len() < g.node_count(),
        "the SCO graph has loose entities to hide"
    );
    for layout in ["dot", "neato", "sfdp"] {
        let out = Command::cargo_bin("kg")
            .unwrap()
            .args(["export", "-f", "svg", "--layout", layout, "--graph"])
            .arg(sco_output())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{layout}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = String::from_utf8(out.stdout).unwrap();
        let doc = parse_svg(&svg);
        // Every drawn entity is one node, titled by its id, whose lines are its label.
        let mut labels: BTreeMap<String, usize> = BTreeMap::new();
        let mut titles: BTreeMap<String, usize> = BTreeMap::new();
        for node in doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("node"))
        {
            let title = node
                .children()
                .find(|c| c.tag_name().name() == "title")
                .and_then(|t| t.text())
                .unwrap_or("")
                .to_string();
            let lines: Vec<&str> = node
                .descendants()
                .filter(|c| c.tag_name().name() == "text")
                .filter_map(|c| c.text())
                .collect();
            *titles.entry(title).or_default() += 1;
            *labels.entry(lines.join("\n")).or_default() += 1;
        }
        for e in &drawn {
            assert_eq!(titles.get(&e.id), Some(&1), "{layout}: node {:?}", e.id);
            let label = wrap(&e.label, DotStyle::default().wrap_width);
            assert_eq!(
                labels.get(&label),
                Some(&1),
                "{layout}: label {label:?} not drawn once"
            );
        }
        for e in g.entities().filter(|e| !drawn.iter().any(|d| d.id == e.id)) {
            assert!(
                !titles.contains_key(&e.id),
                "{layout}: loose {:?} drawn",
                e.id
            );
        }
        // No two texts of different nodes or edges overlap.
        let boxes = text_boxes(&doc);
        assert!(boxes.len() > drawn.len(), "{layout}: too few texts");
        let found = overlaps(&boxes);
        assert!(found.is_empty(), "{layout}: overlapping labels: {found:#?}");
        // The check can fail: a label moved onto another one is caught.
        let mut moved = boxes;
        let (x, y, group) = (moved[0].x0 + 2.0, moved[0].y0 + 1.0, moved[0].group);
        let last = moved.iter_mut().rev().find(|b| b.group != group).unwrap();
        let (w, h) = (last.x1 - last.x0, last.y1 - last.y0);
        (last.x0, last.y0, last.x1, last.y1) = (x, y, x + w, y + h);
        assert!(
            !overlaps(&moved).is_empty(),
            "{layout}: the overlap check is blind"
        );
    }
}

/// Pairs of texts of different nodes or edges whose boxes overlap.
fn overlaps(boxes: &[TextBox]) -> Vec<String> {
    let mut out = vec![];
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if a.group == b.group {
                continue;
            }
            let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
            let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
            if dx > 0.5 && dy > 0.5 {
                out.push(format!("{:?} / {:?}", a.text, b.text));
            }
        }
    }
    out
}
