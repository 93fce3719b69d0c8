//! What the CLI's integration tests share: the repository root and a run of the binary that
//! fails the test on a panic.

#![allow(dead_code)] // each test crate uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `duijie ARGS`; a panic (message or exit code 101) fails the test.
pub fn duijie(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_duijie"))
        .args(args)
        .output()
        .expect("run duijie");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "duijie panicked: {stderr}");
    assert_ne!(out.status.code(), Some(101), "duijie panicked: {stderr}");
    out
}
