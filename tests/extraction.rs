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
