//! A ledger end to end: candidates → scores → allocation of every market → metrics.
//!
//! [`run`] allocates every market with the welfare-optimal policy (maximum total score, exact,
//! its certificate checked); [`run_with`] under a scoring configuration; [`run_policy`] with any
//! [`Policy`]. Each measures the result with the metrics every policy is measured by, so
//! `duijie match` and `duijie compare` report the same figures.

use rayon::prelude::*;

use crate::allocate::AllocateError;
use crate::id::PartyId;
use crate::model::{Ledger, PartyDetail, PartyKind};
use crate::policy::{Allocation, GroupCoverage, Policy};
use crate::score::{self, Market};

/// What one market's allocation achieved: the same figures every policy is measured by
/// ([`crate::policy::measure`]), so `duijie match` and `duijie compare` agree.
pub type MarketMetrics = crate::policy::PolicyMetrics;

/// One market's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MarketOutcome {
    /// The allocation.
    pub allocation: Allocation,
    /// Its metrics.
    pub metrics: MarketMetrics,
}

/// The result of [`run`] on a ledger.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Outcome {
    /// One result per market, in [`Market::ALL`] order.
    pub markets: Vec<MarketOutcome>,
    /// Party coverage across all markets.
    pub coverage: Vec<GroupCoverage>,
    /// Σ welfare over the markets, fixed point.
    pub welfare: i128,
    /// The policy that allocated every market ([`Policy::name`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub policy: String,
    /// The [`Ledger::fingerprint`] of the ledger it was computed from (0 when unknown), which
    /// [`Outcome::pairs`] checks.
    #[cfg_attr(feature = "serde", serde(default))]
    pub ledger: u64,
    /// The scoring configuration the outcome was computed with, so that explanations of its
    /// scores use the same weights.
    #[cfg_attr(feature = "serde", serde(default))]
    pub config: score::ScoreConfig,
}

impl Outcome {
    /// The result of one market.
    pub fn market(&self, m: Market) -> Option<&MarketOutcome> {
        self.markets.iter().find(|o| o.allocation.market == m)
    }
}

/// Allocates every market of `ledger` with the welfare-optimal policy and measures it.
///
/// For each market: the [`MarketInstance`](crate::policy::MarketInstance) of its candidate
/// pairs with both sides' fixed-point views, the [`Welfare`](crate::policy::Welfare) policy (an
/// exact maximum-weight transportation plan, [`crate::allocate::max_weight_transport`], whose
/// certificate is checked before it is returned), then [`crate::policy::measure`], the metrics
/// every policy is measured by. Deterministic: the same ledger gives the same outcome, whatever
/// the order of its rows.
///
/// # Errors
/// [`AllocateError`] if an instance cannot be solved exactly; a certificate that fails to check
/// is reported as [`AllocateError::CertificateFailed`] (it would be a solver bug).
///
/// # Example
/// See the crate documentation.
pub fn run(ledger: &Ledger) -> Result<Outcome, AllocateError> {
    run_with(ledger, &score::ScoreConfig::default())
}

/// [`run`] with the scorer configured by `cfg`.
///
/// # Errors
/// As [`run`]; an invalid `cfg` is [`AllocateError::Config`], naming the field.
pub fn run_with(ledger: &Ledger, cfg: &score::ScoreConfig) -> Result<Outcome, AllocateError> {
    run_policy(ledger, cfg, &crate::policy::Welfare)
}

/// Allocates every market of `ledger` with `policy` under scoring `cfg` and measures it: the
/// market's [`MarketInstance`](crate::policy::MarketInstance) (each need's best `cfg.top_k`
/// candidates, or all), the policy, then [`crate::policy::measure`].
///
/// # Errors
/// An invalid `cfg` ([`AllocateError::Config`]), or the policy's error on a market
/// ([`AllocateError::Policy`] naming both; a failed certificate stays
/// [`AllocateError::CertificateFailed`], with the market named).
pub fn run_policy(
    ledger: &Ledger,
    cfg: &score::ScoreConfig,
    policy: &dyn Policy,
) -> Result<Outcome, AllocateError> {
    run_observed(ledger, cfg, policy, None)
}

/// A step of [`run_observed`], reported as it ends, for progress displays (the caller times
/// them; the core reads no clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The text index and tables of the scorer are built.
    Prepared,
    /// A market's candidates are found and scored.
    Scored {
        /// The market.
        market: Market,
        /// Its needs.
        needs: usize,
        /// The candidate pairs kept.
        pairs: usize,
    },
    /// A market is allocated by the policy (an exact policy's certificate checked).
    Solved {
        /// The market.
        market: Market,
    },
    /// A market's allocation is measured (welfare, coverage, blocking pairs, satisfaction).
    Allocated {
        /// The market.
        market: Market,
        /// Partnerships made.
        matches: usize,
    },
}

/// [`run_policy`], calling `observe` as each [`Step`] ends.
///
/// # Errors
/// As [`run_policy`].
pub fn run_observed(
    ledger: &Ledger,
    cfg: &score::ScoreConfig,
    policy: &dyn Policy,
    observe: Option<&(dyn Fn(Step) + Sync)>,
) -> Result<Outcome, AllocateError> {
    run_round(ledger, cfg, policy, &Round::default(), observe)
}

/// What a round of the programme carries over from the rounds before: the agreements, and
/// last round's partnerships to keep unless moving gains enough. Each list has one entry per
/// market in [`Market::ALL`] order (missing ones are empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Agreements by positions ([`crate::policy::agreements::resolve`]).
    pub agreements: Vec<Vec<crate::policy::Agreement>>,
    /// Last round's partnerships by positions ([`crate::history::positions`]).
    pub previous: Vec<Vec<(u32, u32)>>,
    /// What a unit of last round's partnership counts extra (fixed point; 0: no preference
    /// for keeping them): [`crate::policy::allocate_keeping`].
    pub keep_bonus: i64,
}

/// [`run_observed`] for a round: agreements respected in every market (signed units fixed,
/// refused and paused pairs left out) and, with a keep bonus, last round's partnerships kept
/// unless moving gains more ([`crate::policy::allocate_keeping`]).
///
/// # Errors
/// As [`run_policy`], and a signed agreement beyond a demand or a capacity, named.
pub fn run_round(
    ledger: &Ledger,
    cfg: &score::ScoreConfig,
    policy: &dyn Policy,
    round: &Round,
    observe: Option<&(dyn Fn(Step) + Sync)>,
) -> Result<Outcome, AllocateError> {
    let observe = |step| {
        if let Some(f) = observe {
            f(step);
        }
    };
    cfg.validate().map_err(AllocateError::Config)?;
    let scorer = score::Scorer::new(cfg, ledger);
    observe(Step::Prepared);
    // Markets are independent. The one with the most needs is scored first, with every core,
    // since its allocation is the longest; then it is allocated while the other markets are
    // scored, allocated and measured beside it. The results come back in `Market::ALL` order
    // whatever the number of threads.
    let scored = |m: Market| {
        let inst = crate::policy::MarketInstance::from_scorer(&scorer, m, cfg.top_k);
        observe(Step::Scored {
            market: m,
            needs: inst.needs(),
            pairs: inst.pairs.len(),
        });
        inst
    };
    // The one path: the market's instance, the policy (an exact one has its certificate
    // checked), and the metrics every policy is measured by.
    let finish = |inst: crate::policy::MarketInstance| -> Result<MarketOutcome, AllocateError> {
        let m = inst.market;
        let at = Market::ALL.iter().position(|&x| x == m);
        fn of<T>(lists: &[Vec<T>], at: Option<usize>) -> &[T] {
            at.and_then(|k| lists.get(k)).map_or(&[][..], Vec::as_slice)
        }
        let allocation = crate::policy::allocate_keeping(
            policy,
            &inst,
            of(&round.agreements, at),
            of(&round.previous, at),
            round.keep_bonus,
        )
        .map_err(|e| e.in_policy(&policy.name(), m))?;
        observe(Step::Solved { market: m });
        let metrics = crate::policy::measure(&inst, &allocation);
        observe(Step::Allocated {
            market: m,
            matches: allocation.matches.len(),
        });
        Ok(MarketOutcome {
            allocation,
            metrics,
        })
    };
    let first = Market::ALL
        .iter()
        .copied()
        .max_by_key(|m| (m.needs(ledger), std::cmp::Reverse(*m as u8)))
        .unwrap_or(Market::Talent);
    let big = scored(first);
    let (big, rest): (_, Vec<Result<MarketOutcome, AllocateError>>) = rayon::join(
        || finish(big),
        || {
            Market::ALL
                .par_iter()
                .filter(|&&m| m != first)
                .map(|&m| finish(scored(m)))
                .collect()
        },
    );
    let (mut big, mut rest) = (Some(big), rest.into_iter());
    let results: Vec<Result<MarketOutcome, AllocateError>> = Market::ALL
        .iter()
        .map(|&m| {
            let next = if m == first { big.take() } else { rest.next() };
            next.unwrap_or_else(|| {
                Err(AllocateError::Internal {
                    message: format!("no result for the {m} market"),
                })
            })
        })
        .collect();
    // The first failing market in `Market::ALL` order, whichever thread failed first.
    let markets = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    let mut engaged = vec![false; ledger.parties.len()];
    for o in &markets {
        let m = o.allocation.market;
        for mt in &o.allocation.matches {
            engaged[score::need_owner(ledger, m, mt.need as usize).index()] = true;
            engaged[score::offer_owner(ledger, m, mt.offer as usize).index()] = true;
        }
    }
    let coverage = coverage(ledger, &engaged);
    let welfare = markets.iter().map(|m| m.metrics.welfare).sum();
    Ok(Outcome {
        markets,
        coverage,
        welfare,
        policy: policy.name(),
        ledger: ledger.fingerprint(),
        config: cfg.clone(),
    })
}

fn coverage(ledger: &Ledger, engaged: &[bool]) -> Vec<GroupCoverage> {
    let count = |group: &str, pred: &dyn Fn(&crate::model::Party) -> bool| {
        let members: Vec<PartyId> = ledger
            .parties
            .iter()
            .filter(|p| pred(p))
            .map(|p| p.id)
            .collect();
        GroupCoverage {
            dimension: "party".to_owned(),
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
