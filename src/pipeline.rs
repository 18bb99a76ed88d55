//! The build pipeline: config -> content -> model -> render -> output.
//!
//! Every command that produces a site (`build`, and later `watch` and `serve`) drives these same
//! stages through [`build_site`]; there is no second rendering path.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::codes::Code;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{self, ModelOptions, Site};
use crate::output::{self, Output};
use crate::t;
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
    /// The command line or the folder it names is wrong (no site here, a bad `--now`).
    Usage(Diagnostic),
    Content(Diagnostics),
}

/// The result of a successful build.
#[derive(Debug)]
pub struct Built {
    pub config: Config,
    pub site: std::sync::Arc<Site>,
    /// The site in memory. After [`build`], which streams files to disk as they are rendered,
    /// `output.files` is empty (`output.copies` is filled).
    pub output: Output,
    /// HTML pages and all files (rendered and copied) of the site.
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Time spent in each stage, in order, for `LIAISON_TIMINGS=1`.
    pub stages: Vec<(&'static str, Duration)>,
    /// The steps of the render stage, in order, for `LIAISON_TIMINGS=1`.
    pub render_steps: render::Steps,
}

impl Built {
    pub fn pages(&self) -> usize {
        self.pages
    }

    pub fn files(&self) -> usize {
        self.files
    }
}

/// The error for a folder without `site.toml`.
pub fn no_site_toml(root: &Path) -> Diagnostic {
    Diagnostic::new(root, Code::NoSiteToml, t!("no site.toml in this folder", "这个文件夹里没有 site.toml")).hint(t!(
        "run liaison in a site's folder or pass --root <folder> (liaison init <dir> makes a new site)",
        "在站点文件夹里运行 liaison，或加上 --root <文件夹>（liaison init <文件夹> 可以新建站点）"
    ))
}

/// What a watch session keeps from one build to the next, one cache per stage. Each stage keys
/// its cache on all of its inputs, so a rebuild through the caches gives the same site as a
/// clean build (tests/watch.rs compares them byte for byte after every kind of edit).
#[derive(Debug)]
pub struct Caches {
    pub content: content::Cache,
    pub model: model::Memo,
    pub render: render::Memo,
}

impl Default for Caches {
    fn default() -> Caches {
        Caches { content: content::Cache::default(), model: model::Memo::default(), render: render::Memo::new() }
    }
}

impl Caches {
    /// Caches that stay empty, for builds that happen once.
    pub fn off() -> Caches {
        Caches { content: content::Cache::off(), model: model::Memo::off(), render: render::Memo::default() }
    }
}

/// Runs every stage up to rendering, into memory; writes nothing.
pub fn build_site(opts: &BuildOptions) -> Result<Built, BuildError> {
    build_site_cached(opts, &mut Caches::off())
}

/// [`build_site`], redoing only the work whose inputs changed since `caches` were filled.
pub fn build_site_cached(opts: &BuildOptions, caches: &mut Caches) -> Result<Built, BuildError> {
    let Modeled { config, theme, site, start, mut stages } = model_stages(opts, caches)?;
    let lap = Instant::now();
    let (output, render_steps) =
        render::render(&site, &config, &theme, &mut caches.render).map_err(BuildError::Content)?;
    stages.push(("render", lap.elapsed()));
    let pages = output.files.iter().filter(|f| f.path.ends_with(".html")).count();
    let files = output.files.len() + output.copies.len();
    Ok(Built { config, site, output, pages, files, elapsed: start.elapsed(), stages, render_steps })
}

/// The site up to the model, and the time it took.
struct Modeled {
    config: Config,
    theme: theme::Theme,
    /// Shared with the model's memo in watch mode (the next rebuild may patch it).
    site: std::sync::Arc<Site>,
    start: Instant,
    stages: Vec<(&'static str, Duration)>,
}

fn model_stages(opts: &BuildOptions, caches: &mut Caches) -> Result<Modeled, BuildError> {
    let start = Instant::now();
    let root: &Path = &opts.root;
    if !root.is_dir() {
        return Err(BuildError::Usage(
            Diagnostic::new(root, Code::NoSiteFolder, t!("the site folder does not exist", "站点文件夹不存在"))
                .hint(t!("check the path given to --root", "检查 --root 后面的路径")),
        ));
    }
    if !root.join("site.toml").is_file() {
        return Err(BuildError::Usage(no_site_toml(root)));
    }
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let config = Config::load(root, opts.base_url.as_deref()).map_err(BuildError::Content)?;
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let now = when::resolve_now(opts.now.as_deref(), epoch.as_deref(), &config.tz)
        .map_err(|m| BuildError::Usage(Diagnostic::new("", Code::BadNow, m)))?;
    // Side by side: reading the theme (1-1.6 ms) is a good part of a watch rebuild's first stage.
    let (theme, content) = rayon::join(
        || theme::load(root, &config.site.theme, &config.site.language),
        || content::load_cached(root, &config, &mut caches.content),
    );
    let model_opts = ModelOptions { drafts: opts.drafts, now };
    let (theme, content) = match (theme, content) {
        (Ok(t), Ok((c, errors))) if errors.is_empty() => (t, c),
        (t, c) => {
            let mut all = Diagnostics::default();
            if let Err(e) = t {
                all.extend(e);
            }
            match c {
                // One broken file must not hide the mistakes of the others: the model still
                // checks what could be read (links, sponsors, URLs), skipping what depends on
                // the broken files.
                Ok((c, errors)) => {
                    all.extend(errors);
                    if let Err(e) = model::build(c, &config, &model_opts) {
                        all.extend(e);
                    }
                }
                Err(e) => all.extend(e),
            }
            return Err(BuildError::Content(all.sorted()));
        }
    };
    mark("config, theme and content");
    let site = model::build_memo(content, &config, &model_opts, &mut caches.model)
        .map_err(|e| BuildError::Content(e.sorted()))?;
    mark("model");
    Ok(Modeled { config, theme, site, start, stages })
}

/// `liaison build`: builds and writes the output folder atomically. Pages are written into a
/// temporary folder as they are rendered (the site is never held in memory whole), which is
/// swapped in only when everything was written; on any error it is removed and the previous
/// output stays as it was.
pub fn build(opts: &BuildOptions) -> Result<Built, BuildError> {
    let out = opts.out_dir();
    output::check_out_dir(&opts.root, &out).map_err(BuildError::Usage)?;
    let Modeled { config, theme, site, start, mut stages } = model_stages(opts, &mut Caches::off())?;
    // Built without a memo: nothing else holds it.
    let mut site = std::sync::Arc::try_unwrap(site).unwrap_or_else(|s| (*s).clone());
    let mut lap = Instant::now();
    let staging = output::Staging::begin(&out).map_err(|d| BuildError::Content(d.into()))?;
    // The pages' folders are made on a thread of their own from the moment the render knows
    // them (see `Staging::make_folders`); it stops when the render ends.
    let (to_maker, folders) = std::sync::mpsc::channel::<Vec<String>>();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let rendered = std::thread::scope(|scope| {
        let (staging, stop) = (&staging, &stop);
        scope.spawn(move || {
            if let Ok(folders) = folders.recv() {
                staging.make_folders(&folders, stop);
            }
        });
        let rendered = render::render_with(&mut site, &config, &theme, &|f| staging.write(&f.path, &f.bytes), &|f| {
            let _ = to_maker.send(f);
        });
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        drop(to_maker);
        rendered
    })
    .map_err(BuildError::Content)?;
    stages.push(("render and write", lap.elapsed()));
    lap = Instant::now();
    staging.copy_all(&rendered.copies).map_err(|d| BuildError::Content(d.into()))?;
    staging.commit().map_err(|d| BuildError::Content(d.into()))?;
    stages.push(("copy files and swap", lap.elapsed()));
    let files = rendered.files + rendered.copies.len();
    let output = Output { files: Vec::new(), copies: rendered.copies };
    let site = std::sync::Arc::new(site);
    let (pages, render_steps) = (rendered.pages, rendered.steps);
    Ok(Built { config, site, output, pages, files, elapsed: start.elapsed(), stages, render_steps })
}
