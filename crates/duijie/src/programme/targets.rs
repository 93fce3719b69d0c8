//! Programme targets (R6, R10) and progress towards them, for the province and per alliance.

use super::{Alliances, Consortium, GapRow, Signal};
use crate::catalogue::Level;
use crate::id::PartyId;
use crate::model::{Ledger, PartyDetail, PlatformLevel, TechnologyNeedKind};
use crate::policy::Allocation;
use crate::score::Market;

/// The programme's targets: every figure of the policy's goals for 2020 (§一(三)) and of the
/// major adjustment it asks for (§三(一)1). The defaults are the policy's numbers:
///
/// - alliances in 30+ development domains of the three industries (30余个发展领域);
/// - 100% of schools and of large and medium enterprises in an alliance;
/// - about 40 provincial collaborative innovation centres, 10,000 technology upgrade projects
///   and 500 core and common technologies;
/// - yearly talent of about 10,000 研究生, 120,000 本科, 100,000 高职专科 and 140,000 中职;
/// - about 10 provincial 本科 and 20 高职专科 school–enterprise secondary colleges
///   (校企合作二级学院), 10 transformation demonstration schools (转型发展示范校) and 5
///   high-level applied universities (高水平应用技术型大学), about 50 provincial first-class
///   disciplines (省级一流特色学科);
/// - 79 本科 major programmes (专业点) of 39 majors and 84 高职专科 programmes of 20 majors
///   stopped or cancelled; 18 本科 and 19 高职专科 majors added (among them 智能制造工程 and
///   机器人工程).
///
/// The talent figures are yearly; the others are for the whole period. [`progress`] says for
/// each how the ledger measures it, or that it cannot.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Targets {
    /// 发展领域: development domains with an alliance that has a school or institute.
    pub development_domains: u64,
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
    /// 省级本科校企合作二级学院 (not in a ledger).
    pub bachelor_colleges: u64,
    /// 高职专科校企合作二级学院 (not in a ledger).
    pub vocational_colleges: u64,
    /// 转型发展示范校 (not in a ledger).
    pub demonstration_schools: u64,
    /// 高水平应用技术型大学 (not in a ledger).
    pub applied_universities: u64,
    /// 省级一流特色学科 (not in a ledger).
    pub first_class_disciplines: u64,
    /// 本科专业点 to stop or cancel: the schools supplying a 本科 major the gap rule flags
    /// 停招或撤销.
    pub stop_bachelor_programmes: u64,
    /// 本科 majors to stop or cancel: 本科 majors flagged 停招或撤销.
    pub stop_bachelor_majors: u64,
    /// 高职专科专业点 to stop or cancel.
    pub stop_vocational_programmes: u64,
    /// 高职专科 majors to stop or cancel.
    pub stop_vocational_majors: u64,
    /// 本科 majors to add: 本科 majors flagged 新增专业.
    pub add_bachelor_majors: u64,
    /// 高职专科 majors to add.
    pub add_vocational_majors: u64,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            development_domains: 30,
            upgrade_projects: 10_000,
            core_technologies: 500,
            innovation_centres: 40,
            graduate: 10_000,
            bachelor: 120_000,
            higher_vocational: 100_000,
            secondary_vocational: 140_000,
            school_coverage: 1.0,
            enterprise_coverage: 1.0,
            bachelor_colleges: 10,
            vocational_colleges: 20,
            demonstration_schools: 10,
            applied_universities: 5,
            first_class_disciplines: 50,
            stop_bachelor_programmes: 79,
            stop_bachelor_majors: 39,
            stop_vocational_programmes: 84,
            stop_vocational_majors: 20,
            add_bachelor_majors: 18,
            add_vocational_majors: 19,
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
    /// The [`Targets`] field it measures (`bachelor`, `stop_bachelor_programmes`, …).
    pub key: String,
    /// The indicator, in Chinese as the policy names it.
    pub indicator: String,
    /// The year of a yearly indicator (one row per year of the ledger); `None` for a target
    /// of the whole period or a share.
    pub year: Option<u16>,
    /// The target.
    pub target: f64,
    /// What the allocation achieves; `None` when the ledger cannot measure it (then `measure`
    /// says why), never a 0 that only means "not recorded".
    pub achieved: Option<f64>,
    /// achieved ÷ target; `None` when not measurable or when the target is 0 (an alliance with
    /// no needs of that kind has no share of it).
    pub share: Option<f64>,
    /// How `achieved` is counted from the ledger, or why it cannot be (in Chinese).
    pub measure: String,
}

impl Progress {
    fn new(key: &str, indicator: &str, target: f64, achieved: f64, measure: &str) -> Self {
        Progress {
            key: key.to_owned(),
            indicator: indicator.to_owned(),
            year: None,
            target,
            achieved: Some(achieved),
            share: (target > 0.0).then(|| achieved / target),
            measure: measure.to_owned(),
        }
    }

    fn in_year(mut self, year: u16) -> Self {
        self.year = Some(year);
        self
    }

    fn not_measurable(key: &str, indicator: &str, target: f64, why: &str) -> Self {
        Progress {
            key: key.to_owned(),
            indicator: indicator.to_owned(),
            year: None,
            target,
            achieved: None,
            share: None,
            measure: format!("无法从台账计量：{why}"),
        }
    }
}

/// The allocation of market `m` among `allocations`, if present.
fn of(allocations: &[Allocation], m: Market) -> Option<&Allocation> {
    allocations.iter().find(|a| a.market == m)
}

/// Which technology needs are tackled (a partner in the technology market, or a consortium
/// covering every discipline), and which capabilities are engaged doing so.
fn technology_met(
    l: &Ledger,
    allocations: &[Allocation],
    consortia: &[Consortium],
) -> (Vec<bool>, Vec<bool>) {
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
    (tech_met, engaged_cap)
}

/// The yearly talent indicators: the [`Targets`] field, the indicator, the levels it counts
/// and its target.
fn talent_indicators(t: &Targets) -> [(&'static str, &'static str, &'static [Level], u64); 4] {
    [
        ("graduate", "研究生", &[Level::Graduate], t.graduate),
        (
            "bachelor",
            "本科（含高职本科）",
            &[Level::Bachelor, Level::VocationalBachelor],
            t.bachelor,
        ),
        (
            "higher_vocational",
            "高职专科",
            &[Level::HigherVocational],
            t.higher_vocational,
        ),
        (
            "secondary_vocational",
            "中职",
            &[Level::SecondaryVocational],
            t.secondary_vocational,
        ),
    ]
}

/// The years of the talent market's records, in order: the yearly targets are compared with
/// each year's figures, never with a sum over years.
fn talent_years(l: &Ledger) -> Vec<u16> {
    let years: std::collections::BTreeSet<u16> = l
        .talent_needs
        .iter()
        .map(|n| n.year)
        .chain(l.talent_supply.iter().map(|o| o.year))
        .collect();
    years.into_iter().collect()
}

/// Units placed in the talent market, by the offer's year and level.
fn talent_placed(
    l: &Ledger,
    allocations: &[Allocation],
) -> std::collections::BTreeMap<(u16, Level), u64> {
    let mut placed = std::collections::BTreeMap::new();
    if let Some(a) = of(allocations, Market::Talent) {
        for mt in &a.matches {
            let o = &l.talent_supply[mt.offer as usize];
            *placed.entry((o.year, o.level)).or_insert(0) += u64::from(mt.units);
        }
    }
    placed
}

const NOT_IN_LEDGER: &str = "台账不记录此项（需由主管部门遴选认定后填报）";

/// Counts the province's progress towards every target of `t` from one allocation per market,
/// the alliances, the consortia and the talent gap table (any may be empty). The yearly talent
/// targets get one row per year of the ledger; the targets a ledger cannot measure (secondary
/// colleges, demonstration schools, applied universities, first-class disciplines) get a row
/// that says so, with no figure.
#[allow(clippy::cast_precision_loss, clippy::too_many_lines)]
pub fn progress(
    l: &Ledger,
    allocations: &[Allocation],
    alliances: &Alliances,
    consortia: &[Consortium],
    gaps: &[GapRow],
    t: &Targets,
) -> Vec<Progress> {
    let (tech_met, engaged_cap) = technology_met(l, allocations, consortia);
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
    let domain = |p: PartyId| match &l.party(p).detail {
        PartyDetail::Enterprise {
            domain: Some(d), ..
        } if !d.trim().is_empty() => Some(d.trim()),
        _ => None,
    };
    let mut rows = Vec::new();
    let any_domain = l.parties.iter().any(|p| domain(p.id).is_some());
    rows.push(if any_domain {
        let served: std::collections::BTreeSet<&str> = alliances
            .alliances
            .iter()
            .filter(|a| !a.suppliers.is_empty())
            .flat_map(|a| a.enterprises.iter().filter_map(|&e| domain(e)))
            .collect();
        Progress::new(
            "development_domains",
            "联盟覆盖的发展领域",
            t.development_domains as f64,
            served.len() as f64,
            "有学校或科研院所加入的联盟中，成员企业所填发展领域的个数",
        )
    } else {
        Progress::not_measurable(
            "development_domains",
            "联盟覆盖的发展领域",
            t.development_domains as f64,
            "台账中企业均未填写发展领域（enterprises.csv 的 domain 列）",
        )
    });
    for (key, name, target, achieved, measure) in [
        (
            "school_coverage",
            "高中等学校覆盖率",
            t.school_coverage,
            alliances.school_coverage(l),
            "加入至少一个联盟的学校占台账学校的比例",
        ),
        (
            "enterprise_coverage",
            "大中型企业覆盖率",
            t.enterprise_coverage,
            alliances.enterprise_coverage(l),
            "加入联盟的大型、中型企业占台账大中型企业的比例",
        ),
        (
            "innovation_centres",
            "省级以上协同创新中心",
            t.innovation_centres as f64,
            centres,
            "有国家级或省级平台参与对接的联盟数",
        ),
        (
            "upgrade_projects",
            "技术升级改造课题",
            t.upgrade_projects as f64,
            count_kind(TechnologyNeedKind::Upgrade),
            "有合作方的技术升级改造需求数（全台账）",
        ),
        (
            "core_technologies",
            "核心和共性技术",
            t.core_technologies as f64,
            count_kind(TechnologyNeedKind::Core),
            "有合作方或学科齐全的创新联合体的核心和共性技术需求数（全台账）",
        ),
    ] {
        rows.push(Progress::new(key, name, target, achieved, measure));
    }
    let placed = talent_placed(l, allocations);
    let years = talent_years(l);
    for (key, name, levels, target) in talent_indicators(t) {
        for &y in &years {
            let got: u64 = levels
                .iter()
                .map(|&lv| placed.get(&(y, lv)).copied().unwrap_or(0))
                .sum();
            rows.push(
                Progress::new(
                    key,
                    name,
                    target as f64,
                    got as f64,
                    "当年人才需求中得到安置的毕业生人数（按供给层次）",
                )
                .in_year(y),
            );
        }
    }
    for (key, name, target) in [
        (
            "bachelor_colleges",
            "省级本科校企合作二级学院",
            t.bachelor_colleges,
        ),
        (
            "vocational_colleges",
            "高职专科校企合作二级学院",
            t.vocational_colleges,
        ),
        (
            "demonstration_schools",
            "转型发展示范校",
            t.demonstration_schools,
        ),
        (
            "applied_universities",
            "高水平应用技术型大学",
            t.applied_universities,
        ),
        (
            "first_class_disciplines",
            "省级一流特色学科",
            t.first_class_disciplines,
        ),
    ] {
        rows.push(Progress::not_measurable(
            key,
            name,
            target as f64,
            NOT_IN_LEDGER,
        ));
    }
    fn flagged<'a>(
        gaps: &'a [GapRow],
        level: Level,
        signal: &'a Signal,
    ) -> impl Iterator<Item = &'a GapRow> {
        gaps.iter()
            .filter(move |g| g.level == level && g.signals.contains(signal))
    }
    let stop_rows = |level: Level| -> (f64, f64) {
        let majors = flagged(gaps, level, &Signal::Stop).count();
        let points: usize = flagged(gaps, level, &Signal::Stop)
            .map(|g| g.supplying_schools.len())
            .sum();
        (majors as f64, points as f64)
    };
    let (b_majors, b_points) = stop_rows(Level::Bachelor);
    let (v_majors, v_points) = stop_rows(Level::HigherVocational);
    for (key, name, target, achieved, measure) in [
        (
            "stop_bachelor_programmes",
            "停招或撤销本科专业点",
            t.stop_bachelor_programmes as f64,
            b_points,
            "缺口规则标出“停招或撤销”的本科专业，开设该专业的学校数之和",
        ),
        (
            "stop_bachelor_majors",
            "停招或撤销本科专业（种）",
            t.stop_bachelor_majors as f64,
            b_majors,
            "缺口规则标出“停招或撤销”的本科专业数",
        ),
        (
            "stop_vocational_programmes",
            "停招或撤销高职专科专业点",
            t.stop_vocational_programmes as f64,
            v_points,
            "缺口规则标出“停招或撤销”的高职专科专业，开设该专业的学校数之和",
        ),
        (
            "stop_vocational_majors",
            "停招或撤销高职专科专业（种）",
            t.stop_vocational_majors as f64,
            v_majors,
            "缺口规则标出“停招或撤销”的高职专科专业数",
        ),
    ] {
        rows.push(Progress::new(key, name, target, achieved, measure));
    }
    let named = |level: Level| -> String {
        let names: Vec<&str> = flagged(gaps, level, &Signal::Add)
            .map(|g| g.name.as_str())
            .filter(|n| NAMED_NEW_MAJORS.contains(n))
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!("；其中{}", names.join("、"))
        }
    };
    for (key, name, level, target) in [
        (
            "add_bachelor_majors",
            "增设本科专业（种）",
            Level::Bachelor,
            t.add_bachelor_majors,
        ),
        (
            "add_vocational_majors",
            "增设高职专科专业（种）",
            Level::HigherVocational,
            t.add_vocational_majors,
        ),
    ] {
        rows.push(Progress::new(
            key,
            name,
            target as f64,
            flagged(gaps, level, &Signal::Add).count() as f64,
            &format!(
                "缺口规则标出“新增专业”的{}专业数{}",
                level.name_zh(),
                named(level)
            ),
        ));
    }
    rows
}

/// The new majors the policy names (§三(一)1), reported by name when the gap rule flags them.
const NAMED_NEW_MAJORS: [&str; 4] = ["智能制造工程", "机器人工程", "生态农业技术", "智能控制技术"];

/// One alliance's yearly figures (the data of its yearly report, R10).
#[derive(Clone, Debug, PartialEq)]
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
    /// Progress against the alliance's share of the province's need-driven targets (upgrade
    /// projects, core technologies, and each year's talent by level): the province's target
    /// times the alliance's share of the province's needs of that kind (and year).
    pub targets: Vec<Progress>,
}

/// Per-alliance figures from one allocation per market, the consortia and the targets.
#[allow(clippy::cast_precision_loss)]
pub fn alliance_progress(
    l: &Ledger,
    allocations: &[Allocation],
    alliances: &Alliances,
    consortia: &[Consortium],
    t: &Targets,
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
            targets: Vec::new(),
        })
        .collect();
    // The one alliance of an enterprise.
    let home = |p: PartyId| alliances.membership[p.index()].first().copied();
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
    // Each alliance's and the province's needs of each kind (and year and level), and what the
    // alliance achieved, in one pass over the needs and one over the talent matches.
    let (tech_met, _) = technology_met(l, allocations, consortia);
    let kinds = [TechnologyNeedKind::Upgrade, TechnologyNeedKind::Core];
    let mut tech = vec![[(0u64, 0u64); 2]; rows.len()];
    let mut tech_all = [0u64; 2];
    for (k, n) in l.technology_needs.iter().enumerate() {
        let Some(ki) = kinds.iter().position(|&x| x == n.kind) else {
            continue;
        };
        tech_all[ki] += 1;
        if let Some(a) = home(n.enterprise) {
            tech[a as usize][ki].0 += 1;
            tech[a as usize][ki].1 += u64::from(tech_met[k]);
        }
    }
    type ByYearLevel = std::collections::BTreeMap<(u16, Level), u64>;
    let mut demand: Vec<ByYearLevel> = vec![ByYearLevel::new(); rows.len()];
    let mut demand_all = ByYearLevel::new();
    for n in &l.talent_needs {
        *demand_all.entry((n.year, n.level)).or_insert(0) += u64::from(n.headcount);
        if let Some(a) = home(n.enterprise) {
            *demand[a as usize].entry((n.year, n.level)).or_insert(0) += u64::from(n.headcount);
        }
    }
    let mut placed: Vec<ByYearLevel> = vec![ByYearLevel::new(); rows.len()];
    if let Some(alloc) = of(allocations, Market::Talent) {
        for mt in &alloc.matches {
            if let Some(a) = home(l.talent_needs[mt.need as usize].enterprise) {
                let o = &l.talent_supply[mt.offer as usize];
                *placed[a as usize].entry((o.year, o.level)).or_insert(0) += u64::from(mt.units);
            }
        }
    }
    let sum = |m: &ByYearLevel, y: u16, levels: &[Level]| -> u64 {
        levels
            .iter()
            .map(|&lv| m.get(&(y, lv)).copied().unwrap_or(0))
            .sum()
    };
    let years = talent_years(l);
    for (a, row) in rows.iter_mut().enumerate() {
        for (ki, (key, name, target)) in [
            ("upgrade_projects", "技术升级改造课题", t.upgrade_projects),
            ("core_technologies", "核心和共性技术", t.core_technologies),
        ]
        .into_iter()
        .enumerate()
        {
            let ((ours, met), all) = (tech[a][ki], tech_all[ki]);
            row.targets.push(Progress::new(
                key,
                name,
                shared(target, ours, all),
                met as f64,
                &format!("全省目标按本联盟企业的此类需求占比分摊（{ours}/{all}）"),
            ));
        }
        for (key, name, levels, target) in talent_indicators(t) {
            for &y in &years {
                let (ours, all) = (sum(&demand[a], y, levels), sum(&demand_all, y, levels));
                row.targets.push(
                    Progress::new(
                        key,
                        name,
                        shared(target, ours, all),
                        sum(&placed[a], y, levels) as f64,
                        &format!(
                            "全省年度目标按本联盟企业当年的此层次人才需求占比分摊（{ours}/{all}）"
                        ),
                    )
                    .in_year(y),
                );
            }
        }
    }
    rows
}

/// `target` × `part` ÷ `whole` (0 when the whole is 0).
#[allow(clippy::cast_precision_loss)]
fn shared(target: u64, part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        target as f64 * part as f64 / whole as f64
    }
}
