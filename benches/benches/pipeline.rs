//! The whole chain on the sample ledger: load (CSV, strict decoding), validate, score,
//! allocate every market exactly, check certificates, measure.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};

fn sample_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/sample")
}

fn bench(c: &mut Criterion) {
    let dir = sample_dir();
    c.bench_function("pipeline/load_sample", |b| {
        b.iter(|| duijie_store::load_paths(&[&dir]).expect("reads"))
    });
    let loaded = duijie_store::load_paths(&[&dir]).expect("reads");
    c.bench_function("pipeline/run_sample", |b| {
        b.iter(|| duijie::pipeline::run(std::hint::black_box(&loaded.ledger)).expect("runs"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
