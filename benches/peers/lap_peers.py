#!/usr/bin/env python3
"""Times the Python peers on the instances written by `write-instances` (the same data
duijie's criterion benches solve). Prints CSV: instance,solver,median_seconds,runs,objective.

    pip install lapx scipy ortools numpy
    cargo run --release -p duijie-benches --bin write-instances -- target/instances
    python3 benches/peers/lap_peers.py target/instances [--big]

Single-threaded: run with OMP_NUM_THREADS=1. Only the solve is timed (data already in memory).
"""
import os, sys, time, statistics
import numpy as np

d = sys.argv[1] if len(sys.argv) > 1 and __name__ == "__main__" else "target/instances"
big = "--big" in sys.argv
# `--only SUBSTRING` keeps the instances whose name contains it.
only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None

def load(name, d=d):
    n, m = map(int, open(os.path.join(d, name + ".shape")).read().split())
    for ext, dt in (("i64", "<i8"), ("f64", "<f8"), ("coo", "<i8")):
        p = os.path.join(d, f"{name}.{ext}")
        if os.path.exists(p):
            a = np.fromfile(p, dtype=dt)
            return (a.reshape(n, m) if ext != "coo" else a.reshape(-1, 3)), n, m, ext

def timeit(f, runs):
    ts, obj = [], None
    for _ in range(runs):
        t = time.perf_counter(); obj = f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts), obj

def dense_solvers(c):
    import lap
    from scipy.optimize import linear_sum_assignment
    n, m = c.shape
    out = {}
    def lapjv_obj(fn, **kw):
        def run():
            r = fn(c, **kw)
            x = r[1] if isinstance(r, tuple) and len(r) == 3 else r[0]
            return int(sum(c[i, x[i]] for i in range(n) if x[i] >= 0))
        return run
    cf = c.astype(np.float64)
    ext = {} if n == m else {"extend_cost": True}
    def obj(fn):
        def run():
            r = fn(cf, **ext)
            return r[0] if isinstance(r[0], (int, float, np.floating, np.integer)) else None
        return run
    if n == m:
        out["lapx.lapjv"] = obj(lap.lapjv)
        out["lapx.lapjvs"] = obj(lap.lapjvs)
    out["lapx.lapjvr"] = obj(lap.lapjvr)
    out["lapx.lapjvh"] = obj(lap.lapjvh)
    def scipy_run():
        r, col = linear_sum_assignment(c)
        return int(c[r, col].sum())
    out["scipy.linear_sum_assignment"] = scipy_run
    return out

def sparse_solvers(data, n, m):
    from ortools.graph.python import linear_sum_assignment as ols
    import lap
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching
    i, j, c = data[:, 0], data[:, 1], data[:, 2]
    def ort():
        a = ols.SimpleLinearSumAssignment()
        a.add_arcs_with_cost(i, j, c)
        st = a.solve()
        assert st == a.OPTIMAL, st
        return a.optimal_cost()
    def scp():
        # scipy treats explicit zeros as absent: shift costs by +1 and undo.
        g = csr_matrix((c + 1, (i, j)), shape=(n, m))
        r, col = min_weight_full_bipartite_matching(g)
        return int(np.asarray(g[r, col]).sum()) - n
    def lapmod():
        g = csr_matrix((c.astype(np.float64), (i, j)), shape=(n, m))
        return int(round(lap.lapmod(n, g.indptr.astype(np.int32), g.indices.astype(np.int32), g.data)[0]))
    return {"ortools.SimpleLinearSumAssignment": ort,
            "scipy.min_weight_full_bipartite_matching": scp, "lapx.lapmod": lapmod}

def main():
    names = sorted({f.rsplit(".", 1)[0] for f in os.listdir(d) if f.endswith(".shape")})
    print("instance,solver,median_seconds,runs,objective")
    for name in names:
        if not big and ("4000" in name or "1e5" in name or "8000" in name):
            continue
        if only is not None and only not in name:
            continue
        data, n, m, ext = load(name)
        runs = 1 if "8000" in name else 3 if ("4000" in name or "1e5" in name) else 7
        if ext in ("i64", "f64"):
            c = data if ext == "i64" else np.round(data * 1e9).astype(np.int64)
            solvers = dense_solvers(data if ext == "f64" else c)
            for s, f in solvers.items():
                try:
                    med, obj = timeit(f, runs)
                except Exception as e:  # a peer that refuses the instance
                    print(f"{name},{s},,0,error {type(e).__name__}: {e}".replace("\n", " "), flush=True)
                    continue
                if isinstance(obj, float) and ext == "f64":
                    obj = round(obj * 1e9)  # in the units of duijie's fixed point (1e-9)
                print(f"{name},{s},{med:.6f},{runs},{obj}", flush=True)
        else:
            for s, f in sparse_solvers(data, n, m).items():
                try:
                    med, obj = timeit(f, runs)
                except Exception as e:
                    print(f"{name},{s},,0,error {type(e).__name__}: {e}".replace("\n", " "), flush=True)
                    continue
                print(f"{name},{s},{med:.6f},{runs},{obj}", flush=True)

if __name__ == "__main__":
    main()
