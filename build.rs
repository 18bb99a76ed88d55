//! Rebuilds the binary when the files `liaison init` embeds change (include_dir cannot tell
//! cargo on stable Rust).

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=src/starter");
}
