//! The official catalogues duijie tags records with, embedded at compile time.
//!
//! | catalogue | edition | entries |
//! | --- | --- | --- |
//! | 普通高等学校本科专业目录 | 2024 | 816 majors in 93 专业类 and 12 门类 |
//! | 职业教育专业目录 (中职 / 高职专科 / 高职本科) | 2021 | 358 / 744 / 247 majors |
//! | 研究生教育学科专业目录 | 2022 | 117 一级学科 + 67 专业学位类别 |
//! | GB/T 4754—2017 国民经济行业分类 大类, with the 三次产业 split | 2017 (NBS 2018 rule) | 97 divisions |
//! | 辽宁省地级市 (GeoNames WGS-84 coordinates) | 2018–2020 adcodes | 14 cities |
//! | 辽宁省普通高等学校名单 | 2025-06-20 | 114 institutions |
//!
//! The data files live in `crates/duijie/data/` with their provenance in `SOURCES.md` there.
//! They are parsed once, on first use, and never read from disk at run time.
//!
//! Lookups are exact by code or name. A name or code that is not in the catalogue is never
//! guessed: [`Catalogues::suggest_majors`] and friends return the closest entries so that
//! validation can offer them as suggestions.

mod embedded;

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::id::id_type;

id_type!(
    /// A major (专业) or graduate discipline (学科/专业学位类别) in the embedded catalogues.
    MajorId,
    "major"
);
id_type!(
    /// A GB/T 4754—2017 division (行业大类).
    DivisionId,
    "industry division"
);
id_type!(
    /// One of Liaoning's 14 prefecture-level cities.
    CityId,
    "city"
);
id_type!(
    /// One of Liaoning's regular higher-education institutions (普通高等学校).
    InstitutionId,
    "institution"
);

/// An education level on the talent chain (人才链) 中职 → 高职专科 → 本科 → 研究生.
///
/// 高职本科 (vocational bachelor) sits at the same rung of the chain as 本科 but has its own
/// catalogue, so it is a level of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Level {
    /// 中职: secondary vocational (职业教育专业目录 2021, codes 61–79).
    SecondaryVocational,
    /// 高职专科: higher vocational, associate degree (职业教育专业目录 2021, codes 41–59).
    HigherVocational,
    /// 高职本科: vocational bachelor (职业教育专业目录 2021, codes 21–39).
    VocationalBachelor,
    /// 本科: bachelor (本科专业目录 2024).
    Bachelor,
    /// 研究生: graduate (研究生教育学科专业目录 2022, 4-digit codes).
    Graduate,
}

impl Level {
    /// The position of the level in [`Level::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Every level, lowest rung first.
    pub const ALL: [Level; 5] = [
        Level::SecondaryVocational,
        Level::HigherVocational,
        Level::VocationalBachelor,
        Level::Bachelor,
        Level::Graduate,
    ];

    /// The Chinese name used in ledgers and reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            Level::SecondaryVocational => "中职",
            Level::HigherVocational => "高职专科",
            Level::VocationalBachelor => "高职本科",
            Level::Bachelor => "本科",
            Level::Graduate => "研究生",
        }
    }

    /// The English key accepted in ledgers (`snake_case`).
    pub fn key(self) -> &'static str {
        match self {
            Level::SecondaryVocational => "secondary_vocational",
            Level::HigherVocational => "higher_vocational",
            Level::VocationalBachelor => "vocational_bachelor",
            Level::Bachelor => "bachelor",
            Level::Graduate => "graduate",
        }
    }

    /// The rung on the talent chain: 中职 0, 高职专科 1, 本科 and 高职本科 2, 研究生 3.
    pub fn chain_rank(self) -> u8 {
        match self {
            Level::SecondaryVocational => 0,
            Level::HigherVocational => 1,
            Level::VocationalBachelor | Level::Bachelor => 2,
            Level::Graduate => 3,
        }
    }

    /// The catalogue whose codes this level uses.
    pub fn catalogue(self) -> Catalogue {
        match self {
            Level::SecondaryVocational | Level::HigherVocational | Level::VocationalBachelor => {
                Catalogue::Vocational2021
            }
            Level::Bachelor => Catalogue::Undergraduate2024,
            Level::Graduate => Catalogue::Graduate2022,
        }
    }

    /// Parses a level from its Chinese name, a common alias (专科, 硕士, 博士) or its English key.
    pub fn parse(text: &str) -> Option<Level> {
        let t = text.trim();
        Some(match t {
            "中职" | "中等职业教育" | "secondary_vocational" => Level::SecondaryVocational,
            "高职专科" | "专科" | "高职" | "高等职业教育专科" | "higher_vocational" => {
                Level::HigherVocational
            }
            "高职本科" | "职业本科" | "高等职业教育本科" | "vocational_bachelor" => {
                Level::VocationalBachelor
            }
            "本科" | "bachelor" => Level::Bachelor,
            "研究生" | "硕士" | "博士" | "graduate" => Level::Graduate,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name_zh())
    }
}

/// An embedded catalogue edition; codes are only meaningful together with their edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Catalogue {
    /// 普通高等学校本科专业目录（2024年）.
    Undergraduate2024,
    /// 职业教育专业目录（2021年）.
    Vocational2021,
    /// 研究生教育学科专业目录（2022年）.
    Graduate2022,
}

impl Catalogue {
    /// The official title and edition.
    pub fn title(self) -> &'static str {
        match self {
            Catalogue::Undergraduate2024 => "普通高等学校本科专业目录（2024年）",
            Catalogue::Vocational2021 => "职业教育专业目录（2021年）",
            Catalogue::Graduate2022 => "研究生教育学科专业目录（2022年）",
        }
    }
}

/// A major (专业), or for [`Level::Graduate`] a discipline (一级学科) or professional degree
/// category (专业学位类别), with its place in the catalogue hierarchy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Major {
    /// The level whose catalogue lists it.
    pub level: Level,
    /// The official code, with suffixes such as `T`/`K` kept (`080213T`).
    pub code: &'static str,
    /// The official name.
    pub name: &'static str,
    /// 专业类 code (for graduate entries, the entry's own code).
    pub class_code: &'static str,
    /// 专业类 name.
    pub class_name: &'static str,
    /// 学科门类 (本科, 研究生) or 专业大类 (职业教育) code.
    pub category_code: &'static str,
    /// 学科门类 or 专业大类 name.
    pub category_name: &'static str,
    /// For [`Level::Graduate`]: a professional degree category (专业学位类别) rather than an
    /// academic discipline (一级学科). Always false for other levels.
    pub professional_degree: bool,
    /// Added by a catalogue supplement ([`install_supplement`]), not in the embedded edition.
    pub supplement: bool,
}

/// The three industry tiers (三次产业).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Tier {
    /// 第一产业: agriculture (涉农).
    Primary,
    /// 第二产业: industry (涉工).
    Secondary,
    /// 第三产业: services.
    Tertiary,
}

impl Tier {
    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Tier::Primary => "第一产业",
            Tier::Secondary => "第二产业",
            Tier::Tertiary => "第三产业",
        }
    }
}

/// A GB/T 4754—2017 division (大类).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    /// Two-digit division code, `"01"` to `"97"`.
    pub code: &'static str,
    /// Division name.
    pub name: &'static str,
    /// Section letter (门类), `A` to `T`.
    pub section: &'static str,
    /// Section name.
    pub section_name: &'static str,
    /// The industry tier under the NBS 三次产业划分规定.
    pub tier: Tier,
}

/// A prefecture-level city of Liaoning.
#[derive(Clone, Debug, PartialEq)]
pub struct City {
    /// Six-digit administrative code (`210100` 沈阳市).
    pub adcode: &'static str,
    /// Chinese name with its suffix (`沈阳市`).
    pub name: &'static str,
    /// English name (`Shenyang`).
    pub name_en: &'static str,
    /// Latitude of the city seat, WGS-84 degrees (GeoNames).
    pub lat: f64,
    /// Longitude of the city seat, WGS-84 degrees (GeoNames).
    pub lng: f64,
}

/// A regular higher-education institution in Liaoning (MoE list of 2025-06-20).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Institution {
    /// Name.
    pub name: &'static str,
    /// Ten-digit MoE school code (学校标识码).
    pub moe_code: &'static str,
    /// Supervising authority (主管部门).
    pub authority: &'static str,
    /// The city it is in.
    pub city: CityId,
    /// `本科` or `专科` as the MoE list gives it.
    pub level: &'static str,
    /// Whether it is privately run (民办).
    pub private: bool,
}

/// A catalogue entry offered as a correction, with its similarity in `[0, 1]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// The code of the suggested entry.
    pub code: &'static str,
    /// The name of the suggested entry.
    pub name: &'static str,
    /// How similar it is to what was written, `1.0` meaning identical.
    pub similarity: f64,
}

impl std::fmt::Display for Suggestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// All embedded catalogues, parsed once. Obtain them with [`Catalogues::get`].
#[derive(Debug)]
pub struct Catalogues {
    majors: Vec<Major>,
    major_by_code: HashMap<(Level, &'static str), MajorId>,
    major_by_name: HashMap<(Level, &'static str), MajorId>,
    divisions: Vec<Division>,
    cities: Vec<City>,
    institutions: Vec<Institution>,
}

static CATALOGUES: LazyLock<Catalogues> = LazyLock::new(embedded::parse);

mod supplement;
pub use supplement::{SupplementError, install_supplement};

impl Catalogues {
    /// The embedded catalogues (parsed on first call).
    pub fn get() -> &'static Catalogues {
        &CATALOGUES
    }

    /// The supplement installed beside the embedded catalogues, if any: its source and the
    /// majors it added (also in [`Catalogues::majors`], marked [`Major::supplement`]).
    pub fn supplement(&self) -> Option<(&str, Vec<&Major>)> {
        supplement::SUPPLEMENT.get().map(|(source, _)| {
            (
                source.as_str(),
                self.majors.iter().filter(|m| m.supplement).collect(),
            )
        })
    }

    /// Every major of every level, 本科 first, then 中职, 高职专科, 高职本科, then 研究生, then any
    /// supplement's.
    pub fn majors(&self) -> &[Major] {
        &self.majors
    }

    /// The major with this id.
    pub fn major(&self, id: MajorId) -> &Major {
        &self.majors[id.index()]
    }

    /// Every major of one level.
    pub fn majors_of(&self, level: Level) -> impl Iterator<Item = (MajorId, &Major)> + '_ {
        self.majors
            .iter()
            .enumerate()
            .filter(move |(_, m)| m.level == level)
            .filter_map(|(i, m)| MajorId::from_index(i).ok().map(|id| (id, m)))
    }

    /// Looks a major up by its exact code within a level's catalogue.
    pub fn major_by_code(&self, level: Level, code: &str) -> Option<MajorId> {
        self.major_by_code.get(&(level, code)).copied()
    }

    /// Looks a major up by its exact official name within a level's catalogue.
    pub fn major_by_name(&self, level: Level, name: &str) -> Option<MajorId> {
        self.major_by_name.get(&(level, name)).copied()
    }

    /// The levels whose catalogue lists `code`, for "this code belongs to another level".
    pub fn levels_with_code(&self, code: &str) -> Vec<Level> {
        Level::ALL
            .into_iter()
            .filter(|&l| self.major_by_code.contains_key(&(l, code)))
            .collect()
    }

    /// The closest majors of `level` to a misspelt or outdated name, best first.
    ///
    /// Similarity is the larger of character-level normalised Levenshtein and Jaro–Winkler
    /// (both count characters, so they are right on Chinese), raised to 0.9 when one name
    /// contains the other. Entries below 0.5 are not offered.
    pub fn suggest_majors(&self, level: Level, name: &str, limit: usize) -> Vec<Suggestion> {
        let name = name.trim();
        let mut out: Vec<Suggestion> = self
            .majors_of(level)
            .map(|(_, m)| Suggestion {
                code: m.code,
                name: m.name,
                similarity: similarity(name, m.name),
            })
            .filter(|s| s.similarity >= 0.5)
            .collect();
        sort_suggestions(&mut out);
        out.truncate(limit);
        out
    }

    /// Codes of `level` within one edit of a mistyped `code` (a transposed or dropped digit).
    pub fn suggest_major_codes(&self, level: Level, code: &str, limit: usize) -> Vec<Suggestion> {
        let code = code.trim();
        let mut out: Vec<Suggestion> = self
            .majors_of(level)
            .filter_map(|(_, m)| {
                let d = strsim::damerau_levenshtein(code, m.code);
                let base = m.code.trim_end_matches(['T', 'K']);
                let d = d.min(strsim::damerau_levenshtein(code, base));
                (d <= 1).then_some(Suggestion {
                    code: m.code,
                    name: m.name,
                    similarity: if d == 0 { 1.0 } else { 0.8 },
                })
            })
            .collect();
        sort_suggestions(&mut out);
        out.truncate(limit);
        out
    }

    /// Every GB/T 4754 division, in code order.
    pub fn divisions(&self) -> &[Division] {
        &self.divisions
    }

    /// The division with this id.
    pub fn division(&self, id: DivisionId) -> &Division {
        &self.divisions[id.index()]
    }

    /// Looks a division up by its two-digit code (`"35"`); a one-digit code is not accepted.
    pub fn division_by_code(&self, code: &str) -> Option<DivisionId> {
        self.divisions
            .iter()
            .position(|d| d.code == code)
            .and_then(|i| DivisionId::from_index(i).ok())
    }

    /// Liaoning's 14 prefecture-level cities, in adcode order.
    pub fn cities(&self) -> &[City] {
        &self.cities
    }

    /// The city with this id.
    pub fn city(&self, id: CityId) -> &City {
        &self.cities[id.index()]
    }

    /// Looks a city up by adcode (`210100`), full name (`沈阳市`), short name (`沈阳`) or English
    /// name (`Shenyang`, any case).
    pub fn city_by_name(&self, text: &str) -> Option<CityId> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        self.cities
            .iter()
            .position(|c| {
                c.adcode == t
                    || c.name == t
                    || c.name.strip_suffix('市') == Some(t)
                    || c.name_en.eq_ignore_ascii_case(t)
            })
            .and_then(|i| CityId::from_index(i).ok())
    }

    /// The closest city names to a misspelt one, best first.
    pub fn suggest_cities(&self, text: &str, limit: usize) -> Vec<Suggestion> {
        // 北京市 and 沈阳市 share only the suffix 市: a city is suggested only when the names
        // share a character besides it.
        let bare = |s: &str| -> Vec<char> {
            s.trim_end_matches(['市', '州', '盟', '区'])
                .chars()
                .collect()
        };
        let asked = bare(text.trim());
        let mut out: Vec<Suggestion> = self
            .cities
            .iter()
            .filter(|c| text.is_ascii() || bare(c.name).iter().any(|ch| asked.contains(ch)))
            .map(|c| Suggestion {
                code: c.adcode,
                name: c.name,
                similarity: similarity(text.trim(), c.name).max(strsim::jaro_winkler(
                    &text.trim().to_lowercase(),
                    &c.name_en.to_lowercase(),
                )),
            })
            .filter(|s| s.similarity >= 0.5)
            .collect();
        sort_suggestions(&mut out);
        out.truncate(limit);
        out
    }

    /// Great-circle distance between two cities' seats in kilometres (haversine, R = 6371 km).
    pub fn distance_km(&self, a: CityId, b: CityId) -> f64 {
        let (a, b) = (self.city(a), self.city(b));
        haversine_km(a.lat, a.lng, b.lat, b.lng)
    }

    /// Liaoning's regular higher-education institutions, in MoE list order.
    pub fn institutions(&self) -> &[Institution] {
        &self.institutions
    }

    /// Looks an institution up by its exact name or ten-digit MoE code.
    pub fn institution_by_name(&self, text: &str) -> Option<InstitutionId> {
        let t = text.trim();
        self.institutions
            .iter()
            .position(|i| i.name == t || i.moe_code == t)
            .and_then(|i| InstitutionId::from_index(i).ok())
    }
}

/// Similarity of two names in `[0, 1]`, counted in characters (see [`Catalogues::suggest_majors`]).
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    // Names and codes are short; a long value (bounded by the field limits, but a caller may
    // pass anything) is compared by its first 64 characters, so that this stays O(1).
    let cut = |s: &str| s.char_indices().nth(64).map_or(s.len(), |(k, _)| k);
    let (a, b) = (&a[..cut(a)], &b[..cut(b)]);
    let mut s = strsim::normalized_levenshtein(a, b).max(strsim::jaro_winkler(a, b));
    if !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a)) {
        s = s.max(0.9);
    }
    s
}

/// The `limit` candidates most similar to `asked` by [`similarity`] and at least `threshold`
/// similar, most similar first (ties in the candidates' order of text): the one ranking behind
/// every "did you mean" duijie prints — field names, table names, party ids, need and offer
/// ids. O(candidates) comparisons of at most 64 characters each.
pub fn closest<'a>(
    asked: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    threshold: f64,
    limit: usize,
) -> Vec<&'a str> {
    let mut v: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (similarity(asked, c), c))
        .filter(|(s, _)| *s >= threshold)
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    v.dedup_by(|a, b| a.1 == b.1);
    v.truncate(limit);
    v.into_iter().map(|(_, c)| c).collect()
}

fn sort_suggestions(v: &mut [Suggestion]) {
    v.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then_with(|| a.code.cmp(b.code))
    });
}

/// Great-circle distance in kilometres between two WGS-84 points (haversine, R = 6371 km).
pub fn haversine_km(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lng2 - lng1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests;
