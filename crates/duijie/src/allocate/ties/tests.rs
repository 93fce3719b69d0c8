use proptest::prelude::*;

use super::*;
use crate::allocate::{Proposer, stable_matching_with};

/// A small instance: up to 5 residents and 4 hospitals with capacities 0–2; each party ranks a
/// random subset of the other side in groups drawn from 0..3 (so ties are common), with some
/// entries one-sided.
fn instance() -> impl Strategy<Value = HrtInstance> {
    (1usize..=5, 1usize..=4, any::<bool>()).prop_flat_map(|(nr, nh, one)| {
        let list = |n: usize| proptest::collection::vec(proptest::option::of(0u32..3), n);
        (
            proptest::collection::vec(list(nh), nr),
            proptest::collection::vec(list(nr), nh),
            proptest::collection::vec(if one { 1u32..=1 } else { 0u32..=2 }, nh),
        )
            .prop_map(|(rl, hl, cap)| {
                let tied = |l: &[Option<u32>]| -> TiedList {
                    let mut groups = vec![Vec::new(); 3];
                    for (b, g) in l.iter().enumerate() {
                        if let Some(g) = g {
                            groups[*g as usize].push(b as u32);
                        }
                    }
                    groups
                };
                HrtInstance::new(
                    rl.iter().map(|l| tied(l)).collect(),
                    hl.iter().map(|l| tied(l)).collect(),
                    cap,
                )
                .unwrap()
            })
    })
}

/// Every matching that respects the mutual lists and the capacities.
fn all_matchings(inst: &HrtInstance) -> Vec<HrMatching> {
    fn rec(
        inst: &HrtInstance,
        r: usize,
        m: &mut HrMatching,
        load: &mut [u32],
        out: &mut Vec<HrMatching>,
    ) {
        if r == inst.residents() {
            out.push(m.clone());
            return;
        }
        m[r] = None;
        rec(inst, r + 1, m, load, out);
        for &h in inst.resident_prefs[r].iter().flatten() {
            if load[h as usize] < inst.capacity[h as usize] {
                load[h as usize] += 1;
                m[r] = Some(h);
                rec(inst, r + 1, m, load, out);
                load[h as usize] -= 1;
            }
        }
        m[r] = None;
    }
    let mut out = Vec::new();
    rec(
        inst,
        0,
        &mut vec![None; inst.residents()],
        &mut vec![0; inst.hospitals()],
        &mut out,
    );
    out
}

/// How resident r ranks its place in m (unmatched last).
fn place(inst: &HrtInstance, r: usize, m: &HrMatching) -> u32 {
    m[r].map_or(u32::MAX, |h| inst.resident_rank[r][&h])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Super-stable: an answer has no weakly blocking pair and is the residents' best among the
    /// super-stable matchings the enumeration finds; "none" only when the enumeration finds
    /// none. The hospitals' side likewise on one-to-one instances.
    #[test]
    fn super_stable_is_found_exactly_when_one_exists(inst in instance()) {
        let all = all_matchings(&inst);
        let supers: Vec<&HrMatching> = all.iter().filter(|m| super_blocking_pairs(&inst, m).is_empty()).collect();
        match super_stable(&inst, false) {
            Ok(m) => {
                prop_assert!(all.contains(&m));
                prop_assert_eq!(super_blocking_pairs(&inst, &m), vec![]);
                for s in &supers {
                    for r in 0..inst.residents() {
                        prop_assert!(place(&inst, r, &m) <= place(&inst, r, s));
                    }
                }
            }
            Err(e) => prop_assert!(supers.is_empty(), "{e} but {:?} is super-stable", supers[0]),
        }
        if inst.capacity.iter().all(|&c| c == 1) {
            match super_stable(&inst, true) {
                Ok(m) => {
                    prop_assert!(all.contains(&m));
                    prop_assert_eq!(super_blocking_pairs(&inst, &m), vec![]);
                }
                Err(e) => prop_assert!(supers.is_empty(), "{e} but {:?} is super-stable", supers[0]),
            }
        } else {
            prop_assert_eq!(super_stable(&inst, true), Err(NoSuperStable::HospitalSideNeedsCapacityOne));
        }
    }

    /// Weakly stable: deferred acceptance on the ties broken by index or by a seed, either side
    /// proposing, leaves no strictly blocking pair.
    #[test]
    fn broken_ties_give_weakly_stable_matchings(inst in instance(), seed in any::<u64>()) {
        for rule in [TieBreak::Index, TieBreak::Seeded(seed)] {
            let strict = inst.broken(rule).unwrap();
            for side in [Proposer::Students, Proposer::Supervisors] {
                let m = stable_matching_with(&strict, side, &crate::allocate::Limits::default());
                prop_assert_eq!(&weakly_blocking_pairs(&inst, &m.student_project), &vec![]);
            }
        }
    }
}

#[test]
fn unknown_and_repeated_entries_are_named() {
    let e = HrtInstance::new(vec![vec![vec![0, 0]]], vec![vec![vec![0]]], vec![1]).unwrap_err();
    assert!(
        e.to_string().contains("resident 0 lists hospital 0 twice"),
        "{e}"
    );
    let e = HrtInstance::new(vec![vec![vec![3]]], vec![vec![vec![0]]], vec![1]).unwrap_err();
    assert!(
        e.to_string()
            .contains("resident 0 ranks hospital 3, outside 0..1"),
        "{e}"
    );
}

#[test]
fn a_tie_at_a_full_hospital_has_no_super_stable_matching() {
    // Two residents want the one place of hospital 0, which ranks them equally.
    let inst = HrtInstance::new(
        vec![vec![vec![0]], vec![vec![0]]],
        vec![vec![vec![0, 1]]],
        vec![1],
    )
    .unwrap();
    assert_eq!(
        super_stable(&inst, false),
        Err(NoSuperStable::HospitalNotFull { hospital: 0 })
    );
    let m = inst.broken(TieBreak::Index).unwrap();
    let s = crate::allocate::stable_student_optimal(&m);
    assert_eq!(s.student_project, vec![Some(0), None]);
}
