"""Checking the ranking against what schools really did: the temporal backtest (docs/validation.md).

An academy converter's GIAS `OpenDate` is the day it joined its trust.  For a
window of join dates [from, to) the register is rebuilt as it stood before the
window (every converter now in a multi-academy trust that opened on or after
`from` is taken out of its trust), and each converter that joined in the window
has every candidate trust ranked for it on that register: a good ranking puts
the trust it actually joined near the top.

`Backtest.build` does the slow part once (rebuilt register, a `FitEngine` on
it, the four criterion scores of every trust for every joiner, the baselines'
distances); after that `ranks(weights, filters)` or `ranks_for_totals(totals)`
re-rank all joiners in milliseconds, so a weighting or a fitted model can be
judged many times.  `features()` gives per-joiner, per-trust facts for fitting
(for example a conditional logit over each joiner's candidate trusts).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from trustmatch.data.dataset import Dataset
from trustmatch.data.trusts import group_reduce, group_starts
from trustmatch.fit import criteria
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import CONVERTER_TYPES, Filters, FitEngine, check_weights
from trustmatch.progress import Task

# The development window (fit, tune and report here) and the split inside it
# (fit on the first year, test on the second).  Joins from RESERVED_FROM on are
# kept for an independent check of the finished ranking: never tune on them.
DEV_WINDOW = (date(2022, 7, 18), date(2024, 7, 18))
DEV_SPLIT = ((date(2022, 7, 18), date(2023, 7, 18)), (date(2023, 7, 18), date(2024, 7, 18)))
RESERVED_FROM = date(2024, 7, 18)


HIT_AT = (1, 3, 5, 10)
MISS_BELOW = 10  # a joiner whose trust ranked below this place (or not at all) is listed as a miss
RECENT_DAYS = 365  # "recent joins": members that opened in the year before the window

TRUSTMATCH = "TrustMatch"
NEAREST = "nearest member school"
NEAREST_FAITH = "nearest, faith-penalised"
BASELINES = (NEAREST, NEAREST_FAITH)
FAITH_PENALTY = 2.0  # baseline (b): distance x (1 + 2 x share of the trust's schools of another character)

CANNOT_UNDO = (
    "The rebuilt register is today's register with later joiners taken out of their trusts; it cannot undo "
    "schools opened or closed since (closed schools are missing, new schools are present), trusts renamed, "
    "merged or closed since, changes of religious character, or the academies other than converters "
    "(sponsored academies, free schools) that joined or opened in a trust since, which stay in it."
)


class BacktestProblem(Exception):
    """A window or setting the backtest cannot use, in one sentence."""


# --- the window ----------------------------------------------------------------


def parse_day(text: str | date, what: str) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise BacktestProblem(
            f"The {what} date '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2022-07-18."
        ) from None


def check_window(joined_from: str | date, joined_to: str | date, data_date: str = "") -> tuple[date, date]:
    """The window as dates, or one sentence saying why it cannot be used."""
    start, end = parse_day(joined_from, "--joined-from"), parse_day(joined_to, "--joined-to")
    if end <= start:
        raise BacktestProblem(f"The window must end after it starts ({start} to {end}).")
    if data_date:
        extract = date.fromisoformat(data_date)
        if start > extract:
            raise BacktestProblem(f"The window starts after the data date ({extract}); no school can have joined then.")
    return start, end


def reaches_reserved(joined_to: date) -> bool:
    """Whether the window [from, to) includes joins of the reserved independent-check period."""
    return joined_to > RESERVED_FROM


def is_converter_in_mat(cols: dict[str, list], row: int) -> bool:
    return cols["type"][row] in CONVERTER_TYPES and cols["trust_type"][row] == "MAT" and bool(cols["open_date"][row])


def rebuild_register(dataset: Dataset, joined_from: date) -> tuple[Dataset, list[int]]:
    """The register as it stood before `joined_from`, and the rows taken out of their trusts.

    Every academy converter now in a multi-academy trust that opened on or after
    `joined_from` is treated as not in a trust (a maintained school, as it was).
    The rebuilt dataset's meta["rebuilt_before"] is the date it stands at (ISO),
    for anything that counts time back from "now" (the engine's recent joins).
    """
    cols = dataset.columns
    start = joined_from.isoformat()
    removed = [r for r in range(len(dataset)) if is_converter_in_mat(cols, r) and cols["open_date"][r] >= start]
    columns = dict(cols)
    for name, value in (("trust_code", ""), ("trust_name", ""), ("trust_type", ""), ("governance", "maintained")):
        column = list(cols[name])
        for r in removed:
            column[r] = value
        columns[name] = column
    meta = dict(dataset.meta, rebuilt_before=start, taken_out_of_trusts=len(removed))
    return Dataset(columns, meta), removed


# --- figures -------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """How well one ranking found the trusts joiners chose.  Ranks are 1-based; 0 = not found."""

    n: int
    findable: int  # joiners whose trust had a member before the window
    hits: dict[int, float]  # k -> share of all joiners whose trust was in the top k
    median_rank: float | None  # None when more than half were not found
    mrr: float

    @property
    def ceiling(self) -> float:
        return self.findable / self.n if self.n else 0.0

    @classmethod
    def of(cls, ranks: np.ndarray, findable: np.ndarray) -> Figures:
        ranks = np.asarray(ranks)
        n = len(ranks)
        if n == 0:
            return cls(0, 0, {k: 0.0 for k in HIT_AT}, None, 0.0)
        found = ranks > 0
        hits = {k: float((found & (ranks <= k)).sum() / n) for k in HIT_AT}
        median = float(np.median(np.where(found, ranks, np.inf)))
        mrr = float(np.where(found, 1.0 / np.maximum(ranks, 1), 0.0).mean())
        return cls(n, int(np.sum(findable)), hits, median if math.isfinite(median) else None, mrr)

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "ceiling": round(self.ceiling, 3),
            **{f"hit@{k}": round(v, 3) for k, v in self.hits.items()},
            "median_rank": self.median_rank,
            "mrr": round(self.mrr, 3),
        }


def ranks_in(totals: np.ndarray, allowed: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Each joiner's rank (1 = best, 0 = not listed) of its chosen trust, higher total first.

    Ties go to the trust earlier in code order, exactly as `Evaluation.rank`
    orders them, so the figures match what the app shows.
    """
    rows = np.arange(len(chosen))
    listed = chosen >= 0
    column = np.where(listed, chosen, 0)
    own = totals[rows, column][:, None]
    earlier = np.arange(totals.shape[1])[None, :] < column[:, None]
    ahead = allowed & ((totals > own) | ((totals == own) & earlier))
    ok = listed & allowed[rows, column]
    return np.where(ok, ahead.sum(axis=1) + 1, 0)


# --- the backtest --------------------------------------------------------------


@dataclass(frozen=True)
class Joiner:
    row: int  # row in the dataset (the same row in the rebuilt register)
    urn: int
    name: str
    joined_on: str
    trust_code: str
    trust_name: str
    phase: str  # phase group
    religious_character: str
    urban_rural: str  # "Urban" or "Rural" (GIAS urban/rural classification)
    region: str
    la_name: str


def urban_or_rural(value: str) -> str:
    if "rural" in value.lower():
        return "Rural"
    return "Urban" if "urban" in value.lower() else "unknown"


BREAKDOWNS = {
    "phase": lambda j: j.phase,
    "religious character": lambda j: j.religious_character,
    "urban/rural": lambda j: j.urban_rural,
    "region": lambda j: j.region,
}

DEFAULT_FILTERS = Filters()
NO_FILTERS = Filters(max_km=None, compatible_only=False)


@dataclass
class Features:
    """Per joiner and candidate trust, facts for fitting a choice model.

    `values[j, t, f]` is feature `names[f]` of trust `codes[t]` for joiner j;
    `chosen[j]` the column of the trust it joined (-1 when that trust had no
    member before the window).  Every trust column is a real candidate (it had
    at least one member before the window).
    """

    names: list[str]
    codes: list[str]
    values: np.ndarray  # joiners x trusts x features, float32
    chosen: np.ndarray

    def column(self, name: str) -> np.ndarray:
        return self.values[:, :, self.names.index(name)]


class Backtest:
    """One window's joiners on the register rebuilt as it stood before the window, ready to rank many times."""

    def __init__(
        self,
        dataset: Dataset,
        rebuilt: Dataset,
        engine,
        window: tuple[date, date],
        joiners: list[Joiner],
        removed: list[int],
    ):
        self.dataset = dataset
        self.rebuilt = rebuilt
        self.engine = engine
        self.window = window
        self.joiners = joiners
        self.removed = removed  # rows taken out of their trusts (joiners in and after the window)
        mats = rebuilt.trusts.of_type("MAT")  # code order, as the engine ranks them
        self.codes = [t.code for t in mats]
        self.names = [t.name for t in mats]
        column = {code: k for k, code in enumerate(self.codes)}
        self.chosen = np.array([column.get(j.trust_code, -1) for j in joiners], dtype=np.int64)
        self.findable = self.chosen >= 0
        self.scores = np.zeros((len(joiners), len(mats), len(CRITERIA)))
        self.masks: dict[Filters, np.ndarray] = {}
        self.nearest_km = np.zeros((len(joiners), len(mats)))
        self.other_character_share = np.zeros((len(joiners), len(mats)))
        self._members = _Members(rebuilt, mats)
        self._engine_columns = np.array([engine.position[code] for code in self.codes], dtype=np.int64)

    @classmethod
    def build(
        cls,
        dataset: Dataset,
        joined_from: str | date = DEV_WINDOW[0],
        joined_to: str | date = DEV_WINDOW[1],
        filters: tuple[Filters, ...] = (DEFAULT_FILTERS, NO_FILTERS),
        engine_factory: Callable[[Dataset], object] = FitEngine,
        allow_reserved: bool = False,
        task: Task | None = None,
    ) -> Backtest:
        """Rebuild the register, build an engine on it and score every candidate trust for every joiner.

        `filters` are the filter settings whose masks are kept (others are
        computed on first use).  Windows reaching into the reserved period are
        refused unless `allow_reserved` (the command line allows them, with a
        warning): they are not for tuning.
        """
        task = task or Task()
        start, end = check_window(joined_from, joined_to, dataset.data_date)
        if reaches_reserved(end) and not allow_reserved:
            raise BacktestProblem(
                f"Joins from {RESERVED_FROM} on are reserved for an independent check; pass allow_reserved=True "
                "only to report them, never to tune."
            )
        task.step(0.0, "Rebuilding the register")
        rebuilt, removed = rebuild_register(dataset, start)
        cols = dataset.columns
        joiner_rows = [r for r in removed if cols["open_date"][r] < end.isoformat()]
        joiners = [
            Joiner(
                row=r,
                urn=int(cols["urn"][r]),
                name=cols["name"][r],
                joined_on=cols["open_date"][r],
                trust_code=cols["trust_code"][r],
                trust_name=cols["trust_name"][r],
                phase=cols["phase_group"][r],
                religious_character=cols["religious_character"][r],
                urban_rural=urban_or_rural(cols["urban_rural"][r]),
                region=cols["region"][r],
                la_name=cols["la_name"][r],
            )
            for r in sorted(joiner_rows, key=lambda r: (cols["open_date"][r], cols["urn"][r]))
        ]
        task.step(0.05, "Building the fit engine on the rebuilt register")
        engine = engine_factory(rebuilt)
        backtest = cls(dataset, rebuilt, engine, (start, end), joiners, removed)
        backtest._score_all(tuple(dict.fromkeys(filters)), task)
        task.step(1.0, "Scored")
        return backtest

    def _score_all(self, filters: tuple[Filters, ...], task: Task) -> None:
        take = self._engine_columns
        masks = {f: np.zeros(self.scores.shape[:2], dtype=bool) for f in filters}
        for j, joiner in enumerate(self.joiners):
            if j % 50 == 0:
                task.step(
                    0.1 + 0.9 * j / max(len(self.joiners), 1),
                    f"Scoring trusts for joiner {j + 1:,} of {len(self.joiners):,}",
                )
            evaluation = self.engine.evaluate(joiner.row)
            self.scores[j] = evaluation.scores[take]
            for f, mask in masks.items():
                mask[j] = evaluation.mask(f)[take]
            self.nearest_km[j], self.other_character_share[j] = self._members.distance_and_character(joiner.row)
        self.masks.update(masks)

    # --- ranking -------------------------------------------------------------

    @property
    def reserved(self) -> bool:
        return reaches_reserved(self.window[1])

    def mask(self, filters: Filters) -> np.ndarray:
        """Which trusts each joiner would see listed under these filters (joiners x trusts)."""
        if filters not in self.masks:
            take = self._engine_columns
            self.masks[filters] = np.array(
                [self.engine.evaluate(j.row).mask(filters)[take] for j in self.joiners]
            ).reshape(self.scores.shape[:2])
        return self.masks[filters]

    def totals(self, weights: dict[str, float]) -> np.ndarray:
        """TrustMatch's total for every joiner and trust (joiners x trusts), as the engine computes it."""
        w = np.array([check_weights(weights)[n] for n in CRITERIA])
        # One call over every joiner's rows at once: total is computed row by row, as for one school.
        joiners, trusts, _ = self.scores.shape
        return criteria.total(self.scores.reshape(joiners * trusts, len(CRITERIA)), w).reshape(joiners, trusts)

    def ranks(self, weights: dict[str, float], filters: Filters = DEFAULT_FILTERS) -> np.ndarray:
        """The rank of each joiner's trust (1 = best, 0 = not listed) under these settings."""
        return ranks_in(self.totals(weights), self.mask(filters), self.chosen)

    def ranks_for_totals(self, totals: np.ndarray, filters: Filters | None = None) -> np.ndarray:
        """Ranks for any scoring: `totals` is joiners x trusts (higher is better), e.g. a fitted model's utility.

        With `filters` None every trust with a member before the window is listed.
        """
        allowed = np.ones(self.scores.shape[:2], dtype=bool) if filters is None else self.mask(filters)
        return ranks_in(np.asarray(totals, dtype=float), allowed, self.chosen)

    def baseline_ranks(self, name: str) -> np.ndarray:
        """The naive baselines, over every trust with a member before the window (no filters)."""
        if name == NEAREST:
            return self.ranks_for_totals(-self.nearest_km)
        if name == NEAREST_FAITH:
            return self.ranks_for_totals(-self.nearest_km * (1.0 + FAITH_PENALTY * self.other_character_share))
        raise ValueError(f"unknown baseline {name!r}")

    def figures(self, ranks: np.ndarray) -> Figures:
        return Figures.of(ranks, self.findable)

    def evaluate(self, weights: dict[str, float], filters: Filters = DEFAULT_FILTERS) -> Figures:
        """The headline figures for one setting: cheap enough to call for every candidate weighting."""
        return self.figures(self.ranks(weights, filters))

    def report(self, weights: dict[str, float], filters: Filters = DEFAULT_FILTERS) -> Report:
        ranks = {TRUSTMATCH: self.ranks(weights, filters), **{b: self.baseline_ranks(b) for b in BASELINES}}
        overall = {name: self.figures(r) for name, r in ranks.items()}
        return Report(self, check_weights(weights), filters, overall, self.breakdowns(ranks), ranks)

    def breakdowns(self, ranks: dict[str, np.ndarray]) -> dict[str, dict[str, dict[str, Figures]]]:
        """Figures of each named ranking by phase, religious character, urban/rural and region (largest group first)."""
        out = {}
        for dimension, key in BREAKDOWNS.items():
            groups: dict[str, list[int]] = {}
            for j, joiner in enumerate(self.joiners):
                groups.setdefault(key(joiner) or "unknown", []).append(j)
            ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            out[dimension] = {
                group: {name: Figures.of(r[idx], self.findable[idx]) for name, r in ranks.items()}
                for group, idx in ordered
            }
        return out

    # --- facts for fitting -----------------------------------------------------

    def features(self) -> Features:
        """Per joiner and trust: distance, presence nearby, faith, diocese, phase, local authority, size, growth.

        Also the engine's four criterion scores (`tm_<criterion>`), so a fit can
        start from them.  Built on demand (a second or two for the development window).
        """
        members = self._members
        recent_from = (self.window[0] - timedelta(days=RECENT_DAYS)).isoformat()
        own_names = members.feature_names
        names = own_names + ["recent_joins", "log_schools"] + [f"tm_{c}" for c in CRITERIA]
        values = np.zeros((len(self.joiners), len(self.codes), len(names)), dtype=np.float32)
        recent = group_reduce(np.add, (members.open_date >= recent_from).astype(float), members.starts)
        log_schools = np.log(members.sizes)
        for j, joiner in enumerate(self.joiners):
            values[j, :, : len(own_names)] = members.facts(joiner.row).T
        values[:, :, len(own_names)] = recent[None, :]
        values[:, :, len(own_names) + 1] = log_schools[None, :]
        values[:, :, len(own_names) + 2 :] = self.scores
        return Features(names, list(self.codes), values, self.chosen.copy())


class _Members:
    """The rebuilt register's MAT member schools laid end to end, for the baselines and the features."""

    feature_names = [
        "log_km",
        "within_5km",
        "within_10km",
        "within_25km",
        "other_character_share",
        "same_faith_share",
        "same_diocese_share",
        "same_phase_share",
        "same_la_share",
        "same_la_count",
    ]

    def __init__(self, rebuilt: Dataset, mats):
        cols = rebuilt.columns
        self.dataset = rebuilt
        self.rows = np.fromiter((m for t in mats for m in t.members), dtype=np.int64)
        self.sizes = np.array([t.school_count for t in mats], dtype=np.float64)
        self.starts = group_starts([t.school_count for t in mats])
        self.xy = rebuilt.xy[self.rows]
        self.codes = {
            name: _codes(cols[name]) for name in ("religious_character", "faith", "diocese", "phase_group", "la_code")
        }
        self.member = {name: codes[self.rows] for name, codes in self.codes.items()}
        self.open_date = np.array([cols["open_date"][r] for r in self.rows])

    def _same(self, name: str, row: int) -> np.ndarray:
        return self.member[name] == self.codes[name][row]

    def _share(self, flags: np.ndarray) -> np.ndarray:
        return group_reduce(np.add, flags.astype(np.float64), self.starts) / self.sizes

    def km(self, row: int) -> np.ndarray:
        return np.hypot(*(self.xy - self.dataset.xy[row]).T) / 1000.0

    def distance_and_character(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Per trust: km to its nearest school, and the share of its schools whose religious character differs."""
        return group_reduce(np.minimum, self.km(row), self.starts), self._share(~self._same("religious_character", row))

    def facts(self, row: int) -> np.ndarray:
        """`feature_names` x trusts for one school."""
        km = self.km(row)
        count = lambda flags: group_reduce(np.add, flags.astype(np.float64), self.starts)  # noqa: E731
        same_faith = self._same("faith", row)
        has_diocese = bool(self.dataset.columns["diocese"][row])
        same_la = self._same("la_code", row)
        return np.array(
            [
                np.log1p(group_reduce(np.minimum, km, self.starts)),
                count(km <= 5),
                count(km <= 10),
                count(km <= 25),
                self._share(~self._same("religious_character", row)),
                self._share(same_faith),
                self._share(same_faith & self._same("diocese", row)) if has_diocese else np.zeros(len(self.sizes)),
                self._share(self._same("phase_group", row)),
                self._share(same_la),
                count(same_la),
            ]
        )


def _codes(values: list[str]) -> np.ndarray:
    """Each value as a small integer (comparing ints is much faster than strings)."""
    _, inverse = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    return inverse.astype(np.int64)


# --- the report ----------------------------------------------------------------


@dataclass
class Miss:
    """A joiner whose trust was not in the top ten, with what came first and the chosen trust's scores."""

    joiner: Joiner
    rank: int | None
    why: str
    chosen: object | None  # Candidate for the chosen trust, None when it had no member before the window
    top: list = field(default_factory=list)  # the top three Candidates
    baseline_ranks: dict[str, int | None] = field(default_factory=dict)


@dataclass
class Report:
    backtest: Backtest
    weights: dict[str, float]
    filters: Filters
    overall: dict[str, Figures]
    breakdowns: dict[str, dict[str, dict[str, Figures]]]
    ranks: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return len(self.backtest.joiners)

    def misses(self) -> list[Miss]:
        """Every joiner whose trust TrustMatch ranked below ten or not at all, explained from the engine's own rows."""
        bt = self.backtest
        out = []
        for j, joiner in enumerate(bt.joiners):
            rank = int(self.ranks[TRUSTMATCH][j])
            if 0 < rank <= MISS_BELOW:
                continue
            ranking = bt.engine.evaluate(joiner.row).rank(self.weights, self.filters)
            top = ranking.rows(3)
            baselines = {b: (int(self.ranks[b][j]) or None) for b in BASELINES}
            if not bt.findable[j]:
                out.append(Miss(joiner, None, "its trust had no school before the window", None, top, baselines))
                continue
            chosen = ranking.candidate_for(joiner.trust_code)
            if rank == 0:
                why = _filtered_out_because(chosen, self.filters)
            else:
                why = f"ranked {rank}"
            out.append(Miss(joiner, rank or None, why, chosen, top, baselines))
        return out

    def to_json(self) -> dict:
        bt = self.backtest
        return {
            "window": {"joined_from": bt.window[0].isoformat(), "joined_to": bt.window[1].isoformat()},
            "reserved": bt.reserved,
            "data_date": bt.dataset.data_date,
            "joiners": self.n,
            "taken_out_of_trusts": len(bt.removed),
            "ceiling": round(float(bt.findable.mean()) if self.n else 0.0, 3),
            "weights": self.weights,
            "filters": filters_json(self.filters),
            "rankings": {name: figures.to_json() for name, figures in self.overall.items()},
            "breakdowns": {
                dimension: {group: {name: f.to_json() for name, f in by.items()} for group, by in groups.items()}
                for dimension, groups in self.breakdowns.items()
            },
            "cannot_undo": CANNOT_UNDO,
        }


def _filtered_out_because(candidate, filters: Filters) -> str:
    if filters.max_km is not None and candidate.nearest_km > filters.max_km:
        return (
            f"left out by the filters: nearest school {candidate.nearest_km:.0f} km away (limit {filters.max_km:g} km)"
        )
    if filters.compatible_only and not candidate.compatible:
        return "left out by the filters: not a usual fit for the school's religious character"
    return "left out by the filters"


def filters_json(filters: Filters) -> dict:
    return {
        "max_km": filters.max_km,
        "compatible_only": filters.compatible_only,
        "min_schools": filters.min_schools,
        "max_schools": filters.max_schools,
        "region": filters.region,
    }
