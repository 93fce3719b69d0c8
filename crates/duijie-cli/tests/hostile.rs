//! The hostile-input suite for ledgers, configs and databases
//! (`datasets/cases/hostile_ledgers.toml`): every case gets the exit code and the message it
//! must, never a panic. The solver cases are in `hostile_solve.toml` (see `cli.rs`).
//!
//! A case may also: `make` a large file from a repeated unit, run `setup` commands first (each
//! must succeed), run `sql` on a database to plant what another tool would, and check that the
//! output `not_says` something or that a written file holds a text (`file_says`).

#![allow(clippy::unwrap_used)]

mod common;
use common::root;
use std::path::Path;
use std::process::Command;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|k| u8::from_str_radix(&s[2 * k..2 * k + 2], 16).unwrap())
        .collect()
}

/// Writes `make.file` as `prefix`, then `unit` `count` times (each `{n}` in it replaced by the
/// repetition's number), then `suffix`: the large inputs of the size cases.
fn make(dir: &Path, m: &toml::Table) {
    let get = |k: &str| m.get(k).and_then(|v| v.as_str()).unwrap_or("");
    let count = m["count"].as_integer().unwrap();
    let mut body = get("prefix").to_owned();
    for n in 0..count {
        body.push_str(&get("unit").replace("{n}", &n.to_string()));
    }
    body.push_str(get("suffix"));
    let path = dir.join(get("file"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
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
        [
            "capacities",
            "configs",
            "encodings",
            "invisible",
            "messages",
            "preferences",
            "files",
            "size",
            "store"
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
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
        let put = |f: &str, bytes: &[u8]| {
            let path = dir.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        for (f, body) in c
            .get("files")
            .and_then(|f| f.as_table())
            .into_iter()
            .flatten()
        {
            put(f, body.as_str().unwrap().as_bytes());
        }
        for (f, body) in c
            .get("hex")
            .and_then(|f| f.as_table())
            .into_iter()
            .flatten()
        {
            put(f, &hex(body.as_str().unwrap()));
        }
        if let Some(m) = c.get("make").and_then(|m| m.as_table()) {
            make(&dir, m);
        }
        let words = |v: &toml::Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().replace("{dir}", dir.to_str().unwrap()))
                .collect()
        };
        for step in c
            .get("setup")
            .and_then(|s| s.as_array())
            .into_iter()
            .flatten()
        {
            let o = Command::new(env!("CARGO_BIN_EXE_duijie"))
                .args(words(step))
                .current_dir(root())
                .output()
                .unwrap();
            assert!(o.status.success(), "{name}: setup {step:?}: {o:?}");
        }
        if let Some(sql) = c.get("sql").and_then(|s| s.as_table()) {
            for (db, statements) in sql {
                rusqlite::Connection::open(dir.join(db))
                    .unwrap()
                    .execute_batch(statements.as_str().unwrap())
                    .unwrap();
            }
        }
        let args = words(&c["args"]);
        // The typed answers are checked in English unless a case asks for the Chinese report.
        let lang = c.get("lang").and_then(|l| l.as_str()).unwrap_or("en");
        let o = Command::new(env!("CARGO_BIN_EXE_duijie"))
            .args(&args)
            .args(["--lang", lang])
            .current_dir(root())
            .output()
            .unwrap();
        let out =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        if let Some(not) = c.get("not_says").and_then(|s| s.as_str()) {
            assert!(
                !out.contains(not),
                "{name}: did not expect {not:?} in:\n{out}"
            );
        }
        for (file, text) in c
            .get("file_says")
            .and_then(|f| f.as_table())
            .into_iter()
            .flatten()
        {
            let body = std::fs::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("{name}: {file}: {e}"));
            let text = text.as_str().unwrap();
            assert!(
                body.contains(text),
                "{name}: expected {text:?} in {file}:\n{body}"
            );
        }
        assert!(!out.contains("panicked"), "{name}: panicked: {out}");
        assert_ne!(o.status.code(), Some(101), "{name}: panicked");
        let exit = i32::try_from(c["exit"].as_integer().unwrap()).unwrap();
        assert_eq!(o.status.code(), Some(exit), "{name}: {out}");
        let says = c["says"].as_str().unwrap();
        assert!(out.contains(says), "{name}: expected {says:?} in:\n{out}");
    }
}
