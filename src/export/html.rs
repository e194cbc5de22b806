//! `kg export --format html` (and `kg build`'s `graph.html`): one self-contained page to
//! explore a graph in a browser, offline.
//!
//! The page carries everything it needs: the graph (the `graph.json` contract plus
//! precomputed positions from [`layout`]) as JSON in a `<script type="application/json">`,
//! the vendored Cytoscape.js (version [`CYTOSCAPE_VERSION`], MIT, licence and checksum beside
//! it in `src/export/html/vendor/`), the viewer's own script and style, all compiled in with
//! `include_str!`. Nothing is fetched, so it works from `file://`.
//!
//! Hostile text cannot escape: the JSON is escaped so that no string can close the script
//! element or open an HTML comment ([`script_json`]); the viewer inserts graph text as text
//! only; and a Content-Security-Policy allows exactly the page's own scripts and style (by
//! their SHA-256), no inline event handlers, and no network.

pub mod layout;

use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// The vendored Cytoscape.js release.
pub const CYTOSCAPE_VERSION: &str = "3.35.0";
/// SHA-256 (hex) of the vendored `cytoscape.min.js`, as published in the npm package.
pub const CYTOSCAPE_SHA256: &str =
    "71fa9ebec21a7ca2c40cff6aacc30d1f6464e363662ad4b2c197e1adc770cd94";
/// The vendored `dist/cytoscape.min.js` of [`CYTOSCAPE_VERSION`].
pub const CYTOSCAPE_JS: &str = include_str!("html/vendor/cytoscape.min.js");
const VIEWER_JS: &str = include_str!("html/viewer.js");
const VIEWER_CSS: &str = include_str!("html/viewer.css");
const BODY: &str = include_str!("html/page.html");

/// Above this many entities `kg build` writes no `graph.html`: the page would be slow to
/// open and the layout would dominate the build (`kg export --format html` still writes one).
pub const BUILD_MAX_NODES: usize = 10_000;
/// Nor above this much `graph.json`: the page embeds all of it (the 100 MB benchmark corpus
/// makes a 340 MB graph of only a few thousand entities, far past what a tab opens well).
pub const BUILD_MAX_JSON_BYTES: usize = 32 << 20;

/// Whether `kg build` writes `graph.html` for `graph`: at most [`BUILD_MAX_NODES`] entities
/// and at most [`BUILD_MAX_JSON_BYTES`] of graph JSON in the page.
///
/// The page embeds every evidence sentence whatever `--max-evidence` did to `graph.json`,
/// so the size is measured on what the page would embed, by serialising into a sink that
/// gives up at the limit: the check costs at most the limit's worth of work, never a page.
pub fn build_writes_page(graph: &KnowledgeGraph) -> bool {
    /// Counts bytes and fails once past the limit, which stops serde_json early.
    struct Capped(usize);
    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            if self.0 > BUILD_MAX_JSON_BYTES {
                return Err(std::io::Error::other("over the page limit"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    graph.node_count() <= BUILD_MAX_NODES
        && serde_json::to_writer(&mut Capped(0), &graph.to_file()).is_ok()
}

/// How the page is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlOptions {
    /// The page title (shown in the tab and the header).
    pub title: String,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            title: "kg graph".to_string(),
        }
    }
}

/// Colour and shape of an entity type in the viewer.
#[derive(Serialize)]
struct TypeStyle {
    fill: &'static str,
    border: &'static str,
    shape: &'static str,
}

/// Colour of a relation in the viewer (line styles are kept for solid / coreference /
/// inferred).
#[derive(Serialize)]
struct RelationStyle {
    color: &'static str,
    symmetric: bool,
}

#[derive(Serialize)]
struct Styles {
    types: BTreeMap<&'static str, TypeStyle>,
    relations: BTreeMap<&'static str, RelationStyle>,
}

/// What the page's script reads.
#[derive(Serialize)]
struct PageData<'g> {
    title: &'g str,
    graph: crate::graph::json::GraphFile<'g>,
    /// `[x, y]` of each node, in the order of `graph.nodes`.
    positions: Vec<[i32; 2]>,
    style: Styles,
}

/// The Cytoscape.js shape of an entity type (the fill colours are the DOT export's).
///
/// No `diamond`, `star` or `vee`: Cytoscape.js 3.35 misses clicks on those shapes (its hit
/// test finds no node even at the centre; the browser test clicks a person).
fn viewer_shape(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Country => "ellipse",
        EntityKind::Organization => "round-rectangle",
        EntityKind::Person => "round-diamond",
        EntityKind::Initiative => "hexagon",
        EntityKind::Place => "round-triangle",
        EntityKind::Event => "octagon",
    }
}

fn styles() -> Styles {
    // Serialised in display order, not alphabetically: the page lists them as given.
    let types = EntityKind::ALL
        .into_iter()
        .map(|k| {
            let (fill, border, _) = super::dot::kind_style(k);
            (
                k.as_str(),
                TypeStyle {
                    fill,
                    border,
                    shape: viewer_shape(k),
                },
            )
        })
        .collect();
    let relations = RelationKind::ALL
        .into_iter()
        .map(|r| {
            (
                r.as_str(),
                RelationStyle {
                    color: super::dot::relation_style(r).0,
                    symmetric: r.is_symmetric(),
                },
            )
        })
        .collect();
    Styles { types, relations }
}

/// The positions of `graph`'s nodes, in [`KnowledgeGraph::entities`] order.
pub fn positions(graph: &KnowledgeGraph) -> Vec<[i32; 2]> {
    let index: HashMap<&str, usize> = graph
        .entities()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let pairs: Vec<(usize, usize)> = graph
        .sorted_edges()
        .iter()
        .map(|e| (index[e.source.id.as_str()], index[e.target.id.as_str()]))
        .collect();
    layout::layout(index.len(), &pairs)
}

/// The viewer page for `graph`: a complete HTML document, deterministic for a given graph.
///
/// This is what `kg export --format html` writes and what a server can send for `/`.
pub fn html_page(graph: &KnowledgeGraph, options: &HtmlOptions) -> String {
    let data = PageData {
        title: &options.title,
        graph: graph.to_file(),
        positions: positions(graph),
        style: styles(),
    };
    let json = serde_json::to_string(&data).expect("page data serialises");
    let json = script_json(&json);
    let csp = format!(
        "default-src 'none'; script-src {} {}; style-src {}; img-src data:; \
         base-uri 'none'; form-action 'none'",
        csp_hash(CYTOSCAPE_JS),
        csp_hash(VIEWER_JS),
        csp_hash(VIEWER_CSS)
    );
    let mut page = String::with_capacity(json.len() + CYTOSCAPE_JS.len() + 64 * 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    page.push_str(&csp);
    page.push_str(
        "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    page.push_str("<meta name=\"generator\" content=\"");
    page.push_str(&escape_html(&crate::graph::json::generator()));
    page.push_str("\">\n<title>");
    page.push_str(&escape_html(&options.title));
    page.push_str("</title>\n");
    // The id tells Cytoscape.js its container rule is already there, so it adds no style
    // element of its own (which the policy would refuse).
    page.push_str("<style id=\"__________cytoscape_stylesheet\">");
    page.push_str(VIEWER_CSS);
    page.push_str("</style>\n</head>\n<body>\n");
    page.push_str(BODY);
    page.push_str("<script type=\"application/json\" id=\"kg-data\">");
    page.push_str(&json);
    page.push_str("</script>\n<script>");
    page.push_str(CYTOSCAPE_JS);
    page.push_str("</script>\n<script>");
    page.push_str(VIEWER_JS);
    page.push_str("</script>\n</body>\n</html>\n");
    page
}

/// Makes serialised JSON safe inside a `<script>` element: `<`, `>` and `&` become `\u003c`,
/// `\u003e`, `\u0026`, so no text can close the element (`</script>`) or open a comment
/// (`<!--`), and U+2028/U+2029 become `\u2028`/`\u2029` (they end a line in older
/// JavaScript). Those characters only occur inside JSON strings, where the escapes mean the
/// same thing, so the value is unchanged.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 32);
    for ch in json.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML element content and double-quoted attributes.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A CSP source expression that allows exactly the inline element whose text is `text`.
fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// Standard base64 with padding (what CSP hashes use).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Hex SHA-256 of some bytes (the vendored file's checksum is checked with it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Evidence};

    #[test]
    fn the_vendored_cytoscape_matches_its_recorded_checksum_and_licence() {
        assert_eq!(sha256_hex(CYTOSCAPE_JS.as_bytes()), CYTOSCAPE_SHA256);
        let readme = include_str!("html/vendor/README.md");
        assert!(readme.contains(CYTOSCAPE_VERSION) && readme.contains(CYTOSCAPE_SHA256));
        let licence = include_str!("html/vendor/cytoscape.LICENSE");
        assert!(licence.contains("The Cytoscape Consortium") && licence.contains("Permission"));
        assert!(
            CYTOSCAPE_JS.contains(&format!("version:\"{CYTOSCAPE_VERSION}\""))
                || CYTOSCAPE_JS.contains(&format!("\"{CYTOSCAPE_VERSION}\""))
        );
    }

    #[test]
    fn embedded_scripts_and_style_cannot_end_their_element() {
        for (name, text, end) in [
            ("cytoscape", CYTOSCAPE_JS, "</script"),
            ("viewer.js", VIEWER_JS, "</script"),
            ("viewer.css", VIEWER_CSS, "</style"),
        ] {
            let lower = text.to_ascii_lowercase();
            assert!(!lower.contains(end), "{name} contains {end}");
            assert!(!lower.contains("<!--"), "{name} contains <!--");
        }
    }

    #[test]
    fn script_json_escapes_what_could_close_the_tag_and_keeps_the_value() {
        let hostile = "</script><script>alert(1)</script> <!-- & \u{2028}\u{2029} 上海";
        let json = serde_json::to_string(&serde_json::json!({ "s": hostile })).unwrap();
        let safe = script_json(&json);
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!safe.contains(bad), "{bad:?} left in {safe}");
        }
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["s"], hostile);
    }

    #[test]
    fn build_skips_the_page_for_graphs_too_large_to_open() {
        assert!(build_writes_page(&hostile_graph()));
        // Few entities, but more evidence than the page may embed (the streaming build's
        // `graph.dot` is small for such a graph: the size must come from the page's data).
        let mut heavy = hostile_graph();
        let sentence = "x".repeat(1 << 20);
        let evidence: Vec<Evidence> = (0..(BUILD_MAX_JSON_BYTES >> 20) + 1)
            .map(|i| Evidence {
                document: format!("doc{i}.txt").into(),
                sentence: sentence.clone(),
                start: 0,
                end: 1,
                rule: "r".into(),
                tier: crate::model::Tier::Explicit,
                confidence: crate::model::Confidence::new(0.9),
                when: None,
            })
            .collect();
        heavy
            .add_relation("a", RelationKind::MemberOf, "b", &evidence)
            .unwrap();
        assert!(!build_writes_page(&heavy));
        let mut many = KnowledgeGraph::new();
        for i in 0..=BUILD_MAX_NODES {
            many.add_entity(Entity {
                id: format!("e{i}"),
                label: format!("E{i}"),
                kind: EntityKind::Country,
                aliases: Vec::new(),
                wikidata: None,
            });
        }
        assert!(!build_writes_page(&many));
    }

    #[test]
    fn base64_matches_known_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // The CSP example hash of `alert('Hello, world.');` from the CSP specification.
        assert_eq!(
            csp_hash("alert('Hello, world.');"),
            "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
        );
    }

    fn hostile_graph() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        let bad = "</script><img src=x onerror=alert(1)>";
        g.add_document("doc.txt");
        for (id, label) in [("a", bad), ("b", "javascript:alert(1)")] {
            g.add_entity(Entity {
                id: id.to_string(),
                label: label.to_string(),
                kind: EntityKind::Country,
                aliases: vec!["<!--".to_string()],
                wikidata: Some("javascript:alert(1)".to_string()),
            });
        }
        let ev = Evidence {
            document: "doc.txt".into(),
            sentence: format!("{bad} met \u{2028} b"),
            start: 0,
            end: 10,
            rule: "r".into(),
            tier: crate::model::Tier::Explicit,
            confidence: crate::model::Confidence::new(0.9),
            when: None,
        };
        g.add_relation("a", RelationKind::MetWith, "b", &[ev])
            .unwrap();
        g
    }

    #[test]
    fn hostile_text_never_closes_the_data_element_and_round_trips() {
        let g = hostile_graph();
        let page = html_page(&g, &HtmlOptions::default());
        // Exactly the three script elements the page writes, each closed once.
        assert_eq!(page.matches("</script>").count(), 3);
        assert_eq!(page.matches("<script").count(), 3);
        assert_eq!(page.matches("<!--").count(), 0);
        let start = page.find("id=\"kg-data\">").unwrap() + "id=\"kg-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(
            data["graph"]["nodes"][0]["label"],
            "</script><img src=x onerror=alert(1)>"
        );
        assert_eq!(data["positions"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn the_policy_allows_exactly_the_page_scripts() {
        let page = html_page(&hostile_graph(), &HtmlOptions::default());
        assert!(page.contains(&csp_hash(CYTOSCAPE_JS)));
        assert!(page.contains(&csp_hash(VIEWER_JS)));
        assert!(page.contains(&csp_hash(VIEWER_CSS)));
        assert!(!page.contains("unsafe-inline") && !page.contains("unsafe-eval"));
        // The hashed text is exactly what sits between the tags.
        assert!(page.contains(&format!("<script>{VIEWER_JS}</script>")));
        assert!(page.contains(&format!(
            "<style id=\"__________cytoscape_stylesheet\">{VIEWER_CSS}</style>"
        )));
    }

    #[test]
    fn the_title_is_escaped_and_the_page_is_deterministic() {
        let g = hostile_graph();
        let options = HtmlOptions {
            title: "<b>\"x\"</b>".to_string(),
        };
        let page = html_page(&g, &options);
        assert!(page.contains("<title>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>"));
        assert_eq!(page, html_page(&g, &options));
    }
}
