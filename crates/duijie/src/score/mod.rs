//! Scoring: how well one capability serves one need, as a value in `[0, 1]` with its reasons.
//!
//! Each component is a value in `[0, 1]` with a reason a person can read; the score is their
//! weighted sum, weights divided by their sum ([`ScoreConfig`], read from TOML by the CLI). The
//! solvers take the score as an exact fixed-point integer ([`to_fixed`]); the breakdown keeps the
//! floats for explanations. A [`Scorer`] holds what one ledger and config need once;
//! [`top_candidates`] finds each need's candidates, exactly, without the full matrix.
//!
//! | market | components (default weight) |
//! | --- | --- |
//! | talent, training, placement | major fit 0.35, level fit 0.25, industry fit 0.10, capacity fit 0.05, geography 0.15, quality 0.10 |
//! | technology | discipline fit 0.35, keyword fit 0.15, text fit 0.20, industry fit 0.10, geography 0.10, quality 0.10 |
//!
//! - **major fit**: same code in the same catalogue 1.0; same name in another catalogue 0.9;
//!   same 专业类 0.6; same 门类 (本科/研究生) or 专业大类 (职业教育, matched across 中职, 高职专科
//!   and 高职本科 by its position) 0.3; a vocational 专业类 and the 本科 专业类 or 研究生
//!   discipline it corresponds to (curated table `data/major_class_correspondence.csv`, four
//!   families reviewed by hand) 0.5; otherwise the pair is not a candidate (`[major]`).
//! - **level fit** on the talent chain: the level asked for 1.0; one rung above (over-qualified)
//!   0.6; one rung below (under-qualified) 0.4; further apart, not a candidate (`[level]`).
//! - **industry fit**: 1.0 when the enterprise's GB/T 4754 division draws on the supplier's major
//!   or one of its disciplines, by the curated table `data/industry_disciplines.csv`; 0.0 when
//!   not; 0.5 when no division is known.
//! - **capacity fit**: `min(1, offer's quantity / need's quantity)`: an offer that could meet
//!   the whole need alone scores 1.
//! - **geography**: same city 1.0; two Liaoning cities `max(0, 1 − km / 500)`; a party out of
//!   the province 0.3; a need with no city 0.5 (`[geography]`).
//! - **quality**: talent, the supplier's employment rate (0.5 when unknown); technology, the
//!   platform level (国家级 1.0, 省级 0.75, 市级 0.5, none 0.25); training and placement 1.0.
//! - **discipline fit**: the share of the need's disciplines the capability has, with 0.3 credit
//!   for a discipline of the same 门类; **keyword fit**: the share of the need's keywords the
//!   capability lists (exact, case-insensitive; a near-identical one, normalised Levenshtein over
//!   characters ≥ [`NEAR_IDENTICAL`], earns its similarity); **text fit**: TF-IDF cosine of the need's
//!   description and the capability's platform and keywords ([`text`]).
//!
//! Candidates must share a year and, for training and placement, a kind.

mod config;
pub mod text;

use text::TextIndex;

pub use config::{
    ConfigError, GeographyRule, LevelDiscounts, MajorDiscounts, MajorWeights, ScoreConfig,
    TechnologyWeights,
};

use crate::catalogue::{Catalogues, CityId, DivisionId, Level, MajorId};
use crate::id::PartyId;
use crate::model::{Ledger, PlatformLevel};

/// Fixed-point scale of scores handed to solvers: 1.0 is `1_000_000`, so scores are exact to
/// 1e-6.
pub const SCALE: i64 = 1_000_000;

/// Converts a score in `[0, 1]` to fixed point, rounding half away from zero.
pub fn to_fixed(score: f64) -> i64 {
    // In [0, 1] after the clamp (NaN becomes 0), so the product is far below 2^50, where the
    // branch-free rounding is exact and equals `f64::round`.
    let x = if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, 1.0)
    };
    crate::allocate::round_half_away_small(x * SCALE as f64)
}

/// One named part of a score.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Component {
    /// Component name (`major_fit`, `level_fit`, `geography`, `quality`, …).
    pub name: &'static str,
    /// Raw value in `[0, 1]`.
    pub value: f64,
    /// Its weight.
    pub weight: f64,
    /// A reason a person can read, Chinese terms kept.
    pub reason: String,
}

impl Component {
    /// What it adds to the score.
    pub fn contribution(&self) -> f64 {
        self.value * self.weight
    }
}

/// A score with its breakdown.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Score {
    /// The weighted sum, in `[0, 1]`.
    pub total: f64,
    /// The parts.
    pub components: Vec<Component>,
}

impl Score {
    fn from_components(components: Vec<Component>) -> Score {
        let values: Vec<f64> = components.iter().map(|c| c.value).collect();
        let weights: Vec<f64> = components.iter().map(|c| c.weight).collect();
        let total = weighted_parts(&values, &weights);
        Score { total, components }
    }

    /// The score as the exact integer the solvers use.
    pub fn fixed(&self) -> i64 {
        to_fixed(self.total)
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "score {:.4}", self.total)?;
        for c in &self.components {
            writeln!(
                f,
                "  {:<15} {:.4} × {:.2} = {:.4}  {}",
                c.name,
                c.value,
                c.weight,
                c.contribution(),
                c.reason
            )?;
        }
        Ok(())
    }
}

/// How two majors relate, in the order [`major_fit`] tests them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Relation {
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
    fn of(need: MajorId, offer: MajorId) -> Relation {
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

    fn value(self, d: &MajorDiscounts) -> f64 {
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
struct MajorKeys {
    name: u32,
    class: u32,
    category: u32,
    /// Rows of the correspondence table this major belongs to: a vocational major its class's
    /// row, an academic major every row naming its 专业类 or discipline.
    bridges: Vec<u32>,
    /// Whether the major is of the vocational family (correspondence pairs the two families).
    vocational: bool,
}

/// The curated vocational ↔ academic correspondence (`data/major_class_correspondence.csv`):
/// per row, the 高职专科 专业类 code (中职 and 高职本科 classes are matched to it by position),
/// the 本科 专业类 and the 研究生 disciplines it corresponds to.
const CORRESPONDENCE: &str = include_str!("../../data/major_class_correspondence.csv");

/// The correspondence rows a major belongs to.
fn bridges_of(m: &crate::catalogue::Major) -> Vec<u32> {
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
fn major_keys() -> &'static [MajorKeys] {
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
pub fn major_fit(d: &MajorDiscounts, need: MajorId, offer: MajorId) -> (f64, String) {
    let c = Catalogues::get();
    let (a, b) = (c.major(need), c.major(offer));
    let relation = Relation::of(need, offer);
    let reason = match relation {
        Relation::Same => format!("same major {} {}", a.code, a.name),
        Relation::SameName => format!(
            "same major name {} ({} {} / {} {})",
            a.name, a.level, a.code, b.level, b.code
        ),
        Relation::SameClass => format!("same 专业类 {} ({} / {})", a.class_name, a.name, b.name),
        Relation::SameCategory => format!(
            "same {} {} ({} / {})",
            if family(a.level) {
                "专业大类"
            } else {
                "门类"
            },
            a.category_name,
            a.name,
            b.name
        ),
        Relation::Corresponding => format!(
            "corresponding 专业类 across catalogues: {} {} ({}) / {} {} ({})",
            a.level, a.class_name, a.name, b.level, b.class_name, b.name
        ),
        Relation::Unrelated => format!(
            "unrelated majors {} {} / {} {}",
            a.code, a.name, b.code, b.name
        ),
    };
    (relation.value(d), reason)
}

/// `true` for the vocational family (中职, 高职专科, 高职本科), `false` for 本科 and 研究生.
fn family(level: Level) -> bool {
    matches!(
        level,
        Level::SecondaryVocational | Level::HigherVocational | Level::VocationalBachelor
    )
}

/// A code with the vocational level prefix removed, so 6101 (中职), 4101 (高职专科) and 2101
/// (高职本科) compare equal; academic codes are returned unchanged.
fn class_key(level: Level, code: &str) -> (u8, String) {
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
struct IndustryRow {
    bachelor: Vec<&'static str>,
    vocational: Vec<&'static str>,
    graduate: Vec<&'static str>,
    note: &'static str,
}

const INDUSTRY_DISCIPLINES: &str = include_str!("../../data/industry_disciplines.csv");

/// The relevance table, parsed once: the rows, each division's row (by [`DivisionId`]), and for
/// each row which catalogue majors it draws on (by [`MajorId`]), so a lookup allocates nothing.
struct IndustryTable {
    rows: Vec<IndustryRow>,
    row_of_division: Vec<Option<usize>>,
    serves: Vec<Vec<bool>>,
}

fn industry_table() -> &'static IndustryTable {
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
fn industry_serves(row: &IndustryRow, m: &crate::catalogue::Major) -> bool {
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
fn industry_row(division: Option<DivisionId>) -> Option<usize> {
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
pub fn industry_fit(division: Option<DivisionId>, majors: &[MajorId]) -> (f64, String) {
    let c = Catalogues::get();
    let v = industry_value(division, majors);
    let Some(d) = division.map(|d| c.division(d)) else {
        return (v, "no industry given".into());
    };
    let Some(r) = industry_row(division) else {
        return (v, format!("{} {}: no relevance data", d.code, d.name));
    };
    let t = industry_table();
    let serving: Vec<&str> = majors
        .iter()
        .filter(|m| t.serves[r][m.index()])
        .map(|&m| c.major(m).name)
        .collect();
    let reason = if serving.is_empty() {
        format!(
            "{} {} draws on other fields ({})",
            d.code, d.name, t.rows[r].note
        )
    } else {
        format!("{} {} draws on {}", d.code, d.name, serving.join("、"))
    };
    (v, reason)
}

/// The industry-fit value alone (see [`industry_fit`]); no allocation.
fn industry_value(division: Option<DivisionId>, majors: &[MajorId]) -> f64 {
    match industry_row(division) {
        None => 0.5,
        Some(r) if majors.iter().any(|m| industry_table().serves[r][m.index()]) => 1.0,
        Some(_) => 0.0,
    }
}

/// Capacity fit: how much of a need of `need` units an offer of `offer` units could meet alone,
/// `min(1, offer / need)` (1 for a need of 0 units).
pub fn capacity_fit(need: u32, offer: u32) -> (f64, String) {
    let v = capacity_value(need, offer);
    let reason = if v >= 1.0 {
        format!("offers {offer}, enough for the {need} asked")
    } else {
        format!("offers {offer} of the {need} asked")
    };
    (v, reason)
}

/// The capacity-fit value alone (see [`capacity_fit`]); no allocation.
fn capacity_value(need: u32, offer: u32) -> f64 {
    if need == 0 || offer >= need {
        1.0
    } else {
        f64::from(offer) / f64::from(need)
    }
}

/// The level-fit value alone (see [`level_fit`]).
fn level_value(d: &LevelDiscounts, need: Level, offer: Level) -> f64 {
    match i16::from(offer.chain_rank()) - i16::from(need.chain_rank()) {
        0 => 1.0,
        1 => d.over_qualified,
        -1 => d.under_qualified,
        _ => 0.0,
    }
}

/// Level fit on the talent chain (discounts as configured; the level asked for is 1).
pub fn level_fit(d: &LevelDiscounts, need: Level, offer: Level) -> (f64, String) {
    let reason = match i16::from(offer.chain_rank()) - i16::from(need.chain_rank()) {
        0 => format!("level {offer} as asked"),
        1 => format!("over-qualified: {offer} for a {need} post"),
        -1 => format!("under-qualified: {offer} for a {need} post"),
        _ => format!("{offer} is too far from {need} on the talent chain"),
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
) -> (f64, String) {
    let c = Catalogues::get();
    if a_out || b_out {
        return (
            g.out_of_province,
            "out-of-province member (省外, 柔性加入)".into(),
        );
    }
    match (a, b) {
        (Some(x), Some(y)) if x == y => (g.same_city, format!("same city {}", c.city(x).name)),
        (Some(x), Some(y)) => {
            let km = c.distance_km(x, y);
            (
                (1.0 - km / g.decay_km).max(0.0),
                format!(
                    "{} – {} {:.0} km (decay to 0 at {:.0} km)",
                    c.city(x).name,
                    c.city(y).name,
                    km,
                    g.decay_km
                ),
            )
        }
        _ => (g.unknown_city, "city not given".into()),
    }
}

fn platform_quality(level: PlatformLevel) -> f64 {
    match level {
        PlatformLevel::National => 1.0,
        PlatformLevel::Provincial => 0.75,
        PlatformLevel::Municipal => 0.5,
        PlatformLevel::None => 0.25,
    }
}

/// The four markets duijie allocates in. Each has needs (rows) and offers (columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Market {
    /// Enterprises' talent needs × schools' graduates (persons).
    Talent,
    /// Enterprises' technology needs × schools' and institutes' capabilities (projects; each
    /// need is one project).
    Technology,
    /// Enterprises' training needs × schools' training offers (trainees).
    Training,
    /// Schools' placement needs × enterprises' offers (places).
    Placement,
}

impl Market {
    /// Every market.
    pub const ALL: [Market; 4] = [
        Market::Talent,
        Market::Technology,
        Market::Training,
        Market::Placement,
    ];

    /// The name used in reports and files.
    pub fn name(self) -> &'static str {
        match self {
            Market::Talent => "talent",
            Market::Technology => "technology",
            Market::Training => "training",
            Market::Placement => "placement",
        }
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Market::Talent => "人才",
            Market::Technology => "技术",
            Market::Training => "培训",
            Market::Placement => "实习实践",
        }
    }

    /// How many needs (rows) the market has in a ledger.
    pub fn needs(self, l: &Ledger) -> usize {
        match self {
            Market::Talent => l.talent_needs.len(),
            Market::Technology => l.technology_needs.len(),
            Market::Training => l.training_needs.len(),
            Market::Placement => l.placement_needs.len(),
        }
    }

    /// How many offers (columns) the market has in a ledger.
    pub fn offers(self, l: &Ledger) -> usize {
        match self {
            Market::Talent => l.talent_supply.len(),
            Market::Technology => l.technology_capabilities.len(),
            Market::Training => l.training_offers.len(),
            Market::Placement => l.placement_offers.len(),
        }
    }
}

impl std::fmt::Display for Market {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The facts about one side of a pair that scoring uses, whatever the market.
struct Side<'l> {
    party: &'l crate::model::Party,
    year: u16,
    quantity: u32,
    city: Option<CityId>,
}

/// Major-based record view (talent, training, placement).
struct MajorSide {
    major: MajorId,
    level: Level,
    /// Training or placement kind as a small integer; `None` for talent.
    kind: Option<u8>,
    /// Employment rate (talent supply only).
    quality: Option<f64>,
}

/// The facts of one side of a pair: its party, year, quantity and place (the city defaults to
/// the party's), and, for major-based markets, its major, level, kind and quality.
fn side(l: &Ledger, party: PartyId, year: u16, quantity: u32, city: Option<CityId>) -> Side<'_> {
    let party = l.party(party);
    Side {
        party,
        year,
        quantity,
        city: city.or(party.city),
    }
}

fn major(
    major: MajorId,
    level: Level,
    kind: Option<u8>,
    quality: Option<f64>,
) -> Option<MajorSide> {
    Some(MajorSide {
        major,
        level,
        kind,
        quality,
    })
}

fn need_side(l: &Ledger, m: Market, i: usize) -> (Side<'_>, Option<MajorSide>) {
    match m {
        Market::Talent => {
            let n = &l.talent_needs[i];
            (
                side(l, n.enterprise, n.year, n.headcount, n.city),
                major(n.major, n.level, None, None),
            )
        }
        Market::Technology => {
            let n = &l.technology_needs[i];
            (side(l, n.enterprise, n.year, 1, None), None)
        }
        Market::Training => {
            let n = &l.training_needs[i];
            (
                side(l, n.enterprise, n.year, n.trainees, None),
                major(n.major, n.level, Some(n.kind as u8), None),
            )
        }
        Market::Placement => {
            let n = &l.placement_needs[i];
            (
                side(l, n.school, n.year, n.places, None),
                major(n.major, n.level, Some(n.kind as u8), None),
            )
        }
    }
}

fn offer_side(l: &Ledger, m: Market, j: usize) -> (Side<'_>, Option<MajorSide>) {
    match m {
        Market::Talent => {
            let o = &l.talent_supply[j];
            (
                side(l, o.school, o.year, o.graduates, None),
                major(o.major, o.level, None, o.employment_rate),
            )
        }
        Market::Technology => {
            let o = &l.technology_capabilities[j];
            (side(l, o.provider, o.year, o.capacity, None), None)
        }
        Market::Training => {
            let o = &l.training_offers[j];
            (
                side(l, o.school, o.year, o.capacity, None),
                major(o.major, o.level, Some(o.kind as u8), None),
            )
        }
        Market::Placement => {
            let o = &l.placement_offers[j];
            (
                side(l, o.enterprise, o.year, o.places, None),
                major(o.major, o.level, Some(o.kind as u8), None),
            )
        }
    }
}

/// How a supplier rates a partner party for the offer-side view ([`Scorer::offer_view`]): an
/// enterprise by size (大型 1, 中型 0.75, 小型 0.5, 微型 0.25), a school by level (研究生 1,
/// 本科 0.85, 高职本科 0.8, 高职专科 0.7, 中职 0.55), an institute 0.9, anyone else 0.5.
pub fn partner_standing(p: &crate::model::Party) -> f64 {
    use crate::model::{EnterpriseSize as S, PartyDetail as D};
    match &p.detail {
        D::Enterprise { size, .. } => match size {
            S::Large => 1.0,
            S::Medium => 0.75,
            S::Small => 0.5,
            S::Micro => 0.25,
        },
        D::School { level, .. } => match level {
            Level::Graduate => 1.0,
            Level::Bachelor => 0.85,
            Level::VocationalBachelor => 0.8,
            Level::HigherVocational => 0.7,
            Level::SecondaryVocational => 0.55,
        },
        D::Institute => 0.9,
        D::Authority { .. } => 0.5,
    }
}

/// The quantity (demand) of need `i` of a market.
pub fn need_quantity(l: &Ledger, m: Market, i: usize) -> u32 {
    need_side(l, m, i).0.quantity
}

/// The quantity (capacity) of offer `j` of a market.
pub fn offer_quantity(l: &Ledger, m: Market, j: usize) -> u32 {
    offer_side(l, m, j).0.quantity
}

/// The owner party of need `i`.
pub fn need_owner(l: &Ledger, m: Market, i: usize) -> crate::id::PartyId {
    need_side(l, m, i).0.party.id
}

/// The owner party of offer `j`.
pub fn offer_owner(l: &Ledger, m: Market, j: usize) -> crate::id::PartyId {
    offer_side(l, m, j).0.party.id
}

/// The external id of need `i`.
pub fn need_external_id(l: &Ledger, m: Market, i: usize) -> &str {
    match m {
        Market::Talent => &l.talent_needs[i].external_id,
        Market::Technology => &l.technology_needs[i].external_id,
        Market::Training => &l.training_needs[i].external_id,
        Market::Placement => &l.placement_needs[i].external_id,
    }
}

/// The external id of offer `j`.
pub fn offer_external_id(l: &Ledger, m: Market, j: usize) -> &str {
    match m {
        Market::Talent => &l.talent_supply[j].external_id,
        Market::Technology => &l.technology_capabilities[j].external_id,
        Market::Training => &l.training_offers[j].external_id,
        Market::Placement => &l.placement_offers[j].external_id,
    }
}

/// Scores need `i` against offer `j` of market `m` with the default [`ScoreConfig`]; `None`
/// when the pair is not a candidate. See [`score_pair_with`].
pub fn score_pair(l: &Ledger, m: Market, i: usize, j: usize) -> Option<Score> {
    score_pair_with(&ScoreConfig::default(), l, m, i, j)
}

/// Scores need `i` against offer `j` of market `m` under `cfg` (validated by the caller);
/// `None` when the pair is not a candidate. Builds a [`Scorer`] (which indexes the ledger's
/// texts) for this one pair: to score many pairs, build one [`Scorer`] and reuse it.
pub fn score_pair_with(
    cfg: &ScoreConfig,
    l: &Ledger,
    m: Market,
    i: usize,
    j: usize,
) -> Option<Score> {
    Scorer::new(cfg, l).score(m, i, j)
}

/// Scores pairs of one ledger under one config; holds what is computed once per ledger (the
/// TF-IDF vectors of the technology texts, the geography of every pair of cities, the weights).
///
/// [`Scorer::value`] is the fast path candidate generation uses (no text, no allocation for the
/// major-based markets); [`Scorer::score`] adds the reasons. Both compute the same components
/// in the same order, so `score(..).fixed()` equals `value(..)` exactly.
#[derive(Clone, Debug)]
pub struct Scorer<'a> {
    cfg: &'a ScoreConfig,
    ledger: &'a Ledger,
    text: TextIndex,
    talent_weights: [f64; MajorWeights::NAMES.len()],
    technology_weights: [f64; TechnologyWeights::NAMES.len()],
    /// Geography of two Liaoning cities, `cities × cities`.
    geo: Vec<f64>,
    cities: usize,
    /// Upper bounds of the geography and quality components (for pruning).
    geo_max: f64,
    quality_max: f64,
    /// Lower-cased keywords as ids: each technology need's in order (repeats kept), each
    /// capability's sorted and distinct.
    need_keywords: Vec<Vec<u32>>,
    capability_keywords: Vec<Vec<u32>>,
    /// For each keyword id, the near-identical keyword ids and their similarity.
    near_keywords: Vec<Vec<(u32, f64)>>,
}

/// The component values of one candidate pair, in the order the weight tables declare them
/// ([`MajorWeights::NAMES`], [`TechnologyWeights::NAMES`]).
enum Values {
    /// Major fit, level fit, industry fit, capacity fit, geography, quality.
    Major([f64; MajorWeights::NAMES.len()]),
    /// Discipline fit, keyword fit, text fit, industry fit, geography, quality.
    Technology([f64; TechnologyWeights::NAMES.len()]),
}

/// Position of `name` in `names` (a compile-time lookup; `usize::MAX` when absent, which fails
/// the array index at compile time where it is used in a constant).
const fn position(names: &[&str], name: &str) -> usize {
    let mut k = 0;
    while k < names.len() {
        let (a, b) = (names[k].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut c = 0;
            while c < a.len() && a[c] == b[c] {
                c += 1;
            }
            if c == a.len() {
                return k;
            }
        }
        k += 1;
    }
    usize::MAX
}

/// Where the offer side's view ([`Scorer::offer_view`]) reads its two components: the subject
/// fit (major or discipline) and geography, by name in each market's component table.
const MAJOR_FIT: usize = position(&MajorWeights::NAMES, "major_fit");
const MAJOR_GEOGRAPHY: usize = position(&MajorWeights::NAMES, "geography");
const DISCIPLINE_FIT: usize = position(&TechnologyWeights::NAMES, "discipline_fit");
const TECHNOLOGY_GEOGRAPHY: usize = position(&TechnologyWeights::NAMES, "geography");
const _: () = assert!(
    MAJOR_FIT < MajorWeights::NAMES.len()
        && MAJOR_GEOGRAPHY < MajorWeights::NAMES.len()
        && DISCIPLINE_FIT < TechnologyWeights::NAMES.len()
        && TECHNOLOGY_GEOGRAPHY < TechnologyWeights::NAMES.len()
);

impl Values {
    /// The subject fit and geography components, which the offer side's view reads.
    fn fit_and_geography(&self) -> (f64, f64) {
        match self {
            Values::Major(v) => (v[MAJOR_FIT], v[MAJOR_GEOGRAPHY]),
            Values::Technology(v) => (v[DISCIPLINE_FIT], v[TECHNOLOGY_GEOGRAPHY]),
        }
    }
}

/// The GB/T 4754 division of a party, when it is an enterprise.
fn division_of(p: &crate::model::Party) -> Option<DivisionId> {
    match &p.detail {
        crate::model::PartyDetail::Enterprise { division, .. } => Some(*division),
        _ => None,
    }
}

/// The enterprise side's division and the supplier side's majors of a pair: the offer's major
/// in the talent and training markets, the need's (the school's) in placement.
fn industry_sides<'l>(
    m: Market,
    need: &Side<'l>,
    offer: &Side<'l>,
    need_major: MajorId,
    offer_major: MajorId,
) -> (Option<DivisionId>, MajorId) {
    match m {
        Market::Placement => (division_of(offer.party), need_major),
        _ => (division_of(need.party), offer_major),
    }
}

/// `Σ value · weight` in component order, clamped to `[0, 1]` (as [`Score`] totals). Both
/// arrays have one entry per component of the market's table, checked when compiled.
fn weighted<const N: usize>(values: &[f64; N], weights: &[f64; N]) -> f64 {
    weighted_parts(values, weights)
}

/// One reason per component of a table of `N` (a component without its reason does not
/// compile).
fn reasons<const N: usize>(r: [String; N]) -> [String; N] {
    r
}

/// [`weighted`] over a breakdown's parts, whose number is known only when it runs.
fn weighted_parts(values: &[f64], weights: &[f64]) -> f64 {
    debug_assert_eq!(values.len(), weights.len());
    values
        .iter()
        .zip(weights)
        .map(|(v, w)| v * w)
        .sum::<f64>()
        .clamp(0.0, 1.0)
}

impl<'a> Scorer<'a> {
    /// Prepares scoring of `l` under `cfg` (validated by the caller). O(total text length).
    pub fn new(cfg: &'a ScoreConfig, l: &'a Ledger) -> Scorer<'a> {
        let c = Catalogues::get();
        let cities = c.cities().len();
        let ids: Vec<CityId> = (0..cities)
            .filter_map(|k| CityId::from_index(k).ok())
            .collect();
        let mut geo = Vec::with_capacity(cities * cities);
        for &x in &ids {
            for &y in &ids {
                geo.push(geography(&cfg.geography, Some(x), false, Some(y), false).0);
            }
        }
        let g = &cfg.geography;
        let geo_max = geo
            .iter()
            .copied()
            .fold(g.out_of_province.max(g.unknown_city), f64::max);
        // Rates are validated to [0, 1]; a ledger built by hand may hold anything.
        let quality_max = l
            .talent_supply
            .iter()
            .filter_map(|o| o.employment_rate)
            .fold(1.0, f64::max);
        let mut ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut intern = |k: &String| {
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            *ids.entry(k.to_lowercase()).or_insert(next)
        };
        let need_keywords: Vec<Vec<u32>> = l
            .technology_needs
            .iter()
            .map(|n| n.keywords.iter().map(&mut intern).collect())
            .collect();
        let capability_keywords: Vec<Vec<u32>> = l
            .technology_capabilities
            .iter()
            .map(|o| {
                let mut v: Vec<u32> = o.keywords.iter().map(&mut intern).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let mut words = vec![String::new(); ids.len()];
        for (w, &id) in &ids {
            words[id as usize] = w.clone();
        }
        Scorer {
            near_keywords: near_identical(&words),
            need_keywords,
            capability_keywords,
            cfg,
            ledger: l,
            text: TextIndex::new(l),
            talent_weights: cfg.talent_weights(),
            technology_weights: cfg.technology_weights(),
            geo,
            cities,
            geo_max,
            quality_max,
        }
    }

    /// The config in use.
    pub fn config(&self) -> &ScoreConfig {
        self.cfg
    }

    /// The ledger scored.
    pub fn ledger(&self) -> &'a Ledger {
        self.ledger
    }

    /// The geography value of two sides (as [`geography`], from the table).
    fn geo_value(&self, a: &Side<'_>, b: &Side<'_>) -> f64 {
        let g = &self.cfg.geography;
        if a.party.out_of_province || b.party.out_of_province {
            return g.out_of_province;
        }
        match (a.city, b.city) {
            (Some(x), Some(y)) => self.geo[x.index() * self.cities + y.index()],
            _ => g.unknown_city,
        }
    }

    /// The component values of a pair, or `None` when it is not a candidate (different year or
    /// kind, unrelated majors, levels too far apart, no discipline or keyword in common).
    ///
    /// `dense`: need `i`'s text vector spread by [`TextIndex::spread`], when the caller has it.
    fn values(&self, m: Market, i: usize, j: usize, dense: Option<&[f64]>) -> Option<Values> {
        let (cfg, l) = (self.cfg, self.ledger);
        let (need, need_major) = need_side(l, m, i);
        let (offer, offer_major) = offer_side(l, m, j);
        if need.year != offer.year {
            return None;
        }
        let geo = self.geo_value(&need, &offer);
        match (need_major, offer_major) {
            (Some(n), Some(o)) => {
                if n.kind != o.kind {
                    return None;
                }
                let fit = Relation::of(n.major, o.major).value(&cfg.major);
                let lvl = level_value(&cfg.level, n.level, o.level);
                if fit <= 0.0 || lvl <= 0.0 {
                    return None;
                }
                let q = match m {
                    Market::Talent => o.quality.unwrap_or(0.5),
                    _ => 1.0,
                };
                let (division, supplier) = industry_sides(m, &need, &offer, n.major, o.major);
                let ind = industry_value(division, &[supplier]);
                let cap = capacity_value(need.quantity, offer.quantity);
                Some(Values::Major([fit, lvl, ind, cap, geo, q]))
            }
            _ => {
                let n = &l.technology_needs[i];
                let o = &l.technology_capabilities[j];
                let fit = discipline_value(&n.disciplines, &o.disciplines);
                let kw = self.keyword_value(i, j);
                if fit <= 0.0 && kw <= 0.0 {
                    return None;
                }
                let text = match dense {
                    Some(d) => self.text.fit_dense(d, j),
                    None => self.text.fit(i, j),
                };
                let q = platform_quality(o.platform_level);
                let ind = industry_value(division_of(need.party), &o.disciplines);
                Some(Values::Technology([fit, kw, text, ind, geo, q]))
            }
        }
    }

    /// The keyword-fit value of technology need `i` and capability `j` (as [`keyword_fit`]).
    fn keyword_value(&self, i: usize, j: usize) -> f64 {
        let need = &self.need_keywords[i];
        if need.is_empty() {
            return 0.0;
        }
        let offer = &self.capability_keywords[j];
        let mut sum = 0.0;
        for k in need {
            if offer.binary_search(k).is_ok() {
                sum += 1.0;
                continue;
            }
            let best = self.near_keywords[*k as usize]
                .iter()
                .filter(|(o, _)| offer.binary_search(o).is_ok())
                .fold(0.0, |acc: f64, &(_, s)| if s > acc { s } else { acc });
            if best >= NEAR_IDENTICAL {
                sum += best;
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let v = sum / need.len() as f64;
        v
    }

    /// The fixed-point score of a pair (equal to `score(..).fixed()`), or `None` when it is not
    /// a candidate. The fast path: no reasons are written.
    pub fn value(&self, m: Market, i: usize, j: usize) -> Option<i64> {
        self.value_in(m, i, j, None)
    }

    /// The offer side's satisfaction with a candidate pair, fixed point; `None` when the pair is
    /// not a candidate. Two-sided policies (stable matching, 双边匹配) rank partners on each side
    /// by that side's own criteria: the need side by the [`Scorer::value`] score, the offer side
    /// (the school, institute or, for placements, the enterprise) by
    ///
    /// `0.4 · fit + 0.3 · geography + 0.3 · partner standing`,
    ///
    /// where fit is the major or discipline fit, geography the same component as in the score,
    /// and the partner's standing is [`partner_standing`] of the need's owner (an enterprise's
    /// size, or a school's level).
    pub fn offer_view(&self, m: Market, i: usize, j: usize) -> Option<i64> {
        let (fit, geography) = self.values(m, i, j, None)?.fit_and_geography();
        let (need, _) = need_side(self.ledger, m, i);
        Some(offer_view_of(fit, geography, partner_standing(need.party)))
    }

    /// The need-side score of pair `(i, j)` with the two components the offer side's view
    /// reads (subject fit and geography), from one computation of the components.
    fn value_and_view_parts_in(
        &self,
        m: Market,
        i: usize,
        j: usize,
        dense: Option<&[f64]>,
    ) -> Option<(i64, f64, f64)> {
        let values = self.values(m, i, j, dense)?;
        let (fit, geography) = values.fit_and_geography();
        let total = match &values {
            Values::Major(v) => weighted(v, &self.talent_weights),
            Values::Technology(v) => weighted(v, &self.technology_weights),
        };
        Some((to_fixed(total), fit, geography))
    }

    fn value_in(&self, m: Market, i: usize, j: usize, dense: Option<&[f64]>) -> Option<i64> {
        Some(to_fixed(match self.values(m, i, j, dense)? {
            Values::Major(v) => weighted(&v, &self.talent_weights),
            Values::Technology(v) => weighted(&v, &self.technology_weights),
        }))
    }

    /// The breakdown of a partnership's score, each component with its reason: the same
    /// values the allocation used when this scorer has the outcome's configuration
    /// (`Scorer::new(&outcome.config, &ledger)`). `None` when the pair is not a candidate.
    pub fn explain(&self, pair: &crate::refs::Pair<'_>) -> Option<Score> {
        self.score(
            pair.need.market,
            pair.need.index as usize,
            pair.offer.index as usize,
        )
    }

    /// Scores need `i` against offer `j` of market `m` with every component's reason; `None`
    /// when the pair is not a candidate (as [`Scorer::value`]).
    pub fn score(&self, m: Market, i: usize, j: usize) -> Option<Score> {
        let (cfg, l) = (self.cfg, self.ledger);
        let values = self.values(m, i, j, None)?;
        let (need, need_major) = need_side(l, m, i);
        let (offer, offer_major) = offer_side(l, m, j);
        let geo_reason = geography(
            &cfg.geography,
            need.city,
            need.party.out_of_province,
            offer.city,
            offer.party.out_of_province,
        )
        .1;
        let (names, values, weights, reasons): (&[&'static str], &[f64], &[f64], Vec<String>) =
            match (&values, need_major, offer_major) {
                (Values::Major(v), Some(n), Some(o)) => {
                    let q_reason = match (m, o.quality) {
                        (Market::Talent, Some(r)) => format!("employment rate {:.0}%", r * 100.0),
                        (Market::Talent, None) => "employment rate not given".to_string(),
                        _ => "no quality measure for this market".to_string(),
                    };
                    let (division, supplier) = industry_sides(m, &need, &offer, n.major, o.major);
                    (
                        &MajorWeights::NAMES,
                        v,
                        &self.talent_weights,
                        Vec::from(reasons::<{ MajorWeights::NAMES.len() }>([
                            major_fit(&cfg.major, n.major, o.major).1,
                            level_fit(&cfg.level, n.level, o.level).1,
                            industry_fit(division, &[supplier]).1,
                            capacity_fit(need.quantity, offer.quantity).1,
                            geo_reason,
                            q_reason,
                        ])),
                    )
                }
                (Values::Technology(v), ..) => {
                    let n = &l.technology_needs[i];
                    let o = &l.technology_capabilities[j];
                    let q_reason = match &o.platform {
                        Some(p) => format!("{} platform {p}", o.platform_level.name_zh()),
                        None => "no platform".into(),
                    };
                    (
                        &TechnologyWeights::NAMES,
                        v,
                        &self.technology_weights,
                        Vec::from(reasons::<{ TechnologyWeights::NAMES.len() }>([
                            discipline_fit(&n.disciplines, &o.disciplines).1,
                            keyword_fit(&n.keywords, &o.keywords).1,
                            self.text_reason(i, j),
                            industry_fit(division_of(need.party), &o.disciplines).1,
                            geo_reason,
                            q_reason,
                        ])),
                    )
                }
                _ => return None,
            };
        let components = names
            .iter()
            .zip(values)
            .zip(weights)
            .zip(reasons)
            .map(|(((&name, &value), &weight), reason)| Component {
                name,
                value,
                weight,
                reason,
            })
            .collect();
        Some(Score::from_components(components))
    }

    /// The words technology need `i` and capability `j` share, as a reason.
    fn text_reason(&self, i: usize, j: usize) -> String {
        let l = self.ledger;
        let n = &l.technology_needs[i];
        let o = &l.technology_capabilities[j];
        let need_text = format!("{} {}", n.description, n.keywords.join(" "));
        let cap_text = format!(
            "{} {}",
            o.platform.as_deref().unwrap_or(""),
            o.keywords.join(" ")
        );
        let shared = text::shared_terms(&need_text, &cap_text);
        if shared.is_empty() {
            "no words in common (TF-IDF cosine)".to_string()
        } else {
            format!("words in common: {} (TF-IDF cosine)", shared.join("、"))
        }
    }
}

/// Share of the need's disciplines the capability covers (0.3 credit for the same 门类).
pub fn discipline_fit(need: &[MajorId], offer: &[MajorId]) -> (f64, String) {
    if need.is_empty() {
        return (0.0, "need names no discipline".into());
    }
    let c = Catalogues::get();
    let v = discipline_value(need, offer);
    let hit: Vec<&str> = need
        .iter()
        .filter(|d| offer.contains(d))
        .map(|&d| c.major(d).name)
        .collect();
    let reason = if hit.is_empty() {
        "no discipline in common; related 门类 only".to_string()
    } else {
        format!("disciplines in common: {}", hit.join("、"))
    };
    (v, reason)
}

/// The discipline-fit value alone (see [`discipline_fit`]); no allocation.
fn discipline_value(need: &[MajorId], offer: &[MajorId]) -> f64 {
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
pub fn keyword_fit(need: &[String], offer: &[String]) -> (f64, String) {
    if need.is_empty() {
        return (0.0, "need lists no keyword".into());
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
    let mut parts = Vec::new();
    if !exact.is_empty() {
        parts.push(format!("keywords in common: {}", exact.join("、")));
    }
    if !near.is_empty() {
        parts.push(format!("near-identical: {}", near.join("、")));
    }
    let reason = if parts.is_empty() {
        "no keyword in common".into()
    } else {
        parts.join("; ")
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
fn near_identical(words: &[String]) -> Vec<Vec<(u32, f64)>> {
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

/// Candidate pairs of a market with their fixed-point scores under the default config,
/// `(need, offer, score)` sorted by need then offer. See [`top_candidates`].
pub fn candidates(l: &Ledger, m: Market) -> Vec<(u32, u32, i64)> {
    candidates_with(&ScoreConfig::default(), l, m)
}

/// [`candidates`] under `cfg` (validated by the caller): pairs scoring at or below
/// `cfg.min_score` are left out, and each need keeps its best `cfg.top_k` when set.
pub fn candidates_with(cfg: &ScoreConfig, l: &Ledger, m: Market) -> Vec<(u32, u32, i64)> {
    top_candidates(&Scorer::new(cfg, l), m, cfg.top_k)
}

/// Posting lists of one market's offers: which offers share a major, a major name, a 专业类
/// or a 门类/专业大类 with a need (major-based markets), or a discipline 门类 or a keyword
/// (technology), by year.
struct Postings {
    /// By year, key and the offer's level (its index in [`Level::ALL`]; 0 in technology), so that a
    /// need reads only offers of levels it can take, with the level fit known exactly.
    lists: std::collections::HashMap<(u16, Key, u8), Vec<u32>>,
}

/// The position of a level in [`Level::ALL`], as posting lists are keyed.
fn level_index(l: Level) -> u8 {
    u8::try_from(l.index()).unwrap_or(u8::MAX)
}

/// What a posting list is keyed by.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Major(MajorId),
    Name(u32),
    Class(u32),
    Category(u32),
    /// A row of the vocational ↔ academic correspondence table.
    Bridge(u32),
    /// Technology: a discipline.
    Discipline(MajorId),
    /// Technology: a keyword, as the [`Scorer`]'s id of its lower-cased form.
    Keyword(u32),
}

impl Postings {
    fn new(scorer: &Scorer<'_>, m: Market) -> Postings {
        let l = scorer.ledger;
        let mut lists: std::collections::HashMap<(u16, Key, u8), Vec<u32>> =
            std::collections::HashMap::new();
        for j in 0..m.offers(l) {
            let ju = u32::try_from(j).unwrap_or(u32::MAX);
            let (side, major) = offer_side(l, m, j);
            let level = major.as_ref().map_or(0, |ms| level_index(ms.level));
            for key in offer_keys(scorer, m, j, major.as_ref()) {
                lists.entry((side.year, key, level)).or_default().push(ju);
            }
        }
        Postings { lists }
    }

    fn get(&self, year: u16, key: Key, level: u8) -> &[u32] {
        self.lists
            .get(&(year, key, level))
            .map_or(&[], Vec::as_slice)
    }
}

/// The posting keys of offer `j`.
fn offer_keys(scorer: &Scorer<'_>, m: Market, j: usize, major: Option<&MajorSide>) -> Vec<Key> {
    let keys_of = |id: MajorId| &major_keys()[id.index()];
    match major {
        Some(ms) => {
            let k = keys_of(ms.major);
            let mut keys = vec![
                Key::Major(ms.major),
                Key::Name(k.name),
                Key::Class(k.class),
                Key::Category(k.category),
            ];
            keys.extend(k.bridges.iter().map(|&g| Key::Bridge(g)));
            keys
        }
        None if m == Market::Technology => {
            let cap = &scorer.ledger.technology_capabilities[j];
            let mut keys: Vec<Key> = cap
                .disciplines
                .iter()
                .flat_map(|&d| [Key::Discipline(d), Key::Category(keys_of(d).category)])
                .chain(
                    scorer.capability_keywords[j]
                        .iter()
                        .map(|&t| Key::Keyword(t)),
                )
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        }
        None => Vec::new(),
    }
}

/// The best candidates of each need of market `m`, as `(need, offer, score)` sorted by need then
/// offer: every candidate when `k` is `None`, else each need's best `k` (higher score first,
/// ties to the lower offer index).
///
/// Candidates come from posting lists, so a need meets only offers that can score above zero
/// and the full needs × offers matrix is never built. With a `k`, a need's lists are read in
/// order of the major fit they guarantee (same major, same name, same 专业类, same 门类), and
/// reading stops as soon as the `k`-th best score found beats the best score any offer in the
/// remaining lists could reach (every other component at its maximum). That bound makes the
/// result exact: it equals scoring every pair and keeping the best `k` (a test checks it).
/// Technology needs read the lists of their disciplines first, then those of their keywords
/// (offers first met there share no discipline: discipline fit 0.3 at most), then those of their
/// disciplines' 门类 (discipline fit 0.3 at most and no keyword fit).
///
/// Needs are processed in parallel (rayon); the result does not depend on the number of
/// threads.
///
/// Complexity: O(N + M) index work plus one [`Scorer::value`] per pair read.
pub fn top_candidates(scorer: &Scorer<'_>, m: Market, k: Option<usize>) -> Vec<(u32, u32, i64)> {
    top_candidates_counted(scorer, m, k).0
}

/// [`top_candidates`], with the number of pairs scored to find them (for throughput figures).
pub fn top_candidates_counted(
    scorer: &Scorer<'_>,
    m: Market,
    k: Option<usize>,
) -> (Vec<(u32, u32, i64)>, u64) {
    let (pairs, scored) = candidates_inner(scorer, m, k, false);
    (
        pairs.into_iter().map(|(i, j, w, _)| (i, j, w)).collect(),
        scored,
    )
}

/// [`top_candidates`] with the offer side's own view of each pair ([`Scorer::offer_view`]):
/// `(need, offer, need-side score, offer-side view)`. Both come from one computation of the
/// pair's components, so the two-sided policies' instances score every pair once.
pub fn top_candidates_with_views(
    scorer: &Scorer<'_>,
    m: Market,
    k: Option<usize>,
) -> Vec<(u32, u32, i64, i64)> {
    candidates_inner(scorer, m, k, true).0
}

/// The candidates of every need, with the offer side's view when `with_view` (0 otherwise),
/// and the number of pairs scored.
fn candidates_inner(
    scorer: &Scorer<'_>,
    m: Market,
    k: Option<usize>,
    with_view: bool,
) -> (Vec<(u32, u32, i64, i64)>, u64) {
    use rayon::prelude::*;
    let l = scorer.ledger;
    let postings = Postings::new(scorer, m);
    let floor = to_fixed(scorer.cfg.min_score).max(0);
    let offers = m.offers(l);
    let search = Search {
        k,
        floor,
        with_view,
    };
    let per_need: Vec<NeedCandidates> = (0..m.needs(l))
        .into_par_iter()
        .map_init(
            || Scratch {
                seen: vec![u32::MAX; offers],
                dense: if m == Market::Technology {
                    scorer.text.dense()
                } else {
                    Vec::new()
                },
            },
            |scratch, i| best_for_need(scorer, &postings, m, i, search, scratch),
        )
        .collect();
    let mut out = Vec::with_capacity(per_need.iter().map(|(v, _)| v.len()).sum());
    let mut scored = 0;
    for (i, (found, n)) in per_need.into_iter().enumerate() {
        let iu = u32::try_from(i).unwrap_or(u32::MAX);
        out.extend(found.into_iter().map(|(j, w, v)| (iu, j, w, v)));
        scored += n;
    }
    (out, scored)
}

/// The offer side's view of a pair from its components: fit of the subject (major or
/// discipline), geography, and the standing of the party asking (see [`Scorer::offer_view`]).
fn offer_view_of(subject_fit: f64, geography: f64, standing: f64) -> i64 {
    to_fixed(0.4 * subject_fit + 0.3 * geography + 0.3 * standing)
}

/// One need's candidates `(offer, score, offer-side view)` and the pairs scored to find them.
type NeedCandidates = (Vec<(u32, i64, i64)>, u64);

/// What a candidate search keeps: the best `k` (all when `None`), above `floor`, with the
/// offer side's view when `with_view`.
#[derive(Clone, Copy)]
struct Search {
    k: Option<usize>,
    floor: i64,
    with_view: bool,
}

/// Per-thread working memory of [`top_candidates`].
struct Scratch {
    /// `seen[j] == i`: offer `j` already scored for need `i`.
    seen: Vec<u32>,
    /// The current technology need's text vector, spread over the vocabulary.
    dense: Vec<f64>,
}

/// One need's candidates (see [`top_candidates`]), sorted by offer, and how many pairs were
/// scored.
fn best_for_need(
    scorer: &Scorer<'_>,
    postings: &Postings,
    m: Market,
    i: usize,
    search: Search,
    scratch: &mut Scratch,
) -> NeedCandidates {
    let Search {
        k,
        floor,
        with_view,
    } = search;
    use std::cmp::Reverse;
    let mut scored = 0u64;
    let technology = m == Market::Technology;
    if technology {
        scorer.text.spread(i, &mut scratch.dense, true);
    }
    let l = scorer.ledger;
    let (side, major) = need_side(l, m, i);
    // The asking party's standing: the same for every offer the need meets.
    let standing = if with_view {
        partner_standing(side.party)
    } else {
        0.0
    };
    let stamp = u32::try_from(i).unwrap_or(u32::MAX);
    // The lists to read, each with the best score an offer first met in it could reach.
    let mut tiers: Vec<(i64, Key, u8)> = match &major {
        Some(ms) => {
            let keys = &major_keys()[ms.major.index()];
            let d = &scorer.cfg.major;
            let mut tiers = Vec::new();
            // Per offer level the need can take, with that level's exact fit in the bound.
            for level in Level::ALL {
                let lvl = level_value(&scorer.cfg.level, ms.level, level);
                if lvl <= 0.0 {
                    continue;
                }
                let li = level_index(level);
                let bound = |fit: f64| {
                    // Each component's best value, in component order (a component added to
                    // the table without its bound here does not compile).
                    let best: [f64; MajorWeights::NAMES.len()] =
                        [fit, lvl, 1.0, 1.0, scorer.geo_max, scorer.quality_max];
                    to_fixed(weighted(&best, &scorer.talent_weights))
                };
                tiers.extend([
                    (bound(1.0), Key::Major(ms.major), li),
                    (bound(d.same_name), Key::Name(keys.name), li),
                    (bound(d.same_class), Key::Class(keys.class), li),
                    (bound(d.same_category), Key::Category(keys.category), li),
                ]);
                let corresponding = bound(d.corresponding);
                tiers.extend(
                    keys.bridges
                        .iter()
                        .map(|&g| (corresponding, Key::Bridge(g), li)),
                );
            }
            tiers
        }
        None if m == Market::Technology => {
            // Offers sharing a discipline or a keyword first (any score possible); then offers
            // met only through a discipline's 门类: discipline fit at most 0.3, no keyword.
            let need = &l.technology_needs[i];
            let bound = |disc: f64, kw: f64| {
                let best: [f64; TechnologyWeights::NAMES.len()] =
                    [disc, kw, 1.0, 1.0, scorer.geo_max, 1.0];
                to_fixed(weighted(&best, &scorer.technology_weights))
            };
            // After the discipline lists, an offer first met through a keyword shares no
            // discipline: its discipline fit is 0.3 at most. After the keyword lists (exact and
            // near-identical), an offer shares no keyword either: its keyword fit is 0.
            let (keywords, categories) = (bound(0.3, 1.0), bound(0.3, 0.0));
            // Each keyword's list, and the lists of the keywords near-identical to it.
            let keyword_lists = scorer.need_keywords[i].iter().flat_map(|&t| {
                std::iter::once(t)
                    .chain(scorer.near_keywords[t as usize].iter().map(|&(u, _)| u))
                    .map(|u| (keywords, Key::Keyword(u), 0))
            });
            need.disciplines
                .iter()
                .map(|&d| (i64::MAX, Key::Discipline(d), 0))
                .chain(keyword_lists)
                .chain(need.disciplines.iter().map(|&d| {
                    (
                        categories,
                        Key::Category(major_keys()[d.index()].category),
                        0,
                    )
                }))
                .collect()
        }
        None => Vec::new(),
    };
    tiers.sort_by_key(|t| std::cmp::Reverse(t.0)); // stable: equal bounds keep their order
    // The best found so far; with a k, the worst of them on top.
    let mut heap: std::collections::BinaryHeap<(Reverse<i64>, u32, i64)> =
        std::collections::BinaryHeap::new();
    let mut all: Vec<(u32, i64, i64)> = Vec::new();
    for (bound, key, level) in tiers {
        if let (Some(k), Some((Reverse(worst), _, _))) = (k, heap.peek())
            && heap.len() >= k
            && *worst > bound
        {
            break;
        }
        for &j in postings.get(side.year, key, level) {
            let slot = &mut scratch.seen[j as usize];
            if *slot == stamp {
                continue;
            }
            *slot = stamp;
            scored += 1;
            let dense = technology.then_some(scratch.dense.as_slice());
            let scored_pair = if with_view {
                scorer.value_and_view_parts_in(m, i, j as usize, dense)
            } else {
                scorer
                    .value_in(m, i, j as usize, dense)
                    .map(|w| (w, 0.0, 0.0))
            };
            let Some((w, fit, geo)) = scored_pair else {
                continue;
            };
            if w <= floor {
                continue;
            }
            let v = if with_view {
                offer_view_of(fit, geo, standing)
            } else {
                0
            };
            match k {
                None => all.push((j, w, v)),
                Some(k) => {
                    if heap.len() < k {
                        heap.push((Reverse(w), j, v));
                    } else if let Some(mut worst) = heap.peek_mut()
                        && (Reverse(w), j) < (worst.0, worst.1)
                    {
                        // Better than the worst kept (higher score, or equal and lower index).
                        *worst = (Reverse(w), j, v);
                    }
                }
            }
        }
    }
    if k.is_some() {
        all = heap
            .into_iter()
            .map(|(Reverse(w), j, v)| (j, w, v))
            .collect();
    }
    if technology {
        scorer.text.spread(i, &mut scratch.dense, false);
    }
    all.sort_unstable();
    (all, scored)
}

/// The dense `needs × offers` matrix of fixed-point scores of market `m`, for small instances the
/// dense solvers take directly (`allocate::max_weight_assignment`). A pair that is not a
/// candidate holds 0: a maximum-weight solver never prefers it to a candidate, and a 0 in its
/// answer means "no partner". Refused (`None`) above `max_entries` entries, before allocating:
/// larger markets go through [`top_candidates`] and the sparse solvers.
pub fn score_matrix(
    scorer: &Scorer<'_>,
    m: Market,
    max_entries: usize,
) -> Option<ndarray::Array2<i64>> {
    let (rows, cols) = (m.needs(scorer.ledger), m.offers(scorer.ledger));
    if rows.checked_mul(cols)? > max_entries {
        return None;
    }
    let mut a = ndarray::Array2::<i64>::zeros((rows, cols));
    for (i, j, w) in top_candidates(scorer, m, None) {
        a[[i as usize, j as usize]] = w;
    }
    Some(a)
}

/// Every offer of market `m` that is a candidate for need `i`, best first: `(offer, score)`
/// sorted by fixed-point score descending, then offer index (deterministic). Scores every offer
/// of the market (O(offers)) with its reasons; for all needs at once use [`top_candidates`].
pub fn ranked_offers(scorer: &Scorer<'_>, m: Market, i: usize) -> Vec<(u32, Score)> {
    let floor = to_fixed(scorer.cfg.min_score).max(0);
    let mut out: Vec<(u32, Score)> = (0..m.offers(scorer.ledger))
        .filter_map(|j| {
            let s = scorer.score(m, i, j)?;
            (s.fixed() > floor).then(|| (u32::try_from(j).unwrap_or(u32::MAX), s))
        })
        .collect();
    out.sort_by(|a, b| b.1.fixed().cmp(&a.1.fixed()).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests;
