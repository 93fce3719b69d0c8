#!/usr/bin/env bash
# One run of duijie and every installed peer on the same instances, joined into a table with the
# ratio to the fastest peer. Needs: pip install lapx scipy ortools numpy; apt-get install
# liblemon-dev (optional). Takes about 5 minutes on 2 cores.
#   bash benches/peers/run_all.sh [OUT.csv]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-benches/results/$(date +%Y-%m-%d)-summary.csv}"
dir=target/instances
cargo build --release -q -p duijie-benches --bins -p duijie-cli  # the shipped profile (see Cargo.toml)
./target/release/write-instances "$dir" >/dev/null
tmp=$(mktemp -d)
./target/release/solve-instances --big > "$tmp/duijie.csv"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 benches/peers/lap_peers.py "$dir" --big > "$tmp/peers.csv"
echo "instance,solver,median_seconds,runs,objective" > "$tmp/flow.csv"
for f in "$dir"/transport_*.min; do
  name=$(basename "$f" .min)
  if [ -x target/lemon_ns ] || g++ -O2 -o target/lemon_ns benches/peers/lemon_ns.cpp -llemon 2>/dev/null; then
    target/lemon_ns "$f" | sed "s|^[^,]*,|$name,|" >> "$tmp/flow.csv"
  fi
  ./target/release/duijie solve "$f" --json | python3 -c "import json,sys; v=json.load(sys.stdin); print(f\"$name,duijie.min_cost_flow (duijie solve),{v['solve_seconds']:.6f},1,{v['objective']}\")" >> "$tmp/flow.csv"
done
python3 - "$tmp" "$out" <<'PY'
import csv, sys, os
tmp, out = sys.argv[1], sys.argv[2]
rows = []
for f in ("duijie.csv", "peers.csv", "flow.csv"):
    rows += [r for r in csv.DictReader(open(os.path.join(tmp, f))) if r.get("median_seconds")]
by = {}
for r in rows:
    by.setdefault(r["instance"], []).append(r)
with open(out, "w") as o:
    o.write("instance,duijie_solver,duijie_seconds,fastest_peer,peer_seconds,ratio_duijie_over_peer,objectives_agree\n")
    for inst, rs in sorted(by.items()):
        ours = [r for r in rs if r["solver"].startswith("duijie")]
        peers = [r for r in rs if not r["solver"].startswith("duijie")]
        if not ours or not peers:
            continue
        d = min(ours, key=lambda r: float(r["median_seconds"]))
        p = min(peers, key=lambda r: float(r["median_seconds"]))
        def num(x):
            try:
                return float(x)
            except ValueError:
                return None
        # Float instances: peers' objectives are in float units, ours in 1e-9; compare loosely.
        tol = 1e3 if inst.startswith("dense_f64") else 0
        agree = all(abs(num(r["objective"]) - num(d["objective"])) <= tol
                    for r in peers if num(r["objective"]) is not None and not r["solver"].startswith("scipy.linear_sum_assignment") or not inst.startswith("dense_f64"))
        o.write(f"{inst},{d['solver']},{d['median_seconds']},{p['solver']},{p['median_seconds']},{float(d['median_seconds'])/float(p['median_seconds']):.2f},{agree}\n")
print(open(out).read())
PY
