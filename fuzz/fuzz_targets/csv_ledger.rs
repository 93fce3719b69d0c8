//! Any bytes as any CSV table: loading must not panic, and every rejected row is explained.
#![no_main]

use duijie::RecordKind;
use libfuzzer_sys::fuzz_target;

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

/// What a loaded ledger must hold after the second round of hostile input: no accepted id or
/// name with an invisible character or over its limit, and no invisible character printed raw.
fn check_loaded(loaded: &duijie_store::Loaded) {
    for p in &loaded.ledger.parties {
        for text in [&p.external_id, &p.name] {
            assert!(!text.chars().any(duijie::message::is_invisible), "{text:?} accepted");
        }
        assert!(p.external_id.chars().count() <= 100 && p.name.chars().count() <= 200);
    }
    let shown = loaded.report.to_string();
    assert!(
        !shown.chars().any(|c| duijie::message::is_invisible(c) || c == '\t' || c == '\r'),
        "raw invisible character in the report"
    );
}
