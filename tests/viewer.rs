//! The HTML viewer (`kg export --format html`, `kg build`'s `graph.html`), checked in a real
//! browser: headless Debian Chromium driven by playwright-core (`tests/viewer/browser.cjs`,
//! npm packages pinned by `tests/viewer/package-lock.json` and installed under
//! `target/consumers/viewer-npm`). Screenshots go to `target/viewer/`.
//!
//! Without Chromium, Node or npm the browser checks skip loudly (and fail under
//! `KG_REQUIRE_CONSUMERS=1`); `.ci/install.d/viewer.sh` installs them.

mod common;

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// playwright-core from the committed lock file, installed once under target/consumers.
fn playwright_modules() -> Result<PathBuf, String> {
    let dir = common::consumers_dir().join("viewer-npm");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let lock = std::fs::File::create(common::consumers_dir().join("viewer-npm.lock"))
        .map_err(|e| e.to_string())?;
    lock.lock().map_err(|e| e.to_string())?;
    let wanted =
        std::fs::read(root().join("tests/viewer/package-lock.json")).map_err(|e| e.to_string())?;
    let installed = std::fs::read(dir.join("package-lock.json")).ok();
    let modules = dir.join("node_modules");
    if installed.as_deref() != Some(&wanted[..])
        || !modules.join("playwright-core/package.json").exists()
    {
        common::which("npm").ok_or("no npm on PATH")?;
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(root().join("tests/viewer").join(file), dir.join(file))
                .map_err(|e| e.to_string())?;
        }
        let out = std::process::Command::new("npm")
            .args(["ci", "--silent", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("cannot run npm: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "npm ci failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    Ok(modules)
}

/// Runs one scenario of `browser.cjs` on `page`; `None` (after a loud skip) when the browser
/// or Node is missing. A scenario that fails in the browser fails the test.
fn browse(check: &str, scenario: &str, page: &Path, extra: Value) -> Option<Value> {
    let Some(chromium) = common::chromium() else {
        common::skip(check, "no chromium on PATH (apt-get install chromium)");
        return None;
    };
    if common::which("node").is_none() {
        common::skip(check, "no node on PATH (apt-get install nodejs)");
        return None;
    }
    let modules = match playwright_modules() {
        Ok(m) => m,
        Err(why) => {
            common::skip(check, &why);
            return None;
        }
    };
    let shots = root().join("target").join("viewer");
    std::fs::create_dir_all(&shots).unwrap();
    let mut cfg = json!({
        "modules": modules,
        "chromium": chromium,
        "page": page,
        "scenario": scenario,
        "shots": shots,
    });
    if let (Value::Object(cfg), Value::Object(extra)) = (&mut cfg, extra) {
        cfg.extend(extra);
    }
    let out = std::process::Command::new("node")
        .arg(root().join("tests/viewer/browser.cjs"))
        .arg(cfg.to_string())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "browser scenario {scenario} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).expect("browser.cjs prints JSON");
    // Nothing the page does may reach the network, log an error or break the policy.
    assert_eq!(result["requests"], json!([]), "the page fetched something");
    assert_eq!(result["pageErrors"], json!([]), "script errors");
    assert_eq!(result["console"], json!([]), "console errors or warnings");
    assert_eq!(
        result["csp"],
        json!([]),
        "Content-Security-Policy violations"
    );
    assert_eq!(result["dialogs"], json!([]), "a dialog opened");
    assert_eq!(result["pwned"], Value::Null, "a hostile string ran");
    Some(result)
}

fn texts(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

#[test]
fn committed_graph_html_works_offline_in_chromium() {
    let page = root().join("output/graph.html");
    let graph: Value =
        serde_json::from_slice(&std::fs::read(root().join("output/graph.json")).unwrap()).unwrap();
    let Some(r) = browse("viewer: output/graph.html", "sco", &page, json!({})) else {
        return;
    };
    // Everything in graph.json is drawn.
    let (nodes, edges) = (
        graph["nodes"].as_array().unwrap().len(),
        graph["edges"].as_array().unwrap().len(),
    );
    assert_eq!(r["counts"]["nodes"], nodes);
    assert_eq!(r["counts"]["edges"], edges);
    assert_eq!(r["counts"]["shownNodes"], nodes);
    assert_eq!(r["counts"]["shownEdges"], edges);

    // Typing "SCO" selects the organization (its alias), and the CJK alias finds it too.
    assert_eq!(
        texts(&r["search"]["selected"]),
        ["Shanghai Cooperation Organization"]
    );
    assert_eq!(r["search"]["card"], "shanghai-cooperation-organization");
    assert_eq!(
        texts(&r["cjkSearch"]),
        ["Shanghai Cooperation Organization"]
    );
    assert_eq!(
        texts(&r["fullWidthSearch"]),
        ["Shanghai Cooperation Organization"]
    );

    // Clicking Xi Jinping opens his card with an evidence sentence naming him, marked.
    let xi = &r["xi"];
    assert_eq!(xi["id"], "xi-jinping");
    let text = xi["text"].as_str().unwrap();
    assert!(text.contains("person") && text.contains("习近平"), "{text}");
    assert_eq!(
        texts(&xi["links"]),
        ["https://www.wikidata.org/wiki/Q15031"]
    );
    let sentences = xi["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    for s in sentences {
        let marks = texts(&s["marks"]);
        assert!(
            marks.iter().any(|m| m.ends_with(":Xi Jinping")),
            "Xi not marked in {s}"
        );
    }

    // Xi Jinping to Kazakhstan: a highlighted path, every hop with a sentence.
    let path = &r["path"];
    let hops = path["hops"].as_array().unwrap();
    assert!(!hops.is_empty(), "{path}");
    assert!(
        path["status"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} hop", hops.len()))
    );
    for hop in hops {
        assert_eq!(hop["sentences"].as_array().unwrap().len(), 1, "{hop}");
        assert!(
            hop["marks"].as_u64().unwrap() >= 1,
            "no mention marked in {hop}"
        );
    }
    assert!(hops[0]["head"].as_str().unwrap().starts_with("Xi Jinping"));
    assert!(
        hops.last().unwrap()["head"]
            .as_str()
            .unwrap()
            .contains("Kazakhstan")
    );
    let lit = texts(&path["highlightedNodes"]);
    assert!(
        lit.contains(&"Xi Jinping") && lit.contains(&"Kazakhstan"),
        "{lit:?}"
    );
    assert_eq!(lit.len(), hops.len() + 1);
    assert_eq!(path["highlightedEdges"], hops.len());
    assert!(path["fadedOthers"].as_u64().unwrap() > 0);

    // An edge clicked on the canvas: a conflicting one, with its reason and sentence.
    let edge = &r["edge"];
    assert_eq!(edge["kind"], "edge");
    let text = edge["text"].as_str().unwrap();
    assert!(
        text.contains("Conflict:") && text.contains("conflict"),
        "{text}"
    );
    assert!(!edge["sentences"][0]["marks"].as_array().unwrap().is_empty());

    // Filters hide what they say.
    let persons = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == "person")
        .count();
    assert_eq!(r["withoutPersons"]["shownNodes"], nodes - persons);
    let confident = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["confidence"].as_f64().unwrap() >= 0.95)
        .count();
    assert_eq!(r["confident"]["shownEdges"], confident);
    let shown = r["datedFrom2019"]["shownEdges"].as_u64().unwrap() as usize;
    assert!(
        shown > 0 && shown < edges,
        "date filter kept {shown} of {edges}"
    );
    eprintln!(
        "viewer on the SCO graph: loaded in {} ms, timings {}",
        r["loadMs"], r["timings"]
    );
}

#[test]
fn the_page_served_by_kg_serve_works_in_chromium() {
    use kg::graph::KnowledgeGraph;
    use kg::serve::{ServeOptions, Server};
    let graph = KnowledgeGraph::load(&root().join("output/graph.json")).unwrap();
    let options = ServeOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        threads: 2,
        ..ServeOptions::default()
    };
    let server = Server::bind(&options).unwrap();
    let url = format!("http://{}/", server.local_addr());
    let stop = server.stop_handle();
    let result = std::thread::scope(|s| {
        s.spawn(|| server.run(&graph, &[], &options));
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            browse(
                "viewer: the page kg serve serves",
                "sco",
                &root().join("output/graph.html"),
                json!({ "url": url }),
            )
        }));
        stop.stop();
        outcome.unwrap_or_else(|p| std::panic::resume_unwind(p))
    });
    let Some(r) = result else {
        return;
    };
    // The served page is the viewer of the graph served: every entity drawn, search and
    // path work as on the file.
    assert_eq!(r["counts"]["nodes"], graph.node_count());
    assert_eq!(
        texts(&r["search"]["selected"]),
        ["Shanghai Cooperation Organization"]
    );
    assert!(!r["path"]["hops"].as_array().unwrap().is_empty());
}

#[test]
fn hostile_names_and_evidence_are_shown_as_text_and_never_run() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("hostile.html");
    Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "--format", "html", "--graph"])
        .arg(root().join("tests/fixtures/viewer/hostile.json"))
        .arg("--out")
        .arg(&page)
        .assert()
        .success();
    let Some(r) = browse("viewer: hostile graph", "hostile", &page, json!({})) else {
        return;
    };
    assert_eq!(r["counts"]["nodes"], 4);
    assert_eq!(r["counts"]["edges"], 4);
    // No element came out of the data: the page's own three scripts, no image, no frame.
    assert_eq!(r["dom"]["images"], 0);
    assert_eq!(r["dom"]["scripts"], 3);
    assert_eq!(r["dom"]["iframes"], 0);
    let cards = r["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 8, "every node and edge card was opened");
    let all: String = cards
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    // The hostile strings are there, verbatim, as text.
    for needle in [
        r#"<img src=x onerror="window.__pwned='img';alert(1)">"#,
        r#"</script><script>window.__pwned="script";alert(2)</script>"#,
        r#"javascript:window.__pwned="link";alert(3)"#,
        r#"<svg onload="window.__pwned='svg'"><!--"#,
        "<img src=x onerror=alert(4)>.txt",
        "infer.<img src=x onerror=alert(7)>",
        "cannot be both",
        "上海 <i>x</i>",
        "&lt;img&gt;",
    ] {
        assert!(all.contains(needle), "{needle} not shown as text");
    }
    // The only links are Wikidata items with a valid id; the others are text.
    let links: Vec<&str> = cards
        .iter()
        .flat_map(|c| c["links"].as_array().unwrap())
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(links, ["https://www.wikidata.org/wiki/Q1"]);
    assert!(all.contains(r#"Q2"><img src=x onerror=alert(5)> (not a Wikidata id)"#));
    assert!(r["pathText"].as_str().unwrap().contains("1 hop"));
}

/// A deterministic graph of `n` typed entities in one component (each joins an earlier one,
/// preferring hubs), about `2n` more edges, evidence with dates and tiers.
fn generated_graph(n: usize) -> Value {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let types = [
        "country",
        "organization",
        "person",
        "initiative",
        "place",
        "event",
    ];
    let relations = [
        "member-of",
        "observer-of",
        "leads",
        "part-of",
        "affiliated-with",
        "cooperates-with",
        "located-in",
        "met-with",
    ];
    let id = |i: usize| format!("g{i:05}");
    let label = |i: usize| {
        format!(
            "{} {i}",
            ["Land", "Org", "Person", "Plan", "City", "Summit"][i % 6]
        )
    };
    let nodes: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": id(i), "label": label(i), "type": types[i % 6],
                   "aliases": [format!("ALIAS{i}"), format!("別名{i}")]})
        })
        .collect();
    let mut pairs = std::collections::BTreeSet::new();
    let mut ends: Vec<usize> = vec![0];
    for i in 1..n {
        // Preferential attachment: an endpoint of an earlier edge, or any earlier node.
        let j = if next(3) == 0 {
            next(i)
        } else {
            ends[next(ends.len())]
        };
        pairs.insert((i, relations[next(relations.len())], j));
        ends.extend([i, j]);
    }
    while pairs.len() < 3 * n {
        let (a, b) = (next(n), ends[next(ends.len())]);
        if a != b {
            pairs.insert((a, relations[next(relations.len())], b));
        }
    }
    let edges: Vec<Value> = pairs
        .into_iter()
        .map(|(a, rel, b)| {
            let (a, b) = if matches!(rel, "met-with" | "cooperates-with") && a > b {
                (b, a)
            } else {
                (a, b)
            };
            let evidence: Vec<Value> = (0..1 + next(2))
                .map(|k| {
                    let sentence = format!("{} is linked ({rel}) to {} in report {k}.", label(a), label(b));
                    let mut ev = json!({"document": format!("doc{}.txt", next(500)),
                        "sentence": sentence, "start": 0, "end": sentence.len(),
                        "rule": "generated", "tier": if next(5) == 0 { "implied" } else { "explicit" },
                        "confidence": 0.5 + next(50) as f64 / 100.0});
                    if next(3) == 0 {
                        ev["when"] = json!({"start": format!("{}", 1990 + next(35))});
                    }
                    ev
                })
                .collect();
            json!({"source": id(a), "target": id(b), "relation": rel, "evidence": evidence})
        })
        .collect();
    json!({"directed": true, "multigraph": true,
           "meta": {"generator": "tests/viewer.rs", "documents": []},
           "nodes": nodes, "edges": edges, "conflicts": []})
}

#[test]
fn five_thousand_nodes_load_search_filter_and_walk_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let graph_path = dir.path().join("graph.json");
    let graph = generated_graph(5_000);
    std::fs::write(&graph_path, graph.to_string()).unwrap();
    let page = dir.path().join("graph.html");
    Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "--format", "html", "--graph"])
        .arg(&graph_path)
        .arg("--out")
        .arg(&page)
        .assert()
        .success();
    let extra = json!({"searchFor": "ALIAS4321", "pathFrom": "g00007", "pathTo": "g04999"});
    let Some(r) = browse("viewer: 5,000 nodes", "large", &page, extra) else {
        return;
    };
    let edges = graph["edges"].as_array().unwrap().len();
    assert_eq!(r["counts"]["nodes"], 5_000);
    assert_eq!(r["counts"]["edges"], edges);
    assert_eq!(texts(&r["searched"]), ["Org 4321"]);
    let persons = (0..5_000).filter(|i| i % 6 == 2).count();
    assert_eq!(r["filtered"]["shownNodes"], 5_000 - persons);
    let status = r["pathStatus"].as_str().unwrap();
    assert!(status.contains("hop"), "{status}");
    assert!(r["pathHops"].as_u64().unwrap() >= 1);
    // The figures, for the README (wall times under whatever load the machine has).
    eprintln!(
        "viewer, 5,000 nodes / {edges} edges: load {} ms, page timings {}, search {} ms, \
         type filter {} ms, zoom+pan {} ms, path {} ms",
        r["loadMs"], r["timings"], r["searchMs"], r["filterMs"], r["zoomPanMs"], r["pathMs"]
    );
}

#[test]
fn build_writes_the_viewer_and_it_embeds_the_graph_it_was_built_from() {
    let page = std::fs::read_to_string(root().join("output/graph.html")).unwrap();
    let graph = kg::graph::KnowledgeGraph::load(&root().join("output/graph.json")).unwrap();
    // The committed page is what the library makes of the committed graph (so a loaded
    // graph lays out exactly like the built one).
    assert!(
        page == kg::export::html::html_page(&graph, &Default::default()),
        "output/graph.html differs from html_page(output/graph.json)"
    );
    assert!(page.contains(&format!(
        "\"generator\":\"kg {}\"",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn the_page_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let graph_path = dir.path().join("graph.json");
    std::fs::write(&graph_path, generated_graph(600).to_string()).unwrap();
    let mut pages = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}.html"));
        Command::cargo_bin("kg")
            .unwrap()
            .env("RAYON_NUM_THREADS", threads)
            .args(["export", "--format", "html", "--graph"])
            .arg(&graph_path)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        pages.push(std::fs::read(&out).unwrap());
    }
    assert!(pages[0] == pages[1]);
}

#[test]
fn html_to_stdout_is_the_same_page() {
    let out = Command::cargo_bin("kg")
        .unwrap()
        .args(["export", "--format", "html", "--graph", "output/graph.json"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        std::fs::read(root().join("output/graph.html")).unwrap()
    );
}
