//! liaison: a static site generator for a student union's external-relations department.
//!
//! The build is a pipeline of stages with one-way dependencies (see ARCHITECTURE.md):
//! [`config`] -> [`content`] -> [`model`] -> [`render`] -> [`output`], driven by [`pipeline`]
//! and started from [`cli`].

// Diagnostics are large (path, message, hint, source line) but only travel on the cold error
// path; boxing them would make every stage harder to read for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod cli;
pub mod codes;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod fxhash;
pub mod i18n;
pub mod init;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod text;
pub mod theme;
pub mod toml_errors;
pub mod watch;
pub mod when;

pub use cli::run;

/// Frees `garbage` on a thread of its own (inline if no thread can be started): large models
/// are millions of small values, 5-20 ms to free at 10,000 pages, that nobody needs to wait
/// for. At the end of a one-off build the exit cuts the thread short and the system takes the
/// memory back whole.
pub fn free_beside<T: Send + 'static>(garbage: T) {
    let _ = std::thread::Builder::new().name("liaison-free".into()).spawn(move || drop(garbage));
}
