//! Solver instances from files: the DIMACS formats LEMON and the DIMACS challenges use —
//! minimum-cost flow (`p min`) and assignment (`p asn`) — and dense matrices as CSV.
//!
//! Parsing reads straight into the solvers' final buffers. Every error names its line.

use duijie::allocate::{CostMatrix, DenseMatrix, FlowNetwork, SparseMatrix, fixed_point_matrix};

/// A parse error, with the 1-based line where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceError {
    /// 1-based line (0 when the problem is with the file as a whole).
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for InstanceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for InstanceError {}

/// An instance read from a file.
#[derive(Clone, Debug)]
pub enum Instance {
    /// `p min`: a minimum-cost flow network (nodes renumbered from 0).
    MinCostFlow(FlowNetwork),
    /// `p asn`: an assignment between the `n`-listed nodes (rows, in file order) and the other
    /// nodes (columns, in id order); minimise the total cost.
    Assignment {
        /// Costs of the allowed pairs: dense (narrowest width) when every row–column pair is
        /// listed and there are no more rows than columns, else sparse.
        matrix: AssignmentMatrix,
        /// The DIMACS id of each row.
        row_ids: Vec<u64>,
        /// The DIMACS id of each column.
        col_ids: Vec<u64>,
    },
    /// A dense matrix (CSV), in fixed point when it held decimals.
    Dense {
        /// The matrix, as integers in the narrowest width that holds them.
        matrix: DenseMatrix,
        /// Decimal places kept when the file held decimals (`0` for integers).
        decimals: u32,
    },
}

/// The costs of a `p asn` file, in the form its solver runs fastest on.
#[derive(Clone, Debug)]
pub enum AssignmentMatrix {
    /// Some pairs are missing (or rows outnumber columns): the sparse solver.
    Sparse(SparseMatrix),
    /// Every pair is listed and rows ≤ columns: the dense solver (the same answer; complete
    /// instances run several times faster on it).
    Dense(DenseMatrix),
}

impl AssignmentMatrix {
    /// The matrix as solver input.
    pub fn view(&self) -> CostMatrix<'_> {
        match self {
            AssignmentMatrix::Sparse(m) => CostMatrix::Sparse(m),
            AssignmentMatrix::Dense(m) => m.view(),
        }
    }

    /// Rows and columns.
    pub fn dim(&self) -> (usize, usize) {
        match self {
            AssignmentMatrix::Sparse(m) => (m.rows(), m.cols()),
            AssignmentMatrix::Dense(m) => m.dim(),
        }
    }
}

/// Integers gathered in 32 bits until one does not fit, then in 64: a reader's values land in
/// the narrowest buffer without a second pass.
enum Ints {
    Narrow(Vec<i32>),
    Wide(Vec<i64>),
}

impl Ints {
    fn with_capacity(n: usize) -> Self {
        Ints::Narrow(Vec::with_capacity(n))
    }

    fn push(&mut self, v: i64) {
        match self {
            Ints::Narrow(a) => match i32::try_from(v) {
                Ok(x) => a.push(x),
                Err(_) => {
                    let mut w: Vec<i64> = Vec::with_capacity(a.capacity());
                    w.extend(a.iter().map(|&x| i64::from(x)));
                    w.push(v);
                    *self = Ints::Wide(w);
                }
            },
            Ints::Wide(a) => a.push(v),
        }
    }

    fn len(&self) -> usize {
        match self {
            Ints::Narrow(a) => a.len(),
            Ints::Wide(a) => a.len(),
        }
    }

    fn as_f64(&self) -> Vec<f64> {
        #[allow(clippy::cast_precision_loss)]
        match self {
            Ints::Narrow(a) => a.iter().map(|&x| f64::from(x)).collect(),
            Ints::Wide(a) => a.iter().map(|&x| x as f64).collect(),
        }
    }

    fn into_matrix(self, rows: usize, cols: usize) -> Result<DenseMatrix, InstanceError> {
        let shape = |e: ndarray::ShapeError| InstanceError {
            line: 0,
            message: e.to_string(),
        };
        Ok(match self {
            Ints::Narrow(a) => {
                DenseMatrix::I32(ndarray::Array2::from_shape_vec((rows, cols), a).map_err(shape)?)
            }
            Ints::Wide(a) => {
                DenseMatrix::I64(ndarray::Array2::from_shape_vec((rows, cols), a).map_err(shape)?)
            }
        })
    }
}

/// The most memory an instance read from a file may need (bytes): 8 GiB, a third of the
/// 24 GiB machines duijie is measured on.
pub const MEMORY_BUDGET: u64 = 8 << 30;

fn err<T>(line: u64, message: impl Into<String>) -> Result<T, InstanceError> {
    Err(InstanceError {
        line,
        message: message.into(),
    })
}

fn int(line: u64, field: &str, what: &str) -> Result<i64, InstanceError> {
    field
        .parse::<i64>()
        .or_else(|_| err(line, format!("{what} {field:?} is not a 64-bit integer")))
}

fn node(line: u64, field: &str, nodes: u64) -> Result<usize, InstanceError> {
    let id: u64 = field
        .parse()
        .or_else(|_| err(line, format!("node id {field:?} is not a positive integer")))?;
    if id == 0 || id > nodes {
        return err(line, format!("node {id} is outside 1..={nodes}"));
    }
    usize::try_from(id - 1).or_else(|_| err(line, "node id too large"))
}

/// Parses DIMACS text (`p min` or `p asn`).
///
/// # Errors
/// An [`InstanceError`] with the line of the first malformed, out-of-range or inconsistent
/// line: a missing or repeated problem line, an unknown line type, more arcs than declared, a
/// node id out of range, a lower bound above its capacity, a number that does not fit `i64`.
pub fn parse_dimacs(text: &str) -> Result<Instance, InstanceError> {
    let mut kind: Option<(&str, u64, u64)> = None;
    let mut supply: Vec<i64> = Vec::new();
    let mut net: Option<FlowNetwork> = None;
    let mut asn_rows: Vec<u64> = Vec::new();
    let mut asn_is_row: Vec<bool> = Vec::new();
    let mut asn_arcs: Vec<(u32, u32, i64)> = Vec::new();
    let mut arcs_seen = 0u64;
    for (k, raw) in text.lines().enumerate() {
        let line = k as u64 + 1;
        let mut f = raw.split_ascii_whitespace();
        let Some(tag) = f.next() else { continue };
        // A line's fields without allocating: at most 6 are ever needed (one more shows a
        // line too long for its kind).
        let mut fields = [""; 6];
        let mut count = 0;
        for x in f.by_ref().take(fields.len()) {
            fields[count] = x;
            count += 1;
        }
        let rest = &fields[..count];
        match tag {
            "c" => {}
            "p" => {
                if kind.is_some() {
                    return err(line, "a second problem line");
                }
                let [p, n, m] = rest[..] else {
                    return err(line, "expected `p min|asn NODES ARCS`");
                };
                if p != "min" && p != "asn" {
                    return err(
                        line,
                        format!("problem type {p:?}: duijie reads `min` and `asn`"),
                    );
                }
                let n: u64 = n
                    .parse()
                    .or_else(|_| err(line, format!("node count {n:?} is not a number")))?;
                let m: u64 = m
                    .parse()
                    .or_else(|_| err(line, format!("arc count {m:?} is not a number")))?;
                if n > u64::from(u32::MAX) || m > (1 << 34) {
                    return err(
                        line,
                        format!("{n} nodes and {m} arcs are more than duijie takes"),
                    );
                }
                // Refuse before allocating: the simplex keeps about 96 bytes a node (with its
                // artificial arc) and 80 an arc (with the arc list it is built from).
                let need = n.saturating_mul(96).saturating_add(m.saturating_mul(80));
                if need > MEMORY_BUDGET {
                    return err(
                        line,
                        format!(
                            "{n} nodes and {m} arcs would need about {} GiB, more than the {} GiB duijie allows itself",
                            need >> 30,
                            MEMORY_BUDGET >> 30
                        ),
                    );
                }
                let nu = usize::try_from(n).or_else(|_| err(line, "too many nodes"))?;
                if p == "min" {
                    supply = vec![0; nu];
                } else {
                    asn_is_row = vec![false; nu];
                }
                kind = Some((if p == "min" { "min" } else { "asn" }, n, m));
            }
            "n" => {
                let Some((p, n, _)) = kind else {
                    return err(line, "a node line before the problem line");
                };
                if net.is_some() || arcs_seen > 0 {
                    return err(line, "node lines must come before arc lines");
                }
                if p == "min" {
                    let [id, b] = rest[..] else {
                        return err(line, "expected `n ID SUPPLY`");
                    };
                    let v = node(line, id, n)?;
                    supply[v] =
                        supply[v]
                            .checked_add(int(line, b, "supply")?)
                            .ok_or(InstanceError {
                                line,
                                message: "supply overflows".into(),
                            })?;
                } else {
                    let [id] = rest[..] else {
                        return err(line, "expected `n ID`");
                    };
                    let v = node(line, id, n)?;
                    if asn_is_row[v] {
                        return err(line, format!("node {id} is listed twice"));
                    }
                    asn_is_row[v] = true;
                    asn_rows.push(v as u64 + 1);
                }
            }
            "a" => {
                let Some((p, n, m)) = kind else {
                    return err(line, "an arc line before the problem line");
                };
                arcs_seen += 1;
                if arcs_seen > m {
                    return err(line, format!("more arcs than the {m} declared"));
                }
                if p == "min" {
                    let [t, h, lo, cap, cost] = rest[..] else {
                        return err(line, "expected `a SRC DST LOW CAP COST`");
                    };
                    let (t, h) = (node(line, t, n)?, node(line, h, n)?);
                    let (lo, cap, cost) = (
                        int(line, lo, "lower bound")?,
                        int(line, cap, "capacity")?,
                        int(line, cost, "cost")?,
                    );
                    let net =
                        net.get_or_insert_with(|| FlowNetwork::new(std::mem::take(&mut supply)));
                    net.add_arc(t as u32, h as u32, lo, cap, cost)
                        .or_else(|e| err(line, e.to_string()))?;
                } else {
                    let [t, h, cost] = rest[..] else {
                        return err(line, "expected `a SRC DST COST`");
                    };
                    // Node ids fit u32: the problem line allows at most u32::MAX nodes.
                    asn_arcs.push((
                        node(line, t, n)? as u32,
                        node(line, h, n)? as u32,
                        int(line, cost, "cost")?,
                    ));
                }
            }
            other => {
                return err(
                    line,
                    format!("unknown line type {other:?} (expected c, p, n or a)"),
                );
            }
        }
    }
    let Some((p, _, m)) = kind else {
        return err(0, "no problem line (`p min` or `p asn`)");
    };
    if arcs_seen != m {
        return err(
            0,
            format!("{arcs_seen} arcs, but the problem line declares {m}"),
        );
    }
    if p == "min" {
        return Ok(Instance::MinCostFlow(
            net.unwrap_or_else(|| FlowNetwork::new(supply)),
        ));
    }
    // Rows: the `n` nodes in file order; columns: the others in id order.
    let mut row_of = vec![u32::MAX; asn_is_row.len()];
    for (r, &id) in asn_rows.iter().enumerate() {
        row_of[(id - 1) as usize] = r as u32;
    }
    let mut col_ids = Vec::new();
    let mut col_of = vec![u32::MAX; asn_is_row.len()];
    for (v, &is_row) in asn_is_row.iter().enumerate() {
        if !is_row {
            col_of[v] = col_ids.len() as u32;
            col_ids.push(v as u64 + 1);
        }
    }
    let (rows, cols) = (asn_rows.len(), col_ids.len());
    // The arcs become (row, column, cost) entries in place.
    let mut entries = asn_arcs;
    for (k, e) in entries.iter_mut().enumerate() {
        let (t, h) = (e.0 as usize, e.1 as usize);
        if row_of[t] == u32::MAX || col_of[h] == u32::MAX {
            return err(
                0,
                format!(
                    "arc {} ({} → {}) must go from an `n` node to another node",
                    k + 1,
                    t + 1,
                    h + 1
                ),
            );
        }
        *e = (row_of[t], col_of[h], e.2);
    }
    let matrix = match complete(rows, cols, &entries) {
        Some(dense) => AssignmentMatrix::Dense(dense),
        None => AssignmentMatrix::Sparse(
            SparseMatrix::new(rows, cols, entries).or_else(|e| err(0, e.to_string()))?,
        ),
    };
    Ok(Instance::Assignment {
        matrix,
        row_ids: asn_rows,
        col_ids,
    })
}

/// The dense matrix of `entries` when they list every pair of `rows × cols` once and
/// `rows ≤ cols` (the dense solver then gives the sparse one's answer), else `None`.
fn complete(rows: usize, cols: usize, entries: &[(u32, u32, i64)]) -> Option<DenseMatrix> {
    if rows == 0 || rows > cols || entries.len() != rows.checked_mul(cols)? {
        return None;
    }
    // One pass for the width, one to place the entries; a pair listed twice is left to the
    // sparse reader, which names it.
    let mut seen = vec![false; entries.len()];
    let place = |k: usize, seen: &mut [bool]| !std::mem::replace(&mut seen[k], true);
    let at = |i: u32, j: u32| i as usize * cols + j as usize;
    let ints = if entries.iter().all(|e| i32::try_from(e.2).is_ok()) {
        let mut full = vec![0i32; entries.len()];
        for &(i, j, c) in entries {
            if !place(at(i, j), &mut seen) {
                return None;
            }
            full[at(i, j)] = c as i32;
        }
        Ints::Narrow(full)
    } else {
        let mut full = vec![0i64; entries.len()];
        for &(i, j, c) in entries {
            if !place(at(i, j), &mut seen) {
                return None;
            }
            full[at(i, j)] = c;
        }
        Ints::Wide(full)
    };
    ints.into_matrix(rows, cols).ok()
}

/// Parses a dense matrix from CSV text: one row per line, comma-separated numbers, no header.
/// Integers are kept exactly; when any entry has a fraction or exponent the whole matrix is read
/// as floats and converted to fixed point with `decimals` places.
///
/// # Errors
/// An [`InstanceError`] with the line of a ragged row, an empty cell, a non-number, NaN or
/// infinity, or a value out of range.
pub fn parse_matrix_csv(text: &str, decimals: u32) -> Result<Instance, InstanceError> {
    // About one entry per four bytes of text: a first guess at the buffer's size.
    let mut ints = Ints::with_capacity(text.len() / 4);
    let mut floats: Vec<f64> = Vec::new();
    let mut all_int = true;
    let mut rows = 0usize;
    let mut cols: Option<usize> = None;
    for (k, raw) in text.lines().enumerate() {
        let line = k as u64 + 1;
        let raw = raw.trim_start_matches('\u{feff}').trim();
        if raw.is_empty() {
            continue;
        }
        let mut n = 0usize;
        for cell in raw.split(',') {
            let cell = cell.trim();
            n += 1;
            if all_int {
                if let Ok(v) = cell.parse::<i64>() {
                    ints.push(v);
                    continue;
                }
                all_int = false;
                floats = ints.as_f64();
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => floats.push(v),
                Ok(v) => return err(line, format!("column {n}: {v} is not a finite number")),
                Err(_) => return err(line, format!("column {n}: {cell:?} is not a number")),
            }
        }
        match cols {
            None => cols = Some(n),
            Some(c) if c != n => {
                return err(line, format!("{n} columns, but the first row has {c}"));
            }
            _ => {}
        }
        rows += 1;
    }
    let cols = cols.unwrap_or(0);
    if all_int {
        debug_assert_eq!(ints.len(), rows * cols);
        return Ok(Instance::Dense {
            matrix: ints.into_matrix(rows, cols)?,
            decimals: 0,
        });
    }
    let f =
        ndarray::Array2::from_shape_vec((rows, cols), floats).or_else(|e| err(0, e.to_string()))?;
    let (matrix, p) = fixed_point_matrix(f.view(), decimals).or_else(|e| err(0, e.to_string()))?;
    Ok(Instance::Dense {
        matrix: DenseMatrix::narrowest(matrix),
        decimals: p.decimals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_cost_flow_files_parse_with_lower_bounds_and_comments() {
        let t = "c example\np min 3 2\nn 1 2\nn 3 -2\na 1 2 0 5 3\na 2 3 1 4 1\n";
        let Instance::MinCostFlow(net) = parse_dimacs(t).unwrap() else {
            panic!()
        };
        assert_eq!(net.supply(), &[2, 0, -2]);
        assert_eq!(net.arcs().len(), 2);
        assert_eq!((net.arcs()[1].lower, net.arcs()[1].upper), (1, 4));
    }

    #[test]
    fn assignment_files_parse_rows_and_columns() {
        let t = "p asn 4 3\nn 1\nn 2\na 1 3 5\na 1 4 2\na 2 3 1\n";
        let Instance::Assignment {
            matrix,
            row_ids,
            col_ids,
        } = parse_dimacs(t).unwrap()
        else {
            panic!()
        };
        assert_eq!((row_ids, col_ids), (vec![1, 2], vec![3, 4]));
        assert!(matches!(matrix, AssignmentMatrix::Sparse(_)));
        assert_eq!(matrix.view().get(0, 1), Some(2));
        // Every pair listed: the dense solver's form, 32-bit when the costs fit, 64 otherwise.
        let t = "p asn 4 4\nn 1\nn 2\na 1 3 5\na 1 4 2\na 2 3 1\na 2 4 7\n";
        let Instance::Assignment { matrix, .. } = parse_dimacs(t).unwrap() else {
            panic!()
        };
        let AssignmentMatrix::Dense(d) = &matrix else {
            panic!("{matrix:?}")
        };
        assert_eq!((d.bits(), matrix.view().get(1, 1)), (32, Some(7)));
        let t = t.replace("a 2 4 7", "a 2 4 7000000000");
        let Instance::Assignment { matrix, .. } = parse_dimacs(&t).unwrap() else {
            panic!()
        };
        assert!(matches!(&matrix, AssignmentMatrix::Dense(d) if d.bits() == 64));
    }

    #[test]
    fn hostile_dimacs_gives_errors_with_lines() {
        for (text, line) in [
            ("a 1 2 0 1 1\n", 1),
            ("p min 2 1\np min 2 1\n", 2),
            ("p min 2 1\na 1 3 0 1 1\n", 2),
            ("p min 2 1\na 1 2 2 1 1\n", 2),
            ("p min 2 1\na 1 2 0 1 99999999999999999999\n", 2),
            ("p min 2 0\nx\n", 2),
            ("p min 2 1\na 1 2 0 1 1\na 1 2 0 1 1\n", 3),
            ("p max 2 1\n", 1),
            ("p asn 2 1\nn 1\nn 1\n", 3),
        ] {
            let e = parse_dimacs(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
        }
        assert_eq!(parse_dimacs("c nothing\n").unwrap_err().line, 0);
        // Found by the `dimacs` fuzz target: a 21-byte file declaring 3·10⁸ nodes made the
        // parser allocate 2.4 GB before reading a single node line.
        let e = parse_dimacs("p min 299999999 2\n\u{1}\u{8}\n").unwrap_err();
        assert!(e.message.contains("GiB"), "{e}");
        assert_eq!(
            parse_dimacs("p min 2 2\na 1 2 0 1 1\n").unwrap_err().line,
            0
        );
    }

    #[test]
    fn matrices_parse_as_integers_or_fixed_point() {
        let Instance::Dense { matrix, decimals } = parse_matrix_csv("1,2\n3,4\n", 6).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (matrix.view().get(1, 0), decimals, matrix.bits()),
            (Some(3), 0, 32)
        );
        // A value past 32 bits midway widens what was read so far.
        let Instance::Dense { matrix, .. } =
            parse_matrix_csv("1,2\n3,4000000000\n5,6\n", 6).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (
                matrix.view().get(1, 1),
                matrix.view().get(2, 0),
                matrix.bits()
            ),
            (Some(4_000_000_000), Some(5), 64)
        );
        let Instance::Dense { matrix, decimals } = parse_matrix_csv("0.5,2\n3,4.25\n", 2).unwrap()
        else {
            panic!()
        };
        let v = matrix.view();
        assert_eq!(
            (v.get(0, 0), v.get(1, 1), decimals),
            (Some(50), Some(425), 2)
        );
        assert_eq!(parse_matrix_csv("1,2\n3\n", 6).unwrap_err().line, 2);
        assert_eq!(parse_matrix_csv("1,NaN\n", 6).unwrap_err().line, 1);
        assert_eq!(parse_matrix_csv("1,x\n", 6).unwrap_err().line, 1);
    }
}
