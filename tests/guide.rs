//! Every command in the editors' guide (docs/编辑指南.md, ```sh blocks) runs and succeeds, in
//! order, on a fresh site, so the guide never goes stale. The publishing commands run too: paths
//! under `/var/www/` land in a temporary folder and the GitHub address is a local bare
//! repository, so the test checks what a real upload would receive. The error shown in the
//! guide (its ```text block) is the real message of the mistake it describes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn commands() -> Vec<String> {
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/编辑指南.md")).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in guide.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if in_sh && !line.trim().is_empty() {
            out.push(line.trim().to_string());
        }
    }
    out
}

#[test]
fn every_command_in_the_guide_works() {
    let cmds = commands();
    assert!(cmds.len() >= 7, "{cmds:?}");
    let tmp = tempfile::tempdir().unwrap();
    let mut cwd: PathBuf = tmp.path().to_path_buf();
    let bin = assert_cmd::cargo::cargo_bin("liaison");
    let remote = tmp.path().join("github-repo.git");
    let bare = Command::new("git").args(["init", "-q", "--bare"]).arg(&remote).output().unwrap();
    assert!(bare.status.success(), "git init --bare: {}", String::from_utf8_lossy(&bare.stderr));
    for cmd in cmds {
        let words: Vec<String> = shell_words(&cmd);
        match words[0].as_str() {
            "cd" => {
                cwd = cwd.join(&words[1]);
                assert!(cwd.is_dir(), "{cmd}: no such folder");
            }
            "liaison" if words[1] == "serve" || words[1] == "watch" => {
                let mut child = Command::new(&bin)
                    .args(&words[1..])
                    .args(["--port", "0"].iter().filter(|_| words[1] == "serve"))
                    .current_dir(&cwd)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                let mut saw = false;
                for line in BufReader::new(child.stdout.take().unwrap()).lines().map_while(Result::ok) {
                    // The guide's site is Chinese, and so are liaison's messages to its editors.
                    if line.starts_with("正在监视 ") {
                        saw = true;
                        break;
                    }
                }
                let _ = child.kill();
                let _ = child.wait();
                assert!(saw, "{cmd} did not start");
            }
            "liaison" => {
                let out = Command::new(&bin).args(&words[1..]).current_dir(&cwd).output().unwrap();
                assert!(out.status.success(), "{cmd} failed:\n{}", String::from_utf8_lossy(&out.stderr));
            }
            "mkdir" | "cp" | "git" => {
                let args: Vec<String> = words[1..].iter().map(|w| publish_target(w, tmp.path(), &remote)).collect();
                let out = Command::new(&words[0])
                    .args(&args)
                    .current_dir(&cwd)
                    .env("GIT_AUTHOR_NAME", "外联部")
                    .env("GIT_AUTHOR_EMAIL", "wailian@example.edu.cn")
                    .env("GIT_COMMITTER_NAME", "外联部")
                    .env("GIT_COMMITTER_EMAIL", "wailian@example.edu.cn")
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{cmd} failed:\n{}", String::from_utf8_lossy(&out.stderr));
            }
            other => panic!("the guide uses `{other}`; this test runs liaison, cd, mkdir, cp and git"),
        }
    }
    assert!(cwd.join("public/index.html").exists(), "the guide ends with a built site");
    // The server folder received the site.
    let served = tmp.path().join("var/www/wailian/index.html");
    assert!(served.is_file(), "the nginx folder has the site");
    // The gh-pages branch holds the site built for its address.
    let page = Command::new("git")
        .args(["--git-dir", remote.to_str().unwrap(), "show", "gh-pages:index.html"])
        .output()
        .unwrap();
    assert!(page.status.success(), "gh-pages has index.html: {}", String::from_utf8_lossy(&page.stderr));
    assert!(String::from_utf8_lossy(&page.stdout).contains("https://wailian.github.io/"));
}

/// The real destination of a publishing argument in the test: `/var/www/...` under `tmp`, the
/// GitHub repository address as the local bare repository `remote`.
fn publish_target(word: &str, tmp: &Path, remote: &Path) -> String {
    if let Some(rest) = word.strip_prefix("/var/www/") {
        return tmp.join("var/www").join(rest).display().to_string();
    }
    if word.starts_with("https://github.com/") {
        return remote.display().to_string();
    }
    word.to_string()
}

#[test]
fn the_error_shown_in_the_guide_is_the_real_message() {
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/编辑指南.md")).unwrap();
    let block = guide.split("```text\n").nth(1).and_then(|b| b.split("```").next()).expect("a ```text block");
    let file = block.lines().find_map(|l| l.trim().strip_prefix("--> ")).expect("--> line").split(':').next().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("练习网站");
    let bin = assert_cmd::cargo::cargo_bin("liaison");
    assert!(Command::new(&bin).arg("init").arg(&site).output().unwrap().status.success());
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nlocation ="), "{file} sets location");
    std::fs::write(&path, text.replace("\nlocation =", "\nloaction =")).unwrap();
    let out = Command::new(&bin).arg("build").current_dir(&site).env_remove("LIAISON_LANG").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with(block), "the guide shows:\n{block}\nliaison prints:\n{stderr}");
}

/// Splits a command line on spaces, keeping "quoted words" together.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}
