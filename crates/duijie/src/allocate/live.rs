//! A transportation problem kept solved between rounds: needs arrive, offers are withdrawn or
//! open, weights change, and the network simplex goes on from the last optimal basis instead of
//! starting again.
//!
//! The problem is kept as its connected components (rows and columns joined by pairs share no
//! price with any other component, so each is solved on its own, as
//! [`max_weight_transport_by_components`](super::max_weight_transport_by_components) does), each
//! with the basis of its last solve (the spanning tree, its flows and its potentials) and its
//! last solution. A change edits one component's network and basis in place:
//! - a new row is a new node hung from the sink by its "unmet" arc, carrying its whole demand
//!   (a feasible flow; its pairs enter the basis as the simplex finds them worth it); a row
//!   whose pairs join several components merges them into one, solved cold at the next solve;
//! - a new column has no pair and belongs to no component until a row names it;
//! - a withdrawn column's arc to the sink gets the cost of the largest weight + 1, so the
//!   optimum carries nothing through it (any unit through it does better unmet): the flow
//!   stays feasible at every step, and at the optimum the column is empty, as its capacity of
//!   0 requires;
//! - a changed weight is a changed arc cost (a tree arc's moves the potentials below it).
//!
//! After its first solve, and before a re-solve once pivots have scattered it, a component
//! renumbers its network's nodes in the order of the basis's thread (each subtree's nodes one
//! after another), so that a pivot's walk over the subtree it moves reads memory in order
//! instead of jumping: the same pivots in a sixth to a quarter less time (province talent
//! market below, in process, alternated with the build before it: 100 offers withdrawn
//! 95–113 → 74–84 ms, 100 needs added 34–53 → 30–34 ms).
//!
//! The next solve re-solves only the components that changed, in parallel, each pivoting only
//! as far as the changes reach; the entering-arc search still reads the component's whole
//! network once at the end to prove optimality. Near the optimum few arcs have a negative
//! reduced cost, so the search keeps the ones a block search passes as candidates and takes
//! them first.
//!
//! Each component is certified as it is solved ([`verify_transport`](super::verify_transport)
//! on its own instance): no pair joins two components, so their certificates together prove
//! the whole answer, and an unchanged component's stays valid without reading its pairs again.
//!
//! Measured on the province talent market (20,000 needs, 4,991 offers, 997,162 pairs in 8
//! components; `cargo bench -p duijie-benches --bench history -- rematch`, through
//! [`LiveWelfare`](crate::policy::LiveWelfare), certificate checked and allocation built in
//! each; `benches/results/2026-12-06-rematch-pricing.csv`, an AMD EPYC with AVX2), against a
//! fresh welfare allocation of the changed market (components on both cores) at 242–287 ms on
//! a noisy afternoon: unchanged 1.2–1.8 ms (under 0.01×); 100 needs arrive (1,662 units, 3,986
//! pivots) 33 ms (0.12–0.13×); 100 offers withdrawn (8,074 units, 21,429 pivots) 82–84 ms
//! (0.32–0.35×). In the largest component after 100 arrivals, the block searches read 6.2
//! million arcs for 2,942 pivots, and pricing is still about two thirds of the simplex's time.
//! Random changes of that size reach every component, and the answer moves far (the
//! withdrawal changes a third of the partnerships). About 40% of the pivots move no flow, and
//! the pivots are four to eight times the arcs by which the final basis differs from the
//! first; rules that choose better arcs (Dantzig's among them) take that many fewer pivots but
//! cost more to price than they save, and the dual simplex, which these changes of capacity
//! and supply invite, takes a sixth of the pivots but reads a cut of hundreds of nodes for each
//! (`benches/results/2026-12-06-rematch-pivot-rules.md`). The largest component holds three
//! fifths of the nodes, so two threads bring at most 1.7×. The answer is the same
//! [`TransportSolution`] as a fresh [`max_weight_transport`](super::max_weight_transport)'s,
//! with its prices, and
//! [`verify_transport`](super::verify_transport) checks it against
//! [`LiveTransport::transport`], the instance as it now stands.

use rayon::prelude::*;

use super::components::{Component, components, sub_problem};
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
    /// The whole instance as it stands.
    t: Transport,
    /// The components (`None`: merged into a later one), each with its rows and columns in
    /// the whole instance's indices, and its last solution while nothing in it changed.
    parts: Vec<Option<Part>>,
    /// Each row's and column's part and index in it ([`NO_ARC`] for both: no pair yet).
    row_at: Vec<(u32, u32)>,
    col_at: Vec<(u32, u32)>,
    /// Pivots of the last solve, over every part it re-solved.
    pivots: u64,
    /// The weight of each flow of the last solve's plan, in its order.
    weights: Vec<i64>,
}

#[derive(Clone)]
struct Part {
    live: LivePart,
    rows: Vec<u32>,
    cols: Vec<u32>,
    last: Option<TransportSolution>,
    /// The weight of each flow of `last`, in its order.
    weights: Vec<i64>,
}

impl Part {
    fn new(t: &Transport, c: Component) -> Result<Part, AllocateError> {
        Ok(Part {
            live: LivePart::new(sub_problem(t, &c)?)?,
            rows: c.rows,
            cols: c.cols,
            last: None,
            weights: Vec::new(),
        })
    }
}

const NONE: (u32, u32) = (NO_ARC, NO_ARC);

/// A live instance starts with room for an eighth more rows and pairs than it has: growing an
/// array of a million pairs copies it, and a live instance is kept to grow. On the province
/// talent market, 100 new needs (4,957 pairs) took 40 ms to apply to a market with no room
/// and 2–3 ms with it; through the Python `LiveMarket` (whose arrays had some room already)
/// the round's change went from 28–29 to 15–20 ms. The room costs an eighth more memory for
/// the pair arrays; a round that outgrows it pays one copy, and the arrays then double.
pub(crate) const GROWTH_ROOM: usize = 8;

impl LiveTransport {
    /// Keeps `t` and its connected components, each with its own starting basis;
    /// [`LiveTransport::solve`] solves them. Starts with room for an eighth more rows and
    /// pairs ([`LiveTransport::reserve`]), so that the first rounds add to the arrays in place
    /// rather than copying them.
    ///
    /// # Errors
    /// [`AllocateError::NumericRange`] as [`max_weight_transport`](super::max_weight_transport).
    pub fn new(t: Transport) -> Result<LiveTransport, AllocateError> {
        let mut live = LiveTransport {
            row_at: vec![NONE; t.rows()],
            col_at: vec![NONE; t.cols()],
            parts: Vec::new(),
            pivots: 0,
            weights: Vec::new(),
            t,
        };
        for c in components(&live.t) {
            live.place(&c);
            let part = Part::new(&live.t, c)?;
            live.parts.push(Some(part));
        }
        live.reserve(
            live.t.rows() / GROWTH_ROOM + 1,
            live.t.pair_count() / GROWTH_ROOM + 1,
        );
        Ok(live)
    }

    /// Records that component `c` is the next part.
    fn place(&mut self, c: &Component) {
        let p = index(self.parts.len());
        for (k, &i) in c.rows.iter().enumerate() {
            self.row_at[i as usize] = (p, index(k));
        }
        for (k, &j) in c.cols.iter().enumerate() {
            self.col_at[j as usize] = (p, index(k));
        }
    }

    /// The instance as it stands after the changes so far.
    pub fn transport(&self) -> &Transport {
        &self.t
    }

    /// Pivots the last [`LiveTransport::solve`] took, over the components it re-solved.
    pub fn pivots(&self) -> u64 {
        self.pivots
    }

    /// The weight of each flow of the plan the last [`LiveTransport::solve`] returned, in the
    /// plan's order (read off the basis's arc costs as the plan was; empty before a solve and
    /// after a failed one), so that a caller need not look each pair up again.
    pub(crate) fn plan_weights(&self) -> &[i64] {
        &self.weights
    }

    /// Room for `rows` more rows with `pairs` pairs in all, spread over the components by
    /// their size, so that adding them does not move the network's arrays (growing them copies
    /// a component's network once per doubling, which a round that knows its size can do
    /// ahead).
    pub fn reserve(&mut self, rows: usize, pairs: usize) {
        self.t.reserve(rows, pairs);
        let total = self.t.rows().max(1);
        for part in self.parts.iter_mut().flatten() {
            let share = |x: usize| x * part.rows.len() / total + 1;
            part.live.reserve(share(rows), share(pairs));
        }
    }

    /// A need arrives: a new row with `demand` units and `(column, weight)` pairs; returns its
    /// index. Pairs into a column of capacity 0 are kept in the instance but can never carry
    /// flow. A row whose pairs join two components merges them (one cold solve of the merged
    /// component, at the next solve).
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] for a column that does not exist or is listed twice;
    /// [`AllocateError::NumericRange`] for a weight or a demand beyond the range of the grown
    /// network. Nothing is changed then.
    pub fn add_row(&mut self, demand: u32, pairs: &[(u32, i64)]) -> Result<u32, AllocateError> {
        let i = self.t.rows();
        // The checks `Transport::push_row` makes, before anything changes.
        let mut sorted = pairs.to_vec();
        sorted.sort_unstable_by_key(|p| p.0);
        if let Some(&(j, _)) = sorted.iter().find(|p| p.0 as usize >= self.t.cols()) {
            return Err(invalid(format!(
                "pair ({i}, {j}) is outside {} rows × {} columns",
                i + 1,
                self.t.cols()
            )));
        }
        if let Some(w) = sorted.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(invalid(format!("pair ({i}, {}) is listed twice", w[0].0)));
        }
        let mut touched: Vec<u32> = sorted
            .iter()
            .map(|&(j, _)| self.col_at[j as usize].0)
            .filter(|&p| p != NO_ARC)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        if sorted.is_empty() {
            self.t.push_row(demand, &sorted)?;
            self.row_at.push(NONE);
            return Ok(index(i));
        }
        // The part the row joins: the one its columns are in, a new one, or the merge of all
        // those it touches; columns with no pair yet join it.
        let p = if touched.len() == 1 {
            touched[0]
        } else {
            let mut rows: Vec<u32> = Vec::new();
            let mut cols: Vec<u32> = Vec::new();
            for &q in &touched {
                if let Some(part) = &self.parts[q as usize] {
                    rows.extend(&part.rows);
                    cols.extend(&part.cols);
                }
            }
            rows.sort_unstable();
            cols.sort_unstable();
            let c = Component { rows, cols };
            let part = Part::new(&self.t, c.clone())?;
            for &q in &touched {
                self.parts[q as usize] = None;
            }
            self.place(&c);
            self.parts.push(Some(part));
            index(self.parts.len() - 1)
        };
        let Some(part) = self.parts[p as usize].as_mut() else {
            return Err(invalid("internal: a live part was merged away".into()));
        };
        part.last = None;
        let mut local: Vec<(u32, i64)> = Vec::with_capacity(sorted.len());
        for &(j, w) in &sorted {
            let (q, k) = self.col_at[j as usize];
            let k = if q == NO_ARC {
                let k = part.live.add_col(self.t.capacity()[j as usize])?;
                part.cols.push(j);
                self.col_at[j as usize] = (p, k);
                k
            } else {
                k
            };
            local.push((k, w));
        }
        let k = part.live.add_row(demand, &local)?;
        part.rows.push(index(i));
        part.last = None;
        self.t.push_row(demand, &sorted)?;
        self.row_at.push((p, k));
        Ok(index(i))
    }

    /// An offer opens: a new column with `capacity` and no pairs yet (later rows can name it);
    /// returns its index.
    ///
    /// # Errors
    /// None today; the signature leaves room for a range check.
    pub fn add_col(&mut self, capacity: u32) -> Result<u32, AllocateError> {
        let j = self.t.cols();
        self.t.push_col(capacity);
        self.col_at.push(NONE);
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
        let (p, k) = self.col_at[ju];
        if let Some(part) = self.parts.get_mut(p as usize).and_then(Option::as_mut) {
            part.live.withdraw_col(k)?;
            part.last = None;
        }
        self.t.set_capacity(ju, 0);
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
        let ((p, r), (_, c)) = (self.row_at[iu], self.col_at[j as usize]);
        let Some(part) = self.parts.get_mut(p as usize).and_then(Option::as_mut) else {
            return Err(invalid("internal: a pair outside every live part".into()));
        };
        part.live.set_weight(r, c, w)?;
        part.last = None;
        self.t.set_weight(iu, j, w);
        Ok(())
    }

    /// Solves from the last bases: the optimal plan of the instance as it now stands, with its
    /// prices, certified. Only the components that changed since their last solve are solved
    /// again, in parallel on the rayon pool, largest first, and each is checked by
    /// [`verify_transport`](super::verify_transport) against its own instance as it is
    /// solved; the components share no pair, so together their checks prove the whole answer
    /// optimal for [`LiveTransport::transport`] (which the same function checks in one call,
    /// at the cost of reading every pair again). The answer does not depend on the number of
    /// threads.
    ///
    /// # Errors
    /// [`AllocateError::CertificateFailed`] if a component's certificate does not check, and
    /// [`AllocateError::InvalidInstance`] if the simplex left flow on a withdrawn column
    /// (neither can happen unless the solver is wrong: every row can leave its units unmet).
    pub fn solve(&mut self) -> Result<TransportSolution, AllocateError> {
        self.solve_within(&Limits::default())
    }

    /// [`LiveTransport::solve`] within `limits` (each component's solve under them). When a
    /// limit stops a component, the plan is feasible and marked [`Status::LimitReached`]
    /// (no prices), and the next solve goes on from there.
    ///
    /// # Errors
    /// As [`LiveTransport::solve`]; [`AllocateError::LimitReached`] when the limit came before
    /// every withdrawn column was emptied (no feasible plan yet).
    pub fn solve_within(
        &mut self,
        limits: &Limits<'_>,
    ) -> Result<TransportSolution, AllocateError> {
        let mut stale: Vec<&mut Part> = self
            .parts
            .iter_mut()
            .flatten()
            .filter(|p| p.last.is_none())
            .collect();
        stale.sort_by_key(|p| std::cmp::Reverse(p.rows.len() + p.cols.len()));
        // Each part is certified as it is solved, against its own instance: the whole problem
        // is the direct sum of its parts (no pair joins two), so the parts' certificates
        // together certify the whole, and an unchanged part's stays valid.
        let solved: Vec<Result<u64, AllocateError>> = stale
            .into_par_iter()
            .with_max_len(1)
            .map(|part| {
                let (s, weights) = part.live.solve_within(limits)?;
                if s.status == Status::Optimal {
                    transport::verify_transport(&part.live.t, &s).map_err(|source| {
                        AllocateError::CertificateFailed {
                            what: "transport component".into(),
                            source,
                        }
                    })?;
                }
                let pivots = part.live.pivots();
                part.last = Some(s);
                part.weights = weights;
                Ok(pivots)
            })
            .collect();
        self.pivots = 0;
        let mut first_error = None;
        for r in solved {
            match r {
                Ok(p) => self.pivots += p,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_error {
            for part in self.parts.iter_mut().flatten() {
                part.last = None;
            }
            self.weights.clear();
            return Err(e);
        }
        let (out, weights) = super::components::combine(
            &self.t,
            self.parts
                .iter()
                .flatten()
                .filter_map(|p| Some((&p.rows[..], &p.cols[..], p.last.as_ref()?, &p.weights[..]))),
        );
        self.weights = weights;
        // A stopped part goes on from its basis next time.
        for part in self.parts.iter_mut().flatten() {
            if part
                .last
                .as_ref()
                .is_some_and(|s| s.status != Status::Optimal)
            {
                part.last = None;
            }
        }
        Ok(out)
    }
}

/// One connected component of a [`LiveTransport`]: its instance (in its own indices) with the
/// optimal basis of its last solve.
#[derive(Clone)]
struct LivePart {
    t: Transport,
    basis: Basis,
    /// Each pair's arc, in the instance's pair order ([`NO_ARC`]: a pair into a column that had
    /// capacity 0 when the pair arrived).
    pair_arc: Vec<u32>,
    /// Each row's node and "unmet" arc.
    row_node: Vec<u32>,
    /// Each node's row ([`NO_ARC`]: a column's node or the sink), to read a pair arc's row
    /// off its tail; like `node_col`, one entry for every node of the basis.
    node_row: Vec<u32>,
    unmet_arc: Vec<u32>,
    /// Each column's node and arc to the sink.
    col_node: Vec<u32>,
    /// Each node's column ([`NO_ARC`]: a row's node or the sink), to read a pair arc's column
    /// off its head.
    node_col: Vec<u32>,
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

impl LivePart {
    /// Keeps `t` with its starting basis (every unit unmet); [`LivePart::solve`] solves it.
    ///
    /// # Errors
    /// [`AllocateError::NumericRange`] as [`max_weight_transport`](super::max_weight_transport).
    fn new(t: Transport) -> Result<LivePart, AllocateError> {
        transport::check_network_range(&t)?;
        let net = transport::network(&t);
        let (rows, cols) = (t.rows(), t.cols());
        let sink = rows + cols;
        let basis = Basis::new(&net.problem(&Limits::default()));
        Ok(LivePart {
            max_w: t.pairs().max_abs(),
            capacity: transport::network_capacity(&t),
            basis,
            pair_arc: net.pair_arc,
            row_node: (0..rows).map(index).collect(),
            node_row: (0..rows)
                .map(index)
                .chain(std::iter::repeat_n(NO_ARC, cols + 1))
                .collect(),
            unmet_arc: (0..rows).map(|i| index(net.first_unmet + i)).collect(),
            col_node: (rows..sink).map(index).collect(),
            node_col: std::iter::repeat_n(NO_ARC, rows)
                .chain((0..cols).map(index))
                .chain([NO_ARC])
                .collect(),
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

    /// Pivots the last [`LivePart::solve`] took.
    fn pivots(&self) -> u64 {
        self.pivots
    }

    /// Room for `rows` more rows with `pairs` pairs in all, so that adding them does not move
    /// the network's arrays (growing them copies the whole network once per doubling, which
    /// a round that knows its size can do ahead).
    fn reserve(&mut self, rows: usize, pairs: usize) {
        self.t.reserve(rows, pairs);
        self.basis.reserve(rows, pairs + rows);
        self.pair_arc.reserve(pairs);
        self.row_node.reserve(rows);
        self.node_row.reserve(rows);
        self.node_col.reserve(rows);
        self.unmet_arc.reserve(rows);
    }

    /// Whether weights up to `max_w` and capacities summing to `capacity` on a network of
    /// `nodes` nodes stay within the simplex's exact arithmetic.
    fn fits(nodes: usize, max_w: u64, capacity: i128) -> Result<(), AllocateError> {
        super::flow::check_flow_range(nodes, max_w, capacity)
    }

    /// Records the grown weights and capacities ([`LivePart::fits`] checked them) and
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
    fn add_row(&mut self, demand: u32, pairs: &[(u32, i64)]) -> Result<u32, AllocateError> {
        let max_w = pairs
            .iter()
            .map(|p| p.1.unsigned_abs())
            .fold(self.max_w, u64::max);
        let capacity =
            self.capacity + transport::row_capacity(demand, pairs.len()) + i128::from(demand);
        Self::fits(self.basis.nodes() + 1, max_w, capacity)?;
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
                index(a)
            };
            self.pair_arc.push(arc);
        }
        let unmet = self.basis.add_arc(u, self.sink, room, 0);
        self.basis.hang(u, unmet, i64::from(demand));
        self.row_node.push(index(u));
        self.node_row.push(index(i));
        self.node_col.push(NO_ARC);
        self.unmet_arc.push(index(unmet));
        Ok(index(i))
    }

    /// An offer opens: a new column with `capacity` and no pairs yet (later rows can name it);
    /// returns its index.
    ///
    /// # Errors
    /// [`AllocateError::NumericRange`] when the grown network leaves the exact range.
    fn add_col(&mut self, capacity: u32) -> Result<u32, AllocateError> {
        let total = self.capacity + i128::from(capacity);
        Self::fits(self.basis.nodes() + 1, self.max_w, total)?;
        self.grow(self.max_w, total);
        let j = self.t.cols();
        self.t.push_col(capacity);
        let u = self.basis.add_node();
        let arc = self.basis.add_arc(u, self.sink, i64::from(capacity), 0);
        self.basis.hang(u, arc, 0);
        self.col_node.push(index(u));
        self.node_row.push(NO_ARC);
        self.node_col.push(index(j));
        self.col_arc.push(index(arc));
        Ok(index(j))
    }

    /// An offer is withdrawn: column `j`'s capacity becomes 0, and the next solve moves its
    /// units elsewhere.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] for a column that does not exist.
    fn withdraw_col(&mut self, j: u32) -> Result<(), AllocateError> {
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
    fn set_weight(&mut self, i: u32, j: u32, w: i64) -> Result<(), AllocateError> {
        let iu = i as usize;
        if iu >= self.t.rows() || self.t.weight(iu, j).is_none() {
            return Err(invalid(format!("pair ({i}, {j}) is not a candidate")));
        }
        let max_w = self.max_w.max(w.unsigned_abs());
        Self::fits(self.basis.nodes(), max_w, self.capacity)?;
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

    /// Renumbers the nodes ([`LivePart::relabel`]) when pivots have scattered them
    /// ([`Basis::scattered`]).
    fn keep_in_order(&mut self) {
        if self.basis.scattered() {
            self.relabel();
        }
    }

    /// Renumbers the network's nodes in the order of the basis's thread ([`Basis::relabel`]) and
    /// the row, column and sink indices with them.
    fn relabel(&mut self) {
        let new_of = self.basis.relabel();
        for u in self.row_node.iter_mut().chain(self.col_node.iter_mut()) {
            *u = new_of[*u as usize];
        }
        self.sink = new_of[self.sink] as usize;
        for of_node in [&mut self.node_row, &mut self.node_col] {
            let mut renumbered = Vec::with_capacity(of_node.capacity());
            renumbered.resize(new_of.len(), NO_ARC);
            for (u, &i) in of_node.iter().enumerate() {
                renumbered[new_of[u] as usize] = i;
            }
            *of_node = renumbered;
        }
    }

    /// Solves from the last basis within `limits`: the optimal plan of the part as it now
    /// stands, with its prices, or, when a limit stops the simplex, the basis it reached as a
    /// feasible plan with [`Status::LimitReached`] (no certificate); the next solve goes on
    /// from there.
    ///
    /// # Errors
    /// [`AllocateError::LimitReached`] when the limit came before every withdrawn column was
    /// emptied (no feasible plan yet); [`AllocateError::InvalidInstance`] if a finished solve
    /// left flow on a withdrawn column (it cannot: every row can leave its units unmet).
    fn solve_within(
        &mut self,
        limits: &Limits<'_>,
    ) -> Result<(TransportSolution, Vec<i64>), AllocateError> {
        if self.solved {
            self.keep_in_order();
        }
        let (searches, stopped) = if self.solved {
            self.basis.run_warm(limits)
        } else {
            self.basis.run(limits)
        };
        if !self.solved && !stopped {
            // After a first solve, so that the next round starts in order.
            self.keep_in_order();
        }
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
        // bound (demand + 1): the plan is read off the tree's arcs, not off every pair. A
        // node's tree arc is a pair's when it joins a row to a column, and its cost is the
        // pair's weight negated, so each arc's flow and cost are the only reads away from the
        // nodes' own arrays (the largest part of the province talent market, 15,026 nodes:
        // 2.5–3.6 ms through each arc's pair, then sorted, against 0.6–0.9 ms on two threads).
        let mut placed: Vec<(u32, u32, u32, i64)> = (0..self.basis.nodes())
            .into_par_iter()
            .with_min_len(1 << 12)
            .filter_map(|u| {
                let (tail, head, f, cost) = self.basis.tree_arc_above(u)?;
                let (i, j) = (self.node_row[tail], self.node_col[head]);
                (i != NO_ARC && j != NO_ARC && f > 0).then(|| {
                    debug_assert_eq!(t.weight(i as usize, j), Some(-cost));
                    (i, j, u32::try_from(f).unwrap_or(u32::MAX), -cost)
                })
            })
            .collect();
        placed.par_sort_unstable_by_key(|p| (p.0, p.1));
        let objective: i128 = placed
            .iter()
            .map(|p| i128::from(p.3) * i128::from(p.2))
            .sum();
        let flows: Vec<(u32, u32, u32)> = placed.iter().map(|p| (p.0, p.1, p.2)).collect();
        let weights: Vec<i64> = placed.iter().map(|p| p.3).collect();
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
        let s = TransportSolution {
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
        };
        Ok((s, weights))
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

    proptest! {
        /// Renumbering a solved basis's nodes in thread order changes nothing but their
        /// indices: the same flows and potentials, and after the same new costs the same
        /// pivots to the same optimum.
        #[test]
        fn a_renumbered_basis_pivots_as_the_original(
            seed in any::<u64>(), rows in 1usize..30, cols in 1usize..30, changes in 1usize..6,
        ) {
            let mut next = xorshift(seed | 1);
            let mut a = LivePart::new(random(&mut next, rows, cols, 12)).unwrap();
            a.basis.run(&Limits::default());
            let mut b = a.clone();
            let new_of = b.basis.relabel();
            prop_assert!(!b.basis.scattered());
            let arcs = a.basis.arcs();
            for _ in 0..changes {
                let (arc, cost) = ((next() % arcs as u64) as usize, (next() % 60) as i64 - 30);
                a.basis.set_cost(arc, cost);
                b.basis.set_cost(arc, cost);
            }
            let (ra, rb) = (a.basis.run_warm(&Limits::default()), b.basis.run_warm(&Limits::default()));
            prop_assert_eq!(ra, rb);
            for e in 0..arcs {
                prop_assert_eq!(a.basis.flow_of(e), b.basis.flow_of(e));
                prop_assert_eq!(new_of[a.basis.tail(e)] as usize, b.basis.tail(e));
            }
            let (pa, pb) = (a.basis.potentials(), b.basis.potentials());
            for (u, &p) in pa.iter().enumerate() {
                prop_assert_eq!(p, pb[new_of[u] as usize]);
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
    fn components_are_solved_apart_merged_when_a_row_joins_them_and_left_alone_when_unchanged() {
        // Two components ({0} × {0}, {1} × {1}), a column with no pair, a row with none.
        let t = Transport::new(vec![2, 2, 1], vec![1, 3, 2], vec![(0, 0, 10), (1, 1, 6)]).unwrap();
        let mut live = LiveTransport::new(t).unwrap();
        assert_eq!(live.solve().unwrap().objective, 10 + 12);
        // A change in the second component re-solves it alone.
        live.set_weight(1, 1, 8).unwrap();
        let s = live.solve().unwrap();
        verify_transport(live.transport(), &s).unwrap();
        assert_eq!(s.objective, 10 + 16);
        // A row joining both and the free column: one merged component, the fresh optimum.
        live.add_row(3, &[(0, 30), (1, 9), (2, 4)]).unwrap();
        let s = live.solve().unwrap();
        verify_transport(live.transport(), &s).unwrap();
        assert_eq!(
            s.objective,
            max_weight_transport(live.transport()).unwrap().objective
        );
        // A row on columns with no pair yet starts a component of its own.
        let c = live.add_col(2).unwrap();
        live.add_row(1, &[(c, 5)]).unwrap();
        let s = live.solve().unwrap();
        verify_transport(live.transport(), &s).unwrap();
        assert_eq!(
            s.objective,
            max_weight_transport(live.transport()).unwrap().objective
        );
        assert_eq!(live.solve().unwrap(), s);
        assert_eq!(live.pivots(), 0);
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
