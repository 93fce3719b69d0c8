//! Maximum-weight transportation (b-matching) by successive shortest paths, with its LP dual.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::{Algorithm, AllocateError, CertificateError, SparseMatrix, Status};

/// A transportation instance: rows with demands, columns with capacities, and candidate
/// pairs with integer weights (per unit).
///
/// Pairs that are not listed are forbidden: there is no "big-M" weight. Rows are needs
/// (demand side), columns are offers (supply side), but nothing here depends on which side
/// is which.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transport {
    demand: Vec<u32>,
    capacity: Vec<u32>,
    /// The candidate pairs and their weights, rows sorted by column.
    pairs: SparseMatrix,
}

impl Transport {
    /// Builds an instance from row demands, column capacities and `(row, column, weight)`
    /// pairs in any order.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] when a pair names a row or column that does not
    /// exist or is listed twice; [`AllocateError::NumericRange`] when a weight is so large that
    /// potentials could overflow `i64` (|w| × (rows + columns + 4) must stay below 2^59).
    pub fn new(
        demand: Vec<u32>,
        capacity: Vec<u32>,
        pairs: Vec<(u32, u32, i64)>,
    ) -> Result<Self, AllocateError> {
        let (rows, cols) = (demand.len(), capacity.len());
        let pairs = SparseMatrix::new(rows, cols, pairs);
        Transport::with_matrix(demand, capacity, pairs)
    }

    /// [`Transport::new`] from pairs already in order (by row, then column, each once), built in
    /// one pass ([`SparseMatrix::from_sorted`]; any other order is still read right).
    ///
    /// # Errors
    /// As [`Transport::new`].
    pub fn from_sorted(
        demand: Vec<u32>,
        capacity: Vec<u32>,
        pairs: impl ExactSizeIterator<Item = (u32, u32, i64)>,
    ) -> Result<Self, AllocateError> {
        let (rows, cols) = (demand.len(), capacity.len());
        let pairs = SparseMatrix::from_sorted(rows, cols, pairs);
        Transport::with_matrix(demand, capacity, pairs)
    }

    fn with_matrix(
        demand: Vec<u32>,
        capacity: Vec<u32>,
        pairs: Result<SparseMatrix, AllocateError>,
    ) -> Result<Self, AllocateError> {
        let (rows, cols) = (demand.len(), capacity.len());
        let pairs = pairs.map_err(entries_as_pairs)?;
        let max_w = pairs.max_abs();
        let limit = super::flow::weight_limit(rows + cols + 1);
        if max_w > limit {
            return Err(AllocateError::NumericRange {
                max_weight: max_w,
                limit,
            });
        }
        Ok(Transport {
            demand,
            capacity,
            pairs,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.demand.len()
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.capacity.len()
    }

    /// Row demands.
    pub fn demand(&self) -> &[u32] {
        &self.demand
    }

    /// Column capacities.
    pub fn capacity(&self) -> &[u32] {
        &self.capacity
    }

    /// Number of candidate pairs.
    pub fn pair_count(&self) -> usize {
        self.pairs.nnz()
    }

    /// The candidate pairs of row `i` as `(column, weight)`, sorted by column.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (u32, i64)> + '_ {
        self.pairs.row(i)
    }

    /// The weight of pair `(i, j)`, or `None` if it is not a candidate.
    pub fn weight(&self, i: usize, j: u32) -> Option<i64> {
        self.pairs.get(i, j)
    }

    /// The candidate pairs as a sparse matrix of weights.
    pub fn pairs(&self) -> &SparseMatrix {
        &self.pairs
    }

    /// Appends a row (the caller checks the weights' range against the new size).
    pub(crate) fn push_row(
        &mut self,
        demand: u32,
        pairs: &[(u32, i64)],
    ) -> Result<(), AllocateError> {
        self.pairs.push_row(pairs).map_err(entries_as_pairs)?;
        self.demand.push(demand);
        Ok(())
    }

    /// Room for `rows` more rows and `pairs` more pairs.
    pub(crate) fn reserve(&mut self, rows: usize, pairs: usize) {
        self.pairs.reserve(rows, pairs);
        self.demand.reserve(rows);
    }

    /// Appends a column without pairs.
    pub(crate) fn push_col(&mut self, capacity: u32) {
        self.pairs.push_col();
        self.capacity.push(capacity);
    }

    /// Sets column `j`'s capacity.
    pub(crate) fn set_capacity(&mut self, j: usize, capacity: u32) {
        self.capacity[j] = capacity;
    }

    /// Sets the weight of pair `(i, j)`; returns whether it is a candidate.
    pub(crate) fn set_weight(&mut self, i: usize, j: u32, w: i64) -> bool {
        self.pairs.set(i, j, w)
    }
}

/// A sparse matrix's error about its entries, told in the words of a transportation instance.
fn entries_as_pairs(e: AllocateError) -> AllocateError {
    match e {
        AllocateError::InvalidInstance { message } => AllocateError::InvalidInstance {
            message: message.replace("entry", "pair"),
        },
        other => other,
    }
}

/// An optimal transportation plan with its LP dual as certificate.
///
/// The LP is: maximise Σ w·x subject to Σⱼ x_ij ≤ demand_i, Σᵢ x_ij ≤ capacity_j, x ≥ 0.
/// Its dual is: minimise Σ demand·u + Σ capacity·v subject to u_i + v_j ≥ w_ij, u, v ≥ 0.
/// [`verify_transport`] checks feasibility of both, complementary slackness and equal
/// objectives, which together prove optimality.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TransportSolution {
    /// `(row, column, units)` with units > 0, sorted by row then column.
    pub flows: Vec<(u32, u32, u32)>,
    /// Units of each row's demand left unmet.
    pub unmet: Vec<u32>,
    /// Σ weight × units, exact.
    pub objective: i128,
    /// Dual price of each row's demand (u), ≥ 0; empty for a heuristic plan.
    pub row_price: Vec<i64>,
    /// Dual price of each column's capacity (v), ≥ 0; empty for a heuristic plan.
    pub col_price: Vec<i64>,
    /// [`Status::Optimal`] with a certificate, or [`Status::Heuristic`] without one.
    pub status: Status,
    /// The algorithm that ran.
    pub algorithm: Algorithm,
}

/// Residual network for the successive-shortest-path solver. Arc `a ^ 1` is the reverse of
/// arc `a`.
pub(super) struct Network {
    pub(super) head: Vec<u32>,
    pub(super) cap: Vec<i64>,
    pub(super) cost: Vec<i64>,
    /// CSR of arc ids by tail node.
    pub(super) out_start: Vec<usize>,
    pub(super) out: Vec<u32>,
}

impl Network {
    /// The network of `(tail, head, capacity, cost)` arcs: arc `k` of the list is arc `2k`,
    /// its reverse (capacity 0, cost negated) `2k + 1`.
    pub(super) fn with_arcs(nodes: usize, arcs: &[(usize, usize, i64, i64)]) -> Network {
        let mut head = Vec::with_capacity(arcs.len() * 2);
        let mut cap = Vec::with_capacity(arcs.len() * 2);
        let mut cost = Vec::with_capacity(arcs.len() * 2);
        let mut deg = vec![0usize; nodes + 1];
        let mut tails = Vec::with_capacity(arcs.len() * 2);
        for &(u, v, c, w) in arcs {
            for (t, h, cp, cs) in [(u, v, c, w), (v, u, 0, -w)] {
                tails.push(t);
                head.push(u32::try_from(h).unwrap_or(u32::MAX));
                cap.push(cp);
                cost.push(cs);
                deg[t + 1] += 1;
            }
        }
        for i in 0..nodes {
            deg[i + 1] += deg[i];
        }
        let mut fill = deg.clone();
        let mut out = vec![0u32; tails.len()];
        for (a, &t) in tails.iter().enumerate() {
            out[fill[t]] = u32::try_from(a).unwrap_or(u32::MAX);
            fill[t] += 1;
        }
        Network {
            head,
            cap,
            cost,
            out_start: deg,
            out,
        }
    }
}

/// A plan's `(row, column, units)` and its total weight.
pub(super) type Plan = (Vec<(u32, u32, u32)>, i128);

impl Network {
    /// The plan `(row, column, units)` and its weight, read off the reverse arcs' residual
    /// capacities, when the pairs of `t` in row-major order are the arcs from `first` on
    /// (`None` when a flow overflows `u32`).
    pub(super) fn plan(&self, t: &Transport, first: usize) -> Option<Plan> {
        let mut flows = Vec::new();
        let mut objective: i128 = 0;
        let mut a = first;
        for i in 0..t.rows() {
            for (j, w) in t.row(i) {
                let f = self.cap[a + 1];
                if f > 0 {
                    flows.push((u32::try_from(i).ok()?, j, u32::try_from(f).ok()?));
                    objective += i128::from(w) * i128::from(f);
                }
                a += 2;
            }
        }
        Some((flows, objective))
    }
}

/// Finds a maximum-weight transportation plan: how many units of each row's demand go to each
/// column, within demands and capacities, maximising Σ weight × units. Demand need not be met in
/// full: units are placed only where they add weight, and what is left is reported as unmet.
///
/// Algorithm: the network simplex (see [`min_cost_flow`](super::min_cost_flow)) on rows →
/// columns → sink with an "unmet" arc from each row to the sink; capacities on row arcs are one
/// more than the row's demand so that they never bind and the LP dual falls out of the node
/// potentials. [`max_weight_transport_ssp`] solves the same problem by successive shortest paths
/// and serves as a second, independent algorithm in tests.
///
/// # Errors
/// [`AllocateError::NumericRange`] when weights or quantities are too large for exact `i64`
/// arithmetic at this size.
///
/// # Complexity
/// See [`min_cost_flow`](super::min_cost_flow); O(E + V) memory.
///
/// # Example
/// Two Shenyang manufacturers need welders; one college has 3 graduates, another 5.
/// ```
/// use duijie::allocate::{Transport, max_weight_transport, verify_transport};
/// let t = Transport::new(vec![4, 2], vec![3, 5], vec![(0, 0, 90), (0, 1, 60), (1, 1, 80)]).unwrap();
/// let s = max_weight_transport(&t).unwrap();
/// assert_eq!(s.flows, vec![(0, 0, 3), (0, 1, 1), (1, 1, 2)]);
/// verify_transport(&t, &s).unwrap();
/// ```
pub fn max_weight_transport(t: &Transport) -> Result<TransportSolution, AllocateError> {
    max_weight_transport_with(t, &super::Limits::default())
}

/// [`max_weight_transport`] within `limits`. When a limit stops the simplex, its current basis
/// is returned as a feasible plan with [`Status::LimitReached`] (every basis of this network is
/// feasible: unplaced demand rides the "unmet" arcs); its prices are not a certificate.
///
/// # Errors
/// As [`max_weight_transport`].
pub fn max_weight_transport_with(
    t: &Transport,
    limits: &super::Limits<'_>,
) -> Result<TransportSolution, AllocateError> {
    let (rows, cols) = (t.rows(), t.cols());
    let sink = rows + cols;
    check_network_range(t)?;
    let net = network(t);
    let solved = super::simplex::solve(&net.problem(limits));
    if solved.artificial_flow != 0 {
        return Err(AllocateError::InvalidInstance {
            message: "internal: transportation network reported infeasible".into(),
        });
    }
    let (flows, objective) = plan_on_arcs(t, &net.pair_arc, |a| solved.flow[a]);
    let unmet = (0..rows)
        .map(|i| u32::try_from(solved.flow[net.first_unmet + i]).unwrap_or(u32::MAX))
        .collect();
    let (row_price, mut col_price) =
        prices(&solved.potential, (rows, cols), |i| i, |j| rows + j, sink);
    price_closed_columns(t, &row_price, &mut col_price);
    Ok(TransportSolution {
        flows,
        unmet,
        objective,
        row_price,
        col_price,
        status: if solved.limit_reached {
            Status::LimitReached
        } else {
            Status::Optimal
        },
        algorithm: Algorithm::NetworkSimplex,
    })
}

/// Successive shortest paths for the same problem as [`max_weight_transport`]: how many units of each row's demand go to each
/// column, within demands and capacities, maximising Σ weight × units. Demand need not be met
/// in full: units are placed only where they add weight, and what is left is reported as
/// unmet.
///
/// Algorithm: successive shortest paths (Edmonds & Karp 1972; Tomizawa 1971) with Dijkstra on
/// reduced costs, on the network s → row → column → t with an uncapacitated zero-cost
/// "unmet" arc row → t, so every unit of demand is routed and the plan of least cost
/// (−weight) is the plan of most weight. Initial potentials are exact shortest distances on
/// the acyclic start network, so negative weights need no Bellman–Ford. Ties are broken by
/// node index, so the result is deterministic.
///
/// # Returns
/// The plan and its dual prices; [`verify_transport`] checks them.
///
/// # Errors
/// [`AllocateError::NumericRange`] if an intermediate distance would overflow (prevented by
/// the range check in [`Transport::new`]).
///
/// # Complexity
/// O(A · (E + V) log V) time for A augmentations, E pairs and V = rows + columns; A is at most
/// the total demand and in practice near rows + columns. O(E + V) memory.
///
/// # Example
/// Two Shenyang manufacturers need welders; one college has 3 graduates, another 5.
/// ```
/// use duijie::allocate::{Transport, max_weight_transport, verify_transport};
/// let t = Transport::new(vec![4, 2], vec![3, 5], vec![(0, 0, 90), (0, 1, 60), (1, 1, 80)]).unwrap();
/// let s = max_weight_transport(&t).unwrap();
/// assert_eq!(s.flows, vec![(0, 0, 3), (0, 1, 1), (1, 1, 2)]);
/// assert_eq!(s.objective, 3 * 90 + 60 + 2 * 80);
/// verify_transport(&t, &s).unwrap();
/// ```
pub fn max_weight_transport_ssp(t: &Transport) -> Result<TransportSolution, AllocateError> {
    max_weight_transport_ssp_with(t, &super::Limits::default())
}

/// [`max_weight_transport_ssp`] within `limits`: each augmentation (one Dijkstra search) is an
/// iteration, and `stop` is polled before each. A stopped solve returns the plan built so far —
/// feasible, its unplaced demand counted as unmet — marked [`Status::LimitReached`], with no
/// certificate ([`check_plan`] checks it).
///
/// # Errors
/// As [`max_weight_transport_ssp`].
pub fn max_weight_transport_ssp_with(
    t: &Transport,
    limits: &super::Limits<'_>,
) -> Result<TransportSolution, AllocateError> {
    let (rows, cols) = (t.rows(), t.cols());
    let s = 0usize;
    let row_node = |i: usize| 1 + i;
    let col_node = |j: usize| 1 + rows + j;
    let sink = 1 + rows + cols;
    let nodes = sink + 1;
    let total: i64 = t.demand.iter().map(|&d| i64::from(d)).sum();
    // No arc can carry more than the total demand, so it is a true bound, not a sentinel.
    let unbounded = total.max(1);

    let mut arcs = Vec::with_capacity(2 * rows + cols + t.pair_count());
    for (i, &d) in t.demand.iter().enumerate() {
        arcs.push((s, row_node(i), i64::from(d), 0));
    }
    for i in 0..rows {
        for (j, w) in t.row(i) {
            arcs.push((row_node(i), col_node(j as usize), unbounded, -w));
        }
    }
    let first_unmet = arcs.len();
    for i in 0..rows {
        arcs.push((row_node(i), sink, unbounded, 0));
    }
    for (j, &c) in t.capacity.iter().enumerate() {
        arcs.push((col_node(j), sink, i64::from(c), 0));
    }
    let mut net = Network::with_arcs(nodes, &arcs);

    // Exact initial potentials: shortest distances from s on the acyclic network.
    let mut pi = vec![0i64; nodes];
    for i in 0..rows {
        for (j, w) in t.row(i) {
            let v = col_node(j as usize);
            pi[v] = pi[v].min(-w);
        }
    }
    pi[sink] = pi[1 + rows..sink].iter().copied().min().unwrap_or(0).min(0);

    let mut dist = vec![0i64; nodes];
    let mut reached = vec![false; nodes];
    let mut pred = vec![u32::MAX; nodes];
    let mut done = vec![false; nodes];
    let mut heap = BinaryHeap::new();
    let mut sent = 0i64;
    let overflow = || AllocateError::NumericRange {
        max_weight: u64::MAX,
        limit: 0,
    };
    let mut stopped = false;
    for augmentation in 1u64.. {
        if sent >= total {
            break;
        }
        if limits.reached_polling(augmentation, 1) {
            stopped = true;
            break;
        }
        reached.fill(false);
        heap.clear();
        dist[s] = 0;
        reached[s] = true;
        heap.push(Reverse((0i64, 0u32)));
        done.fill(false);
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = u as usize;
            if done[u] || d > dist[u] {
                continue;
            }
            done[u] = true;
            for &a in &net.out[net.out_start[u]..net.out_start[u + 1]] {
                let a = a as usize;
                if net.cap[a] == 0 {
                    continue;
                }
                let v = net.head[a] as usize;
                let rc = net.cost[a] + pi[u] - pi[v];
                debug_assert!(rc >= 0, "negative reduced cost {rc} on arc {a}");
                let nd = d.checked_add(rc).ok_or_else(overflow)?;
                if !reached[v] || nd < dist[v] {
                    reached[v] = true;
                    dist[v] = nd;
                    pred[v] = u32::try_from(a).unwrap_or(u32::MAX);
                    heap.push(Reverse((nd, net.head[a])));
                }
            }
        }
        // The unmet arcs are uncapacitated, so t is reachable while demand remains.
        if !reached[sink] {
            return Err(AllocateError::InvalidInstance {
                message: "internal: sink unreachable with demand remaining".into(),
            });
        }
        let dt = dist[sink];
        for v in 0..nodes {
            let add = if reached[v] { dist[v].min(dt) } else { dt };
            pi[v] = pi[v].checked_add(add).ok_or_else(overflow)?;
        }
        // Bottleneck along the path.
        let mut push = i64::MAX;
        let mut v = sink;
        while v != s {
            let a = pred[v] as usize;
            push = push.min(net.cap[a]);
            v = net.head[a ^ 1] as usize;
        }
        let mut v = sink;
        while v != s {
            let a = pred[v] as usize;
            net.cap[a] -= push;
            net.cap[a ^ 1] += push;
            v = net.head[a ^ 1] as usize;
        }
        sent += push;
    }

    let (flows, objective) = net.plan(t, 2 * rows).ok_or_else(overflow)?;
    // Unmet: what went to the sink directly, plus (when stopped) what never left the source.
    let unmet = (0..rows)
        .map(|i| {
            let u = net.cap[2 * (first_unmet + i) + 1] + net.cap[2 * i];
            u32::try_from(u).unwrap_or(u32::MAX)
        })
        .collect();
    let (row_price, col_price) = prices(&pi, (rows, cols), row_node, col_node, sink);
    Ok(TransportSolution {
        flows,
        unmet,
        objective,
        row_price,
        col_price,
        status: Status::optimal_unless(stopped),
        algorithm: Algorithm::SuccessiveShortestPaths,
    })
}

/// Whether the simplex network of `t` fits the simplex's exact arithmetic.
pub(super) fn check_network_range(t: &Transport) -> Result<(), AllocateError> {
    super::flow::check_flow_range(
        t.rows() + t.cols() + 1,
        t.pairs.max_abs(),
        network_capacity(t),
    )
}

/// The sum of the simplex network's capacities (with the supply): each row's pair arcs and its
/// unmet arc carry demand + 1, each column's arc its capacity; it must fit the simplex's
/// arithmetic.
pub(super) fn network_capacity(t: &Transport) -> i128 {
    let rows = t.rows();
    let total: i64 = t.demand.iter().map(|&d| i64::from(d)).sum();
    let row_caps: i128 = (0..rows)
        .map(|i| row_capacity(t.demand[i], t.row(i).count()))
        .sum();
    let col_caps: i128 = t.capacity.iter().map(|&c| i128::from(c)).sum();
    row_caps + col_caps + i128::from(total)
}

/// What a row of `demand` units with `pairs` pairs adds to the network's capacity: demand + 1
/// on each pair arc and on its unmet arc.
pub(super) fn row_capacity(demand: u32, pairs: usize) -> i128 {
    (i128::from(demand) + 1) * (pairs as i128 + 1)
}

/// The network the simplex solves for a transportation instance: rows `0..rows`, columns
/// after them, then the sink that absorbs every row's demand; the pair arcs in row-major order
/// (none into a column of capacity 0: it can never carry flow, and leaving it out keeps the
/// starting star strongly feasible), then each row's "unmet" arc to the sink, then each
/// column's arc to the sink. The start is the star around the sink with every unit unmet.
pub(super) struct TransportNetwork {
    pub supply: Vec<i64>,
    pub source: Vec<u32>,
    pub target: Vec<u32>,
    pub cap: Vec<i64>,
    pub cost: Vec<i64>,
    /// Each pair's arc (`u32::MAX`: none), in the instance's pair order.
    pub pair_arc: Vec<u32>,
    /// The first unmet arc (row `i`'s is `first_unmet + i`, column `j`'s sink arc
    /// `first_unmet + rows + j`).
    pub first_unmet: usize,
    /// The starting star: each node's arc to the sink and the flow it carries.
    pub tree_arc: Vec<u32>,
    pub start_flow: Vec<i64>,
}

impl TransportNetwork {
    /// The simplex problem: this network from its star around the sink.
    pub fn problem<'a>(&'a self, limits: &'a super::Limits<'a>) -> super::simplex::Problem<'a> {
        super::simplex::Problem {
            nodes: self.supply.len(),
            supply: &self.supply,
            source: &self.source,
            target: &self.target,
            cap: &self.cap,
            cost: &self.cost,
            start: super::simplex::Start::Star {
                root: self.supply.len() - 1,
                tree_arc: &self.tree_arc,
                flow: &self.start_flow,
            },
            limits,
        }
    }
}

/// No arc: a pair into a column of capacity 0.
pub(super) const NO_ARC: u32 = u32::MAX;

/// The simplex network of `t` (its range already checked).
pub(super) fn network(t: &Transport) -> TransportNetwork {
    let (rows, cols) = (t.rows(), t.cols());
    let sink = rows + cols;
    let total: i64 = t.demand.iter().map(|&d| i64::from(d)).sum();
    let mut supply: Vec<i64> = Vec::with_capacity(sink + 1);
    supply.extend(t.demand.iter().map(|&d| i64::from(d)));
    supply.extend(std::iter::repeat_n(0, cols));
    supply.push(-total);
    let arcs = t.pair_count() + rows + cols;
    let (mut source, mut target, mut cap, mut cost) = (
        Vec::with_capacity(arcs),
        Vec::with_capacity(arcs),
        Vec::with_capacity(arcs),
        Vec::with_capacity(arcs),
    );
    let node = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
    let mut pair_arc: Vec<u32> = Vec::with_capacity(t.pair_count());
    for i in 0..rows {
        let room = i64::from(t.demand[i]) + 1;
        for (j, w) in t.row(i) {
            if t.capacity[j as usize] == 0 {
                pair_arc.push(NO_ARC);
                continue;
            }
            pair_arc.push(node(source.len()));
            source.push(node(i));
            target.push(node(rows + j as usize));
            cap.push(room);
            cost.push(-w);
        }
    }
    let first_unmet = source.len();
    for i in 0..rows {
        source.push(node(i));
        target.push(node(sink));
        cap.push(i64::from(t.demand[i]) + 1);
        cost.push(0);
    }
    for j in 0..cols {
        source.push(node(rows + j));
        target.push(node(sink));
        cap.push(i64::from(t.capacity[j]));
        cost.push(0);
    }
    let tree_arc: Vec<u32> = (0..=sink)
        .map(|u| if u < sink { node(first_unmet + u) } else { 0 })
        .collect();
    let start_flow: Vec<i64> = (0..=sink)
        .map(|u| if u < rows { i64::from(t.demand[u]) } else { 0 })
        .collect();
    TransportNetwork {
        supply,
        source,
        target,
        cap,
        cost,
        pair_arc,
        first_unmet,
        tree_arc,
        start_flow,
    }
}

/// The plan (pairs with flow, row by row) and its weight, read from the flow on each pair's
/// arc.
pub(super) fn plan_on_arcs(
    t: &Transport,
    pair_arc: &[u32],
    flow: impl Fn(usize) -> i64,
) -> (Vec<(u32, u32, u32)>, i128) {
    let mut flows = Vec::new();
    let mut objective: i128 = 0;
    let mut k = 0usize;
    for i in 0..t.rows() {
        for (j, w) in t.row(i) {
            let a = pair_arc[k];
            k += 1;
            if a == NO_ARC {
                continue;
            }
            let f = flow(a as usize);
            if f > 0 {
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                flows.push((i, j, u32::try_from(f).unwrap_or(u32::MAX)));
                objective += i128::from(w) * i128::from(f);
            }
        }
    }
    (flows, objective)
}

/// A column of capacity 0 is always full, so any price is complementary: it gets the least
/// that covers its pairs.
pub(super) fn price_closed_columns(t: &Transport, row_price: &[i64], col_price: &mut [i64]) {
    let closed: Vec<bool> = t.capacity.iter().map(|&c| c == 0).collect();
    if !closed.contains(&true) {
        return;
    }
    for (j, p) in col_price.iter_mut().enumerate() {
        if closed[j] {
            *p = 0;
        }
    }
    for (i, &u) in row_price.iter().enumerate() {
        for (j, w) in t.row(i) {
            if closed[j as usize] {
                let need = w.saturating_sub(u).max(0);
                col_price[j as usize] = col_price[j as usize].max(need);
            }
        }
    }
}

/// The LP prices read off the node potentials `pi` of a residual network in which a pair is an
/// arc from its row to its column of cost −weight and every row and column has an arc to
/// `sink` (reduced cost `cost + pi[tail] − pi[head]`): a row's price is how far its potential
/// is above the sink's, a column's how far the sink's is above its own, neither below zero.
pub(super) fn prices(
    pi: &[i64],
    (rows, cols): (usize, usize),
    row_node: impl Fn(usize) -> usize,
    col_node: impl Fn(usize) -> usize,
    sink: usize,
) -> (Vec<i64>, Vec<i64>) {
    (
        (0..rows)
            .map(|i| (pi[row_node(i)] - pi[sink]).max(0))
            .collect(),
        (0..cols)
            .map(|j| (pi[sink] - pi[col_node(j)]).max(0))
            .collect(),
    )
}

fn fail<T>(message: String) -> Result<T, CertificateError> {
    Err(CertificateError::new(message))
}

/// Checks a transportation plan and its dual prices against the instance: primal feasibility
/// (only candidate pairs, demands and capacities respected, unmet units accounted), the
/// recomputed objective, dual feasibility (u, v ≥ 0 and u_i + v_j ≥ w_ij on every pair),
/// complementary slackness and strong duality. All sums are exact (`i128`).
///
/// Passing proves the plan optimal. O(E + V) time.
///
/// # Errors
/// A [`CertificateError`] naming the first condition that fails.
pub fn verify_transport(t: &Transport, s: &TransportSolution) -> Result<(), CertificateError> {
    let (rows, cols) = (t.rows(), t.cols());
    if s.status != Status::Optimal {
        return fail("a heuristic plan carries no certificate (check it with check_plan)".into());
    }
    if s.row_price.len() != rows || s.col_price.len() != cols {
        return fail("solution has the wrong number of rows or columns".into());
    }
    let plan = plan_sums(t, s)?;
    for (i, (&u, &unmet)) in s.row_price.iter().zip(&s.unmet).enumerate() {
        if u < 0 {
            return fail(format!("row {i}: negative price {u}"));
        }
        if u > 0 && unmet > 0 {
            return fail(format!("row {i}: priced at {u} but has unmet demand"));
        }
    }
    for (j, ((&v, &placed), &cap)) in s
        .col_price
        .iter()
        .zip(&plan.col_sum)
        .zip(&t.capacity)
        .enumerate()
    {
        if v < 0 {
            return fail(format!("column {j}: negative price {v}"));
        }
        if v > 0 && placed < u64::from(cap) {
            return fail(format!("column {j}: priced at {v} but not full"));
        }
    }
    // Dual feasibility on every pair. Prices are not negative (checked above), so a sum that
    // overflows `i64` saturates at a value no weight exceeds. The pairs are read on every
    // thread (the first failing row is the one named, as on one).
    let below = (0..rows)
        .into_par_iter()
        .with_min_len(1 << 12)
        .find_map_first(|i| {
            let u = s.row_price[i];
            t.row(i)
                .find(|&(j, w)| u.saturating_add(s.col_price[j as usize]) < w)
                .map(|(j, w)| (i, j, w))
        });
    if let Some((i, j, w)) = below {
        let lhs = i128::from(s.row_price[i]) + i128::from(s.col_price[j as usize]);
        return fail(format!("pair ({i}, {j}): prices {lhs} < weight {w}"));
    }
    // Complementary slackness on the pairs that carry flow (their weights found by
    // `plan_sums`).
    for (&(i, j, _), &w) in s.flows.iter().zip(&plan.weight) {
        let lhs = i128::from(s.row_price[i as usize]) + i128::from(s.col_price[j as usize]);
        if lhs != i128::from(w) {
            return fail(format!(
                "pair ({i}, {j}) carries flow but prices {lhs} ≠ weight {w}"
            ));
        }
    }
    let dual: i128 = t
        .demand
        .iter()
        .zip(&s.row_price)
        .map(|(&d, &u)| i128::from(d) * i128::from(u))
        .sum::<i128>()
        + t.capacity
            .iter()
            .zip(&s.col_price)
            .map(|(&c, &v)| i128::from(c) * i128::from(v))
            .sum::<i128>();
    if dual != s.objective {
        return fail(format!(
            "dual objective {dual} ≠ primal objective {}",
            s.objective
        ));
    }
    Ok(())
}

/// Checks a plan's feasibility only: candidate pairs, positive units listed once, demands and
/// capacities respected, unmet units accounted for, and the objective recomputed. Any plan, from
/// any algorithm, must pass. Returns the units placed per row and per column. O(E + V).
///
/// # Errors
/// A [`CertificateError`] naming the first violation.
pub fn check_plan(
    t: &Transport,
    s: &TransportSolution,
) -> Result<(Vec<u64>, Vec<u64>), CertificateError> {
    plan_sums(t, s).map(|p| (p.row_sum, p.col_sum))
}

/// What [`check_plan`] finds while it checks a plan: the units placed per row and per column,
/// and the weight of each flow's pair (in the plan's order).
struct PlanSums {
    row_sum: Vec<u64>,
    col_sum: Vec<u64>,
    weight: Vec<i64>,
}

/// [`check_plan`], keeping each flow's weight for the certificate's complementary slackness.
fn plan_sums(t: &Transport, s: &TransportSolution) -> Result<PlanSums, CertificateError> {
    let (rows, cols) = (t.rows(), t.cols());
    if s.unmet.len() != rows {
        return fail("plan has the wrong number of rows".into());
    }
    let mut row_sum = vec![0u64; rows];
    let mut col_sum = vec![0u64; cols];
    let mut weight = Vec::with_capacity(s.flows.len());
    let mut objective: i128 = 0;
    for &(i, j, x) in &s.flows {
        let w = if (i as usize) < rows && (j as usize) < cols {
            t.weight(i as usize, j)
        } else {
            None
        };
        let Some(w) = w else {
            return fail(format!("flow on ({i}, {j}) which is not a candidate pair"));
        };
        if x == 0 {
            return fail(format!("flow on ({i}, {j}) is zero or listed twice"));
        }
        weight.push(w);
        row_sum[i as usize] += u64::from(x);
        col_sum[j as usize] += u64::from(x);
        objective += i128::from(w) * i128::from(x);
    }
    // A pair listed twice: neighbours once the pairs are in order (a solver's plan already is).
    let mut keys: Vec<(u32, u32)> = s.flows.iter().map(|&(i, j, _)| (i, j)).collect();
    if !keys.is_sorted() {
        keys.sort_unstable();
    }
    if let Some(d) = keys.windows(2).find(|d| d[0] == d[1]) {
        let (i, j) = d[0];
        return fail(format!("flow on ({i}, {j}) is zero or listed twice"));
    }
    for (i, ((&placed, &unmet), &d)) in row_sum.iter().zip(&s.unmet).zip(&t.demand).enumerate() {
        if placed + u64::from(unmet) != u64::from(d) {
            return fail(format!(
                "row {i}: {placed} placed + {unmet} unmet ≠ demand {d}"
            ));
        }
    }
    for (j, (&placed, &cap)) in col_sum.iter().zip(&t.capacity).enumerate() {
        if placed > u64::from(cap) {
            return fail(format!("column {j}: {placed} placed > capacity {cap}"));
        }
    }
    if objective != s.objective {
        return fail(format!(
            "reported objective {} but the flows sum to {objective}",
            s.objective
        ));
    }
    Ok(PlanSums {
        row_sum,
        col_sum,
        weight,
    })
}

/// The greedy baseline: candidate pairs in order of weight (highest first; ties by row, then
/// column), each given as many units as its row still needs and its column still has. Pairs of
/// weight ≤ 0 are not used. No optimality claim: [`Status::Heuristic`], no certificate.
///
/// # Complexity
/// O(E log E) time, O(E) memory.
///
/// # Example
/// Greedy takes the single best pair and misses the better combination.
/// ```
/// use duijie::allocate::{Transport, greedy_transport, max_weight_transport};
/// let t = Transport::new(vec![1, 1], vec![1, 1], vec![(0, 0, 3), (0, 1, 2), (1, 0, 2)]).unwrap();
/// assert_eq!(greedy_transport(&t).objective, 3);
/// assert_eq!(max_weight_transport(&t).unwrap().objective, 4);
/// ```
pub fn greedy_transport(t: &Transport) -> TransportSolution {
    let mut order: Vec<(i64, u32, u32)> = Vec::with_capacity(t.pair_count());
    for i in 0..t.rows() {
        for (j, w) in t.row(i) {
            if w > 0 {
                order.push((w, u32::try_from(i).unwrap_or(u32::MAX), j));
            }
        }
    }
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut need: Vec<u32> = t.demand.clone();
    let mut room: Vec<u32> = t.capacity.clone();
    let mut flows = Vec::new();
    let mut objective: i128 = 0;
    for (w, i, j) in order {
        let x = need[i as usize].min(room[j as usize]);
        if x > 0 {
            need[i as usize] -= x;
            room[j as usize] -= x;
            flows.push((i, j, x));
            objective += i128::from(w) * i128::from(x);
        }
    }
    flows.sort_unstable();
    TransportSolution {
        flows,
        unmet: need,
        objective,
        row_price: Vec::new(),
        col_price: Vec::new(),
        status: Status::Heuristic,
        algorithm: Algorithm::Greedy,
    }
}
