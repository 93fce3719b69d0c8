//! The HTML report renders in a real browser (headless Chromium, Debian `chromium`) and its
//! charts draw; the XLSX report reads back (calamine) and matches the run.
//!
//! Without Chromium the rendering check says so and passes, unless `DUIJIE_REQUIRE_CHROMIUM`
//! is set (CI sets it, after installing Chromium): `duijie::testkit::chromium`.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

fn demo(out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_duijie"))
        .args([
            "demo",
            "--scale",
            "sample",
            "--seed",
            "5",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Pixels of the screenshot within 12 of colour `c` on every channel.
fn count(rgb: &[u8], c: [u8; 3]) -> usize {
    rgb.chunks_exact(3)
        .filter(|p| p.iter().zip(c).all(|(&a, b)| a.abs_diff(b) <= 12))
        .count()
}

#[test]
fn the_html_report_renders_and_its_charts_draw() {
    let Some(browser) = duijie::testkit::chromium("the report was not rendered") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    demo(&out);
    let shot = dir.path().join("report.png");
    let o = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1100,7000",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", out.join("report.html").display()),
        ])
        .output()
        .unwrap();
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let rgb: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => bytes
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect(),
        png::ColorType::Rgb => bytes.to_vec(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    // Every chart's colour is on the page in quantity: targets (blue), policy comparison
    // (green), coverage by level and kind (orange), supply bars (light orange); the map's
    // background.
    for (what, colour) in [
        ("target bars", [0x4a, 0x7b, 0xd0]),
        ("policy comparison bars", [0x6a, 0x9f, 0x58]),
        ("coverage bars", [0xd0, 0x8a, 0x4a]),
        ("supply bars", [0xe3, 0x9a, 0x4c]),
        ("city map", [0xf4, 0xf7, 0xfb]),
    ] {
        let n = count(&rgb, colour);
        assert!(n > 2000, "{what}: only {n} pixels of their colour drew");
    }
}

#[test]
fn the_xlsx_report_reads_back_and_matches_the_run() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    demo(&out);
    // The run's units placed by the reported policy (welfare), from comparison.csv.
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (policy, units) = (col("policy"), col("matched_units"));
    let placed: f64 = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[policy] == "welfare")
        .map(|f| f[units].parse::<f64>().unwrap())
        .sum();
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let names = wb.sheet_names().to_vec();
    let matches = wb.worksheet_range(&names[0]).unwrap();
    let in_sheet: f64 = matches
        .rows()
        .skip(1)
        .map(|r| match &r[8] {
            Data::Float(x) => *x,
            other => panic!("units must be a number, not {other:?}"),
        })
        .sum();
    assert_eq!(in_sheet, placed);
    // Every match has its explanation rows, whose contributions add up to its score.
    let explanations = wb.worksheet_range(&names[1]).unwrap();
    let mut sum = std::collections::BTreeMap::new();
    for r in explanations.rows().skip(1) {
        let (Data::Float(id), Data::Float(c)) = (&r[0], &r[5]) else {
            panic!("bad explanation row {r:?}")
        };
        *sum.entry(*id as u64).or_insert(0.0) += c;
    }
    assert_eq!(sum.len(), matches.rows().count() - 1);
    for r in matches.rows().skip(1) {
        let (Data::Float(id), Data::String(score)) = (&r[0], &r[9]) else {
            panic!("bad match row {r:?}")
        };
        let got = sum[&(*id as u64)];
        let want: f64 = score.parse().unwrap();
        assert!(
            (got - want).abs() < 2e-6,
            "match {id}: contributions {got} vs score {want}"
        );
    }
    // Ids stay text, with their leading zeros.
    let gaps = wb.worksheet_range(&names[2]).unwrap();
    assert!(gaps.rows().skip(1).all(|r| matches!(r[0], Data::String(_))));
}

/// The report's 对接清单 in a real browser: searching a party (`#q=E01` in the address) draws
/// its recommended partners and its matches; a CJK font is installed so that the Chinese page
/// draws its glyphs (CI installs one).
#[test]
fn searching_a_party_in_the_report_shows_its_recommendations() {
    let Some(browser) = duijie::testkit::chromium("the search was not run") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let o = Command::new(env!("CARGO_BIN_EXE_duijie"))
        .args(["report", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dom = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--dump-dom",
            &format!("file://{}#q=E01", out.join("report.html").display()),
        ])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let party = dom
        .split("<div class=\"dj-party\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no party drawn for the search E01"));
    // E01's best talent partner (hand-computed in cli.rs: N01 × T01, 0.978) and a match of it.
    for cell in [
        "<h3>沈阳机床股份有限公司（E01） 企业</h3>",
        "<td>人才</td><td>沈阳工业大学（S01）</td><td>N01</td><td>T01</td><td>0.978</td>",
        "已达成的匹配 matches:",
    ] {
        assert!(party.contains(cell), "missing {cell:?} in {party}");
    }
}
