//! Results do not depend on the order of the input's rows: a ledger whose rows are shuffled in
//! every file gives byte-identical result files (matches, unmet needs, summary), on the bundled
//! sample and on generated ledgers, whose scores have many ties.

#![allow(clippy::unwrap_used)]

use duijie_store::{Source, load_sources};

/// SplitMix64: a fixed, seeded shuffle.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for k in (1..v.len()).rev() {
            let j = usize::try_from(self.next() % (k as u64 + 1)).unwrap();
            v.swap(k, j);
        }
    }
}

/// The CSV tables with their data rows shuffled (the header stays first).
fn shuffled(tables: &[(String, String)], seed: u64) -> Vec<Source> {
    let mut mix = Mix(seed);
    tables
        .iter()
        .map(|(name, text)| {
            let mut lines: Vec<&str> = text.lines().collect();
            let (head, rows) = lines.split_at_mut(1);
            mix.shuffle(rows);
            let body = head
                .iter()
                .chain(rows.iter())
                .fold(String::new(), |mut s, l| {
                    s.push_str(l);
                    s.push('\n');
                    s
                });
            Source::new(name.clone(), body.into_bytes())
        })
        .collect()
}

/// The three result files of the welfare allocation, as `duijie match` writes them.
fn results(sources: Vec<Source>) -> [String; 3] {
    let loaded = load_sources(sources);
    assert!(!loaded.report.has_errors(), "{}", loaded.report);
    let outcome = duijie::pipeline::run(&loaded.ledger).unwrap();
    [
        duijie_export::matches_csv(&loaded.ledger, &outcome),
        duijie_export::unmet_csv(&loaded.ledger, &outcome),
        duijie_export::summary_json(&outcome),
    ]
}

fn check(tables: &[(String, String)], shuffles: u64) {
    let reference = results(shuffled(tables, 0));
    for seed in 1..=shuffles {
        let got = results(shuffled(tables, seed));
        for (k, name) in ["matches.csv", "unmet.csv", "summary.json"]
            .iter()
            .enumerate()
        {
            assert!(
                got[k] == reference[k],
                "{name} differs after shuffle {seed}"
            );
        }
    }
}

#[test]
fn shuffled_rows_give_byte_identical_results_on_the_sample() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample");
    let mut tables: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    tables.sort();
    check(&tables, 24);
}

#[test]
fn shuffled_rows_give_byte_identical_results_on_generated_ledgers() {
    for seed in [1, 2] {
        let tables = duijie_store::generated_files(duijie::synth::Scale::Sample, seed);
        check(&tables, 4);
    }
}

#[test]
fn matches_csv_explains_with_the_configuration_the_outcome_was_computed_with() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample");
    let loaded = duijie_store::load_paths(&[dir]).unwrap();
    let cfg: duijie::score::ScoreConfig = toml::from_str(
        "[talent]\nmajor_fit = 1.0\nlevel_fit = 0.0\nindustry_fit = 0.0\ncapacity_fit = 0.0\ngeography = 0.0\nquality = 0.0\n",
    )
    .unwrap();
    let outcome = duijie::pipeline::run_with(&loaded.ledger, &cfg).unwrap();
    let csv = duijie_export::matches_csv(&loaded.ledger, &outcome);
    let talent: Vec<&str> = csv.lines().filter(|l| l.starts_with("talent,")).collect();
    assert!(!talent.is_empty());
    for line in talent {
        // `major_fit VALUE×WEIGHT:` — the whole weight on the major, none on the level.
        let weight = |name: &str| {
            let from = line.find(&format!("{name} ")).unwrap();
            let part = &line[from..];
            part[part.find('×').unwrap() + '×'.len_utf8()..part.find(':').unwrap()].to_owned()
        };
        assert_eq!(weight("major_fit"), "1.00", "{line}");
        assert_eq!(weight("level_fit"), "0.00", "{line}");
    }
}
