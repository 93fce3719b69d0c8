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

/// A candidate pair seen from one party: (party, −score, partner, side, own, other).
type Seen = (u32, i64, u32, Side, u32, u32);

/// The order of a party's candidates: best score first, ties to the lower partner id, the
/// need side, then the lower records.
fn sort_key(&(p, s, q, side, a, b): &Seen) -> (u32, i64, u32, bool, u32, u32) {
    (p, s, q, side == Side::Offers, a, b)
}

/// Appends to `list` the `k` best partners of one party's sorted candidates in market `m`,
/// each partner once (its best pair).
fn best(
    l: &Ledger,
    m: Market,
    sorted: impl IntoIterator<Item = Seen>,
    k: usize,
    list: &mut Vec<Recommendation>,
) {
    let mut seen: Vec<u32> = Vec::with_capacity(k);
    for (_, s, partner, side, own, other) in sorted {
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
}

/// Every party's candidate pairs, indexed by party and ranked once, so that one party's
/// recommendations cost only reading its best pairs ([`RecommendIndex::of`] gives what
/// [`recommendations_of`] gives, without reading every pair of every market): what a service
/// answering many parties keeps.
#[derive(Clone, Debug)]
pub struct RecommendIndex {
    /// Per instance: the start of each party's entries, and the entries in the party's order
    /// of preference, each the pair's index with the side in the top bit (set: the offer side).
    markets: Vec<(Vec<u32>, Vec<u32>)>,
}

const OFFER_SIDE: u32 = 1 << 31;

/// The candidate pair `e` of an index entry, seen from `party`.
fn seen_from(l: &Ledger, inst: &MarketInstance, party: u32, e: u32) -> Seen {
    let m = inst.market;
    let (i, j, w, v) = inst.pairs[(e & !OFFER_SIDE) as usize];
    if e & OFFER_SIDE == 0 {
        (
            party,
            -w,
            score::offer_owner(l, m, j as usize).get(),
            Side::Needs,
            i,
            j,
        )
    } else {
        (
            party,
            -v,
            score::need_owner(l, m, i as usize).get(),
            Side::Offers,
            j,
            i,
        )
    }
}

impl RecommendIndex {
    /// The index of `instances` (a market of 2³¹ pairs or more is not indexed: it answers
    /// nothing).
    pub fn new(l: &Ledger, instances: &[MarketInstance]) -> RecommendIndex {
        let parties = l.parties.len();
        let markets = instances
            .iter()
            .map(|inst| {
                let m = inst.market;
                if u32::try_from(inst.pairs.len()).map_or(true, |n| n >= OFFER_SIDE) {
                    return (vec![0; parties + 1], Vec::new());
                }
                let owners: Vec<(u32, u32)> = inst
                    .pairs
                    .iter()
                    .map(|&(i, j, _, _)| {
                        (
                            score::need_owner(l, m, i as usize).get(),
                            score::offer_owner(l, m, j as usize).get(),
                        )
                    })
                    .collect();
                let mut start = vec![0u32; parties + 1];
                for &(a, b) in &owners {
                    start[a as usize + 1] += 1;
                    start[b as usize + 1] += 1;
                }
                for p in 0..parties {
                    start[p + 1] += start[p];
                }
                let mut fill = start.clone();
                let mut entries = vec![0u32; 2 * owners.len()];
                for (k, &(a, b)) in (0u32..).zip(&owners) {
                    entries[fill[a as usize] as usize] = k;
                    fill[a as usize] += 1;
                    entries[fill[b as usize] as usize] = k | OFFER_SIDE;
                    fill[b as usize] += 1;
                }
                for p in 0..parties {
                    let party = u32::try_from(p).unwrap_or(u32::MAX);
                    entries[start[p] as usize..start[p + 1] as usize]
                        .sort_by_cached_key(|&e| sort_key(&seen_from(l, inst, party, e)));
                }
                (start, entries)
            })
            .collect();
        RecommendIndex { markets }
    }

    /// [`recommendations_of`] from the index: `party`'s `k` best partners in each market of
    /// `instances` (the instances the index was made from).
    pub fn of(
        &self,
        l: &Ledger,
        instances: &[MarketInstance],
        party: PartyId,
        k: usize,
    ) -> Vec<Recommendation> {
        let mut out = Vec::new();
        if k == 0 {
            return out;
        }
        let p = party.index();
        for (inst, (start, entries)) in instances.iter().zip(&self.markets) {
            let (Some(&a), Some(&b)) = (start.get(p), start.get(p + 1)) else {
                continue;
            };
            let ranked = entries[a as usize..b as usize]
                .iter()
                .map(|&e| seen_from(l, inst, party.get(), e));
            best(l, inst.market, ranked, k, &mut out);
        }
        out
    }
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
        let mut all: Vec<Seen> = Vec::with_capacity(2 * inst.pairs.len());
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
        all.sort_unstable_by_key(sort_key);
        let mut start = 0;
        while start < all.len() {
            let party = all[start].0;
            let end = start + all[start..].iter().take_while(|x| x.0 == party).count();
            best(
                l,
                m,
                all[start..end].iter().copied(),
                k,
                &mut out[party as usize],
            );
            start = end;
        }
    }
    out
}
