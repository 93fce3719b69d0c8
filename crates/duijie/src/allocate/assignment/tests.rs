use super::fixed_point::{MAGIC_LIMIT, round_half_away};
use proptest::prelude::*;

use super::*;

fn random_square(seed: u64, n: usize, k: usize, range: u64, backbone: bool) -> SparseMatrix {
    let mut next = crate::testkit::xorshift(seed | 1);
    let mut e = Vec::new();
    for i in 0..n {
        if backbone {
            e.push((i as u32, ((i * 31) % n) as u32, (next() % range) as i64));
        }
        for _ in 0..k {
            e.push((
                i as u32,
                (next() % n as u64) as u32,
                (next() % range) as i64 - (range / 3) as i64,
            ));
        }
    }
    e.sort_by_key(|t| (t.0, t.1));
    e.dedup_by_key(|t| (t.0, t.1));
    SparseMatrix::new(n, n, e).unwrap()
}

/// A dense row-major matrix of `rows × cols` costs in `[-range/3, range)`, from a seed.
fn random_dense(seed: u64, rows: usize, cols: usize, range: u64) -> Vec<i64> {
    let mut next = crate::testkit::xorshift(seed | 1);
    (0..rows * cols)
        .map(|_| {
            let x = next();
            (x % range) as i64 - (range / 3) as i64
        })
        .collect()
}

#[test]
fn rounding_without_the_library_call_equals_f64_round() {
    let mut cases = vec![
        0.0,
        -0.0,
        0.5,
        -0.5,
        1.5,
        -1.5,
        2.5,
        -2.5,
        0.49999999999999994,
        -0.49999999999999994,
        4503599627370495.5,
        -4503599627370495.5,
        4503599627370497.0,
        9.2e18,
        -9.2e18,
        1e-300,
        1125899906842623.5,
        -1125899906842623.5,
        1125899906842622.5,
        -1125899906842622.5,
    ];
    let mut next = crate::testkit::xorshift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..100_000 {
        let x = next();
        let mag = 10f64.powi((x % 19) as i32 - 3);
        cases.push(((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * mag);
    }
    for y in cases {
        assert_eq!(round_half_away(y), y.round() as i64, "{y}");
        if y.abs() < MAGIC_LIMIT {
            assert_eq!(round_half_away_small(y), y.round() as i64, "{y}");
        }
    }
}

#[test]
fn costs_at_the_range_limit_solve_exactly_and_beyond_it_are_refused() {
    // Entries in [-2^k, 2^k), the documented range, including its very edges: the wrapping
    // sweeps and the potential guard must give a certified optimum; one step beyond: a
    // typed NumericRange, never a wrong answer.
    for seed in 1..40u64 {
        let rows = 1 + (seed as usize * 5) % 9;
        let cols = rows + (seed as usize % 4);
        let k = 63 - cost_limit(rows, cols).leading_zeros();
        let top = 1i64 << k;
        let c: Vec<i64> = random_dense(seed, rows, cols, 7)
            .into_iter()
            .map(|x| match x.rem_euclid(4) {
                0 => top - 1,
                1 => -top,
                2 => top - 1 - x.abs(),
                _ => -top + x.abs(),
            })
            .collect();
        let a = ndarray::Array2::from_shape_vec((rows, cols), c.clone()).unwrap();
        for sense in [Sense::Min, Sense::Max] {
            let solved = match sense {
                Sense::Min => min_cost_assignment(a.view()),
                Sense::Max => max_weight_assignment(a.view()),
            };
            match solved {
                // Negating −2^k for the maximum leaves the range: refused, as documented.
                Err(AllocateError::NumericRange { .. }) if sense == Sense::Max => {}
                other => {
                    let got = other.unwrap();
                    verify_assignment(CostMatrix::Dense(a.view()), &got).unwrap();
                }
            }
        }
        let mut over = c;
        over[0] = top;
        let a = ndarray::Array2::from_shape_vec((rows, cols), over).unwrap();
        assert!(matches!(
            min_cost_assignment(a.view()),
            Err(AllocateError::NumericRange { .. })
        ));
    }
}

#[test]
fn sparse_costs_at_the_range_edge_solve_or_are_refused_without_overflow() {
    // Found by the `assignment` fuzz target: a tall sparse matrix with costs at ±2^56 (the
    // edge of the documented range for 8 × 7) overflowed in augmenting row reduction.
    let e: Vec<(u32, u32, i64)> = vec![
        (0, 3, 72057594037927869),
        (1, 1, 72057594037927935),
        (1, 3, 72057594037927935),
        (1, 6, 72057594037927935),
        (2, 0, -72057594037927836),
        (2, 1, 72057594037927835),
        (2, 2, 72057594037927807),
        (2, 3, 72057594037927929),
        (2, 4, 72057594037927869),
        (2, 5, -72057594037927932),
        (2, 6, 72057594037927869),
        (3, 3, 72057594037927935),
        (4, 1, 72057594037927935),
        (4, 3, 72057594037927935),
        (4, 6, 72057594037927807),
        (5, 0, 72057594037927929),
        (5, 1, 72057594037927869),
        (5, 2, -72057594037927932),
        (5, 3, 72057594037927869),
        (5, 4, 72057594037927869),
        (5, 5, 72057594037927783),
        (5, 6, 72057594037927935),
        (6, 3, 72057594037927935),
        (7, 1, -72057594037927836),
        (7, 3, 72057594037927807),
        (7, 6, -72057594037927932),
    ];
    let sp = SparseMatrix::new(8, 7, e).unwrap();
    for sense in [Sense::Min, Sense::Max] {
        for cap in [None, Some(0)] {
            let limits = Limits {
                max_iterations: cap,
                stop: None,
            };
            match solve_assignment(CostMatrix::Sparse(&sp), sense, &limits) {
                Ok(a) => check_assignment(CostMatrix::Sparse(&sp), &a).unwrap(),
                Err(AllocateError::Infeasible { .. } | AllocateError::NumericRange { .. }) => {}
                Err(e) => panic!("{e}"),
            }
        }
    }
}

#[test]
fn portable_and_dispatched_builds_agree() {
    // Whatever the processor, the build chosen at run time (AVX2 here when present) must
    // return exactly what the portable build does: same assignment, same potentials.
    for seed in 1..60u64 {
        let rows = 1 + (seed as usize * 13) % 90;
        let cols = rows + [0, 0, 1, 7, 40][seed as usize % 5];
        let range = [2u64, 5, 1000, 1_000_000, 1 << 40][seed as usize % 5];
        let c = random_dense(seed, rows, cols, range);
        let k = 63 - cost_limit(rows, cols).leading_zeros();
        assert_eq!(
            lapjv::<false, _, i64>(&c, rows, cols, k, &Limits::default()),
            jv::<false, _>(&c, rows, cols, k, &Limits::default())
        );
        assert_eq!(
            lapjv::<true, _, i64>(&c, rows, cols, k, &Limits::default()),
            jv::<true, _>(&c, rows, cols, k, &Limits::default())
        );
    }
}

/// An `i32` matrix solved on `i32` lanes gives exactly what `i64` lanes give (assignment and
/// potentials), or leaves its range and is solved again on `i64` lanes: returns whether the
/// narrow run left its range.
fn narrow_agrees_with_wide(c: &[i64], rows: usize, cols: usize) -> bool {
    let c: Vec<i32> = c.iter().map(|&x| x as i32).collect();
    let k = 63 - cost_limit(rows, cols).leading_zeros();
    let none = Limits::default();
    let mut left = false;
    for neg in [false, true] {
        let (wide, narrow, chosen) = if neg {
            (
                lapjv::<true, _, i64>(&c, rows, cols, k, &none),
                lapjv::<true, _, i32>(&c, rows, cols, k.min(NARROW_K), &none),
                jv::<true, _>(&c, rows, cols, k, &none),
            )
        } else {
            (
                lapjv::<false, _, i64>(&c, rows, cols, k, &none),
                lapjv::<false, _, i32>(&c, rows, cols, k.min(NARROW_K), &none),
                jv::<false, _>(&c, rows, cols, k, &none),
            )
        };
        assert!(wide.is_ok());
        match narrow {
            Ok(s) => assert_eq!(Ok(s), wide, "{rows}×{cols}"),
            Err(()) => left = true,
        }
        assert_eq!(chosen, wide, "{rows}×{cols}");
    }
    left
}

#[test]
fn narrow_lanes_give_the_wide_answer_or_hand_over_to_it() {
    // Hand-overs of matrices within the narrow cost range: a distance or potential left the
    // `i32` guard (the others are refused by the first pass).
    let (mut handed_over, mut guard_left) = (0, 0);
    for seed in 1..120u64 {
        let rows = 1 + (seed as usize * 13) % 70;
        let cols = rows + [0, 0, 1, 9, 40][seed as usize % 5];
        // Small ranges (ties), the benchmark's 10⁶, and costs at and beyond the narrow range,
        // where the first pass refuses the matrix or a distance leaves the `i32` guard.
        let range = [2u64, 7, 1000, 1_000_000, 1 << 26, 3 << 26, 1 << 31][seed as usize % 7];
        let c = random_dense(seed, rows, cols, range);
        let left = narrow_agrees_with_wide(&c, rows, cols);
        handed_over += usize::from(left);
        guard_left += usize::from(left && range <= 1 << 26);
        // Costs at both ends of the narrow range: distances and lowered potentials reach
        // beyond the guard.
        let top = 1i64 << NARROW_K;
        let edge: Vec<i64> = c
            .iter()
            .map(|&x| match x.rem_euclid(3) {
                0 => top - 1,
                1 => -top,
                _ => x.rem_euclid(top),
            })
            .collect();
        guard_left += usize::from(narrow_agrees_with_wide(&edge, rows, cols));
    }
    assert!(
        handed_over > guard_left,
        "no matrix was refused for its costs"
    );
    assert!(guard_left > 0, "no distance left the guard");
}

proptest! {
    #[test]
    fn narrow_lanes_give_the_wide_answer_on_any_small_matrix(
        rows in 1usize..9,
        extra in 0usize..4,
        range in prop::sample::select(vec![3u64, 50, 1 << 20, 1 << 26, 1 << 27]),
        seed in any::<u64>(),
    ) {
        let cols = rows + extra;
        narrow_agrees_with_wide(&random_dense(seed, rows, cols, range), rows, cols);
    }
}

#[test]
fn auction_then_repair_equals_shortest_paths_alone() {
    for seed in 1..40u64 {
        let n = 65 + (seed as usize * 7) % 200;
        let k = 1 + (seed as usize % 6);
        let range = [3u64, 10, 1000, 1_000_000][seed as usize % 4];
        let sp = random_square(seed, n, k, range, seed % 3 != 0);
        let none = Limits::default();
        let cold = sparse_sap(&sp, None, &none, &mut 0);
        let matchable = hopcroft_karp(&sp, &mut vec![NONE; sp.rows]).is_ok();
        assert_eq!(
            cold.is_ok(),
            matchable,
            "seed {seed}: Hopcroft–Karp disagrees with the solver"
        );
        let Ok((cx, _, _)) = cold else { continue };
        let (ax, av, stopped) = sparse_auction(&sp, &none, &mut 0).expect("fits");
        assert!(!stopped);
        let (wx, _, _) = sparse_sap(&sp, Some((ax, av)), &none, &mut 0).unwrap();
        let total = |x: &[u32]| {
            x.iter()
                .enumerate()
                .map(|(i, &j)| i128::from(sp.get(i, j).unwrap()))
                .sum::<i128>()
        };
        assert_eq!(total(&wx), total(&cx), "seed {seed}");
        let a = min_cost_assignment_sparse(&sp).unwrap();
        verify_assignment(CostMatrix::Sparse(&sp), &a).unwrap();
        assert_eq!(a.objective, total(&cx));
    }
}

proptest! {
    /// Entries in any order (sorted, shuffled, with repeats or out of range): `from_sorted`
    /// gives what `new` gives, matrix or error.
    #[test]
    fn from_sorted_equals_new_whatever_the_order(
        rows in 0usize..5, cols in 0usize..5,
        entries in proptest::collection::vec((0u32..6, 0u32..6, -9i64..9), 0..20),
        sort in any::<bool>(),
    ) {
        let mut e = entries;
        if sort {
            e.sort_unstable_by_key(|x| (x.0, x.1));
            e.dedup_by_key(|x| (x.0, x.1));
        }
        let a = SparseMatrix::new(rows, cols, e.clone());
        let b = SparseMatrix::from_sorted(rows, cols, e.into_iter());
        prop_assert_eq!(a.is_ok(), b.is_ok());
        if let (Ok(a), Ok(b)) = (a, b) {
            prop_assert_eq!(a, b);
        }
    }
}

#[test]
fn the_certificate_check_finds_every_raised_potential_on_any_layout_and_width() {
    // Raising one potential by 1 (lowering it, when maximising) breaks dual feasibility at
    // that row's or column's assigned pair: the row-at-a-time check must name it, on a
    // standard-layout matrix, a transposed view (no contiguous rows) and 32-bit entries.
    let mut rng = crate::testkit::xorshift(11);
    let mut next = move || (rng() % 50) as i64 - 10;
    for (n, m) in [(1, 1), (3, 5), (6, 4), (9, 9)] {
        let a = ndarray::Array2::from_shape_fn((n, m), |_| next());
        let a32 = a.mapv(|x| x as i32);
        let at = a.t().to_owned();
        for sense in [Sense::Min, Sense::Max] {
            let step = if sense == Sense::Min { 1 } else { -1 };
            for matrix in [
                CostMatrix::Dense(a.view()),
                CostMatrix::Dense32(a32.view()),
                CostMatrix::Dense(at.t()),
            ] {
                let s = solve_assignment(matrix, sense, &Limits::default()).unwrap();
                verify_assignment(matrix, &s).unwrap();
                for i in 0..n {
                    if s.row_to_col[i].is_none() {
                        continue;
                    }
                    let mut bad = s.clone();
                    bad.row_potential[i] += step;
                    let e = verify_assignment(matrix, &bad).unwrap_err().to_string();
                    assert!(e.contains(&format!("pair ({i}, ")), "{e}");
                }
                for j in 0..m {
                    if s.col_to_row[j].is_none() {
                        continue;
                    }
                    let mut bad = s.clone();
                    bad.col_potential[j] += step;
                    // Some pair of column j, the first one in row order that it breaks.
                    let e = verify_assignment(matrix, &bad).unwrap_err().to_string();
                    assert!(e.contains(&format!(", {j}): ")), "{e}");
                }
            }
        }
    }
}

#[test]
fn fixed_point_is_exact_on_both_sides_of_the_fast_conversions_range() {
    // Values below 2^50 take the branch-free conversion; one value above it sends the whole
    // matrix through the general rounding again. Both must give `f64::round` (half away).
    let big = MAGIC_LIMIT * 4.0 + 3.0; // an odd integer above 2^50, exact in f64
    for m in [
        ndarray::array![[0.5, -0.5, 2.5], [1.25, -7.5, 3.0]],
        ndarray::array![[0.5, -0.5, 2.5], [1.25, -7.5, big]],
        ndarray::array![[-big, 1.5], [2.5, 0.0]],
    ] {
        let (fixed, p) = fixed_point_matrix(m.view(), 0).unwrap();
        assert_eq!(p.decimals, 0);
        for (x, y) in m.iter().zip(fixed.iter()) {
            assert_eq!(*y, x.round() as i64, "{x}");
        }
        let mut out = vec![0i64; m.len()];
        fixed_point_into(m.view(), 0, &mut out).unwrap();
        assert_eq!(out, fixed.iter().copied().collect::<Vec<_>>());
    }
    assert_eq!(round_half_away(big), big as i64);
    let mut short = vec![0i64; 1];
    assert!(fixed_point_into(ndarray::array![[1.0, 2.0]].view(), 0, &mut short).is_err());
    let (max, odd) = finite_max_abs(ndarray::array![[1.0, f64::NAN], [-3.0, 2.0]].view());
    assert_eq!((max, odd), (3.0, true));
}
