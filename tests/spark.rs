//! The PySpark job of `contrib/spark/` in `local[2]` mode gives the same graph, byte for
//! byte, as `kg build` on the same corpus (text files in subdirectories and a JSON Lines
//! file). Needs Java and `pyspark` (installed by `.ci/install.d/spark.sh`; the venv is set up
//! here when missing); skipped loudly without them, failed when `KG_REQUIRE_CONSUMERS=1`.

mod common;

use std::path::Path;
use std::process::Command;

/// A small corpus made from the fixture articles: files in two directories, one with an
/// upper-case extension, and a JSON Lines file of two more.
fn corpus(root: &Path) {
    let fixtures = Path::new("tests/fixtures/eval");
    let mut names: Vec<String> = std::fs::read_dir(fixtures)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 8);
    std::fs::create_dir_all(root.join("asia/2024")).unwrap();
    let mut lines = String::new();
    for (i, name) in names.iter().enumerate() {
        let text = std::fs::read_to_string(fixtures.join(name)).unwrap();
        match i % 4 {
            0 => std::fs::write(root.join("asia/2024").join(name), text).unwrap(),
            1 => std::fs::write(root.join(name.replace(".txt", ".TXT")), text).unwrap(),
            2 => {
                lines.push_str(&serde_json::json!({"id": format!("wire/{name}"), "text": text, "date": "2024-07-04"}).to_string());
                lines.push('\n');
            }
            _ => std::fs::write(root.join(name), text).unwrap(),
        }
    }
    std::fs::write(root.join("wire.jsonl"), lines).unwrap();
    // Not an article: skipped by both.
    std::fs::write(root.join("notes.csv"), "a,b\n").unwrap();
}

#[test]
fn the_spark_job_in_local_mode_builds_the_same_graph_as_kg_build() {
    if common::which("java").is_none() {
        common::skip(
            "spark",
            "no java on PATH (.ci/install.d/spark.sh installs it)",
        );
        return;
    }
    let Some(python) = common::python_or_skip("spark", &[("pyspark", "pyspark")]) else {
        return;
    };
    let submit = python.parent().unwrap().join("spark-submit");
    assert!(
        submit.exists(),
        "pyspark installs spark-submit beside python"
    );
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    corpus(&root);
    let kg = assert_cmd::cargo::cargo_bin("kg");

    let built = tmp.path().join("built");
    let status = Command::new(&kg)
        .arg("build")
        .arg(&root)
        .args(["-q", "--out"])
        .arg(&built)
        .status()
        .unwrap();
    assert!(status.success());

    let claims = tmp.path().join("claims");
    let merged = tmp.path().join("merged");
    let out = Command::new(&submit)
        .args(["--master", "local[2]"])
        // Spark talks to itself on the loopback address only.
        .args(["--conf", "spark.driver.host=127.0.0.1"])
        .args(["--conf", "spark.driver.bindAddress=127.0.0.1"])
        .args(["--conf", "spark.ui.enabled=false"])
        .arg("--files")
        .arg(&kg)
        .arg("contrib/spark/kg_spark.py")
        .arg(&root)
        .arg(&claims)
        .args(["--partitions", "3", "--merge-out"])
        .arg(&merged)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .env("PYSPARK_PYTHON", &python)
        .env("PYSPARK_DRIVER_PYTHON", &python)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "spark-submit failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["graph.json", "graph.dot", "merges.json"] {
        let a = std::fs::read(built.join(name)).unwrap();
        let b = std::fs::read(merged.join(name)).unwrap();
        assert!(a == b, "{name} differs between kg build and the Spark job");
    }
    // The part files, in name order, are the build's claims file.
    let mut parts: Vec<_> = std::fs::read_dir(&claims)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("part-")
        })
        .collect();
    parts.sort();
    assert_eq!(parts.len(), 3);
    let joined: Vec<u8> = parts
        .iter()
        .flat_map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(joined == std::fs::read(built.join("claims.jsonl")).unwrap());
    let graph: serde_json::Value =
        serde_json::from_slice(&std::fs::read(merged.join("graph.json")).unwrap()).unwrap();
    let docs = graph["meta"]["documents"].as_array().unwrap();
    assert!(
        docs.iter()
            .any(|d| d.as_str().unwrap().starts_with("asia/2024/"))
    );
    assert!(
        docs.iter()
            .any(|d| d.as_str().unwrap().starts_with("wire/"))
    );
}
