//! The record schema: which tables a ledger has and which fields each accepts.
//!
//! This table is the single source of truth: the CSV and JSON loaders check headers and keys
//! against it, validation reads fields by these names, and `datasets/README.md` documents it.

/// The tables of a ledger. In CSV each is one file named `<name>.csv`; in JSON each is a key
/// of the top-level object holding an array of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RecordKind {
    /// `schools`: 高中等学校.
    Schools,
    /// `institutes`: 科研院所.
    Institutes,
    /// `enterprises`: 行业企业.
    Enterprises,
    /// `authorities`: 地方政府 and 重点园区.
    Authorities,
    /// `talent_needs`: 人才需求.
    TalentNeeds,
    /// `technology_needs`: 技术需求.
    TechnologyNeeds,
    /// `training_needs`: 员工培训需求.
    TrainingNeeds,
    /// `placement_needs`: schools' needs of enterprises (实习, 顶岗实习, 实践基地, 兼职教师).
    PlacementNeeds,
    /// `talent_supply`: 人才供给.
    TalentSupply,
    /// `technology_capabilities`: 科技供给.
    TechnologyCapabilities,
    /// `training_offers`: schools' training capacity.
    TrainingOffers,
    /// `placement_offers`: enterprises' places for schools.
    PlacementOffers,
}

/// One field of a record kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field (CSV column, JSON key) name.
    pub name: &'static str,
    /// Whether every record must give it.
    pub required: bool,
    /// What it holds, for documentation and messages.
    pub doc: &'static str,
}

/// A field's Chinese label, for workbook headers and messages (`headcount` → 需求人数); the
/// field name itself when it has none.
pub fn field_label_zh(name: &str) -> &str {
    match name {
        "id" => "编号",
        "name" => "名称",
        "level" => "层次",
        "city" => "城市",
        "moe_code" => "学校标识码",
        "out_of_province" => "省外",
        "size" => "企业规模",
        "industry" => "行业代码",
        "domain" => "发展领域",
        "park" => "重点园区",
        "kind" => "类别",
        "enterprise" => "企业编号",
        "school" => "学校编号",
        "provider" => "提供单位编号",
        "major_code" => "专业代码",
        "major_name" => "专业名称",
        "headcount" => "需求人数",
        "graduates" => "毕业生人数",
        "employment_rate" => "就业率",
        "year" => "年度",
        "disciplines" => "学科代码",
        "keywords" => "关键词",
        "description" => "需求描述",
        "scale" => "经费规模（万元）",
        "platform" => "平台名称",
        "platform_level" => "平台级别",
        "capacity" => "可承接数量",
        "trainees" => "培训人数",
        "places" => "岗位数",
        other => other,
    }
}

const fn req(name: &'static str, doc: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        required: true,
        doc,
    }
}

const fn opt(name: &'static str, doc: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        required: false,
        doc,
    }
}

const ID: FieldSpec = req(
    "id",
    "text id, unique in its table (party ids: across all party tables)",
);
const YEAR: FieldSpec = req("year", "whole year, 2000 to 2100");
const LEVEL: FieldSpec = req(
    "level",
    "中职, 高职专科, 高职本科, 本科 or 研究生 (or the English key)",
);
const MAJOR_CODE: FieldSpec = opt(
    "major_code",
    "code in the level's catalogue (one of major_code, major_name is required)",
);
const MAJOR_NAME: FieldSpec = opt("major_name", "official name in the level's catalogue");
const CITY: FieldSpec = opt(
    "city",
    "Liaoning city: 沈阳市, 沈阳, Shenyang or 210100 (schools: required unless out_of_province)",
);
const OUT: FieldSpec = opt(
    "out_of_province",
    "true for an out-of-province member (省外, 柔性加入)",
);
const DISCIPLINES: FieldSpec = req(
    "disciplines",
    "研究生学科专业目录 2022 codes (0802 机械工程), `;`-separated in CSV",
);
const KEYWORDS: FieldSpec = opt("keywords", "keywords, `;`-separated in CSV");

impl RecordKind {
    /// Every kind, parties first (the order validation resolves them in).
    pub const ALL: [RecordKind; 12] = [
        RecordKind::Schools,
        RecordKind::Institutes,
        RecordKind::Enterprises,
        RecordKind::Authorities,
        RecordKind::TalentNeeds,
        RecordKind::TechnologyNeeds,
        RecordKind::TrainingNeeds,
        RecordKind::PlacementNeeds,
        RecordKind::TalentSupply,
        RecordKind::TechnologyCapabilities,
        RecordKind::TrainingOffers,
        RecordKind::PlacementOffers,
    ];

    /// The table name: the CSV file stem and the JSON key.
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::Schools => "schools",
            RecordKind::Institutes => "institutes",
            RecordKind::Enterprises => "enterprises",
            RecordKind::Authorities => "authorities",
            RecordKind::TalentNeeds => "talent_needs",
            RecordKind::TechnologyNeeds => "technology_needs",
            RecordKind::TrainingNeeds => "training_needs",
            RecordKind::PlacementNeeds => "placement_needs",
            RecordKind::TalentSupply => "talent_supply",
            RecordKind::TechnologyCapabilities => "technology_capabilities",
            RecordKind::TrainingOffers => "training_offers",
            RecordKind::PlacementOffers => "placement_offers",
        }
    }

    /// The kind whose table name is `name`.
    pub fn from_name(name: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The table's Chinese name, as officers call it (人才需求).
    pub fn name_zh(self) -> &'static str {
        match self {
            RecordKind::Schools => "学校",
            RecordKind::Institutes => "科研院所",
            RecordKind::Enterprises => "企业",
            RecordKind::Authorities => "地方政府和园区",
            RecordKind::TalentNeeds => "人才需求",
            RecordKind::TechnologyNeeds => "技术需求",
            RecordKind::TrainingNeeds => "培训需求",
            RecordKind::PlacementNeeds => "实习实践需求",
            RecordKind::TalentSupply => "人才供给",
            RecordKind::TechnologyCapabilities => "技术供给",
            RecordKind::TrainingOffers => "培训供给",
            RecordKind::PlacementOffers => "实习实践岗位",
        }
    }

    /// The kind a label names: the table name (`talent_needs`), its Chinese name (`人才需求`),
    /// or both separated by a space (`talent_needs 人才需求`, a workbook sheet's name).
    pub fn from_label(label: &str) -> Option<RecordKind> {
        let label = label.trim();
        RecordKind::ALL.into_iter().find(|k| {
            label == k.name()
                || label == k.name_zh()
                || label
                    .split_whitespace()
                    .any(|t| t == k.name() || t == k.name_zh())
        })
    }

    /// The field naming the party a need or capability belongs to (`id` for parties).
    pub fn owner_field(self) -> &'static str {
        match self {
            RecordKind::Schools
            | RecordKind::Institutes
            | RecordKind::Enterprises
            | RecordKind::Authorities => "id",
            RecordKind::TalentNeeds
            | RecordKind::TechnologyNeeds
            | RecordKind::TrainingNeeds
            | RecordKind::PlacementOffers => "enterprise",
            RecordKind::PlacementNeeds | RecordKind::TalentSupply | RecordKind::TrainingOffers => {
                "school"
            }
            RecordKind::TechnologyCapabilities => "provider",
        }
    }

    /// The fields this kind accepts, in the order a CSV header is written.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            RecordKind::Schools => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("name", "name"),
                    req(
                        "level",
                        "highest level taught: 中职, 高职专科, 高职本科, 本科 or 研究生",
                    ),
                    CITY,
                    opt("moe_code", "ten-digit MoE school code (学校标识码)"),
                    OUT,
                ];
                F
            }
            RecordKind::Institutes => {
                const F: &[FieldSpec] = &[ID, req("name", "name"), CITY, OUT];
                F
            }
            RecordKind::Enterprises => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("name", "name"),
                    req(
                        "size",
                        "大型, 中型, 小型 or 微型 (large, medium, small, micro)",
                    ),
                    req(
                        "industry",
                        "GB/T 4754—2017 division, two digits (35 专用设备制造业)",
                    ),
                    req("city", "Liaoning city"),
                    opt("domain", "development domain (发展领域)"),
                    opt(
                        "park",
                        "key park (重点园区) it is in: 沈大国家自主创新示范区, 沈抚新区, 金普新区, 中德产业园, …",
                    ),
                ];
                F
            }
            RecordKind::Authorities => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("name", "name"),
                    req("kind", "地方政府 or 重点园区 (government, park)"),
                    req("city", "Liaoning city"),
                ];
                F
            }
            RecordKind::TalentNeeds => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("enterprise", "enterprise id"),
                    MAJOR_CODE,
                    MAJOR_NAME,
                    LEVEL,
                    req("headcount", "people needed, a whole number ≥ 0"),
                    opt(
                        "city",
                        "where they will work (default: the enterprise's city)",
                    ),
                    YEAR,
                ];
                F
            }
            RecordKind::TechnologyNeeds => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("enterprise", "enterprise id"),
                    req("kind", "技术升级改造 or 核心和共性技术 (upgrade, core)"),
                    DISCIPLINES,
                    KEYWORDS,
                    opt("description", "free text"),
                    opt("scale", "budget in 万元, a whole number ≥ 0"),
                    YEAR,
                ];
                F
            }
            RecordKind::TrainingNeeds => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("enterprise", "enterprise id"),
                    req("kind", "岗前培训 or 继续教育 (pre_job, continuing)"),
                    MAJOR_CODE,
                    MAJOR_NAME,
                    LEVEL,
                    req("trainees", "people to train, a whole number ≥ 0"),
                    YEAR,
                ];
                F
            }
            RecordKind::PlacementNeeds => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("school", "school id"),
                    req("kind", "实习, 顶岗实习, 实践基地 or 兼职教师"),
                    MAJOR_CODE,
                    MAJOR_NAME,
                    LEVEL,
                    req("places", "places wanted, a whole number ≥ 0"),
                    YEAR,
                ];
                F
            }
            RecordKind::TalentSupply => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("school", "school id"),
                    MAJOR_CODE,
                    MAJOR_NAME,
                    LEVEL,
                    req("graduates", "graduates a year, a whole number ≥ 0"),
                    opt("employment_rate", "0 to 1, or a percentage such as 95%"),
                    YEAR,
                ];
                F
            }
            RecordKind::TechnologyCapabilities => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("provider", "school or institute id"),
                    opt("platform", "platform name"),
                    opt("platform_level", "国家级, 省级, 市级 or 无"),
                    DISCIPLINES,
                    KEYWORDS,
                    req("capacity", "projects a year, a whole number ≥ 0"),
                    YEAR,
                ];
                F
            }
            RecordKind::TrainingOffers => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("school", "school id"),
                    req("kind", "岗前培训 or 继续教育"),
                    MAJOR_CODE,
                    MAJOR_NAME,
                    LEVEL,
                    req("capacity", "trainees a year, a whole number ≥ 0"),
                    YEAR,
                ];
                F
            }
            RecordKind::PlacementOffers => {
                const F: &[FieldSpec] = &[
                    ID,
                    req("enterprise", "enterprise id"),
                    req("kind", "实习, 顶岗实习, 实践基地 or 兼职教师"),
                    MAJOR_CODE,
                    MAJOR_NAME,
                    LEVEL,
                    req("places", "places offered, a whole number ≥ 0"),
                    YEAR,
                ];
                F
            }
        }
    }

    /// The spec of one field, if this kind has it.
    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.name == name)
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
