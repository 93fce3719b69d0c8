//! Gap analysis for dynamic major adjustment (R7): talent supply against demand and matches,
//! per major and level, with signals to add, reduce or stop, and the smallest seat increase
//! that closes a gap.

use std::collections::BTreeMap;

use crate::allocate::{self, AllocateError, FlowNetwork};
use crate::catalogue::{Catalogues, CityId, Level, MajorId};
use crate::model::Ledger;
use crate::policy::Allocation;
use crate::policy::MarketInstance;

/// A signal for one major at one level.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Signal {
    /// Demand left unmet (related majors did not fill it) that no school supplies under the
    /// major's name at any level: open the major (e.g. 智能制造工程).
    Add,
    /// Demand above supply and left unmet: more places are needed (the what-if says where).
    Expand,
    /// Supply at least twice the demand, and under half of it placed: reduce enrolment.
    Reduce,
    /// Supply with no demand under its own code in the ledger, and under half of it placed
    /// (graduates placed through related majors' demand do not count as surplus): stop
    /// enrolling, or cancel the major.
    Stop,
    /// Three or more schools of one city supply it and under half of the supply is placed.
    Duplicated {
        /// The city.
        city: String,
        /// Schools of that city supplying the major.
        schools: usize,
    },
    /// Mean employment rate below 60%.
    LowEmployment,
}

impl Signal {
    /// The signal in Chinese, as the policy text words it.
    pub fn name_zh(&self) -> String {
        match self {
            Signal::Add => "新增专业".into(),
            Signal::Expand => "扩大招生".into(),
            Signal::Reduce => "减少招生".into(),
            Signal::Stop => "停招或撤销".into(),
            Signal::Duplicated { city, schools } => format!("重复设置（{city} {schools} 所）"),
            Signal::LowEmployment => "就业率低".into(),
        }
    }
}

/// Supply, demand and matches of one major at one level.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GapRow {
    /// The major.
    pub major: MajorId,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The level.
    pub level: Level,
    /// Graduates offered.
    pub supply: u64,
    /// Places asked for by enterprises.
    pub demand: u64,
    /// Demand placed (units of needs of this major and level that got a partner).
    pub demand_met: u64,
    /// Supply placed (graduates of this major and level that got a place).
    pub supply_placed: u64,
    /// Schools supplying it.
    pub schools: usize,
    /// Those schools, in ledger order: the schools a stop, reduce or duplicated signal
    /// concerns.
    pub supplying_schools: Vec<crate::id::PartyId>,
    /// Mean employment rate of the supply lines that give one.
    pub employment_rate: Option<f64>,
    /// Signals, in a fixed order.
    pub signals: Vec<Signal>,
}

/// The talent gap table of `l` under the talent-market allocation `a` (from any policy), one
/// row per (major, level) with supply or demand, sorted by level then code.
pub fn gaps(l: &Ledger, a: &Allocation) -> Vec<GapRow> {
    #[derive(Default)]
    struct Acc {
        supply: u64,
        demand: u64,
        met: u64,
        placed: u64,
        schools: std::collections::BTreeSet<usize>,
        per_city: BTreeMap<CityId, std::collections::BTreeSet<usize>>,
        rates: Vec<f64>,
    }
    let c = Catalogues::get();
    let mut acc: BTreeMap<(Level, MajorId), Acc> = BTreeMap::new();
    let mut supplied_major: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for o in &l.talent_supply {
        let e = acc.entry((o.level, o.major)).or_default();
        e.supply += u64::from(o.graduates);
        e.schools.insert(o.school.index());
        if let Some(city) = l.party(o.school).city {
            e.per_city.entry(city).or_default().insert(o.school.index());
        }
        e.rates.extend(o.employment_rate);
        supplied_major.insert(c.major(o.major).name);
    }
    for n in &l.talent_needs {
        acc.entry((n.level, n.major)).or_default().demand += u64::from(n.headcount);
    }
    for mt in &a.matches {
        if let Some(n) = l.talent_needs.get(mt.need as usize) {
            acc.entry((n.level, n.major)).or_default().met += u64::from(mt.units);
        }
        if let Some(o) = l.talent_supply.get(mt.offer as usize) {
            acc.entry((o.level, o.major)).or_default().placed += u64::from(mt.units);
        }
    }
    let mut rows: Vec<GapRow> = acc
        .into_iter()
        .map(|((level, major), e)| {
            let m = c.major(major);
            #[allow(clippy::cast_precision_loss)]
            let employment_rate =
                (!e.rates.is_empty()).then(|| e.rates.iter().sum::<f64>() / e.rates.len() as f64);
            let mut signals = Vec::new();
            // Demand that related majors met in full asks for nothing new.
            let unmet = e.demand > e.met;
            if unmet && !supplied_major.contains(m.name) {
                signals.push(Signal::Add);
            } else if unmet && e.demand > e.supply {
                signals.push(Signal::Expand);
            }
            // Graduates placed through related majors' demand are not surplus.
            let low_use = e.placed * 2 < e.supply;
            if e.supply > 0 && e.demand == 0 && low_use {
                signals.push(Signal::Stop);
            } else if e.supply >= 2 * e.demand && e.supply > 0 && low_use {
                signals.push(Signal::Reduce);
            }
            if low_use
                && e.supply > 0
                && let Some((city, schools)) = e
                    .per_city
                    .iter()
                    .map(|(c, s)| (*c, s.len()))
                    .filter(|x| x.1 >= 3)
                    .max_by_key(|x| (x.1, std::cmp::Reverse(x.0)))
            {
                signals.push(Signal::Duplicated {
                    city: c.city(city).name.to_owned(),
                    schools,
                });
            }
            if employment_rate.is_some_and(|r| r < 0.6) {
                signals.push(Signal::LowEmployment);
            }
            GapRow {
                major,
                code: m.code.to_owned(),
                name: m.name.to_owned(),
                level,
                supply: e.supply,
                demand: e.demand,
                demand_met: e.met,
                supply_placed: e.placed,
                schools: e.schools.len(),
                supplying_schools: e.schools.iter().map(|&k| l.parties[k].id).collect(),
                employment_rate,
                signals,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.code.cmp(&b.code)));
    rows
}

/// The smallest seat increase that closes a gap.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WhatIf {
    /// Seats to add: `(offer, seats)`, ascending by offer.
    pub added: Vec<(u32, u32)>,
    /// Σ seats added (the minimum, proven by the min-cost flow's potentials).
    pub total: u64,
    /// Target needs no offer can serve at all (no candidate): a new programme is needed.
    pub unservable: Vec<u32>,
}

/// The smallest total increase in offer capacities (MinSum) such that every need in `targets`
/// is met in full while every other need keeps at least the units allocation `a` gives it.
/// Seats can be added only where a need already has a candidate (a school and major that can
/// serve it); targets with no candidate are listed in `unservable` and left out.
///
/// Solved exactly as a min-cost flow with lower bounds: need nodes take exactly their target,
/// each offer passes its capacity at cost 0 and extra seats at cost 1.
///
/// # Errors
/// [`AllocateError`] from the flow solver (numeric range), or a certificate that fails to
/// check, as [`AllocateError::InvalidInstance`].
pub fn capacity_what_if(
    inst: &MarketInstance,
    a: &Allocation,
    targets: &[u32],
) -> Result<WhatIf, AllocateError> {
    capacity_what_if_within(inst, a, targets, &|_| true)
}

/// [`capacity_what_if`] with seats added only at offers `expandable` accepts (a major's own
/// level: a 中职 major's what-if adds no seat at a 高职 school). A target with no expandable
/// candidate is listed in `unservable` and keeps what `a` gives it.
///
/// # Errors
/// As [`capacity_what_if`].
pub fn capacity_what_if_within(
    inst: &MarketInstance,
    a: &Allocation,
    targets: &[u32],
    expandable: &dyn Fn(u32) -> bool,
) -> Result<WhatIf, AllocateError> {
    let (n, m) = (inst.needs(), inst.offers());
    // Candidates where seats may be added, per need.
    let mut counts = vec![0u32; n];
    for p in &inst.pairs {
        if expandable(p.1) {
            counts[p.0 as usize] += 1;
        }
    }
    let mut goal: Vec<u32> = vec![0; n];
    for mt in &a.matches {
        goal[mt.need as usize] += mt.units;
    }
    let mut unservable = Vec::new();
    for &t in targets {
        let tu = t as usize;
        if tu >= n {
            return Err(AllocateError::InvalidInstance {
                message: format!("target need {t} is outside the {n} needs of the market"),
            });
        }
        if counts[tu] == 0 {
            unservable.push(t);
        } else {
            goal[tu] = inst.demand[tu];
        }
    }
    unservable.sort_unstable();
    unservable.dedup();
    // Nodes: source, needs, offers, sink.
    let (source, sink) = (0u32, u32::try_from(n + m + 1).unwrap_or(u32::MAX));
    let node_need = |i: u32| 1 + i;
    let node_offer = |j: u32| 1 + u32::try_from(n).unwrap_or(u32::MAX) + j;
    let total: i64 = goal.iter().map(|&g| i64::from(g)).sum();
    let mut supply = vec![0i64; n + m + 2];
    supply[0] = total;
    supply[n + m + 1] = -total;
    let mut net = FlowNetwork::new(supply);
    for (i, &g) in goal.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        net.add_arc(source, node_need(i), i64::from(g), i64::from(g), 0)?;
    }
    for &(i, j, _, _) in &inst.pairs {
        net.add_arc(node_need(i), node_offer(j), 0, total, 0)?;
    }
    let mut extra = Vec::with_capacity(m);
    for (j, &c) in inst.capacity.iter().enumerate() {
        let j = u32::try_from(j).unwrap_or(u32::MAX);
        net.add_arc(node_offer(j), sink, 0, i64::from(c), 0)?;
        let room = if expandable(j) { total } else { 0 };
        extra.push(net.add_arc(node_offer(j), sink, 0, room, 1)?);
    }
    let s = allocate::min_cost_flow(&net)?;
    allocate::verify_flow(&net, &s).map_err(|source| AllocateError::CertificateFailed {
        what: "capacity what-if flow".into(),
        source,
    })?;
    let added: Vec<(u32, u32)> = extra
        .iter()
        .enumerate()
        .filter(|&(_, &arc)| s.flow[arc] > 0)
        .map(|(j, &arc)| {
            (
                u32::try_from(j).unwrap_or(u32::MAX),
                u32::try_from(s.flow[arc]).unwrap_or(u32::MAX),
            )
        })
        .collect();
    Ok(WhatIf {
        total: added.iter().map(|x| u64::from(x.1)).sum(),
        added,
        unservable,
    })
}
