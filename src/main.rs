//! The `liaison` binary: everything happens in [`liaison::run`].

/// mimalloc, not glibc's malloc: a build allocates and frees millions of small values from two
/// threads (a seventh of its instructions were glibc's allocator). Cold build at 10,000 pages:
/// wall -14%, peak RSS 168 -> 206 MB. `no_thp`: with transparent huge pages its arenas' RSS
/// reached 242-264 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = liaison::run(std::env::args_os(), &mut std::io::stdout(), &mut std::io::stderr());
    // The process ends without its exit handlers: mimalloc's returns every free page to the
    // system one `madvise` at a time (300 calls, ~10 ms after a 10,000-page build), which the
    // end of the process does at once anyway. Nothing else is registered; output is flushed here.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let _ = std::io::Write::flush(&mut std::io::stderr());
    #[cfg(unix)]
    // SAFETY: `_exit` ends the process; no Rust code runs after it and nothing is left unflushed.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code);
}
