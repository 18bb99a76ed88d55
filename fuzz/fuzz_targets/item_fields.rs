//! The typed item parsers and their one-file checks: the first byte picks the kind, the rest is
//! front matter TOML. Parses it, runs `validate::item` against a real `site.toml` (tiers, URL
//! schemes, slugs, date order) and renders every diagnostic. Nothing may panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use liaison::config::Config;
use liaison::content::fields::{ItemFm, Kind};
use liaison::content::validate;
use liaison::toml_errors::TomlSource;
use libfuzzer_sys::fuzz_target;

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir").keep();
        liaison::init::init(&dir, false).expect("starter site");
        Config::load(&dir, None).expect("starter site.toml loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let kind = match first % 4 {
        0 => Kind::Activities,
        1 => Kind::Partners,
        2 => Kind::Recruitment,
        _ => Kind::Pages,
    };
    let what = kind.front_matter_text();
    // The file as an editor wrote it: the TOML between two +++ lines.
    let file = format!("+++\n{text}+++\nbody\n");
    let fm = &file[4..4 + text.len()];
    let path = Path::new("content/x/fuzz.md");
    let src = TomlSource { path, file: &file, text: fm, first_line: 2, what };
    match ItemFm::parse(kind, fm) {
        Ok(item) => {
            if let Err(errors) = validate::item(&item, &src, config()) {
                for d in errors.0 {
                    let _ = d.to_string();
                }
            }
        }
        Err(e) => {
            let _ = src.error(&e).to_string();
        }
    }
});
