//! Input no editor means to write: symlink loops, links out of the site, huge files, absurd
//! nesting, bytes that are not UTF-8, a content folder that vanishes during the build.
//!
//! Each case asserts what the build does (exit code), that it did not panic or die on a signal
//! (a stack overflow aborts), that the offending path is named, and that a failed build left
//! the previous `public/` byte for byte as it was. Where the build refuses the input, the
//! message is asserted word for word (the site's language, Chinese; `tests/errors.rs` has both
//! languages of each class).

mod common;

use std::time::{Duration, Instant};

use common::{Site, assert_no_crash, tree};

/// Builds the good fixture, applies `edit`, rebuilds; returns (exit code, stderr) after checking
/// that nothing crashed and that a failed build left public/ untouched.
fn rebuild_after(edit: impl FnOnce(&Site)) -> (Site, i32, String) {
    let site = Site::fixture("basic");
    site.build(&[]);
    let before = tree(&site.public());
    edit(&site);
    let run = site.cmd(&["build", "--now", "2018-09-15"]).output().unwrap();
    let (code, stderr) = assert_no_crash(&run);
    if code != 0 {
        assert_eq!(tree(&site.public()), before, "a failed build changed public/");
    }
    (site, code, stderr)
}

fn fails_naming(edit: impl FnOnce(&Site), path: &str) -> String {
    let (_site, code, stderr) = rebuild_after(edit);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(path), "{path} is not named:\n{stderr}");
    stderr
}

#[test]
fn symlink_loops_in_content_are_errors() {
    let err = fails_naming(
        |s| {
            let c = s.root().join("content");
            std::os::unix::fs::symlink(c.join("loop-b"), c.join("loop-a")).unwrap();
            std::os::unix::fs::symlink(c.join("loop-a"), c.join("loop-b")).unwrap();
        },
        "content/loop-a",
    );
    assert!(err.starts_with(&symlink_error("content/loop-a")), "{err}");
    let err = fails_naming(
        |s| std::os::unix::fs::symlink(".", s.root().join("content/activities/again")).unwrap(),
        "content/activities/again",
    );
    assert!(err.starts_with(&symlink_error("content/activities/again")), "{err}");
}

/// The exact message for a symbolic link in content/ (E021).
fn symlink_error(path: &str) -> String {
    format!(
        "错误[E021]: content/ 中的符号链接不会被读取\n--> {path}\n |\n提示: 把文件或文件夹复制到 content/ 里，不要用链接\n"
    )
}

/// The exact message for a file that is not UTF-8 (E002), with the first bad byte's position.
fn not_utf8_error(path: &str) -> String {
    format!(
        "错误[E002]: 这个文件不是 UTF-8 编码的文本\n--> {path}\n |\n提示: 用 UTF-8 编码保存文件（多数编辑器：另存为 / 编码：UTF-8）\n"
    )
}

#[test]
fn symlinks_out_of_the_site_are_errors_and_publish_nothing() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "+++\ntitle = \"OUTSIDE-MARKER\"\n+++\nOUTSIDE-MARKER\n").unwrap();
    std::fs::write(outside.path().join("secret.txt"), "OUTSIDE-MARKER").unwrap();
    let (site, code, stderr) = rebuild_after(|s| {
        let c = s.root().join("content");
        std::os::unix::fs::symlink(outside.path().join("secret.md"), c.join("leak.md")).unwrap();
        std::os::unix::fs::symlink(outside.path(), c.join("images/outside")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", c.join("passwd.txt")).unwrap();
    });
    assert_eq!(code, 1, "{stderr}");
    for p in ["content/images/outside", "content/leak.md", "content/passwd.txt"] {
        assert!(stderr.contains(&symlink_error(p)), "{p} is not named:\n{stderr}");
    }
    assert!(!stderr.contains("OUTSIDE-MARKER"));
    for f in site.output_files() {
        let bytes = std::fs::read(site.public().join(&f)).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("OUTSIDE-MARKER"), "leaked into {f}");
    }
}

#[test]
fn a_50_mb_asset_is_copied_whole() {
    let site = Site::fixture("basic");
    let big: Vec<u8> = (0..50 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    site.write_bytes("content/files/big.bin", &big);
    let run = site.cmd(&["build", "--now", "2018-09-15"]).output().unwrap();
    let (code, stderr) = assert_no_crash(&run);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read(site.public().join("files/big.bin")).unwrap() == big, "the copy differs");
}

#[test]
fn a_50_mb_markdown_page_builds() {
    // One page of 50 MB: ~1.3 million short paragraphs of Chinese and English text.
    let site = Site::fixture("basic");
    let para = "外联部组织了一次赞助活动，感谢合作伙伴的支持。Sponsors and students met on campus.\n\n";
    let mut text = String::from("+++\ntitle = \"大文件\"\n+++\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(para);
    }
    site.write("content/reports/big.md", &text);
    let start = Instant::now();
    let run = site.cmd(&["build", "--now", "2018-09-15"]).output().unwrap();
    let (code, stderr) = assert_no_crash(&run);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(site.public().join("reports/big/index.html")).unwrap();
    assert!(page.trim_end().ends_with("</html>"));
    assert!(page.len() > 50 * 1024 * 1024);
    println!("50 MB page built in {:?}", start.elapsed());
}

/// 10,000 levels of nesting must not overflow a stack (rendering runs on rayon's threads, whose
/// stacks are smaller than the main thread's). comrak renders HTML with its own work stack, not
/// recursion; it caps list nesting at 100 levels (`MAX_LIST_DEPTH`, deeper markers stay text)
/// and leaves over-long emphasis and bracket runs as text, but nests block quotes fully.
fn deep(body: String) -> String {
    let (site, code, stderr) = rebuild_after(|s| {
        s.write("content/reports/deep.md", &format!("+++\ntitle = \"deep\"\n+++\n{body}"));
    });
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(site.public().join("reports/deep/index.html")).unwrap();
    assert!(page.contains("bottom"), "the innermost text is kept");
    assert!(page.trim_end().ends_with("</html>"));
    page
}

#[test]
fn ten_thousand_nested_block_quotes() {
    let page = deep(format!("{} bottom\n", ">".repeat(10_000)));
    assert_eq!(page.matches("<blockquote>").count(), 10_000);
}

#[test]
fn ten_thousand_nested_list_levels() {
    // On one line (`- - - ... bottom`): each marker opens a list inside the previous item.
    let _ = deep(format!("{}bottom\n", "- ".repeat(10_000)));
    // Indented on separate lines: n levels take n² bytes, so 1,000 levels (1 MB) here.
    let mut body = String::new();
    for level in 0..1_000 {
        body.push_str(&" ".repeat(level * 2));
        body.push_str("- x\n");
    }
    body.push_str(&" ".repeat(1_000 * 2));
    body.push_str("bottom\n");
    let _ = deep(body);
}

#[test]
fn ten_thousand_nested_ordered_lists_on_one_line() {
    let _ = deep(format!("{}bottom\n", "1. ".repeat(10_000)));
}

#[test]
fn ten_thousand_nested_emphasis_links_and_html() {
    let _ = deep(format!(
        "{}bottom{}\n\n{}bottom{}\n\n{}bottom{}\n",
        "*".repeat(10_000),
        "*".repeat(10_000),
        "[".repeat(10_000),
        "](x)".repeat(10_000),
        "<div>".repeat(10_000),
        "</div>".repeat(10_000)
    ));
}

#[test]
fn invalid_utf8_in_a_content_file() {
    let err = fails_naming(
        |s| {
            s.write_bytes(
                "content/activities/2018-sports.md",
                b"+++\ntitle = \"\xd4\xcb\xb6\xaf\"\ndate = 2018-10-20\n+++\n",
            );
        },
        "content/activities/2018-sports.md",
    );
    assert!(err.starts_with(&not_utf8_error("content/activities/2018-sports.md:2:10")), "{err}");
    let err = fails_naming(
        |s| {
            s.write_bytes("content/about.md", b"+++\ntitle = \"ok\"\n+++\nbody \xff\xfe text\n");
        },
        "content/about.md",
    );
    assert!(err.starts_with(&not_utf8_error("content/about.md:4:6")), "{err}");
}

#[test]
fn invalid_utf8_in_site_toml() {
    let err = fails_naming(
        |s| {
            s.write_bytes("site.toml", b"title = \"\xff\"\nbase_url = \"https://x.cn/\"\n");
        },
        "site.toml",
    );
    assert!(err.starts_with(&not_utf8_error("site.toml:1:10")), "{err}");
}

#[test]
fn invalid_utf8_in_a_template_and_in_i18n() {
    let err = fails_naming(
        |s| {
            s.write_bytes("themes/test/templates/404.html", b"<p>\xff</p>");
        },
        "404.html",
    );
    assert!(err.starts_with(&not_utf8_error("themes/test/templates/404.html:1:4")), "{err}");
    let err = fails_naming(
        |s| {
            s.write_bytes("themes/test/i18n/zh-CN.toml", b"home = \"\xff\"\n");
        },
        "zh-CN.toml",
    );
    assert!(err.starts_with(&not_utf8_error("themes/test/i18n/zh-CN.toml:1:9")), "{err}");
}

#[test]
fn a_file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let (site, code, stderr) = rebuild_after(|s| {
        let name = std::ffi::OsStr::from_bytes(b"bad-\xff-name.md");
        std::fs::write(s.root().join("content/activities").join(name), "+++\ntitle = \"x\"\ndate = 2018-11-01\n+++\n")
            .unwrap();
        let asset = std::ffi::OsStr::from_bytes(b"pic-\xfe.svg");
        std::fs::write(s.root().join("content/images").join(asset), "<svg/>").unwrap();
    });
    // Either refused with the file named, or built with every output name valid UTF-8.
    if code == 0 {
        for entry in walkdir::WalkDir::new(site.public()) {
            let entry = entry.unwrap();
            assert!(entry.file_name().to_str().is_some(), "output name is not UTF-8: {:?}", entry.path());
        }
    } else {
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("bad-"), "{stderr}");
    }
}

/// Not deterministic by nature: the content folder is removed and put back in a loop while
/// builds run, so builds see it gone before, during and after their walk. Whatever moment it
/// goes, a build either succeeds or fails with exit 1, never panics, and public/ is always
/// either the previous build or a complete new one (index.html and 404.html present).
#[test]
fn content_that_disappears_during_builds() {
    let site = Site::fixture("basic");
    site.build(&[]);
    let content = site.root().join("content");
    let stash = site.root().join("stash");
    common::copy_dir(&content, &stash);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flipper = {
        let (stop, content, stash) = (stop.clone(), content.clone(), stash.clone());
        std::thread::spawn(move || {
            let mut flips = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = std::fs::remove_dir_all(&content);
                std::thread::sleep(Duration::from_millis(3));
                common::copy_dir(&stash, &content);
                std::thread::sleep(Duration::from_millis(7));
                flips += 1;
            }
            flips
        })
    };
    let (mut ok, mut failed) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(8);
    while Instant::now() < deadline || ok + failed < 10 {
        let run = site.cmd(&["build", "--now", "2018-09-15"]).output().unwrap();
        let (code, stderr) = assert_no_crash(&run);
        match code {
            0 => ok += 1,
            1 => {
                failed += 1;
                assert!(stderr.contains("content"), "{stderr}");
            }
            _ => panic!("exit {code}: {stderr}"),
        }
        let files = site.output_files();
        assert!(files.contains(&"index.html".to_string()) && files.contains(&"404.html".to_string()), "{files:?}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let flips = flipper.join().unwrap();
    println!("{ok} builds succeeded, {failed} failed cleanly, content/ removed {flips} times");
}
