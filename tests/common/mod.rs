//! Outside consumers for integration tests: a Python venv, npm packages, Chromium, and the
//! skip-or-fail rule.
//!
//! A consumer check sets its tool up without root where it can: a venv under
//! `target/consumers/venv` (`pip install` into it), npm packages under
//! `target/consumers/npm`. Both live outside the test's temp dirs so later runs reuse them,
//! and both are guarded by a file lock so parallel tests (and test binaries) never install
//! into the same place at once. What needs root (Chromium, from Debian) comes from
//! `.ci/install.d/`. When a tool is still unavailable the check calls [`skip`], which prints a
//! loud `SKIPPED` line — or fails the test when `KG_REQUIRE_CONSUMERS=1` (as in CI).
#![allow(dead_code)] // each test binary uses a different part of this module

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether a skipped consumer check must fail (env `KG_REQUIRE_CONSUMERS=1`).
pub fn consumers_required() -> bool {
    std::env::var("KG_REQUIRE_CONSUMERS").is_ok_and(|v| v == "1")
}

/// Reports a consumer check that cannot run: a loud line on stderr, or a panic when
/// consumers are required.
pub fn skip(check: &str, why: &str) {
    if consumers_required() {
        panic!("consumer check '{check}' cannot run (KG_REQUIRE_CONSUMERS=1): {why}");
    }
    // Straight to the stderr handle: libtest captures `eprintln!` of passing tests, and a
    // skip must be seen.
    let line = format!("\n!!!!!!!! SKIPPED consumer check '{check}': {why} !!!!!!!!\n\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
}

/// Where reusable consumer installs live: `target/consumers`.
pub fn consumers_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("consumers");
    std::fs::create_dir_all(&dir).expect("create target/consumers");
    dir
}

/// Holds an exclusive lock on `target/consumers/<name>.lock` while alive.
fn lock(name: &str) -> File {
    let file = File::create(consumers_dir().join(format!("{name}.lock"))).expect("lock file");
    file.lock().expect("lock");
    file
}

fn run(cmd: &mut Command) -> Result<Output, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{:?} failed ({}):\n{}{}",
            cmd,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The venv's Python with `packages` installed, each given as (pip requirement, module to
/// import); `Err` says why not.
pub fn python_with(packages: &[(&str, &str)]) -> Result<PathBuf, String> {
    let _guard = lock("venv");
    let venv = consumers_dir().join("venv");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        let base = ["python3", "python"]
            .into_iter()
            .find(|p| which(p).is_some())
            .ok_or("no python3 on PATH")?;
        run(Command::new(base).arg("-m").arg("venv").arg(&venv))?;
    }
    let imports: Vec<&str> = packages.iter().map(|(_, module)| *module).collect();
    let probe = format!("import {}", imports.join(", "));
    if run(Command::new(&python).arg("-c").arg(&probe)).is_err() {
        let mut pip = Command::new(&python);
        pip.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]);
        pip.args(packages.iter().map(|(req, _)| *req));
        run(&mut pip)?;
        run(Command::new(&python).arg("-c").arg(&probe))?;
    }
    Ok(python)
}

/// [`python_with`], or [`skip`] (named `check`) and `None` when the venv can't be set up.
pub fn python_or_skip(check: &str, packages: &[(&str, &str)]) -> Option<PathBuf> {
    python_with(packages).map_err(|why| skip(check, &why)).ok()
}

/// Runs a Python script with arguments and returns its stdout; panics with its stderr on
/// failure (a consumer that rejects our file is a test failure, not a skip).
pub fn run_python(python: &Path, script: &str, args: &[&Path]) -> String {
    let out = run(Command::new(python).arg("-c").arg(script).args(args))
        .unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The `node_modules` directory with `package` installed by npm; `Err` says why not.
pub fn npm_package(package: &str) -> Result<PathBuf, String> {
    let _guard = lock("npm");
    let dir = consumers_dir().join("npm");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let modules = dir.join("node_modules");
    if !modules.join(package).join("package.json").exists() {
        which("npm").ok_or("no npm on PATH")?;
        run(Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(package))?;
    }
    Ok(modules)
}

/// A headless Chromium binary (Debian `chromium`), if installed.
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(which)
}

/// Loads `page` in headless Chromium and returns the serialised DOM after its scripts ran.
pub fn chromium_dump_dom(chromium: &Path, page: &Path) -> Result<String, String> {
    let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = run(Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display())))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The full path of a program on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}
