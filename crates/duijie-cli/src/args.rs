//! The command line's definition: every command, its arguments and their help (clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::explain;

/// duijie (对接): matches enterprise technology and talent needs against school and institute
/// capabilities, allocates partners exactly, and reports how well supply meets demand.
#[derive(Parser, Debug)]
#[command(name = "duijie", version, about, long_about = None, after_help = "Examples:\n  duijie demo\n  duijie demo --bundled\n  duijie import datasets/sample --db ledger.sqlite\n  duijie report ledger.sqlite --out report\n  duijie validate datasets/sample\n  duijie gen --scale province --seed 7 --out ledger\n  duijie validate schools.csv talent_needs.csv --json\n  duijie match datasets/sample --out results --weights weights.toml\n  duijie explain N01 T01\n  duijie solve instance.min --json\n  duijie compare --scale sample --seeds 1,2,3 --out comparison.csv\n  duijie gaps --what-if 080213T\n  duijie alliances --grouping city")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Majors to add to the embedded catalogues (a newer edition's), as CSV
    /// `level,code,name,class_code`; see datasets/README.md.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) majors: Option<PathBuf>,
    /// The language of explanations and recommendations: zh (中文, the default) or en.
    #[arg(long, global = true, default_value = "zh", value_parser = parse_lang)]
    pub(crate) lang: duijie::score::Lang,
}

fn parse_lang(s: &str) -> Result<duijie::score::Lang, String> {
    duijie::score::Lang::from_name(s)
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// The main job, on an embedded default: generate a province-scale ledger (seeded) into a
    /// SQLite file, run every policy on it, and write the HTML and XLSX reports, the policy
    /// comparison and the alliance graphs. With --bundled: the small hand-made sample ledger,
    /// end to end (validate, score, allocate exactly, write matches with explanations).
    Demo {
        /// Where to write everything.
        #[arg(long, default_value = "duijie-demo")]
        out: PathBuf,
        /// Scale of the generated ledger: province (default) or sample (seconds).
        #[arg(long, default_value = "province", value_parser = parse_scale)]
        scale: duijie::synth::Scale,
        /// Seed of the generated ledger.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Run on the bundled hand-made sample ledger (datasets/sample) instead.
        #[arg(long)]
        bundled: bool,
        /// Print the summary as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write the reports for a ledger: every policy compared, the chosen policy's matches with
    /// explanations, gaps, alliances and progress to targets, as report.html (self-contained),
    /// report.xlsx, comparison.csv, alliances.graphml and alliances.dot. A ledger read from a
    /// database gets the run recorded there.
    Report {
        /// Ledger files or directories, or a database (default: the bundled sample ledger).
        paths: Vec<PathBuf>,
        /// Where to write the reports.
        #[arg(long, default_value = "duijie-report")]
        out: PathBuf,
        /// The policy whose allocation is reported.
        #[arg(long, default_value = "welfare")]
        policy: String,
        /// The policies compared (as in `duijie compare`).
        #[arg(long, default_value = "all")]
        policies: String,
        #[command(flatten)]
        opts: ProgrammeOpts,
    },
    /// Write a fill-in Excel workbook per ledger table into DIR (`talent_needs.xlsx`, …):
    /// Chinese and field-name headers with a note on what each takes, text columns, drop-down
    /// lists for levels, sizes, kinds, cities and catalogue codes. Given a ledger, the
    /// workbooks hold its records (a CSV ledger converted to Excel); `duijie validate DIR` reads
    /// them back.
    Template {
        /// Where to write the workbooks.
        #[arg(long)]
        out: PathBuf,
        /// A ledger to fill them with (files or directories; none: blank workbooks).
        paths: Vec<PathBuf>,
    },
    /// Check ledger files (CSV, JSON or Excel workbooks, or directories of them) and report
    /// every problem. Exits 1 when there is an error.
    Validate {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import a ledger (CSV or JSON files or directories) into a SQLite database, replacing the
    /// ledger it held, in one transaction: a ledger with errors is refused and the database is
    /// left as it was. Every other command takes the database file as its PATH.
    Import {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The database file (created if missing).
        #[arg(long)]
        db: PathBuf,
        /// Replace the stored ledger even when the new one lacks tables it has (by default
        /// such an import is refused, so that no table is lost by a forgotten file).
        #[arg(long)]
        replace: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the ledger schema: every table and the fields it takes (Markdown).
    Schema,
    /// List the runs a database has recorded (每轮对接): number, command, seed, the
    /// partnerships and units it kept, and the hash of the ledger it ran on.
    Runs {
        /// The database file.
        db: PathBuf,
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The agreements a database keeps, which `duijie match` on it and runs through
    /// `duijie serve` respect: list them, record new ones from a CSV file (need,offer,units,
    /// status: 已签约 / 已拒绝 / 暂停), withdraw one, or show every change with who made it
    /// and when.
    Agreements {
        /// The database file.
        db: PathBuf,
        /// Record the agreements of this CSV file (each replaces its pair's stored one), after
        /// checking them all against the stored ledger: all are recorded or none.
        #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["withdraw", "log"])]
        record: Option<PathBuf>,
        /// Withdraw the agreement of this pair.
        #[arg(long, num_args = 2, value_names = ["NEED", "OFFER"], conflicts_with = "log")]
        withdraw: Option<Vec<String>>,
        /// Every change made to the agreements, oldest first.
        #[arg(long)]
        log: bool,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// What changed from one run of a database to another: partnerships added, removed and
    /// changed, units by market and by alliance, and each market's metrics before and after.
    Diff {
        /// The database file.
        db: PathBuf,
        /// The earlier run's number (see `duijie runs`).
        from: i64,
        /// The later run's number.
        to: i64,
        /// How enterprises are grouped into alliances: domain, industry, city or park.
        #[arg(long, default_value = "domain", value_parser = parse_grouping)]
        grouping: duijie::programme::Grouping,
        /// Write every change as CSV (change, market, need, offer, parties, units and score
        /// before and after).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Compare partnerships between parties (each enterprise with each school or
        /// institute, units summed) instead of between needs and offers: what two years' runs
        /// share, since each year has its own records.
        #[arg(long)]
        parties: bool,
        /// Print the diff as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve the store over HTTP for the systems that call duijie: JSON under /v1 (parties,
    /// recommendations with reasons, explanations, runs, matches, diffs; starting a run with a
    /// write token). The document of every endpoint is at /v1/openapi.json.
    #[cfg(feature = "serve")]
    Serve {
        /// The database (`duijie import … --db FILE.sqlite` makes one).
        #[arg(long)]
        db: PathBuf,
        /// Address to listen on; loopback by default (put a reverse proxy with TLS in front to
        /// serve other machines).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Bearer tokens, one per line: `read|write SHA256 NAME` (the token's SHA-256 in hex:
        /// `printf %s "$TOKEN" | sha256sum`). Without it everyone may read and nobody write.
        #[arg(long)]
        tokens: Option<PathBuf>,
        /// The largest request body accepted, in MiB.
        #[arg(long, default_value_t = 16)]
        max_body_mib: usize,
        /// The longest a request may take, in seconds.
        #[arg(long, default_value_t = 60)]
        timeout_secs: u64,
        /// A web origin whose pages may call the service from a browser (CORS), such as
        /// https://platform.example.gov.cn; repeat for more. None by default.
        #[arg(long, value_name = "ORIGIN")]
        cors_origin: Vec<String>,
        #[command(flatten)]
        scoring: ScoringOpts,
    },
    /// Solve one instance file and check its certificate: DIMACS minimum-cost flow (`p min`) or
    /// assignment (`p asn`, minimum cost), or a dense matrix as CSV (assignment; decimals are
    /// kept as fixed point). Parse time is reported apart from solve time.
    Solve {
        /// The instance file (`.csv` for a dense matrix, anything else is read as DIMACS).
        file: PathBuf,
        /// Maximise (assignment only): the matrix holds weights, not costs.
        #[arg(long)]
        max: bool,
        /// Decimal places kept when a CSV matrix holds decimals.
        #[arg(long, default_value_t = 6)]
        decimals: u32,
        /// Print `{"objective", "status", "solve_seconds", "parse_seconds", "algorithm", ...}`.
        #[arg(long)]
        json: bool,
        /// Stop after this many iterations (simplex pivots for min-cost flow; augmenting path
        /// searches or auction bids for assignment): the answer found so far, completed to a
        /// feasible one, is printed as `limit_reached` (not proven optimal); exit code 3.
        #[arg(long)]
        max_iterations: Option<u64>,
        /// Stop after this many seconds of solving, as --max-iterations.
        #[arg(long)]
        time_limit: Option<f64>,
        /// Write the solution as CSV: assigned pairs with their costs and the dual potentials
        /// (`kind,row,col,value`), or arc flows and node potentials (`kind,arc,tail,head,value,
        /// cost`); DIMACS ids as in the file, a CSV matrix's rows and columns from 0. `--json`
        /// prints the same under `solution`. When no solution exists, the witness that proves it
        /// (`kind,id`, one `witness` row per id; `--json` prints it under `witness`).
        #[arg(long)]
        solution: Option<PathBuf>,
    },
    /// Run one policy on a market instance of your own (needs with demands, offers with
    /// capacities, scored pairs; see datasets/README.md) and write its pairs to
    /// OUT/allocation.csv.
    Allocate {
        /// The instance: a folder of needs.csv, offers.csv and pairs.csv, or one .json file.
        #[arg(long)]
        instance: PathBuf,
        /// The policy (`duijie compare --help` lists them).
        #[arg(long, default_value = "welfare")]
        policy: String,
        /// Where to write allocation.csv.
        #[arg(long, default_value = "duijie-allocation")]
        out: PathBuf,
        /// Rounds of changes to the instance, in order, each a JSON file of new `offers`
        /// (`id`, `capacity`), new `needs` (`id`, `demand`) with their `pairs`, new scores of
        /// existing pairs and offer ids to `withdraw` (see datasets/README.md): the welfare
        /// allocation is kept live and re-solved from the last optimal basis after each, and
        /// written to OUT/round-K/allocation.csv with the partnerships it moved.
        #[arg(long, num_args = 1..)]
        rounds: Vec<PathBuf>,
        /// Print the metrics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stable matching from ranked lists: stable marriage, hospitals/residents or
    /// student–project allocation, from a JSON file in the shape of the Python `matching`
    /// package (see datasets/README.md). Prints the pairs, or writes them with --out.
    Stable {
        /// The game file (.json).
        file: PathBuf,
        /// The side whose optimal stable matching to find: the applying side (suitor, resident,
        /// student; the default) or the other (reviewer, hospital, supervisor).
        #[arg(long, default_value = "applicants")]
        optimal: String,
        /// Ties in the lists: `strict` (a tie is an error), `index` (weakly stable, ties
        /// broken by the order names first appear in the file), `random` (weakly stable, ties
        /// broken by --seed) or `super` (super-stable: no pair weakly prefers each other; may not
        /// exist).
        #[arg(long, default_value = "strict")]
        ties: String,
        /// Seed for `--ties random`.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the pairs as CSV to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Validate a ledger, then score, allocate and write results. Refuses a ledger with errors.
    Match {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where to write the results.
        #[arg(long, default_value = "duijie-results")]
        out: PathBuf,
        #[command(flatten)]
        scoring: ScoringOpts,
        /// Agreements from earlier rounds (CSV: need,offer,units,status): 已签约 (signed) units
        /// are kept, 已拒绝 (refused) and 暂停 (paused) pairs are not allocated. A database's
        /// own agreements (`duijie agreements`) are respected when no file is given.
        #[arg(long)]
        agreements: Option<PathBuf>,
        /// Minimum-change re-matching (PATH a database): keep the partnerships of this earlier
        /// run unless moving one gains more than `--keep` of score per unit.
        #[arg(long)]
        previous_run: Option<i64>,
        /// With --previous-run: the score per unit a partnership must gain to move (0 to 1).
        #[arg(long, default_value_t = 0.01)]
        keep: f64,
        /// The round of one year: only the needs and offers of that year are matched (a ledger
        /// kept over several years), and the recorded run is for that year.
        #[arg(long)]
        year: Option<u16>,
        /// Print the summary as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// A line per finished phase on standard error (reading, scoring and allocating each
        /// market, writing), with its time and rate, even when standard error is a file.
        #[arg(long)]
        progress: bool,
    },
    /// Generate a synthetic ledger calibrated to the Liaoning programme (14 cities, the real
    /// 114 higher-education institutions, enterprises weighted to Liaoning's industries, talent
    /// places in the policy's proportions). The same scale and seed give the same bytes.
    Gen {
        /// `sample` (a few hundred records), `province` (one province-year: 3.7·10⁵ talent
        /// places, 10⁴ technology needs) or `nation` (10⁶ talent needs × 10⁵ offers).
        #[arg(long, default_value = "sample", value_parser = parse_scale)]
        scale: duijie::synth::Scale,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directory to write the CSV tables into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Show why a need and an offer score as they do: each component's value, weight,
    /// contribution and reason.
    #[command(after_help = weights_help())]
    Explain {
        /// The need's id as in the ledger (talent, technology, training or placement need).
        need: String,
        /// The offer's id in the same market (talent supply, technology capability, …).
        offer: String,
        /// Ledger files or directories (default: the bundled sample ledger).
        #[arg(long = "ledger")]
        ledger: Vec<PathBuf>,
        /// The market, when the need id is used in more than one.
        #[arg(long, value_parser = parse_market)]
        market: Option<duijie::score::Market>,
        /// Scoring weights, discounts and threshold as TOML.
        #[arg(long)]
        weights: Option<PathBuf>,
        /// Print the breakdown as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare allocation policies on the same instances with the same metrics: welfare,
    /// coverage, unmet demand, capacity use, blocking pairs, both sides' satisfaction (mean,
    /// minimum, Gini), balance across cities, run time. Datasets are the ledger given, or
    /// generated ones (`--scale`, `--seeds`). The CSV is byte-identical for the same input
    /// unless `--timings` adds run times.
    Compare {
        /// Ledger files or directories (default: generated ledgers, see --scale and --seeds).
        paths: Vec<PathBuf>,
        /// Market instance files instead of ledgers (a folder of needs.csv, offers.csv and
        /// pairs.csv, or one .json; see datasets/README.md); repeat for several, or name a
        /// folder of instances for a batch.
        #[arg(long = "instance")]
        instances: Vec<PathBuf>,
        /// Scale of the generated ledgers.
        #[arg(long, default_value = "sample", value_parser = parse_scale)]
        scale: duijie::synth::Scale,
        /// Seeds of the generated ledgers, comma-separated.
        #[arg(long, default_value = "1", value_delimiter = ',')]
        seeds: Vec<u64>,
        /// Policies, comma-separated: greedy, welfare, stable-needs, stable-offers, coverage,
        /// two-sided, two-sided-fair, maxmin, mode-1:1, mode-1:n, mode-n:1, mode-n:n; `all`
        /// for the first eight, `modes` for the last four. Two-sided ones take parameters:
        /// `two-sided:alpha=0.3`, `two-sided-fair:alpha=0.5,lambda=0.2` (α in [0, 1], λ in
        /// [0, 4], applied in steps of 1/1024).
        #[arg(long, default_value = "all")]
        policies: String,
        /// Markets, comma-separated (default all): talent, technology, training, placement.
        #[arg(long, value_delimiter = ',', value_parser = parse_market)]
        markets: Vec<duijie::score::Market>,
        #[command(flatten)]
        scoring: ScoringOpts,
        /// Write the comparison table as CSV.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Add run times (they vary from run to run).
        #[arg(long)]
        timings: bool,
        /// Print the rows as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Talent supply against demand per major and level (dynamic major adjustment): signals to
    /// add, expand, reduce, stop, and duplicated or low-employment majors; with --what-if, the
    /// fewest extra seats that meet a major's demand, school by school.
    Gaps {
        /// Ledger files or directories (default: the bundled sample ledger).
        paths: Vec<PathBuf>,
        /// The policy whose allocation is measured.
        #[arg(long, default_value = "welfare")]
        policy: String,
        /// Major codes to close the gap of (e.g. 080202), comma-separated.
        #[arg(long, value_delimiter = ',')]
        what_if: Vec<String>,
        #[command(flatten)]
        scoring: ScoringOpts,
        /// Print as JSON (every row).
        #[arg(long)]
        json: bool,
    },
    /// A party's best partners for a 对接会, with the reasons: an enterprise's schools and
    /// institutes, a school's or institute's enterprises, market by market, by the party's own
    /// view of each pair (whatever the allocation chose).
    Recommend {
        /// The party's ledger id (E01, S03, …).
        party: String,
        /// Ledger files or directories (default: the bundled sample ledger).
        paths: Vec<PathBuf>,
        /// Partners per market.
        #[arg(long, default_value_t = 10)]
        k: usize,
        /// Only these markets (talent, technology, training, placement), comma-separated.
        #[arg(long, value_delimiter = ',', value_parser = parse_market)]
        market: Vec<duijie::score::Market>,
        #[command(flatten)]
        scoring: ScoringOpts,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Form the alliances (each enterprise in exactly one; schools and institutes in every one
    /// they can serve), choose lead units, list who is left out and why, form consortia for core
    /// technology needs, and report progress against the programme's targets.
    Alliances {
        /// Ledger files or directories (default: the bundled sample ledger).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        opts: ProgrammeOpts,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
        /// Also write one 年度工作进展报告 per alliance into DIR, as HTML and XLSX (members,
        /// lead unit and why, ten-year plan, partnerships, needs met and unmet, consortia,
        /// progress against the alliance's share of the targets), with an index.html.
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// Each alliance's 10年发展规划 for the reports, as TOML: `"机器人" = "2021—2030：…"`.
        #[arg(long, value_name = "PLANS.toml", requires = "report")]
        plans: Option<PathBuf>,
        /// With a database as the ledger: each report also lists its alliance's partnerships
        /// added, removed and changed since this earlier run (自上一轮以来); with --year,
        /// between parties (an earlier year's run shares no need or offer with this year's).
        #[arg(long, value_name = "RUN", requires = "report")]
        since: Option<i64>,
    },
}

/// Options of the programme commands (`alliances`, `report`).
#[derive(clap::Args, Debug)]
pub(crate) struct ProgrammeOpts {
    /// Group enterprises by `domain`, `industry` (GB/T 4754 section), `city` or `park` (key
    /// park, else domain).
    #[arg(long, default_value = "domain", value_parser = parse_grouping)]
    pub(crate) grouping: duijie::programme::Grouping,
    /// Programme targets as TOML (default: the policy's 2020 figures), e.g.
    /// `upgrade_projects = 2000` and `bachelor = 30000` for one city's share.
    #[arg(long)]
    pub(crate) targets: Option<PathBuf>,
    /// One year of a ledger kept over several: that year's needs and offers only, so progress
    /// is the year's (without it: over every year, cumulative).
    #[arg(long)]
    pub(crate) year: Option<u16>,
    #[command(flatten)]
    pub(crate) scoring: ScoringOpts,
}

/// How pairs are scored: a weights file, and how many candidates each need keeps.
#[derive(clap::Args, Debug)]
pub(crate) struct ScoringOpts {
    /// Scoring weights, discounts and threshold as TOML (see `duijie explain --help`).
    #[arg(long)]
    pub(crate) weights: Option<PathBuf>,
    /// Each need's best K candidates (default: the weights file's `top_k`, else 50), or `all`
    /// for every candidate (exact on all pairs; about ten times slower on a province).
    #[arg(long, value_name = "K|all", value_parser = parse_top_k)]
    pub(crate) top_k: Option<TopK>,
}

/// A `--top-k` value: a count, or `None` for all.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TopK(pub(crate) Option<usize>);

fn parse_top_k(s: &str) -> Result<TopK, String> {
    match s {
        "all" => Ok(TopK(None)),
        _ => match s.parse::<usize>() {
            Ok(k) if k > 0 => Ok(TopK(Some(k))),
            _ => Err(format!(
                "{s:?} is not a number of candidates: give a whole number of 1 or more, or all"
            )),
        },
    }
}

impl ScoringOpts {
    /// The scoring config: the weights file's (or the defaults), with `--top-k` over its
    /// `top_k`; checked.
    pub(crate) fn load(&self) -> anyhow::Result<duijie::score::ScoreConfig> {
        let mut cfg = explain::load_config(self.weights.as_deref())?;
        if let Some(TopK(k)) = self.top_k {
            cfg.top_k = k;
        }
        Ok(cfg)
    }
}

impl ProgrammeOpts {
    /// The scoring config and the targets, read and checked.
    pub(crate) fn load(
        &self,
    ) -> anyhow::Result<(duijie::score::ScoreConfig, duijie::programme::Targets)> {
        Ok((
            self.scoring.load()?,
            explain::load_targets(self.targets.as_deref())?,
        ))
    }
}

fn parse_grouping(s: &str) -> Result<duijie::programme::Grouping, String> {
    use duijie::programme::Grouping;
    match s {
        "domain" => Ok(Grouping::Domain),
        "industry" => Ok(Grouping::Industry),
        "city" => Ok(Grouping::City),
        "park" => Ok(Grouping::Park),
        _ => Err(format!(
            "unknown grouping {s:?}; one of domain, industry, city, park"
        )),
    }
}

/// The `--weights` help: the defaults, generated from the config tables.
fn weights_help() -> String {
    format!(
        "A weights file (TOML; every field optional, defaults shown):\n{}\nWeights are divided by their sum; values and discounts lie in [0, 1].",
        duijie::ScoreConfig::defaults_toml()
            .lines()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

fn parse_scale(s: &str) -> Result<duijie::synth::Scale, String> {
    duijie::synth::Scale::parse(s)
        .ok_or_else(|| format!("unknown scale {s:?}; one of sample, province, nation"))
}

fn parse_market(s: &str) -> Result<duijie::score::Market, String> {
    duijie::score::Market::from_name(s)
}
