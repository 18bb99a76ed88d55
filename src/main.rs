//! The `liaison` binary: everything happens in [`liaison::run`].

fn main() {
    let code = liaison::run(std::env::args_os(), &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
