//! duijie (对接): matches what enterprises need — technology and talent — against what schools
//! and research institutes can supply, allocates partners exactly, and reports how well supply
//! meets demand, for Liaoning's school–enterprise alliance programme (校企联盟).
//!
//! # The façade
//! What an embedder needs, all at the crate root; these names are the stable API.
//! - [`Ledger`]: the supply–demand ledger (供需信息台账), built from [`RawRecord`]s by
//!   [`Ledger::from_records`], which returns every problem at once in a [`Report`] (the
//!   `duijie-store` crate reads the records from CSV, JSON or SQLite).
//! - [`run`], [`run_with`] (a [`ScoreConfig`]) and [`run_policy`] (any [`Policy`]: see
//!   [`policy::by_name`]): every [`Market`] scored and allocated exactly, with certificates
//!   checked, into an [`Outcome`] with each market's metrics.
//! - [`Outcome::pairs`] and [`Outcome::shortfalls`]: the result as [`Pair`]s of a [`NeedRef`]
//!   and an [`OfferRef`] — the ids the ledger gave them, their owners and quantities, never a
//!   bare position — and [`Scorer::explain`] for why a pair scored what it did.
//! - [`run_programme`] with a [`ProgrammeConfig`]: the alliance programme in one call (policies
//!   compared, alliances, consortia, gaps, progress to targets) into a [`ProgrammeReport`].
//! - [`synth::ledger`]: a seeded generated ledger at sample, province or nation scale, for
//!   experiments and benchmarks.
//! - Errors are typed: [`AllocateError`], [`ProgrammeError`], [`NotThisLedger`], and the
//!   [`Problem`]s of a [`Report`].
//!
//! # Everything else
//! The modules below are public for analysts and benchmarks that need a solver or a policy on
//! their own instances; they may change between minor versions.
//! - [`catalogue`]: the official catalogues, embedded — 本科专业目录 2024, 职业教育专业目录
//!   2021, 研究生学科专业目录 2022, GB/T 4754—2017 divisions with the 三次产业 split, Liaoning's
//!   14 cities and 114 higher-education institutions.
//! - [`score`]: candidate generation and explainable scores.
//! - [`allocate`]: exact solvers that return certificates.
//! - [`policy`]: the allocation policies to compare, behind one [`Policy`] trait, the
//!   [`policy::Allocation`] they return, and the metrics every policy is measured by.
//! - [`programme`]: the alliance programme's parts — alliances and lead units, consortia for
//!   core technology needs, gap analysis with capacity what-ifs, targets and progress.
//! - [`experiment`]: policies × datasets → one comparison table.
//! - [`history`]: rounds over time — a run's partnerships by id, and the diff of two runs.
//!
//! The core does no I/O: adapters (`duijie-store`, `duijie-export`) read and write files.
//!
//! # Example
//! Three colleges and two Shenyang manufacturers: 沈阳机床 needs six 机械设计制造及其自动化
//! graduates, 新松机器人 needs three in 机器人工程.
//! ```
//! use duijie::{Ledger, Origin, RawRecord, RecordKind, Value};
//!
//! let row = |kind, fields: &[(&str, &str)]| RawRecord {
//!     kind,
//!     origin: Origin::line("example", 1),
//!     fields: fields.iter().map(|(k, v)| (k.to_string(), Value::Text(v.to_string()))).collect(),
//!     typed: false,
//! };
//! use RecordKind::*;
//! let records = vec![
//!     row(Schools, &[("id", "S1"), ("name", "沈阳工业大学"), ("level", "研究生"), ("city", "沈阳")]),
//!     row(Schools, &[("id", "S2"), ("name", "大连理工大学"), ("level", "研究生"), ("city", "大连")]),
//!     row(Schools, &[("id", "S3"), ("name", "辽宁机电职业技术学院"), ("level", "高职专科"), ("city", "丹东")]),
//!     row(Enterprises, &[("id", "E1"), ("name", "沈阳机床"), ("size", "大型"), ("industry", "34"), ("city", "沈阳")]),
//!     row(Enterprises, &[("id", "E2"), ("name", "新松机器人"), ("size", "大型"), ("industry", "34"), ("city", "沈阳")]),
//!     row(TalentNeeds, &[("id", "N1"), ("enterprise", "E1"), ("major_code", "080202"), ("level", "本科"), ("headcount", "6"), ("year", "2025")]),
//!     row(TalentNeeds, &[("id", "N2"), ("enterprise", "E2"), ("major_code", "080803T"), ("level", "本科"), ("headcount", "3"), ("year", "2025")]),
//!     row(TalentSupply, &[("id", "T1"), ("school", "S1"), ("major_code", "080202"), ("level", "本科"), ("graduates", "4"), ("year", "2025")]),
//!     row(TalentSupply, &[("id", "T2"), ("school", "S2"), ("major_code", "080803T"), ("level", "本科"), ("graduates", "5"), ("year", "2025")]),
//! ];
//! let (ledger, report) = Ledger::from_records(records);
//! assert!(!report.has_errors(), "{report}");
//! let outcome = duijie::run(&ledger).unwrap();
//! let talent = outcome.market(duijie::Market::Talent).unwrap();
//! // 沈阳工业大学's 4 graduates go to 沈阳机床, 大连理工's 5 cover 新松's 3, and the 2 left
//! // (same 门类 工学, a weaker fit) fill the rest of 沈阳机床's need.
//! assert_eq!(talent.metrics.matched_units, 9);
//! assert_eq!(talent.metrics.unmet_units, 0);
//! // Every partnership by the ledger's own ids, with its reasons.
//! let scorer = duijie::Scorer::new(&outcome.config, &ledger);
//! let pairs = outcome.pairs(&ledger).unwrap();
//! let first = &pairs[0];
//! assert_eq!((first.need.id, first.offer.id, first.units), ("N1", "T1", 4));
//! assert_eq!(first.need.owner.name, "沈阳机床");
//! assert!(scorer.explain(first).unwrap().to_string().contains("080202"));
//! ```
//!
//! # Features
//! - `serde` (default): `Serialize`/`Deserialize` on the published data model.
//! - `testkit`: brute-force oracles for tests, fuzzing and benchmarks (not stable API).
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod allocate;
pub mod catalogue;
pub mod experiment;
pub mod games;
pub mod history;
pub mod id;
pub mod message;
pub mod model;
pub mod pipeline;
pub mod policy;
pub mod programme;
pub mod refs;
pub mod score;
pub mod synth;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod validate;

pub use allocate::AllocateError;
pub use catalogue::{Catalogues, Level};
pub use model::{
    AuthorityKind, EnterpriseSize, Ledger, Party, PartyDetail, PartyKind, PlacementKind,
    PlatformLevel, TechnologyNeedKind, TrainingKind,
};
pub use pipeline::{MarketOutcome, Outcome, run, run_policy, run_with};
pub use policy::Policy;
pub use programme::{ProgrammeConfig, ProgrammeError, ProgrammeReport, run as run_programme};
pub use refs::{NeedRef, NotThisLedger, OfferRef, Pair, Ref, Shortfall};
pub use score::{Market, Score, ScoreConfig, Scorer};
pub use validate::{Origin, Problem, ProblemKind, RawRecord, RecordKind, Report, Severity, Value};
