//! The byte-identical guard for performance work: the example site (repository root) and the
//! fixture `tests/sites/basic`, built with a fixed clock, must write exactly the files listed in
//! `tests/output_hash.txt` with exactly the same bytes.
//!
//! Each line of that file is `<fnv1a-64 of the bytes> <length> <path>`, one per output file,
//! sorted by path, under a `# <site>` heading; a failure names the files that differ.
//!
//! When an output changes on purpose (a theme or feature change, never an optimisation), rewrite
//! the file and commit it with the change that explains it:
//!
//! ```sh
//! UPDATE_OUTPUT_HASH=1 cargo test --test output_hash
//! ```

mod common;

use std::path::Path;

use common::Site;

const STORED: &str = "tests/output_hash.txt";

/// FNV-1a, 64 bits: enough to notice any change; kept here so the guard does not depend on the
/// code it guards.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `<hash> <length> <path>` for every file under `dir`, sorted by path.
fn listing(dir: &Path) -> Vec<String> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(p, b)| format!("{:016x} {} {p}", fnv1a64(&b), b.len())).collect()
}

fn current() -> String {
    let mut text = String::new();
    for (name, site) in [("example", Site::example()), ("basic", Site::fixture("basic"))] {
        site.build(&[]);
        text.push_str(&format!("# {name}\n"));
        for line in listing(&site.public()) {
            text.push_str(&line);
            text.push('\n');
        }
    }
    text
}

#[test]
fn output_is_byte_identical_to_the_stored_hashes() {
    let stored_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(STORED);
    let now = current();
    if std::env::var_os("UPDATE_OUTPUT_HASH").is_some() {
        std::fs::write(&stored_path, &now).expect("write the stored hashes");
        return;
    }
    let stored = std::fs::read_to_string(&stored_path)
        .unwrap_or_else(|e| panic!("{STORED}: {e}; create it with UPDATE_OUTPUT_HASH=1 cargo test --test output_hash"));
    if stored == now {
        return;
    }
    let old: std::collections::BTreeSet<&str> = stored.lines().collect();
    let new: std::collections::BTreeSet<&str> = now.lines().collect();
    let gone: Vec<&&str> = old.difference(&new).collect();
    let added: Vec<&&str> = new.difference(&old).collect();
    panic!(
        "the output differs from {STORED}.\nstored only:\n{gone:#?}\nbuilt only:\n{added:#?}\n\
         If the change is intended (not an optimisation), rewrite it: UPDATE_OUTPUT_HASH=1 cargo test --test output_hash"
    );
}
