//! Re-solving a transportation instance from an earlier plan and its prices: the incremental
//! re-matching of a round in which a few needs arrived, offers were withdrawn, or scores,
//! demands and capacities changed.
//!
//! The earlier plan, cut to what the new instance allows, is a feasible flow; the earlier
//! prices, raised where a new or changed pair needs it, are a feasible dual. Where the two
//! disagree (complementary slackness fails) the residual arc at fault is saturated, which leaves
//! a few units of excess at some nodes and of deficit at others, and every residual arc with a
//! non-negative reduced cost. Shortest paths then carry each excess to the nearest deficit
//! (Dijkstra on reduced costs from one excess node, stopped at the first deficit it reaches,
//! deficits first among equally near nodes), and only the nodes a search settled change
//! potential. The searches' work grows with what changed and with the part of the network the
//! changes reach; building the network and checking the certificate still read every pair.
//!
//! A search reads a column's residual arcs from a list of the pairs that carry flow into it
//! (kept up to date as flow moves), not from its whole list of pairs, most of which carry none.
//! Pushing along every other shortest path found by a search (depth first over the arcs of zero
//! reduced cost it settled) halved the searches but cost as much as it saved, so each search
//! augments one path.
//!
//! Measured on the province talent market (20,000 needs, 4,991 offers, 997,162 pairs, most
//! offers full; `cargo bench -p duijie-benches --bench history -- "rematch_warm|rematch/"`,
//! certificate checked in each): re-solving an unchanged market takes 0.12 s against 0.17 s
//! for a fresh network simplex solve; after 100 needs arrive (1,662 units, about 400 searches
//! settling 170,000 nodes in all) 0.21 s against 0.17 s, and after 100 offers are withdrawn
//! (8,074 units, 1,800 searches) 0.55 s against 0.18 s. So it is not yet the faster path for
//! changes of that size, and the pipeline does not use it. Within one process,
//! [`LiveTransport`](super::LiveTransport) keeps the simplex basis between rounds instead and is
//! faster on both (its module gives the figures); this form is for a start that comes from
//! elsewhere (a stored plan and its prices).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::transport::Network;
use super::{Algorithm, AllocateError, Status, Transport, TransportSolution};

/// Where [`max_weight_transport_from`] starts: an earlier plan and its prices, in the new
/// instance's row and column indices. Any start gives the same optimum; a better one (the
/// earlier optimal plan with its certificate) gives it sooner.
#[derive(Clone, Copy, Debug, Default)]
pub struct TransportStart<'a> {
    /// `(row, column, units)`; pairs that are not candidates any more are ignored, and units
    /// beyond a row's demand or a column's capacity are cut (in the order given).
    pub flows: &'a [(u32, u32, u32)],
    /// The earlier price of each row's demand (rows beyond the slice, new ones, start at 0;
    /// negative prices count as 0).
    pub row_price: &'a [i64],
    /// The earlier price of each column's capacity (as `row_price`).
    pub col_price: &'a [i64],
}

/// [`max_weight_transport`](super::max_weight_transport) re-solved from `start`: the same
/// optimum, with the same LP certificate ([`verify_transport`](super::verify_transport)
/// checks it). The searches' work grows with how far `start` is from optimal; building the
/// network and checking the result still read the whole instance (see the module's figures).
///
/// # Errors
/// [`AllocateError::NumericRange`] when prices or distances would overflow `i64` (weights
/// within [`Transport::new`]'s range and prices from an earlier solve of similar weights do
/// not).
///
/// # Example
/// A second college joins; only the units it attracts move.
/// ```
/// use duijie::allocate::{Transport, TransportStart, max_weight_transport,
///     max_weight_transport_from, verify_transport};
/// let before = Transport::new(vec![4, 2], vec![3, 5], vec![(0, 0, 90), (0, 1, 60), (1, 1, 80)])
///     .unwrap();
/// let s = max_weight_transport(&before).unwrap();
/// let after = Transport::new(
///     vec![4, 2],
///     vec![3, 5, 2],
///     vec![(0, 0, 90), (0, 1, 60), (0, 2, 70), (1, 1, 80)],
/// )
/// .unwrap();
/// let start = TransportStart { flows: &s.flows, row_price: &s.row_price, col_price: &s.col_price };
/// let warm = max_weight_transport_from(&after, &start).unwrap();
/// assert_eq!(warm.objective, max_weight_transport(&after).unwrap().objective);
/// verify_transport(&after, &warm).unwrap();
/// ```
pub fn max_weight_transport_from(
    t: &Transport,
    start: &TransportStart<'_>,
) -> Result<TransportSolution, AllocateError> {
    let mut w = Warm::new(t, start)?;
    w.saturate_violations();
    w.route_excess()?;
    w.solution(t)
}

/// The residual network of a warm re-solve: rows `0..rows`, columns after them, then the sink
/// that absorbs every row's demand (through its columns or its "unmet" arc).
struct Warm {
    rows: usize,
    cols: usize,
    net: Network,
    /// Node potentials; an arc's reduced cost is `cost + pi[tail] − pi[head]`.
    pi: Vec<i64>,
    /// Inflow − outflow − supply of each node: > 0 excess, < 0 deficit.
    excess: Vec<i64>,
    /// The tail of each arc (the CSR keeps arcs by tail, so this is the reverse lookup).
    tail: Vec<u32>,
    /// Pairs (pair `k` is arc `2k`, its reverse `2k + 1`).
    pairs: usize,
    /// Each column's residual arcs back to rows: the reverse arcs of its pairs that carry
    /// flow. A column's other out-arcs (the reverses of pairs without flow, most of its
    /// list) have no residual capacity, so a search reads these instead.
    col_flow: Vec<Vec<u32>>,
    /// Where the reverse arc of each pair sits in its column's `col_flow` (`u32::MAX`: not
    /// there).
    slot: Vec<u32>,
}

fn overflow() -> AllocateError {
    AllocateError::NumericRange {
        max_weight: u64::MAX,
        limit: 0,
    }
}

impl Warm {
    /// The network with `start`'s flow (cut to feasibility) and its prices (raised to dual
    /// feasibility).
    fn new(t: &Transport, start: &TransportStart<'_>) -> Result<Warm, AllocateError> {
        let (rows, cols) = (t.rows(), t.cols());
        let sink = rows + cols;
        let total: i64 = t.demand().iter().map(|&d| i64::from(d)).sum();
        let unbounded = total.max(1);
        // Arcs: the pairs in row-major order (pair k is arc 2k), then each row's unmet arc,
        // then each column's arc to the sink.
        let mut arcs = Vec::with_capacity(t.pair_count() + rows + cols);
        let mut row_start = Vec::with_capacity(rows + 1);
        for i in 0..rows {
            row_start.push(arcs.len());
            arcs.extend(
                t.row(i)
                    .map(|(j, wt)| (i, rows + j as usize, unbounded, -wt)),
            );
        }
        row_start.push(arcs.len());
        let unmet_arc = |i: usize| 2 * (t.pair_count() + i);
        let col_arc = |j: usize| 2 * (t.pair_count() + rows + j);
        arcs.extend((0..rows).map(|i| (i, sink, i64::from(t.demand()[i]), 0)));
        arcs.extend((0..cols).map(|j| (rows + j, sink, i64::from(t.capacity()[j]), 0)));
        let mut net = Network::with_arcs(sink + 1, &arcs);
        let mut tail = vec![0u32; net.head.len()];
        for (k, &(from, to, ..)) in arcs.iter().enumerate() {
            tail[2 * k] = u32::try_from(from).map_err(|_| overflow())?;
            tail[2 * k + 1] = u32::try_from(to).map_err(|_| overflow())?;
        }

        // The start's flow, cut to what demands and capacities allow.
        let mut row_left: Vec<i64> = t.demand().iter().map(|&d| i64::from(d)).collect();
        let mut col_left: Vec<i64> = t.capacity().iter().map(|&c| i64::from(c)).collect();
        for &(i, j, units) in start.flows {
            let (i, j) = (i as usize, j as usize);
            if i >= rows || j >= cols {
                continue;
            }
            let Some(k) = t.row(i).position(|(c, _)| c as usize == j) else {
                continue;
            };
            let u = i64::from(units).min(row_left[i]).min(col_left[j]);
            let a = 2 * (row_start[i] + k);
            net.cap[a] -= u;
            net.cap[a + 1] += u;
            row_left[i] -= u;
            col_left[j] -= u;
        }
        // What a row does not send to a column it sends to the sink unmet.
        for (i, &left) in row_left.iter().enumerate() {
            let a = unmet_arc(i);
            net.cap[a] -= left;
            net.cap[a + 1] += left;
        }
        for (j, &left) in col_left.iter().enumerate() {
            let a = col_arc(j);
            let used = i64::from(t.capacity()[j]) - left;
            net.cap[a] -= used;
            net.cap[a + 1] += used;
        }

        // Prices: the start's, then each row's raised until every pair's reduced cost is
        // non-negative (u_i ≥ w_ij − v_j): a feasible dual.
        let price = |p: &[i64], k: usize| p.get(k).copied().unwrap_or(0).max(0);
        let mut pi = vec![0i64; sink + 1];
        for (j, p) in pi[rows..sink].iter_mut().enumerate() {
            *p = -price(start.col_price, j);
        }
        for i in 0..rows {
            let mut u = price(start.row_price, i);
            for (j, wt) in t.row(i) {
                let v = -pi[rows + j as usize];
                u = u.max(wt.checked_sub(v).ok_or_else(overflow)?);
            }
            pi[i] = u;
        }
        let pairs = t.pair_count();
        let mut w = Warm {
            rows,
            cols,
            net,
            pi,
            excess: vec![0; sink + 1],
            tail,
            pairs,
            col_flow: vec![Vec::new(); cols],
            slot: vec![u32::MAX; pairs],
        };
        for k in 0..pairs {
            w.track(2 * k + 1);
        }
        Ok(w)
    }

    /// Keeps `col_flow` in step with the residual capacity of arc `a`, if it is the reverse
    /// arc of a pair.
    fn track(&mut self, a: usize) {
        if a & 1 == 0 || a / 2 >= self.pairs {
            return;
        }
        let k = a / 2;
        let j = self.tail[a] as usize - self.rows;
        let at = self.slot[k];
        if self.net.cap[a] > 0 && at == u32::MAX {
            self.slot[k] = u32::try_from(self.col_flow[j].len()).unwrap_or(u32::MAX);
            self.col_flow[j].push(a as u32);
        } else if self.net.cap[a] == 0 && at != u32::MAX {
            let list = &mut self.col_flow[j];
            list.swap_remove(at as usize);
            if let Some(&moved) = list.get(at as usize) {
                self.slot[moved as usize / 2] = at;
            }
            self.slot[k] = u32::MAX;
        }
    }

    /// The residual out-arcs of node `u` may be among: its CSR list, or for a column the
    /// reverse arcs with flow and its arc to the sink.
    fn out_arcs(&self, u: usize) -> (&[u32], Option<u32>) {
        if (self.rows..self.rows + self.cols).contains(&u) {
            let j = u - self.rows;
            let col_arc = 2 * (self.pairs + self.rows + j);
            (&self.col_flow[j], u32::try_from(col_arc).ok())
        } else {
            (
                &self.net.out[self.net.out_start[u]..self.net.out_start[u + 1]],
                None,
            )
        }
    }

    #[inline]
    fn reduced(&self, a: usize) -> i64 {
        let (from, to) = (self.tail[a] as usize, self.net.head[a] as usize);
        self.net.cost[a] + self.pi[from] - self.pi[to]
    }

    /// Moves `units` along arc `a`.
    fn push(&mut self, a: usize, units: i64) {
        self.net.cap[a] -= units;
        self.net.cap[a ^ 1] += units;
        self.excess[self.tail[a] as usize] -= units;
        self.excess[self.net.head[a] as usize] += units;
        self.track(a);
        self.track(a ^ 1);
    }

    /// Saturates every residual arc of negative reduced cost (where the flow and the prices
    /// disagree), so that every residual arc has a non-negative reduced cost; the flow is then
    /// off balance by the units moved.
    fn saturate_violations(&mut self) {
        for a in 0..self.net.head.len() {
            let r = self.net.cap[a];
            if r > 0 && self.reduced(a) < 0 {
                self.push(a, r);
            }
        }
    }

    /// Carries every excess to a deficit along shortest paths of reduced cost (Dijkstra from one
    /// excess node, stopped at the first deficit it settles), keeping reduced costs
    /// non-negative; afterwards the flow is balanced, so optimal.
    fn route_excess(&mut self) -> Result<(), AllocateError> {
        let nodes = self.pi.len();
        let mut dist = vec![i64::MAX; nodes];
        let mut pred = vec![u32::MAX; nodes];
        let mut settled = vec![false; nodes];
        let mut touched: Vec<u32> = Vec::new();
        let mut done: Vec<(u32, i64)> = Vec::new();
        let mut heap = BinaryHeap::new();
        let mut sources: Vec<u32> = (0..nodes)
            .filter(|&v| self.excess[v] > 0)
            .map(|v| v as u32)
            .collect();
        loop {
            sources.retain(|&v| self.excess[v as usize] > 0);
            let Some(&s) = sources.last() else {
                return Ok(());
            };
            for &v in &touched {
                let v = v as usize;
                dist[v] = i64::MAX;
                pred[v] = u32::MAX;
                settled[v] = false;
            }
            touched.clear();
            done.clear();
            heap.clear();
            // One source at a time: a search from all of them at once would settle the nodes
            // near every one of them to move the units of one (measured: 8 times the work).
            dist[s as usize] = 0;
            touched.push(s);
            heap.push(Reverse((0i64, false, s)));
            let mut end = None;
            'search: while let Some(Reverse((d, _, u))) = heap.pop() {
                let ui = u as usize;
                if settled[ui] || d > dist[ui] {
                    continue;
                }
                settled[ui] = true;
                done.push((u, d));
                if self.excess[ui] < 0 {
                    end = Some((ui, d));
                    break;
                }
                let (list, extra) = self.out_arcs(ui);
                for &a in list.iter().chain(extra.as_ref()) {
                    let a = a as usize;
                    if self.net.cap[a] == 0 {
                        continue;
                    }
                    let v = self.net.head[a] as usize;
                    if settled[v] {
                        continue;
                    }
                    let nd = d.checked_add(self.reduced(a)).ok_or_else(overflow)?;
                    if nd < dist[v] {
                        if dist[v] == i64::MAX {
                            touched.push(v as u32);
                        }
                        dist[v] = nd;
                        pred[v] = a as u32;
                        let deficit = self.excess[v] < 0;
                        if deficit && nd == d {
                            // Nothing is nearer than the node being scanned: this deficit
                            // is the end (in degenerate markets most searches end at the
                            // distance they start from, after a few zero-cost arcs).
                            settled[v] = true;
                            done.push((v as u32, nd));
                            end = Some((v, nd));
                            break 'search;
                        }
                        // Among equally near nodes deficits come first.
                        heap.push(Reverse((nd, !deficit, v as u32)));
                    }
                }
            }
            // Total excess equals total deficit and the start's flow (before saturation) was
            // feasible, so a deficit is always reachable from an excess.
            let Some((end, d_end)) = end else {
                return Err(AllocateError::InvalidInstance {
                    message: "internal: an excess with no deficit reachable".into(),
                });
            };
            // Settled nodes nearer than the end move their potential down by how much nearer
            // they were: reduced costs stay non-negative and the path's become zero.
            for &(v, d) in &done {
                let v = v as usize;
                self.pi[v] = self.pi[v].checked_sub(d_end - d).ok_or_else(overflow)?;
            }
            // The path back to its source, and the units it can carry.
            let mut units = -self.excess[end];
            let mut v = end;
            while pred[v] != u32::MAX {
                let a = pred[v] as usize;
                units = units.min(self.net.cap[a]);
                v = self.tail[a] as usize;
            }
            units = units.min(self.excess[v]);
            let mut v = end;
            while pred[v] != u32::MAX {
                let a = pred[v] as usize;
                v = self.tail[a] as usize;
                self.push(a, units);
            }
        }
    }

    /// The plan, the unmet units and the prices read off the network.
    fn solution(&self, t: &Transport) -> Result<TransportSolution, AllocateError> {
        let (rows, cols) = (self.rows, self.cols);
        let sink = rows + cols;
        let (flows, objective) = self.net.plan(t, 0).ok_or_else(overflow)?;
        let a = 2 * t.pair_count();
        let unmet = (0..rows)
            .map(|i| u32::try_from(self.net.cap[a + 2 * i + 1]).unwrap_or(u32::MAX))
            .collect();
        let (row_price, col_price) =
            super::transport::prices(&self.pi, (rows, cols), |i| i, |j| rows + j, sink);
        Ok(TransportSolution {
            flows,
            unmet,
            objective,
            row_price,
            col_price,
            status: Status::Optimal,
            algorithm: Algorithm::WarmShortestPaths,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::allocate::{max_weight_transport, verify_transport};
    use crate::testkit::{brute_transport, random_transport as random, xorshift};

    /// Demands, capacities and weighted pairs.
    type Instance = (Vec<u32>, Vec<u32>, Vec<(u32, u32, i64)>);

    /// The instance after a round of changes: `added` new rows with random pairs, every
    /// column withdrawn (capacity 0) with probability 1/8, and a few demands, capacities and
    /// weights changed or pairs dropped.
    fn changed(
        next: &mut impl FnMut() -> u64,
        (mut d, mut c, pairs): Instance,
        added: usize,
    ) -> Instance {
        let mut kept = Vec::with_capacity(pairs.len());
        for (i, j, w) in pairs {
            match next() % 10 {
                0 => {}
                1 => kept.push((i, j, (next() % 40) as i64 - 5)),
                _ => kept.push((i, j, w)),
            }
        }
        let mut pairs = kept;
        for x in &mut c {
            match next() % 8 {
                0 => *x = 0,
                1 => *x += (next() % 3) as u32,
                _ => {}
            }
        }
        for x in &mut d {
            if next().is_multiple_of(8) {
                *x = (next() % 4) as u32;
            }
        }
        for _ in 0..added {
            let i = d.len() as u32;
            d.push((next() % 4) as u32);
            for j in 0..c.len() as u32 {
                if next().is_multiple_of(3) {
                    pairs.push((i, j, (next() % 40) as i64));
                }
            }
        }
        (d, c, pairs)
    }

    fn transport((d, c, pairs): &Instance) -> Transport {
        Transport::new(d.clone(), c.clone(), pairs.clone()).unwrap()
    }

    fn warm_from(t: &Transport, s: &TransportSolution) -> TransportSolution {
        let start = TransportStart {
            flows: &s.flows,
            row_price: &s.row_price,
            col_price: &s.col_price,
        };
        let w = max_weight_transport_from(t, &start).unwrap();
        verify_transport(t, &w).unwrap();
        w
    }

    proptest! {
        #[test]
        fn a_warm_resolve_of_a_small_changed_instance_is_the_brute_force_optimum(
            seed in any::<u64>(), rows in 1usize..=3, cols in 1usize..=3, added in 0usize..=1,
        ) {
            let mut next = xorshift(seed | 1);
            let before = random(&mut next, rows, cols, 3);
            let s = max_weight_transport(&transport(&before)).unwrap();
            let after = changed(&mut next, before, added);
            let w = warm_from(&transport(&after), &s);
            prop_assert_eq!(w.objective, brute_transport(&after.0, &after.1, &after.2));
        }

        #[test]
        fn a_warm_resolve_equals_a_fresh_solve_after_additions_changes_and_withdrawals(
            seed in any::<u64>(), rows in 1usize..50, cols in 1usize..50, added in 0usize..10,
        ) {
            let mut next = xorshift(seed | 1);
            let before = random(&mut next, rows, cols, 12);
            let s = max_weight_transport(&transport(&before)).unwrap();
            let after = changed(&mut next, before, added);
            let t = transport(&after);
            let w = warm_from(&t, &s);
            prop_assert_eq!(w.objective, max_weight_transport(&t).unwrap().objective);
            prop_assert_eq!(w.algorithm, Algorithm::WarmShortestPaths);
        }

        #[test]
        fn any_start_gives_the_optimum(
            seed in any::<u64>(), rows in 1usize..30, cols in 1usize..30,
        ) {
            // Flows naming pairs that do not exist or exceeding every bound, and arbitrary
            // prices, negative ones included: only the speed depends on the start.
            let mut next = xorshift(seed | 1);
            let inst = random(&mut next, rows, cols, 12);
            let t = transport(&inst);
            let flows: Vec<(u32, u32, u32)> = (0..rows * 2)
                .map(|_| ((next() % 40) as u32, (next() % 40) as u32, (next() % 30) as u32))
                .collect();
            let row_price: Vec<i64> = (0..rows / 2).map(|_| (next() % 60) as i64 - 20).collect();
            let col_price: Vec<i64> = (0..cols + 3).map(|_| (next() % 60) as i64 - 20).collect();
            let start = TransportStart { flows: &flows, row_price: &row_price, col_price: &col_price };
            let w = max_weight_transport_from(&t, &start).unwrap();
            verify_transport(&t, &w).unwrap();
            prop_assert_eq!(w.objective, max_weight_transport(&t).unwrap().objective);
        }
    }

    #[test]
    fn an_unchanged_instance_moves_nothing() {
        let mut next = xorshift(99);
        let inst = random(&mut next, 40, 30, 10);
        let t = transport(&inst);
        let s = max_weight_transport(&t).unwrap();
        let w = warm_from(&t, &s);
        assert_eq!(w.objective, s.objective);
        assert_eq!(w.unmet, s.unmet);
    }

    #[test]
    fn an_empty_start_is_a_cold_solve() {
        let mut next = xorshift(5);
        let inst = random(&mut next, 25, 25, 10);
        let t = transport(&inst);
        let w = max_weight_transport_from(&t, &TransportStart::default()).unwrap();
        verify_transport(&t, &w).unwrap();
        assert_eq!(w.objective, max_weight_transport(&t).unwrap().objective);
    }
}
