//! Policies on an analyst's own market instances (`duijie allocate`, `duijie compare
//! --instance`): the files read by `duijie_store::market`, every policy measured the same way.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use duijie::experiment::Row;
use duijie::policy::{self, Policy};
use duijie::score::Market;
use duijie_store::market::{Ids, MarketFile, read_market};

fn read(path: &Path) -> anyhow::Result<MarketFile> {
    Ok(read_market(path, Market::Talent)?)
}

/// Whether folder `p` is one instance: pairs (`needs.csv`) or two matrices (`need_scores.csv`).
fn is_instance_dir(p: &Path) -> bool {
    p.join("needs.csv").exists() || p.join("need_scores.csv").exists()
}

/// The instances `paths` name: an instance folder (it has `needs.csv` or `need_scores.csv`) or
/// `.json` file is one;
/// any other folder holds instances, each of its folders and `.json` files, in name order (a
/// batch for a benchmark).
pub fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() && !is_instance_dir(p) {
            let mut inner: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot read {}: {}",
                        p.display(),
                        duijie::message::plain_io_error(&e)
                    )
                })?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|c| {
                    is_instance_dir(c)
                        || c.extension()
                            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                })
                .collect();
            if inner.is_empty() {
                bail!(
                    "{} holds no market instance (a folder with needs.csv or need_scores.csv, or a .json file)",
                    p.display()
                );
            }
            inner.sort();
            out.extend(inner);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// One comparison row per instance and policy, in that order; the run times by `clock`.
pub fn rows(
    paths: &[PathBuf],
    policies: &[Box<dyn Policy>],
    clock: &(dyn Fn() -> f64 + Sync),
) -> anyhow::Result<Vec<Row>> {
    let mut out = Vec::new();
    for path in &expand(paths)? {
        let file = read(path)?;
        out.extend(duijie::experiment::compare_market(
            &path.display().to_string(),
            &file.instance,
            policies,
            Some(clock),
        )?);
    }
    Ok(out)
}

/// `duijie allocate`: one policy on one instance; the allocation's pairs written to
/// `out/allocation.csv` (`need,offer,units,need_score,offer_score`, the files' own ids) and its
/// metrics printed.
pub fn allocate(path: &Path, policy: &str, out: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let chosen = crate::programme::parse_policies(policy)?;
    let [p] = chosen.as_slice() else {
        bail!("name one policy to allocate with, not {policy:?}");
    };
    let file = read(path)?;
    let inst = &file.instance;
    let a = p.allocate(inst)?;
    let metrics = policy::measure(inst, &a);
    let csv = duijie_export::allocation_csv(inst, &file.need_ids, &file.offer_ids, &a);
    duijie_export::create_out_dir(out)?;
    let written = duijie_export::write_set(&[(out.join("allocation.csv"), csv.as_bytes())])?;
    if json {
        let v = serde_json::json!({
            "instance": path.display().to_string(),
            "policy": p.name(),
            "status": a.status,
            "metrics": metrics,
            "written": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{}: {} needs, {} offers, {} pairs; policy {} ({:?})",
        path.display(),
        inst.needs(),
        inst.offers(),
        inst.pairs.len(),
        p.name(),
        a.status
    )?;
    outln!(
        "welfare {:.6}; {} of {} units placed; {} of {} needs covered; {} blocking pairs; need satisfaction {:.3} (min {:.3}), offer {:.3}",
        metrics.welfare_score(),
        metrics.matched_units,
        metrics.demand_units,
        metrics.needs_covered,
        metrics.needs,
        metrics.blocking_pairs,
        metrics.need_satisfaction.mean,
        metrics.need_satisfaction.min,
        metrics.offer_satisfaction.mean,
    )?;
    for w in &written {
        outln!("wrote {}", w.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `duijie allocate --rounds`: the welfare allocation of an instance kept live through rounds of
/// changes ([`duijie::policy::LiveWelfare`]); the start written to `out/allocation.csv` and
/// round K's to `out/round-K/allocation.csv`, each with its metrics and the partnerships it
/// moved since the round before.
pub fn allocate_rounds(
    path: &Path,
    policy: &str,
    rounds: &[PathBuf],
    out: &Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let chosen = crate::programme::parse_policies(policy)?;
    if !matches!(chosen.as_slice(), [p] if p.name() == "welfare") {
        bail!(
            "--rounds keeps the welfare allocation live between rounds; {policy:?} is solved afresh: run `duijie allocate` on each round's instance instead"
        );
    }
    let MarketFile {
        instance,
        need_ids,
        offer_ids,
    } = read(path)?;
    let (mut need_ids, mut offer_ids) = (Ids::new(need_ids), Ids::new(offer_ids));
    let mut live = policy::LiveWelfare::new(instance)?;
    let mut last = live.allocate()?;
    duijie_export::create_out_dir(out)?;
    let mut written = duijie_export::write_set(&[(
        out.join("allocation.csv"),
        duijie_export::allocation_csv(live.instance(), need_ids.names(), offer_ids.names(), &last)
            .as_bytes(),
    )])?;
    let mut report = vec![round_report(path, 0, &live, &last, None)];
    for (k, file) in rounds.iter().enumerate() {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(file).map_err(|e| {
            anyhow::anyhow!(
                "{name}: cannot read: {}",
                duijie::message::plain_io_error(&e)
            )
        })?;
        let changes = duijie_store::market::parse_market_changes(
            &name,
            &text,
            &need_ids,
            &offer_ids,
            live.instance(),
        )?;
        let counts = serde_json::json!({
            "offers_opened": changes.offers.len(),
            "needs_arrived": changes.needs.len(),
            "scores_changed": changes.scores.len(),
            "offers_withdrawn": changes.withdraw.len(),
        });
        changes.apply(&mut live, &mut need_ids, &mut offer_ids)?;
        let a = live.allocate()?;
        let moved = policy::partnership_changes(&last.matches, &a.matches);
        let dir = out.join(format!("round-{}", k + 1));
        duijie_export::create_out_dir(&dir)?;
        written.extend(duijie_export::write_set(&[(
            dir.join("allocation.csv"),
            duijie_export::allocation_csv(live.instance(), need_ids.names(), offer_ids.names(), &a)
                .as_bytes(),
        )])?);
        let mut r = round_report(file, k + 1, &live, &a, Some(moved));
        r.changes = Some(counts);
        report.push(r);
        last = a;
    }
    if json {
        let v = serde_json::json!({
            "instance": path.display().to_string(),
            "policy": "welfare",
            "rounds": report,
            "written": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for r in &report {
        let moved = match (&r.moved, r.pivots) {
            (Some(mv), Some(pivots)) => format!(
                "; partnerships {} added, {} removed, {} changed; simplex pivots: {pivots}",
                mv.added, mv.removed, mv.changed
            ),
            _ => String::new(),
        };
        outln!(
            "round {} ({}): {} needs, {} offers; welfare {:.6}; {} of {} units placed{moved}",
            r.round,
            r.file,
            r.needs,
            r.offers,
            r.metrics.welfare_score(),
            r.metrics.matched_units,
            r.metrics.demand_units,
        )?;
    }
    for w in &written {
        outln!("wrote {}", w.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One round of `duijie allocate --rounds`: its file, size, metrics, the changes it read and
/// (after the start) the partnerships it moved and the pivots it took.
#[derive(serde::Serialize)]
struct RoundReport {
    round: usize,
    file: String,
    needs: usize,
    offers: usize,
    status: duijie::allocate::Status,
    metrics: policy::PolicyMetrics,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    moved: Option<policy::PartnershipChanges>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pivots: Option<u64>,
}

fn round_report(
    file: &Path,
    round: usize,
    live: &policy::LiveWelfare,
    a: &policy::Allocation,
    moved: Option<policy::PartnershipChanges>,
) -> RoundReport {
    let inst = live.instance();
    RoundReport {
        round,
        file: file.display().to_string(),
        needs: inst.needs(),
        offers: inst.offers(),
        status: a.status,
        metrics: policy::measure(inst, a),
        changes: None,
        pivots: moved.map(|_| live.pivots()),
        moved,
    }
}
