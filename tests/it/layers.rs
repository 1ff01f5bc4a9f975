//! The engine's boundary, checked: `jwb-jose` (the sources in `src/jose/`) is a crate of its
//! own whose manifest allows no terminal, clipboard, network or configuration crate, and whose
//! code (tests aside) reads no clock, file, environment or socket. Cargo enforces the first;
//! this test keeps the manifest and the second honest.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The crates the engine may depend on: parsing, encoding and cryptography, nothing that
/// touches the outside world.
const ALLOWED: &[&str] = &[
    "aes-kw",
    "aws-lc-rs",
    "base64",
    "hmac",
    "memchr",
    "miniz_oxide",
    "serde",
    "serde_json",
    "sha2",
    // SHAKE256 for the ID token hashes of Ed448 and ML-DSA (`jose::profile`).
    "sha3",
    "thiserror",
    "zeroize",
    "zxcvbn",
];

/// What the engine's code must not call: the clock, files, sockets, the environment, processes
/// and the terminal.
const FORBIDDEN: &[&str] = &[
    "std::fs",
    "std::net",
    "std::env",
    "SystemTime::now",
    "Instant::now",
    "std::io::stdin",
    "std::io::stdout",
    "println!",
    "eprintln!",
    "Command::new",
];

#[test]
fn the_engine_crate_depends_on_nothing_outside_its_craft() {
    let manifest =
        std::fs::read_to_string(root().join("crates/jose/Cargo.toml")).expect("manifest");
    let mut section = "";
    let mut deps = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if section == "[dependencies]"
            && let Some((name, _)) = line.split_once('=')
            && !line.starts_with('#')
        {
            deps.push(name.trim().to_owned());
        }
    }
    assert!(
        deps.iter().any(|d| d == "aws-lc-rs"),
        "read the deps: {deps:?}"
    );
    for dep in &deps {
        assert!(
            ALLOWED.contains(&dep.as_str()),
            "jwb-jose depends on '{dep}', which is no part of a pure token engine (allowed: \
             {ALLOWED:?})"
        );
    }
    // The workbench uses the engine through the crate, not a module of its own.
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).expect("lib.rs");
    assert!(lib.contains("pub use jwb_jose as jose;"), "{lib}");
    assert!(!lib.contains("mod jose;"), "{lib}");
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_engine_reads_no_clock_file_socket_or_environment() {
    let mut files = Vec::new();
    sources(&root().join("src/jose"), &mut files);
    assert!(
        files.len() > 20,
        "found the engine's files: {}",
        files.len()
    );
    let mut found = Vec::new();
    for file in files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        // Unit tests may read fixtures and time themselves; the engine may not.
        if name == "tests.rs" || file.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source");
        // Code after `#[cfg(test)]` is a test module.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for word in FORBIDDEN {
                if line.contains(word) {
                    found.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the engine touches the outside world:\n{}",
        found.join("\n")
    );
}
