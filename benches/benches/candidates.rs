//! Candidate generation and scoring at province scale (a generated one-year Liaoning ledger:
//! 10⁴ technology needs × 2·10³ capabilities, 2·10⁴ talent needs × 5·10³ offers), on every
//! core (rayon). The nation-scale run (10⁶ × 10⁵, k = 50) takes a minute a pass, too long for
//! criterion's repetitions: `benches/src/bin/candidates-scale.rs` measures it once, under
//! `/usr/bin/time -v` for the peak memory.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::score::{Market, ScoreConfig, Scorer, top_candidates};
use duijie::synth::Scale;

fn bench(c: &mut Criterion) {
    let (ledger, report) = duijie::synth::ledger(Scale::Province, 1);
    assert_eq!(report.error_count(), 0);
    let l = &ledger;
    let cfg = ScoreConfig::default();
    let mut g = c.benchmark_group("candidates_province");
    g.sample_size(10);
    g.bench_function("scorer_new", |b| b.iter(|| Scorer::new(&cfg, l)));
    let s = Scorer::new(&cfg, l);
    for (m, k) in [
        (Market::Technology, Some(50)),
        (Market::Talent, Some(50)),
        (Market::Technology, None),
        (Market::Talent, None),
    ] {
        let name = format!("{m}_k{}", k.map_or("all".into(), |k: usize| k.to_string()));
        g.bench_function(name, |b| b.iter(|| top_candidates(&s, m, k)));
    }
    // What every policy comparison builds first: each market's pairs with both sides' views.
    g.bench_function("instances_every_market_k50", |b| {
        b.iter(|| duijie::policy::MarketInstance::every_market(&s, Some(50)))
    });
    g.bench_function("instances_technology_all", |b| {
        b.iter(|| duijie::policy::MarketInstance::from_scorer(&s, Market::Technology, None))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
