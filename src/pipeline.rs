//! The build pipeline: config -> content -> model -> render -> output.
//!
//! Every command that produces a site (`build`, and later `watch` and `serve`) drives these same
//! stages through [`build_site`]; there is no second rendering path.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostic::Diagnostics;
use crate::model::{self, ModelOptions, Site};
use crate::output::{self, Output};
use crate::{content, render, theme, when};

/// What the user asked for (the flags of `build`).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    pub now: Option<String>,
}

impl BuildOptions {
    /// The output folder: `--out` (relative to the current directory), else `<root>/public`.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// A failed build: usage problems (exit 2) or content problems (exit 1).
#[derive(Debug)]
pub enum BuildError {
    Usage(String),
    Content(Diagnostics),
}

/// The result of a successful build.
#[derive(Debug)]
pub struct Built {
    pub config: Config,
    pub site: Site,
    pub output: Output,
    pub elapsed: Duration,
    /// Time spent in each stage, in order, for `LIAISON_TIMINGS=1`.
    pub stages: Vec<(&'static str, Duration)>,
}

impl Built {
    pub fn pages(&self) -> usize {
        self.output.files.iter().filter(|f| f.path.ends_with(".html")).count()
    }
}

/// Runs every stage up to rendering; writes nothing.
pub fn build_site(opts: &BuildOptions) -> Result<Built, BuildError> {
    build_site_cached(opts, &mut content::Cache::default())
}

/// [`build_site`], re-reading only the content files that changed since `cache` was filled.
pub fn build_site_cached(opts: &BuildOptions, cache: &mut content::Cache) -> Result<Built, BuildError> {
    let start = Instant::now();
    let root: &Path = &opts.root;
    if !root.is_dir() {
        return Err(BuildError::Usage(format!("the site folder {} does not exist", root.display())));
    }
    if !root.join("site.toml").is_file() {
        return Err(BuildError::Usage(format!(
            "no site.toml in {}: run liaison in a site's folder or pass --root <folder> (liaison init <dir> makes a new site)",
            root.display()
        )));
    }
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let config = Config::load(root, opts.base_url.as_deref()).map_err(BuildError::Content)?;
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let now = when::resolve_now(opts.now.as_deref(), epoch.as_deref(), &config.tz).map_err(BuildError::Usage)?;
    let theme = theme::load(root, &config.site.theme, &config.site.language);
    let content = content::load_cached(root, &config, cache);
    let (theme, content) = match (theme, content) {
        (Ok(t), Ok(c)) => (t, c),
        (t, c) => {
            let mut all = Diagnostics::default();
            if let Err(e) = t {
                all.extend(e);
            }
            if let Err(e) = c {
                all.extend(e);
            }
            return Err(BuildError::Content(all.sorted()));
        }
    };
    mark("config, theme and content");
    let site = model::build(content, &config, &ModelOptions { drafts: opts.drafts, now })
        .map_err(|e| BuildError::Content(e.sorted()))?;
    mark("model");
    let output = render::render(&site, &config, &theme).map_err(BuildError::Content)?;
    mark("render");
    Ok(Built { config, site, output, elapsed: start.elapsed(), stages })
}

/// `liaison build`: builds and writes the output folder atomically.
pub fn build(opts: &BuildOptions) -> Result<Built, BuildError> {
    let out = opts.out_dir();
    output::check_out_dir(&opts.root, &out).map_err(|d| BuildError::Usage(d.to_string()))?;
    let mut built = build_site(opts)?;
    let lap = Instant::now();
    output::write_site(&out, &built.output).map_err(|d| BuildError::Content(d.into()))?;
    built.stages.push(("write", lap.elapsed()));
    Ok(built)
}
