//! The catalogue of error and warning codes (`src/codes.rs`) and its page in the docs
//! (`docs/errors.md`) stay in sync with the code and the tests:
//!
//! - the page is generated from the catalogue plus real messages taken from the exact-text
//!   tests (insta snapshots and assertions under `tests/`); `UPDATE_DOCS=1 cargo test --test
//!   error_codes` rewrites it after a change;
//! - every code is raised somewhere in `src/` (no code without a use);
//! - every code has an example message in both languages from a test, except the few listed in
//!   [`NO_EXAMPLE`], which need an operating-system failure a test cannot cause portably.

use std::collections::BTreeMap;
use std::path::Path;

use liaison::codes::Code;
use liaison::i18n::Lang;

/// Codes whose message only an I/O failure produces (reading a file that exists, writing to a
/// disk that refuses, an address in use by another program at the same moment...). Tests run as
/// root on CI, where permissions do not fail, so these have no example text.
const NO_EXAMPLE: &[(&str, &str)] = &[
    ("E001", "site.toml exists but the operating system refuses to read it"),
    ("E022", "a file or folder the operating system refuses to read"),
    ("E094", "the system's file-watch limit is exhausted"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The first message shown for each code, per language, found in the test files.
fn examples() -> BTreeMap<(String, Lang), String> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/snapshots"))
        .unwrap()
        .chain(std::fs::read_dir(root().join("tests")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap" || e == "rs"))
        .filter(|p| !p.ends_with("error_codes.rs"))
        .collect();
    files.sort();
    let mut found = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // In Rust sources the messages sit in string literals with `\n` escapes.
        let text = text.replace("\\n", "\n");
        for line in text.lines() {
            for (label, lang) in
                [("error[", Lang::En), ("warning[", Lang::En), ("错误[", Lang::Zh), ("警告[", Lang::Zh)]
            {
                let Some(at) = line.find(label) else { continue };
                let rest = &line[at + label.len()..];
                let Some((code, message)) = rest.split_once("]: ") else { continue };
                let message = message.trim_end_matches(['"', ',', ')', ';']).trim();
                if code.len() == 4 && !message.is_empty() {
                    found.entry((code.to_string(), lang)).or_insert_with(|| message.to_string());
                }
            }
        }
    }
    found
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn generate() -> String {
    let examples = examples();
    let mut out = String::from(
        "# 错误与警告代码 · Error and warning codes\n\n\
         <!-- Generated from src/codes.rs and the exact-text tests by tests/error_codes.rs;\n     \
         do not edit by hand: run `UPDATE_DOCS=1 cargo test --test error_codes`. -->\n\n\
         liaison 报告的每个问题都有一个固定的代码：`E` 开头的是错误（构建失败，退出码 1；命令行用错时为 2），\n\
         `W` 开头的是警告（只由 `liaison check` 报告，不影响构建；`--deny-warnings` 会把它们当作错误）。\n\
         消息使用站点的语言（`site.toml` 的 `language`），可用环境变量 `LIAISON_LANG=en` 或 `LIAISON_LANG=zh-CN` 改变。\n\
         `liaison check --format json` 的每一项都带有 `code` 字段。\n\n\
         Every problem liaison reports has a stable code: `E` codes are errors (the build fails with exit\n\
         code 1, or 2 for command-line mistakes), `W` codes are warnings that only `liaison check` reports\n\
         (`--deny-warnings` turns them into errors). Messages are in the site's language (`language` in\n\
         `site.toml`); `LIAISON_LANG=en` or `LIAISON_LANG=zh-CN` overrides it. Each entry of\n\
         `liaison check --format json` carries its `code`.\n\n\
         The examples are real messages, copied from the tests that assert them.\n",
    );
    let mut group = "";
    for &code in Code::ALL {
        if code.group() != group {
            group = code.group();
            out.push_str(&format!(
                "\n## {group}\n\n| 代码 Code | 说明 | Meaning | 示例 · Example |\n|---|---|---|---|\n"
            ));
        }
        let id = code.id();
        let example = match (examples.get(&(id.to_string(), Lang::Zh)), examples.get(&(id.to_string(), Lang::En))) {
            (Some(zh), Some(en)) => format!("{}<br>{}", cell(zh), cell(en)),
            _ => match NO_EXAMPLE.iter().find(|(c, _)| *c == id) {
                Some((_, why)) => format!("(no test can cause this: {why})"),
                None => String::new(),
            },
        };
        out.push_str(&format!("| {id} | {} | {} | {example} |\n", code.title(Lang::Zh), code.title(Lang::En)));
    }
    out
}

#[test]
fn docs_list_every_code_with_real_examples() {
    let generated = generate();
    let path = root().join("docs/errors.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/errors.md is out of date with src/codes.rs or the tests' messages; run \
         `UPDATE_DOCS=1 cargo test --test error_codes` and review the diff"
    );
}

#[test]
fn every_code_has_an_example_in_both_languages_from_a_test() {
    let examples = examples();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| !NO_EXAMPLE.iter().any(|(c, _)| c == id))
        .filter(|id| {
            !examples.contains_key(&(id.to_string(), Lang::Zh)) || !examples.contains_key(&(id.to_string(), Lang::En))
        })
        .collect();
    assert!(missing.is_empty(), "codes without an exact-text test in both languages: {missing:?}");
    for (id, _) in NO_EXAMPLE {
        assert!(Code::ALL.iter().any(|c| c.id() == *id), "NO_EXAMPLE lists {id}, which is not a code");
    }
}

#[test]
fn every_code_is_raised_by_the_code() {
    let mut sources = String::new();
    for entry in walkdir::WalkDir::new(root().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") && !entry.path().ends_with("codes.rs") {
            sources.push_str(&std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    let unused: Vec<String> =
        Code::ALL.iter().map(|c| format!("{c:?}")).filter(|name| !sources.contains(&format!("Code::{name}"))).collect();
    assert!(unused.is_empty(), "codes in the catalogue that nothing raises: {unused:?}");
}
