//! Rebuilds the server when the built web assets change. rust-embed decides at compile
//! time which files exist (and, with `allow_missing`, whether the folder exists at all, even
//! in debug builds that read file contents from disk), so a binary compiled before
//! `npm run build:web` would otherwise keep answering "not built".

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for dir in ["../widget-web/dist", "../admin-web/dist"] {
        // A directory is scanned recursively; a missing one is re-checked on every build.
        println!("cargo:rerun-if-changed={dir}");
    }
}
