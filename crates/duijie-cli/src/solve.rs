//! `duijie solve FILE`: one instance, solved, its certificate checked, timings reported.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use duijie::allocate::{
    self, Algorithm, AllocateError, CostMatrix, Sense, Status, check_assignment, verify_assignment,
    verify_flow,
};
use duijie_store::dimacs::{AssignmentMatrix, Instance, parse_dimacs, parse_matrix_csv};

struct Outcome {
    objective: i128,
    status: Status,
    algorithm: Algorithm,
    size: String,
    verified: bool,
    solution: Solution,
}

/// The solution in the input's own numbering: DIMACS node ids as the file gives them (from 1),
/// a CSV matrix's rows and columns by position from 0 (as numpy and scipy index them).
enum Solution {
    /// Assigned `(row, column, cost)` and each row's and column's dual potential.
    Assignment {
        pairs: Vec<(u64, u64, i64)>,
        rows: Vec<(u64, i64)>,
        cols: Vec<(u64, i64)>,
    },
    /// `(arc number from 1 in file order, tail, head, flow, cost)` of every arc with flow, and
    /// each node's potential.
    Flow {
        arcs: Vec<(usize, u64, u64, i64, i64)>,
        nodes: Vec<(u64, i64)>,
    },
}

impl Solution {
    fn of_assignment(
        a: &allocate::Assignment,
        matrix: CostMatrix<'_>,
        row_id: &dyn Fn(usize) -> u64,
        col_id: &dyn Fn(usize) -> u64,
    ) -> Solution {
        let cost = |i: usize, j: usize| matrix.get(i, j).unwrap_or(0);
        Solution::Assignment {
            pairs: a
                .row_to_col
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    c.map(|j| (row_id(i), col_id(j as usize), cost(i, j as usize)))
                })
                .collect(),
            rows: a
                .row_potential
                .iter()
                .enumerate()
                .map(|(i, &p)| (row_id(i), p))
                .collect(),
            cols: a
                .col_potential
                .iter()
                .enumerate()
                .map(|(j, &p)| (col_id(j), p))
                .collect(),
        }
    }

    /// The solution as CSV: `kind,row,col,value` (kinds `pair` with its cost, `row_potential`,
    /// `col_potential`) or `kind,arc,tail,head,value` (kinds `flow` with `cost` after it, and
    /// `potential` of a node in `tail`).
    fn csv(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        match self {
            Solution::Assignment { pairs, rows, cols } => {
                s.push_str("kind,row,col,value\n");
                for (i, j, c) in pairs {
                    let _ = writeln!(s, "pair,{i},{j},{c}");
                }
                for (i, p) in rows {
                    let _ = writeln!(s, "row_potential,{i},,{p}");
                }
                for (j, p) in cols {
                    let _ = writeln!(s, "col_potential,,{j},{p}");
                }
            }
            Solution::Flow { arcs, nodes } => {
                s.push_str("kind,arc,tail,head,value,cost\n");
                for (a, t, h, f, c) in arcs {
                    let _ = writeln!(s, "flow,{a},{t},{h},{f},{c}");
                }
                for (v, p) in nodes {
                    let _ = writeln!(s, "potential,,{v},,{p},");
                }
            }
        }
        s
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Solution::Assignment { pairs, rows, cols } => serde_json::json!({
                "pairs": pairs.iter().map(|(i, j, c)| serde_json::json!({"row": i, "col": j, "cost": c})).collect::<Vec<_>>(),
                "row_potential": rows.iter().map(|(i, p)| serde_json::json!({"row": i, "potential": p})).collect::<Vec<_>>(),
                "col_potential": cols.iter().map(|(j, p)| serde_json::json!({"col": j, "potential": p})).collect::<Vec<_>>(),
            }),
            Solution::Flow { arcs, nodes } => serde_json::json!({
                "flows": arcs.iter().map(|(a, t, h, f, c)| serde_json::json!({"arc": a, "tail": t, "head": h, "flow": f, "cost": c})).collect::<Vec<_>>(),
                "potential": nodes.iter().map(|(v, p)| serde_json::json!({"node": v, "potential": p})).collect::<Vec<_>>(),
            }),
        }
    }
}

impl Outcome {
    /// An assignment's outcome, its certificate checked against `matrix`; one a limit stopped
    /// must at least be feasible (otherwise it is a solver bug, reported as an error).
    fn of_assignment(
        a: &allocate::Assignment,
        matrix: CostMatrix<'_>,
        size: String,
        ids: (&dyn Fn(usize) -> u64, &dyn Fn(usize) -> u64),
    ) -> Result<Outcome, AllocateError> {
        // The certificate includes feasibility; only an uncertified answer is checked apart.
        let verified = verify_assignment(matrix, a).is_ok();
        if !verified {
            check_assignment(matrix, a).map_err(|source| AllocateError::CertificateFailed {
                what: "assignment feasibility".into(),
                source,
            })?;
        }
        Ok(Outcome {
            objective: a.objective,
            status: a.status,
            algorithm: a.algorithm,
            size,
            verified,
            solution: Solution::of_assignment(a, matrix, ids.0, ids.1),
        })
    }
}

fn number(v: i128) -> serde_json::Value {
    match i64::try_from(v) {
        Ok(i) => serde_json::json!(i),
        Err(_) => serde_json::json!(v.to_string()),
    }
}

/// Limits on the solve: an iteration cap and a time limit in seconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct SolveLimits {
    /// Most iterations: simplex pivots (flow), augmenting searches or auction bids
    /// (assignment).
    pub max_iterations: Option<u64>,
    /// Seconds of solving.
    pub time_limit: Option<f64>,
}

/// A witness's indices in the file's own numbering: DIMACS ids (nodes of a network from 1, an
/// assignment's row ids as listed), a CSV matrix's positions from 0.
fn file_ids(instance: &Instance, witness: &[u32]) -> Vec<u64> {
    witness
        .iter()
        .map(|&w| match instance {
            Instance::MinCostFlow(_) => u64::from(w) + 1,
            Instance::Assignment { row_ids, .. } => {
                row_ids.get(w as usize).copied().unwrap_or(u64::from(w))
            }
            Instance::Dense { .. } => u64::from(w),
        })
        .collect()
}

/// `duijie solve`: solves `file`, prints the result, and writes the solution to `solution`
/// (CSV) when given.
pub fn run(
    file: &Path,
    max: bool,
    decimals: u32,
    json: bool,
    lim: SolveLimits,
    solution: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let t0 = Instant::now();
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let is_csv = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let parsed = if is_csv {
        parse_matrix_csv(&text, decimals)
    } else {
        parse_dimacs(&text)
    };
    let instance = parsed.map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let parse_seconds = t0.elapsed().as_secs_f64();
    // Solve (timed), then check the certificate (not timed).
    let t1 = Instant::now();
    let mut solve_seconds = 0.0;
    let deadline = lim
        .time_limit
        .map(|s| t1 + std::time::Duration::from_secs_f64(s.max(0.0)));
    let past = move || deadline.is_some_and(|d| Instant::now() >= d);
    let limits = allocate::Limits {
        max_iterations: lim.max_iterations,
        stop: Some(&past),
    };
    let sense = if max { Sense::Max } else { Sense::Min };
    let result: Result<Outcome, AllocateError> = match &instance {
        Instance::MinCostFlow(net) => allocate::min_cost_flow_with(net, &limits).map(|s| {
            solve_seconds = t1.elapsed().as_secs_f64();
            Outcome {
                objective: s.cost,
                status: s.status,
                algorithm: s.algorithm,
                size: format!("{} nodes, {} arcs", net.nodes(), net.arcs().len()),
                verified: verify_flow(net, &s).is_ok(),
                solution: Solution::Flow {
                    arcs: net
                        .arcs()
                        .iter()
                        .zip(&s.flow)
                        .enumerate()
                        .filter(|(_, (_, f))| **f != 0)
                        .map(|(k, (a, &f))| {
                            (
                                k + 1,
                                u64::from(a.tail) + 1,
                                u64::from(a.head) + 1,
                                f,
                                a.cost,
                            )
                        })
                        .collect(),
                    nodes: s
                        .potential
                        .iter()
                        .enumerate()
                        .map(|(v, &p)| (v as u64 + 1, p))
                        .collect(),
                },
            }
        }),
        Instance::Assignment {
            matrix,
            row_ids,
            col_ids,
        } => {
            let r = allocate::solve_assignment(matrix.view(), sense, &limits);
            r.and_then(|a| {
                solve_seconds = t1.elapsed().as_secs_f64();
                let (rows, cols) = matrix.dim();
                let size = match matrix {
                    AssignmentMatrix::Sparse(m) => format!("{rows} × {cols}, {} pairs", m.nnz()),
                    AssignmentMatrix::Dense(d) => {
                        format!("{rows} × {cols}, every pair ({}-bit costs)", d.bits())
                    }
                };
                Outcome::of_assignment(&a, matrix.view(), size, (&|i| row_ids[i], &|j| col_ids[j]))
            })
        }
        Instance::Dense { matrix, .. } => {
            let r = allocate::solve_assignment(matrix.view(), sense, &limits);
            r.and_then(|a| {
                solve_seconds = t1.elapsed().as_secs_f64();
                let (rows, cols) = matrix.dim();
                let size = format!("{rows} × {cols} dense ({}-bit costs)", matrix.bits());
                Outcome::of_assignment(&a, matrix.view(), size, (&|i| i as u64, &|j| j as u64))
            })
        }
    };
    if result.is_err() {
        solve_seconds = t1.elapsed().as_secs_f64();
    }
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            if json {
                let (status, witness) = match &e {
                    // DIMACS files number nodes from 1; the witness uses the file's numbering.
                    AllocateError::Infeasible { witness, .. } => (
                        "infeasible",
                        serde_json::json!(file_ids(&instance, witness)),
                    ),
                    AllocateError::Unbalanced { .. } => ("unbalanced", serde_json::Value::Null),
                    AllocateError::NumericRange { .. } => {
                        ("numeric_range", serde_json::Value::Null)
                    }
                    AllocateError::LimitReached { .. } => {
                        ("limit_reached", serde_json::Value::Null)
                    }
                    _ => ("invalid", serde_json::Value::Null),
                };
                // The message without the library's witness (counted from 0): `witness` holds it
                // in the file's numbering.
                let message = match &e {
                    AllocateError::Infeasible { message, .. } => format!("infeasible: {message}"),
                    e => e.to_string(),
                };
                let v = serde_json::json!({"status": status, "message": message, "witness": witness,
                    "parse_seconds": parse_seconds, "solve_seconds": solve_seconds});
                outln!("{}", serde_json::to_string_pretty(&v)?)?;
            } else if let AllocateError::Infeasible { message, witness } = &e {
                // The witness in the file's numbering only (the library's message counts from 0).
                let ids = file_ids(&instance, witness);
                let mut shown = String::new();
                allocate::write_list(&mut shown, &ids, allocate::WITNESS_SHOWN)?;
                eprintln!("{}: infeasible: {message}", file.display());
                eprintln!(
                    "witness, in the file's numbering ({} in all{}): {shown}",
                    ids.len(),
                    if ids.len() > allocate::WITNESS_SHOWN {
                        "; every one with --json or --solution FILE"
                    } else {
                        ""
                    }
                );
            } else {
                eprintln!("{}: {e}", file.display());
            }
            if let (Some(path), AllocateError::Infeasible { witness, .. }) = (solution, &e) {
                let mut csv = String::from("kind,id\n");
                for id in file_ids(&instance, witness) {
                    csv.push_str(&format!("witness,{id}\n"));
                }
                duijie_export::write_atomic(path, csv.as_bytes())?;
            }
            return Ok(ExitCode::from(1));
        }
    };
    let verified = outcome.verified;
    let decimals_used = match &instance {
        Instance::Dense { decimals, .. } => *decimals,
        _ => 0,
    };
    let status = match outcome.status {
        Status::Optimal => "optimal",
        Status::Heuristic => "heuristic",
        Status::LimitReached => "limit_reached",
        _ => "other",
    };
    let stopped = outcome.status == Status::LimitReached;
    if let Some(path) = solution {
        duijie_export::write_atomic(path, outcome.solution.csv().as_bytes())?;
    }
    if json {
        let v = serde_json::json!({
            "objective": number(outcome.objective),
            "status": status,
            "solve_seconds": solve_seconds,
            "parse_seconds": parse_seconds,
            "algorithm": outcome.algorithm.name(),
            "certificate_checked": verified,
            "instance": outcome.size,
            "fixed_point_decimals": decimals_used,
            "solution": outcome.solution.json(),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        outln!("{}: {}", file.display(), outcome.size)?;
        outln!(
            "objective {} ({status}, {}, certificate {})",
            outcome.objective,
            outcome.algorithm.name(),
            if verified {
                "checked"
            } else if stopped {
                "not available: stopped by the limit, the answer is feasible but not proven optimal"
            } else {
                "FAILED"
            }
        )?;
        if decimals_used > 0 {
            outln!(
                "fixed point: {decimals_used} decimal places (objective in units of 1e-{decimals_used})"
            )?;
        }
        outln!("parse {parse_seconds:.6} s, solve {solve_seconds:.6} s")?;
        if let Some(path) = solution {
            outln!("solution written to {}", path.display())?;
        }
    }
    Ok(if verified {
        ExitCode::SUCCESS
    } else if stopped {
        ExitCode::from(3)
    } else {
        ExitCode::from(1)
    })
}
