//! An analyst's experiment: change the scoring weights, compare allocation policies on several
//! generated ledgers, and export the comparison (CSV) and a full report (HTML and XLSX).
//!
//! `cargo run --release -p duijie-examples --example experiment [OUT_DIR]`

use duijie::policy;
use duijie::score::{Market, ScoreConfig};
use duijie::synth::Scale;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).map_or_else(
        || std::env::temp_dir().join("duijie-experiment"),
        Into::into,
    );
    std::fs::create_dir_all(&out)?;
    // Geography matters more in this experiment: nearby partners are easier to work with.
    let mut cfg = ScoreConfig {
        top_k: Some(20),
        ..ScoreConfig::default()
    };
    cfg.talent.geography = 0.30;
    cfg.talent.major_fit = 0.30;
    cfg.validate()?;
    let policies = policy::all();
    let mut rows = Vec::new();
    let mut last = None;
    for seed in 1..=3 {
        let loaded = duijie_store::read_generated(Scale::Sample, seed).validate();
        rows.extend(duijie::experiment::compare(
            &loaded.ledger,
            "sample",
            Some(seed),
            &cfg,
            &policies,
            &[Market::Talent, Market::Technology],
            None,
            None,
        )?);
        last = Some(loaded.ledger);
    }
    let csv = duijie_export::comparison_csv(&rows, false);
    duijie_export::write_atomic(&out.join("comparison.csv"), csv.as_bytes())?;
    // Mean welfare of each policy over the seeds, per market.
    for m in [Market::Talent, Market::Technology] {
        println!("{m}:");
        for p in &policies {
            let w: Vec<f64> = rows
                .iter()
                .filter(|r| r.market == m && r.policy == p.name())
                .map(|r| r.metrics.need_satisfaction.mean)
                .collect();
            #[allow(clippy::cast_precision_loss)]
            let mean = w.iter().sum::<f64>() / w.len().max(1) as f64;
            println!("  {:<30} mean need satisfaction {mean:.3}", p.name());
        }
    }
    // The full report of the last ledger, as `duijie report` writes it: the same call.
    let ledger = last.ok_or("no ledger")?;
    let programme = duijie::programme::ProgrammeConfig {
        score: cfg.clone(),
        ..Default::default()
    };
    let report = duijie::programme::run(&ledger, "sample", Some(3), &programme, None)?;
    let data = duijie_export::ReportData {
        title: "geography-weighted experiment",
        ledger: &ledger,
        cfg: &cfg,
        programme: &report,
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
