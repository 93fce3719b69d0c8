//! Typed references into a ledger for people and other systems: a need, an offer or a party
//! named by the id its ledger gave it, never by a bare position.
//!
//! Solvers and policies work on positions (`u32` rows and columns, fast and compact); every
//! result an embedder reads goes through these types, which carry the external id, the owner
//! and the quantity, so nothing needs `score::need_external_id` to be mapped back.
//!
//! ```
//! # let ledger = duijie::synth::ledger(duijie::synth::Scale::Sample, 1).0;
//! let outcome = duijie::pipeline::run(&ledger).unwrap();
//! for pair in outcome.pairs(&ledger).unwrap().iter().take(3) {
//!     println!(
//!         "{} ({}) ← {} ({}): {} units, score {:.3}",
//!         pair.need.id, pair.need.owner.name, pair.offer.id, pair.offer.owner.name,
//!         pair.units, pair.score(),
//!     );
//! }
//! ```

use crate::model::{Ledger, Party};
use crate::pipeline::Outcome;
use crate::policy::Allocation;
use crate::score::{self, Market, SCALE};

/// One need or offer of one market, as the ledger names it: [`NeedRef`] or [`OfferRef`].
#[derive(Debug)]
pub struct Ref<'l, S> {
    /// The market.
    pub market: Market,
    /// Its position in the market's table of needs or offers (what the solvers call its row or
    /// column).
    pub index: u32,
    /// The id the ledger gave it (`TN0000042`, `TS0000007`).
    pub id: &'l str,
    /// The party that has the need or makes the offer.
    pub owner: &'l Party,
    /// Units it asks for or can give (persons, projects, trainees, places).
    pub quantity: u32,
    side: std::marker::PhantomData<S>,
}

impl<S> Clone for Ref<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Ref<'_, S> {}

impl<S> PartialEq for Ref<'_, S> {
    fn eq(&self, other: &Self) -> bool {
        (self.market, self.index, self.id, self.quantity)
            == (other.market, other.index, other.id, other.quantity)
            && std::ptr::eq(self.owner, other.owner)
    }
}

/// Marks a [`Ref`] to a need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {}

/// Marks a [`Ref`] to an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {}

/// One need of one market, as the ledger names it.
pub type NeedRef<'l> = Ref<'l, Need>;

/// One offer of one market, as the ledger names it.
pub type OfferRef<'l> = Ref<'l, Offer>;

/// The side of a [`Ref`]: how to read its table.
pub trait RefSide: sealed::Sealed {
    /// Rows or columns of market `m`.
    fn len(l: &Ledger, m: Market) -> usize;
    /// The external id, owner and quantity of entry `k`.
    fn entry(l: &Ledger, m: Market, k: usize) -> (&str, &Party, u32);
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Need {}
    impl Sealed for super::Offer {}
}

impl RefSide for Need {
    fn len(l: &Ledger, m: Market) -> usize {
        m.needs(l)
    }
    fn entry(l: &Ledger, m: Market, k: usize) -> (&str, &Party, u32) {
        (
            score::need_external_id(l, m, k),
            l.party(score::need_owner(l, m, k)),
            score::need_quantity(l, m, k),
        )
    }
}

impl RefSide for Offer {
    fn len(l: &Ledger, m: Market) -> usize {
        m.offers(l)
    }
    fn entry(l: &Ledger, m: Market, k: usize) -> (&str, &Party, u32) {
        (
            score::offer_external_id(l, m, k),
            l.party(score::offer_owner(l, m, k)),
            score::offer_quantity(l, m, k),
        )
    }
}

/// One partnership of an allocation: `units` of a need served by an offer, at a score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair<'l> {
    /// The need served.
    pub need: NeedRef<'l>,
    /// The offer serving it.
    pub offer: OfferRef<'l>,
    /// Units placed.
    pub units: u32,
    /// Score per unit, fixed point (divide by [`SCALE`], or call [`Pair::score`]).
    pub score_fixed: i64,
}

impl Pair<'_> {
    /// Score per unit, between 0 and 1.
    #[allow(clippy::cast_precision_loss)]
    pub fn score(&self) -> f64 {
        self.score_fixed as f64 / SCALE as f64
    }
}

/// A need left short: how many of its units no offer took.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shortfall<'l> {
    /// The need.
    pub need: NeedRef<'l>,
    /// Units not placed.
    pub missing: u32,
}

impl Ledger {
    /// A 64-bit fingerprint of what allocations refer to: every party's id and name, and every
    /// need's and offer's id, owner and quantity, in order (FNV-1a). Two ledgers with the same
    /// fingerprint give the same positions the same meaning.
    pub fn fingerprint(&self) -> u64 {
        const PRIME: u64 = 0x0100_0000_01b3;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for &b in bytes {
                h = (h ^ u64::from(b)).wrapping_mul(PRIME);
            }
            // A separator, so that ("ab", "c") and ("a", "bc") differ.
            h = (h ^ 0xff).wrapping_mul(PRIME);
        };
        for p in &self.parties {
            eat(p.external_id.as_bytes());
            eat(p.name.as_bytes());
        }
        for m in Market::ALL {
            for i in 0..m.needs(self) {
                eat(score::need_external_id(self, m, i).as_bytes());
                eat(&score::need_owner(self, m, i).index().to_le_bytes());
                eat(&score::need_quantity(self, m, i).to_le_bytes());
            }
            for j in 0..m.offers(self) {
                eat(score::offer_external_id(self, m, j).as_bytes());
                eat(&score::offer_owner(self, m, j).index().to_le_bytes());
                eat(&score::offer_quantity(self, m, j).to_le_bytes());
            }
        }
        h
    }

    /// Need `index` of market `m`, or `None` past the end of its table.
    pub fn need(&self, m: Market, index: u32) -> Option<NeedRef<'_>> {
        self.entry(m, index)
    }

    /// Offer `index` of market `m`, or `None` past the end of its table.
    pub fn offer(&self, m: Market, index: u32) -> Option<OfferRef<'_>> {
        self.entry(m, index)
    }

    /// The need of market `m` with ledger id `id`. Records are kept in order of their id, so
    /// this is a binary search.
    pub fn need_by_id(&self, m: Market, id: &str) -> Option<NeedRef<'_>> {
        self.entry_by_id(m, id)
    }

    /// The offer of market `m` with ledger id `id` (a binary search, as [`Ledger::need_by_id`]).
    pub fn offer_by_id(&self, m: Market, id: &str) -> Option<OfferRef<'_>> {
        self.entry_by_id(m, id)
    }

    fn entry<S: RefSide>(&self, m: Market, index: u32) -> Option<Ref<'_, S>> {
        let k = index as usize;
        (k < S::len(self, m)).then(|| {
            let (id, owner, quantity) = S::entry(self, m, k);
            Ref {
                market: m,
                index,
                id,
                owner,
                quantity,
                side: std::marker::PhantomData,
            }
        })
    }

    fn entry_by_id<S: RefSide>(&self, m: Market, id: &str) -> Option<Ref<'_, S>> {
        let n = S::len(self, m);
        let at = partition_point(n, |k| S::entry(self, m, k).0 < id);
        let r = self.entry::<S>(m, u32::try_from(at).ok()?)?;
        (r.id == id).then_some(r)
    }
}

/// The first position in `0..n` where `before` is false (`before` true on a prefix).
fn partition_point(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// An allocation or outcome read against a ledger it was not made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotThisLedger {
    /// The allocation's tables have other lengths than the ledger's.
    Sizes {
        /// The market whose tables disagree.
        market: Market,
        /// Needs the allocation has and offers it refers to.
        allocation: (usize, usize),
        /// Needs and offers the ledger has in that market.
        ledger: (usize, usize),
    },
    /// The outcome was computed from a ledger with another [`Ledger::fingerprint`].
    Fingerprint {
        /// The fingerprint of the ledger the outcome was computed from.
        outcome: u64,
        /// The fingerprint of the ledger given.
        ledger: u64,
    },
}

impl std::fmt::Display for NotThisLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotThisLedger::Sizes {
                market,
                allocation,
                ledger,
            } => write!(
                f,
                "this {market} market allocation has {} needs and refers to {} offers, but the ledger has {} needs and {} offers: it was made from another ledger",
                allocation.0, allocation.1, ledger.0, ledger.1
            ),
            NotThisLedger::Fingerprint { outcome, ledger } => write!(
                f,
                "this outcome was computed from ledger {outcome:016x}, not from the ledger given ({ledger:016x}): it was made from another ledger"
            ),
        }
    }
}

impl std::error::Error for NotThisLedger {}

impl Allocation {
    /// Checks that this allocation was made from ledger `l`: one unmet entry per need of its
    /// market and every offer within the table.
    ///
    /// # Errors
    /// [`NotThisLedger`] with both sizes.
    pub fn check_ledger(&self, l: &Ledger) -> Result<(), NotThisLedger> {
        let m = self.market;
        let needs = self.unmet.len();
        let last_offer = self.matches.iter().map(|x| x.offer as usize + 1).max();
        let ok = needs == m.needs(l)
            && last_offer.is_none_or(|j| j <= m.offers(l))
            && self.matches.iter().all(|x| (x.need as usize) < needs);
        if ok {
            Ok(())
        } else {
            Err(NotThisLedger::Sizes {
                market: m,
                allocation: (needs, last_offer.unwrap_or(0)),
                ledger: (m.needs(l), m.offers(l)),
            })
        }
    }

    /// The partnerships of this allocation of ledger `l`'s market, by need then offer.
    ///
    /// # Errors
    /// [`NotThisLedger`] when the allocation was made from another ledger.
    pub fn pairs<'l>(
        &'l self,
        l: &'l Ledger,
    ) -> Result<impl Iterator<Item = Pair<'l>> + 'l, NotThisLedger> {
        self.check_ledger(l)?;
        let m = self.market;
        Ok(self.matches.iter().filter_map(move |x| {
            Some(Pair {
                need: l.need(m, x.need)?,
                offer: l.offer(m, x.offer)?,
                units: x.units,
                score_fixed: x.score,
            })
        }))
    }

    /// The needs not met in full, by position, with how much each lacks.
    ///
    /// # Errors
    /// [`NotThisLedger`] when the allocation was made from another ledger.
    pub fn shortfalls<'l>(
        &'l self,
        l: &'l Ledger,
    ) -> Result<impl Iterator<Item = Shortfall<'l>> + 'l, NotThisLedger> {
        self.check_ledger(l)?;
        let m = self.market;
        Ok(self
            .unmet
            .iter()
            .zip(0u32..)
            .filter(|(u, _)| **u > 0)
            .filter_map(move |(&missing, i)| {
                Some(Shortfall {
                    need: l.need(m, i)?,
                    missing,
                })
            }))
    }
}

impl Outcome {
    /// Checks that this outcome was computed from ledger `l` (its [`Ledger::fingerprint`]), and
    /// each allocation's table sizes. An outcome read back without a fingerprint (0) is checked
    /// by sizes only.
    ///
    /// # Errors
    /// [`NotThisLedger`] naming what differs.
    pub fn check_ledger(&self, l: &Ledger) -> Result<(), NotThisLedger> {
        self.check_fingerprint(l)?;
        self.markets
            .iter()
            .try_for_each(|o| o.allocation.check_ledger(l))
    }

    /// The fingerprint half of [`Outcome::check_ledger`]; each allocation checks its sizes as
    /// it is read.
    pub(crate) fn check_fingerprint(&self, l: &Ledger) -> Result<(), NotThisLedger> {
        if self.ledger == 0 {
            return Ok(());
        }
        let ledger = l.fingerprint();
        if ledger == self.ledger {
            Ok(())
        } else {
            Err(NotThisLedger::Fingerprint {
                outcome: self.ledger,
                ledger,
            })
        }
    }

    /// Every partnership of every market, in [`Market::ALL`] order, then by need and offer.
    ///
    /// # Errors
    /// [`NotThisLedger`] when the outcome was computed from another ledger.
    pub fn pairs<'l>(&'l self, l: &'l Ledger) -> Result<Vec<Pair<'l>>, NotThisLedger> {
        self.check_fingerprint(l)?;
        let mut out = Vec::new();
        for o in &self.markets {
            out.extend(o.allocation.pairs(l)?);
        }
        Ok(out)
    }

    /// Every need not met in full, in every market.
    ///
    /// # Errors
    /// [`NotThisLedger`] when the outcome was computed from another ledger.
    pub fn shortfalls<'l>(&'l self, l: &'l Ledger) -> Result<Vec<Shortfall<'l>>, NotThisLedger> {
        self.check_fingerprint(l)?;
        let mut out = Vec::new();
        for o in &self.markets {
            out.extend(o.allocation.shortfalls(l)?);
        }
        Ok(out)
    }
}
