//! Seeded instance generators shared by the benchmarks.

use duijie::allocate::Transport;

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
