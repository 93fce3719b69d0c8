//! Embedding duijie in another Rust system: load a ledger from files, validate, allocate, and
//! read each partnership with the reasons for it.
//!
//! `cargo run -p duijie-examples --example embed [LEDGER_DIR]` (default: datasets/sample).

use duijie::score::{Market, ScoreConfig, Scorer};

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
    let outcome = duijie::pipeline::run(ledger)?;
    let talent = outcome.market(Market::Talent).ok_or("no talent market")?;
    // One scorer for every explanation: it indexes the ledger's texts once.
    let cfg = ScoreConfig::default();
    let scorer = Scorer::new(&cfg, ledger);
    for m in &talent.allocation.matches {
        let (i, j) = (m.need as usize, m.offer as usize);
        let need = &ledger.talent_needs[i];
        let supply = &ledger.talent_supply[j];
        println!(
            "{} ({}) ← {} graduates of {} ({})",
            need.external_id,
            ledger.party(need.enterprise).name,
            m.units,
            supply.external_id,
            ledger.party(supply.school).name,
        );
        if let Some(s) = scorer.score(Market::Talent, i, j) {
            print!("{s}");
        }
    }
    println!(
        "talent welfare {}",
        duijie_export::fixed_decimal(talent.metrics.welfare)
    );
    Ok(())
}
