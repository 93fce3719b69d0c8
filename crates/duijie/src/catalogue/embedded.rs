//! Parses the catalogue CSV files embedded with `include_str!` (no file access at run time).
//!
//! The embedded files are ours: UTF-8, comma-separated, a header row, no quoting (a test checks
//! that no field holds a comma or quote). A malformed embedded file is a build defect, caught by
//! the catalogue tests, so parsing here may panic with a message naming the file and line.

use std::collections::HashMap;

use super::{Catalogues, City, CityId, Division, Institution, Level, Major, MajorId, Tier};

const UNDERGRADUATE: &str = include_str!("../../data/undergraduate_majors_2024.csv");
const VOCATIONAL: &str = include_str!("../../data/vocational_majors_2021.csv");
const GRADUATE: &str = include_str!("../../data/graduate_disciplines_2022.csv");
const INDUSTRIES: &str = include_str!("../../data/three_industry_mapping_2018.csv");
const CITIES: &str = include_str!("../../data/liaoning_prefecture_cities.csv");
const INSTITUTIONS: &str = include_str!("../../data/liaoning_regular_heis_2025.csv");

#[cfg(test)]
/// The embedded files by name, for the test that checks their shape.
pub(crate) const FILES: [(&str, &str); 6] = [
    ("undergraduate_majors_2024.csv", UNDERGRADUATE),
    ("vocational_majors_2021.csv", VOCATIONAL),
    ("graduate_disciplines_2022.csv", GRADUATE),
    ("three_industry_mapping_2018.csv", INDUSTRIES),
    ("liaoning_prefecture_cities.csv", CITIES),
    ("liaoning_regular_heis_2025.csv", INSTITUTIONS),
];

/// Data rows of an embedded file, each split into exactly `width` fields.
fn rows(
    file: &'static str,
    text: &'static str,
    width: usize,
) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.is_empty())
        .map(move |(n, line)| {
            let fields: Vec<&'static str> = line.split(',').collect();
            assert!(
                fields.len() == width,
                "embedded {file} line {}: {} fields, expected {width}",
                n + 1,
                fields.len()
            );
            fields
        })
}

fn coordinate(file: &str, text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("embedded {file}: coordinate {text:?} is not a number"))
}

/// The catalogues: the embedded editions, then the installed supplement's majors.
pub(super) fn parse() -> Catalogues {
    super::supplement::STARTED.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut majors = parse_embedded();
    if let Some((_, extra)) = super::supplement::SUPPLEMENT.get() {
        majors.extend(extra.iter().cloned());
    }
    build(majors)
}

/// The majors of the embedded editions alone.
pub(super) fn parse_embedded() -> Vec<Major> {
    let mut majors = Vec::with_capacity(2200);
    for f in rows("undergraduate_majors_2024.csv", UNDERGRADUATE, 13) {
        majors.push(Major {
            level: Level::Bachelor,
            code: f[5],
            name: f[6],
            class_code: f[3],
            class_name: f[4],
            category_code: f[1],
            category_name: f[2],
            professional_degree: false,
            supplement: false,
        });
    }
    for f in rows("vocational_majors_2021.csv", VOCATIONAL, 9) {
        let level = match f[0] {
            "S" => Level::SecondaryVocational,
            "H" => Level::HigherVocational,
            "B" => Level::VocationalBachelor,
            other => panic!("embedded vocational_majors_2021.csv: unknown level {other:?}"),
        };
        majors.push(Major {
            level,
            code: f[6],
            name: f[7],
            class_code: f[4],
            class_name: f[5],
            category_code: f[2],
            category_name: f[3],
            professional_degree: false,
            supplement: false,
        });
    }
    for f in rows("graduate_disciplines_2022.csv", GRADUATE, 7) {
        majors.push(Major {
            level: Level::Graduate,
            code: f[2],
            name: f[3],
            class_code: f[2],
            class_name: f[3],
            category_code: f[0],
            category_name: f[1],
            professional_degree: match f[4] {
                "academic" => false,
                "professional" => true,
                other => panic!("embedded graduate_disciplines_2022.csv: type {other:?}"),
            },
            supplement: false,
        });
    }
    majors
}

fn build(majors: Vec<Major>) -> Catalogues {
    let mut major_by_code = HashMap::with_capacity(majors.len());
    let mut major_by_name = HashMap::with_capacity(majors.len());
    for (i, m) in majors.iter().enumerate() {
        let id = MajorId::from_index(i).expect("catalogue fits in u32");
        major_by_code.insert((m.level, m.code), id);
        major_by_name.insert((m.level, m.name), id);
    }

    let divisions = rows("three_industry_mapping_2018.csv", INDUSTRIES, 7)
        .map(|f| Division {
            code: f[2],
            name: f[3],
            section: f[0],
            section_name: f[1],
            tier: match f[4] {
                "1" => Tier::Primary,
                "2" => Tier::Secondary,
                "3" => Tier::Tertiary,
                other => panic!("embedded three_industry_mapping_2018.csv: tier {other:?}"),
            },
        })
        .collect();

    let cities: Vec<City> = rows("liaoning_prefecture_cities.csv", CITIES, 9)
        .map(|f| City {
            adcode: f[0],
            name: f[1],
            name_en: f[2],
            lat: coordinate("liaoning_prefecture_cities.csv", f[4]),
            lng: coordinate("liaoning_prefecture_cities.csv", f[5]),
        })
        .collect();

    let institutions = rows("liaoning_regular_heis_2025.csv", INSTITUTIONS, 8)
        .map(|f| {
            let city = cities
                .iter()
                .position(|c| c.adcode == f[5])
                .and_then(|i| CityId::from_index(i).ok())
                .unwrap_or_else(|| panic!("embedded institutions: unknown city adcode {}", f[5]));
            Institution {
                name: f[1],
                moe_code: f[2],
                authority: f[3],
                city,
                level: f[6],
                private: f[7] == "民办",
            }
        })
        .collect();

    Catalogues {
        majors,
        major_by_code,
        major_by_name,
        divisions,
        cities,
        institutions,
    }
}
