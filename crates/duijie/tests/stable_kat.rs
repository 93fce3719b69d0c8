//! Known answer: the student–project allocation benchmark from the Python `matching` package,
//! solved both student-optimal and supervisor-optimal, compared pair by pair with that package's
//! answers (`datasets/cases/student_allocation.toml`, produced by the script beside it).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use duijie::allocate::{
    StableInstance, blocking_pairs, stable_student_optimal, stable_supervisor_optimal,
    verify_stable,
};

fn rows(name: &str) -> Vec<Vec<String>> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../datasets/benchmark_matching_student_allocation")
        .join(name);
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn student_allocation_matches_the_python_matching_package_pair_by_pair() {
    let students = rows("students.csv");
    let projects = rows("projects.csv");
    let supervisors = rows("supervisors.csv");
    let sup_index: HashMap<&str, u32> = supervisors
        .iter()
        .enumerate()
        .map(|(i, r)| (r[0].as_str(), i as u32))
        .collect();
    let proj_index: HashMap<&str, u32> = projects
        .iter()
        .enumerate()
        .map(|(i, r)| (r[0].as_str(), i as u32))
        .collect();
    let proj: Vec<(u32, u32)> = projects
        .iter()
        .map(|r| (sup_index[r[2].as_str()], r[1].parse().unwrap()))
        .collect();
    let caps: Vec<u32> = supervisors.iter().map(|r| r[1].parse().unwrap()).collect();
    // A project listed twice keeps its first position.
    let prefs: Vec<Vec<u32>> = students
        .iter()
        .map(|r| {
            let mut v: Vec<u32> = Vec::new();
            for code in r[2..].iter().filter(|c| !c.is_empty()) {
                let p = proj_index[code.as_str()];
                if !v.contains(&p) {
                    v.push(p);
                }
            }
            v
        })
        .collect();
    // Supervisors rank the students who list one of their projects, by `rank` (lower is better).
    let rank: Vec<u32> = students.iter().map(|r| r[1].parse().unwrap()).collect();
    let mut sup_prefs: Vec<Vec<u32>> = vec![Vec::new(); supervisors.len()];
    let mut order: Vec<usize> = (0..students.len()).collect();
    order.sort_by_key(|&s| rank[s]);
    for s in order {
        let mut mine: Vec<u32> = prefs[s].iter().map(|&p| proj[p as usize].0).collect();
        mine.sort_unstable();
        mine.dedup();
        for l in mine {
            sup_prefs[l as usize].push(s as u32);
        }
    }
    let inst = StableInstance::new(&prefs, &proj, caps, sup_prefs).unwrap();
    assert_eq!(inst.one_sided(), 0);
    let expected: toml::Table = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/cases/student_allocation.toml"),
    )
    .unwrap()
    .parse()
    .unwrap();
    for (key, m) in [
        ("student_optimal", stable_student_optimal(&inst)),
        ("supervisor_optimal", stable_supervisor_optimal(&inst)),
    ] {
        verify_stable(&inst, &m).unwrap();
        assert!(blocking_pairs(&inst, &m).is_empty());
        let got: BTreeMap<String, String> = m
            .student_project
            .iter()
            .enumerate()
            .filter_map(|(s, p)| {
                p.map(|p| (students[s][0].clone(), projects[p as usize][0].clone()))
            })
            .collect();
        let want: BTreeMap<String, String> = expected[key]
            .as_table()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(got, want, "{key}");
    }
}
