#!/usr/bin/env python3
"""`duijie solve` through the command line against the fastest peer in-process, on the same
instance files: the table of issue 16.

    cargo build --release -p duijie-cli -p duijie-benches --bins
    ./target/release/write-instances target/instances
    python3 benches/peers/netgen.py target/instances                   # the NETGEN-style family
    OMP_NUM_THREADS=1 python3 benches/peers/lap_peers.py target/instances --big > target/peers.csv
    g++ -O2 -o target/lemon_ns benches/peers/lemon_ns.cpp -llemon      # Debian liblemon-dev
    python3 benches/peers/cli_table.py target/instances target/peers.csv > benches/results/DATE-cli-solve.csv

or, with `now` in place of the peers' CSV, each instance's peers are timed (lap_peers.py
--only INSTANCE, with the Python in PEER_PYTHON) just before duijie solves it, so that the two
sides of a ratio are measured minutes apart rather than a whole table apart on a machine whose
speed drifts. With ROUNDS=k (`now` only) each file is measured in k interleaved rounds (its
peers, LEMON, then duijie once, k times over), and every solver's time is the median of its
k rounds: a slow minute then falls on both sides of the ratio instead of on one. ONLY=REGEX
keeps the files whose name it matches (e.g. ONLY='dense|rect').

Otherwise each file is solved by the release binary (`duijie solve FILE --json`, one thread:
RAYON_NUM_THREADS=1) 5 times (3 for the n = 4000 and 10⁵ files); the medians of its reported
solve time and parse time, and of the whole process's wall time, are kept. Peers: lapx, scipy
and OR-Tools in-process (solve only, data in memory; lap_peers.py), LEMON's NetworkSimplex on
the `p min` files (run() only, its median of 5 in one process; lemon_ns.cpp). Ratio = duijie's
solve time / the fastest peer's. For the `p min` rows the last two columns give LEMON's time
with its solver built from the graph (what `duijie solve`'s time includes) and its first
solve in the process (cold, as `duijie solve`'s always is).
"""
import csv, json, os, re, statistics, subprocess, sys, time

inst_dir, peers_csv = sys.argv[1], sys.argv[2]
duijie = os.environ.get("DUIJIE", "target/release/duijie")
lemon = os.environ.get("LEMON", "target/lemon_ns")
peers = {}


def read_peers(rows):
    for r in csv.DictReader(rows):
        if r["median_seconds"]:
            peers.setdefault(r["instance"], []).append((float(r["median_seconds"]), r["solver"], r["objective"]))


def peers_now(base):
    """Times the Python peers on `base` now, adding one time per solver to `peers`."""
    if not os.path.exists(os.path.join(inst_dir, base + ".shape")):
        return
    here = os.path.dirname(os.path.abspath(__file__))
    py = os.environ.get("PEER_PYTHON", sys.executable)
    env1 = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([py, os.path.join(here, "lap_peers.py"), inst_dir, "--big", "--only", base],
                         capture_output=True, text=True, check=True, env=env1).stdout
    read_peers(out.splitlines())


def fastest(cands):
    """The solver with the least median over its rounds: (seconds, solver, objective)."""
    by = {}
    for t, solver, obj in cands:
        by.setdefault((solver, obj), []).append(t)
    return min(((statistics.median(ts), solver, obj) for (solver, obj), ts in by.items()),
               default=(float("nan"), "", ""))


if peers_csv != "now":
    read_peers(open(peers_csv))

files = []
for base in ["dense_i1e3_n1000", "dense_i1e3_n2000", "dense_i1e3_n4000", "dense_i1e6_n1000",
             "dense_i1e6_n2000", "dense_i1e6_n4000", "rect_i1e6_1000x5000"]:
    files += [(base, base + ".asn"), (base, base + ".csv")]
files += [("sparse_n1e4_k20", "sparse_n1e4_k20.asn"), ("sparse_n1e5_k20", "sparse_n1e5_k20.asn")]
files += [(b, b + ".min") for b in ["transport_5000x300_k30", "transport_5000x300_dense",
                                     "grid_100x100", "grid_300x300"]]
files += [(f"netgen8_{k}", f"netgen8_{k}.min") for k in range(13, 17)]
if os.environ.get("ONLY"):
    files = [f for f in files if re.search(os.environ["ONLY"], f[1])]
env = dict(os.environ, RAYON_NUM_THREADS="1")
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["instance", "file", "duijie_solve_median_s", "duijie_parse_median_s",
            "duijie_wall_median_s", "algorithm", "fastest_peer", "peer_solve_s",
            "ratio_solve", "objective_duijie", "objective_peer", "agree",
            "lemon_build_run_s", "lemon_first_build_run_s"])
rounds = int(os.environ.get("ROUNDS", "1")) if peers_csv == "now" else 1
for base, name in files:
    path = os.path.join(inst_dir, name)
    if peers_csv == "now":
        peers.pop(base, None)
    runs = 3 if ("4000" in name or "1e5" in name or "300x300" in name or "_16" in name) else 5
    if rounds > 1:
        runs = rounds
    solve, parse, wall, v = [], [], [], None
    lemon_runs, lemon_more = [], []
    for k in range(runs):
        if k < rounds and peers_csv == "now" and (k > 0 or base not in peers):
            peers_now(base)
        if k < rounds and name.endswith(".min") and os.path.exists(lemon):
            r = subprocess.run([lemon, path], capture_output=True, text=True, check=True).stdout.strip().split(",")
            lemon_runs.append((float(r[2]), r[1], r[4]))
            lemon_more.append([float(x) for x in r[5:7]])
        t = time.perf_counter()
        out = subprocess.run([duijie, "solve", path, "--json"], capture_output=True, env=env, check=True)
        wall.append(time.perf_counter() - t)
        v = json.loads(out.stdout)
        solve.append(v["solve_seconds"]); parse.append(v["parse_seconds"])
    best = fastest(list(peers.get(base, [])) + lemon_runs)
    lemon_cols = [f"{statistics.median(c):.6f}" for c in zip(*lemon_more)] if lemon_more else ["", ""]
    ours = v["objective"]
    agree = str(best[2]).replace(".0", "") == str(ours)
    w.writerow([base, name, f"{statistics.median(solve):.6f}", f"{statistics.median(parse):.6f}",
                f"{statistics.median(wall):.6f}", v["algorithm"], best[1], f"{best[0]:.6f}",
                f"{statistics.median(solve) / best[0]:.2f}", ours, best[2], agree] + lemon_cols)
    sys.stdout.flush()
