//! Stable allocation, students proposing: 10^5 students with lists of 20 (issue 3's target:
//! under 100 ms).

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::allocate::{stable_student_optimal, verify_stable};
use duijie_benches::stable_instance;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("stable");
    g.sample_size(10);
    let inst = stable_instance(7, 100_000, 10_000, 1_000, 20);
    verify_stable(&inst, &stable_student_optimal(&inst)).expect("stable");
    g.bench_function("student_optimal_1e5_k20", |b| {
        b.iter(|| stable_student_optimal(std::hint::black_box(&inst)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
