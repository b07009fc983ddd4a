"""The four fit criteria as plain formulas over arrays of trusts, each giving 0-100.

Each formula and the evidence behind it is set out in docs/scoring.md; the
numbers named here are the ones that document explains.
"""

from __future__ import annotations

import numpy as np

CRITERIA = ("ethos", "geography", "phase", "capacity")

# DfE 2022 White Paper: trusts should work towards at least 10 schools or 7,500 pupils.
BENCHMARK_SCHOOLS = 10
BENCHMARK_PUPILS = 7_500
# DfE 2016 guidance: trusts under 2,000 pupils face closer financial scrutiny.
SCRUTINY_PUPILS = 2_000
SCRUTINY_CAP = 0.4


def ethos(school_faith: str, has_diocese: bool, same_faith_share, same_diocese_share) -> np.ndarray:
    """How well the trust's religious character and dioceses suit the school's.

    Shares are of the trust's schools (0-1).  Catholic schools weigh the diocese
    most (dioceses steer them into their own diocesan trusts); Church of England
    schools the church character first; a school with no religious character can
    join a church trust but fits a trust of community schools better.
    """
    faith = np.clip(np.asarray(same_faith_share, dtype=float), 0.0, 1.0)
    diocese = np.clip(np.asarray(same_diocese_share, dtype=float), 0.0, 1.0)
    if school_faith == "none":
        score = 0.5 + 0.5 * faith
    elif school_faith == "catholic":
        score = 0.4 * faith + 0.6 * diocese if has_diocese else faith
    elif school_faith == "cofe":
        score = 0.6 * faith + 0.4 * diocese if has_diocese else faith
    else:
        score = 0.3 + 0.7 * faith
    return 100.0 * np.minimum(score, 1.0)


def proximity(nearest_km, radius_km: float) -> np.ndarray:
    """1 beside a member school, 0.5 at the radius, falling towards 0 beyond it."""
    return 1.0 / (1.0 + (np.asarray(nearest_km, dtype=float) / radius_km) ** 2)


def compactness(largest_hub_share, spread_km, radius_km: float) -> np.ndarray:
    """1 for a trust in one tight cluster; lower as its schools split into hubs or spread out."""
    spread = 1.0 / (1.0 + (np.asarray(spread_km, dtype=float) / (3.0 * radius_km)) ** 2)
    return 0.5 * np.clip(largest_hub_share, 0.0, 1.0) + 0.5 * spread


def geography(nearest_km, largest_hub_share, spread_km, radius_km: float) -> np.ndarray:
    """Near the trust's schools above all; a compact trust beats a scattered one at the same distance.

    Compactness scales the proximity rather than adding to it, so a tight
    cluster 300 km away still scores near zero.
    """
    compact = compactness(largest_hub_share, spread_km, radius_km)
    return 100.0 * proximity(nearest_km, radius_km) * (0.75 + 0.25 * compact)


def phase(relevant_schools, trust_schools, relevant_within_radius) -> np.ndarray:
    """Experience of the school's phase (share and number of such schools) and same-phase partners nearby.

    `relevant_schools` counts the trust's schools of the school's phase group,
    with related phases counting part (see PHASE_AFFINITY in ranking.py).
    """
    relevant = np.asarray(relevant_schools, dtype=float)
    share = np.clip(relevant / np.maximum(np.asarray(trust_schools, dtype=float), 1.0), 0.0, 1.0)
    experience = 0.5 * share + 0.5 * np.minimum(relevant / 3.0, 1.0)
    nearby = np.minimum(np.asarray(relevant_within_radius, dtype=float) / 2.0, 1.0)
    return 100.0 * (0.7 * experience + 0.3 * nearby)


def size(schools, pupils) -> np.ndarray:
    """Progress towards the DfE's 10 schools or 7,500 pupils, capped while under 2,000 pupils."""
    pupils = np.asarray(pupils, dtype=float)
    progress = np.maximum(np.asarray(schools, dtype=float) / BENCHMARK_SCHOOLS, pupils / BENCHMARK_PUPILS)
    progress = np.minimum(progress, 1.0)
    return np.where(pupils < SCRUTINY_PUPILS, np.minimum(progress, SCRUTINY_CAP), progress)


def room(pupils, capacity) -> np.ndarray:
    """Rolls at 85-100% of places are healthy; falling rolls strain budgets, full schools have no room."""
    capacity = np.asarray(capacity, dtype=float)
    filled = np.where(capacity > 0, np.asarray(pupils, dtype=float) / np.maximum(capacity, 1.0), 0.9)
    under = np.clip(1.0 - (0.85 - filled) / 0.35, 0.0, 1.0)
    over = np.clip(1.0 - (filled - 1.0) / 0.2, 0.0, 1.0)
    return np.where(filled < 0.85, under, np.where(filled > 1.0, over, 1.0))


def weight_in_trust(school_pupils: float, trust_pupils) -> np.ndarray:
    """A school that would be a large part of the trust weighs on it (and risks its own identity less)."""
    trust_pupils = np.asarray(trust_pupils, dtype=float)
    share = school_pupils / np.maximum(trust_pupils + school_pupils, 1.0)
    return np.clip(1.0 - (share - 0.15) / 0.35, 0.0, 1.0)


def capacity(schools, pupils, places, school_pupils: float) -> np.ndarray:
    return 100.0 * (
        0.5 * size(schools, pupils) + 0.25 * room(pupils, places) + 0.25 * weight_in_trust(school_pupils, pupils)
    )


def total(criteria: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean of the criteria (columns in CRITERIA order); weights need not sum to 1."""
    weights = np.asarray(weights, dtype=float)
    return criteria @ (weights / weights.sum())
