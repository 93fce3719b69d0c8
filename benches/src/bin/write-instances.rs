//! Writes the named benchmark instances as raw little-endian files for the peer scripts:
//! dense `NAME.i64` / `NAME.f64` (row-major, shape in `NAME.shape`), sparse `NAME.coo`
//! (int64 triplets row, column, cost).
//!
//! `cargo run --release -p duijie-benches --bin write-instances -- target/instances`
//!
//! With `--market`, also the province talent market (generated ledger, seed 7) as a market
//! instance file, `talent_province.json`, and the two rounds the `history` bench re-matches:
//! `talent_province_arrive.json` (100 needs arriving, copies of existing needs' pairs) and
//! `talent_province_withdraw.json` (100 offers withdrawn), for `benches/peers/py_live.py`.

use std::io::Write;

use std::fmt::Write as _;

use duijie_benches::{
    DENSE, DENSE_F64, DENSE_HUGE, GRID, SEED, SPARSE, TRANSPORT, dense_f64, dense_int, dense_texts,
    grid_network, sparse_perm, transportation,
};

fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .skip(1)
            .find(|a| !a.starts_with("--"))
            .unwrap_or_else(|| "target/instances".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let write = |name: &str, ext: &str, bytes: Vec<u8>, shape: String| -> std::io::Result<()> {
        std::fs::File::create(dir.join(format!("{name}.{ext}")))?.write_all(&bytes)?;
        std::fs::write(dir.join(format!("{name}.shape")), shape)
    };
    // Each dense instance also as the files `duijie solve` reads: a CSV matrix and a complete
    // DIMACS `p asn` (rows 1..n, columns n+1..n+m).
    let write_int = |name: &str, seed: u64, n: usize, m: usize, max: u64| {
        let v = dense_int(seed, n, m, max);
        let (csv, asn) = dense_texts(name, &v, n, m);
        std::fs::write(dir.join(format!("{name}.csv")), csv)?;
        std::fs::write(dir.join(format!("{name}.asn")), asn)?;
        write(
            name,
            "i64",
            v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            format!("{n} {m}\n"),
        )
    };
    for (k, &(name, n, m, max)) in DENSE.iter().enumerate() {
        write_int(name, SEED + k as u64, n, m, max)?;
    }
    if std::env::args().any(|a| a == "--huge") {
        let (name, n, m, max) = DENSE_HUGE;
        write_int(name, SEED + 999, n, m, max)?;
    }
    for (k, &(name, n)) in DENSE_F64.iter().enumerate() {
        let v = dense_f64(SEED + 100 + k as u64, n, n);
        write(
            name,
            "f64",
            v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            format!("{n} {n}\n"),
        )?;
    }
    for (k, &(name, n, per_row)) in SPARSE.iter().enumerate() {
        let e = sparse_perm(SEED + 200 + k as u64, n, per_row, 1000);
        let bytes = e
            .iter()
            .flat_map(|&(i, j, c)| [i64::from(i), i64::from(j), c])
            .flat_map(|x| x.to_le_bytes())
            .collect();
        write(name, "coo", bytes, format!("{n} {n}\n"))?;
    }
    for &(name, rows, cols, per_row) in TRANSPORT {
        // The network max_weight_transport solves: rows → columns (cost −weight), rows → sink
        // ("unmet", cost 0), columns → sink (capacity); as DIMACS `p min`, nodes from 1.
        let t = transportation(42, rows, cols, per_row, 1000);
        let sink = rows + cols + 1;
        let total: i64 = t.demand().iter().map(|&d| i64::from(d)).sum();
        let mut out = String::new();
        let arcs = t.pair_count() + rows + cols;
        let _ = writeln!(
            out,
            "c {name}: duijie max_weight_transport network, seed 42\np min {sink} {arcs}"
        );
        for (i, &d) in t.demand().iter().enumerate() {
            let _ = writeln!(out, "n {} {d}", i + 1);
        }
        let _ = writeln!(out, "n {sink} {}", -total);
        for i in 0..rows {
            for (j, w) in t.row(i) {
                let _ = writeln!(
                    out,
                    "a {} {} 0 {} {}",
                    i + 1,
                    rows + j as usize + 1,
                    t.demand()[i] + 1,
                    -w
                );
            }
        }
        for (i, &d) in t.demand().iter().enumerate() {
            let _ = writeln!(out, "a {} {sink} 0 {} 0", i + 1, d + 1);
        }
        for (j, &c) in t.capacity().iter().enumerate() {
            let _ = writeln!(out, "a {} {sink} 0 {c} 0", rows + j + 1);
        }
        std::fs::write(dir.join(format!("{name}.min")), out)?;
    }
    for (k, &(name, n, per_row)) in SPARSE.iter().enumerate() {
        let e = sparse_perm(SEED + 200 + k as u64, n, per_row, 1000);
        let mut out = String::new();
        let _ = writeln!(out, "c {name}\np asn {} {}", 2 * n, e.len());
        for i in 0..n {
            let _ = writeln!(out, "n {}", i + 1);
        }
        for &(i, j, c) in &e {
            let _ = writeln!(out, "a {} {} {c}", i + 1, n + j as usize + 1);
        }
        std::fs::write(dir.join(format!("{name}.asn")), out)?;
    }
    for (k, &(name, side)) in GRID.iter().enumerate() {
        std::fs::write(
            dir.join(format!("{name}.min")),
            grid_network(SEED + 300 + k as u64, side),
        )?;
    }
    if std::env::args().any(|a| a == "--market") {
        write_market(&dir)?;
    }
    println!("instances written to {}", dir.display());
    Ok(())
}

/// The province talent market and two rounds of changes, as JSON in the market instance shape
/// (ids `n…` and `o…`, scores as the six-decimal fractions they are).
fn write_market(dir: &std::path::Path) -> std::io::Result<()> {
    let (l, _) = duijie::synth::ledger(duijie::synth::Scale::Province, 7);
    let cfg = duijie::ScoreConfig::default();
    let scorer = duijie::Scorer::new(&cfg, &l);
    let talent =
        duijie::policy::MarketInstance::from_scorer(&scorer, duijie::Market::Talent, cfg.top_k);
    let fraction = |x: i64| format!("{}.{:06}", x / 1_000_000, x % 1_000_000);
    let pair = |need: &str, p: &(u32, u32, i64, i64)| {
        format!(
            "{{\"need\":\"{need}\",\"offer\":\"o{}\",\"need_score\":{},\"offer_score\":{}}}",
            p.1,
            fraction(p.2),
            fraction(p.3)
        )
    };
    let list = |items: Vec<String>| format!("[{}]", items.join(",\n"));
    let needs = (0..talent.needs())
        .map(|i| format!("{{\"id\":\"n{i}\",\"demand\":{}}}", talent.demand[i]))
        .collect();
    let offers = (0..talent.offers())
        .map(|j| format!("{{\"id\":\"o{j}\",\"capacity\":{}}}", talent.capacity[j]))
        .collect();
    let pairs = talent
        .pairs
        .iter()
        .map(|p| pair(&format!("n{}", p.0), p))
        .collect();
    std::fs::write(
        dir.join("talent_province.json"),
        format!(
            "{{\"needs\":{},\n\"offers\":{},\n\"pairs\":{}}}\n",
            list(needs),
            list(offers),
            list(pairs)
        ),
    )?;
    let n = talent.needs() as u32;
    let mut needs = Vec::new();
    let mut pairs = Vec::new();
    for k in 0..100u32 {
        let from = k * 97 % n;
        let id = format!("a{k}");
        needs.push(format!(
            "{{\"id\":\"{id}\",\"demand\":{}}}",
            talent.demand[from as usize]
        ));
        pairs.extend(
            talent
                .pairs
                .iter()
                .filter(|p| p.0 == from)
                .map(|p| pair(&id, p)),
        );
    }
    std::fs::write(
        dir.join("talent_province_arrive.json"),
        format!(
            "{{\"needs\":{},\n\"pairs\":{}}}\n",
            list(needs),
            list(pairs)
        ),
    )?;
    let withdraw: Vec<String> = (0..100usize)
        .map(|k| format!("\"o{}\"", k * 13 % talent.offers()))
        .collect();
    std::fs::write(
        dir.join("talent_province_withdraw.json"),
        format!("{{\"withdraw\":{}}}\n", list(withdraw)),
    )
}
