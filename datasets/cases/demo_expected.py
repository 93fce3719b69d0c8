#!/usr/bin/env python3
"""Computes the expected answer of `duijie demo` on datasets/sample/ independently of the Rust
code: the scoring formulas are re-implemented from the documentation of `duijie::score`, and
each market is solved by exhaustive enumeration of integer plans (no LP, no flow algorithm).

Run from the repository root:  python3 datasets/cases/demo_expected.py > datasets/cases/demo.toml
Only the Python standard library is needed.
"""
import csv, math, os, itertools

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "crates", "duijie", "data")
SAMPLE = os.path.join(ROOT, "datasets", "sample")

def rows(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))

# --- catalogues -----------------------------------------------------------------------------
RANK = {"中职": 0, "高职专科": 1, "高职本科": 2, "本科": 2, "研究生": 3}
VOC = {"S": "中职", "H": "高职专科", "B": "高职本科"}
BASE = {"中职": 60, "高职专科": 40, "高职本科": 20}
majors = {}  # (level, code) -> dict(name, cls, cat)
for r in rows(os.path.join(DATA, "undergraduate_majors_2024.csv")):
    majors[("本科", r["major_code"])] = dict(name=r["major_name"], cls=r["category_code"], cat=r["discipline_code"])
for r in rows(os.path.join(DATA, "vocational_majors_2021.csv")):
    majors[(VOC[r["level"]], r["major_code"])] = dict(name=r["major_name"], cls=r["class_code"], cat=r["category_code"])
for r in rows(os.path.join(DATA, "graduate_disciplines_2022.csv")):
    majors[("研究生", r["code"])] = dict(name=r["name"], cls=r["code"], cat=r["discipline_category_code"])
cities = {r["name"]: (float(r["lat_wgs84_geonames"]), float(r["lng_wgs84_geonames"]))
          for r in rows(os.path.join(DATA, "liaoning_prefecture_cities.csv"))}

def key(level, code):
    if level in BASE:
        return ("v", "%02d%s" % (int(code[:2]) - BASE[level], code[2:]))
    return ("a", code)

# The curated vocational <-> academic correspondence (crates/duijie/data/major_class_correspondence.csv).
CORR = [(r["vocational_class"], r["bachelor_classes"].split(";"), r["graduate_disciplines"].split(";"))
        for r in rows(os.path.join(DATA, "major_class_correspondence.csv"))]

def bridges(level, code):
    m = majors[(level, code)]
    if level == "本科": return {k for k, (v, b, g) in enumerate(CORR) if m["cls"] in b}
    if level == "研究生": return {k for k, (v, b, g) in enumerate(CORR) if code in g}
    voc = "%02d%s" % (int(m["cls"][:2]) - BASE[level] + 40, m["cls"][2:])
    return {k for k, (v, b, g) in enumerate(CORR) if v == voc}

def major_fit(nl, nc, ol, oc):
    a, b = majors[(nl, nc)], majors[(ol, oc)]
    if (nl, nc) == (ol, oc): return 1.0
    if a["name"] == b["name"]: return 0.9
    if (nl in BASE) == (ol in BASE):
        if key(nl, a["cls"]) == key(ol, b["cls"]): return 0.6
        if key(nl, a["cat"]) == key(ol, b["cat"]): return 0.3
    elif bridges(nl, nc) & bridges(ol, oc):
        return 0.5
    return 0.0

def level_fit(nl, ol):
    return {0: 1.0, 1: 0.6, -1: 0.4}.get(RANK[ol] - RANK[nl], 0.0)

def km(a, b):
    (la1, lo1), (la2, lo2) = cities[a], cities[b]
    p1, p2 = math.radians(la1), math.radians(la2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))

def geo(a, b, a_out=False, b_out=False):
    if a_out or b_out: return 0.3
    if not a or not b: return 0.5
    if a == b: return 1.0
    return max(0.0, 1 - km(a, b) / 500)

# Industry relevance (crates/duijie/data/industry_disciplines.csv): does the enterprise's division
# draw on the supplier's major? 本科 by 专业类, 研究生 by code, vocational by 大类 in 高职专科 numbering.
INDUSTRY = {}
for r in rows(os.path.join(DATA, "industry_disciplines.csv")):
    for d in r["divisions"].split(";"):
        INDUSTRY[d] = (r["bachelor_classes"].split(";"), r["vocational_categories"].split(";"),
                       r["graduate_disciplines"].split(";"))

def serves(division, level, code):
    if division not in INDUSTRY: return None
    b, v, g = INDUSTRY[division]
    m = majors[(level, code)]
    if level == "本科": return m["cls"] in b
    if level == "研究生": return code in g
    return "%02d" % (int(m["cat"]) - BASE[level] + 40) in v

def industry(division, majors_of_supplier):
    if division is None or division not in INDUSTRY: return 0.5
    return 1.0 if any(serves(division, l, c) for l, c in majors_of_supplier) else 0.0

def fixed(x):  # round half away from zero, as f64::round
    return int(math.floor(min(max(x, 0), 1) * 1_000_000 + 0.5))

# --- the sample ledger -----------------------------------------------------------------------
parties = {}
for f in ["schools", "institutes", "enterprises", "authorities"]:
    for r in rows(os.path.join(SAMPLE, f + ".csv")):
        parties[r["id"]] = dict(kind=f, city=r.get("city") or None, out=(r.get("out_of_province") == "true"),
                                size=r.get("size"), level=r.get("level"), industry=r.get("industry"))

def rate(s):
    if not s: return None
    return float(s[:-1]) / 100 if s.endswith("%") else float(s)

def talent_like(need_file, owner_n, qty_n, offer_file, owner_o, qty_o, quality_of):
    needs = rows(os.path.join(SAMPLE, need_file))
    offers = rows(os.path.join(SAMPLE, offer_file))
    pairs = {}
    for i, n in enumerate(needs):
        for j, o in enumerate(offers):
            if n["year"] != o["year"] or n.get("kind") != o.get("kind"): continue
            mf = major_fit(n["level"], n["major_code"], o["level"], o["major_code"])
            lf = level_fit(n["level"], o["level"])
            if mf <= 0 or lf <= 0: continue
            pn, po = parties[n[owner_n]], parties[o[owner_o]]
            g = geo(n.get("city") or pn["city"], po["city"], pn["out"], po["out"])
            # The enterprise is the need's owner, except in placement (the offer's); the supplier's
            # major is the other side's.
            if pn["kind"] == "enterprises":
                ind = industry(pn["industry"], [(o["level"], o["major_code"])])
            else:
                ind = industry(po["industry"], [(n["level"], n["major_code"])])
            need_q, offer_q = int(n[qty_n]), int(o[qty_o])
            cap = 1.0 if need_q == 0 or offer_q >= need_q else offer_q / need_q
            s = 0.35 * mf + 0.25 * lf + 0.10 * ind + 0.05 * cap + 0.15 * g + 0.10 * quality_of(o)
            w = fixed(s)
            if w > 0: pairs[(i, j)] = w
    return [int(n[qty_n]) for n in needs], [int(o[qty_o]) for o in offers], pairs, needs, offers

PLATFORM = {"国家级": 1.0, "省级": 0.75, "市级": 0.5, "无": 0.25, "": 0.25}
def is_han(ch):
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"

def tokens(text):
    """Character unigrams and bigrams of Chinese runs; lower-cased runs of other letters/digits."""
    out, run, word = [], [], ""
    def flush():
        nonlocal run, word
        for k, ch in enumerate(run):
            out.append(ch)
            if k + 1 < len(run): out.append(ch + run[k + 1])
        run = []
        if word: out.append(word)
        word = ""
    for ch in text:
        if is_han(ch):
            if word: out.append(word); word = ""
            run.append(ch)
        elif ch.isalnum():
            if run:
                for k, c in enumerate(run):
                    out.append(c)
                    if k + 1 < len(run): out.append(c + run[k + 1])
                run = []
            word += ch.lower()
        else:
            flush()
    flush()
    return out

def tfidf(docs, corpus):
    """(1 + ln tf) * ln(1 + N / max(df, 1)), df over `corpus`; unit vectors as dicts."""
    n = len(corpus)
    df = {}
    for d in corpus:
        for t in set(d): df[t] = df.get(t, 0) + 1
    vecs = []
    for d in docs:
        tf = {}
        for t in d: tf[t] = tf.get(t, 0) + 1
        v = {t: (1 + math.log(c)) * math.log(1 + n / max(df.get(t, 0), 1)) for t, c in tf.items()}
        norm = math.sqrt(sum(w * w for w in v.values()))
        vecs.append({t: w / norm for t, w in v.items()} if norm > 0 else v)
    return vecs

def levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]

def keyword_credit(k, offer):
    """1 for an exact keyword; else the best normalised Levenshtein similarity if >= 0.75."""
    if k in offer: return 1.0
    best = max([1 - levenshtein(k, o) / max(len(k), len(o)) for o in offer] + [0.0])
    return best if best >= 0.75 else 0.0

def technology():
    needs = rows(os.path.join(SAMPLE, "technology_needs.csv"))
    caps = rows(os.path.join(SAMPLE, "technology_capabilities.csv"))
    split = lambda s: [x for x in s.split(";") if x]
    cap_docs = [tokens(c["platform"] + "".join(" " + k for k in split(c["keywords"]))) for c in caps]
    need_docs = [tokens(n["description"] + "".join(" " + k for k in split(n["keywords"]))) for n in needs]
    cap_vecs, need_vecs = tfidf(cap_docs, cap_docs), tfidf(need_docs, cap_docs)
    pairs = {}
    for i, n in enumerate(needs):
        for j, c in enumerate(caps):
            if n["year"] != c["year"]: continue
            nd, cd = split(n["disciplines"]), split(c["disciplines"])
            cats = {majors[("研究生", d)]["cat"] for d in cd}
            df = sum(1.0 if d in cd else (0.3 if majors[("研究生", d)]["cat"] in cats else 0.0) for d in nd) / len(nd)
            nk, ck = split(n["keywords"]), [k.lower() for k in split(c["keywords"])]
            kf = sum(keyword_credit(k.lower(), ck) for k in nk) / len(nk) if nk else 0.0
            if df <= 0 and kf <= 0: continue
            tf = min(1.0, max(0.0, sum(w * cap_vecs[j].get(t, 0.0) for t, w in need_vecs[i].items())))
            pn, pc = parties[n["enterprise"]], parties[c["provider"]]
            g = geo(pn["city"], pc["city"], pn["out"], pc["out"])
            ind = industry(pn["industry"], [("研究生", d) for d in cd])
            s = 0.35 * df + 0.15 * kf + 0.20 * tf + 0.10 * ind + 0.10 * g + 0.10 * PLATFORM[c["platform_level"]]
            w = fixed(s)
            if w > 0: pairs[(i, j)] = w
    return [1] * len(needs), [int(c["capacity"]) for c in caps], pairs, needs, caps

def brute(demand, cap, pairs):
    """Every integer plan; returns the best welfare and the set of matched-unit vectors at it."""
    edges = sorted(pairs)
    best, plans = -1, []
    def go(k, d, c, acc, plan):
        nonlocal best, plans
        if k == len(edges):
            if acc > best: best, plans = acc, [dict(plan)]
            elif acc == best: plans.append(dict(plan))
            return
        i, j = edges[k]
        for x in range(min(d[i], c[j]) + 1):
            d[i] -= x; c[j] -= x; plan[(i, j)] = x
            go(k + 1, d, c, acc + x * pairs[(i, j)], plan)
            d[i] += x; c[j] += x
        del plan[(i, j)]
    go(0, list(demand), list(cap), 0, {})
    return best, plans

markets = {
    "talent": talent_like("talent_needs.csv", "enterprise", "headcount", "talent_supply.csv", "school", "graduates",
                          lambda o: rate(o["employment_rate"]) if rate(o["employment_rate"]) is not None else 0.5),
    "technology": technology(),
    "training": talent_like("training_needs.csv", "enterprise", "trainees", "training_offers.csv", "school", "capacity", lambda o: 1.0),
    "placement": talent_like("placement_needs.csv", "school", "places", "placement_offers.csv", "enterprise", "places", lambda o: 1.0),
}
owner_fields = {"talent": ("enterprise", "school"), "technology": ("enterprise", "provider"),
                "training": ("enterprise", "school"), "placement": ("school", "enterprise")}

print("# Expected answer of `duijie demo` on datasets/sample/, computed by demo_expected.py")
print("# (independent re-implementation of the scoring rules; exhaustive search over plans).")
engaged = set()
total = 0
for name, (demand, cap, pairs, needs, offers) in markets.items():
    best, plans = brute(demand, cap, pairs)
    matched = {sum(p.values()) for p in plans}
    assert len(matched) == 1, f"{name}: optima differ in matched units {matched}"
    plan = plans[0]
    for p in plans:  # every optimal plan engages the same parties here
        assert {k for k, v in p.items() if v} == {k for k, v in plan.items() if v}, f"{name}: ambiguous optimum"
    m = matched.pop()
    covered = {i for (i, j), x in plan.items() if x}
    for (i, j), x in plan.items():
        if x:
            engaged.add(needs[i][owner_fields[name][0]]); engaged.add(offers[j][owner_fields[name][1]])
    total += best
    print(f"\n[{name}]")
    print(f"welfare = {best}")
    print(f"demand_units = {sum(demand)}")
    print(f"supply_units = {sum(cap)}")
    print(f"matched_units = {m}")
    print(f"unmet_units = {sum(demand) - m}")
    print(f"needs_covered = {len(covered)}")
    print(f"candidate_pairs = {len(pairs)}")
    print("matches = [" + ", ".join(f'["{needs[i]["id"]}", "{offers[j]["id"]}", {x}]' for (i, j), x in sorted(plan.items()) if x) + "]")
print("\n[total]")
print(f"welfare = {total}")
groups = {"schools": lambda p: p["kind"] == "schools", "institutes": lambda p: p["kind"] == "institutes",
          "enterprises": lambda p: p["kind"] == "enterprises",
          "large and medium enterprises": lambda p: p["kind"] == "enterprises" and p["size"] in ("大型", "中型")}
print("\n[coverage]")
for g, f in groups.items():
    members = [k for k, p in parties.items() if f(p)]
    print(f'"{g}" = [{len(members)}, {sum(1 for k in members if k in engaged)}]')
