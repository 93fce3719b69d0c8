#!/usr/bin/env python3
"""The Python package against the Python peers, same process, same instances, one thread:
`duijie.linear_sum_assignment` (dense: the array as loaded, conversion included) and
`duijie.solve_assignment` on a CSR matrix (sparse: conversion into the solver included) against
lapx's variants, scipy and OR-Tools (timed as lap_peers.py times them), round-robin: each
solver once per round, in a seeded random order.

    pip install ./crates/duijie-py lapx scipy ortools numpy
    cargo run --release -p duijie-benches --bin write-instances -- target/instances
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1 \
        python3 benches/peers/py_table.py target/instances \
        > benches/results/DATE-python.csv

Prints CSV: instance,duijie_median_s,runs,fastest_peer,peer_median_s,ratio,objective_duijie,
objective_peer,agree,checked_median_s,checked_ratio,peers (every peer's median). duijie is the
drop-in (`linear_sum_assignment`, `min_weight_full_bipartite_matching`); "checked" is
`solve_assignment`, which also returns the duals and checks them against every allowed pair.
Ratio = duijie / the fastest peer.
"""
import os
import random
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lap_peers  # noqa: E402  (the peers, loaded and timed as for the CLI table)

import duijie  # noqa: E402

d = sys.argv[1] if len(sys.argv) > 1 else "target/instances"
NAMES = ["dense_i1e6_n1000", "dense_i1e6_n2000", "dense_i1e6_n4000", "dense_f64_n1000",
         "dense_f64_n2000", "dense_f64_n4000", "rect_i1e6_1000x5000", "sparse_n1e4_k20",
         "sparse_n1e5_k20"]
print("instance,duijie_median_s,runs,fastest_peer,peer_median_s,ratio,objective_duijie,"
      "objective_peer,agree,checked_median_s,checked_ratio,peers")
for name in NAMES:
    if len(sys.argv) > 2 and sys.argv[2] not in name:
        continue
    data, n, m, ext = lap_peers.load(name, d)
    runs = 5 if ("4000" in name or "1e5" in name) else 9
    if ext in ("i64", "f64"):
        c = data
        def ours():
            r, col = duijie.linear_sum_assignment(c)
            return c[r, col].sum()
        def checked():
            return duijie.solve_assignment(c).objective
        peers = lap_peers.dense_solvers(c)
        def objective(fn):
            # Each peer's objective on the matrix as given (lap_peers reports some in other units).
            from scipy.optimize import linear_sum_assignment
            r, col = linear_sum_assignment(c)
            return c[r, col].sum()
        want = objective(None)
    else:
        from scipy.sparse import csr_matrix
        i, j, v = data[:, 0], data[:, 1], data[:, 2]
        g = csr_matrix((v, (i, j)), shape=(n, m))
        def ours():
            r, col = duijie.min_weight_full_bipartite_matching(g)
            return int(np.asarray(g[r, col]).sum())
        def checked():
            return duijie.solve_assignment(g).objective
        peers = lap_peers.sparse_solvers(data, n, m)
        want = None
    # Round-robin: every solver once per round, so that a slow spell of a shared machine
    # falls on all of them alike, in an order shuffled each round (seeded), so that no solver
    # always runs right after the one that frees the most memory.
    solvers = {"duijie": ours, "duijie_checked": checked, **peers}
    times = {s: [] for s in solvers}
    results = {}
    order_rng = random.Random(20261204)
    for _ in range(runs):
        order = list(solvers.items())
        order_rng.shuffle(order)
        for s, f in order:
            if s not in solvers:
                continue
            t = time.perf_counter()
            try:
                results[s] = f()
            except Exception as e:  # a peer that refuses the instance
                print(f"# {name}: {s} failed: {type(e).__name__}: {e}", file=sys.stderr)
                del solvers[s]
                continue
            times[s].append(time.perf_counter() - t)
    med, got = statistics.median(times.pop("duijie")), results["duijie"]
    med_checked = statistics.median(times.pop("duijie_checked"))
    assert results["duijie_checked"] == got, (results["duijie_checked"], got)
    timed = {s: statistics.median(t) for s, t in times.items() if t}
    if want is None:
        want = results.get("ortools.SimpleLinearSumAssignment")
    best = min(timed, key=timed.get)
    agree = abs(float(got) - float(want)) <= 1e-9 * max(1.0, abs(float(want)))
    peer_list = ";".join(f"{s}={t:.6f}" for s, t in sorted(timed.items(), key=lambda x: x[1]))
    print(f"{name},{med:.6f},{runs},{best},{timed[best]:.6f},{med / timed[best]:.2f},{got},{want},"
          f"{agree},{med_checked:.6f},{med_checked / timed[best]:.2f},{peer_list}", flush=True)
