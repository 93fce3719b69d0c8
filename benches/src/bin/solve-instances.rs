//! Solves the named instances once each (after a warm-up) and prints CSV with the objective, so
//! answers can be compared with the peers' pair by pair. Criterion (`cargo bench`) gives the
//! timings of record; this is the quick look.
//!
//! `cargo run --release -p duijie-benches --bin solve-instances [-- --big]`

use std::time::Instant;

use duijie::allocate::{
    SparseMatrix, fixed_point_matrix, min_cost_assignment, min_cost_assignment_sparse,
};
use duijie_benches::{
    DENSE, DENSE_F64, DENSE_HUGE, SEED, SPARSE, TRANSPORT, dense_f64, dense_int, sparse_perm,
    transportation,
};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let big = std::env::args().any(|a| a == "--big");
    let skip = |name: &str| !big && (name.contains("4000") || name.contains("1e5"));
    println!("instance,solver,median_seconds,runs,objective");
    for (k, &(name, n, m, max)) in DENSE.iter().enumerate() {
        if skip(name) {
            continue;
        }
        let a = ndarray::Array2::from_shape_vec((n, m), dense_int(SEED + k as u64, n, m, max))
            .expect("shape");
        let runs = if n >= 4000 { 3 } else { 7 };
        let mut ts = Vec::new();
        let mut obj = 0;
        for _ in 0..runs {
            let t = Instant::now();
            obj = min_cost_assignment(a.view()).expect("solves").objective;
            ts.push(t.elapsed().as_secs_f64());
        }
        println!(
            "{name},duijie.jonker_volgenant,{:.6},{runs},{obj}",
            median(ts)
        );
    }
    if std::env::args().any(|a| a == "--huge") {
        let (name, n, m, max) = DENSE_HUGE;
        let a = ndarray::Array2::from_shape_vec((n, m), dense_int(SEED + 999, n, m, max))
            .expect("shape");
        let t = Instant::now();
        let obj = min_cost_assignment(a.view()).expect("solves").objective;
        println!(
            "{name},duijie.jonker_volgenant,{:.6},1,{obj}",
            t.elapsed().as_secs_f64()
        );
    }
    for (k, &(name, n)) in DENSE_F64.iter().enumerate() {
        if skip(name) {
            continue;
        }
        let a = ndarray::Array2::from_shape_vec((n, n), dense_f64(SEED + 100 + k as u64, n, n))
            .expect("shape");
        let runs = if n >= 4000 { 3 } else { 7 };
        let mut ts = Vec::new();
        let mut obj = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let (f, _) = fixed_point_matrix(a.view(), 9).expect("finite");
            obj = min_cost_assignment(f.view()).expect("solves").objective;
            ts.push(t.elapsed().as_secs_f64());
        }
        println!(
            "{name},duijie.jonker_volgenant(fixed 1e-9),{:.6},{runs},{obj}",
            median(ts)
        );
    }
    for &(name, rows, cols, per_row) in TRANSPORT {
        let t = transportation(42, rows, cols, per_row, 1000);
        let mut ts = Vec::new();
        let mut obj = 0;
        for _ in 0..5 {
            let s = Instant::now();
            obj = duijie::allocate::max_weight_transport(&t)
                .expect("solves")
                .objective;
            ts.push(s.elapsed().as_secs_f64());
        }
        // As the DIMACS copy's min-cost objective (costs are negated weights).
        println!(
            "{name},duijie.max_weight_transport,{:.6},5,{}",
            median(ts),
            -obj
        );
    }
    for (k, &(name, n, per_row)) in SPARSE.iter().enumerate() {
        if skip(name) {
            continue;
        }
        let sp = SparseMatrix::new(n, n, sparse_perm(SEED + 200 + k as u64, n, per_row, 1000))
            .expect("well formed");
        let runs = if n >= 100_000 { 3 } else { 7 };
        let mut ts = Vec::new();
        let mut obj = 0;
        for _ in 0..runs {
            let t = Instant::now();
            obj = min_cost_assignment_sparse(&sp).expect("solves").objective;
            ts.push(t.elapsed().as_secs_f64());
        }
        println!(
            "{name},duijie.auction+shortest_path,{:.6},{runs},{obj}",
            median(ts)
        );
    }
}
