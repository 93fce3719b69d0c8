//! End-to-end tests of the `duijie` binary and the library chain behind it, against answers
//! kept as data in `datasets/cases/`.

#![allow(clippy::unwrap_used)]

mod common;
use common::{duijie, root};
use std::path::Path;
use std::process::Command;

fn case(name: &str) -> toml::Table {
    let text = std::fs::read_to_string(root().join("datasets/cases").join(name)).unwrap();
    text.parse().unwrap()
}

fn int(t: &toml::Table, section: &str, key: &str) -> i64 {
    t[section][key]
        .as_integer()
        .unwrap_or_else(|| panic!("{section}.{key}"))
}

/// Checks one outcome against `datasets/cases/demo.toml`.
fn check_demo(ledger: &duijie::Ledger, outcome: &duijie::pipeline::Outcome) {
    let expected = case("demo.toml");
    for m in &outcome.markets {
        let name = m.allocation.market.name();
        let x = &m.metrics;
        assert_eq!(
            x.welfare,
            i128::from(int(&expected, name, "welfare")),
            "{name} welfare"
        );
        for (key, value) in [
            ("demand_units", x.demand_units as i64),
            ("supply_units", x.supply_units as i64),
            ("matched_units", x.matched_units as i64),
            ("unmet_units", x.unmet_units as i64),
            ("needs_covered", x.needs_covered as i64),
            ("candidate_pairs", x.candidate_pairs as i64),
        ] {
            assert_eq!(value, int(&expected, name, key), "{name} {key}");
        }
        let got: Vec<(String, String, i64)> = m
            .allocation
            .matches
            .iter()
            .map(|mt| {
                let mk = m.allocation.market;
                (
                    duijie::score::need_external_id(ledger, mk, mt.need as usize).to_owned(),
                    duijie::score::offer_external_id(ledger, mk, mt.offer as usize).to_owned(),
                    i64::from(mt.units),
                )
            })
            .collect();
        let want: Vec<(String, String, i64)> = expected[name]["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let a = v.as_array().unwrap();
                (
                    a[0].as_str().unwrap().into(),
                    a[1].as_str().unwrap().into(),
                    a[2].as_integer().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, want, "{name} matches");
    }
    assert_eq!(
        outcome.welfare,
        i128::from(int(&expected, "total", "welfare"))
    );
    for c in &outcome.coverage {
        let v = expected["coverage"][c.group.as_str()].as_array().unwrap();
        assert_eq!(
            (c.parties as i64, c.covered as i64),
            (v[0].as_integer().unwrap(), v[1].as_integer().unwrap()),
            "{}",
            c.group
        );
    }
}

#[test]
fn the_sample_ledger_gives_the_hand_computed_answer() {
    let loaded = duijie_store::load_paths(&[root().join("datasets/sample")]).unwrap();
    assert!(loaded.report.problems.is_empty(), "{}", loaded.report);
    let outcome = duijie::pipeline::run(&loaded.ledger).unwrap();
    check_demo(&loaded.ledger, &outcome);
}

#[test]
fn demo_prints_the_hand_computed_answer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let o = duijie(&["demo", "--bundled", "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let expected = case("demo.toml");
    let total = int(&expected, "total", "welfare");
    assert!(
        text.contains(&format!(
            "total welfare {}.{:06}",
            total / 1_000_000,
            total % 1_000_000
        )),
        "{text}"
    );
    for name in ["talent", "technology", "training", "placement"] {
        let line = text.lines().find(|l| l.starts_with(name)).unwrap();
        let cols: Vec<&str> = line.split_whitespace().collect();
        // market, 中文, needs, offers, pairs, demand, supply, matched, unmet, covered, welfare
        assert_eq!(
            cols[4],
            int(&expected, name, "candidate_pairs").to_string(),
            "{line}"
        );
        assert_eq!(
            cols[7],
            int(&expected, name, "matched_units").to_string(),
            "{line}"
        );
        assert_eq!(
            cols[8],
            int(&expected, name, "unmet_units").to_string(),
            "{line}"
        );
    }
    assert!(text.contains("coverage: schools 4/4, institutes 1/2, enterprises 3/4, large and medium enterprises 3/3"), "{text}");
    for f in ["matches.csv", "unmet.csv", "summary.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let unmet = std::fs::read_to_string(out.join("unmet.csv")).unwrap();
    assert!(
        unmet.contains("N05,E04,大连云启软件有限公司,3,3,\"no offer in the ledger can serve it"),
        "{unmet}"
    );
}

#[test]
fn demo_json_matches_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let o = duijie(&[
        "demo",
        "--bundled",
        "--json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let expected = case("demo.toml");
    assert_eq!(
        v["welfare_fixed"],
        int(&expected, "total", "welfare").to_string()
    );
    for m in v["markets"].as_array().unwrap() {
        let name = m["market"].as_str().unwrap();
        assert_eq!(
            m["matched_units"].as_i64().unwrap(),
            int(&expected, name, "matched_units")
        );
        assert_eq!(m["status"], "optimal");
    }
}

fn problem_set(report: &[serde_json::Value]) -> Vec<(String, i64, String)> {
    let mut v: Vec<(String, i64, String)> = report
        .iter()
        .map(|p| {
            let source = p["source"].as_str().unwrap();
            let file = source.rsplit('/').next().unwrap().to_owned();
            (
                file,
                p["line"].as_i64().unwrap_or(0),
                p["kind"].as_str().unwrap().replace('_', "-"),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn validate_reports_every_error_with_its_line_and_exits_non_zero() {
    let dir = root().join("datasets/cases/bad_ledger");
    let o = duijie(&["validate", "--json", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got = problem_set(v["problems"].as_array().unwrap());
    let expected = case("bad_ledger/expected.toml");
    let mut want: Vec<(String, i64, String)> = expected["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let a = p.as_array().unwrap();
            (
                a[0].as_str().unwrap().into(),
                a[1].as_integer().unwrap(),
                a[2].as_str().unwrap().into(),
            )
        })
        .collect();
    want.sort();
    assert_eq!(got, want);
    let kinds: std::collections::BTreeSet<&str> = want.iter().map(|p| p.2.as_str()).collect();
    assert!(kinds.len() >= 8, "at least eight kinds of error: {kinds:?}");
    // The human report names file, line and a suggestion: in Chinese by default (the frame;
    // the details keep their wording), in English with --lang en.
    let o = duijie(&["validate", dir.to_str().unwrap()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("talent_needs.csv:7:4：错误[unknown-major 未知专业] 记录 \"N06\" 字段 major_name（专业名称）："),
        "{text}"
    );
    assert!(
        text.contains("建议：是否应为 080202 机械设计制造及其自动化、080801 自动化"),
        "{text}"
    );
    assert!(text.contains("23 个错误，"), "{text}");
    let o = duijie(&["validate", dir.to_str().unwrap(), "--lang", "en"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("talent_needs.csv:7:4: error[unknown-major]"),
        "{text}"
    );
    assert!(
        text.contains("did you mean 080202 机械设计制造及其自动化"),
        "{text}"
    );
    assert!(text.contains("23 error(s)"), "{text}");
}

#[test]
fn a_gbk_ledger_loads_exactly_like_the_utf8_one() {
    let sample = root().join("datasets/sample");
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&sample).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let (bytes, _, lossy) = encoding_rs::GBK.encode(&text);
        assert!(!lossy);
        std::fs::write(dir.path().join(p.file_name().unwrap()), &bytes).unwrap();
    }
    let utf8 = duijie_store::load_paths(&[&sample]).unwrap();
    let gbk = duijie_store::load_paths(&[dir.path()]).unwrap();
    assert!(gbk.report.problems.is_empty(), "{}", gbk.report);
    assert_eq!(gbk.ledger, utf8.ledger);
    assert!(
        gbk.files
            .iter()
            .all(|f| f.encoding == Some(duijie_store::Encoding::Gb18030))
    );
    // And through the binary, which says which encoding it detected.
    let o = duijie(&["validate", dir.path().to_str().unwrap()]);
    assert!(o.status.success());
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .contains("(GB18030/GBK)")
    );
}

#[test]
fn match_refuses_a_ledger_with_errors_and_accepts_a_clean_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = duijie(&[
        "match",
        root().join("datasets/cases/bad_ledger").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "nothing is written for a ledger with errors");
    let o = duijie(&[
        "match",
        root().join("datasets/sample").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(out.join("matches.csv").is_file());
}

#[test]
fn bad_command_lines_and_missing_files_exit_with_their_codes() {
    assert_eq!(duijie(&["frobnicate"]).status.code(), Some(2));
    let o = duijie(&["validate", "/nonexistent/ledger.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read /nonexistent/ledger.csv"));
}

#[test]
fn the_datasets_readme_documents_the_schema_the_code_enforces() {
    let o = duijie(&["schema"]);
    assert!(o.status.success());
    let schema = String::from_utf8(o.stdout).unwrap();
    let readme = std::fs::read_to_string(root().join("datasets/README.md")).unwrap();
    assert!(
        readme.contains(schema.trim()),
        "datasets/README.md is out of date: regenerate its schema section with `duijie schema`"
    );
}

#[test]
fn solve_reads_dimacs_and_csv_and_reports_timings() {
    let dir = tempfile::tempdir().unwrap();
    let min = dir.path().join("t.min");
    std::fs::write(&min, "c four nodes\np min 4 5\nn 1 4\nn 4 -4\na 1 2 0 4 2\na 1 3 0 2 2\na 2 3 0 2 1\na 2 4 0 3 3\na 3 4 0 5 1\n").unwrap();
    let o = duijie(&["solve", min.to_str().unwrap(), "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["objective"], 14);
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["algorithm"], "network-simplex");
    assert!(v["solve_seconds"].is_number() && v["parse_seconds"].is_number());
    let asn = dir.path().join("t.asn");
    std::fs::write(&asn, "p asn 6 9\nn 1\nn 2\nn 3\na 1 4 4\na 1 5 1\na 1 6 3\na 2 4 2\na 2 5 0\na 2 6 5\na 3 4 3\na 3 5 2\na 3 6 2\n").unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&duijie(&["solve", asn.to_str().unwrap(), "--json"]).stdout)
            .unwrap();
    assert_eq!(v["objective"], 5);
    let csv = dir.path().join("m.csv");
    std::fs::write(&csv, "0.4,0.1,0.3\n0.2,0.0,0.5\n0.3,0.2,0.2\n").unwrap();
    let v: serde_json::Value = serde_json::from_slice(
        &duijie(&["solve", csv.to_str().unwrap(), "--json", "--max"]).stdout,
    )
    .unwrap();
    assert_eq!(v["objective"], 1_100_000, "0.4 + 0.5 + 0.2 at six decimals");
    assert_eq!(v["fixed_point_decimals"], 6);
    // Infeasible: a typed answer with the cut, exit 1.
    let inf = dir.path().join("inf.min");
    std::fs::write(&inf, "p min 2 1\nn 1 5\nn 2 -5\na 1 2 0 3 1\n").unwrap();
    let o = duijie(&["solve", inf.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "infeasible");
    assert_eq!(v["witness"], serde_json::json!([1]));
    // A malformed file names its line.
    let bad = dir.path().join("bad.min");
    std::fs::write(&bad, "p min 2 1\na 1 3 0 1 1\n").unwrap();
    let o = duijie(&["solve", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2: node 3 is outside 1..=2"));
}

#[test]
fn hostile_solver_inputs_get_typed_answers_never_a_panic() {
    let cases = case("hostile_solve.toml");
    let dir = tempfile::tempdir().unwrap();
    let list = cases["case"].as_array().unwrap();
    assert!(list.len() >= 20);
    for (k, c) in list.iter().enumerate() {
        let name = c["name"].as_str().unwrap();
        let path = dir
            .path()
            .join(format!("case{k}.{}", c["ext"].as_str().unwrap()));
        std::fs::write(&path, c["text"].as_str().unwrap()).unwrap();
        let o = duijie(&["solve", path.to_str().unwrap(), "--json"]);
        let exit = c["exit"].as_integer().unwrap() as i32;
        let out =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(exit), "{name}: {out}");
        if let Some(s) = c.get("stderr").and_then(|s| s.as_str()) {
            assert!(out.contains(s), "{name}: expected {s:?} in {out}");
        }
        if let Some(obj) = c.get("objective").and_then(|v| v.as_integer()) {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(v["objective"], obj, "{name}");
            assert_eq!(v["certificate_checked"], true, "{name}");
        }
    }
}

#[test]
fn the_same_ledger_gives_byte_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(
        duijie(&["demo", "--bundled", "--out", a.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        duijie(&[
            "match",
            root().join("datasets/sample").to_str().unwrap(),
            "--out",
            b.to_str().unwrap()
        ])
        .status
        .success()
    );
    for f in ["matches.csv", "unmet.csv", "summary.json"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn explain_prints_the_hand_computed_breakdown() {
    // N01 (6 posts in 机械设计制造及其自动化, 本科, 沈阳, enterprise in 34 通用设备制造业) × T01
    // (4 graduates of the same major, 本科, employment 95%, 沈阳):
    // 0.35·1 + 0.25·1 + 0.10·1 + 0.05·(4/6) + 0.15·1 + 0.10·0.95 = 0.97833.
    // Chinese by default: the breakdown and one sentence an officer can read.
    let out = duijie(&["explain", "N01", "T01"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "人才需求 N01 × 供给 T01",
        "匹配度 0.9783",
        "专业匹配        1.0000 × 0.35 = 0.3500  专业相同：080202 机械设计制造及其自动化",
        "数量满足        0.6667 × 0.05 = 0.0333  可供 4，所需 6",
        "地域            1.0000 × 0.15 = 0.1500  同在沈阳市",
        "匹配度 0.978。理由：专业相同：080202 机械设计制造及其自动化（专业匹配 1.00×0.35）；层次相符：本科（层次匹配 1.00×0.25）；",
        "就业率 95%（质量 0.95×0.10）。",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let out = duijie(&["explain", "N01", "T01", "--lang", "en"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "talent need N01 × offer T01",
        "score 0.9783",
        "major_fit       1.0000 × 0.35 = 0.3500  same major 080202 机械设计制造及其自动化",
        "level_fit       1.0000 × 0.25 = 0.2500  level 本科 as asked",
        "industry_fit    1.0000 × 0.10 = 0.1000  34 通用设备制造业 draws on 机械设计制造及其自动化",
        "capacity_fit    0.6667 × 0.05 = 0.0333  offers 4 of the 6 asked",
        "geography       1.0000 × 0.15 = 0.1500  same city 沈阳市",
        "quality         0.9500 × 0.10 = 0.0950  employment rate 95%",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // JSON: the contributions add up to the score, and the fixed-point score is its rounding.
    let out = duijie(&["explain", "N01", "T02", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sum: f64 = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_f64().unwrap() * c["weight"].as_f64().unwrap())
        .sum();
    assert!((sum - v["score"].as_f64().unwrap()).abs() < 1e-12);
    assert_eq!(
        v["score_fixed"].as_i64().unwrap(),
        (sum * 1e6).round() as i64
    );
}

#[test]
fn explain_and_match_take_a_weights_file_and_reject_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    // Only major fit counts: N01 × T01 share the major, so the score is 1.
    let only_major = write(
        "only_major.toml",
        "[talent]\nmajor_fit = 2\nlevel_fit = 0\nindustry_fit = 0\ncapacity_fit = 0\ngeography = 0\nquality = 0\n",
    );
    let out = duijie(&["explain", "N01", "T01", "--weights", &only_major]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("匹配度 1.0000"));
    // Each bad file: exit 1, and the message names the file and the field.
    for (name, text, says) in [
        ("nan.toml", "[talent]\nquality = nan\n", "talent.quality"),
        (
            "negative.toml",
            "[technology]\nkeyword_fit = -0.5\n",
            "technology.keyword_fit",
        ),
        (
            "zero.toml",
            "[talent]\nmajor_fit = 0\nlevel_fit = 0\nindustry_fit = 0\ncapacity_fit = 0\ngeography = 0\nquality = 0\n",
            "every weight is zero",
        ),
        (
            "unknown.toml",
            "[talent]\nsalary = 0.3\n",
            "`salary` is not a field here",
        ),
        (
            "table.toml",
            "[weights]\nx = 1\n",
            "`weights` is not a field here",
        ),
        (
            "decay.toml",
            "[geography]\ndecay_km = 0\n",
            "geography.decay_km",
        ),
        ("syntax.toml", "[talent\n", "syntax.toml:1:"),
    ] {
        let p = write(name, text);
        for args in [
            vec!["explain", "N01", "T01", "--weights", &p],
            vec![
                "match",
                "datasets/sample",
                "--out",
                dir.path().to_str().unwrap(),
                "--weights",
                &p,
            ],
        ] {
            let out = Command::new(env!("CARGO_BIN_EXE_duijie"))
                .args(&args)
                .current_dir(root())
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            assert!(err.contains(name) && err.contains(says), "{name}: {err}");
        }
    }
}

#[test]
fn explain_names_unknown_ids_with_the_closest_ones() {
    let out = duijie(&["explain", "N0l", "T01"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no need with id \"N0l\"") && err.contains("N01"),
        "{err}"
    );
    let out = duijie(&["explain", "N01", "T99"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no talent offer with id \"T99\""), "{err}");
    let out = duijie(&["explain", "N01", "T01", "--market", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn gen_writes_the_same_bytes_for_the_same_seed_and_a_ledger_match_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    for (out, seed) in [(&a, "3"), (&b, "3"), (&c, "4")] {
        let o = duijie(&[
            "gen",
            "--scale",
            "sample",
            "--seed",
            seed,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let read = |d: &Path| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(read(&a).len(), 12);
    assert_eq!(read(&a), read(&b));
    assert_ne!(read(&a), read(&c));
    let v = duijie(&["validate", a.to_str().unwrap()]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    let out = dir.path().join("results");
    let m = duijie(&["match", a.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
    assert_eq!(
        duijie(&["gen", "--scale", "planet", "--out", "x"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn compare_writes_the_same_table_twice_and_refuses_unknown_policies() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    for out in [&a, &b] {
        let o = duijie(&[
            "compare",
            "--seeds",
            "1,2",
            "--markets",
            "talent,technology",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let csv = std::fs::read_to_string(&a).unwrap();
    assert_eq!(csv, std::fs::read_to_string(&b).unwrap());
    // 2 seeds × 2 markets × 8 policies, and a header.
    assert_eq!(csv.lines().count(), 1 + 2 * 2 * 8);
    for line in csv.lines().filter(|l| l.contains(",stable-")) {
        assert_eq!(
            line.split(',').nth(15),
            Some("0"),
            "a stable row with blocking pairs: {line}"
        );
    }
    let o = duijie(&["compare", "--policies", "greedy,nonsense"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown policy \"nonsense\""));
}

#[test]
fn gaps_and_alliances_report_on_the_sample_ledger() {
    let o = duijie(&["gaps", "--what-if", "080202", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let add: Vec<&str> = rows
        .iter()
        .filter(|r| r["signals"].as_array().unwrap().iter().any(|s| s == "add"))
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    // 计算机应用技术 (510201): three places asked for, no school supplies it, none met.
    // 船舶与海洋工程 (081901) 本科: nobody offers the major, but related majors meet its demand
    // in full, so nothing needs adding.
    assert_eq!(add, vec!["510201"]);
    let ship = rows.iter().find(|r| r["code"] == "081901").unwrap();
    assert_eq!(ship["demand_met"], ship["demand"]);
    assert_eq!(ship["signals"], serde_json::json!([]));
    // A supply-side signal names its schools by ledger id.
    let stop = rows.iter().find(|r| r["code"] == "660101").unwrap();
    assert_eq!(stop["signals"], serde_json::json!(["stop"]));
    assert_eq!(stop["schools"][0]["id"], "S04");
    assert_eq!(v["what_if"][0]["major"], "080202");
    let o = duijie(&["gaps", "--what-if", "999999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no talent need"));

    let o = duijie(&["alliances", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["alliances"].as_array().unwrap().len(), 4);
    assert_eq!(v["left_out"].as_array().unwrap().len(), 0);
    // Every target of the seed: 21 rows on a one-year ledger (targets.toml has the figures).
    assert_eq!(v["progress"].as_array().unwrap().len(), 21);
    let o = duijie(&["alliances", "--grouping", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn alliances_take_a_targets_file_and_refuse_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("targets.toml");
    std::fs::write(&good, "upgrade_projects = 4\nbachelor = 9\n").unwrap();
    let o = duijie(&["alliances", "--targets", good.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The sample ledger: two upgrade projects met of 4; nine 本科 graduates placed of 9.
    let by_key = |k: &str| {
        v["progress"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(by_key("upgrade_projects")["target"], 4.0);
    assert_eq!(by_key("upgrade_projects")["share"], 0.5);
    assert_eq!(by_key("bachelor")["share"], 1.0);
    for (text, says) in [
        ("school_coverage = 1.5\n", "school_coverage = 1.5"),
        ("graduates = 3\n", "`graduates` is not a field here"),
    ] {
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, text).unwrap();
        let o = duijie(&["alliances", "--targets", bad.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("bad.toml") && err.contains(says), "{err}");
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::io::Read as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_duijie"))
        .args(["compare", "--json", "--seeds", "1,2,3,4"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101));
}

#[test]
fn import_then_match_from_the_database_records_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    let db_s = db.to_str().unwrap();
    let sample = root().join("datasets/sample");
    let o = duijie(&["import", sample.to_str().unwrap(), "--db", db_s, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let hash = v["ledger_sha256"].as_str().unwrap().to_owned();
    // A ledger with errors is refused and the database keeps the sample.
    let bad = root().join("datasets/cases/bad_ledger");
    let o = duijie(&["import", bad.to_str().unwrap(), "--db", db_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing was imported"));
    // The database is a ledger PATH like a directory: the same answer as the CSV files.
    let out = dir.path().join("results");
    let o = duijie(&["match", db_s, "--out", out.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let from_db: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let o = duijie(&[
        "match",
        sample.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    let from_csv: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(from_db["welfare"], from_csv["welfare"]);
    assert_eq!(from_db["markets"], from_csv["markets"]);
    let db = duijie_store::Db::open_existing(&db).unwrap();
    assert_eq!(db.ledger_hash().unwrap(), hash);
    let runs = db.runs().unwrap();
    let commands: Vec<&str> = runs.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(commands, ["import", "match"]);
    let run = db.run(runs[1].0).unwrap();
    assert_eq!(run.input_hash, hash);
    assert!(run.results.contains("welfare"));
}

#[test]
fn demo_writes_the_database_and_the_reports_and_report_repeats_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let o = duijie(&[
        "demo",
        "--scale",
        "sample",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Run 1 is the import, run 2 the demo.
    assert_eq!(v["run"], 2);
    for f in [
        "ledger.sqlite",
        "report.html",
        "report.xlsx",
        "comparison.csv",
        "alliances.graphml",
        "alliances.dot",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // The HTML opens offline: no external resource; the only scripts are the partner search's
    // inline data and code.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<script").count(), 2);
    assert!(html.contains("<script type=\"application/json\" id=\"dj-data\">"));
    for bad in ["http://", "https://", "src=", "<script src"] {
        let outside_svg_ns = html.replace("http://www.w3.org/2000/svg", "");
        assert!(!outside_svg_ns.contains(bad), "the report refers to {bad}");
    }
    assert!(html.contains("<svg") && html.contains("沈阳市"));
    // The graphs name parties by the ledger's ids, never by internal positions.
    for f in ["alliances.graphml", "alliances.dot"] {
        let g = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(g.contains("party:") && g.contains("alliance:"), "{f}");
        assert!(
            !g.contains("\"p0\"") && !g.contains(" p0 ") && !g.contains("\"a0\""),
            "{f}"
        );
    }
    // The XLSX has its sheets, ids as text, and the matches of the reported policy.
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let names = wb.sheet_names().to_vec();
    // Seven sheets, then one per alliance with its members' recommended partners.
    let alliances = names.iter().filter(|n| n.starts_with('荐')).count();
    assert!(alliances > 0, "{names:?}");
    assert_eq!(names.len(), 7 + alliances, "{names:?}");
    let rec = wb.worksheet_range(&names[7]).unwrap();
    assert_eq!(rec.get((0, 5)).unwrap().to_string(), "partner 推荐合作方");
    assert!(
        rec.rows().count() > 1,
        "an alliance sheet with no recommendation"
    );
    let matches = wb.worksheet_range(&names[0]).unwrap();
    assert_eq!(matches.get((0, 2)).unwrap().to_string(), "need");
    let first_need = matches.get((1, 2)).unwrap();
    assert!(
        matches!(first_need, calamine::Data::String(_)),
        "{first_need:?}"
    );
    // `report` on the database gives the same comparison, and records its run.
    let db = out.join("ledger.sqlite");
    let again = dir.path().join("again");
    let o = duijie(&[
        "report",
        db.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "--weights",
        &{
            let w = dir.path().join("w.toml");
            std::fs::write(&w, "top_k = 50\n").unwrap();
            w.to_str().unwrap().to_owned()
        },
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let b = std::fs::read_to_string(again.join("comparison.csv")).unwrap();
    let body = |s: &str| {
        s.lines()
            .map(|l| l.splitn(3, ',').nth(2).unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(body(&a), body(&b), "the same ledger, the same comparison");
    assert!(String::from_utf8_lossy(&o.stdout).contains("run 3 recorded"));
}

#[test]
fn solve_stops_at_its_limit_with_a_feasible_flow_and_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    // Two suppliers, three consumers, every arc allowed.
    let text = "c transport\np min 5 6\nn 1 4\nn 2 5\nn 3 -3\nn 4 -3\nn 5 -3\na 1 3 0 9 4\na 1 4 0 9 1\na 1 5 0 9 7\na 2 3 0 9 2\na 2 4 0 9 6\na 2 5 0 9 3\n";
    let f = dir.path().join("t.min");
    std::fs::write(&f, text).unwrap();
    let o = duijie(&["solve", f.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "optimal");
    let best = v["objective"].as_i64().unwrap();
    let o = duijie(&[
        "solve",
        f.to_str().unwrap(),
        "--json",
        "--max-iterations",
        "0",
    ]);
    // Zero pivots: the artificial start still routes the supply, so there is no flow yet.
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "limit_reached");
    // Every cap gives a typed answer: no flow yet (1), a feasible flow no better than the
    // optimum (3), or the optimum (0) once the cap covers the whole solve.
    for cap in 1..=12 {
        let o = duijie(&[
            "solve",
            f.to_str().unwrap(),
            "--json",
            "--max-iterations",
            &cap.to_string(),
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        match o.status.code() {
            Some(3) => {
                assert_eq!(v["status"], "limit_reached");
                assert!(v["objective"].as_i64().unwrap() >= best);
                assert_eq!(v["certificate_checked"], false);
            }
            Some(1) => assert_eq!(v["status"], "limit_reached"),
            Some(0) => assert_eq!(v["objective"].as_i64().unwrap(), best),
            other => panic!("cap {cap}: {other:?}: {v}"),
        }
    }
    // Assignment takes the same limits: every row wants column 0, so column reduction leaves
    // rows free; a deadline already past stops it there, and the rows are completed to a
    // feasible assignment (exit 3), no better than the optimum.
    let m = dir.path().join("m.csv");
    let rows: Vec<String> = (0..6)
        .map(|i| {
            (0..6)
                .map(|j| if j == 0 { 0 } else { (i * 7 + j * 3) % 11 + 1 }.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    std::fs::write(&m, rows.join("\n") + "\n").unwrap();
    let m = m.to_str().unwrap();
    let o = duijie(&["solve", m, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let best = serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["objective"]
        .as_i64()
        .unwrap();
    let o = duijie(&["solve", m, "--json", "--time-limit", "0"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(3), "{v}");
    assert_eq!(v["status"], "limit_reached");
    assert!(v["objective"].as_i64().unwrap() >= best);
    // Iterations count augmenting path searches; here row reduction alone may finish the job,
    // so a zero cap gives either the optimum or a stopped feasible answer.
    let o = duijie(&["solve", m, "--json", "--max-iterations", "0"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    match o.status.code() {
        Some(0) => assert_eq!(v["objective"].as_i64().unwrap(), best),
        Some(3) => assert!(v["objective"].as_i64().unwrap() >= best),
        other => panic!("{other:?}: {v}"),
    }
}

#[test]
fn top_k_is_a_flag_over_the_weights_file_and_all_keeps_every_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("datasets/sample");
    let run = |k: &str| {
        let out = dir.path().join(k);
        let o = duijie(&[
            "match",
            sample.to_str().unwrap(),
            "--top-k",
            k,
            "--json",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["markets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["candidate_pairs"].as_u64().unwrap())
            .sum::<u64>()
    };
    let (one, all) = (run("1"), run("all"));
    assert!(one < all, "one candidate each: {one} pairs; all: {all}");
    assert_eq!(
        run("50"),
        all,
        "the sample has fewer than 50 candidates a need"
    );
    let w = dir.path().join("w.toml");
    std::fs::write(&w, "top_k = 1\n").unwrap();
    let o = duijie(&[
        "match",
        sample.to_str().unwrap(),
        "--weights",
        w.to_str().unwrap(),
        "--top-k",
        "all",
        "--json",
        "--out",
        dir.path().join("w").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pairs: u64 = v["markets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["candidate_pairs"].as_u64().unwrap())
        .sum();
    assert_eq!(pairs, all, "--top-k overrides the file");
}

#[test]
fn progress_prints_each_phase_with_its_time_to_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("datasets/sample");
    let o = duijie(&[
        "match",
        sample.to_str().unwrap(),
        "--progress",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    for phase in [
        "read and validated",
        "scorer prepared",
        "talent: ",
        "technology: allocated, certificate checked",
        "technology: measured",
        "placement: ",
        "wrote 3 files",
    ] {
        assert!(err.contains(phase), "{phase:?} missing from:\n{err}");
    }
    // Results stay on standard output, progress off it.
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("scorer prepared"));
}

#[test]
fn solve_writes_the_solution_in_the_files_numbering_and_it_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    // Assignment: rows are DIMACS nodes 1..3, columns 4..6; the written pairs are a perfect
    // matching whose costs sum to the objective, and reduced costs are ≥ 0 on every arc.
    let asn = dir.path().join("t.asn");
    let arcs = [
        (1, 4, 4),
        (1, 5, 1),
        (1, 6, 3),
        (2, 4, 2),
        (2, 5, 0),
        (2, 6, 5),
        (3, 4, 3),
        (3, 5, 2),
        (3, 6, 2),
    ];
    let mut text = String::from("p asn 6 9\nn 1\nn 2\nn 3\n");
    for (i, j, c) in arcs {
        text.push_str(&format!("a {i} {j} {c}\n"));
    }
    std::fs::write(&asn, text).unwrap();
    let sol = dir.path().join("asn.csv");
    let o = duijie(&[
        "solve",
        asn.to_str().unwrap(),
        "--json",
        "--solution",
        sol.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let csv = std::fs::read_to_string(&sol).unwrap();
    let mut pairs = Vec::new();
    let mut pot = std::collections::HashMap::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        match f[0] {
            "pair" => pairs.push((
                f[1].parse::<i64>().unwrap(),
                f[2].parse::<i64>().unwrap(),
                f[3].parse::<i64>().unwrap(),
            )),
            "row_potential" => {
                pot.insert(f[1].parse::<i64>().unwrap(), f[3].parse::<i64>().unwrap());
            }
            "col_potential" => {
                pot.insert(f[2].parse::<i64>().unwrap(), f[3].parse::<i64>().unwrap());
            }
            k => panic!("unknown kind {k}"),
        }
    }
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs.iter().map(|p| p.2).sum::<i64>(), 5);
    assert_eq!(v["objective"], 5);
    assert_eq!(v["solution"]["pairs"].as_array().unwrap().len(), 3);
    for &(i, j, c) in &arcs {
        assert!(c - pot[&i] - pot[&j] >= 0, "reduced cost of ({i},{j})");
        let used = pairs.iter().any(|p| (p.0, p.1) == (i, j));
        assert!(
            !used || c - pot[&i] - pot[&j] == 0,
            "used arc ({i},{j}) is tight"
        );
        assert!(!used || pairs.contains(&(i, j, c)));
    }
    // Min-cost flow: flows on arcs numbered from 1 with tails and heads as in the file.
    let min = dir.path().join("t.min");
    std::fs::write(&min, "p min 4 5\nn 1 4\nn 4 -4\na 1 2 0 4 2\na 1 3 0 2 2\na 2 3 0 2 1\na 2 4 0 3 3\na 3 4 0 5 1\n").unwrap();
    let sol = dir.path().join("min.csv");
    let o = duijie(&[
        "solve",
        min.to_str().unwrap(),
        "--solution",
        sol.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let csv = std::fs::read_to_string(&sol).unwrap();
    let mut cost = 0;
    let mut net = [0i64; 5];
    for line in csv.lines().skip(1).filter(|l| l.starts_with("flow,")) {
        let f: Vec<i64> = line
            .split(',')
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        cost += f[3] * f[4];
        net[f[1] as usize] -= f[3];
        net[f[2] as usize] += f[3];
    }
    assert_eq!(cost, 14);
    assert_eq!(
        net,
        [0, -4, 0, 0, 4],
        "conservation with supply 4 at node 1"
    );
    // An infeasible assignment's witness is in the file's ids, in text as in JSON.
    let hall = dir.path().join("h.asn");
    std::fs::write(&hall, "p asn 5 2\nn 2\nn 5\na 2 1 1\na 5 1 1\n").unwrap();
    let o = duijie(&["solve", hall.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("witness, in the file's numbering (2 in all): 2, 5"),
        "{err}"
    );
    assert!(
        !err.contains("[0, 1]") && !err.contains("from 0"),
        "one numbering in text: {err}"
    );
    let o = duijie(&["solve", hall.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["witness"], serde_json::json!([2, 5]));
    // --solution holds the witness when there is no solution.
    let sol = dir.path().join("h.csv");
    let o = duijie(&[
        "solve",
        hall.to_str().unwrap(),
        "--solution",
        sol.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&sol).unwrap(),
        "kind,id\nwitness,2\nwitness,5\n"
    );
    // A witness of many nodes is one line in text, every id in JSON: a network whose 30 nodes
    // each supply 1 and have no arc out.
    let many = dir.path().join("m.min");
    let mut text = String::from("p min 31 1\n");
    for v in 1..=30 {
        text.push_str(&format!("n {v} 1\n"));
    }
    text.push_str("n 31 -30\na 31 1 0 1 0\n");
    std::fs::write(&many, text).unwrap();
    let o = duijie(&["solve", many.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.contains("(30 in all; every one with --json"), "{err}");
    assert!(
        err.contains("1, 2, 3,") && err.contains(", … (30 in all)"),
        "{err}"
    );
    let o = duijie(&["solve", many.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["witness"].as_array().unwrap().len(), 30);
    assert!(!v["message"].as_str().unwrap().contains("witness"), "{v}");
}

#[test]
fn allocate_and_compare_run_policies_on_an_instance_of_ones_own() {
    let dir = tempfile::tempdir().unwrap();
    let small = root().join("datasets/instances/small");
    let o = duijie(&[
        "allocate",
        "--instance",
        small.to_str().unwrap(),
        "--policy",
        "stable-needs",
        "--out",
        dir.path().to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["metrics"]["blocking_pairs"], 0);
    let csv = std::fs::read_to_string(dir.path().join("allocation.csv")).unwrap();
    assert!(csv.starts_with("need,offer,units,need_score,offer_score\n"));
    assert!(
        csv.contains("大连船舶,大连理工大学,1,0.950000,0.900000"),
        "{csv}"
    );
    let json = root().join("datasets/instances/small.json");
    let o = duijie(&[
        "compare",
        "--instance",
        small.to_str().unwrap(),
        "--instance",
        json.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.len(), 2 * duijie::policy::all().len());
    let half = rows.len() / 2;
    for k in 0..half {
        assert_eq!(
            rows[k]["metrics"],
            rows[k + half]["metrics"],
            "CSV and JSON agree"
        );
    }
    let o = duijie(&["allocate", "--instance", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs.csv: cannot read"));
    // A folder of instances is a batch: one CSV, byte-identical run to run without timings.
    let batch = root().join("datasets/instances");
    let table = |name: &str| {
        let out = dir.path().join(name);
        let o = duijie(&[
            "compare",
            "--instance",
            batch.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out).unwrap()
    };
    let first = table("a.csv");
    assert_eq!(first, table("b.csv"));
    // small/, small.json and matrices/.
    assert_eq!(first.lines().count(), 1 + 3 * duijie::policy::all().len());
    assert!(first.contains("instances/small.json,"), "{first}");
}

/// The HTML report's coverage by party kind counts each party once across markets: on the
/// bundled sample it is the independent answer of `datasets/cases/demo.toml` (4 enterprises,
/// 3 with a partner), not a sum over the markets (which showed 企业 9/10).
#[test]
fn report_coverage_by_kind_counts_each_party_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = duijie(&["report", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let section = &html[html.find("各类主体覆盖").unwrap()..];
    let section = &section[..section.find("<h2>").unwrap_or(section.len())];
    let expected = case("demo.toml");
    for (zh, key) in [
        ("企业", "enterprises"),
        ("学校", "schools"),
        ("科研院所", "institutes"),
    ] {
        let want = expected["coverage"][key].as_array().unwrap();
        let (n, c) = (want[0].as_integer().unwrap(), want[1].as_integer().unwrap());
        let label = section
            .find(&format!(">{zh}<"))
            .unwrap_or_else(|| panic!("{zh}: {section}"));
        // The first "covered/parties (rate)" text after the label is this kind's.
        let shown = section[label..]
            .split(['>', '<'])
            .find(|t| t.contains('/') && t.contains('('))
            .unwrap();
        assert!(
            shown.starts_with(&format!("{c}/{n} (")),
            "{zh}: {shown}, expected {c}/{n}"
        );
    }
    // The sample's core technology need K01 and its team, by ledger id and name, in both
    // reports.
    let team = &html[html.find("创新联合体").unwrap()..];
    assert!(
        team.contains("K01") && team.contains("C01 中国科学院沈阳自动化研究所"),
        "{team}"
    );
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let sheet = wb.worksheet_range("consortia 联合体").unwrap();
    assert_eq!(sheet.get((1, 0)).unwrap().to_string(), "K01");
    let members = sheet.get((1, 2)).unwrap().to_string();
    assert!(
        members.starts_with("C01 中国科学院沈阳自动化研究所"),
        "{members}"
    );
    // A stop signal names the school it concerns, in both reports (officials.toml: 660101).
    let gaps = &html[html.find("专业供需缺口").unwrap()..];
    let row = &gaps[gaps.find("660101").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("停招或撤销") && row.contains("沈阳市装备制造工程学校 (S04)"),
        "{row}"
    );
    let sheet = wb.worksheet_range("gaps 缺口").unwrap();
    let stop = sheet.rows().find(|r| r[0] == "660101").unwrap();
    assert_eq!(
        stop.last().unwrap().to_string(),
        "沈阳市装备制造工程学校 (S04)"
    );
}

/// `duijie alliances --json` names every party, need and capability by its ledger id (no
/// internal index anywhere), and an alliance that no school or institute serves has no lead
/// unit and says why (the bundled sample's 软件和信息技术服务: one enterprise, no supplier).
#[test]
fn alliances_json_uses_ledger_ids_and_leaves_empty_alliances_without_a_lead() {
    let o = duijie(&["alliances", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Every member list holds objects with a ledger id, never a number.
    fn walk(v: &serde_json::Value, key: &str, bad: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, k, bad)),
            serde_json::Value::Array(a) => {
                for x in a {
                    if x.is_number()
                        && [
                            "enterprises",
                            "suppliers",
                            "members",
                            "out_of_quota",
                            "covered",
                        ]
                        .contains(&key)
                    {
                        bad.push(format!("{key}: {x}"));
                    }
                    walk(x, key, bad);
                }
            }
            serde_json::Value::Number(_) if ["lead", "need", "party"].contains(&key) => {
                bad.push(format!("{key}: {v}"));
            }
            _ => {}
        }
    }
    let mut bad = Vec::new();
    walk(&v, "", &mut bad);
    assert!(bad.is_empty(), "internal indices: {bad:?}");
    let ids = [
        "S01", "S02", "S03", "S04", "R01", "R02", "E01", "E02", "E03", "E04",
    ];
    for a in v["alliances"].as_array().unwrap() {
        for m in a["enterprises"]
            .as_array()
            .unwrap()
            .iter()
            .chain(a["suppliers"].as_array().unwrap())
        {
            assert!(ids.contains(&m["id"].as_str().unwrap()), "{m}");
        }
    }
    let soft = v["alliances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "软件和信息技术服务")
        .unwrap();
    assert_eq!(soft["suppliers"], serde_json::json!([]));
    assert!(soft["lead"].is_null(), "{soft}");
    assert!(
        soft["lead_reason"]
            .as_str()
            .unwrap()
            .contains("no school or institute")
    );
    let team = &v["consortia"][0];
    assert_eq!(team["need"], "K01", "{team}");
    assert!(team["members"][0]["capability"].is_string(), "{team}");
    assert!(team["covered"][0]["code"].is_string(), "{team}");
}

/// The figures officers read, against the hand-worked cases of `datasets/cases/officials.toml`.
#[test]
fn officials_figures_match_the_hand_worked_cases() {
    let cases = case("officials.toml");
    let gaps: serde_json::Value =
        serde_json::from_slice(&duijie(&["gaps", "--json"]).stdout).unwrap();
    for (code, want) in cases["gaps"].as_table().unwrap() {
        let row = gaps["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code.as_str())
            .unwrap_or_else(|| panic!("no gap row {code}"));
        for (k, v) in want.as_table().unwrap() {
            let got = &row[k.as_str()];
            let ok = match (k.as_str(), v) {
                ("schools", toml::Value::Array(ids)) => {
                    let got: Vec<&str> = got
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s["id"].as_str().unwrap())
                        .collect();
                    got == ids.iter().map(|x| x.as_str().unwrap()).collect::<Vec<_>>()
                }
                ("signals", toml::Value::Array(s)) => {
                    got.as_array().unwrap().len() == s.len()
                        && s.iter()
                            .zip(got.as_array().unwrap())
                            .all(|(a, b)| b == a.as_str().unwrap())
                }
                (_, toml::Value::Integer(n)) => got.as_i64() == Some(*n),
                _ => false,
            };
            assert!(ok, "gaps {code}.{k}: expected {v:?}, got {got}");
        }
    }
    let al: serde_json::Value =
        serde_json::from_slice(&duijie(&["alliances", "--json"]).stdout).unwrap();
    for (name, want) in cases["alliances"].as_table().unwrap() {
        let a = al["alliances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name.as_str())
            .unwrap_or_else(|| panic!("no alliance {name}"));
        let ids = |k: &str| -> Vec<String> {
            a[k].as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_owned())
                .collect()
        };
        let list = |k: &str| -> Vec<String> {
            want[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(ids("enterprises"), list("enterprises"), "{name}");
        assert_eq!(ids("suppliers"), list("suppliers"), "{name}");
        assert_eq!(
            !a["lead"].is_null(),
            want["lead"].as_bool().unwrap(),
            "{name}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("datasets/sample");
    let o = duijie(&[
        "match",
        sample.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let unmet = std::fs::read_to_string(dir.path().join("unmet.csv")).unwrap();
    for (need, want) in cases["unmet"].as_table().unwrap() {
        let line = unmet
            .lines()
            .find(|l| l.split(',').nth(1) == Some(need.as_str()))
            .unwrap_or_else(|| panic!("{need} not in unmet.csv:\n{unmet}"));
        let cells: Vec<&str> = line.splitn(7, ',').collect();
        assert_eq!(
            cells[5].parse::<i64>().unwrap(),
            want["unmet"].as_integer().unwrap(),
            "{line}"
        );
        assert!(
            cells[6].contains(want["reason"].as_str().unwrap()),
            "{line}"
        );
    }
}

/// No file output carries an internal index where the ledger has an id: on the bundled sample,
/// every id column of matches.csv and unmet.csv and every id cell of the XLSX matches sheet is
/// an id of `datasets/sample/`, and the alliance graphs name parties by ledger id.
#[test]
fn file_outputs_name_records_by_ledger_id() {
    // Every id the sample's files give (the first column of each).
    let mut ids = std::collections::BTreeSet::new();
    for f in std::fs::read_dir(root().join("datasets/sample")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        for line in text.lines().skip(1) {
            ids.insert(line.split(',').next().unwrap().to_owned());
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let (demo, rep) = (dir.path().join("demo"), dir.path().join("rep"));
    assert!(
        duijie(&["demo", "--bundled", "--out", demo.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        duijie(&["report", "--out", rep.to_str().unwrap()])
            .status
            .success()
    );
    let mut checked = 0;
    for file in ["matches.csv", "unmet.csv"] {
        let text = std::fs::read_to_string(demo.join(file)).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let id_cols: Vec<usize> = (0..header.len())
            .filter(|&k| header[k].ends_with("_id"))
            .collect();
        assert!(!id_cols.is_empty(), "{file}: {header:?}");
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            for &k in &id_cols {
                assert!(
                    ids.contains(cells[k]),
                    "{file} {}: {:?}",
                    header[k],
                    cells[k]
                );
                checked += 1;
            }
        }
    }
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(rep.join("report.xlsx")).unwrap();
    let sheet = wb.worksheet_range("matches 匹配").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let before = checked;
    for row in sheet.rows().skip(1) {
        for (k, h) in header.iter().enumerate() {
            if ["need", "offer"].contains(&h.as_str()) || h.ends_with("_id") {
                let v = row[k].to_string();
                assert!(ids.contains(&v), "xlsx {h}: {v:?}");
                checked += 1;
            }
        }
    }
    assert!(
        checked > before,
        "no id column in the XLSX matches sheet: {header:?}"
    );
    for g in ["alliances.graphml", "alliances.dot"] {
        let text = std::fs::read_to_string(rep.join(g)).unwrap();
        for part in text.split("party:").skip(1) {
            let id: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(ids.contains(&id), "{g}: party:{id}");
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");
}

/// Progress against every target of the seed, yearly targets year by year, and an alliance's
/// share of them, against the hand-worked cases of `datasets/cases/targets.toml`.
#[test]
fn targets_match_the_hand_worked_cases() {
    let cases = case("targets.toml");
    // A row by key, or `key@year` for a yearly one.
    fn row<'a>(rows: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
        let (key, year) = match key.split_once('@') {
            Some((k, y)) => (k, serde_json::json!(y.parse::<u16>().unwrap())),
            None => (key, serde_json::Value::Null),
        };
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key && r["year"] == year)
            .unwrap_or_else(|| panic!("no progress row {key} {year}"))
    }
    let close = |a: &serde_json::Value, b: f64| (a.as_f64().unwrap() - b).abs() < 1e-6;
    let dir = tempfile::tempdir().unwrap();
    for (name, ledger) in [("sample", None), ("two_years", Some(dir.path()))] {
        let c = &cases[name];
        let mut args = vec!["alliances", "--json"];
        if let Some(d) = ledger {
            for f in std::fs::read_dir(root().join("datasets/sample")).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, d.join(f.file_name().unwrap())).unwrap();
            }
            for (file, lines) in c.as_table().unwrap() {
                let Some(lines) = lines.as_array() else {
                    continue;
                };
                let path = d.join(format!("{file}.csv"));
                let mut text = std::fs::read_to_string(&path).unwrap();
                for l in lines {
                    text.push_str(l.as_str().unwrap());
                    text.push('\n');
                }
                std::fs::write(&path, text).unwrap();
            }
            args.push(d.to_str().unwrap());
        }
        let o = duijie(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for (key, want) in c["progress"].as_table().unwrap() {
            let r = row(&v["progress"], key);
            match want {
                toml::Value::String(s) if s == "not measurable" => {
                    assert!(
                        r["achieved"].is_null() && r["share"].is_null(),
                        "{name} {r}"
                    );
                    assert!(r["measure"].as_str().unwrap().contains("无法"), "{r}");
                }
                toml::Value::Integer(n) => assert!(close(&r["achieved"], *n as f64), "{name} {r}"),
                _ => panic!("{key}: {want:?}"),
            }
        }
        // Never a yearly figure summed over years.
        let years: Vec<&serde_json::Value> = v["progress"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["key"] == "bachelor")
            .collect();
        assert!(years.iter().all(|r| r["year"].is_u64()), "{years:?}");
        for (alliance, want) in c["alliance"].as_table().unwrap() {
            let i = v["alliances"]
                .as_array()
                .unwrap()
                .iter()
                .position(|a| a["name"] == alliance.as_str())
                .unwrap();
            let rows = &v["alliance_progress"][i]["targets"];
            for (key, pair) in want.as_table().unwrap() {
                let pair = pair.as_array().unwrap();
                let r = row(rows, key);
                assert!(
                    close(&r["target"], pair[0].as_float().unwrap()),
                    "{name} {alliance} {r}"
                );
                assert!(
                    close(&r["achieved"], pair[1].as_float().unwrap()),
                    "{name} {alliance} {r}"
                );
            }
        }
    }
}

/// `duijie alliances --report DIR --plans P`: one yearly report per alliance (HTML and XLSX)
/// and an index, in the ledger's ids; the plan filed for an alliance appears in its report, the
/// others say none was filed; an alliance without a supplier has no lead unit; an unmet need
/// carries its reason; a plan for an unknown alliance is refused, naming it.
#[test]
fn alliance_reports_are_written_one_per_alliance() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let reports = |out: &Path, plans: &Path| {
        duijie(&[
            "alliances",
            "--report",
            out.to_str().unwrap(),
            "--plans",
            plans.to_str().unwrap(),
        ])
    };
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans.toml");
    std::fs::write(
        &plans,
        "\"机器人\" = \"2021—2030：建成机器人协同创新中心\"\n",
    )
    .unwrap();
    let out = dir.path().join("reports");
    let o = reports(&out, &plans);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let stems = [
        "01-机器人",
        "02-船舶与海洋工程装备",
        "03-软件和信息技术服务",
        "04-高端装备制造",
    ];
    let mut want: Vec<String> = stems
        .iter()
        .flat_map(|s| [format!("{s}.html"), format!("{s}.xlsx")])
        .collect();
    want.push("index.html".into());
    assert_eq!(names, want);
    let html = |stem: &str| std::fs::read_to_string(out.join(format!("{stem}.html"))).unwrap();
    let robots = html(stems[0]);
    assert!(
        robots.contains("2021—2030：建成机器人协同创新中心"),
        "the plan"
    );
    assert!(
        robots.contains("新松机器人自动化股份有限公司 (E02)"),
        "the lead, by id"
    );
    assert!(html(stems[1]).contains("未提交"), "no plan filed");
    let software = html(stems[2]);
    assert!(
        software.contains("无 none: no school or institute"),
        "no lead"
    );
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("03-软件和信息技术服务.xlsx")
    );

    // The workbook: N05 (E04, 3 高职专科 of 510201) is unmet in full, with the reason.
    let mut wb: Xlsx<_> = open_workbook(out.join(format!("{}.xlsx", stems[2]))).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "overview 概况",
            "members 成员",
            "partnerships 合作",
            "needs 需求满足",
            "consortia 联合体",
            "targets 目标"
        ]
    );
    let needs = wb.worksheet_range("needs 需求满足").unwrap();
    let n05: Vec<Data> = needs
        .rows()
        .find(|r| r[1] == Data::String("N05".into()))
        .unwrap()
        .to_vec();
    assert_eq!(n05[2], Data::String("大连云启软件有限公司 (E04)".into()));
    assert_eq!(
        (n05[3].clone(), n05[4].clone(), n05[5].clone()),
        (Data::Float(3.0), Data::Float(0.0), Data::Float(3.0))
    );
    assert!(
        n05[6]
            .to_string()
            .contains("no offer in the ledger can serve it"),
        "{:?}",
        n05[6]
    );
    // Every member cell is a ledger id.
    let ids = [
        "E01", "E02", "E03", "E04", "S01", "S02", "S03", "S04", "R01", "R02",
    ];
    for stem in stems {
        let mut wb: Xlsx<_> = open_workbook(out.join(format!("{stem}.xlsx"))).unwrap();
        let members = wb.worksheet_range("members 成员").unwrap();
        for r in members.rows().skip(1) {
            assert!(
                ids.contains(&r[1].to_string().as_str()),
                "{stem}: {:?}",
                r[1]
            );
        }
    }

    std::fs::write(&plans, "\"机器猫\" = \"x\"\n").unwrap();
    let o = reports(&out, &plans);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("plans.toml") && err.contains("机器猫") && err.contains("机器人"),
        "{err}"
    );
}

/// `duijie recommend`: a party's best partners per market with the reasons, in Chinese by
/// default; either side; an unknown id is refused with the closest ids.
#[test]
fn recommend_lists_a_partys_best_partners_with_reasons() {
    let o = duijie(&["recommend", "E01", "--k", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    // N01 × T01 (S01) is the hand-computed 0.978333 of explain_prints_the_hand_computed_breakdown.
    for line in [
        "沈阳机床股份有限公司（E01，企业）的推荐合作方",
        "人才市场",
        "  1. 沈阳工业大学（S01）  N01 ↔ T01  0.978333",
        "匹配度 0.978。理由：专业相同：080202 机械设计制造及其自动化（专业匹配 1.00×0.35）",
        "技术市场",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // The school's side: its own view of each pair, and why.
    let o = duijie(&["recommend", "S03", "--json", "--market", "talent"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &v["recommendations"][0];
    assert_eq!(first["partner"]["id"], "E01");
    assert_eq!(
        (first["own"].as_str(), first["other"].as_str()),
        (Some("T03"), Some("N03"))
    );
    assert!(
        first["why"].as_str().unwrap().starts_with("本方评价 0.879"),
        "{first}"
    );
    assert!(
        v["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["market"] == "talent")
    );
    let o = duijie(&["recommend", "E1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("closest ids are: E01"));
}

/// `duijie allocate --rounds`: the welfare allocation kept live through two rounds (a need and
/// an offer arrive; then an offer is withdrawn) equals a fresh `duijie allocate` of each
/// round's market written out as one instance; other policies and bad rounds are refused by
/// name.
#[test]
fn the_shipped_rounds_example_runs_as_the_readme_shows() {
    // datasets/rounds/small-round1.json brings a need and an offer; small-round2.json
    // withdraws 东北大学 and rescores a pair. The welfare of each round, worked by hand: round 1
    // 2×0.9 + 0.7 + 0.95 + 0.75 + 2×0.8 = 5.8; round 2 0.7 + 0.9 + 0.95 + 2×0.8 = 4.15.
    let dir = tempfile::tempdir().unwrap();
    let inst = |name: &str| {
        root()
            .join("datasets")
            .join(name)
            .to_str()
            .unwrap()
            .to_owned()
    };
    let out = dir.path().join("out");
    let o = duijie(&[
        "allocate",
        "--instance",
        &inst("instances/small.json"),
        "--rounds",
        &inst("rounds/small-round1.json"),
        &inst("rounds/small-round2.json"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("welfare 5.800000; 7 of 8 units placed"),
        "{text}"
    );
    assert!(
        text.contains("welfare 4.150000; 5 of 8 units placed"),
        "{text}"
    );
    let last = std::fs::read_to_string(out.join("round-2/allocation.csv")).unwrap();
    assert!(!last.contains("东北大学"), "{last}");
    assert!(
        last.contains("新松机器人,大连理工大学,1,0.900000,0.600000"),
        "{last}"
    );
}

#[test]
fn allocate_rounds_equal_fresh_allocations_of_each_round() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let small: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("datasets/instances/small.json")).unwrap(),
    )
    .unwrap();
    let round1 = serde_json::json!({
        "offers": [{"id": "沈阳工业大学", "capacity": 2}],
        "needs": [{"id": "华晨宝马", "demand": 2}],
        "pairs": [
            {"need": "华晨宝马", "offer": "沈阳工业大学", "need_score": 0.85},
            {"need": "华晨宝马", "offer": "东北大学", "need_score": 0.99, "offer_score": 0.7}
        ]
    });
    let round2 = serde_json::json!({"withdraw": ["东北大学"]});
    // Each round's market as one instance file.
    let mut after1 = small.clone();
    for key in ["offers", "needs", "pairs"] {
        let extra = round1[key].as_array().unwrap().clone();
        after1[key].as_array_mut().unwrap().extend(extra);
    }
    let mut after2 = after1.clone();
    for o in after2["offers"].as_array_mut().unwrap() {
        if o["id"] == "东北大学" {
            o["capacity"] = 0.into();
        }
    }
    for (name, v) in [
        ("r1.json", &round1),
        ("r2.json", &round2),
        ("after1.json", &after1),
        ("after2.json", &after2),
    ] {
        std::fs::write(p(name), v.to_string()).unwrap();
    }
    let s = |x: &Path| x.to_str().unwrap().to_owned();
    let instance = root().join("datasets/instances/small.json");
    let o = duijie(&[
        "allocate",
        "--instance",
        &s(&instance),
        "--rounds",
        &s(&p("r1.json")),
        &s(&p("r2.json")),
        "--out",
        &s(&p("live")),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rounds = v["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 3);
    for (k, fresh) in [
        (0, instance.clone()),
        (1, p("after1.json")),
        (2, p("after2.json")),
    ] {
        let out = p(&format!("fresh{k}"));
        let f = duijie(&[
            "allocate",
            "--instance",
            &s(&fresh),
            "--out",
            &s(&out),
            "--json",
        ]);
        assert!(f.status.success(), "{}", String::from_utf8_lossy(&f.stderr));
        let f: serde_json::Value = serde_json::from_slice(&f.stdout).unwrap();
        assert_eq!(rounds[k]["metrics"], f["metrics"], "round {k}");
        let live_csv = if k == 0 {
            p("live/allocation.csv")
        } else {
            p(&format!("live/round-{k}/allocation.csv"))
        };
        assert_eq!(
            std::fs::read_to_string(live_csv).unwrap(),
            std::fs::read_to_string(out.join("allocation.csv")).unwrap(),
            "round {k}"
        );
    }
    assert_eq!(rounds[1]["changes"]["needs_arrived"], 1);
    assert_eq!(rounds[2]["changes"]["offers_withdrawn"], 1);
    // 东北大学 held units before it was withdrawn: they moved.
    assert!(rounds[2]["moved"]["removed"].as_u64().unwrap() > 0, "{v}");
    // Other policies are solved afresh; a round naming an offer nobody has is refused by name.
    let o = duijie(&[
        "allocate",
        "--instance",
        &s(&instance),
        "--policy",
        "greedy",
        "--rounds",
        &s(&p("r1.json")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("keeps the welfare allocation live"));
    std::fs::write(p("bad.json"), r#"{"withdraw": ["清华大学"]}"#).unwrap();
    let o = duijie(&[
        "allocate",
        "--instance",
        &s(&instance),
        "--rounds",
        &s(&p("bad.json")),
        "--out",
        &s(&p("bad")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("bad.json:1: withdraws offer \"清华大学\""),
        "{e}"
    );
}
