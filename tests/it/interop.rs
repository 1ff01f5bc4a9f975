//! Interoperability, both ways, for every algorithm jwb signs: `tests/interop/interop.py`
//! drives the real binary against joserfc and pyca/cryptography (ML-DSA). Without Python or
//! those libraries the test prints why and passes; under CI (`CI` set) it fails instead, as
//! `.ci/run` installs them (pinned).

use std::path::Path;
use std::process::Command;

/// The Python libraries the script imports, with the feature it needs from each.
const PROBE: &str = "import joserfc.jws\n\
                     from joserfc._rfc8812 import register_secp256k1\n\
                     from cryptography.hazmat.primitives.asymmetric import mldsa";

fn python_ready() -> bool {
    let ready = Command::new("python3")
        .args(["-c", PROBE])
        .output()
        .is_ok_and(|out| out.status.success());
    if ready {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "python3 with joserfc and cryptography (ML-DSA) not found, and CI is set: \
         .ci/run installs them"
    );
    println!(
        "skipped: python3 with joserfc 1.8 and cryptography 48 (ML-DSA) not found \
         (pip install joserfc==1.8.0 cryptography==48.0.0; CI installs them)"
    );
    false
}

#[test]
fn every_algorithm_interoperates_with_joserfc_and_pyca_cryptography() {
    if !python_ready() {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/interop.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_jwb"))
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every algorithm jwb signs, both ways.
    let signing = jwt_workbench::jose::alg::Alg::ALL.len() - 1;
    assert!(
        stdout.contains(&format!("{0} of {0} passed", signing * 2)),
        "{stdout}"
    );
}
