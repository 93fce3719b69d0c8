"""Type stubs of the native module behind ``duijie`` (built from crates/duijie-py/src).

The package's own functions (``duijie.linear_sum_assignment`` and the rest) are typed inline in
``__init__.py``; these are the native calls they make.
"""

from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

class DuijieError(ValueError):
    """Every error duijie raises (a ValueError)."""

class InvalidInputError(DuijieError):
    """The input cannot be used: a NaN, a wrong dtype or shape, ragged lists, an unknown id."""

class InfeasibleError(DuijieError):
    """No solution exists; ``witness`` proves it (assignment: rows violating Hall's condition;
    flow: the nodes of a cut)."""

    witness: List[int]

class UnbalancedError(DuijieError):
    """Supplies and demands do not balance."""

    supply: int
    demand: int

class NumericRangeError(DuijieError):
    """A value is too large for exact arithmetic at this size."""

    max_weight: int
    limit: int

class LedgerError(DuijieError):
    """A ledger cannot be used: it has errors, or a file cannot be read."""

class NoSuperStableError(DuijieError):
    """The lists have ties and no super-stable matching exists."""

def version() -> str:
    """The version of the crates this module was built from."""

def solve_dense(
    cost: npt.NDArray[Any], maximize: bool = False, decimals: Optional[int] = None, check: bool = True
) -> Dict[str, Any]:
    """Dense assignment of a 2-D float64, int64 or int32 array: ``row_ind``, ``col_ind``,
    ``objective_fixed``, ``row_potential``, ``col_potential``, ``decimals``, ``error_bound``,
    ``status``, ``algorithm``, ``certificate_checked``."""

def solve_sparse(
    shape: Tuple[int, int],
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    data: npt.NDArray[Any],
    maximize: bool = False,
    decimals: Optional[int] = None,
    check: bool = True,
) -> Dict[str, Any]:
    """Sparse assignment of a CSR matrix (float64 or int64 values); the keys of ``solve_dense``."""

def min_cost_flow(
    tails: npt.NDArray[np.int64],
    heads: npt.NDArray[np.int64],
    lower: npt.NDArray[np.int64],
    upper: npt.NDArray[np.int64],
    cost: npt.NDArray[np.int64],
    supply: npt.NDArray[np.int64],
) -> Dict[str, Any]:
    """Minimum-cost flow: ``flow``, ``potential``, ``cost``, ``status``, ``algorithm``,
    ``certificate_checked``."""

def solve_game(game_json: str, optimal: str, ties: str = "strict", seed: int = 0) -> Dict[str, Any]:
    """A ranked-list game (the JSON of ``matching``'s dictionaries): ``pairs``,
    ``blocking_pairs``, ``applicants``, ``reviewers``, ``stability``, ``optimal``, ``roles``,
    ``game``, ``one_sided_entries_dropped``."""

class MarketArrays:
    """A market instance read from arrays, handed once to ``market_allocate``,
    ``market_compare_csv`` or ``LiveMarket`` in place of its JSON text."""

def market_from_arrays(
    need_ids: List[str],
    demand: npt.NDArray[np.int64],
    offer_ids: List[str],
    capacity: npt.NDArray[np.int64],
    pair_need: npt.NDArray[np.int64],
    pair_offer: npt.NDArray[np.int64],
    need_score: npt.NDArray[np.float64],
    offer_score: Optional[npt.NDArray[np.float64]] = None,
) -> Optional[MarketArrays]:
    """A market instance from its tables' arrays (pairs by position in the ids; an offer
    score NaN where none is given), or None when they are not well formed (send the JSON then:
    its reader names the entry at fault)."""

def market_compare_csv(instance_json: Union[str, MarketArrays], policies: str = "all") -> str:
    """Policies compared on a market instance: the CSV of ``duijie compare --instance --out``."""

def market_allocate(
    instance_json: Union[str, MarketArrays], policy: str
) -> Tuple[Tuple[List[str], List[str], List[int], List[float], List[float]], str]:
    """One policy on a market instance: the columns of ``allocation.csv`` (need, offer,
    units, need_score, offer_score) and the metrics as JSON."""

class LiveMarket:
    """A market instance's welfare allocation kept live between rounds."""

    def __init__(self, instance_json: Union[str, MarketArrays]) -> None: ...
    def change(self, changes_json: str) -> None:
        """One round's changes: ``offers``, ``needs``, ``pairs``, ``withdraw``."""
    def allocate(self) -> Tuple[Tuple[List[str], List[str], List[int], List[float], List[float]], str]:
        """The columns of ``allocation.csv`` and the metrics as JSON, re-solved from the
        last basis."""
    @property
    def pivots(self) -> int:
        """Pivots the last allocation took."""
    def counts(self) -> Tuple[int, int]:
        """Needs and offers in the market now."""

class Ledger:
    """A ledger as read and validated, with every problem found."""

    @staticmethod
    def from_paths(paths: List[str]) -> "Ledger":
        """Reads ledger files or folders (CSV, JSON, XLSX, or a duijie SQLite database)."""
    @staticmethod
    def from_sources(sources: List[Tuple[str, bytes]]) -> "Ledger":
        """Reads named files' bytes, as if from a folder."""
    @staticmethod
    def sample() -> "Ledger":
        """The bundled sample ledger."""
    @staticmethod
    def generated(scale: str, seed: int) -> "Ledger":
        """A generated ledger: sample, province or nation scale."""
    def problems_json(self) -> str:
        """Every problem found, as JSON."""
    def files_json(self) -> str:
        """What each file held, as JSON."""
    def has_errors(self) -> bool:
        """Whether any problem is an error."""
    def counts(self) -> Dict[str, int]:
        """The number of records of each table."""
    def years(self) -> List[int]:
        """The years its needs and offers are for, in order."""
    def of_year(self, year: int) -> "Ledger":
        """Every party and one year's needs and offers."""
    def match_tables(
        self,
        policy: str = "welfare",
        weights: Optional[str] = None,
        agreements: Optional[List[Tuple[str, str, int, str]]] = None,
    ) -> Tuple[str, str, str]:
        """``matches.csv``, ``unmet.csv`` and the summary JSON of ``duijie match``."""
    def compare_csv(
        self, policies: str = "all", weights: Optional[str] = None, markets: Optional[List[str]] = None
    ) -> str:
        """The CSV of ``duijie compare --out``."""
    def explain(
        self,
        need: str,
        offer: str,
        market: Optional[str] = None,
        weights: Optional[str] = None,
        lang: str = "zh",
    ) -> Dict[str, Any]:
        """Why a need–offer pair scores what it does."""
