//! The command line: parsing arguments and running a command, with exit codes.
//!
//! 0 on success, 1 when the site has errors, 2 for usage errors (bad flags, no site here).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::pipeline::{self, BuildError, BuildOptions};

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
/// Returns the process exit code.
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
    }
}

fn build(opts: BuildOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let start = Instant::now();
    match pipeline::build(&opts) {
        Ok(built) => {
            if std::env::var_os("LIAISON_TIMINGS").is_some() {
                for (stage, d) in &built.stages {
                    let _ = writeln!(err, "{stage:>28}: {:>7.1} ms", d.as_secs_f64() * 1000.0);
                }
            }
            let _ = writeln!(
                out,
                "Built {} pages ({} files) in {} ms -> {}",
                built.pages(),
                built.output.files.len() + built.output.copies.len(),
                start.elapsed().as_millis(),
                opts.out_dir().display()
            );
            0
        }
        Err(BuildError::Usage(msg)) => {
            let _ = writeln!(err, "error: {msg}");
            2
        }
        Err(BuildError::Content(diags)) => {
            for d in &diags.0 {
                let _ = writeln!(err, "{}\n", d.render());
            }
            let n = diags.len();
            let _ = writeln!(
                err,
                "Build failed: {n} error{} found; nothing was written (the previous output is unchanged).",
                if n == 1 { "" } else { "s" }
            );
            1
        }
    }
}
