//! Loading graph files: a file large enough to be mapped and parsed on several threads gives
//! the graph it was written from, on any number of threads, and a broken one a positioned
//! error.

use kg::graph::KnowledgeGraph;
use kg::model::{Confidence, Entity, EntityKind, Evidence, RelationKind, Tier};

/// About 20 MB of pretty JSON: past the size from which files are mapped, not read.
fn large_graph() -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    let people = 4000;
    for i in 0..people {
        g.add_entity(Entity {
            id: format!("person-{i:05}"),
            label: format!("Person {i} \"the {}\"", i % 7),
            kind: EntityKind::Person,
            aliases: vec![format!("P{i}"), format!("人{i}")],
            wikidata: (i % 3 == 0).then(|| format!("Q{i}")),
        });
    }
    for i in 0..60_000usize {
        let (a, b) = (i % people, (i * 7919 + 13) % people);
        if a == b {
            continue;
        }
        let relation = [RelationKind::MetWith, RelationKind::Leads][i % 2];
        let evidence: Vec<Evidence> = (0..1 + i % 3)
            .map(|k| Evidence {
                document: format!("doc-{:03}.txt", (i + k) % 200).into(),
                sentence: format!(
                    "Person {a} met Person {b} on day {k}, said the report \\ \"quoted\" — 東京で会談した。"
                ),
                start: i * 100 + k,
                end: i * 100 + k + 60,
                rule: format!("rule-{}", k % 4).into(),
                tier: Tier::Explicit,
                confidence: Confidence::new(0.8),
                when: None,
            })
            .collect();
        g.add_relation(
            &format!("person-{a:05}"),
            relation,
            &format!("person-{b:05}"),
            &evidence,
        )
        .unwrap();
    }
    g
}

#[test]
fn a_large_file_loads_to_the_graph_it_was_written_from_on_any_thread_count() {
    let text = large_graph().to_json_string();
    assert!(text.len() > 16 << 20, "{} bytes is not large", text.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.json");
    std::fs::write(&path, &text).unwrap();
    for threads in [1, 2, 5] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let g = pool.install(|| KnowledgeGraph::load(&path)).unwrap();
        assert!(
            g.to_json_string() == text,
            "{threads} threads: the loaded graph differs from the file"
        );
    }
}

#[test]
fn a_large_broken_file_names_line_and_column() {
    let text = large_graph().to_json_string();
    // Break an edge about two thirds in, where another thread parses.
    let at = text[text.len() * 2 / 3..].find("\"rule\": ").unwrap() + text.len() * 2 / 3;
    let broken = format!(
        "{}\"rule\": ,{}",
        &text[..at],
        &text[at + "\"rule\": ".len()..]
    );
    let line = text[..at].matches('\n').count() + 1;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.json");
    std::fs::write(&path, &broken).unwrap();
    let err = KnowledgeGraph::load(&path).unwrap_err().to_string();
    let want = format!("{}:{line}:", path.display());
    assert!(err.starts_with(&want), "{err}\nwanted {want}…");
}
