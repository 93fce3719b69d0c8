//! duijie-export: one-way publishing of results for people and platforms.
//!
//! Writes an allocation as files a person opens in Excel and a platform loads: `matches.csv`
//! (every partnership with its score and the reasons for it), `unmet.csv` (every need not met
//! in full) and `summary.json` (metrics and coverage). Cells are escaped against formula
//! injection, ids are written as text, and every file is written crash-safely: to a temporary
//! file in the same directory, synced, then renamed over the target, so a reader sees the old
//! file or the new one, never a mix.
//!
//! # Example
//! ```no_run
//! # fn run(ledger: &duijie::Ledger) -> Result<(), Box<dyn std::error::Error>> {
//! let outcome = duijie::pipeline::run(ledger)?;
//! let written = duijie_export::write_results(std::path::Path::new("out"), ledger, &outcome)?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use duijie::Ledger;
use duijie::pipeline::Outcome;
use duijie::score::{self, SCALE};

mod alliance_report;
mod programme_json;
pub mod report;
#[cfg(feature = "xlsx")]
mod xlsx;

pub use alliance_report::{
    AllianceReport, ReportTable, alliance_file_stem, alliance_index_html, alliance_report,
    alliance_report_html, since_table,
};
pub use programme_json::{
    ConsortiumRow, ExplainedRecommendation, PartyRef, RecommendationJson, RecommendationsJson,
    alliances_json, consortium_rows, explain_recommendations, recommendations_json,
};
pub use report::{ReportData, alliances_dot, alliances_graphml, html_report};
#[cfg(feature = "xlsx")]
pub use xlsx::{
    alliance_report_xlsx_bytes, template_workbook_bytes, write_xlsx_report, xlsx_report_bytes,
};

/// A file that could not be written.
#[derive(Debug)]
pub struct ExportError {
    path: PathBuf,
    source: std::io::Error,
    /// For a set of files ([`write_set`]): those already replaced when the error came.
    replaced: Option<Vec<PathBuf>>,
}

impl ExportError {
    fn new(path: &Path, source: std::io::Error) -> Self {
        ExportError {
            path: path.to_owned(),
            source,
            replaced: None,
        }
    }

    /// The path that could not be written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The operating system's error.
    pub fn io_error(&self) -> &std::io::Error {
        &self.source
    }

    /// When a set of files was being written ([`write_set`]): the files of the set already
    /// replaced by their new versions (empty when every file is as it was).
    pub fn replaced(&self) -> Option<&[PathBuf]> {
        self.replaced.as_deref()
    }
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot write {}: {}",
            self.path.display(),
            duijie::message::plain_io_error(&self.source)
        )?;
        match self.replaced.as_deref() {
            None => Ok(()),
            Some([]) => f.write_str("; no file was replaced, every result file is as it was"),
            Some(done) => {
                let names: Vec<String> = done.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "; already replaced: {} (the others are as they were): run again once the cause is fixed",
                    names.join(", ")
                )
            }
        }
    }
}

// The message already holds the cause in plain words; returning it as `source` too would print
// it twice in a chain. [`ExportError::io_error`] gives it.
impl std::error::Error for ExportError {}

/// Writes `bytes` to `path` atomically: a temporary file beside it (`.NAME.PID.tmp`),
/// `sync_all`, rename over the target, then a sync of the directory. Readers see the old
/// content or the new, never part of either. A process killed mid-write leaves its temporary
/// file behind; the next successful write of the same target removes such leftovers whose
/// process is gone (where `/proc` tells; elsewhere they stay).
///
/// # Errors
/// The I/O error with the path concerned.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    // A set of one: the same temporary, sync, rename and clean-up; a lone file has no "others"
    // for the error to speak of.
    write_set(&[(path.to_owned(), bytes)])
        .map(|_| ())
        .map_err(|mut e| {
            e.replaced = None;
            e
        })
}

/// Writes a set of files, all or nothing as far as the disk allows: every file is first
/// written in full to a temporary beside its target and synced (where a full disk or a quota
/// stops a write, before any target is touched), and only then are the temporaries renamed
/// over their targets, one after the other, and the directories synced. Returns the paths
/// written, in the order given.
///
/// # Errors
/// [`ExportError`] naming the file that failed; [`ExportError::replaced`] lists the files
/// already replaced (none when the failure came while staging, the usual case).
pub fn write_set<B: AsRef<[u8]>>(files: &[(PathBuf, B)]) -> Result<Vec<PathBuf>, ExportError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let unstage = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (path, bytes) in files {
        let tmp = temporary_for(path);
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes.as_ref())?;
            f.sync_all()
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            unstage(&staged);
            let mut err = ExportError::new(path, e);
            err.replaced = Some(Vec::new());
            return Err(err);
        }
        staged.push((tmp, path.clone()));
    }
    let mut done = Vec::with_capacity(staged.len());
    for (k, (tmp, path)) in staged.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            unstage(&staged[k..]);
            let mut err = ExportError::new(path, e);
            err.replaced = Some(done);
            return Err(err);
        }
        done.push(path.clone());
    }
    let mut dirs: Vec<PathBuf> = done.iter().map(|p| parent_of(p)).collect();
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    for path in &done {
        if let Some(name) = path.file_name() {
            remove_stale_temporaries(&parent_of(path), &name.to_string_lossy());
        }
    }
    Ok(done)
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// The temporary a write of `path` goes through: `.NAME.PID.tmp` beside it.
fn temporary_for(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent_of(path).join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Creates the output folder `dir`, with a message that says what to do when a file stands
/// where the folder should be.
///
/// # Errors
/// [`ExportError`] naming `dir`.
pub fn create_out_dir(dir: &Path) -> Result<(), ExportError> {
    if dir.is_file() {
        return Err(ExportError::new(
            dir,
            std::io::Error::other("a file stands there, and --out names a folder for the results"),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| ExportError::new(dir, e))
}

/// Removes `.NAME.PID.tmp` files in `dir` left by [`write_atomic`] in processes that no longer
/// run (`/proc/PID` absent while `/proc/self` exists). Best effort: errors are ignored, and
/// nothing is removed where `/proc` is unavailable or the process may still be writing.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if pid != std::process::id().to_string() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Escapes one CSV cell: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` so
/// spreadsheets do not run it as a formula; cells with commas, quotes or line breaks are quoted.
pub fn csv_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_csv_cell(&mut out, text);
    out
}

/// Appends [`csv_cell`]`(text)` to `out`, without a string of its own for the cell.
pub fn push_csv_cell(out: &mut String, text: &str) {
    let guard = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = text.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    if quote {
        for (k, part) in text.split('"').enumerate() {
            if k > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// A policy comparison ([`duijie::experiment::compare`]) as CSV, one line per row, with coverage by party kind as columns
/// (`enterprises`, `schools`, `institutes`: covered/taking part). With `timings`, a final
/// `seconds` column (run times vary between runs; without it the table is byte-identical for
/// the same input). Text cells are escaped as [`csv_cell`] does.
pub fn comparison_csv(rows: &[duijie::experiment::Row], timings: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::from(
        "dataset,seed,market,policy,status,welfare,matched_units,demand_units,unmet_units,needs,needs_servable,needs_covered,offers,offers_used,capacity_use,blocking_pairs,need_sat_mean,need_sat_min,need_sat_gini,offer_sat_mean,offer_sat_min,offer_sat_gini,city_balance,enterprises_covered,schools_covered,institutes_covered",
    );
    if timings {
        s.push_str(",seconds");
    }
    s.push('\n');
    for r in rows {
        let m = &r.metrics;
        let kind = |zh: &str| {
            r.coverage
                .iter()
                .find(|g| g.dimension == "kind" && g.group == zh)
                .map_or_else(String::new, |g| format!("{}/{}", g.covered, g.parties))
        };
        let welfare = m.welfare_score();
        let _ = write!(
            s,
            "{},{},{},{},{:?},{welfare:.6},{},{},{},{},{},{},{},{},{:.6},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{},{},{}",
            csv_cell(&r.dataset),
            r.seed.map_or_else(String::new, |x| x.to_string()),
            r.market.name(),
            csv_cell(&r.policy),
            r.status,
            m.matched_units,
            m.demand_units,
            m.unmet_units,
            m.needs,
            m.needs_servable,
            m.needs_covered,
            m.offers,
            m.offers_used,
            m.capacity_use,
            m.blocking_pairs,
            m.need_satisfaction.mean,
            m.need_satisfaction.min,
            m.need_satisfaction.gini,
            m.offer_satisfaction.mean,
            m.offer_satisfaction.min,
            m.offer_satisfaction.gini,
            r.city_balance,
            kind("企业"),
            kind("学校"),
            kind("科研院所"),
        );
        if timings {
            let _ = write!(s, ",{:.6}", r.seconds.unwrap_or(f64::NAN));
        }
        s.push('\n');
    }
    s
}

fn csv_row(cells: &[&str]) -> String {
    let mut line: String = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// A fixed-point value as a decimal with six places (`0.853400`).
pub fn fixed_decimal(v: i128) -> String {
    let mut out = String::with_capacity(12);
    push_fixed_decimal(&mut out, v);
    out
}

/// Appends [`fixed_decimal`]`(v)` to `out`.
pub fn push_fixed_decimal(out: &mut String, v: i128) {
    use std::fmt::Write as _;
    let scale = i128::from(SCALE);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.abs();
    // Writing to a String cannot fail.
    let _ = write!(out, "{sign}{}.{:06}", a / scale, a % scale);
}

fn party_label(l: &Ledger, id: duijie::id::PartyId) -> (String, String) {
    let p = l.party(id);
    (p.external_id.clone(), p.name.clone())
}

/// One policy's allocation of a market instance read from files, as `allocation.csv`:
/// `need,offer,units,need_score,offer_score`, with the files' own ids and the pair's two scores
/// as decimals (what `duijie allocate` writes).
pub fn allocation_csv(
    inst: &duijie::policy::MarketInstance,
    need_ids: &[String],
    offer_ids: &[String],
    a: &duijie::policy::Allocation,
) -> String {
    use std::fmt::Write as _;
    let mut csv = String::with_capacity(32 * (a.matches.len() + 1));
    csv.push_str("need,offer,units,need_score,offer_score\n");
    for (m, &(w, v)) in a.matches.iter().zip(&inst.views_of(&a.matches)) {
        push_csv_cell(&mut csv, &need_ids[m.need as usize]);
        csv.push(',');
        push_csv_cell(&mut csv, &offer_ids[m.offer as usize]);
        // Writing to a String cannot fail.
        let _ = write!(csv, ",{},", m.units);
        push_fixed_decimal(&mut csv, i128::from(w));
        csv.push(',');
        push_fixed_decimal(&mut csv, i128::from(v));
        csv.push('\n');
    }
    csv
}

/// `matches.csv`: one row per partnership, with the reasons for its score.
///
/// The explanations come from the configuration the outcome was computed with
/// ([`Outcome::config`](duijie::pipeline::Outcome::config)), so they always agree with the
/// scores.
pub fn matches_csv(l: &Ledger, o: &Outcome) -> String {
    let scorer = score::Scorer::new(&o.config, l);
    let mut out = csv_row(&[
        "market",
        "need_id",
        "need_party_id",
        "need_party",
        "offer_id",
        "offer_party_id",
        "offer_party",
        "units",
        "score",
        "explanation",
    ]);
    // Rows are built in parallel (an explanation is the costly part) and joined in order.
    use rayon::prelude::*;
    let rows: Vec<(score::Market, &duijie::policy::Match)> = o
        .markets
        .iter()
        .flat_map(|m| {
            m.allocation
                .matches
                .iter()
                .map(move |mt| (m.allocation.market, mt))
        })
        .collect();
    let lines: Vec<String> = rows
        .par_iter()
        .map(|&(market, mt)| {
            let (i, j) = (mt.need as usize, mt.offer as usize);
            let (np, npn) = party_label(l, score::need_owner(l, market, i));
            let (op, opn) = party_label(l, score::offer_owner(l, market, j));
            let why = scorer
                .score(market, i, j)
                .map(|s| {
                    let parts: Vec<String> = s
                        .components
                        .iter()
                        .map(|c| format!("{} {:.2}×{:.2}: {}", c.name, c.value, c.weight, c.reason))
                        .collect();
                    parts.join("; ")
                })
                .unwrap_or_default();
            csv_row(&[
                market.name(),
                score::need_external_id(l, market, i),
                &np,
                &npn,
                score::offer_external_id(l, market, j),
                &op,
                &opn,
                &mt.units.to_string(),
                &fixed_decimal(i128::from(mt.score)),
                &why,
            ])
        })
        .collect();
    out.reserve(lines.iter().map(String::len).sum());
    for line in lines {
        out.push_str(&line);
    }
    out
}

/// `unmet.csv`: every need not met in full, with how much is missing.
pub fn unmet_csv(l: &Ledger, o: &Outcome) -> String {
    let mut out = csv_row(&[
        "market", "need_id", "party_id", "party", "demand", "unmet", "reason",
    ]);
    for m in &o.markets {
        let market = m.allocation.market;
        for (i, &u) in m.allocation.unmet.iter().enumerate() {
            if u == 0 {
                continue;
            }
            let (p, pn) = party_label(l, score::need_owner(l, market, i));
            out.push_str(&csv_row(&[
                market.name(),
                score::need_external_id(l, market, i),
                &p,
                &pn,
                &score::need_quantity(l, market, i).to_string(),
                &u.to_string(),
                &unmet_reason_text(&m.allocation, i),
            ]));
        }
    }
    out
}

/// Why need `i` of an allocation was not met in full, in words for `unmet.csv`.
pub fn unmet_reason_text(a: &duijie::policy::Allocation, i: usize) -> String {
    use duijie::policy::UnmetReason as R;
    match a.unmet_reason(i) {
        None => String::new(),
        Some(R::NoCandidate) => "no offer in the ledger can serve it (no related major or discipline in the same year, or every pair scores at or below the threshold)".into(),
        Some(R::NoCapacity) => "its candidate offers have no capacity (0 places each)".into(),
        Some(R::CapacityBelowDemand { capacity }) => format!(
            "its candidate offers hold {capacity} units in all, and all of them went to this need"
        ),
        Some(R::CapacityToOthers { to_others, capacity }) => format!(
            "{to_others} of the {capacity} units its candidate offers hold went to other needs"
        ),
        Some(R::CapacityLeftFree { free }) => format!(
            "{free} units of its candidate offers stayed unused: the policy did not give them to this need"
        ),
    }
}

/// A progress row's indicator as officers read it: the name, and the year of a yearly one
/// (`研究生（2025年）`).
pub fn progress_label(p: &duijie::programme::Progress) -> String {
    match p.year {
        Some(y) => format!("{}（{y}年）", p.indicator),
        None => p.indicator.clone(),
    }
}

/// A progress row's figure in words: `achieved / target (share)`, a coverage as percentages,
/// a target of 0 as 无目标, and for a target the ledger cannot measure, 无法计量 — never a 0 that
/// only means "not recorded". Fractional targets (an alliance's share) keep one decimal.
pub fn progress_figure(p: &duijie::programme::Progress) -> String {
    let num = |x: f64| {
        if (x - x.round()).abs() < 1e-9 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        }
    };
    match (p.achieved, p.share) {
        (Some(a), _) if p.key.ends_with("_coverage") => {
            format!("{:.1}% / {:.0}%", 100.0 * a, 100.0 * p.target)
        }
        (Some(a), Some(share)) => {
            format!("{} / {} ({:.1}%)", num(a), num(p.target), 100.0 * share)
        }
        (Some(a), None) => format!("{} / 0（无目标 no target）", num(a)),
        (None, _) => format!("无法计量 not measurable / {}", num(p.target)),
    }
}

/// The schools supplying a gap row's major, as `name (id)` joined by 、: whom a supply-side
/// signal concerns, for the HTML and XLSX reports.
pub(crate) fn gap_schools(l: &Ledger, g: &duijie::programme::GapRow) -> String {
    g.supplying_schools
        .iter()
        .map(|&id| {
            let p = l.party(id);
            format!("{} ({})", p.name, p.external_id)
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// `summary.json`: per-market metrics, coverage and total welfare (fixed point and decimal).
pub fn summary_json(o: &Outcome) -> String {
    let markets: Vec<serde_json::Value> = o
        .markets
        .iter()
        .map(|m| {
            let x = &m.metrics;
            serde_json::json!({
                "market": m.allocation.market.name(),
                "status": m.allocation.status,
                "algorithm": m.allocation.algorithm.name(),
                "needs": x.needs,
                "offers": x.offers,
                "candidate_pairs": x.candidate_pairs,
                "demand_units": x.demand_units,
                "supply_units": x.supply_units,
                "matched_units": x.matched_units,
                "unmet_units": x.unmet_units,
                "needs_covered": x.needs_covered,
                "needs_fully_met": x.needs_fully_met,
                "needs_servable": x.needs_servable,
                "offers_used": x.offers_used,
                "capacity_use": x.capacity_use,
                "blocking_pairs": x.blocking_pairs,
                "need_satisfaction_mean": x.need_satisfaction.mean,
                "offer_satisfaction_mean": x.offer_satisfaction.mean,
                "welfare_fixed": x.welfare.to_string(),
                "welfare": fixed_decimal(x.welfare),
            })
        })
        .collect();
    let coverage: Vec<serde_json::Value> = o
        .coverage
        .iter()
        .map(|c| serde_json::json!({"group": c.group, "parties": c.parties, "covered": c.covered}))
        .collect();
    let v = serde_json::json!({
        "duijie_version": env!("CARGO_PKG_VERSION"),
        "score_scale": SCALE,
        "welfare_fixed": o.welfare.to_string(),
        "welfare": fixed_decimal(o.welfare),
        "markets": markets,
        "coverage": coverage,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Writes `matches.csv`, `unmet.csv` and `summary.json` into `dir` (created if missing), each
/// atomically; returns the paths written.
///
/// # Errors
/// The first file or directory that could not be written.
pub fn write_results(dir: &Path, l: &Ledger, o: &Outcome) -> Result<Vec<PathBuf>, ExportError> {
    create_out_dir(dir)?;
    let bodies = [
        ("matches.csv", matches_csv(l, o)),
        ("unmet.csv", unmet_csv(l, o)),
        ("summary.json", summary_json(o)),
    ];
    let files: Vec<(PathBuf, &[u8])> = bodies
        .iter()
        .map(|(name, body)| (dir.join(name), body.as_bytes()))
        .collect();
    write_set(&files)
}

/// Terminal columns a string takes: CJK and full-width characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// A plain-text table of per-market results, for terminals.
pub fn summary_text(o: &Outcome) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {:>6} {:>6} {:>6} {:>7} {:>7} {:>8} {:>6} {:>8} {:>14}",
        pad("market", 18),
        "needs",
        "offers",
        "pairs",
        "demand",
        "supply",
        "matched",
        "unmet",
        "covered",
        "welfare"
    );
    for m in &o.markets {
        let x = &m.metrics;
        let mk = m.allocation.market;
        let _ = writeln!(
            s,
            "{} {:>6} {:>6} {:>6} {:>7} {:>7} {:>8} {:>6} {:>8} {:>14}",
            pad(&format!("{} {}", mk.name(), mk.name_zh()), 18),
            x.needs,
            x.offers,
            x.candidate_pairs,
            x.demand_units,
            x.supply_units,
            x.matched_units,
            x.unmet_units,
            format!("{}/{}", x.needs_covered, x.needs),
            fixed_decimal(x.welfare)
        );
    }
    let _ = writeln!(s, "total welfare {}", fixed_decimal(o.welfare));
    let cov: Vec<String> = o
        .coverage
        .iter()
        .map(|c| format!("{} {}/{}", c.group, c.covered, c.parties))
        .collect();
    let _ = writeln!(s, "coverage: {}", cov.join(", "));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped_against_formulas_and_quoting() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("-3"), "'-3");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("沈阳机床"), "沈阳机床");
        assert_eq!(csv_cell("0101"), "0101");
        // Guarded and quoted: the apostrophe goes inside the quotes.
        assert_eq!(csv_cell("=\"x\",1"), "\"'=\"\"x\"\",1\"");
        assert_eq!(csv_cell("a\nb"), "\"a\nb\"");
        assert_eq!(fixed_decimal(-1_500_000), "-1.500000");
        assert_eq!(fixed_decimal(853_400), "0.853400");
    }

    #[test]
    fn comparison_csv_quotes_dataset_names_and_keeps_its_columns() {
        let row = duijie::experiment::Row {
            dataset: "ledgers/a,b =x".into(),
            seed: Some(7),
            market: duijie::score::Market::Talent,
            policy: "=welfare".into(),
            status: duijie::allocate::Status::Optimal,
            metrics: duijie::policy::PolicyMetrics::default(),
            coverage: Vec::new(),
            city_balance: 0.0,
            seconds: Some(1.5),
        };
        let csv = comparison_csv(&[row], true);
        let mut lines = csv.lines();
        let head = lines.next().unwrap().split(',').count();
        let line = lines.next().unwrap();
        assert!(
            line.starts_with("\"ledgers/a,b =x\",7,talent,'=welfare,"),
            "{line}"
        );
        // One comma inside quotes: the row has the header's columns.
        assert_eq!(line.split(',').count(), head + 1, "{line}");
        assert!(line.ends_with(",1.500000"), "{line}");
    }

    #[test]
    fn fixed_point_prints_exactly() {
        assert_eq!(fixed_decimal(15_182_300), "15.182300");
        assert_eq!(fixed_decimal(5), "0.000005");
        assert_eq!(fixed_decimal(-1_500_000), "-1.500000");
    }

    #[test]
    fn atomic_write_replaces_whole_files_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        write_atomic(&p, b"old").unwrap();
        write_atomic(&p, b"new content").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new content");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let bad = dir.path().join("missing-dir").join("x.csv");
        let e = write_atomic(&bad, b"x").unwrap_err();
        assert_eq!(e.path(), bad);
    }

    #[test]
    fn leftovers_of_killed_writers_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        // A killed writer's temporary (a process id no system reaches), one of this process,
        // one of a live process (pid 1), another file's, and a look-alike that is not ours.
        let gone = dir.path().join(".x.csv.4294967294.tmp");
        let live = dir.path().join(".x.csv.1.tmp");
        let other = dir.path().join(".y.csv.4294967294.tmp");
        let alike = dir.path().join(".x.csv.12ab.tmp");
        for f in [&gone, &live, &other, &alike] {
            std::fs::write(f, b"partial").unwrap();
        }
        write_atomic(&p, b"done").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"done");
        if Path::new("/proc/self").exists() {
            assert!(!gone.exists());
        }
        assert!(live.exists() && other.exists() && alike.exists());
    }
}
