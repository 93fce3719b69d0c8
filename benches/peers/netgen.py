#!/usr/bin/env python3
"""NETGEN-style min-cost-flow networks as DIMACS `p min` files: the general family of the
issue-16 table beside the grids (benches/peers/grids.py).

The construction follows NETGEN (Klingman, Napier and Stutz, 1974) in outline, not line by
line, so the files are not netgen.c's:
  1. nodes 1..S are sources, the last T are sinks, the rest transshipment nodes; the total
     supply is split among the sources at random (each at least 1);
  2. each transshipment node joins the chain of a random source, and each chain is a path of
     "skeleton" arcs from its source through its nodes in turn;
  3. each sink is given to a random source (a source left without one gets a random sink),
     and each source's supply is split among its sinks at random, each sink reached by an arc
     from a random node of the source's chain: the skeleton routes every unit, so the network
     is feasible;
  4. random arcs (tail not a sink, head not a source, no loops) fill the network up to the
     arc count.
Costs are uniform in [MINCOST, MAXCOST], except HICOST % of the skeleton arcs at MAXCOST (the
skeleton is a feasible route, not a cheap one); capacities are uniform in [MINCAP, MAXCAP]
for CAPACITATED % of the arcs and the total supply for the others, and a skeleton arc's is at
least the flow it must carry. Random numbers come from the Park-Miller minimal standard
generator (NETGEN's), so a seed gives the same file on any Python.

The family written here, "netgen8" (the sparse NETGEN family of the min-cost-flow
literature: 8 arcs a node, sqrt(n) sources and sinks, costs 1-10^4, capacities 1-10^3,
supply 1000 a source, 30 % of the skeleton at the highest cost, every arc capacitated), for
n = 2^13 .. 2^16:

    python3 benches/peers/netgen.py target/netgen       # netgen8_13.min ... netgen8_16.min
    for f in target/netgen/*.min; do target/lemon_ns $f; target/release/duijie solve $f --json | grep solve_seconds; done
"""
import math, os, sys

from dimacs_min import write_min


class ParkMiller:
    """x <- 16807 x mod (2^31 - 1)."""

    def __init__(self, seed):
        self.x = seed % 2147483647 or 1

    def below(self, k):
        """Uniform in 0..k-1."""
        self.x = self.x * 16807 % 2147483647
        return self.x % k

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)


def split(rng, total, parts):
    """`total` into `parts` positive shares at random."""
    cuts = sorted(rng.below(total - parts + 1) for _ in range(parts - 1))
    shares, last = [], 0
    for c in cuts + [total - parts]:
        shares.append(c - last + 1)
        last = c
    return shares


def netgen(seed, n, sources, sinks, m, mincost, maxcost, supply_each, hicost, capacitated, mincap, maxcap):
    rng = ParkMiller(seed)
    total = supply_each * sources
    supply = [0] * n
    for s, b in enumerate(split(rng, total, sources)):
        supply[s] = b
    first_sink = n - sinks
    chains = [[s] for s in range(sources)]
    for v in range(sources, first_sink):
        chains[rng.below(sources)].append(v)
    owned = [[] for _ in range(sources)]
    for t in range(first_sink, n):
        owned[rng.below(sources)].append(t)
    for s in range(sources):
        if not owned[s]:
            owned[s].append(first_sink + rng.below(sinks))

    def cap(need):
        c = rng.between(mincap, maxcap) if rng.below(100) < capacitated else total
        return max(c, need)

    def skeleton_cost():
        return maxcost if rng.below(100) < hicost else rng.between(mincost, maxcost)

    arcs = []
    for s in range(sources):
        chain, b = chains[s], supply[s]
        for u, v in zip(chain, chain[1:]):
            arcs.append((u, v, cap(b), skeleton_cost()))
        for t, d in zip(owned[s], split(rng, b, len(owned[s])) if b >= len(owned[s]) else [b] + [0] * (len(owned[s]) - 1)):
            supply[t] -= d
            arcs.append((chain[rng.below(len(chain))], t, cap(d), skeleton_cost()))
    while len(arcs) < m:
        u = rng.below(first_sink)
        v = sources + rng.below(n - sources)
        if u == v:
            continue
        arcs.append((u, v, cap(0), rng.between(mincost, maxcost)))
    return supply, arcs


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for k in range(13, 17):
        n = 1 << k
        st = round(math.sqrt(n))
        supply, arcs = netgen(seed=k, n=n, sources=st, sinks=st, m=8 * n, mincost=1, maxcost=10000,
                              supply_each=1000, hicost=30, capacitated=100, mincap=1, maxcap=1000)
        write_min(os.path.join(out_dir, f"netgen8_{k}.min"), supply, arcs,
                  comment=f"NETGEN-style (benches/peers/netgen.py), seed {k}")


if __name__ == "__main__":
    main()
