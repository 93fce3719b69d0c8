//! [`Scorer`]: one ledger and configuration prepared once; each pair's component values computed
//! once and weighted, with or without reasons.

use super::*;
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
    pub(super) cfg: &'a ScoreConfig,
    pub(super) ledger: &'a Ledger,
    pub(super) text: TextIndex,
    pub(super) talent_weights: [f64; MajorWeights::NAMES.len()],
    pub(super) technology_weights: [f64; TechnologyWeights::NAMES.len()],
    /// Geography of two Liaoning cities, `cities × cities`.
    pub(super) geo: Vec<f64>,
    pub(super) cities: usize,
    /// Upper bounds of the geography and quality components (for pruning).
    pub(super) geo_max: f64,
    pub(super) quality_max: f64,
    /// Lower-cased keywords as ids: each technology need's in order (repeats kept), each
    /// capability's sorted and distinct.
    pub(super) need_keywords: Vec<Vec<u32>>,
    pub(super) capability_keywords: Vec<Vec<u32>>,
    /// For each keyword id, the near-identical keyword ids and their similarity.
    pub(super) near_keywords: Vec<Vec<(u32, f64)>>,
}

/// The component values of one candidate pair, in the order the weight tables declare them
/// ([`MajorWeights::NAMES`], [`TechnologyWeights::NAMES`]).
pub(super) enum Values {
    /// Major fit, level fit, industry fit, capacity fit, geography, quality.
    Major([f64; MajorWeights::NAMES.len()]),
    /// Discipline fit, keyword fit, text fit, industry fit, geography, quality.
    Technology([f64; TechnologyWeights::NAMES.len()]),
}

/// Position of `name` in `names` (a compile-time lookup; `usize::MAX` when absent, which fails
/// the array index at compile time where it is used in a constant).
pub(super) const fn position(names: &[&str], name: &str) -> usize {
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
pub(super) const MAJOR_FIT: usize = position(&MajorWeights::NAMES, "major_fit");
pub(super) const MAJOR_GEOGRAPHY: usize = position(&MajorWeights::NAMES, "geography");
pub(super) const DISCIPLINE_FIT: usize = position(&TechnologyWeights::NAMES, "discipline_fit");
pub(super) const TECHNOLOGY_GEOGRAPHY: usize = position(&TechnologyWeights::NAMES, "geography");
const _: () = assert!(
    MAJOR_FIT < MajorWeights::NAMES.len()
        && MAJOR_GEOGRAPHY < MajorWeights::NAMES.len()
        && DISCIPLINE_FIT < TechnologyWeights::NAMES.len()
        && TECHNOLOGY_GEOGRAPHY < TechnologyWeights::NAMES.len()
);

impl Values {
    /// The subject fit and geography components, which the offer side's view reads.
    pub(super) fn fit_and_geography(&self) -> (f64, f64) {
        match self {
            Values::Major(v) => (v[MAJOR_FIT], v[MAJOR_GEOGRAPHY]),
            Values::Technology(v) => (v[DISCIPLINE_FIT], v[TECHNOLOGY_GEOGRAPHY]),
        }
    }
}

/// The GB/T 4754 division of a party, when it is an enterprise.
pub(super) fn division_of(p: &crate::model::Party) -> Option<DivisionId> {
    match &p.detail {
        crate::model::PartyDetail::Enterprise { division, .. } => Some(*division),
        _ => None,
    }
}

/// The enterprise side's division and the supplier side's majors of a pair: the offer's major
/// in the talent and training markets, the need's (the school's) in placement.
pub(super) fn industry_sides<'l>(
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
pub(super) fn weighted<const N: usize>(values: &[f64; N], weights: &[f64; N]) -> f64 {
    weighted_parts(values, weights)
}

/// One reason per component of a table of `N` (a component without its reason does not
/// compile).
pub(super) fn reasons<const N: usize>(r: [Reason; N]) -> [Reason; N] {
    r
}

/// [`weighted`] over a breakdown's parts, whose number is known only when it runs.
pub(super) fn weighted_parts(values: &[f64], weights: &[f64]) -> f64 {
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
    pub(super) fn geo_value(&self, a: &Side<'_>, b: &Side<'_>) -> f64 {
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
    pub(super) fn values(
        &self,
        m: Market,
        i: usize,
        j: usize,
        dense: Option<&[f64]>,
    ) -> Option<Values> {
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
    pub(super) fn keyword_value(&self, i: usize, j: usize) -> f64 {
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

    /// The offer side's view of a pair ([`Scorer::offer_view`]) as one sentence with its parts
    /// and their reasons: `本方评价 0.879。理由：专业相同：…（专业匹配 1.00×0.4）；…；对方为大型企业（对方地位 1.00×0.3）。`
    pub fn offer_view_sentence(&self, m: Market, i: usize, j: usize, lang: Lang) -> Option<String> {
        let view = self.offer_view(m, i, j)?;
        let s = self.score(m, i, j)?;
        let fit = s.components.first()?;
        let geo = s.components.iter().find(|c| c.name == "geography")?;
        let (need, _) = need_side(self.ledger, m, i);
        let p = need.party;
        let standing = partner_standing(p);
        let who_zh = match &p.detail {
            crate::model::PartyDetail::Enterprise { size, .. } => format!("{}企业", size.name_zh()),
            crate::model::PartyDetail::School { level, .. } => format!("{}学校", level.name_zh()),
            _ => p.kind().name_zh().to_owned(),
        };
        #[allow(clippy::cast_precision_loss)]
        let total = view as f64 / SCALE as f64;
        Some(match lang {
            Lang::Zh => format!(
                "本方评价 {total:.3}。理由：{}（{} {:.2}×0.4）；{}（地域 {:.2}×0.3）；对方为{who_zh}（对方地位 {standing:.2}×0.3）。",
                fit.reason,
                fit.name_zh(),
                fit.value,
                geo.reason,
                geo.value
            ),
            Lang::En => format!(
                "Own view {total:.3}. Why: {} ({} {:.2}×0.4); {} (geography {:.2}×0.3); the partner is a {who_zh} (standing {standing:.2}×0.3).",
                fit.reason_en, fit.name, fit.value, geo.reason_en, geo.value
            ),
        })
    }

    /// The need-side score of pair `(i, j)` with the two components the offer side's view
    /// reads (subject fit and geography), from one computation of the components.
    pub(super) fn value_and_view_parts_in(
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

    pub(super) fn value_in(
        &self,
        m: Market,
        i: usize,
        j: usize,
        dense: Option<&[f64]>,
    ) -> Option<i64> {
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
        let (names, values, weights, reasons): (&[&'static str], &[f64], &[f64], Vec<Reason>) =
            match (&values, need_major, offer_major) {
                (Values::Major(v), Some(n), Some(o)) => {
                    let q_reason = match (m, o.quality) {
                        (Market::Talent, Some(r)) => Reason::new(
                            format!("就业率 {:.0}%", r * 100.0),
                            format!("employment rate {:.0}%", r * 100.0),
                        ),
                        (Market::Talent, None) => {
                            Reason::new("未填就业率".into(), "employment rate not given".into())
                        }
                        _ => Reason::new(
                            "此市场无质量指标".into(),
                            "no quality measure for this market".into(),
                        ),
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
                        Some(p) => Reason::new(
                            format!("{}平台：{p}", o.platform_level.name_zh()),
                            format!("{} platform {p}", o.platform_level.name_zh()),
                        ),
                        None => Reason::new("无平台".into(), "no platform".into()),
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
                reason: reason.zh,
                reason_en: reason.en,
            })
            .collect();
        Some(Score::from_components(components))
    }

    /// The words technology need `i` and capability `j` share, as a reason.
    pub(super) fn text_reason(&self, i: usize, j: usize) -> Reason {
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
            Reason::new(
                "描述中无共同词（TF-IDF 余弦）".into(),
                "no words in common (TF-IDF cosine)".into(),
            )
        } else {
            Reason::new(
                format!("描述共同词：{}（TF-IDF 余弦）", shared.join("、")),
                format!("words in common: {} (TF-IDF cosine)", shared.join("、")),
            )
        }
    }
}
