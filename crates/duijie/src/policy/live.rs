//! The welfare allocation of one market kept live between rounds: the market instance and the
//! optimal basis of its last solve ([`LiveTransport`]), changed as needs arrive and offers are
//! withdrawn, and re-solved from that basis.

use rayon::prelude::*;

use super::{Allocation, CandidateCapacity, MarketInstance, Match, candidate_capacity};
use crate::allocate::{
    AllocateError, GROWTH_ROOM, Limits, LiveTransport, Status, TransportSolution,
};

/// One market's [`Welfare`](super::Welfare) allocation, kept live: each round's changes are
/// applied to the instance and to the last optimal basis, and [`LiveWelfare::allocate`]
/// re-solves from there. Every answer is the same optimum as a fresh
/// [`Policy::allocate`](super::Policy::allocate) of [`LiveWelfare::instance`], with its
/// certificate checked the same way; only the work differs (figures in
/// `ARCHITECTURE.md`).
///
/// # Example
/// ```
/// use duijie::Market;
/// use duijie::policy::{LiveWelfare, MarketInstance, Policy, Welfare};
/// let inst = MarketInstance::new(
///     Market::Talent,
///     vec![4, 2],
///     vec![3, 5],
///     vec![(0, 0, 90, 10), (0, 1, 60, 10), (1, 1, 80, 10)],
/// )
/// .unwrap();
/// let mut live = LiveWelfare::new(inst).unwrap();
/// live.allocate().unwrap();
/// let need = live.add_need(3, &[(0, 95, 20), (1, 70, 20)]).unwrap();
/// live.withdraw_offer(0).unwrap();
/// let a = live.allocate().unwrap();
/// assert_eq!(a.welfare, Welfare.allocate(live.instance()).unwrap().welfare);
/// assert!(a.matches.iter().all(|m| m.offer != 0));
/// assert_eq!(need, 2);
/// ```
#[derive(Clone)]
pub struct LiveWelfare {
    inst: MarketInstance,
    live: LiveTransport,
    /// Where each need's pairs start in the instance's pairs, and where the last ends.
    row_start: Vec<usize>,
    /// The needs that list each offer as a candidate, in order.
    offer_needs: Vec<Vec<u32>>,
    /// The last optimal allocation's figures (`None`: none yet, or a solve stopped or failed
    /// since; the next allocation computes every need's).
    seen: Option<Seen>,
}

/// What the needs' [`CandidateCapacity`] is made of, as the last optimal allocation left it: a
/// need's `total` and `to_others + received` move only when one of its candidate offers
/// changes its capacity or the units it gives ([`LiveWelfare::candidate_capacity_since`]).
#[derive(Clone)]
struct Seen {
    candidate_capacity: Vec<CandidateCapacity>,
    /// Units each offer gave, and its capacity.
    used: Vec<u64>,
    capacity: Vec<u32>,
}

fn invalid(message: String) -> AllocateError {
    AllocateError::InvalidInstance { message }
}

impl LiveWelfare {
    /// Keeps `inst` live; the first [`LiveWelfare::allocate`] solves it from scratch. Starts
    /// with room for an eighth more needs and pairs ([`LiveWelfare::reserve`]), so that the
    /// first rounds add to the arrays in place rather than copying them.
    ///
    /// # Errors
    /// As [`Policy::allocate`](super::Policy::allocate).
    pub fn new(inst: MarketInstance) -> Result<LiveWelfare, AllocateError> {
        let live = LiveTransport::new(inst.transport(|p| p.2)?)?;
        let mut row_start = vec![0; inst.needs() + 1];
        for p in &inst.pairs {
            row_start[p.0 as usize + 1] += 1;
        }
        for i in 0..inst.needs() {
            row_start[i + 1] += row_start[i];
        }
        let mut offer_needs = vec![Vec::new(); inst.offers()];
        for p in &inst.pairs {
            offer_needs[p.1 as usize].push(p.0);
        }
        let room = (
            inst.needs() / GROWTH_ROOM + 1,
            inst.pairs.len() / GROWTH_ROOM + 1,
        );
        let mut w = LiveWelfare {
            inst,
            live,
            row_start,
            offer_needs,
            seen: None,
        };
        // `LiveTransport::new` has reserved the same room for the solver's arrays.
        w.reserve_own(room.0, room.1);
        Ok(w)
    }

    /// The market as it stands after the changes so far.
    pub fn instance(&self) -> &MarketInstance {
        &self.inst
    }

    /// Pivots the last [`LiveWelfare::allocate`] took.
    pub fn pivots(&self) -> u64 {
        self.live.pivots()
    }

    /// Room for `needs` more needs with `pairs` candidate pairs in all (see
    /// [`LiveTransport::reserve`]).
    pub fn reserve(&mut self, needs: usize, pairs: usize) {
        self.reserve_own(needs, pairs);
        self.live.reserve(needs, pairs);
    }

    /// [`LiveWelfare::reserve`] for the market's own arrays, not the solver's. Each offer's
    /// list of needs gets its share of the new pairs, by how many needs list it now, so that
    /// the arrivals do not grow the lists one by one (on the province talent market, 100
    /// arrivals into a copy of the market, whose lists have no room, took 2.4–3.7 ms, and
    /// 0.9–1.0 ms once this gave the lists room).
    fn reserve_own(&mut self, needs: usize, pairs: usize) {
        self.inst.demand.reserve(needs);
        self.inst.pairs.reserve(pairs);
        self.row_start.reserve(needs);
        let listed = self.inst.pairs.len().max(1);
        for of in &mut self.offer_needs {
            of.reserve(of.len() * pairs / listed + 1);
        }
    }

    /// A need arrives with `demand` units and its candidate pairs `(offer, need-side score,
    /// offer-side satisfaction)`; returns its index. Pairs into an offer already withdrawn
    /// stay in the instance and get nothing.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] naming the pair whose offer does not exist, that is
    /// listed twice, or whose score is negative; [`AllocateError::NumericRange`] for a score
    /// beyond the solver's range. Nothing is changed then.
    pub fn add_need(
        &mut self,
        demand: u32,
        pairs: &[(u32, i64, i64)],
    ) -> Result<u32, AllocateError> {
        let i = u32::try_from(self.inst.needs()).unwrap_or(u32::MAX);
        let mut sorted = pairs.to_vec();
        sorted.sort_unstable_by_key(|p| p.0);
        for (k, &(j, w, v)) in sorted.iter().enumerate() {
            if j as usize >= self.inst.offers() {
                return Err(invalid(format!(
                    "pair (need {i}, offer {j}): offer {j} does not exist ({} offers)",
                    self.inst.offers()
                )));
            }
            if k > 0 && sorted[k - 1].0 == j {
                return Err(invalid(format!(
                    "pair (need {i}, offer {j}) is listed twice"
                )));
            }
            if w < 0 || v < 0 {
                return Err(invalid(format!(
                    "pair (need {i}, offer {j}) has a negative score ({w}, {v})"
                )));
            }
        }
        let weights: Vec<(u32, i64)> = sorted.iter().map(|p| (p.0, p.1)).collect();
        self.live.add_row(demand, &weights)?;
        self.inst.demand.push(demand);
        self.inst
            .pairs
            .extend(sorted.iter().map(|&(j, w, v)| (i, j, w, v)));
        self.row_start.push(self.inst.pairs.len());
        for &(j, _, _) in &sorted {
            self.offer_needs[j as usize].push(i);
        }
        Ok(i)
    }

    /// An offer is withdrawn: its capacity becomes 0 and the next allocation moves its units
    /// elsewhere.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] for an offer that does not exist.
    pub fn withdraw_offer(&mut self, offer: u32) -> Result<(), AllocateError> {
        if offer as usize >= self.inst.offers() {
            return Err(invalid(format!(
                "offer {offer} does not exist ({} offers)",
                self.inst.offers()
            )));
        }
        self.live.withdraw_col(offer)?;
        self.inst.capacity[offer as usize] = 0;
        Ok(())
    }

    /// An offer opens with `capacity` units; later needs can name it. Returns its index.
    ///
    /// # Errors
    /// [`AllocateError::NumericRange`] when the grown market leaves the solver's range.
    pub fn add_offer(&mut self, capacity: u32) -> Result<u32, AllocateError> {
        let j = self.live.add_col(capacity)?;
        self.inst.capacity.push(capacity);
        self.offer_needs.push(Vec::new());
        Ok(j)
    }

    /// The scores of an existing candidate pair change.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] when `(need, offer)` is not a candidate pair or a
    /// score is negative.
    pub fn set_scores(
        &mut self,
        need: u32,
        offer: u32,
        need_score: i64,
        offer_score: i64,
    ) -> Result<(), AllocateError> {
        let Some(k) = self.inst.pair_index(need, offer) else {
            return Err(invalid(format!(
                "pair (need {need}, offer {offer}) is not a candidate"
            )));
        };
        if need_score < 0 || offer_score < 0 {
            return Err(invalid(format!(
                "pair (need {need}, offer {offer}) has a negative score ({need_score}, {offer_score})"
            )));
        }
        self.live.set_weight(need, offer, need_score)?;
        self.inst.pairs[k].2 = need_score;
        self.inst.pairs[k].3 = offer_score;
        Ok(())
    }

    /// The welfare allocation of the market as it now stands, re-solved from the last basis,
    /// its certificate checked.
    ///
    /// # Errors
    /// [`AllocateError::CertificateFailed`] if the certificate does not check (it cannot
    /// unless the solver is wrong).
    pub fn allocate(&mut self) -> Result<Allocation, AllocateError> {
        self.allocate_within(&Limits::default())
    }

    /// [`LiveWelfare::allocate`] within `limits`: when they stop the solve, a feasible
    /// allocation marked [`Status::LimitReached`](crate::allocate::Status::LimitReached),
    /// without prices or bound; the next call goes on from where it stopped.
    ///
    /// # Errors
    /// As [`LiveWelfare::allocate`]; [`AllocateError::LimitReached`] when no feasible
    /// allocation was reached yet (a withdrawn offer still holds units).
    pub fn allocate_within(&mut self, limits: &Limits<'_>) -> Result<Allocation, AllocateError> {
        // The solve certifies each component it re-solves (see [`LiveTransport::solve`]).
        let s = self
            .live
            .solve_within(limits)
            .inspect_err(|_| self.seen = None)?;
        if s.status == Status::LimitReached {
            self.seen = None;
            return Ok(self.inst.allocation(
                s.flows,
                s.status,
                s.algorithm,
                (vec![], vec![]),
                None,
            ));
        }
        debug_assert!(crate::allocate::verify_transport(self.live.transport(), &s).is_ok());
        let (a, used) = self.allocation(s);
        self.seen = Some(Seen {
            candidate_capacity: a.candidate_capacity.clone(),
            used,
            capacity: self.inst.capacity.clone(),
        });
        Ok(a)
    }

    /// The [`Allocation`] of an optimal solution, the same as a fresh welfare allocation
    /// builds from it, in time proportional to the allocation, the needs, and the needs listing
    /// an offer whose capacity or units given changed
    /// ([`LiveWelfare::candidate_capacity_since`]). Each match's score is found in its need's
    /// row of the solver's weights. Returns it with the units each offer gives.
    fn allocation(&self, s: TransportSolution) -> (Allocation, Vec<u64>) {
        let inst = &self.inst;
        // A match's score is its pair's need-side score, the solver's weight, which the solve
        // read off the basis with each flow ([`LiveTransport::plan_weights`]): its plan is
        // already one match per pair, in order. Otherwise each is found in the solver's own
        // sparse rows, on every thread (each lookup waits on memory, about 70 ns; on the
        // province talent market, ~22,000 matches, about 1 ms).
        let placed = self.live.plan_weights();
        let matches = if placed.len() == s.flows.len()
            && s.flows.iter().all(|f| f.2 > 0)
            && s.flows
                .windows(2)
                .all(|f| (f[0].0, f[0].1) < (f[1].0, f[1].1))
        {
            s.flows
                .iter()
                .zip(placed)
                .map(|(&(need, offer, units), &score)| Match {
                    need,
                    offer,
                    units,
                    score,
                })
                .collect()
        } else {
            let mut matches = super::merge_flows(s.flows);
            let weights = self.live.transport();
            matches
                .par_iter_mut()
                .with_min_len(1 << 12)
                .for_each(|m| m.score = weights.weight(m.need as usize, m.offer).unwrap_or(0));
            matches
        };
        let needs = inst.needs();
        let mut used = vec![0u64; inst.offers()];
        for m in &matches {
            used[m.offer as usize] += u64::from(m.units);
        }
        let candidate_capacity = match &self.seen {
            None => candidate_capacity(
                needs,
                inst.pairs.iter().map(|p| (p.0, p.1)),
                &inst.capacity,
                &matches,
            ),
            Some(seen) => self.candidate_capacity_since(seen, &matches, &used),
        };
        let candidates = self
            .row_start
            .windows(2)
            .map(|w| u32::try_from(w[1] - w[0]).unwrap_or(u32::MAX))
            .collect();
        let a = inst.settle(
            matches,
            (candidates, candidate_capacity),
            (s.status, s.algorithm),
            (s.row_price, s.col_price),
            Some(s.objective),
        );
        (a, used)
    }

    /// Each need's [`CandidateCapacity`] from the last allocation's, moved by what changed
    /// since: a need's candidates hold the capacities of its offers (`total`) and give the units
    /// those offers give to anyone (`to_others + received`, as every unit a need receives comes
    /// from a candidate), so an offer whose capacity or units given changed moves the figures
    /// of each need that lists it by the difference, and `received` is read off the matches.
    /// New needs are counted from their own pairs. On the province talent market this reads
    /// each changed offer's list of needs instead of every pair of each need listing it: after
    /// 100 offers are withdrawn, 14,566 of the 20,000 needs list a changed offer, and their
    /// figures took 11 ms to count again and now 0.5 ms; after 100 needs arrive, 5,523 needs,
    /// 5.6 -> 0.6 ms (in process, the round's allocation built after the re-solve).
    fn candidate_capacity_since(
        &self,
        seen: &Seen,
        matches: &[Match],
        used: &[u64],
    ) -> Vec<CandidateCapacity> {
        let inst = &self.inst;
        let needs = inst.needs();
        let known = seen.candidate_capacity.len().min(needs);
        let mut received = vec![0u64; needs];
        for m in matches {
            received[m.need as usize] += u64::from(m.units);
        }
        let mut c = seen.candidate_capacity[..known].to_vec();
        // Units the candidates of each known need give to anyone, as last counted.
        let mut given: Vec<u64> = c.iter().map(|x| x.to_others + x.received).collect();
        for (j, needs_of) in self.offer_needs.iter().enumerate() {
            let was_used = seen.used.get(j).copied().unwrap_or(0);
            let was_cap = seen.capacity.get(j).copied().unwrap_or(0);
            let (now_used, now_cap) = (used[j], inst.capacity[j]);
            if was_used == now_used && was_cap == now_cap {
                continue;
            }
            for &i in needs_of {
                let i = i as usize;
                if i < known {
                    given[i] = given[i] - was_used + now_used;
                    c[i].total = c[i].total - u64::from(was_cap) + u64::from(now_cap);
                }
            }
        }
        for (i, x) in c.iter_mut().enumerate() {
            x.received = received[i];
            x.to_others = given[i] - received[i];
        }
        // New needs: counted from their own pairs, as a fresh build counts every need.
        if known < needs {
            let fresh = candidate_capacity(
                needs,
                inst.pairs[self.row_start[known]..]
                    .iter()
                    .map(|p| (p.0, p.1)),
                &inst.capacity,
                matches,
            );
            c.extend_from_slice(&fresh[known..]);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::Market;
    use crate::policy::{Policy, Welfare};
    use crate::testkit::xorshift;

    fn market(next: &mut impl FnMut() -> u64, needs: usize, offers: usize) -> MarketInstance {
        let demand = (0..needs).map(|_| (next() % 5) as u32).collect();
        let capacity = (0..offers).map(|_| (next() % 6) as u32).collect();
        let mut pairs = Vec::new();
        for i in 0..needs as u32 {
            for j in 0..offers as u32 {
                if next().is_multiple_of(3) {
                    pairs.push((i, j, (next() % 1000) as i64, (next() % 1000) as i64));
                }
            }
        }
        MarketInstance::new(Market::Talent, demand, capacity, pairs).unwrap()
    }

    /// `a` is what a fresh build from its own plan and prices gives (every figure per need
    /// recomputed from all pairs), and those prices certify it for the whole instance.
    fn built_in_full(live: &LiveWelfare, a: &Allocation) -> Result<(), TestCaseError> {
        let s = TransportSolution {
            flows: a
                .matches
                .iter()
                .map(|m| (m.need, m.offer, m.units))
                .collect(),
            unmet: a.unmet.clone(),
            objective: a.welfare,
            row_price: a.need_price.clone(),
            col_price: a.offer_price.clone(),
            status: a.status,
            algorithm: a.algorithm,
        };
        let inst = live.instance();
        prop_assert_eq!(
            crate::allocate::verify_transport(&inst.transport(|p| p.2).unwrap(), &s),
            Ok(())
        );
        prop_assert_eq!(a, &inst.certified_allocation(s));
        Ok(())
    }

    proptest! {
        #[test]
        fn live_rounds_give_the_fresh_welfare_optimum(
            seed in any::<u64>(), needs in 1usize..30, offers in 1usize..20, rounds in 1usize..5,
        ) {
            let mut next = xorshift(seed | 1);
            let mut live = LiveWelfare::new(market(&mut next, needs, offers)).unwrap();
            let a = live.allocate().unwrap();
            prop_assert_eq!(a.welfare, Welfare.allocate(live.instance()).unwrap().welfare);
            built_in_full(&live, &a)?;
            for _ in 0..rounds {
                for _ in 0..1 + next() % 5 {
                    let offers = live.instance().offers() as u64;
                    match next() % 4 {
                        0 => {
                            let mut pairs = Vec::new();
                            for j in 0..offers as u32 {
                                if next().is_multiple_of(2) {
                                    pairs.push((j, (next() % 1000) as i64, (next() % 9) as i64));
                                }
                            }
                            live.add_need((next() % 5) as u32, &pairs).unwrap();
                        }
                        1 => live.withdraw_offer((next() % offers) as u32).unwrap(),
                        2 => {
                            live.add_offer((next() % 6) as u32).unwrap();
                        }
                        _ => {
                            let pairs = &live.instance().pairs;
                            if !pairs.is_empty() {
                                let p = pairs[(next() % pairs.len() as u64) as usize];
                                live.set_scores(p.0, p.1, (next() % 1000) as i64, p.3).unwrap();
                            }
                        }
                    }
                }
                let a = live.allocate().unwrap();
                let fresh = Welfare.allocate(live.instance()).unwrap();
                prop_assert_eq!(a.welfare, fresh.welfare);
                built_in_full(&live, &a)?;
                for m in &a.matches {
                    prop_assert!(live.instance().capacity[m.offer as usize] > 0);
                }
            }
        }
    }

    #[test]
    fn a_limited_allocation_is_feasible_and_the_next_one_finishes() {
        let mut next = xorshift(41);
        let mut live = LiveWelfare::new(market(&mut next, 40, 15)).unwrap();
        let limits = Limits {
            max_iterations: Some(3),
            stop: None,
        };
        let a = live.allocate_within(&limits).unwrap();
        assert_eq!(a.status, Status::LimitReached);
        assert!(a.upper_bound.is_none() && a.need_price.is_empty());
        let done = live.allocate().unwrap();
        assert_eq!(done.status, Status::Optimal);
        assert_eq!(
            done.welfare,
            Welfare.allocate(live.instance()).unwrap().welfare
        );
    }

    #[test]
    fn bad_changes_are_named_and_change_nothing() {
        let inst =
            MarketInstance::new(Market::Talent, vec![2], vec![2], vec![(0, 0, 50, 5)]).unwrap();
        let mut live = LiveWelfare::new(inst.clone()).unwrap();
        let e = live
            .add_need(1, &[(0, 5, 5), (4, 5, 5)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("offer 4 does not exist"), "{e}");
        let e = live
            .add_need(1, &[(0, 5, 5), (0, 6, 5)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("listed twice"), "{e}");
        let e = live.add_need(1, &[(0, -5, 5)]).unwrap_err().to_string();
        assert!(e.contains("negative score"), "{e}");
        assert!(
            live.withdraw_offer(3)
                .unwrap_err()
                .to_string()
                .contains("offer 3")
        );
        let e = live.set_scores(0, 1, 5, 5).unwrap_err().to_string();
        assert!(e.contains("not a candidate"), "{e}");
        assert_eq!(live.instance(), &inst);
        assert_eq!(live.allocate().unwrap().welfare, 100);
    }
}
