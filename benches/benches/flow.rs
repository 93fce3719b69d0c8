//! Reading instance text (`read/…`: `parse_dimacs` and `parse_matrix_csv` on text in memory,
//! a 2000 × 2000 matrix with costs below 10⁶ as CSV and as a complete `p asn`, and the
//! 300 × 300 grid as `p min`), and general minimum-cost flow (the network simplex from its
//! artificial start, certificate checked outside the timing) on grid networks: the two of `write-instances` (`grid_100x100`,
//! `grid_300x300`), and every `.min` file in the folder named by `DUIJIE_BENCH_GRIDS` (an absolute path: benches run in `benches/`; for
//! instance the five of `benches/peers/grids.py`, which LEMON's `NetworkSimplex` also solves:
//! `benches/peers/lemon_ns.cpp`).
//!
//! ```text
//! python3 benches/peers/grids.py target/grids
//! DUIJIE_BENCH_GRIDS=$PWD/target/grids cargo bench -p duijie-benches --bench flow
//! ```

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, criterion_group, criterion_main};
use duijie::allocate::{FlowNetwork, min_cost_flow, verify_flow};
use duijie_benches::{GRID, SEED, dense_int, dense_texts, grid_network};
use duijie_store::dimacs::{Instance, parse_dimacs, parse_matrix_csv};

fn network(text: &str) -> FlowNetwork {
    match parse_dimacs(text).expect("a DIMACS file") {
        Instance::MinCostFlow(net) => net,
        _ => panic!("not a p min file"),
    }
}

fn read(c: &mut Criterion) {
    let n = 2000;
    let (csv, asn) = dense_texts("read", &dense_int(SEED, n, n, 1_000_000), n, n);
    let grid = grid_network(SEED + 301, 300);
    let mut g = c.benchmark_group("read");
    g.sample_size(10);
    g.bench_function("csv_2000x2000", |b| {
        b.iter(|| parse_matrix_csv(std::hint::black_box(&csv), 6).expect("reads"))
    });
    g.bench_function("asn_2000x2000", |b| {
        b.iter(|| parse_dimacs(std::hint::black_box(&asn)).expect("reads"))
    });
    g.bench_function("min_grid_300x300", |b| {
        b.iter(|| parse_dimacs(std::hint::black_box(&grid)).expect("reads"))
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let mut nets: Vec<(String, FlowNetwork)> = GRID
        .iter()
        .enumerate()
        .map(|(k, &(name, side))| {
            let text = grid_network(SEED + 300 + k as u64, side);
            (name.to_string(), network(&text))
        })
        .collect();
    if let Ok(dir) = std::env::var("DUIJIE_BENCH_GRIDS") {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("DUIJIE_BENCH_GRIDS names a folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "min"))
            .collect();
        files.sort();
        for p in files {
            let text = std::fs::read_to_string(&p).expect("readable");
            let name = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            nets.push((name, network(&text)));
        }
    }
    let mut g = c.benchmark_group("flow");
    g.sample_size(10);
    for (name, net) in &nets {
        let s = min_cost_flow(net).expect("solves");
        verify_flow(net, &s).expect("certificate checks");
        g.bench_function(format!("simplex_{name}"), |b| {
            b.iter(|| min_cost_flow(std::hint::black_box(net)).expect("solves"))
        });
    }
    g.finish();
}

criterion_group!(benches, read, bench);
criterion_main!(benches);
