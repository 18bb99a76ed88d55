//! The template context is a public API: every variable the renderer hands to templates is
//! documented in docs/themes.md, and everything documented there exists. A theme that dumps
//! each context as JSON (`tests/sites/dump-theme`) shows what the code really emits.

mod common;

use std::collections::BTreeSet;

use common::Site;
use serde_json::Value;

const ITEM_KINDS: [&str; 4] = ["activity", "partner", "round", "page"];

fn is_item(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str).is_some_and(|k| ITEM_KINDS.contains(&k)) && v.get("content").is_some()
}

/// Collects the documented-path form of every field under `v`: `a.b`, `a.list[].c`.
fn paths(prefix: &str, v: &Value, out: &mut BTreeSet<String>) {
    out.insert(prefix.to_string());
    if prefix.ends_with(".extra") {
        return; // free-form, handed over as written
    }
    match v {
        Value::Object(map) => {
            if prefix == "site.sections" {
                out.insert("site.sections.<dir>".to_string());
                return;
            }
            for (k, child) in map {
                paths(&format!("{prefix}.{k}"), child, out);
            }
        }
        Value::Array(list) => {
            let p = format!("{prefix}[]");
            if list.iter().any(is_item) {
                out.insert(p); // a list of items: items are documented once, as `page.*`
                return;
            }
            for child in list {
                paths(&p, child, out);
            }
        }
        _ => {}
    }
}

fn emitted() -> BTreeSet<String> {
    let site = Site::fixture("basic");
    common::copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/dump-theme"),
        &site.root().join("themes/dump"),
    );
    let toml =
        std::fs::read_to_string(site.root().join("site.toml")).unwrap().replace("theme = \"test\"", "theme = \"dump\"");
    site.write("site.toml", &toml);
    site.build(&[]);
    let mut out = BTreeSet::new();
    for f in site.output_files().into_iter().filter(|f| f.ends_with(".html")) {
        let json: Value = serde_json::from_str(&site.read(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        for (k, v) in json.as_object().unwrap() {
            paths(k, v, &mut out);
        }
    }
    out
}

fn documented() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/themes.md")).unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|p| {
            ["site", "page", "section", "paginator", "tag", "year", "current_path"]
                .iter()
                .any(|r| p.split(['.', '[']).next() == Some(*r))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_template_variable_is_documented() {
    let documented = documented();
    let missing: Vec<String> = emitted().into_iter().filter(|p| !documented.contains(p)).collect();
    assert!(
        missing.is_empty(),
        "add these to docs/themes.md as table rows (| `path` | ... |):\n{}",
        missing.join("\n")
    );
}

#[test]
fn everything_documented_exists() {
    let emitted = emitted();
    let stale: Vec<String> = documented().into_iter().filter(|p| !emitted.contains(p)).collect();
    assert!(
        stale.is_empty(),
        "docs/themes.md documents variables the renderer does not provide:\n{}",
        stale.join("\n")
    );
}
