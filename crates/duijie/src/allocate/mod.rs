//! Allocation: exact solvers that turn scored candidate pairs into partnerships.
//!
//! Every solver is a free function over an instance type of this module, returning a solution
//! that carries its own optimality certificate and a `verify_*` function that checks it. The
//! solvers work on exact integers (fixed-point scores); totals are `i128`.
//!
//! | function | problem | algorithm | certificate |
//! | --- | --- | --- | --- |
//! | [`max_weight_transport`] | many-to-many with quantities (b-matching, transportation) | network simplex ([`max_weight_transport_ssp`]: successive shortest paths, as a second algorithm) | LP dual (row and column prices) |
//! | [`min_cost_flow`] | supplies, demands, lower and upper bounds | network simplex (from a star around the sink when every node has an arc to it, as a transportation network does; else an artificial start) | node potentials; infeasibility: a cut |
//! | [`min_cost_assignment`], [`max_weight_assignment`] | dense 1:1, rectangular | Jonker–Volgenant | dual potentials |
//! | [`stable_student_optimal`], [`stable_supervisor_optimal`] | stable allocation with two-level capacities (student–project, hospital–residents) | deferred acceptance, either side proposing | no blocking pair ([`blocking_pairs`]) |
//! | [`super_stable`], [`HrtInstance::broken`] | hospitals/residents and stable marriage with ties | super-stable: Irving–Manlove–Scott; weakly stable: ties broken by index or seed | no (weakly) blocking pair ([`super_blocking_pairs`], [`weakly_blocking_pairs`]); none exists: [`NoSuperStable`] |
//! | [`min_cost_assignment_sparse`], [`max_weight_assignment_sparse`] | sparse 1:1, forbidden pairs absent | ε-scaling auction, then shortest augmenting paths | dual potentials; infeasibility: a Hall set |
//!
//! Every exact solver also takes [`Limits`] (an iteration cap and a stop callback for the
//! caller's deadline) through its `_with` form ([`solve_assignment`] for both assignment forms)
//! and then returns a feasible answer marked [`Status::LimitReached`], checked by
//! [`check_assignment`] or [`check_plan`] instead of the certificate.

mod assignment;
mod components;
mod flow;
mod live;
mod simplex;
mod stable;
mod star_start;
mod ties;
mod transport;
mod warm;

pub(crate) use assignment::round_half_away_small;
pub use assignment::{
    Assignment, CostMatrix, DenseCost, DenseMatrix, Precision, Sense, SparseMatrix,
    check_assignment, finite_max_abs, fixed_point_into, fixed_point_matrix, max_decimals,
    max_weight_assignment, max_weight_assignment_sparse, min_cost_assignment,
    min_cost_assignment_sparse, solve_assignment, solve_assignment_f64, verify_assignment,
};
pub(crate) use components::each_largest_first;
pub use components::{Component, components, components_of, max_weight_transport_by_components};
#[cfg(test)]
use flow::min_cost_flow_from;
pub use flow::{
    FlowArc, FlowNetwork, FlowSolution, PartialFlow, min_cost_flow, min_cost_flow_max_demand,
    min_cost_flow_with, verify_flow, verify_infeasibility_cut, verify_partial_flow,
};
pub(crate) use live::GROWTH_ROOM;
pub use live::LiveTransport;
pub use stable::{
    Proposer, StableInstance, StableMatching, blocking_pairs, check_matching, stable_matching_with,
    stable_student_optimal, stable_supervisor_optimal, verify_stable,
};
pub use ties::{
    HrMatching, HrtInstance, NoSuperStable, TieBreak, TiedList, break_ties, super_blocking_pairs,
    super_stable, weakly_blocking_pairs,
};
pub use transport::{
    Transport, TransportSolution, check_plan, greedy_transport, max_weight_transport,
    max_weight_transport_ssp, max_weight_transport_ssp_with, max_weight_transport_with,
    verify_transport,
};
pub use warm::{TransportStart, max_weight_transport_from};

/// A certificate that does not check, naming the row, column or sum at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateError {
    message: String,
}

impl CertificateError {
    pub(crate) fn new(message: String) -> Self {
        CertificateError { message }
    }
}

impl std::fmt::Display for CertificateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "certificate does not check: {}", self.message)
    }
}

impl std::error::Error for CertificateError {}

/// Which algorithm produced a solution, so reports and comparisons can say what ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Algorithm {
    /// Successive shortest augmenting paths (Dijkstra with node potentials) on the
    /// transportation network with an "unmet" bypass per row.
    SuccessiveShortestPaths,
    /// Successive shortest paths from an earlier plan and its prices: only what changed is
    /// re-routed ([`max_weight_transport_from`]).
    WarmShortestPaths,
    /// Jonker–Volgenant for dense linear assignment.
    JonkerVolgenant,
    /// Shortest augmenting paths with a heap, for sparse linear assignment.
    SparseShortestPath,
    /// Forward auction with ε-scaling, then shortest augmenting paths to repair the pairs whose
    /// rounded prices are not exactly tight (sparse square assignment).
    AuctionShortestPath,
    /// Primal network simplex with block search pivoting.
    NetworkSimplex,
    /// Best score first.
    Greedy,
    /// Deferred acceptance (Gale–Shapley) with quantities, either side proposing.
    DeferredAcceptance,
    /// Every combination of choices tried (small instances of hard problems).
    ExhaustiveSearch,
    /// An LP solved exactly, then rounded to an integral answer (bound kept).
    LpRounding,
}

impl Algorithm {
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::SuccessiveShortestPaths => "successive-shortest-paths",
            Algorithm::WarmShortestPaths => "warm-shortest-paths",
            Algorithm::JonkerVolgenant => "jonker-volgenant",
            Algorithm::SparseShortestPath => "sparse-shortest-path",
            Algorithm::AuctionShortestPath => "auction+shortest-path",
            Algorithm::NetworkSimplex => "network-simplex",
            Algorithm::Greedy => "greedy",
            Algorithm::DeferredAcceptance => "deferred-acceptance",
            Algorithm::ExhaustiveSearch => "exhaustive-search",
            Algorithm::LpRounding => "lp-rounding",
        }
    }
}

/// How good a solution is known to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Status {
    /// Proven optimal; the certificate checks.
    Optimal,
    /// A heuristic's answer (greedy): feasible, with no optimality claim and no certificate.
    Heuristic,
    /// A [`Limits`] stopped the solver: the answer is feasible (every demand and capacity
    /// respected) but not proven optimal, and carries no certificate.
    LimitReached,
}

impl Status {
    /// [`Status::LimitReached`] when a [`Limits`] stopped the solver, [`Status::Optimal`]
    /// otherwise.
    pub(crate) fn optimal_unless(stopped: bool) -> Status {
        if stopped {
            Status::LimitReached
        } else {
            Status::Optimal
        }
    }
}

/// Limits on a solver's work, so that it returns instead of running on: an iteration cap, and
/// a `stop` callback polled every few hundred iterations (the caller's deadline: the core reads
/// no clock). `Limits::default()` sets none.
#[derive(Clone, Copy, Default)]
pub struct Limits<'a> {
    /// Most iterations (simplex pivots) before stopping.
    pub max_iterations: Option<u64>,
    /// Returns `true` when the solver must stop (for example, a deadline has passed).
    pub stop: Option<&'a (dyn Fn() -> bool + Sync)>,
}

impl std::fmt::Debug for Limits<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("max_iterations", &self.max_iterations)
            .field("stop", &self.stop.is_some())
            .finish()
    }
}

impl Limits<'_> {
    /// Whether iteration `it` (counted from 1) must not run, polling `stop` every 256
    /// iterations (for cheap iterations such as pivots and proposals).
    pub(crate) fn reached(&self, it: u64) -> bool {
        self.reached_polling(it, 256)
    }

    /// Whether iteration `it` (counted from 1) must not run, polling `stop` every `every`
    /// iterations (1 for iterations that each cost a sweep over a row or more).
    pub(crate) fn reached_polling(&self, it: u64, every: u64) -> bool {
        self.max_iterations.is_some_and(|m| it > m)
            || (it.is_multiple_of(every.max(1)) && self.stop.is_some_and(|s| s()))
    }

    /// Whether the caller's `stop` says to stop now (between phases of a solver).
    pub(crate) fn stop_now(&self) -> bool {
        self.stop.is_some_and(|s| s())
    }
}

/// Why an instance could not be solved.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AllocateError {
    /// The instance is malformed (an index out of range, a pair listed twice); the message
    /// names the row and column. Fix the instance builder.
    InvalidInstance {
        /// What is wrong.
        message: String,
    },
    /// No solution exists; `witness` proves it (for assignment: rows that together have fewer
    /// allowed partners than their number, violating Hall's condition). Add allowed pairs for
    /// those rows, or drop some of them.
    Infeasible {
        /// What is infeasible.
        message: String,
        /// The witness: row indices (or column indices, as the message says).
        witness: Vec<u32>,
    },
    /// Supplies and demands do not balance: make them equal, or add a slack node.
    Unbalanced {
        /// Total supply.
        supply: i128,
        /// Total demand.
        demand: i128,
    },
    /// A [`Limits`] stopped the solver before it found any feasible answer (a min-cost flow
    /// still routing supply through its artificial start). Raise the limit.
    LimitReached {
        /// Iterations done.
        iterations: u64,
    },
    /// Weights are too large for exact arithmetic on an instance of this size: the largest
    /// weight times the number of nodes must stay below 2^62. Scale the weights down.
    NumericRange {
        /// The largest absolute weight given.
        max_weight: u64,
        /// The largest absolute weight this instance can take.
        limit: u64,
    },
    /// The scoring configuration cannot be used (a negative weight, a threshold of 1): the
    /// error names the field. Correct the weights file.
    Config(crate::score::ConfigError),
    /// A policy's parameter is outside its range (α outside [0, 1], λ below 0). Correct the
    /// parameter.
    InvalidParameter {
        /// The policy.
        policy: String,
        /// What is wrong and what is accepted.
        message: String,
    },
    /// A solution's certificate did not check, so duijie refused to return it: a solver bug.
    /// Please report it with the instance.
    CertificateFailed {
        /// What was being checked (`talent market transport`).
        what: String,
        /// The check that failed.
        source: CertificateError,
    },
    /// Two of duijie's own computations disagree (an exact solve and the max-flow bound it
    /// must meet): a bug. Please report it with the instance.
    Internal {
        /// What disagrees.
        message: String,
    },
    /// A policy failed on one market; `source` says why.
    Policy {
        /// The policy's name (`welfare`, `stable-needs`, ...).
        policy: String,
        /// The market.
        market: crate::score::Market,
        /// The policy's error.
        source: Box<AllocateError>,
    },
}

impl AllocateError {
    /// This error, raised by `policy` on `market`, with both named: a failed certificate keeps
    /// its kind with the market in `what`; a config error or an error already named stays as it
    /// is; anything else is wrapped in [`AllocateError::Policy`] with this error as its source.
    pub fn in_policy(self, policy: &str, market: crate::score::Market) -> AllocateError {
        match self {
            AllocateError::CertificateFailed { what, source } => AllocateError::CertificateFailed {
                what: format!("{market} market {what}"),
                source,
            },
            e @ (AllocateError::Policy { .. } | AllocateError::Config(_)) => e,
            other => AllocateError::Policy {
                policy: policy.to_owned(),
                market,
                source: Box::new(other),
            },
        }
    }
}

impl std::fmt::Display for AllocateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AllocateError::InvalidInstance { message } => write!(f, "invalid instance: {message}"),
            AllocateError::Unbalanced { supply, demand } => {
                write!(
                    f,
                    "unbalanced: total supply {supply} ≠ total demand {demand}"
                )
            }
            AllocateError::Infeasible { message, witness } => {
                write!(f, "infeasible: {message}")?;
                if !witness.is_empty() {
                    f.write_str("; witness (indices from 0): ")?;
                    write_list(f, witness, WITNESS_SHOWN)?;
                }
                Ok(())
            }
            AllocateError::LimitReached { iterations } => write!(
                f,
                "stopped by its limit after {iterations} iterations, before any feasible answer: raise the limit"
            ),
            AllocateError::NumericRange { max_weight, limit } => write!(
                f,
                "weight {max_weight} is too large for exact arithmetic on this instance (limit {limit}): scale the weights down"
            ),
            AllocateError::Config(e) => write!(f, "{e}"),
            AllocateError::InvalidParameter { policy, message } => {
                write!(f, "policy {policy}: {message}")
            }
            AllocateError::CertificateFailed { what, source } => write!(
                f,
                "{what}: {source}; the answer was withheld (a solver bug: please report it with the instance)"
            ),
            AllocateError::Internal { message } => write!(
                f,
                "internal check failed: {message} (a bug: please report it with the instance)"
            ),
            AllocateError::Policy {
                policy,
                market,
                source,
            } => write!(f, "policy {policy} on the {market} market: {source}"),
        }
    }
}

/// How many of a witness's indices an error message shows; the witness itself holds them all.
pub const WITNESS_SHOWN: usize = 20;

/// Writes up to `shown` of `items` separated by ", ", then "… (N in all)" when some are left
/// out: a witness of ninety thousand nodes is one line, not a screenful.
pub fn write_list<T: std::fmt::Display>(
    f: &mut dyn std::fmt::Write,
    items: &[T],
    shown: usize,
) -> std::fmt::Result {
    for (k, x) in items.iter().take(shown).enumerate() {
        if k > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{x}")?;
    }
    if items.len() > shown {
        write!(f, ", … ({} in all)", items.len())?;
    }
    Ok(())
}

impl std::error::Error for AllocateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AllocateError::Config(e) => Some(e),
            AllocateError::CertificateFailed { source, .. } => Some(source),
            AllocateError::Policy { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// The first index `≥ from` holding `key`, tested sixteen at a time (which vectorises).
#[inline(always)]
fn find_eq<T: Copy + PartialEq>(d: &[T], key: T, from: usize) -> Option<usize> {
    const B: usize = 16;
    let tail = d.get(from..)?;
    let mut base = from;
    for chunk in tail.chunks(B) {
        if chunk.iter().fold(false, |acc, &x| acc | (x == key)) {
            return chunk.iter().position(|&x| x == key).map(|p| base + p);
        }
        base += chunk.len();
    }
    None
}

#[cfg(test)]
mod tests;
