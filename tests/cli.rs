//! The `kg` command line: building into a directory, summaries, completions, and clear
//! one-line errors with non-zero exits and no partial output for bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn kg() -> Command {
    Command::cargo_bin("kg").unwrap()
}

const ARTICLE: &str = "data/articles/sco-summit.txt";

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn build_writes_graph_files_and_a_summary() {
    let out = tempfile::tempdir().unwrap();
    kg().args(["build", ARTICLE, "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("entities"))
        .stderr(predicate::str::contains("member-of"))
        .stderr(predicate::str::contains("conflict"));
    let names = files_in(out.path());
    assert!(names.contains(&"graph.json".to_string()), "{names:?}");
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("graph.json")).unwrap()).unwrap();
    assert_eq!(json["meta"]["documents"][0], "sco-summit.txt");
}

#[test]
fn build_json_summary_is_machine_readable() {
    let out = tempfile::tempdir().unwrap();
    let assert = kg()
        .args(["build", ARTICLE, "--json", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert!(summary["entities"]["country"].as_u64().unwrap() > 10);
    assert!(summary["conflicts"].as_u64().unwrap() >= 1);
}

#[test]
fn no_arguments_builds_the_bundled_articles_into_output() {
    // Run in a scratch copy of the project layout so the committed output/ is untouched.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("data/articles")).unwrap();
    std::fs::copy(ARTICLE, root.path().join(ARTICLE)).unwrap();
    kg().current_dir(root.path()).assert().success();
    assert!(root.path().join("output/graph.json").exists());
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, threads) in [(&a, "1"), (&b, "2")] {
        kg().env("RAYON_NUM_THREADS", threads)
            .args([
                "build",
                ARTICLE,
                ARTICLE,
                "tests/fixtures/articles",
                "-q",
                "--out",
            ])
            .arg(dir.path())
            .assert()
            .success();
    }
    for name in files_in(a.path()) {
        assert_eq!(
            std::fs::read(a.path().join(&name)).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
            "{name} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn completions_are_printed() {
    kg().args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("complete -F"));
}

#[test]
fn help_has_examples_and_exit_codes() {
    kg().arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("Exit codes:"));
}

/// Runs `kg build` on bad input: one line on stderr that contains `needle`, exit 3, and
/// an output directory left exactly as it was.
fn refuses(args: &[&str], needle: &str) {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("graph.json"), "previous").unwrap();
    let assert = kg()
        .arg("build")
        .args(args)
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr:?}");
    assert_eq!(files_in(out.path()), ["graph.json"]);
    assert_eq!(
        std::fs::read_to_string(out.path().join("graph.json")).unwrap(),
        "previous"
    );
}

#[test]
fn missing_file_is_refused() {
    refuses(&["no/such/article.txt"], "no/such/article.txt");
}

#[test]
fn directory_without_articles_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.json"), "{}").unwrap();
    refuses(&[dir.path().to_str().unwrap()], "no articles");
}

#[test]
fn non_utf8_article_names_file_and_byte_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"The SCO\nmet in Tash\xe9kent.").unwrap();
    refuses(
        &[path.to_str().unwrap()],
        "latin1.txt:2:12: not valid UTF-8 (byte offset 19)",
    );
}

#[test]
fn empty_article_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.txt");
    std::fs::write(&path, "").unwrap();
    refuses(&[path.to_str().unwrap()], "empty article");
}

#[test]
fn lexicon_syntax_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("bad.toml");
    std::fs::write(
        &lex,
        "[[entity]]\nname = \"Atlantis\"\ntype = \"country\"\naliases = [\"A\"\n",
    )
    .unwrap();
    refuses(
        &[ARTICLE, "--lexicon", lex.to_str().unwrap()],
        "bad.toml:4:",
    );
}

#[test]
fn lexicon_unknown_type_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("types.toml");
    std::fs::write(
        &lex,
        "[[entity]]\nname = \"Atlantis\"\ntype = \"continent\"\n",
    )
    .unwrap();
    refuses(
        &[ARTICLE, "--lexicon", lex.to_str().unwrap()],
        "types.toml:3:8: unknown variant `continent`",
    );
}

#[test]
fn rules_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"x\"\nrelation = \"likes\"\ntriggers = [\"likes\"]\nsubject = { find = \"before\", kinds = [\"person\"] }\n",
    )
    .unwrap();
    refuses(
        &[ARTICLE, "--rules", rules.to_str().unwrap()],
        "rules.toml:3:12: unknown variant `likes`",
    );
    std::fs::write(&rules, "[[rule]\n").unwrap();
    refuses(
        &[ARTICLE, "--rules", rules.to_str().unwrap()],
        "rules.toml:1:",
    );
}

#[test]
fn user_lexicon_and_rules_extend_the_builtins() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(
        &article,
        "Queen Zara of Atlantis admires the Ocean Council. Zara mentors Xi Jinping.\n",
    )
    .unwrap();
    let lex = dir.path().join("lex.toml");
    std::fs::write(
        &lex,
        "[[entity]]\nname = \"Atlantis\"\ntype = \"country\"\n[[entity]]\nname = \"Zara\"\ntype = \"person\"\n[[entity]]\nname = \"Ocean Council\"\ntype = \"organization\"\n",
    )
    .unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"my.mentors\"\nrelation = \"affiliated-with\"\ntriggers = [\"admires\"]\nsubject = { find = \"before\", kinds = [\"person\"] }\nobject = { find = \"after\", kinds = [\"organization\"], max_gap = 0 }\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    kg().args(["build", "-q", "--lexicon"])
        .arg(&lex)
        .arg("--rules")
        .arg(&rules)
        .arg("--out")
        .arg(&out)
        .arg(&article)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("graph.json")).unwrap()).unwrap();
    let edges = json["edges"].as_array().unwrap();
    assert!(edges.iter().any(|e| e["source"] == "zara"
        && e["relation"] == "affiliated-with"
        && e["target"] == "ocean-council"
        && e["evidence"][0]["rule"] == "my.mentors"));
    let ids: Vec<&str> = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"xi-jinping") && ids.contains(&"atlantis"),
        "{ids:?}"
    );
}

/// The library's source files: everything under `src/` but the command line (`src/cli/`)
/// and the binary's `main.rs`.
fn library_sources() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path != Path::new("src/cli") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs")
                && path != Path::new("src/main.rs")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file before its unit tests, without comment lines.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_library_module_uses_the_command_line_or_prints() {
    let files = library_sources();
    assert!(files.len() > 30, "{files:?}");
    assert!(files.contains(&Path::new("src/query/explore.rs").to_path_buf()));
    let mut offences = Vec::new();
    for path in &files {
        let code = code_of(path);
        for needle in [
            "crate::cli",
            "kg::cli",
            "clap::",
            "use clap",
            "ValueEnum",
            "println!",
            "print!(",
            "eprint!(",
            "eprintln!",
            "io::stdout()",
        ] {
            if code.contains(needle) {
                offences.push(format!("{}: {needle}", path.display()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "library code that belongs to the CLI: {offences:#?}"
    );
    // The check itself can fail: the CLI is full of what it looks for.
    let cli = code_of(Path::new("src/cli/mod.rs")) + &code_of(Path::new("src/cli/args.rs"));
    assert!(cli.contains("clap::") && cli.contains("eprintln!"));
}

#[test]
fn exit_codes_are_documented_in_one_table_in_the_readme() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let code = std::fs::read_to_string("src/cli/mod.rs").unwrap();
    for (name, value) in [
        ("OK", 0),
        ("NO_RESULT", 1),
        ("USAGE", 2),
        ("BAD_INPUT", 3),
        ("OUTPUT", 4),
        ("SERVE", 5),
    ] {
        assert!(
            code.contains(&format!("pub const {name}: u8 = {value};")),
            "{name}"
        );
        assert!(
            readme.contains(&format!("| {value} |")),
            "README lacks a row for exit code {value}"
        );
    }
}
