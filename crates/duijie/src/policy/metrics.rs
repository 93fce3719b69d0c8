//! The metrics every policy is measured by, on the instance alone (party-level breakdowns by
//! kind, size, city, level and alliance are in [`crate::experiment`]).

use super::MarketInstance;
use crate::policy::Allocation;
use crate::score::SCALE;

/// Mean, minimum and Gini coefficient of a list of satisfactions in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Minimum.
    pub min: f64,
    /// Gini coefficient: 0 when everyone is equally satisfied, towards 1 when a few hold it all.
    pub gini: f64,
}

impl Spread {
    /// The spread of `values` (all zero when empty).
    pub fn of(values: &[f64]) -> Spread {
        if values.is_empty() {
            return Spread::default();
        }
        #[allow(clippy::cast_precision_loss)]
        let n = values.len() as f64;
        Spread {
            mean: values.iter().sum::<f64>() / n,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            gini: gini(values),
        }
    }
}

/// The Gini coefficient of non-negative `values`: `Σ_k (2k − n − 1) x_(k) / (n Σ x)` over the
/// values sorted ascending (k from 1); 0 when they sum to 0.
pub fn gini(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let sum: f64 = v.iter().sum();
    if v.is_empty() || sum <= 0.0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = v.len() as f64;
    let mut acc = 0.0;
    for (k, x) in v.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let rank = (k + 1) as f64;
        acc += (2.0 * rank - n - 1.0) * x;
    }
    acc / (n * sum)
}

/// What one policy achieved on one market instance.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PolicyMetrics {
    /// Σ need-side score × units, fixed point (divide by [`SCALE`]).
    pub welfare: i128,
    /// Units demanded.
    pub demand_units: u64,
    /// Units offered.
    pub supply_units: u64,
    /// Units placed.
    pub matched_units: u64,
    /// Units of demand left unmet.
    pub unmet_units: u64,
    /// Needs with demand.
    pub needs: usize,
    /// Needs with demand and at least one candidate.
    pub needs_servable: usize,
    /// Needs with at least one unit placed.
    pub needs_covered: usize,
    /// Needs with demand placed in full.
    #[cfg_attr(feature = "serde", serde(default))]
    pub needs_fully_met: usize,
    /// Candidate pairs of the instance.
    #[cfg_attr(feature = "serde", serde(default))]
    pub candidate_pairs: usize,
    /// Offers with capacity.
    pub offers: usize,
    /// Offers with at least one unit given.
    pub offers_used: usize,
    /// Units placed ÷ units offered.
    pub capacity_use: f64,
    /// Blocking pairs (see [`super::blocking_pairs`]).
    pub blocking_pairs: usize,
    /// Need side: each servable need's Σ score × units ÷ its demand (unmet units count 0).
    pub need_satisfaction: Spread,
    /// Offer side: each offer with a candidate, Σ own satisfaction × units ÷ its capacity.
    pub offer_satisfaction: Spread,
}

impl PolicyMetrics {
    /// The welfare in score units: Σ score × units, scores between 0 and 1.
    #[allow(clippy::cast_precision_loss)]
    pub fn welfare_score(&self) -> f64 {
        self.welfare as f64 / SCALE as f64
    }
}

/// Measures allocation `a` of `inst`. Deterministic (no clock): run times are measured by the
/// caller.
pub fn measure(inst: &MarketInstance, a: &Allocation) -> PolicyMetrics {
    measure_with_views(inst, a, &inst.views_of(&a.matches))
}

/// [`measure`] with each match's views already found ([`MarketInstance::views_of`]), for a
/// caller that also writes them out (the Python package's allocation columns), so that they
/// are read once.
pub fn measure_with_views(
    inst: &MarketInstance,
    a: &Allocation,
    views: &[(i64, i64)],
) -> PolicyMetrics {
    let (n, m) = (inst.needs(), inst.offers());
    let mut need_sum = vec![0f64; n];
    let mut offer_sum = vec![0f64; m];
    let mut placed = vec![0u64; n];
    let mut used = vec![0u64; m];
    #[allow(clippy::cast_precision_loss)]
    let unit = |x: i64| x as f64 / SCALE as f64;
    for (mt, &(w, v)) in a.matches.iter().zip(views) {
        let u = f64::from(mt.units);
        need_sum[mt.need as usize] += unit(w) * u;
        offer_sum[mt.offer as usize] += unit(v) * u;
        placed[mt.need as usize] += u64::from(mt.units);
        used[mt.offer as usize] += u64::from(mt.units);
    }
    let census = super::stable::pair_census(inst, a, views);
    let (need_has, offer_has) = (&census.need_has, &census.offer_has);
    let need_sat: Vec<f64> = (0..n)
        .filter(|&i| inst.demand[i] > 0 && need_has[i])
        .map(|i| need_sum[i] / f64::from(inst.demand[i]))
        .collect();
    let offer_sat: Vec<f64> = (0..m)
        .filter(|&j| inst.capacity[j] > 0 && offer_has[j])
        .map(|j| offer_sum[j] / f64::from(inst.capacity[j]))
        .collect();
    let demand_units: u64 = inst.demand.iter().map(|&d| u64::from(d)).sum();
    let supply_units: u64 = inst.capacity.iter().map(|&c| u64::from(c)).sum();
    let matched_units: u64 = placed.iter().sum();
    #[allow(clippy::cast_precision_loss)]
    let capacity_use = if supply_units == 0 {
        0.0
    } else {
        matched_units as f64 / supply_units as f64
    };
    PolicyMetrics {
        welfare: a.welfare,
        demand_units,
        supply_units,
        matched_units,
        unmet_units: demand_units - matched_units.min(demand_units),
        needs: inst.demand.iter().filter(|&&d| d > 0).count(),
        needs_servable: need_sat.len(),
        needs_covered: placed.iter().filter(|&&p| p > 0).count(),
        needs_fully_met: (0..n)
            .filter(|&i| inst.demand[i] > 0 && placed[i] >= u64::from(inst.demand[i]))
            .count(),
        candidate_pairs: inst.pairs.len(),
        offers: inst.capacity.iter().filter(|&&c| c > 0).count(),
        offers_used: used.iter().filter(|&&u| u > 0).count(),
        capacity_use,
        blocking_pairs: census.blocking,
        need_satisfaction: Spread::of(&need_sat),
        offer_satisfaction: Spread::of(&offer_sat),
    }
}

/// Coverage of one group of parties: how many take part (have a need or offer with a quantity
/// in the markets counted) and how many of those got at least one partner. One market's groups
/// are in a comparison row ([`crate::experiment::Row`]); every market's, by kind of party, in
/// [`crate::pipeline::Outcome::coverage`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GroupCoverage {
    /// `kind`, `size`, `city` or `level` (`party` in an outcome's coverage).
    pub dimension: String,
    /// The group (学校, 大型, 沈阳市, 本科, ...).
    pub group: String,
    /// Parties of the group taking part in the market.
    pub parties: usize,
    /// Of those, parties with at least one partner.
    pub covered: usize,
}
