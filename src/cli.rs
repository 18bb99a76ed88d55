//! The command line: parsing arguments and running a command, with exit codes.
//!
//! 0 on success, 1 when the site has errors, 2 for usage errors (bad flags, no site here).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::i18n::Lang;
use crate::pipeline::{self, BuildError, BuildOptions};
use crate::t;

#[derive(Debug, Parser)]
#[command(
    name = "liaison",
    version,
    about = "Static site generator for a student union's external-relations department"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
    /// Build, then rebuild on every change under content/, themes/ and site.toml (Ctrl-C stops).
    Watch(BuildArgs),
    /// Build, watch, and serve the site on 127.0.0.1 with live reload in the browser.
    Serve(ServeArgs),
    /// Create a new activity, partner, recruitment round or page, ready to fill in.
    New(NewArgs),
    /// Create a new site (settings, one example of each kind, the default theme) in a folder.
    Init(InitArgs),
    /// Check everything a build checks, plus links, anchors and warnings; writes nothing.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Treat warnings as errors (exit 1 when there are any).
    #[arg(long)]
    deny_warnings: bool,
    /// `text` for people, `json` for tools and CI.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The folder to create the site in.
    dir: PathBuf,
    /// Write into a folder that is not empty.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// What to create.
    kind: crate::scaffold::NewKind,
    /// Its title (Chinese titles get a pinyin file name).
    title: String,
    /// The file name to use instead of one made from the title.
    #[arg(long)]
    slug: Option<String>,
    /// The site's folder (the one holding site.toml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The date to write as "today" (default: today in the site's timezone).
    #[arg(long)]
    now: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Address to listen on (127.0.0.1 keeps the preview on this computer).
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Port to listen on; the next free one is used when it is taken.
    #[arg(long, default_value_t = 1818)]
    port: u16,
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// The site's folder (the one holding site.toml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site (default: <root>/public).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Include drafts (draft = true) in the output.
    #[arg(long)]
    drafts: bool,
    /// Use this base URL instead of site.toml's base_url.
    #[arg(long)]
    base_url: Option<String>,
    /// The build's "now" (for recruitment status): 2018-09-20, 2018-09-20T19:00:00 or RFC 3339.
    #[arg(long)]
    now: Option<String>,
}

impl BuildArgs {
    fn options(self) -> BuildOptions {
        BuildOptions { root: self.root, out: self.out, drafts: self.drafts, base_url: self.base_url, now: self.now }
    }
}

/// Runs liaison with `args` (including the program name), printing to `out` and `err`.
/// Returns the process exit code. Messages are in the site's language (see [`Lang::for_site`]).
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = if code == 0 { write!(out, "{e}") } else { write!(err, "{e}") };
            return code;
        }
    };
    match cli.command {
        Command::Build(args) => build(args.options(), out, err),
        Command::Watch(args) => watch(args.options(), out, err),
        Command::Serve(args) => serve(args, out, err),
        Command::New(args) => new(args, out, err),
        Command::Check(args) => check(args, out, err),
        Command::Init(args) => init(args, out, err),
    }
}

/// Prints diagnostics, each followed by a blank line.
fn print_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, lang: Lang, to: &mut dyn Write) {
    for d in diags {
        let _ = writeln!(to, "{}\n", d.render(lang));
    }
}

/// Prints a usage problem (exit 2) or the site's problems (exit 1).
fn usage_or_content(e: BuildError, lang: Lang, err: &mut dyn Write) -> i32 {
    match e {
        BuildError::Usage(d) => {
            print_all([&d], lang, err);
            2
        }
        BuildError::Content(diags) => {
            print_all(&diags.0, lang, err);
            1
        }
    }
}

fn init(args: InitArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match crate::init::init(&args.dir, args.force) {
        Ok(n) => {
            // From now on the site's language speaks (the starter site is Chinese).
            let lang = Lang::for_site(&args.dir);
            let dir = args.dir.display();
            let line = t!(
                "Created a new site in {dir} ({n} files). Next: cd {dir} && liaison serve",
                "已在 {dir} 新建站点（{n} 个文件）。下一步：cd {dir} && liaison serve"
            );
            let _ = writeln!(out, "{}", line.get(lang));
            0
        }
        Err(d) => {
            print_all([&d], Lang::for_shell(), err);
            1
        }
    }
}

fn new(args: NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let lang = Lang::for_site(&args.root);
    if !args.root.join("site.toml").is_file() {
        print_all([&pipeline::no_site_toml(&args.root)], lang, err);
        return 2;
    }
    let config = match crate::config::Config::load(&args.root, None) {
        Ok(c) => c,
        Err(e) => return usage_or_content(BuildError::Content(e), lang, err),
    };
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let today = match crate::when::resolve_now(args.now.as_deref(), epoch.as_deref(), &config.tz) {
        Ok(now) => now.date(),
        Err(msg) => {
            print_all([&Diagnostic::new("", Code::BadNow, msg)], lang, err);
            return 2;
        }
    };
    match crate::scaffold::new_item(&args.root, &config, args.kind, &args.title, args.slug.as_deref(), today) {
        Ok(rel) => {
            let file = rel.display();
            let line = t!(
                "Created {file} (a draft: remove `draft = true` to publish)",
                "已创建 {file}（草稿：删除 `draft = true` 即可发布）"
            );
            let _ = writeln!(out, "{}", line.get(lang));
            0
        }
        Err(d) => {
            print_all([&d], lang, err);
            1
        }
    }
}

fn check(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let opts = args.build.options();
    let lang = Lang::for_site(&opts.root);
    // No site here (E090/E091) is the pipeline's usage error, like every other one.
    let findings = match crate::check::check(&opts) {
        Ok(f) => f,
        Err(d) => {
            print_all([&d], lang, err);
            return 2;
        }
    };
    let (errors, warnings) = (findings.errors.sorted(), findings.warnings.sorted());
    if args.format == "json" {
        let item = |d: &Diagnostic| {
            serde_json::json!({
                "code": d.code.id(),
                "path": d.path.display().to_string(),
                "line": d.pos.map(|p| p.line),
                "column": d.pos.map(|p| p.col),
                "message": d.message.get(lang),
                "hint": d.hint.as_ref().map(|h| h.get(lang)),
            })
        };
        let report = serde_json::json!({
            "errors": errors.0.iter().map(item).collect::<Vec<_>>(),
            "warnings": warnings.0.iter().map(item).collect::<Vec<_>>(),
            "summary": { "errors": errors.len(), "warnings": warnings.len() },
        });
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        let mut all: Vec<&Diagnostic> = errors.0.iter().chain(&warnings.0).collect();
        all.sort_by(|a, b| (&a.path, a.pos).cmp(&(&b.path, b.pos)));
        let mut last = None;
        for d in all {
            if last != Some(&d.path) {
                let _ = writeln!(out, "== {}", d.path.display());
                last = Some(&d.path);
            }
            let _ = writeln!(out, "{}\n", d.render(lang));
        }
        let (e, w) = (errors.len(), warnings.len());
        let (es, ws) = (if e == 1 { "" } else { "s" }, if w == 1 { "" } else { "s" });
        let line = t!("Checked: {e} error{es}, {w} warning{ws}.", "检查完毕：{e} 个错误，{w} 个警告。");
        let _ = writeln!(out, "{}", line.get(lang));
    }
    if !errors.is_empty() || (args.deny_warnings && !warnings.is_empty()) { 1 } else { 0 }
}

fn watch(opts: BuildOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let lang = Lang::for_site(&opts.root);
    let rebuilder = match crate::watch::Rebuilder::new(opts) {
        Ok(r) => r,
        Err(e) => return usage_or_content(e, lang, err),
    };
    match crate::watch::run(rebuilder, out, &|_| {}) {
        Ok(()) => 0,
        Err(e) => usage_or_content(e, lang, err),
    }
}

fn serve(args: ServeArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let lang = Lang::for_site(&args.build.root);
    let listener = match crate::serve::bind(args.bind, args.port) {
        Ok(l) => l,
        Err(e) => {
            let addr = format!("{}:{}", args.bind, args.port);
            let d = Diagnostic::new("", Code::CannotListen, t!("cannot listen on {addr}: {e}", "无法监听 {addr}：{e}"))
                .hint(t!("choose another address or port with --bind / --port", "用 --bind / --port 换一个地址或端口"));
            print_all([&d], lang, err);
            return 2;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    let host = if args.bind.is_unspecified() { "127.0.0.1".to_string() } else { args.bind.to_string() };
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    let local = format!("http://{host}:{port}/");
    let mut opts = args.build.options();
    if opts.base_url.is_none() {
        opts.base_url = Some(local.clone());
    }
    // The preview never overwrites public/: a site built for http://127.0.0.1 must not be
    // published by mistake.
    if opts.out.is_none() {
        opts.out = Some(opts.root.join(".liaison").join("serve"));
    }
    let mut rebuilder = match crate::watch::Rebuilder::new(opts) {
        Ok(r) => r,
        Err(e) => return usage_or_content(e, lang, err),
    };
    let out_dir = rebuilder.out_dir().to_path_buf();
    let (events, _) = tokio::sync::broadcast::channel(16);
    if let Err(e) = crate::watch::first_build(&mut rebuilder, out, &|_| {}) {
        return usage_or_content(e, lang, err);
    }
    let shown = out_dir.display();
    let line = t!(
        "Serving {shown} at {local} (live reload on, Ctrl-C to stop)",
        "预览地址 {local}（内容来自 {shown}，保存即自动刷新，按 Ctrl-C 停止）"
    );
    let _ = writeln!(out, "{}", line.get(lang));
    let _ = out.flush();
    let sender = events.clone();
    std::thread::spawn(move || {
        let notify = move |e| {
            let _ = sender.send(e);
        };
        if let Err(e) = crate::watch::watch_changes(rebuilder, &mut std::io::stdout(), &notify) {
            // The server goes on serving the last good build; say why previews stopped updating.
            usage_or_content(e, lang, &mut std::io::stderr());
        }
    });
    match crate::serve::run(listener, out_dir, events) {
        Ok(()) => 0,
        Err(e) => {
            let d = Diagnostic::new("", Code::CannotListen, t!("the server stopped: {e}", "预览服务器停止了：{e}"));
            print_all([&d], lang, err);
            2
        }
    }
}

fn build(opts: BuildOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let start = Instant::now();
    let lang = Lang::for_site(&opts.root);
    match pipeline::build(&opts) {
        Ok(built) => {
            if std::env::var_os("LIAISON_TIMINGS").is_some() {
                for (stage, d) in &built.stages {
                    let _ = writeln!(err, "{stage:>28}: {:>7.1} ms", d.as_secs_f64() * 1000.0);
                    if *stage == "render and write" {
                        for (step, d) in &built.render_steps {
                            let _ = writeln!(err, "{:>28}  {:>7.1} ms {step}", "", d.as_secs_f64() * 1000.0);
                        }
                    }
                }
            }
            let (pages, files) = (built.pages(), built.files());
            let (ms, dir) = (start.elapsed().as_millis(), opts.out_dir());
            let dir = dir.display();
            let line = t!(
                "Built {pages} pages ({files} files) in {ms} ms -> {dir}",
                "已构建 {pages} 个页面（{files} 个文件），用时 {ms} ms -> {dir}"
            );
            let _ = writeln!(out, "{}", line.get(lang));
            // The process ends next: the model is not freed on its way out.
            crate::free_beside(built);
            0
        }
        Err(e @ BuildError::Usage(_)) => usage_or_content(e, lang, err),
        Err(BuildError::Content(diags)) => {
            print_all(&diags.0, lang, err);
            let n = diags.len();
            let s = if n == 1 { "" } else { "s" };
            let line = t!(
                "Build failed: {n} error{s} found; nothing was written (the previous output is unchanged).",
                "构建失败：发现 {n} 个错误；没有写入任何文件（上一次的输出保持不变）。"
            );
            let _ = writeln!(err, "{}", line.get(lang));
            1
        }
    }
}
