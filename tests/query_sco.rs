//! Queries on the real graph of the bundled SCO article (`output/graph.json`, which
//! `tests/output.rs` keeps equal to a fresh build).

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn kg(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("kg")
        .unwrap()
        .args(args)
        .args(["--graph", "output/graph.json"])
        .assert()
}

fn json(args: &[&str]) -> Value {
    let out = kg(args).success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn xi_jinping_reaches_kazakhstan_with_evidence_on_every_hop() {
    let v = json(&["path", "Xi Jinping", "Kazakhstan", "--json"]);
    assert_eq!(v["from"]["id"], "xi-jinping");
    assert_eq!(v["to"]["id"], "kazakhstan");
    let path = &v["paths"][0];
    let edges = path["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    for e in edges {
        let ev = e["evidence"].as_array().unwrap();
        assert!(!ev.is_empty(), "hop without evidence: {e}");
        assert!(
            ev.iter()
                .all(|x| x["sentence"].as_str().is_some_and(|s| !s.is_empty()))
        );
    }
}

#[test]
fn filters_change_the_answer() {
    let plain = json(&["path", "Xi Jinping", "Kazakhstan", "--json"]);
    let nodes = |v: &Value| -> Vec<Value> {
        v["paths"][0]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].clone())
            .collect()
    };
    assert!(nodes(&plain).contains(&Value::from("china")));
    // Avoiding China forces another way round (through Putin and Russia).
    let avoid = json(&[
        "path",
        "Xi Jinping",
        "Kazakhstan",
        "--avoid",
        "China",
        "--json",
    ]);
    assert!(!nodes(&avoid).contains(&Value::from("china")));
    // Only people and countries: the organizations that link them are out of bounds.
    kg(&[
        "path",
        "Xi Jinping",
        "Kazakhstan",
        "--types",
        "person,country",
    ])
    .code(1)
    .stderr(predicate::str::contains("no path"));
    // Only `leads`: Xi leads China, but nothing leads Kazakhstan.
    kg(&["path", "Xi Jinping", "Kazakhstan", "--relations", "leads"]).code(1);
}

#[test]
fn names_resolve_across_scripts_and_spellings() {
    for name in [
        "sco",
        "SCO",
        "上海協力機構",
        "Shanghai Cooperation Organisation",
    ] {
        let v = json(&["show", name, "--json"]);
        assert_eq!(v["id"], "shanghai-cooperation-organization", "{name}");
    }
    kg(&["show", "Xi Jingping"])
        .code(2)
        .stderr(predicate::str::contains("did you mean 'Xi Jinping'"));
}

#[test]
fn match_lists_exactly_the_five_observer_states() {
    let v = json(&[
        "match",
        r#"(c:country)-[:observer-of]->(o {label: "Shanghai Cooperation Organization"})"#,
        "--json",
    ]);
    assert_eq!(v["columns"], serde_json::json!(["c", "o"]));
    let got: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["values"][0]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        ["afghanistan", "belarus", "iran", "mongolia", "pakistan"]
    );
}

#[test]
fn show_lists_the_merges_behind_an_entity() {
    // The merge log keeps decisions a person reviews, not the same lexicon entity met again:
    // here an override merges a second spelling of Putin's name into him.
    let out = tempfile::tempdir().unwrap();
    let article = out.path().join("kazan-de.txt");
    std::fs::write(&article, "Wladimir Putin met Xi Jinping in Kazan.\n").unwrap();
    let lexicon = out.path().join("de.toml");
    std::fs::write(
        &lexicon,
        "[[entity]]\nname = \"Wladimir Putin\"\ntype = \"person\"\n",
    )
    .unwrap();
    let merges = out.path().join("merges.toml");
    std::fs::write(
        &merges,
        "[[same-as]]\na = \"wladimir-putin\"\nb = \"vladimir-putin\"\n",
    )
    .unwrap();
    Command::cargo_bin("kg")
        .unwrap()
        .args(["build", "-q", "data/articles"])
        .arg(&article)
        .arg("--lexicon")
        .arg(&lexicon)
        .arg("--merges")
        .arg(&merges)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let graph = out.path().join("graph.json");
    let shown = Command::cargo_bin("kg")
        .unwrap()
        .args(["show", "Putin", "--json", "--graph"])
        .arg(&graph)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&shown).unwrap();
    let merges = v["merges"].as_array().unwrap();
    assert_eq!(merges.len(), 1, "{v}");
    assert_eq!(merges[0]["document"], "kazan-de.txt");
    assert_eq!(merges[0]["kind"], "same-as");
    assert_eq!(merges[0]["entity"], "wladimir-putin");
}

#[test]
fn min_confidence_drops_weak_edges_from_queries() {
    let count = |extra: &[&str]| {
        let mut args = vec!["neighbors", "Chien-Fu Chen", "--json"];
        args.extend_from_slice(extra);
        json(&args)["neighbors"]
            .as_array()
            .map(Vec::len)
            .unwrap_or_else(|| panic!("no neighbors list"))
    };
    let all = count(&[]);
    let strong = count(&["--min-confidence", "0.85"]);
    assert!(strong < all, "{strong} < {all}");
    assert!(strong > 0);
}
