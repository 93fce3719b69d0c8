//! An analyst's experiment: change the scoring weights, compare allocation policies on several
//! generated ledgers, and export the comparison (CSV) and a full report (HTML and XLSX), all
//! through one call per ledger, the one `duijie report` makes.
//!
//! `cargo run --release -p duijie-examples --example experiment [OUT_DIR]`

use duijie::synth::Scale;
use duijie::{Market, ProgrammeConfig, ScoreConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).map_or_else(
        || std::env::temp_dir().join("duijie-experiment"),
        Into::into,
    );
    std::fs::create_dir_all(&out)?;
    // Geography matters more in this experiment: nearby partners are easier to work with.
    let mut score = ScoreConfig {
        top_k: Some(20),
        ..ScoreConfig::default()
    };
    score.talent.geography = 0.30;
    score.talent.major_fit = 0.30;
    let cfg = ProgrammeConfig {
        score,
        compare: "all".into(),
        ..ProgrammeConfig::default()
    };
    let mut rows = Vec::new();
    let mut last = None;
    for seed in 1..=3 {
        let (ledger, report) = duijie::synth::ledger(Scale::Sample, seed);
        if report.has_errors() {
            return Err(format!("generated ledger {seed}: {report}").into());
        }
        let result = duijie::run_programme(&ledger, "sample", Some(seed), &cfg, None)?;
        rows.extend(result.comparison.iter().cloned());
        last = Some((ledger, result));
    }
    let csv = duijie_export::comparison_csv(&rows, false);
    duijie_export::write_atomic(&out.join("comparison.csv"), csv.as_bytes())?;
    // Mean need satisfaction of each policy over the seeds, per market.
    for m in [Market::Talent, Market::Technology] {
        println!("{m}:");
        let mut policies: Vec<&str> = rows.iter().map(|r| r.policy.as_str()).collect();
        policies.dedup();
        for p in policies {
            let w: Vec<f64> = rows
                .iter()
                .filter(|r| r.market == m && r.policy == p)
                .map(|r| r.metrics.need_satisfaction.mean)
                .collect();
            #[allow(clippy::cast_precision_loss)]
            let mean = w.iter().sum::<f64>() / w.len().max(1) as f64;
            println!("  {p:<30} mean need satisfaction {mean:.3}");
        }
    }
    // The full report of the last ledger, from the same results.
    let (ledger, result) = last.ok_or("no ledger")?;
    let data = duijie_export::ReportData {
        title: "geography-weighted experiment",
        ledger: &ledger,
        cfg: &cfg.score,
        programme: &result,
    };
    duijie_export::write_atomic(
        &out.join("report.html"),
        duijie_export::html_report(&data).as_bytes(),
    )?;
    duijie_export::write_xlsx_report(&out.join("report.xlsx"), &data)?;
    println!(
        "wrote comparison.csv, report.html and report.xlsx to {}",
        out.display()
    );
    Ok(())
}
