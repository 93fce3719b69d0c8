//! Stable matching games from ranked lists, in the shapes of the Python `matching` package:
//! the same reader and solver as `duijie stable`, given the dicts as JSON.

use duijie::games::{Game, GameError, Stability, solve_game};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{DuijieError, InvalidInputError, NoSuperStableError};

/// Solves a game given as the JSON of `matching`'s `create_from_dictionaries` arguments
/// (`_duijie.solve_game`).
#[pyfunction]
#[pyo3(name = "solve_game", signature = (game_json, optimal, ties = "strict", seed = 0))]
pub fn solve_game_json<'py>(
    py: Python<'py>,
    game_json: &str,
    optimal: &str,
    ties: &str,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let g = duijie_store::prefs::parse_game("", game_json)
        .map_err(|e| InvalidInputError::new_err(e.message))?;
    let mode = Stability::from_name(ties, seed).map_err(InvalidInputError::new_err)?;
    let side = g
        .game
        .applicants_optimal(optimal)
        .map_err(InvalidInputError::new_err)?;
    let solved = py.detach(|| solve_game(&g, side, mode));
    let s = match solved {
        Ok(s) => s,
        Err(e) => {
            let message = duijie_store::prefs::describe_error(&g, game_json, "", &e);
            return Err(match e {
                GameError::NoSuperStable(_) => NoSuperStableError::new_err(message),
                GameError::Tie { .. } => InvalidInputError::new_err(message),
                _ => DuijieError::new_err(message),
            });
        }
    };
    let sa = g.game == Game::StudentAllocation;
    let name = |names: &[String], i: u32| names.get(i as usize).cloned().unwrap_or_default();
    let pairs: Vec<Vec<String>> = s
        .pairs
        .iter()
        .map(|&(a, r)| {
            let mut p = vec![name(&g.applicants, a), name(&g.reviewers, r)];
            if sa {
                let sup = g.project_supervisor.get(r as usize).copied().unwrap_or(0);
                p.push(name(&g.supervisors, sup));
            }
            p
        })
        .collect();
    let blocking: Vec<(String, String)> = s
        .blocking
        .iter()
        .map(|&(a, r)| (name(&g.applicants, a), name(&g.reviewers, r)))
        .collect();
    let (a_role, r_role, s_role) = g.game.roles();
    let d = PyDict::new(py);
    d.set_item("game", format!("{:?}", g.game))?;
    d.set_item("roles", (a_role, r_role, s_role))?;
    d.set_item(
        "optimal",
        if side {
            a_role
        } else if sa {
            s_role
        } else {
            r_role
        },
    )?;
    d.set_item("stability", mode.name())?;
    d.set_item("pairs", pairs)?;
    d.set_item("applicants", g.applicants.clone())?;
    d.set_item("reviewers", g.reviewers.clone())?;
    d.set_item("blocking_pairs", blocking)?;
    d.set_item("one_sided_entries_dropped", s.one_sided)?;
    Ok(d)
}
