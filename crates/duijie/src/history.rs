//! Rounds over time: a run's partnerships as the store keeps them, and the difference between
//! two runs.
//!
//! The programme runs for years — 对接会 every year, needs arriving and met, agreements
//! signed. A run's allocation is kept as [`RunMatch`] rows, by the ledger's own ids (a need's id
//! and its market identify it across runs, whatever the positions in a later ledger), with the
//! score and its components. [`diff`] compares two runs: the partnerships added, removed and
//! changed; [`RunDiff::apply`] turns the first into the second, so a diff is a complete account
//! of the change (tested: `apply(A, diff(A, B)) = B`, `diff(A, A)` is empty).

use std::collections::BTreeMap;

use crate::model::Ledger;
use crate::pipeline::Outcome;
use crate::policy::Allocation;
use crate::refs::NotThisLedger;
use crate::score::{Market, Scorer};

/// One partnership of a run: the need and the offer by their ledger ids, their owners, the
/// units placed and the score per unit (fixed point, [`crate::score::SCALE`]) with its
/// components.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RunMatch {
    /// The market.
    pub market: Market,
    /// The need's id in the ledger.
    pub need: String,
    /// The offer's id in the ledger.
    pub offer: String,
    /// The id of the party that has the need.
    pub need_party: String,
    /// The id of the party that makes the offer.
    pub offer_party: String,
    /// Units placed.
    pub units: u32,
    /// Score per unit, fixed point.
    pub score: i64,
    /// The score's components, `(name, value)` in the scorer's order (empty when the pair is
    /// no candidate under the run's configuration, which an exact policy never allocates).
    pub components: Vec<(String, f64)>,
}

impl RunMatch {
    /// What identifies the partnership across runs: market, need id, offer id.
    pub fn key(&self) -> (Market, &str, &str) {
        (self.market, &self.need, &self.offer)
    }

    /// The order of a run's rows: market (in [`Market::ALL`] order), need id, offer id.
    pub fn sort_key(&self) -> (usize, &str, &str) {
        (
            Market::ALL
                .iter()
                .position(|&m| m == self.market)
                .unwrap_or(0),
            &self.need,
            &self.offer,
        )
    }
}

/// Every partnership of `outcome` as rows, in market order, then need, then offer, by id.
///
/// # Errors
/// [`NotThisLedger`] when `outcome` was computed from another ledger.
pub fn run_matches(l: &Ledger, outcome: &Outcome) -> Result<Vec<RunMatch>, NotThisLedger> {
    outcome.check_fingerprint(l)?;
    allocation_matches(
        l,
        &outcome.config,
        outcome.markets.iter().map(|m| &m.allocation),
    )
}

/// [`run_matches`] of allocations scored with `cfg` (a programme report's, or any policy's).
///
/// # Errors
/// [`NotThisLedger`] when an allocation was made from another ledger.
pub fn allocation_matches<'a>(
    l: &Ledger,
    cfg: &crate::score::ScoreConfig,
    allocations: impl IntoIterator<Item = &'a Allocation>,
) -> Result<Vec<RunMatch>, NotThisLedger> {
    let scorer = Scorer::new(cfg, l);
    let mut rows = Vec::new();
    for a in allocations {
        for p in a.pairs(l)? {
            let components = scorer
                .explain(&p)
                .map(|s| {
                    s.components
                        .iter()
                        .map(|c| (c.name.to_string(), c.value))
                        .collect()
                })
                .unwrap_or_default();
            rows.push(RunMatch {
                market: p.need.market,
                need: p.need.id.to_owned(),
                offer: p.offer.id.to_owned(),
                need_party: p.need.owner.external_id.clone(),
                offer_party: p.offer.owner.external_id.clone(),
                units: p.units,
                score: p.score_fixed,
                components,
            });
        }
    }
    rows.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(rows)
}

/// A run's partnerships by positions in ledger `l`, one list per market in [`Market::ALL`]
/// order (the `previous` of [`crate::pipeline::Round`]); partnerships whose need or offer `l`
/// no longer has are left out.
pub fn positions(l: &Ledger, rows: &[RunMatch]) -> Vec<Vec<(u32, u32)>> {
    use std::collections::HashMap;
    Market::ALL
        .iter()
        .map(|&m| {
            let index = |ids: &mut dyn Iterator<Item = &str>| -> HashMap<String, u32> {
                ids.zip(0u32..).map(|(id, k)| (id.to_owned(), k)).collect()
            };
            let needs =
                index(&mut (0..m.needs(l)).map(|i| crate::score::need_external_id(l, m, i)));
            let offers =
                index(&mut (0..m.offers(l)).map(|j| crate::score::offer_external_id(l, m, j)));
            rows.iter()
                .filter(|r| r.market == m)
                .filter_map(|r| Some((*needs.get(&r.need)?, *offers.get(&r.offer)?)))
                .collect()
        })
        .collect()
}

/// A partnership present in both runs whose units or score changed.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Changed {
    /// As in the first run.
    pub before: RunMatch,
    /// As in the second run.
    pub after: RunMatch,
}

/// What changed from one run to another.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RunDiff {
    /// Partnerships only in the second run.
    pub added: Vec<RunMatch>,
    /// Partnerships only in the first run.
    pub removed: Vec<RunMatch>,
    /// Partnerships in both, with other units, score or components.
    pub changed: Vec<Changed>,
}

impl RunDiff {
    /// Whether the two runs have the same partnerships.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// The first run's rows turned into the second's: removed rows dropped, changed rows
    /// replaced, added rows put in, in the order [`run_matches`] gives.
    pub fn apply(&self, first: &[RunMatch]) -> Vec<RunMatch> {
        let mut by_key: BTreeMap<(usize, String, String), RunMatch> =
            first.iter().map(|r| (order_key(r), r.clone())).collect();
        for r in &self.removed {
            by_key.remove(&order_key(r));
        }
        for c in &self.changed {
            by_key.insert(order_key(&c.after), c.after.clone());
        }
        for r in &self.added {
            by_key.insert(order_key(r), r.clone());
        }
        by_key.into_values().collect()
    }

    /// Units placed in the second run minus the first, by market.
    pub fn units_by_market(&self) -> Vec<(Market, i64)> {
        Market::ALL
            .iter()
            .map(|&m| {
                let sum = |rows: &mut dyn Iterator<Item = &RunMatch>| -> i64 {
                    rows.filter(|r| r.market == m)
                        .map(|r| i64::from(r.units))
                        .sum()
                };
                let changed: i64 = self
                    .changed
                    .iter()
                    .filter(|c| c.after.market == m)
                    .map(|c| i64::from(c.after.units) - i64::from(c.before.units))
                    .sum();
                (
                    m,
                    sum(&mut self.added.iter()) - sum(&mut self.removed.iter()) + changed,
                )
            })
            .collect()
    }
}

/// How one alliance's partnerships changed between two runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AllianceChange {
    /// The alliance (as [`crate::programme::form_alliances`] names it); empty for partnerships
    /// with no enterprise on either side.
    pub alliance: String,
    /// Partnerships added.
    pub added: usize,
    /// Partnerships removed.
    pub removed: usize,
    /// Partnerships with other units or score.
    pub changed: usize,
    /// Units placed in the second run minus the first.
    pub units: i64,
}

/// A diff split by alliance: each partnership goes to the alliance of its enterprise (the
/// need's owner, or else the offer's) in `l` under `grouping`, the empty name when neither is an
/// enterprise; alliances in name order, only those with a change.
pub fn split_by_alliance(
    l: &Ledger,
    d: &RunDiff,
    grouping: crate::programme::Grouping,
) -> BTreeMap<String, RunDiff> {
    let alliance: std::collections::HashMap<&str, String> = l
        .parties
        .iter()
        .filter_map(|p| {
            crate::programme::enterprise_alliance(p, grouping).map(|a| (p.external_id.as_str(), a))
        })
        .collect();
    let of = |r: &RunMatch| -> String {
        alliance
            .get(r.need_party.as_str())
            .or_else(|| alliance.get(r.offer_party.as_str()))
            .cloned()
            .unwrap_or_default()
    };
    let mut out: BTreeMap<String, RunDiff> = BTreeMap::new();
    for r in &d.added {
        out.entry(of(r)).or_default().added.push(r.clone());
    }
    for r in &d.removed {
        out.entry(of(r)).or_default().removed.push(r.clone());
    }
    for c in &d.changed {
        out.entry(of(&c.after)).or_default().changed.push(c.clone());
    }
    out
}

/// A diff broken down by alliance ([`split_by_alliance`]): the number of partnerships added,
/// removed and changed, and the units.
pub fn by_alliance(
    l: &Ledger,
    d: &RunDiff,
    grouping: crate::programme::Grouping,
) -> Vec<AllianceChange> {
    split_by_alliance(l, d, grouping)
        .into_iter()
        .map(|(alliance, part)| AllianceChange {
            alliance,
            added: part.added.len(),
            removed: part.removed.len(),
            changed: part.changed.len(),
            units: part.units_by_market().iter().map(|(_, u)| u).sum(),
        })
        .collect()
}

/// A run's partnerships between parties: every partnership of one enterprise with one school
/// (or institute) in a market made into one row whose need and offer are the two parties' ids,
/// with the units summed and the score their units-weighted mean (no components). Needs and
/// offers are records of one year, so two years' runs share no record; between parties they
/// compare: [`diff`] of two years' rows made this way says which collaborations began, ended
/// or changed in size (the basis of an alliance's 年度工作进展报告).
pub fn between_parties(rows: &[RunMatch]) -> Vec<RunMatch> {
    let mut by: BTreeMap<(usize, &str, &str), (i128, u64, &RunMatch)> = BTreeMap::new();
    for r in rows {
        let key = (
            Market::ALL.iter().position(|&m| m == r.market).unwrap_or(0),
            r.need_party.as_str(),
            r.offer_party.as_str(),
        );
        let e = by.entry(key).or_insert((0, 0, r));
        e.0 += i128::from(r.score) * i128::from(r.units);
        e.1 += u64::from(r.units);
    }
    by.into_values()
        .map(|(weighted, units, r)| {
            let mean = if units == 0 {
                0
            } else {
                i64::try_from(weighted / i128::from(units)).unwrap_or(i64::MAX)
            };
            RunMatch {
                market: r.market,
                need: r.need_party.clone(),
                offer: r.offer_party.clone(),
                need_party: r.need_party.clone(),
                offer_party: r.offer_party.clone(),
                units: u32::try_from(units).unwrap_or(u32::MAX),
                score: mean,
                components: Vec::new(),
            }
        })
        .collect()
}

fn order_key(r: &RunMatch) -> (usize, String, String) {
    let (m, need, offer) = r.sort_key();
    (m, need.to_owned(), offer.to_owned())
}

/// The difference between two runs' partnerships (each as [`run_matches`] gives them, or as
/// read back from the store; a partnership at most once per run): what the second added,
/// removed and changed. Rows are matched by market, need id and offer id, in one merge of the
/// two runs in that order.
pub fn diff(first: &[RunMatch], second: &[RunMatch]) -> RunDiff {
    fn sorted(rows: &[RunMatch]) -> Vec<&RunMatch> {
        let mut v: Vec<&RunMatch> = rows.iter().collect();
        if !v.is_sorted_by(|x, y| x.sort_key() <= y.sort_key()) {
            v.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
        }
        v
    }
    let (a, b) = (sorted(first), sorted(second));
    let mut d = RunDiff::default();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.sort_key().cmp(&y.sort_key()),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                d.removed.push(a[i].clone());
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                d.added.push(b[j].clone());
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                if a[i] != b[j] {
                    d.changed.push(Changed {
                        before: a[i].clone(),
                        after: b[j].clone(),
                    });
                }
                i += 1;
                j += 1;
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row(m: usize, need: u8, offer: u8, units: u32, score: i64) -> RunMatch {
        RunMatch {
            market: Market::ALL[m % 4],
            need: format!("N{need}"),
            offer: format!("T{offer}"),
            need_party: format!("E{}", need % 3),
            offer_party: format!("S{}", offer % 3),
            units,
            score,
            components: vec![("major_fit".into(), f64::from(units % 3) / 2.0)],
        }
    }

    /// Rows with distinct keys, in `run_matches` order.
    fn rows() -> impl Strategy<Value = Vec<RunMatch>> {
        proptest::collection::btree_map((0usize..4, 0u8..6, 0u8..6), (1u32..5, 0i64..4), 0..20)
            .prop_map(|m| {
                m.into_iter()
                    .map(|((mk, n, o), (u, s))| row(mk, n, o, u, s))
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn rows_between_parties_keep_every_unit_and_name_each_pair_of_parties_once(
            a in rows(), renamed in any::<bool>(),
        ) {
            let p = between_parties(&a);
            // Another year's records: other need and offer ids, the same parties.
            let next: Vec<RunMatch> = a
                .iter()
                .cloned()
                .map(|mut r| {
                    if renamed {
                        r.need.push_str("-2026");
                        r.offer.push_str("-2026");
                    }
                    r
                })
                .collect();
            prop_assert!(diff(&p, &between_parties(&next)).is_empty());
            let keys: std::collections::BTreeSet<_> =
                a.iter().map(|r| (r.market, &r.need_party, &r.offer_party)).collect();
            prop_assert_eq!(p.len(), keys.len());
            for r in &p {
                let of: Vec<&RunMatch> = a
                    .iter()
                    .filter(|x| (x.market, &x.need_party, &x.offer_party) == (r.market, &r.need, &r.offer))
                    .collect();
                prop_assert_eq!(u64::from(r.units), of.iter().map(|x| u64::from(x.units)).sum::<u64>());
                let lo = of.iter().map(|x| x.score).min().unwrap_or(0);
                let hi = of.iter().map(|x| x.score).max().unwrap_or(0);
                prop_assert!(lo <= r.score && r.score <= hi);
            }
        }

        #[test]
        fn a_diff_turns_the_first_run_into_the_second(a in rows(), b in rows()) {
            let d = diff(&a, &b);
            prop_assert_eq!(d.apply(&a), b.clone());
            prop_assert!(diff(&a, &a).is_empty());
            prop_assert_eq!(d.is_empty(), a == b);
            // Units by market add up.
            for (m, delta) in d.units_by_market() {
                let total = |rows: &[RunMatch]| -> i64 {
                    rows.iter().filter(|r| r.market == m).map(|r| i64::from(r.units)).sum()
                };
                prop_assert_eq!(delta, total(&b) - total(&a));
            }
        }
    }

    #[test]
    fn a_runs_partnerships_are_kept_by_id_with_their_components() {
        let (l, _) = crate::synth::ledger(crate::synth::Scale::Sample, 3);
        let o = crate::run(&l).unwrap();
        let rows = run_matches(&l, &o).unwrap();
        let pairs = o.pairs(&l).unwrap();
        assert_eq!(rows.len(), pairs.len());
        for p in &pairs {
            let r = rows
                .iter()
                .find(|r| r.key() == (p.need.market, p.need.id, p.offer.id))
                .unwrap();
            assert_eq!((r.units, r.score), (p.units, p.score_fixed));
            assert_eq!(r.need_party, p.need.owner.external_id);
            let total: f64 = r.components.iter().map(|(_, v)| v).sum();
            assert!(total > 0.0, "{r:?}");
        }
        assert!(diff(&rows, &rows).is_empty());
        // Another policy's run differs from this one by exactly its diff, and the diff by
        // alliance adds up to it.
        let other = crate::run_policy(&l, &o.config, &crate::policy::Greedy).unwrap();
        let rows2 = run_matches(&l, &other).unwrap();
        let d = diff(&rows, &rows2);
        assert_eq!(d.apply(&rows), rows2);
        let per = by_alliance(&l, &d, crate::programme::Grouping::Domain);
        assert_eq!(per.iter().map(|a| a.added).sum::<usize>(), d.added.len());
        assert_eq!(
            per.iter().map(|a| a.removed).sum::<usize>(),
            d.removed.len()
        );
        let units: i64 = d.units_by_market().iter().map(|(_, u)| u).sum();
        assert_eq!(per.iter().map(|a| a.units).sum::<i64>(), units);
    }
}
