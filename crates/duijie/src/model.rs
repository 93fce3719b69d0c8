//! The ledger model (供需信息台账): parties, needs and capabilities, on both sides of the market.
//!
//! A [`Ledger`] is built from raw records by [`Ledger::from_records`](crate::Ledger::from_records),
//! which validates every field against the catalogues and returns every problem at once. Once
//! built, a ledger is consistent: every reference resolves, every code is in its catalogue,
//! every quantity is a non-negative integer, and every record's id is its table position.
//!
//! Demand is not assumed to sit on one side (R8): enterprises need talent, technology and
//! training; schools need internship and 顶岗实习 places, practice bases and part-time teachers
//! that enterprises offer.

use crate::catalogue::{CityId, DivisionId, InstitutionId, Level, MajorId};
use crate::id::{
    PartyId, PlacementNeedId, PlacementOfferId, TalentNeedId, TalentSupplyId,
    TechnologyCapabilityId, TechnologyNeedId, TrainingNeedId, TrainingOfferId,
};

/// Declares a small enum of record-level choices with its Chinese and English spellings.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal, $zh:literal $(| $alias:literal)*;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The English key accepted in ledgers.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            /// The Chinese name used in reports (also accepted in ledgers).
            pub fn name_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            /// Parses the English key, the Chinese name or a listed alias.
            pub fn parse(text: &str) -> Option<Self> {
                match text.trim() {
                    $($key | $zh $(| $alias)* => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The accepted spellings, for error messages.
            pub fn spellings() -> String {
                let v: Vec<String> = Self::ALL.iter().map(|c| format!("{} ({})", c.key(), c.name_zh())).collect();
                v.join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name_zh())
            }
        }
    };
}

choice!(
    /// Enterprise size class (企业规模), as in the NBS 大中小微型企业划分办法.
    EnterpriseSize {
        /// 大型.
        Large = "large", "大型" | "大型企业";
        /// 中型.
        Medium = "medium", "中型" | "中型企业";
        /// 小型.
        Small = "small", "小型" | "小型企业";
        /// 微型.
        Micro = "micro", "微型" | "微型企业";
    }
);

choice!(
    /// Whether an authority is a local government or a key park (重点园区).
    AuthorityKind {
        /// 地方政府.
        Government = "government", "地方政府";
        /// 重点园区 (沈大国家自主创新示范区, 沈抚新区, 金普新区, 中德产业园, …).
        Park = "park", "重点园区" | "园区";
    }
);

choice!(
    /// The two kinds of technology need the policy names.
    TechnologyNeedKind {
        /// 技术升级改造课题: an upgrade project for one enterprise.
        Upgrade = "upgrade", "技术升级改造" | "技术升级改造课题";
        /// 核心和共性技术: a core or common technology, often tackled by a consortium (联合攻克).
        Core = "core", "核心和共性技术" | "核心技术" | "共性技术";
    }
);

choice!(
    /// Kinds of employee training schools provide to enterprises.
    TrainingKind {
        /// 岗前培训.
        PreJob = "pre_job", "岗前培训";
        /// 继续教育.
        Continuing = "continuing", "继续教育";
    }
);

choice!(
    /// What a school asks of enterprises, and what enterprises offer schools.
    PlacementKind {
        /// 实习: internship places.
        Internship = "internship", "实习";
        /// 顶岗实习: placement in a real post.
        PostInternship = "post_internship", "顶岗实习";
        /// 实践基地: a practice base.
        PracticeBase = "practice_base", "实践基地" | "实习实训基地";
        /// 兼职教师: enterprise staff as part-time teachers.
        PartTimeTeacher = "part_time_teacher", "兼职教师";
    }
);

choice!(
    /// The level of a research platform (平台级别).
    PlatformLevel {
        /// 国家级.
        National = "national", "国家级";
        /// 省级.
        Provincial = "provincial", "省级";
        /// 市级.
        Municipal = "municipal", "市级";
        /// No accredited platform.
        None = "none", "无";
    }
);

/// What kind of party a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PartyKind {
    /// A school (高中等学校): 中职, 高职, 本科 or graduate-granting.
    School,
    /// A research institute (科研院所).
    Institute,
    /// An enterprise (行业企业).
    Enterprise,
    /// A local government or key park.
    Authority,
}

impl PartyKind {
    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            PartyKind::School => "学校",
            PartyKind::Institute => "科研院所",
            PartyKind::Enterprise => "企业",
            PartyKind::Authority => "地方政府/园区",
        }
    }
}

/// The fields only some kinds of party have.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PartyDetail {
    /// A school and the highest level it teaches.
    School {
        /// The highest level it teaches (a 本科 university may also run 高职专科 programmes).
        level: Level,
        /// The matching entry in the MoE list of Liaoning institutions, when the name or code
        /// matched exactly.
        institution: Option<InstitutionId>,
    },
    /// A research institute.
    Institute,
    /// An enterprise.
    Enterprise {
        /// Size class.
        size: EnterpriseSize,
        /// GB/T 4754—2017 division.
        division: DivisionId,
        /// The development domain (发展领域) it was filed under, if any.
        domain: Option<String>,
        /// The key park (重点园区) it is in, if any: 沈大国家自主创新示范区, 沈抚新区, 金普新区,
        /// 中德产业园, …
        park: Option<String>,
    },
    /// A local government or park.
    Authority {
        /// Government or park.
        kind: AuthorityKind,
    },
}

/// A party to the programme: school, institute, enterprise, government or park.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Party {
    /// Dense id (position in [`Ledger::parties`]).
    pub id: PartyId,
    /// The id as the user wrote it; unique across all parties.
    pub external_id: String,
    /// Name.
    pub name: String,
    /// Its city in Liaoning; `None` only for out-of-province members.
    pub city: Option<CityId>,
    /// An out-of-province member (省外, 柔性加入).
    pub out_of_province: bool,
    /// Kind-specific fields.
    pub detail: PartyDetail,
}

impl Party {
    /// What kind of party this is.
    pub fn kind(&self) -> PartyKind {
        match self.detail {
            PartyDetail::School { .. } => PartyKind::School,
            PartyDetail::Institute => PartyKind::Institute,
            PartyDetail::Enterprise { .. } => PartyKind::Enterprise,
            PartyDetail::Authority { .. } => PartyKind::Authority,
        }
    }
}

/// An enterprise's need for graduates of one major at one level (人才需求).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TalentNeed {
    /// Dense id.
    pub id: TalentNeedId,
    /// The id as the user wrote it.
    pub external_id: String,
    /// The enterprise that needs them.
    pub enterprise: PartyId,
    /// The major, in the catalogue of `level`.
    pub major: MajorId,
    /// Education level.
    pub level: Level,
    /// People needed.
    pub headcount: u32,
    /// Where they will work (defaults to the enterprise's city).
    pub city: Option<CityId>,
    /// The year of the need.
    pub year: u16,
}

/// A technology need (技术需求) of an enterprise.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TechnologyNeed {
    /// Dense id.
    pub id: TechnologyNeedId,
    /// The id as the user wrote it.
    pub external_id: String,
    /// The enterprise that has it.
    pub enterprise: PartyId,
    /// Upgrade project or core/common technology.
    pub kind: TechnologyNeedKind,
    /// Disciplines it needs (研究生学科专业目录 2022 codes), at least one.
    pub disciplines: Vec<MajorId>,
    /// Keywords, as written (Chinese kept).
    pub keywords: Vec<String>,
    /// Free-text description.
    pub description: String,
    /// Budget in 万元 (10,000 yuan), if stated.
    pub scale: Option<u64>,
    /// The year of the need.
    pub year: u16,
}

/// An enterprise's need for employee training (岗前培训, 继续教育).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrainingNeed {
    /// Dense id.
    pub id: TrainingNeedId,
    /// The id as the user wrote it.
    pub external_id: String,
    /// The enterprise.
    pub enterprise: PartyId,
    /// Kind of training.
    pub kind: TrainingKind,
    /// Subject, as a major of `level`.
    pub major: MajorId,
    /// Level of the training.
    pub level: Level,
    /// People to train.
    pub trainees: u32,
    /// The year.
    pub year: u16,
}

/// What a school asks of enterprises: places, bases or teachers for one major.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlacementNeed {
    /// Dense id.
    pub id: PlacementNeedId,
    /// The id as the user wrote it.
    pub external_id: String,
    /// The school.
    pub school: PartyId,
    /// What it asks for.
    pub kind: PlacementKind,
    /// For students (or teaching) of this major.
    pub major: MajorId,
    /// Level of the major.
    pub level: Level,
    /// Places (or teachers, or bases) wanted.
    pub places: u32,
    /// The year.
    pub year: u16,
}

/// A school's yearly graduates of one major at one level (人才供给).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TalentSupply {
    /// Dense id.
    pub id: TalentSupplyId,
    /// The id as the user wrote it.
    pub external_id: String,
    /// The school.
    pub school: PartyId,
    /// The major, in the catalogue of `level`.
    pub major: MajorId,
    /// Level.
    pub level: Level,
    /// Graduates a year.
    pub graduates: u32,
    /// Employment rate in `[0, 1]`, if known.
    pub employment_rate: Option<f64>,
    /// The year.
    pub year: u16,
}

/// What a school or institute can do in research and development (科技供给).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TechnologyCapability {
    /// Dense id.
    pub id: TechnologyCapabilityId,
    /// The id as the user wrote it.
    pub external_id: String,
    /// The school or institute.
    pub provider: PartyId,
    /// Platform name (重点实验室, 工程中心, …), if any.
    pub platform: Option<String>,
    /// Platform level.
    pub platform_level: PlatformLevel,
    /// Disciplines (研究生学科专业目录 2022 codes), at least one.
    pub disciplines: Vec<MajorId>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Projects it can take on a year.
    pub capacity: u32,
    /// The year.
    pub year: u16,
}

/// Training a school can give enterprises' employees.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrainingOffer {
    /// Dense id.
    pub id: TrainingOfferId,
    /// The id as the user wrote it.
    pub external_id: String,
    /// The school.
    pub school: PartyId,
    /// Kind of training.
    pub kind: TrainingKind,
    /// Subject.
    pub major: MajorId,
    /// Level.
    pub level: Level,
    /// Trainees a year.
    pub capacity: u32,
    /// The year.
    pub year: u16,
}

/// Places, bases or staff an enterprise offers schools.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlacementOffer {
    /// Dense id.
    pub id: PlacementOfferId,
    /// The id as the user wrote it.
    pub external_id: String,
    /// The enterprise.
    pub enterprise: PartyId,
    /// What it offers.
    pub kind: PlacementKind,
    /// For this major.
    pub major: MajorId,
    /// Level of the major.
    pub level: Level,
    /// Places offered.
    pub places: u32,
    /// The year.
    pub year: u16,
}

/// A validated supply–demand ledger (供需信息台账).
///
/// Every table is indexed by its dense id. Build one with
/// [`Ledger::from_records`](crate::Ledger::from_records).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ledger {
    /// Schools, institutes, enterprises, governments and parks.
    pub parties: Vec<Party>,
    /// Enterprises' talent needs.
    pub talent_needs: Vec<TalentNeed>,
    /// Enterprises' technology needs.
    pub technology_needs: Vec<TechnologyNeed>,
    /// Enterprises' training needs.
    pub training_needs: Vec<TrainingNeed>,
    /// Schools' needs of enterprises.
    pub placement_needs: Vec<PlacementNeed>,
    /// Schools' graduates.
    pub talent_supply: Vec<TalentSupply>,
    /// Schools' and institutes' research capabilities.
    pub technology_capabilities: Vec<TechnologyCapability>,
    /// Schools' training offers.
    pub training_offers: Vec<TrainingOffer>,
    /// Enterprises' offers to schools.
    pub placement_offers: Vec<PlacementOffer>,
}

impl Ledger {
    /// The party with this id.
    pub fn party(&self, id: PartyId) -> &Party {
        &self.parties[id.index()]
    }

    /// The party with this external id, if any (linear scan; for lookups from user input).
    pub fn party_by_external_id(&self, external: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.external_id == external)
    }

    /// How many records of every kind, in [`RecordKind::ALL`](crate::RecordKind::ALL) order.
    pub fn counts(&self) -> Vec<(crate::RecordKind, usize)> {
        use crate::RecordKind as K;
        let party = |k: PartyKind| self.parties.iter().filter(|p| p.kind() == k).count();
        vec![
            (K::Schools, party(PartyKind::School)),
            (K::Institutes, party(PartyKind::Institute)),
            (K::Enterprises, party(PartyKind::Enterprise)),
            (K::Authorities, party(PartyKind::Authority)),
            (K::TalentNeeds, self.talent_needs.len()),
            (K::TechnologyNeeds, self.technology_needs.len()),
            (K::TrainingNeeds, self.training_needs.len()),
            (K::PlacementNeeds, self.placement_needs.len()),
            (K::TalentSupply, self.talent_supply.len()),
            (
                K::TechnologyCapabilities,
                self.technology_capabilities.len(),
            ),
            (K::TrainingOffers, self.training_offers.len()),
            (K::PlacementOffers, self.placement_offers.len()),
        ]
    }

    /// The years its needs and offers are for, in order (a ledger kept over several rounds
    /// holds one set of records per year).
    pub fn years(&self) -> Vec<u16> {
        let mut years: Vec<u16> = (self.talent_needs.iter().map(|r| r.year))
            .chain(self.technology_needs.iter().map(|r| r.year))
            .chain(self.training_needs.iter().map(|r| r.year))
            .chain(self.placement_needs.iter().map(|r| r.year))
            .chain(self.talent_supply.iter().map(|r| r.year))
            .chain(self.technology_capabilities.iter().map(|r| r.year))
            .chain(self.training_offers.iter().map(|r| r.year))
            .chain(self.placement_offers.iter().map(|r| r.year))
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// [`Ledger::of_year`] for a year the ledger has needs or offers of.
    ///
    /// # Errors
    /// [`NoSuchYear`] naming the years it has.
    pub fn year(&self, year: u16) -> Result<Ledger, NoSuchYear> {
        let years = self.years();
        if years.contains(&year) {
            Ok(self.of_year(year))
        } else {
            Err(NoSuchYear { year, years })
        }
    }

    /// The ledger of one year: every party, and only the needs and offers of `year`, in their
    /// order — what the round of that year matches (`duijie match --year`). Needs and offers
    /// are paired only within a year in any case; a year's ledger also scores with that year's
    /// records alone (the weights of words are counted over the records present).
    #[must_use]
    pub fn of_year(&self, year: u16) -> Ledger {
        fn keep<T: Clone>(rows: &[T], year: u16, of: impl Fn(&T) -> u16) -> Vec<T> {
            rows.iter().filter(|r| of(r) == year).cloned().collect()
        }
        Ledger {
            parties: self.parties.clone(),
            talent_needs: keep(&self.talent_needs, year, |r| r.year),
            technology_needs: keep(&self.technology_needs, year, |r| r.year),
            training_needs: keep(&self.training_needs, year, |r| r.year),
            placement_needs: keep(&self.placement_needs, year, |r| r.year),
            talent_supply: keep(&self.talent_supply, year, |r| r.year),
            technology_capabilities: keep(&self.technology_capabilities, year, |r| r.year),
            training_offers: keep(&self.training_offers, year, |r| r.year),
            placement_offers: keep(&self.placement_offers, year, |r| r.year),
        }
    }
}

/// A year a ledger has no need or offer of ([`Ledger::year`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoSuchYear {
    /// The year asked for.
    pub year: u16,
    /// The years the ledger has.
    pub years: Vec<u16>,
}

impl std::fmt::Display for NoSuchYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let have: Vec<String> = self.years.iter().map(u16::to_string).collect();
        write!(
            f,
            "year {}: the ledger has no needs or offers of {} (it has {})",
            self.year,
            self.year,
            if have.is_empty() {
                "none".to_owned()
            } else {
                have.join(", ")
            }
        )
    }
}

impl std::error::Error for NoSuchYear {}
