//! Every relation rule of `data/rules.toml`, exercised on sentences of our own
//! (`tests/fixtures/rule_examples.toml`): each example must yield its claims through its rule,
//! and every built-in rule must have an example.

use kg::extract::{Knowledge, RuleSet, extract};
use kg::text::Document;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Example {
    rule: String,
    text: String,
    expect: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
}

#[derive(Deserialize)]
struct Examples {
    example: Vec<Example>,
}

fn examples() -> Vec<Example> {
    let text = std::fs::read_to_string("tests/fixtures/rule_examples.toml").unwrap();
    toml::from_str::<Examples>(&text).unwrap().example
}

#[test]
fn every_rule_yields_its_claims_on_its_examples() {
    let knowledge = Knowledge::builtin();
    let mut failures = Vec::new();
    for ex in examples() {
        let doc = Document::new("example.txt", ex.text.as_str());
        let found = extract(&doc, &knowledge);
        let by_rule: BTreeSet<String> = found
            .claims
            .iter()
            .filter(|c| *c.evidence.rule == *ex.rule)
            .map(|c| format!("{} {} {}", c.subject, c.relation, c.object))
            .collect();
        let all: BTreeSet<String> = found
            .claims
            .iter()
            .map(|c| format!("{} {} {}", c.subject, c.relation, c.object))
            .collect();
        for want in &ex.expect {
            if !by_rule.contains(want) {
                failures.push(format!(
                    "{}: missing '{want}' in {:?}\n  found {all:?}",
                    ex.rule, ex.text
                ));
            }
        }
        for bad in &ex.absent {
            if all.contains(bad) {
                failures.push(format!("{}: unwanted '{bad}' in {:?}", ex.rule, ex.text));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_builtin_rule_has_an_example() {
    let rules = RuleSet::builtin();
    let covered: BTreeSet<String> = examples().into_iter().map(|e| e.rule).collect();
    let missing: Vec<String> = rules
        .rules
        .iter()
        .map(|r| r.id.get_ref().to_string())
        .chain(rules.inferences.iter().map(|i| i.id.to_string()))
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(missing.is_empty(), "rules without an example: {missing:?}");
}
