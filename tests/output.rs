//! The committed `output/` is what the current code generates from `data/articles/`, and
//! every evidence item points at the exact bytes of its document.

use assert_cmd::Command;

#[test]
fn committed_output_matches_a_fresh_build() {
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("kg")
        .unwrap()
        .args(["build", "data/articles", "-q", "--out"])
        .arg(out.path())
        .assert()
        .success();
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let name = entry.unwrap().file_name();
        // The picture depends on the installed Graphviz version; it is checked by the export
        // tests, not byte for byte here.
        if name == "graph.svg" {
            continue;
        }
        let fresh = std::fs::read(out.path().join(&name)).unwrap();
        let committed = std::fs::read(std::path::Path::new("output").join(&name))
            .unwrap_or_else(|_| panic!("output/{} is not committed", name.to_string_lossy()));
        assert!(
            fresh == committed,
            "output/{} is stale: regenerate it with `cargo run --release`",
            name.to_string_lossy()
        );
    }
}

#[test]
fn every_evidence_sentence_is_its_documents_bytes() {
    let graph: serde_json::Value =
        serde_json::from_slice(&std::fs::read("output/graph.json").unwrap()).unwrap();
    let mut checked = 0;
    for edge in graph["edges"].as_array().unwrap() {
        for ev in edge["evidence"].as_array().unwrap() {
            let doc = std::fs::read(format!(
                "data/articles/{}",
                ev["document"].as_str().unwrap()
            ))
            .unwrap();
            let (start, end) = (
                ev["start"].as_u64().unwrap() as usize,
                ev["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                &doc[start..end],
                ev["sentence"].as_str().unwrap().as_bytes()
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} evidence items");
}
