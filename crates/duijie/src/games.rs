//! Stable matching games from ranked lists, as analysts bring them: stable marriage (SM),
//! hospitals/residents (HR) and student–project allocation (SA), the three games of the Python
//! `matching` package, with ties allowed in any list.
//!
//! A [`PreferenceGame`] holds the players' names and their lists (groups of equally ranked
//! players, best first) as indices; [`solve_game`] returns the matching for the side asked
//! for, under the stability asked for ([`Stability`]), with the pairs that block it (none,
//! or the answer is refused).
//!
//! Only mutual entries count: a name on one side's list whose owner is not ranked back is
//! dropped and counted in [`GameSolution::one_sided`] (the `matching` package drops them too,
//! with a warning).

use crate::allocate::{
    self, HrtInstance, NoSuperStable, Proposer, StableInstance, TieBreak, TiedList,
};

/// Which game.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Game {
    /// Stable marriage: suitors and reviewers, one partner each.
    Marriage,
    /// Hospitals/residents: residents apply to hospitals with capacities.
    HospitalResident,
    /// Student–project allocation: students rank projects; supervisors rank students and have
    /// capacities over their projects.
    StudentAllocation,
}

impl Game {
    /// The applying side, the side applied to and (SA) the supervisors, as the `matching`
    /// package names them.
    pub fn roles(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Game::Marriage => ("suitor", "reviewer", ""),
            Game::HospitalResident => ("resident", "hospital", ""),
            Game::StudentAllocation => ("student", "project", "supervisor"),
        }
    }

    /// Whether `optimal` names the applying side (`true`: `applicants` or the applying role,
    /// such as `resident`) or the other (`false`: the side applied to, or in SA the
    /// supervisors).
    ///
    /// # Errors
    /// A sentence naming this game's two sides when `optimal` is neither.
    pub fn applicants_optimal(self, optimal: &str) -> Result<bool, String> {
        let (a, r, s) = self.roles();
        let other = if self == Game::StudentAllocation {
            s
        } else {
            r
        };
        if optimal == "applicants" || optimal == a {
            Ok(true)
        } else if optimal == other {
            Ok(false)
        } else {
            Err(format!(
                "optimal {optimal:?}: this game's sides are {a} and {other}"
            ))
        }
    }
}

/// A game's players and lists, by index (names in file order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreferenceGame {
    /// The game.
    pub game: Game,
    /// Suitors, residents or students.
    pub applicants: Vec<String>,
    /// Reviewers, hospitals or projects.
    pub reviewers: Vec<String>,
    /// Supervisors (SA only).
    pub supervisors: Vec<String>,
    /// Each applicant's list over reviewers (projects).
    pub applicant_prefs: Vec<TiedList>,
    /// Each reviewer's list over applicants (SA: each supervisor's list over students).
    pub reviewer_prefs: Vec<TiedList>,
    /// Each reviewer's (project's) capacity; 1 in stable marriage.
    pub capacity: Vec<u32>,
    /// Each project's supervisor (SA only).
    pub project_supervisor: Vec<u32>,
    /// Each supervisor's capacity (SA only).
    pub supervisor_capacity: Vec<u32>,
}

/// Which matchings count as stable when lists have ties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stability {
    /// Lists must be strict: a tie is an error ([`GameError::Tie`]).
    Strict,
    /// Weakly stable: ties broken by the rule, then deferred acceptance.
    Weak(TieBreak),
    /// Super-stable (SM and HR): no pair weakly prefers each other; may not exist.
    Super,
}

impl Stability {
    /// The stability named `strict`, `index` (weak, ties broken by index), `random` (weak,
    /// ties broken by `seed`) or `super`.
    ///
    /// # Errors
    /// A sentence listing the names when `name` is none of them.
    pub fn from_name(name: &str, seed: u64) -> Result<Stability, String> {
        Ok(match name {
            "strict" => Stability::Strict,
            "index" => Stability::Weak(TieBreak::Index),
            "random" => Stability::Weak(TieBreak::Seeded(seed)),
            "super" => Stability::Super,
            other => {
                return Err(format!(
                    "ties {other:?}: expected strict, index, random or super"
                ));
            }
        })
    }

    /// How reports name it: `stable`, `weakly stable` or `super-stable`.
    pub fn name(self) -> &'static str {
        match self {
            Stability::Strict => "stable",
            Stability::Weak(_) => "weakly stable",
            Stability::Super => "super-stable",
        }
    }
}

/// A solved game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameSolution {
    /// `(applicant, reviewer)` pairs (SA: `(student, project)`), by applicant.
    pub pairs: Vec<(u32, u32)>,
    /// The pairs blocking the answer under the stability asked for (always empty: checked).
    pub blocking: Vec<(u32, u32)>,
    /// List entries dropped because the other side does not rank back.
    pub one_sided: usize,
    /// Whether the lists had ties.
    pub ties: bool,
}

/// Why a game could not be solved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GameError {
    /// A tie in a list while [`Stability::Strict`] was asked for: the side (`resident`,
    /// `hospital`, ...), the list's owner and the tied players, by index.
    Tie {
        /// The side whose list it is.
        side: &'static str,
        /// The list's owner.
        owner: u32,
        /// The players ranked equally.
        tied: Vec<u32>,
    },
    /// No super-stable matching exists (or it cannot be computed for that side).
    NoSuperStable(NoSuperStable),
    /// Super-stability was asked for a student–project allocation game.
    SuperNeedsTwoSides,
    /// The lists do not form an instance (an index out of range, a duplicate).
    Invalid(allocate::AllocateError),
    /// The answer had blocking pairs: a bug; please report it with the file.
    Blocked(Vec<(u32, u32)>),
}

impl std::fmt::Display for GameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GameError::Tie { side, owner, tied } => write!(
                f,
                "{side} {owner} ranks {tied:?} equally; ties need a rule (weakly stable with ties broken by index or by a seed) or super-stability"
            ),
            GameError::NoSuperStable(e) => write!(f, "{e}"),
            GameError::SuperNeedsTwoSides => write!(
                f,
                "super-stability is computed for stable marriage and hospitals/residents; for student–project allocation break the ties (weakly stable)"
            ),
            GameError::Invalid(e) => write!(f, "{e}"),
            GameError::Blocked(p) => write!(
                f,
                "the matching found has {} blocking pairs: a bug, please report it with the file",
                p.len()
            ),
        }
    }
}

impl std::error::Error for GameError {}

/// The first tie in `lists`, if any.
fn first_tie(lists: &[TiedList]) -> Option<(u32, Vec<u32>)> {
    lists.iter().enumerate().find_map(|(o, l)| {
        l.iter()
            .find(|g| g.len() > 1)
            .map(|g| (o as u32, g.clone()))
    })
}

/// Solves `g` for the applicants' side (`applicants_optimal`) or the other's, under
/// `stability`.
///
/// # Errors
/// [`GameError`]: a tie in strict mode, no super-stable matching, an invalid list.
pub fn solve_game(
    g: &PreferenceGame,
    applicants_optimal: bool,
    stability: Stability,
) -> Result<GameSolution, GameError> {
    let (a_role, r_role, s_role) = g.game.roles();
    let reviewer_side = if g.game == Game::StudentAllocation {
        s_role
    } else {
        r_role
    };
    let tie = first_tie(&g.applicant_prefs)
        .map(|t| (a_role, t))
        .or_else(|| first_tie(&g.reviewer_prefs).map(|t| (reviewer_side, t)));
    if stability == Stability::Strict
        && let Some((side, (owner, tied))) = tie
    {
        return Err(GameError::Tie { side, owner, tied });
    }
    let ties = tie.is_some();
    let rule = match stability {
        Stability::Weak(rule) => rule,
        _ => TieBreak::Index,
    };
    let proposer = if applicants_optimal {
        Proposer::Students
    } else {
        Proposer::Supervisors
    };
    let (pairs, blocking, one_sided) = if g.game == Game::StudentAllocation {
        if stability == Stability::Super {
            return Err(GameError::SuperNeedsTwoSides);
        }
        let projects: Vec<(u32, u32)> = g
            .project_supervisor
            .iter()
            .zip(&g.capacity)
            .map(|(&l, &c)| (l, c))
            .collect();
        let inst = StableInstance::new(
            &allocate::break_ties(&g.applicant_prefs, rule),
            &projects,
            g.supervisor_capacity.clone(),
            allocate::break_ties(&g.reviewer_prefs, rule),
        )
        .map_err(GameError::Invalid)?;
        let m = allocate::stable_matching_with(&inst, proposer, &allocate::Limits::default());
        // With ties, the broken instance's stability is weak stability of the original.
        let blocking = allocate::blocking_pairs(&inst, &m);
        (pairs_of(&m.student_project), blocking, inst.one_sided())
    } else {
        let inst = HrtInstance::new(
            g.applicant_prefs.clone(),
            g.reviewer_prefs.clone(),
            g.capacity.clone(),
        )
        .map_err(GameError::Invalid)?;
        let (m, blocking) = if stability == Stability::Super {
            let m = allocate::super_stable(&inst, !applicants_optimal)
                .map_err(GameError::NoSuperStable)?;
            let b = allocate::super_blocking_pairs(&inst, &m);
            (m, b)
        } else {
            let strict = inst.broken(rule).map_err(GameError::Invalid)?;
            let m = allocate::stable_matching_with(&strict, proposer, &allocate::Limits::default())
                .student_project;
            let b = allocate::weakly_blocking_pairs(&inst, &m);
            (m, b)
        };
        (pairs_of(&m), blocking, inst.one_sided())
    };
    if !blocking.is_empty() {
        return Err(GameError::Blocked(blocking));
    }
    Ok(GameSolution {
        pairs,
        blocking,
        one_sided,
        ties,
    })
}

fn pairs_of(m: &[Option<u32>]) -> Vec<(u32, u32)> {
    m.iter()
        .enumerate()
        .filter_map(|(a, r)| r.map(|r| (a as u32, r)))
        .collect()
}
