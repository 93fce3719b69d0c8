//! The programme's rules as properties on generated ledgers: alliances, consortia, gaps,
//! targets and the policy comparison.

#![allow(clippy::unwrap_used)]

use duijie::Ledger;
use duijie::policy::{self, MarketInstance, Policy};
use duijie::programme::{self, AllianceRules, Grouping};
use duijie::score::{Market, ScoreConfig, Scorer};
use duijie::synth::Scale;

fn ledger(seed: u64) -> Ledger {
    let (ledger, report) = duijie::synth::ledger(Scale::Sample, seed);
    assert_eq!(report.error_count(), 0);
    ledger
}

/// Seed `seed`'s ledger, its talent market (every candidate) and the welfare allocation.
fn talent_welfare(seed: u64) -> (Ledger, MarketInstance, policy::Allocation) {
    let l = ledger(seed);
    let cfg = ScoreConfig::default();
    let scorer = Scorer::new(&cfg, &l);
    let inst = MarketInstance::from_scorer(&scorer, Market::Talent, None);
    let a = policy::Welfare.allocate(&inst).unwrap();
    (l, inst, a)
}

/// The talent needs of a gap row's major and level.
fn needs_of(l: &Ledger, row: &programme::GapRow) -> Vec<u32> {
    l.talent_needs
        .iter()
        .enumerate()
        .filter(|(_, n)| n.major == row.major && n.level == row.level)
        .map(|(i, _)| u32::try_from(i).unwrap())
        .collect()
}

fn instances(scorer: &Scorer<'_>) -> Vec<MarketInstance> {
    Market::ALL
        .iter()
        .map(|&m| MarketInstance::from_scorer(scorer, m, None))
        .collect()
}

#[test]
fn every_enterprise_is_in_exactly_one_alliance_and_suppliers_join_by_fit() {
    let cfg = ScoreConfig::default();
    for seed in 0..4 {
        let l = ledger(seed);
        let scorer = Scorer::new(&cfg, &l);
        let inst = instances(&scorer);
        for grouping in [
            Grouping::Domain,
            Grouping::Industry,
            Grouping::City,
            Grouping::Park,
        ] {
            for quota in [0.0, 0.2, 1.0] {
                let rules = AllianceRules {
                    grouping,
                    min_score: 0.5,
                    out_of_province_quota: quota,
                };
                let a = programme::form_alliances(&l, &inst, &rules);
                for p in &l.parties {
                    let member_of = &a.membership[p.id.index()];
                    match p.kind() {
                        duijie::PartyKind::Enterprise => {
                            assert_eq!(member_of.len(), 1, "{} {grouping:?}", p.external_id);
                            let al = &a.alliances[member_of[0] as usize];
                            assert!(al.enterprises.contains(&p.id));
                        }
                        duijie::PartyKind::Authority => assert!(member_of.is_empty()),
                        _ => {
                            // A supplier is in an alliance only through a pair ≥ the threshold
                            // with one of its enterprises.
                            for &k in member_of {
                                let al = &a.alliances[k as usize];
                                assert!(al.suppliers.contains(&p.id));
                                let fits = inst.iter().any(|ins| {
                                    ins.pairs.iter().any(|&(i, j, w, _)| {
                                        let (n, o) = (
                                            duijie::score::need_owner(&l, ins.market, i as usize),
                                            duijie::score::offer_owner(&l, ins.market, j as usize),
                                        );
                                        w >= duijie::score::to_fixed(0.5)
                                            && ((n == p.id && al.enterprises.contains(&o))
                                                || (o == p.id && al.enterprises.contains(&n)))
                                    })
                                });
                                assert!(fits, "{} in {}", p.external_id, al.name);
                            }
                        }
                    }
                }
                for al in &a.alliances {
                    let inside = al
                        .suppliers
                        .iter()
                        .filter(|s| !l.party(**s).out_of_province)
                        .count();
                    let outside = al.suppliers.len() - inside;
                    #[allow(
                        clippy::cast_possible_truncation,
                        clippy::cast_sign_loss,
                        clippy::cast_precision_loss
                    )]
                    let quota_n = ((quota * inside as f64).floor() as usize).max(1);
                    assert!(outside <= quota_n, "{}: {outside} > {quota_n}", al.name);
                    if let Some(lead) = al.lead {
                        assert!(al.enterprises.contains(&lead) || al.suppliers.contains(&lead));
                    }
                }
                // Left out: exactly the schools and large/medium enterprises in no alliance.
                let mut expect: Vec<_> = l
                    .parties
                    .iter()
                    .filter(|p| {
                        a.membership[p.id.index()].is_empty()
                            && match &p.detail {
                                duijie::PartyDetail::School { .. } => true,
                                duijie::PartyDetail::Enterprise { size, .. } => matches!(
                                    size,
                                    duijie::EnterpriseSize::Large | duijie::EnterpriseSize::Medium
                                ),
                                _ => false,
                            }
                    })
                    .map(|p| p.id)
                    .collect();
                expect.sort_unstable();
                let got: Vec<_> = a.left_out.iter().map(|x| x.party).collect();
                assert_eq!(got, expect);
                assert!(a.left_out.iter().all(|x| !x.reason.is_empty()));
            }
        }
    }
}

#[test]
fn consortia_respect_capacities_and_cover_what_they_claim() {
    let cfg = ScoreConfig::default();
    let l = ledger(3);
    let scorer = Scorer::new(&cfg, &l);
    let mut capacity = programme::technology_capacity(&l);
    let teams = programme::consortia(&scorer, &mut capacity, 20);
    let cores = l
        .technology_needs
        .iter()
        .filter(|n| n.kind == duijie::TechnologyNeedKind::Core)
        .count();
    assert_eq!(teams.len(), cores);
    assert!(
        teams.iter().any(|t| t.members.len() >= 2),
        "no team of two or more"
    );
    let mut used = vec![0u32; l.technology_capabilities.len()];
    for t in &teams {
        let need = &l.technology_needs[t.need as usize];
        assert_eq!(t.covered.len() + t.uncovered.len(), {
            let mut d = need.disciplines.clone();
            d.sort_unstable();
            d.dedup();
            d.len()
        });
        for &j in &t.members {
            used[j as usize] += 1;
            assert_eq!(l.technology_capabilities[j as usize].year, need.year);
        }
    }
    for (j, c) in l.technology_capabilities.iter().enumerate() {
        assert!(used[j] <= c.capacity, "capability {j} over capacity");
        assert_eq!(capacity[j], c.capacity - used[j]);
    }
}

#[test]
fn gaps_find_the_majors_nobody_supplies_and_the_oversupplied() {
    // The generator never supplies 智能制造工程 and 机器人工程: they are flagged "add" exactly
    // where their demand is left unmet (related majors may fill it). And on every seed, every
    // signal is true of its figures: a stop or reduce signal only where most of the supply is
    // not placed (graduates placed through related majors are not surplus), add and expand
    // only for demand left unmet.
    use programme::Signal;
    let mut seen = 0;
    for seed in 0..8 {
        let (l, _, a) = talent_welfare(seed);
        for r in programme::gaps(&l, &a) {
            if ["080213T", "080803T"].contains(&r.code.as_str()) && r.demand > 0 {
                seen += 1;
                assert_eq!(
                    r.signals.contains(&Signal::Add),
                    r.demand > r.demand_met,
                    "{} seed {seed}: {r:?}",
                    r.code
                );
                assert_eq!(r.supply, 0);
            }
            for s in &r.signals {
                let ok = match s {
                    Signal::Stop | Signal::Reduce => 2 * r.supply_placed < r.supply,
                    Signal::Add | Signal::Expand => r.demand_met < r.demand,
                    _ => true,
                };
                assert!(ok, "seed {seed}: {} {:?} on {r:?}", r.code, s);
            }
        }
    }
    assert!(seen > 0, "no seed asks for the never-supplied majors");
    let (l, inst, a) = talent_welfare(1);
    let rows = programme::gaps(&l, &a);
    assert!(
        rows.iter().any(|r| r
            .signals
            .iter()
            .any(|s| matches!(s, programme::Signal::Reduce | programme::Signal::Stop))),
        "no over-supplied major found"
    );
    for r in &rows {
        assert!(
            r.demand_met <= r.demand && r.supply_placed <= r.supply,
            "{}",
            r.code
        );
    }
    // Closing the gap of one expandable major: seats added only where candidates are.
    let row = rows
        .iter()
        .find(|r| r.signals.contains(&programme::Signal::Expand) && r.demand > r.demand_met)
        .unwrap();
    let targets = needs_of(&l, row);
    let w = programme::capacity_what_if(&inst, &a, &targets).unwrap();
    let counts = inst.candidate_counts();
    let unmet_servable: u64 = targets
        .iter()
        .filter(|&&t| counts[t as usize] > 0)
        .map(|&t| u64::from(a.unmet[t as usize]))
        .sum();
    // Never more seats than the unmet units of the servable targets.
    assert!(w.total <= unmet_servable, "{} > {unmet_servable}", w.total);
}

#[test]
fn progress_counts_what_the_allocations_achieve() {
    let cfg = ScoreConfig::default();
    let l = ledger(2);
    let scorer = Scorer::new(&cfg, &l);
    let inst = instances(&scorer);
    let allocs: Vec<_> = inst
        .iter()
        .map(|i| policy::Welfare.allocate(i).unwrap())
        .collect();
    let alliances = programme::form_alliances(&l, &inst, &AllianceRules::default());
    let t = programme::Targets::default();
    let p = programme::progress(&l, &allocs, &alliances, &[], &[], &t);
    let talent: u64 = allocs[0].matches.iter().map(|m| u64::from(m.units)).sum();
    let is_talent = |k: &str| {
        [
            "graduate",
            "bachelor",
            "higher_vocational",
            "secondary_vocational",
        ]
        .contains(&k)
    };
    // The yearly rows, one per year, add up to everything placed; none sums years.
    let by_level: f64 = p
        .iter()
        .filter(|x| is_talent(&x.key))
        .map(|x| {
            assert!(x.year.is_some(), "{x:?}");
            x.achieved.unwrap()
        })
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let talent = talent as f64;
    assert_eq!(by_level, talent);
    let row = |rows: &[programme::Progress], k: &str, y: Option<u16>| {
        rows.iter()
            .find(|x| x.key == k && x.year == y)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        row(&p, "school_coverage", None).achieved,
        Some(alliances.school_coverage(&l))
    );
    let per = programme::alliance_progress(&l, &allocs, &alliances, &[], &t);
    assert_eq!(per.len(), alliances.alliances.len());
    let placed: u64 = per.iter().map(|r| r.talent_placed).sum();
    #[allow(clippy::cast_precision_loss)]
    let placed = placed as f64;
    assert_eq!(placed, talent);
    // Every enterprise is in one alliance: the alliances' shares of a target add up to the
    // province's, and what they achieve to what the province achieves.
    for r in &per[0].targets {
        let (target, achieved): (f64, f64) = per
            .iter()
            .map(|a| {
                let x = row(&a.targets, &r.key, r.year);
                (x.target, x.achieved.unwrap())
            })
            .fold((0.0, 0.0), |s, x| (s.0 + x.0, s.1 + x.1));
        let whole = row(&p, &r.key, r.year);
        assert!(
            target == 0.0 || (target - whole.target).abs() < 1e-6 * whole.target,
            "{r:?}: {target}"
        );
        assert_eq!(Some(achieved), whole.achieved, "{r:?}");
    }
}

#[test]
fn comparison_ranks_policies_by_what_each_optimises_and_is_thread_independent() {
    let cfg = ScoreConfig::default();
    let l = ledger(4);
    let policies = policy::all();
    let run = || {
        duijie::experiment::compare(
            &l,
            "sample-4",
            Some(4),
            &cfg,
            &policies,
            &Market::ALL,
            None,
            None,
        )
        .unwrap()
    };
    let rows = run();
    assert_eq!(rows.len(), policies.len() * Market::ALL.len());
    for m in Market::ALL {
        let of = |name: &str| {
            rows.iter()
                .find(|r| r.market == m && r.policy == name)
                .unwrap()
        };
        let best = of("welfare").metrics.welfare;
        for r in rows.iter().filter(|r| r.market == m) {
            assert!(
                r.metrics.welfare <= best,
                "{} beats welfare on {m}",
                r.policy
            );
            let c = &of("coverage").metrics;
            assert!(
                r.metrics.needs_covered + r.metrics.offers_used <= c.needs_covered + c.offers_used,
                "{} covers more on {m}",
                r.policy
            );
            assert!(r.metrics.needs_covered <= of("maxmin").metrics.needs_covered);
        }
        assert_eq!(of("stable-needs").metrics.blocking_pairs, 0);
        assert_eq!(of("stable-offers").metrics.blocking_pairs, 0);
    }
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let again = one.install(run);
    assert_eq!(again, rows);
}

#[test]
fn match_and_compare_report_the_same_metrics_for_the_welfare_allocation() {
    // One welfare path: `pipeline::run` (duijie match) and the welfare row of a comparison
    // (duijie compare) are the same allocation measured the same way.
    for seed in [1, 2] {
        let l = ledger(seed);
        let cfg = ScoreConfig::default();
        let outcome = duijie::pipeline::run_with(&l, &cfg).unwrap();
        let policies: Vec<Box<dyn Policy>> = vec![Box::new(policy::Welfare)];
        let rows = duijie::experiment::compare(
            &l,
            "t",
            Some(seed),
            &cfg,
            &policies,
            &Market::ALL,
            None,
            None,
        )
        .unwrap();
        for row in rows {
            let m = outcome.market(row.market).unwrap();
            assert_eq!(m.metrics, row.metrics, "seed {seed} {}", row.market);
        }
    }
}

#[test]
fn programme_run_is_the_pieces_run_once_and_refuses_what_it_cannot_use() {
    let l = ledger(3);
    let cfg = programme::ProgrammeConfig {
        compare: "greedy,welfare".into(),
        ..Default::default()
    };
    let report = programme::run(&l, "t", Some(3), &cfg, None).unwrap();
    // The reported allocations are the welfare policy's, market by market.
    let scorer = Scorer::new(&cfg.score, &l);
    let inst = instances(&scorer);
    assert_eq!(report.allocations.len(), Market::ALL.len());
    for (a, i) in report.allocations.iter().zip(&inst) {
        assert_eq!(*a, policy::Welfare.allocate(i).unwrap());
    }
    // The comparison is experiment::compare's, and the figures follow from the allocations.
    let policies = policy::parse_list("greedy,welfare").unwrap();
    let rows = duijie::experiment::compare(
        &l,
        "t",
        Some(3),
        &cfg.score,
        &policies,
        &Market::ALL,
        None,
        None,
    )
    .unwrap();
    assert_eq!(report.comparison, rows);
    let alliances = programme::form_alliances(&l, &inst, &cfg.alliances);
    assert_eq!(report.alliances, alliances);
    assert_eq!(
        report.gaps,
        programme::gaps(&l, report.allocation(Market::Talent).unwrap())
    );
    let mut capacity = programme::technology_capacity(&l);
    let teams = programme::consortia(&scorer, &mut capacity, cfg.consortium_exact_limit);
    assert_eq!(report.consortia, teams);
    assert_eq!(
        report.progress,
        programme::progress(
            &l,
            &report.allocations,
            &alliances,
            &teams,
            &report.gaps,
            &cfg.targets
        )
    );
    // A reported policy outside the list is added; an empty list compares nothing.
    let only = programme::ProgrammeConfig {
        policy: "coverage".into(),
        compare: String::new(),
        ..Default::default()
    };
    let r = programme::run(&l, "t", None, &only, None).unwrap();
    assert!(r.comparison.is_empty());
    assert_eq!(r.policy, "coverage");
    // What cannot be used is refused, typed.
    let bad = |c: programme::ProgrammeConfig| programme::run(&l, "t", None, &c, None).unwrap_err();
    assert!(matches!(
        bad(programme::ProgrammeConfig {
            policy: "all".into(),
            ..Default::default()
        }),
        programme::ProgrammeError::NotOnePolicy { .. }
    ));
    let e = bad(programme::ProgrammeConfig {
        compare: "greedy,wellfare".into(),
        ..Default::default()
    });
    assert!(matches!(&e, programme::ProgrammeError::UnknownPolicy(u) if u.name == "wellfare"));
    assert!(e.to_string().contains("welfare"), "{e}");
    let targets = programme::Targets {
        school_coverage: 1.5,
        ..Default::default()
    };
    assert!(matches!(
        bad(programme::ProgrammeConfig {
            targets,
            ..Default::default()
        }),
        programme::ProgrammeError::Targets(_)
    ));
}

#[test]
fn the_membership_graph_is_the_alliances_and_its_components_are_the_linked_groups() {
    let cfg = ScoreConfig::default();
    for seed in 0..3 {
        let l = ledger(seed);
        let scorer = Scorer::new(&cfg, &l);
        for grouping in [Grouping::Domain, Grouping::City] {
            let rules = AllianceRules {
                grouping,
                ..AllianceRules::default()
            };
            let a = programme::form_alliances(&l, &instances(&scorer), &rules);
            let g = a.graph();
            let memberships: usize = a
                .alliances
                .iter()
                .map(|x| x.enterprises.len() + x.suppliers.len())
                .sum();
            assert_eq!(g.edge_count(), memberships);
            let members = a.membership.iter().filter(|m| !m.is_empty()).count();
            assert_eq!(g.node_count(), a.alliances.len() + members);
            let leads = g.raw_edges().iter().filter(|e| e.weight.lead).count();
            assert_eq!(
                leads,
                a.alliances.iter().filter(|x| x.lead.is_some()).count()
            );
            // Brute force: merge alliances sharing a member until nothing changes.
            let n = a.alliances.len();
            let mut group: Vec<usize> = (0..n).collect();
            loop {
                let mut changed = false;
                for ks in &a.membership {
                    let low = ks.iter().map(|&k| group[k as usize]).min();
                    for &k in ks {
                        if let Some(low) = low
                            && group[k as usize] != low
                        {
                            let old = group[k as usize];
                            for x in group.iter_mut().filter(|x| **x == old) {
                                *x = low;
                            }
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            let mut want: std::collections::BTreeMap<usize, Vec<u32>> = Default::default();
            for (k, &gr) in group.iter().enumerate() {
                want.entry(gr).or_default().push(k as u32);
            }
            let mut want: Vec<Vec<u32>> = want.into_values().collect();
            want.sort_unstable();
            assert_eq!(a.linked_groups(), want, "seed {seed} {grouping:?}");
        }
    }
}

/// A what-if within the major's level adds seats only at supply lines of that level, and a
/// target with no candidate of its level is reported, not served elsewhere.
#[test]
fn what_if_within_a_level_adds_seats_only_at_that_level() {
    let mut checked = 0;
    for seed in 0..6 {
        let (l, inst, a) = talent_welfare(seed);
        for row in programme::gaps(&l, &a)
            .iter()
            .filter(|r| r.demand > r.demand_met)
            .take(3)
        {
            let targets = needs_of(&l, row);
            let same = |j: u32| l.talent_supply[j as usize].level == row.level;
            let w = programme::capacity_what_if_within(&inst, &a, &targets, &same).unwrap();
            for &(j, _) in &w.added {
                assert_eq!(l.talent_supply[j as usize].level, row.level, "{}", row.code);
            }
            for &t in &targets {
                let has_same = inst.pairs.iter().any(|p| p.0 == t && same(p.1));
                assert_eq!(
                    !has_same,
                    w.unservable.contains(&t),
                    "{} need {t}",
                    row.code
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
}

/// Every party's recommended partners equal a brute force over the candidate pairs: per market,
/// each partner's best pair from the party's own side, best first (ties to the lower partner),
/// `k` at most, and every one a candidate pair of one of the party's records.
#[test]
fn recommendations_equal_brute_force_per_party() {
    let cfg = ScoreConfig::default();
    let l = ledger(5);
    let scorer = Scorer::new(&cfg, &l);
    let inst = instances(&scorer);
    for k in [1, 3, 10] {
        let recs = programme::recommendations(&l, &inst, k);
        assert_eq!(recs.len(), l.parties.len());
        // One party's lists alone are the same as among everyone's, and so are every party's
        // from the index a service keeps.
        for p in [0, l.parties.len() / 2] {
            let id = l.parties[p].id;
            assert_eq!(programme::recommendations_of(&l, &inst, id, k), recs[p]);
        }
        let index = programme::RecommendIndex::new(&l, &inst);
        for (p, list) in recs.iter().enumerate() {
            assert_eq!(
                &index.of(&l, &inst, l.parties[p].id, k),
                list,
                "party {p}, k {k}"
            );
        }
        for (p, list) in recs.iter().enumerate() {
            for i in &inst {
                let m = i.market;
                // partner → best (score, side is need, own, other)
                let mut best: std::collections::BTreeMap<usize, (i64, bool, u32, u32)> =
                    std::collections::BTreeMap::new();
                for &(a, b, w, v) in &i.pairs {
                    let (na, ob) = (
                        duijie::score::need_owner(&l, m, a as usize).index(),
                        duijie::score::offer_owner(&l, m, b as usize).index(),
                    );
                    let mut offer = |partner: usize, cand: (i64, bool, u32, u32)| {
                        let e = best.entry(partner).or_insert(cand);
                        // Higher score; then the party's need before its offer; then lower records.
                        let key = |c: &(i64, bool, u32, u32)| (-c.0, !c.1, c.2, c.3);
                        if key(&cand) < key(e) {
                            *e = cand;
                        }
                    };
                    if na == p {
                        offer(ob, (w, true, a, b));
                    }
                    if ob == p {
                        offer(na, (v, false, b, a));
                    }
                }
                let mut want: Vec<(usize, (i64, bool, u32, u32))> = best.into_iter().collect();
                want.sort_by_key(|(q, c)| (-c.0, *q));
                want.truncate(k);
                let got: Vec<(usize, i64)> = list
                    .iter()
                    .filter(|r| r.market == m)
                    .map(|r| (r.partner.index(), r.score))
                    .collect();
                let want: Vec<(usize, i64)> = want.iter().map(|(q, c)| (*q, c.0)).collect();
                assert_eq!(got, want, "party {p}, {m:?}, k = {k}");
            }
        }
    }
}
