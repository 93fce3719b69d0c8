//! Experiments: policies × datasets × seeds → one comparison table with the same metrics for
//! every policy (R9), plus coverage broken down by party kind, size, city and level.
//!
//! The core reads no clock: run times are measured by a clock the caller passes (the CLI
//! passes one; tests pass none), and are kept out of the deterministic columns.

use crate::allocate::{AllocateError, Status};
use crate::catalogue::Catalogues;
use crate::model::{Ledger, PartyDetail};
use crate::policy::{MarketInstance, Policy, PolicyMetrics, gini, measure};
use crate::score::{self, Market, ScoreConfig, Scorer};

pub use crate::policy::GroupCoverage;

/// Called before each policy runs, with the market and the policy's name (progress bars).
pub type Tick<'a> = &'a (dyn Fn(Market, &str) + Sync);

/// Seconds since any fixed point (the caller's clock; the core reads none).
pub type Clock<'a> = &'a (dyn Fn() -> f64 + Sync);

/// One row of a comparison: one policy on one market of one dataset.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Row {
    /// The dataset's name.
    pub dataset: String,
    /// The seed it was generated from, if any.
    pub seed: Option<u64>,
    /// The market.
    pub market: Market,
    /// The policy's name.
    pub policy: String,
    /// Optimal or heuristic.
    pub status: Status,
    /// The metrics.
    pub metrics: PolicyMetrics,
    /// Coverage by kind, size, city and level.
    pub coverage: Vec<GroupCoverage>,
    /// Balance across cities: the Gini coefficient of the cities' coverage rates (0 = every
    /// city covered alike).
    pub city_balance: f64,
    /// Wall time of the policy's allocation in seconds, when a clock was given.
    pub seconds: Option<f64>,
}

/// Coverage of the parties of market `inst` under allocation `a`, by kind, enterprise size,
/// city and school level, and the Gini coefficient of the city coverage rates.
pub fn party_coverage(
    l: &Ledger,
    inst: &MarketInstance,
    a: &crate::policy::Allocation,
) -> (Vec<GroupCoverage>, f64) {
    party_coverage_across(l, &[(inst, a)])
}

/// [`party_coverage`] over several markets at once: each party counted once, taking part when
/// it has a need or an offer in any of them, covered when it has a partner in any of them
/// (what a programme officer reports; summing the markets' rows would count a party once per
/// market it takes part in).
pub fn party_coverage_across(
    l: &Ledger,
    markets: &[(&MarketInstance, &crate::policy::Allocation)],
) -> (Vec<GroupCoverage>, f64) {
    use std::collections::BTreeMap;
    let np = l.parties.len();
    let mut takes_part = vec![false; np];
    let mut covered = vec![false; np];
    for &(inst, a) in markets {
        let m = inst.market;
        for (i, &d) in inst.demand.iter().enumerate() {
            if d > 0 {
                takes_part[score::need_owner(l, m, i).index()] = true;
            }
        }
        for (j, &c) in inst.capacity.iter().enumerate() {
            if c > 0 {
                takes_part[score::offer_owner(l, m, j).index()] = true;
            }
        }
        for mt in &a.matches {
            covered[score::need_owner(l, m, mt.need as usize).index()] = true;
            covered[score::offer_owner(l, m, mt.offer as usize).index()] = true;
        }
    }
    let c = Catalogues::get();
    let mut groups: BTreeMap<(u8, String), (usize, usize)> = BTreeMap::new();
    for p in l.parties.iter().filter(|p| takes_part[p.id.index()]) {
        let mut keys = vec![(0u8, p.kind().name_zh().to_owned())];
        match &p.detail {
            PartyDetail::Enterprise { size, .. } => keys.push((1, size.name_zh().to_owned())),
            PartyDetail::School { level, .. } => keys.push((3, level.name_zh().to_owned())),
            _ => {}
        }
        keys.push((
            2,
            match p.city {
                Some(city) => c.city(city).name.to_owned(),
                None if p.out_of_province => "省外".to_owned(),
                None => "城市未知".to_owned(),
            },
        ));
        for k in keys {
            let e = groups.entry(k).or_default();
            e.0 += 1;
            e.1 += usize::from(covered[p.id.index()]);
        }
    }
    let dims = ["kind", "size", "city", "level"];
    #[allow(clippy::cast_precision_loss)]
    let city_rates: Vec<f64> = groups
        .iter()
        .filter(|((d, _), _)| *d == 2)
        .map(|(_, &(n, c))| c as f64 / n as f64)
        .collect();
    let out = groups
        .into_iter()
        .map(|((d, group), (parties, covered))| GroupCoverage {
            dimension: dims[d as usize].to_owned(),
            group,
            parties,
            covered,
        })
        .collect();
    (out, gini(&city_rates))
}

/// Runs every policy on every market of `l` and measures each.
///
/// Candidates come from one [`Scorer`] under `cfg` (each need's best `cfg.top_k`, or all), and
/// every policy allocates the same instance. `clock`, when given, returns seconds since any
/// fixed point; it times each allocation. `tick`, when given, is called before each policy runs
/// (for progress bars).
///
/// # Errors
/// An invalid `cfg` ([`AllocateError::InvalidInstance`] naming the field), or a policy's
/// error, with the policy and market named.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    l: &Ledger,
    dataset: &str,
    seed: Option<u64>,
    cfg: &ScoreConfig,
    policies: &[Box<dyn Policy>],
    markets: &[Market],
    clock: Option<Clock<'_>>,
    tick: Option<Tick<'_>>,
) -> Result<Vec<Row>, AllocateError> {
    cfg.validate().map_err(AllocateError::Config)?;
    let scorer = Scorer::new(cfg, l);
    let instances: Vec<MarketInstance> = markets
        .iter()
        .map(|&m| MarketInstance::from_scorer(&scorer, m, cfg.top_k))
        .collect();
    let runs = compare_on(l, dataset, seed, &instances, policies, clock, tick)?;
    Ok(runs.into_iter().map(|r| r.row).collect())
}

/// Every policy on one market instance with no ledger behind it (an analyst's own needs,
/// offers and scores): one [`Row`] per policy, in order, named `dataset`. Party coverage needs a
/// ledger, so those columns stay empty.
///
/// # Errors
/// A policy's error, with the policy and market named.
pub fn compare_market(
    dataset: &str,
    inst: &MarketInstance,
    policies: &[Box<dyn Policy>],
    clock: Option<Clock<'_>>,
) -> Result<Vec<Row>, AllocateError> {
    policies
        .iter()
        .map(|p| {
            let start = clock.map(|c| c());
            let a = p
                .allocate(inst)
                .map_err(|e| e.in_policy(&p.name(), inst.market))?;
            let seconds = clock.zip(start).map(|(c, s)| c() - s);
            Ok(Row {
                dataset: dataset.to_owned(),
                seed: None,
                market: inst.market,
                policy: p.name(),
                status: a.status,
                metrics: measure(inst, &a),
                coverage: Vec::new(),
                city_balance: 0.0,
                seconds,
            })
        })
        .collect()
}

/// One policy's allocation of one market, with its row of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The measured row.
    pub row: Row,
    /// The allocation.
    pub allocation: crate::policy::Allocation,
}

/// [`compare`] on instances already built (so a caller that also needs them, for alliances or
/// gaps, builds them once), keeping each allocation. The (market, policy) runs are spread over
/// the rayon pool; the result does not depend on the number of threads.
///
/// # Errors
/// A policy's error, with the policy and market named.
pub fn compare_on(
    l: &Ledger,
    dataset: &str,
    seed: Option<u64>,
    instances: &[MarketInstance],
    policies: &[Box<dyn Policy>],
    clock: Option<Clock<'_>>,
    tick: Option<Tick<'_>>,
) -> Result<Vec<Run>, AllocateError> {
    use rayon::prelude::*;
    // Every (market, policy) pair is independent: they run in parallel, and the rows come back
    // in market then policy order whatever the number of threads.
    let tasks: Vec<(&MarketInstance, &dyn Policy)> = instances
        .iter()
        .flat_map(|inst| policies.iter().map(move |p| (inst, p.as_ref())))
        .collect();
    tasks
        .par_iter()
        .map(|&(inst, p)| {
            let m = inst.market;
            if let Some(t) = tick {
                t(m, &p.name());
            }
            let start = clock.map(|c| c());
            let a = p.allocate(inst).map_err(|e| e.in_policy(&p.name(), m))?;
            let seconds = clock.zip(start).map(|(c, s)| c() - s);
            let (coverage, city_balance) = party_coverage(l, inst, &a);
            Ok(Run {
                row: Row {
                    dataset: dataset.to_owned(),
                    seed,
                    market: m,
                    policy: p.name(),
                    status: a.status,
                    metrics: measure(inst, &a),
                    coverage,
                    city_balance,
                    seconds,
                },
                allocation: a,
            })
        })
        .collect()
}
