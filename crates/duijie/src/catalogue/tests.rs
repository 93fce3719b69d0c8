//! Catalogue tests: the official counts, the hierarchy and the lookups.

use super::*;

#[test]
fn embedded_files_have_no_quoting() {
    for (name, text) in embedded::FILES {
        assert!(!text.contains('"'), "{name} contains a quote");
        assert!(!text.starts_with('\u{feff}'), "{name} starts with a BOM");
    }
}

#[test]
fn every_catalogue_has_its_official_count() {
    let c = Catalogues::get();
    let count = |l: Level| c.majors_of(l).count();
    assert_eq!(count(Level::Bachelor), 816, "本科专业目录 2024");
    assert_eq!(count(Level::SecondaryVocational), 358, "中职 2021");
    assert_eq!(count(Level::HigherVocational), 744, "高职专科 2021");
    assert_eq!(count(Level::VocationalBachelor), 247, "高职本科 2021");
    let graduate: Vec<_> = c.majors_of(Level::Graduate).collect();
    let academic = graduate
        .iter()
        .filter(|(_, m)| !m.professional_degree)
        .count();
    assert_eq!(graduate.len(), 184);
    assert_eq!(academic, 117, "一级学科");
    assert_eq!(graduate.len() - academic, 67, "专业学位类别");
    assert_eq!(c.divisions().len(), 97);
    assert_eq!(c.cities().len(), 14);
    assert_eq!(c.institutions().len(), 114);
}

#[test]
fn undergraduate_hierarchy_has_93_classes_in_12_categories() {
    let c = Catalogues::get();
    let classes: std::collections::BTreeSet<_> = c
        .majors_of(Level::Bachelor)
        .map(|(_, m)| m.class_code)
        .collect();
    let categories: std::collections::BTreeSet<_> = c
        .majors_of(Level::Bachelor)
        .map(|(_, m)| m.category_code)
        .collect();
    assert_eq!(classes.len(), 93);
    assert_eq!(categories.len(), 12);
}

#[test]
fn three_industry_split_is_4_43_50() {
    let c = Catalogues::get();
    let n = |t: Tier| c.divisions().iter().filter(|d| d.tier == t).count();
    assert_eq!(
        (n(Tier::Primary), n(Tier::Secondary), n(Tier::Tertiary)),
        (4, 43, 50)
    );
    let repair = c.division(c.division_by_code("43").unwrap());
    assert_eq!(
        repair.tier,
        Tier::Tertiary,
        "43 修理业 is tertiary by the 2018 rule"
    );
}

#[test]
fn majors_are_found_by_code_and_name_within_their_level() {
    let c = Catalogues::get();
    let id = c.major_by_code(Level::Bachelor, "080202").unwrap();
    let m = c.major(id);
    assert_eq!(m.name, "机械设计制造及其自动化");
    assert_eq!(m.class_name, "机械类");
    assert_eq!(m.category_name, "工学");
    assert_eq!(
        c.major_by_name(Level::Bachelor, "机械设计制造及其自动化"),
        Some(id)
    );
    assert_eq!(c.major_by_code(Level::HigherVocational, "080202"), None);
    assert_eq!(c.levels_with_code("080202"), vec![Level::Bachelor]);
    let cs = c.major_by_code(Level::Graduate, "0812").unwrap();
    assert_eq!(c.major(cs).name, "计算机科学与技术");
}

#[test]
fn misspelt_major_names_get_suggestions_not_guesses() {
    let c = Catalogues::get();
    assert_eq!(
        c.major_by_name(Level::Bachelor, "机械设计制造及自动化"),
        None
    );
    let s = c.suggest_majors(Level::Bachelor, "机械设计制造及自动化", 3);
    assert_eq!(s[0].code, "080202", "{s:?}");
    let s = c.suggest_major_codes(Level::Bachelor, "080220", 5);
    assert!(s.iter().any(|s| s.code == "080202"), "{s:?}");
}

#[test]
fn cities_resolve_by_every_common_spelling_and_distances_are_sane() {
    let c = Catalogues::get();
    let sy = c.city_by_name("沈阳市").unwrap();
    assert_eq!(c.city_by_name("沈阳"), Some(sy));
    assert_eq!(c.city_by_name("shenyang"), Some(sy));
    assert_eq!(c.city_by_name("210100"), Some(sy));
    assert_eq!(c.city_by_name(""), None);
    let dl = c.city_by_name("大连").unwrap();
    let d = c.distance_km(sy, dl);
    assert!((d - 340.0).abs() < 25.0, "沈阳–大连 {d} km");
    assert_eq!(c.distance_km(sy, sy), 0.0);
    assert_eq!(c.suggest_cities("沈阳巿", 1)[0].name, "沈阳市");
}

#[test]
fn institutions_are_in_their_cities() {
    let c = Catalogues::get();
    let dut = c.institution_by_name("大连理工大学").unwrap();
    let i = &c.institutions()[dut.index()];
    assert_eq!(c.city(i.city).name, "大连市");
    assert_eq!(i.moe_code, "4121010141");
    assert_eq!(c.institutions().iter().filter(|i| i.private).count(), 31);
    assert_eq!(
        c.institutions()
            .iter()
            .filter(|i| i.level == "本科")
            .count(),
        64
    );
}

#[test]
fn levels_parse_from_chinese_aliases_and_keys() {
    for l in Level::ALL {
        assert_eq!(Level::parse(l.name_zh()), Some(l));
        assert_eq!(Level::parse(l.key()), Some(l));
    }
    assert_eq!(Level::parse("专科"), Some(Level::HigherVocational));
    assert_eq!(Level::parse("大专生"), None);
}

#[test]
fn one_ranking_serves_every_did_you_mean() {
    use super::closest;
    let fields = ["id", "name", "level", "city", "moe_code"];
    assert_eq!(closest("nmae", fields, 0.8, 1), ["name"]);
    assert_eq!(closest("levle", fields, 0.8, 1), ["level"]);
    assert!(closest("salary", fields, 0.8, 1).is_empty());
    // Ids: the closest first, ties in text order, at most `limit`, no repeats.
    assert_eq!(
        closest("N0l", ["N02", "N01", "N01", "T01"], 0.0, 2),
        ["N01", "N02"]
    );
    // Long values cost no more than 64 characters each.
    let long = "机".repeat(100_000);
    assert_eq!(closest(&long, ["机器人"], 0.0, 1), ["机器人"]);
}
