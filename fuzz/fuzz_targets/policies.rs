//! Bytes decoded into a small market instance, allocated by every policy and cooperation mode:
//! each must respect demands and capacities, stable matchings must have no blocking pair, and no
//! policy may beat the welfare optimum; a panic or a broken rule is a crash. The same holds
//! under an iteration cap (`allocate_within`), where a stopped policy must say `LimitReached`
//! and an unstopped one must give its usual answer.
#![no_main]

use duijie::allocate::{Limits, Status};
use duijie::policy::Allocation;
use duijie::policy::{self, MarketInstance, Policy};
use duijie::score::Market;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (n, m) = (usize::from(data[0] % 7), usize::from(data[1] % 7));
    let cap = u64::from(data[0] / 7 % 6);
    let mut it = data[2..].iter().copied();
    let demand: Vec<u32> = (0..n)
        .map(|_| u32::from(it.next().unwrap_or(0) % 6))
        .collect();
    let capacity: Vec<u32> = (0..m)
        .map(|_| u32::from(it.next().unwrap_or(0) % 6))
        .collect();
    let mut pairs = Vec::new();
    while let (Some(a), Some(w), Some(v)) = (it.next(), it.next(), it.next()) {
        if n == 0 || m == 0 {
            break;
        }
        // Coarse scores, so ties are common.
        pairs.push((
            u32::from(a) % n as u32,
            u32::from(a / 7) % m as u32,
            i64::from(w % 8) * 125_000,
            i64::from(v % 8) * 125_000,
        ));
    }
    pairs.sort_by_key(|p| (p.0, p.1));
    pairs.dedup_by_key(|p| (p.0, p.1));
    let Ok(inst) = MarketInstance::new(Market::Talent, demand, capacity, pairs) else {
        return;
    };
    let best = policy::Welfare
        .allocate(&inst)
        .expect("welfare solves")
        .welfare;
    let limits = Limits {
        max_iterations: Some(cap),
        stop: None,
    };
    for p in policy::all().into_iter().chain(policy::modes()) {
        let full = p
            .allocate(&inst)
            .expect("every policy answers a well-formed instance");
        let capped = p
            .allocate_within(&inst, &limits)
            .expect("every policy answers within limits");
        if capped.status != Status::LimitReached {
            assert_eq!(
                capped,
                full,
                "{}: not stopped, yet a different answer",
                p.name()
            );
        }
        check(&inst, p.as_ref(), &capped, best, false);
        check(&inst, p.as_ref(), &full, best, true);
    }
});

/// The rules every allocation keeps; stability only when the policy finished.
fn check(inst: &MarketInstance, p: &dyn Policy, a: &Allocation, best: i128, finished: bool) {
    let mut placed = vec![0u32; inst.needs()];
    let mut used = vec![0u32; inst.offers()];
    for mt in &a.matches {
        placed[mt.need as usize] += mt.units;
        used[mt.offer as usize] += mt.units;
    }
    assert!(
        placed.iter().zip(&inst.demand).all(|(p, d)| p <= d),
        "{}",
        p.name()
    );
    assert!(
        used.iter().zip(&inst.capacity).all(|(u, c)| u <= c),
        "{}",
        p.name()
    );
    assert!(a.welfare <= best, "{} beats the optimum", p.name());
    if finished && p.name().starts_with("stable") {
        assert!(policy::blocking_pairs(inst, a).is_empty(), "{}", p.name());
    }
}
