//! A generated ledger written as CSV files reads back to the records the generator made.

#![allow(clippy::unwrap_used)]

use duijie::synth::Scale;
use duijie_store::Source;

#[test]
fn generated_files_read_back_to_the_generated_records() {
    for seed in 0..3 {
        let files = duijie_store::generated_files(Scale::Sample, seed);
        let read = duijie_store::read_sources(
            files
                .iter()
                .map(|(name, text)| Source::new(name.clone(), text.clone().into_bytes())),
        );
        let direct = duijie_store::read_generated(Scale::Sample, seed);
        assert_eq!(read.records, direct.records, "seed {seed}");
        let (a, b) = (read.validate(), direct.validate());
        assert_eq!(a.report.problems, vec![], "seed {seed}");
        assert_eq!(a.ledger, b.ledger, "seed {seed}");
        assert_eq!(a.files, b.files, "seed {seed}");
    }
}

#[test]
fn written_cells_that_need_quotes_read_back_unchanged() {
    use duijie::{Origin, RawRecord, RecordKind, Value};
    let cells = ["a,b", "say \"hi\"", "two\nlines", "", "=1+1", "沈阳"];
    let records: Vec<RawRecord> = cells
        .iter()
        .enumerate()
        .map(|(k, c)| RawRecord {
            kind: RecordKind::Institutes,
            origin: Origin::line("institutes.csv", k as u64 + 2),
            fields: vec![
                ("id".into(), Value::Text(format!("R{k}"))),
                ("name".into(), Value::Text((*c).to_owned())),
            ],
            typed: false,
        })
        .collect();
    let text = duijie_store::csv::write_table(&["id", "name"], &records);
    let back = duijie_store::csv::parse_table("institutes.csv", &text, RecordKind::Institutes);
    assert_eq!(back.problems, vec![]);
    let names: Vec<&Value> = back.records.iter().map(|r| &r.fields[1].1).collect();
    let want: Vec<Value> = cells.iter().map(|c| Value::Text((*c).to_owned())).collect();
    assert_eq!(names, want.iter().collect::<Vec<_>>());
}
