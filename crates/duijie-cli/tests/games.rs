//! `duijie stable` against the Python `matching` package's answers, pair by pair
//! (`datasets/games/expected.toml`, made by `datasets/games/make.py`), and on hostile and tied
//! game files.

#![allow(clippy::unwrap_used)]

mod common;
use common::{duijie, root};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn json(args: &[&str]) -> serde_json::Value {
    let out = duijie(args);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Each applicant's partner, from `duijie stable --json`.
fn pairs(v: &serde_json::Value) -> BTreeMap<String, String> {
    v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_matching_packages_examples_reproduce_pair_by_pair() {
    let expected: toml::Table =
        std::fs::read_to_string(root().join("datasets/games/expected.toml"))
            .unwrap()
            .parse()
            .unwrap();
    let mut checked = 0;
    for (game, sides) in &expected {
        for (side, answer) in sides.as_table().unwrap() {
            let file = root().join(format!("datasets/games/{game}.json"));
            let v = json(&[
                "stable",
                file.to_str().unwrap(),
                "--optimal",
                side,
                "--json",
            ]);
            let want: BTreeMap<String, String> = answer
                .as_table()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            assert_eq!(pairs(&v), want, "{game}, {side}-optimal");
            assert_eq!(v["blocking_pairs"], serde_json::json!([]));
            checked += 1;
        }
    }
    assert_eq!(checked, 10, "five games, both sides");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn ties_need_a_rule_and_super_stability_may_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    // Two residents tied at a hospital with one place.
    let tied = write(
        dir.path(),
        "tied.json",
        "{\"resident_prefs\": {\"r1\": [\"h\"], \"r2\": [\"h\"]},\n \"hospital_prefs\": {\n  \"h\": [[\"r1\", \"r2\"]]\n },\n \"hospital_capacities\": {\"h\": 1}}",
    );
    let f = tied.to_str().unwrap();
    let out = duijie(&["stable", f]);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("tied.json:3: hospital_prefs[\"h\"] ranks \"r1\", \"r2\" equally"),
        "{e}"
    );
    let v = json(&["stable", f, "--ties", "index", "--json"]);
    assert_eq!(pairs(&v), BTreeMap::from([("r1".into(), "h".into())]));
    assert_eq!(v["stability"], "weakly stable");
    let out = duijie(&["stable", f, "--ties", "super"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("no super-stable matching exists: hospital \"h\""),
        "{e}"
    );
    // Seeded tie-breaking: the same seed, the same answer; every seed weakly stable.
    let a = json(&["stable", f, "--ties", "random", "--seed", "7", "--json"]);
    let b = json(&["stable", f, "--ties", "random", "--seed", "7", "--json"]);
    assert_eq!(a, b);
    // A super-stable matching when the tie does not matter: two places.
    let roomy = write(
        dir.path(),
        "roomy.json",
        &std::fs::read_to_string(&tied)
            .unwrap()
            .replace("\"h\": 1", "\"h\": 2"),
    );
    let v = json(&[
        "stable",
        roomy.to_str().unwrap(),
        "--ties",
        "super",
        "--json",
    ]);
    assert_eq!(v["stability"], "super-stable");
    assert_eq!(pairs(&v).len(), 2);
}

#[test]
fn hostile_game_files_name_the_file_line_and_player() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "{\"suitor_prefs\": {\n\"A\": [\"X\", \"Q\"]},\n\"reviewer_prefs\": {\"X\": [\"A\"]}}",
            "g.json:2: suitor_prefs[\"A\"]: ranks \"Q\", which is not a reviewer",
        ),
        (
            "{\"suitor_prefs\": {\n\"A\": [\"X\", \"X\"]},\n\"reviewer_prefs\": {\"X\": [\"A\"]}}",
            "g.json:2: suitor_prefs[\"A\"]: lists \"X\" twice",
        ),
        (
            "{\"suitor_prefs\": {\"A\": [\"X\"]},\n\"reviewer_prefs\": {\n\"X\": []}}",
            "g.json:3: reviewer_prefs[\"X\"]: the list is empty",
        ),
        (
            "{\"resident_prefs\": {\"A\": [\"H\"]}, \"hospital_prefs\": {\"H\": [\"A\"]},\n\"hospital_capacities\": {\"H\": 0}}",
            "g.json:2: hospital_capacities[\"H\"]: the capacity 0",
        ),
        (
            "{\"suitor_prefs\": {\"A\": [\"X\"]}, \"reviewer_prefs\": {\"X\": [\"A\"]",
            "g.json:1: not a JSON object",
        ),
    ];
    for (text, want) in cases {
        let f = write(dir.path(), "g.json", text);
        let out = duijie(&["stable", f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{text}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(want), "{text}\n→ {e}");
    }
}
