//! The one place that writes the output folder.
//!
//! A build streams its files into a [`Staging`] folder beside `--out` (`staging.rs`) as they are
//! rendered and swaps it in with renames only when every file was written; [`write_site`] does
//! the same for an output held in memory, [`sync_site`] brings a watched folder up to date file
//! by file. A build that fails at any point leaves the previous output whole.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::t;

mod at;
mod staging;
pub use staging::{Staging, spare_dir};

/// A file of the output: its path relative to the output folder (with `/`) and its bytes
/// (both shared: a watch rebuild hands on the paths and bytes of pages it did not render again,
/// without allocating).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: std::sync::Arc<str>,
    pub bytes: bytes::Bytes,
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

pub(super) fn io_error(what: crate::i18n::Text, p: &Path, e: io::Error) -> Diagnostic {
    let (en, zh) = (&what.en, &what.zh);
    Diagnostic::new(p, Code::OutputWriteFailed, t!("{en}: {e}", "{zh}：{e}")).hint(t!(
        "check that the output folder's parent exists and is writable",
        "检查输出文件夹的上级文件夹是否存在、是否可写"
    ))
}

/// Runs `write(path)`, creating `path`'s folder first when it does not exist yet. (Trying first
/// costs one failed open per new folder instead of a `stat` per file.)
pub(super) fn with_parent(path: &Path, write: impl Fn(&Path) -> io::Result<()>) -> io::Result<()> {
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
    let same = |o: &OutputFile, f: &OutputFile| {
        (o.bytes.as_ptr() == f.bytes.as_ptr() && o.bytes.len() == f.bytes.len()) || o.bytes == f.bytes
    };
    // New files whose path an old file had, and new files to write.
    let (mut kept, mut changed) = (0, Vec::new());
    // A rebuild of a site of the same shape lists the same paths in the same order (render's
    // order is fixed; a kept page's path is the same string): files are compared in place,
    // without sorting or looking up 12,000 paths.
    let lined_up = old.files.len() == new.files.len()
        && old.files.iter().zip(&new.files).all(|(o, f)| std::sync::Arc::ptr_eq(&o.path, &f.path) || o.path == f.path);
    if lined_up {
        kept = new.files.len();
        changed.extend(old.files.iter().zip(&new.files).filter(|(o, f)| !same(o, f)).map(|(_, f)| f));
    } else {
        // Else the old file of a path is found by walking both lists sorted by path.
        fn by_path(files: &[OutputFile]) -> Vec<&OutputFile> {
            let mut sorted: Vec<&OutputFile> = files.iter().collect();
            sorted.sort_unstable_by(|a, b| a.path.cmp(&b.path));
            sorted
        }
        let olds = by_path(&old.files);
        let mut olds = olds.into_iter().peekable();
        for f in by_path(&new.files) {
            while olds.next_if(|o| o.path < f.path).is_some() {}
            let old = olds.peek().filter(|o| o.path == f.path);
            kept += usize::from(old.is_some());
            if !old.is_some_and(|o| same(o, f)) {
                changed.push(f);
            }
        }
    }
    let old_copies: BTreeMap<&str, &Path> = old.copies.iter().map(|c| (c.path.as_str(), c.from.as_path())).collect();
    let mut stats = SyncStats::default();
    // Written in parallel: an edit rewrites megabytes (the site calendar, search shards).
    use rayon::prelude::*;
    changed.par_iter().try_for_each(|f| {
        let p = out.join(&*f.path);
        replace_file(&p, |tmp| fs::write(tmp, &f.bytes)).map_err(|e| fail(&p, e))
    })?;
    stats.written.extend(changed.iter().map(|f| f.path.to_string()));
    for c in &new.copies {
        let p = out.join(&c.path);
        let same_source = old_copies.get(c.path.as_str()) == Some(&c.from.as_path());
        if same_source && same_copy(&c.from, &p) {
            continue;
        }
        replace_file(&p, |tmp| copy_file(&c.from, tmp)).map_err(|e| fail(&p, e))?;
        stats.written.push(c.path.clone());
    }
    // Nothing is gone when every old path is still there (most rebuilds): no sets of 12,000 paths.
    let same_paths = kept == old.files.len()
        && old.copies.len() == new.copies.len()
        && old.copies.iter().zip(&new.copies).all(|(a, b)| a.path == b.path);
    if same_paths {
        return Ok(stats);
    }
    let keep: BTreeSet<&str> =
        new.files.iter().map(|f| &*f.path).chain(new.copies.iter().map(|c| c.path.as_str())).collect();
    let gone: BTreeSet<&str> = old
        .files
        .iter()
        .map(|f| &*f.path)
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

/// Whether `to` is a copy of `from` as it is now. A copy carries its source's modification time
/// ([`copy_file`]): length and time are compared and nothing is read (a site with many photos
/// read them all, and their copies, on every rebuild); bytes only where times are unknown.
pub(super) fn same_copy(from: &Path, to: &Path) -> bool {
    match (fs::metadata(from), fs::metadata(to)) {
        (Ok(a), Ok(b)) if a.len() == b.len() => match (a.modified(), b.modified()) {
            (Ok(x), Ok(y)) => x == y,
            _ => fs::read(from).ok() == fs::read(to).ok(),
        },
        _ => false,
    }
}

/// Copies `from` to `to`, giving the copy its source's modification time (see [`same_copy`]).
pub(super) fn copy_file(from: &Path, to: &Path) -> io::Result<()> {
    fs::copy(from, to)?;
    if let Ok(time) = fs::metadata(from).and_then(|m| m.modified()) {
        fs::File::options().write(true).open(to)?.set_modified(time)?;
    }
    Ok(())
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
        let file = |p: &str, b: &str| OutputFile { path: p.into(), bytes: bytes::Bytes::copy_from_slice(b.as_bytes()) };
        let old = Output { files: vec![file("a/index.html", "a"), file("b/c/index.html", "b")], copies: vec![] };
        write_site(&out, &old).unwrap();
        let new = Output { files: vec![file("a/index.html", "a"), file("d/index.html", "d")], copies: vec![] };
        let stats = sync_site(&out, &old, &new).unwrap();
        assert_eq!(stats, SyncStats { written: vec!["d/index.html".into()], removed: 1 });
        assert!(!out.join("b").exists(), "emptied folders are removed");
        assert_eq!(fs::read_to_string(out.join("d/index.html")).unwrap(), "d");
    }

    #[test]
    fn sync_compares_files_in_place_or_by_path_whatever_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let file = |p: &str, b: &str| OutputFile { path: p.into(), bytes: bytes::Bytes::copy_from_slice(b.as_bytes()) };
        let old = Output { files: vec![file("z.html", "z"), file("a.html", "a"), file("m.html", "m")], copies: vec![] };
        write_site(&out, &old).unwrap();
        // Lined up (same paths, same order, not sorted): only the changed file is written.
        let new = Output { files: vec![file("z.html", "z"), file("a.html", "A"), file("m.html", "m")], copies: vec![] };
        let stats = sync_site(&out, &old, &new).unwrap();
        assert_eq!(stats, SyncStats { written: vec!["a.html".into()], removed: 0 });
        // The same files in another order: nothing to write.
        let shuffled =
            Output { files: vec![file("m.html", "m"), file("z.html", "z"), file("a.html", "A")], copies: vec![] };
        assert_eq!(sync_site(&out, &new, &shuffled).unwrap(), SyncStats::default());
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "A");
    }

    #[test]
    fn an_abandoned_staging_leaves_the_output_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut o = Output::default();
        o.files.push(OutputFile { path: "a/index.html".into(), bytes: b"one"[..].into() });
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
    fn folders_made_ahead_hold_the_files_and_a_stop_ends_the_making() {
        use std::sync::atomic::AtomicBool;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::begin(&out).unwrap();
        let folders: Vec<String> = ["a/b", "a/c", "d"].map(String::from).into();
        staging.make_folders(&folders, &AtomicBool::new(false));
        // Made beside a page already writing into one of them: both succeed.
        staging.write("a/b/index.html", b"ab").unwrap();
        staging.write("e/index.html", b"e").unwrap();
        staging.make_folders(&["f".to_string()], &AtomicBool::new(true));
        staging.commit().unwrap();
        assert_eq!(fs::read(out.join("a/b/index.html")).unwrap(), b"ab");
        assert!(out.join("a/c").is_dir() && out.join("d").is_dir() && out.join("e").is_dir());
        assert!(!out.join("f").exists(), "a stopped making makes nothing more");
    }

    #[test]
    fn swaps_in_a_complete_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut o = Output::default();
        o.files.push(OutputFile { path: "a/index.html".into(), bytes: b"one"[..].into() });
        write_site(&out, &o).unwrap();
        o.files[0].bytes = b"two"[..].into();
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
        let file = |p: &str, b: &str| OutputFile { path: p.into(), bytes: bytes::Bytes::copy_from_slice(b.as_bytes()) };
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
        let one = Output { files: vec![OutputFile { path: "a".into(), bytes: b"1"[..].into() }], copies: vec![] };
        write_site(&out, &one).unwrap();
        write_site(&out, &one).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.write("a", b"2").unwrap();
        drop(staging);
        assert_eq!(fs::read(out.join("a")).unwrap(), b"1");
        assert!(spare_dir(&out).is_dir());
        write_site(
            &out,
            &Output { files: vec![OutputFile { path: "b".into(), bytes: b"3"[..].into() }], copies: vec![] },
        )
        .unwrap();
        assert_eq!(tree(&out), [("b".to_string(), b"3".to_vec())]);
    }
}
