//! The alliance programme (校企联盟): forming alliances and choosing their lead units (R2, R3),
//! consortia for core technology needs (R4, 联合攻克), gap analysis with capacity what-ifs (R7),
//! and programme targets with progress (R6, R10).
//!
//! Everything here reads a [`Ledger`] and the [`MarketInstance`]s built from it (so the same
//! candidate pairs and scores the policies allocate), and is deterministic.

mod consortium;
mod gaps;
mod recommend;
mod run;
mod targets;
#[cfg(test)]
mod tests;

pub use consortium::{Consortium, consortia, greedy_bound, technology_capacity};
pub use gaps::{GapRow, Signal, WhatIf, capacity_what_if, capacity_what_if_within, gaps};
pub use recommend::{RecommendIndex, Recommendation, recommendations, recommendations_of};
pub use run::{ProgrammeConfig, ProgrammeError, ProgrammeReport, run};
pub use targets::{AllianceProgress, Progress, Targets, TargetsError, alliance_progress, progress};

use crate::catalogue::Catalogues;
use crate::id::PartyId;
use crate::model::{EnterpriseSize, Ledger, PartyDetail, PartyKind, PlatformLevel};
use crate::policy::MarketInstance;
use crate::score::{self, Market};

/// How enterprises are grouped into alliances. Each enterprise belongs to exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Grouping {
    /// By the enterprise's development domain (发展领域) as the ledger gives it; an enterprise
    /// without one goes by its GB/T 4754 section (门类).
    #[default]
    Domain,
    /// By GB/T 4754 section (门类): a group of domains.
    Industry,
    /// By city: alliances across industries within a city.
    City,
    /// By key park (重点园区: 沈大国家自主创新示范区, 沈抚新区, 金普新区, 中德产业园, …) as the
    /// ledger's `park` field gives it; an enterprise in no park goes by its domain.
    Park,
}

/// The rules alliances are formed by.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AllianceRules {
    /// How enterprises are grouped.
    pub grouping: Grouping,
    /// A school or institute joins an alliance when it can serve one of the alliance's
    /// enterprises with a candidate pair scoring at least this much (0–1).
    pub min_score: f64,
    /// Out-of-province members per alliance, as a share of its in-province suppliers (the
    /// best-fitting join first; at least one may join).
    pub out_of_province_quota: f64,
}

impl Default for AllianceRules {
    fn default() -> Self {
        AllianceRules {
            grouping: Grouping::Domain,
            min_score: 0.5,
            out_of_province_quota: 0.2,
        }
    }
}

/// One alliance.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Alliance {
    /// The alliance's name (its domain, section or city).
    pub name: String,
    /// Member enterprises (each in no other alliance), by party index.
    pub enterprises: Vec<PartyId>,
    /// Member schools and institutes (in-province and admitted out-of-province).
    pub suppliers: Vec<PartyId>,
    /// Out-of-province suppliers that fit but did not fit in the quota.
    pub out_of_quota: Vec<PartyId>,
    /// The lead unit (理事长单位); `None` for an alliance with no school or institute (then
    /// `lead_reason` says so).
    pub lead: Option<PartyId>,
    /// The lead's strength (see [`form_alliances`]) and the reason it leads.
    pub lead_reason: String,
}

/// A school or large or medium enterprise left out of every alliance, and why (R6).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeftOut {
    /// The party.
    pub party: PartyId,
    /// Why, in words.
    pub reason: String,
}

/// The alliances of a ledger.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Alliances {
    /// The alliances, by name.
    pub alliances: Vec<Alliance>,
    /// For each party, the alliances it belongs to (indices into `alliances`).
    pub membership: Vec<Vec<u32>>,
    /// Schools and large or medium enterprises in no alliance, with the reason.
    pub left_out: Vec<LeftOut>,
}

/// A node of the alliances' membership graph ([`Alliances::graph`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberNode {
    /// An alliance, by index into [`Alliances::alliances`].
    Alliance(u32),
    /// A member party.
    Party(PartyId),
}

/// An edge of the membership graph: a party belongs to an alliance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Membership {
    /// The party is the alliance's lead unit (理事长单位).
    pub lead: bool,
}

impl Alliances {
    /// The membership graph: a node per alliance (in order), then a node per member party (by
    /// party id), and an edge from each alliance to each of its members (enterprises, then
    /// suppliers, as listed). GraphML and DOT exports are written from it; its connected
    /// components are the groups of alliances that share members.
    pub fn graph(&self) -> petgraph::graph::UnGraph<MemberNode, Membership> {
        use petgraph::graph::NodeIndex;
        let mut g = petgraph::graph::UnGraph::default();
        let alliance_nodes: Vec<NodeIndex> = (0..self.alliances.len())
            .map(|k| g.add_node(MemberNode::Alliance(u32::try_from(k).unwrap_or(u32::MAX))))
            .collect();
        let members: std::collections::BTreeSet<PartyId> = self
            .alliances
            .iter()
            .flat_map(|a| a.enterprises.iter().chain(&a.suppliers).copied())
            .collect();
        let party_nodes: std::collections::BTreeMap<PartyId, NodeIndex> = members
            .into_iter()
            .map(|p| (p, g.add_node(MemberNode::Party(p))))
            .collect();
        for (a, &node) in self.alliances.iter().zip(&alliance_nodes) {
            for p in a.enterprises.iter().chain(&a.suppliers) {
                g.add_edge(
                    node,
                    party_nodes[p],
                    Membership {
                        lead: a.lead == Some(*p),
                    },
                );
            }
        }
        g
    }

    /// Groups of alliances joined through shared members (a school in two alliances joins
    /// them): the membership graph's connected components, each a sorted list of alliance
    /// indices, in order of their first alliance.
    pub fn linked_groups(&self) -> Vec<Vec<u32>> {
        let g = self.graph();
        let mut uf = petgraph::unionfind::UnionFind::<usize>::new(g.node_count());
        for e in g.raw_edges() {
            uf.union(e.source().index(), e.target().index());
        }
        let mut groups: std::collections::BTreeMap<usize, Vec<u32>> =
            std::collections::BTreeMap::new();
        for n in g.node_indices() {
            if let MemberNode::Alliance(k) = g[n] {
                groups.entry(uf.find(n.index())).or_default().push(k);
            }
        }
        let mut out: Vec<Vec<u32>> = groups.into_values().collect();
        out.sort_unstable();
        out
    }

    /// Share of schools in at least one alliance (1 when there are none).
    pub fn school_coverage(&self, l: &Ledger) -> f64 {
        share(l, &self.membership, |p| p.kind() == PartyKind::School)
    }

    /// Share of large and medium enterprises in an alliance (1 when there are none).
    pub fn enterprise_coverage(&self, l: &Ledger) -> f64 {
        share(l, &self.membership, |p| {
            matches!(
                p.detail,
                PartyDetail::Enterprise {
                    size: EnterpriseSize::Large | EnterpriseSize::Medium,
                    ..
                }
            )
        })
    }
}

fn share(l: &Ledger, membership: &[Vec<u32>], pred: impl Fn(&crate::Party) -> bool) -> f64 {
    let (mut n, mut c) = (0usize, 0usize);
    for p in l.parties.iter().filter(|p| pred(p)) {
        n += 1;
        c += usize::from(!membership[p.id.index()].is_empty());
    }
    #[allow(clippy::cast_precision_loss)]
    if n == 0 { 1.0 } else { c as f64 / n as f64 }
}

/// The alliance an enterprise belongs to under `g` (its name, as [`form_alliances`] names
/// it), or `None` for a party that is not an enterprise.
pub fn enterprise_alliance(p: &crate::Party, g: Grouping) -> Option<String> {
    matches!(p.detail, PartyDetail::Enterprise { .. }).then(|| alliance_key(p, g))
}

/// The alliance key of an enterprise under `g`.
fn alliance_key(p: &crate::Party, g: Grouping) -> String {
    let c = Catalogues::get();
    let PartyDetail::Enterprise {
        division,
        domain,
        park,
        ..
    } = &p.detail
    else {
        return String::new();
    };
    let section = || {
        let d = c.division(*division);
        format!("{} {}", d.section, d.section_name)
    };
    let named = |x: &Option<String>| {
        x.as_ref()
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
    };
    match g {
        Grouping::Domain => named(domain).unwrap_or_else(section),
        Grouping::Park => named(park)
            .or_else(|| named(domain))
            .unwrap_or_else(section),
        Grouping::Industry => section(),
        Grouping::City => p.city.map_or_else(
            || {
                if p.out_of_province {
                    "省外".to_owned()
                } else {
                    "城市未知".to_owned()
                }
            },
            |city| c.city(city).name.to_owned(),
        ),
    }
}

/// A platform's weight in the strength indicator.
fn platform_weight(p: PlatformLevel) -> f64 {
    match p {
        PlatformLevel::National => 1.0,
        PlatformLevel::Provincial => 0.6,
        PlatformLevel::Municipal => 0.3,
        PlatformLevel::None => 0.0,
    }
}

/// Forms the alliances of `l` under `rules` from the candidate pairs of `instances` (each
/// market's [`MarketInstance`] of the same ledger, as [`MarketInstance::from_scorer`] builds
/// them).
///
/// - Each enterprise belongs to exactly one alliance: the one of its domain, section or city.
/// - A school or institute belongs to every alliance one of whose enterprises it can serve: a
///   candidate pair between them, in any market and either direction, scoring at least
///   `rules.min_score`. Its *affinity* to the alliance is the sum of those pairs' scores.
/// - Out-of-province suppliers join flexibly: per alliance at most
///   `max(1, ⌊quota × in-province suppliers⌋)`, highest affinity first; the rest are listed in
///   `out_of_quota`.
/// - The lead unit (理事长单位) is the member with the highest **strength**:
///   `0.5 · affinity share + 0.3 · standing + 0.2 · platform`, where affinity share is the
///   member's affinity over the alliance's largest, standing is
///   [`score::partner_standing`] (size or level), and platform is the member's best
///   technology platform (国家级 1, 省级 0.6, 市级 0.3). Ties go to the lower party index.
/// - Schools and large or medium enterprises in no alliance are listed with the reason (R6).
pub fn form_alliances(
    l: &Ledger,
    instances: &[MarketInstance],
    rules: &AllianceRules,
) -> Alliances {
    use std::collections::BTreeMap;
    let np = l.parties.len();
    // Alliances by key, in key order (deterministic).
    let mut keys: BTreeMap<String, Vec<PartyId>> = BTreeMap::new();
    for p in l
        .parties
        .iter()
        .filter(|p| p.kind() == PartyKind::Enterprise)
    {
        keys.entry(alliance_key(p, rules.grouping))
            .or_default()
            .push(p.id);
    }
    let names: Vec<String> = keys.keys().cloned().collect();
    let mut of_enterprise: Vec<Option<u32>> = vec![None; np];
    for (a, members) in keys.values().enumerate() {
        for e in members {
            of_enterprise[e.index()] = Some(u32::try_from(a).unwrap_or(u32::MAX));
        }
    }
    // Affinity of each supplier to each alliance, and its best pair below the threshold (for
    // the left-out reason).
    let floor = score::to_fixed(rules.min_score);
    let mut affinity: BTreeMap<(u32, usize), i64> = BTreeMap::new();
    let mut enterprise_mass = vec![0i64; np];
    let mut any_pair = vec![false; np];
    for inst in instances {
        for &(i, j, w, _) in &inst.pairs {
            let need = score::need_owner(l, inst.market, i as usize);
            let offer = score::offer_owner(l, inst.market, j as usize);
            let (ent, sup) = if inst.market == Market::Placement {
                (offer, need)
            } else {
                (need, offer)
            };
            any_pair[sup.index()] = true;
            any_pair[ent.index()] = true;
            if w < floor {
                continue;
            }
            let Some(a) = of_enterprise[ent.index()] else {
                continue;
            };
            *affinity.entry((a, sup.index())).or_default() += w;
            enterprise_mass[ent.index()] += w;
        }
    }
    let mut suppliers: Vec<Vec<(i64, PartyId)>> = vec![Vec::new(); names.len()];
    for (&(a, s), &w) in &affinity {
        suppliers[a as usize].push((w, l.parties[s].id));
    }
    let platform = {
        let mut best = vec![0.0f64; np];
        for cap in &l.technology_capabilities {
            let b = &mut best[cap.provider.index()];
            *b = b.max(platform_weight(cap.platform_level));
        }
        best
    };
    let mut membership: Vec<Vec<u32>> = vec![Vec::new(); np];
    let mut alliances = Vec::with_capacity(names.len());
    for (a, (name, enterprises)) in keys.into_iter().enumerate() {
        let au = u32::try_from(a).unwrap_or(u32::MAX);
        let mut inside: Vec<(i64, PartyId)> = Vec::new();
        let mut outside: Vec<(i64, PartyId)> = Vec::new();
        for &(w, s) in &suppliers[a] {
            if l.party(s).out_of_province {
                outside.push((w, s));
            } else {
                inside.push((w, s));
            }
        }
        outside.sort_by_key(|&(w, s)| (std::cmp::Reverse(w), s));
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let quota =
            ((rules.out_of_province_quota.max(0.0) * inside.len() as f64).floor() as usize).max(1);
        let admitted = outside.len().min(quota);
        let out_of_quota: Vec<PartyId> = outside[admitted..].iter().map(|x| x.1).collect();
        inside.extend_from_slice(&outside[..admitted]);
        inside.sort_by_key(|x| x.1);
        // Strength of every member.
        let max_aff = inside
            .iter()
            .map(|x| x.0)
            .chain(enterprises.iter().map(|e| enterprise_mass[e.index()]))
            .max()
            .unwrap_or(0)
            .max(1);
        let strength = |p: PartyId, aff: i64| {
            #[allow(clippy::cast_precision_loss)]
            let share = aff as f64 / max_aff as f64;
            0.5 * share + 0.3 * score::partner_standing(l.party(p)) + 0.2 * platform[p.index()]
        };
        // An alliance no school or institute can serve is not a 校企联盟: no lead unit.
        let lead = if inside.is_empty() {
            None
        } else {
            enterprises
                .iter()
                .map(|&e| (e, enterprise_mass[e.index()]))
                .chain(inside.iter().map(|&(w, s)| (s, w)))
                .map(|(p, aff)| (strength(p, aff), p))
                .fold(None::<(f64, PartyId)>, |best, (s, p)| match best {
                    Some((bs, bp)) if bs > s || (bs == s && bp < p) => Some((bs, bp)),
                    _ => Some((s, p)),
                })
        };
        for e in &enterprises {
            membership[e.index()].push(au);
        }
        for (_, s) in &inside {
            membership[s.index()].push(au);
        }
        #[allow(clippy::cast_precision_loss)]
        let lead_reason = lead.map_or_else(
            || {
                if inside.is_empty() {
                    "no school or institute in the alliance: no lead unit (理事长单位) until one joins".to_owned()
                } else {
                    String::new()
                }
            },
            |(s, p)| {
            let party = l.party(p);
            format!(
                "{} ({}): strength {s:.3}, the highest in the alliance (0.5 × affinity share + 0.3 × standing + 0.2 × platform)",
                party.name,
                party.kind().name_zh()
            )
            },
        );
        alliances.push(Alliance {
            name,
            enterprises,
            suppliers: inside.into_iter().map(|x| x.1).collect(),
            out_of_quota,
            lead: lead.map(|x| x.1),
            lead_reason,
        });
    }
    let mut left_out = Vec::new();
    for p in &l.parties {
        let wanted = match &p.detail {
            PartyDetail::School { .. } => true,
            PartyDetail::Enterprise { size, .. } => {
                matches!(size, EnterpriseSize::Large | EnterpriseSize::Medium)
            }
            _ => false,
        };
        if !wanted || !membership[p.id.index()].is_empty() {
            continue;
        }
        let reason = if !any_pair[p.id.index()] {
            "no major or discipline it offers meets any enterprise's need in the ledger (no candidate pair)".to_owned()
        } else if p.out_of_province {
            "out of province, and every alliance it fits has filled its out-of-province quota"
                .to_owned()
        } else {
            format!(
                "its candidate pairs all score below the membership threshold {}",
                rules.min_score
            )
        };
        left_out.push(LeftOut {
            party: p.id,
            reason,
        });
    }
    Alliances {
        alliances,
        membership,
        left_out,
    }
}
