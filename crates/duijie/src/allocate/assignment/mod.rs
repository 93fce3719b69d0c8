//! Linear assignment (一校对一企): dense Jonker–Volgenant and sparse shortest augmenting paths,
//! both returning dual potentials that [`verify_assignment`] checks.
//!
//! Semantics, as in `scipy.optimize.linear_sum_assignment`: on an `n × m` instance every row is
//! assigned when `n ≤ m`, every column when `n > m`, and the total cost is minimal (or the total
//! weight maximal). Forbidden pairs exist only in the sparse form, as absent entries; when they
//! make a full assignment impossible the error names a set of rows that violates Hall's
//! condition.

use std::collections::VecDeque;

use ndarray::ArrayView2;

use super::{Algorithm, AllocateError, CertificateError, Limits, Status, find_eq};

mod certificate;
mod fixed_point;
mod jv;
mod sparse;

pub use certificate::{check_assignment, verify_assignment};
pub(crate) use fixed_point::round_half_away_small;
pub use fixed_point::{
    Precision, finite_max_abs, fixed_point_into, fixed_point_matrix, max_decimals,
    solve_assignment_f64,
};
use jv::*;
use sparse::*;
pub use sparse::{max_weight_assignment_sparse, min_cost_assignment_sparse};

/// An integer type a dense matrix may hold: `i64`, or `i32` for half the memory traffic. An
/// `i32` matrix is solved in 32-bit arithmetic while every cost lies in `[−2^26, 2^26)` and
/// every potential and distance within `±(2^27 − 1)`, and in 64-bit arithmetic otherwise (the
/// solver starts again in 64 bits when a value leaves that range): both compute the same
/// integers, so both give the same result.
pub trait DenseCost: Copy + Send + Sync + sealed::Sealed + 'static {
    /// Whether the type is 32 bits wide (the solver then tries 32-bit arithmetic first).
    const NARROW: bool;
    /// The value as an `i64`.
    fn wide(self) -> i64;
}

impl DenseCost for i64 {
    const NARROW: bool = false;
    #[inline(always)]
    fn wide(self) -> i64 {
        self
    }
}

impl DenseCost for i32 {
    const NARROW: bool = true;
    #[inline(always)]
    fn wide(self) -> i64 {
        i64::from(self)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for i32 {}
    impl Sealed for i64 {}
}

/// Whether costs are minimised or weights maximised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Sense {
    /// Minimise the total cost.
    Min,
    /// Maximise the total weight.
    Max,
}

/// An optimal assignment with its dual potentials.
///
/// Certificate (in the caller's sense): for [`Sense::Min`], `row[i] + col[j] ≤ c_ij` for every
/// allowed pair with equality on assigned pairs; on the longer side, potentials are `≤ 0` and
/// zero where unassigned; and `Σ row + Σ col` equals the objective. For [`Sense::Max`] the
/// inequalities flip (`≥`, potentials `≥ 0` on the longer side).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Assignment {
    /// The column of each row, if assigned.
    pub row_to_col: Vec<Option<u32>>,
    /// The row of each column, if assigned.
    pub col_to_row: Vec<Option<u32>>,
    /// Σ cost (or weight) over assigned pairs, exact.
    pub objective: i128,
    /// Dual potential of each row.
    pub row_potential: Vec<i64>,
    /// Dual potential of each column.
    pub col_potential: Vec<i64>,
    /// Minimised or maximised.
    pub sense: Sense,
    /// [`Status::Optimal`], or [`Status::LimitReached`] when a [`Limits`] stopped the solver:
    /// then the assignment is complete and feasible (the objective is its exact total) but not
    /// proven optimal, and the potentials are no certificate.
    pub status: Status,
    /// The algorithm that ran.
    pub algorithm: Algorithm,
}

impl Assignment {
    /// Assigned `(row, column)` pairs in row order.
    pub fn pairs(&self) -> Vec<(u32, u32)> {
        self.row_to_col
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (u32::try_from(i).unwrap_or(u32::MAX), c)))
            .collect()
    }
}

/// A sparse assignment instance: for each row, its allowed columns with their costs (or
/// weights), in CSR form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparseMatrix {
    rows: usize,
    cols: usize,
    start: Vec<usize>,
    col: Vec<u32>,
    val: Vec<i64>,
}

impl SparseMatrix {
    /// Builds a sparse matrix from `(row, column, value)` entries in any order.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] for an entry outside `rows × cols` or listed twice.
    pub fn new(
        rows: usize,
        cols: usize,
        mut entries: Vec<(u32, u32, i64)>,
    ) -> Result<Self, AllocateError> {
        entries.sort_unstable_by_key(|&(r, c, _)| (r, c));
        SparseMatrix::from_sorted(rows, cols, entries.into_iter())
    }

    /// Builds one from entries already in order — by row, then by column, each pair once — in
    /// one pass, without holding them twice (the form a market instance's pairs come in). Falls
    /// back to [`SparseMatrix::new`] when they are not in that order, so any input gives the
    /// same matrix.
    ///
    /// # Errors
    /// As [`SparseMatrix::new`].
    pub fn from_sorted(
        rows: usize,
        cols: usize,
        entries: impl ExactSizeIterator<Item = (u32, u32, i64)>,
    ) -> Result<Self, AllocateError> {
        let n = entries.len();
        let mut start = vec![0usize; rows + 1];
        let (mut col, mut val) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut rows_of = Vec::new();
        let mut last: Option<(u32, u32)> = None;
        let mut in_order = true;
        for (r, c, v) in entries {
            if in_order {
                match last {
                    Some(l) if l == (r, c) => {
                        return Err(AllocateError::InvalidInstance {
                            message: format!("entry ({r}, {c}) is listed twice"),
                        });
                    }
                    Some(l) if l > (r, c) => {
                        in_order = false;
                        // The rows of what was read so far, to rebuild the entries.
                        rows_of = (0..rows)
                            .flat_map(|i| std::iter::repeat_n(i as u32, start[i + 1]))
                            .collect();
                    }
                    _ => {}
                }
            }
            if !in_order {
                rows_of.push(r);
            } else if (r as usize) < rows && (c as usize) < cols {
                start[r as usize + 1] += 1;
            } else {
                return Err(AllocateError::InvalidInstance {
                    message: format!("entry ({r}, {c}) is outside {rows} rows × {cols} columns"),
                });
            }
            last = Some((r, c));
            col.push(c);
            val.push(v);
        }
        if !in_order {
            // `new` sorts them and comes back here in order.
            let entries = rows_of
                .into_iter()
                .zip(col)
                .zip(val)
                .map(|((r, c), v)| (r, c, v))
                .collect();
            return SparseMatrix::new(rows, cols, entries);
        }
        for i in 0..rows {
            start[i + 1] += start[i];
        }
        Ok(SparseMatrix {
            rows,
            cols,
            start,
            col,
            val,
        })
    }

    /// Builds one directly from CSR arrays (row starts, column indices, values), checking them.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] when the arrays are inconsistent, a column is out of
    /// range, or a row lists a column twice.
    pub fn from_csr(
        rows: usize,
        cols: usize,
        start: Vec<usize>,
        col: Vec<u32>,
        val: Vec<i64>,
    ) -> Result<Self, AllocateError> {
        let bad = |m: String| Err(AllocateError::InvalidInstance { message: m });
        if start.len() != rows + 1
            || start[0] != 0
            || start[rows] != col.len()
            || col.len() != val.len()
        {
            return bad("CSR arrays are inconsistent".into());
        }
        let (mut col, mut val) = (col, val);
        for i in 0..rows {
            if start[i] > start[i + 1] {
                return bad(format!("row {i} has a negative length"));
            }
            let span = start[i]..start[i + 1];
            if col[span.clone()].iter().any(|&c| c as usize >= cols) {
                return bad(format!("row {i} names a column outside 0..{cols}"));
            }
            // Rows are kept sorted by column, so that lookups can binary-search.
            let mut r: Vec<(u32, i64)> = col[span.clone()]
                .iter()
                .copied()
                .zip(val[span.clone()].iter().copied())
                .collect();
            r.sort_unstable_by_key(|e| e.0);
            if r.windows(2).any(|w| w[0].0 == w[1].0) {
                return bad(format!("row {i} lists a column twice"));
            }
            for (k, (c, v)) in span.zip(r) {
                col[k] = c;
                val[k] = v;
            }
        }
        Ok(SparseMatrix {
            rows,
            cols,
            start,
            col,
            val,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of allowed pairs.
    pub fn nnz(&self) -> usize {
        self.col.len()
    }

    /// The allowed `(column, value)` pairs of row `i`.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (u32, i64)> + '_ {
        let r = self.start[i]..self.start[i + 1];
        self.col[r.clone()]
            .iter()
            .copied()
            .zip(self.val[r].iter().copied())
    }

    /// The value at `(i, j)`, if allowed (binary search: rows are kept sorted by column).
    pub fn get(&self, i: usize, j: u32) -> Option<i64> {
        let r = self.start[i]..self.start[i + 1];
        self.col[r.clone()]
            .binary_search(&j)
            .ok()
            .map(|k| self.val[r.start + k])
    }

    fn transpose(&self) -> SparseMatrix {
        let mut start = vec![0usize; self.cols + 1];
        for &c in &self.col {
            start[c as usize + 1] += 1;
        }
        for j in 0..self.cols {
            start[j + 1] += start[j];
        }
        let mut fill = start.clone();
        let mut col = vec![0u32; self.col.len()];
        let mut val = vec![0i64; self.col.len()];
        for i in 0..self.rows {
            for (j, v) in self.row(i) {
                let k = fill[j as usize];
                col[k] = u32::try_from(i).unwrap_or(u32::MAX);
                val[k] = v;
                fill[j as usize] += 1;
            }
        }
        SparseMatrix {
            rows: self.cols,
            cols: self.rows,
            start,
            col,
            val,
        }
    }

    fn negated(&self) -> SparseMatrix {
        SparseMatrix {
            val: self.val.iter().map(|&v| -v).collect(),
            ..self.clone()
        }
    }

    /// Appends a row of `(column, value)` entries (any order). The caller checks the values'
    /// range against the new size.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] for a column outside the matrix or listed twice.
    pub(crate) fn push_row(&mut self, entries: &[(u32, i64)]) -> Result<(), AllocateError> {
        let (i, cols) = (self.rows, self.cols);
        let mut sorted = entries.to_vec();
        sorted.sort_unstable_by_key(|e| e.0);
        let bad = |message: String| Err(AllocateError::InvalidInstance { message });
        if let Some(&(c, _)) = sorted.iter().find(|e| e.0 as usize >= cols) {
            return bad(format!(
                "entry ({i}, {c}) is outside {} rows × {cols} columns",
                i + 1
            ));
        }
        if let Some(w) = sorted.windows(2).find(|w| w[0].0 == w[1].0) {
            return bad(format!("entry ({i}, {}) is listed twice", w[0].0));
        }
        self.col.extend(sorted.iter().map(|e| e.0));
        self.val.extend(sorted.iter().map(|e| e.1));
        self.start.push(self.col.len());
        self.rows += 1;
        Ok(())
    }

    /// Room for `rows` more rows and `entries` more entries.
    pub(crate) fn reserve(&mut self, rows: usize, entries: usize) {
        self.start.reserve(rows);
        self.col.reserve(entries);
        self.val.reserve(entries);
    }

    /// Appends an empty column.
    pub(crate) fn push_col(&mut self) {
        self.cols += 1;
    }

    /// Sets the value at `(i, j)` if it is allowed; returns whether it was.
    pub(crate) fn set(&mut self, i: usize, j: u32, v: i64) -> bool {
        let r = self.start[i]..self.start[i + 1];
        match self.col[r.clone()].binary_search(&j) {
            Ok(k) => {
                self.val[r.start + k] = v;
                true
            }
            Err(_) => false,
        }
    }

    /// Where row `i`'s entries sit in the matrix's entry order.
    pub(crate) fn row_span(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i]..self.start[i + 1]
    }

    pub(crate) fn max_abs(&self) -> u64 {
        self.val.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0)
    }
}

/// The largest absolute cost an `n × m` instance takes: potentials stay within a small multiple
/// of `(n + m) · max|c|`, which must fit comfortably in `i64`.
fn cost_limit(n: usize, m: usize) -> u64 {
    let k = u64::try_from(n + m + 2).unwrap_or(u64::MAX);
    (i64::MAX as u64 / 4) / k
}

fn check_range(max_abs: u64, n: usize, m: usize) -> Result<(), AllocateError> {
    let limit = cost_limit(n, m);
    if max_abs > limit {
        return Err(AllocateError::NumericRange {
            max_weight: max_abs,
            limit,
        });
    }
    Ok(())
}

const NONE: u32 = u32::MAX;

/// Finds a minimum-cost assignment of a dense `n × m` cost matrix.
///
/// Algorithm: Jonker & Volgenant (1987), "A shortest augmenting path algorithm for dense and
/// sparse linear assignment problems": for square matrices column reduction, reduction
/// transfer and two to four rounds of augmenting row reduction, then Dijkstra shortest
/// augmenting paths (columns at one distance scanned first-in first-out, as Jonker–Volgenant's
/// grouped scan does, each scan one contiguous vectorisable sweep over the row); for rectangular
/// ones the same without column reduction (so that column potentials of the longer side stay
/// `≤ 0`). A wider matrix than tall is solved as is; a taller one is solved transposed (one
/// working copy). On x86-64 processors with AVX2 the same code runs as compiled for AVX2, with
/// identical results. Ties are broken by the lowest index, so the result is deterministic.
///
/// The matrix may hold `i64` or `i32` ([`DenseCost`]); the result is the same. Costs that fit
/// 32 bits are best passed as `i32`: every pass of the solver then reads half the bytes, and
/// while costs lie in `[−2^26, 2^26)` it computes on 32-bit lanes, twice as many per vector
/// (measured on costs below 10⁶, `benches/results/2026-12-05-dense-lanes.csv`: 2.5–3.0 ms
/// against 6.8–7.8 ms for the same 1000 × 5000 matrix as `i64`, 222–262 ms against 439–467 ms
/// at n = 4000).
///
/// # Errors
/// [`AllocateError::NumericRange`] when a cost is too large for exact arithmetic at this size:
/// every entry must lie in `[-2^k, 2^k)` for the largest power of two `2^k ≤ 2⁶¹ / (n + m + 2)`
/// (checked during the first pass over the matrix, not in a pass of its own).
///
/// # Complexity
/// O(n² · m) time in the worst case, usually far less; O(n · m) memory only when transposing
/// (or when the view is not in standard layout): one working copy, 32-bit when every entry
/// fits.
///
/// # Example
/// Three colleges, three Shenyang plants; costs are distances in tens of km.
/// ```
/// use duijie::allocate::{min_cost_assignment, verify_assignment, CostMatrix};
/// let c = ndarray::array![[4, 1, 3], [2, 0, 5], [3, 2, 2]];
/// let a = min_cost_assignment(c.view()).unwrap();
/// assert_eq!(a.objective, 5);
/// verify_assignment(CostMatrix::Dense(c.view()), &a).unwrap();
/// ```
pub fn min_cost_assignment<T: DenseCost>(
    cost: ArrayView2<'_, T>,
) -> Result<Assignment, AllocateError> {
    dense(cost, Sense::Min, &Limits::default())
}

/// Finds a maximum-weight assignment of a dense `n × m` weight matrix (every row assigned when
/// `n ≤ m`, every column otherwise). See [`min_cost_assignment`] for the algorithm, errors and
/// complexity; this solves it on negated weights.
pub fn max_weight_assignment<T: DenseCost>(
    weight: ArrayView2<'_, T>,
) -> Result<Assignment, AllocateError> {
    dense(weight, Sense::Max, &Limits::default())
}

/// Solves an assignment instance, dense or sparse, in either sense, under [`Limits`]: the one
/// entry point behind [`min_cost_assignment`], [`max_weight_assignment`],
/// [`min_cost_assignment_sparse`] and [`max_weight_assignment_sparse`] (same algorithms,
/// errors and results).
///
/// An iteration is one shortest augmenting path search, or, for the sparse auction, one bid;
/// `stop` is polled before every search and every 1024 bids. When a limit stops the solver the
/// rows still free are completed — dense: each takes its cheapest free column; sparse: by
/// Hopcroft–Karp augmentation over the allowed pairs — and the result is marked
/// [`Status::LimitReached`]: feasible, with its exact objective, but not certified optimal.
///
/// # Errors
/// As the four functions above; a sparse instance stopped by a limit that admits no full
/// assignment still gets [`AllocateError::Infeasible`] with its Hall set.
///
/// # Example
/// ```
/// use duijie::allocate::{solve_assignment, CostMatrix, Limits, Sense, Status};
/// let c = ndarray::array![[4, 1, 3], [2, 0, 5], [3, 2, 2]];
/// let none = Limits { max_iterations: Some(0), stop: None };
/// let a = solve_assignment(CostMatrix::Dense(c.view()), Sense::Min, &none).unwrap();
/// assert!(a.row_to_col.iter().all(|c| c.is_some()));
/// assert!(matches!(a.status, Status::Optimal | Status::LimitReached));
/// ```
pub fn solve_assignment(
    matrix: CostMatrix<'_>,
    sense: Sense,
    limits: &Limits<'_>,
) -> Result<Assignment, AllocateError> {
    match matrix {
        CostMatrix::Dense(a) => dense(a, sense, limits),
        CostMatrix::Dense32(a) => dense(a, sense, limits),
        CostMatrix::Sparse(a) => sparse(a, sense, limits),
    }
}

/// The instance an assignment is checked against.
#[derive(Clone, Copy, Debug)]
pub enum CostMatrix<'a> {
    /// A dense matrix: every pair allowed.
    Dense(ArrayView2<'a, i64>),
    /// A dense matrix of 32-bit costs (half the memory traffic of [`CostMatrix::Dense`]).
    Dense32(ArrayView2<'a, i32>),
    /// A sparse matrix: only listed pairs allowed.
    Sparse(&'a SparseMatrix),
}

/// An owned dense cost matrix in the narrowest integer width its entries fit: what a reader
/// hands the dense solver, so that no working copy is needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DenseMatrix {
    /// Every entry fits 32 bits.
    I32(ndarray::Array2<i32>),
    /// Some entry needs 64 bits.
    I64(ndarray::Array2<i64>),
}

impl DenseMatrix {
    /// `m` in 32 bits when every entry fits, else as it is.
    pub fn narrowest(m: ndarray::Array2<i64>) -> Self {
        if m.iter().all(|&x| i32::try_from(x).is_ok()) {
            DenseMatrix::I32(m.mapv(|x| i32::try_from(x).unwrap_or_default()))
        } else {
            DenseMatrix::I64(m)
        }
    }

    /// The matrix as solver input.
    pub fn view(&self) -> CostMatrix<'_> {
        match self {
            DenseMatrix::I32(m) => CostMatrix::Dense32(m.view()),
            DenseMatrix::I64(m) => CostMatrix::Dense(m.view()),
        }
    }

    /// Rows and columns.
    pub fn dim(&self) -> (usize, usize) {
        match self {
            DenseMatrix::I32(m) => m.dim(),
            DenseMatrix::I64(m) => m.dim(),
        }
    }

    /// The bits per entry (32 or 64).
    pub fn bits(&self) -> u32 {
        match self {
            DenseMatrix::I32(_) => 32,
            DenseMatrix::I64(_) => 64,
        }
    }
}

impl CostMatrix<'_> {
    /// Rows and columns.
    pub fn dim(&self) -> (usize, usize) {
        match self {
            CostMatrix::Dense(d) => d.dim(),
            CostMatrix::Dense32(d) => d.dim(),
            CostMatrix::Sparse(s) => (s.rows, s.cols),
        }
    }

    /// The value at `(i, j)`, if that pair is allowed (every in-range pair of a dense matrix).
    pub fn get(&self, i: usize, j: usize) -> Option<i64> {
        match self {
            CostMatrix::Dense(d) => d.get([i, j]).copied(),
            CostMatrix::Dense32(d) => d.get([i, j]).map(|&x| i64::from(x)),
            CostMatrix::Sparse(s) => u32::try_from(j).ok().and_then(|j| s.get(i, j)),
        }
    }
}

#[cfg(test)]
mod tests;
