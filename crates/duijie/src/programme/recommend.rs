//! Recommended partners for a 对接会 (matchmaking meeting): for each party, the best partners on
//! the other side of its needs and offers, by its own side's score, whatever the allocation
//! chose (R8). Either side: an enterprise's schools and institutes, a school's enterprises.

use crate::id::PartyId;
use crate::model::Ledger;
use crate::policy::{MarketInstance, Side};
use crate::score::{self, Market};

/// One recommended partner of a party.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Recommendation {
    /// The market.
    pub market: Market,
    /// Which side the party's own record is on: its need ([`Side::Needs`]) or its offer.
    pub side: Side,
    /// The party's own record (need or offer index in `market`).
    pub own: u32,
    /// The partner's record on the other side.
    pub other: u32,
    /// The partner.
    pub partner: PartyId,
    /// The pair's score from the party's own side (need-side for its need, offer-side for its
    /// offer), fixed-point ([`score::SCALE`]).
    pub score: i64,
}

impl Recommendation {
    /// The ledger ids of the party's own record and the partner's: `(own, other)`.
    pub fn record_ids<'a>(&self, l: &'a Ledger) -> (&'a str, &'a str) {
        let (i, j) = self.pair();
        let (need, offer) = (
            score::need_external_id(l, self.market, i),
            score::offer_external_id(l, self.market, j),
        );
        match self.side {
            Side::Needs => (need, offer),
            Side::Offers => (offer, need),
        }
    }

    /// The pair as `(need, offer)` indices of its market.
    pub fn pair(&self) -> (usize, usize) {
        match self.side {
            Side::Needs => (self.own as usize, self.other as usize),
            Side::Offers => (self.other as usize, self.own as usize),
        }
    }
}

/// For every party of `l`, its `k` best partners in each market of `instances`: over the
/// candidate pairs of its needs and offers, each partner once per market (its best pair), best
/// first; ties go to the lower partner id, then the lower records. Parties in order of
/// [`Ledger::parties`]; a party with no candidate has an empty list.
pub fn recommendations(
    l: &Ledger,
    instances: &[MarketInstance],
    k: usize,
) -> Vec<Vec<Recommendation>> {
    lists(l, instances, k, None)
}

/// [`recommendations`] of one party alone: only the pairs it is in are ranked.
pub fn recommendations_of(
    l: &Ledger,
    instances: &[MarketInstance],
    party: PartyId,
    k: usize,
) -> Vec<Recommendation> {
    lists(l, instances, k, Some(party)).swap_remove(party.index())
}

/// Every party's lists, or only `only`'s (the others left empty).
fn lists(
    l: &Ledger,
    instances: &[MarketInstance],
    k: usize,
    only: Option<PartyId>,
) -> Vec<Vec<Recommendation>> {
    let keep = |p: PartyId| only.is_none_or(|o| o == p);
    let mut out: Vec<Vec<Recommendation>> = vec![Vec::new(); l.parties.len()];
    if k == 0 {
        return out;
    }
    for inst in instances {
        let m = inst.market;
        // (party, -score, partner, side, own, other): one sort gives every party's list.
        let mut all: Vec<(u32, i64, u32, Side, u32, u32)> =
            Vec::with_capacity(2 * inst.pairs.len());
        for &(i, j, w, v) in &inst.pairs {
            let need_owner = score::need_owner(l, m, i as usize);
            let offer_owner = score::offer_owner(l, m, j as usize);
            if keep(need_owner) {
                all.push((need_owner.get(), -w, offer_owner.get(), Side::Needs, i, j));
            }
            if keep(offer_owner) {
                all.push((offer_owner.get(), -v, need_owner.get(), Side::Offers, j, i));
            }
        }
        all.sort_unstable_by_key(|&(p, s, q, side, a, b)| (p, s, q, side == Side::Offers, a, b));
        let mut start = 0;
        while start < all.len() {
            let party = all[start].0;
            let end = start + all[start..].iter().take_while(|x| x.0 == party).count();
            let list = &mut out[party as usize];
            let mut seen: Vec<u32> = Vec::with_capacity(k);
            for &(_, s, partner, side, own, other) in &all[start..end] {
                if seen.len() == k {
                    break;
                }
                if seen.contains(&partner) {
                    continue;
                }
                seen.push(partner);
                list.push(Recommendation {
                    market: m,
                    side,
                    own,
                    other,
                    partner: l.parties[partner as usize].id,
                    score: -s,
                });
            }
            start = end;
        }
    }
    out
}
