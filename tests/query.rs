//! The query subcommands through the real binary, on the hand-made SCO fixture
//! (`tests/fixtures/sco.json`), plus bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sco.json");

fn kg(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("kg").unwrap();
    cmd.args(args)
        .args(["--graph", FIXTURE, "--color", "never"]);
    cmd
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = kg(&all).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn types() -> std::collections::HashMap<String, String> {
    let g: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_string(),
                n["type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The node ids of the first path, after checking it is a chain of evidenced edges.
fn first_path(v: &Value) -> Vec<String> {
    let path = &v["paths"][0];
    let nodes: Vec<String> = path["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    let edges = path["edges"].as_array().unwrap();
    assert_eq!(edges.len() + 1, nodes.len());
    for (i, e) in edges.iter().enumerate() {
        let ends = [e["source"].as_str().unwrap(), e["target"].as_str().unwrap()];
        assert!(
            ends.contains(&nodes[i].as_str()) && ends.contains(&nodes[i + 1].as_str()),
            "{e}"
        );
        let evidence = e["evidence"].as_array().unwrap();
        assert!(!evidence.is_empty(), "hop without evidence: {e}");
        assert!(
            evidence
                .iter()
                .all(|ev| !ev["sentence"].as_str().unwrap().is_empty())
        );
    }
    assert_eq!(nodes[0], v["from"]["id"].as_str().unwrap());
    assert_eq!(nodes.last().unwrap(), v["to"]["id"].as_str().unwrap());
    nodes
}

#[test]
fn path_has_evidence_on_every_hop() {
    let v = json(&["path", "Xi Jinping", "Kazakhstan"]);
    assert_eq!(v["from"]["id"], "xi-jinping");
    assert_eq!(v["to"]["id"], "kazakhstan");
    let nodes = first_path(&v);
    assert_eq!(nodes.len(), 3, "{nodes:?}");
}

#[test]
fn path_human_output_shows_stored_direction_and_evidence() {
    kg(&[
        "path",
        "Xi Jinping",
        "Kazakhstan",
        "--relations",
        "leads,member-of",
    ])
    .assert()
    .success()
    .stdout(predicate::str::starts_with(
        "Xi Jinping —leads→ China  confidence 0.90\n    “Chinese President [Xi Jinping]",
    ))
    .stdout(predicate::str::contains(
        "Shanghai Cooperation Organization ←member-of— Kazakhstan  confidence 0.90\n",
    ))
    .stdout(predicate::str::contains(
        "      sco-summit.txt 0..47 · leads.title · stated · 0.90\n",
    ));
}

#[test]
fn relation_type_and_avoid_filters_change_the_answer() {
    let plain = first_path(&json(&["path", "Xi Jinping", "Kazakhstan"]));
    let by_rel = json(&[
        "path",
        "Xi Jinping",
        "Kazakhstan",
        "--relations",
        "leads,member-of",
    ]);
    let rel_nodes = first_path(&by_rel);
    assert_ne!(plain, rel_nodes);
    for e in by_rel["paths"][0]["edges"].as_array().unwrap() {
        assert!(
            ["leads", "member-of"].contains(&e["relation"].as_str().unwrap()),
            "{e}"
        );
    }

    let kinds = types();
    let by_type = first_path(&json(&[
        "path",
        "Xi Jinping",
        "Kazakhstan",
        "--types",
        "country,organization",
    ]));
    assert_ne!(plain, by_type);
    for id in &by_type[1..by_type.len() - 1] {
        assert!(
            ["country", "organization"].contains(&kinds[id].as_str()),
            "{id}"
        );
    }

    let avoided = plain[1].clone();
    let by_avoid = first_path(&json(&[
        "path",
        "Xi Jinping",
        "Kazakhstan",
        "--avoid",
        &avoided,
    ]));
    assert!(!by_avoid.contains(&avoided), "{by_avoid:?}");
    assert!(by_avoid.len() >= plain.len());
}

#[test]
fn no_path_exits_1() {
    kg(&["path", "Kazakhstan", "Xi Jinping", "--directed"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no path from Kazakhstan to Xi Jinping",
        ));
    kg(&["path", "Xi Jinping", "Chien-Fu Chen"])
        .assert()
        .code(1);
    kg(&[
        "path",
        "Xi Jinping",
        "Kazakhstan",
        "--relations",
        "observer-of",
    ])
    .assert()
    .code(1);
}

#[test]
fn k_shortest_and_all_paths() {
    let v = json(&["path", "Xi", "Kazakhstan", "-k", "3"]);
    let lens: Vec<usize> = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["edges"].as_array().unwrap().len())
        .collect();
    assert_eq!(lens.len(), 3);
    assert!(lens.windows(2).all(|w| w[0] <= w[1]), "{lens:?}");
    let all = json(&["path", "Xi", "Kazakhstan", "--all", "--max-hops", "3"]);
    for p in all["paths"].as_array().unwrap() {
        assert!(p["edges"].as_array().unwrap().len() <= 3);
    }
    kg(&["path", "Xi", "Kazakhstan", "--all", "--max-hops", "50"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refused"));
}

#[test]
fn misspelt_names_get_suggestions() {
    kg(&["path", "Xi Jingping", "Kazakhstan"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean 'Xi Jinping'"));
}

#[test]
fn aliases_resolve_loosely() {
    for name in [
        "sco",
        "上海協力機構",
        "ＳＣＯ",
        "the Shanghai Cooperation Organisation",
        "SHANGHAI cooperation organization",
    ] {
        let v = json(&["show", name]);
        assert_eq!(v["id"], "sco", "{name}");
        assert_eq!(v["label"], "Shanghai Cooperation Organization");
    }
    assert_eq!(json(&["show", "turkiye"])["id"], "turkiye");
}

#[test]
fn ambiguous_names_list_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    let text = std::fs::read_to_string(FIXTURE)
        .unwrap()
        .replace("\"label\": \"Chien-Fu Chen\"", "\"label\": \"Iran\"");
    std::fs::write(&path, text).unwrap();
    Command::cargo_bin("kg")
        .unwrap()
        .args(["show", "Iran", "--graph"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("ambiguous").and(predicate::str::contains("chien-fu-chen")),
        );
}

#[test]
fn show_card_has_relations_and_conflicts() {
    let v = json(&["show", "Iran"]);
    assert_eq!(v["type"], "country");
    assert_eq!(v["wikidata"], "Q794");
    assert_eq!(v["relations"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["conflicts"][0]["reason"],
        "an observer is not a member of the same organization"
    );
    kg(&["show", "Iran"])
        .assert()
        .success()
        .stdout(predicate::str::contains("conflicts\n"));
}

#[test]
fn match_observer_states_exactly() {
    let v = json(&[
        "match",
        r#"(c:country)-[:observer-of]->(o {label: "Shanghai Cooperation Organization"})"#,
    ]);
    assert_eq!(v["columns"], serde_json::json!(["c", "o"]));
    let got: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["values"][0]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        ["afghanistan", "belarus", "iran", "mongolia", "pakistan"]
    );
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["values"][1]["id"] == "sco")
    );
}

#[test]
fn match_documented_examples() {
    let met = json(&["match", "(p:person)-[:met-with]-(q:person)"]);
    assert_eq!(met["rows"].as_array().unwrap().len(), 4, "{met}");
    let both = json(&[
        "match",
        r#"(c:country)-[:observer-of|member-of]->(o:organization {label: "SCO"})"#,
    ]);
    assert_eq!(both["rows"].as_array().unwrap().len(), 9);
    // Iran is both: one row (the bindings are the same), both edges with their evidence.
    let iran = both["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["values"][0]["id"] == "iran")
        .unwrap();
    let rels: Vec<&str> = iran["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["relation"].as_str().unwrap())
        .collect();
    assert_eq!(rels.len(), 2, "{iran}");
    assert!(rels.contains(&"member-of") && rels.contains(&"observer-of"));
    let chain = json(&["match", "(a)-[:member-of*1..2]->(b)"]);
    assert_eq!(chain["rows"].as_array().unwrap().len(), 5);
    let two = json(&[
        "match",
        "(p:person)-[:leads]->(c)-[:member-of]->(o)<-[:observer-of]-(x)",
    ]);
    assert_eq!(two["rows"].as_array().unwrap().len(), 3 * 5, "{two}");
    kg(&["match", "(p:person)-[:hosted]->(q)"]).assert().code(1);
}

#[test]
fn match_errors_point_at_the_column_and_refuse_oversized_patterns() {
    kg(&["match", "(p:person-[:met-with]-(q)"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected ')', found '-' at column 10\n  (p:person-[:met-with]-(q)\n           ^",
        ));
    kg(&["match", "(a)-[:member-of*1..1000]->(b)"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refused"));
    let deep = format!("{}a{}", "(".repeat(500), ")".repeat(500));
    kg(&["match", &deep]).assert().code(2);
    let long = format!("(a){}", "-[]->()".repeat(20));
    kg(&["match", &long])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refused"));
}

#[test]
fn neighbors_stats_rank_communities() {
    let v = json(&[
        "neighbors",
        "SCO",
        "--direction",
        "in",
        "--relations",
        "observer-of",
    ]);
    assert_eq!(v["neighbors"].as_array().unwrap().len(), 5);
    let v = json(&[
        "neighbors",
        "Xi",
        "--depth",
        "2",
        "--types",
        "person,country",
    ]);
    let ids: Vec<&str> = v["neighbors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "china",
            "kassym-jomart-tokayev",
            "vladimir-putin",
            "kazakhstan",
            "russia"
        ]
    );
    let s = json(&["stats"]);
    assert_eq!(
        (
            s["nodes"].as_u64(),
            s["edges"].as_u64(),
            s["components"].as_u64()
        ),
        (Some(17), Some(18), Some(2))
    );
    assert_eq!(s["relations"]["observer-of"], 5);
    let r = json(&["rank", "--by", "betweenness", "--top", "1"]);
    assert_eq!(r["ranking"][0]["id"], "sco");
    let r = json(&["rank", "--by", "degree", "--types", "person", "--top", "1"]);
    assert_eq!(r["ranking"][0]["id"], "xi-jinping");
    let c = json(&["communities"]);
    let sizes: Vec<u64> = c["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes.iter().sum::<u64>(), 17);
    // Same input, same bytes.
    let a = kg(&["communities"]).output().unwrap().stdout;
    assert_eq!(a, kg(&["communities"]).output().unwrap().stdout);
}

#[test]
fn export_json_and_dot_write_loadable_subgraphs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("path.json");
    let out_arg = out.to_str().unwrap();
    kg(&[
        "path",
        "Xi Jinping",
        "Kazakhstan",
        "--relations",
        "leads,member-of",
        "--export",
        "json",
        "--out",
        out_arg,
    ])
    .assert()
    .success();
    let sub = kg::graph::KnowledgeGraph::load(&out).unwrap();
    let ids: Vec<&str> = sub.entities().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["china", "kazakhstan", "sco", "xi-jinping"]);
    assert_eq!(sub.edge_count(), 3);
    assert_eq!(sub.documents(), ["sco-summit.txt"]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary file left behind");
    let dot = dir.path().join("p.dot");
    kg(&[
        "path",
        "Xi",
        "China",
        "--export",
        "dot",
        "--out",
        dot.to_str().unwrap(),
    ])
    .assert()
    .success();
    let text = std::fs::read_to_string(&dot).unwrap();
    let parsed = graphviz_rust::parse(&text).expect("the subgraph DOT parses");
    let printed = graphviz_rust::printer::DotPrinter::print(&parsed, &mut Default::default());
    // The path's two nodes and its edge are highlighted (the labelled edge is drawn in two
    // halves through its label node); other nodes are not drawn.
    assert_eq!(text.matches("penwidth=3").count(), 4, "{printed}");
    assert!(text.contains("\"xi-jinping\"") && text.contains("\"china\""));
}

#[test]
fn malformed_graph_reports_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        "{\n  \"meta\": {\"generator\": \"x\"},\n  \"nodes\": [,]\n}\n",
    )
    .unwrap();
    Command::cargo_bin("kg")
        .unwrap()
        .args(["stats", "--graph"])
        .arg(&path)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "{}:3:13: ",
            path.display()
        )));
}

#[test]
fn edge_to_missing_node_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    let text = std::fs::read_to_string(FIXTURE)
        .unwrap()
        .replace("\"target\": \"shanghai-five\"", "\"target\": \"ghost\"");
    std::fs::write(&path, text).unwrap();
    Command::cargo_bin("kg")
        .unwrap()
        .args(["path", "Xi", "SCO", "--graph"])
        .arg(&path)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown entity id 'ghost'"));
}

#[test]
fn missing_default_graph_is_built_from_the_bundled_articles_or_explained() {
    // With the bundled articles at hand, the graph is built first and the query answered.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("data/articles")).unwrap();
    std::fs::copy(
        "data/articles/sco-summit.txt",
        root.path().join("data/articles/sco-summit.txt"),
    )
    .unwrap();
    Command::cargo_bin("kg")
        .unwrap()
        .current_dir(root.path())
        .args(["path", "Xi Jinping", "Kazakhstan"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "building it from data/articles first",
        ));
    assert!(root.path().join("output/graph.json").exists());
    // Without articles, the error says what to do.
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("kg")
        .unwrap()
        .current_dir(dir.path())
        .args(["path", "a", "b"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "output/graph.json not found: run `kg build` first",
        ));
}

#[test]
fn closed_pipe_is_not_an_error() {
    // A star with enough leaves that the output outgrows the pipe buffer.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("star.json");
    let mut g = kg::graph::KnowledgeGraph::new();
    let node = |id: String| kg::model::Entity {
        id: id.clone(),
        label: id,
        kind: kg::model::EntityKind::Country,
        aliases: vec![],
        wikidata: None,
    };
    g.add_entity(node("hub".into()));
    for i in 0..20_000 {
        g.add_entity(node(format!("leaf-{i:05}")));
        g.add_relation(
            &format!("leaf-{i:05}"),
            kg::model::RelationKind::MemberOf,
            "hub",
            &[],
        )
        .unwrap();
    }
    std::fs::write(&path, g.to_json_string()).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kg"))
        .args(["neighbors", "hub", "--graph"])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("hub: 20000 neighbours"), "{line}");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?} {stderr}");
    assert_eq!(stderr, "");
}

fn stdout_of(args: &[&str]) -> String {
    let out = kg(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The four evidence-first views, wrapped at 72 columns, plain (mentions in brackets) and
/// coloured (ANSI escapes kept verbatim in the snapshot).
#[test]
fn human_output_snapshots() {
    let views: [(&str, &[&str]); 4] = [
        ("path_k2", &["path", "Xi Jinping", "Kazakhstan", "-k", "2"]),
        ("show_sco", &["show", "SCO", "--evidence", "1"]),
        ("neighbors_xi", &["neighbors", "Xi", "--depth", "2"]),
        (
            "match_observers",
            &["match", "(c:country)-[r:observer-of]->(o)"],
        ),
    ];
    for (name, args) in views {
        let mut plain = args.to_vec();
        plain.extend(["--width", "72"]);
        insta::assert_snapshot!(name, stdout_of(&plain));
        let out = Command::cargo_bin("kg")
            .unwrap()
            .args(&plain)
            .args(["--graph", FIXTURE, "--color", "always"])
            .output()
            .unwrap();
        assert!(out.status.success());
        insta::assert_snapshot!(
            format!("{name}_color"),
            String::from_utf8(out.stdout).unwrap()
        );
    }
    insta::assert_snapshot!(
        "rank_pagerank",
        stdout_of(&["rank", "--by", "pagerank", "--top", "5"])
    );
}

#[test]
fn colour_only_when_asked() {
    let plain = stdout_of(&["path", "Xi", "China"]);
    assert!(!plain.contains('\x1b'));
    let out = Command::cargo_bin("kg")
        .unwrap()
        .args([
            "--color", "always", "path", "Xi", "China", "--graph", FIXTURE,
        ])
        .output()
        .unwrap();
    let coloured = String::from_utf8(out.stdout).unwrap();
    assert!(
        coloured.contains("\x1b[1mXi Jinping\x1b[0m"),
        "{coloured:?}"
    );
}

/// Runs a query with `--json` and returns (exit code, the one JSON value on stdout).
fn json_with_code(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = kg(&all).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let value: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not one JSON value ({e}): {text:?}"));
    (out.status.code().unwrap(), value)
}

#[test]
fn json_is_one_value_even_when_empty_or_failing() {
    let (code, v) = json_with_code(&["path", "Kazakhstan", "Xi Jinping", "--directed"]);
    assert_eq!(code, 1);
    assert_eq!(v["paths"], serde_json::json!([]));
    assert_eq!(v["from"]["id"], "kazakhstan");
    let (code, v) = json_with_code(&["neighbors", "SCO", "--relations", "hosted"]);
    assert_eq!(code, 1);
    assert_eq!(v["neighbors"], serde_json::json!([]));
    let (code, v) = json_with_code(&["match", "(p:person)-[:hosted]->(q)"]);
    assert_eq!(code, 1);
    assert_eq!(v["rows"], serde_json::json!([]));
    assert_eq!(v["columns"], serde_json::json!(["p", "q"]));
    let (code, v) = json_with_code(&["communities", "--min-size", "100"]);
    assert_eq!(code, 1);
    assert_eq!(v["communities"], serde_json::json!([]));
    // Failures too: an error object, with what helps.
    let (code, v) = json_with_code(&["show", "Xi Jingping"]);
    assert_eq!(code, 2);
    assert_eq!(v["error"]["kind"], "unknown-entity");
    assert_eq!(v["error"]["suggestions"][0], "Xi Jinping");
    let (code, v) = json_with_code(&["match", "(p:person-[:met-with]-(q)"]);
    assert_eq!(code, 2);
    assert_eq!(v["error"]["kind"], "syntax");
    assert_eq!(v["error"]["column"], 10);
}

#[test]
fn match_and_neighbors_json_carry_evidence() {
    let v = json(&["match", "(c:country)-[:observer-of]->(o)"]);
    let row = &v["rows"][0];
    assert_eq!(row["values"][0]["id"], "afghanistan");
    let ev = &row["edges"][0]["evidence"][0];
    assert_eq!(
        ev["sentence"],
        "Afghanistan holds observer status in the SCO."
    );
    assert_eq!(ev["reading"], "stated");
    let spans: Vec<(u64, u64)> = ev["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["start"].as_u64().unwrap(), m["end"].as_u64().unwrap()))
        .collect();
    assert_eq!(spans, [(0, 11), (41, 44)]);
    let v = json(&["neighbors", "Xi"]);
    let putin = v["neighbors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "vladimir-putin")
        .unwrap();
    assert_eq!(putin["via"]["evidence"].as_array().unwrap().len(), 2);
    assert_eq!(putin["via"]["evidence_total"], 2);
    // `--evidence` cuts the JSON too, and says how many there were.
    let v = json(&["neighbors", "Xi", "--evidence", "1"]);
    let putin = &v["neighbors"][2];
    assert_eq!(putin["id"], "vladimir-putin");
    assert_eq!(putin["via"]["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(putin["via"]["evidence_total"], 2);
}

/// A graph with an inferred edge and an edge stated by four sentences.
fn inferred_graph(dir: &std::path::Path) -> std::path::PathBuf {
    use kg::model::*;
    let mut g = kg::graph::KnowledgeGraph::new();
    for (id, label, kind) in [
        ("kazakhstan", "Kazakhstan", EntityKind::Country),
        (
            "sco",
            "Shanghai Cooperation Organization",
            EntityKind::Organization,
        ),
        ("shanghai-five", "Shanghai Five", EntityKind::Organization),
    ] {
        g.add_entity(Entity {
            id: id.into(),
            label: label.into(),
            kind,
            aliases: if id == "sco" {
                vec!["SCO".into()]
            } else {
                vec![]
            },
            wikidata: None,
        });
    }
    let ev =
        |sentence: &str, start: usize, rule: &str, tier, p: f64, year: Option<&str>| Evidence {
            document: "a.txt".into(),
            sentence: sentence.into(),
            start,
            end: start + sentence.len(),
            rule: rule.into(),
            tier,
            confidence: Confidence::new(p),
            when: year.map(|y| {
                Box::new(When {
                    start: Some(y.into()),
                    ..When::default()
                })
            }),
        };
    g.add_relation(
        "kazakhstan",
        RelationKind::MemberOf,
        "sco",
        &[ev(
            "Kazakhstan was a member of the Shanghai Five, which the SCO grew out of.",
            0,
            "infer.members-carry-over",
            Tier::Implied,
            0.54,
            None,
        )],
    )
    .unwrap();
    let stated: Vec<Evidence> = (0..4)
        .map(|i| {
            ev(
                &format!("Kazakhstan has been part of the Shanghai Five since 199{i}."),
                100 * (i + 1),
                "member.part-of",
                Tier::Explicit,
                0.9,
                Some(&format!("199{i}")),
            )
        })
        .collect();
    g.add_relation(
        "kazakhstan",
        RelationKind::MemberOf,
        "shanghai-five",
        &stated,
    )
    .unwrap();
    let path = dir.join("inferred.json");
    std::fs::write(&path, g.to_json_string()).unwrap();
    path
}

#[test]
fn inferred_edges_and_cut_evidence_are_marked() {
    let dir = tempfile::tempdir().unwrap();
    let graph = inferred_graph(dir.path());
    let out = Command::cargo_bin("kg")
        .unwrap()
        .args([
            "show",
            "Kazakhstan",
            "--color",
            "never",
            "--width",
            "80",
            "--graph",
        ])
        .arg(&graph)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("show_inferred_and_more", text);
    assert!(text.contains("[inferred]"));
    assert!(text.contains("… and 1 more sentence (--evidence all)"));
    let all = Command::cargo_bin("kg")
        .unwrap()
        .args(["show", "Kazakhstan", "--evidence", "all", "--graph"])
        .arg(&graph)
        .output()
        .unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    assert_eq!(all.matches("member.part-of").count(), 4);
    assert!(!all.contains("more sentence"));
}

#[test]
fn width_comes_from_columns_when_not_on_a_terminal() {
    let narrow = Command::cargo_bin("kg")
        .unwrap()
        .env("COLUMNS", "40")
        .args(["show", "SCO", "--graph", FIXTURE, "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(narrow.stdout).unwrap();
    let quoted: Vec<&str> = text.lines().filter(|l| l.contains('“')).collect();
    assert!(!quoted.is_empty());
    assert!(
        text.lines()
            .filter(|l| l.contains('“') || l.contains('”'))
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 40),
        "{text}"
    );
    let unwrapped = stdout_of(&["show", "SCO", "--width", "0"]);
    assert!(
        unwrapped
            .contains("“[Kazakhstan] joined the [Shanghai Cooperation Organization] in 2001.”")
    );
}
