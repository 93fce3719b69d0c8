//! The walking skeleton end to end: ledger → candidates → scores → allocation → metrics.
//!
//! [`run`] allocates every market of a ledger with the welfare-optimal policy (maximum total
//! score, exact), checks each solution's certificate, and measures the result with the same
//! metrics every policy will be measured by.

use crate::allocate::{self, Algorithm, AllocateError, Status, Transport};
use crate::id::PartyId;
use crate::model::{Ledger, PartyDetail, PartyKind};
use crate::score::{self, Market};

/// One partnership: `units` of need `need` served by offer `offer`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Match {
    /// Row: index of the need in its market's table of the ledger.
    pub need: u32,
    /// Column: index of the offer in its market's table.
    pub offer: u32,
    /// Units placed (persons, projects, trainees, places).
    pub units: u32,
    /// Score per unit, fixed point (see [`score::SCALE`]).
    pub score: i64,
}

/// The allocation of one market, with the certificate of its optimality.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Allocation {
    /// The market.
    pub market: Market,
    /// Partnerships, sorted by need then offer.
    pub matches: Vec<Match>,
    /// Units of each need left unmet, indexed by need.
    pub unmet: Vec<u32>,
    /// How many candidate offers each need had, indexed by need (0 explains an unmet need:
    /// nobody in the ledger can serve it).
    pub candidates: Vec<u32>,
    /// Σ score × units, fixed point.
    pub welfare: i128,
    /// Optimal, heuristic or limit reached.
    pub status: Status,
    /// The algorithm that ran.
    pub algorithm: Algorithm,
    /// Dual price of each need (LP certificate).
    pub need_price: Vec<i64>,
    /// Dual price of each offer's capacity (LP certificate).
    pub offer_price: Vec<i64>,
    /// The best objective value any allocation could reach, when the policy proves one (the
    /// LP optimum for welfare, the Lagrangian bound for the two-sided fairness form).
    pub upper_bound: Option<i128>,
}

/// What one market's allocation achieved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MarketMetrics {
    /// Needs in the market.
    pub needs: usize,
    /// Offers in the market.
    pub offers: usize,
    /// Candidate pairs scored.
    pub candidate_pairs: usize,
    /// Units demanded.
    pub demand_units: u64,
    /// Units offered.
    pub supply_units: u64,
    /// Units placed.
    pub matched_units: u64,
    /// Units of demand left unmet.
    pub unmet_units: u64,
    /// Needs with at least one unit placed.
    pub needs_covered: usize,
    /// Needs placed in full.
    pub needs_fully_met: usize,
    /// Total score, fixed point (divide by [`score::SCALE`]).
    pub welfare: i128,
}

/// Coverage of one kind of party: how many took part in at least one partnership.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Coverage {
    /// What is counted (`enterprises`, `large and medium enterprises`, `schools`, `institutes`).
    pub group: String,
    /// Parties in the group.
    pub parties: usize,
    /// Parties in at least one partnership, on either side of any market.
    pub covered: usize,
}

/// One market's result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MarketOutcome {
    /// The allocation.
    pub allocation: Allocation,
    /// Its metrics.
    pub metrics: MarketMetrics,
}

/// The result of [`run`] on a ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Outcome {
    /// One result per market, in [`Market::ALL`] order.
    pub markets: Vec<MarketOutcome>,
    /// Party coverage across all markets.
    pub coverage: Vec<Coverage>,
    /// Σ welfare over the markets, fixed point.
    pub welfare: i128,
}

impl Outcome {
    /// The result of one market.
    pub fn market(&self, m: Market) -> Option<&MarketOutcome> {
        self.markets.iter().find(|o| o.allocation.market == m)
    }
}

/// Allocates every market of `ledger` with the welfare-optimal policy and measures it.
///
/// For each market: candidate pairs and fixed-point scores ([`score::candidates`]), an exact
/// maximum-weight transportation plan ([`allocate::max_weight_transport`]) whose certificate is
/// checked before it is returned, then metrics. Deterministic: the same ledger gives the same
/// outcome.
///
/// # Errors
/// [`AllocateError`] if an instance cannot be solved exactly; a certificate that fails to check
/// is reported as [`AllocateError::InvalidInstance`] (it would be a solver bug).
///
/// # Example
/// See the crate documentation.
pub fn run(ledger: &Ledger) -> Result<Outcome, AllocateError> {
    run_with(ledger, &score::ScoreConfig::default())
}

/// [`run`] with the scorer configured by `cfg`.
///
/// # Errors
/// As [`run`]; an invalid `cfg` is reported as [`AllocateError::InvalidInstance`] naming the
/// field (call [`score::ScoreConfig::validate`] first to get the typed error).
pub fn run_with(ledger: &Ledger, cfg: &score::ScoreConfig) -> Result<Outcome, AllocateError> {
    cfg.validate().map_err(|e| AllocateError::InvalidInstance {
        message: e.to_string(),
    })?;
    let mut markets = Vec::with_capacity(Market::ALL.len());
    let mut engaged = vec![false; ledger.parties.len()];
    let scorer = score::Scorer::new(cfg, ledger);
    for m in Market::ALL {
        let (rows, cols) = (m.needs(ledger), m.offers(ledger));
        let demand: Vec<u32> = (0..rows)
            .map(|i| score::need_quantity(ledger, m, i))
            .collect();
        let capacity: Vec<u32> = (0..cols)
            .map(|j| score::offer_quantity(ledger, m, j))
            .collect();
        let pairs = score::top_candidates(&scorer, m, cfg.top_k);
        let candidate_pairs = pairs.len();
        let mut candidates = vec![0u32; rows];
        for &(i, _, _) in &pairs {
            candidates[i as usize] += 1;
        }
        let t = Transport::new(demand.clone(), capacity.clone(), pairs)?;
        let s = allocate::max_weight_transport(&t)?;
        allocate::verify_transport(&t, &s).map_err(|e| AllocateError::InvalidInstance {
            message: format!("{m} market: {e}"),
        })?;
        let matches: Vec<Match> = s
            .flows
            .iter()
            .map(|&(i, j, units)| Match {
                need: i,
                offer: j,
                units,
                score: t.weight(i as usize, j).unwrap_or(0),
            })
            .collect();
        for mt in &matches {
            engaged[score::need_owner(ledger, m, mt.need as usize).index()] = true;
            engaged[score::offer_owner(ledger, m, mt.offer as usize).index()] = true;
        }
        let mut covered = vec![0u64; rows];
        for mt in &matches {
            covered[mt.need as usize] += u64::from(mt.units);
        }
        let metrics = MarketMetrics {
            needs: rows,
            offers: cols,
            candidate_pairs,
            demand_units: demand.iter().map(|&d| u64::from(d)).sum(),
            supply_units: capacity.iter().map(|&c| u64::from(c)).sum(),
            matched_units: covered.iter().sum(),
            unmet_units: s.unmet.iter().map(|&u| u64::from(u)).sum(),
            needs_covered: covered.iter().filter(|&&c| c > 0).count(),
            needs_fully_met: (0..rows)
                .filter(|&i| s.unmet[i] == 0 && demand[i] > 0)
                .count(),
            welfare: s.objective,
        };
        markets.push(MarketOutcome {
            allocation: Allocation {
                market: m,
                matches,
                unmet: s.unmet,
                candidates,
                welfare: s.objective,
                status: s.status,
                algorithm: s.algorithm,
                need_price: s.row_price,
                offer_price: s.col_price,
                upper_bound: Some(s.objective),
            },
            metrics,
        });
    }
    let coverage = coverage(ledger, &engaged);
    let welfare = markets.iter().map(|m| m.metrics.welfare).sum();
    Ok(Outcome {
        markets,
        coverage,
        welfare,
    })
}

fn coverage(ledger: &Ledger, engaged: &[bool]) -> Vec<Coverage> {
    let count = |group: &str, pred: &dyn Fn(&crate::model::Party) -> bool| {
        let members: Vec<PartyId> = ledger
            .parties
            .iter()
            .filter(|p| pred(p))
            .map(|p| p.id)
            .collect();
        Coverage {
            group: group.to_owned(),
            parties: members.len(),
            covered: members.iter().filter(|id| engaged[id.index()]).count(),
        }
    };
    use crate::model::EnterpriseSize::{Large, Medium};
    vec![
        count("schools", &|p| p.kind() == PartyKind::School),
        count("institutes", &|p| p.kind() == PartyKind::Institute),
        count("enterprises", &|p| p.kind() == PartyKind::Enterprise),
        count("large and medium enterprises", &|p| {
            matches!(
                p.detail,
                PartyDetail::Enterprise {
                    size: Large | Medium,
                    ..
                }
            )
        }),
    ]
}
