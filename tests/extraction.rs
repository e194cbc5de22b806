//! Extraction quality, measured against gold annotations with `kg::eval` (the Rust port of
//! the scorer). The gold files are fixtures; the code under test never reads them.

use kg::eval::{Gold, Report, score};
use kg::pipeline::{BuildConfig, build_graph};
use std::path::PathBuf;

const FIXTURES: &str = "tests/fixtures/eval";

fn evaluate(article: &str, builtin_only: bool) -> Report {
    let config = BuildConfig {
        inputs: vec![PathBuf::from(FIXTURES).join(format!("{article}.txt"))],
        builtin_only,
        ..Default::default()
    };
    let (graph, _) = build_graph(&config).expect("the article builds");
    let json: serde_json::Value = serde_json::from_str(&graph.to_json_string()).unwrap();
    let gold = Gold::load(&PathBuf::from(FIXTURES).join(format!("{article}.gold.json"))).unwrap();
    let report = score(&gold, &json);
    eprintln!(
        "{article} (builtin_only={builtin_only}): {}",
        report.summary_line()
    );
    report
}

#[test]
fn seed_article_meets_the_foundation_thresholds() {
    let r = evaluate("sco-summit", false);
    assert!(r.entity.f1 >= 0.95, "entity F1 {}", r.entity.f1);
    assert!(
        r.relation.precision >= 0.95,
        "relation precision {}",
        r.relation.precision
    );
    let explicit = r.relation.by_tier.explicit.recall.unwrap();
    let implied = r.relation.by_tier.implied.recall.unwrap();
    assert!(explicit >= 0.95, "explicit recall {explicit}");
    assert!(implied >= 0.60, "implied recall {implied}");
}

/// Unseen articles: only the built-in world knowledge and general rules, no domain lexicon.
#[test]
fn dev_articles_with_builtin_knowledge_only() {
    for article in ["brics-kazan", "asean-kl"] {
        let r = evaluate(article, true);
        assert!(r.entity.f1 >= 0.85, "{article}: entity F1 {}", r.entity.f1);
        assert!(
            r.relation.f1 >= 0.80,
            "{article}: relation F1 {}",
            r.relation.f1
        );
    }
}

/// The fourteen development articles (wire reports, analysis, Q&A, key-facts boxes, bilingual
/// bios), each built with built-in knowledge only and scored against its gold.
///
/// The thresholds are the generality issue's: micro relation F1 0.85, micro precision 0.90,
/// every article at 0.70 (README's quality table has the figures and what is still missed).
const DEV_ARTICLES: [&str; 14] = [
    "african-union-summit",
    "arab-league-gcc",
    "asean-kl",
    "brics-kazan",
    "brics-new-development-bank",
    "central-asia-summit",
    "eu-enlargement",
    "g7-summit",
    "mercosur-eu",
    "opec-plus",
    "osce-council-of-europe",
    "pacific-islands-forum",
    "quad-aukus",
    "un-security-council",
];

#[test]
fn dev_set_micro_scores_with_builtin_knowledge_only() {
    let (mut tp, mut pred, mut gold) = (0, 0, 0);
    let mut weakest = (f64::MAX, "");
    for article in DEV_ARTICLES {
        let r = evaluate(article, true);
        tp += r.relation.tp;
        pred += r.relation.pred;
        gold += r.relation.gold;
        if r.relation.f1 < weakest.0 {
            weakest = (r.relation.f1, article);
        }
    }
    let p = tp as f64 / pred.max(1) as f64;
    let r = tp as f64 / gold.max(1) as f64;
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    eprintln!(
        "dev set: micro P={p:.3} R={r:.3} F1={f1:.3}; weakest {} {:.3}",
        weakest.1, weakest.0
    );
    assert!(f1 >= 0.85, "micro relation F1 {f1:.4}");
    assert!(p >= 0.90, "micro relation precision {p:.3}");
    assert!(
        weakest.0 >= 0.70,
        "{} relation F1 {:.3}",
        weakest.1,
        weakest.0
    );
}

#[test]
fn seed_article_with_builtin_knowledge_only() {
    let r = evaluate("sco-summit", true);
    assert!(r.relation.f1 >= 0.75, "relation F1 {}", r.relation.f1);
}

/// Building the seed and both dev articles together: one node per real entity, with
/// evidence from each document that names it, and a merge log of decisions only.
#[test]
fn many_documents_merge_into_one_node_per_entity() {
    let config = BuildConfig {
        inputs: ["sco-summit", "brics-kazan", "asean-kl"]
            .iter()
            .map(|a| PathBuf::from(FIXTURES).join(format!("{a}.txt")))
            .collect(),
        ..Default::default()
    };
    let (graph, merges) = build_graph(&config).unwrap();
    let labels: Vec<&str> = graph.entities().map(|e| e.label.as_str()).collect();
    for name in [
        "Xi Jinping",
        "Shanghai Cooperation Organization",
        "China",
        "Vladimir Putin",
    ] {
        assert_eq!(labels.iter().filter(|l| **l == name).count(), 1, "{name}");
    }
    let docs: std::collections::BTreeSet<&str> = graph
        .sorted_edges()
        .into_iter()
        .filter(|e| e.source.id == "vladimir-putin" || e.target.id == "vladimir-putin")
        .flat_map(|e| e.relation.evidence.iter().map(|ev| &*ev.document))
        .collect();
    assert_eq!(
        docs.into_iter().collect::<Vec<_>>(),
        ["brics-kazan.txt", "sco-summit.txt"]
    );
    // The same lexicon entity met again in another document is no decision to review: the
    // log holds only merges by name, overrides, ambiguous names and type conflicts.
    for id in ["china", "vladimir-putin", "xi-jinping"] {
        assert!(
            !merges.iter().any(|m| m.into == id && m.entity == id),
            "a same-id merge of {id} was logged: {merges:?}"
        );
    }
    for m in &merges {
        assert!(
            ["same-name", "same-as", "ambiguous-name", "type-conflict"].contains(&m.kind.as_str()),
            "{m:?}"
        );
        assert!(m.documents >= 1);
    }
}

mod robustness {
    //! Extraction must not panic, and must keep its span invariant, on any text: fragments of
    //! names, triggers, titles, dates, CJK and punctuation thrown together at random.
    use kg::extract::{Knowledge, extract};
    use kg::text::Document;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn knowledge() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(Knowledge::builtin)
    }

    const FRAGMENTS: &[&str] = &[
        "China",
        "Chinese President ",
        "Xi Jinping",
        "the SCO",
        "上海協力機構",
        "カザフスタン",
        " joined ",
        " met ",
        " led by ",
        "observer states (",
        "Iran, ",
        " and ",
        ")",
        "’s ",
        "membership",
        "President ",
        "Dr. ",
        "Ph.D. ",
        "U.S. ",
        "。",
        ". ",
        "\n\n",
        "(2018年~)",
        "since 2017",
        " in 1984, ",
        "Bank (NDB)",
        " the bank",
        " he ",
        "The two leaders ",
        "Vice President ",
        "Member states of the ",
        ", including ",
        "é",
        "🙂",
        "\u{301}",
        "Taiwan 2050 Educational Foundation",
        "所長",
        "の",
        "理事長",
        "\r\n",
        "\"",
        "“",
        "—",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn any_mix_of_fragments_extracts_without_panicking(
            picks in proptest::collection::vec(0..FRAGMENTS.len(), 0..60),
            noise in "\\PC{0,20}",
        ) {
            let mut text: String = picks.iter().map(|&i| FRAGMENTS[i]).collect();
            text.push_str(&noise);
            let doc = Document::new("random.txt", text.as_str());
            let found = extract(&doc, knowledge());
            for c in &found.claims {
                prop_assert_eq!(&text[c.evidence.start..c.evidence.end], c.evidence.sentence.as_str());
                prop_assert!(c.subject != c.object);
            }
        }
    }
}
