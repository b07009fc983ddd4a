"""The four fit criteria: fitted formulas over a trust's facts, each giving a score from 0 to 100.

Each criterion adds up a few *signals* (facts about the trust as the school
sees it, such as log(1 + km to its nearest school)) times fitted coefficients:
its utility `u`.  The coefficients come from a conditional logit fitted to the
schools that really joined trusts (resources/fit/scoring.json, re-made by
`python tools/fit_scoring.py`; docs/scoring.md explains every signal).  The
score is how far the utility falls short of the best trust's for this school
on that criterion, on a readable scale:

    score = 100 x exp((u - u_best) / SCALE)

so the best trust in England on a criterion scores 100, and every SCALE units
of shortfall in the fitted log-odds divide the score by e.  The total is the weighted geometric
mean of the four scores: with the fitted default weights (all equal) a trust's
total orders exactly as the fitted model's odds of being chosen, and one very
low score (no school anywhere near, a trust of another faith, no experience of
a special school's phase) pulls the total down however good the others are.
That is how geography gates the total.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from trustmatch.data import paths

CRITERIA = ("ethos", "geography", "phase", "capacity")

# DfE 2022 White Paper: trusts should work towards at least 10 schools or 7,500 pupils.
BENCHMARK_SCHOOLS = 10
BENCHMARK_PUPILS = 7_500
# DfE 2016 guidance: trusts under 2,000 pupils face closer financial scrutiny.
SCRUTINY_PUPILS = 2_000

# Counts enter as log(1 + min(count, COUNT_CAP)): beyond ten, one more school changes little.
COUNT_CAP = 10
REACH_KM = 10.0  # "within reach" for the counts, the same 10 km as the hub radius
# A trust named as a diocesan trust is a school's diocesan trust when at least this share of its schools share
# the school's character and diocese (the Durham and Newcastle trust has 4 of its 21 in Newcastle; the Ely
# trust 1 of 39 in St Edmundsbury and Ipswich).
DIOCESAN_HOME_SHARE = 0.15


@dataclass(frozen=True)
class Signal:
    criterion: str
    low: float  # the range the signal can take
    high: float
    meaning: str


SIGNALS: dict[str, Signal] = {
    "log_km": Signal("geography", 0.0, math.inf, "log(1 + km to the trust's nearest school)"),
    "km_beyond_reach": Signal("geography", 0.0, math.inf, "km beyond 10 to its nearest school, in tens"),
    "in_la": Signal("geography", 0.0, 1.0, "1 if the trust has a school in the school's local authority"),
    "la_share": Signal("geography", 0.0, 1.0, "share of the trust's schools in that local authority"),
    "share_within_reach": Signal("geography", 0.0, 1.0, "share of the trust's schools within 10 km"),
    "log_within_reach": Signal("geography", 0.0, math.log1p(COUNT_CAP), "log(1 + its schools within 10 km)"),
    "same_faith": Signal("ethos", 0.0, 1.0, "share of its schools sharing the school's religious character"),
    "same_diocese": Signal("ethos", 0.0, 1.0, "share sharing the character and one of the school's dioceses"),
    "diocese_present": Signal("ethos", 0.0, 1.0, "1 if it has such a school of the same diocese"),
    "diocesan_trust": Signal(
        "ethos", 0.0, 1.0, "1 if its name says it is a diocesan trust and 15% or more of its schools are such schools"
    ),
    "other_faith": Signal("ethos", 0.0, 1.0, "share of its schools with a religious character not the school's"),
    "phase_share": Signal("phase", 0.0, 1.0, "share of its schools of the school's phase (related phases count part)"),
    "phase_present": Signal("phase", 0.0, 1.0, "1 if it has a school of the same phase"),
    "phase_nearby": Signal("phase", 0.0, math.log1p(COUNT_CAP), "log(1 + schools of the phase within 10 km)"),
    "specialist": Signal("phase", 0.0, 1.0, "for special schools and alternative provision: 1 if it runs one"),
    "log_schools": Signal("capacity", 0.0, math.log(1000), "log of its number of schools"),
    "school_share": Signal("capacity", 0.0, 1.0, "the school's share of the pupils the trust would have"),
    "recent_joins": Signal("capacity", 0.0, math.log1p(COUNT_CAP), "log(1 + schools that joined it in the last year)"),
    "fill": Signal("capacity", 0.0, 1.5, "pupils over places, in its schools with both recorded"),
    "growth": Signal(
        "capacity", 0.0, math.log1p(COUNT_CAP), "log(1 + maintained schools that converted into it in the last 3 years)"
    ),
    "log_distance_rank": Signal("geography", 0.0, math.log(5000), "log of its place among trusts by distance"),
    "in_la_no_faith": Signal("geography", 0.0, 1.0, "in_la, for a school with no religious character"),
    "log_km_no_faith": Signal("geography", 0.0, math.inf, "log_km, for a school with no religious character"),
    "secondaries": Signal("phase", 0.0, math.log1p(COUNT_CAP), "for a secondary school: log(1 + its secondaries)"),
    "converter_share": Signal("capacity", 0.0, 1.0, "share of its schools that converted from maintained schools"),
    "in_town": Signal("geography", 0.0, 1.0, "1 if the trust has a school in the school's town"),
    "log_km_centre": Signal("geography", 0.0, math.inf, "log(1 + km to the centre of its schools)"),
    "next_school": Signal(
        "phase", 0.0, 1.0, "for an infant, first or middle school: 1 if it runs, within 10 km, a mainstream school "
        "that takes pupils at the age this school's leave"
    ),
}


def moves_on_at(phase_group: str, high_age: int | None) -> int | None:
    """The age this school's pupils move on to another school, if not the usual 11 or 16; else None.

    Infant schools end at 7, first schools at 8 to 10, middle schools at 12 to 14 (the register has each).
    Their next school is a mainstream school that takes pupils at exactly that age: a junior school at 7, a
    middle school at 9 or 10, an upper or high school at 12 to 14.  (The only schools whose youngest pupils are
    6 or 8 are special schools and alternative provision: not a school's next school.)
    """
    if phase_group not in ("primary", "secondary") or high_age is None:
        return None
    return high_age if 0 < high_age < 11 or 11 < high_age < 16 else None


FAITH_GROUPS = ("none", "cofe", "catholic", "other")


class ScoringProblem(Exception):
    """The fitted scoring file is missing or damaged."""


@dataclass(frozen=True)
class Model:
    """The fitted coefficients: per criterion, signal -> coefficient (ethos per faith group)."""

    coefficients: dict[str, dict[str, float]]  # "geography", "phase", "capacity"
    ethos: dict[str, dict[str, float]]  # faith group -> signal -> coefficient
    scale: float
    document: dict  # the whole file: window, date, figures

    def for_criterion(self, criterion: str, faith_group: str) -> dict[str, float]:
        return self.ethos[faith_group] if criterion == "ethos" else self.coefficients.get(criterion, {})

    def signal_names(self) -> frozenset[str]:
        """Every signal with a coefficient, in any criterion or faith group: what a ranking must compute."""
        return frozenset(k for c in self.coefficients.values() for k in c) | frozenset(
            k for g in self.ethos.values() for k in g
        )

    def to_document(self) -> dict:
        return dict(self.document, scale=self.scale, coefficients=dict(self.coefficients, ethos=self.ethos))

    @classmethod
    def from_document(cls, document: dict) -> Model:
        try:
            given = document["coefficients"]
            coefficients = {c: {k: float(v) for k, v in given[c].items()} for c in CRITERIA if c != "ethos"}
            ethos = {g: {k: float(v) for k, v in document["coefficients"]["ethos"][g].items()} for g in FAITH_GROUPS}
            scale = float(document["scale"])
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ScoringProblem(f"The scoring file lacks {err}.") from None
        for name in [k for c in coefficients.values() for k in c] + [k for g in ethos.values() for k in g]:
            if name not in SIGNALS:
                raise ScoringProblem(f"The scoring file names an unknown signal '{name}'.")
        return cls(coefficients, ethos, scale, document)


@lru_cache(maxsize=1)
def fitted_model() -> Model:
    """The model in resources/fit/scoring.json, read once."""
    path = paths.resource("fit", "scoring.json")
    try:
        return Model.from_document(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as err:
        raise ScoringProblem(f"The scoring file {path} cannot be read ({err}).") from None


def utility(signals: dict[str, np.ndarray], coefficients: dict[str, float], count: int) -> np.ndarray:
    """The criterion's utility per trust: its signals times their fitted coefficients.

    A signal missing from `signals` does not apply to this school (e.g. the
    diocese signals for a school with no diocese) and counts neither way.
    """
    u = np.zeros(count)
    for name, beta in coefficients.items():
        if name in signals:
            u = u + beta * signals[name]
    return u


def score(
    signals: dict[str, np.ndarray], coefficients: dict[str, float], scale: float, candidates: np.ndarray
) -> np.ndarray:
    """100 x exp((u - u_best) / scale) per trust, u_best the best utility among the candidates (a mask)."""
    u = utility(signals, coefficients, len(candidates))
    best = u[candidates].max() if candidates.any() else 0.0
    return 100.0 * np.exp(np.minimum(u - best, 0.0) / scale)


def log_scores(scores: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(np.asarray(scores, dtype=float), 1e-12) / 100.0)


def total(criteria: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted geometric mean of the criteria (columns in CRITERIA order); weights need not sum to 1."""
    weights = np.asarray(weights, dtype=float)
    return 100.0 * np.exp(log_scores(criteria) @ (weights / weights.sum()))
