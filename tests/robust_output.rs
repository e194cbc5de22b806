//! Output that appears whole (docs/robustness.md, "Output"): a build's files become visible
//! together, files of a previous build that a new one does not write are gone, a user's own
//! files in the output directory stay, a killed run leaves the old output or the new one and
//! its debris is removed by the next run, never a live run's.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn kg() -> Command {
    let mut c = Command::cargo_bin("kg").unwrap();
    c.timeout(Duration::from_secs(300));
    c
}

const ARTICLE: &str = "data/articles/sco-summit.txt";
const SMALL: &str = "Chile joined the African Union in 2004. India joined BRICS in 2006.\n";

/// A pid above the kernel's maximum (2^22), so never a live process.
const DEAD_PID: u32 = 4_194_999;

/// Every entry of `dir` (recursively), name → contents (`None` for a directory).
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.unwrap().path();
            let name = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                out.insert(name, None);
                walk(base, &path, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.insert(name, Some(bytes));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn build(inputs: &[&Path], out: &Path, more: &[&str]) {
    kg().arg("build")
        .args(inputs)
        .args(["-q", "--threads", "1"])
        .args(more)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn export(format: &str, graph: &Path, out: &Path) {
    kg().args(["export", "--format", format, "--graph"])
        .arg(graph)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

#[test]
fn files_of_a_previous_build_that_the_new_one_does_not_write_are_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let small = write(&tmp.path().join("in/small.txt"), SMALL);
    let out = tmp.path().join("out");
    build(&[Path::new(ARTICLE)], &out, &["--evidence-file"]);
    assert!(out.join("evidence.jsonl").exists());
    // A picture left by an earlier build of a graph small enough to draw.
    std::fs::write(out.join("graph.svg"), "<svg>old picture</svg>").unwrap();
    build(&[&small], &out, &[]);
    assert!(!out.join("evidence.jsonl").exists(), "{:?}", names(&out));
    // Rewritten (Graphviz installed) or gone (not installed), never the old one.
    if let Ok(svg) = std::fs::read_to_string(out.join("graph.svg")) {
        assert!(!svg.contains("old picture"));
    }
    let fresh = tmp.path().join("fresh");
    build(&[&small], &fresh, &[]);
    assert_eq!(snapshot(&out), snapshot(&fresh));
    assert_eq!(names(tmp.path()), ["fresh", "in", "out"]);
}

#[test]
fn a_users_own_files_in_the_output_directory_stay() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write(&out.join("NOTES.md"), "my notes");
    write(&out.join("figures/deep/plot.txt"), "my plot");
    build(&[Path::new(ARTICLE)], &out, &[]);
    build(&[Path::new(ARTICLE)], &out, &[]);
    let s = snapshot(&out);
    assert_eq!(s["NOTES.md"].as_deref(), Some(&b"my notes"[..]));
    assert_eq!(s["figures/deep/plot.txt"].as_deref(), Some(&b"my plot"[..]));
    assert!(s.contains_key("graph.json"));
}

#[test]
fn a_failed_build_leaves_the_previous_output_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&[Path::new(ARTICLE)], &out, &[]);
    let before = snapshot(&out);
    let bad = write(&tmp.path().join("bad/b.txt"), "");
    kg().args(["build", "-q"])
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(3);
    assert_eq!(snapshot(&out), before);
    assert_eq!(names(tmp.path()), ["bad", "out"], "no staging left behind");
}

#[cfg(unix)]
#[test]
fn an_output_directory_reached_through_a_symlink_stays_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    build(&[Path::new(ARTICLE)], &link, &[]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(real.join("graph.json").exists());
}

#[test]
fn debris_of_killed_runs_is_removed_by_the_next_build_and_a_live_runs_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&[Path::new(ARTICLE)], &out, &[]);
    let stage = tmp
        .path()
        .join(format!(".kg-tmp-{DEAD_PID}-AbC123.stage.out"));
    write(&stage.join("graph.json"), "half a graph");
    write(
        &out.join(format!(".kg-tmp-{DEAD_PID}-AbC124.graph.json")),
        "half",
    );
    // Names of earlier kg versions (no pid), from a run an hour and more ago.
    let legacy = write(&out.join(".graph.json.Xy12Ab.tmp"), "half");
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&legacy)
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
    // A run that is still going (its pid is alive) keeps its staging directory.
    let mut live = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let live_stage = tmp
        .path()
        .join(format!(".kg-tmp-{}-AbC125.stage.out", live.id()));
    write(&live_stage.join("graph.json"), "in progress");
    build(&[Path::new(ARTICLE)], &out, &[]);
    live.kill().unwrap();
    live.wait().unwrap();
    assert_eq!(
        names(tmp.path()),
        [
            format!(".kg-tmp-{}-AbC125.stage.out", live.id()),
            "out".to_string()
        ]
    );
    assert!(
        names(&out).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        names(&out)
    );
}

#[test]
fn export_debris_is_removed_by_the_next_export() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&[Path::new(ARTICLE)], &out, &[]);
    let exports = tmp.path().join("exports");
    let old = write(&exports.join(".kg-export-Q1w2e3/nodes.csv"), "half");
    std::fs::File::open(old.parent().unwrap())
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(7200))
        .unwrap();
    write(
        &exports.join(format!(".kg-tmp-{DEAD_PID}-AbC123.g.graphml")),
        "half",
    );
    export(
        "graphml",
        &out.join("graph.json"),
        &exports.join("g.graphml"),
    );
    export("csv", &out.join("graph.json"), &exports.join("csv"));
    assert_eq!(names(&exports), ["csv", "g.graphml"]);
}

#[cfg(unix)]
#[test]
fn csv_and_kuzu_exports_get_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&[Path::new(ARTICLE)], &out, &[]);
    let plain = write(&tmp.path().join("plain"), "");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for format in ["csv", "kuzu"] {
        let dir = tmp.path().join(format);
        export(format, &out.join("graph.json"), &dir);
        for name in names(&dir) {
            assert_eq!(mode(&dir.join(&name)), mode(&plain), "{format}/{name}");
        }
    }
}

/// A corpus of `n` copies of the SCO article under different names: long enough to build
/// that a kill lands in the middle.
fn big_corpus(dir: &Path, n: usize) -> PathBuf {
    let text = std::fs::read_to_string(ARTICLE).unwrap();
    let root = dir.join("big");
    for i in 0..n {
        write(&root.join(format!("a{i:03}.txt")), &text);
    }
    root
}

#[cfg(unix)]
#[test]
fn a_build_killed_at_any_point_leaves_the_old_output_or_the_new_one_never_a_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let small = write(&tmp.path().join("in/small.txt"), SMALL);
    let big = big_corpus(tmp.path(), 40);
    let old_ref = tmp.path().join("old-ref");
    let new_ref = tmp.path().join("new-ref");
    build(&[&small], &old_ref, &["--evidence-file"]);
    build(&[&big], &new_ref, &[]);
    let (old, new) = (snapshot(&old_ref), snapshot(&new_ref));
    assert_ne!(old, new);
    let out = tmp.path().join("out");
    let mut outcomes = Vec::new();
    // Killed as soon as the staging directory appears, then later and later, until a run
    // finishes before the kill.
    for delay_ms in [0u64, 100, 400, 1600, 6400, 25600] {
        build(&[&small], &out, &["--evidence-file"]);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kg"))
            .arg("build")
            .arg(&big)
            .args(["-q", "--threads", "1", "--out"])
            .arg(&out)
            .spawn()
            .unwrap();
        let stage_prefix = format!(".kg-tmp-{}-", child.id());
        let started = Instant::now();
        let mut finished = false;
        loop {
            if names(tmp.path())
                .iter()
                .any(|n| n.starts_with(&stage_prefix) && n.ends_with(".stage.out"))
            {
                break;
            }
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "no staging dir"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        if !finished {
            std::thread::sleep(Duration::from_millis(delay_ms));
            let _ = child.kill(); // SIGKILL
        }
        let status = child.wait().unwrap();
        let now = snapshot(&out);
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            panic!(
                "after a kill at {delay_ms} ms ({status}): a mix of old and new: {:?}",
                now.keys().collect::<Vec<_>>()
            )
        };
        outcomes.push(which);
        if which == "new" {
            break;
        }
    }
    eprintln!("outcomes by kill delay: {outcomes:?}");
    assert_eq!(outcomes[0], "old", "{outcomes:?}");
    // The next build removes what the killed ones left.
    build(&[&small], &out, &["--evidence-file"]);
    assert_eq!(snapshot(&out), old);
    assert_eq!(
        names(tmp.path()),
        ["big", "in", "new-ref", "old-ref", "out"]
    );
}
