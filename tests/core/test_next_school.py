"""Infant, first and middle schools: the trust that runs the school their pupils move on to (docs/scoring.md, Phase)."""

from __future__ import annotations

import pytest

from trustmatch.fit import criteria
from trustmatch.fit.ranking import PRESETS

ST_BEDES_INFANT = 100631  # St Bede's Catholic Infant School, Lambeth: pupils move on at 7


@pytest.mark.parametrize(
    "phase, high_age, expected",
    [
        ("primary", 7, 7),  # infant school
        ("primary", 9, 9),  # first school
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


def test_every_infant_schools_age_is_read_from_the_register(dataset):
    infants = [s for s in map(dataset.school, range(len(dataset))) if s.phase_group == "primary" and s.high_age == 7]
    assert len(infants) > 500  # a real register has many
    assert all(criteria.moves_on_at(s.phase_group, s.high_age) == 7 for s in infants)


def test_an_infant_school_sees_which_trusts_run_a_school_taking_its_pupils(engine, dataset):
    row = dataset.index_of_urn(ST_BEDES_INFANT)
    evaluation = engine.evaluate(row)
    ranking = evaluation.rank(PRESETS["balanced"])
    st_marys = next(c for c in ranking.rows(5) if c.trust_name == "ST MARY'S CATHOLIC PRIMARY SCHOOLS TRUST")
    k = engine.position[st_marys.trust_code]
    assert evaluation.signals["next_school"][k] == 1.0
    # the school it names really takes pupils at 6 to 8 and is within 10 km
    trust = dataset.trusts.by_code(st_marys.trust_code)
    takers = [m for m in trust.members if 6 <= (dataset.school(m).low_age or -9) <= 8]
    assert takers
    assert st_marys.reasons["phase"].endswith(
        f"pupils move on at 7: it runs 1 school within 10 km taking pupils at that age, the nearest "
        f"{evaluation.nearest_next_km[k]:.1f} km away"
    )
    others = [c for c in ranking.rows(10) if evaluation.signals["next_school"][engine.position[c.trust_code]] == 0]
    assert others
    assert all("it runs no school within 10 km taking pupils at that age" in c.reasons["phase"] for c in others)


def test_a_primary_school_is_not_scored_or_told_about_a_next_school(engine, dataset):
    evaluation = engine.evaluate(dataset.index_of_urn(143283))  # St Mary's CofE Primary, Portbury (4-11)
    assert "next_school" not in evaluation.signals
    assert all("move on" not in c.reasons["phase"] for c in evaluation.rank(PRESETS["balanced"]).rows(10))


def test_the_fitted_model_weighs_the_next_school():
    """Kept by the fit's rule in the fifth round (docs/scoring.md): about twice the odds."""
    assert criteria.fitted_model().coefficients["phase"]["next_school"] > 0.3
