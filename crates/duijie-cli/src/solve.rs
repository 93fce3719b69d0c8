//! `duijie solve FILE`: one instance, solved, its certificate checked, timings reported.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use duijie::allocate::{
    self, Algorithm, AllocateError, CostMatrix, Sense, Status, check_assignment, verify_assignment,
    verify_flow,
};
use duijie_store::dimacs::{Instance, parse_dimacs, parse_matrix_csv};

struct Outcome {
    objective: i128,
    status: Status,
    algorithm: Algorithm,
    size: String,
    verified: bool,
}

impl Outcome {
    /// An assignment's outcome, its certificate checked against `matrix`; one a limit stopped
    /// must at least be feasible (otherwise it is a solver bug, reported as an error).
    fn of_assignment(
        a: &allocate::Assignment,
        matrix: CostMatrix<'_>,
        size: String,
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

pub fn run(
    file: &Path,
    max: bool,
    decimals: u32,
    json: bool,
    lim: SolveLimits,
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
            }
        }),
        Instance::Assignment { matrix, .. } => {
            let r = allocate::solve_assignment(CostMatrix::Sparse(matrix), sense, &limits);
            r.and_then(|a| {
                solve_seconds = t1.elapsed().as_secs_f64();
                let size = format!(
                    "{} × {}, {} pairs",
                    matrix.rows(),
                    matrix.cols(),
                    matrix.nnz()
                );
                Outcome::of_assignment(&a, CostMatrix::Sparse(matrix), size)
            })
        }
        Instance::Dense { matrix, .. } => {
            let r = allocate::solve_assignment(CostMatrix::Dense(matrix.view()), sense, &limits);
            r.and_then(|a| {
                solve_seconds = t1.elapsed().as_secs_f64();
                let size = format!("{} × {} dense", matrix.nrows(), matrix.ncols());
                Outcome::of_assignment(&a, CostMatrix::Dense(matrix.view()), size)
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
                    AllocateError::Infeasible { witness, .. } => {
                        let shift = u32::from(matches!(instance, Instance::MinCostFlow(_)));
                        (
                            "infeasible",
                            serde_json::json!(
                                witness.iter().map(|w| w + shift).collect::<Vec<_>>()
                            ),
                        )
                    }
                    AllocateError::Unbalanced { .. } => ("unbalanced", serde_json::Value::Null),
                    AllocateError::NumericRange { .. } => {
                        ("numeric_range", serde_json::Value::Null)
                    }
                    AllocateError::LimitReached { .. } => {
                        ("limit_reached", serde_json::Value::Null)
                    }
                    _ => ("invalid", serde_json::Value::Null),
                };
                let v = serde_json::json!({"status": status, "message": e.to_string(), "witness": witness,
                    "parse_seconds": parse_seconds, "solve_seconds": solve_seconds});
                outln!("{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                eprintln!("{}: {e}", file.display());
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
    }
    Ok(if verified {
        ExitCode::SUCCESS
    } else if stopped {
        ExitCode::from(3)
    } else {
        ExitCode::from(1)
    })
}
