//! Scoring: how well one capability serves one need, as a value in `[0, 1]` with its reasons.
//!
//! This is the first, deliberately simple scorer. Each component is a value in `[0, 1]` with a
//! reason a person can read; the score is their weighted sum with weights that sum to 1. The
//! solvers take the score as an exact fixed-point integer ([`to_fixed`]); the breakdown keeps
//! the floats for explanations.
//!
//! | market | components (default weight) |
//! | --- | --- |
//! | talent, training, placement | major fit 0.45, level fit 0.25, geography 0.20, quality 0.10 |
//! | technology | discipline fit 0.50, keyword fit 0.20, geography 0.20, quality 0.10 |
//!
//! - **major fit**: same code in the same catalogue 1.0; same name in another catalogue 0.9;
//!   same 专业类 0.6; same 门类 (本科/研究生) or 专业大类 (职业教育, matched across 中职, 高职专科
//!   and 高职本科 by its position) 0.3; otherwise the pair is not a candidate.
//! - **level fit** on the talent chain: the level asked for 1.0; one rung above (over-qualified)
//!   0.6; one rung below (under-qualified) 0.4; further apart, not a candidate.
//! - **geography**: same city 1.0; two Liaoning cities `max(0, 1 − km / 500)`; a party out of
//!   the province 0.3; a need with no city 0.5.
//! - **quality**: talent, the supplier's employment rate (0.5 when unknown); technology, the
//!   platform level (国家级 1.0, 省级 0.75, 市级 0.5, none 0.25); training and placement 1.0.
//! - **discipline fit**: the share of the need's disciplines the capability has, with 0.3 credit
//!   for a discipline of the same 门类; **keyword fit**: the share of the need's keywords the
//!   capability lists (exact, case-insensitive).
//!
//! Candidates must share a year and, for training and placement, a kind.

mod config;
pub mod text;

use text::TextIndex;

pub use config::{
    ConfigError, GeographyRule, LevelDiscounts, MajorDiscounts, MajorWeights, ScoreConfig,
    TechnologyWeights,
};

use crate::catalogue::{Catalogues, CityId, Level, MajorId};
use crate::id::PartyId;
use crate::model::{Ledger, PlatformLevel};

/// Fixed-point scale of scores handed to solvers: 1.0 is `1_000_000`, so scores are exact to
/// 1e-6.
pub const SCALE: i64 = 1_000_000;

/// Converts a score in `[0, 1]` to fixed point, rounding half away from zero.
pub fn to_fixed(score: f64) -> i64 {
    // The score is finite and within [0, 1] by construction, so the product fits in i64.
    #[allow(clippy::cast_possible_truncation)]
    let v = (score.clamp(0.0, 1.0) * SCALE as f64).round() as i64;
    v
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
        let total = components
            .iter()
            .map(Component::contribution)
            .sum::<f64>()
            .clamp(0.0, 1.0);
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

/// How a major of a need relates to a major of a supplier, and the fit value (discounts as
/// configured; an exact match is 1).
pub fn major_fit(d: &MajorDiscounts, need: MajorId, offer: MajorId) -> (f64, String) {
    let c = Catalogues::get();
    let (a, b) = (c.major(need), c.major(offer));
    if need == offer {
        return (1.0, format!("same major {} {}", a.code, a.name));
    }
    if a.name == b.name {
        return (
            d.same_name,
            format!(
                "same major name {} ({} {} / {} {})",
                a.name, a.level, a.code, b.level, b.code
            ),
        );
    }
    let (fa, fb) = (family(a.level), family(b.level));
    if fa == fb {
        if class_key(a.level, a.class_code) == class_key(b.level, b.class_code) {
            return (
                d.same_class,
                format!("same 专业类 {} ({} / {})", a.class_name, a.name, b.name),
            );
        }
        if class_key(a.level, a.category_code) == class_key(b.level, b.category_code) {
            return (
                d.same_category,
                format!(
                    "same {} {} ({} / {})",
                    if fa { "专业大类" } else { "门类" },
                    a.category_name,
                    a.name,
                    b.name
                ),
            );
        }
    }
    (
        0.0,
        format!(
            "unrelated majors {} {} / {} {}",
            a.code, a.name, b.code, b.name
        ),
    )
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

/// Level fit on the talent chain (discounts as configured; the level asked for is 1).
pub fn level_fit(d: &LevelDiscounts, need: Level, offer: Level) -> (f64, String) {
    let (n, o) = (i16::from(need.chain_rank()), i16::from(offer.chain_rank()));
    match o - n {
        0 => (1.0, format!("level {offer} as asked")),
        1 => (
            d.over_qualified,
            format!("over-qualified: {offer} for a {need} post"),
        ),
        -1 => (
            d.under_qualified,
            format!("under-qualified: {offer} for a {need} post"),
        ),
        _ => (
            0.0,
            format!("{offer} is too far from {need} on the talent chain"),
        ),
    }
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
/// TF-IDF vectors of the technology texts).
#[derive(Clone, Debug)]
pub struct Scorer<'a> {
    cfg: &'a ScoreConfig,
    ledger: &'a Ledger,
    text: TextIndex,
}

impl<'a> Scorer<'a> {
    /// Prepares scoring of `l` under `cfg` (validated by the caller). O(total text length).
    pub fn new(cfg: &'a ScoreConfig, l: &'a Ledger) -> Scorer<'a> {
        Scorer {
            cfg,
            ledger: l,
            text: TextIndex::new(l),
        }
    }

    /// The config in use.
    pub fn config(&self) -> &ScoreConfig {
        self.cfg
    }

    /// Scores need `i` against offer `j` of market `m`; `None` when the pair is not a
    /// candidate (different year or kind, unrelated majors or disciplines and no keyword in
    /// common, levels too far apart).
    pub fn score(&self, m: Market, i: usize, j: usize) -> Option<Score> {
        let (cfg, l) = (self.cfg, self.ledger);
        let (need, need_major) = need_side(l, m, i);
        let (offer, offer_major) = offer_side(l, m, j);
        if need.year != offer.year {
            return None;
        }
        let geo = geography(
            &cfg.geography,
            need.city,
            need.party.out_of_province,
            offer.city,
            offer.party.out_of_province,
        );
        let (names, values, weights): (&[&'static str], Vec<(f64, String)>, Vec<f64>) =
            match (need_major, offer_major) {
                (Some(n), Some(o)) => {
                    if n.kind != o.kind {
                        return None;
                    }
                    let fit = major_fit(&cfg.major, n.major, o.major);
                    let lvl = level_fit(&cfg.level, n.level, o.level);
                    if fit.0 <= 0.0 || lvl.0 <= 0.0 {
                        return None;
                    }
                    let q = match (m, o.quality) {
                        (Market::Talent, Some(r)) => {
                            (r, format!("employment rate {:.0}%", r * 100.0))
                        }
                        (Market::Talent, None) => (0.5, "employment rate not given".to_string()),
                        _ => (1.0, "no quality measure for this market".to_string()),
                    };
                    (
                        &["major_fit", "level_fit", "geography", "quality"],
                        vec![fit, lvl, geo, q],
                        cfg.talent_weights().to_vec(),
                    )
                }
                _ => {
                    let n = &l.technology_needs[i];
                    let o = &l.technology_capabilities[j];
                    let fit = discipline_fit(&n.disciplines, &o.disciplines);
                    let kw = keyword_fit(&n.keywords, &o.keywords);
                    if fit.0 <= 0.0 && kw.0 <= 0.0 {
                        return None;
                    }
                    let text = self.text_fit(i, j);
                    let q_reason = match &o.platform {
                        Some(p) => format!("{} platform {p}", o.platform_level.name_zh()),
                        None => "no platform".into(),
                    };
                    let q = (platform_quality(o.platform_level), q_reason);
                    (
                        &[
                            "discipline_fit",
                            "keyword_fit",
                            "text_fit",
                            "geography",
                            "quality",
                        ],
                        vec![fit, kw, text, geo, q],
                        cfg.technology_weights().to_vec(),
                    )
                }
            };
        let components = names
            .iter()
            .zip(values)
            .zip(weights)
            .map(|((&name, (value, reason)), weight)| Component {
                name,
                value,
                weight,
                reason,
            })
            .collect();
        Some(Score::from_components(components))
    }

    /// Text fit of technology need `i` and capability `j`, with the words they share.
    fn text_fit(&self, i: usize, j: usize) -> (f64, String) {
        let l = self.ledger;
        let v = self.text.fit(i, j);
        let n = &l.technology_needs[i];
        let o = &l.technology_capabilities[j];
        let need_text = format!("{} {}", n.description, n.keywords.join(" "));
        let cap_text = format!(
            "{} {}",
            o.platform.as_deref().unwrap_or(""),
            o.keywords.join(" ")
        );
        let shared = text::shared_terms(&need_text, &cap_text);
        let reason = if shared.is_empty() {
            "no words in common (TF-IDF cosine)".to_string()
        } else {
            format!("words in common: {} (TF-IDF cosine)", shared.join("、"))
        };
        (v, reason)
    }
}

/// Share of the need's disciplines the capability covers (0.3 credit for the same 门类).
pub fn discipline_fit(need: &[MajorId], offer: &[MajorId]) -> (f64, String) {
    if need.is_empty() {
        return (0.0, "need names no discipline".into());
    }
    let c = Catalogues::get();
    let mut sum = 0.0;
    let mut hit = Vec::new();
    for &d in need {
        if offer.contains(&d) {
            sum += 1.0;
            hit.push(c.major(d).name);
        } else if offer
            .iter()
            .any(|&o| c.major(o).category_code == c.major(d).category_code)
        {
            sum += 0.3;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let v = sum / need.len() as f64;
    let reason = if hit.is_empty() {
        "no discipline in common; related 门类 only".to_string()
    } else {
        format!("disciplines in common: {}", hit.join("、"))
    };
    (v, reason)
}

/// Share of the need's keywords the capability lists (exact, case-insensitive).
pub fn keyword_fit(need: &[String], offer: &[String]) -> (f64, String) {
    if need.is_empty() {
        return (0.0, "need lists no keyword".into());
    }
    let offer: Vec<String> = offer.iter().map(|k| k.to_lowercase()).collect();
    let hit: Vec<&str> = need
        .iter()
        .filter(|k| offer.contains(&k.to_lowercase()))
        .map(String::as_str)
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let v = hit.len() as f64 / need.len() as f64;
    let reason = if hit.is_empty() {
        "no keyword in common".into()
    } else {
        format!("keywords in common: {}", hit.join("、"))
    };
    (v, reason)
}

/// Candidate pairs of a market with their fixed-point scores, `(need, offer, score)` sorted by
/// need then offer.
///
/// Candidates come from an inverted index (offers by year and major category, or by year and
/// discipline 门类), so a need meets only offers that can score above zero; the full needs ×
/// offers matrix is never built.
///
/// Complexity: O(N + M + P) index work plus one scoring per examined pair, where P is the
/// number of pairs sharing a year and category.
pub fn candidates(l: &Ledger, m: Market) -> Vec<(u32, u32, i64)> {
    candidates_with(&ScoreConfig::default(), l, m)
}

/// [`candidates`] under `cfg` (validated by the caller): pairs scoring at or below
/// `cfg.min_score` are left out.
pub fn candidates_with(cfg: &ScoreConfig, l: &Ledger, m: Market) -> Vec<(u32, u32, i64)> {
    let floor = to_fixed(cfg.min_score);
    let scorer = Scorer::new(cfg, l);
    use std::collections::HashMap;
    let c = Catalogues::get();
    let key = |side: &Option<MajorSide>, year: u16| -> (u16, String) {
        match side {
            Some(s) => {
                let mj = c.major(s.major);
                let k = if family(s.level) {
                    class_key(s.level, mj.category_code).1
                } else {
                    mj.category_code.to_owned()
                };
                (year, format!("{}{}", u8::from(family(s.level)), k))
            }
            None => (year, String::new()),
        }
    };
    let mut index: HashMap<(u16, String), Vec<u32>> = HashMap::new();
    let mut by_name: HashMap<(u16, &str), Vec<u32>> = HashMap::new();
    for j in 0..m.offers(l) {
        let (side, major) = offer_side(l, m, j);
        let ju = u32::try_from(j).unwrap_or(u32::MAX);
        if m == Market::Technology {
            let cap = &l.technology_capabilities[j];
            let mut cats: Vec<&str> = cap
                .disciplines
                .iter()
                .map(|&d| c.major(d).category_code)
                .collect();
            cats.extend(cap.keywords.iter().map(|k| k.as_str()));
            cats.sort_unstable();
            cats.dedup();
            for cat in cats {
                index
                    .entry((side.year, cat.to_lowercase()))
                    .or_default()
                    .push(ju);
            }
        } else {
            index.entry(key(&major, side.year)).or_default().push(ju);
            if let Some(ms) = &major {
                by_name
                    .entry((side.year, c.major(ms.major).name))
                    .or_default()
                    .push(ju);
            }
        }
    }
    let mut out = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    for i in 0..m.needs(l) {
        let (side, major) = need_side(l, m, i);
        seen.clear();
        if m == Market::Technology {
            let need = &l.technology_needs[i];
            let mut keys: Vec<String> = need
                .disciplines
                .iter()
                .map(|&d| c.major(d).category_code.to_owned())
                .collect();
            keys.extend(need.keywords.iter().map(|k| k.to_lowercase()));
            for k in keys {
                if let Some(v) = index.get(&(side.year, k)) {
                    seen.extend_from_slice(v);
                }
            }
        } else {
            if let Some(v) = index.get(&key(&major, side.year)) {
                seen.extend_from_slice(v);
            }
            // Same-named majors in another catalogue family are candidates too.
            if let Some(ms) = &major
                && let Some(v) = by_name.get(&(side.year, c.major(ms.major).name))
            {
                seen.extend_from_slice(v);
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let iu = u32::try_from(i).unwrap_or(u32::MAX);
        for &j in &seen {
            if let Some(s) = scorer.score(m, i, j as usize) {
                let w = s.fixed();
                if w > floor.max(0) {
                    out.push((iu, j, w));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;

/// Every offer of market `m` that is a candidate for need `i`, best first: `(offer, score)`
/// sorted by fixed-point score descending, then offer index (deterministic). Scores every offer
/// of the market (O(offers)); for all needs at once use [`candidates`].
pub fn ranked_offers(cfg: &ScoreConfig, l: &Ledger, m: Market, i: usize) -> Vec<(u32, Score)> {
    let floor = to_fixed(cfg.min_score).max(0);
    let scorer = Scorer::new(cfg, l);
    let mut out: Vec<(u32, Score)> = (0..m.offers(l))
        .filter_map(|j| {
            let s = scorer.score(m, i, j)?;
            (s.fixed() > floor).then(|| (u32::try_from(j).unwrap_or(u32::MAX), s))
        })
        .collect();
    out.sort_by(|a, b| b.1.fixed().cmp(&a.1.fixed()).then(a.0.cmp(&b.0)));
    out
}
