//! Crash safety: `duijie import` killed with SIGKILL at many points leaves the database either
//! as it was or fully imported, and the run table says which; `duijie report` killed at many
//! points leaves each report file either the old one or a complete new one; `duijie match`
//! killed at many points leaves each result file old or new, and records its run only after
//! all of them; `duijie serve` killed while it imports a province ledger posted to it leaves
//! the old ledger or the new one, with the import's run recorded exactly when it happened.
//!
//! The number of kill points is `DUIJIE_KILL_POINTS` (default 10, and 20 for the service; the
//! reliability check runs 100).

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
/// imports recorded as runs of `command` (`import`, or `api import by NAME` for the service).
fn state(path: &Path, command: &str) -> (String, String, Vec<String>) {
    let db = Db::open_existing(path).unwrap_or_else(|e| panic!("the database must open: {e}"));
    let stored = db.ledger_hash().unwrap();
    let held = duijie_store::sqlite::ledger_hash_of(&db.read().unwrap());
    let imports = db
        .runs()
        .unwrap()
        .into_iter()
        .filter(|(_, c)| c == command)
        .map(|(id, _)| db.run(id).unwrap().input_hash)
        .collect();
    (stored, held, imports)
}

/// `new` imported by the command line into a copy of `base` made at `full`: how long it took.
fn timed_import(base: &Path, new: &Path, full: &Path) -> std::time::Duration {
    std::fs::copy(base, full).unwrap();
    let start = Instant::now();
    let o = duijie()
        .args([
            "import",
            new.to_str().unwrap(),
            "--db",
            full.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    start.elapsed()
}

/// Checks a database after a kill: its tables agree with its hash, and it holds either the old
/// ledger with the import runs `before` or the new one with the import recorded after them
/// (runs of `command`). Whether it holds the new one.
fn killed_state(
    db: &Path,
    command: &str,
    (old, new): (&str, &str),
    before: &[String],
    point: &str,
) -> bool {
    let (stored, held, imports) = state(db, command);
    assert_eq!(held, stored, "{point}: tables and hash disagree");
    if stored == old {
        assert_eq!(
            imports, before,
            "{point}: a run for an import that did not happen"
        );
        return false;
    }
    assert_eq!(stored, new, "{point}: a ledger that is neither");
    let mut after = before.to_vec();
    after.push(new.to_owned());
    assert_eq!(imports, after, "{point}: the import has no run");
    true
}

/// A sample ledger (seed 2) imported into `base.sqlite` under `dir`, and a province ledger
/// (seed 2) generated into `dir/new` to import over it: `(base, new)`.
fn old_and_new(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (old_dir, new_dir) = (dir.join("old"), dir.join("new"));
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
    let base = dir.join("base.sqlite");
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
    (base, new_dir)
}

#[test]
fn a_killed_import_leaves_the_old_ledger_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new_dir) = old_and_new(dir.path());
    let (old_hash, _, imports) = state(&base, "import");
    assert_eq!(imports, vec![old_hash.clone()]);
    // How long an uninterrupted import of the new ledger takes, and its hash.
    let full = dir.path().join("full.sqlite");
    let took = timed_import(&base, &new_dir, &full);
    let (new_hash, held, imports) = state(&full, "import");
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
        if killed_state(
            &db,
            "import",
            (&old_hash, &new_hash),
            std::slice::from_ref(&old_hash),
            &format!("kill point {k} ({at:?})"),
        ) {
            new_seen += 1;
        } else {
            old_seen += 1;
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

/// A free loopback port (bound and released; the server binds it a moment later).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `duijie serve` on `db` at `port` with a write token `w`, once it says it listens.
fn serve(db: &Path, tokens: &Path, port: u16) -> std::process::Child {
    use std::io::BufRead;
    let mut child = duijie()
        .args([
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--tokens",
            tokens.to_str().unwrap(),
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    assert!(
        first.contains("listening"),
        "the server did not start: {first}"
    );
    // Keep draining its standard error so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    child
}

/// Posts `body` to `/v1/ledger` with the write token; the answer's status, if one came.
fn post_import(port: u16, body: &[u8]) -> Option<u16> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    let head = format!(
        "POST /v1/ledger HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer w\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    c.write_all(head.as_bytes()).ok()?;
    c.write_all(body).ok()?;
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).ok()?;
    String::from_utf8_lossy(&raw)
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// What an import through the service is recorded as.
const API: &str = "api import by platform";

/// An import of a province ledger through the service, set up under `dir`: the sample
/// database to import over, a tokens file with the write token `w`, the request's body, how
/// long the same import takes the command line, and the old and new ledgers' hashes.
struct ServiceImport {
    base: std::path::PathBuf,
    tokens: std::path::PathBuf,
    body: Vec<u8>,
    took: std::time::Duration,
    old_hash: String,
    new_hash: String,
}

fn service_import(dir: &Path) -> ServiceImport {
    let (base, new_dir) = old_and_new(dir);
    let tokens = dir.join("tokens");
    std::fs::write(
        &tokens,
        format!("write {} platform\n", duijie_server::auth::hash_token("w")),
    )
    .unwrap();
    let mut files = Vec::new();
    for e in std::fs::read_dir(&new_dir).unwrap() {
        let p = e.unwrap().path();
        files.push(serde_json::json!({
            "name": p.file_name().unwrap().to_str().unwrap(),
            "text": std::fs::read_to_string(&p).unwrap(),
        }));
    }
    let body = serde_json::to_vec(&serde_json::json!({ "files": files })).unwrap();
    let (old_hash, _, _) = state(&base, API);
    // The same import by the command line: how long validating and storing take, and the
    // new ledger's hash (the service's import stores the same records; it then re-reads and
    // re-scores the ledger, which a kill can no longer undo).
    let full = dir.join("full.sqlite");
    let took = timed_import(&base, &new_dir, &full);
    let (new_hash, _, _) = state(&full, API);
    ServiceImport {
        base,
        tokens,
        body,
        took,
        old_hash,
        new_hash,
    }
}

#[test]
fn a_server_killed_during_an_import_leaves_the_old_ledger_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let ServiceImport {
        base,
        tokens,
        body,
        took,
        old_hash,
        new_hash,
    } = service_import(dir.path());

    let points: u32 = std::env::var("DUIJIE_KILL_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let (mut old_seen, mut new_seen) = (0, 0);
    for k in 0..points {
        let db = dir.path().join(format!("api{k}.sqlite"));
        std::fs::copy(&base, &db).unwrap();
        let port = free_port();
        let mut server = serve(&db, &tokens, port);
        // From a fifth of the command line's import (the service is still reading the body)
        // to well past its end (the service also parses the JSON), so that points fall before,
        // during and after the transaction.
        let at = took.mul_f64(0.2 + 1.6 * f64::from(k) / f64::from(points.max(1)));
        let client = {
            let body = body.clone();
            std::thread::spawn(move || post_import(port, &body))
        };
        std::thread::sleep(at);
        let _ = server.kill();
        let _ = server.wait();
        let _ = client.join();
        if killed_state(
            &db,
            API,
            (&old_hash, &new_hash),
            &[],
            &format!("kill point {k} ({at:?})"),
        ) {
            new_seen += 1;
        } else {
            old_seen += 1;
        }
        let _ = std::fs::remove_file(&db);
    }
    eprintln!(
        "{points} kill points through the service: {old_seen} left the old ledger, {new_seen} the new one (the command line's import took {took:?})"
    );
    if points >= 4 {
        assert!(old_seen > 0, "no kill point interrupted the import");
        assert!(new_seen > 0, "no import through the service completed");
    }
}

#[test]
fn a_server_stopped_during_an_import_finishes_it_and_answers_before_it_exits() {
    let dir = tempfile::tempdir().unwrap();
    let ServiceImport {
        base,
        tokens,
        body,
        took,
        new_hash,
        ..
    } = service_import(dir.path());
    // SIGTERM (what a service manager sends) at three points of the import: the server stops
    // taking connections but answers the import it is doing, with the new ledger stored, and
    // then exits cleanly.
    for (k, share) in [0.3, 0.6, 0.9].into_iter().enumerate() {
        let db = dir.path().join(format!("term{k}.sqlite"));
        std::fs::copy(&base, &db).unwrap();
        let port = free_port();
        let mut server = serve(&db, &tokens, port);
        let client = {
            let body = body.clone();
            std::thread::spawn(move || post_import(port, &body))
        };
        let at = took.mul_f64(share);
        std::thread::sleep(at);
        let sent = Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let exit = server.wait().unwrap();
        assert!(
            exit.success(),
            "SIGTERM at {at:?}: the server exited {exit}"
        );
        assert_eq!(client.join().unwrap(), Some(200), "SIGTERM at {at:?}");
        let (stored, held, imports) = state(&db, API);
        assert_eq!(
            (&stored, &held),
            (&new_hash, &new_hash),
            "SIGTERM at {at:?}"
        );
        assert_eq!(
            imports,
            std::slice::from_ref(&new_hash),
            "SIGTERM at {at:?}"
        );
    }
}
