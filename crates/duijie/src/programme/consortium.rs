//! Consortia for core and common technology needs (联合攻克): a team of suppliers that
//! together cover the disciplines a need requires, within capacities.

use crate::catalogue::{Catalogues, MajorId};
use crate::model::TechnologyNeedKind;
use crate::score::{Market, Scorer};

/// The team chosen for one core technology need.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Consortium {
    /// The technology need (index into `technology_needs`).
    pub need: u32,
    /// Member capabilities (indices into `technology_capabilities`), ascending.
    pub members: Vec<u32>,
    /// The need's disciplines the team covers.
    pub covered: Vec<MajorId>,
    /// The need's disciplines nobody with capacity left can cover.
    pub uncovered: Vec<MajorId>,
    /// Whether the team is proven smallest (exhaustive search); else the greedy's, at most
    /// [`greedy_bound`]`(disciplines)` times the smallest.
    pub exact: bool,
    /// Σ of the members' scores for the need, fixed point.
    pub score: i64,
}

/// The approximation bound of the greedy cover on `u` elements: the harmonic number
/// H(u) = 1 + 1/2 + … + 1/u (Johnson 1974; Chvátal 1979). A greedy team is at most H(u) times
/// the smallest.
pub fn greedy_bound(u: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    (1..=u).map(|k| 1.0 / k as f64).sum()
}

/// Whether a capability's discipline `have` covers a need's discipline `want`: the same
/// discipline, or one of the same 专业类 (class) in the same catalogue.
fn covers(have: MajorId, want: MajorId) -> bool {
    if have == want {
        return true;
    }
    let c = Catalogues::get();
    let (a, b) = (c.major(have), c.major(want));
    a.level == b.level && a.class_code == b.class_code
}

/// The smallest team of `sets` (each a bit set of the elements it covers, with a value) that
/// covers every element any set covers; among the smallest, the highest total value, then the
/// lexicographically smallest indices. Exhaustive when `exact` allows (teams are searched by
/// size, at most the number of elements), else greedy (most new elements, then value, then
/// index). Returns the team (ascending) and whether it is proven smallest.
pub(crate) fn min_cover(sets: &[(u64, i64)], exact: bool) -> (Vec<usize>, bool) {
    let goal = sets.iter().fold(0u64, |acc, s| acc | s.0);
    if goal == 0 {
        return (Vec::new(), true);
    }
    if exact {
        let max_size = goal.count_ones() as usize;
        for size in 1..=max_size.min(sets.len()) {
            let mut best: Option<(i64, Vec<usize>)> = None;
            let mut team: Vec<usize> = (0..size).collect();
            loop {
                let cover = team.iter().fold(0u64, |acc, &k| acc | sets[k].0);
                if cover == goal {
                    let value: i64 = team.iter().map(|&k| sets[k].1).sum();
                    if best.as_ref().is_none_or(|b| value > b.0) {
                        best = Some((value, team.clone()));
                    }
                }
                // Next combination in lexicographic order.
                let mut k = size;
                while k > 0 && team[k - 1] == sets.len() - size + k - 1 {
                    k -= 1;
                }
                if k == 0 {
                    break;
                }
                team[k - 1] += 1;
                for q in k..size {
                    team[q] = team[q - 1] + 1;
                }
            }
            if let Some((_, team)) = best {
                return (team, true);
            }
        }
    }
    let mut covered = 0u64;
    let mut team = Vec::new();
    while covered != goal {
        let pick = (0..sets.len())
            .filter(|&k| sets[k].0 & !covered != 0)
            .max_by(|&a, &b| {
                let (na, nb) = (
                    (sets[a].0 & !covered).count_ones(),
                    (sets[b].0 & !covered).count_ones(),
                );
                na.cmp(&nb).then(sets[a].1.cmp(&sets[b].1)).then(b.cmp(&a))
            });
        let Some(k) = pick else { break };
        covered |= sets[k].0;
        team.push(k);
    }
    team.sort_unstable();
    (team, false)
}

/// Each technology capability's capacity, in ledger order: the fresh `capacity` argument of
/// [`consortia`].
pub fn technology_capacity(l: &crate::Ledger) -> Vec<u32> {
    l.technology_capabilities
        .iter()
        .map(|c| c.capacity)
        .collect()
}

/// Forms a consortium for every core and common technology need (核心和共性技术) of the
/// scorer's ledger, largest scale first (then ledger order), each member using one unit of
/// `capacity` (indexed by capability; pass each capability's `capacity` for a fresh plan).
///
/// A team covers the need's disciplines (a capability covers a discipline it lists, or one of
/// the same 专业类); it is the smallest team that covers every discipline anyone with capacity
/// left covers, then the one with the highest total score. The search is exhaustive when the
/// need has at most `exact_limit` candidate capabilities and at most 16 disciplines; otherwise
/// greedy, within [`greedy_bound`] of the smallest.
pub fn consortia(scorer: &Scorer<'_>, capacity: &mut [u32], exact_limit: usize) -> Vec<Consortium> {
    let l = scorer.ledger();
    let mut order: Vec<usize> = (0..l.technology_needs.len())
        .filter(|&i| l.technology_needs[i].kind == TechnologyNeedKind::Core)
        .collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(l.technology_needs[i].scale.unwrap_or(0)),
            i,
        )
    });
    let mut out = Vec::with_capacity(order.len());
    for i in order {
        let need = &l.technology_needs[i];
        let mut want: Vec<MajorId> = need.disciplines.clone();
        want.sort_unstable();
        want.dedup();
        want.truncate(64);
        let mut cands: Vec<(u64, i64)> = Vec::new();
        let mut index: Vec<u32> = Vec::new();
        for (j, cap) in l.technology_capabilities.iter().enumerate() {
            if cap.year != need.year || capacity.get(j).copied().unwrap_or(0) == 0 {
                continue;
            }
            let mut bits = 0u64;
            for (b, &d) in want.iter().enumerate() {
                if cap.disciplines.iter().any(|&h| covers(h, d)) {
                    bits |= 1 << b;
                }
            }
            if bits != 0 {
                cands.push((bits, scorer.value(Market::Technology, i, j).unwrap_or(0)));
                index.push(u32::try_from(j).unwrap_or(u32::MAX));
            }
        }
        let exact = cands.len() <= exact_limit && want.len() <= 16;
        let (team, proven) = min_cover(&cands, exact);
        let got = team.iter().fold(0u64, |acc, &k| acc | cands[k].0);
        let mut members: Vec<u32> = team.iter().map(|&k| index[k]).collect();
        members.sort_unstable();
        for &j in &members {
            capacity[j as usize] -= 1;
        }
        out.push(Consortium {
            need: u32::try_from(i).unwrap_or(u32::MAX),
            members,
            covered: (0..want.len())
                .filter(|&b| got >> b & 1 == 1)
                .map(|b| want[b])
                .collect(),
            uncovered: (0..want.len())
                .filter(|&b| got >> b & 1 == 0)
                .map(|b| want[b])
                .collect(),
            exact: proven,
            score: team.iter().map(|&k| cands[k].1).sum(),
        });
    }
    out
}
