//! The scorer's weights, discounts and threshold, with documented defaults and validation.
//!
//! A config is usually read from TOML (`duijie match --weights FILE`, `duijie explain
//! --weights FILE`); every field is optional and defaults to the value below. Unknown fields are
//! rejected (with the `serde` feature, by the deserialiser), and [`ScoreConfig::validate`]
//! rejects NaN, infinite or negative values, discounts above 1, a market whose weights are all
//! zero and a non-positive distance decay, naming the field.
//!
//! ```toml
//! min_score = 0.0            # pairs scoring at or below this are not candidates
//! top_k = 50                 # each need's best 50 candidates; "all" keeps every one
//! [talent]                   # talent, training and placement markets
//! major_fit = 0.35
//! level_fit = 0.25
//! industry_fit = 0.10        # GB/T 4754 division of the enterprise against the major
//! capacity_fit = 0.05        # min(1, offer's quantity / need's quantity)
//! geography = 0.15
//! quality = 0.10
//! [technology]
//! discipline_fit = 0.35
//! keyword_fit = 0.15
//! text_fit = 0.20
//! industry_fit = 0.10
//! geography = 0.10
//! quality = 0.10
//! [major]                    # major fit through the catalogue hierarchy (same code is 1.0)
//! same_name = 0.9            # same major name in another catalogue
//! same_class = 0.6           # same 专业类
//! same_category = 0.3        # same 门类 / 专业大类
//! corresponding = 0.5        # vocational 专业类 ↔ its 本科 专业类 / 研究生 discipline
//! [level]                    # level fit on the talent chain (as asked is 1.0)
//! over_qualified = 0.6       # one rung above the level asked
//! under_qualified = 0.4      # one rung below
//! [geography]
//! same_city = 1.0
//! decay_km = 500.0           # two Liaoning cities: max(0, 1 − km / decay_km)
//! out_of_province = 0.3      # a party out of the province (省外, 柔性加入)
//! unknown_city = 0.5         # a need with no city
//! ```
//!
//! Weights are divided by their sum (unless it is already 1), so a score stays in `[0, 1]`.

/// Declares one table of the config: a struct of `f64` fields, each with its documented
/// default, deserialised strictly (unknown fields refused, missing ones defaulted), with its
/// field names (`NAMES`, in order) and values (`values()`, same order). For the two weight
/// tables the fields *are* the score's components: their names label the breakdown and their
/// order is the order the scorer computes them in, so a component is declared here once.
macro_rules! table {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident = $default:expr),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(
            feature = "serde",
            derive(serde::Serialize, serde::Deserialize),
            serde(deny_unknown_fields, default)
        )]
        pub struct $name {
            $($(#[$fdoc])* pub $field: f64,)*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default,)* }
            }
        }

        impl $name {
            /// The fields' names, in declaration order (the TOML keys).
            pub const NAMES: [&'static str; [$(stringify!($field)),*].len()] =
                [$(stringify!($field)),*];

            /// The fields' values, in the order of [`Self::NAMES`].
            pub fn values(&self) -> [f64; Self::NAMES.len()] {
                [$(self.$field),*]
            }
        }
    };
}

table! {
    /// Weights of the components in the talent, training and placement markets.
    MajorWeights {
        /// Major fit through the catalogue hierarchy.
        major_fit = 0.35,
        /// Level fit on the talent chain.
        level_fit = 0.25,
        /// Industry relevance: the enterprise's GB/T 4754 division against the major.
        industry_fit = 0.10,
        /// Capacity fit: how much of the need the offer could meet alone, `min(1, offer / need)`.
        capacity_fit = 0.05,
        /// Geography.
        geography = 0.15,
        /// Quality (employment rate for talent).
        quality = 0.10,
    }
}

table! {
    /// Weights of the components in the technology market.
    TechnologyWeights {
        /// Discipline fit.
        discipline_fit = 0.35,
        /// Keyword fit.
        keyword_fit = 0.15,
        /// Text fit (TF-IDF cosine of the need's description and the capability's platform
        /// and keywords).
        text_fit = 0.20,
        /// Industry relevance: the enterprise's GB/T 4754 division against the disciplines.
        industry_fit = 0.10,
        /// Geography.
        geography = 0.10,
        /// Quality (platform level).
        quality = 0.10,
    }
}

table! {
    /// Major-fit values below an exact match.
    MajorDiscounts {
        /// Same major name in another catalogue.
        same_name = 0.9,
        /// Same 专业类.
        same_class = 0.6,
        /// Same 门类 (本科/研究生) or 专业大类 (职业教育).
        same_category = 0.3,
        /// A vocational 专业类 and the 本科 专业类 or 研究生 discipline it corresponds to
        /// (curated table, `data/major_class_correspondence.csv`).
        corresponding = 0.5,
    }
}

table! {
    /// Level-fit values one rung away from the level asked.
    LevelDiscounts {
        /// One rung above (over-qualified).
        over_qualified = 0.6,
        /// One rung below (under-qualified).
        under_qualified = 0.4,
    }
}

table! {
    /// Geography values.
    GeographyRule {
        /// Same city.
        same_city = 1.0,
        /// Distance at which two Liaoning cities score 0 (linear decay), in km.
        decay_km = 500.0,
        /// Either party out of the province.
        out_of_province = 0.3,
        /// A side with no city.
        unknown_city = 0.5,
    }
}

/// How many candidates each need keeps by default: the best 50. Measured on the generated
/// province ledger (seed 7, 2 cores): all candidates cost 12.5·10⁶ talent pairs and 12.9·10⁶
/// technology pairs and about 30 s; the best 50 cost 1.0·10⁶ and 0.5·10⁶ pairs and under 3 s
/// end to end, and lose 1.2% of the talent market's welfare (0.003% in technology, 1.1% in
/// training, 0.006% in placement); 100 lose 0.28% in talent at about twice the time, 20 lose
/// 4.4%. `top_k = "all"` keeps every candidate.
pub const DEFAULT_TOP_K: usize = 50;

/// Everything the scorer can be told; [`ScoreConfig::default`] is the documented table.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields, default)
)]
pub struct ScoreConfig {
    /// Pairs scoring at or below this (in `[0, 1)`) are not candidates.
    pub min_score: f64,
    /// Keep only the best `top_k` candidates of each need (ties to the lower offer index);
    /// `None` keeps them all (`top_k = "all"` in TOML). Default [`DEFAULT_TOP_K`]. The
    /// candidates are exactly each need's best: see [`crate::score::top_candidates`].
    #[cfg_attr(feature = "serde", serde(with = "top_k_field"))]
    pub top_k: Option<usize>,
    /// Weights in the talent, training and placement markets.
    pub talent: MajorWeights,
    /// Weights in the technology market.
    pub technology: TechnologyWeights,
    /// Major-fit discounts.
    pub major: MajorDiscounts,
    /// Level-fit discounts.
    pub level: LevelDiscounts,
    /// Geography values.
    pub geography: GeographyRule,
}

impl Default for ScoreConfig {
    fn default() -> Self {
        ScoreConfig {
            min_score: 0.0,
            top_k: Some(DEFAULT_TOP_K),
            talent: MajorWeights::default(),
            technology: TechnologyWeights::default(),
            major: MajorDiscounts::default(),
            level: LevelDiscounts::default(),
            geography: GeographyRule::default(),
        }
    }
}

/// `top_k` as a number or `"all"`.
#[cfg(feature = "serde")]
mod top_k_field {
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(k: &Option<usize>, s: S) -> Result<S::Ok, S::Error> {
        match k {
            Some(k) => s.serialize_u64(*k as u64),
            None => s.serialize_str("all"),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(u64),
            Word(String),
        }
        match Raw::deserialize(d)
            .map_err(|_| de::Error::custom("top_k is a whole number of candidates, or \"all\""))?
        {
            Raw::Count(k) => usize::try_from(k)
                .map(Some)
                .map_err(|_| de::Error::custom("top_k is too large")),
            Raw::Word(w) if w == "all" => Ok(None),
            Raw::Word(w) => Err(de::Error::custom(format!(
                "top_k is a whole number of candidates, or \"all\", not {w:?}"
            ))),
        }
    }
}

/// A config value that cannot be used, with the field's dotted path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The field, as written in TOML (`talent.major_fit`).
    pub field: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "scoring config: {}: {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ScoreConfig {
    /// Checks every value, returning the first problem found (fields in the order documented).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the field: not a finite number, negative, a value or discount
    /// above 1 where one is the most, `min_score` not below 1, a non-positive `decay_km`, or a
    /// market whose weights are all zero.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |field: &str, message: String| ConfigError {
            field: field.to_owned(),
            message,
        };
        let finite = |field: &str, x: f64| {
            if x.is_finite() && x >= 0.0 {
                Ok(())
            } else {
                Err(fail(
                    field,
                    format!("{x} is not a finite number ≥ 0 (weights, values and discounts are)"),
                ))
            }
        };
        let unit = |field: &str, x: f64| {
            finite(field, x)?;
            if x <= 1.0 {
                Ok(())
            } else {
                Err(fail(field, format!("{x} is above 1 (a value in [0, 1])")))
            }
        };
        unit("min_score", self.min_score)?;
        if self.top_k == Some(0) {
            return Err(fail(
                "top_k",
                "0 keeps no candidate; give at least 1, or leave it out to keep them all".into(),
            ));
        }
        if self.min_score >= 1.0 {
            return Err(fail(
                "min_score",
                "1 or more leaves no candidate (a threshold in [0, 1))".into(),
            ));
        }
        // Every weight, by the names the tables declare, so a new component is checked too.
        let tables: [(&str, &[&str], &[f64]); 2] = [
            ("talent", &MajorWeights::NAMES, &self.talent.values()),
            (
                "technology",
                &TechnologyWeights::NAMES,
                &self.technology.values(),
            ),
        ];
        for (table, names, weights) in tables {
            for (name, &w) in names.iter().zip(weights) {
                finite(&format!("{table}.{name}"), w)?;
            }
            if weights.iter().all(|&w| w == 0.0) {
                return Err(fail(
                    table,
                    "every weight is zero; give at least one component a positive weight".into(),
                ));
            }
        }
        let units: [(&str, &[&str], &[f64]); 2] = [
            ("major", &MajorDiscounts::NAMES, &self.major.values()),
            ("level", &LevelDiscounts::NAMES, &self.level.values()),
        ];
        for (table, names, values) in units {
            for (name, &v) in names.iter().zip(values) {
                unit(&format!("{table}.{name}"), v)?;
            }
        }
        let g = &self.geography;
        unit("geography.same_city", g.same_city)?;
        unit("geography.out_of_province", g.out_of_province)?;
        unit("geography.unknown_city", g.unknown_city)?;
        finite("geography.decay_km", g.decay_km)?;
        if g.decay_km <= 0.0 {
            return Err(fail(
                "geography.decay_km",
                "must be above 0 km (the distance at which the geography value reaches 0)".into(),
            ));
        }
        Ok(())
    }

    /// The defaults as a TOML file would give them, one table a line (`duijie explain --help`
    /// prints it): generated from the tables, so it cannot drift from them.
    pub fn defaults_toml() -> String {
        fn line(table: &str, names: &[&str], values: &[f64]) -> String {
            let cells: Vec<String> = names
                .iter()
                .zip(values)
                .map(|(n, v)| format!("{n} = {v:?}"))
                .collect();
            format!("[{table}] {}", cells.join(", "))
        }
        let d = ScoreConfig::default();
        [
            format!("min_score = {:?}", d.min_score),
            format!(
                "top_k = {DEFAULT_TOP_K}    (each need's best {DEFAULT_TOP_K} candidates; \"all\" keeps every one)"
            ),
            line("talent", &MajorWeights::NAMES, &d.talent.values()),
            line(
                "technology",
                &TechnologyWeights::NAMES,
                &d.technology.values(),
            ),
            line("major", &MajorDiscounts::NAMES, &d.major.values()),
            line("level", &LevelDiscounts::NAMES, &d.level.values()),
            line("geography", &GeographyRule::NAMES, &d.geography.values()),
        ]
        .join("\n")
    }

    /// The talent-market weights divided by their sum, in component order
    /// ([`MajorWeights::NAMES`]).
    pub(crate) fn talent_weights(&self) -> [f64; MajorWeights::NAMES.len()] {
        normalised(self.talent.values())
    }

    /// The technology-market weights divided by their sum, in component order
    /// ([`TechnologyWeights::NAMES`]).
    pub(crate) fn technology_weights(&self) -> [f64; TechnologyWeights::NAMES.len()] {
        normalised(self.technology.values())
    }
}

/// `w` divided by its sum, unless the sum is already 1 (to 1e-9), so that the documented
/// defaults are used exactly as written. Any finite non-negative weights work, however large
/// or small: they are first divided by the largest (so the sum of six is at most 6 and cannot
/// overflow, as `1e308 + 1e308` would).
fn normalised<const N: usize>(w: [f64; N]) -> [f64; N] {
    let sum: f64 = w.iter().sum();
    if sum.is_finite() && sum > 0.0 && (sum - 1.0).abs() <= 1e-9 {
        return w;
    }
    let largest = w.iter().copied().fold(0.0, f64::max);
    if !(largest > 0.0 && largest.is_finite()) {
        return w;
    }
    let scaled = w.map(|x| x / largest);
    let sum: f64 = scaled.iter().sum();
    scaled.map(|x| x / sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_is_a_number_or_all_and_defaults_to_fifty() {
        let read = |t: &str| toml::from_str::<ScoreConfig>(t);
        assert_eq!(read("").unwrap().top_k, Some(DEFAULT_TOP_K));
        assert_eq!(read("top_k = 7").unwrap().top_k, Some(7));
        assert_eq!(read("top_k = \"all\"").unwrap().top_k, None);
        let e = read("top_k = \"most\"").unwrap_err().to_string();
        assert!(e.contains("\"all\""), "{e}");
        assert!(read("top_k = -3").is_err());
        assert_eq!(
            read("top_k = 0").unwrap().validate().unwrap_err().field,
            "top_k"
        );
    }

    #[test]
    fn the_printed_defaults_read_back_as_the_defaults() {
        let text: String = ScoreConfig::defaults_toml()
            .lines()
            .filter(|l| !l.starts_with("top_k"))
            .map(|l| l.replace("] ", "]\n").replace(", ", "\n") + "\n")
            .collect();
        let back: ScoreConfig = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, ScoreConfig::default());
        // The weight tables' names are the breakdown's component names, in the scorer's order.
        assert_eq!(MajorWeights::NAMES[0], "major_fit");
        assert_eq!(TechnologyWeights::NAMES[2], "text_fit");
    }

    #[test]
    fn defaults_are_valid_and_sum_to_one() {
        let c = ScoreConfig::default();
        c.validate().unwrap();
        assert!((c.talent_weights().iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(c.talent_weights(), [0.35, 0.25, 0.10, 0.05, 0.15, 0.10]);
        assert_eq!(c.technology_weights(), [0.35, 0.15, 0.20, 0.10, 0.10, 0.10]);
    }

    #[test]
    fn invalid_values_name_their_field() {
        type Edit = fn(&mut ScoreConfig);
        let cases: [(Edit, &str, &str); 9] = [
            (|c| c.talent.major_fit = f64::NAN, "talent.major_fit", "NaN"),
            (|c| c.technology.quality = -0.1, "technology.quality", "≥ 0"),
            (
                |c| c.technology.keyword_fit = f64::INFINITY,
                "technology.keyword_fit",
                "finite",
            ),
            (
                |c| {
                    c.talent = MajorWeights {
                        major_fit: 0.0,
                        level_fit: 0.0,
                        industry_fit: 0.0,
                        capacity_fit: 0.0,
                        geography: 0.0,
                        quality: 0.0,
                    }
                },
                "talent",
                "every weight is zero",
            ),
            (|c| c.major.same_class = 1.5, "major.same_class", "above 1"),
            (|c| c.min_score = 1.0, "min_score", "no candidate"),
            (
                |c| c.geography.decay_km = 0.0,
                "geography.decay_km",
                "above 0",
            ),
            (
                |c| c.level.under_qualified = -1.0,
                "level.under_qualified",
                "≥ 0",
            ),
            (
                |c| c.geography.unknown_city = 2.0,
                "geography.unknown_city",
                "above 1",
            ),
        ];
        for (edit, field, says) in cases {
            let mut c = ScoreConfig::default();
            edit(&mut c);
            let e = c.validate().unwrap_err();
            assert_eq!(e.field, field, "{e}");
            assert!(e.to_string().contains(says), "{e}");
        }
    }

    #[test]
    fn huge_and_tiny_weights_normalise_like_ordinary_ones() {
        for scale in [1e308, 1e-300, 1e154] {
            let mut c = ScoreConfig::default();
            c.talent.major_fit = 0.35 * scale;
            c.talent.level_fit = 0.25 * scale;
            c.talent.industry_fit = 0.10 * scale;
            c.talent.capacity_fit = 0.05 * scale;
            c.talent.geography = 0.15 * scale;
            c.talent.quality = 0.10 * scale;
            c.validate().unwrap();
            let w = c.talent_weights();
            assert!(w.iter().all(|x| x.is_finite()), "{scale}: {w:?}");
            let sum: f64 = w.iter().sum();
            assert!((sum - 1.0).abs() < 1e-9, "{scale}: {w:?}");
            if scale > 1e-300 {
                assert!((w[0] - 0.35).abs() < 1e-9, "{scale}: {w:?}");
            }
        }
        let mut c = ScoreConfig::default();
        c.technology.text_fit = f64::MAX;
        let w = c.technology_weights();
        assert!(w[2] > 0.99 && w.iter().sum::<f64>() > 0.999, "{w:?}");
    }

    #[test]
    fn weights_are_normalised() {
        let c = ScoreConfig {
            talent: MajorWeights {
                major_fit: 2.0,
                level_fit: 2.0,
                industry_fit: 0.0,
                capacity_fit: 0.0,
                geography: 0.0,
                quality: 0.0,
            },
            ..ScoreConfig::default()
        };
        assert_eq!(c.talent_weights(), [0.5, 0.5, 0.0, 0.0, 0.0, 0.0]);
    }
}
