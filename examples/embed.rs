//! Embedding duijie in another Rust system: load a ledger from files, validate, allocate, and
//! read each partnership, by the ledger's own ids, with the reasons for it.
//!
//! `cargo run -p duijie-examples --example embed [LEDGER_DIR]` (default: datasets/sample).

use duijie::{Market, Scorer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../datasets/sample").to_owned());
    let loaded = duijie_store::load_paths(&[dir])?;
    if loaded.report.has_errors() {
        eprintln!("{}", loaded.report);
        return Err("the ledger has errors".into());
    }
    let ledger = &loaded.ledger;
    let outcome = duijie::run(ledger)?;
    // One scorer for every explanation, with the configuration the outcome was scored with: it
    // indexes the ledger's texts once, and its reasons are the allocation's own scores.
    let scorer = Scorer::new(&outcome.config, ledger);
    for pair in outcome.pairs(ledger)? {
        if pair.need.market != Market::Talent {
            continue;
        }
        println!(
            "{} ({}) ← {} graduates of {} ({})",
            pair.need.id, pair.need.owner.name, pair.units, pair.offer.id, pair.offer.owner.name,
        );
        if let Some(s) = scorer.explain(&pair) {
            print!("{s}");
        }
    }
    for short in outcome.shortfalls(ledger)? {
        println!(
            "{} market: {} ({}) lacks {} of {}",
            short.need.market,
            short.need.id,
            short.need.owner.name,
            short.missing,
            short.need.quantity
        );
    }
    let talent = outcome.market(Market::Talent).ok_or("no talent market")?;
    println!(
        "talent welfare {:.6} by {}",
        talent.metrics.welfare_score(),
        outcome.policy
    );
    Ok(())
}
