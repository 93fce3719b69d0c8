//! Linear assignment on the named instances of issue 3 (the peer scripts read the same data,
//! written by `write-instances`).

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::allocate::{
    Limits, Sense, SparseMatrix, min_cost_assignment, min_cost_assignment_sparse,
    solve_assignment_f64,
};
use duijie_benches::{DENSE, DENSE_F64, SEED, SPARSE, dense_f64, dense_int, sparse_perm};

fn selected(name: &str) -> bool {
    // DUIJIE_BENCH_BIG=1 adds the n = 4000 and n = 10^5 instances.
    std::env::var_os("DUIJIE_BENCH_BIG").is_some()
        || !(name.contains("4000") || name.contains("1e5"))
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("assignment");
    g.sample_size(10);
    for (k, &(name, n, m, max)) in DENSE.iter().enumerate() {
        if !selected(name) {
            continue;
        }
        let a = ndarray::Array2::from_shape_vec((n, m), dense_int(SEED + k as u64, n, m, max))
            .expect("shape");
        g.bench_function(name, |b| {
            b.iter(|| min_cost_assignment(std::hint::black_box(a.view())).expect("solves"))
        });
        // The same costs in 32-bit buffers (all below 10^6), as the peers take float64 arrays.
        let a32 = a.mapv(|x| i32::try_from(x).expect("below 10^6"));
        g.bench_function(format!("{name}_i32"), |b| {
            b.iter(|| min_cost_assignment(std::hint::black_box(a32.view())).expect("solves"))
        });
    }
    for (k, &(name, n)) in DENSE_F64.iter().enumerate() {
        if !selected(name) {
            continue;
        }
        let a = ndarray::Array2::from_shape_vec((n, n), dense_f64(SEED + 100 + k as u64, n, n))
            .expect("shape");
        // Conversion to fixed point is part of the measured work.
        g.bench_function(name, |b| {
            b.iter(|| {
                let (none, min) = (Limits::default(), Sense::Min);
                solve_assignment_f64(std::hint::black_box(a.view()), 9, min, &none).expect("solves")
            })
        });
    }
    for (k, &(name, n, per_row)) in SPARSE.iter().enumerate() {
        if !selected(name) {
            continue;
        }
        let sp = SparseMatrix::new(n, n, sparse_perm(SEED + 200 + k as u64, n, per_row, 1000))
            .expect("well formed");
        g.bench_function(name, |b| {
            b.iter(|| min_cost_assignment_sparse(std::hint::black_box(&sp)).expect("solves"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
