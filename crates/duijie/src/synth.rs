//! A seeded generator of synthetic ledgers calibrated to the Liaoning programme: the records of
//! the documented schema's tables, as CSV files of them would read (`duijie gen` writes them to
//! files through `duijie-store`; benchmarks and tests validate them in memory, with no text in
//! between). The same scale and seed give the same records, on every platform and
//! every version that keeps this module's rules (the random numbers come from SplitMix64, not
//! from a crate whose algorithm may change).
//!
//! Calibration (per scale, see [`Scale`]):
//! - the 14 cities of Liaoning, weighted by population; the real 114 higher-education
//!   institutions of the catalogue (研究生 for the 12 with doctoral programmes in the catalogue's
//!   order of founding, 本科 and 高职专科 as listed), plus generated 中职 schools and research
//!   institutes in each city;
//! - enterprises in eight industry groups weighted towards Liaoning's industries (装备制造 30%,
//!   石化 12%, 冶金材料 12%, 农业食品 12%, 电子信息 12%, 交通物流 8%, 医药 7%, 商贸服务 7%), each
//!   with its GB/T 4754 divisions, majors and technology keywords; 5% large, 20% medium, 75%
//!   small;
//! - talent needs at the four levels in the policy's yearly proportions (中职 140k, 高职 100k,
//!   本科 120k, 研究生 10k: about 3.7·10⁵ places at province scale), technology needs (about
//!   10⁴) and capabilities (about 2·10³), training and placement needs and offers;
//! - majors that are over-supplied on purpose (计算机科学与技术, 会计学, 会计事务, 大数据与
//!   会计: supply doubled) and in demand but never supplied (智能制造工程, 机器人工程), so that
//!   gap analysis has something true to find.

use crate::catalogue::{Catalogues, Level, MajorId};
use crate::validate::{Origin, RawRecord, RecordKind, Value};

/// How big a ledger to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A few hundred records: quick to read.
    Sample,
    /// One province-year: about 2·10⁴ talent needs (3.7·10⁵ places), 10⁴ technology needs,
    /// 2·10³ capabilities.
    Province,
    /// A nation-sized stress test: 10⁶ talent needs against 10⁵ talent offers.
    Nation,
}

impl Scale {
    /// The scale's name, as [`Scale::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Sample => "sample",
            Scale::Province => "province",
            Scale::Nation => "nation",
        }
    }

    /// Parses `sample`, `province` or `nation`.
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "sample" => Some(Scale::Sample),
            "province" => Some(Scale::Province),
            "nation" => Some(Scale::Nation),
            _ => None,
        }
    }

    /// Record counts: enterprises, generated 中职 schools, extra generated higher-vocational
    /// schools, institutes, talent needs, talent supply rows (target), technology needs,
    /// technology capabilities, training needs and offers, placement needs and offers.
    fn counts(self) -> Counts {
        match self {
            Scale::Sample => Counts {
                enterprises: 40,
                secondary_schools: 6,
                extra_colleges: 0,
                institutes: 4,
                talent_needs: 200,
                talent_offers: 120,
                technology_needs: 80,
                capabilities: 30,
                training: 20,
                placement: 20,
            },
            Scale::Province => Counts {
                enterprises: 3_000,
                secondary_schools: 250,
                extra_colleges: 0,
                institutes: 60,
                talent_needs: 20_000,
                talent_offers: 5_000,
                technology_needs: 10_000,
                capabilities: 2_000,
                training: 2_000,
                placement: 2_000,
            },
            Scale::Nation => Counts {
                enterprises: 100_000,
                secondary_schools: 2_500,
                extra_colleges: 1_500,
                institutes: 600,
                talent_needs: 1_000_000,
                talent_offers: 100_000,
                technology_needs: 100_000,
                capabilities: 20_000,
                training: 20_000,
                placement: 20_000,
            },
        }
    }
}

struct Counts {
    enterprises: usize,
    secondary_schools: usize,
    extra_colleges: usize,
    institutes: usize,
    talent_needs: usize,
    talent_offers: usize,
    technology_needs: usize,
    capabilities: usize,
    training: usize,
    placement: usize,
}

/// The year every generated record is for.
const YEAR: &str = "2025";

/// One generated table: its kind, its columns and its records, each cell as text, as a CSV file
/// of the table would give them (an empty cell is empty text, the origin names
/// `talent_needs.csv` and the line the record would be on). A writer in an adapter turns it
/// into a file (`duijie gen`); tests and benchmarks validate the records directly.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The table.
    pub kind: RecordKind,
    /// Its columns, in order.
    pub columns: &'static [&'static str],
    /// Its records, in order.
    pub records: Vec<RawRecord>,
}

impl Table {
    fn new(kind: RecordKind, columns: &'static [&'static str]) -> Table {
        Table {
            kind,
            columns,
            records: Vec::new(),
        }
    }

    /// The file a ledger folder keeps the table in (`talent_needs.csv`).
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.kind.name())
    }

    /// Appends a record with one cell per column.
    fn push<const N: usize>(&mut self, cells: [String; N]) {
        debug_assert_eq!(N, self.columns.len(), "{}", self.kind.name());
        let line = self.records.len() as u64 + 2;
        self.records.push(RawRecord {
            kind: self.kind,
            origin: Origin::line(self.file_name(), line),
            fields: self
                .columns
                .iter()
                .zip(cells)
                .map(|(c, v)| ((*c).to_owned(), Value::Text(v)))
                .collect(),
            typed: false,
        });
    }

    /// The cell of `column` in record `row`, if both exist.
    pub fn cell(&self, row: usize, column: &str) -> Option<&str> {
        self.records
            .get(row)?
            .fields
            .iter()
            .find_map(|(c, v)| match v {
                Value::Text(t) if c == column => Some(t.as_str()),
                _ => None,
            })
    }
}

/// Every record of a generated ledger, table by table, for [`crate::Ledger::from_records`].
pub fn records(tables: Vec<Table>) -> Vec<RawRecord> {
    tables.into_iter().flat_map(|t| t.records).collect()
}

/// A generated ledger, validated: [`generate`] then [`crate::Ledger::from_records`].
pub fn ledger(scale: Scale, seed: u64) -> (crate::Ledger, crate::Report) {
    crate::Ledger::from_records(records(generate(scale, seed)))
}

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast, and fixed forever here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; Lemire's multiply-shift, bias below 2⁻³²).
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        ((u128::from(self.next()) * u128::from(n)) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total.max(1) as usize) as u32;
        for (k, &w) in weights.iter().enumerate() {
            if x < w {
                return k;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// An index drawn with weights given as running totals (`cumulative[k]` = weights up to and
    /// including `k`): O(log n).
    fn cumulative(&mut self, cumulative: &[u64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0);
        let x = ((u128::from(self.next()) * u128::from(total.max(1))) >> 64) as u64;
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len() - 1)
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// One industry group: weight (per mille of enterprises), GB/T 4754 divisions, the major
/// classes it hires by catalogue family, graduate disciplines, and technology keywords.
struct Group {
    name: &'static str,
    weight: u32,
    divisions: &'static [&'static str],
    /// 本科 专业类 codes.
    bachelor: &'static [&'static str],
    /// 高职专科 专业大类 codes (中职 is +20, 高职本科 −20).
    vocational: &'static [&'static str],
    /// 研究生 discipline codes.
    graduate: &'static [&'static str],
    keywords: &'static [&'static str],
    /// The development domains (发展领域) of the group, as the policy's "三次产业30余个发展领域".
    domains: &'static [&'static str],
}

const GROUPS: &[Group] = &[
    Group {
        name: "高端装备制造",
        weight: 300,
        divisions: &["33", "34", "35", "36", "37", "38", "40"],
        bachelor: &["0802", "0806", "0808", "0803"],
        vocational: &["46"],
        graduate: &["0802", "0811", "0808", "0804"],
        keywords: &[
            "数控机床",
            "工业机器人",
            "智能制造",
            "精密加工",
            "液压系统",
            "伺服控制",
            "焊接工艺",
            "轴承",
            "齿轮传动",
            "故障诊断",
        ],
        domains: &[
            "数控机床",
            "机器人",
            "航空装备",
            "船舶与海洋工程装备",
            "轨道交通装备",
            "重大成套装备",
            "汽车及零部件",
        ],
    },
    Group {
        name: "石化和精细化工",
        weight: 120,
        divisions: &["25", "26", "28", "29"],
        bachelor: &["0813", "0703"],
        vocational: &["47"],
        graduate: &["0817", "0703"],
        keywords: &[
            "催化剂",
            "炼油工艺",
            "精细化工",
            "聚合物",
            "分离提纯",
            "安全环保",
        ],
        domains: &["炼油", "精细化工", "化工新材料", "化学肥料与农药"],
    },
    Group {
        name: "冶金新材料",
        weight: 120,
        divisions: &["30", "31", "32", "33"],
        bachelor: &["0804", "0815"],
        vocational: &["43"],
        graduate: &["0805", "0806", "0819"],
        keywords: &[
            "轧制",
            "连铸",
            "高温合金",
            "镁合金",
            "耐火材料",
            "热处理",
            "腐蚀防护",
        ],
        domains: &["钢铁", "有色金属", "新型建材", "先进金属材料"],
    },
    Group {
        name: "现代农业和农产品精深加工",
        weight: 120,
        divisions: &["01", "03", "04", "13", "14", "15"],
        bachelor: &["0901", "0903", "0906", "0827"],
        vocational: &["41", "49"],
        graduate: &["0901", "0905", "0908", "0832"],
        keywords: &[
            "育种",
            "水产养殖",
            "食品加工",
            "冷链物流",
            "农产品检测",
            "饲料",
        ],
        domains: &[
            "粮食和油料",
            "畜牧和水产",
            "农产品精深加工",
            "林业和特色种植",
        ],
    },
    Group {
        name: "电子信息和软件",
        weight: 120,
        divisions: &["39", "63", "64", "65"],
        bachelor: &["0807", "0809"],
        vocational: &["51"],
        graduate: &["0812", "0835", "0810", "0854"],
        keywords: &[
            "工业互联网",
            "大数据",
            "人工智能",
            "嵌入式系统",
            "集成电路",
            "网络安全",
            "云计算",
        ],
        domains: &[
            "集成电路",
            "软件和信息技术服务",
            "工业互联网",
            "电子元器件",
            "大数据与人工智能",
        ],
    },
    Group {
        name: "交通运输和物流",
        weight: 80,
        divisions: &["53", "54", "55", "58", "59"],
        bachelor: &["0818", "1206"],
        vocational: &["50"],
        graduate: &["0823", "0824"],
        keywords: &["港口", "物流", "轨道交通", "船舶", "智能航运"],
        domains: &["港口与航运", "现代物流"],
    },
    Group {
        name: "生物医药和医疗装备",
        weight: 70,
        divisions: &["27", "35", "84"],
        bachelor: &["1007", "1011", "1010"],
        vocational: &["52"],
        graduate: &["1007", "1011", "1002", "0831"],
        keywords: &["疫苗", "中药", "医疗器械", "医学影像", "生物制药"],
        domains: &["生物医药", "医疗器械", "中医药"],
    },
    Group {
        name: "商贸服务",
        weight: 70,
        divisions: &["51", "52", "61", "62", "66", "72"],
        bachelor: &["1202", "0204", "1209"],
        vocational: &["53", "54"],
        graduate: &["1202", "0202"],
        keywords: &["电子商务", "跨境贸易", "旅游服务", "金融科技"],
        domains: &["电子商务", "文化旅游", "金融服务", "健康养老"],
    },
];

/// The key park (重点园区) of an enterprise in `city`, from a draw `d` in 0..100: about a third
/// of the enterprises of 沈阳, 大连 and 抚顺 are in one of the policy's four parks.
fn park_of(city: &str, d: usize) -> &'static str {
    match (city, d) {
        ("沈阳市", 0..15) => "中德产业园",
        ("沈阳市", 15..25) | ("大连市", 0..10) => "沈大国家自主创新示范区",
        ("沈阳市", 25..32) | ("抚顺市", 0..20) => "沈抚新区",
        ("大连市", 10..35) => "金普新区",
        _ => "",
    }
}

/// Majors in demand that no school supplies (by 本科 code).
const NEVER_SUPPLIED: &[&str] = &["080213T", "080803T"];
/// Majors supplied twice as often as their group's others (本科 and 高职专科 codes).
const OVER_SUPPLIED: &[&str] = &["080901", "120203K", "530302"];

/// The majors of `level` that group `g` hires.
fn majors_for(g: &Group, level: Level) -> Vec<MajorId> {
    let c = Catalogues::get();
    let shift = |code: &str, by: i32| -> String {
        let n: i32 = code.parse().unwrap_or(0);
        format!("{:02}", n + by)
    };
    let ok: Vec<String> = match level {
        Level::Bachelor => g.bachelor.iter().map(|s| (*s).to_owned()).collect(),
        Level::Graduate => g.graduate.iter().map(|s| (*s).to_owned()).collect(),
        Level::HigherVocational => g.vocational.iter().map(|s| (*s).to_owned()).collect(),
        Level::SecondaryVocational => g.vocational.iter().map(|s| shift(s, 20)).collect(),
        Level::VocationalBachelor => g.vocational.iter().map(|s| shift(s, -20)).collect(),
    };
    c.majors_of(level)
        .filter(|(_, m)| match level {
            Level::Bachelor | Level::Graduate => ok.iter().any(|k| m.class_code == k),
            _ => ok.iter().any(|k| m.category_code == k),
        })
        .map(|(id, _)| id)
        .collect()
}

/// Talent levels and their yearly places in the policy (thousands).
const TALENT_LEVELS: [(Level, u32); 4] = [
    (Level::SecondaryVocational, 140),
    (Level::HigherVocational, 100),
    (Level::Bachelor, 120),
    (Level::Graduate, 10),
];

struct Party {
    id: String,
    group: usize,
}

/// Generates a ledger. Deterministic: the same `scale` and `seed` give the same tables.
pub fn generate(scale: Scale, seed: u64) -> Vec<Table> {
    let mut g = Generator::new(scale, seed);
    // The order of the steps is the order of the random draws: keep it.
    let schools = g.schools();
    let institutes = g.institutes();
    let enterprises = g.enterprises();
    let (talent_needs, talent_supply) = g.talent();
    let (caps, tech) = g.technology();
    let [
        training_needs,
        training_offers,
        placement_needs,
        placement_offers,
    ] = g.training_and_placement();
    vec![
        authorities(&g.cities),
        enterprises,
        institutes,
        schools,
        talent_needs,
        talent_supply,
        tech,
        caps,
        training_needs,
        training_offers,
        placement_needs,
        placement_offers,
    ]
}

/// The generator's state: the random numbers, the scale's counts, the weights it draws cities
/// and industry groups by, and the parties made so far (later tables draw owners from them).
struct Generator {
    rng: Rng,
    scale: Scale,
    n: Counts,
    cities: Vec<&'static str>,
    city_weights: Vec<u32>,
    group_weights: Vec<u32>,
    /// Majors of each industry group at each level.
    majors: Vec<Vec<Vec<MajorId>>>,
    school_list: Vec<(Party, Level)>,
    institute_list: Vec<Party>,
    /// Enterprises with their hiring weight, and the running sum of those weights.
    enterprise_list: Vec<(Party, u32)>,
    hire_weights: Vec<u64>,
}

impl Generator {
    fn new(scale: Scale, seed: u64) -> Generator {
        let c = Catalogues::get();
        let cities: Vec<&'static str> = c.cities().iter().map(|x| x.name).collect();
        // City weights: Shenyang and Dalian first, as the population does.
        let city_weights: Vec<u32> = (0..cities.len())
            .map(|k| match k {
                0 => 30,
                1 => 25,
                _ => 4,
            })
            .collect();
        Generator {
            rng: Rng(seed ^ 0x6475_696a_6965_0001), // "duijie"
            scale,
            n: scale.counts(),
            cities,
            city_weights,
            group_weights: GROUPS.iter().map(|g| g.weight).collect(),
            majors: GROUPS
                .iter()
                .map(|g| Level::ALL.iter().map(|&l| majors_for(g, l)).collect())
                .collect(),
            school_list: Vec::new(),
            institute_list: Vec::new(),
            enterprise_list: Vec::new(),
            hire_weights: Vec::new(),
        }
    }

    /// The catalogue's institutions, then generated 中职 schools and colleges.
    fn schools(&mut self) -> Table {
        let c = Catalogues::get();
        let Generator {
            rng,
            n,
            cities,
            city_weights,
            group_weights,
            school_list,
            ..
        } = self;
        // Schools: the catalogue's institutions, then generated ones.
        let mut schools = Table::new(
            RecordKind::Schools,
            &["id", "name", "level", "city", "moe_code", "out_of_province"],
        );
        let research = [
            "大连理工大学",
            "东北大学",
            "辽宁大学",
            "中国医科大学",
            "沈阳农业大学",
            "沈阳药科大学",
            "大连海事大学",
            "辽宁师范大学",
            "沈阳工业大学",
            "大连医科大学",
            "辽宁工程技术大学",
            "沈阳航空航天大学",
        ];
        for (k, inst) in c.institutions().iter().enumerate() {
            let level = if research.contains(&inst.name) {
                Level::Graduate
            } else if inst.level == "本科" {
                Level::Bachelor
            } else {
                Level::HigherVocational
            };
            let id = format!("S{:05}", k + 1);
            let city = inst.city.index();
            schools.push([
                id.clone(),
                inst.name.to_owned(),
                level.name_zh().to_owned(),
                cities[city].to_owned(),
                inst.moe_code.to_string(),
                String::new(),
            ]);
            let group = rng.weighted(group_weights);
            school_list.push((Party { id, group }, level));
        }
        let generated = n.secondary_schools + n.extra_colleges;
        for k in 0..generated {
            let city = rng.weighted(city_weights);
            let group = rng.weighted(group_weights);
            let secondary = k < n.secondary_schools;
            let (level, kind) = if secondary {
                (Level::SecondaryVocational, "中等职业技术学校")
            } else {
                (Level::HigherVocational, "职业技术学院")
            };
            let id = format!("S{:05}", school_list.len() + 1);
            schools.push([
                id.clone(),
                format!(
                    "{}第{}{}{kind}",
                    cities[city].trim_end_matches('市'),
                    k + 1,
                    GROUPS[group].name
                ),
                level.name_zh().to_owned(),
                cities[city].to_owned(),
                String::new(),
                String::new(),
            ]);
            school_list.push((Party { id, group }, level));
        }
        schools
    }

    /// Research institutes, one in twenty out of the province.
    fn institutes(&mut self) -> Table {
        let Generator {
            rng,
            n,
            cities,
            city_weights,
            group_weights,
            institute_list,
            ..
        } = self;
        let mut institutes = Table::new(
            RecordKind::Institutes,
            &["id", "name", "city", "out_of_province"],
        );
        for k in 0..n.institutes {
            let city = rng.weighted(city_weights);
            let group = rng.weighted(group_weights);
            let id = format!("R{:05}", k + 1);
            // One in twenty is an out-of-province member (省外, 柔性加入).
            let out = rng.below(20) == 0;
            institutes.push([
                id.clone(),
                format!(
                    "{}{}研究院{}",
                    if out {
                        "北京"
                    } else {
                        cities[city].trim_end_matches('市')
                    },
                    GROUPS[group].name,
                    k + 1
                ),
                if out { "" } else { cities[city] }.to_owned(),
                if out { "true" } else { "" }.to_owned(),
            ]);
            institute_list.push(Party { id, group });
        }
        institutes
    }

    /// Enterprises by city, industry group and size, with their hiring weights.
    fn enterprises(&mut self) -> Table {
        let Generator {
            rng,
            n,
            cities,
            city_weights,
            group_weights,
            enterprise_list,
            ..
        } = self;
        let mut enterprises = Table::new(
            RecordKind::Enterprises,
            &["id", "name", "size", "industry", "city", "domain", "park"],
        );
        for k in 0..n.enterprises {
            let city = rng.weighted(city_weights);
            let group = rng.weighted(group_weights);
            let g = &GROUPS[group];
            let size = rng.weighted(&[5, 20, 75]);
            let id = format!("E{:06}", k + 1);
            let park = park_of(cities[city], rng.below(100));
            let name = format!(
                "{}{}{}有限公司",
                cities[city].trim_end_matches('市'),
                rng.pick(g.keywords),
                k + 1
            );
            enterprises.push([
                id.clone(),
                name,
                ["大型", "中型", "小型"][size].to_owned(),
                rng.pick(g.divisions).to_string(),
                cities[city].to_owned(),
                rng.pick(g.domains).to_string(),
                park.to_owned(),
            ]);
            // Hiring weight by size.
            enterprise_list.push((Party { id, group }, [40, 8, 1][size]));
        }
        let hire_weights: Vec<u64> = enterprise_list
            .iter()
            .scan(0u64, |acc, (_, w)| {
                *acc += u64::from(*w);
                Some(*acc)
            })
            .collect();
        self.hire_weights = hire_weights;
        enterprises
    }

    /// Talent needs and talent supply.
    fn talent(&mut self) -> (Table, Table) {
        let c = Catalogues::get();
        let Generator {
            rng,
            scale,
            n,
            majors,
            school_list,
            enterprise_list,
            hire_weights,
            ..
        } = self;
        let scale = *scale;
        // Talent needs: levels in the policy's proportions, headcounts to reach the places.
        let level_weights: Vec<u32> = TALENT_LEVELS.iter().map(|(_, w)| *w).collect();
        let total_places: u32 = TALENT_LEVELS.iter().map(|(_, w)| w * 1000).sum();
        let per_need =
            (f64::from(total_places) * scale_factor(scale) / n.talent_needs.max(1) as f64).max(1.0);
        let mut talent_needs = Table::new(
            RecordKind::TalentNeeds,
            &[
                "id",
                "enterprise",
                "major_code",
                "major_name",
                "level",
                "headcount",
                "city",
                "year",
            ],
        );
        let mut demand_by_slot = [0u64; 5];
        for k in 0..n.talent_needs {
            let (e, _) = &enterprise_list[rng.cumulative(hire_weights)];
            let (level, _) = TALENT_LEVELS[rng.weighted(&level_weights)];
            let pool = &majors[e.group][level.index()];
            if pool.is_empty() {
                continue;
            }
            let major = c.major(*rng.pick(pool));
            let hi = (per_need * 2.0) as u32;
            let headcount = rng.range(1, hi.max(1));
            demand_by_slot[level.index()] += u64::from(headcount);
            // Graduate names repeat across academic and professional degrees: the code alone.
            let name = if level == Level::Graduate {
                ""
            } else {
                major.name
            };
            talent_needs.push([
                format!("TN{:07}", k + 1),
                e.id.clone(),
                major.code.to_owned(),
                name.to_owned(),
                level.name_zh().to_owned(),
                headcount.to_string(),
                String::new(),
                YEAR.to_owned(),
            ]);
        }

        // Talent supply: each row a school's major at a level it teaches, sized so supply is about
        // 5% above demand overall; some majors over-supplied, some never.
        let mut talent_supply = Table::new(
            RecordKind::TalentSupply,
            &[
                "id",
                "school",
                "major_code",
                "level",
                "graduates",
                "employment_rate",
                "year",
            ],
        );
        let teaches = |l: Level| -> Vec<Level> {
            match l {
                Level::Graduate => vec![Level::Graduate, Level::Bachelor],
                Level::Bachelor => vec![Level::Bachelor],
                Level::HigherVocational => vec![Level::HigherVocational],
                _ => vec![Level::SecondaryVocational],
            }
        };
        let mut rows_by_slot = [0u64; 5];
        let mut plan: Vec<(usize, Level, MajorId)> = Vec::with_capacity(n.talent_offers);
        for k in 0..n.talent_offers {
            let (school, level) = &school_list[k % school_list.len()];
            let levels = teaches(*level);
            let l = *rng.pick(&levels);
            let pool = &majors[school.group][l.index()];
            if pool.is_empty() {
                continue;
            }
            let mut m = *rng.pick(pool);
            if NEVER_SUPPLIED.contains(&c.major(m).code) {
                continue;
            }
            // Over-supplied majors: a second draw lands on them half the time.
            if rng.below(2) == 0
                && let Some(&o) = pool
                    .iter()
                    .find(|&&id| OVER_SUPPLIED.contains(&c.major(id).code))
            {
                m = o;
            }
            rows_by_slot[l.index()] += 1;
            plan.push((k % school_list.len(), l, m));
        }
        for (k, (s, l, m)) in plan.into_iter().enumerate() {
            let slot = l.index();
            let mean =
                (demand_by_slot[slot] as f64 * 1.05 / rows_by_slot[slot].max(1) as f64).max(1.0);
            let graduates = rng.range(1, (mean * 2.0) as u32);
            let rate = 80 + rng.below(20);
            let major = c.major(m);
            talent_supply.push([
                format!("TS{:07}", k + 1),
                school_list[s].0.id.clone(),
                major.code.to_owned(),
                l.name_zh().to_owned(),
                graduates.to_string(),
                format!("{rate}%"),
                YEAR.to_owned(),
            ]);
        }
        (talent_needs, talent_supply)
    }

    /// Technology capabilities and technology needs.
    fn technology(&mut self) -> (Table, Table) {
        let Generator {
            rng,
            n,
            school_list,
            institute_list,
            enterprise_list,
            hire_weights,
            ..
        } = self;
        // Technology capabilities of institutes and research universities, and needs.
        let providers: Vec<&Party> = institute_list
            .iter()
            .chain(
                school_list
                    .iter()
                    .filter(|(_, l)| *l == Level::Graduate || *l == Level::Bachelor)
                    .map(|(p, _)| p),
            )
            .collect();
        let mut caps = Table::new(
            RecordKind::TechnologyCapabilities,
            &[
                "id",
                "provider",
                "platform",
                "platform_level",
                "disciplines",
                "keywords",
                "capacity",
                "year",
            ],
        );
        for k in 0..n.capabilities {
            let p = providers[rng.below(providers.len())];
            let g = &GROUPS[p.group];
            let kw = pick_distinct(rng, g.keywords, 2, 3);
            let platform_level = ["国家级", "省级", "市级", "无"][rng.weighted(&[5, 40, 35, 20])];
            let platform = format!(
                "{}{}",
                kw[0],
                ["工程技术研究中心", "重点实验室", "产业技术创新中心"][rng.below(3)]
            );
            let disciplines = pick_distinct(rng, g.graduate, 1, 2).join(";");
            caps.push([
                format!("TC{:06}", k + 1),
                p.id.clone(),
                platform,
                platform_level.to_owned(),
                disciplines,
                kw.join(";"),
                rng.range(1, 5).to_string(),
                YEAR.to_owned(),
            ]);
        }
        let mut tech = Table::new(
            RecordKind::TechnologyNeeds,
            &[
                "id",
                "enterprise",
                "kind",
                "disciplines",
                "keywords",
                "description",
                "scale",
                "year",
            ],
        );
        for k in 0..n.technology_needs {
            let (e, _) = &enterprise_list[rng.cumulative(hire_weights)];
            let g = &GROUPS[e.group];
            let kw = pick_distinct(rng, g.keywords, 1, 3);
            let kind = ["技术升级改造", "核心和共性技术"][rng.weighted(&[80, 20])];
            let disciplines = pick_distinct(rng, g.graduate, 1, 2).join(";");
            let description = format!(
                "{}{}",
                kw.join("与"),
                ["技术研发", "工艺改进", "系统集成", "国产化替代"][rng.below(4)]
            );
            tech.push([
                format!("TK{:06}", k + 1),
                e.id.clone(),
                kind.to_owned(),
                disciplines,
                kw.join(";"),
                description,
                rng.range(50, 2000).to_string(),
                YEAR.to_owned(),
            ]);
        }
        (caps, tech)
    }

    /// Training needs and offers, placement needs and offers, at vocational levels.
    fn training_and_placement(&mut self) -> [Table; 4] {
        let Generator {
            rng,
            n,
            majors,
            school_list,
            enterprise_list,
            hire_weights,
            ..
        } = self;
        // Training and placement, at vocational levels.
        let voc = [Level::HigherVocational, Level::SecondaryVocational];
        let mut training_needs = Table::new(
            RecordKind::TrainingNeeds,
            &[
                "id",
                "enterprise",
                "kind",
                "major_code",
                "level",
                "trainees",
                "year",
            ],
        );
        let mut training_offers = Table::new(
            RecordKind::TrainingOffers,
            &[
                "id",
                "school",
                "kind",
                "major_code",
                "level",
                "capacity",
                "year",
            ],
        );
        let mut placement_needs = Table::new(
            RecordKind::PlacementNeeds,
            &[
                "id",
                "school",
                "kind",
                "major_code",
                "level",
                "places",
                "year",
            ],
        );
        let mut placement_offers = Table::new(
            RecordKind::PlacementOffers,
            &[
                "id",
                "enterprise",
                "kind",
                "major_code",
                "level",
                "places",
                "year",
            ],
        );
        let vocational_schools: Vec<(&Party, Level)> = school_list
            .iter()
            .filter(|(_, l)| matches!(l, Level::HigherVocational | Level::SecondaryVocational))
            .map(|(p, l)| (p, *l))
            .collect();
        for k in 0..n.training {
            let level = *rng.pick(&voc);
            let kind = ["岗前培训", "继续教育"][rng.below(2)];
            let (e, _) = &enterprise_list[rng.cumulative(hire_weights)];
            let pools = &majors[e.group];
            side_row(
                rng,
                &mut training_needs,
                ("TRN", k),
                e,
                kind,
                (level, pools),
                (5, 60),
            );
            // A school offers at its own level.
            let (s, level) = vocational_schools[rng.below(vocational_schools.len())];
            let pools = &majors[s.group];
            side_row(
                rng,
                &mut training_offers,
                ("TRO", k),
                s,
                kind,
                (level, pools),
                (5, 60),
            );
        }
        for k in 0..n.placement {
            let kind = ["实习", "顶岗实习", "实践基地", "兼职教师"][rng.weighted(&[40, 40, 15, 5])];
            let (s, level) = vocational_schools[rng.below(vocational_schools.len())];
            let pools = &majors[s.group];
            side_row(
                rng,
                &mut placement_needs,
                ("PLN", k),
                s,
                kind,
                (level, pools),
                (2, 40),
            );
            let (e, _) = &enterprise_list[rng.cumulative(hire_weights)];
            let pools = &majors[e.group];
            side_row(
                rng,
                &mut placement_offers,
                ("PLO", k),
                e,
                kind,
                (level, pools),
                (2, 40),
            );
        }
        [
            training_needs,
            training_offers,
            placement_needs,
            placement_offers,
        ]
    }
}

/// Local governments of every city and the key parks' authorities.
fn authorities(cities: &[&str]) -> Table {
    let mut authorities = Table::new(RecordKind::Authorities, &["id", "name", "kind", "city"]);
    for (k, city) in cities.iter().enumerate() {
        authorities.push([
            format!("G{:03}", k + 1),
            format!("{city}人民政府"),
            "地方政府".to_owned(),
            (*city).to_owned(),
        ]);
    }
    for (k, park) in [
        ("沈大国家自主创新示范区", "沈阳市"),
        ("沈抚改革创新示范区", "沈阳市"),
        ("大连金普新区", "大连市"),
        ("沈阳中德高端装备制造产业园", "沈阳市"),
    ]
    .iter()
    .enumerate()
    {
        authorities.push([
            format!("P{:03}", k + 1),
            park.0.to_owned(),
            "重点园区".to_owned(),
            park.1.to_owned(),
        ]);
    }
    authorities
}

/// One row of a training or placement table: party `p`'s `kind` of a quantity drawn from `q`, in
/// a major of its group at `level` (`pools` by level slot; nothing when the group has none).
fn side_row(
    rng: &mut Rng,
    out: &mut Table,
    (prefix, k): (&str, usize),
    p: &Party,
    kind: &str,
    (level, pools): (Level, &[Vec<MajorId>]),
    q: (u32, u32),
) {
    if let Some(&m) = pick_major(rng, &pools[level.index()]) {
        out.push([
            format!("{prefix}{:06}", k + 1),
            p.id.clone(),
            kind.to_owned(),
            Catalogues::get().major(m).code.to_owned(),
            level.name_zh().to_owned(),
            rng.range(q.0, q.1).to_string(),
            YEAR.to_owned(),
        ]);
    }
}

/// Places relative to one province-year (the policy's 3.7·10⁵).
fn scale_factor(scale: Scale) -> f64 {
    match scale {
        Scale::Sample => 0.01,
        Scale::Province => 1.0,
        Scale::Nation => 30.0,
    }
}

fn pick_major<'a>(rng: &mut Rng, pool: &'a [MajorId]) -> Option<&'a MajorId> {
    (!pool.is_empty()).then(|| rng.pick(pool))
}

/// `min + (0..spread)` distinct items (fewer if there are not that many), in the order drawn.
fn pick_distinct(
    rng: &mut Rng,
    items: &[&'static str],
    min: usize,
    spread: usize,
) -> Vec<&'static str> {
    let k = min + rng.below(spread);
    let mut out: Vec<&'static str> = Vec::with_capacity(k);
    for _ in 0..k.min(items.len()) * 3 {
        let x = *rng.pick(items);
        if !out.contains(&x) {
            out.push(x);
            if out.len() == k {
                break;
            }
        }
    }
    if out.is_empty() {
        out.push(items[0]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
        let a = generate(Scale::Sample, 7);
        assert_eq!(a, generate(Scale::Sample, 7));
        assert_ne!(a, generate(Scale::Sample, 8));
    }

    #[test]
    fn splitmix_matches_its_published_first_outputs() {
        // SplitMix64 from state 0: the reference implementation's first two outputs.
        let mut r = Rng(0);
        assert_eq!(r.next(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn every_group_hires_at_every_talent_level() {
        for g in GROUPS {
            for (level, _) in TALENT_LEVELS {
                assert!(!majors_for(g, level).is_empty(), "{} {level}", g.name);
            }
        }
    }
}
