//! Output safety: a build writes only inside `--out`, refuses an `--out` that would overwrite the
//! sources, and leaves the previous output whole when the output folder cannot be written.
//!
//! Messages are not asserted word for word (they are being reworded); each case asserts the exit
//! code, that nothing panicked, that the path appears in the message, and that no file of the
//! site (the previous `public/` included) changed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Site, assert_no_crash, tree};

fn liaison() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("liaison"));
    c.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    c
}

/// Builds the fixture once (so there is a previous `public/`), then runs `build --out <out>`
/// from `cwd` and asserts it is refused as a usage error with nothing under `watch` changed.
fn refused(site: &Site, cwd: &Path, out: &str, watch: &Path) {
    let before = tree(watch);
    let run = liaison()
        .current_dir(cwd)
        .args(["build", "--now", "2018-09-15", "--root"])
        .arg(site.root())
        .args(["--out", out])
        .output()
        .unwrap();
    let (code, stderr) = assert_no_crash(&run);
    assert_eq!(code, 2, "--out {out} from {} was not refused:\n{stderr}", cwd.display());
    assert!(stderr.contains(out.trim_end_matches('/')), "--out {out}: the path is not in the message:\n{stderr}");
    assert_eq!(tree(watch), before, "--out {out} changed files");
}

fn built() -> Site {
    let site = Site::fixture("basic");
    site.build(&[]);
    site
}

#[test]
fn out_pointing_at_content_is_refused_however_it_is_spelt() {
    let site = built();
    let root = site.root().to_path_buf();
    let content = root.join("content");
    refused(&site, &root, content.to_str().unwrap(), &root);
    refused(&site, &root, "content", &root);
    refused(&site, &root, "content/", &root);
    refused(&site, &root, "./public/../content", &root);
    refused(&site, &content, ".", &root);
    refused(&site, &root, "content/activities", &root);
}

#[test]
fn out_pointing_at_the_site_root_or_its_parents_is_refused() {
    let site = built();
    let root = site.root().to_path_buf();
    refused(&site, &root, root.to_str().unwrap(), &root);
    refused(&site, &root, ".", &root);
    refused(&site, &root, &format!("{}/.", root.display()), &root);
    refused(&site, &root, "..", &root);
    refused(&site, &root, root.parent().unwrap().to_str().unwrap(), &root);
}

#[test]
fn out_pointing_at_the_filesystem_root_is_refused() {
    let site = built();
    let root = site.root().to_path_buf();
    refused(&site, &root, "/", &root);
    refused(&site, &root, "/..", &root);
}

#[test]
fn out_pointing_at_themes_is_refused() {
    let site = built();
    let root = site.root().to_path_buf();
    refused(&site, &root, "themes", &root);
    refused(&site, &root, "themes/test/static", &root);
}

// A folder that does not exist yet inside content/ was only refused when the path was absolute
// and spelt like the canonical root: a relative `--out content/new/deep` (or one through a
// symlink to the site) wrote the site into content/, where the next build would publish it.
#[test]
fn out_to_a_new_folder_inside_content_is_refused_when_relative_or_through_a_symlink() {
    let site = built();
    let root = site.root().to_path_buf();
    refused(&site, &root, "content/new/deep", &root);
    refused(&site, &root, "content/new/../new2/deep", &root);
    let elsewhere = tempfile::tempdir().unwrap();
    let link = elsewhere.path().join("site-link");
    std::os::unix::fs::symlink(&root, &link).unwrap();
    refused(&site, elsewhere.path(), &format!("{}/content/new/deep", link.display()), &root);
    refused(&site, elsewhere.path(), "site-link/content/new", &root);
    refused(&site, elsewhere.path(), "site-link", &root);
    assert!(!root.join("content/new").exists());
}

#[test]
fn out_that_is_a_symlink_to_content_is_refused() {
    let site = built();
    let root = site.root().to_path_buf();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root.join("content"), elsewhere.path().join("out")).unwrap();
    refused(&site, elsewhere.path(), "out", &root);
    refused(&site, elsewhere.path(), "out/sub", &root);
}

#[test]
fn out_that_is_a_file_is_refused_and_the_file_kept() {
    let site = Site::fixture("basic");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("public.html");
    std::fs::write(&file, "keep me").unwrap();
    refused(&site, dir.path(), file.to_str().unwrap(), dir.path());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn a_build_writes_nothing_outside_out() {
    // Values that try to climb out of the output folder: slugs, tags, files, links.
    let site = Site::fixture("basic");
    site.write(
        "content/activities/climb.md",
        "+++\ntitle = \"climb\"\ndate = 2018-11-02\ntags = [\"../../../../outside\", \"/etc/passwd\", \"..\", \"a\\\\..\\\\b\", \"%2e%2e\"]\n+++\n[x](../../../../../outside.md) ![y](../../../../etc/passwd)\n",
    );
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("deep/out");
    let before_site = tree(site.root());
    let run = liaison()
        .args(["build", "--now", "2018-09-15", "--root"])
        .arg(site.root())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let (code, stderr) = assert_no_crash(&run);
    // The link that climbs out of content/ is an error; the tags are slugged.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("content/activities/climb.md"), "{stderr}");
    assert_eq!(tree(site.root()), before_site, "the site's files changed");
    assert!(tree(parent.path()).is_empty(), "a failed build left files behind");

    site.write(
        "content/activities/climb.md",
        "+++\ntitle = \"climb\"\ndate = 2018-11-02\ntags = [\"../../../../outside\", \"/etc/passwd\", \"..\", \"a\\\\..\\\\b\", \"%2e%2e\"]\n+++\ntext\n",
    );
    let before_site = tree(site.root());
    let run = liaison()
        .args(["build", "--now", "2018-09-15", "--root"])
        .arg(site.root())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let (code, stderr) = assert_no_crash(&run);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tree(site.root()), before_site, "the site's files changed");
    let written: Vec<String> = tree(parent.path()).into_keys().collect();
    assert!(written.iter().all(|p| p == "deep/" || p.starts_with("deep/out")), "written outside --out: {written:#?}");
    assert!(out.join("index.html").exists());
}

/// An immutable folder (`chattr +i`): the one thing that stops root from writing on ext4.
/// Tests run as root, so permissions (chmod) would not. Removed again when dropped.
struct Immutable(PathBuf);

impl Immutable {
    fn set(p: &Path) -> Option<Immutable> {
        let ok = Command::new("chattr").arg("+i").arg(p).output().map(|o| o.status.success()).unwrap_or(false);
        // Check that it really stops writes here (some filesystems ignore the attribute).
        let probe = p.join(".liaison-probe");
        if ok && std::fs::write(&probe, "x").is_err() {
            return Some(Immutable(p.to_path_buf()));
        }
        let _ = std::fs::remove_file(&probe);
        let _ = Command::new("chattr").arg("-i").arg(p).status();
        None
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

fn unwritable_case(make_immutable: impl Fn(&Site) -> PathBuf) {
    let site = built();
    let before = tree(&site.public());
    site.write("content/about.md", "+++\ntitle = \"changed\"\n+++\nchanged\n");
    let target = make_immutable(&site);
    let Some(_guard) = Immutable::set(&target) else {
        println!("SKIPPED: chattr +i does not make {} read-only on this machine", target.display());
        return;
    };
    let run = site.cmd(&["build", "--now", "2018-09-15"]).output().unwrap();
    let (code, stderr) = assert_no_crash(&run);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(&*site.root().to_string_lossy()), "the path is not in the message:\n{stderr}");
    drop(_guard);
    assert_eq!(tree(&site.public()), before, "public/ changed");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_output_parent_that_cannot_be_written_fails_cleanly() {
    // The site root is public/'s parent: the temporary folder cannot be made beside public/.
    unwritable_case(|site| site.root().to_path_buf());
}

#[test]
fn an_output_folder_that_cannot_be_moved_fails_cleanly() {
    // public/ itself immutable: the new tree is written, but the old one cannot be moved aside.
    unwritable_case(|site| site.public());
}

#[test]
fn an_output_under_proc_fails_cleanly() {
    let site = Site::fixture("basic");
    let run = site.cmd(&["build", "--now", "2018-09-15", "--out", "/proc/liaison-test/public"]).output().unwrap();
    let (code, stderr) = assert_no_crash(&run);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        "错误[E082]: 无法创建输出文件夹的上级文件夹：No such file or directory (os error 2)\n--> /proc/liaison-test\n |\n\
         提示: 检查输出文件夹的上级文件夹是否存在、是否可写\n\n\
         构建失败：发现 1 个错误；没有写入任何文件（上一次的输出保持不变）。\n"
    );
    let run = site
        .cmd(&["build", "--now", "2018-09-15", "--out", "/proc/liaison-test/public"])
        .env("LIAISON_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&run.stderr),
        "error[E082]: cannot create the output folder's parent: No such file or directory (os error 2)\n--> /proc/liaison-test\n |\n\
         help: check that the output folder's parent exists and is writable\n\n\
         Build failed: 1 error found; nothing was written (the previous output is unchanged).\n"
    );
    assert!(!Path::new("/proc/liaison-test").exists());
}
