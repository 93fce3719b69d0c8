//! Cooperation modes (R4, policy §一(二) 创新合作机制): 一校对一企, 一校对多企, 多校对一企 and
//! 多校对多企, each as the welfare-optimal allocation under its rule.

use super::{Flows, MarketInstance, Policy, solve_within};
use crate::allocate::{Algorithm, AllocateError, Limits, Status, Transport};
use crate::policy::Allocation;

/// Who may have how many partners.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Mode {
    /// 一校对一企: each need and each offer has at most one partner; a pair trades as many
    /// units as both have.
    OneToOne,
    /// 一校对多企: an offer (a school) serves many needs, each need has at most one offer.
    OneToMany,
    /// 多校对一企: a need (an enterprise) draws on many offers, each offer serves one need.
    ManyToOne,
    /// 多校对多企: no limit on partners (the plain transportation problem).
    ManyToMany,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 4] = [
        Mode::OneToOne,
        Mode::OneToMany,
        Mode::ManyToOne,
        Mode::ManyToMany,
    ];

    /// A short name (`1:1`, `1:n`, `n:1`, `n:n`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::OneToOne => "1:1",
            Mode::OneToMany => "1:n",
            Mode::ManyToOne => "n:1",
            Mode::ManyToMany => "n:n",
        }
    }
}

/// The welfare-optimal allocation under a cooperation mode.
///
/// - `1:1` and `n:n` are exact (a bipartite matching with pair weight score × min(demand,
///   capacity), and the transportation problem), with the LP certificate checked.
/// - `1:n` and `n:1` restrict one side to a single partner, which makes the problem a
///   generalised assignment (NP-hard). They are exact by exhaustive search when the choices
///   number at most `exact_limit`; otherwise the transportation LP gives an upper bound
///   ([`Allocation::upper_bound`]), each single-partner party keeps the partner carrying most
///   of its LP units, and every offer (or need) shares its quantity best score first. The
///   status says `Optimal` only when the answer meets the bound.
#[derive(Clone, Copy, Debug)]
pub struct Cooperation {
    /// The mode.
    pub mode: Mode,
    /// Largest number of joint choices searched exhaustively for `1:n` and `n:1`.
    pub exact_limit: u64,
}

impl Cooperation {
    /// The mode with the default search limit (10⁵ joint choices).
    pub fn new(mode: Mode) -> Self {
        Cooperation {
            mode,
            exact_limit: 100_000,
        }
    }
}

impl Policy for Cooperation {
    fn name(&self) -> String {
        format!("mode-{}", self.mode.name())
    }

    fn allocate_within(
        &self,
        inst: &MarketInstance,
        limits: &Limits<'_>,
    ) -> Result<Allocation, AllocateError> {
        match self.mode {
            Mode::ManyToMany => super::Welfare.allocate_within(inst, limits),
            Mode::OneToOne => {
                let t = Transport::new(
                    vec![1; inst.needs()],
                    vec![1; inst.offers()],
                    inst.pairs
                        .iter()
                        .map(|&(i, j, w, _)| {
                            let units = inst.demand[i as usize].min(inst.capacity[j as usize]);
                            (i, j, w.saturating_mul(i64::from(units)))
                        })
                        .collect(),
                )?;
                let (s, stopped) = solve_within(&t, limits)?;
                let flows: Flows = s
                    .flows
                    .iter()
                    .map(|&(i, j, _)| {
                        (i, j, inst.demand[i as usize].min(inst.capacity[j as usize]))
                    })
                    .collect();
                if stopped {
                    // A feasible matching, no certificate.
                    return Ok(inst.allocation(
                        flows,
                        s.status,
                        s.algorithm,
                        (vec![], vec![]),
                        None,
                    ));
                }
                Ok(inst.allocation(
                    flows,
                    s.status,
                    s.algorithm,
                    (s.row_price, s.col_price),
                    Some(s.objective),
                ))
            }
            Mode::OneToMany => single_partner(inst, self.exact_limit, limits),
            Mode::ManyToOne => {
                let t = transpose(inst);
                let a = single_partner(&t, self.exact_limit, limits)?;
                let flows = a
                    .matches
                    .iter()
                    .map(|m| (m.offer, m.need, m.units))
                    .collect();
                Ok(inst.allocation(
                    flows,
                    a.status,
                    a.algorithm,
                    (vec![], vec![]),
                    a.upper_bound,
                ))
            }
        }
    }
}

/// The instance with needs and offers swapped (the need-side score stays the weight).
fn transpose(inst: &MarketInstance) -> MarketInstance {
    let mut pairs: Vec<(u32, u32, i64, i64)> = inst
        .pairs
        .iter()
        .map(|&(i, j, w, v)| (j, i, w, v))
        .collect();
    pairs.sort_unstable_by_key(|p| (p.0, p.1));
    MarketInstance {
        market: inst.market,
        demand: inst.capacity.clone(),
        capacity: inst.demand.clone(),
        pairs,
    }
}

/// The best units given each need's chosen offer (`choice[i]`, a pair index or `None`): every
/// offer shares its capacity among the needs that chose it, best score first (ties to the lower
/// need), which is optimal for a fixed choice (a fractional knapsack with unit sizes).
fn fill(inst: &MarketInstance, choice: &[Option<usize>]) -> (Flows, i128) {
    let mut order: Vec<(i64, u32, usize)> = choice
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|k| (inst.pairs[k].2, u32::try_from(i).unwrap_or(u32::MAX), k)))
        .collect();
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut room = inst.capacity.clone();
    let mut flows = Vec::new();
    let mut value = 0i128;
    for (w, i, k) in order {
        let j = inst.pairs[k].1;
        let x = inst.demand[i as usize].min(room[j as usize]);
        if x > 0 {
            room[j as usize] -= x;
            flows.push((i, j, x));
            value += i128::from(w) * i128::from(x);
        }
    }
    flows.sort_unstable();
    (flows, value)
}

/// 1:n — each need draws on at most one offer. See [`Cooperation`]. Within `limits`: the LP
/// solve honours them, and the exhaustive search counts each joint choice as an iteration; a
/// stopped search keeps the better of its best so far and the LP rounding, and a stopped LP
/// gives no bound.
fn single_partner(
    inst: &MarketInstance,
    exact_limit: u64,
    limits: &Limits<'_>,
) -> Result<Allocation, AllocateError> {
    // Each need's candidate pairs (indices into `inst.pairs`), best score first.
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); inst.needs()];
    for (k, p) in inst.pairs.iter().enumerate() {
        if p.2 > 0 && inst.demand[p.0 as usize] > 0 {
            lists[p.0 as usize].push(k);
        }
    }
    for l in &mut lists {
        l.sort_by(|&a, &b| inst.pairs[b].2.cmp(&inst.pairs[a].2).then(a.cmp(&b)));
    }
    let choices = lists
        .iter()
        .try_fold(1u64, |acc, l| acc.checked_mul(l.len() as u64 + 1));
    let t = Transport::new(
        inst.demand.clone(),
        inst.capacity.clone(),
        inst.pairs.iter().map(|p| (p.0, p.1, p.2)).collect(),
    )?;
    let (lp, lp_stopped) = solve_within(&t, limits)?;
    let bound = (!lp_stopped).then_some(lp.objective);
    if !lp_stopped && choices.is_some_and(|c| c <= exact_limit) {
        // Exhaustive: every need picks one of its candidates or none (odometer order).
        let mut digit = vec![0usize; lists.len()];
        let mut best: Option<(i128, Flows)> = None;
        let mut tried = 0u64;
        let mut stopped = false;
        loop {
            tried += 1;
            if limits.reached(tried) {
                stopped = true;
                break;
            }
            let choice: Vec<Option<usize>> = digit
                .iter()
                .zip(&lists)
                .map(|(&d, l)| (d > 0).then(|| l[d - 1]))
                .collect();
            let (flows, value) = fill(inst, &choice);
            if best.as_ref().is_none_or(|b| value > b.0) {
                best = Some((value, flows));
            }
            let mut k = 0;
            while k < digit.len() && digit[k] == lists[k].len() {
                digit[k] = 0;
                k += 1;
            }
            if k == digit.len() {
                break;
            }
            digit[k] += 1;
        }
        let (value, flows) = best.unwrap_or_default();
        // A stopped search keeps the LP rounding when it is better than its best so far.
        let flows = if stopped {
            match round_lp(inst, &lp)? {
                (r, v) if v > value => r,
                _ => flows,
            }
        } else {
            flows
        };
        let status = Status::optimal_unless(stopped);
        return Ok(inst.allocation(
            flows,
            status,
            Algorithm::ExhaustiveSearch,
            (vec![], vec![]),
            bound,
        ));
    }
    let (flows, value) = round_lp(inst, &lp)?;
    let status = match bound {
        None => Status::LimitReached,
        Some(b) if value >= b => Status::Optimal,
        Some(_) => Status::Heuristic,
    };
    Ok(inst.allocation(
        flows,
        status,
        Algorithm::LpRounding,
        (vec![], vec![]),
        bound,
    ))
}

/// Rounds a transportation plan to one partner per need: each need keeps the offer carrying
/// most of its units (ties to the better score, then the lower pair), and [`fill`] shares the
/// quantities.
fn round_lp(
    inst: &MarketInstance,
    lp: &crate::allocate::TransportSolution,
) -> Result<(Flows, i128), AllocateError> {
    let mut choice: Vec<Option<(u32, i64, usize)>> = vec![None; inst.needs()];
    for &(i, j, u) in &lp.flows {
        let k = inst
            .pair_index(i, j)
            .ok_or_else(|| AllocateError::Internal {
                message: format!("LP flow on (need {i}, offer {j}), which is not a pair"),
            })?;
        let c = &mut choice[i as usize];
        let better = c.is_none_or(|(cu, cw, ck)| {
            (u, inst.pairs[k].2, std::cmp::Reverse(k)) > (cu, cw, std::cmp::Reverse(ck))
        });
        if better {
            *c = Some((u, inst.pairs[k].2, k));
        }
    }
    let choice: Vec<Option<usize>> = choice.iter().map(|c| c.map(|x| x.2)).collect();
    Ok(fill(inst, &choice))
}
