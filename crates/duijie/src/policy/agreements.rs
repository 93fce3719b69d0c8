//! Agreements between rounds: what was signed is kept, what was refused is not proposed again.
//!
//! An agreement names a need and an offer of one market with units and a status: 已签约
//! (signed: those units are fixed), 已拒绝 (refused: the pair is never allocated) or 暂停
//! (paused: the pair is not allocated this round). [`allocate_with`] applies them around any
//! policy: the signed units are taken out of the need's demand and the offer's capacity, the
//! signed, refused and paused pairs are taken out of the candidates, the policy allocates what is
//! left (with its own certificate, on that residual market), and the signed units are put back
//! into the allocation. A signed agreement beyond a demand or a capacity is an error naming it,
//! never silently cut.

use super::{Allocation, MarketInstance, Match, Policy};
use crate::allocate::AllocateError;
use crate::score::Market;

/// The status of an agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AgreementStatus {
    /// 已签约: the units are fixed in every round until the agreement changes.
    Signed,
    /// 已拒绝: the pair is never allocated.
    Refused,
    /// 暂停: the pair is not allocated this round.
    Paused,
}

impl AgreementStatus {
    /// The status written `s`: 已签约 / signed, 已拒绝 / refused, 暂停 / paused.
    pub fn from_name(s: &str) -> Option<AgreementStatus> {
        Some(match s.trim() {
            "已签约" | "签约" | "signed" => AgreementStatus::Signed,
            "已拒绝" | "拒绝" | "refused" => AgreementStatus::Refused,
            "暂停" | "paused" => AgreementStatus::Paused,
            _ => return None,
        })
    }

    /// The English name, as stored and as the HTTP API writes it: `signed`, `refused`,
    /// `paused`.
    pub fn name(self) -> &'static str {
        match self {
            AgreementStatus::Signed => "signed",
            AgreementStatus::Refused => "refused",
            AgreementStatus::Paused => "paused",
        }
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            AgreementStatus::Signed => "已签约",
            AgreementStatus::Refused => "已拒绝",
            AgreementStatus::Paused => "暂停",
        }
    }
}

/// One agreement of a market, by positions in its [`MarketInstance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Agreement {
    /// The need's position.
    pub need: u32,
    /// The offer's position.
    pub offer: u32,
    /// Units agreed (signed agreements; ignored for the others).
    pub units: u32,
    /// Its status.
    pub status: AgreementStatus,
}

/// The market left once `agreements` are applied, and the signed units fixed: signed units
/// come out of demands and capacities; signed, refused and paused pairs out of the candidates.
///
/// # Errors
/// [`AllocateError::InvalidInstance`] naming the need or offer whose signed units exceed its
/// demand or capacity, or an agreement naming a need or offer outside the market, or one pair
/// agreed twice.
pub fn residual(
    inst: &MarketInstance,
    agreements: &[Agreement],
) -> Result<(MarketInstance, Vec<Match>), AllocateError> {
    let bad = |m: String| Err(AllocateError::InvalidInstance { message: m });
    let (mut demand, mut capacity) = (inst.demand.clone(), inst.capacity.clone());
    let mut agreed: Vec<(u32, u32)> = Vec::with_capacity(agreements.len());
    let mut fixed = Vec::new();
    for a in agreements {
        let (i, j) = (a.need as usize, a.offer as usize);
        if i >= demand.len() || j >= capacity.len() {
            return bad(format!(
                "agreement ({}, {}) names a need or offer outside the market ({} needs, {} offers)",
                a.need,
                a.offer,
                demand.len(),
                capacity.len()
            ));
        }
        agreed.push((a.need, a.offer));
        if a.status != AgreementStatus::Signed || a.units == 0 {
            continue;
        }
        if a.units > demand[i] {
            return bad(format!(
                "signed agreements give need {i} {} more units than it has left ({}): the signed units exceed its demand",
                a.units, demand[i]
            ));
        }
        if a.units > capacity[j] {
            return bad(format!(
                "signed agreements give offer {j} {} more units than it has left ({}): the signed units exceed its capacity",
                a.units, capacity[j]
            ));
        }
        demand[i] -= a.units;
        capacity[j] -= a.units;
        let (w, _) = inst.views(a.need, a.offer);
        fixed.push(Match {
            need: a.need,
            offer: a.offer,
            units: a.units,
            score: w,
        });
    }
    agreed.sort_unstable();
    if let Some(w) = agreed.windows(2).find(|w| w[0] == w[1]) {
        return bad(format!(
            "the pair ({}, {}) has two agreements: keep one",
            w[0].0, w[0].1
        ));
    }
    let pairs = inst
        .pairs
        .iter()
        .filter(|p| agreed.binary_search(&(p.0, p.1)).is_err())
        .copied()
        .collect();
    let left = MarketInstance::new(inst.market, demand, capacity, pairs)?;
    Ok((left, fixed))
}

/// `policy` on `inst` with `agreements` respected: the policy allocates the residual market
/// ([`residual`]; an exact policy's certificate is checked there), and the signed units are
/// added to its allocation, with their welfare (and the policy's bound, when it proves one).
/// Every signed agreement is in the answer with its units; no refused or paused pair is.
///
/// # Errors
/// As [`residual`], and the policy's own.
pub fn allocate_with(
    policy: &dyn Policy,
    inst: &MarketInstance,
    agreements: &[Agreement],
) -> Result<Allocation, AllocateError> {
    if agreements.is_empty() {
        return policy.allocate(inst);
    }
    let (left, fixed) = residual(inst, agreements)?;
    let mut a = policy.allocate(&left)?;
    let fixed_welfare: i128 = fixed
        .iter()
        .map(|m| i128::from(m.score) * i128::from(m.units))
        .sum();
    for m in &fixed {
        if let Some(c) = a.candidate_capacity.get_mut(m.need as usize) {
            c.received += u64::from(m.units);
            c.total += u64::from(m.units);
        }
    }
    a.matches.extend(fixed);
    a.matches.sort_by_key(|m| (m.need, m.offer));
    a.welfare += fixed_welfare;
    a.upper_bound = a.upper_bound.map(|b| b + fixed_welfare);
    a.candidates = inst.candidate_counts();
    Ok(a)
}

/// Minimum-change re-matching: [`allocate_with`] where each unit of a partnership the previous
/// round made (`previous`, by positions in `inst`) counts `keep_bonus` more (fixed point, as
/// scores are), so that a partnership moves only when moving gains more than that per unit.
/// The answer is exact for that objective (an exact policy's certificate is checked on it);
/// its matches and welfare carry the true scores, and no bound is claimed for the plain
/// welfare (`upper_bound` is `None`). `keep_bonus = 0` is [`allocate_with`].
///
/// # Errors
/// As [`allocate_with`].
pub fn allocate_keeping(
    policy: &dyn Policy,
    inst: &MarketInstance,
    agreements: &[Agreement],
    previous: &[(u32, u32)],
    keep_bonus: i64,
) -> Result<Allocation, AllocateError> {
    if keep_bonus == 0 || previous.is_empty() {
        return allocate_with(policy, inst, agreements);
    }
    let mut kept: Vec<(u32, u32)> = previous.to_vec();
    kept.sort_unstable();
    let pairs = inst
        .pairs
        .iter()
        .map(|&(i, j, w, v)| {
            let bonus = if kept.binary_search(&(i, j)).is_ok() {
                keep_bonus
            } else {
                0
            };
            (i, j, w.saturating_add(bonus), v.saturating_add(bonus))
        })
        .collect();
    let sticky = MarketInstance::new(
        inst.market,
        inst.demand.clone(),
        inst.capacity.clone(),
        pairs,
    )?;
    let mut a = allocate_with(policy, &sticky, agreements)?;
    for m in &mut a.matches {
        m.score = inst.views(m.need, m.offer).0;
    }
    a.welfare = a
        .matches
        .iter()
        .map(|m| i128::from(m.score) * i128::from(m.units))
        .sum();
    a.upper_bound = None;
    Ok(a)
}

/// An agreement as a ledger's officers write it: the need's and the offer's ids, units and
/// status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreementRow {
    /// The need's id in the ledger.
    pub need: String,
    /// The offer's id in the ledger.
    pub offer: String,
    /// Units agreed.
    pub units: u32,
    /// Its status.
    pub status: AgreementStatus,
}

/// Agreements by ledger ids resolved to each market's positions (in [`Market::ALL`] order),
/// for [`crate::pipeline::Round`].
///
/// # Errors
/// `(row, message)` for the first row whose need or offer the ledger does not have (the
/// message names the closest ids), whose signed units take a need or an offer beyond what it
/// asks or has, or that agrees a pair a second time.
pub fn resolve(
    l: &crate::Ledger,
    rows: &[AgreementRow],
) -> Result<Vec<Vec<Agreement>>, (usize, String)> {
    use std::collections::HashMap;
    let mut out = vec![Vec::new(); Market::ALL.len()];
    let mut signed_need: HashMap<(Market, usize), u64> = HashMap::new();
    let mut signed_offer: HashMap<(Market, usize), u64> = HashMap::new();
    let mut seen: HashMap<(Market, usize, usize), usize> = HashMap::new();
    for (k, r) in rows.iter().enumerate() {
        let (m, i, j) = crate::score::find_pair(l, &r.need, &r.offer, None).map_err(|e| (k, e))?;
        if let Some(first) = seen.insert((m, i, j), k) {
            return Err((
                k,
                format!(
                    "need {:?} and offer {:?} are agreed a second time (first in row {}): keep one",
                    r.need,
                    r.offer,
                    first + 1
                ),
            ));
        }
        if r.status == AgreementStatus::Signed {
            let need = signed_need.entry((m, i)).or_default();
            *need += u64::from(r.units);
            let asked = crate::score::need_quantity(l, m, i);
            if *need > u64::from(asked) {
                return Err((
                    k,
                    format!(
                        "signed agreements give need {:?} {need} units, more than the {asked} it asks for: correct the units or the need",
                        r.need
                    ),
                ));
            }
            let offer = signed_offer.entry((m, j)).or_default();
            *offer += u64::from(r.units);
            let has = crate::score::offer_quantity(l, m, j);
            if *offer > u64::from(has) {
                return Err((
                    k,
                    format!(
                        "signed agreements take {offer} units of offer {:?}, more than the {has} it has: correct the units or the offer",
                        r.offer
                    ),
                ));
            }
        }
        let at = Market::ALL.iter().position(|&x| x == m).unwrap_or(0);
        out[at].push(Agreement {
            need: u32::try_from(i).unwrap_or(u32::MAX),
            offer: u32::try_from(j).unwrap_or(u32::MAX),
            units: r.units,
            status: r.status,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn market() -> impl Strategy<Value = (MarketInstance, Vec<Agreement>)> {
        (1usize..6, 1usize..6).prop_flat_map(|(n, m)| {
            (
                proptest::collection::vec(1u32..5, n),
                proptest::collection::vec(1u32..5, m),
                proptest::collection::btree_map(
                    (0..n as u32, 0..m as u32),
                    (1i64..1000, 1i64..1000),
                    0..n * m + 1,
                ),
                proptest::collection::btree_map(
                    (0..n as u32, 0..m as u32),
                    (0u32..3, 0u8..3),
                    0..4,
                ),
            )
                .prop_map(|(demand, capacity, pairs, agreed)| {
                    let pairs = pairs
                        .into_iter()
                        .map(|((i, j), (w, v))| (i, j, w, v))
                        .collect();
                    let inst =
                        MarketInstance::new(Market::Talent, demand, capacity, pairs).unwrap();
                    let agreements = agreed
                        .into_iter()
                        .map(|((i, j), (units, s))| Agreement {
                            need: i,
                            offer: j,
                            units,
                            status: [
                                AgreementStatus::Signed,
                                AgreementStatus::Refused,
                                AgreementStatus::Paused,
                            ][s as usize],
                        })
                        .collect();
                    (inst, agreements)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_policy_keeps_signed_units_and_never_allocates_a_refused_or_paused_pair(
            (inst, agreements) in market()
        ) {
            for p in crate::policy::all() {
                let got = allocate_with(p.as_ref(), &inst, &agreements);
                // Signed units beyond a demand or a capacity are refused, with the reason.
                let mut over = false;
                let (mut d, mut c) = (inst.demand.clone(), inst.capacity.clone());
                for a in agreements.iter().filter(|a| a.status == AgreementStatus::Signed) {
                    over |= a.units > d[a.need as usize] || a.units > c[a.offer as usize];
                    d[a.need as usize] = d[a.need as usize].saturating_sub(a.units);
                    c[a.offer as usize] = c[a.offer as usize].saturating_sub(a.units);
                }
                if over {
                    let e = got.unwrap_err().to_string();
                    prop_assert!(e.contains("exceed"), "{e}");
                    continue;
                }
                let a = got.unwrap();
                for g in &agreements {
                    let units: u32 = a.matches.iter().filter(|m| (m.need, m.offer) == (g.need, g.offer)).map(|m| m.units).sum();
                    match g.status {
                        AgreementStatus::Signed => prop_assert_eq!(units, g.units, "{}", p.name()),
                        _ => prop_assert_eq!(units, 0, "{}", p.name()),
                    }
                }
                // Still feasible for the whole market.
                let mut used_d = vec![0u32; inst.needs()];
                let mut used_c = vec![0u32; inst.offers()];
                for m in &a.matches {
                    used_d[m.need as usize] += m.units;
                    used_c[m.offer as usize] += m.units;
                }
                prop_assert!(used_d.iter().zip(&inst.demand).all(|(u, d)| u <= d));
                prop_assert!(used_c.iter().zip(&inst.capacity).all(|(u, c)| u <= c));
                let welfare: i128 = a.matches.iter().map(|m| i128::from(m.score) * i128::from(m.units)).sum();
                prop_assert_eq!(a.welfare, welfare);
            }
        }
    }

    #[test]
    fn a_keep_bonus_keeps_last_rounds_partnerships_unless_moving_gains_more() {
        // Two needs, two offers, one unit each; last round: 0→1 and 1→0 (welfare 900). Now
        // 0→0 and 1→1 score 1000: moving gains 100 in all, 50 per unit.
        let inst = MarketInstance::new(
            Market::Talent,
            vec![1, 1],
            vec![1, 1],
            vec![
                (0, 0, 500, 500),
                (0, 1, 450, 450),
                (1, 0, 450, 450),
                (1, 1, 500, 500),
            ],
        )
        .unwrap();
        let previous = [(0, 1), (1, 0)];
        let run = |bonus| {
            let a =
                allocate_keeping(&crate::policy::Welfare, &inst, &[], &previous, bonus).unwrap();
            let pairs: Vec<(u32, u32)> = a.matches.iter().map(|m| (m.need, m.offer)).collect();
            (pairs, a.welfare)
        };
        assert_eq!(run(0), (vec![(0, 0), (1, 1)], 1000));
        assert_eq!(run(40), (vec![(0, 0), (1, 1)], 1000));
        assert_eq!(run(60), (vec![(0, 1), (1, 0)], 900));
    }

    #[test]
    fn welfare_with_agreements_is_the_best_the_residual_market_allows_plus_the_signed_units() {
        // Need 0 (2 units) and need 1 (1 unit); offer 0 (2), offer 1 (1). Best alone: 0→0 ×2,
        // 1→1. Signed: need 1 takes offer 0; refused: need 0 with offer 0.
        let inst = MarketInstance::new(
            Market::Talent,
            vec![2, 1],
            vec![2, 1],
            vec![
                (0, 0, 900, 900),
                (0, 1, 500, 500),
                (1, 0, 300, 300),
                (1, 1, 800, 800),
            ],
        )
        .unwrap();
        let agreements = [
            Agreement {
                need: 1,
                offer: 0,
                units: 1,
                status: AgreementStatus::Signed,
            },
            Agreement {
                need: 0,
                offer: 0,
                units: 0,
                status: AgreementStatus::Refused,
            },
        ];
        let a = allocate_with(&crate::policy::Welfare, &inst, &agreements).unwrap();
        let pairs: Vec<(u32, u32, u32)> = a
            .matches
            .iter()
            .map(|m| (m.need, m.offer, m.units))
            .collect();
        assert_eq!(pairs, vec![(0, 1, 1), (1, 0, 1)]);
        assert_eq!(a.welfare, 500 + 300);
        assert_eq!(a.unmet, vec![1, 0]);
        let e = allocate_with(
            &crate::policy::Welfare,
            &inst,
            &[Agreement {
                need: 1,
                offer: 1,
                units: 2,
                status: AgreementStatus::Signed,
            }],
        )
        .unwrap_err();
        assert!(e.to_string().contains("need 1"), "{e}");
    }
}
