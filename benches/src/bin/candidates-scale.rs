//! Candidate generation at province or nation scale on a generated ledger: times each phase
//! and prints pairs scored per second. Run under `/usr/bin/time -v` for peak memory.
//!
//! `cargo run --release -p duijie-benches --bin candidates-scale -- province|nation [K]`

use std::time::Instant;

use duijie::score::{Market, ScoreConfig, Scorer, top_candidates_counted};
use duijie::synth::{generate, records};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (scale, k) = duijie_benches::scale_and_k(&args);
    let t = Instant::now();
    let tables = generate(scale, 1);
    let gen_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (ledger, report) = duijie::Ledger::from_records(records(tables));
    let load_s = t.elapsed().as_secs_f64();
    assert_eq!(report.error_count(), 0, "{report}");
    let l = &ledger;
    println!(
        "scale {scale:?}, k {k:?}, threads {}: generated in {gen_s:.2} s, loaded in {load_s:.2} s",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let cfg = ScoreConfig::default();
    let t = Instant::now();
    let scorer = Scorer::new(&cfg, l);
    println!(
        "scorer (text index) built in {:.3} s",
        t.elapsed().as_secs_f64()
    );
    println!("market,needs,offers,candidates,pairs_scored,seconds,pairs_scored_per_second");
    let mut total = 0.0;
    for m in Market::ALL {
        let t = Instant::now();
        let (c, scored) = top_candidates_counted(&scorer, m, k);
        let s = t.elapsed().as_secs_f64();
        total += s;
        println!(
            "{m},{},{},{},{scored},{s:.3},{:.3e}",
            m.needs(l),
            m.offers(l),
            c.len(),
            scored as f64 / s.max(1e-9)
        );
    }
    println!("all markets: {total:.3} s");
}
