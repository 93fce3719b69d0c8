//! Bytes decoded into a small transportation instance: the solver must return a solution whose
//! certificate checks, or a typed error; a panic or a failed certificate is a crash. Both
//! algorithms (network simplex, successive shortest paths) must agree on the optimum, and under
//! an iteration cap each must return a feasible plan (`check_plan`) no better than it.
#![no_main]

use duijie::allocate::{
    Limits, Status, Transport, check_plan, max_weight_transport, max_weight_transport_ssp,
    max_weight_transport_ssp_with, max_weight_transport_with, verify_transport,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let rows = usize::from(data[0] % 9);
    let cols = usize::from(data[1] % 9);
    let mut it = data[2..].iter().copied();
    let demand: Vec<u32> = (0..rows)
        .map(|_| u32::from(it.next().unwrap_or(0) % 16))
        .collect();
    let capacity: Vec<u32> = (0..cols)
        .map(|_| u32::from(it.next().unwrap_or(0) % 16))
        .collect();
    let mut pairs = Vec::new();
    while let (Some(a), Some(w0), Some(w1)) = (it.next(), it.next(), it.next()) {
        if rows == 0 || cols == 0 {
            break;
        }
        let (r, c) = (usize::from(a) % rows, usize::from(a / 9) % cols);
        // Weights over the whole i64 range, to reach the range check.
        let w = i64::from(i16::from_le_bytes([w0, w1])) << (a % 48);
        pairs.push((r as u32, c as u32, w));
    }
    pairs.sort_by_key(|p| (p.0, p.1));
    pairs.dedup_by_key(|p| (p.0, p.1));
    if let Ok(t) = Transport::new(demand, capacity, pairs) {
        let s = max_weight_transport(&t).expect("a well-formed instance solves");
        verify_transport(&t, &s).expect("the certificate checks");
        let ssp = max_weight_transport_ssp(&t).expect("a well-formed instance solves");
        verify_transport(&t, &ssp).expect("the certificate checks");
        assert_eq!(ssp.objective, s.objective, "the two algorithms disagree");
        let limits = Limits {
            max_iterations: Some(u64::from(data[0] / 9 % 8)),
            stop: None,
        };
        for capped in [
            max_weight_transport_with(&t, &limits),
            max_weight_transport_ssp_with(&t, &limits),
        ] {
            let c = capped.expect("a capped solve still answers");
            check_plan(&t, &c).expect("a capped plan is feasible");
            assert!(c.objective <= s.objective);
            if c.status == Status::Optimal {
                verify_transport(&t, &c).expect("the certificate checks");
            }
        }
    }
});
