//! The whole build of a small site (`liaison init`'s starter with the default theme) whose one
//! file is fuzzed: the first byte picks which file (a new item of each kind, an existing item, a
//! section's `_index.md`, or `site.toml`), the rest is its contents. Every other file is put back
//! before each run, so a crash reproduces from its input alone. Runs the pipeline up to
//! rendering (nothing is written) and `liaison check`'s link pass; nothing may panic or hang.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use liaison::pipeline::BuildOptions;
use libfuzzer_sys::fuzz_target;

const TARGETS: &[&str] = &[
    "content/activities/fuzz.md",
    "content/partners/fuzz.md",
    "content/recruitment/fuzz.md",
    "content/fuzz.md",
    "content/activities/example-gala.md",
    "content/activities/_index.md",
    "content/_index.md",
    "site.toml",
];

struct Fixture {
    root: PathBuf,
    originals: Vec<Option<Vec<u8>>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let root = tempfile::tempdir().expect("tempdir").keep();
        liaison::init::init(&root, false).expect("starter site");
        let originals = TARGETS.iter().map(|t| std::fs::read(root.join(t)).ok()).collect();
        Fixture { root, originals }
    })
}

fn restore(f: &Fixture) {
    for (t, original) in TARGETS.iter().zip(&f.originals) {
        let p = f.root.join(t);
        match original {
            Some(bytes) => {
                if std::fs::read(&p).ok().as_deref() != Some(bytes.as_slice()) {
                    std::fs::write(&p, bytes).expect("restore");
                }
            }
            None => {
                let _ = std::fs::remove_file(&p);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let f = fixture();
    restore(f);
    let target: &Path = Path::new(TARGETS[first as usize % TARGETS.len()]);
    std::fs::write(f.root.join(target), rest).expect("write the fuzzed file");
    let opts = BuildOptions { root: f.root.clone(), now: Some("2018-09-15".into()), ..Default::default() };
    // `check` is the whole build pipeline (in memory) plus the link and anchor pass.
    match liaison::check::check(&opts) {
        Ok(findings) => {
            for d in findings.errors.0.iter().chain(&findings.warnings.0) {
                let _ = d.to_string();
            }
        }
        Err(usage) => {
            let _ = usage;
        }
    }
});
