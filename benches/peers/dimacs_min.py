"""Writes a DIMACS `p min` file: the generators' one writer (grids.py, netgen.py)."""


def write_min(path, supply, arcs, comment=None):
    """`supply[v]` per node (0-based), `arcs` as (tail, head, capacity, cost), lower bounds 0."""
    with open(path, "w") as f:
        if comment:
            f.write(f"c {comment}\n")
        f.write(f"p min {len(supply)} {len(arcs)}\n")
        for v, b in enumerate(supply):
            if b:
                f.write(f"n {v + 1} {b}\n")
        for t, h, c, w in arcs:
            f.write(f"a {t + 1} {h + 1} 0 {c} {w}\n")
