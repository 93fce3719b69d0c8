//! Any bytes as a JSON ledger: loading must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = duijie_store::load_sources(vec![duijie_store::Source::new(
        "ledger.json",
        data.to_vec(),
    )]);
    if !loaded.report.has_errors() {
        let _ = duijie::pipeline::run(&loaded.ledger);
    }
});
