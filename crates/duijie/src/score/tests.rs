//! Hand-made cases for every score component, with the expected values written out.

use super::*;
use crate::catalogue::{Catalogues, Level};

fn major(level: Level, code: &str) -> MajorId {
    Catalogues::get()
        .major_by_code(level, code)
        .unwrap_or_else(|| panic!("{level} {code} is in the catalogue"))
}

fn city(name: &str) -> CityId {
    Catalogues::get()
        .city_by_name(name)
        .expect("a Liaoning city")
}

#[test]
fn major_fit_follows_the_catalogue_hierarchy() {
    use Level::*;
    let d = MajorDiscounts::default();
    // (need, offer, expected value, a word the reason must contain)
    let cases = [
        (
            (Bachelor, "080202"),
            (Bachelor, "080202"),
            1.0,
            "same major",
        ),
        // 护理 in 高职专科 and in 高职本科: same name, another catalogue.
        (
            (HigherVocational, "520201"),
            (VocationalBachelor, "320201"),
            0.9,
            "same major name",
        ),
        // 机械设计制造及其自动化 / 机械工程: both 机械类.
        ((Bachelor, "080202"), (Bachelor, "080201"), 0.6, "专业类"),
        // 工业机器人技术应用 (中职 6603) / 工业机器人技术 (高职专科 4603): the same 自动化类.
        (
            (SecondaryVocational, "660303"),
            (HigherVocational, "460305"),
            0.6,
            "专业类",
        ),
        // 机械设计制造及其自动化 / 机器人工程: both 工学.
        ((Bachelor, "080202"), (Bachelor, "080803T"), 0.3, "门类"),
        // 工业机器人技术应用 / 机械设计与制造: both 装备制造大类.
        (
            (SecondaryVocational, "660303"),
            (HigherVocational, "460101"),
            0.3,
            "专业大类",
        ),
        // Across the academic and vocational families, different names: unrelated.
        (
            (Bachelor, "080202"),
            (HigherVocational, "520201"),
            0.0,
            "unrelated",
        ),
    ];
    for ((nl, nc), (ol, oc), want, says) in cases {
        let (v, why) = major_fit(&d, major(nl, nc), major(ol, oc));
        assert_eq!(v, want, "{nl} {nc} / {ol} {oc}: {why}");
        assert!(why.contains(says), "{why}");
    }
    // Discounts come from the config.
    let d = MajorDiscounts {
        same_name: 0.8,
        same_class: 0.5,
        same_category: 0.1,
        corresponding: 0.4,
    };
    let (v, _) = major_fit(&d, major(Bachelor, "080202"), major(Bachelor, "080201"));
    assert_eq!(v, 0.5);
}

#[test]
fn level_fit_treats_over_and_under_qualification_apart() {
    use Level::*;
    let d = LevelDiscounts::default();
    let cases = [
        (Bachelor, Bachelor, 1.0, "as asked"),
        (HigherVocational, Bachelor, 0.6, "over-qualified"),
        (Bachelor, HigherVocational, 0.4, "under-qualified"),
        (Bachelor, Graduate, 0.6, "over-qualified"),
        (SecondaryVocational, Bachelor, 0.0, "too far"),
        (Graduate, HigherVocational, 0.0, "too far"),
        // 高职本科 sits on the 本科 rung.
        (Bachelor, VocationalBachelor, 1.0, "as asked"),
    ];
    for (need, offer, want, says) in cases {
        let (v, why) = level_fit(&d, need, offer);
        assert_eq!(v, want, "{need} ← {offer}: {why}");
        assert!(why.contains(says), "{why}");
    }
}

#[test]
fn geography_decays_with_distance_as_configured() {
    let g = GeographyRule::default();
    let (sy, dl) = (city("沈阳市"), city("大连市"));
    let km = Catalogues::get().distance_km(sy, dl);
    // 沈阳 (41.79222, 123.43278) – 大连 (38.91222, 121.60222), GeoNames: 355.8 km.
    assert!((km - 355.8).abs() < 0.1, "{km}");
    let close = |a: f64, b: f64| (a - b).abs() < 1e-3;
    let cases = [
        (Some(sy), false, Some(sy), false, 1.0, "same city"),
        (Some(sy), false, Some(dl), false, 1.0 - 355.8 / 500.0, "km"),
        (Some(sy), true, Some(sy), false, 0.3, "省外"),
        (None, false, Some(dl), false, 0.5, "not given"),
    ];
    for (a, ao, b, bo, want, says) in cases {
        let (v, why) = geography(&g, a, ao, b, bo);
        assert!(close(v, want), "{v} ≠ {want}: {why}");
        assert!(why.contains(says), "{why}");
    }
    let far = GeographyRule {
        decay_km: 1000.0,
        ..GeographyRule::default()
    };
    assert!(close(
        geography(&far, Some(sy), false, Some(dl), false).0,
        0.6442
    ));
    let near = GeographyRule {
        decay_km: 300.0,
        ..GeographyRule::default()
    };
    assert_eq!(geography(&near, Some(sy), false, Some(dl), false).0, 0.0);
}

#[test]
fn discipline_and_keyword_fit_count_shares() {
    use Level::*;
    let mech = major(Bachelor, "080202");
    let robot = major(Bachelor, "080803T");
    let nursing = major(Bachelor, "101101K");
    // Both disciplines held: 1.0.
    assert_eq!(discipline_fit(&[mech, robot], &[robot, mech]).0, 1.0);
    // One of two held, the other of the same 门类 (工学): (1 + 0.3) / 2.
    assert_eq!(discipline_fit(&[mech, robot], &[mech]).0, 0.65);
    // Nothing in common, not even the 门类.
    assert_eq!(discipline_fit(&[nursing], &[mech]).0, 0.0);
    assert_eq!(discipline_fit(&[], &[mech]).0, 0.0);
    let kw = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    // Case-insensitive, exact words: 2 of 3.
    let (v, why) = keyword_fit(&kw(&["PLC", "焊接", "机器视觉"]), &kw(&["plc", "机器视觉"]));
    assert!((v - 2.0 / 3.0).abs() < 1e-12, "{v}");
    assert!(why.contains("PLC") && why.contains("机器视觉"), "{why}");
    // Near-identical keywords (normalised Levenshtein over characters ≥ 0.75) earn their
    // similarity: 机器人 / 机器人学 1 − 1/4 = 0.75; 协作机器人 / 协作机器手 1 − 1/5 = 0.8.
    let (v, why) = keyword_fit(
        &kw(&["机器人", "协作机器人"]),
        &kw(&["机器人学", "协作机器手"]),
    );
    assert!((v - (0.75 + 0.8) / 2.0).abs() < 1e-12, "{v}");
    assert!(
        why.contains("near-identical: 机器人≈机器人学 (0.75)"),
        "{why}"
    );
    // Too different: 焊接 / 焊接机器人 0.4; 工业机器人 / 工业机器人技术 1 − 2/7 ≈ 0.71.
    assert_eq!(keyword_fit(&kw(&["焊接"]), &kw(&["焊接机器人"])).0, 0.0);
    assert_eq!(
        keyword_fit(&kw(&["工业机器人"]), &kw(&["工业机器人技术"])).0,
        0.0
    );
}

#[test]
fn platform_levels_rank_quality() {
    assert_eq!(platform_quality(PlatformLevel::National), 1.0);
    assert_eq!(platform_quality(PlatformLevel::Provincial), 0.75);
    assert_eq!(platform_quality(PlatformLevel::Municipal), 0.5);
    assert_eq!(platform_quality(PlatformLevel::None), 0.25);
}

#[test]
fn the_industry_table_covers_every_division_once_with_real_codes() {
    let c = Catalogues::get();
    let t = industry_table();
    for (k, d) in c.divisions().iter().enumerate() {
        assert!(
            t.row_of_division[k].is_some(),
            "division {} {}",
            d.code,
            d.name
        );
    }
    let listed: usize = INDUSTRY_DISCIPLINES
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or("").split(';').count())
        .sum();
    assert_eq!(
        listed,
        c.divisions().len(),
        "each division in exactly one row"
    );
    let exists = |level: Level, pred: &dyn Fn(&crate::catalogue::Major) -> bool| {
        c.majors_of(level).any(|(_, m)| pred(m))
    };
    for (d, row) in t.rows.iter().enumerate() {
        for &b in &row.bachelor {
            assert!(
                exists(Level::Bachelor, &|m| m.class_code == b),
                "{d}: 本科 {b}"
            );
        }
        for &v in &row.vocational {
            assert!(
                exists(Level::HigherVocational, &|m| m.category_code == v),
                "{d}: 高职 {v}"
            );
        }
        for &g in &row.graduate {
            assert!(exists(Level::Graduate, &|m| m.code == g), "{d}: 研究生 {g}");
        }
    }
}

#[test]
fn industry_fit_reads_the_division_against_the_supplier_majors() {
    use Level::*;
    let c = Catalogues::get();
    let div = |code: &str| c.division_by_code(code);
    // 34 通用设备制造业 draws on 机械类 (本科), 装备制造大类 (高职专科, and 中职 through the same
    // 大类), 机械工程 (研究生); not on 护理.
    let cases = [
        ("34", major(Bachelor, "080202"), 1.0),
        ("34", major(HigherVocational, "460101"), 1.0),
        ("34", major(SecondaryVocational, "660303"), 1.0),
        ("34", major(Graduate, "0802"), 1.0),
        ("34", major(HigherVocational, "520201"), 0.0),
        // 84 卫生 draws on 护理 (高职专科 52 医药卫生大类).
        ("84", major(HigherVocational, "520201"), 1.0),
        ("84", major(Bachelor, "080202"), 0.0),
    ];
    for (d, m, want) in cases {
        let (v, why) = industry_fit(div(d), &[m]);
        assert_eq!(v, want, "{d} {}: {why}", c.major(m).name);
        assert_eq!(industry_value(div(d), &[m]), want);
    }
    assert_eq!(industry_fit(None, &[major(Bachelor, "080202")]).0, 0.5);
    // Several disciplines: relevant when any is.
    assert_eq!(
        industry_value(
            div("26"),
            &[major(Graduate, "0802"), major(Graduate, "0817")]
        ),
        1.0
    );
}

#[test]
fn the_correspondence_table_names_real_classes_in_the_four_reviewed_families() {
    let c = Catalogues::get();
    let mut families = std::collections::BTreeSet::new();
    for line in CORRESPONDENCE.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (voc, name, bachelor, graduate, family) = (f[0], f[1], f[2], f[3], f[4]);
        families.insert(family);
        assert!(
            c.majors_of(Level::HigherVocational)
                .any(|(_, m)| m.class_code == voc && m.class_name == name),
            "高职专科 {voc} {name}"
        );
        for b in bachelor.split(';') {
            assert!(
                c.majors_of(Level::Bachelor).any(|(_, m)| m.class_code == b),
                "{voc}: 本科 {b}"
            );
        }
        for g in graduate.split(';') {
            assert!(
                c.majors_of(Level::Graduate).any(|(_, m)| m.code == g),
                "{voc}: 研究生 {g}"
            );
        }
    }
    assert_eq!(
        families.into_iter().collect::<Vec<_>>(),
        ["农林牧渔", "医药卫生", "电子信息", "装备制造"]
    );
}

#[test]
fn capacity_fit_is_the_share_of_the_need_the_offer_could_meet_alone() {
    let cases = [
        (6, 4, 4.0 / 6.0, "offers 4 of the 6 asked"),
        (6, 6, 1.0, "enough"),
        (3, 10, 1.0, "enough"),
        (5, 0, 0.0, "offers 0 of the 5"),
        (0, 0, 1.0, "enough"),
    ];
    for (need, offer, want, says) in cases {
        let (v, why) = capacity_fit(need, offer);
        assert_eq!(v, want, "{need} {offer}");
        assert!(why.contains(says), "{why}");
    }
}
