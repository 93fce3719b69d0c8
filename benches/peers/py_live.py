#!/usr/bin/env python3
"""A market kept live through the Python package against a fresh allocation each round, on the
province talent market (20,000 needs, 4,991 offers, 997,162 pairs) and the two rounds the
`history` bench re-matches: 100 needs arriving, 100 offers withdrawn.

    pip install ./crates/duijie-py
    cargo run --release -p duijie-benches --bin write-instances -- target/instances --market
    RAYON_NUM_THREADS=2 python3 benches/peers/py_live.py target/instances

For each round, medians of 5 runs of: `LiveMarket.change` + `LiveMarket.allocate` on a market
built and allocated once beforehand (not timed), and `duijie.allocate_market(needs, offers,
pairs)` on the changed market (lists of dicts, as an analyst passes them; the conversion to the
native call and the parse included), the same call on DataFrames (built outside the timing),
and the native call alone on the instance's JSON text.
Prints CSV: round,live_median_s,fresh_median_s,ratio,fresh_native_median_s,native_ratio,
welfare_live,welfare_fresh,agree,fresh_frames_median_s,frames_ratio.
"""
import json
import statistics
import sys
import time

import pandas as pd

import duijie
from duijie import _duijie

d = sys.argv[1] if len(sys.argv) > 1 else "target/instances"
inst = json.load(open(f"{d}/talent_province.json", encoding="utf-8"))
arrive = json.load(open(f"{d}/talent_province_arrive.json", encoding="utf-8"))
withdraw = json.load(open(f"{d}/talent_province_withdraw.json", encoding="utf-8"))["withdraw"]
RUNS = 5


def changed(round_):
    """The market as one instance after the round."""
    if round_ == "unchanged":
        return inst
    if round_ == "needs_arrive":
        return {"needs": inst["needs"] + arrive["needs"], "offers": inst["offers"],
                "pairs": inst["pairs"] + arrive["pairs"]}
    gone = set(withdraw)
    return {"needs": inst["needs"], "pairs": inst["pairs"],
            "offers": [dict(o, capacity=0) if o["id"] in gone else o for o in inst["offers"]]}


def apply(live, round_):
    if round_ == "needs_arrive":
        live.change(needs=arrive["needs"], pairs=arrive["pairs"])
    elif round_ == "offers_withdrawn":
        live.change(withdraw=withdraw)


print("round,live_median_s,fresh_median_s,ratio,fresh_native_median_s,native_ratio,"
      "welfare_live,welfare_fresh,agree,fresh_frames_median_s,frames_ratio")
for round_ in ["unchanged", "needs_arrive", "offers_withdrawn"]:
    after = changed(round_)
    text = json.dumps(after, ensure_ascii=False)
    frames = [pd.DataFrame(after[k]) for k in ("needs", "offers", "pairs")]
    live_t, fresh_t, native_t, frames_t = [], [], [], []
    for _ in range(RUNS):
        live = duijie.LiveMarket(inst["needs"], inst["offers"], inst["pairs"])
        live.allocate()
        t0 = time.perf_counter()
        apply(live, round_)
        _, live_metrics = live.allocate()
        live_t.append(time.perf_counter() - t0)
        del live
        t0 = time.perf_counter()
        _, fresh_metrics = duijie.allocate_market(after["needs"], after["offers"], after["pairs"])
        fresh_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _duijie.market_allocate(text, "welfare")
        native_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _, frames_metrics = duijie.allocate_market(*frames)
        frames_t.append(time.perf_counter() - t0)
        assert frames_metrics == fresh_metrics
    lm, fm, nm, dm = (statistics.median(x) for x in (live_t, fresh_t, native_t, frames_t))
    wl, wf = live_metrics["welfare"], fresh_metrics["welfare"]
    print(f"{round_},{lm:.4f},{fm:.4f},{lm / fm:.3f},{nm:.4f},{lm / nm:.3f},{wl},{wf},{wl == wf},"
          f"{dm:.4f},{lm / dm:.3f}", flush=True)
