//! duijie's dense assignment beside the pure-Rust crates a Rust user would reach for, on the
//! same seeded instances: `pathfinding::kuhn_munkres_min` and the `lapjv` crate.
//! `cargo bench -p duijie-benches --features peers --bench peers`

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::allocate::min_cost_assignment;
use duijie_benches::{DENSE, SEED, dense_int};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("peers");
    g.sample_size(10);
    for (k, &(name, n, m, max)) in DENSE.iter().enumerate() {
        if n != 1000 || m != 1000 {
            continue;
        }
        let data = dense_int(SEED + k as u64, n, m, max);
        let a = ndarray::Array2::from_shape_vec((n, m), data.clone()).expect("shape");
        let expected = min_cost_assignment(a.view()).expect("solves").objective;
        g.bench_function(format!("{name}/duijie"), |b| {
            b.iter(|| min_cost_assignment(std::hint::black_box(a.view())).expect("solves"))
        });
        let w = pathfinding::matrix::Matrix::from_vec(n, m, data.clone()).expect("shape");
        let (pf, _) = pathfinding::kuhn_munkres::kuhn_munkres_min(&w);
        assert_eq!(i128::from(pf), expected, "pathfinding agrees");
        g.bench_function(format!("{name}/pathfinding_kuhn_munkres_min"), |b| {
            b.iter(|| pathfinding::kuhn_munkres::kuhn_munkres_min(std::hint::black_box(&w)))
        });
        let f: Vec<f64> = data.iter().map(|&x| x as f64).collect();
        let lm = lapjv::Matrix::from_shape_vec((n, m), f).expect("shape");
        g.bench_function(format!("{name}/lapjv_crate"), |b| {
            b.iter(|| lapjv::lapjv(std::hint::black_box(&lm)).expect("solves"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
