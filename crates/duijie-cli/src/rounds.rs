//! `duijie runs` and `duijie diff`: the rounds a database has recorded, and what changed
//! between two of them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use duijie::history::{self, RunDiff, RunMatch};
use duijie::programme::Grouping;
use duijie::score::Market;

/// The partnerships run `run` kept, for an option (`flag`) that needs the ledger to be one
/// database.
pub fn earlier_run(paths: &[PathBuf], flag: &str, run: i64) -> anyhow::Result<Vec<RunMatch>> {
    match paths {
        [one] if duijie_store::sqlite::is_database(one) => {
            Ok(duijie_store::Db::open_read_only(one)?.run_matches(run)?)
        }
        _ => anyhow::bail!(
            "{flag} needs one database as the ledger (duijie import makes one), not {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// `s` padded to display width `w` (so that Chinese headings line up), on the left when
/// `right`.
fn pad(s: &str, w: usize, right: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(duijie_export::display_width(s)));
    if right {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

/// Who makes a change from the command line: `cli`, with the login name when there is one.
fn cli_caller() -> String {
    match std::env::var("USER") {
        Ok(user) if !user.is_empty() => format!("cli ({user})"),
        _ => "cli".into(),
    }
}

/// `duijie agreements DB`: the stored agreements; with `record`, a CSV file's agreements
/// recorded first (all checked against the ledger, then all recorded); with `withdraw`, one
/// taken out; with `log`, every change instead.
pub fn agreements(
    db: &Path,
    record: Option<&Path>,
    withdraw: Option<&[String]>,
    (log, json): (bool, bool),
) -> anyhow::Result<ExitCode> {
    if let Some(file) = record {
        let mut store = duijie_store::Db::open_existing(db)?;
        let rows = duijie_store::market::read_agreements(file)?;
        let loaded = store.read()?.validate();
        let changes: Vec<_> = rows.iter().map(|(_, r)| r.clone()).collect();
        duijie_store::check_agreements(&loaded.ledger, &store.agreements()?, &changes)
            .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was recorded", file.display()))?;
        store.set_agreements(&changes, &cli_caller())?;
        if !json {
            outln!(
                "recorded {} agreements from {}",
                changes.len(),
                file.display()
            )?;
        }
    }
    if let Some([need, offer]) = withdraw {
        let mut store = duijie_store::Db::open_existing(db)?;
        if !store.withdraw_agreement(need, offer, &cli_caller())? {
            anyhow::bail!(
                "{}: no agreement of need {need:?} and offer {offer:?} to withdraw (duijie agreements {} lists them)",
                db.display(),
                db.display()
            );
        }
        if !json {
            outln!("withdrew the agreement of need {need} and offer {offer}")?;
        }
    }
    let store = duijie_store::Db::open_read_only(db)?;
    let zh = crate::lang() == duijie::score::Lang::Zh;
    if log {
        let changes = store.agreement_log()?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&changes)?)?;
            return Ok(ExitCode::SUCCESS);
        }
        for c in &changes {
            let status = duijie::policy::AgreementStatus::from_name(&c.status).map_or(
                if zh { "撤回" } else { "withdrawn" },
                |s| {
                    if zh { s.name_zh() } else { s.name() }
                },
            );
            outln!(
                "{:>4}  {}  {}  {} × {}  {} {}  {}",
                c.id,
                c.recorded_at,
                pad(status, 9, false),
                c.need,
                c.offer,
                c.units,
                if zh { "单位" } else { "units" },
                c.recorded_by
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let now = store.agreements()?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&now)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let heads = if zh {
        ["需求", "供给", "单位", "状态", "记录时间", "记录人"]
    } else {
        [
            "need",
            "offer",
            "units",
            "status",
            "recorded at",
            "recorded by",
        ]
    };
    let width = |k: usize, cells: &dyn Fn(&duijie_store::StoredAgreement) -> String| {
        now.iter()
            .map(|a| duijie_export::display_width(&cells(a)))
            .chain([duijie_export::display_width(heads[k])])
            .max()
            .unwrap_or(0)
    };
    let (wn, wo) = (
        width(0, &|a| a.need.clone()),
        width(1, &|a| a.offer.clone()),
    );
    let line = |c: [&str; 6]| {
        format!(
            "{}  {}  {}  {}  {}  {}",
            pad(c[0], wn, false),
            pad(c[1], wo, false),
            pad(c[2], 5, true),
            pad(c[3], 9, false),
            pad(c[4], 20, false),
            c[5]
        )
    };
    outln!("{}", line(heads))?;
    for a in &now {
        let status = if zh { a.status_zh } else { a.status.name() };
        outln!(
            "{}",
            line([
                &a.need,
                &a.offer,
                &a.units.to_string(),
                status,
                &a.recorded_at,
                &a.recorded_by
            ])
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `duijie runs DB`: every run with what it kept.
pub fn runs(db: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let store = duijie_store::Db::open_read_only(db)?;
    let runs = store.run_summaries()?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&runs)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let zh = crate::lang() == duijie::score::Lang::Zh;
    let line = |cells: [&str; 7]| {
        format!(
            "{}  {} {} {} {} {}  {}",
            pad(cells[0], 4, true),
            pad(cells[1], 8, false),
            pad(cells[2], 4, true),
            pad(cells[3], 6, true),
            pad(cells[4], 12, true),
            pad(cells[5], 10, true),
            cells[6]
        )
    };
    outln!(
        "{}",
        if zh {
            line([
                "运行",
                "命令",
                "年度",
                "种子",
                "配对数",
                "单位数",
                "台账哈希",
            ])
        } else {
            line([
                "run",
                "command",
                "year",
                "seed",
                "partnerships",
                "units",
                "ledger sha256",
            ])
        }
    )?;
    for r in &runs {
        let seed = r.seed.map(|s| s.to_string()).unwrap_or_default();
        let year = r.year.map(|y| y.to_string()).unwrap_or_default();
        outln!(
            "{}",
            line([
                &r.id.to_string(),
                &r.command,
                &year,
                &seed,
                &r.partnerships.to_string(),
                &r.units.to_string(),
                &r.input_hash[..r.input_hash.len().min(12)],
            ])
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The change of each market's numeric metrics from one `match` run's summary to another's:
/// `(market, metric, before, after)`; empty when either run's results are not such a summary.
fn metric_changes(a: &str, b: &str) -> Vec<(String, String, f64, f64)> {
    let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).ok();
    let (Some(a), Some(b)) = (parse(a), parse(b)) else {
        return Vec::new();
    };
    let markets = |v: &serde_json::Value| v["markets"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for mb in markets(&b) {
        let name = mb["market"].as_str().unwrap_or_default().to_owned();
        let Some(ma) = markets(&a)
            .into_iter()
            .find(|m| m["market"] == mb["market"])
        else {
            continue;
        };
        for (k, vb) in mb.as_object().into_iter().flatten() {
            let number = |v: &serde_json::Value| {
                v.as_f64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            };
            if k == "welfare_fixed" || k == "market" {
                continue;
            }
            if let (Some(x), Some(y)) = (number(&ma[k]), number(vb))
                && x != y
            {
                out.push((name.clone(), k.clone(), x, y));
            }
        }
    }
    out
}

/// The diff as CSV: one line per partnership added, removed or changed.
fn diff_csv(d: &RunDiff) -> String {
    let cell = duijie_export::csv_cell;
    let mut s = String::from(
        "change,market,need,offer,need_party,offer_party,units_before,units_after,score_before,score_after\n",
    );
    let line = |s: &mut String, what: &str, a: Option<&RunMatch>, b: Option<&RunMatch>| {
        let r = b.or(a).expect("one side");
        let num = |x: Option<&RunMatch>, f: fn(&RunMatch) -> String| x.map(f).unwrap_or_default();
        s.push_str(&format!(
            "{what},{},{},{},{},{},{},{},{},{}\n",
            r.market.name(),
            cell(&r.need),
            cell(&r.offer),
            cell(&r.need_party),
            cell(&r.offer_party),
            num(a, |m| m.units.to_string()),
            num(b, |m| m.units.to_string()),
            num(a, |m| duijie_export::fixed_decimal(i128::from(m.score))),
            num(b, |m| duijie_export::fixed_decimal(i128::from(m.score))),
        ));
    };
    for r in &d.added {
        line(&mut s, "added", None, Some(r));
    }
    for r in &d.removed {
        line(&mut s, "removed", Some(r), None);
    }
    for c in &d.changed {
        line(&mut s, "changed", Some(&c.before), Some(&c.after));
    }
    s
}

/// `duijie diff DB A B`: partnerships added, removed and changed from run A to run B, units by
/// market and by alliance (of the database's ledger, under `grouping`), and the change of each
/// market's metrics.
pub fn diff(
    db: &Path,
    (a, b): (i64, i64),
    grouping: Grouping,
    out: Option<&Path>,
    (parties, json): (bool, bool),
) -> anyhow::Result<ExitCode> {
    let store = duijie_store::Db::open_read_only(db)?;
    let (ra, rb) = (store.run(a)?, store.run(b)?);
    let (mut ma, mut mb) = (store.run_matches(a)?, store.run_matches(b)?);
    if parties {
        (ma, mb) = (history::between_parties(&ma), history::between_parties(&mb));
    }
    let d = history::diff(&ma, &mb);
    let loaded = store.read()?.validate();
    let alliances = history::by_alliance(&loaded.ledger, &d, grouping);
    let metrics = metric_changes(&ra.results, &rb.results);
    if let Some(path) = out {
        duijie_export::write_atomic(path, diff_csv(&d).as_bytes())?;
    }
    let units = d.units_by_market();
    if json {
        let v = serde_json::json!({
            "database": db.display().to_string(),
            "from": a,
            "to": b,
            "same_ledger": ra.input_hash == rb.input_hash,
            "added": d.added,
            "removed": d.removed,
            "changed": d.changed,
            "units_by_market": units.iter().map(|(m, u)| serde_json::json!({"market": m.name(), "units": u})).collect::<Vec<_>>(),
            "by_alliance": alliances,
            "metrics": metrics.iter().map(|(m, k, x, y)| serde_json::json!({"market": m, "metric": k, "before": x, "after": y})).collect::<Vec<_>>(),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let zh = crate::lang() == duijie::score::Lang::Zh;
    let same = ra.input_hash == rb.input_hash;
    let (n_add, n_rem, n_chg) = (d.added.len(), d.removed.len(), d.changed.len());
    if zh {
        let ledger = if same {
            "（同一台账）"
        } else {
            "（台账已更新）"
        };
        outln!("运行 {a} → {b}：新增配对 {n_add}，撤销 {n_rem}，变更 {n_chg}{ledger}")?;
    } else {
        let ledger = if same {
            " (same ledger)"
        } else {
            " (the ledger changed)"
        };
        outln!(
            "run {a} → {b}: {n_add} partnerships added, {n_rem} removed, {n_chg} changed{ledger}"
        )?;
    }
    for (m, u) in &units {
        if *u != 0 {
            let name = if zh { m.name_zh() } else { m.name() };
            outln!("  {name}: {u:+} {}", if zh { "单位" } else { "units" })?;
        }
    }
    for c in &alliances {
        let name = if c.alliance.is_empty() {
            if zh {
                "（无联盟）"
            } else {
                "(no alliance)"
            }
        } else {
            c.alliance.as_str()
        };
        outln!(
            "  {name}: +{} −{} ~{}, {:+} {}",
            c.added,
            c.removed,
            c.changed,
            c.units,
            if zh { "单位" } else { "units" }
        )?;
    }
    for (m, k, x, y) in &metrics {
        let market =
            Market::from_name(m).map_or(m.as_str(), |m| if zh { m.name_zh() } else { m.name() });
        outln!("  {market} {k}: {x} → {y}")?;
    }
    if let Some(path) = out {
        outln!("wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
