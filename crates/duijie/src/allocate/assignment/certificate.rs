//! Certificates of an assignment: feasibility ([`check_assignment`]) and optimality by its
//! dual potentials ([`verify_assignment`]).

use super::*;
/// Checks an assignment's feasibility only: only allowed pairs, each row and column at most
/// once, the shorter side fully assigned, and the objective recomputed exactly. Any assignment,
/// including one a [`Limits`] stopped ([`Status::LimitReached`]), must pass. O(n + m).
///
/// # Errors
/// A [`CertificateError`] naming the first violation.
pub fn check_assignment(matrix: CostMatrix<'_>, a: &Assignment) -> Result<(), CertificateError> {
    let (n, m) = matrix.dim();
    let fail = |msg: String| Err(CertificateError::new(msg));
    if a.row_to_col.len() != n || a.col_to_row.len() != m {
        return fail("assignment has the wrong dimensions".into());
    }
    let mut objective: i128 = 0;
    let mut assigned = 0usize;
    for (i, c) in a.row_to_col.iter().enumerate() {
        if let Some(j) = *c {
            let j = j as usize;
            if j >= m || a.col_to_row[j] != u32::try_from(i).ok() {
                return fail(format!("row {i} and column {j} disagree"));
            }
            let Some(w) = matrix.get(i, j) else {
                return fail(format!("pair ({i}, {j}) is not allowed"));
            };
            objective += i128::from(w);
            assigned += 1;
        }
    }
    if a.col_to_row.iter().filter(|r| r.is_some()).count() != assigned {
        return fail("a column names a row that does not name it".into());
    }
    if assigned != n.min(m) {
        return fail(format!("{assigned} pairs assigned, {} expected", n.min(m)));
    }
    if objective != a.objective {
        return fail(format!(
            "reported objective {} but the pairs sum to {objective}",
            a.objective
        ));
    }
    Ok(())
}

/// Dual feasibility of every pair of a dense matrix and tightness of the assigned ones, a row at
/// a time: one branch-free pass over the row finds whether any pair is violated (the common case
/// is none), and only then does `check_pair` find and name it.
fn dense_feasible<T: DenseCost>(
    d: ArrayView2<'_, T>,
    a: &Assignment,
    check_pair: impl Fn(usize, usize, i64) -> Result<(), CertificateError>,
) -> Result<(), CertificateError> {
    let max = a.sense == Sense::Max;
    // c_ij − v_j in saturating i64 compares with u_i exactly as in i128 unless a potential sits
    // at the very end of the range (a saturated difference lies beyond every other potential);
    // the first pass below is only a filter either way, every reported pair is rechecked.
    let extreme = |p: &i64| *p == i64::MIN || *p == i64::MAX;
    if a.row_potential.iter().chain(&a.col_potential).any(extreme) {
        for ((i, j), &w) in d.indexed_iter() {
            check_pair(i, j, w.wide())?;
        }
        return Ok(());
    }
    for (i, row) in d.rows().into_iter().enumerate() {
        let u = a.row_potential[i];
        // Minimisation: u_i + v_j ≤ c_ij, i.e. c_ij − v_j ≥ u_i (maximisation: ≤).
        let violated = |w: T, v: i64| {
            let r = w.wide().saturating_sub(v);
            if max { r > u } else { r < u }
        };
        let any = match row.as_slice() {
            Some(ws) => ws
                .iter()
                .zip(&a.col_potential)
                .fold(false, |acc, (&w, &v)| acc | violated(w, v)),
            None => row
                .iter()
                .zip(&a.col_potential)
                .fold(false, |acc, (&w, &v)| acc | violated(w, v)),
        };
        if any {
            for (j, &w) in row.iter().enumerate() {
                check_pair(i, j, w.wide())?;
            }
        }
        if let Some(j) = a.row_to_col[i] {
            let j = j as usize;
            check_pair(i, j, row[j].wide())?;
        }
    }
    Ok(())
}

/// Checks an assignment and its potentials against the instance: only allowed pairs, each row
/// and column at most once, the shorter side fully assigned, the recomputed objective, dual
/// feasibility on every allowed pair, equality on assigned pairs, sign and zero conditions on the
/// longer side, and strong duality. All sums exact (`i128`).
///
/// Passing proves the assignment optimal. O(allowed pairs) time.
///
/// # Errors
/// A [`CertificateError`] naming the first condition that fails.
pub fn verify_assignment(matrix: CostMatrix<'_>, a: &Assignment) -> Result<(), CertificateError> {
    check_assignment(matrix, a)?;
    let (n, m) = matrix.dim();
    let fail = |msg: String| Err(CertificateError::new(msg));
    if a.row_potential.len() != n || a.col_potential.len() != m {
        return fail("potentials have the wrong dimensions".into());
    }
    let objective = a.objective;
    let s: i128 = if a.sense == Sense::Max { -1 } else { 1 };
    // In minimisation terms: s·u_i + s·v_j ≤ s·c_ij.
    let check_pair = |i: usize, j: usize, w: i64| -> Result<(), CertificateError> {
        let lhs = s * (i128::from(a.row_potential[i]) + i128::from(a.col_potential[j]));
        let rhs = s * i128::from(w);
        if lhs > rhs {
            return Err(CertificateError::new(format!(
                "pair ({i}, {j}): potentials violate dual feasibility"
            )));
        }
        if a.row_to_col[i] == u32::try_from(j).ok() && lhs != rhs {
            return Err(CertificateError::new(format!(
                "assigned pair ({i}, {j}) is not tight"
            )));
        }
        Ok(())
    };
    match matrix {
        CostMatrix::Dense(d) => dense_feasible(d, a, check_pair)?,
        CostMatrix::Dense32(d) => dense_feasible(d, a, check_pair)?,
        CostMatrix::Sparse(sp) => {
            for i in 0..n {
                for (j, w) in sp.row(i) {
                    check_pair(i, j as usize, w)?;
                }
            }
        }
    }
    // The longer side: potentials ≤ 0 (min sense), zero where unassigned.
    let longer: Option<(&[i64], &[Option<u32>])> = if n < m {
        Some((&a.col_potential, &a.col_to_row))
    } else if n > m {
        Some((&a.row_potential, &a.row_to_col))
    } else {
        None
    };
    if let Some((pot, asg)) = longer {
        for (k, (&p, who)) in pot.iter().zip(asg).enumerate() {
            let p = s * i128::from(p);
            if p > 0 || (who.is_none() && p != 0) {
                return fail(format!(
                    "potential {k} on the longer side breaks its sign condition"
                ));
            }
        }
    }
    let dual: i128 = a.row_potential.iter().map(|&p| i128::from(p)).sum::<i128>()
        + a.col_potential.iter().map(|&p| i128::from(p)).sum::<i128>();
    if dual != objective {
        return fail(format!(
            "dual objective {dual} ≠ primal objective {objective}"
        ));
    }
    Ok(())
}
