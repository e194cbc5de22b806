//! The one way `kg` writes output: files and directories that appear whole or not at all.
//!
//! Every output (build and merge directories, exports, `kg extract -o`, query `--save`) is
//! written under a temporary name beside its final path and renamed into place when
//! complete:
//!
//! * [`AtomicFile`] / [`write_file`]: one file, through a temporary file in its directory;
//! * [`StagedDir`] / [`write_dir`]: a directory of files, filled as a staging directory
//!   beside it and swapped into place in one step, so readers see the old set or the new
//!   set of files, never a mix.
//!
//! Files get the mode `File::create` would give (0666 less the umask), directories the
//! mode of `create_dir` (0777 less the umask), not the private 0600 of `tempfile`.
//!
//! Temporary names all start with [`TEMP_PREFIX`] followed by the writer's process id
//! (`.kg-tmp-4242-Xy12Ab.graph.json`). A run killed mid-way leaves them behind; the next
//! run that writes into the same directory removes those whose process is gone
//! ([`clean_debris`]), and never those of a run that is still going.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// How every temporary file and directory of `kg` starts.
pub const TEMP_PREFIX: &str = ".kg-tmp-";

/// A file or directory that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct WriteError {
    /// The output path.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: io::Error,
}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> Self {
        io::Error::new(e.source.kind(), e.to_string())
    }
}

fn error(path: &Path) -> impl Fn(io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// The directory `path` is in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn temp_builder<'a>(suffix: &'a str, prefix: &'a str) -> tempfile::Builder<'a, 'a> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(suffix).rand_bytes(6);
    b
}

fn our_prefix() -> String {
    format!("{TEMP_PREFIX}{}-", std::process::id())
}

/// A file being written under a temporary name in the directory of its final path; it
/// becomes visible, complete, with [`AtomicFile::commit`]. Dropped without a commit, the
/// temporary file is removed and the final path left as it was.
pub struct AtomicFile {
    out: BufWriter<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path` (its directory must exist). Removes the debris of killed runs
    /// in that directory first.
    pub fn create(path: &Path) -> Result<Self, WriteError> {
        let dir = parent_dir(path);
        clean_debris(dir);
        let name = path.file_name().map_or_else(
            || ".out".to_string(),
            |n| format!(".{}", n.to_string_lossy()),
        );
        let prefix = our_prefix();
        let mut builder = temp_builder(&name, &prefix);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = builder.tempfile_in(dir).map_err(error(path))?;
        Ok(AtomicFile {
            out: BufWriter::with_capacity(1 << 20, tmp),
            path: path.to_path_buf(),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and syncs the file, renames it to its final path and syncs the directory.
    ///
    /// The file is synced before the rename so that a crash (power loss, not only a kill)
    /// after the rename cannot leave an empty or short file under the final name, which
    /// delayed allocation on ext4 and XFS otherwise allows; the directory is synced after it
    /// so that the rename itself is on disk when `kg` reports success.
    pub fn commit(self) -> Result<PathBuf, WriteError> {
        let path = self.path;
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| error(&path)(e.into_error()))?;
        tmp.as_file().sync_all().map_err(error(&path))?;
        tmp.persist(&path).map_err(|e| error(&path)(e.error))?;
        sync_dir(parent_dir(&path)).map_err(error(&path))?;
        Ok(path)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes `bytes` to `path` atomically ([`AtomicFile`]).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    write_file_with(path, |out| out.write_all(bytes))
}

/// Lets `fill` write `path` through an [`AtomicFile`]; on any error `path` is left as it
/// was and no temporary file remains.
pub fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<PathBuf, WriteError> {
    let mut file = AtomicFile::create(path)?;
    fill(&mut file).map_err(error(path))?;
    file.commit()
}

/// Syncs a directory's entries (a rename in it) to disk. Windows cannot open a directory
/// for this, and its renames need no separate step.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Where a [`StagedDir`] is filled.
#[derive(Debug)]
enum Stage {
    /// Beside the target, swapped into place in one step.
    Beside,
    /// Inside the target, whose files are then renamed into place one by one: when the
    /// target is (or holds) the working directory, is a mount point, or its parent cannot
    /// be written.
    Inside,
}

/// A directory of output files, filled as a staging directory and put in place of its
/// target in one step by [`StagedDir::commit`]. Dropped without a commit, the staging
/// directory is removed and the target left as it was.
#[derive(Debug)]
pub struct StagedDir {
    staging: PathBuf,
    target: PathBuf,
    stage: Stage,
}

impl StagedDir {
    /// Makes a staging directory for `target` (created with its parents if missing; a
    /// symlink to a directory stands for the directory it points to). Removes the debris of
    /// killed runs beside and inside `target` first.
    pub fn create(target: &Path) -> Result<Self, WriteError> {
        let err = error(target);
        let target = match fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => fs::canonicalize(target).map_err(&err)?,
            _ => target.to_path_buf(),
        };
        let parent = parent_dir(&target).to_path_buf();
        fs::create_dir_all(&parent).map_err(&err)?;
        clean_debris(&parent);
        let exists = target.is_dir();
        if exists {
            clean_debris(&target);
        } else if target.exists() {
            return Err(err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "exists and is not a directory",
            )));
        }
        let name = format!(
            ".stage.{}",
            target
                .file_name()
                .map_or_else(|| "out".into(), |n| n.to_string_lossy())
        );
        let prefix = our_prefix();
        let mut builder = temp_builder(&name, &prefix);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
        let beside = if exists && must_stay_in_place(&target, &parent) {
            None
        } else {
            match builder.tempdir_in(&parent) {
                Ok(d) => Some(d),
                Err(e) if exists && e.kind() == io::ErrorKind::PermissionDenied => None,
                Err(e) => return Err(err(e)),
            }
        };
        let (staging, stage) = match beside {
            Some(d) => (d.keep(), Stage::Beside),
            None => (
                builder.tempdir_in(&target).map_err(&err)?.keep(),
                Stage::Inside,
            ),
        };
        if exists {
            // The new directory keeps the old one's permissions (a shared output dir stays
            // shared).
            if let Ok(m) = fs::metadata(&target) {
                let _ = fs::set_permissions(&staging, m.permissions());
            }
        }
        Ok(StagedDir {
            staging,
            target,
            stage,
        })
    }

    /// The directory to write the files into.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// The directory the files will be in after [`StagedDir::commit`].
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts the staged files in place of the target's. `keep` names the entries of the old
    /// target that are not ours to replace or remove (a user's own files): they are carried
    /// over into the new directory (hard-linked, so no data moves and a kill at any point
    /// loses nothing). Every other entry of the old target that the new set does not hold is
    /// gone afterwards.
    ///
    /// Temporary entries (of this or another run) are never carried over nor removed here:
    /// [`clean_debris`] decides about those.
    pub fn commit(self, keep: &dyn Fn(&OsStr) -> bool) -> Result<(), WriteError> {
        let err = error(&self.target);
        let keep = |name: &OsStr| keep(name) && !is_temporary(name);
        let replace = |name: &OsStr| !keep(name) && !is_temporary(name);
        match self.stage {
            Stage::Beside => {
                if self.target.is_dir() {
                    for entry in fs::read_dir(&self.target).map_err(&err)? {
                        let entry = entry.map_err(&err)?;
                        let name = entry.file_name();
                        if keep(name.as_os_str()) && !self.staging.join(&name).exists() {
                            link_tree(&entry.path(), &self.staging.join(&name)).map_err(&err)?;
                        }
                    }
                }
                sync_dir(&self.staging).map_err(&err)?;
                swap_into_place(&self.staging, &self.target).map_err(&err)
            }
            Stage::Inside => {
                let mut staged = Vec::new();
                for entry in fs::read_dir(&self.staging).map_err(&err)? {
                    staged.push(entry.map_err(&err)?.file_name());
                }
                staged.sort();
                for name in &staged {
                    fs::rename(self.staging.join(name), self.target.join(name)).map_err(&err)?;
                }
                let own = self.staging.file_name().map(OsStr::to_os_string);
                for entry in fs::read_dir(&self.target).map_err(&err)? {
                    let entry = entry.map_err(&err)?;
                    let name = entry.file_name();
                    if replace(name.as_os_str())
                        && !staged.contains(&name)
                        && Some(&name) != own.as_ref()
                    {
                        remove_any(&entry.path()).map_err(&err)?;
                    }
                }
                fs::remove_dir(&self.staging).map_err(&err)?;
                sync_dir(&self.target).map_err(&err)
            }
        }
    }
}

impl Drop for StagedDir {
    /// After a failure, or after a commit that left the old directory under the staging
    /// name (an exchange), the staging path goes.
    fn drop(&mut self) {
        if self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Whether an entry is a temporary one of `kg` (this version's or an older one's).
fn is_temporary(name: &OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(TEMP_PREFIX) || is_legacy_debris(n))
}

/// Whether `target` cannot be renamed: it is the working directory or holds it (renaming it
/// would move the user's shell), or it is a mount point (a rename cannot cross devices).
fn must_stay_in_place(target: &Path, parent: &Path) -> bool {
    let holds_cwd = match (fs::canonicalize(target), std::env::current_dir()) {
        (Ok(t), Ok(cwd)) => cwd.starts_with(t),
        _ => false,
    };
    holds_cwd || !same_device(target, parent)
}

#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => true,
    }
}

#[cfg(not(unix))]
fn same_device(_: &Path, _: &Path) -> bool {
    true
}

/// Puts the directory `staging` at `target`, and removes what was there.
///
/// On Linux the two are exchanged by one `renameat2(RENAME_EXCHANGE)`, so at every instant
/// `target` is the old directory or the new one. Where that is not available the old
/// directory is first renamed aside (to a name that says where it belongs, so that if `kg`
/// is killed between the two renames the next run puts it back: see [`clean_debris`]).
fn swap_into_place(staging: &Path, target: &Path) -> io::Result<()> {
    let parent = parent_dir(target);
    if !target.exists() {
        fs::rename(staging, target)?;
        return sync_dir(parent);
    }
    if exchange(staging, target)? {
        // `staging` now names the old directory.
        sync_dir(parent)?;
        return fs::remove_dir_all(staging);
    }
    let name = target.file_name().unwrap_or(OsStr::new("out"));
    let old_name = format!(".old.{}", name.to_string_lossy());
    let prefix = our_prefix();
    let old = temp_builder(&old_name, &prefix).tempdir_in(parent)?.keep();
    fs::remove_dir(&old)?;
    fs::rename(target, &old)?;
    fs::rename(staging, target)?;
    sync_dir(parent)?;
    fs::remove_dir_all(&old)
}

/// Exchanges two paths atomically; `Ok(false)` when the system or file system cannot.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Recreates `from` at `to` with hard links to its files (a copy where a link is refused),
/// its symlinks as symlinks and its directories as new directories.
fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        let dest = fs::read_link(from)?;
        #[cfg(unix)]
        return std::os::unix::fs::symlink(dest, to);
        #[cfg(not(unix))]
        {
            let _ = dest;
            return fs::copy(from, to).map(|_| ());
        }
    }
    if meta.is_dir() {
        fs::create_dir(to)?;
        fs::set_permissions(to, meta.permissions())?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        return Ok(());
    }
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to)?;
    }
    Ok(())
}

fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Temporary names of earlier `kg` versions, which carried no process id: a killed run's
/// `.kg-export-*` and `.kg-old-*` (exports) and `.graph.json.AbC123.tmp` (builds, `kg
/// extract -o`: the output's name, six random letters or digits, `.tmp`).
fn is_legacy_debris(name: &str) -> bool {
    if name.starts_with(".kg-export-") || name.starts_with(".kg-old-") {
        return true;
    }
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let Some((output, random)) = rest.rsplit_once('.') else {
        return false;
    };
    const OUTPUT_EXTENSIONS: [&str; 5] = [".json", ".jsonl", ".dot", ".svg", ".html"];
    random.len() == 6
        && random.bytes().all(|b| b.is_ascii_alphanumeric())
        && OUTPUT_EXTENSIONS.iter().any(|e| output.ends_with(e))
}

/// How old a temporary entry without a process id must be before it counts as debris: no
/// run writes for that long between creating and renaming one of its files.
const LEGACY_DEBRIS_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// The process id in one of our temporary names, and what follows the random part.
fn parse_temp_name(name: &str) -> Option<(u32, &str)> {
    let rest = name.strip_prefix(TEMP_PREFIX)?;
    let (pid, rest) = rest.split_once('-')?;
    let pid = pid.parse().ok()?;
    Some((pid, rest.get(6..).unwrap_or("")))
}

/// Whether process `pid` is running (an unknown answer counts as yes, so that nothing of a
/// live run is ever removed).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only checks that the process exists and may be signalled.
        if unsafe { libc::kill(pid, 0) } == 0 {
            return true;
        }
        io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    true
}

/// Removes from `dir` the temporary files and directories of `kg` runs that were killed
/// (their process is gone; for names of older versions, untouched for an hour), and
/// returns how many. A directory of a killed swap that had moved the old output aside puts
/// it back when the output is missing. Errors are ignored: cleaning is a courtesy, and a
/// directory that cannot be listed fails the write that follows anyway.
pub fn clean_debris(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let path = entry.path();
        let debris = match parse_temp_name(name) {
            Some((pid, rest)) => {
                if alive(pid) {
                    false
                } else {
                    if let Some(target) = rest.strip_prefix(".old.") {
                        let target = dir.join(target);
                        if !target.exists() && fs::rename(&path, &target).is_ok() {
                            continue;
                        }
                    }
                    true
                }
            }
            None => {
                is_legacy_debris(name)
                    && entry
                        .metadata()
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > LEGACY_DEBRIS_AGE)
            }
        };
        if debris && remove_any(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Fills a [`StagedDir`] for `path` with `fill` and puts it in place of `path` whole: the
/// directory `path` afterwards holds exactly what `fill` wrote.
pub fn write_dir<E: From<WriteError>>(
    path: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), E> {
    let staged = StagedDir::create(path)?;
    fill(staged.path())?;
    staged.commit(&|_| false)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn atomic_file_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.dot");
        write_file(&path, b"one").unwrap();
        write_file(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(names(dir.path()), ["g.dot"]);
    }

    #[test]
    fn a_failing_fill_leaves_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        write_file(&path, b"old").unwrap();
        let e = write_file_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("g.json") && e.to_string().contains("disk full"));
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["g.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_get_ordinary_permissions_not_tempfiles_private_ones() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        fs::File::create(&plain).unwrap();
        let ours = dir.path().join("ours");
        write_file(&ours, b"x").unwrap();
        assert_eq!(mode(&ours), mode(&plain));
        let plain_dir = dir.path().join("plain_dir");
        fs::create_dir(&plain_dir).unwrap();
        let our_dir = dir.path().join("our_dir");
        write_dir(&our_dir, |d| write_file(&d.join("f"), b"y").map(|_| ())).unwrap();
        assert_eq!(mode(&our_dir), mode(&plain_dir));
        assert_eq!(mode(&our_dir.join("f")), mode(&plain));
    }

    #[test]
    fn atomic_dir_write_replaces_whole_directory_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("csv");
        write_dir(&out, |d| write_file(&d.join("old.csv"), b"x").map(|_| ())).unwrap();
        write_dir(&out, |d| write_file(&d.join("new.csv"), b"y").map(|_| ())).unwrap();
        assert_eq!(names(&out), ["new.csv"]);
        // A failing fill leaves the previous directory untouched and no temp dirs behind.
        let e = write_dir(&out, |d| {
            write_file(&d.join("half.csv"), b"z")?;
            Err(WriteError {
                path: d.to_path_buf(),
                source: io::Error::other("no"),
            })
        });
        assert!(e.is_err());
        assert_eq!(names(&out), ["new.csv"]);
        assert_eq!(names(dir.path()), ["csv"]);
    }

    #[test]
    fn a_commit_keeps_the_entries_it_is_told_to_and_drops_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("notes/deep")).unwrap();
        fs::write(out.join("notes/deep/a.txt"), "mine").unwrap();
        fs::write(out.join("README"), "mine too").unwrap();
        fs::write(out.join("stale.svg"), "old picture").unwrap();
        fs::write(out.join("graph.json"), "old").unwrap();
        let staged = StagedDir::create(&out).unwrap();
        write_file(&staged.path().join("graph.json"), b"new").unwrap();
        staged
            .commit(&|n| n != "stale.svg" && n != "graph.json")
            .unwrap();
        assert_eq!(names(&out), ["README", "graph.json", "notes"]);
        assert_eq!(fs::read_to_string(out.join("graph.json")).unwrap(), "new");
        assert_eq!(
            fs::read_to_string(out.join("notes/deep/a.txt")).unwrap(),
            "mine"
        );
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn the_working_directory_is_written_in_place() {
        // `must_stay_in_place` is what decides; the current directory of a test process is
        // shared with other tests, so it is checked without changing it.
        let cwd = std::env::current_dir().unwrap();
        assert!(must_stay_in_place(&cwd, parent_dir(&cwd)));
        let dir = tempfile::tempdir().unwrap();
        assert!(!must_stay_in_place(dir.path(), parent_dir(dir.path())));
    }

    #[test]
    fn an_in_place_commit_renames_files_and_removes_what_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("mine.txt"), "x").unwrap();
        fs::write(out.join("graph.svg"), "old").unwrap();
        let staging = tempfile::Builder::new()
            .prefix(&our_prefix())
            .tempdir_in(&out)
            .unwrap()
            .keep();
        fs::write(staging.join("graph.json"), "new").unwrap();
        let staged = StagedDir {
            staging,
            target: out.clone(),
            stage: Stage::Inside,
        };
        staged.commit(&|n| n == "mine.txt").unwrap();
        assert_eq!(names(&out), ["graph.json", "mine.txt"]);
    }

    #[test]
    fn debris_of_dead_processes_is_removed_and_a_live_runs_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // A pid above the kernel's maximum (4194304) is never alive.
        let dead = 4_194_999u32;
        let me = std::process::id();
        fs::write(
            d.join(format!("{TEMP_PREFIX}{dead}-AbC123.graph.json")),
            "x",
        )
        .unwrap();
        fs::create_dir(d.join(format!("{TEMP_PREFIX}{dead}-AbC124.stage.out"))).unwrap();
        fs::write(d.join(format!("{TEMP_PREFIX}{me}-AbC125.graph.json")), "x").unwrap();
        fs::write(d.join(".graph.json.Xy12Ab.tmp"), "fresh legacy").unwrap();
        let old = fs::File::create(d.join(".graph.dot.Xy12Ac.tmp")).unwrap();
        old.set_modified(std::time::SystemTime::now() - 2 * LEGACY_DEBRIS_AGE)
            .unwrap();
        fs::create_dir(d.join(".kg-export-Q1w2e3")).unwrap();
        let f = fs::File::open(d.join(".kg-export-Q1w2e3")).unwrap();
        f.set_modified(std::time::SystemTime::now() - 2 * LEGACY_DEBRIS_AGE)
            .unwrap();
        fs::write(d.join(".kg-tmp-notes"), "not ours: no pid").unwrap();
        fs::write(d.join("graph.json"), "output").unwrap();
        assert_eq!(clean_debris(d), 4);
        let mut left = vec![
            ".graph.json.Xy12Ab.tmp".to_string(),
            ".kg-tmp-notes".to_string(),
            format!("{TEMP_PREFIX}{me}-AbC125.graph.json"),
            "graph.json".to_string(),
        ];
        left.sort();
        assert_eq!(names(d), left);
    }

    #[test]
    fn an_old_directory_moved_aside_by_a_killed_swap_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let aside = d.join(format!("{TEMP_PREFIX}4194999-AbC123.old.out"));
        fs::create_dir(&aside).unwrap();
        fs::write(aside.join("graph.json"), "previous").unwrap();
        let stage = d.join(format!("{TEMP_PREFIX}4194999-AbC124.stage.out"));
        fs::create_dir(&stage).unwrap();
        fs::write(stage.join("graph.json"), "unfinished").unwrap();
        clean_debris(d);
        assert_eq!(names(d), ["out"]);
        assert_eq!(
            fs::read_to_string(d.join("out/graph.json")).unwrap(),
            "previous"
        );
    }

    #[test]
    fn legacy_names_are_recognised_narrowly() {
        assert!(is_legacy_debris(".graph.json.a1B2c3.tmp"));
        assert!(is_legacy_debris(".kg-export-x"));
        assert!(!is_legacy_debris(".graph.json.a1B2c.tmp"));
        assert!(is_legacy_debris(".claims-o.jsonl.a1B2c3.tmp"));
        assert!(!is_legacy_debris(".notes.a1B2c3.tmp"));
        assert!(!is_legacy_debris("graph.json"));
    }
}
