//! The staging folder a build writes into: the new output is assembled beside `--out` (in the
//! output before last, recycled, when there is one) and swapped in only when complete.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::at::Dir;
use super::{CopiedFile, copy_file, io_error, same_copy, with_parent};
use crate::diagnostic::Diagnostic;
use crate::t;

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
    folder: Folder,
    committed: bool,
}

/// What the staging folder `tmp` is: made new and empty, or the output before last recycled.
enum Folder {
    New(NewFolder),
    Recycled {
        /// The paths this build produced.
        produced: Mutex<HashSet<String>>,
        /// The entries the folder held, listed while the build renders (taken by `commit`).
        listing: Option<std::thread::JoinHandle<Vec<(String, bool)>>>,
    },
}

/// A new (empty) staging folder, open: its folders and pages are made relative to it.
struct NewFolder {
    dir: Dir,
    /// The folders made so far (relative, with `/`), so a file in a new folder costs a `mkdir`
    /// and its write, not a failed open first.
    made: Mutex<HashSet<String>>,
}

impl NewFolder {
    /// Makes the folder `rel` (relative, with `/`) and its parents, unless this staging made it
    /// already (nothing else writes there).
    fn make_folder(&self, rel: &str) -> io::Result<()> {
        if !self.made.lock().unwrap_or_else(|e| e.into_inner()).contains(rel) {
            self.dir.mkdir_all(rel)?;
            self.made.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
        }
        Ok(())
    }
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
        let folder = if spare.is_dir() && fs::rename(&spare, &tmp).is_ok() {
            let root = tmp.clone();
            Folder::Recycled {
                produced: Mutex::new(HashSet::new()),
                listing: Some(std::thread::spawn(move || list_tree(&root))),
            }
        } else {
            let fail = |e| io_error(t!("cannot write the output", "无法写入输出"), &tmp, e);
            fs::create_dir(&tmp).map_err(fail)?;
            Folder::New(NewFolder { dir: Dir::open(&tmp).map_err(fail)?, made: Mutex::new(HashSet::new()) })
        };
        Ok(Staging { out: out.to_path_buf(), tmp, old, spare, folder, committed: false })
    }

    /// Records `path` as produced; true when the staging folder already holds `same` there.
    fn already_there(&self, path: &str, target: &Path, same: impl FnOnce() -> bool) -> bool {
        let Folder::Recycled { produced, .. } = &self.folder else { return false };
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

    /// Makes `folders` (relative, with `/`; parents made as needed) in a new staging folder, in
    /// order, skipping those already made, until `stop` is set. Run on a thread of its own while
    /// pages render, it takes the folders off the pages' path: on ext4 a `mkdir` costs ~25 us of
    /// system time and holds its parent's lock throughout, so two threads making page folders in
    /// `activities/` at once waited on each other (~80 ms of a core at 10,000 pages).
    pub fn make_folders(&self, folders: &[String], stop: &std::sync::atomic::AtomicBool) {
        let Folder::New(new) = &self.folder else { return };
        for dir in folders {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
            // A folder this fails to make is made (or reported) by the page written into it.
            let _ = new.make_folder(dir);
        }
    }

    /// Writes `target` with `write`; in a recycled folder, clears a file or folder of an older
    /// output that stands in the way first. In a new folder, `path`'s folder is made first
    /// when this staging has not made it yet (nothing else writes there).
    fn put(&self, path: &str, target: &Path, write: impl Fn(&Path) -> io::Result<()>) -> io::Result<()> {
        if let (Folder::New(new), Some((dir, _))) = (&self.folder, path.rsplit_once('/')) {
            new.make_folder(dir)?;
        }
        match with_parent(target, &write) {
            Err(_) if matches!(self.folder, Folder::Recycled { .. }) => {
                clear_way(&self.tmp, target);
                with_parent(target, &write)
            }
            r => r,
        }
    }

    /// Writes one file (`path` relative, with `/`). Safe to call from several threads; folders
    /// are created on first use.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if let Folder::New(new) = &self.folder {
            return self.write_new(new, path, bytes);
        }
        let p = self.tmp.join(path);
        let same =
            || fs::metadata(&p).is_ok_and(|m| m.len() == bytes.len() as u64) && fs::read(&p).is_ok_and(|b| b == bytes);
        if self.already_there(path, &p, same) {
            return Ok(());
        }
        self.put(path, &p, |p| fs::write(p, bytes))
            .map_err(|e| io_error(t!("cannot write the output", "无法写入输出"), &p, e))
    }

    /// [`Staging::write`] into the new staging folder: the file's folder is made first when
    /// this staging has not made it yet (nothing else writes there).
    fn write_new(&self, new: &NewFolder, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let dir = path.rsplit_once('/').map(|(dir, _)| dir);
        let written = match dir {
            Some(dir) => new.make_folder(dir).and_then(|()| new.dir.write(path, bytes)),
            None => new.dir.write(path, bytes),
        };
        match (written, dir) {
            // A folder made ahead that is gone again: made once more.
            (Err(e), Some(dir)) if e.kind() == io::ErrorKind::NotFound => {
                new.dir.mkdir_all(dir).and_then(|()| new.dir.write(path, bytes))
            }
            (r, _) => r,
        }
        .map_err(|e| io_error(t!("cannot write the output", "无法写入输出"), &self.tmp.join(path), e))
    }

    /// Copies files from the site (theme static files, content assets).
    pub fn copy_all(&self, copies: &[CopiedFile]) -> Result<(), Diagnostic> {
        copies.par_iter().try_for_each(|c| {
            let p = self.tmp.join(&c.path);
            if self.already_there(&c.path, &p, || same_copy(&c.from, &p)) {
                return Ok(());
            }
            self.put(&c.path, &p, |p| copy_file(&c.from, p))
                .map_err(|e| io_error(t!("cannot write the output", "无法写入输出"), &c.from, e))
        })
    }

    /// Removes what an older output left in a recycled folder, moves the previous output aside,
    /// the new one into place, and keeps the previous one as the next build's spare.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        if let Folder::Recycled { produced, listing } = &mut self.folder
            && let Some(listing) = listing.take()
        {
            let produced = std::mem::take(produced.get_mut().unwrap_or_else(|e| e.into_inner()));
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
        if matches!(self.folder, Folder::New(_)) || self.spare.exists() || fs::rename(&self.tmp, &self.spare).is_err() {
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
