//! Crash safety: `duijie import` killed with SIGKILL at many points leaves the database either
//! as it was or fully imported, and the run table says which.
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

    let points: u32 = std::env::var("DUIJIE_KILL_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let (mut old_seen, mut new_seen) = (0, 0);
    for k in 0..points {
        let db = dir.path().join(format!("k{k}.sqlite"));
        std::fs::copy(&base, &db).unwrap();
        // Kill points spread from a third of a normal import (before that it only reads the
        // files) to a little past its end, so most fall while it writes.
        let at = took.mul_f64(0.3 + 0.85 * f64::from(k) / f64::from(points.max(1)));
        let mut child = duijie()
            .args([
                "import",
                new_dir.to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL; the import may have finished already
        let _ = child.wait();
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
