//! The one place that writes the output folder.
//!
//! A build renders everything in memory, then [`write_site`] writes it into a fresh temporary
//! folder beside `--out` and swaps it in with renames only when every file was written. A build
//! that fails at any point leaves the previous output whole.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::t;

/// A file of the output: its path relative to the output folder (with `/`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A file copied from the site (theme static files, content assets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedFile {
    pub path: String,
    pub from: PathBuf,
}

/// Everything a build produces.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub files: Vec<OutputFile>,
    pub copies: Vec<CopiedFile>,
}

/// Refuses output folders that would destroy the site or the system.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root_abs = resolved(root);
    let out_abs = resolved(out);
    let dangerous = out_abs.parent().is_none()
        || out_abs == root_abs
        || root_abs.starts_with(&out_abs)
        || out_abs.starts_with(root_abs.join("content"))
        || out_abs.starts_with(root_abs.join("themes"));
    if dangerous {
        return Err(Diagnostic::new(
            out,
            Code::OutputInsideSources,
            t!(
                "refusing to write the site here: this folder holds the site's sources",
                "拒绝把网站写到这里：这个文件夹存放着站点的源文件"
            ),
        )
        .hint(t!("choose a separate output folder such as --out public", "另选一个输出文件夹，例如 --out public")));
    }
    if out.exists() && !out.is_dir() {
        return Err(Diagnostic::new(
            out,
            Code::OutputIsFile,
            t!("the output path exists and is not a folder", "输出路径已存在，而且不是文件夹"),
        )
        .hint(t!("remove or rename that file, or choose another --out", "删除或重命名那个文件，或另选 --out")));
    }
    Ok(())
}

/// `p` made absolute with symlinks resolved as far as it exists, and the part that does not
/// exist yet appended with `.` and `..` applied, so every spelling of a folder (relative,
/// through a symlink, not created yet) compares equal.
fn resolved(p: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let parts: Vec<Component> = abs.components().collect();
    for existing in (1..=parts.len()).rev() {
        if let Ok(mut real) = fs::canonicalize(parts[..existing].iter().collect::<PathBuf>()) {
            for part in &parts[existing..] {
                match part {
                    Component::ParentDir => {
                        real.pop();
                    }
                    Component::Normal(name) => real.push(name),
                    _ => {}
                }
            }
            return real;
        }
    }
    abs
}

/// Writes `output` to `out` atomically: all or nothing.
pub fn write_site(out: &Path, output: &Output) -> Result<(), Diagnostic> {
    let staging = Staging::begin(out)?;
    output.files.par_iter().try_for_each(|f| staging.write(&f.path, &f.bytes))?;
    staging.copy_all(&output.copies)?;
    staging.commit()
}

/// A new output folder being written: files go into `.<out>.tmp-<pid>` beside `out` as they are
/// produced (from any thread), and [`Staging::commit`] swaps the folder in with two renames. If
/// the staging is dropped without a commit (a build error, a panic), `out` was never touched.
///
/// The output before last is kept beside `out` as `.<out>.liaison-spare` and recycled as the
/// next staging folder: a file whose bytes are already there is left alone, others are
/// (over)written, and files the build did not produce are removed before the swap. On a site of
/// thousands of pages this replaces creating and deleting every file and folder of the site on
/// each build (seconds to minutes of disk time on ext4) with reading files back.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    spare: PathBuf,
    /// `Some` when `tmp` is a recycled output: the paths this build produced.
    reused: Option<Mutex<HashSet<String>>>,
    /// The entries the recycled folder held, listed while the build renders.
    listing: Option<std::thread::JoinHandle<Vec<(String, bool)>>>,
    committed: bool,
}

fn io_error(what: crate::i18n::Text, p: &Path, e: io::Error) -> Diagnostic {
    let (en, zh) = (&what.en, &what.zh);
    Diagnostic::new(p, Code::OutputWriteFailed, t!("{en}: {e}", "{zh}：{e}")).hint(t!(
        "check that the output folder's parent exists and is writable",
        "检查输出文件夹的上级文件夹是否存在、是否可写"
    ))
}

impl Staging {
    /// Takes the spare folder beside `out` as the staging folder, or creates an empty one
    /// (replacing a stale one from a crashed build).
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.tmp-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        let spare = spare_dir(out);
        fs::create_dir_all(&parent).map_err(|e| {
            io_error(t!("cannot create the output folder's parent", "无法创建输出文件夹的上级文件夹"), &parent, e)
        })?;
        if tmp.exists() {
            let _ = fs::remove_dir_all(&tmp);
        }
        // A rename is atomic: of two builds running at once, one gets the spare.
        let (reused, listing) = if spare.is_dir() && fs::rename(&spare, &tmp).is_ok() {
            let root = tmp.clone();
            (Some(Mutex::new(HashSet::new())), Some(std::thread::spawn(move || list_tree(&root))))
        } else {
            fs::create_dir(&tmp).map_err(|e| io_error(t!("cannot write the output", "无法写入输出"), &tmp, e))?;
            (None, None)
        };
        Ok(Staging { out: out.to_path_buf(), tmp, old, spare, reused, listing, committed: false })
    }

    /// Records `path` as produced; true when the staging folder already holds `same` there.
    fn already_there(&self, path: &str, target: &Path, same: impl FnOnce() -> bool) -> bool {
        let Some(produced) = &self.reused else { return false };
        produced.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string());
        match fs::symlink_metadata(target) {
            Ok(m) if m.is_file() => same(),
            Ok(_) => {
                // Never write through a link or into a folder.
                clear_way(&self.tmp, target);
                false
            }
            Err(_) => false,
        }
    }

    /// Writes `target` with `write`; in a recycled folder, clears a file or folder of an older
    /// output that stands in the way first.
    fn put(&self, target: &Path, write: impl Fn(&Path) -> io::Result<()>) -> io::Result<()> {
        match with_parent(target, &write) {
            Err(_) if self.reused.is_some() => {
                clear_way(&self.tmp, target);
                with_parent(target, &write)
            }
            r => r,
        }
    }

    /// Writes one file (`path` relative, with `/`). Safe to call from several threads; folders
    /// are created on first use.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let p = self.tmp.join(path);
        let same =
            || fs::metadata(&p).is_ok_and(|m| m.len() == bytes.len() as u64) && fs::read(&p).is_ok_and(|b| b == bytes);
        if self.already_there(path, &p, same) {
            return Ok(());
        }
        self.put(&p, |p| fs::write(p, bytes))
            .map_err(|e| io_error(t!("cannot write the output", "无法写入输出"), &p, e))
    }

    /// Copies files from the site (theme static files, content assets).
    pub fn copy_all(&self, copies: &[CopiedFile]) -> Result<(), Diagnostic> {
        copies.par_iter().try_for_each(|c| {
            let p = self.tmp.join(&c.path);
            if self.already_there(&c.path, &p, || same_file_contents(&c.from, &p)) {
                return Ok(());
            }
            self.put(&p, |p| fs::copy(&c.from, p).map(|_| ()))
                .map_err(|e| io_error(t!("cannot write the output", "无法写入输出"), &c.from, e))
        })
    }

    /// Removes what an older output left in a recycled folder, moves the previous output aside,
    /// the new one into place, and keeps the previous one as the next build's spare.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        if let (Some(produced), Some(listing)) = (self.reused.take(), self.listing.take()) {
            let produced = produced.into_inner().unwrap_or_else(|e| e.into_inner());
            let listed = listing.join().unwrap_or_default();
            remove_leftovers(&self.tmp, &listed, &produced)
                .map_err(|(p, e)| io_error(t!("cannot write the output", "无法写入输出"), &p, e))?;
        }
        let (out, tmp, old) = (&self.out, &self.tmp, &self.old);
        let had_output = out.exists();
        if had_output && let Err(e) = fs::rename(out, old) {
            return Err(io_error(t!("cannot move the previous output aside", "无法挪开上一次的输出"), out, e));
        }
        if let Err(e) = fs::rename(tmp, out) {
            let _ = fs::rename(old, out);
            return Err(io_error(t!("cannot move the new output into place", "无法把新的输出放到位"), out, e));
        }
        self.committed = true;
        if had_output && (self.spare.exists() || fs::rename(old, &self.spare).is_err()) {
            let _ = fs::remove_dir_all(old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // A recycled folder goes back to being the spare (its files are checked on every use);
        // a new one is removed.
        if self.reused.is_none() || self.spare.exists() || fs::rename(&self.tmp, &self.spare).is_err() {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Where the output before last is kept for the next build: `.<name>.liaison-spare` beside it.
pub fn spare_dir(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.liaison-spare"))
}

/// Makes room for a file at `target` inside `root`: removes a folder at `target` and files where
/// its parent folders should be.
fn clear_way(root: &Path, target: &Path) {
    match fs::symlink_metadata(target) {
        Ok(m) if m.is_dir() => {
            let _ = fs::remove_dir_all(target);
        }
        Ok(m) if m.file_type().is_symlink() => {
            let _ = fs::remove_file(target);
        }
        _ => {}
    }
    for dir in target.ancestors().skip(1).take_while(|d| *d != root) {
        if fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
            let _ = fs::remove_file(dir);
        }
    }
}

/// Every entry under `root` (relative path with `/`, is a folder), contents before their folder.
/// Entries that vanish while it walks are skipped.
fn list_tree(root: &Path) -> Vec<(String, bool)> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .contents_first(true)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
            (rel, e.file_type().is_dir())
        })
        .collect()
}

/// Removes the `listed` files under `root` that are not in `produced` (paths relative, with
/// `/`), and the listed folders that leaves empty.
fn remove_leftovers(
    root: &Path,
    listed: &[(String, bool)],
    produced: &HashSet<String>,
) -> Result<(), (PathBuf, io::Error)> {
    let needed: HashSet<&str> = produced.iter().flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i])).collect();
    for (rel, is_dir) in listed {
        let p = root.join(rel);
        if *is_dir {
            if !needed.contains(rel.as_str()) {
                // Fails, as it should, when the folder still holds files.
                let _ = fs::remove_dir(&p);
            }
        } else if !produced.contains(rel) {
            // An error counts only if the file is still there: while the listing ran, the build
            // may have replaced it (or its folder) with what it needed.
            if let Err(e) = fs::remove_file(&p)
                && fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir())
            {
                return Err((p, e));
            }
        }
    }
    Ok(())
}

/// Runs `write(path)`, creating `path`'s folder first when it does not exist yet. (Trying first
/// costs one failed open per new folder instead of a `stat` per file.)
fn with_parent(path: &Path, write: impl Fn(&Path) -> io::Result<()>) -> io::Result<()> {
    match write(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            write(path)
        }
        r => r,
    }
}

/// Brings an existing output folder from `old` to `new` by writing only the files whose bytes
/// changed (each through a temporary file and a rename, so no reader sees half a file) and
/// removing the files `new` no longer has. The watch loop uses it after a first full
/// [`write_site`]; the folder then holds exactly what a clean build of the same sources writes.
pub fn sync_site(out: &Path, old: &Output, new: &Output) -> Result<SyncStats, Diagnostic> {
    use std::collections::{BTreeMap, BTreeSet};
    let fail = |p: &Path, e: io::Error| {
        Diagnostic::new(p, Code::OutputWriteFailed, t!("cannot update the output: {e}", "无法更新输出：{e}"))
            .hint(t!("check that the output folder is writable", "检查输出文件夹是否可写"))
    };
    let old_files: BTreeMap<&str, &[u8]> = old.files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
    let old_copies: BTreeMap<&str, &Path> = old.copies.iter().map(|c| (c.path.as_str(), c.from.as_path())).collect();
    let mut stats = SyncStats::default();
    for f in &new.files {
        if old_files.get(f.path.as_str()) == Some(&f.bytes.as_slice()) {
            continue;
        }
        let p = out.join(&f.path);
        replace_file(&p, |tmp| fs::write(tmp, &f.bytes)).map_err(|e| fail(&p, e))?;
        stats.written.push(f.path.clone());
    }
    for c in &new.copies {
        let p = out.join(&c.path);
        let same_source = old_copies.get(c.path.as_str()) == Some(&c.from.as_path());
        if same_source && same_file_contents(&c.from, &p) {
            continue;
        }
        replace_file(&p, |tmp| fs::copy(&c.from, tmp).map(|_| ())).map_err(|e| fail(&p, e))?;
        stats.written.push(c.path.clone());
    }
    let keep: BTreeSet<&str> =
        new.files.iter().map(|f| f.path.as_str()).chain(new.copies.iter().map(|c| c.path.as_str())).collect();
    let gone: BTreeSet<&str> = old
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain(old.copies.iter().map(|c| c.path.as_str()))
        .filter(|p| !keep.contains(p))
        .collect();
    for path in gone {
        let p = out.join(path);
        match fs::remove_file(&p) {
            Ok(()) => stats.removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(&p, e)),
        }
        // Remove folders the deletion emptied, up to the output folder itself.
        let mut dir = p.parent();
        while let Some(d) = dir {
            if d == out || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(stats)
}

/// What [`sync_site`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStats {
    /// Output paths written.
    pub written: Vec<String>,
    pub removed: usize,
}

/// Whether the copy at `to` has the same length and bytes as `from`.
fn same_file_contents(from: &Path, to: &Path) -> bool {
    match (fs::metadata(from), fs::metadata(to)) {
        (Ok(a), Ok(b)) if a.len() == b.len() => fs::read(from).ok() == fs::read(to).ok(),
        _ => false,
    }
}

/// Writes `path` by writing a temporary file beside it and renaming it over the old one.
fn replace_file(path: &Path, write: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.liaison-tmp"));
    write(&tmp)?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_site_root_and_content() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content")).unwrap();
        assert!(check_out_dir(dir.path(), dir.path()).is_err());
        assert!(check_out_dir(dir.path(), &dir.path().join("content")).is_err());
        assert!(check_out_dir(dir.path(), Path::new("/")).is_err());
        assert!(check_out_dir(dir.path(), &dir.path().join("public")).is_ok());
    }

    #[test]
    fn sync_writes_only_changes_and_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let file = |p: &str, b: &str| OutputFile { path: p.into(), bytes: b.as_bytes().to_vec() };
        let old = Output { files: vec![file("a/index.html", "a"), file("b/c/index.html", "b")], copies: vec![] };
        write_site(&out, &old).unwrap();
        let new = Output { files: vec![file("a/index.html", "a"), file("d/index.html", "d")], copies: vec![] };
        let stats = sync_site(&out, &old, &new).unwrap();
        assert_eq!(stats, SyncStats { written: vec!["d/index.html".into()], removed: 1 });
        assert!(!out.join("b").exists(), "emptied folders are removed");
        assert_eq!(fs::read_to_string(out.join("d/index.html")).unwrap(), "d");
    }

    #[test]
    fn an_abandoned_staging_leaves_the_output_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut o = Output::default();
        o.files.push(OutputFile { path: "a/index.html".into(), bytes: b"one".to_vec() });
        write_site(&out, &o).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.write("a/index.html", b"two").unwrap();
        staging.write("b/c/index.html", b"new").unwrap();
        drop(staging); // a render error: no commit
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
        assert!(!out.join("b").exists());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn swaps_in_a_complete_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut o = Output::default();
        o.files.push(OutputFile { path: "a/index.html".into(), bytes: b"one".to_vec() });
        write_site(&out, &o).unwrap();
        o.files[0].bytes = b"two".to_vec();
        write_site(&out, &o).unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"two");
        let mut names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, [".public.liaison-spare", "public"], "the previous output is kept as the spare");
        assert_eq!(fs::read(spare_dir(&out).join("a/index.html")).unwrap(), b"one");
    }

    fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| !e.file_type().is_dir())
            .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_recycled_spare_ends_up_exactly_the_new_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let file = |p: &str, b: &str| OutputFile { path: p.into(), bytes: b.as_bytes().to_vec() };
        let a = Output {
            files: vec![
                file("same.html", "s"),
                file("gone/index.html", "g"),
                file("x", "file"),
                file("d/index.html", "d"),
            ],
            copies: vec![],
        };
        write_site(&out, &a).unwrap();
        write_site(&out, &Output::default()).unwrap();
        // The spare now holds `a`; a file becomes a folder, a folder a file, a link stands in the way.
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), spare_dir(&out).join("link.html")).unwrap();
        let c = Output {
            files: vec![
                file("same.html", "s"),
                file("x/index.html", "now a folder"),
                file("d", "now a file"),
                file("link.html", "l"),
            ],
            copies: vec![],
        };
        write_site(&out, &c).unwrap();
        let expected: Vec<(String, Vec<u8>)> =
            [("d", "now a file"), ("link.html", "l"), ("same.html", "s"), ("x/index.html", "now a folder")]
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect();
        assert_eq!(tree(&out), expected);
        assert!(!dir.path().join("link.html").exists(), "nothing was written through the link");
        assert!(!out.join("gone").exists(), "folders left empty are removed");
    }

    #[test]
    fn an_abandoned_recycled_staging_goes_back_to_being_the_spare() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let one = Output { files: vec![OutputFile { path: "a".into(), bytes: b"1".to_vec() }], copies: vec![] };
        write_site(&out, &one).unwrap();
        write_site(&out, &one).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.write("a", b"2").unwrap();
        drop(staging);
        assert_eq!(fs::read(out.join("a")).unwrap(), b"1");
        assert!(spare_dir(&out).is_dir());
        write_site(
            &out,
            &Output { files: vec![OutputFile { path: "b".into(), bytes: b"3".to_vec() }], copies: vec![] },
        )
        .unwrap();
        assert_eq!(tree(&out), [("b".to_string(), b"3".to_vec())]);
    }
}
