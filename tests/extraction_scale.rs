//! Extraction works in time linear in a paragraph's length.
//!
//! Scraped pages often come as one line: a paragraph of thousands of sentences. Every step
//! that looked back over "the earlier sentences of the paragraph" or over "every claim so
//! far" made such a page cost the square of its length (a 10 MB line took minutes). This
//! test times the same work on a one-line paragraph of N sentences and on one of 4N, and
//! asserts the ratio is nearer 4 (linear) than 16 (quadratic). A ratio does not depend on
//! the machine's speed; the best of a few runs keeps a busy neighbour from deciding it.

use kg::extract::{Knowledge, extract};
use kg::graph::KnowledgeGraph;
use kg::text::Document;
use std::time::{Duration, Instant};

/// Sentences that exercise each look-back: inference (member-of + evolved-from), pronouns
/// and "the two leaders", "the bloc", "the Chinese leader", context slots with nothing to
/// find ("所長" without a person), and edges that the paragraph states again and again.
const SENTENCES: &[&str] = &[
    "Chile joined the African Union in 2004.",
    "President Gabriel Boric met Prime Minister Ana Torres.",
    "The two leaders discussed trade with Kazakhstan.",
    "He later visited Brazil.",
    "The Shanghai Cooperation Organization emerged from the Shanghai Five.",
    "Kazakhstan is a member of the Shanghai Five.",
    "The bloc admitted Mongolia as an observer.",
    "Chinese President Xi Jinping arrived in Russia.",
    "The Chinese leader met Indian Prime Minister Narendra Modi.",
    "研究センター所長を務めた。",
    "India joined BRICS in 2006.",
    "Officials from Egypt attended the meeting.",
];

/// One line of `n` sentences, varied so that claims are not all one triple.
fn paragraph(n: usize) -> String {
    const COUNTRIES: &[&str] = &["Chile", "Egypt", "Iran", "Armenia", "Cambodia", "Belarus"];
    let mut text = String::new();
    for i in 0..n {
        let s = SENTENCES[i % SENTENCES.len()];
        let c = COUNTRIES[(i / SENTENCES.len()) % COUNTRIES.len()];
        text.push_str(&s.replacen("Chile", c, 1));
        text.push(' ');
    }
    text.push('\n');
    text
}

/// Extraction of the paragraph, then the graph of its claims and every edge's confidence.
fn work(text: &str, knowledge: &Knowledge) -> Duration {
    let started = Instant::now();
    let doc = Document::new("long.txt", text);
    let found = extract(&doc, knowledge);
    let mut graph = KnowledgeGraph::new();
    for e in found.entities {
        graph.add_entity(e);
    }
    for c in &found.claims {
        graph.add_claim(c).expect("endpoints are entities");
    }
    let g = graph.petgraph();
    let total: f64 = g.edge_indices().map(|e| g[e].confidence().get()).sum();
    assert!(
        total > 0.0 && found.claims.len() > 100,
        "the text makes claims"
    );
    started.elapsed()
}

fn best_of(runs: usize, text: &str, knowledge: &Knowledge) -> Duration {
    (0..runs).map(|_| work(text, knowledge)).min().unwrap()
}

#[test]
fn one_line_paragraph_costs_linear_time() {
    let knowledge = Knowledge::builtin();
    // ~3,000 sentences (150 kB) against ~12,000 (600 kB): large enough for a quadratic step
    // to dominate, small enough to stay within seconds in a debug build.
    let n = 3_000;
    let (small, large) = (paragraph(n), paragraph(4 * n));
    work(&small, &knowledge); // warm up: allocator, page cache
    let t_small = best_of(3, &small, &knowledge);
    let t_large = best_of(2, &large, &knowledge);
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    eprintln!(
        "{n} sentences: {t_small:?}; {} sentences: {t_large:?}; ratio {ratio:.1} (linear 4, quadratic 16)",
        4 * n
    );
    assert!(
        ratio < 8.0,
        "4× the sentences took {ratio:.1}× the time ({t_small:?} → {t_large:?}): some step of \
         extraction grows with the square of a paragraph's length"
    );
}
