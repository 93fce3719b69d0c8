//! Dense Jonker–Volgenant: shortest augmenting paths on a full matrix, in place, with
//! vectorisable row sweeps (an AVX2 build where the processor has one), on 32-bit lanes for an
//! `i32` matrix while its values stay in range ([`Lane`], [`lapjv_lanes`]).

use super::*;
pub(super) fn dense<T: DenseCost>(
    a: ArrayView2<'_, T>,
    sense: Sense,
    limits: &Limits<'_>,
) -> Result<Assignment, AllocateError> {
    let (n, m) = a.dim();
    let limit = cost_limit(n, m);
    let k = 63 - limit.max(1).leading_zeros(); // 2^k ≤ limit
    let sign = if sense == Sense::Max { -1 } else { 1 };
    let transposed = n > m;
    let (rows, cols) = if transposed { (m, n) } else { (n, m) };
    let neg = sense == Sense::Max;
    let solved = match (transposed, a.as_slice()) {
        // A standard-layout matrix is solved in place: no copy at all.
        (false, Some(c)) => jv_sense(c, rows, cols, k, neg, limits),
        _ => {
            // One working copy, row-major, in the orientation solved: 32-bit when every entry
            // fits (half the memory and traffic), 64-bit otherwise.
            let axis = ndarray::Axis(usize::from(transposed));
            let lines = move || (0..rows).map(move |r| a.index_axis_move(axis, r));
            let mut narrow: Vec<i32> = Vec::with_capacity(rows * cols);
            let fits = lines().all(|l| {
                let before = narrow.len();
                narrow.extend(l.iter().map_while(|x| i32::try_from(x.wide()).ok()));
                narrow.len() - before == cols
            });
            if fits {
                jv_sense(&narrow, rows, cols, k, neg, limits)
            } else {
                drop(narrow);
                let mut c: Vec<i64> = Vec::with_capacity(rows * cols);
                for l in lines() {
                    c.extend(l.iter().map(|x| x.wide()));
                }
                jv_sense(&c, rows, cols, k, neg, limits)
            }
        }
    };
    let Ok((mut x, v, stopped)) = solved else {
        let max_abs = a.iter().map(|v| v.wide().unsigned_abs()).max().unwrap_or(0);
        return Err(AllocateError::NumericRange {
            max_weight: max_abs,
            limit: (1u64 << k) - 1,
        });
    };
    let cost_of = |i: usize, j: usize| if transposed { a[[j, i]] } else { a[[i, j]] }.wide();
    let min_cost = |i: usize, j: usize| sign * cost_of(i, j);
    if stopped {
        complete_dense(&mut x, cols, min_cost);
    }
    Ok(finish(
        x,
        v,
        rows,
        transposed,
        sense,
        min_cost,
        cost_of,
        n,
        m,
        Algorithm::JonkerVolgenant,
        Status::optimal_unless(stopped),
    ))
}

/// Completes a partial assignment (`x[i]` the column of row `i`, or `NONE`) of a dense
/// `rows × cols` instance with `rows ≤ cols`: each free row, in order, takes its cheapest
/// column not yet taken (lowest index among equals). O(free rows × cols).
pub(super) fn complete_dense(x: &mut [u32], cols: usize, cost: impl Fn(usize, usize) -> i64) {
    let mut taken = vec![false; cols];
    for &j in x.iter().filter(|&&j| j != NONE) {
        taken[j as usize] = true;
    }
    for (i, xi) in x.iter_mut().enumerate() {
        if *xi != NONE {
            continue;
        }
        let best = (0..cols)
            .filter(|&j| !taken[j])
            .min_by_key(|&j| (cost(i, j), j));
        if let Some(j) = best {
            *xi = j as u32;
            taken[j] = true;
        }
    }
}

/// Builds the result from the solved orientation: `x[i]` the column of row `i`, `v` the column
/// potentials (minimisation sense).
#[allow(clippy::too_many_arguments)]
pub(super) fn finish(
    x: Vec<u32>,
    v: Vec<i64>,
    rows: usize,
    transposed: bool,
    sense: Sense,
    min_cost: impl Fn(usize, usize) -> i64,
    user_value: impl Fn(usize, usize) -> i64,
    n: usize,
    m: usize,
    algorithm: Algorithm,
    status: Status,
) -> Assignment {
    let mut u = vec![0i64; rows];
    let mut objective: i128 = 0;
    for i in 0..rows {
        let j = x[i] as usize;
        u[i] = min_cost(i, j) - v[j];
        objective += i128::from(user_value(i, j));
    }
    let flip = |p: Vec<i64>| {
        if sense == Sense::Max {
            p.into_iter().map(|q| -q).collect()
        } else {
            p
        }
    };
    let (u, v) = (flip(u), flip(v));
    let mut row_to_col = vec![None; n];
    let mut col_to_row = vec![None; m];
    for (i, &j) in x.iter().enumerate().take(rows) {
        let (r, c) = if transposed {
            (j as usize, i)
        } else {
            (i, j as usize)
        };
        row_to_col[r] = u32::try_from(c).ok();
        col_to_row[c] = u32::try_from(r).ok();
    }
    let (row_potential, col_potential) = if transposed { (v, u) } else { (u, v) };
    Assignment {
        row_to_col,
        col_to_row,
        objective,
        row_potential,
        col_potential,
        sense,
        status,
        algorithm,
    }
}

/// The column of each row (`NONE` for rows left free when stopped), the column potentials, and
/// whether a [`Limits`] stopped the solver; or `Err(())` when out of numeric range.
pub(super) type Solved = Result<(Vec<u32>, Vec<i64>, bool), ()>;

/// [`jv`] in the sense asked for (`neg`: maximising, costs negated).
pub(super) fn jv_sense<T: DenseCost>(
    c: &[T],
    rows: usize,
    cols: usize,
    k: u32,
    neg: bool,
    limits: &Limits<'_>,
) -> Solved {
    if neg {
        jv::<true, _>(c, rows, cols, k, limits)
    } else {
        jv::<false, _>(c, rows, cols, k, limits)
    }
}

/// Runs [`lapjv_lanes`] as compiled for AVX2 when the processor has it, the portable build
/// otherwise. Both builds run the same integer operations in the same order, so they return the
/// same assignment and potentials (a test checks it); only the vector width differs. Measured on
/// the n = 4000 benchmark instances: the AVX2 build is 10–20% faster.
#[allow(unsafe_code)]
pub(super) fn jv<const NEG: bool, T: DenseCost>(
    c: &[T],
    rows: usize,
    cols: usize,
    k: u32,
    limits: &Limits<'_>,
) -> Solved {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: calling a function compiled with `#[target_feature(enable = "avx2")]` is sound
        // exactly when the processor supports AVX2, which the check above has just established
        // at run time. The function itself is safe Rust (no other obligation).
        return unsafe { lapjv_avx2::<NEG, _>(c, rows, cols, k, limits) };
    }
    lapjv_lanes::<NEG, _>(c, rows, cols, k, limits)
}

/// [`lapjv_lanes`] compiled with AVX2 enabled (its loops are written to vectorise).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(super) fn lapjv_avx2<const NEG: bool, T: DenseCost>(
    c: &[T],
    rows: usize,
    cols: usize,
    k: u32,
    limits: &Limits<'_>,
) -> Solved {
    lapjv_lanes::<NEG, _>(c, rows, cols, k, limits)
}

/// [`lapjv`] on `i32` lanes for an `i32` matrix, and on `i64` lanes when the matrix is `i64` or
/// the `i32` run leaves its range (a cost outside `[−2^26, 2^26)`, or a potential or distance
/// beyond [`Lane::GUARD`]: then it starts again on `i64` lanes). The two runs perform the same
/// integer operations on exact values, so the answer is the `i64` run's either way (a test
/// checks it); the `i32` run moves half the bytes and fills twice the lanes (measured on the
/// benchmark matrices with costs below 10⁶, against the same `i32` matrices on `i64` lanes:
/// 8–9 ms against 15–17 ms at n = 1000, 42–45 ms against 80 ms at n = 2000;
/// `benches/results/2026-12-05-dense-lanes.csv`).
#[inline(always)]
pub(super) fn lapjv_lanes<const NEG: bool, T: DenseCost>(
    c: &[T],
    rows: usize,
    cols: usize,
    k: u32,
    limits: &Limits<'_>,
) -> Solved {
    if T::NARROW
        && let Ok(s) = lapjv::<NEG, T, i32>(c, rows, cols, k.min(NARROW_K), limits)
    {
        return Ok(s);
    }
    lapjv::<NEG, T, i64>(c, rows, cols, k, limits)
}

/// The integer word of the potentials, reduced costs and distance keys in the dense loops:
/// `i64`, or `i32` for an `i32` matrix whose costs and potentials stay within its guard (twice
/// the lanes per vector register, and native 32-bit minimum instructions, which AVX2 lacks for
/// 64 bits). Every operation wraps; the guards keep every intermediate exact, so both words
/// compute the same integers and return the same answer.
pub(super) trait Lane: Copy + Ord + Send + Sync + 'static {
    /// The largest value (the "infinite" key).
    const MAX: Self;
    /// Zero.
    const ZERO: Self;
    /// −1: the key of a settled column (all ones, so that it never wins an unsigned minimum).
    const SETTLED: Self;
    /// The bound on every cost, potential and half key (`MAX / 16`, see [`sweep`]).
    const GUARD: Self;
    /// Whether the reductions must check each potential they lower against [`Lane::GUARD`]
    /// (`i64` needs no check: [`cost_limit`] keeps its potentials in range).
    const NARROW: bool;
    /// `x` in this word (wrapping: the callers have range-checked it).
    fn of(x: i64) -> Self;
    /// The value as an `i64`.
    fn wide(self) -> i64;
    /// Wrapping `self − o`.
    fn sub(self, o: Self) -> Self;
    /// Wrapping `−self`.
    fn neg(self) -> Self;
    /// Wrapping `2·self`.
    fn double(self) -> Self;
    /// The smaller of the two read as unsigned (so that −1 marks a settled column that never
    /// wins).
    fn umin(self, o: Self) -> Self;
    /// `self` with its lowest bit cleared.
    fn even(self) -> Self;
    /// `self >> 1` (arithmetic).
    fn half(self) -> Self;
    /// Whether the lowest bit is set.
    fn odd(self) -> bool;
}

macro_rules! lane {
    ($t:ty, $u:ty, $narrow:expr) => {
        impl Lane for $t {
            const MAX: Self = <$t>::MAX;
            const ZERO: Self = 0;
            const SETTLED: Self = -1;
            const GUARD: Self = <$t>::MAX / 16;
            const NARROW: bool = $narrow;
            #[inline(always)]
            fn of(x: i64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn wide(self) -> i64 {
                i64::from(self)
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn neg(self) -> Self {
                self.wrapping_neg()
            }
            #[inline(always)]
            fn double(self) -> Self {
                self.wrapping_mul(2)
            }
            #[inline(always)]
            fn umin(self, o: Self) -> Self {
                (self as $u).min(o as $u) as $t
            }
            #[inline(always)]
            fn even(self) -> Self {
                self & !1
            }
            #[inline(always)]
            fn half(self) -> Self {
                self >> 1
            }
            #[inline(always)]
            fn odd(self) -> bool {
                self & 1 != 0
            }
        }
    };
}
lane!(i64, u64, false);
lane!(i32, u32, true);

/// The exponent of the cost range a run on `i32` lanes accepts: costs in `[−2^26, 2^26)`, within
/// [`Lane::GUARD`] for `i32` (`2^27 − 1`).
pub(super) const NARROW_K: u32 = 26;

/// Reads a cost in the minimisation sense: negated when maximising.
#[inline(always)]
pub(super) fn val<const NEG: bool, T: DenseCost, W: Lane>(x: T) -> W {
    // Wrapping: the first pass reads entries before the range check's verdict is known; an
    // out-of-range matrix is rejected before any arithmetic uses these values.
    let x = W::of(x.wide());
    if NEG { x.neg() } else { x }
}

/// Bits set when `x` is outside `[-bias, bias)`, `bias = 2^k` (branch-free, vectorisable).
#[inline(always)]
pub(super) fn out_of_range<T: DenseCost>(x: T, bias: u64, k: u32) -> u64 {
    (x.wide() as u64).wrapping_add(bias) >> (k + 1)
}

/// Jonker–Volgenant on a row-major `rows × cols` cost matrix with `rows ≤ cols`, its potentials
/// and distances in the word `W`. Returns the column of each row and the column potentials, or
/// `Err(())` when an entry is outside `[-2^k, 2^k)`, checked during the first pass over the
/// matrix (so the matrix is read once more only by the later phases, never by a separate
/// check), or when a potential or distance leaves `W`'s guard.
///
/// Always inlined, so that [`lapjv_avx2`] compiles all of it for AVX2.
#[inline(always)]
pub(super) fn lapjv<const NEG: bool, T: DenseCost, W: Lane>(
    c: &[T],
    rows: usize,
    cols: usize,
    k: u32,
    limits: &Limits<'_>,
) -> Solved {
    let n = rows;
    let mut x = vec![NONE; n]; // column of row
    let mut y = vec![NONE; cols]; // row of column
    let mut v = vec![W::ZERO; cols];
    if n == 0 {
        return Ok((x, vec![0; cols], false));
    }
    let bias = 1u64 << k;
    let row = |i: usize| &c[i * cols..(i + 1) * cols];
    let mut free: Vec<u32> = Vec::with_capacity(n);
    // The spread of the costs, estimated from the first row's largest value and the smallest
    // value seen in the first pass; it sets when augmenting row reduction treats two values as
    // a near-tie (see below).
    let row0_max = row(0)
        .iter()
        .map(|&x| val::<NEG, _, W>(x).wide())
        .max()
        .unwrap_or(0);
    let near_tie = |lo: i64| -> W {
        let spread = u64::try_from(row0_max.saturating_sub(lo)).unwrap_or(0);
        W::of(i64::try_from(spread >> 20).unwrap_or(i64::MAX))
    };
    // A potential lowered below the guard (only an `i32` run can get there): out of range.
    let lowered = |p: W| W::NARROW && p < W::GUARD.neg();
    let thr;
    if n == cols {
        // Column reduction: each column's minimum and the first row attaining it, found in one
        // row-major pass that also checks the range; columns are then taken from the last (as
        // the original).
        let mut bad = row(0)
            .iter()
            .fold(0u64, |acc, &x| acc | out_of_range(x, bias, k));
        let mut colmin: Vec<W> = c[..cols].iter().map(|&x| val::<NEG, _, W>(x)).collect();
        let mut argmin = vec![0u32; cols];
        for i in 1..n {
            // Refused at the first row out of range (an `i32` run then hands over having read
            // little of the matrix).
            if bad != 0 {
                return Err(());
            }
            for ((m, a), &x) in colmin.iter_mut().zip(argmin.iter_mut()).zip(row(i)) {
                bad |= out_of_range(x, bias, k);
                let h = val::<NEG, _, W>(x);
                let lt = h < *m;
                *m = if lt { h } else { *m };
                *a = if lt { i as u32 } else { *a };
            }
        }
        if bad != 0 {
            return Err(());
        }
        thr = near_tie(colmin.iter().copied().min().unwrap_or(W::ZERO).wide());
        let mut matches = vec![0u32; n];
        for j in (0..cols).rev() {
            let imin = argmin[j] as usize;
            v[j] = colmin[j];
            matches[imin] += 1;
            if matches[imin] == 1 {
                x[imin] = j as u32;
                y[j] = imin as u32;
            }
        }
        // Reduction transfer.
        for i in 0..n {
            match matches[i] {
                0 => free.push(i as u32),
                1 => {
                    let j1 = x[i] as usize;
                    let r = row(i);
                    let min =
                        min_reduced::<NEG, _, W>(&r[..j1], &v[..j1])
                            .min(min_reduced::<NEG, _, W>(&r[j1 + 1..], &v[j1 + 1..]));
                    if min != W::MAX {
                        v[j1] = v[j1].sub(min);
                        if lowered(v[j1]) {
                            return Err(());
                        }
                    }
                }
                _ => {}
            }
        }
    } else {
        // Rectangular: each row takes its cheapest column if nobody has it yet (v = 0, so the
        // row minimum is its dual), in the same pass that checks the range (refused at the
        // first row out of it).
        let mut lo = W::MAX;
        for (i, xi) in x.iter_mut().enumerate() {
            // v = 0 here: the first column holding the minimum cost itself.
            let (min, jmin, out) = min_at_and_range::<NEG, _, W>(row(i), bias, k);
            if out != 0 {
                return Err(());
            }
            lo = lo.min(min);
            if y[jmin] == NONE {
                *xi = jmin as u32;
                y[jmin] = i as u32;
            } else {
                free.push(i as u32);
            }
        }
        thr = near_tie(lo.wide());
    }
    // Augmenting row reduction with a work cap so that ties cannot make it crawl: two passes,
    // then up to two more while each still frees a tenth of the remaining rows (measured: 20%
    // faster at n = 4000, a few percent slower on some n = 1000 instances).
    for pass in 0..4 {
        if free.is_empty() || cols < 2 {
            break;
        }
        if limits.stop_now() {
            // Rows the passes so far left free stay free (`NONE`); the caller completes them.
            return Ok((x, v.iter().map(|p| p.wide()).collect(), true));
        }
        let before_pass = free.len();
        let mut k = 0usize;
        let prev = std::mem::take(&mut free);
        let mut queue = prev;
        let mut budget = 4 * n + 16;
        while k < queue.len() {
            let i = queue[k] as usize;
            k += 1;
            if budget == 0 {
                free.push(i as u32);
                continue;
            }
            budget -= 1;
            let r = row(i);
            let (umin, usub) = two_smallest::<NEG, _, W>(r, &v);
            let mut j1 = find_reduced::<NEG, _, W>(r, &v, umin, 0, usize::MAX).unwrap_or(0);
            let mut i0 = y[j1];
            if umin < usub {
                v[j1] = v[j1].sub(usub.sub(umin));
                if lowered(v[j1]) {
                    return Err(());
                }
            } else if i0 != NONE {
                // The minimum repeats: take its next occurrence instead.
                if let Some(j2) = find_reduced::<NEG, _, W>(r, &v, umin, 0, j1) {
                    j1 = j2;
                    i0 = y[j2];
                }
            }
            if let Some(old) = (x[i] != NONE).then_some(x[i] as usize) {
                // A row in the free list is unassigned; keep the invariant anyway.
                y[old] = NONE;
            }
            x[i] = j1 as u32;
            y[j1] = i as u32;
            if i0 != NONE {
                x[i0 as usize] = NONE;
                // Process the displaced row next, unless the two values are a near-tie (closer
                // than a millionth of the cost spread): then it waits at the back, which stops
                // two rows from trading a column back and forth by tiny price steps (measured:
                // a third faster on high-precision floats, no change on the integer instances).
                if umin < usub && usub.sub(umin) > thr {
                    k -= 1;
                    queue[k] = i0;
                } else {
                    free.push(i0);
                }
            }
        }
        if pass >= 1 && free.len() * 10 > before_pass * 9 {
            break;
        }
    }
    let stopped = augment::<NEG, _, W>(c, cols, &mut x, &mut y, &mut v, &free, limits)?;
    Ok((x, v.iter().map(|p| p.wide()).collect(), stopped))
}

/// Lanes of the vectorisable loops: four `i64` fill one AVX2 register, and four registers keep
/// the min/compare chains independent (measured: 16 lanes a fifth faster than 4 at n = 1000).
pub(super) const LANES: usize = 16;

/// The largest magnitude a potential or a shifted distance may reach in [`augment`]; with every
/// cost below `cost_limit` (at most `i64::MAX / 16`) it keeps every intermediate of the sweeps
/// exact in wrapping `i64` arithmetic (see [`sweep`]).
pub(super) const GUARD: i64 = i64::MAX / 16;

/// `c − v` in the minimisation sense (wrapping, which is exact for range-checked costs and
/// guarded potentials, and lets the loops vectorise).
#[inline(always)]
pub(super) fn reduced<const NEG: bool, T: DenseCost, W: Lane>(x: T, v: W) -> W {
    val::<NEG, _, W>(x).sub(v)
}

/// The smallest `c[j] − v[j]` over a row (`W::MAX` when empty).
#[inline(always)]
pub(super) fn min_reduced<const NEG: bool, T: DenseCost, W: Lane>(r: &[T], v: &[W]) -> W {
    let v = &v[..r.len()];
    let mut m = W::MAX;
    for j in 0..r.len() {
        m = m.min(reduced::<NEG, _, W>(r[j], v[j]));
    }
    m
}

/// The smallest cost of a row and whether any entry is out of range (nonzero), in one pass.
#[inline(always)]
pub(super) fn min_and_range<const NEG: bool, T: DenseCost, W: Lane>(
    r: &[T],
    bias: u64,
    k: u32,
) -> (W, u64) {
    let (mut m, mut bad) = (W::MAX, 0u64);
    for &x in r {
        bad |= out_of_range(x, bias, k);
        m = m.min(val::<NEG, _, W>(x));
    }
    (m, bad)
}

/// The smallest cost of a row, the first column holding it (0 for an empty row), and whether
/// any entry is out of range (nonzero), in one pass over the row: each piece of [`PIECE`]
/// entries has its minimum found by the vectorised [`min_and_range`], and only a piece that
/// lowers the row's minimum is searched for it, while it is still in the first-level cache (a
/// search of the whole row after the pass read half the row again from memory on average).
#[inline(always)]
pub(super) fn min_at_and_range<const NEG: bool, T: DenseCost, W: Lane>(
    r: &[T],
    bias: u64,
    k: u32,
) -> (W, usize, u64) {
    let (mut m, mut at, mut bad) = (W::MAX, 0, 0u64);
    for (p, piece) in r.chunks(PIECE).enumerate() {
        let (pm, out) = min_and_range::<NEG, _, W>(piece, bias, k);
        bad |= out;
        if pm < m {
            m = pm;
            at = p * PIECE + find_cost::<NEG, _, W>(piece, pm).unwrap_or(0);
        }
    }
    (m, at, bad)
}

/// Entries of a row read as one piece by [`min_at_and_range`]: 1–2 KiB, well inside the
/// first-level cache.
pub(super) const PIECE: usize = 256;

/// The smallest and the second smallest `c[j] − v[j]` over a row (equal when the minimum
/// repeats; the second is `W::MAX` for a single column), with one running pair per lane.
#[inline(always)]
pub(super) fn two_smallest<const NEG: bool, T: DenseCost, W: Lane>(r: &[T], v: &[W]) -> (W, W) {
    let v = &v[..r.len()];
    let mut m1 = [W::MAX; LANES];
    let mut m2 = [W::MAX; LANES];
    let split = r.len() - r.len() % LANES;
    for (rc, vc) in r[..split]
        .chunks_exact(LANES)
        .zip(v[..split].chunks_exact(LANES))
    {
        for l in 0..LANES {
            let h = reduced::<NEG, _, W>(rc[l], vc[l]);
            m2[l] = m2[l].min(m1[l].max(h));
            m1[l] = m1[l].min(h);
        }
    }
    let (mut a, mut b) = (W::MAX, W::MAX);
    let tail = r[split..].iter().zip(&v[split..]);
    for h in m1
        .into_iter()
        .chain(m2)
        .chain(tail.map(|(&x, &p)| reduced::<NEG, _, W>(x, p)))
    {
        b = b.min(a.max(h));
        a = a.min(h);
    }
    (a, b)
}

/// The first column whose cost (minimisation sense) is `target`, tested sixteen at a time.
#[inline(always)]
pub(super) fn find_cost<const NEG: bool, T: DenseCost, W: Lane>(
    r: &[T],
    target: W,
) -> Option<usize> {
    const B: usize = 16;
    let mut base = 0;
    for chunk in r.chunks(B) {
        if chunk
            .iter()
            .fold(false, |acc, &x| acc | (val::<NEG, _, W>(x) == target))
        {
            return chunk
                .iter()
                .position(|&x| val::<NEG, _, W>(x) == target)
                .map(|p| base + p);
        }
        base += chunk.len();
    }
    None
}

/// The first column `j ≥ from`, `j ≠ skip`, with `c[j] − v[j] = target`, tested sixteen at a
/// time (which vectorises).
#[inline(always)]
pub(super) fn find_reduced<const NEG: bool, T: DenseCost, W: Lane>(
    r: &[T],
    v: &[W],
    target: W,
    from: usize,
    skip: usize,
) -> Option<usize> {
    const B: usize = 16;
    let hit = |j: usize| j != skip && reduced::<NEG, _, W>(r[j], v[j]) == target;
    let mut j = from;
    while j < r.len() {
        let end = (j + B).min(r.len());
        let any = r[j..end]
            .iter()
            .zip(&v[j..end])
            .fold(false, |acc, (&x, &p)| {
                acc | (reduced::<NEG, _, W>(x, p) == target)
            });
        if any && let Some(p) = (j..end).find(|&q| hit(q)) {
            return Some(p);
        }
        j = end;
    }
    None
}

/// Twice a cost in the minimisation sense (costs are range-checked, so this is exact).
#[inline(always)]
pub(super) fn twice<const NEG: bool, T: DenseCost, W: Lane>(x: T) -> W {
    val::<NEG, _, W>(x).double()
}

/// The smallest `2·c[j] − w[j]` over a row (signed).
#[inline(always)]
pub(super) fn min_key<const NEG: bool, T: DenseCost, W: Lane>(r: &[T], w: &[W]) -> W {
    let mut best = [W::MAX; LANES];
    let split = r.len() - r.len() % LANES;
    for (rc, wc) in r[..split]
        .chunks_exact(LANES)
        .zip(w[..split].chunks_exact(LANES))
    {
        for l in 0..LANES {
            let h = twice::<NEG, _, W>(rc[l]).sub(wc[l]);
            best[l] = if h < best[l] { h } else { best[l] };
        }
    }
    let mut m = best.into_iter().min().unwrap_or(W::MAX);
    for (&rc, &wc) in r[split..].iter().zip(&w[split..]) {
        m = m.min(twice::<NEG, _, W>(rc).sub(wc));
    }
    m
}

/// One Dijkstra step over all columns, contiguous and branch-free so that it vectorises: the
/// candidate key `h = 2·c[i][j] − w[j] − s` of each column replaces `d2[j]` (and `pred[j] = i`)
/// when smaller, and the column with the smallest key afterwards is returned with its key.
/// Scanned columns hold `d2 = −1`, which no candidate (all `≥ 0`) beats and which, read as
/// unsigned, never wins the minimum. Ties go to the lowest column index.
///
/// `ahead` > 0 asks for each cache line of the row that many entries before it is read
/// ([`prefetch_distance`]).
///
/// Exactness: `|c| ≤ G`, `|w| ≤ 2·G + 1` and `|s| ≤ 6·G` for `G` = [`Lane::GUARD`] (`MAX / 16`),
/// so the true value of `h` is below `10·G + 1 < W::MAX` and the wrapping arithmetic computes
/// it exactly.
#[inline(always)]
pub(super) fn sweep<const NEG: bool, T: DenseCost, W: Lane>(
    r: &[T],
    w: &[W],
    d2: &mut [W],
    pred: &mut [u32],
    i: u32,
    s: W,
    ahead: usize,
) -> (usize, W) {
    let n = r.len();
    let (w, d2, pred) = (&w[..n], &mut d2[..n], &mut pred[..n]);
    // Column `j` of a block: its candidate key replaces `d[j]` (and `p[j] = i`) when smaller,
    // and the running minimum `m[l]` takes the new `d[j]`.
    macro_rules! step {
        ($r:expr, $w:expr, $d:expr, $p:expr, $m:expr, $j:expr, $l:expr) => {
            let h = twice::<NEG, _, W>($r[$j]).sub($w[$j]).sub(s);
            let old = $d[$j];
            let lt = h < old;
            let nd = if lt { h } else { old };
            $d[$j] = nd;
            $p[$j] = if lt { i } else { $p[$j] };
            $m[$l] = $m[$l].umin(nd);
        };
    }
    // One running minimum per lane, over whole blocks of lanes (which the compiler vectorises
    // for either word), then the rest of the row.
    let mut ms = [W::SETTLED; LANES];
    let split = n - n % LANES;
    let blocks = r[..split]
        .chunks_exact(LANES)
        .zip(w[..split].chunks_exact(LANES))
        .zip(d2[..split].chunks_exact_mut(LANES))
        .zip(pred[..split].chunks_exact_mut(LANES));
    for (((rc, wc), dc), pc) in blocks {
        if ahead > 0 {
            // The block's one or two cache lines (sixteen entries of four or eight bytes).
            prefetch(rc.as_ptr().wrapping_add(ahead));
            prefetch(rc.as_ptr().wrapping_add(ahead + LANES / 2));
        }
        // On copies in registers: the compiler then needs no run-time check that the four
        // slices do not overlap (measured: with one, it chose the scalar loop).
        let (mut d, mut p) = ([W::ZERO; LANES], [0u32; LANES]);
        d.copy_from_slice(dc);
        p.copy_from_slice(pc);
        for l in 0..LANES {
            step!(rc, wc, d, p, ms, l, l);
        }
        dc.copy_from_slice(&d);
        pc.copy_from_slice(&p);
    }
    let mut m = [ms.into_iter().fold(W::SETTLED, W::umin)];
    for j in split..n {
        step!(r, w, d2, pred, m, j, 0);
    }
    let m = m[0];
    let j = find_eq(d2, m, 0).unwrap_or(0);
    (j, m)
}

/// How far ahead [`sweep`] asks for a `rows × cols` matrix's row: a 4 KiB page when the matrix
/// is larger than a processor's cache, nothing when it fits. Each sweep reads a row from memory,
/// and the hardware's prefetcher stops at every page boundary; asking a page ahead keeps the
/// stream going (measured at n = 4000 on floats: 0.30 s against 0.36 s per solve), while for a
/// matrix in cache the requests would only cost instructions.
pub(super) fn prefetch_distance<T>(c: &[T]) -> usize {
    if size_of_val(c) >= 16 << 20 {
        4096 / size_of::<T>()
    } else {
        0
    }
}

/// Asks for the cache line at `p` ahead of its use (a hint: no effect on results, and none at
/// all off x86-64).
#[inline(always)]
#[allow(unsafe_code)]
pub(super) fn prefetch<T>(p: *const T) {
    // SAFETY: SSE is part of x86-64, so the instruction exists; a prefetch reads nothing and
    // cannot fault, whatever the address (here possibly past the end of the row).
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast::<i8>());
    }
}

/// Shortest augmenting paths from each free row (Dijkstra on reduced costs, one column settled
/// per step), arranged for the vector units: each step is one contiguous [`sweep`] over the
/// scanned row that both relaxes every column and finds the next one to settle, instead of the
/// gather through a permuted column list of the classic code.
///
/// Distances are kept as keys `2·(d[j] − base) + [column j assigned]`, `base` the free row's
/// smallest reduced cost: among equally near columns a free one sorts first (so a search ends as
/// soon as a free column is nearest, as Jonker–Volgenant's grouped scan does), and all keys of a
/// search are `≥ 0`. `w[j] = 2·v[j] − [column j assigned]` folds the potential and the flag into
/// one array, updated only for the columns a search touches.
///
/// Each search is one iteration of `limits`; returns `Ok(true)` when they stopped it (the rows
/// not yet searched stay free), `Err(())` when a potential or distance leaves
/// `[−GUARD, GUARD]` (the caller reports the instance as out of numeric range; with costs
/// under `cost_limit` it does not happen).
#[inline(always)]
pub(super) fn augment<const NEG: bool, T: DenseCost, W: Lane>(
    c: &[T],
    cols: usize,
    x: &mut [u32],
    y: &mut [u32],
    v: &mut [W],
    free: &[u32],
    limits: &Limits<'_>,
) -> Result<bool, ()> {
    if free.is_empty() {
        return Ok(false);
    }
    let guard = W::GUARD;
    let within = |p: W| guard.neg() <= p && p <= guard;
    if !v.iter().all(|&p| within(p)) {
        return Err(());
    }
    let one = W::of(1);
    let row = |i: usize| &c[i * cols..(i + 1) * cols];
    let ahead = prefetch_distance(c);
    let mut w: Vec<W> = v
        .iter()
        .zip(y.iter())
        .map(|(&p, &r)| p.double().sub(W::of(i64::from(r != NONE))))
        .collect();
    let mut d2 = vec![W::ZERO; cols];
    let mut pred = vec![0u32; cols];
    let mut settled: Vec<(u32, W)> = Vec::new();
    let mut queue: Vec<u32> = Vec::new();
    for (searches, &f) in (1u64..).zip(free) {
        if limits.reached_polling(searches, 1) {
            return Ok(true);
        }
        settled.clear();
        let rf = row(f as usize);
        let base2 = min_key::<NEG, _, W>(rf, &w).even();
        d2.fill(W::MAX);
        let (j0, mut key) = sweep::<NEG, _, W>(rf, &w, &mut d2, &mut pred, f, base2, ahead);
        let mut j = j0;
        // The columns at the current distance level not yet scanned, in the order found
        // (Jonker–Volgenant's SCAN list): scanning them first-in first-out keeps augmenting
        // paths short on tie-heavy costs.
        queue.clear();
        let mut head = 0usize;
        let mut level = W::SETTLED;
        let end = loop {
            if !(W::ZERO <= key && key <= guard.double()) {
                return Err(());
            }
            let exhausted = head == queue.len();
            if !key.odd() && (exhausted || key < level) {
                // The nearest live column is free, and no queued column can lead nearer.
                settled.push((j as u32, key));
                break j;
            }
            if key == level {
                // More columns at the current level: all of them join the queue (settled:
                // they cannot get nearer).
                let mut from = j;
                while let Some(jj) = find_eq(&d2, key, from) {
                    d2[jj] = W::SETTLED;
                    queue.push(jj as u32);
                    settled.push((jj as u32, key));
                    from = jj + 1;
                }
            } else if exhausted {
                // A new level, entered through its lowest-index column; the others at the same
                // distance, if any, come back from the next sweep.
                level = key;
                d2[j] = W::SETTLED;
                queue.push(j as u32);
                settled.push((j as u32, key));
            }
            let js = queue[head] as usize;
            head += 1;
            let i = y[js];
            let ri = row(i as usize);
            // Shift so the new candidates stay keys: s = 2·(c[i][j] − v[j] − d[j] + base).
            let s = twice::<NEG, _, W>(ri[js])
                .sub(v[js].double())
                .sub(level.even());
            (j, key) = sweep::<NEG, _, W>(ri, &w, &mut d2, &mut pred, i, s, ahead);
        };
        // Columns settled before the end move their potential down by how much nearer they
        // were (those as near as the end column by nothing), keeping reduced costs ≥ 0.
        let d_end = key.half();
        for &(j, k) in &settled[..settled.len() - 1] {
            let j = j as usize;
            v[j] = v[j].sub(d_end.sub(k.half()));
            if v[j] < guard.neg() {
                return Err(());
            }
            w[j] = v[j].double().sub(one);
        }
        w[end] = v[end].double().sub(one);
        // Augment along the path.
        let mut j = end;
        loop {
            let i = pred[j] as usize;
            y[j] = i as u32;
            let next = x[i];
            x[i] = j as u32;
            if i == f as usize {
                break;
            }
            j = next as usize;
        }
    }
    Ok(false)
}
