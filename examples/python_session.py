"""An analyst's session with the duijie Python package: the sample ledger validated, matched
and explained, every policy compared, one policy run on a market instance of one's own, an
assignment checked against scipy, and welfare plotted against coverage.

    pip install ./crates/duijie-py pandas          # matplotlib and scipy optional
    python examples/python_session.py [OUT_DIR]

Writes OUT_DIR/comparison.csv (and OUT_DIR/welfare_coverage.png when matplotlib is
installed); OUT_DIR defaults to target/python-session.
"""
import os
import sys

import numpy as np

import duijie

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "python-session")
os.makedirs(out, exist_ok=True)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# 1. The ledger: validated as `duijie validate` does, problems as a DataFrame.
ledger = duijie.Ledger.load(os.path.join(root, "datasets", "sample"))
print("records:", ledger.counts())
problems = ledger.validate()
print(f"{len(problems)} problems ({(problems['severity'] == 'error').sum()} errors)")

# 2. The welfare-optimal partnerships with their reasons, and why the first one scored so.
matches = ledger.match(policy="welfare")
print(matches[["market", "need_id", "offer_id", "units", "score"]].to_string(index=False))
first = matches.iloc[0]
print(ledger.explain(first["need_id"], first["offer_id"], lang="en")["sentence"])

# 3. Every policy on every market: the metrics table of `duijie compare`.
table = ledger.compare("all")
table.to_csv(os.path.join(out, "comparison.csv"), index=False)
table["coverage"] = table["needs_covered"] / table["needs"]
print(table[["market", "policy", "welfare", "coverage", "blocking_pairs"]].to_string(index=False))

# 4. A market instance of one's own scores, under a two-sided policy with its parameter.
needs = [{"id": "沈阳机床", "demand": 3}, {"id": "新松机器人", "demand": 2}]
offers = [{"id": "东北大学", "capacity": 2}, {"id": "大连理工", "capacity": 4}]
pairs = [
    {"need": "沈阳机床", "offer": "东北大学", "need_score": 0.9, "offer_score": 0.4},
    {"need": "沈阳机床", "offer": "大连理工", "need_score": 0.6, "offer_score": 0.8},
    {"need": "新松机器人", "offer": "东北大学", "need_score": 0.7, "offer_score": 0.9},
]
allocation, metrics = duijie.allocate_market(needs, offers, pairs, "two-sided:alpha=0.3")
print(allocation.to_string(index=False))
print("welfare", metrics["welfare"] / 1e6, "(Σ score × units), placed", metrics["matched_units"])

# The same market kept live through a round: a need arrives and an offer is withdrawn; the
# welfare allocation is re-solved from the last basis, certificate checked.
live = duijie.LiveMarket(needs, offers, pairs)
live.allocate()
live.change(
    needs=[{"id": "华晨宝马", "demand": 2}],
    pairs=[{"need": "华晨宝马", "offer": "大连理工", "need_score": 0.95}],
    withdraw=["东北大学"],
)
allocation, metrics = live.allocate()
print(allocation.to_string(index=False))
print("after the round: welfare", metrics["welfare"] / 1e6, f"({live.pivots} pivots)")

# 5. An assignment, with its certificate, beside scipy's when scipy is installed.
cost = np.random.default_rng(7).integers(0, 10**6, size=(500, 700))
r = duijie.solve_assignment(cost)
print(f"assignment: objective {r.objective}, {r.algorithm}, certificate checked: {r.certificate_checked}")
try:
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(cost)
    assert cost[rows, cols].sum() == r.objective
    print("scipy agrees")
except ImportError:
    print("scipy not installed: comparison skipped")

# 6. Welfare against coverage, one point per policy and market.
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: plot skipped")
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    for market, group in table.groupby("market"):
        ax.scatter(group["coverage"], group["welfare"], label=market)
    ax.set_xlabel("needs covered (share)")
    ax.set_ylabel("welfare (Σ score × units)")
    ax.legend()
    fig.tight_layout()
    path = os.path.join(out, "welfare_coverage.png")
    fig.savefig(path)
    print("wrote", path)
