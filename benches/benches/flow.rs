//! General minimum-cost flow (the network simplex from its artificial start, certificate
//! checked outside the timing) on grid networks: the two of `write-instances` (`grid_100x100`,
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
use duijie_benches::{GRID, SEED, grid_network};
use duijie_store::dimacs::{Instance, parse_dimacs};

fn network(text: &str) -> FlowNetwork {
    match parse_dimacs(text).expect("a DIMACS file") {
        Instance::MinCostFlow(net) => net,
        _ => panic!("not a p min file"),
    }
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

criterion_group!(benches, bench);
criterion_main!(benches);
