//! `kg eval` against the reference scorer: for hand-made predictions over the three gold
//! files (hits, misses, duplicates, wrong types, symmetric edges, unmapped endpoints, odd
//! spellings), `kg eval` and `python3 tests/fixtures/eval/score.py` must print the same
//! report and the same JSON, byte for byte. Also the exit codes of `kg eval`.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GOLDS: [&str; 3] = ["sco-summit", "brics-kazan", "asean-kl"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval")
}

fn gold_path(name: &str) -> PathBuf {
    fixtures().join(format!("{name}.gold.json"))
}

fn gold_data(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(gold_path(name)).unwrap()).unwrap()
}

fn kg(args: &[&std::ffi::OsStr], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kg"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run kg")
}

/// The Python interpreter behind `python3` (resolved once, so version-manager shims are not
/// paid for on every run); otherwise a loud skip, or a failure under KG_REQUIRE_CONSUMERS=1.
fn python() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output();
    if let Ok(o) = out.as_ref()
        && o.status.success()
    {
        let exe = String::from_utf8_lossy(&o.stdout).trim().to_string();
        return Some(if exe.is_empty() {
            "python3".into()
        } else {
            exe.into()
        });
    }
    let msg = "python3 not found: cannot compare kg eval with the reference score.py";
    if std::env::var("KG_REQUIRE_CONSUMERS").is_ok_and(|v| v == "1") {
        panic!("{msg} (KG_REQUIRE_CONSUMERS=1)");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

/// A tiny deterministic generator, so the perturbed graphs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn entities(gold: &Value) -> &Vec<Value> {
    gold["entities"].as_array().unwrap()
}

/// The graph score.py's self-test calls perfect: every gold entity and relation.
fn perfect(gold: &Value) -> Value {
    let nodes: Vec<Value> = entities(gold)
        .iter()
        .enumerate()
        .map(|(i, e)| {
            json!({"id": format!("n{i}"), "label": e["name"], "type": e["type"],
                   "aliases": e.get("aliases").cloned().unwrap_or(json!([]))})
        })
        .collect();
    let id = |name: &Value| {
        let i = entities(gold)
            .iter()
            .position(|e| &e["name"] == name)
            .unwrap();
        format!("n{i}")
    };
    let edges: Vec<Value> = gold["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!({"source": id(&r["subject"]), "target": id(&r["object"]), "relation": r["relation"]}))
        .collect();
    json!({"nodes": nodes, "edges": edges})
}

/// Reversed and re-spelled met-with edges, duplicated edges, "The " + upper-case labels.
fn restyled(gold: &Value) -> Value {
    let mut g = perfect(gold);
    let mut extra = vec![];
    for e in g["edges"].as_array().unwrap() {
        if e["relation"] == "met-with" {
            extra
                .push(json!({"source": e["target"], "target": e["source"], "relation": "metWith"}));
        }
        extra.push(e.clone());
    }
    g["edges"].as_array_mut().unwrap().extend(extra);
    for n in g["nodes"].as_array_mut().unwrap() {
        n["label"] = json!(format!(
            "The {}",
            n["label"].as_str().unwrap().to_uppercase()
        ));
    }
    g
}

/// Random damage: dropped and retyped nodes, duplicates, reversed or renamed relations,
/// endpoints given as labels or embedded objects, unknown nodes and dangling edges.
fn perturbed(gold: &Value, seed: u64) -> Value {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let types: [Value; 10] = [
        json!("country"),
        json!("organization"),
        json!("person"),
        json!("initiative"),
        json!("place"),
        json!("Organisation"),
        json!("ORG_"),
        json!(""),
        json!(null),
        json!("Country"),
    ];
    let rels: [Value; 12] = [
        json!("member-of"),
        json!("member_of"),
        json!("memberOf"),
        json!("MEMBER OF"),
        json!("observer-of"),
        json!("dialogue partner of"),
        json!("met-with"),
        json!("metWith"),
        json!("Leads"),
        json!("part-of"),
        json!(null),
        json!(""),
    ];
    let names: Vec<Value> = entities(gold).iter().map(|e| e["name"].clone()).collect();
    let base = perfect(gold);
    let mut nodes = vec![];
    for n in base["nodes"].as_array().unwrap() {
        if rng.chance(20) {
            continue;
        }
        let mut n = n.clone();
        if rng.chance(15) {
            n["type"] = rng.pick(&types).clone();
        }
        if rng.chance(20) {
            let pre = rng.pick(&["The ", "the  ", "\u{201c}", "", " "]);
            let post = rng.pick(&["\u{201d}", "", "'", " "]);
            n["label"] = json!(format!(
                "{pre}{}{post}",
                n["label"].as_str().unwrap().to_uppercase()
            ));
        }
        if rng.chance(10) {
            // Only an alias can map this node now.
            n["label"] = json!(format!("zz{}", n["label"].as_str().unwrap()));
        }
        if rng.chance(5) {
            let obj = n.as_object_mut().unwrap();
            obj.remove("label");
            obj.insert("name".into(), rng.pick(&names).clone());
        }
        if rng.chance(5) {
            n["aliases"] = Value::Null;
        }
        if rng.chance(5) {
            n.as_object_mut().unwrap().remove("id");
        }
        if rng.chance(10) {
            let mut dup = n.clone();
            dup["id"] = json!(format!(
                "{}dup",
                n.get("id").and_then(Value::as_str).unwrap_or("")
            ));
            nodes.push(n);
            nodes.push(dup);
        } else {
            nodes.push(n);
        }
    }
    for i in 0..rng.next() % 7 {
        let label = rng.pick(&[
            "Atlantis",
            "Côte d'Ivoire",
            "Mr \"X\"",
            "Ruritania",
            "Xi",
            "Beijing",
            "1",
        ]);
        nodes.push(json!({"id": format!("x{i}"), "label": label, "type": rng.pick(&types)}));
    }
    if rng.chance(30) {
        nodes.push(json!({"id": 7, "label": 7, "type": "country"}));
    }
    let ids: Vec<Value> = nodes
        .iter()
        .map(|n| {
            let id = n
                .get("id")
                .or(n.get("label"))
                .or(n.get("name"))
                .unwrap_or(&Value::Null);
            match id {
                Value::String(s) => json!(s),
                other => json!(other.to_string()),
            }
        })
        .collect();
    let mut edges = vec![];
    for e in base["edges"].as_array().unwrap() {
        if rng.chance(25) {
            continue;
        }
        let mut e = e.clone();
        if rng.chance(20) {
            let (s, t) = (e["source"].clone(), e["target"].clone());
            e["source"] = t;
            e["target"] = s;
        }
        if rng.chance(20) {
            e["relation"] = rng.pick(&rels).clone();
        }
        if rng.chance(10) {
            e["source"] = json!({"id": e["source"]});
        }
        if rng.chance(10) {
            e["target"] = rng.pick(&names).clone();
        }
        if rng.chance(20) {
            edges.push(e.clone());
        }
        edges.push(e);
    }
    let mut ends = ids.clone();
    ends.extend([
        json!("Nowhere"),
        json!("China"),
        json!("the SCO"),
        json!("Putin"),
    ]);
    for _ in 0..rng.next() % 9 {
        let key = *rng.pick(&["relation", "type", "label"]);
        edges.push(
            json!({"source": rng.pick(&ends), "target": rng.pick(&ends), key: rng.pick(&rels)}),
        );
    }
    if rng.chance(20) {
        edges.push(json!({"source": null, "target": "x", "relation": "leads"}));
    }
    json!({"nodes": nodes, "edges": edges})
}

/// A plausible extractor output for the seed article, written by hand.
fn handmade_sco() -> Value {
    json!({
        "directed": true,
        "nodes": [
            {"id": "sco", "label": "SCO", "type": "organization", "aliases": ["上海協力機構"]},
            {"id": "sco2", "label": "Shanghai Cooperation Organisation", "type": "organisation"},
            {"id": "china", "label": "China", "type": "country", "aliases": ["中国"]},
            {"id": "russia", "label": "Russian Federation", "type": "country"},
            {"id": "kz", "label": "カザフスタン", "type": "country"},
            {"id": "xi", "label": "President Xi", "type": "person"},
            {"id": "putin", "label": "Putin", "type": "person"},
            {"id": "s5", "label": "The \u{201c}Shanghai Five\u{201d}", "type": "organization"},
            {"id": "bri", "label": "One Belt One Road", "type": "organization"},
            {"id": "beijing", "label": "Beijing", "type": "country"},
            {"id": "moscow", "label": "Moscow", "type": "place"},
            {"id": "atl", "label": "Atlantis", "type": "country"},
            {"id": "chen", "label": "Dr. Chen", "type": "person"},
            {"id": "tku", "label": "淡江大学", "type": "org"},
            {"id": "us", "label": "U.S.", "type": "country"},
            {"id": "mongolia", "label": "Mongolian", "type": "person"},
            {"id": "summit", "label": "2024 SCO summit", "type": "event"}
        ],
        "edges": [
            {"source": "china", "target": "s5", "relation": "member-of"},
            {"source": "russia", "target": "s5", "relation": "member_of"},
            {"source": "kz", "target": "sco", "relation": "memberOf"},
            {"source": "china", "target": "sco2", "relation": "member-of"},
            {"source": "putin", "target": "xi", "relation": "met-with"},
            {"source": "xi", "target": "putin", "relation": "met_with"},
            {"source": "xi", "target": "china", "relation": "leads"},
            {"source": "china", "target": "xi", "relation": "leads"},
            {"source": "Iran", "target": "sco", "relation": "observer of"},
            {"source": "mongolia", "target": {"id": "sco"}, "relation": "observer-of"},
            {"source": "atl", "target": "sco", "relation": "dialoguePartnerOf"},
            {"source": "Nowhere", "target": "Atlantis", "relation": "met-with"},
            {"source": "atl", "target": "Nowhere", "relation": "met-with"},
            {"source": "chen", "target": "tku", "relation": "affiliated-with"},
            {"source": "summit", "target": "kz", "relation": "hosted"},
            {"source": "us", "target": "sco", "relation": "cooperates-with"}
        ]
    })
}

fn graphs(name: &str) -> Vec<(String, Value)> {
    let gold = gold_data(name);
    let mut out = vec![
        ("perfect".to_string(), perfect(&gold)),
        ("restyled".to_string(), restyled(&gold)),
        ("empty".to_string(), json!({"nodes": [], "edges": []})),
        ("no-keys".to_string(), json!({})),
    ];
    for seed in 1..=6 {
        out.push((format!("perturbed-{seed}"), perturbed(&gold, seed)));
    }
    if name == "sco-summit" {
        out.push(("handmade".to_string(), handmade_sco()));
    }
    out
}

fn stdout(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed: {}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Lists the metrics that differ between two `--json` documents, by JSON path.
fn metric_diffs(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                metric_diffs(&format!("{path}.{k}"), va, vb, out);
            }
        }
        _ if a != b => out.push(format!("{path}: kg {a} vs score.py {b}")),
        _ => {}
    }
}

#[test]
fn kg_eval_agrees_with_score_py() {
    let Some(py) = python() else { return };
    let score_py = fixtures().join("score.py");
    let dir = tempfile::tempdir().unwrap();
    let mut summaries = std::collections::BTreeSet::new();
    let mut compared = 0;
    for name in GOLDS {
        let gold = gold_path(name);
        for (label, graph) in graphs(name) {
            let path = dir.path().join(format!("{name}-{label}.json"));
            std::fs::write(&path, serde_json::to_string_pretty(&graph).unwrap()).unwrap();
            // Every graph in JSON; the text report (a superset of the plain one) for some.
            let text = matches!(label.as_str(), "handmade" | "perturbed-1" | "perturbed-2");
            let modes: &[&[&str]] = if text {
                &[&["--json", "--verbose"], &["--verbose"]]
            } else {
                &[&["--json", "--verbose"]]
            };
            for flags in modes {
                let mut args = vec![gold.as_os_str(), path.as_os_str()];
                args.extend(flags.iter().map(std::ffi::OsStr::new));
                let ours = stdout(
                    &kg(
                        &[&[std::ffi::OsStr::new("eval")][..], &args].concat(),
                        dir.path(),
                    ),
                    "kg eval",
                );
                let theirs = stdout(
                    &Command::new(&py)
                        .arg(&score_py)
                        .args(&args)
                        .output()
                        .unwrap(),
                    "score.py",
                );
                if flags.contains(&"--json") {
                    let (a, b): (Value, Value) = (
                        serde_json::from_str(&ours).unwrap(),
                        serde_json::from_str(&theirs).unwrap(),
                    );
                    let mut diffs = vec![];
                    metric_diffs("", &a, &b, &mut diffs);
                    assert!(
                        diffs.is_empty(),
                        "{name}/{label}: metrics differ:\n{}",
                        diffs.join("\n")
                    );
                    for key in ["precision", "recall", "f1", "untyped_recall", "by_type"] {
                        assert!(a["entity"].get(key).is_some(), "entity.{key} missing");
                    }
                    summaries.insert(a["summary"].as_str().unwrap().to_string());
                }
                assert_eq!(
                    ours, theirs,
                    "{name}/{label} {flags:?}: output differs from score.py"
                );
                compared += 1;
            }
        }
    }
    // The graphs must exercise the scorer, not just its perfect and empty cases.
    assert_eq!(compared, 31 + 7);
    assert!(
        summaries.len() >= 20,
        "too few distinct results: {summaries:?}"
    );
}

#[test]
fn perfect_graphs_score_one_and_damage_scores_lower() {
    for name in GOLDS {
        let gold = kg::eval::Gold::load(&gold_path(name)).unwrap();
        let data = gold_data(name);
        let r = kg::eval::score(&gold, &restyled(&data));
        assert_eq!(
            r.summary_line(),
            "entity_f1=1.000 relation_p=1.000 relation_r=1.000 relation_f1=1.000",
            "{name}"
        );
        let r = kg::eval::score(&gold, &perturbed(&data, 3));
        assert!(
            r.entity.f1 < 1.0 && r.relation.f1 < 1.0,
            "{name}: {}",
            r.summary_line()
        );
        assert!(r.entity.untyped_recall >= r.entity.recall);
    }
}

#[test]
fn handmade_prediction_scores_as_expected() {
    let gold = kg::eval::Gold::load(&gold_path("sco-summit")).unwrap();
    let r = kg::eval::score(&gold, &handmade_sco());
    // SCO twice (one duplicate), China, Russia, Kazakhstan, Xi, Putin, Shanghai Five, Chen,
    // Tamkang, United States: 10 hits; BRI typed organization and Atlantis are false
    // positives, Beijing (a place in gold) is ignored, "Mongolian" maps to a country.
    assert_eq!((r.entity.tp, r.entity.fp), (10, 3));
    assert_eq!(r.entity.duplicates, 1);
    assert_eq!(r.entity.ignored_unscored_gold, 1);
    assert!(r.relation.by_tier.implied.tp >= 2);
    assert_eq!(
        r.relation.unmapped_pred, 2,
        "Atlantis edges; Nowhere/Atlantis met-with twice"
    );
    // The whole report, so a change shows even where python3 is missing.
    insta::assert_snapshot!("handmade_sco_verbose", r.to_text(true));
    insta::assert_snapshot!("handmade_sco_json", r.to_json(true));
}

#[test]
fn bad_inputs_exit_3_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"entities\": [\n    {\"name\": \"X\",}\n  ]\n}\n",
    )
    .unwrap();
    let gold = gold_path("sco-summit");
    let o = kg(&[std::ffi::OsStr::new("eval"), bad.as_os_str()], dir.path());
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.json:3:18"), "{err}");

    let o = kg(
        &[
            std::ffi::OsStr::new("eval"),
            gold.as_os_str(),
            bad.as_os_str(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(3));

    // The default graph, output/graph.json, is missing here.
    let o = kg(
        &[std::ffi::OsStr::new("eval"), gold.as_os_str()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("graph.json"));

    let list = dir.path().join("list.json");
    std::fs::write(&list, "[1, 2]").unwrap();
    let o = kg(
        &[
            std::ffi::OsStr::new("eval"),
            gold.as_os_str(),
            list.as_os_str(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn default_graph_is_output_graph_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("output")).unwrap();
    let data = gold_data("asean-kl");
    std::fs::write(
        dir.path().join("output/graph.json"),
        serde_json::to_string(&perfect(&data)).unwrap(),
    )
    .unwrap();
    let o = kg(
        &[
            std::ffi::OsStr::new("eval"),
            gold_path("asean-kl").as_os_str(),
        ],
        dir.path(),
    );
    let text = stdout(&o, "kg eval");
    assert_eq!(
        text.lines().last(),
        Some("entity_f1=1.000 relation_p=1.000 relation_r=1.000 relation_f1=1.000")
    );
    assert!(
        text.starts_with("ENTITIES (scored types: country, organization, person, initiative)\n")
    );
}
