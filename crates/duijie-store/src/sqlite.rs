//! The SQLite store: a ledger and the runs made on it, in one file, with nothing to install
//! (SQLite is built in).
//!
//! - **Schema**: versioned (`PRAGMA user_version`), marked as duijie's (`PRAGMA
//!   application_id`), upgraded by the migrations in [`migrations`] inside one transaction. One
//!   STRICT table per ledger table, named after it, with one column per field of the schema
//!   (`duijie::RecordKind::fields`), so the ledger can be queried with SQL
//!   (`SELECT * FROM talent_needs WHERE major_code = '080202'`).
//! - **Exact**: every value keeps its type (text, integer, real; a boolean as a one-byte blob;
//!   a list as rows of `list_item`); fields the schema does not know go to `extra_field`. A
//!   ledger read back validates to the same ledger (tested for CSV and JSON sources).
//! - **Safe**: WAL journal with `synchronous = FULL`; an import replaces the ledger in one
//!   `BEGIN IMMEDIATE` transaction, so a failed or interrupted import leaves the database as
//!   it was; a ledger with errors is refused before anything is written. A database someone
//!   else supplies is checked (`PRAGMA quick_check`, application id, schema version) before use.
//! - **Runs**: every import is recorded as a run in its own transaction; each run records its command, config, seed, library version, the hash of the
//!   ledger it ran on, row counts and results, with a SHA-256 of the results that is checked
//!   when the run is read back.

use std::path::{Path, PathBuf};

use duijie::history::RunMatch;
use duijie::policy::agreements::{AgreementRow, AgreementStatus};
use duijie::score::Market;
use duijie::validate::{RawRecord, RecordKind, Value};
use duijie::{Origin, Report};
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::{FileSummary, Format, Loaded, Read};

/// `PRAGMA application_id` of a duijie database ("dujj").
pub const APPLICATION_ID: i32 = 0x6475_6A6A;

/// The schema version this library writes and reads.
pub const SCHEMA_VERSION: i32 = 3;

/// Why the database could not be used. Every variant names the file.
#[derive(Debug)]
#[non_exhaustive]
pub enum DbError {
    /// The file could not be opened or created.
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's message.
        message: String,
    },
    /// The file is not a SQLite database, or not one duijie wrote.
    NotADuijieDatabase {
        /// The database file.
        path: PathBuf,
        /// What was found instead.
        found: String,
    },
    /// `PRAGMA quick_check` found damage.
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// SQLite's first finding.
        detail: String,
    },
    /// Written by a newer duijie: upgrade duijie to read it.
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The file's schema version.
        found: i32,
        /// The newest this library reads.
        supported: i32,
    },
    /// The ledger has errors, so nothing was imported.
    Refused {
        /// The database file.
        path: PathBuf,
        /// The validation report.
        report: Box<Report>,
    },
    /// A value cannot be stored exactly (an integer beyond 64 bits).
    Value {
        /// The database file.
        path: PathBuf,
        /// Where the value came from.
        origin: String,
        /// The field.
        field: String,
    },
    /// A run's stored results do not match their checksum: the file was changed outside duijie.
    Tampered {
        /// The database file.
        path: PathBuf,
        /// The run.
        run: i64,
    },
    /// No run with that number.
    NoRun {
        /// The database file.
        path: PathBuf,
        /// The run asked for.
        run: i64,
    },
    /// The file holds schema objects (triggers, views, indexes, tables) that duijie did not
    /// create. Another tool added them; a trigger could rewrite every record imported, so the
    /// file is not used. Remove them (`DROP TRIGGER name`), or import into a new file.
    ForeignSchema {
        /// The database file.
        path: PathBuf,
        /// Each object, as `trigger name on table`.
        objects: Vec<String>,
    },
    /// The stored ledger is not the one imported: its records hash differently from the hash
    /// recorded at import, so it was changed outside duijie. Import the ledger again.
    LedgerChanged {
        /// The database file.
        path: PathBuf,
        /// The hash recorded at import.
        imported: String,
        /// The hash of what is stored now.
        stored: String,
    },
    /// The paths held no ledger record, so importing would replace the stored ledger with an
    /// empty one. Nothing was written.
    NothingToImport {
        /// The database file.
        path: PathBuf,
        /// What was read instead (files not read, empty tables).
        read: String,
    },
    /// The new ledger has no record of tables that the stored ledger has, so importing would
    /// lose them. Nothing was written; import with `--replace` if that is meant.
    WouldDropTables {
        /// The database file.
        path: PathBuf,
        /// Each table the stored ledger has and the new one lacks, with its stored records.
        tables: Vec<(String, u64)>,
    },
    /// Another process is writing to the database (an import or a run) and did not finish
    /// within the wait. Wait for it and run again.
    Busy {
        /// The database file.
        path: PathBuf,
        /// What duijie was doing.
        doing: String,
    },
    /// A statement failed.
    Sql {
        /// The database file.
        path: PathBuf,
        /// What duijie was doing.
        doing: String,
        /// SQLite's message.
        message: String,
    },
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Open { path, message } => {
                write!(f, "{}: cannot open the database: {message}", path.display())
            }
            DbError::NotADuijieDatabase { path, found } => write!(
                f,
                "{}: not a duijie database ({found}); create one with `duijie import`",
                path.display()
            ),
            DbError::Corrupt { path, detail } => write!(
                f,
                "{}: the database is damaged (quick_check: {detail}); restore it from a copy or import the ledger again",
                path.display()
            ),
            DbError::NewerSchema {
                path,
                found,
                supported,
            } => write!(
                f,
                "{}: schema version {found} is newer than this duijie reads ({supported}); upgrade duijie",
                path.display()
            ),
            DbError::Refused { path, report } => write!(
                f,
                "{}: the ledger has {} errors, so nothing was imported (the database is unchanged):\n{report}",
                path.display(),
                report.error_count()
            ),
            DbError::Value {
                path,
                origin,
                field,
            } => write!(
                f,
                "{}: {origin}: `{field}` holds an integer beyond 64 bits, which cannot be stored exactly",
                path.display()
            ),
            DbError::Tampered { path, run } => write!(
                f,
                "{}: run {run}'s results do not match their checksum: the file was changed outside duijie",
                path.display()
            ),
            DbError::NoRun { path, run } => {
                write!(f, "{}: there is no run {run}", path.display())
            }
            DbError::ForeignSchema { path, objects } => write!(
                f,
                "{}: the database holds {} schema object(s) that duijie did not create ({}); another tool added them, and a trigger could change what is imported or read, so the file was not used: remove them (for example `DROP TRIGGER name;` in sqlite3), or import the ledger into a new file",
                path.display(),
                objects.len(),
                objects.join("; ")
            ),
            DbError::LedgerChanged {
                path,
                imported,
                stored,
            } => write!(
                f,
                "{}: the stored ledger was changed outside duijie (imported with sha256 {}…, now {}…): import the ledger again from its files",
                path.display(),
                &imported[..imported.len().min(12)],
                &stored[..stored.len().min(12)]
            ),
            DbError::NothingToImport { path, read } => write!(
                f,
                "nothing to import: {read}; {} is unchanged (a ledger is read from files named after its tables, such as talent_needs.csv or ledger.json)",
                path.display()
            ),
            DbError::WouldDropTables { path, tables } => {
                let list: Vec<String> = tables
                    .iter()
                    .map(|(t, n)| format!("{t} ({n} records)"))
                    .collect();
                write!(
                    f,
                    "{}: the new ledger has no {} although the stored one has, so importing would lose them; nothing was imported: add those files, or run again with --replace to replace the ledger as it is",
                    path.display(),
                    list.join(", ")
                )
            }
            DbError::Busy { path, doing } => write!(
                f,
                "{}: {doing}: another duijie command is writing to this database; wait for it to finish and run again",
                path.display()
            ),
            DbError::Sql {
                path,
                doing,
                message,
            } => write!(f, "{}: {doing}: {message}", path.display()),
        }
    }
}

impl std::error::Error for DbError {}

/// Whether `path` starts with the SQLite file header.
pub fn is_database(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// Whether `path` is named like a database (`.sqlite`, `.sqlite3`, `.db`): such a file is
/// opened as one, and refused with a typed error when it is not.
pub fn has_database_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "sqlite" | "sqlite3" | "db"))
}

/// The migrations: entry `k` takes the schema from version `k` to `k + 1`.
pub fn migrations() -> Vec<String> {
    let mut v1 = String::from(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
         CREATE TABLE source (name TEXT PRIMARY KEY, format TEXT NOT NULL, encoding TEXT, records INTEGER NOT NULL) STRICT;
         CREATE TABLE list_item (tbl TEXT NOT NULL, rid INTEGER NOT NULL, field TEXT NOT NULL, pos INTEGER NOT NULL, value ANY, PRIMARY KEY (tbl, rid, field, pos)) STRICT;
         CREATE TABLE extra_field (tbl TEXT NOT NULL, rid INTEGER NOT NULL, pos INTEGER NOT NULL, field TEXT NOT NULL, value ANY, PRIMARY KEY (tbl, rid, pos)) STRICT;
         CREATE TABLE run (id INTEGER PRIMARY KEY, command TEXT NOT NULL, config TEXT NOT NULL, seed INTEGER, library_version TEXT NOT NULL, input_hash TEXT NOT NULL, counts TEXT NOT NULL, results TEXT NOT NULL, results_sha256 TEXT NOT NULL) STRICT;\n",
    );
    for kind in RecordKind::ALL {
        let cols: Vec<String> = kind
            .fields()
            .iter()
            .map(|f| format!("\"{}\" ANY", f.name))
            .collect();
        v1.push_str(&format!(
            "CREATE TABLE \"{}\" (rid INTEGER PRIMARY KEY, src TEXT NOT NULL, line INTEGER, path TEXT, typed INTEGER NOT NULL, {}) STRICT;\n",
            kind.name(),
            cols.join(", ")
        ));
    }
    // Version 2: every run keeps its partnerships as rows (issue "rounds over time"), with a
    // checksum beside the run's; runs recorded before have none.
    let v2 = String::from(
        "ALTER TABLE run ADD COLUMN matches_sha256 TEXT;
         CREATE TABLE run_match (run INTEGER NOT NULL, market TEXT NOT NULL, need TEXT NOT NULL, offer TEXT NOT NULL, need_party TEXT NOT NULL, offer_party TEXT NOT NULL, units INTEGER NOT NULL, score INTEGER NOT NULL, components TEXT NOT NULL, PRIMARY KEY (run, market, need, offer)) STRICT;\n",
    );
    // Version 3: when each run was recorded (UTC; runs recorded before have none), and the
    // agreements kept in the store (issue "a service for provincial systems"): the current
    // state of each pair, and every change with who made it and when.
    let v3 = String::from(
        "ALTER TABLE run ADD COLUMN recorded_at TEXT;
         CREATE TABLE agreement (need TEXT NOT NULL, offer TEXT NOT NULL, units INTEGER NOT NULL, status TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (need, offer)) STRICT;
         CREATE TABLE agreement_log (id INTEGER PRIMARY KEY, need TEXT NOT NULL, offer TEXT NOT NULL, units INTEGER NOT NULL, status TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL) STRICT;\n",
    );
    vec![v1, v2, v3]
}

/// A change of one pair's agreement: need, offer, and what it becomes (status and units), or
/// `None` to withdraw it.
type AgreementChangeTo<'a> = (&'a str, &'a str, Option<(AgreementStatus, u32)>);

/// SQLite's expression for the time now, in UTC, as `2026-12-04T20:48:25Z`.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

/// A duijie database.
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
}

/// How a database is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Read only: nothing is written, not even the journal mode.
    Read,
    /// Read and write an existing file.
    Write,
    /// Read and write, creating the file when there is none.
    Create,
}

/// One row of `sqlite_schema`: what it is, its name, its table and its SQL.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SchemaObject {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
}

/// The application id, the schema version and the schema objects of a database.
type SchemaState = (i32, i32, Vec<SchemaObject>);

fn read_schema_state(conn: &Connection) -> rusqlite::Result<SchemaState> {
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut st =
        conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name")?;
    let objects = st
        .query_map([], |r| {
            Ok(SchemaObject {
                kind: r.get(0)?,
                name: r.get(1)?,
                table: r.get(2)?,
                sql: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((app, version, objects))
}

/// The schema objects the migrations up to `version` create, found by running them on an
/// empty database in memory (so the comparison is with SQLite's own text of each object).
fn expected_schema(version: i32) -> Vec<SchemaObject> {
    static BY_VERSION: std::sync::OnceLock<Vec<Vec<SchemaObject>>> = std::sync::OnceLock::new();
    let all = BY_VERSION.get_or_init(|| {
        let mut out = vec![Vec::new()];
        let Ok(conn) = Connection::open_in_memory() else {
            return out;
        };
        for step in migrations() {
            if conn.execute_batch(&step).is_err() {
                break;
            }
            match read_schema_state(&conn) {
                Ok((_, _, objects)) => out.push(objects),
                Err(_) => break,
            }
        }
        out
    });
    all.get(usize::try_from(version).unwrap_or(0))
        .cloned()
        .unwrap_or_default()
}

/// Checks the application id, the version and that every schema object is one duijie
/// creates; returns whether the schema needs upgrading.
fn check_schema_of(
    path: &Path,
    app: i32,
    version: i32,
    objects: &[SchemaObject],
) -> Result<bool, DbError> {
    if app != APPLICATION_ID && !(app == 0 && objects.is_empty()) {
        return Err(DbError::NotADuijieDatabase {
            path: path.to_owned(),
            found: format!(
                "a SQLite database with application id {app:#x} and {} schema objects",
                objects.len()
            ),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(DbError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let expected = expected_schema(version);
    let foreign: Vec<String> = objects
        .iter()
        .filter(|o| !expected.contains(*o) && !o.name.starts_with("sqlite_stat"))
        .map(|o| format!("{} `{}` on `{}`", o.kind, o.name, o.table))
        .collect();
    if !foreign.is_empty() {
        return Err(DbError::ForeignSchema {
            path: path.to_owned(),
            objects: foreign,
        });
    }
    Ok(version < SCHEMA_VERSION)
}

/// A statement's error as a [`DbError`]: [`DbError::Busy`] when another process holds the
/// database, else [`DbError::Sql`].
fn sql_error(path: &Path, doing: &str, e: rusqlite::Error) -> DbError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            DbError::Busy {
                path: path.to_owned(),
                doing: doing.to_owned(),
            }
        }
        _ => DbError::Sql {
            path: path.to_owned(),
            doing: doing.to_owned(),
            message: e.to_string(),
        },
    }
}

/// Why a database could not be opened, in words: SQLite's "unable to open database file"
/// usually means that the folder cannot be written (SQLite keeps `-wal` and `-shm` files
/// beside the database) or the file's permissions.
fn open_error(path: &Path, e: &rusqlite::Error, reading: bool) -> DbError {
    let message = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly) => {
            let folder = folder_of(path);
            if folder_is_writable(folder) {
                "SQLite cannot open the file: check that you may read it (and write it, for a command that records runs)".to_owned()
            } else if reading {
                format!(
                    "the folder {} cannot be written (a read-only disk or folder), and SQLite needs to create its -wal and -shm files there: copy the database to a writable folder",
                    folder.display()
                )
            } else {
                format!(
                    "the folder {} cannot be written (a read-only disk or folder): this command records its run in the database, so copy the database to a writable folder",
                    folder.display()
                )
            }
        }
        Some(rusqlite::ErrorCode::PermissionDenied) => {
            "permission denied: check that you may read (and write) the file".to_owned()
        }
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            "another duijie command is writing to it; wait for it to finish and run again"
                .to_owned()
        }
        _ => e.to_string(),
    };
    DbError::Open {
        path: path.to_owned(),
        message,
    }
}

/// Records per stored table, in [`RecordKind::ALL`] order.
fn stored_counts(conn: &Connection) -> rusqlite::Result<Vec<(RecordKind, u64)>> {
    RecordKind::ALL
        .iter()
        .map(|&kind| {
            let n: i64 = conn.query_row(
                &format!("SELECT count(*) FROM \"{}\"", kind.name()),
                [],
                |r| r.get(0),
            )?;
            Ok((kind, u64::try_from(n).unwrap_or(0)))
        })
        .collect()
}

/// The folder a database file is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Whether a file can be created in `folder` (tried, then removed): the mode bits do not say
/// whether the disk is mounted read-only.
fn folder_is_writable(folder: &Path) -> bool {
    let probe = folder.join(format!(".duijie-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(e) => e.kind() == std::io::ErrorKind::AlreadyExists,
    }
}

/// Opens a database read-only. In a folder that cannot be written SQLite cannot create the
/// `-shm` file a WAL database needs, so there the file is opened as immutable (nobody can be
/// writing it either).
fn open_for_reading(path: &Path) -> Result<Connection, DbError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let folder = folder_of(path);
    if folder_is_writable(folder) {
        return Connection::open_with_flags(path, flags).map_err(|e| open_error(path, &e, true));
    }
    let abs = std::fs::canonicalize(path).map_err(|e| DbError::Open {
        path: path.to_owned(),
        message: duijie::message::plain_io_error(&e),
    })?;
    let mut uri = String::from("file:");
    for &b in abs.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Connection::open_with_flags(&uri, flags | OpenFlags::SQLITE_OPEN_URI)
        .map_err(|e| open_error(path, &e, true))
}

/// Why a value is a blob: a boolean or the marker of a list.
const TRUE: &[u8] = &[1];
const FALSE: &[u8] = &[0];
const LIST: &[u8] = b"list";

/// One line of the list of runs ([`Db::run_summaries`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    /// The run's number.
    pub id: i64,
    /// The command that made it.
    pub command: String,
    /// Its seed, if any.
    pub seed: Option<u64>,
    /// The hash of the ledger it ran on.
    pub input_hash: String,
    /// Partnerships kept as rows (0 for runs recorded before rows were kept).
    pub partnerships: u64,
    /// Units placed over those rows.
    pub units: i64,
    /// The year the run is for (`duijie match --year`); `None` for a run over the whole
    /// ledger.
    pub year: Option<u16>,
    /// When it was recorded (UTC, `2026-12-04T20:48:25Z`); `None` for runs recorded before
    /// the store kept the time.
    pub recorded_at: Option<String>,
}

/// An agreement as the store keeps it ([`Db::agreements`]): the pair, its units and status, and
/// who recorded it last and when.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StoredAgreement {
    /// The need's id in the ledger.
    pub need: String,
    /// The offer's id in the ledger.
    pub offer: String,
    /// Units agreed.
    pub units: u32,
    /// Its status.
    pub status: AgreementStatus,
    /// Its status in Chinese (已签约, 已拒绝, 暂停).
    pub status_zh: &'static str,
    /// Who recorded it (a token's name, or `cli`).
    pub recorded_by: String,
    /// When (UTC).
    pub recorded_at: String,
}

impl StoredAgreement {
    /// The agreement as [`duijie::policy::agreements::resolve`] takes it.
    pub fn row(&self) -> AgreementRow {
        AgreementRow {
            need: self.need.clone(),
            offer: self.offer.clone(),
            units: self.units,
            status: self.status,
        }
    }
}

/// The agreements `stored` with `changes` applied (a pair's change replaces its stored
/// agreement), checked against ledger `l` and resolved to each market's positions, as
/// [`duijie::pipeline::Round::agreements`] takes them.
///
/// # Errors
/// The message of the first agreement that does not fit the ledger
/// ([`duijie::policy::agreements::resolve`]): an id it lacks (with the closest), signed units
/// beyond a need or an offer; for a stored agreement the message says it is stored.
pub fn check_agreements(
    l: &duijie::Ledger,
    stored: &[StoredAgreement],
    changes: &[AgreementRow],
) -> Result<Vec<Vec<duijie::policy::Agreement>>, String> {
    let changed = |a: &StoredAgreement| {
        changes
            .iter()
            .any(|c| c.need == a.need && c.offer == a.offer)
    };
    let kept: Vec<AgreementRow> = stored
        .iter()
        .filter(|a| !changed(a))
        .map(StoredAgreement::row)
        .collect();
    let rows: Vec<AgreementRow> = kept.iter().chain(changes).cloned().collect();
    duijie::policy::agreements::resolve(l, &rows).map_err(|(k, e)| {
        if k < kept.len() {
            format!(
                "the stored agreement of need {:?} and offer {:?} no longer fits the ledger: {e}",
                rows[k].need, rows[k].offer
            )
        } else {
            e
        }
    })
}

/// The agreements `stored` for a round on `round`, a part of ledger `full` (one year's, from
/// [`duijie::Ledger::year`], or the whole): checked against `full` as [`check_agreements`]
/// does, then the agreements of pairs the round holds resolved to its positions (those of
/// other years' needs and offers are left out).
///
/// # Errors
/// As [`check_agreements`] on `full`.
pub fn round_agreements(
    full: &duijie::Ledger,
    round: &duijie::Ledger,
    stored: &[StoredAgreement],
) -> Result<Vec<Vec<duijie::policy::Agreement>>, String> {
    let whole = check_agreements(full, stored, &[])?;
    if std::ptr::eq(full, round) {
        return Ok(whole);
    }
    let rows: Vec<AgreementRow> = stored
        .iter()
        .filter(|a| duijie::score::find_pair(round, &a.need, &a.offer, None).is_ok())
        .map(StoredAgreement::row)
        .collect();
    duijie::policy::agreements::resolve(round, &rows).map_err(|(_, e)| e)
}

/// One change of an agreement ([`Db::agreement_log`]): what it became (`signed`, `refused`,
/// `paused`, or `withdrawn` when it was taken out), who made the change and when.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AgreementChange {
    /// The change's number, in the order made.
    pub id: i64,
    /// The need's id.
    pub need: String,
    /// The offer's id.
    pub offer: String,
    /// Units agreed (0 when withdrawn).
    pub units: u32,
    /// What the agreement became.
    pub status: String,
    /// Who made the change.
    pub recorded_by: String,
    /// When (UTC).
    pub recorded_at: String,
}

/// A run as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRecord {
    /// The command that made it (`match`, `compare`, `demo`).
    pub command: String,
    /// The config it ran with (TOML or JSON text).
    pub config: String,
    /// The seed, when the run used one.
    pub seed: Option<u64>,
    /// The library version.
    pub library_version: String,
    /// [`Db::ledger_hash`] of the ledger it ran on.
    pub input_hash: String,
    /// Row counts (JSON).
    pub counts: String,
    /// The results (JSON).
    pub results: String,
}

impl RunRecord {
    /// The record of a run on ledger `l`: its command, its configuration as JSON, the seed and
    /// the year it is for, if any (kept in the counts as `year`), the results, and `input_hash`
    /// ([`Db::ledger_hash`]); the counts are `l`'s records per table; the library version is
    /// this crate's.
    pub fn for_ledger(
        command: &str,
        l: &duijie::Ledger,
        config: String,
        (seed, year): (Option<u64>, Option<u16>),
        results: String,
        input_hash: String,
    ) -> RunRecord {
        let mut counts: serde_json::Map<String, serde_json::Value> = l
            .counts()
            .iter()
            .map(|(k, n)| (k.name().to_owned(), serde_json::json!(n)))
            .collect();
        if let Some(y) = year {
            counts.insert("year".into(), serde_json::json!(y));
        }
        RunRecord {
            command: command.into(),
            config,
            seed,
            library_version: env!("CARGO_PKG_VERSION").into(),
            input_hash,
            counts: serde_json::Value::from(counts).to_string(),
            results,
        }
    }
}

/// The canonical text of a run's rows, which their checksum covers: one line per row, fields
/// separated by tabs, in the order [`Db::run_matches`] returns them.
fn matches_text(rows: &[RunMatch]) -> String {
    rows.iter()
        .map(|m| row_line(m, &components_text(&m.components)))
        .collect()
}

/// One row of [`matches_text`], with its components' stored JSON.
fn row_line(m: &RunMatch, components: &str) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{components}\n",
        m.market.name(),
        m.need,
        m.offer,
        m.need_party,
        m.offer_party,
        m.units,
        m.score,
    )
}

/// A score's components as stored: a JSON array of `[name, value]` pairs in the scorer's order
/// (values in the shortest text that reads back to the same `f64`).
fn components_text(c: &[(String, f64)]) -> String {
    serde_json::json!(c).to_string()
}

fn parse_components(text: &str) -> Option<Vec<(String, f64)>> {
    serde_json::from_str(text).ok()
}

fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

impl Db {
    /// The rows of query `sql` with `params`, each mapped by `f`; errors say what was being
    /// done.
    fn rows<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        doing: &str,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, DbError> {
        let mut st = self.conn.prepare(sql).map_err(self.sql_err(doing))?;
        let rows = st.query_map(params, f).map_err(self.sql_err(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql_err(doing))
    }

    fn sql_err(&self, doing: &str) -> impl Fn(rusqlite::Error) -> DbError + '_ {
        let doing = doing.to_owned();
        move |e| sql_error(&self.path, &doing, e)
    }

    /// Opens the database at `path` for writing, creating it (with the current schema) if the
    /// file does not exist or is empty. Two processes creating the same new file at once are
    /// serialised: the second waits for the first and then finds its schema.
    ///
    /// # Errors
    /// See [`Db::open_existing`].
    pub fn create_or_open(path: &Path) -> Result<Db, DbError> {
        Self::open_with(path, Mode::Create)
    }

    /// Opens an existing database for writing (recording runs, importing), after checking it:
    /// a SQLite file, marked as duijie's, that passes `PRAGMA quick_check`, holds no schema
    /// object duijie did not create, with a schema this library reads (older schemas are
    /// upgraded).
    ///
    /// # Errors
    /// [`DbError`] naming the file and what is wrong with it.
    pub fn open_existing(path: &Path) -> Result<Db, DbError> {
        Self::open_with(path, Mode::Write)
    }

    /// Opens an existing database only to read it, with the checks of [`Db::open_existing`].
    /// Nothing is written, so a database on a read-only disk or in a folder the user cannot
    /// write to is read as it is (SQLite's `-wal` and `-shm` files cannot be created there;
    /// the file is then opened as immutable).
    ///
    /// # Errors
    /// [`DbError`] naming the file and what is wrong with it.
    pub fn open_read_only(path: &Path) -> Result<Db, DbError> {
        Self::open_with(path, Mode::Read)
    }

    fn open_with(path: &Path, mode: Mode) -> Result<Db, DbError> {
        let open_err = |message: String| DbError::Open {
            path: path.to_owned(),
            message,
        };
        let len = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => return Err(open_err("it is a folder, not a file".into())),
            Ok(m) => Some(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(open_err(duijie::message::plain_io_error(&e))),
        };
        if len.is_none() && mode != Mode::Create {
            return Err(open_err("there is no such file".into()));
        }
        // An empty file is a new database (another process may have just created it).
        if len.is_some_and(|n| n > 0) && !is_database(path) {
            return Err(DbError::NotADuijieDatabase {
                path: path.to_owned(),
                found: "the file does not start with the SQLite header".into(),
            });
        }
        let conn = match mode {
            Mode::Read => open_for_reading(path)?,
            Mode::Write | Mode::Create => {
                let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                if mode == Mode::Create {
                    flags |= OpenFlags::SQLITE_OPEN_CREATE;
                }
                Connection::open_with_flags(path, flags).map_err(|e| open_error(path, &e, false))?
            }
        };
        // A file supplied by someone else must not run code from its schema; wait for another
        // writer instead of failing at once; enforce any foreign keys.
        conn.execute_batch(
            "PRAGMA trusted_schema = OFF; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;",
        )
        .map_err(|e| open_error(path, &e, mode == Mode::Read))?;
        let mut db = Db {
            conn,
            path: path.to_owned(),
            read_only: mode == Mode::Read,
        };
        db.setup(len.is_some_and(|n| n > 0))?;
        Ok(db)
    }

    fn setup(&mut self, existed: bool) -> Result<(), DbError> {
        let path = self.path.clone();
        if existed {
            let check: String = self
                .conn
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .map_err(|e| match e.sqlite_error_code() {
                    Some(
                        rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase,
                    ) => DbError::Corrupt {
                        path: path.clone(),
                        detail: e.to_string(),
                    },
                    _ => open_error(&path, &e, self.read_only),
                })?;
            if check != "ok" {
                return Err(DbError::Corrupt {
                    path,
                    detail: check,
                });
            }
        }
        if self.read_only {
            let (app, version, objects) = self.schema_state()?;
            if check_schema_of(&path, app, version, &objects)? {
                return Err(DbError::Open {
                    path,
                    message: format!(
                        "the database has schema version {version}, and upgrading it to {SCHEMA_VERSION} needs write access: run `duijie import` on a writable copy"
                    ),
                });
            }
            return Ok(());
        }
        // Check and upgrade under the write lock, so that two processes creating one new file
        // at once are serialised: the second sees the first's schema.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, "starting the schema check", e))?;
        let state =
            read_schema_state(&tx).map_err(|e| sql_error(&path, "reading the schema", e))?;
        let (app, version, objects) = state;
        let needs_upgrade = check_schema_of(&path, app, version, &objects)?;
        if needs_upgrade {
            let steps = migrations();
            let upgrade = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<()> {
                for (k, step) in steps
                    .iter()
                    .enumerate()
                    .skip(usize::try_from(version).unwrap_or(0))
                {
                    tx.execute_batch(step)?;
                    tx.pragma_update(
                        None,
                        "user_version",
                        i32::try_from(k + 1).unwrap_or(i32::MAX),
                    )?;
                }
                tx.pragma_update(None, "application_id", APPLICATION_ID)?;
                Ok(())
            };
            upgrade(&tx).map_err(|e| {
                sql_error(
                    &path,
                    &format!("upgrading the schema from version {version}"),
                    e,
                )
            })?;
        }
        tx.commit()
            .map_err(|e| sql_error(&path, "committing the schema check", e))?;
        self.set_wal()?;
        self.conn
            .execute_batch("PRAGMA synchronous = FULL;")
            .map_err(self.sql_err("setting the journal mode"))?;
        Ok(())
    }

    /// Puts the database in WAL mode. The switch needs every other connection idle and SQLite
    /// answers "busy" at once rather than waiting (two processes creating one new file at the
    /// same moment), so it is tried again for up to the busy timeout, 30 s.
    fn set_wal(&self) -> Result<(), DbError> {
        let mut tries = 0u32;
        loop {
            let mode: rusqlite::Result<String> =
                self.conn
                    .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
            match mode {
                Ok(m) if m.eq_ignore_ascii_case("wal") => return Ok(()),
                Ok(m) => {
                    return Err(DbError::Sql {
                        path: self.path.clone(),
                        doing: "setting the journal mode".into(),
                        message: format!("SQLite kept the journal mode {m}"),
                    });
                }
                Err(e)
                    if tries < 3000
                        && matches!(
                            e.sqlite_error_code(),
                            Some(
                                rusqlite::ErrorCode::DatabaseBusy
                                    | rusqlite::ErrorCode::DatabaseLocked
                            )
                        ) =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return Err(sql_error(&self.path, "setting the journal mode", e)),
            }
        }
    }

    fn schema_state(&self) -> Result<SchemaState, DbError> {
        read_schema_state(&self.conn).map_err(self.sql_err("reading the schema"))
    }

    /// The schema version of the open database.
    ///
    /// # Errors
    /// [`DbError::Sql`].
    pub fn schema_version(&self) -> Result<i32, DbError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(self.sql_err("reading the schema version"))
    }

    /// Validates `read` and, if it has no errors, replaces the stored ledger with it in one
    /// transaction. Returns the validated ledger.
    ///
    /// # Errors
    /// [`DbError::Refused`] (with the report) when the ledger has errors: nothing is written.
    /// [`DbError::Value`] or [`DbError::Sql`] when writing fails: the transaction is rolled
    /// back and the database holds the previous ledger.
    /// [`DbError::NothingToImport`] when `read` holds no record (nothing replaces a ledger
    /// with an empty one), and [`DbError::WouldDropTables`] when the stored ledger has records
    /// of a table that `read` has none of ([`Db::replace`] allows that).
    pub fn import(&mut self, read: Read) -> Result<Loaded, DbError> {
        self.import_inner(read, false, "import", None)
    }

    /// [`Db::import`], replacing the stored ledger even when the new one lacks tables the
    /// stored one has (it must still hold at least one record).
    ///
    /// # Errors
    /// As [`Db::import`], but never [`DbError::WouldDropTables`].
    pub fn replace(&mut self, read: Read) -> Result<Loaded, DbError> {
        self.import_inner(read, true, "import", None)
    }

    /// [`Db::import`] (or, with `replace`, [`Db::replace`]) recorded as a run of `command`
    /// instead of `import` — who imported, for a service (`api import by NAME`) — in the same
    /// transaction as the import.
    ///
    /// # Errors
    /// As [`Db::import`] and [`Db::replace`].
    pub fn import_as(
        &mut self,
        read: Read,
        replace: bool,
        command: &str,
    ) -> Result<Loaded, DbError> {
        self.import_inner(read, replace, command, None)
    }

    fn import_inner(
        &mut self,
        read: Read,
        allow_fewer_tables: bool,
        command: &str,
        fail_after: Option<usize>,
    ) -> Result<Loaded, DbError> {
        if self.read_only {
            return Err(DbError::Open {
                path: self.path.clone(),
                message: "it was opened read-only, so nothing can be imported into it".into(),
            });
        }
        let records = read.records.clone();
        let loaded = read.validate();
        if records.is_empty() {
            // Each file not read once, with its own reason (not a table's kind of file, a
            // workbook that does not open, ...).
            let mut skipped: Vec<(&str, String)> = Vec::new();
            for p in &loaded.report.problems {
                if p.kind == duijie::ProblemKind::NotRead
                    && !skipped.iter().any(|(s, _)| *s == p.source)
                {
                    skipped.push((&p.source, p.message.clone()));
                }
            }
            let files: Vec<String> = loaded
                .files
                .iter()
                .filter(|f| !skipped.iter().any(|(s, _)| *s == f.name))
                .map(|f| format!("{} ({} records)", f.name, f.records))
                .collect();
            let mut what = if files.is_empty() {
                "no ledger table was read".to_owned()
            } else {
                format!("the tables read hold no record: {}", files.join(", "))
            };
            if !skipped.is_empty() {
                let why: Vec<String> = skipped.iter().map(|(s, m)| format!("{s}: {m}")).collect();
                what.push_str(&format!(" ({})", why.join("; ")));
            }
            return Err(DbError::NothingToImport {
                path: self.path.clone(),
                read: what,
            });
        }
        if loaded.report.has_errors() {
            return Err(DbError::Refused {
                path: self.path.clone(),
                report: Box::new(loaded.report),
            });
        }
        let path = self.path.clone();
        let sql = |doing: &str| {
            let doing = doing.to_owned();
            let path = path.clone();
            move |e: rusqlite::Error| sql_error(&path, &doing, e)
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting the import"))?;
        // Under the write lock, so that the ledger compared is the one replaced.
        if !allow_fewer_tables {
            let present: std::collections::BTreeSet<RecordKind> =
                records.iter().map(|r| r.kind).collect();
            let lost: Vec<(String, u64)> = stored_counts(&tx)
                .map_err(sql("counting the stored records"))?
                .into_iter()
                .filter(|&(kind, n)| n > 0 && !present.contains(&kind))
                .map(|(kind, n)| (kind.name().to_owned(), n))
                .collect();
            if !lost.is_empty() {
                return Err(DbError::WouldDropTables {
                    path: path.clone(),
                    tables: lost,
                });
            }
        }
        for kind in RecordKind::ALL {
            tx.execute(&format!("DELETE FROM \"{}\"", kind.name()), [])
                .map_err(sql("clearing the old ledger"))?;
        }
        tx.execute_batch("DELETE FROM list_item; DELETE FROM extra_field; DELETE FROM source;")
            .map_err(sql("clearing the old ledger"))?;
        let mut next_rid = std::collections::HashMap::new();
        for (n, rec) in records.iter().enumerate() {
            if fail_after == Some(n) {
                return Err(DbError::Sql {
                    path: path.clone(),
                    doing: "importing (a failure injected by a test)".into(),
                    message: "interrupted".into(),
                });
            }
            let table = rec.kind.name();
            let rid: i64 = {
                let e = next_rid.entry(table).or_insert(0i64);
                *e += 1;
                *e
            };
            let fields = rec.kind.fields();
            let mut cols: Vec<Sql> = vec![Sql::Null; fields.len()];
            let mut seen = vec![false; fields.len()];
            let mut extras = Vec::new();
            let origin = rec.origin.to_string();
            for (pos, (name, value)) in rec.fields.iter().enumerate() {
                let slot = fields
                    .iter()
                    .position(|f| f.name == name)
                    .filter(|&k| !seen[k]);
                let stored = match value {
                    Value::List(items) => {
                        for (k, item) in items.iter().enumerate() {
                            let v = scalar(item).ok_or_else(|| DbError::Value {
                                path: path.clone(),
                                origin: origin.clone(),
                                field: name.clone(),
                            })?;
                            tx.execute(
                                "INSERT INTO list_item (tbl, rid, field, pos, value) VALUES (?1, ?2, ?3, ?4, ?5)",
                                params![table, rid, if slot.is_some() { name.clone() } else { format!("#{pos}") }, i64::try_from(k).unwrap_or(i64::MAX), v],
                            )
                            .map_err(sql("writing a list"))?;
                        }
                        Sql::Blob(LIST.to_vec())
                    }
                    v => scalar(v).ok_or_else(|| DbError::Value {
                        path: path.clone(),
                        origin: origin.clone(),
                        field: name.clone(),
                    })?,
                };
                match slot {
                    Some(k) => {
                        seen[k] = true;
                        cols[k] = stored;
                    }
                    None => extras.push((pos, name.clone(), stored)),
                }
            }
            let names: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.name)).collect();
            let marks: Vec<String> = (0..fields.len()).map(|k| format!("?{}", k + 6)).collect();
            let mut values: Vec<Sql> = vec![
                Sql::Integer(rid),
                Sql::Text(rec.origin.source.clone()),
                rec.origin.line.map_or(Sql::Null, |l| {
                    Sql::Integer(i64::try_from(l).unwrap_or(i64::MAX))
                }),
                rec.origin.path.clone().map_or(Sql::Null, Sql::Text),
                Sql::Integer(i64::from(rec.typed)),
            ];
            values.extend(cols);
            tx.execute(
                &format!(
                    "INSERT INTO \"{table}\" (rid, src, line, path, typed, {}) VALUES (?1, ?2, ?3, ?4, ?5, {})",
                    names.join(", "),
                    marks.join(", ")
                ),
                rusqlite::params_from_iter(values),
            )
            .map_err(sql("writing a record"))?;
            for (pos, name, v) in extras {
                tx.execute(
                    "INSERT INTO extra_field (tbl, rid, pos, field, value) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![table, rid, i64::try_from(pos).unwrap_or(i64::MAX), name, v],
                )
                .map_err(sql("writing an extra field"))?;
            }
        }
        for f in &loaded.files {
            tx.execute(
                "INSERT OR REPLACE INTO source (name, format, encoding, records) VALUES (?1, ?2, ?3, ?4)",
                params![
                    f.name,
                    format!("{:?}", f.format).to_lowercase(),
                    f.encoding.map(|e| e.name().to_owned()),
                    i64::try_from(f.records).unwrap_or(i64::MAX)
                ],
            )
            .map_err(sql("writing the file list"))?;
        }
        let hash = records_hash(&records);
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('ledger_sha256', ?1), ('library_version', ?2)",
            params![hash, env!("CARGO_PKG_VERSION")],
        )
        .map_err(sql("writing the ledger hash"))?;
        // The import is a run too, written in the same transaction: after a crash the run table
        // says whether the import happened (its row is there) or not.
        let mut counts = std::collections::BTreeMap::new();
        for r in &records {
            *counts.entry(r.kind.name()).or_insert(0usize) += 1;
        }
        let counts = serde_json::to_string(&counts).unwrap_or_default();
        let results = serde_json::json!({
            "records": records.len(),
            "warnings": loaded.report.warning_count(),
            "files": loaded.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        })
        .to_string();
        tx.execute(
            &format!("INSERT INTO run (command, config, seed, library_version, input_hash, counts, results, results_sha256, recorded_at) VALUES (?6, '', NULL, ?1, ?2, ?3, ?4, ?5, {NOW})"),
            params![env!("CARGO_PKG_VERSION"), hash, counts, results, sha256_hex(results.as_bytes()), command],
        )
        .map_err(sql("recording the import"))?;
        tx.commit().map_err(sql("committing the import"))?;
        Ok(loaded)
    }

    /// Reads the stored ledger back as raw records (validate them with [`Read::validate`]).
    /// Each record's origin is the file and line it was imported from.
    ///
    /// # Errors
    /// [`DbError::Sql`] when a table cannot be read.
    pub fn read(&self) -> Result<Read, DbError> {
        let mut records = Vec::new();
        let mut files = Vec::new();
        let mut lists: std::collections::HashMap<(String, i64, String), Vec<Value>> =
            std::collections::HashMap::new();
        {
            let mut st = self
                .conn
                .prepare(
                    "SELECT tbl, rid, field, value FROM list_item ORDER BY tbl, rid, field, pos",
                )
                .map_err(self.sql_err("reading lists"))?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Sql>(3)?,
                    ))
                })
                .map_err(self.sql_err("reading lists"))?;
            for row in rows {
                let (t, rid, field, v) = row.map_err(self.sql_err("reading lists"))?;
                lists
                    .entry((t, rid, field))
                    .or_default()
                    .push(from_sql(v, None));
            }
        }
        let mut extras: std::collections::HashMap<(String, i64), Vec<Extra>> =
            std::collections::HashMap::new();
        {
            let mut st = self
                .conn
                .prepare(
                    "SELECT tbl, rid, pos, field, value FROM extra_field ORDER BY tbl, rid, pos",
                )
                .map_err(self.sql_err("reading extra fields"))?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Sql>(4)?,
                    ))
                })
                .map_err(self.sql_err("reading extra fields"))?;
            for row in rows {
                let (t, rid, pos, field, v) = row.map_err(self.sql_err("reading extra fields"))?;
                extras.entry((t, rid)).or_default().push((pos, field, v));
            }
        }
        for kind in RecordKind::ALL {
            let fields = kind.fields();
            let names: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.name)).collect();
            let mut st = self
                .conn
                .prepare(&format!(
                    "SELECT rid, src, line, path, typed, {} FROM \"{}\" ORDER BY rid",
                    names.join(", "),
                    kind.name()
                ))
                .map_err(self.sql_err("reading the ledger"))?;
            let rows = st
                .query_map([], |r| {
                    let mut vals = Vec::with_capacity(fields.len());
                    for k in 0..fields.len() {
                        vals.push(r.get::<_, Sql>(5 + k)?);
                    }
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, i64>(4)? != 0,
                        vals,
                    ))
                })
                .map_err(self.sql_err("reading the ledger"))?;
            let mut count = 0usize;
            for row in rows {
                let (rid, src, line, path, typed, vals) =
                    row.map_err(self.sql_err("reading the ledger"))?;
                let mut out: Vec<(usize, String, Value)> = Vec::new();
                for (k, v) in vals.into_iter().enumerate() {
                    if matches!(v, Sql::Null) {
                        continue;
                    }
                    let name = fields[k].name.to_owned();
                    let list = lists.remove(&(kind.name().to_owned(), rid, name.clone()));
                    out.push((k, name, from_sql(v, list)));
                }
                let mut fields_out: Vec<(String, Value)> =
                    out.into_iter().map(|(_, n, v)| (n, v)).collect();
                for (pos, name, v) in extras
                    .remove(&(kind.name().to_owned(), rid))
                    .unwrap_or_default()
                {
                    let list = lists.remove(&(kind.name().to_owned(), rid, format!("#{pos}")));
                    fields_out.push((name, from_sql(v, list)));
                }
                records.push(RawRecord {
                    kind,
                    origin: Origin {
                        source: src,
                        line: line.and_then(|l| u64::try_from(l).ok()),
                        path,
                    },
                    fields: fields_out,
                    typed,
                });
                count += 1;
            }
            if count > 0 {
                files.push(FileSummary {
                    name: format!("{}#{}", self.path.display(), kind.name()),
                    format: Format::Sqlite,
                    encoding: None,
                    records: count,
                });
            }
        }
        // Prove that what is read is what was imported: another tool may have changed rows.
        let imported = self.ledger_hash()?;
        if !(imported.is_empty() && records.is_empty()) {
            let stored = records_hash(&records);
            if stored != imported {
                return Err(DbError::LedgerChanged {
                    path: self.path.clone(),
                    imported,
                    stored,
                });
            }
        }
        Ok(Read {
            records,
            problems: Vec::new(),
            files,
            headers: std::collections::HashMap::new(),
        })
    }

    /// The SHA-256 of the stored ledger, as computed when it was imported (empty when none).
    ///
    /// # Errors
    /// [`DbError::Sql`].
    pub fn ledger_hash(&self) -> Result<String, DbError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'ledger_sha256'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err("reading the ledger hash"))?
            .unwrap_or_default())
    }

    /// Records a run and returns its number.
    ///
    /// # Errors
    /// [`DbError::Sql`].
    pub fn record_run(&mut self, run: &RunRecord) -> Result<i64, DbError> {
        self.record_run_with_matches(run, &[])
    }

    /// Records a run with its partnerships as rows (table `run_match`, queryable in SQL), all
    /// in one transaction: a run is either absent or complete, whatever stops the process. The
    /// rows get a checksum beside the run's, which [`Db::run_matches`] checks.
    ///
    /// # Errors
    /// [`DbError::Sql`].
    pub fn record_run_with_matches(
        &mut self,
        run: &RunRecord,
        matches: &[RunMatch],
    ) -> Result<i64, DbError> {
        let sum = sha256_hex(run.results.as_bytes());
        let matches_sum = sha256_hex(matches_text(matches).as_bytes());
        let path = self.path.clone();
        let err = |doing: &'static str| {
            let path = path.clone();
            move |e| sql_error(&path, doing, e)
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err("recording the run"))?;
        tx.execute(
            &format!("INSERT INTO run (command, config, seed, library_version, input_hash, counts, results, results_sha256, matches_sha256, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {NOW})"),
            params![
                run.command,
                run.config,
                run.seed.and_then(|s| i64::try_from(s).ok()),
                run.library_version,
                run.input_hash,
                run.counts,
                run.results,
                sum,
                matches_sum
            ],
        )
        .map_err(err("recording the run"))?;
        let id = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO run_match (run, market, need, offer, need_party, offer_party, units, score, components) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(err("recording the run's partnerships"))?;
            for m in matches {
                insert
                    .execute(params![
                        id,
                        m.market.name(),
                        m.need,
                        m.offer,
                        m.need_party,
                        m.offer_party,
                        m.units,
                        m.score,
                        components_text(&m.components),
                    ])
                    .map_err(err("recording the run's partnerships"))?;
            }
        }
        tx.commit().map_err(err("recording the run"))?;
        Ok(id)
    }

    /// The partnerships of run `id`, in market, need and offer order, checked against their
    /// checksum (empty for a run recorded before the database kept them).
    ///
    /// # Errors
    /// [`DbError::NoRun`], [`DbError::Tampered`] (rows changed outside duijie),
    /// [`DbError::Sql`].
    pub fn run_matches(&self, id: i64) -> Result<Vec<RunMatch>, DbError> {
        let sum: Option<Option<String>> = self
            .conn
            .query_row("SELECT matches_sha256 FROM run WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sql_err("reading a run"))?;
        let Some(sum) = sum else {
            return Err(DbError::NoRun {
                path: self.path.clone(),
                run: id,
            });
        };
        let rows = self.rows(
            "SELECT market, need, offer, need_party, offer_party, units, score, components FROM run_match WHERE run = ?1",
            [id],
            "reading a run's partnerships",
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )?;
        let tampered = || DbError::Tampered {
            path: self.path.clone(),
            run: id,
        };
        let mut out = Vec::with_capacity(rows.len());
        let mut stored = Vec::with_capacity(rows.len());
        for (market, need, offer, need_party, offer_party, units, score, components) in rows {
            let parsed = parse_components(&components).ok_or_else(tampered)?;
            out.push(RunMatch {
                market: Market::from_name(&market).map_err(|_| tampered())?,
                need,
                offer,
                need_party,
                offer_party,
                units: u32::try_from(units).map_err(|_| tampered())?,
                score,
                components: parsed,
            });
            stored.push(components);
        }
        // The checksum covers the text as stored (the components' JSON among it).
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_by(|&i, &j| out[i].sort_key().cmp(&out[j].sort_key()));
        let text: String = order
            .iter()
            .map(|&k| row_line(&out[k], &stored[k]))
            .collect();
        let mut slots: Vec<Option<RunMatch>> = out.into_iter().map(Some).collect();
        let out: Vec<RunMatch> = order.iter().filter_map(|&k| slots[k].take()).collect();
        match sum {
            Some(sum) if sha256_hex(text.as_bytes()) != sum => Err(tampered()),
            None if !out.is_empty() => Err(tampered()),
            _ => Ok(out),
        }
    }

    /// Reads run `id` back, checking its results against their checksum.
    ///
    /// # Errors
    /// [`DbError::NoRun`], [`DbError::Tampered`], [`DbError::Sql`].
    pub fn run(&self, id: i64) -> Result<RunRecord, DbError> {
        let row = self
            .conn
            .query_row(
                "SELECT command, config, seed, library_version, input_hash, counts, results, results_sha256 FROM run WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        RunRecord {
                            command: r.get(0)?,
                            config: r.get(1)?,
                            seed: r.get::<_, Option<i64>>(2)?.and_then(|s| u64::try_from(s).ok()),
                            library_version: r.get(3)?,
                            input_hash: r.get(4)?,
                            counts: r.get(5)?,
                            results: r.get(6)?,
                        },
                        r.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()
            .map_err(self.sql_err("reading a run"))?;
        let Some((run, sum)) = row else {
            return Err(DbError::NoRun {
                path: self.path.clone(),
                run: id,
            });
        };
        if sha256_hex(run.results.as_bytes()) != sum {
            return Err(DbError::Tampered {
                path: self.path.clone(),
                run: id,
            });
        }
        Ok(run)
    }

    /// The runs recorded, as `(number, command)`, oldest first.
    ///
    /// # Errors
    /// [`DbError::Sql`].
    pub fn runs(&self) -> Result<Vec<(i64, String)>, DbError> {
        self.rows(
            "SELECT id, command FROM run ORDER BY id",
            [],
            "listing runs",
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Every run recorded, oldest first, with what it kept: its number, command, seed, ledger
    /// hash, and the partnerships and units of its rows.
    ///
    /// # Errors
    /// [`DbError::Sql`].
    pub fn run_summaries(&self) -> Result<Vec<RunSummary>, DbError> {
        self.rows(
            "SELECT r.id, r.command, r.seed, r.input_hash, COUNT(m.run), COALESCE(SUM(m.units), 0), CASE WHEN json_valid(r.counts) THEN json_extract(r.counts, '$.year') END, r.recorded_at FROM run r LEFT JOIN run_match m ON m.run = r.id GROUP BY r.id ORDER BY r.id",
            [],
            "listing runs",
            |r| {
                Ok(RunSummary {
                    id: r.get(0)?,
                    command: r.get(1)?,
                    seed: r.get::<_, Option<i64>>(2)?.and_then(|s| u64::try_from(s).ok()),
                    input_hash: r.get(3)?,
                    partnerships: r.get::<_, i64>(4)?.try_into().unwrap_or(0),
                    units: r.get(5)?,
                    year: r
                        .get::<_, Option<i64>>(6)
                        .ok()
                        .flatten()
                        .and_then(|y| u16::try_from(y).ok()),
                    recorded_at: r.get(7)?,
                })
            },
        )
    }

    /// The agreements kept in the store, by need and offer.
    ///
    /// # Errors
    /// [`DbError::Sql`], also for a status duijie does not write.
    pub fn agreements(&self) -> Result<Vec<StoredAgreement>, DbError> {
        self.agreements_where("", [])
    }

    /// The stored agreements that `filter` (an SQL `WHERE` clause with `params`, or nothing)
    /// selects, by need and offer.
    fn agreements_where<P: rusqlite::Params>(
        &self,
        filter: &str,
        params: P,
    ) -> Result<Vec<StoredAgreement>, DbError> {
        let rows = self.rows(
            &format!("SELECT need, offer, units, status, recorded_by, recorded_at FROM agreement {filter} ORDER BY need, offer"),
            params,
            "reading the agreements",
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )?;
        rows.into_iter()
            .map(|(need, offer, units, status, recorded_by, recorded_at)| {
                let status = AgreementStatus::from_name(&status).ok_or(DbError::Sql {
                    path: self.path.clone(),
                    doing: "reading the agreements".into(),
                    message: format!("need {need:?} and offer {offer:?} have the status {status:?}, which duijie does not write"),
                })?;
                Ok(StoredAgreement {
                    need,
                    offer,
                    units: u32::try_from(units).unwrap_or(0),
                    status,
                    status_zh: status.name_zh(),
                    recorded_by,
                    recorded_at,
                })
            })
            .collect()
    }

    /// Records agreement `row` (replacing the pair's earlier one) as made by `who`, with its
    /// change logged, in one transaction; returns it as stored. The caller checks it against
    /// the ledger ([`check_agreements`]).
    ///
    /// # Errors
    /// [`DbError::Sql`], [`DbError::Busy`].
    pub fn set_agreement(
        &mut self,
        row: &AgreementRow,
        who: &str,
    ) -> Result<StoredAgreement, DbError> {
        self.set_agreements(std::slice::from_ref(row), who)?;
        self.agreements_where(
            "WHERE need = ?1 AND offer = ?2",
            params![row.need, row.offer],
        )?
        .pop()
        .ok_or_else(|| DbError::Sql {
            path: self.path.clone(),
            doing: "recording an agreement".into(),
            message: "the agreement was not found after it was written".into(),
        })
    }

    /// Records agreements `rows` as made by `who`, each replacing its pair's earlier one and
    /// logged, all in one transaction: all are recorded or none. A refused or paused
    /// agreement keeps no units.
    ///
    /// # Errors
    /// [`DbError::Sql`], [`DbError::Busy`].
    pub fn set_agreements(&mut self, rows: &[AgreementRow], who: &str) -> Result<(), DbError> {
        let changes: Vec<AgreementChangeTo<'_>> = rows
            .iter()
            .map(|r| {
                let units = if r.status == AgreementStatus::Signed {
                    r.units
                } else {
                    0
                };
                (r.need.as_str(), r.offer.as_str(), Some((r.status, units)))
            })
            .collect();
        self.change_agreements(&changes, who).map(drop)
    }

    /// Takes the agreement of `need` and `offer` out, logged as `withdrawn` by `who`; returns
    /// whether there was one.
    ///
    /// # Errors
    /// [`DbError::Sql`], [`DbError::Busy`].
    pub fn withdraw_agreement(
        &mut self,
        need: &str,
        offer: &str,
        who: &str,
    ) -> Result<bool, DbError> {
        let had = self.change_agreements(&[(need, offer, None)], who)?;
        Ok(had.first().copied().unwrap_or(false))
    }

    /// Sets (`Some`) or removes (`None`) the agreement of each pair and logs each change, in
    /// one transaction; returns whether each pair had one before.
    fn change_agreements(
        &mut self,
        changes: &[AgreementChangeTo<'_>],
        who: &str,
    ) -> Result<Vec<bool>, DbError> {
        let path = self.path.clone();
        let err = move |e| sql_error(&path, "recording an agreement", e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(&err)?;
        let mut had_before = Vec::with_capacity(changes.len());
        for &(need, offer, to) in changes {
            let had = tx
                .execute(
                    "DELETE FROM agreement WHERE need = ?1 AND offer = ?2",
                    params![need, offer],
                )
                .map_err(&err)?
                > 0;
            let (status, units) = to.map_or(("withdrawn", 0), |(s, u)| (s.name(), u));
            if to.is_some() {
                tx.execute(
                    &format!("INSERT INTO agreement (need, offer, units, status, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, {NOW})"),
                    params![need, offer, units, status, who],
                )
                .map_err(&err)?;
            }
            if to.is_some() || had {
                tx.execute(
                    &format!("INSERT INTO agreement_log (need, offer, units, status, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, {NOW})"),
                    params![need, offer, units, status, who],
                )
                .map_err(&err)?;
            }
            had_before.push(had);
        }
        tx.commit().map_err(&err)?;
        Ok(had_before)
    }

    /// Every change of an agreement, oldest first.
    ///
    /// # Errors
    /// [`DbError::Sql`].
    pub fn agreement_log(&self) -> Result<Vec<AgreementChange>, DbError> {
        self.rows(
            "SELECT id, need, offer, units, status, recorded_by, recorded_at FROM agreement_log ORDER BY id",
            [],
            "reading the agreements' changes",
            |r| {
                Ok(AgreementChange {
                    id: r.get(0)?,
                    need: r.get(1)?,
                    offer: r.get(2)?,
                    units: u32::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                    status: r.get(4)?,
                    recorded_by: r.get(5)?,
                    recorded_at: r.get(6)?,
                })
            },
        )
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A field outside the schema: its position in the record, its name and its value.
type Extra = (i64, String, Sql);

/// A scalar value as stored; `None` for an integer beyond 64 bits (or a nested list).
fn scalar(v: &Value) -> Option<Sql> {
    Some(match v {
        Value::Text(s) => Sql::Text(s.clone()),
        Value::Integer(i) => Sql::Integer(i64::try_from(*i).ok()?),
        Value::Number(x) => Sql::Real(*x),
        Value::Bool(b) => Sql::Blob(if *b { TRUE } else { FALSE }.to_vec()),
        Value::Null => Sql::Null,
        Value::List(_) => return None,
    })
}

/// A stored value back as a ledger value; `list` holds the items of a list marker.
fn from_sql(v: Sql, list: Option<Vec<Value>>) -> Value {
    match v {
        Sql::Null => Value::Null,
        Sql::Integer(i) => Value::Integer(i128::from(i)),
        Sql::Real(x) => Value::Number(x),
        Sql::Text(s) => Value::Text(s),
        Sql::Blob(b) if b == LIST => Value::List(list.unwrap_or_default()),
        Sql::Blob(b) => Value::Bool(b == TRUE),
    }
}

/// SHA-256 over the records in a canonical form (kind, fields sorted by name, typed values;
/// null fields left out).
fn records_hash(records: &[RawRecord]) -> String {
    fn put(h: &mut Sha256, v: &Value) {
        match v {
            Value::Text(s) => {
                h.update(b"t");
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            Value::Integer(i) => {
                h.update(b"i");
                h.update(i.to_le_bytes());
            }
            Value::Number(x) => {
                h.update(b"r");
                h.update(x.to_bits().to_le_bytes());
            }
            Value::Bool(b) => h.update(if *b { b"T" } else { b"F" }),
            Value::Null => h.update(b"n"),
            Value::List(items) => {
                h.update(b"l");
                h.update((items.len() as u64).to_le_bytes());
                for i in items {
                    put(h, i);
                }
            }
        }
    }
    let mut h = Sha256::new();
    let mut sorted: Vec<&RawRecord> = records.iter().collect();
    // Stored tables are read back kind by kind, in order within a kind.
    sorted.sort_by_key(|r| RecordKind::ALL.iter().position(|k| *k == r.kind));
    for r in sorted {
        h.update(r.kind.name().as_bytes());
        h.update([u8::from(r.typed)]);
        // A null field is stored as no value, and reads back as absent: validation treats the
        // two alike, and so does the hash.
        let mut fields: Vec<&(String, Value)> = r
            .fields
            .iter()
            .filter(|(_, v)| !matches!(v, Value::Null))
            .collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, v) in fields {
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            put(&mut h, v);
        }
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash [`Db::ledger_hash`] stores, of records not (yet) in a database.
pub fn ledger_hash_of(read: &Read) -> String {
    records_hash(&read.records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_import_leaves_the_previous_ledger() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("l.sqlite");
        let mut db = Db::create_or_open(&path).unwrap_or_else(|e| panic!("{e}"));
        let sample = |seed| crate::read_generated(duijie::synth::Scale::Sample, seed);
        let first = db.import(sample(1)).unwrap_or_else(|e| panic!("{e}"));
        let hash = db.ledger_hash().unwrap_or_else(|e| panic!("{e}"));
        let r = db.import_inner(sample(2), false, "import", Some(50));
        assert!(r.is_err());
        assert_eq!(db.ledger_hash().unwrap_or_default(), hash);
        let back = db.read().unwrap_or_else(|e| panic!("{e}")).validate();
        assert_eq!(back.ledger, first.ledger);
    }
}
