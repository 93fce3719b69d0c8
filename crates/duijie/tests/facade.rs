//! The façade an embedder uses: typed references by the ledger's ids, pairs and shortfalls that
//! agree with the allocation, explanations from the outcome's own configuration, and typed
//! errors.

#![allow(clippy::unwrap_used)]

use duijie::synth::Scale;
use duijie::{Market, NotThisLedger, ScoreConfig, Scorer};

#[test]
fn every_need_and_offer_is_found_by_its_id_and_names_its_owner() {
    let (l, report) = duijie::synth::ledger(Scale::Sample, 4);
    assert!(!report.has_errors());
    for m in Market::ALL {
        for i in 0..m.needs(&l) as u32 {
            let n = l.need(m, i).unwrap();
            assert_eq!(l.need_by_id(m, n.id), Some(n), "{m} need {}", n.id);
            assert_eq!(n.owner.id, duijie::score::need_owner(&l, m, i as usize));
        }
        for j in 0..m.offers(&l) as u32 {
            let o = l.offer(m, j).unwrap();
            assert_eq!(l.offer_by_id(m, o.id), Some(o), "{m} offer {}", o.id);
        }
        assert_eq!(l.need(m, m.needs(&l) as u32), None);
        assert_eq!(l.need_by_id(m, "no such id"), None);
        assert_eq!(l.offer_by_id(m, ""), None);
    }
}

#[test]
fn pairs_and_shortfalls_restate_the_allocation_by_id() {
    let (l, _) = duijie::synth::ledger(Scale::Sample, 2);
    let cfg = ScoreConfig {
        top_k: Some(5),
        ..ScoreConfig::default()
    };
    let outcome = duijie::run_with(&l, &cfg).unwrap();
    assert_eq!(outcome.policy, "welfare");
    let pairs = outcome.pairs(&l).unwrap();
    let matches: usize = outcome
        .markets
        .iter()
        .map(|m| m.allocation.matches.len())
        .sum();
    assert_eq!(pairs.len(), matches);
    let scorer = Scorer::new(&outcome.config, &l);
    for p in &pairs {
        // The explanation is the score the allocation used.
        let s = scorer.explain(p).unwrap();
        assert_eq!(s.fixed(), p.score_fixed, "{} {}", p.need.id, p.offer.id);
        assert!(p.units <= p.need.quantity.min(p.offer.quantity));
    }
    let short = outcome.shortfalls(&l).unwrap();
    for m in &outcome.markets {
        let missing: u64 = short
            .iter()
            .filter(|s| s.need.market == m.allocation.market)
            .map(|s| u64::from(s.missing))
            .sum();
        assert_eq!(missing, m.metrics.unmet_units, "{}", m.allocation.market);
    }
}

#[test]
fn an_outcome_read_against_another_ledger_is_refused() {
    let (a, _) = duijie::synth::ledger(Scale::Sample, 1);
    let (b, _) = duijie::synth::ledger(Scale::Sample, 2);
    let outcome = duijie::run(&a).unwrap();
    let e: NotThisLedger = outcome.pairs(&b).unwrap_err();
    assert!(e.to_string().contains("another ledger"), "{e}");
    assert!(outcome.shortfalls(&duijie::Ledger::default()).is_err());
}

#[test]
fn run_policy_names_the_policy_and_wraps_its_errors() {
    let (l, _) = duijie::synth::ledger(Scale::Sample, 3);
    let stable = duijie::policy::by_name("stable-needs").unwrap();
    let o = duijie::run_policy(&l, &ScoreConfig::default(), stable.as_ref()).unwrap();
    assert_eq!(o.policy, "stable-needs");
    assert!(o.markets.iter().all(|m| m.metrics.blocking_pairs == 0));
    let bad = duijie::policy::TwoSided {
        need_weight: 2.0,
        fairness: 0.0,
    };
    match duijie::run_policy(&l, &ScoreConfig::default(), &bad) {
        Err(duijie::AllocateError::Policy { market, source, .. }) => {
            assert_eq!(market, Market::Talent);
            assert!(matches!(
                *source,
                duijie::AllocateError::InvalidParameter { .. }
            ));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_outcome_is_the_same_on_one_thread_and_on_many() {
    // Markets, components and candidates run in parallel; the answer must not notice.
    let (l, _) = duijie::synth::ledger(Scale::Sample, 6);
    let cfg = ScoreConfig {
        top_k: Some(8),
        ..ScoreConfig::default()
    };
    let many = duijie::run_with(&l, &cfg).unwrap();
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        assert_eq!(
            pool.install(|| duijie::run_with(&l, &cfg)).unwrap(),
            many,
            "{threads} threads"
        );
    }
}

/// `l` with every need and offer repeated for the next year (same ids: a ledger kept over two
/// rounds), the second year's talent needs halved so that the two years differ.
fn two_years(l: &duijie::Ledger) -> duijie::Ledger {
    fn again<T: Clone>(rows: &mut Vec<T>, next: impl Fn(&mut T)) {
        let more: Vec<T> = rows
            .iter()
            .cloned()
            .map(|mut r| {
                next(&mut r);
                r
            })
            .collect();
        rows.extend(more);
    }
    let mut two = l.clone();
    again(&mut two.talent_needs, |r| {
        r.year += 1;
        r.headcount = r.headcount.div_ceil(2);
    });
    again(&mut two.technology_needs, |r| r.year += 1);
    again(&mut two.training_needs, |r| r.year += 1);
    again(&mut two.placement_needs, |r| r.year += 1);
    again(&mut two.talent_supply, |r| r.year += 1);
    again(&mut two.technology_capabilities, |r| r.year += 1);
    again(&mut two.training_offers, |r| r.year += 1);
    again(&mut two.placement_offers, |r| r.year += 1);
    two
}

#[test]
fn a_ledger_of_several_years_is_allocated_as_each_year_on_its_own() {
    let (l, _) = duijie::synth::ledger(Scale::Sample, 4);
    let years = l.years();
    assert_eq!(years.len(), 1, "the sample is one year");
    let two = two_years(&l);
    let y = years[0];
    assert_eq!(two.years(), vec![y, y + 1]);
    // The years partition the records; parties stay whole.
    for (k, (kind, n)) in two.counts().into_iter().enumerate() {
        let apart: usize = [y, y + 1]
            .iter()
            .map(|&t| two.of_year(t).counts()[k].1)
            .sum();
        let parties = kind.name().ends_with("schools")
            || matches!(kind.name(), "institutes" | "enterprises" | "authorities");
        assert_eq!(if parties { n * 2 } else { n }, apart, "{}", kind.name());
    }
    // A year's ledger is exactly the records of that year, in their order.
    assert_eq!(two.of_year(y), l);
    assert_eq!(two.of_year(y + 1).years(), vec![y + 1]);
    assert!(two.of_year(y + 2).years().is_empty());
    // Each year's round is its own: the second year (fewer talent places asked) allocates
    // differently from the first.
    let first = duijie::run(&two.of_year(y)).unwrap();
    let second = duijie::run(&two.of_year(y + 1)).unwrap();
    assert_eq!(first.welfare, duijie::run(&l).unwrap().welfare);
    assert_ne!(
        first.markets[0].allocation.matches,
        second.markets[0].allocation.matches
    );
}
