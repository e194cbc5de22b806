//! The properties every input must keep, shared by the fuzz targets (`fuzz/fuzz_targets/`,
//! which include this file by path) and the proptests of `tests/properties.rs`: one
//! statement of each property, two ways of looking for inputs that break it.
//!
//! Each `check_*` takes any input, runs one parser or stage on it and panics (with the
//! input's story in the message) when a property fails. None of them needs the input to be
//! valid: an error is a fine answer, as long as it says where in the input it is.
#![allow(dead_code)] // each test binary and fuzz target uses a different part of this module

use kg::claims::{self, At, DocumentRecord};
use kg::extract::{Extraction, Form, Gazetteer, Knowledge, Lexicon, LexiconError, RuleSet};
use kg::extract::{RulesError, extract};
use kg::graph::{GraphError, KnowledgeGraph, MergeOverrides, Merger};
use kg::query::QueryError;
use kg::query::pattern;
use kg::text::Document;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

/// A small lexicon for the targets that compile knowledge per input (the built-in one has
/// thousands of names: compiling it for every input would leave no time to search).
pub const SMALL_LEXICON: &str = r#"
[[entity]]
name = "China"
type = "country"
aliases = ["中国", "PRC"]
demonyms = ["Chinese", "Sino"]
[[entity]]
name = "Kazakhstan"
type = "country"
aliases = ["カザフスタン"]
[[entity]]
name = "Iran"
type = "country"
[[entity]]
name = "Xi Jinping"
type = "person"
short_names = ["Xi"]
[[entity]]
name = "Kassym-Jomart Tokayev"
type = "person"
short_names = ["Tokayev"]
[[entity]]
name = "Shanghai Cooperation Organization"
type = "organization"
aliases = ["SCO", "上海協力機構"]
[[entity]]
name = "Côte d'Ivoire"
type = "country"
"#;

/// The article the rules and merges targets extract with their input.
pub const ARTICLE: &str = "SCO summit in Astana\n\nChinese President Xi Jinping met \
    Kazakh President Kassym-Jomart Tokayev in Astana on Wednesday. Iran joined the \
    Shanghai Cooperation Organization as a member in 2023. Tokayev, who has led \
    Kazakhstan since 2019, hosted the summit. 上海協力機構の首脳会議はカザフスタンで開催。\
    Côte d’Ivoire is not a member of the SCO.\n";

/// The built-in knowledge, compiled once per process.
pub fn builtin() -> &'static Knowledge {
    static K: OnceLock<Knowledge> = OnceLock::new();
    K.get_or_init(Knowledge::builtin)
}

fn builtin_gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::new(builtin().lexicon()))
}

/// The small lexicon, parsed once.
pub fn small_lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let mut lex = Lexicon::new();
        lex.add_toml("small.toml", SMALL_LEXICON)
            .expect("small lexicon parses");
        lex
    })
}

/// The built-in rules, parsed once.
pub fn builtin_rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(RuleSet::builtin)
}

/// A 1-based (line, column in characters) names a place in `text`: a line that exists, and
/// a column on it or just past its end (where "expected ..." errors at the end point).
/// A syntax error's position: line and column inside `text`, and its byte offset the same
/// place (a character boundary within the text).
pub fn assert_syntax_inside(text: &str, e: &kg::error::SyntaxError, what: &str) {
    let p = &e.position;
    assert_position_inside(text, p.line, p.column, what);
    assert!(
        p.offset <= text.len() && text.is_char_boundary(p.offset),
        "{what}: offset {} not a character boundary of {text:?}",
        p.offset
    );
}

pub fn assert_position_inside(text: &str, line: usize, column: usize, what: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        line >= 1 && line <= lines.len(),
        "{what}: line {line} outside 1..={} of {text:?}",
        lines.len()
    );
    let width = lines[line - 1].chars().count();
    assert!(
        column >= 1 && column <= width + 1,
        "{what}: column {column} outside 1..={} of line {line} {:?}",
        width + 1,
        lines[line - 1]
    );
}

fn assert_char_range(text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= text.len(),
        "{what}: {start}..{end} outside the text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} cuts a character of {text:?}"
    );
}

/// Sentence splitting: sentences and captions are in order, disjoint, non-empty, on
/// character boundaries of the working text; a sentence is never only caption; every span
/// maps back onto character boundaries of the original text, in order.
pub fn check_split(text: &str) -> Document {
    let doc = Document::new("fuzz.txt", text);
    let work = doc.text();
    let original = doc.original_text();
    assert_eq!(original, text, "the original text is kept as given");
    let mut last_end = 0;
    for r in doc.noise() {
        assert_char_range(work, r.start, r.end, "caption");
        assert!(r.start < r.end, "empty caption {r:?}");
        assert!(
            r.start >= last_end,
            "captions overlap or are unsorted: {:?}",
            doc.noise()
        );
        last_end = r.end;
    }
    let (mut last_end, mut last_block, mut last_original) = (0, 0, 0);
    for s in doc.sentences() {
        assert_char_range(work, s.start, s.end, "sentence");
        assert!(s.start < s.end, "empty sentence {s:?}");
        assert!(
            s.start >= last_end,
            "sentences overlap: {:?}",
            doc.sentences()
        );
        assert!(
            s.block >= last_block,
            "blocks go back: {:?}",
            doc.sentences()
        );
        assert!(
            !doc.slice(s.span()).trim().is_empty(),
            "blank sentence {s:?} in {work:?}"
        );
        let covered: usize = doc
            .noise()
            .iter()
            .map(|r| r.end.min(s.end).saturating_sub(r.start.max(s.start)))
            .sum();
        assert!(covered < s.end - s.start, "sentence {s:?} is only caption");
        let o = doc.original_span(s.span());
        assert_char_range(original, o.start, o.end, "original span of a sentence");
        assert!(o.start >= last_original, "original spans go back");
        (last_end, last_block, last_original) = (s.end, s.block, o.end);
    }
    assert_eq!(
        Document::new("fuzz.txt", text),
        doc,
        "splitting is deterministic"
    );
    doc
}

fn fold(s: &str) -> String {
    s.replace('’', "'").to_ascii_lowercase()
}

/// The gazetteer of the built-in lexicon: mentions in order, disjoint, on character
/// boundaries and Latin word boundaries, each spelling a name (or for a demonym a demonym)
/// of its entity, up to ASCII case and the apostrophe.
pub fn check_matcher(text: &str) {
    let lex = builtin().lexicon();
    let mut last_end = 0;
    for m in builtin_gazetteer().find(text) {
        assert_char_range(text, m.start, m.end, "mention");
        assert!(m.start < m.end && m.start >= last_end, "mentions overlap");
        assert!(kg::extract::matcher::at_word_boundaries(
            text, m.start, m.end
        ));
        last_end = m.end;
        let entry = lex.entry(m.entity);
        let found = fold(&text[m.start..m.end]);
        let names: Vec<&String> = match m.form {
            Form::Demonym => entry.demonyms.iter().collect(),
            _ => std::iter::once(&entry.name).chain(&entry.aliases).collect(),
        };
        assert!(
            names.iter().any(|n| fold(n) == found),
            "{found:?} is no name of {} ({:?})",
            entry.name,
            m.form
        );
    }
}

/// A phrase set built from the first line's `|`-separated phrases, run over the rest: the
/// same span properties for any phrases at all (empty, CJK, combining marks, overlapping).
pub fn check_phrases(input: &str) {
    let (head, text) = input.split_once('\n').unwrap_or((input, ""));
    let phrases: Vec<(String, usize, bool)> = head
        .split('|')
        .enumerate()
        .map(|(i, p)| (p.to_string(), i, i % 2 == 0))
        .collect();
    let set = kg::extract::matcher::PhraseSet::new(phrases.clone());
    let mut last_end = 0;
    for (start, end, i) in set.find(text) {
        assert_char_range(text, start, end, "phrase match");
        assert!(start < end && start >= last_end, "phrase matches overlap");
        last_end = end;
        let (phrase, _, exact) = &phrases[i];
        let found = &text[start..end];
        if *exact {
            assert_eq!(found, phrase);
        } else {
            assert!(
                found.eq_ignore_ascii_case(phrase),
                "{found:?} for {phrase:?}"
            );
        }
    }
}

/// What every extraction must hold for its document: evidence exactly the original bytes
/// it cites, on character boundaries; no claim from an entity to itself; claim ends among
/// the entities; claims and entities sorted without repeats; confidences in [0, 1]; the
/// same result twice; and the claims line reads back to the same extraction and bytes.
pub fn check_extraction(doc: &Document, ex: &Extraction, knowledge: &Knowledge) {
    let original = doc.original_text();
    let ids: BTreeSet<&str> = ex.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), ex.entities.len(), "repeated entity");
    assert!(
        ex.entities.windows(2).all(|w| w[0].id < w[1].id),
        "entities unsorted"
    );
    assert!(
        ex.claims.windows(2).all(|w| w[0] < w[1]),
        "claims unsorted or repeated"
    );
    for c in &ex.claims {
        let ev = &c.evidence;
        assert_char_range(original, ev.start, ev.end, "evidence");
        assert_eq!(
            &original[ev.start..ev.end],
            ev.sentence,
            "evidence is its bytes"
        );
        assert_eq!(&*ev.document, doc.name());
        assert_ne!(c.subject, c.object, "a claim from an entity to itself");
        assert!(
            ids.contains(c.subject.as_str()),
            "subject {} not an entity",
            c.subject
        );
        assert!(
            ids.contains(c.object.as_str()),
            "object {} not an entity",
            c.object
        );
        let p = ev.confidence.get();
        assert!((0.0..=1.0).contains(&p), "confidence {p}");
    }
    assert_eq!(&extract(doc, knowledge), ex, "extraction is deterministic");
    let record = DocumentRecord {
        id: doc.name().to_string(),
        sha256: claims::sha256_hex(original.as_bytes()),
        bytes: original.len(),
        knowledge: "fuzz".into(),
        meta: Default::default(),
    };
    let line = claims::to_line(&record, ex);
    let at = At {
        path: Path::new("fuzz.jsonl"),
        line: 1,
        offset: 0,
    };
    let (back_record, back) = claims::parse_line(line.trim_end(), at).expect("own line reads");
    assert_eq!(back_record, record);
    assert_eq!(&back, ex, "the claims line reads back to the extraction");
}

/// Whole-document extraction with the built-in knowledge.
pub fn check_extract(text: &str) {
    let doc = Document::new("fuzz.txt", text);
    let ex = extract(&doc, builtin());
    check_extraction(&doc, &ex, builtin());
}

/// The exported bytes of a graph load back to a graph that exports the same bytes.
pub fn assert_round_trip(g: &KnowledgeGraph) -> String {
    let first = g.to_json_string();
    let back = KnowledgeGraph::from_json_str(&first, "export.json")
        .unwrap_or_else(|e| panic!("an exported graph does not load: {e}\n{first}"));
    let second = back.to_json_string();
    assert_eq!(first, second, "export → load → export differs");
    first
}

fn check_graph_error(text: &str, e: &GraphError) {
    if let GraphError::Syntax(e) = e {
        assert_syntax_inside(text, e, "graph error");
    }
}

/// Graph loading: the fast reader gives exactly the result of serde's derive (the promise
/// of `graph::load`), a loaded graph round-trips through its export, and errors point
/// inside the file.
pub fn check_graph(bytes: &[u8]) {
    let fast = KnowledgeGraph::from_json_bytes(bytes, "fuzz.json");
    let plain = serde_json::from_slice::<kg::graph::json::GraphFile<'_>>(bytes)
        .map_err(|e| e.to_string())
        .and_then(|f| KnowledgeGraph::from_file(f, "fuzz.json").map_err(|e| e.to_string()));
    match (&fast, &plain) {
        (Ok(a), Ok(b)) => assert_eq!(
            a.to_json_string(),
            b.to_json_string(),
            "the fast reader and serde's derive read different graphs"
        ),
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "the fast reader and serde's derive disagree: {:?} vs {:?}",
            a.as_ref().map(|_| "graph").map_err(ToString::to_string),
            b.as_ref().map(|_| "graph")
        ),
    }
    match fast {
        Ok(g) => {
            assert_round_trip(&g);
        }
        Err(e) => {
            let text = String::from_utf8_lossy(bytes);
            check_graph_error(&text, &e);
        }
    }
}

fn check_lexicon_error(text: &str, e: &LexiconError) {
    if let LexiconError::Syntax(e) = e {
        assert_syntax_inside(text, e, "lexicon error");
    }
}

/// A lexicon file (TOML, or JSON when `json`): an error points inside it; a lexicon that
/// loads has no empty name, reading the same file again changes nothing, and its
/// gazetteer finds only its names in the file's own text.
pub fn check_lexicon(text: &str, json: bool) {
    let add = |lex: &mut Lexicon| {
        if json {
            lex.add_json("fuzz", text)
        } else {
            lex.add_toml("fuzz", text)
        }
    };
    let mut lex = Lexicon::new();
    match add(&mut lex) {
        Err(e) => check_lexicon_error(text, &e),
        Ok(()) => {
            assert!(lex.entries().iter().all(|e| !e.name.trim().is_empty()));
            let once = lex.entries().to_vec();
            add(&mut lex).expect("the same file loads twice");
            assert_eq!(
                lex.entries(),
                &once[..],
                "reading a file again changed the lexicon"
            );
            let gazetteer = Gazetteer::new(&lex);
            let mut last_end = 0;
            for m in gazetteer.find(text) {
                assert_char_range(text, m.start, m.end, "mention");
                assert!(m.start >= last_end && m.entity < lex.len());
                last_end = m.end;
            }
        }
    }
}

/// A rules file over the built-in rules: an error points inside it; rules that load
/// extract the test article (with the small lexicon) keeping every extraction property.
pub fn check_rules(text: &str) {
    let mut rules = builtin_rules().clone();
    match rules.add_toml("fuzz.toml", text) {
        Err(RulesError::Syntax(e)) => assert_syntax_inside(text, &e, "rules error"),
        Err(RulesError::Invalid { position, .. } | RulesError::List { position, .. }) => {
            assert_position_inside(text, position.line, position.column, "rules error")
        }
        Err(RulesError::Io { .. }) => panic!("no file was read"),
        Ok(()) => {
            let knowledge = Knowledge::new(small_lexicon().clone(), rules);
            let doc = Document::new("article.txt", ARTICLE);
            let ex = extract(&doc, &knowledge);
            check_extraction(&doc, &ex, &knowledge);
        }
    }
}

/// The test article's extraction with the small lexicon and built-in rules, once.
fn article_extraction() -> &'static (Extraction, Extraction) {
    static E: OnceLock<(Extraction, Extraction)> = OnceLock::new();
    E.get_or_init(|| {
        let knowledge = Knowledge::new(small_lexicon().clone(), builtin_rules().clone());
        let a = extract(&Document::new("a.txt", ARTICLE), &knowledge);
        let b = extract(
            &Document::new(
                "b.txt",
                "Xi Jinping of China met Iran's envoy. PRC and Iran joined the SCO.",
            ),
            &knowledge,
        );
        (a, b)
    })
}

/// A merges file: an error points inside it; overrides that load merge two documents
/// into a graph that round-trips through its export, whatever pairs they name.
pub fn check_merges(text: &str) {
    match MergeOverrides::from_toml("merges.toml", text) {
        Err(e) => check_graph_error(text, &e),
        Ok(overrides) => {
            let mut merger = Merger::new(overrides);
            let (a, b) = article_extraction();
            for ex in [a, b] {
                merger
                    .add_document(&ex.document, &ex.entities, &ex.claims, &ex.surfaces)
                    .expect("an extraction merges");
            }
            let (graph, _log) = merger.finish();
            assert_round_trip(&graph);
        }
    }
}

/// A small graph for patterns to run on.
fn pattern_graph() -> &'static KnowledgeGraph {
    static G: OnceLock<KnowledgeGraph> = OnceLock::new();
    G.get_or_init(|| {
        let text = include_str!("../fixtures/sco.json");
        KnowledgeGraph::from_json_str(text, "sco.json").expect("fixture loads")
    })
}

/// A `kg match` pattern: an error points inside it; a pattern that parses is within the
/// limits and runs on a small graph to rows as wide as its columns, sorted and distinct.
pub fn check_pattern(src: &str) {
    match pattern::parse(src) {
        Err(QueryError::Syntax(e)) => {
            // Columns count characters of the whole pattern, which is one line to the user.
            assert_position_inside(
                &src.replace('\n', " "),
                1,
                e.position.column,
                "pattern error",
            );
        }
        Err(_) => {}
        Ok(p) => {
            assert_eq!(p.rels.len() + 1, p.nodes.len());
            let mut total = 0;
            for r in &p.rels {
                assert!(r.min <= r.max && r.max <= pattern::MAX_RANGE, "range {r:?}");
                total += r.max;
            }
            assert!(total <= pattern::MAX_TOTAL_HOPS, "{total} hops");
            if let Ok(m) = pattern::run(pattern_graph(), &p) {
                assert!(m.rows.iter().all(|r| r.len() == m.columns.len()));
                assert!(m.rows.windows(2).all(|w| w[0] != w[1]), "repeated row");
            }
        }
    }
}

/// The claims reader, line by line as `kg merge` reads a file: an error points inside its
/// line; a line that reads writes back to a line that reads to the same record and
/// extraction; the lines that read merge into a graph that round-trips.
pub fn check_claims(text: &str) {
    let mut merger = Merger::new(MergeOverrides::default());
    let mut line_start = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let start = line_start;
        line_start += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let at = At {
            path: Path::new("fuzz.jsonl"),
            line: i + 1,
            offset: start as u64,
        };
        match claims::parse_line(line, at) {
            Err(claims::ClaimsError::Syntax(e)) => {
                let p = &e.position;
                assert_eq!(p.line, i + 1, "the error names its line");
                assert_position_inside(line, 1, p.column, "claims error");
                assert!(
                    p.offset >= start && p.offset <= start + line.len(),
                    "claims error: offset {} outside the line {start}..{}",
                    p.offset,
                    start + line.len()
                );
            }
            Err(_) => {}
            Ok((record, ex)) => {
                let written = claims::to_line(&record, &ex);
                let (record2, ex2) =
                    claims::parse_line(written.trim_end(), at).expect("a written line reads");
                assert_eq!(record2, record);
                assert_eq!(ex2, ex, "a line reads back to what was written");
                assert_eq!(claims::to_line(&record2, &ex2), written);
                if merger
                    .add_document(&ex.document, &ex.entities, &ex.claims, &ex.surfaces)
                    .is_err()
                {
                    // A line whose claims name entities it does not list is refused by the
                    // merge, which `kg merge` then stops; so does this check.
                    return;
                }
            }
        }
    }
    assert_round_trip(&merger.finish().0);
}
