//! Candidate generation: posting lists by year and major, major name, 专业类 and 门类 (by
//! discipline and keyword for technology), read in order of the score they guarantee, cut off
//! exactly once the k-th best beats the next list's bound.

use super::*;
/// Candidate pairs of a market with their fixed-point scores under the default config,
/// `(need, offer, score)` sorted by need then offer. See [`top_candidates`].
pub fn candidates(l: &Ledger, m: Market) -> Vec<(u32, u32, i64)> {
    candidates_with(&ScoreConfig::default(), l, m)
}

/// [`candidates`] under `cfg` (validated by the caller): pairs scoring at or below
/// `cfg.min_score` are left out, and each need keeps its best `cfg.top_k` when set.
pub fn candidates_with(cfg: &ScoreConfig, l: &Ledger, m: Market) -> Vec<(u32, u32, i64)> {
    top_candidates(&Scorer::new(cfg, l), m, cfg.top_k)
}

/// Posting lists of one market's offers: which offers share a major, a major name, a 专业类
/// or a 门类/专业大类 with a need (major-based markets), or a discipline 门类 or a keyword
/// (technology), by year.
pub(super) struct Postings {
    /// By year, key and the offer's level (its index in [`Level::ALL`]; 0 in technology), so that a
    /// need reads only offers of levels it can take, with the level fit known exactly.
    pub(super) lists: std::collections::HashMap<(u16, Key, u8), Vec<u32>>,
}

/// The position of a level in [`Level::ALL`], as posting lists are keyed.
pub(super) fn level_index(l: Level) -> u8 {
    u8::try_from(l.index()).unwrap_or(u8::MAX)
}

/// What a posting list is keyed by.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Key {
    Major(MajorId),
    Name(u32),
    Class(u32),
    Category(u32),
    /// A row of the vocational ↔ academic correspondence table.
    Bridge(u32),
    /// Technology: a discipline.
    Discipline(MajorId),
    /// Technology: a keyword, as the [`Scorer`]'s id of its lower-cased form.
    Keyword(u32),
}

impl Postings {
    pub(super) fn new(scorer: &Scorer<'_>, m: Market) -> Postings {
        let l = scorer.ledger;
        let mut lists: std::collections::HashMap<(u16, Key, u8), Vec<u32>> =
            std::collections::HashMap::new();
        for j in 0..m.offers(l) {
            let ju = u32::try_from(j).unwrap_or(u32::MAX);
            let (side, major) = offer_side(l, m, j);
            let level = major.as_ref().map_or(0, |ms| level_index(ms.level));
            for key in offer_keys(scorer, m, j, major.as_ref()) {
                lists.entry((side.year, key, level)).or_default().push(ju);
            }
        }
        Postings { lists }
    }

    pub(super) fn get(&self, year: u16, key: Key, level: u8) -> &[u32] {
        self.lists
            .get(&(year, key, level))
            .map_or(&[], Vec::as_slice)
    }
}

/// The posting keys of offer `j`.
pub(super) fn offer_keys(
    scorer: &Scorer<'_>,
    m: Market,
    j: usize,
    major: Option<&MajorSide>,
) -> Vec<Key> {
    let keys_of = |id: MajorId| &major_keys()[id.index()];
    match major {
        Some(ms) => {
            let k = keys_of(ms.major);
            let mut keys = vec![
                Key::Major(ms.major),
                Key::Name(k.name),
                Key::Class(k.class),
                Key::Category(k.category),
            ];
            keys.extend(k.bridges.iter().map(|&g| Key::Bridge(g)));
            keys
        }
        None if m == Market::Technology => {
            let cap = &scorer.ledger.technology_capabilities[j];
            let mut keys: Vec<Key> = cap
                .disciplines
                .iter()
                .flat_map(|&d| [Key::Discipline(d), Key::Category(keys_of(d).category)])
                .chain(
                    scorer.capability_keywords[j]
                        .iter()
                        .map(|&t| Key::Keyword(t)),
                )
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        }
        None => Vec::new(),
    }
}

/// The best candidates of each need of market `m`, as `(need, offer, score)` sorted by need then
/// offer: every candidate when `k` is `None`, else each need's best `k` (higher score first,
/// ties to the lower offer index).
///
/// Candidates come from posting lists, so a need meets only offers that can score above zero
/// and the full needs × offers matrix is never built. With a `k`, a need's lists are read in
/// order of the major fit they guarantee (same major, same name, same 专业类, same 门类), and
/// reading stops as soon as the `k`-th best score found beats the best score any offer in the
/// remaining lists could reach (every other component at its maximum). That bound makes the
/// result exact: it equals scoring every pair and keeping the best `k` (a test checks it).
/// Technology needs read the lists of their disciplines first, then those of their keywords
/// (offers first met there share no discipline: discipline fit 0.3 at most), then those of their
/// disciplines' 门类 (discipline fit 0.3 at most and no keyword fit).
///
/// Needs are processed in parallel (rayon); the result does not depend on the number of
/// threads.
///
/// Complexity: O(N + M) index work plus one [`Scorer::value`] per pair read.
pub fn top_candidates(scorer: &Scorer<'_>, m: Market, k: Option<usize>) -> Vec<(u32, u32, i64)> {
    top_candidates_counted(scorer, m, k).0
}

/// [`top_candidates`], with the number of pairs scored to find them (for throughput figures).
pub fn top_candidates_counted(
    scorer: &Scorer<'_>,
    m: Market,
    k: Option<usize>,
) -> (Vec<(u32, u32, i64)>, u64) {
    let (pairs, scored) = candidates_inner(scorer, m, k, false);
    (
        pairs.into_iter().map(|(i, j, w, _)| (i, j, w)).collect(),
        scored,
    )
}

/// [`top_candidates`] with the offer side's own view of each pair ([`Scorer::offer_view`]):
/// `(need, offer, need-side score, offer-side view)`. Both come from one computation of the
/// pair's components, so the two-sided policies' instances score every pair once.
pub fn top_candidates_with_views(
    scorer: &Scorer<'_>,
    m: Market,
    k: Option<usize>,
) -> Vec<(u32, u32, i64, i64)> {
    candidates_inner(scorer, m, k, true).0
}

/// The candidates of every need, with the offer side's view when `with_view` (0 otherwise),
/// and the number of pairs scored.
pub(super) fn candidates_inner(
    scorer: &Scorer<'_>,
    m: Market,
    k: Option<usize>,
    with_view: bool,
) -> (Vec<(u32, u32, i64, i64)>, u64) {
    use rayon::prelude::*;
    let l = scorer.ledger;
    let postings = Postings::new(scorer, m);
    let floor = to_fixed(scorer.cfg.min_score).max(0);
    let offers = m.offers(l);
    let search = Search {
        k,
        floor,
        with_view,
    };
    let per_need: Vec<NeedCandidates> = (0..m.needs(l))
        .into_par_iter()
        .map_init(
            || Scratch {
                seen: vec![u32::MAX; offers],
                dense: if m == Market::Technology {
                    scorer.text.dense()
                } else {
                    Vec::new()
                },
            },
            |scratch, i| best_for_need(scorer, &postings, m, i, search, scratch),
        )
        .collect();
    let mut out = Vec::with_capacity(per_need.iter().map(|(v, _)| v.len()).sum());
    let mut scored = 0;
    for (i, (found, n)) in per_need.into_iter().enumerate() {
        let iu = u32::try_from(i).unwrap_or(u32::MAX);
        out.extend(found.into_iter().map(|(j, w, v)| (iu, j, w, v)));
        scored += n;
    }
    (out, scored)
}

/// The offer side's view of a pair from its components: fit of the subject (major or
/// discipline), geography, and the standing of the party asking (see [`Scorer::offer_view`]).
pub(super) fn offer_view_of(subject_fit: f64, geography: f64, standing: f64) -> i64 {
    to_fixed(0.4 * subject_fit + 0.3 * geography + 0.3 * standing)
}

/// One need's candidates `(offer, score, offer-side view)` and the pairs scored to find them.
pub(super) type NeedCandidates = (Vec<(u32, i64, i64)>, u64);

/// What a candidate search keeps: the best `k` (all when `None`), above `floor`, with the
/// offer side's view when `with_view`.
#[derive(Clone, Copy)]
pub(super) struct Search {
    pub(super) k: Option<usize>,
    pub(super) floor: i64,
    pub(super) with_view: bool,
}

/// Per-thread working memory of [`top_candidates`].
pub(super) struct Scratch {
    /// `seen[j] == i`: offer `j` already scored for need `i`.
    pub(super) seen: Vec<u32>,
    /// The current technology need's text vector, spread over the vocabulary.
    pub(super) dense: Vec<f64>,
}

/// One need's candidates (see [`top_candidates`]), sorted by offer, and how many pairs were
/// scored.
pub(super) fn best_for_need(
    scorer: &Scorer<'_>,
    postings: &Postings,
    m: Market,
    i: usize,
    search: Search,
    scratch: &mut Scratch,
) -> NeedCandidates {
    let Search {
        k,
        floor,
        with_view,
    } = search;
    use std::cmp::Reverse;
    let mut scored = 0u64;
    let technology = m == Market::Technology;
    if technology {
        scorer.text.spread(i, &mut scratch.dense, true);
    }
    let l = scorer.ledger;
    let (side, major) = need_side(l, m, i);
    // The asking party's standing: the same for every offer the need meets.
    let standing = if with_view {
        partner_standing(side.party)
    } else {
        0.0
    };
    let stamp = u32::try_from(i).unwrap_or(u32::MAX);
    // The lists to read, each with the best score an offer first met in it could reach.
    let mut tiers: Vec<(i64, Key, u8)> = match &major {
        Some(ms) => {
            let keys = &major_keys()[ms.major.index()];
            let d = &scorer.cfg.major;
            let mut tiers = Vec::new();
            // Per offer level the need can take, with that level's exact fit in the bound.
            for level in Level::ALL {
                let lvl = level_value(&scorer.cfg.level, ms.level, level);
                if lvl <= 0.0 {
                    continue;
                }
                let li = level_index(level);
                let bound = |fit: f64| {
                    // Each component's best value, in component order (a component added to
                    // the table without its bound here does not compile).
                    let best: [f64; MajorWeights::NAMES.len()] =
                        [fit, lvl, 1.0, 1.0, scorer.geo_max, scorer.quality_max];
                    to_fixed(weighted(&best, &scorer.talent_weights))
                };
                tiers.extend([
                    (bound(1.0), Key::Major(ms.major), li),
                    (bound(d.same_name), Key::Name(keys.name), li),
                    (bound(d.same_class), Key::Class(keys.class), li),
                    (bound(d.same_category), Key::Category(keys.category), li),
                ]);
                let corresponding = bound(d.corresponding);
                tiers.extend(
                    keys.bridges
                        .iter()
                        .map(|&g| (corresponding, Key::Bridge(g), li)),
                );
            }
            tiers
        }
        None if m == Market::Technology => {
            // Offers sharing a discipline or a keyword first (any score possible); then offers
            // met only through a discipline's 门类: discipline fit at most 0.3, no keyword.
            let need = &l.technology_needs[i];
            let bound = |disc: f64, kw: f64| {
                let best: [f64; TechnologyWeights::NAMES.len()] =
                    [disc, kw, 1.0, 1.0, scorer.geo_max, 1.0];
                to_fixed(weighted(&best, &scorer.technology_weights))
            };
            // After the discipline lists, an offer first met through a keyword shares no
            // discipline: its discipline fit is 0.3 at most. After the keyword lists (exact and
            // near-identical), an offer shares no keyword either: its keyword fit is 0.
            let (keywords, categories) = (bound(0.3, 1.0), bound(0.3, 0.0));
            // Each keyword's list, and the lists of the keywords near-identical to it.
            let keyword_lists = scorer.need_keywords[i].iter().flat_map(|&t| {
                std::iter::once(t)
                    .chain(scorer.near_keywords[t as usize].iter().map(|&(u, _)| u))
                    .map(|u| (keywords, Key::Keyword(u), 0))
            });
            need.disciplines
                .iter()
                .map(|&d| (i64::MAX, Key::Discipline(d), 0))
                .chain(keyword_lists)
                .chain(need.disciplines.iter().map(|&d| {
                    (
                        categories,
                        Key::Category(major_keys()[d.index()].category),
                        0,
                    )
                }))
                .collect()
        }
        None => Vec::new(),
    };
    tiers.sort_by_key(|t| std::cmp::Reverse(t.0)); // stable: equal bounds keep their order
    // The best found so far; with a k, the worst of them on top.
    let mut heap: std::collections::BinaryHeap<(Reverse<i64>, u32, i64)> =
        std::collections::BinaryHeap::new();
    let mut all: Vec<(u32, i64, i64)> = Vec::new();
    for (bound, key, level) in tiers {
        if let (Some(k), Some((Reverse(worst), _, _))) = (k, heap.peek())
            && heap.len() >= k
            && *worst > bound
        {
            break;
        }
        for &j in postings.get(side.year, key, level) {
            let slot = &mut scratch.seen[j as usize];
            if *slot == stamp {
                continue;
            }
            *slot = stamp;
            scored += 1;
            let dense = technology.then_some(scratch.dense.as_slice());
            let scored_pair = if with_view {
                scorer.value_and_view_parts_in(m, i, j as usize, dense)
            } else {
                scorer
                    .value_in(m, i, j as usize, dense)
                    .map(|w| (w, 0.0, 0.0))
            };
            let Some((w, fit, geo)) = scored_pair else {
                continue;
            };
            if w <= floor {
                continue;
            }
            let v = if with_view {
                offer_view_of(fit, geo, standing)
            } else {
                0
            };
            match k {
                None => all.push((j, w, v)),
                Some(k) => {
                    if heap.len() < k {
                        heap.push((Reverse(w), j, v));
                    } else if let Some(mut worst) = heap.peek_mut()
                        && (Reverse(w), j) < (worst.0, worst.1)
                    {
                        // Better than the worst kept (higher score, or equal and lower index).
                        *worst = (Reverse(w), j, v);
                    }
                }
            }
        }
    }
    if k.is_some() {
        all = heap
            .into_iter()
            .map(|(Reverse(w), j, v)| (j, w, v))
            .collect();
    }
    if technology {
        scorer.text.spread(i, &mut scratch.dense, false);
    }
    all.sort_unstable();
    (all, scored)
}

/// The dense `needs × offers` matrix of fixed-point scores of market `m`, for small instances the
/// dense solvers take directly (`allocate::max_weight_assignment`). A pair that is not a
/// candidate holds 0: a maximum-weight solver never prefers it to a candidate, and a 0 in its
/// answer means "no partner". Refused (`None`) above `max_entries` entries, before allocating:
/// larger markets go through [`top_candidates`] and the sparse solvers.
pub fn score_matrix(
    scorer: &Scorer<'_>,
    m: Market,
    max_entries: usize,
) -> Option<ndarray::Array2<i64>> {
    let (rows, cols) = (m.needs(scorer.ledger), m.offers(scorer.ledger));
    if rows.checked_mul(cols)? > max_entries {
        return None;
    }
    let mut a = ndarray::Array2::<i64>::zeros((rows, cols));
    for (i, j, w) in top_candidates(scorer, m, None) {
        a[[i as usize, j as usize]] = w;
    }
    Some(a)
}

/// Every offer of market `m` that is a candidate for need `i`, best first: `(offer, score)`
/// sorted by fixed-point score descending, then offer index (deterministic). Scores every offer
/// of the market (O(offers)) with its reasons; for all needs at once use [`top_candidates`].
pub fn ranked_offers(scorer: &Scorer<'_>, m: Market, i: usize) -> Vec<(u32, Score)> {
    let floor = to_fixed(scorer.cfg.min_score).max(0);
    let mut out: Vec<(u32, Score)> = (0..m.offers(scorer.ledger))
        .filter_map(|j| {
            let s = scorer.score(m, i, j)?;
            (s.fixed() > floor).then(|| (u32::try_from(j).unwrap_or(u32::MAX), s))
        })
        .collect();
    out.sort_by(|a, b| b.1.fixed().cmp(&a.1.fixed()).then(a.0.cmp(&b.0)));
    out
}
