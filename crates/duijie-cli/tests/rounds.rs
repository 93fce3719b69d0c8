//! Rounds over time through the command line: every run keeps its partnerships, `duijie runs`
//! lists them, `duijie diff` tells what changed, and the diff accounts for all of it.

#![allow(clippy::unwrap_used)]

mod common;
use common::{duijie, root};

fn ok(args: &[&str]) -> String {
    let o = duijie(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// A database of the sample ledger with one `match` run (run 2), in a temporary folder.
fn sample_database() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.sqlite").to_str().unwrap().to_owned();
    let sample = root().join("datasets/sample");
    ok(&["import", sample.to_str().unwrap(), "--db", &db]);
    let out = dir.path().join("o");
    ok(&["match", &db, "--out", out.to_str().unwrap()]);
    (dir, db)
}

#[test]
fn runs_keep_their_partnerships_and_a_diff_accounts_for_every_change() {
    let (dir, db_s) = sample_database();
    let db_s = db_s.as_str();
    let db = std::path::PathBuf::from(db_s);
    let out = dir.path().join("o");
    // A second round with fewer candidates per need: some partnerships go.
    let weights = dir.path().join("w.toml");
    std::fs::write(&weights, "top_k = 1\n").unwrap();
    ok(&[
        "match",
        db_s,
        "--out",
        out.to_str().unwrap(),
        "--weights",
        weights.to_str().unwrap(),
    ]);

    let runs: serde_json::Value = serde_json::from_str(&ok(&["runs", db_s, "--json"])).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 3, "the import and two matches");
    assert_eq!(runs[0]["partnerships"], 0);
    let matches_csv = std::fs::read_to_string(out.join("matches.csv")).unwrap();
    assert_eq!(runs[2]["partnerships"], matches_csv.lines().count() - 1);

    // The diff of a run with itself is empty.
    let same: serde_json::Value =
        serde_json::from_str(&ok(&["diff", db_s, "2", "2", "--json"])).unwrap();
    for k in ["added", "removed", "changed"] {
        assert_eq!(same[k], serde_json::json!([]), "{k}");
    }
    // Run 2 plus the diff is run 3, row for row.
    let d: serde_json::Value =
        serde_json::from_str(&ok(&["diff", db_s, "2", "3", "--json"])).unwrap();
    let store = duijie_store::Db::open_read_only(&db).unwrap();
    let (a, b) = (store.run_matches(2).unwrap(), store.run_matches(3).unwrap());
    let diff: duijie::history::RunDiff = serde_json::from_value(serde_json::json!({
        "added": d["added"], "removed": d["removed"], "changed": d["changed"],
    }))
    .unwrap();
    assert!(!diff.is_empty());
    assert_eq!(diff.apply(&a), b);
    let units: i64 = d["units_by_market"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["units"].as_i64().unwrap())
        .sum();
    let total = |rows: &[duijie::history::RunMatch]| -> i64 {
        rows.iter().map(|r| i64::from(r.units)).sum()
    };
    assert_eq!(units, total(&b) - total(&a));
    let by_alliance: i64 = d["by_alliance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["units"].as_i64().unwrap())
        .sum();
    assert_eq!(by_alliance, units);
    assert!(
        d["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["metric"] == "matched_units")
    );
    // The CSV of the changes, and the text in Chinese.
    let csv = dir.path().join("d.csv");
    let text = ok(&["diff", db_s, "2", "3", "--out", csv.to_str().unwrap()]);
    assert!(text.contains("运行 2 → 3"), "{text}");
    let lines = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
    assert_eq!(
        lines,
        diff.added.len() + diff.removed.len() + diff.changed.len()
    );
    // An unknown run is a clear error.
    let o = duijie(&["diff", db_s, "2", "9"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("run 9"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn agreements_keep_signed_units_drop_refused_pairs_and_bad_ones_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("datasets/sample");
    let out = dir.path().join("o");
    let agreements = dir.path().join("agreements.csv");
    // N01 took 4 from T01 and 2 from T03 without agreements.
    std::fs::write(
        &agreements,
        "need,offer,units,status\nN01,T03,2,已签约\nN01,T01,,已拒绝\nN02,T02,,暂停\n",
    )
    .unwrap();
    let args = [
        "match",
        sample.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--agreements",
        agreements.to_str().unwrap(),
    ];
    ok(&args);
    let matches = std::fs::read_to_string(out.join("matches.csv")).unwrap();
    let units = |need: &str, offer: &str| -> Option<u32> {
        matches.lines().find_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[1] == need && c[4] == offer).then(|| c[7].parse().unwrap())
        })
    };
    assert_eq!(units("N01", "T03"), Some(2), "{matches}");
    assert_eq!(units("N01", "T01"), None, "{matches}");
    assert_eq!(units("N02", "T02"), None, "{matches}");
    for (text, says) in [
        (
            "need,offer,units,status\nN01,T03,9,signed\n",
            "agreements.csv:2: signed agreements give need \"N01\" 9 units",
        ),
        (
            "need,offer,units,status\nN01,T03,1,signed\nN0x,T01,1,refused\n",
            "agreements.csv:3: no need with id \"N0x\"",
        ),
        (
            "need,offer,units,status\nN01,T03,1,maybe\n",
            "agreements.csv:2: status \"maybe\"",
        ),
        (
            "need,offer,units,status\nN01,T03,1,signed\nN01,T03,,refused\n",
            "agreed a second time",
        ),
    ] {
        std::fs::write(&agreements, text).unwrap();
        let o = duijie(&args);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{err}");
    }
}

#[test]
fn a_keep_bonus_moves_fewer_partnerships_than_a_fresh_rematch() {
    let (dir, db_s) = sample_database();
    let db_s = db_s.as_str();
    let sample = root().join("datasets/sample");
    let out = dir.path().join("o");
    let out_s = out.to_str().unwrap();
    // The next round scores differently (geography counts for nothing).
    let weights = dir.path().join("w.toml");
    std::fs::write(
        &weights,
        "[technology]\ngeography = 0.0\n[talent]\ngeography = 0.0\n",
    )
    .unwrap();
    let w = weights.to_str().unwrap();
    ok(&["match", db_s, "--out", out_s, "--weights", w]); // run 3: fresh
    let text = ok(&[
        "match",
        db_s,
        "--out",
        out_s,
        "--weights",
        w,
        "--previous-run",
        "2",
        "--keep",
        "1",
    ]); // run 4
    assert!(text.contains("since run 2:"), "{text}");
    let moved = |a: &str, b: &str| -> usize {
        let d: serde_json::Value =
            serde_json::from_str(&ok(&["diff", db_s, a, b, "--json"])).unwrap();
        ["added", "removed", "changed"]
            .iter()
            .map(|k| d[k].as_array().unwrap().len())
            .sum()
    };
    // A bonus of a whole score per unit keeps every partnership that can stay.
    assert!(
        moved("2", "4") <= moved("2", "3"),
        "{} vs {}",
        moved("2", "4"),
        moved("2", "3")
    );
    let o = duijie(&[
        "match",
        sample.to_str().unwrap(),
        "--out",
        out_s,
        "--previous-run",
        "2",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs one database"));
}

#[test]
fn each_alliance_report_lists_what_changed_since_an_earlier_run() {
    let (dir, db) = sample_database();
    let out = dir.path().join("o");
    let weights = dir.path().join("w.toml");
    std::fs::write(&weights, "top_k = 1\n").unwrap();
    let w = weights.to_str().unwrap();
    ok(&["match", &db, "--out", out.to_str().unwrap(), "--weights", w]); // run 3
    let rep = dir.path().join("rep");
    ok(&[
        "alliances",
        &db,
        "--report",
        rep.to_str().unwrap(),
        "--since",
        "3",
    ]);
    // Since run 3 the default allocation adds back N01's second partnership, an enterprise of
    // 高端装备制造; the other alliances' reports say there is no change.
    let mut with_changes = Vec::new();
    for e in std::fs::read_dir(&rep).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "html") && !p.ends_with("index.html") {
            let html = std::fs::read_to_string(&p).unwrap();
            assert!(html.contains("自上一轮以来"), "{}", p.display());
            if html.contains("新增 added") {
                with_changes.push(p.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    assert_eq!(with_changes.len(), 1, "{with_changes:?}");
    assert!(with_changes[0].contains("高端装备制造"), "{with_changes:?}");
}

/// The sample ledger kept over two years: every need and offer again for 2026 (ids suffixed
/// `-2026`), written as CSV files into `dir`.
fn two_year_sample(dir: &std::path::Path) {
    for entry in std::fs::read_dir(root().join("datasets/sample")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let cols: Vec<&str> = header.split(',').collect();
        let mut out = text.clone();
        if let Some(y) = cols.iter().position(|&c| c == "year") {
            assert!(
                !text.contains('"'),
                "no quoted fields in {}",
                path.display()
            );
            for line in lines.filter(|l| !l.is_empty()) {
                let mut f: Vec<String> = line.split(',').map(str::to_owned).collect();
                assert_eq!(f[y], "2025", "{}", path.display());
                f[0] = format!("{}-2026", f[0]);
                f[y] = "2026".into();
                out.push_str(&f.join(","));
                out.push('\n');
            }
        }
        std::fs::write(dir.join(path.file_name().unwrap()), out).unwrap();
    }
}

/// A database of the sample ledger kept over two years (2025 and 2026), in a temporary
/// folder.
fn two_year_database() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("csv");
    std::fs::create_dir(&csv).unwrap();
    two_year_sample(&csv);
    let db = dir.path().join("l.sqlite");
    ok(&[
        "import",
        csv.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    (dir, db)
}

#[test]
fn a_round_is_for_a_year_of_a_ledger_kept_over_several() {
    let (dir, db) = two_year_database();
    let db_s = db.to_str().unwrap();
    let (o2025, o2026, plain) = (
        dir.path().join("o2025"),
        dir.path().join("o2026"),
        dir.path().join("plain"),
    );
    ok(&[
        "match",
        db_s,
        "--year",
        "2025",
        "--out",
        o2025.to_str().unwrap(),
    ]);
    let said = ok(&[
        "match",
        db_s,
        "--year",
        "2026",
        "--out",
        o2026.to_str().unwrap(),
    ]);
    assert!(said.contains("run 3 recorded"), "{said}");
    let sample = root().join("datasets/sample");
    ok(&[
        "match",
        sample.to_str().unwrap(),
        "--out",
        plain.to_str().unwrap(),
    ]);
    // 2025's round is the one-year sample's, byte for byte; 2026's has the same partnerships
    // under the 2026 ids.
    let read = |d: &std::path::Path| std::fs::read_to_string(d.join("matches.csv")).unwrap();
    assert_eq!(read(&o2025), read(&plain));
    let renamed: std::collections::BTreeSet<String> = read(&o2026)
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .take(4)
                .collect::<Vec<_>>()
                .join(",")
                .replace("-2026", "")
        })
        .collect();
    let plain_rows: std::collections::BTreeSet<String> = read(&plain)
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(4).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(renamed, plain_rows);
    // Each run says its year; the diff of the two years is every partnership renewed.
    let runs: serde_json::Value = serde_json::from_str(&ok(&["runs", db_s, "--json"])).unwrap();
    let years: Vec<_> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["year"].clone())
        .collect();
    assert_eq!(years, [serde_json::Value::Null, 2025.into(), 2026.into()]);
    let table = ok(&["runs", db_s]);
    assert!(table.lines().nth(3).unwrap().contains("2026"), "{table}");
    // The two years share no need or offer, so needs and offers differ everywhere; between
    // parties the same collaborations continue, so nothing changed.
    let by_records: serde_json::Value =
        serde_json::from_str(&ok(&["diff", db_s, "2", "3", "--json"])).unwrap();
    let n = read(&plain).lines().count() - 1;
    assert_eq!(by_records["added"].as_array().unwrap().len(), n);
    assert_eq!(by_records["removed"].as_array().unwrap().len(), n);
    let by_parties: serde_json::Value =
        serde_json::from_str(&ok(&["diff", db_s, "2", "3", "--parties", "--json"])).unwrap();
    for k in ["added", "removed", "changed"] {
        assert_eq!(by_parties[k], serde_json::json!([]), "{k}");
    }
    // The year's alliance reports compare with last year's run between parties; the year's
    // programme report is recorded as that year's run.
    let reports = dir.path().join("alliances");
    let said = ok(&[
        "alliances",
        db_s,
        "--year",
        "2026",
        "--report",
        reports.to_str().unwrap(),
        "--since",
        "2",
    ]);
    assert!(said.contains("wrote"), "{said}");
    assert!(reports.join("index.html").exists());
    let report_dir = dir.path().join("report");
    ok(&[
        "report",
        db_s,
        "--year",
        "2026",
        "--out",
        report_dir.to_str().unwrap(),
    ]);
    let runs: serde_json::Value = serde_json::from_str(&ok(&["runs", db_s, "--json"])).unwrap();
    assert_eq!(runs.as_array().unwrap().last().unwrap()["year"], 2026);
    // A year the ledger does not have is named, with the years it has.
    for cmd in ["match", "report"] {
        let o = duijie(&[
            cmd,
            db_s,
            "--year",
            "2031",
            "--out",
            plain.to_str().unwrap(),
        ]);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("--year 2031") && err.contains("2025, 2026"),
            "{err}"
        );
    }
}

#[test]
fn a_databases_agreements_are_recorded_checked_logged_and_respected_by_match() {
    let (dir, db) = two_year_database();
    let db_s = db.to_str().unwrap();
    let file = dir.path().join("a.csv");
    let units_in = |out: &std::path::Path, need: &str, offer: &str| -> Option<u32> {
        let m = std::fs::read_to_string(out.join("matches.csv")).unwrap();
        m.lines().find_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[1] == need && c[4] == offer).then(|| c[7].parse().unwrap())
        })
    };
    // One agreement of each year; the refused pair of 2026 is one match would make.
    std::fs::write(
        &file,
        "need,offer,units,status\nN01,T03,2,已签约\nN01-2026,T01-2026,,已拒绝\n",
    )
    .unwrap();
    let said = ok(&["agreements", db_s, "--record", file.to_str().unwrap()]);
    assert!(said.contains("recorded 2 agreements"), "{said}");
    assert!(said.contains("已签约") && said.contains("已拒绝"), "{said}");
    // A bad file records nothing, and says which agreement and why.
    std::fs::write(
        &file,
        "need,offer,units,status\nN02,T02,1,signed\nN01,T03,9,signed\n",
    )
    .unwrap();
    let o = duijie(&["agreements", db_s, "--record", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("need \"N01\" 9 units") && err.contains("nothing was recorded"),
        "{err}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&["agreements", db_s, "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");

    // Each year's round respects its own year's agreements.
    let (o25, o26) = (dir.path().join("o25"), dir.path().join("o26"));
    let said = ok(&[
        "match",
        db_s,
        "--year",
        "2025",
        "--out",
        o25.to_str().unwrap(),
    ]);
    assert!(said.contains("1 agreements from"), "{said}");
    assert_eq!(units_in(&o25, "N01", "T03"), Some(2));
    ok(&[
        "match",
        db_s,
        "--year",
        "2026",
        "--out",
        o26.to_str().unwrap(),
    ]);
    assert_eq!(units_in(&o26, "N01-2026", "T01-2026"), None);
    assert!(units_in(&o26, "N01-2026", "T03-2026").is_some());

    // Withdrawn, the refusal no longer holds; the log keeps every change with who and when.
    ok(&["agreements", db_s, "--withdraw", "N01-2026", "T01-2026"]);
    ok(&[
        "match",
        db_s,
        "--year",
        "2026",
        "--out",
        o26.to_str().unwrap(),
    ]);
    assert!(units_in(&o26, "N01-2026", "T01-2026").is_some());
    let log: serde_json::Value =
        serde_json::from_str(&ok(&["agreements", db_s, "--log", "--json"])).unwrap();
    let statuses: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["signed", "refused", "withdrawn"]);
    assert!(log[0]["recorded_by"].as_str().unwrap().starts_with("cli"));
    let o = duijie(&["agreements", db_s, "--withdraw", "N01-2026", "T01-2026"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no agreement of need"));
}
