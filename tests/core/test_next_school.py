"""Infant, first and middle schools: the trust that runs the school their pupils move on to (docs/scoring.md, Phase)."""

from __future__ import annotations

import math

import pytest

from trustmatch.fit import criteria
from trustmatch.fit.ranking import PRESETS

DOROTHY_BARLEY_INFANTS = 101188  # Dagenham: its junior school, 0.1 km away, is in REACH2
GOSFORTH_CENTRAL_MIDDLE = 108519  # Newcastle: pupils move on at 13


@pytest.mark.parametrize(
    "phase, high_age, expected",
    [
        ("primary", 7, 7),  # infant school
        ("primary", 9, 9),  # first school
        ("primary", 10, 10),  # first school ending at 10
        ("primary", 11, None),  # primary: secondary transfer is what every trust's phase signals measure
        ("secondary", 13, 13),  # middle school deemed secondary
        ("secondary", 16, None),
        ("secondary", 18, None),
        ("special", 7, None),
        ("primary", None, None),
    ],
)
def test_which_schools_move_on_early(phase, high_age, expected):
    assert criteria.moves_on_at(phase, high_age) == expected


def km(dataset, a: int, b: int) -> float:
    (xa, ya), (xb, yb) = dataset.xy[a], dataset.xy[b]
    return math.hypot(xa - xb, ya - yb) / 1000


def next_schools(dataset, trust_code: str, row: int, age: int) -> list[int]:
    """The trust's mainstream schools within 10 km that take pupils at `age`, worked out from the register."""
    trust = dataset.trusts.by_code(trust_code)
    return [
        m
        for m in trust.members
        if dataset.school(m).low_age == age
        and dataset.school(m).phase_group not in ("special", "alternative provision")
        and km(dataset, m, row) <= 10
    ]


def test_an_infant_school_is_told_which_trust_runs_its_junior_school(engine, dataset):
    row = dataset.index_of_urn(DOROTHY_BARLEY_INFANTS)
    evaluation = engine.evaluate(row)
    ranking = evaluation.rank(PRESETS["balanced"])
    reach2 = next(c for c in ranking.rows(10) if c.trust_name == "REACH2 ACADEMY TRUST")
    takers = next_schools(dataset, reach2.trust_code, row, 7)
    assert len(takers) == 2 and evaluation.signals["next_school"][engine.position[reach2.trust_code]] == 1.0
    nearest = min(takers, key=lambda m: km(dataset, m, row))
    assert dataset.school(nearest).name == "Dorothy Barley Junior Academy"
    assert reach2.reasons["phase"].endswith(
        "its pupils move on at 7: the trust runs 2 schools within 10 km that take pupils at 7, the nearest "
        f"Dorothy Barley Junior Academy, {km(dataset, nearest, row):.1f} km away"
    )


def test_special_schools_and_other_ages_are_no_next_school(engine, dataset):
    """With "a year either side" EKO TRUST's special school for 6-19 year olds (Pathways School, 3.1 km) was
    Dorothy Barley Infants' next school, and TYNE COAST's UTC taking pupils at 14 Gosforth Central Middle's."""
    for urn, trust_name, age in ((DOROTHY_BARLEY_INFANTS, "EKO TRUST", 7), (GOSFORTH_CENTRAL_MIDDLE, "TYNE COAST", 13)):
        row = dataset.index_of_urn(urn)
        evaluation = engine.evaluate(row)
        candidate = next(c for c in evaluation.rank(PRESETS["balanced"]).rows(30) if trust_name in c.trust_name)
        trust = dataset.trusts.by_code(candidate.trust_code)
        assert any(  # a school a year either side, or special, within reach: the trap
            abs((dataset.school(m).low_age or -9) - age) <= 1 and km(dataset, m, row) <= 10 for m in trust.members
        )
        assert next_schools(dataset, candidate.trust_code, row, age) == []
        assert evaluation.signals["next_school"][engine.position[candidate.trust_code]] == 0.0
        assert candidate.reasons["phase"].endswith(f"the trust runs no school within 10 km that takes pupils at {age}")


def test_one_next_school_is_named(engine, dataset):
    row = dataset.index_of_urn(DOROTHY_BARLEY_INFANTS)
    candidate = next(
        c for c in engine.evaluate(row).rank(PRESETS["balanced"]).rows(5) if c.trust_name == "PARTNERSHIP LEARNING"
    )
    (taker,) = next_schools(dataset, candidate.trust_code, row, 7)
    assert candidate.reasons["phase"].endswith(
        f"the trust runs {dataset.school(taker).name}, {km(dataset, taker, row):.1f} km away, which takes pupils at 7"
    )


def test_a_primary_school_is_not_scored_or_told_about_a_next_school(engine, dataset):
    evaluation = engine.evaluate(dataset.index_of_urn(143283))  # St Mary's CofE Primary, Portbury (4-11)
    assert "next_school" not in evaluation.signals
    assert all("move on" not in c.reasons["phase"] for c in evaluation.rank(PRESETS["balanced"]).rows(10))


def test_the_fitted_model_weighs_the_next_school():
    """Kept by the fit's rule in the fifth round (docs/scoring.md): about twice the odds."""
    assert criteria.fitted_model().coefficients["phase"]["next_school"] > 0.3
