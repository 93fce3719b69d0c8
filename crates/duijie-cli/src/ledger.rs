//! The ledger commands: `validate`, `import`, `match`, `gen`, `schema` and `demo --bundled`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use duijie_store::Loaded;

/// `duijie validate`: every problem of the files, with the exit code 1 when one is an error.
pub fn validate(paths: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let loaded = duijie_store::load_paths(paths)?;
    if json {
        let v = serde_json::json!({
            "files": loaded.files,
            "errors": loaded.report.error_count(),
            "warnings": loaded.report.warning_count(),
            "problems": loaded.report.problems,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        print_files(&loaded)?;
        outln!("{}", loaded.report.render(crate::lang()))?;
    }
    Ok(if loaded.report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `duijie import`: the files into the database `db`, all or nothing (`replace` lets a ledger
/// with fewer tables replace the stored one).
pub fn import(paths: &[PathBuf], db: &Path, replace: bool, json: bool) -> anyhow::Result<ExitCode> {
    let read = duijie_store::read_paths(paths)?;
    let mut store = duijie_store::Db::create_or_open(db)?;
    let imported = if replace {
        store.replace(read)
    } else {
        store.import(read)
    };
    let loaded = match imported {
        Ok(l) => l,
        Err(duijie_store::DbError::Refused { report, .. }) => {
            eprintln!("{report}");
            eprintln!(
                "the ledger has {} errors, so nothing was imported ({} is unchanged): fix them and run again",
                report.error_count(),
                db.display()
            );
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let hash = store.ledger_hash()?;
    if json {
        let v = serde_json::json!({
            "database": db.display().to_string(),
            "records": loaded.files.iter().map(|f| f.records).sum::<usize>(),
            "warnings": loaded.report.warning_count(),
            "ledger_sha256": hash,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        print_files(&loaded)?;
        for p in &loaded.report.problems {
            outln!("  {p}")?;
        }
        outln!(
            "imported into {} ({} warnings); ledger sha256 {hash}",
            db.display(),
            loaded.report.warning_count()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `duijie match`: every market allocated and the results written into `out`; a ledger read
/// from a database has the run recorded there, with its results.
/// What `duijie match` carries over from earlier rounds.
pub struct Carried<'a> {
    /// The agreements file.
    pub agreements: Option<&'a Path>,
    /// The run whose partnerships to keep (the ledger must be a database).
    pub previous_run: Option<i64>,
    /// The score per unit a partnership must gain to move.
    pub keep: f64,
    /// The year of the round: only that year's needs and offers are matched.
    pub year: Option<u16>,
}

pub fn match_ledger(
    paths: &[PathBuf],
    out: &Path,
    cfg: &duijie::ScoreConfig,
    carried: &Carried<'_>,
    json: bool,
    progress: bool,
) -> anyhow::Result<ExitCode> {
    let phases = crate::progress::Phases::new(progress);
    phases.running("reading and validating the ledger");
    let mut loaded = duijie_store::load_paths(paths)?;
    let records: usize = loaded.files.iter().map(|f| f.records).sum();
    phases.done(
        &format!(
            "read and validated {} records from {} files",
            crate::progress::thousands(records as u64),
            loaded.files.len()
        ),
        Some((records as u64, "records")),
    );
    let mut what = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    // A database's own agreements (`duijie agreements`), unless a file is given instead.
    let stored = match (carried.agreements, paths) {
        (None, [one]) if duijie_store::sqlite::is_database(one) => {
            duijie_store::Db::open_read_only(one)?.agreements()?
        }
        _ => Vec::new(),
    };
    let full = (!stored.is_empty() && carried.year.is_some()).then(|| loaded.ledger.clone());
    crate::programme::keep_year(&mut loaded, carried.year)?;
    if let Some(year) = carried.year {
        what = format!("{what}, {year}");
    }
    let mut round = duijie::pipeline::Round::default();
    if let Some(file) = carried.agreements {
        let rows = duijie_store::market::read_agreements(file)?;
        let plain: Vec<_> = rows.iter().map(|(_, r)| r.clone()).collect();
        round.agreements = duijie::policy::agreements::resolve(&loaded.ledger, &plain)
            .map_err(|(k, e)| anyhow::anyhow!("{}:{}: {e}", file.display(), rows[k].0))?;
    } else if !stored.is_empty() {
        let whole = full.as_ref().unwrap_or(&loaded.ledger);
        round.agreements =
            duijie_store::round_agreements(whole, &loaded.ledger, &stored).map_err(|e| {
                anyhow::anyhow!("{}: {e} (duijie agreements lists them)", paths[0].display())
            })?;
        if !json {
            outln!(
                "{} agreements from {} respected",
                round.agreements.iter().map(Vec::len).sum::<usize>(),
                paths[0].display()
            )?;
        }
    }
    let mut before = None;
    if let Some(run) = carried.previous_run {
        if !(0.0..=1.0).contains(&carried.keep) {
            anyhow::bail!("--keep {}: a score per unit between 0 and 1", carried.keep);
        }
        let rows = crate::rounds::earlier_run(paths, "--previous-run", run)?;
        round.previous = duijie::history::positions(&loaded.ledger, &rows);
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        let bonus = (carried.keep * duijie::score::SCALE as f64).round() as i64;
        round.keep_bonus = bonus;
        before = Some((run, rows));
    }
    let (code, outcome) = allocate_and_report(&loaded, &what, out, cfg, &round, json, &phases)?;
    if let ([one], Some(outcome)) = (paths, outcome)
        && duijie_store::sqlite::is_database(one)
    {
        let mut db = duijie_store::Db::open_existing(one)?;
        let rows = duijie::history::run_matches(&loaded.ledger, &outcome)?;
        if let Some((run, prev)) = &before
            && !json
        {
            let d = duijie::history::diff(prev, &rows);
            outln!(
                "since run {run}: {} partnerships added, {} removed, {} changed (kept unless moving gains more than {} per unit)",
                d.added.len(),
                d.removed.len(),
                d.changed.len(),
                carried.keep
            )?;
        }
        let id = crate::programme::record_run(
            &mut db,
            "match",
            &loaded.ledger,
            cfg,
            (None, carried.year),
            duijie_export::summary_json(&outcome),
            &rows,
        )?;
        if !json {
            outln!("run {id} recorded in {}", one.display())?;
        }
    }
    Ok(code)
}

/// `duijie gen`: a generated ledger written into `out` as CSV files, all or none.
pub fn generate(scale: duijie::synth::Scale, seed: u64, out: &Path) -> anyhow::Result<ExitCode> {
    duijie_export::create_out_dir(out)?;
    let tables = duijie::synth::generate(scale, seed);
    let rows: usize = tables.iter().map(|t| t.records.len()).sum();
    let texts: Vec<(PathBuf, String)> = tables
        .iter()
        .map(|t| {
            (
                out.join(t.file_name()),
                duijie_store::csv::write_table(t.columns, &t.records),
            )
        })
        .collect();
    let files: Vec<(PathBuf, &[u8])> = texts
        .iter()
        .map(|(p, t)| (p.clone(), t.as_bytes()))
        .collect();
    duijie_export::write_set(&files)?;
    outln!(
        "wrote {} tables, {rows} records, to {} (check with: duijie validate {})",
        tables.len(),
        out.display(),
        out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `duijie demo --bundled`: the small hand-made sample ledger, end to end.
pub fn demo_bundled(out: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let loaded = duijie_store::load_sources(duijie_store::sample_sources());
    allocate_and_report(
        &loaded,
        "bundled sample ledger (datasets/sample)",
        out,
        &duijie::score::ScoreConfig::default(),
        &duijie::pipeline::Round::default(),
        json,
        &crate::progress::Phases::new(false),
    )
    .map(|r| r.0)
}

/// The schema of every table as Markdown, as `datasets/README.md` documents it.
pub fn schema_markdown() -> String {
    let mut s = String::new();
    for kind in duijie::RecordKind::ALL {
        s.push_str(&format!(
            "### `{}`\n\n| field | required | holds |\n| --- | --- | --- |\n",
            kind.name()
        ));
        for f in kind.fields() {
            s.push_str(&format!(
                "| `{}` | {} | {} |\n",
                f.name,
                if f.required { "yes" } else { "no" },
                f.doc
            ));
        }
        s.push('\n');
    }
    s
}

pub fn print_files(loaded: &Loaded) -> std::io::Result<()> {
    let c = duijie::catalogue::Catalogues::get();
    if let Some((source, added)) = c.supplement() {
        let list: Vec<String> = added
            .iter()
            .map(|m| format!("{} {} {}", m.level, m.code, m.name))
            .collect();
        outln!(
            "catalogues: embedded (本科 2024, 职业教育 2021, 研究生 2022) + supplement {source}: {} majors ({})",
            added.len(),
            list.join(", ")
        )?;
    }
    for f in &loaded.files {
        let enc = match (f.format, f.encoding) {
            (duijie_store::Format::Sqlite, _) => "SQLite",
            (duijie_store::Format::Xlsx, _) => "Excel workbook",
            (_, Some(e)) => e.name(),
            (_, None) => "undecodable",
        };
        outln!("read {} ({enc}): {} records", f.name, f.records)?;
    }
    Ok(())
}

fn allocate_and_report(
    loaded: &Loaded,
    what: &str,
    out: &Path,
    cfg: &duijie::score::ScoreConfig,
    round: &duijie::pipeline::Round,
    json: bool,
    phases: &crate::progress::Phases,
) -> anyhow::Result<(ExitCode, Option<duijie::pipeline::Outcome>)> {
    if loaded.report.has_errors() {
        eprintln!("{}", loaded.report.render(crate::lang()));
        eprintln!(
            "the ledger has errors: fix them (duijie validate shows the same report) and run again"
        );
        return Ok((ExitCode::from(1), None));
    }
    let ledger = &loaded.ledger;
    phases.running("scoring and allocating every market");
    let outcome = duijie::pipeline::run_round(
        ledger,
        cfg,
        &duijie::policy::Welfare,
        round,
        Some(&|s| phases.step(s)),
    )
    .context("allocation failed")?;
    phases.running("writing the results");
    let written = duijie_export::write_results(out, ledger, &outcome)?;
    let bytes: u64 = written
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    phases.done(
        &format!(
            "wrote {} files, {} bytes",
            written.len(),
            crate::progress::thousands(bytes)
        ),
        Some((bytes, "bytes")),
    );
    phases.finish();
    if json {
        let mut v: serde_json::Value =
            serde_json::from_str(&duijie_export::summary_json(&outcome))?;
        v["written"] = serde_json::json!(
            written
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
        );
        v["warnings"] = serde_json::json!(loaded.report.warning_count());
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok((ExitCode::SUCCESS, Some(outcome)));
    }
    let counts: Vec<String> = ledger
        .counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    outln!("duijie {} — {what}", env!("CARGO_PKG_VERSION"))?;
    outln!("ledger: {}", counts.join(", "))?;
    outln!(
        "validation: {} errors, {} warnings",
        loaded.report.error_count(),
        loaded.report.warning_count()
    )?;
    for p in &loaded.report.problems {
        outln!("  {p}")?;
    }
    outln!()?;
    out!("{}", duijie_export::summary_text(&outcome))?;
    outln!(
        "policy: welfare-optimal (maximum total score), exact; every market's certificate checked"
    )?;
    outln!(
        "{}",
        match cfg.top_k {
            Some(k) => format!(
                "candidates: each need's best {k} (exactly found); --top-k all allocates over every candidate"
            ),
            None => "candidates: every candidate of every need".to_owned(),
        }
    )?;
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    outln!("results written to {}: {}", out.display(), names.join(", "))?;
    Ok((ExitCode::SUCCESS, Some(outcome)))
}

/// `duijie template`: one fill-in workbook per ledger table in `out`, holding the records of
/// the ledger at `paths` when given (read as they are, before validation, so that a ledger
/// with errors converts too and its problems stay to be fixed in Excel).
pub fn template(out: &Path, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let records = if paths.is_empty() {
        Vec::new()
    } else {
        duijie_store::read_paths(paths)?.records
    };
    duijie_export::create_out_dir(out)?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for kind in duijie::validate::RecordKind::ALL {
        let path = out.join(format!("{}.xlsx", kind.name()));
        let rows: Vec<&duijie::validate::RawRecord> =
            records.iter().filter(|r| r.kind == kind).collect();
        let bytes = duijie_export::template_workbook_bytes(&path, kind, &rows)?;
        files.push((path, bytes));
    }
    for p in duijie_export::write_set(&files)? {
        outln!("wrote {}", p.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
