"""Tests of the Python package against scipy, an LP, the `matching` package and the CLI.

    pip install pytest scipy pandas matching
    pytest crates/duijie-py/tests

The CLI comparisons run the `duijie` binary named by DUIJIE_BIN (default: the workspace's
target/debug or target/release build).
"""
import json
import os
import random
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pytest

import duijie

ROOT = Path(__file__).resolve().parents[3]
rng = np.random.default_rng(20261204)


def cli():
    for p in (os.environ.get("DUIJIE_BIN"), ROOT / "target/debug/duijie", ROOT / "target/release/duijie"):
        if p and Path(p).exists():
            return str(p)
    pytest.skip("no duijie binary: build it with `cargo build -p duijie-cli` or set DUIJIE_BIN")


def run_cli(*args):
    return subprocess.run([cli(), "--lang", "en", *map(str, args)], check=True, capture_output=True, text=True).stdout


# ---------------------------------------------------------------------------------------------
# Dense and sparse assignment against scipy, with the certificate checked here too


def check_certificate(cost, r, maximize):
    """Dual feasibility on every allowed pair, tightness on assigned ones, and strong duality,
    in the fixed-point units the solver used."""
    # Each value as the solver scaled it (x · 10^d rounded half away from zero, in f64), then
    # compared in Python integers, exactly.
    y = np.where(np.isfinite(cost), cost, 0) * 10.0**r.decimals
    fixed = np.where(np.abs(y) >= 2.0**52, y, np.sign(y) * np.floor(np.abs(y) + 0.5))
    c = np.array([[int(v) for v in row] for row in fixed], dtype=object)
    slack = c - r.row_potential.astype(object)[:, None] - r.col_potential.astype(object)[None, :]
    if maximize:
        slack = -slack
    allowed = np.isfinite(cost)
    assert all(v >= 0 for v in slack[allowed])
    assert all(v == 0 for v in slack[r.row_ind, r.col_ind])
    assert int(r.row_potential.sum()) + int(r.col_potential.sum()) == r.objective_fixed


def instances():
    out = []
    for n, m in [(1, 1), (2, 3), (5, 5), (7, 4), (30, 30), (40, 70), (70, 40), (120, 120)]:
        out.append(("ties", rng.integers(0, 3, size=(n, m))))
        out.append(("int1e6", rng.integers(0, 10**6, size=(n, m))))
        out.append(("negative", rng.integers(-1000, 1000, size=(n, m)).astype(np.int32)))
        out.append(("float", rng.random((n, m)) * 100))
    return out


@pytest.mark.parametrize("kind,cost", instances(), ids=lambda x: x if isinstance(x, str) else str(getattr(x, "shape", "")))
@pytest.mark.parametrize("maximize", [False, True])
def test_dense_equals_scipy(kind, cost, maximize):
    from scipy.optimize import linear_sum_assignment as scipy_lsa

    r2, c2 = scipy_lsa(cost, maximize=maximize)
    want = cost[r2, c2].sum()
    row, col = duijie.linear_sum_assignment(cost, maximize=maximize)
    assert len(row) == min(cost.shape) and (np.diff(row) > 0).all()
    assert len(set(col.tolist())) == len(col)
    got = cost[row, col].sum()
    r = duijie.solve_assignment(cost, maximize=maximize)
    if kind == "float":
        assert abs(got - want) <= r.error_bound + 1e-9
    else:
        assert got == want and r.objective == want and r.objective_fixed == want
    assert r.certificate_checked and r.status == "optimal"
    check_certificate(cost.astype(np.float64), r, maximize)


def test_large_working_copies_reused_across_solves_give_scipys_answers():
    # Matrices whose working copy is large enough to be mapped (32 MiB and more) and kept for
    # the next solve: each solve must overwrite what the previous one left in it.
    from scipy.optimize import linear_sum_assignment as scipy_lsa

    rng = np.random.default_rng(2026)
    cases = [
        rng.random((2048, 2048)) * 1000,  # a 32 MiB fixed-point copy
        rng.random((2048, 2048)),  # the same buffer again, other values
        rng.integers(-(10**6), 10**6, size=(2896, 2896)),  # a 32-bit copy in that buffer
        rng.random((1600, 2600)) * 50,  # a smaller shape in it
    ]
    for cost in cases:
        r2, c2 = scipy_lsa(cost)
        row, col = duijie.linear_sum_assignment(cost)
        r = duijie.solve_assignment(cost)
        if cost.dtype.kind == "f":
            assert abs(cost[row, col].sum() - cost[r2, c2].sum()) <= r.error_bound + 1e-9
        else:
            assert cost[row, col].sum() == cost[r2, c2].sum() == r.objective
        assert r.certificate_checked


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("maximize", [False, True])
def test_forbidden_pairs_as_scipy_reads_inf(seed, maximize):
    from scipy.optimize import linear_sum_assignment as scipy_lsa

    g = np.random.default_rng(seed)
    n, m = g.integers(1, 9), g.integers(1, 9)
    cost = g.integers(0, 5, size=(n, m)).astype(np.float64)
    cost[g.random((n, m)) < 0.45] = -np.inf if maximize else np.inf
    try:
        r2, c2 = scipy_lsa(cost, maximize=maximize)
        want = cost[r2, c2].sum()
    except ValueError:
        want = None
    if want is None:
        with pytest.raises(duijie.InfeasibleError) as e:
            duijie.linear_sum_assignment(cost, maximize=maximize)
        assert isinstance(e.value, ValueError)
        # The witness is a Hall set: its rows have fewer allowed columns than their number
        # (of the transposed matrix when the columns are the side to be assigned).
        w = list(e.value.witness)
        finite = np.isfinite(cost) if n <= m else np.isfinite(cost).T
        assert len(w) > finite[w].any(axis=0).sum()
    else:
        row, col = duijie.linear_sum_assignment(cost, maximize=maximize)
        assert np.isfinite(cost[row, col]).all() and cost[row, col].sum() == want
        check_certificate(cost, duijie.solve_assignment(cost, maximize=maximize), maximize)


@pytest.mark.parametrize("seed", range(6))
def test_sparse_equals_scipy(seed):
    import scipy.sparse as sp
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching as scipy_mw

    g = np.random.default_rng(seed)
    n = int(g.integers(5, 200))
    m = sp.random(n, n, density=0.05, random_state=seed, format="csr") + sp.eye(n, format="csr")
    m.data = np.round(m.data * 1000) + 1  # positive: scipy drops explicit zeros
    r2, c2 = scipy_mw(m)
    row, col = duijie.min_weight_full_bipartite_matching(m)
    assert m[row, col].sum() == m[r2, c2].sum()
    r = duijie.solve_assignment(m)
    assert r.objective == m[r2, c2].sum() and r.algorithm in ("sparse-shortest-path", "auction+shortest-path")
    # Rectangular and maximised: against the dense solver with absent pairs forbidden.
    rect = sp.random(n, n + 7, density=0.2, random_state=seed, format="csr", dtype=np.float64)
    rect = rect + sp.hstack([sp.eye(n), sp.csr_matrix((n, 7))]).tocsr()
    dense = rect.toarray()
    dense[dense == 0] = -np.inf
    assert abs(duijie.solve_assignment(rect, maximize=True).objective - duijie.solve_assignment(dense, maximize=True).objective) < 1e-9


def test_explicit_zeros_are_pairs_and_hall_sets_are_witnessed():
    import scipy.sparse as sp

    m = sp.csr_matrix((np.array([0.0, 5.0, 0.0]), np.array([1, 0, 1]), np.array([0, 1, 3])), shape=(2, 2))
    assert m.nnz == 3
    r = duijie.solve_assignment(m)
    assert r.objective == 5.0 and r.col_ind.tolist() == [1, 0]
    no = sp.csr_matrix((np.ones(2), np.array([0, 0]), np.array([0, 1, 2])), shape=(2, 2))
    with pytest.raises(duijie.InfeasibleError) as e:
        duijie.min_weight_full_bipartite_matching(no)
    assert sorted(e.value.witness) == [0, 1]


@pytest.mark.parametrize(
    "bad,kind",
    [
        (np.array([[1.0, np.nan], [0.0, 1.0]]), duijie.InvalidInputError),
        (np.array([[1.0, -np.inf], [0.0, 1.0]]), duijie.InvalidInputError),
        (np.array([["a", "b"]]), duijie.InvalidInputError),
        (np.array([[1 + 1j]]), duijie.InvalidInputError),
        (np.zeros(3), duijie.InvalidInputError),
        ([[1, 2], [3]], duijie.InvalidInputError),
        (np.array([[2**62, 0], [0, 1]]), duijie.NumericRangeError),
    ],
)
def test_bad_matrices_raise_typed_errors(bad, kind):
    with pytest.raises(kind) as e:
        duijie.linear_sum_assignment(bad)
    assert isinstance(e.value, ValueError) and str(e.value)


def test_the_drop_in_gives_the_checked_solvers_answer():
    for cost in (rng.integers(0, 10**6, size=(60, 90)), rng.random((90, 60))):
        row, col = duijie.linear_sum_assignment(cost)
        r = duijie.solve_assignment(cost)
        assert r.certificate_checked and (row == r.row_ind).all() and (col == r.col_ind).all()
        assert not duijie.solve_assignment(cost, check=False).certificate_checked


def test_every_integer_width_and_layout_is_taken():
    c = rng.integers(0, 100, size=(9, 6))
    want = duijie.solve_assignment(c).objective
    for dt in (np.int8, np.int16, np.int32, np.uint8, np.uint32, np.float32):
        assert duijie.solve_assignment(c.astype(dt)).objective == want
    assert duijie.solve_assignment(np.asfortranarray(c)).objective == want
    assert duijie.solve_assignment(c.T.copy().T).objective == want
    assert duijie.solve_assignment(np.ones((3, 3), dtype=bool)).objective == 3
    assert duijie.linear_sum_assignment(np.zeros((0, 4)))[0].size == 0


# ---------------------------------------------------------------------------------------------
# Minimum-cost flow against an LP


@pytest.mark.parametrize("seed", range(15))
def test_min_cost_flow_equals_the_lp(seed):
    from scipy.optimize import linprog

    g = np.random.default_rng(seed)
    n, arcs = int(g.integers(2, 9)), int(g.integers(1, 25))
    tails, heads = g.integers(0, n, arcs), g.integers(0, n, arcs)
    lower = g.integers(0, 2, arcs) * g.integers(0, 2, arcs)
    upper = lower + g.integers(0, 6, arcs)
    cost = g.integers(-5, 10, arcs)
    supply = np.zeros(n, dtype=np.int64)
    for _ in range(3):
        a, b = g.integers(0, n, 2)
        k = int(g.integers(0, 4))
        supply[a] += k
        supply[b] -= k
    a_eq = np.zeros((n, arcs))
    a_eq[tails, np.arange(arcs)] += 1
    a_eq[heads, np.arange(arcs)] -= 1
    lp = linprog(cost, A_eq=a_eq, b_eq=supply, bounds=list(zip(lower, upper)), method="highs")
    if lp.status == 2:
        with pytest.raises(duijie.InfeasibleError) as e:
            duijie.min_cost_flow(tails, heads, lower, upper, cost, supply)
        assert len(e.value.witness) > 0
        return
    r = duijie.min_cost_flow(tails, heads, lower, upper, cost, supply)
    assert r.cost == round(lp.fun) and r.certificate_checked
    f = r.flow
    assert ((lower <= f) & (f <= upper)).all()
    assert (a_eq @ f == supply).all()
    reduced = cost + r.potential[tails] - r.potential[heads]
    assert (reduced[f < upper] >= 0).all() and (reduced[f > lower] <= 0).all()


def test_flow_errors_carry_their_witness():
    with pytest.raises(duijie.UnbalancedError) as e:
        duijie.min_cost_flow([0], [1], None, [5], [1], [3, -2])
    assert (e.value.supply, e.value.demand) == (3, 2)
    with pytest.raises(duijie.InfeasibleError) as e:
        duijie.min_cost_flow([0], [1], None, [1], [1], [2, -2])
    assert e.value.witness == [0]
    with pytest.raises(duijie.InvalidInputError, match="arc 0: head 5"):
        duijie.min_cost_flow([0], [5], None, [1], [1], [2, -2])
    with pytest.raises(duijie.InvalidInputError, match="upper"):
        duijie.min_cost_flow([0, 1], [1, 0], None, [1.5, 2], [1, 1], [0, 0])
    with pytest.raises(duijie.InvalidInputError, match="upper"):
        duijie.min_cost_flow([0], [1], None, [np.inf], [1], [1, -1])
    with pytest.raises(duijie.InvalidInputError, match="every arc array"):
        duijie.min_cost_flow([0, 1], [1], None, [1, 1], [1, 1], [0, 0])


# ---------------------------------------------------------------------------------------------
# Stable matching: the `matching` package's examples, pair by pair


GAMES = ROOT / "datasets/games"
EXPECTED = tomllib.loads((GAMES / "expected.toml").read_text())


def play(game, side, **kw):
    g = json.loads((GAMES / f"{game}.json").read_text())
    if "suitor_prefs" in g:
        return duijie.stable_marriage(g["suitor_prefs"], g["reviewer_prefs"], optimal=side, **kw)
    if "resident_prefs" in g:
        return duijie.hospital_resident(g["resident_prefs"], g["hospital_prefs"], g["hospital_capacities"], optimal=side, **kw)
    return duijie.student_allocation(
        g["student_prefs"], g["supervisor_prefs"], g["project_supervisors"], g["project_capacities"], g["supervisor_capacities"], optimal=side, **kw
    )


@pytest.mark.parametrize("game,side", [(g, s) for g, sides in EXPECTED.items() for s in sides])
def test_the_matching_packages_examples_reproduce(game, side):
    r = play(game, side)
    assert {p[0]: p[1] for p in r.pairs} == EXPECTED[game][side]
    assert r.blocking_pairs == []


@pytest.mark.parametrize("game", ["stable_marriage", "hospital_resident", "student_allocation_small"])
def test_the_same_pairs_as_the_matching_package_live(game):
    mg = pytest.importorskip("matching.games")
    g = json.loads((GAMES / f"{game}.json").read_text())
    cls = {"stable_marriage": mg.StableMarriage, "hospital_resident": mg.HospitalResident}.get(game, mg.StudentAllocation)
    theirs = cls.create_from_dictionaries(*g.values()).solve()
    pairs = set()
    for k, v in theirs.items():
        for p in v if isinstance(v, list) else [v]:
            if p is not None:
                pairs.add(tuple(sorted((str(k), str(p)))))
    ours = {tuple(sorted(p[:2])) for p in play(game, "applicants").pairs}
    assert ours == pairs


def test_ties_unknown_names_and_ragged_lists():
    men = {"A": ["X", ["Y", "Z"]], "B": ["X", "Y", "Z"], "C": ["Z", "Y", "X"]}
    women = {"X": ["A", "B", "C"], "Y": ["B", "A", "C"], "Z": ["C", "A", "B"]}
    with pytest.raises(duijie.InvalidInputError, match="equally"):
        duijie.stable_marriage(men, women)
    for ties in ("index", "random", "super"):
        r = duijie.stable_marriage(men, women, ties=ties, seed=3)
        assert r.blocking_pairs == [] and len(r.pairs) == 3
    with pytest.raises(duijie.NoSuperStableError):
        duijie.hospital_resident({"r1": ["h"], "r2": ["h"]}, {"h": [["r1", "r2"]]}, {"h": 1}, ties="super")
    with pytest.raises(duijie.InvalidInputError, match='"Q"'):
        duijie.stable_marriage({"A": ["X", "Q"]}, {"X": ["A"]})
    with pytest.raises(duijie.InvalidInputError, match="list of names"):
        duijie.stable_marriage({"A": "X"}, {"X": ["A"]})
    with pytest.raises(duijie.InvalidInputError, match="capacit"):
        duijie.hospital_resident({"r": ["h"]}, {"h": ["r"]}, {"h": 0})


# ---------------------------------------------------------------------------------------------
# The ledger pipeline: the same tables as the CLI


SAMPLE = ROOT / "datasets/sample"


def test_matches_equal_duijie_match(tmp_path):
    cli_summary = json.loads(run_cli("match", SAMPLE, "--out", tmp_path, "--json"))
    ledger = duijie.Ledger.load(str(SAMPLE))
    matches, unmet, summary = ledger._native.match_tables("welfare", None)
    assert matches == (tmp_path / "matches.csv").read_text()
    assert unmet == (tmp_path / "unmet.csv").read_text()
    # The same metrics, market by market.
    for key, value in json.loads(summary).items():
        assert cli_summary[key] == value, key
    _, _, summary_py = ledger.match_all()
    assert summary_py == json.loads(summary)
    df = ledger.match()
    assert len(df) == matches.count("\n") - 1 and {"need_id", "offer_id", "score", "explanation"} <= set(df.columns)
    assert df["need_id"].tolist()[0] == "N01" and df["units"].dtype.kind == "i"


def test_a_dict_of_frames_is_the_same_ledger():
    pd = pytest.importorskip("pandas")
    frames = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in SAMPLE.glob("*.csv")}
    from_frames = duijie.Ledger.load(frames)
    assert not from_frames.has_errors
    assert from_frames.counts() == duijie.Ledger.sample().counts()
    assert from_frames.match().equals(duijie.Ledger.load(str(SAMPLE)).match())


def test_a_ledger_kept_over_two_years_matches_one_year_at_a_time():
    pd = pytest.importorskip("pandas")
    frames = {}
    for p in SAMPLE.glob("*.csv"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        if "year" in df.columns:
            again = df.copy()
            again[again.columns[0]] = again[again.columns[0]] + "-2026"
            again["year"] = "2026"
            df = pd.concat([df, again], ignore_index=True)
        frames[p.stem] = df
    two = duijie.Ledger.load(frames)
    assert not two.has_errors and two.years() == [2025, 2026]
    sample = duijie.Ledger.sample()
    assert two.of_year(2025).counts() == sample.counts()
    assert two.of_year(2025).match().equals(sample.match())
    later = two.of_year(2026).match()
    assert later["need_id"].str.endswith("-2026").all()
    assert later["units"].sum() == sample.match()["units"].sum()
    with pytest.raises(duijie.InvalidInputError, match="2025, 2026"):
        two.of_year(2031)


def test_agreements_keep_signed_units_and_drop_refused_pairs_as_the_cli_does(tmp_path):
    pd = pytest.importorskip("pandas")
    sample = duijie.Ledger.sample()
    agreed = pd.DataFrame(
        {
            "need": ["N01", "N01", "N02"],
            "offer": ["T03", "T01", "T02"],
            "units": [2, None, None],
            "status": ["已签约", "已拒绝", "paused"],
        }
    )
    df = sample.match(agreements=agreed)
    units = {(r.need_id, r.offer_id): r.units for r in df.itertuples()}
    assert units.get(("N01", "T03")) == 2
    assert ("N01", "T01") not in units and ("N02", "T02") not in units
    # The same as `duijie match --agreements`, row for row.
    path = tmp_path / "agreements.csv"
    agreed.astype({"units": "Int64"}).to_csv(path, index=False)
    out = tmp_path / "out"
    subprocess.run(
        [cli(), "match", str(ROOT / "datasets/sample"), "--out", str(out), "--agreements", str(path)],
        check=True,
        capture_output=True,
    )
    assert df.equals(pd.read_csv(out / "matches.csv", dtype=df.dtypes.to_dict()))
    # Rows as dicts or tuples give the same; bad ones are named.
    assert sample.match(agreements=agreed.to_dict("records")).equals(df)
    assert sample.match(agreements=[("N01", "T03", 2, "signed")])["units"].sum() > 0
    with pytest.raises(duijie.InvalidInputError, match="agreement 1: status 'maybe'|status \"maybe\""):
        sample.match(agreements=[("N01", "T03", 1, "maybe")])
    with pytest.raises(duijie.InvalidInputError, match="N0x"):
        sample.match(agreements=[("N0x", "T03", 1, "signed")])
    with pytest.raises(duijie.InvalidInputError, match="9 units"):
        sample.match(agreements=[{"need": "N01", "offer": "T03", "units": 9, "status": "signed"}])
    with pytest.raises(duijie.InvalidInputError, match="no 'status'"):
        sample.match(agreements=[{"need": "N01", "offer": "T03"}])


def test_compare_equals_duijie_compare(tmp_path):
    out = tmp_path / "cmp.csv"
    run_cli("compare", SAMPLE, "--policies", "greedy,welfare,stable-needs", "--out", out)
    ours = duijie.Ledger.load(str(SAMPLE))._native.compare_csv("greedy,welfare,stable-needs", None, None)
    theirs = out.read_text()
    # The dataset column names the paths on the command line.
    assert ours.replace("ledger,", "", ) .splitlines()[1:] == [l.split(",", 1)[1] for l in theirs.splitlines()[1:]]
    df = duijie.Ledger.sample().compare("greedy,welfare")
    assert set(df["policy"]) == {"greedy", "welfare"} and (df["welfare"] >= 0).all()


def test_validate_reports_and_a_ledger_with_errors_cannot_match():
    bad = duijie.Ledger.load(str(ROOT / "datasets/cases/bad_ledger"))
    df = bad.validate()
    assert bad.has_errors and len(df) > 0
    assert {"file", "line", "field", "kind", "message", "suggestion"} <= set(df.columns)
    assert (df["severity"] == "error").any()
    with pytest.raises(duijie.LedgerError, match="errors"):
        bad.match()
    with pytest.raises(duijie.LedgerError):
        duijie.Ledger.load("/no/such/ledger")


def test_explain_and_unknown_ids():
    l = duijie.Ledger.sample()
    e = l.explain("N01", "T01", lang="en")
    assert e["candidate"] and abs(e["score"] - sum(c["value"] * c["weight"] for c in e["components"])) < 1e-9
    assert "080202" in e["sentence"]
    with pytest.raises(duijie.InvalidInputError, match="closest ids are: N01"):
        l.explain("N0l", "T01")
    with pytest.raises(duijie.InvalidInputError, match="weights"):
        l.match(weights={"major_weights": "heavy"})
    with pytest.raises(duijie.InvalidInputError, match="policy"):
        l.match(policy="no-such-policy")


def test_market_instances_from_frames_equal_the_cli(tmp_path):
    inst = json.loads((ROOT / "datasets/instances/small.json").read_text())
    out = tmp_path / "cmp.csv"
    run_cli("compare", "--instance", ROOT / "datasets/instances/small.json", "--policies", "all", "--out", out)
    theirs = [l.split(",", 1)[1] for l in out.read_text().splitlines()[1:]]
    ours = duijie._duijie.market_compare_csv(json.dumps(inst), "all")
    assert [l.split(",", 1)[1] for l in ours.splitlines()[1:]] == theirs
    pd = pytest.importorskip("pandas")
    alloc, metrics = duijie.allocate_market(pd.DataFrame(inst["needs"]), pd.DataFrame(inst["offers"]), pd.DataFrame(inst["pairs"]), "two-sided:alpha=0.3")
    assert alloc["units"].sum() == metrics["matched_units"]
    with pytest.raises(duijie.InvalidInputError, match="unknown|not list"):
        duijie.compare_market(inst["needs"], inst["offers"], inst["pairs"] + [{"need": "nobody", "offer": inst["offers"][0]["id"], "need_score": 0.5}])


def test_frames_and_lists_of_dicts_give_the_same_market():
    """A DataFrame goes to the engine as columns, a list of dicts as rows: the same instance,
    numpy values included, an offer score missing in some rows, and the same located errors."""
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    rng = random.Random(11)
    needs = [{"id": f"n{i}", "demand": rng.randrange(4)} for i in range(30)]
    offers = [{"id": f"o{j}", "capacity": rng.randrange(5)} for j in range(12)]
    pairs = []
    for n in needs:
        for o in rng.sample(offers, 4):
            p = {"need": n["id"], "offer": o["id"], "need_score": round(rng.random(), 7)}
            if rng.random() < 0.7:
                p["offer_score"] = rng.random()
            pairs.append(p)
    frames = [pd.DataFrame(needs), pd.DataFrame(offers), pd.DataFrame(pairs)]
    # Rows without an offer score are NaN in the frame: missing, as in the dicts.
    assert frames[2]["offer_score"].isna().any()
    frames[0]["demand"] = frames[0]["demand"].astype(np.int64)
    numpy_rows = [dict(n, demand=np.int64(n["demand"])) for n in needs]
    want_alloc, want = duijie.allocate_market(needs, offers, pairs)
    for args in [frames, [numpy_rows, offers, pairs]]:
        alloc, metrics = duijie.allocate_market(*args)
        assert metrics == want
        assert alloc.equals(want_alloc)
    bad = pd.DataFrame(pairs + [{"need": "n0", "offer": "nobody", "need_score": 0.5}])
    with pytest.raises(duijie.InvalidInputError, match=r"instance:121: pair names offer \"nobody\""):
        duijie.allocate_market(frames[0], frames[1], bad)
    unscored = frames[2].copy()
    unscored.loc[7, "need_score"] = float("nan")
    with pytest.raises(duijie.InvalidInputError, match="instance:8: no need_score"):
        duijie.allocate_market(frames[0], frames[1], unscored)
    # Lists of dicts go as columns too: a missing key is named on its row, and a row that is
    # not a dict is named as rows are.
    no_score = [dict(p) for p in pairs]
    del no_score[7]["need_score"]
    with pytest.raises(duijie.InvalidInputError, match="instance:8: no need_score"):
        duijie.allocate_market(needs, offers, no_score)
    with pytest.raises(duijie.InvalidInputError, match='instance:121: entry 121 of "pairs" is not an object'):
        duijie.allocate_market(needs, offers, pairs + [["n0", "o0", 0.5]])
    with_note = [dict(p, note="x") if k % 3 == 0 else p for k, p in enumerate(pairs)]
    assert duijie.allocate_market(needs, offers, with_note)[1] == want


def test_plain_tables_cross_as_arrays_to_the_same_market_as_json():
    """Plain tables (DataFrames, lists of dicts) go to the engine as arrays, without a JSON
    text: the same allocation and metrics as the JSON reader gives; tables that are not plain
    (ids that are numbers or carry spaces, an unknown or repeated id, a pair twice, a missing or
    out-of-range score, a negative or fractional quantity, an extra column) go as JSON, and the
    JSON reader's answer or located error is what the caller sees either way."""
    pd = pytest.importorskip("pandas")
    rng = random.Random(23)
    for case in range(40):
        needs = [{"id": f"需{i}", "demand": rng.randrange(4)} for i in range(rng.randrange(1, 25))]
        offers = [{"id": f"o{j:02}", "capacity": rng.randrange(5)} for j in range(rng.randrange(1, 9))]
        pairs = []
        for n in needs:
            for o in rng.sample(offers, rng.randrange(len(offers) + 1)):
                p = {"need": n["id"], "offer": o["id"], "need_score": rng.choice([0, 1, round(rng.random(), 7), rng.random()])}
                if rng.random() < 0.6:
                    p["offer_score"] = rng.random()
                pairs.append(p)
        if not pairs:
            continue
        fault = case % 10
        if fault == 1:
            needs[0]["id"] = f" {needs[0]['id']}"
        elif fault == 2:
            pairs[-1]["offer"] = "nobody"
        elif fault == 3:
            pairs.append(dict(pairs[0]))
        elif fault == 4:
            pairs[0]["need_score"] = 1.5
        elif fault == 5:
            offers[0]["capacity"] = -1
        elif fault == 6:
            needs[0]["demand"] = 2.5
        elif fault == 7:
            for p in pairs:
                p["note"] = "x"
        elif fault == 8:
            pairs[0]["need_score"] = None
        for tables in ([needs, offers, pairs], [pd.DataFrame(t) for t in (needs, offers, pairs)]):
            arrays = duijie._market_arrays(*tables)
            assert (arrays is not None) == (fault in (0, 1, 9)) or fault == 1
            try:
                want = duijie._duijie.market_allocate(duijie._market_json(*tables), "welfare")
            except duijie.InvalidInputError as e:
                assert arrays is None
                with pytest.raises(duijie.InvalidInputError) as got:
                    duijie.allocate_market(*tables)
                assert str(got.value) == str(e)
                continue
            if arrays is not None:
                assert duijie._duijie.market_allocate(arrays, "welfare") == want
                with pytest.raises(duijie.InvalidInputError, match="handed over already"):
                    duijie._duijie.market_allocate(arrays, "welfare")
            got, metrics = duijie.allocate_market(*tables)
            assert metrics == json.loads(want[1]) and list(got["units"]) == want[0][2]


def test_an_allocation_frame_is_the_clis_allocation_csv(tmp_path):
    """The columns cross without a CSV: the same ids (leading zeros, commas, quotes, Chinese),
    units and scores as the CLI's allocation.csv read back, each score the double nearest its
    decimal, for an allocation with rows and for one without, live or fresh."""
    pd = pytest.importorskip("pandas")
    rng = random.Random(5)
    names = ["001", "东北大学", 'a,"b"', "x y", "0"]
    needs = [{"id": f"{names[i % 5]}-{i}" if i >= 5 else names[i], "demand": rng.randrange(1, 4)} for i in range(25)]
    offers = [{"id": f"o{j:03}", "capacity": rng.randrange(1, 5)} for j in range(9)]
    pairs = [
        {"need": n["id"], "offer": o["id"], "need_score": round(rng.random(), 6), "offer_score": rng.random()}
        for n in needs
        for o in rng.sample(offers, 3)
    ]
    inst = {"needs": needs, "offers": offers, "pairs": pairs}
    for k, market in enumerate([inst, dict(inst, offers=[dict(o, capacity=0) for o in offers])]):
        path = tmp_path / f"m{k}.json"
        path.write_text(json.dumps(market, ensure_ascii=False), encoding="utf-8")
        run_cli("allocate", "--instance", path, "--out", tmp_path / f"out{k}")
        # Every cell as text, then each number by Python's own (correctly rounded) parse.
        want = pd.read_csv(tmp_path / f"out{k}/allocation.csv", dtype=str, keep_default_na=False)
        want["units"] = [int(x) for x in want["units"]]
        for c in ("need_score", "offer_score"):
            want[c] = pd.Series([float(x) for x in want[c]], dtype="float64")
        got, _ = duijie.allocate_market(market["needs"], market["offers"], market["pairs"])
        live, _ = duijie.LiveMarket(market["needs"], market["offers"], market["pairs"]).allocate()
        assert list(got.columns) == ["need", "offer", "units", "need_score", "offer_score"]
        # Ids as pandas reads text (str in pandas 3, object before), numbers as numbers.
        text = pd.Series(["x"], dtype=str).dtype
        assert list(got.dtypes) == [text, text, np.dtype("int64"), np.dtype("float64"), np.dtype("float64")]
        assert len(got) == len(want) and (len(got) > 0) == (k == 0)
        if len(want):
            pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.equals(live)
        # The analyst's own scores come back as given (six decimals at most).
        given = {(p["need"], p["offer"]): p["need_score"] for p in pairs}
        assert all(given[(r.need, r.offer)] == r.need_score for r in got.itertuples())


def _market_after(inst, needs=(), pairs=(), offers=(), withdraw=()):
    """The same market as one instance: what a LiveMarket holds after these changes."""
    out = {
        "needs": list(inst["needs"]) + list(needs),
        "offers": [dict(o, capacity=0) if o["id"] in withdraw else o for o in list(inst["offers"]) + list(offers)],
        "pairs": [dict(p) for p in inst["pairs"]],
    }
    at = {(p["need"], p["offer"]): k for k, p in enumerate(out["pairs"])}
    for p in pairs:
        k = at.get((p["need"], p["offer"]))
        if k is None:
            out["pairs"].append(dict(p))
        else:
            out["pairs"][k] = dict(p)
    return out


def test_a_live_market_gives_the_fresh_welfare_optimum_round_after_round():
    inst = json.loads((ROOT / "datasets/instances/small.json").read_text())
    live = duijie.LiveMarket(inst["needs"], inst["offers"], inst["pairs"])
    alloc, metrics = live.allocate()
    fresh, fresh_metrics = duijie.allocate_market(inst["needs"], inst["offers"], inst["pairs"])
    assert metrics == fresh_metrics and alloc.equals(fresh)
    _, again = live.allocate()
    assert live.pivots == 0 and again == metrics
    change = dict(
        offers=[{"id": "沈阳工业大学", "capacity": 2}],
        needs=[{"id": "华晨宝马", "demand": 2}],
        pairs=[
            {"need": "华晨宝马", "offer": "东北大学", "need_score": 0.95, "offer_score": 0.5},
            {"need": "华晨宝马", "offer": "沈阳工业大学", "need_score": 0.8},
            dict(inst["pairs"][0], need_score=0.3),
        ],
        withdraw=["大连理工大学"],
    )
    live.change(**change)
    assert live.counts() == (4, 4)
    alloc, metrics = live.allocate()
    after = _market_after(inst, **change)
    fresh, fresh_metrics = duijie.allocate_market(after["needs"], after["offers"], after["pairs"])
    assert metrics["welfare"] == fresh_metrics["welfare"]
    assert metrics["matched_units"] == fresh_metrics["matched_units"]
    assert "大连理工大学" not in set(alloc["offer"])


def test_live_market_rounds_on_random_markets_equal_fresh_allocations():
    import random

    rng = random.Random(11)
    for _ in range(6):
        needs = [{"id": f"n{i}", "demand": rng.randint(0, 4)} for i in range(30)]
        offers = [{"id": f"o{j}", "capacity": rng.randint(0, 5)} for j in range(12)]
        pairs = [
            {"need": n["id"], "offer": o["id"], "need_score": round(rng.random(), 3), "offer_score": round(rng.random(), 3)}
            for n in needs for o in offers if rng.random() < 0.3
        ]
        inst = {"needs": needs, "offers": offers, "pairs": pairs}
        live = duijie.LiveMarket(needs, offers, pairs)
        live.allocate()
        for r in range(3):
            new_offers = [{"id": f"o{r}x", "capacity": rng.randint(1, 4)}]
            ids = [o["id"] for o in inst["offers"]] + [new_offers[0]["id"]]
            new_needs = [{"id": f"n{r}x{k}", "demand": rng.randint(1, 4)} for k in range(3)]
            new_pairs = [
                {"need": n["id"], "offer": o, "need_score": round(rng.random(), 3)}
                for n in new_needs for o in ids if rng.random() < 0.4
            ]
            withdraw = rng.sample([o["id"] for o in inst["offers"]], 2)
            live.change(needs=new_needs, pairs=new_pairs, offers=new_offers, withdraw=withdraw)
            inst = _market_after(inst, new_needs, new_pairs, new_offers, withdraw)
            _, metrics = live.allocate()
            _, fresh = duijie.allocate_market(inst["needs"], inst["offers"], inst["pairs"])
            assert metrics["welfare"] == fresh["welfare"]


def test_a_live_market_names_a_bad_change_and_applies_none_of_it():
    inst = json.loads((ROOT / "datasets/instances/small.json").read_text())
    live = duijie.LiveMarket(inst["needs"], inst["offers"], inst["pairs"])
    _, before = live.allocate()
    need = inst["needs"][0]["id"]
    bad = [
        (dict(needs=[{"id": need, "demand": 1}]), "already has one"),
        (dict(needs=[{"id": "x", "demand": 1}], pairs=[{"need": "x", "offer": "nowhere", "need_score": 0.5}]), "nowhere"),
        (dict(pairs=[{"need": need, "offer": "大连理工大学", "need_score": 0.5}]), "arrive with a new need"),
        (dict(needs=[{"id": "x", "demand": 1}], pairs=[{"need": "x", "offer": "东北大学", "need_score": 1.5}]), "from 0 to 1"),
        (dict(needs=[{"id": "x", "demand": -1}]), "whole number"),
        (dict(withdraw=["nowhere"]), "nowhere"),
    ]
    for change, message in bad:
        with pytest.raises(duijie.InvalidInputError, match=message):
            live.change(**change)
    assert live.counts() == (3, 3)
    _, after = live.allocate()
    assert after == before


def test_a_live_market_takes_its_changes_as_dataframes():
    """Changes given as DataFrames (columns to the engine) are the same changes as lists of
    dicts: the round's metrics equal a fresh allocation's of the changed market."""
    pd = pytest.importorskip("pandas")
    inst = json.loads((ROOT / "datasets/instances/small.json").read_text())
    live = duijie.LiveMarket(*(pd.DataFrame(inst[k]) for k in ("needs", "offers", "pairs")))
    live.allocate()
    need = {"id": "华晨宝马", "demand": 2}
    pair = {"need": "华晨宝马", "offer": "东北大学", "need_score": 0.99}
    offer = {"id": "沈阳工业大学", "capacity": 1}
    live.change(needs=pd.DataFrame([need]), pairs=pd.DataFrame([pair]), offers=pd.DataFrame([offer]),
                withdraw=["大连理工大学"])
    _, metrics = live.allocate()
    after = _market_after(inst, needs=[need], pairs=[pair], offers=[offer], withdraw=["大连理工大学"])
    _, fresh = duijie.allocate_market(after["needs"], after["offers"], after["pairs"])
    assert metrics == fresh
    with pytest.raises(duijie.InvalidInputError, match='changes:1: pair names need "nobody"'):
        live.change(pairs=pd.DataFrame([{"need": "nobody", "offer": "东北大学", "need_score": 0.5}]))
