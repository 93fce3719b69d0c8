//! Bytes decoded into a small min-cost flow network with supplies, lower and upper bounds and
//! any costs: the solver must return a flow whose certificate checks, or a typed error (an
//! infeasible network with a cut that checks, unbalanced, numeric range); the max-demand mode
//! must return a partial flow that checks. A panic or a failed check is a crash.
#![no_main]

use duijie::allocate::{
    AllocateError, FlowNetwork, min_cost_flow, min_cost_flow_max_demand, verify_flow,
    verify_infeasibility_cut, verify_partial_flow,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let n = usize::from(data[0] % 8) + 1;
    let mut it = data[1..].iter().copied();
    let mut supply: Vec<i64> = (0..n)
        .map(|_| i64::from(it.next().unwrap_or(0) as i8) / 8)
        .collect();
    // Mostly balanced, sometimes not.
    let sum: i64 = supply.iter().sum();
    if data[0] & 0x80 == 0 {
        supply[n - 1] -= sum;
    }
    let mut net = FlowNetwork::new(supply);
    while let (Some(a), Some(b), Some(lo), Some(hi), Some(c0), Some(c1)) = (
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
    ) {
        let (u, v) = (u32::from(a) % n as u32, u32::from(b) % n as u32);
        let lower = i64::from(lo % 4);
        let upper = i64::from(hi % 16) - 2; // sometimes below the lower bound, or negative
        let cost = i64::from(i16::from_le_bytes([c0, c1])) << (a % 40);
        let _ = net.add_arc(u, v, lower, upper, cost);
    }
    match min_cost_flow(&net) {
        Ok(s) => verify_flow(&net, &s).expect("the certificate checks"),
        Err(AllocateError::Infeasible { witness, .. }) => {
            verify_infeasibility_cut(&net, &witness).expect("the cut proves infeasibility");
        }
        Err(_) => {}
    }
    if let Ok(p) = min_cost_flow_max_demand(&net) {
        verify_partial_flow(&net, &p).expect("the partial flow checks");
    }
});
