//! Repository checks that run under `cargo test` (rust-analyzer's `tidy` idea): the
//! invariants ARCHITECTURE.md states about where things live, checked on the source text.
//!
//! Each check lists every offender, so one run shows the whole picture. Code after a
//! file's `#[cfg(test)]` line is test code and exempt from the layering rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every `.rs` file below `dir`, as paths relative to it, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !matches!(path.file_name().and_then(|n| n.to_str()), Some("target" | "node_modules" | "gen")) {
                    walk(&path, base, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A file's text before its `#[cfg(test)]` line.
fn non_test_code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The code lines (comments dropped) of `text` that mention any of `needles`.
fn mentions(text: &str, needles: &[&str]) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//"))
        .filter(|line| needles.iter().any(|n| line.contains(n)))
        .map(str::to_owned)
        .collect()
}

/// Server source files outside `allowed` (prefixes relative to `server/src`) whose non-test
/// code mentions any of `needles`.
fn layering_offenders(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let src = repo().join("server/src");
    rust_files(&src)
        .into_iter()
        .filter(|file| !allowed.iter().any(|a| file.to_string_lossy().starts_with(a)))
        .flat_map(|file| {
            mentions(&non_test_code(&src.join(&file)), needles)
                .into_iter()
                .map(move |line| format!("{}: {line}", file.display()))
        })
        .collect()
}

#[test]
fn proto_types_stay_in_api_and_error() {
    let offenders = layering_offenders(&["porthole_proto", "pb::"], &["api/", "error.rs"]);
    assert!(offenders.is_empty(), "proto types outside api/ and error.rs:\n{}", offenders.join("\n"));
}

#[test]
fn diesel_stays_in_the_store() {
    let offenders = layering_offenders(&["diesel"], &["store/"]);
    assert!(offenders.is_empty(), "diesel outside store/:\n{}", offenders.join("\n"));
}

#[test]
fn redis_stays_in_the_bus() {
    let offenders = layering_offenders(&["redis::", "use redis", "deadpool_redis"], &["realtime/bus.rs"]);
    assert!(offenders.is_empty(), "Redis outside realtime/bus.rs:\n{}", offenders.join("\n"));
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    let root = repo();
    let missing: Vec<String> = ["server", "proto", "client-sdk/rust", "bench"]
        .iter()
        .flat_map(|dir| rust_files(&root.join(dir)).into_iter().map(move |f| Path::new(dir).join(f)))
        .filter(|file| !std::fs::read_to_string(root.join(file)).unwrap().starts_with("//!"))
        .map(|file| file.display().to_string())
        .collect();
    assert!(missing.is_empty(), "Rust files that do not open with a `//!` line:\n{}", missing.join("\n"));
}

#[test]
fn both_migration_trees_have_the_same_names() {
    let names = |backend: &str| {
        let mut names: Vec<String> = std::fs::read_dir(repo().join("migrations").join(backend))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"), "migrations/sqlite and migrations/postgres differ");
}

#[test]
fn every_server_module_is_in_the_code_map() {
    let map = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let missing: Vec<String> = rust_files(&repo().join("server/src"))
        .into_iter()
        .filter(|file| {
            let path = file.with_extension("").to_string_lossy().into_owned();
            let named = match path.rsplit_once('/') {
                // A directory module: its section names the directory (`store/`).
                Some((dir, "mod")) => map.contains(&format!("{dir}/")),
                // Named as a path (`store/queries.rs`), or as `queries` with its directory
                // named somewhere (its section's heading).
                Some((dir, name)) => {
                    map.contains(&format!("{path}.rs"))
                        || (map.contains(&format!("{dir}/"))
                            && (map.contains(&format!("`{name}`")) || map.contains(&format!("`{name}.rs`"))))
                }
                None => map.contains(&format!("{path}.rs")),
            };
            !named
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(missing.is_empty(), "server modules ARCHITECTURE.md's code map does not name:\n{}", missing.join("\n"));
}
