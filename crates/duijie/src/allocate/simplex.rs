//! The primal network simplex method on a spanning-tree basis, the engine behind
//! [`min_cost_flow`](super::min_cost_flow) and [`max_weight_transport`](super::max_weight_transport).
//!
//! The basis is stored with parent, predecessor-arc, thread (preorder), reverse-thread,
//! subtree-size and last-successor arrays, so that a pivot touches only the part of the tree it
//! changes (the "augmented threaded index" of Glover, Klingman & Stutz, 1974, as refined in
//! Grigoriadis, 1986, and LEMON). The fields a walk up the tree reads (parent, subtree size,
//! predecessor arc and direction) share one record per node, one cache line per step. Entering
//! arcs are chosen by block search (Grigoriadis): scan blocks of ⌊2√m⌋ arcs from the artificial
//! start and ⌊√m⌋ from a star (see `run_with`), counted across the
//! wrap from the last arc to the first, take the most negative reduced cost of the first block
//! that has one, and start the next search at that block's last arc (as LEMON does; starting at
//! the entering arc instead costs about a fifth more pivots on grid networks).
//! Degenerate pivots use the strongly feasible rule of Cunningham (1976) — the last blocking arc
//! on the side after the apex — so the method cannot cycle.
//!
//! Start: an artificial root with one artificial arc per node carrying its supply, with a cost
//! larger than any simple path can save ((n + 1) · (max |c| + 1)); at optimum, flow left on an
//! artificial arc means no feasible flow exists.

/// A basis arc's state: at its lower bound, in the tree, or at its upper bound. The values are
/// the sign with which a negative reduced cost makes the arc eligible to enter.
const LOWER: i8 = 1;
const TREE: i8 = 0;
const UPPER: i8 = -1;

/// How many negative arcs a block search of [`Basis::run_warm`] keeps as candidates, and how
/// many pivots take them before the next block search (measured on the province talent market:
/// 32/8, 64/32, 256/64 and 1024/256 all within a tenth of each other).
const CANDIDATE_LIST: usize = 256;
const MINOR_PIVOTS: usize = 64;

/// The predecessor arc points from the node up to its parent (`UP`) or down to the node (`DOWN`).
const UP: i8 = 1;
const DOWN: i8 = -1;

const NIL: u32 = u32::MAX;

/// The shortest run of nodes in index order along the thread, on average, that a live basis
/// keeps before it renumbers its nodes ([`Basis::scattered`], [`Basis::relabel`]).
const THREAD_RUN: usize = 8;

/// The integer type a basis keeps its capacities, costs, flows and potentials in: `i64`
/// always works within the range [`check_flow_range`](super::flow::check_flow_range) allows,
/// and `i32` when the network is small enough ([`fits_narrow`]), which halves the memory the
/// entering-arc search and the tree updates read (on grid networks of 10⁵ nodes the pivots
/// run about a fifth faster). The arithmetic wraps like the machine's: the range checks keep
/// every value far inside the type.
pub(crate) trait Word: Copy + Ord + Send + Sync + std::fmt::Debug + 'static {
    /// Zero.
    const ZERO: Self;
    /// The largest value.
    const MAX: Self;
    /// `x`, which the range checks keep within the type.
    fn of(x: i64) -> Self;
    /// A sign or direction (`-1`, `0`, `1`).
    fn of_i8(x: i8) -> Self;
    /// The value as `i64`.
    fn wide(self) -> i64;
    /// Wrapping `+`.
    fn add(self, o: Self) -> Self;
    /// Wrapping `-`.
    fn sub(self, o: Self) -> Self;
    /// Wrapping `*`.
    fn mul(self, o: Self) -> Self;
}

macro_rules! word {
    ($t:ty) => {
        impl Word for $t {
            const ZERO: $t = 0;
            const MAX: $t = <$t>::MAX;
            #[inline(always)]
            fn of(x: i64) -> $t {
                debug_assert!(<$t>::try_from(x).is_ok(), "{x} outside the basis's range");
                x as $t
            }
            #[inline(always)]
            fn of_i8(x: i8) -> $t {
                <$t>::from(x)
            }
            #[inline(always)]
            fn wide(self) -> i64 {
                i64::from(self)
            }
            #[inline(always)]
            fn add(self, o: $t) -> $t {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn sub(self, o: $t) -> $t {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn mul(self, o: $t) -> $t {
                self.wrapping_mul(o)
            }
        }
    };
}
word!(i32);
word!(i64);

/// Whether a network of `nodes` real nodes, costs up to `max_cost` in absolute value and
/// capacities (with the supplies) summing to `total_cap` fits an `i32` basis.
///
/// With C = `max_cost` and n = `nodes`, the artificial arcs cost A = (C + 1)(n + 1). A node's
/// potential is the cost of its tree path from the root (whose potential stays 0), and that
/// path crosses at most one artificial arc and n − 1 real ones, so |π| ≤ A + (n − 1)C <
/// 2(C + 1)(n + 1). Every other value the pivots compare or add (a reduced cost c + π_u − π_v,
/// the shift of a moved subtree's potentials) is below C + 4(C + 1)(n + 1) < 5(C + 1)(n + 1),
/// which must fit. Flows, residual capacities and a pivot's flow change stay within
/// `total_cap`, kept a quarter of the type.
pub(crate) fn fits_narrow(nodes: usize, max_cost: u64, total_cap: i128) -> bool {
    let (n, c) = (nodes as u128, u128::from(max_cost));
    5 * (c + 1) * (n + 1) <= i32::MAX as u128 && total_cap <= i128::from(i32::MAX / 4)
}

/// The tree fields a pivot walks together (parent, subtree size, predecessor arc and its
/// direction), kept in one record so that each step up the tree reads one cache line.
#[derive(Clone, Copy)]
struct TreeNode {
    parent: u32,
    succ_num: u32,
    pred: u32,
    pred_dir: i8,
}

/// A balanced network for the simplex: supplies sum to zero, lower bounds already shifted out.
pub(crate) struct Problem<'a> {
    pub nodes: usize,
    pub supply: &'a [i64],
    pub source: &'a [u32],
    pub target: &'a [u32],
    pub cap: &'a [i64],
    pub cost: &'a [i64],
    /// How to start.
    pub start: Start<'a>,
    /// When to stop early.
    pub limits: &'a super::Limits<'a>,
}

/// The reduced cost of an arc in state `st` with cost `c`, from a node of potential `ps` to
/// one of `pt`, signed by its state: negative when the arc may enter.
#[inline(always)]
fn reduced<T: Word>(st: i8, c: T, ps: T, pt: T) -> T {
    T::of_i8(st).mul(c.add(ps).sub(pt))
}

/// The apex of the cycle an arc between `u` and `v` closes (their deepest common ancestor),
/// with the two tree paths up to it: `up_u` holds `u` and its ancestors below the apex, in
/// order, `up_v` the same for `v`. The walk itself follows parent links one load after another;
/// the pivot's later passes over the cycle (the leaving arc, the flow, the subtree sizes) read
/// the recorded nodes instead, whose loads do not wait on each other.
fn join_paths(
    nd: &[TreeNode],
    mut u: usize,
    mut v: usize,
    up_u: &mut Vec<u32>,
    up_v: &mut Vec<u32>,
) -> usize {
    up_u.clear();
    up_v.clear();
    while u != v {
        if nd[u].succ_num < nd[v].succ_num {
            up_u.push(u as u32);
            u = nd[u].parent as usize;
        } else {
            up_v.push(v as u32);
            v = nd[v].parent as usize;
        }
    }
    u
}

/// `items` collected into a vector with room for `capacity` of them.
fn with_room<X>(capacity: usize, items: impl Iterator<Item = X>) -> Vec<X> {
    let mut v = Vec::with_capacity(capacity);
    v.extend(items);
    v
}

/// Adds `sigma` to the potentials along the thread from `u` up to (not including) `end`: the
/// subtree a pivot re-hung, or (the thread being a cycle) all the rest of the tree.
fn shift_subtree<T: Word>(pi: &mut [T], thread: &[u32], mut u: usize, end: usize, sigma: T) {
    while u != end {
        pi[u] = pi[u].add(sigma);
        u = thread[u] as usize;
    }
}

/// The arcs the entering-arc search reads, in their internal order.
struct Arcs<'a, T> {
    state: &'a [i8],
    cost: &'a [T],
    source: &'a [u32],
    target: &'a [u32],
    /// Which build of the pricing pass [`Arcs::price`] runs ([`Simd::detect`]).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    simd: Simd,
}

/// The vector instructions the pricing pass is compiled for, read off the processor once per
/// solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Simd {
    /// AVX-512 (F, VL, BW): gathers read sixteen arcs' potentials at once
    /// ([`Arcs::price_gathered`]).
    Avx512,
    /// AVX2: the arithmetic in eight lanes, the potentials read one by one
    /// ([`Arcs::price_checked_once`]).
    Avx2,
    /// Neither (or not x86-64): [`Arcs::price_checked_once`] as the target's baseline allows.
    Baseline,
}

impl Simd {
    fn detect() -> Simd {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512vl")
                && std::arch::is_x86_feature_detected!("avx512bw")
            {
                return Simd::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Simd::Avx2;
            }
        }
        Simd::Baseline
    }
}

/// One entering-arc search as it goes: the most negative reduced cost so far and its arc's
/// position (`usize::MAX`: none yet), the negative arcs kept as candidates, and room for a
/// block's reduced costs.
struct Pricing<T> {
    min: T,
    arg: usize,
    cand: Vec<u32>,
    buf: Vec<T>,
}

/// Node indices below this bound survive the mask `i & (GATHER_NODES - 1)` unchanged, which
/// tells the compiler they are non-negative as `i32` (the AVX-512 gathers take signed 32-bit
/// indices). [`Arcs::price`] uses the gathers only for fewer nodes.
const GATHER_NODES: usize = 1 << 31;

impl<T: Word> Arcs<'_, T> {
    /// Lowers `p.min` to the most negative reduced cost among the arcs at positions `range`,
    /// with `p.arg` its position (the first such), keeping negative ones in `p.cand` up to
    /// [`CANDIDATE_LIST`] when `CANDIDATES` is set. `p.buf` has room for the range.
    ///
    /// Runs [`Arcs::price_gathered`] compiled for AVX-512 when the processor has it (and the
    /// network has under [`GATHER_NODES`] nodes), [`Arcs::price_checked_once`] otherwise,
    /// compiled for AVX2 where the processor has that: the same integer reduced costs and the
    /// same rule as [`Arcs::price_scalar`], so the same arc and candidates (a test checks it).
    /// On the 300×300 grid and the NETGEN-style files the gathers take a twentieth to a
    /// seventh off the whole solve. Without AVX-512, the pass that checks a block's node
    /// indices once prices an arc in about half the time of the scan arc by arc (AMD EPYC
    /// with AVX2, a block of 788 arcs into 5,000 columns: 1.1–1.2 against 2.3 ns, the least of
    /// 15 runs).
    ///
    /// Not inlined: inside the pivot loop the block's pointers and the running minimum did
    /// not fit the registers beside the loop's own, and the compiler reloaded them from the
    /// stack on every arc; on its own the loop keeps them all in registers (about 7 % off the
    /// solve of the 300×300 grid, 7 interleaved runs).
    #[inline(never)]
    #[allow(unsafe_code)]
    fn price<const CANDIDATES: bool>(
        &self,
        pi: &[T],
        range: std::ops::Range<usize>,
        p: &mut Pricing<T>,
    ) {
        #[cfg(target_arch = "x86_64")]
        match self.simd {
            Simd::Avx512 if pi.len() < GATHER_NODES => {
                // SAFETY: `price_avx512` is compiled with `#[target_feature(enable = "avx512f,
                // avx512vl,avx512bw,avx2")]`, and `Simd::Avx512` holds the run-time check that
                // this processor supports all four. The function itself is safe Rust (no other
                // obligation).
                unsafe { self.price_avx512::<CANDIDATES>(pi, range, p) };
                return;
            }
            Simd::Avx2 | Simd::Avx512 => {
                // SAFETY: `price_avx2` is compiled with `#[target_feature(enable = "avx2")]`,
                // and `Simd::Avx2` (or `Simd::Avx512`, whose processors have AVX2) holds the
                // run-time check that this processor supports it. `price_checked_once` keeps
                // its own obligations.
                unsafe { self.price_avx2::<CANDIDATES>(pi, range, p) };
                return;
            }
            Simd::Baseline => {}
        }
        self.price_checked_once::<CANDIDATES>(pi, range, p);
    }

    /// [`Arcs::price_checked_once`] compiled with AVX2 enabled.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn price_avx2<const CANDIDATES: bool>(
        &self,
        pi: &[T],
        range: std::ops::Range<usize>,
        p: &mut Pricing<T>,
    ) {
        self.price_checked_once::<CANDIDATES>(pi, range, p);
    }

    /// [`Arcs::price`] in passes for processors without gathers. The first finds the largest
    /// node index in the block; the second, when that index is inside `pi` (always, as every
    /// arc joins two of the basis's nodes), writes every arc's reduced cost into `buf`,
    /// reading the potentials without a check per arc (the check would stop the compiler from
    /// putting the arithmetic in vector lanes). Then [`Pricing::take`]. A block with an index
    /// outside `pi`, were there one, goes to [`Arcs::price_scalar`], which would panic on it
    /// like any indexing.
    #[inline(always)]
    #[allow(unsafe_code)]
    fn price_checked_once<const CANDIDATES: bool>(
        &self,
        pi: &[T],
        range: std::ops::Range<usize>,
        p: &mut Pricing<T>,
    ) {
        let (lo, hi) = (range.start, range.end);
        let n = hi - lo;
        let (state, cost) = (&self.state[lo..hi], &self.cost[lo..hi]);
        let (source, target) = (&self.source[lo..hi], &self.target[lo..hi]);
        let top = source
            .iter()
            .zip(target)
            .fold(0u32, |a, (&s, &t)| a.max(s).max(t));
        if top as usize >= pi.len() {
            self.price_scalar::<CANDIDATES>(pi, range, p);
            return;
        }
        let buf = &mut p.buf[..n];
        for k in 0..n {
            // SAFETY: `source[k]` and `target[k]` are at most `top`, checked above to be a
            // position in `pi`.
            let (ps, pt) = unsafe {
                (
                    *pi.get_unchecked(source[k] as usize),
                    *pi.get_unchecked(target[k] as usize),
                )
            };
            buf[k] = reduced(state[k], cost[k], ps, pt);
        }
        p.take::<CANDIDATES>(lo, n);
    }

    /// [`Arcs::price_gathered`] compiled with AVX-512 enabled.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vl,avx512bw,avx2")]
    fn price_avx512<const CANDIDATES: bool>(
        &self,
        pi: &[T],
        range: std::ops::Range<usize>,
        p: &mut Pricing<T>,
    ) {
        self.price_gathered::<CANDIDATES>(pi, range, p);
    }

    /// [`Arcs::price`] arc by arc: the reduced cost, then the comparison with the running
    /// minimum.
    fn price_scalar<const CANDIDATES: bool>(
        &self,
        pi: &[T],
        range: std::ops::Range<usize>,
        p: &mut Pricing<T>,
    ) {
        let (lo, hi) = (range.start, range.end);
        let arcs = self.state[lo..hi]
            .iter()
            .zip(&self.cost[lo..hi])
            .zip(&self.source[lo..hi])
            .zip(&self.target[lo..hi]);
        let (mut best, mut at) = (p.min, p.arg);
        for (e, (((&st, &c), &s), &t)) in range.zip(arcs) {
            let r = reduced(st, c, pi[s as usize], pi[t as usize]);
            if r < best {
                best = r;
                at = e;
            }
            if CANDIDATES && r < T::ZERO && p.cand.len() < CANDIDATE_LIST {
                p.cand.push(e as u32);
            }
        }
        (p.min, p.arg) = (best, at);
    }

    /// [`Arcs::price`] in passes a vector loop can take, for networks of under
    /// [`GATHER_NODES`] nodes. The first writes every arc's reduced cost into `buf`, with no
    /// dependence between arcs: a node's potential is read with `get` (a masked gather; every
    /// index is in range, so the mask is always full) from its index masked to 31 bits (which
    /// changes no index below [`GATHER_NODES`]). Then [`Pricing::take`].
    #[inline(always)]
    fn price_gathered<const CANDIDATES: bool>(
        &self,
        pi: &[T],
        range: std::ops::Range<usize>,
        p: &mut Pricing<T>,
    ) {
        const MASK: u32 = (GATHER_NODES - 1) as u32;
        let (lo, hi) = (range.start, range.end);
        let n = hi - lo;
        let buf = &mut p.buf[..n];
        let (state, cost) = (&self.state[lo..hi], &self.cost[lo..hi]);
        let (source, target) = (&self.source[lo..hi], &self.target[lo..hi]);
        for k in 0..n {
            let ps = pi.get((source[k] & MASK) as usize).copied();
            let pt = pi.get((target[k] & MASK) as usize).copied();
            buf[k] = reduced(
                state[k],
                cost[k],
                ps.unwrap_or(T::ZERO),
                pt.unwrap_or(T::ZERO),
            );
        }
        p.take::<CANDIDATES>(lo, n);
    }
}

impl<T: Word> Pricing<T> {
    /// The second pass of a block priced in passes, from the reduced costs of its `n` arcs
    /// (from position `lo`) in `buf`: the least, and only when that beats `min` the first arc
    /// that has it ([`find_eq`](super::find_eq)), the arc a scan arc by arc with a strict `<`
    /// takes; the negative ones kept as candidates when `CANDIDATES` is set.
    #[inline(always)]
    fn take<const CANDIDATES: bool>(&mut self, lo: usize, n: usize) {
        let buf = &self.buf[..n];
        let low = buf.iter().fold(T::MAX, |a, &b| a.min(b));
        if low < self.min {
            self.min = low;
            self.arg = lo + super::find_eq(buf, low, 0).unwrap_or(0);
        }
        if CANDIDATES && low < T::ZERO {
            for (k, &r) in buf.iter().enumerate() {
                if r < T::ZERO && self.cand.len() < CANDIDATE_LIST {
                    self.cand.push((lo + k) as u32);
                }
            }
        }
    }
}

/// The initial basis.
pub(crate) enum Start<'a> {
    /// An artificial root with one big-cost artificial arc per node (always possible).
    Artificial,
    /// A feasible, strongly feasible star of real arcs around an existing node `root`:
    /// `tree_arc[u]` joins `u` to `root` and carries `flow[u]`, with residual capacity towards
    /// the root (below its upper bound if it points to the root, above zero if it points away).
    /// The supplies must be exactly routed by those flows.
    Star {
        root: usize,
        tree_arc: &'a [u32],
        flow: &'a [i64],
    },
}

/// The optimal basis: flows on the given arcs, potentials, and how much flow the artificial
/// arcs still carry (non-zero: infeasible).
pub(crate) struct Solved {
    pub flow: Vec<i64>,
    pub potential: Vec<i64>,
    pub artificial_flow: i64,
    /// Pivots done.
    pub iterations: u64,
    /// Whether the limits stopped the search (the basis is feasible, not proven optimal).
    pub limit_reached: bool,
}

/// The internal order of the arcs (`order[position] = arc`): arc 0 goes to position 0, arc 1 to
/// position s, arc 2 to 2s, …, wrapping to positions 1, 1 + s, … for a stride s = max(m / n, 3).
/// Consecutive positions then hold arcs about m / s apart in the input, so one block of the
/// entering-arc search samples the whole network rather than one neighbourhood.
fn mixing_order(m: usize, n: usize) -> Vec<u32> {
    let stride = (m / n.max(1)).max(3);
    let mut order = vec![0u32; m];
    let (mut i, mut j) = (0usize, 0usize);
    for a in 0..m {
        order[i] = a as u32;
        i += stride;
        if i >= m {
            j += 1;
            i = j;
        }
    }
    order
}

/// Runs the network simplex. Costs must satisfy |c| · (n + 2) · 4 < 2^63 and the capacities
/// must be finite (callers pass true upper bounds); both are checked by the callers.
pub(crate) fn solve(p: &Problem<'_>) -> Solved {
    let extent = p.extent();
    if extent.fits_narrow(p.nodes) {
        solve_in::<i32>(p, &extent)
    } else {
        solve_in::<i64>(p, &extent)
    }
}

fn solve_in<T: Word>(p: &Problem<'_>, extent: &Extent) -> Solved {
    let mut b = Basis::<T>::with_extent(p, extent);
    let (iterations, limit_reached) = b.run(p.limits);
    b.solved(iterations, limit_reached)
}

/// What one pass over a problem's costs, capacities and supplies finds: both the choice of the
/// basis's width and the artificial start's penalty and capacity need it.
struct Extent {
    /// The largest |cost|.
    max_cost: u64,
    /// The sum of the positive supplies.
    supply: i128,
    /// The sum of the capacities.
    cap: i128,
}

impl Extent {
    /// Whether a network of `nodes` nodes with this extent, and the artificial arcs a start
    /// may add, fits an `i32` basis ([`fits_narrow`]).
    fn fits_narrow(&self, nodes: usize) -> bool {
        fits_narrow(nodes, self.max_cost, self.supply + self.cap)
    }
}

impl Problem<'_> {
    /// The problem's [`Extent`].
    fn extent(&self) -> Extent {
        Extent {
            max_cost: self
                .cost
                .iter()
                .map(|c| c.unsigned_abs())
                .max()
                .unwrap_or(0),
            supply: self.supply.iter().map(|&b| i128::from(b.max(0))).sum(),
            cap: self.cap.iter().map(|&c| i128::from(c)).sum(),
        }
    }

    /// Whether the network, with the artificial arcs a start may add, fits an `i32` basis.
    #[cfg(test)]
    fn fits_narrow(&self) -> bool {
        self.extent().fits_narrow(self.nodes)
    }
}

/// A spanning-tree basis with its flows and potentials. [`solve`] builds one and runs it to the
/// optimum; a live re-solve ([`super::live`]) keeps it, changes the network (new nodes hung
/// from the root, new arcs, new costs) and runs it again from where it stopped.
#[derive(Clone)]
pub(crate) struct Basis<T: Word = i64> {
    /// Real nodes (an artificial root comes after them).
    n: usize,
    /// Real arcs given at the start (artificial arcs sit after the searched ones).
    m: usize,
    /// The root of the tree.
    root: usize,
    /// The arcs the entering-arc search reads: positions `0..search`.
    search: usize,
    /// Where each input arc sits (`slot[arc] = position`; live bases keep the input order).
    slot: Vec<u32>,
    source: Vec<u32>,
    target: Vec<u32>,
    cap: Vec<T>,
    cost: Vec<T>,
    flow: Vec<T>,
    state: Vec<i8>,
    pi: Vec<T>,
    nd: Vec<TreeNode>,
    thread: Vec<u32>,
    rev_thread: Vec<u32>,
    last_succ: Vec<u32>,
    /// Where the next entering-arc search starts.
    next_arc: usize,
    /// Scratch for the thread repair of a pivot.
    dirty: Vec<u32>,
    /// Scratch for a pivot's cycle: the tree paths from the entering arc's source and target
    /// up to the apex ([`join_paths`]).
    up_source: Vec<u32>,
    up_target: Vec<u32>,
}

impl<T: Word> Basis<T> {
    /// The starting basis of `p`, which must fit `T` (always so for `i64` within the range
    /// checks; [`fits_narrow`] for `i32`).
    pub(crate) fn new(p: &Problem<'_>) -> Basis<T> {
        Self::with_extent(p, &p.extent())
    }

    /// [`Basis::new`] with the problem's [`Extent`] already found.
    fn with_extent(p: &Problem<'_>, extent: &Extent) -> Basis<T> {
        let n = p.nodes;
        let m = p.source.len();
        let artificial = matches!(p.start, Start::Artificial);
        let root = match p.start {
            Start::Artificial => n,
            Start::Star { root, .. } => root,
        };
        let nodes = if artificial { n + 1 } else { n };
        let all = if artificial { m + n } else { m };
        let max_c = extent.max_cost;
        let art_cost = i64::try_from((max_c + 1) * (n as u64 + 1)).unwrap_or(i64::MAX / 4);

        let mut source: Vec<u32> = Vec::with_capacity(all);
        let mut target: Vec<u32> = Vec::with_capacity(all);
        let mut cap: Vec<T> = Vec::with_capacity(all);
        let mut cost: Vec<T> = Vec::with_capacity(all);
        // Arc mixing: store the arcs interleaved with a stride of about m / n, so that each block of
        // the entering-arc search sees arcs of many different tails (LEMON does the same; on
        // networks listed tail by tail it cuts the number of pivots several-fold).
        // (Measured: it helps the artificial start, 6x on the transport network, and slows the
        // star start of the transportation solver by a fifth, so only the former mixes.)
        let order: Vec<u32> = if artificial {
            mixing_order(m, n)
        } else {
            (0..m as u32).collect()
        };
        let mut slot = vec![0u32; m];
        for (k, &a) in order.iter().enumerate() {
            slot[a as usize] = k as u32;
            let a = a as usize;
            source.push(p.source[a]);
            target.push(p.target[a]);
            cap.push(T::of(p.cap[a]));
            cost.push(T::of(p.cost[a]));
        }
        let mut flow = vec![T::ZERO; all];
        let mut state = vec![LOWER; all];

        let mut pi = vec![T::ZERO; nodes];
        let mut nd = vec![
            TreeNode {
                parent: NIL,
                succ_num: 1,
                pred: NIL,
                pred_dir: UP,
            };
            nodes
        ];
        let mut thread = vec![0u32; nodes];
        let mut rev_thread = vec![0u32; nodes];
        let mut last_succ = vec![0u32; nodes];

        // Initial basis: a star around the root, threaded root → the other nodes in index order.
        let others: Vec<usize> = (0..nodes).filter(|&u| u != root).collect();
        nd[root].succ_num = u32::try_from(nodes).unwrap_or(u32::MAX);
        let mut prev = root;
        for &u in &others {
            thread[prev] = u as u32;
            rev_thread[u] = prev as u32;
            prev = u;
        }
        thread[prev] = root as u32;
        rev_thread[root] = prev as u32;
        last_succ[root] = prev as u32;
        match p.start {
            Start::Artificial => {
                // Artificial arcs must never block: no flow exceeds all supply plus all capacity.
                // (Within `i64`: the callers' range checks bound supply plus capacity.)
                let art_cap = i64::try_from(extent.supply + extent.cap + 1).unwrap_or(i64::MAX);
                for u in 0..n {
                    let e = m + u;
                    nd[u].parent = root as u32;
                    nd[u].pred = e as u32;
                    last_succ[u] = u as u32;
                    state[e] = TREE;
                    cap.push(T::of(art_cap));
                    let b = p.supply[u];
                    if b >= 0 {
                        // Supply may rest at the root for free; only demand served from the root
                        // pays the artificial cost. At an optimum of a feasible problem no artificial
                        // arc carries flow (the penalty exceeds any real path's cost).
                        nd[u].pred_dir = UP;
                        source.push(u as u32);
                        target.push(root as u32);
                        cost.push(T::ZERO);
                        flow[e] = T::of(b);
                        pi[u] = T::ZERO;
                    } else {
                        cost.push(T::of(art_cost));
                        nd[u].pred_dir = DOWN;
                        source.push(root as u32);
                        target.push(u as u32);
                        flow[e] = T::of(-b);
                        pi[u] = T::of(art_cost);
                    }
                }
            }
            Start::Star {
                tree_arc, flow: f, ..
            } => {
                for &u in &others {
                    let e = slot[tree_arc[u] as usize] as usize;
                    nd[u].parent = root as u32;
                    nd[u].pred = e as u32;
                    last_succ[u] = u as u32;
                    state[e] = TREE;
                    flow[e] = T::of(f[u]);
                    if source[e] as usize == u {
                        nd[u].pred_dir = UP;
                        pi[u] = T::ZERO.sub(cost[e]);
                    } else {
                        nd[u].pred_dir = DOWN;
                        pi[u] = cost[e];
                    }
                }
            }
        }

        Basis {
            n,
            m,
            root,
            search: m,
            slot,
            source,
            target,
            cap,
            cost,
            flow,
            state,
            pi,
            nd,
            thread,
            rev_thread,
            last_succ,
            next_arc: 0,
            dirty: Vec::new(),
            up_source: Vec::new(),
            up_target: Vec::new(),
        }
    }

    /// Pivots until no arc can enter (optimal) or `limits` stop it; returns the pivots done and
    /// whether a limit stopped them.
    pub(crate) fn run(&mut self, limits: &super::Limits<'_>) -> (u64, bool) {
        self.run_with::<false>(limits)
    }

    /// [`Basis::run`] from a basis near the optimum (a live re-solve): the negative arcs a
    /// block search passes are kept as candidates (up to [`CANDIDATE_LIST`]), and up to
    /// [`MINOR_PIVOTS`] pivots take the best of those still negative before blocks are
    /// searched again. Near the optimum few arcs are negative and a block search reads
    /// thousands of arcs to find one; on the province talent market after 100 needs arrive this
    /// halves the re-solve (66 → 38 ms). From a star start it costs three times the pivots,
    /// so a first solve uses [`Basis::run`].
    pub(crate) fn run_warm(&mut self, limits: &super::Limits<'_>) -> (u64, bool) {
        self.run_with::<true>(limits)
    }

    fn run_with<const CANDIDATES: bool>(&mut self, limits: &super::Limits<'_>) -> (u64, bool) {
        let Basis {
            n,
            root,
            search,
            source,
            target,
            cap,
            cost,
            flow,
            state,
            pi,
            nd,
            thread,
            rev_thread,
            last_succ,
            next_arc: resume,
            dirty,
            up_source,
            up_target,
            ..
        } = self;
        let m = *search;
        // Block search over the real arcs.
        // Blocks of 1.5·√m from the artificial start (general networks: on the grids of
        // benches/peers/grids.py and on random networks a tenth to a sixth faster than √m, and
        // 3·√m slower; 2·√m was the choice while the block loop was inlined, and since it is
        // not, 1.5·√m is as fast on the grids and 5-15 % faster on the NETGEN-style files of
        // benches/peers/netgen.py, 7 interleaved runs each), √m from a star (transportation
        // networks, where 2·√m is a fifth slower).
        let factor = if *root == *n { 1.5 } else { 1.0 };
        let block = (((m as f64).sqrt() * factor) as usize).max(10);
        let mut next_arc = (*resume).min(m.saturating_sub(1));
        let (mut iterations, mut limit_reached) = (0u64, false);
        let mut minors = 0usize;
        let simd = Simd::detect();
        let mut p = Pricing {
            min: T::ZERO,
            arg: usize::MAX,
            cand: Vec::new(),
            buf: vec![T::ZERO; block],
        };
        loop {
            if limits.reached(iterations + 1) {
                limit_reached = true;
                break;
            }
            iterations += 1;
            // Entering arc: blocks of arcs from where the last search stopped, the most negative
            // reduced cost of the first block that has one ([`Arcs::price`]), in wrapping
            // arithmetic: the range checks before the solve keep every value far inside `T`.
            (p.min, p.arg) = (T::ZERO, usize::MAX);
            if CANDIDATES && minors < MINOR_PIVOTS {
                minors += 1;
                let mut kept = 0;
                for k in 0..p.cand.len() {
                    let e = p.cand[k] as usize;
                    let r = reduced(
                        state[e],
                        cost[e],
                        pi[source[e] as usize],
                        pi[target[e] as usize],
                    );
                    if r < T::ZERO {
                        p.cand[kept] = e as u32;
                        kept += 1;
                        if r < p.min {
                            (p.min, p.arg) = (r, e);
                        }
                    }
                }
                p.cand.truncate(kept);
            }
            let search_blocks = p.arg == usize::MAX;
            if CANDIDATES && search_blocks {
                p.cand.clear();
                minors = 0;
            }
            let mut stop = next_arc;
            let start = next_arc;
            if search_blocks {
                let arcs = Arcs {
                    state,
                    cost,
                    source,
                    target,
                    simd,
                };
                let (mut pos, mut left) = (start, m);
                while left > 0 {
                    let len = block.min(left);
                    let end = pos + len;
                    if end <= m {
                        arcs.price::<CANDIDATES>(pi, pos..end, &mut p);
                    } else {
                        arcs.price::<CANDIDATES>(pi, pos..m, &mut p);
                        arcs.price::<CANDIDATES>(pi, 0..end - m, &mut p);
                    }
                    left -= len;
                    pos = if end >= m { end - m } else { end };
                    // Only a whole block ends the search; a negative arc in the last, partial
                    // one leaves the next search where this one started.
                    if len == block && p.min < T::ZERO {
                        stop = if pos == 0 { m - 1 } else { pos - 1 };
                        break;
                    }
                }
            }
            let in_arc = p.arg;
            if in_arc == usize::MAX {
                break;
            }
            next_arc = stop;

            // Apex of the cycle, and the paths up to it from the entering arc's ends.
            let join = join_paths(
                nd,
                source[in_arc] as usize,
                target[in_arc] as usize,
                up_source,
                up_target,
            );

            // Leaving arc: the last blocking arc in cycle order (strongly feasible rule).
            let lower = state[in_arc] == LOWER;
            let (first, second) = if lower {
                (source[in_arc] as usize, target[in_arc] as usize)
            } else {
                (target[in_arc] as usize, source[in_arc] as usize)
            };
            let (up_first, up_second) = if lower {
                (&up_source[..], &up_target[..])
            } else {
                (&up_target[..], &up_source[..])
            };
            // How far the flow can move along the cycle through node u's tree arc, which the
            // cycle crosses pointing away from the apex when `down` is its direction.
            let room = |u: u32, down: i8| {
                let TreeNode { pred, pred_dir, .. } = nd[u as usize];
                let e = pred as usize;
                if pred_dir == down {
                    cap[e].sub(flow[e])
                } else {
                    flow[e]
                }
            };
            let mut delta = cap[in_arc];
            let mut result = 0u8;
            let mut out_at = 0usize;
            for (k, &u) in up_first.iter().enumerate() {
                let d = room(u, DOWN);
                if d < delta {
                    delta = d;
                    out_at = k;
                    result = 1;
                }
            }
            for (k, &u) in up_second.iter().enumerate() {
                let d = room(u, UP);
                if d <= delta {
                    delta = d;
                    out_at = k;
                    result = 2;
                }
            }
            // The side of the cycle the leaving arc is on, from the entering arc's end up.
            let (u_in, v_in, up_in, up_other) = if result == 1 {
                (first, second, up_first, up_second)
            } else {
                (second, first, up_second, up_first)
            };

            // Push delta around the cycle.
            if delta > T::ZERO {
                let val = T::of_i8(state[in_arc]).mul(delta);
                flow[in_arc] = flow[in_arc].add(val);
                // Against the tree arcs' direction on the source's side, along it on the target's.
                for (path, side) in [(&up_source[..], -1i8), (&up_target[..], 1)] {
                    for &u in path {
                        let TreeNode { pred, pred_dir, .. } = nd[u as usize];
                        let e = pred as usize;
                        flow[e] = flow[e].add(T::of_i8(side * pred_dir).mul(val));
                    }
                }
            }
            if result == 0 {
                // The entering arc blocks itself: it moves to its other bound, the tree stays.
                state[in_arc] = -state[in_arc];
                continue;
            }
            let u_out = up_in[out_at] as usize;
            let out_arc = nd[u_out].pred as usize;
            state[in_arc] = TREE;
            state[out_arc] = if flow[out_arc] == T::ZERO {
                LOWER
            } else {
                UPPER
            };

            // Re-hang the subtree: the stem from u_in up to u_out reverses, u_in hangs from v_in.
            let old_rev_thread = rev_thread[u_out] as usize;
            let old_succ_num = nd[u_out].succ_num;
            let old_last_succ = last_succ[u_out] as usize;
            let v_out = nd[u_out].parent as usize;
            if u_in == u_out {
                nd[u_in].parent = v_in as u32;
                nd[u_in].pred = in_arc as u32;
                nd[u_in].pred_dir = if u_in == source[in_arc] as usize {
                    UP
                } else {
                    DOWN
                };
                if thread[v_in] as usize != u_out {
                    let after = thread[old_last_succ] as usize;
                    thread[old_rev_thread] = after as u32;
                    rev_thread[after] = old_rev_thread as u32;
                    let after = thread[v_in] as usize;
                    thread[v_in] = u_out as u32;
                    rev_thread[u_out] = v_in as u32;
                    thread[old_last_succ] = after as u32;
                    rev_thread[after] = old_last_succ as u32;
                }
            } else {
                let thread_continue = if old_rev_thread == v_in {
                    thread[old_last_succ]
                } else {
                    thread[v_in]
                } as usize;
                let mut stem = u_in;
                let mut par_stem = v_in;
                let mut last = last_succ[u_in] as usize;
                let mut after = thread[last] as usize;
                thread[v_in] = u_in as u32;
                dirty.clear();
                dirty.push(v_in as u32);
                while stem != u_out {
                    let next_stem = nd[stem].parent as usize;
                    thread[last] = next_stem as u32;
                    dirty.push(last as u32);
                    let before = rev_thread[stem] as usize;
                    thread[before] = after as u32;
                    rev_thread[after] = before as u32;
                    nd[stem].parent = par_stem as u32;
                    par_stem = stem;
                    stem = next_stem;
                    last = if last_succ[stem] == last_succ[par_stem] {
                        rev_thread[par_stem] as usize
                    } else {
                        last_succ[stem] as usize
                    };
                    after = thread[last] as usize;
                }
                nd[u_out].parent = par_stem as u32;
                thread[last] = thread_continue as u32;
                rev_thread[thread_continue] = last as u32;
                last_succ[u_out] = last as u32;
                if old_rev_thread != v_in {
                    thread[old_rev_thread] = after as u32;
                    rev_thread[after] = old_rev_thread as u32;
                }
                for &u in dirty.iter() {
                    rev_thread[thread[u as usize] as usize] = u;
                }
                let mut tmp_sc: i64 = 0;
                let tmp_ls = last_succ[u_out];
                let mut u = u_out;
                while u != u_in {
                    let p = nd[u].parent as usize;
                    nd[u].pred = nd[p].pred;
                    nd[u].pred_dir = -nd[p].pred_dir;
                    tmp_sc += i64::from(nd[u].succ_num) - i64::from(nd[p].succ_num);
                    nd[u].succ_num = u32::try_from(tmp_sc).unwrap_or(0);
                    last_succ[p] = tmp_ls;
                    u = p;
                }
                nd[u_in].pred = in_arc as u32;
                nd[u_in].pred_dir = if u_in == source[in_arc] as usize {
                    UP
                } else {
                    DOWN
                };
                nd[u_in].succ_num = old_succ_num;
            }
            let up_limit_out = if last_succ[join] as usize == v_in {
                join
            } else {
                NIL as usize
            };
            let last_succ_out = last_succ[u_out];
            let mut u = v_in;
            while u != NIL as usize && last_succ[u] as usize == v_in {
                last_succ[u] = last_succ_out;
                u = nd[u].parent as usize;
            }
            if join != old_rev_thread && v_in != old_rev_thread {
                let mut u = v_out;
                while u != up_limit_out && last_succ[u] as usize == old_last_succ {
                    last_succ[u] = old_rev_thread as u32;
                    u = nd[u].parent as usize;
                }
            } else if last_succ_out as usize != old_last_succ {
                let mut u = v_out;
                while u != up_limit_out && last_succ[u] as usize == old_last_succ {
                    last_succ[u] = last_succ_out;
                    u = nd[u].parent as usize;
                }
            }
            // The paths from v_in and from v_out (the leaving arc's old upper end) up to the
            // apex are as they were: the re-hung stem lies below v_out.
            for &u in up_other {
                let u = u as usize;
                nd[u].succ_num = nd[u].succ_num.wrapping_add(old_succ_num);
            }
            for &u in &up_in[out_at + 1..] {
                let u = u as usize;
                nd[u].succ_num = nd[u].succ_num.wrapping_sub(old_succ_num);
            }

            // Potentials of the moved subtree: its own shift by sigma, or, when it holds more
            // than half the tree, the rest's by -sigma (the same differences, so the same
            // reduced costs; the root's potential then leaves 0 until the end of the run).
            let sigma = pi[v_in]
                .sub(pi[u_in])
                .sub(T::of_i8(nd[u_in].pred_dir).mul(cost[in_arc]));
            let end = thread[last_succ[u_in] as usize] as usize;
            if 2 * u64::from(nd[u_in].succ_num) <= u64::from(nd[*root].succ_num) {
                shift_subtree(pi, thread, u_in, end, sigma);
            } else {
                shift_subtree(pi, thread, end, u_in, T::ZERO.sub(sigma));
            }
        }
        // Every potential less the root's: the root's 0 again, every difference as it was.
        let at_root = pi[*root];
        if at_root != T::ZERO {
            for p in pi.iter_mut() {
                *p = p.sub(at_root);
            }
        }

        *resume = next_arc;
        (iterations, limit_reached)
    }

    /// Room for `nodes` more nodes and `arcs` more arcs without moving the arrays.
    pub(crate) fn reserve(&mut self, nodes: usize, arcs: usize) {
        self.pi.reserve(nodes);
        self.nd.reserve(nodes);
        self.thread.reserve(nodes);
        self.rev_thread.reserve(nodes);
        self.last_succ.reserve(nodes);
        self.source.reserve(arcs);
        self.target.reserve(arcs);
        self.cap.reserve(arcs);
        self.cost.reserve(arcs);
        self.flow.reserve(arcs);
        self.state.reserve(arcs);
        self.slot.reserve(arcs);
    }

    /// A new node, not yet in the tree: [`Basis::hang`] must hang it before the next run.
    /// Only for a basis without artificial arcs (a star start).
    pub(crate) fn add_node(&mut self) -> usize {
        debug_assert_eq!(
            self.search,
            self.source.len(),
            "a live basis has no artificial arcs"
        );
        let u = self.pi.len();
        self.pi.push(T::ZERO);
        self.nd.push(TreeNode {
            parent: NIL,
            succ_num: 1,
            pred: NIL,
            pred_dir: UP,
        });
        self.thread.push(u as u32);
        self.rev_thread.push(u as u32);
        self.last_succ.push(u as u32);
        self.n += 1;
        u
    }

    /// A new arc at its lower bound (flow 0); returns its index (input arcs and positions agree
    /// in a live basis).
    pub(crate) fn add_arc(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> usize {
        debug_assert_eq!(
            self.search,
            self.source.len(),
            "a live basis has no artificial arcs"
        );
        let e = self.source.len();
        self.source.push(from as u32);
        self.target.push(to as u32);
        self.cap.push(T::of(cap));
        self.cost.push(T::of(cost));
        self.flow.push(T::ZERO);
        self.state.push(LOWER);
        self.slot.push(e as u32);
        self.m += 1;
        self.search += 1;
        e
    }

    /// Hangs new node `u` from the root by `arc` (which joins the two) carrying `flow`. The
    /// tree stays strongly feasible when the arc can still carry more towards the root.
    pub(crate) fn hang(&mut self, u: usize, arc: usize, flow: i64) {
        let root = self.root;
        let e = self.slot[arc] as usize;
        self.state[e] = TREE;
        self.flow[e] = T::of(flow);
        let up = self.source[e] as usize == u;
        self.nd[u] = TreeNode {
            parent: root as u32,
            succ_num: 1,
            pred: e as u32,
            pred_dir: if up { UP } else { DOWN },
        };
        self.pi[u] = if up {
            self.pi[root].sub(self.cost[e])
        } else {
            self.pi[root].add(self.cost[e])
        };
        let after = self.thread[root] as usize;
        self.thread[root] = u as u32;
        self.rev_thread[u] = root as u32;
        self.thread[u] = after as u32;
        self.rev_thread[after] = u as u32;
        self.last_succ[u] = u as u32;
        if self.last_succ[root] as usize == root {
            self.last_succ[root] = u as u32;
        }
        self.nd[root].succ_num += 1;
    }

    /// Renumbers the nodes in thread order (the root first, then each subtree's nodes one
    /// after another) and returns each old node's new index. Nothing else changes: the same
    /// tree, flows and potentials, so the same pivots. A pivot's walk along the thread (the
    /// potentials of the subtree it moved) then reads the node arrays in order, which the
    /// processor fetches ahead, instead of one scattered load after another; pivots re-hang
    /// whole subtrees, so the order survives many of them ([`Basis::scattered`] says when it
    /// has not). For a live basis, whose root is a real node and which has no artificial arcs.
    pub(crate) fn relabel(&mut self) -> Vec<u32> {
        debug_assert_eq!(
            self.search,
            self.source.len(),
            "a live basis has no artificial arcs"
        );
        let nodes = self.pi.len();
        let mut new_of = vec![NIL; nodes];
        let mut order: Vec<u32> = Vec::with_capacity(nodes);
        let mut u = self.root;
        loop {
            new_of[u] = order.len() as u32;
            order.push(u as u32);
            u = self.thread[u] as usize;
            if u == self.root {
                break;
            }
        }
        debug_assert_eq!(order.len(), nodes, "the thread passes every node once");
        let map = |v: u32| if v == NIL { NIL } else { new_of[v as usize] };
        // New arrays with the old ones' room, so that room reserved for new nodes stays.
        let pi = order.iter().map(|&u| self.pi[u as usize]);
        self.pi = with_room(self.pi.capacity(), pi);
        let nd = order.iter().map(|&u| TreeNode {
            parent: map(self.nd[u as usize].parent),
            ..self.nd[u as usize]
        });
        self.nd = with_room(self.nd.capacity(), nd);
        let last_succ = order.iter().map(|&u| map(self.last_succ[u as usize]));
        self.last_succ = with_room(self.last_succ.capacity(), last_succ);
        let thread = (0..nodes).map(|k| ((k + 1) % nodes) as u32);
        self.thread = with_room(self.thread.capacity(), thread);
        let rev_thread = (0..nodes).map(|k| ((k + nodes - 1) % nodes) as u32);
        self.rev_thread = with_room(self.rev_thread.capacity(), rev_thread);
        for s in self.source.iter_mut() {
            *s = new_of[*s as usize];
        }
        for t in self.target.iter_mut() {
            *t = new_of[*t as usize];
        }
        self.root = 0;
        new_of
    }

    /// Whether the thread has drifted far from index order: on average fewer than
    /// [`THREAD_RUN`] nodes follow one another in index order before it jumps.
    pub(crate) fn scattered(&self) -> bool {
        let n = self.thread.len();
        let jumps = self
            .thread
            .iter()
            .enumerate()
            .filter(|&(u, &t)| t as usize != (u + 1) % n)
            .count();
        jumps * THREAD_RUN > n
    }

    /// Sets an arc's cost; a tree arc's new cost moves the potentials of the subtree below it.
    pub(crate) fn set_cost(&mut self, arc: usize, cost: i64) {
        let e = self.slot[arc] as usize;
        let delta = cost - self.cost[e].wide();
        self.cost[e] = T::of(cost);
        if self.state[e] != TREE || delta == 0 {
            return;
        }
        let (s, t) = (self.source[e] as usize, self.target[e] as usize);
        // The child is the end whose predecessor arc this is: below it every potential moves
        // by the same amount, keeping every tree arc's reduced cost at zero.
        let (child, shift) = if self.nd[s].pred as usize == e && self.nd[s].parent as usize == t {
            (s, T::of(-delta))
        } else {
            (t, T::of(delta))
        };
        let end = self.thread[self.last_succ[child] as usize] as usize;
        let mut u = child;
        while u != end {
            self.pi[u] = self.pi[u].add(shift);
            u = self.thread[u] as usize;
        }
    }

    /// The tree arc that joins node `u` to its parent (none for the root), as its tail, head,
    /// flow and cost, read off the node's own record and the arc's position: no input arc
    /// number is looked up, so reading every node's touches each arc's flow and cost once.
    pub(crate) fn tree_arc_above(&self, u: usize) -> Option<(usize, usize, i64, i64)> {
        if u == self.root {
            return None;
        }
        let TreeNode {
            parent,
            pred,
            pred_dir,
            ..
        } = self.nd[u];
        let (tail, head) = if pred_dir == UP {
            (u, parent as usize)
        } else {
            (parent as usize, u)
        };
        let e = pred as usize;
        Some((tail, head, self.flow[e].wide(), self.cost[e].wide()))
    }

    /// The number of input arcs.
    #[cfg(test)]
    pub(crate) fn arcs(&self) -> usize {
        self.search
    }

    /// The tail of an input arc.
    #[cfg(test)]
    pub(crate) fn tail(&self, arc: usize) -> usize {
        self.source[self.slot[arc] as usize] as usize
    }

    /// The flow on an input arc.
    pub(crate) fn flow_of(&self, arc: usize) -> i64 {
        self.flow[self.slot[arc] as usize].wide()
    }

    /// The number of nodes (with the root).
    pub(crate) fn nodes(&self) -> usize {
        self.pi.len()
    }
}

impl Basis<i64> {
    /// The potentials of every node (a live basis keeps `i64`).
    pub(crate) fn potentials(&self) -> &[i64] {
        &self.pi
    }
}

impl<T: Word> Basis<T> {
    /// The flows on the input arcs, the potentials of the real nodes and the flow left on the
    /// artificial arcs.
    pub(crate) fn solved(&self, iterations: u64, limit_reached: bool) -> Solved {
        let (n, m) = (self.n, self.m);
        let artificial_flow = self.flow[self.search..]
            .iter()
            .map(|f| f.wide().abs())
            .sum();
        let flow = (0..m)
            .map(|a| self.flow[self.slot[a] as usize].wide())
            .collect();
        // Potentials relative to the root (with a star start the root is a real node).
        Solved {
            flow,
            potential: self.pi[..n].iter().map(|p| p.wide()).collect(),
            artificial_flow,
            iterations,
            limit_reached,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The largest |cost| [`fits_narrow`] lets an `i32` basis take on `n` nodes.
    fn narrow_limit(n: usize) -> i64 {
        (i32::MAX as i64 / 5) / (n as i64 + 1) - 1
    }

    proptest! {
        /// At the largest costs the `i32` basis takes (costs ±C and in between, feasible or
        /// not), it pivots exactly as the `i64` basis does: any value that left `i32` would
        /// have sent it another way.
        #[test]
        fn narrow_basis_pivots_as_the_wide_one_at_its_limit(
            n in 2usize..10,
            arcs in proptest::collection::vec((0usize..10, 0usize..10, 0i64..20, 0u8..4, any::<i32>()), 1..40),
            supply in proptest::collection::vec(-15i64..15, 10),
        ) {
            let c = narrow_limit(n);
            let (mut source, mut target, mut cap, mut cost) = (vec![], vec![], vec![], vec![]);
            for &(u, v, u_cap, kind, r) in &arcs {
                let (u, v) = (u % n, v % n);
                if u == v {
                    continue;
                }
                source.push(u as u32);
                target.push(v as u32);
                cap.push(u_cap);
                cost.push(match kind {
                    0 => c,
                    1 => -c,
                    _ => i64::from(r) % (c + 1),
                });
            }
            let mut supply = supply[..n].to_vec();
            let total: i64 = supply.iter().sum();
            supply[0] -= total;
            // A value that left `i32` can make the pivots cycle: the cap makes that a failure.
            let limits = super::super::Limits { max_iterations: Some(10_000), stop: None };
            let p = Problem {
                nodes: n,
                supply: &supply,
                source: &source,
                target: &target,
                cap: &cap,
                cost: &cost,
                start: Start::Artificial,
                limits: &limits,
            };
            prop_assume!(p.fits_narrow());
            let e = p.extent();
            let (narrow, wide) = (solve_in::<i32>(&p, &e), solve_in::<i64>(&p, &e));
            prop_assert!(!wide.limit_reached);
            prop_assert!(!narrow.limit_reached);
            prop_assert_eq!(narrow.iterations, wide.iterations);
            prop_assert_eq!(narrow.flow, wide.flow);
            // Potentials are the tree paths' costs from the root, within the bound that makes
            // the narrow basis exact (a pivot may shift the rest of the tree instead of the
            // subtree it moved; the run ends by setting the root's potential back to 0).
            let bound = 2 * (c + 1) * (n as i64 + 1);
            prop_assert!(wide.potential.iter().all(|p| p.abs() < bound), "{:?}", wide.potential);
            prop_assert_eq!(narrow.potential, wide.potential);
            prop_assert_eq!(narrow.artificial_flow, wide.artificial_flow);
        }
    }

    /// What one pricing of `range` returns: the least reduced cost, its position, and the
    /// candidates kept.
    fn priced<T: Word>(
        arcs: &Arcs<'_, T>,
        pi: &[T],
        range: std::ops::Range<usize>,
        how: u8,
    ) -> (T, usize, Vec<u32>) {
        let mut p = Pricing {
            min: T::of(-2),
            arg: usize::MAX,
            cand: vec![7],
            buf: vec![T::ZERO; range.len()],
        };
        match how {
            0 => arcs.price_scalar::<true>(pi, range, &mut p),
            1 => arcs.price_gathered::<true>(pi, range, &mut p),
            2 => arcs.price_checked_once::<true>(pi, range, &mut p),
            _ => arcs.price::<true>(pi, range, &mut p),
        }
        (p.min, p.arg, p.cand)
    }

    proptest! {
        /// The entering-arc search in passes (portable with gathers, portable with the
        /// indices checked once per block, and the build this processor runs) takes the arc, the least reduced cost and the candidates the scan
        /// arc by arc takes, ties included (few distinct values make many).
        #[test]
        fn pricing_in_passes_takes_the_arc_the_scan_takes(
            arcs in proptest::collection::vec((-1i8..=1, -4i64..4, 0u32..40, 0u32..40), 1..700),
            pi in proptest::collection::vec(-6i64..6, 40),
            from in 0usize..700,
        ) {
            let state: Vec<i8> = arcs.iter().map(|a| a.0).collect();
            let source: Vec<u32> = arcs.iter().map(|a| a.2).collect();
            let target: Vec<u32> = arcs.iter().map(|a| a.3).collect();
            let range = from.min(arcs.len() - 1)..arcs.len();
            let cost: Vec<i64> = arcs.iter().map(|a| a.1).collect();
            let wide = Arcs { state: &state, cost: &cost, source: &source, target: &target, simd: Simd::detect() };
            let scan = priced(&wide, &pi, range.clone(), 0);
            prop_assert_eq!(&priced(&wide, &pi, range.clone(), 1), &scan);
            prop_assert_eq!(&priced(&wide, &pi, range.clone(), 2), &scan);
            prop_assert_eq!(&priced(&wide, &pi, range.clone(), 3), &scan);
            let cost: Vec<i32> = arcs.iter().map(|a| a.1 as i32).collect();
            let pi: Vec<i32> = pi.iter().map(|&p| p as i32).collect();
            let narrow = Arcs { state: &state, cost: &cost, source: &source, target: &target, simd: Simd::detect() };
            let scan = priced(&narrow, &pi, range.clone(), 0);
            prop_assert_eq!(&priced(&narrow, &pi, range.clone(), 1), &scan);
            prop_assert_eq!(&priced(&narrow, &pi, range.clone(), 2), &scan);
            prop_assert_eq!(&priced(&narrow, &pi, range, 3), &scan);
        }
    }

    #[test]
    fn the_narrow_limit_is_the_last_cost_that_fits() {
        for n in [1, 2, 10, 1000, 65_536] {
            let c = narrow_limit(n) as u64;
            assert!(fits_narrow(n, c, 0), "{n}");
            assert!(!fits_narrow(n, c + 1, 0), "{n}");
        }
        assert!(!fits_narrow(10, 0, i128::from(i32::MAX / 4) + 1));
    }
}
