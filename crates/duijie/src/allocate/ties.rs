//! Stable matching with ties in the preference lists (hospitals/residents with ties, HRT;
//! stable marriage with ties, SMT, is the case of capacities 1).
//!
//! With ties there are two notions of stability (Irving 1994; Irving, Manlove & Scott 2000):
//!
//! - **weakly stable**: no pair would both *strictly* rather be together. One always exists:
//!   break the ties ([`break_ties`], by index or by a seeded shuffle) and run deferred
//!   acceptance on the strict lists ([`HrtInstance::broken`]); any stable matching of the
//!   broken instance is weakly stable in the original.
//! - **super-stable**: no pair would both *weakly* rather be together (each is indifferent or
//!   better off). It may not exist; [`super_stable`] finds the residents' best one when it
//!   does, and says why none exists when it does not ([`NoSuperStable`]).
//!
//! [`weakly_blocking_pairs`] and [`super_blocking_pairs`] list the pairs that block a matching
//! under each notion; an answer is only returned when its list is empty.

use std::collections::HashMap;

use super::{AllocateError, StableInstance};

/// A preference list with ties: groups of equally ranked parties, best group first.
pub type TiedList = Vec<Vec<u32>>;

/// How ties are broken for a weakly stable matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TieBreak {
    /// Within a tie, the party with the smaller index comes first.
    Index,
    /// Within a tie, an order drawn from the seed (the same seed gives the same order; each
    /// list is shuffled on its own).
    Seeded(u64),
}

/// A 64-bit mix (SplitMix64's finaliser): the seeded tie order without a random-number crate.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Each list as a strict order: the groups in order, each group ordered by `rule`.
pub fn break_ties(lists: &[TiedList], rule: TieBreak) -> Vec<Vec<u32>> {
    lists
        .iter()
        .enumerate()
        .map(|(owner, groups)| {
            let mut out = Vec::with_capacity(groups.iter().map(Vec::len).sum());
            for g in groups {
                let mut g = g.clone();
                match rule {
                    TieBreak::Index => g.sort_unstable(),
                    TieBreak::Seeded(seed) => {
                        let base = mix(seed ^ mix(owner as u64));
                        g.sort_unstable_by_key(|&x| (mix(base ^ u64::from(x)), x));
                    }
                }
                out.extend(g);
            }
            out
        })
        .collect()
}

/// A hospitals/residents instance with ties. Only mutual entries count: a resident's entry for
/// a hospital that does not rank it (or the reverse) is dropped and counted in
/// [`HrtInstance::one_sided`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HrtInstance {
    resident_prefs: Vec<TiedList>,
    hospital_prefs: Vec<TiedList>,
    capacity: Vec<u32>,
    /// The group of hospital h in resident r's list: `resident_rank[r][&h]`.
    resident_rank: Vec<HashMap<u32, u32>>,
    /// The group of resident r in hospital h's list.
    hospital_rank: Vec<HashMap<u32, u32>>,
    one_sided: usize,
}

impl HrtInstance {
    /// Builds an instance: `resident_prefs[r]` ranks hospitals (groups best first),
    /// `hospital_prefs[h]` ranks residents, `capacity[h]` is hospital h's number of places.
    /// Empty groups are ignored.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] naming the list with an unknown index or a party
    /// listed twice, or a capacity list of the wrong length.
    pub fn new(
        resident_prefs: Vec<TiedList>,
        hospital_prefs: Vec<TiedList>,
        capacity: Vec<u32>,
    ) -> Result<Self, AllocateError> {
        let (nr, nh) = (resident_prefs.len(), hospital_prefs.len());
        let bad = |message: String| Err(AllocateError::InvalidInstance { message });
        if capacity.len() != nh {
            return bad(format!("{} capacities for {nh} hospitals", capacity.len()));
        }
        let ranks = |lists: &[TiedList], side: &str, other: &str, n: usize| {
            let mut out = Vec::with_capacity(lists.len());
            for (a, groups) in lists.iter().enumerate() {
                let mut rank = HashMap::new();
                for (g, group) in groups.iter().filter(|g| !g.is_empty()).enumerate() {
                    for &b in group {
                        if b as usize >= n {
                            return Err(format!("{side} {a} ranks {other} {b}, outside 0..{n}"));
                        }
                        if rank.insert(b, g as u32).is_some() {
                            return Err(format!("{side} {a} lists {other} {b} twice"));
                        }
                    }
                }
                out.push(rank);
            }
            Ok(out)
        };
        let r_rank = ranks(&resident_prefs, "resident", "hospital", nh);
        let h_rank = ranks(&hospital_prefs, "hospital", "resident", nr);
        let (mut r_rank, mut h_rank) = match (r_rank, h_rank) {
            (Ok(r), Ok(h)) => (r, h),
            (Err(m), _) | (_, Err(m)) => return bad(m),
        };
        // Keep mutual entries only, renumbering the groups that remain.
        let mutual_r = |r: usize, h: u32| h_rank[h as usize].contains_key(&(r as u32));
        let mutual_h = |h: usize, r: u32| r_rank[r as usize].contains_key(&(h as u32));
        let keep = |lists: &[TiedList],
                    mutual: &dyn Fn(usize, u32) -> bool|
         -> (Vec<TiedList>, usize) {
            let mut dropped = 0;
            let kept = lists
                .iter()
                .enumerate()
                .map(|(a, groups)| {
                    groups
                        .iter()
                        .map(|g| {
                            let k: Vec<u32> = g.iter().copied().filter(|&b| mutual(a, b)).collect();
                            dropped += g.len() - k.len();
                            k
                        })
                        .filter(|g| !g.is_empty())
                        .collect()
                })
                .collect();
            (kept, dropped)
        };
        let (resident_prefs, dr) = keep(&resident_prefs, &mutual_r);
        let (hospital_prefs, dh) = keep(&hospital_prefs, &mutual_h);
        let rerank = |lists: &[TiedList]| -> Vec<HashMap<u32, u32>> {
            lists
                .iter()
                .map(|groups| {
                    groups
                        .iter()
                        .enumerate()
                        .flat_map(|(g, group)| group.iter().map(move |&b| (b, g as u32)))
                        .collect()
                })
                .collect()
        };
        r_rank = rerank(&resident_prefs);
        h_rank = rerank(&hospital_prefs);
        Ok(HrtInstance {
            resident_prefs,
            hospital_prefs,
            capacity,
            resident_rank: r_rank,
            hospital_rank: h_rank,
            one_sided: dr + dh,
        })
    }

    /// Number of residents.
    pub fn residents(&self) -> usize {
        self.resident_prefs.len()
    }

    /// Number of hospitals.
    pub fn hospitals(&self) -> usize {
        self.hospital_prefs.len()
    }

    /// How many list entries had no counterpart on the other side and were dropped.
    pub fn one_sided(&self) -> usize {
        self.one_sided
    }

    /// Whether any list has a group of more than one party.
    pub fn has_ties(&self) -> bool {
        self.resident_prefs
            .iter()
            .chain(&self.hospital_prefs)
            .any(|l| l.iter().any(|g| g.len() > 1))
    }

    /// The mutual lists, residents' then hospitals'.
    pub fn lists(&self) -> (&[TiedList], &[TiedList]) {
        (&self.resident_prefs, &self.hospital_prefs)
    }

    /// Hospital capacities.
    pub fn capacity(&self) -> &[u32] {
        &self.capacity
    }

    /// The strict instance with the ties broken by `rule` (the residents as students, each
    /// hospital a supervisor with one project): its stable matchings are weakly stable here.
    ///
    /// # Errors
    /// As [`StableInstance::hospital_residents`] (not expected: the lists are checked).
    pub fn broken(&self, rule: TieBreak) -> Result<StableInstance, AllocateError> {
        StableInstance::hospital_residents(
            &break_ties(&self.resident_prefs, rule),
            self.capacity.clone(),
            break_ties(&self.hospital_prefs, rule),
        )
    }

    /// The instance with the two sides swapped (hospitals as residents), for one-to-one
    /// instances (every capacity 1): the other side's optimal super-stable matching.
    fn transposed(&self) -> HrtInstance {
        HrtInstance {
            resident_prefs: self.hospital_prefs.clone(),
            hospital_prefs: self.resident_prefs.clone(),
            capacity: vec![1; self.residents()],
            resident_rank: self.hospital_rank.clone(),
            hospital_rank: self.resident_rank.clone(),
            one_sided: self.one_sided,
        }
    }
}

/// Why an instance has no super-stable matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoSuperStable {
    /// A resident is left provisionally assigned to two hospitals it ranks equally: any
    /// matching giving it one is blocked by it and the other.
    ResidentInTwo {
        /// The resident.
        resident: u32,
        /// Two of its hospitals.
        hospitals: (u32, u32),
    },
    /// A hospital that was full while residents proposed ends with free places: every
    /// super-stable matching would have to fill it (the residents who first filled it have
    /// nothing better), and none can.
    HospitalNotFull {
        /// The hospital.
        hospital: u32,
    },
    /// Hospitals proposing (one-to-one): a hospital is left holding two residents it ranks
    /// equally.
    HospitalInTwo {
        /// The hospital.
        hospital: u32,
        /// Two of its residents.
        residents: (u32, u32),
    },
    /// Hospitals proposing (one-to-one): a resident that held a proposal ends unmatched.
    ResidentLeftOut {
        /// The resident.
        resident: u32,
    },
    /// Only one-to-one instances (every capacity 1) can be solved for the hospitals' side.
    HospitalSideNeedsCapacityOne,
}

impl std::fmt::Display for NoSuperStable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoSuperStable::ResidentInTwo {
                resident,
                hospitals: (a, b),
            } => write!(
                f,
                "no super-stable matching exists: resident {resident} ranks hospitals {a} and {b} equally and both would take it"
            ),
            NoSuperStable::HospitalNotFull { hospital } => write!(
                f,
                "no super-stable matching exists: hospital {hospital} was full while residents applied and cannot be filled"
            ),
            NoSuperStable::HospitalInTwo {
                hospital,
                residents: (a, b),
            } => write!(
                f,
                "no super-stable matching exists: hospital {hospital} ranks residents {a} and {b} equally and both would take it"
            ),
            NoSuperStable::ResidentLeftOut { resident } => write!(
                f,
                "no super-stable matching exists: resident {resident} held a proposal and cannot be matched"
            ),
            NoSuperStable::HospitalSideNeedsCapacityOne => write!(
                f,
                "the hospitals' optimal super-stable matching is computed for one-to-one instances (every capacity 1) only; ask for the residents' side"
            ),
        }
    }
}

impl std::error::Error for NoSuperStable {}

/// A matching of a hospitals/residents instance: each resident's hospital, if any.
pub type HrMatching = Vec<Option<u32>>;

/// The super-stable matching best for the residents, when one exists (residents proposing;
/// Irving, Manlove & Scott, "The hospitals/residents problem with ties", SWAT 2000). With
/// `hospitals_propose`, the one best for the hospitals, for one-to-one instances (the same
/// algorithm with the sides swapped).
///
/// Each free resident applies to every hospital in the first group of its list; a hospital
/// over its capacity deletes the whole last group of its list (breaking those assignments),
/// and a full hospital deletes every resident ranked strictly below its worst assignee. No
/// super-stable matching contains a deleted pair. At the end, the assignment is super-stable
/// exactly when every resident holds at most one hospital and every hospital that was ever
/// full still is; otherwise none exists.
///
/// # Errors
/// [`NoSuperStable`] saying why none exists.
///
/// # Complexity
/// O(L) list positions visited, each deletion O(1) amortised, for L acceptable pairs (plus
/// the hash lookups).
pub fn super_stable(
    inst: &HrtInstance,
    hospitals_propose: bool,
) -> Result<HrMatching, NoSuperStable> {
    if !hospitals_propose {
        return residents_propose(inst);
    }
    if inst.capacity.iter().any(|&c| c != 1) {
        return Err(NoSuperStable::HospitalSideNeedsCapacityOne);
    }
    let t = inst.transposed();
    // In the swapped instance residents are hospitals and hospitals residents.
    let by_hospital = residents_propose(&t).map_err(|e| match e {
        NoSuperStable::ResidentInTwo {
            resident,
            hospitals,
        } => NoSuperStable::HospitalInTwo {
            hospital: resident,
            residents: hospitals,
        },
        NoSuperStable::HospitalNotFull { hospital } => {
            NoSuperStable::ResidentLeftOut { resident: hospital }
        }
        other => other,
    })?;
    let mut m = vec![None; inst.residents()];
    for (h, r) in by_hospital.iter().enumerate() {
        if let Some(r) = r {
            m[*r as usize] = Some(h as u32);
        }
    }
    Ok(m)
}

fn residents_propose(inst: &HrtInstance) -> Result<HrMatching, NoSuperStable> {
    let (nr, nh) = (inst.residents(), inst.hospitals());
    // Hospital h's live list is its first `alive[h]` groups: every deletion cuts a tail.
    // A hospital with no place takes nobody.
    let mut alive: Vec<u32> = inst
        .hospital_prefs
        .iter()
        .zip(&inst.capacity)
        .map(|(l, &c)| if c == 0 { 0 } else { l.len() as u32 })
        .collect();
    let live = |alive: &[u32], r: usize, h: u32| {
        inst.hospital_rank[h as usize][&(r as u32)] < alive[h as usize]
    };
    // Each resident's next group to look at.
    let mut head = vec![0usize; nr];
    let mut holds: Vec<Vec<u32>> = vec![Vec::new(); nr];
    let mut assigned: Vec<Vec<u32>> = vec![Vec::new(); nh];
    let mut was_full = vec![false; nh];
    let mut free: Vec<u32> = (0..nr as u32).rev().collect();
    while let Some(r) = free.pop() {
        let ru = r as usize;
        if !holds[ru].is_empty() {
            continue;
        }
        // The first group with a live hospital.
        let list = &inst.resident_prefs[ru];
        while head[ru] < list.len() && !list[head[ru]].iter().any(|&h| live(&alive, ru, h)) {
            head[ru] += 1;
        }
        let Some(group) = list.get(head[ru]) else {
            continue;
        };
        for &h in group {
            if !live(&alive, ru, h) {
                continue;
            }
            let hu = h as usize;
            holds[ru].push(h);
            assigned[hu].push(r);
            let cap = inst.capacity[hu] as usize;
            if assigned[hu].len() > cap {
                // Over-subscribed: the last live group goes, with its assignments.
                alive[hu] -= 1;
                cut(inst, h, alive[hu], &mut assigned, &mut holds, &mut free);
            }
            if assigned[hu].len() == cap && cap > 0 {
                was_full[hu] = true;
                let worst = assigned[hu]
                    .iter()
                    .map(|&x| inst.hospital_rank[hu][&x])
                    .max()
                    .unwrap_or(0);
                if worst + 1 < alive[hu] {
                    alive[hu] = worst + 1;
                    cut(inst, h, alive[hu], &mut assigned, &mut holds, &mut free);
                }
            }
        }
        if holds[ru].is_empty() {
            free.push(r);
        }
    }
    for (r, held) in holds.iter().enumerate() {
        if let [a, b, ..] = held[..] {
            return Err(NoSuperStable::ResidentInTwo {
                resident: r as u32,
                hospitals: (a.min(b), a.max(b)),
            });
        }
    }
    for h in 0..nh {
        if was_full[h] && assigned[h].len() < inst.capacity[h] as usize {
            return Err(NoSuperStable::HospitalNotFull { hospital: h as u32 });
        }
    }
    Ok(holds.iter().map(|h| h.first().copied()).collect())
}

/// Breaks hospital `h`'s assignments of residents ranked in group `from` or later (their pairs
/// are deleted); a resident left with no hospital is free again.
fn cut(
    inst: &HrtInstance,
    h: u32,
    from: u32,
    assigned: &mut [Vec<u32>],
    holds: &mut [Vec<u32>],
    free: &mut Vec<u32>,
) {
    let hu = h as usize;
    let rank = &inst.hospital_rank[hu];
    let (keep, gone): (Vec<u32>, Vec<u32>) = assigned[hu].iter().partition(|&&r| rank[&r] < from);
    assigned[hu] = keep;
    for r in gone {
        holds[r as usize].retain(|&x| x != h);
        if holds[r as usize].is_empty() {
            free.push(r);
        }
    }
}

/// For a matching, each hospital's assignees' worst group (`None` when it has none) and
/// count.
fn worst_and_count(inst: &HrtInstance, m: &HrMatching) -> (Vec<Option<u32>>, Vec<u32>) {
    let mut worst = vec![None::<u32>; inst.hospitals()];
    let mut count = vec![0u32; inst.hospitals()];
    for (r, h) in m.iter().enumerate() {
        if let Some(h) = *h {
            let g = inst.hospital_rank[h as usize]
                .get(&(r as u32))
                .copied()
                .unwrap_or(u32::MAX);
            worst[h as usize] = Some(worst[h as usize].map_or(g, |w| w.max(g)));
            count[h as usize] += 1;
        }
    }
    (worst, count)
}

/// The pairs `(resident, hospital)` not matched together in which the resident is unmatched or
/// prefers the hospital (strictly; with `weakly`, or ranks them equally) and the hospital has a
/// free place or prefers the resident (strictly; with `weakly`, or equally) to its worst.
fn blocking(inst: &HrtInstance, m: &HrMatching, weakly: bool) -> Vec<(u32, u32)> {
    let (worst, count) = worst_and_count(inst, m);
    let better = |a: u32, b: u32| if weakly { a <= b } else { a < b };
    let mut out = Vec::new();
    for (r, list) in inst.resident_prefs.iter().enumerate() {
        let mine = m[r].and_then(|h| inst.resident_rank[r].get(&h).copied());
        for (g, group) in list.iter().enumerate() {
            for &h in group {
                if m[r] == Some(h) {
                    continue;
                }
                let r_wants = mine.is_none_or(|x| better(g as u32, x));
                let hu = h as usize;
                let h_wants = count[hu] < inst.capacity[hu]
                    || worst[hu].is_some_and(|w| better(inst.hospital_rank[hu][&(r as u32)], w));
                if r_wants && h_wants {
                    out.push((r as u32, h));
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// The pairs that block `m` strictly on both sides: none for a weakly stable matching.
pub fn weakly_blocking_pairs(inst: &HrtInstance, m: &HrMatching) -> Vec<(u32, u32)> {
    blocking(inst, m, false)
}

/// The pairs that block `m` weakly on both sides (each indifferent or better off): none for a
/// super-stable matching.
pub fn super_blocking_pairs(inst: &HrtInstance, m: &HrMatching) -> Vec<(u32, u32)> {
    blocking(inst, m, true)
}

#[cfg(test)]
mod tests;
