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

mod candidates;
mod components;
mod config;
mod market;
mod scorer;
pub mod text;

use candidates::*;
pub use candidates::{
    candidates, candidates_with, ranked_offers, score_matrix, top_candidates,
    top_candidates_counted, top_candidates_with_views,
};
use components::*;
pub use components::{
    NEAR_IDENTICAL, capacity_fit, discipline_fit, geography, industry_fit, keyword_fit, level_fit,
    major_fit,
};
use market::*;
pub use market::{
    Market, find_pair, need_external_id, need_owner, need_quantity, offer_external_id, offer_owner,
    offer_quantity, partner_standing,
};
use scorer::*;
pub use scorer::{Scorer, score_pair, score_pair_with};

use text::TextIndex;

pub use config::{
    ConfigError, DEFAULT_TOP_K, GeographyRule, LevelDiscounts, MajorDiscounts, MajorWeights,
    ScoreConfig, TechnologyWeights,
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
    /// Why, in Chinese as an officer would write it (专业相同：080202 机械设计制造及其自动化).
    pub reason: String,
    /// Why, in English (`--lang en`), Chinese names kept.
    pub reason_en: String,
}

impl Component {
    /// What it adds to the score.
    pub fn contribution(&self) -> f64 {
        self.value * self.weight
    }

    /// The component's name in Chinese (`major_fit` → 专业匹配).
    pub fn name_zh(&self) -> &'static str {
        component_name_zh(self.name)
    }

    /// The reason in `lang`.
    pub fn reason_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.reason,
            Lang::En => &self.reason_en,
        }
    }
}

/// A score component's Chinese name (`major_fit` → 专业匹配); the name itself if unknown.
pub fn component_name_zh(name: &str) -> &'static str {
    match name {
        "major_fit" => "专业匹配",
        "level_fit" => "层次匹配",
        "industry_fit" => "行业关联",
        "capacity_fit" => "数量满足",
        "geography" => "地域",
        "quality" => "质量",
        "discipline_fit" => "学科匹配",
        "keyword_fit" => "关键词匹配",
        "text_fit" => "描述相似",
        _ => "其他",
    }
}

pub use crate::message::Lang;

/// A reason in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
}

/// Both wordings: `专业相同：… (same major …)`.
impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.zh, self.en)
    }
}

impl Reason {
    /// Whether either wording contains `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.zh.contains(text) || self.en.contains(text)
    }

    /// A reason from its Chinese and English wording.
    pub fn new(zh: String, en: String) -> Self {
        Reason { zh, en }
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

    /// The explanation as one sentence, reasons first and the figures beside each: in Chinese
    /// `匹配度 0.978。理由：专业相同：080202 …（专业匹配 1.00×0.35）；层次相符：本科（…）；…。`,
    /// or in English.
    pub fn sentence(&self, lang: Lang) -> String {
        let parts: Vec<String> = self
            .components
            .iter()
            .map(|c| match lang {
                Lang::Zh => format!(
                    "{}（{} {:.2}×{:.2}）",
                    c.reason,
                    c.name_zh(),
                    c.value,
                    c.weight
                ),
                Lang::En => format!(
                    "{} ({} {:.2}×{:.2})",
                    c.reason_en, c.name, c.value, c.weight
                ),
            })
            .collect();
        match lang {
            Lang::Zh => format!("匹配度 {:.3}。理由：{}。", self.total, parts.join("；")),
            Lang::En => format!("Score {:.3}. Why: {}.", self.total, parts.join("; ")),
        }
    }
}

/// The breakdown in English ([`Score::table`] with [`Lang::En`]).
impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.table(Lang::En))
    }
}

impl Score {
    /// The breakdown, one line per component (`value × weight = contribution  reason`), after
    /// a line with the score, in `lang`.
    pub fn table(&self, lang: Lang) -> String {
        use std::fmt::Write as _;
        let mut s = match lang {
            Lang::Zh => format!("匹配度 {:.4}\n", self.total),
            Lang::En => format!("score {:.4}\n", self.total),
        };
        for c in &self.components {
            let name = match lang {
                // A Chinese name is two columns a character wide.
                Lang::Zh => format!(
                    "{}{}",
                    c.name_zh(),
                    " ".repeat(15usize.saturating_sub(2 * c.name_zh().chars().count()))
                ),
                Lang::En => format!("{:<15}", c.name),
            };
            let _ = writeln!(
                s,
                "  {name} {:.4} × {:.2} = {:.4}  {}",
                c.value,
                c.weight,
                c.contribution(),
                c.reason_in(lang)
            );
        }
        s
    }
}

#[cfg(test)]
mod tests;
