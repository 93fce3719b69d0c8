//! Hand-computed policy cases (`datasets/cases/policies/*.toml`): every policy's allocation and
//! metrics on each case, as written out by hand in the file.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use duijie::policy::{self, MarketInstance};
use duijie::score::Market;

fn int(v: &toml::Value) -> i64 {
    v.as_integer().unwrap()
}

fn float(t: &toml::Table, key: &str) -> f64 {
    let v = &t[key];
    v.as_float()
        .or_else(|| v.as_integer().map(|i| i as f64))
        .unwrap()
}

#[test]
fn every_policy_matches_the_hand_computed_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/cases/policies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "cases missing in {}", dir.display());
    for file in files {
        let case: toml::Table = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !case["policy_text"].as_str().unwrap().is_empty(),
            "{name} cites no policy text"
        );
        let list = |k: &str| -> Vec<u32> {
            case[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| u32::try_from(int(v)).unwrap())
                .collect()
        };
        let pairs = case["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let p = p.as_array().unwrap();
                let u = |k: usize| u32::try_from(int(&p[k])).unwrap();
                (u(0), u(1), int(&p[2]), int(&p[3]))
            })
            .collect();
        let inst =
            MarketInstance::new(Market::Talent, list("demand"), list("capacity"), pairs).unwrap();
        let expect = case["expect"].as_table().unwrap();
        let names = [
            "greedy",
            "welfare",
            "stable-needs",
            "stable-offers",
            "coverage",
            "maxmin",
            "two-sided",
            "two-sided-fair",
        ];
        assert_eq!(
            expect.len(),
            names.len(),
            "{name}: one expectation per policy"
        );
        for pname in names {
            let e = expect[pname]
                .as_table()
                .unwrap_or_else(|| panic!("{name}: no [expect.{pname}]"));
            let p = policy::by_name(pname).unwrap();
            let a = p.allocate(&inst).unwrap();
            let matches: Vec<(u32, u32, u32)> = a
                .matches
                .iter()
                .map(|m| (m.need, m.offer, m.units))
                .collect();
            let want: Vec<(u32, u32, u32)> = e["matches"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    let m = m.as_array().unwrap();
                    let u = |k: usize| u32::try_from(int(&m[k])).unwrap();
                    (u(0), u(1), u(2))
                })
                .collect();
            let at = format!("{name} [{pname}]");
            assert_eq!(matches, want, "{at}: matches");
            let got = policy::measure(&inst, &a);
            assert_eq!(got.welfare, i128::from(int(&e["welfare"])), "{at}: welfare");
            assert_eq!(
                got.matched_units,
                u64::try_from(int(&e["matched_units"])).unwrap(),
                "{at}"
            );
            assert_eq!(
                got.needs_covered,
                usize::try_from(int(&e["needs_covered"])).unwrap(),
                "{at}"
            );
            assert_eq!(
                got.offers_used,
                usize::try_from(int(&e["offers_used"])).unwrap(),
                "{at}"
            );
            assert_eq!(
                got.blocking_pairs,
                usize::try_from(int(&e["blocking_pairs"])).unwrap(),
                "{at}: blocking pairs"
            );
            for (key, v) in [
                ("need_sat_mean", got.need_satisfaction.mean),
                ("need_sat_min", got.need_satisfaction.min),
                ("offer_sat_mean", got.offer_satisfaction.mean),
            ] {
                assert!(
                    (v - float(e, key)).abs() < 1e-9,
                    "{at}: {key} = {v}, expected {}",
                    float(e, key)
                );
            }
        }
    }
}
