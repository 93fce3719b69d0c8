//! What every policy returns: an [`Allocation`] of one market — its partnerships ([`Match`]),
//! what is left unmet and why ([`UnmetReason`]), and the certificate of optimality when the
//! policy proves one.

use crate::allocate::{Algorithm, Status};
use crate::score::Market;

/// One partnership: `units` of need `need` served by offer `offer`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Match {
    /// Row: index of the need in its market's table of the ledger.
    pub need: u32,
    /// Column: index of the offer in its market's table.
    pub offer: u32,
    /// Units placed (persons, projects, trainees, places).
    pub units: u32,
    /// Score per unit, fixed point (see [`crate::score::SCALE`]).
    pub score: i64,
}

/// The allocation of one market, with the certificate of its optimality.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Allocation {
    /// The market.
    pub market: Market,
    /// Partnerships, sorted by need then offer.
    pub matches: Vec<Match>,
    /// Units of each need left unmet, indexed by need.
    pub unmet: Vec<u32>,
    /// How many candidate offers each need had, indexed by need (0 explains an unmet need:
    /// nobody in the ledger can serve it).
    pub candidates: Vec<u32>,
    /// Σ score × units, fixed point.
    pub welfare: i128,
    /// Optimal, heuristic or limit reached.
    pub status: Status,
    /// The algorithm that ran.
    pub algorithm: Algorithm,
    /// What each need's candidate offers could hold and how much of it went to other needs,
    /// indexed by need: the facts behind [`Allocation::unmet_reason`].
    #[cfg_attr(feature = "serde", serde(default))]
    pub candidate_capacity: Vec<CandidateCapacity>,
    /// Dual price of each need (LP certificate).
    pub need_price: Vec<i64>,
    /// Dual price of each offer's capacity (LP certificate).
    pub offer_price: Vec<i64>,
    /// The best objective value any allocation could reach, when the policy proves one (the
    /// LP optimum for welfare, the Lagrangian bound for the two-sided fairness form).
    pub upper_bound: Option<i128>,
}

/// The capacity of one need's candidate offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CandidateCapacity {
    /// Units all its candidate offers hold together.
    pub total: u64,
    /// Units of those offers the allocation gave to other needs.
    pub to_others: u64,
    /// Units of those offers the allocation gave to this need.
    #[cfg_attr(feature = "serde", serde(default))]
    pub received: u64,
}

/// Why a need was not met in full, from the allocation's own figures (each is true of the
/// allocation it comes from, whatever the policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum UnmetReason {
    /// No offer in the ledger can serve it (no related major or discipline in its year, or
    /// every pair scores at or below the threshold).
    NoCandidate,
    /// It has candidate offers, but every one of them has a capacity of 0.
    NoCapacity,
    /// Its candidate offers hold fewer units than it asks for, and all of them went to it.
    CapacityBelowDemand {
        /// Units its candidate offers hold together.
        capacity: u64,
    },
    /// Some of its candidate offers' units went to other needs.
    CapacityToOthers {
        /// Units of its candidates given to other needs.
        to_others: u64,
        /// Units its candidate offers hold together.
        capacity: u64,
    },
    /// Some of its candidate offers' units stayed unused (a heuristic or a rule-based policy
    /// can leave them so).
    CapacityLeftFree {
        /// Units of its candidates that no need received.
        free: u64,
    },
}

impl Allocation {
    /// Why need `i` was not met in full; `None` when it was (or `i` is out of range). O(1).
    pub fn unmet_reason(&self, i: usize) -> Option<UnmetReason> {
        if self.unmet.get(i).copied().unwrap_or(0) == 0 {
            return None;
        }
        if self.candidates.get(i).copied().unwrap_or(0) == 0 {
            return Some(UnmetReason::NoCandidate);
        }
        let c = self.candidate_capacity.get(i).copied().unwrap_or_default();
        let free = c.total.saturating_sub(c.received + c.to_others);
        Some(if c.total == 0 {
            UnmetReason::NoCapacity
        } else if free > 0 {
            UnmetReason::CapacityLeftFree { free }
        } else if c.to_others == 0 {
            UnmetReason::CapacityBelowDemand { capacity: c.total }
        } else {
            UnmetReason::CapacityToOthers {
                to_others: c.to_others,
                capacity: c.total,
            }
        })
    }
}

/// How many partnerships one allocation of a market adds, removes and changes (other units)
/// against an earlier one of the same market (needs and offers in the same positions, new ones
/// after them); see [`partnership_changes`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PartnershipChanges {
    /// Pairs matched now and not before.
    pub added: usize,
    /// Pairs matched before and not now.
    pub removed: usize,
    /// Pairs matched in both, with other units.
    pub changed: usize,
}

/// The [`PartnershipChanges`] from `before` to `after` (each sorted by need then offer, as an
/// [`Allocation`]'s matches are), in one merge.
pub fn partnership_changes(before: &[Match], after: &[Match]) -> PartnershipChanges {
    let mut c = PartnershipChanges::default();
    match_differences(before, after, |was, now| match (was, now) {
        (Some(_), Some(_)) => c.changed += 1,
        (Some(_), None) => c.removed += 1,
        _ => c.added += 1,
    });
    c
}

/// Calls `each` for every partnership that differs from `before` to `after` (each sorted by need
/// then offer), in one merge: `(Some, None)` removed, `(None, Some)` added, `(Some, Some)` the
/// same pair with other units.
pub(crate) fn match_differences<'a>(
    before: &'a [Match],
    after: &'a [Match],
    mut each: impl FnMut(Option<&'a Match>, Option<&'a Match>),
) {
    let (mut i, mut j) = (0, 0);
    let key = |m: &Match| (m.need, m.offer);
    while i < before.len() || j < after.len() {
        match (before.get(i), after.get(j)) {
            (Some(a), Some(b)) if key(a) == key(b) => {
                if a.units != b.units {
                    each(Some(a), Some(b));
                }
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if key(a) < key(b) => {
                each(Some(a), None);
                i += 1;
            }
            (Some(a), None) => {
                each(Some(a), None);
                i += 1;
            }
            (_, b) => {
                each(None, b);
                j += 1;
            }
        }
    }
}

/// [`CandidateCapacity`] of every need: `pairs` are the candidate pairs `(need, offer)`,
/// `capacity` the offers' capacities, `matches` the allocation. O(pairs + matches) when both are
/// sorted by need then offer (as instances and allocations are); right in any order.
pub fn candidate_capacity(
    needs: usize,
    pairs: impl Iterator<Item = (u32, u32)> + Clone,
    capacity: &[u32],
    matches: &[Match],
) -> Vec<CandidateCapacity> {
    let mut used = vec![0u64; capacity.len()];
    for m in matches {
        if let Some(u) = used.get_mut(m.offer as usize) {
            *u += u64::from(m.units);
        }
    }
    // Units need i itself got from offer j: matches are sorted by need then offer, and so are
    // the pairs, so one merge walk finds them (no hashing, which costs seconds at 10⁷ pairs).
    // Any other order is still answered right, only slower: matches are sorted here if they
    // are not, and a pair out of order restarts the walk.
    let sorted;
    let matches = if matches
        .windows(2)
        .all(|w| (w[0].need, w[0].offer) <= (w[1].need, w[1].offer))
    {
        matches
    } else {
        let mut m = matches.to_vec();
        m.sort_by_key(|m| (m.need, m.offer));
        sorted = m;
        &sorted[..]
    };
    let mut at = 0usize;
    let mut last = (0u32, 0u32);
    let mut out = vec![CandidateCapacity::default(); needs];
    for (i, j) in pairs {
        let (Some(o), Some(&cap)) = (out.get_mut(i as usize), capacity.get(j as usize)) else {
            continue;
        };
        if (i, j) < last {
            at = 0;
        }
        last = (i, j);
        while at < matches.len() && (matches[at].need, matches[at].offer) < (i, j) {
            at += 1;
        }
        let mine = matches[at..]
            .iter()
            .take_while(|m| (m.need, m.offer) == (i, j))
            .map(|m| u64::from(m.units))
            .sum::<u64>();
        o.total += u64::from(cap);
        o.received += mine;
        o.to_others += used[j as usize].saturating_sub(mine);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::UnmetReason as R;
    use crate::policy::{Greedy, MarketInstance, Policy, Welfare};
    use crate::score::Market;

    /// The reason of each need after `policy` on needs `demand`, offers `capacity`, pairs
    /// `(need, offer, score)`.
    fn reasons(
        policy: &dyn Policy,
        demand: Vec<u32>,
        capacity: Vec<u32>,
        pairs: &[(u32, u32, i64)],
    ) -> Vec<Option<R>> {
        let inst = MarketInstance::new(
            Market::Talent,
            demand,
            capacity,
            pairs.iter().map(|&(i, j, s)| (i, j, s, s)).collect(),
        )
        .unwrap();
        let a = policy.allocate(&inst).unwrap();
        (0..inst.needs()).map(|i| a.unmet_reason(i)).collect()
    }

    #[test]
    fn each_unmet_need_gets_the_reason_that_is_true_of_it() {
        // Need 0's only offer holds 2 of the 5 it asks, and all 2 went to it (the case that
        // was told "candidate offers are full: their capacity serves higher-scoring needs").
        // Need 1 has no candidate; need 2's only offer has capacity 0.
        assert_eq!(
            reasons(
                &Welfare,
                vec![5, 1, 3],
                vec![2, 0],
                &[(0, 0, 900), (2, 1, 500)]
            ),
            [
                Some(R::CapacityBelowDemand { capacity: 2 }),
                Some(R::NoCandidate),
                Some(R::NoCapacity)
            ]
        );
        // Two needs share one offer of 3 places; the higher-scoring need takes all 3.
        assert_eq!(
            reasons(&Welfare, vec![3, 2], vec![3], &[(0, 0, 900), (1, 0, 100)]),
            [
                None,
                Some(R::CapacityToOthers {
                    to_others: 3,
                    capacity: 3
                })
            ]
        );
        // Zero capacity everywhere: every need says so, none blames other needs.
        let all_zero = reasons(
            &Greedy,
            vec![2, 2],
            vec![0, 0],
            &[(0, 0, 9), (0, 1, 8), (1, 1, 7)],
        );
        assert_eq!(all_zero, [Some(R::NoCapacity), Some(R::NoCapacity)]);
    }

    #[test]
    fn errors_keep_their_kind_and_cause() {
        use crate::allocate::AllocateError;
        use std::error::Error as _;
        // A bad scoring config is a config error naming its field, not a message.
        let mut cfg = crate::score::ScoreConfig::default();
        cfg.talent.major_fit = -1.0;
        let ledger = crate::Ledger::default();
        match crate::pipeline::run_with(&ledger, &cfg) {
            Err(AllocateError::Config(e)) => assert_eq!(e.field, "talent.major_fit"),
            other => panic!("{other:?}"),
        }
        // A policy parameter out of range is a parameter error; through a comparison it is
        // wrapped with the policy and market, and the cause is still there to match.
        let bad = crate::policy::TwoSided {
            need_weight: f64::NAN,
            fairness: 0.0,
        };
        let inst =
            MarketInstance::new(Market::Talent, vec![1], vec![1], vec![(0, 0, 5, 5)]).unwrap();
        assert!(matches!(
            bad.allocate(&inst),
            Err(AllocateError::InvalidParameter { .. })
        ));
        let policies: Vec<Box<dyn Policy>> = vec![Box::new(bad)];
        let e = crate::experiment::compare_on(&ledger, "t", None, &[inst], &policies, None, None)
            .unwrap_err();
        match &e {
            AllocateError::Policy { market, source, .. } => {
                assert_eq!(*market, Market::Talent);
                assert!(matches!(**source, AllocateError::InvalidParameter { .. }));
            }
            other => panic!("{other:?}"),
        }
        assert!(e.source().is_some());
    }
}
