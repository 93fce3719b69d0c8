//! Solver tests: brute force on small instances, certificates on larger ones.

use proptest::prelude::*;

use super::*;

/// The best objective over every integer plan, by enumeration.
fn brute_force(demand: &[u32], capacity: &[u32], pairs: &[(u32, u32, i64)]) -> i128 {
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
        let mut x = seed | 1;
        let mut next = move || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
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
    let w = (1i64 << 62) / 6;
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

#[test]
fn tampered_certificates_are_caught() {
    let t = Transport::new(
        vec![4, 2],
        vec![3, 5],
        vec![(0, 0, 90), (0, 1, 60), (1, 1, 80)],
    )
    .unwrap();
    let s = max_weight_transport(&t).unwrap();
    let mut bad = s.clone();
    bad.objective += 1;
    assert!(verify_transport(&t, &bad).is_err());
    let mut bad = s.clone();
    bad.row_price[0] += 1;
    assert!(verify_transport(&t, &bad).is_err());
    let mut bad = s.clone();
    bad.flows[0].2 -= 1;
    bad.objective -= 90;
    assert!(verify_transport(&t, &bad).is_err());
    let mut bad = s;
    bad.flows.push((1, 0, 1));
    assert!(verify_transport(&t, &bad).is_err());
}
