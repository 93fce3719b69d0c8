//! A transportation problem kept solved between rounds: needs arrive, offers are withdrawn or
//! open, weights change, and the network simplex goes on from the last optimal basis instead of
//! starting again.
//!
//! The basis of the last solve (the spanning tree, its flows and its potentials) stays in
//! memory with the network. A change edits both in place:
//! - a new row is a new node hung from the sink by its "unmet" arc, carrying its whole demand
//!   (a feasible flow; its pairs enter the basis as the simplex finds them worth it);
//! - a new column is a new node hung from the sink by its capacity arc, empty;
//! - a withdrawn column's arc to the sink gets a penalty cost larger than any path can save
//!   (the artificial cost of the simplex's own big-M start), so the optimum carries nothing
//!   through it: the flow stays feasible at every step, and at the optimum the column is
//!   empty, as its capacity of 0 requires;
//! - a changed weight is a changed arc cost (a tree arc's moves the potentials below it).
//!
//! The next solve pivots only as far as the changes reach; the entering-arc search still reads
//! the whole network once at the end to prove optimality. Near the optimum few arcs have a
//! negative reduced cost, so the search keeps the ones a block search passes as candidates and
//! takes them first.
//!
//! Measured on the province talent market (20,000 needs, 4,991 offers, 997,162 pairs; `cargo
//! bench -p duijie-benches --bench history -- "rematch_live|rematch/"`, through
//! [`LiveWelfare`](crate::policy::LiveWelfare), certificate checked and allocation built in
//! each; `benches/results/2026-12-05-rematch.csv`), against a fresh welfare allocation of the
//! changed market (on both cores) at 129–167 ms: unchanged 23 ms (0.14×); 100 needs arrive
//! (1,662 units, about 4,600 pivots) 59 ms (0.42×); 100 offers withdrawn (8,074 units, about
//! 21,000 pivots) 128 ms (1.0×). Each pivot moves about 450 nodes of the tree, and about 40% of
//! the pivots move no flow. The answer is the same
//! [`TransportSolution`] as a fresh [`max_weight_transport`](super::max_weight_transport)'s,
//! with its prices, and [`verify_transport`](super::verify_transport) checks it against
//! [`LiveTransport::transport`], the instance as it now stands.

use super::simplex::Basis;
use super::transport::{self, NO_ARC, Transport, TransportSolution};
use super::{Algorithm, AllocateError, Limits, Status};

/// A transportation instance with the optimal basis of its last solve, changed round by round
/// and re-solved from there.
///
/// # Example
/// A third need arrives and an offer is withdrawn; the re-solve is the fresh optimum.
/// ```
/// use duijie::allocate::{LiveTransport, Transport, max_weight_transport, verify_transport};
/// let t = Transport::new(vec![4, 2], vec![3, 5], vec![(0, 0, 90), (0, 1, 60), (1, 1, 80)])
///     .unwrap();
/// let mut live = LiveTransport::new(t).unwrap();
/// assert_eq!(live.solve().unwrap().objective, 3 * 90 + 60 + 2 * 80);
/// let row = live.add_row(3, &[(0, 95), (1, 70)]).unwrap();
/// assert_eq!(row, 2);
/// live.withdraw_col(0).unwrap();
/// let s = live.solve().unwrap();
/// verify_transport(live.transport(), &s).unwrap();
/// assert_eq!(s.objective, max_weight_transport(live.transport()).unwrap().objective);
/// ```
#[derive(Clone)]
pub struct LiveTransport {
    t: Transport,
    basis: Basis,
    /// Each pair's arc, in the instance's pair order ([`NO_ARC`]: a pair into a column that had
    /// capacity 0 when the pair arrived).
    pair_arc: Vec<u32>,
    /// Each arc's pair, in the instance's pair order ([`NO_ARC`]: not a pair's arc).
    arc_pair: Vec<u32>,
    /// Each row's node and "unmet" arc.
    row_node: Vec<u32>,
    unmet_arc: Vec<u32>,
    /// Each column's node and arc to the sink.
    col_node: Vec<u32>,
    col_arc: Vec<u32>,
    sink: usize,
    /// The largest |weight| so far.
    max_w: u64,
    /// The sum of the network's capacities ([`transport::network_capacity`]).
    capacity: i128,
    /// The penalty cost on a withdrawn column's arc to the sink (0 until one is withdrawn).
    penalty: i64,
    /// Withdrawn columns whose arc carries the penalty.
    penalised: Vec<u32>,
    /// Pivots of the last solve.
    pivots: u64,
    /// Whether a solve has run (the first starts from the star, the next ones near an optimum).
    solved: bool,
}

fn invalid(message: String) -> AllocateError {
    AllocateError::InvalidInstance { message }
}

fn index(k: usize) -> u32 {
    u32::try_from(k).unwrap_or(u32::MAX)
}

impl LiveTransport {
    /// Keeps `t` with its starting basis (every unit unmet); [`LiveTransport::solve`] solves it.
    ///
    /// # Errors
    /// [`AllocateError::NumericRange`] as [`max_weight_transport`](super::max_weight_transport).
    pub fn new(t: Transport) -> Result<LiveTransport, AllocateError> {
        transport::check_network_range(&t)?;
        let net = transport::network(&t);
        let (rows, cols) = (t.rows(), t.cols());
        let sink = rows + cols;
        let basis = Basis::new(&net.problem(&Limits::default()));
        let mut arc_pair = vec![NO_ARC; net.source.len()];
        for (k, &a) in net.pair_arc.iter().enumerate() {
            if a != NO_ARC {
                arc_pair[a as usize] = index(k);
            }
        }
        Ok(LiveTransport {
            arc_pair,
            max_w: t.pairs().max_abs(),
            capacity: transport::network_capacity(&t),
            basis,
            pair_arc: net.pair_arc,
            row_node: (0..rows).map(index).collect(),
            unmet_arc: (0..rows).map(|i| index(net.first_unmet + i)).collect(),
            col_node: (rows..sink).map(index).collect(),
            col_arc: (0..cols)
                .map(|j| index(net.first_unmet + rows + j))
                .collect(),
            sink,
            penalty: 0,
            penalised: Vec::new(),
            pivots: 0,
            solved: false,
            t,
        })
    }

    /// The instance as it stands after the changes so far.
    pub fn transport(&self) -> &Transport {
        &self.t
    }

    /// Pivots the last [`LiveTransport::solve`] took.
    pub fn pivots(&self) -> u64 {
        self.pivots
    }

    /// Room for `rows` more rows with `pairs` pairs in all, so that adding them does not move
    /// the network's arrays (growing them copies the whole network once per doubling, which
    /// a round that knows its size can do ahead).
    pub fn reserve(&mut self, rows: usize, pairs: usize) {
        self.t.reserve(rows, pairs);
        self.basis.reserve(rows, pairs + rows);
        self.pair_arc.reserve(pairs);
        self.row_node.reserve(rows);
        self.unmet_arc.reserve(rows);
    }

    /// Whether weights up to `max_w` and capacities summing to `capacity` on a network of
    /// `nodes` nodes stay within the simplex's exact arithmetic.
    fn fits(nodes: usize, max_w: u64, capacity: i128) -> Result<(), AllocateError> {
        super::flow::check_flow_range(nodes, max_w, capacity)
    }

    /// Records the grown weights and capacities ([`LiveTransport::fits`] checked them) and
    /// keeps the penalty above any path's saving.
    fn grow(&mut self, max_w: u64, capacity: i128) {
        self.max_w = max_w;
        self.capacity = capacity;
        if !self.penalised.is_empty() && self.penalty < penalty_for(max_w) {
            self.penalty = penalty_for(max_w);
            for &j in &self.penalised {
                self.basis
                    .set_cost(self.col_arc[j as usize] as usize, self.penalty);
            }
        }
    }

    /// A need arrives: a new row with `demand` units and `(column, weight)` pairs; returns its
    /// index. Pairs into a column of capacity 0 are kept in the instance but can never carry
    /// flow.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] for a column that does not exist or is listed twice;
    /// [`AllocateError::NumericRange`] for a weight or a demand beyond the range of the grown
    /// network. Nothing is changed then.
    pub fn add_row(&mut self, demand: u32, pairs: &[(u32, i64)]) -> Result<u32, AllocateError> {
        let max_w = pairs
            .iter()
            .map(|p| p.1.unsigned_abs())
            .fold(self.max_w, u64::max);
        let capacity =
            self.capacity + transport::row_capacity(demand, pairs.len()) + i128::from(demand);
        Self::fits(self.basis.potentials().len() + 1, max_w, capacity)?;
        let i = self.t.rows();
        self.t.push_row(demand, pairs)?;
        self.grow(max_w, capacity);
        let u = self.basis.add_node();
        let room = i64::from(demand) + 1;
        let row: Vec<(u32, i64)> = self.t.row(i).collect();
        for (j, w) in row {
            let arc = if self.t.capacity()[j as usize] == 0 {
                NO_ARC
            } else {
                let a = self
                    .basis
                    .add_arc(u, self.col_node[j as usize] as usize, room, -w);
                self.arc_pair.push(index(self.pair_arc.len()));
                index(a)
            };
            self.pair_arc.push(arc);
        }
        let unmet = self.basis.add_arc(u, self.sink, room, 0);
        self.arc_pair.push(NO_ARC);
        self.basis.hang(u, unmet, i64::from(demand));
        self.row_node.push(index(u));
        self.unmet_arc.push(index(unmet));
        Ok(index(i))
    }

    /// An offer opens: a new column with `capacity` and no pairs yet (later rows can name it);
    /// returns its index.
    ///
    /// # Errors
    /// [`AllocateError::NumericRange`] when the grown network leaves the exact range.
    pub fn add_col(&mut self, capacity: u32) -> Result<u32, AllocateError> {
        let total = self.capacity + i128::from(capacity);
        Self::fits(self.basis.potentials().len() + 1, self.max_w, total)?;
        self.grow(self.max_w, total);
        let j = self.t.cols();
        self.t.push_col(capacity);
        let u = self.basis.add_node();
        let arc = self.basis.add_arc(u, self.sink, i64::from(capacity), 0);
        self.arc_pair.push(NO_ARC);
        self.basis.hang(u, arc, 0);
        self.col_node.push(index(u));
        self.col_arc.push(index(arc));
        Ok(index(j))
    }

    /// An offer is withdrawn: column `j`'s capacity becomes 0, and the next solve moves its
    /// units elsewhere.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] for a column that does not exist.
    pub fn withdraw_col(&mut self, j: u32) -> Result<(), AllocateError> {
        let ju = j as usize;
        if ju >= self.t.cols() {
            return Err(invalid(format!(
                "column {j} does not exist ({} columns)",
                self.t.cols()
            )));
        }
        if self.t.capacity()[ju] == 0 {
            return Ok(());
        }
        self.t.set_capacity(ju, 0);
        self.penalty = self.penalty.max(penalty_for(self.max_w));
        self.penalised.push(j);
        self.basis.set_cost(self.col_arc[ju] as usize, self.penalty);
        Ok(())
    }

    /// The weight of pair `(i, j)` changes to `w`.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] when `(i, j)` is not a candidate pair;
    /// [`AllocateError::NumericRange`] for a weight beyond the network's range.
    pub fn set_weight(&mut self, i: u32, j: u32, w: i64) -> Result<(), AllocateError> {
        let iu = i as usize;
        if iu >= self.t.rows() || self.t.weight(iu, j).is_none() {
            return Err(invalid(format!("pair ({i}, {j}) is not a candidate")));
        }
        let max_w = self.max_w.max(w.unsigned_abs());
        Self::fits(self.basis.potentials().len(), max_w, self.capacity)?;
        self.t.set_weight(iu, j, w);
        self.grow(max_w, self.capacity);
        let span = self.t.pairs().row_span(iu);
        let k = span.start + self.t.row(iu).position(|(c, _)| c == j).unwrap_or(0);
        let arc = self.pair_arc[k];
        if arc != NO_ARC {
            self.basis.set_cost(arc as usize, -w);
        }
        Ok(())
    }

    /// Solves from the last basis: the optimal plan of the instance as it now stands, with its
    /// prices ([`verify_transport`](super::verify_transport) checks them against
    /// [`LiveTransport::transport`]).
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] if the simplex left flow on a withdrawn column (it
    /// cannot: every row can leave its units unmet).
    pub fn solve(&mut self) -> Result<TransportSolution, AllocateError> {
        self.solve_within(&Limits::default())
    }

    /// [`LiveTransport::solve`] within `limits`. When a limit stops the simplex, the basis it
    /// reached is returned as a feasible plan with [`Status::LimitReached`] (no certificate),
    /// and the next solve goes on from there.
    ///
    /// # Errors
    /// As [`LiveTransport::solve`]; [`AllocateError::LimitReached`] when the limit came before
    /// every withdrawn column was emptied (no feasible plan yet).
    pub fn solve_within(
        &mut self,
        limits: &Limits<'_>,
    ) -> Result<TransportSolution, AllocateError> {
        let (searches, stopped) = if self.solved {
            self.basis.run_warm(limits)
        } else {
            self.basis.run(limits)
        };
        self.solved = !stopped;
        // The last search of a finished solve finds nothing to enter: that proves optimality,
        // it is not a pivot.
        self.pivots = if stopped {
            searches
        } else {
            searches.saturating_sub(1)
        };
        let t = &self.t;
        if let Some(&j) = self
            .penalised
            .iter()
            .find(|&&j| self.basis.flow_of(self.col_arc[j as usize] as usize) != 0)
        {
            if stopped {
                return Err(AllocateError::LimitReached {
                    iterations: searches,
                });
            }
            return Err(invalid(format!(
                "internal: withdrawn column {j} still carries flow"
            )));
        }
        // Only tree arcs carry flow strictly inside their bounds, and no pair arc reaches its
        // bound (demand + 1): the plan is read off the tree's arcs, not off every pair.
        let mut flows: Vec<(u32, u32, u32)> = Vec::new();
        let mut objective: i128 = 0;
        for a in self.basis.tree_arcs() {
            let k = self.arc_pair[a];
            let f = self.basis.flow_of(a);
            if k != NO_ARC && f > 0 {
                let (i, j, w) = t.pairs().entry(k as usize);
                flows.push((i, j, u32::try_from(f).unwrap_or(u32::MAX)));
                objective += i128::from(w) * i128::from(f);
            }
        }
        flows.sort_unstable();
        let unmet = self
            .unmet_arc
            .iter()
            .map(|&a| u32::try_from(self.basis.flow_of(a as usize)).unwrap_or(u32::MAX))
            .collect();
        let (row_price, mut col_price) = transport::prices(
            self.basis.potentials(),
            (t.rows(), t.cols()),
            |i| self.row_node[i] as usize,
            |j| self.col_node[j] as usize,
            self.sink,
        );
        transport::price_closed_columns(t, &row_price, &mut col_price);
        Ok(TransportSolution {
            flows,
            unmet,
            objective,
            row_price,
            col_price,
            status: if stopped {
                Status::LimitReached
            } else {
                Status::Optimal
            },
            algorithm: Algorithm::NetworkSimplex,
        })
    }
}

/// The cost on a withdrawn column's arc to the sink: more than any pair into it weighs. Then
/// no optimum sends a unit through the column: the row that sends it could leave it unmet
/// instead (its unmet arc always has room), which costs `max_w + 1 − w > 0` less. Small
/// against the simplex's big-M, so that the potentials below the column move by about one
/// weight and the re-solve stays near the old basis.
fn penalty_for(max_w: u64) -> i64 {
    i64::try_from(max_w + 1).unwrap_or(i64::MAX / 4)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::allocate::{max_weight_transport, verify_transport};
    use crate::testkit::{brute_transport, random_transport, xorshift};

    fn random(next: &mut impl FnMut() -> u64, rows: usize, cols: usize, units: u64) -> Transport {
        let (d, c, pairs) = random_transport(next, rows, cols, units);
        Transport::new(d, c, pairs).unwrap()
    }

    /// One random change: a row arrives, a column opens, a column is withdrawn, or a weight
    /// changes.
    fn change(next: &mut impl FnMut() -> u64, live: &mut LiveTransport, units: u64) {
        let (rows, cols) = (live.transport().rows(), live.transport().cols());
        match next() % 4 {
            0 => {
                let mut pairs: Vec<(u32, i64)> = Vec::new();
                for j in 0..cols as u32 {
                    if next().is_multiple_of(2) {
                        pairs.push((j, (next() % 50) as i64 - 5));
                    }
                }
                live.add_row((next() % units) as u32, &pairs).unwrap();
            }
            1 => {
                live.add_col((next() % units) as u32).unwrap();
            }
            2 if cols > 0 => live.withdraw_col((next() % cols as u64) as u32).unwrap(),
            _ if rows > 0 => {
                let i = (next() % rows as u64) as usize;
                let row: Vec<(u32, i64)> = live.transport().row(i).collect();
                if !row.is_empty() {
                    let j = row[(next() % row.len() as u64) as usize].0;
                    live.set_weight(i as u32, j, (next() % 60) as i64 - 10)
                        .unwrap();
                }
            }
            _ => {}
        }
    }

    /// The live solve, checked by its certificate, and its objective.
    fn solved(live: &mut LiveTransport) -> i128 {
        let s = live.solve().unwrap();
        verify_transport(live.transport(), &s).unwrap();
        s.objective
    }

    proptest! {
        #[test]
        fn live_rounds_of_small_instances_reach_the_brute_force_optimum(
            seed in any::<u64>(), rows in 1usize..=3, cols in 1usize..=3, rounds in 1usize..4,
        ) {
            let mut next = xorshift(seed | 1);
            let mut live = LiveTransport::new(random(&mut next, rows, cols, 3)).unwrap();
            solved(&mut live);
            for _ in 0..rounds {
                change(&mut next, &mut live, 3);
                let t = live.transport().clone();
                let d = t.demand().to_vec();
                let c = t.capacity().to_vec();
                let pairs: Vec<(u32, u32, i64)> = (0..t.rows())
                    .flat_map(|i| t.row(i).map(move |(j, w)| (i as u32, j, w)))
                    .collect();
                if t.rows() * t.cols() <= 12 {
                    prop_assert_eq!(solved(&mut live), brute_transport(&d, &c, &pairs));
                }
            }
        }

        #[test]
        fn live_rounds_equal_fresh_solves(
            seed in any::<u64>(), rows in 1usize..40, cols in 1usize..40, rounds in 1usize..6,
        ) {
            let mut next = xorshift(seed | 1);
            let mut live = LiveTransport::new(random(&mut next, rows, cols, 12)).unwrap();
            prop_assert_eq!(
                solved(&mut live),
                max_weight_transport(live.transport()).unwrap().objective
            );
            for _ in 0..rounds {
                for _ in 0..1 + next() % 6 {
                    change(&mut next, &mut live, 12);
                }
                prop_assert_eq!(
                    solved(&mut live),
                    max_weight_transport(live.transport()).unwrap().objective
                );
            }
        }
    }

    #[test]
    fn an_unchanged_instance_takes_no_pivot() {
        let mut next = xorshift(17);
        let mut live = LiveTransport::new(random(&mut next, 60, 40, 10)).unwrap();
        let first = live.solve().unwrap();
        assert!(live.pivots() > 0);
        let again = live.solve().unwrap();
        assert_eq!(live.pivots(), 0);
        assert_eq!(first, again);
    }

    #[test]
    fn a_limit_stops_a_live_solve_with_a_feasible_plan_and_the_next_solve_goes_on() {
        let mut next = xorshift(23);
        let mut live = LiveTransport::new(random(&mut next, 60, 40, 10)).unwrap();
        let limits = Limits {
            max_iterations: Some(5),
            stop: None,
        };
        let s = live.solve_within(&limits).unwrap();
        assert_eq!(s.status, Status::LimitReached);
        crate::allocate::check_plan(live.transport(), &s).unwrap();
        let done = live.solve().unwrap();
        verify_transport(live.transport(), &done).unwrap();
        assert_eq!(
            done.objective,
            max_weight_transport(live.transport()).unwrap().objective
        );
        // Withdrawn columns not emptied yet: no feasible plan to give.
        let full = (0..live.transport().cols() as u32)
            .filter(|&j| done.flows.iter().any(|f| f.1 == j))
            .collect::<Vec<_>>();
        for &j in &full {
            live.withdraw_col(j).unwrap();
        }
        let e = live.solve_within(&Limits {
            max_iterations: Some(1),
            stop: None,
        });
        assert!(
            matches!(e, Err(AllocateError::LimitReached { .. })),
            "{e:?}"
        );
        let s = live.solve().unwrap();
        verify_transport(live.transport(), &s).unwrap();
        assert!(s.flows.is_empty());
    }

    #[test]
    fn a_market_that_starts_empty_grows_round_by_round() {
        let mut live = LiveTransport::new(Transport::new(vec![], vec![], vec![]).unwrap()).unwrap();
        assert_eq!(live.solve().unwrap().objective, 0);
        assert_eq!(live.add_col(3).unwrap(), 0);
        assert_eq!(live.add_row(2, &[(0, 7)]).unwrap(), 0);
        assert_eq!(live.solve().unwrap().objective, 14);
        assert_eq!(live.add_col(1).unwrap(), 1);
        assert_eq!(live.add_row(3, &[(0, 9), (1, 4)]).unwrap(), 1);
        let s = live.solve().unwrap();
        verify_transport(live.transport(), &s).unwrap();
        assert_eq!(s.objective, 2 * 9 + 7 + 4);
        live.withdraw_col(0).unwrap();
        let s = live.solve().unwrap();
        verify_transport(live.transport(), &s).unwrap();
        assert_eq!(s.flows, vec![(1, 1, 1)]);
    }

    #[test]
    fn bad_changes_are_named() {
        let mut live =
            LiveTransport::new(Transport::new(vec![2], vec![2], vec![(0, 0, 5)]).unwrap()).unwrap();
        let e = live.add_row(1, &[(3, 5)]).unwrap_err().to_string();
        assert!(e.contains("pair (1, 3)"), "{e}");
        let e = live.add_row(1, &[(0, 5), (0, 6)]).unwrap_err().to_string();
        assert!(e.contains("listed twice"), "{e}");
        assert!(
            live.withdraw_col(4)
                .unwrap_err()
                .to_string()
                .contains("column 4")
        );
        assert!(live.set_weight(0, 1, 3).is_err());
        let e = live.add_row(1, &[(0, i64::MAX / 2)]).unwrap_err();
        assert!(matches!(e, AllocateError::NumericRange { .. }), "{e}");
        let e = live.set_weight(0, 0, i64::MAX / 2).unwrap_err();
        assert!(matches!(e, AllocateError::NumericRange { .. }), "{e}");
        let e = live.add_row(u32::MAX, &[(0, 5)]);
        assert!(e.is_ok(), "one row of 2³² units fits: {e:?}");
        live =
            LiveTransport::new(Transport::new(vec![2], vec![2], vec![(0, 0, 5)]).unwrap()).unwrap();
        // Nothing half-done: the instance is as before and still solves.
        assert_eq!(live.transport().rows(), 1);
        assert_eq!(live.solve().unwrap().objective, 10);
    }
}
