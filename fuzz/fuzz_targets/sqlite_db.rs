//! Bytes written as a file and opened as a duijie database: opening, reading back and
//! validating must give a ledger or a typed error; a panic is a crash. Seeds are real databases
//! (the sample ledger, imported), so mutations reach the page parser and every table.
#![no_main]

use duijie_store::Db;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("duijie-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("db.sqlite");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("db.sqlite{suffix}")));
    }
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(db) = Db::open_existing(&path) {
        if let Ok(read) = db.read() {
            let _ = read.validate();
        }
        let _ = db.runs().map(|runs| {
            for (id, _) in runs {
                let _ = db.run(id);
            }
        });
        let _ = db.ledger_hash();
    }
    // Read-only, as every command that only reads opens it: the same answers, no panic.
    if let Ok(db) = Db::open_read_only(&path)
        && let Ok(read) = db.read()
    {
        let _ = read.validate();
    }
});
