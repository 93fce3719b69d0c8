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
