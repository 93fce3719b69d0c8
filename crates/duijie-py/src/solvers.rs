//! The exact solvers on numpy arrays: dense and sparse assignment, and minimum-cost flow. Every
//! answer is checked against its certificate before it is returned; the GIL is released while
//! a solver runs.

use duijie::AllocateError;
use duijie::allocate::{
    self, Assignment, CostMatrix, FlowNetwork, Limits, Precision, Sense, SparseMatrix,
};
use ndarray::{ArrayView1, ArrayView2};
use numpy::{IntoPyArray, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{InvalidInputError, allocate_error};
use crate::scratch::Scratch;

fn invalid(message: String) -> AllocateError {
    AllocateError::InvalidInstance { message }
}

fn certificate_failed(what: &str, source: allocate::CertificateError) -> AllocateError {
    AllocateError::CertificateFailed {
        what: what.into(),
        source,
    }
}

/// What to solve for, and whether to check the answer's certificate.
#[derive(Clone, Copy)]
struct How {
    sense: Sense,
    /// Check the duals against every allowed pair (O(n · m)) before returning.
    check: bool,
}

/// Solves and, when asked, checks the certificate.
fn solve_checked(matrix: CostMatrix<'_>, how: How) -> Result<Assignment, AllocateError> {
    let a = allocate::solve_assignment(matrix, how.sense, &Limits::default())?;
    if how.check {
        allocate::verify_assignment(matrix, &a).map_err(|e| certificate_failed("assignment", e))?;
    }
    Ok(a)
}

/// Whether a dense integer matrix is worth narrowing to 32 bits: the copy halves the memory
/// traffic of every later pass of the solver, but a matrix much wider than tall is read only a
/// few times, so there the copy would cost more than it saves.
fn worth_narrowing(v: ArrayView2<'_, i64>) -> bool {
    let (rows, cols) = v.dim();
    v.is_standard_layout() && 2 * rows.min(cols) >= rows.max(cols)
}

/// A dense integer matrix, solved on a 32-bit copy when that is worth making
/// ([`worth_narrowing`]) and every entry fits, else on the caller's buffer as it is.
#[allow(clippy::cast_possible_truncation)]
fn dense_i64(v: ArrayView2<'_, i64>, how: How) -> Result<Assignment, AllocateError> {
    let Some(flat) = v.as_slice().filter(|_| worth_narrowing(v)) else {
        return solve_checked(CostMatrix::Dense(v), how);
    };
    let mut scratch = Scratch::<i32>::new(flat.len());
    let narrow = scratch.as_mut_slice();
    // One branch-free pass: copy, and note whether any entry did not survive the copy.
    let mut fits = true;
    for (o, &x) in narrow.iter_mut().zip(flat) {
        fits &= i64::from(x as i32) == x;
        *o = x as i32;
    }
    if !fits {
        return solve_checked(CostMatrix::Dense(v), how);
    }
    let narrow = ArrayView2::from_shape(v.dim(), &*narrow).map_err(|e| invalid(e.to_string()))?;
    solve_checked(CostMatrix::Dense32(narrow), how)
}

/// The value that marks a forbidden pair, as scipy reads it: `+inf` when minimising, `-inf`
/// when maximising.
fn forbidden(sense: Sense) -> f64 {
    match sense {
        Sense::Min => f64::INFINITY,
        Sense::Max => f64::NEG_INFINITY,
    }
}

/// Why a float entry cannot be used, or `None`.
fn bad_float(x: f64, sense: Sense) -> Option<String> {
    if x.is_nan() {
        Some(
            "is NaN: give a number, or +inf (minimising) / -inf (maximising) for a forbidden pair"
                .into(),
        )
    } else if x.is_infinite() && x != forbidden(sense) {
        Some(format!(
            "is {x}, which would make the objective unbounded: a forbidden pair is {} when {}",
            forbidden(sense),
            if sense == Sense::Min {
                "minimising"
            } else {
                "maximising"
            }
        ))
    } else {
        None
    }
}

/// The largest finite magnitude of a float matrix and whether it holds a forbidden pair; the
/// first NaN or wrongly signed infinity is an error naming its row and column.
fn scan(v: ArrayView2<'_, f64>, sense: Sense) -> Result<(f64, bool), AllocateError> {
    let (max_abs, odd) = allocate::finite_max_abs(v);
    // Only a matrix with a non-finite entry is searched again, for the culprit.
    if odd {
        for ((i, j), &x) in v.indexed_iter() {
            if let Some(why) = bad_float(x, sense) {
                return Err(invalid(format!("entry ({i}, {j}) {why}")));
            }
        }
    }
    Ok((max_abs, odd))
}

/// `x` in units of `10^-decimals` (saturating; the solver's range check refuses what does not
/// fit).
#[allow(clippy::cast_possible_truncation)]
fn fixed(x: f64, scale: f64) -> i64 {
    (x * scale).round() as i64
}

/// A dense float matrix solved exactly at `decimals` places (by default the most that fit);
/// with forbidden pairs (infinities) it is solved as a sparse matrix of the finite entries.
fn dense_f64(
    v: ArrayView2<'_, f64>,
    how: How,
    decimals: Option<u32>,
) -> Result<(Assignment, u32), AllocateError> {
    let (rows, cols) = v.dim();
    let (max_abs, any_forbidden) = scan(v, how.sense)?;
    let d = decimals.unwrap_or_else(|| allocate::max_decimals(max_abs, rows, cols));
    if any_forbidden {
        let scale = 10f64.powi(i32::try_from(d).unwrap_or(i32::MAX));
        let mut start = Vec::with_capacity(rows + 1);
        let (mut col, mut val) = (Vec::new(), Vec::new());
        start.push(0);
        for row in v.rows() {
            for (j, &x) in row.iter().enumerate() {
                if x.is_finite() {
                    col.push(u32::try_from(j).unwrap_or(u32::MAX));
                    val.push(fixed(x, scale));
                }
            }
            start.push(col.len());
        }
        let m = SparseMatrix::from_csr(rows, cols, start, col, val)?;
        return Ok((solve_checked(CostMatrix::Sparse(&m), how)?, d));
    }
    let mut scratch = Scratch::<i64>::new(v.len());
    let fixed = scratch.as_mut_slice();
    allocate::fixed_point_into(v, d, fixed)?;
    let m = ArrayView2::from_shape(v.dim(), &*fixed).map_err(|e| invalid(e.to_string()))?;
    Ok((solve_checked(CostMatrix::Dense(m), how)?, d))
}

/// The values of a CSR matrix, integer or float.
enum CsrData<'a> {
    Int(ArrayView1<'a, i64>),
    Float(ArrayView1<'a, f64>),
}

/// A CSR matrix solved as a sparse assignment (absent entries forbidden; explicit zeros are
/// pairs of cost zero); float values at `decimals` places (by default the most that fit).
fn sparse_csr(
    (rows, cols): (usize, usize),
    indptr: ArrayView1<'_, i64>,
    indices: ArrayView1<'_, i64>,
    data: &CsrData<'_>,
    how: How,
    decimals: Option<u32>,
) -> Result<(Assignment, u32), AllocateError> {
    let nnz = indices.len();
    let data_len = match data {
        CsrData::Int(d) => d.len(),
        CsrData::Float(d) => d.len(),
    };
    if indptr.len() != rows + 1 || data_len != nnz {
        return Err(invalid(format!(
            "CSR arrays of a {rows} × {cols} matrix need {} row pointers and as many values as column indices; got {}, {} values and {nnz} indices",
            rows + 1,
            indptr.len(),
            data_len
        )));
    }
    let ptr = |k: usize| usize::try_from(indptr[k]).ok().filter(|&p| p <= nnz);
    let (d, scale) = match data {
        CsrData::Int(_) => (0, 1.0),
        CsrData::Float(x) => {
            let max_abs = x
                .iter()
                .filter(|v| v.is_finite())
                .fold(0.0f64, |m, v| m.max(v.abs()));
            let d = decimals.unwrap_or_else(|| allocate::max_decimals(max_abs, rows, cols));
            (d, 10f64.powi(i32::try_from(d).unwrap_or(i32::MAX)))
        }
    };
    let mut start = Vec::with_capacity(rows + 1);
    let (mut col, mut val) = (Vec::with_capacity(nnz), Vec::with_capacity(nnz));
    start.push(0);
    for i in 0..rows {
        let (Some(lo), Some(hi)) = (ptr(i), ptr(i + 1)) else {
            return Err(invalid(format!(
                "row pointer {i} or {} is outside 0..={nnz}",
                i + 1
            )));
        };
        for k in lo..hi.max(lo) {
            let j = indices[k];
            let Some(c) = usize::try_from(j).ok().filter(|&c| c < cols) else {
                return Err(invalid(format!(
                    "stored entry {k} (row {i}) names column {j}, outside 0..{cols}"
                )));
            };
            let v = match data {
                CsrData::Int(x) => x[k],
                CsrData::Float(x) => {
                    if let Some(why) = bad_float(x[k], how.sense) {
                        return Err(invalid(format!("entry ({i}, {c}) {why}")));
                    }
                    if x[k].is_infinite() {
                        continue;
                    }
                    fixed(x[k], scale)
                }
            };
            col.push(u32::try_from(c).unwrap_or(u32::MAX));
            val.push(v);
        }
        start.push(col.len());
    }
    let m = SparseMatrix::from_csr(rows, cols, start, col, val)?;
    Ok((solve_checked(CostMatrix::Sparse(&m), how)?, d))
}

/// The answer as Python sees it: assigned rows ascending with their columns, the objective in
/// fixed-point units, the potentials, and how it was found.
fn assignment_dict<'py>(
    py: Python<'py>,
    a: Assignment,
    (decimals, float, checked): (u32, bool, bool),
) -> PyResult<Bound<'py, PyDict>> {
    let pairs = a.pairs();
    let rows: Vec<i64> = pairs.iter().map(|&(i, _)| i64::from(i)).collect();
    let cols: Vec<i64> = pairs.iter().map(|&(_, j)| i64::from(j)).collect();
    let d = PyDict::new(py);
    d.set_item("row_ind", rows.into_pyarray(py))?;
    d.set_item("col_ind", cols.into_pyarray(py))?;
    d.set_item("objective_fixed", a.objective)?;
    d.set_item("row_potential", a.row_potential.into_pyarray(py))?;
    d.set_item("col_potential", a.col_potential.into_pyarray(py))?;
    d.set_item("status", status_name(a.status))?;
    d.set_item("algorithm", a.algorithm.name())?;
    d.set_item("decimals", decimals)?;
    let bound = if float {
        Precision { decimals }.error_bound(pairs.len())
    } else {
        0.0
    };
    d.set_item("error_bound", bound)?;
    d.set_item("certificate_checked", checked)?;
    Ok(d)
}

fn status_name(s: allocate::Status) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{s:?}"))
}

fn how(maximize: bool, check: bool) -> How {
    How {
        sense: if maximize { Sense::Max } else { Sense::Min },
        check,
    }
}

/// Dense assignment of a 2-D float64, int64 or int32 array (`_duijie.solve_dense`).
#[pyfunction]
#[pyo3(signature = (cost, maximize = false, decimals = None, check = true))]
pub fn solve_dense<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    maximize: bool,
    decimals: Option<u32>,
    check: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let how = how(maximize, check);
    let solved = if let Ok(a) = cost.extract::<PyReadonlyArray2<'py, f64>>() {
        let v = a.as_array();
        py.detach(|| dense_f64(v, how, decimals))
            .map(|(a, d)| (a, d, true))
    } else if let Ok(a) = cost.extract::<PyReadonlyArray2<'py, i64>>() {
        let v = a.as_array();
        py.detach(|| dense_i64(v, how)).map(|a| (a, 0, false))
    } else if let Ok(a) = cost.extract::<PyReadonlyArray2<'py, i32>>() {
        let v = a.as_array();
        py.detach(|| solve_checked(CostMatrix::Dense32(v), how))
            .map(|a| (a, 0, false))
    } else {
        return Err(InvalidInputError::new_err(
            "the cost matrix must be a 2-D numpy array of float64, int64 or int32",
        ));
    };
    let (a, d, float) = solved.map_err(|e| allocate_error(py, &e))?;
    assignment_dict(py, a, (d, float, check))
}

/// Sparse assignment of a CSR matrix given by its arrays (`_duijie.solve_sparse`).
#[pyfunction]
#[allow(clippy::too_many_arguments)] // the Python call's keyword arguments
#[pyo3(signature = (shape, indptr, indices, data, maximize = false, decimals = None, check = true))]
pub fn solve_sparse<'py>(
    py: Python<'py>,
    shape: (usize, usize),
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    data: &Bound<'py, PyAny>,
    maximize: bool,
    decimals: Option<u32>,
    check: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let how = how(maximize, check);
    let (p, ix) = (indptr.as_array(), indices.as_array());
    let solved = if let Ok(x) = data.extract::<PyReadonlyArray1<'py, f64>>() {
        let data = CsrData::Float(x.as_array());
        py.detach(|| sparse_csr(shape, p, ix, &data, how, decimals))
            .map(|(a, d)| (a, d, true))
    } else if let Ok(x) = data.extract::<PyReadonlyArray1<'py, i64>>() {
        let data = CsrData::Int(x.as_array());
        py.detach(|| sparse_csr(shape, p, ix, &data, how, None))
            .map(|(a, d)| (a, d, false))
    } else {
        return Err(InvalidInputError::new_err(
            "the matrix's values must be float64 or int64",
        ));
    };
    let (a, d, float) = solved.map_err(|e| allocate_error(py, &e))?;
    assignment_dict(py, a, (d, float, check))
}

/// Minimum-cost flow on arc arrays (`_duijie.min_cost_flow`).
#[pyfunction]
pub fn min_cost_flow<'py>(
    py: Python<'py>,
    tails: PyReadonlyArray1<'py, i64>,
    heads: PyReadonlyArray1<'py, i64>,
    lower: PyReadonlyArray1<'py, i64>,
    upper: PyReadonlyArray1<'py, i64>,
    cost: PyReadonlyArray1<'py, i64>,
    supply: PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, PyDict>> {
    let arcs = [
        ("tails", tails.as_array()),
        ("heads", heads.as_array()),
        ("lower", lower.as_array()),
        ("upper", upper.as_array()),
        ("cost", cost.as_array()),
    ];
    let m = arcs[0].1.len();
    if let Some((name, a)) = arcs.iter().find(|(_, a)| a.len() != m) {
        return Err(InvalidInputError::new_err(format!(
            "tails has {m} entries but {name} has {}: every arc array needs one entry per arc",
            a.len()
        )));
    }
    let supply: Vec<i64> = supply.as_array().to_vec();
    let n = supply.len();
    let node = |k: usize, which: &str, v: i64| {
        u32::try_from(v)
            .ok()
            .filter(|&u| (u as usize) < n)
            .ok_or_else(|| {
                InvalidInputError::new_err(format!(
                    "arc {k}: {which} {v} is not a node (the supply array has {n} nodes, 0..{n})"
                ))
            })
    };
    let mut net = FlowNetwork::new(supply);
    let [t, h, lo, up, c] = arcs.map(|(_, a)| a);
    for k in 0..m {
        let (tail, head) = (node(k, "tail", t[k])?, node(k, "head", h[k])?);
        net.add_arc(tail, head, lo[k], up[k], c[k])
            .map_err(|e| allocate_error(py, &e))?;
    }
    let solved = py.detach(|| {
        let s = allocate::min_cost_flow(&net)?;
        allocate::verify_flow(&net, &s).map_err(|e| certificate_failed("flow", e))?;
        Ok::<_, AllocateError>(s)
    });
    let s = solved.map_err(|e| allocate_error(py, &e))?;
    let d = PyDict::new(py);
    d.set_item("flow", s.flow.into_pyarray(py))?;
    d.set_item("potential", s.potential.into_pyarray(py))?;
    d.set_item("cost", s.cost)?;
    d.set_item("status", status_name(s.status))?;
    d.set_item("algorithm", s.algorithm.name())?;
    d.set_item("certificate_checked", true)?;
    Ok(d)
}
