//! Bytes decoded into a small dense matrix, solved by the dense Jonker–Volgenant solver (as
//! dispatched at run time: the AVX2 build on this machine) in both senses, square or
//! rectangular either way, with ties and values up to the range limit. The oracle is the
//! certificate (dual feasibility, complementary slackness, strong duality) and, for n ≤ 6, the
//! optimum by brute force; a panic, a failed certificate or a wrong optimum is a crash. Out of
//! range must be `NumericRange`, never a wrong answer. A matrix that fits 32 bits must solve to
//! the same assignment as `i32`. Under an iteration cap (dense, and sparse with some pairs
//! forbidden) the answer must be complete and feasible (`check_assignment`), certified when it
//! claims `Optimal`, and never better than the optimum when it claims `LimitReached`.
#![no_main]

use duijie::allocate::{
    AllocateError, Assignment, CostMatrix, Limits, Sense, SparseMatrix, Status, check_assignment,
    max_weight_assignment, min_cost_assignment, solve_assignment, verify_assignment,
};
use duijie::testkit::brute_assignment;
use libfuzzer_sys::fuzz_target;

fn brute(c: &ndarray::Array2<i64>, max: bool) -> i128 {
    let (n, m) = c.dim();
    let sense = if max { Sense::Max } else { Sense::Min };
    brute_assignment(n, m, &|i, j| Some(c[[i, j]]), sense).unwrap_or(0)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let n = 1 + usize::from(data[0] % 12);
    let m = 1 + usize::from(data[1] % 12);
    let mode = data[2];
    let mut it = data[3..].iter().copied().cycle();
    // The documented limit: |cost| < 2^k with 2^k ≤ (i64::MAX / 4) / (n + m + 2).
    let limit = (i64::MAX / 4) / (n + m + 2) as i64;
    let top = 1i64 << (63 - limit.leading_zeros()); // 2^k
    let values: Vec<i64> = (0..n * m)
        .map(|_| {
            let b = it.next().unwrap_or(0);
            match mode % 5 {
                0 => i64::from(b % 4),   // tie-heavy
                1 => i64::from(b) - 128, // small, signed
                2 => i64::from(i16::from_le_bytes([b, it.next().unwrap_or(0)])) << (b % 40),
                3 => (top - 1 - i64::from(b)) * if b % 2 == 0 { 1 } else { -1 }, // in range, at the edge
                _ => top + i64::from(b), // just out of range: NumericRange
            }
        })
        .collect();
    let c = ndarray::Array2::from_shape_vec((n, m), values).expect("shape");
    for max in [false, true] {
        let solved = if max {
            max_weight_assignment(c.view())
        } else {
            min_cost_assignment(c.view())
        };
        match solved {
            Ok(a) => {
                verify_assignment(CostMatrix::Dense(c.view()), &a).expect("the certificate checks");
                if n.min(m) <= 6 && n.max(m) <= 8 {
                    assert_eq!(a.objective, brute(&c, max), "optimum");
                }
            }
            Err(AllocateError::NumericRange { .. }) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    // The same matrix as i32, when it fits.
    if let Ok(v32) = c
        .iter()
        .map(|&x| i32::try_from(x))
        .collect::<Result<Vec<i32>, _>>()
    {
        let c32 = ndarray::Array2::from_shape_vec((n, m), v32).expect("shape");
        assert_eq!(
            min_cost_assignment(c32.view()),
            min_cost_assignment(c.view())
        );
        assert_eq!(
            max_weight_assignment(c32.view()),
            max_weight_assignment(c.view())
        );
    }
    // Under an iteration cap, dense and sparse (pairs forbidden where a byte says so).
    let cap = u64::from(mode / 5 % 8);
    let limits = Limits {
        max_iterations: Some(cap),
        stop: None,
    };
    let mut keep = data.iter().copied().cycle().skip(7);
    let entries = c
        .indexed_iter()
        .filter(|_| keep.next().unwrap_or(0) % 4 != 0)
        .map(|((i, j), &x)| (i as u32, j as u32, x))
        .collect();
    let sparse = SparseMatrix::new(n, m, entries).expect("well formed");
    for matrix in [CostMatrix::Dense(c.view()), CostMatrix::Sparse(&sparse)] {
        for sense in [Sense::Min, Sense::Max] {
            let best = solve_assignment(matrix, sense, &Limits::default());
            let got = solve_assignment(matrix, sense, &limits);
            match (best, got) {
                (Ok(best), Ok(got)) => {
                    verify_assignment(matrix, &best).expect("the certificate checks");
                    within_limits(matrix, sense, &best, &got);
                }
                (Err(a), Err(b)) => assert_eq!(
                    std::mem::discriminant(&a),
                    std::mem::discriminant(&b),
                    "{a:?} / {b:?}"
                ),
                (a, b) => panic!("unlimited {a:?} but limited {b:?}"),
            }
        }
    }
});

/// A capped solve's answer against the unlimited optimum.
fn within_limits(matrix: CostMatrix<'_>, sense: Sense, best: &Assignment, got: &Assignment) {
    check_assignment(matrix, got).expect("a stopped answer is feasible");
    match got.status {
        Status::Optimal => {
            verify_assignment(matrix, got).expect("the certificate checks");
            assert_eq!(got.objective, best.objective);
        }
        Status::LimitReached => match sense {
            Sense::Min => assert!(got.objective >= best.objective),
            Sense::Max => assert!(got.objective <= best.objective),
        },
        s => panic!("status {s:?}"),
    }
}
