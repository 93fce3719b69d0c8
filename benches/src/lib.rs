//! Seeded instance generators shared by the benchmarks.

use duijie::allocate::Transport;
use duijie::synth::Scale;

/// A small, fast, seeded generator (xorshift64*), so instances are identical on every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is mapped to a fixed non-zero state).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A uniform value in `lo..hi` (slightly biased for huge ranges; fine for benchmarks).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo)
    }
}

/// A transportation instance shaped like the issue's: `rows` enterprises with demand 1–50,
/// `cols` schools with 25% spare capacity overall, `per_row` random candidate schools each,
/// integer weights in `0..max_w`.
pub fn transportation(
    seed: u64,
    rows: usize,
    cols: usize,
    per_row: usize,
    max_w: u64,
) -> Transport {
    let mut r = Rng::new(seed);
    let demand: Vec<u32> = (0..rows).map(|_| r.range(1, 51) as u32).collect();
    let total: u64 = demand.iter().map(|&d| u64::from(d)).sum();
    let per_col = (total * 5 / 4).div_ceil(cols as u64).max(1);
    let capacity: Vec<u32> = (0..cols)
        .map(|_| r.range(per_col / 2, per_col * 3 / 2 + 1) as u32)
        .collect();
    let mut pairs = Vec::with_capacity(rows * per_row);
    for i in 0..rows {
        let mut chosen: Vec<u32> = Vec::with_capacity(per_row);
        while chosen.len() < per_row.min(cols) {
            let j = r.range(0, cols as u64) as u32;
            if !chosen.contains(&j) {
                chosen.push(j);
            }
        }
        for j in chosen {
            pairs.push((i as u32, j, r.range(0, max_w) as i64));
        }
    }
    Transport::new(demand, capacity, pairs).expect("generated instance is well formed")
}

/// A dense `n × m` matrix of integers uniform in `0..max`, row-major.
pub fn dense_int(seed: u64, n: usize, m: usize, max: u64) -> Vec<i64> {
    let mut r = Rng::new(seed);
    (0..n * m).map(|_| r.range(0, max) as i64).collect()
}

/// The row-major `n × m` matrix `v` as the two texts `duijie solve` reads: a CSV matrix and a
/// complete DIMACS `p asn` file (rows 1..n, columns n+1..n+m), headed by a comment `name`.
pub fn dense_texts(name: &str, v: &[i64], n: usize, m: usize) -> (String, String) {
    use std::fmt::Write as _;
    let mut csv = String::with_capacity(v.len() * 8);
    let mut asn = String::with_capacity(v.len() * 16);
    let _ = writeln!(asn, "c {name}\np asn {} {}", n + m, n * m);
    for i in 0..n {
        let _ = writeln!(asn, "n {}", i + 1);
    }
    for i in 0..n {
        for j in 0..m {
            let c = v[i * m + j];
            let _ = write!(csv, "{}{c}", if j == 0 { "" } else { "," });
            let _ = writeln!(asn, "a {} {} {c}", i + 1, n + j + 1);
        }
        csv.push('\n');
    }
    (csv, asn)
}

/// A dense `n × m` matrix of floats uniform in `[0, 1)`, row-major (53 random bits each).
pub fn dense_f64(seed: u64, n: usize, m: usize) -> Vec<f64> {
    let mut r = Rng::new(seed);
    (0..n * m)
        .map(|_| (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
        .collect()
}

/// A sparse `n × n` instance: `per_row` random columns per row plus one random permutation, so a
/// perfect matching exists; costs uniform in `0..max`. Entries `(row, column, cost)`, sorted and
/// without duplicates.
pub fn sparse_perm(seed: u64, n: usize, per_row: usize, max: u64) -> Vec<(u32, u32, i64)> {
    let mut r = Rng::new(seed);
    let mut perm: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        let j = r.range(0, i as u64 + 1) as usize;
        perm.swap(i, j);
    }
    let mut e = Vec::with_capacity(n * (per_row + 1));
    for (i, &p) in perm.iter().enumerate() {
        e.push((i as u32, p, r.range(0, max) as i64));
        for _ in 0..per_row {
            e.push((
                i as u32,
                r.range(0, n as u64) as u32,
                r.range(0, max) as i64,
            ));
        }
    }
    e.sort_unstable_by_key(|x| (x.0, x.1));
    e.dedup_by_key(|x| (x.0, x.1));
    e
}

/// The named benchmark instances of issue 3, so criterion and the peer scripts solve the same
/// data: `(name, rows, cols)` for the dense ones.
pub const DENSE: &[(&str, usize, usize, u64)] = &[
    ("dense_i1e3_n1000", 1000, 1000, 1000),
    ("dense_i1e3_n2000", 2000, 2000, 1000),
    ("dense_i1e3_n4000", 4000, 4000, 1000),
    ("dense_i1e6_n1000", 1000, 1000, 1_000_000),
    ("dense_i1e6_n2000", 2000, 2000, 1_000_000),
    ("dense_i1e6_n4000", 4000, 4000, 1_000_000),
    ("rect_i1e6_1000x5000", 1000, 5000, 1_000_000),
];

/// The n = 8000 instance, run once (`--huge`): 512 MB of costs.
pub const DENSE_HUGE: (&str, usize, usize, u64) = ("dense_i1e6_n8000", 8000, 8000, 1_000_000);

/// Dense float instances: `(name, n)`.
pub const DENSE_F64: &[(&str, usize)] = &[
    ("dense_f64_n1000", 1000),
    ("dense_f64_n2000", 2000),
    ("dense_f64_n4000", 4000),
];

/// Sparse instances: `(name, n, per_row)`.
pub const SPARSE: &[(&str, usize, usize)] = &[
    ("sparse_n1e4_k20", 10_000, 20),
    ("sparse_n1e5_k20", 100_000, 20),
];

/// The seed every named instance is generated from (with its index added).
pub const SEED: u64 = 20261126;

/// A student–project instance: `students` with lists of `k` random projects, `projects` with
/// capacity 1–15 under `supervisors` with capacity 1–80; supervisors rank their applicants in a
/// random order.
pub fn stable_instance(
    seed: u64,
    students: usize,
    projects: usize,
    supervisors: usize,
    k: usize,
) -> duijie::allocate::StableInstance {
    let mut r = Rng::new(seed);
    let proj: Vec<(u32, u32)> = (0..projects)
        .map(|_| (r.range(0, supervisors as u64) as u32, r.range(1, 16) as u32))
        .collect();
    let caps: Vec<u32> = (0..supervisors).map(|_| r.range(1, 81) as u32).collect();
    let prefs: Vec<Vec<u32>> = (0..students)
        .map(|_| {
            let mut v: Vec<u32> = Vec::with_capacity(k);
            while v.len() < k.min(projects) {
                let p = r.range(0, projects as u64) as u32;
                if !v.contains(&p) {
                    v.push(p);
                }
            }
            v
        })
        .collect();
    let keys: Vec<u64> = (0..students).map(|_| r.next_u64()).collect();
    let mut order: Vec<u32> = (0..students as u32).collect();
    order.sort_by_key(|&s| (keys[s as usize], s));
    let mut sup: Vec<Vec<u32>> = vec![Vec::new(); supervisors];
    for s in order {
        let mut ls: Vec<u32> = prefs[s as usize]
            .iter()
            .map(|&p| proj[p as usize].0)
            .collect();
        ls.sort_unstable();
        ls.dedup();
        for l in ls {
            sup[l as usize].push(s);
        }
    }
    duijie::allocate::StableInstance::new(&prefs, &proj, caps, sup).expect("well formed")
}

/// Transportation instances: `(name, rows, cols, candidates per row)`; 300 candidates of 300
/// columns is the dense case.
pub const TRANSPORT: &[(&str, usize, usize, usize)] = &[
    ("transport_5000x300_k30", 5000, 300, 30),
    ("transport_5000x300_dense", 5000, 300, 300),
];

/// General min-cost flow instances, not bipartite: `(name, side)` for a `side × side` grid.
pub const GRID: &[(&str, usize)] = &[("grid_100x100", 100), ("grid_300x300", 300)];

/// A grid network as DIMACS `p min` text (nodes from 1): each node joined to its right and
/// lower neighbours in both directions (cost 1–100, capacity 100–1000), plus one random long arc
/// per node (cost 50–500, capacity 10–100); `side` sources of supply 100–300 and as many sinks
/// of the matching total demand, at random nodes. Feasible: every node reaches every other.
pub fn grid_network(seed: u64, side: usize) -> String {
    use std::fmt::Write as _;
    let mut r = Rng::new(seed);
    let n = side * side;
    let mut arcs: Vec<(usize, usize, u64, u64)> = Vec::with_capacity(5 * n);
    for y in 0..side {
        for x in 0..side {
            let v = y * side + x;
            for (dx, dy) in [(1, 0), (0, 1)] {
                let (nx, ny) = (x + dx, y + dy);
                if nx < side && ny < side {
                    let w = ny * side + nx;
                    arcs.push((v, w, r.range(100, 1001), r.range(1, 101)));
                    arcs.push((w, v, r.range(100, 1001), r.range(1, 101)));
                }
            }
            let far = r.range(0, n as u64) as usize;
            if far != v {
                arcs.push((v, far, r.range(10, 101), r.range(50, 501)));
            }
        }
    }
    let mut supply = vec![0i64; n];
    let mut total = 0i64;
    for _ in 0..side {
        let s = r.range(100, 301) as i64;
        supply[r.range(0, n as u64) as usize] += s;
        total += s;
    }
    // The same total spread over `side` sinks.
    for k in 0..side {
        let d = total / side as i64 + i64::from(k < (total % side as i64) as usize);
        supply[r.range(0, n as u64) as usize] -= d;
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "c grid {side}x{side}, seed {seed}\np min {n} {}",
        arcs.len()
    );
    for (v, &b) in supply.iter().enumerate() {
        if b != 0 {
            let _ = writeln!(out, "n {} {b}", v + 1);
        }
    }
    for (t, h, cap, cost) in arcs {
        let _ = writeln!(out, "a {} {} 0 {cap} {cost}", t + 1, h + 1);
    }
    out
}

/// The scale and `top_k` a measuring binary was asked for: `[sample|province|nation] [K|all]`
/// (province and every candidate when left out).
pub fn scale_and_k(args: &[String]) -> (Scale, Option<usize>) {
    let scale = args
        .get(1)
        .and_then(|s| Scale::parse(s))
        .unwrap_or(Scale::Province);
    (scale, args.get(2).and_then(|s| s.parse().ok()))
}
