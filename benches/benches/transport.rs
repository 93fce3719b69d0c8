//! Maximum-weight transportation by successive shortest paths, on seeded instances.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::allocate::{max_weight_transport, verify_transport};
use duijie_benches::transportation;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("transport");
    g.sample_size(10);
    for &(rows, cols, per_row) in &[(500, 50, 10), (2000, 150, 20), (5000, 300, 30)] {
        let t = transportation(42, rows, cols, per_row, 1000);
        let s = max_weight_transport(&t).expect("solves");
        verify_transport(&t, &s).expect("certificate checks");
        g.bench_function(format!("ssp_{rows}x{cols}_k{per_row}"), |b| {
            b.iter(|| max_weight_transport(std::hint::black_box(&t)).expect("solves"))
        });
        g.bench_function(format!("verify_{rows}x{cols}_k{per_row}"), |b| {
            b.iter(|| verify_transport(&t, std::hint::black_box(&s)).expect("checks"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
