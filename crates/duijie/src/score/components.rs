//! The score components, each a value in `[0, 1]` with a reason: major, level, industry,
//! capacity, geography and quality for the major-based markets; discipline and keyword fit for
//! technology (text fit is in [`super::text`]).

use super::*;
/// How two majors relate, in the order [`major_fit`] tests them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Relation {
    Same,
    SameName,
    SameClass,
    SameCategory,
    /// A vocational 专业类 and the 本科 专业类 or 研究生 discipline the curated correspondence
    /// table pairs it with.
    Corresponding,
    Unrelated,
}

impl Relation {
    pub(super) fn of(need: MajorId, offer: MajorId) -> Relation {
        if need == offer {
            return Relation::Same;
        }
        let keys = major_keys();
        let (a, b) = (&keys[need.index()], &keys[offer.index()]);
        if a.name == b.name {
            Relation::SameName
        } else if a.class == b.class {
            Relation::SameClass
        } else if a.category == b.category {
            Relation::SameCategory
        } else if a.bridges.iter().any(|g| b.bridges.contains(g)) && (a.vocational != b.vocational)
        {
            Relation::Corresponding
        } else {
            Relation::Unrelated
        }
    }

    pub(super) fn value(self, d: &MajorDiscounts) -> f64 {
        match self {
            Relation::Same => 1.0,
            Relation::SameName => d.same_name,
            Relation::SameClass => d.same_class,
            Relation::SameCategory => d.same_category,
            Relation::Corresponding => d.corresponding,
            Relation::Unrelated => 0.0,
        }
    }
}

/// Interned comparison keys of one catalogue major: its name, its 专业类 and its 门类/专业大类
/// (the vocational ones with the level prefix removed and the family folded in, so equal keys
/// mean "same class (category) within one family").
pub(super) struct MajorKeys {
    pub(super) name: u32,
    pub(super) class: u32,
    pub(super) category: u32,
    /// Rows of the correspondence table this major belongs to: a vocational major its class's
    /// row, an academic major every row naming its 专业类 or discipline.
    pub(super) bridges: Vec<u32>,
    /// Whether the major is of the vocational family (correspondence pairs the two families).
    pub(super) vocational: bool,
}

/// The curated vocational ↔ academic correspondence (`data/major_class_correspondence.csv`):
/// per row, the 高职专科 专业类 code (中职 and 高职本科 classes are matched to it by position),
/// the 本科 专业类 and the 研究生 disciplines it corresponds to.
pub(super) const CORRESPONDENCE: &str = include_str!("../../data/major_class_correspondence.csv");

/// The correspondence rows a major belongs to.
pub(super) fn bridges_of(m: &crate::catalogue::Major) -> Vec<u32> {
    let mut out = Vec::new();
    for (k, line) in CORRESPONDENCE.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let (Some(voc), Some(bachelor), Some(graduate)) = (f.first(), f.get(2), f.get(3)) else {
            continue;
        };
        let hit = match m.level {
            Level::Bachelor => bachelor.split(';').any(|c| c == m.class_code),
            Level::Graduate => graduate.split(';').any(|c| c == m.code),
            _ => {
                // class_key strips the level prefix; 高职专科 classes are 41xx–59xx.
                let key = class_key(m.level, m.class_code).1;
                let n: u32 = key.get(..2).and_then(|h| h.parse().ok()).unwrap_or(99);
                format!("{:02}{}", n + 40, key.get(2..).unwrap_or("")) == *voc
            }
        };
        if hit {
            out.push(u32::try_from(k).unwrap_or(u32::MAX));
        }
    }
    out
}

/// The keys of every catalogue major, indexed by [`MajorId`], built once.
pub(super) fn major_keys() -> &'static [MajorKeys] {
    static KEYS: std::sync::OnceLock<Vec<MajorKeys>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        use std::collections::HashMap;
        let mut names: HashMap<&str, u32> = HashMap::new();
        let mut groups: HashMap<(u8, String), u32> = HashMap::new();
        let mut intern_group = |k: (u8, String)| -> u32 {
            let next = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            *groups.entry(k).or_insert(next)
        };
        Catalogues::get()
            .majors()
            .iter()
            .map(|m| {
                let next = u32::try_from(names.len()).unwrap_or(u32::MAX);
                let name = *names.entry(m.name).or_insert(next);
                let class = intern_group(class_key(m.level, m.class_code));
                // Categories in their own key space: tag them apart from classes.
                let (f, c) = class_key(m.level, m.category_code);
                let category = intern_group((f + 2, c));
                MajorKeys {
                    name,
                    class,
                    category,
                    bridges: bridges_of(m),
                    vocational: family(m.level),
                }
            })
            .collect()
    })
}

/// How a major of a need relates to a major of a supplier, and the fit value (discounts as
/// configured; an exact match is 1).
pub fn major_fit(d: &MajorDiscounts, need: MajorId, offer: MajorId) -> (f64, Reason) {
    let c = Catalogues::get();
    let (a, b) = (c.major(need), c.major(offer));
    let relation = Relation::of(need, offer);
    let group = if family(a.level) {
        "专业大类"
    } else {
        "门类"
    };
    let reason = match relation {
        Relation::Same => Reason::new(
            format!("专业相同：{} {}", a.code, a.name),
            format!("same major {} {}", a.code, a.name),
        ),
        Relation::SameName => Reason::new(
            format!(
                "专业名称相同：{}（{} {} / {} {}）",
                a.name, a.level, a.code, b.level, b.code
            ),
            format!(
                "same major name {} ({} {} / {} {})",
                a.name, a.level, a.code, b.level, b.code
            ),
        ),
        Relation::SameClass => Reason::new(
            format!("同属专业类“{}”（{} / {}）", a.class_name, a.name, b.name),
            format!("same 专业类 {} ({} / {})", a.class_name, a.name, b.name),
        ),
        Relation::SameCategory => Reason::new(
            format!(
                "同属{group}“{}”（{} / {}）",
                a.category_name, a.name, b.name
            ),
            format!("same {group} {} ({} / {})", a.category_name, a.name, b.name),
        ),
        Relation::Corresponding => Reason::new(
            format!(
                "不同目录中对应的专业类：{}“{}”（{}）/ {}“{}”（{}）",
                a.level, a.class_name, a.name, b.level, b.class_name, b.name
            ),
            format!(
                "corresponding 专业类 across catalogues: {} {} ({}) / {} {} ({})",
                a.level, a.class_name, a.name, b.level, b.class_name, b.name
            ),
        ),
        Relation::Unrelated => Reason::new(
            format!("专业不相关：{} {} / {} {}", a.code, a.name, b.code, b.name),
            format!(
                "unrelated majors {} {} / {} {}",
                a.code, a.name, b.code, b.name
            ),
        ),
    };
    (relation.value(d), reason)
}

/// `true` for the vocational family (中职, 高职专科, 高职本科), `false` for 本科 and 研究生.
pub(super) fn family(level: Level) -> bool {
    matches!(
        level,
        Level::SecondaryVocational | Level::HigherVocational | Level::VocationalBachelor
    )
}

/// A code with the vocational level prefix removed, so 6101 (中职), 4101 (高职专科) and 2101
/// (高职本科) compare equal; academic codes are returned unchanged.
pub(super) fn class_key(level: Level, code: &str) -> (u8, String) {
    let base = match level {
        Level::SecondaryVocational => 60,
        Level::HigherVocational => 40,
        Level::VocationalBachelor => 20,
        Level::Bachelor | Level::Graduate => return (0, code.to_owned()),
    };
    let head: u32 = code.get(..2).and_then(|h| h.parse().ok()).unwrap_or(0);
    (
        1,
        format!(
            "{:02}{}",
            head.saturating_sub(base),
            code.get(2..).unwrap_or("")
        ),
    )
}

/// The majors and disciplines each GB/T 4754 division draws on, from the curated
/// `data/industry_disciplines.csv` (see its entry in `data/SOURCES.md`).
pub(super) struct IndustryRow {
    pub(super) bachelor: Vec<&'static str>,
    pub(super) vocational: Vec<&'static str>,
    pub(super) graduate: Vec<&'static str>,
    pub(super) note: &'static str,
}

pub(super) const INDUSTRY_DISCIPLINES: &str = include_str!("../../data/industry_disciplines.csv");

/// The relevance table, parsed once: the rows, each division's row (by [`DivisionId`]), and for
/// each row which catalogue majors it draws on (by [`MajorId`]), so a lookup allocates nothing.
pub(super) struct IndustryTable {
    pub(super) rows: Vec<IndustryRow>,
    pub(super) row_of_division: Vec<Option<usize>>,
    pub(super) serves: Vec<Vec<bool>>,
}

pub(super) fn industry_table() -> &'static IndustryTable {
    static TABLE: std::sync::OnceLock<IndustryTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let c = Catalogues::get();
        let mut rows = Vec::new();
        let mut row_of_code: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::new();
        for line in INDUSTRY_DISCIPLINES.lines().skip(1) {
            let f: Vec<&'static str> = line.splitn(5, ',').collect();
            let [divisions, bachelor, vocational, graduate, note] = f[..] else {
                continue;
            };
            let list = |s: &'static str| s.split(';').filter(|x| !x.is_empty()).collect::<Vec<_>>();
            for d in list(divisions) {
                row_of_code.insert(d, rows.len());
            }
            rows.push(IndustryRow {
                bachelor: list(bachelor),
                vocational: list(vocational),
                graduate: list(graduate),
                note,
            });
        }
        let row_of_division = c
            .divisions()
            .iter()
            .map(|d| row_of_code.get(d.code).copied())
            .collect();
        let serves = rows
            .iter()
            .map(|row| c.majors().iter().map(|m| industry_serves(row, m)).collect())
            .collect();
        IndustryTable {
            rows,
            row_of_division,
            serves,
        }
    })
}

/// Whether an industry draws on a major: its 本科 专业类, its 研究生 discipline, or its
/// vocational 专业大类 (中职 and 高职本科 matched to the 高职专科 大类 in the same position).
pub(super) fn industry_serves(row: &IndustryRow, m: &crate::catalogue::Major) -> bool {
    match m.level {
        Level::Bachelor => row.bachelor.contains(&m.class_code),
        Level::Graduate => row.graduate.contains(&m.code),
        Level::SecondaryVocational | Level::HigherVocational | Level::VocationalBachelor => {
            let (_, key) = class_key(m.level, m.category_code);
            // class_key strips the level prefix to 01–19; 高职专科 大类 are 41–59.
            let n: u32 = key.parse().unwrap_or(0);
            row.vocational
                .iter()
                .any(|v| v.parse::<u32>().ok() == Some(n + 40))
        }
    }
}

/// The table row of a division, if the enterprise gives one.
pub(super) fn industry_row(division: Option<DivisionId>) -> Option<usize> {
    division.and_then(|d| {
        industry_table()
            .row_of_division
            .get(d.index())
            .copied()
            .flatten()
    })
}

/// Industry relevance: 1 when the enterprise's GB/T 4754 division draws on one of the
/// supplier's majors or disciplines (curated table), 0 when it does not, 0.5 when the enterprise
/// gives no division the table knows.
pub fn industry_fit(division: Option<DivisionId>, majors: &[MajorId]) -> (f64, Reason) {
    let c = Catalogues::get();
    let v = industry_value(division, majors);
    let Some(d) = division.map(|d| c.division(d)) else {
        return (
            v,
            Reason::new("未填行业".into(), "no industry given".into()),
        );
    };
    let Some(r) = industry_row(division) else {
        return (
            v,
            Reason::new(
                format!("{} {}：无行业关联数据", d.code, d.name),
                format!("{} {}: no relevance data", d.code, d.name),
            ),
        );
    };
    let t = industry_table();
    let serving: Vec<&str> = majors
        .iter()
        .filter(|m| t.serves[r][m.index()])
        .map(|&m| c.major(m).name)
        .collect();
    let reason = if serving.is_empty() {
        Reason::new(
            format!(
                "{} {} 主要依托其他领域（{}）",
                d.code, d.name, t.rows[r].note
            ),
            format!(
                "{} {} draws on other fields ({})",
                d.code, d.name, t.rows[r].note
            ),
        )
    } else {
        Reason::new(
            format!("{} {} 依托{}", d.code, d.name, serving.join("、")),
            format!("{} {} draws on {}", d.code, d.name, serving.join("、")),
        )
    };
    (v, reason)
}

/// The industry-fit value alone (see [`industry_fit`]); no allocation.
pub(super) fn industry_value(division: Option<DivisionId>, majors: &[MajorId]) -> f64 {
    match industry_row(division) {
        None => 0.5,
        Some(r) if majors.iter().any(|m| industry_table().serves[r][m.index()]) => 1.0,
        Some(_) => 0.0,
    }
}

/// Capacity fit: how much of a need of `need` units an offer of `offer` units could meet alone,
/// `min(1, offer / need)` (1 for a need of 0 units).
pub fn capacity_fit(need: u32, offer: u32) -> (f64, Reason) {
    let v = capacity_value(need, offer);
    let reason = if v >= 1.0 {
        Reason::new(
            format!("可供 {offer}，足以满足所需 {need}"),
            format!("offers {offer}, enough for the {need} asked"),
        )
    } else {
        Reason::new(
            format!("可供 {offer}，所需 {need}"),
            format!("offers {offer} of the {need} asked"),
        )
    };
    (v, reason)
}

/// The capacity-fit value alone (see [`capacity_fit`]); no allocation.
pub(super) fn capacity_value(need: u32, offer: u32) -> f64 {
    if need == 0 || offer >= need {
        1.0
    } else {
        f64::from(offer) / f64::from(need)
    }
}

/// The level-fit value alone (see [`level_fit`]).
pub(super) fn level_value(d: &LevelDiscounts, need: Level, offer: Level) -> f64 {
    match i16::from(offer.chain_rank()) - i16::from(need.chain_rank()) {
        0 => 1.0,
        1 => d.over_qualified,
        -1 => d.under_qualified,
        _ => 0.0,
    }
}

/// Level fit on the talent chain (discounts as configured; the level asked for is 1).
pub fn level_fit(d: &LevelDiscounts, need: Level, offer: Level) -> (f64, Reason) {
    let reason = match i16::from(offer.chain_rank()) - i16::from(need.chain_rank()) {
        0 => Reason::new(
            format!("层次相符：{offer}"),
            format!("level {offer} as asked"),
        ),
        1 => Reason::new(
            format!("层次偏高：{offer}对应{need}岗位"),
            format!("over-qualified: {offer} for a {need} post"),
        ),
        -1 => Reason::new(
            format!("层次偏低：{offer}对应{need}岗位"),
            format!("under-qualified: {offer} for a {need} post"),
        ),
        _ => Reason::new(
            format!("{offer}与{need}在人才链上相距过远"),
            format!("{offer} is too far from {need} on the talent chain"),
        ),
    };
    (level_value(d, need, offer), reason)
}

/// Geographic fit between two places (values as configured).
pub fn geography(
    g: &GeographyRule,
    a: Option<CityId>,
    a_out: bool,
    b: Option<CityId>,
    b_out: bool,
) -> (f64, Reason) {
    let c = Catalogues::get();
    if a_out || b_out {
        return (
            g.out_of_province,
            Reason::new(
                "省外成员（柔性加入）".into(),
                "out-of-province member (省外, 柔性加入)".into(),
            ),
        );
    }
    match (a, b) {
        (Some(x), Some(y)) if x == y => (
            g.same_city,
            Reason::new(
                format!("同在{}", c.city(x).name),
                format!("same city {}", c.city(x).name),
            ),
        ),
        (Some(x), Some(y)) => {
            let km = c.distance_km(x, y);
            let (from, to) = (c.city(x).name, c.city(y).name);
            (
                (1.0 - km / g.decay_km).max(0.0),
                Reason::new(
                    format!(
                        "{from}—{to} 相距 {km:.0} 公里（{:.0} 公里处降为 0）",
                        g.decay_km
                    ),
                    format!(
                        "{from} – {to} {km:.0} km (decay to 0 at {:.0} km)",
                        g.decay_km
                    ),
                ),
            )
        }
        _ => (
            g.unknown_city,
            Reason::new("城市未填写".into(), "city not given".into()),
        ),
    }
}

pub(super) fn platform_quality(level: PlatformLevel) -> f64 {
    match level {
        PlatformLevel::National => 1.0,
        PlatformLevel::Provincial => 0.75,
        PlatformLevel::Municipal => 0.5,
        PlatformLevel::None => 0.25,
    }
}

/// Share of the need's disciplines the capability covers (0.3 credit for the same 门类).
pub fn discipline_fit(need: &[MajorId], offer: &[MajorId]) -> (f64, Reason) {
    if need.is_empty() {
        return (
            0.0,
            Reason::new("需求未列学科".into(), "need names no discipline".into()),
        );
    }
    let c = Catalogues::get();
    let v = discipline_value(need, offer);
    let hit: Vec<&str> = need
        .iter()
        .filter(|d| offer.contains(d))
        .map(|&d| c.major(d).name)
        .collect();
    let reason = if hit.is_empty() {
        Reason::new(
            "无相同学科，仅门类相关".into(),
            "no discipline in common; related 门类 only".into(),
        )
    } else {
        Reason::new(
            format!("相同学科：{}", hit.join("、")),
            format!("disciplines in common: {}", hit.join("、")),
        )
    };
    (v, reason)
}

/// The discipline-fit value alone (see [`discipline_fit`]); no allocation.
pub(super) fn discipline_value(need: &[MajorId], offer: &[MajorId]) -> f64 {
    if need.is_empty() {
        return 0.0;
    }
    let keys = major_keys();
    let mut sum = 0.0;
    for &d in need {
        if offer.contains(&d) {
            sum += 1.0;
        } else if offer
            .iter()
            .any(|&o| keys[o.index()].category == keys[d.index()].category)
        {
            sum += 0.3;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let v = sum / need.len() as f64;
    v
}

/// Share of the need's keywords the capability lists: 1 for each exact one (case-insensitive),
/// the similarity for a near-identical one ([`NEAR_IDENTICAL`]), divided by the number of the
/// need's keywords.
pub fn keyword_fit(need: &[String], offer: &[String]) -> (f64, Reason) {
    if need.is_empty() {
        return (
            0.0,
            Reason::new("需求未列关键词".into(), "need lists no keyword".into()),
        );
    }
    let offer: Vec<String> = offer.iter().map(|k| k.to_lowercase()).collect();
    let (mut sum, mut exact, mut near) = (0.0, Vec::new(), Vec::new());
    for k in need {
        let lower = k.to_lowercase();
        if offer.contains(&lower) {
            sum += 1.0;
            exact.push(k.as_str());
            continue;
        }
        let best = offer
            .iter()
            .map(|o| (strsim::normalized_levenshtein(&lower, o), o))
            .fold(
                (0.0, None),
                |acc, (s, o)| if s > acc.0 { (s, Some(o)) } else { acc },
            );
        if let (s, Some(o)) = best
            && s >= NEAR_IDENTICAL
        {
            sum += s;
            near.push(format!("{k}≈{o} ({s:.2})"));
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let v = sum / need.len() as f64;
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    if !exact.is_empty() {
        zh.push(format!("相同关键词：{}", exact.join("、")));
        en.push(format!("keywords in common: {}", exact.join("、")));
    }
    if !near.is_empty() {
        zh.push(format!("近似关键词：{}", near.join("、")));
        en.push(format!("near-identical: {}", near.join("、")));
    }
    let reason = if zh.is_empty() {
        Reason::new("无相同关键词".into(), "no keyword in common".into())
    } else {
        Reason::new(zh.join("；"), en.join("; "))
    };
    (v, reason)
}

/// Two keywords whose normalised Levenshtein similarity over characters (`strsim`) reaches this
/// are near-identical (机器人 / 机器人学: 0.75) and earn that similarity as credit.
pub const NEAR_IDENTICAL: f64 = 0.75;

/// For each interned keyword, the other keywords near-identical to it, with their similarity.
/// Candidates share a character bigram: lossless at the threshold, since `d ≤ L/4` edits in a
/// word of `L ≥ 3` characters leave one of its `L − 1` bigrams intact (shorter words are
/// near-identical only to themselves).
pub(super) fn near_identical(words: &[String]) -> Vec<Vec<(u32, f64)>> {
    let mut by_bigram: std::collections::HashMap<(char, char), Vec<u32>> =
        std::collections::HashMap::new();
    let chars: Vec<Vec<char>> = words.iter().map(|w| w.chars().collect()).collect();
    for (id, cs) in chars.iter().enumerate() {
        let mut grams: Vec<(char, char)> = cs.windows(2).map(|p| (p[0], p[1])).collect();
        grams.sort_unstable();
        grams.dedup();
        for g in grams {
            by_bigram
                .entry(g)
                .or_default()
                .push(u32::try_from(id).unwrap_or(u32::MAX));
        }
    }
    let mut out = vec![Vec::new(); words.len()];
    for (id, cs) in chars.iter().enumerate() {
        let mut others: Vec<u32> = cs
            .windows(2)
            .filter_map(|p| by_bigram.get(&(p[0], p[1])))
            .flatten()
            .copied()
            .filter(|&o| o as usize != id)
            .collect();
        others.sort_unstable();
        others.dedup();
        for o in others {
            let s = strsim::normalized_levenshtein(&words[id], &words[o as usize]);
            if s >= NEAR_IDENTICAL {
                out[id].push((o, s));
            }
        }
    }
    out
}
