//! Programme targets (R6, R10) and progress towards them, for the province and per alliance.

use super::{Alliances, Consortium};
use crate::catalogue::Level;
use crate::model::{Ledger, PlatformLevel, TechnologyNeedKind};
use crate::policy::Allocation;
use crate::score::Market;

/// The programme's targets. The defaults are the policy's figures for 2020 (§一(三)): about
/// 10,000 technology upgrade projects, 500 core and common technologies, 40 provincial
/// collaborative innovation centres, yearly talent of about 10,000 研究生, 120,000 本科,
/// 100,000 高职专科 and 140,000 中职, and 100% coverage of schools and large and medium
/// enterprises.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Targets {
    /// 技术升级改造课题 completed with a partner.
    pub upgrade_projects: u64,
    /// 核心和共性技术 tackled (a partner, or a consortium covering every discipline).
    pub core_technologies: u64,
    /// 省级以上协同创新中心: alliances with a member whose national or provincial platform is in
    /// at least one partnership.
    pub innovation_centres: u64,
    /// Yearly 研究生 placed.
    pub graduate: u64,
    /// Yearly 本科 placed (高职本科 included).
    pub bachelor: u64,
    /// Yearly 高职专科 placed.
    pub higher_vocational: u64,
    /// Yearly 中职 placed.
    pub secondary_vocational: u64,
    /// Share of schools in an alliance.
    pub school_coverage: f64,
    /// Share of large and medium enterprises in an alliance.
    pub enterprise_coverage: f64,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            upgrade_projects: 10_000,
            core_technologies: 500,
            innovation_centres: 40,
            graduate: 10_000,
            bachelor: 120_000,
            higher_vocational: 100_000,
            secondary_vocational: 140_000,
            school_coverage: 1.0,
            enterprise_coverage: 1.0,
        }
    }
}

impl Targets {
    /// Checks the coverage shares lie in [0, 1].
    ///
    /// # Errors
    /// The field at fault and why.
    pub fn validate(&self) -> Result<(), TargetsError> {
        for (field, v) in [
            ("school_coverage", self.school_coverage),
            ("enterprise_coverage", self.enterprise_coverage),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(TargetsError {
                    field: field.to_owned(),
                    message: format!("{field} = {v}: a share must lie in [0, 1]"),
                });
            }
        }
        Ok(())
    }
}

/// A target that cannot be used, naming its field. Correct the targets file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetsError {
    /// The field, as written in TOML (`school_coverage`).
    pub field: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl std::fmt::Display for TargetsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "targets: {}", self.message)
    }
}

impl std::error::Error for TargetsError {}

/// Progress on one indicator.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Progress {
    /// The indicator, in Chinese as the policy names it.
    pub indicator: String,
    /// The target.
    pub target: f64,
    /// What the allocation achieves.
    pub achieved: f64,
    /// achieved ÷ target (1 when the target is 0).
    pub share: f64,
}

impl Progress {
    fn new(indicator: &str, target: f64, achieved: f64) -> Self {
        Progress {
            indicator: indicator.to_owned(),
            target,
            achieved,
            share: if target > 0.0 { achieved / target } else { 1.0 },
        }
    }
}

/// The allocation of market `m` among `allocations`, if present.
fn of(allocations: &[Allocation], m: Market) -> Option<&Allocation> {
    allocations.iter().find(|a| a.market == m)
}

/// Counts the province's progress towards `t` from one allocation per market, the alliances
/// and the consortia (any may be empty).
#[allow(clippy::cast_precision_loss)]
pub fn progress(
    l: &Ledger,
    allocations: &[Allocation],
    alliances: &Alliances,
    consortia: &[Consortium],
    t: &Targets,
) -> Vec<Progress> {
    let mut tech_met = vec![false; l.technology_needs.len()];
    let mut engaged_cap = vec![false; l.technology_capabilities.len()];
    if let Some(a) = of(allocations, Market::Technology) {
        for mt in &a.matches {
            tech_met[mt.need as usize] = true;
            engaged_cap[mt.offer as usize] = true;
        }
    }
    for c in consortia
        .iter()
        .filter(|c| c.uncovered.is_empty() && !c.members.is_empty())
    {
        tech_met[c.need as usize] = true;
        for &j in &c.members {
            engaged_cap[j as usize] = true;
        }
    }
    let count_kind = |k: TechnologyNeedKind| {
        l.technology_needs
            .iter()
            .zip(&tech_met)
            .filter(|(n, m)| n.kind == k && **m)
            .count() as f64
    };
    // A collaborative innovation centre: an alliance with a member whose national or provincial
    // platform is in at least one partnership.
    let mut hub = vec![false; l.parties.len()];
    for (c, e) in l.technology_capabilities.iter().zip(&engaged_cap) {
        if *e
            && matches!(
                c.platform_level,
                PlatformLevel::National | PlatformLevel::Provincial
            )
        {
            hub[c.provider.index()] = true;
        }
    }
    let centres = alliances
        .alliances
        .iter()
        .filter(|a| a.suppliers.iter().any(|p| hub[p.index()]))
        .count() as f64;
    let mut by_level = [0u64; 5];
    if let Some(a) = of(allocations, Market::Talent) {
        for mt in &a.matches {
            let lvl = l.talent_supply[mt.offer as usize].level;
            by_level[lvl.index()] += u64::from(mt.units);
        }
    }
    let lv = |x: Level| by_level[x.index()] as f64;
    vec![
        Progress::new(
            "技术升级改造课题",
            t.upgrade_projects as f64,
            count_kind(TechnologyNeedKind::Upgrade),
        ),
        Progress::new(
            "核心和共性技术",
            t.core_technologies as f64,
            count_kind(TechnologyNeedKind::Core),
        ),
        Progress::new("省级以上协同创新中心", t.innovation_centres as f64, centres),
        Progress::new("研究生", t.graduate as f64, lv(Level::Graduate)),
        Progress::new(
            "本科（含高职本科）",
            t.bachelor as f64,
            lv(Level::Bachelor) + lv(Level::VocationalBachelor),
        ),
        Progress::new(
            "高职专科",
            t.higher_vocational as f64,
            lv(Level::HigherVocational),
        ),
        Progress::new(
            "中职",
            t.secondary_vocational as f64,
            lv(Level::SecondaryVocational),
        ),
        Progress::new(
            "高中等学校覆盖率",
            t.school_coverage,
            alliances.school_coverage(l),
        ),
        Progress::new(
            "大中型企业覆盖率",
            t.enterprise_coverage,
            alliances.enterprise_coverage(l),
        ),
    ]
}

/// One alliance's yearly figures (the data of its yearly report, R10).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AllianceProgress {
    /// The alliance's name.
    pub alliance: String,
    /// Member enterprises.
    pub enterprises: usize,
    /// Member schools and institutes.
    pub suppliers: usize,
    /// Talent places placed with member enterprises.
    pub talent_placed: u64,
    /// Talent places asked for by member enterprises.
    pub talent_demand: u64,
    /// Technology needs of member enterprises with a partner.
    pub technology_met: usize,
    /// Technology needs of member enterprises.
    pub technology_needs: usize,
    /// Partnerships (matches in any market) with both parties members.
    pub internal_partnerships: usize,
}

/// Per-alliance figures from one allocation per market.
pub fn alliance_progress(
    l: &Ledger,
    allocations: &[Allocation],
    alliances: &Alliances,
) -> Vec<AllianceProgress> {
    let mut rows: Vec<AllianceProgress> = alliances
        .alliances
        .iter()
        .map(|a| AllianceProgress {
            alliance: a.name.clone(),
            enterprises: a.enterprises.len(),
            suppliers: a.suppliers.len(),
            talent_placed: 0,
            talent_demand: 0,
            technology_met: 0,
            technology_needs: 0,
            internal_partnerships: 0,
        })
        .collect();
    // The one alliance of an enterprise.
    let home = |p: crate::id::PartyId| alliances.membership[p.index()].first().copied();
    for n in &l.talent_needs {
        if let Some(a) = home(n.enterprise) {
            rows[a as usize].talent_demand += u64::from(n.headcount);
        }
    }
    for n in &l.technology_needs {
        if let Some(a) = home(n.enterprise) {
            rows[a as usize].technology_needs += 1;
        }
    }
    for alloc in allocations {
        let m = alloc.market;
        let mut met = vec![false; m.needs(l)];
        for mt in &alloc.matches {
            let need = crate::score::need_owner(l, m, mt.need as usize);
            let offer = crate::score::offer_owner(l, m, mt.offer as usize);
            let enterprise = if m == Market::Placement { offer } else { need };
            let Some(a) = home(enterprise) else { continue };
            let other = if m == Market::Placement { need } else { offer };
            if alliances.membership[other.index()].contains(&a) {
                rows[a as usize].internal_partnerships += 1;
            }
            match m {
                Market::Talent => rows[a as usize].talent_placed += u64::from(mt.units),
                Market::Technology if !met[mt.need as usize] => {
                    met[mt.need as usize] = true;
                    rows[a as usize].technology_met += 1;
                }
                _ => {}
            }
        }
    }
    rows
}
