//! Stable allocation with quantities: deferred acceptance in which a need or an offer proposes
//! all its remaining units at once, and the blocking pairs of any allocation.
//!
//! Each unit of a need is a separate agent with the need's preferences (as in the
//! hospital–residents expansion), so "stable" means: no need and offer that are not yet
//! trading all they could would both rather move one unit to each other. Working on quantities
//! instead of expanded units keeps the lists O(candidate pairs) however large the demands.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::MarketInstance;
use crate::policy::Allocation;

/// A side of a market.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Side {
    /// The needs (rows): enterprises' needs, or schools' for placements.
    Needs,
    /// The offers (columns).
    Offers,
}

/// A proposer's rank key at a receiver: smaller is better (higher satisfaction, then lower
/// index).
type Key = (Reverse<i64>, u32);

/// Deferred acceptance with quantities, `proposer` side proposing: the proposer-optimal stable
/// allocation, as flows `(need, offer, units)`.
///
/// Needs rank offers by the need-side score, offers rank needs by their own satisfaction
/// (the fourth field of each pair); ties go to the lower index. A proposer offers all its
/// unplaced units to its best receiver not yet known to be full of better partners; the
/// receiver keeps its best units up to its quantity and returns the rest, taking them from its
/// worst-ranked holders first.
///
/// Complexity: O((pairs + rejections) · log pairs).
pub fn deferred_acceptance(inst: &MarketInstance, proposer: Side) -> Vec<(u32, u32, u32)> {
    deferred_acceptance_within(inst, proposer, &crate::allocate::Limits::default()).0
}

/// [`deferred_acceptance`] within `limits` (an iteration is one proposal). Returns the flows
/// held when it stopped and whether a limit stopped it: then every demand and capacity is
/// respected but the allocation need not be stable.
pub fn deferred_acceptance_within(
    inst: &MarketInstance,
    proposer: Side,
    limits: &crate::allocate::Limits<'_>,
) -> (Vec<(u32, u32, u32)>, bool) {
    let (mut proposals, mut stopped) = (0u64, false);
    let (np, nr) = match proposer {
        Side::Needs => (inst.needs(), inst.offers()),
        Side::Offers => (inst.offers(), inst.needs()),
    };
    let (p_qty, r_qty) = match proposer {
        Side::Needs => (&inst.demand, &inst.capacity),
        Side::Offers => (&inst.capacity, &inst.demand),
    };
    // Each proposer's list (receiver, proposer's key at the receiver), best first.
    let mut lists: Vec<Vec<(u32, Key)>> = vec![Vec::new(); np];
    let mut prefs: Vec<Vec<(Key, u32)>> = vec![Vec::new(); np];
    for &(i, j, w, v) in &inst.pairs {
        let (p, r, own, theirs) = match proposer {
            Side::Needs => (i, j, w, v),
            Side::Offers => (j, i, v, w),
        };
        prefs[p as usize].push(((Reverse(own), r), r));
        lists[p as usize].push((r, (Reverse(theirs), p)));
    }
    for (list, pref) in lists.iter_mut().zip(&mut prefs) {
        // Sort the proposer's list by its own preference.
        let mut order: Vec<usize> = (0..pref.len()).collect();
        order.sort_by_key(|&k| pref[k].0);
        *list = order.iter().map(|&k| list[k]).collect();
    }
    drop(prefs);
    let mut remaining: Vec<u32> = p_qty.clone();
    let mut next = vec![0usize; np];
    // Each receiver's held blocks (key, proposer, units), worst on top.
    let mut held: Vec<BinaryHeap<(Key, u32, u32)>> = vec![BinaryHeap::new(); nr];
    let mut total = vec![0u64; nr];
    let mut queued = vec![false; np];
    let mut queue: VecDeque<u32> = (0..np)
        .filter(|&p| remaining[p] > 0 && !lists[p].is_empty())
        .map(|p| u32::try_from(p).unwrap_or(u32::MAX))
        .collect();
    for &p in &queue {
        queued[p as usize] = true;
    }
    'outer: while let Some(p) = queue.pop_front() {
        let pu = p as usize;
        queued[pu] = false;
        while remaining[pu] > 0 && next[pu] < lists[pu].len() {
            if limits.reached(proposals + 1) {
                stopped = true;
                break 'outer;
            }
            proposals += 1;
            let (r, key) = lists[pu][next[pu]];
            let ru = r as usize;
            let cap = u64::from(r_qty[ru]);
            held[ru].push((key, p, remaining[pu]));
            total[ru] += u64::from(remaining[pu]);
            remaining[pu] = 0;
            while total[ru] > cap {
                let excess = total[ru] - cap;
                let Some(mut top) = held[ru].peek_mut() else {
                    break;
                };
                let take = u32::try_from(excess.min(u64::from(top.2))).unwrap_or(u32::MAX);
                top.2 -= take;
                total[ru] -= u64::from(take);
                let q = top.1;
                remaining[q as usize] += take;
                if top.2 == 0 {
                    std::collections::binary_heap::PeekMut::pop(top);
                }
                if q != p && !queued[q as usize] {
                    queued[q as usize] = true;
                    queue.push_back(q);
                }
            }
            if remaining[pu] > 0 {
                // Rejected here: the receiver is full of partners it ranks above `p`.
                next[pu] += 1;
            }
        }
    }
    let mut flows = Vec::new();
    for (r, h) in held.into_iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for (_, p, u) in h {
            if u > 0 {
                flows.push(match proposer {
                    Side::Needs => (p, r, u),
                    Side::Offers => (r, p, u),
                });
            }
        }
    }
    flows.sort_unstable();
    (flows, stopped)
}

/// The blocking pairs `(need, offer)` of allocation `a` of `inst`: a candidate pair in which
/// the need has an unmet unit or a unit placed with an offer it ranks lower, and the offer has
/// a spare unit or a unit given to a need it ranks lower. Ranks as in [`deferred_acceptance`].
/// Sorted; empty exactly when `a` is stable. O(pairs + matches).
pub fn blocking_pairs(inst: &MarketInstance, a: &Allocation) -> Vec<(u32, u32)> {
    blocking(inst, a).collect()
}

/// How many blocking pairs `a` has ([`blocking_pairs`] without collecting them);
/// [`measure`](super::measure) counts them in its [`pair_census`].
#[cfg(test)]
pub fn blocking_pair_count(inst: &MarketInstance, a: &Allocation) -> usize {
    pair_census(inst, a, &inst.views_of(&a.matches)).blocking
}

/// What one read of every pair tells of an allocation: which needs and which offers have a
/// candidate pair, and how many pairs block it.
pub(super) struct PairCensus {
    /// Whether each need has a candidate pair.
    pub(super) need_has: Vec<bool>,
    /// Whether each offer has a candidate pair.
    pub(super) offer_has: Vec<bool>,
    /// The blocking pairs of the allocation ([`blocking_pairs`]).
    pub(super) blocking: usize,
}

/// The [`PairCensus`] of `a` (each match's `views`, as [`MarketInstance::views_of`] gives
/// them), in one read of the pairs on every thread (the pairs are sorted by need, so a run
/// marks each of its needs once).
pub(super) fn pair_census(
    inst: &MarketInstance,
    a: &Allocation,
    views: &[(i64, i64)],
) -> PairCensus {
    census_in_runs(inst, a, views, 1 << 15)
}

/// [`pair_census`] in runs of `run` pairs (at least 1), each read in one loop that marks its
/// needs and offers and counts its blocking pairs (a loop per run, not a fold per pair, which
/// on the province talent market's 997,162 pairs took 5–10 ms against 3–4).
pub(super) fn census_in_runs(
    inst: &MarketInstance,
    a: &Allocation,
    views: &[(i64, i64)],
    run: usize,
) -> PairCensus {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    let sides = Sides::of(inst, a, views);
    // Marks shared by the runs, set only where not set yet: once marked, a flag is only read,
    // so the runs do not pass its cache line back and forth, and no run keeps its own copy of
    // every offer's flag (a copy per run would cost runs × offers).
    let mark = |flags: &[AtomicBool], k: u32| {
        let f = &flags[k as usize];
        if !f.load(Relaxed) {
            f.store(true, Relaxed);
        }
    };
    let need_marks: Vec<AtomicBool> = (0..inst.needs()).map(|_| AtomicBool::new(false)).collect();
    let offer_marks: Vec<AtomicBool> = (0..inst.offers()).map(|_| AtomicBool::new(false)).collect();
    let blocking = inst
        .pairs
        .par_chunks(run.max(1))
        .map(|run| {
            let mut last = None;
            let mut count = 0usize;
            for p in run {
                if last != Some(p.0) {
                    mark(&need_marks, p.0);
                    last = Some(p.0);
                }
                mark(&offer_marks, p.1);
                count += usize::from(sides.block(p));
            }
            count
        })
        .sum();
    let flags = |marks: Vec<AtomicBool>| marks.into_iter().map(AtomicBool::into_inner).collect();
    let (need_has, offer_has) = (flags(need_marks), flags(offer_marks));
    PairCensus {
        need_has,
        offer_has,
        blocking,
    }
}

/// The blocking pairs of `a`, in pair order.
fn blocking<'a>(inst: &'a MarketInstance, a: &Allocation) -> impl Iterator<Item = (u32, u32)> + 'a {
    let sides = Sides::of(inst, a, &inst.views_of(&a.matches));
    inst.pairs
        .iter()
        .filter(move |p| sides.block(p))
        .map(|p| (p.0, p.1))
}

/// What a pair needs to know of both sides of an allocation to tell whether it blocks it: for
/// each need and each offer, the bar a candidate's rank key must fall below for that side to
/// want the pair. A side with room wants any candidate (bar above every key); a full side wants
/// one it ranks above its worst partner (bar: that partner's key); a side with nothing to give
/// wants none (bar below every key).
struct Sides {
    need_bar: Vec<i128>,
    offer_bar: Vec<i128>,
}

/// A rank key (`(Reverse(satisfaction), index)`, smaller is better) as one number in the same
/// order: `−satisfaction · 2³² + index`, exact for every `i64` and `u32`.
#[inline]
fn rank(satisfaction: i64, index: u32) -> i128 {
    -(i128::from(satisfaction) << 32) + i128::from(index)
}

impl Sides {
    /// The sides of `a`, whose matches have `views` ([`MarketInstance::views_of`]).
    fn of(inst: &MarketInstance, a: &Allocation, views: &[(i64, i64)]) -> Sides {
        let (n, m) = (inst.needs(), inst.offers());
        let mut need_worst = vec![i128::MIN; n];
        let mut offer_worst = vec![i128::MIN; m];
        let mut placed = vec![0u64; n];
        let mut used = vec![0u64; m];
        for (mt, &(w, v)) in a.matches.iter().zip(views) {
            if mt.units == 0 {
                continue;
            }
            let (i, j) = (mt.need as usize, mt.offer as usize);
            need_worst[i] = need_worst[i].max(rank(w, mt.offer));
            offer_worst[j] = offer_worst[j].max(rank(v, mt.need));
            placed[i] += u64::from(mt.units);
            used[j] += u64::from(mt.units);
        }
        // Every key is above `i128::MIN` and below `i128::MAX`: a side with no partner and no
        // room keeps the bar `MIN`, and wants nothing.
        let bar = |worst: i128, had: u64, has: u32| {
            if had < u64::from(has) {
                i128::MAX
            } else {
                worst
            }
        };
        Sides {
            need_bar: (0..n)
                .map(|i| bar(need_worst[i], placed[i], inst.demand[i]))
                .collect(),
            offer_bar: (0..m)
                .map(|j| bar(offer_worst[j], used[j], inst.capacity[j]))
                .collect(),
        }
    }

    /// Whether the pair `(i, j, w, v)` blocks: both sides have room or would rather have it.
    #[inline]
    fn block(&self, &(i, j, w, v): &(u32, u32, i64, i64)) -> bool {
        rank(w, j) < self.need_bar[i as usize] && rank(v, i) < self.offer_bar[j as usize]
    }
}
