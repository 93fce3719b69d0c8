//! The candidate graph's connected components on a generated ledger, per market and `top_k`,
//! and the welfare solve's time whole and component by component (same objective).
//!
//! `cargo run --release -p duijie-benches --bin components -- [sample|province|nation] [K|all]`

use std::time::Instant;

use duijie::allocate::{
    Limits, components, max_weight_transport_by_components, max_weight_transport_with,
};
use duijie::policy::MarketInstance;
use duijie::synth::Scale;
use duijie::{Market, ScoreConfig, Scorer};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (scale, k) = duijie_benches::scale_and_k(&args);
    // Optional: one market only, and "split" to skip the whole solve (nation scale).
    let only: Option<Market> = args
        .get(3)
        .and_then(|s| Market::ALL.into_iter().find(|m| m.name() == s));
    let split_only = args.get(4).is_some_and(|s| s == "split");
    let seed = if scale == Scale::Nation { 1 } else { 7 };
    let (ledger, report) = duijie::synth::ledger(scale, seed);
    assert!(!report.has_errors(), "{report}");
    let cfg = ScoreConfig {
        top_k: k,
        ..ScoreConfig::default()
    };
    let scorer = Scorer::new(&cfg, &ledger);
    println!(
        "market,top_k,pairs,candidates_s,components,largest_rows,largest_cols,whole_s,by_components_s,objective"
    );
    for m in Market::ALL
        .into_iter()
        .filter(|m| only.is_none_or(|o| o == *m))
    {
        let t0 = Instant::now();
        let inst = MarketInstance::from_scorer(&scorer, m, k);
        let candidates_s = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let t = inst.transport(|p| p.2).expect("instance");
        let build_s = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let comps = components(&t);
        eprintln!(
            "{m}: transport built in {build_s:.2} s, components in {:.2} s; sizes (rows) {:?}",
            t0.elapsed().as_secs_f64(),
            {
                let mut v: Vec<usize> = comps.iter().map(|c| c.rows.len()).collect();
                v.sort_unstable_by(|a, b| b.cmp(a));
                v.truncate(8);
                v
            }
        );
        let largest = comps.iter().max_by_key(|c| c.rows.len() + c.cols.len());
        let t0 = Instant::now();
        let whole = if split_only {
            None
        } else {
            Some(max_weight_transport_with(&t, &Limits::default()).expect("whole"))
        };
        let whole_s = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let split = max_weight_transport_by_components(&t, &Limits::default()).expect("split");
        let split_s = t0.elapsed().as_secs_f64();
        if let Some(w) = &whole {
            assert_eq!(w.objective, split.objective);
        }
        println!(
            "{m},{},{},{candidates_s:.3},{},{},{},{whole_s:.3},{split_s:.3},{}",
            k.map_or("all".to_owned(), |k| k.to_string()),
            t.pair_count(),
            comps.len(),
            largest.map_or(0, |c| c.rows.len()),
            largest.map_or(0, |c| c.cols.len()),
            split.objective
        );
    }
}
