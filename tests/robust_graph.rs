//! Bad graph files (docs/robustness.md, "Graph files"): truncated while read, invalid
//! spans and dates, and the contract's checks.

use assert_cmd::Command;
use kg::graph::KnowledgeGraph;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// A valid graph file of at least `min_bytes` (long labels, a few edges).
fn large_graph_text(min_bytes: usize) -> String {
    let mut s = String::from("{\"meta\":{\"documents\":[\"d.txt\"]},\"nodes\":[\n");
    let filler = "x".repeat(200);
    let mut i = 0;
    while s.len() < min_bytes {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "{{\"id\":\"n{i}\",\"label\":\"Node {i} {filler}\",\"type\":\"person\",\"aliases\":[]}}"
        ));
        i += 1;
    }
    s.push_str("],\n\"edges\":[");
    for j in 1..100.min(i) {
        if j > 1 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"source\":\"n0\",\"target\":\"n{j}\",\"relation\":\"met-with\",\"evidence\":[{{\"document\":\"d.txt\",\"sentence\":\"x\",\"start\":0,\"end\":1,\"rule\":\"r\"}}]}}"
        ));
    }
    s.push_str("],\"conflicts\":[]}\n");
    s
}

/// SIGBUS was exit 135: a graph of at least 16 MiB (the size from which it used to be
/// mapped) truncated while `kg` reads it must give a clean result or a clean error, never a
/// signal.
#[test]
fn a_large_graph_truncated_while_loading_never_kills_kg_with_a_signal() {
    let text = large_graph_text(17 << 20);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    for round in 0..6u64 {
        std::fs::write(&path, &text).unwrap();
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kg"))
            .args(["stats", "--graph"])
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(5 + 15 * round));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(1 << 20)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(3)),
            "round {round}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The same in-process: the library's safe `load` survives truncation under its feet.
#[test]
fn load_survives_truncation_in_process() {
    let text = large_graph_text(17 << 20);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    for round in 0..6u64 {
        std::fs::write(&path, &text).unwrap();
        let p = path.clone();
        let cutter = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(round * 3));
            std::fs::OpenOptions::new()
                .write(true)
                .open(&p)
                .unwrap()
                .set_len(4096)
                .unwrap();
        });
        // Either outcome is fine; a signal would end the test binary.
        let _ = KnowledgeGraph::load(&path);
        cutter.join().unwrap();
    }
}

fn kg_graph(path: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("kg")
        .unwrap()
        .args(args)
        .arg("--graph")
        .arg(path)
        .timeout(Duration::from_secs(60))
        .assert()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    p
}

#[test]
fn a_truncated_graph_file_is_a_syntax_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let text = large_graph_text(10_000);
    let p = write(dir.path(), "cut.json", &text[..text.len() / 2]);
    kg_graph(&p, &["stats"])
        .code(3)
        .stderr(predicates::str::contains("cut.json:"));
}

/// The bundled small graph with `from` replaced by `to` (once), as a file in `dir`.
fn edited_fixture(dir: &Path, from: &str, to: &str) -> (std::path::PathBuf, String) {
    let text = std::fs::read_to_string("tests/fixtures/sco.json").unwrap();
    assert!(text.contains(from), "the fixture has {from:?}");
    let text = text.replacen(from, to, 1);
    (write(dir, "bad.json", &text), text)
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn evidence_whose_span_ends_before_it_starts_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let (p, text) = edited_fixture(dir.path(), "\"end\": 568,", "\"end\": 520,");
    let a = kg_graph(&p, &["stats"]).code(3);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("evidence span 523..520 ends before it starts"),
        "{err}"
    );
    // The reader names the place where it judged the evidence: the token just past its
    // object (`]` here, on the line after the object's `}`); the message gives the span.
    let want = format!("bad.json:{}:7:", line_of(&text, "\"end\": 520,") + 4);
    assert!(err.contains(&want), "{want} not in {err}");
    let e = KnowledgeGraph::from_json_str(&text, "bad.json").unwrap_err();
    assert!(e.to_string().contains("ends before it starts"), "{e}");
}

#[test]
fn a_date_that_is_no_iso_date_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let (p, text) = edited_fixture(
        dir.path(),
        "\"tier\": \"explicit\"\n",
        "\"tier\": \"explicit\",\n          \"when\": {\"point\": \"zzzz-99\"}\n",
    );
    let a = kg_graph(&p, &["stats"]).code(3);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    let want = format!(
        "bad.json:{}:",
        line_of(&text, "\"when\": {\"point\": \"zzzz-99\"}")
    );
    assert!(err.contains(&want), "{want} not in {err}");
    assert!(
        err.contains("'zzzz-99' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        "{err}"
    );
    // A real date in the same place loads.
    let good = text.replace("zzzz-99", "2024-02-29");
    KnowledgeGraph::from_json_str(&good, "good.json").unwrap();
}
