//! Corpus-scale behaviour (issue #11): ingestion of directories, globs and JSON Lines,
//! `--keep-going`, `--threads`, `kg extract` + `kg merge` against `kg build`, `--update`,
//! and capped evidence.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const FIXTURES: &str = "tests/fixtures/eval";

/// The files `kg build` and `kg merge` both write.
const GRAPH_FILES: &[&str] = &["graph.json", "graph.dot", "merges.json"];

fn kg() -> Command {
    Command::cargo_bin("kg").unwrap()
}

/// The fixture articles (name, text), sorted by name.
fn fixture_articles() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "only {} fixture articles", out.len());
    out
}

/// A corpus directory with the fixture articles, some in a subdirectory.
fn corpus(dir: &Path, articles: &[(String, String)]) -> PathBuf {
    let root = dir.join("corpus");
    std::fs::create_dir_all(root.join("more")).unwrap();
    for (i, (name, text)) in articles.iter().enumerate() {
        let path = if i % 3 == 0 {
            root.join("more").join(name)
        } else {
            root.join(name)
        };
        std::fs::write(path, text).unwrap();
    }
    root
}

fn build(args: &[&str], inputs: &[&Path], out: &Path) {
    let mut cmd = kg();
    cmd.arg("build")
        .args(inputs)
        .args(args)
        .arg("-q")
        .arg("--out")
        .arg(out);
    cmd.assert().success();
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

fn assert_same_files(a: &Path, b: &Path, names: &[&str]) {
    for name in names {
        assert!(
            read(a, name) == read(b, name),
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn all_files() -> Vec<&'static str> {
    let mut v = GRAPH_FILES.to_vec();
    v.push("claims.jsonl");
    v
}

#[test]
fn one_and_two_threads_write_identical_files_across_many_batches() {
    let tmp = tempfile::tempdir().unwrap();
    let root = corpus(tmp.path(), &fixture_articles());
    let mut outs = Vec::new();
    for threads in [1, 2] {
        let out = tmp.path().join(format!("t{threads}"));
        let config = kg::pipeline::BuildConfig {
            inputs: vec![root.clone()],
            threads: Some(threads),
            // Two documents a batch: every batch boundary and hand-over is crossed.
            batch_docs: Some(2),
            ..Default::default()
        };
        kg::pipeline::build(&config, &out).unwrap();
        outs.push(out);
    }
    // And the CLI with its default batches.
    let cli = tmp.path().join("cli2");
    build(&["--threads", "2"], &[&root], &cli);
    assert_same_files(&outs[0], &outs[1], &all_files());
    assert_same_files(&outs[0], &cli, &all_files());
    let graph: serde_json::Value = serde_json::from_slice(&read(&cli, "graph.json")).unwrap();
    assert_eq!(
        graph["meta"]["documents"].as_array().unwrap().len(),
        fixture_articles().len()
    );
    assert!(graph["edges"].as_array().unwrap().len() > 50);
}

#[test]
fn extract_then_merge_equals_build_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let root = corpus(tmp.path(), &fixture_articles());
    let built = tmp.path().join("built");
    build(&[], &[&root], &built);

    let claims = kg().arg("extract").arg(&root).arg("-q").output().unwrap();
    assert!(claims.status.success());
    // The map step's output is the claims file the build keeps.
    assert!(claims.stdout == read(&built, "claims.jsonl"));
    let first: serde_json::Value =
        serde_json::from_slice(claims.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(first["kg-claims"], 1);
    // -o writes the same bytes to a file.
    let file = tmp.path().join("claims-o.jsonl");
    kg().arg("extract")
        .arg(&root)
        .arg("-qo")
        .arg(&file)
        .assert()
        .success();
    assert!(std::fs::read(&file).unwrap() == claims.stdout);

    // Split the claims into two files: the reduce step takes them in order.
    let text = String::from_utf8(claims.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = lines.split_at(lines.len() / 2);
    let (fa, fb) = (tmp.path().join("a.jsonl"), tmp.path().join("b.jsonl"));
    std::fs::write(&fa, a.join("\n") + "\n").unwrap();
    std::fs::write(&fb, b.join("\n") + "\n").unwrap();
    let merged = tmp.path().join("merged");
    kg().arg("merge")
        .arg(&fa)
        .arg(&fb)
        .args(["-q", "--out"])
        .arg(&merged)
        .assert()
        .success();
    assert_same_files(&built, &merged, GRAPH_FILES);

    // Standard input to standard output, and a claims stream on stdin to merge.
    let jsonl: String = fixture_articles()
        .iter()
        .map(|(name, text)| serde_json::json!({"id": name, "text": text}).to_string() + "\n")
        .collect();
    let piped = kg()
        .args(["extract", "-", "-q"])
        .write_stdin(jsonl)
        .output()
        .unwrap();
    assert!(piped.status.success());
    let from_stdin = tmp.path().join("stdin");
    kg().args(["merge", "-", "-q", "--out"])
        .arg(&from_stdin)
        .write_stdin(piped.stdout)
        .assert()
        .success();
    // A flat directory names articles as the JSON Lines ids do.
    let flat_only_txt = tmp.path().join("flat-src");
    std::fs::create_dir(&flat_only_txt).unwrap();
    for (name, text) in fixture_articles() {
        std::fs::write(flat_only_txt.join(name), text).unwrap();
    }
    let flat = tmp.path().join("flat-out");
    build(&[], &[&flat_only_txt], &flat);
    assert_same_files(&flat, &from_stdin, GRAPH_FILES);
}

#[test]
fn build_reads_json_lines_on_stdin_like_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let articles = fixture_articles();
    let mut jsonl = String::new();
    for (i, (name, text)) in articles.iter().enumerate() {
        std::fs::write(src.join(name), text).unwrap();
        let mut rec = serde_json::json!({"id": name, "text": text});
        if i % 2 == 0 {
            rec["date"] = "2024-07-04".into();
            rec["url"] = format!("https://example.org/{i}").into();
            rec["title"] = "A headline".into();
        }
        jsonl.push_str(&rec.to_string());
        jsonl.push('\n');
    }
    let from_files = tmp.path().join("files");
    build(&[], &[&src], &from_files);
    let from_stdin = tmp.path().join("stdin");
    kg().args(["build", "-", "-q", "--out"])
        .arg(&from_stdin)
        .write_stdin(jsonl.clone())
        .assert()
        .success();
    assert_same_files(&from_files, &from_stdin, GRAPH_FILES);
    // The metadata travels in the claims.
    let claims = String::from_utf8(read(&from_stdin, "claims.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(claims.lines().next().unwrap()).unwrap();
    assert_eq!(first["document"]["date"], "2024-07-04");
    assert_eq!(first["document"]["title"], "A headline");

    // A .jsonl file inside a directory is read as records too, and its extension's case
    // does not matter.
    let dir = tmp.path().join("jdir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("corpus.JSONL"), &jsonl).unwrap();
    let from_dir = tmp.path().join("jdir-out");
    build(&[], &[&dir], &from_dir);
    assert_same_files(&from_files, &from_dir, GRAPH_FILES);

    // A bad record stops the build with its line and column.
    let bad = kg()
        .args(["build", "-", "-q", "--out"])
        .arg(tmp.path().join("bad"))
        .write_stdin("{\"id\": \"a\", \"text\": \"Iran joined the SCO.\"}\n{\"id\": \"b\"\n")
        .assert()
        .code(3);
    let stderr = String::from_utf8(bad.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("-:2:"), "{stderr}");
    assert!(!tmp.path().join("bad").join("graph.json").exists());

    // Evidence names documents, so two records with one id are refused (or skipped).
    let twice = "{\"id\": \"a\", \"text\": \"Iran joined the SCO.\"}\n{\"id\": \"a\", \"text\": \"Iran left.\"}\n";
    let dup = kg()
        .args(["build", "-", "-q", "--out"])
        .arg(tmp.path().join("dup"))
        .write_stdin(twice)
        .assert()
        .code(3);
    let stderr = String::from_utf8(dup.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("a: two documents have this name"),
        "{stderr}"
    );
    let kept = kg()
        .args(["build", "-", "--keep-going", "--json", "--out"])
        .arg(tmp.path().join("dup"))
        .write_stdin(twice)
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&kept.stdout).unwrap();
    assert_eq!(
        (summary["documents"].as_u64(), summary["skipped"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn keep_going_skips_a_broken_file_with_one_warning_and_a_count() {
    let tmp = tempfile::tempdir().unwrap();
    let articles = fixture_articles();
    let root = corpus(tmp.path(), &articles[..4]);
    std::fs::write(root.join("broken.txt"), b"Iran joined\n the SCO \xff\xfe.").unwrap();
    std::fs::write(root.join("Empty.TXT"), b"  \n").unwrap();

    let out = tmp.path().join("out");
    let failed = kg()
        .arg("build")
        .arg(&root)
        .args(["-q", "--out"])
        .arg(&out)
        .assert()
        .code(3);
    let stderr = String::from_utf8(failed.get_output().stderr.clone()).unwrap();
    // The default stops at the first bad file, naming it and the byte offset.
    assert!(
        stderr.contains("Empty.TXT: empty article"),
        "the walker reads .TXT too: {stderr}"
    );
    assert!(!out.exists() || !out.join("graph.json").exists());
    std::fs::remove_file(root.join("Empty.TXT")).unwrap();
    let failed = kg()
        .arg("build")
        .arg(&root)
        .args(["-q", "--out"])
        .arg(&out)
        .assert()
        .code(3);
    let stderr = String::from_utf8(failed.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("broken.txt:2:10: not valid UTF-8 (byte offset 21)"),
        "{stderr}"
    );
    std::fs::write(root.join("Empty.TXT"), b"  \n").unwrap();

    let kept = kg()
        .arg("build")
        .arg(&root)
        .args(["--keep-going", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8(kept.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.matches("warning: skipped").count(), 2, "{stderr}");
    assert!(stderr.contains("broken.txt:2:10"), "{stderr}");
    assert!(stderr.contains("skipped 2 bad document(s)"), "{stderr}");
    // The good articles are all in the graph, the bad ones not at all.
    std::fs::remove_file(root.join("broken.txt")).unwrap();
    std::fs::remove_file(root.join("Empty.TXT")).unwrap();
    let clean = tmp.path().join("clean");
    build(&[], &[&root], &clean);
    assert_same_files(&out, &clean, &all_files());
}

#[test]
fn update_after_adding_changing_and_removing_equals_a_fresh_build() {
    let tmp = tempfile::tempdir().unwrap();
    let articles = fixture_articles();
    let (first, later) = articles.split_at(articles.len() - 3);
    let root = corpus(tmp.path(), first);
    let out = tmp.path().join("out");
    build(&[], &[&root], &out);
    let before = read(&out, "graph.json");

    // Add three articles, change one, remove one (an article with edges of its own).
    for (name, text) in later {
        std::fs::write(root.join(name), text).unwrap();
    }
    let changed = root.join(&first[1].0);
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(
        &changed,
        format!("{text}\nIran joined the Shanghai Cooperation Organization in 2023.\n"),
    )
    .unwrap();
    let removed = root.join("more").join(&first[0].0);
    std::fs::remove_file(&removed).unwrap();

    let updated = kg()
        .arg("build")
        .arg(&root)
        .args(["--update", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(updated.status.success(), "{:?}", updated);
    let summary: serde_json::Value = serde_json::from_slice(&updated.stdout).unwrap();
    assert_eq!(summary["update"]["extracted"], 4, "{summary}");
    assert_eq!(summary["update"]["removed"], 1, "{summary}");
    assert_eq!(summary["update"]["reused"], first.len() - 2, "{summary}");
    assert!(read(&out, "graph.json") != before);

    let fresh = tmp.path().join("fresh");
    build(&[], &[&root], &fresh);
    assert_same_files(&out, &fresh, &all_files());

    // The removed article's evidence is gone from the graph.
    let graph = String::from_utf8(read(&out, "graph.json")).unwrap();
    assert!(!graph.contains(&format!("\"more/{}\"", first[0].0)));

    // An update with nothing changed reuses everything and changes nothing.
    let again = kg()
        .arg("build")
        .arg(&root)
        .args(["--update", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(summary["update"]["extracted"], 0, "{summary}");
    assert_same_files(&out, &fresh, &all_files());

    // Other knowledge: nothing is reused.
    let lexicon = tmp.path().join("extra.toml");
    std::fs::write(
        &lexicon,
        "[[entity]]\nname = \"Veldoria\"\ntype = \"country\"\n",
    )
    .unwrap();
    let relex = kg()
        .arg("build")
        .arg(&root)
        .arg("--lexicon")
        .arg(&lexicon)
        .args(["--update", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&relex.stdout).unwrap();
    assert_eq!(summary["update"]["reused"], 0, "{summary}");

    // Without an earlier build there is nothing to update.
    let none = kg()
        .arg("build")
        .arg(&root)
        .args(["--update", "-q", "--out"])
        .arg(tmp.path().join("nothing"))
        .assert()
        .code(3);
    let stderr = String::from_utf8(none.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("claims.jsonl: not found"), "{stderr}");
}

#[test]
fn max_evidence_caps_the_graph_and_the_evidence_file_keeps_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let root = corpus(tmp.path(), &fixture_articles());
    let full = tmp.path().join("full");
    build(&[], &[&root], &full);
    let capped = tmp.path().join("capped");
    build(
        &["--max-evidence", "1", "--evidence-file"],
        &[&root],
        &capped,
    );
    let full_graph: serde_json::Value = serde_json::from_slice(&read(&full, "graph.json")).unwrap();
    let capped_graph: serde_json::Value =
        serde_json::from_slice(&read(&capped, "graph.json")).unwrap();
    let evidence = String::from_utf8(read(&capped, "evidence.jsonl")).unwrap();
    let evidence: Vec<serde_json::Value> = evidence
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (fe, ce) = (
        full_graph["edges"].as_array().unwrap(),
        capped_graph["edges"].as_array().unwrap(),
    );
    assert_eq!(fe.len(), ce.len());
    assert_eq!(fe.len(), evidence.len());
    let mut capped_edges = 0;
    for ((f, c), e) in fe.iter().zip(ce).zip(&evidence) {
        let n = f["evidence"].as_array().unwrap().len();
        assert_eq!(c["evidence"].as_array().unwrap().len(), 1);
        assert_eq!(c["confidence"], f["confidence"]);
        assert_eq!(e["evidence"], f["evidence"]);
        assert_eq!(e["source"], f["source"]);
        if n > 1 {
            assert_eq!(c["evidence_count"], n);
            capped_edges += 1;
        } else {
            assert!(c.get("evidence_count").is_none());
        }
    }
    assert!(capped_edges > 0, "no edge has more than one sentence");
    // The capped graph is still a graph kg reads.
    kg().args(["stats", "--graph"])
        .arg(capped.join("graph.json"))
        .assert()
        .success();
}

#[test]
fn globs_and_the_json_gazetteer_are_inputs_too() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("news");
    std::fs::create_dir_all(src.join("2024")).unwrap();
    std::fs::write(
        src.join("2024/a.txt"),
        "Veldorian President Anna Berg met Chinese President Xi Jinping in Astana.\n",
    )
    .unwrap();
    std::fs::write(src.join("skip.md"), "Nothing to see.\n").unwrap();
    let gazetteer = tmp.path().join("gazetteer.json");
    std::fs::write(
        &gazetteer,
        r#"{"entities": [{"name": "Anna Berg", "type": "person", "aliases": ["Berg"]}]}"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    let pattern = src.join("**").join("*.txt");
    kg().arg("build")
        .arg(&pattern)
        .arg("--lexicon")
        .arg(&gazetteer)
        .args(["-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let graph: serde_json::Value = serde_json::from_slice(&read(&out, "graph.json")).unwrap();
    assert_eq!(
        graph["meta"]["documents"],
        serde_json::json!(["2024/a.txt"])
    );
    let ids: Vec<&str> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"anna-berg"), "{ids:?}");
}
