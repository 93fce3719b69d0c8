//! Maximum coverage, then welfare, as one minimum-cost flow in which every candidate pair is
//! one arc: the engine of [`super::Coverage`] and of [`super::MaxMin`]'s final solve.
//!
//! Covering a need (or an offer) is worth a bonus `B` larger than any welfare difference, paid
//! once, on its first unit. Rather than split every need and offer into a first unit and the
//! rest (which repeats each pair two or four times), the bonus sits on the parties' own arcs:
//!
//! ```text
//!   need i (supply dᵢ) ──pairs (−w)──▶ offer j ──(1, −B)───▶ sink   (when offers count;
//!          └──unmet (dᵢ−1, 0), then (dᵢ+1, B)──▶ sink   └──(cⱼ−1, 0)─▶      else (cⱼ, 0))
//! ```
//!
//! A need's bonus is a penalty on its last unit left unmet (its first d − 1 unmet units are
//! free, any more cost `B`); an offer's is a reward on its first unit. Convex costs on
//! parallel arcs, so the minimum-cost flow takes the cheaper arc first.
//!
//! With a threshold (max–min), a need counts as covered only through pairs scoring at least
//! `t`, so those pairs leave from a second node hᵢ that the need reaches by arcs (1, −B) and
//! (dᵢ − 1, 0); pairs below `t` leave the need itself, which keeps a free unmet arc (dᵢ + 1,
//! 0); an arc hᵢ → sink (1, B + 1) costs more than the bonus saves, so no optimum uses it.
//!
//! Every node has an arc to the sink with room above its supply, so `min_cost_flow` starts
//! each component from that strongly feasible star (every unit unmet). Each connected component of the candidate graph is
//! solved on its own, in parallel, and each component's flow is checked against its
//! potentials before it is used.

use super::{Flows, MarketInstance};
use crate::allocate::{self, AllocateError, Component, FlowNetwork, FlowSolution, Limits, Status};

/// A covering solve: the flows in the instance's indices, how many needs got a unit on a pair
/// at or above the threshold, and whether a limit stopped a component (then the flows are
/// feasible, not proven optimal).
pub(super) struct Covered {
    pub flows: Flows,
    pub covered: usize,
    pub stopped: bool,
}

/// Maximum coverage of needs (and, with `offers`, of offers), then maximum welfare; with
/// `threshold`, a need counts as covered only through a pair scoring at least that much.
pub(super) fn covering_solve(
    inst: &MarketInstance,
    threshold: Option<i64>,
    offers: bool,
    limits: &Limits<'_>,
) -> Result<Covered, AllocateError> {
    let max_w = inst.pairs.iter().map(|p| p.2).max().unwrap_or(0);
    let units = inst
        .demand
        .iter()
        .map(|&d| i64::from(d))
        .sum::<i64>()
        .min(inst.capacity.iter().map(|&c| i64::from(c)).sum::<i64>());
    // Any welfare difference is below B.
    let bonus = units
        .checked_mul(max_w)
        .and_then(|x| x.checked_add(1))
        .ok_or(AllocateError::NumericRange {
            max_weight: u64::try_from(max_w).unwrap_or(u64::MAX),
            limit: u64::try_from(i64::MAX / units.max(1)).unwrap_or(0),
        })?;
    // Only pairs that can carry a unit take part.
    let live = |p: &&(u32, u32, i64, i64)| {
        inst.demand[p.0 as usize] > 0 && inst.capacity[p.1 as usize] > 0
    };
    let comps = allocate::components_of(
        inst.needs(),
        inst.offers(),
        inst.pairs.iter().filter(live).map(|p| (p.0, p.1)),
    );
    // Where each need's pairs start in `inst.pairs` (sorted by need).
    let mut start = vec![0usize; inst.needs() + 1];
    for p in &inst.pairs {
        start[p.0 as usize + 1] += 1;
    }
    for i in 0..inst.needs() {
        start[i + 1] += start[i];
    }
    let part = Part {
        inst,
        start: &start,
        threshold,
        offers,
        bonus,
    };
    let solved = allocate::each_largest_first(&comps, |c| part.solve(c, limits));
    let mut out = Covered {
        flows: Vec::new(),
        covered: 0,
        stopped: false,
    };
    for s in solved {
        let s = s?;
        out.flows.extend(s.flows);
        out.covered += s.covered;
        out.stopped |= s.stopped;
    }
    out.flows.sort_unstable();
    Ok(out)
}

/// What every component's network is built from.
struct Part<'a> {
    inst: &'a MarketInstance,
    start: &'a [usize],
    threshold: Option<i64>,
    offers: bool,
    bonus: i64,
}

impl Part<'_> {
    /// The component's network, solved (from the all-unmet star) and checked.
    fn solve(&self, c: &Component, limits: &Limits<'_>) -> Result<Covered, AllocateError> {
        let inst = self.inst;
        let (r, q) = (c.rows.len(), c.cols.len());
        // Nodes: need k, its h-node r + k (with a threshold), offer o + l, the sink o + q.
        let o = if self.threshold.is_some() { 2 * r } else { r };
        let sink = o + q;
        let node = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
        let total: i64 = c
            .rows
            .iter()
            .map(|&i| i64::from(inst.demand[i as usize]))
            .sum();
        let mut supply = vec![0i64; sink + 1];
        for (k, &i) in c.rows.iter().enumerate() {
            supply[k] = i64::from(inst.demand[i as usize]);
        }
        supply[sink] = -total;
        let mut net = FlowNetwork::new(supply);
        let rank = |j: u32| c.cols.partition_point(|&x| x < j);
        let mut pair_arcs: Vec<(u32, u32, usize, bool)> = Vec::new();
        for (k, &i) in c.rows.iter().enumerate() {
            let d = i64::from(inst.demand[i as usize]);
            if self.threshold.is_some() {
                net.add_arc(node(k), node(r + k), 0, 1, -self.bonus)?;
                net.add_arc(node(k), node(r + k), 0, d - 1, 0)?;
                net.add_arc(node(k), node(sink), 0, d + 1, 0)?;
                net.add_arc(node(r + k), node(sink), 0, 1, self.bonus + 1)?;
            } else {
                // The bonus as a penalty on the last unit left unmet: the first d − 1 unmet
                // units are free, any more cost B each (at most one more: the supply is d).
                net.add_arc(node(k), node(sink), 0, d - 1, 0)?;
                net.add_arc(node(k), node(sink), 0, d + 1, self.bonus)?;
            }
            for &(_, j, w, _) in &inst.pairs[self.start[i as usize]..self.start[i as usize + 1]] {
                let cap = i64::from(inst.capacity[j as usize]);
                if cap == 0 {
                    continue;
                }
                let high = self.threshold.is_none_or(|t| w >= t);
                let from = if high && self.threshold.is_some() {
                    r + k
                } else {
                    k
                };
                let a = net.add_arc(node(from), node(o + rank(j)), 0, d.min(cap), -w)?;
                pair_arcs.push((i, j, a, high));
            }
        }
        for (l, &j) in c.cols.iter().enumerate() {
            let cap = i64::from(inst.capacity[j as usize]);
            let u = node(o + l);
            if self.offers {
                net.add_arc(u, node(sink), 0, 1, -self.bonus)?;
                net.add_arc(u, node(sink), 0, cap - 1, 0)?;
            } else {
                net.add_arc(u, node(sink), 0, cap, 0)?;
            }
        }
        // Every node has an arc to the sink with room above its supply (a need's last unmet
        // arc, an h-node's, an offer's first), so the solver starts from that star.
        let s = allocate::min_cost_flow_with(&net, limits)?;
        let stopped = s.status == Status::LimitReached;
        if !stopped {
            allocate::verify_flow(&net, &s).map_err(|source| AllocateError::CertificateFailed {
                what: "coverage flow".into(),
                source,
            })?;
        }
        Ok(self.read(c, &s, &pair_arcs, stopped))
    }

    /// The flows on the pair arcs, and the needs with a unit on a pair at or above the
    /// threshold.
    fn read(
        &self,
        c: &Component,
        s: &FlowSolution,
        pair_arcs: &[(u32, u32, usize, bool)],
        stopped: bool,
    ) -> Covered {
        let mut covered = vec![false; c.rows.len()];
        let mut flows = Vec::new();
        let mut k = 0;
        for &(i, j, a, high) in pair_arcs {
            let f = s.flow[a];
            if f > 0 {
                flows.push((i, j, u32::try_from(f).unwrap_or(u32::MAX)));
                // Pairs come need by need, in the component's row order.
                while c.rows[k] != i {
                    k += 1;
                }
                covered[k] |= high;
            }
        }
        Covered {
            flows,
            covered: covered.iter().filter(|&&b| b).count(),
            stopped,
        }
    }
}
