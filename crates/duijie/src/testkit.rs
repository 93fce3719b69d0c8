//! Brute-force oracles shared by the tests, the fuzz targets and the benchmarks (feature
//! `testkit`). Each enumerates every answer, so it is exact and slow: use it on instances of a
//! handful of rows. Not part of the stable API.

use crate::Ledger;
use crate::allocate::Sense;
use crate::score::{Market, Scorer};

/// Demands, capacities and `(row, column, weight)` pairs of a transportation instance.
pub type TransportParts = (Vec<u32>, Vec<u32>, Vec<(u32, u32, i64)>);

/// A random transportation instance as demands, capacities and `(row, column, weight)` pairs:
/// quantities below `units`, each pair present with probability 1/3, weights in `-5..35`.
pub fn random_transport(
    next: &mut impl FnMut() -> u64,
    rows: usize,
    cols: usize,
    units: u64,
) -> TransportParts {
    let d = (0..rows).map(|_| (next() % units) as u32).collect();
    let c = (0..cols).map(|_| (next() % units) as u32).collect();
    let mut pairs = Vec::new();
    for i in 0..rows {
        for j in 0..cols {
            if next().is_multiple_of(3) {
                pairs.push((i as u32, j as u32, (next() % 40) as i64 - 5));
            }
        }
    }
    (d, c, pairs)
}

/// The best objective of a transportation problem over every integer plan, by enumeration:
/// `demand[i]` units for row `i`, `capacity[j]` for column `j`, pairs `(i, j, weight)`; rows and
/// columns need not be filled.
pub fn brute_transport(demand: &[u32], capacity: &[u32], pairs: &[(u32, u32, i64)]) -> i128 {
    fn go(
        k: usize,
        pairs: &[(u32, u32, i64)],
        row: &mut [u32],
        col: &mut [u32],
        acc: i128,
        best: &mut i128,
    ) {
        if k == pairs.len() {
            *best = (*best).max(acc);
            return;
        }
        let (i, j, w) = pairs[k];
        let room = row[i as usize].min(col[j as usize]);
        for x in 0..=room {
            row[i as usize] -= x;
            col[j as usize] -= x;
            go(
                k + 1,
                pairs,
                row,
                col,
                acc + i128::from(w) * i128::from(x),
                best,
            );
            row[i as usize] += x;
            col[j as usize] += x;
        }
    }
    let mut best = 0;
    go(
        0,
        pairs,
        &mut demand.to_vec(),
        &mut capacity.to_vec(),
        0,
        &mut best,
    );
    best
}

/// The best assignment of an `n × m` matrix by enumeration: every row of the shorter side
/// assigned (when `n > m`, `n − m` rows stay unassigned), `cost(i, j)` `None` where the pair is
/// not allowed. `None` when no full assignment exists.
pub fn brute_assignment(
    n: usize,
    m: usize,
    cost: &dyn Fn(usize, usize) -> Option<i64>,
    sense: Sense,
) -> Option<i128> {
    struct Search<'a> {
        m: usize,
        cost: &'a dyn Fn(usize, usize) -> Option<i64>,
        sense: Sense,
        n: usize,
        used: Vec<bool>,
        best: Option<i128>,
    }
    impl Search<'_> {
        fn go(&mut self, i: usize, acc: i128, skips: usize) {
            if i == self.n {
                let better = match (self.best, self.sense) {
                    (None, _) => true,
                    (Some(b), Sense::Min) => acc < b,
                    (Some(b), Sense::Max) => acc > b,
                };
                if better {
                    self.best = Some(acc);
                }
                return;
            }
            if skips > 0 {
                self.go(i + 1, acc, skips - 1);
            }
            for j in 0..self.m {
                if self.used[j] {
                    continue;
                }
                if let Some(c) = (self.cost)(i, j) {
                    self.used[j] = true;
                    self.go(i + 1, acc + i128::from(c), skips);
                    self.used[j] = false;
                }
            }
        }
    }
    let mut s = Search {
        m,
        cost,
        sense,
        n,
        used: vec![false; m],
        best: None,
    };
    s.go(0, 0, n.saturating_sub(m));
    s.best
}

/// Scores every pair of market `m` and keeps each need's best `k` (all with `None`; higher
/// score first, ties to the lower offer), as `(need, offer, score)` sorted by need then offer:
/// the reference that [`crate::score::top_candidates`] must equal.
pub fn brute_top_candidates(
    s: &Scorer<'_>,
    l: &Ledger,
    m: Market,
    k: Option<usize>,
) -> Vec<(u32, u32, i64)> {
    let mut out = Vec::new();
    for i in 0..m.needs(l) {
        let mut found: Vec<(u32, i64)> = (0..m.offers(l))
            .filter_map(|j| {
                let w = s.value(m, i, j).filter(|&w| w > 0)?;
                Some((u32::try_from(j).ok()?, w))
            })
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(k.unwrap_or(usize::MAX));
        found.sort_unstable();
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        out.extend(found.into_iter().map(|(j, w)| (i, j, w)));
    }
    out
}

/// A xorshift64 generator from `seed` (not 0): the tests' one source of reproducible
/// pseudo-random numbers.
pub fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// Headless Chromium for the tests that load a page (`DUIJIE_CHROMIUM`, else `chromium`,
/// `chromium-browser` or `google-chrome` on `PATH`); `None` when there is none, and then
/// the test says it skipped — unless `DUIJIE_REQUIRE_CHROMIUM` is set (CI sets it after
/// installing Chromium and a CJK font), when this panics, as it does when that font is
/// missing (`fc-list :lang=zh`: without one the Chinese pages draw boxes).
pub fn chromium(what: &str) -> Option<std::path::PathBuf> {
    let required = std::env::var_os("DUIJIE_REQUIRE_CHROMIUM").is_some();
    let found = std::env::var_os("DUIJIE_CHROMIUM")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            ["chromium", "chromium-browser", "google-chrome"]
                .iter()
                .flat_map(|b| std::env::split_paths(&path).map(move |d| d.join(b)))
                .find(|p| p.is_file())
        });
    match &found {
        None if required => panic!("DUIJIE_REQUIRE_CHROMIUM is set but no chromium was found"),
        None => eprintln!("SKIPPED: no chromium on PATH (apt-get install chromium) — {what}"),
        Some(_) if required => {
            let fonts = std::process::Command::new("fc-list")
                .args([":lang=zh", "family"])
                .output();
            assert!(
                fonts.is_ok_and(|o| !o.stdout.is_empty()),
                "no CJK font installed (fc-list :lang=zh): Chinese pages would draw boxes"
            );
        }
        Some(_) => {}
    }
    found
}
