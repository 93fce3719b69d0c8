//! Solver tests: brute force on small instances, certificates on larger ones.

use proptest::prelude::*;

use super::*;
use crate::allocate::{CostMatrix, Sense, SparseMatrix};
use crate::allocate::{
    FlowNetwork, max_weight_transport_ssp, min_cost_flow, verify_flow, verify_infeasibility_cut,
};
use crate::allocate::{
    StableInstance, stable_student_optimal, stable_supervisor_optimal, verify_stable,
};

use crate::testkit::{brute_assignment, brute_transport as brute_force};

/// Demands, capacities and weighted pairs.
type Instance = (Vec<u32>, Vec<u32>, Vec<(u32, u32, i64)>);

fn instance() -> impl Strategy<Value = Instance> {
    (1usize..=3, 1usize..=3).prop_flat_map(|(r, c)| {
        (
            proptest::collection::vec(0u32..=2, r),
            proptest::collection::vec(0u32..=2, c),
            proptest::collection::vec(proptest::option::of(-3i64..=6), r * c),
        )
            .prop_map(move |(d, cap, ws)| {
                let pairs = ws
                    .iter()
                    .enumerate()
                    .filter_map(|(k, w)| w.map(|w| ((k / c) as u32, (k % c) as u32, w)))
                    .collect();
                (d, cap, pairs)
            })
    })
}

proptest! {
    #[test]
    fn transport_matches_brute_force_and_certifies((d, c, pairs) in instance()) {
        let t = Transport::new(d.clone(), c.clone(), pairs.clone()).unwrap();
        let s = max_weight_transport(&t).unwrap();
        verify_transport(&t, &s).unwrap();
        prop_assert_eq!(s.objective, brute_force(&d, &c, &pairs));
    }

    #[test]
    fn transport_certifies_on_larger_random_instances(
        seed in any::<u64>(), rows in 1usize..60, cols in 1usize..60, density in 1u32..8,
    ) {
        let mut next = crate::testkit::xorshift(seed | 1);
        let d: Vec<u32> = (0..rows).map(|_| (next() % 20) as u32).collect();
        let c: Vec<u32> = (0..cols).map(|_| (next() % 20) as u32).collect();
        let mut pairs = Vec::new();
        for i in 0..rows {
            for j in 0..cols {
                if next() % 8 < u64::from(density) {
                    pairs.push((i as u32, j as u32, (next() % 50) as i64));
                }
            }
        }
        let t = Transport::new(d, c, pairs).unwrap();
        let s = max_weight_transport(&t).unwrap();
        verify_transport(&t, &s).unwrap();
    }
}

/// Blocks of small instances side by side (block `b`'s rows and columns offset past the
/// earlier blocks'), so the candidate graph has at least as many components as blocks.
fn blocks() -> impl Strategy<Value = Instance> {
    proptest::collection::vec(instance(), 1..=4).prop_map(|parts| {
        let (mut d, mut c, mut pairs) = (Vec::new(), Vec::new(), Vec::new());
        for (pd, pc, pp) in parts {
            let (r0, c0) = (d.len() as u32, c.len() as u32);
            pairs.extend(pp.into_iter().map(|(i, j, w)| (i + r0, j + c0, w)));
            d.extend(pd);
            c.extend(pc);
        }
        (d, c, pairs)
    })
}

proptest! {
    /// Component by component: the whole problem's optimum (brute force), a combined plan
    /// whose certificate checks, components that partition the pairs, and the same answer on
    /// one thread and on two.
    #[test]
    fn components_solve_to_the_whole_optimum((d, c, pairs) in blocks()) {
        let t = Transport::new(d.clone(), c.clone(), pairs.clone()).unwrap();
        let comps = components(&t);
        let in_some: usize = comps
            .iter()
            .map(|k| k.rows.iter().map(|&i| t.row(i as usize).count()).sum::<usize>())
            .sum();
        prop_assert_eq!(in_some, t.pair_count());
        for k in &comps {
            for &i in &k.rows {
                for (j, _) in t.row(i as usize) {
                    prop_assert!(k.cols.binary_search(&j).is_ok());
                }
            }
        }
        let limits = Limits::default();
        let s = max_weight_transport_by_components(&t, &limits).unwrap();
        verify_transport(&t, &s).unwrap();
        prop_assert_eq!(s.objective, brute_force(&d, &c, &pairs));
        prop_assert_eq!(s.objective, max_weight_transport(&t).unwrap().objective);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let again = one.install(|| max_weight_transport_by_components(&t, &limits)).unwrap();
        prop_assert_eq!(again, s);
    }
}

#[test]
fn empty_instances_have_empty_plans() {
    let t = Transport::new(vec![], vec![], vec![]).unwrap();
    let s = max_weight_transport(&t).unwrap();
    assert!(s.flows.is_empty());
    assert_eq!(s.objective, 0);
    verify_transport(&t, &s).unwrap();
    let t = Transport::new(vec![3, 0], vec![], vec![]).unwrap();
    let s = max_weight_transport(&t).unwrap();
    assert_eq!(s.unmet, vec![3, 0]);
    verify_transport(&t, &s).unwrap();
}

#[test]
fn malformed_instances_are_typed_errors() {
    assert!(matches!(
        Transport::new(vec![1], vec![1], vec![(0, 1, 5)]),
        Err(AllocateError::InvalidInstance { .. })
    ));
    assert!(matches!(
        Transport::new(vec![1], vec![1], vec![(0, 0, 5), (0, 0, 6)]),
        Err(AllocateError::InvalidInstance { .. })
    ));
    assert!(matches!(
        Transport::new(vec![1], vec![1], vec![(0, 0, i64::MAX)]),
        Err(AllocateError::NumericRange { .. })
    ));
    assert!(matches!(
        Transport::new(vec![1], vec![1], vec![(0, 0, i64::MIN)]),
        Err(AllocateError::NumericRange { .. })
    ));
}

#[test]
fn the_largest_admitted_weights_solve_exactly() {
    let w = (i64::MAX / 16) / 8;
    let t = Transport::new(
        vec![u32::MAX, 1],
        vec![u32::MAX, 1],
        vec![(0, 0, w), (0, 1, w - 1), (1, 1, w)],
    )
    .unwrap();
    let s = max_weight_transport(&t).unwrap();
    verify_transport(&t, &s).unwrap();
    assert_eq!(s.objective, i128::from(w) * (i128::from(u32::MAX) + 1));
}

/// Each way a certificate can be wrong is refused with a message naming what is wrong.
#[test]
fn each_kind_of_tampering_is_named() {
    let t = Transport::new(
        vec![4, 2],
        vec![3, 5],
        vec![(0, 0, 90), (0, 1, 60), (1, 1, 80)],
    )
    .unwrap();
    let s = max_weight_transport(&t).unwrap();
    verify_transport(&t, &s).unwrap();
    type Tamper = fn(&mut TransportSolution);
    let cases: [(&str, Tamper, &str); 10] = [
        ("objective", |b| b.objective += 1, "objective"),
        (
            "units lowered, objective kept consistent",
            |b| {
                b.flows[0].2 -= 1;
                b.objective -= 90;
            },
            "demand",
        ),
        (
            "row price up",
            |b| b.row_price[0] += 1,
            "carries flow but prices",
        ),
        ("column price down", |b| b.col_price[0] -= 1, "< weight"),
        ("negative price", |b| b.row_price[1] = -1, "negative price"),
        (
            "pair listed twice, out of order",
            |b| {
                let f = b.flows[0];
                b.flows.push(f);
                b.flows.swap(0, 1);
            },
            "listed twice",
        ),
        ("zero units", |b| b.flows[0].2 = 0, "zero or listed twice"),
        (
            "not a candidate",
            |b| b.flows.push((1, 0, 1)),
            "not a candidate",
        ),
        ("unmet miscounted", |b| b.unmet[0] += 1, "unmet"),
        (
            "column over capacity",
            |b| {
                // Row 0's unit in column 1 moves to column 0, which is full.
                b.flows.retain(|f| (f.0, f.1) != (0, 1));
                b.flows[0].2 += 1;
            },
            "capacity",
        ),
    ];
    for (what, tamper, says) in cases {
        let mut bad = s.clone();
        tamper(&mut bad);
        let e = verify_transport(&t, &bad).expect_err(what).to_string();
        assert!(e.contains(says), "{what}: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Linear assignment.

fn dense_instance() -> impl Strategy<Value = (usize, usize, Vec<i64>)> {
    (0usize..=7, 0usize..=7).prop_flat_map(|(n, m)| {
        (
            Just(n),
            Just(m),
            proptest::collection::vec(prop_oneof![-3i64..=3, -1000i64..=1000], n * m),
        )
    })
}

fn sparse_instance() -> impl Strategy<Value = (usize, usize, Vec<Option<i64>>)> {
    (1usize..=6, 1usize..=6).prop_flat_map(|(n, m)| {
        (
            Just(n),
            Just(m),
            proptest::collection::vec(proptest::option::weighted(0.7, -5i64..=20), n * m),
        )
    })
}

proptest! {
    #[test]
    fn dense_assignment_matches_brute_force(
        (n, m, c) in dense_instance(),
        max in any::<bool>(),
    ) {
        let a = ndarray::Array2::from_shape_vec((n, m), c.clone()).unwrap();
        let sense = if max { Sense::Max } else { Sense::Min };
        let s = if max { max_weight_assignment(a.view()) } else { min_cost_assignment(a.view()) }.unwrap();
        verify_assignment(CostMatrix::Dense(a.view()), &s).unwrap();
        let best = brute_assignment(n, m, &|i, j| Some(c[i * m + j]), sense).unwrap_or(0);
        prop_assert_eq!(s.objective, best);
    }

    #[test]
    fn sparse_assignment_matches_brute_force_or_proves_infeasibility(
        (n, m, c) in sparse_instance(),
        max in any::<bool>(),
    ) {
        let entries: Vec<(u32, u32, i64)> = c
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|v| ((k / m) as u32, (k % m) as u32, v)))
            .collect();
        let sp = SparseMatrix::new(n, m, entries).unwrap();
        let sense = if max { Sense::Max } else { Sense::Min };
        let best = brute_assignment(n, m, &|i, j| c[i * m + j], sense);
        let r = if max { max_weight_assignment_sparse(&sp) } else { min_cost_assignment_sparse(&sp) };
        match (r, best) {
            (Ok(s), Some(b)) => {
                verify_assignment(CostMatrix::Sparse(&sp), &s).unwrap();
                prop_assert_eq!(s.objective, b);
            }
            (Err(AllocateError::Infeasible { witness, message }), None) => {
                // The witness violates Hall's condition on the shorter side.
                let transposed = n > m;
                let mut partners = std::collections::BTreeSet::new();
                for &w in &witness {
                    for other in 0..(if transposed { n } else { m }) {
                        let (i, j) = if transposed { (other, w as usize) } else { (w as usize, other) };
                        if c[i * m + j].is_some() {
                            partners.insert(other);
                        }
                    }
                }
                prop_assert!(partners.len() < witness.len(), "{message}: {witness:?} has {partners:?}");
            }
            (r, b) => prop_assert!(false, "solver {r:?} but brute force {b:?}"),
        }
    }
}

/// A matrix of `n × m` values from a seed: dense, or sparse keeping about `keep` in 8 entries
/// plus the diagonal (so that square ones stay assignable).
fn seeded_matrix(seed: u64, n: usize, m: usize, keep: u64, range: i64) -> Vec<Option<i64>> {
    let mut next = crate::testkit::xorshift(seed | 1);
    (0..n * m)
        .map(|k| {
            let x = next();
            let v = (x % range as u64) as i64 - range / 4;
            ((x >> 40) % 8 < keep || k / m == k % m).then_some(v)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn assignment_limits_give_a_complete_feasible_answer(
        seed in any::<u64>(),
        n in 1usize..=90,
        extra in 0usize..=5,
        keep in 1u64..=8,
        cap in 0u64..=40,
        max in any::<bool>(),
        poll_stop in any::<bool>(),
    ) {
        // Rows 65–90 send square sparse instances through the auction, whose bids count too.
        let m = n + extra;
        let range = if seed % 2 == 0 { 5 } else { 100_000 };
        let cells = seeded_matrix(seed, n, m, keep, range);
        let sense = if max { Sense::Max } else { Sense::Min };
        let dense = ndarray::Array2::from_shape_vec((n, m), cells.iter().map(|c| c.unwrap_or(0)).collect()).unwrap();
        let entries = cells.iter().enumerate().filter_map(|(k, c)| c.map(|c| ((k / m) as u32, (k % m) as u32, c))).collect();
        let sparse = SparseMatrix::new(n, m, entries).unwrap();
        let polls = std::sync::atomic::AtomicU64::new(0);
        let stop = || polls.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= cap;
        let limits = if poll_stop {
            Limits { max_iterations: None, stop: Some(&stop) }
        } else {
            Limits { max_iterations: Some(cap), stop: None }
        };
        for matrix in [CostMatrix::Dense(dense.view()), CostMatrix::Sparse(&sparse)] {
            polls.store(0, std::sync::atomic::Ordering::Relaxed);
            let best = solve_assignment(matrix, sense, &Limits::default()).unwrap();
            verify_assignment(matrix, &best).unwrap();
            let got = solve_assignment(matrix, sense, &limits).unwrap();
            check_assignment(matrix, &got).unwrap();
            match got.status {
                Status::Optimal => {
                    verify_assignment(matrix, &got).unwrap();
                    prop_assert_eq!(got.objective, best.objective);
                }
                Status::LimitReached => {
                    if max {
                        prop_assert!(got.objective <= best.objective);
                    } else {
                        prop_assert!(got.objective >= best.objective);
                    }
                }
                s => prop_assert!(false, "status {s:?}"),
            }
        }
    }
}

#[test]
fn assignment_stopped_at_once_still_assigns_every_row_or_names_a_hall_set() {
    let past = || true;
    let stop = Limits {
        max_iterations: None,
        stop: Some(&past),
    };
    // Dense, 300 × 300: stopped before any search, every row still gets a column.
    let cells = seeded_matrix(7, 300, 300, 8, 1_000);
    let d = ndarray::Array2::from_shape_vec((300, 300), cells.iter().map(|c| c.unwrap()).collect())
        .unwrap();
    let a = solve_assignment(CostMatrix::Dense(d.view()), Sense::Min, &stop).unwrap();
    assert_eq!(a.status, Status::LimitReached);
    check_assignment(CostMatrix::Dense(d.view()), &a).unwrap();
    assert!(verify_assignment(CostMatrix::Dense(d.view()), &a).is_err());
    // Sparse with no full assignment: rows 0–2 share columns 0–1. A stopped solve still
    // proves it, with the same kind of witness.
    let mut e = vec![
        (0, 0, 1),
        (0, 1, 2),
        (1, 0, 3),
        (1, 1, 1),
        (2, 1, 5),
        (2, 0, 2),
    ];
    e.extend((3..100u32).map(|i| (i, i, 1)));
    let sp = SparseMatrix::new(100, 100, e).unwrap();
    for limits in [
        stop,
        Limits {
            max_iterations: Some(0),
            stop: None,
        },
        Limits::default(),
    ] {
        match solve_assignment(CostMatrix::Sparse(&sp), Sense::Min, &limits) {
            Err(AllocateError::Infeasible { witness, .. }) => assert_eq!(witness, vec![0, 1, 2]),
            other => panic!("{other:?}"),
        }
    }
}

proptest! {
    #[test]
    fn i32_and_i64_matrices_and_their_transposes_give_the_same_assignment(
        (n, m, c) in dense_instance(),
        max in any::<bool>(),
    ) {
        let a = ndarray::Array2::from_shape_vec((n, m), c.clone()).unwrap();
        let a32 = a.mapv(|x| i32::try_from(x).unwrap());
        let solve64 = |v: ndarray::ArrayView2<'_, i64>| {
            if max { max_weight_assignment(v) } else { min_cost_assignment(v) }.unwrap()
        };
        let solve32 = |v: ndarray::ArrayView2<'_, i32>| {
            if max { max_weight_assignment(v) } else { min_cost_assignment(v) }.unwrap()
        };
        let s = solve64(a.view());
        prop_assert_eq!(&solve32(a32.view()), &s);
        // A transposed view (not standard layout) is copied; the copy is 32-bit here.
        let t = solve64(a.t());
        prop_assert_eq!(t.objective, s.objective);
        prop_assert_eq!(&solve32(a32.t()), &t);
        verify_assignment(CostMatrix::Dense(a.t()), &t).unwrap();
    }

    #[test]
    fn float_matrices_solve_the_same_in_32_and_64_bits(
        n in 1usize..=7,
        extra in 0usize..=3,
        seed in any::<u64>(),
        decimals in prop_oneof![Just(3u32), Just(9), Just(12)],
        max in any::<bool>(),
    ) {
        // Wide, square, or (odd seeds) tall: a tall one is converted transposed.
        let (n, m) = if seed % 2 == 1 { (n + extra, n) } else { (n, n + extra) };
        let mut next = crate::testkit::xorshift(seed | 1);
        let a = ndarray::Array2::from_shape_fn((n, m), |_| {
            (next() >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 1.0
        });
        let sense = if max { Sense::Max } else { Sense::Min };
        // 12 decimals put values above 2^31: the 64-bit path; the others take 32 bits.
        let (got, p) = solve_assignment_f64(a.view(), decimals, sense, &Limits::default()).unwrap();
        prop_assert_eq!(p.decimals, decimals);
        let (fixed, _) = fixed_point_matrix(a.view(), decimals).unwrap();
        let want = if max { max_weight_assignment(fixed.view()) } else { min_cost_assignment(fixed.view()) }.unwrap();
        prop_assert_eq!(&got, &want);
        verify_assignment(CostMatrix::Dense(fixed.view()), &got).unwrap();
    }
}

#[test]
fn a_bad_float_is_named_where_the_caller_put_it() {
    // Tall: converted transposed, yet the error names (row, column) of the caller's matrix.
    let mut a = ndarray::Array2::<f64>::zeros((5, 2));
    a[[3, 1]] = f64::NAN;
    let e = solve_assignment_f64(a.view(), 6, Sense::Min, &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("entry (3, 1)"), "{e}");
    let e = fixed_point_matrix(a.view(), 6).unwrap_err();
    assert!(e.to_string().contains("entry (3, 1)"), "{e}");
}

#[test]
fn a_tall_matrix_beyond_32_bits_is_copied_in_64() {
    // Transposed (more rows than columns), with entries beyond i32: the 64-bit copy.
    let big = i64::from(i32::MAX) * 3;
    let a = ndarray::array![[big, 1], [2, big], [big - 5, big - 7]];
    let s = min_cost_assignment(a.view()).unwrap();
    verify_assignment(CostMatrix::Dense(a.view()), &s).unwrap();
    assert_eq!(s.objective, 3);
    let s = max_weight_assignment(a.view()).unwrap();
    verify_assignment(CostMatrix::Dense(a.view()), &s).unwrap();
    assert_eq!(s.objective, i128::from(big) * 2);
}

#[test]
fn dense_assignment_certifies_on_large_random_instances() {
    let mut next = crate::testkit::xorshift(0x1234_5678_9abc_def1u64);
    for &(n, m, range) in &[
        (300usize, 300usize, 1000u64),
        (200, 500, 1_000_000),
        (400, 150, 10),
        (2000, 2000, 1000),
    ] {
        let c: Vec<i64> = (0..n * m).map(|_| (next() % range) as i64).collect();
        let a = ndarray::Array2::from_shape_vec((n, m), c).unwrap();
        for max in [false, true] {
            let s = if max {
                max_weight_assignment(a.view())
            } else {
                min_cost_assignment(a.view())
            }
            .unwrap();
            verify_assignment(CostMatrix::Dense(a.view()), &s).unwrap();
        }
    }
}

#[test]
fn sparse_assignment_certifies_on_large_random_instances() {
    let mut next = crate::testkit::xorshift(0x9e37_79b9_7f4a_7c15u64);
    for &(n, m, k) in &[
        (2000usize, 2000usize, 20usize),
        (1000, 3000, 10),
        (3000, 1000, 5),
    ] {
        let mut entries = Vec::new();
        // A random permutation-like backbone on the shorter side so a full assignment exists.
        for i in 0..n.min(m) {
            let (r, c) = if n <= m {
                (i, (i * 7919) % m)
            } else {
                ((i * 7919) % n, i)
            };
            entries.push((r as u32, c as u32, (next() % 1000) as i64));
        }
        for i in 0..n {
            for _ in 0..k {
                entries.push((i as u32, (next() % m as u64) as u32, (next() % 1000) as i64));
            }
        }
        entries.sort_by_key(|e| (e.0, e.1));
        entries.dedup_by_key(|e| (e.0, e.1));
        let sp = SparseMatrix::new(n, m, entries).unwrap();
        for max in [false, true] {
            let s = if max {
                max_weight_assignment_sparse(&sp)
            } else {
                min_cost_assignment_sparse(&sp)
            }
            .unwrap();
            verify_assignment(CostMatrix::Sparse(&sp), &s).unwrap();
        }
    }
}

#[test]
fn assignment_extremes_are_typed_errors_or_exact() {
    let big = ndarray::array![[i64::MAX, 0], [0, i64::MAX]];
    assert!(matches!(
        max_weight_assignment(big.view()),
        Err(AllocateError::NumericRange { .. })
    ));
    // Admitted: |c| < 2^k, the largest power of two ≤ (2^63 / 4) / (n + m + 2).
    let bound = ((i64::MAX / 4) / 6) as u64;
    let pow = 1i64 << (63 - bound.leading_zeros());
    let too_big = ndarray::array![[pow, 0], [0, 1]];
    assert!(matches!(
        min_cost_assignment(too_big.view()),
        Err(AllocateError::NumericRange { .. })
    ));
    let limit = pow - 1;
    let ok = ndarray::array![[limit, 0], [0, limit]];
    let s = max_weight_assignment(ok.view()).unwrap();
    assert_eq!(s.objective, 2 * i128::from(limit));
    verify_assignment(CostMatrix::Dense(ok.view()), &s).unwrap();
    let s = min_cost_assignment(ok.view()).unwrap();
    assert_eq!(s.objective, 0);
    let empty = ndarray::Array2::<i64>::zeros((0, 5));
    let s = min_cost_assignment(empty.view()).unwrap();
    assert_eq!(s.col_to_row, vec![None; 5]);
    verify_assignment(CostMatrix::Dense(empty.view()), &s).unwrap();
    let sp = SparseMatrix::new(2, 2, vec![(0, 0, 1), (1, 0, 1)]).unwrap();
    match min_cost_assignment_sparse(&sp) {
        Err(AllocateError::Infeasible { witness, .. }) => assert_eq!(witness, vec![0, 1]),
        other => panic!("{other:?}"),
    }
    assert!(SparseMatrix::new(1, 1, vec![(0, 0, 1), (0, 0, 2)]).is_err());
    assert!(SparseMatrix::new(1, 1, vec![(0, 1, 1)]).is_err());
}

// ---------------------------------------------------------------------------------------------
// Minimum-cost flow and the two transportation algorithms.

/// The cheapest feasible flow by enumeration, or None when none is feasible.
fn brute_flow(supply: &[i64], arcs: &[(u32, u32, i64, i64, i64)]) -> Option<i128> {
    fn go(
        k: usize,
        arcs: &[(u32, u32, i64, i64, i64)],
        bal: &mut Vec<i64>,
        acc: i128,
        best: &mut Option<i128>,
    ) {
        if k == arcs.len() {
            if bal.iter().all(|&b| b == 0) && best.is_none_or(|b| acc < b) {
                *best = Some(acc);
            }
            return;
        }
        let (t, h, lo, hi, c) = arcs[k];
        for f in lo..=hi {
            bal[t as usize] -= f;
            bal[h as usize] += f;
            go(k + 1, arcs, bal, acc + i128::from(f) * i128::from(c), best);
            bal[t as usize] += f;
            bal[h as usize] -= f;
        }
    }
    let mut best = None;
    go(0, arcs, &mut supply.to_vec(), 0, &mut best);
    best
}

/// Supplies and arcs `(tail, head, lower, upper, cost)`.
type FlowCase = (Vec<i64>, Vec<(u32, u32, i64, i64, i64)>);

fn flow_instance() -> impl Strategy<Value = FlowCase> {
    (2usize..=4).prop_flat_map(|n| {
        (
            proptest::collection::vec(-2i64..=2, n - 1),
            proptest::collection::vec(
                (0..n as u32, 0..n as u32, 0i64..=1, 0i64..=2, -4i64..=6),
                1..=5,
            ),
        )
            .prop_map(move |(mut s, arcs)| {
                let last = -s.iter().sum::<i64>();
                s.push(last);
                let arcs = arcs
                    .into_iter()
                    .map(|(t, h, lo, extra, c)| (t, h, lo, lo + extra, c))
                    .collect();
                (s, arcs)
            })
    })
}

proptest! {
    #[test]
    fn min_cost_flow_matches_brute_force_or_proves_infeasibility((supply, arcs) in flow_instance()) {
        let mut net = FlowNetwork::new(supply.clone());
        for &(t, h, lo, hi, c) in &arcs {
            net.add_arc(t, h, lo, hi, c).unwrap();
        }
        match (min_cost_flow(&net), brute_flow(&supply, &arcs)) {
            (Ok(s), Some(b)) => {
                verify_flow(&net, &s).unwrap();
                prop_assert_eq!(s.cost, b);
            }
            (Err(AllocateError::Infeasible { witness, .. }), None) => {
                verify_infeasibility_cut(&net, &witness).unwrap();
            }
            (r, b) => prop_assert!(false, "solver {r:?}, brute force {b:?}"),
        }
    }

    #[test]
    fn simplex_and_shortest_paths_agree_on_transportation(
        seed in any::<u64>(), rows in 1usize..40, cols in 1usize..40, density in 1u32..8, wmax in 1i64..2000,
    ) {
        let mut next = crate::testkit::xorshift(seed | 1);
        let d: Vec<u32> = (0..rows).map(|_| (next() % 30) as u32).collect();
        let c: Vec<u32> = (0..cols).map(|_| (next() % 30) as u32).collect();
        let mut pairs = Vec::new();
        for i in 0..rows {
            for j in 0..cols {
                if next() % 8 < u64::from(density) {
                    pairs.push((i as u32, j as u32, (next() % wmax as u64) as i64 - wmax / 10));
                }
            }
        }
        let t = Transport::new(d, c, pairs).unwrap();
        let a = max_weight_transport(&t).unwrap();
        let b = max_weight_transport_ssp(&t).unwrap();
        verify_transport(&t, &a).unwrap();
        verify_transport(&t, &b).unwrap();
        prop_assert_eq!(a.objective, b.objective);
    }
}

#[test]
fn flow_errors_are_typed() {
    let net = FlowNetwork::new(vec![3, -2]);
    assert!(matches!(
        min_cost_flow(&net),
        Err(AllocateError::Unbalanced {
            supply: 3,
            demand: 2
        })
    ));
    let mut net = FlowNetwork::new(vec![0, 0]);
    assert!(net.add_arc(0, 2, 0, 1, 1).is_err());
    assert!(net.add_arc(0, 1, 2, 1, 1).is_err());
    assert!(net.add_arc(0, 1, -1, 1, 1).is_err());
    // A lower bound that forces flow round a cycle that cannot return it.
    let mut net = FlowNetwork::new(vec![0, 0]);
    net.add_arc(0, 1, 1, 1, 5).unwrap();
    match min_cost_flow(&net) {
        Err(AllocateError::Infeasible { witness, .. }) => {
            verify_infeasibility_cut(&net, &witness).unwrap()
        }
        other => panic!("{other:?}"),
    }
    let mut net = FlowNetwork::new(vec![1, -1]);
    net.add_arc(0, 1, 0, 1, i64::MAX).unwrap();
    assert!(matches!(
        min_cost_flow(&net),
        Err(AllocateError::NumericRange { .. })
    ));
    // Empty network.
    let s = min_cost_flow(&FlowNetwork::new(vec![])).unwrap();
    assert_eq!(s.cost, 0);
}

#[test]
fn flow_certifies_on_a_larger_random_network_with_lower_bounds_and_parallel_arcs() {
    let mut next = crate::testkit::xorshift(0xdead_beef_u64);
    let n = 300;
    let mut supply = vec![0i64; n];
    for _ in 0..200 {
        let (a, b) = ((next() % n as u64) as usize, (next() % n as u64) as usize);
        let q = (next() % 10) as i64;
        supply[a] += q;
        supply[b] -= q;
    }
    let mut net = FlowNetwork::new(supply);
    for _ in 0..3000 {
        let (t, h) = ((next() % n as u64) as u32, (next() % n as u64) as u32);
        let lo = if next().is_multiple_of(10) { 1 } else { 0 };
        net.add_arc(
            t,
            h,
            lo,
            lo + (next() % 20) as i64,
            (next() % 200) as i64 - 50,
        )
        .unwrap();
    }
    match min_cost_flow(&net) {
        Ok(s) => verify_flow(&net, &s).unwrap(),
        Err(AllocateError::Infeasible { witness, .. }) => {
            verify_infeasibility_cut(&net, &witness).unwrap()
        }
        Err(e) => panic!("{e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Stable matching.

/// Stability by the definition, written independently of `blocking_pairs`.
fn brute_is_stable(
    prefs: &[Vec<u32>],
    proj: &[(u32, u32)],
    caps: &[u32],
    sup: &[Vec<u32>],
    m: &[Option<u32>],
) -> bool {
    let rank = |l: u32, s: usize| sup[l as usize].iter().position(|&x| x as usize == s);
    let acceptable =
        |s: usize, p: u32| prefs[s].contains(&p) && rank(proj[p as usize].0, s).is_some();
    let p_count = |p: u32| m.iter().filter(|&&x| x == Some(p)).count();
    let l_students = |l: u32| {
        (0..m.len())
            .filter(|&s| m[s].is_some_and(|p| proj[p as usize].0 == l))
            .collect::<Vec<_>>()
    };
    for s in 0..m.len() {
        for &p in &prefs[s] {
            if !acceptable(s, p) {
                continue;
            }
            if let Some(q) = m[s] {
                let (ip, iq) = (
                    prefs[s].iter().position(|&x| x == p),
                    prefs[s].iter().position(|&x| x == q),
                );
                if ip >= iq {
                    continue;
                }
            }
            let l = proj[p as usize].0;
            let rs = rank(l, s).unwrap_or(usize::MAX);
            let p_full = p_count(p) >= proj[p as usize].1 as usize;
            let ls = l_students(l);
            let l_full = ls.len() >= caps[l as usize] as usize;
            let worst = |set: &[usize]| set.iter().filter_map(|&t| rank(l, t)).max();
            let p_set: Vec<usize> = (0..m.len()).filter(|&t| m[t] == Some(p)).collect();
            let blocks = if !p_full && !l_full {
                true
            } else if !p_full {
                ls.contains(&s) || worst(&ls).is_some_and(|w| rs < w)
            } else {
                worst(&p_set).is_some_and(|w| rs < w)
            };
            if blocks {
                return false;
            }
        }
    }
    true
}

/// Every stable matching, by enumeration.
fn all_stable(
    prefs: &[Vec<u32>],
    proj: &[(u32, u32)],
    caps: &[u32],
    sup: &[Vec<u32>],
) -> Vec<Vec<Option<u32>>> {
    let n = prefs.len();
    let mut out = Vec::new();
    let mut cur = vec![None; n];
    fn go(
        s: usize,
        prefs: &[Vec<u32>],
        proj: &[(u32, u32)],
        caps: &[u32],
        sup: &[Vec<u32>],
        cur: &mut Vec<Option<u32>>,
        out: &mut Vec<Vec<Option<u32>>>,
    ) {
        if s == prefs.len() {
            let ok_p = (0..proj.len()).all(|p| {
                cur.iter().filter(|&&x| x == Some(p as u32)).count() <= proj[p].1 as usize
            });
            let ok_l = (0..caps.len()).all(|l| {
                cur.iter()
                    .filter(|x| x.is_some_and(|p| proj[p as usize].0 as usize == l))
                    .count()
                    <= caps[l] as usize
            });
            if ok_p && ok_l && brute_is_stable(prefs, proj, caps, sup, cur) {
                out.push(cur.clone());
            }
            return;
        }
        cur[s] = None;
        go(s + 1, prefs, proj, caps, sup, cur, out);
        for &p in &prefs[s] {
            if sup[proj[p as usize].0 as usize].contains(&(s as u32)) {
                cur[s] = Some(p);
                go(s + 1, prefs, proj, caps, sup, cur, out);
            }
        }
        cur[s] = None;
    }
    go(0, prefs, proj, caps, sup, &mut cur, &mut out);
    out
}

/// Students, projects `(supervisor, capacity)`, supervisor capacities and rankings.
type StableCase = (Vec<Vec<u32>>, Vec<(u32, u32)>, Vec<u32>, Vec<Vec<u32>>);

fn stable_instance() -> impl Strategy<Value = StableCase> {
    (1usize..=6, 1usize..=4, 1usize..=3).prop_flat_map(|(ns, np, nl)| {
        (
            proptest::collection::vec(
                proptest::sample::subsequence((0..np as u32).collect::<Vec<_>>(), 0..=np)
                    .prop_shuffle(),
                ns,
            ),
            proptest::collection::vec((0..nl as u32, 0u32..=2), np),
            proptest::collection::vec(0u32..=3, nl),
            proptest::collection::vec(
                proptest::sample::subsequence((0..ns as u32).collect::<Vec<_>>(), 0..=ns)
                    .prop_shuffle(),
                nl,
            ),
        )
    })
}

proptest! {
    #[test]
    fn stable_matchings_are_optimal_for_the_proposers_and_obey_rural_hospitals(
        (prefs, proj, caps, sup) in stable_instance(),
    ) {
        let inst = StableInstance::new(&prefs, &proj, caps.clone(), sup.clone()).unwrap();
        let so = stable_student_optimal(&inst);
        let lo = stable_supervisor_optimal(&inst);
        verify_stable(&inst, &so).unwrap();
        verify_stable(&inst, &lo).unwrap();
        prop_assert!(brute_is_stable(&prefs, &proj, &caps, &sup, &so.student_project));
        prop_assert!(brute_is_stable(&prefs, &proj, &caps, &sup, &lo.student_project));
        let all = all_stable(&prefs, &proj, &caps, &sup);
        prop_assert!(all.contains(&so.student_project));
        prop_assert!(all.contains(&lo.student_project));
        let pos = |s: usize, m: &[Option<u32>]| m[s].map_or(usize::MAX, |p| prefs[s].iter().position(|&x| x == p).unwrap_or(usize::MAX));
        for other in &all {
            for s in 0..prefs.len() {
                // Student-optimal: no student does better elsewhere; supervisor-optimal is the
                // students' worst.
                prop_assert!(pos(s, &so.student_project) <= pos(s, other));
                prop_assert!(pos(s, &lo.student_project) >= pos(s, other));
                // Rural hospitals: the same students are matched in every stable matching.
                prop_assert_eq!(other[s].is_some(), so.student_project[s].is_some());
            }
            // Rural hospitals for SPA (Abraham, Irving & Manlove 2007): every supervisor has the
            // same number of students in every stable matching, and so does every project of a
            // supervisor left under-subscribed (projects of a full supervisor may differ).
            for l in 0..caps.len() as u32 {
                let count = |m: &[Option<u32>]| m.iter().filter(|x| x.is_some_and(|p| proj[p as usize].0 == l)).count();
                prop_assert_eq!(count(other), count(&so.student_project));
            }
            for p in 0..proj.len() as u32 {
                let l = proj[p as usize].0;
                let l_count = so.student_project.iter().filter(|x| x.is_some_and(|q| proj[q as usize].0 == l)).count();
                if l_count < caps[l as usize] as usize {
                    let count = |m: &[Option<u32>]| m.iter().filter(|&&x| x == Some(p)).count();
                    prop_assert_eq!(count(other), count(&so.student_project));
                }
            }
        }
    }

    #[test]
    fn stable_matching_stopped_by_a_limit_is_feasible_and_says_so(
        (prefs, proj, caps, sup) in stable_instance(),
        cap in 0u64..8,
        supervisors in any::<bool>(),
    ) {
        let inst = StableInstance::new(&prefs, &proj, caps.clone(), sup.clone()).unwrap();
        let proposer = if supervisors { Proposer::Supervisors } else { Proposer::Students };
        let full = stable_matching_with(&inst, proposer, &Limits::default());
        prop_assert_eq!(full.status, Status::Optimal);
        let limits = Limits { max_iterations: Some(cap), stop: None };
        let m = stable_matching_with(&inst, proposer, &limits);
        check_matching(&inst, &m).unwrap();
        match m.status {
            // Not stopped: the proposers' optimum itself.
            Status::Optimal => prop_assert_eq!(&m, &full),
            Status::LimitReached => {
                // Stability is not claimed; when it fails, the check says so.
                if !blocking_pairs(&inst, &m).is_empty() {
                    prop_assert!(verify_stable(&inst, &m).is_err());
                }
            }
            s => prop_assert!(false, "status {s:?}"),
        }
    }
}

#[test]
fn stable_matching_handles_zero_capacities_and_rejects_bad_lists() {
    // Capacity 0 (the Python `matching` package crashes on this) and total capacity below demand.
    let inst = StableInstance::hospital_residents(
        &[vec![0, 1], vec![1, 0], vec![1]],
        vec![0, 1],
        vec![vec![0, 1], vec![2, 1, 0]],
    )
    .unwrap();
    for m in [
        stable_student_optimal(&inst),
        stable_supervisor_optimal(&inst),
    ] {
        verify_stable(&inst, &m).unwrap();
        assert_eq!(m.student_project, vec![None, None, Some(1)]);
    }
    assert!(StableInstance::new(&[vec![0, 0]], &[(0, 1)], vec![1], vec![vec![0]]).is_err());
    assert!(StableInstance::new(&[vec![3]], &[(0, 1)], vec![1], vec![vec![0]]).is_err());
    assert!(StableInstance::new(&[vec![0]], &[(0, 1)], vec![1], vec![vec![0, 0]]).is_err());
    // One-sided entries are ignored and counted.
    let inst = StableInstance::new(&[vec![0]], &[(0, 1)], vec![1], vec![vec![]]).unwrap();
    assert_eq!(inst.one_sided(), 1);
    assert_eq!(stable_student_optimal(&inst).student_project, vec![None]);
}

#[test]
fn stable_matching_at_scale_is_stable() {
    let mut next = crate::testkit::xorshift(0x5eed_u64);
    let (ns, np, nl) = (20_000usize, 2_000usize, 300usize);
    let proj: Vec<(u32, u32)> = (0..np)
        .map(|_| ((next() % nl as u64) as u32, (next() % 15) as u32))
        .collect();
    let caps: Vec<u32> = (0..nl).map(|_| (next() % 80) as u32).collect();
    let prefs: Vec<Vec<u32>> = (0..ns)
        .map(|_| {
            let mut v: Vec<u32> = Vec::new();
            while v.len() < 20 {
                let p = (next() % np as u64) as u32;
                if !v.contains(&p) {
                    v.push(p);
                }
            }
            v
        })
        .collect();
    let mut sup: Vec<Vec<u32>> = vec![Vec::new(); nl];
    let mut order: Vec<u32> = (0..ns as u32).collect();
    order.sort_by_cached_key(|&s| (next() % 1_000_000, s));
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
    let inst = StableInstance::new(&prefs, &proj, caps, sup).unwrap();
    let m = stable_student_optimal(&inst);
    verify_stable(&inst, &m).unwrap();
}

proptest! {
    #[test]
    fn greedy_is_feasible_and_never_beats_the_optimum((d, c, pairs) in instance()) {
        let t = Transport::new(d, c, pairs).unwrap();
        let g = crate::allocate::greedy_transport(&t);
        crate::allocate::check_plan(&t, &g).unwrap();
        prop_assert!(verify_transport(&t, &g).is_err(), "a heuristic plan has no certificate");
        prop_assert!(g.objective <= max_weight_transport(&t).unwrap().objective);
    }
}

/// The most demand any flow can meet, and the least cost of meeting it, by enumeration.
fn brute_partial(supply: &[i64], arcs: &[(u32, u32, i64, i64, i64)]) -> Option<(i64, i128)> {
    fn go(
        k: usize,
        arcs: &[(u32, u32, i64, i64, i64)],
        bal: &mut Vec<i64>,
        supply: &[i64],
        acc: i128,
        best: &mut Option<(i64, i128)>,
    ) {
        if k == arcs.len() {
            // Node balance after flows: supply nodes may keep some (0..=b), demand nodes may
            // stay short; nothing may be created.
            let mut met = 0;
            for (v, &b) in supply.iter().enumerate() {
                let left = bal[v];
                if b >= 0 {
                    if left < 0 || left > b {
                        return;
                    }
                } else {
                    if left > 0 || left < b {
                        return;
                    }
                    met += left - b;
                }
            }
            let better = match *best {
                None => true,
                Some((m, c)) => met > m || (met == m && acc < c),
            };
            if better {
                *best = Some((met, acc));
            }
            return;
        }
        let (t, h, lo, hi, c) = arcs[k];
        for f in lo..=hi {
            bal[t as usize] -= f;
            bal[h as usize] += f;
            go(
                k + 1,
                arcs,
                bal,
                supply,
                acc + i128::from(f) * i128::from(c),
                best,
            );
            bal[t as usize] += f;
            bal[h as usize] -= f;
        }
    }
    let mut best = None;
    go(0, arcs, &mut supply.to_vec(), supply, 0, &mut best);
    best
}

proptest! {
    #[test]
    fn max_demand_flow_meets_the_most_demand_at_least_cost(
        supply in proptest::collection::vec(-3i64..=3, 2..=4),
        raw in proptest::collection::vec((0u32..4, 0u32..4, 0i64..=2, -3i64..=5), 1..=4),
    ) {
        let n = supply.len() as u32;
        let arcs: Vec<(u32, u32, i64, i64, i64)> = raw.iter().map(|&(t, h, hi, c)| (t % n, h % n, 0, hi, c)).collect();
        let mut net = FlowNetwork::new(supply.clone());
        for &(t, h, lo, hi, c) in &arcs {
            net.add_arc(t, h, lo, hi, c).unwrap();
        }
        let p = crate::allocate::min_cost_flow_max_demand(&net).unwrap();
        crate::allocate::verify_partial_flow(&net, &p).unwrap();
        let demand: i64 = supply.iter().filter(|&&b| b < 0).map(|b| -b).sum();
        let met = demand - p.unmet_demand.iter().sum::<i64>();
        let (bm, bc) = brute_partial(&supply, &arcs).unwrap();
        prop_assert_eq!((met, p.solution.cost), (bm, bc));
    }
}

#[test]
fn float_matrices_certify_through_fixed_point() {
    let mut next = crate::testkit::xorshift(0x0bad_5eed_u64);
    for &(n, m) in &[(300usize, 300usize), (120, 400), (400, 90)] {
        let f: Vec<f64> = (0..n * m)
            .map(|_| (next() >> 11) as f64 / (1u64 << 53) as f64)
            .collect();
        let a = ndarray::Array2::from_shape_vec((n, m), f).unwrap();
        let (fixed, p) = crate::allocate::fixed_point_matrix(a.view(), 9).unwrap();
        assert_eq!(p.decimals, 9);
        for max in [false, true] {
            let s = if max {
                max_weight_assignment(fixed.view())
            } else {
                min_cost_assignment(fixed.view())
            }
            .unwrap();
            verify_assignment(CostMatrix::Dense(fixed.view()), &s).unwrap();
            // The float total of the chosen pairs is within the stated bound of the fixed one.
            let float_total: f64 = s
                .pairs()
                .iter()
                .map(|&(i, j)| a[[i as usize, j as usize]])
                .sum();
            assert!((float_total - s.objective as f64 * 1e-9).abs() <= p.error_bound(n.min(m)));
        }
    }
    let bad = ndarray::array![[0.5, f64::NAN]];
    assert!(matches!(
        crate::allocate::fixed_point_matrix(bad.view(), 6),
        Err(AllocateError::InvalidInstance { .. })
    ));
}

/// A seeded transportation instance: `rows` × `cols`, about `k` pairs per row, weights in
/// [1, 1000).
fn seeded_transport(rows: usize, cols: usize, k: usize, seed: u64) -> Transport {
    let mut x = seed;
    let mut next = move || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let demand: Vec<u32> = (0..rows).map(|_| 1 + (next() % 20) as u32).collect();
    let capacity: Vec<u32> = (0..cols).map(|_| 1 + (next() % 60) as u32).collect();
    let mut pairs = std::collections::BTreeMap::new();
    for i in 0..rows {
        for _ in 0..k {
            let j = (next() % cols as u64) as u32;
            pairs.insert((i as u32, j), 1 + (next() % 999) as i64);
        }
    }
    Transport::new(
        demand,
        capacity,
        pairs.into_iter().map(|((i, j), w)| (i, j, w)).collect(),
    )
    .unwrap()
}

#[test]
fn limits_stop_both_transport_solvers_with_a_feasible_plan() {
    let t = seeded_transport(300, 40, 8, 11);
    let best = max_weight_transport(&t).unwrap();
    assert_eq!(best.status, Status::Optimal);
    for cap in [0u64, 1, 5, 50] {
        let s = max_weight_transport_with(
            &t,
            &Limits {
                max_iterations: Some(cap),
                stop: None,
            },
        )
        .unwrap();
        assert_eq!(s.status, Status::LimitReached, "cap {cap}");
        check_plan(&t, &s).unwrap();
        assert!(s.objective <= best.objective);
        // Not a certificate: the check refuses it unless the plan happens to be optimal.
        if s.objective < best.objective {
            assert!(verify_transport(&t, &s).is_err());
        }
    }
    // A stop callback (a deadline already past) is polled every 256 pivots.
    let past = || true;
    let s = max_weight_transport_with(
        &t,
        &Limits {
            max_iterations: None,
            stop: Some(&past),
        },
    )
    .unwrap();
    check_plan(&t, &s).unwrap();
    // Successive shortest paths: each augmentation is an iteration.
    let ssp = max_weight_transport_ssp(&t).unwrap();
    assert_eq!(ssp.objective, best.objective);
    for cap in [0u64, 1, 5, 50] {
        let limits = Limits {
            max_iterations: Some(cap),
            stop: None,
        };
        let s = max_weight_transport_ssp_with(&t, &limits).unwrap();
        assert_eq!(s.status, Status::LimitReached, "cap {cap}");
        check_plan(&t, &s).unwrap();
        assert!(s.objective <= best.objective);
    }
    let s = max_weight_transport_ssp_with(
        &t,
        &Limits {
            max_iterations: None,
            stop: Some(&past),
        },
    )
    .unwrap();
    assert_eq!(s.status, Status::LimitReached);
    assert_eq!(s.objective, 0);
    check_plan(&t, &s).unwrap();
    // A cap above what the solve needs changes nothing.
    let s = max_weight_transport_with(
        &t,
        &Limits {
            max_iterations: Some(u64::MAX),
            stop: None,
        },
    )
    .unwrap();
    assert_eq!(s, best);
}

#[test]
fn a_flow_stopped_before_it_is_feasible_is_a_typed_error() {
    let mut net = FlowNetwork::new(vec![5, 0, -5]);
    net.add_arc(0, 1, 0, 5, 1).unwrap();
    net.add_arc(1, 2, 0, 5, 1).unwrap();
    net.add_arc(0, 2, 0, 2, 5).unwrap();
    let e = min_cost_flow_with(
        &net,
        &Limits {
            max_iterations: Some(0),
            stop: None,
        },
    )
    .unwrap_err();
    assert_eq!(e, AllocateError::LimitReached { iterations: 0 });
    assert!(e.to_string().contains("raise the limit"));
    let s = min_cost_flow_with(&net, &Limits::default()).unwrap();
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.cost, 10);
}

/// The network `max_weight_transport` solves, as a general flow network: rows (supply = demand)
/// → columns (cost −weight, capacity demand + 1), rows → sink (unmet, free), columns → sink
/// (capacity); the sink last.
fn transport_network((demand, capacity, pairs): &Instance) -> FlowNetwork {
    let (r, c) = (demand.len(), capacity.len());
    let sink = (r + c) as u32;
    let mut supply: Vec<i64> = demand.iter().map(|&d| i64::from(d)).collect();
    supply.extend(std::iter::repeat_n(0, c));
    supply.push(-demand.iter().map(|&d| i64::from(d)).sum::<i64>());
    let mut net = FlowNetwork::new(supply);
    for &(i, j, w) in pairs {
        net.add_arc(i, r as u32 + j, 0, i64::from(demand[i as usize]) + 1, -w)
            .unwrap();
    }
    for (i, &d) in demand.iter().enumerate() {
        net.add_arc(i as u32, sink, 0, i64::from(d) + 1, 0).unwrap();
    }
    for (j, &cap) in capacity.iter().enumerate() {
        net.add_arc((r + j) as u32, sink, 0, i64::from(cap), 0)
            .unwrap();
    }
    net
}

proptest! {
    /// A transportation network given as a flow network starts from its star around the sink:
    /// the same cost as the artificial start and as brute force, and a certificate that
    /// checks.
    #[test]
    fn transportation_networks_solve_as_transport(inst in instance()) {
        let net = transport_network(&inst);
        // A star needs a sink with demand and room on every column's arc.
        if inst.0.iter().any(|&d| d > 0) && inst.1.iter().all(|&c| c > 0) {
            prop_assert!(star_start::star_start(&net).is_some());
        }
        let fast = min_cost_flow(&net).unwrap();
        verify_flow(&net, &fast).unwrap();
        let general = min_cost_flow_from(&net, simplex::Start::Artificial, &Limits::default()).unwrap();
        prop_assert_eq!(fast.cost, general.cost);
        prop_assert_eq!(-fast.cost, brute_force(&inst.0, &inst.1, &inst.2));
    }
}

#[test]
fn a_larger_transportation_network_certifies_from_its_star() {
    let t = seeded_transport(300, 40, 12, 7);
    let pairs: Vec<(u32, u32, i64)> = (0..t.rows())
        .flat_map(|i| t.row(i).map(move |(j, w)| (i as u32, j, w)))
        .collect();
    let inst = (t.demand().to_vec(), t.capacity().to_vec(), pairs);
    let net = transport_network(&inst);
    assert!(star_start::star_start(&net).is_some());
    let s = min_cost_flow(&net).unwrap();
    verify_flow(&net, &s).unwrap();
    assert_eq!(-s.cost, max_weight_transport(&t).unwrap().objective);
}
