//! Solves the named instances once each (after a warm-up) and prints CSV with the objective, so
//! answers can be compared with the peers' pair by pair. Criterion (`cargo bench`) gives the
//! timings of record; this is the quick look.
//!
//! `cargo run --release -p duijie-benches --bin solve-instances [-- --big] [--only SUBSTRING]`

use std::time::Instant;

use duijie::allocate::{
    Limits, Sense, SparseMatrix, min_cost_assignment, min_cost_assignment_sparse,
    solve_assignment_f64,
};
use duijie_benches::{
    DENSE, DENSE_F64, DENSE_HUGE, SEED, SPARSE, TRANSPORT, dense_f64, dense_int, sparse_perm,
    transportation,
};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `solve` `runs` times and prints one CSV line with the median time and the objective.
fn report(name: &str, solver: &str, runs: usize, mut solve: impl FnMut() -> i128) {
    let mut ts = Vec::with_capacity(runs);
    let mut obj = 0;
    for _ in 0..runs {
        let t = Instant::now();
        obj = solve();
        ts.push(t.elapsed().as_secs_f64());
    }
    println!("{name},{solver},{:.6},{runs},{obj}", median(ts));
}

fn main() {
    let big = std::env::args().any(|a| a == "--big");
    // `--only SUBSTRING` keeps the instances whose name contains it (for profiling one).
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|p| args.get(p + 1).cloned());
    let skip = |name: &str| {
        (!big && (name.contains("4000") || name.contains("1e5")))
            || only.as_ref().is_some_and(|o| !name.contains(o.as_str()))
    };
    let runs_for = |large: bool| if large { 3 } else { 7 };
    println!("instance,solver,median_seconds,runs,objective");
    for (k, &(name, n, m, max)) in DENSE.iter().enumerate() {
        if skip(name) {
            continue;
        }
        let a = ndarray::Array2::from_shape_vec((n, m), dense_int(SEED + k as u64, n, m, max))
            .expect("shape");
        report(name, "duijie.jonker_volgenant", runs_for(n >= 4000), || {
            min_cost_assignment(a.view()).expect("solves").objective
        });
        // The same costs read into 32-bit buffers (all are below 10^6), as the peers get theirs
        // as float64 arrays; neither conversion is timed.
        let a32 = a.mapv(|x| i32::try_from(x).expect("below 10^6"));
        report(
            name,
            "duijie.jonker_volgenant(i32)",
            runs_for(n >= 4000),
            || min_cost_assignment(a32.view()).expect("solves").objective,
        );
    }
    if std::env::args().any(|a| a == "--huge") {
        let (name, n, m, max) = DENSE_HUGE;
        let a = ndarray::Array2::from_shape_vec((n, m), dense_int(SEED + 999, n, m, max))
            .expect("shape");
        report(name, "duijie.jonker_volgenant", 1, || {
            min_cost_assignment(a.view()).expect("solves").objective
        });
        let a32 = a.mapv(|x| i32::try_from(x).expect("below 10^6"));
        drop(a);
        report(name, "duijie.jonker_volgenant(i32)", 1, || {
            min_cost_assignment(a32.view()).expect("solves").objective
        });
    }
    for (k, &(name, n)) in DENSE_F64.iter().enumerate() {
        if skip(name) {
            continue;
        }
        let a = ndarray::Array2::from_shape_vec((n, n), dense_f64(SEED + 100 + k as u64, n, n))
            .expect("shape");
        // Conversion to fixed point is part of the measured work.
        report(
            name,
            "duijie.solve_assignment_f64(fixed 1e-9)",
            runs_for(n >= 4000),
            || {
                let (none, min) = (Limits::default(), Sense::Min);
                let (a, _) = solve_assignment_f64(a.view(), 9, min, &none).expect("solves");
                a.objective
            },
        );
    }
    for &(name, rows, cols, per_row) in TRANSPORT {
        if skip(name) {
            continue;
        }
        let t = transportation(42, rows, cols, per_row, 1000);
        // As the DIMACS copy's min-cost objective (costs are negated weights).
        report(name, "duijie.max_weight_transport", 5, || {
            -duijie::allocate::max_weight_transport(&t)
                .expect("solves")
                .objective
        });
    }
    for (k, &(name, n, per_row)) in SPARSE.iter().enumerate() {
        if skip(name) {
            continue;
        }
        let sp = SparseMatrix::new(n, n, sparse_perm(SEED + 200 + k as u64, n, per_row, 1000))
            .expect("well formed");
        report(
            name,
            "duijie.auction+shortest_path",
            runs_for(n >= 100_000),
            || min_cost_assignment_sparse(&sp).expect("solves").objective,
        );
    }
}
