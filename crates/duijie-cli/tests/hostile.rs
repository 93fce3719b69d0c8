//! The hostile-input suite for ledgers, configs and databases
//! (`datasets/cases/hostile_ledgers.toml`): every case gets the exit code and the message it
//! must, never a panic. The solver cases are in `hostile_solve.toml` (see `cli.rs`).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|k| u8::from_str_radix(&s[2 * k..2 * k + 2], 16).unwrap())
        .collect()
}

#[test]
fn every_hostile_ledger_config_and_database_gets_its_typed_answer() {
    let text = std::fs::read_to_string(root().join("datasets/cases/hostile_ledgers.toml")).unwrap();
    let cases: toml::Table = text.parse().unwrap();
    let list = cases["case"].as_array().unwrap();
    assert!(list.len() >= 40, "{} cases", list.len());
    let families: std::collections::BTreeSet<&str> =
        list.iter().map(|c| c["family"].as_str().unwrap()).collect();
    assert_eq!(
        families.into_iter().collect::<Vec<_>>(),
        ["capacities", "configs", "files", "preferences"]
    );
    let tmp = tempfile::tempdir().unwrap();
    for (k, c) in list.iter().enumerate() {
        let name = c["name"].as_str().unwrap();
        let dir = tmp.path().join(format!("case{k}"));
        std::fs::create_dir_all(&dir).unwrap();
        if c.get("base").and_then(|b| b.as_str()) == Some("sample") {
            for e in std::fs::read_dir(root().join("datasets/sample")).unwrap() {
                let p = e.unwrap().path();
                std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
            }
        }
        if let Some(files) = c.get("files").and_then(|f| f.as_table()) {
            for (f, body) in files {
                std::fs::write(dir.join(f), body.as_str().unwrap()).unwrap();
            }
        }
        if let Some(files) = c.get("hex").and_then(|f| f.as_table()) {
            for (f, body) in files {
                std::fs::write(dir.join(f), hex(body.as_str().unwrap())).unwrap();
            }
        }
        let args: Vec<String> = c["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().replace("{dir}", dir.to_str().unwrap()))
            .collect();
        let o = Command::new(env!("CARGO_BIN_EXE_duijie"))
            .args(&args)
            .current_dir(root())
            .output()
            .unwrap();
        let out =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        assert!(!out.contains("panicked"), "{name}: panicked: {out}");
        assert_ne!(o.status.code(), Some(101), "{name}: panicked");
        let exit = i32::try_from(c["exit"].as_integer().unwrap()).unwrap();
        assert_eq!(o.status.code(), Some(exit), "{name}: {out}");
        let says = c["says"].as_str().unwrap();
        assert!(out.contains(says), "{name}: expected {says:?} in:\n{out}");
    }
}
