//! Linear assignment on the named instances of issue 3 (the peer scripts read the same data,
//! written by `write-instances`).

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::allocate::{
    SparseMatrix, fixed_point_matrix, min_cost_assignment, min_cost_assignment_sparse,
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
                let (fixed, _) = fixed_point_matrix(a.view(), 9).expect("finite");
                min_cost_assignment(fixed.view()).expect("solves")
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
