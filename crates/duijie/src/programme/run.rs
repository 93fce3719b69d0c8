//! The programme in one call: every market scored once, the policies compared on the same
//! instances, the reported policy's allocations, alliances, consortia, gaps and progress.
//!
//! This is the sequence `duijie report`, `duijie demo` and `duijie alliances` run, and the one
//! an embedder calls; the reports (HTML, XLSX, CSV) are written from its [`ProgrammeReport`] by
//! `duijie-export`.

use super::{
    AllianceProgress, AllianceRules, Alliances, Consortium, GapRow, Progress, Targets,
    TargetsError, alliance_progress, consortia, form_alliances, gaps, progress,
    technology_capacity,
};
use crate::allocate::AllocateError;
use crate::experiment::{Row, Tick, compare_on};
use crate::model::Ledger;
use crate::policy::Allocation;
use crate::policy::{self, MarketInstance, Policy, UnknownPolicy};
use crate::score::{ConfigError, Market, ScoreConfig, Scorer};

/// What [`run`] does: how pairs are scored, which policies are compared, which one is reported,
/// how alliances are formed and what the targets are.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct ProgrammeConfig {
    /// Scoring, and how many candidates each need keeps.
    pub score: ScoreConfig,
    /// The policy whose allocation is reported (matches, gaps, alliances' figures, progress),
    /// by [`policy::by_name`]'s names.
    pub policy: String,
    /// The policies compared, as [`policy::parse_list`] reads them (`all`, `greedy,welfare`);
    /// empty to compare none. The reported policy is added when the list lacks it.
    pub compare: String,
    /// How alliances are formed.
    pub alliances: AllianceRules,
    /// The programme's targets.
    pub targets: Targets,
    /// Consortia of at most this many candidate suppliers are proven smallest by exhaustive
    /// search; larger ones are built greedily within [`super::greedy_bound`].
    pub consortium_exact_limit: usize,
    /// Recommended partners kept per party and market ([`super::recommendations`]) for the
    /// reports' 对接会 lists; 0 computes none.
    pub recommend_k: usize,
}

impl Default for ProgrammeConfig {
    /// Welfare reported, every policy compared, alliances by domain, the policy's 2020 targets,
    /// consortia proven smallest up to 20 candidates, 5 recommended partners per party and
    /// market.
    fn default() -> Self {
        ProgrammeConfig {
            score: ScoreConfig::default(),
            policy: "welfare".to_owned(),
            compare: "all".to_owned(),
            alliances: AllianceRules::default(),
            targets: Targets::default(),
            consortium_exact_limit: 20,
            recommend_k: 5,
        }
    }
}

impl ProgrammeConfig {
    /// Checks the scoring configuration, the targets and the policy names, and returns the
    /// policies compared (the reported one last if the list lacked it) and the reported
    /// policy's name. [`run`] calls it first; call it before any work that should not start on
    /// a configuration that will be refused (creating an output folder).
    ///
    /// # Errors
    /// The first field or name that cannot be used.
    pub fn policies(&self) -> Result<(Vec<Box<dyn Policy>>, String), ProgrammeError> {
        self.score.validate().map_err(ProgrammeError::Config)?;
        self.targets.validate().map_err(ProgrammeError::Targets)?;
        let chosen = policy::parse_list(&self.policy).map_err(ProgrammeError::UnknownPolicy)?;
        let [chosen] = <[_; 1]>::try_from(chosen).map_err(|_| ProgrammeError::NotOnePolicy {
            given: self.policy.clone(),
        })?;
        let mut policies = if self.compare.trim().is_empty() {
            Vec::new()
        } else {
            policy::parse_list(&self.compare).map_err(ProgrammeError::UnknownPolicy)?
        };
        let name = chosen.name();
        if !policies.iter().any(|p| p.name() == name) {
            policies.push(chosen);
        }
        Ok((policies, name))
    }
}

/// Everything [`run`] found, in the order the reports show it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProgrammeReport {
    /// The reported policy's name.
    pub policy: String,
    /// One row per compared policy and market, market then policy order.
    pub comparison: Vec<Row>,
    /// The reported policy's allocation of each market, in [`Market::ALL`] order.
    pub allocations: Vec<Allocation>,
    /// The alliances, their lead units and who is left out.
    pub alliances: Alliances,
    /// Each alliance's figures, in the order of `alliances.alliances`.
    pub alliance_progress: Vec<AllianceProgress>,
    /// A consortium for each core technology need.
    pub consortia: Vec<Consortium>,
    /// The talent gap table under the reported policy.
    pub gaps: Vec<GapRow>,
    /// Progress against the targets.
    pub progress: Vec<Progress>,
    /// The reported policy's coverage across all markets by kind, enterprise size, city and
    /// level, each party counted once (the comparison rows are per market).
    pub coverage: Vec<crate::experiment::GroupCoverage>,
    /// Each party's recommended partners (in [`Ledger::parties`] order), for 对接会.
    pub recommendations: Vec<Vec<super::Recommendation>>,
}

impl ProgrammeReport {
    /// The reported policy's allocation of market `m`.
    pub fn allocation(&self, m: Market) -> Option<&Allocation> {
        self.allocations.iter().find(|a| a.market == m)
    }
}

/// Why [`run`] could not run.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProgrammeError {
    /// The scoring configuration cannot be used; the error names the field.
    Config(ConfigError),
    /// The targets cannot be used; the error names the field.
    Targets(TargetsError),
    /// A policy name no policy answers to.
    UnknownPolicy(UnknownPolicy),
    /// `policy` names no single policy (`all`, a list).
    NotOnePolicy {
        /// What was given.
        given: String,
    },
    /// A policy failed on a market; the error names both.
    Allocate(AllocateError),
}

impl std::fmt::Display for ProgrammeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProgrammeError::Config(e) => write!(f, "scoring configuration: {e}"),
            ProgrammeError::Targets(e) => write!(f, "targets: {e}"),
            ProgrammeError::UnknownPolicy(e) => e.fmt(f),
            ProgrammeError::NotOnePolicy { given } => {
                write!(f, "name one policy to report, not {given:?}")
            }
            ProgrammeError::Allocate(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ProgrammeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProgrammeError::Config(e) => Some(e),
            ProgrammeError::Targets(e) => Some(e),
            ProgrammeError::UnknownPolicy(e) => Some(e),
            ProgrammeError::NotOnePolicy { .. } => None,
            ProgrammeError::Allocate(e) => Some(e),
        }
    }
}

impl From<AllocateError> for ProgrammeError {
    fn from(e: AllocateError) -> Self {
        ProgrammeError::Allocate(e)
    }
}

/// Runs the programme on ledger `l` (called `dataset`, generated from `seed` if it was): scores
/// every market once, runs every compared policy on the same instances (in parallel; the result
/// does not depend on the number of threads), keeps the reported policy's allocations, forms
/// the alliances, builds consortia for the core technology needs, and measures the gaps and the
/// progress to the targets. `tick`, when given, is called as each step starts (progress bars).
///
/// # Errors
/// A configuration, target or policy name that cannot be used, or a policy's error naming the
/// policy and market.
pub fn run(
    l: &Ledger,
    dataset: &str,
    seed: Option<u64>,
    cfg: &ProgrammeConfig,
    tick: Option<Tick<'_>>,
) -> Result<ProgrammeReport, ProgrammeError> {
    let (policies, name) = cfg.policies()?;
    let scorer = Scorer::new(&cfg.score, l);
    let instances: Vec<MarketInstance> = MarketInstance::every_market(&scorer, cfg.score.top_k);
    let runs = compare_on(l, dataset, seed, &instances, &policies, None, tick)?;
    // With nothing to compare, only the reported policy ran, and it is not a comparison.
    let compared = !cfg.compare.trim().is_empty();
    let mut allocations = Vec::with_capacity(instances.len());
    let mut comparison = Vec::with_capacity(runs.len());
    for r in runs {
        if r.row.policy == name {
            allocations.push(r.allocation);
        }
        if compared {
            comparison.push(r.row);
        }
    }
    let alliances: Alliances = form_alliances(l, &instances, &cfg.alliances);
    let mut capacity = technology_capacity(l);
    let teams = consortia(&scorer, &mut capacity, cfg.consortium_exact_limit);
    let gaps = allocations
        .iter()
        .find(|a| a.market == Market::Talent)
        .map(|talent| gaps(l, talent))
        .unwrap_or_default();
    let progress = progress(l, &allocations, &alliances, &teams, &gaps, &cfg.targets);
    let alliance_progress = alliance_progress(l, &allocations, &alliances, &teams, &cfg.targets);
    let pairs: Vec<(&MarketInstance, &Allocation)> = instances
        .iter()
        .filter_map(|i| {
            allocations
                .iter()
                .find(|a| a.market == i.market)
                .map(|a| (i, a))
        })
        .collect();
    let (coverage, _) = crate::experiment::party_coverage_across(l, &pairs);
    let recommendations = super::recommendations(l, &instances, cfg.recommend_k);
    Ok(ProgrammeReport {
        recommendations,
        coverage,
        policy: name,
        comparison,
        allocations,
        alliances,
        alliance_progress,
        consortia: teams,
        gaps,
        progress,
    })
}
