#!/usr/bin/env python3
"""Grid min-cost-flow networks as DIMACS `p min` files, in the shape of the benches' own
`grid_network` (each node joined to its right and lower neighbours both ways, cost 1-100,
capacity 100-1000, plus one random long arc per node, cost 50-500, capacity 10-100; `side`
sources of supply 100-300 and `side` sinks of the same total, at random nodes), drawn with
Python's `random.Random(seed)` so that more instances than the two bench ones can be compared:

    python3 benches/peers/grids.py target/grids      # g1_150 … g5_350
    for f in target/grids/*.min; do target/lemon_ns $f; target/release/duijie solve $f --json | grep solve_seconds; done
"""
import os, random, sys

from dimacs_min import write_min

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
for seed, side in zip(range(1, 6), [150, 250, 300, 300, 350]):
    r = random.Random(seed)
    n = side * side
    arcs = []
    for y in range(side):
        for x in range(side):
            v = y * side + x
            for dx, dy in [(1, 0), (0, 1)]:
                nx, ny = x + dx, y + dy
                if nx < side and ny < side:
                    w = ny * side + nx
                    arcs.append((v, w, r.randint(100, 1000), r.randint(1, 100)))
                    arcs.append((w, v, r.randint(100, 1000), r.randint(1, 100)))
            far = r.randrange(n)
            if far != v:
                arcs.append((v, far, r.randint(10, 100), r.randint(50, 500)))
    supply = [0] * n
    total = 0
    for _ in range(side):
        s = r.randint(100, 300)
        supply[r.randrange(n)] += s
        total += s
    for k in range(side):
        supply[r.randrange(n)] -= total // side + (1 if k < total % side else 0)
    write_min(os.path.join(out_dir, f"g{seed}_{side}.min"), supply, arcs)
