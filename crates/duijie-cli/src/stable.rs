//! `duijie stable`: a ranked-list game from JSON, solved and written out by name.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use duijie::games::{Game, GameError, Stability, solve_game};
use duijie_store::prefs::describe_error;

/// `duijie stable FILE`.
pub fn run(
    file: &Path,
    optimal: &str,
    ties: &str,
    seed: u64,
    out: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let g = duijie_store::prefs::parse_game(&file.display().to_string(), &text)?;
    let mode = Stability::from_name(ties, seed).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let side = g
        .game
        .applicants_optimal(optimal)
        .map_err(|e| anyhow::anyhow!("--{e}"))?;
    let (a_role, r_role, s_role) = g.game.roles();
    let solved = match solve_game(&g, side, mode) {
        Ok(s) => s,
        Err(e @ GameError::NoSuperStable(_)) => {
            let message = describe_error(&g, &text, &file.display().to_string(), &e);
            if json {
                let v = serde_json::json!({"file": file.display().to_string(), "status": "no_super_stable", "message": message});
                outln!("{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                eprintln!("{}: {message}", file.display());
            }
            return Ok(ExitCode::from(2));
        }
        Err(e) => bail!(
            "{}",
            describe_error(&g, &text, &file.display().to_string(), &e)
        ),
    };
    let sa = g.game == Game::StudentAllocation;
    let mut csv = if sa {
        format!("{a_role},{r_role},{s_role}\n")
    } else {
        format!("{a_role},{r_role}\n")
    };
    let cell = duijie_export::csv_cell;
    let mut rows = Vec::with_capacity(solved.pairs.len());
    for &(a, r) in &solved.pairs {
        let (an, rn) = (&g.applicants[a as usize], &g.reviewers[r as usize]);
        if sa {
            let sn = &g.supervisors[g.project_supervisor[r as usize] as usize];
            csv.push_str(&format!("{},{},{}\n", cell(an), cell(rn), cell(sn)));
            rows.push(serde_json::json!([an, rn, sn]));
        } else {
            csv.push_str(&format!("{},{}\n", cell(an), cell(rn)));
            rows.push(serde_json::json!([an, rn]));
        }
    }
    if let Some(path) = out {
        duijie_export::write_atomic(path, csv.as_bytes())?;
    }
    let unmatched: Vec<&String> = {
        let mut matched = vec![false; g.applicants.len()];
        for &(a, _) in &solved.pairs {
            matched[a as usize] = true;
        }
        g.applicants
            .iter()
            .zip(&matched)
            .filter(|(_, m)| !**m)
            .map(|(n, _)| n)
            .collect()
    };
    let stability_name = mode.name();
    let optimal_side = if side {
        a_role
    } else if sa {
        s_role
    } else {
        r_role
    };
    if json {
        let v = serde_json::json!({
            "file": file.display().to_string(),
            "game": format!("{:?}", g.game),
            "optimal": optimal_side,
            "stability": stability_name,
            "ties": ties,
            "pairs": rows,
            "unmatched": unmatched,
            "blocking_pairs": solved.blocking,
            "one_sided_entries_dropped": solved.one_sided,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if out.is_none() {
        outln!("{}", csv.trim_end())?;
    }
    outln!(
        "{}: {} pairs, {} {a_role}s unmatched; {stability_name}, {optimal_side}-optimal; no blocking pair{}",
        file.display(),
        solved.pairs.len(),
        unmatched.len(),
        if solved.one_sided > 0 {
            format!(
                "; {} one-sided list entries dropped (the other side does not rank back)",
                solved.one_sided
            )
        } else {
            String::new()
        }
    )?;
    if let Some(path) = out {
        outln!("wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
