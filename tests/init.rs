//! `liaison init`: a new site that builds at once, with the default theme embedded in the binary.

use assert_cmd::Command;

fn liaison() -> Command {
    let mut c = Command::cargo_bin("liaison").unwrap();
    c.env_remove("SOURCE_DATE_EPOCH");
    c
}

#[test]
fn a_new_site_builds_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("wailian");
    let out = liaison().arg("init").arg(&site).env("LIAISON_LANG", "en").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with(&format!("Created a new site in {} (", site.display())), "{stdout}");
    assert!(stdout.contains("liaison serve"));
    for f in [
        "site.toml",
        "content/activities/example-gala.md",
        "content/partners/example-bookstore.md",
        "content/recruitment/example-round.md",
        "content/about.md",
        "themes/default/templates/base.html",
        "themes/default/i18n/zh-CN.toml",
    ] {
        assert!(site.join(f).exists(), "{f}");
    }
    // The embedded theme is the repository's theme, byte for byte.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css");
    assert_eq!(std::fs::read(site.join("themes/default/static/style.css")).unwrap(), std::fs::read(repo).unwrap());
    liaison().args(["build", "--now", "2018-09-15", "--root"]).arg(&site).assert().success();
    let bookstore = std::fs::read_to_string(site.join("public/partners/example-bookstore/index.html")).unwrap();
    assert!(bookstore.contains("迎新晚会（示例）"), "the example sponsor shows on its partner page");
    // And the editor's next step works in it.
    liaison().args(["new", "activity", "元旦晚会", "--now", "2018-12-20", "--root"]).arg(&site).assert().success();
    liaison().args(["build", "--now", "2018-12-20", "--root"]).arg(&site).assert().success();
}

#[test]
fn refuses_a_folder_that_is_not_empty_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let refused = |lang: &str| {
        let out = liaison().arg("init").arg(dir.path()).env("LIAISON_LANG", lang).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).replace(dir.path().to_str().unwrap(), "<dir>")
    };
    assert_eq!(
        refused("zh-CN"),
        "错误[E103]: 这个文件夹不是空的；liaison init 只在空文件夹里新建站点\n--> <dir>\n |\n提示: 换一个新的文件夹名，或加上 --force 仍然写入\n\n"
    );
    assert_eq!(
        refused("en"),
        "error[E103]: this folder is not empty; liaison init makes a new site in an empty folder\n--> <dir>\n |\nhelp: choose a new folder name, or add --force to write the starter files into it anyway\n\n"
    );
    assert!(!dir.path().join("site.toml").exists());
    liaison().arg("init").arg(dir.path()).arg("--force").assert().success();
    assert!(dir.path().join("site.toml").exists());
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
}

#[test]
fn a_folder_that_cannot_be_created_is_reported() {
    for (lang, expected) in [
        (
            "zh-CN",
            "错误[E102]: 无法写入新站点：No such file or directory (os error 2)\n--> /proc/liaison-test/site\n |\n提示: 换一个有写入权限的位置，例如自己的主文件夹里\n\n",
        ),
        (
            "en",
            "error[E102]: cannot write the new site: No such file or directory (os error 2)\n--> /proc/liaison-test/site\n |\nhelp: choose a folder you can write to, e.g. one in your home folder\n\n",
        ),
    ] {
        let out = liaison().args(["init", "/proc/liaison-test/site"]).env("LIAISON_LANG", lang).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
    }
}
