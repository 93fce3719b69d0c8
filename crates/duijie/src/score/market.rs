//! The four markets and how a need or an offer of each reads: its owner, year, quantity, city
//! and major.

use super::*;
/// The four markets duijie allocates in. Each has needs (rows) and offers (columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Market {
    /// Enterprises' talent needs × schools' graduates (persons).
    Talent,
    /// Enterprises' technology needs × schools' and institutes' capabilities (projects; each
    /// need is one project).
    Technology,
    /// Enterprises' training needs × schools' training offers (trainees).
    Training,
    /// Schools' placement needs × enterprises' offers (places).
    Placement,
}

impl Market {
    /// Every market.
    pub const ALL: [Market; 4] = [
        Market::Talent,
        Market::Technology,
        Market::Training,
        Market::Placement,
    ];

    /// The market named `s`, in English ([`Market::name`]) or Chinese ([`Market::name_zh`]).
    ///
    /// # Errors
    /// A sentence listing the names when `s` is none of them.
    pub fn from_name(s: &str) -> Result<Market, String> {
        Market::ALL
            .into_iter()
            .find(|m| m.name() == s || m.name_zh() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Market::ALL.iter().map(|m| m.name()).collect();
                format!("unknown market {s:?}; one of {}", names.join(", "))
            })
    }

    /// The name used in reports and files.
    pub fn name(self) -> &'static str {
        match self {
            Market::Talent => "talent",
            Market::Technology => "technology",
            Market::Training => "training",
            Market::Placement => "placement",
        }
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Market::Talent => "人才",
            Market::Technology => "技术",
            Market::Training => "培训",
            Market::Placement => "实习实践",
        }
    }

    /// How many needs (rows) the market has in a ledger.
    pub fn needs(self, l: &Ledger) -> usize {
        match self {
            Market::Talent => l.talent_needs.len(),
            Market::Technology => l.technology_needs.len(),
            Market::Training => l.training_needs.len(),
            Market::Placement => l.placement_needs.len(),
        }
    }

    /// How many offers (columns) the market has in a ledger.
    pub fn offers(self, l: &Ledger) -> usize {
        match self {
            Market::Talent => l.talent_supply.len(),
            Market::Technology => l.technology_capabilities.len(),
            Market::Training => l.training_offers.len(),
            Market::Placement => l.placement_offers.len(),
        }
    }
}

impl std::fmt::Display for Market {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The facts about one side of a pair that scoring uses, whatever the market.
pub(super) struct Side<'l> {
    pub(super) party: &'l crate::model::Party,
    pub(super) year: u16,
    pub(super) quantity: u32,
    pub(super) city: Option<CityId>,
}

/// Major-based record view (talent, training, placement).
pub(super) struct MajorSide {
    pub(super) major: MajorId,
    pub(super) level: Level,
    /// Training or placement kind as a small integer; `None` for talent.
    pub(super) kind: Option<u8>,
    /// Employment rate (talent supply only).
    pub(super) quality: Option<f64>,
}

/// The facts of one side of a pair: its party, year, quantity and place (the city defaults to
/// the party's), and, for major-based markets, its major, level, kind and quality.
pub(super) fn side(
    l: &Ledger,
    party: PartyId,
    year: u16,
    quantity: u32,
    city: Option<CityId>,
) -> Side<'_> {
    let party = l.party(party);
    Side {
        party,
        year,
        quantity,
        city: city.or(party.city),
    }
}

pub(super) fn major(
    major: MajorId,
    level: Level,
    kind: Option<u8>,
    quality: Option<f64>,
) -> Option<MajorSide> {
    Some(MajorSide {
        major,
        level,
        kind,
        quality,
    })
}

pub(super) fn need_side(l: &Ledger, m: Market, i: usize) -> (Side<'_>, Option<MajorSide>) {
    match m {
        Market::Talent => {
            let n = &l.talent_needs[i];
            (
                side(l, n.enterprise, n.year, n.headcount, n.city),
                major(n.major, n.level, None, None),
            )
        }
        Market::Technology => {
            let n = &l.technology_needs[i];
            (side(l, n.enterprise, n.year, 1, None), None)
        }
        Market::Training => {
            let n = &l.training_needs[i];
            (
                side(l, n.enterprise, n.year, n.trainees, None),
                major(n.major, n.level, Some(n.kind as u8), None),
            )
        }
        Market::Placement => {
            let n = &l.placement_needs[i];
            (
                side(l, n.school, n.year, n.places, None),
                major(n.major, n.level, Some(n.kind as u8), None),
            )
        }
    }
}

pub(super) fn offer_side(l: &Ledger, m: Market, j: usize) -> (Side<'_>, Option<MajorSide>) {
    match m {
        Market::Talent => {
            let o = &l.talent_supply[j];
            (
                side(l, o.school, o.year, o.graduates, None),
                major(o.major, o.level, None, o.employment_rate),
            )
        }
        Market::Technology => {
            let o = &l.technology_capabilities[j];
            (side(l, o.provider, o.year, o.capacity, None), None)
        }
        Market::Training => {
            let o = &l.training_offers[j];
            (
                side(l, o.school, o.year, o.capacity, None),
                major(o.major, o.level, Some(o.kind as u8), None),
            )
        }
        Market::Placement => {
            let o = &l.placement_offers[j];
            (
                side(l, o.enterprise, o.year, o.places, None),
                major(o.major, o.level, Some(o.kind as u8), None),
            )
        }
    }
}

/// How a supplier rates a partner party for the offer-side view ([`Scorer::offer_view`]): an
/// enterprise by size (大型 1, 中型 0.75, 小型 0.5, 微型 0.25), a school by level (研究生 1,
/// 本科 0.85, 高职本科 0.8, 高职专科 0.7, 中职 0.55), an institute 0.9, anyone else 0.5.
pub fn partner_standing(p: &crate::model::Party) -> f64 {
    use crate::model::{EnterpriseSize as S, PartyDetail as D};
    match &p.detail {
        D::Enterprise { size, .. } => match size {
            S::Large => 1.0,
            S::Medium => 0.75,
            S::Small => 0.5,
            S::Micro => 0.25,
        },
        D::School { level, .. } => match level {
            Level::Graduate => 1.0,
            Level::Bachelor => 0.85,
            Level::VocationalBachelor => 0.8,
            Level::HigherVocational => 0.7,
            Level::SecondaryVocational => 0.55,
        },
        D::Institute => 0.9,
        D::Authority { .. } => 0.5,
    }
}

/// The quantity (demand) of need `i` of a market.
pub fn need_quantity(l: &Ledger, m: Market, i: usize) -> u32 {
    need_side(l, m, i).0.quantity
}

/// The quantity (capacity) of offer `j` of a market.
pub fn offer_quantity(l: &Ledger, m: Market, j: usize) -> u32 {
    offer_side(l, m, j).0.quantity
}

/// The owner party of need `i`.
pub fn need_owner(l: &Ledger, m: Market, i: usize) -> crate::id::PartyId {
    need_side(l, m, i).0.party.id
}

/// The owner party of offer `j`.
pub fn offer_owner(l: &Ledger, m: Market, j: usize) -> crate::id::PartyId {
    offer_side(l, m, j).0.party.id
}

/// The external id of need `i`.
pub fn need_external_id(l: &Ledger, m: Market, i: usize) -> &str {
    match m {
        Market::Talent => &l.talent_needs[i].external_id,
        Market::Technology => &l.technology_needs[i].external_id,
        Market::Training => &l.training_needs[i].external_id,
        Market::Placement => &l.placement_needs[i].external_id,
    }
}

/// The external id of offer `j`.
pub fn offer_external_id(l: &Ledger, m: Market, j: usize) -> &str {
    match m {
        Market::Talent => &l.talent_supply[j].external_id,
        Market::Technology => &l.technology_capabilities[j].external_id,
        Market::Training => &l.training_offers[j].external_id,
        Market::Placement => &l.placement_offers[j].external_id,
    }
}

/// Finds the need `need_id` and the offer `offer_id` of one market, by the ids the ledger gave
/// them: `(market, need index, offer index)`. `market` narrows the search when a need id is
/// used in more than one market.
///
/// # Errors
/// A sentence naming the id that was not found and the closest ids the ledger has, or the
/// markets an ambiguous need id is used in.
pub fn find_pair(
    l: &Ledger,
    need_id: &str,
    offer_id: &str,
    market: Option<Market>,
) -> Result<(Market, usize, usize), String> {
    let closest = |id: &str, ids: &mut dyn Iterator<Item = &str>| {
        crate::catalogue::closest(id, ids, 0.0, 5).join(", ")
    };
    let markets = || {
        Market::ALL
            .iter()
            .copied()
            .filter(move |&m| market.is_none_or(|x| x == m))
    };
    let found: Vec<(Market, usize)> = markets()
        .flat_map(|m| {
            (0..m.needs(l))
                .filter(move |&i| need_external_id(l, m, i) == need_id)
                .map(move |i| (m, i))
        })
        .collect();
    let (m, i) = match found.as_slice() {
        [one] => *one,
        [] => {
            let mut ids =
                markets().flat_map(|m| (0..m.needs(l)).map(move |i| need_external_id(l, m, i)));
            return Err(format!(
                "no need with id {need_id:?} in the ledger; the closest ids are: {}",
                closest(need_id, &mut ids)
            ));
        }
        many => {
            return Err(format!(
                "need id {need_id:?} is used in several markets ({}); name the market (--market on the command line)",
                many.iter()
                    .map(|(m, _)| m.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    };
    match (0..m.offers(l)).find(|&j| offer_external_id(l, m, j) == offer_id) {
        Some(j) => Ok((m, i, j)),
        None => {
            let mut ids = (0..m.offers(l)).map(|j| offer_external_id(l, m, j));
            Err(format!(
                "no {} offer with id {offer_id:?} in the ledger; the closest ids are: {}",
                m.name(),
                closest(offer_id, &mut ids)
            ))
        }
    }
}
