//! Minimum-cost flow with supplies, demands, lower and upper bounds (一校对多企, 多校对一企,
//! 多校对多企), by the network simplex, with node potentials as the certificate.

use super::{Algorithm, AllocateError, CertificateError, Status, simplex};

/// An arc of a [`FlowNetwork`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FlowArc {
    /// Tail node.
    pub tail: u32,
    /// Head node.
    pub head: u32,
    /// Least flow (coverage: "every school gets at least one partner").
    pub lower: i64,
    /// Most flow.
    pub upper: i64,
    /// Cost per unit.
    pub cost: i64,
}

/// A flow network: node supplies (positive) and demands (negative), and capacitated arcs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowNetwork {
    supply: Vec<i64>,
    arcs: Vec<FlowArc>,
}

impl FlowNetwork {
    /// A network with these node supplies (negative for demand) and no arcs.
    pub fn new(supply: Vec<i64>) -> Self {
        FlowNetwork {
            supply,
            arcs: Vec::new(),
        }
    }

    /// Room for `arcs` more arcs without moving the arc list (a reader that knows the count
    /// ahead, as a DIMACS problem line gives it).
    pub fn reserve(&mut self, arcs: usize) {
        self.arcs.reserve(arcs);
    }

    /// Adds an arc and returns its index. Parallel arcs are allowed.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] for an unknown node, a negative lower bound or a lower
    /// bound above the upper one.
    pub fn add_arc(
        &mut self,
        tail: u32,
        head: u32,
        lower: i64,
        upper: i64,
        cost: i64,
    ) -> Result<usize, AllocateError> {
        let n = self.supply.len();
        let bad = |m: String| Err(AllocateError::InvalidInstance { message: m });
        if tail as usize >= n || head as usize >= n {
            return bad(format!(
                "arc {} ({tail} → {head}) names a node outside 0..{n}",
                self.arcs.len()
            ));
        }
        if lower < 0 {
            return bad(format!(
                "arc {} ({tail} → {head}) has a negative lower bound {lower}",
                self.arcs.len()
            ));
        }
        if lower > upper {
            return bad(format!(
                "arc {} ({tail} → {head}) has lower bound {lower} above upper bound {upper}",
                self.arcs.len()
            ));
        }
        self.arcs.push(FlowArc {
            tail,
            head,
            lower,
            upper,
            cost,
        });
        Ok(self.arcs.len() - 1)
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.supply.len()
    }

    /// Node supplies.
    pub fn supply(&self) -> &[i64] {
        &self.supply
    }

    /// The arcs, by index.
    pub fn arcs(&self) -> &[FlowArc] {
        &self.arcs
    }
}

/// An optimal flow with node potentials.
///
/// Certificate: with reduced cost `c + π(tail) − π(head)`, every arc below its upper bound has
/// reduced cost ≥ 0 and every arc above its lower bound ≤ 0. [`verify_flow`] checks this,
/// conservation, bounds, and that the dual objective equals the cost.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FlowSolution {
    /// Flow on each arc, by index.
    pub flow: Vec<i64>,
    /// Potential of each node.
    pub potential: Vec<i64>,
    /// Σ cost × flow, exact.
    pub cost: i128,
    /// Always [`Status::Optimal`].
    pub status: Status,
    /// The algorithm that ran.
    pub algorithm: Algorithm,
}

/// The largest absolute cost a network of `nodes` nodes takes: the simplex's artificial cost
/// is `(max |c| + 1) · (nodes + 1)` and potentials stay within a few of those.
pub(crate) fn weight_limit(nodes: usize) -> u64 {
    (i64::MAX as u64 / 16) / u64::try_from(nodes + 3).unwrap_or(u64::MAX)
}

/// Checks magnitudes so that no intermediate of the simplex can overflow `i64`.
pub(crate) fn check_flow_range(
    nodes: usize,
    max_cost: u64,
    total_cap: i128,
) -> Result<(), AllocateError> {
    let limit = weight_limit(nodes);
    if max_cost > limit {
        return Err(AllocateError::NumericRange {
            max_weight: max_cost,
            limit,
        });
    }
    if total_cap > i128::from(i64::MAX / 4) {
        return Err(AllocateError::NumericRange {
            max_weight: u64::try_from(total_cap.min(i128::from(u64::MAX))).unwrap_or(u64::MAX),
            limit: (i64::MAX / 4) as u64,
        });
    }
    Ok(())
}

/// Finds a minimum-cost flow that meets every supply and demand within the arc bounds.
///
/// Algorithm: lower bounds are shifted out, then the primal network simplex with block search
/// pivoting and the strongly feasible leaving rule (see the `simplex` module; Ahuja, Magnanti &
/// Orlin, *Network Flows*, 1993, ch. 11). Deterministic. The simplex starts from an artificial
/// root with big-M arcs, except on networks shaped like a transportation problem — no lower
/// bounds, one node with negative supply, and every other node with an arc to it that can
/// carry its supply with room to spare (rows with an "unmet" arc, columns with their capacity
/// arc) — which start from that star, as the transportation solver does (several times
/// fewer pivots).
///
/// # Errors
/// - [`AllocateError::Unbalanced`] when supplies and demands do not sum to zero (both totals
///   given);
/// - [`AllocateError::Infeasible`] when no flow meets them: the witness is a node set `S` whose
///   net supply exceeds what the arcs leaving it can carry (less what entering lower bounds
///   force in);
/// - [`AllocateError::NumericRange`] when costs or capacities are too large for exact `i64`
///   arithmetic at this size.
///
/// # Complexity
/// Exponential in the worst case like every simplex method, O(n·m) per pivot at worst; in
/// practice near-linear per pivot and a small multiple of n pivots. O(n + m) memory.
///
/// # Example
/// 沈阳 and 大连 colleges (supply 3 and 2) serve two enterprises (demand 4 and 1).
/// ```
/// use duijie::allocate::{FlowNetwork, min_cost_flow, verify_flow};
/// let mut net = FlowNetwork::new(vec![3, 2, -4, -1]);
/// net.add_arc(0, 2, 0, 3, 1).unwrap();
/// net.add_arc(1, 2, 0, 2, 4).unwrap();
/// net.add_arc(1, 3, 0, 1, 1).unwrap();
/// let s = min_cost_flow(&net).unwrap();
/// assert_eq!(s.cost, 3 + 4 + 1);
/// verify_flow(&net, &s).unwrap();
/// ```
pub fn min_cost_flow(net: &FlowNetwork) -> Result<FlowSolution, AllocateError> {
    min_cost_flow_with(net, &super::Limits::default())
}

/// [`min_cost_flow`] within `limits`. When a limit stops the simplex on a feasible flow, that
/// flow is returned with [`Status::LimitReached`] (not proven optimal, no certificate); when it
/// stops before the artificial start is emptied, [`AllocateError::LimitReached`].
///
/// # Errors
/// As [`min_cost_flow`], and [`AllocateError::LimitReached`].
pub fn min_cost_flow_with(
    net: &FlowNetwork,
    limits: &super::Limits<'_>,
) -> Result<FlowSolution, AllocateError> {
    // A network with a star around its sink (a transportation network) starts from it.
    if let Some((root, tree_arc, flow)) = super::star_start::star_start(net) {
        let start = simplex::Start::Star {
            root,
            tree_arc: &tree_arc,
            flow: &flow,
        };
        return min_cost_flow_from(net, start, limits);
    }
    min_cost_flow_from(net, simplex::Start::Artificial, limits)
}

/// [`min_cost_flow_with`] from a given starting basis. A [`simplex::Start::Star`] must route
/// the supplies exactly and is read with the lower bounds already shifted out: callers pass it
/// only for networks whose lower bounds are all zero.
pub(crate) fn min_cost_flow_from(
    net: &FlowNetwork,
    start: simplex::Start<'_>,
    limits: &super::Limits<'_>,
) -> Result<FlowSolution, AllocateError> {
    let n = net.supply.len();
    let (pos, neg): (i128, i128) = net.supply.iter().fold((0, 0), |(p, q), &b| {
        if b > 0 {
            (p + i128::from(b), q)
        } else {
            (p, q - i128::from(b))
        }
    });
    if pos != neg {
        return Err(AllocateError::Unbalanced {
            supply: pos,
            demand: neg,
        });
    }
    let max_cost = net
        .arcs
        .iter()
        .map(|a| a.cost.unsigned_abs())
        .max()
        .unwrap_or(0);
    let total_cap: i128 = net.arcs.iter().map(|a| i128::from(a.upper)).sum::<i128>() + pos;
    check_flow_range(n, max_cost, total_cap)?;
    let mut supply = net.supply.clone();
    let mut source = Vec::with_capacity(net.arcs.len());
    let mut target = Vec::with_capacity(net.arcs.len());
    let mut cap = Vec::with_capacity(net.arcs.len());
    let mut cost = Vec::with_capacity(net.arcs.len());
    for a in &net.arcs {
        supply[a.tail as usize] -= a.lower;
        supply[a.head as usize] += a.lower;
        source.push(a.tail);
        target.push(a.head);
        cap.push(a.upper - a.lower);
        cost.push(a.cost);
    }
    let solved = simplex::solve(&simplex::Problem {
        nodes: n,
        supply: &supply,
        source: &source,
        target: &target,
        cap: &cap,
        cost: &cost,
        start,
        limits,
    });
    if solved.limit_reached && solved.artificial_flow > 0 {
        return Err(AllocateError::LimitReached {
            iterations: solved.iterations,
        });
    }
    let flow: Vec<i64> = solved
        .flow
        .iter()
        .zip(&net.arcs)
        .map(|(&f, a)| f + a.lower)
        .collect();
    if solved.artificial_flow > 0 {
        let witness = cut_witness(net, &flow);
        return Err(AllocateError::Infeasible {
            message: format!(
                "{} nodes have more net supply than the arcs leaving them can carry",
                witness.len()
            ),
            witness,
        });
    }
    let cost = flow
        .iter()
        .zip(&net.arcs)
        .map(|(&f, a)| i128::from(f) * i128::from(a.cost))
        .sum();
    Ok(FlowSolution {
        flow,
        potential: solved.potential,
        cost,
        status: if solved.limit_reached {
            Status::LimitReached
        } else {
            Status::Optimal
        },
        algorithm: Algorithm::NetworkSimplex,
    })
}

/// Node excess of a (possibly infeasible) flow: supply − outflow + inflow.
fn excess(net: &FlowNetwork, flow: &[i64]) -> Vec<i128> {
    let mut ex: Vec<i128> = net.supply.iter().map(|&b| i128::from(b)).collect();
    for (a, &f) in net.arcs.iter().zip(flow) {
        ex[a.tail as usize] -= i128::from(f);
        ex[a.head as usize] += i128::from(f);
    }
    ex
}

/// The nodes reachable in the residual network from the nodes whose supply was not shipped.
fn cut_witness(net: &FlowNetwork, flow: &[i64]) -> Vec<u32> {
    let n = net.supply.len();
    let ex = excess(net, flow);
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (a, &f) in net.arcs.iter().zip(flow) {
        if f < a.upper {
            adj[a.tail as usize].push(a.head);
        }
        if f > a.lower {
            adj[a.head as usize].push(a.tail);
        }
    }
    let mut seen = vec![false; n];
    let mut stack: Vec<u32> = (0..n).filter(|&v| ex[v] > 0).map(|v| v as u32).collect();
    for &v in &stack {
        seen[v as usize] = true;
    }
    while let Some(u) = stack.pop() {
        for &w in &adj[u as usize] {
            if !seen[w as usize] {
                seen[w as usize] = true;
                stack.push(w);
            }
        }
    }
    (0..n).filter(|&v| seen[v]).map(|v| v as u32).collect()
}

/// Checks that a node set proves infeasibility: its net supply exceeds the capacity of the arcs
/// leaving it minus the lower bounds of the arcs entering it. Exact.
pub fn verify_infeasibility_cut(net: &FlowNetwork, set: &[u32]) -> Result<(), CertificateError> {
    let mut inside = vec![false; net.supply.len()];
    for &v in set {
        match inside.get_mut(v as usize) {
            Some(x) => *x = true,
            None => {
                return Err(CertificateError::new(format!(
                    "node {v} is not in the network"
                )));
            }
        }
    }
    let supply: i128 = set
        .iter()
        .map(|&v| i128::from(net.supply[v as usize]))
        .sum();
    let mut room: i128 = 0;
    for a in &net.arcs {
        match (inside[a.tail as usize], inside[a.head as usize]) {
            (true, false) => room += i128::from(a.upper),
            (false, true) => room -= i128::from(a.lower),
            _ => {}
        }
    }
    if supply > room {
        Ok(())
    } else {
        Err(CertificateError::new(format!(
            "set supply {supply} does not exceed the cut's room {room}"
        )))
    }
}

/// Checks a flow and its potentials: bounds, conservation, complementary slackness on every arc,
/// the recomputed cost, and strong duality (Σ b·(−π) plus the upper- and lower-bound terms
/// equals the cost). Exact (`i128`). Passing proves the flow optimal. O(n + m).
///
/// # Errors
/// A [`CertificateError`] naming the first condition that fails.
pub fn verify_flow(net: &FlowNetwork, s: &FlowSolution) -> Result<(), CertificateError> {
    let fail = |m: String| Err(CertificateError::new(m));
    if s.flow.len() != net.arcs.len() || s.potential.len() != net.supply.len() {
        return fail("solution has the wrong number of arcs or nodes".into());
    }
    let mut cost: i128 = 0;
    // Dual objective: Σ_v b(v)·(−π(v)) + Σ_a [l·max(0, rc) − u·max(0, −rc)], which equals the
    // primal cost exactly when complementary slackness holds.
    let mut dual: i128 = net
        .supply
        .iter()
        .zip(&s.potential)
        .map(|(&b, &p)| -i128::from(b) * i128::from(p))
        .sum();
    for (k, (a, &f)) in net.arcs.iter().zip(&s.flow).enumerate() {
        if f < a.lower || f > a.upper {
            return fail(format!(
                "arc {k}: flow {f} outside [{}, {}]",
                a.lower, a.upper
            ));
        }
        let rc = i128::from(a.cost) + i128::from(s.potential[a.tail as usize])
            - i128::from(s.potential[a.head as usize]);
        if f < a.upper && rc < 0 {
            return fail(format!(
                "arc {k}: below its upper bound with negative reduced cost {rc}"
            ));
        }
        if f > a.lower && rc > 0 {
            return fail(format!(
                "arc {k}: above its lower bound with positive reduced cost {rc}"
            ));
        }
        cost += i128::from(f) * i128::from(a.cost);
        dual += i128::from(a.lower) * rc.max(0) + i128::from(a.upper) * rc.min(0);
    }
    if excess(net, &s.flow).iter().any(|&e| e != 0) {
        return fail("flow is not conserved at some node".into());
    }
    if cost != s.cost {
        return fail(format!(
            "reported cost {} but the flows sum to {cost}",
            s.cost
        ));
    }
    if dual != cost {
        return fail(format!("dual objective {dual} ≠ cost {cost}"));
    }
    Ok(())
}

/// A flow that meets as much demand as possible: what it ships, what demand is left unmet and
/// what supply is left unused, per node.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PartialFlow {
    /// The flow on the network's own arcs, with potentials for its nodes (and, last, for the
    /// slack node of the certificate network, see [`verify_partial_flow`]).
    pub solution: FlowSolution,
    /// Demand left unmet at each node (0 for supply nodes).
    pub unmet_demand: Vec<i64>,
    /// Supply left unused at each node (0 for demand nodes).
    pub unused_supply: Vec<i64>,
}

/// The certificate network of [`min_cost_flow_max_demand`]: the network plus a slack node that
/// takes unused supply at no cost and fills unmet demand at a penalty above any path cost.
fn slack_network(net: &FlowNetwork) -> (FlowNetwork, i64, usize) {
    let n = net.supply.len();
    let max_c = net
        .arcs
        .iter()
        .map(|a| a.cost.unsigned_abs())
        .max()
        .unwrap_or(0);
    let penalty = i64::try_from((max_c + 1).saturating_mul(n as u64 + 1)).unwrap_or(i64::MAX / 4);
    let total: i64 = net.supply.iter().sum();
    let mut supply = net.supply.clone();
    supply.push(-total);
    let mut aug = FlowNetwork {
        supply,
        arcs: net.arcs.clone(),
    };
    let slack = u32::try_from(n).unwrap_or(u32::MAX);
    for (v, &b) in net.supply.iter().enumerate() {
        let v = u32::try_from(v).unwrap_or(u32::MAX);
        if b > 0 {
            aug.arcs.push(FlowArc {
                tail: v,
                head: slack,
                lower: 0,
                upper: b,
                cost: 0,
            });
        } else if b < 0 {
            aug.arcs.push(FlowArc {
                tail: slack,
                head: v,
                lower: 0,
                upper: -b,
                cost: penalty,
            });
        }
    }
    (aug, penalty, n)
}

/// Ships as much of the demand as the network allows, and among such flows the cheapest
/// ("meet as much demand as possible"); supplies and demands need not balance. What is not met
/// is reported per node, never hidden.
///
/// Algorithm: [`min_cost_flow`] on the network plus a slack node that absorbs unused supply at
/// cost 0 and fills unmet demand at a penalty larger than any path's cost, so every unit of
/// demand that can be met is met. The slack arcs carry the unmet and unused amounts.
///
/// # Errors
/// [`AllocateError::Infeasible`] only when lower bounds cannot be satisfied at all;
/// [`AllocateError::NumericRange`] as for [`min_cost_flow`] (the penalty counts as a cost).
pub fn min_cost_flow_max_demand(net: &FlowNetwork) -> Result<PartialFlow, AllocateError> {
    let (aug, _, n) = slack_network(net);
    let s = min_cost_flow(&aug)?;
    let m = net.arcs.len();
    let mut unmet_demand = vec![0i64; n];
    let mut unused_supply = vec![0i64; n];
    for (a, &f) in aug.arcs[m..].iter().zip(&s.flow[m..]) {
        if a.head as usize == n {
            unused_supply[a.tail as usize] = f;
        } else {
            unmet_demand[a.head as usize] = f;
        }
    }
    let flow = s.flow[..m].to_vec();
    let cost = flow
        .iter()
        .zip(&net.arcs)
        .map(|(&f, a)| i128::from(f) * i128::from(a.cost))
        .sum();
    Ok(PartialFlow {
        solution: FlowSolution {
            flow,
            potential: s.potential,
            cost,
            status: s.status,
            algorithm: s.algorithm,
        },
        unmet_demand,
        unused_supply,
    })
}

/// Checks a [`PartialFlow`]: rebuilds the slack network, and verifies the flow extended with
/// the unmet and unused amounts there with [`verify_flow`]. Passing proves that no more demand
/// can be met and that the flow is the cheapest that meets it.
///
/// # Errors
/// A [`CertificateError`] naming the first condition that fails.
pub fn verify_partial_flow(net: &FlowNetwork, p: &PartialFlow) -> Result<(), CertificateError> {
    let (aug, penalty, n) = slack_network(net);
    if p.unmet_demand.len() != n
        || p.unused_supply.len() != n
        || p.solution.potential.len() != n + 1
    {
        return Err(CertificateError::new(
            "partial flow has the wrong number of nodes".into(),
        ));
    }
    let mut flow = p.solution.flow.clone();
    for a in &aug.arcs[net.arcs.len()..] {
        flow.push(if a.head as usize == n {
            p.unused_supply[a.tail as usize]
        } else {
            p.unmet_demand[a.head as usize]
        });
    }
    let unmet: i128 = p.unmet_demand.iter().map(|&u| i128::from(u)).sum();
    let s = FlowSolution {
        flow,
        potential: p.solution.potential.clone(),
        cost: p.solution.cost + unmet * i128::from(penalty),
        status: p.solution.status,
        algorithm: p.solution.algorithm,
    };
    verify_flow(&aug, &s)
}
