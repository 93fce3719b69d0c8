//! `duijie stable`: a ranked-list game from JSON, solved and written out by name.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use duijie::allocate::{NoSuperStable, TieBreak};
use duijie::games::{Game, GameError, PreferenceGame, Stability, solve_game};

/// The stability `--ties` asks for.
fn stability(ties: &str, seed: u64) -> anyhow::Result<Stability> {
    Ok(match ties {
        "strict" => Stability::Strict,
        "index" => Stability::Weak(TieBreak::Index),
        "random" => Stability::Weak(TieBreak::Seeded(seed)),
        "super" => Stability::Super,
        other => bail!("--ties {other:?}: expected strict, index, random or super"),
    })
}

/// Whether `--optimal` names the applying side.
fn applicants_side(game: Game, optimal: &str) -> anyhow::Result<bool> {
    let (a, r, s) = game.roles();
    let other = if game == Game::StudentAllocation {
        s
    } else {
        r
    };
    if optimal == "applicants" || optimal == a {
        Ok(true)
    } else if optimal == other {
        Ok(false)
    } else {
        bail!("--optimal {optimal:?}: this game's sides are {a} and {other}")
    }
}

/// A game error in the file's names, with the line of the list it concerns.
fn explain(g: &PreferenceGame, text: &str, file: &Path, e: &GameError) -> String {
    let (a_role, r_role, s_role) = g.game.roles();
    let name = |role: &str, i: u32| -> String {
        let names = if role == a_role {
            &g.applicants
        } else if role == s_role {
            &g.supervisors
        } else {
            &g.reviewers
        };
        names
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| i.to_string())
    };
    match e {
        GameError::Tie { side, owner, tied } => {
            let owner_name = name(side, *owner);
            let other = if *side == a_role {
                if g.game == Game::StudentAllocation {
                    "project"
                } else {
                    r_role
                }
            } else {
                a_role
            };
            let line = duijie_store::prefs::owner_line(text, &format!("{side}_prefs"), &owner_name);
            let tied: Vec<String> = tied
                .iter()
                .map(|&i| format!("\"{}\"", name(other, i)))
                .collect();
            format!(
                "{}:{line}: {side}_prefs[\"{owner_name}\"] ranks {} equally; with ties choose --ties index or --ties random (weakly stable) or --ties super (super-stable)",
                file.display(),
                tied.join(", ")
            )
        }
        GameError::NoSuperStable(n) => {
            // One party holding two others it ranks equally, by role.
            let in_two = |role: &str, who: u32, other: &str, (x, y): (u32, u32)| {
                format!(
                    "no super-stable matching exists: {role} \"{}\" ranks \"{}\" and \"{}\" equally and both would take it",
                    name(role, who),
                    name(other, x),
                    name(other, y)
                )
            };
            match n {
                NoSuperStable::ResidentInTwo {
                    resident,
                    hospitals,
                } => in_two(a_role, *resident, r_role, *hospitals),
                NoSuperStable::HospitalInTwo {
                    hospital,
                    residents,
                } => in_two(r_role, *hospital, a_role, *residents),
                NoSuperStable::HospitalNotFull { hospital } => format!(
                    "no super-stable matching exists: {r_role} \"{}\" was full while the {a_role}s applied and cannot be filled",
                    name(r_role, *hospital)
                ),
                NoSuperStable::ResidentLeftOut { resident } => format!(
                    "no super-stable matching exists: {a_role} \"{}\" held a proposal and cannot be matched",
                    name(a_role, *resident)
                ),
                other => other.to_string(),
            }
        }
        other => format!("{}: {other}", file.display()),
    }
}

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
    let mode = stability(ties, seed)?;
    let side = applicants_side(g.game, optimal)?;
    let (a_role, r_role, s_role) = g.game.roles();
    let solved = match solve_game(&g, side, mode) {
        Ok(s) => s,
        Err(e @ GameError::NoSuperStable(_)) => {
            let message = explain(&g, &text, file, &e);
            if json {
                let v = serde_json::json!({"file": file.display().to_string(), "status": "no_super_stable", "message": message});
                outln!("{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                eprintln!("{}: {message}", file.display());
            }
            return Ok(ExitCode::from(2));
        }
        Err(e) => bail!("{}", explain(&g, &text, file, &e)),
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
    let stability_name = match mode {
        Stability::Strict => "stable",
        Stability::Weak(_) => "weakly stable",
        Stability::Super => "super-stable",
    };
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
