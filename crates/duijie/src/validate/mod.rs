//! Validation: raw records in, a consistent [`Ledger`] and one report of every problem out.
//!
//! Adapters (CSV, JSON, SQLite) turn their rows into [`RawRecord`]s — field names with
//! [`Value`]s and an [`Origin`] saying where the row came from — and hand them all to
//! [`Ledger::from_records`]. The record schema lives here, once, in [`RecordKind::fields`], so
//! every format accepts exactly the same fields with exactly the same rules.
//!
//! Validation never stops at the first problem: it returns the ledger of the records that
//! passed together with a [`Report`] holding every problem, each with its file, line, column,
//! field, record id and, where one exists, a suggestion. A record with an error is left out of
//! the ledger, and the report says why; callers decide whether to go on (the CLI refuses).

mod reader;
mod schema;

use std::collections::HashMap;

use crate::catalogue::Level;
use crate::id::{
    Interner, PartyId, PlacementNeedId, PlacementOfferId, TalentNeedId, TalentSupplyId,
    TechnologyCapabilityId, TechnologyNeedId, TrainingNeedId, TrainingOfferId,
};
use crate::model::{
    AuthorityKind, EnterpriseSize, Ledger, Party, PartyDetail, PartyKind, PlacementNeed,
    PlacementOffer, PlatformLevel, TalentNeed, TalentSupply, TechnologyCapability, TechnologyNeed,
    TechnologyNeedKind, TrainingNeed, TrainingOffer,
};

pub use schema::{FieldSpec, RecordKind, field_label_zh};

use reader::Reader;

/// A field value as an adapter read it, before any interpretation.
///
/// CSV gives only [`Value::Text`]; JSON gives typed values, and a number written as text in
/// JSON is an error (no number is accepted as a string by accident).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string (every CSV cell).
    Text(String),
    /// A JSON integer.
    Integer(i128),
    /// A JSON number with a fraction or exponent.
    Number(f64),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON array (lists of codes or keywords).
    List(Vec<Value>),
    /// JSON `null`, or a field present with no value.
    Null,
}

/// Where a record came from, for messages.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The file (or table, or stream) name as the user would recognise it.
    pub source: String,
    /// 1-based line of the record's first character, when known.
    pub line: Option<u64>,
    /// A path inside a structured source, such as `talent_needs[3]` in JSON.
    pub path: Option<String>,
}

impl Origin {
    /// An origin at a line of a file.
    pub fn line(source: impl Into<String>, line: u64) -> Self {
        Origin {
            source: source.into(),
            line: Some(line),
            path: None,
        }
    }

    /// An origin at a path inside a structured file.
    pub fn path(source: impl Into<String>, path: impl Into<String>) -> Self {
        Origin {
            source: source.into(),
            line: None,
            path: Some(path.into()),
        }
    }
}

impl std::fmt::Display for Origin {
    /// `file:line path`, with invisible characters shown as `<U+200B>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::message::escape_invisible as esc;
        f.write_str(&esc(&self.source))?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(p) = &self.path {
            write!(f, " {}", esc(p))?;
        }
        Ok(())
    }
}

/// One record as an adapter read it.
#[derive(Clone, Debug, PartialEq)]
pub struct RawRecord {
    /// Which table it belongs to.
    pub kind: RecordKind,
    /// Where it came from.
    pub origin: Origin,
    /// Fields in source order; names as written (a duplicate name is reported, not merged).
    pub fields: Vec<(String, Value)>,
    /// Whether the source has typed values (JSON): then numbers written as text are errors.
    pub typed: bool,
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Severity {
    /// The record (or file) cannot be used as it is.
    Error,
    /// The record is used, but something is probably wrong.
    Warning,
}

/// The classes of problem validation reports; callers may branch on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ProblemKind {
    /// Bytes that are neither UTF-8 nor GB18030: re-save the file as UTF-8.
    Encoding,
    /// Malformed file structure (an unterminated quote, broken JSON): fix the file around the
    /// position given.
    Syntax,
    /// A CSV row with more or fewer fields than the header.
    RaggedRow,
    /// The same column twice in a CSV header.
    DuplicateHeader,
    /// The same key twice in one JSON record.
    DuplicateKey,
    /// A field the schema does not know (often a misspelt field name).
    UnknownField,
    /// A required field that is missing or empty.
    MissingField,
    /// A value of the wrong type or form.
    InvalidValue,
    /// A negative quantity.
    NegativeNumber,
    /// A fractional quantity where a whole number is needed.
    FractionalNumber,
    /// A number outside its allowed range.
    OutOfRange,
    /// A major code or name that is not in the level's catalogue.
    UnknownMajor,
    /// A major code that exists, but in another level's catalogue.
    WrongLevel,
    /// A discipline code that is not in 研究生学科专业目录 2022.
    UnknownDiscipline,
    /// A city that is not one of Liaoning's 14.
    UnknownCity,
    /// An industry code that is not a GB/T 4754—2017 division.
    UnknownIndustry,
    /// A reference to a party id that no record defines.
    UnknownReference,
    /// A reference to a party of the wrong kind (a school where an enterprise is needed).
    WrongPartyKind,
    /// An id that two records share.
    DuplicateId,
    /// An id that a spreadsheet has mangled (`1.10101E+17`, `1,234`, full-width digits).
    MangledId,
    /// Fields that contradict each other (a major code and a name of different majors).
    Inconsistent,
    /// A file that was not read (not `.csv` or `.json`, or named after no table).
    NotRead,
    /// A value holding an invisible or control character (a NUL byte, a zero-width space, a
    /// byte-order mark): retype the value; the message shows where it is.
    InvisibleCharacter,
    /// A value, a row or a file beyond its documented size limit.
    TooLong,
}

impl ProblemKind {
    /// A short kebab-case name, as printed in reports (`unknown-major`).
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::Encoding => "encoding",
            ProblemKind::Syntax => "syntax",
            ProblemKind::RaggedRow => "ragged-row",
            ProblemKind::DuplicateHeader => "duplicate-header",
            ProblemKind::DuplicateKey => "duplicate-key",
            ProblemKind::UnknownField => "unknown-field",
            ProblemKind::MissingField => "missing-field",
            ProblemKind::InvalidValue => "invalid-value",
            ProblemKind::NegativeNumber => "negative-number",
            ProblemKind::FractionalNumber => "fractional-number",
            ProblemKind::OutOfRange => "out-of-range",
            ProblemKind::UnknownMajor => "unknown-major",
            ProblemKind::WrongLevel => "wrong-level",
            ProblemKind::UnknownDiscipline => "unknown-discipline",
            ProblemKind::UnknownCity => "unknown-city",
            ProblemKind::UnknownIndustry => "unknown-industry",
            ProblemKind::UnknownReference => "unknown-reference",
            ProblemKind::WrongPartyKind => "wrong-party-kind",
            ProblemKind::DuplicateId => "duplicate-id",
            ProblemKind::MangledId => "mangled-id",
            ProblemKind::Inconsistent => "inconsistent",
            ProblemKind::NotRead => "not-read",
            ProblemKind::InvisibleCharacter => "invisible-character",
            ProblemKind::TooLong => "too-long",
        }
    }

    /// The kind in Chinese, as officers read it in a report (`unknown-major` → 未知专业).
    pub fn name_zh(self) -> &'static str {
        match self {
            ProblemKind::Encoding => "编码错误",
            ProblemKind::Syntax => "格式错误",
            ProblemKind::RaggedRow => "列数不符",
            ProblemKind::DuplicateHeader => "列名重复",
            ProblemKind::DuplicateKey => "键重复",
            ProblemKind::UnknownField => "未知列",
            ProblemKind::MissingField => "缺少必填项",
            ProblemKind::InvalidValue => "取值无效",
            ProblemKind::NegativeNumber => "数值为负",
            ProblemKind::FractionalNumber => "应为整数",
            ProblemKind::OutOfRange => "超出范围",
            ProblemKind::UnknownMajor => "未知专业",
            ProblemKind::WrongLevel => "层次不符",
            ProblemKind::UnknownDiscipline => "未知学科",
            ProblemKind::UnknownCity => "未知城市",
            ProblemKind::UnknownIndustry => "未知行业",
            ProblemKind::UnknownReference => "引用的单位不存在",
            ProblemKind::WrongPartyKind => "单位类别不符",
            ProblemKind::DuplicateId => "编号重复",
            ProblemKind::MangledId => "编号被表格软件改写",
            ProblemKind::Inconsistent => "前后矛盾",
            ProblemKind::NotRead => "未读取",
            ProblemKind::InvisibleCharacter => "含不可见字符",
            ProblemKind::TooLong => "超长",
        }
    }
}

/// One problem found in the input, with everything needed to find and fix it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The class of problem.
    pub kind: ProblemKind,
    /// The file or source name.
    pub source: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column (CSV field position), when known.
    pub column: Option<u64>,
    /// Path inside a structured source (`talent_needs[3]`), when known.
    pub path: Option<String>,
    /// The field concerned, when one is.
    pub field: Option<String>,
    /// The id of the record concerned, when it has a readable one.
    pub record_id: Option<String>,
    /// What is wrong, lowercase, naming the offending value.
    pub message: String,
    /// What to do about it, when duijie can tell.
    pub suggestion: Option<String>,
    /// The message in Chinese, when it has been worded so ([`Problem::render`] falls back to
    /// `message`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub message_zh: Option<String>,
    /// The suggestion in Chinese, when it has been worded so.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub suggestion_zh: Option<String>,
}

impl Problem {
    /// A problem at a place in a source, with no record or field yet.
    pub fn at(
        severity: Severity,
        kind: ProblemKind,
        origin: &Origin,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity,
            kind,
            source: origin.source.clone(),
            line: origin.line,
            column: None,
            path: origin.path.clone(),
            field: None,
            record_id: None,
            message: message.into(),
            suggestion: None,
            message_zh: None,
            suggestion_zh: None,
        }
    }

    /// The same problem with its message (and suggestion) also worded in Chinese.
    pub fn in_chinese(mut self, message: impl Into<String>, suggestion: Option<String>) -> Self {
        self.message_zh = Some(message.into());
        self.suggestion_zh = suggestion;
        self
    }

    /// The same problem, naming a field.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The same problem, at a column.
    pub fn with_column(mut self, column: u64) -> Self {
        self.column = Some(column);
        self
    }

    /// The same problem, with a suggestion.
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }
}

impl std::fmt::Display for Problem {
    /// `file:line:column: error[kind] record "id" field `name`: message`, then the help on its
    /// own line; invisible characters anywhere are shown as `<U+200B>` ([`Problem::render`] in
    /// English).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(crate::message::Lang::En))
    }
}

impl Problem {
    /// The problem for people: its place, severity and kind, record and field, message and
    /// help. In Chinese the frame is Chinese (`警告[invalid-value 取值无效] 记录 "S02" 字段
    /// name（名称）：…` and `建议：…`); the message and help keep their English wording.
    pub fn render(&self, lang: crate::message::Lang) -> String {
        use crate::message::{Lang, escape_invisible as esc};
        use std::fmt::Write as _;
        let mut f = esc(&self.source).into_owned();
        if let Some(l) = self.line {
            let _ = write!(f, ":{l}");
            if let Some(c) = self.column {
                let _ = write!(f, ":{c}");
            }
        }
        if let Some(p) = &self.path {
            let _ = write!(f, " {}", esc(p));
        }
        match lang {
            Lang::En => {
                let sev = match self.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let _ = write!(f, ": {sev}[{}]", self.kind.code());
                if let Some(id) = &self.record_id {
                    let _ = write!(f, " record \"{}\"", esc(id));
                }
                if let Some(field) = &self.field {
                    let _ = write!(f, " field `{}`", esc(field));
                }
                let _ = write!(f, ": {}", esc(&self.message));
                if let Some(s) = &self.suggestion {
                    let _ = write!(f, "\n  help: {}", esc(s));
                }
            }
            Lang::Zh => {
                let sev = match self.severity {
                    Severity::Error => "错误",
                    Severity::Warning => "警告",
                };
                let _ = write!(f, "：{sev}[{} {}]", self.kind.code(), self.kind.name_zh());
                if let Some(id) = &self.record_id {
                    let _ = write!(f, " 记录 \"{}\"", esc(id));
                }
                if let Some(field) = &self.field {
                    let _ = write!(
                        f,
                        " 字段 {}（{}）",
                        esc(field),
                        schema::field_label_zh(field)
                    );
                }
                let _ = write!(
                    f,
                    "：{}",
                    esc(self.message_zh.as_ref().unwrap_or(&self.message))
                );
                if let Some(s) = self.suggestion_zh.as_ref().or(self.suggestion.as_ref()) {
                    let _ = write!(f, "\n  建议：{}", esc(s));
                }
            }
        }
        f
    }
}

/// Every problem found in one validation, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Report {
    /// The problems, sorted by source, line, column, then message.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// How many errors.
    pub fn error_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    /// How many warnings.
    pub fn warning_count(&self) -> usize {
        self.problems.len() - self.error_count()
    }

    /// Adds problems (from an adapter's own checks) and restores source order.
    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.problems.extend(problems);
        self.sort();
    }

    /// Fills in CSV column numbers for problems that name a field, using `column_of(source,
    /// field)`; adapters that know their headers call this.
    pub fn resolve_columns(&mut self, column_of: impl Fn(&str, &str) -> Option<u64>) {
        for p in &mut self.problems {
            if p.column.is_none()
                && let Some(field) = &p.field
            {
                p.column = column_of(&p.source, field);
            }
        }
    }

    fn sort(&mut self) {
        self.problems.sort_by(|a, b| {
            (&a.source, a.line, a.column, &a.path, &a.message)
                .cmp(&(&b.source, b.line, b.column, &b.path, &b.message))
        });
        self.problems.dedup();
    }
}

/// How many problems of one kind in one file a printed [`Report`] shows; the rest are counted
/// in one line (the report itself, and its JSON, keep every one).
pub const SHOWN_PER_KIND: usize = 20;

impl std::fmt::Display for Report {
    /// Every problem, but at most [`SHOWN_PER_KIND`] of one kind and severity in one file:
    /// thousands of errors of one kind are summarised in a line that says how many more there
    /// are and where the first of them is ([`Report::render`] in English).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(crate::message::Lang::En))
    }
}

impl Report {
    /// The report for people in `lang` (see [`Problem::render`]): every problem, at most
    /// [`SHOWN_PER_KIND`] of one kind and severity in one file, then a line per kind cut short
    /// and the counts.
    pub fn render(&self, lang: crate::message::Lang) -> String {
        use crate::message::Lang;
        use std::fmt::Write as _;
        type Key<'a> = (&'a str, Severity, ProblemKind);
        let mut f = String::new();
        let mut shown: std::collections::HashMap<Key<'_>, usize> = std::collections::HashMap::new();
        let mut hidden: std::collections::BTreeMap<Key<'_>, (usize, Option<u64>)> =
            std::collections::BTreeMap::new();
        for p in &self.problems {
            let key = (p.source.as_str(), p.severity, p.kind);
            let n = shown.entry(key).or_insert(0);
            if *n < SHOWN_PER_KIND {
                *n += 1;
                let _ = writeln!(f, "{}", p.render(lang));
            } else {
                let e = hidden.entry(key).or_insert((0, p.line));
                e.0 += 1;
            }
        }
        for ((source, severity, kind), (n, line)) in hidden {
            let source = crate::message::escape_invisible(source);
            let _ = match lang {
                Lang::En => {
                    let sev = match severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    };
                    let from = line
                        .map(|l| format!(", from line {l} on"))
                        .unwrap_or_default();
                    writeln!(
                        f,
                        "{source}: … and {n} more {sev}[{}] like those above{from} (all of them with --json)",
                        kind.code()
                    )
                }
                Lang::Zh => {
                    let sev = match severity {
                        Severity::Error => "错误",
                        Severity::Warning => "警告",
                    };
                    let from = line.map(|l| format!("，自第 {l} 行起")).unwrap_or_default();
                    writeln!(
                        f,
                        "{source}：……另有 {n} 个同类{sev}[{} {}]{from}（--json 列出全部）",
                        kind.code(),
                        kind.name_zh()
                    )
                }
            };
        }
        let _ = match lang {
            Lang::En => write!(
                f,
                "{} error(s), {} warning(s)",
                self.error_count(),
                self.warning_count()
            ),
            Lang::Zh => write!(
                f,
                "{} 个错误，{} 个警告",
                self.error_count(),
                self.warning_count()
            ),
        };
        f
    }
}

/// Where each accepted external id was first defined, for duplicate-id messages.
struct Seen {
    interner: Interner,
    origins: Vec<Origin>,
}

impl Seen {
    fn new() -> Self {
        Seen {
            interner: Interner::new(),
            origins: Vec::new(),
        }
    }

    /// Registers `id` at `origin`; on a duplicate returns the first definition's origin.
    fn claim(&mut self, id: &str, origin: &Origin, kind: &'static str) -> Result<u32, Origin> {
        match self.interner.intern(id, kind) {
            Ok((i, true)) => {
                self.origins.push(origin.clone());
                Ok(i)
            }
            Ok((i, false)) => Err(self.origins[i as usize].clone()),
            Err(_) => Err(origin.clone()),
        }
    }
}

impl Ledger {
    /// Validates raw records and builds a ledger of those that passed, with every problem.
    ///
    /// Within each kind, records take their positions in order of their ids (byte order; the
    /// input's row order only decides which of two records with one id comes first), so every
    /// result is the same however the rows are ordered; parties are resolved before the needs
    /// and capabilities that reference them. Party ids are
    /// one namespace across schools, institutes, enterprises and authorities; needs and
    /// capabilities have one namespace per kind.
    ///
    /// Complexity: O(n) hash work for n records, plus O(catalogue) string similarity for each
    /// record whose major or city is unknown (to suggest a correction).
    pub fn from_records(records: impl IntoIterator<Item = RawRecord>) -> (Ledger, Report) {
        let mut by_kind: HashMap<RecordKind, Vec<RawRecord>> = HashMap::new();
        for r in records {
            by_kind.entry(r.kind).or_default().push(r);
        }
        let mut b = Builder {
            ledger: Ledger::default(),
            problems: Vec::new(),
            parties: Seen::new(),
            flow_ids: HashMap::new(),
            rejected: HashMap::new(),
            dependents: std::collections::BTreeMap::new(),
        };
        for kind in RecordKind::ALL {
            let mut records = by_kind.remove(&kind).unwrap_or_default();
            // Records take their positions in the ledger in order of their ids, not of the
            // input's rows, so that every tie the solvers break by position is broken by id:
            // the same ledger gives the same allocation however its rows are ordered. The
            // sort is stable, so of two records with one id the first in the input is kept.
            records.sort_by_cached_key(record_id);
            for rec in records {
                b.add(&rec);
            }
        }
        b.report_dependents();
        let mut report = Report {
            problems: b.problems,
        };
        report.sort();
        (b.ledger, report)
    }
}

struct Builder {
    ledger: Ledger,
    problems: Vec<Problem>,
    parties: Seen,
    flow_ids: HashMap<RecordKind, Seen>,
    /// Party ids whose records were rejected, so references to them say why.
    rejected: HashMap<String, Origin>,
    /// Records left out because a party they refer to was rejected, per party: reported once
    /// per party (one bad city must not give one error per dependent record).
    dependents: std::collections::BTreeMap<String, Vec<(Origin, String, Option<String>)>>,
}

impl Builder {
    fn add(&mut self, rec: &RawRecord) {
        match rec.kind {
            RecordKind::Schools
            | RecordKind::Institutes
            | RecordKind::Enterprises
            | RecordKind::Authorities => self.add_party(rec),
            _ => self.add_flow_record(rec),
        }
    }

    fn add_party(&mut self, rec: &RawRecord) {
        let mut r = Reader::new(rec);
        let id = r.id();
        let name = r.text("name", true);
        let out_of_province = r.boolean("out_of_province").unwrap_or(false);
        let city = r.city(
            "city",
            !out_of_province && rec.kind != RecordKind::Institutes,
        );
        let detail = match rec.kind {
            RecordKind::Schools => {
                let level = r.level("level");
                let higher = !out_of_province
                    && level.is_some_and(|l| l != crate::catalogue::Level::SecondaryVocational);
                let institution = match (r.text("moe_code", false), &name) {
                    (Some(code), n) => r.institution(&code, n.as_deref()),
                    (None, Some(n)) => r.institution_named(n, higher),
                    (None, None) => None,
                };
                level.map(|level| PartyDetail::School { level, institution })
            }
            RecordKind::Institutes => Some(PartyDetail::Institute),
            RecordKind::Enterprises => {
                let size = r.choice(
                    "size",
                    true,
                    EnterpriseSize::parse,
                    EnterpriseSize::spellings,
                );
                let division = r.division("industry");
                let domain = r.single("domain");
                let park = r.single("park");
                match (size, division) {
                    (Some(size), Some(division)) => Some(PartyDetail::Enterprise {
                        size,
                        division,
                        domain,
                        park,
                    }),
                    _ => None,
                }
            }
            _ => r
                .choice("kind", true, AuthorityKind::parse, AuthorityKind::spellings)
                .map(|kind| PartyDetail::Authority { kind }),
        };
        let ok = r.finish(&mut self.problems);
        let (Some(id), Some(name), Some(detail), true) = (id, name, detail, ok) else {
            if let Some(id) = record_id(rec) {
                self.rejected
                    .entry(id)
                    .or_insert_with(|| rec.origin.clone());
            }
            return;
        };
        let Some(pid) = self.claim_party(&id, rec) else {
            return;
        };
        self.ledger.parties.push(Party {
            id: pid,
            external_id: id,
            name,
            city,
            out_of_province,
            detail,
        });
    }

    /// One problem per rejected party that other records refer to, at the first of them,
    /// listing where the others are.
    fn report_dependents(&mut self) {
        for (party, deps) in std::mem::take(&mut self.dependents) {
            let Some(((origin, field, id), rest)) = deps.split_first() else {
                continue;
            };
            let at = self
                .rejected
                .get(&party)
                .map_or_else(String::new, |o| format!(" at {o}"));
            let message = if rest.is_empty() {
                format!("party {party:?} was rejected{at}, so this record was left out")
            } else {
                let mut lines: Vec<String> = rest
                    .iter()
                    .take(10)
                    .map(|(o, _, _)| o.to_string())
                    .collect();
                if rest.len() > 10 {
                    lines.push(format!("and {} more", rest.len() - 10));
                }
                format!(
                    "party {party:?} was rejected{at}, so the {} records that refer to it were left out: this one and {}",
                    deps.len(),
                    lines.join(", ")
                )
            };
            let message_zh = format!(
                "单位 {party:?} 的记录有错误{}，因此引用它的 {} 条记录未读入",
                self.rejected
                    .get(&party)
                    .map_or_else(String::new, |o| format!("（{o}）")),
                deps.len()
            );
            let mut p = Problem::at(Severity::Error, ProblemKind::UnknownReference, origin, message)
                .with_field(field.clone())
                .with_suggestion("fix that party's record (its own error is above); these records are checked again then")
                .in_chinese(message_zh, Some("先改正该单位的记录（其错误见上）；改正后这些记录会重新检查".into()));
            p.record_id.clone_from(id);
            self.problems.push(p);
        }
    }

    fn claim_party(&mut self, id: &str, rec: &RawRecord) -> Option<PartyId> {
        match self.parties.claim(id, &rec.origin, "party") {
            Ok(i) => PartyId::from_index(i as usize).ok(),
            Err(first) => {
                self.problems.push(duplicate(rec, id, &first));
                None
            }
        }
    }

    /// Resolves a party reference field to a party of one of the wanted kinds.
    fn party_ref(
        &mut self,
        rec: &RawRecord,
        field: &str,
        external: Option<String>,
        wanted: &[PartyKind],
    ) -> Option<PartyId> {
        let external = external?;
        let Some(i) = self.parties.interner.get(&external) else {
            if self.rejected.contains_key(&external) {
                self.dependents.entry(external).or_default().push((
                    rec.origin.clone(),
                    field.to_owned(),
                    record_id(rec),
                ));
                return None;
            }
            let mut p = Problem::at(
                Severity::Error,
                ProblemKind::UnknownReference,
                &rec.origin,
                format!("no party has id {external:?}"),
            )
            .with_field(field);
            p.record_id = record_id(rec);
            let close = closest_ids(&self.ledger, &external, wanted);
            let (help, help_zh) = if close.is_empty() {
                (
                    format!(
                        "add the {} to its file, or correct the id",
                        wanted_names(wanted)
                    ),
                    format!(
                        "在{}表中补上该单位，或改正编号",
                        wanted_names(wanted).replace(" or ", "或")
                    ),
                )
            } else {
                (
                    format!("did you mean {}?", close.join(" or ")),
                    format!("是否应为 {}？", close.join(" 或 ")),
                )
            };
            p = p
                .with_suggestion(help)
                .in_chinese(format!("没有编号为 {external:?} 的单位"), Some(help_zh));
            self.problems.push(p);
            return None;
        };
        let Ok(pid) = PartyId::from_index(i as usize) else {
            return None;
        };
        let party = self.ledger.party(pid);
        if !wanted.contains(&party.kind()) {
            let mut p = Problem::at(
                Severity::Error,
                ProblemKind::WrongPartyKind,
                &rec.origin,
                format!(
                    "{external:?} is a {} ({}), but this field needs a {}",
                    party.kind().name_zh(),
                    party.name,
                    wanted_names(wanted)
                ),
            )
            .with_field(field)
            .in_chinese(
                format!(
                    "{external:?} 是{}（{}），此处需要{}",
                    party.kind().name_zh(),
                    party.name,
                    wanted_names(wanted).replace(" or ", "或")
                ),
                None,
            );
            p.record_id = record_id(rec);
            self.problems.push(p);
            return None;
        }
        Some(pid)
    }

    fn school_level_check(&mut self, rec: &RawRecord, school: PartyId, level: Level) -> bool {
        let party = self.ledger.party(school);
        if let PartyDetail::School { level: top, .. } = party.detail
            && level.chain_rank() > top.chain_rank()
        {
            {
                let mut p = Problem::at(
                    Severity::Error,
                    ProblemKind::Inconsistent,
                    &rec.origin,
                    format!(
                        "school {:?} ({}) teaches up to {top}, not {level}",
                        party.external_id, party.name
                    ),
                )
                .with_field("level")
                .with_suggestion("correct the level, or the school's level in its file")
                .in_chinese(
                    format!(
                        "学校 {:?}（{}）最高办学层次为{top}，不能提供{level}",
                        party.external_id, party.name
                    ),
                    Some("改正层次，或改正学校表中该校的层次".into()),
                );
                p.record_id = record_id(rec);
                self.problems.push(p);
                return false;
            }
        }
        true
    }

    fn add_flow_record(&mut self, rec: &RawRecord) {
        use crate::model::{PlacementKind, TrainingKind};
        use PartyKind::{Enterprise, Institute, School};
        let mut r = Reader::new(rec);
        let id = r.id();
        let year = r.year();
        let owner_field = rec.kind.owner_field();
        let owner = r.reference(owner_field);
        let major_based = !matches!(
            rec.kind,
            RecordKind::TechnologyNeeds | RecordKind::TechnologyCapabilities
        );
        let (level, major) = if major_based {
            let level = r.level("level");
            let major = r.major(level);
            (level, major)
        } else {
            (None, None)
        };
        let parsed = match rec.kind {
            RecordKind::TalentNeeds => {
                let headcount = r.count("headcount", true);
                let city = r.city("city", false);
                headcount.map(|headcount| Parsed::Talent { headcount, city })
            }
            RecordKind::TechnologyNeeds => {
                let kind = r.choice(
                    "kind",
                    true,
                    TechnologyNeedKind::parse,
                    TechnologyNeedKind::spellings,
                );
                let disciplines = r.disciplines("disciplines");
                let keywords = r.list("keywords");
                let description = r.text("description", false).unwrap_or_default();
                let scale = r.count_u64("scale");
                match (kind, disciplines) {
                    (Some(kind), Some(disciplines)) => Some(Parsed::Technology {
                        kind,
                        disciplines,
                        keywords,
                        description,
                        scale,
                    }),
                    _ => None,
                }
            }
            RecordKind::TrainingNeeds | RecordKind::TrainingOffers => {
                let kind = r.choice("kind", true, TrainingKind::parse, TrainingKind::spellings);
                let field = if rec.kind == RecordKind::TrainingNeeds {
                    "trainees"
                } else {
                    "capacity"
                };
                let qty = r.count(field, true);
                kind.zip(qty)
                    .map(|(kind, qty)| Parsed::Training { kind, qty })
            }
            RecordKind::PlacementNeeds | RecordKind::PlacementOffers => {
                let kind = r.choice("kind", true, PlacementKind::parse, PlacementKind::spellings);
                let places = r.count("places", true);
                kind.zip(places)
                    .map(|(kind, places)| Parsed::Placement { kind, places })
            }
            RecordKind::TalentSupply => {
                let graduates = r.count("graduates", true);
                let employment_rate = r.rate("employment_rate");
                graduates.map(|graduates| Parsed::Supply {
                    graduates,
                    employment_rate,
                })
            }
            _ => {
                let platform = r.text("platform", false);
                let platform_level = r
                    .choice(
                        "platform_level",
                        false,
                        PlatformLevel::parse,
                        PlatformLevel::spellings,
                    )
                    .unwrap_or(PlatformLevel::None);
                let disciplines = r.disciplines("disciplines");
                let keywords = r.list("keywords");
                let capacity = r.count("capacity", true);
                match (disciplines, capacity) {
                    (Some(disciplines), Some(capacity)) => Some(Parsed::Capability {
                        platform,
                        platform_level,
                        disciplines,
                        keywords,
                        capacity,
                    }),
                    _ => None,
                }
            }
        };
        let ok = r.finish(&mut self.problems);
        let wanted: &[PartyKind] = match rec.kind {
            RecordKind::TechnologyCapabilities => &[School, Institute],
            RecordKind::PlacementNeeds | RecordKind::TalentSupply | RecordKind::TrainingOffers => {
                &[School]
            }
            _ => &[Enterprise],
        };
        let owner = self.party_ref(rec, owner_field, owner, wanted);
        if let (Some(owner), Some(level), true) = (owner, level, wanted == [School])
            && !self.school_level_check(rec, owner, level)
        {
            return;
        }
        let (Some(id), Some(owner), Some(parsed), Some(year), true) = (id, owner, parsed, year, ok)
        else {
            return;
        };
        if let Err(first) = self
            .flow_ids
            .entry(rec.kind)
            .or_insert_with(Seen::new)
            .claim(&id, &rec.origin, rec.kind.name())
        {
            self.problems.push(duplicate(rec, &id, &first));
            return;
        }
        let l = &mut self.ledger;
        let external_id = id;
        // `major_based` kinds always carry a level and a major once `ok` holds.
        let mj = || major.zip(level);
        let pushed = match (rec.kind, parsed) {
            (RecordKind::TalentNeeds, Parsed::Talent { headcount, city }) => {
                let city = city.or(l.party(owner).city);
                mj().and_then(|(major, level)| {
                    push(&mut l.talent_needs, TalentNeedId::from_index, |id| {
                        TalentNeed {
                            id,
                            external_id,
                            enterprise: owner,
                            major,
                            level,
                            headcount,
                            city,
                            year,
                        }
                    })
                })
            }
            (
                RecordKind::TechnologyNeeds,
                Parsed::Technology {
                    kind,
                    disciplines,
                    keywords,
                    description,
                    scale,
                },
            ) => push(
                &mut l.technology_needs,
                TechnologyNeedId::from_index,
                |id| TechnologyNeed {
                    id,
                    external_id,
                    enterprise: owner,
                    kind,
                    disciplines,
                    keywords,
                    description,
                    scale,
                    year,
                },
            ),
            (RecordKind::TrainingNeeds, Parsed::Training { kind, qty }) => {
                mj().and_then(|(major, level)| {
                    push(&mut l.training_needs, TrainingNeedId::from_index, |id| {
                        TrainingNeed {
                            id,
                            external_id,
                            enterprise: owner,
                            kind,
                            major,
                            level,
                            trainees: qty,
                            year,
                        }
                    })
                })
            }
            (RecordKind::TrainingOffers, Parsed::Training { kind, qty }) => {
                mj().and_then(|(major, level)| {
                    push(&mut l.training_offers, TrainingOfferId::from_index, |id| {
                        TrainingOffer {
                            id,
                            external_id,
                            school: owner,
                            kind,
                            major,
                            level,
                            capacity: qty,
                            year,
                        }
                    })
                })
            }
            (RecordKind::PlacementNeeds, Parsed::Placement { kind, places }) => {
                mj().and_then(|(major, level)| {
                    push(&mut l.placement_needs, PlacementNeedId::from_index, |id| {
                        PlacementNeed {
                            id,
                            external_id,
                            school: owner,
                            kind,
                            major,
                            level,
                            places,
                            year,
                        }
                    })
                })
            }
            (RecordKind::PlacementOffers, Parsed::Placement { kind, places }) => {
                mj().and_then(|(major, level)| {
                    push(
                        &mut l.placement_offers,
                        PlacementOfferId::from_index,
                        |id| PlacementOffer {
                            id,
                            external_id,
                            enterprise: owner,
                            kind,
                            major,
                            level,
                            places,
                            year,
                        },
                    )
                })
            }
            (
                RecordKind::TalentSupply,
                Parsed::Supply {
                    graduates,
                    employment_rate,
                },
            ) => mj().and_then(|(major, level)| {
                push(&mut l.talent_supply, TalentSupplyId::from_index, |id| {
                    TalentSupply {
                        id,
                        external_id,
                        school: owner,
                        major,
                        level,
                        graduates,
                        employment_rate,
                        year,
                    }
                })
            }),
            (
                RecordKind::TechnologyCapabilities,
                Parsed::Capability {
                    platform,
                    platform_level,
                    disciplines,
                    keywords,
                    capacity,
                },
            ) => push(
                &mut l.technology_capabilities,
                TechnologyCapabilityId::from_index,
                |id| TechnologyCapability {
                    id,
                    external_id,
                    provider: owner,
                    platform,
                    platform_level,
                    disciplines,
                    keywords,
                    capacity,
                    year,
                },
            ),
            _ => None,
        };
        if pushed.is_none() {
            let mut p = Problem::at(
                Severity::Error,
                ProblemKind::OutOfRange,
                &rec.origin,
                format!("more than {} {} records", u32::MAX, rec.kind.name()),
            );
            p.record_id = record_id(rec);
            self.problems.push(p);
        }
    }
}

/// The kind-specific fields of a need or capability, read before its owner is resolved.
enum Parsed {
    Talent {
        headcount: u32,
        city: Option<crate::catalogue::CityId>,
    },
    Technology {
        kind: TechnologyNeedKind,
        disciplines: Vec<crate::catalogue::MajorId>,
        keywords: Vec<String>,
        description: String,
        scale: Option<u64>,
    },
    Training {
        kind: crate::model::TrainingKind,
        qty: u32,
    },
    Placement {
        kind: crate::model::PlacementKind,
        places: u32,
    },
    Supply {
        graduates: u32,
        employment_rate: Option<f64>,
    },
    Capability {
        platform: Option<String>,
        platform_level: PlatformLevel,
        disciplines: Vec<crate::catalogue::MajorId>,
        keywords: Vec<String>,
        capacity: u32,
    },
}

/// Appends the record `build` makes with the next dense id of `table`; `None` when the table
/// has run out of `u32` ids.
fn push<I, T>(
    table: &mut Vec<T>,
    make_id: fn(usize) -> Result<I, crate::id::IdOverflow>,
    build: impl FnOnce(I) -> T,
) -> Option<()> {
    let id = make_id(table.len()).ok()?;
    table.push(build(id));
    Some(())
}

fn duplicate(rec: &RawRecord, id: &str, first: &Origin) -> Problem {
    let mut p = Problem::at(
        Severity::Error,
        ProblemKind::DuplicateId,
        &rec.origin,
        format!("id {id:?} is already used at {first}"),
    )
    .with_field("id")
    .with_suggestion("give each record its own id; the first definition was kept")
    .in_chinese(
        format!("编号 {id:?} 已在 {first} 使用"),
        Some("每条记录使用不同的编号；已保留第一次出现的记录".into()),
    );
    p.record_id = Some(id.to_owned());
    p
}

fn record_id(rec: &RawRecord) -> Option<String> {
    rec.fields
        .iter()
        .find(|(k, _)| k == "id")
        .and_then(|(_, v)| match v {
            Value::Text(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        })
}

fn wanted_names(wanted: &[PartyKind]) -> String {
    let v: Vec<&str> = wanted.iter().map(|k| k.name_zh()).collect();
    v.join(" or ")
}

/// Up to three party ids of the wanted kinds that look like `external`.
fn closest_ids(ledger: &Ledger, external: &str, wanted: &[PartyKind]) -> Vec<String> {
    let ids = ledger
        .parties
        .iter()
        .filter(|p| wanted.contains(&p.kind()))
        .map(|p| p.external_id.as_str());
    crate::catalogue::closest(external, ids, 0.8, 3)
        .into_iter()
        .map(|id| format!("{id:?}"))
        .collect()
}

#[cfg(test)]
mod tests;
