//! duijie-store: ledgers in, exactly, with every problem reported.
//!
//! Reads the supply–demand ledger (供需信息台账) from CSV and JSON files into a validated
//! [`duijie::Ledger`] and one [`duijie::Report`] of every problem found, in any file, at once.
//!
//! - CSV: one file per table, named after it (`talent_needs.csv`); UTF-8, UTF-8 with a BOM, or
//!   GBK/GB18030 as Chinese Excel saves it, detected strictly ([`decode`]) and recorded in
//!   [`FileSummary::encoding`]. The header names fields; ids are text.
//! - JSON: an object of tables (`{"schools": [...], "talent_needs": [...]}`), or a bare array in
//!   a file named after its table.
//!
//! The schema of every table is `duijie::RecordKind::fields`, documented in
//! `datasets/README.md`.
//!
//! # Example
//! ```
//! use duijie_store::{Source, load_sources};
//! let schools = "id,name,level,city\nS1,沈阳工业大学,研究生,沈阳\nS1,大连理工大学,研究生,大连\n";
//! let loaded = load_sources(vec![Source::new("schools.csv", schools.as_bytes().to_vec())]);
//! assert_eq!(loaded.ledger.parties.len(), 1);
//! assert_eq!(loaded.report.error_count(), 1); // the duplicate id, naming both lines
//! assert!(loaded.report.to_string().contains("schools.csv:3:1"));
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod csv;
pub mod dimacs;
mod encoding;
pub mod json;
pub mod market;
pub mod prefs;
mod sample;
#[cfg(feature = "sqlite")]
pub mod sqlite;
#[cfg(feature = "xlsx")]
pub mod xlsx;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use duijie::validate::{RawRecord, RecordKind};
use duijie::{Ledger, Origin, Problem, ProblemKind, Report, Severity};

pub use encoding::{Encoding, decode};
pub use sample::sample_sources;
#[cfg(feature = "sqlite")]
pub use sqlite::{
    AgreementChange, Db, DbError, RunRecord, RunSummary, StoredAgreement, check_agreements,
    round_agreements,
};

/// A named file's bytes, from disk or embedded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The name used in messages and to find the table (`talent_needs.csv`).
    pub name: String,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

impl Source {
    /// A source from a name and bytes.
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Source {
            name: name.into(),
            bytes,
        }
    }
}

/// The file formats a ledger can come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Comma-separated values, one table per file.
    Csv,
    /// JSON, one or more tables per file.
    Json,
    /// A duijie SQLite database (one table per ledger table).
    Sqlite,
    /// An Excel workbook, one sheet per table.
    Xlsx,
}

/// What was read from one file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileSummary {
    /// The file's name as given.
    pub name: String,
    /// Its format.
    pub format: Format,
    /// The encoding it was decoded from; `None` for a workbook (which has none) or when it
    /// could not be decoded.
    pub encoding: Option<Encoding>,
    /// Records read from it (before validation).
    pub records: usize,
}

/// A loaded ledger: the records that passed, every problem, and what each file held.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The validated ledger (records with errors are left out; the report says which).
    pub ledger: Ledger,
    /// Every problem, in file and line order.
    pub report: Report,
    /// One summary per file, in the order read.
    pub files: Vec<FileSummary>,
}

/// A file that could not be read at all.
#[derive(Debug)]
pub struct LoadError {
    path: PathBuf,
    cause: Cause,
}

/// Why a path could not be read.
#[derive(Debug)]
enum Cause {
    Io(std::io::Error),
    #[cfg(feature = "sqlite")]
    Db(Box<DbError>),
}

impl LoadError {
    fn io(path: &Path, e: std::io::Error) -> Self {
        LoadError {
            path: path.to_owned(),
            cause: Cause::Io(e),
        }
    }

    /// The path that could not be read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The operating system's error, when the file could not be opened or read.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match &self.cause {
            Cause::Io(e) => Some(e),
            #[cfg(feature = "sqlite")]
            Cause::Db(_) => None,
        }
    }

    /// The database's error, when the path is a database that could not be read (damaged, not
    /// duijie's, written by a newer version, ...).
    #[cfg(feature = "sqlite")]
    pub fn database_error(&self) -> Option<&DbError> {
        match &self.cause {
            Cause::Db(e) => Some(e),
            Cause::Io(_) => None,
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cause {
            Cause::Io(e) => write!(
                f,
                "cannot read {}: {}",
                self.path.display(),
                duijie::message::plain_io_error(e)
            ),
            // The database's messages start with its path.
            #[cfg(feature = "sqlite")]
            Cause::Db(e) => write!(f, "cannot read {e}"),
        }
    }
}

// The message already holds the cause; returning it as `source` too would print it twice in
// a chain (`error: cannot read x: gone: gone`).
impl std::error::Error for LoadError {}

fn stem_and_ext(name: &str) -> (&str, String) {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match file.rsplit_once('.') {
        Some((stem, ext)) => (stem, ext.to_ascii_lowercase()),
        None => (file, String::new()),
    }
}

fn closest_table(stem: &str) -> String {
    let names = RecordKind::ALL.iter().map(|k| k.name());
    match duijie::catalogue::closest(stem, names, 0.7, 1).first() {
        Some(n) => format!("did you mean {n}.csv?"),
        None => {
            let all: Vec<&str> = RecordKind::ALL.iter().map(|k| k.name()).collect();
            format!("name the file after its table: {}", all.join(", "))
        }
    }
}

/// Parses and validates ledger sources held in memory (files read by the caller, or embedded).
///
/// Every source is read, whatever fails in another; the report holds the problems of all of
/// them, with CSV columns filled in from each file's header.
pub fn load_sources(sources: impl IntoIterator<Item = Source>) -> Loaded {
    read_sources(sources).validate()
}

/// Parsed but not yet validated sources: the raw records, every problem found so far, and
/// what each file held. [`Read::validate`] turns it into a [`Loaded`] ledger; the SQLite store
/// keeps the raw records, so that a ledger read back validates to the same ledger.
#[derive(Clone, Debug)]
pub struct Read {
    /// Every record read, in file and line order.
    pub records: Vec<RawRecord>,
    problems: Vec<Problem>,
    files: Vec<FileSummary>,
    headers: HashMap<String, Vec<String>>,
}

impl Read {
    /// Validates the records into a ledger, with the problems of reading and of validation in
    /// one report.
    pub fn validate(self) -> Loaded {
        let Read {
            records,
            problems,
            files,
            headers,
        } = self;
        let (ledger, mut report) = Ledger::from_records(records);
        report.extend(problems);
        // Column of each field, per file: one lookup per problem however wide the header.
        let columns: HashMap<&str, HashMap<&str, u64>> = headers
            .iter()
            .map(|(source, h)| {
                let mut at = HashMap::with_capacity(h.len());
                for (i, name) in h.iter().enumerate() {
                    at.entry(name.as_str()).or_insert(i as u64 + 1);
                }
                (source.as_str(), at)
            })
            .collect();
        report.resolve_columns(|source, field| {
            columns.get(source).and_then(|h| h.get(field)).copied()
        });
        Loaded {
            ledger,
            report,
            files,
        }
    }
}

/// The raw records of a ledger from the seeded generator ([`duijie::synth::generate`]), as
/// reading its CSV files would give them (origins name the files and lines), without writing
/// or parsing any text.
pub fn read_generated(scale: duijie::synth::Scale, seed: u64) -> Read {
    let tables = duijie::synth::generate(scale, seed);
    let mut read = Read {
        records: Vec::new(),
        problems: Vec::new(),
        files: Vec::with_capacity(tables.len()),
        headers: HashMap::new(),
    };
    for t in tables {
        let name = t.file_name();
        read.files.push(FileSummary {
            name: name.clone(),
            format: Format::Csv,
            encoding: Some(Encoding::Utf8),
            records: t.records.len(),
        });
        read.headers
            .insert(name, t.columns.iter().map(|c| (*c).to_owned()).collect());
        read.records.extend(t.records);
    }
    read
}

/// The files of a generated ledger ([`duijie::synth::generate`]): each table's file name and its
/// CSV text ([`csv::write_table`]), which [`load_paths`] reads back to the same records.
pub fn generated_files(scale: duijie::synth::Scale, seed: u64) -> Vec<(String, String)> {
    duijie::synth::generate(scale, seed)
        .iter()
        .map(|t| (t.file_name(), csv::write_table(t.columns, &t.records)))
        .collect()
}

/// The warning for a file that is not read: not `.csv` or `.json`.
fn not_read(name: &str, ext: &str) -> Problem {
    let help = match ext {
        "xlsx" => {
            "this build reads no workbooks (feature `xlsx`): save each sheet as \"CSV UTF-8 (逗号分隔)\", named after its table (talent_needs.csv)"
        }
        "xls" | "xlsm" | "et" => {
            "in Excel (or WPS) save it with 另存为 → Excel 工作簿 (.xlsx), one sheet per table named after it (talent_needs), or each sheet as CSV UTF-8"
        }
        "" => "name ledger files after their table, ending in .csv or .json (talent_needs.csv)",
        _ => "save the table as CSV (UTF-8) or JSON, named after its table (talent_needs.csv)",
    };
    Problem::at(
        Severity::Warning,
        ProblemKind::NotRead,
        &Origin::line(name.to_owned(), 1),
        "not a .csv, .json or .xlsx file, so it was not read",
    )
    .with_suggestion(help)
    .in_chinese(
        "不是 .csv、.json 或 .xlsx 文件，未读取",
        Some(
            "台账文件应按表命名（如 talent_needs.csv 或 talent_needs.xlsx）；Excel 文件请另存为“Excel 工作簿 (.xlsx)”"
                .into(),
        ),
    )
}

/// Parses ledger sources held in memory into raw records, without validating them (see
/// [`load_sources`], which also validates).
pub fn read_sources(sources: impl IntoIterator<Item = Source>) -> Read {
    let mut records: Vec<RawRecord> = Vec::new();
    let mut problems: Vec<Problem> = Vec::new();
    let mut files = Vec::new();
    let mut headers: HashMap<String, Vec<String>> = HashMap::new();
    for src in sources {
        let (stem, ext) = stem_and_ext(&src.name);
        let format = match ext.as_str() {
            "csv" => Format::Csv,
            "json" => Format::Json,
            #[cfg(feature = "xlsx")]
            "xlsx" => {
                let wb = xlsx::parse_workbook(&src.name, &src.bytes);
                let before = records.len();
                for (source, header, recs) in wb.tables {
                    records.extend(recs);
                    headers.insert(source, header);
                }
                problems.extend(wb.problems);
                files.push(FileSummary {
                    name: src.name,
                    format: Format::Xlsx,
                    encoding: None,
                    records: records.len() - before,
                });
                continue;
            }
            _ => {
                problems.push(not_read(&src.name, &ext));
                continue;
            }
        };
        let kind = RecordKind::from_name(stem);
        let (text, enc) = match decode(&src.name, &src.bytes) {
            Ok(t) => t,
            Err(p) => {
                problems.push(*p);
                files.push(FileSummary {
                    name: src.name,
                    format,
                    encoding: None,
                    records: 0,
                });
                continue;
            }
        };
        let before = records.len();
        match format {
            Format::Csv => {
                let Some(kind) = kind else {
                    problems.push(
                        Problem::at(
                            Severity::Error,
                            ProblemKind::NotRead,
                            &Origin::line(src.name.clone(), 1),
                            format!("`{stem}` is not a ledger table, so this file was not read"),
                        )
                        .with_suggestion(closest_table(stem)),
                    );
                    files.push(FileSummary {
                        name: src.name,
                        format,
                        encoding: Some(enc),
                        records: 0,
                    });
                    continue;
                };
                let t = csv::parse_table(&src.name, &text, kind);
                problems.extend(t.problems);
                records.extend(t.records);
                headers.insert(src.name.clone(), t.header);
            }
            Format::Json => {
                let (r, p) = json::parse(&src.name, &text, kind);
                records.extend(r);
                problems.extend(p);
            }
            // Databases are read by `Db::read` and workbooks above, never here.
            Format::Sqlite | Format::Xlsx => {}
        }
        files.push(FileSummary {
            name: src.name,
            format,
            encoding: Some(enc),
            records: records.len() - before,
        });
    }
    Read {
        records,
        problems,
        files,
        headers,
    }
}

/// Reads ledger files and directories from disk, then [`load_sources`]. A SQLite database
/// written by [`Db`] (a `.sqlite` or `.db` file) is read with [`Db::read`] instead.
///
/// A directory contributes its `*.csv` and `*.json` files (not recursively), in name order;
/// every other file in it (but hidden ones, whose names start with `.`) gets a
/// [`ProblemKind::NotRead`] warning, so that nothing is skipped without a word.
///
/// # Errors
/// [`LoadError`] when a path cannot be read at all (missing, unreadable).
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Loaded, LoadError> {
    #[cfg(feature = "sqlite")]
    if let [one] = paths
        && (sqlite::is_database(one.as_ref()) || sqlite::has_database_extension(one.as_ref()))
    {
        let p = one.as_ref();
        let err = |e: DbError| LoadError {
            path: p.to_owned(),
            cause: Cause::Db(Box::new(e)),
        };
        let db = Db::open_read_only(p).map_err(err)?;
        let read = db.read().map_err(err)?;
        return Ok(read.validate());
    }
    Ok(read_paths(paths)?.validate())
}

/// Reads ledger files and directories from disk into raw records ([`read_sources`]).
///
/// # Errors
/// [`LoadError`] when a path cannot be read at all.
pub fn read_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Read, LoadError> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut skipped: Vec<Problem> = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let meta = std::fs::metadata(p).map_err(|e| LoadError::io(p, e))?;
        if meta.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| LoadError::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .filter(|f| {
                    !f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with('.'))
                })
                .collect();
            inside.sort();
            for f in inside {
                let ext = f
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .unwrap_or_default();
                if matches!(ext.as_str(), "csv" | "json")
                    || (cfg!(feature = "xlsx") && ext == "xlsx")
                {
                    files.push(f);
                } else {
                    skipped.push(not_read(&f.display().to_string(), &ext));
                }
            }
        } else {
            files.push(p.to_owned());
        }
    }
    let mut sources = Vec::with_capacity(files.len());
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| LoadError::io(&f, e))?;
        sources.push(Source::new(f.display().to_string(), bytes));
    }
    let mut read = read_sources(sources);
    read.problems.extend(skipped);
    if read.files.is_empty() {
        let given: Vec<String> = paths
            .iter()
            .map(|p| p.as_ref().display().to_string())
            .collect();
        read.problems.push(
            Problem::at(
                Severity::Error,
                ProblemKind::NotRead,
                &Origin::line(given.join(" "), 1),
                "no ledger table here: no .csv, .json or .xlsx file was read",
            )
            .with_suggestion("give the folder holding the ledger's files (talent_needs.csv, …) or a workbook with one sheet per table; `duijie template --out DIR` writes blank ones")
            .in_chinese(
                "这里没有台账表：没有读到任何 .csv、.json 或 .xlsx 文件",
                Some("请给出存放台账文件（talent_needs.csv 等）的文件夹，或每表一页的 Excel 工作簿；`duijie template --out 目录` 可生成空白模板".into()),
            ),
        );
    }
    Ok(read)
}
