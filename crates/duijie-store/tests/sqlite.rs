//! The SQLite store: exact round trips from CSV and JSON, all-or-nothing imports, checked
//! runs, and refusal of files that are not a sound duijie database.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use duijie_store::sqlite::{APPLICATION_ID, SCHEMA_VERSION};
use duijie_store::{Db, DbError, RunRecord, Source, read_paths, read_sources};

fn sample_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample")
}

#[test]
fn csv_ledgers_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let mut db = Db::create_or_open(&path).unwrap();
    let loaded = db.import(read_paths(&[sample_dir()]).unwrap()).unwrap();
    assert!(loaded.ledger.parties.len() > 5);
    // Read back by a fresh connection, as another process would.
    drop(db);
    let again = duijie_store::load_paths(&[&path]).unwrap();
    assert_eq!(again.ledger, loaded.ledger);
    assert_eq!(again.report.error_count(), 0);
    // Generated ledgers too, replacing the previous one each time.
    let mut db = Db::open_existing(&path).unwrap();
    for seed in 0..3 {
        let read = duijie_store::read_generated(duijie::synth::Scale::Sample, seed);
        let hash = duijie_store::sqlite::ledger_hash_of(&read);
        let loaded = db.import(read).unwrap();
        assert_eq!(db.ledger_hash().unwrap(), hash);
        let back = db.read().unwrap();
        assert_eq!(duijie_store::sqlite::ledger_hash_of(&back), hash);
        assert_eq!(back.validate().ledger, loaded.ledger, "seed {seed}");
    }
}

#[test]
fn json_values_keep_their_types() {
    // Integers, reals, booleans, lists (one item holding a separator) and nulls: each comes
    // back as it went in.
    let json = r#"{
      "schools": [{"id": "S1", "name": "沈阳工业大学", "level": "研究生", "city": "沈阳", "out_of_province": false}],
      "institutes": [{"id": "R1", "name": "外省研究院", "city": null, "out_of_province": true}],
      "enterprises": [{"id": "E1", "name": "沈阳机床", "size": "大型", "industry": "34", "city": "沈阳", "park": "中德产业园"}],
      "technology_needs": [{"id": "K1", "enterprise": "E1", "kind": "技术升级改造", "disciplines": ["0802", "0811"], "keywords": ["机器人;视觉", "焊接"], "description": "焊接机器人视觉", "scale": 120, "year": 2025}],
      "technology_capabilities": [{"id": "C1", "provider": "R1", "platform_level": "省级", "disciplines": ["0811"], "keywords": ["机器人;视觉"], "capacity": 2, "year": 2025}],
      "talent_supply": [{"id": "T1", "school": "S1", "major_code": "080202", "level": "本科", "graduates": 4, "employment_rate": 0.955, "year": 2025}]
    }"#;
    let read = read_sources([Source::new("ledger.json", json.as_bytes().to_vec())]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite");
    let mut db = Db::create_or_open(&path).unwrap();
    let records = read.records.clone();
    let loaded = db.import(read).unwrap();
    assert_eq!(loaded.report.error_count(), 0, "{}", loaded.report);
    assert_eq!(
        loaded.ledger.technology_needs[0].keywords,
        vec!["机器人;视觉", "焊接"]
    );
    let back = db.read().unwrap();
    // Every field of every record, with its type; records are grouped by table on the way back.
    let mut want = records.clone();
    want.sort_by_key(|r| duijie::RecordKind::ALL.iter().position(|k| *k == r.kind));
    assert_eq!(back.records.len(), want.len());
    for (a, b) in back.records.iter().zip(&want) {
        assert_eq!(a.kind, b.kind);
        assert_eq!(a.typed, b.typed);
        assert_eq!(a.origin, b.origin);
        let mut x = a.fields.clone();
        let mut y: Vec<_> = b
            .fields
            .iter()
            .filter(|f| f.1 != duijie::Value::Null)
            .cloned()
            .collect();
        x.sort_by(|p, q| p.0.cmp(&q.0));
        y.sort_by(|p, q| p.0.cmp(&q.0));
        assert_eq!(x, y);
    }
    assert_eq!(back.validate().ledger, loaded.ledger);
}

#[test]
fn a_ledger_with_errors_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.sqlite");
    let mut db = Db::create_or_open(&path).unwrap();
    let good = db.import(read_paths(&[sample_dir()]).unwrap()).unwrap();
    let hash = db.ledger_hash().unwrap();
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/cases/bad_ledger");
    match db.import(read_paths(&[bad]).unwrap()) {
        Err(DbError::Refused { report, .. }) => assert!(report.error_count() > 0),
        other => panic!("{other:?}"),
    }
    assert_eq!(db.ledger_hash().unwrap(), hash);
    assert_eq!(db.read().unwrap().validate().ledger, good.ledger);
}

#[test]
fn runs_are_checked_when_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite");
    let mut db = Db::create_or_open(&path).unwrap();
    db.import(read_paths(&[sample_dir()]).unwrap()).unwrap();
    let run = RunRecord {
        command: "match".into(),
        config: "top_k = 50".into(),
        seed: Some(7),
        library_version: "0.1.0".into(),
        input_hash: db.ledger_hash().unwrap(),
        counts: r#"{"talent_needs": 5}"#.into(),
        results: r#"{"welfare": 43.39}"#.into(),
    };
    let id = db.record_run(&run).unwrap();
    assert_eq!(db.run(id).unwrap(), run);
    // The import is run 1, in the same transaction as the ledger.
    assert_eq!(
        db.runs().unwrap(),
        vec![(1, "import".to_owned()), (id, "match".to_owned())]
    );
    assert_eq!(db.run(1).unwrap().input_hash, run.input_hash);
    assert!(matches!(db.run(id + 1), Err(DbError::NoRun { .. })));
    drop(db);
    // Someone edits the results by hand.
    let c = rusqlite_connection(&path);
    c.execute(
        "UPDATE run SET results = '{\"welfare\": 99}' WHERE command = 'match'",
        [],
    )
    .unwrap();
    drop(c);
    let db = Db::open_existing(&path).unwrap();
    let e = db.run(id).unwrap_err();
    assert!(matches!(e, DbError::Tampered { .. }), "{e}");
    assert!(e.to_string().contains("r.sqlite"), "{e}");
}

fn rusqlite_connection(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn files_that_are_not_a_sound_duijie_database_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Not SQLite at all.
    let text = dir.path().join("notes.sqlite");
    std::fs::write(&text, "id,name\n").unwrap();
    let e = Db::open_existing(&text).unwrap_err();
    assert!(matches!(e, DbError::NotADuijieDatabase { .. }), "{e}");
    // Another application's database.
    let other = dir.path().join("other.sqlite");
    rusqlite_connection(&other)
        .execute_batch("CREATE TABLE t (x); PRAGMA application_id = 42;")
        .unwrap();
    let e = Db::open_existing(&other).unwrap_err();
    assert!(matches!(e, DbError::NotADuijieDatabase { .. }), "{e}");
    // Loading it as a ledger gives the same typed cause, and says the path once.
    let e = duijie_store::load_paths(&[&other]).unwrap_err();
    assert!(
        matches!(e.database_error(), Some(DbError::NotADuijieDatabase { .. })),
        "{e}"
    );
    assert!(e.io_error().is_none());
    let shown = e.to_string();
    assert!(shown.starts_with("cannot read "), "{shown}");
    assert_eq!(shown.matches("other.sqlite").count(), 1, "{shown}");
    let e = duijie_store::load_paths(&[dir.path().join("absent.csv")]).unwrap_err();
    assert_eq!(
        e.io_error().map(std::io::Error::kind),
        Some(std::io::ErrorKind::NotFound)
    );
    // Written by a newer duijie.
    let newer = dir.path().join("newer.sqlite");
    drop(Db::create_or_open(&newer).unwrap());
    rusqlite_connection(&newer)
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let e = Db::open_existing(&newer).unwrap_err();
    assert!(
        matches!(e, DbError::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1),
        "{e}"
    );
    // Missing.
    let e = Db::open_existing(&dir.path().join("none.sqlite")).unwrap_err();
    assert!(matches!(e, DbError::Open { .. }), "{e}");
    // Damaged: a valid database with pages overwritten.
    let damaged = dir.path().join("damaged.sqlite");
    {
        let mut db = Db::create_or_open(&damaged).unwrap();
        db.import(read_paths(&[sample_dir()]).unwrap()).unwrap();
        drop(db);
        let c = rusqlite_connection(&damaged);
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let mut bytes = std::fs::read(&damaged).unwrap();
    assert_eq!(
        i32::from_be_bytes([bytes[68], bytes[69], bytes[70], bytes[71]]),
        APPLICATION_ID
    );
    for b in bytes.iter_mut().skip(4096 + 100).take(3000) {
        *b = 0xA5;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    match Db::open_existing(&damaged) {
        Err(DbError::Corrupt { .. } | DbError::Sql { .. }) => {}
        Ok(db) => {
            // quick_check may miss damage inside a leaf's free space; then reading must still
            // answer with a typed error or a ledger, never a panic.
            let _ = db.read();
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
}

/// A database with the sample ledger imported, and its path.
fn imported_sample(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("ledger.sqlite");
    let mut db = Db::create_or_open(&path).unwrap();
    db.import(read_paths(&[sample_dir()]).unwrap()).unwrap();
    path
}

#[test]
fn schema_objects_duijie_did_not_create_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let planted = [
        (
            "trigger",
            "CREATE TRIGGER rename AFTER INSERT ON talent_needs BEGIN UPDATE talent_needs SET \"headcount\" = 999 WHERE rid = new.rid; END;",
        ),
        ("view", "CREATE VIEW v AS SELECT * FROM talent_needs;"),
        (
            "index",
            "CREATE INDEX by_major ON talent_needs (\"major_code\");",
        ),
        ("table", "CREATE TABLE notes (x TEXT);"),
    ];
    for (k, (kind, sql)) in planted.iter().enumerate() {
        let path = imported_sample(&dir.path().join(format!("{k}")).tap_mkdir());
        let before = std::fs::read(&path).ok();
        rusqlite_connection(&path).execute_batch(sql).unwrap();
        for open in [Db::open_existing, Db::open_read_only, Db::create_or_open] {
            let e = open(&path).unwrap_err();
            assert!(
                matches!(&e, DbError::ForeignSchema { objects, .. } if objects.len() == 1 && objects[0].starts_with(kind)),
                "{kind}: {e}"
            );
            assert!(e.to_string().contains("did not create"), "{e}");
        }
        // Loading and importing are refused too, and the import writes nothing.
        let e = duijie_store::load_paths(&[&path]).unwrap_err();
        assert!(
            matches!(e.database_error(), Some(DbError::ForeignSchema { .. })),
            "{e}"
        );
        assert!(before.is_some());
    }
}

/// Creates the directory and returns it (for one-line test set-up).
trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}

impl TapMkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

#[test]
fn rows_changed_outside_duijie_are_detected_on_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = imported_sample(dir.path());
    rusqlite_connection(&path)
        .execute_batch("UPDATE talent_needs SET \"headcount\" = '999' WHERE rid = 1;")
        .unwrap();
    let e = Db::open_read_only(&path).unwrap().read().unwrap_err();
    assert!(matches!(e, DbError::LedgerChanged { .. }), "{e}");
    assert!(e.to_string().contains("changed outside duijie"), "{e}");
}

#[test]
fn an_import_that_read_nothing_or_fewer_tables_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = imported_sample(dir.path());
    let mut db = Db::open_existing(&path).unwrap();
    let hash = db.ledger_hash().unwrap();
    // An empty folder, and a folder of files that are not read.
    let empty = dir.path().join("empty").tap_mkdir();
    let e = db.import(read_paths(&[&empty]).unwrap()).unwrap_err();
    assert!(matches!(e, DbError::NothingToImport { .. }), "{e}");
    let xlsx = dir.path().join("xlsx").tap_mkdir();
    std::fs::write(xlsx.join("ledger.xlsx"), b"PK\x03\x04").unwrap();
    std::fs::write(xlsx.join("talent_needs.jsonl"), b"{}\n").unwrap();
    let e = db.replace(read_paths(&[&xlsx]).unwrap()).unwrap_err();
    assert!(matches!(e, DbError::NothingToImport { .. }), "{e}");
    assert!(e.to_string().contains("ledger.xlsx"), "{e}");
    // A header but no rows.
    let headers = dir.path().join("headers").tap_mkdir();
    std::fs::write(
        headers.join("schools.csv"),
        "id,name,level,city,moe_code,out_of_province\n",
    )
    .unwrap();
    let e = db.import(read_paths(&[&headers]).unwrap()).unwrap_err();
    assert!(matches!(e, DbError::NothingToImport { .. }), "{e}");
    // Only the parties: the needs and offers would be lost.
    let parties = dir.path().join("parties").tap_mkdir();
    for t in ["schools", "institutes", "enterprises", "authorities"] {
        std::fs::copy(
            sample_dir().join(format!("{t}.csv")),
            parties.join(format!("{t}.csv")),
        )
        .unwrap();
    }
    let e = db.import(read_paths(&[&parties]).unwrap()).unwrap_err();
    match &e {
        DbError::WouldDropTables { tables, .. } => {
            assert!(
                tables.iter().any(|(t, n)| t == "talent_needs" && *n > 0),
                "{e}"
            );
        }
        _ => panic!("{e}"),
    }
    assert_eq!(db.ledger_hash().unwrap(), hash);
    // Said on purpose, the smaller ledger replaces the old one.
    db.replace(read_paths(&[&parties]).unwrap()).unwrap();
    assert_ne!(db.ledger_hash().unwrap(), hash);
}

#[test]
fn imports_creating_one_new_database_at_once_are_serialised() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("new{round}.sqlite"));
        let results: Vec<Result<(), String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..6)
                .map(|_| {
                    s.spawn(|| {
                        let mut db = Db::create_or_open(&path).map_err(|e| e.to_string())?;
                        db.import(read_paths(&[sample_dir()]).unwrap())
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in results {
            r.unwrap();
        }
        let db = Db::open_read_only(&path).unwrap();
        assert_eq!(db.runs().unwrap().len(), 6);
    }
}

#[test]
fn a_runs_partnerships_read_back_as_recorded_and_a_changed_row_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite");
    let mut db = Db::create_or_open(&path).unwrap();
    let loaded = db.import(read_paths(&[sample_dir()]).unwrap()).unwrap();
    let outcome = duijie::run(&loaded.ledger).unwrap();
    let rows = duijie::history::run_matches(&loaded.ledger, &outcome).unwrap();
    assert!(!rows.is_empty());
    let run = RunRecord {
        command: "match".into(),
        config: "{}".into(),
        seed: None,
        library_version: "0.1.0".into(),
        input_hash: db.ledger_hash().unwrap(),
        counts: "{}".into(),
        results: "{}".into(),
    };
    let id = db.record_run_with_matches(&run, &rows).unwrap();
    assert_eq!(db.run_matches(id).unwrap(), rows);
    assert_eq!(db.run(id).unwrap(), run);
    // A run without rows (the import) reads back empty; an unknown run is refused.
    assert_eq!(db.run_matches(1).unwrap(), vec![]);
    assert!(matches!(db.run_matches(id + 1), Err(DbError::NoRun { .. })));
    // The rows are plain SQL: an analyst can query them, and a change made there is found.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let units: i64 = conn
        .query_row(
            "SELECT SUM(units) FROM run_match WHERE run = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(units, rows.iter().map(|r| i64::from(r.units)).sum::<i64>());
    conn.execute(
        "UPDATE run_match SET units = units + 1 WHERE run = ?1 AND need = 'N01'",
        [id],
    )
    .unwrap();
    drop(conn);
    let db = Db::open_existing(&path).unwrap();
    assert!(matches!(db.run_matches(id), Err(DbError::Tampered { .. })));
}

#[test]
fn a_version_1_database_is_upgraded_and_keeps_its_ledger_and_runs() {
    // A database as duijie wrote it before runs kept their partnerships.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    let current = dir.path().join("now.sqlite");
    let mut db = Db::create_or_open(&current).unwrap();
    db.import(read_paths(&[sample_dir()]).unwrap()).unwrap();
    let hash = db.ledger_hash().unwrap();
    drop(db);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&duijie_store::sqlite::migrations()[0])
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        // Its ledger and its run, copied table by table from a current file.
        conn.execute("ATTACH DATABASE ?1 AS now", [current.to_str().unwrap()])
            .unwrap();
        let tables: Vec<String> = {
            let mut st = conn
                .prepare("SELECT name FROM now.sqlite_schema WHERE type = 'table' AND name NOT IN ('run', 'run_match', 'agreement', 'agreement_log')")
                .unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        for t in tables {
            conn.execute(
                &format!("INSERT INTO main.\"{t}\" SELECT * FROM now.\"{t}\""),
                [],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO main.run SELECT id, command, config, seed, library_version, input_hash, counts, results, results_sha256 FROM now.run",
            [],
        )
        .unwrap();
        conn.execute("DETACH DATABASE now", []).unwrap();
    }
    let db = Db::open_existing(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(db.ledger_hash().unwrap(), hash);
    assert_eq!(db.runs().unwrap(), vec![(1, "import".to_owned())]);
    assert_eq!(db.run(1).unwrap().input_hash, hash);
    assert_eq!(db.run_matches(1).unwrap(), vec![]);
    assert!(db.read().is_ok());
}

#[test]
fn agreements_are_kept_with_who_and_when_and_every_change_is_logged() {
    use duijie::policy::agreements::{AgreementRow, AgreementStatus};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let mut db = Db::create_or_open(&path).unwrap();
    db.import(read_paths(&[sample_dir()]).unwrap()).unwrap();
    let row = |need: &str, offer: &str, units, status| AgreementRow {
        need: need.into(),
        offer: offer.into(),
        units,
        status,
    };
    assert!(db.agreements().unwrap().is_empty());
    let a = db
        .set_agreement(&row("N1", "S1", 2, AgreementStatus::Signed), "alice")
        .unwrap();
    assert_eq!(
        (a.units, a.status, a.status_zh),
        (2, AgreementStatus::Signed, "已签约")
    );
    assert_eq!(a.recorded_by, "alice");
    assert!(
        a.recorded_at.ends_with('Z') && a.recorded_at.len() == 20,
        "{}",
        a.recorded_at
    );
    // A refusal replaces the pair's agreement; a refused pair keeps no units.
    db.set_agreement(&row("N1", "S1", 5, AgreementStatus::Refused), "bob")
        .unwrap();
    db.set_agreement(&row("N2", "S1", 1, AgreementStatus::Paused), "bob")
        .unwrap();
    let now: Vec<(String, u32, AgreementStatus, String)> = db
        .agreements()
        .unwrap()
        .into_iter()
        .map(|a| (a.need, a.units, a.status, a.recorded_by))
        .collect();
    assert_eq!(
        now,
        vec![
            ("N1".into(), 0, AgreementStatus::Refused, "bob".into()),
            ("N2".into(), 0, AgreementStatus::Paused, "bob".into()),
        ]
    );
    assert!(db.withdraw_agreement("N2", "S1", "carol").unwrap());
    assert!(!db.withdraw_agreement("N2", "S1", "carol").unwrap());
    assert_eq!(db.agreements().unwrap().len(), 1);
    let log: Vec<(String, String, String)> = db
        .agreement_log()
        .unwrap()
        .into_iter()
        .map(|c| (c.need, c.status, c.recorded_by))
        .collect();
    assert_eq!(
        log,
        vec![
            ("N1".into(), "signed".into(), "alice".into()),
            ("N1".into(), "refused".into(), "bob".into()),
            ("N2".into(), "paused".into(), "bob".into()),
            ("N2".into(), "withdrawn".into(), "carol".into()),
        ]
    );
    // Runs carry the time they were recorded.
    let runs = db.run_summaries().unwrap();
    assert!(runs.iter().all(|r| r.recorded_at.is_some()), "{runs:?}");
}
