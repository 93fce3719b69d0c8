//! Allocation policies to compare (R9), behind one [`Policy`] trait that returns the same
//! [`Allocation`], and the metrics every policy is measured by ([`measure`]).
//!
//! A policy allocates one [`MarketInstance`]: needs with demands, offers with capacities, and
//! candidate pairs that carry two numbers, the need side's score (the [`Scorer`] value, which
//! is also the welfare every policy is measured in) and the offer side's own satisfaction
//! ([`Scorer::offer_view`]). Each side thus ranks partners by its own criteria, as in the
//! 双边匹配 literature.
//!
//! | policy | objective | exact? |
//! | --- | --- | --- |
//! | [`Greedy`] | best score first | heuristic (the baseline) |
//! | [`Welfare`] | maximum Σ score × units | exact, LP certificate |
//! | [`Stable`] | no blocking pair; needs or offers propose | exact, checked by [`blocking_pairs`] |
//! | [`Coverage`] | most needs and offers with a partner, then welfare | exact, LP certificate |
//! | [`TwoSided`] | α · need satisfaction + (1 − α) · offer satisfaction − λ · \|gap\| | exact for λ = 0; with λ > 0 the best of a Lagrangian search, with its upper bound |
//! | [`MaxMin`] | most needs covered, then the weakest covered need's best partner as good as possible, then welfare | exact (threshold search over exact solves) |
//!
//! [`Cooperation`] allocates under a cooperation mode ([`Mode`]: 一校对一企 1:1, 一校对多企 1:n,
//! 多校对一企 n:1, 多校对多企 n:n).
//!
//! [`recommendations`] gives the top-k partners of every need and every offer for a 对接会.
//!
//! Every policy is deterministic: ties go to the lower index.

pub mod agreements;
mod allocation;
mod covering;
mod flow;
mod live;
mod metrics;
mod modes;
mod stable;
#[cfg(test)]
mod tests;

pub use agreements::{Agreement, AgreementStatus, allocate_keeping, allocate_with};
pub use allocation::{
    Allocation, CandidateCapacity, Match, PartnershipChanges, UnmetReason, candidate_capacity,
    partnership_changes,
};
pub use live::LiveWelfare;
pub use metrics::{GroupCoverage, PolicyMetrics, Spread, gini, measure, measure_with_views};
pub use modes::{Cooperation, Mode};
pub use stable::{Side, blocking_pairs, deferred_acceptance, deferred_acceptance_within};

use rayon::prelude::*;

use crate::allocate::{self, Algorithm, AllocateError, Status, Transport};
use crate::score::{Market, Scorer};

/// One market's allocation problem: needs (rows) with demands, offers (columns) with
/// capacities, and candidate pairs scored from both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MarketInstance {
    /// The market.
    pub market: Market,
    /// Units each need asks for.
    pub demand: Vec<u32>,
    /// Units each offer can give.
    pub capacity: Vec<u32>,
    /// Candidate pairs `(need, offer, need-side score, offer-side satisfaction)`, fixed point,
    /// sorted by need then offer, each pair once.
    pub pairs: Vec<(u32, u32, i64, i64)>,
}

impl MarketInstance {
    /// Builds an instance from numbers (hand-made cases, other systems' data).
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] naming the pair whose need or offer does not exist,
    /// that is listed twice, or whose score is negative.
    pub fn new(
        market: Market,
        demand: Vec<u32>,
        capacity: Vec<u32>,
        mut pairs: Vec<(u32, u32, i64, i64)>,
    ) -> Result<Self, AllocateError> {
        pairs.sort_unstable_by_key(|p| (p.0, p.1));
        for (k, &(i, j, w, v)) in pairs.iter().enumerate() {
            let bad = |message: String| Err(AllocateError::InvalidInstance { message });
            if i as usize >= demand.len() || j as usize >= capacity.len() {
                return bad(format!(
                    "pair (need {i}, offer {j}) is outside {} needs × {} offers",
                    demand.len(),
                    capacity.len()
                ));
            }
            if k > 0 && (pairs[k - 1].0, pairs[k - 1].1) == (i, j) {
                return bad(format!("pair (need {i}, offer {j}) is listed twice"));
            }
            if w < 0 || v < 0 {
                return bad(format!(
                    "pair (need {i}, offer {j}) has a negative score ({w}, {v})"
                ));
            }
        }
        Ok(MarketInstance {
            market,
            demand,
            capacity,
            pairs,
        })
    }

    /// The instance of market `m` of the scorer's ledger: each need's best `k` candidates (all
    /// when `None`, see [`crate::score::top_candidates`]) with both sides' views.
    pub fn from_scorer(scorer: &Scorer<'_>, m: Market, k: Option<usize>) -> Self {
        let l = scorer.ledger();
        // Each pair's components are computed once, for both sides' views.
        let pairs = crate::score::top_candidates_with_views(scorer, m, k);
        MarketInstance {
            market: m,
            demand: (0..m.needs(l))
                .map(|i| crate::score::need_quantity(l, m, i))
                .collect(),
            capacity: (0..m.offers(l))
                .map(|j| crate::score::offer_quantity(l, m, j))
                .collect(),
            pairs,
        }
    }

    /// The instance of every market of the scorer's ledger, in [`Market::ALL`] order (see
    /// [`MarketInstance::from_scorer`]).
    pub fn every_market(scorer: &Scorer<'_>, k: Option<usize>) -> Vec<MarketInstance> {
        Market::ALL
            .iter()
            .map(|&m| MarketInstance::from_scorer(scorer, m, k))
            .collect()
    }

    /// Number of needs.
    pub fn needs(&self) -> usize {
        self.demand.len()
    }

    /// Number of offers.
    pub fn offers(&self) -> usize {
        self.capacity.len()
    }

    /// How many candidates each need has.
    pub fn candidate_counts(&self) -> Vec<u32> {
        let mut c = vec![0u32; self.needs()];
        for p in &self.pairs {
            c[p.0 as usize] += 1;
        }
        c
    }

    /// The transportation instance with weight `weight(pair)` on every pair (`|p| p.2` for the
    /// need-side score, the welfare policy's).
    ///
    /// # Errors
    /// As [`Transport::new`].
    pub fn transport(
        &self,
        weight: impl Fn(&(u32, u32, i64, i64)) -> i64,
    ) -> Result<Transport, AllocateError> {
        // The pairs are sorted by need then offer: the matrix is built in one pass.
        Transport::from_sorted(
            self.demand.clone(),
            self.capacity.clone(),
            self.pairs.iter().map(|p| (p.0, p.1, weight(p))),
        )
    }

    /// The index in `pairs` of the pair `(need i, offer j)`, by binary search in the sorted
    /// pairs; `None` when it is not a candidate.
    pub fn pair_index(&self, i: u32, j: u32) -> Option<usize> {
        self.pairs
            .binary_search_by_key(&(i, j), |p| (p.0, p.1))
            .ok()
    }

    /// The index in `pairs` of each `(need, offer)` of `keys`, in their order (`None`: not a
    /// candidate pair). Keys sorted by need then offer, as an allocation's matches are, are
    /// found by reading on from the last one, a stream the memory prefetches (a binary search
    /// per key costs a cache miss per step: 8.5 ms for a province market's 22,670 matches,
    /// against about 1 ms); a key more than 64 pairs on is found by galloping from there, one
    /// before the last by binary search. O(keys · log pairs) at worst.
    pub fn pair_indices<'a>(
        &'a self,
        keys: impl IntoIterator<Item = (u32, u32)> + 'a,
    ) -> impl Iterator<Item = Option<usize>> + 'a {
        const NEAR: usize = 64;
        let key_of = |p: &(u32, u32, i64, i64)| (p.0, p.1);
        let mut at = 0usize;
        let mut last = (0u32, 0u32);
        keys.into_iter().map(move |key| {
            if key < last {
                at = self.pairs.partition_point(|p| key_of(p) < key);
            } else {
                let near = self.pairs[at..]
                    .iter()
                    .take(NEAR)
                    .take_while(|p| key_of(p) < key)
                    .count();
                at += near;
                if near == NEAR {
                    // Gallop: the key is near, mostly; a search over all the rest would read
                    // far-away lines.
                    let mut step = NEAR;
                    while self.pairs.get(at + step).is_some_and(|p| key_of(p) < key) {
                        at += step;
                        step *= 2;
                    }
                    let end = (at + step).min(self.pairs.len());
                    at += self.pairs[at..end].partition_point(|p| key_of(p) < key);
                }
            }
            last = key;
            self.pairs.get(at).filter(|p| key_of(p) == key).map(|_| at)
        })
    }

    /// The `(need-side score, offer-side satisfaction)` of each match, in order (`(0, 0)` for
    /// a pair that is not a candidate); see [`MarketInstance::pair_indices`].
    pub fn match_views<'a>(
        &'a self,
        matches: &'a [Match],
    ) -> impl Iterator<Item = (i64, i64)> + 'a {
        self.pair_indices(matches.iter().map(|m| (m.need, m.offer)))
            .map(|k| k.map_or((0, 0), |k| (self.pairs[k].2, self.pairs[k].3)))
    }

    /// [`MarketInstance::match_views`] collected, read on every thread: each takes a run of
    /// the matches and reads on through the pairs from its first (on a province talent market,
    /// 22,642 matches in 997,162 pairs, a forward read of most of the pairs' 24 MB).
    pub fn views_of(&self, matches: &[Match]) -> Vec<(i64, i64)> {
        self.views_in_runs(matches, 1 << 12)
    }

    /// [`MarketInstance::views_of`] in runs of `run` matches (at least 1).
    fn views_in_runs(&self, matches: &[Match], run: usize) -> Vec<(i64, i64)> {
        matches
            .par_chunks(run.max(1))
            .flat_map_iter(|run| self.match_views(run))
            .collect()
    }

    /// The `(need-side score, offer-side satisfaction)` of a pair; `(0, 0)` when it is not a
    /// candidate.
    pub fn views(&self, i: u32, j: u32) -> (i64, i64) {
        self.pair_index(i, j)
            .map_or((0, 0), |k| (self.pairs[k].2, self.pairs[k].3))
    }

    /// The [`Allocation`] of an exact transport solution whose certificate has checked: its
    /// prices, and its objective as the bound.
    fn certified_allocation(&self, s: allocate::TransportSolution) -> Allocation {
        self.allocation(
            s.flows,
            s.status,
            s.algorithm,
            (s.row_price, s.col_price),
            Some(s.objective),
        )
    }

    /// Builds the [`Allocation`] of flows `(need, offer, units)`, merging repeated pairs.
    fn allocation(
        &self,
        flows: Vec<(u32, u32, u32)>,
        status: Status,
        algorithm: Algorithm,
        prices: (Vec<i64>, Vec<i64>),
        upper_bound: Option<i128>,
    ) -> Allocation {
        let matches = self.matches(flows);
        let candidate_capacity = crate::policy::candidate_capacity(
            self.needs(),
            self.pairs.iter().map(|p| (p.0, p.1)),
            &self.capacity,
            &matches,
        );
        self.settle(
            matches,
            (self.candidate_counts(), candidate_capacity),
            (status, algorithm),
            prices,
            upper_bound,
        )
    }

    /// The partnerships of flows `(need, offer, units)`, each with its pair's need-side score,
    /// sorted by need then offer, repeated pairs merged.
    fn matches(&self, flows: Vec<(u32, u32, u32)>) -> Vec<Match> {
        let mut matches = merge_flows(flows);
        // Sorted like the pairs: found in one forward read on each thread.
        let views = self.views_of(&matches);
        for (m, (score, _)) in matches.iter_mut().zip(views) {
            m.score = score;
        }
        matches
    }

    /// The [`Allocation`] of `matches` (sorted by need then offer) with each need's candidate
    /// count and [`CandidateCapacity`], how it was found, its prices and its bound.
    fn settle(
        &self,
        matches: Vec<Match>,
        (candidates, candidate_capacity): (Vec<u32>, Vec<CandidateCapacity>),
        (status, algorithm): (Status, Algorithm),
        prices: (Vec<i64>, Vec<i64>),
        upper_bound: Option<i128>,
    ) -> Allocation {
        let mut unmet = self.demand.clone();
        for mt in &matches {
            unmet[mt.need as usize] = unmet[mt.need as usize].saturating_sub(mt.units);
        }
        let welfare = matches
            .iter()
            .map(|mt| i128::from(mt.score) * i128::from(mt.units))
            .sum();
        Allocation {
            market: self.market,
            matches,
            unmet,
            candidates,
            candidate_capacity,
            welfare,
            status,
            algorithm,
            need_price: prices.0,
            offer_price: prices.1,
            upper_bound,
        }
    }
}

/// An allocation policy: turns a [`MarketInstance`] into an [`Allocation`].
///
/// Implementations provide [`Policy::allocate_within`] ([`Policy::allocate`] calls it with no
/// limits); they must be deterministic (the same instance gives the same allocation on any
/// number of threads) and must respect every demand and capacity.
pub trait Policy: Send + Sync {
    /// A short name for tables and the CLI (`greedy`, `welfare`, `stable-needs`, ...).
    fn name(&self) -> String;

    /// Allocates the instance, with no limit on the work.
    ///
    /// # Errors
    /// [`AllocateError`] when the instance cannot be solved exactly (numeric range), or a
    /// certificate fails to check (a solver bug, reported as
    /// [`AllocateError::InvalidInstance`]).
    fn allocate(&self, inst: &MarketInstance) -> Result<Allocation, AllocateError> {
        self.allocate_within(inst, &allocate::Limits::default())
    }

    /// Allocates the instance within `limits` (an iteration cap, and the caller's `stop`
    /// callback for a deadline). A policy stopped by them returns a feasible allocation marked
    /// [`Status::LimitReached`] (no optimality or stability claim). Every policy but
    /// [`Greedy`] honours the limits; greedy is one sort and one pass over the pairs
    /// (O(E log E), no iterations to cap).
    ///
    /// # Errors
    /// As [`Policy::allocate`].
    fn allocate_within(
        &self,
        inst: &MarketInstance,
        limits: &allocate::Limits<'_>,
    ) -> Result<Allocation, AllocateError>;
}

/// Best score first (the baseline every comparison needs): pairs in descending need-side
/// score, ties to the lower need then offer, each given as many units as both sides have left.
#[derive(Clone, Copy, Debug, Default)]
pub struct Greedy;

impl Policy for Greedy {
    fn name(&self) -> String {
        "greedy".into()
    }

    fn allocate_within(
        &self,
        inst: &MarketInstance,
        _limits: &allocate::Limits<'_>,
    ) -> Result<Allocation, AllocateError> {
        let t = inst.transport(|p| p.2)?;
        let s = allocate::greedy_transport(&t);
        Ok(inst.allocation(s.flows, s.status, s.algorithm, (vec![], vec![]), None))
    }
}

/// Welfare-optimal: maximum Σ need-side score × units (network simplex), certificate checked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Welfare;

impl Policy for Welfare {
    fn name(&self) -> String {
        "welfare".into()
    }

    fn allocate_within(
        &self,
        inst: &MarketInstance,
        limits: &allocate::Limits<'_>,
    ) -> Result<Allocation, AllocateError> {
        let t = inst.transport(|p| p.2)?;
        let (s, stopped) = solve_within(&t, limits)?;
        if stopped {
            // A feasible plan, no certificate.
            return Ok(inst.allocation(s.flows, s.status, s.algorithm, (vec![], vec![]), None));
        }
        Ok(inst.certified_allocation(s))
    }
}

impl Welfare {
    /// The welfare allocation of `inst` re-solved from `previous`, an earlier welfare
    /// allocation of the same market whose need and offer positions are this instance's (needs
    /// and offers that arrived since come after the earlier ones; an offer withdrawn has
    /// capacity 0; scores, demands and capacities may have changed). The answer is the same
    /// optimum as [`Policy::allocate`]'s with its certificate checked the same way; only the
    /// work differs: the earlier plan and prices are the start, and only what the changes
    /// reach is re-routed ([`allocate::max_weight_transport_from`]).
    ///
    /// # Errors
    /// As [`Policy::allocate`].
    pub fn reallocate(
        &self,
        inst: &MarketInstance,
        previous: &Allocation,
    ) -> Result<Allocation, AllocateError> {
        let t = inst.transport(|p| p.2)?;
        let flows: Vec<(u32, u32, u32)> = previous
            .matches
            .iter()
            .map(|m| (m.need, m.offer, m.units))
            .collect();
        let start = allocate::TransportStart {
            flows: &flows,
            row_price: &previous.need_price,
            col_price: &previous.offer_price,
        };
        let s = certified(&t, allocate::max_weight_transport_from(&t, &start)?)?;
        Ok(inst.certified_allocation(s))
    }
}

/// Stable: deferred acceptance with quantities, the given side proposing. Needs rank offers by
/// the need-side score, offers rank needs by their own satisfaction; ties to the lower index.
/// The proposing side gets its best stable allocation; the result has no blocking pair.
#[derive(Clone, Copy, Debug)]
pub struct Stable {
    /// Which side proposes.
    pub proposer: Side,
}

impl Policy for Stable {
    fn name(&self) -> String {
        match self.proposer {
            Side::Needs => "stable-needs".into(),
            Side::Offers => "stable-offers".into(),
        }
    }

    fn allocate_within(
        &self,
        inst: &MarketInstance,
        limits: &allocate::Limits<'_>,
    ) -> Result<Allocation, AllocateError> {
        let (flows, stopped) = deferred_acceptance_within(inst, self.proposer, limits);
        let a = inst.allocation(
            flows,
            Status::optimal_unless(stopped),
            Algorithm::DeferredAcceptance,
            (vec![], vec![]),
            None,
        );
        if stopped {
            return Ok(a);
        }
        let blocking = blocking_pairs(inst, &a);
        if let Some(&(i, j)) = blocking.first() {
            return Err(AllocateError::CertificateFailed {
                what: "stable allocation".into(),
                source: allocate::CertificateError::new(format!(
                    "deferred acceptance left {} blocking pairs, first (need {i}, offer {j})",
                    blocking.len()
                )),
            });
        }
        Ok(a)
    }
}

/// Coverage-constrained welfare: as many needs and offers as possible get at least one partner
/// (lexicographically first), then maximum welfare. Exact: the first unit of each need and of
/// each offer carries a bonus larger than any welfare difference.
///
/// Who is left without a partner, and why, is in [`coverage_shortfall`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Coverage;

impl Policy for Coverage {
    fn name(&self) -> String {
        "coverage".into()
    }

    fn allocate_within(
        &self,
        inst: &MarketInstance,
        limits: &allocate::Limits<'_>,
    ) -> Result<Allocation, AllocateError> {
        let c = covering::covering_solve(inst, None, true, limits)?;
        Ok(inst.allocation(
            c.flows,
            Status::optimal_unless(c.stopped),
            Algorithm::NetworkSimplex,
            (vec![], vec![]),
            None,
        ))
    }
}

/// Max–min fairness: as many needs covered as possible, then the smallest best-partner score
/// among covered needs as large as possible, then maximum welfare. Exact: a binary search over
/// the distinct scores, each step a max-flow that says how many needs the pairs at or above the
/// threshold can cover, then one exact weighted solve at the threshold found.
#[derive(Clone, Copy, Debug, Default)]
pub struct MaxMin;

impl Policy for MaxMin {
    fn name(&self) -> String {
        "maxmin".into()
    }

    fn allocate_within(
        &self,
        inst: &MarketInstance,
        limits: &allocate::Limits<'_>,
    ) -> Result<Allocation, AllocateError> {
        // How many needs can be covered with the pairs scoring at least `t` (a b-matching, by
        // max-flow): covering K needs takes one unit for each, and K first units are an
        // allocation covering K needs.
        let net = flow::CoverageNetwork::new(&inst.demand, &inst.capacity, &inst.pairs);
        let mut levels: Vec<i64> = inst.pairs.iter().map(|p| p.2).collect();
        levels.sort_unstable();
        levels.dedup();
        let target = {
            let mut f = net.empty_flow();
            net.augment(&mut f, i64::MIN);
            f.value()
        };
        // Largest threshold index whose coverage still reaches the target (index 0 always does,
        // as every score is ≥ levels[0]). `warm` is the maximum flow at `levels[hi]` (none
        // at the start): it uses only pairs at or above any threshold below, so each step
        // starts from it and only augments.
        let (mut lo, mut hi) = (0usize, levels.len());
        let mut warm = net.empty_flow();
        while hi > lo + 1 {
            let mid = lo + (hi - lo) / 2;
            let mut f = warm.clone();
            net.augment(&mut f, levels[mid]);
            if f.value() == target {
                lo = mid;
            } else {
                hi = mid;
                warm = f;
            }
        }
        // One exact solve: first units only on pairs at or above the level, most needs covered
        // (the target, by the search), then welfare. A need with units only outside its first
        // would make covered + it > target, which maximality rules out: so every covered need's
        // best partner is at or above the level.
        let c = covering::covering_solve(inst, levels.get(lo).copied(), false, limits)?;
        if c.stopped {
            return Ok(inst.allocation(
                c.flows,
                Status::LimitReached,
                Algorithm::NetworkSimplex,
                (vec![], vec![]),
                None,
            ));
        }
        if c.covered != target {
            return Err(AllocateError::Internal {
                message: format!(
                    "max–min: the exact solve covers {} needs, the max-flow {target}",
                    c.covered
                ),
            });
        }
        Ok(inst.allocation(
            c.flows,
            Status::Optimal,
            Algorithm::NetworkSimplex,
            (vec![], vec![]),
            None,
        ))
    }
}

/// Two-sided satisfaction (双边匹配): maximise `α · Σ need satisfaction + (1 − α) · Σ offer
/// satisfaction − λ · |Σ need satisfaction − Σ offer satisfaction|`, each side's satisfaction
/// measured by its own criteria (need-side score, offer-side view), summed over units.
///
/// With `fairness` λ = 0 this is the weighted-sum form, solved exactly. With λ > 0 (the
/// fairness form, which also narrows the gap between the two sides) the objective is concave;
/// the mixes `α + θ` for θ in `[−λ, λ]` are solved exactly (the two ends, then a bisection on
/// the sign of the Lagrangian's slope, at most 8 solves), the best allocation for the true
/// objective is kept, and the smallest Lagrangian value is returned as
/// [`Allocation::upper_bound`] (objective in fixed point). The result is proven optimal when
/// the two meet.
#[derive(Clone, Copy, Debug)]
pub struct TwoSided {
    /// α, the need side's weight in [0, 1].
    pub need_weight: f64,
    /// λ in [0, 4], the penalty on the gap between the two sides' totals (4 keeps every
    /// mixed weight exact in 64 bits).
    pub fairness: f64,
}

impl Default for TwoSided {
    fn default() -> Self {
        TwoSided {
            need_weight: 0.5,
            fairness: 0.0,
        }
    }
}

/// Mixes are fixed point in units of 1/`MIX`.
const MIX: i64 = 1024;

impl TwoSided {
    /// The objective of an allocation, fixed point × [`MIX`], and its two side totals.
    fn objective(&self, inst: &MarketInstance, flows: &[(u32, u32, u32)]) -> (i128, i128, i128) {
        let (mut sn, mut so) = (0i128, 0i128);
        for &(i, j, u) in flows {
            let (w, v) = inst.views(i, j);
            sn += i128::from(w) * i128::from(u);
            so += i128::from(v) * i128::from(u);
        }
        let (a, l) = self.mix();
        let obj = i128::from(a) * sn + i128::from(MIX - a) * so - i128::from(l) * (sn - so).abs();
        (obj, sn, so)
    }

    fn mix(&self) -> (i64, i64) {
        #[allow(clippy::cast_possible_truncation)]
        let q = |x: f64| (x * MIX as f64).round() as i64;
        (
            q(self.need_weight.clamp(0.0, 1.0)),
            q(self.fairness.clamp(0.0, 4.0)),
        )
    }
}

impl Policy for TwoSided {
    fn name(&self) -> String {
        if self.fairness > 0.0 {
            format!("two-sided-fair(α={} λ={})", self.need_weight, self.fairness)
        } else {
            format!("two-sided(α={})", self.need_weight)
        }
    }

    fn allocate_within(
        &self,
        inst: &MarketInstance,
        limits: &allocate::Limits<'_>,
    ) -> Result<Allocation, AllocateError> {
        // Out of range is refused, never clamped: a clamped α would allocate by another
        // policy than the one named.
        if !((0.0..=1.0).contains(&self.need_weight) && (0.0..=4.0).contains(&self.fairness)) {
            return Err(AllocateError::InvalidParameter {
                policy: self.name(),
                message: format!(
                    "α = {} must be in [0, 1] and λ = {} in [0, 4]",
                    self.need_weight, self.fairness
                ),
            });
        }
        let (a, l) = self.mix();
        // The Lagrangian U(θ) = max over allocations of Σ (a+θ)·sn + (MIX−a−θ)·so bounds the
        // objective for every θ in [−λ, λ]; it is convex in θ with slope sn − so at the
        // maximiser, so the smallest bound is found by bisection on the sign of that slope.
        let mut best: Option<((i128, i128, i128), Flows, TransportPrices)> = None;
        let mut bound = i128::MAX;
        let mut stopped_any = false;
        let mut solve = |theta: i64| -> Result<i128, AllocateError> {
            let (wn, wo) = (a + theta, MIX - a - theta);
            let t = inst.transport(|p| wn * p.2 + wo * p.3)?;
            let (s, stopped) = solve_within(&t, limits)?;
            // Only a finished solve's objective is the Lagrangian's value (a bound).
            if stopped {
                stopped_any = true;
            } else {
                bound = bound.min(s.objective);
            }
            let value = self.objective(inst, &s.flows);
            let slope = value.1 - value.2;
            if best.as_ref().is_none_or(|b| value.0 > b.0.0) {
                best = Some((value, s.flows, (s.row_price, s.col_price)));
            }
            Ok(slope)
        };
        if l == 0 {
            solve(0)?;
        } else {
            let (mut lo, mut hi) = (-l, l);
            let at_lo = solve(lo)?;
            let at_hi = solve(hi)?;
            // Minimum inside only when the slope changes sign across the interval.
            if at_lo < 0 && at_hi > 0 {
                for _ in 0..6 {
                    if hi - lo <= 1 {
                        break;
                    }
                    let mid = lo + (hi - lo) / 2;
                    match solve(mid)? {
                        x if x > 0 => hi = mid,
                        x if x < 0 => lo = mid,
                        _ => break,
                    }
                }
            }
        }
        let Some((value, flows, prices)) = best else {
            return Err(AllocateError::Internal {
                message: "the two-sided policy solved no mix".into(),
            });
        };
        if stopped_any {
            return Ok(inst.allocation(
                flows,
                Status::LimitReached,
                Algorithm::NetworkSimplex,
                (vec![], vec![]),
                (bound < i128::MAX).then_some(bound),
            ));
        }
        let status = if value.0 >= bound {
            Status::Optimal
        } else {
            Status::Heuristic
        };
        let mut out = inst.allocation(
            flows,
            status,
            Algorithm::NetworkSimplex,
            prices,
            Some(bound),
        );
        if l > 0 {
            // Prices certify the weighted-sum form only.
            out.need_price.clear();
            out.offer_price.clear();
        }
        Ok(out)
    }
}

type TransportPrices = (Vec<i64>, Vec<i64>);

/// Flows `(need, offer, units)`.
pub type Flows = Vec<(u32, u32, u32)>;

/// Ranked lists: for each party, `(partner, value)` best first.
pub type Ranked = Vec<Vec<(u32, i64)>>;

/// Solves a transportation instance within `limits`; checks the certificate when it finished.
/// Returns the solution and whether a limit stopped it (then it is feasible, not optimal).
fn solve_within(
    t: &Transport,
    limits: &allocate::Limits<'_>,
) -> Result<(allocate::TransportSolution, bool), AllocateError> {
    // Independent components are solved apart and in parallel; the combined plan's
    // certificate is checked whole below.
    let s = allocate::max_weight_transport_by_components(t, limits)?;
    if s.status == Status::LimitReached {
        return Ok((s, true));
    }
    Ok((certified(t, s)?, false))
}

/// `s` once its certificate has checked against `t`.
fn certified(
    t: &Transport,
    s: allocate::TransportSolution,
) -> Result<allocate::TransportSolution, AllocateError> {
    allocate::verify_transport(t, &s).map_err(|source| AllocateError::CertificateFailed {
        what: "transport".into(),
        source,
    })?;
    Ok(s)
}

/// Why a party of a [`Coverage`] allocation has no partner.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Shortfall {
    /// Which side.
    pub side: Side,
    /// Need or offer index.
    pub index: u32,
    /// Why, in words.
    pub reason: String,
}

/// The needs and offers of `inst` with demand or capacity but no partner in `a`, each with the
/// reason: no candidate at all, or (when `a` comes from [`Coverage`], which maximises coverage
/// exactly) every candidate's units are taken by parties who would otherwise have none.
pub fn coverage_shortfall(inst: &MarketInstance, a: &Allocation) -> Vec<Shortfall> {
    let mut need_partner = vec![false; inst.needs()];
    let mut offer_partner = vec![false; inst.offers()];
    for mt in &a.matches {
        need_partner[mt.need as usize] = true;
        offer_partner[mt.offer as usize] = true;
    }
    let mut need_cands = vec![0u32; inst.needs()];
    let mut offer_cands = vec![0u32; inst.offers()];
    for p in &inst.pairs {
        need_cands[p.0 as usize] += 1;
        offer_cands[p.1 as usize] += 1;
    }
    let why = |cands: u32, what: &str| {
        if cands == 0 {
            format!("no candidate {what}: nobody in the ledger can serve it")
        } else {
            format!(
                "its {cands} candidate {what}s are fully used by parties that would otherwise have no partner"
            )
        }
    };
    let mut out = Vec::new();
    for (i, &d) in inst.demand.iter().enumerate() {
        if d > 0 && !need_partner[i] {
            out.push(Shortfall {
                side: Side::Needs,
                index: u32::try_from(i).unwrap_or(u32::MAX),
                reason: why(need_cands[i], "offer"),
            });
        }
    }
    for (j, &c) in inst.capacity.iter().enumerate() {
        if c > 0 && !offer_partner[j] {
            out.push(Shortfall {
                side: Side::Offers,
                index: u32::try_from(j).unwrap_or(u32::MAX),
                reason: why(offer_cands[j], "need"),
            });
        }
    }
    out
}

/// The `k` best candidates of every need (by need-side score) and of every offer (by its own
/// satisfaction), for a 对接会 (matchmaking fair): `(needs, offers)`, each list best first,
/// ties to the lower index.
pub fn recommendations(inst: &MarketInstance, k: usize) -> (Ranked, Ranked) {
    let mut needs: Vec<Vec<(u32, i64)>> = vec![Vec::new(); inst.needs()];
    let mut offers: Vec<Vec<(u32, i64)>> = vec![Vec::new(); inst.offers()];
    for &(i, j, w, v) in &inst.pairs {
        needs[i as usize].push((j, w));
        offers[j as usize].push((i, v));
    }
    for list in needs.iter_mut().chain(offers.iter_mut()) {
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(k);
    }
    (needs, offers)
}

/// Every policy with its default settings, in table order.
pub fn all() -> Vec<Box<dyn Policy>> {
    vec![
        Box::new(Greedy),
        Box::new(Welfare),
        Box::new(Stable {
            proposer: Side::Needs,
        }),
        Box::new(Stable {
            proposer: Side::Offers,
        }),
        Box::new(Coverage),
        Box::new(TwoSided::default()),
        Box::new(TwoSided {
            need_weight: 0.5,
            fairness: 0.5,
        }),
        Box::new(MaxMin),
    ]
}

/// The cooperation modes as policies (`mode-1:1`, `mode-1:n`, `mode-n:1`, `mode-n:n`).
pub fn modes() -> Vec<Box<dyn Policy>> {
    Mode::ALL
        .iter()
        .map(|&m| Box::new(Cooperation::new(m)) as Box<dyn Policy>)
        .collect()
}

/// The policy called `name` (as [`Policy::name`] prints it, or `two-sided` for the default
/// weighted sum and `two-sided-fair` for the fairness form), or `None`. Covers [`all`] and
/// [`modes`].
pub fn by_name(name: &str) -> Option<Box<dyn Policy>> {
    match name {
        "two-sided" => return Some(Box::new(TwoSided::default())),
        "two-sided-fair" => {
            return Some(Box::new(TwoSided {
                need_weight: 0.5,
                fairness: 0.5,
            }));
        }
        _ => {}
    }
    all().into_iter().chain(modes()).find(|p| p.name() == name)
}

/// The names [`by_name`] accepts.
pub fn names() -> Vec<String> {
    let mut v: Vec<String> = all().iter().chain(&modes()).map(|p| p.name()).collect();
    v.extend(["two-sided".to_owned(), "two-sided-fair".to_owned()]);
    v
}

/// A policy name no policy answers to, with the names that do, or parameters a policy does not
/// take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPolicy {
    /// The name given.
    pub name: String,
    /// The names accepted ([`names`], plus `all` and `modes` where a list is read).
    pub known: Vec<String>,
    /// What is wrong with the parameters, when the name is known but they are not.
    pub reason: Option<String>,
}

impl std::fmt::Display for UnknownPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            Some(r) => write!(f, "policy {:?}: {r}", self.name),
            None => write!(
                f,
                "unknown policy {:?}; one of {}",
                self.name,
                self.known.join(", ")
            ),
        }
    }
}

/// A two-sided policy with its parameters as written: `two-sided:alpha=0.3` or
/// `two-sided-fair:alpha=0.5,lambda=0.2` (α, the need side's weight in [0, 1]; λ in [0, 4]).
/// α and λ are applied in steps of 1/1024, the nearest step to the value given (0.3 is applied
/// as 307/1024); the policy's name shows the value given.
///
/// # Errors
/// A policy that takes no parameters, an unknown parameter, or a value out of range.
pub fn with_parameters(spec: &str) -> Result<Box<dyn Policy>, String> {
    let (base, params) = spec.split_once(':').unwrap_or((spec, ""));
    let mut p = match base.trim() {
        "two-sided" => TwoSided::default(),
        "two-sided-fair" => TwoSided {
            need_weight: 0.5,
            fairness: 0.5,
        },
        other => {
            return Err(format!(
                "{other} takes no parameters (two-sided and two-sided-fair do)"
            ));
        }
    };
    for kv in params.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| format!("{kv:?} is not name=value"))?;
        let x: f64 = v
            .trim()
            .parse()
            .map_err(|_| format!("{k} = {v:?} is not a number"))?;
        match k.trim() {
            "alpha" if (0.0..=1.0).contains(&x) => p.need_weight = x,
            "alpha" => return Err(format!("alpha = {x} must be in [0, 1]")),
            "lambda" if base.trim() == "two-sided-fair" && (0.0..=4.0).contains(&x) => {
                p.fairness = x;
            }
            "lambda" if base.trim() == "two-sided-fair" => {
                return Err(format!("lambda = {x} must be in [0, 4]"));
            }
            other => {
                return Err(format!(
                    "unknown parameter {other:?}: {} takes {}",
                    base.trim(),
                    if base.trim() == "two-sided" {
                        "alpha"
                    } else {
                        "alpha and lambda"
                    }
                ));
            }
        }
    }
    Ok(Box::new(p))
}

impl std::error::Error for UnknownPolicy {}

/// Reads a comma-separated list of policy names (`greedy,welfare`), in order; `all` stands for
/// every policy of [`all`] and `modes` for the four cooperation modes of [`modes`]; a two-sided
/// policy may carry its parameters ([`with_parameters`]: `two-sided:alpha=0.3`). Spaces around
/// names are ignored.
///
/// # Errors
/// The first name no policy answers to, with the names that do, or the first parameter a
/// policy cannot take.
pub fn parse_list(list: &str) -> Result<Vec<Box<dyn Policy>>, UnknownPolicy> {
    // A parameter after a comma belongs to the policy before it:
    // `greedy,two-sided-fair:alpha=0.5,lambda=0.2` is two policies.
    let mut specs: Vec<String> = Vec::new();
    for part in list.split(',').map(str::trim) {
        match specs.last_mut() {
            Some(last) if part.contains('=') && !part.contains(':') && last.contains(':') => {
                last.push(',');
                last.push_str(part);
            }
            _ => specs.push(part.to_owned()),
        }
    }
    let known = || {
        [
            "all",
            "modes",
            "two-sided:alpha=A",
            "two-sided-fair:alpha=A,lambda=L",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain(names())
        .collect()
    };
    let mut out: Vec<Box<dyn Policy>> = Vec::new();
    for name in &specs {
        match name.as_str() {
            "all" => out.extend(all()),
            "modes" => out.extend(modes()),
            spec if spec.contains(':') => {
                out.push(with_parameters(spec).map_err(|reason| UnknownPolicy {
                    name: spec.to_owned(),
                    known: known(),
                    reason: Some(reason),
                })?);
            }
            _ => out.push(by_name(name).ok_or_else(|| UnknownPolicy {
                name: name.clone(),
                known: known(),
                reason: None,
            })?),
        }
    }
    Ok(out)
}

/// Flows `(need, offer, units)` as matches sorted by need then offer, repeated pairs merged and
/// empty flows dropped; scores 0, for the caller to fill.
fn merge_flows(mut flows: Vec<(u32, u32, u32)>) -> Vec<Match> {
    flows.retain(|f| f.2 > 0);
    flows.sort_unstable();
    let mut matches: Vec<Match> = Vec::with_capacity(flows.len());
    for (i, j, u) in flows {
        match matches.last_mut() {
            Some(last) if (last.need, last.offer) == (i, j) => last.units += u,
            _ => matches.push(Match {
                need: i,
                offer: j,
                units: u,
                score: 0,
            }),
        }
    }
    matches
}
