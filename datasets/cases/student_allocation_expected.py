#!/usr/bin/env python3
"""Solves datasets/benchmark_matching_student_allocation/ with the Python `matching` package
(PyPI, the implementation the instance comes from) both student-optimal and supervisor-optimal,
and prints the answers as TOML for duijie's known-answer test.

    pip install matching==1.4.3
    python3 datasets/cases/student_allocation_expected.py > datasets/cases/student_allocation.toml

Preprocessing (the same in the Rust test): a project listed twice by a student keeps its first
position; a supervisor ranks every student who lists one of its projects, by the `rank` column
(lower is better). The package needs more: students with empty lists and supervisors nobody
applies to must be removed first (it crashes with IndexError otherwise), and it lowers a
project's capacity to its supervisor's; none of that changes the stable matchings.
"""
import csv, os
from importlib.metadata import version
from matching.games import StudentAllocation

D = os.path.join(os.path.dirname(__file__), "..", "benchmark_matching_student_allocation")
def read(name):
    with open(os.path.join(D, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))

students, projects, supervisors = read("students.csv"), read("projects.csv"), read("supervisors.csv")

student_prefs = {}
for s in students:
    prefs = [s[str(k)] for k in range(25) if s.get(str(k))]
    prefs = [p for p in dict.fromkeys(prefs)]
    if prefs:  # `matching` crashes on a student with an empty list (IndexError): leave them out
        student_prefs[s["name"]] = prefs
project_supervisors = {p["code"]: p["supervisor"] for p in projects}
project_capacities = {p["code"]: int(p["capacity"]) for p in projects}
supervisor_capacities = {l["name"]: int(l["capacity"]) for l in supervisors}
rank = {s["name"]: int(s["rank"]) for s in students}
supervisor_prefs = {}
for l in supervisor_capacities:
    ranked = [s for s, ps in student_prefs.items() if any(project_supervisors[p] == l for p in ps)]
    supervisor_prefs[l] = sorted(ranked, key=lambda s: rank[s])
# Supervisors nobody applies to, and their projects, are left out (the package excludes them).
for l in [l for l, ss in supervisor_prefs.items() if not ss]:
    del supervisor_prefs[l], supervisor_capacities[l]
    for p in [p for p, q in project_supervisors.items() if q == l]:
        del project_supervisors[p], project_capacities[p]

print(f"# Answers of the Python `matching` package {version('matching')} on")
print("# datasets/benchmark_matching_student_allocation/, by student_allocation_expected.py.")
print("# Each table maps a student to its project; unmatched students are absent.")
for optimal in ("student", "supervisor"):
    game = StudentAllocation.create_from_dictionaries(
        student_prefs, supervisor_prefs, project_supervisors, project_capacities, supervisor_capacities)
    m = game.solve(optimal=optimal)
    assert game.check_validity() and game.check_stability()
    pairs = sorted((s.name, p.name) for p, ss in m.items() for s in ss)
    print(f"\n[{optimal}_optimal]")
    for s, p in pairs:
        print(f'"{s}" = "{p}"')
