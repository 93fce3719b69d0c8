//! Crash safety: `duijie import` killed with SIGKILL at many points leaves the database either
//! as it was or fully imported, and the run table says which; `duijie report` killed at many
//! points leaves each report file either the old one or a complete new one; `duijie match`
//! killed at many points leaves each result file old or new, and records its run only after
//! all of them.
//!
//! The number of kill points is `DUIJIE_KILL_POINTS` (default 10; the reliability check runs
//! 100).

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use duijie_store::Db;

fn duijie() -> Command {
    Command::new(env!("CARGO_BIN_EXE_duijie"))
}

/// How many kill points to try: `DUIJIE_KILL_POINTS`, 10 unless set.
fn kill_points() -> u32 {
    std::env::var("DUIJIE_KILL_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

/// Runs `duijie ARGS` and sends it SIGKILL after `at` (it may have finished already).
fn run_and_kill(args: &[&str], at: std::time::Duration) {
    let mut child = duijie()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(at);
    let _ = child.kill();
    let _ = child.wait();
}

/// The stored ledger hash, the hash of what the tables hold, and the input hashes of the
/// import runs.
fn state(path: &Path) -> (String, String, Vec<String>) {
    let db = Db::open_existing(path).unwrap_or_else(|e| panic!("the database must open: {e}"));
    let stored = db.ledger_hash().unwrap();
    let held = duijie_store::sqlite::ledger_hash_of(&db.read().unwrap());
    let imports = db
        .runs()
        .unwrap()
        .into_iter()
        .filter(|(_, c)| c == "import")
        .map(|(id, _)| db.run(id).unwrap().input_hash)
        .collect();
    (stored, held, imports)
}

#[test]
fn a_killed_import_leaves_the_old_ledger_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let (old_dir, new_dir) = (dir.path().join("old"), dir.path().join("new"));
    for (scale, out) in [("sample", &old_dir), ("province", &new_dir)] {
        let o = duijie()
            .args([
                "gen",
                "--scale",
                scale,
                "--seed",
                "2",
                "--out",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    let base = dir.path().join("base.sqlite");
    let o = duijie()
        .args([
            "import",
            old_dir.to_str().unwrap(),
            "--db",
            base.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (old_hash, _, imports) = state(&base);
    assert_eq!(imports, vec![old_hash.clone()]);
    // How long an uninterrupted import of the new ledger takes, and its hash.
    let full = dir.path().join("full.sqlite");
    std::fs::copy(&base, &full).unwrap();
    let start = Instant::now();
    let o = duijie()
        .args([
            "import",
            new_dir.to_str().unwrap(),
            "--db",
            full.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let took = start.elapsed();
    let (new_hash, held, imports) = state(&full);
    assert_eq!(held, new_hash);
    assert_eq!(imports, vec![old_hash.clone(), new_hash.clone()]);

    let points = kill_points();
    let (mut old_seen, mut new_seen) = (0, 0);
    for k in 0..points {
        let db = dir.path().join(format!("k{k}.sqlite"));
        std::fs::copy(&base, &db).unwrap();
        // Kill points spread from a third of a normal import (before that it only reads the
        // files) to a little past its end, so most fall while it writes.
        let at = took.mul_f64(0.3 + 0.85 * f64::from(k) / f64::from(points.max(1)));
        run_and_kill(
            &[
                "import",
                new_dir.to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
            ],
            at,
        );
        let (stored, held, imports) = state(&db);
        assert_eq!(
            held, stored,
            "kill point {k} ({at:?}): tables and hash disagree"
        );
        if stored == old_hash {
            assert_eq!(
                imports,
                vec![old_hash.clone()],
                "kill point {k}: a run for an import that did not happen"
            );
            old_seen += 1;
        } else {
            assert_eq!(stored, new_hash, "kill point {k}: a ledger that is neither");
            assert_eq!(
                imports,
                vec![old_hash.clone(), new_hash.clone()],
                "kill point {k}: the import has no run"
            );
            new_seen += 1;
        }
        let _ = std::fs::remove_file(&db);
    }
    eprintln!(
        "{points} kill points: {old_seen} left the old ledger, {new_seen} the new one (import took {took:?})"
    );
    if points >= 4 {
        assert!(old_seen > 0, "no kill point interrupted the import");
    }
}

/// Whether a report file is complete: the HTML ends its document, the XLSX opens, the CSV and
/// graphs end their last line or element.
fn complete(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => String::from_utf8_lossy(&bytes)
            .trim_end()
            .ends_with("</html>"),
        Some("xlsx") => {
            use calamine::Reader;
            calamine::Xlsx::new(std::io::Cursor::new(bytes))
                .map(|wb: calamine::Xlsx<_>| wb.sheet_names().len() >= 7)
                .unwrap_or(false)
        }
        Some("graphml") => String::from_utf8_lossy(&bytes)
            .trim_end()
            .ends_with("</graphml>"),
        Some("dot") => String::from_utf8_lossy(&bytes).trim_end().ends_with('}'),
        _ => bytes.ends_with(b"\n"),
    }
}

#[test]
fn a_killed_report_leaves_each_file_old_or_new_never_torn() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let o = duijie()
        .args([
            "gen",
            "--scale",
            "sample",
            "--seed",
            "4",
            "--out",
            ledger.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = dir.path().join("report");
    // The old reports: from the bundled sample ledger.
    let o = duijie()
        .args(["report", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names = [
        "report.html",
        "report.xlsx",
        "comparison.csv",
        "alliances.graphml",
        "alliances.dot",
    ];
    let old: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(out.join(n)).unwrap())
        .collect();
    let start = Instant::now();
    let o = duijie()
        .args([
            "report",
            ledger.to_str().unwrap(),
            "--out",
            dir.path().join("full").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let took = start.elapsed();
    let points = kill_points().max(10);
    let mut changed = 0;
    for k in 0..points {
        // Restore the old reports, then kill a new run at a point of its course.
        for (n, b) in names.iter().zip(&old) {
            std::fs::write(out.join(n), b).unwrap();
        }
        let at = took.mul_f64(1.2 * f64::from(k) / f64::from(points));
        run_and_kill(
            &[
                "report",
                ledger.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            at,
        );
        for (n, b) in names.iter().zip(&old) {
            let p = out.join(n);
            let now = std::fs::read(&p).unwrap();
            if now != *b {
                changed += 1;
                assert!(complete(&p), "kill point {k} ({at:?}): {n} is torn");
            }
        }
    }
    eprintln!(
        "{points} kill points during report: {changed} files replaced whole, none torn (a run takes {took:?})"
    );
}

#[test]
fn a_killed_match_leaves_each_result_old_or_new_and_records_its_run_only_after_them() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let run = |args: &[&str]| {
        let o = duijie().args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (ledger_s, base) = (ledger.to_str().unwrap(), dir.path().join("base.sqlite"));
    run(&["gen", "--scale", "sample", "--seed", "4", "--out", ledger_s]);
    run(&["import", ledger_s, "--db", base.to_str().unwrap()]);
    let names = ["matches.csv", "unmet.csv", "summary.json"];
    let read_all = |out: &Path| -> Vec<Option<Vec<u8>>> {
        names
            .iter()
            .map(|n| std::fs::read(out.join(n)).ok())
            .collect()
    };
    // The old results: another ledger's. The new: this database's, uninterrupted.
    let other = dir.path().join("other");
    run(&[
        "gen",
        "--scale",
        "sample",
        "--seed",
        "5",
        "--out",
        other.to_str().unwrap(),
    ]);
    let out = dir.path().join("out");
    run(&[
        "match",
        other.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let old = read_all(&out);
    let full_db = dir.path().join("full.sqlite");
    std::fs::copy(&base, &full_db).unwrap();
    let full_out = dir.path().join("full");
    let start = Instant::now();
    run(&[
        "match",
        full_db.to_str().unwrap(),
        "--out",
        full_out.to_str().unwrap(),
    ]);
    let took = start.elapsed();
    let new = read_all(&full_out);
    assert!(names.iter().enumerate().all(|(k, _)| old[k] != new[k]));
    let runs = |db: &Path| Db::open_existing(db).unwrap().runs().unwrap().len();
    assert_eq!(runs(&full_db), runs(&base) + 1);
    // The run's partnerships, as the uninterrupted run kept them.
    let full_rows = {
        let db = Db::open_existing(&full_db).unwrap();
        let last = db.runs().unwrap().last().unwrap().0;
        db.run_matches(last).unwrap()
    };
    assert!(!full_rows.is_empty());

    let points = kill_points().max(10);
    let (mut replaced, mut recorded) = (0, 0);
    for k in 0..points {
        let db = dir.path().join("k.sqlite");
        std::fs::copy(&base, &db).unwrap();
        for (n, b) in names.iter().zip(&old) {
            std::fs::write(out.join(n), b.as_ref().unwrap()).unwrap();
        }
        let at = took.mul_f64(1.3 * f64::from(k) / f64::from(points));
        run_and_kill(
            &[
                "match",
                db.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            at,
        );
        let now = read_all(&out);
        for (i, n) in names.iter().enumerate() {
            assert!(
                now[i] == old[i] || now[i] == new[i],
                "kill point {k} ({at:?}): {n} is neither the old result nor the new"
            );
        }
        let all_new = now == new;
        replaced += now.iter().zip(&old).filter(|(a, b)| a != b).count();
        match runs(&db) - runs(&base) {
            0 => {}
            1 => {
                assert!(all_new, "kill point {k}: a run recorded before its results");
                // Present means complete: every partnership row, checksum intact.
                let store = Db::open_existing(&db).unwrap();
                let last = store.runs().unwrap().last().unwrap().0;
                assert_eq!(
                    store.run_matches(last).unwrap(),
                    full_rows,
                    "kill point {k}: a run recorded without all its partnerships"
                );
                recorded += 1;
            }
            more => panic!("kill point {k}: {more} runs recorded"),
        }
        let _ = std::fs::remove_file(&db);
    }
    // A finished run afterwards removes what killed runs left behind.
    run(&[
        "match",
        base.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let litter: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(litter.is_empty(), "temporary files left: {litter:?}");
    eprintln!(
        "{points} kill points during match: {replaced} files replaced whole, none torn; {recorded} runs recorded, each after its results (a run takes {took:?})"
    );
}
