#!/usr/bin/env python3
"""Writes the ranked-list games of this folder and the answers the Python `matching` package
(PyPI) gives for them, for duijie's known-answer tests of `duijie stable`.

    pip install matching==1.4.3
    python3 datasets/games/make.py

Games (each the dictionaries `create_from_dictionaries` takes, as one JSON object):
- stable_marriage.json: the stable-marriage example of the package's README;
- stable_marriage_optimality.json: the example of its "Choose party-optimality" how-to;
- hospital_resident.json: the hospital–residents example of its earlier README (five
  residents, three hospitals of capacity 2);
- student_allocation_small.json: the student-allocation example of its "Create a game from
  dictionaries" how-to;
- student_allocation.json: its student-allocation benchmark
  (../benchmark_matching_student_allocation/), prepared as ../cases/student_allocation_expected.py
  describes.
expected.toml: for each game and each side, the package's matching as name = partner.
"""
import json, os, runpy, io, contextlib
from importlib.metadata import version
from matching.games import StableMarriage, HospitalResident, StudentAllocation

HERE = os.path.dirname(os.path.abspath(__file__))

games = {
    "stable_marriage": {
        "suitor_prefs": {"A": ["D", "E", "F"], "B": ["D", "F", "E"], "C": ["F", "D", "E"]},
        "reviewer_prefs": {"D": ["B", "C", "A"], "E": ["A", "C", "B"], "F": ["C", "B", "A"]},
    },
    "stable_marriage_optimality": {
        "suitor_prefs": {"A": ["X", "Y", "Z"], "B": ["Y", "Z", "X"], "C": ["Y", "X", "Z"]},
        "reviewer_prefs": {"X": ["B", "C", "A"], "Y": ["A", "C", "B"], "Z": ["A", "B", "C"]},
    },
    "hospital_resident": {
        "resident_prefs": {"A": ["C"], "S": ["C", "M"], "D": ["C", "M", "G"],
                           "J": ["C", "G", "M"], "L": ["M", "C", "G"]},
        "hospital_prefs": {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"],
                           "G": ["D", "J", "L"]},
        "hospital_capacities": {"M": 2, "C": 2, "G": 2},
    },
    "student_allocation_small": {
        "student_prefs": {"A": ["X1", "X2"], "B": ["Y2", "X1"], "C": ["X1", "Y1"], "D": ["Y2", "Y1"]},
        "supervisor_prefs": {"X": ["C", "A", "B"], "Y": ["C", "D", "B"]},
        "project_supervisors": {"X1": "X", "X2": "X", "Y1": "Y", "Y2": "Y"},
        "project_capacities": {"X1": 1, "X2": 1, "Y1": 1, "Y2": 1},
        "supervisor_capacities": {"X": 2, "Y": 2},
    },
}
# The benchmark, prepared by the script that makes its Rust known-answer test.
with contextlib.redirect_stdout(io.StringIO()):
    ns = runpy.run_path(os.path.join(HERE, "..", "cases", "student_allocation_expected.py"))
games["student_allocation"] = {k: ns[k] for k in (
    "student_prefs", "supervisor_prefs", "project_supervisors", "project_capacities",
    "supervisor_capacities")}

sides = {"suitor_prefs": ("suitor", "reviewer", StableMarriage),
         "resident_prefs": ("resident", "hospital", HospitalResident),
         "student_prefs": ("student", "supervisor", StudentAllocation)}
out = [f"# Answers of the Python `matching` package {version('matching')}, by make.py.",
       "# [game.side]: each applicant (suitor, resident, student) = its partner; unmatched absent."]
for name, g in games.items():
    with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(g, f, indent=1, ensure_ascii=False)
        f.write("\n")
    first = next(iter(g))
    a, b, cls = sides[first]
    for side in (a, b):
        game = cls.create_from_dictionaries(*g.values())
        m = game.solve(optimal=side)
        pairs = []
        for k, v in m.items():
            for x in (v if isinstance(v, list) else [v] if v is not None else []):
                pairs.append((x.name, k.name) if cls is not StableMarriage else (k.name, x.name))
        out.append(f"\n[{name}.{side}]")
        for s, p in sorted(pairs):
            out.append(f'"{s}" = "{p}"')
with open(os.path.join(HERE, "expected.toml"), "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
