"""duijie (对接) from Python: certified matching and allocation.

The solvers of the duijie engine on numpy arrays, its stable matching on the ranked-list dicts
of the ``matching`` package, and its ledger pipeline (validate, match, compare, explain) on
files or pandas DataFrames. Every answer is exact and checked against its certificate (dual
potentials, or no blocking pair) before it is returned; every error is a ``DuijieError`` (a
``ValueError``) of a stated kind with the command line's message.

This module only adapts arguments and results: the work is done by the same Rust code as the
``duijie`` command.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _duijie
from ._duijie import (
    DuijieError,
    InfeasibleError,
    InvalidInputError,
    LedgerError,
    NoSuperStableError,
    NumericRangeError,
    UnbalancedError,
)

__version__ = _duijie.version()

__all__ = [
    "AssignmentResult",
    "DuijieError",
    "FlowResult",
    "InfeasibleError",
    "InvalidInputError",
    "Ledger",
    "LedgerError",
    "LiveMarket",
    "NoSuperStableError",
    "NumericRangeError",
    "StableResult",
    "UnbalancedError",
    "allocate_market",
    "compare_market",
    "hospital_resident",
    "linear_sum_assignment",
    "min_cost_flow",
    "min_weight_full_bipartite_matching",
    "solve_assignment",
    "stable_marriage",
    "student_allocation",
]


# ---------------------------------------------------------------------------------------------
# Assignment


@dataclass(frozen=True)
class AssignmentResult:
    """An optimal assignment with its certificate.

    ``row_ind[k]`` is assigned ``col_ind[k]`` (rows ascending, as scipy returns them).
    ``objective`` is the total of the given matrix over those pairs; ``objective_fixed`` the
    exact total the solver optimised, in units of ``10**-decimals`` (floats are solved exactly
    at ``decimals`` places; ``error_bound`` bounds the distance to the float optimum, 0 for
    integers). ``row_potential`` and ``col_potential`` are the dual potentials in the same
    units: for minimisation ``row_potential[i] + col_potential[j] <= cost[i, j]`` on every
    allowed pair, with equality on the assigned pairs, and their sum is ``objective_fixed``.
    """

    row_ind: np.ndarray
    col_ind: np.ndarray
    objective: float
    objective_fixed: int
    row_potential: np.ndarray
    col_potential: np.ndarray
    decimals: int
    error_bound: float
    status: str
    algorithm: str
    certificate_checked: bool


_INT_KINDS = "iub"


def _as_matrix(cost: Any) -> np.ndarray:
    """A 2-D float64, int64 or int32 array of ``cost``, copying only when the dtype needs it."""
    try:
        a = np.asarray(cost)
    except ValueError as e:  # ragged rows
        raise InvalidInputError(f"the cost matrix is not a rectangular array: {e}") from None
    if a.ndim != 2:
        raise InvalidInputError(f"the cost matrix must be 2-D, not {a.ndim}-D (shape {a.shape})")
    if a.dtype == np.float64 or a.dtype == np.int64 or a.dtype == np.int32:
        return a
    if a.dtype.kind == "f":
        return a.astype(np.float64)
    if a.dtype.kind in _INT_KINDS:
        if a.dtype == np.uint64 and a.size and int(a.max()) > np.iinfo(np.int64).max:
            raise InvalidInputError("a uint64 entry does not fit int64")
        return a.astype(np.int64)
    raise InvalidInputError(
        f"the cost matrix must hold numbers (float or integer), not dtype {a.dtype}"
    )


def _owned(raw: Dict[str, Any]) -> Dict[str, Any]:
    """The result's arrays as ordinary numpy arrays (the native ones borrow Rust memory, which
    numpy will not let some libraries re-flag as writeable)."""
    return {k: (np.array(v) if isinstance(v, np.ndarray) else v) for k, v in raw.items()}


def _result(raw: Dict[str, Any], total: Any) -> AssignmentResult:
    return AssignmentResult(objective=total, **raw)


def _dense_total(a: np.ndarray, raw: Dict[str, Any]) -> Any:
    if raw["row_ind"].size == 0:
        return 0.0 if a.dtype.kind == "f" else 0
    picked = a[raw["row_ind"], raw["col_ind"]]
    return float(picked.sum()) if a.dtype.kind == "f" else int(picked.sum(dtype=np.int64))


def solve_assignment(
    cost: Any, maximize: bool = False, decimals: Optional[int] = None, check: bool = True
) -> AssignmentResult:
    """Solves a linear assignment problem exactly and returns its certificate.

    ``cost`` is a dense 2-D array (float, or integer of any width; square or rectangular:
    every row is assigned when it has no more rows than columns, else every column), or a
    ``scipy.sparse`` matrix (absent entries are forbidden pairs; explicit zeros are pairs of
    cost 0). In a dense float matrix ``inf`` marks a forbidden pair when minimising and
    ``-inf`` when maximising, as scipy reads them; NaN is refused. Floats are solved exactly
    at ``decimals`` places (by default the most at which every value stays exact at this
    size). The dual potentials are checked against every allowed pair before the answer is
    returned (``check=False`` skips that O(rows × columns) pass; ``certificate_checked`` says
    which).

    Raises ``InfeasibleError`` (``witness``: rows that together have fewer allowed columns
    than their number) when forbidden pairs leave no full assignment, ``InvalidInputError``
    for NaN, a wrong sign of infinity or a wrong dtype, ``NumericRangeError`` for values too
    large to solve exactly.
    """
    if _is_sparse(cost):
        return _solve_sparse(cost, maximize, decimals, check)
    a = _as_matrix(cost)
    raw = _owned(_duijie.solve_dense(a, maximize, decimals, check))
    return _result(raw, _dense_total(a, raw))


def linear_sum_assignment(cost_matrix: Any, maximize: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """A drop-in for ``scipy.optimize.linear_sum_assignment``: the same arguments and the
    same ``(row_ind, col_ind)``, with rows ascending; ``inf`` forbids a pair as in scipy (an
    assignment they make impossible raises ``InfeasibleError``, a ``ValueError``), NaN raises
    ``InvalidInputError``. Solved exactly by the same solver as ``solve_assignment``, which
    also returns the objective and the dual potentials and checks them (this drop-in skips
    that check, as scipy has none to make)."""
    a = _as_matrix(cost_matrix)
    raw = _duijie.solve_dense(a, maximize, None, False)
    return np.array(raw["row_ind"]), np.array(raw["col_ind"])


def _is_sparse(m: Any) -> bool:
    return hasattr(m, "tocsr") and hasattr(m, "nnz")


def _solve_sparse(m: Any, maximize: bool, decimals: Optional[int], check: bool) -> AssignmentResult:
    csr = m.tocsr()
    data = np.asarray(csr.data)
    if data.dtype.kind == "f":
        data = data.astype(np.float64, copy=False)
    elif data.dtype.kind in _INT_KINDS:
        data = data.astype(np.int64, copy=False)
    else:
        raise InvalidInputError(f"the matrix must hold numbers, not dtype {data.dtype}")
    indptr = np.asarray(csr.indptr, dtype=np.int64)
    indices = np.asarray(csr.indices, dtype=np.int64)
    raw = _owned(
        _duijie.solve_sparse(tuple(csr.shape), indptr, indices, data, maximize, decimals, check)
    )
    if raw["row_ind"].size:
        picked = np.asarray(csr[raw["row_ind"], raw["col_ind"]]).ravel()
        total = float(picked.sum()) if data.dtype.kind == "f" else int(picked.sum())
    else:
        total = 0
    return _result(raw, total)


def min_weight_full_bipartite_matching(
    biadjacency_matrix: Any, maximize: bool = False
) -> Tuple[np.ndarray, np.ndarray]:
    """A drop-in for ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` on a
    ``scipy.sparse`` matrix: ``(row_ind, col_ind)`` of a full matching of minimum (or maximum)
    total weight. Absent entries are forbidden; explicit zeros are edges of weight 0. No full
    matching raises ``InfeasibleError`` (a ``ValueError``, as scipy raises) with its Hall set."""
    r = _solve_sparse(biadjacency_matrix, maximize, None, False)
    return r.row_ind, r.col_ind


# ---------------------------------------------------------------------------------------------
# Minimum-cost flow


@dataclass(frozen=True)
class FlowResult:
    """An optimal flow: ``flow[k]`` on arc ``k``, node ``potential`` s with every arc's reduced
    cost ``cost + potential[tail] - potential[head]`` non-negative below its upper bound and
    non-positive above its lower bound (checked), and the total ``cost``."""

    flow: np.ndarray
    potential: np.ndarray
    cost: int
    status: str
    algorithm: str
    certificate_checked: bool


def _int_array(name: str, values: Any) -> np.ndarray:
    a = np.asarray(values)
    if a.ndim != 1:
        raise InvalidInputError(f"{name} must be 1-D, not of shape {a.shape}")
    if a.dtype.kind in _INT_KINDS:
        return a.astype(np.int64, copy=False)
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a) | (a != np.round(a))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InvalidInputError(
                f"{name}[{k}] is {a[k]}: flows are exact integers (give finite whole numbers)"
            )
        if a.size and np.abs(a).max() > 2.0**62:
            raise InvalidInputError(f"{name} holds values beyond ±2^62")
        return a.astype(np.int64)
    raise InvalidInputError(f"{name} must hold integers, not dtype {a.dtype}")


def min_cost_flow(
    tails: Any,
    heads: Any,
    lower: Any,
    upper: Any,
    cost: Any,
    supply: Any,
) -> FlowResult:
    """Solves a minimum-cost flow problem exactly (network simplex).

    Arc ``k`` goes from node ``tails[k]`` to ``heads[k]`` (nodes ``0..len(supply)``) and carries
    between ``lower[k]`` and ``upper[k]`` units at ``cost[k]`` each (``lower`` may be ``None``
    for zeros); ``supply[v]`` is positive for supply, negative for demand, and must sum to 0.

    Raises ``UnbalancedError`` (``supply``, ``demand``: the two totals),
    ``InfeasibleError`` (``witness``: the nodes of a cut whose demand exceeds what can enter
    it), ``NumericRangeError``, or ``InvalidInputError`` naming the arc at fault.
    """
    tails = _int_array("tails", tails)
    if lower is None:
        lower = np.zeros(len(tails), dtype=np.int64)
    raw = _duijie.min_cost_flow(
        tails,
        _int_array("heads", heads),
        _int_array("lower", lower),
        _int_array("upper", upper),
        _int_array("cost", cost),
        _int_array("supply", supply),
    )
    return FlowResult(**_owned(raw))


# ---------------------------------------------------------------------------------------------
# Stable matching


@dataclass(frozen=True)
class StableResult:
    """A stable matching. ``matching`` is keyed as the ``matching`` package keys its answer:
    suitor → reviewer (stable marriage), hospital → residents, project → students;
    ``pairs`` lists ``(applicant, partner)`` (and the supervisor, for student allocation).
    ``blocking_pairs`` is checked empty under ``stability`` (``stable``, ``weakly stable`` or
    ``super-stable``)."""

    matching: Dict[str, Any]
    pairs: List[Tuple[str, ...]]
    unmatched: List[str]
    blocking_pairs: List[Tuple[str, str]]
    stability: str
    optimal: str
    one_sided_entries_dropped: int


def _names(prefs: Mapping[Any, Sequence[Any]]) -> Dict[str, Any]:
    """Lists with every name as text (ties are nested lists), refusing what is not a list."""

    def entry(x: Any) -> Any:
        if isinstance(x, (list, tuple)):
            return [str(y) for y in x]
        return str(x)

    out: Dict[str, Any] = {}
    for owner, ranked in prefs.items():
        if isinstance(ranked, (str, bytes)) or not isinstance(ranked, Sequence):
            raise InvalidInputError(
                f"the preferences of {owner!r} must be a list of names, not {type(ranked).__name__}"
            )
        out[str(owner)] = [entry(x) for x in ranked]
    return out


def _capacities(name: str, caps: Mapping[Any, Any]) -> Dict[str, Any]:
    return {str(k): v for k, v in caps.items()}


def _solve_game(game: Dict[str, Any], optimal: str, ties: str, seed: int, grouped: bool) -> StableResult:
    raw = _duijie.solve_game(json.dumps(game, ensure_ascii=False), optimal, ties, seed)
    pairs = [tuple(p) for p in raw["pairs"]]
    matched = {p[0] for p in pairs}
    if grouped:
        matching: Dict[str, Any] = {r: [] for r in raw["reviewers"]}
        for p in pairs:
            matching[p[1]].append(p[0])
    else:
        matching = {a: None for a in raw["applicants"]}
        for p in pairs:
            matching[p[0]] = p[1]
    return StableResult(
        matching=matching,
        pairs=pairs,
        unmatched=[a for a in raw["applicants"] if a not in matched],
        blocking_pairs=[tuple(b) for b in raw["blocking_pairs"]],
        stability=raw["stability"],
        optimal=raw["optimal"],
        one_sided_entries_dropped=raw["one_sided_entries_dropped"],
    )


def stable_marriage(
    suitor_prefs: Mapping[Any, Sequence[Any]],
    reviewer_prefs: Mapping[Any, Sequence[Any]],
    optimal: str = "suitor",
    ties: str = "strict",
    seed: int = 0,
) -> StableResult:
    """A stable matching of suitors and reviewers (``matching.games.StableMarriage``'s
    dicts), ``optimal`` for ``suitor`` or ``reviewer``. A list entry that is itself a list is a
    tie; with ties choose ``ties="index"`` or ``"random"`` (weakly stable, ties broken by index
    or by ``seed``) or ``"super"`` (super-stable; ``NoSuperStableError`` when none exists)."""
    game = {"suitor_prefs": _names(suitor_prefs), "reviewer_prefs": _names(reviewer_prefs)}
    return _solve_game(game, optimal, ties, seed, grouped=False)


def hospital_resident(
    resident_prefs: Mapping[Any, Sequence[Any]],
    hospital_prefs: Mapping[Any, Sequence[Any]],
    hospital_capacities: Mapping[Any, int],
    optimal: str = "resident",
    ties: str = "strict",
    seed: int = 0,
) -> StableResult:
    """A stable matching of residents to hospitals with capacities
    (``matching.games.HospitalResident``'s dicts), ``optimal`` for ``resident`` or
    ``hospital``; ``matching`` maps each hospital to its residents. Ties as in
    ``stable_marriage``."""
    game = {
        "resident_prefs": _names(resident_prefs),
        "hospital_prefs": _names(hospital_prefs),
        "hospital_capacities": _capacities("hospital_capacities", hospital_capacities),
    }
    return _solve_game(game, optimal, ties, seed, grouped=True)


def student_allocation(
    student_prefs: Mapping[Any, Sequence[Any]],
    supervisor_prefs: Mapping[Any, Sequence[Any]],
    project_supervisors: Mapping[Any, Any],
    project_capacities: Mapping[Any, int],
    supervisor_capacities: Mapping[Any, int],
    optimal: str = "student",
    ties: str = "strict",
    seed: int = 0,
) -> StableResult:
    """A stable student–project allocation (``matching.games.StudentAllocation``'s dicts),
    ``optimal`` for ``student`` or ``supervisor``; ``matching`` maps each project to its
    students. Ties as in ``stable_marriage``."""
    game = {
        "student_prefs": _names(student_prefs),
        "supervisor_prefs": _names(supervisor_prefs),
        "project_supervisors": {str(k): str(v) for k, v in project_supervisors.items()},
        "project_capacities": _capacities("project_capacities", project_capacities),
        "supervisor_capacities": _capacities("supervisor_capacities", supervisor_capacities),
    }
    return _solve_game(game, optimal, ties, seed, grouped=True)


# ---------------------------------------------------------------------------------------------
# The ledger pipeline and the policies


def _frame(csv_text: str) -> Any:
    """A CSV table of the CLI as a DataFrame: ids stay text (``001`` is not the number 1),
    other columns take the types pandas infers."""
    import pandas as pd

    header = csv_text.split("\n", 1)[0].split(",")
    ids = {c: str for c in header if c.endswith("_id") or c in ("need", "offer", "dataset")}
    return pd.read_csv(io.StringIO(csv_text), dtype=ids, keep_default_na=False, na_values=[""])


_ALLOCATION_COLUMNS = ("need", "offer", "units", "need_score", "offer_score")


def _allocation_frame(columns: Tuple[List[str], List[str], List[int], List[float], List[float]]) -> Any:
    """An allocation's columns (as ``allocation.csv`` has them) as a DataFrame: ids as text
    (the dtype pandas gives text, as ``_frame`` reads it), units as integers, scores as floats,
    whether or not there are rows."""
    import pandas as pd

    dtypes = (str, str, "int64", "float64", "float64")
    return pd.DataFrame(
        {name: pd.Series(col, dtype=dt) for name, col, dt in zip(_ALLOCATION_COLUMNS, columns, dtypes)}
    )


def _weights(weights: Optional[Mapping[str, Any]]) -> Optional[str]:
    return None if weights is None else json.dumps(weights, ensure_ascii=False)


def _agreements(agreements: Any) -> Optional[List[Tuple[str, str, int, str]]]:
    """Agreements as ``(need, offer, units, status)`` rows, from a DataFrame (or anything with
    ``to_dict("records")``) with those columns, from dicts, or from tuples. Units may be
    missing (``None`` or NaN) for refused and paused pairs."""
    if agreements is None:
        return None
    if hasattr(agreements, "to_dict"):
        agreements = agreements.to_dict("records")
    rows = []
    for k, a in enumerate(agreements, start=1):
        if isinstance(a, Mapping):
            try:
                need, offer, status = a["need"], a["offer"], a["status"]
            except KeyError as e:
                raise InvalidInputError(
                    f"agreement {k}: no {e.args[0]!r} (each needs need, offer, status and, "
                    "when signed, units)"
                ) from None
            units = a.get("units")
        else:
            need, offer, units, status = a
        if units is None or (isinstance(units, float) and units != units):
            units = 0
        if isinstance(units, float) and not units.is_integer():
            raise InvalidInputError(
                f"agreement {k}: units {units!r} of need {need!r} and offer {offer!r}: "
                "a whole number"
            )
        rows.append((str(need), str(offer), int(units), str(status)))
    return rows


class Ledger:
    """A supply–demand ledger (供需信息台账), read and validated as ``duijie validate`` reads it.

    Build one with ``Ledger.load(path_or_frames)``, ``Ledger.sample()`` or
    ``Ledger.generated(scale, seed)``. A ledger with errors can be inspected (``validate()``)
    but not matched: ``match``, ``compare`` and ``explain`` raise ``LedgerError``.
    """

    def __init__(self, native: Any) -> None:
        self._native = native

    @classmethod
    def load(cls, source: Union[str, Sequence[str], Mapping[str, Any]]) -> "Ledger":
        """Reads a ledger from a folder or file path (CSV, JSON, XLSX or a duijie SQLite
        database), a list of paths, or a dict of pandas DataFrames keyed by table name
        (``talent_needs``, ...; columns as ``duijie schema`` names them)."""
        if isinstance(source, Mapping):
            files = []
            for table, df in source.items():
                name = table if table.endswith(".csv") else f"{table}.csv"
                files.append((name, df.to_csv(index=False).encode("utf-8")))
            return cls(_duijie.Ledger.from_sources(files))
        paths = [source] if isinstance(source, str) else [str(p) for p in source]
        return cls(_duijie.Ledger.from_paths([str(p) for p in paths]))

    @classmethod
    def sample(cls) -> "Ledger":
        """The small hand-made sample ledger bundled with duijie."""
        return cls(_duijie.Ledger.sample())

    @classmethod
    def generated(cls, scale: str = "sample", seed: int = 7) -> "Ledger":
        """A seeded generated ledger: ``sample``, ``province`` or ``nation`` scale."""
        return cls(_duijie.Ledger.generated(scale, seed))

    @property
    def has_errors(self) -> bool:
        """Whether a problem is an error (the ledger then cannot be matched)."""
        return self._native.has_errors()

    def counts(self) -> Dict[str, int]:
        """Records per table."""
        return dict(self._native.counts())

    def years(self) -> List[int]:
        """The years its needs and offers are for, in order (a ledger kept over several rounds
        holds one set of records per year)."""
        return list(self._native.years())

    def of_year(self, year: int) -> "Ledger":
        """The round of one year: every party, and only the needs and offers of ``year`` (as
        ``duijie match --year``). Needs meet offers only of their own year in any case; this
        ledger also scores with that year's records alone. A year the ledger lacks raises
        ``InvalidInputError`` naming the years it has."""
        return Ledger(self._native.of_year(year))

    def problems(self) -> List[Dict[str, Any]]:
        """Every problem found, as dicts (the fields of ``duijie validate --json``)."""
        return json.loads(self._native.problems_json())

    def validate(self) -> Any:
        """Every problem as a DataFrame: file, line, field, kind, severity, record id, message,
        suggestion (and their Chinese wording)."""
        import pandas as pd

        cols = [
            "source",
            "line",
            "column",
            "field",
            "kind",
            "severity",
            "record_id",
            "message",
            "suggestion",
            "message_zh",
            "suggestion_zh",
        ]
        rows = self.problems()
        df = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
        return df.rename(columns={"source": "file"})

    def match(
        self,
        policy: str = "welfare",
        weights: Optional[Mapping[str, Any]] = None,
        agreements: Any = None,
    ) -> Any:
        """Every market allocated under ``policy`` (as ``duijie match`` does for ``welfare``):
        a DataFrame of the partnerships with each pair's score and its reasons (the columns
        of ``matches.csv``). ``weights`` takes the fields of a ``--weights`` file.
        ``agreements`` (a DataFrame or rows with need, offer, units, status, as
        ``duijie match --agreements`` reads them): 已签约 / signed units are kept, 已拒绝 /
        refused and 暂停 / paused pairs are not allocated; one that does not fit the ledger
        raises ``InvalidInputError`` naming it."""
        matches, _, _ = self._native.match_tables(
            policy, _weights(weights), _agreements(agreements)
        )
        return _frame(matches)

    def match_all(
        self,
        policy: str = "welfare",
        weights: Optional[Mapping[str, Any]] = None,
        agreements: Any = None,
    ) -> Tuple[Any, Any, Dict[str, Any]]:
        """``match`` with the unmet needs (``unmet.csv``) and the summary (each market's
        metrics, as ``duijie match --json``)."""
        matches, unmet, summary = self._native.match_tables(
            policy, _weights(weights), _agreements(agreements)
        )
        return _frame(matches), _frame(unmet), json.loads(summary)

    def compare(
        self,
        policies: str = "all",
        weights: Optional[Mapping[str, Any]] = None,
        markets: Optional[Sequence[str]] = None,
    ) -> Any:
        """Policies compared on every market (or ``markets``): the metrics table of
        ``duijie compare`` as a DataFrame, one row per market and policy."""
        csv_text = self._native.compare_csv(
            policies, _weights(weights), list(markets) if markets else None
        )
        return _frame(csv_text)

    def explain(
        self,
        need: str,
        offer: str,
        market: Optional[str] = None,
        weights: Optional[Mapping[str, Any]] = None,
        lang: str = "zh",
    ) -> Dict[str, Any]:
        """Why need ``need`` and offer ``offer`` score what they do: the total, each
        component with its reason, and the table and sentence ``duijie explain`` prints."""
        d = dict(self._native.explain(need, offer, market, _weights(weights), lang))
        raw = d.pop("components_json")
        d["components"] = json.loads(raw) if raw is not None else None
        return d


def _column(s: Any) -> List[Any]:
    """A DataFrame column's values as Python's, a missing value (NaN, None, NA) as None: an
    optional field left empty (``offer_score`` then defaults to the need side's), a required
    one named as missing in its row."""
    values = s.tolist()
    missing = s.isna()
    if missing.any():
        return [None if m else v for v, m in zip(values, missing.tolist())]
    return values


def _table(x: Any) -> Any:
    """A table as JSON takes it, as columns (``{"id": [...], "demand": [...]}``: half the time
    of rows to write and to read at a million pairs): a DataFrame's columns (numpy values made
    Python's by ``tolist``), or a list of dicts turned into columns (a key a dict lacks is
    None there, which the reader takes as missing, as it takes an absent key). Anything else
    goes as it is, and the reader names what is wrong with it."""
    if x is None:
        return []
    if hasattr(x, "to_dict") and hasattr(x, "columns"):
        return {str(c): _column(x[c]) for c in x.columns}
    cols = _dict_rows_as_columns(x)
    return x if cols is None else cols


def _dict_rows_as_columns(x: Any) -> Optional[Dict[str, List[Any]]]:
    """A non-empty list of dicts with text keys as columns (keys in order; a key a dict lacks
    is None there), else None."""
    if isinstance(x, list) and x and all(type(r) is dict for r in x):
        keys = set().union(*x)
        if all(type(k) is str for k in keys):
            return {k: [r.get(k) for r in x] for k in sorted(keys)}
    return None


def _plain(v: Any) -> Any:
    """A numpy scalar inside a list of dicts as Python's (for ``json.dumps``)."""
    if hasattr(v, "item"):
        return v.item()
    raise TypeError(f"{type(v).__name__} is not a number or text")


def _tables_json(**tables: Any) -> str:
    return json.dumps(
        {k: _table(v) for k, v in tables.items()}, ensure_ascii=False, default=_plain
    )


def _market_json(needs: Any, offers: Any, pairs: Any) -> str:
    return _tables_json(needs=needs, offers=offers, pairs=pairs)


def _plain_columns(x: Any, required: Sequence[str], optional: Sequence[str] = ()) -> Optional[Dict[str, Any]]:
    """A table's columns when it is a DataFrame or a list of dicts with exactly the
    ``required`` columns (and any of ``optional``), else None."""
    if hasattr(x, "to_dict") and hasattr(x, "columns"):
        cols = {str(c): x[c] for c in x.columns}
        if len(cols) != len(x.columns):  # two labels that read alike (1 and "1")
            return None
    else:
        cols = _dict_rows_as_columns(x)
        if cols is None:
            return None
    names = set(cols)
    if not set(required) <= names <= set(required) | set(optional):
        return None
    return cols


def _market_arrays(needs: Any, offers: Any, pairs: Any) -> Any:
    """The market as arrays (``_duijie.market_from_arrays``), without writing and parsing a
    JSON text, when every table is plain: ids as text, quantities as integers, scores as
    numbers, every pair naming a listed need and offer. None otherwise: the JSON reader then
    takes the tables, and names what is wrong (and without pandas, which finds each pair's
    positions)."""
    try:
        import pandas as pd
    except ImportError:
        return None

    n = _plain_columns(needs, ("id", "demand"))
    o = _plain_columns(offers, ("id", "capacity"))
    p = _plain_columns(pairs, ("need", "offer", "need_score"), ("offer_score",))
    if n is None or o is None or p is None:
        return None

    def text(col: Any) -> bool:
        return pd.api.types.infer_dtype(col, skipna=False) == "string"

    def numbers(col: Any, kinds: str) -> Any:
        a = np.asarray(col)
        if a.dtype.kind in kinds:
            return a
        if "f" in kinds and a.dtype.kind == "O" and all(v is None or type(v) in (int, float) for v in a):
            # Numbers with gaps (a list of dicts where some lack the key): NaN there.
            return np.array([np.nan if v is None else v for v in a], dtype=np.float64)
        return None

    if not all(text(c) for c in (n["id"], o["id"], p["need"], p["offer"])):
        return None
    demand, capacity = numbers(n["demand"], "iu"), numbers(o["capacity"], "iu")
    need_score = numbers(p["need_score"], "iuf")
    offer_score = numbers(p["offer_score"], "iuf") if "offer_score" in p else None
    if demand is None or capacity is None or need_score is None:
        return None
    if "offer_score" in p and offer_score is None:
        return None
    need_index, offer_index = pd.Index(n["id"]), pd.Index(o["id"])
    if not (need_index.is_unique and offer_index.is_unique):
        return None
    as_i64 = lambda a: np.ascontiguousarray(a, dtype=np.int64)  # noqa: E731
    as_f64 = lambda a: np.ascontiguousarray(a, dtype=np.float64)  # noqa: E731
    return _duijie.market_from_arrays(
        list(n["id"]),
        as_i64(demand),
        list(o["id"]),
        as_i64(capacity),
        as_i64(need_index.get_indexer(p["need"])),
        as_i64(offer_index.get_indexer(p["offer"])),
        as_f64(need_score),
        None if offer_score is None else as_f64(offer_score),
    )


def _market(needs: Any, offers: Any, pairs: Any) -> Any:
    """The market for the engine: its arrays when the tables are plain, else its JSON text."""
    arrays = _market_arrays(needs, offers, pairs)
    return arrays if arrays is not None else _market_json(needs, offers, pairs)


def compare_market(needs: Any, offers: Any, pairs: Any, policies: str = "all") -> Any:
    """Policies compared on a market instance of your own: ``needs`` (``id``, ``demand``),
    ``offers`` (``id``, ``capacity``) and ``pairs`` (``need``, ``offer``, ``need_score``,
    optional ``offer_score``; scores in [0, 1]), as DataFrames or lists of dicts. The metrics
    table of ``duijie compare --instance`` as a DataFrame."""
    return _frame(_duijie.market_compare_csv(_market(needs, offers, pairs), policies))


def allocate_market(needs: Any, offers: Any, pairs: Any, policy: str = "welfare") -> Tuple[Any, Dict[str, Any]]:
    """One policy (parameters as on the command line, e.g. ``"two-sided:alpha=0.3"``) on a
    market instance of your own (as in ``compare_market``): the allocation's pairs as a
    DataFrame (``need, offer, units, need_score, offer_score``) and its metrics."""
    columns, metrics = _duijie.market_allocate(_market(needs, offers, pairs), policy)
    return _allocation_frame(columns), json.loads(metrics)


class LiveMarket:
    """The welfare allocation of a market instance of your own, kept live between rounds: each
    round's changes (needs that arrive with their pairs, offers that open or are withdrawn,
    new scores of existing pairs) are applied to the market and to the optimal basis of the
    last solve, and ``allocate`` re-solves from there. Every answer is the optimum
    ``allocate_market(..., "welfare")`` gives on the market as it now stands, with its
    certificate checked; only the work differs.

    ``needs``, ``offers`` and ``pairs`` are as in ``compare_market``.
    """

    def __init__(self, needs: Any, offers: Any, pairs: Any) -> None:
        self._native = _duijie.LiveMarket(_market(needs, offers, pairs))

    def change(
        self,
        needs: Any = None,
        pairs: Any = None,
        offers: Any = None,
        withdraw: Optional[Sequence[str]] = None,
    ) -> None:
        """Applies one round's changes: new ``offers`` (``id``, ``capacity``), new ``needs``
        (``id``, ``demand``) with their ``pairs`` (``need``, ``offer``, ``need_score``, optional
        ``offer_score``; a pair of an existing need and offer gives it new scores), and the ids
        of offers to ``withdraw``. Nothing is applied when any entry is wrong
        (``InvalidInputError`` names it)."""
        self._native.change(
            _tables_json(
                needs=needs,
                pairs=pairs,
                offers=offers,
                withdraw=[str(w) for w in (withdraw or [])],
            )
        )

    def allocate(self) -> Tuple[Any, Dict[str, Any]]:
        """The welfare allocation of the market as it now stands: its pairs as a DataFrame
        (as ``allocate_market``) and its metrics."""
        columns, metrics = self._native.allocate()
        return _allocation_frame(columns), json.loads(metrics)

    @property
    def pivots(self) -> int:
        """Simplex pivots the last ``allocate`` took (0 when nothing changed)."""
        return int(self._native.pivots)

    def counts(self) -> Tuple[int, int]:
        """Needs and offers in the market now."""
        return self._native.counts()
