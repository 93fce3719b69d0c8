//! `duijie compare`, `duijie gaps` and `duijie alliances`: the programme's commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use duijie::Ledger;
use duijie::history::allocation_matches;
use duijie::policy::{self, MarketInstance, Policy};
use duijie::programme::{self, AllianceRules, Grouping, ProgrammeConfig, ProgrammeReport};
use duijie::score::{Market, ScoreConfig, Scorer};
use duijie_store::Loaded;

/// Loads `paths`, or the bundled sample ledger when empty; refuses a ledger with errors.
pub fn load_ledger(paths: &[PathBuf]) -> anyhow::Result<Loaded> {
    let loaded = if paths.is_empty() {
        duijie_store::load_sources(duijie_store::sample_sources())
    } else {
        duijie_store::load_paths(paths)?
    };
    if loaded.report.has_errors() {
        eprintln!("{}", loaded.report.render(crate::lang()));
        bail!("the ledger has errors: fix them (duijie validate shows the same report)");
    }
    Ok(loaded)
}

/// Keeps only the needs and offers of `year` (the round of that year), when one is given; an
/// error names a year the ledger does not have, with the years it has.
pub fn keep_year(loaded: &mut Loaded, year: Option<u16>) -> anyhow::Result<()> {
    let Some(year) = year else {
        return Ok(());
    };
    loaded.ledger = loaded
        .ledger
        .year(year)
        .map_err(|e| anyhow::anyhow!("--{e}"))?;
    Ok(())
}

/// A generated ledger of `scale` and `seed`.
fn generated(scale: duijie::synth::Scale, seed: u64) -> anyhow::Result<Loaded> {
    let loaded = duijie_store::read_generated(scale, seed).validate();
    if loaded.report.has_errors() {
        bail!(
            "generated ledger (seed {seed}) has errors, which is a bug: {}",
            loaded.report
        );
    }
    Ok(loaded)
}

/// Parses `greedy,welfare,...` ([`policy::parse_list`]).
pub fn parse_policies(list: &str) -> anyhow::Result<Vec<Box<dyn Policy>>> {
    Ok(policy::parse_list(list)?)
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
    /// Market instance files (`--instance`): compared instead of ledgers.
    pub instances: &'a [PathBuf],
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
    let rows = if a.instances.is_empty() {
        ledger_rows(a, &policies, &markets, &clock)?
    } else {
        crate::instance::rows(a.instances, &policies, &clock)?
    };
    if let Some(out) = a.out {
        duijie_export::write_atomic(
            out,
            duijie_export::comparison_csv(&rows, a.timings).as_bytes(),
        )?;
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
        let welfare = m.welfare_score();
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

/// The comparison rows of `duijie compare` on ledgers (the paths, or generated ones).
fn ledger_rows(
    a: &CompareArgs<'_>,
    policies: &[Box<dyn Policy>],
    markets: &[Market],
    clock: &(dyn Fn() -> f64 + Sync),
) -> anyhow::Result<Vec<duijie::experiment::Row>> {
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
    let bar = crate::progress::spinner();
    for (name, seed, loaded) in &datasets {
        rows.extend(duijie::experiment::compare(
            &loaded.ledger,
            name,
            *seed,
            a.cfg,
            policies,
            markets,
            Some(clock),
            Some(&|m: Market, p: &str| bar.set_message(format!("{name}: {m} market, {p}"))),
        )?);
    }
    bar.finish_and_clear();
    Ok(rows)
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
    let bar = crate::progress::spinner();
    bar.set_message("scoring and allocating");
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
        // Seats only at the major's own level (a 中职 major's gap is not closed at a 高职
        // school).
        let levels: Vec<duijie::Level> = targets
            .iter()
            .map(|&i| l.talent_needs[i as usize].level)
            .collect();
        let same_level = |j: u32| {
            l.talent_supply
                .get(j as usize)
                .is_some_and(|o| levels.contains(&o.level))
        };
        let w = programme::capacity_what_if_within(&inst, &a, &targets, &same_level)?;
        ifs.push((code.clone(), w));
    }
    bar.finish_and_clear();
    if json {
        // Rows in the ledger's terms: the major by its code, the schools by id and name.
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "name": r.name,
                    "level": r.level,
                    "supply": r.supply,
                    "demand": r.demand,
                    "demand_met": r.demand_met,
                    "supply_placed": r.supply_placed,
                    "employment_rate": r.employment_rate,
                    "signals": r.signals,
                    "signals_zh": r.signals.iter().map(programme::Signal::name_zh).collect::<Vec<_>>(),
                    "schools": r.supplying_schools.iter().map(|&id| {
                        let s = l.party(id);
                        serde_json::json!({"id": s.external_id, "name": s.name})
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
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
        // The schools a supply-side signal concerns.
        if r.signals.iter().any(|s| {
            matches!(
                s,
                programme::Signal::Stop
                    | programme::Signal::Reduce
                    | programme::Signal::Duplicated { .. }
                    | programme::Signal::LowEmployment
            )
        }) {
            let names: Vec<&str> = r
                .supplying_schools
                .iter()
                .map(|&id| l.party(id).name.as_str())
                .collect();
            outln!("{:<10} schools: {}", "", names.join("、"))?;
        }
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

/// `duijie recommend`: the `k` best partners of party `party_id` in each market (all, or
/// `markets`), with each pair's explanation in `lang`.
pub fn recommend(
    party_id: &str,
    paths: &[PathBuf],
    k: usize,
    markets: &[Market],
    cfg: &ScoreConfig,
    json: bool,
    lang: duijie::score::Lang,
) -> anyhow::Result<ExitCode> {
    use duijie::score::Lang;
    let loaded = load_ledger(paths)?;
    let l: &Ledger = &loaded.ledger;
    let Some(party) = l.party_by_external_id(party_id) else {
        let ids = l.parties.iter().map(|p| p.external_id.as_str());
        anyhow::bail!(
            "no party with id {party_id:?} in the ledger; the closest ids are: {}",
            duijie::catalogue::closest(party_id, ids, 0.0, 5).join(", ")
        );
    };
    let scorer = duijie::score::Scorer::new(cfg, l);
    let instances: Vec<MarketInstance> = MarketInstance::every_market(&scorer, cfg.top_k)
        .into_iter()
        .filter(|i| markets.is_empty() || markets.contains(&i.market))
        .collect();
    let recs = programme::recommendations_of(l, &instances, party.id, k);
    let explained = duijie_export::explain_recommendations(&scorer, &recs, lang);
    if json {
        let v = duijie_export::recommendations_json(l, party, k, &explained);
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    match lang {
        Lang::Zh => outln!(
            "{}（{}，{}）的推荐合作方，每个市场前 {k} 名，按本方对配对的评价排序：",
            party.name,
            party.external_id,
            party.kind().name_zh()
        )?,
        Lang::En => outln!(
            "best partners of {} ({}, {}), the first {k} per market, by the party's own view of each pair:",
            party.name,
            party.external_id,
            party.kind().name_zh()
        )?,
    }
    if recs.is_empty() {
        match lang {
            Lang::Zh => outln!("  无候选配对：台账中没有与其需求或供给相关的记录")?,
            Lang::En => {
                outln!("  no candidate pair: nothing in the ledger relates to its needs or offers")?
            }
        }
    }
    let mut market = None;
    let mut rank = 0;
    for e in &explained {
        let (r, why) = (e.recommendation, &e.why);
        if market != Some(r.market) {
            market = Some(r.market);
            rank = 0;
            match lang {
                Lang::Zh => outln!("{}市场", r.market.name_zh())?,
                Lang::En => outln!("{} market", r.market.name())?,
            }
        }
        rank += 1;
        let partner = l.party(r.partner);
        let (own, theirs) = r.record_ids(l);
        outln!(
            "  {rank}. {}（{}）  {own} ↔ {theirs}  {}",
            partner.name,
            partner.external_id,
            duijie_export::fixed_decimal(i128::from(r.score))
        )?;
        if let Some(why) = why {
            outln!("     {why}")?;
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
    reports: Option<ReportOpts<'_>>,
    year: Option<u16>,
) -> anyhow::Result<ExitCode> {
    let mut loaded = load_ledger(paths)?;
    keep_year(&mut loaded, year)?;
    let l: &Ledger = &loaded.ledger;
    let bar = crate::progress::spinner();
    bar.set_message("scoring and allocating");
    let cfg = ProgrammeConfig {
        score: cfg.clone(),
        policy: "welfare".to_owned(),
        compare: String::new(),
        alliances: AllianceRules {
            grouping,
            ..AllianceRules::default()
        },
        targets: targets.clone(),
        // No output of this command shows recommendations.
        recommend_k: 0,
        ..ProgrammeConfig::default()
    };
    let report = programme::run(l, "", None, &cfg, None)?;
    let (al, teams, progress, per) = (
        &report.alliances,
        &report.consortia,
        &report.progress,
        &report.alliance_progress,
    );
    bar.finish_and_clear();
    if let Some(opts) = reports {
        // Each alliance's changes since the run asked for, from the rows the database kept.
        let since = match opts.since {
            None => None,
            Some(run) => {
                let mut before = crate::rounds::earlier_run(paths, "--since", run)?;
                let mut now = allocation_matches(l, &cfg.score, &report.allocations)?;
                if year.is_some() {
                    // A year's round against an earlier one: their records differ, their
                    // parties' collaborations compare.
                    before = duijie::history::between_parties(&before);
                    now = duijie::history::between_parties(&now);
                }
                let d = duijie::history::diff(&before, &now);
                Some(duijie::history::split_by_alliance(l, &d, grouping))
            }
        };
        for p in write_alliance_reports(l, &report, opts.dir, opts.plans, since.as_ref())? {
            // With --json the JSON stays alone on standard output.
            if json {
                eprintln!("wrote {}", p.display());
            } else {
                outln!("wrote {}", p.display())?;
            }
        }
    }
    if json {
        let v = duijie_export::alliances_json(l, &report);
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{} alliances ({grouping:?})", al.alliances.len())?;
    for (a, p) in al.alliances.iter().zip(per) {
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
    let linked = al.linked_groups();
    outln!(
        "{} groups of alliances once shared members link them (the largest joins {})",
        linked.len(),
        linked.iter().map(Vec::len).max().unwrap_or(0)
    )?;
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
    for p in progress {
        let label = duijie_export::progress_label(p);
        let pad = 30usize.saturating_sub(duijie_export::display_width(&label));
        outln!("  {label}{:pad$} {}", "", duijie_export::progress_figure(p))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes one yearly report per alliance of `report` into `dir` (HTML and XLSX, named by
/// [`duijie_export::alliance_file_stem`]) and an `index.html`, as one set; `plans` gives the
/// alliances' ten-year plans. Returns the files written.
/// Where and how `duijie alliances --report` writes the alliances' reports.
pub struct ReportOpts<'a> {
    /// The folder.
    pub dir: &'a Path,
    /// The ten-year plans (TOML).
    pub plans: Option<&'a Path>,
    /// The earlier run to report the changes since.
    pub since: Option<i64>,
}

fn write_alliance_reports(
    l: &Ledger,
    report: &ProgrammeReport,
    dir: &Path,
    plans: Option<&Path>,
    since: Option<&std::collections::BTreeMap<String, duijie::history::RunDiff>>,
) -> anyhow::Result<Vec<PathBuf>> {
    let names: Vec<&str> = report
        .alliances
        .alliances
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let plans = crate::explain::load_plans(plans, &names)?;
    duijie_export::create_out_dir(dir)?;
    let reports: Vec<(String, duijie_export::AllianceReport)> = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let mut rep =
                duijie_export::alliance_report(l, report, k, plans.get(*name).map(String::as_str));
            if let Some(changes) = since {
                let none = duijie::history::RunDiff::default();
                let d = changes.get(*name).unwrap_or(&none);
                rep.tables.push(duijie_export::since_table(d));
            }
            (duijie_export::alliance_file_stem(k, name), rep)
        })
        .collect();
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (stem, rep) in &reports {
        let html = dir.join(format!("{stem}.html"));
        let xlsx = dir.join(format!("{stem}.xlsx"));
        let bytes = duijie_export::alliance_report_xlsx_bytes(&xlsx, rep)?;
        files.push((html, duijie_export::alliance_report_html(rep).into_bytes()));
        files.push((xlsx, bytes));
    }
    files.push((
        dir.join("index.html"),
        duijie_export::alliance_index_html("校企联盟 年度工作进展报告 alliance reports", &reports)
            .into_bytes(),
    ));
    Ok(duijie_export::write_set(&files)?)
}

/// Runs the programme on `l` ([`programme::run`]) and writes `report.html`, `report.xlsx`,
/// `comparison.csv`, `alliances.graphml` and `alliances.dot` into `out`, as one set. Returns
/// the files written, the programme's results and the comparison CSV.
pub fn write_report(
    l: &Ledger,
    dataset: &str,
    seed: Option<u64>,
    title: &str,
    cfg: &ProgrammeConfig,
    out: &Path,
) -> anyhow::Result<(Vec<PathBuf>, ProgrammeReport, String)> {
    cfg.policies()?;
    duijie_export::create_out_dir(out)?;
    let bar = crate::progress::spinner();
    bar.set_message("scoring, allocating, alliances, consortia, gaps and targets");
    let report = programme::run(
        l,
        dataset,
        seed,
        cfg,
        Some(&|m: Market, p: &str| bar.set_message(format!("allocating: {m} market, {p}"))),
    )?;
    let data = duijie_export::ReportData {
        title,
        ledger: l,
        cfg: &cfg.score,
        programme: &report,
    };
    bar.set_message("writing the reports");
    let csv = duijie_export::comparison_csv(&report.comparison, false);
    let xlsx = out.join("report.xlsx");
    let html = duijie_export::html_report(&data);
    let xlsx_bytes = duijie_export::xlsx_report_bytes(&xlsx, &data)?;
    let graphml = duijie_export::alliances_graphml(l, &report.alliances);
    let dot = duijie_export::alliances_dot(l, &report.alliances);
    // One set: a reader never finds a new report beside an old workbook.
    let written = duijie_export::write_set(&[
        (out.join("report.html"), html.as_bytes()),
        (xlsx, &xlsx_bytes),
        (out.join("comparison.csv"), csv.as_bytes()),
        (out.join("alliances.graphml"), graphml.as_bytes()),
        (out.join("alliances.dot"), dot.as_bytes()),
    ])?;
    bar.finish_and_clear();
    Ok((written, report, csv))
}

/// `duijie report`: the programme on the ledger of `paths` (the bundled sample when empty),
/// its reports written into `out`; a ledger read from a database has the run recorded there.
pub fn report(
    paths: &[PathBuf],
    out: &Path,
    policy: String,
    policies: String,
    opts: &crate::args::ProgrammeOpts,
) -> anyhow::Result<ExitCode> {
    let (score, targets) = opts.load()?;
    let mut loaded = load_ledger(paths)?;
    keep_year(&mut loaded, opts.year)?;
    let name = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut name = if name.is_empty() {
        "bundled sample".to_owned()
    } else {
        name
    };
    if let Some(y) = opts.year {
        name = format!("{name}，{y}年度");
    }
    let title = format!("duijie 对接 — {name}");
    let cfg = ProgrammeConfig {
        score,
        policy,
        compare: policies,
        alliances: AllianceRules {
            grouping: opts.grouping,
            ..AllianceRules::default()
        },
        targets,
        ..ProgrammeConfig::default()
    };
    let (written, report, csv) = write_report(&loaded.ledger, &name, None, &title, &cfg, out)?;
    if let [one] = paths
        && duijie_store::sqlite::is_database(one)
    {
        let mut db = duijie_store::Db::open_existing(one)?;
        let id = record_run(
            &mut db,
            "report",
            &loaded.ledger,
            &cfg.score,
            (None, opts.year),
            csv,
            &allocation_matches(&loaded.ledger, &cfg.score, &report.allocations)?,
        )?;
        outln!("run {id} recorded in {}", one.display())?;
    }
    for p in &written {
        outln!("wrote {}", p.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Records a run in the database the ledger came from, with its partnerships as rows, its seed
/// and the year it is for, if any (kept in the run's counts as `year`).
pub fn record_run(
    db: &mut duijie_store::Db,
    command: &str,
    l: &Ledger,
    cfg: &ScoreConfig,
    (seed, year): (Option<u64>, Option<u16>),
    results: String,
    matches: &[duijie::history::RunMatch],
) -> anyhow::Result<i64> {
    let run = duijie_store::RunRecord::for_ledger(
        command,
        l,
        serde_json::to_string(cfg)?,
        (seed, year),
        results,
        db.ledger_hash()?,
    );
    Ok(db.record_run_with_matches(&run, matches)?)
}

/// `duijie demo`: a province-scale ledger generated into a SQLite file, every policy run on
/// it, and the reports written.
pub fn demo(
    scale: duijie::synth::Scale,
    seed: u64,
    out: &Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    duijie_export::create_out_dir(out)?;
    let bar = crate::progress::spinner();
    bar.set_message(format!(
        "generating a {} ledger (seed {seed})",
        scale.name()
    ));
    let read = duijie_store::read_generated(scale, seed);
    let db_path = out.join("ledger.sqlite");
    bar.set_message(format!("importing into {}", db_path.display()));
    let mut db = duijie_store::Db::create_or_open(&db_path)?;
    db.import(read)?;
    // Everything below runs on the ledger as read back from the database.
    let loaded = db.read()?.validate();
    bar.finish_and_clear();
    let cfg = ProgrammeConfig::default();
    let title = format!(
        "duijie 对接 — {} ledger, seed {seed}: policies, coverage, gaps, alliances",
        scale.name()
    );
    let (written, report, csv) =
        write_report(&loaded.ledger, scale.name(), Some(seed), &title, &cfg, out)?;
    let run = record_run(
        &mut db,
        "demo",
        &loaded.ledger,
        &cfg.score,
        (Some(seed), None),
        csv.clone(),
        &allocation_matches(&loaded.ledger, &cfg.score, &report.allocations)?,
    )?;
    if json {
        let v = serde_json::json!({
            "database": db_path.display().to_string(),
            "run": run,
            "written": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "comparison_csv": csv,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let counts: Vec<String> = loaded
        .ledger
        .counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    outln!(
        "duijie {} demo — {} ledger, seed {seed}",
        env!("CARGO_PKG_VERSION"),
        scale.name()
    )?;
    outln!("ledger: {}", counts.join(", "))?;
    outln!("stored in {} (run {run} recorded there)", db_path.display())?;
    outln!()?;
    outln!(
        "{:<10} {:<28} {:>14} {:>10} {:>9}",
        "market",
        "policy",
        "welfare",
        "placed",
        "blocking"
    )?;
    for r in &report.comparison {
        outln!(
            "{:<10} {:<28} {:>14.3} {:>10} {:>9}",
            r.market.name(),
            r.policy,
            r.metrics.welfare_score(),
            r.metrics.matched_units,
            r.metrics.blocking_pairs
        )?;
    }
    outln!()?;
    outln!("reports written:")?;
    for p in &written {
        outln!("  {}", p.display())?;
    }
    outln!(
        "open {} in a browser (works offline)",
        out.join("report.html").display()
    )?;
    Ok(ExitCode::SUCCESS)
}
