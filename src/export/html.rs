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
/// so the size is measured on what the page would embed.
pub fn build_writes_page(graph: &KnowledgeGraph) -> bool {
    build_graph_json(graph).is_some()
}

/// [`html_page`] when [`build_writes_page`] says `kg build` writes one, else `None`; the
/// graph's JSON is made once, for the size check and the page.
pub fn build_page(graph: &KnowledgeGraph, options: &HtmlOptions) -> Option<String> {
    let json = build_graph_json(graph)?;
    Some(page_with(graph, &json, options))
}

/// The graph's compact JSON as the page embeds it, or `None` when the page is not to be
/// written for this graph. Every evidence sentence is in it at least once, unescaped or
/// longer, so their sum is a bound that refuses a large graph without serialising it; a
/// graph under that bound is serialised into a buffer that gives up at the limit.
fn build_graph_json(graph: &KnowledgeGraph) -> Option<Vec<u8>> {
    /// Keeps the bytes and fails once past the limit, which stops serde_json early.
    struct Capped(Vec<u8>);
    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + buf.len() > BUILD_MAX_JSON_BYTES {
                return Err(std::io::Error::other("over the page limit"));
            }
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
            self.write(buf).map(drop)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    if graph.node_count() > BUILD_MAX_NODES {
        return None;
    }
    let mut sentences = 0usize;
    for e in graph.petgraph().edge_weights() {
        sentences += e.evidence.iter().map(|ev| ev.sentence.len()).sum::<usize>();
        if sentences > BUILD_MAX_JSON_BYTES {
            return None;
        }
    }
    let mut out = Capped(Vec::new());
    serde_json::to_writer(&mut out, &graph.to_file()).ok()?;
    Some(out.0)
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
    let json = serde_json::to_vec(&graph.to_file()).expect("graph serialises");
    page_with(graph, &json, options)
}

/// The page of `graph`, whose compact `graph.json` form is `graph_json`.
fn page_with(graph: &KnowledgeGraph, graph_json: &[u8], options: &HtmlOptions) -> String {
    let csp = format!(
        "default-src 'none'; script-src {} {}; style-src {}; img-src data:; \
         base-uri 'none'; form-action 'none'",
        csp_hash(CYTOSCAPE_JS),
        csp_hash(VIEWER_JS),
        csp_hash(VIEWER_CSS)
    );
    // What the page's script reads, as serde writes a struct of these fields in this
    // order: `title`, `graph` (the graph.json contract), `positions` (`[x, y]` of each node,
    // in the order of `graph.nodes`), `style`. Escaping is byte by byte, so escaping the
    // pieces is escaping the whole.
    let mut data = Vec::with_capacity(graph_json.len() * 33 / 32 + 64 * 1024);
    for piece in [
        &b"{\"title\":"[..],
        &compact(options.title.as_str()),
        b",\"graph\":",
        graph_json,
        b",\"positions\":",
        &compact(&positions(graph)),
        b",\"style\":",
        &compact(&styles()),
        b"}",
    ] {
        push_script_json(&mut data, piece);
    }
    let mut page = String::with_capacity(data.len() + CYTOSCAPE_JS.len() + 64 * 1024);
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
    page.push_str(std::str::from_utf8(&data).expect("escaping keeps UTF-8"));
    page.push_str("</script>\n<script>");
    page.push_str(CYTOSCAPE_JS);
    page.push_str("</script>\n<script>");
    page.push_str(VIEWER_JS);
    page.push_str("</script>\n</body>\n</html>\n");
    page
}

/// Compact JSON of a value.
fn compact<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("page data serialises")
}

/// Makes serialised JSON safe inside a `<script>` element: `<`, `>` and `&` become `\u003c`,
/// `\u003e`, `\u0026`, so no text can close the element (`</script>`) or open a comment
/// (`<!--`), and U+2028/U+2029 become `\u2028`/`\u2029` (they end a line in older
/// JavaScript). Those characters only occur inside JSON strings, where the escapes mean the
/// same thing, so the value is unchanged.
pub fn script_json(json: &str) -> String {
    let mut out = Vec::with_capacity(json.len() + json.len() / 32);
    push_script_json(&mut out, json.as_bytes());
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// [`script_json`] of UTF-8 bytes, appended to `out`. Works on bytes: the characters to
/// escape are ASCII or start with the byte 0xE2, and in UTF-8 a byte sequence can only be
/// the character it encodes, so nothing is decoded.
fn push_script_json(out: &mut Vec<u8>, json: &[u8]) {
    let len = json.len();
    let ascii =
        |from: usize| memchr::memchr3(b'<', b'>', b'&', &json[from..]).map_or(len, |k| from + k);
    let lead = |from: usize| memchr::memchr(0xE2, &json[from..]).map_or(len, |k| from + k);
    let (mut next_ascii, mut next_lead) = (ascii(0), lead(0));
    let mut copied = 0;
    loop {
        let at = next_ascii.min(next_lead);
        if at == len {
            break;
        }
        let escape: (&[u8], usize) = if at == next_ascii {
            next_ascii = ascii(at + 1);
            match json[at] {
                b'<' => (b"\\u003c", 1),
                b'>' => (b"\\u003e", 1),
                _ => (b"\\u0026", 1),
            }
        } else {
            next_lead = lead(at + 1);
            match json.get(at + 1..at + 3) {
                Some([0x80, 0xA8]) => (b"\\u2028", 3),
                Some([0x80, 0xA9]) => (b"\\u2029", 3),
                _ => continue,
            }
        };
        out.extend_from_slice(&json[copied..at]);
        out.extend_from_slice(escape.0);
        copied = at + escape.1;
    }
    out.extend_from_slice(&json[copied..]);
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
        // Escaped byte by byte: other characters starting with the same bytes as U+2028
        // (an ellipsis, a dash, curly quotes) are kept, at the start, middle and end.
        let text = "\u{2026}a\u{2014}\u{2028}\u{2018}<\u{2029}\u{2019}&\u{2027}\u{202a}\u{2026}";
        assert_eq!(
            script_json(text),
            "\u{2026}a\u{2014}\\u2028\u{2018}\\u003c\\u2029\u{2019}\\u0026\u{2027}\u{202a}\u{2026}"
        );
        assert_eq!(script_json("\u{e2}x"), "\u{e2}x");
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
        // Sentences adding up to less than the limit whose JSON is over it (every '"' is
        // written as two bytes): refused by the serialised size, not the sentences' sum.
        let mut quoted = hostile_graph();
        let mut ev = evidence[0].clone();
        ev.sentence = "\"".repeat(BUILD_MAX_JSON_BYTES * 2 / 3);
        quoted
            .add_relation("a", RelationKind::MemberOf, "b", &[ev])
            .unwrap();
        assert!(!build_writes_page(&quoted));
        assert!(
            build_page(&hostile_graph(), &HtmlOptions::default())
                .is_some_and(|page| page == html_page(&hostile_graph(), &HtmlOptions::default()))
        );
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
