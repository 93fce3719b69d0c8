//! Three yearly rounds of a generated province (轮次对接): each year's ledger imported into one
//! SQLite file, matched with the agreements of the years before respected, recorded as a run
//! with its partnerships, and compared with the year before.
//!
//! ```sh
//! cargo run --release -p duijie-examples --example rounds [OUT_DIR] [KEEP]
//! ```
//!
//! Each round keeps last round's partnerships unless moving gains more than `KEEP` of score
//! per unit (default 0.01; 0 re-matches from scratch, when the welfare optimum, which has many
//! ties, moves about a third of the partnerships for 100 needs added and 100 offers gone).
//!
//! Between the rounds the ledger changes as a real one does — 100 new talent needs arrive and
//! 100 talent offers are withdrawn — and the officers sign the year's 100 best talent
//! partnerships (已签约) and refuse its 20 weakest (已拒绝), recorded in the same file
//! (`Db::set_agreements`, as `duijie agreements --record` and `POST /v1/agreements` do). Every
//! signed agreement is then in every later round with its units, and no refused pair comes back
//! (checked below). `duijie runs OUT_DIR/rounds.sqlite`, `duijie diff OUT_DIR/rounds.sqlite 2 3`
//! and `duijie agreements OUT_DIR/rounds.sqlite --log` show the same from the command line.

use std::collections::HashSet;
use std::error::Error;

use duijie::history::{self, RunMatch};
use duijie::policy::AgreementStatus;
use duijie::policy::agreements::AgreementRow;
use duijie::score::Market;
use duijie::validate::{RawRecord, RecordKind, Value};

/// The text of field `name` of a record.
fn text(r: &RawRecord, name: &str) -> Option<String> {
    r.fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| match v {
            Value::Text(t) => t.clone(),
            other => format!("{other:?}"),
        })
}

/// Sets field `name` of a record to `value`.
fn set(r: &mut RawRecord, name: &str, value: String) {
    if let Some((_, v)) = r.fields.iter_mut().find(|(k, _)| k == name) {
        *v = Value::Text(value);
    }
}

/// The year between two rounds: 100 talent needs arrive (copies of existing ones, as other
/// enterprises' new needs), 100 talent offers are withdrawn (none that an agreement names).
fn next_year(records: &mut Vec<RawRecord>, round: u32, keep: &HashSet<String>) {
    let needs: Vec<RawRecord> = records
        .iter()
        .filter(|r| r.kind == RecordKind::TalentNeeds)
        .step_by(97)
        .take(100)
        .cloned()
        .collect();
    for (k, mut r) in needs.into_iter().enumerate() {
        set(&mut r, "id", format!("TN-R{round}-{k:03}"));
        records.push(r);
    }
    let mut withdrawn = 0;
    let mut seen = 0usize;
    records.retain(|r| {
        if r.kind != RecordKind::TalentSupply || withdrawn == 100 {
            return true;
        }
        seen += 1;
        let id = text(r, "id").unwrap_or_default();
        if seen % 13 == round as usize && !keep.contains(&id) {
            withdrawn += 1;
            return false;
        }
        true
    });
}

fn main() -> Result<(), Box<dyn Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/rounds".to_owned());
    // Keep last round's partnerships unless moving gains more than 0.01 of score per unit
    // (scores are fixed point, 10^6 = 1); the second argument changes it, 0 turns it off.
    let keep: f64 = std::env::args().nth(2).map_or(Ok(0.01), |s| s.parse())?;
    let keep_bonus = (keep * 1e6).round() as i64;
    std::fs::create_dir_all(&out)?;
    let path = std::path::Path::new(&out).join("rounds.sqlite");
    let _ = std::fs::remove_file(&path);
    let mut db = duijie_store::Db::create_or_open(&path)?;
    let base = duijie_store::read_generated(duijie::synth::Scale::Province, 7);
    let mut records = base.records.clone();
    let mut previous: Option<(i64, Vec<RunMatch>)> = None;
    for (round, year) in [(1u32, 2025u32), (2, 2026), (3, 2027)] {
        // The agreements recorded in the store so far, by need and offer.
        let agreed: Vec<AgreementRow> = db
            .agreements()?
            .iter()
            .map(duijie_store::StoredAgreement::row)
            .collect();
        if round > 1 {
            let keep: HashSet<String> = agreed.iter().map(|a| a.offer.clone()).collect();
            next_year(&mut records, round, &keep);
        }
        let mut read = duijie_store::read_generated(duijie::synth::Scale::Province, 7);
        read.records = records.clone();
        let loaded = db.replace(read)?;
        let ledger = &loaded.ledger;
        let cfg = duijie::ScoreConfig::default();
        let by_market = duijie_store::round_agreements(ledger, ledger, &db.agreements()?)?;
        let round_inputs = duijie::pipeline::Round {
            agreements: by_market,
            previous: previous
                .as_ref()
                .map(|(_, rows)| history::positions(ledger, rows))
                .unwrap_or_default(),
            keep_bonus,
        };
        let outcome = duijie::pipeline::run_round(
            ledger,
            &cfg,
            &duijie::policy::Welfare,
            &round_inputs,
            None,
        )?;
        let rows = history::run_matches(ledger, &outcome)?;
        let run = duijie_store::RunRecord {
            command: format!("round {round} ({year})"),
            config: "{}".into(),
            seed: Some(7),
            library_version: env!("CARGO_PKG_VERSION").into(),
            input_hash: db.ledger_hash()?,
            counts: format!("{{\"agreements\": {}}}", agreed.len()),
            results: duijie_export::summary_json(&outcome),
        };
        let id = db.record_run_with_matches(&run, &rows)?;
        let units: u64 = rows.iter().map(|r| u64::from(r.units)).sum();
        println!(
            "{year} (round {round}, run {id}): {} partnerships, {units} units, welfare {}; {} agreements respected",
            rows.len(),
            duijie_export::fixed_decimal(outcome.welfare),
            agreed.len()
        );
        // Every agreement holds: signed units present, refused pairs absent.
        for a in &agreed {
            let got: u32 = rows
                .iter()
                .filter(|r| r.need == a.need && r.offer == a.offer)
                .map(|r| r.units)
                .sum();
            let want = if a.status == AgreementStatus::Signed {
                a.units
            } else {
                0
            };
            assert_eq!(got, want, "agreement {a:?} in round {round}");
        }
        if let Some((prev, before)) = &previous {
            let d = history::diff(before, &rows);
            println!(
                "  since run {prev}: {} added, {} removed, {} changed (keep bonus {keep})",
                d.added.len(),
                d.removed.len(),
                d.changed.len()
            );
            for (m, u) in d.units_by_market() {
                if u != 0 {
                    println!("    {} ({}): {u:+} units", m.name(), m.name_zh());
                }
            }
        }
        // The officers' decisions for the next round: the 100 best talent partnerships signed,
        // the 20 weakest refused (each pair once).
        let taken: HashSet<(String, String)> = agreed
            .iter()
            .map(|a| (a.need.clone(), a.offer.clone()))
            .collect();
        let mut talent: Vec<&RunMatch> = rows
            .iter()
            .filter(|r| r.market == Market::Talent)
            .filter(|r| !taken.contains(&(r.need.clone(), r.offer.clone())))
            .collect();
        talent.sort_by_key(|r| (std::cmp::Reverse(r.score), r.need.clone(), r.offer.clone()));
        let mut decided = Vec::new();
        for r in talent.iter().take(100) {
            decided.push(AgreementRow {
                need: r.need.clone(),
                offer: r.offer.clone(),
                units: r.units,
                status: AgreementStatus::Signed,
            });
        }
        for r in talent.iter().rev().take(20) {
            decided.push(AgreementRow {
                need: r.need.clone(),
                offer: r.offer.clone(),
                units: 0,
                status: AgreementStatus::Refused,
            });
        }
        db.set_agreements(&decided, &format!("officers, after round {round}"))?;
        previous = Some((id, rows));
    }
    println!(
        "runs recorded in {}: `duijie runs {0}`, then `duijie diff {0} A B`",
        path.display()
    );
    Ok(())
}
