//! The `liaison` binary: everything happens in [`liaison::run`].

/// mimalloc, not glibc's malloc: a build allocates and frees millions of small values from two
/// threads (a seventh of its instructions were glibc's allocator). Cold build at 10,000 pages:
/// wall -14%, peak RSS 168 -> 206 MB. `no_thp`: with transparent huge pages its arenas' RSS
/// reached 242-264 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = liaison::run(std::env::args_os(), &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
