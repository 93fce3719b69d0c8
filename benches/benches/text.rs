//! Every pass over text at 1 KB, 10 KB and 100 KB inputs of its worst shape: the time must grow
//! at most as n log n (a tenfold input, at most about twelve times the time).
//!
//! `cargo bench -p duijie-benches --bench text`

#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use duijie::validate::{RawRecord, RecordKind, Value};
use duijie::{Ledger, Origin};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Han characters drawn from the basic block with a fixed generator (many distinct ones).
fn distinct_han(bytes: usize, seed: u64) -> String {
    let mut x = seed | 1;
    (0..bytes / 3)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from_u32(0x4e00 + u32::try_from(x % 20_000).unwrap_or(0)).unwrap_or('机')
        })
        .collect()
}

/// One long run of Chinese without punctuation, repeating a few words (the shape that took
/// 95 s at 5,000 characters before the suffix automaton).
fn repeated_han(bytes: usize) -> String {
    "协作机器人关节伺服控制"
        .chars()
        .cycle()
        .take(bytes / 3)
        .collect()
}

/// `shared_terms` on two texts of `n` bytes: one run repeating a few words, and many distinct
/// characters (the suffix automaton's two extremes).
fn bench_shared_terms(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
) {
    let repeated = repeated_han(n);
    let (a, b) = (distinct_han(n, 7), distinct_han(n, 7));
    g.bench_with_input(
        BenchmarkId::new("shared_terms/repeated", n),
        &n,
        |bench, _| {
            bench.iter(|| duijie::score::text::shared_terms(black_box(&repeated), &repeated));
        },
    );
    g.bench_with_input(
        BenchmarkId::new("shared_terms/distinct", n),
        &n,
        |bench, _| {
            bench.iter(|| duijie::score::text::shared_terms(black_box(&a), &b));
        },
    );
}

fn text_functions(c: &mut Criterion) {
    let mut g = c.benchmark_group("text");
    g.sample_size(20);
    for n in SIZES {
        g.throughput(Throughput::Bytes(n as u64));
        let repeated = repeated_han(n);
        let a = distinct_han(n, 7);
        bench_shared_terms(&mut g, n);
        g.bench_with_input(BenchmarkId::new("tokens", n), &n, |bench, _| {
            bench.iter(|| duijie::score::text::tokens(black_box(&repeated)));
        });
        let hidden: String = repeated
            .chars()
            .flat_map(|c| [c, '\u{200b}'])
            .take(n / 3)
            .collect();
        g.bench_with_input(BenchmarkId::new("escape_invisible", n), &n, |bench, _| {
            bench.iter(|| duijie::message::escape_invisible(black_box(&hidden)).len());
        });
        g.bench_with_input(BenchmarkId::new("similarity", n), &n, |bench, _| {
            bench.iter(|| duijie::catalogue::similarity(black_box(&a), &repeated));
        });
        // Decoding: a GBK file (UTF-8 fails, lines classified, GB18030 decoded) and a UTF-8
        // file with one GBK row at its end (refused at that row).
        let lines: String = (0..)
            .map(|k| format!("N{k},{}\n", &repeated_han(60)))
            .scan(0usize, |len, line| {
                *len += line.len();
                (*len <= n).then_some(line)
            })
            .collect();
        let (gbk, _, _) = encoding_rs::GBK.encode(&lines);
        let gbk = gbk.into_owned();
        let mut mixed = lines.clone().into_bytes();
        mixed.extend_from_slice(&encoding_rs::GBK.encode("N0,沈阳机床\n").0);
        g.bench_with_input(BenchmarkId::new("decode/gbk", n), &n, |bench, _| {
            bench.iter(|| duijie_store::decode("t.csv", black_box(&gbk)).is_ok());
        });
        g.bench_with_input(BenchmarkId::new("decode/mixed", n), &n, |bench, _| {
            bench.iter(|| duijie_store::decode("t.csv", black_box(&mixed)).is_err());
        });
        // CSV: one quoted field full of doubled quotes and lone carriage returns.
        let field: String = repeated
            .chars()
            .enumerate()
            .map(|(k, c)| match k % 7 {
                0 => "\"\"".to_owned(),
                3 => "\r".to_owned(),
                _ => c.to_string(),
            })
            .collect();
        let csv = format!("id,description\r\"K1\",\"{field}\"\r");
        g.bench_with_input(BenchmarkId::new("csv_rows", n), &n, |bench, _| {
            bench.iter(|| {
                duijie_store::csv::split_rows("t.csv", black_box(&csv))
                    .0
                    .len()
            });
        });
        // Validation of one technology need whose description is the whole input (over the
        // 20,000-character limit at 100 KB: the located error is the answer).
        let record = RawRecord {
            kind: RecordKind::TechnologyNeeds,
            origin: Origin::line("technology_needs.csv", 2),
            fields: vec![
                ("id".into(), Value::Text("K1".into())),
                ("enterprise".into(), Value::Text("E1".into())),
                ("kind".into(), Value::Text("技术升级改造".into())),
                ("disciplines".into(), Value::Text("0802".into())),
                ("description".into(), Value::Text(repeated.clone())),
                ("year".into(), Value::Text("2025".into())),
            ],
            typed: false,
        };
        g.bench_with_input(BenchmarkId::new("validate_record", n), &n, |bench, _| {
            bench.iter(|| {
                Ledger::from_records([black_box(record.clone())])
                    .1
                    .problems
                    .len()
            });
        });
    }
    // Past the processor's caches: the automaton of a 1 MB text does not fit, so the step from
    // 10 KB to 100 KB includes a one-time cache step; 100 KB → 1 MB shows the growth beyond it.
    let n = 1_000_000;
    g.throughput(Throughput::Bytes(n as u64));
    g.sample_size(10);
    bench_shared_terms(&mut g, n);
    g.finish();
}

criterion_group!(benches, text_functions);
criterion_main!(benches);
