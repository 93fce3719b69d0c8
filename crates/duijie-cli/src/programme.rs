//! `duijie compare`, `duijie gaps` and `duijie alliances`: the programme's commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use duijie::Ledger;
use duijie::policy::{self, MarketInstance, Policy};
use duijie::programme::{self, AllianceRules, Grouping};
use duijie::score::{Market, ScoreConfig, Scorer};
use duijie_store::{Loaded, Source};

/// Loads `paths`, or the bundled sample ledger when empty; refuses a ledger with errors.
pub fn load_ledger(paths: &[PathBuf]) -> anyhow::Result<Loaded> {
    let loaded = if paths.is_empty() {
        duijie_store::load_sources(crate::sample::sources())
    } else {
        duijie_store::load_paths(paths)?
    };
    if loaded.report.has_errors() {
        eprintln!("{}", loaded.report);
        bail!("the ledger has errors: fix them (duijie validate shows the same report)");
    }
    Ok(loaded)
}

/// A generated ledger of `scale` and `seed`.
fn generated(scale: duijie::synth::Scale, seed: u64) -> anyhow::Result<Loaded> {
    let loaded = duijie_store::load_sources(
        duijie::synth::generate(scale, seed)
            .into_iter()
            .map(|t| Source::new(t.name, t.csv.into_bytes())),
    );
    if loaded.report.has_errors() {
        bail!(
            "generated ledger (seed {seed}) has errors, which is a bug: {}",
            loaded.report
        );
    }
    Ok(loaded)
}

/// Parses `greedy,welfare,...`; `all` stands for every policy of [`policy::all`] and `modes`
/// for the four cooperation modes.
pub fn parse_policies(list: &str) -> anyhow::Result<Vec<Box<dyn Policy>>> {
    let mut out: Vec<Box<dyn Policy>> = Vec::new();
    for name in list.split(',').map(str::trim) {
        match name {
            "all" => out.extend(policy::all()),
            "modes" => out.extend(policy::modes()),
            _ => out.push(policy::by_name(name).with_context(|| {
                format!(
                    "unknown policy {name:?}; one of all, modes, {}",
                    policy::names().join(", ")
                )
            })?),
        }
    }
    Ok(out)
}

/// Options of `duijie compare`.
pub struct CompareArgs<'a> {
    pub paths: &'a [PathBuf],
    pub scale: duijie::synth::Scale,
    pub seeds: &'a [u64],
    pub policies: &'a str,
    pub markets: &'a [Market],
    pub cfg: &'a ScoreConfig,
    pub out: Option<&'a Path>,
    pub timings: bool,
    pub json: bool,
}

/// `duijie compare`.
pub fn compare(a: &CompareArgs<'_>) -> anyhow::Result<ExitCode> {
    let policies = parse_policies(a.policies)?;
    let markets: Vec<Market> = if a.markets.is_empty() {
        Market::ALL.to_vec()
    } else {
        a.markets.to_vec()
    };
    let start = std::time::Instant::now();
    let clock = move || start.elapsed().as_secs_f64();
    let mut rows = Vec::new();
    let datasets: Vec<(String, Option<u64>, Loaded)> = if a.paths.is_empty() {
        a.seeds
            .iter()
            .map(|&seed| {
                Ok((
                    a.scale.name().to_owned(),
                    Some(seed),
                    generated(a.scale, seed)?,
                ))
            })
            .collect::<anyhow::Result<_>>()?
    } else {
        let name = a
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        vec![(name, None, load_ledger(a.paths)?)]
    };
    for (name, seed, loaded) in &datasets {
        eprintln!(
            "comparing {} policies on {name}{} …",
            policies.len(),
            seed.map_or_else(String::new, |s| format!(" seed {s}"))
        );
        rows.extend(duijie::experiment::compare(
            &loaded.ledger,
            name,
            *seed,
            a.cfg,
            &policies,
            &markets,
            Some(&clock),
        )?);
    }
    if let Some(out) = a.out {
        duijie_export::write_atomic(out, duijie::experiment::to_csv(&rows, a.timings).as_bytes())?;
        eprintln!("wrote {}", out.display());
    }
    if a.json {
        let mut v = serde_json::to_value(&rows)?;
        if !a.timings {
            for r in v.as_array_mut().into_iter().flatten() {
                r["seconds"] = serde_json::Value::Null;
            }
        }
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{:<10} {:<28} {:>14} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8}{}",
        "market",
        "policy",
        "welfare",
        "placed",
        "covered",
        "blocking",
        "need sat",
        "min",
        "offer",
        "gini",
        if a.timings { "  seconds" } else { "" }
    )?;
    let mut last = String::new();
    for r in &rows {
        let head = format!("{} {:?}", r.dataset, r.seed);
        if head != last {
            outln!(
                "— {}{}",
                r.dataset,
                r.seed.map_or_else(String::new, |s| format!(" (seed {s})"))
            )?;
            last = head;
        }
        let m = &r.metrics;
        #[allow(clippy::cast_precision_loss)]
        let welfare = m.welfare as f64 / duijie::score::SCALE as f64;
        outln!(
            "{:<10} {:<28} {:>14.3} {:>9} {:>9} {:>8} {:>8.3} {:>8.3} {:>8.3} {:>8.3}{}",
            r.market.name(),
            r.policy,
            welfare,
            m.matched_units,
            format!("{}/{}", m.needs_covered, m.needs),
            m.blocking_pairs,
            m.need_satisfaction.mean,
            m.need_satisfaction.min,
            m.offer_satisfaction.mean,
            m.need_satisfaction.gini,
            if a.timings {
                format!(" {:>8.3}", r.seconds.unwrap_or(f64::NAN))
            } else {
                String::new()
            }
        )?;
    }
    outln!(
        "welfare = Σ score × units; placed = units; covered = needs with a partner / needs; blocking = blocking pairs; need sat = mean need satisfaction (min, offer side's mean, Gini of the need side)"
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `duijie gaps`: the talent gap table under one policy, and what-ifs for chosen majors.
pub fn gaps(
    paths: &[PathBuf],
    policy_name: &str,
    what_if: &[String],
    cfg: &ScoreConfig,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let loaded = load_ledger(paths)?;
    let l = &loaded.ledger;
    let p = parse_policies(policy_name)?;
    let [p] = p.as_slice() else {
        bail!("name one policy for gaps, not {policy_name:?}");
    };
    let scorer = Scorer::new(cfg, l);
    let inst = MarketInstance::from_scorer(&scorer, Market::Talent, cfg.top_k);
    let a = p.allocate(&inst)?;
    let rows = programme::gaps(l, &a);
    let mut ifs = Vec::new();
    for code in what_if {
        let targets: Vec<u32> = l
            .talent_needs
            .iter()
            .enumerate()
            .filter(|(_, n)| duijie::Catalogues::get().major(n.major).code == code.as_str())
            .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        if targets.is_empty() {
            bail!("no talent need in the ledger asks for major {code:?}");
        }
        let w = programme::capacity_what_if(&inst, &a, &targets)?;
        ifs.push((code.clone(), w));
    }
    if json {
        let v = serde_json::json!({
            "policy": p.name(),
            "rows": rows,
            "what_if": ifs.iter().map(|(code, w)| serde_json::json!({
                "major": code,
                "total_seats": w.total,
                "added": w.added.iter().map(|&(j, s)| serde_json::json!({
                    "offer": duijie::score::offer_external_id(l, Market::Talent, j as usize),
                    "seats": s,
                })).collect::<Vec<_>>(),
                "unservable_needs": w.unservable.iter().map(|&i| duijie::score::need_external_id(l, Market::Talent, i as usize)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "talent supply and demand per major and level, allocated by {}",
        p.name()
    )?;
    outln!(
        "{:<10} {:<24} {:<8} {:>8} {:>8} {:>8} {:>8}  signals",
        "code",
        "major",
        "level",
        "supply",
        "demand",
        "met",
        "placed"
    )?;
    for r in rows.iter().filter(|r| !r.signals.is_empty()) {
        let signals: Vec<String> = r.signals.iter().map(programme::Signal::name_zh).collect();
        outln!(
            "{:<10} {:<24} {:<8} {:>8} {:>8} {:>8} {:>8}  {}",
            r.code,
            r.name,
            r.level.name_zh(),
            r.supply,
            r.demand,
            r.demand_met,
            r.supply_placed,
            signals.join("，")
        )?;
    }
    outln!(
        "({} rows with a signal of {}; --json for every row)",
        rows.iter().filter(|r| !r.signals.is_empty()).count(),
        rows.len()
    )?;
    for (code, w) in &ifs {
        outln!(
            "\nwhat-if {code}: add {} seats (the minimum) to meet every servable need in full",
            w.total
        )?;
        for &(j, s) in &w.added {
            let o = &l.talent_supply[j as usize];
            outln!(
                "  +{s:<5} {} {} ({})",
                l.party(o.school).name,
                duijie::Catalogues::get().major(o.major).name,
                o.external_id
            )?;
        }
        if !w.unservable.is_empty() {
            outln!(
                "  {} needs have no candidate school at all: a new programme is needed",
                w.unservable.len()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `duijie alliances`: alliances, lead units, who is left out, consortia and progress.
pub fn alliances(
    paths: &[PathBuf],
    grouping: Grouping,
    targets: &programme::Targets,
    cfg: &ScoreConfig,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let loaded = load_ledger(paths)?;
    let l: &Ledger = &loaded.ledger;
    let scorer = Scorer::new(cfg, l);
    let instances: Vec<MarketInstance> = Market::ALL
        .iter()
        .map(|&m| MarketInstance::from_scorer(&scorer, m, cfg.top_k))
        .collect();
    let rules = AllianceRules {
        grouping,
        ..AllianceRules::default()
    };
    let al = programme::form_alliances(l, &instances, &rules);
    let allocations = instances
        .iter()
        .map(|i| policy::Welfare.allocate(i))
        .collect::<Result<Vec<_>, _>>()?;
    let mut capacity: Vec<u32> = l
        .technology_capabilities
        .iter()
        .map(|c| c.capacity)
        .collect();
    let teams = programme::consortia(&scorer, &mut capacity, 20);
    let progress = programme::progress(l, &allocations, &al, &teams, targets);
    let per = programme::alliance_progress(l, &allocations, &al);
    if json {
        let v = serde_json::json!({
            "alliances": al.alliances,
            "left_out": al.left_out,
            "consortia": teams,
            "progress": progress,
            "alliance_progress": per,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{} alliances ({grouping:?})", al.alliances.len())?;
    for (a, p) in al.alliances.iter().zip(&per) {
        outln!(
            "  {:<16} {:>4} enterprises {:>4} schools/institutes  talent {}/{}  technology {}/{}  lead: {}",
            a.name,
            a.enterprises.len(),
            a.suppliers.len(),
            p.talent_placed,
            p.talent_demand,
            p.technology_met,
            p.technology_needs,
            a.lead.map_or("—".to_owned(), |id| l.party(id).name.clone()),
        )?;
    }
    outln!("left out: {}", al.left_out.len())?;
    for x in al.left_out.iter().take(10) {
        outln!("  {}: {}", l.party(x.party).name, x.reason)?;
    }
    let exact = teams.iter().filter(|t| t.exact).count();
    let multi = teams.iter().filter(|t| t.members.len() > 1).count();
    outln!(
        "consortia: {} core technology needs, {multi} need a team of two or more, {exact} teams proven smallest",
        teams.len()
    )?;
    outln!("progress against the programme's targets:")?;
    for p in &progress {
        outln!(
            "  {:<20} {:>12.2} / {:>10.2}  ({:.1}%)",
            p.indicator,
            p.achieved,
            p.target,
            100.0 * p.share
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
