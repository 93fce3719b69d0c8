//! Rounds over time on the province ledger (seed 7): the rows of a run, the diff of two runs
//! (welfare against greedy) with its breakdown by alliance, and writing and reading a run's
//! rows in the SQLite store.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::history;

fn bench(c: &mut Criterion) {
    let (l, _) = duijie::synth::ledger(duijie::synth::Scale::Province, 7);
    let a = duijie::run(&l).expect("runs");
    let b = duijie::run_policy(&l, &a.config, &duijie::policy::Greedy).expect("runs");
    let (ra, rb) = (
        history::run_matches(&l, &a).expect("same ledger"),
        history::run_matches(&l, &b).expect("same ledger"),
    );
    let mut g = c.benchmark_group("history");
    g.sample_size(10);
    g.bench_function("run_matches_province", |bch| {
        bch.iter(|| history::run_matches(&l, &a).expect("same ledger"))
    });
    g.bench_function("diff_province", |bch| {
        bch.iter(|| {
            let d = history::diff(&ra, &rb);
            history::by_alliance(&l, &d, duijie::programme::Grouping::Domain)
        })
    });
    // Re-matching the talent market after 100 needs arrive (copies of 100 needs' candidate
    // pairs under new rows) and, separately, after 100 offers are withdrawn (capacity 0): a
    // fresh exact solve of the market, with and without the keep bonus of minimum-change
    // re-matching (the previous allocation's pairs count 0.01 more per unit), and the warm
    // re-solve from the previous allocation and its prices (rematch_warm), certificate checked
    // in each.
    let cfg = duijie::ScoreConfig::default();
    let scorer = duijie::Scorer::new(&cfg, &l);
    let talent =
        duijie::policy::MarketInstance::from_scorer(&scorer, duijie::Market::Talent, cfg.top_k);
    let base = duijie::policy::Policy::allocate(&duijie::policy::Welfare, &talent).expect("solves");
    let previous: Vec<(u32, u32)> = base.matches.iter().map(|m| (m.need, m.offer)).collect();
    let added = {
        let n = talent.needs() as u32;
        let mut demand = talent.demand.clone();
        let mut pairs = talent.pairs.clone();
        for k in 0..100u32 {
            let from = k * 97 % n;
            demand.push(talent.demand[from as usize]);
            pairs.extend(
                talent
                    .pairs
                    .iter()
                    .filter(|p| p.0 == from)
                    .map(|p| (n + k, p.1, p.2, p.3)),
            );
        }
        duijie::policy::MarketInstance::new(talent.market, demand, talent.capacity.clone(), pairs)
            .expect("valid")
    };
    let withdrawn = {
        let mut capacity = talent.capacity.clone();
        for k in 0..100usize {
            capacity[k * 13 % talent.offers()] = 0;
        }
        duijie::policy::MarketInstance::new(
            talent.market,
            talent.demand.clone(),
            capacity,
            talent.pairs.clone(),
        )
        .expect("valid")
    };
    // The metrics of the talent market's welfare allocation (what every face reports with an
    // allocation: the CLI's report, the Python package's metrics, the service's answer).
    g.bench_function("measure/talent_province", |bch| {
        bch.iter(|| duijie::policy::measure(&talent, &base))
    });
    for (name, inst) in [
        ("talent_fresh", &talent),
        ("talent_100_needs_added", &added),
        ("talent_100_offers_withdrawn", &withdrawn),
    ] {
        g.bench_function(format!("rematch/{name}"), |bch| {
            bch.iter(|| {
                duijie::policy::Policy::allocate(&duijie::policy::Welfare, inst).expect("solves")
            })
        });
        g.bench_function(format!("rematch_warm/{name}"), |bch| {
            bch.iter(|| {
                duijie::policy::Welfare
                    .reallocate(inst, &base)
                    .expect("solves")
            })
        });
        g.bench_function(format!("rematch_keep/{name}"), |bch| {
            bch.iter(|| {
                duijie::policy::allocate_keeping(
                    &duijie::policy::Welfare,
                    inst,
                    &[],
                    &previous,
                    10_000,
                )
                .expect("solves")
            })
        });
    }
    // The same rounds kept live: the talent market's welfare allocation solved once and held
    // with its optimal basis (outside the timing, with room reserved for the new needs), then
    // the change applied and the market re-allocated from that basis, certificate checked.
    let mut solved = duijie::policy::LiveWelfare::new(talent.clone()).expect("in range");
    solved.allocate().expect("solves");
    // The arriving needs (copies of 100 needs' candidate pairs, as above) and the withdrawn
    // offers, read off the instance outside the timing.
    let n = talent.needs() as u32;
    type Arrival = (u32, Vec<(u32, i64, i64)>);
    let arrivals: Vec<Arrival> = (0..100u32)
        .map(|k| {
            let from = k * 97 % n;
            let pairs = talent
                .pairs
                .iter()
                .filter(|p| p.0 == from)
                .map(|p| (p.1, p.2, p.3))
                .collect();
            (talent.demand[from as usize], pairs)
        })
        .collect();
    let withdrawn: Vec<u32> = (0..100usize)
        .map(|k| (k * 13 % talent.offers()) as u32)
        .collect();
    for name in [
        "talent_unchanged",
        "talent_100_needs_added",
        "talent_100_offers_withdrawn",
    ] {
        g.bench_function(format!("rematch_live/{name}"), |bch| {
            // By reference: the market lives on after a round, so dropping its copy (2-4 ms of
            // freeing a million pairs' arrays) is outside the timing, as its cloning is.
            bch.iter_batched_ref(
                || {
                    let mut live = solved.clone();
                    live.reserve(100, 100 * 64);
                    live
                },
                |live| {
                    match name {
                        "talent_100_needs_added" => {
                            for (demand, pairs) in &arrivals {
                                live.add_need(*demand, pairs).expect("valid");
                            }
                        }
                        "talent_100_offers_withdrawn" => {
                            for &j in &withdrawn {
                                live.withdraw_offer(j).expect("valid");
                            }
                        }
                        _ => {}
                    }
                    live.allocate().expect("solves")
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut db = duijie_store::Db::create_or_open(&dir.path().join("h.sqlite")).expect("db");
    let run = duijie_store::RunRecord {
        command: "bench".into(),
        config: "{}".into(),
        seed: Some(7),
        library_version: env!("CARGO_PKG_VERSION").into(),
        input_hash: String::new(),
        counts: "{}".into(),
        results: "{}".into(),
    };
    g.bench_function("record_and_read_province_run", |bch| {
        bch.iter(|| {
            let id = db.record_run_with_matches(&run, &ra).expect("recorded");
            db.run_matches(id).expect("read back")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
