//! Embedding duijie in another provincial system through its SQLite store: import a ledger
//! once, read it back in the host system, allocate with a chosen policy, and write the results
//! back as a recorded run whose checksum is verified when it is read again.
//!
//! `cargo run -p duijie-examples --example embed_sqlite [DB_FILE]`
//! (default: a database in the temporary directory, created from datasets/sample).

use duijie::ScoreConfig;
use duijie_store::{Db, RunRecord};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).map_or_else(
        || std::env::temp_dir().join("duijie-embed.sqlite"),
        Into::into,
    );
    let mut db = Db::create_or_open(&path)?;
    if db.ledger_hash()?.is_empty() {
        // First use: the host system's ledger files go in, all or nothing.
        let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../datasets/sample");
        db.import(duijie_store::read_paths(&[sample])?)?;
        println!("imported datasets/sample into {}", path.display());
    }
    // The ledger as the database holds it, validated again on the way in.
    let loaded = db.read()?.validate();
    if loaded.report.has_errors() {
        return Err(format!("the stored ledger has errors:\n{}", loaded.report).into());
    }
    let ledger = &loaded.ledger;
    // The host system's choice: stable matching with enterprises proposing.
    let policy = duijie::policy::by_name("stable-needs").ok_or("no such policy")?;
    let outcome = duijie::run_policy(ledger, &ScoreConfig::default(), policy.as_ref())?;
    let rows: Vec<String> = outcome
        .pairs(ledger)?
        .iter()
        .map(|p| {
            format!(
                "{},{},{},{}",
                p.need.market.name(),
                p.need.id,
                p.offer.id,
                p.units
            )
        })
        .collect();
    for m in &outcome.markets {
        println!(
            "{}: {} units placed, {} blocking pairs",
            m.allocation.market, m.metrics.matched_units, m.metrics.blocking_pairs
        );
    }
    // Results go back into the same file, tied to the ledger they were computed on.
    let id = db.record_run(&RunRecord {
        command: "embed_sqlite example".into(),
        config: format!("policy = {}", outcome.policy),
        seed: None,
        library_version: env!("CARGO_PKG_VERSION").into(),
        input_hash: db.ledger_hash()?,
        counts: format!("{{\"matches\": {}}}", rows.len()),
        results: rows.join("\n"),
    })?;
    let back = db.run(id)?;
    println!(
        "run {id} recorded in {} ({} matches, checksum verified)",
        path.display(),
        back.results.lines().count()
    );
    Ok(())
}
