//! Helpers shared by the integration tests.

use duijie::Ledger;
use duijie::score::{Market, Scorer};

/// Scores every pair and keeps each need's best `k` (all with `None`; higher score first, ties to
/// the lower offer), as `(need, offer, score)` sorted by need then offer: the reference that
/// `top_candidates` must equal.
pub fn brute_force(
    s: &Scorer<'_>,
    l: &Ledger,
    m: Market,
    k: Option<usize>,
) -> Vec<(u32, u32, i64)> {
    let mut out = Vec::new();
    for i in 0..m.needs(l) {
        let mut found: Vec<(u32, i64)> = (0..m.offers(l))
            .filter_map(|j| s.value(m, i, j).filter(|&w| w > 0).map(|w| (j as u32, w)))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(k.unwrap_or(usize::MAX));
        found.sort_unstable();
        out.extend(found.into_iter().map(|(j, w)| (i as u32, j, w)));
    }
    out
}
