//! Maximum-weight transportation (network simplex; successive shortest paths on the smallest
//! instance for comparison), on the seeded instances of issue 3: 5000 enterprises with demand
//! 1–50 × 300 schools with 25% spare capacity, sparse (30 candidate schools each) and dense.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::allocate::{max_weight_transport, max_weight_transport_ssp, verify_transport};
use duijie_benches::transportation;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("transport");
    g.sample_size(10);
    for &(rows, cols, per_row) in &[(500, 50, 10), (5000, 300, 30), (5000, 300, 300)] {
        let t = transportation(42, rows, cols, per_row, 1000);
        let s = max_weight_transport(&t).expect("solves");
        verify_transport(&t, &s).expect("certificate checks");
        g.bench_function(format!("simplex_{rows}x{cols}_k{per_row}"), |b| {
            b.iter(|| max_weight_transport(std::hint::black_box(&t)).expect("solves"))
        });
        if rows <= 500 {
            g.bench_function(format!("ssp_{rows}x{cols}_k{per_row}"), |b| {
                b.iter(|| max_weight_transport_ssp(std::hint::black_box(&t)).expect("solves"))
            });
        }
        g.bench_function(format!("verify_{rows}x{cols}_k{per_row}"), |b| {
            b.iter(|| verify_transport(&t, std::hint::black_box(&s)).expect("checks"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
