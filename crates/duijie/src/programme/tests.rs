use proptest::prelude::*;

use super::consortium::min_cover;
use super::*;
use crate::allocate::Status;
use crate::policy::Allocation;
use crate::policy::{Policy, Welfare};

/// The size of the smallest cover of everything `sets` cover, by trying every subset.
fn brute_min_cover(sets: &[(u64, i64)]) -> usize {
    let goal = sets.iter().fold(0, |a, s| a | s.0);
    (0u32..(1 << sets.len()))
        .filter(|mask| {
            (0..sets.len())
                .filter(|k| mask >> k & 1 == 1)
                .fold(0, |a, k| a | sets[k].0)
                == goal
        })
        .map(u32::count_ones)
        .min()
        .unwrap_or(0) as usize
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The exhaustive team is a smallest cover; the greedy team covers the same and is within
    /// H(u) of the smallest (the bound the docs state).
    #[test]
    fn cover_is_smallest_and_greedy_within_its_bound(
        sets in proptest::collection::vec((1u64..64, 0i64..10), 1..10)
    ) {
        let goal = sets.iter().fold(0, |a, s| a | s.0);
        let opt = brute_min_cover(&sets);
        let (team, proven) = min_cover(&sets, true);
        prop_assert!(proven);
        prop_assert_eq!(team.iter().fold(0, |a, &k| a | sets[k].0), goal);
        prop_assert_eq!(team.len(), opt);
        let (greedy, proven) = min_cover(&sets, false);
        prop_assert!(!proven);
        prop_assert_eq!(greedy.iter().fold(0, |a, &k| a | sets[k].0), goal);
        #[allow(clippy::cast_precision_loss)]
        let ratio = greedy.len() as f64 / opt as f64;
        prop_assert!(ratio <= greedy_bound(goal.count_ones() as usize) + 1e-12);
    }

    /// The what-if adds the fewest seats: no smaller addition (tried exhaustively) lets every
    /// target be met in full while the others keep their units.
    #[test]
    fn what_if_adds_the_fewest_seats(
        demand in proptest::collection::vec(0u32..=3, 1..=3),
        capacity in proptest::collection::vec(0u32..=2, 1..=3),
        cells in proptest::collection::vec(proptest::bool::ANY, 9),
        target in 0u32..3,
    ) {
        let (n, m) = (demand.len(), capacity.len());
        let pairs: Vec<(u32, u32, i64, i64)> = (0..n * m)
            .filter(|&k| cells[k])
            .map(|k| (u32::try_from(k / m).unwrap(), u32::try_from(k % m).unwrap(), 100 + i64::try_from(k).unwrap(), 100))
            .collect();
        let inst = crate::policy::MarketInstance::new(crate::score::Market::Talent, demand.clone(), capacity.clone(), pairs.clone()).unwrap();
        let a = Welfare.allocate(&inst).unwrap();
        let target = target % u32::try_from(n).unwrap();
        let w = capacity_what_if(&inst, &a, &[target]).unwrap();
        let mut goal = vec![0u32; n];
        for mt in &a.matches { goal[mt.need as usize] += mt.units; }
        if w.unservable.is_empty() { goal[target as usize] = demand[target as usize]; }
        // Feasible with capacities `cap`: max flow meets every goal (checked by a transport
        // solve that maximises placed units with weight 1 per unit).
        let feasible = |cap: &[u32]| {
            let t = crate::allocate::Transport::new(goal.clone(), cap.to_vec(), pairs.iter().map(|p| (p.0, p.1, 1)).collect()).unwrap();
            let s = crate::allocate::max_weight_transport(&t).unwrap();
            s.unmet.iter().all(|&u| u == 0)
        };
        let mut with = capacity.clone();
        for &(j, add) in &w.added { with[j as usize] += add; }
        prop_assert!(feasible(&with));
        // Every smaller total fails: try all additions of total `w.total - 1` (at most 3 offers).
        if w.total > 0 {
            let t = u32::try_from(w.total - 1).unwrap();
            let mut any = false;
            for a0 in 0..=t { for a1 in 0..=t - a0 {
                let a2 = t - a0 - a1;
                let adds = [a0, a1, a2];
                if adds[m..].iter().any(|&x| x > 0) { continue; }
                let cap: Vec<u32> = (0..m).map(|j| capacity[j] + adds[j]).collect();
                any |= feasible(&cap);
            }}
            prop_assert!(!any, "a smaller addition works");
        }
    }
}

#[test]
fn greedy_bound_is_the_harmonic_number() {
    assert_eq!(greedy_bound(0), 0.0);
    assert_eq!(greedy_bound(1), 1.0);
    assert!((greedy_bound(3) - (1.0 + 0.5 + 1.0 / 3.0)).abs() < 1e-12);
}

#[test]
fn what_if_names_unservable_targets() {
    let inst = crate::policy::MarketInstance::new(
        crate::score::Market::Talent,
        vec![2, 1],
        vec![1],
        vec![(0, 0, 500, 500)],
    )
    .unwrap();
    let a = Allocation {
        market: crate::score::Market::Talent,
        matches: vec![],
        unmet: vec![2, 1],
        candidates: vec![1, 0],
        candidate_capacity: vec![],
        welfare: 0,
        status: Status::Heuristic,
        algorithm: crate::allocate::Algorithm::Greedy,
        need_price: vec![],
        offer_price: vec![],
        upper_bound: None,
    };
    let w = capacity_what_if(&inst, &a, &[0, 1]).unwrap();
    assert_eq!(w.unservable, vec![1]);
    assert_eq!(w.added, vec![(0, 1)]);
    assert_eq!(w.total, 1);
    let e = capacity_what_if(&inst, &a, &[7]).unwrap_err();
    assert!(e.to_string().contains("target need 7"), "{e}");
}

#[test]
fn default_targets_are_the_policy_figures() {
    let t = Targets::default();
    assert_eq!(
        (
            t.upgrade_projects,
            t.core_technologies,
            t.innovation_centres
        ),
        (10_000, 500, 40)
    );
    assert_eq!(
        (
            t.graduate,
            t.bachelor,
            t.higher_vocational,
            t.secondary_vocational
        ),
        (10_000, 120_000, 100_000, 140_000)
    );
    // §一(三) and §三(一)1: domains, secondary colleges, demonstration schools, applied
    // universities, first-class disciplines, majors stopped and added.
    assert_eq!(
        (
            t.development_domains,
            t.bachelor_colleges,
            t.vocational_colleges,
            t.demonstration_schools,
            t.applied_universities,
            t.first_class_disciplines
        ),
        (30, 10, 20, 10, 5, 50)
    );
    assert_eq!(
        (
            t.stop_bachelor_programmes,
            t.stop_bachelor_majors,
            t.stop_vocational_programmes,
            t.stop_vocational_majors,
            t.add_bachelor_majors,
            t.add_vocational_majors
        ),
        (79, 39, 84, 20, 18, 19)
    );
}
