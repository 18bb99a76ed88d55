//! Every command in the editors' guide (docs/编辑指南.md, ```sh blocks) runs and succeeds, in
//! order, on a fresh site, so the guide never goes stale.

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
            other => panic!("the guide uses `{other}`; only liaison and cd are run by this test"),
        }
    }
    assert!(cwd.join("public/index.html").exists(), "the guide ends with a built site");
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
