//! Any bytes as any CSV table: loading must not panic, and every rejected row is explained.
#![no_main]

use duijie::RecordKind;
use libfuzzer_sys::fuzz_target;

mod common;
use common::check_loaded;

fuzz_target!(|data: &[u8]| {
    let Some((&k, bytes)) = data.split_first() else {
        return;
    };
    let kind = RecordKind::ALL[usize::from(k) % RecordKind::ALL.len()];
    let name = format!("{}.csv", kind.name());
    let loaded = duijie_store::load_sources(vec![duijie_store::Source::new(name, bytes.to_vec())]);
    // Every problem names its source.
    assert!(loaded.report.problems.iter().all(|p| !p.source.is_empty()));
    check_loaded(&loaded);
    if !loaded.report.has_errors() {
        let _ = duijie::pipeline::run(&loaded.ledger);
    }
});
