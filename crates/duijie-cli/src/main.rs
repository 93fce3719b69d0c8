//! The `duijie` command line: validate ledgers, match supply and demand, run the demo.
//!
//! Exit codes: 0 success; 1 the input has errors (the report says which) or a step failed;
//! 2 the command line itself is wrong.
#![forbid(unsafe_code)]

/// `println!` that returns the write's `io::Result` (a closed pipe is an error to handle, not a
/// panic).
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock())
    }};
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($t)*)
    }};
}

/// `print!` that returns the write's `io::Result`.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($t)*)
    }};
}

mod args;
mod explain;
mod instance;
mod ledger;
mod programme;
mod progress;
mod rounds;
mod solve;
mod stable;

use std::process::ExitCode;

use args::{Cli, Command};
use clap::Parser as _;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // Output piped into a command that stopped reading (`duijie compare | head`): done.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let text = format!("{e:#}");
            eprintln!("error: {}", duijie::message::escape_invisible_lines(&text));
            ExitCode::from(1)
        }
    }
}

/// The language the command line asked for (`--lang`), for what people read.
static LANG: std::sync::OnceLock<duijie::score::Lang> = std::sync::OnceLock::new();

/// The language of this run (Chinese unless `--lang en`).
pub(crate) fn lang() -> duijie::score::Lang {
    LANG.get().copied().unwrap_or_default()
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let _ = LANG.set(cli.lang);
    if let Some(path) = &cli.majors {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the majors file {}: {e}", path.display()))?;
        duijie::catalogue::install_supplement(&path.display().to_string(), &text)?;
    }
    match cli.command {
        Command::Demo {
            out,
            scale,
            seed,
            bundled: false,
            json,
        } => programme::demo(scale, seed, &out, json),
        Command::Demo {
            out,
            json,
            bundled: true,
            ..
        } => ledger::demo_bundled(&out, json),
        Command::Report {
            paths,
            out,
            policy,
            policies,
            opts,
        } => programme::report(&paths, &out, policy, policies, &opts),
        Command::Validate { paths, json } => ledger::validate(&paths, json),
        Command::Template { out, paths } => ledger::template(&out, &paths),
        Command::Solve {
            file,
            max,
            decimals,
            json,
            max_iterations,
            time_limit,
            solution,
        } => solve::run(
            &file,
            max,
            decimals,
            json,
            solve::SolveLimits {
                max_iterations,
                time_limit,
            },
            solution.as_deref(),
        ),
        Command::Import {
            paths,
            db,
            replace,
            json,
        } => ledger::import(&paths, &db, replace, json),
        Command::Runs { db, json } => rounds::runs(&db, json),
        Command::Agreements {
            db,
            record,
            withdraw,
            log,
            json,
        } => rounds::agreements(&db, record.as_deref(), withdraw.as_deref(), (log, json)),
        Command::Diff {
            db,
            from,
            to,
            grouping,
            out,
            parties,
            json,
        } => rounds::diff(&db, (from, to), grouping, out.as_deref(), (parties, json)),
        #[cfg(feature = "serve")]
        Command::Serve {
            db,
            addr,
            tokens,
            max_body_mib,
            timeout_secs,
            cors_origin,
            scoring,
        } => {
            let mut opts = duijie_server::Options::new(db);
            opts.cors = cors_origin;
            opts.cfg = scoring.load()?;
            opts.addr = addr;
            opts.tokens = tokens;
            opts.max_body = max_body_mib << 20;
            opts.timeout = std::time::Duration::from_secs(timeout_secs);
            duijie_server::run(&opts, |at| {
                eprintln!("duijie serve: listening on http://{at} (Ctrl-C stops)");
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            out!("{}", ledger::schema_markdown())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Match {
            paths,
            out,
            scoring,
            agreements,
            previous_run,
            keep,
            year,
            json,
            progress,
        } => ledger::match_ledger(
            &paths,
            &out,
            &scoring.load()?,
            &ledger::Carried {
                agreements: agreements.as_deref(),
                previous_run,
                keep,
                year,
            },
            json,
            progress,
        ),
        Command::Gen { scale, seed, out } => ledger::generate(scale, seed, &out),
        Command::Explain {
            need,
            offer,
            ledger,
            market,
            weights,
            json,
        } => explain::command(
            &need,
            &offer,
            &ledger,
            market,
            weights.as_deref(),
            json,
            cli.lang,
        ),
        Command::Allocate {
            instance,
            policy,
            out,
            rounds,
            json,
        } => {
            if rounds.is_empty() {
                instance::allocate(&instance, &policy, &out, json)
            } else {
                instance::allocate_rounds(&instance, &policy, &rounds, &out, json)
            }
        }
        Command::Stable {
            file,
            optimal,
            ties,
            seed,
            out,
            json,
        } => stable::run(&file, &optimal, &ties, seed, out.as_deref(), json),
        Command::Compare {
            paths,
            instances,
            scale,
            seeds,
            policies,
            markets,
            scoring,
            out,
            timings,
            json,
        } => {
            let cfg = scoring.load()?;
            programme::compare(&programme::CompareArgs {
                paths: &paths,
                scale,
                seeds: &seeds,
                policies: &policies,
                markets: &markets,
                cfg: &cfg,
                out: out.as_deref(),
                timings,
                json,
                instances: &instances,
            })
        }
        Command::Gaps {
            paths,
            policy,
            what_if,
            scoring,
            json,
        } => {
            let cfg = scoring.load()?;
            programme::gaps(&paths, &policy, &what_if, &cfg, json)
        }
        Command::Recommend {
            party,
            paths,
            k,
            market,
            scoring,
            json,
        } => programme::recommend(&party, &paths, k, &market, &scoring.load()?, json, cli.lang),
        Command::Alliances {
            paths,
            opts,
            json,
            report,
            plans,
            since,
        } => {
            let (cfg, targets) = opts.load()?;
            programme::alliances(
                &paths,
                opts.grouping,
                &targets,
                &cfg,
                json,
                report.as_deref().map(|dir| programme::ReportOpts {
                    dir,
                    plans: plans.as_deref(),
                    since,
                }),
                opts.year,
            )
        }
    }
}
