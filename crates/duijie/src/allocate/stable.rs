//! Stable matching with two-level capacities: student–project allocation (SPA), in which
//! projects (a major's seats, a technology need's places) have capacities inside their
//! supervisor's (a school's, an enterprise's) total; hospital–residents is the special case of
//! one project per supervisor.
//!
//! Either side proposes: [`stable_student_optimal`] (SPA-student) and
//! [`stable_supervisor_optimal`] (SPA-supervisor), after Abraham, Irving & Manlove, "Two
//! algorithms for the Student-Project Allocation problem", *J. Discrete Algorithms* 5 (2007).
//! [`blocking_pairs`] lists every pair that would rather be together, and [`verify_stable`]
//! checks a matching.
//!
//! A pair (student, project) is acceptable when the project is on the student's list and the
//! student is on the project's supervisor's list; entries on one side only are ignored (and
//! counted in [`StableInstance::one_sided`]). Lists are strict orders: the input order is the
//! preference, so ties must be broken by the caller — duijie breaks them by index.

use std::collections::{BTreeSet, HashMap, VecDeque};

use super::{AllocateError, CertificateError, Limits, Status};

/// A student–project allocation instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StableInstance {
    project_supervisor: Vec<u32>,
    project_capacity: Vec<u32>,
    supervisor_capacity: Vec<u32>,
    /// Each student's acceptable projects, best first, with the student's rank at the project's
    /// supervisor.
    student_prefs: Vec<Vec<(u32, u32)>>,
    /// Each supervisor's students, best first.
    supervisor_prefs: Vec<Vec<u32>>,
    /// Each supervisor's projects.
    supervisor_projects: Vec<Vec<u32>>,
    one_sided: usize,
}

impl StableInstance {
    /// Builds an instance.
    ///
    /// - `student_prefs[s]`: the projects student `s` finds acceptable, best first;
    /// - `projects[p] = (supervisor, capacity)`;
    /// - `supervisor_capacity[l]`: how many students supervisor `l` takes over all its projects;
    /// - `supervisor_prefs[l]`: the students `l` ranks, best first.
    ///
    /// # Errors
    /// [`AllocateError::InvalidInstance`] naming the list with an unknown id or a duplicate.
    pub fn new(
        student_prefs: &[Vec<u32>],
        projects: &[(u32, u32)],
        supervisor_capacity: Vec<u32>,
        supervisor_prefs: Vec<Vec<u32>>,
    ) -> Result<Self, AllocateError> {
        let (ns, np, nl) = (
            student_prefs.len(),
            projects.len(),
            supervisor_capacity.len(),
        );
        let bad = |m: String| Err(AllocateError::InvalidInstance { message: m });
        if supervisor_prefs.len() != nl {
            return bad(format!(
                "{} supervisor lists for {nl} supervisors",
                supervisor_prefs.len()
            ));
        }
        let mut supervisor_projects = vec![Vec::new(); nl];
        for (p, &(l, _)) in projects.iter().enumerate() {
            if l as usize >= nl {
                return bad(format!("project {p} names supervisor {l}, outside 0..{nl}"));
            }
            supervisor_projects[l as usize].push(u32::try_from(p).unwrap_or(u32::MAX));
        }
        let mut rank: HashMap<(u32, u32), u32> = HashMap::new();
        for (l, list) in supervisor_prefs.iter().enumerate() {
            for (r, &s) in list.iter().enumerate() {
                if s as usize >= ns {
                    return bad(format!("supervisor {l} ranks student {s}, outside 0..{ns}"));
                }
                let key = (u32::try_from(l).unwrap_or(u32::MAX), s);
                if rank
                    .insert(key, u32::try_from(r).unwrap_or(u32::MAX))
                    .is_some()
                {
                    return bad(format!("supervisor {l} ranks student {s} twice"));
                }
            }
        }
        let mut one_sided = 0;
        let mut prefs = Vec::with_capacity(ns);
        for (s, list) in student_prefs.iter().enumerate() {
            let mut seen = Vec::with_capacity(list.len());
            let mut out = Vec::with_capacity(list.len());
            for &p in list {
                if p as usize >= np {
                    return bad(format!("student {s} lists project {p}, outside 0..{np}"));
                }
                if seen.contains(&p) {
                    return bad(format!("student {s} lists project {p} twice"));
                }
                seen.push(p);
                let l = projects[p as usize].0;
                match rank.get(&(l, u32::try_from(s).unwrap_or(u32::MAX))) {
                    Some(&r) => out.push((p, r)),
                    None => one_sided += 1,
                }
            }
            prefs.push(out);
        }
        Ok(StableInstance {
            project_supervisor: projects.iter().map(|p| p.0).collect(),
            project_capacity: projects.iter().map(|p| p.1).collect(),
            supervisor_capacity,
            student_prefs: prefs,
            supervisor_prefs,
            supervisor_projects,
            one_sided,
        })
    }

    /// A hospital–residents instance: each hospital is a supervisor with one project of its
    /// capacity. `resident_prefs[r]` lists hospitals best first; `hospital_prefs[h]` residents.
    ///
    /// # Errors
    /// As [`StableInstance::new`].
    pub fn hospital_residents(
        resident_prefs: &[Vec<u32>],
        hospital_capacity: Vec<u32>,
        hospital_prefs: Vec<Vec<u32>>,
    ) -> Result<Self, AllocateError> {
        let projects: Vec<(u32, u32)> = hospital_capacity
            .iter()
            .enumerate()
            .map(|(h, &c)| (u32::try_from(h).unwrap_or(u32::MAX), c))
            .collect();
        Self::new(resident_prefs, &projects, hospital_capacity, hospital_prefs)
    }

    /// Number of students.
    pub fn students(&self) -> usize {
        self.student_prefs.len()
    }

    /// Number of projects.
    pub fn projects(&self) -> usize {
        self.project_capacity.len()
    }

    /// How many list entries had no counterpart on the other side and were ignored.
    pub fn one_sided(&self) -> usize {
        self.one_sided
    }

    /// The supervisor of project `p`.
    pub fn supervisor_of(&self, p: u32) -> u32 {
        self.project_supervisor[p as usize]
    }
}

/// Which side proposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Proposer {
    /// Students (residents, needs) propose: the student-optimal stable matching.
    Students,
    /// Supervisors (hospitals, suppliers) propose: the supervisor-optimal stable matching.
    Supervisors,
}

/// A stable matching.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StableMatching {
    /// The project of each student, if any.
    pub student_project: Vec<Option<u32>>,
    /// Which side proposed.
    pub proposer: Proposer,
    /// [`Status::Optimal`]: the proposers' optimal stable matching. [`Status::LimitReached`]: a
    /// [`Limits`] stopped deferred acceptance; the matching respects every capacity and list
    /// but may have blocking pairs ([`blocking_pairs`] lists them).
    pub status: Status,
}

/// Provisional assignments, with the worst student of each project and supervisor at hand.
struct State {
    assigned: Vec<Option<u32>>,
    /// Rank at the supervisor of each assigned student's project.
    rank_of: Vec<u32>,
    by_project: Vec<BTreeSet<(u32, u32)>>,
    by_supervisor: Vec<BTreeSet<(u32, u32)>>,
}

impl State {
    fn new(inst: &StableInstance) -> Self {
        State {
            assigned: vec![None; inst.students()],
            rank_of: vec![0; inst.students()],
            by_project: vec![BTreeSet::new(); inst.projects()],
            by_supervisor: vec![BTreeSet::new(); inst.supervisor_capacity.len()],
        }
    }

    fn assign(&mut self, inst: &StableInstance, s: u32, p: u32, r: u32) {
        let l = inst.project_supervisor[p as usize] as usize;
        self.assigned[s as usize] = Some(p);
        self.rank_of[s as usize] = r;
        self.by_project[p as usize].insert((r, s));
        self.by_supervisor[l].insert((r, s));
    }

    fn unassign(&mut self, inst: &StableInstance, s: u32) {
        if let Some(p) = self.assigned[s as usize].take() {
            let r = self.rank_of[s as usize];
            let l = inst.project_supervisor[p as usize] as usize;
            self.by_project[p as usize].remove(&(r, s));
            self.by_supervisor[l].remove(&(r, s));
        }
    }
}

/// The student-optimal stable matching (students propose; SPA-student).
///
/// Each free student applies to the next project on its list that has not been deleted; a
/// project or supervisor over capacity rejects its worst student; a full project or supervisor
/// deletes every student it ranks below its worst (kept as a rank threshold, so deletions cost
/// O(1)). Free students are processed first-in first-out in index order; the result is the same
/// for every order (it is unique).
///
/// # Complexity
/// O(L log C) time for L acceptable pairs and largest capacity C; O(L) memory.
///
/// # Example
/// Two 本科 students, one 机械 project at 沈阳工业大学 with one seat.
/// ```
/// use duijie::allocate::{StableInstance, stable_student_optimal, verify_stable};
/// let inst = StableInstance::new(&[vec![0], vec![0]], &[(0, 1)], vec![1], vec![vec![1, 0]]).unwrap();
/// let m = stable_student_optimal(&inst);
/// assert_eq!(m.student_project, vec![None, Some(0)]);
/// verify_stable(&inst, &m).unwrap();
/// ```
pub fn stable_student_optimal(inst: &StableInstance) -> StableMatching {
    stable_matching_with(inst, Proposer::Students, &Limits::default())
}

/// The proposers' optimal stable matching ([`stable_student_optimal`] or
/// [`stable_supervisor_optimal`]) within `limits`: each application (students proposing) or
/// offer (supervisors proposing) is an iteration, and `stop` is polled every 256 applications
/// or 16 offers. A stopped run returns the provisional matching, marked
/// [`Status::LimitReached`]: every capacity and list respected, stability not claimed.
pub fn stable_matching_with(
    inst: &StableInstance,
    proposer: Proposer,
    limits: &Limits<'_>,
) -> StableMatching {
    match proposer {
        Proposer::Students => student_proposing(inst, limits),
        Proposer::Supervisors => supervisor_proposing(inst, limits),
    }
}

fn student_proposing(inst: &StableInstance, limits: &Limits<'_>) -> StableMatching {
    let mut st = State::new(inst);
    let mut applications = 0u64;
    let mut stopped = false;
    let mut next = vec![0usize; inst.students()];
    let mut p_cut = vec![u32::MAX; inst.projects()];
    let mut l_cut = vec![u32::MAX; inst.supervisor_capacity.len()];
    let mut queue: VecDeque<u32> = (0..inst.students())
        .map(|s| u32::try_from(s).unwrap_or(u32::MAX))
        .collect();
    'run: while let Some(s) = queue.pop_front() {
        let prefs = &inst.student_prefs[s as usize];
        while next[s as usize] < prefs.len() {
            applications += 1;
            if limits.reached(applications) {
                stopped = true;
                break 'run;
            }
            let (p, r) = prefs[next[s as usize]];
            next[s as usize] += 1;
            let l = inst.project_supervisor[p as usize] as usize;
            if r > p_cut[p as usize] || r > l_cut[l] {
                continue; // deleted
            }
            st.assign(inst, s, p, r);
            let pi = p as usize;
            if st.by_project[pi].len() > inst.project_capacity[pi] as usize {
                if let Some(&(_, w)) = st.by_project[pi].last() {
                    st.unassign(inst, w);
                    queue.push_back(w);
                }
            } else if st.by_supervisor[l].len() > inst.supervisor_capacity[l] as usize
                && let Some(&(_, w)) = st.by_supervisor[l].last()
            {
                st.unassign(inst, w);
                queue.push_back(w);
            }
            if st.by_project[pi].len() == inst.project_capacity[pi] as usize {
                // An empty full project (capacity 0) deletes nobody: each applicant is rejected.
                if let Some(&(w, _)) = st.by_project[pi].last() {
                    p_cut[pi] = p_cut[pi].min(w);
                }
            }
            if st.by_supervisor[l].len() == inst.supervisor_capacity[l] as usize
                && let Some(&(w, _)) = st.by_supervisor[l].last()
            {
                l_cut[l] = l_cut[l].min(w);
            }
            break;
        }
    }
    StableMatching {
        student_project: st.assigned,
        proposer: Proposer::Students,
        status: Status::optimal_unless(stopped),
    }
}

/// The supervisor-optimal stable matching (supervisors propose; SPA-supervisor).
///
/// An under-subscribed supervisor offers its most preferred viable student (one who lists an
/// under-subscribed project of the supervisor that the student is not already assigned to) that
/// student's most preferred such project; the student accepts, leaving any earlier project, and
/// deletes every project it ranks below the new one. Supervisors are re-examined from a work
/// list; the result is unique whatever the order.
///
/// # Complexity
/// O(P · Σ_l |L_l| · k) time in the worst case for P proposals, supervisor lists L_l and student
/// lists of length k; O(L) memory.
pub fn stable_supervisor_optimal(inst: &StableInstance) -> StableMatching {
    stable_matching_with(inst, Proposer::Supervisors, &Limits::default())
}

fn supervisor_proposing(inst: &StableInstance, limits: &Limits<'_>) -> StableMatching {
    let mut st = State::new(inst);
    let mut offers = 0u64;
    let mut stopped = false;
    // Students' remaining lists: `limit[s]` entries of `student_prefs[s]` are still present.
    let mut limit: Vec<usize> = inst.student_prefs.iter().map(Vec::len).collect();
    let nl = inst.supervisor_capacity.len();
    let mut work: VecDeque<usize> = (0..nl).collect();
    let mut queued = vec![true; nl];
    while let Some(l) = work.pop_front() {
        queued[l] = false;
        if st.by_supervisor[l].len() >= inst.supervisor_capacity[l] as usize {
            continue;
        }
        let mut offer = None;
        'students: for &s in &inst.supervisor_prefs[l] {
            for &(p, r) in &inst.student_prefs[s as usize][..limit[s as usize]] {
                let pi = p as usize;
                if inst.project_supervisor[pi] as usize == l
                    && st.assigned[s as usize] != Some(p)
                    && st.by_project[pi].len() < inst.project_capacity[pi] as usize
                {
                    offer = Some((s, p, r));
                    break 'students;
                }
            }
        }
        let Some((s, p, r)) = offer else { continue };
        offers += 1;
        if limits.reached_polling(offers, 16) {
            stopped = true;
            break;
        }
        if let Some(old) = st.assigned[s as usize] {
            st.unassign(inst, s);
            let ol = inst.project_supervisor[old as usize] as usize;
            if !queued[ol] {
                queued[ol] = true;
                work.push_back(ol);
            }
        }
        st.assign(inst, s, p, r);
        let pos = inst.student_prefs[s as usize]
            .iter()
            .position(|&(q, _)| q == p)
            .unwrap_or(0);
        limit[s as usize] = pos + 1;
        if !queued[l] {
            queued[l] = true;
            work.push_back(l);
        }
    }
    StableMatching {
        student_project: st.assigned,
        proposer: Proposer::Supervisors,
        status: Status::optimal_unless(stopped),
    }
}

/// Every blocking pair `(student, project)` of a matching, in student then preference order.
///
/// (s, p) blocks when p is acceptable to s, s is unassigned or prefers p to its project, and
/// (a) p and its supervisor l are both under-subscribed; or (b) p is under-subscribed, l is
/// full, and s is already l's or l prefers s to its worst student; or (c) p is full and l
/// prefers s to p's worst student (Abraham, Irving & Manlove 2007, Definition 1).
///
/// O(L + n) time. Assumes the matching respects capacities and acceptability (see
/// [`verify_stable`]).
pub fn blocking_pairs(inst: &StableInstance, m: &StableMatching) -> Vec<(u32, u32)> {
    let ns = inst.students();
    let mut p_count = vec![0usize; inst.projects()];
    let mut l_count = vec![0usize; inst.supervisor_capacity.len()];
    let mut p_worst = vec![None::<u32>; inst.projects()];
    let mut l_worst = vec![None::<u32>; inst.supervisor_capacity.len()];
    let rank_at = |s: usize, p: u32| inst.student_prefs[s].iter().find(|e| e.0 == p).map(|e| e.1);
    for s in 0..ns {
        if let Some(p) = m.student_project[s] {
            let l = inst.project_supervisor[p as usize] as usize;
            let r = rank_at(s, p).unwrap_or(u32::MAX);
            p_count[p as usize] += 1;
            l_count[l] += 1;
            p_worst[p as usize] = Some(p_worst[p as usize].map_or(r, |w| w.max(r)));
            l_worst[l] = Some(l_worst[l].map_or(r, |w| w.max(r)));
        }
    }
    let mut out = Vec::new();
    for s in 0..ns {
        let current = m.student_project[s];
        let su = u32::try_from(s).unwrap_or(u32::MAX);
        for &(p, r) in &inst.student_prefs[s] {
            if Some(p) == current {
                break; // only projects s prefers to its own
            }
            let pi = p as usize;
            let l = inst.project_supervisor[pi] as usize;
            let p_under = p_count[pi] < inst.project_capacity[pi] as usize;
            let l_under = l_count[l] < inst.supervisor_capacity[l] as usize;
            let already_l =
                current.is_some_and(|q| inst.project_supervisor[q as usize] as usize == l);
            let blocks = if p_under && l_under {
                true
            } else if p_under {
                already_l || l_worst[l].is_some_and(|w| r < w)
            } else {
                p_worst[pi].is_some_and(|w| r < w)
            };
            if blocks {
                out.push((su, p));
            }
        }
    }
    out
}

/// Checks a matching's feasibility only: only acceptable pairs, and the capacities of projects
/// and supervisors respected. Any matching, including one a [`Limits`] stopped, must pass.
///
/// # Errors
/// A [`CertificateError`] naming the first violation.
pub fn check_matching(inst: &StableInstance, m: &StableMatching) -> Result<(), CertificateError> {
    if m.student_project.len() != inst.students() {
        return Err(CertificateError::new(
            "matching has the wrong number of students".into(),
        ));
    }
    let mut p_count = vec![0u64; inst.projects()];
    let mut l_count = vec![0u64; inst.supervisor_capacity.len()];
    for (s, p) in m.student_project.iter().enumerate() {
        if let Some(p) = *p {
            if !inst.student_prefs[s].iter().any(|e| e.0 == p) {
                return Err(CertificateError::new(format!(
                    "student {s} is matched to project {p}, which is not acceptable"
                )));
            }
            p_count[p as usize] += 1;
            l_count[inst.project_supervisor[p as usize] as usize] += 1;
        }
    }
    for (p, (&c, &k)) in p_count.iter().zip(&inst.project_capacity).enumerate() {
        if c > u64::from(k) {
            return Err(CertificateError::new(format!(
                "project {p} has {c} students, capacity {k}"
            )));
        }
    }
    for (l, (&c, &k)) in l_count.iter().zip(&inst.supervisor_capacity).enumerate() {
        if c > u64::from(k) {
            return Err(CertificateError::new(format!(
                "supervisor {l} has {c} students, capacity {k}"
            )));
        }
    }
    Ok(())
}

/// Checks a matching: feasible ([`check_matching`]) and no blocking pair.
///
/// # Errors
/// A [`CertificateError`] naming the first violation (for blocking pairs, how many and the
/// first).
pub fn verify_stable(inst: &StableInstance, m: &StableMatching) -> Result<(), CertificateError> {
    check_matching(inst, m)?;
    let b = blocking_pairs(inst, m);
    if let Some(&(s, p)) = b.first() {
        return Err(CertificateError::new(format!(
            "{} blocking pairs, the first (student {s}, project {p})",
            b.len()
        )));
    }
    Ok(())
}
