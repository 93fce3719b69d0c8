use proptest::prelude::*;

use super::*;
use crate::allocate::{StableInstance, stable_student_optimal, stable_supervisor_optimal};

/// A small random instance: up to 4 needs × 4 offers, demands and capacities 0–3.
fn instance() -> impl Strategy<Value = MarketInstance> {
    (1usize..=4, 1usize..=4).prop_flat_map(|(n, m)| {
        (
            proptest::collection::vec(0u32..=3, n),
            proptest::collection::vec(0u32..=3, m),
            proptest::collection::vec(proptest::option::of((1i64..=5, 1i64..=5)), n * m),
        )
            .prop_map(move |(demand, capacity, cells)| {
                let pairs = cells
                    .iter()
                    .enumerate()
                    .filter_map(|(k, c)| {
                        c.map(|(w, v)| {
                            (
                                u32::try_from(k / m).unwrap(),
                                u32::try_from(k % m).unwrap(),
                                w * 100,
                                v * 100,
                            )
                        })
                    })
                    .collect();
                MarketInstance::new(Market::Talent, demand, capacity, pairs).unwrap()
            })
    })
}

/// Every integral allocation of a small instance, as units per pair (in pair order).
fn all_allocations(inst: &MarketInstance) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    let mut x = vec![0u32; inst.pairs.len()];
    fn rec(inst: &MarketInstance, k: usize, x: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if k == inst.pairs.len() {
            out.push(x.clone());
            return;
        }
        let (i, j, _, _) = inst.pairs[k];
        let used_i: u32 = (0..k).filter(|&q| inst.pairs[q].0 == i).map(|q| x[q]).sum();
        let used_j: u32 = (0..k).filter(|&q| inst.pairs[q].1 == j).map(|q| x[q]).sum();
        let most = (inst.demand[i as usize] - used_i).min(inst.capacity[j as usize] - used_j);
        for u in 0..=most {
            x[k] = u;
            rec(inst, k + 1, x, out);
        }
        x[k] = 0;
    }
    rec(inst, 0, &mut x, &mut out);
    out
}

fn flows_of(inst: &MarketInstance, x: &[u32]) -> Vec<(u32, u32, u32)> {
    inst.pairs
        .iter()
        .zip(x)
        .filter(|(_, u)| **u > 0)
        .map(|(p, &u)| (p.0, p.1, u))
        .collect()
}

fn units(a: &Allocation) -> Vec<(u32, u32, u32)> {
    a.matches
        .iter()
        .map(|m| (m.need, m.offer, m.units))
        .collect()
}

fn feasible(inst: &MarketInstance, a: &Allocation) {
    let mut placed = vec![0u32; inst.needs()];
    let mut used = vec![0u32; inst.offers()];
    for m in &a.matches {
        assert!(m.units > 0);
        assert!(
            inst.pairs
                .binary_search_by_key(&(m.need, m.offer), |p| (p.0, p.1))
                .is_ok(),
            "not a candidate"
        );
        placed[m.need as usize] += m.units;
        used[m.offer as usize] += m.units;
    }
    for ((p, d), u) in placed.iter().zip(&inst.demand).zip(&a.unmet) {
        assert!(p <= d);
        assert_eq!(*u, d - p);
    }
    for (u, c) in used.iter().zip(&inst.capacity) {
        assert!(u <= c);
    }
}

/// The unit-expanded hospital–residents instance: each unit of need `i` a resident with the
/// need's list; offers rank units by their own view, then need index, then unit index.
fn expanded(inst: &MarketInstance) -> (StableInstance, Vec<u32>) {
    let mut owner = Vec::new();
    for (i, &d) in inst.demand.iter().enumerate() {
        owner.extend(std::iter::repeat_n(u32::try_from(i).unwrap(), d as usize));
    }
    let resident_prefs: Vec<Vec<u32>> = owner
        .iter()
        .map(|&i| {
            let mut l: Vec<&(u32, u32, i64, i64)> =
                inst.pairs.iter().filter(|p| p.0 == i).collect();
            l.sort_by_key(|p| (std::cmp::Reverse(p.2), p.1));
            l.iter().map(|p| p.1).collect()
        })
        .collect();
    let hospital_prefs: Vec<Vec<u32>> = (0..inst.offers())
        .map(|j| {
            let mut l: Vec<(i64, u32, u32)> = owner
                .iter()
                .enumerate()
                .filter_map(|(r, &i)| {
                    let k = inst
                        .pairs
                        .binary_search_by_key(&(i, u32::try_from(j).unwrap()), |p| (p.0, p.1))
                        .ok()?;
                    Some((-inst.pairs[k].3, i, u32::try_from(r).unwrap()))
                })
                .collect();
            l.sort_unstable();
            l.iter().map(|x| x.2).collect()
        })
        .collect();
    (
        StableInstance::hospital_residents(&resident_prefs, inst.capacity.clone(), hospital_prefs)
            .unwrap(),
        owner,
    )
}

fn aggregate(owner: &[u32], assigned: &[Option<u32>]) -> Vec<(u32, u32, u32)> {
    let mut f: Vec<(u32, u32, u32)> = Vec::new();
    let mut pairs: Vec<(u32, u32)> = owner
        .iter()
        .zip(assigned)
        .filter_map(|(&i, a)| a.map(|j| (i, j)))
        .collect();
    pairs.sort_unstable();
    for (i, j) in pairs {
        match f.last_mut() {
            Some(l) if (l.0, l.1) == (i, j) => l.2 += 1,
            _ => f.push((i, j, 1)),
        }
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Welfare equals the best of every allocation; greedy is feasible and never better.
    #[test]
    fn welfare_is_the_brute_force_optimum(inst in instance()) {
        let all = all_allocations(&inst);
        let best = all
            .iter()
            .map(|x| inst.pairs.iter().zip(x).map(|(p, &u)| i128::from(p.2) * i128::from(u)).sum::<i128>())
            .max()
            .unwrap();
        let w = Welfare.allocate(&inst).unwrap();
        feasible(&inst, &w);
        prop_assert_eq!(w.welfare, best);
        let g = Greedy.allocate(&inst).unwrap();
        feasible(&inst, &g);
        prop_assert!(g.welfare <= best);
    }

    /// Deferred acceptance with quantities gives exactly the unit-expanded proposer-optimal
    /// stable matching, for either side proposing, and has no blocking pair; the brute-force
    /// blocking-pair count agrees with `blocking_pairs` on every allocation.
    #[test]
    fn stable_matches_the_unit_expansion(inst in instance()) {
        let (hr, owner) = expanded(&inst);
        let needs = Stable { proposer: Side::Needs }.allocate(&inst).unwrap();
        feasible(&inst, &needs);
        let s = stable_student_optimal(&hr);
        prop_assert_eq!(units(&needs), aggregate(&owner, &s.student_project));
        let offers = Stable { proposer: Side::Offers }.allocate(&inst).unwrap();
        feasible(&inst, &offers);
        let s = stable_supervisor_optimal(&hr);
        prop_assert_eq!(units(&offers), aggregate(&owner, &s.student_project));
        prop_assert!(blocking_pairs(&inst, &needs).is_empty());
        prop_assert!(blocking_pairs(&inst, &offers).is_empty());
    }

    /// `blocking_pairs` is right on every allocation: a pair blocks exactly when moving one
    /// unit onto it (from the need's worst partner or its unmet units, displacing the offer's
    /// worst unit or using a spare one) makes both strictly better off.
    #[test]
    fn blocking_pairs_by_definition(inst in instance()) {
        for x in all_allocations(&inst).iter().take(200) {
            let a = inst.allocation(flows_of(&inst, x), Status::Heuristic, Algorithm::Greedy, (vec![], vec![]), None);
            let mut expect = Vec::new();
            for &(i, j, w, v) in &inst.pairs {
                let mine: Vec<&(u32, u32, i64, i64)> = inst.pairs.iter().zip(x).filter(|(p, u)| p.0 == i && **u > 0).map(|(p, _)| p).collect();
                let theirs: Vec<&(u32, u32, i64, i64)> = inst.pairs.iter().zip(x).filter(|(p, u)| p.1 == j && **u > 0).map(|(p, _)| p).collect();
                let placed: u32 = inst.pairs.iter().zip(x).filter(|(p, _)| p.0 == i).map(|(_, u)| *u).sum();
                let used: u32 = inst.pairs.iter().zip(x).filter(|(p, _)| p.1 == j).map(|(_, u)| *u).sum();
                let need_gains = placed < inst.demand[i as usize]
                    || mine.iter().any(|p| p.2 < w || (p.2 == w && p.1 > j));
                let offer_gains = used < inst.capacity[j as usize]
                    || theirs.iter().any(|p| p.3 < v || (p.3 == v && p.0 > i));
                if need_gains && offer_gains {
                    expect.push((i, j));
                }
            }
            prop_assert_eq!(stable::blocking_pair_count(&inst, &a), expect.len());
            prop_assert_eq!(measure(&inst, &a).blocking_pairs, expect.len());
            // The census in runs of every length (the pairs split across threads) and the
            // views read in runs: the same as one read.
            let views: Vec<(i64, i64)> = inst.match_views(&a.matches).collect();
            for run in 1..=4 {
                prop_assert_eq!(&inst.views_in_runs(&a.matches, run), &views);
                let c = stable::census_in_runs(&inst, &a, &views, run);
                prop_assert_eq!(c.blocking, expect.len());
                let need_has: Vec<bool> = (0..inst.needs() as u32).map(|i| inst.pairs.iter().any(|p| p.0 == i)).collect();
                let offer_has: Vec<bool> = (0..inst.offers() as u32).map(|j| inst.pairs.iter().any(|p| p.1 == j)).collect();
                prop_assert_eq!(&c.need_has, &need_has);
                prop_assert_eq!(&c.offer_has, &offer_has);
            }
            prop_assert_eq!(blocking_pairs(&inst, &a), expect);
        }
    }

    /// Coverage: no allocation covers more needs + offers; among those that cover as many, none
    /// has more welfare. MaxMin: no allocation covering as many needs has a larger smallest
    /// best-partner score.
    #[test]
    fn coverage_and_maxmin_are_lexicographic_optima(inst in instance()) {
        let cover = |x: &[u32]| {
            let mut n = vec![false; inst.needs()];
            let mut o = vec![false; inst.offers()];
            let mut best = vec![i64::MIN; inst.needs()];
            for (p, &u) in inst.pairs.iter().zip(x) {
                if u > 0 {
                    n[p.0 as usize] = true;
                    o[p.1 as usize] = true;
                    best[p.0 as usize] = best[p.0 as usize].max(p.2);
                }
            }
            let welfare: i128 = inst.pairs.iter().zip(x).map(|(p, &u)| i128::from(p.2) * i128::from(u)).sum();
            let covered_needs = n.iter().filter(|&&b| b).count();
            let worst = best.iter().copied().filter(|&b| b > i64::MIN).min().unwrap_or(i64::MAX);
            (covered_needs, covered_needs + o.iter().filter(|&&b| b).count(), worst, welfare)
        };
        let all = all_allocations(&inst);
        let best_cov = all.iter().map(|x| { let c = cover(x); (c.1, c.3) }).max().unwrap();
        let a = Coverage.allocate(&inst).unwrap();
        feasible(&inst, &a);
        let x: Vec<u32> = inst.pairs.iter().map(|p| a.matches.iter().find(|m| (m.need, m.offer) == (p.0, p.1)).map_or(0, |m| m.units)).collect();
        let c = cover(&x);
        prop_assert_eq!((c.1, c.3), best_cov);

        let best_mm = all.iter().map(|x| { let c = cover(x); (c.0, c.2) }).max().unwrap();
        let a = MaxMin.allocate(&inst).unwrap();
        feasible(&inst, &a);
        let x: Vec<u32> = inst.pairs.iter().map(|p| a.matches.iter().find(|m| (m.need, m.offer) == (p.0, p.1)).map_or(0, |m| m.units)).collect();
        let c = cover(&x);
        prop_assert_eq!((c.0, c.2), best_mm);
        // Among allocations with that coverage and floor, welfare is maximal.
        let best_w = all.iter().filter(|x| { let d = cover(x); (d.0, d.2) == best_mm }).map(|x| cover(x).3).max().unwrap();
        prop_assert_eq!(c.3, best_w);
    }

    /// The max–min threshold search: at every threshold, the flow augmented from the one found
    /// at the next higher threshold covers as many needs as a fresh search, which covers as many
    /// as the best allocation (brute force) can through pairs at or above the threshold.
    #[test]
    fn coverage_flows_from_a_higher_threshold_are_maximum(inst in instance()) {
        let net = flow::CoverageNetwork::new(&inst.demand, &inst.capacity, &inst.pairs);
        let mut levels: Vec<i64> = inst.pairs.iter().map(|p| p.2).collect();
        levels.sort_unstable();
        levels.dedup();
        let all = all_allocations(&inst);
        let mut warm = net.empty_flow();
        for &t in levels.iter().rev() {
            net.augment(&mut warm, t);
            let mut fresh = net.empty_flow();
            net.augment(&mut fresh, t);
            let best = all.iter().map(|x| {
                let mut n = vec![false; inst.needs()];
                for (p, &u) in inst.pairs.iter().zip(x) {
                    if u > 0 && p.2 >= t {
                        n[p.0 as usize] = true;
                    }
                }
                n.iter().filter(|&&b| b).count()
            }).max().unwrap();
            prop_assert_eq!(warm.value(), best);
            prop_assert_eq!(fresh.value(), best);
        }
    }

    /// Two-sided: the weighted-sum form is the brute-force optimum of its objective; the
    /// fairness form's answer is feasible, never above its upper bound, and the bound is at
    /// least the brute-force optimum (so `Optimal` is only claimed when it is).
    #[test]
    fn two_sided_is_exact_or_bounded(inst in instance(), alpha in 0u8..=4, lambda in 0u8..=2) {
        let p = TwoSided { need_weight: f64::from(alpha) / 4.0, fairness: f64::from(lambda) / 4.0 };
        let a = p.allocate(&inst).unwrap();
        feasible(&inst, &a);
        let obj = |x: &[u32]| p.objective(&inst, &flows_of(&inst, x)).0;
        let best = all_allocations(&inst).iter().map(|x| obj(x)).max().unwrap();
        let got = p.objective(&inst, &units(&a)).0;
        let bound = a.upper_bound.unwrap();
        prop_assert!(got <= best);
        prop_assert!(bound >= best);
        if lambda == 0 || a.status == Status::Optimal {
            prop_assert_eq!(got, best);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Each cooperation mode gives the brute-force best welfare among the allocations its rule
    /// allows; 1:n and n:1 through the LP rounding (limit 0) stay feasible, under their bound,
    /// and claim `Optimal` only when they reach it.
    #[test]
    fn modes_are_the_brute_force_optimum_of_their_rule(inst in instance()) {
        let all = all_allocations(&inst);
        for mode in Mode::ALL {
            let allowed = |x: &[u32]| {
                let mut need_partners = vec![0; inst.needs()];
                let mut offer_partners = vec![0; inst.offers()];
                for (p, &u) in inst.pairs.iter().zip(x) {
                    if u > 0 {
                        need_partners[p.0 as usize] += 1;
                        offer_partners[p.1 as usize] += 1;
                    }
                }
                let single_need = need_partners.iter().all(|&c| c <= 1);
                let single_offer = offer_partners.iter().all(|&c| c <= 1);
                match mode {
                    Mode::OneToOne => single_need && single_offer,
                    Mode::OneToMany => single_need,
                    Mode::ManyToOne => single_offer,
                    Mode::ManyToMany => true,
                }
            };
            let value = |x: &[u32]| inst.pairs.iter().zip(x).map(|(p, &u)| i128::from(p.2) * i128::from(u)).sum::<i128>();
            let best = all.iter().filter(|x| allowed(x)).map(|x| value(x)).max().unwrap();
            let a = Cooperation::new(mode).allocate(&inst).unwrap();
            feasible(&inst, &a);
            let x: Vec<u32> = inst.pairs.iter().map(|p| a.matches.iter().find(|m| (m.need, m.offer) == (p.0, p.1)).map_or(0, |m| m.units)).collect();
            prop_assert!(allowed(&x), "{:?} breaks its rule", mode);
            prop_assert_eq!(a.welfare, best, "{:?}", mode);
            if matches!(mode, Mode::OneToMany | Mode::ManyToOne) {
                let r = Cooperation { mode, exact_limit: 0 }.allocate(&inst).unwrap();
                feasible(&inst, &r);
                let x: Vec<u32> = inst.pairs.iter().map(|p| r.matches.iter().find(|m| (m.need, m.offer) == (p.0, p.1)).map_or(0, |m| m.units)).collect();
                prop_assert!(allowed(&x));
                prop_assert!(r.welfare <= best);
                prop_assert!(r.upper_bound.unwrap() >= best);
                if r.status == Status::Optimal {
                    prop_assert_eq!(r.welfare, best);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every policy but greedy (and every cooperation mode) stopped by an iteration cap returns a feasible allocation
    /// marked `LimitReached` (or their usual answer, when the cap covers the whole run); with no
    /// limit they answer as `allocate` does.
    #[test]
    fn policies_within_limits_stay_feasible(inst in instance(), cap in 0u64..4) {
        let limits = crate::allocate::Limits { max_iterations: Some(cap), stop: None };
        for p in [
            Box::new(Welfare) as Box<dyn Policy>,
            Box::new(Stable { proposer: Side::Needs }),
            Box::new(Stable { proposer: Side::Offers }),
            Box::new(Coverage),
            Box::new(MaxMin),
            Box::new(TwoSided::default()),
            Box::new(TwoSided { need_weight: 0.5, fairness: 0.5 }),
        ].into_iter().chain(modes()) {
            let a = p.allocate_within(&inst, &limits).unwrap();
            feasible(&inst, &a);
            let full = p.allocate(&inst).unwrap();
            if a.status == Status::LimitReached {
                if p.name() == "welfare" {
                    prop_assert!(a.welfare <= full.welfare);
                }
            } else {
                // The limit was not reached: the usual answer, whatever its status.
                prop_assert_eq!(&a, &full);
            }
            let none = crate::allocate::Limits::default();
            prop_assert_eq!(p.allocate_within(&inst, &none).unwrap(), full);
        }
    }
}

#[test]
fn every_policy_has_a_name_that_finds_it() {
    for p in all() {
        assert_eq!(by_name(&p.name()).unwrap().name(), p.name());
    }
    assert!(by_name("nonsense").is_none());
    for p in modes() {
        assert_eq!(by_name(&p.name()).unwrap().name(), p.name());
    }
    assert_eq!(names().len(), all().len() + modes().len() + 2);
}

#[test]
fn gini_by_hand() {
    assert_eq!(gini(&[1.0, 1.0, 1.0]), 0.0);
    // Sorted 0, 0, 0, 4: (2·4 − 4 − 1)·4 / (4 · 4) = 0.75.
    assert!((gini(&[0.0, 4.0, 0.0, 0.0]) - 0.75).abs() < 1e-12);
    assert_eq!(gini(&[]), 0.0);
    assert_eq!(gini(&[0.0, 0.0]), 0.0);
}

#[test]
fn shortfall_names_who_and_why() {
    // Need 0 and 1 both want offer 0 (capacity 1); need 2 has no candidate; offer 1 has none.
    let inst = MarketInstance::new(
        Market::Talent,
        vec![1, 1, 1],
        vec![1, 2],
        vec![(0, 0, 500, 500), (1, 0, 400, 400)],
    )
    .unwrap();
    let a = Coverage.allocate(&inst).unwrap();
    let s = coverage_shortfall(&inst, &a);
    assert_eq!(s.len(), 3, "{s:?}");
    assert_eq!((s[0].side, s[0].index), (Side::Needs, 1));
    assert!(s[0].reason.contains("fully used"));
    assert_eq!((s[1].side, s[1].index), (Side::Needs, 2));
    assert!(s[1].reason.contains("no candidate"));
    assert_eq!((s[2].side, s[2].index), (Side::Offers, 1));
}

#[test]
fn invalid_instances_are_refused_with_the_pair() {
    let e = MarketInstance::new(Market::Talent, vec![1], vec![1], vec![(0, 1, 1, 1)]).unwrap_err();
    assert!(e.to_string().contains("(need 0, offer 1)"), "{e}");
    let e = MarketInstance::new(
        Market::Talent,
        vec![1],
        vec![1],
        vec![(0, 0, 1, 1), (0, 0, 2, 2)],
    )
    .unwrap_err();
    assert!(e.to_string().contains("twice"), "{e}");
    let e = MarketInstance::new(Market::Talent, vec![1], vec![1], vec![(0, 0, -1, 1)]).unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
    let e = TwoSided {
        need_weight: f64::NAN,
        fairness: 0.0,
    }
    .allocate(&MarketInstance::new(Market::Talent, vec![1], vec![1], vec![]).unwrap())
    .unwrap_err();
    assert!(e.to_string().contains("two-sided"), "{e}");
    // Out of range is refused, never clamped to the nearest allowed value.
    let one = MarketInstance::new(Market::Talent, vec![1], vec![1], vec![(0, 0, 5, 5)]).unwrap();
    for (need_weight, fairness) in [(1.5, 0.0), (-0.1, 0.0), (0.5, 4.5), (0.5, -1.0)] {
        let e = TwoSided {
            need_weight,
            fairness,
        }
        .allocate(&one)
        .unwrap_err();
        assert!(
            matches!(e, AllocateError::InvalidParameter { .. }),
            "α {need_weight} λ {fairness}: {e}"
        );
    }
}

#[test]
fn recommendations_are_each_sides_best() {
    let inst = MarketInstance::new(
        Market::Talent,
        vec![1, 1],
        vec![1, 1],
        vec![(0, 0, 300, 900), (0, 1, 500, 100), (1, 0, 500, 200)],
    )
    .unwrap();
    let (needs, offers) = recommendations(&inst, 1);
    assert_eq!(needs, vec![vec![(1, 500)], vec![(0, 500)]]);
    assert_eq!(offers, vec![vec![(0, 900)], vec![(0, 100)]]);
}

#[test]
fn two_sided_parameters_are_read_as_written_and_applied_in_steps_of_1_1024() {
    let list =
        parse_list("greedy, two-sided-fair:alpha=0.5,lambda=0.2 ,welfare,two-sided:alpha=0.3")
            .unwrap();
    let names: Vec<String> = list.iter().map(|p| p.name()).collect();
    assert_eq!(
        names,
        [
            "greedy",
            "two-sided-fair(α=0.5 λ=0.2)",
            "welfare",
            "two-sided(α=0.3)"
        ]
    );
    // α = 0.3 is applied as 307/1024, the nearest step: the same allocation.
    let inst = MarketInstance::new(
        Market::Talent,
        vec![2, 1, 3],
        vec![2, 2],
        vec![
            (0, 0, 900_000, 100_000),
            (0, 1, 500_000, 800_000),
            (1, 0, 400_000, 900_000),
            (2, 1, 700_000, 300_000),
            (2, 0, 650_000, 650_000),
        ],
    )
    .unwrap();
    let given = list[3].allocate(&inst).unwrap();
    let step = TwoSided {
        need_weight: 307.0 / 1024.0,
        fairness: 0.0,
    }
    .allocate(&inst)
    .unwrap();
    assert_eq!(given.matches, step.matches);
    for (bad, says) in [
        ("greedy:alpha=1", "takes no parameters"),
        ("two-sided:beta=1", "unknown parameter \"beta\""),
        ("two-sided:alpha=2", "alpha = 2 must be in [0, 1]"),
        (
            "two-sided-fair:alpha=0.5,lambda=9",
            "lambda = 9 must be in [0, 4]",
        ),
        ("two-sided:alpha=x", "is not a number"),
        ("two-sided:lambda=0.1", "two-sided takes alpha"),
    ] {
        let e = parse_list(bad).map(|_| ()).unwrap_err();
        assert!(e.to_string().contains(says), "{bad}: {e}");
    }
}

proptest! {
    /// `pair_indices` finds what a binary search per key finds, for keys in pair order (read
    /// forward, across gaps of more than 64 pairs) and in any order, present or not.
    #[test]
    fn pair_indices_agree_with_pair_index(
        needs in 1u32..60,
        offers in 1u32..40,
        density in 1u64..8,
        seed in any::<u64>(),
        keys in proptest::collection::vec((0u32..65, 0u32..45), 0..80),
    ) {
        let mut next = crate::testkit::xorshift(seed | 1);
        let mut pairs = Vec::new();
        for i in 0..needs {
            for j in 0..offers {
                if next() % 8 < density {
                    pairs.push((i, j, 100, 100));
                }
            }
        }
        let inst = MarketInstance::new(
            Market::Talent,
            vec![1; needs as usize],
            vec![1; offers as usize],
            pairs,
        )
        .unwrap();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        for ks in [keys, sorted] {
            let got: Vec<Option<usize>> = inst.pair_indices(ks.iter().copied()).collect();
            let want: Vec<Option<usize>> = ks.iter().map(|&(i, j)| inst.pair_index(i, j)).collect();
            prop_assert_eq!(got, want);
        }
    }
}

proptest! {
    /// `partnership_changes` counts what a map from pair to units finds.
    #[test]
    fn partnership_changes_agree_with_maps(
        a in proptest::collection::btree_map((0u32..6, 0u32..6), 1u32..4, 0..20),
        b in proptest::collection::btree_map((0u32..6, 0u32..6), 1u32..4, 0..20),
    ) {
        let matches = |m: &std::collections::BTreeMap<(u32, u32), u32>| -> Vec<Match> {
            m.iter()
                .map(|(&(need, offer), &units)| Match { need, offer, units, score: 0 })
                .collect()
        };
        let c = partnership_changes(&matches(&a), &matches(&b));
        prop_assert_eq!(c.added, b.keys().filter(|k| !a.contains_key(k)).count());
        prop_assert_eq!(c.removed, a.keys().filter(|k| !b.contains_key(k)).count());
        prop_assert_eq!(
            c.changed,
            a.iter().filter(|(k, u)| b.get(k).is_some_and(|v| v != *u)).count()
        );
    }
}
