//! Any bytes as a JSON ledger: loading must not panic, and nothing invisible is accepted or
//! printed raw.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;
use common::check_loaded;

fuzz_target!(|data: &[u8]| {
    let loaded = duijie_store::load_sources(vec![duijie_store::Source::new(
        "ledger.json",
        data.to_vec(),
    )]);
    check_loaded(&loaded);
    if !loaded.report.has_errors() {
        let _ = duijie::pipeline::run(&loaded.ledger);
    }
});
