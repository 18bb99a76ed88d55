//! `liaison init <dir>`: a new site that builds at once.
//!
//! Writes a commented `site.toml`, one example of each kind of content and the default theme.
//! Both the starter site (`src/starter/`) and the theme (`themes/default/`) are embedded in the
//! binary, so `init` works from an installed `liaison` with no network and no repository.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::t;

static STARTER: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/starter");
static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

fn write_dir(dir: &Dir<'_>, to: &Path, written: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for file in dir.files() {
        let path = to.join(file.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, file.contents())?;
        written.push(path);
    }
    for sub in dir.dirs() {
        write_dir(sub, to, written)?;
    }
    Ok(())
}

/// Creates the site in `dir`. Refuses a folder that is not empty unless `force`.
pub fn init(dir: &Path, force: bool) -> Result<usize, Diagnostic> {
    let not_empty = std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if not_empty && !force {
        return Err(Diagnostic::new(
            dir,
            Code::InitNotEmpty,
            t!(
                "this folder is not empty; liaison init makes a new site in an empty folder",
                "这个文件夹不是空的；liaison init 只在空文件夹里新建站点"
            ),
        )
        .hint(t!(
            "choose a new folder name, or add --force to write the starter files into it anyway",
            "换一个新的文件夹名，或加上 --force 仍然写入"
        )));
    }
    let fail = |e: std::io::Error| {
        Diagnostic::new(dir, Code::CannotCreate, t!("cannot write the new site: {e}", "无法写入新站点：{e}")).hint(t!(
            "choose a folder you can write to, e.g. one in your home folder",
            "换一个有写入权限的位置，例如自己的主文件夹里"
        ))
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut written = Vec::new();
    write_dir(&STARTER, dir, &mut written).map_err(fail)?;
    write_dir(&DEFAULT_THEME, &dir.join("themes/default"), &mut written).map_err(fail)?;
    std::fs::write(dir.join(".gitignore"), "/public\n/.public.*\n/.liaison\n").map_err(fail)?;
    Ok(written.len() + 1)
}
